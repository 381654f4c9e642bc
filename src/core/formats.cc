#include "core/formats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/bpe.h"
#include "core/error.h"
#include "core/model.h"
#include "core/text.h"


namespace embedlab {
namespace {

constexpr std::size_t kMaxDim = 10000;

bool is_field_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Splits on spaces/tabs (and a trailing '\r').
void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_field_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_field_space(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
}

// Plain decimals ("-0.0123", "4.5e-3") with at most 19 significant digits and a small exponent:
// exact in double (Clinger's fast path), then rounded to float. Much faster than strtof in
// WebAssembly; false means "use the general parser", not "not a number".
bool parse_simple_decimal(std::string_view field, float& value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = field.data();
  const char* end = p + field.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  std::uint64_t mantissa = 0;
  int significant = 0, exponent = 0, digits = 0;
  const auto digit = [&](int d, bool fraction) {
    ++digits;
    if (mantissa == 0 && d == 0) {
      if (fraction) --exponent;
      return;
    }
    if (significant < 19) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(d);
      ++significant;
      if (fraction) --exponent;
    } else if (!fraction) {
      ++exponent;
    }
  };
  for (; p < end && *p >= '0' && *p <= '9'; ++p) digit(*p - '0', false);
  if (p < end && *p == '.') {
    for (++p; p < end && *p >= '0' && *p <= '9'; ++p) digit(*p - '0', true);
  }
  if (digits == 0) return false;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exponent = false;
    if (p < end && (*p == '-' || *p == '+')) negative_exponent = *p++ == '-';
    if (p == end) return false;
    int e = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) e = std::min(e * 10 + (*p - '0'), 100000);
    exponent += negative_exponent ? -e : e;
  }
  if (p != end || mantissa > (std::uint64_t{1} << 53) || exponent < -22 || exponent > 22) return false;
  double v = static_cast<double>(mantissa);
  v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
  // v is the correctly rounded double; rounding it to float is correct too unless v landed exactly
  // halfway between two floats (then the digits may lie just beside the midpoint: 16+ digits).
  const auto f = static_cast<float>(v);
  if (static_cast<double>(f) != v) {
    const float other = std::nextafter(f, v > static_cast<double>(f) ? INFINITY : -INFINITY);
    if ((static_cast<double>(f) + static_cast<double>(other)) / 2 == v) return false;
  }
  value = negative ? -f : f;
  return true;
}

// Parses a whole field as a float; false when it is not a number (NaN/Inf are numbers here).
// One grammar for every build (is_decimal_number): the same file loads natively and in wasm.
bool parse_float(std::string_view field, float& value) {
  if (parse_simple_decimal(field, value)) return true;
  if (!is_decimal_number(field)) return false;
  value = std::strtof(std::string(field).c_str(), nullptr);  // reads all of it: the grammar was checked
  return true;
}

bool parse_count(std::string_view field, long long& value) {
  if (field.empty() || field.size() > 12) return false;
  value = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

// [+-] digits: what a malformed header ("-4 3", "4 3 1") is made of.
bool is_whole_number(std::string_view field) {
  if (!field.empty() && (field[0] == '-' || field[0] == '+')) field.remove_prefix(1);
  return !field.empty() && std::all_of(field.begin(), field.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view first_line(std::string_view bytes, std::size_t from = 0) {
  const std::size_t end = bytes.find('\n', from);
  return bytes.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from);
}

// Checks one value and appends it; throws naming the word and position on NaN/Inf or garbage.
void append_value(std::string_view field, std::size_t index, std::string_view word, const std::string& where,
                  std::vector<float>& data) {
  float value;
  if (!parse_float(field, value)) {
    throw Error(where + quote(field) + " is not a number (value " + std::to_string(index + 1) + " of " + quote(word) + ")");
  }
  if (!std::isfinite(value)) {
    throw Error(where + "value " + std::to_string(index + 1) + " of " + quote(word) + " is " +
                (std::isnan(value) ? "NaN" : "infinite") + "; vectors must be finite");
  }
  data.push_back(value);
}

struct WordIndex {
  std::unordered_map<std::string, std::size_t> first_seen;  // word -> line or vector number
  void add(const std::string& word, std::size_t where, const std::string& prefix, const char* unit) {
    const auto [it, inserted] = first_seen.emplace(word, where);
    if (!inserted) {
      throw Error(prefix + "word " + quote(word) + " appears twice (first on " + unit + " " +
                  with_commas(static_cast<long long>(it->second)) + ")");
    }
  }
};

Embeddings parse_text(std::string_view bytes, const std::string& source, bool has_header) {
  VectorStreamReader reader(source, has_header ? VectorFormat::kWord2VecText : VectorFormat::kGloveText, bytes.size());
  reader.feed(bytes);
  return reader.finish();
}

// Where `count` word2vec binary records ("word " + dim floats, each ended by a line break as
// word2vec, gensim and embedlab write them) starting at `pos` end, or npos when the bytes do not
// have that shape.
std::size_t binary_records_end(std::string_view bytes, std::size_t pos, long long count, std::size_t row_bytes) {
  for (long long v = 0; v < count; ++v) {
    if (v > 0) {
      if (pos >= bytes.size() || bytes[pos] != '\n') return std::string_view::npos;
      ++pos;
    }
    const std::size_t space = bytes.find(' ', pos);
    if (space == std::string_view::npos || space == pos) return std::string_view::npos;
    if (bytes.substr(pos, space - pos).find('\n') != std::string_view::npos) return std::string_view::npos;
    if (bytes.size() - (space + 1) < row_bytes) return std::string_view::npos;
    pos = space + 1 + row_bytes;
  }
  return pos;
}

// Only line breaks (or nothing) from `pos` to the end.
bool only_line_breaks_from(std::string_view bytes, std::size_t pos) {
  for (; pos < bytes.size(); ++pos) {
    if (bytes[pos] != '\n' && bytes[pos] != '\r') return false;
  }
  return true;
}

Embeddings parse_binary(std::string_view bytes, const std::string& source) {
  VectorStreamReader reader(source, VectorFormat::kWord2VecBinary, bytes.size());
  reader.feed(bytes);
  return reader.finish();
}

}  // namespace

const char* format_name(VectorFormat format) {
  switch (format) {
    case VectorFormat::kWord2VecText: return "word2vec text";
    case VectorFormat::kWord2VecBinary: return "word2vec binary";
    case VectorFormat::kGloveText: return "GloVe text";
    default: return "auto";
  }
}

VectorFormat detect_format(std::string_view bytes, const std::string& source) {
  bytes = skip_bom(bytes);
  std::size_t start = 0;
  while (start < bytes.size() && (bytes[start] == '\n' || bytes[start] == '\r' || bytes[start] == ' ')) ++start;
  if (start == bytes.size()) throw Error(source + " is empty; expected word vectors");
  std::vector<std::string_view> fields;
  // The first non-blank line decides (GloVe files may start with blank lines).
  std::size_t line_start = 0;
  std::size_t line_number = 1;
  std::string_view header = first_line(bytes);
  for (split_fields(header, fields); fields.empty() && line_start + header.size() < bytes.size();
       split_fields(header, fields)) {
    line_start += header.size() + 1;
    ++line_number;
    header = first_line(bytes, line_start);
  }
  long long count, dim;
  const bool is_header = fields.size() == 2 && parse_count(fields[0], count) && parse_count(fields[1], dim);
  if (!is_header && std::all_of(fields.begin(), fields.end(), is_whole_number)) {
    // Whole numbers only: a malformed header, unless the next row has as many fields (then it is a
    // GloVe file whose first word is a number).
    std::vector<std::string_view> next;
    for (std::size_t next_start = line_start + header.size() + 1; next.empty() && next_start < bytes.size();) {
      const std::string_view line = first_line(bytes, next_start);
      split_fields(line, next);
      next_start += line.size() + 1;
    }
    if (next.size() != fields.size()) {
      throw Error(at_line(source, line_number) + "expected a header 'count dim' (two whole numbers: a count of vectors, a dimension of 1 to 10,000), found " +
                  quote(header) + (fields.size() == 2 ? "" : " (" + std::to_string(fields.size()) + " numbers)"));
    }
  }
  if (is_header) {
    const std::size_t row_start = line_start + header.size() + 1;
    if (row_start >= bytes.size()) return VectorFormat::kWord2VecText;
    const std::string_view row = first_line(bytes, row_start);
    // Exactly `count` binary records to the end of the file is binary, whatever bytes its floats
    // happen to be (one may hold 0x0A after printable bytes, which looks like the end of a text
    // line), unless the file also reads in full as text: with rows of 4 x dim bytes (tiny dims)
    // both can fit. A first row of printable text with a word and `dim` fields is otherwise text,
    // left to the text reader, whose errors name the line.
    std::vector<std::string_view> row_fields;
    split_fields(row, row_fields);
    bool text_row = is_valid_utf8(row) && static_cast<long long>(row_fields.size()) == dim + 1;
    for (std::size_t i = 0; text_row && i < row.size(); ++i) {
      const auto c = static_cast<unsigned char>(row[i]);
      text_row = c >= 0x20 || c == '\t' || c == '\r';
    }
    bool binary_layout = false;
    if (dim >= 1 && static_cast<std::size_t>(dim) <= kMaxDim && count >= 1 &&
        static_cast<unsigned long long>(count) <= bytes.size()) {
      const std::size_t end = binary_records_end(bytes, row_start, count, static_cast<std::size_t>(dim) * sizeof(float));
      binary_layout = end != std::string_view::npos && only_line_breaks_from(bytes, end);
    }
    if (binary_layout && text_row) {
      try {
        parse_text(bytes, source, true);
        return VectorFormat::kWord2VecText;
      } catch (const Error&) {
        return VectorFormat::kWord2VecBinary;
      }
    }
    if (binary_layout) return VectorFormat::kWord2VecBinary;
    if (text_row) return VectorFormat::kWord2VecText;
    // A damaged file: binary rows are raw floats (control bytes or invalid UTF-8 right after the
    // header); a text row, even a malformed one, is left to the text parser, whose errors name the line.
    bool text = is_valid_utf8(row);
    for (std::size_t i = 0; text && i < row.size(); ++i) {
      const auto c = static_cast<unsigned char>(row[i]);
      text = c >= 0x20 || c == '\t' || c == '\r';
    }
    return text ? VectorFormat::kWord2VecText : VectorFormat::kWord2VecBinary;
  }
  if (fields.size() >= 2 && is_valid_utf8(header)) {
    float value;
    bool numbers = true;
    for (std::size_t i = 1; numbers && i < fields.size(); ++i) numbers = parse_float(fields[i], value);
    if (numbers) return VectorFormat::kGloveText;
  }
  throw Error(at_line(source, line_number) +
              "not a vectors file: expected a header 'count dim' (word2vec, fastText .vec) or a word followed by "
              "numbers (GloVe), found " + quote(header));
}

Embeddings model_word_vectors(const Model& model) {
  const std::string matrix = model.has_matrix("wte.weight") ? "wte.weight" : "input";
  const auto* bpe = dynamic_cast<const BpeTokenizer*>(&model.tokenizer());
  if (bpe == nullptr) return model.embeddings(matrix);
  // Byte-pair tokens are any bytes: they show, and are queried, as GPT-2 prints them (a space is
  // \u0120), as bpe encode --pieces shows them.
  std::vector<std::string> pieces;
  for (std::size_t id = 0; id < bpe->size(); ++id) pieces.push_back(bpe->piece(static_cast<std::int32_t>(id)));
  return Embeddings(std::move(pieces), model.matrix(matrix), model.vocabulary().counts());
}

namespace {

Embeddings model_vectors(std::string_view bytes, const std::string& source) {
  std::istringstream in{std::string(bytes)};
  const Model model = Model::load(in, source);
  if (model.kind() == Model::kTokenizer) throw Error("'" + source + "' is a tokenizer; it has no vectors");
  return model_word_vectors(model);
}

Embeddings parse_as(VectorFormat format, std::string_view bytes, const std::string& source) {
  switch (format) {
    case VectorFormat::kWord2VecBinary: return parse_binary(bytes, source);
    case VectorFormat::kGloveText: return parse_text(bytes, source, false);
    default: return parse_text(bytes, source, true);
  }
}

// " (it looks like GloVe text: ...)" when detection sees another format than the one named.
std::string format_hint(std::string_view bytes, const std::string& source, VectorFormat named) {
  VectorFormat detected = named;
  try {
    detected = detect_format(bytes, source);
  } catch (const Error&) {
  }
  if (detected == named) return "";
  const char* option = detected == VectorFormat::kWord2VecBinary ? "word2vec-binary"
                       : detected == VectorFormat::kGloveText    ? "glove"
                                                                 : "word2vec-text";
  return std::string(" (it looks like ") + format_name(detected) + ": use the format '" + option + "' or 'auto')";
}

}  // namespace

Embeddings parse_vectors(std::string_view bytes, const std::string& source, VectorFormat format) {
  if (format == VectorFormat::kAuto && bytes.substr(0, 8) == "EMBEDLAB") return model_vectors(bytes, source);
  bytes = skip_bom(bytes);
  if (format == VectorFormat::kAuto) return parse_as(detect_format(bytes, source), bytes, source);
  std::string hint;
  try {
    Embeddings embeddings = parse_as(format, bytes, source);
    // Text bytes read as binary floats are finite garbage: a file that parses as text in full is text.
    if (format != VectorFormat::kWord2VecBinary) return embeddings;
    try {
      parse_text(bytes, source, true);
    } catch (const Error&) {
      return embeddings;
    }
    hint = format_hint(bytes, source, format);
  } catch (const Error& error) {
    throw Error(error.what() + format_hint(bytes, source, format));
  }
  throw Error(source + " is not word2vec binary: each line holds a word and the numbers its header promises" + hint);
}

Embeddings load_vectors(const std::string& path, VectorFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  if (format != VectorFormat::kAuto) {  // a named format: the whole-file reader adds format hints to errors
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_vectors(bytes, path, format);
  }
  // Detected formats stream in 1 MB chunks: a 1 GB file never sits in memory whole.
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0, std::ios::beg);
  VectorStreamReader reader(path, format, size);
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return reader.finish();
}

// ---- building and streaming --------------------------------------------------------------------

VectorsBuilder::VectorsBuilder(std::size_t dim, std::size_t expected_rows) : dim_(dim) {
  words_.reserve(expected_rows);
  values_.reserve(expected_rows * dim);
}

void VectorsBuilder::make_room(std::size_t more) {
  if (values_.size() + more * dim_ <= values_.capacity()) return;
  // More rows than expected: grow by a quarter (the one copy a wrong estimate costs).
  const std::size_t rows = std::max(words_.size() + more, words_.size() + words_.size() / 4 + 1024);
  words_.reserve(rows);
  values_.reserve(rows * dim_);
}

void VectorsBuilder::add(std::vector<std::string>& words, const std::vector<float>& values) {
  if (values.size() != words.size() * dim_) {
    throw Error("expected " + with_commas(static_cast<long long>(words.size() * dim_)) + " numbers for " +
                with_commas(static_cast<long long>(words.size())) + " words of dimension " + std::to_string(dim_) +
                ", found " + with_commas(static_cast<long long>(values.size())));
  }
  make_room(words.size());
  for (auto& w : words) words_.push_back(std::move(w));
  values_.insert(values_.end(), values.begin(), values.end());
}

void VectorsBuilder::add(std::string word, const float* row) {
  make_room(1);
  words_.push_back(std::move(word));
  values_.insert(values_.end(), row, row + dim_);
}

Embeddings VectorsBuilder::finish() {
  Embeddings embeddings(std::move(words_), dim_, std::move(values_));
  words_ = {};
  values_ = {};
  return embeddings;
}

namespace {
// Bytes collected before the format of an auto-detected stream is decided.
constexpr std::size_t kSniffBytes = std::size_t{1} << 20;
// Rows reserved for a header's count when the file's size is unknown (more are added as they come).
constexpr std::size_t kUnsizedReserve = std::size_t{1} << 20;
}  // namespace

struct VectorStreamReader::Seen {
  WordIndex index;
};

VectorStreamReader::VectorStreamReader(std::string source, VectorFormat format, std::uint64_t total_bytes, bool batches)
    : source_(std::move(source)), format_(format), total_bytes_(total_bytes), batches_(batches), seen_(new Seen) {}

VectorStreamReader::~VectorStreamReader() = default;

std::size_t VectorStreamReader::expected_rows() const {
  if (header_count_ >= 0) {
    auto rows = static_cast<std::size_t>(header_count_);
    // Reserve no more than the bytes can hold (a header may promise far more rows than follow).
    if (total_bytes_ > 0 && dim_ > 0) rows = std::min<std::size_t>(rows, total_bytes_ / (2 * dim_ + 2) + 1);
    return total_bytes_ > 0 ? rows : std::min(rows, kUnsizedReserve);
  }
  if (rows_ == 0 || consumed_ == 0 || total_bytes_ <= consumed_) return rows_;
  // GloVe: the rows so far tell the bytes per row; 2% and a little more spare.
  const double per_row = static_cast<double>(consumed_) / static_cast<double>(rows_);
  const auto rest = static_cast<std::size_t>(static_cast<double>(total_bytes_ - consumed_) / per_row);
  return rows_ + rest + rest / 50 + 64;
}

void VectorStreamReader::feed(std::string_view chunk) {
  bytes_read_ += chunk.size();
  if (whole_ || (!started_ && format_ == VectorFormat::kAuto && pending_.size() + chunk.size() < kSniffBytes)) {
    pending_.append(chunk);
    return;
  }
  consume(chunk, false);
}

void VectorStreamReader::consume(std::string_view chunk, bool at_end) {
  std::string_view data = chunk;
  if (!pending_.empty()) {
    pending_.append(chunk);
    data = pending_;
  }
  const bool in_pending = !pending_.empty();
  if (!started_) {
    started_ = true;
    const std::string_view without_bom = skip_bom(data);
    consumed_ += data.size() - without_bom.size();
    data = without_bom;
    if (format_ == VectorFormat::kAuto && data.substr(0, 8) == "EMBEDLAB") {
      whole_ = true;
      pending_.assign(data);
      return;
    }
    if (format_ == VectorFormat::kAuto) format_ = detect_format(data, source_);
    has_header_ = format_ != VectorFormat::kGloveText;
  }
  const std::size_t used = format_ == VectorFormat::kWord2VecBinary && header_count_ >= 0 ? parse_binary(data, at_end)
                                                                                           : parse_text(data, at_end);
  consumed_ += used;
  const std::string_view rest = data.substr(used);
  if (in_pending) {
    pending_.erase(0, pending_.size() - rest.size());
  } else {
    pending_.assign(rest);
  }
  hand_on();
}

void VectorStreamReader::hand_on() {
  if (batches_ || batch_words_.empty()) return;
  if (!builder_) builder_ = std::make_unique<VectorsBuilder>(dim_, std::max(expected_rows(), batch_words_.size()));
  builder_->add(batch_words_, batch_values_);
  batch_words_.clear();
  batch_values_.clear();
}

void VectorStreamReader::take_batch(std::vector<std::string>& words, std::vector<float>& values) {
  words.clear();
  values.clear();
  std::swap(words, batch_words_);
  std::swap(values, batch_values_);
}

std::size_t VectorStreamReader::parse_text(std::string_view data, bool at_end) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) {
      if (!at_end) break;
      end = data.size();
    }
    const std::string_view line = data.substr(pos, end - pos);
    pos = std::min(end + 1, data.size());
    ++line_number_;
    split_fields(line, fields);
    if (fields.empty()) continue;  // blank lines are allowed
    if (has_header_ && header_count_ < 0) {
      long long count, header_dim;
      if (fields.size() != 2 || !parse_count(fields[0], count) || !parse_count(fields[1], header_dim)) {
        throw Error(at_line(source_, format_ == VectorFormat::kWord2VecBinary ? 1 : line_number_) +
                    "expected a header 'count dim' (two whole numbers), found " + quote(line));
      }
      if (header_dim < 1 || static_cast<std::size_t>(header_dim) > kMaxDim) {
        throw Error(at_line(source_, format_ == VectorFormat::kWord2VecBinary ? 1 : line_number_) + "dimension " +
                    std::to_string(header_dim) + " is out of range (1 to 10,000)");
      }
      header_count_ = count;
      dim_ = static_cast<std::size_t>(header_dim);
      if (format_ == VectorFormat::kWord2VecBinary) {
        if (count < 1) throw Error(source_ + " has a header but no vectors");
        const std::size_t row_bytes = dim_ * sizeof(float);
        if (total_bytes_ > 0 && static_cast<unsigned long long>(count) > total_bytes_ / (row_bytes + 2) + 1) {
          throw Error(source_ + " is truncated: the header promises " + with_commas(count) + " vectors of dimension " +
                      std::to_string(dim_) + ", but the file has only " +
                      with_commas(static_cast<long long>(total_bytes_)) + " bytes");
        }
        return pos + parse_binary(data.substr(pos), at_end);
      }
      continue;
    }
    const std::string where = at_line(source_, line_number_);
    if (dim_ == 0) {  // GloVe: the first row sets the dimension
      dim_ = fields.size() - 1;
      if (dim_ == 0) throw Error(where + "expected a word followed by numbers, found only " + quote(line));
      if (dim_ > kMaxDim) throw Error(where + "dimension " + std::to_string(dim_) + " is out of range (1 to 10,000)");
    }
    if (fields.size() != dim_ + 1) {
      // "1 5" then "2 3": a header promising 5 numbers, or GloVe whose first word is the number 1.
      const bool glove_like = has_header_ && rows_ == 0 && fields.size() == 2;
      throw Error(where + "expected " + std::to_string(dim_) + " numbers after " + quote(fields[0]) + ", found " +
                  std::to_string(fields.size() - 1) +
                  (glove_like ? " (the first line was read as a header 'count dim'; if this is GloVe text whose first "
                                "word is a number, name the format glove)"
                              : ""));
    }
    if (!is_valid_utf8(fields[0])) throw Error(where + "the word " + quote(fields[0]) + " is not valid UTF-8");
    if (fields[0].size() > kMaxWordBytes) throw Error(where + word_too_long(fields[0]));
    for (std::size_t i = 0; i < dim_; ++i) append_value(fields[i + 1], i, fields[0], where, batch_values_);
    batch_words_.emplace_back(fields[0]);
    seen_->index.add(batch_words_.back(), line_number_, where, "line");
    ++rows_;
  }
  return pos;
}

std::size_t VectorStreamReader::parse_binary(std::string_view data, bool at_end) {
  const std::size_t row_bytes = dim_ * sizeof(float);
  const long long count = header_count_;
  std::size_t pos = 0;
  row_.resize(dim_);
  while (static_cast<long long>(rows_) < count) {
    const std::string vector_name = "vector " + with_commas(static_cast<long long>(rows_) + 1) + " of " + with_commas(count);
    std::size_t start = pos;
    while (start < data.size() && (data[start] == '\n' || data[start] == '\r')) ++start;
    const std::size_t space = data.find(' ', start);
    if (space == std::string_view::npos || start >= data.size()) {
      if (!at_end) return pos;
      throw Error(source_ + " is truncated: it ends before " + vector_name);
    }
    const std::string_view word = data.substr(start, space - start);
    const std::string prefix = source_ + " " + vector_name + ": ";
    if (word.size() > kMaxWordBytes) throw Error(prefix + word_too_long(word));
    if (word.empty() || !is_valid_utf8(word) || word.find('\0') != std::string_view::npos) {
      throw Error(prefix + "expected a UTF-8 word followed by a space, found " + quote(word));
    }
    if (data.size() - (space + 1) < row_bytes) {
      if (!at_end) return pos;
      throw Error(source_ + " is truncated: it ends inside the vector of " + quote(word) + " (" + vector_name + ")");
    }
    std::memcpy(row_.data(), data.data() + space + 1, row_bytes);
    for (std::size_t i = 0; i < dim_; ++i) {
      if (!std::isfinite(row_[i])) {
        throw Error(prefix + "value " + std::to_string(i + 1) + " of " + quote(word) + " is " +
                    (std::isnan(row_[i]) ? "NaN" : "infinite") + "; vectors must be finite");
      }
    }
    batch_words_.emplace_back(word);
    batch_values_.insert(batch_values_.end(), row_.begin(), row_.end());
    seen_->index.add(batch_words_.back(), rows_ + 1, prefix, "vector");
    ++rows_;
    pos = space + 1 + row_bytes;
  }
  // After the last record only line breaks may follow.
  for (std::size_t i = pos; i < data.size(); ++i) {
    if (data[i] != '\n' && data[i] != '\r') {
      const std::uint64_t total = total_bytes_ > 0 ? total_bytes_ : bytes_read_;
      throw Error(source_ + ": the header promises " + with_commas(count) +
                  " vectors, but more data follows the last of them (at byte " +
                  with_commas(static_cast<long long>(consumed_ + pos)) + " of " + with_commas(static_cast<long long>(total)) + ")");
    }
  }
  return data.size();
}

Embeddings VectorStreamReader::finish() {
  if (!whole_ && (!started_ || !pending_.empty())) {
    std::string rest;
    std::swap(rest, pending_);
    consume(rest, true);
  }
  if (whole_) {
    Embeddings whole = parse_vectors(pending_, source_);
    pending_.clear();
    rows_ = whole.size();
    dim_ = whole.dim();
    if (!batches_) return whole;
    row_.resize(dim_);
    for (std::size_t r = 0; r < whole.size(); ++r) {
      whole.copy_vector(static_cast<std::int32_t>(r), row_.data());
      batch_words_.push_back(whole.words()[r]);
      batch_values_.insert(batch_values_.end(), row_.begin(), row_.end());
    }
    return Embeddings();
  }
  if (rows_ == 0) {
    if (format_ == VectorFormat::kWord2VecBinary && header_count_ < 0) {
      throw Error(at_line(source_, 1) + "expected a header 'count dim' (two whole numbers), found " + quote(""));
    }
    throw Error(source_ + (has_header_ ? " has a header but no vectors" : " is empty; expected word vectors"));
  }
  if (has_header_ && static_cast<long long>(rows_) != header_count_) {
    throw Error(source_ + ": the header promises " + with_commas(header_count_) + " vectors, found " +
                with_commas(static_cast<long long>(rows_)));
  }
  seen_.reset();
  if (batches_) return Embeddings();
  hand_on();
  Embeddings embeddings = builder_->finish();
  builder_.reset();
  return embeddings;
}

namespace {
void append_number(std::string& line, float value, int precision) {
  char buffer[32];
  int n = std::snprintf(buffer, sizeof(buffer), "%.*g", precision, static_cast<double>(value));
  // Fewer digits can round a value near the largest float past it ("3.403e+38" is infinite as a
  // float, and the readers refuse it): such a value is written with 9 digits, which read back exactly.
  if (std::fabs(value) > 3.4e38f && !std::isfinite(std::strtof(buffer, nullptr))) {
    n = std::snprintf(buffer, sizeof(buffer), "%.9g", static_cast<double>(value));
  }
  line.append(buffer, static_cast<std::size_t>(n));
}
}  // namespace

void write_word2vec_text(const Embeddings& embeddings, std::ostream& out, int precision) {
  out << embeddings.size() << ' ' << embeddings.dim() << '\n';
  std::string line;
  std::vector<float> row(embeddings.dim());
  for (std::size_t w = 0; w < embeddings.size(); ++w) {
    line = embeddings.words()[w];
    embeddings.copy_vector(static_cast<std::int32_t>(w), row.data());
    for (std::size_t i = 0; i < embeddings.dim(); ++i) {
      line += ' ';
      append_number(line, row[i], precision);
    }
    line += '\n';
    out << line;
  }
  if (!out) throw Error("writing word2vec text failed (disk full?)");
}

void write_word2vec_binary(const Embeddings& embeddings, std::ostream& out) {
  out << embeddings.size() << ' ' << embeddings.dim() << '\n';
  std::vector<float> row(embeddings.dim());
  for (std::size_t w = 0; w < embeddings.size(); ++w) {
    out << embeddings.words()[w] << ' ';
    embeddings.copy_vector(static_cast<std::int32_t>(w), row.data());
    out.write(reinterpret_cast<const char*>(row.data()),
              static_cast<std::streamsize>(embeddings.dim() * sizeof(float)));
    out << '\n';
  }
  if (!out) throw Error("writing word2vec binary failed (disk full?)");
}

void write_projector_tsv(const Embeddings& embeddings, std::ostream& vectors, std::ostream& metadata, int precision) {
  std::string line;
  std::vector<float> row(embeddings.dim());
  for (std::size_t w = 0; w < embeddings.size(); ++w) {
    line.clear();
    embeddings.copy_vector(static_cast<std::int32_t>(w), row.data());
    for (std::size_t i = 0; i < embeddings.dim(); ++i) {
      if (i > 0) line += '\t';
      append_number(line, row[i], precision);
    }
    line += '\n';
    vectors << line;
    metadata << embeddings.words()[w] << '\n';
  }
  if (!vectors || !metadata) throw Error("writing the projector TSV files failed (disk full?)");
}

}  // namespace embedlab
