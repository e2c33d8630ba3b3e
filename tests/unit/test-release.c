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
/* GetFunctionConfiguration of version v (Qualifier=v), mem MB. */
#define CONF(v, mem) "{\"FunctionName\":\"api\",\"Version\":\"" v "\"," \
	"\"CodeSha256\":\"sha-" v "\",\"MemorySize\":" mem "}"
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

/* What a test of the plan or the apply holds. */
struct fx {
	struct manifest_fn	fn;
	struct deploy_opts	o;
	struct lambda_config	remote;	/* $LATEST, its code "sha-N" */
	struct release_plan	rp;
	struct deploy_result	r;
	struct testhttp		h;	/* started by the test */
	struct lc_err		err;
};

/* Function api, --alias live, $LATEST's code sha (and 128 MB, as a
 * version's CONF has it). */
static struct fx *
fx_new(const char *sha)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *json;

	f->fn.name = (char *)"api";
	f->o.alias = "live";
	f->o.wait_timeout = 10;
	json = xasprintf("{\"FunctionName\":\"api\",\"Version\":\"$LATEST\","
	    "\"CodeSha256\":\"%s\",\"RevisionId\":\"rev-latest\","
	    "\"MemorySize\":128}", sha);
	if (lambda_config_parse("GetFunction", json, strlen(json), &f->remote,
	    &f->err) == -1)
		fail_msg("%s", f->err.msg);
	free(json);
	return f;
}

/* Ends the test: every answer used. */
static void
fx_free(struct fx *f)
{
	release_plan_release(&f->rp);
	deploy_result_release(&f->r);
	lambda_config_release(&f->remote);
	testhttp_stop_json(&f->h);
	free(f);
}

/* release_plan (changed or not) into f->rp, the previous one released. */
static int
plan(struct fx *f, int changed)
{
	release_plan_release(&f->rp);
	return release_plan(&f->h.client, &f->fn, &f->o, &f->remote, changed,
	    &f->rp, &f->err);
}

/* Nothing changed, the alias wholly on the newest version, which has
 * $LATEST's code and configuration: three reads, nothing to publish, no
 * line. */
static void
test_plan_nothing_to_do(void **state)
{
	struct fx *f = fx_new("sha-3");

	(void)state;
	testhttp_start_json(&f->h, 3, 200, ALIAS("live", "3", ""), 200,
	    VERSIONS_1_2_3, 200, CONF("3", "128"));
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 0);
	assert_string_equal(f->rp.at, "3");
	assert_int_equal(f->rp.nlines, 0);
	assert_string_equal(f->h.reqs[0], "GET " PATH "/aliases/live");
	assert_string_equal(f->h.reqs[1], "GET " PATH "/versions?MaxItems=50");
	assert_string_equal(f->h.reqs[2], "GET " PATH "/configuration?"
	    "Qualifier=3");
	fx_free(f);
}

/*
 * Nothing changed in $LATEST, whose code is the newest version's, but its
 * configuration is not (an UpdateFunctionConfiguration whose publish
 * failed): publishing gives a new version, which the alias moves to and
 * which takes one of keep_versions' places.
 */
static void
test_plan_config_differs(void **state)
{
	static const char aliases[] = "{\"Aliases\":[" ALIAS("live", "3", "")
	    "]}";
	struct fx *f = fx_new("sha-3");

	(void)state;
	f->o.keep_versions = 2;
	testhttp_start_json(&f->h, 3, 200, aliases, 200, VERSIONS_1_2_3, 200,
	    CONF("3", "256"));
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_null(f->rp.at);
	assert_int_equal(f->rp.nlines, 3);
	assert_string_equal(f->rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	assert_string_equal(f->rp.lines[1].text, "- version 1 "
	    "(keep_versions 2)");
	assert_string_equal(f->rp.lines[2].text, "- version 2 "
	    "(keep_versions 2)");
	assert_int_equal(f->rp.nprune, 2);
	assert_int_equal(f->rp.lines[0].action, PLAN_ADD);
	assert_string_equal(f->rp.lines[0].to.str, "new");
	assert_int_equal(f->rp.lines[2].action, PLAN_REMOVE);
	assert_string_equal(f->rp.lines[2].field, "prune.2");
	assert_string_equal(f->rp.lines[2].from.str, "2");
	assert_int_equal(f->rp.lines[2].to.type, PLAN_NONE);
	assert_string_equal(f->h.reqs[2], "GET " PATH "/configuration?"
	    "Qualifier=3");
	fx_free(f);
}

/* Nothing changed but the alias is elsewhere (an older version; or a
 * canary of an older one on it, when the deploy wants it whole; or
 * missing): it moves to the newest, which publishing gives back. */
static void
test_plan_alias_behind(void **state)
{
	struct fx *f = fx_new("sha-3");

	(void)state;
	testhttp_start_json(&f->h, 7, 200, ALIAS("live", "2", ""), 200,
	    VERSIONS_1_2_3, 200, CONF("3", "128"), 200, ALIAS("live", "3",
	    CANARY("2", "0.1")), 200, VERSIONS_1_2_3, 200, CONF("3", "128"),
	    404, NOT_FOUND);
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_null(f->rp.at);
	assert_int_equal(f->rp.nlines, 1);
	assert_string_equal(f->rp.lines[0].text, "~ alias live -> 3");
	/* In parts: from the version the alias serves to the newest. */
	assert_int_equal(f->rp.lines[0].action, PLAN_CHANGE);
	assert_string_equal(f->rp.lines[0].field, "alias");
	assert_string_equal(f->rp.lines[0].from.str, "2");
	assert_string_equal(f->rp.lines[0].to.str, "3");
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_string_equal(f->rp.lines[0].text, "~ alias live -> 3");
	/* No alias yet: no need to read the versions. */
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_string_equal(f->rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	fx_free(f);
}

/* The same canary asked again, nothing changed: nothing to do; no weight
 * at all: nothing either (the canary goes on, as it is: promote ends it);
 * another weight: publish (gives the newest back) and reweigh. */
static void
test_plan_canary_again(void **state)
{
	struct fx *f = fx_new("sha-3");

	(void)state;
	f->o.weight = 10;
	testhttp_start_json(&f->h, 9, 200, ALIAS("live", "2",
	    CANARY("3", "0.1")), 200, VERSIONS_1_2_3, 200, CONF("3", "128"),
	    200, ALIAS("live", "2", CANARY("3", "0.1")), 200, VERSIONS_1_2_3,
	    200, CONF("3", "128"), 200, ALIAS("live", "2", CANARY("3", "0.1")),
	    200, VERSIONS_1_2_3, 200, CONF("3", "128"));
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 0);
	assert_string_equal(f->rp.at, "3");
	assert_string_equal(release_stays(&f->rp, f->rp.at), "2");
	f->o.weight = 0;
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 0);
	assert_int_equal(f->rp.nlines, 0);
	assert_string_equal(f->rp.at, "3");
	assert_int_equal(f->rp.weight, 10);
	assert_string_equal(release_stays(&f->rp, f->rp.at), "2");
	f->o.weight = 20;
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_string_equal(f->rp.lines[0].text, "~ alias live -> 3 (20%)");
	assert_string_equal(f->rp.alias_revision, "rev-live");
	fx_free(f);
}

/* A change, an alias, no weight nor keep_versions: the alias alone is
 * read (its RevisionId guards the move), no version.  A function to
 * create: nothing. */
static void
test_plan_changed_reads_nothing(void **state)
{
	struct fx *f = fx_new("sha-9");

	(void)state;
	testhttp_start_json(&f->h, 1, 200, ALIAS("live", "3", ""));
	assert_int_equal(plan(f, 1), 0);
	assert_int_equal(f->h.served, 1);
	assert_string_equal(f->h.reqs[0], "GET " PATH "/aliases/live");
	assert_string_equal(f->rp.alias_revision, "rev-live");
	assert_int_equal(f->rp.publish, 1);
	assert_int_equal(f->rp.nlines, 1);
	assert_string_equal(f->rp.lines[0].field, "alias");
	assert_string_equal(f->rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	release_plan_release(&f->rp);
	assert_int_equal(release_plan(&f->h.client, &f->fn, &f->o, NULL, 1,
	    &f->rp, &f->err), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_int_equal(f->rp.nlines, 1);
	/* --publish alone: a version, no line. */
	f->o.alias = NULL;
	f->o.publish = 1;
	assert_int_equal(plan(f, 1), 0);
	assert_int_equal(f->rp.publish, 1);
	assert_int_equal(f->rp.nlines, 0);
	/* Nothing at all, nothing changed: no release. */
	f->o.publish = 0;
	assert_int_equal(plan(f, 0), 0);
	assert_int_equal(f->rp.publish, 0);
	assert_int_equal(f->rp.nlines, 0);
	fx_free(f);
}

#define NO_CANARY_ALIAS "alias live does not exist: --weight needs it on " \
	"a version to stay on (deploy --alias live first)"

/* --weight with no such alias: one read, an error naming the way out; a
 * function to create has none either (nothing read). */
static void
test_plan_weight_needs_alias(void **state)
{
	struct fx *f = fx_new("sha-9");

	(void)state;
	f->o.weight = 10;
	testhttp_start_json(&f->h, 1, 404, NOT_FOUND);
	assert_int_equal(plan(f, 1), -1);
	assert_string_equal(f->err.msg, NO_CANARY_ALIAS);
	assert_int_equal(f->rp.nlines, 0);
	assert_int_equal(release_plan(&f->h.client, &f->fn, &f->o, NULL, 1,
	    &f->rp, &f->err), -1);
	assert_string_equal(f->err.msg, NO_CANARY_ALIAS);
	fx_free(f);
}

/* --weight with the alias on $LATEST: no version to stay on, refused
 * after reading the alias alone (before any write), changed or not. */
static void
test_plan_weight_needs_version(void **state)
{
	struct fx *f = fx_new("sha-9");

	(void)state;
	f->o.weight = 10;
	testhttp_start_json(&f->h, 2, 200, ALIAS("live", "$LATEST", ""), 200,
	    ALIAS("live", "$LATEST", ""));
	assert_int_equal(plan(f, 1), -1);
	assert_string_equal(f->err.msg, "alias live points at $LATEST, not a "
	    "published version: --weight needs one to stay on (deploy "
	    "--alias live first)");
	assert_int_equal(f->rp.nlines, 0);
	assert_int_equal(plan(f, 0), -1);
	assert_non_null(strstr(f->err.msg, "points at $LATEST"));
	assert_string_equal(f->h.reqs[1], "GET " PATH "/aliases/live");
	fx_free(f);
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
	struct fx *f = fx_new("sha-9");

	(void)state;
	f->fn.keep_versions = 5;
	f->o.keep_versions = 2;		/* the option wins */
	testhttp_start_json(&f->h, 4, 200, aliases, 200, VERSIONS_1_2_3, 200,
	    canary, 200, VERSIONS_1_2_3);
	assert_int_equal(plan(f, 1), 0);
	assert_int_equal(f->rp.keep, 2);
	assert_int_equal(f->rp.nlines, 2);
	assert_string_equal(f->rp.lines[0].text, "+ publish a version, alias "
	    "live -> new");
	assert_string_equal(f->rp.lines[1].field, "prune.2");
	assert_string_equal(f->rp.lines[1].text, "- version 2 "
	    "(keep_versions 2)");
	assert_int_equal(f->rp.nprune, 1);
	assert_string_equal(f->rp.prune[0], "2");
	assert_string_equal(f->h.reqs[0], "GET " PATH "/aliases?MaxItems=50");
	assert_string_equal(f->h.reqs[1], "GET " PATH "/versions?MaxItems=50");
	/* A canary: live stays on 2, the new one replaces 3 as canary. */
	f->o.weight = 10;
	assert_int_equal(plan(f, 1), 0);
	assert_int_equal(f->rp.nlines, 2);
	assert_string_equal(f->rp.lines[0].text, "+ publish a version, alias "
	    "live -> new (10%)");
	assert_string_equal(f->rp.lines[1].text, "- version 1 "
	    "(keep_versions 2)");
	assert_string_equal(f->rp.alias_version, "2");
	fx_free(f);
}

/* The waits' pauses, counted rather than slept. */
static long slept_ms;

static void
no_sleep(long ms)
{
	slept_ms += ms;
}

/* f's plan: publish, move live (with weight, a canary on "2"). */
static void
plan_publish(struct fx *f, int weight)
{
	f->rp.alias = "live";
	f->rp.publish = 1;
	f->rp.weight = weight;
	if (weight > 0) {
		f->rp.alias_version = xstrdup("2");
		f->rp.alias_revision = xstrdup("rev-live");
	}
}

/* A version Pending after PublishVersion: waited for until Active, then
 * the alias moves (a canary: the old version stays, RevisionId sent). */
static void
test_apply_waits_then_moves(void **state)
{
	struct fx *f = fx_new("sha-4");

	(void)state;
	plan_publish(f, 10);
	testhttp_start_json(&f->h, 4,
	    201, CONF4("Pending"), 200, CONF4("Pending"), 200, CONF4("Active"),
	    200, ALIAS("live", "2", CANARY("4", "0.1")));
	f->h.client.sleep_ms = no_sleep;
	slept_ms = 0;
	assert_int_equal(release_apply(&f->h.client, &f->fn, &f->remote,
	    &f->o, &f->rp, NULL, &f->r, &f->err), 0);
	assert_string_equal(f->r.version, "4");
	/* Before each poll: 250 ms, then half again. */
	assert_int_equal(slept_ms, LAMBDA_POLL_FIRST_MS +
	    lambda_poll_next(LAMBDA_POLL_FIRST_MS, 0));
	assert_string_equal(f->h.reqs[0], "POST " PATH "/versions");
	assert_string_equal(f->h.reqs[1], "GET " PATH "/configuration?"
	    "Qualifier=4");
	assert_string_equal(f->h.reqs[2], "GET " PATH "/configuration?"
	    "Qualifier=4");
	assert_string_equal(f->h.reqs[3], "PUT " PATH "/aliases/live");
	assert_non_null(strstr(testhttp_body(&f->h, 0), "\"CodeSha256\":"
	    "\"sha-4\""));
	assert_non_null(strstr(testhttp_body(&f->h, 3), "\"FunctionVersion\":"
	    "\"2\""));
	assert_non_null(strstr(testhttp_body(&f->h, 3), "{\"4\":0.1}"));
	assert_non_null(strstr(testhttp_body(&f->h, 3), "\"RevisionId\":"
	    "\"rev-live\""));
	fx_free(f);
}

/*
 * A whole move sends the RevisionId the plan read (and no GetAlias): an
 * alias moved since (an operator's rollback during the wait) fails the
 * move, saying so, rather than being overwritten.
 */
static void
test_apply_whole_move_revision(void **state)
{
	struct fx *f = fx_new("sha-4");

	(void)state;
	plan_publish(f, 0);
	f->rp.alias_version = xstrdup("3");
	f->rp.alias_revision = xstrdup("rev-live");
	testhttp_start_json(&f->h, 4, 201, CONF4("Active"), 200,
	    ALIAS("live", "4", ""), 201, CONF4("Active"), 412,
	    "{\"__type\":\"PreconditionFailedException\",\"message\":\"The "
	    "Revision Id provided does not match the latest Revision Id.\"}");
	assert_int_equal(release_apply(&f->h.client, &f->fn, &f->remote,
	    &f->o, &f->rp, NULL, &f->r, &f->err), 0);
	assert_string_equal(f->h.reqs[1], "PUT " PATH "/aliases/live");
	assert_non_null(strstr(testhttp_body(&f->h, 1), "\"FunctionVersion\":"
	    "\"4\""));
	assert_non_null(strstr(testhttp_body(&f->h, 1), "\"RevisionId\":"
	    "\"rev-live\""));
	deploy_result_release(&f->r);
	assert_int_equal(release_apply(&f->h.client, &f->fn, &f->remote,
	    &f->o, &f->rp, NULL, &f->r, &f->err), -1);
	assert_non_null(strstr(f->err.msg, "alias live changed since the "
	    "plan, so it was not moved to version 4: "));
	assert_string_equal(f->h.reqs[3], "PUT " PATH "/aliases/live");
	fx_free(f);
}

/* Failed: the reason, and the alias not moved (nothing sent after). */
static void
test_apply_failed_version(void **state)
{
	struct fx *f = fx_new("sha-4");

	(void)state;
	plan_publish(f, 0);
	testhttp_start_json(&f->h, 2, 201, CONF4("Pending"),
	    200, "{\"FunctionName\":\"api\",\"Version\":\"4\",\"State\":"
	    "\"Failed\",\"StateReason\":\"snapshot: the init phase timed "
	    "out\"}");
	assert_int_equal(release_apply(&f->h.client, &f->fn, &f->remote,
	    &f->o, &f->rp, NULL, &f->r, &f->err), -1);
	assert_string_equal(f->err.msg, "version 4 failed: snapshot: the init "
	    "phase timed out (alias live not moved)");
	fx_free(f);
}

/* Pruning after the release: read again, deleted oldest first; a failure
 * says the deploy itself went well. */
static void
test_prune_apply(void **state)
{
	static const char aliases[] = "{\"Aliases\":[" ALIAS("live", "3", "")
	    "]}";
	struct fx *f = fx_new("sha-3");

	(void)state;
	plan_publish(f, 0);
	f->rp.keep = 1;
	f->r.version = xstrdup("3");
	testhttp_start_json(&f->h, 8, 200, VERSIONS_1_2_3, 200, aliases, 204,
	    "", 204, "", 200, VERSIONS_1_2_3, 200, aliases, 204, "", 500,
	    "{\"__type\":\"ServiceException\",\"message\":\"boom\"}");
	assert_int_equal(release_prune(&f->h.client, &f->fn, &f->rp, NULL,
	    &f->r, &f->err), 0);
	assert_int_equal(f->r.npruned, 2);
	assert_string_equal(f->r.pruned[0], "1");
	assert_string_equal(f->r.pruned[1], "2");
	assert_string_equal(f->h.reqs[2], "DELETE " PATH "?Qualifier=1");
	assert_string_equal(f->h.reqs[3], "DELETE " PATH "?Qualifier=2");
	deploy_result_release(&f->r);
	f->r.version = xstrdup("3");
	assert_int_equal(release_prune(&f->h.client, &f->fn, &f->rp, NULL,
	    &f->r, &f->err), -1);
	assert_non_null(strstr(f->err.msg, "the deploy itself succeeded "
	    "(version 3, alias live; pruned 1), but pruning failed: version "
	    "2"));
	/* Nothing to prune: nothing sent. */
	deploy_result_release(&f->r);
	f->r.version = xstrdup("3");
	f->rp.keep = 0;
	assert_int_equal(release_prune(&f->h.client, &f->fn, &f->rp, NULL,
	    &f->r, &f->err), 0);
	f->rp.keep = 2;
	f->rp.publish = 0;
	assert_int_equal(release_prune(&f->h.client, &f->fn, &f->rp, NULL,
	    &f->r, &f->err), 0);
	assert_int_equal(f->r.npruned, 0);
	fx_free(f);
}

/* The steps a release reports, "what;" each. */
static char steps[512];

static void
on_step(void *arg, const char *fn, const char *what)
{
	(void)arg;
	assert_string_equal(fn, "api");
	snprintf(steps + strlen(steps), sizeof steps - strlen(steps), "%s;",
	    what);
}

/*
 * Pruning races the world: an alias moved onto a version since the
 * listing (409 ResourceConflictException) keeps it, a version deleted
 * meanwhile (404) is gone; each says so and pruning goes on.
 */
static void
test_prune_race(void **state)
{
	static const char listing[] = "{\"Versions\":[" VERSION("1") ","
	    VERSION("2") "," VERSION("3") "," VERSION("4") "]}";
	static const char aliases[] = "{\"Aliases\":[" ALIAS("live", "4", "")
	    "]}";
	static const struct deploy_hooks hooks = { .step = on_step };
	struct fx *f = fx_new("sha-4");

	(void)state;
	plan_publish(f, 0);
	f->rp.keep = 1;
	f->r.version = xstrdup("4");
	testhttp_start_json(&f->h, 5, 200, listing, 200, aliases, 409,
	    "{\"__type\":\"ResourceConflictException\",\"message\":\"Unable "
	    "to delete version because the following aliases reference it: "
	    "[canary]\"}", 404, "{\"__type\":\"ResourceNotFoundException\","
	    "\"message\":\"Function not found\"}", 204, "");
	steps[0] = '\0';
	assert_int_equal(release_prune(&f->h.client, &f->fn, &f->rp, &hooks,
	    &f->r, &f->err), 0);
	assert_string_equal(f->err.msg, "");
	assert_int_equal(f->r.npruned, 1);
	assert_string_equal(f->r.pruned[0], "3");
	assert_string_equal(steps, "looking for versions to prune;"
	    "deleting version 1;version 1 is in use or busy now "
	    "(ResourceConflictException): kept;"
	    "deleting version 2;version 2 is gone already;"
	    "deleting version 3;");
	assert_string_equal(f->h.reqs[4], "DELETE " PATH "?Qualifier=3");
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prune_choose),
		cmocka_unit_test(test_stays),
		cmocka_unit_test(test_plan_nothing_to_do),
		cmocka_unit_test(test_plan_config_differs),
		cmocka_unit_test(test_plan_alias_behind),
		cmocka_unit_test(test_plan_canary_again),
		cmocka_unit_test(test_plan_changed_reads_nothing),
		cmocka_unit_test(test_plan_weight_needs_alias),
		cmocka_unit_test(test_plan_weight_needs_version),
		cmocka_unit_test(test_plan_prune),
		cmocka_unit_test(test_apply_waits_then_moves),
		cmocka_unit_test(test_apply_whole_move_revision),
		cmocka_unit_test(test_apply_failed_version),
		cmocka_unit_test(test_prune_apply),
		cmocka_unit_test(test_prune_race),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
