#!/bin/sh
# Fault injection over a whole run (CONVENTIONS 17): enrollguard-fault
# fails the Nth allocation, write or fsync, for every N until a run no
# longer reaches it; after each, no crash, exit 3 naming the file (or, for
# memory, the out-of-memory abort launchd relaunches), whole logs, and a
# state a relaunch ends enrolled with no seq used twice. See
# tests/tools/faultloop.py.
. "$SRCDIR/tests/e2e/lib.sh"
: "${ENROLLGUARD_FAULT:?}"
python3 "$SRCDIR/tests/tools/faultloop.py" "$ENROLLGUARD_FAULT" "$ENROLLGUARD" \
	"$SRCDIR/tests/fakemac/mkroot" "$FAKEMAC" "$SRCDIR/tests/fakemac/scenarios/cool.scenario"
