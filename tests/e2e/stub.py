#!/usr/bin/env python3
"""A scripted HTTP server for end-to-end tests of what moto cannot do.

usage: stub.py SCRIPT.json PORTFILE LOGFILE

SCRIPT.json is a list of responses served in order (the last one repeats):
  {"status": 503, "headers": {"x-amzn-ErrorType": "..."}, "body": "...",
   "delay": 0.5, "drop": true}
A "body" that is not a string is sent as its JSON text.  "drop" closes
the connection without answering.  "echo": true answers with the request's
own body, byte for byte, in place of "body" (status and headers as given).

SCRIPT.json may instead be an object choosing the responses by request:
  {"routes": [{"method": "GET", "path": "^/2015-03-31/functions/f$",
               "responses": [STEP, STEP, ...]}, ...],
   "default": [STEP, ...]}
The first route whose method (a regex matching the whole method) and path
(a regex searched in the path with its query) match serves its own list in
order, the last step repeating; a request no route matches gets "default"
(a 404 when there is none).

Every request is logged to LOGFILE as one JSON line: method, path (with
its query), query (the part after "?", "" when none), headers (all of
them, X-Amz-* included, as received), body length, and the status
answered (null for a drop) -- with the route's index under "route" in the
object form.  Listens on 127.0.0.1
only, on a free port written to PORTFILE.
"""
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

script = json.load(open(sys.argv[1]))
portfile, logfile = sys.argv[2], sys.argv[3]
lock = threading.Lock()
count = 0
if isinstance(script, dict):
    routes = [(re.compile(r.get("method", ".*")), re.compile(r.get("path", "")),
               r["responses"]) for r in script.get("routes", [])]
    default = script.get("default") or [{"status": 404, "body": ""}]
    route_count = [0] * (len(routes) + 1)
else:
    routes = None


def pick(method, path):
    """The next step for this request, and its route index (or None)."""
    global count
    if routes is None:
        step = script[min(count, len(script) - 1)]
        count += 1
        return step, None
    for i, (m, p, steps) in enumerate(routes):
        if m.fullmatch(method) and p.search(path):
            break
    else:
        i, steps = len(routes), default
    step = steps[min(route_count[i], len(steps) - 1)]
    route_count[i] += 1
    return step, (i if i < len(routes) else "default")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with lock:
            step, route = pick(self.command, self.path)
            entry = {"method": self.command, "path": self.path,
                     "query": self.path.partition("?")[2],
                     "headers": dict(self.headers.items()),
                     "body_len": len(body),
                     "status": None if step.get("drop")
                     else step.get("status", 200)}
            if route is not None:
                entry["route"] = route
            with open(logfile, "a") as f:
                f.write(json.dumps(entry) + "\n")
        time.sleep(step.get("delay", 0))
        if step.get("drop"):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if step.get("echo"):
            data = body
        else:
            reply = step.get("body", "")
            data = (reply if isinstance(reply, str)
                    else json.dumps(reply)).encode()
        self.send_response(step.get("status", 200))
        for k, v in step.get("headers", {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
