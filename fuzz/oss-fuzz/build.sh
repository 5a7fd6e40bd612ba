#!/bin/bash -eu
# Builds the fuzzers the OSS-Fuzz / ClusterFuzzLite way: straight from the
# sources with $CC $CFLAGS, the fuzzers linked with $LIB_FUZZING_ENGINE,
# everything into $OUT. No meson needed. Local use:
#   CC=clang-14 CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/fuzz-out fuzz/oss-fuzz/build.sh
# Needs: python3, pkg-config, libplist-2.0 (the kext manifest parser), libelf
# and sqlite3 (the bench room's link checks and records).
#
# $OUT/drvbench/ holds the kext fuzzer and what it loads:
#   fuzz_kext              one libFuzzer binary for every kext (-kext=PATH, fuzz/README.md)
#   kexts/NAME.kext        each kext bundle, instrumented; kexts/lib<dir>-tests.so its
#                          test module (the oracles of its user clients)
#   lib/libdrvbench*.so.0  empty placeholders (below)
#   bench_fuzz_kext        the exec/s benchmark (its own mutation loop, same sanitizers)
#   fuzz_empty             an empty libFuzzer target, the benchmark's yardstick
# $OUT/ holds the OSS-Fuzz targets, each with .options, _seed_corpus.zip and .dict:
#   fuzz_<dir>_struct, fuzz_<dir>_raw_<selector>, fuzz_<dir>_device, fuzz_<dir>_both
#                          copies of fuzz_kext whose .options name the kext
#                          ($ORIGIN/drvbench/kexts/...) and the target
#   fuzz_remote_decoder    model/remote's message decoder
#   fuzz_qualify_binary, fuzz_qualify_plist  drvbench qualify's binary reader and
#                          Info.plist rules (the Mach-O half needs DRVBENCH_MACHO_READER)
#
# How bundles find the shim: the shim, the models and the bench are linked
# into the fuzzer itself (static: calls stay direct, a quarter faster per
# input than the same code in shared libraries) and exported (-rdynamic).
# A bundle is built against libdrvbench-shim.so.0 and names it in
# DT_NEEDED, as any user's bundle does, and a test module names
# libdrvbench.so.0. lib/ holds empty libraries with those sonames, which the
# fuzzer needs (RPATH), so a bundle's DT_NEEDED is already satisfied when it
# is mapped, and each of its symbols binds to the fuzzer's own instrumented
# copy: the executable comes first in the lookup order. One shim in the
# process, and any bundle, an out-of-tree one included, loads unchanged.
#
# Kexts: KEXT_DIRS, colon-separated source directories (default: every
# driver-core/*/ and tests/kexts/*/ with an Info.plist). A directory's *.c
# make the bundle's binary (its include/ on the path), named by the
# manifest's CFBundleExecutable; its tests/*.c, if any, the test module.
# Seeds: <dir>/fuzz/corpus/uc_struct and uc_raw_<selector> when present,
# else those the fuzzer derives from the dispatch table; dictionary:
# <dir>/fuzz/*.dict. The kext build flags are $CFLAGS: built by a user, a
# kext needs -fsanitize=fuzzer-no-link,address,undefined for the same effect.
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?set OUT}"
SRC=${SRC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
D=$OUT/drvbench
rm -rf "$D"
mkdir -p "$OUT" "$D/lib" "$D/kexts"

# Everything, not just the fuzzer, needs coverage to guide it (OSS-Fuzz's
# CFLAGS already carry it).
if [[ "$LIB_FUZZING_ENGINE" == *-fsanitize=fuzzer* && "$CFLAGS" != *fuzzer-no-link* ]]; then
	CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link"
fi
# Coverage only where it guides: the kexts (and their test modules) get
# $CFLAGS whole; the shim, the models, the bench and the harness get none.
# Their branches are the harness's, not the driver's: instrumented, they
# cost a third of every execution (comparison tracing, libFuzzer's
# per-feature bookkeeping) and flood the corpus with features that say
# nothing about the kext. SHIM_COVERAGE=-fsanitize-coverage=... gives the
# shim edge counters back (about 30% fewer executions a second).
NOCOV_CFLAGS=$(printf '%s' "$CFLAGS" | sed -e 's/-fsanitize=fuzzer-no-link//g' \
	-e 's/-fsanitize-coverage=[^ ]*//g')
SHIMCOV_CFLAGS="$NOCOV_CFLAGS ${SHIM_COVERAGE:-}"
PLIST_CFLAGS=$(pkg-config --cflags libplist-2.0)
PLIST_LIBS=$(pkg-config --libs libplist-2.0)
SQLITE_LIBS=$(pkg-config --libs sqlite3)
ELF_LIBS=$(pkg-config --libs libelf 2>/dev/null || true)
SQLITE_LIBS=$(pkg-config --libs sqlite3)
INC="-I$SRC/shim/include -I$SRC/model/include -I$SRC/bench/include"
BASE_FLAGS="-std=c11 -D_GNU_SOURCE $PLIST_CFLAGS"
# Uninitialised stack bytes get a pattern the fuzzer's output scan knows
# (fuzz_scan.h), so a field never set cannot reach a client unseen.
if $CC -ftrivial-auto-var-init=pattern -x c -c /dev/null -o /dev/null 2>/dev/null; then
	BASE_FLAGS="$BASE_FLAGS -ftrivial-auto-var-init=pattern"
fi
FLAGS="$BASE_FLAGS $CFLAGS"
# DT_RPATH, not RUNPATH: it outranks LD_LIBRARY_PATH (meson test points
# that at the build's real libraries).
RPATH='-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib:$ORIGIN/drvbench/lib'
export CC FLAGS WORK BASE_FLAGS

# compile TAG EXTRA-FLAGS SOURCES...: objects in $WORK/TAG/, in parallel.
compile() {
	local tag=$1 extra=$2
	shift 2
	mkdir -p "$WORK/$tag"
	printf '%s\n' "$@" | EXTRA=$extra TAG=$tag TAG_FLAGS=${TAG_FLAGS:-} xargs -P "$(nproc)" -I{} sh -c \
		'$CC ${TAG_FLAGS:-$FLAGS} $EXTRA -c "{}" -o "$WORK/$TAG/$(basename "{}" .c).o"'
}

# The rooms (every object: all of them are exported), the placeholders.
TAG_FLAGS="$BASE_FLAGS $SHIMCOV_CFLAGS" compile shim "$INC" "$SRC"/shim/src/*.c
TAG_FLAGS="$BASE_FLAGS $NOCOV_CFLAGS" compile model "$INC" "$SRC"/model/src/*.c "$SRC"/model/remote/*.c
# model/remote's decoder is a fuzz target of its own: that copy is instrumented.
compile modelcov "$INC" "$SRC"/model/src/*.c "$SRC"/model/remote/*.c
# The report page's assets, compiled in as meson does (bench/meson.build).
R=$SRC/bench/report
python3 "$R/embed.py" "$WORK/report_assets.c" "bench_asset_uplot_js=$R/vendor/uplot/uPlot.iife.min.js" \
	"bench_asset_uplot_css=$R/vendor/uplot/uPlot.min.css" \
	"bench_asset_uplot_license=$R/vendor/uplot/LICENSE" "bench_asset_report_js=$R/report.js" \
	"bench_asset_report_css=$R/report.css"
TAG_FLAGS="$BASE_FLAGS $NOCOV_CFLAGS" compile bench "$INC -I$SRC/bench/src" "$SRC"/bench/*/*.c \
	"$SRC"/shim/host/*.c "$SRC"/shim/host/qemu/*.c "$WORK/report_assets.c"
for name in libdrvbench-shim libdrvbench-model libdrvbench; do
	$CC -shared -x c /dev/null -Wl,-soname,"$name.so.0" -o "$D/lib/$name.so.0"
done
ROOMS="$WORK/shim/*.o $WORK/model/*.o $WORK/bench/*.o"
PLACEHOLDERS="-Wl,--no-as-needed $D/lib/libdrvbench.so.0 $D/lib/libdrvbench-model.so.0 \
 $D/lib/libdrvbench-shim.so.0 -Wl,--as-needed"
SYSLIBS="$PLIST_LIBS $ELF_LIBS $SQLITE_LIBS -lm -ldl -lpthread"

# The fuzzers and the benchmark.
TAG_FLAGS="$BASE_FLAGS $NOCOV_CFLAGS" compile harness "$INC" \
	"$SRC"/fuzz/fuzz_{config,die,harness,oracle,handle_book,uc_struct,uc_raw,seeds,sancov,scan,dev,seeds_dev}.c
$CC $BASE_FLAGS $NOCOV_CFLAGS $INC -DFUZZ_LIBFUZZER -c "$SRC/fuzz/fuzz_kext.c" -o "$WORK/fuzz_kext.o"
$CC $BASE_FLAGS $NOCOV_CFLAGS $INC -c "$SRC/fuzz/fuzz_kext.c" -o "$WORK/bench_kext.o"
$CC $BASE_FLAGS $NOCOV_CFLAGS $INC -c "$SRC/fuzz/bench_fuzz.c" -o "$WORK/bench_fuzz.o"
$CC $FLAGS -c "$SRC/fuzz/fuzz_empty.c" -o "$WORK/fuzz_empty.o"
$CC $FLAGS $INC -c "$SRC/fuzz/fuzz_remote_decoder.c" -o "$WORK/fuzz_remote_decoder.o"
for t in fuzz_qualify_binary fuzz_qualify_plist; do
	$CC $FLAGS $INC -I"$SRC/bench/qualify" -c "$SRC/fuzz/$t.c" -o "$WORK/$t.o"
done
# shellcheck disable=SC2086 # word lists on purpose
$CC $CFLAGS $LIB_FUZZING_ENGINE -rdynamic "$WORK/fuzz_kext.o" "$WORK"/harness/*.o $ROOMS \
	$PLACEHOLDERS $SYSLIBS "$RPATH" -o "$D/fuzz_kext"
# shellcheck disable=SC2086
$CC $CFLAGS -rdynamic "$WORK/bench_fuzz.o" "$WORK/bench_kext.o" "$WORK"/harness/*.o $ROOMS \
	$PLACEHOLDERS $SYSLIBS "$RPATH" -o "$D/bench_fuzz_kext"
$CC $CFLAGS $LIB_FUZZING_ENGINE "$WORK/fuzz_empty.o" -o "$D/fuzz_empty"
# shellcheck disable=SC2086
$CC $CFLAGS $LIB_FUZZING_ENGINE "$WORK/fuzz_remote_decoder.o" "$WORK/harness/fuzz_die.o" \
	"$WORK"/modelcov/*.o -ldl -o "$OUT/fuzz_remote_decoder"
# drvbench qualify's binary reader and plist rules (the rooms are in them).
for t in fuzz_qualify_binary fuzz_qualify_plist; do
	# shellcheck disable=SC2086
	$CC $CFLAGS $LIB_FUZZING_ENGINE -rdynamic "$WORK/$t.o" "$WORK/harness/fuzz_die.o" $ROOMS \
		$PLACEHOLDERS $SYSLIBS "$RPATH" -o "$OUT/$t"
done

# package TARGET SEED-DIR DICT OPTIONS...: the OSS-Fuzz files of one target.
package() {
	local name=$1 seeds=$2 dict=$3
	shift 3
	if [ -n "$(ls -A "$seeds" 2>/dev/null)" ]; then
		(cd "$seeds" && python3 -m zipfile -c "$OUT/${name}_seed_corpus.zip" ./*)
	fi
	{
		printf '[libfuzzer]\nmax_len = 16384\n'
		if [ -n "$dict" ]; then
			cp "$dict" "$OUT/$name.dict"
			printf 'dict = %s.dict\n' "$name"
		fi
		for kv in "$@"; do printf '%s\n' "$kv"; done
	} >"$OUT/$name.options"
}
package fuzz_remote_decoder "$SRC/fuzz/corpus/remote_decoder" ""
package fuzz_qualify_binary "$SRC/fuzz/corpus/qualify_binary" ""
package fuzz_qualify_plist "$SRC/fuzz/corpus/qualify_plist" ""

# kext DIR [bundle-only]: the bundle, its test module, and (unless
# bundle-only) an OSS-Fuzz target per fuzz target.
kext() {
	local dir name exe objs opts dict sel sels seeds
	dir=$(cd "$1" && pwd)
	name=$(basename "$dir")
	exe=$(python3 -c 'import plistlib,sys; print(plistlib.load(open(sys.argv[1],"rb"))["CFBundleExecutable"])' \
		"$dir/Info.plist")
	compile "kext-$name" "-fPIC $INC -I$dir/include" "$dir"/*.c
	$CC $CFLAGS -fPIC -shared "$WORK/kext-$name"/*.o "$D/lib/libdrvbench-shim.so.0" -o "$WORK/$exe"
	python3 "$SRC/tools/drvbench-mkbundle" "$dir/Info.plist" "$WORK/$exe" "$D/kexts/$exe.kext"
	opts=("-kext=$D/kexts/$exe.kext")
	if ls "$dir"/tests/*.c >/dev/null 2>&1; then
		compile "tests-$name" "-fPIC $INC -I$dir/include -I$dir/tests" "$dir"/tests/*.c
		# shellcheck disable=SC2086
		$CC $CFLAGS -fPIC -shared "$WORK/tests-$name"/*.o $PLACEHOLDERS \
			-o "$D/kexts/lib$name-tests.so"
		opts+=("-tests=$D/kexts/lib$name-tests.so")
	fi
	[ "${2:-}" = bundle-only ] && return 0
	dict=$(ls "$dir"/fuzz/*.dict 2>/dev/null | head -n 1 || true)
	sels=$("$D/fuzz_kext" "${opts[@]}" -list_selectors=1)
	# The device side too: fuzz_<dir>_device and fuzz_<dir>_both.
	for sel in struct :device :both $sels; do
		local target=raw:$sel tname=fuzz_${name}_raw_$sel sub=uc_raw_$sel
		[ "$sel" = struct ] && target=struct tname=fuzz_${name}_struct sub=uc_struct
		case $sel in :*) target=${sel#:} tname=fuzz_${name}_${sel#:} sub=dev_${sel#:} ;; esac
		seeds=$dir/fuzz/corpus/$sub
		if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
			seeds=$WORK/seeds/$tname
			"$D/fuzz_kext" "${opts[@]}" -target="$target" -write_seeds="$seeds"
		fi
		ln -f "$D/fuzz_kext" "$OUT/$tname" 2>/dev/null || cp "$D/fuzz_kext" "$OUT/$tname"
		package "$tname" "$seeds" "$dict" "kext = \$ORIGIN/drvbench/kexts/$exe.kext" \
			"target = $target" \
			${opts[1]:+"tests = \$ORIGIN/drvbench/kexts/lib$name-tests.so"}
	done
}

if [ -z "${KEXT_DIRS:-}" ]; then
	KEXT_DIRS=$(for p in "$SRC"/driver-core/*/Info.plist "$SRC"/tests/kexts/*/Info.plist; do
		[ -f "$p" ] && dirname "$p"; done | paste -sd:)
fi
IFS=: read -r -a dirs <<<"$KEXT_DIRS"
for dir in "${dirs[@]}"; do
	[ -n "$dir" ] && kext "$dir"
done
# BUNDLE_ONLY_DIRS: more kexts, built into kexts/ without targets of their
# own (the test suite's planted copies of a driver).
IFS=: read -r -a dirs <<<"${BUNDLE_ONLY_DIRS:-}"
for dir in "${dirs[@]}"; do
	[ -n "$dir" ] && kext "$dir" bundle-only
done
