/*
 * test-deploy.c - what deploy_compare reports, line by line; and how
 * deploy_apply tells another client's update from other errors (by the AWS
 * error code, against a scripted local server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	strcpy(pkg->sha256, SHA_A);
}

/* Frees the changes only: everything else in the plan is borrowed here. */
static void
release_changes(struct deploy_plan *p)
{
	size_t i;

	for (i = 0; i < p->nchanges; i++) {
		free(p->changes[i].field);
		free(p->changes[i].text);
	}
	free(p->changes);
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

static const struct deploy_opts all = { .mode = DEPLOY_ANY, .code = 1,
    .config = 1 };

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
 * A conflict with another client (ResourceConflictException on an update,
 * PreconditionFailedException) makes deploy_apply wait and try again; on
 * CreateFunction, ResourceConflictException makes it look at what exists.
 * It goes by the error code: a message that names the code is not enough.
 */
static void
test_apply_conflict_by_code(void **state)
{
	const struct conflict_case *c;
	struct deploy_opts o = { .mode = DEPLOY_ANY, .code = 1, .config = 1,
	    .wait_timeout = 10, .poll_ms = 1 };
	struct manifest_fn fn;
	struct deploy_plan p;
	struct package_result pkg;
	struct deploy_result r;
	struct testhttp h;
	struct lc_err err;
	char *answers[4], zip[] = "/tmp/test-deploy.XXXXXX";
	static const char cfg[] = GOT_CONFIG;
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
		twins(&fn, &p, &pkg);
		memset(&p, 0, sizeof p);
		p.fn = &fn;
		p.role_arn = ROLE;
		p.pkg = &pkg;
		pkg.path = zip;
		if (!c->create) {
			p.exists = 1;
			p.config_changed = 1;
			assert_int_equal(lambda_config_parse("GetFunction", cfg,
			    strlen(cfg), &p.remote, &err), 0);
		}
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
		assert_int_equal(deploy_apply(&h.client, &p, &o, NULL, &r,
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_code_only_and_config_only),
		cmocka_unit_test(test_unset_handler_and_no_package),
		cmocka_unit_test(test_check_existing),
		cmocka_unit_test(test_apply_conflict_by_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
