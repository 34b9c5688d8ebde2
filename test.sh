#!/usr/bin/env bash
# Installs what the tests need, builds greenlight and every test once, with
# AddressSanitizer + UndefinedBehaviorSanitizer, and runs them all through ctest: the unit,
# engine, adapter and integration tests (the integration tests start this sanitized
# greenlight, so a memory error or a leak in the daemon fails them through its exit code).
# The Release build is run.sh's and bench/'s; building and running everything twice cost
# more than half of a fresh clone's test time (BENCHMARKS.md, "test.sh").
set -euo pipefail
cd "$(dirname "$0")"
source .ci/packages.sh
ensure_packages "${greenlight_build_packages[@]}" "${greenlight_test_packages[@]}"

jobs=$(nproc)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "==> building greenlight and every test with AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DGREENLIGHT_SANITIZE=ON -DBUILD_TESTING=ON \
  -DGREENLIGHT_BENCH=ON -DGREENLIGHT_UNITY=ON >/dev/null
cmake --build build-asan -j "$jobs"
echo "==> ctest: every test under sanitizers"
status=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" 2>&1 | tee "$log" || status=1

# Live fuzzing (fuzz/README.md): ctest above replayed every fuzz corpus under gcc's
# sanitizers; here a lean clang build fuzzes the targets that need only the model library or
# a few sources, 5 s each. http_api needs the whole daemon under clang (about 3 more minutes
# of a fresh clone's budget, BENCHMARKS.md "Under fire"): its corpus is replayed above, and
# `fuzz/run.sh 600 http_api` fuzzes it.
echo "==> fuzzing model_load, nagios, exposition, promql, receiver_answers for 5 s each (clang, libFuzzer) into build-fuzz/"
fuzz_status=0
fuzz/run.sh 5 model_load nagios exposition promql receiver_answers || fuzz_status=1

# The closing line: "N passed, M failed".
line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -n 1 || true)
if [ -z "$line" ]; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
[ "$total" -gt 0 ] || status=1
[ "$fuzz_status" -eq 0 ] || { echo "fuzzing found a crash (above)"; status=1; }
echo "tests: $((total - failed)) passed, ${failed} failed"
exit $status
