#!/bin/sh
# explain tells seed 000's story (blocked by ThermalPolicy for minutes,
# then Can Proceed, the UCRT) and seed 002's (403, the device certificate
# rejected) from fixtures built of field-guide lines, in several styles.
. "$SRCDIR/tests/e2e/lib.sh"
F=$SRCDIR/tests/fixtures

"$ENROLLGUARD" explain "$F/seed000-default.log" > "$TMP/o" 2>&1; rc=$?
check "seed 000, default style: exit 0 (the UCRT came)" exits_with 0
check "detects the style" has "$TMP/o" "seed000-default.log: default (104 lines)"
check "folds the blocks with their span" has "$TMP/o" "2020-08-06 16:58:42 +0000 .. 17:03:02 +0000  dasd blocked the UCRT: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2) (27 times)"
check "then Can Proceed with the final score" has "$TMP/o" "dasd let the UCRT task run (final score 0.827808)"
check "then the UCRT" has "$TMP/o" "mobileactivationd performed the UCRT OOB"
check "the block is a warning once it cleared" has "$TMP/o" "warning ucrt.blocked.thermal (31,"
check "CRLF and a non-UTF-8 byte do not hide a line" has "$TMP/o" "teslad retried its request (twice)"

"$ENROLLGUARD" explain --json "$F/seed000-console.log" > "$TMP/j" 2>&1; rc=$?
check "seed 000, Console copy: exit 1 (34006 failures)" exits_with 1
check "JSON: findings with ids, severities, codes" python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
f={x["id"]:x for x in j["findings"]}
assert j["inputs"][0]["style"]=="Console copy", j["inputs"]
assert f["ucrt.blocked.thermal"]["severity"]=="warning", f
assert "thermalLevel >= 2" in f["ucrt.blocked.thermal"]["data"]["detail"]
assert f["cloudconfig.retries_exhausted"]["severity"]=="failure"
assert f["cloudconfig.error"]["data"]["code"]==34006
assert f["ucrt.acquired"]["last"]=="2020-08-06T17:03:11.122Z"
assert all(k in f["ucrt.acquired"] for k in ("id","severity","first","last","count","summary","next_step","data"))
assert len(j["timeline"])>=5' "$TMP/j"

"$ENROLLGUARD" explain --json "$F/seed000-pretty.json" > "$TMP/j" 2>&1; rc=$?
check "seed 000, log show --style json (an array, \"},{\" between records): exit 1" exits_with 1
check "JSON: every record read, whatever the key order and nested objects" python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
f={x["id"]:x for x in j["findings"]}
t=[e["text"] for e in j["timeline"]]
assert j["inputs"][0]["style"]=="json", j["inputs"]
assert f["ucrt.blocked.thermal"]["count"]==2, f["ucrt.blocked.thermal"]
assert f["ucrt.blocked.thermal"]["severity"]=="warning"
assert f["ucrt.blocked.thermal"]["first"]=="2020-08-06T16:58:02.000Z"
assert f["ucrt.unavailable"]["count"]==1, "one message, one count"
assert f["cloudconfig.retries_exhausted"]["severity"]=="failure", "teslad told by its record"
assert f["ucrt.acquired"]["last"]=="2020-08-06T17:03:11.122Z"
assert "teslad retried its request" in t, t
assert any("final score 0.827808" in x for x in t), t' "$TMP/j"
"$ENROLLGUARD" explain "$F/seed000-console.log" > "$TMP/o" 2>&1; rc=$?
check "a multi-line error counts once" has "$TMP/o" "warning ucrt.unavailable (1)"
check "in the timeline too, and no (no time) .. (no time)" lacks "$TMP/o" "unavailable (3 times)"
check "never a span of two unknown times" lacks "$TMP/o" "(no time) .. (no time)"
head -c 4000 "$F/seed000-pretty.json" > "$TMP/cut.json"
"$ENROLLGUARD" explain "$TMP/cut.json" > "$TMP/o" 2>&1; rc=$?
check "a json export cut mid-record: the whole records are read" has "$TMP/o" "dasd blocked the UCRT"

"$ENROLLGUARD" explain --json "$F/jamf-server.log" > "$TMP/j" 2>&1; rc=$?
check "a Jamf Pro server log: exit 1" exits_with 1
check "Jamf: detected, timed, stack traces not counted, causes and next steps" python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
f={x["id"]:x for x in j["findings"]}
assert j["inputs"][0]["style"]=="Jamf Pro server log", j["inputs"]
d=f["dep.api_error"]
assert d["count"]==3 and d["first"]=="2024-03-04T08:00:05.480Z" and d["last"]=="2024-03-04T08:15:05.480Z", d
assert d["data"]["code"]==403 and "T_C_NOT_SIGNED" in d["data"]["detail"], d
assert "accept the new terms and conditions" in d["next_step"], d
assert f["mdm.apns_cert_expired"]["severity"]=="failure"
assert "Apple ID" in f["mdm.apns_cert_expired"]["next_step"]
assert f["mdm.http_status"]["data"]["code"]==400
assert len(f)==3, sorted(f)' "$TMP/j"
"$ENROLLGUARD" explain --since "2024-03-04 08:10:00" "$F/jamf-server.log" > "$TMP/o" 2>&1; rc=$?
check "--since applies to Jamf times" has "$TMP/o" "failure dep.api_error (1,"

"$ENROLLGUARD" explain < "$F/seed002-mdm.ndjson" > "$TMP/o" 2>&1; rc=$?
check "seed 002 on stdin (ndjson): exit 1" exits_with 1
check "the 403, explained with its likely causes in order" has "$TMP/o" "the MDM answered HTTP 403: it refused the Mac. The likely causes, most likely first: it rejected the Mac's device identity"
check "the rejected device certificate" has "$TMP/o" "failure mdm.device_cert_rejected"
check "the dates were checked (the log speaks of validity)" has "$TMP/o" "the MDM checked the device identity's validity dates"

"$ENROLLGUARD" explain --since "2020-08-06 17:00:00" "$F/seed000-default.log" > "$TMP/o" 2>&1; rc=$?
check "--since drops the early blocks" has "$TMP/o" "17:00:02 +0000 .. 17:03:02 +0000  dasd blocked the UCRT: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2) (19 times)"
"$ENROLLGUARD" explain --until "2020-08-06 16:59:00+0000" "$F/seed000-default.log" > "$TMP/o" 2>&1; rc=$?
check "--until before the UCRT: the block stays a failure" has "$TMP/o" "failure ucrt.blocked.thermal"
"$ENROLLGUARD" explain --since yesterday "$F/seed000-default.log" > "$TMP/o" 2>&1; rc=$?
check "a bad --since: exit 2" exits_with 2
"$ENROLLGUARD" explain "$TMP/missing" "$F/seed002-mdm.ndjson" > "$TMP/o" 2>&1; rc=$?
check "an unreadable input: exit 3" exits_with 3
check "named" has "$TMP/o" "cannot open '$TMP/missing'"
check "the other input is still read" has "$TMP/o" "mdm.http_status"
gzip -c "$F/seed000-default.log" > "$TMP/part1.gz"
gzip -c "$F/seed002-mdm.ndjson" > "$TMP/part2.gz"
cat "$TMP/part1.gz" "$TMP/part2.gz" > "$TMP/both.log.gz"
"$ENROLLGUARD" explain "$TMP/both.log.gz" > "$TMP/o" 2>&1; rc=$?
check "gzip input, two concatenated members: read whole" has "$TMP/o" "ucrt.acquired"
check "both members" has "$TMP/o" "mdm.http_status"
head -c 5000 "$TMP/part1.gz" > "$TMP/cut.gz"
"$ENROLLGUARD" explain "$TMP/cut.gz" > "$TMP/o" 2>&1; rc=$?
check "a truncated gzip: no crash, what was read is used" has "$TMP/o" "dasd blocked the UCRT"
printf '\037\213garbage-after-the-magic' > "$TMP/bad.gz"
"$ENROLLGUARD" explain "$TMP/bad.gz" > "$TMP/o" 2>&1; rc=$?
check "broken gzip data: exit 3" exits_with 3
check "and says so" has "$TMP/o" "broken gzip data"
# the agent's own event log, from a real run against a fake Mac that
# never cools
"$SRCDIR/tests/fakemac/mkroot" "$ROOT" "$SRCDIR/tests/fakemac/scenarios/hot-forever.scenario" "$FAKEMAC" 100
"$ENROLLGUARD" --root "$ROOT" run --deadline 2s --fallback-interval 500ms >/dev/null 2>&1
"$ENROLLGUARD" explain "$ROOT/var/log/enrollguard.jsonl" > "$TMP/o" 2>&1; rc=$?
check "enrollguard's own events: exit 1" exits_with 1
check "recognised as such" has "$TMP/o" "enrollguard.jsonl: enrollguard events"
check "the blocks become the thermal finding" has "$TMP/o" "failure ucrt.blocked.thermal"
check "the renewals' 34006" has "$TMP/o" "failure cloudconfig.error"
check "and the run's end" has "$TMP/o" "enrollguard run.gave_up"
"$ENROLLGUARD" explain --serial FVFXC2HOT001 "$ROOT/var/log/enrollguard.jsonl" > "$TMP/o" 2>&1; rc=$?
check "--serial of that Mac: its findings" has "$TMP/o" "failure ucrt.blocked.thermal"
"$ENROLLGUARD" explain --serial C02OTHERMAC1 "$ROOT/var/log/enrollguard.jsonl" > "$TMP/o" 2>&1; rc=$?
check "--serial of another Mac: nothing, exit 0" exits_with 0
check "and no finding" lacks "$TMP/o" "ucrt.blocked"
# a site's own rows (enrollguard(8), CATALOGUE FORMAT)
cat > "$TMP/site.sig" <<'SIG'
finding site.proxy_blocked
severity failure
cause the site's proxy blocked {detail}
next allow iprofiles.apple.com in the proxy

signature site.proxy
literal "BLOCKED by proxy "
finding site.proxy_blocked
detail Apple's enrollment host
timeline the proxy blocked enrollment
example mdmclient: BLOCKED by proxy iprofiles.apple.com
source our proxy's log
SIG
printf '%s\n' "2020-08-06 09:58:35.445081-0700 0x2f3a     Default     0x0                  412    0    mdmclient: [com.apple.ManagedClient:MDMDaemon] BLOCKED by proxy iprofiles.apple.com" > "$TMP/proxy.log"
"$ENROLLGUARD" explain --signatures "$TMP/site.sig" "$TMP/proxy.log" > "$TMP/o" 2>&1; rc=$?
check "--signatures: a site's row names its own finding, exit 1" exits_with 1
check "with its cause and next step" has "$TMP/o" "the site's proxy blocked Apple's enrollment host"
"$ENROLLGUARD" explain "$TMP/proxy.log" > "$TMP/o" 2>&1; rc=$?
check "without it: a line that says no failure is no finding, exit 0" exits_with 0
printf 'finding site.x\nseverity fatal\n' > "$TMP/bad.sig"
"$ENROLLGUARD" explain --signatures "$TMP/bad.sig" "$TMP/proxy.log" > "$TMP/o" 2>&1; rc=$?
check "--signatures with a bad row: exit 2" exits_with 2
check "naming file, line and field" has "$TMP/o" "bad.sig:2: field 'severity': 'fatal' is not info, warning or failure"
sed 's/^example .*/example mdmclient: allowed by proxy/' "$TMP/site.sig" > "$TMP/noex.sig"
"$ENROLLGUARD" explain --signatures "$TMP/noex.sig" "$TMP/proxy.log" > "$TMP/o" 2>&1; rc=$?
check "an example its row does not recognise: exit 2" exits_with 2
check "and says which" has "$TMP/o" "noex.sig:6: field 'example': it gives no site.proxy_blocked"
"$ENROLLGUARD" explain --signatures "$TMP/missing.sig" "$TMP/proxy.log" > "$TMP/o" 2>&1; rc=$?
check "a missing --signatures file: exit 2" exits_with 2
head -c 100000 /dev/urandom > "$TMP/noise"
"$ENROLLGUARD" explain "$TMP/noise" > "$TMP/o" 2>&1; rc=$?
check "binary noise: exit 0, no findings, no crash" exits_with 0
# the same story with a 1 MiB line between two records, and again as a
# Mac in India would print it (+0530): the same findings at the same UTC
python3 - "$F/seed000-default.log" "$TMP/long.log" "$TMP/ist.log" <<'PY'
import re, sys, datetime
lines = open(sys.argv[1], "rb").read().split(b"\n")
recs = [i for i, l in enumerate(lines) if l.startswith(b"2020-")]
long = list(lines)
long.insert(recs[len(recs) // 3], b"2020-08-06 09:58:00.000000-0700 0x1 Default 0x0 1 0 kernel: " + b"x" * (1 << 20))
open(sys.argv[2], "wb").write(b"\n".join(long))
def shift(m):
    t = datetime.datetime.strptime(m.group(1).decode() + m.group(2).decode(), "%Y-%m-%d %H:%M:%S.%f%z")
    ist = t.astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=30)))
    return ist.strftime("%Y-%m-%d %H:%M:%S.%f").encode() + b"+0530"
out = [re.sub(rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})([-+]\d{4})", shift, l) for l in lines]
open(sys.argv[3], "wb").write(b"\n".join(out))
PY
"$ENROLLGUARD" explain "$F/seed000-default.log" | sed 1,2d > "$TMP/ref"
"$ENROLLGUARD" explain "$TMP/long.log" > "$TMP/o" 2>&1; rc=$?
check "a line past 256 KiB is skipped, counted and said" has "$TMP/o" "long.log: default (104 lines, 1 longer than 256 KiB skipped)"
check "and the story around it is unchanged" sh -c 'sed 1,2d "$1" | cmp -s - "$2"' sh "$TMP/o" "$TMP/ref"
check "the 1 MiB line did not grow memory past the cap" sh -c '
	/usr/bin/time -f %M -o "$1.rss" "$2" explain "$1" >/dev/null 2>&1; [ "$(tail -n1 "$1.rss")" -lt 32768 ]' sh "$TMP/long.log" "$ENROLLGUARD"
"$ENROLLGUARD" explain "$TMP/ist.log" | sed 1,2d > "$TMP/o2"
check "a +0530 log gives the same timeline and findings in UTC" cmp -s "$TMP/o2" "$TMP/ref"
check "(the +0530 log really is in another zone)" grep -q '^2020-08-06 22:28:0[0-9]\.[0-9]*+0530' "$TMP/ist.log"
done_testing
