#!/bin/sh
# pkgroot lays out the package payload and scripts with the right modes,
# a LaunchDaemon that launchd accepts, and run's options baked in.
. "$SRCDIR/tests/e2e/lib.sh"
OUT=$TMP/pkgroot
P=$OUT/payload

"$ENROLLGUARD" pkgroot --out "$OUT" --identifier org.example.eg --version 1.2.3 \
	--deadline 30m --retries 5 --no-wait-setup-assistant >"$TMP/o" 2>&1; rc=$?
check "exits 0" exits_with 0
check "says what it wrote" has "$TMP/o" "3 options baked into /Library/Preferences/com.enrollguard.plist"
mode() { stat -c %a "$1"; }
check "binary 0755" [ "$(mode "$P/usr/local/sbin/enrollguard")" = 755 ]
check "binary is this one" cmp -s "$ENROLLGUARD" "$P/usr/local/sbin/enrollguard"
check "LaunchDaemon 0644" [ "$(mode "$P/Library/LaunchDaemons/com.enrollguard.run.plist")" = 644 ]
check "preferences 0644" [ "$(mode "$P/Library/Preferences/com.enrollguard.plist")" = 644 ]
for d in usr usr/local usr/local/sbin Library Library/LaunchDaemons Library/Preferences; do
	check "payload dir /$d is 0755" [ "$(mode "$P/$d")" = 755 ]
done
check "nothing else in the payload" [ "$(cd "$P" && find . -type f | sort | tr '\n' ' ')" = "./Library/LaunchDaemons/com.enrollguard.run.plist ./Library/Preferences/com.enrollguard.plist ./usr/local/sbin/enrollguard " ]
check "scripts are 0755" [ "$(mode "$OUT/scripts/postinstall")$(mode "$OUT/scripts/preinstall")" = 755755 ]
check "postinstall is the repository's" cmp -s "$OUT/scripts/postinstall" "$SRCDIR/packaging/postinstall"
check "preinstall is the repository's" cmp -s "$OUT/scripts/preinstall" "$SRCDIR/packaging/preinstall"
if [ "$(id -u)" -eq 0 ]; then
	check "payload owned by root (0:0)" [ "$(stat -c %u:%g "$P/usr/local/sbin/enrollguard")" = 0:0 ]
fi
check "manifest lists modes and owners" has "$OUT/manifest" "^0755 root:wheel /usr/local/sbin/enrollguard$"
check "manifest lists the daemon" has "$OUT/manifest" "^0644 root:wheel /Library/LaunchDaemons/com.enrollguard.run.plist$"
check "BUILD has the pkgbuild command" has "$OUT/BUILD" "pkgbuild --root payload --scripts scripts --identifier org.example.eg"

D=$P/Library/LaunchDaemons/com.enrollguard.run.plist
pg() { "$PLISTGET" "$@"; }
check "Label" [ "$(pg "$D" Label)" = com.enrollguard.run ]
check "ProgramArguments" [ "$(pg "$D" ProgramArguments.0) $(pg "$D" ProgramArguments.1)" = "/usr/local/sbin/enrollguard run" ]
check "RunAtLoad" [ "$(pg "$D" RunAtLoad)" = true ]
check "KeepAlive only after a crash" [ "$(pg "$D" KeepAlive.Crashed)" = true ]
check "logs to the documented path" [ "$(pg "$D" StandardOutPath)" = /var/log/enrollguard.out ]
check "the repository's plist says the same" sh -c "'$PLISTGET' '$D' | sort > '$TMP/a'; '$PLISTGET' '$SRCDIR/packaging/com.enrollguard.run.plist' | sort > '$TMP/b'; diff -u '$TMP/a' '$TMP/b' >&2"

F=$P/Library/Preferences/com.enrollguard.plist
check "baked Deadline is a duration string" [ "$(pg "$F" Deadline)" = 30m ]
check "baked Retries is an integer" [ "$(pg "$F" Retries)" = 5 ]
check "baked NoWaitSetupAssistant is a boolean" [ "$(pg "$F" NoWaitSetupAssistant)" = true ]
check "only the given options are baked" [ "$(pg "$F" | wc -l)" -eq 3 ]

"$ENROLLGUARD" pkgroot --out "$OUT" >"$TMP/o" 2>&1; rc=$?
check "again into the same pkgroot: exits 0" exits_with 0
check "and bakes nothing now" [ "$("$PLISTGET" "$F" | wc -l)" -eq 0 ]
mkdir "$TMP/mine"; echo keep > "$TMP/mine/notes"
"$ENROLLGUARD" pkgroot --out "$TMP/mine" >"$TMP/o" 2>&1; rc=$?
check "refuses a non-empty directory that is not a pkgroot" exits_with 3
check "and leaves it alone" [ "$(cat "$TMP/mine/notes")" = keep ]
"$ENROLLGUARD" pkgroot >"$TMP/o" 2>&1; rc=$?
check "--out is required" exits_with 2
"$ENROLLGUARD" pkgroot --out "$OUT" --deadline forever >"$TMP/o" 2>&1; rc=$?
check "a bad baked value exits 2" exits_with 2
check "naming the option" has "$TMP/o" "option '--deadline'"
done_testing
