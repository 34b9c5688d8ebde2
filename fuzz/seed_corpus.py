#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target> from the tests and docs (run it again
after adding examples; libFuzzer's own finds are kept by -merge, see fuzz/README.md).
Files are named by their SHA-1, as libFuzzer names them, so re-running adds nothing twice.

    python3 fuzz/seed_corpus.py
"""
import hashlib
import json
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    d = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def raw_strings(path):
    """The C++ raw string literals R"(...)" of a test file."""
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    return [m.group(1) for m in re.finditer(r'R"\((.*?)\)"', text, re.S)]


def model_load():
    put("model_load", open(os.path.join(ROOT, "examples", "shop.toml")).read())
    put("model_load", open(os.path.join(ROOT, "tests", "data", "spec_example.toml")).read())
    for f in ["tests/model/load_test.cpp", "tests/model/load_heartbeat_test.cpp"]:
        for s in raw_strings(f):
            if "[" in s and "=" in s:
                put("model_load", s)
    readme = open(os.path.join(ROOT, "README.md")).read()
    for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
        put("model_load", block)


def http_api():
    tok = "Authorization: Bearer fuzz-admin-token\r\n"
    reqs = [
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/status?components=not_green HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/components/database HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/components/%FF HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/flows/checkout HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/graph HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/alerts HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/incidents HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/events?since=2026-11-26T08:00:00Z&limit=5 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/events?since=3 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/actions HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/silences HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/heartbeats/database/nightly HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /api/v1/heartbeats/database/nightly HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fuzz-hb-token\r\n\r\n",
        "POST /api/v1/heartbeats/database/nightly/fail HTTP/1.1\r\nHost: x\r\n" + tok +
        "Content-Length: 11\r\n\r\ndisk full\r\n",
        "POST /api/v1/heartbeats/api/beat/start HTTP/1.1\r\nHost: x\r\n" + tok + "\r\n",
        "POST /api/v1/heartbeats/api/beat/3 HTTP/1.1\r\nHost: x\r\n" + tok + "Content-Length: 0\r\n\r\n",
        "POST /api/v1/silences HTTP/1.1\r\nHost: x\r\n" + tok + "Content-Type: application/json\r\n"
        "Content-Length: 91\r\n\r\n"
        '{"match": {"component": "database"}, "duration": "2h", "author": "alice", "comment": "drill"}',
        "POST /api/v1/silences HTTP/1.1\r\nHost: x\r\n" + tok + "Transfer-Encoding: chunked\r\n\r\n"
        "1a\r\n{\"match\": {}, \"ends_at\": \"\r\n0\r\n\r\n",
        "DELETE /api/v1/silences/s-1 HTTP/1.1\r\nHost: x\r\n" + tok + "\r\n",
        "POST /-/reload HTTP/1.1\r\nHost: x\r\n" + tok + "\r\n",
        "POST /-/reload HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /assets/app.js HTTP/1.1\r\nHost: x\r\nRange: bytes=0-10,20-\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\n\r\n",
        "HEAD /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        "PUT /api/v1/silences HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
    ]
    for r in reqs:
        put("http_api", r)


def nagios():
    outs = [
        "OK - load average: 0.12, 0.10, 0.05|load1=0.120;5.000;10.000;0; load5=0.100;4.000;6.000;0;\n",
        "DISK CRITICAL - free space: / 120 MB (2% inode=90%);| /=5800MB;4800;5400;0;6000\n",
        "HTTP WARNING: HTTP/1.1 404 Not Found - 453 bytes in 0.001 second response time |"
        "time=0.001000s;;;0.000000;10.000000 size=453B;;;0\n",
        "PING OK - Packet loss = 0%, RTA = 0.05 ms|rta=0.050000ms;100.000000;500.000000;0.000000 pl=0%;20;60;0\n",
        "OK - first line | a=1\nlong text line 1\nlong text line 2 | b=2;@10:20;~:30;U;\n'quoted label'=3c\n",
        "UNKNOWN - bad perf | 'a b'=U;;; c=1e3;10:;@-5:5;0;100 d==;; e\n",
        "CRITICAL - caf\xe9 down\x00 |x=1\n",
        "10:20",
        "@~:10",
    ]
    for o in outs:
        put("nagios", o.encode("latin-1"))


def exposition():
    text = ("# HELP http_requests_total The total number of HTTP requests.\n"
            "# TYPE http_requests_total counter\n"
            'http_requests_total{method="post",code="200"} 1027 1395066363000\n'
            'http_requests_total{method="post",code="400"}    3 1395066363000\n'
            'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n'
            "metric_without_timestamp_and_labels 12.47\n"
            'something_weird{problem="division by zero"} +Inf -3982045\n'
            'rpc_duration_seconds{quantile="0.5"} NaN\n'
            "up 1\n")
    put("exposition", "http_requests_total\ncode=400\n" + text)
    put("exposition", "http_requests_total\nmethod=post,code=200\n" + text)
    put("exposition", "up\n\n" + text)
    put("exposition", "something_weird\nproblem=division by zero\n" + text)
    put("exposition", "missing\n\n" + text)
    put("exposition", 'x\na=b\nx{a="b",} 1\nx{a="\\\\"} 2\nx{a="unterminated} 3\n')


def promql():
    answers = [
        {"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"__name__": "up", "job": "x"}, "value": [1700000000.123, "1"]}]}},
        {"status": "success", "data": {"resultType": "vector", "result": []}},
        {"status": "success", "data": {"resultType": "scalar", "result": [1700000000, "NaN"]}},
        {"status": "success", "data": {"resultType": "matrix", "result": []}},
        {"status": "error", "errorType": "bad_data", "error": "parse error at char 3"},
        {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1, "+Inf"]}]}},
    ]
    for a in answers:
        put("promql", struct.pack(">H", 200) + json.dumps(a).encode())
    put("promql", struct.pack(">H", 422) + json.dumps(answers[4]).encode())
    put("promql", struct.pack(">H", 200) + b"<html>502 Bad Gateway</html>")


def receiver_answers():
    # pushes, then answers: 200, 503 Retry-After 120, 429 "5", 404, a reset (0)
    put("receiver_answers", bytes([1, 0x11, 2, 0x32, 200, 0, 200, 0, 0, 128]))
    put("receiver_answers", bytes([1, 0x11, 2, 0x32, 200, 1, 0xf7, 3]) + b"120" + bytes([0, 64, 90, 1, 0xad, 1]) + b"5" +
        bytes([0, 200, 60, 50, 200, 1, 0x94, 0, 0, 0, 200, 0, 0, 0, 0, 255, 0, 200, 0, 0]))
    put("receiver_answers", bytes([10, 20, 30, 40, 0, 5, 0x11, 0, 0x21, 120, 0x33, 0x2b, 5]) + b"  7 " +
        bytes([4]) + b"oops" + bytes([99]))


if __name__ == "__main__":
    for f in [model_load, http_api, nagios, exposition, promql, receiver_answers]:
        f()
    for t in sorted(os.listdir(os.path.join(ROOT, "fuzz", "corpus"))):
        print(t, len(os.listdir(os.path.join(ROOT, "fuzz", "corpus", t))))
