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
#include "json.h"
#include "lambda-api.h"
#include "plan.h"
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
		if (manifest_fn_unresolved(fn, p->changes[i].field))
			plan_line_release(&p->changes[i]);
		else
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

/* What list prints: the deployed functions, then the manifest's others. */
struct listing {
	const struct manifest	*m;
	struct regions		 rs;
	struct lambda_config	*cfgs;	/* deployed, in every region */
	size_t			*reg;	/* each one's region in rs */
	size_t			 n;
	int			 w;	/* the NAME column's width */
	int			 wr;	/* the REGION column's; 0: none */
	int			 esc;	/* escape what Lambda sent (term.h) */
	cJSON			*arr;	/* --output json: the rows */
};

/* The longest name sets NAME; a REGION column only for several regions. */
static void
listing_widths(struct listing *l)
{
	size_t i;

	l->w = 4;
	for (i = 0; i < l->n; i++)
		if ((int)strlen(l->cfgs[i].name) > l->w)
			l->w = (int)strlen(l->cfgs[i].name);
	for (i = 0; i < l->m->nfns; i++)
		if ((int)strlen(l->m->fns[i].name) > l->w)
			l->w = (int)strlen(l->m->fns[i].name);
	l->wr = 0;
	if (l->rs.n > 1) {
		l->wr = 6;
		for (i = 0; i < l->rs.n; i++)
			if ((int)strlen(l->rs.names[i]) > l->wr)
				l->wr = (int)strlen(l->rs.names[i]);
	}
}

static void
print_header(const struct listing *l)
{
	if (l->m->nfns > 0)
		printf("%-*s  %-*s%-16s  %6s  %-30s  %s\n", l->w, "NAME",
		    l->wr ? l->wr + 2 : 0, l->wr ? "REGION" : "", "RUNTIME",
		    "MEMORY", "LAST MODIFIED", "MANIFEST");
	else
		printf("%-*s  %-*s%-16s  %6s  %s\n", l->w, "NAME",
		    l->wr ? l->wr + 2 : 0, l->wr ? "REGION" : "", "RUNTIME",
		    "MEMORY", "LAST MODIFIED");
}

/* A deployed function as a JSON row (schema/lambdactl-list.json); state
 * and p when in the manifest. */
static cJSON *
deployed_json(const struct lambda_config *cfg, const char *region,
    const char *state, const struct deploy_plan *p)
{
	cJSON *o = cJSON_CreateObject(), *ch;
	size_t j;

	cJSON_AddStringToObject(o, "name", cfg->name);
	cJSON_AddStringToObject(o, "region", region);
	json_add_str_or_null(o, "runtime", cfg->runtime);	/* none: an image */
	cJSON_AddNumberToObject(o, "memory", (double)cfg->memory);
	cJSON_AddNumberToObject(o, "timeout", (double)cfg->timeout);
	json_add_str_or_null(o, "last_modified", cfg->last_modified);
	json_add_str_or_null(o, "code_sha256", cfg->code_sha256);
	if (state != NULL) {
		cJSON_AddStringToObject(o, "manifest", state);
		ch = cJSON_AddArrayToObject(o, "differences");
		for (j = 0; j < p->nchanges; j++)
			cJSON_AddItemToArray(ch,
			    plan_line_json(&p->changes[j]));
	}
	return o;
}

/*
 * Deployed function i, compared with the manifest's function of that name
 * when it lives in the same region.
 */
static void
show_deployed(struct listing *l, size_t i)
{
	const struct lambda_config *cfg = &l->cfgs[i];
	const struct manifest_fn *fn = manifest_find(l->m, cfg->name);
	const char *region = l->rs.names[l->reg[i]], *state;
	struct deploy_plan p;

	if (fn != NULL && l->rs.of_fn[fn - l->m->fns] != l->reg[i])
		fn = NULL;
	state = fn != NULL ? sync_state(fn, cfg, &p) : NULL;
	if (l->arr != NULL)
		cJSON_AddItemToArray(l->arr, deployed_json(cfg, region, state,
		    &p));
	else
		term_printf(stdout, l->esc, "%-*s  %-*s%-16s  %6ld  %-*s%s%s\n",
		    l->w, cfg->name, l->wr ? l->wr + 2 : 0,
		    l->wr ? region : "",
		    cfg->runtime != NULL ? cfg->runtime : "-", cfg->memory,
		    state != NULL ? 30 : 0,
		    cfg->last_modified != NULL ? cfg->last_modified : "-",
		    state != NULL ? "  " : "", state != NULL ? state : "");
	if (state != NULL)
		deploy_plan_release(&p);
}

/* The manifest's functions that are not deployed (in their region). */
static void
show_missing(struct listing *l)
{
	const char *name, *region;
	cJSON *o;
	size_t i, j;

	for (i = 0; i < l->m->nfns; i++) {
		name = l->m->fns[i].name;
		region = l->rs.names[l->rs.of_fn[i]];
		for (j = 0; j < l->n; j++)
			if (l->reg[j] == l->rs.of_fn[i] &&
			    strcmp(l->cfgs[j].name, name) == 0)
				break;
		if (j < l->n)
			continue;
		if (l->arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", name);
			cJSON_AddStringToObject(o, "region", region);
			cJSON_AddStringToObject(o, "manifest", "not deployed");
			cJSON_AddItemToArray(l->arr, o);
		} else
			printf("%-*s  %-*s%-16s  %6s  %-30s  %s\n", l->w, name,
			    l->wr ? l->wr + 2 : 0, l->wr ? region : "", "-",
			    "-", "-", "not deployed");
	}
}

/*
 * Lists the functions deployed in the default region and in each manifest
 * function's, then the manifest's functions that are not deployed.
 */
static int
list_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct listing l = { 0 };
	struct aws_client c;
	const char *r;
	size_t i;
	int status = -1;

	(void)a;
	l.m = &ctx->manifest;
	l.esc = term_escaping(STDOUT_FILENO, 0);
	cmd_aws_init(ctx, &c);
	/* One rule for regions: every manifest function's, and the default. */
	l.rs.of_fn = xcalloc(l.m->nfns + 1, sizeof *l.rs.of_fn);
	if (ctx->region != NULL)
		region_index(&l.rs, ctx->region);
	for (i = 0; i < l.m->nfns; i++) {
		if (cmd_region(ctx, l.m->fns[i].name, &r, &ctx->err) == -1)
			goto out;
		l.rs.of_fn[i] = region_index(&l.rs, r);
	}
	if (list_regions(ctx, &c, &l.rs, &l.cfgs, &l.reg, &l.n) == -1)
		goto out;
	listing_widths(&l);
	if (ctx->output == OUTPUT_JSON)
		l.arr = cJSON_CreateArray();
	else
		print_header(&l);
	for (i = 0; i < l.n; i++)
		show_deployed(&l, i);
	show_missing(&l);
	if (l.arr != NULL)
		cmd_print_json(l.arr);
	status = LC_OK;
out:
	for (i = 0; i < l.n; i++)
		lambda_config_release(&l.cfgs[i]);
	free(l.cfgs);
	free(l.reg);
	free(l.rs.names);
	free(l.rs.of_fn);
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
