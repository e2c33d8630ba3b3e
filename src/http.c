/* http.c - a thin libcurl wrapper. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "clock.h"
#include "http.h"
#include "log.h"

struct http_client {
	CURL		*curl;
	struct http_opts opts;
	char		*ca_bundle;
};

struct http_client *
http_client_new(const struct http_opts *o)
{
	struct http_client *c = xcalloc(1, sizeof *c);

	if ((c->curl = curl_easy_init()) == NULL)
		die("cannot create a libcurl handle");
	if (o != NULL)
		c->opts = *o;
	if (c->opts.connect_timeout <= 0)
		c->opts.connect_timeout = 10;
	if (c->opts.read_timeout <= 0)
		c->opts.read_timeout = 60;
	c->ca_bundle = xstrdup(c->opts.ca_bundle);
	c->opts.ca_bundle = c->ca_bundle;
	return c;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c->ca_bundle);
	free(c);
}

struct xfer {
	const struct http_request	*rq;
	struct http_response		*rs;
	int				 sink_failed;
	/* The read timeout: when a byte last moved, either way. */
	long				 idle_limit;
	curl_off_t			 last_dl, last_ul;
	double				 last_move;	/* clock_ms */
	int				 idle_expired;
};

/*
 * curl's LOW_SPEED options average over a window that counts the bytes
 * already uploaded, so a silent server takes several extra seconds to trip
 * them; this aborts when no byte has moved for idle_limit seconds.
 */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = arg;

	(void)dltotal;
	if (x->rq->progress != NULL && ulnow != x->last_ul)
		x->rq->progress(x->rq->progress_arg, (uint64_t)ulnow,
		    (uint64_t)ultotal);
	if (dlnow != x->last_dl || ulnow != x->last_ul) {
		x->last_dl = dlnow;
		x->last_ul = ulnow;
		x->last_move = clock_ms();
		return 0;
	}
	if (clock_ms() - x->last_move < 1e3 * (double)x->idle_limit)
		return 0;
	x->idle_expired = 1;
	return 1;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (x->rq->sink == NULL) {
		buf_add(&x->rs->body, data, n);
		return n;
	}
	if (x->rq->sink(x->rq->sink_arg, data, n) == -1) {
		x->sink_failed = 1;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	}
	(void)size;
	return n;
}

static void
clear_headers(struct http_response *rs)
{
	size_t i;

	for (i = 0; i < rs->nheaders; i++) {
		free((char *)rs->headers[i].name);
		free((char *)rs->headers[i].value);
	}
	free(rs->headers);
	rs->headers = NULL;
	rs->nheaders = 0;
}

/* Collects "Name: value" lines; a new status line starts a new set. */
static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct http_response *rs = x->rs;
	size_t len = n, nlen;
	const char *colon, *v;

	(void)size;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		clear_headers(rs);
		return n;
	}
	if ((colon = memchr(line, ':', len)) == NULL)
		return n;
	nlen = (size_t)(colon - line);
	v = colon + 1;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	rs->headers = xrealloc(rs->headers,
	    (rs->nheaders + 1) * sizeof *rs->headers);
	rs->headers[rs->nheaders].name = xstrndup(line, nlen);
	rs->headers[rs->nheaders].value = xstrndup(v,
	    (size_t)(line + len - v));
	rs->nheaders++;
	return n;
}

/* A body in memory, read once; see no_resend. */
struct once {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

static size_t
once_read(void *arg, char *dst, size_t len)
{
	struct once *o = arg;
	size_t n = o->len - o->off < len ? o->len - o->off : len;

	memcpy(dst, o->data + o->off, n);
	o->off += n;
	return n;
}

/* Refuses every rewind, so that libcurl fails rather than resend. */
static int
no_seek(void *arg, curl_off_t offset, int origin)
{
	(void)arg;
	(void)offset;
	(void)origin;
	return CURL_SEEKFUNC_CANTSEEK;
}

static size_t
on_read(char *dst, size_t size, size_t n, void *arg)
{
	const struct http_stream *s = arg;
	size_t got = s->read(s->arg, dst, size * n);

	return got == (size_t)-1 ? CURL_READFUNC_ABORT : got;
}

/* --debug: the request line and headers, redacted by log_debug. */
static void
trace_request(const struct http_request *rq)
{
	size_t i;

	log_debug("> %s %s", rq->method, rq->url);
	for (i = 0; i < rq->nheaders; i++)
		log_debug("> %s: %s", rq->headers[i].name,
		    rq->headers[i].value);
	if (rq->stream != NULL || rq->body_len > 0)
		log_debug("> (%zu bytes of body)", rq->stream != NULL ?
		    rq->stream->len : rq->body_len);
}

static void
trace_response(CURL *curl, const struct http_response *rs)
{
	long connects = 0;
	size_t i;

	curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
	log_debug("< %ld (%.0f ms, %s)", rs->status, rs->seconds * 1000,
	    connects ? "new connection" : "connection reused");
	for (i = 0; i < rs->nheaders; i++)
		log_debug("< %s: %s", rs->headers[i].name,
		    rs->headers[i].value);
	log_debug("< (%zu bytes of body)", rs->body.len);
}

static enum http_failure
classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return HTTP_FAIL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_FAIL_TIMEOUT;
	default:
		return HTTP_FAIL_IO;
	}
}

int
http_send(struct http_client *c, const struct http_request *rq,
    struct http_response *rs, struct lc_err *err)
{
	struct curl_slist *hl = NULL, *tmp;
	struct xfer x = { 0 };
	struct once once = { 0 };
	struct http_stream once_stream = { once_read, NULL, &once, 0 };
	const struct http_stream *stream = rq->stream;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct buf line = BUF_INIT;
	CURL *curl = c->curl;
	CURLcode rc;
	size_t i;
	int ret = -1;

	memset(rs, 0, sizeof *rs);
	buf_init(&rs->body);
	x.rq = rq;
	x.rs = rs;
	x.idle_limit = rq->read_timeout > 0 ? rq->read_timeout :
	    c->opts.read_timeout;
	x.last_move = clock_ms();
	curl_easy_reset(curl);	/* keeps the connection cache */
	for (i = 0; i < rq->nheaders; i++) {
		buf_reset(&line);
		buf_addf(&line, "%s: %s", rq->headers[i].name,
		    rq->headers[i].value);
		if ((tmp = curl_slist_append(hl, line.data)) == NULL)
			die("out of memory");
		hl = tmp;
	}
	/* No "Expect: 100-continue" round trip for large bodies. */
	if ((tmp = curl_slist_append(hl, "Expect:")) == NULL)
		die("out of memory");
	hl = tmp;
	buf_wipe(&line);

	curl_easy_setopt(curl, CURLOPT_URL, rq->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "lambdactl/" LC_VERSION);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->opts.ca_bundle != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, c->opts.ca_bundle);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, c->opts.connect_timeout);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &x);
	if (rq->timeout > 0)
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, rq->timeout);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);

	if (rq->no_resend && stream == NULL && rq->body != NULL) {
		once.data = rq->body;
		once.len = once_stream.len = rq->body_len;
		stream = &once_stream;
	}
	if (stream != NULL) {
		curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(curl, CURLOPT_READDATA, stream);
		curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)stream->len);
		/* A streamed body is never rewound by libcurl itself. */
		curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, no_seek);
	} else if (rq->body != NULL || strcmp(rq->method, "POST") == 0 ||
	    strcmp(rq->method, "PUT") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)rq->body_len);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
		    rq->body != NULL ? rq->body : "");
	}
	if (strcmp(rq->method, "GET") == 0 && rq->body == NULL)
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, rq->method);
	if (strcmp(rq->method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);

	if (log_debug_on())
		trace_request(rq);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &rs->seconds);
	if (rc != CURLE_OK) {
		rs->failure = x.sink_failed ? HTTP_FAIL_IO :
		    x.idle_expired ? HTTP_FAIL_TIMEOUT : classify(rc);
		if (x.sink_failed)
			lc_error(err, LC_EFAIL, "cannot write the response "
			    "from '%s'", rq->url);
		else if (x.idle_expired)
			lc_error(err, LC_EFAIL, "%s %s: no data for %ld s "
			    "(read timeout)", rq->method, rq->url,
			    x.idle_limit);
		else
			lc_error(err, LC_EFAIL, "%s %s: %s", rq->method,
			    rq->url, errbuf[0] ? errbuf :
			    curl_easy_strerror(rc));
		log_debug("< transport error: %s", err->msg);
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &rs->status);
	if (log_debug_on())
		trace_response(curl, rs);
	ret = 0;
out:
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hl);
	return ret;
}

const char *
http_header_get(const struct http_response *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nheaders; i++)
		if (strcasecmp(rs->headers[i].name, name) == 0)
			return rs->headers[i].value;
	return NULL;
}

void
http_response_release(struct http_response *rs)
{
	clear_headers(rs);
	buf_release(&rs->body);
}
