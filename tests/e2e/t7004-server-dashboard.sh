#!/bin/sh
# The dashboard in a real browser (Debian's chromium, headless, driven by
# playwright-core): it lists devices, updates a row live, opens a
# timeline, and shows a hostile serial as text. Screenshots are kept in
# tests/artifacts/ of the build's source tree.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"

if [ ! -x /usr/bin/chromium ] || [ ! -d "$SRCDIR/tests/browser/node_modules/playwright-core" ]; then
	# never counted as passing: the bootstrap installs both
	echo "not ok 1 - chromium and playwright-core are installed (run ./scripts/bootstrap test)"
	echo "1..1"
	exit 1
fi
start_server
events C02HOT000001 browser1 1 1 >"$TMP/a.json"; post_events "$TMP/a.json"
events C02WAIT00002 browser1 1 1 setup.waiting >"$TMP/b.json"; post_events "$TMP/b.json"
printf '[{"v":1,"ts":"2026-11-23T08:00:00Z","host":{"serial":"<script>alert(1)</script>","model":"<img src=x onerror=alert(2)>"},"run_id":"r","seq":1,"type":"run.gave_up","text":"<img src=y onerror=alert(3)>"}]' >"$TMP/evil.json"
post_events "$TMP/evil.json"
mkdir -p "$SRCDIR/tests/artifacts"
HOME=$TMP node "$SRCDIR/tests/browser/dashboard.mjs" "$URL" "$AT" "$ET" "$SRCDIR/tests/artifacts"
