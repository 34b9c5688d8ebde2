#!/usr/bin/env python3
"""Probe-engine benchmark for issue 16: CPU per probe of every kind, idle cost, start-up,
against a local nginx (http and https with a self-signed certificate) started here on free
ports, beside the floor client (bench/floor_kinds.c) doing the same work, in the same run.

  bench/probe_kinds_bench.py KIND N INTERVAL_S [--window S] [--bin B]... [--floor N]
  KIND: http | https | tcp | exec

Several --bin run side by side against the same nginx over the same window (e.g. the build
before and after a change), so their figures share the machine's load. CPU is process CPU
time from /proc/PID/stat (utime+stime+cutime+cstime: reaped children count, so exec probes
include their plugins); probes from greenlight_probe_runs_total. The floor runs after the
window, sequentially, and reports its CPU per operation the same way (getrusage, self +
children). Start-up: seconds from exec to the API answering, to /readyz 200, and VmHWM then.
Needs: nginx (Debian nginx-light), openssl, gcc, python3; Release builds.
"""
import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HZ = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / HZ  # utime stime cutime cstime


def status_kb(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except Exception:
        return 0, ""


def metrics(port):
    out = {}
    _, text = get(f"http://127.0.0.1:{port}/metrics", timeout=60)
    for line in text.splitlines():
        if line.startswith("greenlight_probe_runs_total") or line.startswith("greenlight_probe_slots_skipped") or \
                line.startswith("greenlight_probe_schedule_lag_seconds_bucket"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def nginx_counts(port):
    _, text = get(f"http://127.0.0.1:{port}/nginx_status")
    nums = text.splitlines()[2].split() if text else ["0", "0", "0"]
    return int(nums[0]), int(nums[2])  # accepted connections, requests (this read included)


def start_nginx(work):
    cert, key = f"{work}/cert.pem", f"{work}/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "10", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    os.makedirs(f"{work}/tmp", exist_ok=True)
    open(f"{work}/nginx.conf", "w").write(f"""worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 16384; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp; fastcgi_temp_path {work}/tmp;
  uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
  server {{ listen 127.0.0.1:{http_port} backlog=4096; location / {{ return 200 "ok\\n"; }}
           location = /nginx_status {{ stub_status; }} }}
  server {{ listen 127.0.0.1:{https_port} ssl backlog=4096; ssl_certificate {cert}; ssl_certificate_key {key};
           location / {{ return 200 "ok\\n"; }} }}
}}
""")
    subprocess.run(["nginx", "-c", f"{work}/nginx.conf", "-p", work], check=True)
    return http_port, https_port, cert


def model(kind, n, interval, gl_port, work, http_port, https_port, cert, keepalive):
    lines = ["[daemon]", f'listen = "127.0.0.1:{gl_port}"', f'state_dir = "{work}/state-{gl_port}"',
             f'interval = "{int(interval * 1000)}ms"', 'log_level = "warn"', ""]
    for i in range(n):
        lines += [f"[components.c{i}]", f"  [[components.c{i}.signals]]", '  id = "p"', f'  probe = "{kind if kind != "https" else "http"}"',
                  '  timeout = "5s"']
        if kind == "http":
            lines.append(f'  url = "http://127.0.0.1:{http_port}/t/{i}"')
        elif kind == "https":
            lines += [f'  url = "https://localhost:{https_port}/t/{i}"', f'  ca_file = "{cert}"']
        elif kind == "tcp":
            lines.append(f'  target = "127.0.0.1:{http_port}"')
        elif kind == "exec":
            lines.append('  command = ["/bin/true"]')
        if keepalive and kind in ("http", "https"):
            lines.append("  keepalive = true")
        lines.append("")
    lines += ["[flows.all]", 'criticality = "high"',
              "steps = [" + ", ".join(f'"c{i}"' for i in range(0, n, max(1, n // 50))) + "]"]
    path = f"{work}/model-{gl_port}.toml"
    open(path, "w").write("\n".join(lines) + "\n")
    return path


def start_daemon(binary, path, gl_port, work, cpu=None):
    t0 = time.monotonic()
    pin = ["taskset", "-c", cpu] if cpu else []
    proc = subprocess.Popen(pin + [binary, "run", path], stdout=open(f"{work}/gl-{gl_port}.log", "w"),
                            stderr=subprocess.STDOUT)
    listening = ready = None
    hwm_at_ready = 0
    while time.monotonic() - t0 < 300:
        code, _ = get(f"http://127.0.0.1:{gl_port}/readyz", timeout=2)
        now = time.monotonic() - t0
        if code and listening is None:
            listening = now
        if code == 200:
            ready = now
            hwm_at_ready = status_kb(proc.pid, "VmHWM")
            break
        if proc.poll() is not None:
            sys.exit(f"{binary} exited: " + open(f"{work}/gl-{gl_port}.log").read()[-2000:])
        time.sleep(0.05)
    return proc, {"listening_s": listening, "ready_s": ready, "hwm_at_ready_mib": hwm_at_ready / 1024}


def floor(kind, n, http_port, https_port, cert):
    exe = f"{tempfile.gettempdir()}/greenlight-floor-kinds"
    subprocess.run(["gcc", "-O2", "-o", exe, f"{HERE}/floor_kinds.c", "-lssl", "-lcrypto"], check=True)
    args = {"http": [str(http_port)], "tcp": [str(http_port)], "https": [str(https_port), cert], "exec": ["/bin/true"]}[kind]
    out = subprocess.run([exe, kind, str(n)] + args, capture_output=True, text=True).stdout
    m = re.search(r"client_cpu_us_per_op=([\d.]+)", out)
    return float(m.group(1)) if m else float("nan"), out.strip()


def lag_p99(a, b):
    buckets = []
    for k, v in b.items():
        m = re.match(r'greenlight_probe_schedule_lag_seconds_bucket\{le="([^"]+)"\}', k)
        if m:
            buckets.append((float("inf") if m.group(1) == "+Inf" else float(m.group(1)), v - a.get(k, 0)))
    buckets.sort()
    total = buckets[-1][1] if buckets else 0
    return next((le for le, c in buckets if c >= 0.99 * total), float("nan"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["http", "https", "tcp", "exec"])
    ap.add_argument("n", type=int)
    ap.add_argument("interval", type=float)
    ap.add_argument("--window", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=None, help="default: interval + 15 s")
    ap.add_argument("--bin", action="append", default=[])
    ap.add_argument("--floor", type=int, default=0, help="floor operations to run after the window (0: none)")
    ap.add_argument("--keepalive", action="store_true")
    ap.add_argument("--cpu", default=None, help="pin the daemon(s) to this CPU list (taskset -c)")
    ap.add_argument("--no-metrics", action="store_true",
                    help="count probes from nginx (one --bin, http/tcp) instead of /metrics (costly at 100k signals)")
    a = ap.parse_args()
    bins = a.bin or [os.path.join(HERE, "..", "build-release", "greenlight")]
    work = tempfile.mkdtemp(prefix="greenlight-kinds-")
    procs = []
    try:
        http_port, https_port, cert = start_nginx(work)
        runs = []
        for b in bins:
            port = free_port()
            path = model(a.kind, a.n, a.interval, port, work, http_port, https_port, cert, a.keepalive)
            proc, startup = start_daemon(b, path, port, work, a.cpu)
            procs.append(proc)
            runs.append({"bin": b, "port": port, "proc": proc, "startup": startup})
        time.sleep(a.warmup if a.warmup is not None else a.interval + 15)
        for r in runs:
            r["m0"] = {} if a.no_metrics else metrics(r["port"])
        n0 = nginx_counts(http_port)
        for r in runs:
            r["c0"] = cpu_seconds(r["proc"].pid)
        t0 = time.monotonic()
        time.sleep(a.window)
        for r in runs:
            r["c1"] = cpu_seconds(r["proc"].pid)
        window = time.monotonic() - t0
        n1 = nginx_counts(http_port)
        for r in runs:
            r["m1"] = {} if a.no_metrics else metrics(r["port"])
            r["rss_mib"] = status_kb(r["proc"].pid, "VmRSS") / 1024
            r["hwm_mib"] = status_kb(r["proc"].pid, "VmHWM") / 1024
        floor_us, floor_out = floor(a.kind, a.floor, http_port, https_port, cert) if a.floor else (float("nan"), "")
        load = open("/proc/loadavg").read().split()[:3]
        for r in runs:
            runs_of = lambda m: sum(v for k, v in m.items() if k.startswith("greenlight_probe_runs_total"))
            fails_of = lambda m: sum(v for k, v in m.items() if k.startswith("greenlight_probe_runs_total") and 'result="fail"' in k)
            probes = runs_of(r["m1"]) - runs_of(r["m0"])
            if a.no_metrics:
                probes = (n1[0] - n0[0] - 1) if a.kind == "tcp" else (n1[1] - n0[1] - 1)
            cpu = r["c1"] - r["c0"]
            out = {"kind": a.kind, "n": a.n, "interval_s": a.interval, "window_s": round(window, 1),
                   "keepalive": a.keepalive, "bin": r["bin"],
                   "scheduled_per_s": a.n / a.interval, "achieved_per_s": round(probes / window, 1),
                   "held_pct": round(100 * probes / window / (a.n / a.interval), 2),
                   "failed": fails_of(r["m1"]) - fails_of(r["m0"]),
                   "skipped": r["m1"].get("greenlight_probe_slots_skipped", 0) - r["m0"].get("greenlight_probe_slots_skipped", 0),
                   "lag_p99_le_s": lag_p99(r["m0"], r["m1"]),
                   "cpu_s": round(cpu, 3), "core_pct": round(100 * cpu / window, 3),
                   "cpu_us_per_probe": round(1e6 * cpu / probes, 1) if probes else None,
                   "rss_mib": round(r["rss_mib"], 1), "hwm_mib": round(r["hwm_mib"], 1), **r["startup"],
                   "floor_us_per_op": floor_us, "loadavg": load}
            if probes and floor_us == floor_us:
                out["ratio_to_floor"] = round(1e6 * cpu / probes / floor_us, 2)
            print(json.dumps(out))
        if floor_out:
            print(json.dumps({"floor": floor_out}))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.path.exists(f"{work}/nginx.pid"):
            os.kill(int(open(f"{work}/nginx.pid").read()), signal.SIGTERM)
            time.sleep(0.5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
