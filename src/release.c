/*
 * release.c - what follows a deploy's change to $LATEST: publish a version,
 * wait until it is Active, move the alias (wholly, or a canary's weight),
 * prune the versions past keep_versions.  The plan reads versions and
 * aliases only when they decide something, so that a deploy with nothing
 * to do sends no more than it did before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deploy.h"
#include "fnsettings.h"
#include "release.h"
#include "xmalloc.h"

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* A line of the plan (plan.h), its text given. */
#define LINEF(rp, a, field, from, to, ...) \
	plan_linef(&(rp)->lines, &(rp)->nlines, (a), (field), (from), (to), \
	    __VA_ARGS__)

/* Whether version is one an alias of a points at, canaries included. */
static int
aliased(const struct lambda_alias *a, size_t na, const char *version)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (same(a[i].version, version) ||
		    same(a[i].extra_version, version))
			return 1;
	return 0;
}

size_t *
release_prune_choose(const struct lambda_version *v, size_t nv,
    const struct lambda_alias *a, size_t na, long keep,
    const char *new_version, size_t *n)
{
	size_t *out = NULL, i, kept_from, slots;

	*n = 0;
	if (keep < 1)
		return NULL;
	slots = (size_t)keep;
	if (new_version != NULL) {
		for (i = 0; i < nv; i++)
			if (same(v[i].version, new_version))
				break;
		if (i == nv)
			slots--;	/* the new one is the newest */
	}
	/* v[kept_from..nv) are the newest that stay. */
	kept_from = nv > slots ? nv - slots : 0;
	for (i = 0; i < kept_from; i++) {
		if (same(v[i].version, new_version) ||
		    aliased(a, na, v[i].version))
			continue;
		out = xrealloc(out, (*n + 1) * sizeof *out);
		out[(*n)++] = i;
	}
	return out;
}

const char *
release_stays(const struct release_plan *rp, const char *version)
{
	if (rp->weight == 0 || rp->alias_version == NULL ||
	    same(rp->alias_version, version))
		return NULL;
	return rp->alias_version;
}

/* What the plan reads: the versions, the aliases (or just the one). */
struct reads {
	struct lambda_version	*v;
	size_t			 nv;
	struct lambda_alias	*a;
	size_t			 na;
	struct lambda_alias	 one;	/* GetAlias's, without keep */
	const struct lambda_alias *cur;	/* rp->alias's; NULL: none */
};

static void
reads_release(struct reads *rd)
{
	lambda_versions_release(rd->v, rd->nv);
	lambda_aliases_release(rd->a, rd->na);
	lambda_alias_release(&rd->one);
	memset(rd, 0, sizeof *rd);
}

static int
no_alias(const struct release_plan *rp, struct lc_err *err)
{
	return lc_error(err, LC_EFAIL, "alias %s does not exist: --weight "
	    "needs it on a version to stay on (deploy --alias %s first)",
	    rp->alias, rp->alias);
}

/* With --weight, the alias read (cur; NULL: none) must be on a published
 * version, which it stays on. */
static int
canary_base(const struct release_plan *rp, const struct lambda_alias *cur,
    struct lc_err *err)
{
	if (rp->weight == 0)
		return 0;
	if (cur == NULL)
		return no_alias(rp, err);
	if (lambda_version_number(cur->version, NULL) == -1)
		return lc_error(err, LC_EFAIL, "alias %s points at %s, not a "
		    "published version: --weight needs one to stay on (deploy "
		    "--alias %s first)", rp->alias, cur->version, rp->alias);
	return 0;
}

/*
 * Reads what the release of fn depends on: with keep, every alias; else
 * with --weight or nothing changed, the alias.  With --weight, refuses an
 * alias missing or on $LATEST then (canary_base).  Then with keep, or
 * nothing changed and the alias there, the versions, to see whether it
 * serves the newest.  Nothing otherwise.
 */
static int
read_state(struct aws_client *c, const struct manifest_fn *fn,
    const struct release_plan *rp, int changed, struct reads *rd,
    struct lc_err *err)
{
	size_t i;
	int r;

	if (rp->keep > 0) {
		if (lambda_list_aliases(c, fn->name, &rd->a, &rd->na,
		    err) == -1)
			return -1;
		for (i = 0; i < rd->na; i++)
			if (same(rd->a[i].name, rp->alias))
				rd->cur = &rd->a[i];
	} else if (rp->alias != NULL) {
		/* Always: its RevisionId guards the move against a change
		 * made meanwhile (a rollback during a SnapStart wait). */
		if ((r = lambda_get_alias(c, fn->name, rp->alias, &rd->one,
		    err)) == -1)
			return -1;
		if (r == 1)
			rd->cur = &rd->one;
	}
	if (canary_base(rp, rd->cur, err) == -1)
		return -1;
	if (rp->keep > 0 || (rp->alias != NULL && !changed &&
	    rd->cur != NULL))
		return lambda_list_versions(c, fn->name, &rd->v, &rd->nv,
		    err);
	return 0;
}

/* The percentage of the invokes alias a gives its canary. */
static int
canary_pct(const struct lambda_alias *a)
{
	int pct = (int)(a->extra_weight * 100 + 0.5);

	return pct > 0 ? pct : 1;	/* under 0.5%: still a canary */
}

/*
 * Whether alias a serves version (the newest, which publishing would give
 * back: nothing to publish) as asked already.  Without a weight, a canary
 * in progress on that version is left as it is: ending one is promote's
 * (or rollback's) business, not that of a deploy that changes nothing.
 */
static int
alias_done(const struct lambda_alias *a, const char *version, int weight)
{
	if (same(a->version, version) && a->extra_version == NULL)
		return 1;	/* wholly: nothing left for a canary either */
	if (!same(a->extra_version, version))
		return 0;
	return weight == 0 || canary_pct(a) == weight;
}

/* The line saying where the alias goes; version NULL: a new one. */
static void
alias_line(struct release_plan *rp, const struct lambda_alias *cur,
    const char *version)
{
	char pct[16] = "";

	if (rp->weight > 0)
		snprintf(pct, sizeof pct, " (%d%%)", rp->weight);
	if (version == NULL)
		LINEF(rp, PLAN_ADD, "alias", plan_str(cur != NULL ?
		    cur->version : NULL), plan_str("new"), "+ publish a "
		    "version, alias %s -> new%s", rp->alias, pct);
	else
		LINEF(rp, cur != NULL ? PLAN_CHANGE : PLAN_ADD, "alias",
		    plan_str(cur != NULL ? cur->version : NULL),
		    plan_str(version), "%c alias %s -> %s%s", cur != NULL ?
		    '~' : '+', rp->alias, version, pct);
}

/*
 * The prune lines: release_prune_choose on what was read, the aliases as
 * they will be once the release is done (ours on the version to be
 * published, "new" when it is not one yet).
 */
static void
plan_prune(struct release_plan *rp, const struct reads *rd,
    const char *version)
{
	struct lambda_alias *after = NULL;
	char fresh[] = "new", field[64];
	size_t i, n, *del;

	if (rp->publish && version == NULL)
		version = fresh;
	if (rd->na > 0) {
		after = xcalloc(rd->na, sizeof *after);
		memcpy(after, rd->a, rd->na * sizeof *after);
	}
	if (rp->publish && rd->cur != NULL) {
		struct lambda_alias *ours = &after[rd->cur - rd->a];

		if (release_stays(rp, version) != NULL)
			ours->extra_version = (char *)version;
		else {
			ours->version = (char *)version;
			ours->extra_version = NULL;
		}
	}
	del = release_prune_choose(rd->v, rd->nv, after, rd->na, rp->keep,
	    rp->publish ? version : NULL, &n);
	for (i = 0; i < n; i++) {
		const char *ver = rd->v[del[i]].version;

		rp->prune = xrealloc(rp->prune, (rp->nprune + 1) *
		    sizeof *rp->prune);
		rp->prune[rp->nprune++] = xstrdup(ver);
		snprintf(field, sizeof field, "prune.%s", ver);
		LINEF(rp, PLAN_REMOVE, field, plan_str(ver), plan_none(),
		    "- version %s (keep_versions %ld)", ver, rp->keep);
	}
	free(del);
	free(after);
}

/*
 * Whether publishing $LATEST (remote, as lambda.yml has it) would give
 * back version v: Lambda publishes anew when the code or the
 * configuration changed since.  The code is in the listing; the
 * configuration takes one read of the version's.  1, 0, or -1 with err.
 */
static int
publish_gives(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_version *v, const struct lambda_config *remote,
    struct lc_err *err)
{
	struct lambda_config cfg;
	int r;

	if (!same(v->code_sha256, remote->code_sha256))
		return 0;
	if (lambda_get_version(c, fn->name, v->version, &cfg, err) == -1) {
		if (!lc_error_is(err, "ResourceNotFoundException"))
			return -1;
		lc_error_clear(err);	/* pruned meanwhile: publish */
		return 0;
	}
	r = fnset_config_differs(&cfg, remote) == NULL;
	lambda_config_release(&cfg);
	return r;
}

int
release_plan(struct aws_client *c, const struct manifest_fn *fn,
    const struct deploy_opts *o, const struct lambda_config *remote,
    int changed, struct release_plan *rp, struct lc_err *err)
{
	struct reads rd = { 0 };
	const char *newest = NULL;	/* what publishing would give back */
	int r;

	memset(rp, 0, sizeof *rp);
	rp->alias = deploy_alias(o, fn);
	rp->weight = rp->alias != NULL ? o->weight : 0;
	rp->keep = o->keep_versions > 0 ? o->keep_versions :
	    fn->keep_versions;
	rp->publish = o->publish || rp->alias != NULL;
	if (remote == NULL) {		/* to be created: nothing to read */
		if (rp->weight > 0)
			return no_alias(rp, err);
		if (rp->alias != NULL)
			alias_line(rp, NULL, NULL);
		return 0;
	}
	if (read_state(c, fn, rp, changed, &rd, err) == -1)
		goto fail;
	if (rd.cur != NULL) {
		rp->alias_version = xstrdup(rd.cur->version);
		if (rd.cur->revision_id != NULL)
			rp->alias_revision = xstrdup(rd.cur->revision_id);
	}
	/* Nothing changed since the newest version: publishing gives it. */
	if (rp->publish && !changed && rd.nv > 0) {
		if ((r = publish_gives(c, fn, &rd.v[rd.nv - 1], remote,
		    err)) == -1)
			goto fail;
		if (r == 1)
			newest = rd.v[rd.nv - 1].version;
	}
	if (rp->alias != NULL && newest != NULL && rd.cur != NULL &&
	    alias_done(rd.cur, newest, rp->weight)) {
		rp->publish = 0;
		rp->at = xstrdup(newest);
		if (same(rd.cur->extra_version, newest))
			rp->weight = canary_pct(rd.cur);	/* as it is */
	} else if (rp->alias != NULL)
		alias_line(rp, rd.cur, newest);
	if (rp->keep > 0)
		plan_prune(rp, &rd, newest);
	reads_release(&rd);
	return 0;
fail:
	reads_release(&rd);
	release_plan_release(rp);
	return -1;
}

void
release_plan_release(struct release_plan *rp)
{
	size_t i;

	plan_lines_free(rp->lines, rp->nlines);
	for (i = 0; i < rp->nprune; i++)
		free(rp->prune[i]);
	free(rp->prune);
	free(rp->at);
	free(rp->alias_version);
	free(rp->alias_revision);
	memset(rp, 0, sizeof *rp);
}

static void
step(const struct deploy_hooks *h, const char *fn, const char *what)
{
	if (h != NULL && h->step != NULL)
		h->step(h->arg, fn, what);
}

/* Stage st of deploy.h begins. */
static void
stage(const struct deploy_hooks *h, const char *fn, enum deploy_stage st,
    const char *detail)
{
	if (h != NULL && h->stage != NULL)
		h->stage(h->arg, fn, st, detail);
}

/* What the version's wait tells its on_change. */
struct wait_ui {
	const struct deploy_hooks	*h;
	const char			*fn;
	const char			*version;
};

static void
on_version(void *arg, const char *state, const char *update)
{
	const struct wait_ui *u = arg;
	char what[160];

	(void)update;
	snprintf(what, sizeof what, "version %s: State %s", u->version,
	    state != NULL ? state : "-");
	step(u->h, u->fn, what);
}

/* Appends text to err's message, as far as it fits. */
static void
err_append(struct lc_err *err, const char *text)
{
	size_t len = strlen(err->msg);

	snprintf(err->msg + len, sizeof err->msg - len, "%s", text);
}

/*
 * PublishVersion, then (its State not Active: SnapStart makes the
 * snapshot, any version may be Pending a while) the wait for the version.
 */
static int
publish(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_config *cur, const struct deploy_opts *o,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err)
{
	struct wait_ui u = { h, fn->name, NULL };
	char *state = NULL, what[160];
	int ret = 0;

	stage(h, fn->name, DEPLOY_STAGE_PUBLISH, NULL);
	step(h, fn->name, "publishing a version");
	if (lambda_publish_version(c, fn->name, cur->code_sha256,
	    cur->revision_id, NULL, &r->version, &state, err) == -1)
		return -1;
	r->done |= DEPLOY_DID_PUBLISH;
	stage(h, fn->name, DEPLOY_STAGE_PUBLISHED, r->version);
	if (state != NULL && strcmp(state, "Active") != 0) {
		stage(h, fn->name, DEPLOY_STAGE_WAIT, r->version);
		u.version = r->version;
		snprintf(what, sizeof what, "waiting for version %s to be "
		    "Active (State %s)", r->version, state);
		step(h, fn->name, what);
		ret = lambda_wait_version(c, fn->name, r->version,
		    o->wait_timeout, o->stop, on_version, &u, err);
		if (ret == -1 && rp->alias != NULL) {
			snprintf(what, sizeof what, " (alias %s not moved)",
			    rp->alias);
			err_append(err, what);
		}
	}
	free(state);
	return ret;
}

/*
 * Points the alias at version (extra_version getting the weight, when
 * set), with the RevisionId the plan read when it read one: an alias
 * moved since (an operator's rollback during a long SnapStart wait), or
 * deleted, fails the move rather than being overwritten.
 */
static int
move_alias(struct aws_client *c, const struct manifest_fn *fn,
    const struct release_plan *rp, const char *version,
    const char *extra_version, struct lc_err *err)
{
	if (lambda_put_alias(c, fn->name, rp->alias, version, extra_version,
	    rp->weight / 100.0, rp->alias_revision, NULL, err) == 0)
		return 0;
	if (rp->alias_revision != NULL &&
	    (lc_error_is(err, "PreconditionFailedException") ||
	    lc_error_is(err, "ResourceNotFoundException")))
		lc_error_prefix(err, "alias %s changed since the plan, so it "
		    "was not moved to version %s", rp->alias,
		    extra_version != NULL ? extra_version : version);
	return -1;
}

int
release_apply(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_config *cur, const struct deploy_opts *o,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err)
{
	const char *stays;
	char what[160];

	if (!rp->publish) {
		r->version = xstrdup("$LATEST");
		return 0;
	}
	if (publish(c, fn, cur, o, rp, h, r, err) == -1)
		return -1;
	if (rp->alias == NULL)
		return 0;
	if (o->stop != NULL && *o->stop)
		return lc_error_interrupted(err, *o->stop);
	stage(h, fn->name, DEPLOY_STAGE_ALIAS, rp->alias);
	if ((stays = release_stays(rp, r->version)) != NULL) {
		snprintf(what, sizeof what, "giving version %s %d%% of alias "
		    "%s (the rest stays on %s)", r->version, rp->weight,
		    rp->alias, stays);
		step(h, fn->name, what);
		if (move_alias(c, fn, rp, stays, r->version, err) == -1)
			return -1;
	} else {
		snprintf(what, sizeof what, "moving alias %s to version %s",
		    rp->alias, r->version);
		step(h, fn->name, what);
		if (move_alias(c, fn, rp, r->version, NULL, err) == -1)
			return -1;
	}
	r->done |= DEPLOY_DID_ALIAS;
	return 0;
}

/*
 * Deletes v's versions at del (n of them), each into r->pruned.  One that
 * an alias was moved onto since the listing (Lambda answers
 * ResourceConflictException) is kept, one deleted meanwhile
 * (ResourceNotFoundException) is gone: a step line each, and on.
 */
static int
delete_versions(struct aws_client *c, const struct manifest_fn *fn,
    const struct lambda_version *v, const size_t *del, size_t n,
    const struct deploy_hooks *h, struct deploy_result *r,
    struct lc_err *err)
{
	const char *ver;
	char what[96];
	size_t i;

	for (i = 0; i < n; i++) {
		ver = v[del[i]].version;
		snprintf(what, sizeof what, "deleting version %s", ver);
		step(h, fn->name, what);
		if (lambda_delete_version(c, fn->name, ver, err) == -1) {
			if (lc_error_is(err, "ResourceConflictException"))
				snprintf(what, sizeof what, "version %s is in "
				    "use or busy now (ResourceConflictException):"
				    " kept", ver);
			else if (lc_error_is(err,
			    "ResourceNotFoundException"))
				snprintf(what, sizeof what, "version %s is "
				    "gone already", ver);
			else
				return lc_error_prefix(err, "version %s",
				    ver);
			lc_error_clear(err);
			step(h, fn->name, what);
			continue;
		}
		r->pruned = xrealloc(r->pruned, (r->npruned + 1) *
		    sizeof *r->pruned);
		r->pruned[r->npruned++] = xstrdup(ver);
	}
	return 0;
}

/* "the deploy itself succeeded (version 4, alias live; pruned 1, 2)". */
static void
pruning_failed(const struct release_plan *rp, const struct deploy_result *r,
    struct lc_err *err)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (rp->publish) {
		buf_addf(&b, " (version %s", r->version);
		if (rp->alias != NULL)
			buf_addf(&b, ", alias %s", rp->alias);
	}
	for (i = 0; i < r->npruned; i++)
		buf_addf(&b, "%s%s", i > 0 ? ", " : b.len > 0 ?
		    "; pruned " : " (pruned ", r->pruned[i]);
	if (b.len > 0)
		buf_addch(&b, ')');
	lc_error_prefix(err, "the deploy itself succeeded%s, but pruning "
	    "failed", b.len > 0 ? b.data : "");
	buf_release(&b);
}

int
release_prune(struct aws_client *c, const struct manifest_fn *fn,
    const struct release_plan *rp, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err)
{
	struct lambda_version *v = NULL;
	struct lambda_alias *a = NULL;
	size_t nv = 0, na = 0, n = 0, *del = NULL;
	int ret = -1;

	if (rp->keep < 1 || (!rp->publish && rp->nprune == 0))
		return 0;
	stage(h, fn->name, DEPLOY_STAGE_PRUNE, NULL);
	step(h, fn->name, "looking for versions to prune");
	/* Now, after the alias moved: who points where has changed. */
	if (lambda_list_versions(c, fn->name, &v, &nv, err) == -1 ||
	    lambda_list_aliases(c, fn->name, &a, &na, err) == -1)
		goto out;
	del = release_prune_choose(v, nv, a, na, rp->keep, rp->publish ?
	    r->version : NULL, &n);
	if ((ret = delete_versions(c, fn, v, del, n, h, r, err)) == 0)
		r->done |= DEPLOY_DID_PRUNE;
out:
	if (ret == -1)
		pruning_failed(rp, r, err);
	free(del);
	lambda_versions_release(v, nv);
	lambda_aliases_release(a, na);
	return ret;
}
