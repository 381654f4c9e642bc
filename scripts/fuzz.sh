#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang, ASan and UBSan (build-fuzz/) and runs
# each in turn, one at a time, printing executions per second and findings per harness.
#   scripts/fuzz.sh SECONDS [HARNESS...]   each harness for SECONDS (600 = the 10-minute run)
#   scripts/fuzz.sh --smoke [HARNESS...]   5 seconds each (what `npm test` runs; skipped without clang)
# HARNESS is a name under tests/fuzz (vectors, numbers, round_trip, ...); all of them by default.
# Inputs that grow coverage collect in build-fuzz/corpus/<name> (the seeds in tests/fuzz/corpus/<name>
# are read, never written); a finding is saved as build-fuzz/findings/<name>-crash-... and makes the
# script exit non-zero. Replay one with: build-fuzz/tests/fuzz/fuzz_<name> FILE
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 ]]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
seconds="$1"
shift
smoke=false
if [[ "$seconds" == "--smoke" ]]; then
  seconds=5
  smoke=true
elif ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: expected a number of seconds or --smoke, got '$seconds'" >&2
  exit 2
fi
if ! command -v clang++ >/dev/null 2>&1 || [[ ! -f "$(clang++ -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]]; then
  echo "fuzz: needs clang++ with libFuzzer (Debian: clang libclang-rt-14-dev; scripts/setup.sh installs them)" >&2
  # The smoke run is the optional part of `npm test`: without clang it is skipped, not failed.
  $smoke && echo "fuzz: smoke run skipped" >&2 && exit 0
  exit 2
fi

if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEMBEDLAB_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
fi
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for source in tests/fuzz/fuzz_*.cc; do
    name="${source#tests/fuzz/fuzz_}"
    harnesses+=("${name%.cc}")
  done
fi
targets=()
for name in "${harnesses[@]}"; do
  if [[ ! -f "tests/fuzz/fuzz_$name.cc" ]]; then
    echo "fuzz: no harness '$name' (tests/fuzz/fuzz_$name.cc)" >&2
    exit 2
  fi
  targets+=("fuzz_$name")
done
cmake --build build-fuzz -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"

mkdir -p build-fuzz/findings build-fuzz/logs
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=()
printf '%-12s %8s %12s %10s %8s  %s\n' harness seconds executions exec/s corpus result
for name in "${harnesses[@]}"; do
  mkdir -p "build-fuzz/corpus/$name"
  log="build-fuzz/logs/$name.log"
  status=0
  "build-fuzz/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$name-" \
    "build-fuzz/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1 || status=$?
  stat() { grep -o "^stat::$1: *[0-9]*" "$log" | grep -o '[0-9]*$' || echo '?'; }
  result=ok
  if ((status != 0)); then
    result="FINDING (exit $status): $(grep -m1 -E 'ERROR|property failed|runtime error' "$log" || echo "see $log")"
    failed+=("$name")
  fi
  printf '%-12s %8s %12s %10s %8s  %s\n' "$name" "$seconds" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(ls "build-fuzz/corpus/$name" | wc -l)" "$result"
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}; the inputs are in build-fuzz/findings/, the logs in build-fuzz/logs/" >&2
  exit 1
fi
