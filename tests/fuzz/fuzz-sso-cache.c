/*
 * fuzz-sso-cache.c - the SSO token cache file (sso_token_parse), as the
 * AWS CLI, another tool or a corrupted disk may leave it: what is taken
 * must survive a round trip through sso_token_to_json unchanged, and a
 * refusal is one LC_ECONFIG message.
 */
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "creds-private.h"
#include "sso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether two optional strings are equal. */
static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sso_token t, u;
	struct lc_err err;
	cJSON *o;
	char *s;

	lc_error_clear(&err);
	if (sso_token_parse(&t, (const char *)data, size, &err) == -1) {
		if (err.msg[0] == '\0' || err.status != LC_ECONFIG ||
		    t.access_token != NULL)
			__builtin_trap();
		return 0;
	}
	if (t.access_token == NULL || *t.access_token == '\0' ||
	    strpbrk(t.access_token, "\r\n") != NULL || t.expires_at <= 0 ||
	    (t.client_secret != NULL) != (t.client_id != NULL))
		__builtin_trap();
	o = cJSON_CreateObject();
	sso_token_to_json(&t, o);
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		__builtin_trap();
	if (sso_token_parse(&u, s, strlen(s), &err) == -1 ||
	    !same(t.access_token, u.access_token) ||
	    !same(t.refresh_token, u.refresh_token) ||
	    !same(t.client_id, u.client_id) ||
	    !same(t.client_secret, u.client_secret) ||
	    !same(t.start_url, u.start_url) || !same(t.region, u.region) ||
	    t.expires_at != u.expires_at ||
	    t.registration_expires_at != u.registration_expires_at)
		__builtin_trap();
	cJSON_free(s);
	creds_json_free(o);
	sso_token_release(&u);
	sso_token_release(&t);
	return 0;
}
