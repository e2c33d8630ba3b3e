/*
 * cmd-init.c - lambdactl init --from NAME... [--download] [--force]: a
 * lambda.yml (init.h) from the functions GetFunction reports, and with
 * --download their code, fetched from Code.Location, as NAME.zip beside
 * it.  Every file is written under a temporary name in its directory and
 * renamed into place once everything has succeeded, so that a failure
 * (a missing function, a download cut short or not matching CodeSha256,
 * an interrupt) leaves no file behind and nothing half-written.
 */
/* renameat2 and RENAME_NOREPLACE (glibc >= 2.28): rename_noreplace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "cmd.h"
#include "http.h"
#include "init.h"
#include "lambda-api.h"
#include "log.h"
#include "sha256.h"

/*
 * The most code fetched when Lambda does not say its size: over Lambda's
 * own limit of 250 MB unzipped, which a zip does not pass by much.
 */
#define INIT_CODE_MAX	(300UL * 1024 * 1024)

static const struct cmd_opt init_opts[] = {
	{ "from", 0, "NAME", "the deployed function to describe (more names "
	    "may follow)" },
	{ "download", 0, NULL, "fetch each function's code as NAME.zip, its "
	    "artifact" },
	{ "force", 0, NULL, "overwrite an existing lambda.yml and NAME.zip" },
	{ NULL, 0, NULL, NULL },
};

/* The SIGINT or SIGTERM that came: the transfers stop, nothing is
 * written, and the exit status is 128 + it. */
static volatile sig_atomic_t init_stop;

static void
on_stop(int sig)
{
	init_stop = sig;
}

/* A file being written under a temporary name in its directory. */
struct staged {
	char	*path;		/* where it goes */
	char	*tmp;		/* NULL: not (or no longer) there */
	int	 placed;	/* renamed into place */
};

/* One function to describe. */
struct job {
	struct lambda_config	 cfg;
	char			*artifact;	/* --download: NAME.zip */
	struct staged		 zip;		/* --download */
	uint64_t		 size;
};

/* path: in dir ("." for none) under name. */
static char *
in_dir(const char *dir, const char *name)
{
	return strcmp(dir, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s",
	    dir, name);
}

/* Opens a temporary file for st->path (mode 0600) beside it. */
static int
stage_open(struct staged *st, const char *dir, const char *name,
    struct lc_err *err)
{
	int fd;

	st->path = in_dir(dir, name);
	st->tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	if ((fd = mkstemp(st->tmp)) == -1) {
		lc_error(err, LC_EFAIL, "cannot create a file in '%s': %s",
		    dir, strerror(errno));
		free(st->tmp);
		st->tmp = NULL;
	}
	return fd;
}

/*
 * Finishes the file of fd: its mode, on disk, closed (fd is closed
 * whatever happens).  -1 with err (the temporary file stays for
 * stage_drop).
 */
static int
stage_close(struct staged *st, int fd, mode_t mode, struct lc_err *err)
{
	int e;

	if (fchmod(fd, mode) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		return lc_error(err, LC_EFAIL, "cannot write '%s': %s",
		    st->path, strerror(e));
	}
	if (close(fd) == -1)
		return lc_error(err, LC_EFAIL, "cannot write '%s': %s",
		    st->path, strerror(errno));
	return 0;
}

/* Whether link()'s errno e says the filesystem has no hard links (FAT,
 * some FUSE and network mounts), rather than anything about the name. */
static int
no_hard_links(int e)
{
	return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS ||
	    e == EXDEV || e == EMLINK;
}

/*
 * Renames tmp to path only where nothing is, without hard links:
 * renameat2's RENAME_NOREPLACE where the system and the filesystem have
 * it; else the name is claimed with an O_EXCL create (which fails on an
 * existing one) and the file renamed over that empty claim.  -1 with
 * errno.
 */
static int
rename_noreplace(const char *tmp, const char *path)
{
	int fd, e;

#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP &&
	    errno != EOPNOTSUPP)
		return -1;
#endif
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return -1;
	close(fd);
	if (rename(tmp, path) == 0)
		return 0;
	e = errno;
	unlink(path);	/* the empty claim */
	errno = e;
	return -1;
}

/*
 * Puts the file in place: over what is there (force), or only where
 * nothing is (a hard link fails on an existing name, even one made since
 * the first check; without hard links, rename_noreplace).
 */
static int
stage_place(struct staged *st, int force, struct lc_err *err)
{
	int linked = 0, r;

	if (force)
		r = rename(st->tmp, st->path);
	else if ((r = link(st->tmp, st->path)) == 0)
		linked = 1;
	else if (no_hard_links(errno))
		r = rename_noreplace(st->tmp, st->path);
	if (r == -1) {
		if (errno == EEXIST)
			return lc_error(err, LC_EFAIL, "'%s' exists (use "
			    "--force to overwrite it)", st->path);
		return lc_error(err, LC_EFAIL, "cannot write '%s': %s",
		    st->path, strerror(errno));
	}
	if (linked)
		unlink(st->tmp);
	free(st->tmp);
	st->tmp = NULL;
	st->placed = 1;
	return 0;
}

/* Removes what st left: the temporary file, and (undo) the placed one. */
static void
stage_drop(struct staged *st, int undo)
{
	if (st->tmp != NULL)
		unlink(st->tmp);
	if (undo && st->placed)
		unlink(st->path);
	free(st->tmp);
	free(st->path);
	memset(st, 0, sizeof *st);
}

static mode_t
umasked(mode_t mode)
{
	mode_t old = umask(0);

	umask(old);
	return mode & ~old;
}

/* Refuses path when something is there and force is not set. */
static int
check_free(const char *path, int force, struct lc_err *err)
{
	struct stat st;

	if (force || lstat(path, &st) == -1)
		return 0;
	return lc_error(err, LC_EFAIL, "'%s' exists (use --force to overwrite "
	    "it)", path);
}

/*
 * Whether the code's URL may be fetched: https, or http to this machine
 * (a local emulator); never another scheme (file:, ...) nor a user part
 * ("http://127.0.0.1@elsewhere/").
 */
static int
code_url_ok(const char *url)
{
	static const char *const loopback[] = { "127.0.0.1", "localhost",
	    "[::1]" };
	const char *host;
	size_t i, n, len;

	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return 0;
	n = strcspn(host, "/?#");
	if (memchr(host, '@', n) != NULL)
		return 0;
	if (host == url + 8)
		return 1;
	for (i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
		len = strlen(loopback[i]);
		if (len <= n && strncasecmp(host, loopback[i], len) == 0 &&
		    (len == n || host[len] == ':'))
			return 1;
	}
	return 0;
}

/* Where the code goes as it comes: the file and the hash. */
struct code_sink {
	int			 fd;
	struct sha256_ctx	 h;
	uint64_t		 n;
};

static int
on_code(void *arg, const char *data, size_t len)
{
	struct code_sink *s = arg;

	if (write_all(s->fd, data, len) == -1)
		return -1;
	sha256_update(&s->h, data, len);
	s->n += len;
	return 0;
}

/* Checks what was fetched against what GetFunction said. */
static int
check_code(const struct job *j, long status, const struct code_sink *s,
    const char *b64, struct lc_err *err)
{
	const struct lambda_config *c = &j->cfg;

	if (status != 200)
		return lc_error(err, LC_EFAIL, "%s: fetching the code: HTTP "
		    "%ld%s", c->name, status, status == 403 ? " (the link "
		    "GetFunction gives is valid for minutes: try again)" : "");
	if (c->code_size > 0 && s->n != (uint64_t)c->code_size)
		return lc_error(err, LC_EFAIL, "%s: the code fetched is %ju "
		    "bytes, not the %jd Lambda reports", c->name,
		    (uintmax_t)s->n, (intmax_t)c->code_size);
	if (c->code_sha256 == NULL || strcmp(b64, c->code_sha256) != 0)
		return lc_error(err, LC_EFAIL, "%s: the code fetched has "
		    "SHA-256 %s, not the CodeSha256 %s Lambda reports",
		    c->name, b64, c->code_sha256 != NULL ? c->code_sha256 :
		    "(none)");
	return 0;
}

/*
 * Fetches j's code into a temporary file beside lambda.yml (dir): a plain
 * GET of Code.Location, no AWS signature, streamed to the file and the
 * hash, checked against CodeSize and CodeSha256.
 */
static int
fetch_code(struct http_client *hc, struct job *j, const char *dir,
    struct lc_err *err)
{
	struct code_sink s = { -1, { NULL }, 0 };
	struct http_request rq = { 0 };
	struct http_response rs;
	unsigned char md[SHA256_LEN];
	char b64[SHA256_B64_LEN + 1], *name;
	int rv = -1;

	if (j->cfg.code_location == NULL)
		return lc_error(err, LC_EFAIL, "%s: GetFunction gives no "
		    "Code.Location to fetch the code from", j->cfg.name);
	if (!code_url_ok(j->cfg.code_location))
		return lc_error(err, LC_EFAIL, "%s: not fetching the code from "
		    "a location that is not https", j->cfg.name);
	name = init_artifact_name(j->cfg.name);
	s.fd = stage_open(&j->zip, dir, name, err);
	free(name);
	if (s.fd == -1)
		return -1;
	sha256_init(&s.h);
	rq.method = "GET";
	rq.url = j->cfg.code_location;
	rq.max_body = j->cfg.code_size > 0 ? (size_t)j->cfg.code_size :
	    INIT_CODE_MAX;
	rq.sink = on_code;
	rq.sink_arg = &s;
	rq.stop = &init_stop;
	if (http_send(hc, &rq, &rs, err) == -1) {
		lc_error_prefix(err, "%s: fetching the code", j->cfg.name);
		sha256_final(&s.h, md);
		close(s.fd);
		http_response_release(&rs);
		return -1;
	}
	sha256_final(&s.h, md);
	sha256_to_b64(md, b64);
	if (check_code(j, rs.status, &s, b64, err) == 0)
		rv = stage_close(&j->zip, s.fd, umasked(0666), err);
	else
		close(s.fd);
	j->size = s.n;
	http_response_release(&rs);
	return rv;
}

/* Writes the text into a temporary file for path. */
static int
stage_text(struct staged *st, const char *dir, const char *base,
    const struct init_result *res, struct lc_err *err)
{
	/* The environment's values may be secrets: for the owner alone. */
	mode_t mode = res->nenv > 0 ? 0600 : umasked(0666);
	int fd;

	if ((fd = stage_open(st, dir, base, err)) == -1)
		return -1;
	if (write_all(fd, res->yaml, res->len) == -1) {
		lc_error(err, LC_EFAIL, "cannot write '%s': %s", st->path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return stage_close(st, fd, mode, err);
}

/* The names: each --from's, then the arguments. */
static char **
names_of(const struct cmd_args *a, size_t *n)
{
	char **v = xcalloc(a->nvals + (size_t)a->argc + 1, sizeof *v);
	size_t i;
	int k;

	*n = 0;
	for (i = 0; i < a->nvals; i++)
		if (strcmp(a->vals[i].opt->name, "from") == 0)
			v[(*n)++] = (char *)(uintptr_t)a->vals[i].value;
	if (*n > 0)
		for (k = 0; k < a->argc; k++)
			v[(*n)++] = a->argv[k];
	return v;
}

/* GetFunction of each name: a missing one is the error. */
static int
get_functions(struct aws_client *c, char **names, struct job *jobs,
    size_t n, struct lc_err *err)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if ((r = lambda_get_function(c, names[i], &jobs[i].cfg,
		    err)) == -1)
			return lc_error_prefix(err, "%s", names[i]);
		if (r == 0)
			return lc_error(err, LC_EFAIL, "%s: no such function in "
			    "%s", names[i], c->region);
	}
	return 0;
}

/* lambda.yml as written reads back; a warning if not (a runtime this
 * lambdactl does not know): the file is written all the same. */
static void
self_check(const char *path, const struct init_result *res)
{
	struct manifest m;
	struct lc_err err;

	if (manifest_load_mem(&m, path, res->yaml, res->len, 0, &err) == 0) {
		manifest_release(&m);
		return;
	}
	log_warn_err(&err, " (edit it before deploying)");
}

/* What was written: text, or {path, functions, artifacts} as JSON. */
static void
report(const struct cmd_ctx *ctx, const char *path, const struct job *jobs,
    size_t n)
{
	cJSON *o, *fns, *arts;
	size_t i;

	if (ctx->output == OUTPUT_JSON) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", path);
		fns = cJSON_AddArrayToObject(o, "functions");
		arts = cJSON_AddArrayToObject(o, "artifacts");
		for (i = 0; i < n; i++) {
			cJSON_AddItemToArray(fns,
			    cJSON_CreateString(jobs[i].cfg.name));
			if (jobs[i].zip.path != NULL)
				cJSON_AddItemToArray(arts,
				    cJSON_CreateString(jobs[i].zip.path));
		}
		cmd_print_json(o);
		return;
	}
	for (i = 0; i < n; i++)
		if (jobs[i].zip.path != NULL)
			printf("wrote %s (the code of %s, %ju bytes)\n",
			    jobs[i].zip.path, jobs[i].cfg.name,
			    (uintmax_t)jobs[i].size);
	printf("wrote %s (", path);
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? ", " : "", jobs[i].cfg.name);
	printf(")\n");
}

/* The notes on what to edit: the environment's values, placeholders. */
static void
notes(const char *path, const struct init_result *res)
{
	if (res->nenv > 0)
		log_warn("%s holds the environment values as deployed (mode "
		    "0600): keep secrets out of it with ${env:NAME}", path);
	if (res->nplaceholders > 0)
		log_warn("%s: each artifact marked 'placeholder' names no "
		    "file yet: point it at your build's zip or jar (or use "
		    "--download)", path);
}

/* The files staged and placed: the zips, then lambda.yml; all or none
 * (an old zip that --force replaced is gone all the same). */
static int
place_all(struct job *jobs, size_t n, struct staged *yml, int force,
    struct lc_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (jobs[i].zip.tmp != NULL &&
		    stage_place(&jobs[i].zip, force, err) == -1)
			goto undo;
	if (stage_place(yml, force, err) == 0)
		return 0;
undo:
	for (i = 0; i < n; i++)
		stage_drop(&jobs[i].zip, 1);
	return -1;
}

/* Fetches the code of each function of jobs, refusing to overwrite a
 * zip without force. */
static int
fetch_all(struct http_client *hc, struct job *jobs, size_t n,
    const char *dir, int force, struct lc_err *err)
{
	char *path;
	size_t i;
	int rv;

	for (i = 0; i < n; i++) {
		path = in_dir(dir, jobs[i].artifact);
		rv = check_free(path, force, err);
		free(path);
		if (rv == -1 || fetch_code(hc, &jobs[i], dir, err) == -1)
			return -1;
	}
	return 0;
}

/*
 * Describes, fetches, checks and writes lambda.yml at path: every file, or
 * none.  Returns the exit status.
 */
static int
init_run(struct cmd_ctx *ctx, struct aws_client *c, const char *path,
    char **names, struct job *jobs, size_t n, int download, int force)
{
	const char *slash = strrchr(path, '/');
	struct init_fn *fns = xcalloc(n, sizeof *fns);
	struct init_result res = { 0 };
	struct staged yml = { 0 };
	char *dir;
	size_t i;
	int rv = -1;

	dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	if (check_free(path, force, &ctx->err) == -1 ||
	    get_functions(c, names, jobs, n, &ctx->err) == -1 || init_stop)
		goto out;
	for (i = 0; i < n; i++) {
		if (download)
			jobs[i].artifact = init_artifact_name(jobs[i].cfg.name);
		fns[i].cfg = &jobs[i].cfg;
		fns[i].artifact = jobs[i].artifact;
	}
	/* Before any download: what lambda.yml cannot hold is refused. */
	if (init_yaml(fns, n, c->region, &res, &ctx->err) == -1 ||
	    (download && fetch_all(c->http, jobs, n, dir, force,
	    &ctx->err) == -1))
		goto out;
	self_check(path, &res);
	if (stage_text(&yml, dir, slash != NULL ? slash + 1 : path, &res,
	    &ctx->err) == -1)
		goto out;
	if (init_stop || place_all(jobs, n, &yml, force, &ctx->err) == -1)
		goto out;
	report(ctx, path, jobs, n);
	notes(path, &res);
	rv = 0;
out:
	for (i = 0; i < n; i++)
		stage_drop(&jobs[i].zip, 0);
	stage_drop(&yml, 0);
	init_result_release(&res);
	free(fns);
	free(dir);
	return rv == 0 ? LC_OK : -1;
}

static int
init_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct aws_client c;
	struct job *jobs;
	char **names;
	size_t i, n;
	int status;

	names = names_of(a, &n);
	if (n == 0) {
		free(names);
		return lc_error(&ctx->err, LC_EUSAGE, "init needs --from NAME: "
		    "the deployed functions to write lambda.yml from");
	}
	cmd_aws_init(ctx, &c);
	if (cmd_region(ctx, NULL, &c.region, &ctx->err) == -1) {
		cmd_aws_release(&c);
		free(names);
		return -1;
	}
	jobs = xcalloc(n, sizeof *jobs);
	cmd_catch_stop(on_stop, SA_RESETHAND);
	status = init_run(ctx, &c, manifest_path(ctx->manifest_flag), names,
	    jobs, n, cmd_has(a, "download"), cmd_has(a, "force"));
	if (init_stop && status == -1)
		lc_error(&ctx->err, 128 + init_stop, "interrupted by %s: "
		    "nothing written", init_stop == SIGINT ? "SIGINT" :
		    "SIGTERM");
	for (i = 0; i < n; i++) {
		lambda_config_release(&jobs[i].cfg);
		free(jobs[i].artifact);
	}
	free(jobs);
	free(names);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.summary = "Write lambda.yml from deployed functions",
	.usage = "--from NAME... [--download] [--force]",
	.opts = init_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_NEEDS_CREDS,
	.exec = init_exec,
};
