/*
 * runtime.c - a local Lambda execution environment (runtime.h): start,
 * invoke and stop, and the state they share with rt-proc.c (the bootstrap
 * process) and rt-api.c (the Runtime API) through rt-private.h, which
 * also says which threads there are.
 *
 * An invocation reads begin -> await -> harvest -> outcome -> log frame:
 * it is made pending on a running bootstrap, awaited until it is
 * answered or given up on, what it left is taken, turned into Lambda's
 * result, and its log framed as in CloudWatch.
 */
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "fnsettings.h"
#include "proc.h"
#include "rt-private.h"
#include "runtime.h"
#include "timeparse.h"
#include "xmalloc.h"

/* Seconds Lambda gives init before the invocation's timeout applies. */
#define RT_INIT_LIMIT	10
/* Bytes of output kept per invocation; the rest is dropped. */
#define RT_MAX_LOG	(16 * 1024 * 1024)
/* How long, in ms, a log flush waits for the reader to catch up. */
#define RT_DRAIN_MS	100
/*
 * How long, in ms, an answered invocation waits for the bootstrap's next
 * GET .../next: what it prints until then is the invocation's, as in
 * CloudWatch, where END follows that request.
 */
#define RT_NEXT_WAIT_MS	200
/* How often, in ms, a waiting invocation checks for SIGINT and SIGTERM. */
#define RT_SIGNAL_MS	100

/* How an invocation ended, as rt_invoke sees it. */
enum inv_end {
	END_OK,
	END_HANDLED,
	END_TOO_LARGE,
	END_INIT,
	END_EXIT,
	END_TIMEOUT,
	END_INTERRUPTED,	/* we caught SIGINT or SIGTERM (proc.h) */
};

/* One invocation in progress, from begin to log frame. */
struct inv {
	enum inv_end	 end;
	int		 cold;
	int		 retried;	/* the bootstrap was restarted once */
	int		 claimed;	/* handed out: START is in the log */
	int		 sig;		/* caught: END_INTERRUPTED */
	double		 t0;		/* monotonic ms: made pending */
	double		 t1;		/* ... over */
	double		 start;		/* ... its duration counts from */
	pid_t		 pid;
	long		 mem;		/* peak MB */
	char		 how[64];	/* how the bootstrap ended */
	char		 type[128];	/* a posted error's type header */
};

/* ---- the state shared with rt-proc.c and rt-api.c ---- */

int
rt_wait_until(struct rt_function *f, double until)
{
	struct timespec ts;
	double s;

	if (until < 0)
		until = 0;
	s = until / 1e3;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	} else if (ts.tv_nsec < 0)
		ts.tv_nsec = 0;
	return pthread_cond_timedwait(&f->cv, &f->mu, &ts);
}

static void
random_bytes(unsigned char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = getrandom(p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			die("getrandom: %s", strerror(errno));
		}
		p += r;
		n -= (size_t)r;
	}
}

void
rt_random_hex(char *s, size_t n)
{
	unsigned char b[32];
	size_t i;

	if (n > sizeof b)
		die("rt_random_hex: %zu bytes", n);
	random_bytes(b, n);
	for (i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
}

/* A random (version 4) UUID, as Lambda's request ids. */
void
rt_new_request_id(char s[40])
{
	unsigned char b[16];

	random_bytes(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(s, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void
rt_json_pair(struct buf *b, const char *k1, const char *v1, const char *k2,
    const char *v2)
{
	cJSON *o;
	char *s;

	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, k1, v1) == NULL ||
	    cJSON_AddStringToObject(o, k2, v2) == NULL ||
	    (s = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	buf_reset(b);
	buf_adds(b, s);
	free(s);
	cJSON_Delete(o);
}

void
rt_log_frame(struct rt_function *f, const char *fmt, ...)
{
	va_list ap;

	if (f->log.len > 0 && f->log.data[f->log.len - 1] != '\n')
		buf_addch(&f->log, '\n');
	va_start(ap, fmt);
	buf_vaddf(&f->log, fmt, ap);
	va_end(ap);
}

void
rt_log_output(struct rt_function *f, const char *data, size_t n)
{
	if (f->log.len + n > RT_MAX_LOG) {
		if (!f->log_full)
			rt_log_frame(f, "lambdactl: output over %d MB "
			    "dropped\n", RT_MAX_LOG / (1024 * 1024));
		f->log_full = 1;
		return;
	}
	buf_add(&f->log, data, n);
}

/* For at most RT_DRAIN_MS. */
void
rt_drain_locked(struct rt_function *f)
{
	double until = clock_ms() + RT_DRAIN_MS;
	int n;

	for (;;) {
		if (f->out_fd == -1)
			return;
		if (!f->reader_busy && (ioctl(f->out_fd, FIONREAD, &n) == -1 ||
		    n == 0))
			return;
		if (rt_wait_until(f, until) == ETIMEDOUT)
			return;
	}
}

struct rt_function *
rt_function_new(void)
{
	struct rt_function *f = xcalloc(1, sizeof *f);
	pthread_condattr_t ca;

	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cv, &ca);
	pthread_condattr_destroy(&ca);
	f->out_fd = f->wake[0] = f->wake[1] = -1;
	buf_init(&f->init_body);
	buf_init(&f->log);
	buf_init(&f->answer_body);
	return f;
}

void
rt_pend(struct rt_function *f, const char *id, const struct rt_request *rq)
{
	memcpy(f->prev_id, f->id, sizeof f->prev_id);
	snprintf(f->id, sizeof f->id, "%s", id);
	f->payload = rq->payload;
	f->len = rq->len;
	f->client_context = rq->client_context;
	f->trace_id = rq->trace_id;
	f->qualifier = rq->qualifier;
	f->claimed = 0;
	f->answer = ANS_NONE;
	f->answer_type[0] = '\0';
	buf_reset(&f->answer_body);
	f->state = INV_PENDING;
	pthread_cond_broadcast(&f->cv);
}

/* ---- start ---- */

int
rt_start(struct rt_function **fp, const struct rt_config *cfg,
    struct lc_err *err)
{
	struct rt_function *f;
	struct stat st;
	char *root;

	*fp = NULL;
	/* What a bootstrap leaves behind (setsid) is reparented to us. */
	proc_subreaper();
	if (cfg->name == NULL || *cfg->name == '\0')
		return lc_error(err, LC_ECONFIG, "no function name");
	if ((root = realpath(cfg->task_root, NULL)) == NULL)
		return lc_error(err, LC_ECONFIG, "cannot use task root '%s': "
		    "%s", cfg->task_root, strerror(errno));
	f = rt_function_new();
	f->task_root = root;
	f->name = xstrdup(cfg->name);
	/*
	 * pool.c gives lambda.yml's values, defaulted by the table of
	 * settings (fnsettings.c); a caller that gives none gets the same.
	 */
	f->memory = cfg->memory > 0 ? cfg->memory :
	    fnset_default_long("memory");
	f->timeout = cfg->timeout > 0 ? cfg->timeout :
	    fnset_default_long("timeout");
	f->arn = xasprintf("arn:aws:lambda:%s:%s:function:%s",
	    cfg->region != NULL ? cfg->region : "us-east-1", RT_ACCOUNT,
	    f->name);
	switch (langrt_kind(cfg->runtime)) {
	case LANGRT_JAVA:
	case LANGRT_PYTHON:
	case LANGRT_NODE:
		if (langrt_prepare(cfg->runtime, cfg->handler, root, f->memory,
		    &f->launch, err) == -1)
			goto fail;
		f->bootstrap = xstrdup(f->launch.argv[0]);
		break;
	default:
		f->bootstrap = xasprintf("%s/bootstrap", root);
		break;
	}
	if (f->launch.argv == NULL && (stat(f->bootstrap, &st) == -1 ||
	    !S_ISREG(st.st_mode))) {
		lc_error(err, LC_ECONFIG, "no bootstrap file in '%s' (a "
		    "provided.* runtime runs LAMBDA_TASK_ROOT/bootstrap)",
		    cfg->task_root);
		goto fail;
	}
	if (rt_api_start(f, err) == -1 || rt_env_build(f, cfg, err) == -1 ||
	    rt_proc_start(f, err) == -1)
		goto fail;
	*fp = f;
	return 0;
fail:
	rt_stop(f);
	return -1;
}

/* ---- invoke: begin, await, harvest, outcome, log frame ---- */

/*
 * Begin: a bootstrap to run it on (started afresh, cold, if it died idle
 * after answering) and the invocation made pending.  Returns 0 with f->mu
 * held, or -1 with err.
 */
static int
inv_begin(struct rt_function *f, struct inv *iv, const char *id,
    const struct rt_request *rq, struct lc_err *err)
{
	int restart;

	rt_lock(f);
	restart = f->pid != 0 && f->exited && f->initialized;
	rt_unlock(f);
	if (restart)
		rt_proc_kill(f);
	if (f->pid == 0 && rt_proc_start(f, err) == -1)
		return -1;
	iv->t0 = clock_ms();
	rt_lock(f);
	iv->cold = f->ninvoked++ == 0;
	rt_pend(f, id, rq);
	return 0;
}

/*
 * The bootstrap died between invocations, unnoticed: a new one, cold, for
 * the same invocation (f->mu held; released on -1, with err).
 */
static int
inv_restart(struct rt_function *f, struct inv *iv, struct lc_err *err)
{
	f->state = INV_IDLE;
	rt_unlock(f);
	rt_proc_kill(f);
	if (rt_proc_start(f, err) == -1)
		return -1;
	rt_lock(f);
	iv->retried = iv->cold = 1;
	f->ninvoked = 1;
	f->state = INV_PENDING;
	iv->t0 = clock_ms();
	pthread_cond_broadcast(&f->cv);
	return 0;
}

/*
 * When the invocation times out (f->mu held): its timeout from when it
 * was handed out; before, from when it was made pending, and a bootstrap
 * still in init has RT_INIT_LIMIT seconds more, from its start.
 */
static double
inv_limit(const struct rt_function *f, const struct inv *iv)
{
	if (f->state == INV_RUNNING)
		return f->claimed + (double)f->timeout * 1e3;
	if (!f->initialized)
		return f->spawned + (double)(RT_INIT_LIMIT + f->timeout) * 1e3;
	return iv->t0 + (double)f->timeout * 1e3;
}

/*
 * Await (f->mu held): until the invocation is answered, init fails, the
 * bootstrap exits, the time is up or a signal is caught; iv->end says
 * which.  -1 with err (f->mu released) when a restart failed.
 */
static int
inv_await(struct rt_function *f, struct inv *iv, struct lc_err *err)
{
	double limit, now;

	for (;;) {
		if (f->state == INV_DONE) {
			iv->end = f->answer == ANS_RESPONSE ? END_OK :
			    f->answer == ANS_ERROR ? END_HANDLED :
			    END_TOO_LARGE;
			break;
		}
		if (f->init_error) {
			iv->end = END_INIT;
			break;
		}
		if ((iv->sig = proc_interrupted()) != 0) {
			iv->end = END_INTERRUPTED;
			break;
		}
		if (f->exited) {
			if (f->state == INV_PENDING && f->initialized &&
			    !iv->retried) {
				if (inv_restart(f, iv, err) == -1)
					return -1;
				continue;
			}
			iv->end = END_EXIT;
			break;
		}
		limit = inv_limit(f, iv);
		if ((now = clock_ms()) >= limit) {
			iv->end = END_TIMEOUT;
			break;
		}
		rt_wait_until(f, limit < now + RT_SIGNAL_MS ? limit :
		    now + RT_SIGNAL_MS);
	}
	f->state = INV_DONE;
	return 0;
}

/* The invocation's borrowed request is over (f->mu held). */
static void
rt_forget(struct rt_function *f)
{
	f->payload = NULL;
	f->client_context = NULL;
	f->trace_id = NULL;
	f->qualifier = NULL;
}

/*
 * Nothing of an interrupted invocation is kept: the bootstrap goes, with
 * its log (f->mu held, then released).  Returns -1 with err.
 */
static int
inv_interrupted(struct rt_function *f, const struct inv *iv,
    struct lc_err *err)
{
	rt_forget(f);
	rt_unlock(f);
	rt_proc_kill(f);
	rt_lock(f);
	buf_reset(&f->log);
	f->log_full = 0;
	rt_unlock(f);
	return lc_error(err, 128 + iv->sig, "interrupted by %s while the "
	    "function ran (stopped its bootstrap and every process it "
	    "started)", proc_signame(iv->sig));
}

/*
 * Harvest (f->mu held, then released): what an answered bootstrap prints
 * until its next GET .../next is still the invocation's (RT_NEXT_WAIT_MS
 * at most); the times, the answer or init error and its type, the peak
 * memory; and the bootstrap killed unless it can serve again.
 */
static void
inv_harvest(struct rt_function *f, struct inv *iv, struct rt_result *res)
{
	double limit;

	iv->t1 = clock_ms();
	iv->claimed = f->claimed > 0;
	if (iv->end == END_OK || iv->end == END_HANDLED ||
	    iv->end == END_TOO_LARGE) {
		limit = iv->t1 + RT_NEXT_WAIT_MS;
		while (f->nready == f->ready_claim && !f->exited &&
		    clock_ms() < limit)
			rt_wait_until(f, limit);
	}
	iv->start = iv->claimed ? f->claimed : iv->t0;
	iv->pid = f->pid;
	if (iv->cold)
		res->init_ms = f->initialized ? f->init_ms :
		    iv->t1 - f->spawned;
	if (res->init_ms <= 0 && iv->cold)
		res->init_ms = 0.01;
	rt_exit_desc(f->exit_code, f->exit_status, iv->how, sizeof iv->how);
	iv->type[0] = '\0';
	if (iv->end == END_OK || iv->end == END_HANDLED) {
		res->payload = f->answer_body;
		buf_init(&f->answer_body);
		snprintf(iv->type, sizeof iv->type, "%s", f->answer_type);
	} else if (iv->end == END_INIT) {
		res->payload = f->init_body;
		buf_init(&f->init_body);
		snprintf(iv->type, sizeof iv->type, "%s", f->init_type);
	}
	rt_forget(f);
	rt_unlock(f);

	iv->mem = iv->end == END_EXIT ? 0 : rt_max_memory_mb(iv->pid);
	if (iv->end == END_INIT || iv->end == END_EXIT ||
	    iv->end == END_TIMEOUT)
		rt_proc_kill(f);
}

/*
 * A posted error's type: the header's, else the body's errorType, else
 * Runtime.Unknown; and the payload: the body if it is JSON, else an
 * error document around it.
 */
static void
posted_error(struct rt_result *res, const char *header)
{
	cJSON *doc, *t;
	char *msg;

	doc = cJSON_ParseWithLength(res->payload.data, res->payload.len);
	t = cJSON_IsObject(doc) ? cJSON_GetObjectItemCaseSensitive(doc,
	    "errorType") : NULL;
	if (header != NULL && *header != '\0')
		snprintf(res->error_type, sizeof res->error_type, "%s",
		    header);
	else if (cJSON_IsString(t) && *t->valuestring != '\0')
		snprintf(res->error_type, sizeof res->error_type, "%s",
		    t->valuestring);
	else
		snprintf(res->error_type, sizeof res->error_type,
		    "Runtime.Unknown");
	if (doc == NULL) {
		msg = buf_detach(&res->payload, NULL);
		rt_json_pair(&res->payload, "errorType", res->error_type,
		    "errorMessage", msg);
		free(msg);
	}
	cJSON_Delete(doc);
}

/*
 * Outcome: the durations, and what the function returned or Lambda's
 * error document {"errorType", "errorMessage"} for how it failed.
 */
static void
inv_outcome(const struct rt_function *f, const struct inv *iv,
    struct rt_result *res)
{
	struct buf msg = BUF_INIT;
	const char *type;

	res->duration_ms = iv->t1 - iv->start;
	res->billed_ms = (long)res->duration_ms;
	if ((double)res->billed_ms < res->duration_ms)
		res->billed_ms++;
	if (res->billed_ms < 1)
		res->billed_ms = 1;
	res->max_memory_mb = iv->mem;
	res->outcome = iv->end == END_OK ? RT_OK : RT_FUNCTION_ERROR;
	/* Lambda says Unhandled for a posted error too (no longer Handled). */
	res->function_error = iv->end == END_OK ? NULL : "Unhandled";
	switch (iv->end) {
	case END_OK:
	case END_INTERRUPTED:
		return;
	case END_HANDLED:
	case END_INIT:
		posted_error(res, iv->type);
		return;
	case END_TOO_LARGE:
		type = "Function.ResponseSizeTooLarge";
		buf_addf(&msg, "Response payload size exceeded maximum allowed "
		    "payload size (%d bytes).", RT_MAX_RESPONSE);
		break;
	case END_EXIT:
		type = "Runtime.ExitError";
		buf_addf(&msg, "RequestId: %s Error: Runtime exited with "
		    "error: %s", res->request_id, iv->how);
		break;
	case END_TIMEOUT:
	default:
		type = "Sandbox.Timedout";
		buf_addf(&msg, "RequestId: %s Error: Task timed out after "
		    "%ld.00 seconds", res->request_id, f->timeout);
		break;
	}
	snprintf(res->error_type, sizeof res->error_type, "%s", type);
	rt_json_pair(&res->payload, "errorType", type, "errorMessage",
	    msg.data);
	buf_release(&msg);
}

/*
 * Log frame: START (unless handing the event out wrote it), the timeout's
 * or the exit's lines, END and REPORT around what the bootstrap printed;
 * the log goes to res.
 */
static void
inv_log(struct rt_function *f, const struct inv *iv, struct rt_result *res)
{
	struct timespec ts;
	struct buf date;

	clock_gettime(CLOCK_REALTIME, &ts);
	buf_init(&date);
	timeparse_format(&date, (int64_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000, TIMEPARSE_MS | TIMEPARSE_Z);
	rt_lock(f);
	rt_drain_locked(f);
	if (!iv->claimed)
		rt_log_frame(f, "START RequestId: %s Version: $LATEST\n",
		    res->request_id);
	if (iv->end == END_TIMEOUT)
		rt_log_frame(f, "%s %s Task timed out after %ld.00 "
		    "seconds\n", date.data, res->request_id, f->timeout);
	else if (iv->end == END_EXIT)
		rt_log_frame(f, "RequestId: %s Error: Runtime exited with "
		    "error: %s\nRuntime.ExitError\n", res->request_id,
		    iv->how);
	rt_log_frame(f, "END RequestId: %s\n", res->request_id);
	rt_log_frame(f, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled "
	    "Duration: %ld ms\tMemory Size: %ld MB\tMax Memory Used: %ld MB",
	    res->request_id, res->duration_ms, res->billed_ms, f->memory,
	    iv->mem);
	if (iv->cold)
		buf_addf(&f->log, "\tInit Duration: %.2f ms", res->init_ms);
	buf_addch(&f->log, '\n');
	res->log = f->log;
	buf_init(&f->log);
	f->log_full = 0;
	rt_unlock(f);
	buf_release(&date);
}

int
rt_invoke(struct rt_function *f, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err)
{
	struct inv iv;
	int sig;

	memset(res, 0, sizeof *res);
	buf_init(&res->payload);
	buf_init(&res->log);
	if (rq->request_id != NULL)
		snprintf(res->request_id, sizeof res->request_id, "%s",
		    rq->request_id);
	else
		rt_new_request_id(res->request_id);
	if ((sig = proc_interrupted()) != 0)
		return lc_error(err, 128 + sig, "interrupted by %s",
		    proc_signame(sig));
	memset(&iv, 0, sizeof iv);
	if (inv_begin(f, &iv, res->request_id, rq, err) == -1 ||
	    inv_await(f, &iv, err) == -1)
		return -1;
	if (iv.end == END_INTERRUPTED)
		return inv_interrupted(f, &iv, err);
	inv_harvest(f, &iv, res);
	inv_outcome(f, &iv, res);
	inv_log(f, &iv, res);
	return 0;
}

void
rt_result_release(struct rt_result *res)
{
	if (res == NULL)
		return;
	buf_release(&res->payload);
	buf_release(&res->log);
	memset(res, 0, sizeof *res);
	buf_init(&res->payload);
	buf_init(&res->log);
}

long
rt_pid(const struct rt_function *f)
{
	struct rt_function *g = (struct rt_function *)f;
	long pid;

	if (f == NULL)
		return 0;
	rt_lock(g);
	pid = (long)g->pid;
	rt_unlock(g);
	return pid;
}

/* ---- stop ---- */

void
rt_stop(struct rt_function *f)
{
	size_t i;

	if (f == NULL)
		return;
	/*
	 * The bootstrap's tree is killed before the Runtime API's handlers
	 * are told: a GET .../next answered first could let the bootstrap
	 * exit on its own, and what it had setsid'd would then be our
	 * orphan, out of the tree proc_kill_tree walks.
	 */
	rt_proc_kill(f);
	rt_lock(f);
	f->stopping = 1;
	pthread_cond_broadcast(&f->cv);
	rt_unlock(f);
	rt_api_stop(f);
	for (i = 0; i < f->nenvp; i++)
		free_secret(f->envp[i]);
	free(f->envp);
	buf_release(&f->init_body);
	buf_release(&f->log);
	buf_release(&f->answer_body);
	free(f->name);
	free(f->task_root);
	free(f->bootstrap);
	langrt_launch_release(&f->launch);
	free(f->arn);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
