#!/bin/bash
# The region a local function is told (AWS_REGION), by serve and by
# invoke --local alike: --region first, then the function's own region,
# then lambda.yml's; and serve's "Function not found" ARN names the same
# region.  (serve once told the function lambda.yml's region whatever
# --region said.)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP
# No AWS_REGION or AWS_DEFAULT_REGION (lib.sh): the manifest decides.
sed -i '1i region: eu-west-1' lambda.yml
cat >>lambda.yml <<'YML'
  own:
    artifact: task/env
    region: ap-south-1
YML

SERVE_PID=
# start_serve ARGS...: serve --port 0 ARGS in the background; sets URL.
start_serve() {
	local i
	: >"$TMP/serve.out"
	"$LAMBDACTL" serve --port 0 "$@" env own >"$TMP/serve.out" 2>"$TMP/serve.err" </dev/null &
	SERVE_PID=$!
	for i in $(seq 400); do
		[ -s "$TMP/serve.out" ] && break
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.05
	done
	URL=$(head -1 "$TMP/serve.out")
	[ -n "$URL" ] || { echo "Bail out! serve did not start: $(cat "$TMP/serve.err")"; exit 1; }
}
stop_serve() {
	kill -INT "$SERVE_PID" 2>/dev/null
	wait_bounded "$SERVE_PID" 20
	SERVE_PID=
}
trap '[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; cleanup' EXIT

# served FUNCTION: the region the served function reports, on stdout.
served() {
	curl -sS -X POST -d '{}' "$URL/2015-03-31/functions/$1/invocations" >"$TMP/served.json" &&
		jq -r .region "$TMP/served.json"
}

start_serve --region us-west-2
check "serve --region us-west-2: the function is told us-west-2" \
	test "$(served env)" = us-west-2
check "serve --region us-west-2: over a function's own region too" \
	test "$(served own)" = us-west-2
curl -sS -X POST -d '{}' "$URL/2015-03-31/functions/nosuch/invocations" >"$TMP/notfound.json"
check "serve --region us-west-2: a missing function's ARN names us-west-2" \
	jq -e '.message == "Function not found: arn:aws:lambda:us-west-2:123456789012:function:nosuch"' "$TMP/notfound.json"
stop_serve
check "serve --region stops with 0" test "$status" -eq 0

start_serve
check "serve without --region: the function is told lambda.yml's eu-west-1" \
	test "$(served env)" = eu-west-1
check "serve without --region: a function's own region wins over lambda.yml's" \
	test "$(served own)" = ap-south-1
stop_serve

lc invoke --local env --region us-west-2
check "invoke --local --region us-west-2: the function is told us-west-2" \
	jq -e '.region == "us-west-2"' "$OUT"
lc invoke --local env
check "invoke --local without --region: lambda.yml's eu-west-1" \
	jq -e '.region == "eu-west-1"' "$OUT"
lc invoke --local own
check "invoke --local: a function's own region wins over lambda.yml's" \
	jq -e '.region == "ap-south-1"' "$OUT"

finish
