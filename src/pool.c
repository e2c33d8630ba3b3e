/* pool.c - one function's warm local instances: see pool.h. */
#define _XOPEN_SOURCE 700	/* nftw */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cachedir.h"
#include "package.h"
#include "pool.h"
#include "proc.h"
#include "sha256.h"
#include "unzip.h"
#include "xmalloc.h"

/* How often, in ms, a wait for a free instance checks for a signal. */
#define POOL_TICK_MS	100
/* What a cached task root's key hashes first: bumped if the key changes. */
#define TASK_FORMAT	"lambdactl-task-2"
/* Task roots kept in the cache, the most recently used (and any in use). */
#define TASK_KEEP	8
/* Seconds after which a half-made (or half-removed) tree is stale. */
#define TASK_STALE	86400

const struct pool_ops pool_rt_ops = { rt_start, rt_invoke, rt_stop };

void
pool_init(struct pool *p, const struct manifest_fn *fn,
    const struct pool_env *env, size_t max, const struct pool_ops *ops)
{
	memset(p, 0, sizeof *p);
	p->fn = fn;
	p->ops = ops != NULL ? ops : &pool_rt_ops;
	p->max = max;
	p->root.lock = -1;
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
 * nftw passes no argument to its callback: the walk's state is per
 * thread, so walks on two threads at once do not mix (nftw calls back on
 * the thread that called it, and never into a second walk of ours).
 */
struct walk {
	time_t		 racy_after;	/* changed since: read (pool.h) */
	char		**racy;
	size_t		 nracy;
	char		**lines;	/* one per entry, for the key */
	size_t		 n;
	size_t		 skip;		/* the path length of the root */
	/* dir/.lambdactl and the caches: not the code's (the cache of
	 * task roots inside an artifact would nest each tree in the next) */
	struct lc_cache_id caches[LC_CACHE_ROOTS + 1];
	size_t		 ncaches;
	char		**skipped;	/* once seen: what they hold is skipped */
	size_t		 nskipped;
	int		 tree;		/* a task root's listing, not a key */
};
static _Thread_local struct walk walk;

static void
walk_add(char *line)
{
	walk.lines = xrealloc(walk.lines, (walk.n + 1) * sizeof *walk.lines);
	walk.lines[walk.n++] = line;
}

/* A task root's entry, as lstat sees it: what writes into it change. */
static int
tree_cb(const char *path, const struct stat *st)
{
	const char *rel = strlen(path) > walk.skip ? path + walk.skip : "";

	if (S_ISDIR(st->st_mode))
		walk_add(xasprintf("%s\t%o", rel, (unsigned)st->st_mode));
	else
		walk_add(xasprintf("%s\t%o\t%lld\t%lld.%09ld", rel,
		    (unsigned)st->st_mode, (long long)st->st_size,
		    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec));
	return 0;
}

static int
walk_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	size_t len = strlen(path), i, n;

	(void)flag;
	(void)f;
	if (walk.tree)
		return tree_cb(path, st);
	for (i = 0; i < walk.nskipped; i++) {
		n = strlen(walk.skipped[i]);
		if (strncmp(path, walk.skipped[i], n) == 0 && path[n] == '/')
			return 0;
	}
	if (S_ISDIR(st->st_mode) && lc_cache_is_root(walk.caches, walk.ncaches,
	    st)) {
		walk.skipped = xrealloc(walk.skipped, (walk.nskipped + 1) *
		    sizeof *walk.skipped);
		walk.skipped[walk.nskipped++] = xstrdup(path);
		return 0;
	}
	if (S_ISREG(st->st_mode) && (st->st_mtim.tv_sec >= walk.racy_after ||
	    st->st_ctim.tv_sec >= walk.racy_after)) {
		walk.racy = xrealloc(walk.racy, (walk.nracy + 1) *
		    sizeof *walk.racy);
		walk.racy[walk.nracy++] = xstrdup(path);
	}
	walk.lines = xrealloc(walk.lines, (walk.n + 1) * sizeof *walk.lines);
	/* A directory's own times change with its entries, which have
	 * their lines: its path and mode are enough (and creating
	 * dir/.lambdactl in it changes nothing). */
	if (S_ISDIR(st->st_mode)) {
		walk.lines[walk.n++] = xasprintf("%s\t%o", len > walk.skip ?
		    path + walk.skip : "", (unsigned)st->st_mode);
		return 0;
	}
	walk.lines[walk.n++] = xasprintf("%s\t%o\t%lld\t%lld.%09ld\t"
	    "%lld.%09ld\t%llu\t%llu", len > walk.skip ? path + walk.skip : "",
	    (unsigned)st->st_mode, (long long)st->st_size,
	    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	    (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec,
	    (unsigned long long)st->st_ino, (unsigned long long)st->st_dev);
	return 0;
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hashes the walk's lines, sorted, into h, then forgets the walk. */
static void
walk_hash(struct sha256_ctx *h, char hex[SHA256_HEX_LEN + 1])
{
	size_t i;

	if (walk.n > 0)
		qsort(walk.lines, walk.n, sizeof *walk.lines, line_cmp);
	for (i = 0; i < walk.n; i++) {
		sha256_update(h, walk.lines[i], strlen(walk.lines[i]) + 1);
		free(walk.lines[i]);
	}
	sha256_final_hex(h, hex);
	free(walk.lines);
	while (walk.nskipped > 0)
		free(walk.skipped[--walk.nskipped]);
	free(walk.skipped);
	memset(&walk, 0, sizeof walk);
}

/* The digest of the content of the files at paths (pool.h). */
static void
racy_digest(char *const *paths, size_t n, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[SHA256_LEN];
	struct sha256_ctx h;
	struct lc_err e;
	size_t i;

	sha256_init(&h);
	for (i = 0; i < n; i++) {
		sha256_update(&h, paths[i], strlen(paths[i]) + 1);
		if (sha256_file(paths[i], md, NULL, &e) == 0)
			sha256_update(&h, md, sizeof md);
		else
			sha256_update(&h, "-", 1);
	}
	sha256_final_hex(&h, hex);
}

static void
look_release(struct pool_look *lk)
{
	while (lk->nracy > 0)
		free(lk->racy[--lk->nracy]);
	free(lk->racy);
	memset(lk, 0, sizeof *lk);
}

/*
 * fn's artifact (a file or a tree, relative to dir) as stat sees it: in
 * lk->key, the hex SHA-256 of every entry's path, mode, size, times, inode
 * and device, sorted, with the runtime (which decides how it is
 * packaged): what changes whenever the content may have, found without
 * reading it; and the racy files (pool.h), read.  dir/.lambdactl, where
 * the zips go, and lambdactl's caches (cachedir.h) are left out, as
 * package leaves them out.  -1 with err when there is no artifact.
 */
static int
artifact_look(const struct manifest_fn *fn, const char *dir,
    struct pool_look *lk, struct lc_err *err)
{
	char *path = fn->artifact[0] == '/' ? xstrdup(fn->artifact) :
	    xasprintf("%s/%s", dir, fn->artifact);
	char *out = xasprintf("%s/.lambdactl", dir), *real;
	struct sha256_ctx h;
	struct stat st, o;

	memset(lk, 0, sizeof *lk);
	if (stat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			lc_error(err, LC_ECONFIG, "%s: artifact '%s' not found",
			    fn->name, fn->artifact);
		else
			lc_error(err, LC_ECONFIG, "%s: cannot read artifact "
			    "'%s': %s", fn->name, fn->artifact,
			    strerror(errno));
		free(out);
		free(path);
		return -1;
	}
	memset(&walk, 0, sizeof walk);
	walk.racy_after = time(NULL) - POOL_RACY;
	walk.ncaches = lc_cache_roots(walk.caches);
	if (stat(out, &o) == 0) {
		walk.caches[walk.ncaches].dev = o.st_dev;
		walk.caches[walk.ncaches++].ino = o.st_ino;
	}
	if (!S_ISDIR(st.st_mode)) {
		walk.skip = strlen(path);
		walk_cb(path, &st, FTW_F, NULL);
	} else {
		/* A link to the directory: nftw(FTW_PHYS) would not enter
		 * it, and what it leads to is what gets packaged. */
		if ((real = realpath(path, NULL)) == NULL)
			real = xstrdup(path);
		walk.skip = strlen(real);
		nftw(real, walk_cb, 16, FTW_PHYS);
		free(real);
	}
	lk->racy = walk.racy;
	lk->nracy = walk.nracy;
	sha256_init(&h);
	sha256_update(&h, TASK_FORMAT, strlen(TASK_FORMAT) + 1);
	sha256_update(&h, fn->runtime != NULL ? fn->runtime : "",
	    fn->runtime != NULL ? strlen(fn->runtime) + 1 : 1);
	walk_hash(&h, lk->key);
	if (lk->nracy > 0)
		qsort(lk->racy, lk->nracy, sizeof *lk->racy, line_cmp);
	racy_digest(lk->racy, lk->nracy, lk->racy_hex);
	free(out);
	free(path);
	return 0;
}

/* The digest of a task root's listing (tree_cb), made or found. */
static void
tree_digest(const char *task, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx h;

	memset(&walk, 0, sizeof walk);
	walk.tree = 1;
	walk.skip = strlen(task);
	nftw(task, walk_cb, 16, FTW_PHYS);
	sha256_init(&h);
	walk_hash(&h, hex);
}

/* nftw's callback: a-w on every file and directory (links have none). */
static int
ro_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	if (flag != FTW_SL)
		chmod(path, st->st_mode & 07555);
	return 0;
}

/* ... and u+w on directories again, so that a tree can be removed. */
static int
rw_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	if (flag == FTW_D)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

/* Removes a tree of the cache, read-only as it is. */
static void
remove_cached(const char *path)
{
	nftw(path, rw_cb, 16, FTW_PHYS);
	unzip_remove_tree(path);
}

/*
 * Drops the least recently used task roots past TASK_KEEP, but for those
 * in use (locked shared by a pool, here or in another lambdactl): each
 * goes under a name no lookup finds before it is removed.  What a killed
 * lambdactl left half made or half removed goes after TASK_STALE seconds.
 */
static void
prune(const char *tasks)
{
	struct dirent *de;
	struct stat st;
	struct { char *path; time_t t; } *v = NULL, tmp;
	size_t n = 0, i, j;
	char *gone;
	DIR *d;
	int fd;

	if ((d = opendir(tasks)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != SHA256_HEX_LEN) {
			gone = xasprintf("%s/%s", tasks, de->d_name);
			if ((strncmp(de->d_name, "lambdactl-task.", 15) == 0 ||
			    strstr(de->d_name, ".gone.") != NULL) &&
			    lstat(gone, &st) == 0 && S_ISDIR(st.st_mode) &&
			    st.st_mtime < time(NULL) - TASK_STALE)
				remove_cached(gone);
			free(gone);
			continue;
		}
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n].path = xasprintf("%s/%s", tasks, de->d_name);
		v[n].t = stat(v[n].path, &st) == 0 ? st.st_mtime : 0;
		n++;
	}
	closedir(d);
	for (i = 1; i < n; i++)		/* newest first */
		for (j = i; j > 0 && v[j].t > v[j - 1].t; j--) {
			tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	for (i = 0; i < n; i++) {
		if (i >= TASK_KEEP && (fd = open(v[i].path, O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC)) != -1) {
			gone = xasprintf("%s.gone.%ld", v[i].path,
			    (long)getpid());
			if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
			    rename(v[i].path, gone) == 0)
				remove_cached(gone);
			free(gone);
			close(fd);
		}
		free(v[i].path);
	}
	free(v);
}

/* Gives a cache entry up: renamed where no lookup finds it, removed. */
static void
discard(const char *entry)
{
	char *gone = xasprintf("%s.gone.%ld", entry, (long)getpid());

	if (rename(entry, gone) == 0)
		remove_cached(gone);
	free(gone);
}

/* Whether none of the files at paths is racy any more (pool.h). */
static int
settled(char *const *paths, size_t n)
{
	time_t after = time(NULL) - POOL_RACY;
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++)
		if (stat(paths[i], &st) == 0 && (st.st_mtime >= after ||
		    st.st_ctime >= after))
			return 0;
	return 1;
}

/*
 * Whether the racy files an entry was made from (its file "racy": their
 * digest, then each path, NUL-ended) still read as they did; 1 when it
 * has none (or no more: it goes once they read the same and are settled).
 */
static int
racy_same(const char *entry)
{
	char *path = xasprintf("%s/racy", entry), **v = NULL, *p, *end;
	char hex[SHA256_HEX_LEN + 1];
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n = 0;
	ssize_t got;
	int fd, same;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		free(path);
		return errno == ENOENT;
	}
	while ((got = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, (size_t)got);
	close(fd);
	same = got == 0 && b.len > SHA256_HEX_LEN;
	end = b.data + b.len;
	for (p = b.data + SHA256_HEX_LEN; same && p < end; p += strlen(p) + 1) {
		if (memchr(p, '\0', (size_t)(end - p)) == NULL)
			break;
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = p;
	}
	if (same) {
		racy_digest(v, n, hex);
		same = memcmp(hex, b.data, SHA256_HEX_LEN) == 0;
	}
	/* Read the same and now settled: a rewrite from here on changes
	 * the key, so the files need not be read again. */
	if (same && settled(v, n))
		unlink(path);
	free(v);
	free(path);
	buf_release(&b);
	return same;
}

/*
 * Opens and locks (shared) the cache entry at path; -1 when there is none,
 * when it is being pruned (locked exclusive: never waited for), or when
 * its tree is no longer as made (a write into it, which only root can
 * do), or a file racy when it was made reads otherwise now: then it is
 * discarded unless another lambdactl uses it.
 */
static int
lock_root(const char *path)
{
	char *task = xasprintf("%s/task", path), *files = NULL;
	char want[SHA256_HEX_LEN + 1], have[SHA256_HEX_LEN + 1] = "";
	struct stat a, b;
	int fd, ffd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 || fstat(fd, &a) == -1 ||
	    stat(path, &b) == -1 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev)
		goto fail;
	files = xasprintf("%s/files", path);
	if ((ffd = open(files, O_RDONLY | O_CLOEXEC)) != -1) {
		if (read(ffd, have, SHA256_HEX_LEN) != SHA256_HEX_LEN)
			have[0] = '\0';
		close(ffd);
	}
	tree_digest(task, want);
	if (strcmp(want, have) != 0 || !racy_same(path)) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			discard(path);
		goto fail;
	}
	futimens(fd, NULL);	/* recently used */
	free(files);
	free(task);
	return fd;
fail:
	if (fd != -1)
		close(fd);
	free(files);
	free(task);
	return -1;
}

/* Writes wrap/racy (racy_same) for the racy files of lk. */
static int
write_racy(const char *wrap, const struct pool_look *lk, struct lc_err *err)
{
	char *path = xasprintf("%s/racy", wrap);
	struct buf b = BUF_INIT;
	size_t i;
	int fd, r = 0;

	buf_add(&b, lk->racy_hex, SHA256_HEX_LEN);
	for (i = 0; i < lk->nracy; i++)
		buf_add(&b, lk->racy[i], strlen(lk->racy[i]) + 1);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0400)) == -1 || write(fd, b.data, b.len) != (ssize_t)b.len)
		r = lc_error(err, LC_EFAIL, "cannot write '%s': %s", path,
		    strerror(errno));
	if (fd != -1)
		close(fd);
	buf_release(&b);
	free(path);
	return r;
}

/*
 * Makes a cache entry in a new directory under tasks (*wrap) from the zip
 * at zip: the tree, read-only as Lambda's /var/task is, and its digest.
 */
static int
make_entry(const char *tasks, const char *zip, const struct pool_look *lk,
    char **wrap, struct lc_err *err)
{
	char hex[SHA256_HEX_LEN + 1], *tmp = NULL, *task, *files;
	int fd, r = -1;

	*wrap = xasprintf("%s/lambdactl-task.XXXXXX", tasks);
	if (mkdtemp(*wrap) == NULL) {
		lc_error(err, LC_EFAIL, "cannot make a directory in '%s': %s",
		    tasks, strerror(errno));
		free(*wrap);
		*wrap = NULL;
		return -1;
	}
	task = xasprintf("%s/task", *wrap);
	files = xasprintf("%s/files", *wrap);
	if (unzip_extract_in(zip, *wrap, &tmp, err) == -1)
		goto out;
	if (rename(tmp, task) == -1) {
		lc_error(err, LC_EFAIL, "cannot rename '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	nftw(task, ro_cb, 16, FTW_PHYS);
	tree_digest(task, hex);
	if ((fd = open(files, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0400)) == -1 || write(fd, hex, SHA256_HEX_LEN) != SHA256_HEX_LEN) {
		lc_error(err, LC_EFAIL, "cannot write '%s': %s", files,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	if (lk->nracy > 0 && write_racy(*wrap, lk, err) == -1)
		goto out;
	r = 0;
out:
	if (r == -1) {
		remove_cached(*wrap);
		free(*wrap);
		*wrap = NULL;
	}
	free(tmp);
	free(task);
	free(files);
	return r;
}

/*
 * fn's task root for key (*root): the cached entry when there is one;
 * else fn's artifact (relative to dir) packaged into dir/.lambdactl as
 * 'package' does, made into an entry and renamed into place.  When that
 * cannot be (a tree in use by another lambdactl was written into), the
 * new one is used privately.
 */
static int
unpack_code(const struct manifest_fn *fn, const char *dir,
    const struct pool_look *lk, struct pool_root *root, struct lc_err *err)
{
	struct package_result pkg;
	char *outdir = NULL, *tasks = NULL, *wrap = NULL;
	int r = -1;

	memset(root, 0, sizeof *root);
	root->lock = -1;
	if (lc_cache_dir("tasks", &tasks, err) == -1)
		goto out;
	root->entry = xasprintf("%s/%s", tasks, lk->key);
	if ((root->lock = lock_root(root->entry)) != -1) {
		r = 0;
		goto out;
	}
	outdir = xasprintf("%s/.lambdactl", dir);
	if (package_build(fn, dir, outdir, &pkg, err) == -1)
		goto out;
	r = make_entry(tasks, pkg.path, lk, &wrap, err);
	package_result_release(&pkg);
	if (r == -1)
		goto out;
	/* Another lambdactl may have made the same tree meanwhile. */
	if (rename(wrap, root->entry) == 0 || (root->lock =
	    lock_root(root->entry)) != -1) {
		remove_cached(wrap);	/* gone when renamed */
		if (root->lock == -1 && (root->lock =
		    lock_root(root->entry)) == -1) {
			r = lc_error(err, LC_EFAIL, "cannot use task root "
			    "'%s': %s", root->entry, strerror(errno));
			goto out;
		}
	} else {
		free(root->entry);
		root->entry = wrap;
		wrap = NULL;
		root->priv = 1;
	}
	prune(tasks);
out:
	if (r == 0)
		root->task = xasprintf("%s/task", root->entry);
	else {
		free(root->entry);
		root->entry = NULL;
		lc_error_prefix(err, "%s", fn->name);
	}
	free(wrap);
	free(tasks);
	free(outdir);
	return r;
}

/* Lets go of a task root: unlocked, and removed when private. */
static void
root_release(struct pool_root *root)
{
	if (root->lock != -1)
		close(root->lock);
	if (root->priv)
		remove_cached(root->entry);
	free(root->entry);
	free(root->task);
	memset(root, 0, sizeof *root);
	root->lock = -1;
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
	if (artifact_look(p->fn, dir, &p->look, err) == -1)
		return -1;
	if (unpack_code(p->fn, dir, &p->look, &p->root, err) == -1)
		return -1;
	p->rc.task_root = p->root.task;
	return 0;
}

/*
 * --watch compares keys (whatever the times: cp -p, touch -r and rsync
 * --inplace change a key too), then reads the files racy at the last look.
 */
int
pool_reload(struct pool *p, const char *dir, struct lc_err *err)
{
	struct pool_look lk;
	struct pool_root root, old;
	char hex[SHA256_HEX_LEN + 1];
	int same;

	if (artifact_look(p->fn, dir, &lk, err) == -1) {
		/* Said once: a missing artifact is looked for again. */
		same = p->look.key[0] == '\0';
		look_release(&p->look);
		return same ? 0 : -1;
	}
	racy_digest(p->look.racy, p->look.nracy, hex);
	same = strcmp(lk.key, p->look.key) == 0 &&
	    strcmp(hex, p->look.racy_hex) == 0;
	/* A broken change is tried again only once it changes again. */
	look_release(&p->look);
	p->look = lk;
	if (same)
		return 0;
	if (unpack_code(p->fn, dir, &p->look, &root, err) == -1)
		return -1;
	pthread_mutex_lock(&p->mu);
	old = p->root;
	root.gen = ++p->gen;
	p->root = root;
	p->rc.task_root = root.task;
	/* A busy instance may still read the old tree: kept while one of
	 * its instances lives (idle ones are stopped when next looked at). */
	if (old.live > 0) {
		p->old = xrealloc(p->old, (p->nold + 1) * sizeof *p->old);
		p->old[p->nold++] = old;
	} else
		root_release(&old);
	pthread_mutex_unlock(&p->mu);
	return 1;
}

/*
 * An instance of gen's code stopped (p->mu held): its tree is let go of
 * when it was an old one's last.
 */
static void
stopped(struct pool *p, long gen)
{
	size_t i;

	if (gen == p->root.gen) {
		p->root.live--;
		return;
	}
	for (i = 0; i < p->nold; i++)
		if (p->old[i].gen == gen && --p->old[i].live == 0) {
			root_release(&p->old[i]);
			p->old[i] = p->old[--p->nold];
			return;
		}
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
				stopped(p, p->idle_gen[p->nidle]);
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
	p->root.live++;
	rc = p->rc;	/* this gen's task root, whatever a reload does */
	pthread_mutex_unlock(&p->mu);
	if (p->ops->start(&f, &rc, err) == -1) {
		pthread_mutex_lock(&p->mu);
		p->running--;
		stopped(p, *gen);
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
		stopped(p, gen);
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int
pool_invoke(struct pool *p, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err)
{
	struct rt_function *f;
	long gen;
	int r;

	memset(res, 0, sizeof *res);
	buf_init(&res->payload);
	buf_init(&res->log);
	if ((f = take(p, &gen, err)) == NULL)
		return -1;
	r = p->ops->invoke(f, rq, res, err);
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
		stopped(p, p->idle_gen[p->nidle]);
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
	/* The task roots stay cached: only their locks go. */
	root_release(&p->root);
	while (p->nold > 0)
		root_release(&p->old[--p->nold]);
	free(p->old);
	look_release(&p->look);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	memset(p, 0, sizeof *p);
}
