#!/bin/sh
# Suite 'fuzz': one kext's fuzz targets over their seeds.
#   fuzz_kext_suite.sh MODE KIND BIN CORPUS RUNS DICT TARGET-OPTIONS...
# MODE replay: BIN is fuzz_kext_replay (any build, gcc included); every
#   input of the target's corpus runs once.
# MODE run: BIN is the libFuzzer binary; a bounded run from the corpus on a
#   scratch copy (-seed=1 -runs=RUNS: the same inputs on every run).
# KIND struct: the structure-aware target, corpus CORPUS/uc_struct;
#   raw: every selector the kext publishes (BIN -list_selectors=1), corpus
#   CORPUS/uc_raw_<selector>. A target without a corpus (CORPUS may be '-')
#   starts from the seeds BIN derives from the dispatch table; a corpus
#   directory for a selector the kext does not publish is an error.
# DICT: a libFuzzer dictionary or '-'. TARGET-OPTIONS: -kext=PATH etc.
set -u
mode=$1 kind=$2 bin=$3 corpus=$4 runs=$5 dict=$6
shift 6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# Seeds for a target: its corpus, else what the fuzzer writes.
# usage: seeds_for TARGET SUBDIR OPTIONS... (prints a directory)
seeds_for() {
	t=$1 sub=$2
	shift 2
	if [ "$corpus" != - ] && [ -n "$(ls -A "$corpus/$sub" 2>/dev/null)" ]; then
		echo "$corpus/$sub"
		return 0
	fi
	"$bin" "$@" -target="$t" -write_seeds="$work/seeds-$sub" >/dev/null || return 1
	echo "$work/seeds-$sub"
}

# usage: one TARGET SUBDIR OPTIONS...
one() {
	target=$1 sub=$2
	shift 2
	if ! seeds=$(seeds_for "$target" "$sub" "$@"); then
		echo "FAIL $target: cannot write seeds"
		failed=1
		return
	fi
	log="$work/log"
	if [ "$mode" = replay ]; then
		"$bin" "$@" -target="$target" "$seeds" >"$log" 2>&1
	else
		rm -rf "$work/grown" && mkdir "$work/grown"
		if [ "$dict" != - ]; then set -- "$@" -dict="$dict"; fi
		"$bin" "$@" -target="$target" -seed=1 -runs="$runs" -max_len=16384 \
			-artifact_prefix="$work/" -print_final_stats=1 "$work/grown" "$seeds" >"$log" 2>&1
	fi
	status=$?
	if [ $status -ne 0 ]; then
		tail -n 30 "$log"
		for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
			[ -e "$c" ] || continue
			echo "finding, base64 (decode it to reproduce): $(base64 -w0 "$c")"
		done
		echo "FAIL $target (exit $status); reproduce: $bin $* -target=$target FILE"
		failed=1
		return
	fi
	echo "ok $target: $(grep -E '^replayed|^stat::(number_of_executed_units|average_exec_per_sec)' \
		"$log" | tr '\n' ' ')"
}

if [ "$kind" = struct ]; then
	one struct uc_struct "$@"
	exit $failed
fi
if ! sels=$("$bin" "$@" -list_selectors=1); then
	echo "FAIL: cannot list the selectors"
	exit 1
fi
[ -n "$sels" ] || { echo "FAIL: the kext publishes no selector"; exit 1; }
if [ "$corpus" != - ]; then
	for d in "$corpus"/uc_raw_*; do
		[ -d "$d" ] || continue
		echo "$sels" | grep -qx "${d##*/uc_raw_}" ||
			{ echo "FAIL: corpus $d names no published selector"; failed=1; }
	done
fi
for s in $sels; do
	one "raw:$s" "uc_raw_$s" "$@"
done
exit $failed
