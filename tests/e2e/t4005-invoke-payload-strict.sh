#!/bin/bash
# invoke checks a payload as Lambda reads JSON (RFC 8259, strictly), before
# anything is sent: what cJSON let through (a byte order mark, raw control
# characters and NUL bytes in strings, invalid UTF-8, 01, 1., lone
# surrogates) is refused with FILE:LINE:COL and exit 3, with no request
# reaching the server (tests/e2e/stub.py echoing) and, with --local, no
# build run; what cJSON refused but Lambda takes (100,000 levels of
# nesting) goes through byte for byte.  --client-context: JSON, and at
# most 3,583 bytes once base64-encoded.
. "$(dirname "$0")/lib.sh"
use_env_creds

provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<'YML'
  f: { timeout: 3, build: "touch built" }
YML
jq -n '{routes: [{method: "POST", path: "/invocations(\\?|$)", responses: [{echo: true}]}]}' >"$TMP/script.json"
start_stub "$TMP/script.json"
n_req() { wc -l <"$STUB_LOG"; }
li() { lc --endpoint-url "$STUB_URL" "$@"; }

# refused FILE WANT DESC: refused remotely and with --local, nothing sent,
# nothing built.
refused() {
	local file=$1 want=$2 desc=$3 n
	n=$(n_req)
	li invoke f --payload "$file"
	check_status 3 "$desc: exit 3"
	check_err_eq "lambdactl: $want" "$desc: FILE:LINE:COL and the reason"
	check_out_eq "" "$desc: nothing on stdout"
	check "$desc: no request reached the server" test "$(n_req)" -eq "$n"
	lc invoke f --local --payload "$file"
	check_status 3 "$desc, --local: exit 3"
	check_err_eq "lambdactl: $want" "$desc, --local: the same error"
	check "$desc, --local: refused before the build ran" test ! -e built
}

printf '\xef\xbb\xbf{"a": 1}' >bom.json
refused bom.json "bom.json:1:1: invalid JSON: a byte order mark (JSON sent over a network must not start with one)" "a UTF-8 byte order mark"
printf '{\n  "msg": "tab\there"\n}\n' >ctl.json
refused ctl.json "ctl.json:2:14: invalid JSON: unescaped control character U+0009 in a string" "a raw tab in a string"
printf '{"a": "x\0y"}' >nul.json
refused nul.json "nul.json:1:9: invalid JSON: unescaped control character U+0000 in a string" "a NUL byte in a string"
printf '{"a": 1}\0' >nul-after.json
refused nul-after.json "nul-after.json:1:9: invalid JSON: more text after the JSON value" "a NUL byte after the value"
printf '{"name": "caf\xe9"}' >latin1.json
refused latin1.json "latin1.json:1:14: invalid JSON: invalid UTF-8 (byte 0x22 after a lead byte)" "Latin-1, not UTF-8"
printf '["\xed\xa0\x80"]' >surrogate-utf8.json
refused surrogate-utf8.json "surrogate-utf8.json:1:3: invalid JSON: invalid UTF-8 (byte 0xa0 after a lead byte)" "a UTF-8-encoded surrogate"
printf '{"n": 01}' >zero.json
refused zero.json "zero.json:1:7: invalid JSON: a number with a leading zero" "01"
printf '{"n": 1.}' >dot.json
refused dot.json "dot.json:1:9: invalid JSON: expected a digit after '.', found '}'" "1."
printf '{"s": "\\ud83d"}' >lone.json
refused lone.json "lone.json:1:8: invalid JSON: lone high surrogate \\uD83D (a \\uDC00 to \\uDFFF must follow)" "a lone high surrogate"
printf '{"s": "\\udE00"}' >low.json
refused low.json "low.json:1:8: invalid JSON: lone low surrogate \\uDE00" "a lone low surrogate"

# The same on stdin and inline, each named as such.
n=$(n_req)
"$LAMBDACTL" --endpoint-url "$STUB_URL" invoke f --payload - <ctl.json >"$OUT" 2>"$ERR"
status=$?
check_status 3 "a raw tab on stdin: exit 3"
check_err_eq "lambdactl: (stdin):2:14: invalid JSON: unescaped control character U+0009 in a string" "stdin: named (stdin)"
li invoke f --payload "$(printf '{"a":\n 01}')"
check_status 3 "inline 01: exit 3"
check_err_eq "lambdactl: --payload:2:2: invalid JSON: a number with a leading zero" "inline: named --payload, line 2"
check "stdin and inline refusals: nothing sent" test "$(n_req)" -eq "$n"

# Accepted: what is valid goes through unchanged.
python3 -c 'import sys; n = 100000; sys.stdout.write("[" * n + "{\"k\": \"\\ud83d\\ude00 caf\xc3\xa9\"}" + "]" * n)' >deep.json
li invoke f --payload deep.json
check_status 0 "100,000 levels of nesting (cJSON's limit is 1,000): accepted"
check "100,000 levels: the server got the file byte for byte (echoed)" cmp "$OUT" deep.json
printf '{"s": "\\uD83D\\uDE00 \\u0000 \xf0\x9f\x98\x80", "n": [-0, 0.5e-7, 1E+400]}' >edge.json
li invoke f --payload edge.json
check_status 0 "surrogate pairs, an escaped NUL, 4-byte UTF-8 and big exponents: accepted"
check "edge cases: sent byte for byte" cmp "$OUT" edge.json

# --client-context: at most 3,583 bytes of base64 (2,685 bytes of JSON).
cc_of() { python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("{\"custom\": \"" + "x" * (n - 14) + "\"}")' "$1"; }
li invoke f --client-context "$(cc_of 2685)"
check_status 0 "a 2,685-byte client context (3,580 in base64): accepted"
check "the client context went out in full" \
	test "$(jq -s -r 'last | .headers | to_entries[] | select(.key | ascii_downcase == "x-amz-client-context") | .value | length' "$STUB_LOG")" -eq 3580
n=$(n_req)
li invoke f --client-context "$(cc_of 2686)"
check_status 3 "a 2,686-byte client context (3,584 in base64): exit 3"
check_err_eq "lambdactl: --client-context is 2686 bytes, 3584 in base64: over Lambda's limit of 3583" "the limit is named"
lc invoke f --local --client-context "$(cc_of 2686)"
check_status 3 "--local: the same limit"
li invoke f --client-context '{"custom": {"a": 01}}'
check_status 3 "a client context that is not strict JSON: exit 3"
check_err_eq "lambdactl: --client-context:1:18: invalid JSON: a number with a leading zero" "the client context's error has LINE:COL"
check "refused client contexts: nothing sent" test "$(n_req)" -eq "$n"
check "--local refusals never ran the build" test ! -e built
stop_stub

finish
