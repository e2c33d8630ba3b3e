/*
 * manifest-private.h - what the files of the lambda.yml reader share, for
 * them only (as rt-private.h is for the runtime): the reading context,
 * the keys, Lambda's limits, small scanners, and what each file offers
 * the others.  Internal names carry mf_; the public ones (manifest.h)
 * manifest_.
 *
 * manifest.c          the load: file -> YAML document -> each map's
 *                     settings -> functions merged with the top level and
 *                     the defaults; the structs' lifecycle and lookups
 * manifest-yaml.c     libyaml: the bounded parse (depth, one document),
 *                     FILE:LINE:COL errors, map keys and their duplicates,
 *                     the count of values read
 * manifest-read.c     the keys of one map (the top level's or a
 *                     function's) read into struct settings
 * manifest-check.c    what each setting's value may be: Lambda's rules
 *                     and their messages
 * manifest-env.c      ${env:...} expansion and the unset variables that
 *                     MANIFEST_DEFER_ENV lets wait
 * manifest-events.c   the triggers: the "events" list (schedule, s3, sqs
 *                     items; input as JSON) and the "url" map
 * manifest-settings.c the "vpc" and "logging" maps and "snap_start", their
 *                     inheritance, and the checks on the merged function
 *
 * Every message quotes values as written in the file, never as
 * interpolated: ${env:...} may hold secrets.
 */
#ifndef LC_MANIFEST_PRIVATE_H
#define LC_MANIFEST_PRIVATE_H

#include <stddef.h>
#include <string.h>

#include <yaml.h>

#include "err.h"
#include "manifest.h"

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

/* S3's: a bucket name's length; ours: s3_prefix's, so that every key fits. */
#define S3_BUCKET_MIN	3
#define S3_BUCKET_MAX	63
#define S3_PREFIX_MAX	512

/* Triggers: ours (events per function), EventBridge's, S3's, SQS's, Lambda's. */
#define EVENTS_MAX	100
#define INPUT_MAX	8192	/* EventBridge's Input, bytes of JSON */
#define S3_FILTER_MAX	1024	/* a prefix or suffix: S3's longest key */
#define SQS_NAME_MAX	80
#define SQS_BATCH_MAX	10000
#define SQS_BATCH_DEFAULT 10
#define SQS_WINDOW_MAX	300

/* Issue 15's settings: Lambda's limits, and ours on keep_versions. */
#define ALIAS_MAX	128
#define VERSIONS_MAX	10000
#define CONCURRENCY_MAX	10000
#define SUBNETS_MAX	16
#define SECURITY_GROUPS_MAX 5
#define LOG_GROUP_MAX	512
#define SNS_NAME_MAX	256

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define ALNUM		LOWER UPPER DIGITS

/* The keys, in the order of mf_key_names; K_FUNCTIONS is top-level only. */
enum key {
	K_RUNTIME, K_HANDLER, K_ROLE, K_MEMORY, K_TIMEOUT, K_ARCHITECTURE,
	K_DESCRIPTION, K_ENVIRONMENT, K_ARTIFACT, K_BUILD, K_LAYERS, K_TAGS,
	K_EPHEMERAL, K_REGION, K_PROFILE, K_BUILD_TIMEOUT, K_S3_BUCKET,
	K_S3_PREFIX, K_EVENTS, K_URL, K_ALIAS, K_KEEP_VERSIONS, K_VPC,
	K_TRACING, K_KMS_KEY, K_DEAD_LETTER, K_ON_FAILURE, K_LOGGING,
	K_SNAP_START, K_RESERVED_CONCURRENCY, K_FUNCTIONS, K_COUNT
};

/* What one map sets: the top level or one function (unset: NULL, 0). */
struct settings {
	struct manifest_fn	 fn;
	int			 layers_set;
	int			 events_set;	/* even to [] */
	int			 concurrency_set;	/* even to 0 or none */
	const yaml_node_t	*runtime;	/* the runtime's node */
	const yaml_node_t	*key;		/* a function's key node */
	/* Where values that the merged function is checked on were
	 * written (a function's own, else the top level's), for errors. */
	const yaml_node_t	*snap_start;
	const yaml_node_t	*log_level;
	const yaml_node_t	*system_log_level;
};

/* A key of a map and its value; NULL when the map lacks the key. */
struct pair {
	const yaml_node_t	*k;
	const yaml_node_t	*v;
};

/* One manifest being read, on manifest_load_mem's stack. */
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
	struct lc_err	*unresolved_err;
};

/* Nodes and character scanners, small enough to inline everywhere. */
static inline yaml_node_t *
node(struct ctx *c, int index)
{
	return yaml_document_get_node(&c->doc, index);
}

/* A scalar's text as written (libyaml NUL-terminates it). */
static inline const char *
text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* Whether n is a null: an empty plain scalar, "~" or "null". */
static inline int
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
static inline const char *
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
static inline size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Skips literal at *s; returns whether it was there. */
static inline int
skip_lit(const char **s, const char *literal)
{
	size_t n = strlen(literal);

	if (strncmp(*s, literal, n) != 0)
		return 0;
	*s += n;
	return 1;
}

/* Skips min to max characters of set at *s; returns whether it could. */
static inline int
skip_set(const char **s, const char *set, size_t min, size_t max)
{
	size_t n = strspn(*s, set);

	if (n < min || n > max)
		return 0;
	*s += n;
	return 1;
}

/* Skips one character of set at *s; returns whether it was there. */
static inline int
skip_one(const char **s, const char *set)
{
	if (**s == '\0' || strchr(set, **s) == NULL)
		return 0;
	(*s)++;
	return 1;
}

/* The keys' names, in the order of enum key. */
extern const char *const mf_key_names[K_COUNT];

/* manifest-yaml.c */
/* Fails with "PATH:LINE:COL: message", line and col 1-based; returns -1. */
int mf_at_error(struct ctx *c, size_t line, size_t col, const char *fmt,
    ...) LC_PRINTF(4, 5);
/* Fails with a message at node n's position; returns -1. */
int mf_node_error(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
    LC_PRINTF(3, 4);
/*
 * Parses len bytes at data into c->doc: 0, or -1 with the error set (and
 * no document to delete) for a syntax error, nesting deeper than
 * MANIFEST_MAX_DEPTH or a second document.
 */
int mf_parse(struct ctx *c, const char *data, size_t len);
/*
 * Counts count more values read (or inherited) at node n: -1 with the
 * error set past MANIFEST_MAX_VALUES.
 */
int mf_charge(struct ctx *c, const yaml_node_t *n, size_t count);
/*
 * For each pair of map, the index of the first earlier pair with the same
 * key, or SIZE_MAX.  The caller frees the array.
 */
size_t *mf_find_dups(struct ctx *c, const yaml_node_t *map);
/*
 * Checks the key of pair p: a scalar, not a merge key, not already in map
 * (dups: mf_find_dups).  Returns the key node, or NULL with the error set.
 */
yaml_node_t *mf_map_key(struct ctx *c, const yaml_node_t *map,
    const yaml_node_pair_t *p, const size_t *dups);

/* manifest-read.c */
/*
 * Reads the settings of one map (a function's or the top level's) into s:
 * the first nkeys keys are allowed (K_FUNCTIONS for a function's).
 */
int mf_read_map(struct ctx *c, struct settings *s, const yaml_node_t *map,
    size_t nkeys);
/* Where a string setting is stored in fn; NULL for other keys. */
char **mf_string_slot(struct manifest_fn *fn, enum key k);
/*
 * The interpolated text of scalar v, the value of key (named what in
 * messages): NULL with the error set when v is not a scalar, is a null, or
 * holds a NUL byte.
 */
char *mf_scalar_value(struct ctx *c, const yaml_node_t *key,
    const yaml_node_t *v, const char *what, int *expanded);
/*
 * A string setting's interpolated value, or NULL with the error set: also
 * when empty, unless allow_empty (or an unset variable may wait).
 */
char *mf_string_value(struct ctx *c, const yaml_node_t *key,
    const yaml_node_t *v, int allow_empty, int *expanded);
/* A whole-number setting from min to max unit; -1 with the error set. */
int mf_number_value(struct ctx *c, const yaml_node_t *key,
    const yaml_node_t *v, const char *unit, long min, long max, long *out);

/*
 * A list of strings (layers, subnets): its key, its most items, what an
 * item is called and must be ("a layer", "a layer version ARN"), whether
 * each may be there once only, and the check of an item's interpolated
 * value s written at node v.
 */
struct mf_list {
	const char	*name;
	size_t		 max;
	const char	*item;
	const char	*must;
	int		 unique;
	int		(*check)(struct ctx *, const yaml_node_t *,
			    const char *);
};
/* Reads list (the value of key) by spec into *out and *n; -1 with the
 * error set. */
int mf_read_list(struct ctx *c, const yaml_node_t *key,
    const yaml_node_t *list, const struct mf_list *spec, char ***out,
    size_t *n);

/* manifest-events.c */
/*
 * The pairs of map by their key's index in list (n keys).  A repeated key
 * is an error; so is an unknown one (in where), unless unknown is given:
 * then the first is put there.
 */
int mf_collect(struct ctx *c, const yaml_node_t *map,
    const char *const *list, size_t n, const char *where, struct pair *out,
    const yaml_node_t **unknown);
/* Checks that v, the value of key, is a map (example: "{ auth: ... }"). */
int mf_want_map(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    const char *example);
/* A true/false setting into *out. */
int mf_bool_value(struct ctx *c, const struct pair *kv, int *out);

/* Reads "events" (a list of triggers) into s; -1 with the error set. */
int mf_read_events(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *list);
/* Reads "url" (a map) into s; -1 with the error set. */
/* S3 triggers (every function's) that S3 would refuse as overlapping:
 * 0, or -1 with the error at the later one. */
int mf_check_s3_overlaps(struct ctx *c);
int mf_read_url(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *map);
/* Gives f copies of n events (f has none). */
void mf_events_copy(struct manifest_fn *f, const struct manifest_event *ev,
    size_t n);
/* Frees f's events and url. */
void mf_events_release(struct manifest_fn *f);

/* manifest-check.c: each -1 with the error set at node v (or k). */
/* A string setting's value s (interpolated from v; expanded: whether). */
int mf_check_string(struct ctx *c, enum key k, const yaml_node_t *v,
    const char *s, int expanded);
/* An environment variable's (is_env) or a tag's name at key node k. */
int mf_check_kv_name(struct ctx *c, const yaml_node_t *k, int is_env);
/* A function's name at key node k. */
int mf_check_fn_name(struct ctx *c, const yaml_node_t *k);
/* A layer's value arn, interpolated from node v. */
int mf_check_layer(struct ctx *c, const yaml_node_t *v, const char *arn);
/* A subnet's or a security group's id, interpolated from node v. */
int mf_check_subnet(struct ctx *c, const yaml_node_t *v, const char *s);
int mf_check_security_group(struct ctx *c, const yaml_node_t *v,
    const char *s);
/* Whether s is one of the n strings of list. */
int mf_in_list(const char *s, const char *const *list, size_t n);
/*
 * An SQS queue, interpolated from node v: an ARN arn:aws[-a-z]*:sqs:
 * REGION:ACCOUNT:NAME or a bare NAME (1 to 80 of [A-Za-z0-9_-], ".fifo"
 * counted).
 */
int mf_check_queue(struct ctx *c, const yaml_node_t *v, const char *s);
/* S3's event types (s3:ObjectCreated:*, ...), for notifications. */
extern const char *const mf_s3_events[];
extern const size_t mf_s3_nevents;

/* manifest-settings.c: issue 15's maps and what needs the merged
 * function; each -1 with the error set. */
/* vpc: { subnets: [...], security_groups: [...] } into s. */
int mf_read_vpc(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *map);
/* logging: { format, level, system_level, group } into s. */
int mf_read_logging(struct ctx *c, struct settings *s,
    const yaml_node_t *key, const yaml_node_t *map);
/* snap_start: true or false into s. */
int mf_read_snap_start(struct ctx *c, struct settings *s,
    const yaml_node_t *key, const yaml_node_t *v);
/* Gives function s what it inherits of these from the top level (the
 * log levels only with the format), and reserved_concurrency's unset
 * value; before the table's defaults. */
int mf_inherit_settings(struct ctx *c, struct settings *s);
/* What only the merged function s shows: log levels without JSON logs,
 * SnapStart on a runtime without it or with over 512 MB of ephemeral
 * storage. */
int mf_check_settings(struct ctx *c, const struct settings *s);
/* Frees what these hold in f. */
void mf_settings_release(struct manifest_fn *f);

/* manifest-env.c */
/*
 * Expands ${env:NAME}, ${env:NAME:-default} and "$${" in scalar n into a
 * string the caller wipes with free_secret; *expanded says whether any
 * ${...} was replaced.  An unset variable without a default is an error,
 * unless c->defer_to names where it may wait (MANIFEST_DEFER_ENV): then
 * it reads as empty and c->deferred is set.  NULL with the error set.
 */
char *mf_interpolate(struct ctx *c, const yaml_node_t *n, int *expanded);
/*
 * Gives f the unresolved settings of the top level that it inherits: those
 * it does not set itself (f's own env and tags sorted).
 */
void mf_inherit_unresolved(struct manifest_fn *f,
    const struct manifest_fn *top);

/* manifest.c */
/* array, with room for element n (of size bytes). */
void *mf_grow(void *array, size_t n, size_t size);
/* Appends key and value (both taken) to kv. */
void mf_kv_add(struct manifest_kv **kv, size_t *n, char *key, char *value);
/* Whether sorted kv has key. */
int mf_kv_has(const struct manifest_kv *kv, size_t n, const char *key);

#endif
