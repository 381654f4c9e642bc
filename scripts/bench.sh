#!/usr/bin/env bash
# `npm run bench`: set-up (with the reference trainers), build, corpus, then the benchmark tables
# (training, query latency, byte-pair tokenizers, the page in Chromium, the language model, 2-D maps,
# the live map's cost, big vectors); each also lands in bench-out/*.md. A first argument naming one part runs
# only that part, with the rest of the arguments passed to it:  npm run bench -- lm --repeat 1 --threads 1
set -euo pipefail
cd "$(dirname "$0")/.."
parts=(training queries bpe page lm projection live-map big-vectors)
if [[ " ${parts[*]} " == *" ${1:-} "* ]]; then
  parts=("$1")
  shift
fi
bash scripts/setup.sh --bench
bash scripts/build.sh >/dev/null
node scripts/prepare-corpus.mjs
for part in "${parts[@]}"; do
  case "$part" in
    training)
      echo "== training: embedlab (native and wasm) vs fastText vs gensim =="
      node scripts/bench/bench.mjs "$@" ;;
    queries)
      echo "== queries: top-10 mostSimilar, wasm vs plain JavaScript =="
      node scripts/bench/queries.mjs ;;
    bpe)
      echo "== byte-pair tokenizers: training, and GPT-2 encoding vs js-tiktoken =="
      node scripts/bench/bpe.mjs ;;
    page)
      echo "== the playground in headless Chromium =="
      node scripts/bench/page.mjs "$@" ;;
    lm)
      echo "== language model: embedlab (native and wasm) vs TensorFlow.js (wasm) vs PyTorch =="
      node scripts/bench/lm.mjs "$@" ;;
    live-map)
      echo "== the map while training: words/s with and without it =="
      node scripts/bench/live-map.mjs "$@" ;;
    projection)
      echo "== maps: embedlab t-SNE and UMAP (native, wasm) vs scikit-learn t-SNE, umap-js, tsne-js =="
      node scripts/bench/projection.mjs "$@" ;;
    big-vectors)
      echo "== big vectors: loading a 400,000 x 300 GloVe file, exact and indexed queries (embedlab native, wasm; gensim) =="
      node scripts/bench/big-vectors.mjs "$@" ;;
  esac
  echo
done
