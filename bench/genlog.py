#!/usr/bin/env python3
"""genlog.py SIZE_MB STYLE OUT: a large, realistic `log show` export.

Mostly noise from many processes (the shapes of field-guide.md 5.2-5.6),
with one enrollment story in every 2,000 lines: dasd blocking the UCRT
(6.2), teslad retrying (2.1), profiles' 34006 (1.2), then Can Proceed and
the UCRT (6.6). STYLE: default, compact, syslog, console, json or ndjson.
json and ndjson carry the keys of a real record (5.5; ndjson's are 5.8's,
INFERRED), so their lines are as long as the real ones."""
import datetime, json, random, sys

size = int(sys.argv[1]) * 1024 * 1024
style = sys.argv[2]
out = open(sys.argv[3], "w", encoding="utf-8", newline="\n")
rnd = random.Random(2020)
procs = ["kernel", "WindowServer", "mds_stores", "Safari", "cfprefsd", "trustd",
         "syspolicyd", "UserEventAgent", "locationd", "bluetoothd", "powerd",
         "runningboardd", "nsurlsessiond", "softwareupdated", "symptomsd"]
words = ("state changed to idle handle request for client connection invalidated "
         "sandbox extension consumed preference domain read xpc message sent "
         "resolving host timer fired").split()

def record(t, ts, proc, pid, subsys, msg):
    """A log show json record: the keys of field-guide.md 5.5, in 5.8's order."""
    sub, cat = subsys.split(":")
    path = "/usr/libexec/" + proc
    return {"timestamp": ts, "machTimestamp": int(t.timestamp() * 1e9) % 10**13,
            "messageType": "Default", "eventType": "logEvent", "processImagePath": path,
            "processID": pid, "threadID": pid * 7, "subsystem": sub, "category": cat,
            "senderImagePath": path, "eventMessage": msg, "formatString": "%{public}@",
            "traceID": pid * 1009, "activityIdentifier": 0, "parentActivityIdentifier": 0,
            "timezoneName": ""}

def line(t, proc, pid, subsys, msg):
    if style == "compact":
        return "%s Df %s[%d:%x] [%s] %s" % (t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], proc, pid, pid * 7, subsys, msg)
    ts = t.strftime("%Y-%m-%d %H:%M:%S.%f") + "-0700"
    if style == "syslog":
        return "%s  localhost %s[%d]: [%s] %s" % (ts, proc, pid, subsys, msg)
    if style == "ndjson":
        return json.dumps(record(t, ts, proc, pid, subsys, msg),
                          separators=(",", ":")).replace("/", "\\/")
    if style == "json":
        # pretty, 2-space indent, " : " (5.5), in one array: "[{" opens it,
        # "},{" joins records, "}]" closes it (written at the end)
        global first
        text = json.dumps(record(t, ts, proc, pid, subsys, msg), indent=2,
                          separators=(",", " : ")).replace("/", "\\/")
        text = ("[" if first else "},") + text[:-2]
        first = False
        return text
    if style == "console":
        # 5.7: a space before the offset; subsystem and category as tokens
        ts = t.strftime("%Y-%m-%d %H:%M:%S.%f") + " -0700"
        return "%s %s %s %s %s" % (ts, proc, subsys.split(":")[0], subsys.split(":")[1], msg)
    return "%-31s %-10s %-11s %-20s %-6d %-4d %s: [%s] %s" % (ts, "0x%x" % (pid * 3), "Default", "0x0", pid, 0, proc, subsys, msg)

def story(t):
    lines = []
    for i in range(3):
        if style in ("ndjson", "json"):
            msg = ("0:com.apple.mobileactivationd.UCRT.OOB:D6504%d:[\n\t{name: ThermalPolicy, policyWeight: 5.000, "
                   "response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
                   " ], FinalDecision: Absolutely Must Not Proceed}" % i)
            lines.append(line(t, "dasd", 120, "com.apple.duetactivityscheduler:scoring", msg))
        else:
            lines.append(line(t, "dasd", 120, "com.apple.duetactivityscheduler:scoring",
                              "0:com.apple.mobileactivationd.UCRT.OOB:D6504%d:[" % i))
            lines.append("\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}")
            lines.append(" ], FinalDecision: Absolutely Must Not Proceed}")
    lines.append(line(t, "teslad", 412, "com.apple.CloudConfigurationDaemon:Default", "Retrying the request"))
    lines.append(line(t, "profiles", 900, "com.apple.ManagedClient:profiles",
                      "Error fetching Device Enrollment configuration: (34006) Error Domain=MCCloudConfigurationErrorDomain Code=34006 \"The cloud configuration server is unavailable.\" UserInfo={}"))
    lines.append(line(t, "mobileactivationd", 99, "com.apple.mobileactivationd:daemon", "Successfully performed UCRT OOB."))
    return lines

if style not in ("ndjson", "console"):
    out.write('Filtering the log data using "composedMessage CONTAINS \\"a\\""\n')
    out.write("Skipping info and debug messages, pass --info and/or --debug to include.\n")
    if style != "json":
        out.write("Timestamp                       Thread     Type        Activity             PID    TTL  \n")
first = True
t = datetime.datetime(2026, 3, 15, 9, 0, 0)
written = 0
n = 0
buf = []
while written < size:
    t += datetime.timedelta(microseconds=rnd.randrange(1, 20000))
    if n % 2000 == 1999:
        ls = story(t)
    else:
        p = rnd.randrange(len(procs))
        ls = [line(t, procs[p], 100 + p * 37, "com.apple.%s:default" % procs[p].lower(),
                   " ".join(rnd.choice(words) for _ in range(rnd.randrange(4, 14))))]
    for l in ls:
        buf.append(l)
        written += len(l) + 1
    n += 1
    if len(buf) > 5000:
        out.write("\n".join(buf) + "\n")
        buf = []
out.write("\n".join(buf) + "\n")
if style == "json":
    out.write("}]\n")
