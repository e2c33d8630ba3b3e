/*
 * fuzz-esm.c - Lambda's event source mapping and function URL answers, as
 * a broken or hostile endpoint may send them: the first byte picks the
 * parser, the rest is the body.
 *   0: a ListEventSourceMappings page (lambda_esms_parse)
 *   1: one mapping (lambda_esm_parse: Create/Update/Delete's answer)
 *   2: a FunctionUrlConfig (lambda_url_parse)
 */
#include <stdint.h>
#include <stdlib.h>

#include "lambda-triggers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct lambda_esm *m)
{
	if (m->uuid == NULL || m->batch_size < 0 || m->batch_window < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lambda_esm *list = NULL, one;
	struct lambda_url u;
	struct lc_err err;
	const char *body;
	char *next = NULL;
	size_t n = 0, i;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	size--;
	switch (data[0] % 3) {
	case 0:
		if (lambda_esms_parse(body, size, &list, &n, &next, &err) == 0)
			for (i = 0; i < n; i++)
				check(&list[i]);
		lambda_esms_free(list, n);
		free(next);
		break;
	case 1:
		if (lambda_esm_parse("Op", body, size, &one, &err) == 0)
			check(&one);
		lambda_esm_release(&one);
		break;
	default:
		if (lambda_url_parse("Op", body, size, &u, &err) == 0 &&
		    u.url == NULL)
			abort();
		lambda_url_release(&u);
		break;
	}
	return 0;
}
