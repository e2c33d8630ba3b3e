/*
 * test-events-api.c - EventBridge (events-api.c) against the scripted
 * loopback server (testhttp.h): the request each call sends (POST /, the
 * X-Amz-Target and Content-Type of JSON 1.1, the body, signed for
 * "events"), how each answer is read (a missing rule, FailedEntries,
 * NextToken pages), and the parsers on documents shaped like the API
 * reference's.  The endpoint row: AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "err.h"
#include "events-api.h"
#include "testhttp.h"
#include "testutil.h"

#define RULE_ARN	"arn:aws:events:us-east-1:123456789012:rule/lambdactl-api-1"
#define FN_ARN		"arn:aws:lambda:us-east-1:123456789012:function:api:live"
#define NOT_FOUND	"{\"__type\":\"ResourceNotFoundException\"," \
			"\"message\":\"Rule r does not exist.\"}"

/* Request i was an EventBridge op with body. */
static void
assert_request(struct testhttp *h, size_t i, const char *op,
    const char *body)
{
	char v[512], target[96];

	assert_string_equal(h->reqs[i], "POST /");
	snprintf(target, sizeof target, "AWSEvents.%s", op);
	assert_non_null(testhttp_header(h, i, "X-Amz-Target", v, sizeof v));
	assert_string_equal(v, target);
	assert_non_null(testhttp_header(h, i, "Content-Type", v, sizeof v));
	assert_string_equal(v, "application/x-amz-json-1.1");
	assert_non_null(testhttp_header(h, i, "Authorization", v, sizeof v));
	assert_non_null(strstr(v, "/us-east-1/events/aws4_request"));
	assert_string_equal(testhttp_body(h, i), body);
}

static void
test_rule_parse(void **state)
{
	static const char full[] = "{\"Name\":\"lambdactl-api-1\","
	    "\"Arn\":\"" RULE_ARN "\",\"ScheduleExpression\":"
	    "\"rate(5 minutes)\",\"State\":\"ENABLED\",\"Description\":"
	    "\"warmer\",\"EventBusName\":\"default\",\"CreatedBy\":"
	    "\"123456789012\"}";
	static const char bare[] = "{\"Name\":\"r\",\"EventPattern\":"
	    "\"{\\\"source\\\":[\\\"aws.s3\\\"]}\",\"Description\":null}";
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "", "DescribeRule: the response is not a JSON object" },
		{ "[]", "DescribeRule: the response is not a JSON object" },
		{ "{}", "DescribeRule: unexpected response: no Name" },
		{ "{\"Name\":1}", "DescribeRule: unexpected response: 'Name' "
		    "is not a string" },
		{ "{\"Name\":\"r\",\"State\":true}", "DescribeRule: "
		    "unexpected response: 'State' is not a string" },
	};
	struct eb_rule r;
	struct lc_err err = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(eb_rule_parse(full, strlen(full), &r, &err), 0);
	assert_string_equal(r.name, "lambdactl-api-1");
	assert_string_equal(r.arn, RULE_ARN);
	assert_string_equal(r.schedule, "rate(5 minutes)");
	assert_string_equal(r.state, "ENABLED");
	assert_string_equal(r.description, "warmer");
	eb_rule_release(&r);
	assert_null(r.name);
	assert_int_equal(eb_rule_parse(bare, strlen(bare), &r, &err), 0);
	assert_string_equal(r.name, "r");
	assert_null(r.schedule);
	assert_null(r.state);
	assert_null(r.description);
	eb_rule_release(&r);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(eb_rule_parse(bad[i].doc, strlen(bad[i].doc),
		    &r, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(r.name);
	}
}

static void
test_targets_parse(void **state)
{
	static const char page[] = "{\"Targets\":[{\"Id\":\"lambdactl\","
	    "\"Arn\":\"" FN_ARN "\",\"Input\":\"{\\\"warmer\\\":true}\"},"
	    "{\"Id\":\"other\",\"Arn\":\"arn:aws:sqs:us-east-1:1:q\","
	    "\"InputPath\":\"$.detail\"}],\"NextToken\":\"t1\"}";
	static const char last[] = "{\"Targets\":[],\"NextToken\":\"\"}";
	static const char moto[] = "{\"Targets\":[],\"NextToken\":null}";
	struct eb_target *t = NULL;
	struct lc_err err = { 0 };
	size_t n = 0;
	char *next;

	(void)state;
	assert_int_equal(eb_targets_parse(page, strlen(page), &t, &n, &next,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].id, "lambdactl");
	assert_string_equal(t[0].arn, FN_ARN);
	assert_string_equal(t[0].input, "{\"warmer\":true}");
	assert_string_equal(t[1].id, "other");
	assert_null(t[1].input);
	assert_string_equal(next, "t1");
	free(next);
	/* Pages append. */
	assert_int_equal(eb_targets_parse(page, strlen(page), &t, &n, &next,
	    &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(t[3].id, "other");
	free(next);
	assert_int_equal(eb_targets_parse(last, strlen(last), &t, &n, &next,
	    &err), 0);
	assert_null(next);
	assert_int_equal(eb_targets_parse(moto, strlen(moto), &t, &n, &next,
	    &err), 0);
	assert_null(next);
	assert_int_equal(n, 4);
	eb_targets_free(t, n);

	t = NULL;
	n = 0;
	assert_int_equal(eb_targets_parse("{\"Targets\":{}}", 14, &t, &n,
	    &next, &err), -1);
	assert_string_equal(err.msg, "ListTargetsByRule: unexpected "
	    "response: 'Targets' is not an array");
	assert_int_equal(eb_targets_parse("{\"Targets\":[{\"Id\":\"a\"}]}",
	    24, &t, &n, &next, &err), -1);
	assert_string_equal(err.msg, "ListTargetsByRule: unexpected "
	    "response: a target without Id or Arn");
	assert_int_equal(eb_targets_parse("{\"Targets\":[7]}", 15, &t, &n,
	    &next, &err), -1);
	assert_string_equal(err.msg, "ListTargetsByRule: unexpected "
	    "response: 'Targets[]' is not an object");
	assert_int_equal(n, 0);
	eb_targets_free(t, n);
}

static void
test_describe_rule(void **state)
{
	static const char doc[] = "{\"Name\":\"r\",\"Arn\":\"" RULE_ARN "\","
	    "\"ScheduleExpression\":\"cron(0 6 * * ? *)\","
	    "\"State\":\"DISABLED\"}";
	struct testhttp h;
	struct eb_rule r;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 3, 200, doc, 400, NOT_FOUND, 400,
	    "{\"__type\":\"AccessDeniedException\",\"message\":\"no\"}");
	assert_int_equal(eb_describe_rule(&h.client, "r", &r, &err), 1);
	assert_string_equal(r.schedule, "cron(0 6 * * ? *)");
	assert_string_equal(r.state, "DISABLED");
	eb_rule_release(&r);
	assert_int_equal(eb_describe_rule(&h.client, "r", &r, &err), 0);
	assert_string_equal(err.msg, "");
	assert_string_equal(err.code, "");
	assert_null(r.name);
	assert_int_equal(eb_describe_rule(&h.client, "r", &r, &err), -1);
	assert_string_equal(err.code, "AccessDeniedException");
	assert_string_equal(err.msg, "DescribeRule: AccessDeniedException: "
	    "no");
	assert_null(r.name);
	assert_request(&h, 0, "DescribeRule", "{\"Name\":\"r\"}");
	testhttp_stop_json(&h);
}

static void
test_put_rule(void **state)
{
	static const char ok[] = "{\"RuleArn\":\"" RULE_ARN "\"}";
	struct testhttp h;
	struct lc_err err = { 0 };
	char *arn;

	(void)state;
	testhttp_start_json(&h, 4, 200, ok, 200, ok, 200, "{}", 400,
	    "{\"__type\":\"ValidationException\",\"message\":\"Parameter "
	    "ScheduleExpression is not valid.\"}");
	assert_int_equal(eb_put_rule(&h.client, "lambdactl-api-1",
	    "rate(5 minutes)", 1, "warmer of api", &arn, &err), 0);
	assert_string_equal(arn, RULE_ARN);
	free(arn);
	assert_int_equal(eb_put_rule(&h.client, "r", "cron(0 6 * * ? *)", 0,
	    NULL, NULL, &err), 0);
	assert_int_equal(eb_put_rule(&h.client, "r", "rate(1 day)", 1, NULL,
	    &arn, &err), -1);
	assert_string_equal(err.msg, "PutRule: unexpected response: no "
	    "RuleArn");
	assert_null(arn);
	assert_int_equal(eb_put_rule(&h.client, "r", "rate(x)", 1, NULL,
	    &arn, &err), -1);
	assert_string_equal(err.code, "ValidationException");
	assert_null(arn);
	assert_request(&h, 0, "PutRule", "{\"Name\":\"lambdactl-api-1\","
	    "\"ScheduleExpression\":\"rate(5 minutes)\",\"State\":\"ENABLED\","
	    "\"Description\":\"warmer of api\"}");
	assert_request(&h, 1, "PutRule", "{\"Name\":\"r\","
	    "\"ScheduleExpression\":\"cron(0 6 * * ? *)\","
	    "\"State\":\"DISABLED\"}");
	testhttp_stop_json(&h);
}

static void
test_delete_rule(void **state)
{
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 3, 200, "", 400, NOT_FOUND, 400,
	    "{\"__type\":\"ValidationException\",\"message\":\"Rule can't be "
	    "deleted since it has targets.\"}");
	assert_int_equal(eb_delete_rule(&h.client, "r", &err), 0);
	assert_int_equal(eb_delete_rule(&h.client, "r", &err), 0);
	assert_string_equal(err.code, "");
	assert_int_equal(eb_delete_rule(&h.client, "r", &err), -1);
	assert_string_equal(err.msg, "DeleteRule: ValidationException: Rule "
	    "can't be deleted since it has targets.");
	assert_request(&h, 0, "DeleteRule", "{\"Name\":\"r\"}");
	testhttp_stop_json(&h);
}

static void
test_list_targets(void **state)
{
	static const char p1[] = "{\"Targets\":[{\"Id\":\"a\",\"Arn\":"
	    "\"arn:aws:lambda:us-east-1:1:function:f\"}],\"NextToken\":"
	    "\"tok/1+\"}";
	static const char p2[] = "{\"Targets\":[{\"Id\":\"b\",\"Arn\":"
	    "\"arn:aws:lambda:us-east-1:1:function:g\"}]}";
	struct eb_target *t;
	struct testhttp h;
	struct lc_err err = { 0 };
	size_t n;

	(void)state;
	testhttp_start_json(&h, 5, 200, p1, 200, p2, 400, NOT_FOUND, 200, p1,
	    200, p1);
	assert_int_equal(eb_list_targets(&h.client, "r", &t, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].id, "a");
	assert_string_equal(t[1].id, "b");
	eb_targets_free(t, n);
	/* No such rule: no targets. */
	assert_int_equal(eb_list_targets(&h.client, "r", &t, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(t);
	/* A token that comes back is not followed forever. */
	assert_int_equal(eb_list_targets(&h.client, "r", &t, &n, &err), -1);
	assert_string_equal(err.msg, "ListTargetsByRule: the same NextToken "
	    "came back twice");
	assert_int_equal(n, 0);
	assert_null(t);
	assert_request(&h, 0, "ListTargetsByRule", "{\"Rule\":\"r\"}");
	assert_request(&h, 1, "ListTargetsByRule", "{\"Rule\":\"r\","
	    "\"NextToken\":\"tok/1+\"}");
	testhttp_stop_json(&h);
}

static void
test_put_target(void **state)
{
	static const char failed[] = "{\"FailedEntryCount\":1,"
	    "\"FailedEntries\":[{\"TargetId\":\"lambdactl\",\"ErrorCode\":"
	    "\"ConcurrentModificationException\",\"ErrorMessage\":\"try "
	    "again\"}]}";
	const struct eb_target t = { (char *)"lambdactl", (char *)FN_ARN,
	    (char *)"{\"warmer\":true}" };
	const struct eb_target bare = { (char *)"x", (char *)FN_ARN, NULL };
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 4, 200, "{\"FailedEntryCount\":0,"
	    "\"FailedEntries\":[]}", 200, failed, 200,
	    "{\"FailedEntryCount\":2}", 200, "{\"FailedEntryCount\":-1}");
	assert_int_equal(eb_put_target(&h.client, "r", &t, &err), 0);
	assert_int_equal(eb_put_target(&h.client, "r", &bare, &err), -1);
	assert_string_equal(err.msg, "PutTargets: target 'lambdactl' failed: "
	    "ConcurrentModificationException: try again");
	assert_string_equal(err.code, "ConcurrentModificationException");
	assert_int_equal(err.status, LC_EFAIL);
	assert_int_equal(eb_put_target(&h.client, "r", &bare, &err), -1);
	assert_string_equal(err.msg, "PutTargets: target '?' failed: no "
	    "ErrorCode: no ErrorMessage");
	assert_int_equal(eb_put_target(&h.client, "r", &bare, &err), -1);
	assert_string_equal(err.msg, "PutTargets: unexpected response: "
	    "'FailedEntryCount' is -1, not a whole number from 0 to "
	    "2147483647");
	assert_request(&h, 0, "PutTargets", "{\"Rule\":\"r\",\"Targets\":"
	    "[{\"Id\":\"lambdactl\",\"Arn\":\"" FN_ARN "\",\"Input\":"
	    "\"{\\\"warmer\\\":true}\"}]}");
	assert_request(&h, 1, "PutTargets", "{\"Rule\":\"r\",\"Targets\":"
	    "[{\"Id\":\"x\",\"Arn\":\"" FN_ARN "\"}]}");
	testhttp_stop_json(&h);
}

static void
test_remove_targets(void **state)
{
	char *ids[] = { (char *)"a", (char *)"b" };
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 3, 200, "{\"FailedEntryCount\":0}", 400,
	    NOT_FOUND, 200, "{\"FailedEntryCount\":1,\"FailedEntries\":"
	    "[{\"TargetId\":\"b\",\"ErrorCode\":\"InternalException\","
	    "\"ErrorMessage\":\"x\"}]}");
	assert_int_equal(eb_remove_targets(&h.client, "r", ids, 2, &err), 0);
	/* No rule: nothing to remove. */
	assert_int_equal(eb_remove_targets(&h.client, "r", ids, 2, &err), 0);
	assert_string_equal(err.code, "");
	/* Nothing to remove: no request. */
	assert_int_equal(eb_remove_targets(&h.client, "r", ids, 0, &err), 0);
	assert_int_equal(eb_remove_targets(&h.client, "r", ids, 1, &err), -1);
	assert_string_equal(err.msg, "RemoveTargets: target 'b' failed: "
	    "InternalException: x");
	assert_request(&h, 0, "RemoveTargets", "{\"Rule\":\"r\",\"Ids\":"
	    "[\"a\",\"b\"]}");
	assert_request(&h, 2, "RemoveTargets", "{\"Rule\":\"r\",\"Ids\":"
	    "[\"a\"]}");
	testhttp_stop_json(&h);
}

/* botocore's service id for EventBridge is "EventBridge". */
static void
test_endpoint(void **state)
{
	char *url;

	(void)state;
	unsetenv_prefix("AWS_");
	url = endpoint_resolve(NULL, "events", NULL, "eu-west-1");
	assert_string_equal(url, "https://events.eu-west-1.amazonaws.com");
	free(url);
	setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:4566/", 1);
	setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:1", 1);
	url = endpoint_resolve(NULL, "events", NULL, "eu-west-1");
	assert_string_equal(url, "http://127.0.0.1:4566");
	free(url);
	unsetenv_prefix("AWS_");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_parse),
		cmocka_unit_test(test_targets_parse),
		cmocka_unit_test(test_describe_rule),
		cmocka_unit_test(test_put_rule),
		cmocka_unit_test(test_delete_rule),
		cmocka_unit_test(test_list_targets),
		cmocka_unit_test(test_put_target),
		cmocka_unit_test(test_remove_targets),
		cmocka_unit_test(test_endpoint),
	};

	unsetenv_prefix("AWS_");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
