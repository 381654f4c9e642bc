// Text to tokens: UTF-8 validation, lowercasing, punctuation stripping, whitespace splitting.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace embedlab {

enum class InvalidUtf8 {
  kReplace,  // each invalid byte sequence becomes U+FFFD
  kReject,   // throw Error naming the line
};

struct TokenizerOptions {
  bool lowercase = true;          // ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals
  bool strip_punctuation = true;  // leading and trailing punctuation of each token; inner kept ("e.g", "u.s")
  InvalidUtf8 invalid_utf8 = InvalidUtf8::kReplace;
};

// Splits one line (no '\n') into tokens, appending them to `tokens` (cleared first).
// `line_number` (1-based) and `source` only serve error messages. Throws Error on a NUL byte
// (binary input) and, with InvalidUtf8::kReject, on invalid UTF-8.
void tokenize_line(std::string_view line, const TokenizerOptions& options, std::size_t line_number,
                   const std::string& source, std::vector<std::string>& tokens);

// `text` without a leading UTF-8 byte-order mark (files saved by some Windows editors have one).
std::string_view skip_bom(std::string_view text);

// Lowercases one word as the tokenizer does (no splitting, no punctuation stripping).
std::string lowercase_word(std::string_view word);

// Decodes the code point at text[pos] into `cp`; returns its length in bytes, or 0 when the bytes
// there are not valid UTF-8 (an overlong, a surrogate, past U+10FFFF, cut short).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& cp);
// Appends the UTF-8 bytes of code point `cp`.
void append_utf8(char32_t cp, std::string& out);

// True when `text` is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// True when `text` is a decimal number as files may hold it: [+-] digits [. digits] [(e|E) [+-]
// digits] with a digit on at least one side of the point, or nan / inf / infinity in any case with
// an optional sign. No hexadecimal, no spaces, any length. Every reader of numbers in files uses it,
// so native and WebAssembly builds accept the same inputs.
bool is_decimal_number(std::string_view text);

// Writes `in` as training sees it: one line per input line (a leading byte-order mark skipped), its
// tokens separated by single spaces. `source` names the input in error messages.
void write_tokens(std::istream& in, std::ostream& out, const TokenizerOptions& options, const std::string& source);

}  // namespace embedlab
