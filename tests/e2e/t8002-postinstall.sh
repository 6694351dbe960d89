#!/bin/sh
# The installer scripts: on the running system they (re)load the
# LaunchDaemon; on a target volume (startosinstall --installpackage) they
# do nothing. A fake launchctl under the volume records every call.
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 20
CALLS=$ROOT/var/fakemac/calls

# a target volume: $3 is the volume, not "/"
: > "$CALLS"
sh "$SRCDIR/packaging/preinstall" /pkg "$ROOT" "$ROOT" >"$TMP/o" 2>&1; rc=$?
check "preinstall on a target volume exits 0" exits_with 0
sh "$SRCDIR/packaging/postinstall" /pkg "$ROOT" "$ROOT" >"$TMP/o" 2>&1; rc=$?
check "postinstall on a target volume exits 0" exits_with 0
check "says it loads at first boot" has "$TMP/o" "loads at its first boot"
check "no launchctl call on a target volume" lacks "$CALLS" launchctl

# the running system: EG_SYSTEM_ROOT stands the fake volume in for "/"
: > "$CALLS"
EG_SYSTEM_ROOT=$ROOT sh "$SRCDIR/packaging/preinstall" /pkg / "$ROOT" >"$TMP/o" 2>&1; rc=$?
check "preinstall on the running system exits 0" exits_with 0
check "preinstall unloads a previous version" has "$CALLS" "launchctl bootout system/com.enrollguard.run"
: > "$CALLS"
EG_SYSTEM_ROOT=$ROOT sh "$SRCDIR/packaging/postinstall" /pkg / "$ROOT" >"$TMP/o" 2>&1; rc=$?
check "postinstall on the running system exits 0" exits_with 0
check "postinstall bootstraps the daemon" has "$CALLS" "launchctl bootstrap system /Library/LaunchDaemons/com.enrollguard.run.plist"
check "it is loaded" [ -e "$ROOT/var/fakemac/launchd/com.enrollguard.run" ]
EG_SYSTEM_ROOT=$ROOT sh "$SRCDIR/packaging/postinstall" /pkg / "$ROOT" >"$TMP/o" 2>&1; rc=$?
check "installing again reloads it (bootout, bootstrap)" exits_with 0
check "still loaded" [ -e "$ROOT/var/fakemac/launchd/com.enrollguard.run" ]

# loaded on a Mac already past Setup Assistant, run does nothing
: > "$ROOT/var/db/.AppleSetupDone"
run_eg "$TMP/o" run
check "run on a set-up Mac exits 0" exits_with 0
check "says why" has "$TMP/o" "Setup Assistant has already finished on this Mac"
check "and never calls profiles" lacks "$CALLS" "profiles"
done_testing
