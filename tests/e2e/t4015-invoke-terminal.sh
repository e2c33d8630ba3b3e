#!/bin/bash
# invoke on a terminal: a function's response, its log tail, its error
# message and Lambda's headers may hold escape sequences; on a real
# pseudo-terminal they are shown escaped (^[ and \xNN), piped or with --raw
# they pass byte for byte, but in lambdactl's own error line, which shows
# its control characters always (one line: log.c).  A scripted server plays
# Lambda.
. "$(dirname "$0")/lib.sh"

# The response: an OSC window title, SGR colours, a C1 CSI, a BEL, a CR,
# as raw bytes; the error bodies as JSON whose strings decode to them.
ESC=$'\e'
python3 - "$TMP/script.json" <<'PY'
import base64, json, sys
body = '{"msg": "hi \x1b]0;pwned\x07 \x1b[31mred\x1b[0m \x9b2J back\rover"}'
log = base64.b64encode(b"START\n\x1b[2Jcleared\nEND\n").decode()
fn = "^/2015-03-31/functions/%s/invocations"
script = {"routes": [
    {"method": "POST", "path": fn % "ok", "responses": [{
        "status": 200, "body": body,
        "headers": {"X-Amz-Executed-Version": "$LATEST",
                    "x-amzn-RequestId": "req-\x1b[5mblink",
                    "X-Amz-Log-Result": log}}]},
    {"method": "POST", "path": fn % "boom", "responses": [{
        "status": 200, "headers": {"X-Amz-Function-Error": "Unhandled"},
        "body": {"errorType": "Boom\x1b[2J",
                 "errorMessage": "bad \x1b]0;title\x07 thing"}}]},
    {"method": "POST", "path": fn % "denied", "responses": [{
        "status": 403,
        "headers": {"x-amzn-ErrorType": "AccessDeniedException"},
        "body": {"Message": "no \x1b[8mhidden\x1b[0m access \x9b?25l"}}]},
]}
json.dump(script, open(sys.argv[1], "w"))
PY
start_stub "$TMP/script.json"
use_env_creds
export AWS_ENDPOINT_URL_LAMBDA=$STUB_URL

# Piped: the bytes as the function sent them.
lc invoke ok
check_status 0 "invoke through a pipe exits 0"
check "piped, the response keeps its escape sequences byte for byte" \
	grep -qF "hi ${ESC}]0;pwned"$'\a'" ${ESC}[31mred${ESC}[0m "$'\xc2\x9b'"2J back"$'\r'"over" "$OUT"

# On a terminal: escaped.
pty_run "$TMP/tty" lambdactl invoke ok --log -v
check_status 0 "invoke on a terminal exits 0"
check "on a terminal, the response is escaped as ^[ / \\xNN / ^M" \
	grep -qF 'hi ^[]0;pwned^G ^[[31mred^[[0m \xc2\x9b2J back^Mover' "$TMP/tty"
check "on a terminal, no ESC byte reaches it at all" \
	bash -c "test -s '$TMP/tty' && ! grep -q \$'\\e' '$TMP/tty'"
check "on a terminal, no C1 CSI reaches it" \
	bash -c "test -s '$TMP/tty' && ! grep -q \$'\\xc2\\x9b' '$TMP/tty'"
check "the --log tail is escaped" grep -qxF '^[[2Jcleared' "$TMP/tty"
check "the -v line's request id is escaped" \
	grep -qF 'request id req-^[[5mblink' "$TMP/tty"

# --raw on a terminal: as sent.
pty_run "$TMP/tty-raw" lambdactl invoke ok --raw
check_status 0 "invoke --raw on a terminal exits 0"
check "--raw prints the escape sequences as they are, even on a terminal" \
	grep -qF "hi ${ESC}]0;pwned"$'\a'" ${ESC}[31mred" "$TMP/tty-raw"

# -o json on a terminal: \u escapes, still JSON.
pty_run "$TMP/tty-json" lambdactl -o json invoke ok
check_status 0 "invoke -o json on a terminal exits 0"
# Raw control characters in its strings make the body no JSON (RFC 8259):
# the payload is then the body as a string, escaped, never parsed leniently.
check "-o json on a terminal stays valid JSON, the payload the body as a string" \
	python3 -c 'import json, sys
body = "{\"msg\": \"hi \x1b]0;pwned\x07 \x1b[31mred\x1b[0m \x9b2J back\rover\"}"
sys.exit(json.load(open(sys.argv[1]))["payload"] != body)' "$TMP/tty-json"
check "-o json on a terminal holds no C1 CSI" \
	bash -c "test -s '$TMP/tty-json' && ! grep -q \$'\\xc2\\x9b' '$TMP/tty-json'"

# The function's error message, in lambdactl's error line.
lc invoke boom
check_status 4 "a function error exits 4"
check_err_has "^lambdactl: boom: function error \(Unhandled\): Boom\^\[\[2J: bad \^\[\]0;title\^G thing$" \
	"piped, the error line stays one line, its control characters shown (^[)"
pty_run "$TMP/tty-boom" lambdactl invoke boom
check_status 4 "a function error on a terminal exits 4"
check "on a terminal, the function's errorType and errorMessage are escaped" \
	grep -qF 'lambdactl: boom: function error (Unhandled): Boom^[[2J: bad ^[]0;title^G thing' "$TMP/tty-boom"

# A server's own error message.
pty_run "$TMP/tty-denied" lambdactl invoke denied
check_status 1 "an AWS error on a terminal exits 1"
check "on a terminal, the server's error message is escaped" \
	grep -qF 'no ^[[8mhidden^[[0m access' "$TMP/tty-denied"
check "on a terminal, nothing of it reaches the terminal raw" \
	bash -c "test -s '$TMP/tty-denied' && ! grep -q \$'\\e\\|\\xc2\\x9b' '$TMP/tty-denied'"
pty_run "$TMP/tty-denied-json" lambdactl -o json invoke denied
check_status 1 "an AWS error under -o json on a terminal exits 1"
check "under -o json on a terminal, the error object is valid JSON with the message" \
	bash -c "jq -e '.error.message | endswith(\"no \\u001b[8mhidden\\u001b[0m access \\u009b?25l\")' '$TMP/tty-denied-json'"
check "under -o json on a terminal, no C1 control reaches it raw" \
	bash -c "test -s '$TMP/tty-denied-json' && ! grep -q \$'\\xc2\\x9b' '$TMP/tty-denied-json'"

finish
