/*
 * manifest-yaml.c - lambda.yml's YAML layer (manifest-private.h): the
 * parse with libyaml's document API, bounded before any tree is built
 * (nesting, one document only), libyaml's own errors and ours as
 * "PATH:LINE:COL: message", a map's keys (strings, no merge keys, no
 * duplicates) and the count of values read, aliases included.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "err.h"
#include "manifest-private.h"
#include "xmalloc.h"

/* Fails with "PATH:LINE:COL: message", line and col 1-based; returns -1. */
int
mf_at_error(struct ctx *c, size_t line, size_t col, const char *fmt, ...)
{
	char msg[sizeof c->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return lc_error_at(c->err, LC_ECONFIG, c->path, line, col, "%s", msg);
}

/* Fails with a message at node n's position; returns -1. */
int
mf_node_error(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[sizeof c->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return mf_at_error(c, n->start_mark.line + 1, n->start_mark.column + 1,
	    "%s", msg);
}

/*
 * Counts one more value read (or inherited) at node n: -1 with the error
 * set past MANIFEST_MAX_VALUES, which aliases used over and over (a
 * "billion laughs") would otherwise multiply without bound.
 */
int
mf_charge(struct ctx *c, const yaml_node_t *n, size_t count)
{
	c->values += count;
	if (c->values <= MANIFEST_MAX_VALUES)
		return 0;
	return mf_node_error(c, n, "the manifest has over %d values, counting "
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
size_t *
mf_find_dups(struct ctx *c, const yaml_node_t *map)
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
 * (dups: mf_find_dups).  Returns the key node, or NULL with the error set.
 */
yaml_node_t *
mf_map_key(struct ctx *c, const yaml_node_t *map, const yaml_node_pair_t *p,
    const size_t *dups)
{
	size_t first = dups[p - map->data.mapping.pairs.start];
	yaml_node_t *k = node(c, p->key), *other;

	if (k->type != YAML_SCALAR_NODE) {
		mf_node_error(c, k, "a key must be a string, not %s", kind(k));
		return NULL;
	}
	if (strcmp(text(k), "<<") == 0) {
		mf_node_error(c, k, "unknown key '<<' (merge keys are not "
		    "supported)");
		return NULL;
	}
	if (first != SIZE_MAX) {
		other = node(c, map->data.mapping.pairs.start[first].key);
		mf_node_error(c, k, "duplicate key '%s' (first at line %zu)",
		    text(k), other->start_mark.line + 1);
		return NULL;
	}
	return k;
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
		return mf_at_error(c, parser->problem_mark.line + 1,
		    parser->problem_mark.column + 1, "duplicate anchor (first "
		    "at line %zu)", parser->context_mark.line + 1);
	if (parser->error != YAML_READER_ERROR)
		return mf_at_error(c, parser->problem_mark.line + 1,
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
	return mf_at_error(c, line, col, "%s", problem);
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
				rv = mf_at_error(c, ev.start_mark.line + 1,
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
mf_parse(struct ctx *c, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int have_doc = 0, more, rv = -1;

	if (check_events(c, data, len) == -1)
		return -1;
	if (!yaml_parser_initialize(&parser))
		die("out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);
	if (!yaml_parser_load(&parser, &c->doc)) {
		yaml_error(c, &parser, data, len);
		goto out;
	}
	have_doc = 1;
	/* Read to the end: a syntax error or a second document is an error. */
	if (yaml_document_get_root_node(&c->doc) != NULL) {
		if (!yaml_parser_load(&parser, &extra)) {
			yaml_error(c, &parser, data, len);
			goto out;
		}
		more = yaml_document_get_root_node(&extra) != NULL;
		if (more)
			mf_at_error(c, extra.start_mark.line + 1,
			    extra.start_mark.column + 1,
			    "only one YAML document is allowed");
		yaml_document_delete(&extra);
		if (more)
			goto out;
	}
	rv = 0;
out:
	if (rv == -1 && have_doc)
		yaml_document_delete(&c->doc);
	yaml_parser_delete(&parser);
	return rv;
}
