# Storage stopped for three seconds under load, or the instance itself killed, against a running
# instance of the demo on PostgreSQL (docs/benchmarks.md). The commands given stop and then start
# Redis, PostgreSQL or the instance; the clients keep going throughout. Prints, for before, during and after the outage, the answers per
# second, their p99, and how many were 503 or otherwise not 2xx; then checks that nothing was
# lost.
#
#   logins:   each client logs in (argon2) and reads its account and the calendar.
#   signups:  residents (made here in SQL) sign up for an open day, answer the survey of a
#             held one and read the calendar. A 503 is retried after its Retry-After. After
#             the run: every signup stored once, the seats exact, and the survey's figures
#             (read from Redis) equal to the database's count, with how long that took.
#   killed:   32 residents each send a comment on the open draft with an Idempotency-Key while
#             the instance is killed with SIGKILL and started again; each sends again, with the
#             same key, until answered for good. After the run: every key's comment stored
#             exactly once, and how many keys found their write done with its answer lost.
#
#   python3 docs/faults.py logins|signups|killed BASE DATABASE_URL "STOP" "START"
# e.g. with the instance's Redis on port 6390:
#   python3 docs/faults.py signups http://127.0.0.1:8282 postgres://postgres@127.0.0.1/canyu_faults \
#       "redis-cli -p 6390 shutdown nosave" "redis-server --port 6390 --save '' --appendonly no --daemonize yes"
# or, for an instance started as `canyu serve --demo --bind 127.0.0.1:8282`:
#   python3 docs/faults.py killed http://127.0.0.1:8282 postgres://postgres@127.0.0.1/canyu_faults \
#       "pkill -KILL -f 'canyu serve'" "target/release/canyu serve --bind 127.0.0.1:8282 >/dev/null 2>&1 &"
import json, subprocess, sys, threading, time, urllib.error, urllib.request

scenario, base, db, stop, start = sys.argv[1:6]
CLIENTS, BEFORE, OUTAGE, AFTER, RESIDENTS = 8, 3.0, 3.0, 4.0, 6000
answers = []  # (sent at, seconds, status)
lock = threading.Lock()


def sql(query):
    out = subprocess.run(["psql", "-qtA", db, "-c", query], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def call(method, path, body=None, token=None, key=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if key:
        headers["idempotency-key"] = key
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    sent = time.time()
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            status, payload, retry = answer.status, answer.read(), None
    except urllib.error.HTTPError as err:
        status, payload, retry = err.code, err.read(), err.headers.get("retry-after")
    except (urllib.error.URLError, ConnectionError):  # nobody listening, or the line cut
        status, payload, retry = 0, b"", None
    with lock:
        answers.append((sent, time.time() - sent, status))
    return status, payload, retry


def until_taken(method, path, body, token, deadline, key=None):
    """Sends until answered for good: after a 503, again after its Retry-After; with an
    Idempotency-Key also after no answer (the instance is down) and while the key is in
    progress (its first request died with the instance), with the same key."""
    while True:
        status, payload, retry = call(method, path, body, token, key)
        again = status == 503 or key and (status == 0 or status == 409 and code_of(payload) == "idempotency_key_in_progress")
        if not again or time.time() > deadline:
            return status, payload
        time.sleep(float(retry or 1))


def code_of(payload):
    try:
        return json.loads(payload).get("code")
    except ValueError:
        return None


def logins(i, until):
    login = ["13800000001", "13800000002"][i % 2]
    while time.time() < until:
        status, payload, _ = call("POST", "/api/v1/auth/login", {"login": login, "password": "demo-resident-2021"})
        token = json.loads(payload)["token"] if status == 200 else None
        for _ in range(5):
            call("GET", "/api/v1/me", token=token)
            call("GET", "/api/v1/events?limit=20")


# The signups scenario: residents, an open day taking signups, a held one with an open survey.
open_day = held_day = survey = decision = None
outcomes = {"signup": [], "response": [], "comment": []}
next_resident = iter(range(RESIDENTS))


def residents():
    """Residents fault-1.. with the session tokens fault-token-1.., made in SQL."""
    sql(f"""
        INSERT INTO users (id, login, display_name, password_hash, created_at)
        SELECT gen_random_uuid(), 'fault-' || i, '居民' || i, 'x', now() FROM generate_series(1, {RESIDENTS}) i;
        INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at)
        SELECT gen_random_uuid(), u.id, encode(sha256(convert_to('fault-token-' || substr(u.login, 7), 'UTF8')), 'hex'),
               now(), now() + interval '1 day' FROM users u WHERE u.login LIKE 'fault-%';""")


def prepare():
    global open_day, held_day, survey
    open_day = sql("SELECT id FROM events WHERE status = 'published' AND signup_opens_at <= now() "
                   "AND signup_closes_at > now() AND waitlist_seq = 0 ORDER BY starts_at LIMIT 1")
    held_day, survey = sql("SELECT subject_id || '|' || id FROM surveys WHERE subject_kind = 'event' "
                           "AND opens_at <= now() AND closes_at > now() LIMIT 1").split("|")
    residents()
    sql(f"""
        INSERT INTO signups (id, event_id, user_id, party_size, status, checkin_code, checked_in_at,
                             created_at, updated_at)
        SELECT gen_random_uuid(), '{held_day}', u.id, 1, 'confirmed', substr(md5(u.login), 1, 9), now(),
               now(), now() FROM users u WHERE u.login LIKE 'fault-%';""")


def signups(i, until):
    questions = None
    for n in next_resident:
        if time.time() > until:
            return
        token = f"fault-token-{n + 1}"
        status, _ = until_taken("POST", f"/api/v1/events/{open_day}/signups", {"party_size": 1}, token, until + 30)
        with lock:
            outcomes["signup"].append(status)
        if questions is None:
            _, payload, _ = call("GET", f"/api/v1/events/{held_day}/survey", token=token)
            scales = {"rating": 5, "nps": 11}
            questions = [(q["id"], scales[q["kind"]]) for q in json.loads(payload)["questions"] if q["kind"] in scales]
        body = {"answers": [{"question_id": q, "value": (1 if scale == 5 else 0) + n % scale} for q, scale in questions]}
        status, _ = until_taken("POST", f"/api/v1/surveys/{survey}/responses", body, token, until + 30)
        with lock:
            outcomes["response"].append(status)
        call("GET", "/api/v1/events?limit=20")


def check_signups(restarted):
    taken = {what: sum(1 for s in got if s == 201) for what, got in outcomes.items()}
    failed = {what: sorted(set(s for s in got if s != 201)) for what, got in outcomes.items()}
    stored = int(sql(f"SELECT count(*) FROM signups s JOIN users u ON u.id = s.user_id "
                     f"WHERE s.event_id = '{open_day}' AND u.login LIKE 'fault-%'"))
    seats = sql(f"SELECT e.capacity || ' seats, ' || e.seats_taken || ' taken, ' || "
                f"(SELECT coalesce(sum(party_size), 0) FROM signups WHERE event_id = e.id AND status IN "
                f"('confirmed', 'offered')) || ' held by signups' FROM events e WHERE e.id = '{open_day}'")
    in_database = int(sql(f"SELECT response_seq FROM surveys WHERE id = '{survey}'"))
    print(f"\nsignups: {taken['signup']} answered 201, {stored} stored; {seats}; not 201 in the end: {failed['signup']}")
    print(f"survey responses: {taken['response']} answered 201; not 201 in the end: {failed['response']}")
    _, payload, _ = call("POST", "/api/v1/auth/login", {"login": "admin@yangpu.demo", "password": "demo-admin-2021"})
    admin = json.loads(payload)["token"]
    while True:
        _, payload, _ = call("GET", f"/api/v1/surveys/{survey}/results", token=admin)
        shown = json.loads(payload)["responses"]
        if shown == in_database or time.time() - restarted > 60:
            break
        time.sleep(0.1)
    print(f"survey figures: {shown} responses shown, {in_database} in the database, "
          f"{time.time() - restarted:.1f} s after the outage ended")


# The killed scenario: residents commenting on the open draft, each comment with its own key.
COMMENT = "SIGKILL run, comment "


def comments(i, until):
    for n in next_resident:
        if time.time() > until:
            return
        key = f"killed-{n}"
        body = {"body": COMMENT + key, "name_consent": False}
        status, payload = until_taken("POST", f"/api/v1/decisions/{decision}/comments", body,
                                      f"fault-token-{n + 1}", until + 120, key)
        with lock:
            outcomes["comment"].append((key, status, code_of(payload) if status != 201 else None))


def check_comments():
    sent = outcomes["comment"]
    created = sum(1 for _, status, _ in sent if status == 201)
    completed = sum(1 for _, _, code in sent if code == "idempotency_key_completed")
    other = sorted(set((status, code) for _, status, code in sent
                       if status != 201 and code != "idempotency_key_completed"))
    stored, keys, most = sql(f"SELECT count(*) || '|' || count(DISTINCT body) || '|' || "
                             f"coalesce(max(n), 0) FROM (SELECT body, count(*) n FROM comments "
                             f"WHERE body LIKE '{COMMENT}%' GROUP BY body) c").split("|")
    print(f"\ncomments: {len(sent)} keys sent; {created} answered 201, {completed} found done with "
          f"the answer lost (409 idempotency_key_completed), other final answers: {other}")
    print(f"stored: {stored} comments for {keys} keys, at most {most} for one key")


if scenario == "signups":
    prepare()
elif scenario == "killed":
    CLIENTS = 32
    decision = sql("SELECT id FROM decisions WHERE stage = 'consultation_open' "
                   "AND consultation_opens_at <= now() AND consultation_closes_at > now() LIMIT 1")
    residents()
began = time.time()
until = began + BEFORE + OUTAGE + AFTER
client = {"logins": logins, "signups": signups, "killed": comments}[scenario]
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
print("| phase | answers/s | p99 ms | 503 | other not 2xx |")
print("|---|---:|---:|---:|---:|")
for label, lo, hi in [("before", began, stopped), ("outage", stopped, restarted), ("after", restarted, until)]:
    phase = sorted(a for a in answers if lo <= a[0] < hi)
    took = sorted(a[1] for a in phase)
    p99 = took[min(len(took) - 1, len(took) * 99 // 100)] * 1e3 if took else float("nan")
    unavailable = sum(1 for a in phase if a[2] == 503)
    failed = sum(1 for a in phase if not 200 <= a[2] < 300 and a[2] != 503)
    print(f"| {label} | {len(phase) / (hi - lo):,.0f} | {p99:.0f} | {unavailable} | {failed} |")
if scenario == "signups":
    check_signups(restarted)
elif scenario == "killed":
    check_comments()
