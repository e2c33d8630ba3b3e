/*
 * cmd-serve.c - lambdactl serve: the Lambda Invoke API on loopback, in
 * front of warm local bootstraps (runtime.c), so that both 'lambdactl
 * invoke --endpoint-url' and 'aws lambda invoke --endpoint-url' work
 * against it unchanged.
 */
#define _XOPEN_SOURCE 700	/* nftw */

#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "cmd.h"
#include "httpd.h"
#include "log.h"
#include "package.h"
#include "proc.h"
#include "runtime.h"
#include "serve.h"

#define TAIL_BYTES	4096
/* How often, in ms, the main loop checks for a signal. */
#define SERVE_TICK_MS	100
/* How long, in ms, stopping waits for the answers in flight. */
#define SERVE_DRAIN_MS	2000

static const struct cmd_opt serve_opts[] = {
	{ "port", 'p', "PORT", "listen on PORT (default 9001; 0: any)" },
	{ "host", 0, "ADDR", "listen on ADDR (default 127.0.0.1)" },
	{ "concurrency", 0, "N", "run up to N bootstraps per function" },
	{ "watch", 0, NULL, "reload a function when its artifact changes" },
	{ "no-build", 0, NULL, "skip the functions' build commands" },
	{ "build-timeout", 0, "SECONDS",
	    "stop a build command after SECONDS (default 600)" },
	{ "pass-credentials", 0, NULL, "give the functions our AWS keys" },
	{ NULL, 0, NULL, NULL },
};

/* One function served: its code and its pool of warm bootstraps. */
struct slot {
	const struct manifest_fn	*fn;
	struct rt_config		 rc;
	char				*root;	/* unpacked task root */
	long				 gen;	/* bumped by each reload */
	time_t				 mtime;	/* newest in the artifact */
	char				**old_roots;	/* until exit */
	size_t				 nold;
	struct rt_function		**idle;
	long				*idle_gen;
	size_t				 nidle;
	size_t				 running;	/* started, idle or busy */
	size_t				 max;		/* --concurrency */
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
};

/* An Event invocation waiting for the queue worker. */
struct event {
	struct slot	*slot;
	struct buf	 payload;
	struct event	*next;
};

struct server {
	struct cmd_ctx		*ctx;
	const struct cmd_args	*args;
	struct slot		*slots;
	size_t			 nslots;
	char			**names;	/* the slots' functions */
	const char		*region;
	char			*outdir;
	pthread_mutex_t		 log_mu;	/* one invocation's log at a time */
	pthread_mutex_t		 q_mu;
	pthread_cond_t		 q_cv;
	struct event		*q_head;
	struct event		**q_tail;
	int			 stopping;
};

/* Takes an idle instance running the current code, or starts one. */
static struct rt_function *
acquire(struct slot *s, long *gen, struct lc_err *err)
{
	struct rt_function *f = NULL;
	struct timespec ts;
	int sig;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (f == NULL && s->nidle > 0) {
			s->nidle--;
			if (s->idle_gen[s->nidle] == s->gen)
				f = s->idle[s->nidle];
			else {
				rt_stop(s->idle[s->nidle]);	/* old code */
				s->running--;
			}
		}
		if (f != NULL || s->running < s->max)
			break;
		if ((sig = proc_interrupted()) != 0) {
			pthread_mutex_unlock(&s->mu);
			lc_error(err, 128 + sig, "interrupted by %s while "
			    "waiting for a free instance", proc_signame(sig));
			return NULL;
		}
		/* Timed: a signal is seen within SERVE_TICK_MS. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += SERVE_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	*gen = s->gen;
	if (f != NULL) {
		pthread_mutex_unlock(&s->mu);
		return f;
	}
	s->running++;
	pthread_mutex_unlock(&s->mu);
	if (rt_start(&f, &s->rc, err) == -1) {
		pthread_mutex_lock(&s->mu);
		s->running--;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		return NULL;
	}
	return f;
}

/* Gives an instance back (or stops it when the code changed meanwhile). */
static void
release(struct slot *s, struct rt_function *f, long gen)
{
	pthread_mutex_lock(&s->mu);
	if (gen == s->gen) {
		s->idle[s->nidle] = f;
		s->idle_gen[s->nidle++] = gen;
	} else {
		rt_stop(f);
		s->running--;
	}
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* Runs one invocation on a pooled instance and prints its log. */
static int
run(struct server *sv, struct slot *s, const struct buf *payload,
    const char *client_context, struct rt_result *res, struct lc_err *err)
{
	struct rt_function *f;
	long gen;
	int r;

	if ((f = acquire(s, &gen, err)) == NULL)
		return -1;
	r = rt_invoke(f, payload->data, payload->len, client_context, res, err);
	release(s, f, gen);
	if (r == 0) {
		pthread_mutex_lock(&sv->log_mu);
		fputs(res->log.data, stderr);
		fflush(stderr);
		pthread_mutex_unlock(&sv->log_mu);
	}
	return r;
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
	size_t n = log->len - off;
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out,
	    (const unsigned char *)log->data + off, (int)n);
	return out;
}

/* Queues an Event invocation for the worker; the caller answers 202. */
static void
enqueue(struct server *sv, struct slot *s, const struct buf *payload)
{
	struct event *e = xcalloc(1, sizeof *e);

	e->slot = s;
	buf_init(&e->payload);
	buf_add(&e->payload, payload->data, payload->len);
	pthread_mutex_lock(&sv->q_mu);
	*sv->q_tail = e;
	sv->q_tail = &e->next;
	pthread_cond_signal(&sv->q_cv);
	pthread_mutex_unlock(&sv->q_mu);
}

/* Runs queued Event invocations one after another until stopping. */
static void *
event_worker(void *arg)
{
	struct server *sv = arg;
	struct rt_result res;
	struct lc_err err;
	struct event *e;

	for (;;) {
		pthread_mutex_lock(&sv->q_mu);
		while (sv->q_head == NULL && !sv->stopping)
			pthread_cond_wait(&sv->q_cv, &sv->q_mu);
		if ((e = sv->q_head) == NULL) {
			pthread_mutex_unlock(&sv->q_mu);
			return NULL;
		}
		sv->q_head = e->next;
		if (sv->q_head == NULL)
			sv->q_tail = &sv->q_head;
		pthread_mutex_unlock(&sv->q_mu);
		if (proc_interrupted() != 0) {
			log_warn("%s: stopping: a queued Event invocation is "
			    "dropped", e->slot->fn->name);
			buf_release(&e->payload);
			free(e);
			continue;
		}
		memset(&res, 0, sizeof res);
		if (run(sv, e->slot, &e->payload, NULL, &res, &err) == -1)
			log_warn("%s: %s", e->slot->fn->name, err.msg);
		rt_result_release(&res);
		buf_release(&e->payload);
		free(e);
	}
}

static int
on_request(void *arg, const struct httpd_request *hr, struct httpd_reply *rp)
{
	struct server *sv = arg;
	struct serve_request sr;
	struct serve_route route;
	struct rt_result res;
	struct lc_err err;
	struct slot *s;
	struct buf payload = BUF_INIT;
	char *tail64 = NULL;
	int r;

	memset(&sr, 0, sizeof sr);
	sr.method = hr->method;
	sr.url = hr->url;
	sr.invocation_type = httpd_header(hr, "X-Amz-Invocation-Type");
	sr.log_type = httpd_header(hr, "X-Amz-Log-Type");
	sr.body = hr->body;
	sr.body_len = hr->len;
	sr.too_large = hr->too_large;
	serve_route(&sr, (const char *const *)sv->names, sv->nslots,
	    sv->region, &route);
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
	s = &sv->slots[route.fn];
	buf_add(&payload, hr->body, hr->len);
	if (payload.len == 0)
		buf_adds(&payload, "{}");
	if (route.action == SERVE_EVENT) {
		enqueue(sv, s, &payload);
		buf_release(&payload);
		rp->status = 202;
		reply_headers(rp, NULL, NULL, NULL, NULL);
		return 0;
	}
	memset(&res, 0, sizeof res);
	buf_init(&res.payload);
	buf_init(&res.log);
	r = run(sv, s, &payload, httpd_header(hr, "X-Amz-Client-Context"),
	    &res, &err);
	buf_release(&payload);
	if (r == -1) {
		rt_result_release(&res);
		if (err.status < 128)
			return reply_error(rp, 500, "ServiceException",
			    err.msg);
		/* Stopping: say what was cut short, here and to the client. */
		log_warn("%s: %s", s->fn->name, err.msg);
		return reply_error(rp, 503, "ServiceException", "lambdactl "
		    "serve is stopping: the invocation was interrupted");
	}
	if (route.tail)
		tail64 = log_tail64(&res.log);
	buf_add(&rp->body, res.payload.data, res.payload.len);
	reply_headers(rp, NULL, res.outcome == RT_FUNCTION_ERROR ?
	    res.function_error : NULL, res.request_id, tail64);
	free(tail64);
	rt_result_release(&res);
	return 0;
}

static time_t newest;

static int
newest_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path;
	(void)flag;
	(void)f;
	if (st->st_mtime > newest)
		newest = st->st_mtime;
	return 0;
}

/* The newest modification time in the artifact (a file or a tree). */
static time_t
artifact_mtime(const struct server *sv, const struct manifest_fn *fn)
{
	char *p = fn->artifact[0] == '/' ? xstrdup(fn->artifact) :
	    xasprintf("%s/%s", sv->ctx->manifest.dir, fn->artifact);

	newest = 0;
	nftw(p, newest_cb, 16, FTW_PHYS);
	free(p);
	return newest;
}

/* Packages and unpacks fn's artifact into *root. */
static int
load_code(struct server *sv, struct slot *s, char **root, struct lc_err *err)
{
	struct package_result pkg;
	int r;

	if (package_build(s->fn, sv->ctx->manifest.dir, sv->outdir, &pkg,
	    err) == -1)
		return lc_error_prefix(err, "%s", s->fn->name);
	r = rt_unpack(pkg.path, root, err);
	package_result_release(&pkg);
	return r == -1 ? lc_error_prefix(err, "%s", s->fn->name) : 0;
}

/* --watch: repackages a function whose artifact changed; new invocations
 * get the new code, instances running the old one are retired. */
static void
reload_changed(struct server *sv)
{
	struct lc_err err;
	struct slot *s;
	char *root, *old;
	time_t t;
	size_t i;

	for (i = 0; i < sv->nslots; i++) {
		s = &sv->slots[i];
		if ((t = artifact_mtime(sv, s->fn)) == s->mtime)
			continue;
		s->mtime = t;
		if (load_code(sv, s, &root, &err) == -1) {
			log_warn("%s", err.msg);
			continue;
		}
		pthread_mutex_lock(&s->mu);
		old = s->root;
		s->root = root;
		s->rc.task_root = root;
		s->gen++;
		pthread_mutex_unlock(&s->mu);
		/* A busy instance may still read the old tree: it goes at
		 * exit, with the others. */
		s->old_roots = xrealloc(s->old_roots, (s->nold + 1) *
		    sizeof *s->old_roots);
		s->old_roots[s->nold++] = old;
		fprintf(stderr, "lambdactl: %s: reloaded\n", s->fn->name);
	}
}

static int
serve_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct manifest_fn **fns = NULL;
	struct package_builds builds = { 0 };
	struct server sv;
	struct httpd_opts ho;
	struct httpd *d = NULL;
	const char *host = cmd_get(a, "host"), *extra[3];
	char *env[3] = { 0 };
	pthread_t worker;
	sigset_t sigs;
	long port, conc;
	size_t i, j, n = 0, nextra = 0;
	int sig, status = -1, worker_up = 0;
	struct timespec tick = { 0, SERVE_TICK_MS * 1000000L };
	unsigned long ticks;

	/* The first SIGINT/SIGTERM stops us, also during the builds. */
	proc_catch_signals(1);
	memset(&sv, 0, sizeof sv);
	sv.ctx = ctx;
	sv.args = a;
	pthread_mutex_init(&sv.log_mu, NULL);
	pthread_mutex_init(&sv.q_mu, NULL);
	pthread_cond_init(&sv.q_cv, NULL);
	sv.q_tail = &sv.q_head;
	if (cmd_number(a, "port", 9001, 0, 65535, NULL, &port,
	    &ctx->err) == -1 || cmd_number(a, "concurrency", 1, 1, 64, NULL,
	    &conc, &ctx->err) == -1 || cmd_number(a, "build-timeout", 0, 1,
	    86400, "seconds", &builds.timeout_s, &ctx->err) == -1)
		goto out;
	memset(&ho, 0, sizeof ho);
	ho.addr.sin_family = AF_INET;
	ho.addr.sin_port = htons((unsigned short)port);
	ho.max_body = SERVE_MAX_PAYLOAD;
	ho.idle_timeout = 1000;
	if (inet_pton(AF_INET, host != NULL ? host : "127.0.0.1",
	    &ho.addr.sin_addr) != 1) {
		lc_error(&ctx->err, LC_EUSAGE, "option '--host' wants an IPv4 "
		    "address, not '%s'", host);
		goto out;
	}
	if (cmd_select_functions(ctx, a, &fns, &n, &ctx->err) == -1)
		goto out;
	/* Named: each must run here.  Not named: those that can. */
	for (i = 0, j = 0; i < n; i++) {
		if (manifest_is_provided(fns[i]->runtime)) {
			fns[j++] = fns[i];
			continue;
		}
		if (a->argc > 0) {
			lc_error(&ctx->err, LC_ECONFIG, "%s: serve runs custom "
			    "runtimes (provided.*) with a bootstrap, not '%s'",
			    fns[i]->name, fns[i]->runtime);
			goto out;
		}
		log_warn("%s: not served: runtime '%s' runs only in Lambda",
		    fns[i]->name, fns[i]->runtime);
	}
	if ((n = j) == 0) {
		lc_error(&ctx->err, LC_ECONFIG, "no function of '%s' uses a "
		    "custom runtime (provided.*): nothing to serve",
		    ctx->manifest.path);
		goto out;
	}
	if (cmd_has(a, "pass-credentials")) {
		if (cmd_prepare_aws(ctx, 1) == -1)
			goto out;
		nextra = cmd_credentials_env(ctx, env);
		for (i = 0; i < nextra; i++)
			extra[i] = env[i];
	}
	sv.outdir = xasprintf("%s/.lambdactl", ctx->manifest.dir);
	sv.slots = xcalloc(n, sizeof *sv.slots);
	sv.names = xcalloc(n, sizeof *sv.names);
	sv.nslots = n;
	for (i = 0; i < n; i++) {
		struct slot *s = &sv.slots[i];

		s->fn = fns[i];
		sv.names[i] = fns[i]->name;
		s->max = (size_t)conc;
		s->idle = xcalloc(s->max, sizeof *s->idle);
		s->idle_gen = xcalloc(s->max, sizeof *s->idle_gen);
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
		s->rc.name = fns[i]->name;
		s->rc.handler = fns[i]->handler;
		s->rc.memory = fns[i]->memory;
		s->rc.timeout = fns[i]->timeout;
		s->rc.region = cmd_local_region(ctx, fns[i]);
		s->rc.env = fns[i]->env;
		s->rc.nenv = fns[i]->nenv;
		s->rc.extra_env = extra;
		s->rc.nextra = nextra;
		if (!cmd_has(a, "no-build") && package_builds_run(&builds,
		    fns[i], ctx->manifest.dir, cmd_announce_build, &ctx->err) == -1) {
			lc_error_prefix(&ctx->err, "%s", fns[i]->name);
			goto out;
		}
		s->mtime = artifact_mtime(&sv, fns[i]);
		if (load_code(&sv, s, &s->root, &ctx->err) == -1)
			goto out;
		s->rc.task_root = s->root;
	}
	sv.region = sv.slots[0].rc.region;
	if ((sig = proc_interrupted()) != 0) {
		lc_error(&ctx->err, 128 + sig, "interrupted by %s while "
		    "starting", proc_signame(sig));
		goto out;
	}

	/*
	 * Signals go to this thread's handler (proc.h), not to the server's
	 * threads, which inherit the mask blocked here.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (pthread_create(&worker, NULL, event_worker, &sv) != 0)
		die("cannot start a thread");
	worker_up = 1;
	if (httpd_start(&d, &ho, on_request, &sv, &ctx->err) == -1)
		goto out;
	fprintf(stderr, "lambdactl: serving");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", fns[i]->name);
	fprintf(stderr, " on http://%s:%u\n", host != NULL ? host :
	    "127.0.0.1", httpd_port(d));
	printf("http://%s:%u\n", host != NULL ? host : "127.0.0.1",
	    httpd_port(d));
	fflush(stdout);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	for (ticks = 1; (sig = proc_interrupted()) == 0; ticks++) {
		nanosleep(&tick, NULL);		/* a signal cuts it short */
		if (ticks % (1000 / SERVE_TICK_MS) == 0 &&
		    cmd_has(a, "watch"))
			reload_changed(&sv);
	}
	/*
	 * Stopping: running invocations see the signal within 100 ms and
	 * answer 503; a second signal exits at once (proc.h).
	 */
	fprintf(stderr, "lambdactl: %s: stopping\n", proc_signame(sig));
	status = LC_OK;
out:
	if (d != NULL) {
		/*
		 * No new connections; invocations in flight and queued see
		 * the signal and give up, and their clients get the answer
		 * before the connections close.
		 */
		httpd_quiesce(d);
		if (proc_interrupted() == 0)
			proc_interrupt(SIGTERM);
		for (i = 0; i < SERVE_DRAIN_MS / SERVE_TICK_MS; i++) {
			if (httpd_active(d) == 0)
				break;
			nanosleep(&tick, NULL);
		}
		httpd_stop(d);
	}
	if (worker_up) {
		pthread_mutex_lock(&sv.q_mu);
		sv.stopping = 1;
		pthread_cond_signal(&sv.q_cv);
		pthread_mutex_unlock(&sv.q_mu);
		pthread_join(worker, NULL);
	}
	for (i = 0; i < sv.nslots; i++) {
		struct slot *s = &sv.slots[i];

		while (s->nidle > 0)
			rt_stop(s->idle[--s->nidle]);
		free(s->idle);
		free(s->idle_gen);
		if (s->root != NULL) {
			rt_remove_tree(s->root);
			free(s->root);
		}
		while (s->nold > 0) {
			rt_remove_tree(s->old_roots[--s->nold]);
			free(s->old_roots[s->nold]);
		}
		free(s->old_roots);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
	}
	/* What bootstraps left behind outside their process groups. */
	proc_kill_strays();
	for (i = 0; i < 3; i++)
		free_secret(env[i]);
	free(sv.names);
	free(sv.slots);
	free(sv.outdir);
	free(fns);
	package_builds_release(&builds);
	return status;
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.summary = "Serve the Invoke API on loopback, running bootstraps here",
	.usage = "[--port PORT] [--concurrency N] [--watch] [FUNCTION...]",
	.opts = serve_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_NEEDS_MANIFEST,
	.exec = serve_exec,
};
