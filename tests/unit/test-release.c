/*
 * test-release.c - which versions pruning deletes (release_prune_choose),
 * and the release's plan and apply against a scripted local server
 * (testhttp.h): what they read (nothing more than needed), the plan's
 * lines, and what they send.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deploy.h"
#include "release.h"
#include "testhttp.h"

#define PATH	"/2015-03-31/functions/api"
#define VERSION(v) "{\"FunctionName\":\"api\",\"Version\":\"" v "\"," \
	"\"CodeSha256\":\"sha-" v "\",\"State\":\"Active\"}"
#define ALIAS(name, v, routing) "{\"Name\":\"" name "\",\"FunctionVersion\":" \
	"\"" v "\",\"Description\":\"\",\"RevisionId\":\"rev-" name "\"" \
	routing "}"
#define CANARY(v, w) ",\"RoutingConfig\":{\"AdditionalVersionWeights\":" \
	"{\"" v "\":" w "}}"
#define VERSIONS_1_2_3 "{\"Versions\":[" VERSION("$LATEST") "," \
	VERSION("1") "," VERSION("2") "," VERSION("3") "]}"
/* A FunctionConfiguration of version 4 (PublishVersion's answer, and
 * GetFunctionConfiguration's with a Qualifier). */
#define CONF4(state) "{\"FunctionName\":\"api\",\"Version\":\"4\"," \
	"\"State\":\"" state "\"}"
#define NOT_FOUND "{\"__type\":\"ResourceNotFoundException\"," \
	"\"message\":\"Alias not found\"}"

/* Versions "1".."n" (n at most 9), oldest first. */
static struct lambda_version *
versions(size_t n)
{
	static char names[9][2];
	struct lambda_version *v = xcalloc(n, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++) {
		names[i][0] = (char)('1' + i);
		v[i].version = names[i];
		v[i].number = (long)i + 1;
	}
	return v;
}

/* The versions release_prune_choose picks, as "1,2,3". */
static char *
choose(const struct lambda_version *v, size_t nv,
    const struct lambda_alias *a, size_t na, long keep, const char *newv)
{
	struct buf b = BUF_INIT;
	size_t i, n, *del;

	del = release_prune_choose(v, nv, a, na, keep, newv, &n);
	for (i = 0; i < n; i++) {
		assert_true(del[i] < nv);
		buf_addf(&b, "%s%s", i > 0 ? "," : "", v[del[i]].version);
	}
	free(del);
	return buf_detach(&b, NULL);
}

#define assert_choose(want, v, nv, a, na, keep, newv) do {		\
	char *got_ = choose(v, nv, a, na, keep, newv);			\
	assert_string_equal(got_, want);				\
	free(got_);							\
} while (0)

static void
test_prune_choose(void **state)
{
	struct lambda_version *v = versions(5);
	struct lambda_alias a[2];
	size_t n;

	(void)state;
	memset(a, 0, sizeof a);
	/* No pruning, or nothing past keep. */
	assert_null(release_prune_choose(v, 5, NULL, 0, 0, "5", &n));
	assert_int_equal(n, 0);
	assert_choose("", v, 5, NULL, 0, 5, "5");
	assert_choose("", v, 5, NULL, 0, 9, NULL);
	assert_choose("", v, 0, NULL, 0, 1, NULL);
	/* All but the newest keep, oldest first. */
	assert_choose("1,2,3", v, 5, NULL, 0, 2, "5");
	assert_choose("1,2,3", v, 5, NULL, 0, 2, NULL);
	assert_choose("1,2,3,4", v, 5, NULL, 0, 1, NULL);
	/* A version still to be published takes the newest place. */
	assert_choose("1,2,3,4", v, 5, NULL, 0, 2, "new");
	assert_choose("1,2,3,4,5", v, 5, NULL, 0, 1, "new");
	/* Never the version just published, wherever it is. */
	assert_choose("1,3,4", v, 5, NULL, 0, 1, "2");
	/* Never an aliased version: an alias's own, or its canary's. */
	a[0].name = (char *)"old";
	a[0].version = (char *)"1";
	a[1].name = (char *)"live";
	a[1].version = (char *)"5";
	a[1].extra_version = (char *)"3";
	a[1].extra_weight = 0.1;
	assert_choose("2", v, 5, a, 2, 2, "5");
	assert_choose("2,4", v, 5, a, 2, 1, "5");
	/* Aliased versions still count among the newest keep. */
	a[1].extra_version = NULL;
	assert_choose("2,3", v, 5, a, 2, 2, "5");
	free(v);
}

static void
test_stays(void **state)
{
	struct release_plan rp;

	(void)state;
	memset(&rp, 0, sizeof rp);
	rp.alias = "live";
	rp.alias_version = (char *)"2";
	assert_null(release_stays(&rp, "3"));	/* no weight: wholly */
	rp.weight = 10;
	assert_string_equal(release_stays(&rp, "3"), "2");
	assert_null(release_stays(&rp, "2"));	/* its own already */
	rp.alias_version = NULL;
	assert_null(release_stays(&rp, "3"));
}

/* A function api with $LATEST's code "sha-<sha>". */
static void
fixture(struct manifest_fn *fn, struct deploy_opts *o,
    struct lambda_config *remote, const char *sha)
{
	memset(fn, 0, sizeof *fn);
	memset(o, 0, sizeof *o);
	memset(remote, 0, sizeof *remote);
	fn->name = (char *)"api";
	o->alias = "live";
	o->wait_timeout = 10;
	remote->code_sha256 = (char *)sha;
	remote->revision_id = (char *)"rev-latest";
}

/* Nothing changed, the alias wholly on the newest version, which has
 * $LATEST's code: two reads, nothing to publish, no line. */
static void
test_plan_nothing_to_do(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-3");
	testhttp_start_json(&h, 2, 200, ALIAS("live", "3", ""), 200,
	    VERSIONS_1_2_3);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 0);
	assert_string_equal(rp.at, "3");
	assert_int_equal(rp.nlines, 0);
	assert_string_equal(h.reqs[0], "GET " PATH "/aliases/live");
	assert_string_equal(h.reqs[1], "GET " PATH "/versions?MaxItems=50");
	release_plan_release(&rp);
	testhttp_stop_json(&h);
}

/* Nothing changed but the alias is elsewhere (an older version; or a
 * canary when the deploy wants it whole; or missing): it moves to the
 * newest, which publishing gives back. */
static void
test_plan_alias_behind(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-3");
	testhttp_start_json(&h, 5, 200, ALIAS("live", "2", ""), 200,
	    VERSIONS_1_2_3, 200, ALIAS("live", "2", CANARY("3", "0.1")), 200,
	    VERSIONS_1_2_3, 404, NOT_FOUND);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_null(rp.at);
	assert_int_equal(rp.nlines, 1);
	assert_string_equal(rp.lines[0].text, "~ alias live -> 3");
	release_plan_release(&rp);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_string_equal(rp.lines[0].text, "~ alias live -> 3");
	release_plan_release(&rp);
	/* No alias yet: no need to read the versions. */
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_string_equal(rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	release_plan_release(&rp);
	testhttp_stop_json(&h);
}

/* The same canary asked again, nothing changed: nothing to do; another
 * weight: publish (gives the newest back) and reweigh. */
static void
test_plan_canary_again(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-3");
	o.weight = 10;
	testhttp_start_json(&h, 4, 200, ALIAS("live", "2", CANARY("3", "0.1")),
	    200, VERSIONS_1_2_3, 200, ALIAS("live", "2", CANARY("3", "0.1")),
	    200, VERSIONS_1_2_3);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 0);
	assert_string_equal(rp.at, "3");
	assert_string_equal(release_stays(&rp, rp.at), "2");
	release_plan_release(&rp);
	o.weight = 20;
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_string_equal(rp.lines[0].text, "~ alias live -> 3 (20%)");
	assert_string_equal(rp.alias_revision, "rev-live");
	release_plan_release(&rp);
	testhttp_stop_json(&h);
}

/* A change, an alias, no weight nor keep_versions: nothing is read. A
 * function to create: nothing either. */
static void
test_plan_changed_reads_nothing(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-9");
	testhttp_start_json(&h, 0);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 1, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_int_equal(rp.nlines, 1);
	assert_string_equal(rp.lines[0].field, "alias");
	assert_string_equal(rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	release_plan_release(&rp);
	assert_int_equal(release_plan(&h.client, &fn, &o, NULL, 1, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_int_equal(rp.nlines, 1);
	release_plan_release(&rp);
	/* --publish alone: a version, no line. */
	o.alias = NULL;
	o.publish = 1;
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 1, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 1);
	assert_int_equal(rp.nlines, 0);
	release_plan_release(&rp);
	/* Nothing at all, nothing changed: no release. */
	o.publish = 0;
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 0, &rp,
	    &err), 0);
	assert_int_equal(rp.publish, 0);
	assert_int_equal(rp.nlines, 0);
	release_plan_release(&rp);
	testhttp_stop_json(&h);
}

/* --weight with no such alias: one read, an error naming the way out; a
 * function to create has none either (nothing read). */
static void
test_plan_weight_needs_alias(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-9");
	o.weight = 10;
	testhttp_start_json(&h, 1, 404, NOT_FOUND);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 1, &rp,
	    &err), -1);
	assert_string_equal(err.msg, "alias live does not exist: --weight "
	    "needs it on a version to stay on (deploy --alias live first)");
	assert_int_equal(rp.nlines, 0);
	assert_int_equal(release_plan(&h.client, &fn, &o, NULL, 1, &rp,
	    &err), -1);
	assert_string_equal(err.msg, "alias live does not exist: --weight "
	    "needs it on a version to stay on (deploy --alias live first)");
	testhttp_stop_json(&h);
}

/* keep_versions: the versions and aliases read; the version to publish
 * counts as the newest, the alias as it will be once moved. */
static void
test_plan_prune(void **state)
{
	static const char aliases[] = "{\"Aliases\":[" ALIAS("live", "3", "")
	    "," ALIAS("old", "1", "") "]}";
	static const char canary[] = "{\"Aliases\":[" ALIAS("live", "2",
	    CANARY("3", "0.1")) "]}";
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-9");
	fn.keep_versions = 5;
	o.keep_versions = 2;		/* the option wins */
	testhttp_start_json(&h, 4, 200, aliases, 200, VERSIONS_1_2_3, 200,
	    canary, 200, VERSIONS_1_2_3);
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 1, &rp,
	    &err), 0);
	assert_int_equal(rp.keep, 2);
	assert_int_equal(rp.nlines, 2);
	assert_string_equal(rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	assert_string_equal(rp.lines[1].field, "prune.2");
	assert_string_equal(rp.lines[1].text, "- version 2 (keep_versions 2)");
	assert_int_equal(rp.nprune, 1);
	assert_string_equal(rp.prune[0], "2");
	assert_string_equal(h.reqs[0], "GET " PATH "/aliases?MaxItems=50");
	assert_string_equal(h.reqs[1], "GET " PATH "/versions?MaxItems=50");
	release_plan_release(&rp);
	/* A canary: live stays on 2, the new one replaces 3 as canary. */
	o.weight = 10;
	assert_int_equal(release_plan(&h.client, &fn, &o, &remote, 1, &rp,
	    &err), 0);
	assert_int_equal(rp.nlines, 2);
	assert_string_equal(rp.lines[0].text, "+ publish a version, alias "
	    "live -> new (10%)");
	assert_string_equal(rp.lines[1].text, "- version 1 (keep_versions 2)");
	assert_string_equal(rp.alias_version, "2");
	release_plan_release(&rp);
	testhttp_stop_json(&h);
}

/* The waits' pauses, counted rather than slept. */
static long slept_ms;

static void
no_sleep(long ms)
{
	slept_ms += ms;
}

/* A version Pending after PublishVersion: waited for until Active, then
 * the alias moves (a canary: the old version stays, RevisionId sent). */
static void
test_apply_waits_then_moves(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-4");
	memset(&rp, 0, sizeof rp);
	memset(&r, 0, sizeof r);
	rp.alias = "live";
	rp.publish = 1;
	rp.weight = 10;
	rp.alias_version = xstrdup("2");
	rp.alias_revision = xstrdup("rev-live");
	testhttp_start_json(&h, 4,
	    201, CONF4("Pending"), 200, CONF4("Pending"), 200, CONF4("Active"),
	    200, ALIAS("live", "2", CANARY("4", "0.1")));
	h.client.sleep_ms = no_sleep;
	slept_ms = 0;
	assert_int_equal(release_apply(&h.client, &fn, &remote, &o, &rp, NULL,
	    &r, &err), 0);
	assert_string_equal(r.version, "4");
	assert_int_equal(slept_ms, LAMBDA_POLL_FIRST_MS);
	assert_string_equal(h.reqs[0], "POST " PATH "/versions");
	assert_string_equal(h.reqs[1], "GET " PATH "/configuration?"
	    "Qualifier=4");
	assert_string_equal(h.reqs[2], "GET " PATH "/configuration?"
	    "Qualifier=4");
	assert_string_equal(h.reqs[3], "PUT " PATH "/aliases/live");
	assert_non_null(strstr(testhttp_body(&h, 0), "\"CodeSha256\":"
	    "\"sha-4\""));
	assert_non_null(strstr(testhttp_body(&h, 3), "\"FunctionVersion\":"
	    "\"2\""));
	assert_non_null(strstr(testhttp_body(&h, 3), "{\"4\":0.1}"));
	assert_non_null(strstr(testhttp_body(&h, 3), "\"RevisionId\":"
	    "\"rev-live\""));
	deploy_result_release(&r);
	release_plan_release(&rp);
	testhttp_stop_json(&h);
}

/* Failed: the reason, and the alias not moved (nothing sent after). */
static void
test_apply_failed_version(void **state)
{
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_opts o;
	struct lambda_config remote;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	fixture(&fn, &o, &remote, "sha-4");
	memset(&rp, 0, sizeof rp);
	memset(&r, 0, sizeof r);
	rp.alias = "live";
	rp.publish = 1;
	testhttp_start_json(&h, 2,
	    201, CONF4("Pending"),
	    200, "{\"FunctionName\":\"api\",\"Version\":\"4\",\"State\":"
	    "\"Failed\",\"StateReason\":\"snapshot: the init phase timed "
	    "out\"}");
	assert_int_equal(release_apply(&h.client, &fn, &remote, &o, &rp, NULL,
	    &r, &err), -1);
	assert_string_equal(err.msg, "version 4 failed: snapshot: the init "
	    "phase timed out (alias live not moved)");
	deploy_result_release(&r);
	testhttp_stop_json(&h);
}

/* Pruning after the release: read again, deleted oldest first; a failure
 * says the deploy itself went well. */
static void
test_prune_apply(void **state)
{
	static const char aliases[] = "{\"Aliases\":[" ALIAS("live", "3", "")
	    "]}";
	struct release_plan rp;
	struct manifest_fn fn;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err = { 0 };

	(void)state;
	memset(&fn, 0, sizeof fn);
	memset(&rp, 0, sizeof rp);
	memset(&r, 0, sizeof r);
	fn.name = (char *)"api";
	rp.alias = "live";
	rp.publish = 1;
	rp.keep = 1;
	r.version = xstrdup("3");
	testhttp_start_json(&h, 8, 200, VERSIONS_1_2_3, 200, aliases, 204, "",
	    204, "", 200, VERSIONS_1_2_3, 200, aliases, 204, "", 500,
	    "{\"__type\":\"ServiceException\",\"message\":\"boom\"}");
	assert_int_equal(release_prune(&h.client, &fn, &rp, NULL, &r, &err),
	    0);
	assert_int_equal(r.npruned, 2);
	assert_string_equal(r.pruned[0], "1");
	assert_string_equal(r.pruned[1], "2");
	assert_string_equal(h.reqs[2], "DELETE " PATH "?Qualifier=1");
	assert_string_equal(h.reqs[3], "DELETE " PATH "?Qualifier=2");
	deploy_result_release(&r);
	r.version = xstrdup("3");
	assert_int_equal(release_prune(&h.client, &fn, &rp, NULL, &r, &err),
	    -1);
	assert_non_null(strstr(err.msg, "the deploy itself succeeded (version "
	    "3, alias live; pruned 1), but pruning failed: version 2"));
	deploy_result_release(&r);
	/* Nothing to prune: nothing sent. */
	rp.keep = 0;
	r.version = xstrdup("3");
	assert_int_equal(release_prune(&h.client, &fn, &rp, NULL, &r, &err),
	    0);
	rp.keep = 2;
	rp.publish = 0;
	assert_int_equal(release_prune(&h.client, &fn, &rp, NULL, &r, &err),
	    0);
	assert_int_equal(r.npruned, 0);
	deploy_result_release(&r);
	testhttp_stop_json(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prune_choose),
		cmocka_unit_test(test_stays),
		cmocka_unit_test(test_plan_nothing_to_do),
		cmocka_unit_test(test_plan_alias_behind),
		cmocka_unit_test(test_plan_canary_again),
		cmocka_unit_test(test_plan_changed_reads_nothing),
		cmocka_unit_test(test_plan_weight_needs_alias),
		cmocka_unit_test(test_plan_prune),
		cmocka_unit_test(test_apply_waits_then_moves),
		cmocka_unit_test(test_apply_failed_version),
		cmocka_unit_test(test_prune_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
