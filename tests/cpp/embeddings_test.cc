// Queries on a hand-made set of vectors whose answers can be worked out on paper.
#include "core/embeddings.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace embedlab {
namespace {

// Axes: person, royal, female, fruit, pear-ness. Rows in "frequency" order.
Embeddings family() {
  return Embeddings({"man", "woman", "king", "queen", "royal", "apple", "pear"}, 5,
                    {
                        1, 0, 0, 0, 0,    // man
                        1, 0, 1, 0, 0,    // woman
                        1, 1, 0, 0, 0,    // king
                        1, 1, 1, 0, 0,    // queen
                        0, 1, 0, 0, 0,    // royal
                        0, 0, 0, 1, 0,    // apple
                        0, 0, 0, 1, 0.3f  // pear
                    },
                    {700, 600, 500, 400, 300, 200, 100});
}

std::vector<std::string> words_of(const std::vector<Neighbour>& neighbours) {
  std::vector<std::string> words;
  for (const auto& n : neighbours) words.push_back(n.word);
  return words;
}

void expect_sorted_by_similarity(const std::vector<Neighbour>& neighbours) {
  for (std::size_t i = 1; i < neighbours.size(); ++i) {
    EXPECT_GE(neighbours[i - 1].similarity, neighbours[i].similarity) << "at position " << i;
  }
}

std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected embedlab::Error";
  return "";
}

TEST(Embeddings, MostSimilarExcludesTheQueryWordAndSortsByDescendingSimilarity) {
  const Embeddings e = family();
  const auto result = e.most_similar({"king"});
  ASSERT_EQ(result.size(), 6u);  // every word but "king"
  for (const auto& n : result) EXPECT_NE(n.word, "king");
  expect_sorted_by_similarity(result);
  EXPECT_EQ(result[0].word, "queen");
  EXPECT_NEAR(result[0].similarity, 2.0 / std::sqrt(6.0), 1e-5);
  // Each reported similarity is the cosine with the query word, and ids match words.
  for (const auto& n : result) {
    EXPECT_NEAR(n.similarity, e.similarity("king", n.word), 1e-5) << n.word;
    EXPECT_EQ(e.word(n.id), n.word);
  }
  EXPECT_EQ(result.back().similarity, 0.0f);  // a fruit is orthogonal to a king
}

TEST(Embeddings, MostSimilarReturnsAtMostTopnWords) {
  const Embeddings e = family();
  EXPECT_EQ(words_of(e.most_similar({"king"}, {}, 1)), std::vector<std::string>{"queen"});
  EXPECT_EQ(e.most_similar({"king"}, {}, 3).size(), 3u);
  EXPECT_TRUE(e.most_similar({"king"}, {}, 0).empty());
  EXPECT_EQ(e.most_similar({"king"}, {}, 100).size(), 6u);
}

TEST(Embeddings, RestrictToSearchesOnlyTheMostFrequentRows) {
  const Embeddings e = family();
  // "queen" (row 3) is nearest to "king", but only rows 0-1 are searched.
  const auto result = e.most_similar({"king"}, {}, 10, 2);
  EXPECT_EQ(words_of(result), (std::vector<std::string>{"man", "woman"}));
  // The query word itself may lie inside the restriction and is still excluded.
  EXPECT_EQ(words_of(e.most_similar({"woman"}, {}, 10, 3)), (std::vector<std::string>{"man", "king"}));
  // A restriction larger than the vocabulary is no restriction.
  EXPECT_EQ(e.most_similar({"king"}, {}, 10, 1000).size(), 6u);
}

TEST(Embeddings, MostSimilarCombinesPositiveAndNegativeWords) {
  const Embeddings e = family();
  const auto result = e.most_similar({"king", "woman"}, {"man"}, 3);
  ASSERT_FALSE(result.empty());
  EXPECT_EQ(result[0].word, "queen");
  for (const auto& n : result) {
    EXPECT_NE(n.word, "king");
    EXPECT_NE(n.word, "woman");
    EXPECT_NE(n.word, "man");
  }
  expect_sorted_by_similarity(result);
  // Only negative words: the words least like "king" come first... which are the fruits.
  const auto away = e.most_similar({}, {"king"}, 2);
  EXPECT_EQ(words_of(away), (std::vector<std::string>{"apple", "pear"}));
  EXPECT_THROW(e.most_similar({}, {}), Error);
}

TEST(Embeddings, SimilarityIsSymmetricAndOneForIdenticalWords) {
  const Embeddings e = family();
  for (const auto& a : e.words()) {
    EXPECT_NEAR(e.similarity(a, a), 1.0f, 1e-6) << a;
    for (const auto& b : e.words()) EXPECT_FLOAT_EQ(e.similarity(a, b), e.similarity(b, a)) << a << " " << b;
  }
  EXPECT_NEAR(e.similarity("king", "royal"), 1.0 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(e.similarity("man", "apple"), 0.0, 1e-7);
}

TEST(Embeddings, SimilarityIgnoresVectorLength) {
  const Embeddings e({"short", "long", "other"}, 2, {1, 1, 10, 10, 1, -1});
  EXPECT_NEAR(e.similarity("short", "long"), 1.0f, 1e-6);
  EXPECT_NEAR(e.similarity("short", "other"), 0.0f, 1e-6);
  // The stored vectors keep their length; only the unit copies are normalised.
  EXPECT_EQ(e.vector(1)[0], 10.0f);
  EXPECT_NEAR(e.unit_vector(1)[0], 1.0 / std::sqrt(2.0), 1e-6);
}

TEST(Embeddings, AnalogyWithThreeCosAddFindsQueen) {
  const Embeddings e = family();
  const auto result = e.analogy("man", "king", "woman", AnalogyMethod::kAdd, 3);
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0].word, "queen");
  expect_sorted_by_similarity(result);
  for (const auto& n : result) {
    EXPECT_NE(n.word, "man");
    EXPECT_NE(n.word, "king");
    EXPECT_NE(n.word, "woman");
  }
  // king - man + woman on unit vectors, compared with the unit "queen": worked out by hand.
  const double q[3] = {1 / std::sqrt(2.0) - 1 + 1 / std::sqrt(2.0), 1 / std::sqrt(2.0), 1 / std::sqrt(2.0)};
  const double cos_queen = (q[0] + q[1] + q[2]) / std::sqrt(3.0) / std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
  EXPECT_NEAR(result[0].similarity, cos_queen, 1e-5);
  // The same question from the other side.
  EXPECT_EQ(e.analogy("king", "man", "queen", AnalogyMethod::kAdd, 1)[0].word, "woman");
}

TEST(Embeddings, AnalogyWithThreeCosMulFindsQueen) {
  const Embeddings e = family();
  const auto result = e.analogy("man", "king", "woman", AnalogyMethod::kMul, 10);
  ASSERT_EQ(result.size(), 4u);  // 7 words minus the three in the question
  EXPECT_EQ(result[0].word, "queen");
  expect_sorted_by_similarity(result);
  // 3CosMul with cosines shifted to [0, 1]: cos(queen, king) = cos(queen, woman) = 2/sqrt(6),
  // cos(queen, man) = 1/sqrt(3).
  const double c = (2 / std::sqrt(6.0) + 1) / 2, a = (1 / std::sqrt(3.0) + 1) / 2;
  EXPECT_NEAR(result[0].similarity, c * c / (a + 0.001), 1e-5);
}

TEST(Embeddings, AnalogyRespectsRestrictTo) {
  const Embeddings e = family();
  // Within the first four rows only "queen" is left once man, king and woman are excluded.
  for (auto method : {AnalogyMethod::kAdd, AnalogyMethod::kMul}) {
    EXPECT_EQ(words_of(e.analogy("man", "king", "woman", method, 10, 4)), std::vector<std::string>{"queen"});
  }
  EXPECT_EQ(words_of(e.analogy("man", "king", "apple", AnalogyMethod::kAdd, 1)), std::vector<std::string>{"pear"});
}

TEST(Embeddings, DoesntMatchPicksTheOutlier) {
  const Embeddings e = family();
  EXPECT_EQ(e.doesnt_match({"king", "queen", "man", "apple"}), "apple");
  EXPECT_EQ(e.doesnt_match({"apple", "pear", "queen"}), "queen");
  EXPECT_THROW(e.doesnt_match({"king"}), Error);
  EXPECT_THROW(e.doesnt_match({"king", "quene"}), Error);
}

TEST(Embeddings, UnknownWordErrorNamesTheWordAndTheVocabularySize) {
  const Embeddings small = family();
  EXPECT_EQ(error_message([&] { small.id("quene"); }), "word 'quene' is not in the vocabulary (7 words)");
  EXPECT_EQ(error_message([&] { small.similarity("king", "quene"); }),
            "word 'quene' is not in the vocabulary (7 words)");
  EXPECT_EQ(error_message([&] { small.most_similar({"quene"}); }), "word 'quene' is not in the vocabulary (7 words)");
  EXPECT_EQ(error_message([&] { small.analogy("man", "king", "quene"); }),
            "word 'quene' is not in the vocabulary (7 words)");
  EXPECT_EQ(small.find("quene"), -1);

  std::vector<std::string> words;
  std::vector<float> data;
  for (int i = 0; i < 12345; ++i) {
    words.push_back("w" + std::to_string(i));
    data.push_back(1.0f + static_cast<float>(i));
    data.push_back(1.0f);
  }
  const Embeddings large(std::move(words), 2, std::move(data));
  EXPECT_EQ(error_message([&] { large.id("quene"); }), "word 'quene' is not in the vocabulary (12,345 words)");
}

TEST(Embeddings, LookupsFallBackToLowercase) {
  const Embeddings e = family();
  EXPECT_EQ(e.find("King"), e.find("king"));
  EXPECT_EQ(e.find("QUEEN"), 3);
  EXPECT_EQ(e.id("King"), 2);
  EXPECT_NEAR(e.similarity("King", "king"), 1.0f, 1e-6);
  const auto result = e.most_similar({"King"}, {}, 10);
  for (const auto& n : result) EXPECT_NE(n.word, "king");  // the query is excluded whatever its case
  EXPECT_EQ(e.analogy("Man", "King", "Woman", AnalogyMethod::kAdd, 1)[0].word, "queen");
}

TEST(Embeddings, ExactCaseWinsOverTheLowercaseFallback) {
  const Embeddings e({"Paris", "paris"}, 2, {1, 0, 0, 1});
  EXPECT_EQ(e.find("Paris"), 0);
  EXPECT_EQ(e.find("paris"), 1);
  EXPECT_EQ(e.find("PARIS"), 1);
}

TEST(Embeddings, NearestAcceptsAnyQueryVectorAndSkipsExcludedIds) {
  const Embeddings e = family();
  const float query[5] = {0, 0, 0, 7, 0};  // not unit length
  const auto result = e.nearest(query, 2, {5});
  ASSERT_EQ(result.size(), 2u);
  EXPECT_EQ(result[0].word, "pear");
  EXPECT_NEAR(result[0].similarity, 1.0 / std::sqrt(1.09), 1e-5);
}

TEST(Embeddings, KeepsWordsCountsAndDimension) {
  const Embeddings e = family();
  EXPECT_EQ(e.size(), 7u);
  EXPECT_EQ(e.dim(), 5u);
  EXPECT_EQ(e.word(3), "queen");
  EXPECT_EQ(e.counts().size(), 7u);
  EXPECT_EQ(e.counts()[0], 700);
  EXPECT_EQ(e.data().size(), 35u);
}

TEST(Embeddings, ConstructorRejectsNonFiniteValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::string nan_message = error_message([&] { Embeddings({"a", "b"}, 2, {1, 2, 3, nan}); });
  EXPECT_NE(nan_message.find("NaN"), std::string::npos) << nan_message;
  EXPECT_NE(nan_message.find("'b'"), std::string::npos) << nan_message;
  const std::string inf_message = error_message([&] { Embeddings({"a", "b"}, 2, {-inf, 2, 3, 4}); });
  EXPECT_NE(inf_message.find("infinite"), std::string::npos) << inf_message;
  EXPECT_NE(inf_message.find("'a'"), std::string::npos) << inf_message;
}

TEST(Embeddings, ConstructorRejectsDuplicateAndEmptyWords) {
  const std::string message = error_message([] { Embeddings({"a", "b", "a"}, 1, {1, 2, 3}); });
  EXPECT_NE(message.find("'a' appears twice"), std::string::npos) << message;
  EXPECT_THROW(Embeddings({"a", ""}, 1, {1, 2}), Error);
}

TEST(Embeddings, ConstructorRejectsSizeMismatchAndZeroDimension) {
  const std::string message = error_message([] { Embeddings({"a", "b"}, 2, {1, 2, 3}); });
  EXPECT_NE(message.find("expected 4 numbers"), std::string::npos) << message;
  EXPECT_NE(message.find("found 3"), std::string::npos) << message;
  EXPECT_THROW(Embeddings({"a", "b"}, 0, {}), Error);
  EXPECT_THROW(Embeddings({"a", "b"}, 2, {1, 2, 3, 4}, {5}), Error);  // one count per word
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(EmbeddingsEdgeCases, ZeroResultsAreAnEmptyListForEveryMethod) {
  const Embeddings e({"a", "b", "c", "d"}, 2, {1, 0, 0, 1, 1, 1, -1, 0});
  EXPECT_TRUE(e.analogy("a", "b", "c", AnalogyMethod::kMul, 0).empty());
  EXPECT_TRUE(e.analogy("a", "b", "c", AnalogyMethod::kAdd, 0).empty());
  EXPECT_TRUE(e.most_similar({"a"}, {}, 0).empty());
}

TEST(EmbeddingsEdgeCases, RejectsWordsThatASavedFileCouldNotHold) {
  EXPECT_THROW(Embeddings({"new york"}, 1, {1.0f}), Error);
  EXPECT_THROW(Embeddings({"tab\there"}, 1, {1.0f}), Error);
  EXPECT_THROW(Embeddings({"line\nbreak"}, 1, {1.0f}), Error);
}

TEST(EmbeddingsEdgeCases, LookupFallsBackToTheTokenizersLowercasing) {
  const Embeddings e({"école", "ελλάδα"}, 1, {1.0f, 2.0f});
  EXPECT_EQ(e.find("ÉCOLE"), 0);
  EXPECT_EQ(e.find("ΕΛΛΆΔΑ"), 1);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(EmbeddingsMeaningless, QueriesOnAZeroVectorOrOnWordsThatCancelSaySo) {
  const Embeddings e({"zero", "a", "b", "c"}, 2, {0, 0, 1, 0, 0, 1, 1, 1});
  const std::string zero = "the vector of 'zero' is all zeros: it has no direction, so no similarity to it means anything";
  EXPECT_EQ(error_of([&] { e.similarity("zero", "a"); }), zero);
  EXPECT_EQ(error_of([&] { e.most_similar({"zero"}, {}, 3); }), zero);
  EXPECT_EQ(error_of([&] { e.analogy("a", "zero", "b", AnalogyMethod::kAdd, 3); }), zero);
  EXPECT_EQ(error_of([&] { e.analogy("a", "zero", "b", AnalogyMethod::kMul, 3); }), zero);
  EXPECT_EQ(error_of([&] { e.doesnt_match({"zero", "a", "b"}); }), zero);
  const std::string cancel = "the query words cancel out (their vectors sum to zero): no neighbour means anything";
  EXPECT_EQ(error_of([&] { e.most_similar({"a"}, {"a"}, 3); }), cancel);
  EXPECT_EQ(error_of([&] { e.most_similar({"a", "b"}, {"b", "a"}, 3); }), cancel);
  EXPECT_EQ(e.most_similar({"a"}, {"b"}, 1).size(), 1u);
}

}  // namespace
}  // namespace embedlab
