#include "core/safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

#include "core/error.h"
#include "core/json.h"

namespace embedlab {
namespace {

// safetensors' own limit on the header; anything larger is corrupt.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// docs/transformer.md: 2-D weights keep their shape, 1-D tensors (biases, LayerNorm) are [n].
std::vector<std::uint64_t> file_shape(const TransformerConfig::MatrixShape& shape) {
  if (shape.decay) return {shape.rows, shape.cols};
  return {shape.cols};
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Bytes left in `in` when the stream can tell (files and string streams can).
std::optional<std::uint64_t> bytes_left(std::istream& in) {
  const auto here = in.tellg();
  std::optional<std::uint64_t> left;
  if (here != std::streampos(-1) && in.seekg(0, std::ios::end)) {
    const auto end = in.tellg();
    if (end != std::streampos(-1) && end >= here) left = static_cast<std::uint64_t>(end - here);
    in.seekg(here);
  }
  in.clear();
  return left;
}

[[noreturn]] void fail_in(const std::string& source, const std::string& problem) { throw Error(source + ": " + problem); }

struct TensorEntry {
  std::string name;
  std::uint64_t begin = 0, end = 0;
  std::size_t shape_index = 0;  // in config.matrix_shapes()
};

}  // namespace

void write_safetensors(std::ostream& out, const Model& model) {
  if (model.kind() != Transformer::kKind) {
    throw Error("only transformer models export to safetensors (this model is a " + model.kind() + " model)");
  }
  const TransformerConfig config = TransformerConfig::from_settings(model.options());
  std::string header = "{\"__metadata__\":{";
  Settings metadata = config.settings();
  metadata.emplace_back("format", "embedlab");
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    header += (i ? "," : "") + json_quote(metadata[i].first) + ":" + json_quote(metadata[i].second);
  }
  header += "}";
  std::uint64_t offset = 0;
  const auto shapes = config.matrix_shapes();
  for (const TransformerConfig::MatrixShape& shape : shapes) {
    const Matrix& matrix = model.matrix(shape.name);  // throws naming a missing one
    const std::uint64_t bytes = static_cast<std::uint64_t>(matrix.size()) * 4;
    std::string dims;
    for (const std::uint64_t d : file_shape(shape)) dims += (dims.empty() ? "" : ",") + std::to_string(d);
    header += "," + json_quote(shape.name) + ":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  while ((8 + header.size()) % 8 != 0) header += ' ';  // the data starts 8-byte aligned
  std::string prefix;
  put_u64(prefix, header.size());
  out.write(prefix.data(), 8);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  std::vector<char> buffer;
  for (const TransformerConfig::MatrixShape& shape : shapes) {
    const Matrix& matrix = model.matrix(shape.name);
    buffer.resize(matrix.size() * 4);
    for (std::size_t i = 0; i < matrix.size(); ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, matrix.data() + i, 4);
      for (int b = 0; b < 4; ++b) buffer[i * 4 + static_cast<std::size_t>(b)] = static_cast<char>((bits >> (8 * b)) & 0xFF);
    }
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  }
  if (!out) throw Error("writing the safetensors file failed (disk full?)");
}

SafetensorsWeights read_safetensors(std::istream& in, const std::string& source) {
  const auto fail = [&](const std::string& problem) { fail_in(source, problem); };
  const auto truncated = [&](const std::string& problem) { throw Error(source + " is truncated: " + problem); };
  const std::optional<std::uint64_t> size = bytes_left(in);

  // ---- the header ----
  unsigned char length_bytes[8];
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  if (in.gcount() != 8) truncated("a safetensors file starts with an 8-byte header size");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | length_bytes[i];
  if (header_size < 2 || header_size > kMaxHeaderBytes) {
    fail("the header size " + with_commas(static_cast<long long>(std::min<std::uint64_t>(header_size, 1ull << 62))) +
         " is out of range (2 to " + with_commas(static_cast<long long>(kMaxHeaderBytes)) +
         " bytes); not a safetensors file?");
  }
  if (size && header_size > *size - 8) {
    truncated("the header claims " + with_commas(static_cast<long long>(header_size)) + " bytes but only " +
         with_commas(static_cast<long long>(*size - 8)) + " follow");
  }
  std::string header(static_cast<std::size_t>(header_size), '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  if (static_cast<std::uint64_t>(in.gcount()) != header_size) truncated("it ends inside the JSON header");
  const JsonValue root = parse_json(header, source + ": the JSON header");
  if (root.type != JsonValue::Type::kObject) {
    fail(std::string("the JSON header must be an object, not a JSON ") + json_type_name(root.type));
  }

  // ---- the configuration ----
  SafetensorsWeights weights;
  const JsonValue* metadata = root.find("__metadata__");
  if (metadata == nullptr) fail("has no __metadata__ (it must hold the transformer's configuration)");
  if (metadata->type != JsonValue::Type::kObject) fail("__metadata__ is not an object");
  for (const auto& [key, value] : metadata->members) {
    if (value.type != JsonValue::Type::kString) fail("__metadata__ entry " + quote(key) + " is not a string");
    weights.metadata.emplace_back(key, value.text);
  }
  try {
    weights.config = TransformerConfig::from_settings(weights.metadata);
  } catch (const Error& e) {
    fail(std::string("the __metadata__ does not hold a valid configuration: ") + e.what());
  }
  const auto shapes = weights.config.matrix_shapes();

  // ---- the tensor entries ----
  std::vector<TensorEntry> entries;
  for (const auto& member : root.members) {
    const std::string& name = member.first;  // (a structured binding cannot be captured in C++17)
    const JsonValue& value = member.second;
    if (name == "__metadata__") continue;
    const std::string what = "tensor " + quote(name);
    const auto known = std::find_if(shapes.begin(), shapes.end(), [&](const auto& s) { return s.name == name; });
    if (known == shapes.end()) fail(what + " is not a tensor of this transformer (see docs/transformer.md)");
    if (value.type != JsonValue::Type::kObject) fail(what + " must be described by an object, not a JSON " + json_type_name(value.type));
    for (const auto& field : value.members) {
      if (field.first != "dtype" && field.first != "shape" && field.first != "data_offsets") {
        fail(what + " has an unexpected field " + quote(field.first));
      }
    }
    const JsonValue* dtype = value.find("dtype");
    const JsonValue* shape = value.find("shape");
    const JsonValue* offsets = value.find("data_offsets");
    if (dtype == nullptr || shape == nullptr || offsets == nullptr) fail(what + " needs dtype, shape and data_offsets");
    if (dtype->type != JsonValue::Type::kString || dtype->text != "F32") {
      fail(what + " has dtype " + (dtype->type == JsonValue::Type::kString ? quote(dtype->text) : std::string("(not a string)")) +
           "; only F32 is supported");
    }
    if (shape->type != JsonValue::Type::kArray) fail(what + "'s shape is not an array");
    if (offsets->type != JsonValue::Type::kArray || offsets->items.size() != 2) {
      fail(what + "'s data_offsets is not an array of two numbers");
    }
    TensorEntry entry;
    entry.name = name;
    entry.shape_index = static_cast<std::size_t>(known - shapes.begin());
    std::vector<std::uint64_t> dims;
    try {
      for (const JsonValue& d : shape->items) dims.push_back(d.as_count(what + "'s shape entry"));
      entry.begin = offsets->items[0].as_count(what + "'s first data offset");
      entry.end = offsets->items[1].as_count(what + "'s second data offset");
    } catch (const Error& e) {
      fail(e.what());
    }
    if (dims != file_shape(*known)) {
      fail(what + " has shape " + shape_text(dims) + " but the configuration needs " + shape_text(file_shape(*known)));
    }
    const std::uint64_t bytes = static_cast<std::uint64_t>(known->rows) * known->cols * 4;
    if (entry.end < entry.begin || entry.end - entry.begin != bytes) {
      fail(what + " has data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "], " +
           "but its shape needs " + with_commas(static_cast<long long>(bytes)) + " bytes");
    }
    entries.push_back(std::move(entry));
  }
  for (const TransformerConfig::MatrixShape& shape : shapes) {
    if (std::none_of(entries.begin(), entries.end(), [&](const TensorEntry& e) { return e.name == shape.name; })) {
      fail("has no tensor " + quote(shape.name) + ", which this configuration needs");
    }
  }

  // ---- the offsets: back to back from 0, within the file ----
  std::sort(entries.begin(), entries.end(), [](const TensorEntry& a, const TensorEntry& b) { return a.begin < b.begin; });
  std::uint64_t expected = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TensorEntry& e = entries[i];
    if (e.begin < expected) {
      fail("tensor " + quote(e.name) + " (bytes " + std::to_string(e.begin) + " to " + std::to_string(e.end) +
           ") overlaps tensor " + quote(entries[i - 1].name) + " (bytes " + std::to_string(entries[i - 1].begin) +
           " to " + std::to_string(entries[i - 1].end) + ")");
    }
    if (e.begin > expected) {
      fail("the " + with_commas(static_cast<long long>(e.begin - expected)) + " bytes before tensor " + quote(e.name) +
           " (offset " + std::to_string(expected) + " to " + std::to_string(e.begin) + ") belong to no tensor");
    }
    expected = e.end;
  }
  const std::uint64_t data_bytes = expected;
  if (size && data_bytes > *size - 8 - header_size) {
    truncated("its tensors need " + with_commas(static_cast<long long>(data_bytes)) + " bytes of data but only " +
         with_commas(static_cast<long long>(*size - 8 - header_size)) + " follow the header (data offsets out of range)");
  }
  if (size && data_bytes < *size - 8 - header_size) {
    fail(with_commas(static_cast<long long>(*size - 8 - header_size - data_bytes)) +
         " bytes after the last tensor belong to no tensor");
  }

  // ---- the values, in file order ----
  std::vector<Matrix> matrices(shapes.size());
  std::vector<char> buffer;
  for (const TensorEntry& e : entries) {
    const TransformerConfig::MatrixShape& shape = shapes[e.shape_index];
    buffer.resize(static_cast<std::size_t>(e.end - e.begin));
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (static_cast<std::size_t>(in.gcount()) != buffer.size()) {
      truncated("it ends inside tensor " + quote(e.name) + " (data offsets out of range)");
    }
    std::vector<float> values(shape.rows * shape.cols);
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::uint32_t bits = 0;
      for (int b = 3; b >= 0; --b) bits = (bits << 8) | static_cast<unsigned char>(buffer[i * 4 + static_cast<std::size_t>(b)]);
      std::memcpy(&values[i], &bits, 4);
      if (!std::isfinite(values[i])) {
        fail("tensor " + quote(e.name) + " value " + with_commas(static_cast<long long>(i + 1)) + " is " +
             (std::isnan(values[i]) ? "NaN" : "infinite") + "; weights must be finite");
      }
    }
    matrices[e.shape_index] = Matrix(shape.rows, shape.cols, std::move(values));
  }
  if (!size && in.peek() != std::istream::traits_type::eof()) fail("has bytes after the last tensor that belong to no tensor");
  for (std::size_t i = 0; i < shapes.size(); ++i) weights.tensors.push_back(NamedMatrix{shapes[i].name, std::move(matrices[i])});
  return weights;
}

Model SafetensorsWeights::to_model(std::shared_ptr<const Tokenizer> tokenizer) const {
  Model model(Transformer::kKind, std::move(tokenizer), config.settings());
  for (const NamedMatrix& tensor : tensors) model.add_matrix(tensor.name, tensor.matrix);
  return model;
}

}  // namespace embedlab
