#!/bin/sh
# kill -9 at random moments of one reporting run, 20 times, each launch
# relaunched as launchd would: one run_id, no seq or attempt used twice,
# no renewal after success, every event (a launch killed before it knew
# the serial included) delivered, and no `log stream` left behind. See
# tests/tools/killloop.py; EG_KILLS and EG_KILL_SEED change the loop.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"
start_server
python3 "$SRCDIR/tests/tools/killloop.py" "$ENROLLGUARD" "$SRCDIR/tests/fakemac/mkroot" \
	"$FAKEMAC" "$SRCDIR/tests/fakemac/scenarios/seed-hot-cools.scenario" "$URL" \
	"$DB.enroll-token" "$AT" "${EG_KILLS:-20}" "${EG_KILL_SEED:-$(date +%s)}" "$TMP"
