/*
 * lambda-versions.c - a function's published versions and aliases
 * (lambda-versions.h): ListVersionsByFunction, ListAliases, GetAlias,
 * CreateAlias/UpdateAlias with weighted routing, DeleteFunction of one
 * version, and the wait for a published version to become Active.
 *
 * The parsers are pure and bounded (fuzz-versions.c): a version must be a
 * published number (digits, no sign, no leading zero, at most
 * VERSION_DIGITS), an alias's routing at most one version with a weight
 * strictly between 0 and 1; anything else is an "unexpected response".
 * A listing stops after LIST_MAX_PAGES pages rather than follow a server's
 * markers for ever.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "lambda-private.h"
#include "lambda-versions.h"
#include "sigv4.h"

#define LIST_PAGE	"50"
#define LIST_MAX_PAGES	2000	/* 100000 versions or aliases */
#define VERSION_DIGITS	18	/* a long holds them */
/* CodeSize: a whole number a double holds exactly. */
#define CODE_SIZE_MAX	(INT64_C(1) << 53)

int
lambda_version_number(const char *s, long *out)
{
	size_t len;
	long v = 0;

	if (s == NULL || s[0] < '1' || s[0] > '9' ||
	    (len = strspn(s, "0123456789")) != strlen(s) ||
	    len > VERSION_DIGITS)
		return -1;
	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	if (out != NULL)
		*out = v;
	return 0;
}

/* "" for an absent description, so that callers need not test. */
static void
empty_if_null(char **s)
{
	if (*s == NULL)
		*s = xstrdup("");
}

/* Versions. */

static void
version_release(struct lambda_version *v)
{
	free(v->version);
	free(v->code_sha256);
	free(v->description);
	free(v->last_modified);
	free(v->state);
	free(v->state_reason);
	memset(v, 0, sizeof *v);
}

void
lambda_versions_release(struct lambda_version *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		version_release(&v[i]);
	free(v);
}

/* One FunctionConfiguration of a listing into v: 1, or 0 for $LATEST (v
 * left empty), or -1 (v left empty). */
static int
version_read(const char *op, const cJSON *o, struct lambda_version *v,
    struct lc_err *err)
{
	memset(v, 0, sizeof *v);
	if (!cJSON_IsObject(o))
		return lc_error(err, LC_EFAIL, "%s: unexpected response: a "
		    "version is not a JSON object", op);
	if (json_get_str(op, o, "Version", &v->version, err) == -1)
		goto fail;
	if (v->version == NULL) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: a version "
		    "without 'Version'", op);
		goto fail;
	}
	if (strcmp(v->version, "$LATEST") == 0) {
		version_release(v);
		return 0;
	}
	if (lambda_version_number(v->version, &v->number) == -1) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: 'Version' "
		    "is not a version number", op);
		goto fail;
	}
	if (json_get_str(op, o, "CodeSha256", &v->code_sha256, err) == -1 ||
	    json_get_str(op, o, "Description", &v->description, err) == -1 ||
	    json_get_str(op, o, "LastModified", &v->last_modified, err) == -1 ||
	    json_get_str(op, o, "State", &v->state, err) == -1 ||
	    json_get_str(op, o, "StateReason", &v->state_reason, err) == -1 ||
	    json_get_int(op, o, "CodeSize", "CodeSize", 0, CODE_SIZE_MAX,
	    &v->code_size, err) == -1)
		goto fail;
	empty_if_null(&v->description);
	return 1;
fail:
	version_release(v);
	return -1;
}

/* NextMarker of page o into *next (NULL when absent or empty). */
static int
next_marker(const char *op, const cJSON *o, char **next, struct lc_err *err)
{
	if (json_get_str(op, o, "NextMarker", next, err) == -1)
		return -1;
	if (*next != NULL && **next == '\0') {
		free(*next);
		*next = NULL;
	}
	return 0;
}

int
lambda_versions_parse(const char *json, size_t len,
    struct lambda_version **out, size_t *n, char **next, struct lc_err *err)
{
	static const char op[] = "ListVersionsByFunction";
	const cJSON *arr, *item;
	cJSON *o;
	size_t cnt;
	int r, ret = -1;

	*next = NULL;
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_obj(op, o, "Versions", &arr, 1, err) == -1)
		goto out;
	cnt = arr != NULL ? (size_t)cJSON_GetArraySize(arr) : 0;
	if (cnt > 0) {
		*out = xrealloc(*out, (*n + cnt) * sizeof **out);
		cJSON_ArrayForEach(item, arr) {
			r = version_read(op, item, &(*out)[*n], err);
			if (r == -1)
				goto out;
			*n += (size_t)r;
		}
	}
	ret = next_marker(op, o, next, err);
out:
	json_delete_wiped(o);	/* a version's environment */
	return ret;
}

/* Aliases. */

void
lambda_alias_release(struct lambda_alias *a)
{
	free(a->name);
	free(a->version);
	free(a->extra_version);
	free(a->description);
	free(a->revision_id);
	memset(a, 0, sizeof *a);
}

void
lambda_aliases_release(struct lambda_alias *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		lambda_alias_release(&a[i]);
	free(a);
}

static int
routing_bad(const char *op, const char *why, struct lc_err *err)
{
	return lc_error(err, LC_EFAIL, "%s: unexpected response: "
	    "RoutingConfig.AdditionalVersionWeights %s", op, why);
}

/* RoutingConfig of alias o into a: none, or one version and a weight
 * strictly between 0 and 1. */
static int
routing_read(const char *op, const cJSON *o, struct lambda_alias *a,
    struct lc_err *err)
{
	const cJSON *rc, *w, *one;
	long num;

	if (json_get_obj(op, o, "RoutingConfig", &rc, 0, err) == -1)
		return -1;
	if (rc == NULL)
		return 0;
	if (json_get_obj(op, rc, "AdditionalVersionWeights", &w, 0,
	    err) == -1)
		return -1;
	if (w == NULL || (one = w->child) == NULL)
		return 0;
	if (one->next != NULL)
		return routing_bad(op, "holds more than one version", err);
	if (lambda_version_number(one->string, &num) == -1)
		return routing_bad(op, "names something other than a "
		    "published version", err);
	if (!cJSON_IsNumber(one) || !isfinite(one->valuedouble) ||
	    !(one->valuedouble > 0 && one->valuedouble < 1))
		return routing_bad(op, "holds a weight that is not a number "
		    "between 0 and 1", err);
	if (a->version != NULL && strcmp(a->version, one->string) == 0)
		return routing_bad(op, "names the alias's own version", err);
	a->extra_version = xstrdup(one->string);
	a->extra_weight = one->valuedouble;
	return 0;
}

/* One AliasConfiguration into a (left empty on failure). */
static int
alias_read(const char *op, const cJSON *o, struct lambda_alias *a,
    struct lc_err *err)
{
	memset(a, 0, sizeof *a);
	if (!cJSON_IsObject(o))
		return lc_error(err, LC_EFAIL, "%s: unexpected response: an "
		    "alias is not a JSON object", op);
	if (json_get_str(op, o, "Name", &a->name, err) == -1 ||
	    json_get_str(op, o, "FunctionVersion", &a->version, err) == -1 ||
	    json_get_str(op, o, "Description", &a->description, err) == -1 ||
	    json_get_str(op, o, "RevisionId", &a->revision_id, err) == -1)
		goto fail;
	if (a->name == NULL || a->version == NULL) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: an alias "
		    "without '%s'", op, a->name == NULL ? "Name" :
		    "FunctionVersion");
		goto fail;
	}
	if (routing_read(op, o, a, err) == -1)
		goto fail;
	empty_if_null(&a->description);
	return 0;
fail:
	lambda_alias_release(a);
	return -1;
}

int
lambda_alias_parse(const char *op, const char *json, size_t len,
    struct lambda_alias *out, struct lc_err *err)
{
	cJSON *o;
	int ret;

	memset(out, 0, sizeof *out);
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	ret = alias_read(op, o, out, err);
	cJSON_Delete(o);
	return ret;
}

int
lambda_aliases_parse(const char *json, size_t len,
    struct lambda_alias **out, size_t *n, char **next, struct lc_err *err)
{
	static const char op[] = "ListAliases";
	const cJSON *arr, *item;
	cJSON *o;
	size_t cnt;
	int ret = -1;

	*next = NULL;
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_obj(op, o, "Aliases", &arr, 1, err) == -1)
		goto out;
	cnt = arr != NULL ? (size_t)cJSON_GetArraySize(arr) : 0;
	if (cnt > 0) {
		*out = xrealloc(*out, (*n + cnt) * sizeof **out);
		cJSON_ArrayForEach(item, arr) {
			if (alias_read(op, item, &(*out)[*n], err) == -1)
				goto out;
			(*n)++;
		}
	}
	ret = next_marker(op, o, next, err);
out:
	cJSON_Delete(o);
	return ret;
}

/* Request bodies; cJSON returns NULL only when out of memory. */

static cJSON *
made(cJSON *j)
{
	if (j == NULL)
		die("out of memory");
	return j;
}

char *
lambda_put_alias_json(const char *alias, const char *version,
    const char *extra_version, double weight, const char *revision_id)
{
	cJSON *o = made(cJSON_CreateObject()), *w;
	char *s;

	if (alias != NULL)
		made(cJSON_AddStringToObject(o, "Name", alias));
	made(cJSON_AddStringToObject(o, "FunctionVersion", version));
	/* An update says "no routing" outright: that removes a canary. */
	if (extra_version != NULL || alias == NULL) {
		w = made(cJSON_AddObjectToObject(made(cJSON_AddObjectToObject(o,
		    "RoutingConfig")), "AdditionalVersionWeights"));
		if (extra_version != NULL)
			made(cJSON_AddNumberToObject(w, extra_version, weight));
	}
	if (alias == NULL && revision_id != NULL)
		made(cJSON_AddStringToObject(o, "RevisionId", revision_id));
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	cJSON_Delete(o);
	return s;
}

/* Calls. */

/* Sends op (body: a JSON text or NULL; query: or NULL); rs holds the
 * answer, released by the caller either way. */
static int
call(struct aws_client *c, const char *op, const char *method,
    const char *path, const char *query, const char *body,
    struct aws_response *rs, struct lc_err *err)
{
	struct aws_request rq;

	rq_init(&rq, op, method, path);
	rq.query = query;
	if (body != NULL)
		rq_json(&rq, body);
	return aws_call(c, &rq, rs, err);
}

/* One page parser: lambda_versions_parse's or lambda_aliases_parse's
 * shape, on void pointers. */
typedef int (*page_parse_fn)(const char *, size_t, void *, size_t *,
    char **, struct lc_err *);

static int
versions_page(const char *json, size_t len, void *out, size_t *n,
    char **next, struct lc_err *err)
{
	return lambda_versions_parse(json, len, out, n, next, err);
}

static int
aliases_page(const char *json, size_t len, void *out, size_t *n,
    char **next, struct lc_err *err)
{
	return lambda_aliases_parse(json, len, out, n, next, err);
}

/* Every page of op at fn's path "/more" into *out (*n), Marker and
 * MaxItems in the query. */
static int
list_all(struct aws_client *c, const char *op, const char *fn,
    const char *more, page_parse_fn parse, void *out, size_t *n,
    struct lc_err *err)
{
	struct aws_response rs;
	struct buf path = BUF_INIT, query = BUF_INIT;
	char *marker = NULL, *next = NULL;
	int more_pages, pages = 0, ret = -1;

	memset(&rs, 0, sizeof rs);
	fn_path(&path, fn, more);
	for (;;) {
		if (++pages > LIST_MAX_PAGES) {
			lc_error(err, LC_EFAIL, "%s: more than %d pages", op,
			    LIST_MAX_PAGES);
			goto out;
		}
		buf_reset(&query);
		if (marker != NULL) {
			buf_adds(&query, "Marker=");
			sigv4_uri_encode(&query, marker, strlen(marker), 0);
			buf_addch(&query, '&');
		}
		buf_adds(&query, "MaxItems=" LIST_PAGE);
		if (call(c, op, "GET", path.data, query.data, NULL, &rs,
		    err) == -1 || parse(rs.http.body.data, rs.http.body.len,
		    out, n, &next, err) == -1)
			goto out;
		response_wipe(&rs);
		if ((more_pages = aws_next_page(op, "NextMarker", &marker,
		    &next, err)) == -1)
			goto out;
		if (!more_pages)
			break;
	}
	ret = 0;
out:
	response_wipe(&rs);
	buf_release(&path);
	buf_release(&query);
	free(marker);
	free(next);
	return ret;
}

static int
version_cmp(const void *a, const void *b)
{
	const struct lambda_version *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

int
lambda_list_versions(struct aws_client *c, const char *fn,
    struct lambda_version **out, size_t *n, struct lc_err *err)
{
	*out = NULL;
	*n = 0;
	if (list_all(c, "ListVersionsByFunction", fn, "/versions",
	    versions_page, out, n, err) == -1) {
		lambda_versions_release(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof **out, version_cmp);
	return 0;
}

static int
alias_cmp(const void *a, const void *b)
{
	const struct lambda_alias *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
lambda_list_aliases(struct aws_client *c, const char *fn,
    struct lambda_alias **out, size_t *n, struct lc_err *err)
{
	*out = NULL;
	*n = 0;
	if (list_all(c, "ListAliases", fn, "/aliases", aliases_page, out, n,
	    err) == -1) {
		lambda_aliases_release(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof **out, alias_cmp);
	return 0;
}

/* fn's path "/aliases/ALIAS". */
static void
alias_path(struct buf *b, const char *fn, const char *alias)
{
	fn_path(b, fn, "/aliases/");
	sigv4_uri_encode(b, alias, strlen(alias), 0);
}

int
lambda_get_alias(struct aws_client *c, const char *fn, const char *alias,
    struct lambda_alias *out, struct lc_err *err)
{
	struct aws_response rs;
	struct buf path = BUF_INIT;
	int ret = -1;

	memset(out, 0, sizeof *out);
	alias_path(&path, fn, alias);
	if (call(c, "GetAlias", "GET", path.data, NULL, NULL, &rs,
	    err) == 0) {
		if (lambda_alias_parse("GetAlias", rs.http.body.data,
		    rs.http.body.len, out, err) == 0)
			ret = 1;
	} else if (lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	buf_release(&path);
	return ret;
}

/* CreateAlias (create set) or UpdateAlias; the answer is not read. */
static int
alias_write(struct aws_client *c, const char *fn, const char *alias,
    int create, const char *version, const char *extra_version,
    double weight, const char *revision_id, struct lc_err *err)
{
	struct aws_response rs;
	struct buf path = BUF_INIT;
	char *json;
	int ret;

	json = lambda_put_alias_json(create ? alias : NULL, version,
	    extra_version, weight, revision_id);
	if (create)
		fn_path(&path, fn, "/aliases");
	else
		alias_path(&path, fn, alias);
	ret = call(c, create ? "CreateAlias" : "UpdateAlias",
	    create ? "POST" : "PUT", path.data, NULL, json, &rs, err);
	aws_response_release(&rs);
	buf_release(&path);
	free(json);
	return ret;
}

int
lambda_put_alias(struct aws_client *c, const char *fn, const char *alias,
    const char *version, const char *extra_version, double weight,
    const char *revision_id, int *created, struct lc_err *err)
{
	struct lambda_alias have;
	int r;

	if (created != NULL)
		*created = 0;
	if (extra_version != NULL && !(weight > 0 && weight < 1))
		return lc_error(err, LC_EFAIL, "UpdateAlias: the weight of "
		    "version %s must be between 0 and 1", extra_version);
	/* A RevisionId comes from reading the alias: it is there. */
	if (revision_id == NULL) {
		if ((r = lambda_get_alias(c, fn, alias, &have, err)) == -1)
			return -1;
		lambda_alias_release(&have);
		if (r == 0) {
			if (alias_write(c, fn, alias, 1, version,
			    extra_version, weight, NULL, err) == 0) {
				if (created != NULL)
					*created = 1;
				return 0;
			}
			/* Created by someone else since GetAlias: move it. */
			if (!lc_error_is(err, "ResourceConflictException"))
				return -1;
			lc_error_clear(err);
		}
	}
	return alias_write(c, fn, alias, 0, version, extra_version, weight,
	    revision_id, err);
}

int
lambda_delete_version(struct aws_client *c, const char *fn,
    const char *version, struct lc_err *err)
{
	struct aws_response rs;
	struct buf path = BUF_INIT, query = BUF_INIT;
	int ret;

	/* Never the function itself, nor $LATEST: a published number. */
	if (lambda_version_number(version, NULL) == -1)
		return lc_error(err, LC_EFAIL, "DeleteFunction: '%s' is not a "
		    "published version: refusing to delete it",
		    version != NULL ? version : "");
	fn_path(&path, fn, NULL);
	buf_adds(&query, "Qualifier=");
	buf_adds(&query, version);
	ret = call(c, "DeleteFunction", "DELETE", path.data, query.data, NULL,
	    &rs, err);
	aws_response_release(&rs);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

/* The version wait. */

int
lambda_get_version(struct aws_client *c, const char *fn, const char *version,
    struct lambda_config *cfg, struct lc_err *err)
{
	static const char op[] = "GetFunctionConfiguration";
	struct aws_response rs;
	struct buf path = BUF_INIT, query = BUF_INIT;
	int ret;

	memset(cfg, 0, sizeof *cfg);
	fn_path(&path, fn, "/configuration");
	buf_adds(&query, "Qualifier=");
	sigv4_uri_encode(&query, version, strlen(version), 0);
	if ((ret = call(c, op, "GET", path.data, query.data, NULL, &rs,
	    err)) == 0)
		ret = lambda_config_parse(op, rs.http.body.data,
		    rs.http.body.len, cfg, err);
	response_wipe(&rs);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

/* What the wait polls: fn's version. */
struct version_ref {
	const char	*fn;
	const char	*version;
};

static int
fetch_version(struct aws_client *c, const void *arg,
    struct lambda_config *cfg, struct lc_err *err)
{
	const struct version_ref *v = arg;

	return lambda_get_version(c, v->fn, v->version, cfg, err);
}

/*
 * Whether the version is ready: 1 yes (Active; Inactive, which an invoke
 * wakes; or no State at all, as older APIs and emulators answer), 0 not
 * yet, -1 Failed.
 */
static int
version_ready(const void *arg, const struct lambda_config *cfg,
    struct lc_err *err)
{
	const struct version_ref *v = arg;

	if (cfg->state == NULL || strcmp(cfg->state, "Active") == 0 ||
	    strcmp(cfg->state, "Inactive") == 0)
		return 1;
	if (strcmp(cfg->state, "Failed") == 0)
		return lc_error(err, LC_EFAIL, "version %s failed: %s",
		    v->version, cfg->state_reason != NULL ?
		    cfg->state_reason : "no reason given");
	return 0;
}

int
lambda_wait_version(struct aws_client *c, const char *fn,
    const char *version, long timeout_s, const volatile sig_atomic_t *stop,
    void (*on_change)(void *, const char *, const char *), void *arg,
    struct lc_err *err)
{
	struct version_ref v = { fn, version };
	struct lambda_poll_spec p = { fetch_version, version_ready, &v,
	    "GetFunctionConfiguration", NULL, 0, stop };
	char what[96];

	snprintf(what, sizeof what, "version %s to become Active", version);
	p.what = what;
	return lambda_poll(c, &p, timeout_s, 0, on_change, arg, NULL, err);
}
