#!/usr/bin/env bash
# `npm test`: set-up, build what is stale, prepare the corpus, then every test suite:
# C++ (ctest; the input-handling suites again under ASan + UBSan; each fuzz harness for 5 s), the npm package in Node on both
# wasm builds (tests/js), the page in Chromium (tests/e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/prepare-corpus.mjs
echo "== C++ tests (ctest) =="
ctest --test-dir build --output-on-failure --timeout 600
echo "== C++ tests with AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh) =="
bash scripts/sanitize.sh
echo "== fuzz harnesses, 5 seconds each (scripts/fuzz.sh --smoke) =="
bash scripts/fuzz.sh --smoke
# The whole package suite runs on both wasm builds (init() reads EMBEDLAB_VARIANT).
for variant in mt st; do
  echo "== npm package tests on the $variant build (EMBEDLAB_VARIANT=$variant node --test tests/js) =="
  EMBEDLAB_VARIANT=$variant node --test --test-reporter=spec tests/js/
done
echo "== playground tests (headless Chromium) =="
node --test --test-reporter=spec tests/e2e/
