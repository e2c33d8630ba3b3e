/*
 * test-lambda-triggers.c - the Lambda operations behind triggers
 * (lambda-triggers.c) against the scripted loopback server (testhttp.h):
 * each call's method, path and query (checked against botocore's Lambda
 * model), its body, and how its answer is read, "already gone" answers
 * included; and the parsers: a resource policy holding statements of
 * other shapes, event source mapping pages, URL configurations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "lambda-private.h"
#include "lambda-triggers.h"
#include "testhttp.h"
#include "testutil.h"

#define ACCT		"123456789012"
#define FN_ARN		"arn:aws:lambda:us-east-1:" ACCT ":function:api"
#define FN_ARN_ENC	"arn%3Aaws%3Alambda%3Aus-east-1%3A" ACCT \
			"%3Afunction%3Aapi"
#define RULE_ARN	"arn:aws:events:us-east-1:" ACCT ":rule/lambdactl-api-1"
#define QUEUE_ARN	"arn:aws:sqs:us-east-1:" ACCT ":jobs"
#define UUID		"a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
/* Lambda names the error in x-amzn-ErrorType; moto in the body. */
#define LAMBDA_404	"{\"Type\":\"User\",\"Message\":\"The resource you " \
			"requested does not exist.\"}"
#define NOT_FOUND_HDR	"x-amzn-ErrorType: ResourceNotFoundException\r\n"
#define NOT_FOUND	"{\"__type\":\"ResourceNotFoundException\"," \
			"\"message\":\"The resource you requested does not " \
			"exist.\"}"

/* The policy of a function wired by lambdactl and by others. */
static const char policy_doc[] =
"{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":["
/* 0: a schedule's rule */
"{\"Sid\":\"lambdactl-rule-lambdactl-api-1\",\"Effect\":\"Allow\","
"\"Principal\":{\"Service\":\"events.amazonaws.com\"},"
"\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" FN_ARN "\","
"\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":\"" RULE_ARN "\"}}},"
/* 1: a bucket */
"{\"Sid\":\"lambdactl-s3-fc-data\",\"Effect\":\"Allow\","
"\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
"\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" FN_ARN "\","
"\"Condition\":{\"StringEquals\":{\"AWS:SourceAccount\":\"" ACCT "\"},"
"\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::fc-data\"}}},"
/* 2: the public URL */
"{\"Sid\":\"lambdactl-url-public\",\"Effect\":\"Allow\",\"Principal\":\"*\","
"\"Action\":\"lambda:InvokeFunctionUrl\",\"Resource\":\"" FN_ARN "\","
"\"Condition\":{\"StringEquals\":"
"{\"lambda:FunctionUrlAuthType\":\"NONE\"}}},"
/* 3: another account, two actions */
"{\"Sid\":\"console-1\",\"Effect\":\"Allow\",\"Principal\":"
"{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":"
"[\"lambda:InvokeFunction\",\"lambda:GetFunction\"],\"Resource\":\"*\"},"
/* 4: lists of one, a list of two, keys in other cases, no Sid */
"{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":[\"a\",\"b\"]},"
"\"Action\":[\"lambda:InvokeFunction\"],\"Condition\":{\"arnlike\":"
"{\"aws:sourcearn\":[\"arn:aws:sns:us-east-1:1:t\"]},\"StringEquals\":7}},"
/* 5: not even an object */
"\"junk\","
/* 6: moto's shape of the URL statement */
"{\"Sid\":\"moto-url\",\"Principal\":\"*\",\"Action\":"
"\"lambda:InvokeFunctionUrl\",\"FunctionUrlAuthType\":\"NONE\","
"\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":{\"x\":1}}}}"
"]}";

/* GetPolicy's body around the document doc. */
static char *
policy_body(const char *doc)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	assert_non_null(cJSON_AddStringToObject(o, "Policy", doc));
	assert_non_null(cJSON_AddStringToObject(o, "RevisionId", "r-1"));
	s = cJSON_PrintUnformatted(o);
	assert_non_null(s);
	cJSON_Delete(o);
	return s;
}

static void
assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void
assert_statement(const struct lambda_statement *s, const char *sid,
    const char *principal, const char *action, const char *source_arn,
    const char *account, const char *url_auth)
{
	assert_str_or_null(s->sid, sid);
	assert_str_or_null(s->principal, principal);
	assert_str_or_null(s->action, action);
	assert_str_or_null(s->source_arn, source_arn);
	assert_str_or_null(s->source_account, account);
	assert_str_or_null(s->url_auth_type, url_auth);
}

static void
test_policy_parse(void **state)
{
	char *body = policy_body(policy_doc);
	struct lambda_statement *s;
	struct lc_err err = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(lambda_policy_parse(body, strlen(body), &s, &n,
	    &err), 0);
	assert_int_equal(n, 7);
	assert_statement(&s[0], "lambdactl-rule-lambdactl-api-1",
	    "events.amazonaws.com", "lambda:InvokeFunction", RULE_ARN, NULL,
	    NULL);
	assert_statement(&s[1], "lambdactl-s3-fc-data", "s3.amazonaws.com",
	    "lambda:InvokeFunction", "arn:aws:s3:::fc-data", ACCT, NULL);
	assert_statement(&s[2], "lambdactl-url-public", "*",
	    "lambda:InvokeFunctionUrl", NULL, NULL, "NONE");
	assert_statement(&s[3], "console-1",
	    "arn:aws:iam::111122223333:root", NULL, NULL, NULL, NULL);
	assert_statement(&s[4], NULL, NULL, "lambda:InvokeFunction",
	    "arn:aws:sns:us-east-1:1:t", NULL, NULL);
	assert_statement(&s[5], NULL, NULL, NULL, NULL, NULL, NULL);
	assert_statement(&s[6], "moto-url", "*", "lambda:InvokeFunctionUrl",
	    NULL, NULL, "NONE");
	lambda_statements_free(s, n);
	free(body);
}

static void
test_policy_shapes(void **state)
{
	static const struct {
		const char	*doc;
		size_t		 n;
	} ok[] = {
		/* One statement as an object, not a list. */
		{ "{\"Statement\":{\"Sid\":\"one\"}}", 1 },
		{ "{\"Statement\":[]}", 0 },
		{ "{\"Version\":\"2012-10-17\"}", 0 },
		{ "{\"Statement\":\"x\"}", 0 },
	};
	static const struct {
		const char *body, *msg;
	} bad[] = {
		{ "", "GetPolicy: the response is not a JSON object" },
		{ "{}", "GetPolicy: unexpected response: no Policy" },
		{ "{\"Policy\":{}}", "GetPolicy: unexpected response: 'Policy' "
		    "is not a string" },
		{ "{\"Policy\":\"{\\\"Statement\\\":\"}", "GetPolicy: "
		    "unexpected response: the Policy is not a JSON object" },
		{ "{\"Policy\":\"[]\"}", "GetPolicy: unexpected response: the "
		    "Policy is not a JSON object" },
	};
	struct lambda_statement *s;
	struct lc_err err = { 0 };
	size_t i, n;
	char *body;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		body = policy_body(ok[i].doc);
		assert_int_equal(lambda_policy_parse(body, strlen(body), &s,
		    &n, &err), 0);
		assert_int_equal(n, ok[i].n);
		if (n == 1)
			assert_string_equal(s[0].sid, "one");
		lambda_statements_free(s, n);
		free(body);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(lambda_policy_parse(bad[i].body,
		    strlen(bad[i].body), &s, &n, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(s);
		assert_int_equal(n, 0);
	}
}

static void
test_get_policy(void **state)
{
	char *body = policy_body("{\"Statement\":[{\"Sid\":\"a\"}]}"), *nf;
	struct lambda_statement *s;
	struct testhttp h;
	struct lc_err err = { 0 };
	size_t n;

	(void)state;
	nf = testhttp_answer(404, NOT_FOUND_HDR, LAMBDA_404);
	testhttp_start_json(&h, 2, 200, body, 403, "{\"Type\":\"User\","
	    "\"Message\":\"denied\",\"__type\":\"AccessDeniedException\"}");
	assert_int_equal(lambda_get_policy(&h.client, "api", "live", &s, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(s[0].sid, "a");
	lambda_statements_free(s, n);
	assert_int_equal(lambda_get_policy(&h.client, FN_ARN, NULL, &s, &n,
	    &err), -1);
	assert_string_equal(err.code, "AccessDeniedException");
	assert_null(s);
	testhttp_stop_json(&h);
	assert_string_equal(h.reqs[0],
	    "GET /2015-03-31/functions/api/policy?Qualifier=live");
	assert_string_equal(h.reqs[1],
	    "GET /2015-03-31/functions/" FN_ARN_ENC "/policy");

	/* No policy at all: no statements. */
	testhttp_start(&h, (const char *const *)&nf, 1);
	assert_int_equal(lambda_get_policy(&h.client, "api", NULL, &s, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	assert_null(s);
	assert_string_equal(err.code, "");
	assert_int_equal(testhttp_stop(&h), 1);
	free(nf);
	free(body);
}

static void
test_add_remove_permission(void **state)
{
	const struct lambda_statement rule = {
	    .sid = (char *)"lambdactl-rule-r",
	    .principal = (char *)"events.amazonaws.com",
	    .action = (char *)"lambda:InvokeFunction",
	    .source_arn = (char *)RULE_ARN };
	const struct lambda_statement s3 = {
	    .sid = (char *)"lambdactl-s3-fc.data",
	    .principal = (char *)"s3.amazonaws.com",
	    .action = (char *)"lambda:InvokeFunction",
	    .source_arn = (char *)"arn:aws:s3:::fc.data",
	    .source_account = (char *)ACCT };
	const struct lambda_statement url = {
	    .sid = (char *)"lambdactl-url-public", .principal = (char *)"*",
	    .action = (char *)"lambda:InvokeFunctionUrl",
	    .url_auth_type = (char *)"NONE" };
	struct testhttp h;
	struct lc_err err = { 0 };
	char v[128];

	(void)state;
	testhttp_start_json(&h, 8, 201, "{\"Statement\":\"{}\"}", 201, "{}",
	    201, "{}", 409, "{\"Type\":\"User\",\"message\":\"The statement "
	    "id (lambdactl-rule-r) provided already exists.\",\"__type\":"
	    "\"ResourceConflictException\"}", 204, "", 404, NOT_FOUND, 404,
	    "<h1>Not Found</h1>", 400, "{\"__type\":"
	    "\"InvalidParameterValueException\",\"message\":\"bad\"}");
	assert_int_equal(lambda_add_permission(&h.client, "api", "live", &rule,
	    &err), 0);
	assert_int_equal(lambda_add_permission(&h.client, "api", NULL, &s3,
	    &err), 0);
	assert_int_equal(lambda_add_permission(&h.client, "api", NULL, &url,
	    &err), 0);
	assert_int_equal(lambda_add_permission(&h.client, "api", NULL, &rule,
	    &err), -1);
	assert_string_equal(err.code, "ResourceConflictException");
	assert_int_equal(lambda_remove_permission(&h.client, "api", "live",
	    "lambdactl-s3-fc.data", &err), 0);
	/* Already gone. */
	assert_int_equal(lambda_remove_permission(&h.client, "api", NULL,
	    "x", &err), 0);
	assert_string_equal(err.code, "");
	/* A 404 naming no error is not "gone": moto answers one for a
	 * statement id with a dot, which it cannot route, and keeps it. */
	assert_int_equal(lambda_remove_permission(&h.client, "api", NULL,
	    "lambdactl-s3-fc.data", &err), -1);
	assert_string_equal(err.code, "HTTP 404");
	assert_int_equal(lambda_remove_permission(&h.client, "api", NULL,
	    "x", &err), -1);
	assert_string_equal(err.msg, "RemovePermission: "
	    "InvalidParameterValueException: bad");
	assert_string_equal(h.reqs[0],
	    "POST /2015-03-31/functions/api/policy?Qualifier=live");
	assert_non_null(testhttp_header(&h, 0, "Content-Type", v, sizeof v));
	assert_string_equal(v, "application/json");
	assert_non_null(testhttp_header(&h, 0, "Authorization", v, sizeof v));
	assert_non_null(strstr(v, "/us-east-1/lambda/aws4_request"));
	assert_string_equal(testhttp_body(&h, 0), "{\"StatementId\":"
	    "\"lambdactl-rule-r\",\"Action\":\"lambda:InvokeFunction\","
	    "\"Principal\":\"events.amazonaws.com\",\"SourceArn\":\""
	    RULE_ARN "\"}");
	assert_string_equal(h.reqs[1], "POST /2015-03-31/functions/api/policy");
	assert_string_equal(testhttp_body(&h, 1), "{\"StatementId\":"
	    "\"lambdactl-s3-fc.data\",\"Action\":\"lambda:InvokeFunction\","
	    "\"Principal\":\"s3.amazonaws.com\",\"SourceArn\":"
	    "\"arn:aws:s3:::fc.data\",\"SourceAccount\":\"" ACCT "\"}");
	assert_string_equal(testhttp_body(&h, 2), "{\"StatementId\":"
	    "\"lambdactl-url-public\",\"Action\":\"lambda:InvokeFunctionUrl\","
	    "\"Principal\":\"*\",\"FunctionUrlAuthType\":\"NONE\"}");
	assert_string_equal(h.reqs[4], "DELETE /2015-03-31/functions/api/"
	    "policy/lambdactl-s3-fc.data?Qualifier=live");
	assert_string_equal(testhttp_body(&h, 4), "");
	testhttp_stop_json(&h);
}

/* A page of ListEventSourceMappings, as the API reference shows one. */
#define ESM(uuid, state)						\
	"{\"UUID\":\"" uuid "\",\"BatchSize\":10,"			\
	"\"MaximumBatchingWindowInSeconds\":5,\"EventSourceArn\":\""	\
	QUEUE_ARN "\",\"FunctionArn\":\"" FN_ARN ":live\","		\
	"\"LastModified\":1.569284520333E9,\"State\":\"" state "\","	\
	"\"StateTransitionReason\":\"USER_INITIATED\"}"

static void
test_esms_parse(void **state)
{
	static const char page[] = "{\"EventSourceMappings\":["
	    ESM(UUID, "Enabled") "," ESM("u2", "Disabled") ","
	    ESM("u3", "Disabling") "," ESM("u4", "Creating") ","
	    "{\"UUID\":\"u5\",\"State\":null}],\"NextMarker\":\"m/1\"}";
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "[]", "ListEventSourceMappings: the response is not a JSON "
		    "object" },
		{ "{\"EventSourceMappings\":{}}", "ListEventSourceMappings: "
		    "unexpected response: 'EventSourceMappings' is not an "
		    "array" },
		{ "{\"EventSourceMappings\":[{\"BatchSize\":1}]}",
		    "ListEventSourceMappings: unexpected response: an event "
		    "source mapping without UUID" },
		{ "{\"EventSourceMappings\":[{\"UUID\":\"u\",\"BatchSize\":"
		    "\"10\"}]}", "ListEventSourceMappings: unexpected "
		    "response: 'BatchSize' is not a number" },
		{ "{\"EventSourceMappings\":[{\"UUID\":\"u\",\"BatchSize\":"
		    "-1}]}", "ListEventSourceMappings: unexpected response: "
		    "'BatchSize' is -1, not a whole number from 0 to "
		    "2147483647" },
		{ "{\"EventSourceMappings\":[1]}", "ListEventSourceMappings: "
		    "unexpected response: an event source mapping is not a "
		    "JSON object" },
	};
	struct lambda_esm *m = NULL, one;
	struct lc_err err = { 0 };
	size_t n = 0, i;
	char *next;

	(void)state;
	assert_int_equal(lambda_esms_parse(page, strlen(page), &m, &n, &next,
	    &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(next, "m/1");
	free(next);
	assert_string_equal(m[0].uuid, UUID);
	assert_string_equal(m[0].source_arn, QUEUE_ARN);
	assert_string_equal(m[0].function_arn, FN_ARN ":live");
	assert_string_equal(m[0].state, "Enabled");
	assert_int_equal(m[0].batch_size, 10);
	assert_int_equal(m[0].batch_window, 5);
	assert_int_equal(m[0].enabled, 1);
	assert_int_equal(m[1].enabled, 0);
	assert_int_equal(m[2].enabled, 0);
	assert_int_equal(m[3].enabled, 1);
	assert_int_equal(m[4].enabled, 1);
	assert_null(m[4].state);
	assert_int_equal(m[4].batch_size, 0);
	lambda_esms_free(m, n);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		m = NULL;
		n = 0;
		assert_int_equal(lambda_esms_parse(bad[i].doc,
		    strlen(bad[i].doc), &m, &n, &next, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(n, 0);
		lambda_esms_free(m, n);
	}
	assert_int_equal(lambda_esm_parse("Op", "{\"UUID\":\"u\"}", 12, &one,
	    &err), 0);
	assert_string_equal(one.uuid, "u");
	lambda_esm_release(&one);
	assert_int_equal(lambda_esm_parse("Op", "{", 1, &one, &err), -1);
	assert_string_equal(err.msg, "Op: the response is not valid JSON");
	assert_null(one.uuid);
}

static void
test_list_esms(void **state)
{
	static const char p1[] = "{\"EventSourceMappings\":[" ESM("u1",
	    "Enabled") "],\"NextMarker\":\"m/1\"}";
	static const char p2[] = "{\"EventSourceMappings\":[" ESM("u2",
	    "Enabled") "],\"NextMarker\":null}";
	struct lambda_esm *m;
	struct testhttp h;
	struct lc_err err = { 0 };
	size_t n;

	(void)state;
	testhttp_start_json(&h, 4, 200, p1, 200, p2, 200, p1, 200, p1);
	assert_int_equal(lambda_list_esms(&h.client, FN_ARN ":live", &m, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].uuid, "u1");
	assert_string_equal(m[1].uuid, "u2");
	lambda_esms_free(m, n);
	assert_int_equal(lambda_list_esms(&h.client, "api", &m, &n, &err),
	    -1);
	assert_string_equal(err.msg, "ListEventSourceMappings: the same "
	    "NextMarker came back twice");
	assert_null(m);
	assert_int_equal(n, 0);
	testhttp_stop_json(&h);
	assert_string_equal(h.reqs[0], "GET /2015-03-31/event-source-mappings"
	    "?FunctionName=" FN_ARN_ENC "%3Alive");
	assert_string_equal(h.reqs[1], "GET /2015-03-31/event-source-mappings"
	    "?FunctionName=" FN_ARN_ENC "%3Alive&Marker=m%2F1");
	assert_string_equal(h.reqs[2], "GET /2015-03-31/event-source-mappings"
	    "?FunctionName=api");
}

static void
test_esm_writes(void **state)
{
	struct lambda_esm m;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 7, 202, ESM(UUID, "Creating"), 400,
	    "{\"__type\":\"InvalidParameterValueException\",\"message\":"
	    "\"BatchSize 20000 exceeds the max of 10000\"}", 202,
	    ESM(UUID, "Updating"), 202, ESM(UUID, "Deleting"), 404, "{}",
	    404, NOT_FOUND, 400, "{\"__type\":\"ResourceInUseException\","
	    "\"message\":\"busy\"}");
	assert_int_equal(lambda_create_esm(&h.client, "api:live", QUEUE_ARN,
	    10, 0, 1, &m, &err), 0);
	assert_string_equal(m.uuid, UUID);
	assert_string_equal(m.state, "Creating");
	lambda_esm_release(&m);
	assert_int_equal(lambda_create_esm(&h.client, "api", QUEUE_ARN, 20000,
	    300, 0, NULL, &err), -1);
	assert_string_equal(err.code, "InvalidParameterValueException");
	assert_int_equal(lambda_update_esm(&h.client, UUID, 5, 30, 0, &err),
	    0);
	assert_int_equal(lambda_delete_esm(&h.client, UUID, &err), 0);
	/* Gone already: moto's bare 404, Lambda's error. */
	assert_int_equal(lambda_delete_esm(&h.client, UUID, &err), 0);
	assert_int_equal(lambda_delete_esm(&h.client, UUID, &err), 0);
	assert_int_equal(lambda_delete_esm(&h.client, UUID, &err), -1);
	assert_string_equal(err.code, "ResourceInUseException");
	assert_string_equal(h.reqs[0], "POST /2015-03-31/event-source-mappings");
	assert_string_equal(testhttp_body(&h, 0), "{\"FunctionName\":"
	    "\"api:live\",\"EventSourceArn\":\"" QUEUE_ARN "\","
	    "\"BatchSize\":10,\"MaximumBatchingWindowInSeconds\":0,"
	    "\"Enabled\":true}");
	assert_string_equal(testhttp_body(&h, 1), "{\"FunctionName\":\"api\","
	    "\"EventSourceArn\":\"" QUEUE_ARN "\",\"BatchSize\":20000,"
	    "\"MaximumBatchingWindowInSeconds\":300,\"Enabled\":false}");
	assert_string_equal(h.reqs[2], "PUT /2015-03-31/event-source-mappings/"
	    UUID);
	assert_string_equal(testhttp_body(&h, 2), "{\"BatchSize\":5,"
	    "\"MaximumBatchingWindowInSeconds\":30,\"Enabled\":false}");
	assert_string_equal(h.reqs[3], "DELETE /2015-03-31/"
	    "event-source-mappings/" UUID);
	testhttp_stop_json(&h);
}

#define URL_DOC(auth)							\
	"{\"FunctionUrl\":\"https://abcdefg.lambda-url.us-east-1.on.aws/\","\
	"\"FunctionArn\":\"" FN_ARN ":live\",\"AuthType\":\"" auth "\","	\
	"\"Cors\":null,\"CreationTime\":\"2021-10-31T00:00:00.000+0000\","\
	"\"InvokeMode\":\"BUFFERED\"}"

static void
test_urls(void **state)
{
	struct lambda_url u;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 8, 200, URL_DOC("AWS_IAM"), 404, NOT_FOUND,
	    201, URL_DOC("NONE"), 200, URL_DOC("AWS_IAM"), 200, "{}", 204, "",
	    404, NOT_FOUND, 409, "{\"__type\":\"ResourceConflictException\","
	    "\"message\":\"busy\"}");
	assert_int_equal(lambda_get_url(&h.client, "api", "live", &u, &err),
	    1);
	assert_string_equal(u.url,
	    "https://abcdefg.lambda-url.us-east-1.on.aws/");
	assert_string_equal(u.auth_type, "AWS_IAM");
	assert_string_equal(u.function_arn, FN_ARN ":live");
	lambda_url_release(&u);
	assert_int_equal(lambda_get_url(&h.client, "api", NULL, &u, &err), 0);
	assert_null(u.url);
	assert_int_equal(lambda_put_url(&h.client, "api", "live", "NONE", 1,
	    &u, &err), 0);
	assert_string_equal(u.auth_type, "NONE");
	lambda_url_release(&u);
	assert_int_equal(lambda_put_url(&h.client, "api", NULL, "AWS_IAM", 0,
	    NULL, &err), 0);
	assert_int_equal(lambda_put_url(&h.client, "api", NULL, "AWS_IAM", 0,
	    &u, &err), -1);
	assert_string_equal(err.msg, "UpdateFunctionUrlConfig: unexpected "
	    "response: no FunctionUrl");
	assert_null(u.url);
	assert_int_equal(lambda_delete_url(&h.client, "api", "live", &err), 0);
	assert_int_equal(lambda_delete_url(&h.client, "api", NULL, &err), 0);
	assert_int_equal(lambda_delete_url(&h.client, "api", NULL, &err), -1);
	assert_string_equal(err.code, "ResourceConflictException");
	assert_string_equal(h.reqs[0],
	    "GET /2021-10-31/functions/api/url?Qualifier=live");
	assert_string_equal(h.reqs[1], "GET /2021-10-31/functions/api/url");
	assert_string_equal(h.reqs[2],
	    "POST /2021-10-31/functions/api/url?Qualifier=live");
	assert_string_equal(testhttp_body(&h, 2), "{\"AuthType\":\"NONE\"}");
	assert_string_equal(h.reqs[3], "PUT /2021-10-31/functions/api/url");
	assert_string_equal(testhttp_body(&h, 3),
	    "{\"AuthType\":\"AWS_IAM\"}");
	assert_string_equal(h.reqs[5],
	    "DELETE /2021-10-31/functions/api/url?Qualifier=live");
	testhttp_stop_json(&h);
}

/* A public URL's second statement: lambda:InvokeFunction through the URL
 * only (InvokedViaFunctionUrl), which Lambda requires since October 2025. */
static void
test_permission_via_url(void **state)
{
	const struct lambda_statement s = {
	    .sid = (char *)"lambdactl-url-invoke", .principal = (char *)"*",
	    .action = (char *)"lambda:InvokeFunction", .via_url = 1 };
	char *body;

	static const struct {
		const char	*doc;
		int		 via_url;
	} read[] = {
		/* As Lambda writes it, as moto keeps it, and without. */
		{ "{\"Statement\":[{\"Sid\":\"s\",\"Condition\":{\"Bool\":"
		    "{\"lambda:InvokedViaFunctionUrl\":\"true\"}}}]}", 1 },
		{ "{\"Statement\":[{\"Sid\":\"s\",\"Condition\":{\"Bool\":"
		    "{\"lambda:InvokedViaFunctionUrl\":[true]}}}]}", 1 },
		{ "{\"Statement\":[{\"Sid\":\"s\",\"InvokedViaFunctionUrl\":"
		    "true}]}", 1 },
		{ "{\"Statement\":[{\"Sid\":\"s\",\"Condition\":{\"Bool\":"
		    "{\"lambda:InvokedViaFunctionUrl\":\"false\"}}}]}", 0 },
		{ "{\"Statement\":[{\"Sid\":\"s\",\"Action\":"
		    "\"lambda:InvokeFunction\",\"Principal\":\"*\"}]}", 0 },
	};
	struct lambda_statement *st;
	struct lc_err err = { 0 };
	size_t i, n;

	(void)state;
	body = lambda_permission_json(&s);
	assert_string_equal(body, "{\"StatementId\":\"lambdactl-url-invoke\","
	    "\"Action\":\"lambda:InvokeFunction\",\"Principal\":\"*\","
	    "\"InvokedViaFunctionUrl\":true}");
	free(body);
	/* Read back: a statement without the condition is not the one
	 * lambdactl wants (it would let anyone invoke the function). */
	for (i = 0; i < sizeof read / sizeof read[0]; i++) {
		body = policy_body(read[i].doc);
		assert_int_equal(lambda_policy_parse(body, strlen(body), &st,
		    &n, &err), 0);
		assert_int_equal(n, 1);
		assert_int_equal(st[0].via_url, read[i].via_url);
		lambda_statements_free(st, n);
		free(body);
	}
}

static void
test_tags(void **state)
{
	const struct manifest_kv tags[] = {
		{ (char *)"lambdactl:sqs:" UUID, (char *)QUEUE_ARN },
		{ (char *)"lambdactl:url", (char *)"" },
	};
	char *keys[] = { (char *)"lambdactl:url", (char *)"team a" };
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 3, 204, "", 204, "", 400,
	    "{\"__type\":\"InvalidParameterValueException\",\"message\":"
	    "\"bad tag\"}");
	assert_int_equal(lambda_tag(&h.client, FN_ARN, tags, 2, &err), 0);
	/* Nothing to do: no request. */
	assert_int_equal(lambda_tag(&h.client, FN_ARN, tags, 0, &err), 0);
	assert_int_equal(lambda_untag(&h.client, FN_ARN, keys, 0, &err), 0);
	assert_int_equal(lambda_untag(&h.client, FN_ARN, keys, 2, &err), 0);
	assert_int_equal(lambda_tag(&h.client, FN_ARN, tags, 1, &err), -1);
	assert_string_equal(err.msg, "TagResource: "
	    "InvalidParameterValueException: bad tag");
	assert_string_equal(h.reqs[0], "POST /2017-03-31/tags/" FN_ARN_ENC);
	assert_string_equal(testhttp_body(&h, 0), "{\"Tags\":{"
	    "\"lambdactl:sqs:" UUID "\":\"" QUEUE_ARN "\","
	    "\"lambdactl:url\":\"\"}}");
	assert_string_equal(h.reqs[1], "DELETE /2017-03-31/tags/" FN_ARN_ENC
	    "?tagKeys=lambdactl%3Aurl&tagKeys=team%20a");
	testhttp_stop_json(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_parse),
		cmocka_unit_test(test_policy_shapes),
		cmocka_unit_test(test_get_policy),
		cmocka_unit_test(test_add_remove_permission),
		cmocka_unit_test(test_esms_parse),
		cmocka_unit_test(test_list_esms),
		cmocka_unit_test(test_esm_writes),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_permission_via_url),
		cmocka_unit_test(test_tags),
	};

	unsetenv_prefix("AWS_");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
