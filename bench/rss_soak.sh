#!/usr/bin/env bash
# Memory over a long run (issue 16): N http signals at INTERVAL_S against a local nginx,
# VmRSS sampled every minute for MINUTES; prints "minute rss_kib" lines.
#   bench/rss_soak.sh N INTERVAL_S MINUTES [BINARY]
set -euo pipefail
n=$1 iv=$2 minutes=$3 bin=${4:-$(cd "$(dirname "$0")/.." && pwd)/build-release/greenlight}
work=$(mktemp -d /tmp/greenlight-soak-XXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
np=$(port) gp=$(port)
mkdir -p "$work/tmp"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$np backlog=4096; location / { return 200 "ok\n"; } } }
NGINX
nginx -c "$work/nginx.conf" -p "$work"
python3 - "$n" "$iv" "$np" "$gp" "$work" > "$work/model.toml" <<'PY'
import sys
n, iv, np, gp, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
print(f'[daemon]\nlisten = "127.0.0.1:{gp}"\nstate_dir = "{work}/state"\ninterval = "{iv}s"\nlog_level = "warn"\n')
for i in range(n):
    print(f'[components.c{i}]\n  [[components.c{i}.signals]]\n  id = "p"\n  probe = "http"\n  url = "http://127.0.0.1:{np}/t/{i}"\n  timeout = "5s"\n')
PY
"$bin" run "$work/model.toml" > "$work/gl.log" 2>&1 &
pid=$!
trap 'kill $pid; wait $pid || true; kill "$(cat "$work/nginx.pid")"; rm -rf "$work"' EXIT
for m in $(seq 0 "$minutes"); do
  echo "$m $(awk '/VmRSS/ {print $2}' /proc/$pid/status) $(awk '/VmHWM/ {print $2}' /proc/$pid/status)"
  [ "$m" -lt "$minutes" ] && sleep 60
done
