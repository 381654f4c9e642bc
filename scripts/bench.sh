#!/usr/bin/env bash
# `npm run bench`: set-up (with the reference trainers), build, corpus, then the benchmark tables
# (training, query latency, byte-pair tokenizers, the page in Chromium); each also lands in bench-out/*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --bench
bash scripts/build.sh >/dev/null
node scripts/prepare-corpus.mjs
echo "== training: embedlab (native and wasm) vs fastText vs gensim =="
node scripts/bench/bench.mjs "$@"
echo
echo "== queries: top-10 mostSimilar, wasm vs plain JavaScript =="
node scripts/bench/queries.mjs
echo
echo "== byte-pair tokenizers: training, and GPT-2 encoding vs js-tiktoken =="
node scripts/bench/bpe.mjs
echo
echo "== the playground in headless Chromium =="
node scripts/bench/page.mjs
