#!/bin/bash
# A CreateFunction retried after a 5xx that Lambda had in fact applied
# answers 409 "Function already exist".  With tests/e2e/stub.py scripting
# the Lambda API: when the function that exists is ours (the same code and
# configuration), the deploy carries on and reports it created; when it
# differs, the error says exactly how, and nothing is changed; when it has
# gone again, the conflict itself is reported.
. "$(dirname "$0")/lib.sh"
use_env_creds

provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<'YML'
  busy: { memory: 256, environment: { STAGE: prod } }
YML
lc package
check_status 0 "package: the zip deploy will send"
SHA=$(openssl dgst -sha256 -binary .lambdactl/busy.zip | base64)
FN=/2015-03-31/functions/busy
CREATE=/2015-03-31/functions

# gf SHA MEMORY STATE: a GetFunction body.
gf() {
	jq -nc --arg sha "$1" --argjson mem "$2" --arg s "$3" '{Configuration: {
		FunctionName: "busy", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:busy",
		Runtime: "provided.al2023", Role: "arn:aws:iam::123456789012:role/lambda-exec",
		MemorySize: $mem, Timeout: 3, CodeSha256: $sha, RevisionId: "rev-1",
		Version: "$LATEST", Architectures: ["x86_64"], EphemeralStorage: {Size: 512},
		Environment: {Variables: {STAGE: "prod"}}, Description: "",
		State: $s, LastUpdateStatus: "Successful"}, Code: {}}'
}
NOTFOUND='{"status": 404, "headers": {"x-amzn-ErrorType": "ResourceNotFoundException"}, "body": {"Type": "User", "Message": "Function not found: busy"}}'
E503='{"status": 503, "headers": {"x-amzn-ErrorType": "ServiceException"}, "body": {"Type": "Service", "Message": "Service unavailable"}}'
E500='{"status": 500, "headers": {"x-amzn-ErrorType": "ServiceException"}, "body": {"Type": "Service", "Message": "internal failure"}}'
EXISTS='{"status": 409, "headers": {"x-amzn-ErrorType": "ResourceConflictException"}, "body": {"Type": "User", "message": "Function already exist: busy"}}'
# stub GET_STEPS POST_STEPS: GetFunction and CreateFunction answer these in
# turn (the last repeating); any update would be a PUT, answered 500.
stub() {
	stop_stub
	jq -n --argjson g "$1" --argjson p "$2" --arg fn "^$FN\$" --arg cr "^$CREATE\$" '{routes: [
		{method: "GET", path: $fn, responses: $g},
		{method: "POST", path: $cr, responses: $p}],
		default: [{status: 500, body: {Message: "unexpected request"}}]}' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}
seq_req() { jq -r '"\(.method) \(.path) \(.status)"' "$STUB_LOG" | tr '\n' ';'; }
n_writes() { jq -s '[.[] | select(.method != "GET")] | length' "$STUB_LOG"; }

# Ours: the first attempt was applied, its answer lost in a 503.
stub "[$NOTFOUND, $(gf "$SHA" 256 Pending | jq -c '{body: .}'), $(gf "$SHA" 256 Active | jq -c '{body: .}')]" "[$E503, $EXISTS]"
lc --endpoint-url "$STUB_URL" deploy
check_status 0 "a 503 that Lambda applied, then 409 on the retry: the deploy succeeds"
check_out_eq "busy: created" "it is reported created"
check_err_eq "" "nothing on stderr (not a terminal: no steps shown)"
check "CreateFunction twice (503, 409), then GetFunction until Active; no update" \
	test "$(seq_req)" = "GET $FN 404;POST $CREATE 503;POST $CREATE 409;GET $FN 200;GET $FN 200;"
check "both CreateFunction attempts carried the same body" \
	test "$(jq -s '[.[] | select(.method == "POST") | .body_len] | unique | length' "$STUB_LOG")" -eq 1

# The same with 'new', and -o json: the function is ours, created.
stub "[$NOTFOUND, $(gf "$SHA" 256 Active | jq -c '{body: .}')]" "[$E500, $EXISTS]"
lc --endpoint-url "$STUB_URL" -o json new
check_status 0 "new: a 500 then 409 on a function that is ours: exit 0"
check "new -o json: status created, the ARN and code of what exists" \
	jq -e --arg sha "$SHA" '.[0].status == "created" and .[0].code_sha256 == $sha and (.[0].arn | endswith(":function:busy"))' "$OUT"

# Not ours: someone else's function, other code and memory.
stub "[$NOTFOUND, $(gf b2xkIGNvZGU= 128 Active | jq -c '{body: .}')]" "[$E503, $EXISTS]"
lc --endpoint-url "$STUB_URL" deploy
check_status 1 "a function that exists but is not ours: exit 1"
check_err_eq "lambdactl: busy: CreateFunction: the function already exists, not as lambda.yml has it (~ code b2xkIGNvZGU= -> $SHA; ~ memory 128 -> 256): change it with 'lambdactl update' or 'lambdactl deploy'" \
	"the error says what differs, as plan would"
check_out_eq "" "nothing reported created"
check "nothing was changed: no write after the two CreateFunction attempts" test "$(n_writes)" -eq 2

# An environment that differs: named, its value never shown.
stub "[$NOTFOUND, $(gf "$SHA" 256 Active | jq -c '{body: (.Configuration.Environment.Variables.STAGE = "s3cr3t-dev")}')]" "[$E503, $EXISTS]"
lc --endpoint-url "$STUB_URL" deploy
check_status 1 "the same code, another environment value: exit 1"
check_err_eq "lambdactl: busy: CreateFunction: the function already exists, not as lambda.yml has it (~ environment.STAGE (value hidden)): change it with 'lambdactl update' or 'lambdactl deploy'" \
	"the differing variable is named"
check_err_lacks "s3cr3t" "its value is not shown"

# Gone again by the time lambdactl looks: the conflict itself is reported.
stub "[$NOTFOUND]" "[$E503, $EXISTS]"
lc --endpoint-url "$STUB_URL" deploy
check_status 1 "409, then the function is not found: exit 1"
check_err_eq "lambdactl: busy: CreateFunction: ResourceConflictException: Function already exist: busy" \
	"the conflict is reported as Lambda said it"
stop_stub

finish
