#!/usr/bin/env bash
# Configure (once) and build drvbench into build/ (or $DRVBENCH_BUILD_DIR).
# Warnings are errors here, as in CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DRVBENCH_BUILD_DIR:-$root/build}
"$root/tools/bootstrap.sh"
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build" "$root" -Dwerror=true >"$build.setup.log" 2>&1 || {
    cat "$build.setup.log" >&2
    exit 1
  }
  rm -f "$build.setup.log"
fi
ninja -C "$build" >&2
