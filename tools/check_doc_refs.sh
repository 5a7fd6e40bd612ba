#!/usr/bin/env bash
# Checks that every document a file of the repository cites is in the
# repository: no path into the team's notes outside it (shared/docs), every
# NAME.md that is mentioned exists (from the top or from the citing file's
# directory), and a citation of a section ('FILE.md, "Heading"' or with
# single quotes) names a heading that FILE.md really has.
#
# usage: check_doc_refs.sh [REPO_ROOT]   check every file under REPO_ROOT
#        check_doc_refs.sh --self-test   prove the check passes a clean
#                                        tree and fails a bad one
# Prints every offending FILE:LINE and exits 1 if there is any; 2 on misuse.
set -u

readonly SELF=tools/check_doc_refs.sh  # holds the bad examples of its self-test
readonly OUTSIDE='shared''/docs'       # split so this line does not match itself
readonly MD_TOKEN='[A-Za-z0-9_./-]*\.md\b'
readonly CITATION="[A-Za-z0-9_./-]+\\.md, (\"[^\"]+\"|'[^']+')"

# Every file of the tree, relative to root, NUL-separated: git's view when
# root is a work tree (tracked and untracked, minus ignored build output),
# otherwise everything but .git and meson build directories.
list_files() {
	local root=$1
	if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
		[[ "$(git -C "$root" rev-parse --show-toplevel)" == "$(cd "$root" && pwd -P)" ]]; then
		git -C "$root" ls-files -z --cached --others --exclude-standard
	else
		(cd "$root" && find . \( -name .git -o -type d -exec test -d '{}/meson-private' \; \) \
			-prune -o -type f -print0) | sed -z 's#^\./##'
	fi
}

# Whether `ref`, cited from `file` (both relative to root), is a file of the tree.
ref_exists() {
	local root=$1 file=$2 ref=$3
	[[ -f "$root/$ref" || -f "$root/$(dirname "$file")/$ref" ]]
}

ref_path() {
	local root=$1 file=$2 ref=$3
	if [[ -f "$root/$ref" ]]; then
		printf '%s\n' "$root/$ref"
	else
		printf '%s\n' "$root/$(dirname "$file")/$ref"
	fi
}

# Whether markdown file `md` has a heading (any level) reading exactly `title`.
has_heading() {
	local md=$1 title=$2 line
	while IFS= read -r line; do
		line=${line#"${line%%[!#]*}"}
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		[[ "$line" == "$title" ]] && return 0
	done < <(grep -E '^#{1,6}[[:space:]]' "$md")
	return 1
}

# Prints "FILE:LINE: reason" for each bad reference of one file; returns 1 if any.
check_file() {
	local root=$1 file=$2 lineno text ref title bad=0
	while IFS=: read -r lineno text; do
		echo "$file:$lineno: points outside the repository: $text"
		bad=1
	done < <(grep -InF -- "$OUTSIDE" "$root/$file")
	while IFS=: read -r lineno ref; do
		[[ "$ref" == //* || "$(basename "$ref")" == .md ]] && continue  # a URL, or a pattern
		[[ "$ref" == *"$OUTSIDE"* ]] && continue                       # reported above
		if ! ref_exists "$root" "$file" "$ref"; then
			echo "$file:$lineno: cites $ref, which is not in the repository"
			bad=1
		fi
	done < <(grep -InoE -- "$MD_TOKEN" "$root/$file")
	while IFS=: read -r lineno text; do
		ref=${text%%, *}
		title=${text#*, }
		title=${title:1:${#title}-2}
		ref_exists "$root" "$file" "$ref" || continue  # reported above
		if ! has_heading "$(ref_path "$root" "$file" "$ref")" "$title"; then
			echo "$file:$lineno: cites \"$title\" in $ref, which has no such heading"
			bad=1
		fi
	done < <(grep -InoE -- "$CITATION" "$root/$file")
	return "$bad"
}

check_tree() {
	local root=$1 file count=0 bad=0
	if [[ ! -d "$root" ]]; then
		echo "check_doc_refs: $root is not a directory" >&2
		return 2
	fi
	while IFS= read -r -d '' file; do
		[[ "$file" == "$SELF" || ! -f "$root/$file" ]] && continue
		count=$((count + 1))
		check_file "$root" "$file" || bad=1
	done < <(list_files "$root" | sort -z)
	if [[ $bad -ne 0 ]]; then
		echo "check_doc_refs: cite documents of this repository only (docs/, README.md files)," \
			"by file and by a heading they have" >&2
		return 1
	fi
	echo "check_doc_refs: $count files cite only documents of the repository"
	return 0
}

# A clean tree must pass; adding one bad file must fail and name every bad
# line of it (and nothing else). The tree is not a git work tree, so this
# also covers the find path, with a build directory that must be skipped.
self_test_in() {
	local tmp=$1 out rc expect fail=0
	mkdir -p "$tmp/docs" "$tmp/src" "$tmp/tools" "$tmp/build/meson-private"
	printf '# Guide\n\n## The heading\n\n### Deeper one\n' >"$tmp/docs/guide.md"
	printf 'notes\n' >"$tmp/src/README.md"
	cat >"$tmp/src/good.c" <<-'EOF'
		/* facts: docs/guide.md, 'The heading'; see also docs/guide.md, "Deeper one" */
		/* next to this file: README.md; a URL: https://example.org/elsewhere.md */
		/* a pattern, not a file: docs/*.md */
	EOF
	printf 'see docs/gone.md\n' >"$tmp/build/meson-private/stale.txt"
	out=$(check_tree "$tmp" 2>&1)
	rc=$?
	if [[ $rc -ne 0 ]]; then
		echo "self-test: a clean tree was rejected (rc $rc):"
		echo "$out"
		return 1
	fi

	{
		printf '/* line 1 is fine: docs/guide.md */\n'
		printf '/* see ../%s/qemu-facts.md section 1 */\n' "$OUTSIDE"
		printf '/* see docs/missing.md */\n'
		printf '/* per qemu-facts.md section 1.3 */\n'
		printf "/* docs/guide.md, 'No such heading' */\n"
		printf '/* the notes live in %s, not here */\n' "$OUTSIDE"
	} >"$tmp/tools/bad.sh"
	out=$(check_tree "$tmp" 2>&1)
	rc=$?
	if [[ $rc -ne 1 ]]; then
		echo "self-test: a tree with bad references gave rc $rc, expected 1:"
		echo "$out"
		return 1
	fi
	for expect in 2 3 4 5 6; do
		if ! grep -q "^tools/bad.sh:$expect:" <<<"$out"; then
			echo "self-test: bad.sh line $expect was not reported"
			fail=1
		fi
	done
	if grep -q "bad.sh:1:\|good.c:\|guide.md:\|stale.txt:" <<<"$out"; then
		echo "self-test: a good reference, or a build file, was reported"
		fail=1
	fi
	if [[ $fail -ne 0 ]]; then
		echo "$out"
		return 1
	fi
	echo "self-test: clean tree passes, all 5 bad references reported"
	return 0
}

# shellcheck source=tools/check_main.sh
. "$(dirname "$0")/check_main.sh"
check_main 11 "$@"
