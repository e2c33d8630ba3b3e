/*
 * cmd-list.c - lambdactl list: the deployed functions, and for those of
 * lambda.yml whether they are deployed and their configuration in sync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "deploy.h"
#include "lambda-api.h"
#include "sts.h"
#include "term.h"

/*
 * Drops from p the differences in values that hold an unset ${env:...}
 * (MANIFEST_DEFER_ENV): what they will be is not known here.
 */
static void
drop_unresolved(const struct manifest_fn *fn, struct deploy_plan *p)
{
	size_t i, j;

	for (i = j = 0; i < p->nchanges; i++) {
		if (manifest_fn_unresolved(fn, p->changes[i].field)) {
			free(p->changes[i].field);
			free(p->changes[i].text);
		} else
			p->changes[j++] = p->changes[i];
	}
	p->nchanges = j;
}

/* "in sync" or "differs" (with the changes in p) for deployed cfg. */
static const char *
sync_state(const struct manifest_fn *fn, const struct lambda_config *cfg,
    struct deploy_plan *p)
{
	struct deploy_opts o = { .mode = DEPLOY_ANY, .config = 1 };
	char *role;

	memset(p, 0, sizeof *p);
	p->remote = *cfg;	/* borrowed: not released through p */
	/* The account and partition of the deployed function's own ARN. */
	role = sts_role_arn_like(fn->role, cfg->arn, NULL);
	deploy_compare(fn, role, NULL, &o, p);
	free(role);
	memset(&p->remote, 0, sizeof p->remote);
	drop_unresolved(fn, p);
	return p->nchanges == 0 ? "in sync" : "differs";
}

/* The regions to list: the default one, then each function's, once. */
struct regions {
	const char	**names;
	size_t		  n;
	size_t		 *of_fn;	/* each manifest function's index */
};

/* Index of region r in rs, added if new. */
static size_t
region_index(struct regions *rs, const char *r)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->names[i], r) == 0)
			return i;
	rs->names = xrealloc(rs->names, (rs->n + 1) * sizeof *rs->names);
	rs->names[rs->n] = r;
	return rs->n++;
}

/* The deployed functions of every region, each cfg's region in *reg. */
static int
list_regions(struct cmd_ctx *ctx, struct aws_client *c,
    const struct regions *rs, struct lambda_config **cfgs, size_t **reg,
    size_t *n)
{
	struct lambda_config *one;
	size_t r, i, k;

	for (r = 0; r < rs->n; r++) {
		c->region = rs->names[r];
		if (lambda_list_functions(c, &one, &k, &ctx->err) == -1) {
			if (rs->n > 1)
				lc_error_prefix(&ctx->err, "%s", rs->names[r]);
			return -1;
		}
		*cfgs = xrealloc(*cfgs, (*n + k + 1) * sizeof **cfgs);
		*reg = xrealloc(*reg, (*n + k + 1) * sizeof **reg);
		for (i = 0; i < k; i++) {
			(*cfgs)[*n] = one[i];
			(*reg)[(*n)++] = r;
		}
		free(one);
	}
	return 0;
}

static int
list_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct manifest *m = &ctx->manifest;
	const struct manifest_fn *fn;
	struct lambda_config *cfgs = NULL;
	struct regions rs = { 0 };
	struct deploy_plan p;
	struct aws_client c;
	const char *state, *r;
	cJSON *arr = NULL, *o, *ch;
	size_t i, j, n = 0, *reg = NULL;
	int status = -1, w = 4, wr = 0;
	/* Names and dates Lambda sent: escaped on a terminal (term.h). */
	int esc = term_escaping(STDOUT_FILENO, 0);

	(void)a;
	cmd_aws_init(ctx, &c);
	/* One rule for regions: every manifest function's, and the default. */
	rs.of_fn = xcalloc(m->nfns + 1, sizeof *rs.of_fn);
	if (ctx->region != NULL)
		region_index(&rs, ctx->region);
	for (i = 0; i < m->nfns; i++) {
		if (cmd_region(ctx, m->fns[i].name, &r, &ctx->err) == -1)
			goto out;
		rs.of_fn[i] = region_index(&rs, r);
	}
	if (list_regions(ctx, &c, &rs, &cfgs, &reg, &n) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if ((int)strlen(cfgs[i].name) > w)
			w = (int)strlen(cfgs[i].name);
	for (i = 0; i < m->nfns; i++)
		if ((int)strlen(m->fns[i].name) > w)
			w = (int)strlen(m->fns[i].name);
	/* A REGION column only when there is more than one. */
	if (rs.n > 1) {
		wr = 6;
		for (i = 0; i < rs.n; i++)
			if ((int)strlen(rs.names[i]) > wr)
				wr = (int)strlen(rs.names[i]);
	}
	if (ctx->output == OUTPUT_JSON)
		arr = cJSON_CreateArray();
	else if (m->nfns > 0)
		printf("%-*s  %-*s%-16s  %6s  %-30s  %s\n", w, "NAME",
		    wr ? wr + 2 : 0, wr ? "REGION" : "", "RUNTIME", "MEMORY",
		    "LAST MODIFIED", "MANIFEST");
	else
		printf("%-*s  %-*s%-16s  %6s  %s\n", w, "NAME",
		    wr ? wr + 2 : 0, wr ? "REGION" : "", "RUNTIME", "MEMORY",
		    "LAST MODIFIED");
	for (i = 0; i < n; i++) {
		/* A manifest function is compared in its own region only. */
		fn = manifest_find(m, cfgs[i].name);
		if (fn != NULL && rs.of_fn[fn - m->fns] != reg[i])
			fn = NULL;
		state = fn != NULL ? sync_state(fn, &cfgs[i], &p) : NULL;
		if (arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", cfgs[i].name);
			cJSON_AddStringToObject(o, "region",
			    rs.names[reg[i]]);
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
			term_printf(stdout, esc,
			    "%-*s  %-*s%-16s  %6ld  %-*s%s%s\n", w,
			    cfgs[i].name, wr ? wr + 2 : 0,
			    wr ? rs.names[reg[i]] : "",
			    cfgs[i].runtime != NULL ? cfgs[i].runtime : "-",
			    cfgs[i].memory, state != NULL ? 30 : 0,
			    cfgs[i].last_modified != NULL ?
			    cfgs[i].last_modified : "-", state != NULL ? "  " : "",
			    state != NULL ? state : "");
		if (state != NULL)
			deploy_plan_release(&p);
	}
	/* Manifest functions that are not deployed (in their region). */
	for (i = 0; i < m->nfns; i++) {
		for (j = 0; j < n; j++)
			if (reg[j] == rs.of_fn[i] &&
			    strcmp(cfgs[j].name, m->fns[i].name) == 0)
				break;
		if (j < n)
			continue;
		if (arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", m->fns[i].name);
			cJSON_AddStringToObject(o, "region",
			    rs.names[rs.of_fn[i]]);
			cJSON_AddStringToObject(o, "manifest", "not deployed");
			cJSON_AddItemToArray(arr, o);
		} else
			printf("%-*s  %-*s%-16s  %6s  %-30s  %s\n", w,
			    m->fns[i].name, wr ? wr + 2 : 0,
			    wr ? rs.names[rs.of_fn[i]] : "", "-", "-", "-",
			    "not deployed");
	}
	if (arr != NULL)
		cmd_print_json(arr);
	status = LC_OK;
out:
	for (i = 0; i < n; i++)
		lambda_config_release(&cfgs[i]);
	free(cfgs);
	free(reg);
	free(rs.names);
	free(rs.of_fn);
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
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS | CMD_DEFER_ENV,
	.exec = list_exec,
};
