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

# Fuzzing: ctest above replayed every fuzz corpus (fuzz/corpus/, every crash ever found)
# through the targets under gcc's sanitizers (fuzz_replay_*), then mutated each corpus for
# 3 s with a new seed (fuzz_mutate_*: a crash leaves build-asan/fuzz/fuzz-crash-<target>-*
# and prints its seed). That is BLIND mutation, libFuzzer's mutations without its coverage
# guidance: it only catches what lies a few mutations from the corpus. The real campaign
# is libFuzzer with clang (`fuzz/run.sh SECONDS [TARGET...]`, fuzz/README.md), not run
# here: its clang build alone costs 78 s of a fresh clone's 8-minute budget.

# The closing line: "N passed, M failed".
line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -n 1 || true)
if [ -z "$line" ]; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
[ "$total" -gt 0 ] || status=1
echo "tests: $((total - failed)) passed, ${failed} failed"
exit $status
