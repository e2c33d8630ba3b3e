/*
 * manifest.c - lambda.yml: read with libyaml's document API, checked key by
 * key in file order, then each function merged with the top-level defaults
 * and checked for what it still lacks.  Every message quotes values as
 * written in the file, never as interpolated: ${env:...} may hold secrets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "buf.h"
#include "err.h"
#include "manifest.h"
#include "suggest.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* Lambda's limits. */
#define MEMORY_MIN	128
#define MEMORY_MAX	10240
#define TIMEOUT_MIN	1
#define TIMEOUT_MAX	900
#define EPHEMERAL_MIN	512
#define EPHEMERAL_MAX	10240
#define DESCRIPTION_MAX	256
#define HANDLER_MAX	128
#define LAYERS_MAX	5
#define TAGS_MAX	50
#define TAG_KEY_MAX	128
#define TAG_VALUE_MAX	256
#define ENV_MAX		4096
#define FN_NAME_MAX	64
#define ROLE_NAME_MAX	64
#define BUILD_TIMEOUT_MAX 86400

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define ALNUM		LOWER UPPER DIGITS

static const char *const runtimes[] = {
	"provided", "provided.al2", "provided.al2023",
	"java8.al2", "java11", "java17", "java21",
	"python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
	"nodejs18.x", "nodejs20.x", "nodejs22.x",
	"ruby3.2", "ruby3.3",
	"dotnet8",
};

/* Set by Lambda itself: a function may not set them. */
static const char *const reserved_env[] = {
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
	"LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
};

/* The keys, in the order of key_names; K_FUNCTIONS is top-level only. */
enum key {
	K_RUNTIME, K_HANDLER, K_ROLE, K_MEMORY, K_TIMEOUT, K_ARCHITECTURE,
	K_DESCRIPTION, K_ENVIRONMENT, K_ARTIFACT, K_BUILD, K_LAYERS, K_TAGS,
	K_EPHEMERAL, K_REGION, K_PROFILE, K_BUILD_TIMEOUT, K_FUNCTIONS, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"runtime", "handler", "role", "memory", "timeout", "architecture",
	"description", "environment", "artifact", "build", "layers", "tags",
	"ephemeral_storage", "region", "profile", "build_timeout", "functions",
};

/* What one map sets: the top level or one function (unset: NULL, 0). */
struct settings {
	struct manifest_fn	 fn;
	int			 layers_set;
	const yaml_node_t	*runtime;	/* the runtime's node */
	const yaml_node_t	*key;		/* a function's key node */
};

struct ctx {
	yaml_document_t	 doc;
	const char	*path;
	struct lc_err	*err;
	struct settings	 top;
	struct settings	*fns;
	size_t		 nfns;
	int		 has_functions;
	int		 defer_env;	/* MANIFEST_DEFER_ENV */
	size_t		 values;	/* read or inherited so far */
	/* Where an unset variable may be deferred to (NULL: nowhere). */
	struct settings	*defer_to;
	const char	*defer_field;
	int		 deferred;	/* the value being read had one */
	char		*unresolved_msg;
};

/* Fails with "PATH:LINE:COL: message", line and col 1-based; returns -1. */
static int LC_PRINTF(4, 5)
at_error(struct ctx *c, size_t line, size_t col, const char *fmt, ...)
{
	char msg[sizeof c->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return lc_error(c->err, LC_ECONFIG, "%s:%zu:%zu: %s", c->path, line,
	    col, msg);
}

/* Fails with a message at node n's position; returns -1. */
static int LC_PRINTF(3, 4)
node_error(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[sizeof c->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return at_error(c, n->start_mark.line + 1, n->start_mark.column + 1,
	    "%s", msg);
}

static yaml_node_t *
node(struct ctx *c, int index)
{
	return yaml_document_get_node(&c->doc, index);
}

/* A scalar's text as written (libyaml NUL-terminates it). */
static const char *
text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* Whether n is a null: an empty plain scalar, "~" or "null". */
static int
is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = text(n);
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* "a map", "a list" or "a string", for messages. */
static const char *
kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a map";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a string";
	}
}

/* The number of UTF-8 characters in s. */
static size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Skips literal at *s; returns whether it was there. */
static int
skip_lit(const char **s, const char *literal)
{
	size_t n = strlen(literal);

	if (strncmp(*s, literal, n) != 0)
		return 0;
	*s += n;
	return 1;
}

/* Skips min to max characters of set at *s; returns whether it could. */
static int
skip_set(const char **s, const char *set, size_t min, size_t max)
{
	size_t n = strspn(*s, set);

	if (n < min || n > max)
		return 0;
	*s += n;
	return 1;
}

/* Skips one character of set at *s; returns whether it was there. */
static int
skip_one(const char **s, const char *set)
{
	if (**s == '\0' || strchr(set, **s) == NULL)
		return 0;
	(*s)++;
	return 1;
}

/* Whether s is a function name: 1 to 64 of [A-Za-z0-9_-]. */
static int
valid_fn_name(const char *s)
{
	return skip_set(&s, ALNUM "_-", 1, FN_NAME_MAX) && *s == '\0';
}

/* Whether s is arn:aws[-a-z]*:iam::ACCOUNT:role/NAME or a bare role name. */
static int
valid_role(const char *s)
{
	const char *p = s;

	if (skip_set(&p, ALNUM "+=,.@_-", 1, ROLE_NAME_MAX) && *p == '\0')
		return 1;
	p = s;
	return skip_lit(&p, "arn:aws") &&
	    skip_set(&p, LOWER "-", 0, SIZE_MAX) &&
	    skip_lit(&p, ":iam::") && skip_set(&p, DIGITS, 12, 12) &&
	    skip_lit(&p, ":role/") &&
	    skip_set(&p, ALNUM "+=,.@_/-", 1, SIZE_MAX) && *p == '\0';
}

/* Whether s is arn:aws[-a-z]*:lambda:REGION:ACCOUNT:layer:NAME:VERSION. */
static int
valid_layer(const char *s)
{
	return skip_lit(&s, "arn:aws") &&
	    skip_set(&s, LOWER "-", 0, SIZE_MAX) &&
	    skip_lit(&s, ":lambda:") &&
	    skip_set(&s, LOWER DIGITS "-", 1, SIZE_MAX) &&
	    skip_lit(&s, ":") && skip_set(&s, DIGITS, 12, 12) &&
	    skip_lit(&s, ":layer:") && skip_set(&s, ALNUM "_-", 1, 140) &&
	    skip_lit(&s, ":") && skip_set(&s, DIGITS, 1, SIZE_MAX) &&
	    *s == '\0';
}

/* Whether s looks like an AWS region: "eu-west-1", "us-gov-east-1". */
static int
valid_region(const char *s)
{
	int parts = 0;

	if (!skip_set(&s, LOWER, 2, 2))
		return 0;
	while (skip_lit(&s, "-")) {
		if (skip_set(&s, LOWER, 1, SIZE_MAX))
			parts++;
		else
			return parts > 0 && skip_set(&s, DIGITS, 1, SIZE_MAX) &&
			    *s == '\0';
	}
	return 0;
}

/* Whether s is an environment variable name: [A-Za-z][A-Za-z0-9_]*. */
static int
valid_env_name(const char *s)
{
	return skip_one(&s, LOWER UPPER) &&
	    skip_set(&s, ALNUM "_", 0, SIZE_MAX) && *s == '\0';
}

static int
in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * array, with room for element n (of size bytes), doubling: a realloc per
 * element is quadratic under ASan and some allocators.
 */
static void *
grow(void *array, size_t n, size_t size)
{
	if ((n & (n - 1)) != 0)
		return array;
	return xrealloc(array, (n ? 2 * n : 1) * size);
}

/*
 * Adds field to the list of unresolved settings, unless it was the last
 * added (a value with two unset variables); a setting is read only once.
 */
static void
add_unresolved(char ***list, size_t *n, const char *field)
{
	if (*n > 0 && strcmp((*list)[*n - 1], field) == 0)
		return;
	*list = grow(*list, *n, sizeof **list);
	(*list)[(*n)++] = xstrdup(field);
}

/*
 * Notes that variable var, used as the len bytes at ref in scalar n, is
 * unset in a value that may wait (MANIFEST_DEFER_ENV): it reads as empty.
 */
static void
defer(struct ctx *c, const yaml_node_t *n, const char *var, int len,
    const char *ref)
{
	struct lc_err tmp, *save = c->err;

	c->deferred = 1;
	add_unresolved(&c->defer_to->fn.unresolved,
	    &c->defer_to->fn.nunresolved, c->defer_field);
	if (c->unresolved_msg != NULL)
		return;
	c->err = &tmp;
	node_error(c, n, "environment variable '%s' is not set (used as "
	    "%.*s)", var, len, ref);
	c->err = save;
	c->unresolved_msg = xstrdup(tmp.msg);
}

/*
 * Expands ${env:NAME}, ${env:NAME:-default} and "$${" in scalar n into a
 * string the caller wipes with free_secret; *expanded says whether any
 * ${...} was replaced.  A set but empty variable is used as it is.
 */
static char *
interpolate(struct ctx *c, const yaml_node_t *n, int *expanded)
{
	struct buf b = BUF_INIT;
	const char *p = text(n), *end, *name, *after, *v;
	char *var;
	size_t len;

	*expanded = 0;
	while (*p != '\0') {
		if (strncmp(p, "$${", 3) == 0) {
			buf_adds(&b, "${");
			p += 3;
			continue;
		}
		if (strncmp(p, "${", 2) != 0) {
			buf_addch(&b, *p++);
			continue;
		}
		if ((end = strchr(p, '}')) == NULL) {
			node_error(c, n, "unterminated '${' (write '$${' for a "
			    "literal '${')");
			goto fail;
		}
		len = (size_t)(end - p) + 1;
		name = after = p + 2;
		if (!skip_lit(&after, "env:") ||
		    !skip_one(&after, LOWER UPPER "_") ||
		    !skip_set(&after, ALNUM "_", 0, SIZE_MAX) ||
		    (after != end && strncmp(after, ":-", 2) != 0)) {
			node_error(c, n, "malformed '%.*s' (expected "
			    "${env:NAME} or ${env:NAME:-default})", (int)len,
			    p);
			goto fail;
		}
		name += 4;
		var = xstrndup(name, (size_t)(after - name));
		if ((v = getenv(var)) != NULL)
			buf_adds(&b, v);
		else if (after != end)
			buf_add(&b, after + 2, (size_t)(end - after - 2));
		else if (c->defer_to != NULL)
			defer(c, n, var, (int)len, p);
		else {
			node_error(c, n, "environment variable '%s' is not set "
			    "(used as %.*s)", var, (int)len, p);
			free(var);
			goto fail;
		}
		free(var);
		*expanded = 1;
		p = end + 1;
	}
	return buf_detach(&b, NULL);
fail:
	buf_wipe(&b);
	return NULL;
}

/*
 * The interpolated text of scalar v, the value of key (named for
 * messages): NULL with the error set when v is not a scalar, is a null,
 * or holds a NUL byte.
 */
static char *
scalar_value(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    const char *what, int *expanded)
{
	if (v->type != YAML_SCALAR_NODE) {
		node_error(c, v, "%s must be a string, not %s", what, kind(v));
		return NULL;
	}
	if (is_null(v)) {
		node_error(c, key, "%s has no value", what);
		return NULL;
	}
	if (strlen(text(v)) != v->data.scalar.length) {
		node_error(c, v, "%s contains a NUL character", what);
		return NULL;
	}
	return interpolate(c, v, expanded);
}

/* A string setting's interpolated value, or NULL with the error set. */
static char *
string_value(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    int allow_empty, int *expanded)
{
	char what[96], *s;

	snprintf(what, sizeof what, "'%s'", text(key));
	c->deferred = 0;
	if ((s = scalar_value(c, key, v, what, expanded)) == NULL)
		return NULL;
	/* An unset variable's value is not known yet: not "empty". */
	if (*s == '\0' && !allow_empty && !c->deferred) {
		node_error(c, v, "%s must not be empty", what);
		free_secret(s);
		return NULL;
	}
	return s;
}

/* A whole-number setting from min to max unit; -1 with the error set. */
static int
number_value(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    const char *unit, long min, long max, long *out)
{
	const char *name = text(key), *p;
	char what[96], *s;
	int expanded;
	long n;

	if (v->type != YAML_SCALAR_NODE)
		return node_error(c, v, "'%s' must be a whole number of %s",
		    name, unit);
	snprintf(what, sizeof what, "'%s'", name);
	if ((s = scalar_value(c, key, v, what, &expanded)) == NULL)
		return -1;
	p = s;
	if (!skip_set(&p, DIGITS, 1, SIZE_MAX) || *p != '\0') {
		free_secret(s);
		return node_error(c, v, "'%s' must be a whole number of %s, "
		    "not '%s'", name, unit, text(v));
	}
	errno = 0;
	n = strtol(s, NULL, 10);
	free_secret(s);
	if (errno != 0 || n < min || n > max)
		return node_error(c, v, "'%s' must be from %ld to %ld %s, "
		    "not '%s'", name, min, max, unit, text(v));
	*out = n;
	return 0;
}

/*
 * Counts one more value read (or inherited) at node n: -1 with the error
 * set past MANIFEST_MAX_VALUES, which aliases used over and over (a
 * "billion laughs") would otherwise multiply without bound.
 */
static int
charge(struct ctx *c, const yaml_node_t *n, size_t count)
{
	c->values += count;
	if (c->values <= MANIFEST_MAX_VALUES)
		return 0;
	return node_error(c, n, "the manifest has over %d values, counting "
	    "each use of an alias and each inherited setting",
	    MANIFEST_MAX_VALUES);
}

struct key_ref {
	const char	*text;
	size_t		 index;
};

static int
key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int d = strcmp(x->text, y->text);

	if (d != 0)
		return d;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * For each pair of map, the index of the first earlier pair with the same
 * key, or SIZE_MAX: one sort, not a scan per key (40,000 keys).  The
 * caller frees the array.
 */
static size_t *
find_dups(struct ctx *c, const yaml_node_t *map)
{
	const yaml_node_pair_t *p, *start = map->data.mapping.pairs.start;
	const yaml_node_t *k;
	struct key_ref *refs;
	size_t n = (size_t)(map->data.mapping.pairs.top - start), i, j, m = 0;
	size_t *first;

	first = xcalloc(n + 1, sizeof *first);
	refs = xcalloc(n + 1, sizeof *refs);
	for (p = start, i = 0; i < n; p++, i++) {
		first[i] = SIZE_MAX;
		k = node(c, p->key);
		if (k->type == YAML_SCALAR_NODE) {
			refs[m].text = text(k);
			refs[m++].index = i;
		}
	}
	qsort(refs, m, sizeof *refs, key_ref_cmp);
	for (i = 0; i < m; i = j)
		for (j = i + 1; j < m && strcmp(refs[j].text, refs[i].text) ==
		    0; j++)
			first[refs[j].index] = refs[i].index;
	free(refs);
	return first;
}

/*
 * Checks the key of pair p: a scalar, not a merge key, not already in map
 * (dups: find_dups).  Returns the key node, or NULL with the error set.
 */
static yaml_node_t *
map_key(struct ctx *c, const yaml_node_t *map, const yaml_node_pair_t *p,
    const size_t *dups)
{
	size_t first = dups[p - map->data.mapping.pairs.start];
	yaml_node_t *k = node(c, p->key), *other;

	if (k->type != YAML_SCALAR_NODE) {
		node_error(c, k, "a key must be a string, not %s", kind(k));
		return NULL;
	}
	if (strcmp(text(k), "<<") == 0) {
		node_error(c, k, "unknown key '<<' (merge keys are not "
		    "supported)");
		return NULL;
	}
	if (first != SIZE_MAX) {
		other = node(c, map->data.mapping.pairs.start[first].key);
		node_error(c, k, "duplicate key '%s' (first at line %zu)",
		    text(k), other->start_mark.line + 1);
		return NULL;
	}
	return k;
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_kv *)a)->key,
	    ((const struct manifest_kv *)b)->key);
}

static void
kv_add(struct manifest_kv **kv, size_t *n, char *key, char *value)
{
	*kv = grow(*kv, *n, sizeof **kv);
	(*kv)[*n].key = key;
	(*kv)[(*n)++].value = value;
}

static void
kv_free(struct manifest_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free_secret(kv[i].value);
	}
	free(kv);
}

/* Checks an environment variable's or a tag's name at key node k. */
static int
check_kv_name(struct ctx *c, const yaml_node_t *k, int is_env)
{
	const char *name = text(k);
	size_t len = utf8_len(name);

	if (is_env) {
		if (in_list(name, reserved_env, nitems(reserved_env)))
			return node_error(c, k, "environment variable '%s' is "
			    "reserved by Lambda", name);
		if (!valid_env_name(name))
			return node_error(c, k, "invalid environment variable "
			    "name '%s' (use letters, digits and '_', starting "
			    "with a letter)", name);
		return 0;
	}
	if (len == 0 || len > TAG_KEY_MAX)
		return node_error(c, k, "tag key '%s' must be 1 to %d "
		    "characters", name, TAG_KEY_MAX);
	if (strncasecmp(name, "aws:", 4) == 0)
		return node_error(c, k, "tag '%s' is reserved (keys beginning "
		    "with 'aws:' belong to AWS)", name);
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
		return node_error(c, key, "'%s' has no value", text(key));
	if (map->type != YAML_MAPPING_NODE)
		return node_error(c, map, "'%s' must be a map", text(key));
	n = (size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start);
	if (!is_env && n > TAGS_MAX)
		return node_error(c, map, "'tags' has %zu entries, over "
		    "Lambda's limit of %d", n, TAGS_MAX);
	dups = find_dups(c, map);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (charge(c, map, 1) == -1 ||
		    (k = map_key(c, map, p, dups)) == NULL ||
		    check_kv_name(c, k, is_env) == -1)
			goto out;
		v = node(c, p->value);
		snprintf(what, sizeof what, "%s '%s'", is_env ?
		    "environment variable" : "tag", text(k));
		if (is_null(v)) {
			node_error(c, k, "%s has no value (write \"\" for an "
			    "empty string)", what);
			goto out;
		}
		field = NULL;
		if (c->defer_env) {
			field = xasprintf("%s.%s", is_env ? "environment" :
			    "tags", text(k));
			c->defer_to = s;
			c->defer_field = field;
		}
		value = scalar_value(c, k, v, what, &expanded);
		c->defer_to = NULL;
		free(field);
		if (value == NULL)
			goto out;
		if (!is_env && utf8_len(value) > TAG_VALUE_MAX) {
			n = utf8_len(value);
			free_secret(value);
			node_error(c, v, "%s is %zu characters, over Lambda's "
			    "limit of %d", what, n, TAG_VALUE_MAX);
			goto out;
		}
		kv_add(kv, nkv, xstrdup(text(k)), value);
	}
	rv = 0;
out:
	free(dups);
	return rv;
}

/* Reads layers: a list of at most 5 layer version ARNs. */
static int
read_layers(struct ctx *c, const yaml_node_t *key, const yaml_node_t *list,
    struct settings *s)
{
	const yaml_node_item_t *i;
	const yaml_node_t *v;
	char *arn;
	size_t n;
	int expanded;

	if (is_null(list))
		return node_error(c, key, "'layers' has no value");
	if (list->type != YAML_SEQUENCE_NODE)
		return node_error(c, list, "'layers' must be a list");
	n = (size_t)(list->data.sequence.items.top -
	    list->data.sequence.items.start);
	if (n > LAYERS_MAX)
		return node_error(c, list, "'layers' has %zu entries, over "
		    "Lambda's limit of %d", n, LAYERS_MAX);
	for (i = list->data.sequence.items.start;
	    i < list->data.sequence.items.top; i++) {
		v = node(c, *i);
		if (charge(c, v, 1) == -1)
			return -1;
		if (v->type != YAML_SCALAR_NODE || is_null(v))
			return node_error(c, v, "a layer must be a layer "
			    "version ARN, not %s", is_null(v) ? "empty" :
			    kind(v));
		if ((arn = scalar_value(c, v, v, "a layer", &expanded)) ==
		    NULL)
			return -1;
		if (!valid_layer(arn)) {
			free_secret(arn);
			return node_error(c, v, "invalid layer '%s' (expected "
			    "arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)",
			    text(v));
		}
		s->fn.layers = xrealloc(s->fn.layers,
		    (s->fn.nlayers + 1) * sizeof *s->fn.layers);
		s->fn.layers[s->fn.nlayers++] = arn;
	}
	s->layers_set = 1;
	return 0;
}

/* Checks a string setting's value; -1 with the error set. */
static int
check_string(struct ctx *c, enum key k, const yaml_node_t *v,
    const char *s, int expanded)
{
	const char *hint;
	size_t n;

	switch (k) {
	case K_RUNTIME:
		if (in_list(s, runtimes, nitems(runtimes)))
			return 0;
		if (!expanded && (hint = suggest(s, runtimes,
		    nitems(runtimes))) != NULL)
			return node_error(c, v, "unknown runtime '%s' (did you "
			    "mean '%s'?)", text(v), hint);
		return node_error(c, v, "unknown runtime '%s'", text(v));
	case K_HANDLER:
		if (strpbrk(s, " \t\n\r\f\v") != NULL)
			return node_error(c, v, "'handler' must not contain "
			    "white space");
		if ((n = utf8_len(s)) > HANDLER_MAX)
			return node_error(c, v, "'handler' is %zu characters, "
			    "over Lambda's limit of %d", n, HANDLER_MAX);
		return 0;
	case K_ROLE:
		if (valid_role(s))
			return 0;
		return node_error(c, v, "'role' must be a role name or an IAM "
		    "role ARN (arn:aws:iam::ACCOUNT:role/NAME), not '%s'",
		    text(v));
	case K_ARCHITECTURE:
		if (strcmp(s, "x86_64") == 0 || strcmp(s, "arm64") == 0)
			return 0;
		return node_error(c, v, "'architecture' must be 'x86_64' or "
		    "'arm64', not '%s'", text(v));
	case K_DESCRIPTION:
		if ((n = utf8_len(s)) > DESCRIPTION_MAX)
			return node_error(c, v, "'description' is %zu "
			    "characters, over Lambda's limit of %d", n,
			    DESCRIPTION_MAX);
		return 0;
	case K_REGION:
		if (valid_region(s))
			return 0;
		return node_error(c, v, "'region' must be an AWS region such "
		    "as 'eu-west-1', not '%s'", text(v));
	default:
		return 0;
	}
}

/* Where a string setting is stored in fn. */
static char **
string_slot(struct manifest_fn *fn, enum key k)
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
		return number_value(c, key, v, "MB", MEMORY_MIN, MEMORY_MAX,
		    &s->fn.memory);
	case K_TIMEOUT:
		return number_value(c, key, v, "seconds", TIMEOUT_MIN,
		    TIMEOUT_MAX, &s->fn.timeout);
	case K_EPHEMERAL:
		return number_value(c, key, v, "MB", EPHEMERAL_MIN,
		    EPHEMERAL_MAX, &s->fn.ephemeral_storage);
	case K_BUILD_TIMEOUT:
		return number_value(c, key, v, "seconds", 1,
		    BUILD_TIMEOUT_MAX, &s->fn.build_timeout);
	case K_ENVIRONMENT:
		return read_kv(c, s, key, v, 1);
	case K_TAGS:
		return read_kv(c, s, key, v, 0);
	case K_LAYERS:
		return read_layers(c, key, v, s);
	default:
		break;
	}
	if ((slot = string_slot(&s->fn, k)) == NULL)
		die("manifest: no slot for key %d", (int)k);
	/* What only deploying, packaging and running use may wait. */
	if (c->defer_env && (k == K_DESCRIPTION || k == K_BUILD ||
	    k == K_ARTIFACT)) {
		c->defer_to = s;
		c->defer_field = key_names[k];
	}
	str = string_value(c, key, v, k == K_DESCRIPTION, &expanded);
	c->defer_to = NULL;
	if (str == NULL)
		return -1;
	if (check_string(c, k, v, str, expanded) == -1) {
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
		if (strcmp(text(k), key_names[i]) == 0)
			return (int)i;
	if ((hint = suggest(text(k), key_names, nkeys)) != NULL)
		return node_error(c, k, "unknown key '%s' (did you mean "
		    "'%s'?)", text(k), hint);
	return node_error(c, k, "unknown key '%s'", text(k));
}

/* Reads the settings of one map (a function's or the top level's). */
static int
read_map(struct ctx *c, struct settings *s, const yaml_node_t *map,
    size_t nkeys);

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
		return node_error(c, key, "'functions' is empty (add at least "
		    "one function)");
	if (map->type != YAML_MAPPING_NODE)
		return node_error(c, map, "'functions' must be a map of "
		    "function names to their settings");
	dups = find_dups(c, map);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (charge(c, map, 1) == -1 ||
		    (k = map_key(c, map, p, dups)) == NULL)
			goto out;
		if (!valid_fn_name(text(k))) {
			node_error(c, k, "invalid function name '%s' (use 1 to "
			    "%d letters, digits, '-' or '_')", text(k),
			    FN_NAME_MAX);
			goto out;
		}
		v = node(c, p->value);
		if (!is_null(v) && v->type != YAML_MAPPING_NODE) {
			node_error(c, v, "function '%s' must be a map",
			    text(k));
			goto out;
		}
		c->fns = grow(c->fns, c->nfns, sizeof *c->fns);
		s = &c->fns[c->nfns++];
		memset(s, 0, sizeof *s);
		s->key = k;
		s->fn.name = xstrdup(text(k));
		s->fn.line = (int)k->start_mark.line + 1;
		s->fn.col = (int)k->start_mark.column + 1;
		if (v->type == YAML_MAPPING_NODE &&
		    read_map(c, s, v, K_FUNCTIONS) == -1)
			goto out;
	}
	rv = 0;
out:
	free(dups);
	return rv;
}

static int
read_map(struct ctx *c, struct settings *s, const yaml_node_t *map,
    size_t nkeys)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *k, *v;
	size_t *dups = find_dups(c, map);
	int i, rv = -1;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (charge(c, map, 1) == -1 ||
		    (k = map_key(c, map, p, dups)) == NULL ||
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

static void
fn_release(struct manifest_fn *f)
{
	size_t i;

	free(f->name);
	free_secret(f->runtime);
	free_secret(f->handler);
	free_secret(f->role);
	free_secret(f->description);
	free_secret(f->artifact);
	free_secret(f->build);
	free_secret(f->architecture);
	free_secret(f->region);
	free_secret(f->profile);
	kv_free(f->env, f->nenv);
	kv_free(f->tags, f->ntags);
	for (i = 0; i < f->nlayers; i++)
		free_secret(f->layers[i]);
	free(f->layers);
	for (i = 0; i < f->nunresolved; i++)
		free(f->unresolved[i]);
	free(f->unresolved);
	memset(f, 0, sizeof *f);
}

/* Whether sorted kv has key. */
static int
kv_has(const struct manifest_kv *kv, size_t n, const char *key)
{
	struct manifest_kv want = { (char *)key, NULL };

	return n > 0 && bsearch(&want, kv, n, sizeof *kv, kv_cmp) != NULL;
}

/*
 * Adds to kv (sorted) the entries of top whose keys it lacks, then sorts
 * it; charges each to c at node at.
 */
static int
kv_merge(struct ctx *c, const yaml_node_t *at, struct manifest_kv **kv,
    size_t *n, const struct manifest_kv *top, size_t ntop)
{
	size_t i, own = *n;

	if (charge(c, at, ntop) == -1)
		return -1;
	for (i = 0; i < ntop; i++)
		if (!kv_has(*kv, own, top[i].key))
			kv_add(kv, n, xstrdup(top[i].key),
			    xstrdup(top[i].value));
	if (*n > 1)
		qsort(*kv, *n, sizeof **kv, kv_cmp);
	return 0;
}

/*
 * Gives f the unresolved settings of the top level that it inherits: those
 * it does not set itself (f's own env and tags sorted).
 */
static void
inherit_unresolved(struct manifest_fn *f, const struct manifest_fn *top)
{
	const char *u;
	size_t i, k;
	int own;

	for (i = 0; i < top->nunresolved; i++) {
		u = top->unresolved[i];
		if (strncmp(u, "environment.", 12) == 0)
			own = kv_has(f->env, f->nenv, u + 12);
		else if (strncmp(u, "tags.", 5) == 0)
			own = kv_has(f->tags, f->ntags, u + 5);
		else {
			for (k = 0; k < K_FUNCTIONS; k++)
				if (strcmp(u, key_names[k]) == 0)
					break;
			own = k < K_FUNCTIONS &&
			    *string_slot(f, (enum key)k) != NULL;
		}
		if (!own)
			add_unresolved(&f->unresolved, &f->nunresolved, u);
	}
}

/*
 * Gives function s what it inherits from the top level and the defaults,
 * then checks what only the merged function can show.
 */
static int
finish_function(struct ctx *c, struct settings *s)
{
	static const enum key required[] = { K_RUNTIME, K_ROLE, K_ARTIFACT };
	struct manifest_fn *f = &s->fn, *top = &c->top.fn;
	const char *rt;
	char **slot;
	size_t i, size;
	enum key k;

	if (f->nenv > 1)
		qsort(f->env, f->nenv, sizeof *f->env, kv_cmp);
	if (f->ntags > 1)
		qsort(f->tags, f->ntags, sizeof *f->tags, kv_cmp);
	inherit_unresolved(f, top);
	for (k = 0; k < K_FUNCTIONS; k++)
		if ((slot = string_slot(f, k)) != NULL && *slot == NULL)
			*slot = xstrdup(*string_slot(top, k));
	if (s->runtime == NULL)
		s->runtime = c->top.runtime;
	if (f->memory == 0)
		f->memory = top->memory ? top->memory : MANIFEST_DEFAULT_MEMORY;
	if (f->timeout == 0)
		f->timeout = top->timeout ? top->timeout :
		    MANIFEST_DEFAULT_TIMEOUT;
	if (f->ephemeral_storage == 0)
		f->ephemeral_storage = top->ephemeral_storage ?
		    top->ephemeral_storage : MANIFEST_DEFAULT_EPHEMERAL;
	if (f->build_timeout == 0)
		f->build_timeout = top->build_timeout ? top->build_timeout :
		    MANIFEST_DEFAULT_BUILD_TIMEOUT;
	if (f->architecture == NULL)
		f->architecture = xstrdup(MANIFEST_DEFAULT_ARCH);
	if (!s->layers_set && c->top.layers_set) {
		if (charge(c, s->key, top->nlayers) == -1)
			return -1;
		f->layers = xcalloc(top->nlayers, sizeof *f->layers);
		for (i = 0; i < top->nlayers; i++)
			f->layers[i] = xstrdup(top->layers[i]);
		f->nlayers = top->nlayers;
	}
	if (kv_merge(c, s->key, &f->env, &f->nenv, top->env,
	    top->nenv) == -1 || kv_merge(c, s->key, &f->tags, &f->ntags,
	    top->tags, top->ntags) == -1)
		return -1;

	for (i = 0; i < nitems(required); i++)
		if (*string_slot(f, required[i]) == NULL)
			return node_error(c, s->key, "function '%s' has no "
			    "'%s' (set it under the function or at the top "
			    "level)", f->name, key_names[required[i]]);
	rt = text(s->runtime);
	if (f->handler == NULL && !manifest_is_provided(f->runtime))
		return node_error(c, s->key, "function '%s' needs a 'handler' "
		    "for runtime '%s'", f->name, rt);
	for (size = 0, i = 0; i < f->nenv; i++)
		size += strlen(f->env[i].key) + strlen(f->env[i].value);
	if (size > ENV_MAX)
		return node_error(c, s->key, "function '%s': environment is "
		    "%zu bytes, over Lambda's 4 KB limit", f->name, size);
	if (f->ntags > TAGS_MAX)
		return node_error(c, s->key, "function '%s': %zu tags, over "
		    "Lambda's limit of %d", f->name, f->ntags, TAGS_MAX);
	return 0;
}

/* Reports libyaml's error at its position. */
static int
yaml_error(struct ctx *c, const yaml_parser_t *parser, const char *data,
    size_t len)
{
	const char *problem = parser->problem ? parser->problem :
	    "invalid YAML";
	size_t line, col, i;

	if (parser->error == YAML_MEMORY_ERROR)
		die("out of memory");
	/* The composer splits this one: context, then problem. */
	if (parser->error == YAML_COMPOSER_ERROR &&
	    strcmp(problem, "second occurrence") == 0)
		return at_error(c, parser->problem_mark.line + 1,
		    parser->problem_mark.column + 1, "duplicate anchor (first "
		    "at line %zu)", parser->context_mark.line + 1);
	if (parser->error != YAML_READER_ERROR)
		return at_error(c, parser->problem_mark.line + 1,
		    parser->problem_mark.column + 1, "%s", problem);
	/* The reader only knows the byte offset. */
	line = col = 1;
	for (i = 0; i < parser->problem_offset && i < len; i++) {
		if (data[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80)
			col++;
	}
	return at_error(c, line, col, "%s", problem);
}

/* The error for a manifest over MANIFEST_MAX_SIZE. */
static int
too_big(const char *path, struct lc_err *err)
{
	return lc_error(err, LC_ECONFIG, "manifest '%s' is over %d MiB", path,
	    MANIFEST_MAX_SIZE / (1024 * 1024));
}

/* Reads the whole file at path into b: at most MANIFEST_MAX_SIZE bytes. */
static int
read_file(const char *path, struct buf *b, struct lc_err *err)
{
	FILE *fp;
	char chunk[8192];
	size_t n;
	int e;

	if ((fp = fopen(path, "r")) == NULL)
		return lc_error(err, LC_ECONFIG, "cannot read '%s': %s", path,
		    strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf_add(b, chunk, n);
		/* /dev/zero, or a log named by mistake, ends here. */
		if (b->len > MANIFEST_MAX_SIZE) {
			fclose(fp);
			return too_big(path, err);
		}
	}
	if (ferror(fp)) {
		e = errno;
		fclose(fp);
		return lc_error(err, LC_ECONFIG, "cannot read '%s': %s", path,
		    strerror(e));
	}
	fclose(fp);
	return 0;
}

/* The directory part of path: "." for a bare name. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return xstrdup(".");
	n = (size_t)(slash - path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	return n == 0 ? xstrdup("/") : xstrndup(path, n);
}

/* Checks the document and fills m from it. */
static int
read_manifest(struct ctx *c, struct manifest *m)
{
	const yaml_node_t *root = yaml_document_get_root_node(&c->doc);
	size_t i;

	if (root == NULL || is_null(root))
		return at_error(c, 1, 1, "the manifest is empty (it needs a "
		    "'functions' map)");
	if (root->type != YAML_MAPPING_NODE)
		return node_error(c, root, "the top level must be a map");
	if (read_map(c, &c->top, root, K_COUNT) == -1)
		return -1;
	if (!c->has_functions)
		return node_error(c, root, "no 'functions' (add a map of "
		    "function names to their settings)");
	for (i = 0; i < c->nfns; i++)
		if (finish_function(c, &c->fns[i]) == -1)
			return -1;
	m->fns = xcalloc(c->nfns, sizeof *m->fns);
	for (i = 0; i < c->nfns; i++) {
		m->fns[i] = c->fns[i].fn;
		memset(&c->fns[i].fn, 0, sizeof c->fns[i].fn);
	}
	m->nfns = c->nfns;
	m->region = xstrdup(c->top.fn.region);
	m->profile = xstrdup(c->top.fn.profile);
	m->unresolved_msg = c->unresolved_msg;
	c->unresolved_msg = NULL;
	return 0;
}

/*
 * Walks the parser's events, before anything is built, for what would make
 * building slow or deep: nesting over MANIFEST_MAX_DEPTH (libyaml's
 * scanner and composer are quadratic in it, and recursive).  Reports
 * syntax errors as the loader would.
 */
static int
check_events(struct ctx *c, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, rv = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		die("out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);
	while (!done && rv == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rv = yaml_error(c, &parser, data, len);
			break;
		}
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > MANIFEST_MAX_DEPTH)
				rv = at_error(c, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "nested deeper "
				    "than %d levels (maps and lists)",
				    MANIFEST_MAX_DEPTH);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rv;
}

int
manifest_load_mem(struct manifest *m, const char *name, const char *data,
    size_t len, unsigned flags, struct lc_err *err)
{
	struct ctx c;
	yaml_parser_t parser;
	yaml_document_t extra;
	const yaml_node_t *second;
	int have_parser = 0, have_doc = 0, rv = -1;
	size_t i;

	memset(m, 0, sizeof *m);
	memset(&c, 0, sizeof c);
	c.path = name;
	c.err = err;
	c.defer_env = (flags & MANIFEST_DEFER_ENV) != 0;
	if (len > MANIFEST_MAX_SIZE) {
		too_big(name, err);
		goto out;
	}
	if (check_events(&c, data, len) == -1)
		goto out;
	if (!yaml_parser_initialize(&parser))
		die("out of memory");
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);
	if (!yaml_parser_load(&parser, &c.doc)) {
		yaml_error(&c, &parser, data, len);
		goto out;
	}
	have_doc = 1;
	/* Read to the end: a syntax error or a second document is an error. */
	if (yaml_document_get_root_node(&c.doc) != NULL) {
		if (!yaml_parser_load(&parser, &extra)) {
			yaml_error(&c, &parser, data, len);
			goto out;
		}
		second = yaml_document_get_root_node(&extra);
		if (second != NULL)
			at_error(&c, extra.start_mark.line + 1,
			    extra.start_mark.column + 1,
			    "only one YAML document is allowed");
		yaml_document_delete(&extra);
		if (second != NULL)
			goto out;
	}
	if (read_manifest(&c, m) == -1)
		goto out;
	m->path = xstrdup(name);
	m->dir = dir_of(name);
	rv = 0;
out:
	for (i = 0; i < c.nfns; i++)
		fn_release(&c.fns[i].fn);
	free(c.fns);
	fn_release(&c.top.fn);
	free(c.unresolved_msg);
	if (have_doc)
		yaml_document_delete(&c.doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	if (rv == -1)
		manifest_release(m);
	return rv;
}

int
manifest_load_flags(struct manifest *m, const char *path, unsigned flags,
    struct lc_err *err)
{
	struct buf in = BUF_INIT;
	int rv;

	memset(m, 0, sizeof *m);
	if (read_file(path, &in, err) == -1) {
		buf_wipe(&in);
		return -1;
	}
	rv = manifest_load_mem(m, path, in.data, in.len, flags, err);
	buf_wipe(&in);
	return rv;
}

int
manifest_load(struct manifest *m, const char *path, struct lc_err *err)
{
	return manifest_load_flags(m, path, 0, err);
}

int
manifest_require_env(const struct manifest *m, struct lc_err *err)
{
	if (m->unresolved_msg == NULL)
		return 0;
	return lc_error(err, LC_ECONFIG, "%s", m->unresolved_msg);
}

int
manifest_fn_unresolved(const struct manifest_fn *fn, const char *field)
{
	size_t i;

	for (i = 0; i < fn->nunresolved; i++)
		if (strcmp(fn->unresolved[i], field) == 0)
			return 1;
	return 0;
}

void
manifest_release(struct manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfns; i++)
		fn_release(&m->fns[i]);
	free(m->fns);
	free(m->path);
	free(m->dir);
	free_secret(m->region);
	free_secret(m->profile);
	free(m->unresolved_msg);
	memset(m, 0, sizeof *m);
}

const struct manifest_fn *
manifest_find(const struct manifest *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nfns; i++)
		if (strcmp(m->fns[i].name, name) == 0)
			return &m->fns[i];
	return NULL;
}

const char *
manifest_path(const char *flag)
{
	const char *v;

	if (flag != NULL)
		return flag;
	if ((v = getenv("LAMBDACTL_MANIFEST")) != NULL && *v != '\0')
		return v;
	return MANIFEST_DEFAULT_PATH;
}

int
manifest_is_provided(const char *runtime)
{
	return runtime != NULL && strncmp(runtime, "provided", 8) == 0 &&
	    (runtime[8] == '\0' || runtime[8] == '.');
}
