/*
 * aws.h - one AWS API call: resolve the endpoint, sign (SigV4), send, retry
 * the AWS "standard" way, and turn an error response into one line.
 */
#ifndef LC_AWS_H
#define LC_AWS_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "awsconfig.h"
#include "buf.h"
#include "creds.h"
#include "err.h"
#include "http.h"

struct aws_client {
	struct http_client	*http;
	/*
	 * Signs every request, refreshed when near expiry (creds_fresh);
	 * NULL: requests go unsigned (AssumeRoleWithWebIdentity, SSO).
	 */
	struct creds		*creds;
	const struct aws_config	*cfg;		/* for endpoint_url */
	const char		*region;
	const char		*endpoint_flag;	/* --endpoint-url */
	int			 max_attempts;	/* 0: 3 */
	/* Sleeps between attempts; NULL: nanosleep.  Tests replace it. */
	void			(*sleep_ms)(long ms);
};

struct aws_request {
	const char			*service;	/* "lambda", "logs", "sts" */
	/*
	 * S3 ("s3"): the bucket, the path then being "/KEY" (encoded, '/'
	 * kept).  Path-style ORIGIN/BUCKET/KEY on a configured endpoint (or a
	 * bucket name with a dot), else https://BUCKET.s3.REGION.amazonaws.com
	 * /KEY; signed with x-amz-content-sha256, the path as is.
	 */
	const char			*bucket;
	const char			*op;		/* "GetFunction" */
	const char			*method;
	const char			*path;		/* percent-encoded */
	const char			*query;		/* encoded, no '?'; or NULL */
	const struct http_header	*headers;	/* extra headers */
	size_t				 nheaders;
	const void			*body;
	size_t				 body_len;
	/* A streamed body and its SHA-256 (hex), computed beforehand. */
	const struct http_stream	*stream;
	const char			*payload_hash;
	/*
	 * Once the body may have reached the server, retry nothing but
	 * throttling (a synchronous Invoke must never run twice).
	 */
	int				 no_retry_after_send;
	/*
	 * S3's CompleteMultipartUpload: a 200 whose body is an <Error> is
	 * that error, taken as a 500 (as botocore does): retried.
	 */
	int				 error_in_200;
	long				 timeout;	/* total seconds; 0: default */
	long				 read_timeout;	/* idle seconds; 0: default */
	size_t				 max_body;	/* response bytes; 0: default */
	int	(*sink)(void *arg, const char *data, size_t len);
	void	 *sink_arg;
	void	(*progress)(void *arg, uint64_t sent, uint64_t total);
	void	 *progress_arg;
	/* Set (by a signal; may be NULL): the request is abandoned. */
	const volatile sig_atomic_t	*stop;
};

struct aws_response {
	struct http_response	 http;	/* the AWS error code is err->code */
};

/*
 * Performs rq.  Returns 0 on a 2xx response (err cleared); -1 with err on a
 * transport failure ("OP: ...", LC_EFAIL, no code) or an AWS error ("OP:
 * CODE: message", LC_EFAIL, err->code CODE), in which case rs still holds
 * the response (release it either way with aws_response_release).
 */
int aws_call(struct aws_client *c, const struct aws_request *rq,
    struct aws_response *rs, struct lc_err *err);
void aws_response_release(struct aws_response *rs);

/*
 * Pulls the error code and message out of an error response: the code from
 * the x-amzn-ErrorType header (cut at ':'), or JSON "__type" (cut after
 * '#'), "code", "Code", "Type", "error" (OAuth, SSO OIDC) or XML <Code>;
 * the message from JSON "message", "Message", "errorMessage",
 * "error_description" or XML <Message>.  Falls back to
 * "HTTP STATUS" and the start of the body.
 */
void aws_parse_error(long status, const char *error_type, const char *body,
    size_t len, char *code, size_t codelen, char *msg, size_t msglen);

/*
 * An S3 request's endpoint (endpoint_resolve_checked's, for "s3"), for
 * bucket: virtual-hosted https://BUCKET.s3.REGION.amazonaws.com[.cn] on
 * S3's own hosts, else path-style with "/BUCKET" on the base (a configured
 * endpoint, or a bucket name with a dot).
 */
struct endpoint;
void aws_s3_endpoint(struct endpoint *ep, const char *bucket);

/* Whether code names a throttling error (retried even after sending). */
int aws_is_throttle(const char *code);

/*
 * Appends the text of the first <tag>...</tag> element in xml to out,
 * with the five predefined XML entities decoded.  Returns 0, or -1 when
 * there is no such element.  Enough for STS's small Query responses.
 */
int aws_xml_leaf(const char *xml, size_t len, const char *tag,
    struct buf *out);

/*
 * Moves a paginated call on: *next, the token of the page just read (the
 * caller's), becomes *token for the next request.  Returns 1 when there is
 * a next page; 0 when there is none (*next was NULL); -1 with err ("OP:
 * the same NAME came back twice") when the server repeats a token, which
 * would loop for ever (*next then still the caller's).
 */
int aws_next_page(const char *op, const char *name, char **token,
    char **next, struct lc_err *err);

#endif
