/*
 * manifest-read.c - the keys of one lambda.yml map, the top level's or a
 * function's, read in file order into struct settings (manifest-private.h):
 * unknown keys (with a "did you mean"), each value's type and shape, the
 * "functions" map itself.  Values are interpolated (manifest-env.c) and
 * checked (manifest-check.c) as they are read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "manifest-private.h"
#include "num.h"
#include "suggest.h"
#include "xmalloc.h"

const char *const mf_key_names[K_COUNT] = {
	"runtime", "handler", "role", "memory", "timeout", "architecture",
	"description", "environment", "artifact", "build", "layers", "tags",
	"ephemeral_storage", "region", "profile", "build_timeout", "s3_bucket",
	"s3_prefix", "events", "url", "alias", "keep_versions", "vpc",
	"tracing", "kms_key", "dead_letter", "on_failure", "logging",
	"snap_start", "reserved_concurrency", "functions",
};

/* The text of a scalar (manifest-private.h). */
char *
mf_scalar_value(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    const char *what, int *expanded)
{
	if (v->type != YAML_SCALAR_NODE) {
		mf_node_error(c, v, "%s must be a string, not %s", what,
		    kind(v));
		return NULL;
	}
	if (is_null(v)) {
		mf_node_error(c, key, "%s has no value", what);
		return NULL;
	}
	if (strlen(text(v)) != v->data.scalar.length) {
		mf_node_error(c, v, "%s contains a NUL character", what);
		return NULL;
	}
	return mf_interpolate(c, v, expanded);
}

/* A string setting's interpolated value (manifest-private.h). */
char *
mf_string_value(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    int allow_empty, int *expanded)
{
	char what[96], *s;

	snprintf(what, sizeof what, "'%s'", text(key));
	c->deferred = 0;
	if ((s = mf_scalar_value(c, key, v, what, expanded)) == NULL)
		return NULL;
	/* An unset variable's value is not known yet: not "empty". */
	if (*s == '\0' && !allow_empty && !c->deferred) {
		mf_node_error(c, v, "%s must not be empty", what);
		free_secret(s);
		return NULL;
	}
	return s;
}

/* A whole number from min to max (manifest-private.h). */
int
mf_number_value(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    const char *unit, long min, long max, long *out)
{
	const char *name = text(key), *p;
	char what[96], *s;
	int expanded, rv;

	if (v->type != YAML_SCALAR_NODE)
		return mf_node_error(c, v, "'%s' must be a whole number of %s",
		    name, unit);
	snprintf(what, sizeof what, "'%s'", name);
	if ((s = mf_scalar_value(c, key, v, what, &expanded)) == NULL)
		return -1;
	/* Digits only: num_parse would also take a sign and white space. */
	p = s;
	if (!skip_set(&p, DIGITS, 1, SIZE_MAX) || *p != '\0') {
		free_secret(s);
		return mf_node_error(c, v, "'%s' must be a whole number of %s, "
		    "not '%s'", name, unit, text(v));
	}
	rv = num_parse(s, min, max, out, NULL);
	free_secret(s);
	if (rv == -1)
		return mf_node_error(c, v, "'%s' must be from %ld to %ld %s, "
		    "not '%s'", name, min, max, unit, text(v));
	return 0;
}

/*
 * Reads environment (is_env) or tags of s: a map of names to scalars.  An
 * unset variable in a value may wait (MANIFEST_DEFER_ENV).
 */
static int
read_kv(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *map, int is_env)
{
	struct manifest_kv **kv = is_env ? &s->fn.env : &s->fn.tags;
	size_t *nkv = is_env ? &s->fn.nenv : &s->fn.ntags;
	const yaml_node_pair_t *p;
	const yaml_node_t *k, *v;
	char what[sizeof c->err->msg], *value, *field;
	size_t n, *dups;
	int expanded, rv = -1;

	if (is_null(map))
		return mf_node_error(c, key, "'%s' has no value", text(key));
	if (map->type != YAML_MAPPING_NODE)
		return mf_node_error(c, map, "'%s' must be a map", text(key));
	n = (size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start);
	if (!is_env && n > TAGS_MAX)
		return mf_node_error(c, map, "'tags' has %zu entries, over "
		    "Lambda's limit of %d", n, TAGS_MAX);
	dups = mf_find_dups(c, map);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (mf_charge(c, map, 1) == -1 ||
		    (k = mf_map_key(c, map, p, dups)) == NULL ||
		    mf_check_kv_name(c, k, is_env) == -1)
			goto out;
		v = node(c, p->value);
		snprintf(what, sizeof what, "%s '%s'", is_env ?
		    "environment variable" : "tag", text(k));
		if (is_null(v)) {
			mf_node_error(c, k, "%s has no value (write \"\" for "
			    "an empty string)", what);
			goto out;
		}
		field = NULL;
		if (c->defer_env) {
			field = xasprintf("%s.%s", is_env ? "environment" :
			    "tags", text(k));
			c->defer_to = s;
			c->defer_field = field;
		}
		value = mf_scalar_value(c, k, v, what, &expanded);
		c->defer_to = NULL;
		free(field);
		if (value == NULL)
			goto out;
		if (!is_env && utf8_len(value) > TAG_VALUE_MAX) {
			n = utf8_len(value);
			free_secret(value);
			mf_node_error(c, v, "%s is %zu characters, over "
			    "Lambda's limit of %d", what, n, TAG_VALUE_MAX);
			goto out;
		}
		mf_kv_add(kv, nkv, xstrdup(text(k)), value);
	}
	rv = 0;
out:
	free(dups);
	return rv;
}

/* A list of strings (manifest-private.h). */
int
mf_read_list(struct ctx *c, const yaml_node_t *key, const yaml_node_t *list,
    const struct mf_list *spec, char ***out, size_t *n)
{
	const yaml_node_item_t *i;
	const yaml_node_t *v;
	char *s;
	size_t k, len;
	int expanded;

	if (is_null(list))
		return mf_node_error(c, key, "'%s' has no value", spec->name);
	if (list->type != YAML_SEQUENCE_NODE)
		return mf_node_error(c, list, "'%s' must be a list",
		    spec->name);
	len = (size_t)(list->data.sequence.items.top -
	    list->data.sequence.items.start);
	if (len > spec->max)
		return mf_node_error(c, list, "'%s' has %zu entries, over "
		    "Lambda's limit of %zu", spec->name, len, spec->max);
	for (i = list->data.sequence.items.start;
	    i < list->data.sequence.items.top; i++) {
		v = node(c, *i);
		if (mf_charge(c, v, 1) == -1)
			return -1;
		if (v->type != YAML_SCALAR_NODE || is_null(v))
			return mf_node_error(c, v, "%s must be %s, not %s",
			    spec->item, spec->must, is_null(v) ? "empty" :
			    kind(v));
		if ((s = mf_scalar_value(c, v, v, spec->item, &expanded)) ==
		    NULL)
			return -1;
		for (k = 0; spec->unique && k < *n; k++)
			if (strcmp((*out)[k], s) == 0) {
				free_secret(s);
				return mf_node_error(c, v, "'%s' is in '%s' "
				    "twice", text(v), spec->name);
			}
		if (spec->check(c, v, s) == -1) {
			free_secret(s);
			return -1;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = s;
	}
	return 0;
}

/* Reads layers: a list of at most 5 layer version ARNs. */
static int
read_layers(struct ctx *c, const yaml_node_t *key, const yaml_node_t *list,
    struct settings *s)
{
	static const struct mf_list spec = { "layers", LAYERS_MAX,
	    "a layer", "a layer version ARN", 0, mf_check_layer };

	if (mf_read_list(c, key, list, &spec, &s->fn.layers,
	    &s->fn.nlayers) == -1)
		return -1;
	s->layers_set = 1;
	return 0;
}

/*
 * reserved_concurrency: executions from 0 to CONCURRENCY_MAX, or "none"
 * (MANIFEST_NO_CONCURRENCY: the reservation goes).  Set even to 0, which
 * throttles every invoke.
 */
static int
read_concurrency(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *v)
{
	char *str;
	int expanded, none;

	s->concurrency_set = 1;
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
		if ((str = mf_scalar_value(c, key, v, "'reserved_concurrency'",
		    &expanded)) == NULL)
			return -1;
		none = strcmp(str, "none") == 0;
		free_secret(str);
		if (none) {
			s->fn.reserved_concurrency = MANIFEST_NO_CONCURRENCY;
			return 0;
		}
	}
	return mf_number_value(c, key, v, "executions (or 'none')", 0,
	    CONCURRENCY_MAX, &s->fn.reserved_concurrency);
}

/* Where a string setting is stored in fn. */
char **
mf_string_slot(struct manifest_fn *fn, enum key k)
{
	switch (k) {
	case K_RUNTIME:
		return &fn->runtime;
	case K_HANDLER:
		return &fn->handler;
	case K_ROLE:
		return &fn->role;
	case K_ARCHITECTURE:
		return &fn->architecture;
	case K_DESCRIPTION:
		return &fn->description;
	case K_ARTIFACT:
		return &fn->artifact;
	case K_BUILD:
		return &fn->build;
	case K_REGION:
		return &fn->region;
	case K_PROFILE:
		return &fn->profile;
	case K_S3_BUCKET:
		return &fn->s3_bucket;
	case K_S3_PREFIX:
		return &fn->s3_prefix;
	case K_ALIAS:
		return &fn->alias;
	case K_TRACING:
		return &fn->tracing;
	case K_KMS_KEY:
		return &fn->kms_key;
	case K_DEAD_LETTER:
		return &fn->dead_letter;
	case K_ON_FAILURE:
		return &fn->on_failure;
	case K_SNAP_START:	/* read as true or false */
		return &fn->snap_start;
	default:
		return NULL;
	}
}

/* Reads the setting k (named by key node) from value node v into s. */
static int
read_setting(struct ctx *c, struct settings *s, enum key k,
    const yaml_node_t *key, const yaml_node_t *v)
{
	char *str, **slot;
	int expanded;

	switch (k) {
	case K_MEMORY:
		return mf_number_value(c, key, v, "MB", MEMORY_MIN, MEMORY_MAX,
		    &s->fn.memory);
	case K_TIMEOUT:
		return mf_number_value(c, key, v, "seconds", TIMEOUT_MIN,
		    TIMEOUT_MAX, &s->fn.timeout);
	case K_EPHEMERAL:
		return mf_number_value(c, key, v, "MB", EPHEMERAL_MIN,
		    EPHEMERAL_MAX, &s->fn.ephemeral_storage);
	case K_BUILD_TIMEOUT:
		return mf_number_value(c, key, v, "seconds", 1,
		    BUILD_TIMEOUT_MAX, &s->fn.build_timeout);
	case K_ENVIRONMENT:
		return read_kv(c, s, key, v, 1);
	case K_TAGS:
		s->fn.tags_set = 1;	/* even {}: every tag but lambdactl's
					 * and AWS's goes */
		return read_kv(c, s, key, v, 0);
	case K_LAYERS:
		return read_layers(c, key, v, s);
	case K_EVENTS:
		return mf_read_events(c, s, key, v);
	case K_URL:
		return mf_read_url(c, s, key, v);
	case K_KEEP_VERSIONS:
		return mf_number_value(c, key, v, "versions", 1, VERSIONS_MAX,
		    &s->fn.keep_versions);
	case K_RESERVED_CONCURRENCY:
		return read_concurrency(c, s, key, v);
	case K_VPC:
		return mf_read_vpc(c, s, key, v);
	case K_LOGGING:
		return mf_read_logging(c, s, key, v);
	case K_SNAP_START:
		return mf_read_snap_start(c, s, key, v);
	default:
		break;
	}
	if ((slot = mf_string_slot(&s->fn, k)) == NULL)
		die("manifest: no slot for key %d", (int)k);
	/* What only deploying, packaging and running use may wait. */
	if (c->defer_env && (k == K_DESCRIPTION || k == K_BUILD ||
	    k == K_ARTIFACT || k == K_S3_BUCKET || k == K_S3_PREFIX)) {
		c->defer_to = s;
		c->defer_field = mf_key_names[k];
	}
	/* "" is a value of these: none (kms_key: Lambda's own key). */
	str = mf_string_value(c, key, v, k == K_DESCRIPTION ||
	    k == K_S3_PREFIX || k == K_KMS_KEY || k == K_DEAD_LETTER,
	    &expanded);
	c->defer_to = NULL;
	if (str == NULL)
		return -1;
	/* An unset variable's value is checked when it is known. */
	if (!c->deferred && mf_check_string(c, k, v, str, expanded) == -1) {
		free_secret(str);
		return -1;
	}
	*slot = str;
	if (k == K_RUNTIME)
		s->runtime = v;
	return 0;
}

/* The key named name among the first nkeys, or -1 (unknown key error). */
static int
lookup_key(struct ctx *c, const yaml_node_t *k, size_t nkeys)
{
	const char *hint;
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(text(k), mf_key_names[i]) == 0)
			return (int)i;
	if ((hint = suggest_key(text(k), mf_key_names, nkeys)) != NULL)
		return mf_node_error(c, k, "unknown key '%s' (did you mean "
		    "'%s'?)", text(k), hint);
	return mf_node_error(c, k, "unknown key '%s'", text(k));
}

/* Reads the functions map into c->fns. */
static int
read_functions(struct ctx *c, const yaml_node_t *key, const yaml_node_t *map)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *k, *v;
	struct settings *s;
	size_t *dups;
	int rv = -1;

	c->has_functions = 1;
	if (is_null(map) || (map->type == YAML_MAPPING_NODE &&
	    map->data.mapping.pairs.top == map->data.mapping.pairs.start))
		return mf_node_error(c, key, "'functions' is empty (add at "
		    "least one function)");
	if (map->type != YAML_MAPPING_NODE)
		return mf_node_error(c, map, "'functions' must be a map of "
		    "function names to their settings");
	dups = mf_find_dups(c, map);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (mf_charge(c, map, 1) == -1 ||
		    (k = mf_map_key(c, map, p, dups)) == NULL ||
		    mf_check_fn_name(c, k) == -1)
			goto out;
		v = node(c, p->value);
		if (!is_null(v) && v->type != YAML_MAPPING_NODE) {
			mf_node_error(c, v, "function '%s' must be a map",
			    text(k));
			goto out;
		}
		c->fns = mf_grow(c->fns, c->nfns, sizeof *c->fns);
		s = &c->fns[c->nfns++];
		memset(s, 0, sizeof *s);
		s->key = k;
		s->fn.name = xstrdup(text(k));
		s->fn.line = (int)k->start_mark.line + 1;
		s->fn.col = (int)k->start_mark.column + 1;
		if (v->type == YAML_MAPPING_NODE &&
		    mf_read_map(c, s, v, K_FUNCTIONS) == -1)
			goto out;
	}
	rv = 0;
out:
	free(dups);
	return rv;
}

int
mf_read_map(struct ctx *c, struct settings *s, const yaml_node_t *map,
    size_t nkeys)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *k, *v;
	size_t *dups = mf_find_dups(c, map);
	int i, rv = -1;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (mf_charge(c, map, 1) == -1 ||
		    (k = mf_map_key(c, map, p, dups)) == NULL ||
		    (i = lookup_key(c, k, nkeys)) == -1)
			goto out;
		v = node(c, p->value);
		if (i == K_FUNCTIONS) {
			if (read_functions(c, k, v) == -1)
				goto out;
		} else if (read_setting(c, s, (enum key)i, k, v) == -1)
			goto out;
	}
	rv = 0;
out:
	free(dups);
	return rv;
}

