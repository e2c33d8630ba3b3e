/*
 * test-lambda-versions.c - versions and aliases (lambda-versions.c): the
 * parsers on good pages, paging markers and bad shapes (a version that is
 * not a published number, routing of more than one version or a weight
 * outside (0, 1)); the request bodies; and each call's method, path and
 * query (botocore's Lambda model: ListVersionsByFunction, ListAliases,
 * GetAlias, CreateAlias, UpdateAlias, DeleteFunction with Qualifier,
 * GetFunctionConfiguration) against the scripted loopback server
 * (testhttp.h), the version wait's states and back-off included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "lambda-api.h"
#include "lambda-versions.h"
#include "testhttp.h"
#include "testutil.h"

#define NOT_FOUND	"{\"__type\":\"ResourceNotFoundException\"," \
			"\"message\":\"Alias not found\"}"
#define PATH		"/2015-03-31/functions/api"

/* A FunctionConfiguration as ListVersionsByFunction lists it. */
#define VERSION(v, desc) "{\"FunctionName\":\"api\",\"Version\":\"" v "\"," \
	"\"CodeSha256\":\"sha-" v "\",\"CodeSize\":1234," desc \
	"\"LastModified\":\"2024-05-0" v "T10:00:00.000+0000\"," \
	"\"State\":\"Active\",\"Environment\":{\"Variables\":" \
	"{\"TOKEN\":\"s3cret\"}}}"
#define ALIAS(name, v, routing) "{\"AliasArn\":\"arn:aws:lambda:us-east-1:" \
	"123456789012:function:api:" name "\",\"Name\":\"" name "\"," \
	"\"FunctionVersion\":\"" v "\",\"Description\":\"\",\"RevisionId\":" \
	"\"rev-" name "\"" routing "}"

static int
versions_parse_str(const char *json, struct lambda_version **out, size_t *n,
    char **next, struct lc_err *err)
{
	*out = NULL;
	*n = 0;
	return lambda_versions_parse(json, strlen(json), out, n, next, err);
}

static void
test_version_number(void **state)
{
	static const char *const bad[] = { NULL, "", "0", "01", "-1", "+1",
	    "1a", "$LATEST", "live", " 1", "1 ", "1234567890123456789" };
	size_t i;
	long v;

	(void)state;
	assert_int_equal(lambda_version_number("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(lambda_version_number("123456789012345678", &v), 0);
	assert_int_equal(v, 123456789012345678L);
	assert_int_equal(lambda_version_number("10", NULL), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(lambda_version_number(bad[i], &v), -1);
}

static void
test_versions_parse(void **state)
{
	struct lambda_version *v;
	struct lc_err err = { 0 };
	char *next;
	size_t n;

	(void)state;
	/* $LATEST left out; the order of the page kept (sorting is the
	 * listing's); a missing Description is "". */
	assert_int_equal(versions_parse_str("{\"Versions\":["
	    VERSION("$LATEST", "") "," VERSION("3", "\"Description\":\"v3\",")
	    "," VERSION("1", "") "],\"NextMarker\":\"m/1\"}", &v, &n, &next,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].version, "3");
	assert_int_equal(v[0].number, 3);
	assert_string_equal(v[0].code_sha256, "sha-3");
	assert_int_equal(v[0].code_size, 1234);
	assert_string_equal(v[0].description, "v3");
	assert_string_equal(v[0].last_modified, "2024-05-03T10:00:00.000+0000");
	assert_string_equal(v[0].state, "Active");
	assert_null(v[0].state_reason);
	assert_string_equal(v[1].version, "1");
	assert_string_equal(v[1].description, "");
	assert_string_equal(next, "m/1");
	free(next);
	/* A second page appends. */
	assert_int_equal(lambda_versions_parse("{\"Versions\":[" VERSION("2",
	    "") "],\"NextMarker\":\"\"}", strlen("{\"Versions\":["
	    VERSION("2", "") "],\"NextMarker\":\"\"}"), &v, &n, &next,
	    &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].version, "2");
	assert_null(next);
	lambda_versions_release(v, n);
	/* Only $LATEST, no Versions at all, null members. */
	assert_int_equal(versions_parse_str("{\"Versions\":[" VERSION("$LATEST",
	    "") "]}", &v, &n, &next, &err), 0);
	assert_int_equal(n, 0);
	lambda_versions_release(v, n);
	assert_int_equal(versions_parse_str("{\"Versions\":null,"
	    "\"NextMarker\":null}", &v, &n, &next, &err), 0);
	assert_int_equal(n, 0);
	assert_null(next);
	assert_int_equal(versions_parse_str("{}", &v, &n, &next, &err), 0);
	assert_int_equal(n, 0);
}

static void
assert_versions_bad(const char *json, const char *msg)
{
	struct lambda_version *v;
	struct lc_err err = { 0 };
	char *next = NULL;
	size_t n;

	assert_int_equal(versions_parse_str(json, &v, &n, &next, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, LC_EFAIL);
	assert_null(next);
	/* What was read before stays the caller's to release. */
	lambda_versions_release(v, n);
}

static void
test_versions_bad(void **state)
{
	(void)state;
	assert_versions_bad("[]", "ListVersionsByFunction: the response is "
	    "not a JSON object");
	assert_versions_bad("{\"Versions\":", "ListVersionsByFunction: the "
	    "response is not a JSON object");
	assert_versions_bad("{\"Versions\":{}}", "ListVersionsByFunction: "
	    "unexpected response: 'Versions' is not an array");
	assert_versions_bad("{\"Versions\":[7]}", "ListVersionsByFunction: "
	    "unexpected response: a version is not a JSON object");
	assert_versions_bad("{\"Versions\":[" VERSION("1", "") ",{}]}",
	    "ListVersionsByFunction: unexpected response: a version without "
	    "'Version'");
	assert_versions_bad("{\"Versions\":[{\"Version\":3}]}",
	    "ListVersionsByFunction: unexpected response: 'Version' is not a "
	    "string");
	assert_versions_bad("{\"Versions\":[{\"Version\":\"live\"}]}",
	    "ListVersionsByFunction: unexpected response: 'Version' is not a "
	    "version number");
	assert_versions_bad("{\"Versions\":[{\"Version\":"
	    "\"99999999999999999999\"}]}", "ListVersionsByFunction: "
	    "unexpected response: 'Version' is not a version number");
	assert_versions_bad("{\"Versions\":[{\"Version\":\"1\",\"CodeSize\":"
	    "-1}]}", "ListVersionsByFunction: unexpected response: "
	    "'CodeSize' is -1, not a whole number from 0 to "
	    "9007199254740992");
	assert_versions_bad("{\"Versions\":[{\"Version\":\"1\",\"State\":"
	    "[]}]}", "ListVersionsByFunction: unexpected response: 'State' "
	    "is not a string");
	assert_versions_bad("{\"Versions\":[],\"NextMarker\":1}",
	    "ListVersionsByFunction: unexpected response: 'NextMarker' is not "
	    "a string");
}

static int
aliases_parse_str(const char *json, struct lambda_alias **out, size_t *n,
    char **next, struct lc_err *err)
{
	*out = NULL;
	*n = 0;
	return lambda_aliases_parse(json, strlen(json), out, n, next, err);
}

static void
test_aliases_parse(void **state)
{
	struct lambda_alias *a;
	struct lc_err err = { 0 };
	char *next;
	size_t n;

	(void)state;
	assert_int_equal(aliases_parse_str("{\"Aliases\":["
	    ALIAS("live", "3", ",\"RoutingConfig\":{\"AdditionalVersionWeights"
	    "\":{\"4\":0.1}}") ","
	    ALIAS("beta", "4", ",\"RoutingConfig\":{\"AdditionalVersionWeights"
	    "\":{}}") ","
	    ALIAS("dev", "$LATEST", ",\"RoutingConfig\":null") ","
	    ALIAS("old", "1", ",\"RoutingConfig\":{}")
	    "],\"NextMarker\":\"a2\"}", &a, &n, &next, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(a[0].name, "live");
	assert_string_equal(a[0].version, "3");
	assert_string_equal(a[0].extra_version, "4");
	assert_true(a[0].extra_weight > 0.0999 && a[0].extra_weight < 0.1001);
	assert_string_equal(a[0].revision_id, "rev-live");
	assert_string_equal(a[0].description, "");
	/* An empty map, null, no member: no routing. */
	assert_null(a[1].extra_version);
	assert_string_equal(a[2].version, "$LATEST");
	assert_null(a[2].extra_version);
	assert_null(a[3].extra_version);
	assert_string_equal(next, "a2");
	free(next);
	lambda_aliases_release(a, n);
}

static void
assert_aliases_bad(const char *json, const char *msg)
{
	struct lambda_alias *a;
	struct lc_err err = { 0 };
	char *next = NULL;
	size_t n;

	assert_int_equal(aliases_parse_str(json, &a, &n, &next, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_null(next);
	lambda_aliases_release(a, n);
}

#define ROUTED(w) "{\"Aliases\":[" ALIAS("live", "3", ",\"RoutingConfig\":" \
	"{\"AdditionalVersionWeights\":" w "}") "]}"
#define WEIGHTS	"ListAliases: unexpected response: " \
		"RoutingConfig.AdditionalVersionWeights "

static void
test_aliases_bad(void **state)
{
	(void)state;
	assert_aliases_bad(ROUTED("{\"4\":0.1,\"5\":0.2}"), WEIGHTS
	    "holds more than one version");
	assert_aliases_bad(ROUTED("{\"4\":0}"), WEIGHTS "holds a weight that "
	    "is not a number between 0 and 1");
	assert_aliases_bad(ROUTED("{\"4\":1}"), WEIGHTS "holds a weight that "
	    "is not a number between 0 and 1");
	assert_aliases_bad(ROUTED("{\"4\":-0.5}"), WEIGHTS "holds a weight "
	    "that is not a number between 0 and 1");
	assert_aliases_bad(ROUTED("{\"4\":\"0.1\"}"), WEIGHTS "holds a weight "
	    "that is not a number between 0 and 1");
	assert_aliases_bad(ROUTED("{\"4\":1e999}"), WEIGHTS "holds a weight "
	    "that is not a number between 0 and 1");
	assert_aliases_bad(ROUTED("{\"$LATEST\":0.1}"), WEIGHTS "names "
	    "something other than a published version");
	assert_aliases_bad(ROUTED("{\"\":0.1}"), WEIGHTS "names something "
	    "other than a published version");
	assert_aliases_bad(ROUTED("{\"3\":0.1}"), WEIGHTS "names the alias's "
	    "own version");
	assert_aliases_bad(ROUTED("[]"), "ListAliases: unexpected response: "
	    "'AdditionalVersionWeights' is not an object");
	assert_aliases_bad("{\"Aliases\":[{\"Name\":\"x\","
	    "\"FunctionVersion\":\"1\",\"RoutingConfig\":7}]}",
	    "ListAliases: unexpected response: 'RoutingConfig' is not an "
	    "object");
	assert_aliases_bad("{\"Aliases\":[{\"Name\":\"live\"}]}",
	    "ListAliases: unexpected response: an alias without "
	    "'FunctionVersion'");
	assert_aliases_bad("{\"Aliases\":[{\"FunctionVersion\":\"1\"}]}",
	    "ListAliases: unexpected response: an alias without 'Name'");
	assert_aliases_bad("{\"Aliases\":[\"live\"]}", "ListAliases: "
	    "unexpected response: an alias is not a JSON object");
	assert_aliases_bad("{\"Aliases\":7}", "ListAliases: unexpected "
	    "response: 'Aliases' is not an array");
	assert_aliases_bad("nope", "ListAliases: the response is not a JSON "
	    "object");
}

static void
test_alias_parse(void **state)
{
	static const char one[] = ALIAS("live", "2", ",\"Description\":null");
	struct lambda_alias a;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lambda_alias_parse("GetAlias", one, strlen(one), &a,
	    &err), 0);
	assert_string_equal(a.name, "live");
	assert_string_equal(a.version, "2");
	assert_null(a.extra_version);
	lambda_alias_release(&a);
	assert_int_equal(lambda_alias_parse("UpdateAlias", "{}", 2, &a, &err),
	    -1);
	assert_string_equal(err.msg, "UpdateAlias: unexpected response: an "
	    "alias without 'Name'");
	assert_null(a.name);
}

static void
assert_json(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void
test_put_alias_json(void **state)
{
	(void)state;
	assert_json(lambda_put_alias_json("live", "3", NULL, 0, NULL),
	    "{\"Name\":\"live\",\"FunctionVersion\":\"3\"}");
	assert_json(lambda_put_alias_json("live", "3", "4", 0.1, "ignored"),
	    "{\"Name\":\"live\",\"FunctionVersion\":\"3\",\"RoutingConfig\":"
	    "{\"AdditionalVersionWeights\":{\"4\":0.1}}}");
	/* An update without routing removes a canary. */
	assert_json(lambda_put_alias_json(NULL, "3", NULL, 0, "r-1"),
	    "{\"FunctionVersion\":\"3\",\"RoutingConfig\":"
	    "{\"AdditionalVersionWeights\":{}},\"RevisionId\":\"r-1\"}");
	assert_json(lambda_put_alias_json(NULL, "3", "4", 0.25, NULL),
	    "{\"FunctionVersion\":\"3\",\"RoutingConfig\":"
	    "{\"AdditionalVersionWeights\":{\"4\":0.25}}}");
}

static void
test_list_versions(void **state)
{
	static const char p1[] = "{\"Versions\":[" VERSION("$LATEST", "") ","
	    VERSION("3", "") "," VERSION("1", "") "],\"NextMarker\":\"m/1\"}";
	static const char p2[] = "{\"Versions\":[" VERSION("2", "") "]}";
	static const char bad[] = "{\"Versions\":[{\"Version\":\"x\"}]}";
	struct lambda_version *v;
	struct testhttp h;
	struct lc_err err = { 0 };
	size_t n;

	(void)state;
	testhttp_start_json(&h, 6, 200, p1, 200, p2, 200, p1, 200, p1, 404,
	    "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Function "
	    "not found\"}", 200, bad);
	assert_int_equal(lambda_list_versions(&h.client, "api", &v, &n, &err),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].version, "1");
	assert_string_equal(v[1].version, "2");
	assert_string_equal(v[2].version, "3");
	lambda_versions_release(v, n);
	assert_int_equal(lambda_list_versions(&h.client, "api", &v, &n, &err),
	    -1);
	assert_string_equal(err.msg, "ListVersionsByFunction: the same "
	    "NextMarker came back twice");
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(lambda_list_versions(&h.client, "ghost", &v, &n,
	    &err), -1);
	assert_string_equal(err.code, "ResourceNotFoundException");
	assert_int_equal(lambda_list_versions(&h.client, "api", &v, &n, &err),
	    -1);
	assert_string_equal(err.msg, "ListVersionsByFunction: unexpected "
	    "response: 'Version' is not a version number");
	assert_string_equal(h.reqs[0], "GET " PATH "/versions?MaxItems=50");
	assert_string_equal(h.reqs[1], "GET " PATH "/versions?Marker=m%2F1&"
	    "MaxItems=50");
	assert_string_equal(h.reqs[4], "GET /2015-03-31/functions/ghost/"
	    "versions?MaxItems=50");
	testhttp_stop_json(&h);
}

static void
test_list_aliases(void **state)
{
	static const char p1[] = "{\"Aliases\":[" ALIAS("live", "3", "") ","
	    ALIAS("beta", "2", "") "],\"NextMarker\":\"a b\"}";
	static const char p2[] = "{\"Aliases\":[" ALIAS("canary", "1", "")
	    "],\"NextMarker\":\"\"}";
	struct lambda_alias *a;
	struct testhttp h;
	struct lc_err err = { 0 };
	size_t n;

	(void)state;
	testhttp_start_json(&h, 3, 200, p1, 200, p2, 200, ROUTED("{\"4\":2}"));
	assert_int_equal(lambda_list_aliases(&h.client, "my fn", &a, &n, &err),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].name, "beta");
	assert_string_equal(a[1].name, "canary");
	assert_string_equal(a[2].name, "live");
	lambda_aliases_release(a, n);
	assert_int_equal(lambda_list_aliases(&h.client, "api", &a, &n, &err),
	    -1);
	assert_string_equal(err.msg, WEIGHTS "holds a weight that is not a "
	    "number between 0 and 1");
	assert_null(a);
	assert_string_equal(h.reqs[0], "GET /2015-03-31/functions/my%20fn/"
	    "aliases?MaxItems=50");
	assert_string_equal(h.reqs[1], "GET /2015-03-31/functions/my%20fn/"
	    "aliases?Marker=a%20b&MaxItems=50");
	testhttp_stop_json(&h);
}

static void
test_get_alias(void **state)
{
	struct lambda_alias a;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 3, 200, ALIAS("live", "3", ""), 404,
	    NOT_FOUND, 403, "{\"__type\":\"AccessDeniedException\","
	    "\"message\":\"no\"}");
	assert_int_equal(lambda_get_alias(&h.client, "api", "live", &a, &err),
	    1);
	assert_string_equal(a.version, "3");
	assert_string_equal(a.revision_id, "rev-live");
	lambda_alias_release(&a);
	assert_int_equal(lambda_get_alias(&h.client, "api", "gone", &a, &err),
	    0);
	assert_string_equal(err.msg, "");
	assert_int_equal(lambda_get_alias(&h.client, "api", "live", &a, &err),
	    -1);
	assert_string_equal(err.code, "AccessDeniedException");
	assert_string_equal(h.reqs[0], "GET " PATH "/aliases/live");
	assert_string_equal(h.reqs[1], "GET " PATH "/aliases/gone");
	testhttp_stop_json(&h);
}

static void
test_put_alias(void **state)
{
	struct testhttp h;
	struct lc_err err = { 0 };
	int created;

	(void)state;
	testhttp_start_json(&h, 9,
	    404, NOT_FOUND, 201, ALIAS("live", "3", ""),	/* create */
	    200, ALIAS("live", "3", ""), 200, ALIAS("live", "4", ""),
	    200, ALIAS("live", "3", ""),			/* revision */
	    412, "{\"__type\":\"PreconditionFailedException\",\"message\":"
	    "\"The Revision Id provided does not match the latest Revision "
	    "Id.\"}",
	    404, NOT_FOUND, 409, "{\"__type\":\"ResourceConflictException\","
	    "\"message\":\"Alias already exists\"}", 200,
	    ALIAS("live", "5", ""));
	assert_int_equal(lambda_put_alias(&h.client, "api", "live", "3", NULL,
	    0, NULL, &created, &err), 0);
	assert_int_equal(created, 1);
	assert_int_equal(lambda_put_alias(&h.client, "api", "live", "3", "4",
	    0.1, NULL, &created, &err), 0);
	assert_int_equal(created, 0);
	assert_int_equal(lambda_put_alias(&h.client, "api", "live", "2", NULL,
	    0, "rev-live", NULL, &err), 0);
	assert_int_equal(lambda_put_alias(&h.client, "api", "live", "2", NULL,
	    0, "rev-old", &created, &err), -1);
	assert_string_equal(err.code, "PreconditionFailedException");
	/* Made by someone else between GetAlias and CreateAlias: moved. */
	assert_int_equal(lambda_put_alias(&h.client, "api", "live", "5", NULL,
	    0, NULL, &created, &err), 0);
	assert_int_equal(created, 0);
	/* A weight out of range: nothing sent. */
	assert_int_equal(lambda_put_alias(&h.client, "api", "live", "5", "6",
	    1.0, NULL, &created, &err), -1);
	assert_string_equal(err.msg, "UpdateAlias: the weight of version 6 "
	    "must be between 0 and 1");
	assert_string_equal(h.reqs[0], "GET " PATH "/aliases/live");
	assert_string_equal(h.reqs[1], "POST " PATH "/aliases");
	assert_string_equal(testhttp_body(&h, 1), "{\"Name\":\"live\","
	    "\"FunctionVersion\":\"3\"}");
	assert_string_equal(h.reqs[3], "PUT " PATH "/aliases/live");
	assert_string_equal(testhttp_body(&h, 3), "{\"FunctionVersion\":"
	    "\"3\",\"RoutingConfig\":{\"AdditionalVersionWeights\":"
	    "{\"4\":0.1}}}");
	assert_string_equal(h.reqs[4], "PUT " PATH "/aliases/live");
	assert_string_equal(testhttp_body(&h, 4), "{\"FunctionVersion\":"
	    "\"2\",\"RoutingConfig\":{\"AdditionalVersionWeights\":{}},"
	    "\"RevisionId\":\"rev-live\"}");
	assert_string_equal(h.reqs[7], "POST " PATH "/aliases");
	assert_string_equal(h.reqs[8], "PUT " PATH "/aliases/live");
	testhttp_stop_json(&h);
}

static void
test_delete_version(void **state)
{
	static const char *const refused[] = { "$LATEST", "", "live", "0",
	    NULL };
	struct testhttp h;
	struct lc_err err = { 0 };
	size_t i;

	(void)state;
	testhttp_start_json(&h, 2, 204, "", 409,
	    "{\"__type\":\"ResourceConflictException\",\"message\":"
	    "\"in use\"}");
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_int_equal(lambda_delete_version(&h.client, "api",
		    refused[i], &err), -1);
		assert_non_null(strstr(err.msg, "is not a published version: "
		    "refusing to delete it"));
	}
	assert_int_equal(lambda_delete_version(&h.client, "api", "3", &err),
	    0);
	assert_int_equal(lambda_delete_version(&h.client, "api", "2", &err),
	    -1);
	assert_string_equal(err.code, "ResourceConflictException");
	assert_string_equal(h.reqs[0], "DELETE " PATH "?Qualifier=3");
	assert_string_equal(h.reqs[1], "DELETE " PATH "?Qualifier=2");
	testhttp_stop_json(&h);
}

/* The version wait's pauses, instead of sleeping. */
static long slept[16];
static size_t nslept;

static void
fake_sleep(long ms)
{
	if (nslept < 16)
		slept[nslept] = ms;
	nslept++;
}

static char changes[256];

static void
on_change(void *arg, const char *state, const char *update)
{
	(void)update;
	snprintf(changes + strlen(changes), sizeof changes - strlen(changes),
	    "%s%s", (const char *)arg, state != NULL ? state : "-");
}

#define CONF(state, reason) "{\"FunctionName\":\"api\",\"Version\":\"4\"," \
	"\"State\":\"" state "\"" reason "}"

static void
test_wait_version(void **state)
{
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 8, 200, CONF("Pending", ""), 200,
	    CONF("Pending", ""), 200, CONF("Pending", ""), 200,
	    CONF("Active", ""), 200, CONF("Pending", ""), 200,
	    CONF("Failed", ",\"StateReason\":\"snapshot failed\""), 200,
	    CONF("Pending", ""), 200, "{\"FunctionName\":\"api\"}");
	h.client.sleep_ms = fake_sleep;
	nslept = 0;
	changes[0] = '\0';
	assert_int_equal(lambda_wait_version(&h.client, "api", "4", 600, NULL,
	    on_change, (void *)" ", &err), 0);
	/* 250 ms before the first poll (PublishVersion has just said
	 * Pending), then half again each time. */
	assert_int_equal(nslept, 4);
	assert_int_equal(slept[0], 250);
	assert_int_equal(slept[1], 375);
	assert_int_equal(slept[2], 562);
	assert_int_equal(slept[3], 843);
	assert_string_equal(changes, " Pending Active");
	assert_int_equal(lambda_wait_version(&h.client, "api", "4", 600, NULL,
	    NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "version 4 failed: snapshot failed");
	assert_int_equal(lambda_wait_version(&h.client, "api", "4", 0, NULL,
	    NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "timed out after 0 s waiting for version "
	    "4 to become Active (State Pending)");
	/* No State at all (an emulator): settled. */
	assert_int_equal(lambda_wait_version(&h.client, "api", "4", 0, NULL,
	    NULL, NULL, &err), 0);
	assert_string_equal(h.reqs[0], "GET " PATH "/configuration?"
	    "Qualifier=4");
	testhttp_stop_json(&h);
}

/* GetFunctionConfiguration of one version: its configuration; a missing
 * version is ResourceNotFoundException; AccessDenied while waiting says
 * which permission the wait needs. */
static void
test_get_version(void **state)
{
	struct lambda_config cfg;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 3, 200, "{\"FunctionName\":\"api\","
	    "\"Version\":\"4\",\"MemorySize\":256,\"CodeSha256\":\"c4\"}",
	    404, NOT_FOUND, 403, "{\"__type\":\"AccessDeniedException\","
	    "\"message\":\"no\"}");
	assert_int_equal(lambda_get_version(&h.client, "api", "4", &cfg, &err),
	    0);
	assert_string_equal(cfg.version, "4");
	assert_int_equal(cfg.memory, 256);
	assert_string_equal(cfg.code_sha256, "c4");
	lambda_config_release(&cfg);
	assert_int_equal(lambda_get_version(&h.client, "api", "9", &cfg, &err),
	    -1);
	assert_string_equal(err.code, "ResourceNotFoundException");
	assert_null(cfg.name);
	assert_int_equal(lambda_wait_version(&h.client, "api", "4", 60, NULL,
	    NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "no (lambdactl waits by polling "
	    "GetFunctionConfiguration: the credentials need "
	    "lambda:GetFunctionConfiguration)"));
	assert_string_equal(h.reqs[0], "GET " PATH "/configuration?"
	    "Qualifier=4");
	assert_string_equal(h.reqs[1], "GET " PATH "/configuration?"
	    "Qualifier=9");
	testhttp_stop_json(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_number),
		cmocka_unit_test(test_versions_parse),
		cmocka_unit_test(test_versions_bad),
		cmocka_unit_test(test_aliases_parse),
		cmocka_unit_test(test_aliases_bad),
		cmocka_unit_test(test_alias_parse),
		cmocka_unit_test(test_put_alias_json),
		cmocka_unit_test(test_list_versions),
		cmocka_unit_test(test_list_aliases),
		cmocka_unit_test(test_get_alias),
		cmocka_unit_test(test_put_alias),
		cmocka_unit_test(test_delete_version),
		cmocka_unit_test(test_wait_version),
		cmocka_unit_test(test_get_version),
	};

	unsetenv_prefix("AWS_");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
