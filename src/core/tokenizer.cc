#include "core/tokenizer.h"

#include <algorithm>

#include "core/bpe.h"
#include "core/error.h"

namespace embedlab {
namespace {

const char* bool_name(bool value) { return value ? "true" : "false"; }

bool parse_bool(const std::string& name, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw Error("the word tokenizer setting " + quote(name) + " must be 'true' or 'false', got " + quote(value));
}

InvalidUtf8 parse_invalid_utf8(const std::string& value) {
  if (value == "replace") return InvalidUtf8::kReplace;
  if (value == "reject") return InvalidUtf8::kReject;
  throw Error("the word tokenizer setting 'invalid_utf8' must be 'replace' or 'reject', got " + quote(value));
}

// A word tokenizer only ever makes non-empty, valid UTF-8 words without whitespace, each once.
void check_words(const Vocabulary& vocabulary) {
  if (vocabulary.size() == 0) throw Error("the vocabulary is empty");
  for (std::size_t i = 0; i < vocabulary.size(); ++i) {
    const auto id = static_cast<std::int32_t>(i);
    const std::string& word = vocabulary.word(id);
    const std::string which = "word " + with_commas(static_cast<long long>(i + 1));
    if (word.empty()) throw Error(which + " is empty");
    if (word.size() > kMaxWordBytes) throw Error(which + ": " + word_too_long(word));
    if (!is_valid_utf8(word)) throw Error(which + " is not valid UTF-8");
    for (const char c : word) {
      if (static_cast<unsigned char>(c) <= ' ') {
        throw Error(which + " (" + quote(word) + ") contains whitespace or a control character");
      }
    }
    if (vocabulary.count(id) < 0) throw Error(which + " (" + quote(word) + ") has a negative count");
    const std::int32_t first = vocabulary.find(word);
    if (first != id) {
      throw Error(which + " (" + quote(word) + ") appears twice (first as word " + with_commas(first + 1LL) + ")");
    }
  }
}

}  // namespace

const std::vector<TokenMerge>& Tokenizer::merges() const {
  static const std::vector<TokenMerge> none;
  return none;
}

WordTokenizer::WordTokenizer(const TokenizerOptions& options, Vocabulary vocabulary)
    : options_(options), vocabulary_(std::move(vocabulary)) {}

Settings WordTokenizer::settings() const {
  return {{"lowercase", bool_name(options_.lowercase)},
          {"strip_punctuation", bool_name(options_.strip_punctuation)},
          {"invalid_utf8", options_.invalid_utf8 == InvalidUtf8::kReject ? "reject" : "replace"}};
}

void WordTokenizer::encode(std::string_view text, std::vector<std::int32_t>& ids) const {
  ids.clear();
  std::vector<std::string> words;
  std::size_t line_number = 0;
  std::size_t start = 0;
  text = skip_bom(text);
  while (start <= text.size()) {
    const std::size_t newline = std::min(text.find('\n', start), text.size());
    tokenize_line(text.substr(start, newline - start), options_, ++line_number, "text", words);
    for (const std::string& word : words) {
      const std::int32_t id = vocabulary_.find(word);
      if (id >= 0) ids.push_back(id);
    }
    start = newline + 1;
  }
}

std::string WordTokenizer::decode(const std::vector<std::int32_t>& ids) const {
  std::string text;
  for (const std::int32_t id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= vocabulary_.size()) {
      throw Error("token id " + std::to_string(id) + " is outside the vocabulary (" +
                  with_commas(static_cast<long long>(vocabulary_.size())) + " words)");
    }
    if (!text.empty()) text += ' ';
    text += vocabulary_.word(id);
  }
  return text;
}

std::int32_t WordTokenizer::find(std::string_view word) const {
  const std::int32_t exact = vocabulary_.find(word);
  if (exact >= 0) return exact;
  // A query is one word: anything the tokenizer would refuse or split is simply not found.
  if (word.find('\0') != std::string_view::npos || word.find('\n') != std::string_view::npos) return -1;
  TokenizerOptions lenient = options_;
  lenient.invalid_utf8 = InvalidUtf8::kReplace;
  std::vector<std::string> tokens;
  tokenize_line(word, lenient, 1, "query", tokens);
  return tokens.size() == 1 ? vocabulary_.find(tokens[0]) : -1;
}

std::shared_ptr<const Tokenizer> make_tokenizer(const std::string& kind, const Settings& settings,
                                                Vocabulary vocabulary, std::vector<TokenMerge> merges) {
  if (kind == BpeTokenizer::kKind) return make_bpe_tokenizer(settings, vocabulary, std::move(merges));
  if (kind != WordTokenizer::kKind) {
    throw Error("unknown tokenizer kind " + quote(kind) + " (this version knows: " + WordTokenizer::kKind + ", " +
                BpeTokenizer::kKind + ")");
  }
  if (!merges.empty()) throw Error("a word tokenizer has no merges, but " + with_commas(static_cast<long long>(merges.size())) + " were given");
  TokenizerOptions options;
  const char* names[] = {"lowercase", "strip_punctuation", "invalid_utf8"};
  bool seen[3] = {false, false, false};
  for (const auto& [name, value] : settings) {
    int which = -1;
    for (int i = 0; i < 3; ++i) {
      if (name == names[i]) which = i;
    }
    if (which < 0) throw Error("unknown word tokenizer setting " + quote(name));
    if (seen[which]) throw Error("the word tokenizer setting " + quote(name) + " appears twice");
    seen[which] = true;
    if (which == 0) options.lowercase = parse_bool(name, value);
    if (which == 1) options.strip_punctuation = parse_bool(name, value);
    if (which == 2) options.invalid_utf8 = parse_invalid_utf8(value);
  }
  for (int i = 0; i < 3; ++i) {
    if (!seen[i]) throw Error("the word tokenizer setting '" + std::string(names[i]) + "' is missing");
  }
  check_words(vocabulary);
  return std::make_shared<WordTokenizer>(options, std::move(vocabulary));
}

Corpus map_corpus(const Corpus& corpus, const Tokenizer& tokenizer) {
  std::vector<std::int32_t> id_of(corpus.vocabulary.size());
  for (std::size_t i = 0; i < id_of.size(); ++i) id_of[i] = tokenizer.find(corpus.vocabulary.word(static_cast<std::int32_t>(i)));
  Corpus mapped;
  mapped.vocabulary = tokenizer.vocabulary();
  mapped.raw_token_count = corpus.raw_token_count;
  mapped.line_count = corpus.line_count;
  mapped.tokenizer_options = corpus.tokenizer_options;
  mapped.tokens.reserve(corpus.tokens.size());
  for (std::size_t s = 0; s < corpus.sentence_count(); ++s) {
    const std::size_t sentence_start = mapped.tokens.size();
    for (auto t = corpus.sentence_offsets[s]; t < corpus.sentence_offsets[s + 1]; ++t) {
      const std::int32_t id = id_of[static_cast<std::size_t>(corpus.tokens[static_cast<std::size_t>(t)])];
      if (id >= 0) mapped.tokens.push_back(id);
    }
    if (mapped.tokens.size() > sentence_start) mapped.sentence_offsets.push_back(static_cast<std::int64_t>(mapped.tokens.size()));
  }
  return mapped;
}

}  // namespace embedlab
