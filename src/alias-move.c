/*
 * alias-move.c - rollback and promote (alias-move.h): the alias they move,
 * the version it goes to, the move, and what is said about it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alias-move.h"

int
alias_move_read(struct aws_client *c, const char *fn, const char *name,
    struct lambda_alias *out, struct lc_err *err)
{
	struct lambda_alias *a;
	struct buf names = BUF_INIT;
	size_t n, i;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (lambda_list_aliases(c, fn, &a, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(a[i].name, name) == 0) {
			*out = a[i];
			memset(&a[i], 0, sizeof a[i]);
			ret = 0;
			break;
		}
		buf_adds(&names, names.len > 0 ? ", " : "");
		buf_adds(&names, a[i].name);
	}
	if (ret == -1 && n == 0)
		lc_error(err, LC_EFAIL, "no alias '%s' (the function has "
		    "none)", name);
	else if (ret == -1)
		lc_error(err, LC_EFAIL, "no alias '%s' (aliases: %s)", name,
		    names.data);
	lambda_aliases_release(a, n);
	buf_release(&names);
	return ret;
}

/* The version numbered to in v, or NULL. */
static const struct lambda_version *
find_version(const struct lambda_version *v, size_t n, const char *to)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].version, to) == 0)
			return &v[i];
	return NULL;
}

int
alias_rollback_target(const struct lambda_alias *a,
    const struct lambda_version *v, size_t n, const char *to,
    const char **target, struct lc_err *err)
{
	const struct lambda_version *t;
	long cur;
	size_t i;

	*target = NULL;
	if (to != NULL) {
		if ((t = find_version(v, n, to)) == NULL)
			return lc_error(err, LC_EFAIL, "no published "
			    "version %s (%s%s)", to, n > 0 ? "the newest is " :
			    "there are none", n > 0 ? v[n - 1].version : "");
		if (a->extra_version == NULL && strcmp(a->version, to) == 0)
			return lc_error(err, LC_EFAIL, "%s is at %s already",
			    a->name, to);
		*target = t->version;
		return 0;
	}
	/* A canary goes; the version that had the rest of the traffic
	 * keeps all of it. */
	if (a->extra_version != NULL) {
		*target = a->version;
		return 0;
	}
	if (lambda_version_number(a->version, &cur) == -1)
		return lc_error(err, LC_EFAIL, "%s points at %s, not a "
		    "published version: give --to VERSION", a->name,
		    a->version);
	for (i = n; i-- > 0;)
		if (v[i].number < cur) {
			*target = v[i].version;
			return 0;
		}
	return lc_error(err, LC_EFAIL, "%s is at %s, the oldest published "
	    "version: nothing to roll back to", a->name, a->version);
}

int
alias_promote_target(const struct lambda_alias *a, const char **target,
    struct lc_err *err)
{
	*target = a->extra_version;
	if (a->extra_version == NULL)
		return lc_error(err, LC_EFAIL, "%s has no canary: nothing to "
		    "promote", a->name);
	return 0;
}

void
alias_percent(double w, char *out, size_t len)
{
	snprintf(out, len, "%.4g", w * 100);
}

void
alias_where(const struct lambda_alias *a, struct buf *out)
{
	char pct[32];

	buf_adds(out, a->version);
	if (a->extra_version == NULL)
		return;
	alias_percent(a->extra_weight, pct, sizeof pct);
	buf_addf(out, " (+%s at %s%%)", a->extra_version, pct);
}

static const char *
kind_name(enum alias_move_kind kind)
{
	return kind == ALIAS_PROMOTE ? "promote" : "rollback";
}

const char *
alias_move_name(const char *flag, const struct manifest *m, const char *fn,
    enum alias_move_kind kind, struct lc_err *err)
{
	const struct manifest_fn *f;

	if (flag != NULL)
		return flag;
	if ((f = manifest_find(m, fn)) != NULL && f->alias != NULL)
		return f->alias;
	lc_error(err, LC_EUSAGE, "%s: no alias to move: give --alias NAME (or "
	    "set alias: for %s in lambda.yml)", kind_name(kind), fn);
	return NULL;
}

int
alias_move(struct aws_client *c, const char *fn, const char *alias,
    enum alias_move_kind kind, const char *to, int dry_run,
    struct alias_move *mv, struct lc_err *err)
{
	struct lambda_version *v = NULL;
	const char *target;
	size_t n = 0;
	int ret = -1;

	memset(mv, 0, sizeof *mv);
	mv->function = fn;
	mv->dry_run = dry_run;
	if (alias_move_read(c, fn, alias, &mv->from, err) == -1)
		return -1;
	if (kind == ALIAS_PROMOTE)
		ret = alias_promote_target(&mv->from, &target, err);
	else if (lambda_list_versions(c, fn, &v, &n, err) == 0)
		ret = alias_rollback_target(&mv->from, v, n, to, &target, err);
	if (ret == 0) {
		mv->to = xstrdup(target);
		if (!dry_run)
			ret = lambda_put_alias(c, fn, alias, mv->to, NULL, 0,
			    mv->from.revision_id, NULL, err);
	}
	lambda_versions_release(v, n);
	return ret;
}

void
alias_move_release(struct alias_move *mv)
{
	lambda_alias_release(&mv->from);
	free(mv->to);
	memset(mv, 0, sizeof *mv);
}

cJSON *
alias_move_json(const struct alias_move *mv)
{
	cJSON *o = cJSON_CreateObject(), *cn;

	cJSON_AddStringToObject(o, "function", mv->function);
	cJSON_AddStringToObject(o, "alias", mv->from.name);
	cJSON_AddStringToObject(o, "from", mv->from.version);
	cJSON_AddStringToObject(o, "to", mv->to);
	cJSON_AddBoolToObject(o, "dry_run", mv->dry_run);
	if (mv->from.extra_version != NULL) {
		cn = cJSON_AddObjectToObject(o, "canary");
		cJSON_AddStringToObject(cn, "version", mv->from.extra_version);
		cJSON_AddNumberToObject(cn, "weight", mv->from.extra_weight);
	}
	return o;
}

char *
alias_move_render(const struct alias_move *mv)
{
	struct buf out = BUF_INIT;

	buf_addf(&out, "%s: ", mv->from.name);
	alias_where(&mv->from, &out);
	buf_addf(&out, " -> %s%s\n", mv->to, mv->dry_run ?
	    " (dry run: not moved)" : "");
	return buf_detach(&out, NULL);
}
