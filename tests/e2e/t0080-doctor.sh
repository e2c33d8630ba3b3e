#!/bin/bash
# lambdactl doctor: every check against moto (all ok), then one thing wrong
# at a time -- no credentials, a bad lambda.yml, a missing artifact, a
# server clock 10 and 2 minutes off (tests/e2e/stub.py), a closed port,
# credentials refused, no python3 on PATH -- each failing (exit 3) or
# warning (exit 0) on its own line while the other checks still run; every
# -o json output validated against schema/lambdactl-doctor.json.  Also: a
# missing file -f names, artifacts package refuses (empty, unreadable), a
# Date missing or garbled, a refusal that is the clock's, a secret a server
# quotes (redacted in text and JSON), a short key id, a java that hangs.
. "$(dirname "$0")/lib.sh"
SCHEMA=$SRC_DIR/schema/lambdactl-doctor.json

# valid_json DESC: $OUT is one JSON object that the schema accepts.
valid_json() {
	check "$1: -o json matches schema/lambdactl-doctor.json" python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema,
                    cls=jsonschema.Draft202012Validator)' "$SCHEMA" "$OUT"
}
# status_of NAME: the JSON status of the first check NAME in $OUT.
status_of() { jq -r --arg n "$1" '[.checks[] | select(.name == $n)][0].status' "$OUT"; }

start_moto
use_env_creds
start_proxy "$MOTO_URL"
provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<'YML'
  hello: { timeout: 3 }
YML

# 1. All well: every line ok, exit 0, one signed request.
lc doctor --endpoint-url "$PROXY_URL"
check_status 0 "doctor: all well exits 0"
check_out_has '^ok   manifest     lambda\.yml: 1 function$' "lambda.yml checked"
check_out_has '^ok   region       us-east-1 \(from AWS_REGION\)$' "region and where it came from"
check_out_has '^ok   credentials  from environment \(\*\*\*\*TEST\)$' \
	"credentials: the source, and only the key id's last 4 characters"
check_out_has "^ok   endpoint     http://127\.0\.0\.1:[0-9]+ answered in [0-9]+ ms; credentials accepted\$" \
	"endpoint reachable, timed, credentials accepted"
check_out_has "^ok   clock        local clock within [0-9]+ s of the server's\$" "clock in step with moto's"
check_out_has '^ok   artifact     hello: target/bootstrap \(file\)$' "the artifact is there"
check_out_lacks 'secret|EXAMPLE0000|AKIDLAMBDACTL' "no secret, no whole key id"
check_out_lacks $'\033' "no colour when stdout is not a terminal"
check "no FAIL, warn or skip line" test "$(grep -Ec '^(FAIL|warn|skip)' "$OUT")" = 0
check_err_eq "" "nothing on stderr"
check "one signed ListFunctions of one function reached the endpoint" \
	test "$(proxy_count GET '/2015-03-31/functions/\?MaxItems=1')" = 1

lc doctor --endpoint-url "$MOTO_URL" -o json
check_status 0 "doctor -o json: all well exits 0"
valid_json "all well"
check "JSON: ok true, every check ok, in order" jq -e \
	'.ok == true and ([.checks[].name] == ["manifest","region","credentials","endpoint","clock","artifact"]) and all(.checks[]; .status == "ok")' "$OUT"

# 2. No credentials: FAIL, exit 3, the checks needing them skipped, the
# others still run.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "no credentials: exit 3 (LC_ECONFIG)"
check_out_has '^FAIL credentials  no credentials found' "no credentials: FAIL line"
check_out_has '^skip endpoint     needs credentials$' "no credentials: endpoint skipped, saying why"
check_out_has '^skip clock        needs an answer from the endpoint$' "no credentials: clock skipped"
check_out_has '^ok   artifact     hello: ' "no credentials: the artifact is still checked"
check_err_eq "lambdactl: doctor: 1 check failed" "stderr says how many failed"
lc doctor --endpoint-url "$MOTO_URL" -o json
check_status 3 "no credentials, -o json: exit 3"
valid_json "no credentials"
check "JSON: ok false, credentials fail, endpoint and clock skip" jq -e \
	'.ok == false and ([.checks[] | select(.status == "fail") | .name] == ["credentials"]) and ([.checks[] | select(.status == "skip") | .name] == ["endpoint","clock"])' "$OUT"
check "JSON mode prints no error object (the checks say it)" jq -e 'has("error") | not' "$OUT"
use_env_creds

# Credentials from a profile: the source names it.
export AWS_CONFIG_FILE=$TMP/aws-config AWS_SHARED_CREDENTIALS_FILE=$TMP/aws-credentials
printf '[default]\nregion = eu-west-3\n' >"$AWS_CONFIG_FILE"
printf '[default]\naws_access_key_id = AKIAPROFILEKEYWXYZ\naws_secret_access_key = s3cr3t/profile\n' >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
lc doctor --endpoint-url "$MOTO_URL"
check_status 0 "profile credentials: exit 0"
check_out_has "^ok   region       eu-west-3 \\(from profile 'default'\\)\$" "region from the profile"
check_out_has '^ok   credentials  from profile default \(\*\*\*\*WXYZ\)$' "credentials from the profile's keys"
check_out_lacks 's3cr3t|AKIAPROFILE' "no secret, no whole key id (profile)"
unset AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
use_env_creds

# 3. A bad lambda.yml: FAIL naming file:line:col; the rest still runs.
cp lambda.yml good.yml
printf 'memroy: 128\n' >>lambda.yml
lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "bad lambda.yml: exit 3"
check_out_has "^FAIL manifest     lambda\\.yml:[0-9]+:[0-9]+: unknown key 'memroy'" "bad lambda.yml: FAIL names file:line:col"
check_out_has '^ok   credentials  ' "bad lambda.yml: credentials still checked"
check_out_has '^ok   endpoint     ' "bad lambda.yml: endpoint still checked"
check_out_has '^skip artifact     lambda\.yml is invalid$' "bad lambda.yml: artifacts skipped"
lc doctor --endpoint-url "$MOTO_URL" -o json
valid_json "bad lambda.yml"
check "JSON: the manifest check fails" test "$(status_of manifest)" = fail
cp good.yml lambda.yml

# No lambda.yml at all: skipped, not failed.
mkdir empty
cd empty || exit 1
lc doctor --endpoint-url "$MOTO_URL"
cd .. || exit 1
check_status 0 "no lambda.yml: exit 0"
check_out_has '^skip manifest     no lambda\.yml here' "no lambda.yml: manifest skipped"

# A lambda.yml that -f or LAMBDACTL_MANIFEST names must be there, even
# when it is ./lambda.yml.
cd empty || exit 1
lc doctor --endpoint-url "$MOTO_URL" -f lambda.yml
check_status 3 "-f lambda.yml, missing: exit 3"
check_out_has '^FAIL manifest     .*lambda\.yml' "-f lambda.yml, missing: FAIL, not skip"
LAMBDACTL_MANIFEST=lambda.yml lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "LAMBDACTL_MANIFEST=lambda.yml, missing: exit 3"
check_out_has '^FAIL manifest     .*lambda\.yml' "LAMBDACTL_MANIFEST=lambda.yml, missing: FAIL, not skip"
cd .. || exit 1

# 4. A missing artifact: FAIL; with a build step that makes it, a warning.
mv target/bootstrap target/gone
lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "missing artifact: exit 3"
check_out_has "^FAIL artifact     hello: target/bootstrap missing \\(and no 'build' to make it\\)\$" "missing artifact: FAIL names function and path"
sed -i 's|^artifact: target/bootstrap$|artifact: target/bootstrap\nbuild: make bootstrap|' lambda.yml
lc doctor --endpoint-url "$MOTO_URL"
check_status 0 "missing artifact with a build step: exit 0"
check_out_has "^warn artifact     hello: target/bootstrap missing; its build \\('make bootstrap'\\) makes it\$" "missing artifact with a build: a warning"
cp good.yml lambda.yml
mv target/gone target/bootstrap

# What deploy would refuse, doctor refuses: an empty directory, an
# artifact stat(2) cannot read (a symlink loop) -- not "missing".
mkdir emptydir
sed -i 's|^artifact: target/bootstrap$|artifact: emptydir|' lambda.yml
lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "empty artifact directory: exit 3"
check_out_has "^FAIL artifact     hello: artifact directory 'emptydir' is empty\$" "empty artifact directory: FAIL, as package says"
lc package
check "package refuses it with the same words" grep -q "artifact directory 'emptydir' is empty" "$ERR"
ln -s loop target/loop
sed -i 's|^artifact: emptydir$|artifact: target/loop|' lambda.yml
lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "unreadable artifact: exit 3"
check_out_has "^FAIL artifact     hello: cannot read artifact 'target/loop': " "a symlink loop: cannot read it, not missing"
check_out_lacks "missing" "a symlink loop is not called missing"
cp good.yml lambda.yml
rm target/loop

# An artifact named by an unset variable: only deploying needs it.
sed -i 's|^artifact: target/bootstrap$|artifact: ${env:NOPE_ART}|' lambda.yml
lc doctor --endpoint-url "$MOTO_URL"
check_status 0 "artifact from an unset variable: exit 0"
check_out_has "^warn manifest     lambda\\.yml: 1 function; deploying needs a variable: .*NOPE_ART" "unset variable: the manifest warns"
check_out_has "^warn artifact     hello: 'artifact' uses an unset variable\$" "unset variable: the artifact warns"
cp good.yml lambda.yml

# 5. The server's clock off: 10 minutes (fail), 2 minutes (warn).
# stub_date OFFSET: a stub answering ListFunctions with Date now+OFFSET.
stub_date() {
	local d body='{"Functions":[]}'
	d=$(LC_ALL=C date -u -d "$1" '+%a, %d %b %Y %H:%M:%S GMT')
	python3 -c 'import json, sys
body = sys.argv[2]
raw = ("HTTP/1.1 200 OK\r\nDate: %s\r\nContent-Type: application/json\r\n"
       "Content-Length: %d\r\n\r\n%s" % (sys.argv[1], len(body), body))
json.dump([{"raw": raw}], open(sys.argv[3], "w"))' "$d" "$body" "$TMP/stub.json"
	stop_stub
	start_stub "$TMP/stub.json"
}
stub_date '+10 min'
lc doctor --endpoint-url "$STUB_URL"
check_status 3 "server 10 min ahead: exit 3"
check_out_has "^FAIL clock        local clock (9 min [0-9]+ s|10 min) behind the server's: AWS refuses" "server 10 min ahead: FAIL clock, local clock behind"
check_out_has '^ok   endpoint     ' "server 10 min ahead: the endpoint still answered"
lc doctor --endpoint-url "$STUB_URL" -o json
valid_json "clock 10 min off"
check "JSON: the clock check fails" test "$(status_of clock)" = fail

stub_date '-10 min'
lc doctor --endpoint-url "$STUB_URL"
check_status 3 "server 10 min behind: exit 3"
check_out_has "^FAIL clock        local clock (9 min [0-9]+ s|10 min|11 min) ahead of the server's" "server 10 min behind: local clock ahead"

stub_date '+2 min'
lc doctor --endpoint-url "$STUB_URL"
check_status 0 "server 2 min ahead: exit 0 (a warning)"
check_out_has "^warn clock        local clock (1[0-9][0-9] s|[23] min( [0-9]+ s)?) behind the server's \\(" "server 2 min ahead: warn clock"
lc doctor --endpoint-url "$STUB_URL" -o json
check_status 0 "server 2 min ahead, -o json: exit 0"
valid_json "clock 2 min off"
check "JSON: clock warns, ok stays true" jq -e \
	'.ok == true and ([.checks[] | select(.name == "clock")][0].status == "warn")' "$OUT"

# stub_raw STATUS HEADERS BODY: a stub answering with exactly this
# (HEADERS: lines joined by \r\n, no Date unless given).
stub_raw() {
	python3 -c 'import json, sys
st, hd, body = sys.argv[1:4]
raw = ("HTTP/1.1 %s\r\n%s%sContent-Type: application/json\r\n"
       "Content-Length: %d\r\n\r\n%s" % (st, hd, "\r\n" if hd else "",
                                          len(body), body))
json.dump([{"raw": raw}], open(sys.argv[4], "w"))' "$1" "$2" "$3" "$TMP/stub.json"
	stop_stub
	start_stub "$TMP/stub.json"
}
stub_raw "200 OK" "" '{"Functions":[]}'
lc doctor --endpoint-url "$STUB_URL"
check_status 0 "no Date header: exit 0 (a warning)"
check_out_has "^warn clock        the endpoint's answer has no Date header: cannot compare\$" "no Date header: warn, cannot compare"
stub_raw "200 OK" "Date: yesterday" '{"Functions":[]}'
lc doctor --endpoint-url "$STUB_URL"
check_out_has "^warn clock        the endpoint's Date header is not an HTTP date: cannot compare\$" "a garbled Date: warn, cannot compare"

# The clock over 5 min off and the request refused: the clock's fault,
# not the credentials'.
d=$(LC_ALL=C date -u -d '+10 min' '+%a, %d %b %Y %H:%M:%S GMT')
stub_raw "403 Forbidden" "Date: $d"$'\r\n'"x-amzn-ErrorType: InvalidSignatureException" \
	'{"message": "Signature expired: 20261130T100000Z is now earlier than 20261130T100500Z"}'
lc doctor --endpoint-url "$STUB_URL"
check_status 3 "signature expired: exit 3"
check_out_has "^FAIL endpoint     $STUB_URL refused the request: the local clock is off \\(see clock\\)" "signature expired: the endpoint line blames the clock"
check_out_lacks "refused the credentials" "signature expired: not blamed on the credentials"
check_out_has "^FAIL clock        local clock " "signature expired: the clock fails"

# A server quoting a secret: redacted in text and in JSON.
printf '[{"status": 400, "headers": {"x-amzn-ErrorType": "InvalidParameterValueException"}, "body": {"message": "bad %s thing"}}]' \
	"$AWS_SECRET_ACCESS_KEY" >"$TMP/stub.json"
stop_stub
start_stub "$TMP/stub.json"
lc doctor --endpoint-url "$STUB_URL"
check_out_has '^FAIL endpoint     .*bad <redacted> thing' "a quoted secret: redacted in text"
check_out_lacks 'EXAMPLE0000' "a quoted secret: not in text"
stop_stub
start_stub "$TMP/stub.json"
lc doctor --endpoint-url "$STUB_URL" -o json
valid_json "a quoted secret"
check_out_lacks 'EXAMPLE0000' "a quoted secret: not in -o json"
check "JSON: the endpoint detail redacted" jq -e \
	'[.checks[] | select(.name == "endpoint")][0].detail | test("bad <redacted> thing")' "$OUT"
stop_stub

# A key id shorter than 8 characters: none of it shown.
AWS_ACCESS_KEY_ID=AKID7 lc doctor --endpoint-url "$MOTO_URL"
check_out_has '^ok   credentials  from environment \(\*\*\*\*\)$' "a short key id: only the stars"
check_out_lacks 'AKID7' "a short key id: not shown"

# An endpoint refusing the credentials.
printf '[{"status": 403, "headers": {"x-amzn-ErrorType": "UnrecognizedClientException"}, "body": {"message": "The security token included in the request is invalid."}}]' >"$TMP/stub.json"
stop_stub
start_stub "$TMP/stub.json"
lc doctor --endpoint-url "$STUB_URL"
check_status 3 "credentials refused: exit 3"
check_out_has "^FAIL endpoint     $STUB_URL refused the credentials: .*UnrecognizedClientException" "credentials refused: FAIL endpoint saying so"
check "the refused request was tried once" test "$(wc -l <"$STUB_LOG")" = 1
check "the request was signed (SigV4) with the environment's key" jq -e \
	'.headers.Authorization | startswith("AWS4-HMAC-SHA256 Credential=AKIDLAMBDACTLTEST/")' "$STUB_LOG"
stop_stub

# 6. The endpoint unreachable: a closed loopback port; quick, bounded.
port=$(free_port)
start=$(date +%s)
lc doctor --endpoint-url "http://127.0.0.1:$port"
check_status 3 "unreachable endpoint: exit 3"
check_out_has "^FAIL endpoint     http://127\\.0\\.0\\.1:$port unreachable: " "unreachable endpoint: FAIL endpoint"
check_out_has '^skip clock        needs an answer from the endpoint$' "unreachable endpoint: clock skipped"
check_out_has '^ok   artifact     hello: ' "unreachable endpoint: artifacts still checked"
check "unreachable endpoint: done within 20 s" test $(($(date +%s) - start)) -lt 20
lc doctor --endpoint-url "http://127.0.0.1:$port" -o json
valid_json "unreachable endpoint"

# 7. A python function without python3 on PATH: FAIL; with it: ok.
mkdir -p src nopy
printf 'def handler(e, c):\n    return e\n' >src/app.py
cat >>lambda.yml <<'YML'
  py:
    runtime: python3.12
    handler: app.handler
    artifact: src
YML
unset LAMBDACTL_PYTHON
PATH=$TMP/nopy lc doctor --endpoint-url "$MOTO_URL"
check_status 3 "no python3 on PATH: exit 3"
check_out_has "^FAIL python3      no 'python3' on PATH: install Python 3 \\(Debian: python3\\) \\(or set LAMBDACTL_PYTHON\\); local runs of py need it\$" "no python3 on PATH: FAIL saying what to install"
check_out_has '^ok   artifact     py: src \(directory\)$' "the python function's directory artifact"
lc doctor --endpoint-url "$MOTO_URL"
check_status 0 "python3 on PATH: exit 0"
check_out_has "^ok   python3      /.*python3\$" "python3 on PATH: its path"
check_out_lacks '^(java|node) ' "no java or node line without such functions"
PATH=$TMP/nopy lc doctor --endpoint-url "$MOTO_URL" -o json
valid_json "no python3"
check "JSON: python3 fails" test "$(status_of python3)" = fail

# A java that never answers 'java -version': a warning after 10 s, and
# the process it started is killed with it.
mkdir -p slowjava/bin
printf '#!/bin/sh\nsleep 120 &\necho $! >%s/slowjava/child\nwait\n' "$TMP" >slowjava/bin/java
chmod +x slowjava/bin/java
printf 'PK' >target/app.jar
cp lambda.yml pre-java.yml
cat >>lambda.yml <<'YML'
  jv:
    runtime: java21
    handler: example.Handler::handleRequest
    artifact: target/app.jar
YML
start=$(date +%s)
LAMBDACTL_JAVA=$TMP/slowjava/bin/java lc doctor --endpoint-url "$MOTO_URL"
took=$(($(date +%s) - start))
check_status 0 "java -version hangs: exit 0 (a warning)"
check_out_has "^warn java         '$TMP/slowjava/bin/java -version' did not answer in 10 s; killed it\$" "java -version hangs: warn, saying so"
check "java -version hangs: done within 10 to 40 s (took $took s)" test "$took" -ge 10 -a "$took" -lt 40
# Gone, or a zombie that init has yet to reap: not running.
check "java -version hangs: what it started was killed too" \
	bash -c 's=$(ps -o stat= -p "$(cat "$1")"); [ -z "$s" ] || [ "${s#Z}" != "$s" ]' _ "$TMP/slowjava/child"
cp pre-java.yml lambda.yml

# On a terminal: the status in colour; a server's escape sequence shown,
# not obeyed; NO_COLOR: no colour.
printf '[{"status": 400, "headers": {"x-amzn-ErrorType": "InvalidParameterValueException"}, "body": {"message": "bad \\u001b]0;owned\\u0007 thing"}}]' >"$TMP/stub.json"
start_stub "$TMP/stub.json"
TERM=xterm pty_run "$TMP/tty" lambdactl doctor --endpoint-url "$STUB_URL"
check_status 3 "terminal: exit 3"
check "terminal: FAIL in red" grep -q $'^\033\\[1;31mFAIL\033\\[0m endpoint' "$TMP/tty"
check "terminal: ok in green" grep -q $'^\033\\[32mok  \033\\[0m manifest' "$TMP/tty"
check "terminal: the server's escape sequence is shown escaped" grep -q 'bad \^\[\]0;owned\^G thing' "$TMP/tty"
check "terminal: the raw escape sequence is not printed" bash -c "! grep -q \$'\\033]0;owned' '$TMP/tty'"
NO_COLOR=1 TERM=xterm pty_run "$TMP/tty" lambdactl doctor --endpoint-url "$STUB_URL"
check "terminal, NO_COLOR: no colour" bash -c "! grep -q \$'\\033\\\\[' '$TMP/tty'"
check "terminal, NO_COLOR: the lines as they are" grep -q '^FAIL endpoint ' "$TMP/tty"
stop_stub

# Usage: no arguments.
lc doctor extra
check_status 2 "an argument is a usage error"

finish
