/*
 * cmd-versions.c - lambdactl versions FUNCTION: the published versions,
 * newest first, with the aliases pointing at each (a canary's alias on
 * both of its versions, with their shares of the traffic).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alias-move.h"
#include "cmd.h"
#include "json.h"
#include "lambda-versions.h"
#include "term.h"

/* The share of the invokes of version v that alias a sends: 1 for a
 * plain alias, 1 - w and w for a canary's two versions, 0: none.  1 - w
 * is rounded to 9 places, so that 1 - 0.7 shows as 0.3, not
 * 0.30000000000000004. */
static double
share(const struct lambda_alias *a, const char *v)
{
	if (strcmp(a->version, v) == 0)
		return a->extra_version == NULL ? 1 :
		    (double)(long long)((1 - a->extra_weight) * 1e9 + 0.5) /
		    1e9;
	if (a->extra_version != NULL && strcmp(a->extra_version, v) == 0)
		return a->extra_weight;
	return 0;
}

/* The ALIASES cell of version v: "live, beta", "live (90%)", or "-". */
static void
aliases_cell(const struct lambda_alias *a, size_t na, const char *v,
    struct buf *out)
{
	char pct[32];
	double w;
	size_t i;

	buf_reset(out);
	for (i = 0; i < na; i++) {
		if ((w = share(&a[i], v)) == 0)
			continue;
		buf_adds(out, out->len > 0 ? ", " : "");
		buf_adds(out, a[i].name);
		if (a[i].extra_version != NULL) {
			alias_percent(w, pct, sizeof pct);
			buf_addf(out, " (%s%%)", pct);
		}
	}
	if (out->len == 0)
		buf_adds(out, "-");
}

static const char *
dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

static int
max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

/* The table, newest first; the columns as wide as their longest cell (an
 * empty description leaves no blanks at the end of its row). */
static void
print_text(const struct lambda_version *v, size_t n,
    const struct lambda_alias *a, size_t na)
{
	struct buf cell = BUF_INIT, row = BUF_INIT;
	int wv = 7, wm = 13, ws = 10, wa = 7, esc;
	char **cells = xcalloc(n, sizeof *cells);
	size_t i;

	esc = term_escaping(STDOUT_FILENO, 0);
	for (i = 0; i < n; i++) {
		aliases_cell(a, na, v[i].version, &cell);
		cells[i] = xstrdup(cell.data);
		wv = max_int(wv, strlen(v[i].version));
		wm = max_int(wm, strlen(dash(v[i].last_modified)));
		ws = max_int(ws, strlen(dash(v[i].code_sha256)));
		wa = max_int(wa, strlen(cells[i]));
	}
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", wv, "VERSION", wm,
	    "LAST MODIFIED", ws, "CODESHA256", wa, "ALIASES", "DESCRIPTION");
	for (i = n; i-- > 0;) {
		buf_reset(&row);
		buf_addf(&row, "%-*s  %-*s  %-*s  %-*s  %s", wv, v[i].version,
		    wm, dash(v[i].last_modified), ws, dash(v[i].code_sha256),
		    wa, cells[i], v[i].description);
		while (row.len > 0 && row.data[row.len - 1] == ' ')
			buf_truncate(&row, row.len - 1);
		buf_addch(&row, '\n');
		term_write(stdout, row.data, row.len, esc, TERM_TEXT);
	}
	for (i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
	buf_release(&cell);
	buf_release(&row);
}

/* One version as a JSON object. */
static cJSON *
version_json(const struct lambda_version *v, const struct lambda_alias *a,
    size_t na)
{
	cJSON *o = cJSON_CreateObject(), *arr, *one;
	double w;
	size_t i;

	cJSON_AddStringToObject(o, "version", v->version);
	json_add_str_or_null(o, "last_modified", v->last_modified);
	json_add_str_or_null(o, "code_sha256", v->code_sha256);
	cJSON_AddNumberToObject(o, "code_size", (double)v->code_size);
	cJSON_AddStringToObject(o, "description", v->description);
	json_add_str_or_null(o, "state", v->state);
	arr = cJSON_AddArrayToObject(o, "aliases");
	for (i = 0; i < na; i++) {
		if ((w = share(&a[i], v->version)) == 0)
			continue;
		one = cJSON_CreateObject();
		cJSON_AddStringToObject(one, "name", a[i].name);
		cJSON_AddNumberToObject(one, "weight", w);
		cJSON_AddItemToArray(arr, one);
	}
	return o;
}

static int
versions_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const char *fn = a->argv[0];
	struct lambda_version *v = NULL;
	struct lambda_alias *al = NULL;
	struct aws_client c;
	size_t n = 0, na = 0, i;
	cJSON *arr;
	int status = -1;

	cmd_aws_init(ctx, &c);
	if (cmd_region(ctx, fn, &c.region, &ctx->err) == -1)
		goto out;
	/* The aliases first: ListAliases names a missing function (moto
	 * lists no versions for one). */
	if (lambda_list_aliases(&c, fn, &al, &na, &ctx->err) == -1 ||
	    lambda_list_versions(&c, fn, &v, &n, &ctx->err) == -1) {
		lc_error_prefix(&ctx->err, "%s", fn);
		goto out;
	}
	if (ctx->output == OUTPUT_JSON) {
		arr = cJSON_CreateArray();
		for (i = n; i-- > 0;)
			cJSON_AddItemToArray(arr, version_json(&v[i], al, na));
		cmd_print_json(arr);
	} else if (n == 0)
		term_printf(stdout, term_escaping(STDOUT_FILENO, 0), "%s has "
		    "no published versions\n", fn);
	else
		print_text(v, n, al, na);
	status = LC_OK;
out:
	lambda_versions_release(v, n);
	lambda_aliases_release(al, na);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_versions_entry = {
	.name = "versions",
	.summary = "List a function's published versions and their aliases",
	.usage = "FUNCTION",
	.opts = NULL,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS | CMD_DEFER_ENV,
	.exec = versions_exec,
};
