// The tokenizer: whitespace splitting, lowercasing, punctuation stripping, UTF-8 handling.
#include "core/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace embedlab {
namespace {

std::vector<std::string> tokenize(std::string_view line, const TokenizerOptions& options = {},
                                  std::size_t line_number = 1, const std::string& source = "test.txt") {
  std::vector<std::string> tokens;
  tokenize_line(line, options, line_number, source, tokens);
  return tokens;
}

// The message of the Error that `line` raises, or "<no error>".
std::string tokenize_error(std::string_view line, const TokenizerOptions& options, std::size_t line_number,
                           const std::string& source) {
  try {
    tokenize(line, options, line_number, source);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}


TokenizerOptions raw_options() {
  TokenizerOptions options;
  options.lowercase = false;
  options.strip_punctuation = false;
  return options;
}

using Tokens = std::vector<std::string>;

TEST(Text, KeepsAReplacedByteAtTheEndOfAWordWhenStrippingPunctuation) {
  // Latin-1 "café" read as UTF-8: the replacement character stands for a letter, not punctuation.
  EXPECT_EQ(tokenize("caf\xE9 (caf\xE9)", TokenizerOptions{}), (Tokens{"caf\uFFFD", "caf\uFFFD"}));
}

TEST(Text, SplitsOnAnyWhitespace) {
  EXPECT_EQ(tokenize("the quick  brown\tfox\r"), (Tokens{"the", "quick", "brown", "fox"}));
  EXPECT_EQ(tokenize("  leading and trailing   "), (Tokens{"leading", "and", "trailing"}));
  EXPECT_EQ(tokenize("a\vb\fc"), (Tokens{"a", "b", "c"}));
}

TEST(Text, SplitsOnUnicodeSpaces) {
  // U+00A0 no-break space, U+2003 em space, U+3000 ideographic space.
  EXPECT_EQ(tokenize("one\u00A0two\u2003three\u3000four"), (Tokens{"one", "two", "three", "four"}));
}

TEST(Text, AByteOrderMarkInsideTextSeparatesWords) {
  // Files joined together leave U+FEFF at the start of a later line (found by tests/fuzz).
  EXPECT_EQ(tokenize("\uFEFFthe end\uFEFF of\uFEFF\uFEFFit"), (Tokens{"the", "end", "of", "it"}));
}

TEST(Text, EmptyAndBlankLinesGiveNoTokens) {
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize(" \t \r").empty());
}

TEST(Text, ClearsTheOutputVectorFirst) {
  std::vector<std::string> tokens{"stale", "tokens"};
  tokenize_line("fresh", TokenizerOptions{}, 1, "test.txt", tokens);
  EXPECT_EQ(tokens, (Tokens{"fresh"}));
  tokenize_line("", TokenizerOptions{}, 2, "test.txt", tokens);
  EXPECT_TRUE(tokens.empty());
}

TEST(Text, LowercasesAsciiByDefault) {
  EXPECT_EQ(tokenize("The QUICK Brown fOX 42"), (Tokens{"the", "quick", "brown", "fox", "42"}));
}

TEST(Text, KeepsCaseWhenLowercasingIsOff) {
  TokenizerOptions options;
  options.lowercase = false;
  EXPECT_EQ(tokenize("The QUICK Brown", options), (Tokens{"The", "QUICK", "Brown"}));
  EXPECT_EQ(tokenize("ÉCOLE Ωμέγα", options), (Tokens{"ÉCOLE", "Ωμέγα"}));
}

TEST(Text, LowercasesLatin1) {
  EXPECT_EQ(tokenize("ÉCOLE"), (Tokens{"école"}));
  EXPECT_EQ(tokenize("ÀÇÈÑÖØÜÞ"), (Tokens{"àçèñöøüþ"}));
  // × (U+00D7) is a sign, not a letter; ß has no single-letter capital here and stays as it is.
  EXPECT_EQ(tokenize("a×b straße"), (Tokens{"a×b", "straße"}));
}

TEST(Text, LowercasesLatinExtendedA) {
  EXPECT_EQ(tokenize("ĀĄČĐĘĞĪŁŃŐŒŘŠŤŮŴŶ"), (Tokens{"āąčđęğīłńőœřšťůŵŷ"}));
  // The last capitals of the block: Ÿ, Ź, Ż and Ž (Polish, Czech, Slovak, Croatian...).
  EXPECT_EQ(tokenize("ŁÓDŹ ŻUBR ŽIŽEK ŸVES"), (Tokens{"łódź", "żubr", "žižek", "ÿves"}));
  // Turkish dotted capital İ lowercases to a plain i, not to the dotless ı.
  EXPECT_EQ(tokenize("İSTANBUL"), (Tokens{"istanbul"}));
}

TEST(Text, LowercasesGreek) {
  EXPECT_EQ(tokenize("ΑΘΗΝΑ ΣΟΦΙΑ"), (Tokens{"αθηνα", "σοφια"}));
  EXPECT_EQ(tokenize("ΫΪ"), (Tokens{"ϋϊ"}));
  // Capitals with tonos.
  EXPECT_EQ(tokenize("Άλφα Έψιλον Ήτα Ίωτα Όμικρον Ύψιλον Ώρα"),
            (Tokens{"άλφα", "έψιλον", "ήτα", "ίωτα", "όμικρον", "ύψιλον", "ώρα"}));
}

TEST(Text, LowercasesCyrillic) {
  EXPECT_EQ(tokenize("МОСКВА Ёж ЯЩИК"), (Tokens{"москва", "ёж", "ящик"}));
  EXPECT_EQ(tokenize("ЂЉЊЋЏІЇЄ"), (Tokens{"ђљњћџіїє"}));
}

TEST(Text, LeavesOtherScriptsAlone) {
  EXPECT_EQ(tokenize("東京 😀"), (Tokens{"東京", "😀"}));
}

TEST(Text, StripsLeadingAndTrailingPunctuation) {
  EXPECT_EQ(tokenize("(living) things, e.g. \"cats\"!"), (Tokens{"living", "things", "e.g", "cats"}));
  EXPECT_EQ(tokenize("...hello!!! [world]"), (Tokens{"hello", "world"}));
  EXPECT_EQ(tokenize("«Bonjour» ¿qué? “quoted” —dash—"), (Tokens{"bonjour", "qué", "quoted", "dash"}));
}

TEST(Text, KeepsInnerPunctuation) {
  EXPECT_EQ(tokenize("don't U.S. well-known e.g."), (Tokens{"don't", "u.s", "well-known", "e.g"}));
}

TEST(Text, DropsTokensMadeOnlyOfPunctuation) {
  EXPECT_EQ(tokenize("a -- b ... ; c … «»"), (Tokens{"a", "b", "c"}));
  EXPECT_TRUE(tokenize("!!! ?? -").empty());
}

TEST(Text, KeepsPunctuationWhenStrippingIsOff) {
  TokenizerOptions options;
  options.strip_punctuation = false;
  EXPECT_EQ(tokenize("(Living) e.g. --", options), (Tokens{"(living)", "e.g.", "--"}));
}

TEST(Text, ReplacesInvalidUtf8WithReplacementCharacterByDefault) {
  EXPECT_EQ(tokenize("ab\xFF" "cd"), (Tokens{"ab\uFFFD" "cd"}));
  EXPECT_EQ(tokenize("caf\xE9", raw_options()), (Tokens{"caf\uFFFD"}));
  // Each invalid byte becomes one U+FFFD; valid neighbours are kept.
  EXPECT_EQ(tokenize("x\xC0\xAFy é", raw_options()), (Tokens{"x\uFFFD\uFFFDy", "é"}));
}

TEST(Text, RejectsInvalidUtf8NamingSourceAndLine) {
  TokenizerOptions options;
  options.invalid_utf8 = InvalidUtf8::kReject;
  const std::string message = tokenize_error("good then bad\xFF", options, 7, "notes.txt");
  EXPECT_TRUE(Contains(message, "notes.txt"));
  EXPECT_TRUE(Contains(message, "line 7"));
  EXPECT_TRUE(Contains(message, "UTF-8"));
  EXPECT_TRUE(Contains(tokenize_error("\xED\xA0\x80", options, 12345, "big.txt"), "line 12,345"));
  // Valid text passes under the same policy.
  EXPECT_EQ(tokenize("école ok", options), (Tokens{"école", "ok"}));
}

TEST(Text, RejectsNulBytesAsBinaryWithEitherPolicy) {
  const std::string line("abc\0def", 7);
  for (InvalidUtf8 policy : {InvalidUtf8::kReplace, InvalidUtf8::kReject}) {
    TokenizerOptions options;
    options.invalid_utf8 = policy;
    const std::string message = tokenize_error(line, options, 3, "data.bin");
    EXPECT_TRUE(Contains(message, "binary"));
    EXPECT_TRUE(Contains(message, "line 3"));
    EXPECT_TRUE(Contains(message, "data.bin"));
  }
}

TEST(TextUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("école Ωμέγα москва 東京 😀"));
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));        // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));        // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));    // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));        // U+FFFD itself
}

TEST(TextUtf8, RejectsOverlongEncodings) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(TextUtf8, RejectsSurrogatesAndCodePointsPastTheEnd) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(TextUtf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("caf\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // € missing its last byte
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));      // 😀 missing its last byte
  EXPECT_FALSE(is_valid_utf8("\xE2\x82x"));         // continuation replaced by ASCII
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("a\xBF" "b"));
}

TEST(Text, FormatsNumbersWithThousandsSeparators) {
  EXPECT_EQ(with_commas(0), "0");
  EXPECT_EQ(with_commas(999), "999");
  EXPECT_EQ(with_commas(1000), "1,000");
  EXPECT_EQ(with_commas(18985), "18,985");
  EXPECT_EQ(with_commas(100000), "100,000");
  EXPECT_EQ(with_commas(1234567), "1,234,567");
  EXPECT_EQ(with_commas(-18985), "-18,985");
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(DecimalNumbers, TheOneGrammarEveryReaderUses) {
  for (const char* yes : {"0", "-1", "+2.5", ".5", "5.", "1e10", "1E-3", "-0.000e+0", "nan", "-NaN", "inf", "+Infinity",
                          "12345678901234567890123456789012345678901234567890123456789012345678901234567890.5"}) {
    EXPECT_TRUE(is_decimal_number(yes)) << yes;
  }
  for (const char* no : {"", "-", ".", "e5", "1e", "1e+", "0x1p-2", "0X10", "1.2.3", " 1", "1 ", "1f", "nan(1)", "infinit",
                         "--1", "+-1", "1,5", "١"}) {
    EXPECT_FALSE(is_decimal_number(no)) << no;
  }
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(TextControlCharacters, AreWordBreaksByDefault) {
  // An ANSI-coloured log line: ESC [ 3 1 m ... ESC [ 0 m.
  EXPECT_EQ(tokenize("\x1b[31mERROR\x1b[0m disk\x7f full\x01now"),
            (std::vector<std::string>{"31merror", "0m", "disk", "full", "now"}));
  EXPECT_EQ(tokenize("a\x0b" "b\x0c" "c"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(TextControlCharacters, StripRemovesThemAndJoinsWhatSurroundsThem) {
  TokenizerOptions options;
  options.control_characters = ControlCharacters::kStrip;
  EXPECT_EQ(tokenize("dis\x1bk\x7f full\x01", options), (std::vector<std::string>{"disk", "full"}));
  EXPECT_EQ(tokenize("tab\tand\rreturn stay spaces", options),
            (std::vector<std::string>{"tab", "and", "return", "stay", "spaces"}));
}

TEST(TextControlCharacters, RejectNamesTheFileLineAndByteAndEscapesTheCharacter) {
  TokenizerOptions options;
  options.control_characters = ControlCharacters::kReject;
  const std::string message = tokenize_error("ok \x1b[31mred", options, 7, "log.txt");
  EXPECT_EQ(message, "log.txt line 7: control character '\\x1B' at byte 4 of the line (choose to strip or replace "
                     "control characters to train on it)");
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_TRUE(Contains(tokenize_error("del\x7f", options, 1, "a.txt"), "'\\x7F' at byte 4"));
  EXPECT_EQ(tokenize("tab\tand\rreturn", options), (std::vector<std::string>{"tab", "and", "return"}));
}

TEST(TextWordLimit, AWordOverTheLimitFailsNamingTheLineAndIsNotKept) {
  const std::string longest(kMaxWordBytes, 'a');
  EXPECT_EQ(tokenize(longest + " b"), (std::vector<std::string>{longest, "b"}));
  const std::string message = tokenize_error("x " + longest + "a y", {}, 3, "big.txt");
  EXPECT_TRUE(ContainsAll(message, {"big.txt line 3: a word is longer than 65,536 bytes, the limit of words",
                                    "(it starts 'aaaa"}));
  EXPECT_LT(message.size(), 200u);
}

TEST(TextErrors, EveryErrorMessageIsPrintableAndCut) {
  // Whatever a message is built from (a file name, a word), no raw control byte reaches a terminal.
  const Error error(std::string("cannot open 'a\x1b[2Jb\0c.txt'\nsecond line", 38));
  EXPECT_EQ(std::string(error.what()), "cannot open 'a\\x1B[2Jb\\x00c.txt'\nsecond line");
  EXPECT_EQ(std::string(Error("caf\xE9").what()), "caf\\xE9");
  const std::string cut = Error(std::string(5000, 'x')).what();
  EXPECT_EQ(cut, std::string(1000, 'x') + "\u2026");
}

}  // namespace
}  // namespace embedlab
