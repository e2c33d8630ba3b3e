/*
 * test-alias-move.c - what rollback and promote decide (alias-move.c):
 * the target of a rollback (the previous version, a canary's primary,
 * --to) and its refusals, promote's, the alias name's default, what is
 * printed; and alias_move against the scripted server (testhttp.h):
 * UpdateAlias with the RevisionId read, nothing written on a dry run.
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

#include "alias-move.h"
#include "json.h"
#include "testhttp.h"
#include "testutil.h"

#define PATH	"/2015-03-31/functions/api"

/* Published versions 1, 2, 3 and 5 (4 was deleted). */
static struct lambda_version vs[] = {
	{ .version = (char *)"1", .number = 1 },
	{ .version = (char *)"2", .number = 2 },
	{ .version = (char *)"3", .number = 3 },
	{ .version = (char *)"5", .number = 5 },
};
#define NVS	(sizeof vs / sizeof vs[0])

static struct lambda_alias
alias(const char *version, const char *extra, double w)
{
	struct lambda_alias a;

	memset(&a, 0, sizeof a);
	a.name = (char *)"live";
	a.version = (char *)version;
	a.extra_version = (char *)extra;
	a.extra_weight = w;
	return a;
}

static void
assert_target(struct lambda_alias a, const char *to, const char *want)
{
	struct lc_err err = { 0 };
	const char *t;

	assert_int_equal(alias_rollback_target(&a, vs, NVS, to, &t, &err), 0);
	assert_string_equal(t, want);
}

static void
assert_refused(struct lambda_alias a, size_t n, const char *to,
    const char *msg)
{
	struct lc_err err = { 0 };
	const char *t;

	assert_int_equal(alias_rollback_target(&a, vs, n, to, &t, &err), -1);
	assert_null(t);
	assert_int_equal(err.status, LC_EFAIL);
	assert_string_equal(err.msg, msg);
}

static void
test_rollback_target(void **state)
{
	(void)state;
	assert_target(alias("3", NULL, 0), NULL, "2");
	/* The gap: from 5 to 3. */
	assert_target(alias("5", NULL, 0), NULL, "3");
	assert_target(alias("2", NULL, 0), NULL, "1");
	/* A canary: its primary, the routing gone. */
	assert_target(alias("3", "5", 0.1), NULL, "3");
	assert_target(alias("3", "5", 0.1), "3", "3");
	assert_target(alias("3", NULL, 0), "1", "1");
	/* Forward too. */
	assert_target(alias("1", NULL, 0), "5", "5");
	assert_target(alias("$LATEST", NULL, 0), "2", "2");
	assert_refused(alias("1", NULL, 0), NVS, NULL, "live is at 1, the "
	    "oldest published version: nothing to roll back to");
	assert_refused(alias("3", NULL, 0), NVS, "4", "no published version 4 "
	    "(the newest is 5)");
	assert_refused(alias("3", NULL, 0), 0, "2", "no published version 2 "
	    "(there are none)");
	assert_refused(alias("3", NULL, 0), NVS, "3", "live is at 3 already");
	assert_refused(alias("$LATEST", NULL, 0), NVS, NULL, "live points at "
	    "$LATEST, not a published version: give --to VERSION");
}

static void
test_promote_target(void **state)
{
	struct lambda_alias a = alias("3", "5", 0.25);
	struct lc_err err = { 0 };
	const char *t;

	(void)state;
	assert_int_equal(alias_promote_target(&a, &t, &err), 0);
	assert_string_equal(t, "5");
	a = alias("3", NULL, 0);
	assert_int_equal(alias_promote_target(&a, &t, &err), -1);
	assert_string_equal(err.msg, "live has no canary: nothing to promote");
}

static void
test_text(void **state)
{
	struct alias_move mv;
	cJSON *o;
	char pct[32], *s;

	(void)state;
	alias_percent(0.1, pct, sizeof pct);
	assert_string_equal(pct, "10");
	alias_percent(1 - 0.1, pct, sizeof pct);
	assert_string_equal(pct, "90");
	alias_percent(0.125, pct, sizeof pct);
	assert_string_equal(pct, "12.5");
	memset(&mv, 0, sizeof mv);
	mv.function = "api";
	mv.from = alias("3", NULL, 0);
	mv.to = (char *)"2";
	s = alias_move_render(&mv);
	assert_string_equal(s, "live: 3 -> 2\n");
	free(s);
	mv.from = alias("3", "4", 0.1);
	mv.to = (char *)"3";
	mv.dry_run = 1;
	s = alias_move_render(&mv);
	assert_string_equal(s, "live: 3 (+4 at 10%) -> 3 (dry run: not "
	    "moved)\n");
	free(s);
	o = alias_move_json(&mv);
	s = json_dump(o, 1);
	assert_string_equal(s, "{\n  \"function\": \"api\",\n  \"alias\": "
	    "\"live\",\n  \"from\": \"3\",\n  \"to\": \"3\",\n  "
	    "\"dry_run\": true,\n  \"canary\": {\n    \"version\": \"4\","
	    "\n    \"weight\": 0.1\n  }\n}");
	free(s);
	s = json_dump(o, 0);
	assert_string_equal(s, "{\"function\":\"api\",\"alias\":\"live\","
	    "\"from\":\"3\",\"to\":\"3\",\"dry_run\":true,\"canary\":"
	    "{\"version\":\"4\",\"weight\":0.1}}");
	free(s);
	cJSON_Delete(o);
}

static void
test_name(void **state)
{
	struct manifest_fn fns[2];
	struct manifest m;
	struct lc_err err = { 0 };

	(void)state;
	memset(&m, 0, sizeof m);
	memset(fns, 0, sizeof fns);
	fns[0].name = (char *)"api";
	fns[0].alias = (char *)"prod";
	fns[1].name = (char *)"jobs";
	m.fns = fns;
	m.nfns = 2;
	assert_string_equal(alias_move_name("live", &m, "api", ALIAS_ROLLBACK,
	    &err), "live");
	assert_string_equal(alias_move_name(NULL, &m, "api", ALIAS_ROLLBACK,
	    &err), "prod");
	assert_string_equal(err.msg, "");
	assert_null(alias_move_name(NULL, &m, "jobs", ALIAS_ROLLBACK, &err));
	assert_int_equal(err.status, LC_EUSAGE);
	assert_string_equal(err.msg, "rollback: no alias to move: give --alias "
	    "NAME (or set alias: for jobs in lambda.yml)");
	assert_null(alias_move_name(NULL, &m, "other", ALIAS_PROMOTE, &err));
	assert_string_equal(err.msg, "promote: no alias to move: give --alias "
	    "NAME (or set alias: for other in lambda.yml)");
	m.nfns = 0;
	assert_null(alias_move_name(NULL, &m, "api", ALIAS_PROMOTE, &err));
}

#define ALIASES(routing) "{\"Aliases\":[{\"Name\":\"beta\"," \
	"\"FunctionVersion\":\"1\"},{\"Name\":\"live\",\"FunctionVersion\":" \
	"\"3\",\"RevisionId\":\"rev-7\"" routing "}]}"
#define VERSIONS "{\"Versions\":[{\"Version\":\"$LATEST\"},{\"Version\":" \
	"\"1\"},{\"Version\":\"2\"},{\"Version\":\"3\"}]}"

static void
test_move(void **state)
{
	struct alias_move mv;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	testhttp_start_json(&h, 10,
	    200, ALIASES(""), 200, VERSIONS, 200, "{}",	/* rollback */
	    200, ALIASES(""), 200, VERSIONS,		/* dry run */
	    200, ALIASES(",\"RoutingConfig\":{\"AdditionalVersionWeights\":"
	    "{\"4\":0.1}}"), 412, "{\"__type\":\"PreconditionFailedException\","
	    "\"message\":\"The Revision Id provided does not match\"}",
	    200, ALIASES(""),				/* no alias */
	    200, "{\"Aliases\":[]}",			/* none at all */
	    404, "{\"__type\":\"ResourceNotFoundException\",\"message\":"
	    "\"Function not found\"}");
	assert_int_equal(alias_move(&h.client, "api", "live", ALIAS_ROLLBACK,
	    NULL, 0, &mv, &err), 0);
	assert_string_equal(mv.to, "2");
	assert_string_equal(mv.from.version, "3");
	alias_move_release(&mv);
	assert_int_equal(alias_move(&h.client, "api", "live", ALIAS_ROLLBACK,
	    "1", 1, &mv, &err), 0);
	assert_string_equal(mv.to, "1");
	assert_int_equal(mv.dry_run, 1);
	alias_move_release(&mv);
	assert_int_equal(alias_move(&h.client, "api", "live", ALIAS_PROMOTE,
	    NULL, 0, &mv, &err), -1);
	assert_string_equal(err.code, "PreconditionFailedException");
	assert_string_equal(mv.to, "4");
	alias_move_release(&mv);
	assert_int_equal(alias_move(&h.client, "api", "prod", ALIAS_PROMOTE,
	    NULL, 0, &mv, &err), -1);
	assert_string_equal(err.msg, "no alias 'prod' (aliases: beta, live)");
	alias_move_release(&mv);
	assert_int_equal(alias_move(&h.client, "api", "prod", ALIAS_ROLLBACK,
	    NULL, 0, &mv, &err), -1);
	assert_string_equal(err.msg, "no alias 'prod' (the function has "
	    "none)");
	alias_move_release(&mv);
	assert_int_equal(alias_move(&h.client, "ghost", "live", ALIAS_ROLLBACK,
	    NULL, 0, &mv, &err), -1);
	assert_string_equal(err.code, "ResourceNotFoundException");
	alias_move_release(&mv);
	assert_string_equal(h.reqs[0], "GET " PATH "/aliases?MaxItems=50");
	assert_string_equal(h.reqs[1], "GET " PATH "/versions?MaxItems=50");
	/* Straight to UpdateAlias with the RevisionId read: no GetAlias. */
	assert_string_equal(h.reqs[2], "PUT " PATH "/aliases/live");
	assert_string_equal(testhttp_body(&h, 2), "{\"FunctionVersion\":"
	    "\"2\",\"RoutingConfig\":{\"AdditionalVersionWeights\":{}},"
	    "\"RevisionId\":\"rev-7\"}");
	/* The dry run wrote nothing: the next request is promote's read. */
	assert_string_equal(h.reqs[5], "GET " PATH "/aliases?MaxItems=50");
	assert_string_equal(testhttp_body(&h, 6), "{\"FunctionVersion\":"
	    "\"4\",\"RoutingConfig\":{\"AdditionalVersionWeights\":{}},"
	    "\"RevisionId\":\"rev-7\"}");
	testhttp_stop_json(&h);
}

/*
 * What the commands print, read and rendered; a missing function is
 * Lambda's error (cmd_alias_move prefixes it with the name: t3040).
 */
static void
test_move_text(void **state)
{
	struct testhttp h;
	struct lc_err err = { 0 };
	struct alias_move mv;
	char *text;

	(void)state;
	testhttp_start_json(&h, 3, 200, ALIASES(""), 200, VERSIONS, 404,
	    "{\"__type\":\"ResourceNotFoundException\",\"message\":"
	    "\"Function not found\"}");
	assert_int_equal(alias_move(&h.client, "api", "live",
	    ALIAS_ROLLBACK, NULL, 1, &mv, &err), 0);
	text = alias_move_render(&mv);
	assert_string_equal(text, "live: 3 -> 2 (dry run: not moved)\n");
	free(text);
	alias_move_release(&mv);
	assert_int_equal(alias_move(&h.client, "ghost", "live",
	    ALIAS_PROMOTE, NULL, 0, &mv, &err), -1);
	assert_null(mv.to);
	assert_string_equal(err.code, "ResourceNotFoundException");
	alias_move_release(&mv);
	testhttp_stop_json(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollback_target),
		cmocka_unit_test(test_promote_target),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_move_text),
	};

	unsetenv_prefix("AWS_");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
