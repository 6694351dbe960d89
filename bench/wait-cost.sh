#!/bin/sh
# bench/wait-cost.sh [BUILD_DIR] [SECONDS]
#
# What does `enrollguard run` cost a hot Mac while it waits? Runs the
# agent with its default settings (event strategy, 30 s thermal samples,
# 60 s fallback) against the hot-forever fake Mac in real time for
# SECONDS (default 60), and prints:
#  - /usr/bin/time -v for the whole run: CPU time and peak RSS, which
#    include the fake macOS tools the agent ran (log stream, profiles,
#    powermetrics...), since time(1) counts reaped children;
#  - the agent's own CPU time and peak RSS (VmHWM), read from /proc just
#    before the deadline, which is what enrollguard itself costs.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-60}
eg=$(pwd)/$build/src/agent/enrollguard
root=$(mktemp -d /tmp/eg-bench.XXXXXX)
trap 'pkill -f "^$root/" 2>/dev/null; rm -rf "$root"' EXIT
tests/fakemac/mkroot "$root" tests/fakemac/scenarios/hot-forever.scenario \
	"$(pwd)/$build/tests/fakemac/fakemac" 1

/usr/bin/time -v "$eg" --root "$root" run --deadline "${secs}s" \
	2>"$root.time" >/dev/null &
tpid=$!
sleep 1
apid=$(pgrep -f "^$eg --root $root run" | head -1)
sleep $((secs - 3))
tck=$(getconf CLK_TCK)
read -r _ _ _ _ _ _ _ _ _ _ _ _ _ ut st _ < "/proc/$apid/stat" || true
hwm=$(sed -n "s/^VmHWM:[[:space:]]*//p" "/proc/$apid/status")
wait $tpid || true
echo "enrollguard run, ${secs} s of waiting on a hot Mac (default settings)"
echo "agent alone:      CPU $(echo "$ut $st $tck" | awk '{printf "%.3f s", ($1+$2)/$3}'), peak RSS $hwm"
echo "agent + children: CPU $(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f s (user %.2f, sys %.2f)", u+s, u, s}' "$root.time"), peak RSS $(awk -F': ' '/Maximum resident/{print $2 " kB"}' "$root.time")"
echo "events written:   $(wc -l < "$root/var/log/enrollguard.jsonl"), profiles calls: $(grep -c 'profiles renew' "$root/var/fakemac/calls"), thermal samples: $(grep -c 'thermal.sample' "$root/var/log/enrollguard.log")"
rm -f "$root.time"
