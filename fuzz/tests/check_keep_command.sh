#!/bin/sh
# The command fuzz_kext_suite.sh prints on a crash keeps that crash as a
# regression test, run as printed: in mode run (the crash as base64 in the
# command, as CI's log shows it) and in mode each (a corpus file).
#   check_keep_command.sh SUITE REPLAY CRASH TARGET-OPTIONS...
# REPLAY is fuzz_kext_replay; CRASH crashes the kext of TARGET-OPTIONS.
# For mode run, a stand-in for libFuzzer (no clang build needed) writes
# CRASH as the run's artifact and fails; anything else goes to REPLAY.
# DRVBENCH names drvbench; kept files go to a scratch directory.
set -u
suite=$1 replay=$2 crash=$3
shift 3
case $replay in /*) ;; *) replay=$(pwd)/$replay ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DRVBENCH_REGRESSIONS="$work/kept"
cat >"$work/fake-libfuzzer" <<EOF
#!/bin/sh
for a in "\$@"; do
	case \$a in -artifact_prefix=*)
		cp "$crash" "\${a#-artifact_prefix=}crash-planted" && echo "fuzz: planted crash"
		exit 1 ;;
	esac
done
exec "$replay" "\$@"
EOF
chmod +x "$work/fake-libfuzzer"
mkdir -p "$work/corpus/uc_struct"
cp "$crash" "$work/corpus/uc_struct/crashes-alone"
failed=0

# usage: check MODE BIN CORPUS TARGET-OPTIONS...
check() {
	mode=$1 bin=$2 corp=$3
	shift 3
	rm -rf "$DRVBENCH_REGRESSIONS" "$work/cwd" && mkdir "$work/cwd"
	if "$suite" "$mode" struct "$bin" "$corp" 10 - "$@" >"$work/log" 2>&1; then
		echo "FAIL $mode: the suite passed on a crashing input"
		failed=1
		return
	fi
	cmd=$(sed -n 's/^keep it as a regression test with: //p' "$work/log" | head -n 1)
	if [ -z "$cmd" ]; then
		cat "$work/log"
		echo "FAIL $mode: no keep command printed"
		failed=1
		return
	fi
	if ! (cd "$work/cwd" && sh -c "$cmd") >"$work/keep" 2>&1; then
		cat "$work/keep"
		echo "FAIL $mode: the printed command failed: $cmd"
		failed=1
		return
	fi
	kept=$(find "$DRVBENCH_REGRESSIONS" -type f ! -name '*.reason' | head -n 1)
	if [ -z "$kept" ] || ! cmp -s "$kept" "$crash" || [ ! -s "$kept.reason" ]; then
		cat "$work/keep"
		echo "FAIL $mode: the crash was not kept with its reason under $DRVBENCH_REGRESSIONS"
		failed=1
		return
	fi
	echo "ok $mode: kept as ${kept#"$DRVBENCH_REGRESSIONS"/}: $(cat "$kept.reason")"
}

check run "$work/fake-libfuzzer" - "$@"
check each "$replay" "$work/corpus" "$@"
exit $failed
