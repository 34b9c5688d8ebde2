#!/usr/bin/env python3
"""Chaos run: greenlight under SIGKILL with hostile receivers, counted from the receivers' side.

A set of flapping services (HTTP signals that turn 500 and back at random), one receiver
of each type (webhook, Alertmanager, PagerDuty, Slack: fakes that speak each format on one
loopback server) failing a share of requests (500, 429 with Retry-After, connection resets,
a stalled body past the receiver's timeout, a slow but complete 2xx), and the daemon killed
with SIGKILL at random moments and restarted on the same state_dir.

Phases: 1 chaos until every receiver type has had --faults injected faults and the daemon
--kills SIGKILLs; 2 half the services held red, the rest green, receivers healthy: once
every alert is told, --steady-kills more SIGKILLs (after readiness) in which nothing
changes; 3 everything green, receivers healthy, until every alert is resolved everywhere.

Counted per receiver type (one notification = one alert's firing or resolve, identified by
the webhook id, Alertmanager's labels+startsAt, PagerDuty's dedup_key+event_action, and for
Slack, which carries no id, by the alert's name and the run of attempts with one status):
  lost        notifications attempted but never answered with a 2xx, alerts whose last
              acknowledged word is not "resolved" at the end, and incidents (webhook and
              PagerDuty dedup keys, Alertmanager labels and startsAt) acknowledged firing
              and never acknowledged resolved;
  resent      notifications acknowledged (2xx) again after a 2xx; those with a SIGKILL within
              1 s after the earlier 2xx are the documented crash window (2xx received, the
              daemon killed before its journal's "done" line was synced; each re-send's
              seconds from the 2xx to the next SIGKILL are listed); Alertmanager's re-sends
              of firing alerts (its protocol: every minute and after a restart; it tells
              alerts apart by labels, so they page nobody) are counted apart;
  false pages notifications first attempted during phase 2 (no state change, restarts only);
  early       retries sooner than a 429's Retry-After (the daemon not restarted in between).

    python3 bench/chaos/chaos.py --binary build-release/greenlight            # the full run
    python3 bench/chaos/chaos.py --binary build-release/greenlight --faults 50 --kills 20 --steady-kills 5
Prints a JSON summary; exits 1 when something was lost or a false page was sent.
"""
import argparse
import http.server
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TYPES = ["webhook", "alertmanager", "pagerduty", "slack"]
lock = threading.Lock()
attempts = []  # dicts: t, type, subject, identity, status, acked, fault
faults = {t: {} for t in TYPES}  # type -> fault kind -> count
fault_share = [0.5]
phase = ["chaos"]
flip_red = {}  # service index -> bool


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def describe(rtype, body):
    """(subject, identity, status) of one request's notification, per receiver format."""
    if rtype == "webhook":
        return body["alert"]["id"], body["id"], body["status"]
    if rtype == "alertmanager":
        a = body[0]
        labels = {k: v for k, v in a["labels"].items() if k != "severity"}
        subject = json.dumps(labels, sort_keys=True)
        status = "resolved" if "endsAt" in a else "firing"
        return subject, (subject, a["startsAt"], status, a["labels"].get("severity")), status
    if rtype == "pagerduty":
        key = body["dedup_key"]
        status = "resolved" if body["event_action"] == "resolve" else "firing"
        return key.rsplit("/", 1)[0], (key, body["event_action"]), status
    text = body["text"]
    m = re.search(r"Flip \d+", text)
    status = "resolved" if "RESOLVED" in text else "firing"
    return (m.group(0) if m else text), None, status  # identity: by runs of attempts, later


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        rtype = {"/webhook": "webhook", "/am/api/v2/alerts": "alertmanager", "/pd": "pagerduty",
                 "/slack": "slack"}.get(self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        subject, identity, status = describe(rtype, body)
        incident = {"webhook": lambda: body["alert"]["dedup_key"],
                    "alertmanager": lambda: [identity[0], identity[1]] if identity else None,
                    "pagerduty": lambda: body["dedup_key"], "slack": lambda: None}[rtype]()
        fault = None
        if phase[0] == "chaos" and random.random() < fault_share[0]:
            fault = random.choices(["500", "429", "reset", "stall", "slow-2xx"], [30, 25, 25, 10, 10])[0]
        rec = {"t": time.time(), "type": rtype, "subject": subject, "identity": identity, "status": status,
               "incident": incident, "acked": False, "fault": fault}
        with lock:
            attempts.append(rec)
            if fault:
                faults[rtype][fault] = faults[rtype].get(fault, 0) + 1
        try:
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if fault in ("500", "429"):
                self.send_response(int(fault))
                if fault == "429":
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"nope\n")
                return
            payload = b'{"status": "success", "message": "Event processed", "dedup_key": "x"}\n'
            self.send_response(202 if rtype == "pagerduty" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if fault == "stall":  # a part of the body, then nothing past the receiver timeout (2 s)
                self.wfile.write(payload[:10])
                self.wfile.flush()
                time.sleep(3)
                self.close_connection = True
                return
            if fault == "slow-2xx":  # dripped, every read well within the timeout
                for i in range(0, len(payload), 8):
                    self.wfile.write(payload[i:i + 8])
                    self.wfile.flush()
                    time.sleep(0.1)
            else:
                self.wfile.write(payload)
            self.wfile.flush()
            rec["acked"] = True
        except OSError:
            self.close_connection = True


class Flip(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        red = flip_red.get(int(self.path.rsplit("/", 1)[1]), False)
        try:
            self.send_response(500 if red else 200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"ok\n")
        except OSError:  # the daemon was killed mid-probe
            self.close_connection = True


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 drops connections when every probe runs at once


def serve(handler):
    server = Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def model(work, gl_port, flip_port, recv_port, services):
    out = [f'[daemon]\nlisten = "127.0.0.1:{gl_port}"\nstate_dir = "{work}/state"\ninterval = "500ms"\n']
    for i in range(services):
        out.append(f'[components.flip{i:02d}]\nname = "Flip {i:02d}"\nalert = true\ncriticality = "high"\n'
                   f'  [[components.flip{i:02d}.signals]]\n  id = "http"\n  probe = "http"\n'
                   f'  url = "http://127.0.0.1:{flip_port}/flip/{i}"\n  timeout = "400ms"\n  failures = 1\n')
    out.append('[alerting.flapping]\nhigh = 100\n')  # every change is a page here, not a flapping notice
    recv = f"http://127.0.0.1:{recv_port}"
    for name, rtype, extra in [("hook", "webhook", f'url = "{recv}/webhook"'),
                               ("am", "alertmanager", f'url = "{recv}/am"'),
                               ("pd", "pagerduty", f'url = "{recv}/pd"\nrouting_key_env = "CHAOS_PD_KEY"'),
                               ("chat", "slack", f'url = "{recv}/slack"')]:
        out.append(f'[alerting.receivers.{name}]\ntype = "{rtype}"\n{extra}\ntimeout = "2s"\n')
        out.append(f'[[alerting.routes]]\nreceiver = "{name}"\ngroup_by = ["..."]\ncontinue = true\n'
                   f'group_interval = "1s"\nrepeat_interval = "24h"\n')
    return "".join(out)


class Daemon:
    def __init__(self, binary, cfg, gl_port, log):
        self.binary, self.cfg, self.gl_port, self.log = binary, cfg, gl_port, log
        self.proc = None
        self.kills = []  # times of SIGKILL

    def start(self):
        env = dict(os.environ, CHAOS_PD_KEY="R0UTINGKEY")
        self.proc = subprocess.Popen([self.binary, "run", self.cfg], stdout=self.log, stderr=self.log, env=env)

    def ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"greenlight exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{self.gl_port}/readyz", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("greenlight not ready in time")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.kills.append(time.time())
        self.proc.wait()


def quiet_for(seconds):
    """Waits until no request arrived for `seconds`."""
    while True:
        with lock:
            last = attempts[-1]["t"] if attempts else 0
        if time.time() - last >= seconds:
            return
        time.sleep(0.2)


def flipper(services, stop):
    while not stop.is_set():
        i = random.randrange(services)
        flip_red[i] = not flip_red.get(i, False)
        stop.wait(random.uniform(0.2, 1.5))


def identities(rows):
    """Gives Slack's attempts an identity: the nth run of one status for one alert."""
    runs = {}
    for r in rows:
        if r["identity"] is not None:
            continue
        key = (r["type"], r["subject"])
        n, last = runs.get(key, (0, None))
        if r["status"] != last:
            n, last = n + 1, r["status"]
        runs[key] = (n, last)
        r["identity"] = (r["subject"], r["status"], n)


def account(rows, kills, steady_from, steady_to):
    identities(rows)
    report = {}
    for t in TYPES:
        mine = [r for r in rows if r["type"] == t]
        by_id = {}
        for r in mine:
            by_id.setdefault(json.dumps(r["identity"]), []).append(r)
        lost = [k for k, rs in by_id.items() if not any(r["acked"] for r in rs)]
        resent, in_window, periodic, kill_after = 0, 0, 0, []
        for rs in by_id.values():
            acks = [r for r in rs if r["acked"]]
            for prev, again in zip(acks, acks[1:]):
                if t == "alertmanager" and again["status"] == "firing":
                    periodic += 1  # Alertmanager's protocol: firing alerts are sent again (every
                    continue       # minute, and after a restart); it tells them apart by labels
                resent += 1
                # A request in flight when the SIGKILL came arrives just after it: the answer
                # goes to a dead daemon (hence the 0.25 s before the arrival).
                after = [k - prev["t"] for k in kills if prev["t"] - 0.25 <= k <= again["t"]]
                kill_after.append(round(min(after), 2) if after else None)
                if after and min(after) <= 1.0:
                    in_window += 1
        last_word = {}
        for r in mine:
            if r["acked"]:
                last_word[r["subject"]] = r["status"]
        unresolved = [s for s, st in last_word.items() if st != "resolved"]
        # Incidents (webhook and PagerDuty dedup keys, Alertmanager labels + startsAt) whose
        # firing was acknowledged and whose resolve never was (Slack carries no incident key).
        fired = {json.dumps(r["incident"]) for r in mine if r["acked"] and r["status"] == "firing" and r["incident"]}
        closed = {json.dumps(r["incident"]) for r in mine if r["acked"] and r["status"] == "resolved" and r["incident"]}
        never_resolved = sorted(fired - closed)
        false_pages = sum(1 for rs in by_id.values() if steady_from <= rs[0]["t"] < steady_to)
        early = 0
        for rs in by_id.values():
            for a, b in zip(rs, rs[1:]):
                if a["fault"] == "429" and b["t"] - a["t"] < 1.0 and not any(a["t"] - 0.25 <= k <= b["t"] for k in kills):
                    early += 1
        report[t] = {"requests": len(mine), "notifications": len(by_id),
                     "firings_acked": sum(1 for rs in by_id.values() if rs[0]["status"] == "firing" and
                                          any(r["acked"] for r in rs)),
                     "faults_injected": sum(v for k, v in faults[t].items() if k != "slow-2xx"),
                     "slow_2xx": faults[t].get("slow-2xx", 0), "faults": faults[t],
                     "lost": len(lost) + len(unresolved) + len(never_resolved), "lost_ids": lost[:5],
                     "unresolved": unresolved[:5], "incidents_never_resolved": never_resolved[:5],
                     "resent_after_2xx": resent, "resent_in_crash_window": in_window,
                     "seconds_from_2xx_to_sigkill_of_resent": sorted(kill_after, key=lambda x: (x is None, x)),
                     "alertmanager_firing_resends": periodic,
                     "false_pages_in_steady_restarts": false_pages, "retry_after_not_honoured": early}
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build-release/greenlight")
    ap.add_argument("--services", type=int, default=8)
    ap.add_argument("--faults", type=int, default=1000, help="injected faults per receiver type, at least")
    ap.add_argument("--kills", type=int, default=500, help="SIGKILLs during the chaos, at least")
    ap.add_argument("--steady-kills", type=int, default=100, help="SIGKILLs with no state change")
    ap.add_argument("--fault-share", type=float, default=0.5)
    ap.add_argument("--max-uptime", type=float, default=3.0, help="a SIGKILL comes 0..this many s after a start")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--recount", metavar="WORK", help="count again what a run left in WORK (attempts, kills)")
    args = ap.parse_args()
    if args.recount:
        rows = [json.loads(line) for line in open(os.path.join(args.recount, "attempts.jsonl"))]
        for r in rows:
            if r["fault"]:
                faults[r["type"]][r["fault"]] = faults[r["type"]].get(r["fault"], 0) + 1
            if isinstance(r["identity"], list) and r["type"] == "slack":
                r["identity"] = None  # given by runs again
        k = json.load(open(os.path.join(args.recount, "kills.json")))
        print(json.dumps({"receivers": account(rows, k["kills"], *k["steady"])}, indent=2))
        return
    random.seed(args.seed)
    fault_share[0] = args.fault_share

    _, flip_port = serve(Flip)
    _, recv_port = serve(Receiver)
    gl_port = free_port()
    work = tempfile.mkdtemp(prefix="greenlight-chaos-")
    cfg = os.path.join(work, "chaos.toml")
    with open(cfg, "w") as f:
        f.write(model(work, gl_port, flip_port, recv_port, args.services))
    log = open(os.path.join(work, "daemon.log"), "w")
    d = Daemon(args.binary, cfg, gl_port, log)
    t0 = time.time()
    stop = threading.Event()
    threading.Thread(target=flipper, args=(args.services, stop), daemon=True).start()
    d.start()
    d.ready()

    def enough():
        return len(d.kills) >= args.kills and all(
            sum(v for k, v in faults[t].items() if k != "slow-2xx") >= args.faults for t in TYPES)

    while not enough():  # phase 1
        time.sleep(random.uniform(0, args.max_uptime))
        d.kill()
        d.start()
        if len(d.kills) % 50 == 0:
            print(f"chaos: {len(d.kills)} kills, faults " +
                  ", ".join(f"{t} {sum(faults[t].values())}" for t in TYPES), file=sys.stderr, flush=True)
    chaos_end = time.time()

    stop.set()  # phase 2: steady: half red, half green, healthy receivers
    phase[0] = "steady"
    for i in range(args.services):
        flip_red[i] = i % 2 == 0
    d.ready()
    time.sleep(3)  # the new states are probed and paged
    quiet_for(8)
    steady_from = time.time()
    steady_kills_from = len(d.kills)
    for _ in range(args.steady_kills):
        d.ready()
        time.sleep(random.uniform(0.5, 2.0))  # probes run, state is re-judged, nothing changes
        d.kill()
        d.start()
    d.ready()
    time.sleep(3)
    steady_to = time.time()

    phase[0] = "drain"  # phase 3
    for i in range(args.services):
        flip_red[i] = False
    time.sleep(3)
    quiet_for(10)
    d.proc.terminate()
    d.proc.wait(timeout=20)
    with lock:
        rows = list(attempts)
    with open(os.path.join(work, "attempts.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    with open(os.path.join(work, "kills.json"), "w") as f:
        json.dump({"kills": d.kills, "steady": [steady_from, steady_to]}, f)
    report = {"seconds": round(time.time() - t0), "chaos_seconds": round(chaos_end - t0),
              "sigkills_chaos": steady_kills_from, "sigkills_steady": len(d.kills) - steady_kills_from,
              "services": args.services, "fault_share": args.fault_share, "seed": args.seed,
              "receivers": account(rows, d.kills, steady_from, steady_to), "work": work}
    print(json.dumps(report, indent=2))
    bad = any(r["lost"] or r["false_pages_in_steady_restarts"] for r in report["receivers"].values())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
