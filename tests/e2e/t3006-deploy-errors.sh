#!/bin/bash
# Deploy failures: one function of several failing (moto refuses its role)
# while the others deploy, -j 1 and -j 4 ending in the same state, usage
# errors; and, with stub.py scripting the Lambda API, the waits: an update
# in progress waited for, a failed update's reason, AccessDenied on a poll,
# --wait-timeout, a function whose creation fails.
. "$(dirname "$0")/lib.sh"
start_moto
use_env_creds
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null

provided_manifest lambda-exec <<'YML'
  f1: { memory: 128 }
  f2: { memory: 256, role: no-such-role }
  f3: { memory: 384, environment: { K: v3 } }
  f4: { memory: 512 }
  f5: { memory: 640, timeout: 20 }
  f6: { memory: 768, description: six }
YML

# The deployed functions, as the reference sees them, minus what varies.
ref_state() {
	ref_aws lambda list-functions --output json | jq -S '[.Functions[] |
		{FunctionName, Runtime, Role, MemorySize, Timeout, CodeSha256, Description,
		 Env: (.Environment.Variables // {})}] | sort_by(.FunctionName)'
}
ref_count() { ref_aws lambda list-functions --query 'length(Functions)'; }
ref_names() { ref_aws lambda list-functions --query 'Functions[].FunctionName' --output text | tr '\t' '\n' | sort | tr '\n' ' '; }
delete_all() {
	local f
	for f in $(ref_names); do ref_aws lambda delete-function --function-name "$f" >/dev/null; done
}

lc --endpoint-url "$MOTO_URL" deploy -j 1
check_status 1 "-j 1: one function failing makes the run exit 1"
check_err_eq "lambdactl: f2: CreateFunction: InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda." \
	"-j 1: the failing function is named with moto's reason, on one line"
check_out_eq "f1: created
f3: created
f4: created
f5: created
f6: created" "-j 1: the others are reported created, in manifest order"
check "-j 1: the others are deployed, f2 is not (aws lambda list-functions)" test "$(ref_names)" = "f1 f3 f4 f5 f6 "
ref_state >"$TMP/state-j1.json"
check "-j 1: the deployed configuration is the manifest's" \
	jq -e 'map({(.FunctionName): [.MemorySize, .Timeout, .Description, .Env]}) | add == {"f1": [128, 3, "", {}], "f3": [384, 3, "", {"K": "v3"}], "f4": [512, 3, "", {}], "f5": [640, 20, "", {}], "f6": [768, 3, "six", {}]}' "$TMP/state-j1.json"

delete_all
check "all functions deleted between the runs" test "$(ref_count)" = 0
lc --endpoint-url "$MOTO_URL" deploy -j 4
check_status 1 "-j 4: one function failing makes the run exit 1"
check_err_eq "lambdactl: f2: CreateFunction: InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda." \
	"-j 4: the failing function is named, once"
check_out_eq "f1: created
f3: created
f4: created
f5: created
f6: created" "-j 4: results still come in manifest order"
ref_state >"$TMP/state-j4.json"
check "-j 1 and -j 4 leave the same final state" diff -u "$TMP/state-j1.json" "$TMP/state-j4.json"

lc --endpoint-url "$MOTO_URL" -o json deploy --jobs 4
check_status 1 "-o json: a failure still exits 1"
check "-o json: f2 carries the error, the others are unchanged" \
	jq -e 'length == 6 and ([.[] | select(.error)] | length == 1 and .[0].function == "f2" and (.[0].error | test("role defined for the function cannot be assumed"))) and ([.[] | select(.status == "unchanged")] | length == 5)' "$OUT"

# Usage errors, before anything is sent.
delete_all
for bad in 0 -1 65 x 4x ''; do
	lc --endpoint-url "$MOTO_URL" deploy --jobs "$bad"
	check_status 2 "--jobs '$bad' is a usage error"
	check_err_eq "lambdactl: option '--jobs' wants a number from 1 to 64, not '$bad'" "--jobs '$bad': the message gives the range"
done
for bad in 0 -5 5x 1.5m m 25h 1441m 86401 ''; do
	lc --endpoint-url "$MOTO_URL" deploy --wait-timeout "$bad"
	check_status 2 "--wait-timeout '$bad' is a usage error"
	check_err_has "^lambdactl: option '--wait-timeout' wants a duration .*such as 300, 90s, 5m or 1h, not '$bad'\$" \
		"--wait-timeout '$bad': the message gives examples and the value"
done
for good in 24h 1440m 86400 1s; do
	lc --endpoint-url "$MOTO_URL" deploy --dry-run --wait-timeout "$good" f1
	check_status 5 "--wait-timeout '$good' is accepted (deploy --dry-run runs, exit 5)"
done
lc --endpoint-url "$MOTO_URL" plan -j 0
check_status 2 "plan -j 0 is a usage error too"
lc --endpoint-url "$MOTO_URL" -o json deploy --jobs 0
check_status 2 "-o json deploy --jobs 0 is a usage error"
check "-o json: the usage error is one JSON error object with status 2" \
	jq -e '. == {"error": {"message": "option '"'--jobs'"' wants a number from 1 to 64, not '"'0'"'", "status": 2}}' "$OUT"
check "no usage error created anything" test "$(ref_count)" = 0
stop_moto

# ---- Scripted Lambda API (stub.py): the waits. ----
cat >lambda.yml <<'YML'
role: arn:aws:iam::123456789012:role/lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  busy: {}
YML
FN=/2015-03-31/functions/busy
# gf STATE LAST_UPDATE_STATUS [REASON [STATE_REASON]]: a GetFunction body
# (empty arguments: the member is left out) whose code differs from the artifact (so that an update is due).
gf() {
	jq -nc --arg s "$1" --arg u "$2" --arg r "${3:-}" --arg sr "${4:-}" '{Configuration: ({
		FunctionName: "busy", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:busy",
		Runtime: "provided.al2023", Role: "arn:aws:iam::123456789012:role/lambda-exec",
		MemorySize: 128, Timeout: 3, CodeSha256: "b2xkIGNvZGU=", RevisionId: "rev-1",
		Version: "$LATEST", Architectures: ["x86_64"], EphemeralStorage: {Size: 512},
		State: $s}
		+ (if $u != "" then {LastUpdateStatus: $u} else {} end)
		+ (if $r != "" then {LastUpdateStatusReason: $r} else {} end)
		+ (if $sr != "" then {StateReason: $sr} else {} end)), Code: {}}'
}
# stub_gets GET_BODY... : GetFunction answers these in turn (the last
# repeating), UpdateFunctionCode answers InProgress.
stub_gets() {
	local steps
	steps=$(for b in "$@"; do printf '%s\n' "$b"; done | jq -sc '[.[] | {body: .}]')
	jq -n --argjson g "$steps" --argjson p "$(gf Active InProgress)" --arg fn "^$FN\$" '{routes: [
		{method: "GET", path: $fn, responses: $g},
		{method: "PUT", path: "/code$", responses: [{body: $p.Configuration}]},
		{method: "PUT", path: "/configuration$", responses: [{body: $p.Configuration}]}]}' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}
# stub_seq: the requests the stub saw, "METHOD PATH;" each.
stub_seq() { jq -r '"\(.method) \(.path)"' "$STUB_LOG" | tr '\n' ';'; }
timed_lc() {
	local t0=$(date +%s%N)
	lc --endpoint-url "$STUB_URL" "$@"
	elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# An update already in progress: waited for, then the code goes.
stub_gets "$(gf Active InProgress)" "$(gf Active InProgress)" "$(gf Active Successful)"
timed_lc deploy
check_status 0 "an update in progress is waited for, then the deploy succeeds"
check_out_eq "busy: updated (code)" "the deploy reports the code update"
check "UpdateFunctionCode was sent only after GetFunction reported Successful" \
	test "$(stub_seq)" = "GET $FN;GET $FN;GET $FN;PUT $FN/code;GET $FN;"
check "the wait polled at about 1 s intervals (took ${elapsed_ms} ms)" test "$elapsed_ms" -ge 900 -a "$elapsed_ms" -lt 10000
stop_stub

# Code and configuration: the configuration waits for the code update.
sed -i 's/busy: {}/busy: { memory: 256 }/' lambda.yml
stub_gets "$(gf Active Successful)" "$(gf Active InProgress)" "$(gf Active Successful)"
lc --endpoint-url "$STUB_URL" deploy
check_status 0 "code and memory: the configuration update waits for the code update"
check "UpdateFunctionConfiguration only after the code update finished" \
	test "$(stub_seq)" = "GET $FN;PUT $FN/code;GET $FN;GET $FN;PUT $FN/configuration;GET $FN;"
stop_stub
sed -i 's/busy: { memory: 256 }/busy: {}/' lambda.yml

# Another client starts an update between our GetFunction and our
# UpdateFunctionCode: the 409 is waited out and the update sent again.
jq -n --argjson a "$(gf Active Successful)" --argjson p "$(gf Active InProgress)" --arg fn "^$FN\$" '{routes: [
	{method: "GET", path: $fn, responses: [{body: $a}, {body: $p}, {body: $a}]},
	{method: "PUT", path: "/code$", responses: [
		{status: 409, headers: {"x-amzn-ErrorType": "ResourceConflictException"},
		 body: {Type: "User", message: "The operation cannot be performed at this time. An update is in progress for resource: busy"}},
		{body: $p.Configuration}]}]}' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" deploy
check_status 0 "a ResourceConflictException from another client's update is waited out"
check "the code update is sent again once the other update finished" \
	test "$(stub_seq)" = "GET $FN;PUT $FN/code;GET $FN;GET $FN;PUT $FN/code;GET $FN;"
stop_stub

# The update fails: its reason is shown.
stub_gets "$(gf Active Successful)" "$(gf Active Failed 'Bootstrap exited with status 127: libfoo.so missing')"
lc --endpoint-url "$STUB_URL" deploy
check_status 1 "an update that fails exits 1"
check_err_has "^lambdactl: busy: the update failed: Bootstrap exited with status 127: libfoo\.so missing\$" \
	"the failed update's LastUpdateStatusReason is shown"
check_out_eq "" "nothing is reported as updated"
stop_stub

# A poll refused: at once, with the permission named.
jq -n --argjson a "$(gf Active InProgress)" --arg fn "^$FN\$" '{routes: [
	{method: "GET", path: $fn, responses: [{body: $a}, {status: 403,
		headers: {"x-amzn-ErrorType": "AccessDeniedException"},
		body: {Message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:GetFunction on resource: busy"}}]},
	{method: "PUT", path: ".", responses: [{body: $a.Configuration}]}]}' >"$TMP/script.json"
start_stub "$TMP/script.json"
timed_lc deploy
check_status 1 "AccessDeniedException on a GetFunction poll fails"
check_err_has "^lambdactl: busy: GetFunction: AccessDeniedException: User: .* not authorized to perform: lambda:GetFunction" \
	"the AccessDenied message is shown"
check_err_has "the credentials need lambda:GetFunction\)\$" "the hint names the lambda:GetFunction permission"
check "it fails at once: no retry, no further poll, no update sent" \
	test "$(stub_seq)" = "GET $FN;GET $FN;"
check "it fails at once (took ${elapsed_ms} ms)" test "$elapsed_ms" -lt 900
stop_stub

# Stuck InProgress: --wait-timeout bounds the wait.
stub_gets "$(gf Active InProgress)"
timed_lc deploy --wait-timeout 2
check_status 1 "a function stuck InProgress fails after --wait-timeout 2"
check_err_eq "lambdactl: busy: timed out after 2 s waiting for the function to settle (State Active, LastUpdateStatus InProgress)" \
	"the timeout names the function and the state it waited on"
check "the wait was bounded: 2 s to 5 s (took ${elapsed_ms} ms)" test "$elapsed_ms" -ge 1900 -a "$elapsed_ms" -lt 5000
check "no update was sent while it was in progress" test "$(jq -s '[.[] | select(.method != "GET")] | length' "$STUB_LOG")" -eq 0
stop_stub
stub_gets "$(gf Pending '')"
timed_lc deploy --wait-timeout 1s
check_status 1 "--wait-timeout 1s against a function stuck Pending fails"
check_err_has "^lambdactl: busy: timed out after 1 s waiting for the function to settle \(State Pending, LastUpdateStatus [a-z]+\)\$" \
	"the timeout shows State Pending and a word for the absent LastUpdateStatus"
check "--wait-timeout 1s: bounded (took ${elapsed_ms} ms)" test "$elapsed_ms" -ge 900 -a "$elapsed_ms" -lt 4000
stop_stub

# -j N runs N functions at once: four slow GetFunction answers (1 s each).
cat >slow.yml <<'YML'
role: arn:aws:iam::123456789012:role/lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions: { c1: {}, c2: {}, c3: {}, c4: {} }
YML
jq -n '[{status: 404, delay: 1, headers: {"x-amzn-ErrorType": "ResourceNotFoundException"}, body: {Message: "Function not found"}}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
timed_lc -f slow.yml plan -j 1
check_status 5 "plan -j 1 of four functions"
cp "$OUT" "$TMP/plan-j1"
check "plan -j 1 asks one at a time (took ${elapsed_ms} ms, want >= 4000)" test "$elapsed_ms" -ge 4000
timed_lc -f slow.yml plan -j 4
check_status 5 "plan -j 4 of four functions"
check "plan -j 4 asks all four at once (took ${elapsed_ms} ms, want < 2500)" test "$elapsed_ms" -lt 2500
check "plan -j 1 and -j 4 print the same, in manifest order" diff -u "$TMP/plan-j1" "$OUT"
check "each function was asked for once per run" test "$(jq -r .path "$STUB_LOG" | sort | uniq -c | awk '{print $1}' | sort -u)" = 2
stop_stub

# A 503, then a dropped connection, on UpdateFunctionCode: retried, the
# streamed body sent whole each time.
jq -n --argjson a "$(gf Active Successful)" --arg fn "^$FN\$" '{routes: [
	{method: "GET", path: $fn, responses: [{body: $a}]},
	{method: "PUT", path: "/code$", responses: [
		{status: 503, headers: {"x-amzn-ErrorType": "ServiceException"}, body: {Message: "try again"}},
		{drop: true}, {body: $a.Configuration}]}]}' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" deploy
check_status 0 "UpdateFunctionCode succeeds on the third attempt"
check "three PUT .../code attempts (503, dropped, 200)" \
	test "$(jq -r 'select(.method == "PUT") | .status' "$STUB_LOG" | tr '\n' ' ')" = "503 null 200 "
check "each attempt carried the same, whole body" \
	test "$(jq -r 'select(.method == "PUT") | .body_len' "$STUB_LOG" | sort -u | wc -l)" -eq 1 -a \
	"$(jq -r 'select(.method == "PUT") | .body_len' "$STUB_LOG" | head -1)" -gt "$(stat -c %s .lambdactl/busy.zip)"
stop_stub

# A creation that ends in State Failed.
jq -n --argjson p "$(gf Pending '')" --argjson f "$(gf Failed '' '' 'The role cannot be assumed by Lambda')" --arg fn "^$FN\$" '{routes: [
	{method: "GET", path: $fn, responses: [{status: 404, headers: {"x-amzn-ErrorType": "ResourceNotFoundException"}, body: {Message: "Function not found"}}, {body: $p}, {body: $f}]},
	{method: "POST", path: "^/2015-03-31/functions$", responses: [{status: 201, body: $p.Configuration}]}]}' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" deploy
check_status 1 "a function whose creation ends in State Failed fails"
check_err_has "^lambdactl: busy: the function is in state Failed: The role cannot be assumed by Lambda\$" "the StateReason is shown"
check "it polled through Pending to Failed" test "$(stub_seq)" = "GET $FN;POST /2015-03-31/functions;GET $FN;GET $FN;"
stop_stub

finish
