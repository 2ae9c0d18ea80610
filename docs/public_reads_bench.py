# Public reads against a running instance (serve --demo), side by side in one run with
# `/healthz` (the HTTP stack's ceiling): wrk -t1 -c64 for each read, anonymous (from the
# cache), anonymous with a current If-None-Match (304), anonymous with brotli, and with a
# resident's token (computed on every request). Prints a Markdown table and the instance's
# peak resident memory (VmHWM).
#   python3 docs/public_reads_bench.py http://127.0.0.1:8080 PID [SECONDS]
import json, re, subprocess, sys, urllib.error, urllib.request

base, pid = sys.argv[1], sys.argv[2]
seconds = sys.argv[3] if len(sys.argv) > 3 else "5"


def get(path, headers=None):
    req = urllib.request.Request(base + path, headers=headers or {})
    with urllib.request.urlopen(req) as answer:
        return answer.headers, answer.read()


def login(who, password):
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"login": who, "password": password}).encode(),
        headers={"content-type": "application/json"},
    )
    return json.load(urllib.request.urlopen(req))["token"]


def wrk(path, headers=()):
    args = ["wrk", "-t1", "-c64", f"-d{seconds}s", "--latency"]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [base + path], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p99, int(errors.group(1)) if errors else 0


def hwm():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return line.split(":")[1].strip()


decisions = json.loads(get("/api/v1/decisions?limit=20")[1])["items"]
decision = decisions[0]["id"]
reported = next(d["id"] for d in decisions if d.get("feedback_published_at") or d["stage"] in ("feedback_published", "decided", "implemented", "evaluated"))
event = json.loads(get("/api/v1/events?limit=20")[1])["items"][0]["id"]
meeting = json.loads(get("/api/v1/meetings?limit=20")[1])["items"][0]["id"]


def published_survey():
    for past in json.loads(get("/api/v1/events?past=true&limit=50")[1])["items"]:
        try:
            survey = json.loads(get(f"/api/v1/events/{past['id']}/survey")[1])
        except urllib.error.HTTPError:
            continue
        if survey["results_published"]:
            return survey["id"]


survey = published_survey()
token = login("13800000001", "demo-resident-2021")
reads = [
    ("event calendar", "/api/v1/events?limit=20"),
    ("event page", f"/api/v1/events/{event}"),
    ("decision catalog", "/api/v1/decisions?limit=20"),
    ("decision page", f"/api/v1/decisions/{decision}"),
    ("drafts", f"/api/v1/decisions/{decision}/drafts"),
    ("feedback report", f"/api/v1/decisions/{reported}/feedback"),
    ("survey results", f"/api/v1/surveys/{survey}/results"),
    ("meetings", "/api/v1/meetings?limit=20"),
    ("meeting page", f"/api/v1/meetings/{meeting}"),
]
print(f"peak RSS before: {hwm()}")
ceiling, ceiling_p99, _ = wrk("/healthz")
print(f"\n| read | anonymous req/s | × healthz | 304 req/s | × healthz | brotli req/s | with a token req/s | p99 anonymous |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
print(f"| `/healthz` | {ceiling:,.0f} | 1.00 | | | | | {ceiling_p99} |")
for label, path in reads:
    headers, _ = get(path)
    etag = headers["ETag"]
    plain, p99, e1 = wrk(path)
    revalidated, _, _ = wrk(path, [f"If-None-Match: {etag}"])
    packed, _, e2 = wrk(path, ["Accept-Encoding: br"])
    personal, _, e3 = wrk(path, [f"Authorization: Bearer {token}"])
    assert e1 == e2 == e3 == 0, (label, e1, e2, e3)
    print(f"| {label} | {plain:,.0f} | {plain / ceiling:.2f} | {revalidated:,.0f} | {revalidated / ceiling:.2f} | {packed:,.0f} | {personal:,.0f} | {p99} |")
print(f"\npeak RSS after: {hwm()}")
