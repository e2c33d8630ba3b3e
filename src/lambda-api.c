/*
 * lambda-api.c - AWS Lambda operations (REST-JSON, 2015-03-31) and the
 * waiter.  Deployment zips travel base64-encoded inside the JSON body,
 * streamed from the file (upload.c).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "b64.h"
#include "clock.h"
#include "fnsettings.h"
#include "json.h"
#include "lambda-api.h"
#include "sigv4.h"
#include "upload.h"

#define API_PREFIX	"/2015-03-31/functions"
#define LIST_PAGE	"50"

/* CodeSize: a whole number a double holds exactly.  The settings' own
 * ranges are in the table (fnsettings.c). */
#define API_CODE_SIZE_MAX	(INT64_C(1) << 53)

static const struct http_header json_hdr[] = {
	{ "Content-Type", "application/json" },
};

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

/* Overwrites the string values of j, its siblings and their children. */
static void
json_wipe(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
		json_wipe(j->child);
	}
}

/* Frees a tree after wiping its string values (environment values are
 * secrets). */
static void
json_wipe_delete(cJSON *root)
{
	if (root == NULL)
		return;
	if (root->valuestring != NULL)
		OPENSSL_cleanse(root->valuestring, strlen(root->valuestring));
	json_wipe(root->child);
	cJSON_Delete(root);
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

/* Parsing a FunctionConfiguration. */

static int
bad_member(const char *op, const char *key, const char *what,
    struct lc_err *err)
{
	return lc_error(err, LC_EFAIL, "%s: unexpected response: '%s' is not "
	    "%s", op, key, what);
}

/* Copies the string member key of o into *dst (left NULL when absent or
 * null). */
static int
get_str(const char *op, const cJSON *o, const char *key, char **dst,
    struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return bad_member(op, key, "a string", err);
	*dst = xstrdup(v->valuestring);
	return 0;
}

/*
 * Reads the integer member key of o, which must be from lo to hi, into
 * *dst (left alone when absent or null); field names it in errors.
 */
static int
get_int(const char *op, const cJSON *o, const char *key, const char *field,
    int64_t lo, int64_t hi, int64_t *dst, struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return bad_member(op, field, "a number", err);
	if (json_int(v, lo, hi, dst) == -1)
		return lc_error(err, LC_EFAIL, "%s: unexpected response: "
		    "'%s' is %g, not a whole number from %" PRId64 " to %"
		    PRId64, op, field, v->valuedouble, lo, hi);
	return 0;
}

/* The object member key of o, NULL when absent; -1 when not an object. */
static int
get_obj(const char *op, const cJSON *o, const char *key, const cJSON **dst,
    int array, struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*dst = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
		return bad_member(op, key, array ? "an array" : "an object",
		    err);
	*dst = v;
	return 0;
}

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
		if (get_obj(op, o, part, &o, 0, err) == -1)
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
		if (get_obj(op, p, leaf, &a, 1, err) == -1)
			return -1;
		if (a != NULL && (v = cJSON_GetArrayItem(a, 0)) != NULL) {
			snprintf(name, sizeof name, "%s[]", leaf);
			if (!cJSON_IsString(v))
				return bad_member(op, name, "a string", err);
			*dst = xstrdup(v->valuestring);
		}
	} else if (p != NULL && get_str(op, p, leaf, dst, err) == -1)
		return -1;
	if (*dst == NULL && s->def != NULL)
		*dst = xstrdup(s->def);
	return 0;
}

/* A list setting, each item the s->item member of an object in Lambda's
 * answer (Layers[].Arn). */
static int
get_setting_list(const char *op, const cJSON *p, const char *leaf,
    const struct fnsetting *s, struct lambda_config *cfg, struct lc_err *err)
{
	char ***list = cfg_at(cfg, s->cfg_off), name[96];
	size_t *n = cfg_at(cfg, s->cfg_count), cnt;
	const cJSON *a, *v;

	if (get_obj(op, p, leaf, &a, 1, err) == -1)
		return -1;
	if (a == NULL || (cnt = (size_t)cJSON_GetArraySize(a)) == 0)
		return 0;
	*list = xcalloc(cnt, sizeof **list);
	cJSON_ArrayForEach(v, a) {
		snprintf(name, sizeof name, "%s[]", leaf);
		if (!cJSON_IsObject(v))
			return bad_member(op, name, "an object", err);
		if (get_str(op, v, s->item, &(*list)[*n], err) == -1)
			return -1;
		snprintf(name, sizeof name, "%s[].%s", leaf, s->item);
		if ((*list)[*n] == NULL)
			return bad_member(op, name, "present", err);
		(*n)++;
	}
	return 0;
}

/* A map setting (Environment.Variables), sorted by key.  Its values are
 * secrets: never in messages. */
static int
get_setting_map(const char *op, const cJSON *p, const char *leaf,
    const struct fnsetting *s, struct lambda_config *cfg, struct lc_err *err)
{
	struct manifest_kv **kv = cfg_at(cfg, s->cfg_off);
	size_t *n = cfg_at(cfg, s->cfg_count), cnt;
	const cJSON *m, *v;

	if (get_obj(op, p, leaf, &m, 0, err) == -1)
		return -1;
	if (m == NULL || (cnt = (size_t)cJSON_GetArraySize(m)) == 0)
		return 0;
	*kv = xcalloc(cnt, sizeof **kv);
	cJSON_ArrayForEach(v, m) {
		if (!cJSON_IsString(v) || v->string == NULL)
			return lc_error(err, LC_EFAIL, "%s: unexpected "
			    "response: %s variable '%s' is not a string", op,
			    s->key, v->string != NULL ? v->string : "");
		(*kv)[*n].key = xstrdup(v->string);
		(*kv)[*n].value = xstrdup(v->valuestring);
		(*n)++;
	}
	qsort(*kv, *n, sizeof **kv, kv_cmp);
	return 0;
}

/* Reads setting s from the FunctionConfiguration o into cfg. */
static int
get_setting(const char *op, const cJSON *o, const struct fnsetting *s,
    struct lambda_config *cfg, struct lc_err *err)
{
	const cJSON *p;
	char leaf[64];
	int64_t v = s->ldef;

	if (s->cfg_off == FNSET_NONE)
		return 0;
	if (get_parent(op, o, s->api, &p, leaf, sizeof leaf, err) == -1)
		return -1;
	switch (s->type) {
	case FNSET_STRING:
		return get_setting_str(op, p, leaf, s,
		    cfg_at(cfg, s->cfg_off), err);
	case FNSET_LONG:
		if (p != NULL && get_int(op, p, leaf, s->api, s->lo, s->hi,
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
	const cJSON *lc;
	int64_t size = 0;
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	if (!cJSON_IsObject(o)) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: the function "
		    "configuration is not a JSON object", op);
		goto fail;
	}
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (get_str(op, o, strs[i].key, cfg_at(cfg, strs[i].off),
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
	if (get_int(op, o, "CodeSize", "CodeSize", 0, API_CODE_SIZE_MAX,
	    &size, err) == -1)
		goto fail;
	cfg->code_size = size;
	if (get_obj(op, o, "LoggingConfig", &lc, 0, err) == -1 ||
	    (lc != NULL && get_str(op, lc, "LogGroup", &cfg->log_group,
	    err) == -1))
		goto fail;
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
	json_wipe_delete(o);
	return ret;
}

void
lambda_config_release(struct lambda_config *cfg)
{
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
	free(cfg->log_group);
	memset(cfg, 0, sizeof *cfg);
}

/* Requests. */

/* "/2015-03-31/functions/NAME" then more, NAME percent-encoded (the signer
 * encodes the path once more for the canonical request). */
static void
fn_path(struct buf *b, const char *name, const char *more)
{
	buf_adds(b, API_PREFIX "/");
	sigv4_uri_encode(b, name, strlen(name), 0);
	if (more != NULL)
		buf_adds(b, more);
}

static void
rq_init(struct aws_request *rq, const char *op, const char *method,
    const char *path)
{
	memset(rq, 0, sizeof *rq);
	rq->service = "lambda";
	rq->op = op;
	rq->method = method;
	rq->path = path;
}

static void
rq_json(struct aws_request *rq, const char *body)
{
	rq->headers = json_hdr;
	rq->nheaders = sizeof json_hdr / sizeof json_hdr[0];
	rq->body = body;
	rq->body_len = strlen(body);
}

/* Releases a response whose body may hold environment values. */
static void
response_wipe(struct aws_response *rs)
{
	buf_wipe(&rs->http.body);
	aws_response_release(rs);
}

/* Parses the FunctionConfiguration a write answers with, into out when
 * out is not NULL. */
static int
response_config(const char *op, const struct aws_response *rs,
    struct lambda_config *out, struct lc_err *err)
{
	if (out == NULL)
		return 0;
	return lambda_config_parse(op, rs->http.body.data, rs->http.body.len,
	    out, err);
}

/* Sends a small JSON (or empty) body and parses the answer into out. */
static int
simple_call(struct aws_client *c, const char *op, const char *method,
    const char *path, const char *body, struct lambda_config *out,
    struct lc_err *err)
{
	struct aws_request rq;
	struct aws_response rs;
	int ret = -1;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	rq_init(&rq, op, method, path);
	if (body != NULL)
		rq_json(&rq, body);
	if (aws_call(c, &rq, &rs, err) == 0)
		ret = response_config(op, &rs, out, err);
	response_wipe(&rs);
	return ret;
}

/* A placeholder for Code.ZipFile that no real value will contain. */
static void
zip_placeholder(char out[LAMBDA_PLACEHOLDER_MAX])
{
	snprintf(out, LAMBDA_PLACEHOLDER_MAX, "lambdactl-zipfile-%08x%08x",
	    (unsigned)arc4random(), (unsigned)arc4random());
}

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
		return;		/* unset, no default: Lambda's business */
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

/* Whether a body of kind k carries setting s of fn. */
static int
carries(enum body_kind k, const struct fnsetting *s,
    const struct manifest_fn *fn)
{
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

char *
lambda_create_json(const struct manifest_fn *fn, const char *role_arn,
    int publish, const char *zipfile)
{
	cJSON *o = jcheck(cJSON_CreateObject());
	char *s;

	jstr(o, "FunctionName", fn->name);
	put_settings(o, FOR_CREATE, fn, role_arn);
	jbool(o, "Publish", publish);
	jstr(o, "PackageType", "Zip");
	jstr(jcheck(cJSON_AddObjectToObject(o, "Code")), "ZipFile", zipfile);
	s = json_print(o);
	json_wipe_delete(o);
	return s;
}

char *
lambda_code_json(const struct manifest_fn *fn, const char *revision_id,
    const char *zipfile)
{
	cJSON *o = jcheck(cJSON_CreateObject());
	char *s;

	jstr(o, "ZipFile", zipfile);
	if (fn != NULL)
		put_settings(o, FOR_CODE, fn, NULL);
	if (revision_id != NULL)
		jstr(o, "RevisionId", revision_id);
	jbool(o, "Publish", 0);
	s = json_print(o);
	json_wipe_delete(o);
	return s;
}

char *
lambda_config_json(const struct manifest_fn *fn, const char *role_arn,
    const char *revision_id)
{
	cJSON *o = jcheck(cJSON_CreateObject());
	char *s;

	put_settings(o, FOR_CONFIG, fn, role_arn);
	if (revision_id != NULL)
		jstr(o, "RevisionId", revision_id);
	s = json_print(o);
	json_wipe_delete(o);
	return s;
}

/* Sends json (holding placeholder) with the zip streamed into it. */
static int
upload(struct aws_client *c, const char *op, const char *method,
    const char *path, const char *json, const char *placeholder,
    const char *zip_path, void (*progress)(void *, uint64_t, uint64_t),
    void *progress_arg, struct lambda_config *out, struct lc_err *err)
{
	struct upload_body *b = NULL;
	struct aws_request rq;
	struct aws_response rs;
	int ret = -1;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	memset(&rs, 0, sizeof rs);
	if (upload_body_open(&b, json, placeholder, zip_path, err) == -1) {
		lc_error_prefix(err, "%s", op);
		return -1;
	}
	rq_init(&rq, op, method, path);
	rq.headers = json_hdr;
	rq.nheaders = sizeof json_hdr / sizeof json_hdr[0];
	rq.stream = upload_body_stream(b);
	rq.payload_hash = upload_body_sha256(b);
	rq.progress = progress;
	rq.progress_arg = progress_arg;
	if (aws_call(c, &rq, &rs, err) == -1) {
		/* Say why the upload stopped, not just that curl aborted. */
		if (upload_body_error(b) != NULL)
			lc_error(err, LC_EFAIL, "%s: %s", op,
			    upload_body_error(b));
		goto out;
	}
	ret = response_config(op, &rs, out, err);
out:
	response_wipe(&rs);
	upload_body_free(b);
	return ret;
}

int
lambda_create_function(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const char *zip_path, int publish,
    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
    struct lambda_config *out, struct lc_err *err)
{
	char ph[LAMBDA_PLACEHOLDER_MAX], *json;
	int ret;

	zip_placeholder(ph);
	json = lambda_create_json(fn, role_arn, publish, ph);
	ret = upload(c, "CreateFunction", "POST", API_PREFIX, json, ph,
	    zip_path, progress, progress_arg, out, err);
	free_secret(json);
	return ret;
}

int
lambda_update_code(struct aws_client *c, const struct manifest_fn *fn,
    const char *zip_path, const char *revision_id,
    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
    struct lambda_config *out, struct lc_err *err)
{
	char ph[LAMBDA_PLACEHOLDER_MAX], *json;
	struct buf path = BUF_INIT;
	int ret;

	zip_placeholder(ph);
	json = lambda_code_json(fn, revision_id, ph);
	fn_path(&path, fn->name, "/code");
	ret = upload(c, "UpdateFunctionCode", "PUT", path.data, json, ph,
	    zip_path, progress, progress_arg, out, err);
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_update_config(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const char *revision_id, struct lambda_config *out,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	char *json = lambda_config_json(fn, role_arn, revision_id);
	int ret;

	fn_path(&path, fn->name, "/configuration");
	ret = simple_call(c, "UpdateFunctionConfiguration", "PUT", path.data,
	    json, out, err);
	free_secret(json);
	buf_release(&path);
	return ret;
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
	else
		ret = config_from_json("GetFunction", conf, cfg, err);
	json_wipe_delete(o);
	return ret;
}

int
lambda_get_function(struct aws_client *c, const char *name,
    struct lambda_config *cfg, struct lc_err *err)
{
	struct aws_request rq;
	struct aws_response rs;
	struct buf path = BUF_INIT;
	int ret = -1;

	memset(cfg, 0, sizeof *cfg);
	fn_path(&path, name, NULL);
	rq_init(&rq, "GetFunction", "GET", path.data);
	if (aws_call(c, &rq, &rs, err) == -1) {
		if (lc_error_is(err, "ResourceNotFoundException")) {
			lc_error_clear(err);
			ret = 0;
		}
		goto out;
	}
	if (lambda_function_parse(rs.http.body.data, rs.http.body.len, cfg,
	    err) == 0)
		ret = 1;
out:
	response_wipe(&rs);
	buf_release(&path);
	return ret;
}

int
lambda_publish_version(struct aws_client *c, const char *name,
    const char *code_sha256, const char *revision_id,
    const char *description, char **version, struct lc_err *err)
{
	struct lambda_config cfg;
	struct buf path = BUF_INIT;
	cJSON *o = jcheck(cJSON_CreateObject());
	char *json;
	int ret = -1;

	*version = NULL;
	if (code_sha256 != NULL)
		jstr(o, "CodeSha256", code_sha256);
	if (revision_id != NULL)
		jstr(o, "RevisionId", revision_id);
	if (description != NULL)
		jstr(o, "Description", description);
	json = json_print(o);
	cJSON_Delete(o);
	fn_path(&path, name, "/versions");
	if (simple_call(c, "PublishVersion", "POST", path.data, json, &cfg,
	    err) == -1)
		goto out;
	if (cfg.version == NULL)
		lc_error(err, LC_EFAIL, "PublishVersion: unexpected response: "
		    "no Version");
	else {
		*version = cfg.version;
		cfg.version = NULL;
		ret = 0;
	}
	lambda_config_release(&cfg);
out:
	free(json);
	buf_release(&path);
	return ret;
}

/* Sends a small body built from name/value pairs; no response parsed. */
static int
alias_call(struct aws_client *c, const char *op, const char *method,
    const char *path, const char *alias, const char *version,
    struct aws_response *rs, struct lc_err *err)
{
	struct aws_request rq;
	cJSON *o = jcheck(cJSON_CreateObject());
	char *json;
	int ret;

	if (alias != NULL)
		jstr(o, "Name", alias);
	jstr(o, "FunctionVersion", version);
	json = json_print(o);
	cJSON_Delete(o);
	rq_init(&rq, op, method, path);
	rq_json(&rq, json);
	ret = aws_call(c, &rq, rs, err);
	free(json);
	return ret;
}

int
lambda_set_alias(struct aws_client *c, const char *name, const char *alias,
    const char *version, int *created, struct lc_err *err)
{
	struct aws_request rq;
	struct aws_response rs;
	struct buf base = BUF_INIT, one = BUF_INIT;
	int ret = -1, exists;

	if (created != NULL)
		*created = 0;
	fn_path(&base, name, "/aliases");
	buf_adds(&one, base.data);
	buf_addch(&one, '/');
	sigv4_uri_encode(&one, alias, strlen(alias), 0);
	rq_init(&rq, "GetAlias", "GET", one.data);
	if (aws_call(c, &rq, &rs, err) == 0)
		exists = 1;
	else if (lc_error_is(err, "ResourceNotFoundException"))
		exists = 0;
	else
		goto out;
	aws_response_release(&rs);
	lc_error_clear(err);
	if (!exists) {
		if (alias_call(c, "CreateAlias", "POST", base.data, alias,
		    version, &rs, err) == 0) {
			if (created != NULL)
				*created = 1;
			ret = 0;
			goto out;
		}
		/* Created by someone else since GetAlias: move it. */
		if (!lc_error_is(err, "ResourceConflictException"))
			goto out;
		aws_response_release(&rs);
	}
	ret = alias_call(c, "UpdateAlias", "PUT", one.data, NULL, version,
	    &rs, err);
out:
	aws_response_release(&rs);
	buf_release(&base);
	buf_release(&one);
	return ret;
}

int
lambda_delete_function(struct aws_client *c, const char *name,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	int ret;

	fn_path(&path, name, NULL);
	ret = simple_call(c, "DeleteFunction", "DELETE", path.data, NULL, NULL,
	    err);
	buf_release(&path);
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
	if (get_obj("ListFunctions", o, "Functions", &fns, 1, err) == -1)
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
	json_wipe_delete(o);
	return ret;
}

int
lambda_list_functions(struct aws_client *c, struct lambda_config **out,
    size_t *n, struct lc_err *err)
{
	struct aws_request rq;
	struct aws_response rs;
	struct buf query = BUF_INIT;
	char *marker = NULL, *next = NULL;
	size_t i;
	int ret = -1;

	*out = NULL;
	*n = 0;
	memset(&rs, 0, sizeof rs);
	for (;;) {
		buf_reset(&query);
		if (marker != NULL) {
			buf_adds(&query, "Marker=");
			sigv4_uri_encode(&query, marker, strlen(marker), 0);
			buf_addch(&query, '&');
		}
		buf_adds(&query, "MaxItems=" LIST_PAGE);
		rq_init(&rq, "ListFunctions", "GET", API_PREFIX "/");
		rq.query = query.data;
		if (aws_call(c, &rq, &rs, err) == -1 ||
		    lambda_list_parse(rs.http.body.data, rs.http.body.len, out,
		    n, &next, err) == -1)
			goto out;
		response_wipe(&rs);
		if (next == NULL)
			break;
		if (marker != NULL && strcmp(marker, next) == 0) {
			lc_error(err, LC_EFAIL, "ListFunctions: the same "
			    "NextMarker came back twice");
			goto out;
		}
		free(marker);
		marker = next;
		next = NULL;
	}
	ret = 0;
out:
	if (ret == -1) {
		for (i = 0; i < *n; i++)
			lambda_config_release(&(*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	response_wipe(&rs);
	buf_release(&query);
	free(marker);
	free(next);
	return ret;
}

/* The waiter. */

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static int
str_eq(const char *a, const char *b)
{
	return strcmp(nz(a), nz(b)) == 0;
}

static int
is(const char *s, const char *v)
{
	return s != NULL && strcmp(s, v) == 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Whether the function is ready: 1 yes, 0 not yet, -1 failed (err set).
 * A missing State or LastUpdateStatus (older APIs, emulators) counts as
 * settled.
 */
static int
wait_check(const struct lambda_config *cfg, struct lc_err *err)
{
	if (is(cfg->last_update_status, "Failed"))
		return lc_error(err, LC_EFAIL, "the update failed: %s",
		    cfg->last_update_status_reason != NULL ?
		    cfg->last_update_status_reason : "no reason given");
	if (is(cfg->state, "Failed"))
		return lc_error(err, LC_EFAIL, "the function is in state "
		    "Failed: %s", cfg->state_reason != NULL ?
		    cfg->state_reason : "no reason given");
	if (cfg->state != NULL && !is(cfg->state, "Active") &&
	    !is(cfg->state, "Inactive"))
		return 0;
	return !is(cfg->last_update_status, "InProgress");
}

int
lambda_wait(struct aws_client *c, const char *name, long timeout_s,
    long poll_ms, void (*on_change)(void *, const char *, const char *),
    void *arg, struct lambda_config *out, struct lc_err *err)
{
	struct lambda_config cfg, last;
	double deadline = clock_ms() / 1e3 + (double)(timeout_s > 0 ? timeout_s : 0);
	double left;
	int seen = 0, r;
	long ms;

	memset(&last, 0, sizeof last);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	for (;;) {
		r = lambda_get_function(c, name, &cfg, err);
		if (r == -1) {
			if (lc_error_is(err, "AccessDeniedException")) {
				size_t len = strlen(err->msg);

				snprintf(err->msg + len, sizeof err->msg - len,
				    " (lambdactl waits by polling "
				    "GetFunction: the credentials need "
				    "lambda:GetFunction)");
			}
			goto out;
		}
		if (r == 0) {
			r = lc_error(err, LC_EFAIL, "the function disappeared "
			    "while lambdactl waited for it");
			goto out;
		}
		if (on_change != NULL && (!seen ||
		    !str_eq(cfg.state, last.state) ||
		    !str_eq(cfg.last_update_status, last.last_update_status)))
			on_change(arg, cfg.state, cfg.last_update_status);
		seen = 1;
		lambda_config_release(&last);
		last = cfg;
		if ((r = wait_check(&last, err)) != 0)
			goto out;
		left = deadline - clock_ms() / 1e3;
		if (left <= 0) {
			r = lc_error(err, LC_EFAIL, "timed out after %ld s "
			    "waiting for the function to settle (State %s, "
			    "LastUpdateStatus %s)", timeout_s,
			    last.state != NULL ? last.state :
			    "none", last.last_update_status != NULL ?
			    last.last_update_status : "none");
			goto out;
		}
		ms = poll_ms > 0 ? poll_ms : 1000;
		if ((double)ms > left * 1000)
			ms = (long)(left * 1000) + 1;
		sleep_ms(ms);
	}
out:
	if (out != NULL && seen) {
		*out = last;
		memset(&last, 0, sizeof last);
	}
	lambda_config_release(&last);
	return r == 1 ? 0 : -1;
}

void
lambda_invoke_res_take(struct lambda_invoke_res *rs,
    struct http_response *http)
{
	const char *v;

	rs->status = http->status;
	if ((v = http_header_get(http, "X-Amz-Function-Error")) != NULL)
		rs->function_error = xstrdup(v);
	if ((v = http_header_get(http, "X-Amz-Executed-Version")) != NULL)
		rs->executed_version = xstrdup(v);
	if ((v = http_header_get(http, "x-amzn-RequestId")) != NULL)
		rs->request_id = xstrdup(v);
	/* A bad log tail must not cost the response of a function that ran. */
	if ((v = http_header_get(http, "X-Amz-Log-Result")) != NULL &&
	    (rs->log_tail = b64_decode(v, strlen(v), NULL)) == NULL)
		rs->log_invalid = 1;
	/* The payload moves over rather than being copied. */
	buf_release(&rs->payload);
	rs->payload = http->body;
	buf_init(&http->body);
}

int
lambda_invoke(struct aws_client *c, const struct lambda_invoke_req *rq,
    struct lambda_invoke_res *rs, struct lc_err *err)
{
	struct http_header h[4];
	struct aws_request ar;
	struct aws_response resp;
	struct buf path = BUF_INIT, query = BUF_INIT;
	char *ctx64 = NULL;
	size_t nh = 0;
	int ret = -1;

	memset(rs, 0, sizeof *rs);
	buf_init(&rs->payload);
	fn_path(&path, rq->name, "/invocations");
	if (rq->qualifier != NULL) {
		buf_adds(&query, "Qualifier=");
		sigv4_uri_encode(&query, rq->qualifier, strlen(rq->qualifier),
		    0);
	}
	h[nh].name = "X-Amz-Invocation-Type";
	h[nh++].value = rq->type;
	if (rq->tail) {
		h[nh].name = "X-Amz-Log-Type";
		h[nh++].value = "Tail";
	}
	if (rq->client_context != NULL) {
		ctx64 = b64_encode_str(rq->client_context,
		    strlen(rq->client_context));
		h[nh].name = "X-Amz-Client-Context";
		h[nh++].value = ctx64;
	}
	h[nh].name = "Content-Type";
	h[nh++].value = "application/json";
	rq_init(&ar, "Invoke", "POST", path.data);
	ar.query = query.len > 0 ? query.data : NULL;
	ar.headers = h;
	ar.nheaders = nh;
	ar.body = rq->payload;
	ar.body_len = rq->len;
	ar.read_timeout = rq->read_timeout;
	/* The whole call: the function's time and a minute to transfer. */
	if (rq->read_timeout > 0)
		ar.timeout = rq->read_timeout + 60;
	/* Lambda returns at most 6 MiB (a synchronous response). */
	ar.max_body = 6 * 1024 * 1024;
	ar.no_retry_after_send = strcmp(rq->type, "RequestResponse") == 0;
	if (aws_call(c, &ar, &resp, err) == -1)
		goto out;
	lambda_invoke_res_take(rs, &resp.http);
	ret = 0;
out:
	if (ret == -1)
		lambda_invoke_res_release(rs);
	aws_response_release(&resp);
	buf_release(&path);
	buf_release(&query);
	free(ctx64);
	return ret;
}

void
lambda_invoke_res_release(struct lambda_invoke_res *rs)
{
	free(rs->function_error);
	free(rs->log_tail);
	free(rs->executed_version);
	free(rs->request_id);
	buf_release(&rs->payload);
	memset(rs, 0, sizeof *rs);
	buf_init(&rs->payload);
}
