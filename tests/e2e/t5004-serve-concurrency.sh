#!/bin/bash
# serve --concurrency: concurrent requests to one function queue for one
# bootstrap by default, and run side by side with --concurrency 2.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
export TMPDIR=$TMP
export AWS_ACCESS_KEY_ID=AKIDSERVE AWS_SECRET_ACCESS_KEY=serve-secret-0000 AWS_REGION=us-east-1
bootstrap nap 'sleep 1
	curl -sS -o /dev/null -X POST --data-binary @$EVENT "$api/invocation/$ID/response"'
printf 'role: lambda-exec\nruntime: provided.al2023\nfunctions:\n  nap: { artifact: task/nap }\n' >lambda.yml

# two_at_once: two invokes started together; sets took_ms and both_ok.
two_at_once() {
	local t0 p1 p2 r1 r2
	t0=$(date +%s%N)
	"$LAMBDACTL" --endpoint-url "$URL" invoke nap --payload '{"n": 1}' >o1 2>/dev/null &
	p1=$!
	"$LAMBDACTL" --endpoint-url "$URL" invoke nap --payload '{"n": 2}' >o2 2>/dev/null &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	took_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	both_ok=0
	[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$(cat o1)" = '{"n": 1}' ] && [ "$(cat o2)" = '{"n": 2}' ] && both_ok=1
}

for conc in 1 2; do
	start_serve --concurrency "$conc"
	# Warm the first bootstrap, so that only the overlap is measured.
	"$LAMBDACTL" --endpoint-url "$URL" invoke nap >/dev/null 2>&1
	two_at_once
	check "--concurrency $conc: both concurrent invokes answer correctly" test "$both_ok" -eq 1
	if [ "$conc" -eq 1 ]; then
		check "--concurrency 1: the second invoke waits for the first (took ${took_ms} ms)" test "$took_ms" -ge 1900
		check "--concurrency 1: one bootstrap served all" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1
	else
		check "--concurrency 2: the invokes run side by side (took ${took_ms} ms)" test "$took_ms" -lt 1800
		check "--concurrency 2: a second bootstrap was started" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 2
	fi
	stop_serve
	check "--concurrency $conc: serve exits 0" test "$serve_status" -eq 0
done

finish
