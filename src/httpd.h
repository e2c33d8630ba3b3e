/*
 * httpd.h - the one libmicrohttpd glue: a loopback HTTP server that
 * collects each request's body (up to a limit) and hands the whole
 * request to one handler, which may block (a thread per connection) and
 * fills a reply.  The Runtime API (runtime.c) and the Invoke API
 * (serve.c) are both handlers of it.
 */
#ifndef LC_HTTPD_H
#define LC_HTTPD_H

#include <netinet/in.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define HTTPD_MAX_HEADERS	8

struct httpd;
struct httpd_conn;

/* A request, whole: its body is the handler's to read during the call. */
struct httpd_request {
	const char		*method;
	const char		*url;		/* the path as sent: still
						 * percent-encoded */
	const char		*body;		/* len bytes, NUL-terminated */
	size_t			 len;
	int			 too_large;	/* the body passed max_body:
						 * body is then empty */
	struct httpd_conn	*conn;
};

struct httpd_reply {
	unsigned	 status;
	struct buf	 body;
	/* Extra headers: names are static strings, values copies. */
	const char	*names[HTTPD_MAX_HEADERS];
	char		*values[HTTPD_MAX_HEADERS];
	size_t		 nheaders;
};

/*
 * Answers a request: fills rp (status, body, headers; Content-Type is
 * application/json unless set) and returns 0, or returns -1 to close the
 * connection with no answer (a client that went away, a stop).
 */
typedef int httpd_handler(void *arg, const struct httpd_request *rq,
    struct httpd_reply *rp);

struct httpd_opts {
	struct sockaddr_in	 addr;		/* port 0: any free one */
	size_t			 max_body;	/* bytes */
	unsigned		 idle_timeout;	/* seconds; 0: none */
};

/* Starts listening and serving; the handler runs on MHD's threads. */
int httpd_start(struct httpd **hp, const struct httpd_opts *o,
    httpd_handler *fn, void *arg, struct lc_err *err);
/* The port it listens on. */
unsigned httpd_port(const struct httpd *h);
/* Requests begun (their first bytes read) and not yet finished. */
size_t httpd_active(struct httpd *h);
/* Stops accepting connections; those open go on. */
void httpd_quiesce(struct httpd *h);
/* Stops the server (closing open connections) and frees h; NULL: no-op. */
void httpd_stop(struct httpd *h);

/* A request header's value, or NULL. */
const char *httpd_header(const struct httpd_request *rq, const char *name);
/* A query parameter's value as sent (still percent-encoded), or NULL. */
const char *httpd_query(const struct httpd_request *rq, const char *name);
/* Whether the client is still connected (has not closed its end). */
int httpd_alive(const struct httpd_request *rq);

/* Adds a header to rp (value copied); past HTTPD_MAX_HEADERS: die(). */
void httpd_reply_header(struct httpd_reply *rp, const char *name,
    const char *value);

#endif
