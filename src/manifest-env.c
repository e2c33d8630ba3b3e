/*
 * manifest-env.c - ${env:NAME} and ${env:NAME:-default} in lambda.yml's
 * values (manifest-private.h), and the unset variables that
 * MANIFEST_DEFER_ENV lets wait: each setting holding one is listed in its
 * function's "unresolved", inherited with it, and the first one's error
 * kept for manifest_require_env.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "manifest-private.h"
#include "xmalloc.h"

/*
 * Adds field to the list of unresolved settings, unless it was the last
 * added (a value with two unset variables); a setting is read only once.
 */
static void
add_unresolved(char ***list, size_t *n, const char *field)
{
	if (*n > 0 && strcmp((*list)[*n - 1], field) == 0)
		return;
	*list = mf_grow(*list, *n, sizeof **list);
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
	struct lc_err *save = c->err;

	c->deferred = 1;
	add_unresolved(&c->defer_to->fn.unresolved,
	    &c->defer_to->fn.nunresolved, c->defer_field);
	if (c->unresolved_err != NULL)
		return;
	c->err = c->unresolved_err = xmalloc(sizeof *c->unresolved_err);
	mf_node_error(c, n, "environment variable '%s' is not set (used as "
	    "%.*s)", var, len, ref);
	c->err = save;
}

/*
 * Expands ${env:NAME}, ${env:NAME:-default} and "$${" in scalar n into a
 * string the caller wipes with free_secret; *expanded says whether any
 * ${...} was replaced.  A set but empty variable is used as it is.
 */
char *
mf_interpolate(struct ctx *c, const yaml_node_t *n, int *expanded)
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
			mf_node_error(c, n, "unterminated '${' (write '$${' "
			    "for a literal '${')");
			goto fail;
		}
		len = (size_t)(end - p) + 1;
		name = after = p + 2;
		if (!skip_lit(&after, "env:") ||
		    !skip_one(&after, LOWER UPPER "_") ||
		    !skip_set(&after, ALNUM "_", 0, SIZE_MAX) ||
		    (after != end && strncmp(after, ":-", 2) != 0)) {
			mf_node_error(c, n, "malformed '%.*s' (expected "
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
			mf_node_error(c, n, "environment variable '%s' is not "
			    "set (used as %.*s)", var, (int)len, p);
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
 * Gives f the unresolved settings of the top level that it inherits: those
 * it does not set itself (f's own env and tags sorted).
 */
void
mf_inherit_unresolved(struct manifest_fn *f, const struct manifest_fn *top)
{
	const char *u;
	size_t i, k;
	int own;

	for (i = 0; i < top->nunresolved; i++) {
		u = top->unresolved[i];
		if (strncmp(u, "environment.", 12) == 0)
			own = mf_kv_has(f->env, f->nenv, u + 12);
		else if (strncmp(u, "tags.", 5) == 0)
			own = mf_kv_has(f->tags, f->ntags, u + 5);
		else {
			for (k = 0; k < K_FUNCTIONS; k++)
				if (strcmp(u, mf_key_names[k]) == 0)
					break;
			own = k < K_FUNCTIONS &&
			    *mf_string_slot(f, (enum key)k) != NULL;
		}
		if (!own)
			add_unresolved(&f->unresolved, &f->nunresolved, u);
	}
}

int
manifest_require_env(const struct manifest *m, struct lc_err *err)
{
	if (m->unresolved_err == NULL)
		return 0;
	*err = *m->unresolved_err;	/* its location too */
	return -1;
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

