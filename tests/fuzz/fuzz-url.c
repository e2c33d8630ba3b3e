/*
 * fuzz-url.c - endpoint URLs and regions as a user, an environment or a
 * profile may give them: endpoint_parse and region_check.  Checks that an
 * accepted endpoint has a host and no '@' in its origin, and that no
 * message shows what stood before an '@' in the authority (it may be a
 * password).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "err.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The user part of s and its '@' ("user:pw@"), when s has one long enough
 * to tell apart from the messages' own words; NULL otherwise.  Caller frees.
 */
static char *
userinfo(const char *s)
{
	const char *h, *at;

	if ((h = strstr(s, "://")) == NULL)
		return NULL;
	h += 3;
	if ((at = memchr(h, '@', strcspn(h, "/?#"))) == NULL || at - h < 4)
		return NULL;
	/* Our messages do say "('...@')". */
	if (memcmp(h, "...@", 4) == 0 || memcmp(at - 4, "'...", 4) == 0)
		return NULL;
	return xstrndup(h, (size_t)(at - h) + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct endpoint ep;
	struct lc_err err;
	char *s, *user;
	int r;

	if (size > 4096)
		return 0;
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	user = userinfo(s);
	(void)region_check(s, "fuzz", &err);
	if ((r = endpoint_parse(s, "fuzz", &ep, &err)) == 0) {
		if (user != NULL || ep.host[0] == '\0' ||
		    strchr(ep.origin, '@') != NULL ||
		    strncmp(ep.origin, "http", 4) != 0)
			abort();
		endpoint_release(&ep);
	} else if (ep.origin != NULL ||
	    (user != NULL && strstr(err.msg, user) != NULL))
		abort();
	if (endpoint_check(s, "fuzz", &err) != r)
		abort();
	free(user);
	free(s);
	return 0;
}
