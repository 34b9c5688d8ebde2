#!/usr/bin/env python3
"""Detection with flapping on, run as a user would (issue 11's scenario).

One HTTP signal at a 1 s interval, failures = 1, a webhook route, flap detection on (the
defaults: Icinga's measure, 30/25 %). The target returns 500 for 3 s at a time (four short
outages: flapping), then for 60 s at a time (three long outages). Before issue 11 the old
rule ("more than 6 changes in 10 minutes") paged the first two outages and then nothing.
Reports, per outage, whether a page and a resolve arrived and how long after the change.

    bench/flap_detection.py build/greenlight
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


failing = threading.Event()
received = []  # (arrival time, status, reason)


class Flip(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(500 if failing.is_set() else 200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        reasons = [n.get("reason", "") for n in body.get("notifications", [body])]
        received.append((time.time(), body.get("status", ""), ",".join(reasons)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def serve(handler):
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/greenlight"
    flip, flip_port = serve(Flip)
    hook, hook_port = serve(Hook)
    gl_port = free_port()
    work = tempfile.mkdtemp(prefix="greenlight-flap-")
    cfg = os.path.join(work, "flap.toml")
    with open(cfg, "w") as f:
        f.write(f"""[daemon]
listen = "127.0.0.1:{gl_port}"
state_dir = "{work}/state"
interval = "1s"
[components.flip]
  [[components.flip.signals]]
  id = "http"
  probe = "http"
  url = "http://127.0.0.1:{flip_port}/flip"
  timeout = "500ms"
  failures = 1
[flows.checkout]
criticality = "high"
steps = ["flip"]
[alerting.receivers.hook]
type = "webhook"
url = "http://127.0.0.1:{hook_port}/hook"
[[alerting.routes]]
receiver = "hook"
""")
    proc = subprocess.Popen([binary, "run", cfg], stderr=open(os.path.join(work, "log"), "w"))
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{gl_port}/readyz", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(3)
        outages = []  # (kind, start, end)
        for kind, down, up in [("short", 3, 3)] * 4 + [("long", 60, 20)] * 3:
            failing.set()
            start = time.time()
            time.sleep(down)
            failing.clear()
            end = time.time()
            outages.append((kind, start, end))
            time.sleep(up)
        time.sleep(5)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        flip.shutdown()
        hook.shutdown()
    print(f"{'outage':<8}{'length':>8}{'paged':>7}{'after':>8}{'resolved':>10}{'after':>8}   notifications")
    for i, (kind, start, end) in enumerate(outages):
        until = outages[i + 1][1] if i + 1 < len(outages) else float("inf")
        mine = [r for r in received if start <= r[0] < until]
        fire = [r for r in mine if r[1] == "firing"]
        res = [r for r in mine if r[1] == "resolved" and r[0] >= end]
        print(f"{kind:<8}{end - start:>7.0f}s{'yes' if fire else 'no':>7}"
              f"{(f'{fire[0][0] - start:.1f}s' if fire else '-'):>8}"
              f"{'yes' if res else 'no':>10}{(f'{res[0][0] - end:.1f}s' if res else '-'):>8}   "
              + "; ".join(f"{r[1]}/{r[2]}" for r in mine))


if __name__ == "__main__":
    main()
