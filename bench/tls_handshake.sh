#!/usr/bin/env bash
# What TLS on the listener costs the daemon (issue 17): N requests of GET /healthz, each on
# a new connection (curl, one process per request), against one greenlight over plain HTTP
# and one over HTTPS (a P-256 certificate made here by openssl); prints the daemon's own
# CPU time per request (utime + stime from /proc/PID/stat), so the load of the rest of the
# machine does not count. Usage: bench/tls_handshake.sh BINARY [N]
set -euo pipefail
bin=${1:?usage: tls_handshake.sh BINARY [N]}
n=${2:-300}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ms() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }

run() {  # run SCHEME EXTRA_DAEMON_KEYS
  local scheme=$1 keys=$2 p
  p=$(port)
  cat > "$dir/$scheme.toml" <<TOML
[daemon]
listen = "127.0.0.1:$p"
state_dir = "$dir/state-$scheme"
$keys
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:1"
  interval = "1h"
TOML
  "$bin" run "$dir/$scheme.toml" > "$dir/$scheme.log" 2>&1 &
  local pid=$! url="$scheme://127.0.0.1:$p/healthz"
  until curl -fsS --cacert "$dir/cert.pem" "$url" > /dev/null 2>&1; do sleep 0.1; done
  local before after start end
  before=$(cpu_ms $pid); start=$(date +%s%N)
  for _ in $(seq "$n"); do curl -fsS --cacert "$dir/cert.pem" "$url" > /dev/null; done
  after=$(cpu_ms $pid); end=$(date +%s%N)
  awk -v s="$scheme" -v c=$((after - before)) -v w=$(((end - start) / 1000000)) -v n="$n" \
    'BEGIN { printf "%-5s %d requests: daemon CPU %.3f ms per request, wall %.2f ms per request\n", s, n, c / n, w / n }'
  kill $pid; wait $pid 2>/dev/null || true
}
run http ""
run https "tls_cert_file = \"$dir/cert.pem\"
tls_key_file = \"$dir/key.pem\""
