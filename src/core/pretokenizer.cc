#include "core/pretokenizer.h"

#include <algorithm>
#include <iterator>

#include "core/text.h"

namespace embedlab {
namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;
};

#include "core/unicode_classes.inc"

template <std::size_t N>
bool in_ranges(const CodePointRange (&ranges)[N], char32_t c) {
  const auto it = std::upper_bound(std::begin(ranges), std::end(ranges), c,
                                   [](char32_t value, const CodePointRange& r) { return value < r.first; });
  return it != std::begin(ranges) && c <= std::prev(it)->last;
}

// One character of the text: its class and its length in bytes.
struct Char {
  CharClass cls;
  std::size_t length;
};

Char char_at(std::string_view text, std::size_t pos) {
  char32_t cp = 0;
  const std::size_t length = decode_utf8(text, pos, cp);
  if (length == 0) return {CharClass::kOther, 1};  // an invalid byte stands alone
  return {char_class(cp), length};
}

// The end of the run of `cls` characters that starts at `pos`.
std::size_t run_end(std::string_view text, std::size_t pos, CharClass cls) {
  while (pos < text.size()) {
    const Char c = char_at(text, pos);
    if (c.cls != cls) break;
    pos += c.length;
  }
  return pos;
}

// The length of the contraction ('s 't 're 've 'm 'll 'd) at `pos`, or 0.
std::size_t contraction_at(std::string_view text, std::size_t pos) {
  if (text[pos] != '\'' || pos + 1 >= text.size()) return 0;
  const char a = text[pos + 1];
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (pos + 2 >= text.size()) return 0;
  const char b = text[pos + 2];
  return (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') ? 3 : 0;
}

}  // namespace

CharClass char_class(char32_t c) {
  if (c < 0x80) {  // the common case, without a search
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::kLetter;
    if (c >= '0' && c <= '9') return CharClass::kNumber;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return CharClass::kSpace;
    return CharClass::kOther;
  }
  if (in_ranges(kLetterRanges, c)) return CharClass::kLetter;
  if (in_ranges(kNumberRanges, c)) return CharClass::kNumber;
  if (in_ranges(kSpaceRanges, c)) return CharClass::kSpace;
  return CharClass::kOther;
}

// The pattern's first alternative that matches at `pos`.
std::size_t gpt2_piece_end(std::string_view text, std::size_t pos) {
  if (const std::size_t n = contraction_at(text, pos)) return pos + n;
  const Char first = char_at(text, pos);
  if (first.cls != CharClass::kSpace) return run_end(text, pos, first.cls);
  // " ?\p{L}+" and its kin: one space joins the run that follows it.
  if (text[pos] == ' ' && pos + 1 < text.size()) {
    const Char next = char_at(text, pos + 1);
    if (next.cls != CharClass::kSpace) return run_end(text, pos + 1, next.cls);
  }
  // "\s+(?!\S)": white space up to the end, or up to its last character before a non-space
  // (which then starts the next piece); "\s+": a single white space character before a non-space.
  std::size_t end = pos;
  std::size_t last = pos;
  while (end < text.size()) {
    const Char c = char_at(text, end);
    if (c.cls != CharClass::kSpace) break;
    last = end;
    end += c.length;
  }
  if (end == text.size() || last == pos) return end;
  return last;
}

void split_gpt2(std::string_view text, std::vector<std::string_view>& pieces) {
  pieces.clear();
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = gpt2_piece_end(text, pos);
    pieces.push_back(text.substr(pos, end - pos));
    pos = end;
  }
}

}  // namespace embedlab
