#!/bin/sh
# bench/explain-vs-grep.sh [BUILD_DIR] [SIZES_MB] [STYLE]
#
# enrollguard explain against LC_ALL=C grep -F -c -f over the literals the
# finding catalogue keys on, on the same generated log show export, in the
# same run, at several sizes (default 256 512 1024 MB) to show whether the
# time grows linearly. Prints MB/s for both, explain's peak RSS (VmHWM via
# /usr/bin/time), and the ratio. Target (issue 3): explain at least 1.5x
# grep's throughput, peak RSS at most 32 MiB whatever the size.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
sizes=${2:-256 512 1024}
style=${3:-default}
eg=$build/src/agent/enrollguard
dir=$(mktemp -d /tmp/eg-bench-explain.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/literals" <<LIT
com.apple.mobileactivationd.UCRT.OOB
Successfully performed UCRT OOB
Performing UCRT OOB
UCRT is unavailable
UCRTDEPStateUnavailable
Retrying the request
MCCloudConfigurationErrorDomain
Client is not DEP enabled
Request too soon
Bad response from apsd
T_C_NOT_SIGNED
is not AwaitingConfiguration
outside of certificate validity
FAILED_SIGNATURE_CHECK
Unable to validate issuer
activation profile. Error =
unexpected status (
DMCHTTPTransactionErrorDomain
not accepted latest Terms and Conditions
token_expired
token_rejected
connection for an expired token
SERVER_INACTIVE
response from Device Enrollment Program
The DEP service reported
oauth token refresh
APNs Certificate is expired
Error processing
LIT
now() { date +%s.%N; }
printf '| size | style | explain s | explain MB/s | peak RSS | grep s | grep MB/s | explain / grep |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n'
for mb in $sizes; do
	python3 bench/genlog.py "$mb" "$style" "$dir/log"
	cat "$dir/log" > /dev/null   # warm the page cache for both
	t0=$(now)
	/usr/bin/time -f '%M' -o "$dir/rss" "$eg" explain "$dir/log" > "$dir/out" || true
	t1=$(now)
	LC_ALL=C grep -F -c -f "$dir/literals" "$dir/log" > "$dir/grep.out" 2>&1 || true
	t2=$(now)
	python3 - "$mb" "$style" "$t0" "$t1" "$t2" "$(tail -n 1 "$dir/rss")" <<'PY'
import sys
mb, style, t0, t1, t2, rss = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6]), int(sys.argv[6])
e, g = t1 - t0, t2 - t1
print(f"| {mb} MB | {style} | {e:.2f} | {int(mb)/e:.0f} | {rss/1024:.1f} MiB | {g:.2f} | {int(mb)/g:.0f} | {g/e:.2f}x |")
PY
	grep -q "ucrt.blocked.thermal" "$dir/out" || echo "(explain missed the stories!)"
	echo "(grep: $(cat "$dir/grep.out"))"
	rm -f "$dir/log"
done
