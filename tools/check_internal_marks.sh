#!/usr/bin/env bash
# Checks the shim's exports against its public headers: every global symbol
# a built archive defines with default visibility must be declared in the
# public headers, and none declared there may be hidden. So an internal
# cross-file symbol without its SHIM_INTERNAL (or SHIM_QEMU_INTERNAL) mark,
# which would leak out of the shared library, fails the build tests.
#
# usage: check_internal_marks.sh INCLUDE_DIR[:DIR...] LIBRARY...   check the libraries
#        check_internal_marks.sh --self-test              prove the check
# Prints every offending symbol and exits 1 if there is any; 2 on misuse.
set -u

# Whether a public header under dirs (colon-separated) declares sym (a
# function or a variable).
is_public() {
	local dirs=$1 sym=$2 d
	local IFS=:
	for d in $dirs; do
		grep -rqE --include='*.h' "(^|[^A-Za-z0-9_])${sym}[[:space:]]*(\(|\[|;)" "$d" && return 0
	done
	return 1
}

check_archives() {
	local dir=$1 archive vis sym count=0 bad=0 syms
	shift
	if [[ ! -d "${dir%%:*}" || $# -eq 0 ]]; then
		echo "usage: check_internal_marks.sh INCLUDE_DIR ARCHIVE..." >&2
		return 2
	fi
	for archive in "$@"; do
		if ! syms=$(readelf -sW "$archive" 2>/dev/null); then
			echo "check_internal_marks: cannot read $archive" >&2
			return 2
		fi
		# Num: Value Size Type Bind Vis Ndx Name
		while read -r vis sym; do
			count=$((count + 1))
			if [[ "$vis" == DEFAULT ]] && ! is_public "$dir" "$sym"; then
				echo "$archive: $sym is exported but in no public header:" \
					"mark its declaration internal"
				bad=1
			elif [[ "$vis" != DEFAULT ]] && is_public "$dir" "$sym"; then
				echo "$archive: $sym is in a public header but $vis"
				bad=1
			fi
		done < <(awk '$5 == "GLOBAL" && $7 != "UND" && ($4 == "FUNC" || $4 == "OBJECT") \
				{ print $6, $8 }' <<<"$syms" | sort -u)
	done
	if [[ $bad -ne 0 ]]; then
		return 1
	fi
	echo "check_internal_marks: $count global symbols; the exported ones are all public"
	return 0
}

# An archive whose exports match its header passes; one with an unmarked
# internal function and a hidden public one fails naming exactly those.
self_test_in() {
	local tmp=$1 out rc fail=0 cc
	read -ra cc <<<"${CC:-cc}" # may be several words (e.g. ccache gcc)
	mkdir -p "$tmp/include"
	printf 'int pub_fn(void);\nextern int pub_var;\n' >"$tmp/include/pub.h"
	cat >"$tmp/good.c" <<-'EOF'
		#define MARK __attribute__((visibility("hidden")))
		MARK int cross_fn(void);
		MARK extern int cross_var;
		int cross_var;
		int pub_var;
		int cross_fn(void) { return 1; }
		static int file_fn(void) { return 2; }
		int pub_fn(void) { return cross_fn() + file_fn() + cross_var; }
	EOF
	cat >"$tmp/bad.c" <<-'EOF'
		int leaked_fn(void);
		__attribute__((visibility("hidden"))) int pub_fn(void);
		int leaked_fn(void) { return 1; }
		int pub_fn(void) { return leaked_fn(); }
	EOF
	if ! { "${cc[@]}" -c -o "$tmp/good.o" "$tmp/good.c" &&
		"${cc[@]}" -c -o "$tmp/bad.o" "$tmp/bad.c" &&
		ar rcs "$tmp/good.a" "$tmp/good.o" && ar rcs "$tmp/bad.a" "$tmp/bad.o"; }; then
		echo "self-test: cannot build the test archives with ${cc[*]}"
		return 2
	fi
	out=$(check_archives "$tmp/include" "$tmp/good.a" 2>&1)
	rc=$?
	if [[ $rc -ne 0 ]]; then
		echo "self-test: an archive with marked internals was rejected (rc $rc):"
		echo "$out"
		return 1
	fi
	out=$(check_archives "$tmp/include" "$tmp/good.a" "$tmp/bad.a" 2>&1)
	rc=$?
	if [[ $rc -ne 1 ]]; then
		echo "self-test: an archive with an unmarked internal gave rc $rc, expected 1:"
		echo "$out"
		return 1
	fi
	grep -q "bad.a: leaked_fn is exported" <<<"$out" || fail=1
	grep -q "bad.a: pub_fn is in a public header but HIDDEN" <<<"$out" || fail=1
	[[ $(wc -l <<<"$out") -eq 2 ]] || fail=1
	if [[ $fail -ne 0 ]]; then
		echo "self-test: expected exactly leaked_fn and the hidden pub_fn, got:"
		echo "$out"
		return 1
	fi
	echo "self-test: marked archive passes, the unmarked and the hidden symbol reported"
	return 0
}

# No default tree: the libraries to check are the arguments.
if [[ $# -eq 0 ]]; then
	sed -n '2,10p' "$0"
	exit 1
fi
check_tree() { check_archives "$@"; }
# shellcheck source=tools/check_main.sh
. "$(dirname "$0")/check_main.sh"
check_main 10 "$@"
