#!/usr/bin/env python3
"""A stateful credentials server for end-to-end tests of what moto cannot do.

usage: credstub.py CONFIG.json PORTFILE LOGFILE

One port serves the SSO portal, SSO OIDC, the container credentials
endpoint and IMDSv2 (tokens enforced), with the real services' paths and
JSON shapes, so one URL can be given as AWS_ENDPOINT_URL_SSO,
AWS_ENDPOINT_URL_SSO_OIDC, AWS_CONTAINER_CREDENTIALS_FULL_URI (URL + path)
and AWS_EC2_METADATA_SERVICE_ENDPOINT.  Listens on 127.0.0.1 only, on a
free port written to PORTFILE.  Every section of CONFIG is optional; a
route whose section is missing answers 404.

CONFIG.json (times are seconds from the moment the stub starts or answers;
a negative one is already in the past):
  {"sso": {
     "tokens": {"ACCESS_TOKEN": 3600, ...},   seeded portal access tokens
                                              and their lifetimes
     "roles": {"ACCOUNT/ROLE": {"accessKeyId": "...",
               "secretAccessKey": "...", "sessionToken": "...",
               "expires_in": 3600}, ...}},
   "oidc": {
     "clients": {"CLIENT_ID": "CLIENT_SECRET", ...},  seeded registrations
     "client_expires_in": 7776000,   lifetime of a registration it issues
     "refresh_tokens": {"REFRESH_TOKEN": "CLIENT_ID", ...},  seeded, valid
                                     for that client only
     "pending": 2,          authorization_pending answers before a device
                            code is approved by itself; null: only
                            POST /stub/approve approves it
     "slow_down": 1,        slow_down answers given first (before pending)
     "deny": false,         answer access_denied instead of approving
     "device_expires_in": 600, "interval": 1,
     "token_expires_in": 3600,     lifetime of the access tokens it issues
     "refresh": true},      issue a refreshToken with tokens (default true)
   "container": {"path": "/creds", "authorization": "Bearer X" (optional),
     "AccessKeyId": "...", "SecretAccessKey": "...", "Token": "...",
     "RoleArn": "..." (optional), "expires_in": 3600,
     "sequence": [{"AccessKeyId": "...", ...}, ...] (optional): the Nth
       answer with credentials takes its members (any of the above but
       "path" and "authorization") from the Nth entry, the last entry
       for every answer after; to see which key a refresh brought},
   "imds": {"role": "ec2-role", "AccessKeyId": "...",
     "SecretAccessKey": "...", "Token": "...", "expires_in": 3600},
   "faults": [{"method": "GET", "path": "^/creds", "skip": 0, "count": 1,
               "status": 500, "body": "...", "garbage": true,
               "delay": 3, "drop": true}, ...]}

Routes:
  GET  /federation/credentials?role_name=R&account_id=A   (SSO portal)
       header x-amz-sso_bearer_token must be a seeded token or one this stub
       issued, and unexpired: else 401 UnauthorizedException; an unknown
       ACCOUNT/ROLE is 403 ForbiddenException "No access" (what the real
       portal says); a missing parameter 400 InvalidRequestException.
       Answers {"roleCredentials": {"accessKeyId", "secretAccessKey",
       "sessionToken", "expiration": epoch milliseconds}}.
  (Each N below counts from 1 for its own kind of name.)
  POST /client/register         RegisterClient: clientId "client-N",
                                clientSecret "secret-client-N",
                                clientIdIssuedAt, clientSecretExpiresAt
                                (epoch seconds)
  POST /device_authorization    StartDeviceAuthorization: deviceCode
                                "device-N", userCode "CODE-N",
                                verificationUri(Complete), expiresIn,
                                interval
  POST /token                   CreateToken, grantType
       urn:ietf:params:oauth:grant-type:device_code: slow_down, then
       authorization_pending until approved, then {"accessToken":
       "access-N", "tokenType": "Bearer", "expiresIn", "refreshToken":
       "refresh-N"}; expired_token once the device code expired,
       access_denied when "deny"; an approved code is used up by the token.
       refresh_token: a refresh token issued to (or seeded for) this
       client gives a new access and refresh token (the old refresh token
       stays valid); any other is invalid_grant.
       An unknown clientId or wrong clientSecret is 401 invalid_client; a
       registration past its expiry too.
    OIDC errors are as the real service sends them: HTTP 400 (401 for
    invalid_client), body {"error": "authorization_pending",
    "error_description": "..."} and header x-amzn-ErrorType:
    AuthorizationPendingException:http://internal.amazon.com/coral/
    com.amazonaws.switchboard.service/ -- botocore takes the error code from
    that header (the part before ":"), not from the body.
  GET  <container.path>         401 unless Authorization equals
       container.authorization (when set); else {"AccessKeyId",
       "SecretAccessKey", "Token", "Expiration": "YYYY-MM-DDTHH:MM:SSZ"}
       (+ "RoleArn" when configured)
  PUT  /latest/api/token        needs X-aws-ec2-metadata-token-ttl-seconds,
                                an integer 1..21600 (400 otherwise); the
                                token ("imds-N") lives that many seconds
  GET  /latest/meta-data/iam/security-credentials/       the role name
  GET  /latest/meta-data/iam/security-credentials/ROLE   {"Code":
       "Success", "LastUpdated", "Type": "AWS-HMAC", "AccessKeyId",
       "SecretAccessKey", "Token", "Expiration"}; both need a valid
       X-aws-ec2-metadata-token header, else 401 (so IMDSv1 fails); an
       unknown ROLE is 404.
  Control routes (not logged, never faulted):
  POST /stub/approve   approves the device codes given as {"userCode": X}
                       or {"deviceCode": X}, or all pending ones ({} body)
  GET  /stub/counts    {"ROUTE": requests so far, ...}, ROUTE one of
                       sso.credentials, oidc.register, oidc.device,
                       oidc.token, container, imds.token, imds.role,
                       imds.creds, unknown
  GET  /stub/state     issued tokens: {"access": {...}, "refresh": {...},
                       "clients": {...}, "devices": {...}}

Faults: each request is checked against "faults" in order; the first whose
method (regex, whole method; default any) and path (regex searched in the
path with its query) match, and that still has some of its "count" left
(default 1; null: forever) after the first "skip" requests matching it
(default 0; every matching request counts, even one an earlier fault
took), applies: "delay" S sleeps S seconds first; then "drop" closes
the connection without answering, "garbage" answers a non-JSON body
(status 200 unless "status" is given), "status" answers that status with
"body" (default "stub fault"); a fault with only "delay" then answers
normally.  Each fault keeps its own count.

Every request outside /stub/ is logged to LOGFILE as one JSON line:
time ("t", epoch seconds), method, path (with its query), query, headers
(as received), body (as text), route (as in /stub/counts), fault (its index
in "faults", or null) and status (null for a drop).
"""
import json
import os
import re
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

config = json.load(open(sys.argv[1]))
portfile, logfile = sys.argv[2], sys.argv[3]
lock = threading.Lock()
START = time.time()
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
OIDC_ERRORS = {
    "authorization_pending": (400, "AuthorizationPendingException"),
    "slow_down": (400, "SlowDownException"),
    "expired_token": (400, "ExpiredTokenException"),
    "access_denied": (400, "AccessDeniedException"),
    "invalid_grant": (400, "InvalidGrantException"),
    "invalid_request": (400, "InvalidRequestException"),
    "unsupported_grant_type": (400, "UnsupportedGrantTypeException"),
    "invalid_client": (401, "InvalidClientException"),
}
CORAL = ":http://internal.amazon.com/coral/com.amazonaws.switchboard.service/"

sso = config.get("sso")
oidc = config.get("oidc")
container = config.get("container")
imds = config.get("imds")
faults = [dict(f, used=0, seen=0) for f in config.get("faults", [])]
counts = {}
serial = {}        # prefix -> last number issued
# Issued state: token -> expiry (epoch seconds) or owner.
access = {t: START + s for t, s in ((sso or {}).get("tokens") or {}).items()}
refresh = dict((oidc or {}).get("refresh_tokens") or {})
clients = {c: {"secret": s, "expires": None}
           for c, s in ((oidc or {}).get("clients") or {}).items()}
devices = {}       # deviceCode -> {"client", "user", "expires", "polls",
                   #                "approved", "used"}
imds_tokens = {}   # token -> expiry


def next_id(prefix):
    serial[prefix] = serial.get(prefix, 0) + 1
    return f"{prefix}-{serial[prefix]}"


def iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def route_of(method, path):
    p = path.partition("?")[0]
    table = [("GET", "/federation/credentials", "sso.credentials"),
             ("POST", "/client/register", "oidc.register"),
             ("POST", "/device_authorization", "oidc.device"),
             ("POST", "/token", "oidc.token"),
             ("PUT", "/latest/api/token", "imds.token"),
             ("GET", "/latest/meta-data/iam/security-credentials/",
              "imds.role")]
    for m, rp, name in table:
        if method == m and p == rp:
            return name
    if method == "GET" and p.startswith(
            "/latest/meta-data/iam/security-credentials/"):
        return "imds.creds"
    if container and method == "GET" and p == container.get("path", "/creds"):
        return "container"
    return "unknown"


def pick_fault(method, path):
    """The index of the fault that applies to this request, or None."""
    chosen = None
    for i, f in enumerate(faults):
        if not (re.fullmatch(f.get("method", ".*"), method)
                and re.search(f.get("path", ""), path)):
            continue
        f["seen"] += 1
        count = f.get("count", 1)
        if (chosen is None and f["seen"] > f.get("skip", 0)
                and (count is None or f["used"] < count)):
            f["used"] += 1
            chosen = i
    return chosen


def jbody(obj):
    return json.dumps(obj).encode()


def oidc_error(code, desc):
    status, etype = OIDC_ERRORS[code]
    return status, {"x-amzn-ErrorType": etype + CORAL}, jbody(
        {"error": code, "error_description": desc})


def portal_error(status, etype, msg):
    return status, {"x-amzn-ErrorType": etype}, jbody(
        {"message": msg,
         "__type": "com.amazonaws.switchboard.portal#" + etype})


def sso_credentials(h, query):
    if sso is None:
        return 404, {}, b""
    tok = h.headers.get("x-amz-sso_bearer_token")
    if tok is None or access.get(tok, 0) <= time.time():
        return portal_error(401, "UnauthorizedException",
                            "Session token not found or invalid")
    q = parse_qs(query)
    role, acct = q.get("role_name", [None])[0], q.get("account_id", [None])[0]
    if not role or not acct:
        return portal_error(400, "InvalidRequestException",
                            "role_name and account_id are required")
    r = (sso.get("roles") or {}).get(f"{acct}/{role}")
    if r is None:
        return portal_error(403, "ForbiddenException", "No access")
    exp = int((time.time() + r.get("expires_in", 3600)) * 1000)
    return 200, {}, jbody({"roleCredentials": {
        "accessKeyId": r["accessKeyId"],
        "secretAccessKey": r["secretAccessKey"],
        "sessionToken": r.get("sessionToken", "sso-session-token"),
        "expiration": exp}})


def client_error(req):
    """An invalid_client answer for a bad clientId/clientSecret, or None."""
    c = clients.get(req.get("clientId"))
    if c is None or c["secret"] != req.get("clientSecret"):
        return oidc_error("invalid_client", "Invalid client")
    if c["expires"] is not None and c["expires"] <= time.time():
        return oidc_error("invalid_client", "Client registration expired")
    return None


def oidc_register(req):
    if not req.get("clientName") or not req.get("clientType"):
        return oidc_error("invalid_request", "clientName and clientType "
                          "are required")
    cid = next_id("client")
    now = int(time.time())
    exp = now + oidc.get("client_expires_in", 90 * 86400)
    clients[cid] = {"secret": "secret-" + cid, "expires": exp}
    return 200, {}, jbody({"clientId": cid, "clientSecret":
                           clients[cid]["secret"], "clientIdIssuedAt": now,
                           "clientSecretExpiresAt": exp})


def oidc_device(req, base):
    err = client_error(req)
    if err:
        return err
    if not req.get("startUrl"):
        return oidc_error("invalid_request", "startUrl is required")
    dc = next_id("device")
    uc = "CODE-" + dc.split("-")[1]    # device-N goes with CODE-N
    life = oidc.get("device_expires_in", 600)
    devices[dc] = {"client": req["clientId"], "user": uc,
                   "expires": time.time() + life, "polls": 0,
                   "approved": False, "used": False}
    return 200, {}, jbody({
        "deviceCode": dc, "userCode": uc,
        "verificationUri": base + "/start/#/device",
        "verificationUriComplete": base + "/start/#/device?user_code=" + uc,
        "expiresIn": life, "interval": oidc.get("interval", 1)})


def issue_token(cid):
    tok = next_id("access")
    access[tok] = time.time() + oidc.get("token_expires_in", 3600)
    out = {"accessToken": tok, "tokenType": "Bearer",
           "expiresIn": oidc.get("token_expires_in", 3600)}
    if oidc.get("refresh", True):
        rt = next_id("refresh")
        refresh[rt] = cid
        out["refreshToken"] = rt
    return 200, {}, jbody(out)


def device_token(req):
    d = devices.get(req.get("deviceCode"))
    if d is None or d["client"] != req["clientId"] or d["used"]:
        return oidc_error("invalid_grant", "Invalid device code provided")
    if d["expires"] <= time.time():
        return oidc_error("expired_token", "Device code has expired")
    d["polls"] += 1
    slow = oidc.get("slow_down", 0)
    if d["polls"] <= slow:
        return oidc_error("slow_down", "Client is polling too quickly")
    pending = oidc.get("pending", 0)
    if pending is not None and d["polls"] > slow + pending:
        d["approved"] = True
    if not d["approved"]:
        return oidc_error("authorization_pending",
                          "Authorization is still pending")
    if oidc.get("deny"):
        return oidc_error("access_denied", "The user denied access")
    d["used"] = True
    return issue_token(d["client"])


def oidc_token(req):
    err = client_error(req)
    if err:
        return err
    grant = req.get("grantType")
    if grant == DEVICE_GRANT:
        return device_token(req)
    if grant == "refresh_token":
        if refresh.get(req.get("refreshToken")) != req["clientId"]:
            return oidc_error("invalid_grant", "Invalid refresh token")
        return issue_token(req["clientId"])
    return oidc_error("unsupported_grant_type", "Unsupported grant type")


def container_creds(h):
    want = container.get("authorization")
    if want is not None and h.headers.get("Authorization") != want:
        return 401, {}, jbody({"message": "Unauthorized"})
    seq = container.get("sequence") or [{}]
    n = serial.get("container", 0)
    serial["container"] = n + 1
    conf = dict(container, **seq[min(n, len(seq) - 1)])
    out = {k: conf[k] for k in ("RoleArn", "AccessKeyId",
                                "SecretAccessKey", "Token")
           if k in conf}
    out["Expiration"] = iso(time.time() + conf.get("expires_in", 3600))
    return 200, {}, jbody(out)


def imds_token(h):
    ttl = h.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
    if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
        return 400, {}, b""
    tok = next_id("imds")
    imds_tokens[tok] = time.time() + int(ttl)
    return 200, {"X-aws-ec2-metadata-token-ttl-seconds": ttl}, tok.encode()


def imds_get(h, name, path):
    tok = h.headers.get("X-aws-ec2-metadata-token")
    if tok is None or imds_tokens.get(tok, 0) <= time.time():
        return 401, {}, b""
    role = imds.get("role", "ec2-role")
    if name == "imds.role":
        return 200, {}, role.encode()
    if path.partition("?")[0].rsplit("/", 1)[1] != role:
        return 404, {}, b""
    return 200, {}, jbody({
        "Code": "Success", "LastUpdated": iso(time.time()),
        "Type": "AWS-HMAC", "AccessKeyId": imds["AccessKeyId"],
        "SecretAccessKey": imds["SecretAccessKey"],
        "Token": imds.get("Token", "imds-session-token"),
        "Expiration": iso(time.time() + imds.get("expires_in", 3600))})


def answer(h, name, body):
    """Status, headers and body for a request that no fault took."""
    path, query = h.path, h.path.partition("?")[2]
    if name == "sso.credentials":
        return sso_credentials(h, query)
    if name.startswith("oidc."):
        if oidc is None:
            return 404, {}, b""
        try:
            req = json.loads(body or b"{}")
            if not isinstance(req, dict):
                raise ValueError
        except ValueError:
            return oidc_error("invalid_request", "Invalid JSON body")
        if name == "oidc.register":
            return oidc_register(req)
        if name == "oidc.device":
            host = h.headers.get("Host", "127.0.0.1")
            return oidc_device(req, "http://" + host)
        return oidc_token(req)
    if name == "container":
        return container_creds(h)
    if name.startswith("imds."):
        if imds is None:
            return 404, {}, b""
        return imds_token(h) if name == "imds.token" else \
            imds_get(h, name, path)
    return 404, {}, b""


def control(h, body):
    p = h.path.partition("?")[0]
    with lock:
        if h.command == "GET" and p == "/stub/counts":
            return 200, {}, jbody(counts)
        if h.command == "GET" and p == "/stub/state":
            return 200, {}, jbody({"access": access, "refresh": refresh,
                                   "clients": clients, "devices": devices})
        if h.command == "POST" and p == "/stub/approve":
            sel = json.loads(body or b"{}")
            n = 0
            for dc, d in devices.items():
                if (sel.get("deviceCode", dc) == dc
                        and sel.get("userCode", d["user"]) == d["user"]):
                    d["approved"] = True
                    n += 1
            return 200, {}, jbody({"approved": n})
    return 404, {}, b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, headers, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-RequestId", "credstub")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.startswith("/stub/"):
            self.reply(*control(self, body))
            return
        name = route_of(self.command, self.path)
        with lock:
            counts[name] = counts.get(name, 0) + 1
            fi = pick_fault(self.command, self.path)
            f = faults[fi] if fi is not None else {}
            if not f or set(f) <= {"delay", "method", "path", "skip",
                                   "count", "used", "seen"}:
                status, headers, data = answer(self, name, body)
            elif f.get("drop"):
                status, headers, data = None, {}, b""
            elif f.get("garbage"):
                status, headers, data = (f.get("status", 200), {},
                                         b"<html>this is not JSON {")
            else:
                status, headers, data = (f.get("status", 500), {},
                                         f.get("body", "stub fault").encode())
            entry = {"t": time.time(), "method": self.command,
                     "path": self.path, "query": self.path.partition("?")[2],
                     "headers": dict(self.headers.items()),
                     "body": body.decode("utf-8", "replace"),
                     "route": name, "fault": fi, "status": status}
            with open(logfile, "a") as fp:
                fp.write(json.dumps(entry) + "\n")
        time.sleep(f.get("delay", 0))
        if status is None:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        try:
            self.reply(status, headers, data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(portfile + ".tmp", "w") as fp:
    fp.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
