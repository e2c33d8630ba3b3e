/*
 * test-sso.c - sso.c without the network: a profile's SSO settings and
 * their errors, the token cache entry (parsed, serialised over the file's
 * other members, its SHA-1 name, mode 0600), the client registration
 * cache's key (Python's json.dumps, as the AWS CLI v2 hashes it) and
 * reuse rules, and the scope list.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "awsconfig.h"
#include "creds-private.h"
#include "sso.h"
#include "testawsenv.h"

#define JAN1	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */

#define FULL_TOKEN							\
	"{\"startUrl\": \"https://corp.awsapps.com/start\", "		\
	"\"region\": \"eu-west-1\", \"accessToken\": \"aoa-access-1\", "	\
	"\"expiresAt\": \"2026-01-01T01:00:00Z\", "			\
	"\"clientId\": \"client-1\", \"clientSecret\": \"secret-client-1\", " \
	"\"registrationExpiresAt\": \"2026-04-01T00:00:00UTC\", "	\
	"\"refreshToken\": \"aor-refresh-1\", \"receivedAt\": \"kept\"}"

/* sso_token_parse of a string literal. */
#define PARSE(t, lit)	sso_token_parse((t), (lit), sizeof (lit) - 1, &err)

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* Removes what the tests cached under $HOME/.aws, then teardown's files. */
static int
sso_teardown(void **state)
{
	char path[160];

	snprintf(path, sizeof path, "%s/.aws", dir);
	nftw(path, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return teardown(state);
}

static void
test_token_parse(void **state)
{
	struct sso_token t;
	struct lc_err err;

	(void)state;
	assert_int_equal(sso_token_parse(&t, FULL_TOKEN, strlen(FULL_TOKEN),
	    &err), 0);
	assert_string_equal(t.start_url, "https://corp.awsapps.com/start");
	assert_string_equal(t.region, "eu-west-1");
	assert_string_equal(t.access_token, "aoa-access-1");
	assert_int_equal(t.expires_at, JAN1 + 3600);
	assert_string_equal(t.client_id, "client-1");
	assert_string_equal(t.client_secret, "secret-client-1");
	assert_int_equal(t.registration_expires_at, JAN1 + 90 * 86400);
	assert_string_equal(t.refresh_token, "aor-refresh-1");
	assert_true(sso_token_refreshable(&t, JAN1));
	assert_false(sso_token_refreshable(&t, JAN1 + 90 * 86400));
	sso_token_release(&t);
	assert_null(t.access_token);

	/* Only the two required members; other time forms. */
	assert_int_equal(PARSE(&t, "{\"accessToken\": \"x\", "
	    "\"expiresAt\": \"2026-01-01T00:00:00.123+00:00\"}"), 0);
	assert_int_equal(t.expires_at, JAN1);
	assert_null(t.start_url);
	assert_null(t.refresh_token);
	assert_false(sso_token_refreshable(&t, 0));
	sso_token_release(&t);
}

static void
test_token_parse_bad(void **state)
{
	static const struct {
		const char	*json;
		const char	*msg;
	} bad[] = {
		{ "[1]", "the token is not a JSON object" },
		{ "{\"accessToken\": \"x\"", "the token is not JSON" },
		{ "{\"expiresAt\": \"2026-01-01T00:00:00Z\"}",
		    "the token has no accessToken" },
		{ "{\"accessToken\": \"\", \"expiresAt\": "
		    "\"2026-01-01T00:00:00Z\"}", "the token has no accessToken" },
		{ "{\"accessToken\": \"a\\nb\", \"expiresAt\": "
		    "\"2026-01-01T00:00:00Z\"}", "the token has no accessToken" },
		{ "{\"accessToken\": 5, \"expiresAt\": "
		    "\"2026-01-01T00:00:00Z\"}", "the token has no accessToken" },
		{ "{\"accessToken\": \"x\"}", "the token has no valid expiresAt" },
		{ "{\"accessToken\": \"x\", \"expiresAt\": \"tomorrow\"}",
		    "the token has no valid expiresAt" },
		{ "{\"accessToken\": \"x\", \"expiresAt\": 1767225600}",
		    "the token has no valid expiresAt" },
	};
	struct sso_token t;
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sso_token_parse(&t, bad[i].json,
		    strlen(bad[i].json), &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.status, LC_ECONFIG);
		assert_null(t.access_token);
	}
	/* A half registration or a malformed member: not refreshable. */
	assert_int_equal(PARSE(&t, "{\"accessToken\": \"x\", "
	    "\"expiresAt\": \"2026-01-01T00:00:00Z\", \"clientId\": \"c\", "
	    "\"refreshToken\": 7, \"registrationExpiresAt\": \"2099-01-01"
	    "T00:00:00Z\"}"), 0);
	assert_null(t.client_id);
	assert_null(t.refresh_token);
	assert_false(sso_token_refreshable(&t, JAN1));
	sso_token_release(&t);
}

static void
test_token_serialise(void **state)
{
	struct sso_token t, u;
	struct lc_err err;
	cJSON *o = cJSON_Parse(FULL_TOKEN);
	char *s;

	(void)state;
	assert_int_equal(sso_token_from_json(&t, o, &err), 0);
	free_secret(t.access_token);
	t.access_token = xstrdup("aoa-access-2");
	free_secret(t.refresh_token);
	t.refresh_token = NULL;
	t.expires_at = JAN1 + 7200;
	sso_token_to_json(&t, o);
	s = cJSON_PrintUnformatted(o);
	assert_string_equal(s, "{\"receivedAt\":\"kept\","
	    "\"startUrl\":\"https://corp.awsapps.com/start\","
	    "\"region\":\"eu-west-1\",\"accessToken\":\"aoa-access-2\","
	    "\"expiresAt\":\"2026-01-01T02:00:00Z\","
	    "\"clientId\":\"client-1\",\"clientSecret\":\"secret-client-1\","
	    "\"registrationExpiresAt\":\"2026-04-01T00:00:00Z\"}");
	assert_int_equal(sso_token_parse(&u, s, strlen(s), &err), 0);
	assert_string_equal(u.access_token, "aoa-access-2");
	assert_int_equal(u.expires_at, t.expires_at);
	assert_int_equal(u.registration_expires_at, t.registration_expires_at);
	assert_null(u.refresh_token);
	free(s);
	sso_token_release(&u);
	sso_token_release(&t);
	creds_json_free(o);
}

static void
test_token_cache_file(void **state)
{
	struct sso_token t, u;
	struct lc_err err;
	struct stat st;
	char path[256];
	cJSON *raw;

	(void)state;
	assert_int_equal(sso_token_parse(&t, FULL_TOKEN, strlen(FULL_TOKEN),
	    &err), 0);
	assert_int_equal(sso_token_load(&u, "corp", &raw), -1);
	assert_null(raw);
	assert_int_equal(sso_token_save(&t, "corp", NULL, &err), 0);
	/* The AWS CLI's name: the SHA-1 of the session name. */
	snprintf(path, sizeof path, "%s/.aws/sso/cache/"
	    "ee0bfd2552fbd840c02cc48b6e823320543c450f.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sso_token_load(&u, "corp", &raw), 0);
	assert_non_null(raw);
	assert_string_equal(u.refresh_token, "aor-refresh-1");
	assert_int_equal(u.expires_at, t.expires_at);
	creds_json_free(raw);
	sso_token_release(&u);
	/* A legacy profile's: the SHA-1 of the start URL. */
	assert_int_equal(sso_token_save(&t, "https://example.awsapps.com/start",
	    NULL, &err), 0);
	snprintf(path, sizeof path, "%s/.aws/sso/cache/"
	    "e8be5486177c5b5392bd9aa76563515b29358e6e.json", dir);
	assert_int_equal(stat(path, &st), 0);
	/* A file that is not a token is a miss. */
	write_file(path, "{\"accessToken\": \"x\"}");
	assert_int_equal(sso_token_load(&u, "https://example.awsapps.com/start",
	    NULL), -1);
	sso_token_release(&t);
}

static void
test_scopes(void **state)
{
	char **v;
	size_t n, i;

	(void)state;
	sso_parse_scopes(" sso:account:access, codewhisperer:x ,, \t", &v, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "sso:account:access");
	assert_string_equal(v[1], "codewhisperer:x");
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	sso_parse_scopes(" , ", &v, &n);
	assert_int_equal(n, 0);
	assert_null(v);
}

/* sp for a session (NULL: legacy), start URL, region and scopes. */
static void
make_sp(struct sso_profile *sp, const char *session, const char *url,
    const char *region, const char *scopes)
{
	memset(sp, 0, sizeof *sp);
	sp->session = xstrdup(session);
	sp->start_url = xstrdup(url);
	sp->region = xstrdup(region);
	if (scopes != NULL)
		sso_parse_scopes(scopes, &sp->scopes, &sp->nscopes);
}

static void
test_registration_key(void **state)
{
	struct sso_profile sp;
	char *key, *path;

	(void)state;
	make_sp(&sp, "corp", "https://example.awsapps.com/start", "us-east-1",
	    NULL);
	key = sso_registration_key(&sp);
	assert_string_equal(key, "{\"region\": \"us-east-1\", \"scopes\": "
	    "null, \"session_name\": \"corp\", \"startUrl\": "
	    "\"https://example.awsapps.com/start\", \"tool\": \"botocore\"}");
	/* The file name the notes verified against the AWS CLI v2. */
	path = creds_cache_path(SSO_CACHE_DIR, key);
	assert_non_null(strstr(path,
	    "/680c1776565cb038c036848b459103360a98827b.json"));
	free(path);
	free(key);
	sso_profile_release(&sp);
	/* Python's escapes: quotes, backslash, non-ASCII, astral planes. */
	make_sp(&sp, "c\xc3\xb6rp", "https://x/\"q\\\xc3\xa9\xf0\x9f\x98\x80\t",
	    "eu-west-1", "sso:account:access, b");
	key = sso_registration_key(&sp);
	assert_string_equal(key, "{\"region\": \"eu-west-1\", \"scopes\": "
	    "[\"sso:account:access\", \"b\"], \"session_name\": "
	    "\"c\\u00f6rp\", \"startUrl\": \"https://x/\\\"q\\\\\\u00e9"
	    "\\ud83d\\ude00\\t\", \"tool\": \"botocore\"}");
	free(key);
	sso_profile_release(&sp);
	make_sp(&sp, NULL, "u", "eu-west-1", NULL);
	key = sso_registration_key(&sp);
	assert_string_equal(key, "{\"region\": \"eu-west-1\", \"scopes\": "
	    "null, \"session_name\": null, \"startUrl\": \"u\", \"tool\": "
	    "\"botocore\"}");
	free(key);
	sso_profile_release(&sp);
}

static void
test_registration_cache(void **state)
{
	struct sso_profile sp;
	struct sso_registration r = { 0 }, u;
	struct lc_err err;
	char *key, *path;

	(void)state;
	make_sp(&sp, "corp", "https://corp.awsapps.com/start", "eu-west-1",
	    SSO_DEFAULT_SCOPE);
	r.client_id = xstrdup("client-9");
	r.client_secret = xstrdup("secret-client-9");
	r.expires_at = JAN1 + 86400;
	assert_int_equal(sso_registration_load(&u, &sp, JAN1), -1);
	assert_int_equal(sso_registration_save(&r, &sp, &err), 0);
	assert_int_equal(sso_registration_load(&u, &sp, JAN1), 0);
	assert_string_equal(u.client_id, "client-9");
	assert_string_equal(u.client_secret, "secret-client-9");
	assert_int_equal(u.expires_at, JAN1 + 86400);
	sso_registration_release(&u);
	/* Within 15 minutes of its expiry: registered again. */
	assert_int_equal(sso_registration_load(&u, &sp, JAN1 + 86400 - 600),
	    -1);
	/* One the AWS CLI made for the authorization code flow: not ours. */
	key = sso_registration_key(&sp);
	path = creds_cache_path(SSO_CACHE_DIR, key);
	write_file(path, "{\"clientId\": \"c\", \"clientSecret\": \"s\", "
	    "\"expiresAt\": \"2099-01-01T00:00:00Z\", \"grantTypes\": "
	    "[\"authorization_code\", \"refresh_token\"]}");
	assert_int_equal(sso_registration_load(&u, &sp, JAN1), -1);
	write_file(path, "{\"clientId\": \"c\", \"clientSecret\": \"s\", "
	    "\"expiresAt\": \"2099-01-01T00:00:00Z\"}");
	assert_int_equal(sso_registration_load(&u, &sp, JAN1), 0);
	sso_registration_release(&u);
	sso_registration_release(&r);
	sso_profile_release(&sp);
	free(path);
	free(key);
}

#define SSO_CONFIG							\
	"[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\n" \
	"sso_role_name = Dev\n"						\
	"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n" \
	"sso_region = eu-west-1\n"					\
	"[profile old]\nsso_start_url = https://old.awsapps.com/start\n"	\
	"sso_region = us-east-2\nsso_account_id = 2\nsso_role_name = L\n"	\
	"[profile norole]\nsso_session = corp\nsso_account_id = 1\n"	\
	"[profile noacct]\nsso_start_url = u\nsso_region = r\n"		\
	"sso_role_name = L\n"						\
	"[profile nourl]\nsso_region = r\nsso_account_id = 1\n"		\
	"sso_role_name = L\n"						\
	"[profile bare]\nsso_session = empty\nsso_account_id = 1\n"	\
	"sso_role_name = L\n"						\
	"[sso-session empty]\nsso_region = r\n"				\
	"[profile lost]\nsso_session = gone\nsso_account_id = 1\n"	\
	"sso_role_name = L\n"						\
	"[profile clash]\nsso_session = corp\nsso_region = r\n"		\
	"sso_account_id = 1\nsso_role_name = L\n"			\
	"[profile same]\nsso_session = corp\nsso_region = eu-west-1\n"	\
	"sso_account_id = 1\nsso_role_name = L\n"			\
	"[profile keys]\nregion = eu-west-1\n"				\
	"[profile loginonly]\nsso_session = corp\n"

static void
test_profile_load(void **state)
{
	struct aws_config cfg;
	struct sso_profile sp;
	struct lc_err err;

	(void)state;
	write_file(config, SSO_CONFIG);
	load_ok(&cfg, NULL);
	assert_int_equal(sso_profile_load(&sp, &cfg, "dev", 1, &err), 1);
	assert_string_equal(sp.session, "corp");
	assert_string_equal(sp.start_url, "https://corp.awsapps.com/start");
	assert_string_equal(sp.region, "eu-west-1");
	assert_int_equal(sp.nscopes, 1);
	assert_string_equal(sp.scopes[0], SSO_DEFAULT_SCOPE);
	assert_string_equal(sp.account_id, "111111111111");
	assert_string_equal(sp.role_name, "Dev");
	assert_string_equal(sso_profile_key(&sp), "corp");
	sso_profile_release(&sp);
	assert_int_equal(sso_profile_load(&sp, &cfg, "old", 1, &err), 1);
	assert_null(sp.session);
	assert_int_equal(sp.nscopes, 0);
	assert_string_equal(sso_profile_key(&sp),
	    "https://old.awsapps.com/start");
	sso_profile_release(&sp);
	assert_int_equal(sso_profile_load(&sp, &cfg, "same", 1, &err), 1);
	sso_profile_release(&sp);
	/* Not SSO for credentials; for login, a session is enough. */
	assert_int_equal(sso_profile_load(&sp, &cfg, "keys", 1, &err), 0);
	assert_int_equal(sso_profile_load(&sp, &cfg, "keys", 0, &err), 0);
	assert_int_equal(sso_profile_load(&sp, &cfg, "loginonly", 1, &err), 0);
	assert_int_equal(sso_profile_load(&sp, &cfg, "loginonly", 0, &err), 1);
	assert_null(sp.account_id);
	sso_profile_release(&sp);
	aws_config_release(&cfg);
}

static void
test_profile_errors(void **state)
{
	static const struct {
		const char	*profile;
		const char	*msg;
	} bad[] = {
		{ "norole", "profile 'norole' is configured for SSO but has no "
		    "sso_role_name" },
		{ "noacct", "profile 'noacct' is configured for SSO but has no "
		    "sso_account_id" },
		{ "nourl", "profile 'nourl' is configured for SSO but has no "
		    "sso_start_url" },
		{ "bare", "profile 'bare' is configured for SSO but neither it "
		    "nor its sso-session 'empty' has sso_start_url" },
		{ "lost", "profile 'lost': sso_session 'gone' has no "
		    "[sso-session gone] section" },
		{ "clash", "profile 'clash': the value of sso_region differs "
		    "between the profile (r) and sso-session 'corp' "
		    "(eu-west-1)" },
	};
	struct aws_config cfg;
	struct sso_profile sp;
	struct lc_err err;
	size_t i;

	(void)state;
	write_file(config, SSO_CONFIG);
	load_ok(&cfg, NULL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sso_profile_load(&sp, &cfg, bad[i].profile, 1,
		    &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.status, LC_ECONFIG);
		assert_null(sp.profile);
	}
	aws_config_release(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, sso_teardown)
		T(test_token_parse),
		T(test_token_parse_bad),
		T(test_token_serialise),
		T(test_token_cache_file),
		T(test_scopes),
		T(test_registration_key),
		T(test_registration_cache),
		T(test_profile_load),
		T(test_profile_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
