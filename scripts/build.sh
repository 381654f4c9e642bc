#!/usr/bin/env bash
# Builds what is stale (CMake tracks staleness):
#   build/       native library, CLI (build/embedlab) and GoogleTest binary
#   build-wasm/  the WebAssembly module, written to src/js/wasm/ (single-threaded and pthreads)
#   dist/        the playground as a static site (Vite build; any static file server, see README)
#   scripts/build.sh [--native-only | --wasm-only | --site-only]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
what="${1:-all}"

if [[ "$what" != "--wasm-only" && "$what" != "--site-only" ]]; then
  if [[ ! -f build/CMakeCache.txt ]]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build build -j "$jobs"
fi

if [[ "$what" != "--native-only" && "$what" != "--site-only" ]]; then
  # Emscripten 3.1.6 quirks (see docs/TOOLCHAIN.md): its JS optimiser needs Debian's node
  # modules, and Node 20 rejects the emulator flag emcmake injects.
  export NODE_PATH=/usr/share/nodejs
  if ! command -v emcmake >/dev/null 2>&1; then
    echo "build: emscripten is missing; run scripts/setup.sh" >&2
    exit 1
  fi
  if [[ ! -f build-wasm/CMakeCache.txt ]]; then
    emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch" >/dev/null
  fi
  cmake --build build-wasm -j "$jobs"
fi

if [[ "$what" == "all" || "$what" == "--site-only" ]]; then
  # The page's default corpus travels with the site; make it if it is missing.
  [[ -f data/wordnet-glosses.txt ]] || node scripts/prepare-corpus.mjs
  node node_modules/vite/bin/vite.js build --config web/vite.config.js --logLevel warn
  echo "build: static site in dist/ (serve it with any static file server; see README, Deploying)"
fi
