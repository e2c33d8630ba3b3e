# tests/e2e/langrt-lib.sh - sourced after lib.sh by the tests of functions
# run with the host's interpreter (t5011 Python, t5012 Node): task roots
# under the test's directory, dummy credentials, $EVENT an S3 event.

export TMPDIR=$TMP
export AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local-secret-0000 AWS_REGION=us-east-1
EVENT=$SRC_DIR/examples/events/s3-put.json

# check_warm FN EVENT: two invokes of FN (whose answer carries "pid" and a
# module-level "calls" count) through one serve: one process, state kept.
check_warm() {
	start_serve "$1"
	lc --endpoint-url "$URL" invoke "$1" --payload "$(cat "$2")"
	cp "$OUT" "$TMP/warm-first.json"
	lc --endpoint-url "$URL" invoke "$1" --payload "$(cat "$2")"
	check_status 0 "serve: the second invoke answers"
	check "serve: the same process answers both" \
		test "$(jq .pid "$TMP/warm-first.json")" = "$(jq .pid "$OUT")"
	check "serve: module-level state survives (calls 1 then 2)" \
		test "$(jq .calls "$TMP/warm-first.json"),$(jq .calls "$OUT")" = "1,2"
	stop_serve
	check "serve: exits 0" test "$serve_status" -eq 0
	check "serve: one cold start" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1
}

# check_no_interpreter PROG ENV_NAME HINT FN: with a PATH without PROG
# and ENV_NAME unset, invoking FN exits 3 with one line naming HINT.
check_no_interpreter() {
	mkdir -p "$TMP/no-$1"
	for t in jq sh; do ln -sf "$(command -v $t)" "$TMP/no-$1/$t"; done
	PATH=$TMP/no-$1:$TMP/bin lc invoke --local "$4"
	check_status 3 "no $1: exit 3"
	check_err_eq "lambdactl: $4: no '$1' on PATH: $3 (or set $2)" "one line says what to install"
}

# check_timeout FN LOG_RE: FN (timeout 1 s) runs past it: Sandbox.Timedout
# at about 1 s, LOG_RE (what it printed first) in the log, nothing left.
check_timeout() {
	local start elapsed
	start=$(date +%s%N)
	lc invoke --local "$1" --log
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	check_status 4 "a timeout is a function error"
	check "Sandbox.Timedout" jq -e '.errorType == "Sandbox.Timedout"' "$OUT"
	check "stopped at about its 1 s timeout (${elapsed} ms)" test "$elapsed" -lt 5000
	check_err_has "$2" "what it printed before is in the log"
	# The runtime loop's path, in its command line, is under the cache.
	check "no process of it is left" sh -c '! pgrep -f "$0/.cache/lambdactl/" >/dev/null' "$HOME"
}
