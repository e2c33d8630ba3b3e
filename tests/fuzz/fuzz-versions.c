/*
 * fuzz-versions.c - Lambda's version and alias answers, as a broken or
 * hostile endpoint may send them: the first byte picks the parser, the
 * rest is the body.
 *   0: a ListVersionsByFunction page (lambda_versions_parse)
 *   1: a ListAliases page (lambda_aliases_parse)
 *   2: one AliasConfiguration (lambda_alias_parse: GetAlias's answer)
 * What is read must hold what the header promises: a version a published
 * number ($LATEST never), routing of one other published version with a
 * weight strictly between 0 and 1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lambda-versions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_alias(const struct lambda_alias *a)
{
	long num;

	if (a->name == NULL || a->version == NULL || a->description == NULL)
		abort();
	if (a->extra_version == NULL)
		return;
	if (lambda_version_number(a->extra_version, &num) == -1 ||
	    !(a->extra_weight > 0 && a->extra_weight < 1) ||
	    strcmp(a->extra_version, a->version) == 0)
		abort();
}

static void
versions(const char *body, size_t size)
{
	struct lambda_version *v = NULL;
	struct lc_err err;
	char *next = NULL;
	size_t n = 0, i;
	long num;

	if (lambda_versions_parse(body, size, &v, &n, &next, &err) == 0)
		for (i = 0; i < n; i++)
			if (lambda_version_number(v[i].version, &num) == -1 ||
			    num != v[i].number || v[i].number < 1 ||
			    v[i].description == NULL || v[i].code_size < 0)
				abort();
	if (next != NULL && *next == '\0')
		abort();
	lambda_versions_release(v, n);
	free(next);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lambda_alias *list = NULL, one;
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
		versions(body, size);
		break;
	case 1:
		if (lambda_aliases_parse(body, size, &list, &n, &next,
		    &err) == 0)
			for (i = 0; i < n; i++)
				check_alias(&list[i]);
		lambda_aliases_release(list, n);
		free(next);
		break;
	default:
		if (lambda_alias_parse("Op", body, size, &one, &err) == 0)
			check_alias(&one);
		lambda_alias_release(&one);
		break;
	}
	return 0;
}
