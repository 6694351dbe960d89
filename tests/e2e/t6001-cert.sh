#!/bin/sh
# cert: verdicts and consequences for the push identity read through
# security, and for PEM/DER files; clear errors for broken input.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
mac cool 20
leaf valid -100 265
leaf soon -350 10
leaf old -400 -35
KC=$ROOT/Library/Keychains/apsd.keychain

keychain "$CERTS/valid.pem" > "$KC"
run_eg "$TMP/o" cert
check "a valid push identity: exit 0" exits_with 0
check "names the keychain" has "$TMP/o" "^/Library/Keychains/apsd.keychain: 1 certificate"
check "shows the issuer" has "$TMP/o" "issuer:      CN=Apple iPhone Device CA,OU=Apple iPhone,O=Apple Inc.,C=US (Apple iPhone Device CA)"
check "days left" has "$TMP/o" "verdict:     ok, 26[45] days left"
fp=$(openssl x509 -in "$CERTS/valid.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')
check "SHA-256 as security prints it" has "$TMP/o" "SHA-256:     $fp"
check "ran security as documented" has "$ROOT/var/fakemac/calls" "security find-certificate -a -p -Z /Library/Keychains/apsd.keychain"

keychain "$CERTS/old.pem" > "$KC"
run_eg "$TMP/o" cert
check "an expired push identity: exit 1" exits_with 1
check "says expired and how long ago" has "$TMP/o" "verdict:     expired, 3[56] days ago"
check "says what it means: 403 from an MDM that checks the dates" has "$TMP/o" "rejects re-enrollment with HTTP 403"

keychain "$CERTS/soon.pem" "$CERTS/valid.pem" > "$KC"
run_eg "$TMP/o" cert --json
check "two certificates in one keychain, one expiring: exit 1" exits_with 1
check "JSON has both, with verdicts" python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
c=j["sources"][0]["certificates"]
assert [x["verdict"] for x in c]==["expiring","ok"], c
assert c[0]["apple_iphone_device_ca"] is True and c[0]["days_left"] in (9,10)' "$TMP/o"
run_eg "$TMP/o" cert --warn-days 5
check "--warn-days 5 makes it ok" exits_with 0

openssl x509 -in "$CERTS/valid.pem" -outform DER -out "$TMP/valid.der"
run_eg "$TMP/o" cert "$CERTS/valid.pem" "$TMP/valid.der"
check "PEM and DER files: exit 0" exits_with 0
check "both read" [ "$(grep -c 'verdict:     ok' "$TMP/o")" -eq 2 ]

echo "not a certificate" > "$TMP/garbage"
head -c 300 "$CERTS/valid.pem" > "$TMP/truncated.pem"
run_eg "$TMP/o" cert "$TMP/garbage" "$TMP/truncated.pem" "$CERTS/old.pem" "$TMP/missing"
check "broken inputs: exit 3" exits_with 3
check "garbage named" has "$TMP/o" "'$TMP/garbage' is not a certificate"
check "truncated named" has "$TMP/o" "'$TMP/truncated.pem' holds no readable certificate"
check "missing named" has "$TMP/o" "cannot open '$TMP/missing'"
check "the good file is still reported" has "$TMP/o" "verdict:     expired"

rm "$KC"
run_eg "$TMP/o" cert
check "no keychain: exit 3" exits_with 3
check "quotes security" has "$TMP/o" "could not be found in the keychain"
run_eg "$TMP/o" cert --keychain /x "$TMP/garbage"
check "--keychain and files: exit 2" exits_with 2
done_testing
