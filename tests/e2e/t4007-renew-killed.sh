#!/bin/sh
# A renew killed with SIGKILL while it follows the outcome leaves its
# `log stream` behind; the next renew stops it (its pid is in
# renew-state), as a relaunched run does for the run's.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/certs.sh"
. "$SRCDIR/tests/e2e/apns.sh"
mac in-use 1
sed -i 's/^reenroll.*/reenroll = silent/' "$ROOT/etc/fakemac/scenario"
leaf valid -100 265
keychain "$CERTS/valid.pem" > "$ROOT/Library/Keychains/apsd.keychain"
RSTATE=$ROOT/var/db/enrollguard/renew-state

"$ENROLLGUARD" --root "$ROOT" renew --apns "$APNS" --outcome-timeout 60s >"$TMP/o1" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 10 grep -q "log.started" "$LOG"
logpid=$(sed -n 's/.*log.started: .*(pid \([0-9]*\)).*/\1/p' "$LOG" | tail -1)
check "renew started log stream (pid $logpid)" [ -n "$logpid" ]
wait_for 5 grep -q "^log_pid=$logpid\$" "$RSTATE"
check "its pid is in renew-state before the kill" grep -q "^log_pid=$logpid\$" "$RSTATE"
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "kill -9 leaves renew's log stream behind" kill -0 "$logpid"

run_eg "$TMP/o2" renew --apns "$APNS" --outcome-timeout 1s
check "the next renew ends at its outcome timeout (exit 1)" exits_with 1
check "and stopped the log stream the killed renew left" sh -c "! kill -0 $logpid 2>/dev/null"
check "no log stream of this Mac is left at all" sh -c "! pgrep -f '^$ROOT/usr/bin/log' >/dev/null"
done_testing
