/*
 * lambda-triggers.c - the Lambda operations behind triggers: the resource
 * policy, event source mappings, function URLs and tags (REST-JSON, as
 * lambda-api.c; requests built with lambda-private.h, JSON in
 * lambda-triggers-json.c).  "Already gone" answers of the removals are
 * success: a reconcile may race another one, or a manual clean-up.
 */
#include <stdlib.h>
#include <string.h>

#include "lambda-private.h"
#include "lambda-triggers.h"
#include "sigv4.h"

#define ESM_PATH	"/2015-03-31/event-source-mappings"
#define URL_PREFIX	"/2021-10-31/functions/"
#define TAGS_PREFIX	"/2017-03-31/tags/"

/* Appends "&" (when q is not empty), name, "=" and value encoded. */
static void
query_add(struct buf *q, const char *name, const char *value)
{
	if (q->len > 0)
		buf_addch(q, '&');
	buf_adds(q, name);
	buf_addch(q, '=');
	sigv4_uri_encode(q, value, strlen(value), 0);
}

/* "Qualifier=Q", or nothing for the unqualified function. */
static void
qualifier_query(struct buf *q, const char *qualifier)
{
	if (qualifier != NULL)
		query_add(q, "Qualifier", qualifier);
}

/* Sends op (body: a JSON text, or NULL); rs holds the answer, released by
 * the caller either way. */
static int
call(struct aws_client *c, const char *op, const char *method,
    const char *path, const struct buf *query, const char *body,
    struct aws_response *rs, struct lc_err *err)
{
	struct aws_request rq;

	rq_init(&rq, op, method, path);
	if (query != NULL && query->len > 0)
		rq.query = query->data;
	if (body != NULL)
		rq_json(&rq, body);
	return aws_call(c, &rq, rs, err);
}

/* What a removal takes for "already gone". */
enum gone {
	GONE_ERROR,	/* nothing: not a removal */
	GONE_RNF,	/* ResourceNotFoundException */
	/* that, or a 404 naming no error: moto's answer for a missing
	 * mapping.  Not for a statement: moto answers its 404 page for a
	 * statement id it cannot route (one with a dot), still there. */
	GONE_RNF_404,
};

/* call, for an operation whose answer is not read. */
static int
call_void(struct aws_client *c, const char *op, const char *method,
    const char *path, const struct buf *query, const char *body,
    enum gone gone, struct lc_err *err)
{
	struct aws_response rs;
	int ret = call(c, op, method, path, query, body, &rs, err);

	if (ret == -1 && ((gone != GONE_ERROR &&
	    lc_error_is(err, "ResourceNotFoundException")) ||
	    (gone == GONE_RNF_404 && lc_error_is(err, "HTTP 404")))) {
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	return ret;
}

/* The resource policy. */

int
lambda_get_policy(struct aws_client *c, const char *name,
    const char *qualifier, struct lambda_statement **out, size_t *n,
    struct lc_err *err)
{
	struct aws_response rs;
	struct buf path = BUF_INIT, query = BUF_INIT;
	int ret;

	*out = NULL;
	*n = 0;
	fn_path(&path, name, "/policy");
	qualifier_query(&query, qualifier);
	if ((ret = call(c, "GetPolicy", "GET", path.data, &query, NULL, &rs,
	    err)) == 0)
		ret = lambda_policy_parse(rs.http.body.data, rs.http.body.len,
		    out, n, err);
	else if (lc_error_is(err, "ResourceNotFoundException")) {
		/* No policy at all (or no function: the caller knows). */
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

int
lambda_add_permission(struct aws_client *c, const char *name,
    const char *qualifier, const struct lambda_statement *s,
    struct lc_err *err)
{
	struct buf path = BUF_INIT, query = BUF_INIT;
	char *json = lambda_permission_json(s);
	int ret;

	fn_path(&path, name, "/policy");
	qualifier_query(&query, qualifier);
	ret = call_void(c, "AddPermission", "POST", path.data, &query, json,
	    GONE_ERROR, err);
	free(json);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

int
lambda_remove_permission(struct aws_client *c, const char *name,
    const char *qualifier, const char *sid, struct lc_err *err)
{
	struct buf path = BUF_INIT, query = BUF_INIT;
	int ret;

	fn_path(&path, name, "/policy/");
	sigv4_uri_encode(&path, sid, strlen(sid), 0);
	qualifier_query(&query, qualifier);
	ret = call_void(c, "RemovePermission", "DELETE", path.data, &query,
	    NULL, GONE_RNF, err);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

/* Event source mappings. */

int
lambda_list_esms(struct aws_client *c, const char *function,
    struct lambda_esm **out, size_t *n, struct lc_err *err)
{
	struct aws_response rs;
	struct buf query = BUF_INIT;
	char *marker = NULL, *next = NULL;
	int more, ret = -1;

	*out = NULL;
	*n = 0;
	memset(&rs, 0, sizeof rs);
	for (;;) {
		buf_reset(&query);
		query_add(&query, "FunctionName", function);
		if (marker != NULL)
			query_add(&query, "Marker", marker);
		if (call(c, "ListEventSourceMappings", "GET", ESM_PATH, &query,
		    NULL, &rs, err) == -1 ||
		    lambda_esms_parse(rs.http.body.data, rs.http.body.len, out,
		    n, &next, err) == -1)
			goto out;
		aws_response_release(&rs);
		if ((more = aws_next_page("ListEventSourceMappings",
		    "NextMarker", &marker, &next, err)) == -1)
			goto out;
		if (!more)
			break;
	}
	ret = 0;
out:
	aws_response_release(&rs);
	if (ret == -1) {
		lambda_esms_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	buf_release(&query);
	free(marker);
	free(next);
	return ret;
}

int
lambda_create_esm(struct aws_client *c, const char *function,
    const char *source_arn, long batch_size, long batch_window, int enabled,
    struct lambda_esm *out, struct lc_err *err)
{
	static const char op[] = "CreateEventSourceMapping";
	struct aws_response rs;
	char *json;
	int ret;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	json = lambda_esm_json(function, source_arn, batch_size, batch_window,
	    enabled);
	ret = call(c, op, "POST", ESM_PATH, NULL, json, &rs, err);
	if (ret == 0 && out != NULL)
		ret = lambda_esm_parse(op, rs.http.body.data,
		    rs.http.body.len, out, err);
	aws_response_release(&rs);
	free(json);
	return ret;
}

/* ESM_PATH "/UUID". */
static void
esm_path(struct buf *b, const char *uuid)
{
	buf_adds(b, ESM_PATH "/");
	sigv4_uri_encode(b, uuid, strlen(uuid), 0);
}

int
lambda_update_esm(struct aws_client *c, const char *uuid, long batch_size,
    long batch_window, int enabled, struct lc_err *err)
{
	struct buf path = BUF_INIT;
	char *json = lambda_esm_json(NULL, NULL, batch_size, batch_window,
	    enabled);
	int ret;

	esm_path(&path, uuid);
	ret = call_void(c, "UpdateEventSourceMapping", "PUT", path.data, NULL,
	    json, GONE_ERROR, err);
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_delete_esm(struct aws_client *c, const char *uuid,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	int ret;

	esm_path(&path, uuid);
	ret = call_void(c, "DeleteEventSourceMapping", "DELETE", path.data,
	    NULL, NULL, GONE_RNF_404, err);
	buf_release(&path);
	return ret;
}

/* Function URLs. */

/* URL_PREFIX "NAME/url" and its query. */
static void
url_request(struct buf *path, struct buf *query, const char *name,
    const char *qualifier)
{
	buf_adds(path, URL_PREFIX);
	sigv4_uri_encode(path, name, strlen(name), 0);
	buf_adds(path, "/url");
	qualifier_query(query, qualifier);
}

int
lambda_get_url(struct aws_client *c, const char *name,
    const char *qualifier, struct lambda_url *u, struct lc_err *err)
{
	static const char op[] = "GetFunctionUrlConfig";
	struct aws_response rs;
	struct buf path = BUF_INIT, query = BUF_INIT;
	int ret = -1;

	memset(u, 0, sizeof *u);
	url_request(&path, &query, name, qualifier);
	if (call(c, op, "GET", path.data, &query, NULL, &rs, err) == 0) {
		if (lambda_url_parse(op, rs.http.body.data, rs.http.body.len,
		    u, err) == 0)
			ret = 1;
	} else if (lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

int
lambda_put_url(struct aws_client *c, const char *name,
    const char *qualifier, const char *auth, int create,
    struct lambda_url *out, struct lc_err *err)
{
	const char *op = create ? "CreateFunctionUrlConfig" :
	    "UpdateFunctionUrlConfig";
	struct aws_response rs;
	struct buf path = BUF_INIT, query = BUF_INIT;
	char *json = lambda_url_json(auth);
	int ret;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	url_request(&path, &query, name, qualifier);
	ret = call(c, op, create ? "POST" : "PUT", path.data, &query, json,
	    &rs, err);
	if (ret == 0 && out != NULL)
		ret = lambda_url_parse(op, rs.http.body.data,
		    rs.http.body.len, out, err);
	aws_response_release(&rs);
	free(json);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

int
lambda_delete_url(struct aws_client *c, const char *name,
    const char *qualifier, struct lc_err *err)
{
	struct buf path = BUF_INIT, query = BUF_INIT;
	int ret;

	url_request(&path, &query, name, qualifier);
	ret = call_void(c, "DeleteFunctionUrlConfig", "DELETE", path.data,
	    &query, NULL, GONE_RNF, err);
	buf_release(&path);
	buf_release(&query);
	return ret;
}

/* Tags. */

int
lambda_tag(struct aws_client *c, const char *arn,
    const struct manifest_kv *tags, size_t n, struct lc_err *err)
{
	struct buf path = BUF_INIT;
	char *json;
	int ret;

	if (n == 0)
		return 0;
	buf_adds(&path, TAGS_PREFIX);
	sigv4_uri_encode(&path, arn, strlen(arn), 0);
	json = lambda_tags_json(tags, n);
	ret = call_void(c, "TagResource", "POST", path.data, NULL, json,
	    GONE_ERROR, err);
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_untag(struct aws_client *c, const char *arn, char *const *keys,
    size_t n, struct lc_err *err)
{
	struct buf path = BUF_INIT, query = BUF_INIT;
	size_t i;
	int ret;

	if (n == 0)
		return 0;
	buf_adds(&path, TAGS_PREFIX);
	sigv4_uri_encode(&path, arn, strlen(arn), 0);
	for (i = 0; i < n; i++)
		query_add(&query, "tagKeys", keys[i]);
	ret = call_void(c, "UntagResource", "DELETE", path.data, &query, NULL,
	    GONE_ERROR, err);
	buf_release(&path);
	buf_release(&query);
	return ret;
}
