#!/usr/bin/env python3
"""An independent check of lambdactl's S3 signatures, with botocore's signer.

usage: sigcheck.py proxy UPSTREAM_URL PORTFILE LOGFILE
       sigcheck.py check LOGFILE REGION [ACCESS_KEY SECRET_KEY [TOKEN]]

"proxy" listens on 127.0.0.1 (a free port written to PORTFILE), forwards
every request unchanged to UPSTREAM_URL (http://HOST:PORT) and relays the
answer; each request is logged to LOGFILE as one JSON line: method, path
(raw, with its query), headers (as received), the SHA-256 (hex) and length
of the body as received, and the status answered.

"check" re-signs every logged request that carries an Authorization header
with botocore.auth.S3SigV4Auth (the credentials given, else
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), at the
request's own X-Amz-Date, over the headers its SignedHeaders names, with
the payload hash of the body actually received, and compares the
Authorization headers.  It also requires x-amz-content-sha256 to be signed
and to equal the body's hash.  Prints one line per request; exits 1 on the
first mismatch, 2 when no signed request was logged.
"""
import datetime
import hashlib
import http.client
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
       "transfer-encoding", "upgrade"}


def proxy(upstream_url, portfile, logfile):
    up = urllib.parse.urlsplit(upstream_url)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                parts = []
                while True:
                    n = int(self.rfile.readline().split(b";")[0], 16)
                    if n == 0:
                        self.rfile.readline()
                        return b"".join(parts)
                    parts.append(self.rfile.read(n))
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length", 0))
            if self.headers.get("Expect", "").lower() == "100-continue":
                self.send_response_only(100)
                self.end_headers()
            return self.rfile.read(n) if n else b""

        def handle_any(self):
            data = self.body()
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP and k.lower() != "expect"}
            headers["Content-Length"] = str(len(data))
            c = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
            c.request(self.command, self.path, body=data, headers=headers)
            r = c.getresponse()
            answer = r.read()
            self.send_response(r.status)
            head = self.command == "HEAD"
            for k, v in r.getheaders():
                if k.lower() not in HOP and (head or
                                             k.lower() != "content-length"):
                    self.send_header(k, v)
            if not head:	# a HEAD's Content-Length is the object's
                self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer)
            c.close()
            rec = {"method": self.command, "path": self.path,
                   "headers": list(self.headers.items()),
                   "body_sha256": hashlib.sha256(data).hexdigest(),
                   "body_len": len(data), "status": r.status}
            with lock, open(logfile, "a") as f:
                f.write(json.dumps(rec) + "\n")

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


def check(logfile, region, key, secret, token):
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class Signer(botocore.auth.S3SigV4Auth):
        body_hash = None

        def payload(self, request):
            return self.body_hash

    creds = Credentials(key, secret, token)
    n = 0
    for line in open(logfile):
        rec = json.loads(line)
        hdrs = {k.lower(): v for k, v in rec["headers"]}
        auth = hdrs.get("authorization")
        if auth is None:
            continue
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        what = "%s %s" % (rec["method"], rec["path"])
        for need in ("host", "x-amz-date", "x-amz-content-sha256"):
            if need not in signed:
                print("FAIL %s: %s not signed" % (what, need))
                return 1
        if hdrs["x-amz-content-sha256"] != rec["body_sha256"]:
            print("FAIL %s: x-amz-content-sha256 %s, body %s" % (
                what, hdrs["x-amz-content-sha256"], rec["body_sha256"]))
            return 1
        when = datetime.datetime.strptime(hdrs["x-amz-date"],
                                          "%Y%m%dT%H%M%SZ")
        botocore.auth.get_current_datetime = lambda: when
        req = AWSRequest(method=rec["method"],
                         url="http://%s%s" % (hdrs["host"], rec["path"]),
                         headers={h: hdrs[h] for h in signed
                                  if h not in ("x-amz-date",
                                               "x-amz-content-sha256",
                                               "x-amz-security-token")})
        s = Signer(creds, "s3", region)
        s.body_hash = rec["body_sha256"]
        s.add_auth(req)
        if req.headers["Authorization"] != auth:
            print("FAIL %s:\n  lambdactl %s\n  botocore  %s" % (
                what, auth, req.headers["Authorization"]))
            return 1
        print("ok %s" % what)
        n += 1
    return 0 if n else 2


if __name__ == "__main__":
    if sys.argv[1] == "proxy":
        proxy(*sys.argv[2:5])
    else:
        a = sys.argv[2:] + [None] * 5
        sys.exit(check(a[0], a[1],
                       a[2] or os.environ["AWS_ACCESS_KEY_ID"],
                       a[3] or os.environ["AWS_SECRET_ACCESS_KEY"],
                       a[4] or os.environ.get("AWS_SESSION_TOKEN")))
