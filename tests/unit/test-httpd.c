/*
 * test-httpd.c - the libmicrohttpd glue over real loopback sockets: the
 * whole body reaches the handler once, a body over the limit is flagged
 * (and dropped), the path arrives as sent, headers both ways, a handler
 * that refuses closes the connection, and the active count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"

/* What the handler saw of the last request. */
struct seen {
	char	method[16];
	char	url[256];
	char	header[64];
	struct buf body;
	int	too_large;
	int	calls;
};

static int
handler(void *arg, const struct httpd_request *rq, struct httpd_reply *rp)
{
	struct seen *s = arg;
	const char *h = httpd_header(rq, "X-Test");

	s->calls++;
	snprintf(s->method, sizeof s->method, "%s", rq->method);
	snprintf(s->url, sizeof s->url, "%s", rq->url);
	snprintf(s->header, sizeof s->header, "%s", h != NULL ? h : "(none)");
	buf_reset(&s->body);
	buf_add(&s->body, rq->body, rq->len);
	s->too_large = rq->too_large;
	if (strcmp(rq->url, "/drop") == 0)
		return -1;
	rp->status = strcmp(rq->url, "/teapot") == 0 ? 418 : 200;
	httpd_reply_header(rp, "X-Reply", "yes");
	buf_adds(&rp->body, "{\"ok\":true}");
	return 0;
}

static struct httpd *
start(struct seen *s, size_t max_body)
{
	struct httpd_opts o;
	struct httpd *h;
	struct lc_err err;

	memset(&o, 0, sizeof o);
	o.addr.sin_family = AF_INET;
	o.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o.max_body = max_body;
	o.idle_timeout = 5;
	memset(s, 0, sizeof *s);
	buf_init(&s->body);
	assert_int_equal(httpd_start(&h, &o, handler, s, &err), 0);
	assert_true(httpd_port(h) > 0);
	return h;
}

/* Sends req on a new connection and returns all that comes back. */
static char *
exchange(struct httpd *h, const char *req, size_t len)
{
	struct sockaddr_in a;
	struct timeval tv = { 5, 0 };
	struct buf out = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)httpd_port(h));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
	while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
		buf_add(&out, chunk, (size_t)n);
	close(fd);
	return buf_detach(&out, NULL);
}

static void
test_whole_request(void **state)
{
	struct seen s;
	struct httpd *h = start(&s, 1024);
	const char req[] = "POST /2015-03-31/functions/%65cho/invocations "
	    "HTTP/1.1\r\nHost: x\r\nX-Test: t1\r\nConnection: close\r\n"
	    "Content-Length: 11\r\n\r\n{\"a\":\"b c\"}";
	char *out;
	int i;

	(void)state;
	out = exchange(h, req, sizeof req - 1);
	assert_int_equal(s.calls, 1);
	assert_string_equal(s.method, "POST");
	/* As sent: the router decodes it, once. */
	assert_string_equal(s.url, "/2015-03-31/functions/%65cho/invocations");
	assert_string_equal(s.header, "t1");
	assert_string_equal(s.body.data, "{\"a\":\"b c\"}");
	assert_int_equal(s.too_large, 0);
	assert_non_null(strstr(out, "HTTP/1.1 200"));
	assert_non_null(strstr(out, "X-Reply: yes\r\n"));
	assert_non_null(strstr(out, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(out, "\r\n\r\n{\"ok\":true}"));
	free(out);
	/* The completion callback may run just after the close. */
	for (i = 0; i < 200 && httpd_active(h) != 0; i++)
		usleep(10000);
	assert_int_equal(httpd_active(h), 0);
	httpd_stop(h);
	buf_release(&s.body);
}

static void
test_too_large(void **state)
{
	struct seen s;
	struct httpd *h = start(&s, 8);
	const char req[] = "PUT /teapot HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\nContent-Length: 9\r\n\r\n123456789";
	char *out;

	(void)state;
	out = exchange(h, req, sizeof req - 1);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.too_large, 1);
	assert_int_equal(s.body.len, 0);
	assert_string_equal(s.header, "(none)");
	assert_non_null(strstr(out, "HTTP/1.1 418"));
	free(out);
	httpd_stop(h);
	buf_release(&s.body);
}

static void
test_drop(void **state)
{
	struct seen s;
	struct httpd *h = start(&s, 8);
	const char req[] = "GET /drop HTTP/1.1\r\nHost: x\r\n\r\n";
	char *out;

	(void)state;
	out = exchange(h, req, sizeof req - 1);
	assert_int_equal(s.calls, 1);
	assert_string_equal(out, "");	/* closed, nothing said */
	free(out);
	httpd_stop(h);
	buf_release(&s.body);
}

static void
test_listen_error(void **state)
{
	struct seen s;
	struct httpd *h = start(&s, 8), *h2 = NULL;
	struct httpd_opts o;
	struct lc_err err;

	(void)state;
	memset(&o, 0, sizeof o);
	o.addr.sin_family = AF_INET;
	o.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o.addr.sin_port = htons((unsigned short)httpd_port(h));
	assert_int_equal(httpd_start(&h2, &o, handler, &s, &err), -1);
	assert_null(h2);
	assert_int_equal(err.status, LC_EFAIL);
	assert_non_null(strstr(err.msg, "cannot listen on 127.0.0.1:"));
	httpd_quiesce(h);
	httpd_quiesce(h);	/* twice: harmless */
	httpd_stop(h);
	httpd_stop(NULL);
	buf_release(&s.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_request),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_listen_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
