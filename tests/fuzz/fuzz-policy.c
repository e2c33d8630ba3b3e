/*
 * fuzz-policy.c - GetPolicy's answer (lambda_policy_parse), as a broken or
 * hostile endpoint may send it: a JSON object whose "Policy" is JSON text
 * again.  Whatever the statements' shapes, the parse never fails on them;
 * it fails only on the envelope, and then returns nothing.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lambda-triggers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lambda_statement *s;
	struct lc_err err;
	size_t n;

	if (lambda_policy_parse((const char *)data, size, &s, &n,
	    &err) == -1) {
		if (s != NULL || n != 0)
			abort();
		return 0;
	}
	if ((n == 0) != (s == NULL))
		abort();
	lambda_statements_free(s, n);
	return 0;
}
