#!/bin/sh
# explain on real excerpts people posted (tests/fixtures/real/, README
# there names each page): each gives the finding a careful admin expects,
# and none with an explicit failure exits 0. Prints the hit rate.
. "$SRCDIR/tests/e2e/lib.sh"
R=$SRCDIR/tests/fixtures/real
hits=0 total=0
while IFS='	' read -r file want code; do
	case $file in '#'*|'') continue ;; esac
	total=$((total + 1))
	"$ENROLLGUARD" explain --json "$R/$file" > "$TMP/j" 2> "$TMP/e"; rc=$?
	check "$file: exit $code" exits_with "$code"
	if python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
ids=[f["id"] for f in j["findings"] if sys.argv[2] != "-" or f["severity"] != "info"]
ok = ids == [] if sys.argv[2] == "-" else sys.argv[2] in ids
print("#", sys.argv[3], "->", ", ".join(ids) or "no finding")
sys.exit(0 if ok else 1)' "$TMP/j" "$want" "$file"; then
		hits=$((hits + 1))
		ok "$file: $want"
	else
		not_ok "$file: $want"
	fi
done < "$R/expected"
echo "# hit rate: $hits of $total real excerpts give the expected finding"
check "at least 40 excerpts" test "$total" -ge 40
# the human output of a one-line excerpt: counted in the singular, the
# cause and the next step from the finding's row
"$ENROLLGUARD" explain "$R/apple-mdmclient-app-install.log" > "$TMP/h" 2>&1
check "one line is '1 line'" has "$TMP/h" "default (1 line)"
check "an unverifiable package names the package's signature" has "$TMP/h" \
	"the Mac refused a package the MDM sent it to install .*the package's signature cannot be verified"
check "and says to sign it" has "$TMP/h" "next: sign the package as a distribution package"
done_testing
