// GPT-2's pre-tokenizer, checked against splits worked out by hand from its pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (the parity with js-tiktoken on real text is tests/js/bpe.test.mjs).
#include "core/pretokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/random.h"

namespace embedlab {
namespace {

std::vector<std::string> pieces_of(const std::string& text) {
  std::vector<std::string_view> views;
  split_gpt2(text, views);
  return std::vector<std::string>(views.begin(), views.end());
}

using Pieces = std::vector<std::string>;

TEST(Gpt2Split, CutsContractionsWordsNumbersAndPunctuation) {
  EXPECT_EQ(pieces_of("I'm here, they'll see!"), (Pieces{"I", "'m", " here", ",", " they", "'ll", " see", "!"}));
  EXPECT_EQ(pieces_of("it's 'quoted' DON'T"), (Pieces{"it", "'s", " '", "quoted", "'", " DON", "'", "T"}));
  EXPECT_EQ(pieces_of("abc123 4.5%"), (Pieces{"abc", "123", " 4", ".", "5", "%"}));
  EXPECT_EQ(pieces_of("?'s"), (Pieces{"?'", "s"}));  // a run of punctuation takes the apostrophe
}

TEST(Gpt2Split, LeavesTheLastSpaceBeforeAWordToThatWord) {
  EXPECT_EQ(pieces_of("a  b"), (Pieces{"a", " ", " b"}));
  EXPECT_EQ(pieces_of("a\n\nb"), (Pieces{"a", "\n", "\n", "b"}));  // only a space joins the next piece
  EXPECT_EQ(pieces_of("\t\tx"), (Pieces{"\t", "\t", "x"}));
  EXPECT_EQ(pieces_of("x \n  "), (Pieces{"x", " \n  "}));  // white space at the end stays whole
  EXPECT_EQ(pieces_of(" \n y"), (Pieces{" \n", " y"}));
}

TEST(Gpt2Split, UsesUnicodeLettersNumbersAndSpaces) {
  EXPECT_EQ(pieces_of("café naïve Ωμέγα"), (Pieces{"café", " naïve", " Ωμέγα"}));
  EXPECT_EQ(pieces_of("x\u00A0y"), (Pieces{"x", "\u00A0", "y"}));   // no-break space is \s
  EXPECT_EQ(pieces_of("½⅓ ٣"), (Pieces{"½⅓", " ٣"}));                // \p{N}, not only digits
  EXPECT_EQ(pieces_of("日本語。"), (Pieces{"日本語", "。"}));
  EXPECT_EQ(char_class(U'é'), CharClass::kLetter);
  EXPECT_EQ(char_class(U'\u3000'), CharClass::kSpace);
  EXPECT_EQ(char_class(U'😀'), CharClass::kOther);
}

TEST(Gpt2Split, InvalidBytesAreOtherCharacters) {
  EXPECT_EQ(pieces_of("a\xff\xfe" "b"), (Pieces{"a", "\xff\xfe", "b"}));
  EXPECT_EQ(pieces_of(std::string("x\0y", 3)), (Pieces{"x", std::string(1, '\0'), "y"}));
  EXPECT_EQ(pieces_of(" \xc3"), (Pieces{" \xc3"}));  // a cut sequence
}

TEST(Gpt2Split, PiecesPutTogetherAreTheText) {
  Rng rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    std::string text;
    const std::uint32_t n = rng.below(40);
    for (std::uint32_t i = 0; i < n; ++i) text += static_cast<char>(rng.below(256));
    std::string joined;
    for (const std::string& piece : pieces_of(text)) {
      EXPECT_FALSE(piece.empty());
      joined += piece;
    }
    EXPECT_EQ(joined, text);
  }
}

}  // namespace
}  // namespace embedlab
