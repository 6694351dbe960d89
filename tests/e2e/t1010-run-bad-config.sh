#!/bin/sh
# Bad flags and bad managed-preferences values: exit 2, naming the option
# or the key and the accepted range; nothing is run or written.
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 20

bad() {  # bad DESCRIPTION EXPECTED-TEXT ARGS...
	d=$1 want=$2; shift 2
	run_eg "$TMP/out" "$@"
	check "$d exits 2" exits_with 2
	check "$d says: $want" has "$TMP/out" "$want"
}
bad "retries 0" "option '--retries': '0' must be between 1 and 100 inclusive" run --retries 0
bad "retries text" "option '--retries': 'many' is not a whole number" run --retries many
bad "duration without unit" "option '--retry-delay': '5' is not a duration" run --retry-delay 5
bad "deadline too long" "option '--deadline': '2d' is not a duration" run --deadline 2d
bad "deadline past 24h" "must be a duration between 1s..24h inclusive" run --deadline 25h
bad "unknown strategy" "must be one of event|fixed" run --strategy smart
bad "unknown option" "unknown option '--retires'" run --retires 3
bad "missing value" "option '--deadline' needs a value" run --deadline
bad "relative path" "option '--log-file': 'log' must be an absolute path" run --log-file log
check "nothing was logged" [ ! -e "$LOG" ]
check "profiles never ran" lacks "$ROOT/var/fakemac/calls" "profiles"

P="$ROOT/Library/Managed Preferences/com.enrollguard.plist"
cat > "$P" <<PL
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>Retries</key><integer>0</integer></dict></plist>
PL
bad "key out of range" "key 'Retries' in '$P': '0' must be between 1 and 100 inclusive" run
printf '<plist version="1.0"><dict><key>Deadline</key><integer>5</integer></dict></plist>' > "$P"
bad "key of the wrong type" "key 'Deadline' in '$P': wrong type" run
echo 'garbage' > "$P"
bad "not a plist" "is not a property list dictionary" run
printf '<plist version="1.0"><dict><key>Strategy</key><string>fixed</string><key>Retries</key><integer>2</integer></dict></plist>' > "$P"
chmod 0666 "$P"
bad "a world-writable config" "writable by group or others" run
chmod 0644 "$P"
run_eg "$TMP/out" run --retries 1
check "a good config runs" exits_with 0
check "keys apply (Strategy fixed)" has "$LOG" "fixed strategy"
check "state records the strategy" [ "$(state strategy)" = fixed ]
done_testing
