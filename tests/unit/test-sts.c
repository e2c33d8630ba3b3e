/*
 * test-sts.c - STS's AssumeRole* responses parsed, the AWS CLI's cache key
 * for assumed roles (checked against hashes Python made), and the
 * assume-role and web identity providers where no request is needed: a
 * source_profile loop, a chain too long, a cache hit, a near-expiry entry
 * that is a miss, the web identity variables' scope.  Each case in a
 * temporary $HOME; STS, when reached, is a closed loopback port.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "creds-private.h"
#include "creds.h"
#include "err.h"
#include "sts.h"
#include "testawsenv.h"
#include "xmalloc.h"

#define TOKEN	"FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
#define NOW	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */

#define RESPONSE(ak, sk, tok, exp)					\
	"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"	\
	"2011-06-15/\"><AssumeRoleResult><SourceIdentity>x"		\
	"</SourceIdentity><AssumedRoleUser><AssumedRoleId>"		\
	"AROA3XFRBF23:s3-access</AssumedRoleId><Arn>arn:aws:sts::"	\
	"123456789012:assumed-role/demo/s3-access</Arn>"		\
	"</AssumedRoleUser><Credentials>" ak sk tok exp			\
	"</Credentials><PackedPolicySize>6</PackedPolicySize>"		\
	"</AssumeRoleResult></AssumeRoleResponse>"

#define AK	"<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>"
#define SK	"<SecretAccessKey>" SECRET "</SecretAccessKey>"
#define TOK	"<SessionToken>" TOKEN "</SessionToken>"
#define EXP	"<Expiration>2026-01-01T01:00:00Z</Expiration>"

static void
test_parse_role_creds(void **state)
{
	static const char ok[] = RESPONSE(AK,
	    "<SecretAccessKey>a&amp;b/c+d&lt;EXAMPLEKEY</SecretAccessKey>",
	    TOK, EXP);
	struct sts_role_creds rc;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(sts_parse_role_creds(ok, sizeof ok - 1,
	    "AssumeRole", &rc, &err), 0);
	assert_string_equal(rc.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(rc.secret_access_key, "a&b/c+d<EXAMPLEKEY");
	assert_string_equal(rc.session_token, TOKEN);
	assert_string_equal(rc.expiration, "2026-01-01T01:00:00Z");
	assert_string_equal(rc.assumed_role_id, "AROA3XFRBF23:s3-access");
	assert_string_equal(rc.arn,
	    "arn:aws:sts::123456789012:assumed-role/demo/s3-access");
	sts_role_creds_release(&rc);
	assert_null(rc.secret_access_key);
}

static void
test_parse_role_creds_bad(void **state)
{
	static const struct {
		const char *xml, *msg;
	} cases[] = {
		{ RESPONSE(AK, SK, "", EXP),
		    "AssumeRole: no <SessionToken> in the response" },
		{ RESPONSE("<AccessKeyId></AccessKeyId>", SK, TOK, EXP),
		    "AssumeRole: no <AccessKeyId> in the response" },
		{ RESPONSE(AK, SK, TOK, ""),
		    "AssumeRole: no <Expiration> in the response" },
		{ RESPONSE(AK, "<SecretAccessKey>" SECRET "\n"
		    "</SecretAccessKey>", TOK, EXP),
		    "AssumeRole: <SecretAccessKey> in the response contains "
		    "a control character" },
		{ "<html>Service Unavailable</html>",
		    "AssumeRole: no <AccessKeyId> in the response" },
		{ "<AccessKeyId>ASIA", "AssumeRole: no <AccessKeyId> in the "
		    "response" },
	};
	struct sts_role_creds rc;
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(sts_parse_role_creds(cases[i].xml,
		    strlen(cases[i].xml), "AssumeRole", &rc, &err), -1);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(err.status, LC_EFAIL);
		assert_null(rc.access_key_id);
		assert_null(rc.secret_access_key);
	}
}

/*
 * The names the AWS CLI gives its cache files; each hash from
 *   python3 -c 'import json, hashlib; s = json.dumps(ARGS, sort_keys=True);
 *       print(s, hashlib.sha1(s.encode()).hexdigest())'
 * (the first two also seen from aws v1 against moto).
 */
static void
test_cache_key(void **state)
{
	static const struct {
		struct sts_assume a;
		const char *json, *sha1;
	} cases[] = {
		{ { .role_arn = "arn:aws:iam::123456789012:role/deployer",
		    .external_id = "ext-1", .duration = 1800 },
		    "{\"DurationSeconds\": 1800, \"ExternalId\": \"ext-1\", "
		    "\"RoleArn\": \"arn:aws:iam::123456789012:role/deployer\"}",
		    "ae973393c39d16cf6889b638c8606b19cb2a4ea2" },
		{ { .role_arn = "arn:aws:iam::123456789012:role/deployer2",
		    .session_name = "mysess" },
		    "{\"RoleArn\": \"arn:aws:iam::123456789012:role/deployer2\", "
		    "\"RoleSessionName\": \"mysess\"}",
		    "8cee363f85a246c332b788cf1e44c9a215636e41" },
		/* Python's escapes: ASCII only, surrogate pairs, \u007f. */
		{ { .role_arn = "arn:aws:iam::123456789012:role/r",
		    .serial_number = "arn:aws:iam::123456789012:mfa/alice",
		    .external_id = "q\"u\\o\tt\001e",
		    .session_name = "caf\xc3\xa9 \xf0\x9f\x98\x80\x7f",
		    .token_code = "123456",	/* not in the key */
		    .web_identity_token = "tok" },	/* nor this */
		    "{\"ExternalId\": \"q\\\"u\\\\o\\tt\\u0001e\", "
		    "\"RoleArn\": \"arn:aws:iam::123456789012:role/r\", "
		    "\"RoleSessionName\": \"caf\\u00e9 \\ud83d\\ude00\\u007f\", "
		    "\"SerialNumber\": \"arn:aws:iam::123456789012:mfa/alice\"}",
		    "0cc175a274ae286dc1bf11a02753ccb4b2fbe088" },
	};
	char *key, *path, want[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		key = sts_cache_key(&cases[i].a);
		assert_string_equal(key, cases[i].json);
		path = creds_cache_path("/c", key);
		snprintf(want, sizeof want, "/c/%s.json", cases[i].sha1);
		assert_string_equal(path, want);
		free(path);
		free(key);
	}
}

static void
test_arn_account(void **state)
{
	char *a;

	(void)state;
	a = sts_arn_account("arn:aws:sts::123456789012:assumed-role/r/s");
	assert_string_equal(a, "123456789012");
	free(a);
	assert_null(sts_arn_account("arn:aws:s3:::bucket"));
	assert_null(sts_arn_account("not an arn"));
	assert_null(sts_arn_account(NULL));
}

/* Removes $HOME/.aws (the caches the tests wrote), then the fixture's. */
static int
teardown_sts(void **state)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s/.aws'", dir);
	if (system(cmd) != 0)
		return -1;
	return teardown(state);
}

/* creds_resolve at NOW with profile flag (NULL: none). */
static int
resolve(struct creds *c, const char *flag, struct lc_err *err)
{
	struct creds_opts o = { 0 };
	struct aws_config cfg;
	int rv;

	load_ok(&cfg, flag);
	o.cfg = &cfg;
	o.now = NOW;
	o.region = "us-east-1";
	memset(err, 0, sizeof *err);
	rv = creds_resolve(c, &o, err);
	creds_release(c);
	aws_config_release(&cfg);
	return rv;
}

/* Resolving profile fails with msg and status, before any request. */
static void
resolve_fails(const char *profile, int status, const char *msg)
{
	struct creds c;
	struct lc_err err;

	assert_int_equal(resolve(&c, profile, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, status);
}

static void
test_source_profile_loops(void **state)
{
	(void)state;
	write_file(config,
	    "[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = b\n"
	    "[profile b]\nrole_arn = arn:aws:iam::1:role/b\n"
	    "source_profile = c\n"
	    "[profile c]\nrole_arn = arn:aws:iam::1:role/c\n"
	    "source_profile = b\n"
	    "[profile d]\nrole_arn = arn:aws:iam::1:role/d\n"
	    "source_profile = d\n"
	    "[profile e]\nrole_arn = arn:aws:iam::1:role/e\n"
	    "source_profile = a\n");
	/* STS, were it reached, refuses the connection. */
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1);
	resolve_fails("a", LC_ECONFIG,
	    "profile 'a': source_profile loop a -> b -> c -> b");
	resolve_fails("c", LC_ECONFIG,
	    "profile 'c': source_profile loop c -> b -> c");
	resolve_fails("d", LC_ECONFIG, "profile 'd': source_profile loop "
	    "d -> d");
	resolve_fails("e", LC_ECONFIG,
	    "profile 'e': source_profile loop e -> a -> b -> c -> b");
}

static void
test_source_profile_chain_too_long(void **state)
{
	struct buf b = BUF_INIT;
	char msg[128];
	int i;

	(void)state;
	for (i = 0; i <= CREDS_MAX_CHAIN; i++)
		buf_addf(&b, "[profile p%d]\nrole_arn = arn:aws:iam::1:role/"
		    "r%d\nsource_profile = p%d\n", i, i, i + 1);
	buf_addf(&b, "[profile p%d]\naws_access_key_id = AKID\n"
	    "aws_secret_access_key = " SECRET "\n", CREDS_MAX_CHAIN + 1);
	write_file(config, b.data);
	buf_release(&b);
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1);
	snprintf(msg, sizeof msg, "profile 'p0': more than %d profiles in its "
	    "source_profile chain", CREDS_MAX_CHAIN);
	resolve_fails("p0", LC_ECONFIG, msg);
}

/* Writes a cache entry for key expiring at exp (text) into $HOME's cache. */
static void
write_cache(const char *key, const char *exp)
{
	char *path, *text, d[160];

	snprintf(d, sizeof d, "%s/.aws", dir);
	mkdir(d, 0700);
	snprintf(d, sizeof d, "%s/.aws/cli", dir);
	mkdir(d, 0700);
	snprintf(d, sizeof d, "%s/.aws/cli/cache", dir);
	mkdir(d, 0700);
	path = creds_cache_path("~/.aws/cli/cache", key);
	text = xasprintf("{\"Credentials\": {\"AccessKeyId\": \"ASIACACHED\", "
	    "\"SecretAccessKey\": \"" SECRET "\", \"SessionToken\": \"" TOKEN
	    "\", \"Expiration\": \"%s\"}, \"AssumedRoleUser\": {}}", exp);
	write_file(path, text);
	free(text);
	free(path);
}

#define ROLE_CONFIG							\
	"[profile deployer]\n"						\
	"role_arn = arn:aws:iam::123456789012:role/deployer\n"		\
	"source_profile = base\n"					\
	"[profile base]\n"						\
	"aws_access_key_id = AKIDBASE\n"				\
	"aws_secret_access_key = " SECRET "\n"
#define ROLE_KEY							\
	"{\"RoleArn\": \"arn:aws:iam::123456789012:role/deployer\"}"

static void
test_cache_hit(void **state)
{
	struct creds_opts o = { 0 };
	struct aws_config cfg;
	struct creds c;
	struct lc_err err = { 0 };

	(void)state;
	write_file(config, ROLE_CONFIG);
	/* botocore's own form of the time, with a fraction. */
	write_cache(ROLE_KEY, "2026-01-01T00:15:00.5UTC");
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1);
	load_ok(&cfg, "deployer");
	o.cfg = &cfg;
	o.now = NOW;
	assert_int_equal(creds_resolve(&c, &o, &err), 0);
	assert_string_equal(c.access_key_id, "ASIACACHED");
	assert_string_equal(c.secret_access_key, SECRET);
	assert_string_equal(c.session_token, TOKEN);
	assert_string_equal(c.source, "assume-role deployer via base");
	assert_int_equal(c.expiration, NOW + 900);
	creds_release(&c);
	aws_config_release(&cfg);
}

static void
test_cache_misses(void **state)
{
	static const char *const bad[] = {
		"2026-01-01T00:14:59Z",		/* within 15 minutes */
		"2025-12-31T00:00:00Z",		/* expired */
		"soon",
	};
	struct creds c;
	struct lc_err err;
	size_t i;

	(void)state;
	write_file(config, ROLE_CONFIG);
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_cache(ROLE_KEY, bad[i]);
		/* A miss: STS is asked, and cannot be reached. */
		assert_int_equal(resolve(&c, "deployer", &err), -1);
		assert_int_equal(err.status, LC_EFAIL);
		assert_int_equal(strncmp(err.msg, "profile 'deployer': "
		    "AssumeRole: ", 32), 0);
		assert_null(strstr(err.msg, SECRET));
	}
}

static void
test_web_identity_scope(void **state)
{
	struct creds_opts o = { 0 };
	struct aws_config cfg;
	struct creds c;
	struct lc_err err = { 0 };
	char tok[160];

	(void)state;
	snprintf(tok, sizeof tok, "%s/token", dir);
	write_file(tok, "eyJhbGciOiJub25lIn0.e30.");
	write_file(config, "[profile static]\naws_access_key_id = AKIDS\n"
	    "aws_secret_access_key = " SECRET "\n");
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci", 1);
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tok, 1);
	setenv("AWS_ROLE_SESSION_NAME", "cisess", 1);
	write_cache("{\"RoleArn\": \"arn:aws:iam::123456789012:role/ci\", "
	    "\"RoleSessionName\": \"cisess\"}", "2026-01-01T01:00:00Z");
	load_ok(&cfg, NULL);
	o.cfg = &cfg;
	o.now = NOW;
	assert_int_equal(creds_resolve(&c, &o, &err), 0);
	assert_string_equal(c.access_key_id, "ASIACACHED");
	assert_string_equal(c.source, "web-identity (env)");
	creds_release(&c);
	aws_config_release(&cfg);

	/* --profile turns the variables off. */
	load_ok(&cfg, "static");
	assert_int_equal(creds_resolve(&c, &o, &err), 0);
	assert_string_equal(c.source, "profile static");
	creds_release(&c);
	aws_config_release(&cfg);
	unlink(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_role_creds),
		cmocka_unit_test(test_parse_role_creds_bad),
		cmocka_unit_test(test_cache_key),
		cmocka_unit_test(test_arn_account),
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown_sts)
		T(test_source_profile_loops),
		T(test_source_profile_chain_too_long),
		T(test_cache_hit),
		T(test_cache_misses),
		T(test_web_identity_scope),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
