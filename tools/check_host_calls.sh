#!/usr/bin/env bash
# Checks that shim/src/hostcall.c is the only file of the shim that touches a
# host's ops: every other file goes through the shim_hostcall_* calls, which
# keep the host's reason for a failure and refuse once the host is gone.
#
# usage: check_host_calls.sh [REPO_ROOT]   check REPO_ROOT/shim/src
#        check_host_calls.sh --self-test   prove the check passes a clean
#                                          tree and fails a bad one
# Prints every offending FILE:LINE and exits 1 if there is any; 2 on misuse.
set -u

readonly ALLOWED=hostcall.c
# m->host.ops and host.ops; any ops->... (h->ops->x too); the ops type itself.
readonly OPS_OF_HOST='host[[:space:]]*(\.|->)[[:space:]]*ops([^A-Za-z0-9_]|$)'
readonly OPS_DEREF='(^|[^A-Za-z0-9_])ops[[:space:]]*->'
readonly PATTERN="($OPS_OF_HOST)|($OPS_DEREF)|shim_host_ops"

check_tree() {
	local root=$1 src=$1/shim/src file count=0 bad=0 hits
	if [[ ! -f "$src/$ALLOWED" ]]; then
		echo "check_host_calls: no shim/src/$ALLOWED under $root" >&2
		return 2
	fi
	while IFS= read -r -d '' file; do
		[[ "$(basename "$file")" == "$ALLOWED" ]] && continue
		count=$((count + 1))
		hits=$(grep -nE "$PATTERN" "$file") || continue
		while IFS= read -r hit; do
			echo "$file:${hit%%:*}: touches the host's ops: ${hit#*:}"
		done <<<"$hits"
		bad=1
	done < <(find "$src" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
	if [[ $bad -ne 0 ]]; then
		echo "check_host_calls: reach the host through the shim_hostcall_* calls" \
			"(shim/src/$ALLOWED)" >&2
		return 1
	fi
	echo "check_host_calls: $count other shim/src files reach the host only through $ALLOWED"
	return 0
}

# A clean fake shim must pass; adding a file that reaches around hostcall.c
# must fail and name every bad line of it (and nothing in the clean files).
self_test_in() {
	local tmp=$1 out rc expect fail=0
	mkdir -p "$tmp/shim/src"
	cat >"$tmp/shim/src/hostcall.c" <<-'EOF'
		shim_ret shim_hostcall_x(shim_machine *m) { return m->host.ops->x(m->host.ctx); }
	EOF
	cat >"$tmp/shim/src/good.c" <<-'EOF'
		/* the host's ops are only reached through hostcall.c */
		r = shim_hostcall_cfg_read(m, bdf, 0, 4, &v);
		struct dev_ops *dops = d->dev_ops; x = dops->y; hostops = 1; m->host_alive = 0;
	EOF
	out=$(check_tree "$tmp" 2>&1)
	rc=$?
	if [[ $rc -ne 0 ]]; then
		echo "self-test: a clean shim tree was rejected (rc $rc):"
		echo "$out"
		return 1
	fi

	cat >"$tmp/shim/src/bad.c" <<-'EOF'
		int fine;
		m->host.ops->device_reset(m->host.ctx, bdf);
		if (m->host . ops)
		const struct shim_host_ops *o = NULL;
		h->ops->destroy(h->ctx);
		x = ops -> name;
		y = host->ops;
	EOF
	out=$(check_tree "$tmp" 2>&1)
	rc=$?
	if [[ $rc -ne 1 ]]; then
		echo "self-test: a file reaching around hostcall.c gave rc $rc, expected 1:"
		echo "$out"
		return 1
	fi
	for expect in 2 3 4 5 6 7; do
		if ! grep -q "bad.c:$expect:" <<<"$out"; then
			echo "self-test: bad.c line $expect was not reported"
			fail=1
		fi
	done
	if grep -q "bad.c:1:\|good.c:\|hostcall.c:" <<<"$out"; then
		echo "self-test: an allowed line was reported"
		fail=1
	fi
	if [[ $fail -ne 0 ]]; then
		echo "$out"
		return 1
	fi
	echo "self-test: clean tree passes, all 6 bad lines reported"
	return 0
}

# shellcheck source=tools/check_main.sh
. "$(dirname "$0")/check_main.sh"
check_main 10 "$@"
