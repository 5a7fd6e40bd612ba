#!/bin/sh
# Checks that libdrvbench-model.so exports the model room's public API and
# nothing else: every dynamic symbol it defines is a model_* name found in
# a public header (model/include), and no name declared MODEL_INTERNAL in
# the room's private headers is among them.
# usage: check_model_exports.sh LIBRARY SOURCE_ROOT
set -eu
lib=$1 root=$2
exports=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }')
[ -n "$exports" ] || { echo "$lib exports nothing"; exit 1; }
bad=0
for s in $exports; do
	case $s in
	model_*) ;;
	*) echo "exported without the model_ prefix: $s"; bad=1; continue ;;
	esac
	grep -qw "$s" "$root"/model/include/model/*.h || {
		echo "exported but declared in no public header: $s"
		bad=1
	}
done
internal=$(grep -h 'MODEL_INTERNAL' "$root"/model/src/*.h "$root"/model/remote/*.h |
	grep -v '#' | while read -r line; do
		printf '%s\n' "$line" | grep -o 'model_[a-z0-9_]*[(;]' | head -n 1 | tr -d '(;'
	done)
[ -n "$internal" ] || { echo "found no MODEL_INTERNAL declarations: the check is blind"; exit 1; }
for s in $internal; do
	if printf '%s\n' "$exports" | grep -qx "$s"; then
		echo "declared MODEL_INTERNAL but exported: $s"
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "$(printf '%s\n' "$exports" | wc -l) public names exported," \
	"$(printf '%s\n' "$internal" | wc -l) internal names hidden"
exit "$bad"
