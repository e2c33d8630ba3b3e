/* cachedir.c - where lambdactl caches: see cachedir.h. */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cachedir.h"
#include "xmalloc.h"

/* The candidates for DIR, in order: NULL where one does not apply. */
static void
candidates(char *base[LC_CACHE_ROOTS])
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *tmp = getenv("TMPDIR");

	base[0] = x != NULL && *x == '/' ? xstrdup(x) : NULL;
	base[1] = home != NULL && *home == '/' ?
	    xasprintf("%s/.cache", home) : NULL;
	base[2] = xasprintf("%s/lambdactl-%lu", tmp != NULL && *tmp == '/' ?
	    tmp : "/tmp", (unsigned long)getuid());
}

/* mkdir, 0700, where a directory already there is fine. */
static int
make_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return -1;
}

/* The TMPDIR fallback: ours alone, or refused (*why). */
static int
private_dir(const char *path, const char **why)
{
	struct stat st;

	*why = NULL;
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	if (lstat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode))
		*why = "not a directory";
	else if (st.st_uid != getuid())
		*why = "owned by another user";
	else if ((st.st_mode & 077) != 0)
		*why = "open to other users (mode not 0700)";
	return *why == NULL ? 0 : -1;
}

int
lc_cache_dir(const char *sub, char **dir, struct lc_err *err)
{
	char *base[LC_CACHE_ROOTS], *top = NULL, *path = NULL;
	const char *why = NULL;
	int i, r = -1, e = 0;

	candidates(base);
	for (i = 0; i < LC_CACHE_ROOTS && r == -1; i++) {
		if (base[i] == NULL)
			continue;
		free(top);
		free(path);
		top = xasprintf("%s/lambdactl", base[i]);
		path = xasprintf("%s/%s", top, sub);
		if (i < 2 ? make_dir(base[i]) == -1 :
		    private_dir(base[i], &why) == -1)
			e = errno;
		else if (make_dir(top) == -1 || make_dir(path) == -1 ||
		    access(path, W_OK | X_OK) == -1)
			e = errno;
		else
			r = 0;
	}
	if (r == 0)
		*dir = xstrdup(path);
	else if (why != NULL)
		lc_error(err, LC_ECONFIG, "refusing cache directory '%s': %s",
		    base[LC_CACHE_ROOTS - 1], why);
	else
		lc_error(err, LC_ECONFIG, "no usable cache directory (set HOME "
		    "or XDG_CACHE_HOME): cannot make '%s': %s", path,
		    strerror(e));
	for (i = 0; i < LC_CACHE_ROOTS; i++)
		free(base[i]);
	free(top);
	free(path);
	return r;
}

size_t
lc_cache_roots(struct lc_cache_id ids[LC_CACHE_ROOTS])
{
	char *base[LC_CACHE_ROOTS], *top;
	struct stat st;
	size_t i, n = 0;

	candidates(base);
	for (i = 0; i < LC_CACHE_ROOTS; i++) {
		if (base[i] == NULL)
			continue;
		top = xasprintf("%s/lambdactl", base[i]);
		if (stat(top, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !lc_cache_is_root(ids, n, &st)) {
			ids[n].dev = st.st_dev;
			ids[n++].ino = st.st_ino;
		}
		free(top);
		free(base[i]);
	}
	return n;
}

int
lc_cache_is_root(const struct lc_cache_id *ids, size_t n,
    const struct stat *st)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i].dev == st->st_dev && ids[i].ino == st->st_ino)
			return 1;
	return 0;
}
