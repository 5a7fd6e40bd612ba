#!/usr/bin/env bash
# The bench room without the sample drivers. Two checks:
#  1. no file of bench/ or tools/ names the sample device (case-insensitive,
#     as a word), except the built-in profile list bench/src/profiles_builtin.c;
#  2. the tree (tracked and new files, as git lists them; no build
#     directories) minus driver-core/ is copied to a temp dir, configured,
#     built, and its unit, sim, cycle and build suites run there.
#   check_without_driver_core.sh [ROOT]          both checks
#   check_without_driver_core.sh --names-only ROOT   check 1 (a build-suite test)
#   check_without_driver_core.sh --self-test         check 1 on made-up trees
# Exit 0 when every check passed, 1 otherwise (what failed is printed).
set -uo pipefail

allowed=bench/src/profiles_builtin.c
# Spelt in pieces so that this file does not name it.
device="e""du"

# Prints every line of bench/ and tools/ under $1 that names the device; 1 if any.
check_names() {
	local root=$1 hits
	hits=$(cd "$root" && grep -rniIw --exclude-dir=__pycache__ "$device" bench tools 2>/dev/null |
		grep -v "^$allowed:")
	if [[ -n $hits ]]; then
		echo "bench/ and tools/ must not name a device or driver (only $allowed may):"
		echo "$hits"
		return 1
	fi
	return 0
}

self_test() {
	local tmp out rc
	tmp=$(mktemp -d) || return 1
	mkdir -p "$tmp/bench/src" "$tmp/tools"
	printf '/* the one list of devices */\nstatic const char *n = "%s";\n' "$device" >"$tmp/$allowed"
	printf '/* %scational, re%sce, %s_regs: not the word */\nint x;\n' e d "$device" \
		>"$tmp/bench/src/ok.c"
	printf 'ok\n' >"$tmp/tools/ok.sh"
	if ! out=$(check_names "$tmp"); then
		echo "self-test: a clean tree was rejected:"
		echo "$out"
		rm -rf "$tmp"
		return 1
	fi
	printf 'x\n/* drives the %s device */\n' "${device^^}" >"$tmp/tools/bad.c"
	printf 'qemu:%s\n' "$device" >"$tmp/bench/src/bad.h"
	out=$(check_names "$tmp")
	rc=$?
	rm -rf "$tmp"
	if [[ $rc -ne 1 || $out != *"tools/bad.c:2:"* || $out != *"bench/src/bad.h:1:"* ||
		$out == *"ok.c"* || $out == *"profiles_builtin.c:"* ]]; then
		echo "self-test: expected rc 1 naming tools/bad.c:2 and bench/src/bad.h:1 only, got rc $rc:"
		echo "$out"
		return 1
	fi
	echo "self-test: passed"
}

# Copies ROOT's files minus driver-core/ to a temp dir, builds and tests.
check_build() {
	local root=$1 tmp status=0 jobs
	if ! git -C "$root" rev-parse --show-toplevel >/dev/null 2>&1; then
		echo "check_without_driver_core: $root is not a git checkout (the file list comes from git)"
		return 1
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/drvbench-no-driver-core-XXXXXX") || return 1
	mkdir "$tmp/src"
	# Tracked and new files that exist (a deletion not yet committed is gone).
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		grep -zv '^driver-core/' |
		while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
		xargs -0 cp --parents -t "$tmp/src") || status=1
	if [[ -e $tmp/src/driver-core ]]; then
		echo "check_without_driver_core: driver-core/ was copied"
		status=1
	fi
	jobs=$(nproc 2>/dev/null || echo 2)
	if ((status == 0)); then
		echo "== configure and build $tmp/src (no driver-core/)"
		meson setup "$tmp/build" "$tmp/src" -Dwerror=true >"$tmp/setup.log" 2>&1 ||
			{ cat "$tmp/setup.log"; status=1; }
	fi
	if ((status == 0)); then
		ninja -C "$tmp/build" >"$tmp/ninja.log" 2>&1 || { tail -50 "$tmp/ninja.log"; status=1; }
	fi
	if ((status == 0)); then
		echo "== meson test --suite unit --suite sim --suite cycle --suite build (no driver-core/)"
		meson test -C "$tmp/build" --suite unit --suite sim --suite cycle --suite build \
			--print-errorlogs --num-processes "$jobs" || status=1
	fi
	rm -rf "$tmp"
	return $status
}

case ${1:-} in
--self-test)
	self_test
	;;
--names-only)
	check_names "${2:?usage: check_without_driver_core.sh --names-only ROOT}"
	;;
*)
	root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
	status=0
	check_names "$root" || status=1
	check_build "$root" || status=1
	exit $status
	;;
esac
