/*
 * package.c - deterministic deployment zips (libzip) and their CodeSha256
 * (sha256.c), both streamed from and to files: every zip lambdactl writes
 * is written here.  A .jar or .zip artifact is read, checked and its
 * normalised entries worked out by unzip.c; the build step before is
 * build.c's.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "b64.h"
#include "buf.h"
#include "cachedir.h"
#include "err.h"
#include "package.h"
#include "sha256.h"
#include "unzip.h"
#include "xmalloc.h"

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
	struct lc_cache_id caches[LC_CACHE_ROOTS];	/* skipped too */
	size_t		 ncaches;
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
		if (!unzip_link_inside(dir, strlen(dir), target)) {
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
		/* lambdactl's caches (artifact: . with HOME=.): neither. */
		if (lc_cache_is_root(w->caches, w->ncaches, &st))
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

/*
 * Gives entry idx of za the fixed fields: the timestamp, Unix attributes
 * (mode, S_IF* included) and the method (ZIP_CM_DEFLATE at the fixed
 * level, or ZIP_CM_STORE; ZIP_CM_DEFAULT: data copied compressed keeps
 * its own).  Returns -1 with zip_strerror(za).
 */
static int
entry_fix(zip_t *za, zip_int64_t idx, zip_int32_t method, zip_uint32_t mode)
{
	if ((method != ZIP_CM_DEFAULT && zip_set_file_compression(za,
	    (zip_uint64_t)idx, method, method == ZIP_CM_DEFLATE ?
	    PACKAGE_ZIP_LEVEL : 0) == -1) ||
	    zip_file_set_dostime(za, (zip_uint64_t)idx, PACKAGE_DOS_TIME,
	    PACKAGE_DOS_DATE, 0) == -1 ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
	    ZIP_OPSYS_UNIX, mode << 16) == -1)
		return -1;
	return 0;
}

/*
 * Whether deflate would not shrink the file at path (size bytes): at
 * least PACKAGE_STORE_MIN bytes, and its first PACKAGE_STORE_MIN deflate
 * (raw, level 1) to more than 31/32 of them.  A file that cannot be read
 * is deflated (libzip then says why it cannot be added).
 */
static int
incompressible(const char *path, uint64_t size)
{
	unsigned char *in, *out;
	size_t n = 0, bound;
	ssize_t r;
	z_stream z;
	int fd, store = 0;

	if (size < PACKAGE_STORE_MIN ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	in = xmalloc(PACKAGE_STORE_MIN);
	while (n < PACKAGE_STORE_MIN && ((r = read(fd, in + n,
	    PACKAGE_STORE_MIN - n)) > 0 || (r == -1 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	close(fd);
	memset(&z, 0, sizeof z);
	if (n == PACKAGE_STORE_MIN && deflateInit2(&z, 1, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) == Z_OK) {
		bound = deflateBound(&z, (uLong)n);
		out = xmalloc(bound);
		z.next_in = in;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) == Z_STREAM_END)
			store = z.total_out > n - n / 32;
		deflateEnd(&z);
		free(out);
	}
	free(in);
	return store;
}

/*
 * Adds one entry to za with the fixed timestamp, method and level, and
 * Unix attributes: deflated, or stored when deflate would not shrink it
 * (incompressible).  A file is read only at zip_close; a symlink's
 * content is its target, which must outlive za.
 */
static int
zip_add_entry(zip_t *za, const struct entry *e, const char *zip_path,
    struct lc_err *err)
{
	zip_source_t *src;
	zip_int64_t idx;
	zip_int32_t method = ZIP_CM_DEFLATE;

	if (e->target != NULL)
		src = zip_source_buffer(za, e->target, e->size, 0);
	else {
		src = zip_source_file(za, e->path, 0, -1);
		if (incompressible(e->path, e->size))
			method = ZIP_CM_STORE;
	}
	if (src == NULL)
		return lc_error(err, LC_EFAIL, "cannot add '%s' to '%s': %s",
		    e->path, zip_path, zip_strerror(za));
	if ((idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_GUESS)) < 0) {
		zip_source_free(src);
		return lc_error(err, LC_EFAIL, "cannot add '%s' to '%s': %s",
		    e->name, zip_path, zip_strerror(za));
	}
	if (entry_fix(za, idx, method, (zip_uint32_t)e->mode) == -1)
		return lc_error(err, LC_EFAIL, "cannot add '%s' to '%s': %s",
		    e->name, zip_path, zip_strerror(za));
	return 0;
}

/* Adds a tree's sorted entries (arg, struct entries) to za. */
static int
tree_add(zip_t *za, const void *arg, const char *zip_path,
    struct lc_err *err)
{
	const struct entries *es = arg;
	size_t i;

	for (i = 0; i < es->n; i++)
		if (zip_add_entry(za, &es->v[i], zip_path, err) == -1)
			return -1;
	return 0;
}

/*
 * Adds the normalised entries of a zip (arg, struct unzip_norm) to za,
 * sorted: compressed data is copied untouched, rewritten entries are
 * deflated anew at the fixed level.  A jar rebuilt from the same classes
 * (lein uberjar stamps every entry with the build time) then gives the
 * same bytes, so deploy can skip it.
 */
static int
norm_add(zip_t *za, const void *arg, const char *zip_path,
    struct lc_err *err)
{
	const struct unzip_norm *nz = arg;
	const struct unzip_entry *e;
	zip_source_t *src;
	zip_int64_t idx;
	size_t i;

	for (i = 0; i < nz->n; i++) {
		e = &nz->v[i];
		if (e->data != NULL)
			src = zip_source_buffer(za, e->data, e->len, 0);
		else
			src = zip_source_zip(za, nz->za, e->idx,
			    ZIP_FL_COMPRESSED, 0, -1);
		if (src == NULL || (idx = zip_file_add(za, e->name, src,
		    ZIP_FL_ENC_RAW)) < 0) {
			zip_source_free(src);
			return lc_error(err, LC_EFAIL, "cannot copy '%s' to "
			    "'%s': %s", e->name, zip_path, zip_strerror(za));
		}
		if (entry_fix(za, idx, e->data != NULL ? ZIP_CM_DEFLATE :
		    ZIP_CM_DEFAULT, e->mode) == -1)
			return lc_error(err, LC_EFAIL, "cannot copy '%s' to "
			    "'%s': %s", e->name, zip_path, zip_strerror(za));
	}
	return 0;
}

/* Adds entries (arg) to za; 0, or -1 with err. */
typedef int zip_add_fn(zip_t *za, const void *arg, const char *zip_path,
    struct lc_err *err);

/*
 * Writes the zip at zip_path, its entries added by add.  libzip writes a
 * temporary file next to it and renames it at zip_close, removing it if
 * anything fails, so that no half-written zip is ever left behind.
 */
static int
zip_write(const char *zip_path, zip_add_fn *add, const void *arg,
    struct lc_err *err)
{
	struct stat st;
	zip_t *za;
	int code;

	if (stat(zip_path, &st) == 0 && !S_ISREG(st.st_mode))
		return lc_error(err, LC_EFAIL, "cannot write '%s': it is %s",
		    zip_path, mode_kind(st.st_mode));
	if ((za = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &code)) ==
	    NULL)
		return unzip_code_error(err, LC_EFAIL, code, "cannot create",
		    zip_path);
	if (add(za, arg, zip_path, err) == -1)
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

/*
 * Refuses (LC_ECONFIG, naming the artifact label and total in MB) a total
 * over unzip_limit; 0 when within it.
 */
static int
package_check_unzipped(const char *label, uint64_t total, struct lc_err *err)
{
	char s[32];

	if (total <= unzip_limit)
		return 0;
	return lc_error(err, LC_ECONFIG, "artifact '%s' unzips to %s MB, over "
	    "Lambda's %llu MB limit", label, mb(s, total),
	    (unsigned long long)(unzip_limit / (1024 * 1024)));
}

int
package_normalise(const char *path, const char *label, int provided,
    const char *zip_path, uint64_t *entries, uint64_t *unzipped,
    struct lc_err *err)
{
	struct unzip_norm nz;
	int rv = -1;

	if (unzip_norm_open(&nz, path, label, provided, err) == 0 &&
	    package_check_unzipped(label, nz.declared, err) == 0 &&
	    unzip_norm_scan(&nz, err) == 0 &&
	    zip_write(zip_path, norm_add, &nz, err) == 0) {
		if (entries != NULL)
			*entries = nz.n;
		if (unzipped != NULL)
			*unzipped = nz.unzipped;
		rv = 0;
	}
	unzip_norm_release(&nz);
	return rv;
}

/* A .jar or .zip: normalised into zip_path (package_normalise). */
static int
package_zip(const struct manifest_fn *fn, const char *path,
    const char *out_dir, const char *zip_path, struct package_result *res,
    struct lc_err *err)
{
	if (mkdir_p(out_dir, err) == -1 ||
	    package_normalise(path, fn->artifact,
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
	w.ncaches = lc_cache_roots(w.caches);
	if (out_dir != NULL && stat(out_dir, &out) == 0 &&
	    stat(path, &st) == 0) {
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

char *
package_artifact_path(const struct manifest_fn *fn, const char *base_dir)
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
 * stat(2)s fn's artifact at path into *st: 0 for a file or a directory,
 * 1 when there is none (err says so), -1 for anything else (err).
 */
static int
artifact_stat(const struct manifest_fn *fn, const char *base_dir,
    const char *path, struct stat *st, struct lc_err *err)
{
	int e;

	if (stat(path, st) == -1) {
		e = errno;
		artifact_error(fn, base_dir, err);
		return e == ENOENT || e == ENOTDIR ? 1 : -1;
	}
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return lc_error(err, LC_ECONFIG, "artifact '%s' is %s, not a "
		    "file or a directory", fn->artifact, mode_kind(st->st_mode));
	return 0;
}

int
package_artifact_check(const struct manifest_fn *fn, const char *base_dir,
    struct stat *st, struct lc_err *err)
{
	struct entries es = { 0 };
	char *path = package_artifact_path(fn, base_dir);
	int rv = artifact_stat(fn, base_dir, path, st, err);

	if (rv == 0 && S_ISDIR(st->st_mode) &&
	    collect_dir(fn, path, NULL, &es, err) == -1)
		rv = -1;
	entries_release(&es);
	free(path);
	return rv;
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
	char *path, *zip_name = NULL, *zip_path = NULL;
	int written = 0, rv = -1;

	memset(res, 0, sizeof *res);
	path = package_artifact_path(fn, base_dir);
	if (artifact_stat(fn, base_dir, path, &st, err) != 0)
		goto out;
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
	} else {
		res->kind = PACKAGE_FILE;
		collect_file(fn, path, &st, &es);
	}
	if (package_check_unzipped(fn->artifact, es.total, err) == -1 ||
	    mkdir_p(out_dir, err) == -1)
		goto out;
	if (zip_write(zip_path, tree_add, &es, err) == -1)
		goto out;
	written = 1;
	res->entries = es.n;
	res->unzipped = es.total;
hash:
	if (package_sha256(zip_path, res->sha256, &res->size, err) == -1)
		goto out;
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

int
package_check_direct(const struct manifest_fn *fn,
    const struct package_result *res, struct lc_err *err)
{
	char s[32];

	if (fn->s3_bucket != NULL || res->size <= PACKAGE_MAX_ZIPPED)
		return 0;
	return lc_error(err, LC_ECONFIG, "function '%s': zip is %s MB "
	    "(%llu bytes), over Lambda's limit of %llu bytes for code sent in "
	    "the request; set 's3_bucket' to deploy it through S3", fn->name,
	    mb(s, res->size), (unsigned long long)res->size,
	    PACKAGE_MAX_ZIPPED);
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

void
package_sha256_hex(const struct package_result *pkg,
    char hex[SHA256_HEX_LEN + 1])
{
	unsigned char *md;
	size_t n;

	md = (unsigned char *)b64_decode(pkg->sha256, strlen(pkg->sha256), &n);
	if (md == NULL || n != SHA256_LEN)
		die("package: CodeSha256 '%s' is not a SHA-256", pkg->sha256);
	sha256_to_hex(md, hex);
	free(md);
}

char *
package_s3_name(const struct manifest_fn *fn)
{
	const char *a = fn->artifact, *end, *start;

	if (a == NULL || *a == '\0')
		return xstrdup(fn->name);
	for (end = a + strlen(a); end > a + 1 && end[-1] == '/'; end--)
		;
	for (start = end; start > a && start[-1] != '/'; start--)
		;
	/* "dist/." or "dir/..": a URL would drop such a segment. */
	if (start == end || (end - start == 1 && start[0] == '.') ||
	    (end - start == 2 && start[0] == '.' && start[1] == '.'))
		return xstrdup(fn->name);
	return xstrndup(start, (size_t)(end - start));
}
