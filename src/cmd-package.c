/*
 * cmd-package.c - lambdactl package: run each function's build, then zip
 * its artifact deterministically and print the zip's CodeSha256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "build.h"
#include "cmd.h"
#include "log.h"
#include "package.h"
#include "proc.h"

static const struct cmd_opt package_opts[] = {
	{ "out", 0, "DIR", "write the zips to DIR (default .lambdactl/)" },
	{ "no-build", 0, NULL, "skip the functions' build commands" },
	{ "build-timeout", 0, "DURATION",
	    "stop a build command after DURATION (default 10m)" },
	{ NULL, 0, NULL, NULL },
};

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


static int
package_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct manifest *m = &ctx->manifest;
	const struct manifest_fn **fns = NULL;
	const char *out = cmd_get(a, "out");
	struct build_set builds = { 0 };
	struct package_result res;
	struct lc_err ferr;
	char *outdir = NULL, size[32];
	cJSON *arr = NULL, *o;
	size_t i, n;
	int status = LC_OK;

	if (cmd_duration(a, "build-timeout", 0, 1, 86400, &builds.timeout_s,
	    &ctx->err) == -1)
		return -1;
	if (cmd_select_functions(ctx, a, &fns, &n, &ctx->err) == -1)
		return -1;
	outdir = out != NULL ? xstrdup(out) : xasprintf("%s/.lambdactl", m->dir);
	if (ctx->output == OUTPUT_JSON)
		arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		/* Interrupted (a build says so): the rest is not started. */
		if (status > 128)
			break;
		lc_error_clear(&ferr);
		memset(&res, 0, sizeof res);
		if ((!cmd_has(a, "no-build") && build_set_run(&builds,
		    fns[i], m->dir, cmd_announce_build, NULL, &ferr) == -1) ||
		    package_build(fns[i], m->dir, outdir, &res, &ferr) == -1) {
			lc_error_prefix(&ferr, "%s", fns[i]->name);
			if (status == LC_OK)
				status = ferr.status;
			if (arr != NULL) {
				o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "function",
				    fns[i]->name);
				cJSON_AddStringToObject(o, "error", ferr.msg);
				cJSON_AddItemToArray(arr, o);
			} else
				log_error(ferr.msg);
			continue;
		}
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
			cJSON_AddItemToArray(arr, o);
		} else {
			human_size(size, sizeof size, res.size);
			printf("%s  %s  %s  %s\n", fns[i]->name, res.path, size,
			    res.sha256);
		}
		package_result_release(&res);
	}
	if (arr != NULL) {
		cmd_print_json(arr);
	}
	build_set_release(&builds);
	free(fns);
	free(outdir);
	return status;
}

const struct cmd_entry cmd_package_entry = {
	.name = "package",
	.summary = "Build and zip functions deterministically",
	.usage = "[--out DIR] [--no-build] [--build-timeout DURATION] "
	    "[FUNCTION...]",
	.opts = package_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_NEEDS_MANIFEST,
	.exec = package_exec,
};
