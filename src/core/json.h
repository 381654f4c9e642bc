// A small JSON reader and string escaper, for file headers (safetensors) and similar metadata.
// Parses all of RFC 8259 (objects, arrays, strings with escapes, numbers, true/false/null) into a
// tree; numbers keep their text so integers stay exact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embedlab {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;                                         // a string's value, a number's text
  std::vector<JsonValue> items;                             // an array's
  std::vector<std::pair<std::string, JsonValue>> members;  // an object's, in file order

  // The member named `name`, or null.
  const JsonValue* find(std::string_view name) const;
  // A number that is a whole number in [0, 2^63) as such; throws Error naming `what` otherwise.
  std::uint64_t as_count(const std::string& what) const;
};

// "object", "array", "string", ...: for messages.
const char* json_type_name(JsonValue::Type type);

// Parses one JSON value filling all of `text` (whitespace around it allowed). Throws Error
// "<source>: <problem> at byte <n>" on malformed input, a repeated object key or nesting deeper
// than 64.
JsonValue parse_json(std::string_view text, const std::string& source);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace embedlab
