/* deploy.c - plan and apply: compare, create or update, wait, publish. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "deploy.h"
#include "fnsettings.h"
#include "http.h"
#include "lambda-triggers.h"
#include "s3.h"

static int
str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* The plan's lines, built by plan.h. */
#define LINE(p, a, field, from, to) \
	plan_line(&(p)->changes, &(p)->nchanges, (a), (field), (from), (to))
#define LINEF(p, a, field, from, to, ...) \
	plan_linef(&(p)->changes, &(p)->nchanges, (a), (field), (from), \
	    (to), __VA_ARGS__)

/* Comparing by the table of settings: one plan line per difference. */

static void
diff_str(struct deploy_plan *p, const struct fnsetting *s, const char *want,
    const char *have)
{
	if (want == NULL)	/* unset, no default: Lambda's business */
		return;
	if (have == NULL)
		have = fnset_unreported_str(s);
	if (!str_eq(want, have))
		LINE(p, PLAN_CHANGE, s->key, plan_str_or_none(have),
		    plan_str_or_none(want));
}

static void
diff_long(struct deploy_plan *p, const struct fnsetting *s, long want,
    long have)
{
	if (have == 0)
		have = fnset_unreported_long(s);
	if (want != have)
		LINE(p, PLAN_CHANGE, s->key, plan_num(have), plan_num(want));
}

static void
diff_list(struct deploy_plan *p, const struct fnsetting *s,
    char *const *want, size_t nwant, char *const *have, size_t nhave)
{
	size_t i;

	if (nwant == nhave) {
		for (i = 0; i < nwant; i++)
			if (strcmp(want[i], have[i]) != 0)
				break;
		if (i == nwant)
			return;
	}
	LINE(p, PLAN_CHANGE, s->key, plan_list(have, nhave),
	    plan_list(want, nwant));
}

/* Walking two key-sorted maps together: <0 want[i] alone, >0 have[j]
 * alone, 0 both have the key. */
static int
kv_step(const struct manifest_kv *want, size_t i, size_t nwant,
    const struct manifest_kv *have, size_t j, size_t nhave)
{
	if (i == nwant)
		return 1;
	if (j == nhave)
		return -1;
	return strcmp(want[i].key, have[j].key);
}

/* Keys added, removed, changed (both sorted): names only, never values
 * (the environment's are secrets). */
static void
diff_map(struct deploy_plan *p, const struct fnsetting *s,
    const struct manifest_kv *want, size_t nwant,
    const struct manifest_kv *have, size_t nhave)
{
	size_t i = 0, j = 0;
	char *field;
	int c;

	while (i < nwant || j < nhave) {
		c = kv_step(want, i, nwant, have, j, nhave);
		field = xasprintf("%s.%s", s->key, c > 0 ? have[j].key :
		    want[i].key);
		if (c != 0 || strcmp(want[i].value, have[j].value) != 0)
			plan_line_hidden(&p->changes, &p->nchanges,
			    c < 0 ? PLAN_ADD : c > 0 ? PLAN_REMOVE :
			    PLAN_CHANGE, field);
		free(field);
		i += c <= 0;
		j += c >= 0;
	}
}

/* Compares setting s of fn with p->remote, adding a line per difference. */
static void
diff_setting(struct deploy_plan *p, const struct fnsetting *s,
    const struct manifest_fn *fn, const char *role_arn)
{
	const void *r, *nr;
	char *const *list;
	const struct manifest_kv *kv;
	size_t n;

	/* Not read back, or left to Lambda by lambda.yml: not compared. */
	if (s->cfg_off == FNSET_NONE || fnset_unmanaged(s, fn))
		return;
	r = (const char *)&p->remote + s->cfg_off;
	nr = (const char *)&p->remote + s->cfg_count;
	switch (s->type) {
	case FNSET_STRING:
		diff_str(p, s, fnset_str(s, fn, role_arn), *(char *const *)r);
		break;
	case FNSET_LONG:
		diff_long(p, s, fnset_long(s, fn), *(const long *)r);
		break;
	case FNSET_LIST:
		list = fnset_list(s, fn, &n);
		diff_list(p, s, list, n, *(char **const *)r,
		    *(const size_t *)nr);
		break;
	case FNSET_MAP:
		kv = fnset_map(s, fn, &n);
		diff_map(p, s, kv, n, *(struct manifest_kv *const *)r,
		    *(const size_t *)nr);
		break;
	}
}

/* Compares the settings that go with the code (code 1) or with the
 * configuration (code 0), in the table's order. */
static void
compare_settings(const struct manifest_fn *fn, const char *role_arn,
    struct deploy_plan *p, int code)
{
	const struct fnsetting *s;
	size_t i, before = p->nchanges;

	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if ((s->flags & FNSET_CREATE_ONLY) ||
		    ((s->flags & FNSET_CODE) != 0) != code)
			continue;
		diff_setting(p, s, fn, role_arn);
	}
	if (p->nchanges > before)
		*(code ? &p->code_changed : &p->config_changed) = 1;
}

/*
 * Beside the configuration: reserved concurrency, the on-failure
 * destination and tags (struct deploy_extras), each its own API.
 */

/* The value of tag key among the function's (sorted), or NULL. */
static const char *
remote_tag(const struct lambda_config *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i].key, key) == 0)
			return r->tags[i].value;
	return NULL;
}

static void
extras_tag(struct deploy_extras *x, const char *key, const char *value)
{
	x->tag = xrealloc(x->tag, (x->ntag + 1) * sizeof *x->tag);
	x->tag[x->ntag].key = xstrdup(key);
	x->tag[x->ntag++].value = xstrdup(value);
}

static void
extras_untag(struct deploy_extras *x, const char *key)
{
	x->untag = xrealloc(x->untag, (x->nuntag + 1) * sizeof *x->untag);
	x->untag[x->nuntag++] = xstrdup(key);
}

/* None for MANIFEST_NO_CONCURRENCY, else the number. */
static struct plan_value
concurrency_value(long n)
{
	return n == MANIFEST_NO_CONCURRENCY ? plan_none() : plan_num(n);
}

/* lambda.yml's reserved concurrency against have's (the function's, or
 * MANIFEST_NO_CONCURRENCY for one to be created); none when lambda.yml
 * does not set it. */
static void
compare_concurrency(const struct manifest_fn *fn, long have,
    struct deploy_plan *p)
{
	if (fn->reserved_concurrency == MANIFEST_CONCURRENCY_UNSET ||
	    fn->reserved_concurrency == have)
		return;
	LINE(p, PLAN_CHANGE, "reserved_concurrency", concurrency_value(have),
	    concurrency_value(fn->reserved_concurrency));
	p->extras.concurrency_changed = 1;
}

/* The field of on_failure's marker tag. */
#define MARKER_FIELD	"tags." DEPLOY_TAG_ON_FAILURE

/*
 * lambda.yml's on_failure against the destination Lambda has, when it is
 * lambdactl's to keep: lambda.yml names one, or the marker tag says
 * lambdactl set the one there.  The marker goes on whenever lambda.yml
 * names a destination and it is missing (with the destination, or alone
 * on one already there), and comes off once lambda.yml has none.
 */
static void
compare_on_failure(const struct manifest_fn *fn, struct deploy_plan *p)
{
	struct deploy_extras *x = &p->extras;
	const char *have = x->invoke.on_failure;
	int marked = remote_tag(&p->remote, DEPLOY_TAG_ON_FAILURE) != NULL;

	if (!x->invoke_known || (fn->on_failure == NULL && !marked))
		return;
	if ((fn->on_failure == NULL) != (have == NULL) ||
	    (have != NULL && strcmp(fn->on_failure, have) != 0)) {
		LINE(p, PLAN_CHANGE, "on_failure", plan_str(have),
		    plan_str(fn->on_failure));
		x->invoke_changed = 1;
	}
	if (fn->on_failure != NULL && !marked) {
		/* there already: the marker alone */
		if (!x->invoke_changed)
			LINEF(p, PLAN_ADD, MARKER_FIELD, plan_none(),
			    plan_str(""), "+ tag " DEPLOY_TAG_ON_FAILURE);
		extras_tag(x, DEPLOY_TAG_ON_FAILURE, "");
	}
	if (fn->on_failure == NULL) {
		/* gone already: the marker alone */
		if (!x->invoke_changed)
			LINEF(p, PLAN_REMOVE, MARKER_FIELD,
			    plan_str(remote_tag(&p->remote,
			    DEPLOY_TAG_ON_FAILURE)), plan_none(),
			    "- tag " DEPLOY_TAG_ON_FAILURE);
		x->unmark = 1;
	}
}

/* A tag lambda.yml has (want) against the function's (have; NULL: none). */
static void
diff_tag(struct deploy_plan *p, const char *field,
    const struct manifest_kv *want, const struct manifest_kv *have)
{
	if (have == NULL)
		LINE(p, PLAN_ADD, field, plan_none(), plan_str(want->value));
	else if (strcmp(want->value, have->value) != 0)
		LINE(p, PLAN_CHANGE, field, plan_str(have->value),
		    plan_str(want->value));
	else
		return;
	extras_tag(&p->extras, want->key, want->value);
}

/*
 * lambda.yml's tags against the function's, when lambda.yml has tags for
 * it (else they are not lambdactl's: the table's tags row unset), but the
 * reserved ones (manifest_tag_reserved: the triggers' and the markers',
 * AWS's own, which AWS will not let go: never compared) and those whose
 * value holds an unset ${env:} (MANIFEST_DEFER_ENV: not known here).  Tag
 * values are no secrets: plan shows them.
 */
static void
compare_tags(const struct manifest_fn *fn, struct deploy_plan *p)
{
	const struct manifest_kv *want = fn->tags, *have = p->remote.tags;
	size_t i = 0, j = 0, nwant = fn->ntags, nhave = p->remote.ntags;
	char *field;
	int c;

	if (fnset_unset(fnset_find("tags"), fn))
		return;
	while (i < nwant || j < nhave) {
		if (j < nhave && manifest_tag_reserved(have[j].key) != NULL) {
			j++;
			continue;
		}
		c = kv_step(want, i, nwant, have, j, nhave);
		field = xasprintf("tags.%s", c > 0 ? have[j].key :
		    want[i].key);
		if (c > 0) {
			LINE(p, PLAN_REMOVE, field, plan_str(have[j].value),
			    plan_none());
			extras_untag(&p->extras, have[j].key);
		} else if (!manifest_fn_unresolved(fn, field))
			diff_tag(p, field, &want[i], c == 0 ? &have[j] : NULL);
		free(field);
		i += c <= 0;
		j += c >= 0;
	}
}

/* Whether the plan has writes of its extras. */
static int
extras_changed(const struct deploy_extras *x)
{
	return x->concurrency_changed || x->invoke_changed || x->ntag > 0 ||
	    x->nuntag > 0 || x->unmark;
}

static void
extras_release(struct deploy_extras *x)
{
	size_t i;

	lambda_invoke_config_release(&x->invoke);
	for (i = 0; i < x->ntag; i++) {
		free(x->tag[i].key);
		free(x->tag[i].value);
	}
	free(x->tag);
	for (i = 0; i < x->nuntag; i++)
		free(x->untag[i]);
	free(x->untag);
	memset(x, 0, sizeof *x);
}

void
deploy_compare(const struct manifest_fn *fn, const char *role_arn,
    const struct package_result *pkg, const struct deploy_opts *o,
    struct deploy_plan *p)
{
	const struct lambda_config *r = &p->remote;

	if (o->code) {
		compare_settings(fn, role_arn, p, 1);
		if (pkg != NULL && !str_eq(pkg->sha256, r->code_sha256)) {
			LINE(p, PLAN_CHANGE, "code", plan_str(r->code_sha256),
			    plan_str(pkg->sha256));
			p->code_changed = 1;
		}
	}
	if (o->config)
		compare_settings(fn, role_arn, p, 0);
	if (o->config && p->extras.known) {
		compare_concurrency(fn, r->reserved_concurrency, p);
		compare_on_failure(fn, p);
		compare_tags(fn, p);
	}
}

/* Where the code goes in S3, when fn has s3_bucket and code is sent. */
static void
plan_s3(const struct manifest_fn *fn, const struct package_result *pkg,
    struct deploy_plan *p)
{
	char hex[SHA256_HEX_LEN + 1], *name;

	if (fn->s3_bucket == NULL || pkg == NULL || !p->code_changed)
		return;
	package_sha256_hex(pkg, hex);
	name = package_s3_name(fn);
	p->s3_key = s3_artifact_key(fn->s3_prefix, name, hex);
	free(name);
}

/* The triggers as lambda.yml has them against what fn's function has. */
static void
triggers_fn_init(struct triggers_fn *t, const struct aws_client *c,
    const struct manifest_fn *fn, const char *role_arn,
    const struct lambda_config *have, const struct deploy_opts *o)
{
	t->fn = fn;
	t->region = c->region;
	t->role_arn = role_arn;
	t->arn = have != NULL ? have->arn : NULL;
	t->qualifier = deploy_alias(o, fn);
	t->tags = have != NULL ? have->tags : NULL;
	t->ntags = have != NULL ? have->ntags : 0;
}

/* Plans the triggers (reads them when the function exists); their lines
 * join the plan's changes. */
static int
plan_triggers(struct aws_client *c, const struct deploy_opts *o,
    struct deploy_plan *p, struct lc_err *err)
{
	struct triggers_fn t;
	if (!o->config)
		return 0;
	triggers_fn_init(&t, c, p->fn, p->role_arn, p->exists ? &p->remote :
	    NULL, o);
	if (triggers_plan(c, &t, &p->triggers, err) == -1)
		return -1;
	plan_lines_append(&p->changes, &p->nchanges, p->triggers.lines,
	    p->triggers.nlines);
	return 0;
}

const char *
deploy_alias(const struct deploy_opts *o, const struct manifest_fn *fn)
{
	return o->alias != NULL ? o->alias : fn->alias;
}

/*
 * Plans publishing, the alias and pruning; their lines join the plan's.
 * Only the code and the configuration are what a version holds: the
 * triggers, tags, concurrency and destination are the function's, and a
 * change to them alone publishes nothing new.
 */
static int
plan_release(struct aws_client *c, const struct deploy_opts *o,
    struct deploy_plan *p, struct lc_err *err)
{
	if (release_plan(c, p->fn, o, p->exists ? &p->remote : NULL,
	    p->code_changed || p->config_changed, &p->release, err) == -1)
		return -1;
	plan_lines_append(&p->changes, &p->nchanges, p->release.lines,
	    p->release.nlines);
	return 0;
}

/*
 * Reads the function's asynchronous invocation configuration when its
 * on-failure destination is lambdactl's to keep (lambda.yml names one, or
 * the marker tag is there): one GET, and none for any other function.
 */
static int
read_invoke(struct aws_client *c, struct deploy_plan *p, struct lc_err *err)
{
	struct deploy_extras *x = &p->extras;

	lambda_invoke_config_init(&x->invoke);
	if (p->fn->on_failure == NULL &&
	    remote_tag(&p->remote, DEPLOY_TAG_ON_FAILURE) == NULL)
		return 0;
	if (lambda_get_invoke_config(c, p->fn->name, &x->invoke, err) == -1)
		return -1;
	x->invoke_known = 1;
	return 0;
}

/* The extras of a function to be created: its tags go with
 * CreateFunction, its concurrency and destination are set after. */
static void
plan_extras_new(struct deploy_plan *p)
{
	lambda_invoke_config_init(&p->extras.invoke);
	p->extras.known = p->extras.invoke_known = 1;
	compare_concurrency(p->fn, MANIFEST_NO_CONCURRENCY, p);
	compare_on_failure(p->fn, p);
}

int
deploy_plan(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const struct package_result *pkg,
    const struct deploy_opts *o, struct deploy_plan *p, struct lc_err *err)
{
	int found;

	memset(p, 0, sizeof *p);
	p->fn = fn;
	p->role_arn = role_arn;
	p->pkg = pkg;
	if ((found = lambda_get_function(c, fn->name, &p->remote, err)) == -1)
		return lc_error_prefix(err, "%s", fn->name);
	p->exists = found;
	if (!p->exists) {
		if (o->mode == DEPLOY_UPDATE)
			return lc_error(err, LC_EFAIL, "%s: no such function "
			    "(create it with 'lambdactl new' or 'lambdactl "
			    "deploy')", fn->name);
		if (pkg == NULL)
			return lc_error(err, LC_EFAIL, "%s: no such function, "
			    "and --config-only cannot create one", fn->name);
		LINEF(p, PLAN_ADD, "create", plan_absent(), plan_absent(),
		    "+ create (%s, %ld MB, %ld s, %s, "
		    "code %s)", fn->runtime, fn->memory, fn->timeout,
		    fn->architecture, pkg->sha256);
		p->code_changed = p->config_changed = 1;
		plan_extras_new(p);
		plan_s3(fn, pkg, p);
		return plan_triggers(c, o, p, err) == -1 ||
		    plan_release(c, o, p, err) == -1 ?
		    lc_error_prefix(err, "%s", fn->name) : 0;
	}
	if (o->mode == DEPLOY_CREATE)
		return lc_error(err, LC_EFAIL, "%s: the function already "
		    "exists (change it with 'lambdactl update' or 'lambdactl "
		    "deploy')", fn->name);
	if (o->config) {
		p->extras.known = 1;
		if (read_invoke(c, p, err) == -1)
			return lc_error_prefix(err, "%s", fn->name);
	}
	deploy_compare(fn, role_arn, pkg, o, p);
	plan_s3(fn, pkg, p);
	return plan_triggers(c, o, p, err) == -1 ||
	    plan_release(c, o, p, err) == -1 ?
	    lc_error_prefix(err, "%s", fn->name) : 0;
}

void
deploy_plan_release(struct deploy_plan *p)
{
	plan_lines_free(p->changes, p->nchanges);
	free(p->s3_key);
	triggers_plan_release(&p->triggers);
	release_plan_release(&p->release);
	extras_release(&p->extras);
	lambda_config_release(&p->remote);
	memset(p, 0, sizeof *p);
}

struct ui {
	const struct deploy_hooks	*h;
	const char			*fn;
	unsigned			*done;	/* enum deploy_did */
};

static void
step(const struct ui *u, const char *what)
{
	if (u->h != NULL && u->h->step != NULL)
		u->h->step(u->h->arg, u->fn, what);
}

/* Stage st begins (and its line for people, what, when not NULL). */
static void
stage(const struct ui *u, enum deploy_stage st, const char *detail,
    const char *what)
{
	if (u->h != NULL && u->h->stage != NULL)
		u->h->stage(u->h->arg, u->fn, st, detail);
	if (what != NULL)
		step(u, what);
}

/* A signal asked us to stop (o->stop): -1 with err, before a step. */
static int
stopping(const struct deploy_opts *o, struct lc_err *err)
{
	if (o->stop == NULL || !*o->stop)
		return 0;
	return lc_error_interrupted(err, *o->stop);
}

static void
on_progress(void *arg, uint64_t sent, uint64_t total)
{
	const struct ui *u = arg;

	if (u->h != NULL && u->h->progress != NULL)
		u->h->progress(u->h->arg, u->fn, sent, total);
}

static void
on_change(void *arg, const char *state, const char *update)
{
	char what[160];

	snprintf(what, sizeof what, "State %s, LastUpdateStatus %s",
	    state != NULL ? state : "-", update != NULL ? update : "-");
	step(arg, what);
}

/* The runner's table of S3 objects put by its jobs (struct deploy_runner's
 * puts), so that under -j one object goes up once. */
enum put_state { PUT_RUNNING, PUT_DONE, PUT_FAILED };

struct s3_put {
	char		*where;		/* "REGION BUCKET KEY" */
	const char	*by;		/* the function putting it */
	enum put_state	 state;
	struct s3_put	*next;
};

static int put_claim(struct deploy_runner *, const char *, const struct ui *,
    const volatile sig_atomic_t *, struct lc_err *);
static void put_release(struct deploy_runner *, const char *, int);

/*
 * Puts the code in S3 when the plan says so (once per apply: *done), in
 * the function's region, the progress bar fed; *s3 then names it.  Under
 * deploy_run, an object another job has put (or is putting: this one
 * waits) is not sent again, not even a HEAD.
 * --endpoint-url is Lambda's: S3 takes its own (AWS_ENDPOINT_URL_S3).
 */
static int
put_s3(struct aws_client *c, const struct deploy_plan *p, const struct ui *u,
    const struct deploy_opts *o, struct lambda_s3_code *s3, int *done,
    struct lc_err *err)
{
	struct s3_upload_opts so = { .http = o->http, .progress = on_progress,
	    .progress_arg = (void *)u, .stop = o->stop };
	struct aws_client sc = *c;
	char hex[65], what[128], *where;
	int r;

	s3->bucket = p->fn->s3_bucket;
	s3->key = p->s3_key;
	if (*done)
		return 0;
	where = xasprintf("%s %s %s", c->region != NULL ? c->region : "",
	    p->fn->s3_bucket, p->s3_key);
	if ((r = put_claim(o->runner, where, u, o->stop, err)) == 1) {
		package_sha256_hex(p->pkg, hex);
		snprintf(what, sizeof what, "putting the code in s3://%s/",
		    p->fn->s3_bucket);
		stage(u, DEPLOY_STAGE_UPLOAD, NULL, what);
		sc.endpoint_flag = NULL;
		r = s3_put_file(&sc, p->fn->s3_bucket, p->s3_key, p->pkg->path,
		    hex, &so, err);
		put_release(o->runner, where, r != -1);
		if (r == 0)
			step(u, "the code is in S3 already");
	}
	free(where);
	if (r == -1)
		return -1;
	if (r == 1)
		*u->done |= DEPLOY_DID_UPLOAD;	/* this job put it */
	if (stopping(o, err) == -1)
		return -1;
	*done = 1;
	return 0;
}

/* Waits for the function to settle; *cfg becomes the last state seen. */
static int
settle(struct aws_client *c, const struct ui *u, const struct deploy_opts *o,
    struct lambda_config *cfg, struct lc_err *err)
{
	lambda_config_release(cfg);
	stage(u, DEPLOY_STAGE_WAIT, NULL, NULL);
	return lambda_wait(c, u->fn, o->wait_timeout, o->poll_ms, o->stop,
	    on_change, (void *)u, cfg, err);
}

/*
 * Whether another client's change got in the way: an update it started
 * after our GetFunction (ResourceConflictException), or one it finished
 * (our RevisionId is stale: PreconditionFailedException).
 */
static int
conflict(const struct lc_err *err)
{
	return lc_error_is(err, "ResourceConflictException") ||
	    lc_error_is(err, "PreconditionFailedException");
}

enum update_what { UPDATE_CODE, UPDATE_CONFIG };

/*
 * Code from S3: Lambda must have deployed the package itself; else the
 * object under our content-addressed key is someone else's.
 */
static int
check_s3_code(const struct deploy_plan *p, const struct lambda_config *cur,
    struct lc_err *err)
{
	if (p->s3_key == NULL || str_eq(cur->code_sha256, p->pkg->sha256))
		return 0;
	return lc_error(err, LC_EFAIL, "s3://%s/%s: Lambda deployed code "
	    "with CodeSha256 %s, not the package's %s (another object under "
	    "this key?)", p->fn->s3_bucket, p->s3_key,
	    cur->code_sha256 != NULL ? cur->code_sha256 : "(none)",
	    p->pkg->sha256);
}

/*
 * Updates the code or the configuration and waits for it; after a conflict
 * with another client, waits for the function to settle (which refreshes
 * cur's RevisionId) and tries once more.
 */
static int
update(struct aws_client *c, const struct deploy_plan *p, const struct ui *u,
    const struct deploy_opts *o, struct lambda_config *cur,
    enum update_what what, struct lc_err *err)
{
	struct lambda_s3_code s3;
	int tries, r, put = 0;

	for (tries = 0;; tries++) {
		if (what == UPDATE_CODE && p->s3_key != NULL) {
			if (put_s3(c, p, u, o, &s3, &put, err) == -1)
				return -1;
			stage(u, DEPLOY_STAGE_CODE, NULL, NULL);
		}
		if (what == UPDATE_CODE)
			r = lambda_update_code(c, p->fn, p->pkg->path,
			    p->s3_key != NULL ? &s3 : NULL, cur->revision_id,
			    on_progress, (void *)u, NULL, err);
		else
			r = lambda_update_config(c, p->fn, p->role_arn,
			    cur->revision_id, NULL, err);
		if (r == 0)
			*u->done |= what == UPDATE_CODE ? DEPLOY_DID_CODE :
			    DEPLOY_DID_CONFIG;
		if (r == 0)
			return settle(c, u, o, cur, err) == -1 ||
			    (what == UPDATE_CODE && check_s3_code(p, cur,
			    err) == -1) ? -1 : 0;
		if (tries > 0 || !conflict(err))
			return -1;
		lc_error_clear(err);
		if (stopping(o, err) == -1)
			return -1;
		step(u, "another update got in the way; waiting for it");
		if (settle(c, u, o, cur, err) == -1)
			return -1;
	}
}

int
deploy_check_existing(const struct manifest_fn *fn, const char *role_arn,
    const struct package_result *pkg, const struct lambda_config *have,
    struct lc_err *err)
{
	struct deploy_opts all = { .code = 1, .config = 1 };
	struct deploy_plan q;
	struct buf b = BUF_INIT;
	size_t i;

	memset(&q, 0, sizeof q);
	q.remote = *have;	/* borrowed: never released here */
	deploy_compare(fn, role_arn, pkg, &all, &q);
	if (q.nchanges == 0)
		return 0;
	for (i = 0; i < q.nchanges; i++)
		buf_addf(&b, "%s%s", i ? "; " : "", q.changes[i].text);
	plan_lines_free(q.changes, q.nchanges);
	lc_error(err, LC_EFAIL, "CreateFunction: the function already exists, "
	    "not as lambda.yml has it (%s): change it with 'lambdactl update' "
	    "or 'lambdactl deploy'", b.data);
	buf_release(&b);
	return -1;
}

/*
 * CreateFunction said the function exists.  After a retry that is likely
 * our own first attempt, which Lambda applied before failing with a 5xx:
 * when what exists is exactly what fn would have created, carry on with it
 * (cur is its configuration); otherwise say what differs.
 */
static int
adopt(struct aws_client *c, const struct deploy_plan *p, const struct ui *u,
    struct lambda_config *cur, struct lc_err *err)
{
	struct lc_err conflict_err = *err;
	int r;

	lambda_config_release(cur);
	lc_error_clear(err);
	if ((r = lambda_get_function(c, p->fn->name, cur, err)) == -1)
		return -1;
	if (r == 0) {
		/* Gone again: the conflict is all there is to say. */
		*err = conflict_err;
		return -1;
	}
	if (deploy_check_existing(p->fn, p->role_arn, p->pkg, cur, err) == -1)
		return -1;
	step(u, "it exists already, as lambda.yml has it (an earlier "
	    "attempt created it)");
	return 0;
}

static int
busy(const struct lambda_config *cfg)
{
	return str_eq(cfg->state, "Pending") ||
	    str_eq(cfg->last_update_status, "InProgress");
}

/* Creates the function and waits until it is Active; *cur becomes what
 * Lambda has. */
static int
apply_create(struct aws_client *c, const struct deploy_plan *p,
    const struct ui *u, const struct deploy_opts *o, struct lambda_config *cur,
    struct lc_err *err)
{
	struct lambda_s3_code s3;
	int put = 0;

	if (p->s3_key != NULL && put_s3(c, p, u, o, &s3, &put, err) == -1)
		return -1;
	if (stopping(o, err) == -1)
		return -1;
	stage(u, DEPLOY_STAGE_CREATE, NULL, "creating");
	if (lambda_create_function(c, p->fn, p->role_arn, p->pkg->path,
	    p->s3_key != NULL ? &s3 : NULL, 0, on_progress, (void *)u, cur,
	    err) == -1 &&
	    (!lc_error_is(err, "ResourceConflictException") ||
	    adopt(c, p, u, cur, err) == -1))
		return -1;
	*u->done |= DEPLOY_DID_CREATE;
	if (settle(c, u, o, cur, err) == -1)
		return -1;
	return check_s3_code(p, cur, err);
}

/* Updates what changed of an existing function, *cur its state (the plan's,
 * which the waits replace). */
static int
apply_update(struct aws_client *c, const struct deploy_plan *p,
    const struct ui *u, const struct deploy_opts *o, struct lambda_config *cur,
    struct lc_err *err)
{
	/*
	 * An update right after another fails with ResourceConflictException
	 * until the first has finished: wait for it rather than fail.
	 */
	if (busy(cur)) {
		step(u, "waiting for an update in progress");
		if (settle(c, u, o, cur, err) == -1)
			return -1;
	}
	if (p->code_changed) {
		if (stopping(o, err) == -1)
			return -1;
		stage(u, DEPLOY_STAGE_CODE, NULL, "updating code");
		if (update(c, p, u, o, cur, UPDATE_CODE, err) == -1)
			return -1;
	}
	if (p->config_changed) {
		if (stopping(o, err) == -1)
			return -1;
		stage(u, DEPLOY_STAGE_CONFIG, NULL, "updating configuration");
		if (update(c, p, u, o, cur, UPDATE_CONFIG, err) == -1)
			return -1;
	}
	return 0;
}

/*
 * lambda.yml's on-failure destination, the rest of the asynchronous
 * invocation configuration kept as read (PutFunctionEventInvokeConfig
 * replaces it whole); with nothing left, the configuration goes.
 */
static int
apply_on_failure(struct aws_client *c, const struct deploy_plan *p,
    const struct ui *u, struct lc_err *err)
{
	struct lambda_invoke_config want = p->extras.invoke;	/* borrowed */

	want.on_failure = p->fn->on_failure;
	if (want.on_failure == NULL) {
		step(u, "removing the on-failure destination");
		if (lambda_invoke_config_empty(&want))
			return lambda_delete_invoke_config(c, p->fn->name,
			    err);
	} else
		step(u, "setting the on-failure destination");
	return lambda_put_invoke_config(c, p->fn->name, &want, err);
}

/*
 * Writes the plan's extras, in order: concurrency; tags (on arn, the
 * unqualified function's), removals first (a function holds at most 50),
 * the marker going on with them; the on-failure destination; the marker
 * coming off.  So a failure never leaves lambdactl's destination without
 * its marker (nor a marker without a destination for long: the next
 * deploy takes it off).
 */
static int
apply_extras(struct aws_client *c, const struct deploy_plan *p,
    const struct ui *u, const char *arn, struct lc_err *err)
{
	const struct deploy_extras *x = &p->extras;
	char *marker = (char *)DEPLOY_TAG_ON_FAILURE;
	long n = p->fn->reserved_concurrency;

	if (extras_changed(x))
		stage(u, DEPLOY_STAGE_EXTRAS, NULL, NULL);
	if (x->concurrency_changed) {
		step(u, "setting the reserved concurrency");
		if ((n == MANIFEST_NO_CONCURRENCY ?
		    lambda_delete_concurrency(c, p->fn->name, err) :
		    lambda_put_concurrency(c, p->fn->name, n, err)) == -1)
			return -1;
	}
	if (arn == NULL && (x->ntag > 0 || x->nuntag > 0 || x->unmark))
		return lc_error(err, LC_EFAIL, "tags: Lambda did not say the "
		    "function's ARN");
	if (x->ntag > 0 || x->nuntag > 0) {
		step(u, "updating tags");
		if (lambda_untag(c, arn, x->untag, x->nuntag, err) == -1 ||
		    lambda_tag(c, arn, x->tag, x->ntag, err) == -1)
			return -1;
	}
	if (x->invoke_changed && apply_on_failure(c, p, u, err) == -1)
		return -1;
	return x->unmark ? lambda_untag(c, arn, &marker, 1, err) : 0;
}

static void
on_trigger(void *arg, const char *what)
{
	step(arg, what);
}

/*
 * Wires the triggers once the function is as lambda.yml has it: the plan's
 * writes, or for a function just created (cur) a plan made now.
 */
static int
apply_triggers(struct aws_client *c, struct deploy_plan *p,
    const struct ui *u, const struct deploy_opts *o,
    const struct lambda_config *cur, struct lc_err *err)
{
	struct triggers_fn t;

	if (!o->config)
		return 0;
	stage(u, DEPLOY_STAGE_TRIGGERS, NULL, NULL);
	triggers_fn_init(&t, c, p->fn, p->role_arn, cur, o);
	if (!p->exists) {
		triggers_plan_release(&p->triggers);
		if (triggers_plan(c, &t, &p->triggers, err) == -1)
			return -1;
	}
	return triggers_apply(c, &t, &p->triggers, on_trigger, (void *)u,
	    err);
}

int
deploy_apply(struct aws_client *c, struct deploy_plan *p,
    const struct deploy_opts *o, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err)
{
	const struct manifest_fn *fn = p->fn;
	struct ui u = { h, fn->name, &r->done };
	struct lambda_config cur = { 0 };
	int changed = p->code_changed || p->config_changed ||
	    p->triggers.nops > 0 || extras_changed(&p->extras);
	int ret = -1;
	unsigned done;

	memset(r, 0, sizeof *r);
	if (stopping(o, err) == -1)
		return lc_error_prefix(err, "%s", fn->name);
	if (p->exists && !changed && !p->release.publish &&
	    p->release.nprune == 0) {
		r->arn = xstrdup(p->remote.arn);
		r->version = xstrdup("$LATEST");
		r->code_sha256 = xstrdup(p->remote.code_sha256);
		r->status = xstrdup("unchanged");
		return 0;
	}
	if (!p->exists) {
		if (apply_create(c, p, &u, o, &cur, err) == -1)
			goto out;
		r->status = xstrdup("created");
	} else {
		cur = p->remote;	/* taken over */
		memset(&p->remote, 0, sizeof p->remote);
		if (apply_update(c, p, &u, o, &cur, err) == -1)
			goto out;
		r->status = xstrdup(changed ? "updated" : "unchanged");
	}
	if (stopping(o, err) == -1 ||
	    apply_extras(c, p, &u, cur.arn, err) == -1)
		goto out;
	if (extras_changed(&p->extras))
		r->done |= DEPLOY_DID_EXTRAS;
	r->arn = xstrdup(cur.arn);
	r->code_sha256 = xstrdup(cur.code_sha256);
	if (stopping(o, err) == -1 ||
	    release_apply(c, fn, &cur, o, &p->release, h, r, err) == -1)
		goto out;
	if (stopping(o, err) == -1 ||
	    apply_triggers(c, p, &u, o, &cur, err) == -1)
		goto out;
	if (o->config && p->triggers.nops > 0)
		r->done |= DEPLOY_DID_TRIGGERS;
	if (stopping(o, err) == -1 ||
	    release_prune(c, fn, &p->release, h, r, err) == -1)
		goto out;
	ret = 0;
out:
	lambda_config_release(&cur);
	if (ret == -1) {
		done = r->done;
		deploy_result_release(r);
		r->done = done;
		lc_error_prefix(err, "%s", fn->name);
	}
	return ret;
}

void
deploy_result_release(struct deploy_result *r)
{
	size_t i;

	free(r->arn);
	free(r->version);
	free(r->code_sha256);
	free(r->status);
	for (i = 0; i < r->npruned; i++)
		free(r->pruned[i]);
	free(r->pruned);
	memset(r, 0, sizeof *r);
}

void
deploy_left_text(const struct deploy_plan *p, const struct deploy_result *r,
    struct buf *b)
{
	const struct release_plan *rp = &p->release;
	const char *alias = rp->alias != NULL ? rp->alias : "";
	unsigned d = r->done;
	struct {
		int		 planned;
		unsigned	 bit;
		const char	*yes, *no;	/* after "alias NAME " */
	} item[] = {
		{ 0, DEPLOY_DID_UPLOAD, "code put in S3", NULL },
		{ !p->exists, DEPLOY_DID_CREATE, "created", "not created" },
		{ p->exists && p->code_changed, DEPLOY_DID_CODE,
		    "code updated", "code not updated" },
		{ p->exists && p->config_changed, DEPLOY_DID_CONFIG,
		    "configuration updated", "configuration not applied" },
		{ extras_changed(&p->extras), DEPLOY_DID_EXTRAS,
		    "settings updated", "settings not applied" },
		{ rp->publish, DEPLOY_DID_PUBLISH, "version published",
		    "no version published" },
		{ rp->publish && rp->alias != NULL, DEPLOY_DID_ALIAS,
		    "moved", "not moved" },
		{ p->triggers.nops > 0, DEPLOY_DID_TRIGGERS, "triggers wired",
		    "triggers not wired" },
		{ rp->nprune > 0, DEPLOY_DID_PRUNE, "versions pruned",
		    "versions not pruned" },
	};
	size_t i, n = sizeof item / sizeof item[0], start = b->len;
	int pass;

	/* The code in S3 is worth saying only when nothing used it yet. */
	if (d & (DEPLOY_DID_CREATE | DEPLOY_DID_CODE))
		d &= ~(unsigned)DEPLOY_DID_UPLOAD;
	if (d == 0) {
		buf_adds(b, "nothing changed");
		return;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			if (pass == 0 ? !(d & item[i].bit) :
			    !item[i].planned || (d & item[i].bit))
				continue;
			if (b->len > start)
				buf_adds(b, ", ");
			if (item[i].bit == DEPLOY_DID_ALIAS)
				buf_addf(b, "alias %s ", alias);
			buf_adds(b, pass == 0 ? item[i].yes : item[i].no);
		}
}

struct deploy_runner {
	const struct aws_client		*tmpl;
	const struct http_opts		*ho;
	struct deploy_job		*jobs;
	size_t				 n;
	size_t				 next;
	size_t				 failed;
	const struct deploy_opts	*o;
	const struct deploy_hooks	*h;
	void				(*done)(void *, struct deploy_job *);
	void				*done_arg;
	pthread_mutex_t			 mu;
	pthread_cond_t			 put_cv;	/* a put ended */
	struct s3_put			*puts;
};

/*
 * Whether this job is to put the object where (1) or another job of rn
 * has put it (0); NULL rn: 1.  A job finding another one putting it waits
 * for the outcome: done, nothing to send; failed, this job tries itself
 * (each function then reports its own error).  -1: a signal (stop).
 */
static int
put_claim(struct deploy_runner *rn, const char *where, const struct ui *u,
    const volatile sig_atomic_t *stop, struct lc_err *err)
{
	struct s3_put *sp;
	struct timespec ts;
	char what[160];
	int r = 1;

	if (rn == NULL)
		return 1;
	pthread_mutex_lock(&rn->mu);
	for (sp = rn->puts; sp != NULL; sp = sp->next)
		if (strcmp(sp->where, where) == 0)
			break;
	if (sp == NULL) {
		sp = xcalloc(1, sizeof *sp);
		sp->where = xstrdup(where);
		sp->by = u->fn;
		sp->next = rn->puts;
		rn->puts = sp;
		pthread_mutex_unlock(&rn->mu);
		return 1;
	}
	if (sp->state == PUT_RUNNING) {
		snprintf(what, sizeof what, "waiting for %s's upload of the same "
		    "code", sp->by);
		pthread_mutex_unlock(&rn->mu);
		step(u, what);
		pthread_mutex_lock(&rn->mu);
	}
	while (sp->state == PUT_RUNNING && (stop == NULL || !*stop)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;	/* a signal seen within 0.1 s */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&rn->put_cv, &rn->mu, &ts);
	}
	if (stop != NULL && *stop)
		r = lc_error_interrupted(err, *stop);
	else if (sp->state == PUT_DONE) {
		snprintf(what, sizeof what, "the code is in S3 already (put "
		    "there for %s)", sp->by);
		r = 0;
	} else {
		sp->state = PUT_RUNNING;
		sp->by = u->fn;
	}
	pthread_mutex_unlock(&rn->mu);
	if (r == 0)
		step(u, what);
	return r;
}

/* The put of where by this job ended (ok: the object is there). */
static void
put_release(struct deploy_runner *rn, const char *where, int ok)
{
	struct s3_put *sp;

	if (rn == NULL)
		return;
	pthread_mutex_lock(&rn->mu);
	for (sp = rn->puts; sp != NULL; sp = sp->next)
		if (strcmp(sp->where, where) == 0)
			sp->state = ok ? PUT_DONE : PUT_FAILED;
	pthread_cond_broadcast(&rn->put_cv);
	pthread_mutex_unlock(&rn->mu);
}

/*
 * Plans and applies one job; none once o->stop is set (the job is then
 * failed and stopped, never begun).
 */
static void
run_job(struct aws_client *c, struct deploy_runner *rn, struct deploy_job *j)
{
	const volatile sig_atomic_t *stop = rn->o->stop;
	struct ui u = { rn->h, j->fn->name, NULL };

	lc_error_clear(&j->err);
	if (stop != NULL && *stop) {
		j->failed = j->stopped = 1;
		lc_error_interrupted(&j->err, *stop);
		lc_error_prefix(&j->err, "%s", j->fn->name);
		return;
	}
	j->began = 1;
	stage(&u, DEPLOY_STAGE_PLAN, NULL, NULL);
	if (deploy_plan(c, j->fn, j->role_arn, j->pkg, rn->o, &j->plan,
	    &j->err) == -1)
		j->failed = 1;
	else if (!rn->o->dry_run && deploy_apply(c, &j->plan, rn->o, rn->h,
	    &j->result, &j->err) == -1)
		j->failed = 1;
	/* Stopped only when the signal refused a step; another failure
	 * keeps its own message, whenever it came. */
	if (j->failed && lc_error_stopped(&j->err))
		j->stopped = 1;
}

static void *
worker(void *arg)
{
	struct deploy_runner *rn = arg;
	struct aws_client c = *rn->tmpl;
	struct deploy_job *j;
	size_t i;

	c.http = http_client_new(rn->ho);
	for (;;) {
		pthread_mutex_lock(&rn->mu);
		i = rn->next++;
		pthread_mutex_unlock(&rn->mu);
		if (i >= rn->n)
			break;
		j = &rn->jobs[i];
		c.region = j->region != NULL ? j->region : rn->tmpl->region;
		run_job(&c, rn, j);
		pthread_mutex_lock(&rn->mu);
		if (j->failed)
			rn->failed++;
		if (rn->done != NULL)
			rn->done(rn->done_arg, j);
		pthread_mutex_unlock(&rn->mu);
	}
	http_client_free(c.http);
	return NULL;
}

size_t
deploy_run(const struct aws_client *c, const struct http_opts *ho,
    struct deploy_job *jobs, size_t n, int concurrency,
    const struct deploy_opts *o, const struct deploy_hooks *h,
    void (*done)(void *arg, struct deploy_job *job), void *done_arg)
{
	struct deploy_runner rn = { c, ho, jobs, n, 0, 0, NULL, h, done,
	    done_arg, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	    NULL };
	struct deploy_opts oo = *o;
	struct s3_put *sp;
	pthread_t *t = NULL;
	size_t i, nt;

	oo.runner = &rn;
	rn.o = &oo;
	nt = concurrency < 1 ? 1 : (size_t)concurrency;
	if (nt > n)
		nt = n;
	if (nt <= 1)
		worker(&rn);
	else {
		t = xcalloc(nt, sizeof *t);
		for (i = 0; i < nt; i++)
			if (pthread_create(&t[i], NULL, worker, &rn) != 0)
				die("cannot start a thread");
		for (i = 0; i < nt; i++)
			pthread_join(t[i], NULL);
		free(t);
	}
	while ((sp = rn.puts) != NULL) {
		rn.puts = sp->next;
		free(sp->where);
		free(sp);
	}
	pthread_cond_destroy(&rn.put_cv);
	pthread_mutex_destroy(&rn.mu);
	return rn.failed;
}
