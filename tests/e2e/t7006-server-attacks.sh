#!/bin/sh
# The attacks of issue 17, each against a real server on loopback, each
# bounded: someone who pulled the enroll token out of an installer
# package, a flood of fake Macs, a limiter collision, slow headers,
# slow bodies, thousands of idle dashboards, a newer agent, double decoding, an
# overflowing temperature, world-readable files, a cross-site login,
# and the requests libmicrohttpd refuses itself (HTML bodies before).
# Every check here failed on the server before issue 17 (run with
# EGSERVER pointing at an older binary to see it).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"

A="$SRCDIR/tests/tools/egattack.py"
attack() { a=$1; shift; python3 "$A" "$a" "$URL" "$ET" "$AT" "$@" 2>&1 | tail -1; }
# say NAME: the attack's figures as a TAP comment (printf: no escapes)
say() { printf '# %s: %s\n' "$1" "$(cat "$TMP/out")"; }
# field NAME: a value out of the last attack's line
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$TMP/out"; }

# an older server (EGSERVER=...) lacks the new options: start it without
if "$EGSERVER" --help 2>&1 | grep -q register-limit; then
	NEW="--register-limit-per-address 50 --header-timeout 2s"
	NEWSSE="--max-streams 2100"
else
	NEW= NEWSSE=
fi
if "$EGSERVER" --help 2>&1 | grep -q body-timeout; then
	NEW="$NEW --body-timeout 2s"
fi
# shellcheck disable=SC2086
start_server --rate-limit 1 --rate-burst 5 $NEW

KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
attack forge C02FORGE0001 "$KEY" >"$TMP/out"; say forge
check "forged state: a registered Mac's state cannot be set with the enroll token alone" \
	eval '[ "$(field forged)" = 403 ] && [ "$(field state)" = waiting ]'

attack future C02FUTURE001 >"$TMP/out"; say future
check "future time: an event dated 9999-12-31 is 400 naming ts, and later real runs show" \
	eval '[ "$(field future)" = 400 ] && grep -q "events\[0\].ts" "$TMP/out" && [ "$(field state)" = waiting ]'

attack collide 2 >"$TMP/out"; say collide
check "limiter collision: serials chosen to share a slot do not reset a flooding Mac's bucket" \
	eval '[ "$(field target_accepted)" -le 9 ]'

attack slowloris 4200 3 >"$TMP/out"; say slowloris
check "slowloris: 4,200 trickling connections from one address do not take /healthz down" \
	eval '[ "$(field healthz_failed)" = 0 ] && [ "$(field healthz_ok)" -ge 5 ]'
check "slowloris: connections whose headers miss the deadline are cut" \
	eval '[ "$(field held_at_end)" = 0 ]'

attack slowbody 4200 8 >"$TMP/out"; say slowbody
check "slow bodies: 4,200 POSTs from 70 addresses that trickle their body are cut, /healthz comes back" \
	eval '[ "$(field opened)" -ge 4100 ] && [ "$(field held_at_end)" = 0 ] && [ "$(field healthz_ok)" -ge 5 ]'

attack unknown C02NEWER0001 >"$TMP/out"; say unknown
check "unknown type: an agent newer than its server is answered 200, its events kept" \
	eval '[ "$(field status)" = 200 ] && [ "$(field stored)" = 2 ] && [ "$(field state)" = waiting ]'

attack decode >"$TMP/out"; say decode
check "double decoding: %2544 is the serial C02%44, + is kept, %00 is refused" \
	eval 'grep -q "C02%2544=200:C02%44 " "$TMP/out" && grep -q "A+B=200:A+B " "$TMP/out" &&
	       grep -q "C02%00D=400:-" "$TMP/out"'

attack overflow C02HOT000001 >"$TMP/out"; say overflow
check "overflow: a temperature of 1e300 is 400, never shown" \
	eval '[ "$(field status)" = 400 ] && [ "$(field cpu_die_c)" = None ]'

attack crosssite >"$TMP/out"; say crosssite
check "cross-site login: POST /login and /logout from another site's page are 403" \
	eval 'grep -q "/login=403 /logout=403" "$TMP/out"'

attack rawerrors >"$TMP/out"; say rawerrors
# each: what was sent = status = Content-Type : the body's "error"
want="headers=431=application/json:headers_too_large uri=414=application/json:headers_too_large"
want="$want http2=505=application/json:http_version http09=505=application/json:http_version"
want="$want version=400=application/json:malformed header=400=application/json:malformed"
want="$want chunks=400=application/json:malformed length=400=application/json:malformed"
want="$want huge=413=application/json:too_large healthz=200"
check "libmicrohttpd's own refusals (431, 414, 505, 400, 413) are JSON, one header block each" \
	eval '[ "$(cat "$TMP/out")" = "$want" ] ||
	      { echo "# want: $want"; echo "# (a system libmicrohttpd answers HTML: see scripts/build-mhd)"; false; }'

attack flood 200 >"$TMP/out"; say flood
# last of the attacks that make Macs: it spends this address's 50 a minute
check "device flood: one address creates at most its registration limit of Macs" \
	eval '[ "$(field created)" -le 50 ] && [ "$(field refused_429)" -ge 150 ]'

check "file modes: the database, its WAL and the tokens are 0600" sh -c '
	for f in "$1" "$1-wal" "$1-shm" "$1.enroll-token" "$1.admin-token"; do
		[ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ] || { echo "# $f: $(stat -c %a "$f")" >&2; exit 1; }
	done' sh "$DB"

admin_get /metrics
check "metrics count the refusals: device keys, registrations, cross-site, libmicrohttpd's, malformed" \
	sh -c 'grep -q "^enrollguard_requests_rejected_total{reason=\"device_key\"} [1-9]" "$1" &&
	       grep -q "^enrollguard_requests_rejected_total{reason=\"http\"} 9\$" "$1" &&
	       grep -q "^enrollguard_requests_rejected_total{reason=\"registration_limited\"} [1-9]" "$1" &&
	       grep -q "^enrollguard_requests_rejected_total{reason=\"cross_site\"} 2" "$1" &&
	       grep -q "^enrollguard_events_unknown_total 1" "$1" &&
	       grep -q "^enrollguard_connections_cut_total [1-9]" "$1"' sh "$TMP/body"

check "the server's log says nothing failed" sh -c '! grep -q "storage failing" "$1"' sh "$TMP/server.err"
check "the server's log has libmicrohttpd's refusals, each on one line with its JSON" \
	sh -c '[ "$(grep -c "^enrollguard-server: libmicrohttpd: Error processing request (HTTP response code is [0-9]* (.{\"error\":\"[a-z_]*\",\"detail\":\"[^\"]*\"}.)). Closing connection.\$" "$1")" = 9 ]' \
	sh "$TMP/server.err"
stop_server

# a fresh server without limits in the way, for the streams
DB=$TMP/sse.db
if "$EGSERVER" --help 2>&1 | grep -q body-timeout; then
	NEWSSE="$NEWSSE --header-timeout 1s --body-timeout 1s"
fi
# shellcheck disable=SC2086
start_server --rate-limit 0 $NEWSSE
attack streamhold 10 3.5 >"$TMP/out"; say streamhold
check "dashboard streams outlive the header and body deadlines: they are answers, not slow clients" \
	eval '[ "$(field alive)" = 10 ] && [ "$(field server_says)" = 10 ]'
attack sse 2000 1.5 >"$TMP/out"; say sse
check "2,000 idle dashboards leave ingest at 0.4 of its rate or better (was 0.13)" \
	eval '[ "$(field streams)" = 2000 ] && [ "$(field server_says)" = 2000 ] &&
	      python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 0.4 else 1)" "$(field ratio)"'

stop_server
done_testing
