#!/usr/bin/env python3
"""A recording HTTP proxy for end-to-end tests.

usage: proxy.py UPSTREAM_URL PORTFILE LOGFILE

Listens on 127.0.0.1 only, on a free port written to PORTFILE, and
forwards every request unchanged (method, path and query, headers, body)
to UPSTREAM_URL (http://HOST:PORT), relaying the answer.  Each request is
logged to LOGFILE, once answered, as one JSON line:
  {"method": "PUT", "path": "/2015-03-31/functions/f/code", "status": 200,
   "target": "", "body_len": 1234}
(target: the X-Amz-Target header of a JSON 1.0/1.1 call, "AWSEvents.PutRule";
body: the request body as text when it is UTF-8 and at most 64 KiB, else
null, for what an emulator drops).
An upstream that cannot be reached is answered 502 (and logged so).

Faults: when the environment names a file in PROXY_FAULTS and it exists,
it is read before each request: a JSON list of
  {"method": "PUT", "path": "notification", "status": 403,
   "body": "<Error>...</Error>", "headers": {"Content-Type": "..."}}
and the first whose method (a regex matching the whole method) and path
(a regex searched in the path with its query) match is answered in place
of the upstream (logged as any other request).  Tests write the file to
start a fault and remove it to end it.  A rule {"method": ..., "path":
..., "hold": FILE} answers nothing itself: the request is held (FILE.held
created, saying so) while FILE exists, at most 120 s, then forwarded --
unless the file's rules by then answer it (one matching it without
"hold"): a held request can end in a fault.
Standard library only.
"""
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

upstream = urllib.parse.urlsplit(sys.argv[1])
portfile, logfile = sys.argv[2], sys.argv[3]
lock = threading.Lock()

# Hop-by-hop headers: about one connection, not the message.
HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
       "transfer-encoding", "upgrade"}


def body_text(body):
    try:
        return body.decode() if len(body) <= 65536 else None
    except UnicodeDecodeError:
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts), True
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(n) if n else b""), False

    def fault(self):
        path = os.environ.get("PROXY_FAULTS")
        if not path or not os.path.exists(path):
            return None
        with open(path) as f:
            rules = json.load(f)
        for r in rules:
            if (re.fullmatch(r.get("method", ".*"), self.command) and
                    re.search(r.get("path", ""), self.path)):
                return r
        return None

    def handle_any(self):
        body, chunked = self.read_body()
        rule = self.fault()
        if rule is not None and "hold" in rule:
            open(rule["hold"] + ".held", "a").close()
            deadline = time.monotonic() + 120
            while os.path.exists(rule["hold"]) and time.monotonic() < deadline:
                time.sleep(0.05)
            rule = self.fault()
            if rule is not None and "hold" in rule:
                rule = None
        if rule is not None:
            data = rule.get("body", "").encode()
            with lock:
                with open(logfile, "a") as f:
                    f.write(json.dumps({"method": self.command,
                                        "path": self.path,
                                        "status": rule["status"],
                                        "target": self.headers.get(
                                            "X-Amz-Target", ""),
                                        "body_len": len(body),
                                        "body": body_text(body),
                                        "fault": True}) + "\n")
            self.send_response_only(rule["status"])
            for k, v in rule.get("headers", {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        headers = [(k, v) for k, v in self.headers.items()
                   if not (chunked and k.lower() == "transfer-encoding")]
        if chunked:
            headers.append(("Content-Length", str(len(body))))
        try:
            conn = http.client.HTTPConnection(upstream.hostname,
                                              upstream.port, timeout=300)
            conn.putrequest(self.command, self.path, skip_host=True,
                            skip_accept_encoding=True)
            for k, v in headers:
                conn.putheader(k, v)
            conn.endheaders(body or None)
            resp = conn.getresponse()
            status, reason = resp.status, resp.reason
            rheaders = resp.getheaders()
            data = resp.read()
            conn.close()
        except OSError as e:
            status, reason, rheaders = 502, "Bad Gateway", []
            data = ("proxy: upstream: %s\n" % e).encode()
        with lock:
            with open(logfile, "a") as f:
                f.write(json.dumps({"method": self.command,
                                    "path": self.path, "status": status,
                                    "target": self.headers.get(
                                        "X-Amz-Target", ""),
                                    "body_len": len(body),
                                    "body": body_text(body)}) + "\n")
        self.send_response_only(status, reason)
        # A HEAD answer's Content-Length is the object's: pass it on.
        length = str(len(data))
        for k, v in rheaders:
            if k.lower() == "content-length" and self.command == "HEAD":
                length = v
            elif k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
