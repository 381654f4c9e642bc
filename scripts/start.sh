#!/usr/bin/env bash
# `npm start`: set-up, build what is stale, prepare the default corpus, then serve the playground
# on 127.0.0.1 (cross-origin isolated, so multi-threaded training works). Prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh --wasm-only
node scripts/prepare-corpus.mjs
exec node node_modules/vite/bin/vite.js --config web/vite.config.js "$@"
