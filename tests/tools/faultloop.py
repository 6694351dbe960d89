#!/usr/bin/env python3
"""faultloop.py: fail the Nth allocation, write and fsync of a whole run,
for every N until the run completes without reaching N (CONVENTIONS 17:
SQLite's faultsim, curl's torture mode), and check after each:

 - no crash: a failed write or fsync ends the run with exit 3 and a
   message naming the file; a failed allocation is enrollguard's out of
   memory, a message and abort() (then launchd relaunches it);
 - a readable log: every line of the JSON-lines log is whole JSON with
   rising seqs, every line of the human log is whole;
 - a resumable state: the state file parses, and a relaunch (the plain
   binary) ends the run enrolled, using no seq twice and renewing no
   more once the first launch had enrolled.

Usage: faultloop.py FAULTY PLAIN MKROOT FAKEMAC SCENARIO KIND... (TAP out)
"""
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAULTY, PLAIN, MKROOT, FAKEMAC, SCENARIO = sys.argv[1:6]
# "write+": the Nth write and every one after fail (a disk that stays full)
KINDS = sys.argv[6:] or ["write", "write+", "fsync", "fsync+", "alloc"]
ARGS = ["run", "--no-wait-setup-assistant", "--retry-delay", "100ms",
        "--thermal-interval", "1s"]
HUMAN = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} [a-z_]+\.?[a-z_]*: ")


def counts(stderr):
    m = re.search(r"eg-fault: alloc=(\d+) write=(\d+) fsync=(\d+)", stderr)
    return dict(zip(["alloc", "write", "fsync"], map(int, m.groups()))) if m else None


def read_logs(root):
    """Problems with the logs as they are now, and the events."""
    bad, events = [], []
    for name, check in (("enrollguard.jsonl", None), ("enrollguard.log", HUMAN)):
        path = os.path.join(root, "var/log", name)
        if not os.path.exists(path):
            continue
        data = open(path, "rb").read()
        if data and not data.endswith(b"\n"):
            bad.append("%s ends in half a line" % name)
        for line in data.decode("utf-8", "replace").splitlines():
            if check is None:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    bad.append("%s: not JSON: %.80s" % (name, line))
            elif not check.match(line):
                bad.append("%s: not a log line: %.80s" % (name, line))
    return bad, events


def state(root):
    path = os.path.join(root, "var/db/enrollguard/state")
    if not os.path.exists(path):
        return None
    st = dict(l.split("=", 1) for l in open(path).read().splitlines() if "=" in l)
    if "run_id" not in st or not st["run_id"]:
        raise ValueError("state without run_id")
    return st


def one(kind, n, work):
    """Run with the nth call of kind failing; None when fine, else why not."""
    root = os.path.join(work, "%s%s-%d" % (kind.strip("+"), "p" * kind.endswith("+"), n))
    subprocess.run([MKROOT, root, SCENARIO, FAKEMAC, "100"], check=True)
    env = dict(os.environ, EG_FAULT="%s:%d%s" % (kind.strip("+"), n, "+" * kind.endswith("+")))
    kind = kind.strip("+")
    p = subprocess.run([FAULTY, "--root", root] + ARGS, env=env, capture_output=True,
                       text=True, timeout=60)
    c = counts(p.stderr)
    try:
        if kind == "alloc" and p.returncode == -6 and "out of memory" in p.stderr:
            fired = True
        else:
            if c is None:
                return "no counts (exit %d): %s" % (p.returncode, p.stderr[-300:])
            fired = c[kind] >= n
        if p.returncode < 0 and not (kind == "alloc" and p.returncode == -6):
            return "killed by signal %d: %s" % (-p.returncode, p.stderr[-300:])
        if kind == "alloc" and fired and p.returncode != -6:
            return "a failed allocation did not abort (exit %d)" % p.returncode
        if kind != "alloc" and fired and (p.returncode != 3 or "'" not in p.stderr):
            return "a failed %s: exit %d, not 3 naming the file: %s" % (
                kind, p.returncode, p.stderr[-300:])
        if not fired and p.returncode != 0:
            return "no fault, yet exit %d: %s" % (p.returncode, p.stderr[-300:])
        bad, ev1 = read_logs(root)
        if bad:
            return "after the fault: " + "; ".join(bad[:3])
        seqs = [e["seq"] for e in ev1]
        if seqs != sorted(set(seqs)):
            return "seqs after the fault: %s" % seqs
        st1 = state(root)
        renews1 = open(os.path.join(root, "var/fakemac/calls")).read().count("profiles renew")
        # the relaunch: what launchd does after a crash, or the next boot
        q = subprocess.run([PLAIN, "--root", root] + ARGS, capture_output=True, text=True,
                           timeout=60)
        if q.returncode != 0:
            return "relaunch: exit %d: %s" % (q.returncode, q.stderr[-300:])
        bad, ev2 = read_logs(root)
        if bad:
            return "after the relaunch: " + "; ".join(bad[:3])
        keys = [(e["run_id"], e["seq"]) for e in ev2]
        if len(keys) != len(set(keys)):
            return "a seq used twice: %s" % keys
        st2 = state(root)
        if not st2 or st2.get("phase") != "enrolled":
            return "relaunch did not end enrolled: %s" % (st2 or {}).get("phase")
        if st1 and st2["run_id"] != st1["run_id"]:
            return "the relaunch started a new run"
        renews2 = open(os.path.join(root, "var/fakemac/calls")).read().count("profiles renew")
        if st1 and st1.get("phase") == "enrolled" and renews2 != renews1:
            return "renewed again after the run had enrolled"
        return None if fired else "done"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def loop(kind, work):
    """Every N until a run no longer reaches it; returns (N tried, failures)."""
    fails, n, done = [], 0, False
    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        while not done:
            batch = list(range(n + 1, n + 9))
            for k, why in zip(batch, ex.map(lambda k: one(kind, k, work), batch)):
                if why == "done":
                    done = True
                    break
                n = k
                if why:
                    fails.append("%s:%d: %s" % (kind, k, why))
            if n > 5000:
                fails.append("%s: still faulting after 5000" % kind)
                break
    return n, fails


def main():
    work = tempfile.mkdtemp(prefix="eg-faults.")
    t = 0
    try:
        for kind in KINDS:
            n, fails = loop(kind, work)
            t += 1
            for f in fails[:10]:
                print("# " + f)
            what = ("the Nth %s of a run and every one after it (a disk that stays full)"
                    % kind.strip("+")) if kind.endswith("+") else "the Nth %s of a run" % kind
            print("%s %d - %s failed, for N = 1..%d: clear exit, whole logs, resumable state"
                  % ("not ok" if fails or not n else "ok", t, what, n))
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % t)


main()
