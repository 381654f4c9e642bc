// The word tokenizer and corpus reading on arbitrary text, with fuzzed options. Properties:
// - tokenize_line refuses a line exactly when it holds a NUL byte or (in reject mode) invalid UTF-8;
// - its tokens are non-empty valid UTF-8, already lowercased when lowercasing, and tokenizing them
//   again (joined by spaces, as write_tokens writes them) gives the same tokens;
// - a corpus read in arbitrary chunks (lines split anywhere) equals the corpus read whole, and
//   equals the corpus of write_tokens' output.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/corpus.h"
#include "core/error.h"
#include "core/text.h"
#include "fuzz_support.h"

using namespace embedlab;

namespace {

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

void check_line(std::string_view line, const TokenizerOptions& options) {
  std::vector<std::string> tokens;
  bool refused = false;
  try {
    tokenize_line(line, options, 1, "fuzz.txt", tokens);
  } catch (const Error&) {
    refused = true;
  }
  const bool expect_refusal = line.find('\0') != std::string_view::npos ||
                              (options.invalid_utf8 == InvalidUtf8::kReject && !is_valid_utf8(line));
  fuzz::check(refused == expect_refusal, "a line is refused exactly for a NUL byte or (reject mode) invalid UTF-8");
  if (refused) return;
  for (const std::string& token : tokens) {
    fuzz::check(!token.empty(), "tokens are not empty");
    fuzz::check(is_valid_utf8(token), "tokens are valid UTF-8");
    if (options.lowercase) fuzz::check(lowercase_word(token) == token, "tokens are lowercase when lowercasing");
  }
  std::vector<std::string> again;
  tokenize_line(join(tokens), options, 1, "fuzz.txt", again);
  fuzz::check(again == tokens, "tokenizing the tokens joined by spaces gives the same tokens");
}

std::optional<Corpus> try_corpus(const std::vector<std::string_view>& chunks, const CorpusOptions& options) {
  try {
    CorpusBuilder builder(options, "fuzz.txt");
    for (const auto chunk : chunks) builder.add_text(chunk);
    return builder.finish();
  } catch (const Error&) {
    return std::nullopt;
  }
}

bool same_corpus(const Corpus& a, const Corpus& b) {
  return a.vocabulary.words() == b.vocabulary.words() && a.vocabulary.counts() == b.vocabulary.counts() &&
         a.tokens == b.tokens && a.sentence_offsets == b.sentence_offsets;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  CorpusOptions options;
  options.tokenizer.lowercase = input.ConsumeBool();
  options.tokenizer.strip_punctuation = input.ConsumeBool();
  options.tokenizer.invalid_utf8 = input.ConsumeBool() ? InvalidUtf8::kReject : InvalidUtf8::kReplace;
  options.min_count = input.ConsumeIntegralInRange<std::int64_t>(1, 3);
  options.max_sentence_tokens = input.ConsumeIntegralInRange<std::size_t>(1, 8);
  std::vector<std::size_t> cuts;
  for (int i = input.ConsumeIntegralInRange(0, 6); i > 0; --i) cuts.push_back(input.ConsumeIntegral<std::uint16_t>());
  const std::string text = input.ConsumeRemainingBytesAsString();

  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    check_line(std::string_view(text).substr(start, end - start), options.tokenizer);
    start = end + 1;
  }

  // The same text whole, and cut into chunks at fuzzed places.
  const auto whole = try_corpus({text}, options);
  std::vector<std::string_view> chunks;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    cut = text.empty() ? 0 : cut % (text.size() + 1);
    if (cut < from) continue;
    chunks.push_back(std::string_view(text).substr(from, cut - from));
    from = cut;
  }
  chunks.push_back(std::string_view(text).substr(from));
  const auto chunked = try_corpus(chunks, options);
  fuzz::check(whole.has_value() == chunked.has_value() && (!whole || same_corpus(*whole, *chunked)),
              "a corpus read in chunks equals the corpus read whole");

  // Training on write_tokens' output is training on the text.
  std::istringstream in(text);
  std::ostringstream tokenized;
  try {
    write_tokens(in, tokenized, options.tokenizer, "fuzz.txt");
  } catch (const Error&) {
    fuzz::check(!whole.has_value(), "write_tokens refuses only text the corpus reader refuses");
    return 0;
  }
  const std::string tokens_text = tokenized.str();
  const auto retokenized = try_corpus({tokens_text}, options);
  fuzz::check(whole.has_value() == retokenized.has_value() && (!whole || same_corpus(*whole, *retokenized)),
              "the corpus of write_tokens' output equals the corpus of the text");
  return 0;
}
