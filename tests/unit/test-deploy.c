/*
 * test-deploy.c - what deploy_compare reports, line by line; and how
 * deploy_apply tells another client's update from other errors (by the AWS
 * error code, against a scripted local server).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "clock.h"
#include "deploy.h"
#include "testhttp.h"

#define ROLE "arn:aws:iam::123456789012:role/lambda-exec"
#define SHA_A "AAAAhQcrPrV6RV1sDKuB1Kk8HbV4L5b3X1vD3uWm3ZA="
#define SHA_B "BBBBhQcrPrV6RV1sDKuB1Kk8HbV4L5b3X1vD3uWm3ZA="

static struct manifest_kv want_env[] = {
	{ (char *)"ADDED", (char *)"x" },
	{ (char *)"CHANGED", (char *)"new-secret" },
	{ (char *)"SAME", (char *)"1" },
};
static struct manifest_kv have_env[] = {
	{ (char *)"CHANGED", (char *)"old-secret" },
	{ (char *)"REMOVED", (char *)"y" },
	{ (char *)"SAME", (char *)"1" },
};
static char *layer_a[] = {
	(char *)"arn:aws:lambda:us-east-1:123456789012:layer:a:1",
};

/* A manifest function and its deployed twin, identical. */
static void
twins(struct manifest_fn *fn, struct deploy_plan *p, struct package_result *pkg)
{
	memset(fn, 0, sizeof *fn);
	memset(p, 0, sizeof *p);
	memset(pkg, 0, sizeof *pkg);
	fn->name = (char *)"jobs";
	fn->runtime = (char *)"java21";
	fn->handler = (char *)"jobs.aws-lambda::handleRequest";
	fn->role = (char *)"lambda-exec";
	fn->architecture = (char *)"x86_64";
	fn->memory = 360;
	fn->timeout = 10;
	fn->ephemeral_storage = 512;
	fn->env = have_env;
	fn->nenv = 3;
	p->remote.runtime = (char *)"java21";
	p->remote.handler = (char *)"jobs.aws-lambda::handleRequest";
	p->remote.role = (char *)ROLE;
	p->remote.architecture = (char *)"x86_64";
	p->remote.description = (char *)"";
	p->remote.memory = 360;
	p->remote.timeout = 10;
	p->remote.ephemeral_storage = 512;
	p->remote.env = have_env;
	p->remote.nenv = 3;
	p->remote.code_sha256 = (char *)SHA_A;
	fn->reserved_concurrency = MANIFEST_NO_CONCURRENCY;
	p->remote.reserved_concurrency = MANIFEST_NO_CONCURRENCY;
	lambda_invoke_config_init(&p->extras.invoke);
	strcpy(pkg->sha256, SHA_A);
}

/* Frees the changes only: everything else in the plan is borrowed here. */
static void
release_changes(struct deploy_plan *p)
{
	plan_lines_free(p->changes, p->nchanges);
	p->changes = NULL;
	p->nchanges = 0;
}

/* Asserts the plan's lines are exactly want (NULL-terminated). */
static void
assert_lines(const struct deploy_plan *p, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		if (i >= p->nchanges)
			fail_msg("missing line %zu: '%s'", i, want[i]);
		assert_string_equal(p->changes[i].text, want[i]);
	}
	if (i != p->nchanges)
		fail_msg("unexpected line '%s'", p->changes[i].text);
}

/* The structured parts of test_every_field's lines, as plan -o json
 * shows them: typed values, and none at all for the environment. */
static void
assert_parts(const struct deploy_plan *p)
{
	static const char *const want[] = {
		"{\"field\":\"architecture\",\"action\":\"change\","
		    "\"from\":\"x86_64\",\"to\":\"arm64\"}",
		"{\"field\":\"code\",\"action\":\"change\",\"from\":\""
		    SHA_A "\",\"to\":\"" SHA_B "\"}",
		NULL, NULL, NULL,
		"{\"field\":\"memory\",\"action\":\"change\",\"from\":128,"
		    "\"to\":360}",
		NULL,
		"{\"field\":\"description\",\"action\":\"change\","
		    "\"from\":null,\"to\":\"nightly jobs\"}",
		"{\"field\":\"layers\",\"action\":\"change\",\"from\":[],"
		    "\"to\":[\"arn:aws:lambda:us-east-1:123456789012:layer:a:1\"]}",
		NULL,
		"{\"field\":\"environment.ADDED\",\"action\":\"add\","
		    "\"hidden\":true}",
		"{\"field\":\"environment.CHANGED\",\"action\":\"change\","
		    "\"hidden\":true}",
		"{\"field\":\"environment.REMOVED\",\"action\":\"remove\","
		    "\"hidden\":true}",
	};
	cJSON *o;
	char *s;
	size_t i;

	assert_int_equal(p->nchanges, sizeof want / sizeof want[0]);
	for (i = 0; i < p->nchanges; i++) {
		o = plan_line_json(&p->changes[i]);
		cJSON_DeleteItemFromObject(o, "text");
		s = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (want[i] != NULL)
			assert_string_equal(s, want[i]);
		if (strstr(s, "secret") != NULL)
			fail_msg("a value leaked: %s", s);
		free(s);
	}
}

static const struct deploy_opts all = { .mode = DEPLOY_ANY, .code = 1,
    .config = 1 };
/* For deploy_apply: waits that poll every millisecond. */
static const struct deploy_opts fast = { .mode = DEPLOY_ANY, .code = 1,
    .config = 1, .wait_timeout = 10, .poll_ms = 1 };

static void
test_identical(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	static const char *const none[] = { NULL };

	(void)state;
	twins(&fn, &p, &pkg);
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, none);
	assert_false(p.code_changed);
	assert_false(p.config_changed);
}

static void
test_every_field(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	static const char *const want[] = {
		"~ architecture x86_64 -> arm64",
		"~ code " SHA_A " -> " SHA_B,
		"~ runtime java17 -> java21",
		"~ handler old::handler -> jobs.aws-lambda::handleRequest",
		"~ role arn:aws:iam::123456789012:role/other -> " ROLE,
		"~ memory 128 -> 360",
		"~ timeout 3 -> 10",
		"~ description (none) -> nightly jobs",
		"~ layers [] -> [arn:aws:lambda:us-east-1:123456789012:layer:a:1]",
		"~ ephemeral_storage 1024 -> 512",
		"+ environment.ADDED",
		"~ environment.CHANGED (value hidden)",
		"- environment.REMOVED",
		NULL,
	};
	size_t i;

	(void)state;
	twins(&fn, &p, &pkg);
	fn.architecture = (char *)"arm64";
	fn.description = (char *)"nightly jobs";
	fn.layers = layer_a;
	fn.nlayers = 1;
	fn.env = want_env;
	strcpy(pkg.sha256, SHA_B);
	p.remote.runtime = (char *)"java17";
	p.remote.handler = (char *)"old::handler";
	p.remote.role = (char *)"arn:aws:iam::123456789012:role/other";
	p.remote.memory = 128;
	p.remote.timeout = 3;
	p.remote.ephemeral_storage = 1024;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, want);
	assert_true(p.code_changed);
	assert_true(p.config_changed);
	for (i = 0; i < p.nchanges; i++)
		if (strstr(p.changes[i].text, "secret") != NULL)
			fail_msg("a value leaked: %s", p.changes[i].text);
	assert_parts(&p);
	release_changes(&p);
}

static void
test_code_only_and_config_only(void **state)
{
	struct deploy_opts o = all;
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	static const char *const code[] = {
		"~ code " SHA_A " -> " SHA_B, NULL,
	};
	static const char *const config[] = { "~ memory 360 -> 512", NULL };

	(void)state;
	twins(&fn, &p, &pkg);
	fn.memory = 512;
	strcpy(pkg.sha256, SHA_B);
	o.config = 0;
	deploy_compare(&fn, ROLE, &pkg, &o, &p);
	assert_lines(&p, code);
	assert_true(p.code_changed);
	assert_false(p.config_changed);
	release_changes(&p);

	twins(&fn, &p, &pkg);
	fn.memory = 512;
	strcpy(pkg.sha256, SHA_B);
	o.config = 1;
	o.code = 0;
	deploy_compare(&fn, ROLE, &pkg, &o, &p);
	assert_lines(&p, config);
	assert_false(p.code_changed);
	assert_true(p.config_changed);
	release_changes(&p);
}

/* No handler in the manifest (provided.*): whatever is deployed is fine;
 * no package: the code is not compared (list). */
static void
test_unset_handler_and_no_package(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	static const char *const none[] = { NULL };

	(void)state;
	twins(&fn, &p, &pkg);
	fn.handler = NULL;
	p.remote.code_sha256 = (char *)SHA_B;
	deploy_compare(&fn, ROLE, NULL, &all, &p);
	assert_lines(&p, none);
}

/*
 * CreateFunction answered "already exists" (after a retry Lambda had in
 * fact applied): ours exactly is carried on with; anything else is named.
 */
static void
test_check_existing(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	struct lc_err err;

	(void)state;
	twins(&fn, &p, &pkg);
	memset(&err, 0, sizeof err);
	assert_int_equal(deploy_check_existing(&fn, ROLE, &pkg, &p.remote,
	    &err), 0);
	assert_string_equal(err.msg, "");
	p.remote.memory = 128;
	p.remote.code_sha256 = (char *)SHA_B;
	assert_int_equal(deploy_check_existing(&fn, ROLE, &pkg, &p.remote,
	    &err), -1);
	assert_int_equal(err.status, LC_EFAIL);
	assert_string_equal(err.msg, "CreateFunction: the function already "
	    "exists, not as lambda.yml has it (~ code " SHA_B " -> " SHA_A
	    "; ~ memory 128 -> 360): change it with 'lambdactl update' or "
	    "'lambdactl deploy'");
	/* Another environment: named, its values never shown. */
	p.remote.memory = 360;
	p.remote.code_sha256 = (char *)SHA_A;
	fn.env = want_env;
	assert_int_equal(deploy_check_existing(&fn, ROLE, &pkg, &p.remote,
	    &err), -1);
	assert_string_equal(err.msg, "CreateFunction: the function already "
	    "exists, not as lambda.yml has it (+ environment.ADDED; ~ "
	    "environment.CHANGED (value hidden); - environment.REMOVED): "
	    "change it with 'lambdactl update' or 'lambdactl deploy'");
	assert_null(strstr(err.msg, "secret"));
}

/* Frees what deploy_compare put in the plan's extras. */
static void
release_extras(struct deploy_plan *p)
{
	size_t i;

	for (i = 0; i < p->extras.ntag; i++) {
		free(p->extras.tag[i].key);
		free(p->extras.tag[i].value);
	}
	free(p->extras.tag);
	for (i = 0; i < p->extras.nuntag; i++)
		free(p->extras.untag[i]);
	free(p->extras.untag);
	p->extras.tag = NULL;
	p->extras.untag = NULL;
	p->extras.ntag = p->extras.nuntag = 0;
	p->extras.concurrency_changed = p->extras.invoke_changed = 0;
	p->extras.unmark = 0;
	release_changes(p);
}

/* "KEY=VALUE ..." of the plan's TagResource, and "KEY ..." of its
 * UntagResource (the marker last: it comes off after the destination). */
static void
assert_tag_ops(const struct deploy_plan *p, const char *tag,
    const char *untag)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < p->extras.ntag; i++)
		buf_addf(&b, "%s%s=%s", i ? " " : "", p->extras.tag[i].key,
		    p->extras.tag[i].value);
	assert_string_equal(b.data, tag);
	buf_reset(&b);
	for (i = 0; i < p->extras.nuntag; i++)
		buf_addf(&b, "%s%s", i ? " " : "", p->extras.untag[i]);
	if (p->extras.unmark)
		buf_addf(&b, "%s" DEPLOY_TAG_ON_FAILURE, b.len ? " " : "");
	assert_string_equal(b.data, untag);
	buf_release(&b);
}

static struct manifest_kv want_tags[] = {
	{ (char *)"commit", (char *)"abc123" },
	{ (char *)"owner", (char *)"" },
	{ (char *)"team", (char *)"data" },
	{ (char *)"tier", (char *)"gold" },
};
/* The triggers' markers and AWS's own (never compared) sort among the
 * others. */
static struct manifest_kv have_tags[] = {
	{ (char *)"AWS:CloudFormation:stack-id", (char *)"arn:x" },
	{ (char *)"aws:cloudformation:stack-name", (char *)"jobs" },
	{ (char *)"cost", (char *)"x" },
	{ (char *)"lambdactl:sqs:1b2c", (char *)"jobs" },
	{ (char *)"lambdactl:triggers", (char *)"" },
	{ (char *)"owner", (char *)"ops" },
	{ (char *)"team", (char *)"data" },
	{ (char *)"tier", (char *)"silver" },
};

/*
 * Tags: exactly the difference, with values (no secrets); the "lambdactl:"
 * and "aws:" keys never compared; a value holding an unset ${env:} left
 * alone; and nothing at all when lambda.yml has no tags for the function,
 * or the function's tags are not known (ListFunctions).
 */
static void
test_tags(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	char *unresolved[] = { (char *)"tags.commit" };
	static const char *const want[] = {
		"+ tags.commit = abc123",
		"- tags.cost",
		"~ tags.owner ops -> \"\"",
		"~ tags.tier silver -> gold",
		NULL,
	};
	static const char *const none[] = { NULL };
	static const char *const drop_all[] = {
		"- tags.cost", "- tags.owner", "- tags.team", "- tags.tier",
		NULL,
	};

	(void)state;
	twins(&fn, &p, &pkg);
	fn.tags = want_tags;
	fn.ntags = 4;
	p.remote.tags = have_tags;
	p.remote.ntags = 8;
	p.extras.known = 1;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, want);
	assert_string_equal(p.changes[0].field, "tags.commit");
	assert_tag_ops(&p, "commit=abc123 owner= tier=gold", "cost");
	/* Nothing else changed: only the extras. */
	assert_false(p.config_changed);
	assert_false(p.code_changed);
	release_extras(&p);

	/* Under MANIFEST_DEFER_ENV, commit's value is not known. */
	fn.unresolved = unresolved;
	fn.nunresolved = 1;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, want + 1);
	assert_tag_ops(&p, "owner= tier=gold", "cost");
	release_extras(&p);
	fn.unresolved = NULL;
	fn.nunresolved = 0;

	/* No tags in lambda.yml: the function's are not lambdactl's. */
	fn.ntags = 0;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, none);
	assert_tag_ops(&p, "", "");
	/* tags: {}: every tag of the function's goes, but the reserved. */
	fn.tags_set = 1;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, drop_all);
	assert_tag_ops(&p, "", "cost owner team tier");
	release_extras(&p);
	fn.tags_set = 0;

	/* Not known (ListFunctions), or --code-only: not compared. */
	fn.ntags = 4;
	p.extras.known = 0;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, none);
	assert_tag_ops(&p, "", "");
	p.extras.known = 1;
	{
		struct deploy_opts code = all;

		code.config = 0;
		deploy_compare(&fn, ROLE, &pkg, &code, &p);
		assert_lines(&p, none);
	}
	/* The same tags: nothing. */
	p.remote.tags = want_tags;
	p.remote.ntags = 4;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, none);
	assert_tag_ops(&p, "", "");
}

static void
test_concurrency(void **state)
{
	static const struct {
		long		 want, have;
		const char	*line;
	} cases[] = {
		{ 10, MANIFEST_NO_CONCURRENCY,
		    "~ reserved_concurrency (none) -> 10" },
		{ 5, 10, "~ reserved_concurrency 10 -> 5" },
		{ MANIFEST_NO_CONCURRENCY, 10,
		    "~ reserved_concurrency 10 -> (none)" },
		/* 0 throttles every invoke: a value, not none. */
		{ 0, MANIFEST_NO_CONCURRENCY,
		    "~ reserved_concurrency (none) -> 0" },
		{ MANIFEST_NO_CONCURRENCY, 0,
		    "~ reserved_concurrency 0 -> (none)" },
		{ 0, 0, NULL },
		{ 7, 7, NULL },
		{ MANIFEST_NO_CONCURRENCY, MANIFEST_NO_CONCURRENCY, NULL },
		/* Not set in lambda.yml: whatever the function has stays. */
		{ MANIFEST_CONCURRENCY_UNSET, 10, NULL },
		{ MANIFEST_CONCURRENCY_UNSET, 0, NULL },
		{ MANIFEST_CONCURRENCY_UNSET, MANIFEST_NO_CONCURRENCY, NULL },
	};
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	const char *want[2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		twins(&fn, &p, &pkg);
		p.extras.known = 1;
		fn.reserved_concurrency = cases[i].want;
		p.remote.reserved_concurrency = cases[i].have;
		deploy_compare(&fn, ROLE, &pkg, &all, &p);
		want[0] = cases[i].line;
		want[1] = NULL;
		assert_lines(&p, want);
		assert_int_equal(p.extras.concurrency_changed,
		    cases[i].line != NULL);
		assert_false(p.config_changed);
		if (cases[i].line != NULL)
			assert_string_equal(p.changes[0].field,
			    "reserved_concurrency");
		release_extras(&p);
	}
	/* Not known (ListFunctions): not compared. */
	twins(&fn, &p, &pkg);
	fn.reserved_concurrency = 10;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_int_equal(p.nchanges, 0);
}

#define DLQ_A "arn:aws:sqs:us-east-1:123456789012:failed"
#define DLQ_B "arn:aws:sqs:us-east-1:123456789012:failed-2"

static struct manifest_kv marker_tag[] = {
	{ (char *)"lambdactl:on_failure", (char *)"" },
};

/*
 * on_failure: lambdactl's to keep when lambda.yml names a destination
 * (the marker tag goes on with one lambdactl sets) or the marker says
 * lambdactl set the one there (lambda.yml without the key: it goes, and
 * the marker); anyone else's is left alone.
 */
static void
test_on_failure(void **state)
{
	static const struct {
		const char	*name;
		const char	*want;
		const char	*have;
		int		 marked;
		const char	*line;
		const char	*tag, *untag;
	} cases[] = {
		{ "set", DLQ_A, NULL, 0, "~ on_failure (none) -> " DLQ_A,
		    "lambdactl:on_failure=", "" },
		{ "changed", DLQ_B, DLQ_A, 1, "~ on_failure " DLQ_A " -> "
		    DLQ_B, "", "" },
		{ "someone's changed by lambda.yml", DLQ_B, DLQ_A, 0,
		    "~ on_failure " DLQ_A " -> " DLQ_B,
		    "lambdactl:on_failure=", "" },
		{ "removed", NULL, DLQ_A, 1, "~ on_failure " DLQ_A " -> (none)",
		    "", "lambdactl:on_failure" },
		{ "removed by hand, then from lambda.yml", NULL, NULL, 1,
		    "- tag lambdactl:on_failure", "", "lambdactl:on_failure" },
		{ "someone else's", NULL, DLQ_A, 0, NULL, "", "" },
		{ "the same, ours", DLQ_A, DLQ_A, 1, NULL, "", "" },
		/* Named by lambda.yml as it is (imported, or the marker
		 * lost): the marker alone goes on. */
		{ "the same, not marked", DLQ_A, DLQ_A, 0,
		    "+ tag lambdactl:on_failure", "lambdactl:on_failure=", "" },
	};
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	const char *want[2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("# %s\n", cases[i].name);
		twins(&fn, &p, &pkg);
		p.extras.known = p.extras.invoke_known = 1;
		fn.on_failure = (char *)cases[i].want;
		p.extras.invoke.on_failure = (char *)cases[i].have;
		if (cases[i].marked) {
			p.remote.tags = marker_tag;
			p.remote.ntags = 1;
		}
		deploy_compare(&fn, ROLE, &pkg, &all, &p);
		want[0] = cases[i].line;
		want[1] = NULL;
		assert_lines(&p, want);
		assert_int_equal(p.extras.invoke_changed,
		    cases[i].line != NULL && cases[i].line[0] == '~');
		assert_tag_ops(&p, cases[i].tag, cases[i].untag);
		release_extras(&p);
	}
	/* Not read (invoke_known 0): not compared. */
	twins(&fn, &p, &pkg);
	p.extras.known = 1;
	fn.on_failure = (char *)DLQ_A;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_int_equal(p.nchanges, 0);
	/* Created with neither concurrency nor a destination elsewhere:
	 * deploy_check_existing compares none of them. */
	fn.reserved_concurrency = 3;
	{
		struct lc_err err;

		memset(&err, 0, sizeof err);
		assert_int_equal(deploy_check_existing(&fn, ROLE, &pkg,
		    &p.remote, &err), 0);
	}
}

/* In the order plan shows them and apply writes them: the configuration,
 * concurrency, on_failure, tags. */
static void
test_extras_order(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	static const char *const want[] = {
		"~ memory 360 -> 512",
		"~ reserved_concurrency (none) -> 10",
		"~ on_failure (none) -> " DLQ_A,
		"+ tags.commit = abc123",
		"- tags.cost",
		"~ tags.owner ops -> \"\"",
		"~ tags.tier silver -> gold",
		NULL,
	};

	(void)state;
	twins(&fn, &p, &pkg);
	p.extras.known = p.extras.invoke_known = 1;
	fn.memory = 512;
	fn.reserved_concurrency = 10;
	fn.on_failure = (char *)DLQ_A;
	fn.tags = want_tags;
	fn.ntags = 4;
	p.remote.tags = have_tags;
	p.remote.ntags = 8;
	deploy_compare(&fn, ROLE, &pkg, &all, &p);
	assert_lines(&p, want);
	assert_tag_ops(&p, "lambdactl:on_failure= commit=abc123 owner= "
	    "tier=gold", "cost");
	release_extras(&p);
}

#define FN_PATH "/2015-03-31/functions/jobs"
#define GOT_CONFIG "{\"FunctionName\":\"jobs\",\"FunctionArn\":" \
    "\"arn:aws:lambda:us-east-1:123456789012:function:jobs\"," \
    "\"Runtime\":\"java21\",\"Handler\":\"jobs.aws-lambda::handleRequest\"," \
    "\"Role\":\"" ROLE "\",\"MemorySize\":360,\"Timeout\":10," \
    "\"Environment\":{\"Variables\":{\"CHANGED\":\"old-secret\"," \
    "\"REMOVED\":\"y\",\"SAME\":\"1\"}},\"CodeSha256\":\"" SHA_A "\"," \
    "\"State\":\"Active\",\"LastUpdateStatus\":\"Successful\"," \
    "\"RevisionId\":\"r2\"}"

struct conflict_case {
	const char	*name;
	int		 create;	/* CreateFunction, not an update */
	const char	*headers;	/* of the first answer */
	const char	*body;
	int		 ret;		/* deploy_apply's */
	const char	*msg;		/* its error, when ret is -1 */
};

static const struct conflict_case conflict_cases[] = {
	{ "update: conflict by header", 0, "x-amzn-ErrorType: "
	    "ResourceConflictException:http://internal/\r\n",
	    "{\"Type\":\"User\",\"message\":\"An update is in progress\"}",
	    0, NULL },
	{ "update: stale RevisionId by __type", 0, "",
	    "{\"__type\":\"PreconditionFailedException\",\"message\":"
	    "\"The RevisionId does not match\"}", 0, NULL },
	/* The text alone does not make a conflict. */
	{ "update: another code naming the conflict", 0, "",
	    "{\"__type\":\"InvalidParameterValueException\",\"message\":"
	    "\"x: ResourceConflictException: y\"}", -1,
	    "jobs: UpdateFunctionConfiguration: "
	    "InvalidParameterValueException: x: ResourceConflictException: y" },
	{ "create: exists, as lambda.yml has it", 1, "x-amzn-ErrorType: "
	    "ResourceConflictException\r\n", "{\"message\":\"exists\"}", 0,
	    NULL },
	{ "create: another code naming the conflict", 1, "",
	    "{\"__type\":\"ServiceException\",\"message\":"
	    "\"x: ResourceConflictException: y\"}", -1,
	    "jobs: CreateFunction: ServiceException: x: "
	    "ResourceConflictException: y" },
};

/*
 * A plan of fn (twins) with nothing in it, and, when exists, a
 * configuration change of the function GOT_CONFIG describes.
 */
static void
bare_plan(struct manifest_fn *fn, struct deploy_plan *p,
    struct package_result *pkg, int exists)
{
	static const char cfg[] = GOT_CONFIG;
	struct lc_err err;

	twins(fn, p, pkg);
	memset(p, 0, sizeof *p);
	p->fn = fn;
	p->role_arn = ROLE;
	p->pkg = pkg;
	if (!exists)
		return;
	p->exists = 1;
	p->config_changed = 1;
	assert_int_equal(lambda_config_parse("GetFunction", cfg, strlen(cfg),
	    &p->remote, &err), 0);
}

/*
 * A conflict with another client (ResourceConflictException on an update,
 * PreconditionFailedException) makes deploy_apply wait and try again; on
 * CreateFunction, ResourceConflictException makes it look at what exists.
 * It goes by the error code: a message that names the code is not enough.
 */
static void
test_apply_conflict_by_code(void **state)
{
	const struct conflict_case *c;
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err;
	char *answers[4], zip[] = "/tmp/test-deploy.XXXXXX";
	size_t i, k, n;
	int fd;

	(void)state;
	fd = mkstemp(zip);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "PK", 2), 2);
	close(fd);
	for (k = 0; k < sizeof conflict_cases / sizeof conflict_cases[0];
	    k++) {
		c = &conflict_cases[k];
		print_message("# %s\n", c->name);
		bare_plan(&fn, &p, &pkg, !c->create);
		pkg.path = zip;
		answers[0] = testhttp_answer(c->create ? 409 : 400, c->headers,
		    c->body);
		/* The wait (GetFunction), the second try, the wait after it;
		 * after CreateFunction: the look (GetFunction), the wait. */
		answers[1] = testhttp_answer(200, "", "{\"Configuration\":"
		    GOT_CONFIG "}");
		answers[2] = c->create ? testhttp_answer(200, "",
		    "{\"Configuration\":" GOT_CONFIG "}") :
		    testhttp_answer(200, "", GOT_CONFIG);
		answers[3] = testhttp_answer(200, "", "{\"Configuration\":"
		    GOT_CONFIG "}");
		n = c->ret == -1 ? 1 : c->create ? 3 : 4;
		testhttp_start(&h, (const char *const *)answers, n);
		lc_error_clear(&err);
		assert_int_equal(deploy_apply(&h.client, &p, &fast, NULL, &r,
		    &err), c->ret);
		assert_int_equal(testhttp_stop(&h), n);
		assert_string_equal(h.reqs[0], c->create ?
		    "POST /2015-03-31/functions" :
		    "PUT " FN_PATH "/configuration");
		if (c->ret == -1)
			assert_string_equal(err.msg, c->msg);
		else {
			assert_string_equal(h.reqs[1], "GET " FN_PATH);
			assert_string_equal(h.reqs[2], c->create ?
			    "GET " FN_PATH : "PUT " FN_PATH "/configuration");
			assert_string_equal(r.status, c->create ? "created" :
			    "updated");
			assert_string_equal(r.code_sha256, SHA_A);
			deploy_result_release(&r);
		}
		deploy_plan_release(&p);
		for (i = 0; i < 4; i++)
			free(answers[i]);
	}
	unlink(zip);
}

/* The body of request i of h (after the head). */
static const char *
body_of(const struct testhttp *h, size_t i)
{
	const char *b = strstr(h->raw[i], "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

#define ARN_PATH "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ajobs"
#define SNS "arn:aws:sns:us-east-1:123456789012:done"

/* fn and the plan of its deployed twin, as GetFunction body got has it,
 * its extras known (the invoke configuration empty). */
static void
existing(struct manifest_fn *fn, struct deploy_plan *p,
    struct package_result *pkg, const char *got)
{
	struct lc_err err;

	twins(fn, p, pkg);
	memset(p, 0, sizeof *p);
	p->fn = fn;
	p->role_arn = ROLE;
	p->exists = 1;
	assert_int_equal(lambda_function_parse(got, strlen(got), &p->remote,
	    &err), 0);
	p->extras.known = p->extras.invoke_known = 1;
	lambda_invoke_config_init(&p->extras.invoke);
}

/*
 * Only the extras changed: deploy_apply writes them alone, in order
 * (concurrency, tags: removals first, the destination), the rest of the
 * asynchronous invocation configuration sent back as read; then the same
 * with the removals (nothing else left in the configuration: deleted),
 * the marker coming off after the destination.
 */
static void
test_apply_extras(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err;
	struct manifest_kv one_tag[] = { { (char *)"team", (char *)"data" } };
	char *answers[2];
	static const char got[] = "{\"Configuration\":" GOT_CONFIG ","
	    "\"Tags\":{\"cost\":\"x\",\"lambdactl:on_failure\":\"\","
	    "\"team\":\"ops\"},\"Concurrency\":"
	    "{\"ReservedConcurrentExecutions\":3}}";
	static const char got_marker[] = "{\"Configuration\":" GOT_CONFIG ","
	    "\"Tags\":{\"lambdactl:on_failure\":\"\"},\"Concurrency\":"
	    "{\"ReservedConcurrentExecutions\":3}}";
	static const char *const want[] = {
		"~ reserved_concurrency 3 -> 10",
		"~ on_failure " DLQ_A " -> " DLQ_B,
		"- tags.cost",
		"~ tags.team ops -> data",
		NULL,
	};

	(void)state;
	existing(&fn, &p, &pkg, got);
	p.extras.invoke.on_failure = xstrdup(DLQ_A);
	p.extras.invoke.on_success = xstrdup(SNS);
	p.extras.invoke.max_retries = 1;
	fn.reserved_concurrency = 10;
	fn.on_failure = (char *)DLQ_B;
	fn.tags = one_tag;
	fn.ntags = 1;
	deploy_compare(&fn, ROLE, NULL, &fast, &p);
	assert_lines(&p, want);
	testhttp_start_json(&h, 4, 200, "{\"ReservedConcurrentExecutions\":10}",
	    204, "", 204, "", 200, "{}");
	assert_int_equal(deploy_apply(&h.client, &p, &fast, NULL, &r, &err), 0);
	assert_string_equal(r.status, "updated");
	assert_string_equal(h.reqs[0],
	    "PUT /2017-10-31/functions/jobs/concurrency");
	assert_string_equal(body_of(&h, 0),
	    "{\"ReservedConcurrentExecutions\":10}");
	assert_string_equal(h.reqs[1], "DELETE /2017-03-31/tags/" ARN_PATH
	    "?tagKeys=cost");
	assert_string_equal(h.reqs[2], "POST /2017-03-31/tags/" ARN_PATH);
	assert_string_equal(body_of(&h, 2), "{\"Tags\":{\"team\":\"data\"}}");
	assert_string_equal(h.reqs[3],
	    "PUT /2019-09-25/functions/jobs/event-invoke-config");
	assert_string_equal(body_of(&h, 3), "{\"MaximumRetryAttempts\":1,"
	    "\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" SNS
	    "\"},\"OnFailure\":{\"Destination\":\"" DLQ_B "\"}}}");
	testhttp_stop_json(&h);
	deploy_result_release(&r);
	deploy_plan_release(&p);

	/* lambda.yml drops both ("none", no on_failure): the concurrency
	 * and the configuration (nothing else in it) are deleted, the
	 * marker comes off. */
	existing(&fn, &p, &pkg, got_marker);
	fn.reserved_concurrency = MANIFEST_NO_CONCURRENCY;
	p.extras.invoke.on_failure = xstrdup(DLQ_A);
	deploy_compare(&fn, ROLE, NULL, &fast, &p);
	testhttp_start_json(&h, 3, 204, "", 204, "", 204, "");
	assert_int_equal(deploy_apply(&h.client, &p, &fast, NULL, &r, &err), 0);
	assert_string_equal(h.reqs[0],
	    "DELETE /2017-10-31/functions/jobs/concurrency");
	assert_string_equal(h.reqs[1],
	    "DELETE /2019-09-25/functions/jobs/event-invoke-config");
	assert_string_equal(h.reqs[2], "DELETE /2017-03-31/tags/" ARN_PATH
	    "?tagKeys=lambdactl%3Aon_failure");
	testhttp_stop_json(&h);
	deploy_result_release(&r);
	deploy_plan_release(&p);

	/* The marker refused: no destination is set without it. */
	existing(&fn, &p, &pkg, "{\"Configuration\":" GOT_CONFIG "}");
	fn.on_failure = (char *)DLQ_A;
	deploy_compare(&fn, ROLE, NULL, &fast, &p);
	answers[0] = testhttp_answer(400, "", "{\"__type\":"
	    "\"AccessDeniedException\",\"message\":\"no tagging\"}");
	answers[1] = testhttp_answer(200, "", "{}");
	testhttp_start(&h, (const char *const *)answers, 2);
	assert_int_equal(deploy_apply(&h.client, &p, &fast, NULL, &r, &err),
	    -1);
	assert_string_equal(h.reqs[0], "POST /2017-03-31/tags/" ARN_PATH);
	assert_non_null(strstr(err.msg, "AccessDeniedException"));
	assert_int_equal(testhttp_stop(&h), 1);	/* no Put after it */
	free(answers[0]);
	free(answers[1]);
	deploy_plan_release(&p);
}

/*
 * A new function: its tags go with CreateFunction; the concurrency, the
 * destination's marker and the destination are set once it is Active.
 */
static void
test_apply_create_extras(void **state)
{
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err;
	char zip[] = "/tmp/test-deploy.XXXXXX";
	struct manifest_kv one_tag[] = { { (char *)"team", (char *)"data" } };
	static const char *const want[] = {
		"+ create (java21, 360 MB, 10 s, x86_64, code " SHA_A ")",
		"~ reserved_concurrency (none) -> 0",
		"~ on_failure (none) -> " DLQ_A,
		NULL,
	};
	int fd;

	(void)state;
	fd = mkstemp(zip);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "PK", 2), 2);
	close(fd);
	twins(&fn, &p, &pkg);
	pkg.path = zip;
	fn.reserved_concurrency = 0;
	fn.on_failure = (char *)DLQ_A;
	fn.tags = one_tag;
	fn.ntags = 1;
	testhttp_start_json(&h, 6,
	    404, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"no\"}",
	    201, GOT_CONFIG,
	    200, "{\"Configuration\":" GOT_CONFIG "}",
	    200, "{\"ReservedConcurrentExecutions\":0}",
	    204, "",
	    200, "{}");
	assert_int_equal(deploy_plan(&h.client, &fn, ROLE, &pkg, &fast, &p,
	    &err), 0);
	assert_lines(&p, want);
	assert_int_equal(deploy_apply(&h.client, &p, &fast, NULL, &r, &err), 0);
	assert_string_equal(r.status, "created");
	assert_string_equal(h.reqs[1], "POST /2015-03-31/functions");
	assert_non_null(strstr(body_of(&h, 1),
	    "\"Tags\":{\"team\":\"data\"}"));
	assert_string_equal(h.reqs[2], "GET " FN_PATH);
	assert_string_equal(h.reqs[3],
	    "PUT /2017-10-31/functions/jobs/concurrency");
	assert_string_equal(body_of(&h, 3),
	    "{\"ReservedConcurrentExecutions\":0}");
	assert_string_equal(h.reqs[4], "POST /2017-03-31/tags/" ARN_PATH);
	assert_string_equal(body_of(&h, 4),
	    "{\"Tags\":{\"lambdactl:on_failure\":\"\"}}");
	assert_string_equal(h.reqs[5],
	    "PUT /2019-09-25/functions/jobs/event-invoke-config");
	assert_string_equal(body_of(&h, 5), "{\"DestinationConfig\":{"
	    "\"OnFailure\":{\"Destination\":\"" DLQ_A "\"}}}");
	testhttp_stop_json(&h);
	deploy_result_release(&r);
	deploy_plan_release(&p);
	unlink(zip);
}

/* The waits' schedule: 250 ms, half as long again each time, capped. */
static void
test_poll_schedule(void **state)
{
	static const long want[] = { 250, 375, 562, 843, 1000, 1000 };
	long ms = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		ms = lambda_poll_next(ms, 1000);
		assert_int_equal(ms, want[i]);
	}
	assert_int_equal(lambda_poll_next(0, 0), 250);
	assert_int_equal(lambda_poll_next(843, 0), 1000);
	assert_int_equal(lambda_poll_next(0, 1), 1);
	assert_int_equal(lambda_poll_next(375, 400), 400);
}

#define GF(state, status) "{\"Configuration\":{\"FunctionName\":\"jobs\"," \
    "\"State\":\"" state "\",\"LastUpdateStatus\":\"" status "\"}}"

/*
 * lambda_wait polls on that schedule: the first GetFunction 250 ms after
 * the call, then 375 ms later, then (capped by poll_ms 400) 400 ms later;
 * it returns at the first settled answer.
 */
static void
test_wait_schedule(void **state)
{
	struct lambda_config cfg;
	struct testhttp h;
	struct lc_err err;
	double t0, elapsed;

	(void)state;
	testhttp_start_json(&h, 3, 200, GF("Pending", "InProgress"), 200,
	    GF("Active", "InProgress"), 200, GF("Active", "Successful"));
	t0 = clock_ms();
	assert_int_equal(lambda_wait(&h.client, "jobs", 30, 400, NULL, NULL,
	    NULL, &cfg, &err), 0);
	elapsed = clock_ms() - t0;
	testhttp_stop_json(&h);
	assert_string_equal(cfg.last_update_status, "Successful");
	lambda_config_release(&cfg);
	/* 250 + 375 + 400 ms of sleeps, and a loaded machine's slack. */
	if (elapsed < 1025 || elapsed > 10000)
		fail_msg("lambda_wait took %.0f ms, not 1025 ms and the "
		    "requests", elapsed);
}

static void
no_pause(long ms)
{
	(void)ms;
}

/* lambda_wait's failures: the function gone, the permission missing (a
 * hint naming it), the timeout (the last state seen). */
static void
test_wait_errors(void **state)
{
	struct testhttp h;
	struct lc_err err;

	(void)state;
	testhttp_start_json(&h, 3, 404, "{\"__type\":"
	    "\"ResourceNotFoundException\",\"message\":\"gone\"}", 403,
	    "{\"__type\":\"AccessDeniedException\",\"message\":\"no\"}",
	    200, GF("Pending", "InProgress"));
	h.client.sleep_ms = no_pause;
	memset(&err, 0, sizeof err);
	assert_int_equal(lambda_wait(&h.client, "jobs", 30, 0, NULL, NULL,
	    NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "the function disappeared while "
	    "lambdactl waited for it");
	assert_int_equal(lambda_wait(&h.client, "jobs", 30, 0, NULL, NULL,
	    NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "no (lambdactl waits by polling "
	    "GetFunction: the credentials need lambda:GetFunction)"));
	assert_int_equal(lambda_wait(&h.client, "jobs", 0, 0, NULL, NULL,
	    NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "timed out after 0 s waiting for the "
	    "function to settle (State Pending, LastUpdateStatus InProgress)");
	testhttp_stop_json(&h);
}

/* The stop flag: set by the hook as the configuration update begins. */
static volatile sig_atomic_t stop_flag;

static void
stop_at_config(void *arg, const char *fn, enum deploy_stage st,
    const char *detail)
{
	(void)arg;
	(void)fn;
	(void)detail;
	if (st == DEPLOY_STAGE_CONFIG)
		stop_flag = SIGINT;
}

/*
 * A signal during a configuration update: a real failure of that update
 * keeps its message (not lc_error_stopped: deploy_run does not call it
 * stopped); a conflict is not retried (no wait); a success is not waited
 * for (the wait is cut: lc_error_stopped, status 130); each makes one
 * request only.
 */
static void
test_apply_stop(void **state)
{
	static const struct {
		const char	*name;
		int		 status;
		const char	*headers, *body;
		int		 stopped;
		unsigned	 done;
		const char	*msg;
	} cases[] = {
		{ "a real failure", 400, "", "{\"__type\":"
		    "\"InvalidParameterValueException\",\"message\":\"bad\"}",
		    0, 0, "jobs: UpdateFunctionConfiguration: "
		    "InvalidParameterValueException: bad" },
		{ "a conflict: no retry", 409, "x-amzn-ErrorType: "
		    "ResourceConflictException\r\n", "{\"message\":\"busy\"}",
		    1, 0, "jobs: interrupted" },
		{ "updated: the wait cut", 200, "", GOT_CONFIG, 1,
		    DEPLOY_DID_CONFIG, "jobs: interrupted" },
	};
	const struct deploy_hooks hooks = { .stage = stop_at_config };
	struct deploy_opts o = fast;
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err;
	char *answer;
	size_t k;

	(void)state;
	o.stop = &stop_flag;
	o.poll_ms = 5000;	/* a wait not cut would take seconds */
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		print_message("# %s\n", cases[k].name);
		stop_flag = 0;
		bare_plan(&fn, &p, &pkg, 1);
		answer = testhttp_answer(cases[k].status, cases[k].headers,
		    cases[k].body);
		testhttp_start(&h, (const char *const *)&answer, 1);
		lc_error_clear(&err);
		assert_int_equal(deploy_apply(&h.client, &p, &o, &hooks, &r,
		    &err), -1);
		assert_int_equal(testhttp_stop(&h), 1);
		assert_string_equal(err.msg, cases[k].msg);
		assert_int_equal(lc_error_stopped(&err), cases[k].stopped);
		if (cases[k].stopped)
			assert_int_equal(err.status, 128 + SIGINT);
		assert_int_equal(r.done, cases[k].done);
		deploy_plan_release(&p);
		free(answer);
	}
}

/*
 * lambda_wait with the stop flag set while it pauses between polls (the
 * pauses faked: slept counts them): -1 at once, lc_error_stopped, having
 * paused in slices of 0.1 s at most; set before: no request at all.
 */
static long slept, max_slice;

static void
sleep_then_stop(long ms)
{
	slept += ms;
	if (ms > max_slice)
		max_slice = ms;
	if (slept >= 700)
		stop_flag = SIGTERM;
}

static void
test_wait_stop(void **state)
{
	struct testhttp h;
	struct lc_err err;

	(void)state;
	stop_flag = 0;
	slept = max_slice = 0;
	/* Polls after 250 and 625 ms; the stop 100 ms into the third
	 * pause (562 ms, 30 s at most). */
	testhttp_start_json(&h, 2, 200, GF("Pending", "InProgress"), 200,
	    GF("Pending", "InProgress"));
	h.client.sleep_ms = sleep_then_stop;
	assert_int_equal(lambda_wait(&h.client, "jobs", 600, 30000,
	    &stop_flag, NULL, NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "interrupted");
	assert_int_equal(err.status, 128 + SIGTERM);
	assert_true(lc_error_stopped(&err));
	assert_int_equal(slept, 725);
	assert_true(max_slice <= 100);
	/* Set already: no request at all. */
	assert_int_equal(lambda_wait(&h.client, "jobs", 600, 30000,
	    &stop_flag, NULL, NULL, NULL, &err), -1);
	assert_int_equal(err.status, 128 + SIGTERM);
	assert_int_equal(slept, 725);
	testhttp_stop_json(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_code_only_and_config_only),
		cmocka_unit_test(test_unset_handler_and_no_package),
		cmocka_unit_test(test_check_existing),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_concurrency),
		cmocka_unit_test(test_on_failure),
		cmocka_unit_test(test_extras_order),
		cmocka_unit_test(test_apply_conflict_by_code),
		cmocka_unit_test(test_apply_extras),
		cmocka_unit_test(test_apply_create_extras),
		cmocka_unit_test(test_poll_schedule),
		cmocka_unit_test(test_wait_schedule),
		cmocka_unit_test(test_wait_errors),
		cmocka_unit_test(test_apply_stop),
		cmocka_unit_test(test_wait_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
