#!/bin/bash -eu
# Builds the user-client fuzz targets the OSS-Fuzz / ClusterFuzzLite way:
# straight from the sources with $CC $CFLAGS, linked with
# $LIB_FUZZING_ENGINE, binaries (plus seed corpora, dictionary, options)
# into $OUT. No meson needed. Local use:
#   CC=clang-14 CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -g' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/fuzz-out fuzz/oss-fuzz/build.sh
# Needs: python3, pkg-config and libplist-2.0 (the kext manifest parser).
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?set OUT}"
SRC=${SRC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# Everything, not just the target, needs coverage to guide the fuzzer
# (OSS-Fuzz's CFLAGS already carry it).
if [[ "$LIB_FUZZING_ENGINE" == *-fsanitize=fuzzer* && "$CFLAGS" != *fuzzer-no-link* ]]; then
	CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link"
fi
PLIST_CFLAGS=$(pkg-config --cflags libplist-2.0)
PLIST_LIBS=$(pkg-config --libs libplist-2.0)
python3 "$SRC/tools/embed_file.py" "$SRC/driver-core/edu/Info.plist" "$WORK/edu_info_plist.h" edu_info_plist
FLAGS="-std=c11 -D_GNU_SOURCE $CFLAGS -I$SRC/shim/include -I$SRC/shim/src -I$SRC/model/include \
 -I$SRC/driver-core/edu/include -I$SRC/driver-core/edu -I$SRC/fuzz -I$WORK $PLIST_CFLAGS"

# The machine: shim, sim host, models, the edu driver, the harness.
SOURCES=("$SRC"/shim/src/*.c "$SRC/shim/host/sim_host.c" "$SRC"/model/src/*.c "$SRC"/model/remote/*.c
	"$SRC"/driver-core/edu/*.c "$SRC/fuzz/fuzz_harness.c" "$SRC/fuzz/fuzz_oracle.c"
	"$SRC/fuzz/fuzz_oracle_edu.c" "$SRC/fuzz/fuzz_handle_book.c")
export CC FLAGS WORK
printf '%s\n' "${SOURCES[@]}" | xargs -P "$(nproc)" -I{} sh -c \
	'o="$WORK/$(echo "{}" | tr / _).o"; $CC $FLAGS -c "{}" -o "$o"'
ar rcs "$WORK/libdrvbench_fuzz.a" "$WORK"/*.o

link() { # name source [extra cflags]
	$CC $FLAGS ${3:-} -c "$2" -o "$WORK/$1.o"
	$CC $CFLAGS $LIB_FUZZING_ENGINE "$WORK/$1.o" "$WORK/libdrvbench_fuzz.a" $PLIST_LIBS -lm -lpthread \
		-o "$OUT/$1"
}
package() { # name corpus-dir
	if [ -d "$2" ] && ls "$2"/* >/dev/null 2>&1; then
		(cd "$2" && python3 -m zipfile -c "$OUT/$1_seed_corpus.zip" ./*)
	fi
	mkdir -p "$OUT/seeds/$1" && cp "$2"/* "$OUT/seeds/$1/" 2>/dev/null || true # for drvbench fuzz
	cp "$SRC/fuzz/uc.dict" "$OUT/$1.dict"
	printf '[libfuzzer]\nmax_len = 16384\ndict = %s.dict\n' "$1" > "$OUT/$1.options"
}

link fuzz_uc_struct "$SRC/fuzz/fuzz_uc_struct.c"
package fuzz_uc_struct "$SRC/fuzz/corpus/uc_struct"
link fuzz_remote_decoder "$SRC/fuzz/fuzz_remote_decoder.c"
package fuzz_remote_decoder "$SRC/fuzz/corpus/remote_decoder"
for sel in $(cat "$SRC/fuzz/selectors.txt"); do
	link "fuzz_uc_raw_$sel" "$SRC/fuzz/fuzz_uc_raw.c" "-DFUZZ_SELECTOR_NAME=\"$sel\""
	package "fuzz_uc_raw_$sel" "$SRC/fuzz/corpus/uc_raw_$sel"
done

# The exec/s benchmark: the structure-aware target under the same
# sanitizers, driven by bench_fuzz.c's own mutation loop (no libFuzzer).
$CC $FLAGS -c "$SRC/fuzz/bench_fuzz.c" -o "$WORK/bench_fuzz.o"
$CC $CFLAGS "$WORK/bench_fuzz.o" "$WORK/fuzz_uc_struct.o" "$WORK/libdrvbench_fuzz.a" $PLIST_LIBS \
	-lm -lpthread -o "$OUT/bench_fuzz_uc_struct"
