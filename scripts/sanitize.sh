#!/usr/bin/env bash
# The C++ test suite built with AddressSanitizer + UndefinedBehaviorSanitizer (build-sanitize/):
# any memory error, leak or undefined behaviour fails the run. `npm test` runs it after the plain
# C++ suite.
#   scripts/sanitize.sh            build what is stale, then run every C++ test
#   scripts/sanitize.sh FILTER     only the tests whose name matches the ctest regex FILTER
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [[ ! -f build-sanitize/CMakeCache.txt ]]; then
  # Optimised (the training tests stay quick) but with line numbers in reports.
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEMBEDLAB_SANITIZE=ON >/dev/null
fi
cmake --build build-sanitize -j "$jobs" --target embedlab_tests embedlab
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-sanitize --output-on-failure --timeout 600 -j "$jobs" ${1:+-R "$1"}
