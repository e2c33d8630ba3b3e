/*
 * package.c - deterministic deployment zips (libzip) and their CodeSha256
 * (sha256.c), both streamed from and to files.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "package.h"
#include "proc.h"
#include "sha256.h"
#include "xmalloc.h"

/* 1980-01-01 00:00, the DOS epoch: the same whatever the time zone. */
#define ZIP_DOS_TIME	0
#define ZIP_DOS_DATE	0x21
#define ZIP_LEVEL	6
#define HASH_CHUNK	(64 * 1024)
/* Bytes of an entry kept to rewrite it (pom.properties), at most. */
#define PACKAGE_KEEP_MAX	(64 * 1024)
/*
 * Bytes of rewritten entries held until the zip is written, at most: an
 * uberjar's pom.properties are a few KB in all; past that (a hostile jar)
 * the rest are copied as they are, which stays deterministic.
 */
#define PACKAGE_KEEP_TOTAL	(4 * 1024 * 1024)
/* Bytes of a symlink's target, at most (Linux's PATH_MAX). */
#define PACKAGE_MAX_LINK	4096
/* Symlinks followed while resolving one, at most (Linux's MAXSYMLINKS). */
#define ZIP_MAX_HOPS	40
/* Descriptors the build command's child marks close-on-exec, at most. */
#define BUILD_MAX_FD	65536
/* How often, in ms, a running build is checked on. */
#define BUILD_POLL_MS	20

uint64_t package_max_unzipped = PACKAGE_MAX_UNZIPPED;

/* One file or symlink of a directory tree. */
struct entry {
	char		*name;		/* relative, '/'-separated */
	char		*path;		/* on disk */
	char		*target;	/* a symlink's target; NULL: a file */
	mode_t		 mode;		/* S_IFREG or S_IFLNK, normalised */
	uint64_t	 size;
};

struct entries {
	struct entry	*v;
	size_t		 n;
	size_t		 cap;
	uint64_t	 total;		/* sum of the sizes */
	size_t		 dir_links;	/* symlinks to directories */
};

/* What the walk of a tree needs besides the entries. */
struct walk {
	const char	*label;		/* the artifact as written */
	const char	*root;		/* its realpath */
	size_t		 root_len;
	int		 have_out;	/* skip the directory out_dev/ino */
	dev_t		 out_dev;
	ino_t		 out_ino;
};

/* A directory met by check_loops: grey while being walked, then black. */
struct dnode {
	dev_t		 dev;
	ino_t		 ino;
	int		 state;		/* 0: free slot, DNODE_* */
};
#define DNODE_GREY	1
#define DNODE_BLACK	2

/* The directories met so far, an open-addressing hash table. */
struct dset {
	struct dnode	*v;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

/*
 * dir/name, without a leading "./" (so that a manifest in the current
 * directory gives paths as the user wrote them) or a doubled '/'; caller
 * frees.
 */
static char *
path_join(const char *dir, const char *name)
{
	size_t n;

	while (dir[0] == '.' && dir[1] == '/') {
		for (dir++; *dir == '/'; dir++)
			continue;
	}
	if (strcmp(dir, ".") == 0)
		dir = "";
	if ((n = strlen(dir)) == 0)
		return xstrdup(name);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (dir[n - 1] == '/')
		return xasprintf("/%s", name);
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

/* Writes bytes as "301.2" (MiB, to the nearest tenth) into s. */
static const char *
mb(char s[32], uint64_t bytes)
{
	uint64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);

	snprintf(s, 32, "%llu.%llu", (unsigned long long)(tenths / 10),
	    (unsigned long long)(tenths % 10));
	return s;
}

/* What kind of file a mode is, for messages. */
static const char *
mode_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a fifo";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISDIR(mode))
		return "a directory";
	return "a special file";
}

/* Whether path ends in ".jar" or ".zip", in any case. */
static int
is_zip_name(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && (strcasecmp(path + n - 4, ".jar") == 0 ||
	    strcasecmp(path + n - 4, ".zip") == 0);
}

/* Creates path and its missing parents, 0755, like mkdir -p. */
static int
mkdir_p(const char *path, struct lc_err *err)
{
	struct stat st;
	char *p, *s;
	char c;
	int rv = -1;

	if (*path == '\0')
		return lc_error(err, LC_EUSAGE, "empty output directory");
	p = xstrdup(path);
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			lc_error(err, LC_EFAIL, "cannot create directory "
			    "'%s': %s", p, strerror(errno));
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) == -1) {
		lc_error(err, LC_EFAIL, "cannot create directory '%s': %s",
		    path, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		lc_error(err, LC_EFAIL, "cannot create directory '%s': %s",
		    path, strerror(ENOTDIR));
		goto out;
	}
	rv = 0;
out:
	free(p);
	return rv;
}

/* The target of the symlink at path (of st_size bytes); caller frees. */
static char *
read_link(const char *path, off_t st_size)
{
	size_t cap = st_size > 0 ? (size_t)st_size + 1 : 256;
	ssize_t n;
	char *s;

	for (;;) {
		s = xmalloc(cap);
		if ((n = readlink(path, s, cap)) == -1) {
			free(s);
			return NULL;
		}
		if ((size_t)n < cap) {
			s[n] = '\0';
			return s;
		}
		free(s);
		cap *= 2;
	}
}

int
package_link_inside(const char *dir, size_t dirlen, const char *target)
{
	const char *p, *e, *end = dir + dirlen;
	size_t len;
	long depth = 0;

	if (*target == '/' || *target == '\0')
		return 0;
	for (p = dir; p < end; p = e + 1) {
		for (e = p; e < end && *e != '/'; e++)
			continue;
		len = (size_t)(e - p);
		if (len > 0 && !(len == 1 && p[0] == '.'))
			depth++;
		if (e == end)
			break;
	}
	for (p = target; *p != '\0'; p = *e == '/' ? e + 1 : e) {
		e = p + strcspn(p, "/");
		len = (size_t)(e - p);
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 0;
		} else
			depth++;
	}
	return 1;
}

/* Adds an entry, taking ownership of name, path and target. */
static void
entries_add(struct entries *es, char *name, char *path, char *target,
    mode_t mode, uint64_t size)
{
	struct entry *e;

	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 64;
		es->v = xrealloc(es->v, es->cap * sizeof *es->v);
	}
	e = &es->v[es->n++];
	e->name = name;
	e->path = path;
	e->target = target;
	e->mode = mode;
	e->size = size;
	es->total += size;
}

static void
entries_release(struct entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++) {
		free(es->v[i].name);
		free(es->v[i].path);
		free(es->v[i].target);
	}
	free(es->v);
	memset(es, 0, sizeof *es);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	    ((const struct entry *)b)->name);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory path but "." and "..", sorted; caller frees. */
static char **
read_names(const char *path, size_t *np, struct lc_err *err)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0, i;

	if ((d = opendir(path)) == NULL) {
		lc_error(err, LC_ECONFIG, "cannot read directory '%s': %s",
		    path, strerror(errno));
		return NULL;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n++] = xstrdup(de->d_name);
	}
	if (errno != 0) {
		lc_error(err, LC_ECONFIG, "cannot read directory '%s': %s",
		    path, strerror(errno));
		closedir(d);
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return NULL;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, str_cmp);
	*np = n;
	return v != NULL ? v : xcalloc(1, sizeof *v);
}

static int walk_dir(struct entries *, const struct walk *, const char *,
    const char *, struct lc_err *);

/* Whether the resolved path real is root or under it. */
static int
path_under(const char *real, const char *root, size_t root_len)
{
	if (root_len == 1 && root[0] == '/')
		return 1;
	return strncmp(real, root, root_len) == 0 &&
	    (real[root_len] == '/' || real[root_len] == '\0');
}

/*
 * Checks a symlink of the tree (path, name in the tree) once resolved on
 * disk: a chain of links can leave the tree when each one's text stays
 * inside, and one that cannot resolve for ELOOP is a loop.  Counts the
 * links to directories, which check_loops then looks at.  A link that
 * does not resolve otherwise (dangling) is kept as it is.
 */
static int
link_resolve(struct entries *es, const struct walk *w, const char *path,
    const char *name, const char *target, struct lc_err *err)
{
	struct stat st;
	char *real;
	int rv = 0;

	if ((real = realpath(path, NULL)) == NULL) {
		if (errno == ELOOP)
			return lc_error(err, LC_ECONFIG, "symlink '%s' makes a "
			    "loop in the artifact directory ('%s')", name,
			    target);
		return 0;
	}
	if (!path_under(real, w->root, w->root_len))
		rv = lc_error(err, LC_ECONFIG, "symlink '%s' points outside "
		    "the artifact directory ('%s')", name, target);
	else if (stat(real, &st) == 0 && S_ISDIR(st.st_mode))
		es->dir_links++;
	free(real);
	return rv;
}

/* The slot of directory dev/ino in s, added (state 0) if missing. */
static struct dnode *
dset_get(struct dset *s, dev_t dev, ino_t ino)
{
	struct dnode *old;
	size_t i, h, oldcap;

	if (2 * (s->n + 1) > s->cap) {
		old = s->v;
		oldcap = s->cap;
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xcalloc(s->cap, sizeof *s->v);
		s->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].state != 0)
				*dset_get(s, old[i].dev, old[i].ino) = old[i];
		free(old);
	}
	h = ((size_t)ino * 0x9e3779b97f4a7c15ULL ^ (size_t)dev) &
	    (s->cap - 1);
	while (s->v[h].state != 0 &&
	    (s->v[h].dev != dev || s->v[h].ino != ino))
		h = (h + 1) & (s->cap - 1);
	if (s->v[h].state == 0) {
		s->v[h].dev = dev;
		s->v[h].ino = ino;
		s->n++;
	}
	return &s->v[h];
}

/*
 * The error for the symlink name in the directory at dir, which leads
 * back to a directory being walked: named by its path in the tree.
 */
static int
loop_error(const struct walk *w, const char *dir, const char *name,
    struct lc_err *err)
{
	char *real, *path, *target;
	const char *rel = "";
	struct stat st;

	real = realpath(dir, NULL);
	if (real != NULL && path_under(real, w->root, w->root_len))
		rel = real + w->root_len + (real[w->root_len] == '/');
	path = path_join(dir, name);
	target = lstat(path, &st) == 0 ? read_link(path, st.st_size) : NULL;
	free(path);
	path = path_join(rel, name);
	lc_error(err, LC_ECONFIG, "symlink '%s' makes a loop in the artifact "
	    "directory ('%s')", path, target != NULL ? target : "?");
	free(path);
	free(target);
	free(real);
	return -1;
}

/*
 * Walks the directory at path following symlinks, depth first: a link
 * leading to a directory still being walked (grey) makes a loop, which
 * tools that follow links (find -L, os.walk(followlinks=True), classpath
 * scanners) would walk forever.  Black directories are done: each is
 * walked once, however many links lead to it.
 */
static int
check_loops(struct dset *s, const struct walk *w, const char *path,
    struct lc_err *err)
{
	struct stat st, lst;
	struct dnode *d;
	char **names, *child;
	size_t n, i;
	int rv = 0;

	if (stat(path, &st) == -1)
		return 0;
	dset_get(s, st.st_dev, st.st_ino)->state = DNODE_GREY;
	if ((names = read_names(path, &n, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (rv == 0) {
			child = path_join(path, names[i]);
			if (lstat(child, &lst) == 0 && (S_ISDIR(lst.st_mode) ||
			    (S_ISLNK(lst.st_mode) && stat(child, &st) == 0 &&
			    S_ISDIR(st.st_mode)))) {
				if (S_ISDIR(lst.st_mode))
					st = lst;
				d = dset_get(s, st.st_dev, st.st_ino);
				if (w->have_out && st.st_dev == w->out_dev &&
				    st.st_ino == w->out_ino)
					;
				else if (d->state == DNODE_GREY)
					rv = loop_error(w, path, names[i], err);
				else if (d->state == 0)
					rv = check_loops(s, w, child, err);
			}
			free(child);
		}
		free(names[i]);
	}
	free(names);
	if (rv == 0 && stat(path, &st) == 0)
		dset_get(s, st.st_dev, st.st_ino)->state = DNODE_BLACK;
	return rv;
}

/*
 * Adds one tree entry found by lstat: a regular file (0755 if any execute
 * bit is set, else 0644), a symlink whose target stays inside the tree
 * (0777), or a directory, walked in turn.  Anything else is an error.
 */
static int
walk_one(struct entries *es, const struct walk *w, const char *dir,
    const char *path, const char *name, struct lc_err *err)
{
	struct stat st;
	char *target;

	if (lstat(path, &st) == -1)
		return lc_error(err, LC_ECONFIG, "cannot read '%s': %s", path,
		    strerror(errno));
	if (S_ISREG(st.st_mode)) {
		entries_add(es, xstrdup(name), xstrdup(path), NULL, S_IFREG |
		    ((st.st_mode & 0111) ? 0755 : 0644), (uint64_t)st.st_size);
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		if ((target = read_link(path, st.st_size)) == NULL)
			return lc_error(err, LC_ECONFIG, "cannot read symlink "
			    "'%s': %s", path, strerror(errno));
		if (!package_link_inside(dir, strlen(dir), target)) {
			lc_error(err, LC_ECONFIG, "symlink '%s' points outside "
			    "the artifact directory ('%s')", name, target);
			free(target);
			return -1;
		}
		if (link_resolve(es, w, path, name, target, err) == -1) {
			free(target);
			return -1;
		}
		entries_add(es, xstrdup(name), xstrdup(path), target,
		    S_IFLNK | 0777, strlen(target));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		/* The output directory inside the tree: not ours to ship. */
		if (w->have_out && st.st_dev == w->out_dev &&
		    st.st_ino == w->out_ino)
			return 0;
		return walk_dir(es, w, path, name, err);
	}
	return lc_error(err, LC_ECONFIG, "'%s' in artifact directory '%s' is "
	    "%s (only files, directories and symlinks can be packaged)",
	    name, w->label, mode_kind(st.st_mode));
}

/* Adds the entries under the directory at path (rel from the root). */
static int
walk_dir(struct entries *es, const struct walk *w, const char *path,
    const char *rel, struct lc_err *err)
{
	char **names, *child, *child_rel;
	size_t n, i;
	int rv = 0;

	if ((names = read_names(path, &n, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (rv == 0) {
			child = path_join(path, names[i]);
			child_rel = path_join(rel, names[i]);
			rv = walk_one(es, w, rel, child, child_rel, err);
			free(child);
			free(child_rel);
		}
		free(names[i]);
	}
	free(names);
	return rv;
}

/* Fills err with libzip's message for code, prefixed by what failed. */
static int
zip_code_error(struct lc_err *err, int status, int code, const char *what,
    const char *path)
{
	zip_error_t ze;

	zip_error_init_with_code(&ze, code);
	lc_error(err, status, "%s '%s': %s", what, path,
	    zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return -1;
}

/*
 * Adds one entry to za with the fixed timestamp, method and level, and
 * Unix attributes.  A file is read only at zip_close; a symlink's content
 * is its target, which must outlive za.
 */
static int
zip_add_entry(zip_t *za, const struct entry *e, const char *zip_path,
    struct lc_err *err)
{
	zip_source_t *src;
	zip_int64_t idx;

	if (e->target != NULL)
		src = zip_source_buffer(za, e->target, e->size, 0);
	else
		src = zip_source_file(za, e->path, 0, -1);
	if (src == NULL)
		return lc_error(err, LC_EFAIL, "cannot add '%s' to '%s': %s",
		    e->path, zip_path, zip_strerror(za));
	if ((idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_GUESS)) < 0) {
		zip_source_free(src);
		return lc_error(err, LC_EFAIL, "cannot add '%s' to '%s': %s",
		    e->name, zip_path, zip_strerror(za));
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE,
	    ZIP_LEVEL) == -1 ||
	    zip_file_set_dostime(za, (zip_uint64_t)idx, ZIP_DOS_TIME,
	    ZIP_DOS_DATE, 0) == -1 ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
	    ZIP_OPSYS_UNIX, (zip_uint32_t)e->mode << 16) == -1)
		return lc_error(err, LC_EFAIL, "cannot add '%s' to '%s': %s",
		    e->name, zip_path, zip_strerror(za));
	return 0;
}

/*
 * Writes the sorted entries to zip_path.  libzip writes a temporary file
 * next to it and renames it at zip_close, removing it if anything fails,
 * so that no half-written zip is ever left behind.
 */
static int
zip_write(const struct entries *es, const char *zip_path,
    struct lc_err *err)
{
	struct stat st;
	zip_t *za;
	size_t i;
	int code;

	if (stat(zip_path, &st) == 0 && !S_ISREG(st.st_mode))
		return lc_error(err, LC_EFAIL, "cannot write '%s': it is %s",
		    zip_path, mode_kind(st.st_mode));
	if ((za = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &code)) ==
	    NULL)
		return zip_code_error(err, LC_EFAIL, code, "cannot create",
		    zip_path);
	for (i = 0; i < es->n; i++)
		if (zip_add_entry(za, &es->v[i], zip_path, err) == -1)
			goto fail;
	if (zip_close(za) == -1) {
		lc_error(err, LC_EFAIL, "cannot write '%s': %s", zip_path,
		    zip_strerror(za));
		goto fail;
	}
	return 0;
fail:
	zip_discard(za);
	return -1;
}

/* Error for a sum of sizes over PACKAGE_MAX_UNZIPPED, or 0. */
static int
check_unzipped(const char *label, uint64_t total, struct lc_err *err)
{
	char s[32];

	if (total <= package_max_unzipped)
		return 0;
	return lc_error(err, LC_ECONFIG, "artifact '%s' unzips to %s MB, over "
	    "Lambda's %llu MB limit", label, mb(s, total),
	    (unsigned long long)(package_max_unzipped / (1024 * 1024)));
}

int
package_entry_name_ok(const char *name)
{
	const char *p, *e;

	if (*name == '\0' || *name == '/')
		return 0;
	for (p = name; *p != '\0'; p = *e == '/' ? e + 1 : e) {
		e = p + strcspn(p, "/");
		if (e - p == 2 && p[0] == '.' && p[1] == '.')
			return 0;
	}
	return 1;
}

int
package_zip_inflate(zip_t *za, uint64_t idx, const char *label,
    uint64_t *total, package_sink_fn *sink, void *arg, struct lc_err *err)
{
	zip_stat_t zs;
	zip_file_t *zf;
	zip_int64_t n;
	uint64_t got = 0;
	char *chunk;
	int rv = -1;

	if (zip_stat_index(za, idx, 0, &zs) == -1 ||
	    (zs.valid & (ZIP_STAT_NAME | ZIP_STAT_SIZE)) !=
	    (ZIP_STAT_NAME | ZIP_STAT_SIZE))
		return lc_error(err, LC_ECONFIG, "cannot read zip '%s': %s",
		    label, zip_strerror(za));
	if ((zf = zip_fopen_index(za, idx, 0)) == NULL)
		return lc_error(err, LC_ECONFIG, "cannot read '%s' from zip "
		    "'%s': %s", zs.name, label, zip_strerror(za));
	chunk = xmalloc(HASH_CHUNK);
	while ((n = zip_fread(zf, chunk, HASH_CHUNK)) > 0) {
		got += (uint64_t)n;
		*total += (uint64_t)n;
		if (got > zs.size) {
			lc_error(err, LC_ECONFIG, "zip '%s': entry '%s' unzips "
			    "to more than the %llu bytes it declares", label,
			    zs.name, (unsigned long long)zs.size);
			goto out;
		}
		if (*total > package_max_unzipped) {
			lc_error(err, LC_ECONFIG, "zip '%s' unzips to more "
			    "than Lambda's %llu MB limit", label,
			    (unsigned long long)(package_max_unzipped /
			    (1024 * 1024)));
			goto out;
		}
		if (sink != NULL && sink(arg, chunk, (size_t)n, err) == -1)
			goto out;
	}
	if (n < 0) {
		lc_error(err, LC_ECONFIG, "cannot read '%s' from zip '%s': %s",
		    zs.name, label, zip_file_strerror(zf));
		goto out;
	}
	if (got != zs.size) {
		lc_error(err, LC_ECONFIG, "zip '%s': entry '%s' unzips to %llu "
		    "bytes, not the %llu it declares", label, zs.name,
		    (unsigned long long)got, (unsigned long long)zs.size);
		goto out;
	}
	rv = 0;
out:
	free(chunk);
	zip_fclose(zf);
	return rv;
}

/* An entry of a zip being normalised. */
struct zentry {
	const char	*name;		/* borrowed from the input zip */
	zip_uint64_t	 idx;
	zip_uint32_t	 mode;		/* normalised, S_IF* included */
	char		*data;		/* rewritten contents, or NULL */
	size_t		 len;
	char		*target;	/* a symlink's target */
};

/* What normalising one zip reads and keeps. */
struct znorm {
	zip_t		*in;
	const char	*label;		/* the artifact as written */
	struct zentry	*v;
	size_t		 n;
	int		 provided;	/* a provided.* runtime */
	int		 signed_jar;	/* a signed jar: rewrite nothing */
	uint64_t	 declared;	/* the sum of the declared sizes */
	uint64_t	 total;		/* real bytes inflated */
	size_t		 kept;		/* bytes of rewritten entries held */
};

static int
zentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zentry *)a)->name,
	    ((const struct zentry *)b)->name);
}

/* A sink keeping at most PACKAGE_KEEP_MAX bytes in a buf (arg). */
static int
keep_sink(void *arg, const char *data, size_t len, struct lc_err *err)
{
	struct buf *b = arg;

	(void)err;
	if (b->len <= PACKAGE_KEEP_MAX)
		buf_add(b, data, len);
	return 0;
}

/* Whether name is a jar signature file, META-INF/NAME.SF. */
static int
is_signature(const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(name, "META-INF/", 9) == 0 && n > 12 &&
	    strchr(name + 9, '/') == NULL &&
	    strcasecmp(name + n - 3, ".SF") == 0;
}

/* Whether name is a Maven META-INF/maven/.../pom.properties. */
static int
is_pom_properties(const char *name)
{
	static const char tail[] = "/pom.properties";
	size_t n = strlen(name);

	return strncmp(name, "META-INF/maven/", 15) == 0 &&
	    n >= 15 + sizeof tail - 1 &&
	    strcmp(name + n - (sizeof tail - 1), tail) == 0;
}

/* Whether s[0..n) is n bytes of class cls (isdigit, isalpha). */
static int
all_of(const char *s, size_t n, int (*cls)(int))
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!cls((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Whether the line s[0..n) (no newline) is the comment that Java's
 * Properties.store writes first, a java.util.Date: "#Mon Nov 30 05:28:22
 * UTC 2026" (the zone may be "GMT+05:30"), optionally ending in CR.
 */
static int
is_date_comment(const char *s, size_t n)
{
	const char *z;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n < 29 || s[0] != '#' || !all_of(s + 1, 3, isalpha) ||
	    s[4] != ' ' || !all_of(s + 5, 3, isalpha) || s[8] != ' ' ||
	    !all_of(s + 9, 2, isdigit) || s[11] != ' ' ||
	    !all_of(s + 12, 2, isdigit) || s[14] != ':' ||
	    !all_of(s + 15, 2, isdigit) || s[17] != ':' ||
	    !all_of(s + 18, 2, isdigit) || s[20] != ' ')
		return 0;
	/* The zone: one word, then " yyyy" ends the line. */
	if (n - 21 < 6 || !all_of(s + n - 4, 4, isdigit) || s[n - 5] != ' ')
		return 0;
	for (z = s + 21; z < s + n - 5; z++)
		if (*z == ' ' || *z == '\t')
			return 0;
	return z > s + 21;
}

/*
 * pom.properties without its date comment lines (lein uberjar and older
 * Maven write the build time there); returns 1 and fills out if one was
 * found, else 0.
 */
static int
strip_date_comments(const char *s, size_t n, struct buf *out)
{
	const char *p = s, *e, *end = s + n;
	size_t len;
	int found = 0;

	while (p < end) {
		e = memchr(p, '\n', (size_t)(end - p));
		len = e != NULL ? (size_t)(e - p) : (size_t)(end - p);
		if (is_date_comment(p, len))
			found = 1;
		else
			buf_add(out, p, e != NULL ? len + 1 : len);
		p += e != NULL ? len + 1 : len;
	}
	return found;
}

/*
 * The normalised mode of an entry of in: a directory (name ending in '/')
 * 0755, a Unix symlink 0777, a file 0755 if its Unix mode has an execute
 * bit and 0644 otherwise (zips made elsewhere have no Unix mode); the
 * root "bootstrap" of a provided.* runtime is always 0755.
 */
static zip_uint32_t
zentry_mode(const struct znorm *z, const struct zentry *e)
{
	zip_uint8_t opsys;
	zip_uint32_t attr, mode = 0;

	if (e->name[strlen(e->name) - 1] == '/')
		return S_IFDIR | 0755;
	if (zip_file_get_external_attributes(z->in, e->idx, 0, &opsys,
	    &attr) == 0 && opsys == ZIP_OPSYS_UNIX)
		mode = attr >> 16;
	if (S_ISLNK(mode))
		return S_IFLNK | 0777;
	if (z->provided && strcmp(e->name, "bootstrap") == 0)
		return S_IFREG | 0755;
	return S_IFREG | ((mode & 0111) ? 0755 : 0644);
}

/*
 * Inflates entry e, counting its real bytes (package_zip_inflate); keeps
 * a symlink's target, checked to stay inside the root as written (see
 * zlink_resolve for chains), and rewrites a pom.properties that carries
 * a build date.
 */
static int
zentry_scan(struct znorm *z, struct zentry *e, struct lc_err *err)
{
	struct buf b = BUF_INIT, out = BUF_INIT;
	const char *slash;
	int keep, rv = -1;

	keep = S_ISLNK(e->mode) || (!z->signed_jar &&
	    z->kept < PACKAGE_KEEP_TOTAL && is_pom_properties(e->name));
	if (package_zip_inflate(z->in, e->idx, z->label, &z->total,
	    keep ? keep_sink : NULL, &b, err) == -1)
		goto out;
	if (S_ISLNK(e->mode)) {
		if (b.len == 0 || b.len > PACKAGE_MAX_LINK ||
		    memchr(b.data, '\0', b.len) != NULL) {
			lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' has "
			    "no usable target", z->label, e->name);
			goto out;
		}
		slash = strrchr(e->name, '/');
		if (!package_link_inside(e->name, slash != NULL ?
		    (size_t)(slash - e->name) : 0, b.data)) {
			lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' "
			    "points outside the root ('%s')", z->label,
			    e->name, b.data);
			goto out;
		}
		e->target = buf_detach(&b, NULL);
	} else if (keep && b.len <= PACKAGE_KEEP_MAX &&
	    strip_date_comments(b.data, b.len, &out)) {
		e->data = buf_detach(&out, &e->len);
		z->kept += e->len;
	}
	rv = 0;
out:
	buf_release(&out);
	buf_release(&b);
	return rv;
}

/* What a path names among a zip's entries. */
enum zkind {
	ZK_NONE,
	ZK_DIR,
	ZK_FILE,
	ZK_LINK,
};

/* The index of the first entry whose name is >= key. */
static size_t
zlower(const struct znorm *z, const char *key)
{
	size_t lo = 0, hi = z->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(z->v[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * What the path p ("" for the root) names among the sorted entries: a
 * file or a symlink (*link gets its entry), a directory ("p/" or any
 * entry under it), or nothing.
 */
static enum zkind
zlookup(const struct znorm *z, const char *p, const struct zentry **link)
{
	enum zkind k = ZK_NONE;
	size_t i, len = strlen(p);
	char *dir;

	if (len == 0)
		return ZK_DIR;
	i = zlower(z, p);
	if (i < z->n && strcmp(z->v[i].name, p) == 0) {
		*link = &z->v[i];
		return S_ISLNK(z->v[i].mode) ? ZK_LINK : ZK_FILE;
	}
	dir = xasprintf("%s/", p);
	i = zlower(z, dir);
	if (i < z->n && strncmp(z->v[i].name, dir, len + 1) == 0)
		k = ZK_DIR;
	free(dir);
	return k;
}

/*
 * Resolves the symlink entry e among the entries as the kernel will once
 * they are unpacked: component by component, following the links met on
 * the way (at most ZIP_MAX_HOPS, as Linux's 40).  A chain of links can
 * leave the root when each one's text stays inside ("a" -> "u/..", "u" ->
 * "."), links can make a cycle, and a link to a directory holding it
 * makes a loop for whatever walks the tree following links: all refused.
 * A dangling link is harmless and kept.
 */
static int
zlink_resolve(const struct znorm *z, const struct zentry *e,
    struct lc_err *err)
{
	struct buf cur = BUF_INIT, rest = BUF_INIT, next = BUF_INIT, t;
	const struct zentry *l = NULL;
	const char *p, *slash;
	enum zkind k = ZK_DIR;
	size_t len, at = 0, dirlen;
	int hops = 0, rv = -1;

	slash = strrchr(e->name, '/');
	dirlen = slash != NULL ? (size_t)(slash - e->name) : 0;
	buf_add(&cur, e->name, dirlen);
	buf_adds(&rest, e->target);
	while (at < rest.len) {
		p = rest.data + at;
		len = strcspn(p, "/");
		at += len + (p[len] == '/');
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (cur.len == 0)
				goto outside;
			slash = strrchr(cur.data, '/');
			buf_truncate(&cur, slash != NULL ?
			    (size_t)(slash - cur.data) : 0);
			k = ZK_DIR;
			continue;
		}
		if (cur.len > 0)
			buf_addch(&cur, '/');
		buf_add(&cur, p, len);
		k = zlookup(z, cur.data, &l);
		if (k == ZK_NONE || (k == ZK_FILE && at < rest.len)) {
			rv = 0;		/* dangling: ENOENT or ENOTDIR */
			goto out;
		}
		if (k != ZK_LINK)
			continue;
		if (++hops > ZIP_MAX_HOPS) {
			lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' "
			    "makes a loop ('%s')", z->label, e->name,
			    e->target);
			goto out;
		}
		if (l->target == NULL || l->target[0] == '/')
			goto outside;
		/* The link's target in its place, then what was left. */
		slash = strrchr(cur.data, '/');
		buf_truncate(&cur, slash != NULL ?
		    (size_t)(slash - cur.data) : 0);
		buf_reset(&next);
		buf_adds(&next, l->target);
		if (at < rest.len) {
			buf_addch(&next, '/');
			buf_add(&next, rest.data + at, rest.len - at);
		}
		t = rest;
		rest = next;
		next = t;
		at = 0;
		k = ZK_DIR;
	}
	if (k == ZK_DIR && cur.len <= dirlen &&
	    strncmp(e->name, cur.data, cur.len) == 0 &&
	    (cur.len == 0 || cur.len == dirlen || e->name[cur.len] == '/')) {
		lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' makes a loop "
		    "('%s')", z->label, e->name, e->target);
		goto out;
	}
	rv = 0;
	goto out;
outside:
	lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' points outside the "
	    "root ('%s')", z->label, e->name, e->target);
out:
	buf_release(&cur);
	buf_release(&rest);
	buf_release(&next);
	return rv;
}

/*
 * Reads the input's directory: every name relative and without "..",
 * the declared sizes within the limit; then sorts the entries and scans
 * each (zentry_scan).
 */
static int
znorm_read(struct znorm *z, struct lc_err *err)
{
	zip_stat_t zs;
	zip_int64_t n, i;

	n = zip_get_num_entries(z->in, 0);
	z->v = xcalloc(n > 0 ? (size_t)n : 1, sizeof *z->v);
	for (i = 0; i < n; i++) {
		if (zip_stat_index(z->in, (zip_uint64_t)i, ZIP_FL_ENC_RAW,
		    &zs) == -1 || !(zs.valid & ZIP_STAT_NAME) ||
		    zs.name[0] == '\0')
			return lc_error(err, LC_ECONFIG, "cannot read zip "
			    "'%s': %s", z->label, zip_strerror(z->in));
		if (!package_entry_name_ok(zs.name))
			return lc_error(err, LC_ECONFIG, "zip '%s': refusing "
			    "entry '%s' (absolute path or '..')", z->label,
			    zs.name);
		z->v[z->n].name = zs.name;
		z->v[z->n].idx = (zip_uint64_t)i;
		z->n++;
		if (zs.valid & ZIP_STAT_SIZE)
			z->declared += zs.size;
		if (is_signature(zs.name))
			z->signed_jar = 1;
	}
	if (check_unzipped(z->label, z->declared, err) == -1)
		return -1;
	qsort(z->v, z->n, sizeof *z->v, zentry_cmp);
	for (i = 1; i < (zip_int64_t)z->n; i++)
		if (strcmp(z->v[i - 1].name, z->v[i].name) == 0)
			return lc_error(err, LC_ECONFIG, "zip '%s': duplicate "
			    "entry '%s'", z->label, z->v[i].name);
	for (i = 0; i < (zip_int64_t)z->n; i++) {
		z->v[i].mode = zentry_mode(z, &z->v[i]);
		if (zentry_scan(z, &z->v[i], err) == -1)
			return -1;
	}
	for (i = 0; i < (zip_int64_t)z->n; i++)
		if (S_ISLNK(z->v[i].mode) &&
		    zlink_resolve(z, &z->v[i], err) == -1)
			return -1;
	return 0;
}

/*
 * Writes the scanned entries to zip_path, sorted, with the fixed
 * timestamp, their normalised modes and no extra fields or comments;
 * compressed data is copied untouched, rewritten entries are deflated
 * anew at the fixed level.  A jar rebuilt from the same classes (lein
 * uberjar stamps every entry with the build time) then gives the same
 * bytes, so deploy can skip it.
 */
static int
znorm_write(const struct znorm *z, const char *zip_path,
    struct lc_err *err)
{
	const struct zentry *e;
	zip_source_t *src;
	zip_int64_t idx;
	zip_t *out;
	size_t i;
	int code;

	if ((out = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &code)) ==
	    NULL)
		return zip_code_error(err, LC_EFAIL, code, "cannot create",
		    zip_path);
	for (i = 0; i < z->n; i++) {
		e = &z->v[i];
		if (e->data != NULL)
			src = zip_source_buffer(out, e->data, e->len, 0);
		else
			src = zip_source_zip(out, z->in, e->idx,
			    ZIP_FL_COMPRESSED, 0, -1);
		if (src == NULL ||
		    (idx = zip_file_add(out, e->name, src,
		    ZIP_FL_ENC_RAW)) < 0) {
			lc_error(err, LC_EFAIL, "cannot copy '%s' to '%s': %s",
			    e->name, zip_path, zip_strerror(out));
			zip_source_free(src);
			goto fail;
		}
		if ((e->data != NULL && zip_set_file_compression(out,
		    (zip_uint64_t)idx, ZIP_CM_DEFLATE, ZIP_LEVEL) == -1) ||
		    zip_file_set_dostime(out, (zip_uint64_t)idx, ZIP_DOS_TIME,
		    ZIP_DOS_DATE, 0) == -1 ||
		    zip_file_set_external_attributes(out, (zip_uint64_t)idx, 0,
		    ZIP_OPSYS_UNIX, e->mode << 16) == -1) {
			lc_error(err, LC_EFAIL, "cannot copy '%s' to '%s': %s",
			    e->name, zip_path, zip_strerror(out));
			goto fail;
		}
	}
	if (zip_close(out) == -1) {
		lc_error(err, LC_EFAIL, "cannot write '%s': %s", zip_path,
		    zip_strerror(out));
		goto fail;
	}
	return 0;
fail:
	zip_discard(out);
	return -1;
}

int
package_normalise_zip(const char *path, const char *label, int provided,
    const char *zip_path, uint64_t *entries, uint64_t *unzipped,
    struct lc_err *err)
{
	struct znorm z;
	size_t i;
	int code, rv = -1;

	memset(&z, 0, sizeof z);
	z.label = label;
	z.provided = provided;
	if ((z.in = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code)) ==
	    NULL)
		return zip_code_error(err, LC_ECONFIG, code,
		    "cannot read zip", label);
	if (znorm_read(&z, err) == -1 ||
	    znorm_write(&z, zip_path, err) == -1)
		goto out;
	if (entries != NULL)
		*entries = z.n;
	if (unzipped != NULL)
		*unzipped = z.total;
	rv = 0;
out:
	for (i = 0; i < z.n; i++) {
		free(z.v[i].data);
		free(z.v[i].target);
	}
	free(z.v);
	zip_discard(z.in);
	return rv;
}

/* A .jar or .zip: normalised into zip_path (package_normalise_zip). */
static int
package_zip(const struct manifest_fn *fn, const char *path,
    const char *out_dir, const char *zip_path, struct package_result *res,
    struct lc_err *err)
{
	if (mkdir_p(out_dir, err) == -1 ||
	    package_normalise_zip(path, fn->artifact,
	    manifest_is_provided(fn->runtime), zip_path, &res->entries,
	    &res->unzipped, err) == -1)
		return -1;
	res->kind = PACKAGE_ZIP;
	return 0;
}

/* The artifact as written without trailing slashes; caller frees. */
static char *
artifact_label(const char *artifact)
{
	size_t n = strlen(artifact);

	while (n > 1 && artifact[n - 1] == '/')
		n--;
	return xstrndup(artifact, n);
}

/*
 * Collects a directory artifact's entries, sorted by path; for provided.*
 * runtimes the root must hold a "bootstrap", stored 0755.
 */
static int
collect_dir(const struct manifest_fn *fn, const char *path,
    const char *out_dir, struct entries *es, struct lc_err *err)
{
	struct walk w;
	struct dset ds = { NULL, 0, 0 };
	struct stat st, out;
	struct entry key = { 0 }, *boot;
	char *label, *root = NULL;
	int rv = -1;

	label = artifact_label(fn->artifact);
	memset(&w, 0, sizeof w);
	w.label = label;
	if ((root = realpath(path, NULL)) == NULL) {
		lc_error(err, LC_ECONFIG, "cannot read artifact directory "
		    "'%s': %s", label, strerror(errno));
		goto out;
	}
	w.root = root;
	w.root_len = strlen(root);
	if (stat(out_dir, &out) == 0 && stat(path, &st) == 0) {
		if (st.st_dev == out.st_dev && st.st_ino == out.st_ino) {
			lc_error(err, LC_EUSAGE, "output directory '%s' is "
			    "the artifact directory '%s'", out_dir, label);
			goto out;
		}
		w.have_out = 1;
		w.out_dev = out.st_dev;
		w.out_ino = out.st_ino;
	}
	if (walk_dir(es, &w, path, "", err) == -1)
		goto out;
	if (es->dir_links > 0 && check_loops(&ds, &w, path, err) == -1)
		goto out;
	if (es->n == 0) {
		lc_error(err, LC_ECONFIG, "artifact directory '%s' is empty",
		    label);
		goto out;
	}
	qsort(es->v, es->n, sizeof *es->v, entry_cmp);
	if (manifest_is_provided(fn->runtime)) {
		key.name = (char *)"bootstrap";
		boot = bsearch(&key, es->v, es->n, sizeof *es->v, entry_cmp);
		if (boot == NULL) {
			lc_error(err, LC_ECONFIG, "artifact directory '%s' has "
			    "no 'bootstrap' at its root (runtime %s needs one)",
			    label, fn->runtime);
			goto out;
		}
		if (S_ISREG(boot->mode))
			boot->mode = S_IFREG | 0755;
	}
	rv = 0;
out:
	free(ds.v);
	free(root);
	free(label);
	return rv;
}

/* The artifact's path: as written if absolute, else under base_dir. */
static char *
artifact_path(const struct manifest_fn *fn, const char *base_dir)
{
	if (fn->artifact[0] == '/' || base_dir == NULL || *base_dir == '\0')
		return xstrdup(fn->artifact);
	return path_join(base_dir, fn->artifact);
}

/* The error for an artifact that stat(2) could not find (errno). */
static int
artifact_error(const struct manifest_fn *fn, const char *base_dir,
    struct lc_err *err)
{
	const char *b = fn->build;

	if (errno != ENOENT && errno != ENOTDIR)
		return lc_error(err, LC_ECONFIG, "cannot read artifact '%s': "
		    "%s", fn->artifact, strerror(errno));
	if (fn->artifact[0] == '/' || base_dir == NULL || *base_dir == '\0')
		return lc_error(err, LC_ECONFIG, "artifact '%s' not found"
		    "%s%s%s", fn->artifact, b ? " (build it with '" : "",
		    b ? b : "", b ? "')" : "");
	return lc_error(err, LC_ECONFIG, "artifact '%s' not found (relative "
	    "to '%s')%s%s%s", fn->artifact, base_dir,
	    b ? "; build it with '" : "", b ? b : "", b ? "'" : "");
}

/*
 * The one entry of a single-file artifact: "bootstrap" 0755 for provided.*
 * runtimes, else its own name and normalised mode.
 */
static void
collect_file(const struct manifest_fn *fn, const char *path,
    const struct stat *st, struct entries *es)
{
	const char *base;

	if (manifest_is_provided(fn->runtime)) {
		entries_add(es, xstrdup("bootstrap"), xstrdup(path), NULL,
		    S_IFREG | 0755, (uint64_t)st->st_size);
		return;
	}
	base = strrchr(path, '/');
	entries_add(es, xstrdup(base != NULL ? base + 1 : path), xstrdup(path),
	    NULL, S_IFREG | ((st->st_mode & 0111) ? 0755 : 0644),
	    (uint64_t)st->st_size);
}

int
package_build(const struct manifest_fn *fn, const char *base_dir,
    const char *out_dir, struct package_result *res, struct lc_err *err)
{
	struct entries es = { 0 };
	struct stat st;
	char *path, *zip_name = NULL, *zip_path = NULL, s[32];
	int written = 0, rv = -1;

	memset(res, 0, sizeof *res);
	path = artifact_path(fn, base_dir);
	if (stat(path, &st) == -1) {
		artifact_error(fn, base_dir, err);
		goto out;
	}
	zip_name = xasprintf("%s.zip", fn->name);
	zip_path = path_join(out_dir, zip_name);
	if (S_ISREG(st.st_mode) && is_zip_name(path)) {
		if (package_zip(fn, path, out_dir, zip_path, res, err) == -1)
			goto out;
		written = 1;
		goto hash;
	}
	if (S_ISDIR(st.st_mode)) {
		res->kind = PACKAGE_DIR;
		if (collect_dir(fn, path, out_dir, &es, err) == -1)
			goto out;
	} else if (S_ISREG(st.st_mode)) {
		res->kind = PACKAGE_FILE;
		collect_file(fn, path, &st, &es);
	} else {
		lc_error(err, LC_ECONFIG, "artifact '%s' is %s, not a file or "
		    "a directory", fn->artifact, mode_kind(st.st_mode));
		goto out;
	}
	if (check_unzipped(fn->artifact, es.total, err) == -1 ||
	    mkdir_p(out_dir, err) == -1)
		goto out;
	if (zip_write(&es, zip_path, err) == -1)
		goto out;
	written = 1;
	res->entries = es.n;
	res->unzipped = es.total;
hash:
	if (package_sha256(zip_path, res->sha256, &res->size, err) == -1)
		goto out;
	if (res->size > PACKAGE_MAX_ZIPPED) {
		lc_error(err, LC_ECONFIG, "zip '%s' is %s MB, over "
		    "Lambda's %llu MB direct-upload limit", zip_path,
		    mb(s, res->size), PACKAGE_MAX_ZIPPED / (1024 * 1024));
		goto out;
	}
	res->path = zip_path;
	zip_path = NULL;
	rv = 0;
out:
	if (rv == -1) {
		if (written)
			unlink(zip_path);
		package_result_release(res);
	}
	entries_release(&es);
	free(zip_path);
	free(zip_name);
	free(path);
	return rv;
}

void
package_result_release(struct package_result *res)
{
	if (res == NULL)
		return;
	free(res->path);
	memset(res, 0, sizeof *res);
}

int
package_sha256(const char *path, char b64[45], uint64_t *size,
    struct lc_err *err)
{
	unsigned char md[SHA256_LEN];

	if (sha256_file(path, md, size, err) == -1)
		return -1;
	sha256_to_b64(md, b64);
	return 0;
}

/*
 * The child of package_run_build: in dir, in a process group of its own,
 * stdin from /dev/null, stdout onto stderr, default SIGPIPE (exec resets
 * our caught SIGINT and SIGTERM), no blocked signals, no inherited
 * descriptors beyond 0-2.  A failure before exec is written as {step,
 * errno} to the close-on-exec pipe fd and exits 127.
 */
static void
build_child(const char *command, const char *dir, int fd)
{
	sigset_t none;
	long max;
	int report[2], i, null;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > BUILD_MAX_FD)
		max = BUILD_MAX_FD;
	for (i = 3; i < max; i++)
		if (i != fd)
			fcntl(i, F_SETFD, FD_CLOEXEC);
	report[0] = 0;
	if (chdir(dir) == -1)
		goto fail;
	report[0] = 1;
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
		goto fail;
	if (null > STDERR_FILENO)
		close(null);
	report[0] = 2;
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
fail:
	report[1] = errno;
	(void)!write(fd, report, sizeof report);
	_exit(127);
}

/*
 * Waits for the build pid until it exits, the deadline (monotonic ms, 0:
 * none) passes or a SIGINT/SIGTERM is caught.  Returns 0 with *status, or
 * the reason to stop it: BUILD_TIMEOUT, the signal, or -1 with errno.
 */
#define BUILD_TIMEOUT	(-2)
static int
build_wait(pid_t pid, double deadline, int *status)
{
	struct timespec nap = { 0, BUILD_POLL_MS * 1000000L };
	pid_t r;
	int sig;

	for (;;) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if ((sig = proc_interrupted()) != 0)
			return sig;
		if (deadline > 0 && clock_ms() >= deadline)
			return BUILD_TIMEOUT;
		nanosleep(&nap, NULL);	/* a signal cuts it short */
	}
}

int
package_run_build(const char *command, const char *dir, long timeout_s,
    struct lc_err *err)
{
	static const char *const steps[] = {
		"cannot change to directory", "cannot redirect stdin or stdout",
		"cannot run /bin/sh"
	};
	struct proc_catch pc;
	int report[2] = { -1, 0 }, pfd[2], status = 0, why, rv = -1;
	ssize_t n;
	pid_t pid;

	/* Its setsid'd or orphaned descendants are reparented to us. */
	proc_subreaper();
	proc_catch_begin(&pc);
	if ((why = proc_interrupted()) != 0) {
		lc_error(err, 128 + why, "build command '%s' not run: "
		    "interrupted by %s", command, proc_signame(why));
		goto out;
	}
	if (pipe(pfd) == -1) {
		lc_error(err, LC_EFAIL, "build command '%s': pipe: %s",
		    command, strerror(errno));
		goto out;
	}
	if (fcntl(pfd[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(pfd[1], F_SETFD, FD_CLOEXEC) == -1) {
		lc_error(err, LC_EFAIL, "build command '%s': fcntl: %s",
		    command, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		lc_error(err, LC_EFAIL, "build command '%s': fork: %s",
		    command, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto out;
	}
	if (pid == 0) {
		close(pfd[0]);
		build_child(command, dir, pfd[1]);
	}
	setpgid(pid, pid);	/* as the child does: whoever runs first */
	proc_live_add(pid);
	close(pfd[1]);
	while ((n = read(pfd[0], report, sizeof report)) == -1 &&
	    errno == EINTR)
		continue;
	close(pfd[0]);
	why = build_wait(pid, timeout_s > 0 ? clock_ms() +
	    (double)timeout_s * 1e3 : 0, &status);
	if (why != 0) {
		/* The group, and whatever left it (setsid, double fork). */
		proc_kill_tree(pid);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
	}
	proc_live_remove(pid);
	if (why != 0)
		proc_kill_strays();
	if (why == -1)
		lc_error(err, LC_EFAIL, "build command '%s': waitpid: %s",
		    command, strerror(errno));
	else if (why == BUILD_TIMEOUT)
		lc_error(err, LC_EFAIL, "build command '%s' timed out after "
		    "%ld s (stopped it and every process it started)", command,
		    timeout_s);
	else if (why != 0)
		lc_error(err, 128 + why, "build command '%s' interrupted by "
		    "%s (stopped it and every process it started)", command,
		    proc_signame(why));
	else if (n == (ssize_t)sizeof report && report[0] >= 0 &&
	    report[0] <= 2)
		lc_error(err, LC_EFAIL, "build command '%s': %s%s%s%s: %s",
		    command, steps[report[0]], report[0] == 0 ? " '" : "",
		    report[0] == 0 ? dir : "", report[0] == 0 ? "'" : "",
		    strerror(report[1]));
	else if (WIFSIGNALED(status))
		lc_error(err, LC_EFAIL, "build command '%s' was killed by "
		    "signal %d", command, WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		lc_error(err, LC_EFAIL, "build command '%s' failed with exit "
		    "status %d", command,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else {
		/* What it left running on purpose (a Gradle daemon) stays. */
		proc_spare_strays();
		rv = 0;
	}
out:
	proc_catch_end(&pc);
	return rv;
}

int
package_builds_run(struct package_builds *b, const struct manifest_fn *fn,
    const char *dir, void (*announce)(const struct manifest_fn *),
    struct lc_err *err)
{
	size_t i;

	if (fn->build == NULL)
		return 0;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->done[i], fn->build) == 0)
			return 0;
	if (announce != NULL)
		announce(fn);
	/* --build-timeout > the function's build_timeout (default 600). */
	if (package_run_build(fn->build, dir, b->timeout_s > 0 ?
	    b->timeout_s : fn->build_timeout, err) == -1)
		return -1;
	b->done = xrealloc(b->done, (b->n + 1) * sizeof *b->done);
	b->done[b->n++] = fn->build;
	return 0;
}

void
package_builds_release(struct package_builds *b)
{
	free(b->done);
	b->done = NULL;
	b->n = 0;
}
