#!/bin/sh
# check: one line per item, a verdict, JSON, and Jamf extension attributes
# (exactly one <result> line) against fake Macs in several states.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
leaf valid -100 265
leaf old -400 -35

mac cool 20
# the story's Setup Assistant starts 2 s after boot (0.1 s at 20x): wait for
# it, or a busy machine runs check before it and the line says not running
wait_for 5 "$ROOT/usr/bin/pgrep" -x "Setup Assistant" >/dev/null
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"
run_eg "$TMP/o" check
check "a healthy Mac: exit 0" exits_with 0
check "os" has "$TMP/o" "^ok   os               macOS 14.0 (23A344)"
check "model" has "$TMP/o" "^ok   model            MacBookPro16,2, x86_64, Quad-Core Intel Core i5, serial C02ZK0AAMD6M"
check "thermal" has "$TMP/o" "^ok   thermal          CPU die"
check "setup assistant" has "$TMP/o" "^ok   setup_assistant  running"
check "enrollment status" has "$TMP/o" "^warn enrollment       enrolled via DEP: no; MDM enrollment: no"
check "configuration" has "$TMP/o" "^ok   configuration    \"Example Org\", MDM https://mdm.example.com/cloudenroll"
check "push certificate" has "$TMP/o" "^ok   push_cert        ok, 26[45] days left"
check "the log: nothing about the enrollment" has "$TMP/o" "^ok   log              last hour: nothing about the enrollment"
check "no run yet" has "$TMP/o" "^ok   last_run         enrollguard run has not run here"
check "asked log show for the last hour" has "$ROOT/var/fakemac/calls" "log show --last 1h --style default"
check "verdict" has "$TMP/o" "^verdict: warn$"
"$ENROLLGUARD" --root "$ROOT" check --jamf-ea push_cert > "$TMP/ea"; rc=$?
check "EA: exit 0" exits_with 0
check "EA: exactly one result line" grep -qxE '<result>ok 26[45]</result>' "$TMP/ea"
check "EA: and nothing else" [ "$(wc -l < "$TMP/ea")" -eq 1 ]
run_eg "$TMP/o" check --jamf-ea serial_number
check "EA: an unknown item exits 2" exits_with 2
check "EA: and lists the items" has "$TMP/o" "one of os, model, thermal"

mac seed-hot-cools 1
keychain "$CERTS/old.pem" > "$ROOT/Library/Keychains/apsd.keychain"
run_eg "$TMP/o" check --json
check "a hot Mac with an expired identity and a Jamf Pro MDM: exit 1" exits_with 1
check "JSON: thermal warns, configuration fails (no UCRT: 34006), push_cert fails" python3 -c '
import json,sys
j={i["key"]:i for i in json.load(open(sys.argv[1]))["items"]}
assert j["thermal"]["level"]=="warn" and j["thermal"]["value"]=="Heavy", j["thermal"]
assert j["configuration"]["level"]=="fail" and j["configuration"]["value"]=="error 34006", j["configuration"]
assert j["push_cert"]["value"] in ("expired -35","expired -36"), j["push_cert"]
assert j["log"]["value"]=="ucrt.blocked.thermal" and j["log"]["level"]=="fail", j["log"]
assert "thermalLevel >= 2" in j["log"]["detail"], j["log"]' "$TMP/o"
"$ENROLLGUARD" --root "$ROOT" check --jamf-ea verdict > "$TMP/ea"; rc=$?
check "EA verdict: exit 0 even when failing" exits_with 0
check "EA verdict: fail" [ "$(cat "$TMP/ea")" = "<result>fail</result>" ]

mac not-dep 20
run_eg "$TMP/o" check
check "not in ADE: exit 1" exits_with 1
check "says to assign it" has "$TMP/o" "^FAIL configuration    Apple has no ADE record for this serial"
check "no keychain: push_cert none" has "$TMP/o" "^warn push_cert        security find-certificate exited with 44"

mac cool 20
"$ENROLLGUARD" --root "$ROOT" run >/dev/null 2>&1
"$ENROLLGUARD" --root "$ROOT" check --jamf-ea last_run > "$TMP/ea"
check "EA last_run after a run" [ "$(cat "$TMP/ea")" = "<result>enrolled</result>" ]
done_testing
