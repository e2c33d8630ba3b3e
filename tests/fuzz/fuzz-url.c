/*
 * fuzz-url.c - endpoint URLs and regions as a user, an environment or a
 * profile may give them: endpoint_check, region_check and aws_split_url.
 * Checks that an accepted endpoint splits, and that no message shows what
 * stood before an '@' in the authority (it may be a password).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "creds.h"
#include "err.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *origin = NULL, *host = NULL, *base = NULL, *at, *h;
	struct lc_err err;
	size_t alen;

	if (size > 4096)
		return 0;
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)region_check(s, "fuzz", &err);
	if (endpoint_check(s, "fuzz", &err) == 0) {
		if (aws_split_url(s, &origin, &host, &base, &err) != 0)
			abort();
		if (strchr(host, '@') != NULL || host[0] == '\0')
			abort();
		free(origin);
		free(host);
		free(base);
	} else if ((h = strstr(s, "://")) != NULL &&
	    (at = strchr(h + 3, '@')) != NULL &&
	    at < h + 3 + strcspn(h + 3, "/?#") && at > h + 3) {
		/*
		 * The user part and its '@', when long enough to tell, are
		 * never echoed.
		 */
		alen = (size_t)(at - (h + 3));
		h[3 + alen + 1] = '\0';
		if (alen >= 4 && strstr(err.msg, h + 3) != NULL)
			abort();
	}
	origin = host = base = NULL;
	if (aws_split_url(s, &origin, &host, &base, &err) == 0) {
		free(origin);
		free(host);
		free(base);
	}
	free(s);
	return 0;
}
