// The corpus: the vocabulary (words sorted by frequency) and the text as an in-memory array of
// token ids, built in one pass over the text.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text.h"

namespace embedlab {

// Words in descending frequency order (ties keep first-seen order); id = position.
class Vocabulary {
 public:
  Vocabulary() = default;
  // Throws Error when the counts add up to more than 2^63 - 1 (a corrupt model file).
  Vocabulary(std::vector<std::string> words, std::vector<std::int64_t> counts);

  std::size_t size() const { return words_.size(); }
  const std::string& word(std::int32_t id) const { return words_[id]; }
  std::int64_t count(std::int32_t id) const { return counts_[id]; }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  // Sum of all counts (tokens kept in the corpus).
  std::int64_t total_count() const { return total_count_; }
  // Id of `word`, or -1 when it is not in the vocabulary.
  std::int32_t find(std::string_view word) const;

 private:
  std::vector<std::string> words_;
  std::vector<std::int64_t> counts_;
  std::unordered_map<std::string, std::int32_t> index_;
  std::int64_t total_count_ = 0;
};

struct CorpusOptions {
  TokenizerOptions tokenizer;
  std::int64_t min_count = 5;           // words seen fewer times are dropped
  std::size_t max_vocabulary_size = 0;  // keep only the most frequent words; 0 = no limit
  std::size_t max_sentence_tokens = 10000;  // longer lines are split into sentences of this size
};

// The training input: token ids of kept words, grouped into sentences (one per line).
struct Corpus {
  Vocabulary vocabulary;
  std::vector<std::int32_t> tokens;
  // Sentence s is tokens[sentence_offsets[s], sentence_offsets[s + 1]); empty sentences are omitted.
  std::vector<std::int64_t> sentence_offsets{0};
  std::int64_t raw_token_count = 0;  // tokens before min_count filtering
  std::int64_t line_count = 0;
  // How the text was split into words; a model trained on the corpus splits queries the same way.
  TokenizerOptions tokenizer_options;

  std::size_t sentence_count() const { return sentence_offsets.size() - 1; }
};

// Incremental builder: feed text in any chunks (lines may span chunks), then finish().
// Memory is bounded by the output (4 bytes per token plus the vocabulary), not by line length: a
// line is taken word by word as it arrives, and input that cannot be text (a NUL, a word longer
// than kMaxWordBytes) fails as soon as it is seen.
class CorpusBuilder {
 public:
  explicit CorpusBuilder(CorpusOptions options, std::string source_name = "corpus");
  void add_text(std::string_view chunk);
  // Throws Error when the text had no tokens or min_count/max size left no words.
  Corpus finish();

 private:
  // Part of the current line: its tokens join the current sentence.
  void add_words(std::string_view text);
  void end_line();
  // The unfinished end of a chunk, kept in pending_ until its line ends.
  void add_partial_line(std::string_view text);

  CorpusOptions options_;
  std::string source_;
  std::string pending_;  // incomplete last line of the previous chunk (its complete words taken once it is long)
  std::size_t next_pending_check_;  // pending_ size at which its complete words are taken
  std::size_t in_sentence_ = 0;     // tokens of the current sentence so far
  bool line_open_ = false;          // text of a line without its line break has arrived
  std::size_t line_bytes_taken_ = 0;  // bytes of the current line already tokenized (not in pending_)
  std::string key_;                 // reused lookup key
  std::unordered_map<std::string, std::int32_t> first_seen_;
  std::vector<std::string> words_;
  std::vector<std::int64_t> counts_;
  std::vector<std::int32_t> tokens_;  // first-seen ids until finish()
  std::vector<std::int64_t> offsets_{0};
  std::int64_t line_count_ = 0;
  bool seen_text_ = false;  // the start was checked for a byte-order mark (skipped there only)
};

// Reads a whole stream of text into a corpus; `source_name` names it in error messages.
Corpus build_corpus(std::istream& in, const CorpusOptions& options, const std::string& source_name);
Corpus build_corpus(std::string_view text, const CorpusOptions& options, const std::string& source_name = "corpus");

}  // namespace embedlab
