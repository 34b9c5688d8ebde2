#!/usr/bin/env bash
# Every figure of BENCHMARKS.md "Probe engine (issue 16)" in one run, so that the peers,
# the floor clients and greenlight share the machine's load:
#   bench/issue16_figures.sh OUT_DIR [BEFORE_BINARY]
# BEFORE_BINARY (optional): the parent commit's Release build, measured side by side with
# this one for the idle and 1,000 x 10 s figures. Needs the peers of ../shared/bench-peers
# (nginx-light, prometheus, prometheus-blackbox-exporter, prometheus-alertmanager), gcc,
# openssl, a Release build in build-release/. Ports 41xxx on 127.0.0.1. Takes ~40 min.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
before=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$here/../shared/bench-peers" && pwd)
bin=${GREENLIGHT_BIN:-$here/build-release/greenlight}  # a copy, if you rebuild meanwhile
kinds="python3 $here/bench/probe_kinds_bench.py"
both=(--bin "$bin"); [ -n "$before" ] && both=(--bin "$before" --bin "$bin")

export RUNS_DIR=$out/runs RESULTS=$out/w1.jsonl NGINX_PORT=41080 BB_PORT=41115 PROM_PORT=41090 AM_PORT=41093 \
       HOOK_PORT=41099 SUT_PORT=41190 SUT_BIN=$bin SUT_HOOK=$here/bench/greenlight-hook.sh \
       SUT_READY_URL=http://127.0.0.1:41190/readyz
mkdir -p "$RUNS_DIR"
log() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$out/log"; }
log "load: $(cat /proc/loadavg)"

# Floor (HTTP), greenlight and Prometheus + blackbox through the peer harness (W1).
gcc -O2 -o "$out/floor_kinds" "$here/bench/floor_kinds.c" -lssl -lcrypto
for rep in 1 2; do
  log "W1 sut 10000 x 10 s, rep $rep"; (cd "$peers" && ./w1.sh sut 10000 10 1)
  log "W1 sut 1000 x 10 s, rep $rep"; (cd "$peers" && ./w1.sh sut 1000 10 1)
  log "W1 prometheus 1000 x 10 s, rep $rep"; (cd "$peers" && ./w1.sh prometheus 1000 10 1)
done
# The kinds, idle, and side by side with the parent commit (own nginx, same window).
log "http 1000 x 60 s (idle)"; $kinds http 1000 60 --window 120 "${both[@]}" >> "$out/kinds.jsonl"
log "http 1000 x 10 s"; $kinds http 1000 10 --window 60 "${both[@]}" --floor 20000 >> "$out/kinds.jsonl"
log "http 10000 x 10 s"; $kinds http 10000 10 --window 60 "${both[@]}" --floor 20000 >> "$out/kinds.jsonl"
log "http 1000 x 10 s keepalive"; $kinds http 1000 10 --window 60 --bin "$bin" --keepalive >> "$out/kinds.jsonl"
log "https 1000 x 10 s"; $kinds https 1000 10 --window 60 --bin "$bin" --floor 5000 >> "$out/kinds.jsonl"
log "https 1000 x 10 s keepalive"; $kinds https 1000 10 --window 60 --bin "$bin" --keepalive >> "$out/kinds.jsonl"
log "tcp 1000 x 10 s"; $kinds tcp 1000 10 --window 60 --bin "$bin" --floor 20000 >> "$out/kinds.jsonl"
log "exec 100 x 10 s"; $kinds exec 100 10 --window 60 --bin "$bin" --floor 2000 >> "$out/kinds.jsonl"
log "http 100000 x 60 s on one core"
$kinds http 100000 60 --window 120 --warmup 75 --bin "$bin" --cpu 0 --no-metrics >> "$out/kinds.jsonl"
[ -n "$before" ] && { log "http 100000 x 60 s on one core, the parent"
  $kinds http 100000 60 --window 120 --warmup 75 --bin "$before" --cpu 0 --no-metrics >> "$out/kinds.jsonl"; }
# Detection (W2): greenlight and Prometheus + Alertmanager, 10 flips each.
export RESULTS=$out/w2.jsonl
log "W2 sut"; (cd "$peers" && ./w2.sh sut 10 1)
log "W2 prometheus"; (cd "$peers" && ./w2.sh prometheus 10 1)
log "load: $(cat /proc/loadavg)"
log done
