#!/bin/bash
# Node functions run locally (invoke --local, serve) with the host's node
# and lambdactl's runtime loop: async and callback handlers, .js (CommonJS
# or "type": "module"), .mjs and .cjs, the context, the log, Lambda's
# error documents, timeouts, warm reuse, and a missing interpreter.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/langrt-lib.sh"
NODEVER=$(node -p 'process.versions.node.split(".")[0]')

mkdir -p nd esm
cat >nd/index.mjs <<'JS'
let calls = 0;
console.log('index: loaded');
export const handler = async (event, context) => {
  calls++;
  const key = event.Records[0].s3.object.key;
  console.log('index: got %s', key);
  return {
    key,
    name: context.functionName,
    version: context.functionVersion,
    memory: context.memoryLimitInMB,
    left: context.getRemainingTimeInMillis(),
    requestId: context.awsRequestId,
    arn: context.invokedFunctionArn,
    execEnv: process.env.AWS_EXECUTION_ENV,
    pid: process.pid,
    calls,
  };
};
export const boom = async (event) => {
  return event.missing.field;
};
export const slow = async () => {
  console.log('slow: waiting');
  await new Promise((r) => setTimeout(r, 30000));
};
export const client = async (event, context) => context.clientContext;
export const nested = { deeper: async () => 'nested' };
JS
cat >nd/cb.js <<'JS'
exports.waits = function (event, context, callback) {
  setTimeout(() => console.log('waits: timer ran'), 300);
  callback(null, { style: 'callback', waits: context.callbackWaitsForEmptyEventLoop });
};
exports.nowait = function (event, context, callback) {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => console.log('nowait: timer ran'), 20000);
  callback(null, { style: 'nowait' });
};
exports.fails = function (event, context, callback) {
  callback(new RangeError('out of range'));
};
exports.silent = function () {};
JS
cat >nd/tw.js <<'JS'
let calls = 0;
exports.twice = function (event, context, callback) {
  calls++;
  const r = { pid: process.pid, calls };
  context.callbackWaitsForEmptyEventLoop = false;
  if (event.mode === 'errfirst') {
    callback(new Error('first'));
    callback(null, r);
  } else if (event.mode === 'okfirst') {
    callback(null, r);
    callback(new Error('second'));
  } else if (event.mode === 'succeed') {
    context.succeed(r);
    callback(null, { late: true });
  } else if (event.mode === 'cyrillic') {
    const e = new Error('по-русски');
    e.name = 'Ошибка';
    callback(e);
  } else {
    callback(null, r);
  }
};
JS
printf 'module.exports.handler = async (e) => ({ kind: "cjs", e });\n' >nd/c.cjs
printf '{"type": "module"}\n' >esm/package.json
printf 'export const handler = async () => ({ kind: "esm .js" });\n' >esm/app.js
printf 'import "no-such-package-here";\nexport const handler = async () => 1;\n' >esm/broken.js
printf 'exports.handler = async (e, c) => "single " + c.functionName;\n' >one.js
cat >lambda.yml <<YML
role: lambda-exec
runtime: nodejs$NODEVER.x
artifact: nd
functions:
  ok: { handler: index.handler, memory: 256 }
  boom: { handler: index.boom }
  slow: { handler: index.slow, timeout: 1 }
  nested: { handler: index.nested.deeper }
  client: { handler: index.client }
  waits: { handler: cb.waits }
  nowait: { handler: cb.nowait }
  fails: { handler: cb.fails }
  silent: { handler: cb.silent }
  twice: { handler: tw.twice }
  cjs: { handler: c.handler }
  esm: { handler: app.handler, artifact: esm }
  broken: { handler: broken.handler, artifact: esm }
  nomodule: { handler: nosuch.handler }
  nohandler: { handler: index.nosuch }
  single: { handler: one.handler, artifact: one.js }
YML

lc invoke --local ok --payload "$(cat "$EVENT")" --log
check_status 0 "an async .mjs handler answers"
check "it reads a field of the S3 event" jq -e '.key == "events/dt=2026-11-21/part-0001.parquet"' "$OUT"
check "context: function name, version, memory (a string, as Lambda's)" \
	jq -e '.name == "ok" and .version == "$LATEST" and .memory == "256"' "$OUT"
check "context: remaining time > 0 and at most the 3 s timeout" jq -e '.left > 0 and .left <= 3000' "$OUT"
check "context: the invoked ARN" jq -e '.arn | endswith(":function:ok")' "$OUT"
check "AWS_EXECUTION_ENV names the runtime" jq -e --arg v "AWS_Lambda_nodejs$NODEVER.x" '.execEnv == $v' "$OUT"
rid=$(jq -r .requestId "$OUT")
check "context: the request id is the REPORT line's" grep -q "^REPORT RequestId: $rid	" "$ERR"
check_err_has '^[0-9T:.-]+Z	undefined	INFO	index: loaded$' "init-time console.log as Lambda logs it (no request id yet)"
check_err_has "^[0-9T:.-]+Z	$rid	INFO	index: got events/dt=2026-11-21/part-0001.parquet$" "console.log with the time, request id and level"
check_err_lacks 'function run by the host' "no version warning when the versions match"

lc invoke --local nested
check_out_eq '"nested"' "a nested export (index.nested.deeper)"
lc invoke --local client --client-context '{"custom": {"k": "v"}}'
check_out_eq '{"custom":{"k":"v"}}' "context.clientContext is the parsed client context"
lc invoke --local client --client-context '{"custom": {"k": "déjà"}}'
check_out_eq '{"custom":{"k":"déjà"}}' "a UTF-8 client context arrives as UTF-8"
lc invoke --local cjs --payload '{"a": 1}'
check_out_eq '{"kind":"cjs","e":{"a":1}}' "a .cjs handler"
lc invoke --local esm
check_out_eq '{"kind":"esm .js"}' "a .js ES module under package.json type module"
lc invoke --local single
check_out_eq '"single single"' "a single .js artifact is the task root's one.js"

lc invoke --local waits --log
check_status 0 "a callback handler answers"
check_out_eq '{"style":"callback","waits":true}' "... with the callback's result"
check "callbackWaitsForEmptyEventLoop: the pending timer ran before END" \
	sh -c "grep -n 'waits: timer ran\$' '$ERR' | cut -d: -f1 | { read t; e=\$(grep -n '^END RequestId' '$ERR' | cut -d: -f1); test \"\$t\" -lt \"\$e\"; }"
start=$(date +%s%N)
lc invoke --local nowait --log
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check_out_eq '{"style":"nowait"}' "callbackWaitsForEmptyEventLoop = false answers at once"
check "... without waiting for its 20 s timer (${elapsed} ms)" test "$elapsed" -lt 10000
check_err_lacks 'nowait: timer ran' "... whose output is not the invocation's"
lc invoke --local silent
check_status 0 "a handler that neither returns nor calls back"
check_out_eq 'null' "... answers null once the event loop is empty"

lc invoke --local boom --log
check_status 4 "a rejected promise exits 4"
check "errorType is the error's name (TypeError)" jq -e '.errorType == "TypeError"' "$OUT"
check "errorMessage is its message" jq -e '.errorMessage | test("reading .field.")' "$OUT"
check "trace: the stack's lines, the handler's frame in it" \
	jq -e '.trace[0] == "TypeError: " + .errorMessage and any(.trace[]; test("index.mjs"))' "$OUT"
check_err_has '	ERROR	Invoke Error 	\{"errorType":"TypeError"' "the log has Lambda's Invoke Error line"
lc invoke --local fails
check_status 4 "callback(error) exits 4"
check "errorType RangeError" jq -e '.errorType == "RangeError" and .errorMessage == "out of range"' "$OUT"

lc invoke --local nomodule --log
check_status 4 "a missing module is a function error"
check "Runtime.ImportModuleError as Lambda's" \
	jq -e '.errorType == "Runtime.ImportModuleError" and (.errorMessage | startswith("Error: Cannot find module '"'"'nosuch'"'"'"))' "$OUT"
check_err_has '	undefined	ERROR	Uncaught Exception 	\{"errorType":"Runtime.ImportModuleError"' "the init error is in the log"
lc invoke --local nohandler
check_status 4 "a missing export is a function error"
check "Runtime.HandlerNotFound with Lambda's message" \
	jq -e '.errorType == "Runtime.HandlerNotFound" and .errorMessage == "index.nosuch is undefined or not exported"' "$OUT"
lc invoke --local broken
check_status 4 "an ES module importing a missing package fails init"
check "... with the import's error" jq -e '.errorMessage | test("no-such-package-here")' "$OUT"

check_timeout slow '	INFO	slow: waiting$'

# Warm reuse through serve: one process, module state kept; a callback
# handler answers warm too.
check_warm ok "$EVENT"
start_serve waits
lc --endpoint-url "$URL" invoke waits
lc --endpoint-url "$URL" invoke waits
check_out_eq '{"style":"callback","waits":true}' "serve: a warm callback handler answers again"
stop_serve

# The first of callback/succeed/fail answers, later ones are ignored: the
# loop goes on (one GET next), the process and its state kept; a
# non-ASCII error name leaves the header ASCII and the process alive.
start_serve twice
lc --endpoint-url "$URL" invoke twice --payload '{"mode": "okfirst"}'
check_status 0 "callback(null, x) then callback(err): the first answers"
cp "$OUT" "$TMP/twice-first.json"
lc --endpoint-url "$URL" invoke twice --payload '{"mode": "errfirst"}'
check_status 4 "callback(err) then callback(null, x) (not waiting): the error answers"
check "... the first error" jq -e '.errorMessage == "first"' "$OUT"
lc --endpoint-url "$URL" invoke twice --payload '{"mode": "succeed"}'
check_status 0 "context.succeed then callback: the first answers"
check "... succeed's result" jq -e '.calls == 3 and .late == null' "$OUT"
lc --endpoint-url "$URL" invoke twice --payload '{"mode": "cyrillic"}'
check_status 4 "an error named Ошибка is a function error"
check "... errorType Ошибка in the body" jq -e '.errorType == "Ошибка" and .errorMessage == "по-русски"' "$OUT"
lc --endpoint-url "$URL" invoke twice --payload '{}'
check_status 0 "the next invoke answers"
check "the same process answers, its state kept (calls 5)" \
	test "$(jq .pid "$TMP/twice-first.json"),$(jq .calls "$OUT")" = "$(jq .pid "$OUT"),5"
stop_serve
_check_has "$TMP/serve.err" 'Invocation has already been reported as done' "the ignored calls are logged"
check "serve: one cold start" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1

# No node on PATH, LAMBDACTL_NODE unset: exit 3, one line.
check_no_interpreter node LAMBDACTL_NODE "install Node.js 18 or later (Debian: nodejs)" ok
node=$(node -p process.execPath)
PATH=$TMP/no-node:$TMP/bin LAMBDACTL_NODE=$node lc invoke --local cjs --payload '{"b": 2}'
check_out_eq '{"kind":"cjs","e":{"b":2}}' "LAMBDACTL_NODE names the interpreter"

finish
