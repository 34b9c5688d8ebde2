#!/usr/bin/env python3
"""Exec under fire: timed-out plugin runs, then a count of zombies and leftover processes.

The plugin forks a grandchild and sleeps; every run times out (timeout 100 ms), so the
daemon kills the plugin's process group. Variants:
  timeout        `sleep 3007 & sleep 3007` in the plugin's group (killed with it);
  exit-orphan    the plugin exits 0 at once and leaves `sleep 0.3` behind: the grandchild
                 outlives its parent, is re-parented to the daemon (a subreaper) and exits
                 later; nobody waits for it (not a timed-out run: the zombie case);
Zombies: the daemon's children in state Z, sampled through the run and at the end.
Leftovers: processes still running the plugin's sleeps once the plugin is gone from the
model (reloaded without it, the daemon still running) and after the daemon stopped.

    python3 bench/chaos/exec_timeouts.py --binary build-release/greenlight --runs 10000
    python3 bench/chaos/exec_timeouts.py --binary build-release/greenlight --runs 2000 --variant exit-orphan
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

MARK = "3007"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def processes():
    """pid -> (ppid, state, cmdline) of every process."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        out[int(d)] = (int(rest[1]), rest[0], cmd)
    return out


def count(pid, marker):
    ps = processes()
    zombies = sum(1 for p, (ppid, st, _) in ps.items() if ppid == pid and st == "Z")
    leftover = sum(1 for p, (_, st, cmd) in ps.items() if st != "Z" and marker in cmd)
    return zombies, leftover


def runs(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith("greenlight_probe_runs_total") and 'type="exec"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the daemon on the way out
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build-release/greenlight")
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--signals", type=int, default=25)
    ap.add_argument("--variant", choices=["timeout", "exit-orphan"], default="timeout")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="greenlight-exec-")
    plugin = os.path.join(work, "plugin.sh")
    with open(plugin, "w") as f:
        if args.variant == "timeout":
            f.write(f"#!/bin/sh\nsleep {MARK} &\nsleep {MARK}\n")
        else:
            f.write(f"#!/bin/sh\n(sleep 0.3; exec sleep 0.{MARK}) &\necho OK\nexit 0\n")
    os.chmod(plugin, 0o755)
    port = free_port()
    cfg = os.path.join(work, "exec.toml")
    header = f'[daemon]\nlisten = "127.0.0.1:{port}"\nstate_dir = "{work}/state"\ninterval = "500ms"\n'
    with open(cfg, "w") as f:
        f.write(header)
        for i in range(args.signals):
            f.write(f'[components.p{i}]\n  [[components.p{i}.signals]]\n  id = "plugin"\n  probe = "exec"\n'
                    f'  command = ["{plugin}"]\n  timeout = "100ms"\n')
    marker = f"sleep {MARK}" if args.variant == "timeout" else f"sleep 0.{MARK}"
    proc = subprocess.Popen([args.binary, "run", cfg], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "daemon.log"), "w"))
    t0 = time.time()
    cpu0 = os.times()
    max_zombies = 0
    samples = []
    try:
        while True:
            time.sleep(1)
            if proc.poll() is not None:
                raise SystemExit(f"greenlight exited with {proc.returncode}")
            try:
                n = runs(port)
            except OSError:
                continue
            z, left = count(proc.pid, marker)
            max_zombies = max(max_zombies, z)
            samples.append((round(time.time() - t0), n, z, left))
            if len(samples) % 30 == 0:
                print(f"exec: {n} runs, {z} zombies, {left} leftover", file=sys.stderr, flush=True)
            if n >= args.runs:
                break
        # Stop the probing without stopping the daemon: reload a model without the plugin
        # (SIGHUP), let the last runs end, then count while the daemon still runs, as it
        # would for months.
        with open(cfg, "w") as f:
            f.write(header + '[components.idle]\n  [[components.idle.signals]]\n  id = "beat"\n'
                    '  probe = "heartbeat"\n  red_after = "1h"\n')
        proc.send_signal(signal.SIGHUP)
        time.sleep(3)
        z_running, left_running = count(proc.pid, marker)
        final_runs = runs(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    time.sleep(0.5)
    _, left_after = count(-1, marker)
    with open(os.path.join(work, "daemon.log")) as f:
        log = f.read()
    print(json.dumps({"variant": args.variant, "runs": final_runs, "seconds": round(time.time() - t0),
                      "timed_out_runs_logged": len(re.findall("timed out", log)),
                      "zombies_max_during_run": max_zombies, "zombies_after_reload_without_plugin": z_running,
                      "leftover_after_reload_without_plugin": left_running, "leftover_after_stop": left_after,
                      "samples(t,runs,zombies,leftover)": samples[-5:], "work": work}, indent=2))
    sys.exit(1 if (z_running or left_running or left_after) else 0)


if __name__ == "__main__":
    main()
