// Text to tokens: UTF-8 validation, lowercasing, punctuation stripping, whitespace splitting.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace embedlab {

// The longest word, in bytes of UTF-8, that the tokenizer makes and that every reader and writer
// of vectors and model files accepts: what we write, we read.
constexpr std::size_t kMaxWordBytes = 65536;
// "the word 'aaaa…' (70,000 bytes) is longer than 65,536 bytes, the limit of words", for messages.
std::string word_too_long(std::string_view word);

// Control characters: U+0001-U+001F other than tab, line feed and carriage return, and U+007F
// (ANSI colour codes in logs, form feeds, stray bytes of binary data).
enum class ControlCharacters {
  kReplace,  // each becomes a space, i.e. a word break (the default)
  kStrip,    // each is removed, joining what surrounds it
  kReject,   // throw Error naming the line
};

enum class InvalidUtf8 {
  kReplace,  // each invalid byte sequence becomes U+FFFD
  kReject,   // throw Error naming the line
};

struct TokenizerOptions {
  bool lowercase = true;          // ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals
  bool strip_punctuation = true;  // leading and trailing punctuation of each token; inner kept ("e.g", "u.s")
  InvalidUtf8 invalid_utf8 = InvalidUtf8::kReplace;
  ControlCharacters control_characters = ControlCharacters::kReplace;
};

// Calls `on_token` with each token of one line (no '\n'), in order; the view lives until the call
// returns. Throws Error naming the line on a NUL byte (binary input), a word longer than
// kMaxWordBytes (before it is stored), a control character with ControlCharacters::kReject and
// invalid UTF-8 with InvalidUtf8::kReject. `line` may be the part of a line after its first
// `line_offset` bytes (messages count bytes from the start of the line).
void for_each_token(std::string_view line, const TokenizerOptions& options, std::size_t line_number,
                    const std::string& source, const std::function<void(std::string_view)>& on_token,
                    std::size_t line_offset = 0);

// Splits one line (no '\n') into tokens at whitespace (ASCII and Unicode spaces, and U+FEFF),
// appending them to `tokens` (cleared first).
// `line_number` (1-based) and `source` only serve error messages. Throws as for_each_token.
void tokenize_line(std::string_view line, const TokenizerOptions& options, std::size_t line_number,
                   const std::string& source, std::vector<std::string>& tokens);

// "corpus.txt line 12: ", the start of every message about a line of a file.
std::string at_line(const std::string& source, std::size_t line_number);
// The error for a NUL byte on a line of text (binary input), wherever text is read.
std::string nul_byte_message(const std::string& source, std::size_t line_number);

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
