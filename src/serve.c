/*
 * serve.c - local functions behind the Lambda Invoke API: the routing
 * (pure), the request handler, the Event queue, the reloader and the
 * lifecycle (see serve.h).
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "b64.h"
#include "buf.h"
#include "build.h"
#include "json.h"
#include "proc.h"
#include "runtime.h"
#include "serve.h"
#include "xmalloc.h"

#define SERVE_ACCOUNT	"123456789012"
#define SERVE_SUFFIX	"/invocations"
/* X-Amz-Log-Result: the last 4 KB of the log. */
#define TAIL_BYTES	4096
/* How often, in ms, serve_wait and the stop check for a signal. */
#define SERVE_TICK_MS	100
/* How long, in ms, stopping waits for the answers in flight. */
#define SERVE_DRAIN_MS	2000

/* An Event invocation waiting for the queue worker. */
struct event {
	size_t		 fn;
	struct buf	 payload;
	char		 request_id[40];
	char		*trace_id;	/* NULL: none */
	char		*qualifier;	/* NULL: none */
	int		 attempt;	/* 1, then 2 and 3: retries */
	double		 due;		/* realtime ms: not before */
	struct event	*next;
};

struct serve {
	struct serve_hooks	 hooks;
	char			*dir;
	struct pool		*pools;
	size_t			 npools;
	const char		**names;	/* the pools' functions */
	const char		*region;
	struct build_set	 builds;
	pthread_mutex_t		 log_mu;	/* one on_log at a time */
	pthread_mutex_t		 q_mu;
	pthread_cond_t		 q_cv;
	struct event		*q_head;
	struct event		**q_tail;
	size_t			 q_n;	/* queued: how many, their bytes */
	size_t			 q_bytes;
	int			 stopping;	/* the worker ends when idle */
	pthread_t		 worker;
	int			 worker_up;
	struct httpd		*httpd;
};

/*
 * The name and qualifier of a reference: "name", "name:q", an ARN
 * "arn:PARTITION:lambda:REGION:ACCOUNT:function:name[:q]" or a partial
 * one "ACCOUNT:function:name[:q]".  *q is NULL without a qualifier.
 */
static void
split_ref(const char *ref, const char **name, size_t *len, const char **q)
{
	const char *p;

	*name = ref;
	if ((p = strstr(ref, ":function:")) != NULL &&
	    (strncmp(ref, "arn:", 4) == 0 || strspn(ref, "0123456789") ==
	    (size_t)(p - ref)))
		*name = p + 10;
	*len = strcspn(*name, ":");
	*q = (*name)[*len] == ':' ? *name + *len + 1 : NULL;
}

static void
route_error(struct serve_route *r, unsigned status, const char *type,
    const char *msg)
{
	r->action = SERVE_REPLY;
	r->status = status;
	r->error_type = type;
	snprintf(r->message, sizeof r->message, "%s", msg);
}

/* Whether q names what serve runs: $LATEST or an alias (not a version). */
static int
qualifier_ok(const char *q)
{
	size_t n = strlen(q);

	if (strcmp(q, "$LATEST") == 0)
		return 1;
	return n > 0 && n <= SERVE_MAX_QUALIFIER &&
	    strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == n && strspn(q, "0123456789") != n;
}

int
serve_resolve(const char *ref, const char *qualifier,
    const char *const *names, size_t nfn, const char *region,
    struct serve_route *r)
{
	const char *name, *q;
	size_t i, len;

	split_ref(ref, &name, &len, &q);
	if (q != NULL && qualifier != NULL && strcmp(q, qualifier) != 0) {
		route_error(r, 400, "InvalidParameterValueException", "The "
		    "derived qualifier from the function name does not match "
		    "the specified qualifier.");
		return -1;
	}
	if (q == NULL)
		q = qualifier;
	for (i = 0; i < nfn; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name,
		    len) == 0)
			break;
	if (i == nfn || (q != NULL && !qualifier_ok(q))) {
		r->action = SERVE_REPLY;
		r->status = 404;
		r->error_type = "ResourceNotFoundException";
		snprintf(r->message, sizeof r->message, "Function not found: "
		    "arn:aws:lambda:%s:" SERVE_ACCOUNT ":function:%.*s%s%.*s",
		    region, (int)(len > 200 ? 200 : len), name, q ? ":" : "",
		    q ? SERVE_MAX_QUALIFIER + 1 : 0, q ? q : "");
		return -1;
	}
	r->fn = i;
	snprintf(r->qualifier, sizeof r->qualifier, "%s", q ? q : "");
	return 0;
}

/*
 * X-Amz-Client-Context: base64 of a JSON object, decoded into
 * r->client_context; -1 with r an error reply.
 */
static int
route_context(const char *b64, struct serve_route *r)
{
	struct json_error je;
	size_t n, len = strlen(b64);
	char *json;

	if (len > SERVE_MAX_CONTEXT_B64) {
		route_error(r, 400, "InvalidRequestContentException", "Client "
		    "context must be at most 3583 bytes of base64 (Lambda's "
		    "limit)");
		return -1;
	}
	json = b64_decode(b64, len, &n);
	if (json == NULL || n > SERVE_MAX_CONTEXT ||
	    json_check(json, n, &je) == -1 ||
	    json[strspn(json, " \t\r\n")] != '{') {
		free(json);
		route_error(r, 400, "InvalidRequestContentException", "Client "
		    "context must be a valid Base64-encoded JSON object.");
		return -1;
	}
	memcpy(r->client_context, json, n + 1);
	free(json);
	return 0;
}

/* What the invocation type and the payload allow; -1: r an error reply. */
static int
route_payload(const struct serve_request *rq, const char *type,
    struct serve_route *r)
{
	struct json_error je;

	if (rq->too_large) {
		route_error(r, 413, "RequestEntityTooLargeException", "Request "
		    "must be smaller than 6291456 bytes for the InvokeFunction "
		    "operation");
		return -1;
	}
	if (strcmp(type, "Event") == 0 && rq->body_len > SERVE_MAX_EVENT) {
		r->action = SERVE_REPLY;
		r->status = 413;
		r->error_type = "RequestEntityTooLargeException";
		snprintf(r->message, sizeof r->message, "%zu byte payload is "
		    "too large for the Event invocation type (limit %d bytes)",
		    rq->body_len, SERVE_MAX_EVENT);
		return -1;
	}
	/* Lambda refuses what is not strictly JSON before running anything. */
	if (rq->body_len > 0 && json_check(rq->body, rq->body_len, &je) == -1) {
		r->action = SERVE_REPLY;
		r->status = 400;
		r->error_type = "InvalidRequestContentException";
		snprintf(r->message, sizeof r->message, "Could not parse "
		    "request body into json: line %zu, column %zu: %s",
		    je.line, je.col, je.reason);
		return -1;
	}
	return 0;
}

void
serve_route(const struct serve_request *rq, const char *const *names,
    size_t nfn, const char *region, struct serve_route *r)
{
	size_t plen = strlen(SERVE_API_PREFIX), slen = strlen(SERVE_SUFFIX);
	size_t ulen = strlen(rq->url);
	const char *type = rq->invocation_type;
	struct buf nb = BUF_INIT;
	char *name;
	int bad;

	memset(r, 0, sizeof *r);
	if (strncmp(rq->url, SERVE_API_PREFIX, plen) != 0 ||
	    ulen < plen + 1 + slen ||
	    strcmp(rq->url + ulen - slen, SERVE_SUFFIX) != 0) {
		route_error(r, 404, "UnknownOperationException", "lambdactl "
		    "serve answers only POST " SERVE_API_PREFIX
		    "NAME/invocations");
		return;
	}
	if (strcmp(rq->method, "POST") != 0) {
		route_error(r, 405, "MethodNotAllowed", "use POST to invoke");
		return;
	}
	pct_decode(&nb, rq->url + plen, ulen - slen - plen, PCT_LENIENT);
	name = buf_detach(&nb, NULL);
	bad = serve_resolve(name, rq->qualifier, names, nfn, region, r);
	free(name);
	if (bad)
		return;
	if (type == NULL)
		type = "RequestResponse";
	if (strcmp(type, "RequestResponse") != 0 &&
	    strcmp(type, "Event") != 0 && strcmp(type, "DryRun") != 0) {
		route_error(r, 400, "InvalidParameterValueException",
		    "X-Amz-Invocation-Type must be RequestResponse, Event or "
		    "DryRun");
		return;
	}
	if (route_payload(rq, type, r) == -1 || (rq->client_context != NULL &&
	    route_context(rq->client_context, r) == -1))
		return;
	if (strcmp(type, "DryRun") == 0)
		r->action = SERVE_DRY_RUN;
	else if (strcmp(type, "Event") == 0)
		r->action = SERVE_EVENT;
	else {
		r->action = SERVE_INVOKE;
		r->tail = rq->log_type != NULL &&
		    strcmp(rq->log_type, "Tail") == 0;
	}
}

/* Tells the caller one line, "NAME: ..." (on_event). */
static void LC_PRINTF(3, 4)
tell(struct serve *sv, enum serve_level level, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (sv->hooks.on_event == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sv->hooks.on_event(sv->hooks.arg, level, msg);
}

int
serve_new(struct serve **svp, const struct serve_opts *o,
    const struct serve_fn *fns, size_t nfn, struct lc_err *err)
{
	struct serve *sv = xcalloc(1, sizeof *sv);
	struct pool_env env;
	size_t i;

	*svp = NULL;
	sv->hooks = o->hooks;
	sv->dir = xstrdup(o->dir);
	sv->builds.timeout_s = o->build_timeout;
	pthread_mutex_init(&sv->log_mu, NULL);
	pthread_mutex_init(&sv->q_mu, NULL);
	pthread_cond_init(&sv->q_cv, NULL);
	sv->q_tail = &sv->q_head;
	sv->pools = xcalloc(nfn, sizeof *sv->pools);
	sv->names = xcalloc(nfn, sizeof *sv->names);
	sv->npools = nfn;
	sv->region = nfn > 0 ? fns[0].region : "us-east-1";
	env.extra = o->extra_env;
	env.nextra = o->nextra;
	for (i = 0; i < nfn; i++) {
		sv->names[i] = fns[i].fn->name;
		env.region = fns[i].region;
		pool_init(&sv->pools[i], fns[i].fn, &env, o->concurrency,
		    o->ops);
		if (pool_load(&sv->pools[i], sv->dir, o->no_build ? NULL :
		    &sv->builds, o->hooks.on_build, o->hooks.arg, err) == -1) {
			serve_free(sv);
			return -1;
		}
	}
	*svp = sv;
	return 0;
}

int
serve_invoke(struct serve *sv, size_t fn, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err)
{
	if (pool_invoke(&sv->pools[fn], rq, res, err) == -1)
		return -1;
	if (sv->hooks.on_log != NULL) {
		pthread_mutex_lock(&sv->log_mu);
		sv->hooks.on_log(sv->hooks.arg, sv->names[fn], res);
		pthread_mutex_unlock(&sv->log_mu);
	}
	return 0;
}

/*
 * The headers Lambda's Invoke answers carry: a request id on every one
 * (NULL: a new one), the executed version on a synchronous one's only.
 */
static void
reply_headers(struct httpd_reply *rp, const char *error_type,
    const char *function_error, const char *request_id, const char *log_tail,
    int executed)
{
	char id[40];

	if (request_id == NULL) {
		rt_new_request_id(id);
		request_id = id;
	}
	if (error_type != NULL)
		httpd_reply_header(rp, "x-amzn-ErrorType", error_type);
	if (function_error != NULL)
		httpd_reply_header(rp, "X-Amz-Function-Error", function_error);
	httpd_reply_header(rp, "x-amzn-RequestId", request_id);
	if (log_tail != NULL)
		httpd_reply_header(rp, "X-Amz-Log-Result", log_tail);
	if (executed)
		httpd_reply_header(rp, "X-Amz-Executed-Version", "$LATEST");
}

/*
 * An AWS-style error: {"Type": ..., "message": ...} and x-amzn-ErrorType,
 * "Message" for the errors whose shape in Lambda's model spells it so.
 */
static int
reply_error(struct httpd_reply *rp, unsigned status, const char *type,
    const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	int big = strcmp(type, "ResourceNotFoundException") == 0 ||
	    strcmp(type, "ServiceException") == 0;
	char *s;

	cJSON_AddStringToObject(o, "Type", status >= 500 ? "Service" :
	    "User");
	cJSON_AddStringToObject(o, big ? "Message" : "message", msg);
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	rp->status = status;
	buf_adds(&rp->body, s);
	reply_headers(rp, type, NULL, NULL, NULL, 0);
	free(s);
	cJSON_Delete(o);
	return 0;
}

/* Base64 of the last 4 KB of the log, as X-Amz-Log-Result carries it. */
static char *
log_tail64(const struct buf *log)
{
	size_t off = log->len > TAIL_BYTES ? log->len - TAIL_BYTES : 0;

	return b64_encode_str(log->data + off, log->len - off);
}

/* A RequestResponse invocation of route->fn, answered as Lambda does. */
static int
reply_invoke(struct serve *sv, const struct httpd_request *hr,
    const struct serve_route *route, const struct buf *payload,
    struct httpd_reply *rp)
{
	struct rt_request rq;
	struct rt_result res;
	struct lc_err err;
	char *tail64 = NULL;

	memset(&rq, 0, sizeof rq);
	rq.payload = payload->data;
	rq.len = payload->len;
	rq.client_context = route->client_context[0] != '\0' ?
	    route->client_context : NULL;
	rq.trace_id = httpd_header(hr, "X-Amzn-Trace-Id");
	rq.qualifier = route->qualifier[0] != '\0' ? route->qualifier : NULL;
	if (serve_invoke(sv, route->fn, &rq, &res, &err) == -1) {
		rt_result_release(&res);
		if (err.status < 128)
			return reply_error(rp, 500, "ServiceException",
			    err.msg);
		/* Stopping: say what was cut short, here and to the client. */
		tell(sv, SERVE_WARNING, "%s: %s", sv->names[route->fn],
		    err.msg);
		return reply_error(rp, 503, "ServiceException", "lambdactl "
		    "serve is stopping: the invocation was interrupted");
	}
	if (route->tail)
		tail64 = log_tail64(&res.log);
	buf_add(&rp->body, res.payload.data, res.payload.len);
	reply_headers(rp, NULL, res.outcome == RT_FUNCTION_ERROR ?
	    res.function_error : NULL, res.request_id, tail64, 1);
	free(tail64);
	rt_result_release(&res);
	return 0;
}

/* An Event invocation of route->fn queued: 202 with its request id. */
static void
reply_event(struct serve *sv, const struct httpd_request *hr,
    const struct serve_route *route, const struct buf *payload,
    struct httpd_reply *rp)
{
	struct rt_request rq;
	char id[40];
	int full;

	/* Lambda's queue is unbounded for a client, but its intake is
	 * throttled: a bounded queue here answers as a throttle does. */
	pthread_mutex_lock(&sv->q_mu);
	full = sv->q_n >= SERVE_QUEUE_MAX ||
	    sv->q_bytes + payload->len > SERVE_QUEUE_BYTES;
	pthread_mutex_unlock(&sv->q_mu);
	if (full) {
		tell(sv, SERVE_WARNING, "%s: Event queue full (%d queued at "
		    "most): 429", sv->names[route->fn], SERVE_QUEUE_MAX);
		reply_error(rp, 429, "TooManyRequestsException",
		    "Rate Exceeded.");
		return;
	}
	rt_new_request_id(id);
	memset(&rq, 0, sizeof rq);
	rq.payload = payload->data;
	rq.len = payload->len;
	rq.request_id = id;
	rq.trace_id = httpd_header(hr, "X-Amzn-Trace-Id");
	rq.qualifier = route->qualifier[0] != '\0' ? route->qualifier : NULL;
	serve_enqueue(sv, route->fn, &rq);
	rp->status = 202;
	reply_headers(rp, NULL, NULL, id, NULL, 0);
}

/* The Invoke API's handler (httpd.h). */
static int
on_request(void *arg, const struct httpd_request *hr, struct httpd_reply *rp)
{
	struct serve *sv = arg;
	struct serve_request sr;
	struct serve_route *route = xmalloc(sizeof *route);
	struct buf payload = BUF_INIT, q = BUF_INIT;
	const char *qv = httpd_query(hr, "Qualifier");
	int r = 0;

	memset(&sr, 0, sizeof sr);
	if (qv != NULL) {
		pct_decode(&q, qv, strlen(qv), PCT_LENIENT);
		sr.qualifier = q.data;
	}
	sr.method = hr->method;
	sr.url = hr->url;
	sr.invocation_type = httpd_header(hr, "X-Amz-Invocation-Type");
	sr.log_type = httpd_header(hr, "X-Amz-Log-Type");
	sr.client_context = httpd_header(hr, "X-Amz-Client-Context");
	sr.body = hr->body;
	sr.body_len = hr->len;
	sr.too_large = hr->too_large;
	serve_route(&sr, sv->names, sv->npools, sv->region, route);
	if (route->action == SERVE_REPLY)
		r = reply_error(rp, route->status, route->error_type,
		    route->message);
	else if (route->action == SERVE_DRY_RUN) {
		rp->status = 204;
		reply_headers(rp, NULL, NULL, NULL, NULL, 0);
	} else if (proc_interrupted() != 0)
		r = reply_error(rp, 503, "ServiceException", "lambdactl "
		    "serve is stopping");
	else {
		buf_add(&payload, hr->body, hr->len);
		if (payload.len == 0)
			buf_adds(&payload, "{}");
		if (route->action == SERVE_EVENT)
			reply_event(sv, hr, route, &payload, rp);
		else
			r = reply_invoke(sv, hr, route, &payload, rp);
		buf_release(&payload);
	}
	free(route);
	buf_release(&q);
	return r;
}

/* The realtime clock in ms, as the queue's condition waits on it. */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Appends e to the queue and wakes the worker. */
static void
queue_put(struct serve *sv, struct event *e)
{
	pthread_mutex_lock(&sv->q_mu);
	e->next = NULL;
	*sv->q_tail = e;
	sv->q_tail = &e->next;
	sv->q_n++;
	sv->q_bytes += e->payload.len;
	pthread_cond_signal(&sv->q_cv);
	pthread_mutex_unlock(&sv->q_mu);
}

void
serve_enqueue(struct serve *sv, size_t fn, const struct rt_request *rq)
{
	struct event *e = xcalloc(1, sizeof *e);

	e->fn = fn;
	buf_init(&e->payload);
	buf_add(&e->payload, rq->payload, rq->len);
	if (rq->request_id != NULL)
		snprintf(e->request_id, sizeof e->request_id, "%s",
		    rq->request_id);
	else
		rt_new_request_id(e->request_id);
	e->trace_id = rq->trace_id != NULL ? xstrdup(rq->trace_id) : NULL;
	e->qualifier = rq->qualifier != NULL ? xstrdup(rq->qualifier) : NULL;
	e->attempt = 1;
	queue_put(sv, e);
}

static void
event_free(struct event *e)
{
	buf_release(&e->payload);
	free(e->trace_id);
	free(e->qualifier);
	free(e);
}

/*
 * The next queued Event invocation that is due (a retry waits for its
 * time, but not once stopping); NULL once stopping and none is left.
 */
static struct event *
dequeue(struct serve *sv)
{
	struct event *e, **pp;
	struct timespec ts;
	double now, first;

	pthread_mutex_lock(&sv->q_mu);
	for (;;) {
		now = now_ms();
		first = -1;
		for (pp = &sv->q_head; (e = *pp) != NULL; pp = &e->next) {
			if (sv->stopping || e->due <= now)
				break;
			if (first < 0 || e->due < first)
				first = e->due;
		}
		if (e != NULL) {
			*pp = e->next;
			if (sv->q_tail == &e->next)
				sv->q_tail = pp;
			sv->q_n--;
			sv->q_bytes -= e->payload.len;
			break;
		}
		if (sv->stopping)
			break;
		if (first < 0)
			pthread_cond_wait(&sv->q_cv, &sv->q_mu);
		else {
			ts.tv_sec = (time_t)(first / 1e3);
			ts.tv_nsec = (long)((first - (double)ts.tv_sec * 1e3) *
			    1e6);
			pthread_cond_timedwait(&sv->q_cv, &sv->q_mu, &ts);
		}
	}
	pthread_mutex_unlock(&sv->q_mu);
	return e;
}

/*
 * One attempt at a queued Event invocation; a function error is queued
 * again for a retry (SERVE_RETRY_*_MS), twice: 1 when e was requeued.
 */
static int
event_run(struct serve *sv, struct event *e)
{
	static const int delay_ms[] = { SERVE_RETRY_1_MS, SERVE_RETRY_2_MS };
	const char *name = sv->names[e->fn];
	struct rt_request rq;
	struct rt_result res;
	struct lc_err err;
	int failed, requeued = 0;

	memset(&rq, 0, sizeof rq);
	rq.payload = e->payload.data;
	rq.len = e->payload.len;
	rq.request_id = e->request_id;
	rq.trace_id = e->trace_id;
	rq.qualifier = e->qualifier;
	if (serve_invoke(sv, e->fn, &rq, &res, &err) == -1) {
		tell(sv, SERVE_WARNING, "%s: %s", name, err.msg);
		rt_result_release(&res);
		return 0;
	}
	failed = res.outcome == RT_FUNCTION_ERROR;
	if (failed && e->attempt <= 2) {
		tell(sv, SERVE_WARNING, "%s: Event %s failed (%s): retrying in "
		    "%d ms (attempt %d of 3)", name, e->request_id,
		    res.error_type, delay_ms[e->attempt - 1], e->attempt + 1);
		e->due = now_ms() + delay_ms[e->attempt - 1];
		e->attempt++;
		requeued = 1;
	} else if (failed)
		tell(sv, SERVE_WARNING, "%s: Event %s failed (%s) after 3 "
		    "attempts: dropped", name, e->request_id, res.error_type);
	rt_result_release(&res);
	if (requeued)
		queue_put(sv, e);
	return requeued;
}

/* Runs queued Event invocations one after another until stopping. */
static void *
event_worker(void *arg)
{
	struct serve *sv = arg;
	struct event *e;

	while ((e = dequeue(sv)) != NULL) {
		if (proc_interrupted() != 0)
			tell(sv, SERVE_WARNING, "%s: stopping: a queued Event "
			    "invocation is dropped", sv->names[e->fn]);
		else if (event_run(sv, e))
			continue;
		event_free(e);
	}
	return NULL;
}

void
serve_reload_changed(struct serve *sv)
{
	struct lc_err err;
	size_t i;
	int r;

	for (i = 0; i < sv->npools; i++) {
		if ((r = pool_reload(&sv->pools[i], sv->dir, &err)) == -1)
			tell(sv, SERVE_WARNING, "%s", err.msg);
		else if (r == 1)
			tell(sv, SERVE_INFO, "%s: reloaded", sv->names[i]);
	}
}

int
serve_start(struct serve *sv, const struct httpd_opts *ho,
    struct lc_err *err)
{
	sigset_t sigs, old;
	int r = 0;

	/*
	 * Signals go to the caller's thread's handler (proc.h), not to the
	 * threads started here, which inherit the mask blocked meanwhile.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	if (pthread_create(&sv->worker, NULL, event_worker, sv) != 0)
		die("cannot start a thread");
	sv->worker_up = 1;
	if (ho != NULL)
		r = httpd_start(&sv->httpd, ho, on_request, sv, err);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

unsigned
serve_port(const struct serve *sv)
{
	return sv->httpd != NULL ? httpd_port(sv->httpd) : 0;
}

/* Sleeps one tick; a signal cuts it short. */
static void
tick(void)
{
	struct timespec ts = { 0, SERVE_TICK_MS * 1000000L };

	nanosleep(&ts, NULL);
}

int
serve_wait(struct serve *sv, int watch)
{
	unsigned long ticks;
	int sig;

	for (ticks = 1; (sig = proc_interrupted()) == 0; ticks++) {
		tick();
		if (watch && ticks % (1000 / SERVE_TICK_MS) == 0)
			serve_reload_changed(sv);
	}
	return sig;
}

/* Stops the Invoke API, letting the answers in flight out, and the worker. */
static void
serve_stop(struct serve *sv)
{
	size_t i;

	if (sv->httpd != NULL) {
		/*
		 * No new connections; invocations in flight and queued see
		 * the signal and give up, and their clients get the answer
		 * before the connections close.
		 */
		httpd_quiesce(sv->httpd);
		if (proc_interrupted() == 0)
			proc_interrupt(SIGTERM);
		for (i = 0; i < SERVE_DRAIN_MS / SERVE_TICK_MS; i++) {
			if (httpd_active(sv->httpd) == 0)
				break;
			tick();
		}
		httpd_stop(sv->httpd);
		sv->httpd = NULL;
	}
	if (sv->worker_up) {
		pthread_mutex_lock(&sv->q_mu);
		sv->stopping = 1;
		pthread_cond_signal(&sv->q_cv);
		pthread_mutex_unlock(&sv->q_mu);
		pthread_join(sv->worker, NULL);
		sv->worker_up = 0;
	}
}

void
serve_free(struct serve *sv)
{
	size_t i;

	if (sv == NULL)
		return;
	serve_stop(sv);
	for (i = 0; i < sv->npools; i++)
		pool_stop(&sv->pools[i]);
	/* What bootstraps left behind outside their process groups. */
	proc_kill_strays();
	for (i = 0; i < sv->npools; i++)
		pool_release(&sv->pools[i]);
	build_set_release(&sv->builds);
	pthread_mutex_destroy(&sv->log_mu);
	pthread_mutex_destroy(&sv->q_mu);
	pthread_cond_destroy(&sv->q_cv);
	free(sv->names);
	free(sv->pools);
	free(sv->dir);
	free(sv);
}
