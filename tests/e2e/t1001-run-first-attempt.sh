#!/bin/sh
# A cool Mac whose UCRT exists at boot enrolls on the first attempt: the
# configuration is recorded, the LaunchDaemon removed, exit 0.
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 20

# a restrictive umask must not make the log unreadable for the
# non-root Setup Assistant Terminal
umask 077
run_eg "$TMP/out" run --retry-delay 100ms --thermal-interval 1s
umask 022
check "exits 0" exits_with 0
check "one profiles renew" [ "$(grep -c 'profiles renew -type enrollment$' "$ROOT/var/fakemac/calls")" -eq 1 ]
check "waited for Setup Assistant" has "$LOG" "setup.found: Setup Assistant is running"
check "recorded the OS, model, serial and arch" has "$LOG" "system.info: macOS 14.0 (23A344), MacBookPro16,2 x86_64, serial C02ZK0AAMD6M"
check "recorded a thermal sample" has "$LOG" "thermal.sample: CPU die"
check "attempt 1 succeeded" has "$LOG" "renew.result: attempt 1 succeeded"
check "recorded the configuration" has "$LOG" 'config.fetched: enrollment configuration from "Example Org", MDM https://mdm.example.com/cloudenroll, mandatory yes, supervised yes'
check "removed the LaunchDaemon" [ ! -e "$PLIST" ]
check "said so" has "$LOG" "launchdaemon.removed"
check "state says enrolled" [ "$(state phase)" = enrolled ]
check "log is mode 0644" [ "$(stat -c %a "$LOG")" = 644 ]
check "state is mode 0644" [ "$(stat -c %a "$STATE")" = 644 ]
check "state dir is mode 0755" [ "$(stat -c %a "$ROOT/var/db/enrollguard")" = 755 ]
check "every JSON line parses, seq counts up from 1" python3 -c '
import json,sys
seqs=[json.loads(l)["seq"] for l in open(sys.argv[1])]
assert seqs==list(range(1,len(seqs)+1)), seqs' "$JSONL"
check "events carry the host" [ "$(jfield run.enrolled host.serial)" = C02ZK0AAMD6M ]
check "one human line per event" [ "$(wc -l < "$LOG")" -eq "$(wc -l < "$JSONL")" ]
check "one attempt is said in the singular" has "$LOG" "run.enrolled: done after 1 attempt: restart the Mac"
done_testing
