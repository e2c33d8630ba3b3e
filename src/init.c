/*
 * init.c - the lambda.yml of deployed functions (init.h): the settings
 * table walked over each struct lambda_config, written through libyaml's
 * emitter into a buffer that is wiped (environment values are secrets).
 * libyaml's own copies of each scalar (its events) are freed by libyaml,
 * unwiped: they live for one call of the emitter.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <yaml.h>

#include "buf.h"
#include "fnsettings.h"
#include "init.h"
#include "lambda-api.h"
#include "manifest.h"
#include "xmalloc.h"

/* The emitter, the buffer it writes into, and the first failure. */
struct out {
	yaml_emitter_t	 e;
	struct buf	 b;
	const char	*fn;	/* the function being written, for messages */
	struct lc_err	*err;
	int		 failed;
};

static int
on_write(void *arg, unsigned char *data, size_t len)
{
	buf_add(&((struct out *)arg)->b, data, len);
	return 1;
}

/* Emits ev (which libyaml then owns); after a failure, only frees it. */
static int
emit(struct out *o, yaml_event_t *ev)
{
	if (o->failed) {
		yaml_event_delete(ev);
		return -1;
	}
	if (yaml_emitter_emit(&o->e, ev))
		return 0;
	o->failed = 1;
	return lc_error(o->err, LC_EFAIL, "%s%scannot write the value as "
	    "YAML: %s", o->fn != NULL ? o->fn : "", o->fn != NULL ? ": " : "",
	    o->e.problem != NULL ? o->e.problem : "libyaml failed");
}

/*
 * Whether s, written plain, would not read back as this string in YAML
 * 1.1 or 1.2: null, a boolean, a number, a date or time, a merge key.
 * Such a value is quoted (libyaml's emitter quotes only for syntax).
 */
static int
needs_quotes(const char *s)
{
	static const char *const words[] = {
		"~", "null", "true", "false", "yes", "no", "on", "off", "y",
		"n", ".inf", "-.inf", "+.inf", ".nan", "<<", "=",
	};
	size_t i;

	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return 1;
	if (strchr("+-.", *s) != NULL && ((s[1] >= '0' && s[1] <= '9') ||
	    s[1] == '.'))
		return 1;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/*
 * A scalar: plain when YAML reads it back as the same string; one with a
 * line break double-quoted ("one\ntwo": on one line).  libyaml refuses to
 * make the event of a value that is not UTF-8 (or when out of memory).
 */
static int
scalar(struct out *o, const char *s, int plain)
{
	yaml_event_t ev;

	if (o->failed)
		return -1;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), plain, 1,
	    strpbrk(s, "\n\r") != NULL ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
	    YAML_ANY_SCALAR_STYLE)) {
		o->failed = 1;
		return lc_error(o->err, LC_EFAIL, "%s%scannot write a value "
		    "as YAML: it is not UTF-8", o->fn != NULL ? o->fn : "",
		    o->fn != NULL ? ": " : "");
	}
	return emit(o, &ev);
}

/* A map key (not expanded by lambda.yml's reader). */
static int
key(struct out *o, const char *k)
{
	return scalar(o, k, !needs_quotes(k));
}

/* A string value: "${" written "$${" so that lambda.yml's ${env:...}
 * expansion gives back s. */
static int
str(struct out *o, const char *s)
{
	struct buf b = BUF_INIT;
	const char *p;
	int rv;

	for (p = s; *p != '\0'; p++) {
		if (p[0] == '$' && p[1] == '{')
			buf_addch(&b, '$');
		buf_addch(&b, *p);
	}
	rv = scalar(o, b.data, !needs_quotes(b.data));
	buf_wipe(&b);
	return rv;
}

static int
number(struct out *o, long v)
{
	char s[32];

	snprintf(s, sizeof s, "%ld", v);
	return scalar(o, s, 1);
}

/* A block map (map 1) or list starting, or ending (start 0). */
static int
block(struct out *o, int map, int start)
{
	yaml_event_t ev;
	int ok;

	if (start && map)
		ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE);
	else if (start)
		ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_SEQUENCE_STYLE);
	else if (map)
		ok = yaml_mapping_end_event_initialize(&ev);
	else
		ok = yaml_sequence_end_event_initialize(&ev);
	if (!ok)
		die("out of memory");
	return emit(o, &ev);
}

/* Reading the table's rows in a lambda_config. */

static const void *
cfg_at(const struct lambda_config *cfg, size_t off)
{
	return (const char *)cfg + off;
}

/* The rows written their own way: tags (GetFunction's, filtered) and
 * snap_start (its manifest form, a boolean). */
static int
is_tags(const struct fnsetting *s)
{
	return strcmp(s->key, "tags") == 0;
}

static int
is_snap_start(const struct fnsetting *s)
{
	return strcmp(s->key, "snap_start") == 0;
}

/* Whether tag key k is lambda.yml's: neither lambdactl's own records nor
 * AWS's (which lambda.yml refuses). */
static int
tag_kept(const char *k)
{
	return manifest_tag_reserved(k) == NULL;
}

/* Whether v is cfg's logging.group by default: /aws/lambda/NAME, which
 * a lambda.yml without the key leaves as it is. */
static int
default_log_group(const struct fnsetting *s, const struct lambda_config *cfg,
    const char *v)
{
	static const char prefix[] = "/aws/lambda/";

	return strcmp(s->key, "logging.group") == 0 && cfg->name != NULL &&
	    strncmp(v, prefix, sizeof prefix - 1) == 0 &&
	    strcmp(v + sizeof prefix - 1, cfg->name) == 0;
}

static size_t
tags_kept(const struct lambda_config *cfg)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->ntags; i++)
		n += tag_kept(cfg->tags[i].key);
	return n;
}

/* Whether cfg's value of s is written: reported, and not the default a
 * lambda.yml without it gives. */
static int
row_set(const struct fnsetting *s, const struct lambda_config *cfg)
{
	const char *v;
	long l;

	if (is_tags(s))
		return tags_kept(cfg) > 0;
	if (s->cfg_off == FNSET_NONE)
		return 0;
	switch (s->type) {
	case FNSET_STRING:
		if ((v = *(char *const *)cfg_at(cfg, s->cfg_off)) == NULL)
			return 0;
		if (is_snap_start(s))
			return strcmp(v, "PublishedVersions") == 0;
		if (default_log_group(s, cfg, v))
			return 0;
		return s->def == NULL || strcmp(v, s->def) != 0;
	case FNSET_LONG:
		l = *(const long *)cfg_at(cfg, s->cfg_off);
		return l != 0 && l != s->ldef;
	case FNSET_LIST:
	case FNSET_MAP:
		return *(const size_t *)cfg_at(cfg, s->cfg_count) > 0;
	}
	return 0;
}

/* Whether a and b have the same value of the scalar row s. */
static int
row_same(const struct fnsetting *s, const struct lambda_config *a,
    const struct lambda_config *b)
{
	if (s->type == FNSET_LONG)
		return *(const long *)cfg_at(a, s->cfg_off) ==
		    *(const long *)cfg_at(b, s->cfg_off);
	return strcmp(*(char *const *)cfg_at(a, s->cfg_off),
	    *(char *const *)cfg_at(b, s->cfg_off)) == 0;
}

/*
 * Whether row s goes to the top level: a plain scalar (not nested, not
 * snap_start) that every one of two functions or more sets alike.
 */
static int
row_shared(const struct fnsetting *s, const struct init_fn *fns, size_t n)
{
	size_t i;

	if (n < 2 || strchr(s->key, '.') != NULL || is_snap_start(s) ||
	    (s->type != FNSET_STRING && s->type != FNSET_LONG))
		return 0;
	for (i = 0; i < n; i++)
		if (!row_set(s, fns[i].cfg) || !row_same(s, fns[0].cfg,
		    fns[i].cfg))
			return 0;
	return 1;
}

/* A map of names to strings (kv, n of them; tags: only those kept). */
static int
emit_map(struct out *o, const struct manifest_kv *kv, size_t n, int tags)
{
	size_t i;

	if (block(o, 1, 1) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if ((!tags || tag_kept(kv[i].key)) && (key(o, kv[i].key) ==
		    -1 || str(o, kv[i].value) == -1))
			return -1;
	return block(o, 1, 0);
}

/* The value of row s in cfg. */
static int
emit_value(struct out *o, const struct fnsetting *s,
    const struct lambda_config *cfg)
{
	const void *v = cfg_at(cfg, s->cfg_off);
	size_t i, n;

	if (is_tags(s))
		return emit_map(o, cfg->tags, cfg->ntags, 1);
	switch (s->type) {
	case FNSET_STRING:
		return is_snap_start(s) ? scalar(o, "true", 1) :
		    str(o, *(char *const *)v);
	case FNSET_LONG:
		return number(o, *(const long *)v);
	case FNSET_LIST:
		n = *(const size_t *)cfg_at(cfg, s->cfg_count);
		if (block(o, 0, 1) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (str(o, (*(char **const *)v)[i]) == -1)
				return -1;
		return block(o, 0, 0);
	case FNSET_MAP:
		return emit_map(o, *(struct manifest_kv *const *)v,
		    *(const size_t *)cfg_at(cfg, s->cfg_count), 0);
	}
	return 0;
}

/* Whether a row before index i has a key starting with the glen bytes of
 * k (their group is written already). */
static int
group_before(size_t i, const char *k, size_t glen)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strncmp(fnsettings[j].key, k, glen) == 0)
			return 1;
	return 0;
}

/* Whether a wanted row's key starts with the glen bytes of k. */
static int
group_wanted(const char *k, size_t glen, const unsigned char *want)
{
	size_t j;

	for (j = 0; j < fnsettings_count; j++)
		if (want[j] && strncmp(fnsettings[j].key, k, glen) == 0)
			return 1;
	return 0;
}

/*
 * The wanted rows (want[i] for fnsettings[i]) whose keys start with the
 * plen bytes of prefix ("" or "vpc."), in the table's order, a further
 * '.' opening a nested map ("vpc.subnets": "vpc:" holding "subnets:")
 * where the first row of its group comes.
 */
static int
emit_rows(struct out *o, const char *prefix, size_t plen,
    const struct lambda_config *cfg, const unsigned char *want)
{
	const struct fnsetting *s;
	const char *rest, *dot;
	size_t i, glen;
	char *sub;
	int rv;

	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (strncmp(s->key, prefix, plen) != 0)
			continue;
		rest = s->key + plen;
		if ((dot = strchr(rest, '.')) == NULL) {
			if (want[i] && (key(o, rest) == -1 ||
			    emit_value(o, s, cfg) == -1))
				return -1;
			continue;
		}
		glen = (size_t)(dot - s->key) + 1;
		if (group_before(i, s->key, glen) ||
		    !group_wanted(s->key, glen, want))
			continue;
		sub = xstrndup(rest, (size_t)(dot - rest));
		rv = key(o, sub) == -1 || block(o, 1, 1) == -1 ||
		    emit_rows(o, s->key, glen, cfg, want) == -1 ||
		    block(o, 1, 0) == -1 ? -1 : 0;
		free(sub);
		if (rv == -1)
			return -1;
	}
	return 0;
}

char *
init_artifact_name(const char *name)
{
	return xasprintf("%s.zip", name);
}

/*
 * artifact: the given path, or the placeholder, marked by a comment where
 * the emitter has written the value out (its key not the map's first,
 * which waits for what follows): the buffer then ends with it.
 */
static int
emit_artifact(struct out *o, const struct init_fn *f,
    struct init_result *res)
{
	char *name, *tail;
	size_t n;
	int rv;

	if (f->artifact != NULL)
		return key(o, "artifact") == -1 || str(o, f->artifact) == -1 ?
		    -1 : 0;
	res->nplaceholders++;
	name = init_artifact_name(f->cfg->name);
	rv = key(o, "artifact") == -1 || str(o, name) == -1 ? -1 : 0;
	if (rv == 0 && !yaml_emitter_flush(&o->e))
		rv = -1;
	tail = xasprintf("artifact: %s", name);
	n = strlen(tail);
	if (rv == 0 && o->b.len >= n &&
	    memcmp(o->b.data + o->b.len - n, tail, n) == 0)
		buf_adds(&o->b, "  # placeholder: your build's zip, jar or "
		    "directory");
	free(tail);
	free(name);
	return rv;
}

/* Whether cfg's environment (a map row but tags) is written. */
static int
holds_env(const struct lambda_config *cfg)
{
	size_t i;

	for (i = 0; i < fnsettings_count; i++)
		if (fnsettings[i].type == FNSET_MAP && !is_tags(&fnsettings[i]) &&
		    row_set(&fnsettings[i], cfg))
			return 1;
	return 0;
}

/* Function f, but for the rows at the top level (shared[i]). */
static int
emit_function(struct out *o, const struct init_fn *f,
    const unsigned char *shared, struct init_result *res)
{
	const struct lambda_config *cfg = f->cfg;
	const struct fnsetting *s;
	unsigned char *want = xcalloc(fnsettings_count, 1);
	size_t i;
	int rv = -1;

	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		want[i] = !shared[i] && row_set(s, cfg);
	}
	res->nenv += (size_t)holds_env(cfg);
	o->fn = cfg->name;
	if (key(o, cfg->name) == -1 || block(o, 1, 1) == -1 ||
	    emit_rows(o, "", 0, cfg, want) == -1)
		goto out;
	/* Not (yet) a row of the table: GetFunction's Concurrency. */
	if (fnset_find("reserved_concurrency") == NULL &&
	    cfg->reserved_concurrency >= 0 &&
	    (key(o, "reserved_concurrency") == -1 ||
	    number(o, cfg->reserved_concurrency) == -1))
		goto out;
	if (emit_artifact(o, f, res) == -1 || block(o, 1, 0) == -1)
		goto out;
	rv = 0;
out:
	o->fn = NULL;
	free(want);
	return rv;
}

/* What lambda.yml cannot hold: a strange name, one twice, no runtime. */
static int
check_fns(const struct init_fn *fns, size_t n, struct lc_err *err)
{
	const char *name;
	size_t i, j;

	for (i = 0; i < n; i++) {
		name = fns[i].cfg->name;
		if (name == NULL || !manifest_valid_fn_name(name))
			return lc_error(err, LC_EUSAGE, "'%s' is not a function "
			    "name lambda.yml can hold", name != NULL ? name :
			    "");
		for (j = 0; j < i; j++)
			if (strcmp(fns[j].cfg->name, name) == 0)
				return lc_error(err, LC_EUSAGE, "function '%s' "
				    "is named twice", name);
		if (fns[i].cfg->runtime == NULL)
			return lc_error(err, LC_ECONFIG, "%s: no runtime (a "
			    "container image?): lambda.yml holds functions "
			    "deployed as zip code only", name);
	}
	return 0;
}

/* The comment atop the file: where it comes from, and what to edit. */
static void
header(struct buf *b, const struct init_fn *fns, size_t n)
{
	size_t i, placeholders = 0, env = 0;

	buf_adds(b, "# lambda.yml written by 'lambdactl init' from the "
	    "deployed functions\n#");
	for (i = 0; i < n; i++) {
		buf_addf(b, " %s%s", fns[i].cfg->name, i + 1 < n ? "," : "");
		placeholders += fns[i].artifact == NULL;
		env += (size_t)holds_env(fns[i].cfg);
	}
	buf_adds(b, " (see lambda.yml(5)).\n");
	if (placeholders > 0)
		buf_adds(b, "# An artifact marked \"placeholder\" names no file "
		    "yet: point it at what your\n# build makes, or fetch the "
		    "deployed code with 'lambdactl init --download'.\n");
	if (env > 0)
		buf_adds(b, "# Environment values are as deployed: keep secrets "
		    "out of this file\n# with ${env:NAME}, read from the "
		    "environment when lambdactl runs.\n");
}

/* The document: region, the shared rows, the functions. */
static int
emit_document(struct out *o, const struct init_fn *fns, size_t n,
    const char *region, const unsigned char *shared,
    struct init_result *res)
{
	yaml_event_t ev;
	size_t i;

	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    emit(o, &ev) == -1 ||
	    !yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    emit(o, &ev) == -1 || block(o, 1, 1) == -1)
		return -1;
	if (region != NULL && (key(o, "region") == -1 || str(o, region) == -1))
		return -1;
	if (emit_rows(o, "", 0, fns[0].cfg, shared) == -1 ||
	    key(o, "functions") == -1 || block(o, 1, 1) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (emit_function(o, &fns[i], shared, res) == -1)
			return -1;
	if (block(o, 1, 0) == -1 || block(o, 1, 0) == -1 ||
	    !yaml_document_end_event_initialize(&ev, 1) ||
	    emit(o, &ev) == -1 || !yaml_stream_end_event_initialize(&ev) ||
	    emit(o, &ev) == -1)
		return -1;
	return 0;
}

int
init_yaml(const struct init_fn *fns, size_t n, const char *region,
    struct init_result *res, struct lc_err *err)
{
	struct out o = { .b = BUF_INIT, .err = err };
	unsigned char *shared;
	size_t i;
	int rv;

	memset(res, 0, sizeof *res);
	if (n == 0)
		return lc_error(err, LC_EUSAGE, "no function to write");
	if (check_fns(fns, n, err) == -1)
		return -1;
	shared = xcalloc(fnsettings_count, 1);
	for (i = 0; i < fnsettings_count; i++)
		shared[i] = (unsigned char)row_shared(&fnsettings[i], fns, n);
	if (!yaml_emitter_initialize(&o.e))
		die("out of memory");
	yaml_emitter_set_output(&o.e, on_write, &o);
	yaml_emitter_set_unicode(&o.e, 1);
	yaml_emitter_set_width(&o.e, -1);	/* no folded lines */
	yaml_emitter_set_indent(&o.e, 2);
	yaml_emitter_set_break(&o.e, YAML_LN_BREAK);
	header(&o.b, fns, n);
	rv = emit_document(&o, fns, n, region, shared, res);
	if (rv == -1 && !o.failed)
		lc_error(err, LC_EFAIL, "cannot write YAML: %s",
		    o.e.problem != NULL ? o.e.problem : "libyaml failed");
	/* The emitter's buffer held the values too. */
	if (o.e.buffer.start != NULL)
		OPENSSL_cleanse(o.e.buffer.start,
		    (size_t)(o.e.buffer.end - o.e.buffer.start));
	yaml_emitter_delete(&o.e);
	free(shared);
	if (rv == -1) {
		buf_wipe(&o.b);
		memset(res, 0, sizeof *res);
		return -1;
	}
	res->yaml = buf_detach(&o.b, &res->len);
	return 0;
}

void
init_result_release(struct init_result *res)
{
	free_secret(res->yaml);
	memset(res, 0, sizeof *res);
}
