// GPT-2's pre-tokenizer, written out by hand: text is cut into pieces before byte-pair merges, and
// merges never cross a piece's edge. The pieces are those of GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// with JavaScript's Unicode classes (as js-tiktoken matches it): contractions, runs of letters,
// of numbers or of other characters (each with at most one leading space), and runs of white
// space (the last white space character before a word is left to that word).
#pragma once

#include <string_view>
#include <vector>

namespace embedlab {

enum class CharClass { kLetter, kNumber, kSpace, kOther };

// The class of a code point: \p{L}, \p{N}, \s or none of them (tables in unicode_classes.inc).
CharClass char_class(char32_t c);

// The end of the piece that starts at `pos` (< text.size()): the next piece starts there.
std::size_t gpt2_piece_end(std::string_view text, std::size_t pos);

// Appends the pieces of `text` to `pieces` (cleared first), in order; together they are `text`,
// byte for byte. Bytes that are not valid UTF-8 count as "other" characters, one byte each.
void split_gpt2(std::string_view text, std::vector<std::string_view>& pieces);

}  // namespace embedlab
