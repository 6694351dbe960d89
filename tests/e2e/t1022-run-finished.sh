#!/bin/sh
# A run that is over stays over: a relaunch after success or giving up
# renews nothing and keeps the run id; --again starts a new run; and a
# run that gave up is followed by a new one after a restart of the Mac,
# as its advice says ("... then power it on").
. "$SRCDIR/tests/e2e/lib.sh"
renews() { grep -c 'profiles renew' "$ROOT/var/fakemac/calls"; }

mac cool 20
run_eg "$TMP/o1" run --retry-delay 100ms
check "the run enrolls" exits_with 0
run_id=$(state run_id); before=$(renews)
run_eg "$TMP/o2" run --retry-delay 100ms
check "a relaunch exits 0 (the run's status)" exits_with 0
check "and says the run is over" has "$TMP/o2" "run $run_id is over (enrolled): nothing to do; 'enrollguard run --again' starts a new run"
check "it renewed nothing" [ "$(renews)" -eq "$before" ]
check "the state is still that run's" [ "$(state run_id)" = "$run_id" ]
run_eg "$TMP/o3" run --again --retry-delay 100ms
check "--again starts a new run" sh -c '[ "$1" -eq 0 ] && [ "$(sed -n "s/^run_id=//p" "$2")" != "$3" ]' \
	sh "$rc" "$STATE" "$run_id"
check "which renews" [ "$(renews)" -gt "$before" ]

mac hot-forever 100
run_eg "$TMP/o4" run --deadline 2s --no-wait-setup-assistant
check "a hot Mac gives up (exit 1)" exits_with 1
run_id=$(state run_id); before=$(renews)
run_eg "$TMP/o5" run --deadline 2s --no-wait-setup-assistant
check "relaunched in the same boot it only exits 1" exits_with 1
check "renewing nothing" [ "$(renews)" -eq "$before" ]
# a restart: the monotonic clock starts again, lower than the state says
sed -i 's/^uptime_ms=.*/uptime_ms=999999999999999/' "$STATE"
run_eg "$TMP/o6" run --deadline 2s --no-wait-setup-assistant
check "after a restart a new run starts (and gives up again here)" \
	sh -c '[ "$1" -eq 1 ] && [ "$(sed -n "s/^run_id=//p" "$2")" != "$3" ]' sh "$rc" "$STATE" "$run_id"
check "and renews" [ "$(renews)" -gt "$before" ]
done_testing
