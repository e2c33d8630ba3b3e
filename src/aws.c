/* aws.c - sign, send, retry, and one-line AWS errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "endpoint.h"
#include "log.h"
#include "sha256.h"
#include "sigv4.h"

#define MAX_BACKOFF_MS 20000

static void
default_sleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1)
		;
}

int
aws_xml_leaf(const char *xml, size_t len, const char *tag, struct buf *out)
{
	char open[96], close[96];
	const char *s, *e, *p, *end = xml + len;
	static const struct {
		const char *ent, *ch;
	} ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" },
	};
	size_t i, n;

	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	for (s = xml; s < end; s++)
		if ((size_t)(end - s) >= strlen(open) &&
		    memcmp(s, open, strlen(open)) == 0)
			break;
	if (s >= end)
		return -1;
	s += strlen(open);
	for (e = s; e < end; e++)
		if ((size_t)(end - e) >= strlen(close) &&
		    memcmp(e, close, strlen(close)) == 0)
			break;
	if (e >= end)
		return -1;
	for (p = s; p < e; p++) {
		for (i = 0; *p == '&' && i < sizeof ents / sizeof ents[0];
		    i++) {
			n = strlen(ents[i].ent);
			if ((size_t)(e - p) >= n &&
			    memcmp(p, ents[i].ent, n) == 0)
				break;
		}
		if (*p == '&' && i < sizeof ents / sizeof ents[0]) {
			buf_adds(out, ents[i].ch);
			p += strlen(ents[i].ent) - 1;
		} else
			buf_addch(out, *p);
	}
	return 0;
}

static const char *
json_str(const cJSON *o, const char *const *keys)
{
	const cJSON *v;

	for (; *keys != NULL; keys++) {
		v = cJSON_GetObjectItemCaseSensitive(o, *keys);
		if (cJSON_IsString(v) && v->valuestring[0] != '\0')
			return v->valuestring;
	}
	return NULL;
}

/* Copies at most one line of s into dst. */
static void
copy_line(char *dst, size_t dlen, const char *s, size_t slen)
{
	size_t n = 0;

	while (n < slen && n + 1 < dlen && s[n] != '\n' && s[n] != '\r') {
		dst[n] = s[n];
		n++;
	}
	dst[n] = '\0';
}

void
aws_parse_error(long status, const char *error_type, const char *body,
    size_t len, char *code, size_t codelen, char *msg, size_t msglen)
{
	/* "error", "error_description": SSO OIDC's OAuth-style errors. */
	static const char *const code_keys[] = { "__type", "code", "Code",
	    "Type", "error", NULL };
	static const char *const msg_keys[] = { "message", "Message",
	    "errorMessage", "error_description", NULL };
	const char *c = NULL, *m = NULL, *hash;
	struct buf xc = BUF_INIT, xm = BUF_INIT;
	cJSON *j = NULL;

	code[0] = msg[0] = '\0';
	if (len > 0 && (j = cJSON_ParseWithLength(body, len)) != NULL &&
	    cJSON_IsObject(j)) {
		c = json_str(j, code_keys);
		m = json_str(j, msg_keys);
	} else if (len > 0 && memchr(body, '<', len) != NULL) {
		if (aws_xml_leaf(body, len, "Code", &xc) == 0)
			c = xc.data;
		if (aws_xml_leaf(body, len, "Message", &xm) == 0)
			m = xm.data;
	}
	if (error_type != NULL && *error_type != '\0')
		c = error_type;
	if (c != NULL) {
		if ((hash = strrchr(c, '#')) != NULL)
			c = hash + 1;
		copy_line(code, codelen, c, strcspn(c, ":"));
	} else
		snprintf(code, codelen, "HTTP %ld", status);
	if (m != NULL)
		copy_line(msg, msglen, m, strlen(m));
	else if (len > 0 && j == NULL && memchr(body, '<', len) == NULL)
		copy_line(msg, msglen, body, len);
	cJSON_Delete(j);
	buf_release(&xc);
	buf_release(&xm);
}

int
aws_is_throttle(const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "EC2ThrottledException",
		NULL,
	};
	size_t i;

	for (i = 0; codes[i] != NULL; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

static int
is_transient(long status, const char *code)
{
	return status == 500 || status == 502 || status == 503 ||
	    status == 504 || strcmp(code, "RequestTimeout") == 0 ||
	    strcmp(code, "RequestTimeoutException") == 0 ||
	    strcmp(code, "PriorRequestNotComplete") == 0;
}

/* (Virtual-hosted only with no dot in the bucket name: TLS wildcards cover
 * one label.) */
void
aws_s3_endpoint(struct endpoint *ep, const char *bucket)
{
	char *o;
	int aws = strncmp(ep->host, "s3.", 3) == 0 &&
	    (strstr(ep->host, ".amazonaws.com") != NULL) &&
	    strncmp(ep->origin, "https://", 8) == 0 && *ep->base == '\0';

	if (aws && strchr(bucket, '.') == NULL) {
		o = xasprintf("https://%s.%s", bucket, ep->host);
		free(ep->origin);
		ep->origin = o;
		o = xasprintf("%s.%s", bucket, ep->host);
		free(ep->host);
		ep->host = o;
		return;
	}
	o = xasprintf("%s/%s", ep->base, bucket);
	free(ep->base);
	ep->base = o;
}

/* Signs and sends one attempt to ep. */
static int
attempt(struct aws_client *c, const struct aws_request *rq,
    const struct endpoint *ep, struct aws_response *rs, struct lc_err *err)
{
	struct sigv4_header sh[24];
	struct http_header hh[32];
	struct creds keys = { 0 };
	struct sigv4_creds sc = { 0 };
	struct sigv4_input in = { 0 };
	struct sigv4_output out = { 0 };
	struct http_request hr = { 0 };
	char hex[SIGV4_HEX_LEN + 1], *path = NULL, *url = NULL;
	size_t i, n = 0;
	int ret = -1;

	if (rq->nheaders > 20)
		die("too many headers for %s", rq->op);
	sh[n].name = "Host";
	sh[n++].value = ep->host;
	for (i = 0; i < rq->nheaders; i++) {
		sh[n].name = rq->headers[i].name;
		sh[n++].value = rq->headers[i].value;
	}
	path = xasprintf("%s%s", ep->base, rq->path);
	in.method = rq->method;
	in.path = path;
	in.query = rq->query;
	in.headers = sh;
	in.nheaders = n;
	in.payload_hash = rq->payload_hash;
	in.creds = &sc;
	in.region = c->region;
	in.service = rq->service;
	in.time = time(NULL);
	/* S3: no path normalisation or double encoding; the body signed. */
	in.flags = rq->bucket != NULL ? SIGV4_SIGN_BODY | SIGV4_URI_AS_SENT :
	    SIGV4_NORMALIZE_PATH;
	if (rq->stream == NULL && rq->payload_hash == NULL && rq->body_len) {
		sha256_hex(rq->body, rq->body_len, hex);
		in.payload_hash = hex;
	}
	if (c->creds != NULL && creds_get(c->creds, in.time, &keys, err) == -1)
		goto out;
	sc.access_key_id = keys.access_key_id;
	sc.secret_access_key = keys.secret_access_key;
	sc.session_token = keys.session_token;
	if (c->creds != NULL && sigv4_sign(&in, &out, err) == -1) {
		lc_error_prefix(err, "%s", rq->op);
		goto out;
	}
	for (i = 0; i < n; i++) {
		hh[i].name = sh[i].name;
		hh[i].value = sh[i].value;
	}
	for (i = 0; i < out.nadded; i++) {
		hh[n].name = out.added[i].name;
		hh[n++].value = out.added[i].value;
	}
	url = rq->query != NULL && *rq->query != '\0' ?
	    xasprintf("%s%s?%s", ep->origin, path, rq->query) :
	    xasprintf("%s%s", ep->origin, path);
	hr.method = rq->method;
	hr.url = url;
	hr.headers = hh;
	hr.nheaders = n;
	hr.body = rq->body;
	hr.body_len = rq->body_len;
	hr.stream = rq->stream;
	hr.timeout = rq->timeout;
	hr.read_timeout = rq->read_timeout;
	hr.max_body = rq->max_body;
	hr.no_resend = rq->no_retry_after_send;
	hr.path_as_is = rq->bucket != NULL;	/* a key's "." is the key's */
	hr.sink = rq->sink;
	hr.sink_arg = rq->sink_arg;
	hr.progress = rq->progress;
	hr.progress_arg = rq->progress_arg;
	hr.stop = rq->stop;
	if (http_send(c->http, &hr, &rs->http, err) == -1) {
		lc_error_prefix(err, "%s", rq->op);
		goto out;
	}
	ret = 0;
out:
	sigv4_output_release(&out);
	creds_release(&keys);
	free(path);
	free(url);
	return ret;
}

/* The AWS standard retry delay: random in [0, min(2^(n-1) s, 20 s)]. */
static long
backoff_ms(int n)
{
	long cap = 1000L << (n - 1 < 5 ? n - 1 : 5);

	if (cap > MAX_BACKOFF_MS)
		cap = MAX_BACKOFF_MS;
	return (long)arc4random_uniform((unsigned)cap + 1);
}

int
aws_call(struct aws_client *c, const struct aws_request *rq,
    struct aws_response *rs, struct lc_err *err)
{
	struct endpoint ep;
	char msg[768], code[sizeof err->code];
	int n, max = c->max_attempts > 0 ? c->max_attempts : 3, retry;
	int ret = -1;
	long ms, st;

	memset(rs, 0, sizeof *rs);
	buf_init(&rs->http.body);
	if (endpoint_resolve_checked(&ep, c->endpoint_flag, rq->service,
	    c->cfg, c->region, err) == -1)
		goto out;
	if (rq->bucket != NULL)
		aws_s3_endpoint(&ep, rq->bucket);
	for (n = 1;; n++) {
		if (n > 1 && rq->stream != NULL && (rq->stream->rewind == NULL ||
		    rq->stream->rewind(rq->stream->arg) == -1))
			break;	/* cannot resend; err holds the last failure */
		aws_response_release(rs);
		lc_error_clear(err);
		if (attempt(c, rq, &ep, rs, err) == -1) {
			if (rq->no_retry_after_send &&
			    rs->http.failure != HTTP_FAIL_CONNECT)
				break;
			/* The same call would bring the same oversized answer. */
			retry = rs->http.failure != HTTP_FAIL_NONE &&
			    rs->http.failure != HTTP_FAIL_TOO_LARGE;
		} else if (rs->http.status >= 200 && rs->http.status < 300 &&
		    !(rq->error_in_200 && rs->http.body.len > 0 &&
		    strstr(rs->http.body.data, "<Error>") != NULL)) {
			ret = 0;
			break;
		} else {
			/* error_in_200: a 500, as botocore has it. */
			st = rs->http.status < 300 ? 500 : rs->http.status;
			aws_parse_error(st,
			    http_header_get(&rs->http, "x-amzn-ErrorType"),
			    rs->http.body.data, rs->http.body.len,
			    code, sizeof code, msg, sizeof msg);
			if (msg[0] != '\0')
				lc_error(err, LC_EFAIL, "%s: %s: %s", rq->op,
				    code, msg);
			else
				lc_error(err, LC_EFAIL, "%s: %s", rq->op, code);
			lc_error_set_code(err, code);
			retry = aws_is_throttle(code) ||
			    st == 429 || (!rq->no_retry_after_send &&
			    is_transient(st, code));
		}
		if (!retry || n >= max)
			break;
		ms = backoff_ms(n);
		log_debug("%s: retrying in %ld ms (attempt %d of %d) after: %s",
		    rq->op, ms, n + 1, max, err->msg);
		(c->sleep_ms != NULL ? c->sleep_ms : default_sleep)(ms);
	}
out:
	endpoint_release(&ep);
	return ret;
}

void
aws_response_release(struct aws_response *rs)
{
	http_response_release(&rs->http);
}

int
aws_next_page(const char *op, const char *name, char **token, char **next,
    struct lc_err *err)
{
	if (*next == NULL)
		return 0;
	if (*token != NULL && strcmp(*token, *next) == 0)
		return lc_error(err, LC_EFAIL, "%s: the same %s came back twice",
		    op, name);
	free(*token);
	*token = *next;
	*next = NULL;
	return 1;
}
