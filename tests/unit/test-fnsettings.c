/*
 * test-fnsettings.c - every row of the table of function settings, walked:
 * lambda.yml reads its key (a sample value below, which a new row must
 * add), CreateFunction's body holds it, UpdateFunctionConfiguration's (or
 * UpdateFunctionCode's) body holds it unless it is create-only, a
 * FunctionConfiguration made of those bodies reads back to no difference,
 * and a change to it alone is what plan reports; a manifest without its
 * key gives its default, which plan takes a FunctionConfiguration without
 * it to mean.  And lambda.yml(5) documents each key with its type and
 * default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "deploy.h"
#include "fnsettings.h"
#include "lambda-api.h"
#include "manifest.h"

#define MAN_PAGE	"man/lambda.yml.5"

/*
 * What lambda.yml says for each setting: not its default (snap_start's
 * false is a value: ApplyOn None, sent; true would not go with the
 * ephemeral storage over 512 MB here).
 */
static const struct {
	const char	*key, *yaml;
} samples[] = {
	{ "runtime", "java21" },
	{ "handler", "example.Handler::handleRequest" },
	{ "role", "lambda-exec" },
	{ "memory", "256" },
	{ "timeout", "30" },
	{ "description", "nightly jobs" },
	{ "layers", "[arn:aws:lambda:us-east-1:123456789012:layer:a:1, "
	    "arn:aws:lambda:us-east-1:123456789012:layer:b:2]" },
	{ "ephemeral_storage", "1024" },
	{ "environment", "{ A_KEY: one, DB_PASSWORD: s3cr3t }" },
	{ "architecture", "arm64" },
	{ "vpc.subnets", "[subnet-1a2b3c4d, subnet-0a1b2c3d]" },
	{ "vpc.security_groups", "[sg-0a1b2c3d, sg-1a2b3c4d]" },
	{ "tracing", "Active" },
	{ "kms_key", "arn:aws:kms:us-east-1:123456789012:key/"
	    "1234abcd-12ab-34cd-56ef-1234567890ab" },
	{ "dead_letter", "arn:aws:sqs:us-east-1:123456789012:jobs-dlq" },
	{ "logging.format", "JSON" },
	{ "logging.level", "DEBUG" },
	{ "logging.system_level", "WARN" },
	{ "logging.group", "/custom/jobs" },
	{ "snap_start", "false" },
	{ "tags", "{ team: core }" },
};

/*
 * Settings left out with another, for a manifest that still loads: a VPC
 * is both lists; the log levels need the format's JSON; without a
 * handler the runtime is a custom one, which has no SnapStart.
 */
static const struct {
	const char	*key, *with;
} together[] = {
	{ "vpc.subnets", "vpc.security_groups" },
	{ "vpc.security_groups", "vpc.subnets" },
	{ "logging.format", "logging.level" },
	{ "logging.format", "logging.system_level" },
	{ "handler", "snap_start" },
};

/* Whether t goes when s is left out (s itself included). */
static int
left_out(const struct fnsetting *s, const struct fnsetting *t)
{
	size_t i;

	if (s == t)
		return 1;
	for (i = 0; i < sizeof together / sizeof together[0]; i++)
		if (strcmp(together[i].key, s->key) == 0 &&
		    strcmp(together[i].with, t->key) == 0)
			return 1;
	return 0;
}

/*
 * Adds "KEY: VALUE" to the function map in y; a dotted key
 * ("vpc.subnets") goes under its map, opened ("vpc:") unless the key
 * added last (whose map *open names, "" for none) was in it already.
 */
static void
add_key(struct buf *y, const char *key, const char *value, char *open,
    size_t len)
{
	const char *dot = strchr(key, '.');
	size_t n;

	if (dot == NULL) {
		buf_addf(y, "    %s: %s\n", key, value);
		*open = '\0';
		return;
	}
	n = (size_t)(dot - key);
	if (strlen(open) != n || strncmp(open, key, n) != 0) {
		snprintf(open, len, "%.*s", (int)n, key);
		buf_addf(y, "    %s:\n", open);
	}
	buf_addf(y, "      %s: %s\n", dot + 1, value);
}

static const char *
sample(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (strcmp(samples[i].key, key) == 0)
			return samples[i].yaml;
	fail_msg("no sample value for setting '%s': add one to samples[]",
	    key);
	return NULL;
}

/* A manifest setting every row (and artifact, which is not a setting). */
static void
load_all(struct manifest *m)
{
	struct buf y = BUF_INIT;
	struct lc_err err = { 0 };
	char open[32] = "";
	size_t i;

	buf_adds(&y, "functions:\n  f:\n    artifact: f.zip\n");
	for (i = 0; i < fnsettings_count; i++)
		add_key(&y, fnsettings[i].key, sample(fnsettings[i].key), open,
		    sizeof open);
	if (manifest_load_mem(m, "t.yml", y.data, y.len, 0, &err) == -1)
		fail_msg("%s: %s", err.msg, y.data);
	buf_release(&y);
	assert_int_equal(m->nfns, 1);
}

/* The member at path ("EphemeralStorage.Size") of o, or NULL. */
static cJSON *
at_path(cJSON *o, const char *path)
{
	char part[64];
	const char *dot;

	for (; o != NULL && (dot = strchr(path, '.')) != NULL;
	    path = dot + 1) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		o = cJSON_GetObjectItemCaseSensitive(o, part);
	}
	return o != NULL ? cJSON_GetObjectItemCaseSensitive(o, path) : NULL;
}

/* Sets the member at path of o to v (taken over), making the objects on
 * the way. */
static void
put_path(cJSON *o, const char *path, cJSON *v)
{
	char part[64];
	const char *dot;
	cJSON *sub;

	for (; (dot = strchr(path, '.')) != NULL; path = dot + 1) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		if ((sub = cJSON_GetObjectItemCaseSensitive(o, part)) == NULL)
			sub = cJSON_AddObjectToObject(o, part);
		o = sub;
	}
	cJSON_AddItemToObject(o, path, v);
}

/* Checks that body holds setting s of fn, as fn has it. */
static void
check_in_body(const struct fnsetting *s, const struct manifest_fn *fn,
    cJSON *body, const char *what)
{
	cJSON *v = at_path(body, s->api);
	size_t n;

	if (v == NULL)
		fail_msg("%s: %s has no %s", s->key, what, s->api);
	switch (s->type) {
	case FNSET_STRING:
		if (s->flags & FNSET_ONE_ITEM) {
			assert_int_equal(cJSON_GetArraySize(v), 1);
			v = cJSON_GetArrayItem(v, 0);
		}
		assert_true(cJSON_IsString(v));
		assert_string_equal(v->valuestring, fnset_str(s, fn, NULL));
		break;
	case FNSET_LONG:
		assert_true(cJSON_IsNumber(v));
		assert_true(v->valuedouble == (double)fnset_long(s, fn));
		break;
	case FNSET_LIST:
		fnset_list(s, fn, &n);
		assert_true(cJSON_IsArray(v));
		assert_int_equal(cJSON_GetArraySize(v), n);
		break;
	case FNSET_MAP:
		fnset_map(s, fn, &n);
		assert_true(cJSON_IsObject(v));
		assert_int_equal(cJSON_GetArraySize(v), n);
		break;
	}
}

/*
 * A FunctionConfiguration as Lambda would report fn after the bodies
 * create and config (and code) had been applied: each setting copied from
 * the body that updates it, a list's items as objects ({"Arn": ...}).
 * Every setting must be in a body, unless without is given: then that one
 * is left out, and so is any a body leaves out (a handler not sent).
 */
static char *
reported(cJSON *config, cJSON *code, const struct fnsetting *without)
{
	cJSON *doc = cJSON_CreateObject(), *v, *item, *a;
	const struct fnsetting *s;
	char *out;
	size_t i;

	cJSON_AddStringToObject(doc, "FunctionName", "f");
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if ((s->flags & FNSET_CREATE_ONLY) || s == without)
			continue;
		v = at_path(s->flags & FNSET_CODE ? code : config, s->api);
		if (v == NULL && without != NULL)
			continue;
		assert_non_null(v);
		if (s->type == FNSET_LIST && s->item != NULL) {
			a = cJSON_CreateArray();
			cJSON_ArrayForEach(item, v) {
				cJSON *o = cJSON_CreateObject();

				cJSON_AddStringToObject(o, s->item,
				    item->valuestring);
				cJSON_AddItemToArray(a, o);
			}
			put_path(doc, s->api, a);
		} else
			put_path(doc, s->api, cJSON_Duplicate(v, 1));
	}
	out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return out;
}

static cJSON *
parse_body(char *s)
{
	cJSON *o = cJSON_Parse(s);

	assert_non_null(o);
	free_secret(s);
	return o;
}

/* Compares fn with cfg; the plan's changes, the caller releases them. */
static void
compare(const struct manifest_fn *fn, const struct lambda_config *cfg,
    struct deploy_plan *p)
{
	static const struct deploy_opts all = { .mode = DEPLOY_ANY, .code = 1,
	    .config = 1 };

	memset(p, 0, sizeof *p);
	p->remote = *cfg;	/* borrowed */
	deploy_compare(fn, NULL, NULL, &all, p);
	memset(&p->remote, 0, sizeof p->remote);
}

static void
release_changes(struct deploy_plan *p)
{
	size_t i;
	cJSON *o;
	char *json;

	for (i = 0; i < p->nchanges; i++) {
		o = plan_line_json(&p->changes[i]);
		json = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (json == NULL || strstr(json, "s3cr3t") != NULL)
			fail_msg("a value leaked: %s", json);
		free(json);
	}
	plan_lines_free(p->changes, p->nchanges);
}

/*
 * Changes setting s of fn (undone by calling it again with undo set) and
 * returns the field plan must name.
 */
static const char *
mutate(const struct fnsetting *s, struct manifest_fn *fn, int undo)
{
	static char *saved, changed[] = "changed";
	static long lsaved;
	char **str = (char **)((char *)fn + s->fn_off);
	long *num = (long *)((char *)fn + s->fn_off);
	size_t *n = (size_t *)((char *)fn + s->fn_count);
	struct manifest_kv *kv;

	switch (s->type) {
	case FNSET_STRING:
		if (!undo)
			saved = *str;
		*str = undo ? saved : changed;
		return s->key;
	case FNSET_LONG:
		if (!undo)
			lsaved = *num;
		*num = undo ? lsaved : *num + 1;
		return s->key;
	case FNSET_LIST:
		*n += undo ? 1 : -1;	/* the last item goes */
		return s->key;
	case FNSET_MAP:
		/* The first value changes (its key is named, not its value). */
		kv = *(struct manifest_kv **)((char *)fn + s->fn_off);
		if (!undo)
			saved = kv[0].value;
		kv[0].value = undo ? saved : changed;
		return NULL;
	}
	return NULL;
}

static void
test_rows_round_trip(void **state)
{
	struct manifest m;
	struct manifest_fn *fn;
	struct lambda_config cfg;
	struct deploy_plan p;
	struct lc_err err = { 0 };
	const struct fnsetting *s;
	const char *field;
	char *doc, want[128];
	cJSON *create, *config, *code;
	size_t i;

	(void)state;
	load_all(&m);
	fn = &m.fns[0];
	create = parse_body(lambda_create_json(fn, NULL, 0, "PH"));
	config = parse_body(lambda_config_json(fn, NULL, NULL));
	code = parse_body(lambda_code_json(fn, NULL, "PH"));
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		print_message("# %s\n", s->key);
		assert_ptr_equal(fnset_find(s->key), s);
		/* lambda.yml set it: it is not the default. */
		assert_false(fnset_unset(s, fn));
		check_in_body(s, fn, create, "CreateFunction's body");
		if (s->flags & FNSET_CREATE_ONLY) {
			assert_null(at_path(config, s->api));
			assert_null(at_path(code, s->api));
			continue;
		}
		check_in_body(s, fn, s->flags & FNSET_CODE ? code : config,
		    s->flags & FNSET_CODE ? "UpdateFunctionCode's body" :
		    "UpdateFunctionConfiguration's body");
		assert_null(at_path(s->flags & FNSET_CODE ? config : code,
		    s->api));
	}

	/* Read back, it is the same function. */
	doc = reported(config, code, NULL);
	if (lambda_config_parse("GetFunction", doc, strlen(doc), &cfg,
	    &err) == -1)
		fail_msg("%s", err.msg);
	compare(fn, &cfg, &p);
	for (i = 0; i < p.nchanges; i++)
		print_message("# unexpected: %s\n", p.changes[i].text);
	assert_int_equal(p.nchanges, 0);
	release_changes(&p);

	/* One setting changed: that one alone is reported, in its group. */
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		print_message("# change %s\n", s->key);
		field = mutate(s, fn, 0);
		if (field == NULL) {
			snprintf(want, sizeof want, "%s.%s", s->key,
			    (*(struct manifest_kv **)((char *)fn +
			    s->fn_off))[0].key);
			field = want;
		}
		compare(fn, &cfg, &p);
		if (s->flags & FNSET_CREATE_ONLY)
			assert_int_equal(p.nchanges, 0);
		else {
			assert_int_equal(p.nchanges, 1);
			assert_string_equal(p.changes[0].field, field);
			assert_int_equal(p.code_changed,
			    (s->flags & FNSET_CODE) != 0);
			assert_int_equal(p.config_changed,
			    (s->flags & FNSET_CODE) == 0);
		}
		release_changes(&p);
		mutate(s, fn, 1);
	}
	lambda_config_release(&cfg);
	cJSON_free(doc);
	cJSON_Delete(create);
	cJSON_Delete(config);
	cJSON_Delete(code);
	manifest_release(&m);
}

/* The manifest's defaults are what the table sends for unset values. */
static void
test_defaults(void **state)
{
	static const char y[] = "functions:\n  f:\n    runtime: "
	    "provided.al2023\n    role: r\n    artifact: f.zip\n";
	struct manifest m;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(manifest_load_mem(&m, "t.yml", y, strlen(y), 0,
	    &err), 0);
	assert_string_equal(fnset_str(fnset_find("architecture"), &m.fns[0],
	    NULL), "x86_64");
	assert_int_equal(fnset_long(fnset_find("ephemeral_storage"),
	    &m.fns[0]), 512);
	assert_int_equal(fnset_default_long("memory"), 128);
	assert_int_equal(fnset_default_long("timeout"), 3);
	assert_string_equal(fnset_str(fnset_find("description"), &m.fns[0],
	    NULL), "");
	assert_null(fnset_str(fnset_find("handler"), &m.fns[0], NULL));
	assert_string_equal(fnset_str(fnset_find("role"), &m.fns[0],
	    "arn:aws:iam::123456789012:role/r"),
	    "arn:aws:iam::123456789012:role/r");
	assert_null(fnset_find("artifact"));	/* not a function setting */
	/* Issue 15's: not set, not lambdactl's (no default, none sent). */
	assert_null(fnset_str(fnset_find("tracing"), &m.fns[0], NULL));
	assert_null(fnset_str(fnset_find("logging.format"), &m.fns[0], NULL));
	assert_null(fnset_str(fnset_find("logging.level"), &m.fns[0], NULL));
	assert_null(fnset_str(fnset_find("logging.group"), &m.fns[0], NULL));
	assert_null(fnset_str(fnset_find("kms_key"), &m.fns[0], NULL));
	assert_null(fnset_str(fnset_find("dead_letter"), &m.fns[0], NULL));
	assert_null(fnset_str(fnset_find("snap_start"), &m.fns[0], NULL));
	assert_true(fnset_unmanaged(fnset_find("vpc.subnets"), &m.fns[0]));
	assert_null(m.fns[0].tracing);
	assert_null(m.fns[0].kms_key);
	assert_null(m.fns[0].snap_start);
	assert_false(m.fns[0].vpc_set);
	assert_false(m.fns[0].tags_set);
	/* Not rows: the manifest's own unset values. */
	assert_null(m.fns[0].alias);
	assert_null(m.fns[0].on_failure);
	assert_int_equal(m.fns[0].keep_versions, 0);
	assert_int_equal(m.fns[0].reserved_concurrency,
	    MANIFEST_CONCURRENCY_UNSET);
	manifest_release(&m);
}

/* The member path of o must be absent. */
static void
assert_absent(cJSON *o, const char *path)
{
	if (at_path(o, path) != NULL)
		fail_msg("the body has %s", path);
}

/* The string member path of o. */
static const char *
str_at(cJSON *o, const char *path)
{
	cJSON *v = at_path(o, path);

	if (!cJSON_IsString(v))
		fail_msg("the body has no string %s", path);
	return v->valuestring;
}

/* Issue 15's members, which a lambda.yml without their keys never sends. */
static const char *const issue15_members[] = {
	"VpcConfig", "TracingConfig", "KMSKeyArn", "DeadLetterConfig",
	"LoggingConfig", "SnapStart",
};

/*
 * A function that sets none of issue 15's settings leaves them to Lambda:
 * neither CreateFunction nor UpdateFunctionConfiguration carries any of
 * them (a lambda.yml from before they existed changes nothing of a
 * function's VPC, key, target, tracing, logs or SnapStart).  The values
 * that remove one are sent when written: empty VPC lists, "" for the key
 * and the target, PassThrough, Text logs (no levels), SnapStart false.
 */
static void
test_unset_bodies(void **state)
{
	static const char y[] = "functions:\n  f:\n    runtime: java21\n"
	    "    handler: h::h\n    role: r\n    artifact: f.zip\n";
	static const char removal[] = "functions:\n  f:\n    runtime: java21\n"
	    "    handler: h::h\n    role: r\n    artifact: f.zip\n"
	    "    vpc: { subnets: [], security_groups: [] }\n"
	    "    tracing: PassThrough\n    kms_key: \"\"\n"
	    "    dead_letter: ''\n    logging: { format: Text }\n"
	    "    snap_start: false\n";
	struct manifest m;
	struct lc_err err = { 0 };
	cJSON *create, *config;
	size_t i;

	(void)state;
	assert_int_equal(manifest_load_mem(&m, "t.yml", y, strlen(y), 0,
	    &err), 0);
	create = parse_body(lambda_create_json(&m.fns[0], NULL, 0, "PH"));
	config = parse_body(lambda_config_json(&m.fns[0], NULL, NULL));
	for (i = 0; i < sizeof issue15_members / sizeof issue15_members[0];
	    i++) {
		assert_absent(create, issue15_members[i]);
		assert_absent(config, issue15_members[i]);
	}
	/* The older settings still are: their defaults. */
	assert_non_null(at_path(config, "MemorySize"));
	assert_non_null(at_path(config, "EphemeralStorage.Size"));
	cJSON_Delete(create);
	cJSON_Delete(config);
	manifest_release(&m);

	assert_int_equal(manifest_load_mem(&m, "t.yml", removal,
	    strlen(removal), 0, &err), 0);
	config = parse_body(lambda_config_json(&m.fns[0], NULL, NULL));
	assert_int_equal(cJSON_GetArraySize(at_path(config,
	    "VpcConfig.SubnetIds")), 0);
	assert_int_equal(cJSON_GetArraySize(at_path(config,
	    "VpcConfig.SecurityGroupIds")), 0);
	assert_string_equal(str_at(config, "KMSKeyArn"), "");
	assert_string_equal(str_at(config, "DeadLetterConfig.TargetArn"), "");
	assert_string_equal(str_at(config, "SnapStart.ApplyOn"), "None");
	assert_string_equal(str_at(config, "TracingConfig.Mode"),
	    "PassThrough");
	assert_string_equal(str_at(config, "LoggingConfig.LogFormat"), "Text");
	assert_int_equal(cJSON_GetArraySize(at_path(config, "LoggingConfig")),
	    1);
	cJSON_Delete(config);
	manifest_release(&m);
}

/* JSON logs without levels get Lambda's INFO, sent and compared. */
static void
test_json_log_levels(void **state)
{
	static const char y[] = "logging: { format: JSON }\nfunctions:\n"
	    "  f:\n    runtime: java21\n    handler: h::h\n    role: r\n"
	    "    artifact: f.zip\n    logging: { system_level: WARN }\n";
	struct manifest m;
	struct lc_err err = { 0 };
	cJSON *config;

	(void)state;
	assert_int_equal(manifest_load_mem(&m, "t.yml", y, strlen(y), 0,
	    &err), 0);
	assert_string_equal(m.fns[0].log_format, "JSON");	/* inherited */
	assert_string_equal(m.fns[0].log_level, "INFO");
	assert_string_equal(m.fns[0].system_log_level, "WARN");
	config = parse_body(lambda_config_json(&m.fns[0], NULL, NULL));
	assert_string_equal(str_at(config, "LoggingConfig.LogFormat"), "JSON");
	assert_string_equal(str_at(config, "LoggingConfig.ApplicationLogLevel"),
	    "INFO");
	assert_string_equal(str_at(config, "LoggingConfig.SystemLogLevel"),
	    "WARN");
	assert_absent(config, "LoggingConfig.LogGroup");
	cJSON_Delete(config);
	manifest_release(&m);
}

/* The changes plan finds between the manifest y's function and the
 * FunctionConfiguration doc, one "field" per line into b. */
static void
plan_fields(const char *y, const char *doc, struct buf *b)
{
	struct manifest m;
	struct lambda_config cfg;
	struct deploy_plan p;
	struct lc_err err = { 0 };
	size_t i;

	if (manifest_load_mem(&m, "t.yml", y, strlen(y), 0, &err) == -1 ||
	    lambda_config_parse("GetFunction", doc, strlen(doc), &cfg,
	    &err) == -1)
		fail_msg("%s", err.msg);
	compare(&m.fns[0], &cfg, &p);
	for (i = 0; i < p.nchanges; i++)
		buf_addf(b, "%s\n", p.changes[i].text);
	release_changes(&p);
	lambda_config_release(&cfg);
	manifest_release(&m);
}

/*
 * What Lambda reports for a function without issue 15's settings is no
 * difference (TracingConfig, LoggingConfig with its group, SnapStart, an
 * empty or null VpcConfig), nor is any value of them for a lambda.yml
 * without their keys; a VPC's lists in another order are the same VPC; a
 * level that differs is one line, named by lambda.yml's keys.
 */
static void
test_reported(void **state)
{
	static const char bare[] = "functions:\n  f:\n    runtime: "
	    "java21\n    handler: h::h\n    role: r\n    artifact: f.zip\n";
	static const char vpc[] = "functions:\n  f:\n    runtime: java21\n"
	    "    handler: h::h\n    role: r\n    artifact: f.zip\n"
	    "    vpc:\n      subnets: [subnet-0000000b, subnet-0000000a]\n"
	    "      security_groups: [sg-0000000a]\n"
	    "    logging: { format: JSON, level: WARN }\n";
#define HEAD "{\"FunctionName\":\"f\",\"Runtime\":\"java21\"," \
	"\"Handler\":\"h::h\",\"Role\":\"r\",\"MemorySize\":128," \
	"\"Timeout\":3,\"Description\":\"\","
	static const char lambda[] = HEAD
	    "\"TracingConfig\":{\"Mode\":\"PassThrough\"},"
	    "\"SnapStart\":{\"ApplyOn\":\"None\","
	    "\"OptimizationStatus\":\"Off\"},"
	    "\"VpcConfig\":{\"SubnetIds\":[],\"SecurityGroupIds\":[],"
	    "\"VpcId\":\"\"},"
	    "\"LoggingConfig\":{\"LogFormat\":\"Text\","
	    "\"LogGroup\":\"/aws/lambda/f\"}}";
	static const char moto[] = HEAD "\"VpcConfig\":null}";
	static const char in_vpc[] = HEAD
	    "\"VpcConfig\":{\"SubnetIds\":[\"subnet-0000000a\","
	    "\"subnet-0000000b\"],\"SecurityGroupIds\":[\"sg-0000000a\"],"
	    "\"VpcId\":\"vpc-1\"},"
	    "\"LoggingConfig\":{\"LogFormat\":\"JSON\","
	    "\"ApplicationLogLevel\":\"INFO\",\"SystemLogLevel\":\"INFO\","
	    "\"LogGroup\":\"/aws/lambda/f\"}}";
	static const char bad_item[] = HEAD
	    "\"VpcConfig\":{\"SubnetIds\":[7]}}";
	/* Set by hand (the console, CloudFormation): not lambda.yml's. */
	static const char by_hand[] = HEAD
	    "\"TracingConfig\":{\"Mode\":\"Active\"},"
	    "\"KMSKeyArn\":\"arn:aws:kms:us-east-1:123456789012:key/k-1\","
	    "\"DeadLetterConfig\":{\"TargetArn\":"
	    "\"arn:aws:sqs:us-east-1:123456789012:dlq\"},"
	    "\"SnapStart\":{\"ApplyOn\":\"PublishedVersions\"},"
	    "\"VpcConfig\":{\"SubnetIds\":[\"subnet-0000000a\"],"
	    "\"SecurityGroupIds\":[\"sg-0000000a\"],\"VpcId\":\"vpc-1\"},"
	    "\"LoggingConfig\":{\"LogFormat\":\"JSON\","
	    "\"ApplicationLogLevel\":\"DEBUG\",\"SystemLogLevel\":\"WARN\","
	    "\"LogGroup\":\"/custom/f\"}}";
#undef HEAD
	struct buf b = BUF_INIT;
	struct lambda_config cfg;
	struct lc_err err = { 0 };

	(void)state;
	plan_fields(bare, lambda, &b);
	plan_fields(bare, moto, &b);
	plan_fields(bare, by_hand, &b);
	plan_fields(bare, in_vpc, &b);
	assert_string_equal(b.data, "");
	plan_fields(vpc, in_vpc, &b);
	assert_string_equal(b.data, "~ logging.level INFO -> WARN\n");
	buf_release(&b);
	plan_fields(vpc, lambda, &b);
	assert_string_equal(b.data, "~ vpc.subnets [] -> [subnet-0000000a, "
	    "subnet-0000000b]\n~ vpc.security_groups [] -> [sg-0000000a]\n"
	    "~ logging.format Text -> JSON\n"
	    "~ logging.level INFO -> WARN\n");
	buf_release(&b);
	assert_int_equal(lambda_config_parse("GetFunction", bad_item,
	    strlen(bad_item), &cfg, &err), -1);
	assert_string_equal(err.msg, "GetFunction: unexpected response: "
	    "'SubnetIds[]' is not a string");
}

/*
 * A manifest with every setting but s (and what goes with it), for a
 * custom runtime when the handler goes, so that it may (runtime and role
 * are required: never left out).
 */
static void
load_without(struct manifest *m, const struct fnsetting *s)
{
	struct buf y = BUF_INIT;
	struct lc_err err = { 0 };
	char open[32] = "";
	size_t i;

	buf_addf(&y, "functions:\n  f:\n    artifact: f.zip\n"
	    "    runtime: %s\n", strcmp(s->key, "handler") == 0 ?
	    "provided.al2023" : sample("runtime"));
	for (i = 0; i < fnsettings_count; i++)
		if (!left_out(s, &fnsettings[i]) &&
		    strcmp(fnsettings[i].key, "runtime") != 0)
			add_key(&y, fnsettings[i].key,
			    sample(fnsettings[i].key), open, sizeof open);
	if (manifest_load_mem(m, "t.yml", y.data, y.len, 0, &err) == -1)
		fail_msg("without %s: %s", s->key, err.msg);
	buf_release(&y);
}

/*
 * Each row's default, in fn (a manifest without its key): what fnset_*
 * gives, and what lambda.yml leaves in the field (unset for a row whose
 * unset value CreateFunction leaves out, or that is not lambdactl's
 * while unset).
 */
static void
check_default(const struct fnsetting *s, struct manifest_fn *fn)
{
	const char *str = *(char **)((char *)fn + s->fn_off);
	long num = *(long *)((char *)fn + s->fn_off);
	size_t n;

	switch (s->type) {
	case FNSET_STRING:
		/* No default, or not lambdactl's while unset: none. */
		if (s->def == NULL || (s->flags & FNSET_UNSET_UNMANAGED)) {
			assert_null(fnset_str(s, fn, NULL));
			assert_null(str);
			break;
		}
		assert_string_equal(fnset_str(s, fn, NULL), s->def);
		if (s->flags & FNSET_CREATE_OMIT_UNSET)
			assert_null(str);
		else
			assert_string_equal(str, s->def);
		break;
	case FNSET_LONG:
		assert_int_equal(fnset_long(s, fn), s->ldef);
		assert_int_equal(num, s->flags & FNSET_CREATE_OMIT_UNSET ? 0 :
		    s->ldef);
		assert_int_equal(fnset_default_long(s->key), s->ldef);
		break;
	case FNSET_LIST:
	case FNSET_MAP:
		/* No default: an empty list or map. */
		assert_null(s->def);
		assert_int_equal(s->ldef, 0);
		n = *(size_t *)((char *)fn + s->fn_count);
		assert_int_equal(n, 0);
		break;
	}
}

/*
 * Every row's default is what a manifest without its key gives (the
 * table is the one place defaults are written), and what plan takes a
 * FunctionConfiguration without it to mean: no difference, but for a
 * setting Lambda always reports (FNSET_REPORTED), whose absence plan
 * shows.  Runtime and role are required: no default.
 */
static void
test_rows_defaults(void **state)
{
	struct manifest m;
	struct manifest_fn *fn;
	struct lambda_config cfg;
	struct deploy_plan p;
	struct lc_err err = { 0 };
	const struct fnsetting *s;
	cJSON *config, *code;
	char *doc;
	size_t i, k;

	(void)state;
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		print_message("# without %s\n", s->key);
		if (strcmp(s->key, "runtime") == 0 ||
		    strcmp(s->key, "role") == 0) {
			assert_null(s->def);
			continue;
		}
		load_without(&m, s);
		fn = &m.fns[0];
		check_default(s, fn);
		config = parse_body(lambda_config_json(fn, NULL, NULL));
		code = parse_body(lambda_code_json(fn, NULL, "PH"));
		doc = reported(config, code, s);
		if (lambda_config_parse("GetFunction", doc, strlen(doc), &cfg,
		    &err) == -1)
			fail_msg("%s", err.msg);
		compare(fn, &cfg, &p);
		if ((s->flags & FNSET_REPORTED) &&
		    !(s->flags & FNSET_CREATE_ONLY)) {
			assert_int_equal(p.nchanges, 1);
			assert_string_equal(p.changes[0].field, s->key);
		} else {
			for (k = 0; k < p.nchanges; k++)
				print_message("# unexpected: %s\n",
				    p.changes[k].text);
			assert_int_equal(p.nchanges, 0);
		}
		release_changes(&p);
		lambda_config_release(&cfg);
		cJSON_free(doc);
		cJSON_Delete(config);
		cJSON_Delete(code);
		manifest_release(&m);
	}
}

/*
 * A row not lambdactl's while unset (FNSET_UNSET_UNMANAGED): a manifest
 * without its key finds no difference with a function that has any value
 * of it (the samples, a string one changed besides), and its bodies do
 * not carry it; nor do they a log level without the format.
 */
static void
test_unset_unmanaged(void **state)
{
	struct manifest all, m;
	struct lambda_config cfg;
	struct deploy_plan p;
	struct lc_err err = { 0 };
	const struct fnsetting *s;
	cJSON *config, *code, *create;
	char *doc, **str, *saved = NULL, other[] = "PublishedVersions";
	size_t i, k, n = 0;

	(void)state;
	load_all(&all);
	config = parse_body(lambda_config_json(&all.fns[0], NULL, NULL));
	code = parse_body(lambda_code_json(&all.fns[0], NULL, "PH"));
	doc = reported(config, code, NULL);
	if (lambda_config_parse("GetFunction", doc, strlen(doc), &cfg,
	    &err) == -1)
		fail_msg("%s", err.msg);
	cJSON_Delete(config);
	cJSON_Delete(code);
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (!(s->flags & FNSET_UNSET_UNMANAGED))
			continue;
		n++;
		print_message("# without %s\n", s->key);
		str = (char **)((char *)&cfg + s->cfg_off);
		if (s->type == FNSET_STRING) {	/* another value, for once */
			saved = *str;
			*str = other;
		}
		load_without(&m, s);
		assert_true(fnset_unset(s, &m.fns[0]));
		assert_true(fnset_unmanaged(s, &m.fns[0]));
		compare(&m.fns[0], &cfg, &p);
		for (k = 0; k < p.nchanges; k++)
			print_message("# unexpected: %s\n", p.changes[k].text);
		assert_int_equal(p.nchanges, 0);
		release_changes(&p);
		if (s->type == FNSET_STRING)
			*str = saved;
		config = parse_body(lambda_config_json(&m.fns[0], NULL, NULL));
		create = parse_body(lambda_create_json(&m.fns[0], NULL, 0,
		    "PH"));
		assert_absent(config, s->api);
		assert_absent(create, s->api);
		if (strcmp(s->key, "logging.format") == 0) {
			assert_absent(config, "LoggingConfig.ApplicationLogLevel");
			assert_absent(config, "LoggingConfig.SystemLogLevel");
		}
		cJSON_Delete(config);
		cJSON_Delete(create);
		manifest_release(&m);
	}
	/* vpc (two rows), tracing, kms_key, dead_letter, logging.format,
	 * snap_start. */
	assert_int_equal(n, 7);
	lambda_config_release(&cfg);
	cJSON_free(doc);
	manifest_release(&all);
}

/*
 * Walking lambda.yml(5) for a setting's entry: ".It Cm KEY Pq TYPE", or
 * for a dotted key ("logging.format") ".It Cm format Pq TYPE" in the list
 * under ".It Cm logging Pq map".
 */
struct man_scan {
	char	 item[128];	/* ".It Cm LEAF Pq " */
	char	 parent[128];	/* ".It Cm MAP Pq map", or "" */
	int	 depth;		/* lists (.Bl) open */
	int	 in_parent;	/* the depth of the parent's item, or 0 */
};

static void
man_scan_init(struct man_scan *m, const char *key)
{
	const char *dot = strchr(key, '.');

	memset(m, 0, sizeof *m);
	snprintf(m->item, sizeof m->item, ".It Cm %s Pq ", dot != NULL ?
	    dot + 1 : key);
	if (dot != NULL)
		snprintf(m->parent, sizeof m->parent, ".It Cm %.*s Pq map",
		    (int)(dot - key), key);
}

/* Follows line (without its newline); whether it is the entry's item. */
static int
man_scan_line(struct man_scan *m, const char *line)
{
	if (strncmp(line, ".Bl", 3) == 0)
		m->depth++;
	else if (strncmp(line, ".El", 3) == 0) {
		if (--m->depth < m->in_parent)
			m->in_parent = 0;
	} else if (strncmp(line, ".It ", 4) == 0) {
		if (*m->parent != '\0' && strncmp(line, m->parent,
		    strlen(m->parent)) == 0) {
			m->in_parent = m->depth;
			return 0;
		}
		if (m->in_parent == m->depth)
			m->in_parent = 0;
		return strncmp(line, m->item, strlen(m->item)) == 0 &&
		    (*m->parent == '\0' || (m->in_parent > 0 &&
		    m->depth == m->in_parent + 1));
	}
	return 0;
}

/*
 * The entry of key in lambda.yml(5), its lines joined by spaces and the
 * .Cm and .Li macros dropped: "Default x86_64 ."; caller frees.
 */
static char *
man_entry(const char *key)
{
	struct buf b = BUF_INIT;
	struct man_scan m;
	char line[512];
	const char *t;
	FILE *fp;
	int in = 0, item;

	if ((fp = fopen(MAN_PAGE, "r")) == NULL)
		fail_msg("cannot read " MAN_PAGE);
	man_scan_init(&m, key);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		item = man_scan_line(&m, line);
		if (strncmp(line, ".It ", 4) == 0 || strncmp(line, ".El", 3) ==
		    0 || strncmp(line, ".Bl", 3) == 0)
			in = item;
		else if (in) {
			t = line;
			if (strncmp(t, ".Cm ", 4) == 0 ||
			    strncmp(t, ".Li ", 4) == 0)
				t += 4;
			buf_addf(&b, "%s ", t);
		}
	}
	fclose(fp);
	return buf_detach(&b, NULL);
}

/*
 * The rows whose value in lambda.yml is not the API's, as lambda.yml(5)
 * gives their type and default: snap_start is true or false (ApplyOn
 * PublishedVersions or None).
 */
static const struct {
	const char	*key, *type, *def;
} doc_as[] = {
	{ "snap_start", "boolean", "false" },
};

/* Row s's type in lambda.yml(5) (types: the table's types' names). */
static const char *
doc_type(const struct fnsetting *s, const char *const *types)
{
	size_t i;

	for (i = 0; i < sizeof doc_as / sizeof doc_as[0]; i++)
		if (strcmp(doc_as[i].key, s->key) == 0)
			return doc_as[i].type;
	return types[s->type];
}

/* Row s's default (a string's) in lambda.yml(5). */
static const char *
doc_default(const struct fnsetting *s)
{
	size_t i;

	for (i = 0; i < sizeof doc_as / sizeof doc_as[0]; i++)
		if (strcmp(doc_as[i].key, s->key) == 0)
			return doc_as[i].def;
	return *s->def ? s->def : "none";
}

/*
 * lambda.yml(5) gives each row's default as the table has it; a row not
 * lambdactl's while unset says so, and names its def (or lambda.yml's
 * form of it) as the value that removes the setting.
 */
static void
test_rows_defaults_documented(void **state)
{
	static const char unmanaged[] = "Default: not set: lambdactl leaves "
	    "it as it is";
	const struct fnsetting *s;
	char want[128], *entry;
	size_t i;

	(void)state;
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (s->type == FNSET_STRING &&
		    (s->flags & FNSET_UNSET_UNMANAGED)) {
			/* "KEY: VALUE", as in .Li "tracing: PassThrough"
			 * or "logging: { format: Text }". */
			entry = man_entry(s->key);
			snprintf(want, sizeof want, "%s: %s",
			    strchr(s->key, '.') != NULL ?
			    strchr(s->key, '.') + 1 : s->key,
			    *s->def ? doc_default(s) : "\\(dq\\(dq");
			if (strstr(entry, unmanaged) == NULL ||
			    strstr(strstr(entry, unmanaged), want) == NULL)
				fail_msg(MAN_PAGE ": the entry of '%s' does "
				    "not say '%s', then '%s': '%s'", s->key,
				    unmanaged, want, entry);
			free(entry);
			continue;
		}
		if (s->type == FNSET_STRING && s->def != NULL)
			snprintf(want, sizeof want, "Default %s",
			    doc_default(s));
		else if (s->type == FNSET_LONG)
			snprintf(want, sizeof want, "Default %ld", s->ldef);
		else
			continue;
		entry = man_entry(s->key);
		if (strstr(entry, want) == NULL ||
		    strchr(" .", strstr(entry, want)[strlen(want)]) == NULL)
			fail_msg(MAN_PAGE ": the entry of '%s' does not say "
			    "'%s': '%s'", s->key, want, entry);
		free(entry);
	}
}

/* lambda.yml(5) has ".It Cm KEY Pq TYPE" for every row (a dotted key's
 * leaf under its map). */
static void
test_rows_documented(void **state)
{
	static const char *const types[] = {
		[FNSET_STRING] = "string", [FNSET_LONG] = "whole number",
		[FNSET_LIST] = "list", [FNSET_MAP] = "map",
	};
	struct man_scan m;
	char line[512], after;
	const char *type;
	FILE *fp;
	size_t i, found;

	(void)state;
	for (i = 0; i < fnsettings_count; i++) {
		if ((fp = fopen(MAN_PAGE, "r")) == NULL)
			fail_msg("cannot read " MAN_PAGE);
		man_scan_init(&m, fnsettings[i].key);
		type = doc_type(&fnsettings[i], types);
		found = 0;
		while (fgets(line, sizeof line, fp) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (!man_scan_line(&m, line) ||
			    strncmp(line + strlen(m.item), type,
			    strlen(type)) != 0)
				continue;
			after = line[strlen(m.item) + strlen(type)];
			found += after == ',' || after == '\0';
		}
		fclose(fp);
		if (found != 1)
			fail_msg(MAN_PAGE " has %zu '%s%s' lines for '%s', not "
			    "one", found, m.item, type, fnsettings[i].key);
	}
}

/* Changes row s of cfg (undone by calling it again with undo set): a
 * string to another or to NULL (how), a number by one, a list's last item
 * or its length, a map's first value or key. */
static void
cfg_mutate(const struct fnsetting *s, struct lambda_config *cfg, int how,
    int undo)
{
	static char *saved, changed[] = "changed";
	static long lsaved;
	static size_t nsaved;
	void *v = (char *)cfg + s->cfg_off;
	size_t *n = (size_t *)((char *)cfg + s->cfg_count);
	char **slot;

	switch (s->type) {
	case FNSET_STRING:
		slot = v;
		break;
	case FNSET_LONG:
		if (!undo)
			lsaved = *(long *)v;
		*(long *)v = undo ? lsaved : lsaved + 1;
		return;
	case FNSET_LIST:
		if (how) {
			if (!undo)
				nsaved = *n;
			*n = undo ? nsaved : nsaved - 1;
			return;
		}
		slot = &(*(char ***)v)[*n - 1];
		break;
	case FNSET_MAP:
	default:
		slot = how ? &(*(struct manifest_kv **)v)[0].key :
		    &(*(struct manifest_kv **)v)[0].value;
		break;
	}
	if (!undo)
		saved = *slot;
	*slot = undo ? saved : how && s->type == FNSET_STRING ? NULL :
	    changed;
}

/* Two configurations Lambda reported differ where a row read back does,
 * and only there: what a version holds, not its number, code or
 * revision. */
static void
test_configs_differ(void **state)
{
	struct manifest m;
	struct lambda_config a, b;
	struct lc_err err = { 0 };
	const struct fnsetting *s;
	char *doc, *keep[4];
	cJSON *config, *code;
	size_t i;
	int how;

	(void)state;
	load_all(&m);
	config = parse_body(lambda_config_json(&m.fns[0], NULL, NULL));
	code = parse_body(lambda_code_json(&m.fns[0], NULL, "PH"));
	doc = reported(config, code, NULL);
	if (lambda_config_parse("GetFunction", doc, strlen(doc), &a,
	    &err) == -1 || lambda_config_parse("GetFunctionConfiguration",
	    doc, strlen(doc), &b, &err) == -1)
		fail_msg("%s", err.msg);
	assert_null(fnset_config_differs(&a, &b));
	/* Beside the settings: the same configuration. */
	keep[0] = b.version;
	keep[1] = b.code_sha256;
	keep[2] = b.revision_id;
	keep[3] = b.last_modified;
	b.version = (char *)"3";
	b.code_sha256 = (char *)"another";
	b.revision_id = (char *)"rev-3";
	b.last_modified = (char *)"2024-01-01T00:00:00.000+0000";
	assert_null(fnset_config_differs(&a, &b));
	b.version = keep[0];
	b.code_sha256 = keep[1];
	b.revision_id = keep[2];
	b.last_modified = keep[3];
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (s->cfg_off == FNSET_NONE)
			continue;
		if (s->flags & FNSET_VERSION_OWN) {	/* never differs */
			cfg_mutate(s, &b, 0, 0);
			assert_null(fnset_config_differs(&a, &b));
			cfg_mutate(s, &b, 0, 1);
			continue;
		}
		for (how = 0; how < (s->type == FNSET_LONG ? 1 : 2); how++) {
			if (how && s->type == FNSET_STRING && s->def == NULL) {
				/* unreported by one side: unknown */
				cfg_mutate(s, &b, how, 0);
				assert_null(fnset_config_differs(&a, &b));
				cfg_mutate(s, &b, how, 1);
				continue;
			}
			print_message("# differ %s (%d)\n", s->key, how);
			cfg_mutate(s, &b, how, 0);
			assert_ptr_equal(fnset_config_differs(&a, &b), s);
			assert_ptr_equal(fnset_config_differs(&b, &a), s);
			cfg_mutate(s, &b, how, 1);
		}
	}
	assert_null(fnset_config_differs(&a, &b));
	lambda_config_release(&a);
	lambda_config_release(&b);
	cJSON_free(doc);
	cJSON_Delete(config);
	cJSON_Delete(code);
	manifest_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_round_trip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_unset_bodies),
		cmocka_unit_test(test_json_log_levels),
		cmocka_unit_test(test_reported),
		cmocka_unit_test(test_rows_defaults),
		cmocka_unit_test(test_unset_unmanaged),
		cmocka_unit_test(test_rows_defaults_documented),
		cmocka_unit_test(test_rows_documented),
		cmocka_unit_test(test_configs_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
