#include "core/model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/transformer.h"

namespace embedlab {
namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'E', 'D', 'L', 'A', 'B'};

// Limits checked before anything is allocated: a corrupt size must fail, not exhaust memory.
constexpr std::uint32_t kMaxNameBytes = 1024;         // kinds, option, setting and matrix names
constexpr std::uint32_t kMaxValueBytes = 1u << 20;    // option and setting values
constexpr std::uint32_t kMaxTokenBytes = 1u << 16;    // one vocabulary entry
constexpr std::uint32_t kMaxEntries = 1u << 16;       // options, settings
constexpr std::uint32_t kMaxMatrices = 1024;
constexpr std::uint64_t kMaxCols = 1u << 24;
constexpr std::uint64_t kMaxRows = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());

// What a kind of model holds: its matrices, whether each has one row per vocabulary token and,
// when the kind fixes it (a transformer's configuration does), its exact shape.
struct MatrixRule {
  std::string name;
  bool row_per_token;
  std::uint64_t rows = 0, cols = 0;  // 0: any
};
struct KindRule {
  std::string kind;
  std::vector<MatrixRule> matrices;
  bool same_cols;  // every matrix has the same number of columns (the vector size)
};

const char* const kKnownKinds[] = {Model::kWord2Vec, Model::kTokenizer, Transformer::kKind};

void check_kind(const std::string& kind) {
  for (const char* known : kKnownKinds) {
    if (kind == known) return;
  }
  throw Error("unknown model kind " + quote(kind) + " (this version knows: word2vec, tokenizer, transformer)");
}

// The rule of `kind` for a model with these options over a vocabulary of `vocabulary_size` tokens.
// A transformer's options hold its configuration (TransformerConfig::settings), which fixes the
// names and shapes of its matrices; throws Error naming a bad option.
KindRule rule_for(const std::string& kind, const Settings& options, std::size_t vocabulary_size) {
  check_kind(kind);
  if (kind == Model::kWord2Vec) return {kind, {{"input", true}, {"output", true}}, true};
  if (kind == Model::kTokenizer) return {kind, {}, true};  // a tokenizer on its own: no matrices
  TransformerConfig config;
  try {
    config = TransformerConfig::from_settings(options);
  } catch (const Error& e) {
    throw Error(std::string("a transformer model's options hold its configuration: ") + e.what());
  }
  if (static_cast<std::size_t>(config.vocab) != vocabulary_size) {
    throw Error("the transformer's vocab option is " + with_commas(config.vocab) + " but its tokenizer has " +
                with_commas(static_cast<long long>(vocabulary_size)) + " tokens");
  }
  KindRule rule{kind, {}, false};
  for (const TransformerConfig::MatrixShape& shape : config.matrix_shapes()) {
    rule.matrices.push_back({shape.name, shape.name == "wte.weight", shape.rows, shape.cols});
  }
  return rule;
}

std::string count_of(std::uint64_t i, std::uint64_t n) {
  return with_commas(static_cast<long long>(i)) + " of " + with_commas(static_cast<long long>(n));
}

// The shape rules of `rule` for one matrix; throws Error naming what does not fit.
void check_shape(const KindRule& rule, const std::string& name, std::uint64_t rows, std::uint64_t cols,
                 std::size_t vocabulary_size, const std::deque<NamedMatrix>& earlier) {
  const MatrixRule* matrix_rule = nullptr;
  for (const MatrixRule& m : rule.matrices) {
    if (name == m.name) matrix_rule = &m;
  }
  if (matrix_rule == nullptr) {
    std::string expected;
    for (const MatrixRule& m : rule.matrices) expected += std::string(expected.empty() ? "'" : ", '") + m.name + "'";
    throw Error("a " + rule.kind + " model has no matrix " + quote(name) + " (expected " + expected + ")");
  }
  for (const NamedMatrix& m : earlier) {
    if (m.name == name) throw Error("matrix " + quote(name) + " appears twice");
  }
  if (cols == 0 || cols > kMaxCols) {
    throw Error("matrix " + quote(name) + " has " + with_commas(static_cast<long long>(cols)) +
                " columns (expected 1 to " + with_commas(static_cast<long long>(kMaxCols)) + ")");
  }
  if (matrix_rule->row_per_token && rows != vocabulary_size) {
    throw Error("matrix " + quote(name) + " has " + with_commas(static_cast<long long>(rows)) +
                " rows but the vocabulary has " + with_commas(static_cast<long long>(vocabulary_size)) +
                " tokens (one row per token expected)");
  }
  if (rows > kMaxRows) throw Error("matrix " + quote(name) + " has an absurd row count " + std::to_string(rows));
  if ((matrix_rule->rows != 0 && rows != matrix_rule->rows) || (matrix_rule->cols != 0 && cols != matrix_rule->cols)) {
    throw Error("matrix " + quote(name) + " is " + std::to_string(rows) + "x" + std::to_string(cols) + " but a " +
                rule.kind + " model with these options needs " + std::to_string(matrix_rule->rows) + "x" +
                std::to_string(matrix_rule->cols));
  }
  if (rule.same_cols && !earlier.empty() && earlier.front().matrix.cols() != cols) {
    throw Error("matrix " + quote(name) + " has " + std::to_string(cols) + " columns but matrix " +
                quote(earlier.front().name) + " has " + std::to_string(earlier.front().matrix.cols()) +
                " (a " + rule.kind + " model's matrices share one vector size)");
  }
}

void check_complete(const KindRule& rule, const std::deque<NamedMatrix>& matrices) {
  for (const MatrixRule& m : rule.matrices) {
    const bool present = std::any_of(matrices.begin(), matrices.end(), [&](const NamedMatrix& x) { return x.name == m.name; });
    if (!present) throw Error("a " + rule.kind + " model needs a matrix named '" + m.name + "'");
  }
}

void check_settings(const Settings& settings, const char* what) {
  for (std::size_t i = 0; i < settings.size(); ++i) {
    if (settings[i].first.empty()) throw Error(std::string(what) + " " + std::to_string(i + 1) + " has an empty name");
    for (std::size_t j = 0; j < i; ++j) {
      if (settings[j].first == settings[i].first) {
        throw Error(std::string(what) + " " + quote(settings[i].first) + " appears twice");
      }
    }
  }
}

// ---- writing ------------------------------------------------------------------------------------

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  void bytes(const void* data, std::size_t n) { out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(n)); }
  void u32(std::uint32_t v) { little_endian(v, 4); }
  void u64(std::uint64_t v) { little_endian(v, 8); }
  void i64(std::int64_t v) { little_endian(static_cast<std::uint64_t>(v), 8); }
  void string(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void settings(const Settings& settings) {
    u32(static_cast<std::uint32_t>(settings.size()));
    for (const auto& [name, value] : settings) string(name), string(value);
  }
  void floats(const float* values, std::size_t n) {
    std::vector<unsigned char> buffer;
    constexpr std::size_t kChunk = 1 << 14;
    for (std::size_t start = 0; start < n; start += kChunk) {
      const std::size_t count = std::min(kChunk, n - start);
      buffer.resize(count * 4);
      for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, values + start + i, 4);
        for (int b = 0; b < 4; ++b) buffer[i * 4 + static_cast<std::size_t>(b)] = static_cast<unsigned char>(bits >> (8 * b));
      }
      bytes(buffer.data(), buffer.size());
    }
  }

 private:
  void little_endian(std::uint64_t v, int n) {
    unsigned char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    bytes(b, static_cast<std::size_t>(n));
  }
  std::ostream& out_;
};

// ---- reading ------------------------------------------------------------------------------------

// Reads the fields of a model file, naming the part being read in every error.
class Reader {
 public:
  Reader(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {
    // Bytes left, when the stream can tell (files and string streams can): sizes are checked
    // against it before allocating.
    const auto here = in_.tellg();
    if (here != std::streampos(-1) && in_.seekg(0, std::ios::end)) {
      const auto end = in_.tellg();
      if (end != std::streampos(-1) && end >= here) remaining_ = static_cast<std::uint64_t>(end - here);
      in_.seekg(here);
    }
    in_.clear();
  }

  // Names the part of the file being read, for messages ("the tokenizer (word 5 of 100)").
  void at(std::string where) { where_ = std::move(where); }
  [[noreturn]] void fail(const std::string& problem) const { throw Error(source_ + ": " + where_ + ": " + problem); }

  void bytes(void* out, std::size_t n, const char* what) {
    if (n == 0) return;
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
    const auto got = static_cast<std::uint64_t>(in_.gcount());
    consumed_ += got;
    if (got != n) throw Error(source_ + " is truncated: it ends inside " + where_ + " (reading " + what + ")");
  }
  std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(little_endian(4, what)); }
  std::uint64_t u64(const char* what) { return little_endian(8, what); }
  std::int64_t i64(const char* what) { return static_cast<std::int64_t>(little_endian(8, what)); }

  std::string string(const char* what, std::uint32_t max_bytes) {
    const std::uint32_t length = u32(what);
    if (length > max_bytes) {
      fail(std::string(what) + " claims " + with_commas(length) + " bytes (at most " + with_commas(max_bytes) +
           " expected); the file is corrupt");
    }
    check_available(length, what);
    std::string s(length, '\0');
    bytes(s.data(), length, what);
    return s;
  }

  Settings settings(const std::string& section, const char* item) {
    at(section);
    const std::uint32_t count = u32("the count");
    if (count > kMaxEntries) fail("claims " + with_commas(count) + " entries; the file is corrupt");
    Settings out;
    for (std::uint32_t i = 0; i < count; ++i) {
      at(section + " (" + item + " " + count_of(i + 1, count) + ")");
      std::string name = string("a name", kMaxNameBytes);
      std::string value = string("a value", kMaxValueBytes);
      out.emplace_back(std::move(name), std::move(value));
    }
    at(section);
    try {
      check_settings(out, item);
    } catch (const Error& e) {
      fail(e.what());
    }
    return out;
  }

  // Fails at once when the stream is known to hold fewer than `n` more bytes.
  void check_available(std::uint64_t n, const char* what) const {
    if (remaining_ && n > *remaining_ - consumed_) {
      throw Error(source_ + " is truncated: " + where_ + " needs " + with_commas(static_cast<long long>(n)) +
                  " bytes for " + what + ", but only " + with_commas(static_cast<long long>(*remaining_ - consumed_)) +
                  " remain");
    }
  }
  bool known_available(std::uint64_t n) const { return remaining_ && n <= *remaining_ - consumed_; }
  bool at_end() { return in_.peek() == std::istream::traits_type::eof(); }

 private:
  std::uint64_t little_endian(int n, const char* what) {
    unsigned char b[8];
    bytes(b, static_cast<std::size_t>(n), what);
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[i];
    return v;
  }

  std::istream& in_;
  std::string source_;
  std::string where_ = "the header";
  std::optional<std::uint64_t> remaining_;
  std::uint64_t consumed_ = 0;
};

Matrix read_matrix(Reader& reader, std::uint64_t rows, std::uint64_t cols,
                   const Vocabulary& vocabulary, bool row_per_token) {
  const std::uint64_t bytes = rows * cols * 4;
  reader.check_available(bytes, "its values");
  std::vector<float> values;
  // Reserve only what the stream is known to hold; otherwise grow as rows arrive.
  if (reader.known_available(bytes)) values.reserve(static_cast<std::size_t>(rows * cols));
  std::vector<unsigned char> buffer(static_cast<std::size_t>(cols) * 4);
  for (std::uint64_t r = 0; r < rows; ++r) {
    reader.bytes(buffer.data(), buffer.size(), ("row " + count_of(r + 1, rows)).c_str());
    for (std::size_t c = 0; c < cols; ++c) {
      std::uint32_t bits = 0;
      for (int b = 3; b >= 0; --b) bits = (bits << 8) | buffer[c * 4 + static_cast<std::size_t>(b)];
      float value;
      std::memcpy(&value, &bits, 4);
      if (!std::isfinite(value)) {
        const std::string word =
            row_per_token ? " (" + quote(vocabulary.word(static_cast<std::int32_t>(r))) + ")" : std::string();
        reader.fail("row " + with_commas(static_cast<long long>(r + 1)) + word + ", column " +
                    with_commas(static_cast<long long>(c + 1)) + " is " + (std::isnan(value) ? "NaN" : "infinite") +
                    "; a model's values must be finite");
      }
      values.push_back(value);
    }
  }
  return Matrix(static_cast<std::size_t>(rows), static_cast<std::size_t>(cols), std::move(values));
}

}  // namespace

Model::Model(std::string kind, std::shared_ptr<const Tokenizer> tokenizer, Settings options)
    : kind_(std::move(kind)), tokenizer_(std::move(tokenizer)) {
  check_kind(kind_);
  if (!tokenizer_) throw Error("a model needs a tokenizer");
  set_options(std::move(options));
}

void Model::set_options(Settings options) {
  check_settings(options, "option");
  // The new options must still describe the matrices the model has (a transformer's shapes).
  const KindRule rule = rule_for(kind_, options, vocabulary().size());
  for (const NamedMatrix& m : matrices_) check_shape(rule, m.name, m.matrix.rows(), m.matrix.cols(), vocabulary().size(), {});
  options_ = std::move(options);
}

const std::string& Model::option(std::string_view name) const {
  for (const auto& [key, value] : options_) {
    if (key == name) return value;
  }
  throw Error("the model has no option '" + std::string(name) + "'");
}

Matrix& Model::add_matrix(std::string name, Matrix matrix) {
  check_shape(rule_for(kind_, options_, vocabulary().size()), name, matrix.rows(), matrix.cols(), vocabulary().size(), matrices_);
  matrices_.push_back(NamedMatrix{std::move(name), std::move(matrix)});
  return matrices_.back().matrix;
}

bool Model::has_matrix(std::string_view name) const {
  return std::any_of(matrices_.begin(), matrices_.end(), [&](const NamedMatrix& m) { return m.name == name; });
}

Matrix& Model::matrix(std::string_view name) {
  return const_cast<Matrix&>(static_cast<const Model&>(*this).matrix(name));
}

const Matrix& Model::matrix(std::string_view name) const {
  for (const NamedMatrix& m : matrices_) {
    if (m.name == name) return m.matrix;
  }
  std::string names;
  for (const NamedMatrix& m : matrices_) names += (names.empty() ? "'" : ", '") + m.name + "'";
  throw Error("the " + kind_ + " model has no matrix '" + std::string(name) + "' (it has " +
              (names.empty() ? std::string("none") : names) + ")");
}

Embeddings Model::embeddings(std::string_view matrix_name) const {
  const Vocabulary& words = vocabulary();
  return Embeddings(words.words(), matrix(matrix_name), words.counts(), tokenizer_);
}

void Model::save(std::ostream& out) const {
  check_complete(rule_for(kind_, options_, vocabulary().size()), matrices_);
  Writer w(out);
  w.bytes(kMagic, sizeof(kMagic));
  w.u32(kFormatVersion);
  w.string(kind_);
  w.settings(options_);
  w.string(tokenizer_->kind());
  w.settings(tokenizer_->settings());
  const Vocabulary& vocabulary = tokenizer_->vocabulary();
  w.u32(static_cast<std::uint32_t>(vocabulary.size()));
  for (std::size_t i = 0; i < vocabulary.size(); ++i) {
    w.string(vocabulary.word(static_cast<std::int32_t>(i)));
    w.i64(vocabulary.count(static_cast<std::int32_t>(i)));
  }
  const std::vector<TokenMerge>& merges = tokenizer_->merges();
  w.u32(static_cast<std::uint32_t>(merges.size()));
  for (const TokenMerge& m : merges) {
    w.u32(static_cast<std::uint32_t>(m.left));
    w.u32(static_cast<std::uint32_t>(m.right));
    w.i64(m.count);
  }
  w.u32(static_cast<std::uint32_t>(matrices_.size()));
  for (const NamedMatrix& m : matrices_) {
    w.string(m.name);
    w.u64(m.matrix.rows());
    w.u64(m.matrix.cols());
    w.floats(m.matrix.data(), m.matrix.size());
  }
  if (!out) throw Error("writing the model failed (disk full?)");
}

Model Model::load(std::istream& in, const std::string& source) {
  Reader r(in, source);
  r.at("the header");
  char magic[sizeof(kMagic)];
  r.bytes(magic, sizeof(magic), "the magic bytes");
  if (std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
    std::string found;
    for (const char c : magic) found += (c >= ' ' && c < 127) ? c : '?';
    r.fail("not an embedlab model (expected the magic bytes 'EMBEDLAB', found '" + found +
           "'); word vectors files are opened as vectors, not models");
  }
  const std::uint32_t version = r.u32("the format version");
  if (version < 1 || version > kFormatVersion) {
    r.fail("model format version " + std::to_string(version) + " is not supported (this version reads versions 1 to " +
           std::to_string(kFormatVersion) + ")");
  }
  r.at("the kind");
  const std::string kind = r.string("the kind", kMaxNameBytes);
  try {
    check_kind(kind);
  } catch (const Error& e) {
    r.fail(e.what());
  }
  Settings options = r.settings("the options", "option");

  const std::string tokenizer_section = "the tokenizer";
  r.at(tokenizer_section);
  const std::string tokenizer_kind = r.string("its kind", kMaxNameBytes);
  Settings tokenizer_settings = r.settings("the tokenizer settings", "setting");
  r.at("the vocabulary");
  const std::uint32_t size = r.u32("its size");
  if (size == 0 || size > kMaxRows) r.fail("the vocabulary size " + with_commas(size) + " is out of range (1 to 2,147,483,647)");
  r.check_available(static_cast<std::uint64_t>(size) * 13, "its entries (at least 13 bytes each)");
  std::vector<std::string> words;
  std::vector<std::int64_t> counts;
  words.reserve(std::min<std::uint32_t>(size, 1u << 16));
  counts.reserve(std::min<std::uint32_t>(size, 1u << 16));
  for (std::uint32_t i = 0; i < size; ++i) {
    r.at("the vocabulary (token " + count_of(i + 1, size) + ")");
    words.push_back(r.string("the token", kMaxTokenBytes));
    counts.push_back(r.i64("its count"));
  }
  std::vector<TokenMerge> merges;  // version 1 files have none
  if (version >= 2) {
    r.at("the merges");
    const std::uint32_t merge_count = r.u32("their count");
    if (merge_count >= size) r.fail(with_commas(merge_count) + " merges for " + with_commas(size) + " tokens; the file is corrupt");
    r.check_available(static_cast<std::uint64_t>(merge_count) * 16, "the merges (16 bytes each)");
    merges.reserve(merge_count);
    for (std::uint32_t i = 0; i < merge_count; ++i) {
      r.at("the merges (merge " + count_of(i + 1, merge_count) + ")");
      TokenMerge m;
      m.left = static_cast<std::int32_t>(r.u32("its left token"));
      m.right = static_cast<std::int32_t>(r.u32("its right token"));
      m.count = r.i64("its count");
      merges.push_back(m);
    }
  }
  r.at(tokenizer_section);
  std::shared_ptr<const Tokenizer> tokenizer;
  try {
    tokenizer = make_tokenizer(tokenizer_kind, tokenizer_settings, Vocabulary(std::move(words), std::move(counts)),
                               std::move(merges));
  } catch (const Error& e) {
    r.fail(e.what());
  }

  r.at("the options");
  KindRule rule;
  try {
    rule = rule_for(kind, options, tokenizer->vocabulary().size());
  } catch (const Error& e) {
    r.fail(e.what());
  }
  Model model(kind, tokenizer, std::move(options));
  r.at("the matrices");
  const std::uint32_t matrix_count = r.u32("their count");
  if (matrix_count > kMaxMatrices) r.fail("claims " + with_commas(matrix_count) + " matrices; the file is corrupt");
  for (std::uint32_t i = 0; i < matrix_count; ++i) {
    r.at("matrix " + count_of(i + 1, matrix_count));
    std::string name = r.string("its name", kMaxNameBytes);
    r.at("matrix " + quote(name) + " (" + count_of(i + 1, matrix_count) + ")");
    const std::uint64_t rows = r.u64("its row count");
    const std::uint64_t cols = r.u64("its column count");
    try {
      check_shape(rule, name, rows, cols, tokenizer->vocabulary().size(), model.matrices_);
    } catch (const Error& e) {
      r.fail(e.what());
    }
    const bool row_per_token = std::any_of(rule.matrices.begin(), rule.matrices.end(),
                                           [&](const MatrixRule& m) { return name == m.name && m.row_per_token; });
    Matrix values = read_matrix(r, rows, cols, tokenizer->vocabulary(), row_per_token);
    model.matrices_.push_back(NamedMatrix{std::move(name), std::move(values)});
  }
  r.at("the end of the file");
  try {
    check_complete(rule, model.matrices_);
  } catch (const Error& e) {
    r.fail(e.what());
  }
  if (!r.at_end()) r.fail("unexpected bytes after the last matrix");
  return model;
}

}  // namespace embedlab
