// lambdactl's Node.js runtime loop (Node's own modules only).
//
// Speaks the Lambda Runtime API (2018-06-01) at $AWS_LAMBDA_RUNTIME_API as
// Lambda's Node.js runtime does: the handler named by $_HANDLER
// ("[dir/]file.export[.nested]") is loaded once from the task root
// (file, file.js by require unless package.json says "type": "module",
// then .js and .mjs by import, .cjs by require), then called with
// (event, context, callback) for every invocation: a returned promise or
// the callback answers (the callback, by default, once the event loop is
// empty: context.callbackWaitsForEmptyEventLoop).  Errors go back as
// Lambda's {errorType (the error's name), errorMessage, trace}; console
// lines carry the time, the request id and the level, as in CloudWatch.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const PREFIX = '/2018-06-01/runtime';
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';

// ---- errors ----

class RuntimeError extends Error {}
const faults = {};
for (const name of ['ImportModuleError', 'HandlerNotFound',
  'MalformedHandlerName', 'UserCodeSyntaxError',
  'UnhandledPromiseRejection']) {
  faults[name] = class extends RuntimeError {};
  Object.defineProperty(faults[name], 'name', { value: name });
  faults[name].prototype.name = `Runtime.${name}`;
}

function isError(e) {
  return util.types.isNativeError(e) || (e !== null &&
    typeof e === 'object' && typeof e.name === 'string' &&
    typeof e.message === 'string' && typeof e.stack === 'string');
}

// What the Runtime API is told.
function errorDoc(e) {
  try {
    if (isError(e)) {
      return {
        errorType: e.name,
        errorMessage: e.message,
        trace: e.stack.split('\n'),
      };
    }
    return { errorType: typeof e, errorMessage: String(e), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was ' +
        'a problem while retrieving one or more of its message, name, ' +
        'and stack',
    };
  }
}

// What the log says: the error with its own properties.
function formatted(e) {
  const expand = (_k, v) => {
    if (!(v instanceof Error))
      return v;
    const o = Object.assign({ errorType: v.name, errorMessage: v.message,
      code: v.code }, v);
    if (typeof v.stack === 'string')
      o.stack = v.stack.split('\n');
    return o;
  };
  try {
    return '\t' + JSON.stringify(e, expand);
  } catch (_) {
    return '\t' + JSON.stringify(errorDoc(e));
  }
}

// ---- the console, as Lambda's ----

let requestId;

function patchConsole() {
  const out = (level) => (msg, ...params) => {
    const line = `${new Date().toISOString()}\t${requestId}\t${level}\t` +
      util.format(msg, ...params);
    process.stdout.write(line + '\n');
  };
  console.trace = out('TRACE');
  console.debug = out('DEBUG');
  console.info = out('INFO');
  console.log = out('INFO');
  console.warn = out('WARN');
  console.error = out('ERROR');
  console.fatal = out('FATAL');
}

// ---- the Runtime API ----

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API || '')
  .split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, where, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, agent,
      method, path: PREFIX + where, headers: headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode,
        headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function serialise(value) {
  try {
    return JSON.stringify(value === undefined ? null : value);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

function postError(where, e) {
  const doc = errorDoc(e);
  return call('POST', where, JSON.stringify(doc), {
    'Content-Type': 'application/json',
    // A header is ASCII: the body keeps the real type.
    [ERROR_TYPE]: String(doc.errorType).replace(/[^\x20-\x7e]/g, ''),
  });
}

// ---- loading the handler ----

function requireIfThere(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function importIfThere(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) :
    undefined;
}

// Whether the nearest package.json above dir says "type": "module".
function typeModule(dir) {
  for (;;) {
    if (dir.endsWith('/node_modules'))
      return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES ` +
          'module detection purposes.', e);
        return false;
      }
    }
    const up = path.dirname(dir);
    if (up === dir)
      return false;
    dir = up;
  }
}

async function loadModule(root, moduleRoot, name) {
  const base = path.resolve(root, moduleRoot, name);
  const plain = requireIfThere(base);
  if (plain)
    return plain;
  const esm = fs.existsSync(base + '.js') && typeModule(path.dirname(base));
  if (!esm) {
    const js = requireIfThere(base + '.js');
    if (js)
      return js;
  }
  const m = (esm && await importIfThere(base + '.js')) ||
    await importIfThere(base + '.mjs') || requireIfThere(base + '.cjs');
  if (m)
    return m;
  return require(require.resolve(name, { paths: [root, moduleRoot] }));
}

async function loadHandler(root, spec) {
  if (spec.includes('..'))
    throw new faults.MalformedHandlerName(`'${spec}' is not a valid ` +
      'handler name. Use absolute paths when specifying root directories ' +
      'in handler names.');
  const base = path.basename(spec);
  const moduleRoot = spec.substring(0, spec.indexOf(base));
  const m = base.match(/^([^.]*)\.(.*)$/);
  if (!m)
    throw new faults.MalformedHandlerName('Bad handler');
  let app;
  try {
    app = await loadModule(root, moduleRoot, m[1]);
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new faults.UserCodeSyntaxError(e);
    if (e && e.code === 'MODULE_NOT_FOUND')
      throw new faults.ImportModuleError(e);
    throw e;
  }
  const fn = m[2].split('.').reduce((o, k) => o && o[k], app);
  if (!fn)
    throw new faults.HandlerNotFound(`${spec} is undefined or not exported`);
  if (typeof fn !== 'function')
    throw new faults.HandlerNotFound(`${spec} is not a function`);
  return fn;
}

// ---- invocations ----

// What runs when the event loop empties ('beforeExit').
let onEmpty = () => {};
process.on('beforeExit', () => onEmpty());
// Where an uncaught error of the running invocation goes.
let onUncaught = null;

function parseHeader(headers, name, what) {
  const v = headers[name.toLowerCase()];
  if (v === undefined)
    return undefined;
  try {
    // Node reads headers as latin-1; the JSON was sent as UTF-8.
    return JSON.parse(Buffer.from(v, 'latin1').toString('utf8'));
  } catch (e) {
    throw new Error(`Cannot parse ${what} as json: ${e.toString()}`);
  }
}

// The context and the callback of one invocation; next() goes on.  The
// first of the callback, succeed/fail/done and the handler's promise
// answers; later ones are logged and ignored.
function contextFor(id, headers, next) {
  let settled = false;
  let waits = true;
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const where = `/invocation/${id}`;
  const settle = () => {
    if (settled) {
      console.error('Invocation has already been reported as done. ' +
        'Cannot call complete more than once per invocation.');
      return false;
    }
    settled = true;
    onEmpty = () => {};
    return true;
  };
  const fail = (e) => {
    console.error('Invoke Error', formatted(e));
    postError(`${where}/error`, e).then(next, fatal);
  };
  const complete = (result) => {
    let body;
    try {
      body = serialise(result);
    } catch (e) {
      return fail(e);
    }
    call('POST', `${where}/response`, body,
      { 'Content-Type': 'application/json' }).then(next, fatal);
  };
  const finish = (e, result) => {
    if (!settle())
      return;
    if (e !== undefined && e !== null)
      fail(e);
    else
      complete(result);
  };
  const callback = (e, result) => {
    if (!settle())
      return;
    if (e !== undefined && e !== null)
      fail(e);
    else if (!waits)
      complete(result);
    else
      onEmpty = () => {
        onEmpty = () => {};
        setImmediate(() => complete(result));
      };
  };
  const env = process.env;
  const context = {
    get callbackWaitsForEmptyEventLoop() { return waits; },
    set callbackWaitsForEmptyEventLoop(v) { waits = v; },
    succeed: (result) => finish(null, result),
    fail: (e) => finish(e === undefined || e === null ? 'handled' : e,
      null),
    done: finish,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseHeader(headers, 'Lambda-Runtime-Client-Context',
      'ClientContext'),
    identity: parseHeader(headers, 'Lambda-Runtime-Cognito-Identity',
      'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: id,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  // A handler that neither returns a promise nor calls back answers null
  // once nothing is left to do.
  onEmpty = () => {
    settled = true;
    onEmpty = () => {};
    call('POST', `${where}/response`, 'null').then(next, fatal);
  };
  return [context, callback, finish];
}

function fatal(e) {
  process.stderr.write(`lambdactl: runtime loop: ${e && e.stack || e}\n`);
  process.exit(1);
}

async function once(handler, next) {
  const r = await call('GET', '/invocation/next');
  if (r.status !== 200)
    throw new Error(`Runtime API: GET next: ${r.status} ${r.body}`);
  const id = r.headers['lambda-runtime-aws-request-id'];
  requestId = id;
  const trace = r.headers['lambda-runtime-trace-id'];
  if (trace !== undefined)
    process.env._X_AMZN_TRACE_ID = trace;
  else
    delete process.env._X_AMZN_TRACE_ID;
  onUncaught = (e, code) => postError(`/invocation/${id}/error`, e)
    .finally(() => process.exit(code));
  let context, callback, finish;
  try {
    [context, callback, finish] = contextFor(id, r.headers, next);
    const result = handler(JSON.parse(r.body), context, callback);
    if (result !== null && typeof result === 'object' &&
      typeof result.then === 'function')
      result.then((v) => finish(null, v), (e) => finish(e === undefined ||
        e === null ? 'handled' : e, null)).catch((e) => finish(e, null));
  } catch (e) {
    if (callback === undefined)
      return postError(`/invocation/${id}/error`, e).then(next);
    callback(e);
  }
}

function schedule(handler) {
  const next = () => schedule(handler);
  setImmediate(() => once(handler, next).catch(fatal));
}

// ---- start ----

function warnVersion() {
  const m = (process.env.AWS_EXECUTION_ENV || '').match(/nodejs(\d+)/);
  const have = process.versions.node.split('.')[0];
  if (m && m[1] !== have)
    process.stderr.write(`lambdactl: nodejs${m[1]}.x function run by the ` +
      `host's Node.js ${have}\n`);
}

process.on('uncaughtException', (e) => {
  console.error('Uncaught Exception', formatted(e));
  if (onUncaught)
    onUncaught(e, 129);
  else
    postError('/init/error', e).finally(() => process.exit(129));
});
process.on('unhandledRejection', (reason, promise) => {
  const e = new faults.UnhandledPromiseRejection(reason && reason.toString());
  e.reason = reason;
  e.promise = promise;
  console.error('Unhandled Promise Rejection', formatted(e));
  if (onUncaught)
    onUncaught(e, 128);
  else
    postError('/init/error', e).finally(() => process.exit(128));
});

patchConsole();
warnVersion();
const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
let handler;
try {
  handler = await loadHandler(root, process.env._HANDLER || '');
} catch (e) {
  console.error('Uncaught Exception', formatted(e));
  await postError('/init/error', e).catch(() => {});
  process.exit(129);
}
schedule(handler);
