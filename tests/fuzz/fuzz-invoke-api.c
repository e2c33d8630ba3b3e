/*
 * fuzz-invoke-api.c - the Invoke API requests lambdactl serve routes
 * (serve_route): any method, path, X-Amz-Invocation-Type,
 * X-Amz-Log-Type, ?Qualifier=, X-Amz-Client-Context and body, against
 * three served functions.
 *
 * Input: a flags byte (bit 0: the body was over 6 MB; bit 1: no
 * X-Amz-Invocation-Type; bit 2: no X-Amz-Log-Type; bit 3: a QUALIFIER
 * line follows LOG-TYPE; bit 4: then a CLIENT-CONTEXT line), then
 * "METHOD\nPATH\nINVOCATION-TYPE\nLOG-TYPE\n[QUALIFIER\n]
 * [CLIENT-CONTEXT\n]BODY".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next '\n'-terminated field of [*p, end), as a new string. */
static char *
field(const char **p, const char *end)
{
	const char *nl;
	char *s;

	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		nl = end;
	s = xstrndup(*p, (size_t)(nl - *p));
	*p = nl < end ? nl + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "echo", "jobs", "native-fn" };
	const char *p = (const char *)data + 1, *end = (const char *)data +
	    size;
	struct serve_request rq;
	struct serve_route r;
	char *method, *url, *itype, *ltype, *qual = NULL, *cc = NULL;

	if (size < 1 || size > 65536)
		return 0;
	method = field(&p, end);
	url = field(&p, end);
	itype = field(&p, end);
	ltype = field(&p, end);
	if (data[0] & 8)
		qual = field(&p, end);
	if (data[0] & 16)
		cc = field(&p, end);
	memset(&rq, 0, sizeof rq);
	rq.qualifier = qual;
	rq.client_context = cc;
	rq.method = method;
	rq.url = url;
	rq.invocation_type = data[0] & 2 ? NULL : itype;
	rq.log_type = data[0] & 4 ? NULL : ltype;
	rq.too_large = data[0] & 1;
	rq.body = p;
	rq.body_len = rq.too_large ? SERVE_MAX_PAYLOAD + 1 : (size_t)(end - p);
	serve_route(&rq, names, 3, "us-east-1", &r);
	switch (r.action) {
	case SERVE_REPLY:
		if (r.status < 400 || r.status > 499 || r.error_type == NULL ||
		    memchr(r.message, '\0', sizeof r.message) == NULL)
			abort();
		break;
	case SERVE_DRY_RUN:
	case SERVE_EVENT:
	case SERVE_INVOKE:
		if (r.fn >= 3 || rq.too_large ||
		    memchr(r.qualifier, '\0', sizeof r.qualifier) == NULL ||
		    memchr(r.client_context, '\0',
		    sizeof r.client_context) == NULL)
			abort();
		break;
	default:
		abort();
	}
	free(method);
	free(url);
	free(itype);
	free(ltype);
	free(qual);
	free(cc);
	return 0;
}
