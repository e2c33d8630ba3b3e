/*
 * serve.c - the Invoke API's routing for lambdactl serve: pure, no I/O
 * (see serve.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "serve.h"
#include "xmalloc.h"

#define SERVE_ACCOUNT	"123456789012"
#define SERVE_SUFFIX	"/invocations"

/* Percent-decodes len bytes of s into a new string (bad escapes kept). */
static char *
unescape(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i, n = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    (hi = hex_digit(s[i + 1])) >= 0 &&
		    (lo = hex_digit(s[i + 2])) >= 0 && (hi | lo) != 0) {
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	return out;
}

/* The index of "name", "name:qualifier" or an ARN among names; -1. */
static long
find_fn(const char *ref, const char *const *names, size_t nfn)
{
	const char *name = ref, *p;
	size_t i, len;

	if (strncmp(ref, "arn:", 4) == 0 &&
	    (p = strstr(ref, ":function:")) != NULL)
		name = p + 10;
	len = strcspn(name, ":");
	for (i = 0; i < nfn; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return (long)i;
	return -1;
}

static void
route_error(struct serve_route *r, unsigned status, const char *type,
    const char *msg)
{
	r->action = SERVE_REPLY;
	r->status = status;
	r->error_type = type;
	snprintf(r->message, sizeof r->message, "%s", msg);
}

void
serve_route(const struct serve_request *rq, const char *const *names,
    size_t nfn, const char *region, struct serve_route *r)
{
	size_t plen = strlen(SERVE_API_PREFIX), slen = strlen(SERVE_SUFFIX);
	size_t ulen = strlen(rq->url);
	const char *type = rq->invocation_type;
	struct json_error je;
	char *name;
	long i;

	memset(r, 0, sizeof *r);
	if (strncmp(rq->url, SERVE_API_PREFIX, plen) != 0 ||
	    ulen < plen + 1 + slen ||
	    strcmp(rq->url + ulen - slen, SERVE_SUFFIX) != 0) {
		route_error(r, 404, "UnknownOperationException", "lambdactl "
		    "serve answers only POST " SERVE_API_PREFIX
		    "NAME/invocations");
		return;
	}
	if (strcmp(rq->method, "POST") != 0) {
		route_error(r, 405, "MethodNotAllowed", "use POST to invoke");
		return;
	}
	name = unescape(rq->url + plen, ulen - slen - plen);
	if ((i = find_fn(name, names, nfn)) == -1) {
		r->action = SERVE_REPLY;
		r->status = 404;
		r->error_type = "ResourceNotFoundException";
		snprintf(r->message, sizeof r->message, "Function not found: "
		    "arn:aws:lambda:%s:" SERVE_ACCOUNT ":function:%.200s",
		    region, name);
		free(name);
		return;
	}
	free(name);
	r->fn = (size_t)i;
	if (rq->too_large) {
		route_error(r, 413, "RequestEntityTooLargeException", "Request "
		    "must be smaller than 6291456 bytes for the InvokeFunction "
		    "operation");
		return;
	}
	/* Lambda refuses what is not strictly JSON before running anything. */
	if (rq->body_len > 0 && json_check(rq->body, rq->body_len, &je) == -1) {
		r->action = SERVE_REPLY;
		r->status = 400;
		r->error_type = "InvalidRequestContentException";
		snprintf(r->message, sizeof r->message, "Could not parse request "
		    "body into json: line %zu, column %zu: %s", je.line, je.col,
		    je.reason);
		return;
	}
	if (type == NULL)
		type = "RequestResponse";
	if (strcmp(type, "DryRun") == 0)
		r->action = SERVE_DRY_RUN;
	else if (strcmp(type, "Event") == 0)
		r->action = SERVE_EVENT;
	else if (strcmp(type, "RequestResponse") == 0) {
		r->action = SERVE_INVOKE;
		r->tail = rq->log_type != NULL &&
		    strcmp(rq->log_type, "Tail") == 0;
	} else
		route_error(r, 400, "InvalidParameterValueException",
		    "X-Amz-Invocation-Type must be RequestResponse, Event or "
		    "DryRun");
}
