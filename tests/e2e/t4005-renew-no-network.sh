#!/bin/sh
# No network to Apple's push service: named, and nothing is renewed.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 20
leaf valid -100 265
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"

run_eg "$TMP/o" renew --apns "$CLOSED,[::1]:${CLOSED#127.0.0.1:}" --connect-timeout 500ms
check "exits 1" exits_with 1
check "names each endpoint and what happened" has "$TMP/o" "FAIL Apple push service        no connection ($CLOSED: Connection refused"
check "says what it means" has "$TMP/o" "cannot reach Apple's push service"
check "renewed nothing" lacks "$ROOT/var/fakemac/calls" "profiles renew"
run_eg "$TMP/o" renew --apns "$CLOSED,$APNS" --dry-run
check "one endpoint is enough" exits_with 0
run_eg "$TMP/o" renew --apns "nonsense"
check "a bad endpoint is named" has "$TMP/o" "'nonsense' is not HOST:PORT"
done_testing
