#!/bin/bash
# invoke against tests/e2e/stub.py scripting the Lambda Invoke API: the
# exact request (body echoed back, X-Amz-Invocation-Type, X-Amz-Log-Type
# only with --log, X-Amz-Client-Context, the qualifier in the query or the
# path); function errors (exit 4, body still on stdout); --log, its JSON
# pointer form and the retry without Tail; API errors; which failures are
# retried (throttling always, a synchronous invoke never otherwise, an
# --event invoke yes); and the read timeout following the function's own.
. "$(dirname "$0")/lib.sh"
use_env_creds

provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<'YML'
  f: { timeout: 3 }
  slow: { timeout: 1 }
YML
ACCT=123456789012
ARN=arn:aws:lambda:us-east-1:$ACCT:function
RID=8f5e2c1a-3b4d-4e6f-9a0b-1c2d3e4f5a6b
INV=/2015-03-31/functions/f/invocations
printf '{\n  "id": 42,\n  "name": "caf\xc3\xa9 \xe2\x98\x95",\n  "escaped": "\\u00e9\\t\\"q\\"",\n  "list": [1, 2.5, -3e2, true, false, null, [], {}]\n}\n' >event.json

# stub STEPS_JSON [GET_STEPS_JSON]: a fresh stub answering Invoke (POST
# .../invocations) with STEPS in turn, the last repeating, and GetFunction
# (GET) with GET_STEPS (by default 404: unknown function).
GF404='[{"status": 404, "headers": {"x-amzn-ErrorType": "ResourceNotFoundException"}, "body": {"Type": "User", "Message": "Function not found"}}]'
stub() {
	stop_stub
	jq -n --argjson s "$1" --argjson g "${2:-$GF404}" \
		'{routes: [{method: "POST", path: "/invocations(\\?|$)", responses: $s},
		           {method: "GET", path: "^/2015-03-31/functions/", responses: $g}]}' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}
li() { lc --endpoint-url "$STUB_URL" "$@"; }
# timed_li ARGS...: li, setting $elapsed_ms.
timed_li() {
	local t0
	t0=$(date +%s%N)
	li "$@"
	elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
}
# The stub's log: the number of Invoke requests, of all requests, the
# requests in order, the last Invoke.
n_inv() { jq -s '[.[] | select(.method == "POST")] | length' "$STUB_LOG"; }
n_req() { wc -l <"$STUB_LOG"; }
seq_req() { jq -r '"\(.method) \(.path)"' "$STUB_LOG" | tr '\n' ';'; }
last_inv() { jq -s -c '[.[] | select(.method == "POST")] | last' "$STUB_LOG"; }
# hdr NAME [N]: header NAME (any case) of Invoke request N (from 0; by
# default -1, the last one), or "<absent>".
hdr() {
	jq -s -r --arg n "$(printf %s "$1" | tr A-Z a-z)" --argjson i "${2:--1}" \
		'[.[] | select(.method == "POST")][$i].headers | to_entries | map(select(.key | ascii_downcase == $n)) | .[0].value // "<absent>"' "$STUB_LOG"
}
inv_field() { last_inv | jq -r ".$1"; }

ECHO='[{"echo": true, "headers": {"x-amzn-RequestId": "'$RID'", "X-Amz-Executed-Version": "7", "Content-Type": "application/json"}}]'

# ---- What is sent ----
stub "$ECHO"
li invoke f --payload event.json
check_status 0 "echo: exit 0"
check "echo: the response is the payload file, byte for byte (the stub echoes the request body)" cmp "$OUT" event.json
check "the body arrived whole: body_len is the file's size" test "$(inv_field body_len)" -eq "$(stat -c %s event.json)"
check "one request only, the Invoke: POST $INV (f is in lambda.yml: no GetFunction)" test "$(seq_req)" = "POST $INV;"
check "no query string without a qualifier" test "$(inv_field query)" = ""
check "X-Amz-Invocation-Type: RequestResponse" test "$(hdr X-Amz-Invocation-Type)" = RequestResponse
check "no X-Amz-Log-Type without --log" test "$(hdr X-Amz-Log-Type)" = "<absent>"
check "no X-Amz-Client-Context without --client-context" test "$(hdr X-Amz-Client-Context)" = "<absent>"
check "Content-Type: application/json" test "$(hdr Content-Type)" = application/json
check "signed for lambda in us-east-1, X-Amz-Invocation-Type among the signed headers" \
	sh -c 'printf "%s" "$1" | grep -Eq "^AWS4-HMAC-SHA256 Credential=AKIDLAMBDACTLTEST/[0-9]{8}/us-east-1/lambda/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-invocation-type[a-z0-9;-]*, Signature=[0-9a-f]{64}$"' _ "$(hdr Authorization)"

li invoke f -v --payload '{"v": 1}'
check_status 0 "-v: exit 0"
check_out_eq '{"v": 1}' "-v: the response on stdout"
check_err_eq "lambdactl: f: status 200, version 7, request id $RID" "-v: status, X-Amz-Executed-Version and x-amzn-RequestId on stderr"

li invoke f --event --payload '{"e": 1}'
check_status 0 "--event: exit 0"
check "--event: X-Amz-Invocation-Type: Event" test "$(hdr X-Amz-Invocation-Type)" = Event
check_out_eq "$RID" "--event: the request ID (x-amzn-RequestId) on stdout"

li invoke f --dry-run
check "--dry-run: X-Amz-Invocation-Type: DryRun" test "$(hdr X-Amz-Invocation-Type)" = DryRun

li invoke f --log --payload '{"l": 1}'
check_status 0 "--log: exit 0"
check "--log: X-Amz-Log-Type: Tail" test "$(hdr X-Amz-Log-Type)" = Tail
li invoke f --log --event --payload '{"l": 2}'
check "--log --event: no X-Amz-Log-Type (an async invoke has no log to return)" test "$(hdr X-Amz-Log-Type)" = "<absent>"
check "--log --event: still an Event invoke" test "$(hdr X-Amz-Invocation-Type)" = Event

cc='{"custom": {"user": "j\u00fcrgen", "tz": "Europe/Berlin"}, "env": {"locale": "de_DE"}}'
li invoke f --client-context "$cc" --payload '{}'
check_status 0 "--client-context: exit 0"
check "X-Amz-Client-Context is the base64 of the JSON given" test "$(hdr X-Amz-Client-Context)" = "$(printf %s "$cc" | base64 -w0)"
check "X-Amz-Client-Context decodes back to the exact text" test "$(hdr X-Amz-Client-Context | base64 -d)" = "$cc"
n=$(n_req)
li invoke f --client-context '{"custom": ' --payload '{}'
check_status 3 "an invalid --client-context: exit 3"
check "an invalid --client-context: nothing sent" test "$(n_req)" -eq "$n"

li invoke f --qualifier live --payload '{"q": 1}'
check_status 0 "--qualifier live: exit 0"
check "--qualifier live: Qualifier=live in the query" test "$(inv_field query)" = "Qualifier=live"
check "--qualifier live: the path is the function's" test "$(inv_field path)" = "$INV?Qualifier=live"
li invoke f --qualifier '$LATEST'
check "--qualifier \$LATEST: percent-encoded in the query" test "$(inv_field query)" = "Qualifier=%24LATEST"
li invoke f:live --payload '{"q": 2}'
check_status 0 "f:live: exit 0"
check "f:live: the path holds f%3Alive, no query" test "$(inv_field path)" = "/2015-03-31/functions/f%3Alive/invocations"
check "f:live: the echo came back" test "$(cat "$OUT")" = '{"q": 2}'

stub "$ECHO"
li invoke "$ARN:f" --payload '{"a": 1}'
check_status 0 "an ARN: exit 0"
check "an ARN not in lambda.yml: GetFunction for its timeout, then Invoke, the ARN percent-encoded" \
	test "$(seq_req)" = "GET /2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A$ACCT%3Afunction%3Af;POST /2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A$ACCT%3Afunction%3Af/invocations;"
stub "$ECHO"
li invoke other --payload '{"o": 1}'
check_status 0 "a function not in lambda.yml whose GetFunction fails (404) is still invoked"
check "not in lambda.yml: GET then POST" \
	test "$(seq_req)" = "GET /2015-03-31/functions/other;POST /2015-03-31/functions/other/invocations;"

# ---- Function errors: exit 4, the body still on stdout ----
UNH='{"errorType":"Runtime.ExitError","errorMessage":"exit status 1"}'
stub '[{"headers": {"X-Amz-Function-Error": "Unhandled", "x-amzn-RequestId": "'$RID'"}, "body": '"$(jq -Rn --arg b "$UNH" '$b')"'}]'
li invoke f --payload '{"day": 1}'
check_status 4 "Unhandled function error: exit 4"
check_err_eq "lambdactl: f: function error (Unhandled): Runtime.ExitError: exit status 1" \
	"Unhandled: stderr names the function, Unhandled, errorType and errorMessage"
check_out_eq "$UNH" "Unhandled: the error body on stdout, as received"
check "Unhandled: invoked once (a function error is not retried)" test "$(n_inv)" -eq 1
li invoke f --out err.json
check_status 4 "Unhandled with --out: exit 4"
check "Unhandled with --out: the error body in the file" test "$(cat err.json)" = "$UNH"
check_out_eq "" "Unhandled with --out: nothing on stdout"
li -o json invoke f
check_status 4 "-o json, Unhandled: exit 4"
check "-o json, Unhandled: the result object has function_error and the parsed payload" \
	jq -e -s '.[0].status_code == 200 and .[0].function_error == "Unhandled" and .[0].payload.errorType == "Runtime.ExitError" and .[0].request_id == "'$RID'"' "$OUT"
check "-o json, Unhandled: stdout is one JSON object (lambdactl-invoke(1): \"the result is one object\")" \
	jq -e -s 'length == 1' "$OUT"
stub '[{"headers": {"X-Amz-Function-Error": "Unhandled"}, "body": '"$(jq -Rn --arg b "$UNH" '$b')"'}]'
li invoke f --repeat 5 --concurrency 2
check_status 1 "--repeat with function errors: exit 1"
check_out_has '^5 invocations, 5 errors, concurrency 2, ' "--repeat: function errors are counted as errors"
check_err_eq "lambdactl: first error: function error (Unhandled)" "--repeat: the first error is shown"
check "--repeat: 5 invokes, none retried" test "$(n_inv)" -eq 5

HND='{"errorType":"ValueError","errorMessage":"bad day: 2026-11-31","stackTrace":["  File \"/var/task/handler.py\", line 3, in main\n"]}'
stub '[{"headers": {"X-Amz-Function-Error": "Handled"}, "body": '"$(jq -Rn --arg b "$HND" '$b')"'}]'
li invoke f
check_status 4 "Handled function error: exit 4"
check_err_eq "lambdactl: f: function error (Handled): ValueError: bad day: 2026-11-31" "Handled: stderr names Handled, errorType and errorMessage"
check_out_eq "$HND" "Handled: the error body on stdout"
stub '[{"headers": {"X-Amz-Function-Error": "Unhandled"}, "body": "{\"errorMessage\":\"2026-11-22T10:00:03Z 8f5e2c1a Task timed out after 3.00 seconds\"}"}]'
li invoke f
check_status 4 "a timeout error with only errorMessage: exit 4"
check_err_eq "lambdactl: f: function error (Unhandled): 2026-11-22T10:00:03Z 8f5e2c1a Task timed out after 3.00 seconds" \
	"only errorMessage: it is shown alone"
stub '[{"headers": {"X-Amz-Function-Error": "Unhandled"}, "body": "not json"}]'
li invoke f
check_status 4 "a function error whose body is not JSON: exit 4"
check_err_eq "lambdactl: f: function error (Unhandled)" "a body that is not JSON: just the kind of error"
check_out_eq "not json" "a body that is not JSON: still on stdout"

# ---- --log ----
printf 'START RequestId: %s Version: $LATEST\nhello from f\nEND RequestId: %s\nREPORT RequestId: %s\tDuration: 2.51 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 31 MB\t\n' \
	"$RID" "$RID" "$RID" >tail.txt
B64=$(base64 -w0 <tail.txt)
stub '[{"echo": true, "headers": {"X-Amz-Log-Result": "'"$B64"'", "x-amzn-RequestId": "'$RID'"}}]'
li invoke f --log --payload '{"g": 1}'
check_status 0 "--log: exit 0"
check_out_eq '{"g": 1}' "--log: the response on stdout"
check "--log: stderr is the decoded X-Amz-Log-Result, exactly" cmp "$ERR" tail.txt
li invoke f --payload '{"g": 2}'
check_err_eq "" "without --log, a X-Amz-Log-Result is not printed"
li -o json invoke f --log --payload '{"g": 3}'
check_status 0 "-o json --log: exit 0"
check "-o json --log: log_tail is the decoded log" jq -e --rawfile t tail.txt '.log_tail == $t and .payload == {"g": 3}' "$OUT"
check_err_eq "" "-o json --log: nothing on stderr"

stub '[{"headers": {"X-Amz-Function-Error": "Unhandled", "X-Amz-Log-Result": "'"$B64"'"}, "body": '"$(jq -Rn --arg b "$UNH" '$b')"'}]'
li invoke f --log
check_status 4 "--log with a function error: exit 4"
check "--log with a function error: the log, then the error line" \
	test "$(cat "$ERR")" = "$(cat tail.txt; echo "lambdactl: f: function error (Unhandled): Runtime.ExitError: exit status 1")"

PTR='{"logGroupName":"/aws/lambda/f","logStreamName":"2026/11/22/[$LATEST]0123456789abcdef"}'
stub '[{"echo": true, "headers": {"X-Amz-Log-Result": "'"$(printf %s "$PTR" | base64 -w0)"'"}}]'
li invoke f --log --payload '{"p": 1}'
check_status 0 "--log, a LogResult pointing elsewhere: exit 0"
check_err_eq "lambdactl: f: the log is in group '/aws/lambda/f', stream '2026/11/22/[\$LATEST]0123456789abcdef' (lambdactl logs f)" \
	"--log, a {logGroupName, logStreamName} LogResult: the group and stream are named"
check_out_eq '{"p": 1}' "--log, a LogResult pointing elsewhere: the response on stdout"

# The function refuses Tail: one more invoke without it, with a warning.
TAIL400='{"status": 400, "headers": {"x-amzn-ErrorType": "InvalidParameterValueException"}, "body": {"Type": "User", "message": "LogType Tail is not supported for this function"}}'
stub "[$TAIL400, {\"echo\": true}]"
li invoke f --log --payload event.json
check_status 0 "Tail refused: the invoke succeeds without it"
check "Tail refused: the response is the payload" cmp "$OUT" event.json
check_err_has '^lambdactl: (warning: )?f: the function does not return its log \(Invoke: InvalidParameterValueException: LogType Tail is not supported for this function\); invoking without --log$' \
	"Tail refused: a warning naming the function and Lambda's reason"
check "Tail refused: two invokes" test "$(n_inv)" -eq 2
check "Tail refused: the first asked for Tail, the second did not" \
	test "$(hdr X-Amz-Log-Type 0) $(hdr X-Amz-Log-Type 1)" = "Tail <absent>"
check "Tail refused: the same body both times" test "$(jq -s -c '[.[] | .body_len]' "$STUB_LOG")" = "[$(stat -c %s event.json),$(stat -c %s event.json)]"
stub "[$TAIL400]"
li invoke f --log
check_status 1 "Tail refused, then the retry refused too: exit 1"
check "Tail refused twice: no third invoke" test "$(n_inv)" -eq 2
stub "[$TAIL400, {\"echo\": true}]"
li invoke f
check_status 1 "the same 400 without --log: exit 1"
check "the same 400 without --log: not retried" test "$(n_inv)" -eq 1
stub '[{"status": 400, "headers": {"x-amzn-ErrorType": "InvalidParameterValueException"}, "body": {"Type": "User", "message": "Invalid qualifier"}}, {"echo": true}]'
li invoke f --log
check_status 1 "another InvalidParameterValueException with --log: exit 1"
check_err_eq "lambdactl: Invoke: InvalidParameterValueException: Invalid qualifier" "another 400: Lambda's error, one line"
check "another 400 with --log: not retried" test "$(n_inv)" -eq 1

# ---- API errors and retries ----
stub '[{"status": 404, "headers": {"x-amzn-ErrorType": "ResourceNotFoundException", "x-amzn-RequestId": "'$RID'"}, "body": {"Type": "User", "Message": "Function not found: '"$ARN"':f"}}]'
li invoke f
check_status 1 "404 ResourceNotFoundException: exit 1"
check_err_eq "lambdactl: Invoke: ResourceNotFoundException: Function not found: $ARN:f" "404: the error code and Lambda's message"
check_out_eq "" "404: nothing on stdout"
check "404: not retried" test "$(n_inv)" -eq 1
li -o json invoke f
check_status 1 "-o json 404: exit 1"
check "-o json 404: one error object with status 1" \
	jq -e -s 'length == 1 and .[0].error.status == 1 and (.[0].error.message | startswith("Invoke: ResourceNotFoundException: Function not found"))' "$OUT"
check "-o json 404: the error names AWS's code for scripts" \
	jq -e '.error.code == "ResourceNotFoundException"' "$OUT"
li -o json invoke
check "-o json usage error: no AWS code in it" \
	jq -e '.error.status == 2 and (.error | has("code") | not)' "$OUT"

stub '[{"status": 500, "headers": {"x-amzn-ErrorType": "ServiceException"}, "body": {"Type": "Service", "Message": "internal failure"}}, {"echo": true}]'
li invoke f --payload '{"once": 1}'
check_status 1 "500 on a synchronous invoke: exit 1"
check_err_eq "lambdactl: Invoke: ServiceException: internal failure" "500: the error"
check "500 on a synchronous invoke: NOT retried (one request: the function may have run)" test "$(n_req)" -eq 1
stub '[{"status": 503, "body": ""}, {"echo": true}]'
li invoke f --payload '{"once": 2}'
check_status 1 "503 on a synchronous invoke: exit 1"
check "503 on a synchronous invoke: not retried" test "$(n_req)" -eq 1

THR='{"status": 429, "headers": {"x-amzn-ErrorType": "TooManyRequestsException"}, "body": {"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User", "message": "Rate Exceeded."}}'
stub "[$THR, $THR, {\"echo\": true}]"
li invoke f --payload '{"throttled": 1}'
check_status 0 "429 TooManyRequestsException twice, then success: exit 0"
check "429: retried until it succeeded (three invokes)" test "$(n_inv)" -eq 3
check_out_eq '{"throttled": 1}' "429: the final response on stdout"
check "429: every attempt carried the same body" test "$(jq -s -c '[.[] | .body_len] | unique' "$STUB_LOG")" = "[16]"
stub "[$THR]"
li invoke f
check_status 1 "429 every time: exit 1"
check_err_eq "lambdactl: Invoke: TooManyRequestsException: Rate Exceeded." "429 every time: the throttling error"
check "429 every time: several attempts, then it gives up" test "$(n_inv)" -ge 2 -a "$(n_inv)" -le 5

stub '[{"status": 500, "headers": {"x-amzn-ErrorType": "ServiceException"}, "body": {"Message": "internal failure"}}, {"status": 202, "headers": {"x-amzn-RequestId": "'$RID'"}}]'
li invoke f --event --payload '{"ev": 1}'
check_status 0 "500 on an --event invoke: retried, then queued: exit 0"
check "500 on --event: two requests" test "$(n_inv)" -eq 2
check_out_eq "$RID" "500 on --event: the request ID of the queued event"
stub '[{"drop": true}, {"status": 202, "headers": {"x-amzn-RequestId": "'$RID'"}}]'
li invoke f --event
check_status 0 "a dropped connection on an --event invoke: retried: exit 0"
check "dropped --event: two requests" test "$(n_inv)" -eq 2

stub '[{"drop": true}, {"echo": true}]'
li invoke f --payload '{"drop": 1}'
check_status 1 "a dropped connection on a synchronous invoke: exit 1"
check_err_has '^lambdactl: Invoke: ' "dropped: the error names the Invoke"
check_out_eq "" "dropped: nothing on stdout"
check "dropped: not retried (one request)" test "$(n_req)" -eq 1

# The same drop on a connection kept alive since the GetFunction before it
# ("other" is not in lambda.yml): the POST must not be resent either, not
# even by libcurl's own retry on a reused connection that died.
stub '[{"drop": true}, {"echo": true}]'
li invoke other --payload '{"drop": 2}'
check_status 1 "a synchronous invoke dropped on a reused keep-alive connection: exit 1"
check "dropped on a reused connection: not resent (one Invoke: the function may have run)" test "$(n_inv)" -eq 1
# --repeat reuses each worker's connection: the second invoke goes over the first's.
stub '[{"echo": true}, {"drop": true}, {"echo": true}]'
li invoke f --repeat 2
check_out_has '^2 invocations, 1 errors, ' "--repeat 2, the second dropped on the reused connection: counted as an error"
check "--repeat 2, the second dropped: two Invokes, none resent" test "$(n_inv)" -eq 2

stop_stub
lc --endpoint-url "http://127.0.0.1:$(free_port)" invoke f
check_status 1 "nothing listening: exit 1"
check_err_has '^lambdactl: Invoke: POST http://127\.0\.0\.1:[0-9]+/2015-03-31/functions/f/invocations: .*connect' \
	"nothing listening: the error names the Invoke and the URL"

# ---- The read timeout is the function's timeout + 30 s ----
# slow has timeout: 1 in lambda.yml; --read-timeout 1 must not cut an invoke
# that the function's own timeout allows (1 + 30 s).
stub '[{"echo": true, "delay": 3}]'
timed_li --read-timeout 1 invoke slow --payload '{"slow": 1}'
check_status 0 "--read-timeout 1, function timeout 1 s, 3 s to answer: the invoke succeeds"
check_out_eq '{"slow": 1}' "the slow response on stdout"
check "it waited for the answer (${elapsed_ms} ms) and invoked once" test "$elapsed_ms" -ge 2900 -a "$(n_req)" -eq 1

# Not in lambda.yml: the timeout from GetFunction (1 s, so 31 s).
stub '[{"echo": true, "delay": 3}]' '[{"body": {"Configuration": {"FunctionName": "other", "Timeout": 1, "MemorySize": 128, "Runtime": "provided.al2023", "State": "Active", "LastUpdateStatus": "Successful"}}}]'
timed_li --read-timeout 1 invoke other --payload '{"slow": 2}'
check_status 0 "not in lambda.yml, GetFunction says Timeout 1: the 3 s invoke succeeds under --read-timeout 1"
check "GetFunction, then one Invoke (${elapsed_ms} ms)" test "$(seq_req)" = "GET /2015-03-31/functions/other;POST /2015-03-31/functions/other/invocations;"

# The control: --read-timeout 1 does cut a 3 s GetFunction (retried, as a
# read may be), and the invoke then falls back to 900 + 30 s.
stub '[{"echo": true, "delay": 3}]' '[{"delay": 3, "body": {"Configuration": {"Timeout": 1}}}]'
timed_li --read-timeout 1 invoke other --payload '{"slow": 3}'
check_status 0 "GetFunction timing out under --read-timeout 1: the invoke still runs and succeeds"
check "GetFunction was cut by the 1 s read timeout and retried, then one Invoke (${elapsed_ms} ms)" \
	test "$(jq -s '[.[] | select(.method == "GET")] | length' "$STUB_LOG")" -ge 2 -a "$(n_inv)" -eq 1
check_out_eq '{"slow": 3}' "the fallback timeout let the 3 s invoke finish"
stop_stub

finish
