#!/bin/bash
# invoke's transport against tests/e2e/stub.py: a server that closes each
# keep-alive connection (with a reset, the request unread) is answered by
# sending on a fresh connection, each invoke reaching it exactly once;
# keep-alive otherwise; Lambda's 6 MiB response bound with bounded memory.
# (A connection dropped after the server read the request is never resent:
# t4002.)
. "$(dirname "$0")/lib.sh"
use_env_creds

provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<'YML'
  f: { timeout: 3 }
YML
stub() {
	stop_stub
	jq -n --argjson s "$1" '{routes: [{method: "POST", path: "/invocations(\\?|$)", responses: $s}]}' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}
n_inv() { jq -s '[.[] | select(.method == "POST")] | length' "$STUB_LOG"; }
conns() { jq -r .conn "$STUB_LOG" | sort -u | wc -l; }
li() { lc --endpoint-url "$STUB_URL" "$@"; }

# The server resets each connection 0.3 s after answering: the next invoke
# finds it dead before the server read any of it.
stub '[{"echo": true, "reset_after": 0.3}]'
li invoke f --repeat 8 --payload '{"n": 1}'
check_status 0 "--repeat 8 through a server closing each connection: exit 0"
check_out_has '^8 invocations, 0 errors, ' "all 8 invokes succeed"
check "each invoke reached the server exactly once (8 Invokes logged)" test "$(n_inv)" -eq 8
check "each on its own connection" test "$(conns)" -eq 8
stub '[{"echo": true, "reset_after": 0.3}]'
li invoke f --repeat 4 --concurrency 2 --payload '{"n": 2}'
check_out_has '^4 invocations, 0 errors, ' "with --concurrency 2 too"
check "4 Invokes logged" test "$(n_inv)" -eq 4

# A reused connection reset a while after the server read the request (a
# middlebox giving up on a request under way): never resent.
stub '[{"echo": true}, {"delay": 1.5, "drop": true, "reset": true}, {"echo": true}]'
li invoke f --repeat 2 --payload '{"n": 4}'
check_out_has '^2 invocations, 1 errors, ' "a reset 1.5 s after the request was read: counted as an error"
check "not resent: two Invokes, on one connection" test "$(n_inv) $(conns)" = "2 1"
check_err_eq "lambdactl: first error: Invoke: POST $STUB_URL/2015-03-31/functions/f/invocations: the connection closed before any response (not resent: the request may have reached the server)" \
	"the error says why it was not resent"

# Keep-alive still holds when the server keeps the connection.
stub '[{"echo": true}]'
li invoke f --repeat 6 --payload '{"n": 3}'
check_out_has '^6 invocations, 0 errors, ' "a keep-alive server: all succeed"
check "6 Invokes over one connection" test "$(n_inv) $(conns)" = "6 1"

# Lambda's response bound: 6 MiB.  Bigger answers are cut early, whether
# announced by Content-Length or streamed, and memory stays bounded.
bound() { echo "lambdactl: Invoke: POST $STUB_URL/2015-03-31/functions/f/invocations: response larger than 6291456 bytes (the most accepted for this call)"; }
stub '[{"size": 300000000, "chunked": true}]'
/usr/bin/time -f %M -o "$TMP/rss" timeout 60 "$LAMBDACTL" --endpoint-url "$STUB_URL" invoke f >"$OUT" 2>"$ERR" </dev/null
status=$?
check_status 1 "a 300 MB streamed response: exit 1"
check_err_eq "$(bound)" "the error names the bound"
check_out_eq "" "nothing on stdout"
rss=$(tail -1 "$TMP/rss")
check "max RSS stayed under 200 MB (${rss} KB)" test "$rss" -lt 200000
check "invoked once" test "$(n_inv)" -eq 1
stub '[{"size": 6291457}]'
li invoke f
check_err_eq "$(bound)" "6 MiB + 1 byte with Content-Length: refused"
stub '[{"size": 6291456}]'
li invoke f --out big.out
check_status 0 "exactly 6 MiB: accepted"
check "all of it written" test "$(stat -c %s big.out)" -eq 6291456

# The total deadline: an --event invoke has --request-timeout's, however
# slowly the server trickles its answer.
stub '[{"status": 202, "body": "{\"queued\": true}", "trickle": 0.5, "headers": {"x-amzn-RequestId": "r1"}}]'
t0=$(date +%s)
li --read-timeout 2 --request-timeout 2 invoke f --event
elapsed=$(( $(date +%s) - t0 ))
check_status 1 "--event through a trickling server: exit 1"
check_err_eq "lambdactl: Invoke: POST $STUB_URL/2015-03-31/functions/f/invocations: no complete response within 2 s (request timeout)" \
	"the error names the URL and the bound"
check "each attempt ended after about 2 s (took ${elapsed}s for $(n_inv))" \
	test "$elapsed" -le $(( 3 * $(n_inv) + 6 ))

finish
