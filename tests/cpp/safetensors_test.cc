// safetensors export: the documented layout, a bit-identical round trip, and every kind of
// malformed file rejected with a message naming the problem.
#include "core/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "test_support.h"
#include "transformer_support.h"

namespace embedlab {
namespace {

std::string exported(const Model& model) {
  std::ostringstream out;
  write_safetensors(out, model);
  return out.str();
}

std::string saved(const Model& model) {
  std::ostringstream out;
  model.save(out);
  return out.str();
}

std::uint64_t header_size(const std::string& file) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file[static_cast<std::size_t>(i)]);
  return n;
}

// A file's JSON header and its data, and back.
struct Parts {
  std::string header, data;
};
Parts split(const std::string& file) {
  const std::size_t n = header_size(file);
  return {file.substr(8, n), file.substr(8 + n)};
}
std::string join(const std::string& header, const std::string& data) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  return out + header + data;
}

std::string read_error(const std::string& file) {
  std::istringstream in(file);
  return error_of([&] { read_safetensors(in, "init.safetensors"); });
}

// The file with `from` replaced by `to` in its header.
std::string with_header_change(const std::string& file, const std::string& from, const std::string& to) {
  Parts parts = split(file);
  const std::size_t at = parts.header.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) parts.header.replace(at, from.size(), to);
  return join(parts.header, parts.data);
}

TEST(Safetensors, RoundTripGivesIdenticalWeightsAndModel) {
  for (const Positional p : {Positional::kNone, Positional::kSinusoidal, Positional::kLearned, Positional::kRope}) {
    for (const bool causal : {true, false}) {
      const TransformerConfig config = tiny_config(p, causal, !causal);
      const Model model = tiny_model(config, 21, 0.2f);
      const std::string file = exported(model);
      std::istringstream in(file);
      const SafetensorsWeights weights = read_safetensors(in);
      EXPECT_EQ(weights.config.settings(), config.settings());
      ASSERT_EQ(weights.tensors.size(), model.matrices().size());
      for (std::size_t i = 0; i < weights.tensors.size(); ++i) {
        EXPECT_EQ(weights.tensors[i].name, model.matrices()[i].name);
        EXPECT_EQ(weights.tensors[i].matrix, model.matrices()[i].matrix);
      }
      const Model back = weights.to_model(model.shared_tokenizer());
      EXPECT_EQ(saved(back), saved(model));
      EXPECT_EQ(exported(back), file);
    }
  }
}

TEST(Safetensors, LayoutIsTheDocumentedOne) {
  const TransformerConfig config = tiny_config(Positional::kLearned, false, true);
  const Model model = tiny_model(config, 3);
  const std::string file = exported(model);
  const Parts parts = split(file);
  EXPECT_EQ((8 + parts.header.size()) % 8, 0u);  // data 8-byte aligned
  const JsonValue root = parse_json(parts.header, "header");
  ASSERT_EQ(root.type, JsonValue::Type::kObject);
  EXPECT_EQ(root.members.front().first, "__metadata__");
  const JsonValue& metadata = root.members.front().second;
  const std::vector<std::pair<const char*, const char*>> expected = {
      {"vocab", "11"},           {"width", "8"},          {"layers", "2"},        {"heads", "2"},       {"context", "6"},
      {"positional", "learned"}, {"objective", "masked"}, {"segments", "true"}, {"format", "embedlab"}};
  for (const auto& [key, value] : expected) {
    ASSERT_NE(metadata.find(key), nullptr) << key;
    EXPECT_EQ(metadata.find(key)->text, value) << key;
  }
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < model.matrices().size(); ++i) {
    const NamedMatrix& m = model.matrices()[i];
    const auto& [name, entry] = root.members[i + 1];
    EXPECT_EQ(name, m.name);
    EXPECT_EQ(entry.find("dtype")->text, "F32");
    const JsonValue& shape = *entry.find("shape");
    if (m.matrix.rows() == 1) {  // 1-D tensors are [n]
      ASSERT_EQ(shape.items.size(), 1u) << name;
      EXPECT_EQ(shape.items[0].as_count("n"), m.matrix.cols());
    } else {
      ASSERT_EQ(shape.items.size(), 2u) << name;
      EXPECT_EQ(shape.items[0].as_count("rows"), m.matrix.rows());
      EXPECT_EQ(shape.items[1].as_count("cols"), m.matrix.cols());
    }
    const JsonValue& offsets = *entry.find("data_offsets");
    EXPECT_EQ(offsets.items[0].as_count("begin"), offset);
    offset += m.matrix.size() * 4;
    EXPECT_EQ(offsets.items[1].as_count("end"), offset);
    // Row-major float32 little-endian.
    const std::size_t last = m.matrix.size() - 1;
    const std::size_t at = static_cast<std::size_t>(offset) - 4;
    std::uint32_t bits = 0;
    for (int b = 3; b >= 0; --b) bits = (bits << 8) | static_cast<unsigned char>(parts.data[at + static_cast<std::size_t>(b)]);
    float value;
    std::memcpy(&value, &bits, 4);
    EXPECT_EQ(value, m.matrix.data()[last]) << name;
  }
  EXPECT_EQ(parts.data.size(), offset);
  EXPECT_EQ(model.matrices()[1].name, "wpe.weight");
  EXPECT_EQ(model.matrices()[2].name, "wse.weight");
}

TEST(Safetensors, MalformedFilesAreRejectedWithTheProblem) {
  const TransformerConfig config = tiny_config(Positional::kNone, true);
  const std::string file = exported(tiny_model(config, 4));
  const std::size_t header = header_size(file);
  EXPECT_EQ(read_error(file), "<no error>");

  // Truncated anywhere.
  EXPECT_TRUE(Contains(read_error(file.substr(0, 5)), "init.safetensors is truncated: a safetensors file starts with an 8-byte header size"));
  EXPECT_TRUE(Contains(read_error(file.substr(0, 8 + header / 2)), "is truncated: the header claims"));
  EXPECT_TRUE(Contains(read_error(file.substr(0, file.size() - 3)), "is truncated: its tensors need"));
  // An absurd header size (a file of another kind).
  EXPECT_TRUE(Contains(read_error(std::string(8, '\xff') + "{}"), "the header size 4,611,686,018,427,387,904 is out of range"));
  EXPECT_TRUE(Contains(read_error(join("{}", "")), "has no __metadata__"));
  // Bad JSON, with where.
  EXPECT_TRUE(Contains(read_error(join("{\"a\": }", "")), "init.safetensors: the JSON header: expected a JSON value but found '}' at byte 6"));
  EXPECT_TRUE(Contains(read_error(join("[1, 2]", "")), "the JSON header must be an object, not a JSON array"));
  // Changes to the header, and what the reader says about them.
  struct HeaderChange {
    const char* from;
    const char* to;
    const char* error;
  };
  const HeaderChange changes[] = {
      {"\"__metadata__\":{", "\"__metadata__\":{\"vocab\":\"1\",", "the key 'vocab' appears twice"},
      // The configuration.
      {"\"heads\":\"2\"", "\"heads\":\"3\"",
       "the __metadata__ does not hold a valid configuration: the transformer's 3 heads do not divide its width 8"},
      {"\"positional\":\"none\"", "\"positional\":7", "__metadata__ entry 'positional' is not a string"},
      // Tensors.
      {"\"F32\"", "\"F16\"", "tensor 'wte.weight' has dtype 'F16'; only F32 is supported"},
      {"\"ln_f.bias\"", "\"ln_f.beta\"", "tensor 'ln_f.beta' is not a tensor of this transformer"},
      {"\"ln_f.bias\":{\"dtype\":\"F32\",\"shape\":[8]", "\"ln_f.bias\":{\"dtype\":\"F32\",\"shape\":[8,1]",
       "tensor 'ln_f.bias' has shape [8, 1] but the configuration needs [8]"},
      {"\"shape\":[11,8]", "\"shape\":[11,-8]", "tensor 'wte.weight''s shape entry is -8 (expected a whole number)"},
  };
  for (const HeaderChange& c : changes) EXPECT_TRUE(Contains(read_error(with_header_change(file, c.from, c.to)), c.error));
  {  // A missing tensor: drop ln_f.bias's entry.
    Parts parts = split(file);
    const std::size_t at = parts.header.find(",\"ln_f.bias\"");
    const std::size_t end = parts.header.find('}', at) + 1;
    parts.header.erase(at, end - at);
    EXPECT_TRUE(Contains(read_error(join(parts.header, parts.data)), "has no tensor 'ln_f.bias', which this configuration needs"));
  }
  // Offsets: overlapping, wrong size, gaps and bytes past the end.
  const std::uint64_t ln_f_weight = 11 * 8 * 4 + 2 * (8 + 8 + 24 * 8 + 24 + 64 + 8 + 8 + 8 + 32 * 8 + 32 + 8 * 32 + 8) * 4;
  const std::string bias_offsets = "[" + std::to_string(ln_f_weight + 32) + "," + std::to_string(ln_f_weight + 64) + "]";
  const std::string weight_offsets = "[" + std::to_string(ln_f_weight) + "," + std::to_string(ln_f_weight + 32) + "]";
  EXPECT_TRUE(Contains(read_error(with_header_change(file, bias_offsets, weight_offsets)), "overlaps tensor"));
  EXPECT_TRUE(Contains(read_error(with_header_change(file, bias_offsets, "[" + std::to_string(ln_f_weight + 32) + "," + std::to_string(ln_f_weight + 60) + "]")),
                       "tensor 'ln_f.bias' has data_offsets [" + std::to_string(ln_f_weight + 32) + ", " + std::to_string(ln_f_weight + 60) + "], but its shape needs 32 bytes"));
  EXPECT_TRUE(Contains(read_error(with_header_change(file, bias_offsets, "[" + std::to_string(ln_f_weight + 36) + "," + std::to_string(ln_f_weight + 68) + "]")),
                       "the 4 bytes before tensor 'ln_f.bias' (offset " + std::to_string(ln_f_weight + 32) + " to " + std::to_string(ln_f_weight + 36) + ") belong to no tensor"));
  EXPECT_TRUE(Contains(read_error(file + "junk"), "4 bytes after the last tensor belong to no tensor"));
  EXPECT_TRUE(Contains(read_error(with_header_change(file, bias_offsets, "[" + std::to_string(ln_f_weight + 3200) + "," + std::to_string(ln_f_weight + 3232) + "]")),
                       "belong to no tensor"));
  {  // A NaN weight.
    std::string bad = file;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(&bad[8 + header + 4], &nan, 4);
    EXPECT_TRUE(Contains(read_error(bad), "tensor 'wte.weight' value 2 is NaN; weights must be finite"));
  }
  // Only transformers export.
  std::vector<std::string> words = {"a", "b"};
  Model word2vec(Model::kWord2Vec, numbered_tokenizer(2));
  EXPECT_TRUE(Contains(error_of([&] { exported(word2vec); }), "only transformer models export to safetensors (this model is a word2vec model)"));
  // A tokenizer that does not fit the weights.
  std::istringstream in(file);
  const SafetensorsWeights weights = read_safetensors(in);
  EXPECT_TRUE(Contains(error_of([&] { weights.to_model(numbered_tokenizer(12)); }), "vocab option is 11 but its tokenizer has 12 tokens"));
}

}  // namespace
}  // namespace embedlab
