// Reading vectors in chunks (VectorStreamReader, VectorsBuilder) and compact sets: whatever the
// chunk sizes, the same set and the same errors as reading the whole file at once.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "core/formats.h"
#include "core/random.h"
#include "test_support.h"

namespace embedlab {
namespace {

Embeddings random_set(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  Rng random(seed);
  std::vector<std::string> words;
  std::vector<float> values;
  for (std::size_t r = 0; r < rows; ++r) {
    words.push_back("w" + std::to_string(r) + (r % 7 == 0 ? "é" : ""));
    for (std::size_t i = 0; i < dim; ++i) values.push_back(random.uniform() * 2.0f - 1.0f);
  }
  return Embeddings(std::move(words), dim, std::move(values));
}

std::string word2vec_text(const Embeddings& e) {
  std::ostringstream out;
  write_word2vec_text(e, out);
  return out.str();
}

std::string word2vec_binary(const Embeddings& e) {
  std::ostringstream out;
  write_word2vec_binary(e, out);
  return out.str();
}

// GloVe: word2vec text without its header line.
std::string glove_text(const Embeddings& e) {
  const std::string text = word2vec_text(e);
  return text.substr(text.find('\n') + 1);
}

Embeddings read_in_chunks(const std::string& bytes, std::size_t chunk, bool sized = true) {
  VectorStreamReader reader("v.txt", VectorFormat::kAuto, sized ? bytes.size() : 0);
  for (std::size_t i = 0; i < bytes.size(); i += chunk) reader.feed(std::string_view(bytes).substr(i, chunk));
  return reader.finish();
}

void expect_same(const Embeddings& a, const Embeddings& b) {
  ASSERT_EQ(a.words(), b.words());
  ASSERT_EQ(a.dim(), b.dim());
  std::vector<float> ra(a.dim()), rb(b.dim());
  for (std::size_t r = 0; r < a.size(); ++r) {
    a.copy_vector(static_cast<std::int32_t>(r), ra.data());
    b.copy_vector(static_cast<std::int32_t>(r), rb.data());
    ASSERT_EQ(ra, rb) << "row " << r;
  }
}

TEST(VectorStream, EveryFormatInAnyChunkSizeMatchesTheWholeFileReader) {
  const Embeddings e = random_set(300, 7, 5);
  for (const std::string& bytes : {word2vec_text(e), word2vec_binary(e), glove_text(e), "\xEF\xBB\xBF" + glove_text(e)}) {
    const Embeddings whole = parse_vectors(bytes, "v.txt");
    for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{4096}, bytes.size()}) {
      SCOPED_TRACE("chunk " + std::to_string(chunk));
      expect_same(read_in_chunks(bytes, chunk), whole);
      expect_same(read_in_chunks(bytes, chunk, false), whole);
    }
  }
}

TEST(VectorStream, ErrorsNameTheSameLineAsTheWholeFileReader) {
  const std::vector<std::string> broken = {
      "a 1 2\nb 3 x\n",                   // not a number, line 2
      "a 1 2\nb 3\n",                     // too few numbers
      "2 2\na 1 2\na 3 4\n",              // duplicate word
      "3 2\na 1 2\nb 3 4\n",              // header promises more
      "",                                 // empty
      "a 1 nan\n",                        // not finite
  };
  for (const std::string& bytes : broken) {
    const std::string whole = error_of([&] { parse_vectors(bytes, "v.txt"); });
    ASSERT_NE(whole, "<no error>") << bytes;
    EXPECT_EQ(error_of([&] { read_in_chunks(bytes, 1); }), whole) << bytes;
    EXPECT_EQ(error_of([&] { read_in_chunks(bytes, 3, false); }), whole) << bytes;
  }
  // A truncated binary file says so whatever the chunks.
  const std::string binary = word2vec_binary(random_set(4, 3, 1));
  const std::string cut = binary.substr(0, binary.size() - 5);
  EXPECT_EQ(error_of([&] { read_in_chunks(cut, 7, false); }), error_of([&] { parse_vectors(cut, "v.txt"); }));
  EXPECT_TRUE(Contains(error_of([&] { read_in_chunks(cut, 7, false); }), "truncated"));
}

TEST(VectorStream, BatchesBuiltElsewhereGiveTheSameSet) {
  const Embeddings e = random_set(2000, 5, 9);
  const std::string bytes = glove_text(e);
  VectorStreamReader reader("v.txt", VectorFormat::kAuto, bytes.size(), /*batches=*/true);
  std::unique_ptr<VectorsBuilder> builder;
  std::vector<std::string> words;
  std::vector<float> values;
  const auto hand_on = [&] {
    reader.take_batch(words, values);
    if (words.empty()) return;
    if (!builder) builder = std::make_unique<VectorsBuilder>(reader.dim(), reader.expected_rows());
    builder->add(words, values);
  };
  for (std::size_t i = 0; i < bytes.size(); i += 5000) {
    reader.feed(std::string_view(bytes).substr(i, 5000));
    hand_on();
  }
  EXPECT_EQ(reader.finish().size(), 0u);  // batch mode: the rows went out
  hand_on();
  ASSERT_TRUE(builder);
  expect_same(builder->finish(), parse_vectors(bytes, "v.txt"));
}

TEST(VectorStream, TheRowEstimateFromTheFileSizeIsCloseAndNotBelow) {
  const Embeddings e = random_set(20000, 10, 2);
  const std::string bytes = glove_text(e);
  VectorStreamReader reader("v.txt", VectorFormat::kGloveText, bytes.size(), true);
  reader.feed(std::string_view(bytes).substr(0, 1 << 16));
  EXPECT_GE(reader.expected_rows(), 20000u);
  EXPECT_LE(reader.expected_rows(), 20000u * 106 / 100);
}

TEST(CompactSet, BigSetsKeepUnitRowsAndLengthsOnly) {
  const std::size_t dim = 256, rows = Embeddings::kCompactFloats / dim;
  const Embeddings big = random_set(rows, dim, 3);
  const Embeddings small = random_set(rows / 2, dim, 3);  // the same first rows
  EXPECT_TRUE(big.compact());
  EXPECT_FALSE(small.compact());
  EXPECT_TRUE(Contains(error_of([&] { big.vector(0); }), "copy_vector"));
  std::vector<float> a(dim), b(dim);
  for (std::int32_t r : {0, 1, 100}) {
    big.copy_vector(r, a.data());
    small.copy_vector(r, b.data());
    for (std::size_t i = 0; i < dim; ++i) EXPECT_NEAR(a[i], b[i], 1e-6f * std::fabs(b[i]) + 1e-12f);
  }
  EXPECT_FLOAT_EQ(big.similarity("w1", "w2"), small.similarity("w1", "w2"));
  EXPECT_EQ(big.most_similar({"w5"}, {}, 3, rows / 2)[0].word, small.most_similar({"w5"}, {}, 3)[0].word);
}

}  // namespace
}  // namespace embedlab
