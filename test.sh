#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test through ctest: the unit,
# adapter and integration tests, then all of them again under AddressSanitizer + UBSan
# (there the integration tests start a sanitized greenlight, so a memory error or a leak in
# the daemon fails them).
set -euo pipefail
cd "$(dirname "$0")"
source .ci/packages.sh
ensure_packages "${greenlight_build_packages[@]}" "${greenlight_test_packages[@]}"

jobs=$(nproc)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "==> building (Release, with tests) into build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON -DGREENLIGHT_BENCH=ON >/dev/null
cmake --build build -j "$jobs"
echo "==> ctest: unit and integration tests"
status=0
ctest --test-dir build --output-on-failure -j "$jobs" 2>&1 | tee "$logs/main.log" || status=1

echo "==> building greenlight and every test with AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGREENLIGHT_SANITIZE=ON \
  -DGREENLIGHT_UNIT_TESTS_ONLY=OFF -DBUILD_TESTING=ON >/dev/null
cmake --build build-asan -j "$jobs"
echo "==> ctest: every test under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" 2>&1 | tee "$logs/asan.log" || status=1

# One closing line over both runs: "N passed, M failed".
total_failed=0
total=0
for log in "$logs"/*.log; do
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then status=1; continue; fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  count=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  total_failed=$((total_failed + failed))
  total=$((total + count))
done
[ "$total" -gt 0 ] || status=1
echo "tests: $((total - total_failed)) passed, ${total_failed} failed"
exit $status
