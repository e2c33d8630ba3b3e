/* cmd-validate.c - lambdactl validate: check lambda.yml, one line a function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"

/* The function as JSON; environment values are left out (secrets). */
static cJSON *
fn_json(const struct manifest_fn *f)
{
	cJSON *o = cJSON_CreateObject(), *a, *t;
	size_t i;

	cJSON_AddStringToObject(o, "name", f->name);
	cJSON_AddStringToObject(o, "runtime", f->runtime);
	if (f->handler != NULL)
		cJSON_AddStringToObject(o, "handler", f->handler);
	cJSON_AddStringToObject(o, "role", f->role);
	cJSON_AddNumberToObject(o, "memory", (double)f->memory);
	cJSON_AddNumberToObject(o, "timeout", (double)f->timeout);
	cJSON_AddStringToObject(o, "architecture", f->architecture);
	cJSON_AddNumberToObject(o, "ephemeral_storage",
	    (double)f->ephemeral_storage);
	cJSON_AddNumberToObject(o, "build_timeout", (double)f->build_timeout);
	cJSON_AddStringToObject(o, "artifact", f->artifact);
	if (f->build != NULL)
		cJSON_AddStringToObject(o, "build", f->build);
	if (f->description != NULL)
		cJSON_AddStringToObject(o, "description", f->description);
	if (f->region != NULL)
		cJSON_AddStringToObject(o, "region", f->region);
	if (f->profile != NULL)
		cJSON_AddStringToObject(o, "profile", f->profile);
	if (f->s3_bucket != NULL)
		cJSON_AddStringToObject(o, "s3_bucket", f->s3_bucket);
	if (f->s3_prefix != NULL)
		cJSON_AddStringToObject(o, "s3_prefix", f->s3_prefix);
	a = cJSON_AddArrayToObject(o, "environment");
	for (i = 0; i < f->nenv; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->env[i].key));
	a = cJSON_AddArrayToObject(o, "layers");
	for (i = 0; i < f->nlayers; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->layers[i]));
	t = cJSON_AddObjectToObject(o, "tags");
	for (i = 0; i < f->ntags; i++)
		cJSON_AddStringToObject(t, f->tags[i].key, f->tags[i].value);
	return o;
}

static int
validate_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct manifest *m = &ctx->manifest;
	const struct manifest_fn *f;
	int wname = 4, wrt = 7, n;
	cJSON *o, *arr;
	size_t i;

	(void)a;
	if (ctx->output == OUTPUT_JSON) {
		o = cJSON_CreateObject();
		/* schema/lambdactl-validate.json; "path" as init's. */
		cJSON_AddStringToObject(o, "path", m->path);
		arr = cJSON_AddArrayToObject(o, "functions");
		for (i = 0; i < m->nfns; i++)
			cJSON_AddItemToArray(arr, fn_json(&m->fns[i]));
		cmd_print_json(o);
		return LC_OK;
	}
	for (i = 0; i < m->nfns; i++) {
		if ((n = (int)strlen(m->fns[i].name)) > wname)
			wname = n;
		if ((n = (int)strlen(m->fns[i].runtime)) > wrt)
			wrt = n;
	}
	for (i = 0; i < m->nfns; i++) {
		f = &m->fns[i];
		printf("%-*s  %-*s  %5ld MB  %3ld s  %-6s  %s\n", wname, f->name,
		    wrt, f->runtime, f->memory, f->timeout, f->architecture,
		    f->artifact);
	}
	return LC_OK;
}

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.summary = "Check lambda.yml and summarise each function",
	.usage = "[-f FILE]",
	.opts = NULL,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_NEEDS_MANIFEST,
	.exec = validate_exec,
};
