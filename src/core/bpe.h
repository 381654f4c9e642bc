// A byte-level byte-pair-encoding tokenizer (GPT-2's kind). Text is cut into pieces by GPT-2's
// pre-tokenizer (pretokenizer.h), each piece is spelt in bytes (256 base tokens), and merges join
// adjacent tokens, in the order they were learnt, never across a piece's edge. Every byte string
// encodes and decodes back exactly: invalid UTF-8 and NUL bytes too, since every byte has a token.
//
// Token ids: the 256 byte tokens first (a trained tokenizer: id = byte value; GPT-2: its own
// order), then one token per merge (merge i makes id 256 + i), then the special tokens, always
// these five in this order: <|endoftext|> [CLS] [SEP] [MASK] [PAD]. GPT-2's <|endoftext|> is so
// 50256 as in GPT-2; text contains special tokens only when encode is asked to look for them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizer.h"

namespace embedlab {

struct BpeEncodeOptions {
  // Recognise the special tokens' text ("[MASK]", "<|endoftext|>") as those tokens. Then text that
  // looks like one ("[" capitals "]" or "<|" lowercase letters and _ "|>") but is none is an error.
  bool allow_special = false;
  // Apply only the first `merges` merges (to replay training step by step); default all.
  std::size_t merges = static_cast<std::size_t>(-1);
};

class BpeTokenizer final : public Tokenizer {
 public:
  static constexpr const char* kKind = "bpe";
  static constexpr std::size_t kByteTokens = 256;
  static constexpr std::size_t kSpecialTokens = 5;
  // The special tokens in id order, after the merged tokens.
  static const std::array<const char*, kSpecialTokens>& special_tokens();
  // Vocabulary sizes a tokenizer can have: 256 bytes + 5 special tokens, up to 2^24 tokens.
  static constexpr std::size_t kMinVocabularySize = kByteTokens + kSpecialTokens;
  static constexpr std::size_t kMaxVocabularySize = std::size_t{1} << 24;

  // `byte_ids`: the id (0 to 255) of each byte's token, a permutation; `merges` in order, each
  // joining ids made before it; `token_counts`: one per token (bytes, merged, special), or empty for
  // zeros. Throws Error naming a merge or id that does not fit.
  BpeTokenizer(const std::array<std::int32_t, kByteTokens>& byte_ids, std::vector<TokenMerge> merges,
               std::vector<std::int64_t> token_counts = {});

  std::string kind() const override { return kKind; }
  Settings settings() const override;
  const Vocabulary& vocabulary() const override { return vocabulary_; }
  const std::vector<TokenMerge>& merges() const override { return merges_; }
  // All merges, no special tokens.
  void encode(std::string_view text, std::vector<std::int32_t>& ids) const override;
  // Throws Error, with allow_special, on text that looks like a special token but is not one.
  void encode(std::string_view text, std::vector<std::int32_t>& ids, const BpeEncodeOptions& options) const;
  // The bytes of the tokens (special tokens as their text). Throws Error on an unknown id.
  std::string decode(const std::vector<std::int32_t>& ids) const override;
  // The id of `word` when it encodes to exactly one token, else -1.
  std::int32_t find(std::string_view word) const override;

  // A token as people read it: GPT-2's printable spelling of bytes (a space is 'Ġ', a newline 'Ċ';
  // every byte maps to one printable character), special tokens as they are. Throws on a bad id.
  std::string piece(std::int32_t id) const;
  // The id of special token `text` ("[MASK]"), or -1.
  std::int32_t special_id(std::string_view text) const;
  std::size_t size() const { return vocabulary_.size(); }
  std::int32_t byte_id(unsigned char byte) const { return byte_ids_[byte]; }

 private:
  void encode_piece(std::string_view piece, std::size_t merge_limit, std::vector<std::int32_t>& ids) const;
  void encode_plain(std::string_view text, std::size_t merge_limit, std::vector<std::int32_t>& ids) const;
  void check_id(std::int32_t id) const;

  std::array<std::int32_t, kByteTokens> byte_ids_;
  std::vector<TokenMerge> merges_;
  std::unordered_map<std::uint64_t, std::int32_t> merge_of_pair_;  // (left << 32 | right) -> merge index
  Vocabulary vocabulary_;
};

// Rebuilds a saved byte-pair tokenizer: `vocabulary` must be the 256 single bytes (any order), then
// the merged tokens (each exactly its merge's two tokens joined), then the five special tokens;
// `settings` is {"pretokenizer": "gpt2"}. Throws Error naming the first entry that does not fit.
std::shared_ptr<const BpeTokenizer> make_bpe_tokenizer(const Settings& settings, const Vocabulary& vocabulary,
                                                       std::vector<TokenMerge> merges);

// GPT-2's published ranks as js-tiktoken ships them (its ranks/gpt2 module's `bpe_ranks`: lines of
// "<tag> <first rank> <base64 token> <base64 token> ...") or as a .tiktoken file (lines of
// "<base64 token> <rank>"). Ranks 0-255 must be the single bytes, every later rank a token made of
// two earlier ones. `source` names the input in errors.
std::shared_ptr<const BpeTokenizer> bpe_from_tiktoken(std::string_view ranks, const std::string& source = "ranks");

// GPT-2's tokenizer as Hugging Face ships it: `vocab_json` maps each token, spelt with GPT-2's
// printable stand-ins for bytes ("\u0120the"), to its id; `merges_txt` lists the merges in order, one
// "left right" pair a line (after an optional "#version" line). The 256 byte tokens must have ids
// 0 to 255, merge i must make id 256 + i, and the only other token allowed is <|endoftext|> right
// after the merges. The ids so equal GPT-2's. Errors name the file (`vocab_source`,
// `merges_source`), the line or token.
std::shared_ptr<const BpeTokenizer> bpe_from_huggingface(std::string_view vocab_json, std::string_view merges_txt,
                                                         const std::string& vocab_source = "vocab.json",
                                                         const std::string& merges_source = "merges.txt");

struct BpeTrainOptions {
  std::size_t vocabulary_size = 4000;  // bytes + merges + special tokens
};

struct BpeTrainProgress {
  std::size_t merges_done = 0;
  std::size_t merges_total = 0;      // what the vocabulary size asks for
  std::int64_t pieces = 0;           // pre-tokenized pieces in the text
  std::int64_t distinct_pieces = 0;  // training works on each distinct piece once, weighted by its count
  double elapsed_ms = 0.0;
  bool finished = false;
};

// Learns merges from text: the most frequent adjacent pair of tokens, over all pieces weighted by
// their counts, becomes the next token (ties: the smaller left id, then right id), until the
// vocabulary has the asked size. Pair counts are updated where a merge changes them, not recounted.
class BpeTrainer {
 public:
  // Cuts and counts the pieces of `text`. Throws Error on a vocabulary size out of range or empty text.
  BpeTrainer(std::string_view text, const BpeTrainOptions& options);
  ~BpeTrainer();
  BpeTrainer(const BpeTrainer&) = delete;
  BpeTrainer& operator=(const BpeTrainer&) = delete;

  // Learns up to `max_merges` more merges; true once all are learnt. Throws Error when the text has
  // no pair left to merge before the vocabulary is full (it supports no larger vocabulary).
  bool run(std::size_t max_merges);
  BpeTrainProgress progress() const;
  // The trained tokenizer; throws Error until run() has returned true.
  std::shared_ptr<const BpeTokenizer> tokenizer() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Trains in one go.
std::shared_ptr<const BpeTokenizer> train_bpe(std::string_view text, const BpeTrainOptions& options);

// ---- for the command lines (both run these through the same code) ----

// Encodes with a tokenizer of any kind; special tokens and a merge limit need a byte-pair one.
void encode_with(const Tokenizer& tokenizer, std::string_view text, const BpeEncodeOptions& options,
                 std::vector<std::int32_t>& ids);
// How token `id` reads: a byte-pair token's piece, a word tokenizer's word. Throws on a bad id.
std::string token_piece(const Tokenizer& tokenizer, std::int32_t id);
// Token ids typed as text ("15496"); throws Error naming one that is not a whole number >= 0.
std::vector<std::int32_t> parse_token_ids(const std::vector<std::string>& texts);

}  // namespace embedlab
