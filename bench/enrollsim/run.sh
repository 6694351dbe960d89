#!/bin/sh
# bench/enrollsim/run.sh [BUILD_DIR]
#
# Every scenario through both strategies (100,000 Macs each), the
# sensitivity sweeps, a CSV of the time-to-enrollment CDFs in
# bench/out/enrollsim.csv, the tables in bench/out/enrollsim.md, and the
# plot docs/enrollsim-cdf.png (needs gnuplot: apt-get install gnuplot-nox).
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
sim=$build/bench/enrollsim
[ -x "$sim" ] || { echo "run.sh: build first (meson setup $build && ninja -C $build)" >&2; exit 3; }
mkdir -p bench/out
csv=bench/out/enrollsim.csv
md=bench/out/enrollsim.md
: > "$csv"
{
	for s in default hot-room slow-cooling noisy-dasd worst; do
		echo "### $s"
		echo
		( cd bench/enrollsim/scenarios && "../../../$sim" --csv "../../../$csv" "$s.sim" )
		echo
	done
	echo "### where each strategy breaks: cooling time constant (default scenario)"
	echo
	"$sim" --sweep tau_mean=170,400,600,800,1000,1200,1500 bench/enrollsim/scenarios/default.sim
	echo
	echo "### where each strategy breaks: dasd's thermalLevel-2 threshold (slow cooling)"
	echo
	"$sim" --sweep intel_level2_c=95,85,75,70 bench/enrollsim/scenarios/slow-cooling.sim
	echo
	echo "### where each strategy breaks: a noisier dasd (worst case, share of poor-network scorings)"
	echo
	"$sim" --sweep network_bad_prob=0,0.33,0.5,0.7 bench/enrollsim/scenarios/worst.sim
} | tee "$md"
if command -v gnuplot >/dev/null; then
	gnuplot -e "csv='$csv'; out='docs/enrollsim-cdf.png'" bench/enrollsim/plot.gp
	echo "plot: docs/enrollsim-cdf.png"
else
	echo "no gnuplot: skipped the plot (apt-get install gnuplot-nox)" >&2
fi
