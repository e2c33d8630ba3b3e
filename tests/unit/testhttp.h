/*
 * testhttp.h - a scripted HTTP server on 127.0.0.1 for unit tests that go
 * through aws_call: each connection gets the next canned answer (or is
 * closed unanswered), and each request's "METHOD PATH" is recorded, and the
 * whole request as received (until testhttp_stop).  Needs cmocka.h first.
 */
#ifndef LC_TESTHTTP_H
#define LC_TESTHTTP_H

#include <sys/socket.h>

#include <netinet/in.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws.h"
#include "xmalloc.h"

#define TESTHTTP_MAX	16

struct testhttp {
	int		 fd;
	int		 port;
	/* Raw responses, one a connection; NULL: close without answering. */
	const char	*answers[TESTHTTP_MAX];
	size_t		 n;
	size_t		 served;
	char		 reqs[TESTHTTP_MAX][256];	/* "METHOD PATH" */
	char		*raw[TESTHTTP_MAX];	/* head and body; freed by stop */
	pthread_t	 thread;
	/* An aws_client aimed at the server, for the test to use. */
	struct http_client	*http;
	struct creds		 creds;
	struct aws_config	 cfg;
	char			 url[64];
	struct aws_client	 client;
	char			*owned[TESTHTTP_MAX];	/* testhttp_start_json's */
};

/* An answer: status line, the extra header lines (each ending "\r\n"), and
 * body; the caller frees it. */
static inline char *
testhttp_answer(int status, const char *headers, const char *body)
{
	return xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
	    strlen(body), headers, body);
}

/* Reads one request (headers and Content-Length body) into raw; 0, or
 * -1. */
static inline int
testhttp_read(int fd, char *first, size_t firstlen, struct buf *raw)
{
	char buf[65536], *end, *cl;
	size_t len = 0, want;
	ssize_t r;

	for (;;) {
		if (len == sizeof buf - 1)
			return -1;
		if ((r = read(fd, buf + len, sizeof buf - 1 - len)) <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	snprintf(first, firstlen, "%.*s", (int)strcspn(buf, "\r"), buf);
	*strrchr(first, ' ') = '\0';	/* drop " HTTP/1.1" */
	want = (size_t)(end + 4 - buf);
	for (cl = buf; (cl = strchr(cl, '\n')) != NULL && cl < end; cl++)
		if (strncasecmp(cl + 1, "Content-Length:", 15) == 0)
			want += strtoul(cl + 16, NULL, 10);
	buf_add(raw, buf, len);
	while (len < want) {
		if ((r = read(fd, buf, sizeof buf)) <= 0)
			return -1;
		buf_add(raw, buf, (size_t)r);
		len += (size_t)r;
	}
	return 0;
}

static inline void *
testhttp_loop(void *arg)
{
	struct testhttp *h = arg;
	struct buf raw = BUF_INIT;
	const char *a;
	int fd, got;

	while (h->served < h->n) {
		if ((fd = accept(h->fd, NULL, NULL)) == -1)
			break;
		got = testhttp_read(fd, h->reqs[h->served],
		    sizeof h->reqs[0], &raw) == 0;
		h->raw[h->served] = buf_detach(&raw, NULL);
		if (got && (a = h->answers[h->served]) != NULL &&
		    write(fd, a, strlen(a)) != (ssize_t)strlen(a))
			fprintf(stderr, "testhttp: short write\n");
		h->served++;
		close(fd);
	}
	/* Refuse what comes after the script rather than let it hang. */
	shutdown(h->fd, SHUT_RDWR);
	return NULL;
}

/* Listens on a free port and serves answers[0..n-1] (borrowed) in order;
 * h->client is an aws_client for it (one attempt, region us-east-1). */
static inline void
testhttp_start(struct testhttp *h, const char *const *answers, size_t n)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	static const struct http_opts ho = { 5, 5, 10, 0, NULL, 0 };

	memset(h, 0, sizeof *h);
	assert_true(n <= TESTHTTP_MAX);
	memcpy(h->answers, answers, n * sizeof *answers);
	h->n = n;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((h->fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(h->fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(h->fd, 8), 0);
	assert_int_equal(getsockname(h->fd, (struct sockaddr *)&sa, &salen),
	    0);
	h->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&h->thread, NULL, testhttp_loop, h),
	    0);
	snprintf(h->url, sizeof h->url, "http://127.0.0.1:%d", h->port);
	h->creds.access_key_id = (char *)"AKIDEXAMPLE";
	h->creds.secret_access_key = (char *)"secret";
	h->creds.source = (char *)"env";
	h->http = http_client_new(&ho);
	h->client.http = h->http;
	h->client.creds = &h->creds;
	h->client.cfg = &h->cfg;
	h->client.region = "us-east-1";
	h->client.endpoint_flag = h->url;
	h->client.max_attempts = 1;
}

/* Stops listening (waking an accept that waits for a connection that will
 * not come) and waits for the server; returns the requests served. */
static inline size_t
testhttp_stop(struct testhttp *h)
{
	size_t i;

	shutdown(h->fd, SHUT_RDWR);
	pthread_join(h->thread, NULL);
	close(h->fd);
	http_client_free(h->http);
	for (i = 0; i < h->served; i++)
		free(h->raw[i]);
	return h->served;
}

/* testhttp_start with n JSON answers, each given as two arguments: the
 * status (int) and the body. */
static inline void
testhttp_start_json(struct testhttp *h, size_t n, ...)
{
	char *a[TESTHTTP_MAX];
	va_list ap;
	size_t i;
	int status;

	assert_true(n <= TESTHTTP_MAX);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		status = va_arg(ap, int);
		a[i] = testhttp_answer(status, "", va_arg(ap, const char *));
	}
	va_end(ap);
	testhttp_start(h, (const char *const *)a, n);
	memcpy(h->owned, a, n * sizeof *a);
}

/* testhttp_stop after testhttp_start_json: every answer must have been
 * used. */
static inline void
testhttp_stop_json(struct testhttp *h)
{
	size_t n = h->n, served = testhttp_stop(h), i;

	for (i = 0; i < n; i++) {
		free(h->owned[i]);
		h->owned[i] = NULL;
	}
	assert_int_equal(served, n);
}

/* The value of header name in request i (the first one), into out; NULL
 * when there is none.  Before testhttp_stop, once the call returned. */
static inline char *
testhttp_header(const struct testhttp *h, size_t i, const char *name,
    char *out, size_t outlen)
{
	const char *p = h->raw[i] != NULL ? h->raw[i] : "", *end;
	size_t n = strlen(name);

	if ((end = strstr(p, "\r\n\r\n")) == NULL)
		return NULL;
	while ((p = strstr(p, "\r\n")) != NULL && p < end) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1 + strspn(p + n + 1, " ");
			snprintf(out, outlen, "%.*s", (int)strcspn(p, "\r"), p);
			return out;
		}
	}
	return NULL;
}

/* The body of request i.  Before testhttp_stop, once the call returned. */
static inline const char *
testhttp_body(const struct testhttp *h, size_t i)
{
	const char *end = h->raw[i] != NULL ? strstr(h->raw[i],
	    "\r\n\r\n") : NULL;

	return end != NULL ? end + 4 : "";
}

#endif
