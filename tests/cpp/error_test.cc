// quote(): how messages echo user text (words, option values, lines of files).
#include "core/error.h"

#include <gtest/gtest.h>

#include <string>

namespace embedlab {
namespace {

TEST(Quote, QuotesPlainText) {
  EXPECT_EQ(quote("quene"), "'quene'");
  EXPECT_EQ(quote(""), "''");
  EXPECT_EQ(quote("café ßtraße"), "'café ßtraße'");  // UTF-8 stays readable
}

TEST(Quote, EscapesControlCharactersNulAndInvalidUtf8) {
  EXPECT_EQ(quote(std::string("a\tb\nc\0d\x7F", 8)), "'a\\x09b\\x0Ac\\x00d\\x7F'");
  EXPECT_EQ(quote("caf\xE9!"), "'caf\\xE9!'");             // Latin-1, not UTF-8
  EXPECT_EQ(quote("\xC3"), "'\\xC3'");                      // a cut-off sequence
  EXPECT_EQ(quote("\xED\xA0\x80"), "'\\xED\\xA0\\x80'");    // a surrogate
}

TEST(Quote, CutsLongTextAfterSixtyCharactersAndGivesItsSize) {
  EXPECT_EQ(quote(std::string(60, 'x')), "'" + std::string(60, 'x') + "'");
  EXPECT_EQ(quote(std::string(61, 'x')), "'" + std::string(60, 'x') + "\u2026' (61 bytes)");
  const std::string message = quote(std::string(5000, 'w'));
  EXPECT_EQ(message, "'" + std::string(60, 'w') + "\u2026' (5,000 bytes)");
  // Characters, not bytes: 70 two-byte letters keep 60 of them, whole.
  std::string accents;
  for (int i = 0; i < 70; ++i) accents += "é";
  std::string kept;
  for (int i = 0; i < 60; ++i) kept += "é";
  EXPECT_EQ(quote(accents), "'" + kept + "\u2026' (140 bytes)");
  // An escape counts as one character.
  EXPECT_EQ(quote(std::string(100, '\0')).substr(0, 9), "'\\x00\\x00");
  EXPECT_EQ(quote(std::string(100, '\0')).size(), 1 + 60 * 4 + std::string("\u2026' (100 bytes)").size());
}

}  // namespace
}  // namespace embedlab
