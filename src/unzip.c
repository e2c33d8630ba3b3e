/*
 * unzip.c - zips from outside (see unzip.h): the limit and the link rule,
 * inflating with the real bytes counted, a jar's normalised entries,
 * extracting a package into a task root.
 */
/* nftw(3) and its FTW_* flags are XSI. */
#define _XOPEN_SOURCE 700

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <zip.h>

#include "buf.h"
#include "err.h"
#include "unzip.h"
#include "xmalloc.h"

#define UNZIP_CHUNK	(64 * 1024)
/* Bytes of an entry kept to rewrite it (pom.properties), at most. */
#define UNZIP_KEEP_MAX	(64 * 1024)
/*
 * Bytes of rewritten entries held until the zip is written, at most: an
 * uberjar's pom.properties are a few KB in all; past that (a hostile jar)
 * the rest are copied as they are, which stays deterministic.
 */
#define UNZIP_KEEP_TOTAL	(4 * 1024 * 1024)
/* Bytes of a symlink's target, at most (Linux's PATH_MAX). */
#define UNZIP_MAX_LINK	4096
/* Symlinks followed while resolving one, at most (Linux's MAXSYMLINKS). */
#define UNZIP_MAX_HOPS	40

uint64_t unzip_limit = UNZIP_LIMIT;

int
unzip_code_error(struct lc_err *err, int status, int code, const char *what,
    const char *path)
{
	zip_error_t ze;

	zip_error_init_with_code(&ze, code);
	lc_error(err, status, "%s '%s': %s", what, path,
	    zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return -1;
}

/* Whether a zip entry's name is relative and has no ".." component. */
static int
entry_name_ok(const char *name)
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

/* The error for a zip over unzip_limit; returns -1. */
static int
over_limit(struct lc_err *err, const char *label)
{
	return lc_error(err, LC_ECONFIG, "zip '%s' unzips to more than "
	    "Lambda's %llu MB limit", label,
	    (unsigned long long)(unzip_limit / (1024 * 1024)));
}

int
unzip_link_inside(const char *dir, size_t dirlen, const char *target)
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

int
unzip_inflate(zip_t *za, uint64_t idx, const char *label,
    uint64_t *total, unzip_sink_fn *sink, void *arg, struct lc_err *err)
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
	chunk = xmalloc(UNZIP_CHUNK);
	while ((n = zip_fread(zf, chunk, UNZIP_CHUNK)) > 0) {
		got += (uint64_t)n;
		*total += (uint64_t)n;
		if (got > zs.size) {
			lc_error(err, LC_ECONFIG, "zip '%s': entry '%s' unzips "
			    "to more than the %llu bytes it declares", label,
			    zs.name, (unsigned long long)zs.size);
			goto out;
		}
		if (*total > unzip_limit) {
			over_limit(err, label);
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

/* ---- normalising ---- */

static int
zentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unzip_entry *)a)->name,
	    ((const struct unzip_entry *)b)->name);
}

/* A sink keeping at most UNZIP_KEEP_MAX bytes in a buf (arg). */
static int
keep_sink(void *arg, const char *data, size_t len, struct lc_err *err)
{
	struct buf *b = arg;

	(void)err;
	if (b->len <= UNZIP_KEEP_MAX)
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
 * The normalised mode of an entry of the zip: a directory (name ending
 * in '/') 0755, a Unix symlink 0777, a file 0755 if its Unix mode has an
 * execute bit and 0644 otherwise (zips made elsewhere have no Unix mode);
 * the root "bootstrap" of a provided.* runtime is always 0755.
 */
static uint32_t
zentry_mode(const struct unzip_norm *z, const struct unzip_entry *e)
{
	zip_uint8_t opsys;
	zip_uint32_t attr, mode = 0;

	if (e->name[strlen(e->name) - 1] == '/')
		return S_IFDIR | 0755;
	if (zip_file_get_external_attributes(z->za, e->idx, 0, &opsys,
	    &attr) == 0 && opsys == ZIP_OPSYS_UNIX)
		mode = attr >> 16;
	if (S_ISLNK(mode))
		return S_IFLNK | 0777;
	if (z->provided && strcmp(e->name, "bootstrap") == 0)
		return S_IFREG | 0755;
	return S_IFREG | ((mode & 0111) ? 0755 : 0644);
}

/*
 * Inflates entry e, counting its real bytes (unzip_inflate); keeps
 * a symlink's target, checked to stay inside the root as written (see
 * zlink_resolve for chains), and rewrites a pom.properties that carries
 * a build date.
 */
static int
zentry_scan(struct unzip_norm *z, struct unzip_entry *e, struct lc_err *err)
{
	struct buf b = BUF_INIT, out = BUF_INIT;
	const char *slash;
	int keep, rv = -1;

	keep = S_ISLNK(e->mode) || (!z->signed_jar &&
	    z->kept < UNZIP_KEEP_TOTAL && is_pom_properties(e->name));
	if (unzip_inflate(z->za, e->idx, z->label, &z->unzipped,
	    keep ? keep_sink : NULL, &b, err) == -1)
		goto out;
	if (S_ISLNK(e->mode)) {
		if (b.len == 0 || b.len > UNZIP_MAX_LINK ||
		    memchr(b.data, '\0', b.len) != NULL) {
			lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' has "
			    "no usable target", z->label, e->name);
			goto out;
		}
		slash = strrchr(e->name, '/');
		if (!unzip_link_inside(e->name, slash != NULL ?
		    (size_t)(slash - e->name) : 0, b.data)) {
			lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' "
			    "points outside the root ('%s')", z->label,
			    e->name, b.data);
			goto out;
		}
		e->target = buf_detach(&b, NULL);
	} else if (keep && b.len <= UNZIP_KEEP_MAX &&
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
zlower(const struct unzip_norm *z, const char *key)
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
zlookup(const struct unzip_norm *z, const char *p,
    const struct unzip_entry **link)
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
 * the way (at most UNZIP_MAX_HOPS, as Linux's 40).  A chain of links can
 * leave the root when each one's text stays inside ("a" -> "u/..", "u" ->
 * "."), links can make a cycle, and a link to a directory holding it
 * makes a loop for whatever walks the tree following links: all refused.
 * A dangling link is harmless and kept.
 */
static int
zlink_resolve(const struct unzip_norm *z, const struct unzip_entry *e,
    struct lc_err *err)
{
	struct buf cur = BUF_INIT, rest = BUF_INIT, next = BUF_INIT, t;
	const struct unzip_entry *l = NULL;
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
		if (++hops > UNZIP_MAX_HOPS) {
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

int
unzip_norm_open(struct unzip_norm *z, const char *path, const char *label,
    int provided, struct lc_err *err)
{
	zip_stat_t zs;
	zip_int64_t n, i;
	int code;

	memset(z, 0, sizeof *z);
	z->label = label;
	z->provided = provided;
	if ((z->za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code)) ==
	    NULL)
		return unzip_code_error(err, LC_ECONFIG, code,
		    "cannot read zip", label);
	n = zip_get_num_entries(z->za, 0);
	z->v = xcalloc(n > 0 ? (size_t)n : 1, sizeof *z->v);
	for (i = 0; i < n; i++) {
		if (zip_stat_index(z->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW,
		    &zs) == -1 || !(zs.valid & ZIP_STAT_NAME) ||
		    zs.name[0] == '\0')
			return lc_error(err, LC_ECONFIG, "cannot read zip "
			    "'%s': %s", z->label, zip_strerror(z->za));
		if (!entry_name_ok(zs.name))
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
	return 0;
}

int
unzip_norm_scan(struct unzip_norm *z, struct lc_err *err)
{
	size_t i;

	qsort(z->v, z->n, sizeof *z->v, zentry_cmp);
	for (i = 1; i < z->n; i++)
		if (strcmp(z->v[i - 1].name, z->v[i].name) == 0)
			return lc_error(err, LC_ECONFIG, "zip '%s': duplicate "
			    "entry '%s'", z->label, z->v[i].name);
	for (i = 0; i < z->n; i++) {
		z->v[i].mode = zentry_mode(z, &z->v[i]);
		if (zentry_scan(z, &z->v[i], err) == -1)
			return -1;
	}
	for (i = 0; i < z->n; i++)
		if (S_ISLNK(z->v[i].mode) &&
		    zlink_resolve(z, &z->v[i], err) == -1)
			return -1;
	return 0;
}

void
unzip_norm_release(struct unzip_norm *z)
{
	size_t i;

	for (i = 0; i < z->n; i++) {
		free(z->v[i].data);
		free(z->v[i].target);
	}
	free(z->v);
	if (z->za != NULL)
		zip_discard(z->za);
	memset(z, 0, sizeof *z);
}

/* ---- extracting ---- */

/*
 * Opens the directory that holds name under rootfd, creating missing
 * directories (0755) and following no symlink; *base is name's last
 * component (the caller's).  Returns the descriptor, or -1 with errno.
 */
static int
open_parent(int rootfd, const char *name, char **base)
{
	char *copy, *p, *slash;
	size_t n;
	int fd, nfd, e;

	copy = xstrdup(name);
	n = strlen(copy);
	while (n > 0 && copy[n - 1] == '/')
		copy[--n] = '\0';
	if ((fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) == -1)
		goto fail;
	for (p = copy; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		if (*p == '\0' || strcmp(p, ".") == 0)
			continue;
		if (mkdirat(fd, p, 0755) == -1 && errno != EEXIST)
			goto fail;
		if ((nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1)
			goto fail;
		close(fd);
		fd = nfd;
	}
	*base = xstrdup(p);
	free(copy);
	return fd;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	free(copy);
	errno = e;
	return -1;
}

/* A symlink entry's target (at most UNZIP_MAX_LINK bytes); caller frees. */
static char *
read_target(zip_t *za, zip_uint64_t idx)
{
	zip_file_t *zf;
	struct buf b = BUF_INIT;
	char chunk[512];
	zip_int64_t n;

	if ((zf = zip_fopen_index(za, idx, 0)) == NULL)
		return NULL;
	while ((n = zip_fread(zf, chunk, sizeof chunk)) > 0) {
		if (b.len + (size_t)n > UNZIP_MAX_LINK)
			break;
		buf_add(&b, chunk, (size_t)n);
	}
	zip_fclose(zf);
	if (n != 0 || memchr(b.data, '\0', b.len) != NULL) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* One zip being extracted. */
struct unpack {
	zip_t		*za;
	const char	*zip_path;
	int		 rootfd;
	uint64_t	 total;		/* real bytes written so far */
};

/* Where copy_sink writes an entry's bytes. */
struct copy_to {
	int		 fd;
	const char	*name;
};

/* unzip_inflate's sink for unpack_file: writes to a file. */
static int
copy_sink(void *arg, const char *data, size_t len, struct lc_err *err)
{
	struct copy_to *to = arg;

	if (write_all(to->fd, data, len) == -1)
		return lc_error(err, LC_EFAIL, "cannot write '%s': %s",
		    to->name, strerror(errno));
	return 0;
}

/* Makes directory base (entry name) in dirfd: mode's permissions, or 0755. */
static int
unpack_dir(int dirfd, const char *base, const char *name, mode_t mode,
    struct lc_err *err)
{
	mode_t perm = (mode & 0777) != 0 ? (mode & 0777) | 0700 : 0755;
	int fd = -1, rv = 0;

	if (*base == '\0' || strcmp(base, ".") == 0)
		return 0;
	if ((mkdirat(dirfd, base, 0700) == -1 && errno != EEXIST) ||
	    (fd = openat(dirfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fchmod(fd, perm) == -1)
		rv = lc_error(err, LC_EFAIL, "cannot unpack '%s': %s", name,
		    strerror(errno));
	if (fd != -1)
		close(fd);
	return rv;
}

/* Makes symlink base (entry idx, name) in dirfd, if it stays inside. */
static int
unpack_link(const struct unpack *u, zip_uint64_t idx, int dirfd,
    const char *base, const char *name, struct lc_err *err)
{
	const char *slash = strrchr(name, '/');
	char *target;
	int rv = -1;

	if ((target = read_target(u->za, idx)) == NULL || *target == '\0')
		lc_error(err, LC_ECONFIG, "zip '%s': cannot read the target of "
		    "symlink '%s'", u->zip_path, name);
	else if (!unzip_link_inside(name, slash != NULL ?
	    (size_t)(slash - name) : 0, target))
		lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' points "
		    "outside the task root ('%s')", u->zip_path, name, target);
	else if (symlinkat(target, dirfd, base) == -1)
		lc_error(err, LC_EFAIL, "cannot unpack symlink '%s': %s", name,
		    strerror(errno));
	else
		rv = 0;
	free(target);
	return rv;
}

/*
 * Writes file base (entry idx, name) in dirfd, a new file (a duplicate
 * entry is refused): mode's permissions, or 0644.
 */
static int
unpack_file(struct unpack *u, zip_uint64_t idx, int dirfd, const char *base,
    const char *name, mode_t mode, struct lc_err *err)
{
	struct copy_to to;
	int fd, rv = -1;

	if ((fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		return lc_error(err, errno == EEXIST ? LC_ECONFIG : LC_EFAIL,
		    "cannot unpack '%s': %s", name, errno == EEXIST ?
		    "duplicate entry in the zip" : strerror(errno));
	to.fd = fd;
	to.name = name;
	if (unzip_inflate(u->za, idx, u->zip_path, &u->total, copy_sink, &to,
	    err) == 0) {
		if (fchmod(fd, (mode & 0777) != 0 ? mode & 0777 : 0644) == -1)
			lc_error(err, LC_EFAIL, "cannot unpack '%s': %s", name,
			    strerror(errno));
		else
			rv = 0;
	}
	close(fd);
	return rv;
}

/*
 * Unpacks entry idx: directories and files on pass 0, symlinks on pass
 * 1, so that no file is ever written through one.  The real bytes
 * written are counted against unzip_limit.
 */
static int
unpack_entry(struct unpack *u, zip_uint64_t idx, int pass,
    struct lc_err *err)
{
	zip_stat_t zs;
	zip_uint8_t opsys;
	zip_uint32_t attr;
	mode_t mode = 0;
	const char *name;
	char *base = NULL;
	int dirfd, is_dir, is_link, rv;

	if (zip_stat_index(u->za, idx, 0, &zs) == -1 ||
	    !(zs.valid & ZIP_STAT_NAME))
		return lc_error(err, LC_ECONFIG, "cannot read zip '%s': %s",
		    u->zip_path, zip_strerror(u->za));
	name = zs.name;
	if (!entry_name_ok(name))
		return lc_error(err, LC_ECONFIG, "zip '%s': refusing entry "
		    "'%s' (absolute path or '..')", u->zip_path, name);
	if (zip_file_get_external_attributes(u->za, idx, 0, &opsys,
	    &attr) == 0 && opsys == ZIP_OPSYS_UNIX)
		mode = (mode_t)(attr >> 16);
	is_dir = name[strlen(name) - 1] == '/' || S_ISDIR(mode);
	is_link = !is_dir && S_ISLNK(mode);
	if (is_link != (pass == 1))
		return 0;
	if ((dirfd = open_parent(u->rootfd, name, &base)) == -1)
		return lc_error(err, LC_EFAIL, "cannot unpack '%s': %s", name,
		    strerror(errno));
	if (is_dir)
		rv = unpack_dir(dirfd, base, name, mode, err);
	else if (is_link)
		rv = unpack_link(u, idx, dirfd, base, name, err);
	else
		rv = unpack_file(u, idx, dirfd, base, name, mode, err);
	close(dirfd);
	free(base);
	return rv;
}

/*
 * Whether every symlink entry that resolves stays under root once
 * resolved on disk: a chain of links can escape what each one's text
 * does not.
 */
static int
links_inside(zip_t *za, const char *dir, const char *zip_path,
    struct lc_err *err)
{
	zip_int64_t i, n = zip_get_num_entries(za, 0);
	zip_uint8_t opsys;
	zip_uint32_t attr;
	const char *name;
	char *root, *path, *real;
	size_t rlen;
	int rv = 0;

	if ((root = realpath(dir, NULL)) == NULL)
		return lc_error(err, LC_EFAIL, "cannot resolve '%s': %s", dir,
		    strerror(errno));
	rlen = strlen(root);
	for (i = 0; i < n && rv == 0; i++) {
		if (zip_file_get_external_attributes(za, (zip_uint64_t)i, 0,
		    &opsys, &attr) == -1 || opsys != ZIP_OPSYS_UNIX ||
		    !S_ISLNK((mode_t)(attr >> 16)) ||
		    (name = zip_get_name(za, (zip_uint64_t)i, 0)) == NULL)
			continue;
		path = xasprintf("%s/%s", root, name);
		if ((real = realpath(path, NULL)) != NULL &&
		    (strncmp(real, root, rlen) != 0 ||
		    (real[rlen] != '/' && real[rlen] != '\0')))
			rv = lc_error(err, LC_ECONFIG, "zip '%s': symlink '%s' "
			    "points outside the task root", zip_path, name);
		free(real);
		free(path);
	}
	free(root);
	return rv;
}

/* A new private directory under tmp (NULL: TMPDIR) for a task root. */
static char *
task_dir(const char *tmp, struct lc_err *err)
{
	char *dir;

	if (tmp == NULL && ((tmp = getenv("TMPDIR")) == NULL ||
	    *tmp == '\0'))
		tmp = "/tmp";
	dir = xasprintf("%s/lambdactl-task.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		lc_error(err, LC_EFAIL, "cannot create a directory in '%s': %s",
		    tmp, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

int
unzip_extract(const char *zip_path, char **dirp, struct lc_err *err)
{
	return unzip_extract_in(zip_path, NULL, dirp, err);
}

int
unzip_extract_in(const char *zip_path, const char *parent, char **dirp,
    struct lc_err *err)
{
	struct unpack u = { NULL, zip_path, -1, 0 };
	zip_stat_t zs;
	zip_int64_t i, n;
	uint64_t declared = 0;
	char *dir = NULL;
	int code, pass, rv = -1;

	*dirp = NULL;
	if ((u.za = zip_open(zip_path, ZIP_RDONLY, &code)) == NULL)
		return unzip_code_error(err, LC_ECONFIG, code,
		    "cannot read zip", zip_path);
	/* The declared sizes first: no bytes written for an honest giant. */
	n = zip_get_num_entries(u.za, 0);
	for (i = 0; i < n; i++)
		if (zip_stat_index(u.za, (zip_uint64_t)i, 0, &zs) == 0 &&
		    (zs.valid & ZIP_STAT_SIZE))
			declared += zs.size;
	if (declared > unzip_limit) {
		over_limit(err, zip_path);
		goto out;
	}
	if ((dir = task_dir(parent, err)) == NULL)
		goto out;
	if ((u.rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		lc_error(err, LC_EFAIL, "cannot open '%s': %s", dir,
		    strerror(errno));
		goto out;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++)
			if (unpack_entry(&u, (zip_uint64_t)i, pass, err) == -1)
				goto out;
	if (links_inside(u.za, dir, zip_path, err) == -1)
		goto out;
	*dirp = dir;
	dir = NULL;
	rv = 0;
out:
	if (u.rootfd != -1)
		close(u.rootfd);
	if (dir != NULL) {
		unzip_remove_tree(dir);
		free(dir);
	}
	zip_discard(u.za);
	return rv;
}

/* nftw's callback for unzip_remove_tree: removes one file or directory. */
static int
remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
unzip_remove_tree(const char *dir)
{
	if (dir == NULL)
		return;
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
