#!/bin/sh
# Runs a libFuzzer binary for a fixed number of inputs (-seed=1 -runs=RUNS:
# the same inputs on every run) from its corpus, on a scratch directory (the
# checked-in seeds are never modified): usage BIN CORPUS RUNS [FLAGS...].
set -eu
bin=$1 corpus=$2 runs=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" "$@" -seed=1 -runs="$runs" -max_len=16384 -artifact_prefix="$work/" \
	-print_final_stats=1 "$work" "$corpus" 2>"$work/log" || {
	tail -n 40 "$work/log"
	for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$c" ] && echo "finding, base64 (decode it to reproduce): $(base64 -w0 "$c")"
	done
	exit 1
}
grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec" "$work/log" || true
