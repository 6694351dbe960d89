#!/usr/bin/env python3
"""killloop.py: kill -9 `enrollguard run` at random moments of one run,
relaunch it each time as launchd would (KeepAlive Crashed), let the last
launch finish, and check what a Mac admin relies on (TAP out):

 - one run: every event has the same run_id, no seq is used twice, no
   attempt number twice, no renewal after the run enrolled;
 - every event reached the server, those of launches killed before they
   knew the serial too, and the server shows the Mac enrolled;
 - whole log lines, and no `log stream` left behind.

Usage: killloop.py EG MKROOT FAKEMAC SCENARIO URL TOKENFILE ADMINTOKEN KILLS SEED WORKDIR
"""
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.request

EG, MKROOT, FAKEMAC, SCENARIO, URL, TOKEN, ADMIN, KILLS, SEED, WORK = sys.argv[1:11]
KILLS, SEED = int(KILLS), int(SEED)
ROOT = os.path.join(WORK, "mac")
ARGS = ["--root", ROOT, "run", "--retry-delay", "200ms", "--thermal-interval", "1s",
        "--fallback-interval", "2s", "--report-url", URL,
        "--report-token-file", "/etc/enrollguard/report.token"]
n = 0


def check(ok, what, why=""):
    global n
    n += 1
    if not ok and why:
        for line in str(why).splitlines()[:8]:
            print("# " + line)
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    sys.stdout.flush()


def api(path):
    req = urllib.request.Request(URL + path, headers={"Authorization": "Bearer " + ADMIN})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


rng = random.Random(SEED)
subprocess.run([MKROOT, ROOT, SCENARIO, FAKEMAC, "20"], check=True)
os.makedirs(os.path.join(ROOT, "etc/enrollguard"), exist_ok=True)
with open(TOKEN) as f, open(os.path.join(ROOT, "etc/enrollguard/report.token"), "w") as g:
    g.write(f.read())
os.chmod(os.path.join(ROOT, "etc/enrollguard/report.token"), 0o600)

print("# seed %d, %d kills" % (SEED, KILLS))
early = ended = 0
for i in range(KILLS):
    p = subprocess.Popen([EG] + ARGS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # a third of the kills land in the first 60 ms: before system.info
    if rng.random() < 0.33:
        delay = rng.uniform(0, 0.06)
        early += 1
    else:
        delay = rng.uniform(0.05, 0.9)
    time.sleep(delay)
    if p.poll() is not None:
        ended += 1
    p.kill()
    p.wait()
print("# %d kills in the first 60 ms; %d launches had ended before their kill" % (early, ended))
p = subprocess.run([EG] + ARGS, capture_output=True, text=True, timeout=120)
check(p.returncode == 0, "the last launch ends the run enrolled (exit 0)", p.stderr)

lines = open(os.path.join(ROOT, "var/log/enrollguard.jsonl"), "rb").read()
events, bad = [], []
for l in lines.decode("utf-8", "replace").splitlines():
    try:
        events.append(json.loads(l))
    except ValueError:
        bad.append(l)
check(not bad and lines.endswith(b"\n"), "every JSON-lines log line is whole", bad[:3])
human = open(os.path.join(ROOT, "var/log/enrollguard.log"), "rb").read()
check(human.endswith(b"\n") and all(re.match(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", l)
                                    for l in human.splitlines()),
      "every human log line is whole")
runs = sorted(set(e["run_id"] for e in events))
check(len(runs) == 1, "one run across %d launches (run_ids: %d)" % (KILLS + 1, len(runs)), runs)
seqs = [(e["run_id"], e["seq"]) for e in events]
dups = sorted(s for s in set(seqs) if seqs.count(s) > 1)
check(not dups, "no seq used twice in a run (%d events)" % len(events), dups)
attempts = [e["data"]["attempt"] for e in events if e["type"] == "renew.attempt"]
check(attempts == sorted(set(attempts)), "no attempt number used twice (%s)" % attempts)
types = [e["type"] for e in events]
first_enrolled = types.index("run.enrolled") if "run.enrolled" in types else None
check(first_enrolled is not None and "renew.attempt" not in types[first_enrolled:],
      "no renewal once the run had enrolled")
calls = open(os.path.join(ROOT, "var/fakemac/calls")).read().count("profiles renew")
check(calls <= len(attempts), "profiles renew ran %d times for %d attempts" % (calls, len(attempts)))
serial = next((e["data"]["serial"] for e in events if e["type"] == "system.info"), "")
dev = {}
for _ in range(50):
    try:
        dev = api("/api/v1/devices/" + serial)["device"]
        if dev["events"] >= len(events):
            break
    except Exception as e:      # not there yet
        dev = {"error": str(e)}
    time.sleep(0.2)
check(dev.get("events") == len(events),
      "the server has every event (%s of %d), the killed launches' too" %
      (dev.get("events"), len(events)), dev)
check(dev.get("state") == "enrolled", "the server shows the Mac enrolled", dev.get("state"))
left = subprocess.run(["pgrep", "-f", ROOT + "/usr/bin/log"], capture_output=True, text=True)
check(left.stdout.strip() == "", "no log stream left running", left.stdout)
print("1..%d" % n)
sys.exit(0)
