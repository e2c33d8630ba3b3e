#!/bin/bash
# Every command's --output json, real outputs against moto (a credstub for
# login), validated with Python's jsonschema (Draft202012Validator) against
# schema/lambdactl-CMD.json: whoami, validate, package (and --upload, and a
# function that fails), list (in sync, differs, not deployed, not in
# lambda.yml), invoke (synchronous, --event, --dry-run, --repeat), versions,
# promote, rollback, logs (a stream: one object a line), init, login,
# delete (deleted, and a failure); error objects against
# lambdactl-error.json.  Piped, every result is one line, exactly what
# Python's json.dumps(separators=(',', ':'), ensure_ascii=False) prints of
# it; on a terminal (tests/e2e/ptyrun.py), json.dumps(indent=2).  The
# schemas themselves: draft 2020-12, additionalProperties false on every
# object but the maps named in MAPS, snake_case names, every required name
# a property; every command `lambdactl --list-commands` lists has a schema
# or is in NO_JSON (so a new command without one fails here), and every
# schema is exercised above.
. "$(dirname "$0")/lib.sh"
SCHEMA=$SRC_DIR/schema
# Commands whose only JSON is the error object: no result of their own.
NO_JSON="help serve"
# Objects with free keys (maps), allowed an additionalProperties schema.
MAPS="validate:functions.tags"

# schema_ok NAME FILE [--lines]: FILE (one JSON text; --lines: one a line)
# is accepted by schema/lambdactl-NAME.json; duplicate keys, NaN and
# Infinity are refused as not JSON.
schema_ok() {
	python3 - "$SCHEMA/lambdactl-$1.json" "$2" "${3-}" <<'PY'
import json, sys
from jsonschema import Draft202012Validator

def no_dups(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in %r" % keys)
    return dict(pairs)

def bad_constant(c):
    raise ValueError("not JSON: " + c)

def load(s):
    return json.loads(s, object_pairs_hook=no_dups, parse_constant=bad_constant)

schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
text = open(sys.argv[2], encoding="utf-8").read()
docs = [load(l) for l in text.splitlines()] if sys.argv[3] == "--lines" else [load(text)]
if not docs:
    sys.exit("no JSON at all")
bad = 0
for d in docs:
    for e in v.iter_errors(d):
        print("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message))
        bad = 1
sys.exit(bad)
PY
}

# layout FILE compact|pretty: FILE is, byte for byte, what Python prints of
# the JSON it holds (json.dumps, compact or indent=2), and a newline.
layout() {
	python3 - "$1" "$2" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8")
v = json.loads(raw)
want = (json.dumps(v, separators=(",", ":"), ensure_ascii=False) if sys.argv[2] == "compact"
        else json.dumps(v, indent=2, ensure_ascii=False)) + "\n"
if raw != want:
    sys.exit("got:\n%r\nwant:\n%r" % (raw[:600], want[:600]))
PY
}

COVERED=" "
# result NAME DESC: the last lc's stdout, piped, is one line, laid out as
# Python's compact json.dumps, and schema/lambdactl-NAME.json accepts it.
result() {
	check "$2: one line" test "$(wc -l <"$OUT")" -eq 1
	check "$2: the compact layout" layout "$OUT" compact
	check "$2: matches schema/lambdactl-$1.json" schema_ok "$1" "$OUT"
	COVERED="$COVERED$1 "
}
# error_result STATUS DESC: the last lc failed with STATUS and printed an
# error object lambdactl-error.json accepts, whose status is STATUS.
error_result() {
	check_status "$1" "$2: exit $1"
	result error "$2"
	check "$2: error.status is the exit status" jq -e --argjson s "$1" '.error.status == $s' "$OUT"
}

# ---- The schemas themselves ----
# lint_schemas DIR: every DIR/lambdactl-*.json is draft 2020-12, every
# object in it additionalProperties false (MAPS: a schema), its names
# snake_case, its required names properties.
lint_schemas() {
	python3 - "$1" "$MAPS" <<'PY'
import glob, json, os, re, sys
from jsonschema import Draft202012Validator
maps = set(sys.argv[2].split())
bad = []
def walk(name, path, s):
    if isinstance(s, list):
        for x in s:
            walk(name, path, x)
        return
    if not isinstance(s, dict):
        return
    if s.get("type") == "object" or "properties" in s:
        ap = s.get("additionalProperties")
        where = name + ":" + ".".join(path)
        if where in maps:
            if not isinstance(ap, dict):
                bad.append(where + ": a map without an additionalProperties schema")
        elif ap is not False:
            bad.append(where + ": additionalProperties is not false")
        for k in s.get("properties", {}):
            if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", k):
                bad.append(where + ": %r is not snake_case" % k)
        for k in s.get("required", []):
            if k not in s.get("properties", {}):
                bad.append(where + ": required %r is no property" % k)
    for k, x in s.items():
        if k == "properties":
            for p, y in x.items():
                walk(name, path + [p], y)
        elif k != "additionalProperties" or isinstance(x, dict):
            walk(name, path, x)
files = sorted(glob.glob(os.path.join(sys.argv[1], "lambdactl-*.json")))
if not files:
    bad.append("no schema found")
for f in files:
    s = json.load(open(f))
    name = os.path.basename(f)[len("lambdactl-"):-len(".json")]
    if s.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        bad.append(name + ": not draft 2020-12")
    Draft202012Validator.check_schema(s)
    walk(name, [], s)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
fails() { ! "$@"; }
check "every schema is draft 2020-12, strict and snake_case" lint_schemas "$SCHEMA"
# A lint that passes whatever it is given would prove nothing.
mkdir -p loose
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"a": {"type": "string"}}}\n' >loose/lambdactl-x.json
check "the lint refuses an object without additionalProperties false" fails lint_schemas loose
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"userId": {"type": "string"}}, "additionalProperties": false}\n' >loose/lambdactl-x.json
check "the lint refuses a name that is not snake_case" fails lint_schemas loose
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"], "additionalProperties": false}\n' >loose/lambdactl-x.json
check "the lint refuses a required name that is no property" fails lint_schemas loose
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": false}\n' >loose/lambdactl-x.json
check "the lint passes a strict one" lint_schemas loose

# ---- Every command has a schema, or says why not ----
lc --list-commands
check_status 0 "--list-commands"
commands=$(cut -f1 "$OUT")
check "--list-commands lists commands" test -n "$commands"
for c in $commands; do
	if [ -f "$SCHEMA/lambdactl-$c.json" ]; then
		ok "$c has schema/lambdactl-$c.json"
	elif [[ " $NO_JSON " == *" $c "* ]]; then
		ok "$c has no JSON result of its own (NO_JSON)"
	else
		not_ok "$c has schema/lambdactl-$c.json" "a command with -o json output needs a schema (or belongs in NO_JSON)"
	fi
done
# The schemas' names: lambdactl-NAME.json.
schemas() {
	local f n
	for f in "$SCHEMA"/lambdactl-*.json; do
		n=${f##*/lambdactl-}
		echo "${n%.json}"
	done
}
for n in $(schemas); do
	if [ "$n" = error ] || [[ " $commands " == *[[:space:]]"$n"[[:space:]]* ]]; then
		ok "schema $n names a command (or the error object)"
	else
		not_ok "schema $n names a command (or the error object)"
	fi
done

# ---- Against moto ----
start_lambda_env
curl -fs -o /dev/null -X POST "$MOTO_URL/moto-api/config" -d '{"lambda": {"use_docker": false}}' ||
	{ echo "Bail out! cannot configure moto"; exit 1; }
ref_aws s3api create-bucket --bucket art >/dev/null
mkdir -p target
printf '#!/bin/sh\necho v1\n' >target/bootstrap
# manifest WORKER_MEMORY [EXTRA]: api (alias live), worker, and EXTRA lines.
manifest() {
	cat >lambda.yml <<YML
role: lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  api:
    alias: live
    tags:
      team: data
    description: "caf\u00e9 \"api\""
    environment:
      MODE: fast
  worker:
    memory: $1
    timeout: 30
${2-}
YML
}
manifest 256

lc whoami -o json
check_status 0 "whoami -o json"
result whoami "whoami"

lc validate -o json
check_status 0 "validate -o json"
result validate "validate"
check "validate: both functions, the environment's names only" \
	jq -e '[.functions[].name] == ["api", "worker"] and .functions[0].environment == ["MODE"] and .functions[0].tags == {"team": "data"}' "$OUT"

lc deploy
check_status 0 "deploy creates api (version 1, live) and worker"
printf '#!/bin/sh\necho v2\n' >target/bootstrap
lc deploy api
check_status 0 "a second deploy of api publishes version 2"
python3 -c 'import zipfile, sys
with zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("bootstrap", "#!/bin/sh\n")' extra.zip
check "aws lambda create-function extra (not in lambda.yml)" ref_aws lambda create-function --function-name extra \
	--runtime provided.al2023 --handler x --role arn:aws:iam::123456789012:role/lambda-exec \
	--zip-file fileb://extra.zip

# list: worker differs, cron is not deployed, extra is not in lambda.yml.
manifest 384 '  cron:
    timeout: 5'
lc list -o json
check_status 0 "list -o json"
result list "list"
check "list: in sync, differs, not deployed and a function lambda.yml lacks" \
	jq -e '(map(.manifest) | sort) == [null, "differs", "in sync", "not deployed"] and
	    (.[] | select(.name == "worker") | .differences == [{"field":"memory","action":"change","from":256,"to":384,"text":"~ memory 256 -> 384"}])' "$OUT"

# plan, update, new, deploy and doctor on the same functions.
run_result() {
	local n=$1 d=$2
	shift 2
	lc "$@" -o json
	result "$n" "$d"
}
run_result plan "plan (worker differs, cron is new)" plan
run_result update "update worker" update worker
run_result new "new cron" new cron
run_result deploy "deploy (nothing to change)" deploy worker cron
run_result doctor "doctor" doctor
manifest 256

# versions, promote, rollback: live at 2 with a canary on 1.
ref_aws lambda update-alias --function-name api --name live --function-version 2 \
	--routing-config '{"AdditionalVersionWeights":{"1":0.25}}' >/dev/null
lc versions api -o json
check_status 0 "versions -o json"
result versions "versions"
check "versions: 2 and 1, live on both (0.75 and 0.25)" \
	jq -e 'map(.version) == ["2", "1"] and map(.aliases) == [[{"name": "live", "weight": 0.75}], [{"name": "live", "weight": 0.25}]]' "$OUT"
lc promote api --dry-run -o json
check_status 5 "promote --dry-run -o json: exit 5 (a change)"
result promote "promote"
check "promote: the canary, nothing moved" \
	jq -e '. == {"function": "api", "alias": "live", "from": "2", "to": "1", "dry_run": true, "canary": {"version": "1", "weight": 0.25}}' "$OUT"
lc rollback api -o json
check_status 0 "rollback -o json"
result rollback "rollback"
check "rollback: to the canary's primary, moved" jq -e '.to == "2" and .dry_run == false' "$OUT"

# invoke: moto without Docker answers with the payload it got.
printf '{"k": "caf\xc3\xa9"}' >event.json
lc invoke api --payload event.json -o json
check_status 0 "invoke -o json"
result invoke "invoke"
check "invoke: status_code 200, the payload parsed" jq -e '.status_code == 200 and .payload == {"k": "café"}' "$OUT"
# A response cJSON would change (2^53 + 1 rounded, 1e400 made null):
# embedded as it came, only its blanks laid out anew.
printf '{\n  "id": 9007199254740993,\r\n\t"big": 1e400, "s": "a\\u0000b \\" ]"}' >big.json
lc invoke api --payload big.json -o json
check_status 0 "invoke -o json of a response with big numbers"
check "invoke: big numbers: one line" test "$(wc -l <"$OUT")" -eq 1
check "invoke: big numbers: matches schema/lambdactl-invoke.json" schema_ok invoke "$OUT"
check "invoke: the payload's tokens byte for byte, compact" \
	grep -qF '"payload":{"id":9007199254740993,"big":1e400,"s":"a\u0000b \" ]"}}' "$OUT"
pty_run "$TMP/tty-invoke" lambdactl invoke api --payload big.json -o json
check_status 0 "invoke -o json of big numbers on a terminal"
check "invoke on a terminal: the payload indented as the rest" \
	grep -qxF '    "id": 9007199254740993,' "$TMP/tty-invoke"
check "invoke on a terminal: 1e400 as it came" grep -qxF '    "big": 1e400,' "$TMP/tty-invoke"
lc invoke api --event -o json
check_status 0 "invoke --event -o json"
result invoke "invoke --event"
check "invoke --event: 202 and the request id" jq -e '.status_code == 202 and (.request_id | length > 0)' "$OUT"
lc invoke api --dry-run -o json
check_status 0 "invoke --dry-run -o json"
result invoke "invoke --dry-run"
check "invoke --dry-run: 204, no payload (null)" jq -e '.status_code == 204 and .payload == null' "$OUT"
lc invoke api --repeat 3 --concurrency 2 -o json
check_status 0 "invoke --repeat -o json"
result invoke "invoke --repeat"
check "invoke --repeat: 3 invocations, no error" jq -e '.invocations == 3 and .errors == 0 and .concurrency == 2' "$OUT"

# logs: a stream, one compact object a line, each against the schema.
NOW=$(( $(date +%s) * 1000 ))
python3 - "$MOTO_URL" "$NOW" <<'PY' || { echo "Bail out! cannot put log events"; exit 1; }
import sys, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
g, s, now = "/aws/lambda/api", "2026/11/30/[$LATEST]abc", int(sys.argv[2])
c.create_log_group(logGroupName=g)
c.create_log_stream(logGroupName=g, logStreamName=s)
c.put_log_events(logGroupName=g, logStreamName=s, logEvents=[
    {"timestamp": now - 2000, "message": "START\tone"},
    {"timestamp": now - 1000, "message": "caf\u00e9 \"two\"\n"}])
PY
lc logs api --since 1h -o json
check_status 0 "logs -o json"
check "logs: two lines" test "$(wc -l <"$OUT")" -eq 2
check "logs: each line matches schema/lambdactl-logs.json" schema_ok logs "$OUT" --lines
check "logs: each line in the compact layout" python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    assert l == json.dumps(json.loads(l), separators=(",", ":"), ensure_ascii=False) + "\n", l
' "$OUT"
check "logs: the messages as written" jq -se 'map(.message) == ["START\tone", "café \"two\"\n"]' "$OUT"
COVERED="${COVERED}logs "

# package: two functions, then --upload, then one that fails.
lc package -o json
check_status 0 "package -o json"
result package "package"
check "package: api and worker, no upload members" jq -e 'map(.function) == ["api", "worker"] and all(has("s3_key") | not)' "$OUT"
lc package --upload --s3-bucket art -o json api
check_status 0 "package --upload -o json"
result package "package --upload"
check "package --upload: the bucket, key and uploaded" jq -e '.[0].s3_bucket == "art" and .[0].uploaded == true' "$OUT"
printf 'role: r\nruntime: provided.al2023\nfunctions:\n  good:\n    artifact: target/bootstrap\n  gone:\n    artifact: target/missing\n' >pk.yml
lc package -f pk.yml -o json
check "package with a failure: a non-zero exit" test "$status" -ne 0
result package "package with a failure"
check "package with a failure: good packaged, gone's error" \
	jq -e '.[0].function == "good" and (.[0] | has("path") and (has("error") | not)) and .[1].function == "gone" and (.[1].error | length > 0)' "$OUT"
# An error member is redacted as the text mode's line is.
printf 'role: r\nruntime: provided.al2023\nfunctions:\n  gone:\n    artifact: target/AWS_SECRET_ACCESS_KEY=hush1234/x\n' >pk2.yml
lc package -f pk2.yml -o json
check "package: a failure's error: the schema's" schema_ok package "$OUT"
check "package: a failure's error names the file" grep -q 'AWS_SECRET_ACCESS_KEY=' "$OUT"
check "package: ... with the secret redacted" sh -c '! grep -q hush1234 "$0"' "$OUT"

# init, in a directory of its own.
mkdir -p initdir
(cd initdir && "$LAMBDACTL" init --from api worker -o json >"$OUT" 2>"$ERR" </dev/null)
status=$?
check_status 0 "init -o json"
result init "init"
check "init: lambda.yml, both functions" jq -e '.path == "lambda.yml" and .functions == ["api", "worker"] and .artifacts == []' "$OUT"

# delete: one deleted, one that is not there.
lc delete extra ghost -o json
check_status 1 "delete -o json with a missing function: exit 1"
result delete "delete"
check "delete: extra deleted, ghost's error" \
	jq -e '.[0] == {"function": "extra", "status": "deleted"} and .[1].function == "ghost" and (.[1].error | test("ResourceNotFound"))' "$OUT"

# login, against the SSO stub (approved at once).
cat >"$TMP/credstub.json" <<'JSON'
{"sso": {"roles": {}}, "oidc": {"interval": 1, "pending": 0, "device_expires_in": 60}}
JSON
start_credstub "$TMP/credstub.json"
cat >"$TMP/config" <<'CONF'
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
CONF
AWS_CONFIG_FILE=$TMP/config AWS_ENDPOINT_URL_SSO=$CREDSTUB_URL AWS_ENDPOINT_URL_SSO_OIDC=$CREDSTUB_URL \
	lc login --profile dev -o json
check_status 0 "login -o json"
result login "login"
check "login: the profile, session and start URL" \
	jq -e '.profile == "dev" and .sso_session == "corp" and .start_url == "https://corp.awsapps.com/start"' "$OUT"

# ---- Error objects ----
lc -o json whoamii
error_result 2 "an unknown command"
check "... without a code" jq -e '.error | has("code") | not' "$OUT"
lc versions ghost -o json
error_result 1 "versions of a missing function"
check "... with AWS's code" jq -e '.error.code == "ResourceNotFoundException"' "$OUT"
lc validate -f nope.yml -o json
error_result 3 "validate of a missing lambda.yml"
lc rollback api --to 99 -o json
error_result 1 "rollback to a version that does not exist"
# Redacted before it is JSON: a '"' after a secret marker stays escaped.
lc -o json 'AWS_SECRET_ACCESS_KEY=abc"d'
error_result 2 "an unknown command holding a secret and a quote"
check "... the secret redacted, the quote kept" \
	jq -e '.error.message | test("AWS_SECRET_ACCESS_KEY=<redacted>") and (test("abc") | not) and test("\"d")' "$OUT"

# ---- On a terminal: indented two spaces, exactly as Python indents ----
pty_run "$TMP/tty-validate" lambdactl validate -o json
check_status 0 "validate -o json on a terminal"
check "on a terminal: json.dumps(indent=2), byte for byte" layout "$TMP/tty-validate" pretty
check "on a terminal: the second line is indented two spaces" \
	test "$(sed -n 2p "$TMP/tty-validate")" = '  "path": "lambda.yml",'
check "on a terminal: still the schema's" schema_ok validate "$TMP/tty-validate"
pty_run "$TMP/tty-error" lambdactl versions ghost -o json
check_status 1 "an error on a terminal: exit 1"
check "an error on a terminal: json.dumps(indent=2) too" layout "$TMP/tty-error" pretty
check "an error on a terminal: the error schema's" schema_ok error "$TMP/tty-error"

# ---- Every schema was exercised by a real output ----
for n in $(schemas); do
	if [[ "$COVERED" == *" $n "* ]]; then
		ok "schema $n exercised by a real output"
	else
		not_ok "schema $n exercised by a real output" "no command run here printed what $n describes"
	fi
done
finish
