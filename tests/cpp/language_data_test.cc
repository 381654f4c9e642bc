// What a language model trains on: the held-out split, next-word windows, the masked-word sentence
// pairs and their masking statistics, and the bigram baseline.
#include "core/language_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "test_support.h"

namespace embedlab {
namespace {

// Ids 0-4 are the special tokens, 5.. words.
SpecialTokens test_specials() {
  SpecialTokens s;
  s.cls = 0, s.sep = 1, s.mask = 2, s.pad = 3, s.end_of_text = 4;
  return s;
}

TokenSentences numbered_sentences(int count, int length, int first_word = 5) {
  TokenSentences sentences;
  int next = first_word;
  for (int s = 0; s < count; ++s) {
    std::vector<std::int32_t> sentence;
    for (int i = 0; i < length; ++i) sentence.push_back(next++);
    sentences.add(sentence);
  }
  return sentences;
}

TEST(LanguageData, FindsSpecialTokensByTheirText) {
  const Vocabulary vocabulary({"the", "[MASK]", "[CLS]", "[SEP]", "[PAD]", "<|endoftext|>"}, {5, 0, 0, 0, 0, 0});
  const SpecialTokens s = SpecialTokens::of(vocabulary);
  EXPECT_EQ(s.mask, 1);
  EXPECT_EQ(s.cls, 2);
  EXPECT_EQ(s.sep, 3);
  EXPECT_EQ(s.pad, 4);
  EXPECT_EQ(s.end_of_text, 5);
  EXPECT_TRUE(s.is_special(4));
  EXPECT_FALSE(s.is_special(0));
  const SpecialTokens none = SpecialTokens::of(Vocabulary({"the", "[MASK]"}, {1, 1}));
  EXPECT_TRUE(ContainsAll(error_of([&] { none.require_masked_word(); }), {"[CLS]", "[SEP]", "[PAD]"}));
  EXPECT_FALSE(Contains(error_of([&] { none.require_masked_word(); }), "[MASK]"));
}

TEST(LanguageData, HoldsOutTheLastTenthOfTheSentences) {
  const TokenSentences all = numbered_sentences(20, 3);
  const SplitSentences split = split_sentences(all);
  EXPECT_EQ(split.train.count(), 18u);
  EXPECT_EQ(split.validation.count(), 2u);
  EXPECT_EQ(split.validation.sentence(0)[0], 5 + 18 * 3);
  EXPECT_EQ(split.train.tokens.back(), 5 + 18 * 3 - 1);
  EXPECT_EQ(split_sentences(numbered_sentences(3, 2)).validation.count(), 1u) << "at least one";
  EXPECT_TRUE(Contains(error_of([] { split_sentences(numbered_sentences(1, 5)); }), "at least two lines"));
}

TEST(LanguageData, StreamsSentencesWithEndOfTextBetweenThem) {
  const TokenSentences s = numbered_sentences(3, 2);
  EXPECT_EQ(token_stream(s, 4), (std::vector<std::int32_t>{5, 6, 4, 7, 8, 4, 9, 10}));
  EXPECT_EQ(token_stream(s, -1), (std::vector<std::int32_t>{5, 6, 7, 8, 9, 10}));
}

TEST(LanguageData, NextWordRowsPredictTheFollowingToken) {
  std::vector<std::int32_t> stream;
  for (int i = 0; i < 100; ++i) stream.push_back(i);
  Rng rng(3);
  const TokenBatch batch = next_word_batch(stream, 16, 8, rng);
  ASSERT_EQ(batch.rows, 16);
  ASSERT_EQ(batch.length, 8);
  std::map<int, int> starts;
  for (int r = 0; r < 16; ++r) {
    const int start = batch.tokens[r * 8];
    ++starts[start];
    for (int i = 0; i < 8; ++i) {
      EXPECT_EQ(batch.tokens[r * 8 + i], start + i);
      EXPECT_EQ(batch.targets[r * 8 + i], start + i + 1);
    }
    EXPECT_LE(start + 8, 99);
  }
  EXPECT_GT(starts.size(), 10u) << "random windows";
  EXPECT_TRUE(batch.segments.empty());
  EXPECT_TRUE(ContainsAll(error_of([&] { next_word_batch(std::vector<std::int32_t>(8, 5), 1, 8, rng); }),
                          {"8 tokens", "context of 8", "at least 9 tokens"}));
}

TEST(LanguageData, TheParityBatchTilesTheStreamFromItsStart) {
  std::vector<std::int32_t> stream;
  for (int i = 0; i < 33; ++i) stream.push_back(i);
  const TokenBatch batch = parity_batch(stream, 4, 8);
  for (int i = 0; i < 32; ++i) {
    EXPECT_EQ(batch.tokens[i], i);
    EXPECT_EQ(batch.targets[i], i + 1);
  }
  EXPECT_TRUE(Contains(error_of([&] { parity_batch(stream, 5, 8); }), "needs 41 tokens"));
  const TokenBatch windows = next_word_windows(stream, 100, 8);
  EXPECT_EQ(windows.rows, 4);
  EXPECT_EQ(next_word_windows(stream, 100, 64).length, 32) << "short validation text: shorter rows";
}

TEST(LanguageData, MaskedWordRowsArePairsWithSegmentsAndPadding) {
  const SpecialTokens sp = test_specials();
  const TokenSentences sentences = numbered_sentences(2, 5);  // A = 5..9, B = 10..14
  Rng rng(1);
  const TokenBatch batch = masked_word_batch(sentences, 1, 16, 100, sp, rng);
  ASSERT_EQ(batch.length, 16);
  ASSERT_EQ(batch.segments.size(), 16u);
  EXPECT_EQ(batch.tokens[0], sp.cls);
  EXPECT_EQ(batch.tokens[6], sp.sep);
  EXPECT_EQ(batch.tokens[12], sp.sep);
  for (int i = 13; i < 16; ++i) {
    EXPECT_EQ(batch.tokens[i], sp.pad);
    EXPECT_EQ(batch.targets[i], -1);
    EXPECT_EQ(batch.segments[i], 0);
  }
  for (int i = 0; i < 13; ++i) EXPECT_EQ(batch.segments[i], i >= 7 ? 1 : 0) << i;
  int predicted = 0;
  for (int i = 0; i < 13; ++i) {
    const int original = i == 0 || i == 6 || i == 12 ? -1 : (i < 6 ? 4 + i : 3 + i);
    if (batch.targets[i] >= 0) {
      ++predicted;
      EXPECT_EQ(batch.targets[i], original) << "the target is the original token";
    } else if (original >= 0) {
      EXPECT_EQ(batch.tokens[i], original) << "tokens not chosen stay";
    }
  }
  EXPECT_EQ(predicted, 2) << "round(15% of 10)";
}

TEST(LanguageData, MaskedWordCutsTheLongerSentenceToFit) {
  TokenSentences sentences;
  sentences.add(std::vector<std::int32_t>(20, 7));
  sentences.add(std::vector<std::int32_t>(3, 8));
  Rng rng(1);
  const TokenBatch batch = masked_word_batch(sentences, 1, 12, 100, test_specials(), rng);
  // [CLS] 6 x A [SEP] 3 x B [SEP]
  EXPECT_EQ(batch.tokens[7], 1);
  EXPECT_EQ(batch.tokens[11], 1);
  EXPECT_EQ(batch.segments[8], 1);
}

TEST(LanguageData, MaskedWordChoosesFifteenPercentAndMasksEightyTenTen) {
  const SpecialTokens sp = test_specials();
  const TokenSentences sentences = numbered_sentences(50, 20);  // distinct ids: each token's origin is known
  Rng rng(9);
  std::int64_t candidates = 0, chosen = 0, masked = 0, random = 0, kept = 0;
  for (int b = 0; b < 200; ++b) {
    const TokenBatch batch = masked_word_batch(sentences, 8, 48, 2000, sp, rng);
    for (std::size_t i = 0; i < batch.tokens.size(); ++i) {
      const bool special = batch.targets[i] < 0 && sp.is_special(batch.tokens[i]);
      if (!special) ++candidates;
      if (batch.targets[i] < 0) continue;
      ++chosen;
      if (batch.tokens[i] == sp.mask) {
        ++masked;
      } else if (batch.tokens[i] == batch.targets[i]) {
        ++kept;
      } else {
        ++random;
        EXPECT_FALSE(sp.is_special(batch.tokens[i])) << "random replacements are words";
      }
    }
  }
  EXPECT_EQ(candidates, 200 * 8 * 40);
  EXPECT_EQ(chosen, 200 * 8 * 6);  // 15% of 40
  EXPECT_NEAR(static_cast<double>(masked) / chosen, 0.8, 0.02);
  EXPECT_NEAR(static_cast<double>(random) / chosen, 0.1, 0.015);
  EXPECT_NEAR(static_cast<double>(kept) / chosen, 0.1, 0.015);
}

TEST(LanguageData, MaskedWordNeedsTheSpecialTokens) {
  SpecialTokens none;
  Rng rng(1);
  EXPECT_TRUE(Contains(error_of([&] { masked_word_batch(numbered_sentences(3, 3), 1, 16, 50, none, rng); }),
                       "needs the special tokens"));
}

TEST(LanguageData, TheBigramBaselineLearnsPairsAndTheUnigramEntropyCountsTokens) {
  // A deterministic cycle 0 1 2 3 0 1 2 3 ...: a bigram predicts it almost perfectly.
  std::vector<std::int32_t> train, validation;
  for (int i = 0; i < 4000; ++i) train.push_back(i % 4);
  for (int i = 0; i < 400; ++i) validation.push_back(i % 4);
  double k = 0.0;
  const double bigram = bigram_cross_entropy(train, validation, 4, &k);
  EXPECT_LT(bigram, 0.01);
  EXPECT_DOUBLE_EQ(k, 0.001) << "the least smoothing fits a deterministic text best";
  EXPECT_NEAR(unigram_entropy(train, 4), std::log(4.0), 1e-12);
  // Independent uniform tokens: the bigram is no better than log V.
  Rng rng(5);
  train.clear();
  validation.clear();
  for (int i = 0; i < 20000; ++i) train.push_back(static_cast<std::int32_t>(rng.below(8)));
  for (int i = 0; i < 2000; ++i) validation.push_back(static_cast<std::int32_t>(rng.below(8)));
  EXPECT_NEAR(bigram_cross_entropy(train, validation, 8), std::log(8.0), 0.05);
}

}  // namespace
}  // namespace embedlab
