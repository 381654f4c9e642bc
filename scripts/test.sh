#!/usr/bin/env bash
# `npm test`: set-up, build what is stale, prepare the corpus, then every test suite:
# C++ (ctest), the npm package in Node (node --test tests/js), the page in Chromium (tests/e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/prepare-corpus.mjs
echo "== C++ tests (ctest) =="
ctest --test-dir build --output-on-failure --timeout 600
echo "== npm package tests (node --test tests/js) =="
node --test --test-reporter=spec tests/js/
echo "== playground tests (headless Chromium) =="
node --test --test-reporter=spec tests/e2e/
