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
	int			 stopping;	/* the worker ends when idle */
	pthread_t		 worker;
	int			 worker_up;
	struct httpd		*httpd;
};

/* The index of "name", "name:qualifier" or an ARN among names; -1. */
static long
find_fn(const char *ref, const char *const *names, size_t nfn)
{
	const char *name = ref, *p;
	size_t i, len;

	if (strncmp(ref, "arn:", 4) == 0 &&
	    (p = strstr(ref, ":function:")) != NULL)
		name = p + 10;
	len = strcspn(name, ":");
	for (i = 0; i < nfn; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return (long)i;
	return -1;
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

void
serve_route(const struct serve_request *rq, const char *const *names,
    size_t nfn, const char *region, struct serve_route *r)
{
	size_t plen = strlen(SERVE_API_PREFIX), slen = strlen(SERVE_SUFFIX);
	size_t ulen = strlen(rq->url);
	const char *type = rq->invocation_type;
	struct json_error je;
	struct buf nb = BUF_INIT;
	char *name;
	long i;

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
	if ((i = find_fn(name, names, nfn)) == -1) {
		r->action = SERVE_REPLY;
		r->status = 404;
		r->error_type = "ResourceNotFoundException";
		snprintf(r->message, sizeof r->message, "Function not found: "
		    "arn:aws:lambda:%s:" SERVE_ACCOUNT ":function:%.200s",
		    region, name);
		free(name);
		return;
	}
	free(name);
	r->fn = (size_t)i;
	if (rq->too_large) {
		route_error(r, 413, "RequestEntityTooLargeException", "Request "
		    "must be smaller than 6291456 bytes for the InvokeFunction "
		    "operation");
		return;
	}
	/* Lambda refuses what is not strictly JSON before running anything. */
	if (rq->body_len > 0 && json_check(rq->body, rq->body_len, &je) == -1) {
		r->action = SERVE_REPLY;
		r->status = 400;
		r->error_type = "InvalidRequestContentException";
		snprintf(r->message, sizeof r->message, "Could not parse request "
		    "body into json: line %zu, column %zu: %s", je.line, je.col,
		    je.reason);
		return;
	}
	if (type == NULL)
		type = "RequestResponse";
	if (strcmp(type, "DryRun") == 0)
		r->action = SERVE_DRY_RUN;
	else if (strcmp(type, "Event") == 0)
		r->action = SERVE_EVENT;
	else if (strcmp(type, "RequestResponse") == 0) {
		r->action = SERVE_INVOKE;
		r->tail = rq->log_type != NULL &&
		    strcmp(rq->log_type, "Tail") == 0;
	} else
		route_error(r, 400, "InvalidParameterValueException",
		    "X-Amz-Invocation-Type must be RequestResponse, Event or "
		    "DryRun");
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
serve_invoke(struct serve *sv, size_t fn, const void *payload, size_t len,
    const char *client_context, struct rt_result *res, struct lc_err *err)
{
	if (pool_invoke(&sv->pools[fn], payload, len, client_context, res,
	    err) == -1)
		return -1;
	if (sv->hooks.on_log != NULL) {
		pthread_mutex_lock(&sv->log_mu);
		sv->hooks.on_log(sv->hooks.arg, sv->names[fn], res);
		pthread_mutex_unlock(&sv->log_mu);
	}
	return 0;
}

/* The headers Lambda's Invoke answers carry. */
static void
reply_headers(struct httpd_reply *rp, const char *error_type,
    const char *function_error, const char *request_id, const char *log_tail)
{
	if (error_type != NULL)
		httpd_reply_header(rp, "x-amzn-ErrorType", error_type);
	if (function_error != NULL)
		httpd_reply_header(rp, "X-Amz-Function-Error", function_error);
	if (request_id != NULL)
		httpd_reply_header(rp, "x-amzn-RequestId", request_id);
	if (log_tail != NULL)
		httpd_reply_header(rp, "X-Amz-Log-Result", log_tail);
	httpd_reply_header(rp, "X-Amz-Executed-Version", "$LATEST");
}

/* An AWS-style error: {"Type": "User", "message": ...} + x-amzn-ErrorType. */
static int
reply_error(struct httpd_reply *rp, unsigned status, const char *type,
    const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "Type", "User");
	cJSON_AddStringToObject(o, "message", msg);
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	rp->status = status;
	buf_adds(&rp->body, s);
	reply_headers(rp, type, NULL, NULL, NULL);
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
	struct rt_result res;
	struct lc_err err;
	char *tail64 = NULL;

	if (serve_invoke(sv, route->fn, payload->data, payload->len,
	    httpd_header(hr, "X-Amz-Client-Context"), &res, &err) == -1) {
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
	    res.function_error : NULL, res.request_id, tail64);
	free(tail64);
	rt_result_release(&res);
	return 0;
}

/* The Invoke API's handler (httpd.h). */
static int
on_request(void *arg, const struct httpd_request *hr, struct httpd_reply *rp)
{
	struct serve *sv = arg;
	struct serve_request sr;
	struct serve_route route;
	struct buf payload = BUF_INIT;
	int r;

	memset(&sr, 0, sizeof sr);
	sr.method = hr->method;
	sr.url = hr->url;
	sr.invocation_type = httpd_header(hr, "X-Amz-Invocation-Type");
	sr.log_type = httpd_header(hr, "X-Amz-Log-Type");
	sr.body = hr->body;
	sr.body_len = hr->len;
	sr.too_large = hr->too_large;
	serve_route(&sr, sv->names, sv->npools, sv->region, &route);
	switch (route.action) {
	case SERVE_REPLY:
		return reply_error(rp, route.status, route.error_type,
		    route.message);
	case SERVE_DRY_RUN:
		rp->status = 204;
		reply_headers(rp, NULL, NULL, NULL, NULL);
		return 0;
	case SERVE_EVENT:
	case SERVE_INVOKE:
		break;
	}
	if (proc_interrupted() != 0)
		return reply_error(rp, 503, "ServiceException", "lambdactl "
		    "serve is stopping");
	buf_add(&payload, hr->body, hr->len);
	if (payload.len == 0)
		buf_adds(&payload, "{}");
	if (route.action == SERVE_EVENT) {
		serve_enqueue(sv, route.fn, payload.data, payload.len);
		rp->status = 202;
		reply_headers(rp, NULL, NULL, NULL, NULL);
		r = 0;
	} else
		r = reply_invoke(sv, hr, &route, &payload, rp);
	buf_release(&payload);
	return r;
}

void
serve_enqueue(struct serve *sv, size_t fn, const void *payload, size_t len)
{
	struct event *e = xcalloc(1, sizeof *e);

	e->fn = fn;
	buf_init(&e->payload);
	buf_add(&e->payload, payload, len);
	pthread_mutex_lock(&sv->q_mu);
	*sv->q_tail = e;
	sv->q_tail = &e->next;
	pthread_cond_signal(&sv->q_cv);
	pthread_mutex_unlock(&sv->q_mu);
}

/* The next queued Event invocation; NULL once stopping and none is left. */
static struct event *
dequeue(struct serve *sv)
{
	struct event *e;

	pthread_mutex_lock(&sv->q_mu);
	while (sv->q_head == NULL && !sv->stopping)
		pthread_cond_wait(&sv->q_cv, &sv->q_mu);
	if ((e = sv->q_head) != NULL) {
		sv->q_head = e->next;
		if (sv->q_head == NULL)
			sv->q_tail = &sv->q_head;
	}
	pthread_mutex_unlock(&sv->q_mu);
	return e;
}

/* Runs queued Event invocations one after another until stopping. */
static void *
event_worker(void *arg)
{
	struct serve *sv = arg;
	struct rt_result res;
	struct lc_err err;
	struct event *e;

	while ((e = dequeue(sv)) != NULL) {
		if (proc_interrupted() != 0)
			tell(sv, SERVE_WARNING, "%s: stopping: a queued Event "
			    "invocation is dropped", sv->names[e->fn]);
		else {
			if (serve_invoke(sv, e->fn, e->payload.data,
			    e->payload.len, NULL, &res, &err) == -1)
				tell(sv, SERVE_WARNING, "%s: %s",
				    sv->names[e->fn], err.msg);
			rt_result_release(&res);
		}
		buf_release(&e->payload);
		free(e);
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
