/*
 * release.c - publish, wait for the version, move the alias, prune.
 * (Today: publish and move the alias whole, as deploy did before issue 15.)
 */
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "release.h"
#include "xmalloc.h"

int
release_plan(struct aws_client *c, const struct manifest_fn *fn,
    const struct deploy_opts *o, int exists, int changed,
    struct release_plan *rp, struct lc_err *err)
{
	(void)c;
	(void)exists;
	(void)changed;
	(void)err;
	memset(rp, 0, sizeof *rp);
	rp->alias = deploy_alias(o, fn);
	rp->publish = o->publish || rp->alias != NULL;
	return 0;
}

void
release_plan_release(struct release_plan *rp)
{
	size_t i;

	for (i = 0; i < rp->nlines; i++) {
		free(rp->lines[i].field);
		free(rp->lines[i].text);
	}
	free(rp->lines);
	memset(rp, 0, sizeof *rp);
}

static void
step(const struct deploy_hooks *h, const char *fn, const char *what)
{
	if (h != NULL && h->step != NULL)
		h->step(h->arg, fn, what);
}

int
release_apply(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_config *cur, const struct deploy_opts *o,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err)
{
	(void)o;
	if (!rp->publish) {
		r->version = xstrdup("$LATEST");
		return 0;
	}
	step(h, fn->name, "publishing a version");
	if (lambda_publish_version(c, fn->name, cur->code_sha256,
	    cur->revision_id, NULL, &r->version, err) == -1)
		return -1;
	if (rp->alias != NULL) {
		step(h, fn->name, "moving the alias");
		if (lambda_set_alias(c, fn->name, rp->alias, r->version, NULL,
		    err) == -1)
			return -1;
	}
	return 0;
}
