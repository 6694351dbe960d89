#!/bin/sh
# A healthy Mac in use: preflight passes, renew prompts the user, the Mac
# enrolls through ADE, and every step is an event.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 20
leaf valid -100 265
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"

run_eg "$TMP/o" renew --apns "$APNS" --outcome-timeout 20s
check "exits 0" exits_with 0
check "preflight: status" has "$TMP/o" "^ok   DEP/MDM status            enrolled via DEP: no; MDM enrollment: no"
check "preflight: configuration (profiles show)" has "$TMP/o" "^ok   enrollment configuration  \"Springfield Public Schools\", MDM https://springfield.jamfcloud.com/cloudenroll"
check "preflight: push certificate valid" has "$TMP/o" "^ok   push certificate          CN=valid: ok, 26[45] days left"
check "preflight: push service reached" has "$TMP/o" "^ok   Apple push service        $APNS: connected in"
check "preflight: thermal" has "$TMP/o" "^ok   thermal "
check "says the user is prompted" has "$TMP/o" "the user sees the Device Enrollment notification"
check "reports the enrollment" has "$TMP/o" "^enrolled: profiles status says Enrolled via DEP: Yes"
check "ran profiles renew once" [ "$(grep -c 'profiles renew -type enrollment$' "$ROOT/var/fakemac/calls")" -eq 1 ]
check "events: start, preflight, prompted, result" python3 -c '
import json,sys
t=[json.loads(l)["type"] for l in open(sys.argv[1])]
assert t[0]=="renew.start" and t.count("renew.preflight")==5, t
assert "renew.prompted" in t and t[-1]=="renew.result", t' "$JSONL"
check "run's state is left alone" [ ! -e "$ROOT/var/db/enrollguard/state" ]
check "renew keeps its own" [ -s "$ROOT/var/db/enrollguard/renew-state" ]
done_testing
