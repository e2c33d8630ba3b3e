/*
 * test-aws.c - AWS error parsing, XML leaves, endpoint URLs, profiles, and
 * the error code aws_call leaves in struct lc_err (against a scripted
 * local server).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws.h"
#include "endpoint.h"
#include "log.h"
#include "sts.h"
#include "testhttp.h"

struct err_case {
	const char	*name;
	long		 status;
	const char	*error_type;	/* x-amzn-ErrorType header */
	const char	*body;
	const char	*code;		/* expected */
	const char	*msg;
};

static const struct err_case err_cases[] = {
	{ "lambda json with header", 404,
	    "ResourceNotFoundException:http://internal.amazon.com/",
	    "{\"Type\":\"User\",\"message\":\"Function not found: arn:aws:"
	    "lambda:us-east-1:123456789012:function:nope\"}",
	    "ResourceNotFoundException",
	    "Function not found: arn:aws:lambda:us-east-1:123456789012:"
	    "function:nope" },
	{ "json __type with namespace", 400, NULL,
	    "{\"__type\":\"com.amazonaws.logs#ResourceNotFoundException\","
	    "\"message\":\"The specified log group does not exist.\"}",
	    "ResourceNotFoundException",
	    "The specified log group does not exist." },
	{ "json Code and Message", 409, NULL,
	    "{\"Code\":\"ResourceConflictException\",\"Message\":\"An update "
	    "is in progress\"}", "ResourceConflictException",
	    "An update is in progress" },
	{ "sts xml", 403, NULL,
	    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
	    "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
	    "<Message>The security token included in the request is invalid."
	    "</Message></Error><RequestId>x</RequestId></ErrorResponse>",
	    "InvalidClientTokenId",
	    "The security token included in the request is invalid." },
	{ "header wins over body", 429, "TooManyRequestsException",
	    "{\"__type\":\"Other\",\"message\":\"Rate exceeded\"}",
	    "TooManyRequestsException", "Rate exceeded" },
	{ "empty 503", 503, NULL, "", "HTTP 503", "" },
	{ "html 502", 502, NULL, "<html><body>Bad Gateway</body></html>",
	    "HTTP 502", "" },
	{ "plain text, first line only", 500, NULL,
	    "upstream exploded\nstack trace", "HTTP 500",
	    "upstream exploded" },
	{ "json without fields", 400, NULL, "{\"foo\":1}", "HTTP 400", "" },
	{ "errorMessage", 400, NULL,
	    "{\"errorType\":\"x\",\"errorMessage\":\"boom\"}", "HTTP 400",
	    "boom" },
};

static void
test_parse_error(void **state)
{
	const struct err_case *c;
	char code[128], msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
		c = &err_cases[i];
		aws_parse_error(c->status, c->error_type, c->body,
		    strlen(c->body), code, sizeof code, msg, sizeof msg);
		if (strcmp(code, c->code) != 0 || strcmp(msg, c->msg) != 0)
			fail_msg("%s: got code '%s' message '%s', want '%s' "
			    "'%s'", c->name, code, msg, c->code, c->msg);
	}
}

static void
test_parse_error_truncates(void **state)
{
	char code[8], msg[6];
	const char *body = "{\"__type\":\"VeryLongErrorCodeName\","
	    "\"message\":\"a long message\"}";

	(void)state;
	aws_parse_error(400, NULL, body, strlen(body), code, sizeof code, msg,
	    sizeof msg);
	assert_string_equal(code, "VeryLon");
	assert_string_equal(msg, "a lon");
}

static void
test_xml_leaf(void **state)
{
	const char *x = "<R><Arn>arn:a&amp;b&lt;c&gt;&quot;&apos;&unknown;</Arn>"
	    "<Empty></Empty><Open>no close</R>";
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(aws_xml_leaf(x, strlen(x), "Arn", &b), 0);
	assert_string_equal(b.data, "arn:a&b<c>\"'&unknown;");
	buf_reset(&b);
	assert_int_equal(aws_xml_leaf(x, strlen(x), "Empty", &b), 0);
	assert_string_equal(b.data, "");
	assert_int_equal(aws_xml_leaf(x, strlen(x), "Open", &b), -1);
	assert_int_equal(aws_xml_leaf(x, strlen(x), "Missing", &b), -1);
	/* The length bounds the search: no reading past it. */
	assert_int_equal(aws_xml_leaf(x, 10, "Arn", &b), -1);
	buf_release(&b);
}

struct url_case {
	const char	*url;
	const char	*origin, *host, *base;	/* NULL origin: an error */
	const char	*error;
};

static const struct url_case url_cases[] = {
	{ "http://127.0.0.1:5000", "http://127.0.0.1:5000",
	    "127.0.0.1:5000", "", NULL },
	{ "https://lambda.us-east-1.amazonaws.com/",
	    "https://lambda.us-east-1.amazonaws.com",
	    "lambda.us-east-1.amazonaws.com", "", NULL },
	{ "https://proxy.example.com/aws/lambda//",
	    "https://proxy.example.com", "proxy.example.com", "/aws/lambda",
	    NULL },
	{ "ftp://example.com", NULL, NULL, NULL,
	    "invalid endpoint URL (from x): it must start with http:// or "
	    "https://" },
	{ "example.com", NULL, NULL, NULL,
	    "invalid endpoint URL (from x): it must start with http:// or "
	    "https://" },
	{ "http://", NULL, NULL, NULL,
	    "invalid endpoint 'http://' (from x): no host" },
	{ "http://h/?a=b", NULL, NULL, NULL,
	    "invalid endpoint 'http://h/?a=b' (from x): a query or fragment is "
	    "not allowed" },
	{ "http://user:pw@h/", NULL, NULL, NULL,
	    "invalid endpoint URL (from x): a user name or password ('...@') "
	    "is not allowed" },
	{ "http://h/a@b", "http://h", "h", "/a@b", NULL },
	{ "ftp://u:pw@h/", NULL, NULL, NULL,
	    "invalid endpoint URL (from x): it must start with http:// or "
	    "https://" },
};

/* endpoint_check and region_check: accepted, or the exact message. */
static const struct check_case {
	const char	*in;
	const char	*error;		/* NULL: accepted */
} endpoint_cases[] = {
	{ "http://127.0.0.1:4566", NULL },
	{ "https://lambda.us-east-1.amazonaws.com/", NULL },
	{ "http://[::1]:8080/base/", NULL },
	{ "http://my_host.local/x@y", NULL },
	{ "http://user:s3cret@127.0.0.1:1/", "invalid endpoint URL (from "
	    "--endpoint-url): a user name or password ('...@') is not "
	    "allowed" },
	{ "http://@h", "invalid endpoint URL (from --endpoint-url): a user "
	    "name or password ('...@') is not allowed" },
	{ "http://h:0", "invalid endpoint 'http://h:0' (from --endpoint-url): "
	    "the port must be a number from 1 to 65535" },
	/* libcurl's reading, as botocore's: no port, and port 80. */
	{ "http://h:", NULL },
	{ "http://h:0000080", NULL },
	{ "http://:80", "invalid endpoint 'http://:80' (from "
	    "--endpoint-url): no host" },
	{ "http://h%2e/", "invalid endpoint 'http://h%2e/' (from "
	    "--endpoint-url): the host has a character not allowed in a "
	    "name" },
	{ "http://[::1", "invalid endpoint 'http://[::1' (from "
	    "--endpoint-url): bad IPv6 address" },
	{ "http://[::1]x", "invalid endpoint 'http://[::1]x' (from "
	    "--endpoint-url): the port must be a number from 1 to 65535" },
	{ "http://h/ x", "invalid endpoint URL (from --endpoint-url): it "
	    "holds a space or control character" },
	{ "HTTP://h", "invalid endpoint URL (from --endpoint-url): it must "
	    "start with http:// or https://" },
}, region_cases[] = {
	{ "us-east-1", NULL },
	{ "us-gov-west-1", NULL },
	{ "cn-north-1", NULL },
	{ "local", NULL },
	{ "x@127.0.0.1:1/", "invalid region 'x@127.0.0.1:1/' (from "
	    "--region): a region is 1 to 63 letters, digits and hyphens, like "
	    "'us-east-1'" },
	{ "", "invalid region '' (from --region): a region is 1 to 63 "
	    "letters, digits and hyphens, like 'us-east-1'" },
	{ "-us", "invalid region '-us' (from --region): a region is 1 to 63 "
	    "letters, digits and hyphens, like 'us-east-1'" },
	{ "us-", "invalid region 'us-' (from --region): a region is 1 to 63 "
	    "letters, digits and hyphens, like 'us-east-1'" },
	{ "eu.west", "invalid region 'eu.west' (from --region): a region is "
	    "1 to 63 letters, digits and hyphens, like 'us-east-1'" },
};

static void
test_endpoint_region_check(void **state)
{
	struct lc_err err;
	char long_region[80];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof endpoint_cases / sizeof endpoint_cases[0];
	    i++) {
		lc_error_clear(&err);
		r = endpoint_check(endpoint_cases[i].in, "--endpoint-url", &err);
		if (endpoint_cases[i].error == NULL) {
			assert_int_equal(r, 0);
			continue;
		}
		assert_int_equal(r, -1);
		assert_int_equal(err.status, LC_ECONFIG);
		assert_string_equal(err.msg, endpoint_cases[i].error);
	}
	for (i = 0; i < sizeof region_cases / sizeof region_cases[0]; i++) {
		lc_error_clear(&err);
		r = region_check(region_cases[i].in, "--region", &err);
		if (region_cases[i].error == NULL) {
			assert_int_equal(r, 0);
			continue;
		}
		assert_int_equal(r, -1);
		assert_int_equal(err.status, LC_ECONFIG);
		assert_string_equal(err.msg, region_cases[i].error);
	}
	memset(long_region, 'a', 63);
	long_region[63] = '\0';
	assert_int_equal(region_check(long_region, "x", &err), 0);
	long_region[63] = 'a';
	long_region[64] = '\0';
	assert_int_equal(region_check(long_region, "x", &err), -1);
}

static void
test_split_url(void **state)
{
	const struct url_case *c;
	struct endpoint ep;
	struct lc_err err;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
		c = &url_cases[i];
		lc_error_clear(&err);
		r = endpoint_parse(c->url, "x", &ep, &err);
		if (c->origin == NULL) {
			assert_int_equal(r, -1);
			assert_int_equal(err.status, LC_ECONFIG);
			assert_string_equal(err.msg, c->error);
			assert_null(ep.origin);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(ep.origin, c->origin);
		assert_string_equal(ep.host, c->host);
		assert_string_equal(ep.base, c->base);
		endpoint_release(&ep);
	}
}

static void
test_throttle_codes(void **state)
{
	(void)state;
	assert_true(aws_is_throttle("TooManyRequestsException"));
	assert_true(aws_is_throttle("ThrottlingException"));
	assert_true(aws_is_throttle("Throttling"));
	assert_true(aws_is_throttle("RequestLimitExceeded"));
	assert_false(aws_is_throttle("ResourceConflictException"));
	assert_false(aws_is_throttle("AccessDeniedException"));
	assert_false(aws_is_throttle(""));
}

/*
 * Endpoint URLs through libcurl's URL API: the Host header and origin are
 * built from libcurl's parts, never from the text, so they hold no user
 * name or password; no message or --debug line shows one.
 */
static const struct url_case api_cases[] = {
	{ "http://127.0.0.1:0000080/a/", "http://127.0.0.1:80",
	    "127.0.0.1:80", "/a", NULL },
	{ "http://[0:0::1]:9/x", "http://[::1]:9", "[::1]:9", "/x", NULL },
	{ "https://0x7f.1/", "https://127.0.0.1", "127.0.0.1", "", NULL },
	{ "http://h/p@s3cret/", "http://h", "h", "/p@s3cret", NULL },
	{ "http://h:", "http://h", "h", "", NULL },
	{ "http:///h", NULL, NULL, NULL,
	    "invalid endpoint 'http:///h' (from x): no host" },
	{ "http://[fe80::1%25eth0]/", NULL, NULL, NULL,
	    "invalid endpoint 'http://[fe80::1%25eth0]/' (from x): bad IPv6 "
	    "address" },
	{ "http://h:65536", NULL, NULL, NULL,
	    "invalid endpoint 'http://h:65536' (from x): the port must be a "
	    "number from 1 to 65535" },
	{ "http://h#", NULL, NULL, NULL,
	    "invalid endpoint 'http://h#' (from x): a query or fragment is not "
	    "allowed" },
	{ "http://h/%s3cret?", NULL, NULL, NULL,
	    "invalid endpoint 'http://h/%s3cret?' (from x): a query or "
	    "fragment is not allowed" },
};

/* Invalid in more ways than one: the user info is named first, unquoted. */
static const char *const userinfo_urls[] = {
	"http://user:s3cret@h:99999/",
	"http://user:s3cret@[::1",
	"http://s3cret@h?x",
	"http://h\\s3cret@e/",
	"https://u:s3cret@h%2e/",
	"http://:s3cret@h/",
	"http://u;s3cret@h/",
	"http://a@b@s3cret/",
};

static void
test_endpoint_url_api(void **state)
{
	const struct url_case *c;
	struct endpoint ep;
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof api_cases / sizeof api_cases[0]; i++) {
		c = &api_cases[i];
		lc_error_clear(&err);
		if (c->origin == NULL) {
			assert_int_equal(endpoint_parse(c->url, "x", &ep,
			    &err), -1);
			assert_string_equal(err.msg, c->error);
			assert_null(ep.origin);
			assert_null(ep.host);
			continue;
		}
		assert_int_equal(endpoint_parse(c->url, "x", &ep, &err), 0);
		assert_string_equal(ep.origin, c->origin);
		assert_string_equal(ep.host, c->host);
		assert_string_equal(ep.base, c->base);
		endpoint_release(&ep);
		assert_null(ep.origin);
	}
	for (i = 0; i < sizeof userinfo_urls / sizeof userinfo_urls[0]; i++) {
		lc_error_clear(&err);
		assert_int_equal(endpoint_parse(userinfo_urls[i], "AWS_X", &ep,
		    &err), -1);
		assert_int_equal(err.status, LC_ECONFIG);
		assert_string_equal(err.msg, "invalid endpoint URL (from AWS_X): "
		    "a user name or password ('...@') is not allowed");
		assert_null(ep.origin);
	}
}

static void
test_endpoint_resolve_checked(void **state)
{
	struct endpoint ep;
	struct lc_err err;

	(void)state;
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_LAMBDA");
	lc_error_clear(&err);
	assert_int_equal(endpoint_resolve_checked(&ep,
	    "http://u:s3cret@127.0.0.1:1", "lambda", NULL, "us-east-1", &err),
	    -1);
	assert_string_equal(err.msg, "invalid endpoint URL (from "
	    "--endpoint-url): a user name or password ('...@') is not allowed");
	assert_null(ep.host);
	endpoint_release(&ep);

	assert_int_equal(endpoint_resolve_checked(&ep, NULL, "lambda", NULL,
	    "cn-north-1", &err), 0);
	assert_string_equal(ep.origin, "https://lambda.cn-north-1.amazonaws.com.cn");
	assert_string_equal(ep.host, "lambda.cn-north-1.amazonaws.com.cn");
	assert_string_equal(ep.base, "");
	endpoint_release(&ep);

	setenv("AWS_ENDPOINT_URL_LAMBDA", "http://[::1]:4566/lambda/", 1);
	assert_int_equal(endpoint_resolve_checked(&ep, NULL, "lambda", NULL,
	    NULL, &err), 0);
	assert_string_equal(ep.origin, "http://[::1]:4566");
	assert_string_equal(ep.host, "[::1]:4566");
	assert_string_equal(ep.base, "/lambda");
	endpoint_release(&ep);
	unsetenv("AWS_ENDPOINT_URL_LAMBDA");
}

/*
 * Sends a GET for url with --debug on (to port 1 of 127.0.0.1, which
 * refuses it) and checks that the debug lines and the error message show
 * it as want, and never "s3cret".
 */
static void
check_debug_url(const char *url, const char *want)
{
	struct http_client *hc;
	struct http_opts o = { .connect_timeout = 5 };
	struct http_request rq = { .method = "GET", .url = url };
	struct http_response rs;
	struct lc_err err;
	char path[] = "/tmp/test-aws-debug.XXXXXX", text[4096], *line;
	int fd, saved;
	ssize_t n;

	assert_true((fd = mkstemp(path)) >= 0);
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0 && dup2(fd, STDERR_FILENO) >= 0);
	log_set_debug(1);
	hc = http_client_new(&o);
	(void)http_send(hc, &rq, &rs, &err);
	http_response_release(&rs);
	http_client_free(hc);
	log_set_debug(0);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, text, sizeof text - 1, 0);
	close(fd);
	assert_true(n > 0);
	text[n] = '\0';
	line = xasprintf("> GET %s\n", want);
	if (strstr(text, line) == NULL)
		fail_msg("no '%s' in:\n%s", line, text);
	free(line);
	assert_null(strstr(text, "s3cret"));
	/* The error message, which --debug also shows. */
	line = xasprintf("GET %s: ", want);
	if (strstr(err.msg, line) == NULL)
		fail_msg("no '%s' in '%s'", line, err.msg);
	free(line);
	assert_null(strstr(err.msg, "s3cret"));
}

/*
 * http.c's --debug lines and message for a URL that holds a password
 * (aws.c never passes one): "***" before the authority's last '@', the
 * rest as written; an '@' after the authority is no password.
 */
static void
test_debug_url_redacted(void **state)
{
	(void)state;
	check_debug_url("http://user:s3cret@127.0.0.1:1/p@th",
	    "http://***@127.0.0.1:1/p@th");
	check_debug_url("http://s3cret@127.0.0.1:1", "http://***@127.0.0.1:1");
	check_debug_url("http://u;s3cret:s3cret@127.0.0.1:1/",
	    "http://***@127.0.0.1:1/");
	check_debug_url("http://u:s3cret@s3cret@127.0.0.1:1/x",
	    "http://***@127.0.0.1:1/x");
	check_debug_url("HTTP://u:s3cret@127.0.0.1:1?q=a@b#c@d",
	    "HTTP://***@127.0.0.1:1?q=a@b#c@d");
	check_debug_url("http://127.0.0.1:1/a@b?c@d",
	    "http://127.0.0.1:1/a@b?c@d");
	/* No "scheme://": where a password would end is unclear. */
	check_debug_url("u:s3cret@127.0.0.1:1/", "<redacted>");
}

/*
 * Writes text to path, a mkstemp template the first time (then the name
 * it made).
 */
static void
write_temp(char *path, const char *text)
{
	size_t n = strlen(path);
	int fd;

	if (n >= 6 && strcmp(path + n - 6, "XXXXXX") == 0)
		fd = mkstemp(path);
	else
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The profile names for --list-profiles, as aws_config_load sees them. */
static void
test_profile_names(void **state)
{
	char cfg[] = "/tmp/test-aws-cfg.XXXXXX";
	char cred[] = "/tmp/test-aws-cred.XXXXXX";
	struct profile_names v;
	struct lc_err err;

	(void)state;
	write_temp(cfg, "[default]\r\nregion = x\r\n[profile\tzed]\n"
	    "[sso-session corp]\n; [profile commented]\n[ profile  b ]\n"
	    "s3 =\n  [profile nested]\n  x = 1\n[services s]\n"
	    "[profile default]\n[profile]\n[profilex]\n");
	write_temp(cred, "[b]\n# [c]\n[profile p]\n[ci]\n");
	setenv("AWS_CONFIG_FILE", cfg, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	assert_int_equal(aws_profile_names(&v, &err), 0);
	assert_int_equal(v.n, 5);
	assert_string_equal(v.names[0], "b");
	assert_string_equal(v.names[1], "ci");
	assert_string_equal(v.names[2], "default");
	assert_string_equal(v.names[3], "profile p");
	assert_string_equal(v.names[4], "zed");
	profile_names_release(&v);
	assert_null(v.names);

	/* A malformed file is the error aws_config_load would give. */
	write_temp(cfg, "[ok]\nno equals\n");
	assert_int_equal(aws_profile_names(&v, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_non_null(strstr(err.msg, ":2: expected '[section]' or "
	    "'key = value'"));
	assert_int_equal(v.n, 0);

	/* Missing files: no profiles. */
	unlink(cfg);
	unlink(cred);
	assert_int_equal(aws_profile_names(&v, &err), 0);
	assert_int_equal(v.n, 0);
	profile_names_release(&v);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}

static int
run_endpoint_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_url_api),
		cmocka_unit_test(test_endpoint_resolve_checked),
		cmocka_unit_test(test_debug_url_redacted),
		cmocka_unit_test(test_profile_names),
	};

	return cmocka_run_group_tests_name("endpoint URLs, profile names",
	    tests, NULL, NULL);
}

/* Role ARNs: from the caller's identity (whoami, deploy) or in the account
 * of a deployed function (list). */
static void
test_role_arn(void **state)
{
	static const struct {
		const char	*role, *arn, *account, *want;
	} cases[] = {
		{ "lambda-exec", "arn:aws:iam::123456789012:user/alice",
		    "123456789012",
		    "arn:aws:iam::123456789012:role/lambda-exec" },
		{ "r", "arn:aws-cn:sts::111122223333:assumed-role/x/y",
		    "111122223333", "arn:aws-cn:iam::111122223333:role/r" },
		{ "r", NULL, "123456789012",
		    "arn:aws:iam::123456789012:role/r" },
		{ "r", "AIDAEXAMPLE", "123456789012",
		    "arn:aws:iam::123456789012:role/r" },
		{ "arn:aws:iam::123456789012:role/x", "arn:aws-cn:iam::1:u",
		    "9", "arn:aws:iam::123456789012:role/x" },
		{ "svc/r", "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:"
		    "function:f", NULL,
		    "arn:aws-us-gov:iam::123456789012:role/svc/r" },
		{ "r", NULL, NULL, "r" },
		{ "r", "arn:aws:lambda", NULL, "r" },
	};
	struct sts_identity id = { (char *)"123456789012",
	    (char *)"arn:aws-cn:iam::123456789012:user/a", NULL };
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = sts_role_arn_like(cases[i].role, cases[i].arn,
		    cases[i].account);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
	s = sts_role_arn(&id, "r");
	assert_string_equal(s, "arn:aws-cn:iam::123456789012:role/r");
	free(s);
}

/* lc_error clears the code, lc_error_prefix keeps it. */
static void
test_err_code(void **state)
{
	struct lc_err err;

	(void)state;
	lc_error_clear(&err);
	assert_string_equal(err.code, "");
	assert_false(lc_error_is(&err, "ResourceConflictException"));
	lc_error(&err, LC_EFAIL, "Op: ResourceConflictException: busy");
	lc_error_set_code(&err, "ResourceConflictException");
	assert_true(lc_error_is(&err, "ResourceConflictException"));
	lc_error_prefix(&err, "jobs");
	assert_true(lc_error_is(&err, "ResourceConflictException"));
	assert_string_equal(err.msg, "jobs: Op: ResourceConflictException: "
	    "busy");
	assert_int_equal(err.status, LC_EFAIL);
	lc_error(&err, LC_EFAIL, "a message naming ResourceConflictException");
	assert_string_equal(err.code, "");
	lc_error_set_code(&err, "X");
	lc_error_set_code(&err, NULL);
	assert_string_equal(err.code, "");
	lc_error_set_code(&err, "X");
	lc_error_clear(&err);
	assert_string_equal(err.code, "");
	assert_string_equal(err.msg, "");
	assert_int_equal(err.status, LC_OK);
}

static void
no_sleep(long ms)
{
	(void)ms;
}

struct call_case {
	const char	*name;
	int		 attempts;
	int		 status[2];	/* 0: closed unanswered */
	const char	*headers[2];
	const char	*body[2];
	int		 ret;
	const char	*code;
	const char	*msg;
};

static const struct call_case call_cases[] = {
	{ "json __type", 1, { 409 }, { "" },
	    { "{\"__type\":\"ResourceConflictException\",\"message\":"
	    "\"busy\"}" }, -1, "ResourceConflictException",
	    "Op: ResourceConflictException: busy" },
	{ "xml Code", 1, { 403 }, { "" },
	    { "<ErrorResponse><Error><Type>Sender</Type><Code>"
	    "InvalidClientTokenId</Code><Message>bad token</Message></Error>"
	    "</ErrorResponse>" }, -1, "InvalidClientTokenId",
	    "Op: InvalidClientTokenId: bad token" },
	{ "header", 1, { 404 },
	    { "x-amzn-ErrorType: ResourceNotFoundException:http://x/\r\n" },
	    { "" }, -1, "ResourceNotFoundException",
	    "Op: ResourceNotFoundException" },
	{ "no code in the answer", 1, { 400 }, { "" }, { "{}" }, -1,
	    "HTTP 400", "Op: HTTP 400" },
	{ "success", 1, { 200 }, { "" }, { "{}" }, 0, "", "" },
	{ "transport", 1, { 0 }, { "" }, { "" }, -1, "", NULL },
	{ "throttled, then success", 2, { 429, 200 }, { "", "" },
	    { "{\"__type\":\"ThrottlingException\"}", "{}" }, 0, "", "" },
	{ "throttled, then transport", 2, { 429, 0 }, { "", "" },
	    { "{\"__type\":\"ThrottlingException\"}", "" }, -1, "", NULL },
	{ "throttled twice", 2, { 429, 429 }, { "", "" },
	    { "{\"__type\":\"ThrottlingException\"}",
	    "{\"__type\":\"ThrottlingException\",\"message\":\"slow\"}" },
	    -1, "ThrottlingException", "Op: ThrottlingException: slow" },
};

/*
 * aws_call fills err->code from a JSON, XML or header error, and leaves it
 * empty on success and on a transport failure, whatever err held before.
 */
static void
test_call_code(void **state)
{
	const struct call_case *c;
	struct aws_request rq = { 0 };
	struct aws_response rs;
	struct testhttp h;
	struct lc_err err;
	char *answers[2];
	int i, r;
	size_t k;

	(void)state;
	rq.service = "lambda";
	rq.op = "Op";
	rq.method = "GET";
	rq.path = "/x";
	for (k = 0; k < sizeof call_cases / sizeof call_cases[0]; k++) {
		c = &call_cases[k];
		print_message("# %s\n", c->name);
		for (i = 0; i < c->attempts; i++)
			answers[i] = c->status[i] == 0 ? NULL :
			    testhttp_answer(c->status[i], c->headers[i],
			    c->body[i]);
		testhttp_start(&h, (const char *const *)answers,
		    (size_t)c->attempts);
		h.client.max_attempts = c->attempts;
		h.client.sleep_ms = no_sleep;
		lc_error(&err, LC_ECONFIG, "stale");
		lc_error_set_code(&err, "StaleException");
		r = aws_call(&h.client, &rq, &rs, &err);
		aws_response_release(&rs);
		assert_int_equal(testhttp_stop(&h), c->attempts);
		assert_string_equal(h.reqs[0], "GET /x");
		assert_int_equal(r, c->ret);
		assert_string_equal(err.code, c->code);
		if (c->msg != NULL)
			assert_string_equal(err.msg, c->msg);
		else
			assert_non_null(strstr(err.msg, "Op: "));
		assert_int_equal(err.status, r == 0 ? LC_OK : LC_EFAIL);
		for (i = 0; i < c->attempts; i++)
			free(answers[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_error),
		cmocka_unit_test(test_parse_error_truncates),
		cmocka_unit_test(test_xml_leaf),
		cmocka_unit_test(test_split_url),
		cmocka_unit_test(test_endpoint_region_check),
		cmocka_unit_test(test_throttle_codes),
		cmocka_unit_test(test_role_arn),
		cmocka_unit_test(test_err_code),
		cmocka_unit_test(test_call_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	    run_endpoint_tests();
}
