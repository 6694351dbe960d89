#!/bin/sh
# bench/explain-vs-grep.sh [BUILD_DIR] [SIZES_MB] [STYLE] [MIX]
#
# enrollguard explain against LC_ALL=C grep -F -c -f and rg -F -c -f over
# the catalogue's literals (src/core/catalog.txt), on the same generated log show export, in the
# same run, at several sizes (default 256 512 1024 MB) to show whether the
# time grows linearly. Prints MB/s for both, explain's peak RSS (VmHWM via
# /usr/bin/time), and the ratios. Target (issue 15): explain at least 1.5x
# grep's and 1.0x rg's throughput, peak RSS at most 32 MiB whatever the size.
# MIX is genlog.py's --mix (default: its Mac in Setup Assistant).
# Needs Debian's ripgrep and time.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
sizes=${2:-256 512 1024}
style=${3:-default}
mix=${4:-}
eg=$build/src/agent/enrollguard
[ -x "$eg" ] || { echo "explain-vs-grep: no $eg: build first (./scripts/bootstrap test)" >&2; exit 2; }
for tool in rg /usr/bin/time python3; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "explain-vs-grep: '$tool' is missing: apt-get install ripgrep time python3" >&2; exit 2; }
done
dir=$(mktemp -d /tmp/eg-bench-explain.XXXXXX)
trap 'rm -rf "$dir"' EXIT
# the catalogue's literals (what explain's prefilter looks for), for both
sed -n 's/^literal //p' src/core/catalog.txt | sed 's/^"\(.*\)"$/\1/; s/\\"/"/g' | sort -u > "$dir/literals"
now() { date +%s.%N; }
printf '| size | style | explain s | explain MB/s | peak RSS | grep s | grep MB/s | explain / grep | rg s | explain / rg |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for mb in $sizes; do
	python3 bench/genlog.py "$mb" "$style" "$dir/log" ${mix:+--mix "$mix"}
	cat "$dir/log" > /dev/null   # warm the page cache for both
	t0=$(now)
	/usr/bin/time -f '%M' -o "$dir/rss" "$eg" explain "$dir/log" > "$dir/out" || true
	t1=$(now)
	LC_ALL=C grep -F -c -f "$dir/literals" "$dir/log" > "$dir/grep.out" 2>&1 || true
	t2=$(now)
	rg -F -c -f "$dir/literals" "$dir/log" > "$dir/rg.out" 2>&1 || true
	t3=$(now)
	python3 - "$mb" "$style" "$t0" "$t1" "$t2" "$t3" "$(tail -n 1 "$dir/rss")" <<'PY'
import sys
mb, style, t0, t1, t2, t3, rss = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:7]), int(sys.argv[7])
e, g, r = t1 - t0, t2 - t1, t3 - t2
print(f"| {mb} MB | {style} | {e:.2f} | {int(mb)/e:.0f} | {rss/1024:.1f} MiB | {g:.2f} | {int(mb)/g:.0f} | {g/e:.2f}x | {r:.2f} | {r/e:.2f}x |")
PY
	grep -q "ucrt.blocked.thermal" "$dir/out" || echo "(explain missed the stories!)"
	echo "(grep: $(cat "$dir/grep.out"), rg: $(cat "$dir/rg.out"))"
	rm -f "$dir/log"
done
