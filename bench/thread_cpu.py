#!/usr/bin/env python3
"""CPU per thread of a running daemon (issue 16): where a probe's CPU goes, the event loop's
thread or the engine's. Starts nginx and greenlight with N http signals at INTERVAL_S (the
model of probe_kinds_bench.py), waits 15 s, then `perf stat --per-thread` (task-clock,
context switches) over WINDOW_S seconds. Needs perf (linux-perf) and a Release build.

  bench/thread_cpu.py BINARY N INTERVAL_S WINDOW_S
"""
import os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_kinds_bench as b  # noqa: E402

binary, n, iv, win = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
work = tempfile.mkdtemp(prefix="greenlight-threads-")
hp, sp, cert = b.start_nginx(work)
gl = b.free_port()
proc, _ = b.start_daemon(binary, b.model("http", n, iv, gl, work, hp, sp, cert, False), gl, work)
try:
    time.sleep(15)
    n0 = b.nginx_counts(hp)[1]
    r = subprocess.run(["perf", "stat", "--per-thread", "-e", "task-clock,context-switches", "-p", str(proc.pid),
                        "--", "sleep", win], capture_output=True, text=True)
    probes = b.nginx_counts(hp)[1] - n0
    print(f"probes in the window: {probes}")
    for line in r.stderr.splitlines():
        f = line.split()
        if len(f) > 2 and f[1] != "<not" and f[2] in ("msec", "context-switches"):
            value = float(f[1].replace(",", ""))
            per = value * 1000 / probes if f[2] == "msec" else value / probes
            unit = "us a probe" if f[2] == "msec" else "switches a probe"
            print(f"{f[0]:>20} {f[1]:>10} {f[2]:<17} {per:8.2f} {unit}")
finally:
    proc.terminate()
    proc.wait()
    subprocess.run(["nginx", "-c", f"{work}/nginx.conf", "-p", work, "-s", "stop"])
