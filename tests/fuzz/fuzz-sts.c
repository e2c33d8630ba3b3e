/*
 * fuzz-sts.c - STS AssumeRole* responses as a broken or hostile endpoint
 * may send them (sts_parse_role_creds), and the AWS CLI's cache key made
 * of any profile values (sts_cache_key: Python's JSON escapes of any
 * bytes).  The input's first NUL splits the response from the values, which
 * are NUL-separated in turn.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sts.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sts_role_creds rc;
	struct sts_assume a = { 0 };
	struct lc_err err;
	const char *v[4] = { NULL, NULL, NULL, NULL };
	char *copy, *p, *end, *key;
	size_t xml_len, i;

	memset(&err, 0, sizeof err);
	xml_len = strnlen((const char *)data, size);
	if (sts_parse_role_creds((const char *)data, xml_len, "AssumeRole",
	    &rc, &err) == 0)
		sts_role_creds_release(&rc);
	copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	p = copy + xml_len + (xml_len < size);
	for (i = 0; i < 4 && p < end; i++) {
		v[i] = p;
		p += strlen(p) + 1;
	}
	a.role_arn = v[0] != NULL ? v[0] : "";
	a.session_name = v[1];
	a.external_id = v[2];
	a.serial_number = v[3];
	a.duration = (long)size;
	key = sts_cache_key(&a);
	free(key);
	free(copy);
	return 0;
}
