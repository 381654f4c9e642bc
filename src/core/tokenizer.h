// Tokenizers turn text into the token ids a model was trained on, and back. A model keeps the
// tokenizer that built its vocabulary, so a query is split and normalised exactly as the training
// text was. The word tokenizer (text.h's tokenize_line) splits at whitespace; the byte-level BPE
// (bpe.h) learns subword tokens from bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/corpus.h"
#include "core/text.h"

namespace embedlab {

// One byte-pair merge: tokens `left` and `right`, side by side, become one new token. `count` is how
// often the pair occurred in the training text when it was merged (0 when unknown, as for GPT-2's).
struct TokenMerge {
  std::int32_t left = 0;
  std::int32_t right = 0;
  std::int64_t count = 0;
  bool operator==(const TokenMerge& o) const { return left == o.left && right == o.right && count == o.count; }
};

// Ordered name -> value strings: tokenizer settings and model options as they are saved, so a
// file format never depends on a C++ struct.
using Settings = std::vector<std::pair<std::string, std::string>>;

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Names the implementation in model files ("word").
  virtual std::string kind() const = 0;
  // What is needed, besides the vocabulary, to rebuild this tokenizer (see make_tokenizer).
  virtual Settings settings() const = 0;
  // The tokens, id = position, with their counts in the training text.
  virtual const Vocabulary& vocabulary() const = 0;
  // The merges that built the vocabulary, in order (a byte-pair tokenizer's; none for words).
  virtual const std::vector<TokenMerge>& merges() const;
  // Appends the ids of `text`'s tokens to `ids` (cleared first); tokens not in the vocabulary are
  // skipped. Throws Error on input the tokenizer refuses (a NUL byte; invalid UTF-8 in reject mode).
  virtual void encode(std::string_view text, std::vector<std::int32_t>& ids) const = 0;
  // The text of token ids (words joined by spaces). Throws Error on an id outside the vocabulary.
  virtual std::string decode(const std::vector<std::int32_t>& ids) const = 0;
  // Id of one query word as this tokenizer would have produced it from text ("King" is "king"
  // when it lowercases), or -1 when it is not a single known token.
  virtual std::int32_t find(std::string_view word) const = 0;
};

// Splits lines at whitespace, lowercases and strips punctuation as configured (text.h).
class WordTokenizer final : public Tokenizer {
 public:
  static constexpr const char* kKind = "word";
  WordTokenizer(const TokenizerOptions& options, Vocabulary vocabulary);

  const TokenizerOptions& options() const { return options_; }
  std::string kind() const override { return kKind; }
  Settings settings() const override;
  const Vocabulary& vocabulary() const override { return vocabulary_; }
  void encode(std::string_view text, std::vector<std::int32_t>& ids) const override;
  std::string decode(const std::vector<std::int32_t>& ids) const override;
  std::int32_t find(std::string_view word) const override;

 private:
  TokenizerOptions options_;
  Vocabulary vocabulary_;
};

// Rebuilds a saved tokenizer from its kind, settings, vocabulary and merges, checking all of them;
// throws Error naming an unknown kind, a missing, unknown or malformed setting, a bad vocabulary
// entry or a merge that does not fit the vocabulary.
std::shared_ptr<const Tokenizer> make_tokenizer(const std::string& kind, const Settings& settings,
                                                Vocabulary vocabulary, std::vector<TokenMerge> merges = {});

// `corpus` re-expressed in `tokenizer`'s ids: each of its words is looked up through the tokenizer
// (find), words it does not know are dropped, and so are sentences left empty. The result's
// vocabulary is the tokenizer's. For training a model further on new text.
Corpus map_corpus(const Corpus& corpus, const Tokenizer& tokenizer);

}  // namespace embedlab
