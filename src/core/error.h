// The one exception type of embedlab: every message says what was expected and what was found.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace embedlab {

// Thrown for bad input, bad parameters and unknown words; `what()` is meant for the end user.
// Messages are made printable on the way in (printable()), so no message can carry a raw control
// byte, NUL or invalid UTF-8 into a terminal, whatever it names (a file name, a word).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
};

// Formats an integer with thousands separators ("18,985"), for messages.
std::string with_commas(long long value);

// User text (a word, an option value, a line of a file) as messages echo it: in single quotes,
// control characters, NUL and invalid UTF-8 as \xNN, and cut after 60 characters with its size:
// 'aaaa…' (5,000 bytes). Every message that repeats what a user typed or fed goes through it.
std::string quote(std::string_view text);

// `text` with control characters other than line breaks, NUL and invalid UTF-8 as \xNN, cut after
// 1,000 characters: what every Error carries.
std::string printable(std::string_view text);

}  // namespace embedlab
