"""HTTP helpers for bench/exchange/run.sh: waits for matches at the node, times contributions, makes many."""
import concurrent.futures
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid

HUB, NODE = os.environ["BENCH_HUB"], os.environ["BENCH_NODE"]
HUB_KEY, NODE_KEY = os.environ["BENCH_HUB_KEY"], os.environ["BENCH_NODE_KEY"]


def call(base, key, path, body=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method or ("POST" if data else "GET"))
    request.add_header("Authorization", "Bearer " + key)
    if data:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def matches(signal_type, value):
    try:
        return call(NODE, NODE_KEY, f"/api/v1/match?signal_type={signal_type}&signal={value}")["matches"]
    except (urllib.error.URLError, ConnectionError):
        return []


def wait_match(signal_type, value, timeout, pause=0.002):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if matches(signal_type, value):
            return
        time.sleep(pause)
    sys.exit(f"probe: no match for {value} within {timeout} s")


def contribute(md5):
    call(HUB, HUB_KEY, "/api/v1/contributions",
         {"bank": "BENCH", "signals": [{"signal_type": "md5", "value": md5}], "labels": ["severity:crisis"]})


def percentiles(label, times):
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)]
    print(f"  {label}: p50 {statistics.median(times):.0f} ms, p99 {p99:.0f} ms, max {times[-1]:.0f} ms")


def latency(samples):
    total, written, delivered = [], [], []
    for _ in range(samples):
        md5 = uuid.uuid4().hex
        start = time.monotonic()
        contribute(md5)
        committed = time.monotonic()
        wait_match("md5", md5, 60, pause=0.001)
        end = time.monotonic()
        total.append((end - start) * 1000)
        written.append((committed - start) * 1000)
        delivered.append((end - committed) * 1000)
    print(f"  {samples} samples")
    percentiles("contribution sent -> matchable at the node", total)
    percentiles("  of which the hub's answer to the contribution", written)
    percentiles("  of which hub's answer -> matchable at the node (push, fetch, commit)", delivered)


def many(count):
    values = [uuid.uuid4().hex for _ in range(count)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(contribute, values[:-1]))
    contribute(values[-1])
    print(values[-1])


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "wait-match":
        wait_match("pdq", sys.argv[2], float(sys.argv[3]), pause=0.05)
    elif command == "wait-match-md5":
        wait_match("md5", sys.argv[2], float(sys.argv[3]), pause=0.01)
    elif command == "latency":
        latency(int(sys.argv[2]))
    elif command == "contribute":
        many(int(sys.argv[2]))
