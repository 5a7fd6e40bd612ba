#!/usr/bin/env bash
# Configure (once) and build drvbench. Warnings are errors here, as in CI.
#   tools/build.sh                 gcc build in build/ (or $DRVBENCH_BUILD_DIR)
#   tools/build.sh --clang DIR     clang-14 build with the libFuzzer targets, every
#                                  program and kext built with ASan and UBSan (the
#                                  unit, sim and cycle suites see what gcc's cannot)
#   tools/build.sh --i386 DIR      gcc -m32 build (tools/cross/i386.ini)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DRVBENCH_BUILD_DIR:-$root/build}
setup_env=()
setup_args=(-Dwerror=true)
if [[ ${1:-} == --clang ]]; then
  build=${2:?usage: build.sh --clang DIR}
  # C++ too (the Mach-O reader module): g++'s ASan runtime cannot share a
  # process with clang's.
  setup_env=(CC=clang-14 CXX=clang++-14)
  # b_lundef off: a sanitised shared object leaves the runtime's symbols to
  # the program that loads it.
  setup_args+=(-Dfuzzing=enabled -Db_sanitize=address,undefined -Db_lundef=false)
elif [[ ${1:-} == --i386 ]]; then
  build=${2:?usage: build.sh --i386 DIR}
  setup_args+=(--cross-file "$root/tools/cross/i386.ini")
fi
"$root/tools/bootstrap.sh"
if [[ ! -f "$build/build.ninja" ]]; then
  log=$(mktemp)
  env "${setup_env[@]}" meson setup "$build" "$root" "${setup_args[@]}" >"$log" 2>&1 || {
    cat "$log" >&2
    rm -f "$log"
    exit 1
  }
  rm -f "$log"
fi
ninja -C "$build" >&2
