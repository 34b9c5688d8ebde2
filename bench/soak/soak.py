#!/usr/bin/env python3
"""Soak: `greenlight demo` (the shop model, examples/shop.toml) run for a long time with
faults injected on a schedule, its resources sampled.

Every --sample seconds it records the daemon's RSS, open file descriptors and threads
(/proc/PID), and the size of every file in its state_dir (outbox.jsonl, events.jsonl, ...).
At the end it prints, as JSON, each series' growth after the warm-up: the mean of the last
tenth of the run against the mean of the first tenth after warm-up (<= 5 % is flat), and
each file's maximum size (bounded files stop growing once their compaction kicks in).

    python3 bench/soak/soak.py --binary build-release/greenlight --duration 3600 --interval 1s
    python3 bench/soak/soak.py --binary build-release/greenlight --duration 3600 --interval 200ms \
        --port-offset 200 --listen 127.0.0.1:9951       # the faster clock: 5x the probes and faults

The fault schedule (scaled by the interval): every 40 intervals the next of database,
recommendations, pricing, payments, backup is injected for 15 intervals, then cleared;
at least 10 s each way, so that a fault outlasts the demo route's group_wait (5 s) and
pages (the first 200 ms soak, before this floor, paged nobody: BENCHMARKS.md).

The warm-up (--warmup, a fraction of the run) must cover the filling of the event log's
in-memory ring (the last 2,000 events): about 18 min at 200 ms, about 70 min at 1 s.
`--recount CSV --warmup F` prints the summary again from a run's --csv with another
warm-up.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

FAULTS = ["database", "recommendations", "pricing", "payments", "backup"]


def seconds(text):
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    if text.endswith("s"):
        return float(text[:-1])
    raise SystemExit("interval like 1s or 200ms")


def post_fault(listen, fault, active):
    body = json.dumps({"fault": fault, "active": active}).encode()
    req = urllib.request.Request(f"http://{listen}/demo/faults", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()


def proc_sample(pid):
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    anon = 0  # of the RSS, what malloc and the stacks hold (the rest is the mapped binary and libraries)
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Anonymous:"):
                anon = int(line.split()[1])
    return rss, fds, threads, anon


def dir_sizes(d):
    out = {}
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if os.path.isfile(p):
            out[name] = os.path.getsize(p)
    return out


def growth(values, warmup_index):
    rest = values[warmup_index:]
    if len(rest) < 10:
        return None
    k = max(1, len(rest) // 10)
    first = sum(rest[:k]) / k
    last = sum(rest[-k:]) / k
    return round(100.0 * (last - first) / first, 2) if first else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build-release/greenlight")
    ap.add_argument("--duration", type=float, default=3600, help="seconds")
    ap.add_argument("--interval", default="1s", help="the demo's probe interval (at least 200ms)")
    ap.add_argument("--sample", type=float, default=10, help="seconds between samples")
    ap.add_argument("--warmup", type=float, default=0.2, help="fraction of the run that is warm-up")
    ap.add_argument("--listen", default="127.0.0.1:9950")
    ap.add_argument("--port-offset", type=int, default=100)
    ap.add_argument("--csv", default="", help="write every sample here")
    ap.add_argument("--recount", default="", help="only summarise this --csv of an earlier run")
    args = ap.parse_args()
    if args.recount:
        with open(args.recount) as f:
            rows = [{k: float(v) if v else 0 for k, v in r.items()} for r in csv.DictReader(f)]
        print(json.dumps(summarise(rows, args.warmup, {"csv": args.recount, "samples": len(rows)}), indent=2))
        return

    step = seconds(args.interval)
    state = tempfile.mkdtemp(prefix="greenlight-soak-")
    log = open(os.path.join(tempfile.gettempdir(), os.path.basename(state) + ".log"), "w")
    proc = subprocess.Popen([args.binary, "demo", "--listen", args.listen, "--port-offset", str(args.port_offset),
                             "--state-dir", state, "--interval", args.interval, "--log-format", "json"],
                            stdout=log, stderr=subprocess.STDOUT)
    cpu0 = os.times()
    rows = []
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{args.listen}/readyz", timeout=2).read()
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit("the demo did not become ready; see " + log.name)
                time.sleep(0.2)
        start = time.time()
        next_sample = start
        fault_i, fault_on, fault_at = 0, None, start + 10 * step
        injected = 0
        while time.time() - start < args.duration:
            if proc.poll() is not None:
                raise SystemExit(f"the daemon exited with {proc.returncode}; see {log.name}")
            now = time.time()
            if now >= fault_at:
                if fault_on is None:
                    fault_on = FAULTS[fault_i % len(FAULTS)]
                    post_fault(args.listen, fault_on, True)
                    injected += 1
                    fault_at = now + max(15 * step, 10)  # longer than the demo's group_wait (5 s)
                else:
                    post_fault(args.listen, fault_on, False)
                    fault_on, fault_i = None, fault_i + 1
                    fault_at = now + max(25 * step, 10)
            if now >= next_sample:
                rss, fds, threads, anon = proc_sample(proc.pid)
                rows.append({"t": round(now - start, 1), "rss_kib": rss, "anon_kib": anon, "fds": fds, "threads": threads,
                             **{"bytes:" + k: v for k, v in dir_sizes(state).items()}})
                next_sample += args.sample
            time.sleep(min(0.05, step / 4))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    keys = sorted({k for r in rows for k in r})
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=keys)
            w.writeheader()
            w.writerows(rows)
    head = {"duration_s": args.duration, "interval": args.interval, "samples": len(rows),
            "faults_injected": injected,
            "pages": sum(1 for line in open(log.name) if line.startswith("demo: page"))}
    print(json.dumps(summarise(rows, args.warmup, head), indent=2))
    shutil.rmtree(state, ignore_errors=True)


def summarise(rows, warmup, head):
    keys = sorted({k for r in rows for k in r})
    warm = int(len(rows) * warmup)
    summary = dict(head, warmup_samples=warm, growth_after_warmup_pct={}, first_after_warmup={}, last={}, max={})
    for k in ["rss_kib", "anon_kib", "fds", "threads"] + [k for k in keys if k.startswith("bytes:")]:
        series = [r.get(k, 0) for r in rows]
        if not series:
            continue
        summary["growth_after_warmup_pct"][k] = growth(series, warm)
        summary["first_after_warmup"][k] = series[warm] if warm < len(series) else None
        summary["last"][k] = series[-1]
        summary["max"][k] = max(series)
    return summary


if __name__ == "__main__":
    main()
