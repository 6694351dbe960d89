#!/bin/sh
# status: at a glance, as JSON, and --follow until the run ends; readable
# without root.
. "$SRCDIR/tests/e2e/lib.sh"
mac seed-hot-cools 20

run_eg "$TMP/out" status
check "no state yet: exit 3" exits_with 3
check "says so" has "$TMP/out" "no enrollguard run has recorded state"

"$ENROLLGUARD" --root "$ROOT" run --thermal-interval 1s >"$TMP/run" 2>&1 &
BG_PIDS=$!
wait_for 10 grep -q '^phase=waiting$' "$STATE"
run_eg "$TMP/s1" status
check "status while waiting exits 0" exits_with 0
check "shows the phase" has "$TMP/s1" "phase:         waiting"
check "says the agent runs" has "$TMP/s1" "), pid [0-9]* (running)"
check "shows the Mac" has "$TMP/s1" "mac:           FVFXC2ABJ1WK MacBookAir9,1, macOS 10.15.6 (19G2021)"
check "shows what it waits for" has "$TMP/s1" "waiting for:   "
check "shows the next attempt" has "$TMP/s1" "next attempt:  "
check "shows the thermal sample" has "$TMP/s1" "thermal:       CPU die"
check "shows the last result" has "$TMP/s1" "last result:   attempt 1 failed: Error fetching Device Enrollment configuration: (34006)"

run_eg "$TMP/follow" status --follow
check "--follow exits 0 when the run ends" exits_with 0
check "--follow printed the log as it grew" has "$TMP/follow" "ucrt.acquired"
check "--follow ends with the result" has "$TMP/follow" "^--- run enrolled: enrollment configuration received on attempt 2"
wait

run_eg "$TMP/json" status --json
check "--json parses and has the result" python3 -c '
import json,sys
s=json.load(open(sys.argv[1]))
assert s["phase"]=="enrolled" and s["finished"] is True, s
assert s["organization"]=="Springfield Public Schools", s
assert s["attempts"]==2, s
assert s["next_attempt"] is None' "$TMP/json"
if id nobody >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	# the build tree may sit in a directory nobody cannot enter
	cp "$ENROLLGUARD" "$TMP/enrollguard"
	chmod 755 "$TMP" "$TMP/enrollguard"
	check "a non-root user can read the status" su nobody -s /bin/sh -c "'$TMP/enrollguard' --root '$ROOT' status >/dev/null"
	check "and follow the log" su nobody -s /bin/sh -c "'$TMP/enrollguard' --root '$ROOT' status --follow | grep -q run.enrolled"
fi
done_testing
