// Negative sampling's alias table and hierarchical softmax's Huffman tree: the distributions and
// codes word2vec relies on, checked against their definitions.
#include "core/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/corpus.h"
#include "core/matrix.h"
#include "core/random.h"
#include "test_support.h"

namespace embedlab {
namespace {

std::vector<double> unigram_power(const std::vector<std::int64_t>& counts, double power) {
  std::vector<double> p(counts.size());
  double total = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) total += p[i] = std::pow(static_cast<double>(counts[i]), power);
  for (double& x : p) x /= total;
  return p;
}

// Pearson's chi-square statistic of `draws` samples against the expected distribution.
double chi_square(const NegativeSampler& sampler, const std::vector<double>& expected, int draws, std::uint64_t seed) {
  std::vector<long long> observed(expected.size(), 0);
  Rng rng(seed);
  for (int i = 0; i < draws; ++i) {
    const std::int32_t id = sampler.sample(rng);
    EXPECT_GE(id, 0);
    EXPECT_LT(id, static_cast<std::int32_t>(expected.size()));
    if (id < 0 || id >= static_cast<std::int32_t>(expected.size())) return 1e30;
    ++observed[id];
  }
  double chi2 = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i] * draws;
    chi2 += (static_cast<double>(observed[i]) - e) * (static_cast<double>(observed[i]) - e) / e;
  }
  return chi2;
}

TEST(NegativeSampler, DrawsWordsInProportionToCountToThePowerThreeQuarters) {
  const std::vector<std::int64_t> counts = {1000, 100, 10, 1};
  const NegativeSampler sampler(counts);
  const auto expected = unigram_power(counts, 0.75);
  // 3 degrees of freedom: P(chi2 > 30) is about 1e-6, while a sampler drawing in proportion to
  // the raw counts (or uniformly) scores in the thousands.
  EXPECT_LT(chi_square(sampler, expected, 1000000, 42), 30.0);
}

TEST(NegativeSampler, MatchesTheDistributionOnAZipfVocabulary) {
  std::vector<std::int64_t> counts;
  for (int r = 1; r <= 50; ++r) counts.push_back(100000 / r);
  const NegativeSampler sampler(counts);
  // 49 degrees of freedom: P(chi2 > 110) is below 1e-6.
  EXPECT_LT(chi_square(sampler, unigram_power(counts, 0.75), 1000000, 7), 110.0);
}

TEST(NegativeSampler, HonoursTheRequestedPower) {
  const std::vector<std::int64_t> counts = {600, 300, 100};
  const NegativeSampler sampler(counts, 1.0);
  EXPECT_NEAR(sampler.probability(0), 0.6, 1e-12);
  EXPECT_NEAR(sampler.probability(1), 0.3, 1e-12);
  EXPECT_NEAR(sampler.probability(2), 0.1, 1e-12);
  EXPECT_LT(chi_square(sampler, {0.6, 0.3, 0.1}, 300000, 3), 30.0);
}

TEST(NegativeSampler, ProbabilityMatchesTheDefinitionAndSumsToOne) {
  const std::vector<std::int64_t> counts = {1000, 100, 10, 1};
  const NegativeSampler sampler(counts);
  const auto expected = unigram_power(counts, 0.75);
  double sum = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_NEAR(sampler.probability(static_cast<std::int32_t>(i)), expected[i], 1e-12) << "id " << i;
    sum += sampler.probability(static_cast<std::int32_t>(i));
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(sampler.probability(0), 0.8229951, 1e-6);  // 1000^0.75 / (1000^0.75 + 100^0.75 + 10^0.75 + 1)
  EXPECT_NEAR(sampler.probability(3), 0.0046280, 1e-6);
}

TEST(NegativeSampler, SingleWordVocabularyAlwaysDrawsThatWord) {
  const NegativeSampler sampler({7});
  EXPECT_DOUBLE_EQ(sampler.probability(0), 1.0);
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sampler.sample(rng), 0);
}

TEST(NegativeSampler, RejectsAnEmptyVocabulary) {
  EXPECT_THROW(NegativeSampler(std::vector<std::int64_t>{}), Error);
}

// ---- Huffman tree -------------------------------------------------------------------------------

std::vector<std::int64_t> zipf_counts(int n) {
  std::vector<std::int64_t> counts;
  for (int r = 1; r <= n; ++r) counts.push_back(std::max<std::int64_t>(1, 1000000 / r));
  return counts;
}

std::string code_of(const HuffmanTree& tree, std::size_t w) {
  std::string code;
  for (auto i = tree.offsets[w]; i < tree.offsets[w + 1]; ++i) code += tree.codes[i] ? '1' : '0';
  return code;
}

std::size_t path_length(const HuffmanTree& tree, std::size_t w) {
  return static_cast<std::size_t>(tree.offsets[w + 1] - tree.offsets[w]);
}

void expect_valid_tree(const std::vector<std::int64_t>& counts) {
  SCOPED_TRACE("vocabulary of " + std::to_string(counts.size()) + " words");
  const HuffmanTree tree(counts);
  const std::size_t n = counts.size();
  ASSERT_EQ(tree.offsets.size(), n + 1);
  EXPECT_EQ(tree.offsets[0], 0);
  EXPECT_EQ(static_cast<std::size_t>(tree.offsets[n]), tree.nodes.size());
  ASSERT_EQ(tree.nodes.size(), tree.codes.size());

  double kraft = 0.0;
  std::map<std::string, std::int32_t> node_at_prefix;  // the node reached after a code prefix
  std::vector<std::string> codes(n);
  for (std::size_t w = 0; w < n; ++w) {
    ASSERT_GT(path_length(tree, w), 0u) << "word " << w << " has an empty path";
    codes[w] = code_of(tree, w);
    kraft += std::ldexp(1.0, -static_cast<int>(codes[w].size()));
    for (auto i = tree.offsets[w]; i < tree.offsets[w + 1]; ++i) {
      const std::int32_t node = tree.nodes[i];
      EXPECT_GE(node, 0) << "word " << w;
      EXPECT_LE(node, static_cast<std::int32_t>(n) - 2) << "word " << w;
      EXPECT_LE(tree.codes[i], 1) << "word " << w;
      // Words sharing a code prefix walk through the same inner nodes.
      const std::string prefix = codes[w].substr(0, static_cast<std::size_t>(i - tree.offsets[w]));
      const auto [it, inserted] = node_at_prefix.emplace(prefix, node);
      EXPECT_EQ(it->second, node) << "code prefix '" << prefix << "' leads to two nodes";
    }
    // The root comes first: the last inner node made.
    EXPECT_EQ(tree.nodes[tree.offsets[w]], static_cast<std::int32_t>(n) - 2) << "word " << w;
  }
  // A full binary tree's leaves satisfy Kraft's equality.
  EXPECT_NEAR(kraft, 1.0, 1e-9);
  // Inner nodes: n - 1 of them, all used.
  EXPECT_EQ(node_at_prefix.size(), n - 1);

  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      EXPECT_NE(codes[b].compare(0, codes[a].size(), codes[a]), 0)
          << "code of word " << a << " (" << codes[a] << ") is a prefix of word " << b << "'s (" << codes[b] << ")";
      if (counts[a] > counts[b]) {
        EXPECT_LE(codes[a].size(), codes[b].size())
            << "word " << a << " (count " << counts[a] << ") has a longer path than word " << b << " (count "
            << counts[b] << ")";
      }
    }
  }
}

TEST(HuffmanTree, SmallVocabularyHasAValidPrefixFreeCode) { expect_valid_tree({50, 30, 20, 10, 5, 3, 2, 1}); }

TEST(HuffmanTree, ZipfVocabularyHasAValidPrefixFreeCode) { expect_valid_tree(zipf_counts(300)); }

TEST(HuffmanTree, EqualCountsGiveABalancedTree) {
  expect_valid_tree(std::vector<std::int64_t>(16, 10));
  const HuffmanTree tree(std::vector<std::int64_t>(16, 10));
  for (std::size_t w = 0; w < 16; ++w) EXPECT_EQ(path_length(tree, w), 4u) << "word " << w;
}

// Equal counts are merged in gensim 4.2's order (its _build_heap: Python's heapq ordered by count
// alone), so hierarchical softmax trains the tree gensim trains. The expected codes and inner nodes
// were produced once with gensim 4.2.0 (Debian python3-gensim) by setting these counts on a
// KeyedVectors and calling gensim.models.word2vec._assign_binary_codes, then printing each word's
// `code` and `point`.
void expect_gensim_codes(const std::vector<std::int64_t>& counts, const std::vector<std::string>& codes,
                         const std::vector<std::vector<std::int32_t>>& points) {
  const HuffmanTree tree(counts);
  for (std::size_t w = 0; w < counts.size(); ++w) {
    EXPECT_EQ(code_of(tree, w), codes[w]) << "word " << w;
    const std::vector<std::int32_t> nodes(tree.nodes.begin() + tree.offsets[w], tree.nodes.begin() + tree.offsets[w + 1]);
    EXPECT_EQ(nodes, points[w]) << "word " << w;
  }
}

TEST(HuffmanTree, TiesAreBrokenAsGensimBreaksThem) {
  expect_gensim_codes({9, 5, 5, 5, 3, 3, 2, 2, 2, 2, 1, 1},
                      {"01", "110", "001", "101", "1110", "1001", "0000", "1000", "11111", "0001", "111101", "111100"},
                      {{10, 8},
                       {10, 9, 7},
                       {10, 8, 5},
                       {10, 9, 6},
                       {10, 9, 7, 4},
                       {10, 9, 6, 3},
                       {10, 8, 5, 1},
                       {10, 9, 6, 3},
                       {10, 9, 7, 4, 2},
                       {10, 8, 5, 1},
                       {10, 9, 7, 4, 2, 0},
                       {10, 9, 7, 4, 2, 0}});
  expect_gensim_codes({4, 4, 4, 4, 4, 4, 4}, {"101", "00", "011", "111", "110", "100", "010"},
                      {{5, 4, 1}, {5, 3}, {5, 3, 0}, {5, 4, 2}, {5, 4, 2}, {5, 4, 1}, {5, 3, 0}});
}

TEST(HuffmanTree, FrequentWordsGetShortPaths) {
  const auto counts = zipf_counts(1000);
  const HuffmanTree tree(counts);
  EXPECT_LE(path_length(tree, 0), 4u);
  EXPECT_GE(path_length(tree, 999), 10u);
  for (std::size_t w = 1; w < counts.size(); ++w) {
    if (counts[w - 1] > counts[w]) {
      ASSERT_LE(path_length(tree, w - 1), path_length(tree, w)) << "word " << w;
    }
  }
}

TEST(HuffmanTree, TwoWordsGetOneDecisionEach) {
  expect_valid_tree({5, 3});
  const HuffmanTree tree({5, 3});
  EXPECT_EQ(tree.nodes, (std::vector<std::int32_t>{0, 0}));
  EXPECT_NE(tree.codes[0], tree.codes[1]);
}

TEST(HuffmanTree, SingleWordVocabularyStillHasAPath) {
  const HuffmanTree tree({42});
  ASSERT_EQ(tree.offsets.size(), 2u);
  EXPECT_EQ(tree.offsets[0], 0);
  EXPECT_EQ(tree.offsets[1], 1);
  ASSERT_EQ(tree.nodes.size(), 1u);
  EXPECT_EQ(tree.nodes[0], 0);
}

// ---- the losses themselves ---------------------------------------------------------------------

// Repeated updates towards one target must lower that target's loss, for both output layers.
void expect_loss_decreases(LossKind kind, const Vocabulary& vocabulary) {
  const std::size_t dim = 8;
  Matrix output(vocabulary.size(), dim);
  auto loss = make_loss(kind, vocabulary, output, 3);
  std::vector<float> hidden = {0.3f, -0.2f, 0.1f, 0.4f, -0.1f, 0.2f, -0.3f, 0.05f};
  std::vector<float> grad(dim);
  Rng rng(5);
  float first = 0.0f, last = 0.0f;
  for (int step = 0; step < 200; ++step) {
    std::fill(grad.begin(), grad.end(), 0.0f);
    const float value = loss->update(hidden.data(), 1, 0.1f, grad.data(), rng);
    ASSERT_TRUE(std::isfinite(value));
    ASSERT_GE(value, 0.0f);
    if (step == 0) first = value;
    last = value;
    for (std::size_t i = 0; i < dim; ++i) hidden[i] += grad[i];
  }
  EXPECT_LT(last, 0.5f * first) << "first loss " << first << ", last " << last;
}

TEST(Loss, NegativeSamplingLearnsATarget) {
  expect_loss_decreases(LossKind::kNegativeSampling, Vocabulary({"a", "b", "c", "d", "e"}, {50, 40, 30, 20, 10}));
}

TEST(Loss, HierarchicalSoftmaxLearnsATarget) {
  expect_loss_decreases(LossKind::kHierarchicalSoftmax, Vocabulary({"a", "b", "c", "d", "e"}, {50, 40, 30, 20, 10}));
}

TEST(Loss, SingleWordVocabularyWorksWithBothLosses) {
  const Vocabulary vocabulary({"only"}, {9});
  for (LossKind kind : {LossKind::kNegativeSampling, LossKind::kHierarchicalSoftmax}) {
    Matrix output(1, 4);
    auto loss = make_loss(kind, vocabulary, output, 5);
    std::vector<float> hidden = {0.1f, 0.2f, 0.3f, 0.4f}, grad(4, 0.0f);
    Rng rng(1);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(std::isfinite(loss->update(hidden.data(), 0, 0.05f, grad.data(), rng)));
    for (float g : grad) EXPECT_TRUE(std::isfinite(g));
  }
}

// The output matrix belongs to the caller (the model): updates land in it, and only in the rows
// the loss scores.
TEST(Loss, TrainsTheOutputMatrixItIsGiven) {
  const Vocabulary vocabulary({"a", "b", "c", "d"}, {40, 30, 20, 10});
  const std::vector<float> hidden = {0.5f, -0.25f, 0.125f};
  for (LossKind kind : {LossKind::kNegativeSampling, LossKind::kHierarchicalSoftmax}) {
    Matrix output(vocabulary.size(), 3);
    auto loss = make_loss(kind, vocabulary, output, 2);
    std::vector<float> grad(3, 0.0f);
    Rng rng(3);
    // With a zero output matrix the first step's score is 0.5 whatever the row: the target row moves.
    loss->update(hidden.data(), 2, 0.1f, grad.data(), rng);
    EXPECT_NE(output, Matrix(vocabulary.size(), 3)) << "the update did not reach the given matrix";
    EXPECT_GT(loss->work(2), 0);
    if (kind == LossKind::kHierarchicalSoftmax) {
      // Three inner nodes for four words: the last row is never used.
      for (int step = 0; step < 20; ++step) {
        for (std::int32_t target = 0; target < 4; ++target) loss->update(hidden.data(), target, 0.1f, grad.data(), rng);
      }
      for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(output(3, c), 0.0f);
    } else {
      EXPECT_EQ(loss->work(2), 3 * 3) << "the target and two negatives, three floats each";
    }
  }
}

TEST(Loss, RefusesAnOutputMatrixWithTooFewRows) {
  const Vocabulary vocabulary({"a", "b", "c"}, {3, 2, 1});
  Matrix small(2, 4);
  for (LossKind kind : {LossKind::kNegativeSampling, LossKind::kHierarchicalSoftmax}) {
    EXPECT_TRUE(ContainsAll(error_of([&] { make_loss(kind, vocabulary, small, 5); }), {"2 x 4", "3 words"}));
  }
}

}  // namespace
}  // namespace embedlab
