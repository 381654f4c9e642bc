#!/usr/bin/env bash
# `npm test`: set-up, build, corpus, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/prepare-corpus.mjs
echo "== C++ tests (ctest) =="
ctest --test-dir build --output-on-failure --timeout 600
