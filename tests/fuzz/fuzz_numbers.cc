// The one number grammar of embedlab's files (text.h's is_decimal_number, read by every vectors
// reader and the similarity reader), checked against the C library. Through a one-row GloVe file:
// - a field loads exactly when it is in the grammar and denotes a finite float;
// - what loads is bit-identical to strtof's correctly rounded float;
// - everything in the grammar is read whole by strtod (so glibc natively and musl in WebAssembly
//   agree on where a number ends), and strtod reads nothing whole that the grammar refuses except
//   what the grammar leaves out on purpose (hexadecimal, "nan(...)", leading whitespace);
// - a float written with 9 significant digits loads back bit-identical.
#include <cmath>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/error.h"
#include "core/formats.h"
#include "core/text.h"
#include "fuzz_support.h"

using namespace embedlab;

namespace {

// The value of `field` read by the GloVe reader, or false when it refuses the file.
bool load_field(const std::string& field, float& value) {
  try {
    const Embeddings e = parse_vectors("w " + field + "\n", "fuzz.glove", VectorFormat::kGloveText);
    value = e.vector(0)[0];
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::uint32_t bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

void check_field(const std::string& field) {
  for (const char c : field) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '\0') return;  // not one field
  }
  if (field.empty()) return;
  float loaded = 0;
  const bool accepted = load_field(field, loaded);
  const bool grammar = is_decimal_number(field);
  fuzz::check(!accepted || grammar, "a field that loads is in the grammar: " + field);
  const char* begin = field.c_str();
  char* end = nullptr;
  std::strtod(begin, &end);
  const bool strtod_whole = end == begin + field.size();
  if (grammar) {
    fuzz::check(strtod_whole, "strtod reads a number of the grammar whole: " + field);
    const float expected = std::strtof(begin, &end);
    fuzz::check(end == begin + field.size(), "strtof reads a number of the grammar whole: " + field);
    fuzz::check(accepted == std::isfinite(expected), "a number of the grammar loads exactly when it is finite: " + field);
    if (accepted) {
      fuzz::check(bits(loaded) == bits(expected), "a loaded number is strtof's correctly rounded float: " + field);
    }
  } else if (strtod_whole && field.find_first_of("xX(") == std::string::npos) {
    fuzz::fail("strtod reads a number the grammar refuses: " + field);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    check_field(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
    return 0;
  }
  // A float from 4 bytes, written as the writers write it, at every precision.
  if (size < 5) return 0;
  float value;
  std::memcpy(&value, data + 1, 4);
  if (!std::isfinite(value)) return 0;
  for (int precision = 1; precision <= 9; ++precision) {
    char text[48];
    std::snprintf(text, sizeof(text), "%.*g", precision, static_cast<double>(value));
    check_field(text);
  }
  char text[48];
  std::snprintf(text, sizeof(text), "%.9g", static_cast<double>(value));
  float loaded = 0;
  fuzz::check(load_field(text, loaded) && bits(loaded) == bits(value),
              std::string("a float written with 9 digits loads back bit-identical: ") + text);
  return 0;
}
