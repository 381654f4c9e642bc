// Helpers shared by the GoogleTest files: error capture, message checks, the planted corpus.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/random.h"

namespace embedlab {

// The message of the embedlab::Error that `fn` throws, or "<no error>".
template <class Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

// Checks that `message` contains every one of `parts`.
inline ::testing::AssertionResult ContainsAll(const std::string& message, std::initializer_list<const char*> parts) {
  for (const char* part : parts) {
    if (message.find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "'" << message << "' does not contain '" << part << "'";
    }
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  return ContainsAll(text, {part.c_str()});
}

// Sentences about one of eight people (royal/common x male/female x adult/young), each mixing
// context words of the person's three attributes with filler, in random order. The only way to
// predict "crown" or "she" is through the attribute, so king - man + woman should land on queen.
inline std::string planted_corpus(int sentences, std::uint64_t seed) {
  const char* people[2][2][2] = {{{"king", "prince"}, {"queen", "princess"}}, {{"man", "boy"}, {"woman", "girl"}}};
  const std::vector<std::string> status[2] = {{"crown", "throne", "palace", "reign", "royal", "castle"},
                                              {"farm", "market", "village", "field", "cottage", "work"}};
  const std::vector<std::string> gender[2] = {{"he", "his", "him", "beard", "father", "husband"},
                                              {"she", "her", "hers", "dress", "mother", "wife"}};
  const std::vector<std::string> age[2] = {{"old", "wise", "tall", "married"}, {"little", "school", "toy", "play"}};
  const std::vector<std::string> filler = {"the", "a", "and", "of", "was", "in", "to"};
  const auto pick = [](const std::vector<std::string>& from, Rng& rng) {
    return from[rng.below(static_cast<std::uint32_t>(from.size()))];
  };
  Rng rng(seed);
  std::string text;
  std::vector<std::string> words;
  for (int s = 0; s < sentences; ++s) {
    const std::uint32_t r = rng.below(2), g = rng.below(2), a = rng.below(2);
    words = {people[r][g][a]};
    for (int k = 0; k < 2; ++k) words.push_back(pick(status[r], rng));
    for (int k = 0; k < 2; ++k) words.push_back(pick(gender[g], rng));
    words.push_back(pick(age[a], rng));
    for (int k = 0; k < 3; ++k) words.push_back(pick(filler, rng));
    for (std::size_t i = words.size(); i > 1; --i) std::swap(words[i - 1], words[rng.below(static_cast<std::uint32_t>(i))]);
    for (std::size_t i = 0; i < words.size(); ++i) text += words[i] + (i + 1 < words.size() ? " " : "\n");
  }
  return text;
}

}  // namespace embedlab
