// Shared by the libFuzzer harnesses: a property check that stops the run with a message (libFuzzer
// then saves the input as a crash file), and the comparisons the round-trip properties need.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/embeddings.h"

namespace embedlab::fuzz {

// A failed property is a finding: print it and abort, so the input is kept as a crash artifact.
[[noreturn]] inline void fail(const std::string& property) {
  std::fprintf(stderr, "embedlab fuzz: property failed: %s\n", property.c_str());
  std::abort();
}

inline void check(bool holds, const std::string& property) {
  if (!holds) fail(property);
}

// Same words in the same order and bit-identical vectors (so -0 differs from 0).
inline bool identical(const Embeddings& a, const Embeddings& b) {
  return a.words() == b.words() && a.dim() == b.dim() && a.data().size() == b.data().size() &&
         std::memcmp(a.data().data(), b.data().data(), a.data().size() * sizeof(float)) == 0;
}

}  // namespace embedlab::fuzz
