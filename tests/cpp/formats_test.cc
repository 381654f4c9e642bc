// Reading and writing vectors files: round trips, format detection and error messages.
#include "core/formats.h"
#include "core/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace embedlab {
namespace {

// Three words, values chosen to stress float formatting: thirds, tiny, huge and negative numbers.
Embeddings sample_embeddings() {
  return Embeddings({"the", "école", "c++"}, 3,
                    {0.1f, -1.0f / 3.0f, 2.5e-7f,             //
                     3.4e38f, -0.0f, 123456.789f,             //
                     -1.17549435e-38f, 0.999999f, 7.0f});
}

std::string to_word2vec_binary(const Embeddings& embeddings) {
  std::ostringstream out;
  write_word2vec_binary(embeddings, out);
  return out.str();
}

std::string to_word2vec_text(const Embeddings& embeddings, int precision = 6) {
  std::ostringstream out;
  write_word2vec_text(embeddings, out, precision);
  return out.str();
}

// The message of the Error that parsing `bytes` raises, or "<no error>".
std::string parse_error(std::string_view bytes, VectorFormat format = VectorFormat::kAuto,
                        const std::string& source = "vectors.txt") {
  try {
    parse_vectors(bytes, source, format);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}


std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Formats, Word2VecBinaryRoundTripIsBitExact) {
  const Embeddings original = sample_embeddings();
  const std::string bytes = to_word2vec_binary(original);
  EXPECT_EQ(bytes.rfind("3 3\n", 0), 0u);
  EXPECT_EQ(detect_format(bytes, "vectors.bin"), VectorFormat::kWord2VecBinary);
  const Embeddings loaded = parse_vectors(bytes, "vectors.bin");
  EXPECT_EQ(loaded.words(), original.words());
  ASSERT_EQ(loaded.dim(), original.dim());
  ASSERT_EQ(loaded.data().size(), original.data().size());
  EXPECT_EQ(std::memcmp(loaded.data().data(), original.data().data(), original.data().size() * sizeof(float)), 0);
  // Explicitly asking for the binary format gives the same.
  const Embeddings explicit_format = parse_vectors(bytes, "vectors.bin", VectorFormat::kWord2VecBinary);
  EXPECT_EQ(std::memcmp(explicit_format.data().data(), original.data().data(), original.data().size() * sizeof(float)), 0);
}

TEST(Formats, Word2VecBinaryWithoutNewlinesAfterRowsLoads) {
  // Original word2vec wrote a newline after each row, some tools do not.
  const float a[2] = {1.5f, -2.0f}, b[2] = {0.25f, 4.0f};
  std::string bytes = "2 2\nfirst ";
  bytes.append(reinterpret_cast<const char*>(a), sizeof(a));
  bytes += "second ";
  bytes.append(reinterpret_cast<const char*>(b), sizeof(b));
  const Embeddings loaded = parse_vectors(bytes, "bare.bin", VectorFormat::kWord2VecBinary);
  EXPECT_EQ(loaded.words(), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(loaded.data(), (std::vector<float>{1.5f, -2.0f, 0.25f, 4.0f}));
}

TEST(Formats, Word2VecTextRoundTripKeepsSixSignificantDigits) {
  const Embeddings original = sample_embeddings();
  const std::string text = to_word2vec_text(original);
  EXPECT_EQ(text.rfind("3 3\n", 0), 0u);
  EXPECT_EQ(detect_format(text, "vectors.txt"), VectorFormat::kWord2VecText);
  const Embeddings loaded = parse_vectors(text, "vectors.txt");
  EXPECT_EQ(loaded.words(), original.words());
  ASSERT_EQ(loaded.data().size(), original.data().size());
  for (std::size_t i = 0; i < original.data().size(); ++i) {
    const float expected = original.data()[i];
    EXPECT_NEAR(loaded.data()[i], expected, 1e-5 * std::fabs(expected)) << "value " << i;
  }
}

TEST(Formats, Word2VecTextPrecisionControlsDigits) {
  const Embeddings embeddings({"pi"}, 1, {3.14159265f});
  EXPECT_EQ(to_word2vec_text(embeddings, 3), "1 1\npi 3.14\n");
  EXPECT_EQ(to_word2vec_text(embeddings), "1 1\npi 3.14159\n");
}

TEST(Formats, FewDigitsNeverRoundAValuePastTheLargestFloat) {
  // The largest float to 4 digits is 3.403e+38, which no float holds: what we write must load back.
  const float largest = std::numeric_limits<float>::max();
  const Embeddings embeddings({"big", "small"}, 2, {largest, -largest, 3.4e38f, -1.0f});
  EXPECT_EQ(to_word2vec_text(embeddings, 4), "2 2\nbig 3.40282347e+38 -3.40282347e+38\nsmall 3.4e+38 -1\n");
  std::ostringstream vectors, metadata;
  write_projector_tsv(embeddings, vectors, metadata, 4);
  EXPECT_EQ(vectors.str(), "3.40282347e+38\t-3.40282347e+38\n3.4e+38\t-1\n");
  for (int precision = 1; precision <= 9; ++precision) {
    const std::string text = to_word2vec_text(embeddings, precision);
    EXPECT_NO_THROW(parse_vectors(text, "big.txt", VectorFormat::kWord2VecText)) << text;
  }
}

TEST(Formats, GloveTextWithoutHeaderIsDetectedAndLoads) {
  const std::string glove = "the 0.418 0.24968 -0.41242\n, 0.013441 0.23682 -0.16899\ncat -1 2e-3 +0.5\n";
  EXPECT_EQ(detect_format(glove, "glove.6B.3d.txt"), VectorFormat::kGloveText);
  const Embeddings loaded = parse_vectors(glove, "glove.6B.3d.txt");
  EXPECT_EQ(loaded.words(), (std::vector<std::string>{"the", ",", "cat"}));
  EXPECT_EQ(loaded.dim(), 3u);
  EXPECT_EQ(loaded.data(), (std::vector<float>{0.418f, 0.24968f, -0.41242f, 0.013441f, 0.23682f, -0.16899f, -1.0f,
                                               2e-3f, 0.5f}));
}

TEST(Formats, NineDigitTextValuesLoadBackBitExact) {
  // %.9g identifies a float uniquely; the decimal fast path must find that very float.
  Rng rng(99);
  std::string text = "2000 1\n";
  std::vector<float> expected;
  for (int i = 0; i < 2000; ++i) {
    const float magnitude = std::pow(10.0f, static_cast<float>(static_cast<int>(rng.below(12)) - 8));
    const float v = (rng.uniform() - 0.5f) * magnitude;
    expected.push_back(v);
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "w%d %.9g\n", i, static_cast<double>(v));
    text += buffer;
  }
  const Embeddings loaded = parse_vectors(text, "digits.vec");
  ASSERT_EQ(loaded.data().size(), expected.size());
  EXPECT_EQ(std::memcmp(loaded.data().data(), expected.data(), expected.size() * sizeof(float)), 0);
}

TEST(Formats, AcceptsTheUsualSpellingsOfNumbers) {
  const Embeddings e = parse_vectors("a 1 -2 +3 .5 6. 1e2 1E-2 -0 0.000000000000000000000000001 123456789012345678901234\n", "n.txt",
                                     VectorFormat::kGloveText);
  const std::vector<float> expected{1, -2, 3, 0.5f, 6, 100, 0.01f, -0.0f, 1e-27f, 1.2345679e23f};
  ASSERT_EQ(e.dim(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(e.data()[i], expected[i]) << i;
}

TEST(Formats, GloveTextStartingWithBlankLinesIsDetected) {
  const std::string glove = "\n\nthe 0.5 0.25\ncat -1 2\n";
  EXPECT_EQ(detect_format(glove, "glove.txt"), VectorFormat::kGloveText);
  EXPECT_EQ(parse_vectors(glove, "glove.txt").words(), (std::vector<std::string>{"the", "cat"}));
}

TEST(Formats, Word2VecTextIsDetectedAndToleratesCrLfAndBlankLines) {
  const std::string text = "2 2\r\nthe 0.5 -0.5\r\n\r\ncat 1 2\r\n";
  EXPECT_EQ(detect_format(text, "vectors.vec"), VectorFormat::kWord2VecText);
  const Embeddings loaded = parse_vectors(text, "vectors.vec");
  EXPECT_EQ(loaded.words(), (std::vector<std::string>{"the", "cat"}));
  EXPECT_EQ(loaded.data(), (std::vector<float>{0.5f, -0.5f, 1.0f, 2.0f}));
}

TEST(Formats, ProjectorTsvHasTabSeparatedRowsAndOneWordPerLine) {
  const Embeddings embeddings({"king", "queen"}, 3, {1.0f, -0.5f, 0.25f, 2.0f, 0.0f, -3.0f});
  std::ostringstream vectors, metadata;
  write_projector_tsv(embeddings, vectors, metadata);
  EXPECT_EQ(vectors.str(), "1\t-0.5\t0.25\n2\t0\t-3\n");
  EXPECT_EQ(metadata.str(), "king\nqueen\n");
}

TEST(Formats, ProjectorTsvRowsMatchTheVectors) {
  const Embeddings embeddings = sample_embeddings();
  std::ostringstream vectors, metadata;
  write_projector_tsv(embeddings, vectors, metadata);
  const auto rows = lines_of(vectors.str());
  EXPECT_EQ(lines_of(metadata.str()), embeddings.words());
  ASSERT_EQ(rows.size(), embeddings.size());
  for (std::size_t w = 0; w < rows.size(); ++w) {
    std::istringstream fields(rows[w]);
    std::string field;
    std::size_t i = 0;
    while (std::getline(fields, field, '\t')) {
      ASSERT_LT(i, embeddings.dim());
      const float expected = embeddings.vector(static_cast<std::int32_t>(w))[i];
      EXPECT_NEAR(std::stod(field), expected, 1e-5 * std::fabs(expected)) << "row " << w << " column " << i;
      ++i;
    }
    EXPECT_EQ(i, embeddings.dim()) << "row " << w;
  }
}

TEST(Formats, LoadVectorsReadsAFile) {
  char path[] = "/tmp/embedlab-formats-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  const Embeddings original = sample_embeddings();
  {
    std::ofstream out(path, std::ios::binary);
    write_word2vec_binary(original, out);
  }
  const Embeddings loaded = load_vectors(path);
  std::remove(path);
  EXPECT_EQ(loaded.words(), original.words());
  EXPECT_EQ(std::memcmp(loaded.data().data(), original.data().data(), original.data().size() * sizeof(float)), 0);
}

TEST(Formats, LoadVectorsOnAMissingFileSaysItCannotOpenIt) {
  std::string message = "<no error>";
  try {
    load_vectors("/nonexistent/dir/vectors.bin");
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_TRUE(ContainsAll(message, {"cannot open", "/nonexistent/dir/vectors.bin"}));
}

TEST(Formats, RejectsEmptyInput) {
  EXPECT_TRUE(ContainsAll(parse_error("", VectorFormat::kAuto, "none.vec"), {"none.vec", "empty"}));
  EXPECT_TRUE(ContainsAll(parse_error("\n\r\n  \n"), {"empty"}));
  EXPECT_TRUE(ContainsAll(parse_error("", VectorFormat::kGloveText), {"empty"}));
}

TEST(Formats, RejectsAFirstLineThatIsNeitherHeaderNorVector) {
  EXPECT_TRUE(ContainsAll(parse_error("hello world\nmore text\n"), {"vectors.txt", "line 1", "header"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 x\na 1 2\n", VectorFormat::kWord2VecText), {"line 1", "header", "2 x"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 3 4\na 1 2\n", VectorFormat::kWord2VecText), {"line 1", "header"}));
  EXPECT_TRUE(ContainsAll(parse_error("nonsense\n", VectorFormat::kWord2VecBinary), {"line 1", "header"}));
}

TEST(Formats, RejectsAShortRow) {
  EXPECT_TRUE(ContainsAll(parse_error("2 3\na 1 2 3\nb 1 2\n"),
                          {"vectors.txt", "line 3", "expected 3 numbers", "found 2", "'b'"}));
  EXPECT_TRUE(ContainsAll(parse_error("a 1 2\nb 1\n"), {"line 2", "expected 2 numbers", "found 1"}));
}

TEST(Formats, RejectsALongRow) {
  EXPECT_TRUE(ContainsAll(parse_error("2 3\na 1 2 3 4\nb 1 2 3\n"), {"line 2", "expected 3 numbers", "found 4"}));
}

TEST(Formats, RejectsAWordWithoutNumbersInGlove) {
  EXPECT_TRUE(ContainsAll(parse_error("lonely\n", VectorFormat::kGloveText), {"line 1", "lonely"}));
}

TEST(Formats, RejectsNonNumericValues) {
  EXPECT_TRUE(ContainsAll(parse_error("2 2\na 1 2\nb 1 x3\n"), {"line 3", "'x3' is not a number", "'b'"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 2\na 1 2\nb 1 2.5.1\n"), {"line 3", "is not a number"}));
  EXPECT_TRUE(ContainsAll(parse_error("a 1 2\nb 1,5 2\n"), {"line 2", "is not a number"}));
  EXPECT_TRUE(ContainsAll(parse_error("a 1 2\nb +-1 2\n"), {"line 2", "'+-1' is not a number"}));
  // Trailing garbage after a number too large for a float is still garbage, not infinity.
  EXPECT_TRUE(ContainsAll(parse_error("a 1 2\nb 1e999abc 2\n"), {"line 2", "'1e999abc' is not a number"}));
}

TEST(Formats, RejectsNaNAndInfiniteValues) {
  EXPECT_TRUE(ContainsAll(parse_error("2 2\na 1 2\nb nan 2\n"), {"line 3", "NaN", "'b'"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 2\na 1 NaN\nb 1 2\n"), {"line 2", "NaN"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 2\na 1 2\nb 1 inf\n"), {"line 3", "infinite"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 2\na -Infinity 2\nb 1 2\n"), {"line 2", "infinite"}));
  EXPECT_TRUE(ContainsAll(parse_error("a 1 2\nb 1e39 2\n"), {"line 2", "infinite"}));  // overflows float
}

TEST(Formats, RejectsNaNInBinaryVectors) {
  const Embeddings embeddings({"a", "b"}, 2, {1.0f, 2.0f, 3.0f, 4.0f});
  std::string bytes = to_word2vec_binary(embeddings);
  const float nan = std::nanf("");
  const std::size_t second_row = bytes.find("b ") + 2;
  std::memcpy(&bytes[second_row + sizeof(float)], &nan, sizeof(float));
  EXPECT_TRUE(ContainsAll(parse_error(bytes, VectorFormat::kWord2VecBinary, "v.bin"), {"vector 2", "NaN", "'b'"}));
}

TEST(Formats, RejectsDuplicateWords) {
  EXPECT_TRUE(ContainsAll(parse_error("3 2\nthe 1 2\ncat 3 4\nthe 5 6\n"),
                          {"line 4", "'the'", "appears twice", "first on line 2"}));
  const Embeddings embeddings({"a", "b"}, 1, {1.0f, 2.0f});
  std::string bytes = to_word2vec_binary(embeddings);
  bytes[bytes.find("b ")] = 'a';
  EXPECT_TRUE(ContainsAll(parse_error(bytes, VectorFormat::kWord2VecBinary), {"'a'", "appears twice", "vector 1"}));
}

TEST(Formats, RejectsAHeaderCountThatDoesNotMatch) {
  EXPECT_TRUE(ContainsAll(parse_error("3 2\na 1 2\nb 3 4\n"), {"promises 3", "found 2"}));
  EXPECT_TRUE(ContainsAll(parse_error("1 2\na 1 2\nb 3 4\n"), {"promises 1", "found 2"}));
  EXPECT_TRUE(ContainsAll(parse_error("5 2\n"), {"no vectors"}));
}

TEST(Formats, RejectsDimensionOutOfRange) {
  EXPECT_TRUE(ContainsAll(parse_error("2 0\na\nb\n"), {"line 1", "out of range"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 20000\na 1\n"), {"line 1", "20000", "out of range"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 0\n", VectorFormat::kWord2VecBinary), {"out of range"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 20000\nxx", VectorFormat::kWord2VecBinary), {"out of range"}));
}

TEST(Formats, RejectsATruncatedBinaryFile) {
  const std::string bytes = to_word2vec_binary(sample_embeddings());
  // Cut inside the last row, right after the last word, and in the middle of the file.
  for (std::size_t keep : {bytes.size() - 5, bytes.rfind("c++ ") + 4, bytes.rfind("c++ ") + 1, bytes.size() / 2}) {
    SCOPED_TRACE("keeping " + std::to_string(keep) + " of " + std::to_string(bytes.size()) + " bytes");
    EXPECT_TRUE(ContainsAll(parse_error(bytes.substr(0, keep), VectorFormat::kWord2VecBinary, "cut.bin"),
                            {"cut.bin", "truncated"}));
  }
  // A header promising far more vectors than the bytes can hold fails before allocating them.
  EXPECT_TRUE(ContainsAll(parse_error(std::string("999999999 300\nthe ") + std::string(1200, '\x01'),
                                      VectorFormat::kWord2VecBinary),
                          {"truncated", "999,999,999"}));
}

TEST(Formats, RejectsBinaryGarbage) {
  std::string garbage("\0\x13\xFF\xFE\x01 \x80\x7F\n\x02\x03\0\0\xC3\x28\x9A\x10", 18);
  EXPECT_THROW(parse_vectors(garbage, "garbage.bin"), Error);
  EXPECT_TRUE(ContainsAll(parse_error(garbage, VectorFormat::kAuto, "garbage.bin"), {"garbage.bin", "line 1"}));
  EXPECT_THROW(parse_vectors(garbage, "garbage.bin", VectorFormat::kWord2VecBinary), Error);
  EXPECT_THROW(parse_vectors(garbage, "garbage.bin", VectorFormat::kWord2VecText), Error);
  EXPECT_THROW(parse_vectors(garbage, "garbage.bin", VectorFormat::kGloveText), Error);
  // Pseudo-random bytes of every value, starting with NUL.
  std::string noise(4096, '\0');
  std::uint32_t state = 12345;
  for (std::size_t i = 1; i < noise.size(); ++i) {
    state = state * 1664525u + 1013904223u;
    noise[i] = static_cast<char>(state >> 24);
  }
  EXPECT_THROW(parse_vectors(noise, "noise.bin"), Error);
}

TEST(Formats, RejectsInvalidUtf8WordsInText) {
  EXPECT_TRUE(ContainsAll(parse_error("the 1 2\ncaf\xE9 1 2\n"), {"line 2", "UTF-8", "caf\\xE9"}));
  EXPECT_TRUE(ContainsAll(parse_error("caf\xE9 1 2\n", VectorFormat::kGloveText), {"line 1", "UTF-8"}));
  EXPECT_TRUE(ContainsAll(parse_error("2 2\nthe 1 2\ncaf\xE9 1 2\n"), {"line 3", "UTF-8"}));
}

TEST(Formats, FormatNamesAreReadable) {
  EXPECT_STREQ(format_name(VectorFormat::kWord2VecText), "word2vec text");
  EXPECT_STREQ(format_name(VectorFormat::kWord2VecBinary), "word2vec binary");
  EXPECT_STREQ(format_name(VectorFormat::kGloveText), "GloVe text");
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(FormatsEdgeCases, SkipsAByteOrderMark) {
  const Embeddings text = parse_vectors("\xEF\xBB\xBF" "2 2\na 1 2\nb 3 4\n", "bom.vec");
  EXPECT_EQ(text.words(), (std::vector<std::string>{"a", "b"}));
  const Embeddings glove = parse_vectors("\xEF\xBB\xBF" "a 1 2\nb 3 4\n", "bom.txt");
  EXPECT_EQ(glove.dim(), 2u);
}

TEST(FormatsEdgeCases, AHeaderPromisingHugeCountsFailsOnTheCountNotOnMemory) {
  std::string two_rows = "3000000 2\na 1 2\nb 3 4\n";
  try {
    parse_vectors(two_rows, "head.vec");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("promises 3,000,000 vectors, found 2"), std::string::npos) << e.what();
  }
}

TEST(FormatsEdgeCases, BinaryFileStartingWithABlankLineLoads) {
  std::ostringstream out;
  write_word2vec_binary(Embeddings({"a", "b"}, 2, {1, 2, 3, 4}), out);
  const Embeddings e = parse_vectors("\n" + out.str(), "blank.bin");
  EXPECT_EQ(e.data(), (std::vector<float>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

// A float whose little-endian bytes are exactly `b0 b1 b2 b3`.
float float_from_bytes(unsigned char b0, unsigned char b1, unsigned char b2, unsigned char b3) {
  const unsigned char bytes[4] = {b0, b1, b2, b3};
  float value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

TEST(FormatsDetection, BinaryWhoseFirstFloatHoldsALineBreakAfterPrintableBytesLoadsBack) {
  // "w " then 'A' 'B' '\n' ... : up to the 0x0A byte the first record reads like a line of text.
  const float tricky = float_from_bytes('A', 'B', '\n', 0x3F);
  ASSERT_TRUE(std::isfinite(tricky));
  const Embeddings original({"w", "x"}, 2, {tricky, 1.5f, -2.0f, 0.25f});
  const std::string bytes = to_word2vec_binary(original);
  ASSERT_NE(bytes.find("w AB\n"), std::string::npos);
  EXPECT_EQ(detect_format(bytes, "tricky.bin"), VectorFormat::kWord2VecBinary);
  const Embeddings loaded = parse_vectors(bytes, "tricky.bin");
  EXPECT_EQ(loaded.words(), original.words());
  EXPECT_EQ(std::memcmp(loaded.data().data(), original.data().data(), original.data().size() * sizeof(float)), 0);
}

TEST(FormatsDetection, TextWithNumbersOfOneLengthStaysText) {
  // Rows of exactly 4 * dim bytes after the word would also fit the binary layout.
  const std::string text = "2 3\nw 0.1 0.2 0.3\nv 0.4 0.5 0.6\n";
  EXPECT_EQ(detect_format(text, "short.vec"), VectorFormat::kWord2VecText);
  const Embeddings loaded = parse_vectors(text, "short.vec");
  EXPECT_EQ(loaded.words(), (std::vector<std::string>{"w", "v"}));
  EXPECT_FLOAT_EQ(loaded.vector(1)[2], 0.6f);
}

TEST(FormatsDetection, ThousandsOfRandomBinaryModelsLoadBackIdenticalWithoutNamingTheFormat) {
  Rng rng(2026);
  for (int model = 0; model < 3000; ++model) {
    const std::size_t dim = 1 + rng.below(8);
    const std::size_t size = 1 + rng.below(6);
    std::vector<std::string> words;
    for (std::size_t w = 0; w < size; ++w) {
      std::string word = "w" + std::to_string(w) + "_";
      const std::size_t extra = rng.below(4);
      for (std::size_t i = 0; i < extra; ++i) word += static_cast<char>('a' + rng.below(26));
      words.push_back(word);
    }
    std::vector<float> data;
    while (data.size() < dim * size) {
      // Any finite bit pattern: bytes of every value, line breaks and spaces included.
      const float value = float_from_bytes(static_cast<unsigned char>(rng.below(256)), static_cast<unsigned char>(rng.below(256)),
                                           static_cast<unsigned char>(rng.below(256)), static_cast<unsigned char>(rng.below(256)));
      if (std::isfinite(value)) data.push_back(value);
    }
    const Embeddings original(words, dim, data);
    const std::string bytes = to_word2vec_binary(original);
    const Embeddings loaded = parse_vectors(bytes, "random.bin");
    ASSERT_EQ(loaded.words(), original.words()) << "model " << model;
    ASSERT_EQ(std::memcmp(loaded.data().data(), original.data().data(), data.size() * sizeof(float)), 0) << "model " << model;
  }
}

TEST(FormatsDetection, BinaryHeaderPromisingFewerVectorsThanTheFileHoldsIsRejected) {
  const std::string bytes = to_word2vec_binary(sample_embeddings());  // "3 3\n" + three records
  std::string fewer = bytes;
  fewer.replace(0, 1, "2");
  EXPECT_TRUE(ContainsAll(parse_error(fewer, VectorFormat::kWord2VecBinary, "fewer.bin"),
                          {"fewer.bin", "header promises 2 vectors", "more data follows"}));
  EXPECT_TRUE(ContainsAll(parse_error(fewer, VectorFormat::kAuto, "fewer.bin"), {"fewer.bin"}));
}

TEST(FormatsWordLimit, TheLongestWordRoundTripsInEveryFormatAndALongerOneIsRefusedEverywhere) {
  // What we write, we read: one limit (kMaxWordBytes) for the tokenizer, every writer and every reader.
  const std::string longest(kMaxWordBytes - 2, 'x');
  const Embeddings original({longest + "\xC3\xA9", "short"}, 2, {0.5f, -1.0f, 2.0f, 0.25f});
  for (const VectorFormat format : {VectorFormat::kWord2VecText, VectorFormat::kWord2VecBinary, VectorFormat::kAuto}) {
    const std::string bytes = format == VectorFormat::kWord2VecText ? to_word2vec_text(original) : to_word2vec_binary(original);
    const Embeddings loaded = parse_vectors(bytes, "long.vec", format);
    EXPECT_EQ(loaded.words(), original.words()) << format_name(format);
  }
  const std::string longer(kMaxWordBytes + 1, 'x');
  EXPECT_TRUE(ContainsAll(error_of([&] { Embeddings({longer}, 1, {1.0f}); }),
                          {"word 1: the word 'xxxx", "(65,537 bytes) is longer than 65,536 bytes, the limit of words"}));
  const std::string text = "1 2\n" + longer + " 0.5 1\n";
  EXPECT_TRUE(ContainsAll(parse_error(text, VectorFormat::kAuto, "t.vec"), {"t.vec line 2: the word", "limit of words"}));
  EXPECT_TRUE(ContainsAll(parse_error(longer + " 0.5\n", VectorFormat::kGloveText, "g.txt"), {"g.txt line 1: the word", "limit of words"}));
  std::string binary = "1 1\n" + longer + " ";
  const float half = 0.5f;
  binary.append(reinterpret_cast<const char*>(&half), 4);
  EXPECT_TRUE(ContainsAll(parse_error(binary, VectorFormat::kWord2VecBinary, "b.bin"), {"b.bin vector 1 of 1: the word", "limit of words"}));
}

TEST(FormatsNamed, TextNamedAsBinaryIsRejectedNotLoadedAsGarbage) {
  // One word, one number of exactly four bytes: read as binary it is a finite float and nothing follows.
  const std::string text = "1 1\nw 0.12\n";
  EXPECT_TRUE(ContainsAll(parse_error(text, VectorFormat::kWord2VecBinary, "text.vec"),
                          {"text.vec is not word2vec binary", "looks like word2vec text", "'word2vec-text' or 'auto'"}));
  const std::string longer = to_word2vec_text(sample_embeddings());
  EXPECT_TRUE(ContainsAll(parse_error(longer, VectorFormat::kWord2VecBinary, "v.vec"), {"v.vec", "looks like word2vec text"}));
  EXPECT_EQ(parse_vectors(text, "text.vec", VectorFormat::kWord2VecText).vector(0)[0], 0.12f);
}

TEST(FormatsNamed, BinaryNamedAsTextOrGloveSaysWhatItLooksLike) {
  const std::string binary = to_word2vec_binary(sample_embeddings());
  EXPECT_TRUE(ContainsAll(parse_error(binary, VectorFormat::kWord2VecText, "v.bin"), {"v.bin", "looks like word2vec binary"}));
  EXPECT_TRUE(ContainsAll(parse_error(binary, VectorFormat::kGloveText, "v.bin"), {"v.bin", "looks like word2vec binary"}));
  const Embeddings loaded = parse_vectors(binary, "v.bin", VectorFormat::kWord2VecBinary);
  EXPECT_EQ(std::memcmp(loaded.data().data(), sample_embeddings().data().data(), 9 * sizeof(float)), 0);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(FormatsNumbers, HexadecimalIsRejectedAndLongDecimalsAreRead) {
  // Both are what the native and WebAssembly builds used to disagree on.
  EXPECT_TRUE(ContainsAll(parse_error("1 2\nw 0x1p-2 1.5\n", VectorFormat::kAuto, "hex.vec"),
                          {"hex.vec line 2", "'0x1p-2' is not a number"}));
  const std::string long_decimal = "0.2500000000000000000000000000000000000000000000000000000000000000000000001";
  ASSERT_GT(long_decimal.size(), 64u);
  const Embeddings loaded = parse_vectors("1 2\nw " + long_decimal + " -" + long_decimal + "e0\n", "long.vec");
  EXPECT_EQ(loaded.vector(0)[0], 0.25f);
  EXPECT_EQ(loaded.vector(0)[1], -0.25f);
}

TEST(FormatsNumbers, DigitsJustBesideAFloatMidpointRoundToTheNearerFloat) {
  // 16 digits a hair above (below) the midpoint between two floats: the nearest double is the
  // midpoint itself, so rounding through double would go to the even float, the wrong one
  // (found by tests/fuzz/fuzz_numbers). Each must read as strtof reads it.
  for (const char* digits : {"8.900000095367432", "8.899999141693115", "-8.900000095367432"}) {
    const Embeddings loaded = parse_vectors(std::string("w ") + digits + "\n", "mid.txt", VectorFormat::kGloveText);
    EXPECT_EQ(loaded.vector(0)[0], std::strtof(digits, nullptr)) << digits;
  }
  // Exactly on a midpoint, ties go to the even float, as strtof does.
  EXPECT_EQ(parse_vectors("w 16777217\n", "tie.txt", VectorFormat::kGloveText).vector(0)[0], 16777216.0f);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(FormatsHeaders, MalformedHeadersAreNamedAsHeaders) {
  EXPECT_EQ(parse_error("-4 3\nw 1 2 3\n", VectorFormat::kAuto, "neg.vec"),
            "neg.vec line 1: expected a header 'count dim' (two whole numbers: a count of vectors, a dimension of 1 to "
            "10,000), found '-4 3'");
  EXPECT_TRUE(ContainsAll(parse_error("4 3 1\nw 1 2 3\n", VectorFormat::kAuto, "three.vec"),
                          {"three.vec line 1: expected a header 'count dim'", "found '4 3 1' (3 numbers)"}));
  // Rows shaped like the first line: GloVe whose first word is a number, read as such.
  const Embeddings glove = parse_vectors("-4 3\nw 1\n", "numbers.txt");
  EXPECT_EQ(glove.words(), (std::vector<std::string>{"-4", "w"}));
}

TEST(FormatsHeaders, GloveWhoseFirstRowLooksLikeAHeaderGetsAHint) {
  const std::string glove = "1 5\n2 3\n7 8\n";
  EXPECT_TRUE(ContainsAll(parse_error(glove, VectorFormat::kAuto, "nums.txt"),
                          {"nums.txt line 2: expected 5 numbers after '2', found 1", "name the format glove"}));
  EXPECT_EQ(parse_vectors(glove, "nums.txt", VectorFormat::kGloveText).words(), (std::vector<std::string>{"1", "2", "7"}));
}

}  // namespace
}  // namespace embedlab
