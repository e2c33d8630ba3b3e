/*
 * manifest.c - lambda.yml: the load, from file to document (manifest-yaml.c)
 * to each map's settings (manifest-read.c), then each function merged with
 * the top-level defaults and checked for what it still lacks; the structs'
 * lifecycle and lookups.  The pieces share manifest-private.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "err.h"
#include "fnsettings.h"
#include "manifest-private.h"
#include "xmalloc.h"

/*
 * array, with room for element n (of size bytes), doubling: a realloc per
 * element is quadratic under ASan and some allocators.
 */
void *
mf_grow(void *array, size_t n, size_t size)
{
	if ((n & (n - 1)) != 0)
		return array;
	return xrealloc(array, (n ? 2 * n : 1) * size);
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_kv *)a)->key,
	    ((const struct manifest_kv *)b)->key);
}

void
mf_kv_add(struct manifest_kv **kv, size_t *n, char *key, char *value)
{
	*kv = mf_grow(*kv, *n, sizeof **kv);
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
	free_secret(f->s3_bucket);
	free_secret(f->s3_prefix);
	kv_free(f->env, f->nenv);
	kv_free(f->tags, f->ntags);
	for (i = 0; i < f->nlayers; i++)
		free_secret(f->layers[i]);
	free(f->layers);
	mf_events_release(f);
	mf_settings_release(f);
	for (i = 0; i < f->nunresolved; i++)
		free(f->unresolved[i]);
	free(f->unresolved);
	memset(f, 0, sizeof *f);
}

/* Whether sorted kv has key. */
int
mf_kv_has(const struct manifest_kv *kv, size_t n, const char *key)
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

	if (mf_charge(c, at, ntop) == -1)
		return -1;
	for (i = 0; i < ntop; i++)
		if (!mf_kv_has(*kv, own, top[i].key))
			mf_kv_add(kv, n, xstrdup(top[i].key),
			    xstrdup(top[i].value));
	if (*n > 1)
		qsort(*kv, *n, sizeof **kv, kv_cmp);
	return 0;
}

/*
 * Gives function s what it inherits from the top level, then the
 * defaults of the table of settings (fnsettings.c) for what neither sets.
 */
static int
inherit(struct ctx *c, struct settings *s)
{
	struct manifest_fn *f = &s->fn, *top = &c->top.fn;
	char **slot;
	size_t i;
	enum key k;

	if (f->nenv > 1)
		qsort(f->env, f->nenv, sizeof *f->env, kv_cmp);
	if (f->ntags > 1)
		qsort(f->tags, f->ntags, sizeof *f->tags, kv_cmp);
	mf_inherit_unresolved(f, top);
	for (k = 0; k < K_FUNCTIONS; k++)
		if ((slot = mf_string_slot(f, k)) != NULL && *slot == NULL)
			*slot = xstrdup(*mf_string_slot(top, k));
	if (s->runtime == NULL)
		s->runtime = c->top.runtime;
	if (f->memory == 0)
		f->memory = top->memory;
	if (f->timeout == 0)
		f->timeout = top->timeout;
	if (f->ephemeral_storage == 0)
		f->ephemeral_storage = top->ephemeral_storage;
	if (f->build_timeout == 0)
		f->build_timeout = top->build_timeout ? top->build_timeout :
		    MANIFEST_DEFAULT_BUILD_TIMEOUT;
	if (mf_inherit_settings(c, s) == -1)
		return -1;
	/* What neither sets: the table's defaults (build_timeout is ours). */
	fnset_defaults(f);
	if (!s->layers_set && c->top.layers_set) {
		if (mf_charge(c, s->key, top->nlayers) == -1)
			return -1;
		f->layers = xcalloc(top->nlayers, sizeof *f->layers);
		for (i = 0; i < top->nlayers; i++)
			f->layers[i] = xstrdup(top->layers[i]);
		f->nlayers = top->nlayers;
	}
	/* Triggers: the list replaces, as layers do; so does the URL. */
	if (!s->events_set && c->top.events_set) {
		if (mf_charge(c, s->key, top->nevents) == -1)
			return -1;
		mf_events_copy(f, top->events, top->nevents);
	}
	if (f->url.auth == NULL && top->url.auth != NULL) {
		f->url.auth = xstrdup(top->url.auth);
		f->url.public = top->url.public;
	}
	f->tags_set |= top->tags_set;
	if (kv_merge(c, s->key, &f->env, &f->nenv, top->env,
	    top->nenv) == -1 || kv_merge(c, s->key, &f->tags, &f->ntags,
	    top->tags, top->ntags) == -1)
		return -1;
	return 0;
}

/*
 * The tags lambdactl itself puts on function f, beside lambda.yml's: the
 * marker of an on-failure destination (deploy.h), and the triggers'
 * (triggers.h): lambdactl:triggers while it has any, lambdactl:url with
 * a URL, one lambdactl:sqs:UUID per queue.
 */
static size_t
marker_tags(const struct manifest_fn *f)
{
	size_t i, n = f->on_failure != NULL;

	if (f->nevents > 0 || f->url.auth != NULL)
		n++;
	if (f->url.auth != NULL)
		n++;
	for (i = 0; i < f->nevents; i++)
		n += f->events[i].kind == MANIFEST_EVENT_SQS;
	return n;
}

/* Lambda's 50 tags hold lambda.yml's and lambdactl's own. */
static int
check_tag_count(struct ctx *c, const struct settings *s)
{
	const struct manifest_fn *f = &s->fn;
	size_t own = marker_tags(f);

	if (f->ntags + own <= TAGS_MAX)
		return 0;
	if (own == 0)
		return mf_node_error(c, s->key, "function '%s': %zu tags, over "
		    "Lambda's limit of %d", f->name, f->ntags, TAGS_MAX);
	return mf_node_error(c, s->key, "function '%s': %zu tags, and %zu "
	    "of lambdactl's own (its markers of on_failure and the "
	    "triggers), over Lambda's limit of %d", f->name, f->ntags, own,
	    TAGS_MAX);
}

/*
 * Gives function s what it inherits, then checks what only the merged
 * function can show.
 */
static int
finish_function(struct ctx *c, struct settings *s)
{
	static const enum key required[] = { K_RUNTIME, K_ROLE, K_ARTIFACT };
	struct manifest_fn *f = &s->fn;
	const char *rt;
	size_t i, size;

	if (inherit(c, s) == -1)
		return -1;
	for (i = 0; i < nitems(required); i++)
		if (*mf_string_slot(f, required[i]) == NULL)
			return mf_node_error(c, s->key, "function '%s' has no "
			    "'%s' (set it under the function or at the top "
			    "level)", f->name, mf_key_names[required[i]]);
	rt = text(s->runtime);
	if (f->handler == NULL && !manifest_is_provided(f->runtime))
		return mf_node_error(c, s->key, "function '%s' needs a "
		    "'handler' for runtime '%s'", f->name, rt);
	for (size = 0, i = 0; i < f->nenv; i++)
		size += strlen(f->env[i].key) + strlen(f->env[i].value);
	if (size > ENV_MAX)
		return mf_node_error(c, s->key, "function '%s': environment is "
		    "%zu bytes, over Lambda's 4 KB limit", f->name, size);
	if (check_tag_count(c, s) == -1)
		return -1;
	return mf_check_settings(c, s);
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
		return mf_at_error(c, 1, 1, "the manifest is empty (it needs a "
		    "'functions' map)");
	if (root->type != YAML_MAPPING_NODE)
		return mf_node_error(c, root, "the top level must be a map");
	if (mf_read_map(c, &c->top, root, K_COUNT) == -1)
		return -1;
	if (!c->has_functions)
		return mf_node_error(c, root, "no 'functions' (add a map of "
		    "function names to their settings)");
	for (i = 0; i < c->nfns; i++)
		if (finish_function(c, &c->fns[i]) == -1)
			return -1;
	if (mf_check_s3_overlaps(c) == -1)
		return -1;
	m->fns = xcalloc(c->nfns, sizeof *m->fns);
	for (i = 0; i < c->nfns; i++) {
		m->fns[i] = c->fns[i].fn;
		memset(&c->fns[i].fn, 0, sizeof c->fns[i].fn);
	}
	m->nfns = c->nfns;
	m->region = xstrdup(c->top.fn.region);
	m->profile = xstrdup(c->top.fn.profile);
	m->unresolved_err = c->unresolved_err;
	c->unresolved_err = NULL;
	return 0;
}

int
manifest_load_mem(struct manifest *m, const char *name, const char *data,
    size_t len, unsigned flags, struct lc_err *err)
{
	struct ctx c;
	int have_doc = 0, rv = -1;
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
	if (mf_parse(&c, data, len) == -1)
		goto out;
	have_doc = 1;
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
	free(c.unresolved_err);
	if (have_doc)
		yaml_document_delete(&c.doc);
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
	free(m->unresolved_err);
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

const struct manifest_fn *
manifest_fn_with_region(const struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->nfns; i++)
		if (m->fns[i].region != NULL && *m->fns[i].region != '\0')
			return &m->fns[i];
	return NULL;
}

int
manifest_is_provided(const char *runtime)
{
	return runtime != NULL && strncmp(runtime, "provided", 8) == 0 &&
	    (runtime[8] == '\0' || runtime[8] == '.');
}

