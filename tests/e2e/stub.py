#!/usr/bin/env python3
"""A scripted HTTP server for end-to-end tests of what moto cannot do.

usage: stub.py SCRIPT.json PORTFILE LOGFILE

SCRIPT.json is a list of responses served in order (the last one repeats):
  {"status": 503, "headers": {"x-amzn-ErrorType": "..."}, "body": "...",
   "delay": 0.5, "drop": true}
"drop" closes the connection without answering.  Every request is logged
to LOGFILE as one JSON line: method, path, headers, body length.  Listens
on 127.0.0.1 only, on a free port written to PORTFILE.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

script = json.load(open(sys.argv[1]))
portfile, logfile = sys.argv[2], sys.argv[3]
lock = threading.Lock()
count = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        global count
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with lock:
            step = script[min(count, len(script) - 1)]
            count += 1
            with open(logfile, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "headers": dict(self.headers.items()),
                                    "body_len": len(body)}) + "\n")
        time.sleep(step.get("delay", 0))
        if step.get("drop"):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        data = step.get("body", "").encode()
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
