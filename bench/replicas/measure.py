#!/usr/bin/env python3
"""Adds items through replica A and times how long until replica B matches each one.

Usage: measure.py A_URL B_URL KEY COUNT. Prints one line per percentile. Each add is a fresh random MD5 in the
first bank; B is polled every 2 ms from just after A answered the add (so the figure leaves out the add itself).
"""
import json, os, sys, time, urllib.request

a, b, key, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}

def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=30) as r:
        return json.loads(r.read() or b"null")

bank = call("GET", a + "/api/v1/banks")[0]["name"]
delays = []
for i in range(count):
    md5 = os.urandom(16).hex()
    call("POST", f"{a}/api/v1/banks/{bank}/content", {"signals": [{"signal_type": "md5", "value": md5}]})
    added = time.perf_counter()
    while True:
        if call("GET", f"{b}/api/v1/match?signal_type=md5&signal={md5}")["matches"]:
            break
        if time.perf_counter() - added > 30:
            sys.exit(f"item {i} did not match at B within 30 s")
        time.sleep(0.002)
    delays.append((time.perf_counter() - added) * 1000)
    # Adds spread over the follower's interval instead of in step with it.
    time.sleep(0.013 * (i % 7))

delays.sort()
def pct(p):
    return delays[min(len(delays) - 1, int(round(p / 100 * (len(delays) - 1))))]
print(f"add at A -> match at B over {len(delays)} adds: p50 {pct(50):.0f} ms, p90 {pct(90):.0f} ms, p99 {pct(99):.0f} ms, max {delays[-1]:.0f} ms")
