#!/bin/bash
# serve and invoke --local as Lambda answers (issue 14, "Lambda-exact"):
# the client context decoded, posted errors Unhandled, LD_LIBRARY_PATH,
# qualifiers, request ids and error bodies, payload refusals, Event
# retries, the trace header, and task roots cached read-only.  Checked with
# curl, the AWS CLI and boto3 against serve, on 127.0.0.1 only.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP
export AWS_ACCESS_KEY_ID=AKIDEXACT AWS_SECRET_ACCESS_KEY=exact-secret-0000 AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

# ctx: answers with what it was handed: headers and environment.
bootstrap ctx 'H=$(tr -d "\r" </tmp/lc-rt-h.$$)
	hdr() { printf "%s\n" "$H" | sed -n "s/^$1: //Ip"; }
	jq -n --arg id "$ID" --arg cc "$(hdr Lambda-Runtime-Client-Context)" \
		--arg arn "$(hdr Lambda-Runtime-Invoked-Function-Arn)" --arg trace "$(hdr Lambda-Runtime-Trace-Id)" \
		--arg ld "$LD_LIBRARY_PATH" --arg init "$AWS_LAMBDA_INITIALIZATION_TYPE" --arg root "$LAMBDA_TASK_ROOT" \
		--arg mode "$(stat -c %a "$LAMBDA_TASK_ROOT")" --arg bmode "$(stat -c %a "$LAMBDA_TASK_ROOT/bootstrap")" \
		"{id: \$id, cc: \$cc, arn: \$arn, trace: \$trace, ld: \$ld, init: \$init, root: \$root, mode: \$mode, bmode: \$bmode}" >/tmp/lc-rt-o.$$
	curl -sS -o /dev/null -X POST --data-binary @/tmp/lc-rt-o.$$ "$api/invocation/$ID/response"'
# flaky: every attempt fails, noted in $FLAKY_LOG.
bootstrap flaky 'echo "$ID" >>"$FLAKY_LOG"
	curl -sS -o /dev/null -X POST -d "{\"errorType\":\"Flaky\",\"errorMessage\":\"no\"}" "$api/invocation/$ID/error"'
# needlib: a program linked against lib/libgreet.so, found only through
# LD_LIBRARY_PATH (aws-lambda-cpp's packaging relies on it).
mkdir -p task/needlib/lib task/needlib/bin
printf 'const char *greet(void) { return "hello from lib"; }\n' >"$TMP/greet.c"
printf '#include <stdio.h>\nconst char *greet(void);\nint main(void) { printf("{\\"greet\\":\\"%%s\\"}", greet()); return 0; }\n' >"$TMP/main.c"
cc -shared -fPIC -o task/needlib/lib/libgreet.so "$TMP/greet.c" &&
	cc -o task/needlib/bin/greet "$TMP/main.c" -Ltask/needlib/lib -lgreet ||
	{ echo "Bail out! cannot build the library fixture"; exit 1; }
bootstrap needlib '"$LAMBDA_TASK_ROOT/bin/greet" >/tmp/lc-rt-o.$$ 2>&1
	curl -sS -o /dev/null -X POST --data-binary @/tmp/lc-rt-o.$$ "$api/invocation/$ID/response"'
FLAKY_LOG=$TMP/flaky.log
cat >>lambda.yml <<YML
  ctx: { artifact: task/ctx }
  flaky: { artifact: task/flaky, environment: { FLAKY_LOG: "$FLAKY_LOG" } }
  needlib: { artifact: task/needlib }
YML

start_serve echo ctx flaky needlib fail
F=$URL/2015-03-31/functions

# curl_inv NAME[?QUERY] [CURL ARGS...]: POSTs to NAME's invocations; the
# head, body and status in $TMP/c.h, c.body, c.code.
curl_inv() {
	local n=${1%%\?*} q=
	case $1 in *\?*) q="?${1#*\?}";; esac
	shift
	curl -sS -D "$TMP/c.head" -o "$TMP/c.body" -w '%{http_code}' -X POST "$@" "$F/$n/invocations$q" >"$TMP/c.code"
	tr -d '\r' <"$TMP/c.head" >"$TMP/c.h"
}
hdr() { sed -n "s/^$1: //Ip" "$TMP/c.h"; }

# 1. The client context reaches the runtime decoded: the JSON, not base64.
CC='{"custom":{"k":"v"},"client":{"app_title":"t"}}'
CC64=$(printf '%s' "$CC" | base64 -w0)
aws --endpoint-url "$URL" lambda invoke --function-name ctx --client-context "$CC64" "$TMP/aws-cc.json" >"$TMP/aws-cc.meta" 2>"$TMP/aws.err"
check "aws lambda invoke --client-context: the runtime gets the JSON" jq -e --arg cc "$CC" '.cc == $cc' "$TMP/aws-cc.json"
lc invoke --local ctx --client-context "$CC"
check "invoke --local --client-context: the runtime gets the JSON" jq -e --arg cc "$CC" '.cc == $cc' "$OUT"
printf '{\n  "custom": {"a": 1}\n}' >"$TMP/cc-lines.json"
curl_inv ctx -H "X-Amz-Client-Context: $(base64 -w0 <"$TMP/cc-lines.json")" -d '{}'
check "a client context with line breaks: one header line, the same JSON" \
	jq -e '.cc | fromjson | .custom.a == 1' "$TMP/c.body"
curl_inv ctx -H 'X-Amz-Client-Context: not base64!' -d '{}'
check "a client context that is not base64: 400" test "$(cat "$TMP/c.code")" = 400
check "... InvalidRequestContentException, in Lambda's words" \
	jq -e '.message == "Client context must be a valid Base64-encoded JSON object." and .Type == "User"' "$TMP/c.body"
check "... named in x-amzn-ErrorType" test "$(hdr x-amzn-ErrorType)" = InvalidRequestContentException
curl_inv ctx -H "X-Amz-Client-Context: $(printf '[1]' | base64 -w0)" -d '{}'
check "a client context that is JSON but no object: 400" test "$(cat "$TMP/c.code")" = 400

# 2. A posted error is Unhandled, as Lambda answers today.
aws --endpoint-url "$URL" lambda invoke --function-name fail "$TMP/aws-fail.json" >"$TMP/aws-fail.meta" 2>"$TMP/aws.err"
check "aws lambda invoke: a posted error is FunctionError Unhandled" jq -e '.FunctionError == "Unhandled"' "$TMP/aws-fail.meta"
check "aws lambda invoke: ExecutedVersion \$LATEST on a synchronous answer" jq -e '.ExecutedVersion == "$LATEST"' "$TMP/aws-fail.meta"

# 3. LD_LIBRARY_PATH: the task root and its lib/, in Lambda's order.
curl_inv ctx -d '{}'
root=$(jq -r .root "$TMP/c.body")
check "LD_LIBRARY_PATH is TASK_ROOT:TASK_ROOT/lib" jq -e --arg r "$root" '.ld == ($r + ":" + $r + "/lib")' "$TMP/c.body"
check "AWS_LAMBDA_INITIALIZATION_TYPE is on-demand" jq -e '.init == "on-demand"' "$TMP/c.body"
curl_inv needlib -d '{}'
check "a program linked against lib/libgreet.so runs (found through LD_LIBRARY_PATH)" \
	jq -e '.greet == "hello from lib"' "$TMP/c.body"

# 4. Qualifiers: $LATEST and alias names run the code served; versions are unknown.
curl_inv ctx -d '{}'
check "unqualified: the invoked ARN is the function's" jq -e '.arn == "arn:aws:lambda:us-east-1:123456789012:function:ctx"' "$TMP/c.body"
curl_inv 'ctx?Qualifier=live' -d '{}'
check "?Qualifier=live: 200" test "$(cat "$TMP/c.code")" = 200
check "?Qualifier=live: the invoked ARN carries the alias" jq -e '.arn == "arn:aws:lambda:us-east-1:123456789012:function:ctx:live"' "$TMP/c.body"
check "?Qualifier=live: X-Amz-Executed-Version \$LATEST (no versions here)" test "$(hdr X-Amz-Executed-Version)" = '$LATEST'
curl_inv 'ctx:%24LATEST' -d '{}'
check "ctx:\$LATEST: the invoked ARN ends :\$LATEST" jq -e '.arn | endswith(":function:ctx:$LATEST")' "$TMP/c.body"
aws --endpoint-url "$URL" lambda invoke --function-name ctx --qualifier beta "$TMP/aws-q.json" >"$TMP/aws-q.meta" 2>"$TMP/aws.err"
check "aws lambda invoke --qualifier beta: the alias's ARN" jq -e '.arn | endswith(":function:ctx:beta")' "$TMP/aws-q.json"
aws --endpoint-url "$URL" lambda invoke --function-name ctx --qualifier 7 "$TMP/aws-q7.json" >"$TMP/aws-q7.meta" 2>"$TMP/aws.err"
check "aws lambda invoke --qualifier 7: ResourceNotFoundException, as Lambda words it" \
	grep -q 'An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:ctx:7' "$TMP/aws.err"
curl_inv 'ctx:7' -d '{}'
check "ctx:7: 404" test "$(cat "$TMP/c.code")" = 404
check "ctx:7: the body's key is Message, as Lambda's ResourceNotFoundException" \
	jq -e '.Message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:ctx:7" and .Type == "User"' "$TMP/c.body"
curl_inv 'ctx:a?Qualifier=b' -d '{}'
check "ctx:a with ?Qualifier=b: 400 InvalidParameterValueException" \
	sh -c 'test "$(cat "$0/c.code")" = 400 && jq -e ".message | startswith(\"The derived qualifier\")" "$0/c.body" >/dev/null' "$TMP"
lc invoke --local ctx --qualifier live
check "invoke --local --qualifier live: the alias's ARN" jq -e '.arn | endswith(":function:ctx:live")' "$OUT"
lc invoke --local ctx:9
check_status 1 "invoke --local ctx:9: exit 1, as a remote invoke's error"
check_err_eq "lambdactl: Invoke: ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:ctx:9" \
	"invoke --local ctx:9: Lambda's error"

# 5. A request id on every answer; the executed version only on a synchronous one.
curl_inv echo -H 'X-Amz-Invocation-Type: DryRun' -d '{}'
check "DryRun 204: x-amzn-RequestId" sh -c 'test "$(cat "$0/c.code")" = 204 && grep -Eqi "^x-amzn-RequestId: [0-9a-f-]{36}$" "$0/c.h"' "$TMP"
check "DryRun 204: no X-Amz-Executed-Version" sh -c '! grep -qi "^X-Amz-Executed-Version" "$0/c.h"' "$TMP"
curl_inv nosuch -d '{}'
check "404: x-amzn-RequestId" grep -Eqi '^x-amzn-RequestId: [0-9a-f-]{36}$' "$TMP/c.h"
check "404: no X-Amz-Executed-Version" sh -c '! grep -qi "^X-Amz-Executed-Version" "$0/c.h"' "$TMP"
curl_inv echo -d '{}'
check "200: x-amzn-RequestId and X-Amz-Executed-Version" \
	sh -c 'grep -Eqi "^x-amzn-RequestId: [0-9a-f-]{36}$" "$0/c.h" && grep -qi "^X-Amz-Executed-Version: \$LATEST$" "$0/c.h"' "$TMP"
python3 - "$URL" >"$TMP/boto.out" 2>"$TMP/boto.err" <<'PY'
import base64, json, sys
import boto3, botocore
c = boto3.client("lambda", endpoint_url=sys.argv[1], region_name="us-east-1")
r = c.invoke(FunctionName="echo", InvocationType="Event", Payload=b'{"e": 1}')
print(json.dumps({"event_status": r["StatusCode"], "event_id": r["ResponseMetadata"]["RequestId"],
                  "event_version": r.get("ExecutedVersion")}))
r = c.invoke(FunctionName="ctx", ClientContext=base64.b64encode(b'{"custom":{"b":2}}').decode(), Payload=b"{}")
print(json.dumps({"cc": json.loads(r["Payload"].read())["cc"], "version": r["ExecutedVersion"]}))
r = c.invoke(FunctionName="fail", Payload=b"{}")
print(json.dumps({"function_error": r["FunctionError"]}))
try:
    c.invoke(FunctionName="echo", Payload=b"{not json")
except botocore.exceptions.ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "msg": e.response["Error"]["Message"],
                      "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                      "rid": e.response["ResponseMetadata"].get("RequestId", "")}))
PY
sed -n 1p "$TMP/boto.out" >"$TMP/boto.1"
sed -n 2p "$TMP/boto.out" >"$TMP/boto.2"
sed -n 3p "$TMP/boto.out" >"$TMP/boto.3"
sed -n 4p "$TMP/boto.out" >"$TMP/boto.4"
check "boto3: Event 202 with a request id, no ExecutedVersion" \
	jq -e '.event_status == 202 and (.event_id | length) == 36 and .event_version == null' "$TMP/boto.1"
check "boto3: ClientContext reaches the runtime decoded; ExecutedVersion \$LATEST" \
	jq -e '.cc == "{\"custom\":{\"b\":2}}" and .version == "$LATEST"' "$TMP/boto.2"
check "boto3: FunctionError Unhandled" jq -e '.function_error == "Unhandled"' "$TMP/boto.3"

# 6. Payloads.
check "boto3: not JSON is 400 InvalidRequestContentException with Lambda's message and a request id" \
	jq -e '.code == "InvalidRequestContentException" and .status == 400 and (.msg | startswith("Could not parse request body into json: line 1, column 2: ")) and (.rid | length) == 36' "$TMP/boto.4"
python3 -c 'import json; print(json.dumps({"pad": "x" * (1024 * 1024)}))' >"$TMP/big.json"
curl_inv echo -H 'X-Amz-Invocation-Type: Event' --data-binary @"$TMP/big.json"
check "an Event payload over 1 MB: 413" test "$(cat "$TMP/c.code")" = 413
check "... RequestEntityTooLargeException, in Lambda's words" \
	jq -e --arg n "$(stat -c %s "$TMP/big.json")" '.message == ($n + " byte payload is too large for the Event invocation type (limit 1048576 bytes)")' "$TMP/c.body"
curl_inv echo --data-binary @"$TMP/big.json"
check "the same payload synchronously (under 6 MB): 200" test "$(cat "$TMP/c.code")" = 200
TRACE='Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
curl_inv ctx -H "X-Amzn-Trace-Id: $TRACE" -d '{}'
check "X-Amzn-Trace-Id is carried into Lambda-Runtime-Trace-Id" jq -e --arg t "$TRACE" '.trace == $t' "$TMP/c.body"
curl_inv ctx -d '{}'
check "without one, a new trace id" jq -e '.trace | test("^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$")' "$TMP/c.body"

# Event: its 202's request id is the invocation's; a failure is retried twice.
: >"$FLAKY_LOG"
curl_inv flaky -H 'X-Amz-Invocation-Type: Event' -d '{}'
evid=$(hdr x-amzn-RequestId)
check "Event 202 carries the request id" sh -c 'test "$(cat "$0/c.code")" = 202 && test ${#1} -eq 36' "$TMP" "$evid"
for i in $(seq 300); do
	grep -q 'after 3 attempts' "$TMP/serve.err" && break
	sleep 0.1
done
check "a failed Event ran 3 times" test "$(wc -l <"$FLAKY_LOG")" -eq 3
check "... always with the request id the 202 gave" test "$(sort -u "$FLAKY_LOG")" = "$evid"
check "serve says it retries" grep -q "flaky: Event $evid failed (Flaky): retrying in 1000 ms (attempt 2 of 3)" "$TMP/serve.err"
check "... and when it gives up" grep -q "flaky: Event $evid failed (Flaky) after 3 attempts: dropped" "$TMP/serve.err"
stop_serve

# 7. Task roots: cached by the artifact's state, read-only, reused.
tasks=$HOME/.cache/lambdactl/tasks
lc invoke --local ctx
root1=$(jq -r .root "$OUT")
check "the task root is in the cache" sh -c 'case "$0" in "$1"/*) exit 0;; esac; exit 1' "$root1" "$tasks"
check "the task root is read-only (no w bits), as Lambda's /var/task" jq -e '.mode == "500" and .bmode == "555"' "$OUT"
rm -f .lambdactl/ctx.zip
lc invoke --local ctx
check "an unchanged artifact reuses the same task root" test "$(jq -r .root "$OUT")" = "$root1"
check "... without packaging it again" test ! -e .lambdactl/ctx.zip
echo '# changed' >>task/ctx/bootstrap
lc invoke --local ctx
check "a changed artifact gets a new task root" test "$(jq -r .root "$OUT")" != "$root1"
check "... packaged anew" test -e .lambdactl/ctx.zip
check "no task root is left in TMPDIR" sh -c '! ls -d "$0"/lambdactl-task.* 2>/dev/null' "$TMP"

finish
