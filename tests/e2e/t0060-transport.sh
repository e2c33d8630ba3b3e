#!/bin/bash
# The transport, through whoami against tests/e2e/stub.py: a response with
# a folded header line after a 500 (libcurl 7.88's use-after-free on a
# reused handle), keep-alive across requests, the total request deadline
# against a trickling server, and the response size bound.
. "$(dirname "$0")/lib.sh"
use_env_creds

sts_ok='<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDSTUB</UserId><Account>210987654321</Account><Arn>arn:aws:iam::210987654321:user/stub</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>'
n_req() { wc -l <"$STUB_LOG"; }
conns() { jq -r .conn "$STUB_LOG" | sort -u | wc -l; }

# 500, then a response whose first header line is folded: once a crash
# (heap-use-after-free under ASan) on the handle reused by the retry.
jq -n --arg ok "$sts_ok" '[{status: 500, body: ""},
	{raw: ("HTTP/1.1 200 OK\r\n\tX-Folded: a\r\nContent-Length: \($ok | length)\r\n\r\n" + $ok)}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
timeout 60 "$LAMBDACTL" --endpoint-url "$STUB_URL" whoami >"$OUT" 2>"$ERR" </dev/null
status=$?
check_status 1 "500 then a folded header line: a clean failure, no crash"
check_err_lacks "AddressSanitizer|runtime error" "no sanitizer report"
check_err_eq "lambdactl: GetCallerIdentity: POST $STUB_URL/: malformed response header" \
	"the malformed header is named, with the operation and URL"
check "all three attempts were made (500, folded, folded)" test "$(n_req)" -eq 3
stop_stub

# Keep-alive: a fresh handle per request still reuses the connection.
jq -n --arg ok "$sts_ok" '[{status: 500, body: ""}, {status: 503, body: ""}, {status: 200, body: $ok}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" --debug -o json whoami
check_status 0 "two 5xx then success"
check "three requests over one TCP connection" test "$(n_req) $(conns)" = "3 1"
check "--debug says the connection was reused" test "$(grep -c 'connection reused' "$ERR")" -eq 2
stop_stub

# A server trickling a byte every 0.5 s beats --read-timeout; the total
# deadline ends each attempt.
jq -n --arg ok "$sts_ok" '[{status: 200, body: $ok, trickle: 0.5}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
t0=$(date +%s)
lc --endpoint-url "$STUB_URL" --read-timeout 2 --request-timeout 2 whoami
elapsed=$(( $(date +%s) - t0 ))
check_status 1 "a trickling server fails under --request-timeout 2"
check_err_eq "lambdactl: GetCallerIdentity: POST $STUB_URL/: no complete response within 2 s (request timeout)" \
	"the message names the URL and the bound"
check "three attempts of about 2 s each (took ${elapsed}s)" test "$elapsed" -ge 5 -a "$elapsed" -le 15
stop_stub
lc --request-timeout 0 whoami
check_status 2 "--request-timeout 0 is a usage error"
check_err_eq "lambdactl: option '--request-timeout' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not '0'" \
	"--request-timeout is checked like the other timeouts"

# The response size bound (64 MiB by default): a bigger body, streamed
# without Content-Length, is cut and not retried (t4010 measures memory).
jq -n '[{status: 200, size: 80000000, chunked: true}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" whoami
check_status 1 "an 80 MB answer to GetCallerIdentity fails"
check_err_eq "lambdactl: GetCallerIdentity: POST $STUB_URL/: response larger than 67108864 bytes (the most accepted for this call)" \
	"the message names the bound"
check "it was not retried" test "$(n_req)" -eq 1
stop_stub
jq -n '[{status: 200, size: 80000000}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" whoami
check_err_eq "lambdactl: GetCallerIdentity: POST $STUB_URL/: response larger than 67108864 bytes (the most accepted for this call)" \
	"a Content-Length over the bound is refused the same way"
stop_stub

finish
