/* http.c - a thin libcurl wrapper. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <netinet/in.h>
#ifdef __linux__
#include <linux/tcp.h>
#endif

#include <curl/curl.h>

#include "clock.h"
#include "http.h"
#include "log.h"

/*
 * Each request gets a fresh easy handle: libcurl 7.88 (Debian bookworm)
 * reads freed memory when a reused handle meets a response starting with a
 * folded header line (curl issue #11101).  Keep-alive survives through the
 * share, which holds the connection cache (and DNS and TLS sessions).  A
 * client is used by one thread at a time: no share locks.
 */
struct http_client {
	CURLSH		*share;
	struct http_opts opts;
	char		*ca_bundle;
	/* The sockets our connections use, to find a request's own. */
	curl_socket_t	*fds;
	size_t		 nfds, capfds;
	struct xfer	*cur;		/* the request under way */
};

struct xfer {
	struct http_client		*c;
	const struct http_request	*rq;
	struct http_response		*rs;
	int				 sink_failed;
	/* The read timeout: when a byte last moved, either way. */
	long				 idle_limit;
	curl_off_t			 last_dl, last_ul;
	double				 last_move;	/* clock_ms */
	int				 idle_expired;
	/* The total deadline (clock_ms) and its length in seconds. */
	double				 deadline;
	long				 deadline_s;
	int				 deadline_expired;
	/* The response body bound. */
	size_t				 max_body, got;
	int				 too_large;
	int				 saw_status;	/* a status line came */
	/* no_resend: the connection in use and what it had acked before. */
	int				 sends;
	curl_socket_t			 fd;
	long long			 acked0, acked1;
	int				 reset;
	double				 sent_ms, dead_ms;	/* clock_ms */
	const struct http_stream	*stream;
	int				 resend_ok, resend_refused;
};

struct http_client *
http_client_new(const struct http_opts *o)
{
	struct http_client *c = xcalloc(1, sizeof *c);

	if ((c->share = curl_share_init()) == NULL ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK)
		die("cannot create a libcurl share");
	if (o != NULL)
		c->opts = *o;
	if (c->opts.connect_timeout <= 0)
		c->opts.connect_timeout = 10;
	if (c->opts.read_timeout <= 0)
		c->opts.read_timeout = 60;
	if (c->opts.request_timeout <= 0)
		c->opts.request_timeout = HTTP_REQUEST_TIMEOUT;
	if (c->opts.max_body == 0)
		c->opts.max_body = HTTP_MAX_BODY;
	c->ca_bundle = xstrdup(c->opts.ca_bundle);
	c->opts.ca_bundle = c->ca_bundle;
	return c;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	/* Closes the cached connections, through close_socket below. */
	curl_share_cleanup(c->share);
	free(c->fds);
	free(c->ca_bundle);
	free(c);
}

/* Opens a connection's socket and remembers it. */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_client *c = arg;
	curl_socket_t fd;

	(void)purpose;
	if ((fd = socket(a->family, a->socktype, a->protocol)) == -1)
		return CURL_SOCKET_BAD;
	if (c->nfds == c->capfds) {
		c->capfds = c->capfds ? 2 * c->capfds : 8;
		c->fds = xrealloc(c->fds, c->capfds * sizeof *c->fds);
	}
	c->fds[c->nfds++] = fd;
	return fd;
}

static long long acked_bytes(curl_socket_t, int *);

/*
 * Forgets a socket and closes it; when it is the connection the request
 * under way used, first notes what its peer had acknowledged (on_seek
 * comes later, once libcurl has let the dead connection go).
 */
static int
close_socket(void *arg, curl_socket_t fd)
{
	struct http_client *c = arg;
	struct xfer *x = c->cur;
	size_t i;

	if (x != NULL && x->fd == fd) {
		x->acked1 = acked_bytes(fd, &x->reset);
		x->dead_ms = clock_ms();
		x->fd = CURL_SOCKET_BAD;
	}
	for (i = 0; i < c->nfds; i++)
		if (c->fds[i] == fd) {
			c->fds[i] = c->fds[--c->nfds];
			break;
		}
	return close(fd);
}

/*
 * How many bytes sent on fd the peer has acknowledged, or -1 when the
 * system cannot tell; *reset: whether the peer reset the connection.
 */
static long long
acked_bytes(curl_socket_t fd, int *reset)
{
#if defined(__linux__) && defined(TCP_INFO)
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	*reset = 0;
	if (fd != CURL_SOCKET_BAD && getsockopt(fd, IPPROTO_TCP, TCP_INFO,
	    &ti, &len) == 0 && len >= offsetof(struct tcp_info,
	    tcpi_bytes_acked) + sizeof ti.tcpi_bytes_acked) {
		/* Closed while we still hold it: only a reset does that. */
		*reset = ti.tcpi_state == 7;	/* TCP_CLOSE */
		return (long long)ti.tcpi_bytes_acked;
	}
#else
	(void)fd;
	*reset = 0;
#endif
	return -1;
}

/* Our socket whose local port is port, or CURL_SOCKET_BAD. */
static curl_socket_t
find_socket(const struct http_client *c, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;
	int p;

	for (i = 0; i < c->nfds; i++) {
		len = sizeof ss;
		if (getsockname(c->fds[i], (struct sockaddr *)&ss, &len) == -1)
			continue;
		if (ss.ss_family == AF_INET)
			p = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			p = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			continue;
		if (p == port)
			return c->fds[i];
	}
	return CURL_SOCKET_BAD;
}


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
	if (x->rq->stop != NULL && *x->rq->stop)
		return 1;
	if (clock_ms() >= x->deadline) {
		x->deadline_expired = 1;
		return 1;
	}
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

	if (n > x->max_body - x->got) {
		x->too_large = 1;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	}
	x->got += n;
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
		x->saw_status = 1;
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

/* A body in memory, read once but for a safe resend; see no_resend. */
struct once {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

static int
once_rewind(void *arg)
{
	((struct once *)arg)->off = 0;
	return 0;
}

static size_t
once_read(void *arg, char *dst, size_t len)
{
	struct once *o = arg;
	size_t n = o->len - o->off < len ? o->len - o->off : len;

	memcpy(dst, o->data + o->off, n);
	o->off += n;
	return n;
}

/*
 * Called as each connection (new or reused) is about to carry the request:
 * notes which socket it is and how much the peer had acknowledged on it,
 * and refuses a second send that on_seek did not allow.
 */
static int
on_prereq(void *arg, char *ip, char *local_ip, int port, int local_port)
{
	struct xfer *x = arg;
	int reset;

	(void)ip;
	(void)local_ip;
	(void)port;
	if (x->sends++ > 0 && x->rq->no_resend && !x->resend_ok) {
		x->resend_refused = 1;
		return CURL_PREREQFUNC_ABORT;
	}
	x->fd = find_socket(x->c, local_port);
	x->acked0 = acked_bytes(x->fd, &reset);
	x->sent_ms = clock_ms();
	return CURL_PREREQFUNC_OK;
}

/*
 * libcurl rewinds the body to resend it on a fresh connection when a reused
 * one died before any answer.  Streams are never rewound by libcurl but
 * for no_resend, and then only when the server cannot have acted on the
 * request: it acknowledged no byte of it (it had closed the connection
 * before the request arrived), or it reset the connection within
 * RESET_GRACE_MS of the request, which is what a server closing an idle
 * connection as the request came does (closing with bytes it never read
 * sends a reset).  A server that read the request and then hung up sends
 * a plain FIN, and a reset coming later may be a middlebox giving up on a
 * request under way: neither is ever resent.
 */
#define RESET_GRACE_MS	1000.0

static int
on_seek(void *arg, curl_off_t offset, int origin)
{
	struct xfer *x = arg;
	const struct http_stream *s = x->stream;
	long long acked;
	int reset;

	if (!x->rq->no_resend || offset != 0 || origin != SEEK_SET)
		return CURL_SEEKFUNC_CANTSEEK;
	/* Still open (not expected): look now. */
	if (x->fd != CURL_SOCKET_BAD)
		x->acked1 = acked_bytes(x->fd, &x->reset);
	acked = x->acked1;
	reset = x->reset;
	if (acked == -1 || x->acked0 == -1 || (acked != x->acked0 &&
	    (!reset || x->dead_ms - x->sent_ms > RESET_GRACE_MS)) ||
	    s->rewind == NULL || s->rewind(s->arg) == -1) {
		x->resend_refused = 1;
		return CURL_SEEKFUNC_CANTSEEK;
	}
	log_debug("> the server closed the reused connection without "
	    "reading the request: sending it on a new one");
	x->resend_ok = 1;
	return CURL_SEEKFUNC_OK;
}

static size_t
on_read(char *dst, size_t size, size_t n, void *arg)
{
	const struct http_stream *s = arg;
	size_t got = s->read(s->arg, dst, size * n);

	return got == (size_t)-1 ? CURL_READFUNC_ABORT : got;
}

/* The length of the scheme and "://" that url begins with, or 0. */
static size_t
scheme_len(const char *url)
{
	size_t n;

	if (!((url[0] >= 'a' && url[0] <= 'z') ||
	    (url[0] >= 'A' && url[0] <= 'Z')))
		return 0;
	n = 1 + strspn(url + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	return strncmp(url + n, "://", 3) == 0 ? n + 3 : 0;
}

/*
 * The URL for --debug and messages, a user name and password (all before
 * the authority's last '@') shown as "***" (aws.c never passes one, but a
 * password must reach no log); done on the text, so that no copy of the
 * password is made.  An '@' in a URL without "scheme://" hides it all.
 * *owned is NULL or what the caller frees.
 */
static const char *
url_for_log(const char *url, char **owned)
{
	struct buf b = BUF_INIT;
	const char *auth, *at = NULL, *p;
	size_t n;

	*owned = NULL;
	if ((n = scheme_len(url)) == 0)
		return strchr(url, '@') == NULL ? url : "<redacted>";
	auth = url + n;
	for (p = auth; *p != '\0' && strchr("/?#", *p) == NULL; p++)
		if (*p == '@')
			at = p;
	if (at == NULL)
		return url;
	buf_add(&b, url, n);
	buf_adds(&b, "***");
	buf_adds(&b, at);
	*owned = buf_detach(&b, NULL);
	return *owned;
}

/* --debug: the request line and headers, redacted by log_debug. */
static void
trace_request(const struct http_request *rq)
{
	char *owned;
	size_t i;

	log_debug("> %s %s", rq->method, url_for_log(rq->url, &owned));
	free(owned);
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

/* The one-line error for a failed transfer (also a --debug line). */
static void
fail_message(const struct http_request *rq, const struct xfer *x,
    CURLcode rc, const char *errbuf, struct lc_err *err)
{
	char *owned;
	const char *url = url_for_log(rq->url, &owned);

	if (x->too_large)
		lc_error(err, LC_EFAIL, "%s %s: response larger than %zu "
		    "bytes (the most accepted for this call)", rq->method,
		    url, x->max_body);
	else if (x->sink_failed)
		lc_error(err, LC_EFAIL, "cannot write the response "
		    "from '%s'", url);
	else if (x->deadline_expired)
		lc_error(err, LC_EFAIL, "%s %s: no complete response within "
		    "%ld s (request timeout)", rq->method, url,
		    x->deadline_s);
	else if (x->idle_expired)
		lc_error(err, LC_EFAIL, "%s %s: no data for %ld s "
		    "(read timeout)", rq->method, url, x->idle_limit);
	else if (x->resend_refused)
		lc_error(err, LC_EFAIL, "%s %s: the connection closed before "
		    "any response (not resent: the request may have reached "
		    "the server)", rq->method, url);
	else if (rc == CURLE_BAD_FUNCTION_ARGUMENT && x->saw_status)
		/* libcurl 7.88's word for a header it cannot parse. */
		lc_error(err, LC_EFAIL, "%s %s: malformed response header",
		    rq->method, url);
	else
		lc_error(err, LC_EFAIL, "%s %s: %s", rq->method, url,
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	free(owned);
}

/* The transfer state of rq: its limits and its deadline from now. */
static void
xfer_init(struct xfer *x, struct http_client *c,
    const struct http_request *rq, struct http_response *rs)
{
	size_t blen;

	memset(x, 0, sizeof *x);
	x->c = c;
	x->rq = rq;
	x->rs = rs;
	x->fd = CURL_SOCKET_BAD;
	x->acked0 = x->acked1 = -1;
	x->sent_ms = x->dead_ms = 0;
	x->idle_limit = rq->read_timeout > 0 ? rq->read_timeout :
	    c->opts.read_timeout;
	x->last_move = clock_ms();
	blen = rq->stream != NULL ? rq->stream->len : rq->body_len;
	x->deadline_s = (rq->timeout > 0 ? rq->timeout :
	    c->opts.request_timeout) + (long)(blen / HTTP_BODY_ALLOWANCE);
	x->deadline = x->last_move + 1e3 * (double)x->deadline_s;
	x->max_body = rq->max_body > 0 ? rq->max_body : c->opts.max_body;
}

/* rq's headers as a curl list, and an empty Expect. */
static struct curl_slist *
header_list(const struct http_request *rq)
{
	struct curl_slist *hl = NULL, *tmp;
	struct buf line = BUF_INIT;
	size_t i;

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
	buf_wipe(&line);
	return tmp;
}

/* What every request sets: connections, TLS, limits, the callbacks. */
static void
set_transfer(CURL *curl, struct http_client *c, struct xfer *x,
    struct curl_slist *hl, char *errbuf)
{
	curl_easy_setopt(curl, CURLOPT_SHARE, c->share);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, c);
	curl_easy_setopt(curl, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
	curl_easy_setopt(curl, CURLOPT_CLOSESOCKETDATA, c);
	curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(curl, CURLOPT_PREREQDATA, x);
	curl_easy_setopt(curl, CURLOPT_URL, x->rq->url);
	if (x->rq->path_as_is)
		curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "lambdactl/" LC_VERSION);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->opts.ca_bundle != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, c->opts.ca_bundle);
	if (c->opts.direct)
		curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, c->opts.connect_timeout);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, x);
	/* A backstop: on_progress ends it first, with a clearer message. */
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, x->deadline_s + 2);
	/* Refused from Content-Length, before the body comes; see on_body. */
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)x->max_body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
}

/*
 * The method and the body: streamed (a no_resend body too, through once,
 * so that libcurl cannot send it twice), or in one piece.
 */
static void
set_body(CURL *curl, const struct http_request *rq, struct xfer *x,
    struct once *once, struct http_stream *once_stream)
{
	const struct http_stream *stream = rq->stream;

	if (rq->no_resend && stream == NULL && rq->body != NULL) {
		once->data = rq->body;
		once->len = once_stream->len = rq->body_len;
		stream = once_stream;
	}
	x->stream = stream;
	if (stream != NULL) {
		curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(curl, CURLOPT_READDATA, stream);
		curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)stream->len);
		/* A stream is rewound by libcurl only as on_seek allows. */
		curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(curl, CURLOPT_SEEKDATA, x);
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
}

int
http_send(struct http_client *c, const struct http_request *rq,
    struct http_response *rs, struct lc_err *err)
{
	struct curl_slist *hl;
	struct xfer x;
	struct once once = { 0 };
	struct http_stream once_stream = { once_read, once_rewind, &once, 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *curl;
	CURLcode rc;
	int ret = -1;

	memset(rs, 0, sizeof *rs);
	buf_init(&rs->body);
	if ((curl = curl_easy_init()) == NULL)
		die("cannot create a libcurl handle");
	xfer_init(&x, c, rq, rs);
	hl = header_list(rq);
	set_transfer(curl, c, &x, hl, errbuf);
	set_body(curl, rq, &x, &once, &once_stream);

	if (log_debug_on())
		trace_request(rq);
	c->cur = &x;
	rc = curl_easy_perform(curl);
	c->cur = NULL;
	curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &rs->seconds);
	if (rc == CURLE_FILESIZE_EXCEEDED)
		x.too_large = 1;
	if (rc != CURLE_OK) {
		rs->failure = x.too_large ? HTTP_FAIL_TOO_LARGE :
		    x.sink_failed ? HTTP_FAIL_IO :
		    x.idle_expired || x.deadline_expired ? HTTP_FAIL_TIMEOUT :
		    classify(rc);
		fail_message(rq, &x, rc, errbuf, err);
		log_debug("< transport error: %s", err->msg);
		/* A partial body is no answer; don't keep megabytes of it. */
		buf_release(&rs->body);
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &rs->status);
	if (log_debug_on())
		trace_response(curl, rs);
	ret = 0;
out:
	curl_easy_cleanup(curl);
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
