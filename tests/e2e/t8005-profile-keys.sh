#!/bin/sh
# The example configuration profile sets every key run reads and nothing
# else; enrollguard.conf(5) documents the same keys; run accepts every
# value the profile sets.
. "$SRCDIR/tests/e2e/lib.sh"
PROFILE=$SRCDIR/packaging/com.enrollguard.mobileconfig
CONF=$SRCDIR/docs/enrollguard.conf.5

"$PLISTGET" "$PROFILE" | sed -n 's/^PayloadContent\.0\.\([A-Za-z]*\)=.*/\1/p' | grep -v '^Payload' | sort > "$TMP/profile"
{ "$ENROLLGUARD" run --help; "$ENROLLGUARD" renew --help; } | sed -n 's/^ *\[\([A-Za-z]*\)\].*/\1/p' | sort > "$TMP/read"
sed -n 's/^\.It Cm \([A-Za-z]*\)$/\1/p' "$CONF" | sort > "$TMP/documented"
check "the profile sets every key run and renew read" diff -u "$TMP/read" "$TMP/profile"
check "enrollguard.conf(5) documents every key run and renew read" diff -u "$TMP/read" "$TMP/documented"
check "the profile is a Configuration profile" [ "$("$PLISTGET" "$PROFILE" PayloadType)" = Configuration ]
check "for the preference domain com.enrollguard" [ "$("$PLISTGET" "$PROFILE" PayloadContent.0.PayloadType)" = com.enrollguard ]
check "its identifiers are the documented ones" grep -q "com.enrollguard.profile.prefs" "$CONF"

# what macOS writes to Managed Preferences from it: the payload's keys
mac cool 20
python3 -c '
import plistlib,sys
p=plistlib.load(open(sys.argv[1],"rb"))["PayloadContent"][0]
plistlib.dump({k:v for k,v in p.items() if not k.startswith("Payload")}, open(sys.argv[2],"wb"))' \
	"$PROFILE" "$ROOT/Library/Managed Preferences/com.enrollguard.plist"
run_eg "$TMP/o" run --wait-setup-assistant 5s
check "run accepts every value in the profile" exits_with 0
run_eg "$TMP/o" renew --dry-run --apns 127.0.0.1:1 --connect-timeout 100ms
check "renew accepts every value in the profile (exit 1: no network here)" exits_with 1
done_testing
