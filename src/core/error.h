// The one exception type of embedlab: every message says what was expected and what was found.
#pragma once

#include <stdexcept>
#include <string>

namespace embedlab {

// Thrown for bad input, bad parameters and unknown words; `what()` is meant for the end user.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Formats an integer with thousands separators ("18,985"), for messages.
std::string with_commas(long long value);

}  // namespace embedlab
