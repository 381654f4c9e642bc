#include "core/language_data.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.h"

namespace embedlab {

SpecialTokens SpecialTokens::of(const Vocabulary& vocabulary) {
  SpecialTokens s;
  s.cls = vocabulary.find(kCls);
  s.sep = vocabulary.find(kSep);
  s.mask = vocabulary.find(kMask);
  s.pad = vocabulary.find(kPad);
  s.end_of_text = vocabulary.find(kEndOfText);
  return s;
}

void SpecialTokens::require_masked_word() const {
  std::string missing;
  const auto need = [&](std::int32_t id, const char* name) {
    if (id < 0) missing += (missing.empty() ? "" : " ") + std::string(name);
  };
  need(cls, kCls);
  need(sep, kSep);
  need(mask, kMask);
  need(pad, kPad);
  if (!missing.empty()) {
    throw Error("masked-word training needs the special tokens " + missing +
                " in the tokenizer's vocabulary (a BPE tokenizer has them)");
  }
}

void TokenSentences::add(const std::vector<std::int32_t>& sentence) {
  if (sentence.empty()) return;
  tokens.insert(tokens.end(), sentence.begin(), sentence.end());
  offsets.push_back(static_cast<std::int64_t>(tokens.size()));
}

namespace {

void append_range(TokenSentences& to, const TokenSentences& from, std::size_t begin, std::size_t end) {
  for (std::size_t s = begin; s < end; ++s) {
    to.tokens.insert(to.tokens.end(), from.sentence(s), from.sentence(s) + from.length(s));
    to.offsets.push_back(static_cast<std::int64_t>(to.tokens.size()));
  }
}

std::string tokens_text(std::size_t n) { return with_commas(static_cast<long long>(n)) + (n == 1 ? " token" : " tokens"); }

}  // namespace

SplitSentences split_sentences(const TokenSentences& all, double validation_fraction) {
  if (all.count() < 2) {
    throw Error("the text has " + std::to_string(all.count()) +
                " sentence(s); a language model needs at least two lines (training and validation)");
  }
  const auto held_out = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(static_cast<double>(all.count()) * validation_fraction)), 1, all.count() - 1);
  SplitSentences split;
  append_range(split.train, all, 0, all.count() - held_out);
  append_range(split.validation, all, all.count() - held_out, all.count());
  return split;
}

std::vector<std::int32_t> token_stream(const TokenSentences& sentences, std::int32_t separator) {
  std::vector<std::int32_t> stream;
  stream.reserve(sentences.tokens.size() + sentences.count());
  for (std::size_t s = 0; s < sentences.count(); ++s) {
    if (s > 0 && separator >= 0) stream.push_back(separator);
    stream.insert(stream.end(), sentences.sentence(s), sentences.sentence(s) + sentences.length(s));
  }
  return stream;
}

namespace {

// Row `row` of `batch` = stream[start, start + length) with targets one token later.
void copy_window(TokenBatch& batch, int row, const std::vector<std::int32_t>& stream, std::size_t start) {
  const auto length = static_cast<std::size_t>(batch.length);
  const std::size_t at = static_cast<std::size_t>(row) * length;
  std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(start), length, batch.tokens.begin() + static_cast<std::ptrdiff_t>(at));
  std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(start + 1), length,
              batch.targets.begin() + static_cast<std::ptrdiff_t>(at));
}

TokenBatch empty_batch(int rows, int length) {
  TokenBatch batch;
  batch.rows = rows;
  batch.length = length;
  batch.tokens.assign(static_cast<std::size_t>(rows) * length, 0);
  batch.targets.assign(batch.tokens.size(), -1);
  return batch;
}

}  // namespace

TokenBatch next_word_batch(const std::vector<std::int32_t>& stream, int rows, int context, Rng& rng) {
  const auto needed = static_cast<std::size_t>(context) + 1;
  if (stream.size() < needed) {
    throw Error("the training text has " + tokens_text(stream.size()) + "; a context of " + std::to_string(context) +
                " needs at least " + tokens_text(needed));
  }
  TokenBatch batch = empty_batch(rows, context);
  const auto starts = static_cast<std::uint32_t>(stream.size() - needed + 1);
  for (int r = 0; r < rows; ++r) copy_window(batch, r, stream, rng.below(starts));
  return batch;
}

TokenBatch parity_batch(const std::vector<std::int32_t>& stream, int rows, int context) {
  const std::size_t needed = static_cast<std::size_t>(rows) * context + 1;
  if (stream.size() < needed) {
    throw Error("the parity batch (" + std::to_string(rows) + " x " + std::to_string(context) + ") needs " +
                tokens_text(needed) + " of training text, got " + with_commas(static_cast<long long>(stream.size())));
  }
  TokenBatch batch = empty_batch(rows, context);
  for (int r = 0; r < rows; ++r) copy_window(batch, r, stream, static_cast<std::size_t>(r) * context);
  return batch;
}

TokenBatch next_word_windows(const std::vector<std::int32_t>& stream, int max_rows, int context) {
  if (stream.size() < 2) throw Error("the validation text has " + tokens_text(stream.size()) + "; it needs at least 2");
  const int length = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(context), stream.size() - 1));
  const int rows = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(max_rows), (stream.size() - 1) / length));
  TokenBatch batch = empty_batch(rows, length);
  for (int r = 0; r < rows; ++r) copy_window(batch, r, stream, static_cast<std::size_t>(r) * length);
  return batch;
}

TokenBatch masked_word_batch(const TokenSentences& sentences, int rows, int context, int vocabulary_size,
                             const SpecialTokens& special, Rng& rng) {
  special.require_masked_word();
  if (sentences.count() < 2) throw Error("masked-word training needs at least two sentences (a sentence pair)");
  if (context < 5) throw Error("masked-word training needs a context of at least 5 tokens, got " + std::to_string(context));
  TokenBatch batch = empty_batch(rows, context);
  std::fill(batch.tokens.begin(), batch.tokens.end(), special.pad);
  batch.segments.assign(batch.tokens.size(), 0);
  std::vector<int> candidates;
  for (int r = 0; r < rows; ++r) {
    const std::size_t a = rng.below(static_cast<std::uint32_t>(sentences.count() - 1));
    std::size_t length_a = sentences.length(a), length_b = sentences.length(a + 1);
    while (length_a + length_b + 3 > static_cast<std::size_t>(context)) (length_a >= length_b ? length_a : length_b)--;
    std::int32_t* tokens = batch.tokens.data() + static_cast<std::size_t>(r) * context;
    std::int32_t* segments = batch.segments.data() + static_cast<std::size_t>(r) * context;
    std::int32_t* targets = batch.targets.data() + static_cast<std::size_t>(r) * context;
    // [CLS] A [SEP] B [SEP]
    std::size_t at = 0;
    candidates.clear();
    tokens[at++] = special.cls;
    for (std::size_t i = 0; i < length_a; ++i) candidates.push_back(static_cast<int>(at)), tokens[at++] = sentences.sentence(a)[i];
    tokens[at++] = special.sep;
    for (std::size_t i = 0; i < length_b; ++i) {
      segments[at] = 1;
      candidates.push_back(static_cast<int>(at));
      tokens[at++] = sentences.sentence(a + 1)[i];
    }
    segments[at] = 1;
    tokens[at++] = special.sep;
    // Special tokens inside the sentences themselves are never chosen.
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(), [&](int i) { return special.is_special(tokens[i]); }),
                     candidates.end());
    if (candidates.empty()) continue;
    const auto chosen = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.15 * static_cast<double>(candidates.size()))));
    for (std::size_t c = 0; c < chosen; ++c) {  // a partial Fisher-Yates shuffle picks them
      std::swap(candidates[c], candidates[c + rng.below(static_cast<std::uint32_t>(candidates.size() - c))]);
      const int i = candidates[c];
      targets[i] = tokens[i];
      const float u = rng.uniform();
      if (u < 0.8f) {
        tokens[i] = special.mask;
      } else if (u < 0.9f) {
        std::int32_t random;
        do {
          random = static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(vocabulary_size)));
        } while (special.is_special(random));
        tokens[i] = random;
      }
    }
  }
  return batch;
}

std::int32_t most_frequent_token(const std::vector<std::int32_t>& tokens, int vocabulary_size, const SpecialTokens& special) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(vocabulary_size), 0);
  for (std::int32_t t : tokens) {
    if (!special.is_special(t)) ++counts[static_cast<std::size_t>(t)];
  }
  return static_cast<std::int32_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

double accuracy_of_guessing(const TokenBatch& batch, std::int32_t token) {
  std::int64_t predicted = 0, right = 0;
  for (std::int32_t t : batch.targets) {
    if (t < 0) continue;
    ++predicted;
    if (t == token) ++right;
  }
  return predicted > 0 ? static_cast<double>(right) / static_cast<double>(predicted) : 0.0;
}

double bigram_cross_entropy(const std::vector<std::int32_t>& train, const std::vector<std::int32_t>& validation,
                            int vocabulary_size, double* best_k) {
  if (train.size() < 2 || validation.size() < 2) throw Error("the bigram baseline needs at least two tokens of each split");
  std::unordered_map<std::uint64_t, std::int64_t> pairs;
  std::vector<std::int64_t> firsts(static_cast<std::size_t>(vocabulary_size), 0);
  const auto key = [](std::int32_t a, std::int32_t b) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
  };
  for (std::size_t i = 0; i + 1 < train.size(); ++i) {
    ++pairs[key(train[i], train[i + 1])];
    ++firsts[static_cast<std::size_t>(train[i])];
  }
  double best = 0.0;
  for (double k : {1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001}) {
    double sum = 0.0;
    for (std::size_t i = 0; i + 1 < validation.size(); ++i) {
      const auto it = pairs.find(key(validation[i], validation[i + 1]));
      const double count = it == pairs.end() ? 0.0 : static_cast<double>(it->second);
      const double total = static_cast<double>(firsts[static_cast<std::size_t>(validation[i])]);
      sum -= std::log((count + k) / (total + k * vocabulary_size));
    }
    const double mean = sum / static_cast<double>(validation.size() - 1);
    if (best == 0.0 || mean < best) {
      best = mean;
      if (best_k != nullptr) *best_k = k;
    }
  }
  return best;
}

double unigram_entropy(const std::vector<std::int32_t>& tokens, int vocabulary_size) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(vocabulary_size), 0);
  for (std::int32_t t : tokens) ++counts[static_cast<std::size_t>(t)];
  double entropy = 0.0;
  for (std::int64_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / static_cast<double>(tokens.size());
    entropy -= p * std::log(p);
  }
  return entropy;
}

}  // namespace embedlab
