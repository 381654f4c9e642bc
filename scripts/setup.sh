#!/usr/bin/env bash
# Installs what embedlab needs and is missing: Debian packages (apt-get as root, sudo otherwise)
# and npm packages. Idempotent and quick when everything is there.
#   scripts/setup.sh           what `npm test` and `npm start` need
#   scripts/setup.sh --bench   also the reference trainers for `npm run bench`
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js: Vite 8 needs 20.19+ (or 22.12+); Debian 12's own nodejs is 18.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)||a===21?0:1)' 2>/dev/null; then
  echo "setup: Node.js $(node -v 2>/dev/null || echo 'is missing'); embedlab needs Node.js 20.19+ or 22.12+ (e.g. from nodejs.org or NodeSource)" >&2
  exit 1
fi

# clang and libclang-rt-14-dev: the libFuzzer harnesses (scripts/fuzz.sh; `npm test` runs them briefly).
packages=(cmake make g++ libgtest-dev libxsimd-dev emscripten wabt chromium clang libclang-rt-14-dev)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(fasttext python3-gensim python3-torch python3-sklearn time)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or install sudo, or install them yourself: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: (re)install when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
fi
