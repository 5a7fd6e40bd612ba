#!/usr/bin/env bash
# Checks every arrow of the layering (docs/design.md, 'Dependencies') on the
# quoted includes of each room:
#   model/      only model/ headers: never the shim, the bench or a driver;
#   shim/src/   only the shim's public headers and its own internals: never a
#               host's header (shim/host_*.h), a model, the bench or a driver;
#   shim/host/  the shim's public headers and models, its own private
#               headers: never shim/src internals, the bench or a driver;
#   bench/      bench, shim and model public headers and its own: never a
#               driver's header, never shim/src internals;
#   tools/      the same as bench/;
#   driver-core: tools/check_driver_includes.sh (shim's driver-facing
#               headers only), run from here too.
# A header next to the including file (or reached by a relative path that
# stays inside the same room) is the room's own.
#
# usage: check_layering.sh [REPO_ROOT]   check the tree
#        check_layering.sh --self-test   prove it fails on each kind of bad arrow
# Prints every offending FILE:LINE and exits 1 if there is any; 2 on misuse.
set -u

# The room a repository-relative path belongs to.
room_of() {
	case "$1" in
	model/*) echo model ;;
	shim/src/*) echo shim-src ;;
	shim/host/* | shim/include/shim/host_*.h) echo shim-host ;; # a host's public header is the host's
	shim/include/*) echo shim-include ;;
	bench/*) echo bench ;;
	tools/*) echo tools ;;
	*) echo other ;;
	esac
}

# Whether room may include a header of API `api` (the first path word of a
# quoted include that is not a local file): shim, model, bench or other.
allowed() {
	local room=$1 api=$2 name=$3
	case "$room:$api" in
	model:model) return 0 ;;
	shim-src:shim) [[ "$name" != shim/host_*.h ]] ;;
	shim-host:shim | shim-host:model) return 0 ;;
	shim-include:shim) return 0 ;;
	bench:shim | bench:model | bench:bench) return 0 ;;
	tools:shim | tools:model | tools:bench) return 0 ;;
	*) return 1 ;;
	esac
}

# Prints "FILE:LINE: reason" for each bad include of one file; returns 1 if any.
check_file() {
	local root=$1 rel=$2 room dir lineno text name api target bad=0
	room=$(room_of "$rel")
	dir=$(dirname "$rel")
	while IFS=: read -r lineno text; do
		[[ "$text" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] || continue
		name=${BASH_REMATCH[1]}
		if [[ -f "$root/$dir/$name" ]]; then
			target=$(realpath -m --relative-to="$root" "$root/$dir/$name")
			if [[ "$(room_of "$target")" != "$room" && ! ("$room" == shim-src &&
				"$target" == shim/include/*) ]]; then
				echo "$rel:$lineno: \"$name\" reaches into $(room_of "$target") ($target)"
				bad=1
			fi
			continue
		fi
		api=${name%%/*}
		[[ "$api" == "$name" ]] && api=other
		if ! allowed "$room" "$api" "$name"; then
			echo "$rel:$lineno: $room may not include \"$name\""
			bad=1
		fi
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$root/$rel")
	return "$bad"
}

check_tree() {
	local root=$1 rel count=0 bad=0
	for d in model shim bench tools; do
		if [[ ! -d "$root/$d" ]]; then
			echo "check_layering: no $d/ under $root" >&2
			return 2
		fi
	done
	while IFS= read -r -d '' rel; do
		count=$((count + 1))
		check_file "$root" "${rel#./}" || bad=1
	done < <(cd "$root" && find model shim bench tools -type f \( -name '*.c' -o -name '*.h' \) \
		-print0 | sort -z)
	if [[ -d "$root/driver-core" ]]; then
		"$(dirname "$0")/check_driver_includes.sh" "$root" >/dev/null || {
			"$(dirname "$0")/check_driver_includes.sh" "$root"
			bad=1
		}
	fi
	if [[ $bad -ne 0 ]]; then
		echo "check_layering: the arrows are driver-core -> shim -> host -> (model | QEMU);" \
			"bench and tools sit above all but the drivers" >&2
		return 1
	fi
	echo "check_layering: $count files of model, shim, bench and tools keep to the layering"
	return 0
}

self_test() {
	local tmp out status=0
	tmp=$(mktemp -d) || return 2
	trap 'rm -rf "$tmp"' RETURN
	mkdir -p "$tmp"/{model/src,shim/src,shim/host,shim/include/shim,bench/src,tools}
	printf '#include "model/device.h"\n' >"$tmp/model/src/ok.c"
	printf '#include "shim/machine.h"\n#include "internal.h"\n' >"$tmp/shim/src/ok.c"
	printf '/* */\n' >"$tmp/shim/src/internal.h"
	printf '#include "shim/host.h"\n#include "model/bus.h"\n' >"$tmp/shim/host/ok.c"
	printf '#include "bench/kext.h"\n#include "shim/pci.h"\n' >"$tmp/bench/src/ok.c"
	printf '#include "bench/scenario.h"\n' >"$tmp/tools/ok.c"
	if ! check_tree "$tmp" >/dev/null; then
		echo "check_layering --self-test: a clean tree was rejected" >&2
		return 1
	fi
	printf '#include "shim/pci.h"\n' >"$tmp/model/src/bad.c"
	printf '#include "shim/host_qemu.h"\n#include "model/bus.h"\n' >"$tmp/shim/src/bad.c"
	printf '#include "../src/internal.h"\n#include "bench/host.h"\n' >"$tmp/shim/host/bad.c"
	printf '#include "mydriver/mydriver.h"\n' >"$tmp/bench/src/bad.c"
	printf '#include "mydriver.h"\n' >"$tmp/tools/bad.c"
	out=$(check_tree "$tmp" 2>/dev/null) && status=1
	for want in "model/src/bad.c:1" "shim/src/bad.c:1" "shim/src/bad.c:2" "shim/host/bad.c:1" \
		"shim/host/bad.c:2" "bench/src/bad.c:1" "tools/bad.c:1"; do
		if ! grep -q "^$want:" <<<"$out"; then
			echo "check_layering --self-test: $want not reported" >&2
			status=1
		fi
	done
	[[ $status -eq 0 ]] && echo "check_layering --self-test: clean tree passes, 7 bad arrows reported"
	return "$status"
}

case "${1:-}" in
--self-test) self_test ;;
-h | --help) sed -n '2,20p' "$0" ;;
*) check_tree "${1:-$(cd "$(dirname "$0")/.." && pwd)}" ;;
esac
