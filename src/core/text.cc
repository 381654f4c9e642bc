#include "core/text.h"

#include <cstdint>

#include "core/error.h"

namespace embedlab {

Error::Error(const std::string& message) : std::runtime_error(printable(message)) {}

std::string with_commas(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& cp) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t length;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

constexpr char32_t kReplacement = 0xFFFD;


char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 0x20;             // Latin-1
  if (cp == 0x130) return 'i';                                                // İ -> i, not dotless ı
  if (cp >= 0x100 && cp <= 0x137 && cp % 2 == 0) return cp + 1;               // Latin Extended-A
  if (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1) return cp + 1;
  if (cp >= 0x14A && cp <= 0x177 && cp % 2 == 0) return cp + 1;
  if (cp == 0x178) return 0xFF;                                               // Ÿ -> ÿ
  if (cp >= 0x179 && cp <= 0x17E && cp % 2 == 1) return cp + 1;               // Ź Ż Ž
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;            // Greek
  if (cp == 0x386) return 0x3AC;                                              // Greek with tonos
  if (cp >= 0x388 && cp <= 0x38A) return cp + 0x25;
  if (cp == 0x38C) return 0x3CC;
  if (cp == 0x38E || cp == 0x38F) return cp + 0x3F;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                           // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

// Also U+FEFF: a byte-order mark inside text (files joined together) separates words; kept in a
// token it would make "\uFEFFword" a word apart from "word", and one that vanishes as the first
// bytes of a saved file.
bool is_space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
         cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0xFEFF;
}

bool is_punctuation(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`') ||
           (cp >= '{' && cp <= '~');
  }
  return cp == 0xA1 || cp == 0xAB || cp == 0xBB || cp == 0xBF || cp == 0xB7 ||  // ¡ « » ¿ ·
         (cp >= 0x2010 && cp <= 0x2027) ||                                       // dashes, quotes, …
         (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x3001 && cp <= 0x3003) ||
         (cp >= 0x300C && cp <= 0x3011);
}

struct CodePoint {
  char32_t cp;
  std::size_t begin, end;  // byte range in the cleaned token
};

}  // namespace

std::string_view skip_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

std::string lowercase_word(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  char32_t cp;
  for (std::size_t pos = 0; pos < word.size();) {
    const std::size_t n = decode_utf8(word, pos, cp);
    if (n == 0) {  // keep invalid bytes as they are
      out += word[pos++];
      continue;
    }
    append_utf8(to_lower(cp), out);
    pos += n;
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  char32_t cp;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = decode_utf8(text, pos, cp);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

std::string at_line(const std::string& source, std::size_t line_number) {
  return source + " line " + with_commas(static_cast<long long>(line_number)) + ": ";
}

std::string word_too_long(std::string_view word) {
  return "the word " + quote(word) + " is longer than " + with_commas(static_cast<long long>(kMaxWordBytes)) +
         " bytes, the limit of words";
}

std::string nul_byte_message(const std::string& source, std::size_t line_number) {
  return at_line(source, line_number) + "NUL byte; this looks like a binary file, expected plain UTF-8 text";
}

void tokenize_line(std::string_view line, const TokenizerOptions& options, std::size_t line_number,
                   const std::string& source, std::vector<std::string>& tokens) {
  tokens.clear();
  for_each_token(line, options, line_number, source, [&](std::string_view token) { tokens.emplace_back(token); });
}

void for_each_token(std::string_view line, const TokenizerOptions& options, std::size_t line_number,
                    const std::string& source, const std::function<void(std::string_view)>& on_token,
                    std::size_t line_offset) {
  std::string current;
  std::vector<CodePoint> cps;  // code points of `current`, for stripping punctuation at both ends
  const auto flush = [&] {
    if (current.empty()) return;
    std::size_t first = 0, last = cps.size();
    if (options.strip_punctuation) {
      while (first < last && is_punctuation(cps[first].cp)) ++first;
      while (last > first && is_punctuation(cps[last - 1].cp)) --last;
    }
    if (first < last) on_token(std::string_view(current).substr(cps[first].begin, cps[last - 1].end - cps[first].begin));
    current.clear();
    cps.clear();
  };
  for (std::size_t pos = 0; pos < line.size();) {
    char32_t cp;
    std::size_t n = decode_utf8(line, pos, cp);
    if (n == 0) {
      if (options.invalid_utf8 == InvalidUtf8::kReject) {
        throw Error(at_line(source, line_number) + "invalid UTF-8 at byte " + std::to_string(line_offset + pos + 1) +
                    " of the line (use the replace option to turn such bytes into U+FFFD)");
      }
      cp = kReplacement;
      n = 1;
    } else if (cp == 0) {
      throw Error(nul_byte_message(source, line_number));
    } else if ((cp < 0x20 && cp != '\t' && cp != '\r') || cp == 0x7F) {
      if (options.control_characters == ControlCharacters::kReject) {
        throw Error(at_line(source, line_number) + "control character " + quote(line.substr(pos, 1)) + " at byte " +
                    std::to_string(line_offset + pos + 1) + " of the line (choose to strip or replace control characters to train on it)");
      }
      pos += n;
      if (options.control_characters == ControlCharacters::kReplace) flush();
      continue;
    }
    pos += n;
    if (is_space(cp)) {
      flush();
      continue;
    }
    if (options.lowercase) cp = to_lower(cp);
    const std::size_t begin = current.size();
    append_utf8(cp, current);
    if (current.size() > kMaxWordBytes) {
      throw Error(at_line(source, line_number) + "a word is longer than " +
                  with_commas(static_cast<long long>(kMaxWordBytes)) + " bytes, the limit of words (it starts " +
                  quote(current) + ")");
    }
    cps.push_back({cp, begin, current.size()});
  }
  flush();
}

namespace {

// Appends up to `max_characters` characters of `text` to `out`, control characters (but for
// line breaks when `keep_line_breaks`), NUL and invalid UTF-8 as \xNN; returns how many bytes of
// `text` it used.
std::size_t append_escaped(std::string& out, std::string_view text, std::size_t max_characters, bool keep_line_breaks) {
  std::size_t characters = 0, pos = 0;
  while (pos < text.size() && characters < max_characters) {
    char32_t cp;
    const std::size_t n = decode_utf8(text, pos, cp);
    if (n == 0 || ((cp < 0x20 || cp == 0x7F) && !(keep_line_breaks && cp == '\n'))) {
      static const char kHex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(text[pos]);
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
      pos += 1;
    } else {
      out.append(text.substr(pos, n));
      pos += n;
    }
    ++characters;
  }
  return pos;
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "'";
  if (append_escaped(out, text, 60, false) == text.size()) return out + "'";
  return out + "\u2026' (" + with_commas(static_cast<long long>(text.size())) + " bytes)";
}

std::string printable(std::string_view text) {
  std::string out;
  if (append_escaped(out, text, 1000, true) == text.size()) return out;
  return out + "\u2026";
}

void write_tokens(std::istream& in, std::ostream& out, const TokenizerOptions& options, const std::string& source) {
  std::string line, joined;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    joined.clear();
    for_each_token(line_number == 1 ? skip_bom(line) : std::string_view(line), options, line_number, source,
                   [&](std::string_view token) {
                     if (!joined.empty()) joined += ' ';
                     joined += token;
                   });
    out << joined << '\n';
  }
}

bool is_decimal_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::string rest(text.substr(i));
  for (char& c : rest) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (rest == "nan" || rest == "inf" || rest == "infinity") return true;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  std::size_t mantissa_digits = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa_digits += digits();
  }
  if (mantissa_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

}  // namespace embedlab
