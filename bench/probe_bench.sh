#!/usr/bin/env bash
# Probe-engine benchmark (issue 3): N HTTP signals at interval T against a local nginx
# started here with its own config on a free high port. Reports achieved vs scheduled
# probes per second, greenlight CPU microseconds per probe (from /proc), RSS, and the
# p99 scheduling lag (from greenlight's own greenlight_probe_schedule_lag_seconds).
#
#   bench/probe_bench.sh N [INTERVAL_SECONDS] [WINDOW_SECONDS]
#   bench/probe_bench.sh 10000 10 60
#   PERF_OUT=/tmp/perf.data bench/probe_bench.sh 1000 10 20   # with a CPU profile
#
# Needs: nginx (Debian nginx-light), python3, a Release build in build/.
set -euo pipefail
N=${1:-1000}
INTERVAL=${2:-10}
WINDOW=${3:-60}
BIN=${GREENLIGHT:-$(cd "$(dirname "$0")/.." && pwd)/build/greenlight}
command -v nginx >/dev/null || { echo "needs nginx (apt-get install nginx-light)" >&2; exit 1; }

work=$(mktemp -d /tmp/greenlight-bench-XXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nginx_port=$(free_port)
gl_port=$(free_port)
cleanup() {
  [ -n "${gl_pid:-}" ] && kill "$gl_pid" 2>/dev/null && wait "$gl_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 8192; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    location / { return 200 "ok\n"; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"

python3 - "$N" "$INTERVAL" "$nginx_port" "$gl_port" "$work" > "$work/model.toml" <<'PY'
import sys
n, interval, nport, gport, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
print(f'[daemon]\nlisten = "127.0.0.1:{gport}"\nstate_dir = "{work}/state"\ninterval = "{interval}s"\nlog_level = "warn"\n')
for i in range(n):
    print(f'[components.svc{i}]\n  [[components.svc{i}.signals]]\n  id = "http"\n  probe = "http"\n'
          f'  url = "http://127.0.0.1:{nport}/health/{i}"\n  timeout = "2s"\n')
print('[flows.all]\ncriticality = "high"\nsteps = [' + ", ".join(f'"svc{i}"' for i in range(0, n, max(1, n // 50))) + ']')
PY

"$BIN" run "$work/model.toml" > "$work/greenlight.log" 2>&1 &
gl_pid=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$gl_port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
sleep "$INTERVAL"  # one full interval of warm-up after the first round

sample() {  # cpu_ticks probe_runs lag_histogram_lines...
  local stat; stat=$(cat "/proc/$gl_pid/stat")
  local ticks; ticks=$(awk '{print $14 + $15}' <<<"${stat##*) }" | awk '{print $1}')
  ticks=$(echo "$stat" | sed 's/.*) //' | awk '{print $12 + $13}')
  curl -sf "http://127.0.0.1:$gl_port/metrics" > "$work/metrics.$1"
  echo "$ticks" > "$work/ticks.$1"
}
sample start
if [ -n "${PERF_OUT:-}" ]; then  # optional: a CPU profile of greenlight over the window
  perf record -F 999 -g -p "$gl_pid" -o "$PERF_OUT" -- sleep "$WINDOW" >/dev/null 2>&1
else
  sleep "$WINDOW"
fi
sample end
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$gl_pid/status")
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$gl_pid/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$gl_pid/status")

python3 - "$work" "$N" "$INTERVAL" "$WINDOW" "$(getconf CLK_TCK)" "$rss_kb" "$hwm_kb" "$threads" <<'PY'
import re, sys
work, n, interval, window, hz, rss, hwm, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
def metrics(tag):
    out = {}
    for line in open(f"{work}/metrics.{tag}"):
        if line.startswith("#"): continue
        name, value = line.rsplit(" ", 1)
        out[name] = float(value)
    return out
a, b = metrics("start"), metrics("end")
runs = lambda m: sum(v for k, v in m.items() if k.startswith("greenlight_probe_runs_total"))
fails = lambda m: sum(v for k, v in m.items() if k.startswith("greenlight_probe_runs_total") and 'result="fail"' in k)
probes = runs(b) - runs(a)
failed = fails(b) - fails(a)
ticks = int(open(f"{work}/ticks.end").read()) - int(open(f"{work}/ticks.start").read())
cpu_s = ticks / hz
buckets = []
for k, v in b.items():
    m = re.match(r'greenlight_probe_schedule_lag_seconds_bucket\{le="([^"]+)"\}', k)
    if m: buckets.append((float("inf") if m.group(1) == "+Inf" else float(m.group(1)), v - a.get(k, 0)))
buckets.sort()
total = buckets[-1][1] if buckets else 0
p99 = next((le for le, c in buckets if c >= 0.99 * total), float("nan"))
p50 = next((le for le, c in buckets if c >= 0.50 * total), float("nan"))
skipped = b.get("greenlight_probe_slots_skipped", 0) - a.get("greenlight_probe_slots_skipped", 0)
print(f"signals                 {n} at {interval:g}s, window {window:g}s, {threads} threads")
print(f"scheduled probes/s      {n / interval:.1f}")
print(f"achieved probes/s       {probes / window:.1f}  ({100 * probes / window / (n / interval):.1f}% of scheduled; {failed:.0f} failed; {skipped:.0f} slots skipped)")
print(f"CPU per probe           {1e6 * cpu_s / probes:.0f} us  ({100 * cpu_s / window:.1f}% of one core)")
print(f"RSS                     {rss / 1024:.1f} MiB (peak {hwm / 1024:.1f} MiB)")
print(f"scheduling lag          p50 <= {p50 * 1000:g} ms, p99 <= {p99 * 1000:g} ms (histogram bucket bounds)")
PY
