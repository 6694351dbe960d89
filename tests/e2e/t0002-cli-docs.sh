#!/bin/sh
# The man page documents every option, key, exit code and file that the
# binary knows, and --help's usage lines match the SYNOPSIS.
. "$SRCDIR/tests/e2e/lib.sh"
MAN=$SRCDIR/docs/enrollguard.8

# every option of run and renew, and every key either reads
{ "$ENROLLGUARD" run --help; "$ENROLLGUARD" renew --help; } > "$TMP/run"
opts=$(sed -n 's/^  --\([a-z-]*\).*/\1/p' "$TMP/run" | sort -u)
keys=$(sed -n 's/^ *\[\([A-Za-z]*\)\].*/\1/p' "$TMP/run" | sort -u)
for o in $opts; do
	check "man page documents --$o" grep -q "^\.It Fl \(-\)\?-$o\b\|^\.It Fl -$o" "$MAN"
done
for k in $keys; do
	check "man page documents key $k" grep -q "^\.It Cm $k\$" "$SRCDIR/docs/enrollguard.conf.5"
done
# every key the man page documents is one the binary reads
for k in $(sed -n 's/^\.It Cm \([A-Za-z]*\)$/\1/p' "$SRCDIR/docs/enrollguard.conf.5"); do
	check "key $k documented in enrollguard.conf(5) is read" has "$TMP/run" "\[$k\]"
done
for code in 0 1 2 3 4; do
	check "EXIT STATUS documents $code" grep -q "^\.It $code\$" "$MAN"
done
# the SYNOPSIS, flattened: one line per command
mandoc -Tascii "$MAN" 2>/dev/null | col -b | python3 -c '
import sys, re
text = sys.stdin.read()
syn = text.split("SYNOPSIS", 1)[1].split("DESCRIPTION", 1)[0]
lines, cur = [], ""
for l in syn.splitlines():
    if l.strip().startswith("enrollguard"):
        if cur: lines.append(cur)
        cur = l.strip()
    elif l.strip():
        cur += " " + l.strip()
lines.append(cur)
print("\n".join(re.sub(r"^enrollguard (\[--root DIR\] )?", "", x) for x in lines))' > "$TMP/synopsis"
for c in cert check explain install pkg pkgroot renew run status uninstall; do
	u=$("$ENROLLGUARD" $c --help | sed -n '1s/^usage: enrollguard \[--root DIR\] //p')
	check "$c usage is a SYNOPSIS line ($u)" grep -qxF -- "$u" "$TMP/synopsis"
done
check "mandoc -Tlint finds nothing in enrollguard.8" sh -c "mandoc -Tlint -Wwarning '$MAN' >&2; [ \$? -eq 0 ]"
check "mandoc -Tlint finds nothing in enrollguard.conf.5" sh -c "mandoc -Tlint -Wwarning '$SRCDIR/docs/enrollguard.conf.5' >&2; [ \$? -eq 0 ]"
done_testing
