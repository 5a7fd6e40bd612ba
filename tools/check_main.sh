# Sourced by the tools/check_*.sh scripts: the command line they share.
# The sourcing script defines self_test_in TMPDIR and check_tree ROOT ARGS...,
# then calls check_main HELP_LAST_LINE "$@":
#   --self-test    self_test_in a fresh temp dir, removed afterwards
#   -h, --help     the script's header comment, lines 2..HELP_LAST_LINE
#   (nothing)      check_tree on the repository the script lives in
#   ARGS...        check_tree ARGS...
check_main() {
	local help_last=$1 tmp rc
	shift
	case "${1:-}" in
	--self-test)
		tmp=$(mktemp -d) || exit 2
		self_test_in "$tmp"
		rc=$?
		rm -rf "$tmp"
		exit "$rc"
		;;
	-h | --help)
		sed -n "2,${help_last}p" "$0"
		exit 0
		;;
	"")
		check_tree "$(cd "$(dirname "$0")/.." && pwd)"
		exit $?
		;;
	*)
		check_tree "$@"
		exit $?
		;;
	esac
}
