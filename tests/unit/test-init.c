/*
 * test-init.c - lambdactl init's lambda.yml (init.c): the text for two
 * functions, exactly (shared values at the top level, defaults left out,
 * the placeholder artifact); every setting of the shipped example read
 * back by manifest_load_mem to what plan finds no difference with
 * (deploy_compare), one function or two alike; hostile strings that must
 * round-trip (': ', '#', '*', yes, 012, newlines, ${env:...}); tags that
 * are not lambda.yml's left out; nested keys; reserved concurrency; and
 * what cannot be written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deploy.h"
#include "fnsettings.h"
#include "init.h"
#include "lambda-api.h"
#include "manifest.h"
#include "xmalloc.h"

#define EXAMPLE	"lambda.yml.example"
#define ROLE	"arn:aws:iam::123456789012:role/lambda-exec"

/* A configuration as GetFunction gives it: the given strings, the rest
 * as Lambda reports a function that sets nothing more. */
static void
cfg_init(struct lambda_config *c, const char *name, const char *runtime,
    const char *handler)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	c->runtime = xstrdup(runtime);
	c->handler = xstrdup(handler);
	c->role = xstrdup(ROLE);
	c->description = xstrdup("");
	c->architecture = xstrdup("x86_64");
	c->memory = 128;
	c->timeout = 3;
	c->ephemeral_storage = 512;
	c->reserved_concurrency = MANIFEST_NO_CONCURRENCY;
}

static void
add_kv(struct manifest_kv **kv, size_t *n, const char *k, const char *v)
{
	*kv = xrealloc(*kv, (*n + 1) * sizeof **kv);
	(*kv)[*n].key = xstrdup(k);
	(*kv)[(*n)++].value = xstrdup(v);
}

/* The text of n functions (artifact NULL: placeholders). */
static char *
yaml_of(struct lambda_config *cfgs, size_t n, const char *artifact,
    struct init_result *res)
{
	struct init_fn fns[8];
	struct lc_err err = { 0 };
	size_t i;

	assert_true(n <= 8);
	for (i = 0; i < n; i++) {
		fns[i].cfg = &cfgs[i];
		fns[i].artifact = artifact;
	}
	if (init_yaml(fns, n, "us-east-1", res, &err) == -1)
		fail_msg("init_yaml: %s", err.msg);
	assert_int_equal(strlen(res->yaml), res->len);
	return res->yaml;
}

static void
load_text(struct manifest *m, const char *text)
{
	struct lc_err err = { 0 };

	if (manifest_load_mem(m, "lambda.yml", text, strlen(text), 0,
	    &err) == -1)
		fail_msg("%s\n--- the text:\n%s", err.msg, text);
}

/* Plan's comparison of fn with cfg (code and configuration) finds nothing;
 * and the tags, which it does not compare, are cfg's kept ones. */
static void
no_difference(const struct manifest_fn *fn, const struct lambda_config *cfg)
{
	static const struct deploy_opts all = { .mode = DEPLOY_ANY, .code = 1,
	    .config = 1 };
	struct deploy_plan p;
	size_t i, k = 0;

	memset(&p, 0, sizeof p);
	p.remote = *cfg;	/* borrowed */
	deploy_compare(fn, NULL, NULL, &all, &p);
	for (i = 0; i < p.nchanges; i++)
		print_error("%s: %s\n", fn->name, p.changes[i].text);
	assert_int_equal(p.nchanges, 0);
	free(p.changes);
	for (i = 0; i < cfg->ntags; i++) {
		if (manifest_tag_reserved(cfg->tags[i].key) != NULL)
			continue;
		assert_true(k < fn->ntags);
		assert_string_equal(fn->tags[k].key, cfg->tags[i].key);
		assert_string_equal(fn->tags[k++].value, cfg->tags[i].value);
	}
	assert_int_equal(fn->ntags, k);
}

/* Two functions: what they share at the top, the rest under each, the
 * defaults nowhere, placeholders marked. */
static void
test_two_functions_text(void **state)
{
	struct lambda_config c[2];
	struct init_result res;
	struct manifest m;
	const char *want =
	    "# lambda.yml written by 'lambdactl init' from the deployed "
	    "functions\n"
	    "# jobs, other (see lambda.yml(5)).\n"
	    "# An artifact marked \"placeholder\" names no file yet: point "
	    "it at what your\n"
	    "# build makes, or fetch the deployed code with 'lambdactl init "
	    "--download'.\n"
	    "# Environment values are as deployed: keep secrets out of this "
	    "file\n"
	    "# with ${env:NAME}, read from the environment when lambdactl "
	    "runs.\n"
	    "region: us-east-1\n"
	    "runtime: java21\n"
	    "role: " ROLE "\n"
	    "timeout: 30\n"
	    "functions:\n"
	    "  jobs:\n"
	    "    handler: jobs.core::handler\n"
	    "    memory: 512\n"
	    "    description: Nightly jobs\n"
	    "    environment:\n"
	    "      LINES: \"one\\ntwo\"\n"
	    "      STAGE: prod\n"
	    "    architecture: arm64\n"
	    "    tags:\n"
	    "      team: data\n"
	    "    artifact: jobs.zip  # placeholder: your build's zip, jar or "
	    "directory\n"
	    "  other:\n"
	    "    handler: other.core::handler\n"
	    "    artifact: other.zip  # placeholder: your build's zip, jar or "
	    "directory\n";

	(void)state;
	cfg_init(&c[0], "jobs", "java21", "jobs.core::handler");
	cfg_init(&c[1], "other", "java21", "other.core::handler");
	c[0].memory = 512;
	c[0].timeout = c[1].timeout = 30;
	free(c[0].description);
	c[0].description = xstrdup("Nightly jobs");
	free(c[0].architecture);
	c[0].architecture = xstrdup("arm64");
	add_kv(&c[0].env, &c[0].nenv, "LINES", "one\ntwo");
	add_kv(&c[0].env, &c[0].nenv, "STAGE", "prod");
	add_kv(&c[0].tags, &c[0].ntags, "team", "data");
	add_kv(&c[0].tags, &c[0].ntags, "lambdactl:triggers", "x");
	add_kv(&c[1].tags, &c[1].ntags, "AWS:CloudFormation:stack-id", "i");
	add_kv(&c[1].tags, &c[1].ntags, "aws:cloudformation:stack-name", "s");
	assert_string_equal(yaml_of(c, 2, NULL, &res), want);
	assert_int_equal(res.nenv, 1);
	assert_int_equal(res.nplaceholders, 2);

	load_text(&m, res.yaml);
	assert_string_equal(m.region, "us-east-1");
	assert_int_equal(m.nfns, 2);
	assert_string_equal(m.fns[0].name, "jobs");
	assert_string_equal(m.fns[0].artifact, "jobs.zip");
	assert_string_equal(m.fns[1].runtime, "java21");
	assert_int_equal(m.fns[1].memory, 128);
	assert_int_equal(m.fns[1].timeout, 30);
	no_difference(&m.fns[0], &c[0]);
	no_difference(&m.fns[1], &c[1]);
	manifest_release(&m);
	init_result_release(&res);
	assert_null(res.yaml);
	lambda_config_release(&c[0]);
	lambda_config_release(&c[1]);
}

/* Code downloaded: the artifact is the file, no placeholder; a provided
 * runtime has no handler; one function shares nothing. */
static void
test_downloaded_artifact(void **state)
{
	struct lambda_config c;
	struct init_result res;
	struct manifest m;

	(void)state;
	cfg_init(&c, "native", "provided.al2023", "x");
	free(c.handler);
	c.handler = NULL;
	c.memory = 256;
	yaml_of(&c, 1, "native.zip", &res);
	assert_int_equal(res.nplaceholders, 0);
	assert_int_equal(res.nenv, 0);
	assert_null(strstr(res.yaml, "placeholder"));
	assert_null(strstr(res.yaml, "Environment values"));
	assert_null(strstr(res.yaml, "handler"));
	assert_non_null(strstr(res.yaml, "functions:\n  native:\n"
	    "    runtime: provided.al2023\n    role: " ROLE "\n"
	    "    memory: 256\n    artifact: native.zip\n"));
	load_text(&m, res.yaml);
	assert_null(m.fns[0].handler);
	no_difference(&m.fns[0], &c);
	manifest_release(&m);
	init_result_release(&res);
	lambda_config_release(&c);
}

/* Values YAML would read as something else, or that lambda.yml would
 * expand, come back as they were. */
static const char *const hostile[] = {
	"a: b", "x # y", "#start", "*star", "&anchor", "!tag", "%pct", "@at",
	"`tick", "yes", "no", "No", "on", "OFF", "y", "n", "true", "null", "~",
	"", " ", "  lead", "trail ", "012", "0x1F", "1e3", "-1", "+1", ".5",
	"1.0", "2024-01-01", "12:30", ".inf", "-.nan", "<<", "=", "- dash",
	"-", "?", "? q", "[x]", "{a: 1}", "a, b", "'single'", "\"double\"",
	"back\\slash", "line\nbreak", "two\n\nbreaks\n", "\ttab", "cr\rhere",
	"bell\a", "${env:HOME}", "$${env:HOME}", "a${b", "$$", "${", "$",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "|", ">", "--- doc",
	"...", "a:", ":a", "a :b", "key: [1, 2]",
};

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_kv *)a)->key,
	    ((const struct manifest_kv *)b)->key);
}

static void
test_hostile_values(void **state)
{
	struct lambda_config c;
	struct init_result res;
	struct manifest m;
	const struct manifest_kv *kv;
	char name[32];
	size_t i;

	(void)state;
	setenv("HOME", "/should/not/appear", 1);
	cfg_init(&c, "f", "python3.12", "app.handler");
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		snprintf(name, sizeof name, "V%03zu", i);
		add_kv(&c.env, &c.nenv, name, hostile[i]);
		/* Lambda's tags: at most 50, values maybe empty. */
		if (i % 2 == 0)
			add_kv(&c.tags, &c.ntags, name, hostile[i]);
	}
	/* Names YAML 1.1 reads as booleans; tag keys with ': ' and '#'. */
	add_kv(&c.env, &c.nenv, "NO", "x");
	add_kv(&c.env, &c.nenv, "Y", "x");
	add_kv(&c.tags, &c.ntags, "k: v", "x");
	add_kv(&c.tags, &c.ntags, "k #v", "x");
	qsort(c.env, c.nenv, sizeof *c.env, kv_cmp);
	qsort(c.tags, c.ntags, sizeof *c.tags, kv_cmp);
	free(c.description);
	c.description = xstrdup("jobs: nightly # ${env:X} \"q\" 'q'\nnext");
	yaml_of(&c, 1, NULL, &res);
	load_text(&m, res.yaml);
	assert_string_equal(m.fns[0].description, c.description);
	assert_int_equal(m.fns[0].nenv, c.nenv);
	for (i = 0; i < c.nenv; i++) {
		kv = &m.fns[0].env[i];
		assert_string_equal(kv->key, c.env[i].key);
		assert_string_equal(kv->value, c.env[i].value);
	}
	no_difference(&m.fns[0], &c);
	manifest_release(&m);
	init_result_release(&res);
	lambda_config_release(&c);
}

/* Whether lambda.yml reads key (the settings may not have it yet). */
static int
manifest_knows(const char *key)
{
	struct manifest m;
	struct lc_err err = { 0 };
	char *text = xasprintf("role: r\nfunctions:\n  f:\n    runtime: "
	    "java21\n    handler: a::b\n    artifact: f.zip\n    %s: 1\n",
	    key);
	int rv = manifest_load_mem(&m, "t.yml", text, strlen(text), 0, &err);

	free(text);
	if (rv == -1) {
		assert_non_null(strstr(err.msg, "unknown key"));
		return 0;
	}
	manifest_release(&m);
	return 1;
}

/* The values of the shipped example's functions as Lambda would report
 * them: each row copied by the table's offsets (borrowed from fn). */
static void
cfg_from_fn(struct lambda_config *c, const struct manifest_fn *fn)
{
	const struct fnsetting *s;
	size_t i;

	memset(c, 0, sizeof *c);
	c->name = fn->name;
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (s->cfg_off == FNSET_NONE)
			continue;
		switch (s->type) {
		case FNSET_STRING:
			*(const char **)((char *)c + s->cfg_off) =
			    fnset_str(s, fn, NULL);
			break;
		case FNSET_LONG:
			*(long *)((char *)c + s->cfg_off) = fnset_long(s, fn);
			break;
		case FNSET_LIST:
			*(char *const **)((char *)c + s->cfg_off) =
			    fnset_list(s, fn, (size_t *)((char *)c +
			    s->cfg_count));
			break;
		case FNSET_MAP:
			*(const struct manifest_kv **)((char *)c + s->cfg_off) =
			    fnset_map(s, fn, (size_t *)((char *)c +
			    s->cfg_count));
			break;
		}
	}
	c->tags = fn->tags;
	c->ntags = fn->ntags;
	/* Not set (MANIFEST_CONCURRENCY_UNSET): a function without one. */
	c->reserved_concurrency = manifest_knows("reserved_concurrency") &&
	    fn->reserved_concurrency >= 0 ? fn->reserved_concurrency :
	    MANIFEST_NO_CONCURRENCY;
}

/* Whether fn leaves scalar setting s at its default (or unset). */
static int
is_default(const struct fnsetting *s, const struct manifest_fn *fn)
{
	const char *v;

	if (s->type == FNSET_LONG)
		return fnset_long(s, fn) == s->ldef;
	v = fnset_str(s, fn, NULL);
	return v == NULL || (s->def != NULL && strcmp(v, s->def) == 0);
}

/* Every setting of the example (which shows each row of the table) reads
 * back to no difference: its functions as they are, and each one twice
 * under two names, so that every setting it has goes to the top level. */
static void
test_example_round_trip(void **state)
{
	struct lambda_config c[2];
	struct init_result res;
	struct manifest ex, m;
	struct lc_err err = { 0 };
	const struct fnsetting *s;
	char line[128];
	size_t i, k;

	(void)state;
	setenv("DB_PASSWORD", "s3cr3t: ${not} #this", 1);
	unsetenv("STAGE");
	if (manifest_load(&ex, EXAMPLE, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(ex.nfns, 2);
	cfg_from_fn(&c[0], &ex.fns[0]);
	cfg_from_fn(&c[1], &ex.fns[1]);
	yaml_of(c, 2, NULL, &res);
	load_text(&m, res.yaml);
	assert_int_equal(m.nfns, 2);
	no_difference(&m.fns[0], &c[0]);
	no_difference(&m.fns[1], &c[1]);
	manifest_release(&m);
	init_result_release(&res);

	for (k = 0; k < ex.nfns; k++) {
		cfg_from_fn(&c[0], &ex.fns[k]);
		c[1] = c[0];
		c[1].name = (char *)(uintptr_t)"twin";
		yaml_of(c, 2, NULL, &res);
		for (i = 0; i < fnsettings_count; i++) {
			s = &fnsettings[i];
			if (strchr(s->key, '.') != NULL ||
			    (s->type != FNSET_STRING && s->type !=
			    FNSET_LONG) || strcmp(s->key, "snap_start") == 0 ||
			    is_default(s, &ex.fns[k]))
				continue;
			/* At the top level: at the start of a line. */
			snprintf(line, sizeof line, "\n%s: ", s->key);
			if (strstr(res.yaml, line) == NULL)
				fail_msg("%s: '%s' is not at the top level:\n%s",
				    ex.fns[k].name, s->key, res.yaml);
		}
		load_text(&m, res.yaml);
		no_difference(&m.fns[0], &c[0]);
		no_difference(&m.fns[1], &c[1]);
		manifest_release(&m);
		init_result_release(&res);
	}
	manifest_release(&ex);
	unsetenv("DB_PASSWORD");
}

/* A nested key (vpc.subnets) under its map, snap_start as a boolean:
 * once the table has them (nothing to check before). */
static void
test_nested_and_snap_start(void **state)
{
	const struct fnsetting *vpc = fnset_find("vpc.subnets");
	const struct fnsetting *sg = fnset_find("vpc.security_groups");
	const struct fnsetting *snap = fnset_find("snap_start");
	struct lambda_config c;
	struct init_result res;
	struct manifest m;
	char **list;

	(void)state;
	/* (cmocka's skip() is a "not ok" to tests/run.sh) */
	if (vpc == NULL && snap == NULL)
		return;
	cfg_init(&c, "f", "java21", "a.b::c");
	if (vpc != NULL) {
		list = xcalloc(2, sizeof *list);
		list[0] = xstrdup("subnet-0a1b2c3d");
		list[1] = xstrdup("subnet-1a2b3c4d");
		*(char ***)((char *)&c + vpc->cfg_off) = list;
		*(size_t *)((char *)&c + vpc->cfg_count) = 2;
		/* (a VPC needs both lists) */
		list = xcalloc(1, sizeof *list);
		list[0] = xstrdup("sg-0a1b2c3d");
		*(char ***)((char *)&c + sg->cfg_off) = list;
		*(size_t *)((char *)&c + sg->cfg_count) = 1;
	}
	if (snap != NULL)
		*(char **)((char *)&c + snap->cfg_off) =
		    xstrdup("PublishedVersions");
	yaml_of(&c, 1, NULL, &res);
	if (vpc != NULL)
		assert_non_null(strstr(res.yaml, "\n    vpc:\n      subnets:\n"
		    "      - subnet-0a1b2c3d\n      - subnet-1a2b3c4d\n"
		    "      security_groups:\n      - sg-0a1b2c3d\n"));
	if (snap != NULL)
		assert_non_null(strstr(res.yaml, "\n    snap_start: true\n"));
	load_text(&m, res.yaml);
	no_difference(&m.fns[0], &c);
	manifest_release(&m);
	init_result_release(&res);
	lambda_config_release(&c);
}

/* Reserved concurrency: written when set, 0 included; absent otherwise. */
/* Lambda's own log group, /aws/lambda/NAME, is left out (with Text logs
 * nothing of logging is written); another group, even another function's
 * default, is written. */
static void
test_log_group(void **state)
{
	struct lambda_config c;
	struct init_result res;
	struct manifest m;

	(void)state;
	cfg_init(&c, "f", "java21", "a.b::c");
	c.log_format = xstrdup("Text");
	c.log_group = xstrdup("/aws/lambda/f");
	yaml_of(&c, 1, NULL, &res);
	assert_null(strstr(res.yaml, "logging"));
	load_text(&m, res.yaml);
	assert_null(m.fns[0].log_group);
	no_difference(&m.fns[0], &c);
	manifest_release(&m);
	init_result_release(&res);

	free(c.log_group);
	c.log_group = xstrdup("/aws/lambda/f-old");
	yaml_of(&c, 1, NULL, &res);
	assert_non_null(strstr(res.yaml, "\n    logging:\n"
	    "      group: /aws/lambda/f-old\n"));
	load_text(&m, res.yaml);
	no_difference(&m.fns[0], &c);
	manifest_release(&m);
	init_result_release(&res);
	lambda_config_release(&c);
}

static void
test_reserved_concurrency(void **state)
{
	struct lambda_config c;
	struct init_result res;
	struct manifest m;

	(void)state;
	cfg_init(&c, "f", "java21", "a.b::c");
	yaml_of(&c, 1, NULL, &res);
	assert_null(strstr(res.yaml, "reserved_concurrency"));
	init_result_release(&res);

	c.reserved_concurrency = 0;
	yaml_of(&c, 1, NULL, &res);
	assert_non_null(strstr(res.yaml, "\n    reserved_concurrency: 0\n"));
	init_result_release(&res);

	c.reserved_concurrency = 10;
	yaml_of(&c, 1, NULL, &res);
	assert_non_null(strstr(res.yaml, "\n    reserved_concurrency: 10\n"));
	/* lambda.yml reads the key once the settings have it. */
	if (manifest_knows("reserved_concurrency")) {
		load_text(&m, res.yaml);
		assert_int_equal(m.fns[0].reserved_concurrency, 10);
		no_difference(&m.fns[0], &c);
		manifest_release(&m);
	}
	init_result_release(&res);
	lambda_config_release(&c);
}

static void
init_fails(struct lambda_config *c, size_t n, int status, const char *msg)
{
	struct init_fn fns[2];
	struct init_result res;
	struct lc_err err = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		fns[i].cfg = &c[i];
		fns[i].artifact = NULL;
	}
	assert_int_equal(init_yaml(fns, n, "us-east-1", &res, &err), -1);
	assert_int_equal(err.status, status);
	assert_string_equal(err.msg, msg);
	assert_null(res.yaml);
}

/* What lambda.yml cannot hold, and what the emitter refuses. */
static void
test_refused(void **state)
{
	struct lambda_config c[2];

	(void)state;
	cfg_init(&c[0], "jobs", "java21", "a::b");
	cfg_init(&c[1], "jobs", "java21", "a::b");
	init_fails(c, 2, LC_EUSAGE, "function 'jobs' is named twice");
	free(c[1].name);
	c[1].name = xstrdup("../etc/x");
	init_fails(c, 2, LC_EUSAGE, "'../etc/x' is not a function name "
	    "lambda.yml can hold");
	free(c[1].name);
	c[1].name = xstrdup("image");
	free(c[1].runtime);
	c[1].runtime = NULL;
	init_fails(c, 2, LC_ECONFIG, "image: no runtime (a container "
	    "image?): lambda.yml holds functions deployed as zip code only");
	init_fails(c, 0, LC_EUSAGE, "no function to write");
	/* Not UTF-8: the emitter says so, naming the function; no text. */
	add_kv(&c[0].env, &c[0].nenv, "BAD", "\xff\xfe");
	init_fails(c, 1, LC_EFAIL, "jobs: cannot write a value as YAML: it "
	    "is not UTF-8");
	lambda_config_release(&c[0]);
	lambda_config_release(&c[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_functions_text),
		cmocka_unit_test(test_downloaded_artifact),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_example_round_trip),
		cmocka_unit_test(test_nested_and_snap_start),
		cmocka_unit_test(test_reserved_concurrency),
		cmocka_unit_test(test_log_group),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
