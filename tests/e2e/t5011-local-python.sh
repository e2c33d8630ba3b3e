#!/bin/bash
# Python functions run locally (invoke --local, serve) with the host's
# python3 and lambdactl's runtime loop: the handler's answer, its context,
# its output, Lambda's error documents, timeouts, warm reuse, and a
# missing interpreter.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/langrt-lib.sh"
PYVER=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

mkdir -p py/pkg
cat >py/app.py <<'PY'
import logging
import os
import time

CALLS = 0
print("app: loaded")


def handler(event, context):
    global CALLS
    CALLS += 1
    key = event["Records"][0]["s3"]["object"]["key"]
    print("app: got", key)
    logging.getLogger().warning("app: warned")
    return {
        "key": key,
        "name": context.function_name,
        "version": context.function_version,
        "memory": context.memory_limit_in_mb,
        "left": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "group": context.log_group_name,
        "exec_env": os.environ.get("AWS_EXECUTION_ENV"),
        "pid": os.getpid(),
        "calls": CALLS,
        "cwd": os.getcwd(),
        "text": "d\u00e9j\u00e0",
    }


def boom(event, context):
    raise ValueError("bad key " + event["Records"][0]["s3"]["object"]["key"])


def unserialisable(event, context):
    return {"s": {1, 2}}


def client(event, context):
    cc = context.client_context
    return {"custom": cc.custom, "title": cc.client.app_title,
            "identity": context.identity.cognito_identity_id}


class Ошибка(Exception):
    pass


MIXED = 0


def mixed(event, context):
    global MIXED
    MIXED += 1
    if event.get("bad"):
        raise Ошибка("по-русски")
    return {"pid": os.getpid(), "calls": MIXED}


def slow(event, context):
    print("slow: sleeping")
    time.sleep(30)
PY
printf 'def run(event, context):\n    return {"nested": event}\n' >py/pkg/mod.py
printf 'import no_such_module_here\n' >py/broken.py
cat >lambda.yml <<YML
role: lambda-exec
runtime: python$PYVER
artifact: py
functions:
  ok: { handler: app.handler, memory: 256 }
  nested: { handler: pkg/mod.run }
  boom: { handler: app.boom }
  marshal: { handler: app.unserialisable }
  missing: { handler: app.nosuch }
  broken: { handler: broken.handler }
  slow: { handler: app.slow, timeout: 1 }
  client: { handler: app.client }
  mixed: { handler: app.mixed }
  single: { handler: one.handler, artifact: one.py }
  unicode: { handler: app.handler, runtime: python3.12 }
YML
printf 'def handler(event, context):\n    return "single " + context.function_name\n' >one.py

lc invoke --local ok --payload "$(cat "$EVENT")" --log
check_status 0 "a Python handler answers"
check "it reads a field of the S3 event" jq -e '.key == "events/dt=2026-11-21/part-0001.parquet"' "$OUT"
check "context: function name, version, memory (a string, as Lambda's)" \
	jq -e '.name == "ok" and .version == "$LATEST" and .memory == "256"' "$OUT"
check "context: remaining time > 0 and at most the 3 s timeout" jq -e '.left > 0 and .left <= 3000' "$OUT"
check "context: ARN and log group" \
	jq -e '(.arn | endswith(":function:ok")) and .group == "/aws/lambda/ok"' "$OUT"
check "AWS_EXECUTION_ENV names the runtime" jq -e --arg v "AWS_Lambda_python$PYVER" '.exec_env == $v' "$OUT"
rid=$(jq -r .request_id "$OUT")
check "context: the request id is the REPORT line's" grep -q "^REPORT RequestId: $rid	" "$ERR"
check "the cwd is the task root (cached)" jq -e --arg h "$HOME" '.cwd | startswith($h + "/.cache/lambdactl/tasks/")' "$OUT"
check_err_has '^app: loaded$' "module-level print is in the log"
check_err_has '^app: got events/dt=2026-11-21/part-0001.parquet$' "the handler's print is in the log"
check_err_has "^\[WARNING\]	[0-9T:.-]+Z	$rid	app: warned$" "logging as Lambda formats it, with the request id"
check_err_lacks 'function run by the host' "no version warning when the versions match"
check "the answer is JSON as Python's runtime writes it (', ' and ': ')" grep -q '"name": "ok"' "$OUT"
check "before 3.12 non-ASCII is escaped" grep -q 'd\\u00e9j\\u00e0' "$OUT"

lc invoke --local unicode --payload "$(cat "$EVENT")" --log
check_status 0 "python3.12 on another host version runs"
if [ "$PYVER" != 3.12 ]; then
	check_err_has "^lambdactl: python3\.12 function run by the host's Python $PYVER$" "one line says the versions differ"
fi
check "python3.12 answers Unicode as is" grep -q 'déjà' "$OUT"

lc invoke --local nested --payload '{"a": 1}'
check_out_eq '{"nested": {"a": 1}}' "a handler in a subdirectory (pkg/mod.run)"
lc invoke --local single
check_out_eq '"single single"' "a single .py artifact is the task root's one.py"

lc invoke --local client --client-context '{"custom": {"k": "v"}, "client": {"app_title": "t"}}'
check "context.client_context: custom, and client as an object" \
	jq -e '.custom.k == "v" and .title == "t" and .identity == null' "$OUT"
lc invoke --local client --client-context '{"custom": {"k": "déjà"}, "client": {"app_title": "t"}}'
check "a UTF-8 client context arrives as UTF-8" jq -e '.custom.k == "déjà"' "$OUT"

lc invoke --local boom --payload "$(cat "$EVENT")" --log
check_status 4 "an exception exits 4"
check "errorType is the exception's class name" jq -e '.errorType == "ValueError"' "$OUT"
check "errorMessage is its message" jq -e '.errorMessage == "bad key events/dt=2026-11-21/part-0001.parquet"' "$OUT"
check "stackTrace: the handler's frame, without the runtime's" \
	jq -e '(.stackTrace | length) == 1 and (.stackTrace[0] | test("^  File \".*/app.py\", line [0-9]+, in boom\n    raise ValueError"))' "$OUT"
check "requestId is the invocation's" jq -e --arg r "$(sed -n 's/^REPORT RequestId: \([^	]*\).*/\1/p' "$ERR")" '.requestId == $r' "$OUT"
check_err_has '^\[ERROR\] ValueError: bad key events/dt=2026-11-21/part-0001.parquet$' "the log has Lambda's [ERROR] line"
check_err_has '^Traceback \(most recent call last\):$' "... and the traceback"

lc invoke --local marshal
check_status 4 "an unserialisable result is a function error"
check "Runtime.MarshalError as Lambda says" \
	jq -e '.errorType == "Runtime.MarshalError" and .errorMessage == "Unable to marshal response: Object of type set is not JSON serializable"' "$OUT"

lc invoke --local missing
check_status 4 "a missing handler function is a function error"
check "Runtime.HandlerNotFound with Lambda's message" \
	jq -e ".errorType == \"Runtime.HandlerNotFound\" and .errorMessage == \"Handler 'nosuch' missing on module 'app'\"" "$OUT"

lc invoke --local broken --log
check_status 4 "an import error is a function error"
check "Runtime.ImportModuleError with Lambda's message" \
	jq -e ".errorType == \"Runtime.ImportModuleError\" and .errorMessage == \"Unable to import module 'broken': No module named 'no_such_module_here'\"" "$OUT"
check_err_has "^\[ERROR\] Runtime.ImportModuleError: Unable to import module 'broken'" "the init error is in the log"

check_timeout slow '^slow: sleeping$'

# Warm reuse through serve: one process, module state kept.
check_warm ok "$EVENT"

# A non-ASCII exception class: a function error, the process kept.
start_serve mixed
lc --endpoint-url "$URL" invoke mixed --payload '{}'
cp "$OUT" "$TMP/mixed-first.json"
lc --endpoint-url "$URL" invoke mixed --payload '{"bad": true}'
check_status 4 "an exception of class Ошибка exits 4"
check "... errorType Ошибка in the body" jq -e '.errorType == "Ошибка" and .errorMessage == "по-русски"' "$OUT"
lc --endpoint-url "$URL" invoke mixed --payload '{}'
check "the same process answers next, its state kept (calls 3)" \
	test "$(jq .pid "$TMP/mixed-first.json"),$(jq .calls "$OUT")" = "$(jq .pid "$OUT"),3"
stop_serve
check "serve: one cold start" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1

# No python3 on PATH, LAMBDACTL_PYTHON unset: exit 3, one line.
check_no_interpreter python3 LAMBDACTL_PYTHON "install Python 3 (Debian: python3)" ok
py3=$(python3 -c "import sys; print(sys.executable)")
PATH=$TMP/no-python3:$TMP/bin LAMBDACTL_PYTHON=$py3 lc invoke --local nested --payload '{"b": 2}'
check_out_eq '{"nested": {"b": 2}}' "LAMBDACTL_PYTHON names the interpreter"
# A relative interpreter (a venv's), a relative or empty PATH entry: the
# launch runs in the task root, so the path is made absolute.
mkdir -p venv/bin
ln -sf "$py3" venv/bin/python3
PATH=$TMP/no-python3:$TMP/bin LAMBDACTL_PYTHON=venv/bin/python3 lc invoke --local nested --payload '{"c": 3}'
check_out_eq '{"nested": {"c": 3}}' "LAMBDACTL_PYTHON=venv/bin/python3 (relative) runs"
PATH=venv/bin:$TMP/no-python3:$TMP/bin lc invoke --local nested --payload '{"d": 4}'
check_out_eq '{"nested": {"d": 4}}' "a relative PATH entry (venv/bin) runs"
ln -sf "$py3" python3
PATH=:$TMP/no-python3:$TMP/bin lc invoke --local nested --payload '{"e": 5}'
check_out_eq '{"nested": {"e": 5}}' "an empty PATH entry (the cwd) runs"
rm -f python3
# A temporary file a killed run of the same pid left in the cache.
hash=$(sha256sum "$SRC_DIR/runtimes/python/bootstrap.py" | cut -c1-16)
mkdir -p "$TMP/cache-tmp/lambdactl/runtimes/$hash"
XDG_CACHE_HOME=$TMP/cache-tmp sh -c 'echo partial >"$1/bootstrap.py.$$.tmp"; exec "$2" invoke --local nested --payload "{\"f\": 6}"' \
	sh "$TMP/cache-tmp/lambdactl/runtimes/$hash" "$LAMBDACTL" >"$OUT" 2>"$ERR" </dev/null
check_out_eq '{"nested": {"f": 6}}' "a leftover bootstrap.py.PID.tmp of the same pid is replaced"
LAMBDACTL_PYTHON=$TMP/nosuch lc invoke --local ok
check_status 3 "a LAMBDACTL_PYTHON that is not there: exit 3"

finish
