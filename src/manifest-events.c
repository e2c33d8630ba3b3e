/*
 * manifest-events.c - a function's triggers in lambda.yml
 * (manifest-private.h): the "events" list, each item one "schedule" (an
 * EventBridge rule, with its "input" and "enabled"), "s3" (a bucket
 * notification) or "sqs" (an event source mapping), and the "url" map (a
 * function URL).  A schedule's input is kept as JSON without white space:
 * a YAML map or list converted by the YAML 1.2 core schema, or a string
 * that is JSON already.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "manifest-private.h"
#include "schedule.h"
#include "suggest.h"
#include "xmalloc.h"

/* An event item's keys: the kinds first. */
enum { I_SCHEDULE, I_S3, I_SQS, I_INPUT, I_ENABLED, I_COUNT };
#define NKINDS	3
static const char *const item_keys[] = {
	"schedule", "s3", "sqs", "input", "enabled",
};
enum { S3_BUCKET, S3_EVENTS, S3_PREFIX, S3_SUFFIX, S3_COUNT };
static const char *const s3_keys[] = { "bucket", "events", "prefix", "suffix" };
enum { Q_QUEUE, Q_BATCH, Q_WINDOW, Q_ENABLED, Q_COUNT };
static const char *const sqs_keys[] = {
	"queue", "batch_size", "batch_window", "enabled",
};
enum { U_AUTH, U_PUBLIC, U_COUNT };
static const char *const url_keys[] = { "auth", "public" };

#define S3_DEFAULT_EVENT	"s3:ObjectCreated:*"

/*
 * Fails at the character chars into scalar n's value when that value is
 * s, written on one line as it reads (plain, or quoted without escapes);
 * else at n.
 */
static int LC_PRINTF(5, 6)
error_in_scalar(struct ctx *c, const yaml_node_t *n, const char *s,
    size_t chars, const char *fmt, ...)
{
	yaml_scalar_style_t st = n->data.scalar.style;
	size_t quote = st == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    st == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	size_t col = n->start_mark.column + 1;
	char msg[sizeof c->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if ((st == YAML_PLAIN_SCALAR_STYLE || quote) &&
	    n->start_mark.line == n->end_mark.line &&
	    strcmp(s, text(n)) == 0 && n->end_mark.column -
	    n->start_mark.column == utf8_len(s) + 2 * quote &&
	    chars <= utf8_len(s))
		col += quote + chars;
	return mf_at_error(c, n->start_mark.line + 1, col, "%s", msg);
}

/* The characters in the first off bytes of s. */
static size_t
chars_in(const char *s, size_t off)
{
	size_t i, n = 0;

	for (i = 0; i < off && s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static int
index_of(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return (int)i;
	return -1;
}

/* "unknown key" in map where, with a hint or the known keys. */
static int
unknown_key(struct ctx *c, const yaml_node_t *k, const char *const *list,
    size_t n, const char *where)
{
	const char *hint = suggest_key(text(k), list, n);
	struct buf known = BUF_INIT;
	size_t i;
	int rv;

	if (hint != NULL)
		return mf_node_error(c, k, "unknown key '%s' in %s (did you "
		    "mean '%s'?)", text(k), where, hint);
	for (i = 0; i < n; i++)
		buf_addf(&known, "%s%s", i > 0 ? ", " : "", list[i]);
	rv = mf_node_error(c, k, "unknown key '%s' in %s (known: %s)",
	    text(k), where, known.data);
	buf_release(&known);
	return rv;
}

/* The pairs of map by their keys (manifest-private.h). */
int
mf_collect(struct ctx *c, const yaml_node_t *map, const char *const *list,
    size_t n, const char *where, struct pair *out,
    const yaml_node_t **unknown)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *k;
	size_t *dups = mf_find_dups(c, map);
	int i, rv = -1;

	memset(out, 0, n * sizeof *out);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		if (mf_charge(c, map, 1) == -1 ||
		    (k = mf_map_key(c, map, p, dups)) == NULL)
			goto out;
		if ((i = index_of(text(k), list, n)) >= 0) {
			out[i].k = k;
			out[i].v = node(c, p->value);
		} else if (unknown == NULL) {
			unknown_key(c, k, list, n, where);
			goto out;
		} else if (*unknown == NULL)
			*unknown = k;
	}
	rv = 0;
out:
	free(dups);
	return rv;
}

/* Checks that v, the value of key, is a map. */
int
mf_want_map(struct ctx *c, const yaml_node_t *key, const yaml_node_t *v,
    const char *example)
{
	if (is_null(v))
		return mf_node_error(c, key, "'%s' has no value", text(key));
	if (v->type != YAML_MAPPING_NODE)
		return mf_node_error(c, v, "'%s' must be a map, such as %s, "
		    "not %s", text(key), example, kind(v));
	return 0;
}

/* YAML 1.2 core schema booleans: 1, 0, or -1 for anything else. */
static int
core_bool(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0)
		return 0;
	return -1;
}

/* A true/false setting. */
int
mf_bool_value(struct ctx *c, const struct pair *kv, int *out)
{
	char what[96], *s;
	int b, expanded;

	snprintf(what, sizeof what, "'%s'", text(kv->k));
	if ((s = mf_scalar_value(c, kv->k, kv->v, what, &expanded)) == NULL)
		return -1;
	b = core_bool(s);
	free_secret(s);
	if (b == -1)
		return mf_node_error(c, kv->v, "%s must be true or false, not "
		    "'%s'", what, text(kv->v));
	*out = b;
	return 0;
}

/*
 * A plain scalar s as a YAML 1.2 core schema number, written to out as
 * JSON: 1; 0 when s is no number; -1 when it is one JSON cannot hold (an
 * infinity, NaN, an octal or hexadecimal integer over 64 bits).
 */
static int
core_number(const char *s, struct buf *out)
{
	static const char *const nonfinite[] = {
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
		"-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
	};
	const char *p = s, *set, *frac = NULL, *e;
	size_t n1, n2 = 0, n3;
	unsigned long long v;

	if (index_of(s, nonfinite, nitems(nonfinite)) >= 0)
		return -1;
	set = skip_lit(&p, "0o") ? "01234567" : skip_lit(&p, "0x") ?
	    "0123456789abcdefABCDEF" : NULL;
	if (set != NULL) {
		if (*p == '\0' || strspn(p, set) != strlen(p))
			return 0;
		errno = 0;
		v = strtoull(p, NULL, set[8] == '\0' ? 8 : 16);
		if (errno == ERANGE)
			return -1;
		buf_addf(out, "%llu", v);
		return 1;
	}
	if (*p == '-' || *p == '+')
		p++;
	n1 = strspn(p, DIGITS);
	if (p[n1] == '.') {
		frac = p + n1 + 1;
		n2 = strspn(frac, DIGITS);
	}
	e = frac != NULL ? frac + n2 : p + n1;
	if (n1 == 0 && n2 == 0)
		return 0;
	n3 = 0;
	if (*e == 'e' || *e == 'E') {
		n3 = strspn(e + 1 + (e[1] == '-' || e[1] == '+'), DIGITS);
		if (n3 == 0)
			return 0;
		n3 += 1 + (e[1] == '-' || e[1] == '+');
	}
	if (e[n3] != '\0')
		return 0;
	if (*s == '-')
		buf_addch(out, '-');
	for (; n1 > 1 && *p == '0'; n1--)
		p++;
	buf_add(out, n1 > 0 ? p : "0", n1 > 0 ? n1 : 1);
	if (n2 > 0) {
		buf_addch(out, '.');
		buf_add(out, frac, n2);
	}
	buf_add(out, e, n3);
	return 1;
}

/* Scalar n of an input's map or list as JSON, or NULL (error set). */
static cJSON *
scalar_json(struct ctx *c, const yaml_node_t *n)
{
	struct buf num = BUF_INIT;
	cJSON *j = NULL;
	char *s;
	int expanded, b, rv = 0;

	if (is_null(n))
		return cJSON_CreateNull();
	if ((s = mf_scalar_value(c, n, n, "a value in 'input'", &expanded)) ==
	    NULL)
		return NULL;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		j = cJSON_CreateString(s);
	else if ((b = core_bool(s)) != -1)
		j = cJSON_CreateBool(b);
	else if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		j = cJSON_CreateNull();
	else if ((rv = core_number(s, &num)) == 1)
		j = cJSON_CreateRaw(num.data);
	else if (rv == 0)
		j = cJSON_CreateString(s);
	else
		mf_node_error(c, n, "'%s' in 'input' is a number JSON cannot "
		    "hold (quote it for a string)", text(n));
	free_secret(s);
	buf_release(&num);
	if (j == NULL && rv != -1)
		die("out of memory");
	return j;
}

/*
 * Node n of an input as JSON, depth levels in, or NULL (error set).  An
 * alias may refer to the list or map it is in: the depth bounds that.
 */
static cJSON *
to_json(struct ctx *c, const yaml_node_t *n, int depth)
{
	const yaml_node_item_t *i;
	const yaml_node_pair_t *p;
	const yaml_node_t *k;
	cJSON *j, *child;
	size_t *dups;

	if (mf_charge(c, n, 1) == -1)
		return NULL;
	if (depth > MANIFEST_MAX_DEPTH) {
		mf_node_error(c, n, "'input' is nested deeper than %d levels "
		    "(or holds itself through an alias)", MANIFEST_MAX_DEPTH);
		return NULL;
	}
	if (n->type == YAML_SCALAR_NODE)
		return scalar_json(c, n);
	if (n->type == YAML_SEQUENCE_NODE) {
		if ((j = cJSON_CreateArray()) == NULL)
			die("out of memory");
		for (i = n->data.sequence.items.start;
		    i < n->data.sequence.items.top; i++) {
			if ((child = to_json(c, node(c, *i), depth + 1)) ==
			    NULL) {
				cJSON_Delete(j);
				return NULL;
			}
			cJSON_AddItemToArray(j, child);
		}
		return j;
	}
	if ((j = cJSON_CreateObject()) == NULL)
		die("out of memory");
	dups = mf_find_dups(c, n);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		if ((k = mf_map_key(c, n, p, dups)) == NULL ||
		    (child = to_json(c, node(c, p->value), depth + 1)) == NULL) {
			cJSON_Delete(j);
			j = NULL;
			break;
		}
		cJSON_AddItemToObject(j, text(k), child);
	}
	free(dups);
	return j;
}

/* s, checked JSON, without the white space between its tokens. */
static void
json_squeeze(char *s)
{
	char *out = s;
	int in_str = 0, esc = 0;

	for (; *s != '\0'; s++) {
		if (in_str) {
			if (esc)
				esc = 0;
			else if (*s == '\\')
				esc = 1;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			continue;
		else if (*s == '"')
			in_str = 1;
		*out++ = *s;
	}
	*out = '\0';
}

/* A schedule's input (the pair kv) as JSON into *out. */
static int
read_input(struct ctx *c, const struct pair *kv, char **out)
{
	struct json_error je;
	cJSON *j;
	int expanded;

	if (kv->v->type == YAML_SCALAR_NODE) {
		if ((*out = mf_scalar_value(c, kv->k, kv->v, "'input'",
		    &expanded)) == NULL)
			return -1;
		if (json_check(*out, strlen(*out), &je) == -1) {
			if (expanded)
				return mf_node_error(c, kv->v, "'input' is not "
				    "JSON after interpolation");
			return error_in_scalar(c, kv->v, *out, je.line == 1 &&
			    je.col > 0 ? je.col - 1 : SIZE_MAX, "'input' is "
			    "not JSON: %s (write a YAML map, or quote JSON)",
			    je.reason);
		}
		json_squeeze(*out);
	} else {
		if ((j = to_json(c, kv->v, 1)) == NULL)
			return -1;
		*out = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		if (*out == NULL)
			die("out of memory");
	}
	if (strlen(*out) > INPUT_MAX)
		return mf_node_error(c, kv->v, "'input' is %zu bytes of JSON, "
		    "over EventBridge's limit of %d", strlen(*out), INPUT_MAX);
	return 0;
}

static int
read_schedule(struct ctx *c, const struct pair *kv, struct manifest_event *e)
{
	const struct pair *sched = &kv[I_SCHEDULE];
	char why[256];
	size_t off;
	int expanded;

	if ((e->schedule = mf_string_value(c, sched->k, sched->v, 0,
	    &expanded)) == NULL)
		return -1;
	if (schedule_check(e->schedule, why, sizeof why, &off) == -1) {
		if (expanded)
			return mf_node_error(c, sched->v, "'%s' is not a "
			    "schedule expression after interpolation",
			    text(sched->v));
		return error_in_scalar(c, sched->v, e->schedule,
		    chars_in(e->schedule, off), "invalid schedule: %s", why);
	}
	if (kv[I_INPUT].k != NULL && read_input(c, &kv[I_INPUT],
	    &e->input) == -1)
		return -1;
	if (kv[I_ENABLED].k != NULL && mf_bool_value(c, &kv[I_ENABLED],
	    &e->enabled) == -1)
		return -1;
	return 0;
}

/* Whether S3 event a, a wildcard, takes in b. */
static int
s3_covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n > 2 && strcmp(a + n - 2, ":*") == 0 &&
	    strncmp(a, b, n - 1) == 0 && strcmp(a, b) != 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An S3 event's "events" (the pair kv), sorted, into e. */
static int
read_s3_events(struct ctx *c, const struct pair *kv, struct manifest_event *e)
{
	const yaml_node_item_t *start, *i;
	const yaml_node_t *v;
	const char *hint;
	char *name;
	size_t j, n, line;
	int expanded;

	if (kv->k == NULL) {
		e->s3_events = xcalloc(1, sizeof *e->s3_events);
		e->s3_events[e->ns3_events++] = xstrdup(S3_DEFAULT_EVENT);
		return 0;
	}
	if (kv->v->type != YAML_SEQUENCE_NODE)
		return mf_node_error(c, kv->v, "'events' of 's3' must be a list "
		    "such as [s3:ObjectCreated:*], not %s", is_null(kv->v) ?
		    "empty" : kind(kv->v));
	start = kv->v->data.sequence.items.start;
	n = (size_t)(kv->v->data.sequence.items.top - start);
	if (n == 0)
		return mf_node_error(c, kv->v, "'events' of 's3' is empty (leave "
		    "it out for %s)", S3_DEFAULT_EVENT);
	e->s3_events = xcalloc(n, sizeof *e->s3_events);
	for (i = start; i < start + n; i++) {
		v = node(c, *i);
		if (mf_charge(c, v, 1) == -1 || (name = mf_scalar_value(c, v,
		    v, "an S3 event", &expanded)) == NULL)
			return -1;
		e->s3_events[e->ns3_events++] = name;
		if (index_of(name, mf_s3_events, mf_s3_nevents) == -1) {
			hint = suggest_key(text(v), mf_s3_events, mf_s3_nevents);
			return mf_node_error(c, v, "unknown S3 event '%s'%s%s%s",
			    text(v), hint ? " (did you mean '" : "",
			    hint ? hint : "", hint ? "'?)" : "");
		}
		for (j = 0; j + 1 < e->ns3_events; j++) {
			line = node(c, start[j])->start_mark.line + 1;
			if (strcmp(e->s3_events[j], name) == 0)
				return mf_node_error(c, v, "duplicate S3 event "
				    "'%s' (first at line %zu)", text(v), line);
			if (s3_covers(e->s3_events[j], name) ||
			    s3_covers(name, e->s3_events[j]))
				return mf_node_error(c, v, "S3 event '%s' "
				    "overlaps '%s' (line %zu): keep one",
				    text(v), e->s3_events[j], line);
		}
	}
	qsort(e->s3_events, e->ns3_events, sizeof *e->s3_events, str_cmp);
	return 0;
}

/* A prefix or suffix filter (the pair kv) into *out. */
static int
read_filter(struct ctx *c, const struct pair *kv, char **out)
{
	int expanded;

	if (kv->k == NULL)
		return 0;
	if ((*out = mf_string_value(c, kv->k, kv->v, 0, &expanded)) == NULL)
		return -1;
	if (strlen(*out) > S3_FILTER_MAX)
		return mf_node_error(c, kv->v, "'%s' is %zu bytes, over S3's "
		    "limit of %d", text(kv->k), strlen(*out), S3_FILTER_MAX);
	return 0;
}

static int
read_s3(struct ctx *c, const struct pair *item, struct manifest_event *e)
{
	struct pair kv[S3_COUNT];
	char why[512];
	int expanded;

	if (mf_want_map(c, item->k, item->v, "{ bucket: NAME }") == -1 ||
	    mf_collect(c, item->v, s3_keys, S3_COUNT, "'s3'", kv, NULL) == -1)
		return -1;
	if (kv[S3_BUCKET].k == NULL)
		return mf_node_error(c, item->k, "'s3' needs a 'bucket'");
	if ((e->bucket = mf_string_value(c, kv[S3_BUCKET].k, kv[S3_BUCKET].v,
	    0, &expanded)) == NULL)
		return -1;
	if (manifest_check_s3_bucket("'bucket'", e->bucket, why,
	    sizeof why) == -1)
		return expanded ? mf_node_error(c, kv[S3_BUCKET].v, "'bucket' "
		    "'%s' is not an S3 bucket name after interpolation",
		    text(kv[S3_BUCKET].v)) : mf_node_error(c,
		    kv[S3_BUCKET].v, "%s", why);
	if (read_s3_events(c, &kv[S3_EVENTS], e) == -1 ||
	    read_filter(c, &kv[S3_PREFIX], &e->prefix) == -1 ||
	    read_filter(c, &kv[S3_SUFFIX], &e->suffix) == -1)
		return -1;
	return 0;
}

static int
read_sqs(struct ctx *c, const struct pair *item, struct manifest_event *e)
{
	struct pair kv[Q_COUNT];
	int expanded;

	if (mf_want_map(c, item->k, item->v, "{ queue: ARN }") == -1 ||
	    mf_collect(c, item->v, sqs_keys, Q_COUNT, "'sqs'", kv, NULL) == -1)
		return -1;
	if (kv[Q_QUEUE].k == NULL)
		return mf_node_error(c, item->k, "'sqs' needs a 'queue'");
	if ((e->queue = mf_string_value(c, kv[Q_QUEUE].k, kv[Q_QUEUE].v, 0,
	    &expanded)) == NULL ||
	    mf_check_queue(c, kv[Q_QUEUE].v, e->queue) == -1)
		return -1;
	e->batch_size = SQS_BATCH_DEFAULT;
	if ((kv[Q_BATCH].k != NULL && mf_number_value(c, kv[Q_BATCH].k,
	    kv[Q_BATCH].v, "messages", 1, SQS_BATCH_MAX, &e->batch_size) ==
	    -1) || (kv[Q_WINDOW].k != NULL && mf_number_value(c,
	    kv[Q_WINDOW].k, kv[Q_WINDOW].v, "seconds", 0, SQS_WINDOW_MAX,
	    &e->batch_window) == -1) || (kv[Q_ENABLED].k != NULL &&
	    mf_bool_value(c, &kv[Q_ENABLED], &e->enabled) == -1))
		return -1;
	if (e->batch_size > SQS_BATCH_DEFAULT && e->batch_window < 1)
		return mf_node_error(c, kv[Q_BATCH].v, "a 'batch_size' over %d "
		    "needs a 'batch_window' of at least 1 second (Lambda's "
		    "rule)", SQS_BATCH_DEFAULT);
	return 0;
}

/*
 * The kind of item kv (collected, with its first unknown key): -1 with
 * the error set for none, two, an unknown key, or a sibling key the kind
 * does not take.
 */
static int
item_kind(struct ctx *c, const yaml_node_t *item, const struct pair *kv,
    const yaml_node_t *unknown)
{
	const yaml_node_t *first = NULL, *k;
	const char *hint;
	int i, kindi = -1;

	for (i = 0; i < NKINDS; i++) {
		if ((k = kv[i].k) == NULL)
			continue;
		if (first == NULL) {
			first = k;
			kindi = i;
			continue;
		}
		/* Two kinds: the error at the later one. */
		if (k->start_mark.index < first->start_mark.index) {
			first = k;
			k = kv[kindi].k;
		}
		return mf_node_error(c, k, "an event has one kind, not both "
		    "'%s' and '%s' (write two items)", text(first), text(k));
	}
	if (unknown != NULL && kindi == -1) {
		if ((hint = suggest_key(text(unknown), item_keys, NKINDS)))
			return mf_node_error(c, unknown, "unknown event kind "
			    "'%s' (did you mean '%s'?)", text(unknown), hint);
		return mf_node_error(c, unknown, "unknown event kind '%s' "
		    "(known: schedule, s3, sqs)", text(unknown));
	}
	if (unknown != NULL && kindi == I_SCHEDULE)
		return unknown_key(c, unknown, item_keys, I_COUNT,
		    "a schedule event");
	if (unknown != NULL)
		return mf_node_error(c, unknown, "unknown key '%s' beside '%s' "
		    "(its settings go in its map)", text(unknown),
		    item_keys[kindi]);
	if (kindi == -1)
		return mf_node_error(c, item, "an event needs one of "
		    "'schedule', 's3' or 'sqs'");
	if (kindi != I_SCHEDULE && kv[I_INPUT].k != NULL)
		return mf_node_error(c, kv[I_INPUT].k, "'input' is for "
		    "'schedule' events only");
	if (kindi != I_SCHEDULE && kv[I_ENABLED].k != NULL)
		return mf_node_error(c, kv[I_ENABLED].k, kindi == I_SQS ?
		    "'enabled' of an 'sqs' event goes in its map" :
		    "an 's3' event has no 'enabled' (remove the event)");
	return kindi;
}

static int
read_event(struct ctx *c, const yaml_node_t *item, struct manifest_event *e)
{
	struct pair kv[I_COUNT];
	const yaml_node_t *unknown = NULL;
	int k;

	e->line = (int)item->start_mark.line + 1;
	e->col = (int)item->start_mark.column + 1;
	e->enabled = 1;
	if (item->type != YAML_MAPPING_NODE)
		return mf_node_error(c, item, "an event must be a map with one "
		    "of 'schedule', 's3' or 'sqs', not %s", is_null(item) ?
		    "empty" : kind(item));
	if (mf_collect(c, item, item_keys, I_COUNT, NULL, kv, &unknown) == -1 ||
	    (k = item_kind(c, item, kv, unknown)) == -1)
		return -1;
	e->kind = (enum manifest_event_kind)k;
	switch (k) {
	case I_SCHEDULE:
		return read_schedule(c, kv, e);
	case I_S3:
		return read_s3(c, &kv[I_S3], e);
	default:
		return read_sqs(c, &kv[I_SQS], e);
	}
}

/* Whether a and b are both NULL or the same string. */
static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Whether a and b are the same trigger (enabled or not). */
static int
same_trigger(const struct manifest_event *a, const struct manifest_event *b)
{
	size_t i;

	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case MANIFEST_EVENT_SCHEDULE:
		return strcmp(a->schedule, b->schedule) == 0 &&
		    same_str(a->input, b->input);
	case MANIFEST_EVENT_S3:
		if (strcmp(a->bucket, b->bucket) != 0 ||
		    !same_str(a->prefix, b->prefix) ||
		    !same_str(a->suffix, b->suffix) ||
		    a->ns3_events != b->ns3_events)
			return 0;
		for (i = 0; i < a->ns3_events; i++)
			if (strcmp(a->s3_events[i], b->s3_events[i]) != 0)
				return 0;
		return 1;
	default:
		return strcmp(a->queue, b->queue) == 0;
	}
}

int
mf_read_events(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *list)
{
	const yaml_node_item_t *i;
	struct manifest_event *e;
	size_t n, j;

	if (is_null(list))
		return mf_node_error(c, key, "'events' has no value (write [] "
		    "for none)");
	if (list->type != YAML_SEQUENCE_NODE)
		return mf_node_error(c, list, "'events' must be a list");
	n = (size_t)(list->data.sequence.items.top -
	    list->data.sequence.items.start);
	if (n > EVENTS_MAX)
		return mf_node_error(c, list, "'events' has %zu entries, over "
		    "the limit of %d", n, EVENTS_MAX);
	s->events_set = 1;
	for (i = list->data.sequence.items.start;
	    i < list->data.sequence.items.top; i++) {
		if (mf_charge(c, list, 1) == -1)
			return -1;
		s->fn.events = mf_grow(s->fn.events, s->fn.nevents,
		    sizeof *s->fn.events);
		e = &s->fn.events[s->fn.nevents++];
		memset(e, 0, sizeof *e);
		if (read_event(c, node(c, *i), e) == -1)
			return -1;
		for (j = 0; j + 1 < s->fn.nevents; j++)
			if (same_trigger(&s->fn.events[j], e))
				return mf_node_error(c, node(c, *i), "the same "
				    "trigger as line %d (remove one)",
				    s->fn.events[j].line);
	}
	return 0;
}

int
mf_read_url(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *map)
{
	struct pair kv[U_COUNT];
	char *auth;
	int expanded, pub = 0;

	if (mf_want_map(c, key, map, "{ auth: AWS_IAM }") == -1 ||
	    mf_collect(c, map, url_keys, U_COUNT, "'url'", kv, NULL) == -1)
		return -1;
	if (kv[U_AUTH].k == NULL)
		return mf_node_error(c, key, "'url' needs 'auth': AWS_IAM, or "
		    "NONE with 'public: true'");
	if (kv[U_PUBLIC].k != NULL &&
	    mf_bool_value(c, &kv[U_PUBLIC], &pub) == -1)
		return -1;
	if ((auth = mf_string_value(c, kv[U_AUTH].k, kv[U_AUTH].v, 0,
	    &expanded)) == NULL)
		return -1;
	s->fn.url.auth = auth;
	s->fn.url.public = pub;
	if (strcmp(auth, "AWS_IAM") != 0 && strcmp(auth, "NONE") != 0)
		return mf_node_error(c, kv[U_AUTH].v, "'auth' must be 'AWS_IAM' "
		    "or 'NONE', not '%s'", text(kv[U_AUTH].v));
	if (strcmp(auth, "NONE") == 0 && !pub)
		return mf_node_error(c, kv[U_AUTH].v, "'auth: NONE' lets anyone "
		    "on the internet call the function: add 'public: true' "
		    "to mean it");
	if (strcmp(auth, "AWS_IAM") == 0 && pub)
		return mf_node_error(c, kv[U_PUBLIC].v, "'public: true' needs "
		    "'auth: NONE' (an AWS_IAM URL is not public)");
	return 0;
}

void
mf_events_copy(struct manifest_fn *f, const struct manifest_event *ev,
    size_t n)
{
	struct manifest_event *d;
	size_t i, j;

	f->events = xcalloc(n > 0 ? n : 1, sizeof *f->events);
	for (i = 0; i < n; i++) {
		d = &f->events[i];
		*d = ev[i];
		d->schedule = xstrdup(ev[i].schedule);
		d->input = xstrdup(ev[i].input);
		d->bucket = xstrdup(ev[i].bucket);
		d->prefix = xstrdup(ev[i].prefix);
		d->suffix = xstrdup(ev[i].suffix);
		d->queue = xstrdup(ev[i].queue);
		d->s3_events = NULL;
		if (ev[i].ns3_events > 0)
			d->s3_events = xcalloc(ev[i].ns3_events,
			    sizeof *d->s3_events);
		for (j = 0; j < ev[i].ns3_events; j++)
			d->s3_events[j] = xstrdup(ev[i].s3_events[j]);
	}
	f->nevents = n;
}

void
mf_events_release(struct manifest_fn *f)
{
	struct manifest_event *e;
	size_t i, j;

	for (i = 0; i < f->nevents; i++) {
		e = &f->events[i];
		free_secret(e->schedule);
		free_secret(e->input);
		free_secret(e->bucket);
		free_secret(e->prefix);
		free_secret(e->suffix);
		free_secret(e->queue);
		for (j = 0; j < e->ns3_events; j++)
			free_secret(e->s3_events[j]);
		free(e->s3_events);
	}
	free(f->events);
	f->events = NULL;
	f->nevents = 0;
	free_secret(f->url.auth);
	f->url.auth = NULL;
}

/* Whether S3 event types a and b share events ("s3:ObjectCreated:*"
 * covers "s3:ObjectCreated:Put"). */
static int
event_types_meet(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (strcmp(a, b) == 0)
		return 1;
	if (la > 0 && a[la - 1] == '*' && strncmp(a, b, la - 1) == 0)
		return 1;
	return lb > 0 && b[lb - 1] == '*' && strncmp(a, b, lb - 1) == 0;
}

/* Whether affixes a and b (NULL: none) overlap: one starts (end 0) or ends
 * (end 1) the other. */
static int
affixes_meet(const char *a, const char *b, int end)
{
	size_t la, lb, n;

	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	la = strlen(a);
	lb = strlen(b);
	n = la < lb ? la : lb;
	return end ? memcmp(a + la - n, b + lb - n, n) == 0 :
	    memcmp(a, b, n) == 0;
}

/* The event type a and b share, or NULL when they cannot both be. */
static const char *
s3_overlap(const struct manifest_event *a, const struct manifest_event *b)
{
	size_t i, j;

	if (strcmp(a->bucket, b->bucket) != 0 ||
	    !affixes_meet(a->prefix, b->prefix, 0) ||
	    !affixes_meet(a->suffix, b->suffix, 1))
		return NULL;
	for (i = 0; i < a->ns3_events; i++)
		for (j = 0; j < b->ns3_events; j++)
			if (event_types_meet(a->s3_events[i], b->s3_events[j]))
				return strlen(a->s3_events[i]) >
				    strlen(b->s3_events[j]) ? a->s3_events[i] :
				    b->s3_events[j];
	return NULL;
}

/* Fails at b's position: a and b (of functions fa and fb) overlap. */
static int
overlap_error(struct ctx *c, const struct manifest_fn *fa,
    const struct manifest_event *a, const struct manifest_fn *fb,
    const struct manifest_event *b, const char *type)
{
	if (a->line == b->line && a->col == b->col)
		return mf_at_error(c, (size_t)b->line, (size_t)b->col, "this "
		    "s3 trigger, inherited by '%s' and '%s', would put two "
		    "overlapping notifications (%s) on bucket '%s' (give each "
		    "function its own prefix)", fa->name, fb->name, type,
		    b->bucket);
	return mf_at_error(c, (size_t)b->line, (size_t)b->col, "s3 trigger "
	    "on bucket '%s' overlaps the one at line %d ('%s'): both take %s "
	    "with overlapping prefixes and suffixes, which S3 refuses",
	    b->bucket, a->line, fa->name, type);
}

/*
 * S3 refuses a bucket's notification configuration in which two entries
 * share an event type and their prefixes and suffixes overlap: among the
 * manifest's own s3 triggers (all functions, inherited ones included)
 * that is found here, before any request.
 */
int
mf_check_s3_overlaps(struct ctx *c)
{
	struct at {
		const struct manifest_fn	*fn;
		const struct manifest_event	*e;
	} *v = NULL;
	const char *type;
	size_t n = 0, i, j;
	int rv = 0;

	for (i = 0; i < c->nfns; i++)
		for (j = 0; j < c->fns[i].fn.nevents; j++)
			if (c->fns[i].fn.events[j].kind == MANIFEST_EVENT_S3) {
				v = mf_grow(v, n, sizeof *v);
				v[n].fn = &c->fns[i].fn;
				v[n++].e = &c->fns[i].fn.events[j];
			}
	for (i = 0; i < n && rv == 0; i++)
		for (j = i + 1; j < n && rv == 0; j++)
			if ((type = s3_overlap(v[i].e, v[j].e)) != NULL)
				rv = overlap_error(c, v[i].fn, v[i].e, v[j].fn,
				    v[j].e, type);
	free(v);
	return rv;
}
