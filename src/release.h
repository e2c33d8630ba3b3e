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
#include "lambda-versions.h"
#include "manifest.h"
#include "plan.h"

struct deploy_opts;
struct deploy_hooks;
struct deploy_result;

struct release_plan {
	const char		*alias;		/* deploy_alias(); NULL: none */
	int			 publish;	/* a version is to be published */
	long			 keep;		/* keep_versions; 0: no pruning */
	/* --weight (with an alias), else 0; but with nothing to publish
	 * and the alias's canary on the newest version (at), that canary's
	 * weight as it stays. */
	int			 weight;
	/* Nothing to publish: the newest version, which the alias already
	 * serves as asked (a deploy with nothing changed); else NULL. */
	char			*at;
	/* The alias as read (with --weight, or when nothing changed): its
	 * version and RevisionId; NULL when not read or missing. */
	char			*alias_version;
	char			*alias_revision;
	/* The versions pruning would delete, as the plan sees them. */
	char			**prune;
	size_t			 nprune;
	/* What plan shows (and deploy would do), plan.h's lines: "alias",
	 * "prune.3" ("- version 3 (keep_versions 2)"). */
	struct plan_line	*lines;
	size_t			 nlines;
};

/*
 * Plans the release of fn (remote: what Lambda has, NULL when the function
 * is still to be created; changed: deploy changes it): whether a version
 * is published, where the alias goes, which versions pruning would delete.
 * Reads versions and aliases only when there is something to decide: with
 * keep_versions, with --weight (the alias must exist: an error otherwise),
 * and with an alias when nothing changed (publishing nothing when the alias
 * serves the newest version already, and it has $LATEST's code and
 * configuration: one more read, of that version's).  0, or -1 with err.
 */
int release_plan(struct aws_client *c, const struct manifest_fn *fn,
    const struct deploy_opts *o, const struct lambda_config *remote,
    int changed, struct release_plan *rp, struct lc_err *err);
void release_plan_release(struct release_plan *rp);

/*
 * With --weight, the version the alias keeps serving (1 - weight of the
 * invokes) once version goes in as its canary; NULL when the alias moves
 * wholly to version (no weight, or version is the alias's own already).
 */
const char *release_stays(const struct release_plan *rp, const char *version);

/*
 * Carries out rp once $LATEST (cur) is as lambda.yml has it: publishes
 * (r->version; "$LATEST" when nothing is published), waits until the
 * version is Active when PublishVersion said otherwise (SnapStart; at most
 * o->wait_timeout, the reason on Failed), then moves the alias: wholly, or
 * with --weight the new version as its canary; with the RevisionId the
 * plan read, if it read the alias, so that an alias changed since fails
 * with "alias NAME changed since the plan ...".  Steps go to h.
 */
int release_apply(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_config *cur, const struct deploy_opts *o,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err);

/*
 * Once the deploy is done (release_apply, then the triggers): deletes
 * the versions past rp->keep by release_prune_choose on the versions and
 * aliases read now, oldest first, into r->pruned.  Sends nothing without
 * keep_versions, nor when nothing was published and the plan found
 * nothing to delete.  A failure says the deploy itself succeeded.
 */
int release_prune(struct aws_client *c, const struct manifest_fn *fn,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err);

/* ---- pure, for unit tests ---- */

/*
 * Which of the published versions v (oldest first) pruning to keep
 * deletes: all but the newest keep, never one an alias of a points at
 * (its version or its routing's extra_version), never new_version (the
 * version just published, or to be published; NULL: none), which when it
 * is not among v counts as the newest, taking one of the keep places.
 * Returns indexes into v, oldest first, *n of them (NULL when none: keep
 * < 1 deletes nothing); the caller frees the array.
 */
size_t *release_prune_choose(const struct lambda_version *v, size_t nv,
    const struct lambda_alias *a, size_t na, long keep,
    const char *new_version, size_t *n);

#endif
