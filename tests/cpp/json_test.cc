// The small JSON reader: all of the grammar, exact integers, and errors with their byte offset.
#include "core/json.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "test_support.h"

namespace embedlab {
namespace {

TEST(Json, ParsesTheWholeGrammar) {
  const JsonValue v = parse_json(
      " {\"a\": [1, -2.5e3, 0], \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"t\": true, \"f\": false, \"n\": null, "
      "\"o\": {}, \"e\": []} ",
      "x");
  ASSERT_EQ(v.type, JsonValue::Type::kObject);
  ASSERT_EQ(v.members.size(), 7u);
  EXPECT_EQ(v.members[0].first, "a");
  const JsonValue& a = *v.find("a");
  ASSERT_EQ(a.items.size(), 3u);
  EXPECT_EQ(a.items[1].text, "-2.5e3");
  EXPECT_EQ(a.items[0].as_count("a[0]"), 1u);
  EXPECT_EQ(v.find("s")->text, "q\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_TRUE(v.find("t")->boolean);
  EXPECT_EQ(v.find("f")->type, JsonValue::Type::kBool);
  EXPECT_FALSE(v.find("f")->boolean);
  EXPECT_EQ(v.find("n")->type, JsonValue::Type::kNull);
  EXPECT_EQ(v.find("o")->type, JsonValue::Type::kObject);
  EXPECT_EQ(v.find("e")->type, JsonValue::Type::kArray);
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_EQ(parse_json("123456789012345678", "x").as_count("n"), 123456789012345678u);
  EXPECT_TRUE(Contains(error_of([] { parse_json("-1", "x").as_count("the size"); }), "the size is -1 (expected a whole number)"));
  EXPECT_TRUE(Contains(error_of([] { parse_json("1.5", "x").as_count("the size"); }), "the size is 1.5"));
  EXPECT_TRUE(Contains(error_of([] { parse_json("\"7\"", "x").as_count("the size"); }), "the size is a JSON string"));
}

TEST(Json, QuotingRoundTrips) {
  const std::string text = std::string("tab\there \"quoted\" back\\slash nul") + '\0' + "\x01 \xc3\xa9";
  EXPECT_EQ(parse_json(json_quote(text), "x").text, text);
  EXPECT_EQ(json_quote("a\"b"), "\"a\\\"b\"");
}

TEST(Json, MalformedInputNamesTheProblemAndByte) {
  const std::pair<std::string, const char*> cases[] = {
      {"{\"a\": [1, 2]}", "<no error>"},
      {"[1, 2,]", "header: expected a JSON value but found ']' at byte 6"},
      {"{\"a\": 1,}", "header: expected a quoted key but found '}' at byte 8"},
      {"{\"a\" 1}", "header: expected ':' but found '1' at byte 5"},
      {"{\"a\": 1, \"a\": 2}", "header: the key 'a' appears twice at byte 9"},
      {"\"abc", "header: the JSON ends inside a string at byte 4"},
      {"\"a\\qb\"", "header: unknown escape \\q at byte 2"},
      {"\"\\ud800x\"", "header: an unpaired surrogate in a \\u escape at byte 7"},
      {"01", "header: unexpected '1' after the value at byte 1"},
      {"1.", "header: expected a digit but found end at byte 2"},
      {"tru", "header: expected a JSON value but found 't' at byte 0"},
      {"", "header: the JSON ends where a value was expected at byte 0"},
      {std::string(100, '[') + std::string(100, ']'), "header: JSON nested deeper than 64 levels at byte 65"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_of([&] { parse_json(c.first, "header"); }), c.second) << c.first;
}

}  // namespace
}  // namespace embedlab
