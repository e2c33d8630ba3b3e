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

/* What lambda.yml says for each setting: not its default. */
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
	{ "tags", "{ team: core }" },
};

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
	size_t i;

	buf_adds(&y, "functions:\n  f:\n    artifact: f.zip\n");
	for (i = 0; i < fnsettings_count; i++)
		buf_addf(&y, "    %s: %s\n", fnsettings[i].key,
		    sample(fnsettings[i].key));
	if (manifest_load_mem(m, "t.yml", y.data, y.len, 0, &err) == -1)
		fail_msg("%s", err.msg);
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
		if (s->type == FNSET_LIST) {
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

	for (i = 0; i < p->nchanges; i++) {
		if (strstr(p->changes[i].text, "s3cr3t") != NULL)
			fail_msg("a value leaked: %s", p->changes[i].text);
		free(p->changes[i].field);
		free(p->changes[i].text);
	}
	free(p->changes);
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
	manifest_release(&m);
}

/*
 * A manifest with every setting but s, for a custom runtime so that the
 * handler may go too (runtime and role are required: never left out).
 */
static void
load_without(struct manifest *m, const struct fnsetting *s)
{
	struct buf y = BUF_INIT;
	struct lc_err err = { 0 };
	size_t i;

	buf_adds(&y, "functions:\n  f:\n    artifact: f.zip\n"
	    "    runtime: provided.al2023\n");
	for (i = 0; i < fnsettings_count; i++)
		if (&fnsettings[i] != s &&
		    strcmp(fnsettings[i].key, "runtime") != 0)
			buf_addf(&y, "    %s: %s\n", fnsettings[i].key,
			    sample(fnsettings[i].key));
	if (manifest_load_mem(m, "t.yml", y.data, y.len, 0, &err) == -1)
		fail_msg("without %s: %s", s->key, err.msg);
	buf_release(&y);
}

/*
 * Each row's default, in fn (a manifest without its key): what fnset_*
 * gives, and what lambda.yml leaves in the field (unset for a row whose
 * unset value CreateFunction leaves out).
 */
static void
check_default(const struct fnsetting *s, struct manifest_fn *fn)
{
	const char *str = *(char **)((char *)fn + s->fn_off);
	long num = *(long *)((char *)fn + s->fn_off);
	size_t n;

	switch (s->type) {
	case FNSET_STRING:
		if (s->def == NULL) {
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
 * The entry of key in lambda.yml(5), its lines joined by spaces and the
 * .Cm and .Li macros dropped: "Default x86_64 ."; caller frees.
 */
static char *
man_entry(const char *key)
{
	struct buf b = BUF_INIT;
	char line[512], want[128];
	const char *t;
	FILE *fp;
	int in = 0;

	if ((fp = fopen(MAN_PAGE, "r")) == NULL)
		fail_msg("cannot read " MAN_PAGE);
	snprintf(want, sizeof want, ".It Cm %s Pq ", key);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".It ", 4) == 0 || strncmp(line, ".El", 3) ==
		    0)
			in = strncmp(line, want, strlen(want)) == 0;
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

/* lambda.yml(5) gives each row's default as the table has it. */
static void
test_rows_defaults_documented(void **state)
{
	const struct fnsetting *s;
	char want[128], *entry;
	size_t i;

	(void)state;
	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (s->type == FNSET_STRING && s->def != NULL)
			snprintf(want, sizeof want, "Default %s", *s->def ?
			    s->def : "none");
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

/* lambda.yml(5) has ".It Cm KEY Pq TYPE" for every row. */
static void
test_rows_documented(void **state)
{
	static const char *const types[] = {
		[FNSET_STRING] = "string", [FNSET_LONG] = "whole number",
		[FNSET_LIST] = "list", [FNSET_MAP] = "map",
	};
	char line[512], want[128];
	FILE *fp;
	size_t i, found;

	(void)state;
	for (i = 0; i < fnsettings_count; i++) {
		if ((fp = fopen(MAN_PAGE, "r")) == NULL)
			fail_msg("cannot read " MAN_PAGE);
		snprintf(want, sizeof want, ".It Cm %s Pq %s",
		    fnsettings[i].key, types[fnsettings[i].type]);
		found = 0;
		while (fgets(line, sizeof line, fp) != NULL)
			if (strncmp(line, want, strlen(want)) == 0 &&
			    strchr(",\n", line[strlen(want)]) != NULL)
				found++;
		fclose(fp);
		if (found != 1)
			fail_msg(MAN_PAGE " has %zu '%s' lines, not one", found,
			    want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_round_trip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_rows_defaults),
		cmocka_unit_test(test_rows_defaults_documented),
		cmocka_unit_test(test_rows_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
