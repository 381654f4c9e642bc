#!/usr/bin/env bash
# `npm run bench`: set-up (with the reference trainers), build, corpus, then the benchmark table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --bench
bash scripts/build.sh >/dev/null
node scripts/prepare-corpus.mjs
node scripts/bench/bench.mjs "$@"
