#!/usr/bin/env bash
# `npm test`: set-up, build what is stale, prepare the corpus, then every test suite:
# C++ (ctest, in parallel; each fuzz harness for 5 s under ASan + UBSan; scripts/sanitize.sh, the
# input-handling suites under ASan + UBSan, is left to run by hand: about 3 minutes more), the npm package in Node on both
# wasm builds (tests/js), the page in Chromium (tests/e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/prepare-corpus.mjs
echo "== C++ tests (ctest) =="
ctest --test-dir build --output-on-failure --timeout 600 -j "$(nproc 2>/dev/null || echo 2)"
echo "== fuzz harnesses, 5 seconds each (scripts/fuzz.sh --smoke) =="
bash scripts/fuzz.sh --smoke
# The package suite runs on both wasm builds (init() reads EMBEDLAB_VARIANT). The CLI suites run
# once, on the threads build that Node loads by default: they test the command line, not the build.
echo "== npm package tests on the mt build (EMBEDLAB_VARIANT=mt node --test tests/js) =="
EMBEDLAB_VARIANT=mt node --test --test-reporter=spec tests/js/
st_files=()
for file in tests/js/*.test.mjs; do
  case "$file" in tests/js/cli.test.mjs|tests/js/cli-parity.test.mjs) ;; *) st_files+=("$file") ;; esac
done
echo "== npm package tests on the st build (EMBEDLAB_VARIANT=st node --test, all but the CLI suites) =="
EMBEDLAB_VARIANT=st node --test --test-reporter=spec "${st_files[@]}"
echo "== playground tests (headless Chromium) =="
node --test --test-reporter=spec tests/e2e/
