/*
 * test-manifest.c - lambda.yml: inheritance and merging, defaults,
 * ${env:...} interpolation, limits, manifest_path and manifest_find, the
 * shipped lambda.yml.example, and the bad-manifest corpus: every file of
 * $BAD_MANIFESTS (default tests/fixtures/bad) is its own test, its first
 * two lines naming the exact status and error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "fnsettings.h"
#include "manifest.h"
#include "xmalloc.h"


#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#define GOOD		"tests/fixtures/good/"
#define EXAMPLE		"lambda.yml.example"
#define CORPUS_MIN	30
#define SECRET		"hunter2-very-secret"

/* The head most test manifests written here share. */
#define JOBS	"role: lambda-exec\n" FNS
#define FNS								\
	"functions:\n"							\
	"  jobs:\n"							\
	"    runtime: java21\n"						\
	"    handler: jobs.aws-lambda::handleRequest\n"			\
	"    artifact: target/jobs-standalone.jar\n"

/* One corpus file: its path and what its header expects. */
struct bad_case {
	char	*path;
	char	*name;
	int	 status;
	char	*expect;	/* "PATH:" + the "# expect:" text */
	char	*problem;	/* a malformed header, or NULL */
};

static char tmpdir[64];
static char tmpfile_path[128];
static struct bad_case *bad;
static size_t nbad;
static const char *bad_dir;


static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Writes text to the scratch manifest and returns its path. */
static const char *
scratch(const char *text)
{
	write_file(tmpfile_path, text);
	return tmpfile_path;
}

/* Loads path, failing the test with the error when it does not load. */
static void
load_ok(struct manifest *m, const char *path)
{
	struct lc_err err;

	lc_error_clear(&err);
	if (manifest_load(m, path, &err) == -1)
		fail_msg("%s: %s", path, err.msg);
}

/* Loads path, which must fail with status 3 and "PATH:" + want. */
static void
load_fails(const char *path, const char *want)
{
	struct manifest m;
	struct lc_err err;
	char *full;

	lc_error_clear(&err);
	if (manifest_load(&m, path, &err) == 0) {
		manifest_release(&m);
		fail_msg("%s loaded, want error '%s'", path, want);
	}
	full = xasprintf("%s:%s", path, want);
	assert_string_equal(err.msg, full);
	assert_int_equal(err.status, LC_ECONFIG);
	free(full);
	/* Failure leaves nothing to free, and releasing is still safe. */
	assert_null(m.fns);
	assert_null(m.path);
	manifest_release(&m);
}

/* The value of key in kv, which must be there. */
static const char *
kv_get(const struct manifest_kv *kv, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	fail_msg("no key '%s'", key);
	return NULL;
}

/* Asserts that kv's keys are exactly the NULL-terminated list, in order. */
static void
assert_keys(const struct manifest_kv *kv, size_t n, ...)
{
	const char *k;
	size_t i = 0;
	va_list ap;

	va_start(ap, n);
	while ((k = va_arg(ap, const char *)) != NULL) {
		assert_true(i < n);
		assert_string_equal(kv[i++].key, k);
	}
	va_end(ap);
	assert_int_equal(i, n);
}

static const struct manifest_fn *
find_ok(const struct manifest *m, const char *name)
{
	const struct manifest_fn *f = manifest_find(m, name);

	if (f == NULL)
		fail_msg("no function '%s'", name);
	return f;
}

static void
test_inherit(void **state)
{
	struct manifest m;
	const struct manifest_fn *f;

	(void)state;
	load_ok(&m, GOOD "inherit.yml");
	assert_string_equal(m.path, GOOD "inherit.yml");
	assert_string_equal(m.dir, "tests/fixtures/good");
	assert_string_equal(m.region, "eu-west-1");
	assert_string_equal(m.profile, "ci");
	assert_int_equal(m.nfns, 3);
	assert_string_equal(m.fns[0].name, "jobs");
	assert_string_equal(m.fns[1].name, "reports");
	assert_string_equal(m.fns[2].name, "native");

	/* Every unset key from the top level; maps merged, lists replaced. */
	f = find_ok(&m, "jobs");
	assert_int_equal(f->line, 22);
	assert_int_equal(f->col, 3);
	assert_string_equal(f->runtime, "java21");
	assert_string_equal(f->handler, "jobs.aws-lambda::handleRequest");
	assert_string_equal(f->role, "lambda-exec");
	assert_string_equal(f->description, "shared description");
	assert_string_equal(f->artifact, "target/jobs-standalone.jar");
	assert_string_equal(f->build, "lein uberjar");
	assert_string_equal(f->architecture, "arm64");
	assert_string_equal(f->region, "eu-west-1");
	assert_string_equal(f->profile, "ci");
	assert_int_equal(f->memory, 360);
	assert_int_equal(f->timeout, 30);
	assert_int_equal(f->ephemeral_storage, 1024);
	assert_keys(f->env, f->nenv, "DEBUG", "EMPTY", "PORT", "SHARED",
	    "STAGE", NULL);
	assert_string_equal(kv_get(f->env, f->nenv, "DEBUG"), "false");
	assert_string_equal(kv_get(f->env, f->nenv, "EMPTY"), "");
	assert_string_equal(kv_get(f->env, f->nenv, "PORT"), "8080");
	assert_string_equal(kv_get(f->env, f->nenv, "SHARED"), "fn");
	assert_string_equal(kv_get(f->env, f->nenv, "STAGE"), "prod");
	assert_keys(f->tags, f->ntags, "cost", "team", NULL);
	assert_string_equal(kv_get(f->tags, f->ntags, "cost"), "7");
	assert_string_equal(kv_get(f->tags, f->ntags, "team"), "data");
	assert_int_equal(f->nlayers, 2);
	assert_string_equal(f->layers[0],
	    "arn:aws:lambda:eu-west-1:123456789012:layer:jdk:3");
	assert_string_equal(f->layers[1],
	    "arn:aws-cn:lambda:cn-north-1:123456789012:layer:extra-deps_2:12");

	/* An alias: the same settings under another name and position. */
	f = find_ok(&m, "reports");
	assert_int_equal(f->line, 35);
	assert_string_equal(f->artifact, "target/jobs-standalone.jar");
	assert_int_equal(f->memory, 360);
	assert_string_equal(kv_get(f->env, f->nenv, "SHARED"), "fn");
	assert_int_equal(f->nlayers, 2);

	/* Everything overridden; an empty list replaces the top's. */
	f = find_ok(&m, "native");
	assert_string_equal(f->runtime, "provided.al2023");
	assert_string_equal(f->handler, "bootstrap");
	assert_string_equal(f->role,
	    "arn:aws:iam::123456789012:role/service-role/native-exec");
	assert_string_equal(f->region, "us-east-1");
	assert_string_equal(f->profile, "other");
	assert_string_equal(f->description, "");
	assert_string_equal(f->build, "make native");
	assert_string_equal(f->architecture, "x86_64");
	assert_int_equal(f->memory, 512);
	assert_int_equal(f->timeout, 900);
	assert_int_equal(f->ephemeral_storage, 10240);
	assert_int_equal(f->nlayers, 0);
	assert_keys(f->env, f->nenv, "SHARED", "STAGE", NULL);
	assert_string_equal(kv_get(f->env, f->nenv, "SHARED"), "top");
	assert_keys(f->tags, f->ntags, "cost", "team", NULL);
	assert_string_equal(kv_get(f->tags, f->ntags, "cost"), "42");

	assert_null(manifest_find(&m, "job"));
	assert_null(manifest_find(&m, ""));
	manifest_release(&m);
	assert_null(m.fns);
	assert_int_equal(m.nfns, 0);
	manifest_release(&m);
}

static void
test_defaults(void **state)
{
	struct manifest m;
	const struct manifest_fn *f;

	(void)state;
	load_ok(&m, GOOD "minimal.yml");
	assert_null(m.region);
	assert_null(m.profile);
	assert_int_equal(m.nfns, 1);
	f = find_ok(&m, "hello");
	assert_string_equal(f->runtime, "provided.al2");
	assert_null(f->handler);
	assert_null(f->description);
	assert_null(f->build);
	assert_null(f->region);
	assert_null(f->profile);
	/* Lambda's defaults, as lambda.yml(5) gives them. */
	assert_string_equal(f->architecture, "x86_64");
	assert_int_equal(f->memory, 128);
	assert_int_equal(f->timeout, 3);
	assert_int_equal(f->ephemeral_storage, 512);
	assert_int_equal(f->nenv, 0);
	assert_int_equal(f->ntags, 0);
	assert_int_equal(f->nlayers, 0);
	manifest_release(&m);
}

static void
test_interpolation(void **state)
{
	struct manifest m;
	const struct manifest_fn *f;

	(void)state;
	setenv("LCTEST_ROLE", "from-env-role", 1);
	setenv("LCTEST_JAVA", "17", 1);
	setenv("LCTEST_TIMEOUT", "15", 1);
	setenv("LCTEST_EMPTY", "", 1);
	setenv("LCTEST_SECRET", SECRET, 1);
	setenv("LCTEST_ACCOUNT", "123456789012", 1);
	load_ok(&m, GOOD "interpolate.yml");
	f = find_ok(&m, "jobs");
	assert_string_equal(f->role, "from-env-role");
	assert_string_equal(f->runtime, "java17");
	assert_int_equal(f->memory, 1024);	/* a default, converted */
	assert_int_equal(f->timeout, 15);
	assert_string_equal(f->artifact, "target/jobs-standalone.jar");
	assert_string_equal(f->description,
	    "costs ${env:LCTEST_ROLE} and $5, !");
	assert_string_equal(kv_get(f->env, f->nenv, "SECRET"), SECRET);
	assert_string_equal(kv_get(f->env, f->nenv, "EMPTY"), "");
	/* Set but empty is set: the default is not used. */
	assert_string_equal(kv_get(f->env, f->nenv, "EMPTY_DEFAULT"), "");
	assert_string_equal(kv_get(f->env, f->nenv, "DEFAULT"),
	    "fallback:-x");
	assert_string_equal(kv_get(f->env, f->nenv, "TWO"), "17-15");
	assert_string_equal(kv_get(f->env, f->nenv, "DOLLARS"),
	    "$$ and $${env:LCTEST_JAVA}");
	assert_string_equal(kv_get(f->tags, f->ntags, "owner"), "");
	assert_string_equal(f->layers[0],
	    "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1");
	manifest_release(&m);

	unsetenv("LCTEST_SECRET");
	load_fails(GOOD "interpolate.yml", "12:15: environment variable "
	    "'LCTEST_SECRET' is not set (used as ${env:LCTEST_SECRET})");
	unsetenv_prefix("LCTEST_");
}

/* Interpolated values never reach a message: the text as written does. */
static void
test_interpolation_secrets(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*want;
	} cases[] = {
		{ JOBS "    memory: ${env:LCTEST_SECRET}\n",
		  "7:13: 'memory' must be a whole number of MB, not "
		  "'${env:LCTEST_SECRET}'" },
		{ JOBS "    memory: ${env:LCTEST_BIG}\n",
		  "7:13: 'memory' must be from 128 to 10240 MB, not "
		  "'${env:LCTEST_BIG}'" },
		{ "role: x${env:LCTEST_SECRET}/\n" FNS,
		  "1:7: 'role' must be a role name or an IAM role ARN "
		  "(arn:aws:iam::ACCOUNT:role/NAME), not "
		  "'x${env:LCTEST_SECRET}/'" },
		{ JOBS "    architecture: ${env:LCTEST_SECRET}\n",
		  "7:19: 'architecture' must be 'x86_64' or 'arm64', not "
		  "'${env:LCTEST_SECRET}'" },
		{ JOBS "    region: ${env:LCTEST_SECRET}\n",
		  "7:13: 'region' must be an AWS region such as 'eu-west-1', "
		  "not '${env:LCTEST_SECRET}'" },
		{ JOBS "    layers: [\"${env:LCTEST_SECRET}\"]\n",
		  "7:14: invalid layer '${env:LCTEST_SECRET}' (expected "
		  "arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)" },
		/* No "did you mean" either: it would hint at the value. */
		{ "role: r\nfunctions:\n  jobs:\n"
		  "    runtime: ${env:LCTEST_RUNTIME}\n"
		  "    handler: h\n    artifact: a\n",
		  "4:14: unknown runtime '${env:LCTEST_RUNTIME}'" },
		{ "role: r\nfunctions:\n  jobs:\n"
		  "    runtime: ${env:LCTEST_JAVA}\n"
		  "    artifact: a\n",
		  "3:3: function 'jobs' needs a 'handler' for runtime "
		  "'${env:LCTEST_JAVA}'" },
	};
	struct manifest m;
	struct lc_err err;
	size_t i;

	(void)state;
	setenv("LCTEST_SECRET", SECRET, 1);
	setenv("LCTEST_BIG", "20480", 1);
	setenv("LCTEST_RUNTIME", "java22", 1);
	setenv("LCTEST_JAVA", "java21", 1);
	for (i = 0; i < nitems(cases); i++) {
		print_message("# case %zu\n", i);
		load_fails(scratch(cases[i].yaml), cases[i].want);
	}

	/* Limits report sizes, not contents. */
	setenv("LCTEST_SECRET", SECRET "\n" SECRET, 1);
	load_fails(scratch(JOBS "    handler_x: 1\n"),
	    "7:5: unknown key 'handler_x' (did you mean 'handler'?)");
	lc_error_clear(&err);
	assert_int_equal(manifest_load(&m, scratch(
	    "role: r\nfunctions:\n  jobs:\n    runtime: java21\n"
	    "    handler: ${env:LCTEST_SECRET}\n    artifact: a\n"), &err),
	    -1);
	assert_null(strstr(err.msg, "hunter2"));
	assert_string_equal(err.msg + strlen(tmpfile_path),
	    ":5:14: 'handler' must not contain white space");
	unsetenv_prefix("LCTEST_");
}

/* The environment limit counts key and value bytes: 4096 is fine. */
static void
test_env_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct manifest m;
	size_t i;

	(void)state;
	buf_adds(&b, JOBS "    environment:\n      KEY: ");
	for (i = 0; i < 4096 - 3 - 2; i++)
		buf_addch(&b, 'v');
	buf_adds(&b, "\n      AB: \"\"\n");
	load_ok(&m, scratch(b.data));
	assert_int_equal(strlen(m.fns[0].env[1].value), 4091);
	manifest_release(&m);
	buf_adds(&b, "      C: \"\"\n");
	load_fails(scratch(b.data), "3:3: function 'jobs': environment is "
	    "4097 bytes, over Lambda's 4 KB limit");

	/* The merged environment counts; interpolated values too. */
	setenv("LCTEST_BIG", "", 1);
	buf_reset(&b);
	buf_adds(&b, "environment:\n  A: ${env:LCTEST_BIG}\n" JOBS);
	load_ok(&m, scratch(b.data));
	manifest_release(&m);
	for (i = 0; i < 4096; i++)
		buf_addch(&b, 'x');
	setenv("LCTEST_BIG", b.data + b.len - 4096, 1);
	load_fails(scratch("environment:\n  A: ${env:LCTEST_BIG}\n" JOBS),
	    "5:3: function 'jobs': environment is 4097 bytes, over Lambda's "
	    "4 KB limit");
	buf_release(&b);
	unsetenv_prefix("LCTEST_");
}

/* Up to 50 tags and 5 layers; lengths of names and values. */
static void
test_other_limits(void **state)
{
	struct buf b = BUF_INIT;
	struct manifest m;
	char *want;
	size_t i;

	(void)state;
	buf_adds(&b, JOBS "    tags:\n");
	for (i = 0; i < 50; i++)
		buf_addf(&b, "      t%02zu: v\n", i);
	load_ok(&m, scratch(b.data));
	assert_int_equal(m.fns[0].ntags, 50);
	assert_string_equal(m.fns[0].tags[49].key, "t49");
	manifest_release(&m);
	/* lambdactl's own count: the on_failure marker, the triggers',
	 * the URL's, one per queue. */
	buf_adds(&b, "    on_failure: arn:aws:sqs:eu-west-1:123456789012:f\n");
	load_fails(scratch(b.data), "3:3: function 'jobs': 50 tags, and 1 of "
	    "lambdactl's own (its markers of on_failure and the triggers), "
	    "over Lambda's limit of 50");
	buf_adds(&b, "    url: { auth: AWS_IAM }\n    events:\n"
	    "      - sqs: { queue: q1 }\n      - sqs: { queue: q2 }\n");
	load_fails(scratch(b.data), "3:3: function 'jobs': 50 tags, and 5 of "
	    "lambdactl's own (its markers of on_failure and the triggers), "
	    "over Lambda's limit of 50");
	buf_reset(&b);
	buf_adds(&b, JOBS "    on_failure: arn:aws:sqs:eu-west-1:"
	    "123456789012:f\n    tags:\n");
	for (i = 0; i < 49; i++)
		buf_addf(&b, "      t%02zu: v\n", i);
	load_ok(&m, scratch(b.data));
	manifest_release(&m);

	buf_reset(&b);
	buf_adds(&b, JOBS "    layers:\n");
	for (i = 0; i < 5; i++)
		buf_addf(&b, "      - arn:aws:lambda:eu-west-1:123456789012:"
		    "layer:l%zu:%zu\n", i, i + 1);
	load_ok(&m, scratch(b.data));
	assert_int_equal(m.fns[0].nlayers, 5);
	assert_string_equal(m.fns[0].layers[4],
	    "arn:aws:lambda:eu-west-1:123456789012:layer:l4:5");
	manifest_release(&m);

	/* 256 characters of description, counted as characters. */
	buf_reset(&b);
	buf_adds(&b, JOBS "    description: ");
	for (i = 0; i < 256; i++)
		buf_adds(&b, "\xc3\xa9");
	buf_adds(&b, "\n");
	load_ok(&m, scratch(b.data));
	manifest_release(&m);
	buf_truncate(&b, b.len - 1);
	buf_adds(&b, "e\n");
	load_fails(scratch(b.data), "7:18: 'description' is 257 characters, "
	    "over Lambda's limit of 256");

	buf_reset(&b);
	buf_adds(&b, JOBS "    tags:\n      ");
	for (i = 0; i < 129; i++)
		buf_addch(&b, 'k');
	buf_adds(&b, ": v\n");
	want = xasprintf("8:7: tag key '%.129s' must be 1 to 128 characters",
	    b.data + b.len - 129 - 4);
	load_fails(scratch(b.data), want);
	free(want);
	buf_reset(&b);
	buf_adds(&b, JOBS "    tags:\n      team: ");
	for (i = 0; i < 257; i++)
		buf_addch(&b, 'v');
	buf_adds(&b, "\n");
	load_fails(scratch(b.data), "8:13: tag 'team' is 257 characters, "
	    "over Lambda's limit of 256");
	buf_release(&b);

	/* The edges of every range. */
	load_ok(&m, scratch(JOBS "    memory: 10240\n    timeout: 1\n"
	    "    ephemeral_storage: 10240\n"));
	assert_int_equal(m.fns[0].memory, 10240);
	assert_int_equal(m.fns[0].timeout, 1);
	manifest_release(&m);
	load_ok(&m, scratch(JOBS "    memory: \"128\"\n    timeout: 900\n"
	    "    ephemeral_storage: 512\n"));
	assert_int_equal(m.fns[0].memory, 128);
	manifest_release(&m);
	load_fails(scratch(JOBS "    memory: 10241\n"), "7:13: 'memory' "
	    "must be from 128 to 10240 MB, not '10241'");
	load_fails(scratch(JOBS "    timeout: 0\n"), "7:14: 'timeout' "
	    "must be from 1 to 900 seconds, not '0'");
	load_fails(scratch(JOBS "    timeout: 99999999999999999999999\n"),
	    "7:14: 'timeout' must be from 1 to 900 seconds, not "
	    "'99999999999999999999999'");
	load_fails(scratch(JOBS "    memory: -512\n"), "7:13: 'memory' "
	    "must be a whole number of MB, not '-512'");
	load_fails(scratch(JOBS "    ephemeral_storage: 10241\n"),
	    "7:24: 'ephemeral_storage' must be from 512 to 10240 MB, not "
	    "'10241'");
}

/* The names Lambda accepts for functions, roles, layers, variables. */
static void
test_names(void **state)
{
	static const char *const good_roles[] = {
		"a", "lambda-exec", "Role+=,.@_-9",
		"arn:aws:iam::123456789012:role/x",
		"arn:aws-us-gov:iam::123456789012:role/path/to/x",
	};
	static const char *const bad_roles[] = {
		"my role", "arn:aws:iam::123456789012:user/x",
		"arn:aws:iam::1234567890123:role/x",
		"arn:aws:iam::123456789012:role/",
		"arn:aws:sts::123456789012:role/x",
	};
	static const char *const bad_layers[] = {
		"arn:aws:lambda:eu-west-1:123456789012:layer:deps",
		"arn:aws:lambda:eu-west-1:123456789012:layer:deps:v1",
		"arn:aws:lambda:eu-west-1:12345678901:layer:deps:1",
		"arn:aws:lambda:eu-west-1:123456789012:function:deps:1",
		"arn:aws:lambda:eu-west-1:123456789012:layer:deps:1:2",
	};
	struct manifest m;
	char *yaml, *want;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good_roles); i++) {
		yaml = xasprintf("role: \"%s\"\n%s", good_roles[i], FNS);
		load_ok(&m, scratch(yaml));
		assert_string_equal(m.fns[0].role, good_roles[i]);
		manifest_release(&m);
		free(yaml);
	}
	for (i = 0; i < nitems(bad_roles); i++) {
		yaml = xasprintf("role: \"%s\"\n%s", bad_roles[i], FNS);
		want = xasprintf("1:7: 'role' must be a role name or an IAM "
		    "role ARN (arn:aws:iam::ACCOUNT:role/NAME), not '%s'",
		    bad_roles[i]);
		load_fails(scratch(yaml), want);
		free(yaml);
		free(want);
	}
	for (i = 0; i < nitems(bad_layers); i++) {
		yaml = xasprintf("%s    layers: [\"%s\"]\n", JOBS,
		    bad_layers[i]);
		want = xasprintf("7:14: invalid layer '%s' (expected "
		    "arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)",
		    bad_layers[i]);
		load_fails(scratch(yaml), want);
		free(yaml);
		free(want);
	}
	load_ok(&m, scratch("role: r\nruntime: provided\nartifact: a\n"
	    "region: us-gov-west-1\nfunctions:\n"
	    "  a:\n  Z-9_x:\n  "
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijkl:\n"
	    "  env:\n    environment: { a: 1, Z_9: 2 }\n"));
	assert_int_equal(m.nfns, 4);
	assert_string_equal(m.fns[0].region, "us-gov-west-1");
	assert_string_equal(m.fns[1].name, "Z-9_x");
	assert_string_equal(m.fns[3].env[0].key, "Z_9");
	manifest_release(&m);
	load_fails(scratch("functions:\n  \"\":\n"),
	    "2:3: invalid function name '' (use 1 to 64 letters, digits, "
	    "'-' or '_')");
	load_fails(scratch(JOBS "    environment: { _X_AMZN_TRACE_ID: 1 }\n"),
	    "7:20: environment variable '_X_AMZN_TRACE_ID' is reserved by "
	    "Lambda");
	load_fails(scratch(JOBS "    environment: { _PRIVATE: 1 }\n"),
	    "7:20: invalid environment variable name '_PRIVATE' (use "
	    "letters, digits and '_', starting with a letter)");
	load_fails(scratch(JOBS "    environment: { A-B: 1 }\n"),
	    "7:20: invalid environment variable name 'A-B' (use letters, "
	    "digits and '_', starting with a letter)");
	for (i = 0; i < 3; i++)
		assert_int_equal(manifest_is_provided((const char *[]){
		    "provided", "provided.al2", "provided.al2023" }[i]), 1);
	assert_int_equal(manifest_is_provided("providedx"), 0);
	assert_int_equal(manifest_is_provided("java21"), 0);
	assert_int_equal(manifest_is_provided(NULL), 0);
}

/* "did you mean" for keys and runtimes. */
static void
test_suggestions(void **state)
{
	static const struct {
		const char	*key;
		const char	*hint;	/* NULL: none */
	} keys[] = {
		{ "Memory", "memory" }, { "env", "environment" },
		{ "tag", "tags" }, { "timout", "timeout" },
		{ "role_arn", "role" }, { "arch", "architecture" },
		{ "ephemeralStorage", "ephemeral_storage" },
		{ "handle", "handler" }, { "ab", NULL }, { "zzzz", NULL },
		{ "functions", NULL },
	};
	static const struct {
		const char	*runtime;
		const char	*hint;
	} runtimes[] = {
		{ "python3.8", "python3.9" }, { "nodejs16.x", "nodejs18.x" },
		{ "provided.al2022", "provided.al2023" },
		{ "java8", "java8.al2" }, { "Java21", "java21" },
		{ "dotnet6", "dotnet8" }, { "go1.x", NULL },
		{ "rust", NULL },
	};
	char *yaml, *want;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(keys); i++) {
		yaml = xasprintf("%s    %s: 1\n", JOBS, keys[i].key);
		if (keys[i].hint != NULL)
			want = xasprintf("7:5: unknown key '%s' (did you mean "
			    "'%s'?)", keys[i].key, keys[i].hint);
		else
			want = xasprintf("7:5: unknown key '%s'", keys[i].key);
		load_fails(scratch(yaml), want);
		free(yaml);
		free(want);
	}
	load_fails(scratch("function:\n  jobs: {}\n"),
	    "1:1: unknown key 'function' (did you mean 'functions'?)");
	for (i = 0; i < nitems(runtimes); i++) {
		yaml = xasprintf("functions:\n  jobs:\n    runtime: %s\n",
		    runtimes[i].runtime);
		if (runtimes[i].hint != NULL)
			want = xasprintf("3:14: unknown runtime '%s' (did you "
			    "mean '%s'?)", runtimes[i].runtime,
			    runtimes[i].hint);
		else
			want = xasprintf("3:14: unknown runtime '%s'",
			    runtimes[i].runtime);
		load_fails(scratch(yaml), want);
		free(yaml);
		free(want);
	}
}

/* YAML details: flow style, nulls, quoting, NULs, aliases, documents. */
static void
test_yaml_details(void **state)
{
	struct manifest m;

	(void)state;
	/* A function with no settings inherits everything. */
	load_ok(&m, scratch("role: r\nruntime: provided.al2023\n"
	    "artifact: bootstrap\nfunctions: { a: , b: ~, c: {} }\n"));
	assert_int_equal(m.nfns, 3);
	assert_string_equal(m.fns[2].artifact, "bootstrap");
	manifest_release(&m);
	/* An explicit document and its end marker are fine. */
	load_ok(&m, scratch("---\n" JOBS "...\n"));
	manifest_release(&m);
	load_fails(scratch("---\n"), "1:1: the manifest is empty (it needs a "
	    "'functions' map)");
	load_fails(scratch(""), "1:1: the manifest is empty (it needs a "
	    "'functions' map)");
	load_fails(scratch("just text\n"), "1:1: the top level must be a "
	    "map");
	load_fails(scratch(JOBS "    description: \"a\\0b\"\n"),
	    "7:18: 'description' contains a NUL character");
	load_fails(scratch(JOBS "    environment: { A: [1] }\n"),
	    "7:23: environment variable 'A' must be a string, not a list");
	load_fails(scratch(JOBS "    tags: { team: }\n"),
	    "7:13: tag 'team' has no value (write \"\" for an empty string)");
	load_fails(scratch(JOBS "    layers: [~]\n"),
	    "7:14: a layer must be a layer version ARN, not empty");
	load_fails(scratch(JOBS "    layers: [[a]]\n"),
	    "7:14: a layer must be a layer version ARN, not a list");
	load_fails(scratch(JOBS "    layers:\n"), "7:5: 'layers' has no value");
	load_fails(scratch(JOBS "    environment: null\n"),
	    "7:5: 'environment' has no value");
	load_fails(scratch(JOBS "    memory: ~\n"), "7:5: 'memory' has no "
	    "value");
	load_fails(scratch(JOBS "    memory: { a: 1 }\n"),
	    "7:13: 'memory' must be a whole number of MB");
	load_fails(scratch(JOBS "    description: ${env:LCTEST_UNSET:oops}\n"),
	    "7:18: malformed '${env:LCTEST_UNSET:oops}' (expected "
	    "${env:NAME} or ${env:NAME:-default})");
	load_fails(scratch(JOBS "    description: ${env:}\n"),
	    "7:18: malformed '${env:}' (expected ${env:NAME} or "
	    "${env:NAME:-default})");
	load_fails(scratch(JOBS "    description: ${env:9X}\n"),
	    "7:18: malformed '${env:9X}' (expected ${env:NAME} or "
	    "${env:NAME:-default})");
	load_fails(scratch(JOBS "    description: $${\n    build: ${\n"),
	    "8:12: unterminated '${' (write '$${' for a literal '${')");
	load_fails(scratch(JOBS "    tags: { team: a, team: b }\n"),
	    "7:22: duplicate key 'team' (first at line 7)");
	load_fails(scratch(JOBS "    tags: { aws:x: a }\n"),
	    "7:13: tag 'aws:x' is reserved (keys beginning with 'aws:' "
	    "belong to AWS)");
	load_fails(scratch(JOBS "    environment: { <<: { A: 1 } }\n"),
	    "7:20: unknown key '<<' (merge keys are not supported)");
	load_fails(scratch(JOBS "---\n---\n"),
	    "7:1: only one YAML document is allowed");
	load_fails(scratch(JOBS "---\n- [\n"),
	    "9:1: did not find expected node content");
	load_fails(scratch("a: &x 1\nb: &x 2\n"),
	    "2:4: duplicate anchor (first at line 1)");
	load_fails(scratch(JOBS "    functions: {}\n"),
	    "7:5: unknown key 'functions'");
}

static void
test_unreadable(void **state)
{
	struct manifest m;
	struct lc_err err;
	char *want;

	(void)state;
	lc_error_clear(&err);
	assert_int_equal(manifest_load(&m, "no/such/lambda.yml", &err), -1);
	assert_string_equal(err.msg, "cannot read 'no/such/lambda.yml': "
	    "No such file or directory");
	assert_int_equal(err.status, LC_ECONFIG);
	assert_null(m.path);
	manifest_release(&m);

	assert_int_equal(manifest_load(&m, tmpdir, &err), -1);
	want = xasprintf("cannot read '%s': Is a directory", tmpdir);
	assert_string_equal(err.msg, want);
	free(want);
	manifest_release(&m);
}

/* m->dir is the manifest's directory, "." for a bare name. */
static void
test_dir(void **state)
{
	struct manifest m;
	char cwd[PATH_MAX], *path;

	(void)state;
	load_ok(&m, scratch(JOBS));
	assert_string_equal(m.dir, tmpdir);
	manifest_release(&m);

	path = xasprintf("%s//./t.yml", tmpdir);
	load_ok(&m, path);
	assert_string_equal(m.path, path);
	assert_int_equal(strncmp(m.dir, tmpdir, strlen(tmpdir)), 0);
	assert_string_equal(m.dir + strlen(tmpdir), "//.");
	manifest_release(&m);
	free(path);

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(tmpdir), 0);
	load_ok(&m, "t.yml");
	assert_string_equal(m.dir, ".");
	manifest_release(&m);
	assert_int_equal(chdir(cwd), 0);
}

static void
test_path(void **state)
{
	(void)state;
	unsetenv("LAMBDACTL_MANIFEST");
	assert_string_equal(manifest_path(NULL), "lambda.yml");
	assert_string_equal(manifest_path("x.yml"), "x.yml");
	setenv("LAMBDACTL_MANIFEST", "", 1);
	assert_string_equal(manifest_path(NULL), "lambda.yml");
	setenv("LAMBDACTL_MANIFEST", "env.yml", 1);
	assert_string_equal(manifest_path(NULL), "env.yml");
	assert_string_equal(manifest_path("flag.yml"), "flag.yml");
	unsetenv("LAMBDACTL_MANIFEST");
}

/*
 * s3_bucket and s3_prefix: inherited from the top level or set per
 * function, interpolated, and checked by S3's rules for bucket names.
 */
static void
test_s3_keys(void **state)
{
	static const char *const good[] = {
		"abc", "my-bucket.eu-west-1", "1bucket9",
		"a23456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const bad_names[] = {
		"ab", "My-bucket", "-bucket", "bucket-", "bucket.", "my..bucket",
		"10.0.0.1", "my_bucket", "a234567890123456789012345678901234567"
		"890123456789012345678901234",
	};
	struct manifest m;
	char *yaml, *want;
	size_t i;

	(void)state;
	setenv("LCTEST_BUCKET", "from-env", 1);
	load_ok(&m, scratch("s3_bucket: top-bucket\ns3_prefix: lambda/\n"
	    JOBS "  other:\n    runtime: java21\n    handler: h\n"
	    "    artifact: a.zip\n    s3_bucket: ${env:LCTEST_BUCKET}\n"
	    "    s3_prefix: \"\"\n"));
	assert_string_equal(m.fns[0].s3_bucket, "top-bucket");
	assert_string_equal(m.fns[0].s3_prefix, "lambda/");
	assert_string_equal(m.fns[1].s3_bucket, "from-env");
	assert_string_equal(m.fns[1].s3_prefix, "");
	manifest_release(&m);
	load_ok(&m, scratch(JOBS));
	assert_null(m.fns[0].s3_bucket);
	assert_null(m.fns[0].s3_prefix);
	manifest_release(&m);
	unsetenv("LCTEST_BUCKET");
	for (i = 0; i < nitems(good); i++) {
		yaml = xasprintf("s3_bucket: %s\n" JOBS, good[i]);
		load_ok(&m, scratch(yaml));
		assert_string_equal(m.fns[0].s3_bucket, good[i]);
		manifest_release(&m);
		free(yaml);
	}
	for (i = 0; i < nitems(bad_names); i++) {
		yaml = xasprintf("s3_bucket: %s\n" JOBS, bad_names[i]);
		want = xasprintf("1:12: 's3_bucket' must be an S3 bucket name "
		    "(3 to 63 lowercase letters, digits, '.' or '-', starting "
		    "and ending with a letter or digit, no '..', not an IP "
		    "address), not '%s'", bad_names[i]);
		load_fails(scratch(yaml), want);
		free(yaml);
		free(want);
	}
	yaml = xasprintf("s3_prefix: %0513d\n" JOBS, 0);
	load_fails(scratch(yaml), "1:12: 's3_prefix' is 513 bytes, over the "
	    "limit of 512");
	free(yaml);
	load_fails(scratch("s3_prefix: \"a\\nb\"\n" JOBS),
	    "1:12: 's3_prefix' must not contain control characters");
	load_fails(scratch("s3_bucket: ${env:LCTEST_BUCKET}\n" JOBS),
	    "1:12: environment variable 'LCTEST_BUCKET' is not set (used as "
	    "${env:LCTEST_BUCKET})");
}

/* The head of the trigger tests: a top-level default, three functions. */
#define EVENTS_HEAD							\
	"role: lambda-exec\n"						\
	"runtime: java21\n"						\
	"handler: a::b\n"						\
	"artifact: x.jar\n"						\
	"events:\n"							\
	"  - schedule: rate(5 minutes)\n"				\
	"    input: {warmer: true}\n"					\
	"url: { auth: AWS_IAM }\n"					\
	"functions:\n"

/* events: every kind read back exactly, defaults, line and column. */
static void
test_events(void **state)
{
	static const char yaml[] = EVENTS_HEAD
	    "  api:\n"
	    "    events:\n"
	    "      - schedule: cron(0 6 * * ? *)\n"
	    "        input: '{ \"a\" : [1, 2 ], \"s\": \"x  y\" }'\n"
	    "        enabled: false\n"
	    "      - s3: { bucket: fc-data-team-us, prefix: datalake/, "
	    "suffix: .txt,\n"
	    "              events: [s3:ObjectRemoved:*, "
	    "s3:ObjectCreated:Put] }\n"
	    "      - sqs: { queue: arn:aws:sqs:us-east-1:123456789012:jobs, "
	    "batch_size: 100, batch_window: 5, enabled: False }\n"
	    "      - s3: { bucket: other.bucket }\n"
	    "      - sqs: { queue: jobs.fifo }\n"
	    "      - schedule: \"rate(1 day)\"\n"
	    "    url: { auth: NONE, public: true }\n";
	struct manifest m;
	const struct manifest_fn *f;
	const struct manifest_event *e;

	(void)state;
	load_ok(&m, scratch(yaml));
	f = find_ok(&m, "api");
	assert_int_equal(f->nevents, 6);
	e = &f->events[0];
	assert_int_equal(e->kind, MANIFEST_EVENT_SCHEDULE);
	assert_int_equal(e->line, 12);
	assert_int_equal(e->col, 9);
	assert_string_equal(e->schedule, "cron(0 6 * * ? *)");
	assert_string_equal(e->input, "{\"a\":[1,2],\"s\":\"x  y\"}");
	assert_int_equal(e->enabled, 0);
	assert_null(e->bucket);
	assert_null(e->queue);
	e = &f->events[1];
	assert_int_equal(e->kind, MANIFEST_EVENT_S3);
	assert_int_equal(e->line, 15);
	assert_string_equal(e->bucket, "fc-data-team-us");
	assert_string_equal(e->prefix, "datalake/");
	assert_string_equal(e->suffix, ".txt");
	assert_int_equal(e->ns3_events, 2);	/* sorted */
	assert_string_equal(e->s3_events[0], "s3:ObjectCreated:Put");
	assert_string_equal(e->s3_events[1], "s3:ObjectRemoved:*");
	assert_null(e->schedule);
	assert_null(e->input);
	e = &f->events[2];
	assert_int_equal(e->kind, MANIFEST_EVENT_SQS);
	assert_string_equal(e->queue, "arn:aws:sqs:us-east-1:123456789012:jobs");
	assert_int_equal(e->batch_size, 100);
	assert_int_equal(e->batch_window, 5);
	assert_int_equal(e->enabled, 0);
	/* The defaults. */
	e = &f->events[3];
	assert_int_equal(e->kind, MANIFEST_EVENT_S3);
	assert_string_equal(e->bucket, "other.bucket");
	assert_int_equal(e->ns3_events, 1);
	assert_string_equal(e->s3_events[0], "s3:ObjectCreated:*");
	assert_null(e->prefix);
	assert_null(e->suffix);
	e = &f->events[4];
	assert_string_equal(e->queue, "jobs.fifo");
	assert_int_equal(e->batch_size, 10);
	assert_int_equal(e->batch_window, 0);
	assert_int_equal(e->enabled, 1);
	e = &f->events[5];
	assert_string_equal(e->schedule, "rate(1 day)");
	assert_null(e->input);
	assert_int_equal(e->enabled, 1);
	assert_string_equal(f->url.auth, "NONE");
	assert_int_equal(f->url.public, 1);
	manifest_release(&m);
	assert_null(m.fns);
}

/* A function's list replaces the top level's, even []; so does its url. */
static void
test_events_inherit(void **state)
{
	static const char yaml[] = EVENTS_HEAD
	    "  plain: {}\n"
	    "  none:\n"
	    "    events: []\n"
	    "  own:\n"
	    "    events:\n"
	    "      - sqs: { queue: jobs }\n"
	    "    url: { auth: NONE, public: yes-not }\n";
	static const char nourl[] = "role: r\nruntime: provided\n"
	    "artifact: b\nfunctions:\n  a: {}\n";
	struct manifest m;
	const struct manifest_fn *f;

	(void)state;
	load_fails(scratch(yaml), "16:32: 'public' must be true or false, "
	    "not 'yes-not'");
	load_ok(&m, scratch(EVENTS_HEAD "  plain: {}\n  none:\n"
	    "    events: []\n  own:\n    events:\n"
	    "      - sqs: { queue: jobs }\n"
	    "    url: { auth: NONE, public: TRUE }\n"));
	f = find_ok(&m, "plain");
	assert_int_equal(f->nevents, 1);
	assert_string_equal(f->events[0].schedule, "rate(5 minutes)");
	assert_string_equal(f->events[0].input, "{\"warmer\":true}");
	assert_int_equal(f->events[0].line, 6);
	assert_int_equal(f->events[0].enabled, 1);
	assert_string_equal(f->url.auth, "AWS_IAM");
	assert_int_equal(f->url.public, 0);
	/* The copy is its own. */
	assert_ptr_not_equal(f->events[0].schedule,
	    find_ok(&m, "none")->url.auth);
	f = find_ok(&m, "none");
	assert_int_equal(f->nevents, 0);
	assert_string_equal(f->url.auth, "AWS_IAM");
	f = find_ok(&m, "own");
	assert_int_equal(f->nevents, 1);
	assert_int_equal(f->events[0].kind, MANIFEST_EVENT_SQS);
	assert_string_equal(f->url.auth, "NONE");
	assert_int_equal(f->url.public, 1);
	manifest_release(&m);

	/* Without either: no triggers, no URL. */
	load_ok(&m, scratch(nourl));
	assert_int_equal(m.fns[0].nevents, 0);
	assert_null(m.fns[0].events);
	assert_null(m.fns[0].url.auth);
	manifest_release(&m);
}

/* A schedule's input: YAML by the core schema, or a string of JSON. */
static void
test_events_input(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*json;
	} cases[] = {
		{ "{warmer: true}", "{\"warmer\":true}" },
		{ "{a: 007, b: -0, c: +12, d: 0o17, e: 0x1F, f: 0xffffffffffffffff}",
		  "{\"a\":7,\"b\":-0,\"c\":12,\"d\":15,\"e\":31,"
		  "\"f\":18446744073709551615}" },
		{ "{a: 1.5, b: .5, c: 5., d: +1.50e+3, e: 1E-7, f: -0.0}",
		  "{\"a\":1.5,\"b\":0.5,\"c\":5,\"d\":1.50e+3,\"e\":1E-7,"
		  "\"f\":-0.0}" },
		{ "{a: 123456789012345678901234567890}",
		  "{\"a\":123456789012345678901234567890}" },
		{ "{a: null, b: ~, c: , d: Null, e: NULL, f: nULL}",
		  "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,"
		  "\"f\":\"nULL\"}" },
		{ "{a: True, b: FALSE, c: yes, d: on, e: \"true\", f: '1'}",
		  "{\"a\":true,\"b\":false,\"c\":\"yes\",\"d\":\"on\","
		  "\"e\":\"true\",\"f\":\"1\"}" },
		{ "{a: 0o, b: 0x, c: 1e, d: ., e: 1.2.3, f: 0o8, g: 12:30}",
		  "{\"a\":\"0o\",\"b\":\"0x\",\"c\":\"1e\",\"d\":\".\","
		  "\"e\":\"1.2.3\",\"f\":\"0o8\",\"g\":\"12:30\"}" },
		{ "[1, [], {}, \"q\\\"uote\\\\\", \"tab\\t\", é]",
		  "[1,[],{},\"q\\\"uote\\\\\",\"tab\\t\",\"é\"]" },
		{ "{1: one, true: two}", "{\"1\":\"one\",\"true\":\"two\"}" },
		/* Strings holding JSON: kept as written, white space out. */
		{ "'{\"a\": [1, 2.50, 1e400], \"b\": \"\\u00e9 x\"}'",
		  "{\"a\":[1,2.50,1e400],\"b\":\"\\u00e9 x\"}" },
		{ "\"[ true , null ]\"", "[true,null]" },
		{ "'\"just a string\"'", "\"just a string\"" },
		{ "42", "42" },
		{ "|\n          {\n            \"multi\": \"line\"\n          }",
		  "{\"multi\":\"line\"}" },
		/* ${env:...} in a value, read by the schema after. */
		{ "\n          n: \"${env:LCTEST_N}\"\n          m: ${env:LCTEST_N}"
		  "\n          s: ${env:LCTEST_S}",
		  "{\"n\":\"42\",\"m\":42,\"s\":\"two words\"}" },
	};
	struct manifest m;
	char *yaml;
	size_t i;

	(void)state;
	setenv("LCTEST_N", "42", 1);
	setenv("LCTEST_S", "two words", 1);
	for (i = 0; i < nitems(cases); i++) {
		yaml = xasprintf(JOBS "    events:\n"
		    "      - schedule: rate(1 day)\n"
		    "        input: %s\n", cases[i].yaml);
		load_ok(&m, scratch(yaml));
		if (m.fns[0].events[0].input == NULL ||
		    strcmp(m.fns[0].events[0].input, cases[i].json) != 0)
			fail_msg("input %s: got %s, want %s", cases[i].yaml,
			    m.fns[0].events[0].input, cases[i].json);
		manifest_release(&m);
		free(yaml);
	}
	unsetenv_prefix("LCTEST_");
}

/* Refusals the fixtures do not show, each at its LINE:COL. */
static void
test_events_errors(void **state)
{
	struct buf big = BUF_INIT;
	struct manifest m;
	size_t i;

	(void)state;
#define EV	JOBS "    events:\n      - "
	/* Schedules: the column points into the expression. */
	load_fails(scratch(EV "schedule: 'cron(0 6 * * ? *) '\n"),
	    "8:37: invalid schedule: cron: unexpected text after ')'");
	load_fails(scratch(EV "schedule: cron(0 25 * * ? *)\n"),
	    "8:26: invalid schedule: cron: hours '25' is not 0-23");
	load_fails(scratch(EV "schedule: \"cron(0 6 \\x2a * \\x2a *)\"\n"),
	    "8:19: invalid schedule: cron: one of day-of-month and "
	    "day-of-week must be '?' (EventBridge takes only one of them)");
	load_fails(scratch(EV "schedule: every day\n"),
	    "8:19: invalid schedule: expected rate(VALUE UNIT) or "
	    "cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)");
	load_fails(scratch(EV "schedule:\n"), "8:9: 'schedule' has no value");
	load_fails(scratch(EV "schedule: [rate(1 day)]\n"),
	    "8:19: 'schedule' must be a string, not a list");
	setenv("LCTEST_SCHED", "rate(1 days)", 1);
	load_fails(scratch(EV "schedule: ${env:LCTEST_SCHED}\n"),
	    "8:19: '${env:LCTEST_SCHED}' is not a schedule expression after "
	    "interpolation");
	load_fails(scratch(EV "schedule: ${env:LCTEST_UNSET}\n"),
	    "8:19: environment variable 'LCTEST_UNSET' is not set (used as "
	    "${env:LCTEST_UNSET})");
	/* Input. */
	load_fails(scratch(EV "schedule: rate(1 day)\n        input:\n"),
	    "9:9: 'input' has no value");
	load_fails(scratch(EV "schedule: rate(1 day)\n"
	    "        input: {a: 1, a: 2}\n"),
	    "9:23: duplicate key 'a' (first at line 9)");
	load_fails(scratch(EV "schedule: rate(1 day)\n"
	    "        input: {a: 0x10000000000000000}\n"),
	    "9:20: '0x10000000000000000' in 'input' is a number JSON cannot "
	    "hold (quote it for a string)");
	load_fails(scratch(EV "schedule: rate(1 day)\n"
	    "        input: '{\"a\": 1,}'\n"),
	    "9:25: 'input' is not JSON: trailing comma before '}' (write a "
	    "YAML map, or quote JSON)");
	load_fails(scratch(EV "schedule: rate(1 day)\n"
	    "        input: &x [1, *x]\n"),
	    "9:20: 'input' is nested deeper than 32 levels (or holds itself "
	    "through an alias)");
	/* EventBridge's 8192 bytes: the JSON's, not the YAML's. */
	buf_adds(&big, EV "schedule: rate(1 day)\n        input: [");
	for (i = 0; i < 2047; i++)
		buf_adds(&big, "123,    ");
	buf_adds(&big, "12]\n");
	load_ok(&m, scratch(big.data));
	assert_int_equal(strlen(m.fns[0].events[0].input), 8192);
	manifest_release(&m);
	buf_truncate(&big, big.len - 3);
	buf_adds(&big, "23]\n");
	load_fails(scratch(big.data), "9:16: 'input' is 8193 bytes of JSON, "
	    "over EventBridge's limit of 8192");
	buf_release(&big);
	/* S3, SQS, url. */
	load_fails(scratch(EV "s3: data-bucket\n"),
	    "8:13: 's3' must be a map, such as { bucket: NAME }, not a string");
	load_fails(scratch(EV "s3:\n"), "8:9: 's3' has no value");
	load_fails(scratch(EV "s3: { bucket: b12, events: [] }\n"),
	    "8:36: 'events' of 's3' is empty (leave it out for "
	    "s3:ObjectCreated:*)");
	load_fails(scratch(EV "s3: { bucket: b12, events: s3:ObjectCreated:* }\n"),
	    "8:36: 'events' of 's3' must be a list such as "
	    "[s3:ObjectCreated:*], not a string");
	load_fails(scratch(EV "s3: { bucket: b12, events: [s3:Nope] }\n"),
	    "8:37: unknown S3 event 's3:Nope'");
	load_fails(scratch(EV "s3: { bucket: b12, prefix: \"\" }\n"),
	    "8:36: 'prefix' must not be empty");
	buf_addf(&big, EV "s3: { bucket: b12, suffix: %01025d }\n", 0);
	load_fails(scratch(big.data), "8:36: 'suffix' is 1025 bytes, over "
	    "S3's limit of 1024");
	buf_release(&big);
	load_fails(scratch(EV "s3: { bucket: b12 }\n        enabled: false\n"),
	    "9:9: an 's3' event has no 'enabled' (remove the event)");
	load_fails(scratch(EV "sqs: { queue: jobs }\n        enabled: false\n"),
	    "9:9: 'enabled' of an 'sqs' event goes in its map");
	load_fails(scratch(EV "sqs: { queue: a.fifo.fifo }\n"),
	    "8:23: 'queue' must be an SQS queue ARN "
	    "(arn:aws:sqs:REGION:ACCOUNT:NAME) or a queue name (1 to 80 "
	    "letters, digits, '-' or '_', and '.fifo' at the end for a FIFO "
	    "queue), not 'a.fifo.fifo'");
	load_fails(scratch(EV "sqs: { queue: .fifo }\n"),
	    "8:23: 'queue' must be an SQS queue ARN "
	    "(arn:aws:sqs:REGION:ACCOUNT:NAME) or a queue name (1 to 80 "
	    "letters, digits, '-' or '_', and '.fifo' at the end for a FIFO "
	    "queue), not '.fifo'");
	load_fails(scratch(EV "sqs: { queue: jobs, batch_size: 0 }\n"),
	    "8:41: 'batch_size' must be from 1 to 10000 messages, not '0'");
	load_fails(scratch(EV "sqs: { queue: jobs, bach_size: 5 }\n"),
	    "8:29: unknown key 'bach_size' in 'sqs' (did you mean "
	    "'batch_size'?)");
	load_fails(scratch(EV "s3: { bucket: b12, zzz: 5 }\n"),
	    "8:28: unknown key 'zzz' in 's3' (known: bucket, events, prefix, "
	    "suffix)");
	load_fails(scratch(EV "{}\n"), "8:9: an event needs one of 'schedule', "
	    "'s3' or 'sqs'");
	load_fails(scratch(EV "\n"), "8:8: an event must be a map with one of "
	    "'schedule', 's3' or 'sqs', not empty");
	load_fails(scratch(JOBS "    events:\n"), "7:5: 'events' has no value "
	    "(write [] for none)");
	load_fails(scratch(JOBS "    url:\n"), "7:5: 'url' has no value");
	load_fails(scratch(JOBS "    url: { auth: AWS_IAM, public: false, x: 1 }\n"),
	    "7:42: unknown key 'x' in 'url' (known: auth, public)");
	load_fails(scratch(JOBS "    url: { auth: NONE, public: false }\n"),
	    "7:18: 'auth: NONE' lets anyone on the internet call the function: "
	    "add 'public: true' to mean it");
	/* One kind per item, the error at the later key. */
	load_fails(scratch(EV "sqs: { queue: jobs }\n"
	    "        s3: { bucket: b12 }\n"),
	    "9:9: an event has one kind, not both 'sqs' and 's3' (write two "
	    "items)");
	/* Not the same trigger: another input, prefix, events, queue. */
	load_fails(scratch(EV "schedule: rate(1 day)\n"
	    "      - schedule: rate(1 day)\n        input: {}\n"
	    "      - s3: { bucket: b12 }\n"
	    "      - s3: { bucket: b12, prefix: a/ }\n"
	    "      - s3: { bucket: b12, events: [s3:ObjectRemoved:*] }\n"
	    "      - sqs: { queue: a }\n      - sqs: { queue: b }\n"
	    "      - sqs: { queue: a, enabled: false }\n"),
	    "16:9: the same trigger as line 14 (remove one)");
#undef EV
	unsetenv_prefix("LCTEST_");
}

/* The shipped example loads, given the variables it needs. */
static void
test_example(void **state)
{
	struct manifest m;
	const struct manifest_fn *f;

	(void)state;
	setenv("DB_PASSWORD", SECRET, 1);
	unsetenv("STAGE");
	load_ok(&m, EXAMPLE);
	assert_string_equal(m.region, "eu-west-1");
	assert_int_equal(m.nfns, 2);

	f = find_ok(&m, "jobs");
	assert_string_equal(f->runtime, "java21");
	assert_string_equal(f->handler, "jobs.aws-lambda::handleRequest");
	assert_int_equal(f->memory, 360);
	assert_int_equal(f->timeout, 10);
	assert_string_equal(f->artifact, "target/jobs-standalone.jar");
	assert_string_equal(f->build, "lein uberjar");
	assert_string_equal(f->architecture, "x86_64");
	assert_string_equal(f->role,
	    "arn:aws:iam::123456789012:role/lambda-exec");
	assert_string_equal(f->region, "eu-west-1");
	assert_string_equal(kv_get(f->env, f->nenv, "DB_PASSWORD"), SECRET);
	assert_string_equal(kv_get(f->env, f->nenv, "STAGE"), "dev");
	assert_string_equal(kv_get(f->tags, f->ntags, "service"), "jobs-jvm");
	assert_string_equal(kv_get(f->tags, f->ntags, "team"), "data");
	assert_int_equal(f->nlayers, 1);
	assert_string_equal(f->layers[0],
	    "arn:aws:lambda:eu-west-1:123456789012:layer:jobs-common:3");
	assert_int_equal(f->ephemeral_storage, 512);
	assert_null(f->profile);
	/* Each kind of trigger, and the URL. */
	assert_int_equal(f->nevents, 4);
	assert_int_equal(f->events[0].kind, MANIFEST_EVENT_SCHEDULE);
	assert_string_equal(f->events[0].schedule, "cron(0 6 * * ? *)");
	assert_null(f->events[0].input);
	assert_string_equal(f->events[1].schedule, "rate(5 minutes)");
	assert_string_equal(f->events[1].input, "{\"warmer\":true}");
	assert_int_equal(f->events[1].enabled, 1);
	assert_int_equal(f->events[2].kind, MANIFEST_EVENT_S3);
	assert_string_equal(f->events[2].bucket, "fc-data-team-eu");
	assert_string_equal(f->events[2].prefix, "datalake/");
	assert_string_equal(f->events[2].suffix, ".txt");
	assert_int_equal(f->events[3].kind, MANIFEST_EVENT_SQS);
	assert_int_equal(f->events[3].batch_size, 10);
	assert_string_equal(f->url.auth, "AWS_IAM");

	/* Issue 15's settings. */
	assert_string_equal(f->alias, "live");
	assert_int_equal(f->keep_versions, 5);
	assert_string_equal(f->snap_start, "PublishedVersions");
	assert_int_equal(f->nsubnets, 2);
	assert_string_equal(f->subnets[0], "subnet-0a1b2c3d");
	assert_int_equal(f->nsecurity_groups, 1);
	assert_string_equal(f->tracing, "Active");
	assert_string_equal(f->kms_key, "arn:aws:kms:eu-west-1:123456789012:"
	    "key/1234abcd-12ab-34cd-56ef-1234567890ab");
	assert_string_equal(f->dead_letter,
	    "arn:aws:sqs:eu-west-1:123456789012:jobs-dlq");
	assert_string_equal(f->on_failure,
	    "arn:aws:sns:eu-west-1:123456789012:jobs-failures");
	assert_string_equal(f->log_format, "JSON");
	assert_string_equal(f->log_level, "INFO");
	assert_string_equal(f->system_log_level, "WARN");
	assert_string_equal(f->log_group, "/jobs/prod");
	assert_int_equal(f->reserved_concurrency, 10);

	f = find_ok(&m, "jobs-native");
	assert_null(f->alias);
	assert_null(f->snap_start);
	/* Not set: not lambdactl's, left as the function has them. */
	assert_int_equal(f->nsubnets, 0);
	assert_false(f->vpc_set);
	assert_null(f->tracing);
	assert_null(f->kms_key);
	assert_null(f->log_format);
	assert_null(f->log_level);
	assert_null(f->log_group);
	assert_int_equal(f->reserved_concurrency, MANIFEST_CONCURRENCY_UNSET);
	assert_true(f->tags_set);	/* the top level's */
	assert_string_equal(f->runtime, "provided.al2023");
	assert_null(f->handler);
	assert_string_equal(f->architecture, "arm64");
	assert_string_equal(f->artifact, "target/bootstrap");
	assert_string_equal(f->build, "make native");
	assert_int_equal(f->ephemeral_storage, 1024);
	assert_int_equal(f->nlayers, 0);
	assert_int_equal(f->nevents, 0);
	assert_null(f->url.auth);
	manifest_release(&m);

	setenv("STAGE", "prod", 1);
	load_ok(&m, EXAMPLE);
	assert_string_equal(kv_get(m.fns[1].env, m.fns[1].nenv, "STAGE"),
	    "prod");
	manifest_release(&m);
	unsetenv("STAGE");

	unsetenv("DB_PASSWORD");
	load_fails(EXAMPLE, "64:20: environment variable 'DB_PASSWORD' is "
	    "not set (used as ${env:DB_PASSWORD})");
}

/*
 * Whether text has a line setting key: "KEY:" after the indentation, not
 * in a comment.
 */
static int
sets_key(const char *text, const char *key)
{
	const char *line, *p;
	size_t n = strlen(key);

	for (line = text; line != NULL && *line != '\0'; line = p) {
		line += strspn(line, " ");
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			return 1;
		if ((p = strchr(line, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* Whether text sets setting key: a dotted one ("vpc.subnets") as its map
 * and its leaf ("vpc:", "subnets:"). */
static int
sets_setting(const char *text, const char *key)
{
	const char *dot = strchr(key, '.');
	char map[64];

	if (dot == NULL)
		return sets_key(text, key);
	snprintf(map, sizeof map, "%.*s", (int)(dot - key), key);
	return sets_key(text, map) && sets_key(text, dot + 1);
}

/* The example shows every function setting (fnsettings.c) in use. */
static void
test_example_every_setting(void **state)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t i, n;
	FILE *fp;

	(void)state;
	if ((fp = fopen(EXAMPLE, "r")) == NULL)
		fail_msg("cannot read " EXAMPLE);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	buf_addch(&b, '\0');
	for (i = 0; i < fnsettings_count; i++)
		if (!sets_setting(b.data, fnsettings[i].key))
			fail_msg(EXAMPLE " sets no '%s' (fnsettings.c): add a "
			    "commented line for it", fnsettings[i].key);
	assert_false(sets_key(b.data, "no_such_key"));
	assert_false(sets_setting(b.data, "vpc.no_such_key"));
	/* And issue 15's keys that are not rows. */
	assert_true(sets_key(b.data, "alias"));
	assert_true(sets_key(b.data, "keep_versions"));
	assert_true(sets_key(b.data, "on_failure"));
	assert_true(sets_key(b.data, "reserved_concurrency"));
	buf_release(&b);
}

/* One corpus file: loading fails with exactly the status and message. */
static void
test_bad_file(void **state)
{
	const struct bad_case *t = *state;
	struct manifest m;
	struct lc_err err;

	if (t->problem != NULL)
		fail_msg("%s: %s", t->path, t->problem);
	unsetenv_prefix("LCTEST_");
	lc_error_clear(&err);
	if (manifest_load(&m, t->path, &err) == 0) {
		manifest_release(&m);
		fail_msg("%s loaded without error, want '%s'", t->path,
		    t->expect);
	}
	assert_string_equal(err.msg, t->expect);
	assert_int_equal(err.status, t->status);
	manifest_release(&m);
}

/* The corpus is there and big enough. */
static void
test_bad_corpus(void **state)
{
	(void)state;
	if (nbad < CORPUS_MIN)
		fail_msg("%s has %zu *.yml files, want at least %d", bad_dir,
		    nbad, CORPUS_MIN);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bad_case *)a)->name,
	    ((const struct bad_case *)b)->name);
}

/* Reads the "# expect-status:" and "# expect:" header of c->path. */
static void
read_header(struct bad_case *c)
{
	FILE *fp;
	char line[1024];
	size_t n;

	if ((fp = fopen(c->path, "r")) == NULL) {
		c->problem = xstrdup("cannot open");
		return;
	}
	if (fgets(line, sizeof line, fp) == NULL ||
	    sscanf(line, "# expect-status: %d", &c->status) != 1)
		c->problem = xstrdup("no '# expect-status: N' first line");
	else if (fgets(line, sizeof line, fp) == NULL ||
	    strncmp(line, "# expect: ", 10) != 0)
		c->problem = xstrdup("no '# expect: TEXT' second line");
	else {
		n = strcspn(line, "\n");
		line[n] = '\0';
		c->expect = xasprintf("%s:%s", c->path, line + 10);
	}
	fclose(fp);
}

/* Lists the corpus's *.yml files, sorted by name. */
static void
scan_corpus(void)
{
	DIR *d;
	struct dirent *de;
	size_t n;

	if ((bad_dir = getenv("BAD_MANIFESTS")) == NULL || *bad_dir == '\0')
		bad_dir = "tests/fixtures/bad";
	if ((d = opendir(bad_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".yml") != 0)
			continue;
		bad = xrealloc(bad, (nbad + 1) * sizeof *bad);
		memset(&bad[nbad], 0, sizeof *bad);
		bad[nbad].name = xstrdup(de->d_name);
		bad[nbad].path = xasprintf("%s/%s", bad_dir, de->d_name);
		read_header(&bad[nbad++]);
	}
	closedir(d);
	qsort(bad, nbad, sizeof *bad, name_cmp);
}

static int
group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test-manifest.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(tmpfile_path, sizeof tmpfile_path, "%s/t.yml", tmpdir);
	unsetenv_prefix("LCTEST_");
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(tmpfile_path);
	rmdir(tmpdir);
	return 0;
}

/* build_timeout: the default filled in, inherited, set per function. */
static void
test_build_timeout(void **state)
{
	static const char yaml[] = "role: r\nruntime: provided\n"
	    "artifact: b\nbuild_timeout: 120\nfunctions:\n  a: {}\n"
	    "  b: {build_timeout: 86400}\n";
	struct manifest m;
	struct lc_err err;

	(void)state;
	load_ok(&m, GOOD "minimal.yml");
	assert_int_equal(m.fns[0].build_timeout,
	    MANIFEST_DEFAULT_BUILD_TIMEOUT);
	assert_int_equal(MANIFEST_DEFAULT_BUILD_TIMEOUT, 600);
	manifest_release(&m);
	lc_error_clear(&err);
	assert_int_equal(manifest_load_mem(&m, "mem.yml", yaml,
	    sizeof yaml - 1, 0, &err), 0);
	assert_int_equal(find_ok(&m, "a")->build_timeout, 120);
	assert_int_equal(find_ok(&m, "b")->build_timeout, 86400);
	manifest_release(&m);
	load_fails(scratch(JOBS "    build_timeout: 0\n"), "7:20: "
	    "'build_timeout' must be from 1 to 86400 seconds, not '0'");
}

/* The in-memory entry point: not NUL-terminated, named as given. */
static void
test_load_mem(void **state)
{
	static const char text[] = JOBS "    memory: 256\nXXXX";
	struct manifest m;
	struct lc_err err;
	char *copy;

	(void)state;
	/* Exactly the manifest's bytes: ASan sees any read past them. */
	copy = xmalloc(sizeof text - 5);
	memcpy(copy, text, sizeof text - 5);
	lc_error_clear(&err);
	assert_int_equal(manifest_load_mem(&m, "some/dir/x.yml", copy,
	    sizeof text - 5, 0, &err), 0);
	assert_string_equal(m.path, "some/dir/x.yml");
	assert_string_equal(m.dir, "some/dir");
	assert_int_equal(find_ok(&m, "jobs")->memory, 256);
	manifest_release(&m);
	/* The same bytes with the rest: an error in the named file. */
	assert_int_equal(manifest_load_mem(&m, "x.yml", text,
	    sizeof text - 1, 0, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(err.msg, "x.yml:9:1: could not find expected ':'");
	free(copy);
}

/* Nesting is limited on the parser's events; 32 levels are allowed. */
static void
test_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct manifest m;
	struct lc_err err;
	int i;

	(void)state;
	buf_adds(&b, "functions: ");
	for (i = 0; i < 31; i++)
		buf_addch(&b, '[');
	for (i = 0; i < 31; i++)
		buf_addch(&b, ']');
	lc_error_clear(&err);
	assert_int_equal(manifest_load_mem(&m, "n.yml", b.data, b.len, 0,
	    &err), -1);
	assert_string_equal(err.msg, "n.yml:1:12: 'functions' must be a map "
	    "of function names to their settings");
	buf_reset(&b);
	buf_adds(&b, "functions: ");
	for (i = 0; i < 100000; i++)
		buf_addch(&b, '[');
	assert_int_equal(manifest_load_mem(&m, "n.yml", b.data, b.len, 0,
	    &err), -1);
	assert_string_equal(err.msg, "n.yml:1:43: nested deeper than 32 "
	    "levels (maps and lists)");
	buf_release(&b);
}

/* Aliases are counted each time they are used. */
static void
test_alias_bound(void **state)
{
	struct buf b = BUF_INIT;
	struct manifest m;
	struct lc_err err;
	int i;

	(void)state;
	buf_adds(&b, "role: r\nruntime: provided\nartifact: b\nfunctions:\n"
	    "  f0:\n    tags: &t\n");
	for (i = 0; i < 50; i++)
		buf_addf(&b, "      k%d: v\n", i);
	for (i = 1; i < 5000; i++)
		buf_addf(&b, "  f%d: {tags: *t}\n", i);
	lc_error_clear(&err);
	assert_int_equal(manifest_load_mem(&m, "a.yml", b.data, b.len, 0,
	    &err), -1);
	assert_string_equal(err.msg, "a.yml:6:11: the manifest has over "
	    "200000 values, counting each use of an alias and each inherited "
	    "setting");
	buf_release(&b);
}

/*
 * MANIFEST_DEFER_ENV: an unset variable in a value only deploying and
 * running use waits for manifest_require_env; one in a value every command
 * uses does not; inherited unresolved values follow the inheritance.
 */
static void
test_defer_env(void **state)
{
	static const char yaml[] =
	    "role: lambda-exec\n"
	    "runtime: provided.al2023\n"
	    "description: ${env:LCTEST_DESC}\n"
	    "environment:\n"
	    "  TOP: ${env:LCTEST_TOP}\n"
	    "  SHADOWED: ${env:LCTEST_TOP}\n"
	    "functions:\n"
	    "  a:\n"
	    "    artifact: ${env:LCTEST_ART}\n"
	    "    build: make ${env:LCTEST_A}${env:LCTEST_B}\n"
	    "    environment: { SHADOWED: known, OWN: \"x${env:LCTEST_OWN}\" }\n"
	    "    tags: { t: \"${env:LCTEST_TAG}\" }\n"
	    "  b:\n"
	    "    artifact: b\n"
	    "    description: own\n";
	static const char *const want_a[] = {
		"artifact", "build", "environment.OWN", "tags.t",
		"description", "environment.TOP",
	};
	const char *first = "d.yml:3:14: environment variable 'LCTEST_DESC' "
	    "is not set (used as ${env:LCTEST_DESC})";
	const struct manifest_fn *f;
	struct manifest m;
	struct lc_err err;
	size_t i;

	(void)state;
	unsetenv_prefix("LCTEST_");
	lc_error_clear(&err);
	/* Strict: the first unset variable, as ever. */
	assert_int_equal(manifest_load_mem(&m, "d.yml", yaml, sizeof yaml - 1,
	    0, &err), -1);
	assert_string_equal(err.msg, first);
	lc_error_clear(&err);
	assert_int_equal(manifest_load_mem(&m, "d.yml", yaml, sizeof yaml - 1,
	    MANIFEST_DEFER_ENV, &err), 0);
	f = find_ok(&m, "a");
	assert_string_equal(f->artifact, "");
	assert_string_equal(f->build, "make ");
	assert_string_equal(kv_get(f->env, f->nenv, "OWN"), "x");
	assert_string_equal(kv_get(f->env, f->nenv, "TOP"), "");
	assert_string_equal(kv_get(f->env, f->nenv, "SHADOWED"), "known");
	assert_int_equal(f->nunresolved, nitems(want_a));
	for (i = 0; i < nitems(want_a); i++)
		assert_string_equal(f->unresolved[i], want_a[i]);
	assert_false(manifest_fn_unresolved(f, "environment.SHADOWED"));
	assert_false(manifest_fn_unresolved(f, "memory"));
	f = find_ok(&m, "b");
	assert_false(manifest_fn_unresolved(f, "description"));
	assert_true(manifest_fn_unresolved(f, "environment.TOP"));
	assert_true(manifest_fn_unresolved(f, "environment.SHADOWED"));
	assert_false(manifest_fn_unresolved(f, "artifact"));
	assert_int_equal(manifest_require_env(&m, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(err.msg, first);
	manifest_release(&m);

	/* Set, nothing waits. */
	setenv("LCTEST_DESC", "d", 1);
	setenv("LCTEST_TOP", "t", 1);
	setenv("LCTEST_ART", "art", 1);
	setenv("LCTEST_A", "a", 1);
	setenv("LCTEST_B", "b", 1);
	setenv("LCTEST_OWN", "o", 1);
	setenv("LCTEST_TAG", "g", 1);
	assert_int_equal(manifest_load_mem(&m, "d.yml", yaml, sizeof yaml - 1,
	    MANIFEST_DEFER_ENV, &err), 0);
	assert_int_equal(find_ok(&m, "a")->nunresolved, 0);
	assert_int_equal(manifest_require_env(&m, &err), 0);
	manifest_release(&m);
	unsetenv_prefix("LCTEST_");

	/* Where and what: never deferred. */
	lc_error_clear(&err);
	assert_int_equal(manifest_load_mem(&m, "r.yml", JOBS
	    "    region: ${env:LCTEST_REGION}\n", sizeof JOBS + 31,
	    MANIFEST_DEFER_ENV, &err), -1);
	assert_string_equal(err.msg, "r.yml:7:13: environment variable "
	    "'LCTEST_REGION' is not set (used as ${env:LCTEST_REGION})");
	assert_int_equal(manifest_load_mem(&m, "r.yml", JOBS
	    "    memory: ${env:LCTEST_M}\n", sizeof JOBS + 26,
	    MANIFEST_DEFER_ENV, &err), -1);
	assert_string_equal(err.msg, "r.yml:7:13: environment variable "
	    "'LCTEST_M' is not set (used as ${env:LCTEST_M})");
}

/*
 * Issue 15's settings from the top level: strings and numbers when a
 * function leaves them out, a 0 concurrency as a value; vpc as a whole
 * (empty lists for none); logging key by key, the levels with the
 * format; the values that take a setting away; the merged function
 * checked (a level needs JSON logs, SnapStart its runtime and no more
 * than 512 MB of /tmp), at the value's node.
 */
static void
test_release_settings(void **state)
{
	struct manifest m;
	const struct manifest_fn *f;

	(void)state;
	load_ok(&m, scratch("role: lambda-exec\nalias: live\n"
	    "keep_versions: 3\nreserved_concurrency: 0\ntracing: Active\n"
	    "vpc: { subnets: [subnet-0000000b, subnet-0000000a], "
	    "security_groups: [sg-0000000a] }\n"
	    "logging: { format: JSON, group: /top }\n"
	    "functions:\n"
	    "  a: { runtime: java21, handler: h::h, artifact: a.jar }\n"
	    "  b:\n    runtime: java21\n    handler: h::h\n"
	    "    artifact: a.jar\n    alias: blue\n    keep_versions: 9\n"
	    "    reserved_concurrency: 7\n"
	    "    vpc: { subnets: [], security_groups: [] }\n"
	    "    logging: { level: ERROR }\n"));
	f = find_ok(&m, "a");
	assert_string_equal(f->alias, "live");
	assert_int_equal(f->keep_versions, 3);
	assert_int_equal(f->reserved_concurrency, 0);
	assert_string_equal(f->tracing, "Active");
	assert_int_equal(f->nsubnets, 2);
	assert_string_equal(f->subnets[0], "subnet-0000000a");	/* sorted */
	assert_string_equal(f->subnets[1], "subnet-0000000b");
	assert_int_equal(f->nsecurity_groups, 1);
	assert_string_equal(f->log_format, "JSON");
	assert_string_equal(f->log_level, "INFO");
	assert_string_equal(f->log_group, "/top");
	f = find_ok(&m, "b");
	assert_string_equal(f->alias, "blue");
	assert_int_equal(f->keep_versions, 9);
	assert_int_equal(f->reserved_concurrency, 7);
	assert_int_equal(f->nsubnets, 0);
	assert_int_equal(f->nsecurity_groups, 0);
	assert_string_equal(f->log_format, "JSON");
	assert_string_equal(f->log_level, "ERROR");
	assert_string_equal(f->log_group, "/top");
	manifest_release(&m);

	/* A function's own other format takes no level from the top level
	 * (Text has none); one repeating JSON inherits them; its own level
	 * is checked. */
#define JAVA_A "    runtime: java21\n    handler: h::h\n    artifact: a.jar\n"
	load_ok(&m, scratch("role: lambda-exec\nlogging: { level: DEBUG, "
	    "format: JSON, group: /top }\nfunctions:\n"
	    "  a:\n" JAVA_A "    logging: { format: Text }\n"
	    "  b:\n" JAVA_A "    logging: { format: JSON }\n"
	    "  c:\n" JAVA_A));
	f = find_ok(&m, "a");
	assert_string_equal(f->log_format, "Text");
	assert_null(f->log_level);
	assert_null(f->system_log_level);
	assert_string_equal(f->log_group, "/top");
	f = find_ok(&m, "b");
	assert_string_equal(f->log_level, "DEBUG");
	f = find_ok(&m, "c");
	assert_string_equal(f->log_level, "DEBUG");
	manifest_release(&m);
	load_fails(scratch("role: lambda-exec\nlogging: { level: DEBUG, "
	    "format: JSON }\nfunctions:\n  a:\n" JAVA_A
	    "    logging: { format: Text, system_level: WARN }\n"),
	    "8:44: 'system_level' needs 'format: JSON' under logging (only "
	    "JSON logs have levels); function 'a' logs Text");
	/* The values that take a setting away. */
	load_ok(&m, scratch(JOBS "    kms_key: \"\"\n    dead_letter: ''\n"
	    "    reserved_concurrency: none\n    tags: {}\n"
	    "    tracing: PassThrough\n"));
	f = &m.fns[0];
	assert_string_equal(f->kms_key, "");
	assert_string_equal(f->dead_letter, "");
	assert_int_equal(f->reserved_concurrency, MANIFEST_NO_CONCURRENCY);
	assert_true(f->tags_set);
	assert_int_equal(f->ntags, 0);
	manifest_release(&m);
	/* none at the top level, a number under a function. */
	load_ok(&m, scratch("role: lambda-exec\nreserved_concurrency: none\n"
	    "functions:\n  a: { runtime: java21, handler: h::h, "
	    "artifact: a.jar }\n  b: { runtime: java21, handler: h::h, "
	    "artifact: a.jar, reserved_concurrency: 3 }\n"));
	assert_int_equal(find_ok(&m, "a")->reserved_concurrency,
	    MANIFEST_NO_CONCURRENCY);
	assert_int_equal(find_ok(&m, "b")->reserved_concurrency, 3);
	manifest_release(&m);
	load_fails(scratch(JOBS "    reserved_concurrency: None\n"),
	    "7:27: 'reserved_concurrency' must be a whole number of "
	    "executions (or 'none'), not 'None'");
	/* SnapStart with more than 512 MB of /tmp. */
	load_fails(scratch("role: lambda-exec\nephemeral_storage: 1024\n"
	    "functions:\n  a:\n" JAVA_A "    snap_start: true\n"),
	    "8:17: 'snap_start' cannot go with ephemeral storage over 512 MB "
	    "(SnapStart does not support it); function 'a' has "
	    "'ephemeral_storage: 1024'");
#undef JAVA_A
	/* SnapStart where the runtime comes from the top level. */
	load_fails(scratch("role: lambda-exec\nruntime: python3.11\n"
	    "functions:\n  a:\n    handler: h.h\n    artifact: a.zip\n"
	    "    snap_start: true\n"),
	    "7:17: 'snap_start' needs a runtime that has SnapStart (java11, "
	    "java17, java21, python3.12, python3.13 or dotnet8); function 'a' "
	    "runs 'python3.11'");
	load_ok(&m, scratch("role: lambda-exec\nruntime: python3.11\n"
	    "functions:\n  a:\n    handler: h.h\n    artifact: a.zip\n"
	    "    snap_start: false\n"));
	assert_string_equal(m.fns[0].snap_start, "None");
	manifest_release(&m);
	/* ARNs of each kind on_failure takes; qualified functions. */
	load_ok(&m, scratch(JOBS "    on_failure: arn:aws:lambda:eu-west-1:"
	    "123456789012:function:retry:live\n"));
	manifest_release(&m);
	load_ok(&m, scratch(JOBS "    on_failure: arn:aws:events:eu-west-1:"
	    "123456789012:event-bus/default\n"
	    "    dead_letter: arn:aws-cn:sns:cn-north-1:123456789012:"
	    "t.fifo\n"));
	manifest_release(&m);
	load_fails(scratch(JOBS "    on_failure: arn:aws:s3:::Bad_Bucket\n"),
	    "7:17: 'on_failure' must be the ARN of an SQS queue, SNS topic, "
	    "Lambda function, EventBridge event bus or S3 bucket, not "
	    "'arn:aws:s3:::Bad_Bucket'");
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_s3_keys),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_inherit),
		cmocka_unit_test(test_events_input),
		cmocka_unit_test(test_events_errors),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_interpolation),
		cmocka_unit_test(test_interpolation_secrets),
		cmocka_unit_test(test_env_limit),
		cmocka_unit_test(test_other_limits),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_yaml_details),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_example_every_setting),
		cmocka_unit_test(test_bad_corpus),
		cmocka_unit_test(test_build_timeout),
		cmocka_unit_test(test_load_mem),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_alias_bound),
		cmocka_unit_test(test_defer_env),
		cmocka_unit_test(test_release_settings),
	};
	struct CMUnitTest *tests;
	size_t i, n;
	int rv;

	scan_corpus();
	n = nitems(fixed) + nbad;
	tests = xcalloc(n, sizeof *tests);
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < nbad; i++) {
		tests[nitems(fixed) + i].name = bad[i].name;
		tests[nitems(fixed) + i].test_func = test_bad_file;
		tests[nitems(fixed) + i].initial_state = &bad[i];
	}
	rv = _cmocka_run_group_tests("test-manifest", tests, n, group_setup,
	    group_teardown);
	for (i = 0; i < nbad; i++) {
		free(bad[i].name);
		free(bad[i].path);
		free(bad[i].expect);
		free(bad[i].problem);
	}
	free(bad);
	free(tests);
	return rv;
}
