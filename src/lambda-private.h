/*
 * lambda-private.h - what lambda-api.c and lambda-triggers.c share: the
 * function's path, a request's common members, and the small JSON call
 * whose answer is a FunctionConfiguration; and the request bodies of
 * lambda-triggers-json.c.  For those files only.
 */
#ifndef LC_LAMBDA_PRIVATE_H
#define LC_LAMBDA_PRIVATE_H

#include <string.h>

#include "aws.h"
#include "buf.h"
#include "lambda-api.h"
#include "lambda-triggers.h"
#include "sigv4.h"

#define API_PREFIX	"/2015-03-31/functions"

static const struct http_header json_hdr[] = {
	{ "Content-Type", "application/json" },
};

/* "/2015-03-31/functions/NAME" then more, NAME percent-encoded (the signer
 * encodes the path once more for the canonical request). */
static inline void
fn_path(struct buf *b, const char *name, const char *more)
{
	buf_adds(b, API_PREFIX "/");
	sigv4_uri_encode(b, name, strlen(name), 0);
	if (more != NULL)
		buf_adds(b, more);
}

static inline void
rq_init(struct aws_request *rq, const char *op, const char *method,
    const char *path)
{
	memset(rq, 0, sizeof *rq);
	rq->service = "lambda";
	rq->op = op;
	rq->method = method;
	rq->path = path;
}

static inline void
rq_json(struct aws_request *rq, const char *body)
{
	rq->headers = json_hdr;
	rq->nheaders = sizeof json_hdr / sizeof json_hdr[0];
	rq->body = body;
	rq->body_len = strlen(body);
}

/* Releases a response whose body may hold environment values. */
static inline void
response_wipe(struct aws_response *rs)
{
	buf_wipe(&rs->http.body);
	aws_response_release(rs);
}

/* Parses the FunctionConfiguration a write answers with, into out when
 * out is not NULL. */
static inline int
response_config(const char *op, const struct aws_response *rs,
    struct lambda_config *out, struct lc_err *err)
{
	if (out == NULL)
		return 0;
	return lambda_config_parse(op, rs->http.body.data, rs->http.body.len,
	    out, err);
}

/* Sends a small JSON (or empty) body and parses the answer into out. */
static inline int
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

/* Request bodies (lambda-triggers-json.c), unformatted; the caller frees
 * them.  A NULL member of s is left out. */
char *lambda_permission_json(const struct lambda_statement *s);
/* CreateEventSourceMapping (function and source_arn set) or
 * UpdateEventSourceMapping (both NULL); batch_size 0: Lambda's default. */
char *lambda_esm_json(const char *function, const char *source_arn,
    long batch_size, long batch_window, int enabled);
char *lambda_url_json(const char *auth);
char *lambda_tags_json(const struct manifest_kv *tags, size_t n);

#endif
