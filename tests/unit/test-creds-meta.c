/*
 * test-creds-meta.c - the container and IMDS providers without a network:
 * the container endpoint's host allow-list, the two answers' parsers, the
 * IMDS role name check, and the configuration refused before any request
 * (a disallowed FULL_URI, a bad token file, bad IMDS settings), through
 * creds_resolve with a cleared environment.  Any request a bug might
 * still send meets a dead loopback proxy, never 169.254.x.x.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsconfig.h"
#include "clock.h"
#include "creds-meta.h"
#include "creds.h"
#include "err.h"
#include "log.h"
#include "testawsenv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#define JAN1	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define TOKEN	"IQoJb3JpZ2luX2VjEXAMPLESECURITYTOKEN"
#define WHAT	"container credentials endpoint 127.0.0.1:1"

static void
test_host_allow_list(void **state)
{
	static const struct {
		const char	*hostport;
		int		 ok;
	} cases[] = {
		{ "127.0.0.1", 1 }, { "127.0.0.1:8080", 1 },
		{ "127.255.3.4:1", 1 }, { "localhost", 1 },
		{ "LocalHost:99", 1 }, { "[::1]", 1 }, { "[::1]:8080", 1 },
		{ "[0:0:0:0:0:0:0:1]", 1 }, { "169.254.170.2", 1 },
		{ "169.254.170.2:80", 1 }, { "169.254.170.23", 1 },
		{ "[fd00:ec2::23]", 1 }, { "[fd00:0ec2:0::23]:80", 1 },
		{ "169.254.169.254", 0 }, { "169.254.170.3", 0 },
		{ "192.0.2.1", 0 }, { "10.0.0.1:80", 0 },
		{ "[fd00:ec2::254]", 0 }, { "[::2]", 0 },
		{ "[::ffff:127.0.0.1]", 0 }, { "localhost.example.com", 0 },
		{ "127.0.0.1.nip.io", 0 }, { "example.com", 0 }, { "", 0 },
		{ "[::1", 0 }, { "[::1]x", 0 }, { "128.0.0.1", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++)
		if (creds_container_host_ok(cases[i].hostport) != cases[i].ok)
			fail_msg("%s: expected %d", cases[i].hostport,
			    cases[i].ok);
}

static void
test_container_parse(void **state)
{
	static const char ok[] = "{\"AccessKeyId\":\"AKIDC\","
	    "\"SecretAccessKey\":\"" SECRET "\",\"Token\":\"" TOKEN "\","
	    "\"Expiration\":\"2026-01-01T00:15:00Z\",\"RoleArn\":\"x\"}";
	static const struct {
		const char	*body;
		const char	*msg;
	} bad[] = {
		{ "<html>", WHAT ": the answer is not a JSON object" },
		{ "[1]", WHAT ": the answer is not a JSON object" },
		{ "{\"SecretAccessKey\":\"" SECRET "\"}",
		    WHAT ": output has no 'AccessKeyId'" },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" SECRET "\","
		    "\"Expiration\":\"2025-12-31T23:00:00Z\"}",
		    WHAT ": the credentials expired at 2025-12-31T23:00:00Z "
		    "(Expiration is in the past)" },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"a\\nb\"}",
		    WHAT ": 'SecretAccessKey' contains a newline" },
	};
	struct creds c;
	struct lc_err err;
	size_t i;

	(void)state;
	memset(&err, 0, sizeof err);
	assert_int_equal(creds_container_parse(&c, ok, strlen(ok), WHAT, JAN1,
	    &err), 0);
	assert_string_equal(c.access_key_id, "AKIDC");
	assert_string_equal(c.secret_access_key, SECRET);
	assert_string_equal(c.session_token, TOKEN);
	assert_string_equal(c.source, "container");
	assert_int_equal(c.expiration, JAN1 + 900);
	creds_release(&c);
	for (i = 0; i < nitems(bad); i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(creds_container_parse(&c, bad[i].body,
		    strlen(bad[i].body), WHAT, JAN1, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.status, LC_EFAIL);
		assert_null(strstr(err.msg, SECRET));
		assert_null(c.access_key_id);
		creds_release(&c);
	}
}

static void
test_imds_parse(void **state)
{
	static const char ok[] = "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\","
	    "\"AccessKeyId\":\"AKIDI\",\"SecretAccessKey\":\"" SECRET "\","
	    "\"Token\":\"" TOKEN "\",\"Expiration\":\"2026-01-01T06:00:00Z\"}";
	static const struct {
		const char	*body;
		const char	*msg;
	} bad[] = {
		{ "nope", "IMDS at h: role 'r': the answer is not a JSON "
		    "object" },
		{ "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":"
		    "\"EC2 cannot assume the role\"}",
		    "IMDS at h: role 'r': Code 'AssumeRoleUnauthorizedAccess': "
		    "EC2 cannot assume the role" },
		{ "{\"Code\":\"Bad\\nLine\",\"Message\":\"a\\nb\"}",
		    "IMDS at h: role 'r': Code '(none)'" },
		{ "{\"AccessKeyId\":\"A\"}", "IMDS at h: role 'r': Code "
		    "'(none)'" },
		{ "{\"Code\":\"Success\",\"AccessKeyId\":\"A\","
		    "\"SecretAccessKey\":\"" SECRET "\",\"Expiration\":"
		    "\"2026-01-01T06:00:00Z\"}",
		    "IMDS at h: role 'r': the answer has no 'Token'" },
		{ "{\"Code\":\"Success\",\"AccessKeyId\":\"A\","
		    "\"SecretAccessKey\":\"" SECRET "\",\"Token\":\"t\"}",
		    "IMDS at h: role 'r': the answer has no 'Expiration'" },
	};
	struct creds c;
	struct lc_err err;
	size_t i;

	(void)state;
	memset(&err, 0, sizeof err);
	assert_int_equal(creds_imds_parse(&c, ok, strlen(ok), "ec2-role",
	    "IMDS at h", JAN1, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDI");
	assert_string_equal(c.session_token, TOKEN);
	assert_string_equal(c.source, "imds (role ec2-role)");
	assert_int_equal(c.expiration, JAN1 + 6 * 3600);
	creds_release(&c);
	for (i = 0; i < nitems(bad); i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(creds_imds_parse(&c, bad[i].body,
		    strlen(bad[i].body), "r", "IMDS at h", JAN1, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.status, LC_EFAIL);
		assert_null(c.access_key_id);
		creds_release(&c);
	}
}

static void
test_imds_role_name(void **state)
{
	static const char *const good[] = { "ec2-role", "a", "R+=,.@_-9",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	static const char *const bad[] = { "", "a/b", "a b", "a\n", "..%2f",
	    "a?x", "a#b",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good); i++)
		assert_true(creds_imds_role_ok(good[i], strlen(good[i])));
	for (i = 0; i < nitems(bad); i++)
		assert_false(creds_imds_role_ok(bad[i], strlen(bad[i])));
	/* A NUL byte inside the answer is no role name. */
	assert_false(creds_imds_role_ok("ab\0c", 4));
}

/*
 * creds_resolve with the environment as set, expecting the error msg and
 * status at once (before any request: well under the 2 s timeout).
 */
static void
resolve_fails(const char *msg, int status)
{
	struct aws_config cfg;
	struct creds_opts o = { 0 };
	struct creds c;
	struct lc_err err;
	double t0 = clock_ms();

	memset(&err, 0, sizeof err);
	/* A stray request meets a dead loopback port, never the network. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("https_proxy", "http://127.0.0.1:9", 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	load_ok(&cfg, NULL);
	o.cfg = &cfg;
	o.now = JAN1;
	assert_int_equal(creds_resolve(&c, &o, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, status);
	assert_true(clock_ms() - t0 < 1000);
	assert_null(strstr(err.msg, TOKEN));
	creds_release(&c);
	aws_config_release(&cfg);
}

static void
test_container_refused(void **state)
{
	char path[160], *msg;

	(void)state;
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/c", 1);
	resolve_fails("AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http goes "
	    "only to a loopback address, localhost, 169.254.170.2, "
	    "169.254.170.23 or [fd00:ec2::23], not to '192.0.2.1' (use "
	    "https)", LC_ECONFIG);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://user:" TOKEN "@127.0.0.1:1/c", 1);
	resolve_fails("invalid endpoint URL (from "
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI): a user name or password "
	    "('...@') is not allowed", LC_ECONFIG);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/c", 1);
	resolve_fails("invalid endpoint URL (from "
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI): it must start with http:// "
	    "or https://", LC_ECONFIG);
	/* The relative URI wins, and goes through the same check. */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/", 1);
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ".evil.example/c", 1);
	resolve_fails("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: plain http "
	    "goes only to a loopback address, localhost, 169.254.170.2, "
	    "169.254.170.23 or [fd00:ec2::23], not to "
	    "'169.254.170.2.evil.example' (use https)", LC_ECONFIG);
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");

	/* Tokens: a newline refused, the file winning over the variable. */
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN "\r\n", 1);
	resolve_fails("environment variable AWS_CONTAINER_AUTHORIZATION_TOKEN "
	    "contains a carriage return", LC_ECONFIG);
	snprintf(path, sizeof path, "%s/cfg", dir);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
	write_file(path, TOKEN "\n");
	msg = xasprintf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ('%s'): the "
	    "token contains a newline", path);
	resolve_fails(msg, LC_ECONFIG);
	free(msg);
	write_file(path, "");
	msg = xasprintf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: cannot use "
	    "'%s': the file is empty", path);
	resolve_fails(msg, LC_ECONFIG);
	free(msg);
	write_file(path, NULL);
	msg = xasprintf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: cannot use "
	    "'%s': No such file or directory", path);
	resolve_fails(msg, LC_ECONFIG);
	free(msg);
}

static void
test_imds_settings(void **state)
{
	char *msg;

	(void)state;
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/", 1);
	setenv("AWS_METADATA_SERVICE_TIMEOUT", "0.5", 1);
	resolve_fails("AWS_METADATA_SERVICE_TIMEOUT wants a whole number from "
	    "1 to 3600, not '0.5' (not a number)", LC_ECONFIG);
	unsetenv("AWS_METADATA_SERVICE_TIMEOUT");
	write_file(config, "[default]\n"
	    "metadata_service_num_attempts = 0\n");
	msg = xasprintf("%s:2: metadata_service_num_attempts wants a whole "
	    "number from 1 to 10, not '0' (too small)", config);
	resolve_fails(msg, LC_ECONFIG);
	free(msg);
	write_file(config, "[default]\n"
	    "ec2_metadata_service_endpoint = http://u:p@127.0.0.1:9/\n");
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	msg = xasprintf("invalid endpoint URL (from %s:2: "
	    "ec2_metadata_service_endpoint): a user name or password "
	    "('...@') is not allowed", config);
	resolve_fails(msg, LC_ECONFIG);
	free(msg);
	write_file(config, "[default]\n");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv7", 1);
	resolve_fails("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or "
	    "IPv6, not 'IPv7'", LC_ECONFIG);
	/* Disabled (any case): none of the settings is even read. */
	setenv("AWS_EC2_METADATA_DISABLED", "True", 1);
	resolve_fails("no credentials found (set AWS_ACCESS_KEY_ID/"
	    "AWS_SECRET_ACCESS_KEY or use --profile)", LC_ECONFIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_host_allow_list),
		T(test_container_parse),
		T(test_imds_parse),
		T(test_imds_role_name),
		T(test_container_refused),
		T(test_imds_settings),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
