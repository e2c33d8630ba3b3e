/*
 * test-aws.c - AWS error parsing, XML leaves, endpoint URLs, and the error
 * code aws_call leaves in struct lc_err (against a scripted local server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws.h"
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
	    "endpoint 'ftp://example.com' is not an http:// or https:// URL" },
	{ "example.com", NULL, NULL, NULL,
	    "endpoint 'example.com' is not an http:// or https:// URL" },
	{ "http://", NULL, NULL, NULL, "endpoint 'http://' has no host" },
	{ "http://h/?a=b", NULL, NULL, NULL,
	    "endpoint 'http://h/?a=b' must not have a query or fragment" },
	{ "http://user:pw@h/", NULL, NULL, NULL,
	    "an endpoint URL must not hold a user name or password ('...@')" },
	{ "http://h/a@b", "http://h", "h", "/a@b", NULL },
	{ "ftp://u:pw@h/", NULL, NULL, NULL,
	    "an endpoint URL must not hold a user name or password ('...@')" },
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
	{ "http://h:", "invalid endpoint 'http://h:' (from --endpoint-url): "
	    "the port must be a number from 1 to 65535" },
	{ "http://h:0000080", "invalid endpoint 'http://h:0000080' (from "
	    "--endpoint-url): the port must be a number from 1 to 65535" },
	{ "http://:80", "invalid endpoint 'http://:80' (from "
	    "--endpoint-url): no host" },
	{ "http://h%2e/", "invalid endpoint 'http://h%2e/' (from "
	    "--endpoint-url): the host has a character not allowed in a "
	    "name" },
	{ "http://[::1", "invalid endpoint 'http://[::1' (from "
	    "--endpoint-url): bad IPv6 address" },
	{ "http://[::1]x", "invalid endpoint 'http://[::1]x' (from "
	    "--endpoint-url): bad IPv6 address" },
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
	char *origin, *host, *base;
	struct lc_err err;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
		c = &url_cases[i];
		lc_error_clear(&err);
		r = aws_split_url(c->url, &origin, &host, &base, &err);
		if (c->origin == NULL) {
			assert_int_equal(r, -1);
			assert_int_equal(err.status, LC_ECONFIG);
			assert_string_equal(err.msg, c->error);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(origin, c->origin);
		assert_string_equal(host, c->host);
		assert_string_equal(base, c->base);
		free(origin);
		free(host);
		free(base);
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

	return cmocka_run_group_tests(tests, NULL, NULL);
}
