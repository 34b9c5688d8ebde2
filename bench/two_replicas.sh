#!/bin/sh
# Issue 15 (SPEC 6.5): two greenlight replicas, two clustered Alertmanagers (Debian
# prometheus-alertmanager) and a webhook sink on loopback; a database outage must give
# exactly one firing and one resolved notification, also with a replica killed mid-incident
# and with one Alertmanager killed. Runs that integration test RUNS times (default 20) and
# prints how many passed.
# Usage: bench/two_replicas.sh [BUILD_DIR] [RUNS]
set -u
build=${1:-build-asan}
runs=${2:-20}
bin="$build/tests/greenlight_integration_tests"
[ -x "$bin" ] || { echo "no $bin: build greenlight_integration_tests first" >&2; exit 2; }
pass=0
start=$(date +%s)
i=1
while [ "$i" -le "$runs" ]; do
  if "$bin" "[alertmanager-cluster]" > "/tmp/two_replicas_run_$i.log" 2>&1; then
    pass=$((pass + 1))
    rm -f "/tmp/two_replicas_run_$i.log"
  else
    echo "run $i failed: /tmp/two_replicas_run_$i.log"
  fi
  i=$((i + 1))
done
echo "$pass/$runs runs: exactly one firing and one resolved notification ($(( $(date +%s) - start )) s)"
[ "$pass" -eq "$runs" ]
