#!/bin/bash
# serve: the Invoke API on loopback in front of warm bootstraps; lambdactl,
# the aws CLI and curl as clients.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
# Task roots under this test's directory: what is left is ours to see.
export TMPDIR=$TMP
export AWS_ACCESS_KEY_ID=AKIDSERVE AWS_SECRET_ACCESS_KEY=serve-secret-0000 AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

start_serve
check "serve prints its loopback URL" sh -c "echo '$URL' | grep -Eq '^http://127\.0\.0\.1:[0-9]+$'"

ok_count=0
for i in $(seq 20); do
	lc --endpoint-url "$URL" invoke echo --payload "{\"i\": $i}"
	[ "$status" -eq 0 ] && [ "$(cat "$OUT")" = "{\"i\": $i}" ] && ok_count=$((ok_count + 1))
done
check "20 sequential invokes through serve all answer ($ok_count)" test "$ok_count" -eq 20
sleep 0.2
check "20 REPORT lines in serve's log" test "$(grep -c '^REPORT RequestId' "$TMP/serve.err")" -eq 20
check "one cold start: a single Init Duration for 20 invokes" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1

echo '{"from": "aws"}' >ev.json
aws --endpoint-url "$URL" lambda invoke --function-name echo --payload fileb://ev.json aws-out.json >aws-meta.json 2>"$TMP/aws.err"
check "aws lambda invoke against serve gets the payload back" test "$(cat aws-out.json)" = '{"from": "aws"}'
check "aws lambda invoke sees StatusCode 200" jq -e '.StatusCode == 200' aws-meta.json

aws --endpoint-url "$URL" lambda invoke --function-name fail aws-fail.json >aws-fail-meta.json 2>"$TMP/aws.err"
check "aws lambda invoke sees FunctionError Unhandled (as Lambda answers a posted error)" jq -e '.FunctionError == "Unhandled"' aws-fail-meta.json
lc --endpoint-url "$URL" invoke fail
check_status 4 "lambdactl invoke against serve: a function error exits 4"
check "both clients get the same error body" cmp "$OUT" aws-fail.json

lc --endpoint-url "$URL" invoke echo --log
check_err_has '^START RequestId: ' "--log through serve returns the log tail"

lc --endpoint-url "$URL" invoke echo --event -v
check_status 0 "an Event invoke through serve"
check_err_has 'status 202' "Event answers 202"
lc --endpoint-url "$URL" invoke echo --dry-run -v
check_err_has 'status 204' "DryRun answers 204"

lc --endpoint-url "$URL" invoke nosuch
check_status 1 "an unknown function is an error"
check_err_has "^lambdactl: Invoke: ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:[0-9]+:function:nosuch$" "an unknown function answers 404 ResourceNotFoundException"

# The function name in the path is percent-decoded exactly once (as
# Lambda does): %65cho is echo, %2565cho is the name "%65cho".
curl -sS -o "$TMP/pct.out" -w '%{http_code}' -X POST -d '{"pct": 1}' \
	"$URL/2015-03-31/functions/%65cho/invocations" >"$TMP/pct.code"
check "a percent-encoded name (%65cho) reaches echo: 200" test "$(cat "$TMP/pct.code")" = 200
check "a percent-encoded name (%65cho) reaches echo: its answer" test "$(cat "$TMP/pct.out")" = '{"pct": 1}'
curl -sS -D "$TMP/pct2.head" -o "$TMP/pct2.out" -w '%{http_code}' -X POST -d '{}' \
	"$URL/2015-03-31/functions/%2565cho/invocations" >"$TMP/pct2.code"
check "a doubly-encoded name (%2565cho) is not decoded twice: 404" test "$(cat "$TMP/pct2.code")" = 404
check "a doubly-encoded name: ResourceNotFoundException" grep -qi '^x-amzn-ErrorType: ResourceNotFoundException' "$TMP/pct2.head"
check "a doubly-encoded name: the message names %65cho" \
	jq -e '.Message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:%65cho"' "$TMP/pct2.out"
lc --endpoint-url "$URL" invoke '%65cho'
check_status 1 "lambdactl invoke %65cho: its client encodes the %, so no function"
check_err_has 'ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:[0-9]+:function:%65cho$' \
	"lambdactl invoke %65cho: the name comes back as sent"

lc --endpoint-url "$URL" invoke once --payload '{"r": 1}'
lc --endpoint-url "$URL" invoke once --payload '{"r": 2}'
check_status 0 "a bootstrap that exited between invocations is restarted"
check_out_eq '{"r": 2}' "the restarted bootstrap answers"

lc --endpoint-url "$URL" invoke slow
check_status 4 "a timeout through serve is a function error"
lc --endpoint-url "$URL" invoke echo --payload '{"after": "timeout"}'
check_out_eq '{"after": "timeout"}' "serve keeps working after a timeout"

stop_serve
check "serve exits 0 on SIGINT" test "$serve_status" -eq 0
check "no bootstrap is left running" sh -c '! pgrep -f "$0/.cache/lambdactl/tasks/" >/dev/null' "$HOME"
check "no task root is left in TMPDIR (they are cached, read-only)" sh -c '! ls -d "$0"/lambdactl-task.* 2>/dev/null' "$TMP"

# --watch: a changed artifact is picked up.
start_serve --watch echo
lc --endpoint-url "$URL" invoke echo --payload '{"v": 1}'
check_out_eq '{"v": 1}' "before the change, the echo function echoes"
sed -i 's|--data-binary @\$EVENT|-d "{\\"reloaded\\": true}"|' task/echo/bootstrap
for i in $(seq 200); do
	grep -q 'echo: reloaded' "$TMP/serve.err" && break
	sleep 0.1
done
check "--watch notices the changed artifact" grep -q 'echo: reloaded' "$TMP/serve.err"
lc --endpoint-url "$URL" invoke echo --payload '{"v": 2}'
check_out_eq '{"reloaded": true}' "after the change, the new code answers"
stop_serve


# served FUNCTION: the region the served function reports, on stdout.
served() {
	curl -sS -X POST -d '{}' "$URL/2015-03-31/functions/$1/invocations" >"$TMP/served.json" &&
		jq -r .region "$TMP/served.json"
}
# local_regions WANT WHY: serve and invoke --local, with and without
# --pass-credentials, all tell the env function region WANT.
local_regions() {
	local pc
	for pc in "" --pass-credentials; do
		start_serve env $pc
		check "serve $pc: $2: the function is told $1" test "$(served env)" = "$1"
		stop_serve
		lc invoke --local env $pc
		check_status 0 "invoke --local $pc: $2: it runs"
		check "invoke --local $pc: $2: the function is told $1" jq -e --arg r "$1" '.region == $r' "$OUT"
	done
}

# Only the profile sets a region: serve and invoke --local read it, with
# or without --pass-credentials (serve once decided before reading the
# profile, and without --pass-credentials neither read it); none at all:
# us-east-1 (--pass-credentials once failed "no region set").
unset AWS_REGION AWS_DEFAULT_REGION
export AWS_CONFIG_FILE=$TMP/aws-config
printf '[default]\nregion = ca-central-1\n' >"$AWS_CONFIG_FILE"
local_regions ca-central-1 "only the profile sets a region"
: >"$AWS_CONFIG_FILE"
local_regions us-east-1 "no region anywhere"
# A named profile that is not there gives no region to a local run (it
# needs none of its credentials); with --pass-credentials it is an error.
lc invoke --local env --profile nosuch
check "invoke --local --profile nosuch: us-east-1" jq -e '.region == "us-east-1"' "$OUT"
lc invoke --local env --profile nosuch --pass-credentials
check_status 3 "invoke --local --profile nosuch --pass-credentials: exit 3"
check_err_has "^lambdactl: profile 'nosuch' not found in " "... naming the profile"
# A malformed config file: the error every command gives.
printf '[default]\nregion\n' >"$AWS_CONFIG_FILE"
lc whoami
cp "$ERR" "$TMP/whoami.err"
check_status 3 "a malformed config file: whoami exits 3"
lc invoke --local env
check_status 3 "a malformed config file: invoke --local exits 3"
check "... with whoami's error" cmp "$ERR" "$TMP/whoami.err"
lc serve --port 0 env
check_status 3 "a malformed config file: serve exits 3"
check "... with whoami's error" cmp "$ERR" "$TMP/whoami.err"
unset AWS_CONFIG_FILE

# --build-timeout is checked before the functions are chosen: a usage
# error (2) before "nothing to serve" (3).
printf 'role: r\nruntime: ruby3.3\nfunctions:\n  p: { handler: a.b, artifact: task/echo }\n' >py.yml
lc -f py.yml serve --build-timeout 0
check_status 2 "serve --build-timeout 0 with nothing to serve: the usage error first"
lc -f py.yml serve
check_status 3 "serve with nothing to serve: exit 3"

# The region a function is told (AWS_REGION), by serve and invoke --local
# alike: --region, then the function's own region, then lambda.yml's; and
# serve's "Function not found" ARN names the same.  (serve once told the
# function lambda.yml's region whatever --region said.)
sed -i '1i region: eu-west-1' lambda.yml
cat >>lambda.yml <<'YML'
  own:
    artifact: task/env
    region: ap-south-1
YML
start_serve --region us-west-2 env own
check "serve --region us-west-2: the function is told us-west-2" test "$(served env)" = us-west-2
check "serve --region us-west-2: over a function's own region too" test "$(served own)" = us-west-2
curl -sS -X POST -d '{}' "$URL/2015-03-31/functions/nosuch/invocations" >"$TMP/notfound.json"
check "serve --region us-west-2: a missing function's ARN names us-west-2" \
	jq -e '.Message == "Function not found: arn:aws:lambda:us-west-2:123456789012:function:nosuch"' "$TMP/notfound.json"
stop_serve
start_serve env own
check "serve without --region: the function is told lambda.yml's eu-west-1" test "$(served env)" = eu-west-1
check "serve without --region: a function's own region wins over lambda.yml's" test "$(served own)" = ap-south-1
stop_serve
lc invoke --local env --region us-west-2
check "invoke --local --region us-west-2: the function is told us-west-2" jq -e '.region == "us-west-2"' "$OUT"
lc invoke --local env
check "invoke --local without --region: lambda.yml's eu-west-1" jq -e '.region == "eu-west-1"' "$OUT"
lc invoke --local own
check "invoke --local: a function's own region wins over lambda.yml's" jq -e '.region == "ap-south-1"' "$OUT"

finish
