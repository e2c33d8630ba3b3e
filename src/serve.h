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
};

/*
 * Routes rq to one of the nfn function names (as "name", "name:qualifier"
 * or a function ARN, percent-encoded) and fills r.  region names the
 * function in the ResourceNotFoundException message.  Never fails.
 */
void serve_route(const struct serve_request *rq, const char *const *names,
    size_t nfn, const char *region, struct serve_route *r);

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
int serve_invoke(struct serve *sv, size_t fn, const void *payload, size_t len,
    const char *client_context, struct rt_result *res, struct lc_err *err);
/* Queues an Event invocation of fn (payload copied) for the worker. */
void serve_enqueue(struct serve *sv, size_t fn, const void *payload,
    size_t len);

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
 * task roots are removed and sv freed.  NULL: no-op.
 */
void serve_free(struct serve *sv);

#endif
