/*
 * test-package.c - deterministic zips, read back both with libzip and by
 * parsing the raw headers; the artifact kinds and their errors, the size
 * limits, CodeSha256 against openssl(1), the build command.  Each case
 * works in its own temporary directory and must not leak descriptors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"
#include "testzip.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "build.h"
#include "err.h"
#include "package.h"
#include "unzip.h"
#include "xmalloc.h"

#define MiB	(1024 * 1024)

/* What one test case works in. */
struct fixture {
	char	dir[64];	/* the temporary directory */
	char	*out;		/* dir/out */
	int	nfds;		/* open descriptors before the test */
};

/* One central directory entry, parsed from the raw bytes. */
struct cd_entry {
	char		name[256];
	unsigned	made_by;
	unsigned	flags;
	unsigned	method;
	unsigned	dos_time;
	unsigned	dos_date;
	unsigned	extra_len;
	unsigned	comment_len;
	uint32_t	ext_attr;
	uint32_t	usize;
	unsigned	local_extra_len;
	unsigned	local_time;
	unsigned	local_date;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	f->nfds = count_fds();
	snprintf(f->dir, sizeof f->dir, "/tmp/test-package.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->out = xasprintf("%s/out", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;
	int rv;

	cmd = xasprintf("rm -rf '%s'", f->dir);
	rv = system(cmd);
	free(cmd);
	free(f->out);
	free(f);
	return rv == 0 ? 0 : -1;
}

/* Asserts that the test left no descriptor open. */
static void
assert_no_fd_leak(const struct fixture *f)
{
	assert_int_equal(count_fds(), f->nfds);
}

/* dir/rel; caller frees. */
static char *
at(const struct fixture *f, const char *rel)
{
	return xasprintf("%s/%s", f->dir, rel);
}

/* Creates dir/rel's parent directories. */
static void
make_parents(const struct fixture *f, const char *rel)
{
	char *p = at(f, rel), *s;

	for (s = p + strlen(f->dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0755) == -1)
			assert_int_equal(errno, EEXIST);
		*s = '/';
	}
	free(p);
}

/* Writes content to dir/rel with the given mode (umask aside). */
static void
put(const struct fixture *f, const char *rel, const char *content,
    mode_t mode)
{
	char *p = at(f, rel);
	FILE *fp;

	make_parents(f, rel);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(content, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static void
put_link(const struct fixture *f, const char *rel, const char *target)
{
	char *p = at(f, rel);

	make_parents(f, rel);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/* Writes n bytes of deterministic, incompressible data to dir/rel. */
static void
put_noise(const struct fixture *f, const char *rel, size_t n, uint64_t seed)
{
	char *p = at(f, rel);
	uint64_t *chunk = xmalloc(MiB), x = seed | 1;
	size_t i, len;
	FILE *fp;

	make_parents(f, rel);
	fp = fopen(p, "w");
	assert_non_null(fp);
	while (n > 0) {
		for (i = 0; i < MiB / sizeof *chunk; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			chunk[i] = x;
		}
		len = n < MiB ? n : MiB;
		assert_int_equal(fwrite(chunk, 1, len, fp), len);
		n -= len;
	}
	assert_int_equal(fclose(fp), 0);
	free(chunk);
	free(p);
}

/* The whole (small) file at path; caller frees. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	s = xmalloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	if (lenp != NULL)
		*lenp = (size_t)n;
	return s;
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * Parses the zip at path by hand: the end record (no comment), each
 * central directory header and its local header.  Returns the count.
 */
static size_t
parse_zip(const char *path, struct cd_entry *v, size_t max)
{
	unsigned char *z, *p, *l;
	size_t len, n, i, namelen;

	z = (unsigned char *)slurp(path, &len);
	assert_true(len >= 22);
	p = z + len - 22;
	assert_int_equal(get32(p), 0x06054b50);
	assert_int_equal(get16(p + 20), 0);		/* no comment */
	n = get16(p + 10);
	assert_true(n <= max);
	p = z + get32(p + 16);
	for (i = 0; i < n; i++) {
		assert_int_equal(get32(p), 0x02014b50);
		v[i].made_by = get16(p + 4);
		v[i].flags = get16(p + 8);
		v[i].method = get16(p + 10);
		v[i].dos_time = get16(p + 12);
		v[i].dos_date = get16(p + 14);
		v[i].usize = get32(p + 24);
		namelen = get16(p + 28);
		v[i].extra_len = get16(p + 30);
		v[i].comment_len = get16(p + 32);
		v[i].ext_attr = get32(p + 38);
		assert_true(namelen < sizeof v[i].name);
		memcpy(v[i].name, p + 46, namelen);
		v[i].name[namelen] = '\0';
		l = z + get32(p + 42);
		assert_int_equal(get32(l), 0x04034b50);
		v[i].local_time = get16(l + 10);
		v[i].local_date = get16(l + 12);
		v[i].local_extra_len = get16(l + 28);
		assert_int_equal(get16(l + 26), namelen);
		assert_memory_equal(l + 30, v[i].name, namelen);
		p += 46 + namelen + v[i].extra_len + v[i].comment_len;
	}
	free(z);
	return n;
}

/*
 * Asserts the zip at path holds exactly the entries names[i] with modes
 * modes[i] (S_IF* included) and contents contents[i], in that order, with
 * the fixed timestamp, no extra fields and a Unix "made by", and deflated
 * if deflate is set.
 */
static void
assert_zip_method(const char *path, size_t n, const char *const *names,
    const unsigned *modes, const char *const *contents, int deflate)
{
	struct cd_entry cd[64];
	zip_t *za;
	zip_stat_t st;
	zip_file_t *zf;
	zip_uint8_t opsys;
	zip_uint32_t attr;
	struct tm tm;
	char buf[4096];
	zip_int64_t got;
	size_t i;
	int code;

	assert_int_equal(parse_zip(path, cd, 64), n);
	for (i = 0; i < n; i++) {
		assert_string_equal(cd[i].name, names[i]);
		assert_int_equal(cd[i].made_by >> 8, 3);	/* Unix */
		assert_int_equal(cd[i].flags & 0x08, 0);  /* no descriptor */
		if (deflate)
			assert_int_equal(cd[i].method, 8);	/* deflate */
		assert_int_equal(cd[i].dos_time, 0);
		assert_int_equal(cd[i].dos_date, 0x21);
		assert_int_equal(cd[i].local_time, 0);
		assert_int_equal(cd[i].local_date, 0x21);
		assert_int_equal(cd[i].extra_len, 0);
		assert_int_equal(cd[i].local_extra_len, 0);
		assert_int_equal(cd[i].comment_len, 0);
		assert_int_equal(cd[i].ext_attr >> 16, modes[i]);
		assert_int_equal(cd[i].usize, strlen(contents[i]));
	}

	/* The same, through libzip. */
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
	assert_non_null(za);
	assert_int_equal(zip_get_num_entries(za, 0), n);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 80;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	for (i = 0; i < n; i++) {
		assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
		assert_string_equal(st.name, names[i]);
		assert_int_equal(st.size, strlen(contents[i]));
		if (deflate)
			assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
		assert_int_equal(st.mtime, mktime(&tm));
		assert_int_equal(zip_file_get_external_attributes(za, i, 0,
		    &opsys, &attr), 0);
		assert_int_equal(opsys, ZIP_OPSYS_UNIX);
		assert_int_equal(attr >> 16, modes[i]);
		assert_int_equal(zip_file_extra_fields_count(za, i,
		    ZIP_FL_LOCAL), 0);
		assert_int_equal(zip_file_extra_fields_count(za, i,
		    ZIP_FL_CENTRAL), 0);
		zf = zip_fopen_index(za, i, 0);
		assert_non_null(zf);
		got = zip_fread(zf, buf, sizeof buf - 1);
		assert_true(got >= 0);
		buf[got] = '\0';
		assert_string_equal(buf, contents[i]);
		zip_fclose(zf);
	}
	zip_discard(za);
}

static void
assert_zip(const char *path, size_t n, const char *const *names,
    const unsigned *modes, const char *const *contents)
{
	assert_zip_method(path, n, names, modes, contents, 1);
}

/* The same, whatever the method: compressed data copied as it was. */
static void
assert_zip_kept(const char *path, size_t n, const char *const *names,
    const unsigned *modes, const char *const *contents)
{
	assert_zip_method(path, n, names, modes, contents, 0);
}

/* A function of the given runtime packaging artifact. */
static struct manifest_fn
fn_for(const char *name, const char *runtime, const char *artifact,
    const char *build)
{
	struct manifest_fn fn;

	memset(&fn, 0, sizeof fn);
	fn.name = (char *)name;
	fn.runtime = (char *)runtime;
	fn.artifact = (char *)artifact;
	fn.build = (char *)build;
	return fn;
}

/* Packages and asserts success, returning the result in res. */
static void
package_ok(const struct fixture *f, const struct manifest_fn *fn,
    const char *out, struct package_result *res)
{
	struct lc_err err = { 0 };
	int rv;

	rv = package_build(fn, f->dir, out, res, &err);
	if (rv != 0)
		fail_msg("package_build: %s", err.msg);
}

/* Packages, asserts failure with message msg and status. */
static void
package_fails(const struct fixture *f, const struct manifest_fn *fn,
    const char *msg, int status)
{
	struct package_result res;
	struct lc_err err = { 0 };

	assert_int_equal(package_build(fn, f->dir, f->out, &res, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, status);
	assert_null(res.path);
}

/* Whether dir holds no entry at all (a missing dir counts as empty). */
static void
assert_dir_empty(const char *dir)
{
	DIR *d;
	struct dirent *de;

	if ((d = opendir(dir)) == NULL) {
		assert_int_equal(errno, ENOENT);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			fail_msg("'%s' left in '%s'", de->d_name, dir);
	closedir(d);
}

/* base64(SHA-256(path)) computed by openssl(1). */
static void
openssl_sha256(const char *path, char b64[45])
{
	char *cmd = xasprintf("openssl dgst -sha256 -binary '%s' | base64",
	    path);
	FILE *fp = popen(cmd, "r");

	assert_non_null(fp);
	assert_non_null(fgets(b64, 45, fp));
	assert_int_equal(pclose(fp), 0);
	b64[strcspn(b64, "\n")] = '\0';
	assert_int_equal(strlen(b64), 44);
	free(cmd);
}

/* A provided.* single file is "bootstrap" 0755, whatever its own mode. */
static void
test_file_bootstrap(void **state)
{
	static const char *const names[] = { "bootstrap" };
	static const unsigned modes[] = { S_IFREG | 0755 };
	static const char *const contents[] = { "#!/bin/sh\necho hi\n" };
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("api", "provided.al2023",
	    "target/lambda/api/server", NULL);
	struct package_result res;
	char *want = xasprintf("%s/api.zip", f->out);
	struct stat st;

	put(f, "target/lambda/api/server", contents[0], 0600);
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.kind, PACKAGE_FILE);
	assert_string_equal(res.path, want);
	assert_int_equal(res.entries, 1);
	assert_int_equal(res.unzipped, strlen(contents[0]));
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(res.size, st.st_size);
	assert_zip(res.path, 1, names, modes, contents);
	package_result_release(&res);
	assert_null(res.path);
	free(want);
	assert_no_fd_leak(f);
}

/* Other runtimes keep the file's name and its mode, normalised. */
static void
test_file_plain(void **state)
{
	static const char *const n1[] = { "handler.py" };
	static const char *const n2[] = { "run.sh" };
	static const unsigned m1[] = { S_IFREG | 0644 };
	static const unsigned m2[] = { S_IFREG | 0755 };
	static const char *const c1[] = { "def handler(e, c):\n    pass\n" };
	static const char *const c2[] = { "#!/bin/sh\n" };
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("py", "python3.12", "src/handler.py",
	    NULL);
	struct package_result res;
	char *out;

	put(f, "src/handler.py", c1[0], 0600);
	put(f, "run.sh", c2[0], 0710);
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.kind, PACKAGE_FILE);
	assert_zip(res.path, 1, n1, m1, c1);
	package_result_release(&res);

	/* An absolute artifact path, and a nested output directory. */
	fn.artifact = at(f, "run.sh");
	out = at(f, "deep/er/out/");
	package_ok(f, &fn, out, &res);
	assert_int_equal(strncmp(res.path, out, strlen(out)), 0);
	assert_string_equal(res.path + strlen(out), "py.zip");
	assert_zip(res.path, 1, n2, m2, c2);
	package_result_release(&res);
	free(fn.artifact);
	free(out);
	assert_no_fd_leak(f);
}

/*
 * A tree: files only, sorted by the whole path in byte order ("a-b/x" <
 * "a.txt" < "a/x"), any execute bit giving 0755, else 0644; empty
 * directories are not stored.
 */
static void
test_dir_tree(void **state)
{
	static const char *const names[] = {
		"B", "a-b/x", "a.txt", "a/x", "bin/tool", "z/y/deep.txt"
	};
	static const unsigned modes[] = {
		S_IFREG | 0644, S_IFREG | 0644, S_IFREG | 0644,
		S_IFREG | 0755, S_IFREG | 0755, S_IFREG | 0644
	};
	static const char *const contents[] = {
		"upper\n", "dash\n", "", "x in a\n", "#!/bin/sh\n", "deep\n"
	};
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist/", NULL);
	struct package_result res;
	char *p;
	uint64_t sum = 0;
	size_t i;

	/* Written in an order unrelated to the expected one. */
	put(f, "dist/z/y/deep.txt", contents[5], 0640);
	put(f, "dist/bin/tool", contents[4], 0700);
	put(f, "dist/a/x", contents[3], 0701);
	put(f, "dist/a.txt", contents[2], 0444);
	put(f, "dist/a-b/x", contents[1], 0666);
	put(f, "dist/B", contents[0], 0600);
	p = at(f, "dist/empty/dir");
	make_parents(f, "dist/empty/dir/");
	free(p);
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.kind, PACKAGE_DIR);
	assert_int_equal(res.entries, 6);
	for (i = 0; i < 6; i++)
		sum += strlen(contents[i]);
	assert_int_equal(res.unzipped, sum);
	assert_zip(res.path, 6, names, modes, contents);
	package_result_release(&res);
	assert_no_fd_leak(f);
}

/* Symlinks that stay inside the tree are stored as symlinks, unfollowed. */
static void
test_dir_symlink_inside(void **state)
{
	static const char *const names[] = {
		"cur", "handler.js", "lib/again", "lib/link.so", "lib/real.so",
		"lib/up"
	};
	static const unsigned modes[] = {
		S_IFLNK | 0777, S_IFREG | 0644, S_IFLNK | 0777,
		S_IFLNK | 0777, S_IFREG | 0755, S_IFLNK | 0777
	};
	static const char *const contents[] = {
		"lib", "exports.handler = 1;\n", "./../lib//real.so",
		"real.so", "ELF", "../handler.js"
	};
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	struct package_result res;

	put(f, "dist/handler.js", contents[1], 0644);
	put(f, "dist/lib/real.so", contents[4], 0755);
	put_link(f, "dist/lib/link.so", "real.so");
	put_link(f, "dist/lib/up", "../handler.js");
	put_link(f, "dist/lib/again", "./../lib//real.so");
	put_link(f, "dist/cur", "lib");
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.entries, 6);
	assert_zip(res.path, 6, names, modes, contents);
	package_result_release(&res);
	assert_no_fd_leak(f);
}

/* Symlinks leaving the tree, lexically, are errors; no zip is written. */
static void
test_dir_symlink_outside(void **state)
{
	static const struct {
		const char	*link;
		const char	*target;
		const char	*msg;
	} cases[] = {
		{ "dist/lib/x", "../../etc/passwd", "symlink 'lib/x' points "
		  "outside the artifact directory ('../../etc/passwd')" },
		{ "dist/abs", "/etc/passwd", "symlink 'abs' points outside "
		  "the artifact directory ('/etc/passwd')" },
		{ "dist/a/b/c", "../x/../../..", "symlink 'a/b/c' points "
		  "outside the artifact directory ('../x/../../..')" },
		{ "dist/dot", ".//..", "symlink 'dot' points outside the "
		  "artifact directory ('.//..')" },
	};
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	char *p;
	size_t i;

	put(f, "dist/index.js", "1;\n", 0644);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		put_link(f, cases[i].link, cases[i].target);
		package_fails(f, &fn, cases[i].msg, LC_ECONFIG);
		assert_dir_empty(f->out);
		p = at(f, cases[i].link);
		assert_int_equal(unlink(p), 0);
		free(p);
	}
	assert_no_fd_leak(f);
}

/* provided.*: the root needs a bootstrap, always stored 0755. */
static void
test_dir_provided(void **state)
{
	static const char *const names[] = { "bootstrap", "lib/libx.so" };
	static const unsigned modes[] = { S_IFREG | 0755, S_IFREG | 0644 };
	static const char *const contents[] = { "#!/bin/sh\n", "so" };
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("api", "provided.al2023", "dist", NULL);
	struct package_result res;
	char *p;

	put(f, "dist/lib/libx.so", contents[1], 0644);
	put(f, "dist/sub/bootstrap", "not at the root", 0755);
	package_fails(f, &fn, "artifact directory 'dist' has no 'bootstrap' "
	    "at its root (runtime provided.al2023 needs one)", LC_ECONFIG);
	p = at(f, "dist/sub/bootstrap");
	assert_int_equal(unlink(p), 0);
	free(p);
	p = at(f, "dist/sub");
	assert_int_equal(rmdir(p), 0);
	free(p);
	put(f, "dist/bootstrap", contents[0], 0600);
	package_ok(f, &fn, f->out, &res);
	assert_zip(res.path, 2, names, modes, contents);
	package_result_release(&res);

	/* A non-provided runtime does not care. */
	fn.runtime = (char *)"python3.12";
	p = at(f, "dist/bootstrap");
	assert_int_equal(unlink(p), 0);
	free(p);
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.entries, 1);
	package_result_release(&res);
	assert_no_fd_leak(f);
}

/* Fifos are refused, naming the path; so is an empty tree. */
static void
test_special_files(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	char *p;

	make_parents(f, "dist/");
	package_fails(f, &fn, "artifact directory 'dist' is empty",
	    LC_ECONFIG);
	put(f, "dist/index.js", "1;\n", 0644);
	p = at(f, "dist/sub/pipe");
	make_parents(f, "dist/sub/pipe");
	assert_int_equal(mkfifo(p, 0644), 0);
	package_fails(f, &fn, "'sub/pipe' in artifact directory 'dist' is a "
	    "fifo (only files, directories and symlinks can be packaged)",
	    LC_ECONFIG);
	assert_dir_empty(f->out);

	fn.artifact = (char *)"dist/sub/pipe";
	package_fails(f, &fn, "artifact 'dist/sub/pipe' is a fifo, not a file "
	    "or a directory", LC_ECONFIG);
	free(p);
	assert_no_fd_leak(f);
}

/* Builds the same small tree under root, creating files in order. */
static void
make_tree(const struct fixture *f, const char *root, int reverse)
{
	static const char *const rel[] = {
		"index.js", "lib/a.js", "lib/b.js", "bin/run", "data/x.json"
	};
	char *p;
	size_t i, j;

	for (i = 0; i < 5; i++) {
		j = reverse ? 4 - i : i;
		p = xasprintf("%s/%s", root, rel[j]);
		put(f, p, j == 3 ? "#!/bin/sh\nexec node index.js\n" :
		    "module.exports = 42;\n", j == 3 ? 0755 : 0644);
		free(p);
	}
	p = xasprintf("%s/current", root);
	put_link(f, p, "lib/a.js");
	free(p);
}

/* Shifts every file's times and, as root, its owner. */
static void
disturb(const struct fixture *f, const char *root, time_t when)
{
	static const char *const rel[] = {
		"index.js", "lib/a.js", "lib/b.js", "bin/run", "data/x.json",
		"lib", ""
	};
	struct timespec ts[2];
	char *p;
	size_t i;

	ts[0].tv_sec = ts[1].tv_sec = when;
	ts[0].tv_nsec = ts[1].tv_nsec = 12345;
	for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		p = xasprintf("%s/%s/%s", f->dir, root, rel[i]);
		assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
		if (geteuid() == 0)
			assert_int_equal(chown(p, 4321, 4321), 0);
		free(p);
	}
}

/*
 * The same inputs give the same bytes: whatever the creation order,
 * umask, times, owners, or non-execute permission bits.
 */
static void
test_determinism(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "one", NULL);
	struct package_result r1, r2, r3;
	char *o2 = at(f, "out2"), *o3 = at(f, "out3"), *z1, *z2, *z3, *p;
	size_t n1, n2, n3;
	mode_t old;

	make_tree(f, "one", 0);
	old = umask(077);
	make_tree(f, "two", 1);
	umask(old);
	disturb(f, "two", 86400 * 365 * 30);
	p = at(f, "two/lib/b.js");
	assert_int_equal(chmod(p, 0600), 0);
	free(p);

	package_ok(f, &fn, f->out, &r1);
	fn.artifact = (char *)"two";
	package_ok(f, &fn, o2, &r2);
	disturb(f, "two", 1000000000);
	p = at(f, "two/index.js");
	assert_int_equal(chmod(p, 0664), 0);
	free(p);
	package_ok(f, &fn, o3, &r3);

	z1 = slurp(r1.path, &n1);
	z2 = slurp(r2.path, &n2);
	z3 = slurp(r3.path, &n3);
	assert_int_equal(n1, n2);
	assert_int_equal(n1, n3);
	assert_memory_equal(z1, z2, n1);
	assert_memory_equal(z1, z3, n1);
	assert_string_equal(r1.sha256, r2.sha256);
	assert_string_equal(r1.sha256, r3.sha256);

	/* And a real change does change them. */
	p = at(f, "two/bin/run");
	assert_int_equal(chmod(p, 0644), 0);
	free(p);
	package_result_release(&r3);
	package_ok(f, &fn, o3, &r3);
	assert_string_not_equal(r1.sha256, r3.sha256);

	free(z1);
	free(z2);
	free(z3);
	free(o2);
	free(o3);
	package_result_release(&r1);
	package_result_release(&r2);
	package_result_release(&r3);
	assert_no_fd_leak(f);
}

/*
 * An output directory inside the tree is left out of it (or a second
 * packaging would hold the first zip); being the tree itself is an error.
 */
static void
test_out_inside_tree(void **state)
{
	static const char *const names[] = { "index.js" };
	static const unsigned modes[] = { S_IFREG | 0644 };
	static const char *const contents[] = { "1;\n" };
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	char *out = at(f, "dist/.lambdactl/zips"), *msg;

	put(f, "dist/index.js", contents[0], 0644);
	package_ok(f, &fn, out, &res);
	package_result_release(&res);
	package_ok(f, &fn, out, &res);
	assert_zip(res.path, 1, names, modes, contents);
	package_result_release(&res);

	/* Elsewhere, the same tree does include that directory. */
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.entries, 2);
	package_result_release(&res);

	free(out);
	out = at(f, "dist/");
	assert_int_equal(package_build(&fn, f->dir, out, &res, &err), -1);
	msg = xasprintf("output directory '%s' is the artifact directory "
	    "'dist'", out);
	assert_string_equal(err.msg, msg);
	free(msg);
	free(out);
	assert_no_fd_leak(f);
}

/* CodeSha256 matches openssl(1), and a known vector. */
static void
test_sha256(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	char want[45], got[45], *p;
	uint64_t size = 0;

	put(f, "abc", "abc", 0644);
	p = at(f, "abc");
	assert_int_equal(package_sha256(p, got, &size, &err), 0);
	assert_string_equal(got,
	    "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
	assert_int_equal(size, 3);
	free(p);

	/* Several hash chunks, not a multiple of their size. */
	put_noise(f, "dist/blob", 3 * 65536 + 17, 7);
	put(f, "dist/index.js", "1;\n", 0644);
	package_ok(f, &fn, f->out, &res);
	openssl_sha256(res.path, want);
	assert_string_equal(res.sha256, want);
	p = at(f, "dist/blob");
	assert_int_equal(package_sha256(p, got, &size, &err), 0);
	assert_int_equal(size, 3 * 65536 + 17);
	openssl_sha256(p, want);
	assert_string_equal(got, want);
	free(p);
	package_result_release(&res);

	p = at(f, "nope");
	assert_int_equal(package_sha256(p, got, &size, &err), -1);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	free(p);
	assert_no_fd_leak(f);
}

/* Writes a two-entry jar at dir/rel with libzip. */
static void
make_jar(const struct fixture *f, const char *rel)
{
	static const char manifest[] = "Manifest-Version: 1.0\n";
	static const char cls[] = "\xca\xfe\xba\xbe class bytes";
	char *p = at(f, rel);
	zip_source_t *src;
	zip_t *za;
	int code;

	make_parents(f, rel);
	za = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	src = zip_source_buffer(za, manifest, sizeof manifest - 1, 0);
	assert_true(zip_file_add(za, "META-INF/MANIFEST.MF", src, 0) >= 0);
	src = zip_source_buffer(za, cls, sizeof cls - 1, 0);
	assert_true(zip_file_add(za, "jobs/Handler.class", src, 0) >= 0);
	assert_int_equal(zip_close(za), 0);
	free(p);
}

/* Gives every entry of the jar at rel another timestamp, in place. */
static void
restamp_jar(const struct fixture *f, const char *rel)
{
	char *p = at(f, rel);
	zip_int64_t i, n;
	zip_t *za;
	int code;

	za = zip_open(p, 0, &code);
	assert_non_null(za);
	n = zip_get_num_entries(za, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(zip_file_set_dostime(za, (zip_uint64_t)i,
		    0x6000, 0x5a21, 0), 0);
	assert_int_equal(zip_close(za), 0);
	free(p);
}

/*
 * A jar is copied, normalised: sorted, fixed timestamps and modes, its
 * compressed data untouched; rebuilt with other timestamps it hashes the
 * same, and the jar itself is left alone.
 */
static void
test_jar(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "java21", "target/app.jar",
	    "lein uberjar");
	struct package_result res;
	char want[45], first[45], *p = at(f, "target/app.jar"), *z;
	struct stat st, before;
	zip_uint32_t attr;
	zip_uint8_t os;
	zip_stat_t zs;
	zip_t *za;
	int code;

	make_jar(f, "target/app.jar");
	assert_int_equal(stat(p, &before), 0);
	package_ok(f, &fn, f->out, &res);
	z = at(f, "out/jobs.zip");
	assert_int_equal(res.kind, PACKAGE_ZIP);
	assert_string_equal(res.path, z);
	assert_int_equal(res.entries, 2);
	assert_int_equal(res.unzipped, 22 + 16);
	assert_int_equal(stat(z, &st), 0);
	assert_int_equal(res.size, st.st_size);
	openssl_sha256(z, want);
	assert_string_equal(res.sha256, want);
	strcpy(first, res.sha256);
	package_result_release(&res);

	/* Sorted names, 1980-01-01, Unix 0644, data intact. */
	za = zip_open(z, ZIP_RDONLY | ZIP_CHECKCONS, &code);
	assert_non_null(za);
	assert_string_equal(zip_get_name(za, 0, 0), "META-INF/MANIFEST.MF");
	assert_string_equal(zip_get_name(za, 1, 0), "jobs/Handler.class");
	assert_int_equal(zip_stat_index(za, 1, 0, &zs), 0);
	assert_int_equal(zs.size, 16);
	assert_int_equal(zip_file_get_external_attributes(za, 1, 0, &os,
	    &attr), 0);
	assert_int_equal(os, ZIP_OPSYS_UNIX);
	assert_int_equal(attr >> 16, S_IFREG | 0644);
	zip_discard(za);

	/* The same classes stamped with another build time: same hash. */
	restamp_jar(f, "target/app.jar");
	package_ok(f, &fn, f->out, &res);
	assert_string_equal(res.sha256, first);
	package_result_release(&res);
	assert_int_equal(stat(p, &st), 0);
	assert_true(st.st_size == before.st_size);	/* jar untouched */
	free(p);
	free(z);

	/* Upper-case .ZIP too. */
	make_jar(f, "BUNDLE.ZIP");
	fn.artifact = (char *)"BUNDLE.ZIP";
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.kind, PACKAGE_ZIP);
	package_result_release(&res);
	assert_no_fd_leak(f);
}

/* Relative to ".", paths come back as written, without "./". */
static void
test_relative_paths(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "java21", "target/app.jar",
	    NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	char cwd[PATH_MAX];
	int rv;

	make_jar(f, "target/app.jar");
	put(f, "handler.py", "pass\n", 0644);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	rv = package_build(&fn, ".", "./.lambdactl", &res, &err);
	if (rv == 0) {
		assert_string_equal(res.path, ".lambdactl/jobs.zip");
		package_result_release(&res);
		fn.artifact = (char *)"handler.py";
		rv = package_build(&fn, "./", "./.lambdactl/", &res, &err);
	}
	if (rv == 0) {
		assert_string_equal(res.path, ".lambdactl/jobs.zip");
		package_result_release(&res);
	}
	assert_int_equal(chdir(cwd), 0);
	if (rv != 0)
		fail_msg("package_build: %s", err.msg);
	assert_no_fd_leak(f);
}

/* A jar that is not a readable zip: named, with libzip's reason. */
static void
test_jar_corrupt(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "java21", "target/app.jar",
	    NULL);
	struct lc_err err = { 0 };
	struct package_result res;
	char *p, *z;
	size_t len;
	FILE *fp;

	put(f, "target/app.jar", "this is not a zip\n", 0644);
	package_fails(f, &fn, "cannot read zip 'target/app.jar': Not a zip "
	    "archive", LC_ECONFIG);

	/* Truncated: the central directory is there, the data is not. */
	make_jar(f, "target/app.jar");
	p = at(f, "target/app.jar");
	z = slurp(p, &len);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(z, 1, 40, fp), 40);
	assert_int_equal(fwrite(z + len - 150, 1, 150, fp), 150);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(package_build(&fn, f->dir, f->out, &res, &err), -1);
	assert_int_equal(strncmp(err.msg, "cannot read zip 'target/app.jar': ",
	    34), 0);
	assert_true(strlen(err.msg) > 34);
	assert_int_equal(err.status, LC_ECONFIG);
	free(z);

	/*
	 * Inconsistent: a local header's name differs from the central
	 * directory's, which only a consistency check notices.
	 */
	make_jar(f, "target/app.jar");
	z = slurp(p, &len);
	assert_memory_equal(z + 30, "META-INF", 8);
	z[30] = 'X';
	fp = fopen(p, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(z, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	package_fails(f, &fn, "cannot read zip 'target/app.jar': Zip archive "
	    "inconsistent", LC_ECONFIG);
	free(z);
	free(p);
	assert_no_fd_leak(f);
}

/* A missing artifact says where it was looked for, and how to build it. */
static void
test_missing(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "java21", "target/app.jar",
	    NULL);
	char *msg;

	msg = xasprintf("artifact 'target/app.jar' not found (relative to "
	    "'%s')", f->dir);
	package_fails(f, &fn, msg, LC_ECONFIG);
	free(msg);
	fn.build = (char *)"lein uberjar";
	msg = xasprintf("artifact 'target/app.jar' not found (relative to "
	    "'%s'); build it with 'lein uberjar'", f->dir);
	package_fails(f, &fn, msg, LC_ECONFIG);
	free(msg);
	fn.artifact = (char *)"/nonexistent/app.jar";
	package_fails(f, &fn, "artifact '/nonexistent/app.jar' not found "
	    "(build it with 'lein uberjar')", LC_ECONFIG);
	assert_dir_empty(f->out);
	assert_no_fd_leak(f);
}

/* Creates a sparse file of size bytes at dir/rel. */
static void
put_sparse(const struct fixture *f, const char *rel, off_t size)
{
	char *p = at(f, rel);
	int fd;

	make_parents(f, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
	free(p);
}

/* Over 250 MB unzipped is refused before anything is zipped. */
static void
test_unzipped_limit(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	struct timespec t0, t1;

	put(f, "dist/index.js", "1;\n", 0644);
	put_sparse(f, "dist/big.bin", (off_t)300 * MiB);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	package_fails(f, &fn, "artifact 'dist' unzips to 300.0 MB, over "
	    "Lambda's 250 MB limit", LC_ECONFIG);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);	/* nothing compressed */
	assert_dir_empty(f->out);

	/* A single file: the same check. */
	fn.artifact = (char *)"dist/big.bin";
	package_fails(f, &fn, "artifact 'dist/big.bin' unzips to 300.0 MB, "
	    "over Lambda's 250 MB limit", LC_ECONFIG);
	assert_dir_empty(f->out);
	assert_no_fd_leak(f);
}

/* Writes a jar at dir/rel holding the file dir/file, stored. */
static void
make_stored_jar(const struct fixture *f, const char *rel, const char *file)
{
	char *p = at(f, rel), *q = at(f, file);
	zip_source_t *src;
	zip_int64_t idx;
	zip_t *za;
	int code;

	za = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	src = zip_source_file(za, q, 0, -1);
	assert_non_null(src);
	idx = zip_file_add(za, "model.bin", src, 0);
	assert_true(idx >= 0);
	assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx,
	    ZIP_CM_STORE, 0), 0);
	assert_int_equal(zip_close(za), 0);
	free(p);
	free(q);
}

/*
 * Over 50 MB zipped is packaged, and refused by package_check_direct
 * (the one rule) without s3_bucket only; a stored jar alike.
 */
static void
test_zipped_limit(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "nodejs20.x", "dist", NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	static const char tail[] = " bytes), over Lambda's limit of 52428800 "
	    "bytes for code sent in the request; set 's3_bucket' to deploy it "
	    "through S3";

	put(f, "dist/index.js", "1;\n", 0644);
	put_noise(f, "dist/model.bin", 51 * MiB, 42);
	assert_int_equal(package_build(&fn, f->dir, f->out, &res, &err), 0);
	assert_true(res.size > PACKAGE_MAX_ZIPPED);
	assert_int_equal(package_check_direct(&fn, &res, &err), -1);
	assert_int_equal(strncmp(err.msg, "function 'jobs': zip is 51.", 27),
	    0);
	assert_string_equal(err.msg + strlen(err.msg) - strlen(tail), tail);
	assert_int_equal(err.status, LC_ECONFIG);
	fn.s3_bucket = (char *)"artifacts";
	assert_int_equal(package_check_direct(&fn, &res, &err), 0);
	fn.s3_bucket = NULL;
	package_result_release(&res);

	/* The same limit for a jar (stored, not deflated), left alone. */
	make_stored_jar(f, "big.jar", "dist/model.bin");
	fn.artifact = (char *)"big.jar";
	assert_int_equal(package_build(&fn, f->dir, f->out, &res, &err), 0);
	assert_int_equal(package_check_direct(&fn, &res, &err), -1);
	assert_int_equal(strncmp(err.msg, "function 'jobs': zip is 51.0 MB (",
	    33), 0);
	package_result_release(&res);
	/* At the limit exactly: fits. */
	res.size = PACKAGE_MAX_ZIPPED;
	assert_int_equal(package_check_direct(&fn, &res, &err), 0);
	res.size = PACKAGE_MAX_ZIPPED + 1;
	assert_int_equal(package_check_direct(&fn, &res, &err), -1);
	assert_no_fd_leak(f);
}

/*
 * A directory in the zip's place is an error, and is left alone, whether
 * the zip is of a tree or a normalised jar (one writer for both).
 */
static void
test_zip_name_taken(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	struct manifest_fn jar = fn_for("app", "java21", "app.jar", NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	char *p;

	put(f, "dist/index.js", "1;\n", 0644);
	put(f, "out/app.zip/keep", "x", 0644);
	assert_int_equal(package_build(&fn, f->dir, f->out, &res, &err), -1);
	p = xasprintf("cannot write '%s/app.zip': it is a directory", f->out);
	assert_string_equal(err.msg, p);
	assert_null(res.path);
	make_jar(f, "app.jar");
	memset(&err, 0, sizeof err);
	assert_int_equal(package_build(&jar, f->dir, f->out, &res, &err), -1);
	assert_string_equal(err.msg, p);
	assert_int_equal(err.status, LC_EFAIL);
	assert_null(res.path);
	free(p);
	p = at(f, "app.jar");
	assert_int_equal(unlink(p), 0);
	free(p);
	p = at(f, "out/app.zip/keep");
	assert_int_equal(unlink(p), 0);
	free(p);
	p = at(f, "out/app.zip");
	assert_int_equal(rmdir(p), 0);
	free(p);
	assert_dir_empty(f->out);
	assert_no_fd_leak(f);
}

/*
 * A failure in zip_close leaves neither the zip nor libzip's temporary
 * file: a child process with a 64 KB file size limit packages 1 MB of
 * noise, so that writing fails half-way.
 */
static void
test_no_temp_after_write_failure(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "nodejs20.x", "dist", NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	struct rlimit rl;
	int status;
	pid_t pid;

	put(f, "dist/index.js", "1;\n", 0644);
	put_noise(f, "dist/blob", MiB, 5);
	make_parents(f, "out/");
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = 64 * 1024;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		if (package_build(&fn, f->dir, f->out, &res, &err) != -1)
			_exit(3);
		if (strstr(err.msg, "cannot write '") == NULL) {
			fprintf(stderr, "unexpected: %s\n", err.msg);
			_exit(4);
		}
		exit(0);	/* not _exit: LeakSanitizer checks the child */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_dir_empty(f->out);
	assert_no_fd_leak(f);
}

/* Runs build_run with our stdout and stderr captured. */
static int
run_build(const struct fixture *f, const char *cmd, const char *dir,
    struct lc_err *err, char **out, char **errout)
{
	char *po = at(f, "stdout.txt"), *pe = at(f, "stderr.txt");
	int si, so, se, fi, fo, fe, rv;

	fflush(stdout);
	fflush(stderr);
	si = dup(0);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fi = open(po, O_RDONLY);	/* a stdin that is not /dev/null */
	assert_true(si >= 0 && so >= 0 && se >= 0);
	assert_true(fi >= 0 && fo >= 0 && fe >= 0);
	dup2(fi, 0);
	dup2(fo, 1);
	dup2(fe, 2);
	close(fi);
	close(fo);
	close(fe);
	rv = build_run(cmd, dir, MANIFEST_DEFAULT_BUILD_TIMEOUT, err);
	dup2(si, 0);
	dup2(so, 1);
	dup2(se, 2);
	close(si);
	close(so);
	close(se);
	*out = slurp(po, NULL);
	*errout = slurp(pe, NULL);
	free(po);
	free(pe);
	return rv;
}

/*
 * The build runs in the manifest's directory with stdin from /dev/null,
 * both its outputs on our stderr, and none of our other descriptors.
 */
static void
test_build_ok(void **state)
{
	struct fixture *f = *state;
	struct lc_err err = { 0 };
	char *cmd, *out, *errout, *s, *p, real[PATH_MAX];
	int fd;

	fd = open("/dev/null", O_RDONLY);	/* without O_CLOEXEC */
	assert_true(fd > 2);
	cmd = xasprintf("pwd > pwd.txt; echo to-stdout; echo to-stderr >&2; "
	    "readlink /proc/self/fd/0 > stdin.txt; "
	    "if [ -e /proc/$$/fd/%d ]; then echo leaked; fi > fd.txt", fd);
	assert_int_equal(run_build(f, cmd, f->dir, &err, &out, &errout), 0);
	assert_string_equal(out, "");
	assert_string_equal(errout, "to-stdout\nto-stderr\n");
	assert_non_null(realpath(f->dir, real));
	p = at(f, "pwd.txt");
	s = slurp(p, NULL);
	assert_int_equal(strncmp(s, real, strlen(real)), 0);
	assert_string_equal(s + strlen(real), "\n");
	free(s);
	free(p);
	p = at(f, "stdin.txt");
	s = slurp(p, NULL);
	assert_string_equal(s, "/dev/null\n");
	free(s);
	free(p);
	p = at(f, "fd.txt");
	s = slurp(p, NULL);
	assert_string_equal(s, "");
	free(s);
	free(p);
	/* Our descriptor is still open and usable here. */
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
	free(cmd);
	free(out);
	free(errout);
	assert_no_fd_leak(f);
}

/* A failing, killed or unstartable build is an error naming it. */
static void
test_build_fail(void **state)
{
	struct fixture *f = *state;
	struct lc_err err = { 0 };
	char *out, *errout;

	assert_int_equal(run_build(f, "echo failing; exit 2", f->dir, &err,
	    &out, &errout), -1);
	assert_string_equal(err.msg, "build command 'echo failing; exit 2' "
	    "failed with exit status 2");
	assert_int_equal(err.status, LC_EFAIL);
	assert_string_equal(out, "");
	assert_string_equal(errout, "failing\n");
	free(out);
	free(errout);

	assert_int_equal(run_build(f, "kill -9 $$", f->dir, &err, &out,
	    &errout), -1);
	assert_string_equal(err.msg, "build command 'kill -9 $$' was killed "
	    "by signal 9");
	free(out);
	free(errout);

	assert_int_equal(run_build(f, "true", "/nonexistent/dir", &err, &out,
	    &errout), -1);
	assert_string_equal(err.msg, "build command 'true': cannot change to "
	    "directory '/nonexistent/dir': No such file or directory");
	assert_string_equal(errout, "");
	free(out);
	free(errout);

	/* A shell that cannot find the command: status 127, not ours. */
	assert_int_equal(run_build(f, "no-such-command-xyz", f->dir, &err,
	    &out, &errout), -1);
	assert_string_equal(err.msg, "build command 'no-such-command-xyz' "
	    "failed with exit status 127");
	free(out);
	free(errout);
	assert_no_fd_leak(f);
}

/* One entry of a zip built by make_zip: name, contents, mode, made on. */
struct zspec {
	const char	*name;
	const char	*text;
	mode_t		 mode;
	int		 opsys;
};

/* Writes the zip dir/rel holding spec[0..n), in that order. */
static void
make_zip(const struct fixture *f, const char *rel, const struct zspec *spec,
    size_t n)
{
	char *p = at(f, rel);
	zip_t *za;
	size_t i;
	int code;

	make_parents(f, rel);
	za = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	for (i = 0; i < n; i++)
		zip_put_mode(za, spec[i].name, spec[i].text, spec[i].mode,
		    spec[i].opsys);
	assert_int_equal(zip_close(za), 0);
	free(p);
}

/*
 * A ready-made zip keeps its exec bits (0755/0644), its symlinks and its
 * directories; the root bootstrap of a provided.* runtime is 0755; zips
 * made on other systems get 0644; the order and the source timestamps do
 * not matter.
 */
static void
test_zip_modes(void **state)
{
	static const struct zspec spec[] = {
		{ "lib/", "", S_IFDIR | 0700, ZIP_OPSYS_UNIX },
		{ "lib/libfoo.so.1", "elf", S_IFREG | 0600, ZIP_OPSYS_UNIX },
		{ "lib/libfoo.so", "libfoo.so.1", S_IFLNK | 0777,
		    ZIP_OPSYS_UNIX },
		{ "bin/app", "#!/bin/sh\n", S_IFREG | 0750, ZIP_OPSYS_UNIX },
		{ "bin/tool", "x", S_IFREG | 0100, ZIP_OPSYS_UNIX },
		{ "README", "dos", S_IFREG | 0755, ZIP_OPSYS_DOS },
		{ "bootstrap", "#!/bin/sh\nexec bin/app\n", S_IFREG | 0644,
		    ZIP_OPSYS_UNIX },
	};
	static const struct zspec rev[] = {
		{ "bootstrap", "#!/bin/sh\nexec bin/app\n", S_IFREG | 0600,
		    ZIP_OPSYS_UNIX },
		{ "README", "dos", 0, ZIP_OPSYS_DOS },
		{ "bin/tool", "x", S_IFREG | 0700, ZIP_OPSYS_UNIX },
		{ "bin/app", "#!/bin/sh\n", S_IFREG | 0755, ZIP_OPSYS_UNIX },
		{ "lib/libfoo.so", "libfoo.so.1", S_IFLNK | 0777,
		    ZIP_OPSYS_UNIX },
		{ "lib/libfoo.so.1", "elf", S_IFREG | 0644, ZIP_OPSYS_UNIX },
		{ "lib/", "", S_IFDIR | 0755, ZIP_OPSYS_UNIX },
	};
	static const char *const names[] = { "README", "bin/app", "bin/tool",
	    "bootstrap", "lib/", "lib/libfoo.so", "lib/libfoo.so.1" };
	static const unsigned modes[] = { S_IFREG | 0644, S_IFREG | 0755,
	    S_IFREG | 0755, S_IFREG | 0755, S_IFDIR | 0755, S_IFLNK | 0777,
	    S_IFREG | 0644 };
	static const char *const contents[] = { "dos", "#!/bin/sh\n", "x",
	    "#!/bin/sh\nexec bin/app\n", "", "libfoo.so.1", "elf" };
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("rt", "provided.al2023", "rt.zip",
	    NULL);
	struct package_result res;
	char first[45], *z = at(f, "out/rt.zip");
	zip_uint8_t os;
	zip_uint32_t attr;
	zip_t *za;
	int code;

	make_zip(f, "rt.zip", spec, sizeof spec / sizeof *spec);
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.kind, PACKAGE_ZIP);
	assert_int_equal(res.entries, 7);
	assert_int_equal(res.unzipped, 3 + 10 + 1 + 23 + 11 + 3);
	strcpy(first, res.sha256);
	package_result_release(&res);
	assert_zip_kept(z, 7, names, modes, contents);

	/* Built again in another order with other modes, same bits. */
	make_zip(f, "rt.zip", rev, sizeof rev / sizeof *rev);
	package_ok(f, &fn, f->out, &res);
	assert_string_equal(res.sha256, first);
	package_result_release(&res);

	/* Not provided.*: bootstrap is a file like any other. */
	fn.runtime = (char *)"python3.12";
	make_zip(f, "rt.zip", spec, sizeof spec / sizeof *spec);
	package_ok(f, &fn, f->out, &res);
	package_result_release(&res);
	za = zip_open(z, ZIP_RDONLY, &code);
	assert_non_null(za);
	assert_string_equal(zip_get_name(za, 3, 0), "bootstrap");
	assert_int_equal(zip_file_get_external_attributes(za, 3, 0, &os,
	    &attr), 0);
	assert_int_equal(attr >> 16, S_IFREG | 0644);
	zip_discard(za);
	free(z);
	assert_no_fd_leak(f);
}

/* Packages fn, asserting the error message and that nothing is left. */
static void
zip_refused(const struct fixture *f, const struct zspec *spec, size_t n,
    const char *msg)
{
	struct manifest_fn fn = fn_for("rt", "provided.al2023", "rt.zip",
	    NULL);

	make_zip(f, "rt.zip", spec, n);
	package_fails(f, &fn, msg, LC_ECONFIG);
	assert_dir_empty(f->out);
}

/*
 * Names that leave the root, symlinks that point out (by their text or
 * through a chain of links) and symlink loops are refused.
 */
static void
test_zip_refusals(void **state)
{
	static const struct zspec chain[] = {
		{ "a", "u/..", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
		{ "bootstrap", "#!/bin/sh\n", S_IFREG | 0755, ZIP_OPSYS_UNIX },
		{ "u", ".", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
	};
	static const struct zspec cycle[] = {
		{ "bootstrap", "#!/bin/sh\n", S_IFREG | 0755, ZIP_OPSYS_UNIX },
		{ "l1", "l2", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
		{ "l2", "l1", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
	};
	static const struct zspec fine[] = {
		{ "bootstrap", "#!/bin/sh\n", S_IFREG | 0755, ZIP_OPSYS_UNIX },
		{ "lib/v1/libfoo.so", "elf", S_IFREG | 0644, ZIP_OPSYS_UNIX },
		{ "lib/current", "v1", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
		{ "bin/lib", "../lib/current/", S_IFLNK | 0777,
		    ZIP_OPSYS_UNIX },
		{ "bin/so", "lib/libfoo.so", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
		{ "gone", "nowhere/..", S_IFLNK | 0777, ZIP_OPSYS_UNIX },
	};
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("rt", "provided.al2023", "rt.zip",
	    NULL);
	struct package_result res;
	struct zspec spec[2] = {
		{ "bootstrap", "#!/bin/sh\n", S_IFREG | 0755, ZIP_OPSYS_UNIX },
		{ NULL, NULL, 0, ZIP_OPSYS_UNIX },
	};

	spec[1].name = "../evil";
	spec[1].text = "x";
	spec[1].mode = S_IFREG | 0644;
	zip_refused(f, spec, 2, "zip 'rt.zip': refusing entry '../evil' "
	    "(absolute path or '..')");
	spec[1].name = "/etc/cron.d/evil";
	zip_refused(f, spec, 2, "zip 'rt.zip': refusing entry "
	    "'/etc/cron.d/evil' (absolute path or '..')");
	spec[1].name = "lib/../../evil";
	zip_refused(f, spec, 2, "zip 'rt.zip': refusing entry "
	    "'lib/../../evil' (absolute path or '..')");
	spec[1].name = "lib/x";
	spec[1].text = "../../etc/passwd";
	spec[1].mode = S_IFLNK | 0777;
	zip_refused(f, spec, 2, "zip 'rt.zip': symlink 'lib/x' points outside "
	    "the root ('../../etc/passwd')");
	spec[1].name = "passwd";
	spec[1].text = "/etc/passwd";
	zip_refused(f, spec, 2, "zip 'rt.zip': symlink 'passwd' points outside "
	    "the root ('/etc/passwd')");
	spec[1].text = "";
	zip_refused(f, spec, 2, "zip 'rt.zip': symlink 'passwd' has no usable "
	    "target");
	spec[1].name = "lib/up";
	spec[1].text = "..";
	zip_refused(f, spec, 2, "zip 'rt.zip': symlink 'lib/up' makes a loop "
	    "('..')");
	spec[1].name = "self";
	spec[1].text = "./self";
	zip_refused(f, spec, 2, "zip 'rt.zip': symlink 'self' makes a loop "
	    "('./self')");
	zip_refused(f, chain, 3, "zip 'rt.zip': symlink 'a' points outside the "
	    "root ('u/..')");
	zip_refused(f, cycle, 3, "zip 'rt.zip': symlink 'l1' makes a loop "
	    "('l2')");

	/* Chains that stay inside, dangling links: fine. */
	make_zip(f, "rt.zip", fine, sizeof fine / sizeof *fine);
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.entries, 6);
	package_result_release(&res);
	assert_no_fd_leak(f);
}

/*
 * Writes dir/rel: a bootstrap and "blob", real bytes of zeros deflated,
 * whose headers (local and central) then claim it holds claim bytes.
 */
static void
make_bomb(const struct fixture *f, const char *rel, size_t real,
    uint32_t claim)
{
	char *p = at(f, rel), *zeros = xcalloc(1, real), *z;
	zip_source_t *src;
	zip_t *za;
	size_t len, i;
	int code, patched = 0;
	FILE *fp;

	za = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	zip_put_mode(za, "bootstrap", "#!/bin/sh\n", S_IFREG | 0755, ZIP_OPSYS_UNIX);
	src = zip_source_buffer(za, zeros, real, 0);
	assert_true(zip_file_add(za, "blob", src, 0) >= 0);
	assert_int_equal(zip_close(za), 0);
	free(zeros);
	z = slurp(p, &len);
	for (i = 0; i + 46 + 4 <= len; i++) {
		if (memcmp(z + i, "PK\3\4", 4) == 0 &&
		    memcmp(z + i + 30, "blob", 4) == 0 && get16(
		    (unsigned char *)z + i + 26) == 4) {
			memcpy(z + i + 22, &claim, 4);	/* little-endian */
			patched++;
		}
		if (memcmp(z + i, "PK\1\2", 4) == 0 &&
		    memcmp(z + i + 46, "blob", 4) == 0 && get16(
		    (unsigned char *)z + i + 28) == 4) {
			memcpy(z + i + 24, &claim, 4);
			patched++;
		}
	}
	assert_int_equal(patched, 2);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(z, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(z);
	free(p);
}

/* Points TMPDIR at the fixture; returns the old value (caller frees). */
static char *
tmpdir_here(const struct fixture *f)
{
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? xstrdup(old) : NULL;

	setenv("TMPDIR", f->dir, 1);
	return saved;
}

static void
tmpdir_restore(char *saved)
{
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

/* Whether the fixture holds a lambdactl-task.* directory. */
static int
task_dirs(const struct fixture *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "lambdactl-task.", 15) == 0)
			n++;
	closedir(d);
	return n;
}

/*
 * Zip bombs: headers that claim less than the entry inflates to are
 * caught after reading about what they claim, when packaging and when
 * unpacking; real bytes count against the limit (lowered here).
 */
static void
test_zip_bomb(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("rt", "provided.al2023", "bomb.zip",
	    NULL);
	struct lc_err err = { 0 };
	char *saved, *dir = NULL, *p, *msg;
	uint64_t total;
	zip_t *za;
	int code;

	make_bomb(f, "bomb.zip", 8 * MiB, 1024);
	package_fails(f, &fn, "zip 'bomb.zip': entry 'blob' unzips to more "
	    "than the 1024 bytes it declares", LC_ECONFIG);
	assert_dir_empty(f->out);

	saved = tmpdir_here(f);
	p = at(f, "bomb.zip");
	assert_int_equal(unzip_extract(p, &dir, &err), -1);
	assert_null(dir);
	msg = xasprintf("zip '%s': entry 'blob' unzips to more than the 1024 "
	    "bytes it declares", p);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, LC_ECONFIG);
	free(msg);
	assert_int_equal(task_dirs(f), 0);

	/* Headers claiming more than there is: refused too. */
	make_bomb(f, "bomb.zip", 1000, 5000);
	package_fails(f, &fn, "zip 'bomb.zip': entry 'blob' unzips to 1000 "
	    "bytes, not the 5000 it declares", LC_ECONFIG);

	/* An honest zip over a (lowered) limit: before any inflating. */
	unzip_limit = 2 * MiB;
	make_bomb(f, "bomb.zip", 3 * MiB, 3 * MiB);
	package_fails(f, &fn, "artifact 'bomb.zip' unzips to 3.0 MB, over "
	    "Lambda's 2 MB limit", LC_ECONFIG);
	assert_int_equal(unzip_extract(p, &dir, &err), -1);
	msg = xasprintf("zip '%s' unzips to more than Lambda's 2 MB limit", p);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_int_equal(task_dirs(f), 0);

	/* The running count of real bytes stops at the limit. */
	za = zip_open(p, ZIP_RDONLY, &code);
	assert_non_null(za);
	total = 2 * MiB - 100;
	assert_int_equal(unzip_inflate(za, 0, "b.zip", &total, NULL,
	    NULL, &err), 0);			/* bootstrap: 10 bytes */
	assert_int_equal(total, 2 * MiB - 90);
	assert_int_equal(unzip_inflate(za, 1, "b.zip", &total, NULL,
	    NULL, &err), -1);
	assert_string_equal(err.msg, "zip 'b.zip' unzips to more than "
	    "Lambda's 2 MB limit");
	assert_true(total <= 2 * MiB + 64 * 1024);
	zip_discard(za);
	unzip_limit = UNZIP_LIMIT;

	tmpdir_restore(saved);
	free(p);
	assert_no_fd_leak(f);
}

/* lein uberjar's pom.properties, written on date. */
static char *
lein_pom(const char *date, const char *version)
{
	return xasprintf("#Leiningen\n#%s\nversion=%s\ngroupId=jobs\n"
	    "artifactId=jobs\nrevision=0123abcd\n", date, version);
}

/*
 * Two uberjars that differ only in the build date lein writes into
 * pom.properties (and their timestamps) get the same CodeSha256; the
 * rewritten entry loses only that line; other contents still count.
 */
static void
test_jar_pom_date(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "java21", "app.jar", NULL);
	struct package_result res;
	struct zspec spec[4] = {
		{ "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: "
		    "Leiningen 2.11.2\nBuilt-By: dev\nBuild-Jdk: 21.0.5\n",
		    0, ZIP_OPSYS_DOS },
		{ "META-INF/maven/jobs/jobs/pom.properties", NULL, 0,
		    ZIP_OPSYS_DOS },
		{ "META-INF/maven/org.clojure/clojure/pom.properties",
		    "#Generated by Maven\r\n#Sat Mar 04 10:41:08 GMT+05:30 "
		    "2023\r\nversion=1.11.1\r\n", 0, ZIP_OPSYS_DOS },
		{ "jobs/core.class", "\xca\xfe\xba\xbe", 0, ZIP_OPSYS_DOS },
	};
	char first[45], *pom, *z = at(f, "out/jobs.zip"), buf[256];
	zip_file_t *zf;
	zip_int64_t n;
	zip_t *za;
	int code;

	pom = lein_pom("Mon Nov 30 05:28:22 UTC 2026", "0.1.0");
	spec[1].text = pom;
	make_zip(f, "app.jar", spec, 4);
	package_ok(f, &fn, f->out, &res);
	strcpy(first, res.sha256);
	package_result_release(&res);
	free(pom);

	za = zip_open(z, ZIP_RDONLY | ZIP_CHECKCONS, &code);
	assert_non_null(za);
	zf = zip_fopen(za, "META-INF/maven/jobs/jobs/pom.properties", 0);
	assert_non_null(zf);
	n = zip_fread(zf, buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	zip_fclose(zf);
	assert_string_equal(buf, "#Leiningen\nversion=0.1.0\ngroupId=jobs\n"
	    "artifactId=jobs\nrevision=0123abcd\n");
	zf = zip_fopen(za, "META-INF/maven/org.clojure/clojure/"
	    "pom.properties", 0);
	assert_non_null(zf);
	n = zip_fread(zf, buf, sizeof buf - 1);
	buf[n] = '\0';
	zip_fclose(zf);
	assert_string_equal(buf, "#Generated by Maven\r\nversion=1.11.1\r\n");
	zf = zip_fopen(za, "META-INF/MANIFEST.MF", 0);	/* left alone */
	assert_non_null(zf);
	n = zip_fread(zf, buf, sizeof buf - 1);
	buf[n] = '\0';
	zip_fclose(zf);
	assert_string_equal(buf, spec[0].text);
	zip_discard(za);

	/* Built a day later: the same package. */
	pom = lein_pom("Tue Dec 01 17:02:59 CET 2026", "0.1.0");
	spec[1].text = pom;
	make_zip(f, "app.jar", spec, 4);
	restamp_jar(f, "app.jar");
	package_ok(f, &fn, f->out, &res);
	assert_string_equal(res.sha256, first);
	package_result_release(&res);
	free(pom);

	/* Another version is another package. */
	pom = lein_pom("Tue Dec 01 17:02:59 CET 2026", "0.1.1");
	spec[1].text = pom;
	make_zip(f, "app.jar", spec, 4);
	package_ok(f, &fn, f->out, &res);
	assert_string_not_equal(res.sha256, first);
	package_result_release(&res);
	free(pom);

	/* A comment that is not a date stays. */
	spec[1].text = "#Mon Nov 30 build 7\nversion=1\n";
	make_zip(f, "app.jar", spec, 2);
	package_ok(f, &fn, f->out, &res);
	package_result_release(&res);
	za = zip_open(z, ZIP_RDONLY, &code);
	assert_non_null(za);
	zf = zip_fopen(za, "META-INF/maven/jobs/jobs/pom.properties", 0);
	n = zip_fread(zf, buf, sizeof buf - 1);
	buf[n] = '\0';
	zip_fclose(zf);
	assert_string_equal(buf, spec[1].text);
	zip_discard(za);
	free(z);
	assert_no_fd_leak(f);
}

/* A signed jar is copied as it is: rewriting would break its digests. */
static void
test_jar_signed(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("jobs", "java21", "app.jar", NULL);
	struct package_result res;
	struct zspec spec[3] = {
		{ "META-INF/SIGNER.SF", "Signature-Version: 1.0\n", 0,
		    ZIP_OPSYS_DOS },
		{ "META-INF/maven/jobs/jobs/pom.properties",
		    "#Leiningen\n#Mon Nov 30 05:28:22 UTC 2026\nversion=1\n",
		    0, ZIP_OPSYS_DOS },
		{ "jobs/core.class", "\xca\xfe\xba\xbe", 0, ZIP_OPSYS_DOS },
	};
	char *z = at(f, "out/jobs.zip"), buf[256];
	zip_file_t *zf;
	zip_int64_t n;
	zip_t *za;
	int code;

	make_zip(f, "app.jar", spec, 3);
	package_ok(f, &fn, f->out, &res);
	package_result_release(&res);
	za = zip_open(z, ZIP_RDONLY, &code);
	assert_non_null(za);
	zf = zip_fopen(za, "META-INF/maven/jobs/jobs/pom.properties", 0);
	assert_non_null(zf);
	n = zip_fread(zf, buf, sizeof buf - 1);
	buf[n] = '\0';
	zip_fclose(zf);
	assert_string_equal(buf, spec[1].text);
	zip_discard(za);
	free(z);
	assert_no_fd_leak(f);
}

/* Packages the directory artifact rel, asserting the error msg. */
static void
dir_refused(const struct fixture *f, const char *rel, const char *msg)
{
	struct manifest_fn fn = fn_for("app", "provided.al2023", rel, NULL);

	package_fails(f, &fn, msg, LC_ECONFIG);
	assert_dir_empty(f->out);
}

/*
 * Symlink loops in a directory artifact are refused, naming the link:
 * to an ancestor, through two links, a link cycle; a chain of links
 * leaving the tree too.  Links to directories that make no loop are fine.
 */
static void
test_dir_symlink_loops(void **state)
{
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("app", "provided.al2023", "ok", NULL);
	struct package_result res;

	put(f, "up/bootstrap", "#!/bin/sh\n", 0755);
	put_link(f, "up/lib/up", "..");
	dir_refused(f, "up", "symlink 'lib/up' makes a loop in the artifact "
	    "directory ('..')");
	put(f, "two/bootstrap", "#!/bin/sh\n", 0755);
	put_link(f, "two/a/x", "../b");
	put_link(f, "two/b/y", "../a");
	dir_refused(f, "two", "symlink 'b/y' makes a loop in the artifact "
	    "directory ('../a')");
	put(f, "cycle/bootstrap", "#!/bin/sh\n", 0755);
	put_link(f, "cycle/l1", "l2");
	put_link(f, "cycle/l2", "l1");
	dir_refused(f, "cycle", "symlink 'l1' makes a loop in the artifact "
	    "directory ('l2')");
	put(f, "self/bootstrap", "#!/bin/sh\n", 0755);
	put_link(f, "self/me", "me");
	dir_refused(f, "self", "symlink 'me' makes a loop in the artifact "
	    "directory ('me')");
	put(f, "chain/bootstrap", "#!/bin/sh\n", 0755);
	put_link(f, "chain/u", ".");
	put_link(f, "chain/a", "u/..");
	dir_refused(f, "chain", "symlink 'a' points outside the artifact "
	    "directory ('u/..')");

	/* Two links to one directory, a link between siblings: no loop. */
	put(f, "ok/bootstrap", "#!/bin/sh\n", 0755);
	put(f, "ok/lib/v1/libfoo.so", "elf", 0644);
	put_link(f, "ok/lib/current", "v1");
	put_link(f, "ok/lib/latest", "v1");
	put_link(f, "ok/bin/lib", "../lib/current");
	put_link(f, "ok/dangling", "nowhere");
	package_ok(f, &fn, f->out, &res);
	assert_int_equal(res.entries, 6);
	package_result_release(&res);
	assert_no_fd_leak(f);
}

/*
 * What invoke --local does: a ready-made zip packaged, then unpacked,
 * gets its exec bits and symlinks back on disk.
 */
static void
test_zip_unpack_modes(void **state)
{
	static const struct zspec spec[] = {
		{ "bootstrap", "#!/bin/sh\n", S_IFREG | 0644, ZIP_OPSYS_UNIX },
		{ "bin/app", "#!/bin/sh\n", S_IFREG | 0700, ZIP_OPSYS_UNIX },
		{ "lib/libfoo.so.1", "elf", S_IFREG | 0600, ZIP_OPSYS_UNIX },
		{ "lib/libfoo.so", "libfoo.so.1", S_IFLNK | 0777,
		    ZIP_OPSYS_UNIX },
	};
	struct fixture *f = *state;
	struct manifest_fn fn = fn_for("rt", "provided.al2", "rt.zip", NULL);
	struct package_result res;
	struct lc_err err = { 0 };
	struct stat st;
	char *saved, *dir, *p, link[64];
	ssize_t n;

	make_zip(f, "rt.zip", spec, sizeof spec / sizeof *spec);
	package_ok(f, &fn, f->out, &res);
	saved = tmpdir_here(f);
	if (unzip_extract(res.path, &dir, &err) == -1)
		fail_msg("unzip_extract: %s", err.msg);
	tmpdir_restore(saved);
	package_result_release(&res);
	p = xasprintf("%s/bootstrap", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0755);
	free(p);
	p = xasprintf("%s/bin/app", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0755);
	free(p);
	p = xasprintf("%s/lib/libfoo.so.1", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0644);
	free(p);
	p = xasprintf("%s/lib/libfoo.so", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(p, link, sizeof link - 1);
	assert_int_equal(n, 11);
	link[n] = '\0';
	assert_string_equal(link, "libfoo.so.1");
	free(p);
	unzip_remove_tree(dir);
	free(dir);
	assert_no_fd_leak(f);
}

/* The S3 name: the artifact's file name, never "." or "..". */
static void
test_s3_name(void **state)
{
	static const char *const cases[][2] = {
		{ "dist/app.jar", "app.jar" }, { "dist/", "dist" },
		{ "dist/.", "fn" }, { "dir/..", "fn" }, { ".", "fn" },
		{ "..//", "fn" }, { "", "fn" }, { "a/.x", ".x" },
		{ "a/...", "..." },
	};
	struct manifest_fn fn = { .name = (char *)"fn" };
	char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fn.artifact = (char *)cases[i][0];
		got = package_s3_name(&fn);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_file_bootstrap),
		T(test_file_plain),
		T(test_dir_tree),
		T(test_dir_symlink_inside),
		T(test_dir_symlink_outside),
		T(test_dir_provided),
		T(test_special_files),
		T(test_determinism),
		T(test_out_inside_tree),
		T(test_sha256),
		T(test_jar),
		T(test_relative_paths),
		T(test_jar_corrupt),
		T(test_missing),
		T(test_unzipped_limit),
		T(test_zipped_limit),
		T(test_zip_name_taken),
		T(test_no_temp_after_write_failure),
		T(test_build_ok),
		T(test_build_fail),
		T(test_zip_modes),
		T(test_zip_refusals),
		T(test_zip_bomb),
		T(test_jar_pom_date),
		T(test_jar_signed),
		T(test_dir_symlink_loops),
		T(test_zip_unpack_modes),
		T(test_s3_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
