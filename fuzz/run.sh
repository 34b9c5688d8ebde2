#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and fuzzes each for SECONDS
# (default 5) on top of its corpus in fuzz/corpus/<target>. New inputs go to a temporary
# directory (fuzz/README.md says how to keep them); a crash, a leak, a failed property or a
# timeout fails the run, and the input is left in build-fuzz/crashes/ to be added to the
# corpus (and to a regression test).
#
#   fuzz/run.sh            # every target, 5 s each
#   fuzz/run.sh 3600 http_api model_load    # an hour each for two targets
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_load http_api nagios exposition promql receiver_answers)
jobs=$(nproc)
source .ci/packages.sh
ensure_packages "${greenlight_fuzz_packages[@]}"

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1 \
  -DCMAKE_CXX_COMPILER=clang++ -DGREENLIGHT_FUZZ=ON -DBUILD_TESTING=OFF -DGREENLIGHT_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

mkdir -p build-fuzz/crashes
status=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  # -rss_limit_mb: ASan's shadow counts; -timeout: a single input taking 10 s is a hang.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t-" "${dict[@]}" "$work" "fuzz/corpus/$t" \
    >"$work.log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
    echo "fuzz $t: ${seconds}s, ${execs:-?} runs, no crash"
  else
    echo "fuzz $t: FAILED; the input is in build-fuzz/crashes/; log:"
    grep -v "^#\|^INFO\|^MERGE" "$work.log" | tail -40
    status=1
  fi
  rm -rf "$work" "$work.log"
done
exit $status
