#!/bin/sh
# Suite 'fuzz': runs build.sh as OSS-Fuzz would (CC=clang, sanitizer
# CFLAGS, LIB_FUZZING_ENGINE, OUT=a temp dir), checks every target exists,
# runs each over its seed corpus, and the structure-aware one for a few
# seconds. usage: check_build.sh SOURCE_ROOT CLANG. Exit 77 (skip) when
# clang cannot link -fsanitize=fuzzer here.
set -eu
src=$1 clang=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' \
	> "$out/probe.c"
"$clang" -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>/dev/null || { echo "no libFuzzer"; exit 77; }
rm -f "$out/probe" "$out/probe.c"
CC=$clang CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -g' LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$out \
	"$src/fuzz/oss-fuzz/build.sh"
for sel in struct remote_decoder $(sed 's/^/raw_/' "$src/fuzz/selectors.txt"); do
	name=fuzz_uc_$sel
	[ "$sel" = remote_decoder ] && name=fuzz_$sel
	[ -x "$out/$name" ] || { echo "missing $out/$name"; exit 1; }
	[ -f "$out/${name}_seed_corpus.zip" ] || { echo "missing seed corpus of $name"; exit 1; }
	case $sel in struct) dir=uc_struct ;; remote_decoder) dir=$sel ;; *) dir=uc_$sel ;; esac
	"$out/$name" -runs=0 "$src/fuzz/corpus/$dir" 2>"$out/log" || { tail -n 30 "$out/log"; exit 1; }
done
mkdir "$out/grown"
"$out/fuzz_uc_struct" -max_total_time=5 -max_len=16384 -dict="$out/fuzz_uc_struct.dict" \
	-artifact_prefix="$out/" "$out/grown" "$src/fuzz/corpus/uc_struct" 2>"$out/log" ||
	{ tail -n 40 "$out/log"; exit 1; }
grep -E "^#[0-9]+.*DONE" "$out/log" || tail -n 2 "$out/log"
echo "build.sh produced and ran $(ls "$out" | grep -c '^fuzz_[a-z_]*$') targets"
