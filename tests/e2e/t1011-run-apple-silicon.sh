#!/bin/sh
# Apple Silicon: powermetrics has no smc sampler. enrollguard says so,
# samples thermal pressure only, and still enrolls.
. "$SRCDIR/tests/e2e/lib.sh"
mac apple-silicon 20

run_eg "$TMP/out" run --fallback-interval 5m --thermal-interval 300ms
check "exits 0" exits_with 0
check "recorded the missing sampler" has "$LOG" "thermal.unavailable: powermetrics has no smc sampler (Apple Silicon)"
check "said it only once" [ "$(grep -c 'no smc sampler' "$LOG")" -eq 1 ]
check "samples carry thermal pressure" has "$LOG" "thermal.sample: pressure Heavy (hot)"
check "no temperature invented" lacks "$LOG" "thermal.sample: CPU die"
check "arch is arm64" has "$LOG" "MacBookAir10,1 arm64"
check "the wait names the pressure" has "$LOG" "thermal pressure Heavy, next attempt"
check "smc asked once, then thermal only" [ "$(grep -c 'samplers smc,thermal' "$ROOT/var/fakemac/calls")" -eq 1 ]
check "enrolled" has "$LOG" "run.enrolled"
done_testing
