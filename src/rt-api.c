/*
 * rt-api.c - the Lambda Runtime API (2018-06-01) of the local runtime
 * (rt-private.h), in two layers: api_* handle a complete request (method,
 * path, the error-type header, body -> status, JSON body and the state
 * change) with no server in sight, so that tests and
 * tests/fuzz/fuzz-runtime-api.c drive the very same routing through
 * rt_api_request; on_request is the handler httpd.h calls, which adds
 * only the blocking wait of GET .../next.
 *
 * Paths arrive as sent, percent-encoded: the request ids a bootstrap
 * echoes back are our UUIDs (hex and '-'), which need no decoding.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "fnsettings.h"
#include "httpd.h"
#include "proc.h"
#include "rt-private.h"
#include "runtime.h"
#include "xmalloc.h"

#define RT_PREFIX	"/2018-06-01/runtime/"
#define RT_ERROR_TYPE	"Lambda-Runtime-Function-Error-Type"
/* How often, in ms, a waiting GET .../next checks its client is there. */
#define RT_POLL_MS	200

/* What api_route answers; API_NEXT: GET .../next, which waits. */
enum api_kind {
	API_REPLY,
	API_NEXT,
};

static long long
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The Runtime API's error document, as Lambda's. */
static void
api_error(struct httpd_reply *r, unsigned status, const char *type,
    const char *msg)
{
	r->status = status;
	rt_json_pair(&r->body, "errorMessage", msg, "errorType", type);
}

static void
api_accepted(struct httpd_reply *r)
{
	r->status = 202;
	buf_reset(&r->body);
	buf_adds(&r->body, "{\"status\":\"OK\"}");
}

/*
 * GET .../next, before it waits (f->mu held): refused while an invocation
 * runs; otherwise the bootstrap is initialised and ready.  Returns 0 to
 * wait, -1 with r filled, or 1 to drop the connection.
 */
static int
api_next_begin(struct rt_function *f, struct httpd_reply *r)
{
	if (f->stopping || !f->live || proc_interrupted())
		return 1;
	if (f->state == INV_RUNNING) {
		api_error(r, 403, "InvalidStateTransition",
		    "State transition from Running to Ready failed for "
		    "runtime. Error: the invocation has no response yet");
		return -1;
	}
	if (!f->initialized) {
		f->initialized = 1;
		f->init_ms = clock_ms() - f->spawned;
	}
	f->nready++;
	pthread_cond_broadcast(&f->cv);
	return 0;
}

/*
 * A header value as sent, but for line breaks, which JSON allows only as
 * whitespace (never raw inside a string): spaces, so that the value
 * stays one header line and the same JSON.
 */
static char *
one_line(const char *s)
{
	char *v = xstrdup(s), *p;

	for (p = v; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return v;
}

/*
 * Hands the pending invocation out (f->mu held, state INV_PENDING): its
 * payload, and Lambda's headers: the ARN as invoked (with its qualifier),
 * the caller's trace header or a new one, the client context's JSON.
 */
static void
api_next_reply(struct rt_function *f, struct httpd_reply *r)
{
	char s[128], root[32], parent[24], *v;

	f->state = INV_RUNNING;
	f->claimed = clock_ms();
	f->ready_claim = f->nready;
	rt_log_frame(f, "START RequestId: %s Version: $LATEST\n", f->id);
	pthread_cond_broadcast(&f->cv);

	r->status = 200;
	buf_reset(&r->body);
	buf_add(&r->body, f->payload != NULL ? f->payload : "", f->len);
	httpd_reply_header(r, "Lambda-Runtime-Aws-Request-Id", f->id);
	snprintf(s, sizeof s, "%lld", wall_ms() + f->timeout * 1000);
	httpd_reply_header(r, "Lambda-Runtime-Deadline-Ms", s);
	v = f->qualifier != NULL ? xasprintf("%s:%s", f->arn, f->qualifier) :
	    xstrdup(f->arn);
	httpd_reply_header(r, "Lambda-Runtime-Invoked-Function-Arn", v);
	free(v);
	if (f->trace_id != NULL && *f->trace_id != '\0')
		httpd_reply_header(r, "Lambda-Runtime-Trace-Id", f->trace_id);
	else {
		rt_random_hex(root, 12);
		rt_random_hex(parent, 8);
		snprintf(s, sizeof s, "Root=1-%08lx-%s;Parent=%s;Sampled=0",
		    (unsigned long)time(NULL), root, parent);
		httpd_reply_header(r, "Lambda-Runtime-Trace-Id", s);
	}
	if (f->client_context != NULL) {
		v = one_line(f->client_context);
		httpd_reply_header(r, "Lambda-Runtime-Client-Context", v);
		free(v);
	}
}

/* POST .../invocation/ID/response and .../error: the invocation's answer. */
static void
api_answer(struct rt_function *f, const struct httpd_request *rq,
    const char *id, int is_error, const char *type, struct httpd_reply *r)
{
	char msg[64];

	rt_lock(f);
	if (*id == '\0' || ((strcmp(id, f->id) != 0 ||
	    f->state == INV_IDLE || f->state == INV_PENDING) &&
	    strcmp(id, f->prev_id) != 0)) {
		rt_unlock(f);
		api_error(r, 400, "InvalidRequestID", "Invalid request ID");
		return;
	}
	if (f->state == INV_DONE || strcmp(id, f->id) != 0) {
		rt_unlock(f);
		api_error(r, 403, "InvalidStateTransition", is_error ?
		    "State transition from Ready to InvocationErrorResponse "
		    "failed for runtime. Error: the invocation is over" :
		    "State transition from Ready to InvocationResponse failed "
		    "for runtime. Error: the invocation is over");
		return;
	}
	f->state = INV_DONE;
	if (rq->too_large) {
		f->answer = ANS_TOO_LARGE;
		pthread_cond_broadcast(&f->cv);
		rt_unlock(f);
		snprintf(msg, sizeof msg, "Exceeded maximum allowed payload "
		    "size (%d bytes).", RT_MAX_RESPONSE);
		api_error(r, 413, "RequestEntityTooLarge", msg);
		return;
	}
	f->answer = is_error ? ANS_ERROR : ANS_RESPONSE;
	buf_reset(&f->answer_body);
	buf_add(&f->answer_body, rq->body, rq->len);
	snprintf(f->answer_type, sizeof f->answer_type, "%s",
	    type != NULL ? type : "");
	pthread_cond_broadcast(&f->cv);
	rt_unlock(f);
	api_accepted(r);
}

/* POST .../init/error: the bootstrap could not initialise. */
static void
api_init_error(struct rt_function *f, const struct httpd_request *rq,
    const char *type, struct httpd_reply *r)
{
	rt_lock(f);
	if (f->initialized || f->init_error) {
		rt_unlock(f);
		api_error(r, 403, "InvalidStateTransition", "State transition "
		    "from Ready to InitError failed for runtime. Error: init "
		    "is over");
		return;
	}
	f->init_error = 1;
	buf_reset(&f->init_body);
	if (!rq->too_large)
		buf_add(&f->init_body, rq->body, rq->len);
	snprintf(f->init_type, sizeof f->init_type, "%s",
	    type != NULL ? type : "");
	pthread_cond_broadcast(&f->cv);
	rt_unlock(f);
	api_accepted(r);
}

/*
 * Routes a complete request: type is its Lambda-Runtime-Function-Error-
 * Type header (NULL: none).  Fills r, or returns API_NEXT for GET
 * .../next.
 */
static enum api_kind
api_route(struct rt_function *f, const struct httpd_request *rq,
    const char *type, struct httpd_reply *r)
{
	const char *rest, *slash;
	char id[40];
	size_t n;
	int post;

	post = strcmp(rq->method, "POST") == 0;
	n = strlen(RT_PREFIX);
	if (strncmp(rq->url, RT_PREFIX, n) != 0)
		goto not_found;
	rest = rq->url + n;
	if (strcmp(rest, "invocation/next") == 0) {
		if (strcmp(rq->method, "GET") != 0)
			goto bad_method;
		return API_NEXT;
	}
	if (strcmp(rest, "init/error") == 0) {
		if (!post)
			goto bad_method;
		api_init_error(f, rq, type, r);
		return API_REPLY;
	}
	if (strncmp(rest, "invocation/", 11) != 0)
		goto not_found;
	rest += 11;
	if ((slash = strchr(rest, '/')) == NULL ||
	    (strcmp(slash, "/response") != 0 && strcmp(slash, "/error") != 0))
		goto not_found;
	if (!post)
		goto bad_method;
	if ((n = (size_t)(slash - rest)) >= sizeof id) {
		api_error(r, 400, "InvalidRequestID", "Invalid request ID");
		return API_REPLY;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	api_answer(f, rq, id, slash[1] == 'e', type, r);
	return API_REPLY;
not_found:
	api_error(r, 404, "NotFound", "Unknown Runtime API path");
	return API_REPLY;
bad_method:
	api_error(r, 405, "MethodNotAllowed", "Method not allowed");
	return API_REPLY;
}

/*
 * GET .../invocation/next: blocks until an invocation is pending, then
 * hands it out.  A client that went away (a killed bootstrap) or a
 * bootstrap that was replaced meanwhile gets nothing: -1 drops the
 * connection.
 */
static int
on_next(struct rt_function *f, const struct httpd_request *rq,
    struct httpd_reply *r)
{
	unsigned long gen;
	int b;

	rt_lock(f);
	gen = f->gen;
	b = httpd_alive(rq) ? api_next_begin(f, r) : 1;
	if (b != 0) {
		rt_unlock(f);
		return b == 1 ? -1 : 0;
	}
	for (;;) {
		if (f->stopping || f->gen != gen || proc_interrupted())
			goto drop;
		if (f->state == INV_PENDING) {
			rt_drain_locked(f);
			if (f->state == INV_PENDING && !f->stopping &&
			    f->gen == gen)
				break;
			continue;
		}
		if (rt_wait_until(f, clock_ms() + RT_POLL_MS) == ETIMEDOUT &&
		    !httpd_alive(rq))
			goto drop;
	}
	if (!httpd_alive(rq))
		goto drop;
	api_next_reply(f, r);
	rt_unlock(f);
	return 0;
drop:
	rt_unlock(f);
	return -1;
}

/* httpd's handler: routes a whole request, waiting in GET .../next. */
static int
on_request(void *arg, const struct httpd_request *rq, struct httpd_reply *r)
{
	struct rt_function *f = arg;

	if (api_route(f, rq, httpd_header(rq, RT_ERROR_TYPE), r) == API_NEXT)
		return on_next(f, rq, r);
	return 0;
}

int
rt_api_start(struct rt_function *f, struct lc_err *err)
{
	struct httpd_opts o;

	memset(&o, 0, sizeof o);
	o.addr.sin_family = AF_INET;
	o.addr.sin_port = 0;
	o.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o.max_body = RT_MAX_RESPONSE;
	o.idle_timeout = 0;
	if (httpd_start(&f->httpd, &o, on_request, f, err) == -1)
		return lc_error(err, LC_EFAIL, "cannot start the Runtime API "
		    "server on 127.0.0.1");
	if ((f->port = httpd_port(f->httpd)) == 0)
		return lc_error(err, LC_EFAIL, "cannot find the Runtime API "
		    "server's port");
	return 0;
}

void
rt_api_stop(struct rt_function *f)
{
	httpd_stop(f->httpd);
	f->httpd = NULL;
}

/* ---- the Runtime API in memory, for tests ---- */

struct rt_function *
rt_api_fake(void)
{
	struct rt_function *f = rt_function_new();

	f->name = xstrdup("fake");
	f->arn = xstrdup("arn:aws:lambda:us-east-1:" RT_ACCOUNT
	    ":function:fake");
	f->memory = fnset_default_long("memory");
	f->timeout = fnset_default_long("timeout");
	f->live = 1;
	f->spawned = clock_ms();
	return f;
}

void
rt_api_fake_invoke(struct rt_function *f)
{
	struct rt_request rq;
	char id[40];

	memset(&rq, 0, sizeof rq);
	rq.payload = "{}";
	rq.len = 2;
	rt_lock(f);
	f->ninvoked++;
	/* Deterministic ids: the fuzzer replays them. */
	snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lu",
	    (unsigned long)f->ninvoked % 1000000000000UL);
	rt_pend(f, id, &rq);
	rt_unlock(f);
}

unsigned
rt_api_request(struct rt_function *f, const char *method, const char *url,
    const char *error_type, const void *body, size_t len, struct buf *out)
{
	struct httpd_request rq;
	struct httpd_reply r;
	size_t i;

	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.url = url;
	rq.too_large = len > RT_MAX_RESPONSE;
	rq.body = rq.too_large ? "" : body;
	rq.len = rq.too_large ? 0 : len;
	memset(&r, 0, sizeof r);
	buf_init(&r.body);
	if (api_route(f, &rq, error_type, &r) == API_NEXT) {
		/* As on_next, but what would wait (or be dropped) gives 0. */
		rt_lock(f);
		if (api_next_begin(f, &r) == 0 && f->state == INV_PENDING)
			api_next_reply(f, &r);
		rt_unlock(f);
	}
	buf_reset(out);
	buf_add(out, r.body.data, r.body.len);
	for (i = 0; i < r.nheaders; i++)
		free(r.values[i]);
	buf_release(&r.body);
	return r.status;
}
