/*
 * fuzz-runtime-api.c - the Runtime API as a bootstrap drives it: sequences
 * of next/response/error/init-error requests with any method, path,
 * error-type header and body, against the in-memory handler
 * (rt_api_request) and its invocation state.
 *
 * Input: records separated by NUL bytes.  A record's first byte is 'I' (an
 * invocation becomes pending, as rt_invoke makes it), 'G' (GET), 'P'
 * (POST) or anything else (PUT); then "PATH\nERROR-TYPE\nBODY", an empty
 * ERROR-TYPE meaning no header.  Request ids are deterministic:
 * 00000000-0000-4000-8000-000000000001 for the first invocation, and so on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "runtime.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one record (len bytes at p, no NUL inside) against f. */
static void
run_record(struct rt_function *f, const char *p, size_t len,
    struct buf *reply)
{
	const char *method, *nl1, *nl2, *end = p + len;
	char *url, *type = NULL;
	unsigned status;
	cJSON *j;

	if (len == 0)
		return;
	if (p[0] == 'I') {
		rt_api_fake_invoke(f);
		return;
	}
	method = p[0] == 'G' ? "GET" : p[0] == 'P' ? "POST" : "PUT";
	p++;
	if ((nl1 = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl1 = end;
	url = xstrndup(p, (size_t)(nl1 - p));
	p = nl1 < end ? nl1 + 1 : end;
	if ((nl2 = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl2 = end;
	if (nl2 > p)
		type = xstrndup(p, (size_t)(nl2 - p));
	p = nl2 < end ? nl2 + 1 : end;
	status = rt_api_request(f, method, url, type, p, (size_t)(end - p),
	    reply);
	/* Every answer but a handed-out event is Lambda's JSON. */
	if (status != 0 && status != 200) {
		if (status < 200 || status > 499)
			abort();
		if ((j = cJSON_ParseWithLength(reply->data, reply->len)) ==
		    NULL)
			abort();
		cJSON_Delete(j);
	}
	free(type);
	free(url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_function *f;
	struct buf reply;
	const char *p = (const char *)data, *end = p + size, *z;

	if (size > 65536)
		return 0;
	f = rt_api_fake();
	buf_init(&reply);
	while (p < end) {
		if ((z = memchr(p, '\0', (size_t)(end - p))) == NULL)
			z = end;
		run_record(f, p, (size_t)(z - p), &reply);
		p = z < end ? z + 1 : end;
	}
	buf_release(&reply);
	rt_stop(f);
	return 0;
}
