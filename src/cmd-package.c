/*
 * cmd-package.c - lambdactl package: run each function's build, then zip
 * its artifact deterministically and print the zip's CodeSha256.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "b64.h"
#include "build.h"
#include "cmd.h"
#include "log.h"
#include "package.h"
#include "proc.h"
#include "s3.h"
#include "sha256.h"

static const struct cmd_opt package_opts[] = {
	{ "out", 0, "DIR", "write the zips to DIR (default .lambdactl/)" },
	{ "no-build", 0, NULL, "skip the functions' build commands" },
	{ "build-timeout", 0, "DURATION",
	    "stop a build command after DURATION (default 10m)" },
	{ "upload", 0, NULL, "upload each zip to S3 (content-addressed key)" },
	{ "s3-bucket", 0, "BUCKET", "the bucket for --upload (default: "
	    "lambda.yml's s3_bucket)" },
	{ "s3-prefix", 0, "PREFIX", "the key prefix for --upload (default: "
	    "lambda.yml's s3_prefix)" },
	{ NULL, 0, NULL, NULL },
};

/* Set by SIGINT or SIGTERM during an upload: the upload is aborted. */
static volatile sig_atomic_t upload_stop;

static void
on_stop(int sig)
{
	upload_stop = sig;
}

/* What --upload needs: the bucket and prefix, the AWS setup. */
struct upload {
	int			 on;
	struct progress		*pg;		/* progress on stderr */
	const char		*bucket;	/* --s3-bucket, or NULL */
	const char		*prefix;	/* --s3-prefix, or NULL */
	struct http_opts	 ho;
};

/* The bucket and prefix of fn's upload: the flags, else lambda.yml's. */
static void
upload_where(const struct upload *u, const struct manifest_fn *fn,
    const char **bucket, const char **prefix)
{
	*bucket = u->bucket != NULL ? u->bucket : fn->s3_bucket;
	*prefix = u->prefix != NULL ? u->prefix : fn->s3_prefix;
}

/* One upload feeding its function's line. */
struct feed {
	struct progress	*pg;
	const char	*name;
};

static void
upload_progress(void *arg, uint64_t sent, uint64_t total)
{
	const struct feed *f = arg;

	progress_upload(f->pg, f->name, sent, total);
}

/*
 * Uploads res's zip for fn to S3 in fn's region; fills the key (caller
 * frees) and whether it went up (1) or was there already (0); -1 with err.
 */
static int
upload_one(struct cmd_ctx *ctx, const struct upload *u,
    const struct manifest_fn *fn, const struct package_result *res,
    const char **bucket, char **key, struct lc_err *err)
{
	struct feed feed = { u->pg, fn->name };
	struct s3_upload_opts so = { .http = &u->ho, .stop = &upload_stop,
	    .progress = upload_progress, .progress_arg = &feed };
	struct aws_client c;
	char hex[SHA256_HEX_LEN + 1], *name;
	const char *region, *prefix;
	int ret;

	*key = NULL;
	package_sha256_hex(res, hex);
	if (cmd_region(ctx, fn->name, &region, err) == -1)
		return -1;
	upload_where(u, fn, bucket, &prefix);
	name = package_s3_name(fn);
	*key = s3_artifact_key(prefix, name, hex);
	free(name);
	cmd_aws_init(ctx, &c);
	c.endpoint_flag = NULL;		/* --endpoint-url is Lambda's */
	c.region = region;
	progress_set(u->pg, fn->name, "uploading");
	ret = s3_put_file(&c, *bucket, *key, res->path, hex, &so, err);
	cmd_aws_release(&c);
	return ret;	/* cut by the signal: status 128 + it (s3.c) */
}

/* "812 B", "4.0 KB", "12.3 MB". */
static void
human_size(char *dst, size_t len, uint64_t n)
{
	if (n < 1024)
		snprintf(dst, len, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		snprintf(dst, len, "%.1f KB", (double)n / 1024);
	else
		snprintf(dst, len, "%.1f MB", (double)n / (1024 * 1024));
}


/*
 * --upload's flags and the AWS setup; usage errors (a function without a
 * bucket among those selected) before anything is built.
 */
static int
upload_prepare(struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct manifest_fn **fns, size_t n, struct upload *u)
{
	const char *b, *p;
	char why[512];
	size_t i;

	u->bucket = cmd_get(a, "s3-bucket");
	u->prefix = cmd_get(a, "s3-prefix");
	if (!cmd_has(a, "upload")) {
		if (u->bucket != NULL || u->prefix != NULL)
			return lc_error(&ctx->err, LC_EUSAGE, "--s3-bucket and "
			    "--s3-prefix go with --upload");
		return 0;
	}
	/* The checks of lambda.yml's s3_bucket and s3_prefix. */
	if ((u->bucket != NULL && manifest_check_s3_bucket("--s3-bucket",
	    u->bucket, why, sizeof why) == -1) || (u->prefix != NULL &&
	    manifest_check_s3_prefix("--s3-prefix", u->prefix, why,
	    sizeof why) == -1))
		return lc_error(&ctx->err, LC_EUSAGE, "%s", why);
	u->on = 1;
	for (i = 0; i < n; i++) {
		upload_where(u, fns[i], &b, &p);
		if (b == NULL || *b == '\0')
			return lc_error(&ctx->err, LC_EUSAGE, "--upload: no "
			    "bucket for function '%s' (use --s3-bucket BUCKET "
			    "or 's3_bucket' in lambda.yml)", fns[i]->name);
	}
	if (cmd_prepare_aws(ctx, 1) == -1)
		return -1;
	cmd_http_opts(ctx, &u->ho);
	/* Once: the upload is aborted; a second one kills at once. */
	cmd_catch_stop(on_stop, SA_RESETHAND);
	return 0;
}

/*
 * fn's build (unless --no-build), zip and (--upload) upload, its line on
 * the board following; 0, or -1 with err; *put as upload_one's.
 */
static int
package_one(struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct upload *up, struct build_set *builds,
    const struct manifest_fn *fn, const char *outdir,
    struct package_result *res, const char **bucket, char **key, int *put,
    struct lc_err *err)
{
	const char *dir = ctx->manifest.dir;
	int r = 0;

	if (!cmd_has(a, "no-build")) {
		/* The board makes way for the build's output. */
		r = build_set_run(builds, fn, dir, cmd_announce_build_progress,
		    up->pg, err);
		progress_resume(up->pg);
	}
	if (r == -1)
		return -1;
	progress_set(up->pg, fn->name, "packaging");
	if (package_build(fn, dir, outdir, res, err) == -1)
		return -1;
	if (up->on && (*put = upload_one(ctx, up, fn, res, bucket, key,
	    err)) == -1)
		return -1;
	return 0;
}

/* The function's line ends: "done: 4.1 MB, uploaded", or failed. */
static void
end_line(const struct upload *up, const struct manifest_fn *fn,
    const struct package_result *res, const char *key, int put,
    const struct lc_err *err)
{
	char size[32], text[64];

	if (err != NULL) {
		/* Stopped: a build or an upload cut by the signal (status
		 * above 128); any other failure is one, signal or not. */
		progress_end(up->pg, fn->name, lc_error_stopped(err) ?
		    PROGRESS_STOPPED : PROGRESS_FAILED, err->msg, NULL);
		return;
	}
	human_size(size, sizeof size, res->size);
	snprintf(text, sizeof text, "%s%s", size, key == NULL ? "" :
	    put == 1 ? ", uploaded" : ", already in S3");
	progress_end(up->pg, fn->name, PROGRESS_DONE, text, NULL);
}

static int
package_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct manifest *m = &ctx->manifest;
	const struct manifest_fn **fns = NULL;
	const char *out = cmd_get(a, "out");
	struct build_set builds = { 0 };
	struct package_result res;
	struct lc_err ferr;
	struct upload up = { 0 };
	char *outdir = NULL, size[32], *key = NULL;
	const char *bucket = NULL;
	int put = 0;
	cJSON *arr = NULL, *o;
	size_t i, n;
	int status = LC_OK;

	if (cmd_duration(a, "build-timeout", 0, 1, 86400, &builds.timeout_s,
	    &ctx->err) == -1)
		return -1;
	if (cmd_select_functions(ctx, a, &fns, &n, &ctx->err) == -1)
		return -1;
	if (upload_prepare(ctx, a, fns, n, &up) == -1) {
		free(fns);
		return -1;
	}
	outdir = out != NULL ? xstrdup(out) : xasprintf("%s/.lambdactl", m->dir);
	up.pg = progress_new(stderr, cmd_progress_mode(ctx));
	for (i = 0; i < n; i++)
		progress_add(up.pg, fns[i]->name);
	if (ctx->output == OUTPUT_JSON)
		arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		/* Interrupted (a build says so, or a signal during an
		 * upload, even after an earlier failure): the rest is not
		 * started. */
		if (status > 128 || upload_stop)
			break;
		lc_error_clear(&ferr);
		memset(&res, 0, sizeof res);
		if (package_one(ctx, a, &up, &builds, fns[i], outdir, &res,
		    &bucket, &key, &put, &ferr) == -1) {
			package_result_release(&res);
			free(key);
			key = NULL;
			end_line(&up, fns[i], NULL, NULL, 0, &ferr);
			progress_suspend(up.pg);
			lc_error_prefix(&ferr, "%s", fns[i]->name);
			if (status == LC_OK || ferr.status > 128)
				status = ferr.status;
			if (arr != NULL) {
				o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "function",
				    fns[i]->name);
				cmd_json_add_error(o, "error", ferr.msg);
				cJSON_AddItemToArray(arr, o);
			} else
				log_error(ferr.msg);
			progress_resume(up.pg);
			continue;
		}
		end_line(&up, fns[i], &res, key, put, NULL);
		progress_suspend(up.pg);
		if (arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "function", fns[i]->name);
			cJSON_AddStringToObject(o, "path", res.path);
			cJSON_AddNumberToObject(o, "size", (double)res.size);
			cJSON_AddNumberToObject(o, "unzipped_size",
			    (double)res.unzipped);
			cJSON_AddNumberToObject(o, "entries",
			    (double)res.entries);
			cJSON_AddStringToObject(o, "code_sha256", res.sha256);
			if (key != NULL) {
				cJSON_AddStringToObject(o, "s3_bucket",
				    bucket);
				cJSON_AddStringToObject(o, "s3_key", key);
				cJSON_AddBoolToObject(o, "uploaded", put == 1);
			}
			cJSON_AddItemToArray(arr, o);
		} else {
			human_size(size, sizeof size, res.size);
			printf("%s  %s  %s  %s\n", fns[i]->name, res.path, size,
			    res.sha256);
			if (key != NULL)
				printf("%s  s3://%s/%s  %s\n", fns[i]->name,
				    bucket, key, put == 1 ? "uploaded" :
				    "already there");
		}
		fflush(stdout);
		progress_resume(up.pg);
		package_result_release(&res);
		free(key);
		key = NULL;
	}
	progress_finish(up.pg);
	if (upload_stop && status <= 128)
		status = 128 + upload_stop;
	if (arr != NULL) {
		cmd_print_json(arr);
	}
	progress_free(up.pg);
	build_set_release(&builds);
	free(fns);
	free(outdir);
	return status;
}

const struct cmd_entry cmd_package_entry = {
	.name = "package",
	.summary = "Build and zip functions deterministically",
	.usage = "[--out DIR] [--no-build] [--build-timeout DURATION] "
	    "[--upload [--s3-bucket BUCKET] [--s3-prefix PREFIX]] "
	    "[FUNCTION...]",
	.opts = package_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_NEEDS_MANIFEST,
	.exec = package_exec,
};
