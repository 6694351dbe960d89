#!/bin/sh
# --fix-push-cert moves the keychain aside (never deletes it) and says a
# restart is needed; --undo-push-cert-fix restores it byte for byte.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 20
leaf old -400 -35
KC=$ROOT/Library/Keychains/apsd.keychain
keychain "$CERTS/old.pem" > "$KC"
cp "$KC" "$TMP/original"
cached_record https://springfield.jamfcloud.com/cloudenroll

run_eg "$TMP/o" renew --apns "$APNS" --fix-push-cert
check "fix exits 0" exits_with 0
check "the keychain is gone from its place" [ ! -e "$KC" ]
moved=$(ls "$ROOT"/Library/Keychains/apsd.keychain.enrollguard-*)
check "moved aside under a timestamped name" [ -f "$moved" ]
check "byte for byte" cmp -s "$moved" "$TMP/original"
check "says a restart is needed" has "$TMP/o" "restart the Mac"
check "records how to undo" grep -q "^moved=/Library/Keychains/apsd.keychain.enrollguard-" "$ROOT/var/db/enrollguard/push-cert-fix"
check "event recorded" has "$LOG" "push_cert.moved: moved /Library/Keychains/apsd.keychain aside"
check "prompted nobody" lacks "$ROOT/var/fakemac/calls" "profiles renew"
run_eg "$TMP/o" renew --apns "$APNS" --fix-push-cert
check "a second fix refuses" exits_with 3
check "and says to undo first" has "$TMP/o" "undo it first"

run_eg "$TMP/o" renew --undo-push-cert-fix
check "undo exits 0" exits_with 0
check "restored byte for byte" cmp -s "$KC" "$TMP/original"
check "nothing left aside" [ -z "$(ls "$ROOT"/Library/Keychains/ | grep enrollguard)" ]
run_eg "$TMP/o" renew --undo-push-cert-fix
check "undo again: exit 3" exits_with 3
check "nothing to undo" has "$TMP/o" "nothing to undo"

# apsd made a new keychain after the restart: it is kept, not deleted
run_eg "$TMP/o" renew --apns "$APNS" --fix-push-cert
echo "new identity" > "$KC"
run_eg "$TMP/o" renew --undo-push-cert-fix
check "undo with a new keychain: exit 0" exits_with 0
check "the original is back" cmp -s "$KC" "$TMP/original"
check "the new one is kept aside" grep -q "new identity" "$ROOT"/Library/Keychains/apsd.keychain.enrollguard-new-*
run_eg "$TMP/o" renew --fix-push-cert --undo-push-cert-fix
check "fix and undo together: exit 2" exits_with 2
done_testing
