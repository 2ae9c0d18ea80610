# Redis stopped for three seconds under load (docs/benchmarks.md): 8 clients log in, read
# their account and the calendar against a running instance, while the commands given stop
# and then start its Redis. Prints, for before, during and after the outage, the answers per
# second, their p99 and any that were not 2xx.
#   python3 docs/redis_outage.py http://127.0.0.1:8282 "redis-cli -p 6390 shutdown nosave" \
#       "redis-server --port 6390 --save '' --appendonly no --daemonize yes"
import json, subprocess, sys, threading, time, urllib.error, urllib.request

base, stop, start = sys.argv[1], sys.argv[2], sys.argv[3]
CLIENTS, BEFORE, OUTAGE, AFTER = 8, 3.0, 3.0, 4.0
answers = []  # (sent at, seconds, status)
lock = threading.Lock()


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    sent = time.time()
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            status, payload = answer.status, answer.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    with lock:
        answers.append((sent, time.time() - sent, status))
    return status, payload


def client(i, until):
    login = ["13800000001", "13800000002"][i % 2]
    while time.time() < until:
        status, payload = call("POST", "/api/v1/auth/login", {"login": login, "password": "demo-resident-2021"})
        token = json.loads(payload)["token"] if status == 200 else None
        for _ in range(5):
            call("GET", "/api/v1/me", token=token)
            call("GET", "/api/v1/events?limit=20")


began = time.time()
until = began + BEFORE + OUTAGE + AFTER
threads = [threading.Thread(target=client, args=(i, until)) for i in range(CLIENTS)]
for t in threads:
    t.start()
time.sleep(BEFORE)
stopped = time.time()
subprocess.run(stop, shell=True, capture_output=True)
time.sleep(OUTAGE)
subprocess.run(start, shell=True, capture_output=True)
restarted = time.time()
for t in threads:
    t.join()
print("| phase | answers/s | p99 ms | not 2xx |")
print("|---|---:|---:|---:|")
for label, lo, hi in [("before", began, stopped), ("Redis stopped", stopped, restarted), ("after", restarted, until)]:
    phase = sorted(a for a in answers if lo <= a[0] < hi)
    took = sorted(a[1] for a in phase)
    p99 = took[min(len(took) - 1, len(took) * 99 // 100)] * 1e3 if took else float("nan")
    failed = sum(1 for a in phase if not 200 <= a[2] < 300)
    print(f"| {label} | {len(phase) / (hi - lo):,.0f} | {p99:.0f} | {failed} |")
