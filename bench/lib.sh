# shellcheck shell=bash
# bench/lib.sh: shared by the bench/ scripts (sourced; bash 5, host or guest).
#
# Each benchmark times vfbuf and its baselines in the same run, round-robin
# (so that a burst of load from elsewhere hits every contestant alike),
# BENCH_RUNS times (default 7; the first round is a warm-up and is not
# counted), and reports medians and ratios as lines
#
#   BENCH|benchmark|vfbuf command|baseline|vfbuf median|baseline median|ratio|goal|met
#   NOTE|text
#
# which bench/run gathers into one table.  BENCH_SMOKE=1: tiny sizes, one
# round, no verdict (the smoke test only proves that everything runs).

set -euo pipefail
export LC_ALL=C

BENCH_SMOKE=${BENCH_SMOKE:-0}
BENCH_RUNS=${BENCH_RUNS:-7}
[ "$BENCH_SMOKE" = 1 ] && BENCH_RUNS=1
# vfbuf on PATH (the VM rig), else the tree's build
VFBUF=${VFBUF:-$(command -v vfbuf || echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/vfbuf")}
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vfbuf-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT

b_die() { echo "bench: $*" >&2; exit 1; }
b_note() { echo "NOTE|$*"; }
b_say() { echo "bench: $*" >&2; }

# Microseconds since the epoch (EPOCHREALTIME without the point).
b_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }

declare -A B_MED=() B_TIMES=()

# b_median: the median of the numbers on stdin (one per line)
b_median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# b_measure FUNC...: run the functions round-robin, one warm-up round plus
# BENCH_RUNS rounds; B_MED[FUNC] = median wall time in microseconds,
# B_TIMES[FUNC] = the times in round order.  A function that fails stops
# the benchmark.
b_measure() {
	local -A times=()
	local f r t0 t1
	for ((r = 0; r <= BENCH_RUNS; r++)); do
		[ "$BENCH_SMOKE" = 1 ] && [ $r -eq 0 ] && continue
		for f in "$@"; do
			t0=${EPOCHREALTIME/[.,]/}
			"$f" || b_die "$f failed (exit $?)"
			t1=${EPOCHREALTIME/[.,]/}
			[ $r -eq 0 ] || times[$f]+="$((t1 - t0)) "
		done
	done
	for f in "$@"; do
		B_TIMES[$f]=${times[$f]}
		# shellcheck disable=SC2034,SC2086 # B_MED is for the sourcing script
		B_MED[$f]=$(printf '%s\n' ${times[$f]} | b_median)
	done
}

# b_median_diff F G: the median over rounds of F's time minus G's time in
# the same round (robust where the difference of two medians is not)
b_median_diff() {
	# shellcheck disable=SC2086
	paste -d' ' <(printf '%s\n' ${B_TIMES[$1]}) <(printf '%s\n' ${B_TIMES[$2]}) |
		awk '{ print $1 - $2 }' | b_median
}

# b_spread F: "min-max" of F's times, for the notes
b_spread() {
	# shellcheck disable=SC2086
	printf '%s\n' ${B_TIMES[$1]} | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f ms", lo / 1000, hi / 1000 }'
}

# b_fmt_us US: "123 ms", "4.56 ms", "789 us"
b_fmt_us() {
	awk -v u="$1" 'BEGIN {
		if (u >= 10000000) printf "%.1f s", u / 1e6
		else if (u >= 1000000) printf "%.2f s", u / 1e6
		else if (u >= 100000) printf "%.0f ms", u / 1e3
		else if (u >= 1000) printf "%.1f ms", u / 1e3
		else printf "%d us", u }'
}

# b_row BENCHMARK VFBUF-LABEL BASELINE-LABEL VFBUF-VALUE BASE-VALUE GOAL [UNIT]
# Values are microseconds (or a plain number with UNIT, e.g. KiB); GOAL is
# "<= X" or "< X" on the ratio vfbuf/baseline, or "-" for none.
b_row() {
	local bench=$1 vl=$2 bl=$3 v=$4 b=$5 goal=$6 unit=${7:-} ratio met vs bs
	ratio=$(awk -v a="$v" -v b="$b" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')
	if [ "$goal" = - ]; then
		met=-
	elif [ "$BENCH_SMOKE" = 1 ]; then
		met="(smoke)"
	else
		met=$(awk -v r="${ratio%x}" -v g="$goal" 'BEGIN {
			split(g, p, " "); ok = p[1] == "<=" ? r <= p[2] + 0 : r < p[2] + 0
			print ok ? "yes" : "**no**" }')
	fi
	if [ -n "$unit" ]; then
		vs="$v $unit" bs="$b $unit"
	else
		vs=$(b_fmt_us "$v") bs=$(b_fmt_us "$b")
	fi
	echo "BENCH|$bench|$vl|$bl|$vs|$bs|$ratio|$goal|$met"
}

# b_count N: 5000 -> "5k", 1000000 -> "1M"
b_count() {
	if [ "$1" -ge 1000000 ] && [ $(($1 % 1000000)) -eq 0 ]; then echo "$(($1 / 1000000))M"
	elif [ "$1" -ge 1000 ] && [ $(($1 % 1000)) -eq 0 ]; then echo "$(($1 / 1000))k"
	else echo "$1"; fi
}

# b_load: the machine's load now (for the notes).
b_load() { cut -d' ' -f1-3 /proc/loadavg; }
