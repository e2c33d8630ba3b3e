/*
 * fuzz-lambda-config.c - Lambda's response parsers, as a broken or hostile
 * endpoint may answer: the first byte picks one, the rest is the body.
 *   0: a FunctionConfiguration (CreateFunction, Update*, PublishVersion)
 *   1: a GetFunction body
 *   2: a ListFunctions page
 *   3: Invoke response headers: the body split at NUL bytes into
 *      X-Amz-Function-Error, X-Amz-Executed-Version, x-amzn-RequestId and
 *      X-Amz-Log-Result (base64)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "lambda-api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
invoke_headers(const char *s, size_t len)
{
	static const char *const names[] = { "X-Amz-Function-Error",
	    "X-Amz-Executed-Version", "x-amzn-RequestId", "X-Amz-Log-Result" };
	struct http_header h[4];
	struct http_response http;
	struct lambda_invoke_res rs;
	char *copy = malloc(len + 1), *p, *end;
	size_t n = 0;

	if (copy == NULL)
		abort();
	memcpy(copy, s, len);
	copy[len] = '\0';
	for (p = copy, end = copy + len; n < 4 && p <= end; n++) {
		h[n].name = names[n];
		h[n].value = p;
		p += strlen(p) + 1;
	}
	memset(&http, 0, sizeof http);
	buf_init(&http.body);
	buf_adds(&http.body, "{}");
	http.status = 200;
	/* The last header given is the log: put it where the tail is read. */
	http.headers = h;
	http.nheaders = n;
	memset(&rs, 0, sizeof rs);
	buf_init(&rs.payload);
	lambda_invoke_res_take(&rs, &http);
	if (rs.payload.len != 2 || http.body.len != 0)
		abort();
	lambda_invoke_res_release(&rs);
	buf_release(&http.body);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lambda_config cfg, *list = NULL;
	struct lc_err err;
	const char *body;
	char *next = NULL;
	size_t n = 0, i;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	size--;
	switch (data[0] % 4) {
	case 0:
		if (lambda_config_parse("CreateFunction", body, size, &cfg,
		    &err) == 0 && (cfg.name == NULL || cfg.memory < 0 ||
		    cfg.timeout < 0 || cfg.code_size < 0 ||
		    cfg.ephemeral_storage < 0))
			abort();
		lambda_config_release(&cfg);
		break;
	case 1:
		(void)lambda_function_parse(body, size, &cfg, &err);
		lambda_config_release(&cfg);
		break;
	case 2:
		(void)lambda_list_parse(body, size, &list, &n, &next, &err);
		for (i = 0; i < n; i++)
			lambda_config_release(&list[i]);
		free(list);
		free(next);
		break;
	default:
		invoke_headers(body, size);
		break;
	}
	return 0;
}
