#!/bin/bash
# serve's Invoke API refuses what Lambda refuses: a request body that is not
# strictly JSON (RFC 8259: control characters, a byte order mark, invalid
# UTF-8, 01) gets 400 InvalidRequestContentException with the line and
# column, and the function never sees it; valid bodies, 100,000 levels
# deep included, are answered as before.  Requests go in with curl, so that
# nothing on the client side checks them first.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP
export AWS_ACCESS_KEY_ID=AKIDSERVE AWS_SECRET_ACCESS_KEY=serve-secret-0000 AWS_REGION=us-east-1

start_serve echo
INV=$URL/2015-03-31/functions/echo/invocations

# post FILE [TYPE]: POSTs FILE; sets $code, the body in $OUT, headers in $TMP/h.
post() {
	code=$(curl -sS -m 20 -o "$OUT" -D "$TMP/h" -w '%{http_code}' \
		-H "X-Amz-Invocation-Type: ${2:-RequestResponse}" --data-binary @"$1" "$INV")
}
handled() { grep -c '^echo: handling' "$TMP/serve.err"; }

# refused FILE MESSAGE DESC
refused() {
	local n
	n=$(handled)
	post "$1" "${4:-}"
	check "$3: 400" test "$code" = 400
	check "$3: InvalidRequestContentException" grep -qi '^x-amzn-ErrorType: InvalidRequestContentException' "$TMP/h"
	check "$3: the message names line, column and reason" \
		jq -e --arg m "Could not parse request body into json: $2" '.message == $m' "$OUT"
	check "$3: the function never ran" test "$(handled)" -eq "$n"
}

printf '{"a": "tab\there"}' >ctl.json
refused ctl.json "line 1, column 11: unescaped control character U+0009 in a string" "a raw tab in a string"
printf '\xef\xbb\xbf{}' >bom.json
refused bom.json "line 1, column 1: a byte order mark (JSON sent over a network must not start with one)" "a byte order mark"
printf '{\n"a": "\xff"}' >utf8.json
refused utf8.json "line 2, column 7: invalid UTF-8 (byte 0xff)" "invalid UTF-8"
printf '[01]' >zero.json
refused zero.json "line 1, column 2: a number with a leading zero" "01" Event
printf '{"a": 1' >cut.json
refused cut.json "line 1, column 8: unexpected end: expected ',' or '}'" "a cut document"

printf '{"ok": "caf\xc3\xa9"}' >good.json
post good.json
check "a valid body: 200" test "$code" = 200
check "a valid body: echoed" cmp "$OUT" good.json
python3 -c 'import sys; n = 100000; sys.stdout.write("[" * n + "]" * n)' >deep.json
post deep.json
check "100,000 levels of nesting: 200" test "$code" = 200
check "100,000 levels: echoed whole" cmp "$OUT" deep.json
: >empty.json
post empty.json
check "an empty body is {} as before: 200" test "$code" = 200
check "an empty body: the function got {}" test "$(cat "$OUT")" = "{}"

stop_serve
finish
