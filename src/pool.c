/* pool.c - one function's warm local instances: see pool.h. */
#define _XOPEN_SOURCE 700	/* nftw */

#include <sys/stat.h>
#include <sys/types.h>

#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "package.h"
#include "pool.h"
#include "proc.h"
#include "unzip.h"
#include "xmalloc.h"

/* How often, in ms, a wait for a free instance checks for a signal. */
#define POOL_TICK_MS	100

const struct pool_ops pool_rt_ops = { rt_start, rt_invoke, rt_stop };

void
pool_init(struct pool *p, const struct manifest_fn *fn,
    const struct pool_env *env, size_t max, const struct pool_ops *ops)
{
	memset(p, 0, sizeof *p);
	p->fn = fn;
	p->ops = ops != NULL ? ops : &pool_rt_ops;
	p->max = max;
	p->idle = xcalloc(max, sizeof *p->idle);
	p->idle_gen = xcalloc(max, sizeof *p->idle_gen);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->rc.name = fn->name;
	p->rc.handler = fn->handler;
	p->rc.runtime = fn->runtime;
	p->rc.memory = fn->memory;
	p->rc.timeout = fn->timeout;
	p->rc.region = env->region;
	p->rc.env = fn->env;
	p->rc.nenv = fn->nenv;
	p->rc.extra_env = env->extra;
	p->rc.nextra = env->nextra;
}

/*
 * nftw passes no argument to its callback: the walk's result is per
 * thread, so walks on two threads at once do not mix (nftw calls back on
 * the thread that called it, and never into a second walk of ours).
 */
static _Thread_local struct timespec newest;

static int
newest_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path;
	(void)flag;
	(void)f;
	if (st->st_mtim.tv_sec > newest.tv_sec ||
	    (st->st_mtim.tv_sec == newest.tv_sec &&
	    st->st_mtim.tv_nsec > newest.tv_nsec))
		newest = st->st_mtim;
	return 0;
}

/* The newest modification time in fn's artifact (a file or a tree). */
static struct timespec
artifact_mtime(const struct manifest_fn *fn, const char *dir)
{
	char *path = fn->artifact[0] == '/' ? xstrdup(fn->artifact) :
	    xasprintf("%s/%s", dir, fn->artifact);

	memset(&newest, 0, sizeof newest);
	nftw(path, newest_cb, 16, FTW_PHYS);
	free(path);
	return newest;
}

/*
 * fn's artifact (relative to dir) packaged into dir/.lambdactl as
 * 'package' does and unpacked into a new task root *root.
 */
static int
unpack_code(const struct manifest_fn *fn, const char *dir, char **root,
    struct lc_err *err)
{
	struct package_result pkg;
	char *outdir = xasprintf("%s/.lambdactl", dir);
	int r;

	r = package_build(fn, dir, outdir, &pkg, err);
	free(outdir);
	if (r == -1)
		return lc_error_prefix(err, "%s", fn->name);
	r = unzip_extract(pkg.path, root, err);
	package_result_release(&pkg);
	return r == -1 ? lc_error_prefix(err, "%s", fn->name) : 0;
}

int
pool_load(struct pool *p, const char *dir, struct build_set *builds,
    void (*announce)(void *, const struct manifest_fn *), void *arg,
    struct lc_err *err)
{
	if (builds != NULL && build_set_run(builds, p->fn, dir, announce, arg,
	    err) == -1)
		return lc_error_prefix(err, "%s", p->fn->name);
	/* After the build, which writes the artifact. */
	p->mtime = artifact_mtime(p->fn, dir);
	if (unpack_code(p->fn, dir, &p->root, err) == -1)
		return -1;
	p->rc.task_root = p->root;
	return 0;
}

int
pool_reload(struct pool *p, const char *dir, struct lc_err *err)
{
	struct timespec t = artifact_mtime(p->fn, dir);
	char *root, *old;

	if (t.tv_sec == p->mtime.tv_sec && t.tv_nsec == p->mtime.tv_nsec)
		return 0;
	/* A broken change is tried again only once it changes again. */
	p->mtime = t;
	if (unpack_code(p->fn, dir, &root, err) == -1)
		return -1;
	pthread_mutex_lock(&p->mu);
	old = p->root;
	p->root = root;
	p->rc.task_root = root;
	p->gen++;
	pthread_mutex_unlock(&p->mu);
	/* A busy instance may still read the old tree: it goes at exit. */
	p->old_roots = xrealloc(p->old_roots, (p->nold + 1) *
	    sizeof *p->old_roots);
	p->old_roots[p->nold++] = old;
	return 1;
}

/* Waits on p->cv (held) for up to POOL_TICK_MS, so a signal is seen. */
static void
tick_wait(struct pool *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += POOL_TICK_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&p->cv, &p->mu, &ts);
}

/* Takes an idle instance running the current code, or starts one. */
static struct rt_function *
take(struct pool *p, long *gen, struct lc_err *err)
{
	struct rt_function *f = NULL;
	struct rt_config rc;
	int sig;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (f == NULL && p->nidle > 0) {
			p->nidle--;
			if (p->idle_gen[p->nidle] == p->gen)
				f = p->idle[p->nidle];
			else {
				p->ops->stop(p->idle[p->nidle]);  /* old code */
				p->running--;
			}
		}
		if (f != NULL || p->running < p->max)
			break;
		if ((sig = proc_interrupted()) != 0) {
			pthread_mutex_unlock(&p->mu);
			lc_error(err, 128 + sig, "interrupted by %s while "
			    "waiting for a free instance", proc_signame(sig));
			return NULL;
		}
		tick_wait(p);
	}
	*gen = p->gen;
	if (f != NULL) {
		pthread_mutex_unlock(&p->mu);
		return f;
	}
	p->running++;
	rc = p->rc;	/* this gen's task root, whatever a reload does */
	pthread_mutex_unlock(&p->mu);
	if (p->ops->start(&f, &rc, err) == -1) {
		pthread_mutex_lock(&p->mu);
		p->running--;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		return NULL;
	}
	return f;
}

/* Gives an instance back (or stops it when the code changed meanwhile). */
static void
give_back(struct pool *p, struct rt_function *f, long gen)
{
	pthread_mutex_lock(&p->mu);
	if (gen == p->gen) {
		p->idle[p->nidle] = f;
		p->idle_gen[p->nidle++] = gen;
	} else {
		p->ops->stop(f);
		p->running--;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int
pool_invoke(struct pool *p, const void *payload, size_t len,
    const char *client_context, struct rt_result *res, struct lc_err *err)
{
	struct rt_function *f;
	long gen;
	int r;

	memset(res, 0, sizeof *res);
	buf_init(&res->payload);
	buf_init(&res->log);
	if ((f = take(p, &gen, err)) == NULL)
		return -1;
	r = p->ops->invoke(f, payload, len, client_context, res, err);
	give_back(p, f, gen);
	return r;
}

void
pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->nidle > 0) {
		p->ops->stop(p->idle[--p->nidle]);
		p->running--;
	}
	pthread_mutex_unlock(&p->mu);
}

void
pool_release(struct pool *p)
{
	if (p->fn == NULL)
		return;		/* never initialised */
	pool_stop(p);
	free(p->idle);
	free(p->idle_gen);
	if (p->root != NULL) {
		unzip_remove_tree(p->root);
		free(p->root);
	}
	while (p->nold > 0) {
		unzip_remove_tree(p->old_roots[--p->nold]);
		free(p->old_roots[p->nold]);
	}
	free(p->old_roots);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	memset(p, 0, sizeof *p);
}
