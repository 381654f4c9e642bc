// Models: named matrices with a tokenizer and options, saved and loaded whole. Round trips are
// bit-identical, the bytes follow the documented format, and every kind of malformed file is
// rejected with a message naming what is wrong and where.
#include "core/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "test_support.h"

namespace embedlab {
namespace {

std::shared_ptr<const Tokenizer> word_tokenizer(std::vector<std::string> words, TokenizerOptions options = {}) {
  std::vector<std::int64_t> counts;
  for (std::size_t i = 0; i < words.size(); ++i) counts.push_back(static_cast<std::int64_t>(10 * (words.size() - i)));
  return std::make_shared<WordTokenizer>(options, Vocabulary(std::move(words), std::move(counts)));
}

// A word2vec model whose values are all different (and include awkward floats).
Model sample_model(std::vector<std::string> words = {"the", "king", "queen"}, std::size_t dim = 3,
                   Settings options = {{"dim", "3"}, {"model", "cbow"}}) {
  Model model(Model::kWord2Vec, word_tokenizer(std::move(words)), std::move(options));
  const std::size_t rows = model.vocabulary().size();
  Matrix input(rows, dim), output(rows, dim);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < dim; ++c) {
      input(r, c) = static_cast<float>(r) * 0.1f - static_cast<float>(c) / 3.0f;
      output(r, c) = -std::nextafter(static_cast<float>(r + c), 0.0f);
    }
  }
  input(0, 0) = -0.0f;
  input(rows - 1, dim - 1) = std::numeric_limits<float>::denorm_min();
  model.add_matrix("input", std::move(input));
  model.add_matrix("output", std::move(output));
  return model;
}

std::string bytes_of(const Model& model) {
  std::ostringstream out(std::ios::binary);
  model.save(out);
  return out.str();
}

Model load_bytes(const std::string& bytes, const std::string& source = "m.model") {
  std::istringstream in(bytes, std::ios::binary);
  return Model::load(in, source);
}

std::string load_error(const std::string& bytes) {
  return error_of([&] { load_bytes(bytes); });
}

bool bit_identical(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void expect_same_model(const Model& a, const Model& b) {
  EXPECT_EQ(a.kind(), b.kind());
  EXPECT_EQ(a.options(), b.options());
  EXPECT_EQ(a.tokenizer().kind(), b.tokenizer().kind());
  EXPECT_EQ(a.tokenizer().settings(), b.tokenizer().settings());
  EXPECT_EQ(a.vocabulary().words(), b.vocabulary().words());
  EXPECT_EQ(a.vocabulary().counts(), b.vocabulary().counts());
  ASSERT_EQ(a.matrices().size(), b.matrices().size());
  for (std::size_t i = 0; i < a.matrices().size(); ++i) {
    EXPECT_EQ(a.matrices()[i].name, b.matrices()[i].name);
    EXPECT_TRUE(bit_identical(a.matrices()[i].matrix, b.matrices()[i].matrix)) << a.matrices()[i].name;
  }
}

void expect_round_trip(const Model& model) {
  const std::string bytes = bytes_of(model);
  const Model loaded = load_bytes(bytes);
  expect_same_model(loaded, model);
  EXPECT_EQ(bytes_of(loaded), bytes) << "saving a loaded model writes the same bytes";
}

// ---- the documented byte layout -------------------------------------------------------------------

// An independent writer following the format comment in model.h, field by field.
struct Bytes {
  std::string out;
  Bytes& u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return *this;
  }
  Bytes& u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return *this;
  }
  Bytes& str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out += s;
    return *this;
  }
  Bytes& f32(float f) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return u32(bits);
  }
  Bytes& raw(const std::string& s) {
    out += s;
    return *this;
  }
};

// The smallest useful model: one word, one dimension, no options (version 1 had no merges).
Bytes tiny_model_bytes(std::uint32_t version = Model::kFormatVersion) {
  Bytes b;
  b.raw("EMBEDLAB").u32(version).str("word2vec");
  b.u32(0);  // options
  b.str("word").u32(3).str("lowercase").str("true").str("strip_punctuation").str("true").str("invalid_utf8").str("replace");
  b.u32(1).str("hello").u64(7);  // vocabulary
  if (version >= 2) b.u32(0);    // merges
  b.u32(2);
  b.str("input").u64(1).u64(1).f32(0.25f);
  b.str("output").u64(1).u64(1).f32(-1.5f);
  return b;
}

TEST(ModelFormat, BytesFollowTheDocumentedLayout) {
  Model model(Model::kWord2Vec, std::make_shared<WordTokenizer>(TokenizerOptions{}, Vocabulary({"hello"}, {7})));
  model.add_matrix("input", Matrix(1, 1, 0.25f));
  model.add_matrix("output", Matrix(1, 1, -1.5f));
  EXPECT_EQ(bytes_of(model), tiny_model_bytes().out);
  const Model loaded = load_bytes(tiny_model_bytes().out);
  EXPECT_EQ(loaded.matrix("input")(0, 0), 0.25f);
  EXPECT_EQ(loaded.matrix("output")(0, 0), -1.5f);
  EXPECT_EQ(loaded.vocabulary().count(0), 7);
}

TEST(ModelFormat, StillReadsVersion1Files) {
  const Model loaded = load_bytes(tiny_model_bytes(1).out);
  EXPECT_EQ(loaded.vocabulary().word(0), "hello");
  EXPECT_EQ(loaded.matrix("output")(0, 0), -1.5f);
  EXPECT_EQ(bytes_of(loaded), tiny_model_bytes().out);  // saved again as the current version
}

// ---- round trips ----------------------------------------------------------------------------------

TEST(ModelFormat, RoundTripIsBitIdentical) { expect_round_trip(sample_model()); }

TEST(ModelFormat, RoundTripKeepsEmptyOptions) {
  const Model model = sample_model({"a", "b"}, 2, {});
  expect_round_trip(model);
  EXPECT_TRUE(load_bytes(bytes_of(model)).options().empty());
}

TEST(ModelFormat, RoundTripKeepsOptionsInOrderWithAnyValue) {
  const Settings options = {{"zeta", ""}, {"alpha", "0.025000000000000001"}, {"note", "two words\nand a line"}};
  const Model loaded = load_bytes(bytes_of(sample_model({"a"}, 1, options)));
  EXPECT_EQ(loaded.options(), options);
  EXPECT_EQ(loaded.option("alpha"), "0.025000000000000001");
}

TEST(ModelFormat, RoundTripOfAOneWordVocabulary) { expect_round_trip(sample_model({"only"}, 5)); }

TEST(ModelFormat, RoundTripOfUnicodeWords) {
  const Model model = sample_model({"naïve", "日本語", "😀", "ωmega", "x"}, 4);
  expect_round_trip(model);
  const Model loaded = load_bytes(bytes_of(model));
  EXPECT_EQ(loaded.vocabulary().word(2), "😀");
  EXPECT_EQ(loaded.tokenizer().find("ΩMEGA"), 3) << "the loaded tokenizer still lowercases Greek";
}

TEST(ModelFormat, RoundTripKeepsTheTokenizerSettings) {
  TokenizerOptions keep;
  keep.lowercase = false;
  keep.strip_punctuation = false;
  Model model(Model::kWord2Vec, word_tokenizer({"King", "king,"}, keep));
  model.add_matrix("input", Matrix(2, 2, 0.5f));
  model.add_matrix("output", Matrix(2, 2));
  const Model loaded = load_bytes(bytes_of(model));
  EXPECT_EQ(loaded.tokenizer().settings(), model.tokenizer().settings());
  EXPECT_EQ(loaded.tokenizer().find("King"), 0);
  EXPECT_EQ(loaded.tokenizer().find("KING"), -1);
  EXPECT_EQ(loaded.tokenizer().find("king,"), 1);
}

TEST(ModelFormat, LoadsFromAStreamThatCannotSeek) {
  // A pipe cannot report its size: sizes are then checked as the bytes arrive.
  struct OneWayBuffer : std::streambuf {
    explicit OneWayBuffer(std::string bytes) : bytes_(std::move(bytes)) {
      setg(bytes_.data(), bytes_.data(), bytes_.data() + bytes_.size());
    }
    std::string bytes_;
  };
  const std::string bytes = bytes_of(sample_model());
  OneWayBuffer whole(bytes);
  std::istream in(&whole);
  expect_same_model(Model::load(in, "pipe"), sample_model());
  OneWayBuffer cut(bytes.substr(0, bytes.size() - 5));
  std::istream truncated(&cut);
  EXPECT_TRUE(ContainsAll(error_of([&] { Model::load(truncated, "pipe"); }), {"pipe is truncated", "'output'", "row 3 of 3"}));
}

// ---- inspection -----------------------------------------------------------------------------------

TEST(Model, NamesItsMatricesAndTheirShapes) {
  const Model model = sample_model({"a", "b", "c", "d"}, 6);
  ASSERT_EQ(model.matrices().size(), 2u);
  EXPECT_EQ(model.matrices()[0].name, "input");
  EXPECT_EQ(model.matrices()[0].matrix.rows(), 4u);
  EXPECT_EQ(model.matrices()[0].matrix.cols(), 6u);
  EXPECT_EQ(model.matrices()[1].name, "output");
  EXPECT_TRUE(model.has_matrix("output"));
  EXPECT_FALSE(model.has_matrix("position"));
  EXPECT_TRUE(ContainsAll(error_of([&] { model.matrix("position"); }), {"no matrix 'position'", "'input', 'output'"}));
  EXPECT_TRUE(Contains(error_of([&] { model.option("epochs"); }), "no option 'epochs'"));
  EXPECT_EQ(model.option("model"), "cbow");
}

TEST(Model, AddedMatricesStayWhereTheyAre) {
  Model model(Model::kWord2Vec, word_tokenizer({"a", "b"}));
  Matrix& input = model.add_matrix("input", Matrix(2, 3, 1.0f));
  model.add_matrix("output", Matrix(2, 3));
  input(1, 2) = 9.0f;  // a reference taken before the second addition still reaches the model
  EXPECT_EQ(model.matrix("input")(1, 2), 9.0f);
}

TEST(Model, RefusesMatricesItsKindDoesNotHave) {
  Model model(Model::kWord2Vec, word_tokenizer({"a", "b", "c"}));
  EXPECT_TRUE(ContainsAll(error_of([&] { model.add_matrix("input", Matrix(2, 4)); }), {"'input' has 2 rows", "3 tokens"}));
  EXPECT_TRUE(ContainsAll(error_of([&] { model.add_matrix("position", Matrix(3, 4)); }), {"no matrix 'position'", "'input', 'output'"}));
  EXPECT_TRUE(Contains(error_of([&] { model.add_matrix("input", Matrix(3, 0)); }), "0 columns"));
  model.add_matrix("input", Matrix(3, 4));
  EXPECT_TRUE(Contains(error_of([&] { model.add_matrix("input", Matrix(3, 4)); }), "'input' appears twice"));
  EXPECT_TRUE(ContainsAll(error_of([&] { model.add_matrix("output", Matrix(3, 5)); }), {"5 columns", "'input' has 4"}));
  EXPECT_TRUE(Contains(error_of([&] { Model("lstm", word_tokenizer({"a"})); }), "unknown model kind 'lstm' (this version knows: word2vec, tokenizer, transformer)"));
  EXPECT_TRUE(Contains(error_of([&] { Model(Model::kWord2Vec, word_tokenizer({"a"}), {{"dim", "1"}, {"dim", "2"}}); }),
                       "option 'dim' appears twice"));
}

TEST(Model, WillNotSaveAnIncompleteModel) {
  Model model(Model::kWord2Vec, word_tokenizer({"a"}));
  model.add_matrix("input", Matrix(1, 2));
  std::ostringstream out;
  EXPECT_TRUE(Contains(error_of([&] { model.save(out); }), "needs a matrix named 'output'"));
}

TEST(Model, EmbeddingsAreTheInputRowsLookedUpThroughTheTokenizer) {
  const Model model = sample_model({"the", "king", "queen"}, 3);
  const Embeddings e = model.embeddings();
  EXPECT_EQ(e.size(), 3u);
  EXPECT_EQ(e.dim(), 3u);
  EXPECT_EQ(e.counts(), model.vocabulary().counts());
  EXPECT_EQ(std::memcmp(e.vector(1), model.matrix("input").row(1), 3 * sizeof(float)), 0);
  EXPECT_EQ(e.find("KING"), 1);
  const Embeddings output = model.embeddings("output");
  EXPECT_EQ(output.vector(2)[0], model.matrix("output")(2, 0));
}

// ---- malformed files: each rejected with its message ---------------------------------------------

// The valid bytes of sample_model() with `replacement` written over [offset, offset + size).
std::string patched(std::size_t offset, const std::string& replacement) {
  std::string bytes = bytes_of(sample_model());
  bytes.replace(offset, replacement.size(), replacement);
  return bytes;
}

std::size_t offset_of(const std::string& bytes, const std::string& needle) {
  const std::size_t at = bytes.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return at;
}

TEST(ModelFormat, RejectsAFileWithoutTheMagic) {
  EXPECT_TRUE(ContainsAll(load_error("3 100\nking 0.1 0.2\n"), {"m.model", "not an embedlab model", "'EMBEDLAB'"}));
  EXPECT_TRUE(ContainsAll(load_error(""), {"m.model is truncated", "the header", "magic"}));
}

TEST(ModelFormat, RejectsAnUnsupportedVersion) {
  EXPECT_TRUE(ContainsAll(load_error(patched(8, Bytes().u32(3).out)), {"format version 3 is not supported", "versions 1 to 2"}));
  EXPECT_TRUE(ContainsAll(load_error(patched(8, Bytes().u32(0).out)), {"format version 0 is not supported"}));
}

TEST(ModelFormat, NamesTheSectionWhereATruncatedFileEnds) {
  const std::string bytes = bytes_of(sample_model());
  const auto cut_at = [&](std::size_t size) { return load_error(bytes.substr(0, size)); };
  EXPECT_TRUE(ContainsAll(cut_at(10), {"truncated", "the header", "format version"}));
  EXPECT_TRUE(ContainsAll(cut_at(14), {"truncated", "the kind"}));
  EXPECT_TRUE(ContainsAll(cut_at(offset_of(bytes, "model") + 2), {"truncated", "the options (option 2 of 2)"}));
  EXPECT_TRUE(ContainsAll(cut_at(offset_of(bytes, "strip_punctuation")), {"truncated", "the tokenizer settings (setting 2 of 3)"}));
  // The stream knows its size: a section that cannot fit is reported before it is read.
  EXPECT_TRUE(ContainsAll(cut_at(offset_of(bytes, "queen") + 3), {"truncated", "the vocabulary", "only 38 remain"}));
  EXPECT_TRUE(ContainsAll(cut_at(offset_of(bytes, "queen") + 7), {"truncated", "the vocabulary (token 3 of 3)", "its count"}));
  const std::size_t input = offset_of(bytes, "input");
  EXPECT_TRUE(ContainsAll(cut_at(input + 5 + 8), {"truncated", "matrix 'input' (1 of 2)", "column count"}));
  EXPECT_TRUE(ContainsAll(cut_at(input + 5 + 16 + 12 + 4), {"truncated", "matrix 'input' (1 of 2)", "needs 36 bytes"}));
  EXPECT_TRUE(ContainsAll(cut_at(bytes.size() - 1), {"truncated", "matrix 'output' (2 of 2)", "only 35 remain"}));
  // Every cut of the file is rejected, and always as a truncation.
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::string message = cut_at(size);
    ASSERT_TRUE(Contains(message, "truncated")) << "cut at " << size << " of " << bytes.size() << " bytes: " << message;
  }
}

TEST(ModelFormat, RejectsRowsThatDoNotMatchTheVocabulary) {
  const std::string bytes = bytes_of(sample_model());
  const std::size_t rows = offset_of(bytes, "input") + 5;
  EXPECT_TRUE(ContainsAll(load_error(patched(rows, Bytes().u64(4).out)),
                          {"m.model: matrix 'input' (1 of 2)", "has 4 rows", "vocabulary has 3 tokens"}));
  const std::size_t output_cols = offset_of(bytes, "output") + 6 + 8;
  EXPECT_TRUE(ContainsAll(load_error(patched(output_cols, Bytes().u64(2).out)),
                          {"matrix 'output' (2 of 2)", "2 columns", "'input' has 3"}));
}

TEST(ModelFormat, NamesTheMatrixRowAndColumnOfANonFiniteValue) {
  const std::string bytes = bytes_of(sample_model());
  const std::size_t row2 = offset_of(bytes, "input") + 5 + 16 + 12;  // row 2 (word 'king'), column 1
  EXPECT_TRUE(ContainsAll(load_error(patched(row2 + 8, Bytes().f32(std::nanf("")).out)),
                          {"matrix 'input' (1 of 2)", "row 2 ('king'), column 3 is NaN"}));
  EXPECT_TRUE(ContainsAll(load_error(patched(row2, Bytes().f32(-INFINITY).out)), {"row 2 ('king'), column 1 is infinite"}));
  const std::size_t output = offset_of(bytes, "output") + 6 + 16;
  EXPECT_TRUE(Contains(load_error(patched(output, Bytes().f32(INFINITY).out)), "matrix 'output' (2 of 2): row 1"));
}

TEST(ModelFormat, RejectsAbsurdSizesBeforeAllocating) {
  const std::string bytes = bytes_of(sample_model());
  // A kind name of 2^31 bytes.
  EXPECT_TRUE(ContainsAll(load_error(patched(12, Bytes().u32(0x80000000u).out)), {"the kind", "2,147,483,648 bytes", "corrupt"}));
  // 4 billion options.
  EXPECT_TRUE(ContainsAll(load_error(patched(12 + 4 + 8, Bytes().u32(0xFFFFFFFFu).out)), {"the options", "corrupt"}));
  // A vocabulary of 2^31 - 1 words in a file of a few hundred bytes.
  const std::size_t vocabulary = offset_of(bytes, "replace") + 7;
  EXPECT_TRUE(ContainsAll(load_error(patched(vocabulary, Bytes().u32(0x7FFFFFFFu).out)), {"truncated", "the vocabulary", "remain"}));
  EXPECT_TRUE(ContainsAll(load_error(patched(vocabulary, Bytes().u32(0).out)), {"vocabulary size 0 is out of range"}));
  // 2^40 columns, and a huge but consistent-looking matrix the file cannot hold.
  const std::size_t cols = offset_of(bytes, "input") + 5 + 8;
  EXPECT_TRUE(ContainsAll(load_error(patched(cols, Bytes().u64(std::uint64_t{1} << 40).out)), {"'input'", "columns (expected 1 to"}));
  EXPECT_TRUE(ContainsAll(load_error(patched(cols, Bytes().u64(1u << 20).out)), {"truncated", "'input'", "remain"}));
  // A token of a gigabyte.
  const std::size_t token = offset_of(bytes, "king") - 4;
  EXPECT_TRUE(ContainsAll(load_error(patched(token, Bytes().u32(1u << 30).out)), {"the vocabulary (token 2 of 3)", "corrupt"}));
}

TEST(ModelFormat, RejectsWordCountsThatAddUpPastTheLargestCount) {
  // Each count alone is valid; their sum is not an int64 (found by tests/fuzz/fuzz_model_load).
  const std::uint64_t most = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const std::size_t king_count = offset_of(bytes_of(sample_model()), "king") + 4;
  const std::size_t queen_count = offset_of(bytes_of(sample_model()), "queen") + 5;
  std::string bytes = patched(king_count, Bytes().u64(most).out);
  bytes.replace(queen_count, 8, Bytes().u64(most).out);
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"the tokenizer", "add up to more than", "word 2 of 3"}));
}

TEST(ModelFormat, RejectsUnknownKindsAndTokenizers) {
  std::string bytes = bytes_of(sample_model());
  bytes.replace(offset_of(bytes, "word2vec"), 8, "wordXvec");
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"the kind", "unknown model kind 'wordXvec'", "word2vec"}));
  bytes = bytes_of(sample_model());
  bytes.replace(offset_of(bytes, "word\x03"), 4, "bpe!");
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"the tokenizer", "unknown tokenizer kind 'bpe!'"}));
  bytes = bytes_of(sample_model());
  bytes.replace(offset_of(bytes, "replace"), 7, "ignore!");
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"the tokenizer", "'invalid_utf8'", "'ignore!'"}));
}

TEST(ModelFormat, RejectsDuplicatesAndMissingPieces) {
  std::string bytes = bytes_of(sample_model({"the", "king", "kino"}));
  bytes.replace(offset_of(bytes, "kino"), 4, "king");
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"the tokenizer", "word 3 ('king') appears twice"}));
  bytes = bytes_of(sample_model({"a"}, 1, {{"dim", "1"}, {"dix", "1"}}));
  bytes.replace(offset_of(bytes, "dix"), 3, "dim");
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"the options", "option 'dim' appears twice"}));
  bytes = bytes_of(sample_model());
  bytes.replace(offset_of(bytes, "output"), 6, "input!");
  EXPECT_TRUE(ContainsAll(load_error(bytes), {"matrix 'input!' (2 of 2)", "no matrix 'input!'"}));

  // Hand-made files: the tiny model's header and vocabulary, then other matrices.
  const auto with_matrices = [](std::uint32_t count, const std::vector<std::string>& names) {
    Bytes b = tiny_model_bytes();
    b.out.resize(b.out.find("input") - 8);
    b.u32(count);
    for (const std::string& name : names) b.str(name).u64(1).u64(1).f32(0.5f);
    return b.out;
  };
  EXPECT_NO_THROW(load_bytes(with_matrices(2, {"output", "input"}))) << "any order";
  EXPECT_TRUE(ContainsAll(load_error(with_matrices(2, {"input", "input"})), {"matrix 'input' (2 of 2)", "appears twice"}));
  EXPECT_TRUE(ContainsAll(load_error(with_matrices(1, {"input"})), {"the end of the file", "needs a matrix named 'output'"}));
  EXPECT_TRUE(ContainsAll(load_error(with_matrices(5000, {})), {"the matrices", "5,000 matrices", "corrupt"}));
}

TEST(ModelFormat, RejectsBytesAfterTheLastMatrix) {
  EXPECT_TRUE(ContainsAll(load_error(bytes_of(sample_model()) + "x"), {"unexpected bytes after the last matrix"}));
}

}  // namespace
}  // namespace embedlab
