#!/bin/sh
# Proves that `greenlight_fuzz_replay --mutate` fails when its target fails (ctest
# fuzz_mutate_selftest_*): on the toy target selftest_broken, which breaks on the token of
# DICT, it must exit non-zero, write the input to ./fuzz-crash-selftest_broken-<hash>, say
# so, and that file must break the target again when replayed.
#   fuzz/mutate_selftest.sh DRIVER WORKDIR DICT CORPUS
set -u
driver=$1 work=$2 dict=$3 corpus=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
if "$driver" --mutate 20 --seed 7 --dict "$dict" selftest_broken "$corpus" >out.txt 2>err.txt; then
  echo "FAIL: the broken target ran 20 s of mutations without failing"; cat out.txt; exit 1
fi
set -- fuzz-crash-selftest_broken-*
[ -f "$1" ] || { echo "FAIL: no fuzz-crash-selftest_broken-* file"; cat err.txt; exit 1; }
grep -q "the crashing input is in $1" err.txt || { echo "FAIL: the path was not printed"; cat err.txt; exit 1; }
if "$driver" selftest_broken "$1" >/dev/null 2>&1; then
  echo "FAIL: replaying $1 did not break the target"; exit 1
fi
echo "ok: $(head -1 out.txt); crashed on $1 (replayed: crashes again)"
