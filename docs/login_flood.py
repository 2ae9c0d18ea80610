# 512 concurrent logins with unknown numbers against a running instance; prints status counts
# and the instance's peak resident memory (VmHWM) before and after.
import concurrent.futures, json, sys, time, urllib.request
base, pid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def hwm():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmHWM", "VmRSS")): print(" ", line.strip())
def go(i):
    body = json.dumps({"login": "137%08d" % i, "password": "guess-guess"}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/login", data=body, headers={"content-type": "application/json"})
    try:
        return urllib.request.urlopen(req, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception as e:
        return type(e).__name__
print("before:"); hwm()
t = time.time()
with concurrent.futures.ThreadPoolExecutor(n) as ex:
    codes = list(ex.map(go, range(n)))
print(f"{n} logins in {time.time()-t:.2f}s:", {c: codes.count(c) for c in set(codes)})
print("after:"); hwm()
