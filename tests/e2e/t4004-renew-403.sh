#!/bin/sh
# The MDM answers 403 after the renewal: recognised from the log and
# explained, with the push-certificate cause when the evidence supports it.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 20
sed -i 's/^reenroll.*/reenroll = 403/' "$ROOT/etc/fakemac/scenario"
leaf old -400 -35
keychain "$CERTS/old.pem" > "$ROOT/Library/Keychains/apsd.keychain"

# an admin who says the MDM ignores the dates, and is wrong
run_eg "$TMP/o" renew --apns "$APNS" --mdm-rejects-expired-device-certs no --outcome-timeout 20s
check "exits 1" exits_with 1
check "names the 403" has "$TMP/o" "failed: the MDM answered HTTP 403"
check "and the cause: the expired push certificate" has "$TMP/o" "rejected this Mac's expired push certificate"
check "event with the cause" has "$LOG" "renew.result: the MDM answered HTTP 403: the MDM rejected"

mac in-use 20
sed -i 's/^reenroll.*/reenroll = 403/' "$ROOT/etc/fakemac/scenario"
leaf valid -100 265
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"
run_eg "$TMP/o" renew --apns "$APNS" --outcome-timeout 20s --json
check "a 403 with a valid certificate: exit 1" exits_with 1
check "JSON names the status and a different cause" python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
assert j["outcome"]=="http_error" and j["http_status"]==403 and not j["push_cert_expired"], j' "$TMP/o"
check "the log says to look elsewhere" has "$LOG" "the push certificate is valid, so the cause is elsewhere"

mac in-use 20
sed -i 's/^reenroll.*/reenroll = silent/' "$ROOT/etc/fakemac/scenario"
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"
run_eg "$TMP/o" renew --apns "$APNS" --outcome-timeout 2s
check "nobody acts: exit 1 at the outcome timeout" exits_with 1
check "says the user may not have approved yet" has "$TMP/o" "no outcome within 2s: the user may not have approved"
done_testing
