#!/usr/bin/env python3
"""A scripted HTTP server for end-to-end tests of what moto cannot do.

usage: stub.py SCRIPT.json PORTFILE LOGFILE

SCRIPT.json is a list of responses served in order (the last one repeats):
  {"status": 503, "headers": {"x-amzn-ErrorType": "..."}, "body": "...",
   "delay": 0.5, "drop": true}
A "body" that is not a string is sent as its JSON text.  "drop" closes
the connection without answering.  "echo": true answers with the request's
own body, byte for byte, in place of "body" (status and headers as given).
Steps in time, for waits (bench/wait.sh):
  "mark": true       serving this step starts the clock of "until"
  "until": S         this step is served (without moving on) while less
                     than S seconds have passed since the last "mark" (or
                     the server's start); afterwards the next one is
More step keys, for transport tests:
  "close": true      close the connection after answering (no
                     "Connection: close" header: the client learns late)
  "size": N          a body of N bytes ("x" repeated), written in 64 KiB
                     pieces as the client reads, in place of "body"
  "chunked": true    send the body with Transfer-Encoding: chunked (no
                     Content-Length)
  "trickle": S       write the body one byte every S seconds
  "raw": "TEXT"      send TEXT verbatim as the whole response (status line,
                     headers, body), e.g. with a folded header line
  "reset_after": S   after answering, wait S seconds reading nothing, then
                     close with a reset (what a server closing an idle
                     keep-alive connection does to a request it never read)
  "reset": true      with "drop": close with a reset rather than a FIN

SCRIPT.json may instead be an object choosing the responses by request:
  {"routes": [{"method": "GET", "path": "^/2015-03-31/functions/f$",
               "responses": [STEP, STEP, ...]}, ...],
   "default": [STEP, ...]}
The first route whose method (a regex matching the whole method) and path
(a regex searched in the path with its query) match serves its own list in
order, the last step repeating; a request no route matches gets "default"
(a 404 when there is none).

Every request is logged to LOGFILE as one JSON line: "t" (when it came,
time.time()), method, path (with
its query), query (the part after "?", "" when none), headers (all of
them, X-Amz-* included, as received), body length, and the status
answered (null for a drop) and the connection's number ("conn", from 1,
in the order connections were accepted) -- with the route's index under
"route" in the object form.  A request whose client went away before the
whole body was written is logged again to LOGFILE.aborted.  Listens on 127.0.0.1
only, on a free port written to PORTFILE.
"""
import json
import re
import socket
import struct
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


mark = time.monotonic()


def next_step(steps, at):
    """steps[at] and the index to serve next: an "until" step stays until
    its time is up, then gives way to the one after it."""
    global mark
    while True:
        step = steps[min(at, len(steps) - 1)]
        if "until" not in step or at >= len(steps) - 1:
            break
        if time.monotonic() - mark < step["until"]:
            return step, at
        at += 1
    if step.get("mark"):
        mark = time.monotonic()
    return step, at + 1


def pick(method, path):
    """The next step for this request, and its route index (or None)."""
    global count
    if routes is None:
        step, count = next_step(script, count)
        return step, None
    for i, (m, p, steps) in enumerate(routes):
        if m.fullmatch(method) and p.search(path):
            break
    else:
        i, steps = len(routes), default
    step, route_count[i] = next_step(steps, route_count[i])
    return step, (i if i < len(routes) else "default")


connections = 0


def body_pieces(step, data):
    """The response body in the pieces it is written in."""
    if "size" in step:
        left = int(step["size"])
        piece = b"x" * 65536
        while left > 0:
            yield piece[:min(left, len(piece))]
            left -= min(left, len(piece))
    elif step.get("trickle"):
        for i in range(len(data)):
            yield data[i:i + 1]
    elif data:
        yield data


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        super().setup()
        with lock:
            connections += 1
            self.conn_id = connections

    def log_message(self, *args):
        pass

    def send_body(self, step, data):
        """Writes the body; False when the client went away."""
        chunked = step.get("chunked")
        try:
            for piece in body_pieces(step, data):
                if step.get("trickle"):
                    time.sleep(step["trickle"])
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                self.wfile.flush()
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return False
        return True

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with lock:
            step, route = pick(self.command, self.path)
            entry = {"t": time.time(), "method": self.command,
                     "path": self.path,
                     "query": self.path.partition("?")[2],
                     "headers": dict(self.headers.items()),
                     "body_len": len(body),
                     "status": None if step.get("drop")
                     else step.get("status", 200)}
            if route is not None:
                entry["route"] = route
            entry["conn"] = self.conn_id
            with open(logfile, "a") as f:
                f.write(json.dumps(entry) + "\n")
        time.sleep(step.get("delay", 0))
        if step.get("drop"):
            self.close_connection = True
            if step.get("reset"):
                self.reset_now = True
            else:
                self.connection.shutdown(2)
            return
        if "raw" in step:
            self.wfile.write(step["raw"].encode())
            self.wfile.flush()
            if step.get("close"):
                self.close_connection = True
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
        if step.get("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length",
                             str(step["size"] if "size" in step
                                 else len(data)))
        self.end_headers()
        if not self.send_body(step, data):
            with lock:
                with open(logfile + ".aborted", "a") as f:
                    f.write(json.dumps(entry) + "\n")
        if step.get("close"):
            self.close_connection = True
        if "reset_after" in step:
            time.sleep(step["reset_after"])
            self.reset_now = True
            self.close_connection = True

    def finish(self):
        super().finish()
        if getattr(self, "reset_now", False):
            # Linger 0: close() sends a reset, with no FIN before it.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
