#!/bin/sh
# `log stream` ends while renew follows the outcome: renew sleeps and
# starts it again with a backoff instead of spinning on the closed pipe
# (which burned a core until the outcome timeout), and still ends at its
# timeout with the outcome from profiles status.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 1
sed -i 's/^reenroll.*/reenroll = silent/' "$ROOT/etc/fakemac/scenario"
echo "log_stream_ends = 0" >> "$ROOT/etc/fakemac/scenario"
leaf valid -100 265
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"

# the CPU time renew itself used (and what it reaped), over a 4 s wait
python3 - "$ENROLLGUARD" "$ROOT" "$APNS" "$TMP/o" >"$TMP/cpu" <<'PY'
import resource, subprocess, sys, time
eg, root, apns, out = sys.argv[1:5]
t = time.time()
with open(out, "w") as f:
    rc = subprocess.call([eg, "--root", root, "renew", "--apns", apns,
                          "--outcome-timeout", "4s"], stdout=f, stderr=subprocess.STDOUT)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, "%.2f" % (ru.ru_utime + ru.ru_stime), "%.1f" % (time.time() - t))
PY
read -r rc cpu wall < "$TMP/cpu"
echo "# exit $rc, $cpu s of CPU in $wall s"
check "renew ends at its outcome timeout (exit 1)" exits_with 1
check "says no outcome came" has "$TMP/o" "no outcome within 4s"
check "it did not spin: under 1 s of CPU in the 4 s wait ($cpu s)" \
	python3 -c 'import sys; sys.exit(float(sys.argv[1]) >= 1.0)' "$cpu"
check "the end of log stream is recorded" has "$LOG" "log.ended: log stream exited with 0: starting it again in 1s"
starts=$(grep -c ' log stream ' "$ROOT/var/fakemac/calls")
check "log stream was started again, with a backoff ($starts starts in 4 s)" \
	[ "$starts" -ge 2 -a "$starts" -le 5 ]
check "each start is an event" [ "$(grep -c 'log.started' "$LOG")" -eq "$starts" ]
done_testing
