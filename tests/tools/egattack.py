#!/usr/bin/env python3
"""egattack: the attacks of issue 17 on an enrollguard-server, each
bounded in time and count, each printing one line of figures that
tests/e2e/t7006 checks (and bench notes quote). Loopback only.

usage: egattack.py ATTACK URL ENROLL_TOKEN ADMIN_TOKEN [ARGS...]

  forge SERIAL KEY        register SERIAL with KEY, then post a forged
                          run.enrolled with the enroll token alone
  future SERIAL           one event dated 9999-12-31, then a real one
  flood N                 N new serials, one batch each, as fast as it can
  collide SECONDS         flood one serial while serials chosen to share
                          its slot in main's (unkeyed FNV-1a) limiter
                          evict it
  slowloris N SECONDS     N connections from 127.0.0.2 that trickle
                          headers, then time /healthz from 127.0.0.1
  slowbody N SECONDS      N connections, 60 from each of the addresses
                          127.0.1.1, .2, ..., that send a POST's headers
                          at once and then its body a byte now and then;
                          /healthz from 127.0.0.1 in the last half
  streamhold N SECONDS    N dashboard streams held SECONDS: how many are
                          still open, and what /metrics says
  sse N SECONDS           ingest batches/s with N streams open that never
                          read, next to the same with none
  unknown SERIAL          a batch with an event type the server does not know
  decode                  serials "C02D", "C02%44" and "A+B"; read each back
  overflow SERIAL         a temperature of 1e300
  crosssite               POST /login and /logout with a foreign Origin
  rawerrors               requests libmicrohttpd refuses before the server
                          sees them (headers over 32 KiB, a 40 KiB URI,
                          HTTP/2.0 and /0.9, a broken version, a header
                          without a colon, bad chunks, a bad or huge
                          Content-Length);
                          one STATUS=CONTENT-TYPE:ERROR word each, then
                          /healthz
"""
import http.client
import json
import resource
import socket
import sys
import threading
import time
import urllib.parse

attack, url, et, at = sys.argv[1:5]
args = sys.argv[5:]
u = urllib.parse.urlparse(url)
HOST, PORT = u.hostname, u.port


def event(serial, run, seq, typ="wait", ts="2026-11-23T08:00:00.000Z", data=None, text=""):
    return {"v": 1, "ts": ts, "host": {"serial": serial, "model": "MacBookAir10,1",
            "os": "14.6.1", "build": "23G93", "arch": "arm64"}, "run_id": run,
            "seq": seq, "type": typ, "data": data or {}, "text": text or typ}


def post(conn, evs, token=et, key=None, timeout=10):
    h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if key:
        h["X-Enrollguard-Device-Key"] = key
    try:
        conn.request("POST", "/api/v1/events", body=json.dumps(evs), headers=h)
        r = conn.getresponse()
        return r.status, r.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e)


def get(path, token=at, timeout=10):
    c = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        c.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        return r.status, r.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e)
    finally:
        c.close()


def conn():
    return http.client.HTTPConnection(HOST, PORT, timeout=10)


def device(serial):
    s, b = get("/api/v1/devices/" + urllib.parse.quote(serial, safe=""))
    return json.loads(b) if s == 200 else {"status": s}


def forge():
    serial, key = args
    c = conn()
    s1, _ = post(c, [event(serial, "real", 1, "setup.waiting")], key=key)
    s2, b2 = post(c, [event(serial, "forged", 1, "run.enrolled")])
    state = device(serial).get("device", {}).get("state")
    print(f"register={s1} forged={s2} state={state}")


def future():
    serial, = args
    c = conn()
    s1, b1 = post(c, [event(serial, "r1", 1, "run.gave_up", ts="9999-12-31T23:59:59.000Z")])
    s2, _ = post(c, [event(serial, "r2", 1, "setup.waiting", ts="2026-11-23T08:00:01.000Z")])
    d = device(serial).get("device", {})
    print(f"future={s1} real={s2} state={d.get('state')} body={b1[:160]!r}")


def flood():
    n = int(args[0])
    c = conn()
    codes = {}
    t0 = time.time()
    for i in range(n):
        s, _ = post(c, [event("FLOOD%06d" % i, "r", 1)])
        codes[s] = codes.get(s, 0) + 1
        if s == 0:
            c = conn()
    dt = time.time() - t0
    created = codes.get(200, 0)
    print(f"posted={n} created={created} refused_429={codes.get(429, 0)} "
          f"seconds={dt:.2f} created_per_s={created / dt:.0f}")


def fnv(s):
    h = 1469598103934665603
    for ch in s.encode():
        h = ((h ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def collide():
    secs = float(args[0])
    target = "C02TARGET001"
    slot = fnv(target) % 65536
    others, i = [], 0
    while len(others) < 16:     # main's PROBE: 16 slots looked at
        s = "C02C%08d" % i
        if fnv(s) % 65536 == slot:
            others.append(s)
        i += 1
    c = conn()
    ok = seq = 0
    t0 = time.time()
    while time.time() - t0 < secs:
        seq += 1
        s, _ = post(c, [event(target, "r", seq)])
        ok += s == 200
        for o in others:
            post(c, [event(o, "r", seq)])
    dt = time.time() - t0
    print(f"target_accepted={ok} target_posted={seq} seconds={dt:.2f} "
          f"accepted_per_s={ok / dt:.1f}")


def trickle(n, secs, addr, first, probe_from):
    """Open N connections, the i-th from ADDR(i), send FIRST on each, then
    for SECS a byte on the first 300 now and then, and time /healthz from
    127.0.0.1 once PROBE_FROM seconds have gone. Prints the figures; held
    at the end is what the server neither cut nor answered."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 256)), hard))
    socks = []
    for i in range(n):
        try:
            s = socket.socket()
            s.bind((addr(i), 0))
            s.settimeout(2)
            s.connect((HOST, PORT))
            s.sendall(first)
            socks.append(s)
        except OSError:
            break
    time.sleep(0.5)
    t0 = time.time()
    answered = fails = 0
    while time.time() - t0 < secs:
        if time.time() - t0 >= probe_from:
            st, _ = get("/healthz", timeout=2)
            answered += st == 200
            fails += st != 200
        for k in socks[:300]:
            try:
                k.sendall(b" ")
            except OSError:
                pass
        time.sleep(0.2)
    alive = 0
    for k in socks:
        try:
            k.settimeout(0.01)
            k.recv(1)
        except socket.timeout:
            alive += 1
        except OSError:
            pass
    for k in socks:
        k.close()
    print(f"opened={len(socks)} healthz_ok={answered} healthz_failed={fails} held_at_end={alive}")


def slowloris():
    """Headers that never end, all from one address."""
    n, secs = int(args[0]), float(args[1])
    trickle(n, secs, lambda i: "127.0.0.2", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", 0)


def slowbody():
    """A POST's headers at once, then its body slowly, 60 connections per
    address; the first half of SECS is the deadline's (the server is full
    then), /healthz is timed in the second."""
    n, secs = int(args[0]), float(args[1])
    head = (b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
            et.encode() + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n[")
    trickle(n, secs, lambda i: f"127.0.1.{1 + i // 60}", head, secs / 2)


def ingest_rate(secs, serial):
    c = conn()
    n = 0
    seq = 0
    t0 = time.time()
    while time.time() - t0 < secs:
        evs = []
        for _ in range(10):
            seq += 1
            evs.append(event(serial, "r", seq, "thermal.sample",
                             data={"cpu_die_c": 50 + seq % 50, "hot": seq % 2 == 0}))
        s, _ = post(c, evs)
        n += s == 200
    return n / (time.time() - t0)


def open_streams(n):
    socks = []
    for i in range(n):
        try:
            # 50 dashboards per address: an office behind each, not one flooder
            s = socket.socket()
            s.bind(("127.0.1.%d" % (i // 50 + 1), 0))
            s.settimeout(5)
            s.connect((HOST, PORT))
            s.sendall(("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                       % at).encode())
            socks.append(s)
        except OSError:
            break
    time.sleep(1)
    return socks


def streamhold():
    n, secs = int(args[0]), float(args[1])
    socks = open_streams(n)
    time.sleep(secs)
    alive = 0
    for k in socks:     # read what came; open if it then waits, not at EOF
        k.settimeout(0.05)
        try:
            while k.recv(65536):
                pass
        except socket.timeout:
            alive += 1
        except OSError:
            pass
    lines = [l for l in get("/metrics")[1].splitlines()
             if l.startswith("enrollguard_sse_clients ")]
    for k in socks:
        k.close()
    print(f"streams={len(socks)} alive={alive} server_says={lines[0].split()[1] if lines else '?'}")


def sse():
    """Ingest with no streams and with n, alternately, three rounds of
    secs each; the best round of each, so a busy machine (other builds,
    a sanitizer) weighs on both sides alike."""
    n, secs = int(args[0]), float(args[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 256)), hard))
    base, loaded, said, opened = [], [], "?", 0
    for rnd in range(3):
        base.append(ingest_rate(secs, "C02SSEBASE%d" % rnd))
        socks = open_streams(n)
        opened = len(socks)
        lines = [l for l in get("/metrics")[1].splitlines()
                 if l.startswith("enrollguard_sse_clients ")]
        said = lines[0].split()[1] if lines else "?"
        loaded.append(ingest_rate(secs, "C02SSELOAD%d" % rnd))
        for s in socks:
            s.close()
        time.sleep(0.5)
    b, l = max(base), max(loaded)
    print(f"streams={opened} server_says={said} batches_per_s_0={b:.0f} "
          f"batches_per_s_n={l:.0f} ratio={(l / b if b else 0):.2f}")


def unknown():
    serial, = args
    c = conn()
    s, b = post(c, [event(serial, "r", 1, "setup.waiting"),
                    event(serial, "r", 2, "bluetooth.paired", text="from a newer agent")])
    d = device(serial)
    types = [e["type"] for e in d.get("events", [])]
    print(f"status={s} stored={len(types)} state={d.get('device', {}).get('state')} "
          f"types={','.join(sorted(types))}")


def decode():
    c = conn()
    for serial in ("C02D", "C02%44", "A+B"):
        post(c, [event(serial, "r", 1)])
    out = []
    for path in ("C02%2544", "A+B", "C02%00D"):
        s, b = get("/api/v1/devices/" + path)
        got = json.loads(b)["device"]["serial"] if s == 200 else "-"
        out.append(f"{path}={s}:{got}")
    print(" ".join(out))


def overflow():
    serial, = args
    c = conn()
    s, b = post(c, [event(serial, "r", 1, "thermal.sample",
                          data={"cpu_die_c": 1e300, "hot": True})])
    d = device(serial).get("device", {})
    print(f"status={s} cpu_die_c={d.get('cpu_die_c')}")


def crosssite():
    out = []
    for path, body in (("/login", "token=" + at), ("/logout", "")):
        c = conn()
        c.request("POST", path, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://evil.example", "Host": "%s:%d" % (HOST, PORT)})
        r = c.getresponse()
        r.read()
        out.append(f"{path}={r.status}")
    print(" ".join(out))


def raw(request):
    """Send REQUEST bytes as they are, read the answer until the server
    closes or 5 s pass: "STATUS=CONTENT-TYPE:ERROR", ERROR the body's
    "error", or not-json. No answer at all is 0=none:not-json."""
    s = socket.create_connection((HOST, PORT), timeout=5)
    data = b""
    try:
        s.sendall(request)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                n = [int(v) for k, v in (line.split(b":", 1) for line in head.split(b"\r\n")[1:]
                                         if b":" in line) if k.strip().lower() == b"content-length"]
                if n and len(body) >= n[0]:
                    break
    except OSError:
        pass
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    status = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "0"
    ctype = next((v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
                  if k.strip().lower() == "content-type"), "none")
    try:
        err = json.loads(body).get("error", "no-error-member")
    except (ValueError, AttributeError):
        err = "not-json"
    return f"{status}={ctype}:{err}"


def rawerrors():
    host = b"Host: %s:%d\r\n" % (HOST.encode(), PORT)
    big = b"X-Filler: " + b"a" * 40000 + b"\r\n"
    post = b"POST /api/v1/events HTTP/1.1\r\n" + host + \
        b"Authorization: Bearer " + et.encode() + b"\r\nContent-Type: application/json\r\n"
    cases = (
        ("headers", b"GET /healthz HTTP/1.1\r\n" + host + big + b"\r\n"),
        ("uri", b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\n" + host + b"\r\n"),
        ("http2", b"GET /healthz HTTP/2.0\r\n" + host + b"\r\n"),
        ("http09", b"GET /healthz HTTP/0.9\r\n" + host + b"\r\n"),
        ("version", b"GET /healthz HTTX/1.1\r\n" + host + b"\r\n"),
        ("header", b"GET /healthz HTTP/1.1\r\n" + host + b"no colon here\r\n\r\n"),
        ("chunks", post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n"),
        ("length", post + b"Content-Length: 12abc\r\n\r\n"),
        ("huge", post + b"Content-Length: 99999999999999999999999\r\n\r\n"),
    )
    out = [f"{name}={raw(req)}" for name, req in cases]
    s, _ = get("/healthz")
    print(" ".join(out) + f" healthz={s}")


globals()[attack]()
