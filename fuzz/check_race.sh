#!/bin/sh
# A combined input (-target=both) replays a race between a client's call
# and a device event the same way every time: two replays with
# FUZZ_UC_TRACE=1 print the same trace, and it holds EXPECT (the call's
# answer that shows the event landed inside it).
#   check_race.sh EXPECT REPLAY-BINARY OPTIONS... INPUT
expect=$1
shift
if ! a=$(FUZZ_UC_TRACE=1 "$@" 2>&1); then
	echo "$a" | tail -n 20
	echo "FAIL: the input crashes the driver"
	exit 1
fi
b=$(FUZZ_UC_TRACE=1 "$@" 2>&1)
if [ "$a" != "$b" ]; then
	printf '%s\n---- second replay ----\n%s\n' "$a" "$b"
	echo "FAIL: two replays of one input differ"
	exit 1
fi
if ! echo "$a" | grep -qF -- "$expect"; then
	echo "$a"
	echo "FAIL: '$expect' not in the trace: the event no longer lands inside the call"
	exit 1
fi
echo "ok: the same twice: $(echo "$a" | grep -F -- "$expect")"
