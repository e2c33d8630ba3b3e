#!/bin/bash
# logs on a terminal: log events (and stream names) may hold escape
# sequences; on a real pseudo-terminal they are shown escaped (^[, \xNN)
# while lambdactl's own colours stay, every --format; piped or with --raw
# they pass byte for byte; an error message from the server is escaped on
# a terminal too, and piped shows its control characters (^[) all the same
# (lambdactl's error line is one line: log.c).  A scripted server plays CloudWatch Logs.
. "$(dirname "$0")/lib.sh"

NOW=$(( $(date +%s) * 1000 ))
python3 - "$TMP/script.json" "$NOW" <<'PY'
import json, sys
now = int(sys.argv[2])
events = [
    {"logStreamName": "2026/11/30/[$LATEST]abc\x1b[8m", "timestamp": now - 2000,
     "ingestionTime": now - 1900, "eventId": "1",
     "message": "title \x1b]0;pwned\x07 and \x1b[2Jclear\n"},
    {"logStreamName": "2026/11/30/[$LATEST]abc", "timestamp": now - 1000,
     "ingestionTime": now - 900, "eventId": "2",
     "message": "csi \x9b31m del \x7f cr \rover"},
]
script = {"routes": [
    {"method": "POST", "path": "^/$", "responses": [{
        "status": 200,
        "body": json.dumps({"events": events, "searchedLogStreams": []},
                           ensure_ascii=False)}]},
]}
json.dump(script, open(sys.argv[1], "w"))
bad = [{"status": 400,
        "headers": {"x-amzn-ErrorType": "InvalidParameterException"},
        "body": {"message": "bad \x1b[5mblink\x1b[0m group"}}]
json.dump(bad, open(sys.argv[1] + ".bad", "w"))
PY
start_stub "$TMP/script.json"
use_env_creds
export AWS_ENDPOINT_URL=$STUB_URL
ESC=$'\e'

# Piped: as sent.
lc logs --group g --format raw
check_status 0 "logs through a pipe exits 0"
check "piped, the events keep their escape sequences byte for byte" \
	grep -qF "title ${ESC}]0;pwned"$'\a'" and ${ESC}[2Jclear" "$OUT"
check "piped, C1, DEL and CR pass too" \
	grep -qF "csi "$'\xc2\x9b'"31m del "$'\x7f'" cr "$'\r'"over" "$OUT"

# On a terminal, without colours: not one ESC byte.
pty_run "$TMP/tty" env NO_COLOR=1 lambdactl logs --group g
check_status 0 "logs on a terminal exits 0"
check "on a terminal, an event's escapes are shown as ^[ and ^G" \
	grep -qF 'title ^[]0;pwned^G and ^[[2Jclear' "$TMP/tty"
check "on a terminal, C1, DEL and CR are shown as \\xNN, ^? and ^M" \
	grep -qF 'csi \xc2\x9b31m del ^? cr ^Mover' "$TMP/tty"
check "on a terminal, the stream name is escaped too (detailed format)" \
	bash -c "env NO_COLOR=1 python3 '$E2E_DIR/ptyrun.py' '$TMP/tty-d' lambdactl logs --group g --format detailed && grep -qF 'abc^[[8m' '$TMP/tty-d'"
check "on a terminal, no ESC or C1 byte reaches it" \
	bash -c "test -s '$TMP/tty' && ! grep -q \$'\\e\\|\\xc2\\x9b' '$TMP/tty' '$TMP/tty-d'"

# With colours (a terminal, TERM set, no NO_COLOR): ours stay, theirs are
# escaped.
TERM=xterm pty_run "$TMP/tty-colour" lambdactl logs --group g
check_status 0 "logs on a terminal with colours exits 0"
check "lambdactl's own dim timestamps still reach the terminal" \
	grep -qF "${ESC}[2m" "$TMP/tty-colour"
check "with colours, the event's escapes are still escaped" \
	grep -qF 'title ^[]0;pwned^G and ^[[2Jclear' "$TMP/tty-colour"
TERM=dumb pty_run "$TMP/tty-dumb" lambdactl logs --group g
check "TERM=dumb: no colour (term_colour's rule)" \
	bash -c "! grep -qF \$'\\e[' '$TMP/tty-dumb' && grep -qF 'clear' '$TMP/tty-dumb'"

# JSON on a terminal: still JSON, same messages.
pty_run "$TMP/tty-json" lambdactl logs --group g --format json
check_status 0 "logs --format json on a terminal exits 0"
check "--format json on a terminal is valid JSON with the same messages" \
	bash -c "jq -se '.[1].message == \"csi \\u009b31m del \\u007f cr \\rover\" and (.[0].message | startswith(\"title \\u001b]0;pwned\"))' '$TMP/tty-json'"
check "--format json on a terminal holds no raw C1 or DEL" \
	bash -c "test -s '$TMP/tty-json' && ! grep -q \$'\\xc2\\x9b\\|\\x7f' '$TMP/tty-json'"

# --raw on a terminal: as sent.
pty_run "$TMP/tty-raw" env NO_COLOR=1 lambdactl logs --group g --raw
check_status 0 "logs --raw on a terminal exits 0"
check "--raw prints the events as they are, even on a terminal" \
	grep -qF "title ${ESC}]0;pwned"$'\a'" and ${ESC}[2Jclear" "$TMP/tty-raw"

# The server's error message.
stop_stub
start_stub "$TMP/script.json.bad"
export AWS_ENDPOINT_URL=$STUB_URL
pty_run "$TMP/tty-err" lambdactl logs --group g
check_status 1 "an error from CloudWatch Logs exits 1"
check "on a terminal, the server's error message is escaped" \
	grep -qF 'bad ^[[5mblink^[[0m group' "$TMP/tty-err"
lc logs --group g
check_err_has "bad \^\[\[5mblink\^\[\[0m group" "piped, the error line stays one line, its control characters shown (^[)"

finish
