#!/bin/sh
# Suite 'fuzz': one kext's fuzz targets over their seeds.
#   fuzz_kext_suite.sh MODE KIND BIN CORPUS RUNS DICT TARGET-OPTIONS...
# MODE replay: BIN is fuzz_kext_replay (any build, gcc included); every
#   input of the target's corpus runs once.
# MODE run: BIN is the libFuzzer binary; a bounded run from the corpus on a
#   scratch copy (-seed=1 -runs=RUNS: the same inputs on every run).
# MODE each: BIN is fuzz_kext_replay; every corpus file, of every target,
#   in a process of its own: a file that passes only after others does
#   not reproduce alone. KIND is ignored. CORPUS '-': the seeds BIN
#   derives for the structure-aware target and every published selector.
# MODE regressions: BIN is fuzz_kext_replay, CORPUS the regressions root
#   (drvbench fuzz keeps each crash there, minimised: ROOT/<bundle>-<target>/
#   NAME with NAME.reason); each file, alone, is a TAP test named after it
#   and passes when it no longer crashes. KIND is ignored.
# KIND struct: the structure-aware target, corpus CORPUS/uc_struct;
#   raw: every selector the kext publishes (BIN -list_selectors=1), corpus
#   CORPUS/uc_raw_<selector>. A target without a corpus (CORPUS may be '-')
#   starts from the seeds BIN derives from the dispatch table; a corpus
#   directory for a selector the kext does not publish is an error.
# DICT: a libFuzzer dictionary or '-'. TARGET-OPTIONS: -kext=PATH etc.
# A crash in modes run and each prints the one command (drvbench fuzz
# --keep) that keeps it as a regression test under fuzz/regressions; run
# prints the crash itself as base64 within it. $DRVBENCH names drvbench
# (else 'drvbench' on PATH); $DRVBENCH_REGRESSIONS, where it keeps them.
set -u
regressions_root=${DRVBENCH_REGRESSIONS:-$(cd "$(dirname "$0")" && pwd)/regressions}
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

# PATH made absolute, so a printed command works from any directory.
abspath() {
	case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac
}

# The drvbench fuzz options that match the fuzzer's TARGET-OPTIONS.
# usage: drvbench_options OPTIONS... (prints them on one line)
drvbench_options() {
	for o in "$@"; do
		case $o in
		-kext=*) printf ' --kext %s' "$(abspath "${o#-kext=}")" ;;
		-tests=*) printf ' --tests %s' "$(abspath "${o#-tests=}")" ;;
		-device=*) printf ' --device %s' "${o#-device=}" ;;
		-client_abi=*) printf ' --client-abi %s' "${o#-client_abi=}" ;;
		esac
	done
}

# The command that keeps crash FILE of TARGET as a regression test; with
# B64 (the file's bytes), one that first writes FILE from the log.
# usage: keep_command TARGET FILE B64 OPTIONS...
keep_command() {
	kt=$1 kf=$2 kb=$3 dv=${DRVBENCH:-drvbench}
	shift 3
	case $dv in */*) dv=$(abspath "$dv") ;; esac
	printf 'keep it as a regression test with: '
	if [ -n "$kb" ]; then
		kf=${kf##*/} # written where the command runs
		printf "echo '%s' | base64 -d >%s && " "$kb" "$kf"
	else
		kf=$(abspath "$kf")
	fi
	printf '%s fuzz%s --target %s --fuzzer %s --regressions %s --keep %s\n' \
		"$dv" "$(drvbench_options "$@")" "$kt" "$(abspath "$bin")" \
		"$regressions_root" "$kf"
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
			echo "finding ${c##*/} (the base64 below is its bytes)"
			keep_command "$target" "$c" "$(base64 -w0 "$c")" "$@"
		done
		echo "FAIL $target (exit $status); reproduce: $bin $* -target=$target FILE"
		failed=1
		return
	fi
	echo "ok $target: $(grep -E '^replayed|^stat::(number_of_executed_units|average_exec_per_sec)' \
		"$log" | tr '\n' ' ')"
}

# The bundle's name, as drvbench fuzz names its regressions directories.
bundle_of() {
	for o in "$@"; do
		case $o in -kext=*) b=${o#-kext=}; b=${b%/}; b=${b##*/}; echo "${b%%.*}"; return ;; esac
	done
}

if [ "$mode" = regressions ]; then
	bundle=$(bundle_of "$@")
	n=0
	list="$work/list"
	: >"$list"
	for d in "$corpus/$bundle"-*; do
		[ -d "$d" ] || continue
		t=${d##*/$bundle-}
		case $t in struct) target=struct ;; raw-*) target=raw:${t#raw-} ;; *) continue ;; esac
		for f in "$d"/*; do
			case $f in *.reason) continue ;; esac
			[ -f "$f" ] && echo "$target $f" >>"$list"
		done
	done
	total=$(wc -l <"$list")
	if [ "$total" -eq 0 ]; then
		echo "1..0 # SKIP no regression kept for $bundle under $corpus"
		exit 0
	fi
	echo "1..$total"
	while read -r target f; do
		n=$((n + 1))
		reason=$(head -n 1 "$f.reason" 2>/dev/null)
		if "$bin" "$@" -target="$target" "$f" >"$work/log" 2>&1; then
			echo "ok $n - $target ${f##*/}: fixed: $reason"
		else
			echo "not ok $n - $target ${f##*/}: crashes again: $(grep -m1 -E 'fuzz: |verifier|ERROR' "$work/log")"
		fi
	done <"$list"
	exit 0
fi

if [ "$mode" = each ]; then
	n=0
	if [ "$corpus" = - ]; then
		corpus="$work/seeds"
		if ! "$bin" "$@" -target=struct -write_seeds="$corpus/uc_struct" >/dev/null ||
			! sels=$("$bin" "$@" -list_selectors=1); then
			echo "FAIL: cannot write the seeds"
			exit 1
		fi
		for s in $sels; do
			"$bin" "$@" -target="raw:$s" -write_seeds="$corpus/uc_raw_$s" >/dev/null ||
				{ echo "FAIL: cannot write the seeds of raw:$s"; exit 1; }
		done
	fi
	for pair in "struct uc_struct" $(for d in "$corpus"/uc_raw_*; do [ -d "$d" ] &&
			echo "raw:${d##*/uc_raw_} ${d##*/}"; done | tr ' ' '%'); do
		target=${pair%%[ %]*}
		sub=${pair##*[ %]}
		[ -d "$corpus/$sub" ] || continue
		for f in "$corpus/$sub"/*; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			if ! "$bin" "$@" -target="$target" "$f" >"$work/log" 2>&1; then
				tail -n 5 "$work/log"
				echo "FAIL $target $f does not pass alone; reproduce: $bin $* -target=$target $f"
				keep_command "$target" "$f" "" "$@"
				failed=1
			fi
		done
	done
	echo "ok: $n corpus file(s), each in a process of its own"
	[ "$n" -gt 0 ] || { echo "FAIL: no corpus file found in $corpus"; exit 1; }
	exit $failed
fi

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
