#include "core/json.h"

#include <algorithm>

#include "core/error.h"
#include "core/text.h"

namespace embedlab {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  JsonValue document() {
    JsonValue value = parse_value(0);
    skip_space();
    if (at_ < text_.size()) fail("unexpected " + describe_next() + " after the value");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(source_ + ": " + problem + " at byte " + with_commas(static_cast<long long>(at_)));
  }
  std::string describe_next() const {
    if (at_ >= text_.size()) return "end";
    const char c = text_[at_];
    return (c >= ' ' && c < 127) ? "'" + std::string(1, c) + "'" : "byte " + std::to_string(static_cast<unsigned char>(c));
  }
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) ++at_;
  }
  void expect(char c) {
    skip_space();
    if (at_ >= text_.size() || text_[at_] != c) fail(std::string("expected '") + c + "' but found " + describe_next());
    ++at_;
  }
  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  JsonValue parse_value(int depth) {
    if (depth > kMaxDepth) fail("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    skip_space();
    if (at_ >= text_.size()) fail("the JSON ends where a value was expected");
    JsonValue value;
    const char c = text_[at_];
    if (c == '{') {
      value.type = JsonValue::Type::kObject;
      parse_items('}', [&] {
        skip_space();
        if (at_ >= text_.size() || text_[at_] != '"') fail("expected a quoted key but found " + describe_next());
        const std::size_t key_at = at_;
        std::string key = parse_string();
        if (value.find(key) != nullptr) {
          at_ = key_at;
          fail("the key " + quote(key) + " appears twice");
        }
        expect(':');
        JsonValue member = parse_value(depth + 1);
        value.members.emplace_back(std::move(key), std::move(member));
      });
      return value;
    }
    if (c == '[') {
      value.type = JsonValue::Type::kArray;
      parse_items(']', [&] { value.items.push_back(parse_value(depth + 1)); });
      return value;
    }
    if (c == '"') {
      value.type = JsonValue::Type::kString;
      value.text = parse_string();
      return value;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      value.type = JsonValue::Type::kNumber;
      value.text = parse_number();
      return value;
    }
    if (literal("true")) return value.type = JsonValue::Type::kBool, value.boolean = true, value;
    if (literal("false")) return value.type = JsonValue::Type::kBool, value;
    if (literal("null")) return value;
    fail("expected a JSON value but found " + describe_next());
  }

  // From an opening bracket at at_: `item` for each comma-separated item up to `close`.
  template <class Item>
  void parse_items(char close, Item item) {
    ++at_;
    skip_space();
    if (at_ < text_.size() && text_[at_] == close) {
      ++at_;
      return;
    }
    for (;;) {
      item();
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ',') break;
      ++at_;
    }
    expect(close);
  }

  std::string parse_number() {
    const std::size_t start = at_;
    const auto digits = [&] {
      const std::size_t from = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      if (at_ == from) fail("expected a digit but found " + describe_next());
    };
    if (text_[at_] == '-') ++at_;
    if (at_ < text_.size() && text_[at_] == '0') {
      ++at_;
    } else {
      digits();
    }
    if (at_ < text_.size() && text_[at_] == '.') ++at_, digits();
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      digits();
    }
    return std::string(text_.substr(start, at_ - start));
  }

  unsigned hex4() {
    unsigned code = 0;
    for (int i = 0; i < 4; ++i, ++at_) {
      if (at_ >= text_.size()) fail("the JSON ends inside a \\u escape");
      const char h = text_[at_];
      const int digit = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (digit < 0) fail("a \\u escape needs 4 hex digits");
      code = code * 16 + static_cast<unsigned>(digit);
    }
    return code;
  }

  std::string parse_string() {
    ++at_;  // the opening quote
    std::string out;
    for (;;) {
      if (at_ >= text_.size()) fail("the JSON ends inside a string");
      const char c = text_[at_];
      if (c == '"') {
        ++at_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character inside a string");
      if (c != '\\') {
        out += c;
        ++at_;
        continue;
      }
      ++at_;
      if (at_ >= text_.size()) fail("the JSON ends inside a string");
      const char e = text_[at_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xD800 && code < 0xDC00 && literal("\\u")) {  // a surrogate pair
            const unsigned low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("a high surrogate without its low half");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xD800 && code < 0xE000) {
            fail("an unpaired surrogate in a \\u escape");
          }
          append_utf8(static_cast<char32_t>(code), out);
          break;
        }
        default:
          at_ -= 2;
          fail("unknown escape \\" + std::string(1, e));
      }
    }
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t at_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view name) const {
  for (const auto& [key, value] : members) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::uint64_t JsonValue::as_count(const std::string& what) const {
  const bool whole = type == Type::kNumber && !text.empty() && text.size() <= 18 &&
                     std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!whole) {
    throw Error(what + " is " + (type == Type::kNumber ? text : std::string("a JSON ") + json_type_name(type)) +
                " (expected a whole number)");
  }
  std::uint64_t value = 0;
  for (const char c : text) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  return value;
}

const char* json_type_name(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::kNull: return "null";
    case JsonValue::Type::kBool: return "boolean";
    case JsonValue::Type::kNumber: return "number";
    case JsonValue::Type::kString: return "string";
    case JsonValue::Type::kArray: return "array";
    case JsonValue::Type::kObject: return "object";
  }
  return "value";
}

JsonValue parse_json(std::string_view text, const std::string& source) { return Parser(text, source).document(); }

std::string json_quote(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace embedlab
