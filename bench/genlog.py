#!/usr/bin/env python3
"""genlog.py SIZE_MB STYLE OUT [--mix SPEC]: a large, realistic `log show` export.

Noise from the processes of a Mac in Setup Assistant (the shapes of
field-guide.md 5.2-5.6), with one enrollment story in every 2,000 lines:
dasd blocking the UCRT (6.2), teslad retrying (2.1), profiles' 34006 (1.2),
then Can Proceed and the UCRT (6.6). STYLE: default, compact, syslog,
console, json or ndjson. json and ndjson carry the keys of a real record
(5.5; ndjson's are 5.8's, INFERRED), so their lines are as long as the
real ones.

--mix SPEC sets the share of noise records per process, "dasd=24,apsd=12,...";
the default mix (DEFAULT_MIX below) looks like a Mac in Setup Assistant,
where the duet scheduler and the push daemon are the chattiest:

  dasd 24 (its scoring of other activities, multi-line, and its
  CurrentScore/DecisionToRun and lifecycle lines: field-guide 6.2, real
  shapes), apsd 12, kernel 10, runningboardd 8, mDNSResponder 6,
  WindowServer 5, cfprefsd 5, mdmclient 4 (its own lines that are no
  failure: "Processing server request", "Scheduled InstallApplication",
  "isDeviceRegisteredWithDEP": real, from public issues), trustd 4,
  symptomsd 4, UserEventAgent 4, Setup Assistant 3, locationd 3, powerd 2,
  mobileactivationd 2 ("UCRT DEP enrollment state requested by
  mdmclient", real), nsurlsessiond 2, bluetoothd 2.

Every dasd and apsd line names its process; 1 record in 100 of the other
(non-enrollment) processes says "error" or "failed", as real logs do. The
apsd, runningboardd and other daemons' words are INFERRED (no verbatim
sample in field-guide.md): only their shape and share matter here."""
import datetime, json, random, sys

args = [a for a in sys.argv[1:] if not a.startswith("--mix")]
mixspec = None
for i, a in enumerate(sys.argv):
    if a == "--mix" and i + 1 < len(sys.argv):
        mixspec = sys.argv[i + 1]
        args = [x for x in args if x != mixspec]
    elif a.startswith("--mix="):
        mixspec = a[6:]
size = int(args[0]) * 1024 * 1024
style = args[1]
out = open(args[2], "w", encoding="utf-8", newline="\n")
rnd = random.Random(2020)
DEFAULT_MIX = {"dasd": 24, "apsd": 12, "kernel": 10, "runningboardd": 8, "mDNSResponder": 6,
               "WindowServer": 5, "cfprefsd": 5, "mdmclient": 4, "trustd": 4, "symptomsd": 4,
               "UserEventAgent": 4, "Setup Assistant": 3, "locationd": 3, "powerd": 2,
               "mobileactivationd": 2, "nsurlsessiond": 2, "bluetoothd": 2}
mix = dict(DEFAULT_MIX)
if mixspec:
    mix = {k: float(v) for k, v in (kv.split("=") for kv in mixspec.split(","))}
mix_names = list(mix)
mix_weights = [mix[k] for k in mix_names]
activities = ["com.apple.XProtect.PluginService.agent.fast.scan", "com.apple.softwareupdated.scheduled-scan",
              "com.apple.CacheDelete.daily", "com.apple.mdmclient.daily", "com.apple.spotlight.IndexDelegate",
              "com.apple.photoanalysisd.backgroundanalysis", "com.apple.nsurlsessiond.download"]
policies = ["BatteryLevelPolicy", "DeviceActivityPolicy", "ChargerPluggedInPolicy", "ThermalPolicy",
            "PowerNapPolicy", "MemoryPressurePolicy", "NetworkQualityPolicy"]

def activity():
    return "%d:%s:%06X" % (rnd.choice((0, 501)), rnd.choice(activities), rnd.randrange(1 << 24))

def dasd_msg():
    """dasd's chatter (field-guide.md 6.2 shapes); a list: one record, its lines."""
    r = rnd.random()
    a = activity()
    if r < 0.2:
        ls = ["%s:[" % a]
        for p in rnd.sample(policies, rnd.randrange(1, 4)):
            ls.append("\t{name: %s, policyWeight: %d.000, response: {Decision: Can Proceed, Score: 0.%02d, Rationale: }}"
                      % (p, rnd.choice((1, 5, 10, 20)), rnd.randrange(100)))
        ls.append(" ] sumScores:%f, denominator:%f, FinalDecision: Can Proceed FinalScore: %f}"
                  % (rnd.random() * 40, rnd.random() * 50, rnd.random()))
        return ls
    if r < 0.6:
        return ["'%s' CurrentScore: %f, ThresholdScore: %f DecisionToRun:%d"
                % (a, rnd.random(), rnd.random(), rnd.randrange(2))]
    if r < 0.8:
        return ["STARTING activity %s <private>!" % a]
    return ["COMPLETED %s at priority 30 <private>!" % a]

chatter = {
    "apsd": ["<private>: connection state changed to connected", "Received message for enabled topic <private>",
             "Sending filter message for enabled topics <private>", "<APSCourier: 0x7f8c1e70>: stream read 512 bytes",
             "Power assertion released for courier <private>", "Looking up connection for environment production"],
    "mdmclient": ["Processing server request: InstallApplication  for: <Device>",
                  "[0:MDMDaemon:<0x540>] CloudConfiguration: isDeviceRegisteredWithDEP:  APNS: -1  UCRT: -1  ProvDEP: 0",
                  "Scheduled InstallApplication from: https://cdnmanager.example.com/assets/sch_5134_4.plist"],
    "mobileactivationd": ["UCRT DEP enrollment state requested by mdmclient"],
    "Setup Assistant": ["Showing pane: <private>", "Controller did finish: <private>", "Flow step completed"],
}
subsystems = {"apsd": "com.apple.apsd:connection", "mdmclient": "com.apple.ManagedClient:MDMDaemon",
              "mobileactivationd": "com.apple.mobileactivationd:daemon",
              "Setup Assistant": "com.apple.purplebuddy:default"}
noise_errors = ["request failed with error -1009", "lookup failed, will retry", "XPC error: connection invalidated"]
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
        proc = rnd.choices(mix_names, mix_weights)[0]
        pid = 100 + sum(proc.encode()) % 400
        if proc == "dasd":
            msg = dasd_msg()
            if style in ("ndjson", "json"):
                ls = [line(t, proc, 120, "com.apple.duetactivityscheduler:scoring", "\n".join(msg))]
            else:
                ls = [line(t, proc, 120, "com.apple.duetactivityscheduler:scoring", msg[0])] + msg[1:]
        elif proc in chatter:
            ls = [line(t, proc, pid, subsystems[proc], rnd.choice(chatter[proc]))]
        else:
            text = " ".join(rnd.choice(words) for _ in range(rnd.randrange(4, 14)))
            if rnd.random() < 0.01:
                text += ": " + rnd.choice(noise_errors)
            ls = [line(t, proc, pid, "com.apple.%s:default" % proc.lower(), text)]
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
