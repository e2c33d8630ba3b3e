/*
 * runtime.h - a local, Docker-free Lambda execution environment: runs a
 * provided.* "bootstrap" on the host, as Lambda does, and serves it the
 * Lambda Runtime API (2018-06-01) on 127.0.0.1 (httpd.h).
 *
 * One struct rt_function is one bootstrap process and its Runtime API
 * server: invocations are sequential on it (a pool of them serves
 * concurrency).  It is started once (cold) and reused (warm); a bootstrap
 * that crashes or times out is killed and started again on the next
 * invocation.
 *
 * Built from runtime.c (start, invoke, stop), rt-proc.c (the bootstrap
 * process) and rt-api.c (the Runtime API), which share rt-private.h.
 */
#ifndef LC_RUNTIME_H
#define LC_RUNTIME_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "manifest.h"

struct rt_config {
	const char		*name;		/* AWS_LAMBDA_FUNCTION_NAME */
	const char		*task_root;	/* holds bootstrap (LAMBDA_TASK_ROOT) */
	/* The function's runtime: NULL or provided.*: task_root/bootstrap
	 * is run; java*, python3*, nodejs*: as langrt_prepare says. */
	const char		*runtime;
	const char		*handler;	/* _HANDLER; NULL: "" */
	long			 memory;	/* MB */
	long			 timeout;	/* seconds */
	const char		*region;	/* AWS_REGION, AWS_DEFAULT_REGION */
	const struct manifest_kv *env;		/* the function's environment */
	size_t			 nenv;
	/* More "NAME=value" entries (credentials with --pass-credentials). */
	const char *const	*extra_env;
	size_t			 nextra;
};

enum rt_outcome {
	RT_OK,			/* the function returned a response */
	RT_FUNCTION_ERROR,	/* it posted an error, timed out or crashed */
};

struct rt_result {
	enum rt_outcome	 outcome;
	/* For RT_FUNCTION_ERROR: "Unhandled", as X-Amz-Function-Error says
	 * for any error of a function (posted, timeout, crash, init error). */
	const char	*function_error;
	char		 error_type[128];	/* e.g. Runtime.ExitError */
	char		 request_id[40];
	/* The response, or the error document Lambda would return:
	 * {"errorType": ..., "errorMessage": ...}. */
	struct buf	 payload;
	/* What the function printed during this invocation (and its init
	 * when cold), framed by START, END and REPORT lines as in CloudWatch. */
	struct buf	 log;
	double		 duration_ms;
	double		 init_ms;	/* 0 when warm */
	long		 billed_ms;
	long		 max_memory_mb;
};

/* One invocation as rt_invoke runs it; NULL for what it does not have. */
struct rt_request {
	const void	*payload;
	size_t		 len;
	/* The client context's JSON (decoded from X-Amz-Client-Context). */
	const char	*client_context;
	/* A request id (an Event's, answered already); NULL: a new one. */
	const char	*request_id;
	/* The caller's X-Amzn-Trace-Id; NULL: a new trace. */
	const char	*trace_id;
	/* The qualifier invoked ($LATEST, an alias): the invoked ARN's. */
	const char	*qualifier;
};

/* A new request id (a random UUID, as Lambda's) into s. */
void rt_new_request_id(char s[40]);

struct rt_function;

/*
 * Starts the Runtime API server on a free 127.0.0.1 port and the bootstrap
 * (cfg->task_root/bootstrap, in its own process group, cwd task_root) with
 * Lambda's environment: AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT,
 * LAMBDA_RUNTIME_DIR, AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION
 * ($LATEST), AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME,
 * AWS_LAMBDA_LOG_STREAM_NAME, AWS_LAMBDA_INITIALIZATION_TYPE (on-demand),
 * AWS_REGION, AWS_DEFAULT_REGION, TZ=:UTC, PATH, LANG, LD_LIBRARY_PATH
 * (TASK_ROOT:TASK_ROOT/lib, Lambda's /var/task entries), the function's environment and extra_env (nothing else of
 * ours: no AWS credentials unless passed).  The configuration is copied.
 */
int rt_start(struct rt_function **f, const struct rt_config *cfg,
    struct lc_err *err);

/*
 * Runs one invocation: hands rq->payload to the bootstrap's next
 * GET /runtime/invocation/next (with Lambda-Runtime-Aws-Request-Id,
 * -Deadline-Ms, -Invoked-Function-Arn (ARN:QUALIFIER when qualified),
 * -Trace-Id (rq->trace_id or a new one), -Client-Context when
 * rq->client_context is set) and waits for its response or error, the timeout
 * (the process group is killed: "Task timed out after N.00 seconds",
 * errorType Sandbox.Timedout), or its exit (Runtime.ExitError).  Returns
 * 0 with res filled whatever the function did, -1 with err when the
 * environment itself failed (cannot start the process, ...).
 */
int rt_invoke(struct rt_function *f, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err);
void rt_result_release(struct rt_result *res);

/* The bootstrap's pid (0 when not running): for tests of warm reuse. */
long rt_pid(const struct rt_function *f);

/*
 * Kills the process group of every running bootstrap at once.  Async-
 * signal-safe: for a SIGINT/SIGTERM handler, since the bootstraps run in
 * their own process groups, which a terminal's Ctrl-C does not reach.
 */
void rt_kill_all(void);

/* Kills the bootstrap, stops the server, frees f; NULL is a no-op. */
void rt_stop(struct rt_function *f);

/*
 * For unit tests and tests/fuzz/fuzz-runtime-api.c: a function with no
 * process and no server, whose Runtime API is driven in memory through
 * rt_api_request (freed with rt_stop).
 */
struct rt_function *rt_api_fake(void);
/* Makes an invocation pending on it (payload "{}"), as rt_invoke does. */
void rt_api_fake_invoke(struct rt_function *f);
/*
 * Handles one complete Runtime API request (error_type: the
 * Lambda-Runtime-Function-Error-Type header, NULL when absent) as the
 * server does and returns its HTTP status, with its JSON body in reply.
 * GET .../next hands out the pending invocation (200, its payload) or,
 * when none is pending, returns 0 (the server would wait).
 */
unsigned rt_api_request(struct rt_function *f, const char *method,
    const char *url, const char *error_type, const void *body, size_t len,
    struct buf *reply);

#endif
