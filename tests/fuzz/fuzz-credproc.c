/*
 * fuzz-credproc.c - credential_process output (creds_process_parse): the
 * JSON document, its Version, keys and RFC 3339 Expiration, as a broken or
 * hostile helper may print it.  "Now" is fixed: 2026-01-01T00:00:00Z.
 */
#include <stdint.h>
#include <string.h>

#include "creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct creds c;
	struct lc_err err;

	lc_error_clear(&err);
	if (creds_process_parse(&c, (const char *)data, size, "fuzz",
	    (time_t)1767225600, &err) == 0) {
		/* What lambdactl will sign with: no control characters. */
		if (c.access_key_id == NULL || c.secret_access_key == NULL ||
		    strpbrk(c.secret_access_key, "\r\n") != NULL ||
		    (c.expiration != 0 && c.expiration <= 1767225600))
			__builtin_trap();
	} else if (err.msg[0] == '\0' || err.status != LC_ECONFIG)
		__builtin_trap();
	creds_release(&c);
	return 0;
}
