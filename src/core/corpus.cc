#include "core/corpus.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace embedlab {

Vocabulary::Vocabulary(std::vector<std::string> words, std::vector<std::int64_t> counts)
    : words_(std::move(words)), counts_(std::move(counts)) {
  if (counts_.size() != words_.size()) counts_.assign(words_.size(), 0);
  index_.reserve(words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) {
    index_.emplace(words_[i], static_cast<std::int32_t>(i));
    // Counts come from files too (a model's vocabulary): a sum past 2^63 - 1 is refused, not wrapped.
    if (__builtin_add_overflow(total_count_, counts_[i], &total_count_)) {
      throw Error("the word counts add up to more than " + with_commas(std::numeric_limits<std::int64_t>::max()) +
                  " (word " + with_commas(static_cast<long long>(i + 1)) + " of " +
                  with_commas(static_cast<long long>(words_.size())) + ")");
    }
  }
}

std::int32_t Vocabulary::find(std::string_view word) const {
  const auto it = index_.find(std::string(word));
  return it == index_.end() ? -1 : it->second;
}

namespace {
// An unfinished line this long has its complete words taken at once.
constexpr std::size_t kPendingBytes = std::size_t{1} << 20;
}  // namespace

CorpusBuilder::CorpusBuilder(CorpusOptions options, std::string source_name)
    : options_(std::move(options)), source_(std::move(source_name)), next_pending_check_(kPendingBytes) {
  if (options_.min_count < 1) throw Error("min count must be at least 1, got " + std::to_string(options_.min_count));
  if (options_.max_sentence_tokens < 1) throw Error("max_sentence_tokens must be at least 1");
}

void CorpusBuilder::add_text(std::string_view chunk) {
  if (!seen_text_) {
    // A byte-order mark is skipped at the very start only, also when a chunk ends inside it: hold
    // the first bytes back until they are known to be a whole mark or not one.
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    pending_.append(chunk);
    if (pending_.size() < kBom.size() && kBom.substr(0, pending_.size()) == pending_) return;
    seen_text_ = true;
    const std::string start = std::move(pending_);
    pending_.clear();
    add_text(skip_bom(start));
    return;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = chunk.find('\n', start);
    if (newline == std::string_view::npos) {
      add_partial_line(chunk.substr(start));
      return;
    }
    if (pending_.empty()) {
      add_words(chunk.substr(start, newline - start));
    } else {
      pending_.append(chunk.substr(start, newline - start));
      add_words(pending_);
      pending_.clear();
      next_pending_check_ = kPendingBytes;
    }
    end_line();
    start = newline + 1;
  }
}

void CorpusBuilder::add_partial_line(std::string_view text) {
  // Binary input may have no line break at all: its NUL fails now, not at the end of the line.
  if (text.find('\0') != std::string_view::npos) throw Error(nul_byte_message(source_, static_cast<std::size_t>(line_count_ + 1)));
  if (text.empty()) return;
  line_open_ = true;
  pending_.append(text);
  if (pending_.size() < next_pending_check_) return;
  // A word never holds an ASCII space or tab: the words before the last one are complete.
  const std::size_t space = pending_.find_last_of(" \t");
  if (space != std::string::npos) {
    add_words(std::string_view(pending_).substr(0, space));
    pending_.erase(0, space + 1);
    line_bytes_taken_ += space + 1;
    return;
  }
  // No ASCII space: a word over the limit fails here, before it is stored; words between other
  // spaces (U+3000...) wait for the line to end.
  for_each_token(pending_, options_.tokenizer, static_cast<std::size_t>(line_count_ + 1), source_, [](std::string_view) {},
                 line_bytes_taken_);
  next_pending_check_ = 2 * pending_.size();
}

void CorpusBuilder::add_words(std::string_view text) {
  for_each_token(text, options_.tokenizer, static_cast<std::size_t>(line_count_ + 1), source_, [&](std::string_view token) {
    key_.assign(token.data(), token.size());
    const auto [it, inserted] = first_seen_.try_emplace(key_, static_cast<std::int32_t>(words_.size()));
    if (inserted) {
      words_.push_back(key_);
      counts_.push_back(0);
    }
    ++counts_[it->second];
    tokens_.push_back(it->second);
    if (++in_sentence_ == options_.max_sentence_tokens) {
      offsets_.push_back(static_cast<std::int64_t>(tokens_.size()));
      in_sentence_ = 0;
    }
  }, line_bytes_taken_);
}

void CorpusBuilder::end_line() {
  ++line_count_;
  line_open_ = false;
  line_bytes_taken_ = 0;
  if (in_sentence_ > 0) offsets_.push_back(static_cast<std::int64_t>(tokens_.size()));
  in_sentence_ = 0;
}

Corpus CorpusBuilder::finish() {
  if (!seen_text_ && !pending_.empty()) {
    // Text shorter than a byte-order mark that begins like one ("\xEF"): text after all.
    seen_text_ = true;
    const std::string start = std::move(pending_);
    pending_.clear();
    add_text(start);
  }
  if (line_open_) {
    add_words(pending_);
    pending_.clear();
    end_line();
  }
  if (tokens_.empty()) {
    throw Error(source_ + " has no words (" + with_commas(line_count_) + " lines, all empty or punctuation)");
  }
  // Order first-seen ids by descending count; stable, so ties keep first-seen order.
  std::vector<std::int32_t> order(words_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int32_t a, std::int32_t b) { return counts_[a] > counts_[b]; });
  std::size_t kept = 0;
  while (kept < order.size() && counts_[order[kept]] >= options_.min_count) ++kept;
  if (options_.max_vocabulary_size > 0) kept = std::min(kept, options_.max_vocabulary_size);
  if (kept == 0) {
    throw Error(source_ + ": no word occurs at least " + with_commas(options_.min_count) + " times, the min count (" +
                with_commas(static_cast<long long>(words_.size())) + " distinct words, the most frequent " +
                quote(words_[order[0]]) + " occurs " + with_commas(counts_[order[0]]) + " times); lower the min count");
  }
  std::vector<std::int32_t> remap(words_.size(), -1);
  std::vector<std::string> words(kept);
  std::vector<std::int64_t> counts(kept);
  for (std::size_t i = 0; i < kept; ++i) {
    remap[order[i]] = static_cast<std::int32_t>(i);
    words[i] = std::move(words_[order[i]]);
    counts[i] = counts_[order[i]];
  }

  Corpus corpus;
  corpus.raw_token_count = static_cast<std::int64_t>(tokens_.size());
  corpus.line_count = line_count_;
  corpus.tokenizer_options = options_.tokenizer;
  // Rewrite ids in place, dropping removed words and the sentences they leave empty.
  std::size_t write = 0;
  for (std::size_t s = 0; s + 1 < offsets_.size(); ++s) {
    const std::size_t sentence_start = write;
    for (auto t = offsets_[s]; t < offsets_[s + 1]; ++t) {
      const std::int32_t id = remap[tokens_[t]];
      if (id >= 0) tokens_[write++] = id;
    }
    if (write > sentence_start) corpus.sentence_offsets.push_back(static_cast<std::int64_t>(write));
  }
  tokens_.resize(write);
  tokens_.shrink_to_fit();
  corpus.tokens = std::move(tokens_);
  corpus.vocabulary = Vocabulary(std::move(words), std::move(counts));

  first_seen_.clear();
  words_.clear();
  counts_.clear();
  tokens_.clear();
  offsets_.assign(1, 0);
  return corpus;
}

Corpus build_corpus(std::istream& in, const CorpusOptions& options, const std::string& source_name) {
  CorpusBuilder builder(options, source_name);
  std::string buffer(1 << 20, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    builder.add_text(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return builder.finish();
}

Corpus build_corpus(std::string_view text, const CorpusOptions& options, const std::string& source_name) {
  CorpusBuilder builder(options, source_name);
  builder.add_text(text);
  return builder.finish();
}

}  // namespace embedlab
