#!/bin/bash
# invoke against moto (which, without Docker, answers a synchronous invoke
# with the payload it received): the payload from a file, file://, inline
# JSON and stdin arriving byte for byte, {} by default; --event (202 and
# the request ID), --dry-run (204), --out, -o json; invalid and oversize
# payloads refused with exit 3 before anything is sent (a recording proxy
# counts the requests); --repeat; usage errors; the aws CLI as the oracle.
# moto 5 fails (HTTP 500) on a payload that is not a JSON object, so every
# payload sent to it here is an object.
. "$(dirname "$0")/lib.sh"
start_moto
use_env_creds
curl -fs -o /dev/null -X POST "$MOTO_URL/moto-api/config" -d '{"lambda": {"use_docker": false}}' ||
	{ echo "Bail out! cannot configure moto"; exit 1; }
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null

mkdir -p target
printf '#!/bin/sh\necho echo\n' >target/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
functions:
  echo:
    runtime: provided.al2023
    artifact: target/bootstrap
    timeout: 5
YML
start_proxy "$MOTO_URL"
export AWS_ENDPOINT_URL=$PROXY_URL
lc deploy echo
check_status 0 "deploy creates the function to invoke"

# lc_in FILE ARGS...: lc with FILE on stdin.
lc_in() {
	local f=$1
	shift
	"$LAMBDACTL" "$@" >"$OUT" 2>"$ERR" <"$f"
	status=$?
}
invokes() { proxy_count POST '/2015-03-31/functions/[^/]+/invocations(\?.*)?'; }
# same_json A B: the same JSON value (keys sorted on both sides).
same_json() { [ "$(jq -S . "$1")" = "$(jq -S . "$2")" ]; }

# A multi-line event with non-ASCII text, escapes and every JSON type.
printf '{\n  "id": 42,\n  "name": "caf\xc3\xa9 \xe2\x98\x95",\n  "escaped": "\\u00e9\\n\\"q\\"",\n  "nested": {"list": [1, 2.5, -3e2, true, false, null], "empty": {}}\n}\n' >event.json

# ---- Payload sources ----
proxy_reset
lc invoke echo --payload event.json
check_status 0 "--payload FILE: exit 0"
check "--payload FILE: the response is the file, byte for byte" cmp "$OUT" event.json
check "--payload FILE: the same JSON (jq -S on both sides)" same_json "$OUT" event.json
check_err_eq "" "--payload FILE: nothing on stderr"
check "--payload FILE: one Invoke request, carrying the file's $(stat -c %s event.json) bytes" \
	test "$(jq -s '[.[] | select(.path | endswith("/invocations"))] | map(.body_len)' "$PROXY_LOG" | jq -c .)" = "[$(stat -c %s event.json)]"
check "--payload FILE: no other request (the manifest gives the timeout: no GetFunction)" \
	test "$(wc -l <"$PROXY_LOG")" -eq 1

lc invoke echo --payload file://event.json
check_status 0 "--payload file://FILE: exit 0"
check "--payload file://FILE: the response is the file, byte for byte" cmp "$OUT" event.json

mkdir -p sub
cp event.json sub/ev.json
lc invoke echo --payload "file://$TMP/sub/ev.json"
check_status 0 "--payload file:///absolute/path: exit 0"
check "--payload file:///absolute/path: the response is the file" cmp "$OUT" sub/ev.json

inline='{"id": 1, "tags": ["a", "b"], "ok": true}'
lc invoke echo --payload "$inline"
check_status 0 "--payload inline JSON: exit 0"
check_out_eq "$inline" "--payload inline JSON: the response is the text given, exactly"

printf '  {"padded": 1}  \n' >padded.json
lc invoke echo --payload padded.json
check_status 0 "a payload with whitespace around the JSON is valid"
check "the whitespace is sent as it is" cmp "$OUT" padded.json

lc_in event.json invoke echo --payload -
check_status 0 "--payload - (stdin): exit 0"
check "--payload -: the response is stdin, byte for byte" cmp "$OUT" event.json

proxy_reset
lc invoke echo
check_status 0 "no --payload: exit 0"
check_out_eq "{}" "no --payload: {} is sent (and echoed)"
check "no --payload: the request body is 2 bytes" \
	test "$(jq -s -c 'map(.body_len)' "$PROXY_LOG")" = "[2]"

# ---- --event, --dry-run, -v ----
lc invoke echo --event --payload event.json
check_status 0 "--event: exit 0"
check_out_has '^[A-Za-z0-9-]{8,}$' "--event: stdout is the request ID, alone on its line"
check "--event: exactly one line on stdout" test "$(wc -l <"$OUT")" -eq 1
check_err_eq "" "--event: nothing on stderr"

lc invoke echo --event -v --payload '{"e": 1}'
check_status 0 "--event -v: exit 0"
rid=$(cat "$OUT")
check_err_eq "lambdactl: echo: status 202, version -, request id $rid" \
	"--event -v: status 202 and the request ID printed on stdout"

lc invoke echo --dry-run -v
check_status 0 "--dry-run: exit 0"
check_out_eq "" "--dry-run: nothing on stdout"
check_err_has '^lambdactl: echo: status 204, version -, request id [A-Za-z0-9-]+$' "--dry-run -v: status 204"
check_err_has '^lambdactl: echo: dry run: the invoke would be allowed$' "--dry-run: says the invoke would be allowed"

lc invoke echo -v --payload '{"v": 1}'
check_status 0 "-v on a synchronous invoke: exit 0"
check_out_eq '{"v": 1}' "-v: the response still on stdout"
check_err_has '^lambdactl: echo: status 200, version -, request id [A-Za-z0-9-]+$' "-v: status 200 on stderr"

# ---- --out ----
printf 'old contents\n' >resp.json
lc invoke echo --payload event.json --out resp.json
check_status 0 "--out FILE: exit 0"
check_out_eq "" "--out FILE: nothing on stdout"
check_err_eq "" "--out FILE: nothing on stderr"
check "--out FILE: the response replaced the file's old contents" cmp resp.json event.json
check "--out FILE: no temporary file left behind" test -z "$(ls -A | grep '^resp\.json.')"
lc invoke echo --payload '{"new": 1}' --out "$TMP/sub/abs.json"
check "--out /absolute/path: written" test "$(cat sub/abs.json)" = '{"new": 1}'

# ---- -o json ----
lc -o json invoke echo --payload event.json
check_status 0 "-o json: exit 0"
check "-o json: one object with status_code 200, a request_id and the payload as JSON" \
	jq -e -s --slurpfile p event.json 'length == 1 and .[0].status_code == 200 and (.[0].request_id | length > 0) and .[0].payload == $p[0]' "$OUT"
check "-o json: no function_error" jq -e 'has("function_error") | not' "$OUT"
lc -o json invoke echo --event
check_status 0 "-o json --event: exit 0"
check "-o json --event: status_code 202 and a request_id" jq -e '.status_code == 202 and (.request_id | length > 0)' "$OUT"

# ---- The aws CLI as the oracle ----
ref_aws lambda invoke --function-name echo --payload fileb://event.json ref-out.json >ref-meta.json
lc invoke echo --payload event.json
check "aws lambda invoke --payload fileb:// gives the same response body as lambdactl" cmp ref-out.json "$OUT"
check "aws lambda invoke: StatusCode 200, as lambdactl -o json says" jq -e '.StatusCode == 200' ref-meta.json
ref_aws lambda invoke --function-name echo --invocation-type Event --payload fileb://event.json ref-ev.json >ref-meta.json
check "aws lambda invoke --invocation-type Event: StatusCode 202, as lambdactl -o json --event says" \
	jq -e '.StatusCode == 202' ref-meta.json
ref_aws lambda invoke --function-name echo --payload '{"x": [1, 2]}' ref-out.json >/dev/null
lc invoke echo --payload '{"x": [1, 2]}'
check "aws lambda invoke with inline JSON: the same response body" cmp ref-out.json "$OUT"

# ---- Invalid payloads: exit 3, nothing sent ----
# bad_payload DESC EXPECTED_STDERR ARGS...: refused with exit 3 and no request at all.
bad_payload() {
	local desc=$1 want=$2
	shift 2
	proxy_reset
	lc invoke echo "$@"
	check_status 3 "$desc: exit 3"
	check_err_eq "$want" "$desc: the error"
	check_out_eq "" "$desc: nothing on stdout"
	check "$desc: no request sent" test "$(wc -l <"$PROXY_LOG")" -eq 0
}
bad_payload "inline JSON with a trailing comma" \
	"lambdactl: --payload:1:10: invalid JSON: trailing comma before '}'" --payload '{"id": 1,}'
bad_payload "inline JSON with a bad literal" \
	"lambdactl: --payload:1:7: invalid JSON: invalid literal (expected true)" --payload '{"a": tru}'
printf '{\n  "id": 1,\n  "name": "x"\n  "tags": []\n}\n' >bad.json
bad_payload "a multi-line file missing a comma" \
	"lambdactl: bad.json:4:3: invalid JSON: expected ',' or '}', found '\"'" --payload bad.json
bad_payload "the same file as file://" \
	"lambdactl: bad.json:4:3: invalid JSON: expected ',' or '}', found '\"'" --payload file://bad.json
printf '{"a": 1}\n{"b": 2}\n' >two.json
bad_payload "two JSON documents (JSON lines) in a file" \
	"lambdactl: two.json:2:1: invalid JSON: more text after the JSON value" --payload two.json
printf '{"a":\n\t[1, 2,\n\t ]}\n' >tab.json
bad_payload "a trailing comma in an array on line 3 (a tab counts one column)" \
	"lambdactl: tab.json:3:3: invalid JSON: trailing comma before ']'" --payload tab.json
: >empty.json
bad_payload "an empty file" \
	"lambdactl: empty.json:1:1: invalid JSON: no JSON value (the text is empty or blank)" --payload empty.json
bad_payload "a name that is neither a file nor JSON (no such file)" \
	"lambdactl: --payload:1:1: invalid JSON: expected a JSON value, found 'm' (and there is no file 'missing.json')" --payload missing.json
bad_payload "file:// of a missing file" \
	"lambdactl: cannot read payload 'missing.json': No such file or directory" --payload file://missing.json
bad_payload "a directory" \
	"lambdactl: cannot read payload 'sub': Is a directory" --payload sub

proxy_reset
lc_in bad.json invoke echo --payload -
check_status 3 "invalid JSON on stdin: exit 3"
check_err_eq "lambdactl: (stdin):4:3: invalid JSON: expected ',' or '}', found '\"'" "invalid JSON on stdin: named (stdin) with line and column"
lc_in empty.json invoke echo --payload -
check_status 3 "an empty stdin: exit 3"
check_err_eq "lambdactl: (stdin):1:1: invalid JSON: no JSON value (the text is empty or blank)" "an empty stdin: invalid JSON at 1:1"
check "invalid stdin payloads: no request sent" test "$(wc -l <"$PROXY_LOG")" -eq 0

lc invoke echo --payload '{}' --client-context 'not json'
check_status 3 "an invalid --client-context: exit 3"
check_err_eq "lambdactl: --client-context:1:1: invalid JSON: invalid literal (expected null)" "an invalid --client-context: the error"
check "an invalid --client-context: no request sent" test "$(wc -l <"$PROXY_LOG")" -eq 0

# ---- Size limits: 6 MB synchronous, 1 MB --event ----
# json_of_size N FILE: a valid JSON object of exactly N bytes.
json_of_size() {
	python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("{\"d\": \"" + "x" * (n - 9) + "\"}")' "$1" >"$2"
}
SIX=$((6 * 1024 * 1024))
ONE=$((1024 * 1024))
json_of_size $((SIX + 1)) six-plus.json
json_of_size "$SIX" six.json
json_of_size $((ONE + 1)) one-plus.json
json_of_size "$ONE" one.json
check "the generated payloads are valid JSON of the sizes wanted" \
	test "$(jq -c 'length' six-plus.json six.json one-plus.json one.json | tr '\n' ' ')$(stat -c %s six-plus.json six.json one-plus.json one.json | tr '\n' ' ')" = "1 1 1 1 $((SIX + 1)) $SIX $((ONE + 1)) $ONE "

bad_payload "a synchronous payload of 6 MB + 1 byte" \
	"lambdactl: payload 'six-plus.json' is over $SIX bytes, Lambda's limit for this invocation" --payload six-plus.json
bad_payload "an --event payload of 1 MB + 1 byte" \
	"lambdactl: payload 'one-plus.json' is over $ONE bytes, Lambda's limit for this invocation" --event --payload one-plus.json
bad_payload "a --dry-run payload of 6 MB + 1 byte" \
	"lambdactl: payload 'six-plus.json' is over $SIX bytes, Lambda's limit for this invocation" --dry-run --payload six-plus.json
proxy_reset
lc_in six-plus.json invoke echo --payload -
check_status 3 "6 MB + 1 byte on stdin: exit 3"
check_err_eq "lambdactl: payload (stdin) is over $SIX bytes, Lambda's limit for this invocation" "6 MB + 1 byte on stdin: the error"
check "6 MB + 1 byte on stdin: no request sent" test "$(wc -l <"$PROXY_LOG")" -eq 0

# moto's own response limit is 6,000,000 bytes: it answers a 6 MB echo with
# a Function.ResponseSizeTooLarge function error (exit 4), after the send.
proxy_reset
lc invoke echo --payload six.json
check "exactly 6 MB synchronously is not refused (exit $status, not 3)" test "$status" -ne 3
check_err_lacks "is over" "exactly 6 MB: no size error"
check "exactly 6 MB: sent whole, one request of $SIX bytes" test "$(jq -s -c 'map(.body_len)' "$PROXY_LOG")" = "[$SIX]"
proxy_reset
lc invoke echo --event --payload one.json
check_status 0 "exactly 1 MB with --event is accepted"
check "exactly 1 MB --event: one request of $ONE bytes" test "$(jq -s -c 'map(.body_len)' "$PROXY_LOG")" = "[$ONE]"
lc invoke echo --payload one-plus.json
check_status 0 "1 MB + 1 byte synchronously is within the 6 MB limit"
check "1 MB + 1 byte synchronously: echoed back whole" cmp "$OUT" one-plus.json

# ---- --repeat ----
proxy_reset
lc invoke echo --repeat 20 --concurrency 4 --payload '{"r": 1}'
check_status 0 "--repeat 20 --concurrency 4: exit 0"
check "--repeat: two lines on stdout" test "$(wc -l <"$OUT")" -eq 2
check_out_has '^20 invocations, 0 errors, concurrency 4, [0-9]+\.[0-9]{2} s \([0-9]+\.[0-9]/s\)$' \
	"--repeat: '20 invocations, 0 errors', the concurrency, time and rate"
check_out_has '^latency ms: p50 [0-9]+\.[0-9]  p90 [0-9]+\.[0-9]  p99 [0-9]+\.[0-9]  max [0-9]+\.[0-9]$' \
	"--repeat: the percentile line p50/p90/p99/max"
check "--repeat: p50 <= p90 <= p99 <= max" awk '/^latency/ { exit !($4 <= $6 && $6 <= $8 && $8 <= $10 && $4 > 0) }' "$OUT"
check_out_lacks '"r"' "--repeat: the responses are not printed"
check "--repeat: exactly 20 Invoke requests reached Lambda" test "$(invokes)" -eq 20

lc -o json invoke echo --repeat 3 --concurrency 8
check_status 0 "-o json --repeat 3 --concurrency 8: exit 0"
check "-o json --repeat: invocations 3, errors 0, the concurrency capped at 3, ordered percentiles" \
	jq -e '.invocations == 3 and .errors == 0 and .concurrency == 3 and .p50_ms <= .p90_ms and .p90_ms <= .p99_ms and .p99_ms <= .max_ms and .seconds > 0 and (has("first_error") | not)' "$OUT"

# ---- Usage errors: exit 2, nothing sent ----
# usage DESC EXPECTED_STDERR_RE ARGS...
usage() {
	local desc=$1 want=$2
	shift 2
	proxy_reset
	lc "$@"
	check_status 2 "$desc: exit 2"
	check_err_has "$want" "$desc: the error"
	check "$desc: no request sent" test "$(wc -l <"$PROXY_LOG")" -eq 0
}
usage "--event with --dry-run" '^lambdactl: --event and --dry-run exclude each other$' \
	invoke echo --event --dry-run
usage "--repeat 0" "^lambdactl: option '--repeat' wants a number from 1 to 1000000, not '0'\$" \
	invoke echo --repeat 0
usage "--repeat x" "^lambdactl: option '--repeat' wants a number from 1 to 1000000, not 'x'\$" \
	invoke echo --repeat x
usage "--concurrency 0" "^lambdactl: option '--concurrency' wants a number from 1 to 256, not '0'\$" \
	invoke echo --repeat 2 --concurrency 0
usage "--concurrency 257" "^lambdactl: option '--concurrency' wants a number from 1 to 256, not '257'\$" \
	invoke echo --repeat 2 --concurrency 257
usage "no function" '^lambdactl: usage: lambdactl invoke \[options\] FUNCTION$' invoke
usage "two functions" '^lambdactl: invoke: too many arguments' invoke echo echo
usage "--payload without its value" "^lambdactl: invoke: option '--payload' needs a value \(PAYLOAD\)$" invoke echo --payload

finish
