/*
 * release.h - what follows a deploy's change to $LATEST: publish a version,
 * wait for it to be Active (SnapStart makes its snapshot then), move the
 * alias to it (all of the traffic, or a canary's --weight), and prune the
 * versions past keep_versions.  deploy.c calls release_plan from
 * deploy_plan and release_apply from deploy_apply; plan's lines for it join
 * the function's.
 */
#ifndef LC_RELEASE_H
#define LC_RELEASE_H

#include <stddef.h>

#include "aws.h"
#include "err.h"
#include "lambda-api.h"
#include "manifest.h"

struct deploy_opts;
struct deploy_hooks;
struct deploy_result;

struct release_line {
	char	*field;		/* "version", "alias", "prune.3" */
	char	*text;		/* "- version 3 (keep_versions 2)" */
};

struct release_plan {
	const char		*alias;		/* deploy_alias(); NULL: none */
	int			 publish;	/* a version is to be published */
	long			 keep;		/* keep_versions; 0: no pruning */
	/* What plan shows (and deploy would do). */
	struct release_line	*lines;
	size_t			 nlines;
};

/*
 * Plans the release of fn (exists: the function is there already; changed:
 * deploy changes it): whether a version is published, where the alias
 * goes, which versions pruning would delete.  Reads versions and aliases
 * only when there is something to decide.  0, or -1 with err.
 */
int release_plan(struct aws_client *c, const struct manifest_fn *fn,
    const struct deploy_opts *o, int exists, int changed,
    struct release_plan *rp, struct lc_err *err);
void release_plan_release(struct release_plan *rp);

/*
 * Carries out rp once $LATEST (cur) is as lambda.yml has it: publishes
 * (r->version; "$LATEST" when nothing is published), waits for the version,
 * moves the alias, prunes (r->pruned).  Steps go to h.
 */
int release_apply(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_config *cur, const struct deploy_opts *o,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err);

#endif
