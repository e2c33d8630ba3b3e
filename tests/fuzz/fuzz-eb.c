/*
 * fuzz-eb.c - EventBridge's answers, as a broken or hostile endpoint may
 * send them: the first byte picks the parser, the rest is the body.
 *   0: DescribeRule (eb_rule_parse)
 *   1: a ListTargetsByRule page (eb_targets_parse), read twice into the
 *      same list as pages are
 */
#include <stdint.h>
#include <stdlib.h>

#include "events-api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
targets(const char *body, size_t len)
{
	struct eb_target *t = NULL;
	struct lc_err err;
	size_t n = 0, i, k;
	char *next;

	for (k = 0; k < 2; k++) {
		if (eb_targets_parse(body, len, &t, &n, &next, &err) == -1)
			break;
		if (next != NULL && *next == '\0')
			abort();
		free(next);
	}
	for (i = 0; i < n; i++)
		if (t[i].id == NULL || t[i].arn == NULL)
			abort();
	eb_targets_free(t, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eb_rule r;
	struct lc_err err;

	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		if (eb_rule_parse((const char *)data + 1, size - 1, &r,
		    &err) == 0 && r.name == NULL)
			abort();
		eb_rule_release(&r);
	} else
		targets((const char *)data + 1, size - 1);
	return 0;
}
