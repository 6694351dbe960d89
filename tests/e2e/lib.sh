# lib.sh: sourced by every end-to-end test. Hermetic: a pinned PATH, a
# private fake-Mac root under a fresh temporary directory removed by a
# trap, TAP output that meson counts.
#
# Environment (set by tests/meson.build): ENROLLGUARD, FAKEMAC, SRCDIR.
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
export PATH LC_ALL=C TZ=UTC
: "${ENROLLGUARD:?}" "${FAKEMAC:?}" "${SRCDIR:?}"

TMP=$(mktemp -d /tmp/eg-e2e.XXXXXX)
ROOT=$TMP/mac
BG_PIDS=
cleanup() {
	for p in $BG_PIDS; do kill -9 "$p" 2>/dev/null; done
	# the fake `log stream` children of killed agents
	pkill -9 -f "$TMP/" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION COMMAND...: one TAP line for a condition
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }

# mac SCENARIO [SPEED]: a fresh fake Mac booting now
mac() {
	rm -rf "$ROOT"
	"$SRCDIR/tests/fakemac/mkroot" "$ROOT" "$SRCDIR/tests/fakemac/scenarios/$1.scenario" \
		"$FAKEMAC" "${2:-}"
}

eg() { "$ENROLLGUARD" --root "$ROOT" "$@"; }

# run_eg OUTFILE ARGS...: run, keep stdout+stderr, set $rc
run_eg() {
	out=$1; shift
	"$ENROLLGUARD" --root "$ROOT" "$@" >"$out" 2>&1
	rc=$?
}

# exits_with CODE: the last run_eg ended with CODE and not from a signal
# (a crash is never an expected failure; see git's test_must_fail)
exits_with() {
	if [ "$rc" -ge 128 ] && [ "$1" -lt 128 ]; then
		echo "# died from signal $((rc - 128))" >&2
		return 1
	fi
	[ "$rc" -eq "$1" ] || { echo "# exit $rc, expected $1" >&2; return 1; }
}

has() { grep -q -- "$2" "$1" || { echo "# '$2' not in $1:" >&2; sed 's/^/#   /' "$1" >&2; return 1; }; }
lacks() { ! grep -q -- "$2" "$1" || { echo "# '$2' unexpectedly in $1" >&2; return 1; }; }
count() { grep -c -- "$2" "$1"; }

LOG=$ROOT/var/log/enrollguard.log
JSONL=$ROOT/var/log/enrollguard.jsonl
STATE=$ROOT/var/db/enrollguard/state
PLIST=$ROOT/Library/LaunchDaemons/com.enrollguard.run.plist

# state KEY: a field of the state file
state() { sed -n "s/^$1=//p" "$STATE"; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds
wait_for() {
	t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# jfield TYPE FIELD: a top-level field of the first event of TYPE
jfield() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e["type"]==sys.argv[2]:
        v=e
        for k in sys.argv[3].split("."): v=v[k]
        print(v); break' "$JSONL" "$1" "$2"
}
