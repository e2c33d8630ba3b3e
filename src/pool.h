/*
 * pool.h - one function's warm local instances, for serve.c (serve and
 * invoke --local): its code, built, packaged and unpacked into a task
 * root as 'package' would ship it; the rt_config it runs with; and up to
 * max bootstraps (runtime.h), started on demand and reused while warm.
 *
 * Task roots are cached, read-only (no write bits, as Lambda's /var/task),
 * under lc_cache_dir("tasks") (cachedir.h) by a key: the SHA-256 of the
 * artifact as stat sees it (each entry's path, mode, size, times, inode; a
 * directory's path and mode; a symlinked artifact directory followed;
 * dir/.lambdactl and the caches left out) and the runtime.  A key found
 * there is used without packaging once its tree is checked against the
 * listing recorded when it was made (root can write into it) and its racy
 * files (struct pool_look) read the same; else it is made anew.  The 8
 * most recently used are kept, and any a pool holds (flock, shared;
 * pruning takes it exclusive, and a lookup never waits for that).
 *
 * --watch swaps the code (pool_reload): new invocations get the new task
 * root, instances still running the old code are retired when they come
 * back, and an old tree is let go of once no instance of its code is left
 * (a busy one may still read it).
 */
#ifndef LC_POOL_H
#define LC_POOL_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "build.h"
#include "err.h"
#include "manifest.h"
#include "runtime.h"
#include "sha256.h"

/* How instances run: the local runtime (pool_rt_ops), or a fake in tests. */
struct pool_ops {
	int	(*start)(struct rt_function **f, const struct rt_config *cfg,
		    struct lc_err *err);
	int	(*invoke)(struct rt_function *f, const struct rt_request *rq,
		    struct rt_result *res, struct lc_err *err);
	void	(*stop)(struct rt_function *f);
};

extern const struct pool_ops pool_rt_ops;

/*
 * A task root: entry is the cache's directory KEY (locked shared by lock),
 * holding the read-only tree task and, beside it, "files": the digest of
 * the tree's listing when made (paths, modes, sizes, times), checked when
 * it is used again.  A private one (priv) is no cache entry: removed at
 * pool_release.
 */
struct pool_root {
	char	*task;
	char	*entry;
	int	 lock;
	int	 priv;
	long	 gen;	/* the pool's gen it serves */
	size_t	 live;	/* instances started on it, not yet stopped */
};

/*
 * What a look at a function's artifact found: its key (pool.c), and the
 * regular files whose mtime or ctime was within POOL_RACY seconds of the
 * look (a same-size rewrite in the same timestamp tick keeps the key:
 * git's racy index), with the digest of their content then, read again
 * before a tree made from them is trusted.
 */
#define POOL_RACY	2
struct pool_look {
	char	 key[SHA256_HEX_LEN + 1];
	char	**racy;
	size_t	 nracy;
	char	 racy_hex[SHA256_HEX_LEN + 1];
};

struct pool {
	const struct manifest_fn	*fn;
	const struct pool_ops		*ops;
	struct rt_config		 rc;	/* task_root: root.task */
	struct pool_root		 root;
	long				 gen;	/* bumped by each reload */
	struct pool_look		 look;	/* the last, for --watch */
	struct pool_root		*old;	/* while instances use them */
	size_t				 nold;
	struct rt_function		**idle;
	long				*idle_gen;	/* the gen each runs */
	size_t				 nidle;
	size_t				 running;	/* started: idle or busy */
	size_t				 max;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
};

/*
 * What a function's instances run with besides its manifest entry: the
 * region (AWS_REGION) and more "NAME=value" entries (--pass-credentials),
 * both the caller's and kept for the pool's life.
 */
struct pool_env {
	const char		*region;
	const char *const	*extra;
	size_t			 nextra;
};

/*
 * Sets p up for fn (kept, not copied) with up to max instances, run by
 * ops (NULL: pool_rt_ops): the one place a function's rt_config is made.
 * No code yet: pool_load.
 */
void pool_init(struct pool *p, const struct manifest_fn *fn,
    const struct pool_env *env, size_t max, const struct pool_ops *ops);

/*
 * Runs fn's build command through builds (NULL: none; announce, which may
 * be NULL, is called with arg just before it runs), then takes the cached
 * task root of the artifact (relative to dir) or packages it (into
 * dir/.lambdactl) and unpacks it into the cache.  Errors are prefixed with
 * the function's name.
 */
int pool_load(struct pool *p, const char *dir, struct build_set *builds,
    void (*announce)(void *, const struct manifest_fn *), void *arg,
    struct lc_err *err);

/*
 * --watch: when the artifact's key changed since the last look (or a file
 * then racy now reads otherwise), packages and unpacks it anew and swaps
 * it in.  Returns 1 when
 * it did, 0 when nothing changed, -1 with err (prefixed with the name)
 * when the new code could not be loaded: the old code stays.  Not to be
 * called from two threads at once.
 */
int pool_reload(struct pool *p, const char *dir, struct lc_err *err);

/*
 * Runs one invocation on an idle instance running the current code, or on
 * a new one when fewer than max run, else waits for one (a signal,
 * proc_interrupted, ends the wait: 128 + the signal).  res is always
 * initialised (rt_result_release it); returns what ops->invoke returns, or
 * -1 with err when no instance could be started.
 */
int pool_invoke(struct pool *p, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err);

/* Stops every idle instance (at exit, when none is busy any more). */
void pool_stop(struct pool *p);
/* pool_stop, then lets go of the task roots (cached) and frees p's. */
void pool_release(struct pool *p);

#endif
