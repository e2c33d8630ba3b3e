/*
 * serve.h - local functions behind the Lambda Invoke API, for lambdactl
 * serve and invoke --local: each function's warm instances (pool.h), the
 * Invoke API on loopback (httpd.h), the queue that runs Event invocations
 * one after another, and the --watch reloader.  Nothing here prints: what
 * there is to tell goes to the caller's hooks.
 *
 * The routing of a request (serve_route) is a pure function of its
 * method, path, headers and body, which the fuzz target
 * tests/fuzz/fuzz-invoke-api.c drives directly.
 */
#ifndef LC_SERVE_H
#define LC_SERVE_H

#include <stddef.h>

#include "err.h"
#include "httpd.h"
#include "manifest.h"
#include "pool.h"
#include "runtime.h"

/* Lambda's limit on a synchronous request body, in bytes. */
#define SERVE_MAX_PAYLOAD	(6 * 1024 * 1024)
/* ... on an Event's (1 MB since 2025, 256 KB before). */
#define SERVE_MAX_EVENT		(1024 * 1024)
/* Event invocations queued at most (count, payload bytes): 429 past it. */
#define SERVE_QUEUE_MAX		1000
#define SERVE_QUEUE_BYTES	(128 * 1024 * 1024)
/* ... on X-Amz-Client-Context, base64 (and its JSON, decoded). */
#define SERVE_MAX_CONTEXT_B64	3583
#define SERVE_MAX_CONTEXT	2688
/* A qualifier: $LATEST, or an alias name (1-128 of [A-Za-z0-9_-]). */
#define SERVE_MAX_QUALIFIER	128
/*
 * A failed Event invocation is run twice more, as Lambda does, after
 * these many ms (Lambda waits about 1 and then 2 minutes; serve, which is
 * for trying things out, 1 and 2 seconds).
 */
#define SERVE_RETRY_1_MS	1000
#define SERVE_RETRY_2_MS	2000
#define SERVE_API_PREFIX	"/2015-03-31/functions/"

enum serve_action {
	SERVE_REPLY,	/* answer status/error_type/message, run nothing */
	SERVE_DRY_RUN,	/* 204, empty */
	SERVE_EVENT,	/* queue it, answer 202 */
	SERVE_INVOKE,	/* run it, answer with the function's response */
};

/* A request as it arrived; NULL for a header it does not have. */
struct serve_request {
	const char	*method;
	const char	*url;
	const char	*invocation_type;	/* X-Amz-Invocation-Type */
	const char	*log_type;		/* X-Amz-Log-Type */
	const char	*client_context;	/* X-Amz-Client-Context */
	const char	*qualifier;		/* ?Qualifier= (decoded) */
	const char	*body;			/* body_len bytes */
	size_t		 body_len;
	int		 too_large;		/* body over SERVE_MAX_PAYLOAD */
};

struct serve_route {
	enum serve_action	 action;
	unsigned		 status;	/* SERVE_REPLY: the HTTP status */
	const char		*error_type;	/* x-amzn-ErrorType, or NULL */
	char			 message[512];	/* SERVE_REPLY: its message */
	size_t			 fn;		/* index into names */
	int			 tail;		/* X-Amz-Log-Type: Tail */
	/* The qualifier invoked ("$LATEST", an alias), "" for none. */
	char			 qualifier[SERVE_MAX_QUALIFIER + 1];
	/* The client context's JSON, decoded; "" for none. */
	char			 client_context[SERVE_MAX_CONTEXT + 1];
};

/*
 * Routes rq to one of the nfn function names (as "name", "name:qualifier",
 * a function ARN or a partial one "ACCOUNT:function:NAME", percent-
 * encoded) and fills r.  region names the function in the
 * ResourceNotFoundException message.  Never fails.
 */
void serve_route(const struct serve_request *rq, const char *const *names,
    size_t nfn, const char *region, struct serve_route *r);

/*
 * The function and qualifier that ref (as serve_route takes it, decoded)
 * and qualifier (the Qualifier parameter, NULL: none) name, as serve
 * accepts them: no qualifier, $LATEST or any alias name run the code
 * served (version $LATEST); a version number (none is published here) or
 * anything else is ResourceNotFoundException, as is an unknown function;
 * a qualifier in ref and another in the parameter are
 * InvalidParameterValueException.  Fills r->fn and r->qualifier, and
 * returns 0; or -1 with r an error reply (SERVE_REPLY).
 */
int serve_resolve(const char *ref, const char *qualifier,
    const char *const *names, size_t nfn, const char *region,
    struct serve_route *r);

enum serve_level {
	SERVE_INFO,	/* "NAME: reloaded" */
	SERVE_WARNING,	/* what went wrong with one function or invocation */
};

/* What the caller hears about; any may be NULL.  arg is theirs. */
struct serve_hooks {
	void	*arg;
	/*
	 * An invocation's log, START to REPORT (res->log), once it ran: one
	 * call at a time, so that two logs do not mix.
	 */
	void	(*on_log)(void *arg, const char *fn_name,
		    const struct rt_result *res);
	/* One line to tell, "NAME: " first. */
	void	(*on_event)(void *arg, enum serve_level level,
		    const char *msg);
	/* A function's build command is about to run. */
	void	(*on_build)(void *arg, const struct manifest_fn *fn);
};

struct serve_opts {
	const char		*dir;		/* the manifest's directory */
	size_t			 concurrency;	/* instances per function */
	int			 no_build;	/* skip the build commands */
	long			 build_timeout;	/* seconds; 0: each its own */
	/* "NAME=value" for every function (--pass-credentials); kept. */
	const char *const	*extra_env;
	size_t			 nextra;
	const struct pool_ops	*ops;		/* NULL: the local runtime */
	struct serve_hooks	 hooks;
};

/* A function to serve: its manifest entry (kept) and its region. */
struct serve_fn {
	const struct manifest_fn	*fn;
	const char			*region;
};

struct serve;

/*
 * Builds, packages and unpacks each function's code in turn (as pool_load,
 * a SIGINT or SIGTERM stopping a build: 128 + the signal) and makes its
 * pool; nothing runs yet.  The first function's region names them all in
 * ResourceNotFoundException messages.  -1 with err, *svp NULL.
 */
int serve_new(struct serve **svp, const struct serve_opts *o,
    const struct serve_fn *fns, size_t nfn, struct lc_err *err);

/*
 * Starts the Event queue's worker and, when ho is not NULL, the Invoke API
 * on ho->addr; their threads leave SIGINT and SIGTERM to the caller's
 * thread (proc.h).
 */
int serve_start(struct serve *sv, const struct httpd_opts *ho,
    struct lc_err *err);
/* The port the Invoke API listens on. */
unsigned serve_port(const struct serve *sv);

/*
 * Runs one invocation of function fn (an index into serve_new's fns) on its
 * pool, as a RequestResponse request does, and hands its log to on_log.
 * res is always initialised; -1 with err (not prefixed with the function's
 * name) when the instance could not start or run: 128 + the signal when a
 * SIGINT or SIGTERM cut it short.
 */
int serve_invoke(struct serve *sv, size_t fn, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err);
/*
 * Queues an Event invocation of fn for the worker (rq's payload, request
 * id, trace id and qualifier copied; no client context, which Lambda
 * passes to synchronous invocations only).  A function error is retried
 * twice (SERVE_RETRY_*_MS), with the same request id, and told
 * (on_event); a stop drops what is queued.
 */
void serve_enqueue(struct serve *sv, size_t fn, const struct rt_request *rq);

/* --watch: reloads each function whose artifact changed (on_event). */
void serve_reload_changed(struct serve *sv);

/*
 * Waits for a SIGINT or SIGTERM (proc_interrupted), checking every second
 * for changed artifacts when watch is set; returns the signal.
 */
int serve_wait(struct serve *sv, int watch);

/*
 * Stops, when the Invoke API was started: no new connections; invocations
 * in flight see a signal (SIGTERM unless one came) within 100 ms and are
 * answered 503, and up to 2 s go to letting those answers out; then the
 * server stops.  The queue's worker runs or (on a signal) drops what is
 * queued and ends.  Then every instance is stopped, what they left
 * running outside their process groups is killed (proc_kill_strays), the
 * task roots let go of (they stay cached: pool.h) and sv freed.  NULL:
 * no-op.
 */
void serve_free(struct serve *sv);

#endif
