#!/bin/sh
# An expired push certificate and an MDM known to reject it (Jamf Pro):
# stop before prompting anyone, exit 5, print the options.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 20
leaf old -400 -35
keychain "$CERTS/old.pem" > "$ROOT/Library/Keychains/apsd.keychain"
cached_record https://springfield.jamfcloud.com/cloudenroll

run_eg "$TMP/o" renew --apns "$APNS"
check "exits 5" exits_with 5
check "names the expired certificate" has "$TMP/o" "^warn push certificate          CN=old expired 3[56] days ago"
check "read the cached record, not profiles show" has "$TMP/o" "cached record: \"Springfield Public Schools\""
check "no profiles show (rate limited)" lacks "$ROOT/var/fakemac/calls" "profiles show"
check "says why it stops" has "$TMP/o" "would fail with \"unexpected status (403)\""
check "names why the MDM counts as rejecting" has "$TMP/o" "its URL https://springfield.jamfcloud.com/cloudenroll is Jamf Pro's"
check "offers the supported option" has "$TMP/o" "supported: erase the Mac and enroll it through Setup Assistant"
check "and the workaround with its risk" has "$TMP/o" "it can break iCloud services"
check "prompted nobody" lacks "$ROOT/var/fakemac/calls" "profiles renew"
check "recorded the stop" has "$LOG" "renew.stopped: not renewing: the push certificate expired"

run_eg "$TMP/o" renew --apns "$APNS" --json
check "--json also exits 5" exits_with 5
check "--json says so" python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
assert j["decision"].startswith("stopped") and j["push_cert_expired"] and j["mdm_rejects_expired"], j' "$TMP/o"

run_eg "$TMP/o" renew --apns "$APNS" --mdm-rejects-expired-device-certs no --dry-run
check "an MDM that ignores the dates: dry run would renew" exits_with 0
check "and says it did nothing" has "$TMP/o" "would renew, though the push certificate has expired"
check "still prompted nobody" lacks "$ROOT/var/fakemac/calls" "profiles renew"

P="$ROOT/Library/Managed Preferences/com.enrollguard.plist"
printf '<plist version="1.0"><dict><key>MdmRejectsExpiredDeviceCerts</key><string>no</string></dict></plist>' > "$P"
run_eg "$TMP/o" renew --apns "$APNS" --dry-run
check "the managed key works too" exits_with 0
printf '<plist version="1.0"><dict><key>MdmRejectsExpiredDeviceCerts</key><string>maybe</string></dict></plist>' > "$P"
run_eg "$TMP/o" renew --apns "$APNS" --dry-run
check "a bad key value exits 2" exits_with 2
check "naming the key" has "$TMP/o" "key 'MdmRejectsExpiredDeviceCerts'"
done_testing
