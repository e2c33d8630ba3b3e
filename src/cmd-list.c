/*
 * cmd-list.c - lambdactl list: the deployed functions, and for those of
 * lambda.yml whether they are deployed and their configuration in sync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "deploy.h"
#include "lambda-api.h"

/*
 * The manifest's role as an ARN, in the account and partition of the
 * deployed function's own ARN (arn:PART:lambda:REGION:ACCOUNT:function:N).
 */
static char *
role_for(const char *role, const char *fn_arn)
{
	const char *p[6];
	int i;

	if (strncmp(role, "arn:", 4) == 0 || fn_arn == NULL)
		return xstrdup(role);
	p[0] = fn_arn;
	for (i = 1; i < 6; i++) {
		p[i] = strchr(p[i - 1], ':');
		if (p[i] == NULL)
			return xstrdup(role);
		p[i]++;
	}
	return xasprintf("arn:%.*s:iam::%.*s:role/%s",
	    (int)(p[2] - p[1] - 1), p[1], (int)(p[5] - p[4] - 1), p[4], role);
}

/* "in sync", "differs" (with the changes in p) or "not deployed". */
static const char *
sync_state(const struct manifest_fn *fn, const struct lambda_config *cfgs,
    size_t n, struct deploy_plan *p)
{
	struct deploy_opts o = { .mode = DEPLOY_ANY, .config = 1 };
	char *role;
	size_t i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < n; i++)
		if (strcmp(cfgs[i].name, fn->name) == 0)
			break;
	if (i == n)
		return "not deployed";
	p->remote = cfgs[i];	/* borrowed: not released through p */
	role = role_for(fn->role, cfgs[i].arn);
	deploy_compare(fn, role, NULL, &o, p);
	free(role);
	memset(&p->remote, 0, sizeof p->remote);
	return p->nchanges == 0 ? "in sync" : "differs";
}

static int
list_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct manifest *m = &ctx->manifest;
	struct lambda_config *cfgs = NULL;
	struct deploy_plan p;
	struct aws_client c;
	const char *state;
	cJSON *arr = NULL, *o, *ch;
	size_t i, j, n = 0;
	int status = -1, w = 4;

	(void)a;
	cmd_aws_init(ctx, &c);
	if (lambda_list_functions(&c, &cfgs, &n, &ctx->err) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if ((int)strlen(cfgs[i].name) > w)
			w = (int)strlen(cfgs[i].name);
	for (i = 0; i < m->nfns; i++)
		if ((int)strlen(m->fns[i].name) > w)
			w = (int)strlen(m->fns[i].name);
	if (ctx->output == OUTPUT_JSON)
		arr = cJSON_CreateArray();
	else if (m->nfns > 0)
		printf("%-*s  %-16s  %6s  %-30s  %s\n", w, "NAME", "RUNTIME",
		    "MEMORY", "LAST MODIFIED", "MANIFEST");
	else
		printf("%-*s  %-16s  %6s  %s\n", w, "NAME", "RUNTIME",
		    "MEMORY", "LAST MODIFIED");
	for (i = 0; i < n; i++) {
		const struct manifest_fn *fn = manifest_find(m, cfgs[i].name);

		state = fn != NULL ? sync_state(fn, cfgs, n, &p) : NULL;
		if (arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", cfgs[i].name);
			cJSON_AddStringToObject(o, "runtime",
			    cfgs[i].runtime != NULL ? cfgs[i].runtime : "");
			cJSON_AddNumberToObject(o, "memory",
			    (double)cfgs[i].memory);
			cJSON_AddNumberToObject(o, "timeout",
			    (double)cfgs[i].timeout);
			cJSON_AddStringToObject(o, "last_modified",
			    cfgs[i].last_modified != NULL ?
			    cfgs[i].last_modified : "");
			cJSON_AddStringToObject(o, "code_sha256",
			    cfgs[i].code_sha256 != NULL ?
			    cfgs[i].code_sha256 : "");
			if (state != NULL) {
				cJSON_AddStringToObject(o, "manifest", state);
				ch = cJSON_AddArrayToObject(o, "differences");
				for (j = 0; j < p.nchanges; j++)
					cJSON_AddItemToArray(ch,
					    cJSON_CreateString(
					    p.changes[j].text));
			}
			cJSON_AddItemToArray(arr, o);
		} else
			printf("%-*s  %-16s  %6ld  %-*s%s%s\n", w,
			    cfgs[i].name, cfgs[i].runtime != NULL ?
			    cfgs[i].runtime : "-", cfgs[i].memory,
			    state != NULL ? 30 : 0, cfgs[i].last_modified != NULL ?
			    cfgs[i].last_modified : "-", state != NULL ? "  " : "",
			    state != NULL ? state : "");
		if (state != NULL)
			deploy_plan_release(&p);
	}
	/* Manifest functions that are not deployed at all. */
	for (i = 0; i < m->nfns; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(cfgs[j].name, m->fns[i].name) == 0)
				break;
		if (j < n)
			continue;
		if (arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", m->fns[i].name);
			cJSON_AddStringToObject(o, "manifest", "not deployed");
			cJSON_AddItemToArray(arr, o);
		} else
			printf("%-*s  %-16s  %6s  %-30s  %s\n", w,
			    m->fns[i].name, "-", "-", "-", "not deployed");
	}
	if (arr != NULL)
		cmd_print_json(arr);
	status = LC_OK;
out:
	for (i = 0; i < n; i++)
		lambda_config_release(&cfgs[i]);
	free(cfgs);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.summary = "List deployed functions and whether lambda.yml's are in sync",
	.usage = "[-f FILE]",
	.opts = NULL,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS,
	.exec = list_exec,
};
