/*
 * lambda-json.c - the JSON of the Lambda API, pure (no I/O, fuzzed): the
 * request bodies, their function settings from the table (fnsettings.c),
 * and the reading of FunctionConfiguration, GetFunction (with its Tags) and
 * ListFunctions answers into struct lambda_config.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "fnsettings.h"
#include "json.h"
#include "lambda-api.h"

/* CodeSize: a whole number a double holds exactly.  The settings' own
 * ranges are in the table (fnsettings.c). */
#define API_CODE_SIZE_MAX	(INT64_C(1) << 53)

/* JSON building; cJSON returns NULL only when out of memory. */

static cJSON *
jcheck(cJSON *j)
{
	if (j == NULL)
		die("out of memory");
	return j;
}

static void
jstr(cJSON *o, const char *key, const char *v)
{
	jcheck(cJSON_AddStringToObject(o, key, v));
}

static void
jnum(cJSON *o, const char *key, double v)
{
	jcheck(cJSON_AddNumberToObject(o, key, v));
}

static void
jbool(cJSON *o, const char *key, int v)
{
	jcheck(cJSON_AddBoolToObject(o, key, v));
}

static void
jpush(cJSON *a, const char *v)
{
	if (!cJSON_AddItemToArray(a, jcheck(cJSON_CreateString(v))))
		die("out of memory");
}

static void
jkv(cJSON *o, const struct manifest_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		jstr(o, kv[i].key, kv[i].value);
}

/*
 * Prints o unformatted into a buffer of our own, so that no copy of a
 * secret is freed without being wiped first (cJSON_Print reallocates).
 * The caller frees the result with free_secret.
 */
static char *
json_print(cJSON *o)
{
	size_t cap = 4096;
	char *s;

	for (;;) {
		s = xmalloc(cap);
		if (cJSON_PrintPreallocated(o, s, (int)cap, 0))
			return s;
		OPENSSL_cleanse(s, cap);
		free(s);
		if (cap > INT_MAX / 2)
			die("JSON body too large");
		cap *= 2;
	}
}

/* The body o, printed; o is wiped and freed.  The caller frees the result
 * with free_secret. */
static char *
json_finish(cJSON *o)
{
	char *s = json_print(o);

	json_delete_wiped(o);
	return s;
}

/* Parsing a FunctionConfiguration. */

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_kv *)a)->key,
	    ((const struct manifest_kv *)b)->key);
}

/* The member at off in cfg. */
static void *
cfg_at(struct lambda_config *cfg, size_t off)
{
	return (char *)cfg + off;
}

/*
 * The object that holds the last part of path ("EphemeralStorage.Size") in
 * o, or NULL when a part on the way is absent; *leaf is that last part.
 */
static int
get_parent(const char *op, const cJSON *o, const char *path,
    const cJSON **parent, char *leaf, size_t leaflen, struct lc_err *err)
{
	const char *dot;
	char part[64];

	*parent = NULL;
	for (; (dot = strchr(path, '.')) != NULL; path = dot + 1) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		if (json_get_obj(op, o, part, &o, 0, err) == -1)
			return -1;
		if (o == NULL)
			return 0;
	}
	snprintf(leaf, leaflen, "%s", path);
	*parent = o;
	return 0;
}

/* A string setting, or a list of one (Architectures[0]); its default when
 * absent. */
static int
get_setting_str(const char *op, const cJSON *p, const char *leaf,
    const struct fnsetting *s, char **dst, struct lc_err *err)
{
	const cJSON *a, *v;
	char name[96];

	if (p != NULL && (s->flags & FNSET_ONE_ITEM)) {
		if (json_get_obj(op, p, leaf, &a, 1, err) == -1)
			return -1;
		if (a != NULL && (v = cJSON_GetArrayItem(a, 0)) != NULL) {
			snprintf(name, sizeof name, "%s[]", leaf);
			if (!cJSON_IsString(v))
				return json_bad_member(op, name, "a string",
				    err);
			*dst = xstrdup(v->valuestring);
		}
	} else if (p != NULL && json_get_str(op, p, leaf, dst, err) == -1)
		return -1;
	if (*dst == NULL && fnset_unreported_str(s) != NULL)
		*dst = xstrdup(fnset_unreported_str(s));
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One item of a list setting into *dst: the s->item member of an object
 * (Layers[].Arn), or a string when the row names no member (SubnetIds). */
static int
get_list_item(const char *op, const cJSON *v, const char *leaf,
    const struct fnsetting *s, char **dst, struct lc_err *err)
{
	char name[96];

	snprintf(name, sizeof name, "%s[]", leaf);
	if (s->item == NULL) {
		if (!cJSON_IsString(v))
			return json_bad_member(op, name, "a string", err);
		*dst = xstrdup(v->valuestring);
		return 0;
	}
	if (!cJSON_IsObject(v))
		return json_bad_member(op, name, "an object", err);
	if (json_get_str(op, v, s->item, dst, err) == -1)
		return -1;
	snprintf(name, sizeof name, "%s[].%s", leaf, s->item);
	if (*dst == NULL)
		return json_bad_member(op, name, "present", err);
	return 0;
}

/* A list setting, in Lambda's order, or sorted (FNSET_SORTED). */
static int
get_setting_list(const char *op, const cJSON *p, const char *leaf,
    const struct fnsetting *s, struct lambda_config *cfg, struct lc_err *err)
{
	char ***list = cfg_at(cfg, s->cfg_off);
	size_t *n = cfg_at(cfg, s->cfg_count), cnt;
	const cJSON *a, *v;

	if (json_get_obj(op, p, leaf, &a, 1, err) == -1)
		return -1;
	if (a == NULL || (cnt = (size_t)cJSON_GetArraySize(a)) == 0)
		return 0;
	*list = xcalloc(cnt, sizeof **list);
	cJSON_ArrayForEach(v, a) {
		if (get_list_item(op, v, leaf, s, &(*list)[*n], err) == -1)
			return -1;
		(*n)++;
	}
	if (s->flags & FNSET_SORTED)
		qsort(*list, *n, sizeof **list, str_cmp);
	return 0;
}

/*
 * The map member key of o (string values) into *kv and *n, sorted by key;
 * what names an entry in messages ("tag").  Values may be secrets: never
 * in messages.
 */
static int
get_map(const char *op, const cJSON *o, const char *key, const char *what,
    struct manifest_kv **kv, size_t *n, struct lc_err *err)
{
	const cJSON *m, *v;
	size_t cnt;

	if (json_get_obj(op, o, key, &m, 0, err) == -1)
		return -1;
	if (m == NULL || (cnt = (size_t)cJSON_GetArraySize(m)) == 0)
		return 0;
	*kv = xcalloc(cnt, sizeof **kv);
	cJSON_ArrayForEach(v, m) {
		if (!cJSON_IsString(v) || v->string == NULL)
			return lc_error(err, LC_EFAIL, "%s: unexpected "
			    "response: %s '%s' is not a string", op, what,
			    v->string != NULL ? v->string : "");
		(*kv)[*n].key = xstrdup(v->string);
		(*kv)[*n].value = xstrdup(v->valuestring);
		(*n)++;
	}
	qsort(*kv, *n, sizeof **kv, kv_cmp);
	return 0;
}

/* A map setting (Environment.Variables), sorted by key. */
static int
get_setting_map(const char *op, const cJSON *p, const char *leaf,
    const struct fnsetting *s, struct lambda_config *cfg, struct lc_err *err)
{
	char what[96];

	snprintf(what, sizeof what, "%s variable", s->key);
	return get_map(op, p, leaf, what, cfg_at(cfg, s->cfg_off),
	    cfg_at(cfg, s->cfg_count), err);
}

/* Reads setting s from the FunctionConfiguration o into cfg. */
static int
get_setting(const char *op, const cJSON *o, const struct fnsetting *s,
    struct lambda_config *cfg, struct lc_err *err)
{
	const cJSON *p;
	char leaf[64];
	int64_t v = fnset_unreported_long(s);

	if (s->cfg_off == FNSET_NONE)
		return 0;
	if (get_parent(op, o, s->api, &p, leaf, sizeof leaf, err) == -1)
		return -1;
	switch (s->type) {
	case FNSET_STRING:
		return get_setting_str(op, p, leaf, s,
		    cfg_at(cfg, s->cfg_off), err);
	case FNSET_LONG:
		if (p != NULL && json_get_int(op, p, leaf, s->api, s->lo, s->hi,
		    &v, err) == -1)
			return -1;
		*(long *)cfg_at(cfg, s->cfg_off) = (long)v;
		return 0;
	case FNSET_LIST:
		return p == NULL ? 0 : get_setting_list(op, p, leaf, s, cfg,
		    err);
	case FNSET_MAP:
		return p == NULL ? 0 : get_setting_map(op, p, leaf, s, cfg,
		    err);
	}
	return 0;
}

/* Fills cfg from a parsed FunctionConfiguration object: what the table of
 * settings names, and what Lambda says about the function's state. */
static int
config_from_json(const char *op, const cJSON *o, struct lambda_config *cfg,
    struct lc_err *err)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} strs[] = {
#define S(k, f) { k, offsetof(struct lambda_config, f) }
		S("FunctionName", name), S("FunctionArn", arn),
		S("CodeSha256", code_sha256), S("RevisionId", revision_id),
		S("Version", version), S("LastModified", last_modified),
		S("State", state), S("StateReason", state_reason),
		S("LastUpdateStatus", last_update_status),
		S("LastUpdateStatusReason", last_update_status_reason),
#undef S
	};
	int64_t size = 0;
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	cfg->reserved_concurrency = MANIFEST_NO_CONCURRENCY;
	if (!cJSON_IsObject(o)) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: the function "
		    "configuration is not a JSON object", op);
		goto fail;
	}
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (json_get_str(op, o, strs[i].key, cfg_at(cfg, strs[i].off),
		    err) == -1)
			goto fail;
	if (cfg->name == NULL) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: no "
		    "FunctionName", op);
		goto fail;
	}
	for (i = 0; i < fnsettings_count; i++)
		if (get_setting(op, o, &fnsettings[i], cfg, err) == -1)
			goto fail;
	if (json_get_int(op, o, "CodeSize", "CodeSize", 0, API_CODE_SIZE_MAX,
	    &size, err) == -1)
		goto fail;
	cfg->code_size = size;
	return 0;
fail:
	lambda_config_release(cfg);
	return -1;
}

int
lambda_config_parse(const char *op, const char *json, size_t len,
    struct lambda_config *cfg, struct lc_err *err)
{
	cJSON *o;
	int ret;

	memset(cfg, 0, sizeof *cfg);
	if ((o = cJSON_ParseWithLength(json, len)) == NULL)
		return lc_error(err, LC_EFAIL, "%s: the response is not valid "
		    "JSON", op);
	ret = config_from_json(op, o, cfg, err);
	json_delete_wiped(o);
	return ret;
}

void
lambda_config_release(struct lambda_config *cfg)
{
	size_t i;

	fnset_release(cfg);
	free(cfg->name);
	free(cfg->arn);
	free(cfg->code_sha256);
	free(cfg->revision_id);
	free(cfg->version);
	free(cfg->last_modified);
	free(cfg->state);
	free(cfg->state_reason);
	free(cfg->last_update_status);
	free(cfg->last_update_status_reason);
	for (i = 0; i < cfg->ntags; i++) {
		free(cfg->tags[i].key);
		free(cfg->tags[i].value);
	}
	free(cfg->tags);
	free_secret(cfg->code_location);
	memset(cfg, 0, sizeof *cfg);
}

/* Request bodies. */

/* The object that holds the last part of path in o, made where missing;
 * *leaf is that last part. */
static cJSON *
put_parent(cJSON *o, const char *path, char *leaf, size_t leaflen)
{
	const char *dot;
	char part[64];
	cJSON *sub;

	for (; (dot = strchr(path, '.')) != NULL; path = dot + 1) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		if ((sub = cJSON_GetObjectItemCaseSensitive(o, part)) == NULL)
			sub = jcheck(cJSON_AddObjectToObject(o, part));
		o = sub;
	}
	snprintf(leaf, leaflen, "%s", path);
	return o;
}

/* Adds setting s of fn to a request body (role_arn: see fnset_str). */
static void
put_setting(cJSON *o, const struct fnsetting *s, const struct manifest_fn *fn,
    const char *role_arn)
{
	const struct manifest_kv *kv;
	char *const *list;
	const char *v = NULL;
	char leaf[64];
	cJSON *a;
	size_t i, n;

	if (s->type == FNSET_STRING && (v = fnset_str(s, fn, role_arn)) == NULL)
		return;	/* unset, no default: Lambda's business */
	o = put_parent(o, s->api, leaf, sizeof leaf);
	switch (s->type) {
	case FNSET_STRING:
		if (s->flags & FNSET_ONE_ITEM)
			jpush(jcheck(cJSON_AddArrayToObject(o, leaf)), v);
		else
			jstr(o, leaf, v);
		break;
	case FNSET_LONG:
		jnum(o, leaf, (double)fnset_long(s, fn));
		break;
	case FNSET_LIST:
		a = jcheck(cJSON_AddArrayToObject(o, leaf));
		list = fnset_list(s, fn, &n);
		for (i = 0; i < n; i++)
			jpush(a, list[i]);
		break;
	case FNSET_MAP:
		kv = fnset_map(s, fn, &n);
		jkv(jcheck(cJSON_AddObjectToObject(o, leaf)), kv, n);
		break;
	}
}

enum body_kind { FOR_CREATE, FOR_CONFIG, FOR_CODE };

/* Whether a body of kind k carries setting s of fn: never one lambda.yml
 * leaves to Lambda (fnset_unmanaged). */
static int
carries(enum body_kind k, const struct fnsetting *s,
    const struct manifest_fn *fn)
{
	if (fnset_unmanaged(s, fn))
		return 0;
	switch (k) {
	case FOR_CREATE:
		return !(s->flags & FNSET_CREATE_OMIT_UNSET) ||
		    !fnset_unset(s, fn);
	case FOR_CONFIG:
		return !(s->flags & (FNSET_CODE | FNSET_CREATE_ONLY));
	case FOR_CODE:
		return (s->flags & FNSET_CODE) != 0;
	}
	return 0;
}

/* Adds to o the settings of fn that body kind k carries, in the table's
 * order. */
static void
put_settings(cJSON *o, enum body_kind k, const struct manifest_fn *fn,
    const char *role_arn)
{
	size_t i;

	for (i = 0; i < fnsettings_count; i++)
		if (carries(k, &fnsettings[i], fn))
			put_setting(o, &fnsettings[i], fn, role_arn);
}

/* The code's members: S3Bucket and S3Key when s3 is set, else ZipFile. */
static void
put_code(cJSON *o, const char *zipfile, const struct lambda_s3_code *s3)
{
	if (s3 != NULL) {
		jstr(o, "S3Bucket", s3->bucket);
		jstr(o, "S3Key", s3->key);
	} else
		jstr(o, "ZipFile", zipfile);
}

char *
lambda_create_json(const struct manifest_fn *fn, const char *role_arn,
    int publish, const char *zipfile)
{
	return lambda_create_s3_json(fn, role_arn, publish, zipfile, NULL);
}

char *
lambda_create_s3_json(const struct manifest_fn *fn, const char *role_arn,
    int publish, const char *zipfile, const struct lambda_s3_code *s3)
{
	cJSON *o = jcheck(cJSON_CreateObject());

	jstr(o, "FunctionName", fn->name);
	put_settings(o, FOR_CREATE, fn, role_arn);
	jbool(o, "Publish", publish);
	jstr(o, "PackageType", "Zip");
	put_code(jcheck(cJSON_AddObjectToObject(o, "Code")), zipfile, s3);
	return json_finish(o);
}

char *
lambda_code_json(const struct manifest_fn *fn, const char *revision_id,
    const char *zipfile)
{
	return lambda_code_s3_json(fn, revision_id, zipfile, NULL);
}

char *
lambda_code_s3_json(const struct manifest_fn *fn, const char *revision_id,
    const char *zipfile, const struct lambda_s3_code *s3)
{
	cJSON *o = jcheck(cJSON_CreateObject());

	put_code(o, zipfile, s3);
	if (fn != NULL)
		put_settings(o, FOR_CODE, fn, NULL);
	if (revision_id != NULL)
		jstr(o, "RevisionId", revision_id);
	jbool(o, "Publish", 0);
	return json_finish(o);
}

char *
lambda_config_json(const struct manifest_fn *fn, const char *role_arn,
    const char *revision_id)
{
	cJSON *o = jcheck(cJSON_CreateObject());

	put_settings(o, FOR_CONFIG, fn, role_arn);
	if (revision_id != NULL)
		jstr(o, "RevisionId", revision_id);
	return json_finish(o);
}

char *
lambda_publish_json(const char *code_sha256, const char *revision_id,
    const char *description)
{
	cJSON *o = jcheck(cJSON_CreateObject());

	if (code_sha256 != NULL)
		jstr(o, "CodeSha256", code_sha256);
	if (revision_id != NULL)
		jstr(o, "RevisionId", revision_id);
	if (description != NULL)
		jstr(o, "Description", description);
	return json_finish(o);
}

/* Responses. */

/* GetFunction's Concurrency.ReservedConcurrentExecutions (0 or more; the
 * member absent: none reserved). */
static int
get_concurrency(const cJSON *o, struct lambda_config *cfg, struct lc_err *err)
{
	const cJSON *cc;
	int64_t v;

	if (json_get_obj("GetFunction", o, "Concurrency", &cc, 0, err) == -1)
		return -1;
	if (cc == NULL || cJSON_GetObjectItemCaseSensitive(cc,
	    "ReservedConcurrentExecutions") == NULL)
		return 0;
	if (json_get_int("GetFunction", cc, "ReservedConcurrentExecutions",
	    "Concurrency.ReservedConcurrentExecutions", 0, 1000000, &v,
	    err) == -1)
		return -1;
	cfg->reserved_concurrency = (long)v;
	return 0;
}

/* GetFunction's Code.Location (none for a container image). */
static int
get_code_location(const cJSON *o, struct lambda_config *cfg,
    struct lc_err *err)
{
	const cJSON *code;

	if (json_get_obj("GetFunction", o, "Code", &code, 0, err) == -1)
		return -1;
	return code == NULL ? 0 : json_get_str("GetFunction", code,
	    "Location", &cfg->code_location, err);
}

int
lambda_function_parse(const char *json, size_t len,
    struct lambda_config *cfg, struct lc_err *err)
{
	const cJSON *conf;
	cJSON *o;
	int ret = -1;

	memset(cfg, 0, sizeof *cfg);
	if ((o = cJSON_ParseWithLength(json, len)) == NULL)
		return lc_error(err, LC_EFAIL, "GetFunction: the response is "
		    "not valid JSON");
	if ((conf = cJSON_GetObjectItemCaseSensitive(o, "Configuration")) ==
	    NULL)
		lc_error(err, LC_EFAIL, "GetFunction: unexpected response: no "
		    "Configuration");
	else if ((ret = config_from_json("GetFunction", conf, cfg, err)) == 0 &&
	    ((ret = get_map("GetFunction", o, "Tags", "tag", &cfg->tags,
	    &cfg->ntags, err)) == -1 ||
	    (ret = get_concurrency(o, cfg, err)) == -1 ||
	    (ret = get_code_location(o, cfg, err)) == -1))
		lambda_config_release(cfg);
	json_delete_wiped(o);
	return ret;
}

int
lambda_list_parse(const char *json, size_t len, struct lambda_config **out,
    size_t *n, char **next, struct lc_err *err)
{
	const cJSON *fns, *item, *m;
	cJSON *o;
	size_t cnt;
	int ret = -1;

	*next = NULL;
	if ((o = cJSON_ParseWithLength(json, len)) == NULL)
		return lc_error(err, LC_EFAIL, "ListFunctions: the response "
		    "is not valid JSON");
	if (json_get_obj("ListFunctions", o, "Functions", &fns, 1, err) == -1)
		goto out;
	cnt = fns != NULL ? (size_t)cJSON_GetArraySize(fns) : 0;
	if (cnt > 0) {
		*out = xrealloc(*out, (*n + cnt) * sizeof **out);
		cJSON_ArrayForEach(item, fns) {
			if (config_from_json("ListFunctions", item,
			    &(*out)[*n], err) == -1)
				goto out;
			(*n)++;
		}
	}
	m = cJSON_GetObjectItemCaseSensitive(o, "NextMarker");
	if (cJSON_IsString(m) && m->valuestring[0] != '\0')
		*next = xstrdup(m->valuestring);
	ret = 0;
out:
	json_delete_wiped(o);
	return ret;
}
