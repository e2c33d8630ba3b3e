/*
 * fuzz-url.c - endpoint URLs and regions as a user, an environment or a
 * profile may give them: endpoint_check, region_check and aws_split_url.
 * Checks that an accepted endpoint splits into a host, and that no message
 * shows what stood before an '@' in the authority (it may be a password).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "creds.h"
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
	char *s, *origin, *host, *base, *user;
	struct lc_err err;

	if (size > 4096)
		return 0;
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	user = userinfo(s);
	(void)region_check(s, "fuzz", &err);
	if (endpoint_check(s, "fuzz", &err) == 0) {
		if (user != NULL ||
		    aws_split_url(s, &origin, &host, &base, &err) != 0)
			abort();
		if (strchr(host, '@') != NULL || host[0] == '\0')
			abort();
		free(origin);
		free(host);
		free(base);
	} else if (user != NULL && strstr(err.msg, user) != NULL)
		abort();
	if (aws_split_url(s, &origin, &host, &base, &err) == 0) {
		if (user != NULL)
			abort();
		free(origin);
		free(host);
		free(base);
	} else if (user != NULL && strstr(err.msg, user) != NULL)
		abort();
	free(user);
	free(s);
	return 0;
}
