/*
 * fuzz-json.c - the strict RFC 8259 checker.  Checks three things on each
 * input: the verdict and the error's place are the same whether the text
 * comes whole or in two pieces (split where the first byte says); a
 * refusal has a reason and a place inside the text; and a text the checker
 * accepts, cJSON (lax, but not wrong on valid JSON) accepts too, when it is
 * within cJSON's nesting limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_checker c;
	struct json_error whole;
	size_t split, i, opens = 0;
	int r1, r2;
	cJSON *j;

	memset(&whole, 0, sizeof whole);
	r1 = json_check(data, size, &whole);
	if (r1 == -1 && (whole.reason[0] == '\0' || whole.line == 0 ||
	    whole.col == 0 || whole.line > size + 1 || whole.col > size + 1))
		abort();
	split = size > 0 ? data[0] % (size + 1) : 0;
	json_checker_init(&c);
	r2 = json_checker_feed(&c, data, split);
	if (r2 == 0)
		r2 = json_checker_feed(&c, data + split, size - split);
	if (r2 == 0)
		r2 = json_checker_end(&c);
	if (r1 != r2 || (r1 == -1 && (c.err.line != whole.line ||
	    c.err.col != whole.col || strcmp(c.err.reason, whole.reason))))
		abort();
	json_checker_release(&c);
	if (r1 == 0) {
		for (i = 0; i < size; i++)
			if (data[i] == '[' || data[i] == '{')
				opens++;
		if (opens < CJSON_NESTING_LIMIT) {
			j = cJSON_ParseWithLength((const char *)data, size);
			if (j == NULL)
				abort();
			cJSON_Delete(j);
		}
	}
	return 0;
}
