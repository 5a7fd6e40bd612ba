#!/bin/sh
# Suite 'fuzz': build.sh's output as OSS-Fuzz would use it.
#   check_build.sh SOURCE_ROOT CC OUT|- [KEXT_DIR...]
# OUT '-': run build.sh first, as OSS-Fuzz does (CC, sanitizer CFLAGS,
# LIB_FUZZING_ENGINE, a fresh $OUT in a temp dir; KEXT_DIRS from the
# arguments); otherwise check what a build already put in OUT. Checks: the
# kext fuzzer and its libraries; every top-level target has .options and a
# seed corpus, and runs over its seeds with its options from $OUT, as the
# OSS-Fuzz runner would; no kext is left without coverage instrumentation;
# the first structure-aware target runs a fixed number of inputs. Exit 77
# (skip) when CC cannot link -fsanitize=fuzzer here.
set -eu
src=$1 cc=$2 out=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$out" = - ]; then
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' \
		>"$work/probe.c"
	"$cc" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>/dev/null ||
		{ echo "no libFuzzer"; exit 77; }
	out=$work/out
	KEXT_DIRS=$(printf '%s\n' "$@" | paste -sd:) CC=$cc LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
		CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1' OUT=$out \
		"$src/fuzz/oss-fuzz/build.sh" >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; exit 1; }
fi
for f in drvbench/fuzz_kext drvbench/bench_fuzz_kext drvbench/lib/libdrvbench.so.0 \
	drvbench/lib/libdrvbench-shim.so.0 drvbench/lib/libdrvbench-model.so.0 fuzz_remote_decoder; do
	[ -e "$out/$f" ] || { echo "missing $out/$f"; exit 1; }
done
cd "$out"
n=0 struct=
for t in fuzz_*; do
	case $t in *.options | *.zip | *.dict) continue ;; esac
	[ -f "$t.options" ] || { echo "missing $t.options"; exit 1; }
	[ -f "${t}_seed_corpus.zip" ] || { echo "missing ${t}_seed_corpus.zip"; exit 1; }
	opts=$(sed -n 's/^\([a-z_]*\) *= *\(.*\)$/-\1=\2/p' "$t.options")
	rm -rf "$work/seeds" && mkdir "$work/seeds"
	python3 -m zipfile -e "${t}_seed_corpus.zip" "$work/seeds"
	# shellcheck disable=SC2086 # one option per line, no spaces inside
	./"$t" $opts -runs=0 -artifact_prefix="$work/" "$work/seeds" >"$work/log" 2>&1 || { tail -n 30 "$work/log"; exit 1; }
	if grep -q "has no coverage instrumentation" "$work/log"; then
		grep "has no coverage" "$work/log"
		exit 1
	fi
	n=$((n + 1))
	case $t in *_struct) [ -n "$struct" ] || struct=$t ;; esac
done
[ -n "$struct" ] || { echo "no structure-aware target"; exit 1; }
mkdir "$work/grown"
# shellcheck disable=SC2046
./"$struct" $(sed -n 's/^\([a-z_]*\) *= *\(.*\)$/-\1=\2/p' "$struct.options") -seed=1 -runs=5000 \
	-artifact_prefix="$work/" "$work/grown" "$work/seeds" >"$work/log" 2>&1 ||
	{ tail -n 40 "$work/log"; exit 1; }
grep -E "^#[0-9]+.*DONE" "$work/log" || tail -n 2 "$work/log"
echo "build.sh made $n targets; each ran over its seeds with its options; $struct ran 5000 inputs"
