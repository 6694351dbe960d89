#!/usr/bin/env python3
"""agent-probes.py: issue 16's probes of `enrollguard run`, as figures.

Runs one agent binary against fake Macs and a real enrollguard-server on
loopback and prints what a Mac admin would count:

  stranded   events of an enrolled run that never reach a server that was
             down at the run's end and came back later
  spool      a hot Mac with a 64 KiB spool and the server down: events the
             spool dropped, whether that was said (report.dropped), and
             whether run.enrolled reached the server once it came back
  early      launches killed before they knew the serial (sw_vers slow):
             of N, how many had their run.start reach the server
  finished   kill -9 right after run.enrolled, relaunch: new runs started
             and extra `profiles renew` calls, of N
  kills      K random kill -9 of one reporting run: run_ids, duplicate
             seqs, reused attempt numbers, corrupt lines, `log stream`
             processes left over, events missing on the server
  deadline   --deadline 5s with a hung `profiles`: seconds to exit
  disk       a full disk (tmpfs, root only): exit status, half lines
  saves      state-file replacements per minute on a hot Mac

Usage: bench/agent-probes.py ENROLLGUARD [BUILD] [--quick]
BUILD (default build) gives the fake Mac and the server. --quick runs
fewer trials. Benchmarks run under `flock /work/briefs/bench.lock` when
figures are to be reported; other builds may be running meanwhile.
"""
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
EG = os.path.abspath(sys.argv[1])
BUILD = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("-")
                        else os.path.join(SRC, "build"))
QUICK = "--quick" in sys.argv
FAKEMAC = os.path.join(BUILD, "tests/fakemac/fakemac")
SERVER = os.path.join(BUILD, "src/server/enrollguard-server")
MKROOT = os.path.join(SRC, "tests/fakemac/mkroot")
SCEN = os.path.join(SRC, "tests/fakemac/scenarios")
WORK = tempfile.mkdtemp(prefix="eg-probes.")
rng = random.Random(16)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Server:
    def __init__(self, name):
        self.db = os.path.join(WORK, name + ".db")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.p = None
        self.up()
        self.down()

    def up(self):
        out = open(self.db + ".out", "w")
        self.p = subprocess.Popen([SERVER, "--listen", "127.0.0.1:%d" % self.port, "--db", self.db,
                                   "--enroll-token-file", self.db + ".enroll-token",
                                   "--admin-token-file", self.db + ".admin-token"],
                                  stdout=out, stderr=subprocess.STDOUT)
        for _ in range(100):
            if "listening" in open(self.db + ".out").read():
                break
            time.sleep(0.1)

    def down(self):
        if self.p:
            self.p.terminate()
            self.p.wait()
            self.p = None

    def events(self, serial):
        tok = open(self.db + ".admin-token").read().strip()
        req = urllib.request.Request(self.url + "/api/v1/devices/" + serial,
                                     headers={"Authorization": "Bearer " + tok})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.load(r).get("events", [])
        except Exception:
            return []


def mac(name, scenario, speed, extra=""):
    root = os.path.join(WORK, name)
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([MKROOT, root, os.path.join(SCEN, scenario + ".scenario"), FAKEMAC, str(speed)],
                   check=True)
    if extra:
        with open(os.path.join(root, "etc/fakemac/scenario"), "a") as f:
            f.write(extra + "\n")
    return root


def token(root, srv):
    os.makedirs(os.path.join(root, "etc/enrollguard"), exist_ok=True)
    dst = os.path.join(root, "etc/enrollguard/report.token")
    shutil.copy(srv.db + ".enroll-token", dst)
    os.chmod(dst, 0o600)
    return ["--report-url", srv.url, "--report-token-file", "/etc/enrollguard/report.token"]


def jsonl(root):
    ev, bad = [], 0
    path = os.path.join(root, "var/log/enrollguard.jsonl")
    if os.path.exists(path):
        for l in open(path, "rb").read().decode("utf-8", "replace").splitlines():
            try:
                ev.append(json.loads(l))
            except ValueError:
                bad += 1
    return ev, bad


def log_has(root, text):
    path = os.path.join(root, "var/log/enrollguard.log")
    return os.path.exists(path) and text in open(path).read()


def wait_log(root, text, secs):
    end = time.time() + secs
    while time.time() < end:
        if log_has(root, text):
            return True
        time.sleep(0.05)
    return False


def run(root, args, **kw):
    return subprocess.Popen([EG, "--root", root, "run"] + args, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **kw)


def renews(root):
    return open(os.path.join(root, "var/fakemac/calls")).read().count("profiles renew")


def leftovers(root):
    p = subprocess.run(["pgrep", "-f", root + "/usr/bin/log"], capture_output=True, text=True)
    return len(p.stdout.split())


def probe_stranded():
    srv = Server("stranded")
    root = mac("stranded", "cool", 20)
    p = run(root, ["--retry-delay", "100ms"] + token(root, srv))
    wait_log(root, "run.enrolled", 20)
    # main waited its 30 s --report-flush then left; a week now
    end = time.time() + 35
    while time.time() < end and p.poll() is None:
        time.sleep(0.2)
    exited_before = p.poll() is not None
    plist = os.path.exists(os.path.join(root, "Library/LaunchDaemons/com.enrollguard.run.plist"))
    srv.up()
    t = time.time()
    try:
        p.wait(timeout=90)          # the reporter's backoff is up to a minute
    except subprocess.TimeoutExpired:
        p.kill()
    took = time.time() - t
    time.sleep(1)
    ev, _ = jsonl(root)
    run_id = ev[0]["run_id"] if ev else ""
    got = [e for e in srv.events("C02ZK0AAMD6M") if e["run_id"] == run_id]
    srv.down()
    print("stranded: %d of %d events never reached the server (agent %s before the server "
          "came back, LaunchDaemon %s meanwhile; %s); run.enrolled delivered: %s" %
          (len(ev) - len(got), len(ev), "had exited" if exited_before else "still running",
           "kept" if plist else "gone",
           "exited %.0f s after the server came back" % took if not exited_before else "",
           any(e["type"] == "run.enrolled" for e in got)))


def probe_spool():
    srv = Server("spool")
    root = mac("spool", "seed-hot-cools", 20)
    sc = os.path.join(root, "etc/fakemac/scenario")
    s = open(sc).read()
    s = re.sub(r"(?m)^dasd_every.*$", "dasd_every = 0.4", s)
    s = re.sub(r"(?m)^hot_until.*$", "hot_until = 100", s)
    open(sc, "w").write(s)
    p = run(root, ["--retry-delay", "100ms", "--thermal-interval", "100ms",
                   "--report-spool-max", "64", "--report-flush", "1s"] + token(root, srv))
    p.wait(timeout=120)
    ev, _ = jsonl(root)
    run_id = ev[0]["run_id"]
    srv.up()
    q = run(root, ["--report-flush", "20s"] + token(root, srv))
    q.wait(timeout=60)
    time.sleep(1)
    got = [e for e in srv.events("FVFXC2ABJ1WK") if e["run_id"] == run_id]
    srv.down()
    said = [e for e in ev if e["type"] == "report.dropped" and "expired" not in e["data"]]
    mine = [e for e in ev if e["run_id"] == run_id]
    print("spool: %d events of the run, %d reached the server (%d missing); run.enrolled "
          "delivered: %s; drops said in report.dropped: %s" %
          (len(mine), len(got), len(mine) - len(got), any(e["type"] == "run.enrolled" for e in got),
           said[-1]["data"] if said else "never"))


def probe_early(n):
    lost = 0
    for i in range(n):
        srv = Server("early%d" % i)         # one key registration per Mac
        root = mac("early%d" % i, "cool", 20, "sw_vers_takes = 20")
        args = ["--retry-delay", "100ms"] + token(root, srv)
        srv.up()
        p = run(root, args)
        wait_log(root, "run.start", 10)
        p.kill()
        p.wait()
        sc = os.path.join(root, "etc/fakemac/scenario")
        text = open(sc).read().replace("sw_vers_takes = 20", "")
        open(sc, "w").write(text)
        run(root, args + ["--report-flush", "20s"]).wait(timeout=60)
        time.sleep(0.5)
        ev, _ = jsonl(root)
        ids = set(e["run_id"] for e in ev if e["type"] == "run.start")
        got = [e for e in srv.events("C02ZK0AAMD6M") if e["run_id"] in ids and
               e["type"] == "run.start"]
        lost += len(got) < len(ids)
        srv.down()
    print("early: %d of %d launches killed before they knew the serial never got their "
          "run.start to the server" % (lost, n))


def probe_finished(n):
    new_runs = extra = 0
    for i in range(n):
        srv = Server("fin%d" % i)
        root = mac("fin%d" % i, "cool", 20)
        args = ["--retry-delay", "100ms"] + token(root, srv)
        p = run(root, args)
        wait_log(root, "run.enrolled", 20)
        time.sleep(rng.uniform(0, 0.3))
        p.kill()
        p.wait()
        before = renews(root)
        srv.up()
        run(root, args + ["--report-flush", "20s"]).wait(timeout=60)
        ev, _ = jsonl(root)
        new_runs += len(set(e["run_id"] for e in ev)) > 1
        extra += renews(root) > before
        srv.down()
    print("finished: of %d kills after run.enrolled, %d relaunches started a new run and %d "
          "called profiles renew again" % (n, new_runs, extra))


def probe_kills(k):
    srv = Server("kills")
    srv.up()
    root = mac("kills", "seed-hot-cools", 20)
    args = ["--retry-delay", "200ms", "--thermal-interval", "1s", "--fallback-interval", "2s"] + \
        token(root, srv)
    for i in range(k):
        p = run(root, args)
        time.sleep(rng.uniform(0, 0.06) if rng.random() < 0.33 else rng.uniform(0.05, 0.9))
        p.kill()
        p.wait()
    run(root, args + ["--report-flush", "30s"]).wait(timeout=120)
    time.sleep(1)
    ev, bad = jsonl(root)
    keys = [(e["run_id"], e["seq"]) for e in ev]
    attempts = [e["data"]["attempt"] for e in ev if e["type"] == "renew.attempt"]
    runs = set(e["run_id"] for e in ev)
    got = srv.events("FVFXC2ABJ1WK")
    srv.down()
    print("kills: %d kill -9 in one run: %d run_ids, %d duplicate seqs, %d reused attempt "
          "numbers, %d corrupt lines, %d log stream left running, %d of %d events not on the "
          "server" % (k, len(runs), len(keys) - len(set(keys)),
                      len(attempts) - len(set(attempts)), bad, leftovers(root),
                      len(set(keys) - set((e["run_id"], e["seq"]) for e in got)), len(ev)))


def probe_deadline():
    root = mac("deadline", "hung-profiles", 1)
    t = time.time()
    run(root, ["--deadline", "5s", "--no-wait-setup-assistant"]).wait(timeout=120)
    print("deadline: --deadline 5s with a hung profiles took %.1f s" % (time.time() - t))


def probe_disk():
    root = mac("disk", "cool", 20)
    var = os.path.join(root, "var")
    keep = os.path.join(WORK, "disk-var")
    shutil.copytree(var, keep, symlinks=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", var],
                      capture_output=True).returncode != 0:
        print("disk: cannot mount a tmpfs here (root needed)")
        return
    try:
        subprocess.run(["cp", "-a", keep + "/.", var], check=True)
        st = os.statvfs(var)
        free = st.f_bavail * st.f_frsize
        with open(os.path.join(var, "filler"), "wb") as f:
            f.write(b"\0" * max(0, free - 12 * 1024))
        rc = run(root, ["--retry-delay", "100ms", "--no-wait-setup-assistant"]).wait(timeout=60)
        data = open(os.path.join(var, "log/enrollguard.jsonl"), "rb").read() \
            if os.path.exists(os.path.join(var, "log/enrollguard.jsonl")) else b""
        print("disk: a full disk: exit %d, JSON-lines log %s" %
              (rc, "ends in half a line" if data and not data.endswith(b"\n") else "whole"))
    finally:
        subprocess.run(["umount", var])


def probe_saves(secs):
    root = mac("saves", "hot-forever", 1)
    os.makedirs(os.path.join(root, "var/db/enrollguard"), exist_ok=True)
    p = run(root, ["--no-wait-setup-assistant", "--deadline", "%ds" % (secs + 10)])
    time.sleep(5)
    out = subprocess.run([sys.executable, os.path.join(SRC, "tests/tools/statesaves.py"),
                          os.path.join(root, "var/db/enrollguard"), "state", str(secs)],
                         capture_output=True, text=True).stdout.strip()
    p.send_signal(signal.SIGTERM)
    p.wait()
    ev, _ = jsonl(root)
    print("saves: %s state saves in %d s on a hot Mac at real speed (%.1f a minute); %d events "
          "in the whole run" % (out, secs, int(out or 0) * 60.0 / secs, len(ev)))


try:
    print("# %s" % EG)
    probe_deadline()
    probe_stranded()
    probe_spool()
    probe_early(3 if QUICK else 10)
    probe_finished(3 if QUICK else 10)
    probe_kills(20 if QUICK else 50)
    probe_disk()
    probe_saves(30 if QUICK else 60)
finally:
    for p in subprocess.run(["pgrep", "-f", WORK + "/"], capture_output=True,
                            text=True).stdout.split():
        try:
            os.kill(int(p), signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(WORK, ignore_errors=True)
