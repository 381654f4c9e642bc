#!/usr/bin/env bash
# C++ tests built with AddressSanitizer + UndefinedBehaviorSanitizer: any memory error, leak or
# undefined behaviour fails the run. The tests run in one process (one ASan start-up, not one per
# test as under ctest).
#   scripts/sanitize.sh [FILTER]        the suites of the code that reads user input: text, corpus,
#                                       tokenizer, formats, model, evaluation, embeddings, options,
#                                       command line, projection, matrix, errors (build-sanitize/;
#                                       what `npm test` runs: the whole suite would add ~7 minutes)
#   scripts/sanitize.sh --all [FILTER]  every suite, training and kernels too (build-sanitize-all/)
# FILTER is a GoogleTest --gtest_filter pattern.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
dir=build-sanitize
tests="text;corpus;tokenizer;formats;model;evaluation;embeddings;options;command_line;projection;matrix;error"
if [[ "${1:-}" == "--all" ]]; then
  dir=build-sanitize-all
  tests=""
  shift
fi
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  # Optimised (the training tests stay quick) but with line numbers in reports.
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEMBEDLAB_SANITIZE=ON "-DEMBEDLAB_TESTS=$tests" >/dev/null
fi
cmake --build "$dir" -j "$jobs" --target embedlab_tests
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
"$dir/embedlab_tests" --gtest_brief=1 ${1:+--gtest_filter="$1"}
