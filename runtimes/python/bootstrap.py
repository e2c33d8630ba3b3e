"""lambdactl's Python runtime loop (standard library only).

Speaks the Lambda Runtime API (2018-06-01) at $AWS_LAMBDA_RUNTIME_API as
Lambda's own Python runtime does: the handler named by $_HANDLER
("module.function", the module's path with dots or slashes) is imported
once from the task root, then called with (event, context) for every
invocation; its result goes back JSON-encoded, an exception as Lambda's
error document (errorMessage, errorType = the class name, requestId,
stackTrace).  An import failure is an init error.  print() and logging
reach stdout, unbuffered, as in CloudWatch.
"""
import decimal
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

PREFIX = "/2018-06-01/runtime"
ERROR_TYPE = "Lambda-Runtime-Function-Error-Type"
REQUEST_ID = None


class Fault(Exception):
    """A runtime fault: Lambda's own errorType (Runtime.*)."""

    def __init__(self, kind, msg, trace=None):
        Exception.__init__(self, msg)
        self.kind = kind
        self.msg = msg
        self.trace = trace


def error_doc(msg, kind, trace, request_id=""):
    return {
        "errorMessage": msg or "",
        "errorType": kind or "",
        "requestId": request_id or "",
        "stackTrace": trace or [],
    }


def fault_doc(exc, request_id=""):
    """An exception's error document, the runtime's own frames left out."""
    frames = [(f.filename, f.lineno, f.name, f.line)
              for f in traceback.extract_tb(exc.__traceback__)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0]:
            frames = frames[i:]
            break
    return error_doc(str(exc), type(exc).__name__,
                     traceback.format_list(frames), request_id)


def log_error(doc):
    """The error as Lambda logs it: "[ERROR] Type: message" and the
    traceback."""
    line = "[ERROR]"
    if doc["errorType"]:
        line += " " + doc["errorType"]
    if doc["errorMessage"]:
        line += (":" if doc["errorType"] else "") + " " + doc["errorMessage"]
    lines = [line, "Traceback (most recent call last):"]
    for element in doc["stackTrace"]:
        lines += element.splitlines() if element else [""]
    sys.stdout.write("\n".join(lines) + "\n")


class Api:
    """The Runtime API over one kept-alive HTTP/1.1 connection: a small
    client of our own, since http.client costs a cold start ~20 ms."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.addr = (host, int(port))
        self.sock = None
        self.rfile = None

    def connect(self):
        self.sock = socket.create_connection(self.addr)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def close(self):
        if self.sock is not None:
            self.rfile.close()
            self.sock.close()
        self.sock = self.rfile = None

    def call(self, method, path, body=b"", headers=None):
        """(status, headers with lower-case names, body)."""
        head = "%s %s%s HTTP/1.1\r\nHost: %s:%d\r\n" % (
            method, PREFIX, path, self.addr[0], self.addr[1])
        head += "Content-Length: %d\r\n" % len(body)
        for name, value in (headers or {}).items():
            head += "%s: %s\r\n" % (name, value)
        data = (head + "\r\n").encode("latin-1") + body
        for attempt in (0, 1):
            if self.sock is None:
                self.connect()
            try:
                self.sock.sendall(data)
                line = self.rfile.readline()
                if line:
                    break
            except OSError:
                if attempt:
                    raise
            # A kept-alive connection the server had closed: once more.
            self.close()
        else:
            raise OSError("Runtime API: connection closed")
        return self.response(line)

    def response(self, line):
        status = int(line.split()[1])
        headers = {}
        while True:
            line = self.rfile.readline().decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                n = int(self.rfile.readline().split(b";")[0], 16)
                body += self.rfile.read(n + 2)[:n]
                if n == 0:
                    break
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
        else:
            body = self.rfile.read(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def next(self):
        status, headers, body = self.call("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("Runtime API: GET next: %d %s" %
                               (status, body[:200]))
        return headers, body

    def post(self, path, doc, kind=None):
        headers = {"Content-Type": "application/json"}
        if kind is not None:
            # A header is ASCII: the body keeps the real type.
            headers[ERROR_TYPE] = "".join(
                c for c in str(kind) if " " <= c <= "~")
        data = doc if isinstance(doc, bytes) else to_json(doc).encode()
        self.call("POST", path, data, headers)


def json_default(o):
    if isinstance(o, decimal.Decimal):
        return float(o)
    raise TypeError("Object of type %s is not JSON serializable" %
                    type(o).__name__)


def runtime_version():
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    try:
        major, minor = env.rsplit("python", 1)[1].split(".")[:2]
        return int(major), int(minor)
    except (IndexError, ValueError):
        return None


# Python 3.12 and later answer Unicode as is; before, escaped.
RUNTIME = runtime_version()
ENSURE_ASCII = RUNTIME is None or RUNTIME < (3, 12)


def to_json(obj):
    return json.dumps(obj, default=json_default, ensure_ascii=ENSURE_ASCII)


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name",
                 "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field))
    return obj


class LambdaContext:
    """What Lambda passes as the handler's context."""

    def __init__(self, request_id, client_context, identity, deadline_ms,
                 arn):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as Lambda's.
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = arn
        self.client_context = from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = from_dict(
                Client, self.client_context.client)
        self.identity = from_dict(CognitoIdentity, {})
        if identity is not None:
            self.identity.cognito_identity_id = identity.get(
                "cognitoIdentityId")
            self.identity.cognito_identity_pool_id = identity.get(
                "cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        left = self._deadline_ms - int(time.time() * 1000)
        return left if left > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("%s([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
                "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
                "invoked_function_arn=%s,client_context=%s,identity=%s])" % (
                    type(self).__name__, self.aws_request_id,
                    self.log_group_name, self.log_stream_name,
                    self.function_name, self.memory_limit_in_mb,
                    self.function_version, self.invoked_function_arn,
                    self.client_context, self.identity))


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = REQUEST_ID or ""
        return True


def setup_logging():
    """The root logger's handler, as Lambda's: level left at WARNING."""
    handler = logging.StreamHandler(sys.stdout)
    fmt = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t"
        "%(message)s\n", "%Y-%m-%dT%H:%M:%S")
    fmt.converter = time.gmtime
    handler.setFormatter(fmt)
    handler.terminator = ""
    handler.addFilter(RequestIdFilter())
    logging.Logger.root.addHandler(handler)


def load_handler(spec):
    """The handler function, imported as Lambda does; Fault on failure.
    A missing function fails each invocation, not init."""
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName",
                    "Bad handler '%s': %s" % (spec, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise Fault("Runtime.BuiltInModuleConflict",
                        "Cannot use built-in module %s as a handler module" %
                        modname)
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError",
                    "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        raise Fault("Runtime.UserCodeSyntaxError",
                    "Syntax error in module '%s': %s" % (modname, e),
                    ['  File "%s" Line %s\n    %s' %
                     (e.filename, e.lineno, e.text)])
    try:
        return getattr(module, fname)
    except AttributeError:
        fault = Fault("Runtime.HandlerNotFound",
                      "Handler '%s' missing on module '%s'" %
                      (fname, modname))

        def missing(event, context):
            raise fault
        return missing


def parse_json_header(headers, name, what):
    value = headers.get(name)
    if not value:
        return None
    try:
        # Headers are read as latin-1; the JSON was sent as UTF-8.
        return json.loads(value.encode("latin-1").decode("utf-8", "replace"))
    except ValueError as e:
        raise Fault("Runtime.LambdaContextUnmarshalError",
                    "Unable to parse %s JSON: %s" % (what, e))


def invoke(api, handler, headers, body):
    """One invocation: the handler's answer or its error, posted."""
    global REQUEST_ID
    rid = headers.get("lambda-runtime-aws-request-id", "")
    REQUEST_ID = rid
    trace = headers.get("lambda-runtime-trace-id")
    if trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    doc = None
    try:
        context = LambdaContext(
            rid,
            parse_json_header(headers, "lambda-runtime-client-context",
                              "Client Context"),
            parse_json_header(headers, "lambda-runtime-cognito-identity",
                              "Cognito Identity"),
            int(headers.get("lambda-runtime-deadline-ms", "0")),
            headers.get("lambda-runtime-invoked-function-arn"))
        try:
            event = json.loads(body)
        except ValueError as e:
            raise Fault("Runtime.UnmarshalError",
                        "Unable to unmarshal input: %s" % e)
        result = handler(event, context)
        try:
            answer = to_json(result).encode()
        except Exception as e:
            raise Fault("Runtime.MarshalError",
                        "Unable to marshal response: %s" % e)
    except Fault as f:
        doc = error_doc(f.msg, f.kind, f.trace, rid)
    except Exception as e:
        doc = fault_doc(e, rid)
    if doc is not None:
        log_error(doc)
        api.post("/invocation/%s/error" % rid, doc, doc["errorType"])
    else:
        api.post("/invocation/%s/response" % rid, answer)


def warn_version():
    """One line when the host's Python is not the runtime's."""
    have = sys.version_info[:2]
    if RUNTIME is not None and RUNTIME != have:
        sys.stderr.write("lambdactl: python%d.%d function run by the "
                         "host's Python %d.%d\n" % (RUNTIME + have))


def main():
    api = Api(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if sys.path[:1] != [task_root]:
        sys.path.insert(0, task_root)
    warn_version()
    doc = None
    try:
        setup_logging()
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Fault as f:
        doc = error_doc(f.msg, f.kind, f.trace)
    except Exception as e:
        doc = fault_doc(e)
    if doc is not None:
        log_error(doc)
        api.post("/init/error", doc, doc["errorType"])
        sys.exit(1)
    while True:
        headers, body = api.next()
        invoke(api, handler, headers, body)


if __name__ == "__main__":
    main()
