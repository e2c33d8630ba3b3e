#!/bin/sh
# Runs each libFuzzer target for SECONDS, growing a working corpus in
# build/fuzz/corpus/NAME from the checked-in seeds in tests/fuzz/corpus/NAME.
# A crash, leak or sanitizer report stops that target; its input lands in
# build/fuzz/artifacts/NAME/ (check it in under tests/fuzz/corpus/NAME/
# once fixed, so `make test` replays it for good).
# usage: scripts/fuzz.sh SECONDS FUZZER...
set -u

secs=$1
shift
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz-}
	work=build/fuzz/corpus/$name
	arts=build/fuzz/artifacts/$name
	log=build/fuzz/$name.log
	mkdir -p "$work" "$arts"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix="$arts/" \
	    "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		printf 'fuzz %-16s %10s execs  %s  ok\n' "$name" "${execs:-?}" "$cov"
	else
		failed=$((failed + 1))
		printf 'fuzz %-16s %10s execs  %s  FAILED (exit %d), see %s\n' \
		    "$name" "${execs:-?}" "$cov" "$rc" "$log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" |
		    head -5 | sed 's/^/    /'
	fi
done
[ "$failed" -eq 0 ]
