#!/bin/sh
# Runs test programs (cmocka binaries, e2e scripts), each of which speaks
# TAP ("ok N - name" / "not ok N - name"), and ends with the summary line
# "N passed, N failed".  A program that exits non-zero without reporting a
# failure, or that reports nothing at all, counts as one failure.
set -u

: "${TEST_TIMEOUT:=600}"
logdir=${TEST_LOGDIR:-build/test-logs}
mkdir -p "$logdir"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

passed=0
failed=0
for t in "$@"; do
	name=$(basename "$t")
	log="$logdir/$name.log"
	start=$(date +%s)
	case "$t" in
	*.sh) timeout "$TEST_TIMEOUT" bash "$t" >"$log" 2>&1 ;;
	*) timeout "$TEST_TIMEOUT" "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(( $(date +%s) - start ))
	ok=$(grep -c '^ok ' "$log")
	nok=$(grep -c '^not ok ' "$log")
	extra=
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
		extra=" (exit status $rc)"
	elif [ "$ok" -eq 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
		extra=" (ran no test)"
	fi
	passed=$((passed + ok))
	failed=$((failed + nok))
	if [ "$nok" -eq 0 ]; then
		printf 'PASS %-40s %4d ok  %3ds\n' "$name" "$ok" "$secs"
	else
		printf 'FAIL %-40s %4d ok %3d failed%s  %3ds\n' "$name" "$ok" "$nok" "$extra" "$secs"
		grep -E -A12 '^not ok ' "$log" | head -60 | sed 's/^/    /'
		[ -n "$extra" ] && tail -20 "$log" | sed 's/^/    /'
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
