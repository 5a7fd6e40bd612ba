#!/bin/sh
# Runs one libFuzzer target for a bounded time on a scratch copy of its
# corpus (the checked-in seeds are never modified): usage BIN CORPUS SECONDS.
set -eu
bin=$1 corpus=$2 secs=$3
dict=$(dirname "$0")/uc.dict
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec_dir=$(dirname "$bin")
"$bin" -max_total_time="$secs" -runs=2000000 -max_len=16384 -dict="$dict" \
	-artifact_prefix="$work/" -print_final_stats=1 "$work" "$corpus" 2>"$work/log" || {
	tail -n 40 "$work/log"
	for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$c" ] && echo "reproduce: $exec_dir/$(basename "$bin") $c  (or the _replay binary)"
	done
	exit 1
}
grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec" "$work/log" || true
