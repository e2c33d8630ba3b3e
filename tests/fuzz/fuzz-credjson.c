/*
 * fuzz-credjson.c - what the container credentials endpoint and IMDS
 * answer (creds_container_parse, creds_imds_parse: creds_from_json with
 * their member names, IMDS's Code), as a broken or hostile endpoint may
 * answer.  The first byte picks the parser (even: container, odd: IMDS);
 * the rest is the body.  "Now" is fixed: 2026-01-01T00:00:00Z.
 */
#include <stdint.h>
#include <string.h>

#include "creds-meta.h"
#include "creds.h"

#define NOW	((time_t)1767225600)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct creds c;
	struct lc_err err;
	const char *body = (const char *)data + 1;
	int imds, rv;

	if (size == 0)
		return 0;
	imds = data[0] & 1;
	lc_error_clear(&err);
	rv = imds ? creds_imds_parse(&c, body, size - 1, "fuzz-role",
	    "IMDS at fuzz", NOW, &err) : creds_container_parse(&c, body,
	    size - 1, "container at fuzz", NOW, &err);
	if (rv == 0) {
		/* What lambdactl will sign with: no control characters. */
		if (c.access_key_id == NULL || c.secret_access_key == NULL ||
		    strpbrk(c.secret_access_key, "\r\n") != NULL ||
		    (c.session_token != NULL &&
		    strpbrk(c.session_token, "\r\n") != NULL) ||
		    (c.expiration != 0 && c.expiration <= NOW) ||
		    (imds && (c.expiration == 0 || c.session_token == NULL)) ||
		    c.source == NULL)
			__builtin_trap();
	} else if (rv != -1 || err.msg[0] == '\0' || err.status != LC_EFAIL ||
	    c.access_key_id != NULL || strchr(err.msg, '\n') != NULL)
		__builtin_trap();
	creds_release(&c);
	return 0;
}
