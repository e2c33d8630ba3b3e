/*
 * fuzz-invoke-config.c - GetFunctionEventInvokeConfig's answer as a broken
 * or hostile endpoint may send it (lambda_invoke_config_parse).  What is
 * read must go back whole: the body lambda_invoke_config_json builds from
 * it reads back the same, and an empty destination never survives as one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lambda-api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lambda_invoke_config ic, back;
	struct lc_err err;
	char *json;

	if (lambda_invoke_config_parse("Op", (const char *)data, size, &ic,
	    &err) == -1) {
		if (ic.on_failure != NULL || ic.on_success != NULL)
			abort();
		return 0;
	}
	if ((ic.on_failure != NULL && *ic.on_failure == '\0') ||
	    (ic.on_success != NULL && *ic.on_success == '\0'))
		abort();
	json = lambda_invoke_config_json(&ic);
	if (lambda_invoke_config_parse("Op", json, strlen(json), &back,
	    &err) == -1 || !same(ic.on_failure, back.on_failure) ||
	    !same(ic.on_success, back.on_success) ||
	    ic.max_retries != back.max_retries || ic.max_age != back.max_age)
		abort();
	free(json);
	lambda_invoke_config_release(&back);
	lambda_invoke_config_release(&ic);
	return 0;
}
