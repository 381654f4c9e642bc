// What a language model trains on: a corpus's token ids split into training and validation
// sentences, and the batches drawn from them. Next-word (GPT) batches are random windows of the
// token stream; masked-word (BERT) batches are sentence pairs [CLS] A [SEP] B [SEP] with segment
// ids and 15% of the tokens chosen for prediction. Also the count-based bigram baseline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/corpus.h"
#include "core/random.h"
#include "core/transformer.h"

namespace embedlab {

// The ids of the special tokens in a vocabulary (-1 when absent), looked up by their exact text.
struct SpecialTokens {
  static constexpr const char* kCls = "[CLS]";
  static constexpr const char* kSep = "[SEP]";
  static constexpr const char* kMask = "[MASK]";
  static constexpr const char* kPad = "[PAD]";
  static constexpr const char* kEndOfText = "<|endoftext|>";

  std::int32_t cls = -1, sep = -1, mask = -1, pad = -1, end_of_text = -1;

  static SpecialTokens of(const Vocabulary& vocabulary);
  bool is_special(std::int32_t id) const { return id == cls || id == sep || id == mask || id == pad || id == end_of_text; }
  // Throws Error naming the missing tokens when masked-word training cannot use this vocabulary.
  void require_masked_word() const;
};

// Sentences of token ids: sentence s is tokens[offsets[s], offsets[s + 1]).
struct TokenSentences {
  std::vector<std::int32_t> tokens;
  std::vector<std::int64_t> offsets{0};

  std::size_t count() const { return offsets.size() - 1; }
  std::size_t length(std::size_t s) const { return static_cast<std::size_t>(offsets[s + 1] - offsets[s]); }
  const std::int32_t* sentence(std::size_t s) const { return tokens.data() + offsets[s]; }
  void add(const std::vector<std::int32_t>& sentence);
};

// The held-out split: the last `validation_fraction` of the sentences (at least one) validate, the
// rest train. Deterministic. Throws Error when there are fewer than two sentences.
struct SplitSentences {
  TokenSentences train;
  TokenSentences validation;
};
SplitSentences split_sentences(const TokenSentences& all, double validation_fraction = 0.1);

// The sentences one after another, with `separator` between them when it is >= 0 (end of text).
std::vector<std::int32_t> token_stream(const TokenSentences& sentences, std::int32_t separator);

// Next-word batch: `rows` windows of `context` + 1 tokens starting at random places in `stream`;
// each row's inputs are the first `context`, its targets the last `context`. Throws Error when the
// stream is shorter than context + 1 tokens.
TokenBatch next_word_batch(const std::vector<std::int32_t>& stream, int rows, int context, Rng& rng);
// The parity batch of docs/transformer.md: row b is stream[b·context, (b+1)·context) with targets one
// token later. Throws Error when the stream is shorter than rows·context + 1 tokens.
TokenBatch parity_batch(const std::vector<std::int32_t>& stream, int rows, int context);
// Up to `max_rows` consecutive non-overlapping windows of `stream` (length min(context, size - 1)):
// the fixed validation batch of next-word training.
TokenBatch next_word_windows(const std::vector<std::int32_t>& stream, int max_rows, int context);

// Masked-word batch: each row a random sentence A of `sentences` followed by the next one, B,
// laid out [CLS] A [SEP] B [SEP] (segment 0 up to the first [SEP], 1 after) in `context`
// tokens (the longer sentence is cut first when they do not fit), then [PAD]s (segment 0, never
// predicted). Of the non-special tokens, round(15%) (at least one) are chosen and predicted:
// 80% become [MASK], 10% a random non-special token, 10% stay. Needs two sentences and the
// special tokens; throws Error otherwise.
TokenBatch masked_word_batch(const TokenSentences& sentences, int rows, int context, int vocabulary_size,
                             const SpecialTokens& special, Rng& rng);

// The most frequent non-special token of `tokens`, and the share of `batch`'s targets it is: the
// accuracy of always guessing it, the baseline of masked-word accuracy.
std::int32_t most_frequent_token(const std::vector<std::int32_t>& tokens, int vocabulary_size, const SpecialTokens& special);
double accuracy_of_guessing(const TokenBatch& batch, std::int32_t token);

// Mean cross-entropy (nats per token) on `validation` of a bigram model counted on `train` and
// smoothed by adding k to every count, with the best of k = 1, 0.3, ... 0.001 (an optimistic
// baseline). `*best_k` receives that k when non-null.
double bigram_cross_entropy(const std::vector<std::int32_t>& train, const std::vector<std::int32_t>& validation,
                            int vocabulary_size, double* best_k = nullptr);
// Entropy (nats) of the unigram distribution of `tokens`: what a model ignoring context achieves.
double unigram_entropy(const std::vector<std::int32_t>& tokens, int vocabulary_size);

}  // namespace embedlab
