/*
 * lambda-triggers-json.c - the JSON of lambda-triggers.c, pure (no I/O,
 * fuzzed): reading a resource policy, event source mappings and a function
 * URL's configuration; building the AddPermission, event source mapping,
 * URL and TagResource bodies.
 *
 * A resource policy is read loosely: it is written by others too (the
 * console, CloudFormation, other tools), so a statement of another shape
 * is kept with what can be read, never an error.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "lambda-private.h"
#include "lambda-triggers.h"

/* BatchSize: Lambda's largest is 10000; anything whole and positive is
 * read. */
#define ESM_BATCH_MAX	INT32_MAX
#define ESM_WINDOW_MAX	INT32_MAX

/* Bodies; cJSON returns NULL only when out of memory. */

static cJSON *
made(cJSON *j)
{
	if (j == NULL)
		die("out of memory");
	return j;
}

static void
put_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		made(cJSON_AddStringToObject(o, key, v));
}

/* o printed unformatted, and freed; the caller frees the text. */
static char *
printed(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s == NULL)
		die("out of memory");
	cJSON_Delete(o);
	return s;
}

char *
lambda_permission_json(const struct lambda_statement *s)
{
	cJSON *o = made(cJSON_CreateObject());

	put_str(o, "StatementId", s->sid);
	put_str(o, "Action", s->action);
	put_str(o, "Principal", s->principal);
	put_str(o, "SourceArn", s->source_arn);
	put_str(o, "SourceAccount", s->source_account);
	put_str(o, "FunctionUrlAuthType", s->url_auth_type);
	if (s->via_url)
		cJSON_AddBoolToObject(o, "InvokedViaFunctionUrl", 1);
	return printed(o);
}

char *
lambda_esm_json(const char *function, const char *source_arn,
    long batch_size, long batch_window, int enabled)
{
	cJSON *o = made(cJSON_CreateObject());

	put_str(o, "FunctionName", function);
	put_str(o, "EventSourceArn", source_arn);
	if (batch_size > 0)
		made(cJSON_AddNumberToObject(o, "BatchSize",
		    (double)batch_size));
	made(cJSON_AddNumberToObject(o, "MaximumBatchingWindowInSeconds",
	    (double)batch_window));
	made(cJSON_AddBoolToObject(o, "Enabled", enabled));
	return printed(o);
}

char *
lambda_url_json(const char *auth)
{
	cJSON *o = made(cJSON_CreateObject());

	put_str(o, "AuthType", auth);
	return printed(o);
}

char *
lambda_tags_json(const struct manifest_kv *tags, size_t n)
{
	cJSON *o = made(cJSON_CreateObject()), *t;
	size_t i;

	t = made(cJSON_AddObjectToObject(o, "Tags"));
	for (i = 0; i < n; i++)
		put_str(t, tags[i].key, tags[i].value);
	return printed(o);
}

/* The resource policy. */

void
lambda_statements_free(struct lambda_statement *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].sid);
		free(s[i].principal);
		free(s[i].action);
		free(s[i].source_arn);
		free(s[i].source_account);
		free(s[i].url_auth_type);
	}
	free(s);
}

/* A copy of v when it is a string or a list of exactly one string, else
 * NULL: a policy may write either. */
static char *
loose_str(const cJSON *v)
{
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1)
		v = cJSON_GetArrayItem(v, 0);
	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

/* Condition.OPERATOR.KEY of statement st, loosely (condition keys are not
 * case-sensitive in IAM). */
static char *
condition(const cJSON *st, const char *operator, const char *key)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(st, "Condition");

	c = cJSON_IsObject(c) ? cJSON_GetObjectItem(c, operator) : NULL;
	return cJSON_IsObject(c) ? loose_str(cJSON_GetObjectItem(c, key)) :
	    NULL;
}

/* Whether v says true: JSON true or the string "true" (any case), as IAM
 * writes a Bool condition's value; a list of one such too. */
static int
loose_true(const cJSON *v)
{
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1)
		v = cJSON_GetArrayItem(v, 0);
	return cJSON_IsTrue(v) || (cJSON_IsString(v) &&
	    strcasecmp(v->valuestring, "true") == 0);
}

/* Whether statement st is limited to invocations through a function URL:
 * a lambda:InvokedViaFunctionUrl condition under any operator (Lambda
 * writes Bool), or moto's member beside the statement's. */
static int
via_url_read(const cJSON *st)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(st, "Condition");
	const cJSON *op;

	if (loose_true(cJSON_GetObjectItemCaseSensitive(st,
	    "InvokedViaFunctionUrl")))
		return 1;
	if (!cJSON_IsObject(c))
		return 0;
	cJSON_ArrayForEach(op, c)
		if (cJSON_IsObject(op) && loose_true(cJSON_GetObjectItem(op,
		    "lambda:InvokedViaFunctionUrl")))
			return 1;
	return 0;
}

/* What can be read of one statement. */
static void
statement_read(const cJSON *st, struct lambda_statement *s)
{
	const cJSON *p;

	memset(s, 0, sizeof *s);
	if (!cJSON_IsObject(st))
		return;
	s->sid = loose_str(cJSON_GetObjectItemCaseSensitive(st, "Sid"));
	s->action = loose_str(cJSON_GetObjectItemCaseSensitive(st,
	    "Action"));
	p = cJSON_GetObjectItemCaseSensitive(st, "Principal");
	if (cJSON_IsObject(p) && (s->principal = loose_str(
	    cJSON_GetObjectItemCaseSensitive(p, "Service"))) == NULL)
		s->principal = loose_str(cJSON_GetObjectItemCaseSensitive(p,
		    "AWS"));
	else if (!cJSON_IsObject(p))
		s->principal = loose_str(p);
	s->source_arn = condition(st, "ArnLike", "AWS:SourceArn");
	s->source_account = condition(st, "StringEquals",
	    "AWS:SourceAccount");
	s->url_auth_type = condition(st, "StringEquals",
	    "lambda:FunctionUrlAuthType");
	/* moto keeps it beside the statement's members. */
	if (s->url_auth_type == NULL)
		s->url_auth_type = loose_str(
		    cJSON_GetObjectItemCaseSensitive(st,
		    "FunctionUrlAuthType"));
	s->via_url = via_url_read(st);
}

/* The statements of the policy document doc. */
static int
policy_doc_read(const char *doc, struct lambda_statement **out, size_t *n,
    struct lc_err *err)
{
	const cJSON *sts, *st;
	cJSON *p;
	size_t cnt;

	if ((p = cJSON_Parse(doc)) == NULL || !cJSON_IsObject(p)) {
		cJSON_Delete(p);
		return lc_error(err, LC_EFAIL, "GetPolicy: unexpected "
		    "response: the Policy is not a JSON object");
	}
	sts = cJSON_GetObjectItemCaseSensitive(p, "Statement");
	if (cJSON_IsObject(sts)) {
		*out = xcalloc(1, sizeof **out);
		statement_read(sts, *out);
		*n = 1;
	} else if (cJSON_IsArray(sts) &&
	    (cnt = (size_t)cJSON_GetArraySize(sts)) > 0) {
		*out = xcalloc(cnt, sizeof **out);
		cJSON_ArrayForEach(st, sts)
			statement_read(st, &(*out)[(*n)++]);
	}
	cJSON_Delete(p);
	return 0;
}

int
lambda_policy_parse(const char *json, size_t len,
    struct lambda_statement **out, size_t *n, struct lc_err *err)
{
	char *doc = NULL;
	cJSON *o;
	int ret = -1;

	*out = NULL;
	*n = 0;
	if ((o = json_object_parse("GetPolicy", json, len, err)) == NULL)
		return -1;
	if (json_get_str("GetPolicy", o, "Policy", &doc, err) == -1)
		goto out;
	if (doc == NULL)
		lc_error(err, LC_EFAIL, "GetPolicy: unexpected response: no "
		    "Policy");
	else
		ret = policy_doc_read(doc, out, n, err);
out:
	free(doc);
	cJSON_Delete(o);
	return ret;
}

/* Event source mappings. */

void
lambda_esm_release(struct lambda_esm *m)
{
	free(m->uuid);
	free(m->source_arn);
	free(m->function_arn);
	free(m->state);
	memset(m, 0, sizeof *m);
}

void
lambda_esms_free(struct lambda_esm *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		lambda_esm_release(&m[i]);
	free(m);
}

/* One EventSourceMappingConfiguration object into m (left empty on
 * failure). */
static int
esm_read(const char *op, const cJSON *o, struct lambda_esm *m,
    struct lc_err *err)
{
	int64_t size = 0, window = 0;

	memset(m, 0, sizeof *m);
	if (!cJSON_IsObject(o))
		return lc_error(err, LC_EFAIL, "%s: unexpected response: an "
		    "event source mapping is not a JSON object", op);
	if (json_get_str(op, o, "UUID", &m->uuid, err) == -1 ||
	    json_get_str(op, o, "EventSourceArn", &m->source_arn, err) == -1 ||
	    json_get_str(op, o, "FunctionArn", &m->function_arn, err) == -1 ||
	    json_get_str(op, o, "State", &m->state, err) == -1 ||
	    json_get_int(op, o, "BatchSize", "BatchSize", 0, ESM_BATCH_MAX,
	    &size, err) == -1 ||
	    json_get_int(op, o, "MaximumBatchingWindowInSeconds",
	    "MaximumBatchingWindowInSeconds", 0, ESM_WINDOW_MAX, &window,
	    err) == -1)
		goto fail;
	if (m->uuid == NULL) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: an event "
		    "source mapping without UUID", op);
		goto fail;
	}
	m->batch_size = (long)size;
	m->batch_window = (long)window;
	m->enabled = m->state == NULL || (strcmp(m->state, "Disabled") != 0 &&
	    strcmp(m->state, "Disabling") != 0);
	return 0;
fail:
	lambda_esm_release(m);
	return -1;
}

int
lambda_esm_parse(const char *op, const char *json, size_t len,
    struct lambda_esm *m, struct lc_err *err)
{
	cJSON *o;
	int ret;

	memset(m, 0, sizeof *m);
	if ((o = cJSON_ParseWithLength(json, len)) == NULL)
		return lc_error(err, LC_EFAIL, "%s: the response is not valid "
		    "JSON", op);
	ret = esm_read(op, o, m, err);
	cJSON_Delete(o);
	return ret;
}

int
lambda_esms_parse(const char *json, size_t len, struct lambda_esm **out,
    size_t *n, char **next, struct lc_err *err)
{
	static const char op[] = "ListEventSourceMappings";
	const cJSON *arr, *item;
	cJSON *o;
	size_t cnt;
	int ret = -1;

	*next = NULL;
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_obj(op, o, "EventSourceMappings", &arr, 1, err) == -1)
		goto out;
	cnt = arr != NULL ? (size_t)cJSON_GetArraySize(arr) : 0;
	if (cnt > 0) {
		*out = xrealloc(*out, (*n + cnt) * sizeof **out);
		cJSON_ArrayForEach(item, arr) {
			if (esm_read(op, item, &(*out)[*n], err) == -1)
				goto out;
			(*n)++;
		}
	}
	if (json_get_str(op, o, "NextMarker", next, err) == -1)
		goto out;
	if (*next != NULL && **next == '\0') {
		free(*next);
		*next = NULL;
	}
	ret = 0;
out:
	cJSON_Delete(o);
	return ret;
}

/* Function URLs. */

void
lambda_url_release(struct lambda_url *u)
{
	free(u->url);
	free(u->auth_type);
	free(u->function_arn);
	memset(u, 0, sizeof *u);
}

int
lambda_url_parse(const char *op, const char *json, size_t len,
    struct lambda_url *u, struct lc_err *err)
{
	cJSON *o;
	int ret = -1;

	memset(u, 0, sizeof *u);
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_str(op, o, "FunctionUrl", &u->url, err) == 0 &&
	    json_get_str(op, o, "AuthType", &u->auth_type, err) == 0 &&
	    json_get_str(op, o, "FunctionArn", &u->function_arn, err) == 0)
		ret = 0;
	if (ret == 0 && u->url == NULL)
		ret = lc_error(err, LC_EFAIL, "%s: unexpected response: no "
		    "FunctionUrl", op);
	if (ret == -1)
		lambda_url_release(u);
	cJSON_Delete(o);
	return ret;
}
