/*
 * test-lambda-settings.c - the asynchronous invocation configuration read
 * and written back whole (lambda_invoke_config_parse, _json), and the
 * requests of lambda-settings.c against a scripted local server: paths,
 * methods, bodies, and "none there" answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lambda-api.h"
#include "testhttp.h"

#define OP "GetFunctionEventInvokeConfig"
#define SQS "arn:aws:sqs:us-east-1:123456789012:failed"
#define SNS "arn:aws:sns:us-east-1:123456789012:done"
#define FULL "{\"FunctionArn\":\"arn:aws:lambda:us-east-1:123456789012:" \
    "function:jobs\",\"LastModified\":1700000000.5," \
    "\"MaximumRetryAttempts\":1,\"MaximumEventAgeInSeconds\":3600," \
    "\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" SNS "\"}," \
    "\"OnFailure\":{\"Destination\":\"" SQS "\"}}}"

static void
test_parse_full(void **state)
{
	struct lambda_invoke_config ic;
	struct lc_err err;
	char *json;

	(void)state;
	assert_int_equal(lambda_invoke_config_parse(OP, FULL, strlen(FULL),
	    &ic, &err), 0);
	assert_string_equal(ic.on_success, SNS);
	assert_string_equal(ic.on_failure, SQS);
	assert_int_equal(ic.max_retries, 1);
	assert_int_equal(ic.max_age, 3600);
	assert_false(lambda_invoke_config_empty(&ic));
	/* Written back: every member it read, none it did not. */
	json = lambda_invoke_config_json(&ic);
	assert_string_equal(json, "{\"MaximumRetryAttempts\":1,"
	    "\"MaximumEventAgeInSeconds\":3600,\"DestinationConfig\":{"
	    "\"OnSuccess\":{\"Destination\":\"" SNS "\"},\"OnFailure\":{"
	    "\"Destination\":\"" SQS "\"}}}");
	free(json);
	lambda_invoke_config_release(&ic);
	assert_null(ic.on_failure);
	assert_int_equal(ic.max_retries, -1);
}

/* Members left out, null, empty destinations, zeroes: what is not set
 * stays unset (-1, NULL), 0 is a value. */
static void
test_parse_sparse(void **state)
{
	static const struct {
		const char	*json;
		const char	*on_failure;
		long		 retries, age;
		const char	*back;	/* lambda_invoke_config_json */
	} cases[] = {
		{ "{}", NULL, -1, -1, "{}" },
		{ "{\"MaximumRetryAttempts\":0,\"DestinationConfig\":{}}", NULL,
		    0, -1, "{\"MaximumRetryAttempts\":0}" },
		{ "{\"DestinationConfig\":{\"OnSuccess\":{},\"OnFailure\":"
		    "{\"Destination\":\"" SQS "\"}}}", SQS, -1, -1,
		    "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\""
		    SQS "\"}}}" },
		{ "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":"
		    "\"\"}},\"MaximumEventAgeInSeconds\":null}", NULL, -1, -1,
		    "{}" },
		{ "{\"DestinationConfig\":null}", NULL, -1, -1, "{}" },
	};
	struct lambda_invoke_config ic;
	struct lc_err err;
	size_t i;
	char *json;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("# %s\n", cases[i].json);
		assert_int_equal(lambda_invoke_config_parse(OP, cases[i].json,
		    strlen(cases[i].json), &ic, &err), 0);
		if (cases[i].on_failure == NULL)
			assert_null(ic.on_failure);
		else
			assert_string_equal(ic.on_failure, cases[i].on_failure);
		assert_null(ic.on_success);
		assert_int_equal(ic.max_retries, cases[i].retries);
		assert_int_equal(ic.max_age, cases[i].age);
		json = lambda_invoke_config_json(&ic);
		assert_string_equal(json, cases[i].back);
		assert_int_equal(lambda_invoke_config_empty(&ic),
		    strcmp(cases[i].back, "{}") == 0);
		free(json);
		lambda_invoke_config_release(&ic);
	}
}

/* An answer of another shape is an error naming the member, never a
 * value; nothing is left allocated. */
static void
test_parse_bad(void **state)
{
	static const struct {
		const char	*json;
		const char	*msg;
	} cases[] = {
		{ "[]", OP ": the response is not a JSON object" },
		{ "{", OP ": the response is not a JSON object" },
		{ "{\"MaximumRetryAttempts\":\"2\"}", OP ": unexpected "
		    "response: 'MaximumRetryAttempts' is not a number" },
		{ "{\"MaximumRetryAttempts\":1.5}", OP ": unexpected "
		    "response: 'MaximumRetryAttempts' is 1.5, not a whole "
		    "number from 0 to 2147483647" },
		{ "{\"MaximumEventAgeInSeconds\":-60}", OP ": unexpected "
		    "response: 'MaximumEventAgeInSeconds' is -60, not a whole "
		    "number from 0 to 2147483647" },
		{ "{\"DestinationConfig\":[]}", OP ": unexpected response: "
		    "'DestinationConfig' is not an object" },
		{ "{\"DestinationConfig\":{\"OnFailure\":\"" SQS "\"}}", OP
		    ": unexpected response: 'OnFailure' is not an object" },
		{ "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":"
		    "\"" SNS "\"},\"OnFailure\":{\"Destination\":7}}}", OP
		    ": unexpected response: "
		    "'DestinationConfig.OnFailure.Destination' is not a "
		    "string" },
	};
	struct lambda_invoke_config ic;
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("# %s\n", cases[i].json);
		lc_error_clear(&err);
		assert_int_equal(lambda_invoke_config_parse(OP, cases[i].json,
		    strlen(cases[i].json), &ic, &err), -1);
		assert_string_equal(err.msg, cases[i].msg);
		assert_null(ic.on_failure);
		assert_null(ic.on_success);
	}
}

#define NOT_FOUND "{\"__type\":\"ResourceNotFoundException\",\"message\":" \
    "\"The function doesn't have an EventInvokeConfig\"}"

/* The body of request i of h (after the head). */
static const char *
body_of(const struct testhttp *h, size_t i)
{
	const char *b = strstr(h->raw[i], "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

static void
test_requests(void **state)
{
	struct lambda_invoke_config ic;
	struct testhttp h;
	struct lc_err err;
	char *answers[8];
	size_t i;

	(void)state;
	answers[0] = testhttp_answer(200, "", FULL);
	answers[1] = testhttp_answer(404, "", NOT_FOUND);
	answers[2] = testhttp_answer(200, "", FULL);
	answers[3] = testhttp_answer(204, "", "");
	answers[4] = testhttp_answer(404, "", NOT_FOUND);
	answers[5] = testhttp_answer(200, "",
	    "{\"ReservedConcurrentExecutions\":10}");
	answers[6] = testhttp_answer(204, "", "");
	answers[7] = testhttp_answer(403, "", "{\"__type\":"
	    "\"AccessDeniedException\",\"message\":\"no\"}");
	testhttp_start(&h, (const char *const *)answers, 8);
	lc_error_clear(&err);
	assert_int_equal(lambda_get_invoke_config(&h.client, "jobs", &ic,
	    &err), 1);
	assert_string_equal(ic.on_failure, SQS);
	lambda_invoke_config_release(&ic);
	/* None there: 0, and an empty configuration. */
	assert_int_equal(lambda_get_invoke_config(&h.client, "jobs", &ic,
	    &err), 0);
	assert_true(lambda_invoke_config_empty(&ic));
	assert_string_equal(err.msg, "");
	ic.on_failure = (char *)SQS;
	ic.max_retries = 0;
	assert_int_equal(lambda_put_invoke_config(&h.client, "jobs", &ic,
	    &err), 0);
	assert_int_equal(lambda_delete_invoke_config(&h.client, "jobs", &err),
	    0);
	/* Gone already: no error. */
	assert_int_equal(lambda_delete_invoke_config(&h.client, "jobs", &err),
	    0);
	assert_int_equal(lambda_put_concurrency(&h.client, "jobs", 10, &err),
	    0);
	assert_int_equal(lambda_delete_concurrency(&h.client, "jobs", &err),
	    0);
	assert_int_equal(lambda_delete_concurrency(&h.client, "jobs", &err),
	    -1);
	assert_string_equal(err.msg, "DeleteFunctionConcurrency: "
	    "AccessDeniedException: no");
	assert_string_equal(h.reqs[0],
	    "GET /2019-09-25/functions/jobs/event-invoke-config");
	assert_string_equal(h.reqs[2],
	    "PUT /2019-09-25/functions/jobs/event-invoke-config");
	assert_string_equal(body_of(&h, 2), "{\"MaximumRetryAttempts\":0,"
	    "\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" SQS
	    "\"}}}");
	assert_string_equal(h.reqs[3],
	    "DELETE /2019-09-25/functions/jobs/event-invoke-config");
	assert_string_equal(h.reqs[5],
	    "PUT /2017-10-31/functions/jobs/concurrency");
	assert_string_equal(body_of(&h, 5),
	    "{\"ReservedConcurrentExecutions\":10}");
	assert_string_equal(h.reqs[6],
	    "DELETE /2017-10-31/functions/jobs/concurrency");
	assert_int_equal(testhttp_stop(&h), 8);
	for (i = 0; i < 8; i++)
		free(answers[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_sparse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
