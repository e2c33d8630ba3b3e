/*
 * cmd-deploy.c - lambdactl new, update, deploy and plan: one operation in
 * four modes (create only, update only, whichever is needed, look only),
 * so they share this file.  Each packages the functions, resolves their
 * roles, then runs deploy.c's plan and apply on up to -j threads.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "build.h"
#include "cmd.h"
#include "deploy.h"
#include "gha.h"
#include "log.h"
#include "package.h"
#include "sts.h"

#define OPT_PUBLISH \
	{ "publish", 0, NULL, "publish a version after the change" }
#define OPT_ALIAS \
	{ "alias", 0, "NAME", "point alias NAME at the new version" }
#define OPT_WEIGHT \
	{ "weight", 0, "PERCENT", "a canary: the new version gets PERCENT% " \
	    "(1-99) of the alias" }
#define OPT_KEEP \
	{ "keep-versions", 0, "N", "then delete versions but the newest N " \
	    "and aliased ones" }
#define OPT_DRY_RUN \
	{ "dry-run", 0, NULL, "show what would change; change nothing" }
#define OPT_WAIT \
	{ "wait-timeout", 0, "DURATION", "wait at most this long: 90s, 5m, " \
	    "1h30m (default 5m)" }
#define OPT_JOBS \
	{ "jobs", 'j', "N", "deploy N functions at once (default 4)" }
#define OPT_NO_BUILD \
	{ "no-build", 0, NULL, "skip the functions' build commands" }
#define OPT_CODE_ONLY \
	{ "code-only", 0, NULL, "change the code, not the configuration" }
#define OPT_CONFIG_ONLY \
	{ "config-only", 0, NULL, "change the configuration, not the code" }
#define OPT_END { NULL, 0, NULL, NULL }

static const struct cmd_opt new_opts[] = {
	OPT_PUBLISH, OPT_ALIAS, OPT_KEEP, OPT_DRY_RUN, OPT_WAIT, OPT_JOBS,
	OPT_NO_BUILD, OPT_END,
};
static const struct cmd_opt update_opts[] = {
	OPT_CODE_ONLY, OPT_CONFIG_ONLY, OPT_PUBLISH, OPT_ALIAS, OPT_WEIGHT,
	OPT_KEEP, OPT_DRY_RUN, OPT_WAIT, OPT_JOBS, OPT_NO_BUILD, OPT_END,
};
static const struct cmd_opt plan_opts[] = {
	{ "code-only", 0, NULL, "compare the code only" },
	{ "config-only", 0, NULL, "compare the configuration only" },
	{ "jobs", 'j', "N", "look at N functions at once (default 4)" },
	{ "alias", 0, "NAME", "compare triggers as deploy --alias NAME wires "
	    "them, and show where the alias would go" },
	{ "weight", 0, "PERCENT", "show the canary deploy --weight would make" },
	{ "keep-versions", 0, "N", "show the versions deploy --keep-versions "
	    "would delete" },
	{ "summary", 0, "FILE", "append a Markdown summary to FILE (GitHub "
	    "Actions: $GITHUB_STEP_SUMMARY)" },
	OPT_NO_BUILD, OPT_END,
};

/* The signal (SIGINT or SIGTERM) while code goes to S3: aborts the uploads. */
static volatile sig_atomic_t deploy_stop;

static void
deploy_on_signal(int sig)
{
	deploy_stop = sig;
}

/*
 * While functions deploy: catches SIGINT and SIGTERM once, so that no new
 * request starts, an upload in flight is aborted cleanly (no multipart
 * upload left behind), and each function says what it left half-done; a
 * second signal kills as usual.  A SIGINT ignored on entry stays ignored.
 */
static void
catch_signals(void)
{
	cmd_catch_stop(deploy_on_signal, SA_RESETHAND);
}

/* What the hooks and the done callback share. */
struct ui {
	struct cmd_ctx		*ctx;
	struct progress		*pg;		/* the display on stderr */
	int			 dry_run;
	cJSON			*json;		/* --output json: the results */
	size_t			 pending;	/* functions with changes */
	/* Results print in manifest order, each once those before it did. */
	struct deploy_job	*jobs;
	size_t			 njobs;
	char			*finished;
	size_t			 next;
};

/* A function's step: a line of its own without the live board. */
static void
on_step(void *arg, const char *fn, const char *what)
{
	const struct ui *u = arg;

	progress_note(u->pg, fn, what);
}

/* A function's stage: its state on the board. */
static void
on_stage(void *arg, const char *fn, enum deploy_stage st, const char *detail)
{
	static const char *const text[] = {
		[DEPLOY_STAGE_PLAN] = "checking",
		[DEPLOY_STAGE_WAIT] = "waiting for update",
		[DEPLOY_STAGE_UPLOAD] = "uploading",
		[DEPLOY_STAGE_CREATE] = "creating",
		[DEPLOY_STAGE_CODE] = "updating code",
		[DEPLOY_STAGE_CONFIG] = "updating configuration",
		[DEPLOY_STAGE_EXTRAS] = "updating settings",
		[DEPLOY_STAGE_PUBLISH] = "publishing",
		[DEPLOY_STAGE_PUBLISHED] = "published v",
		[DEPLOY_STAGE_ALIAS] = "moving alias ",
		[DEPLOY_STAGE_TRIGGERS] = "wiring triggers",
		[DEPLOY_STAGE_PRUNE] = "pruning versions",
	};
	const struct ui *u = arg;

	if (st == DEPLOY_STAGE_WAIT && detail != NULL)
		progress_set(u->pg, fn, "waiting for version %s", detail);
	else
		progress_set(u->pg, fn, "%s%s", text[st],
		    st == DEPLOY_STAGE_PUBLISHED || st == DEPLOY_STAGE_ALIAS ?
		    detail : "");
}

/* Uploads (to S3 or in the request) show on the function's line. */
static void
on_progress(void *arg, const char *fn, uint64_t sent, uint64_t total)
{
	const struct ui *u = arg;

	/* A signal: an upload not cut at once (one in the request to
	 * Lambda) says it will stop. */
	if (deploy_stop) {
		progress_set(u->pg, fn, "stopping...");
		return;
	}
	progress_upload(u->pg, fn, sent, total);
}

/*
 * The plan's lines; after a deploy (all 0), those of $LATEST and the
 * triggers only: the release's (the alias, pruning) have keys of their own.
 */
static size_t
nshown(const struct deploy_plan *p, int all)
{
	return all ? p->nchanges : p->nchanges - p->release.nlines;
}

static cJSON *
changes_json(const struct deploy_plan *p, int all)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < nshown(p, all); i++)
		cJSON_AddItemToArray(a, plan_line_json(&p->changes[i]));
	return a;
}

/* A comma-separated list of the changed fields ("memory, code"). */
static void
changed_fields(const struct deploy_plan *p, struct buf *b)
{
	size_t i;

	for (i = 0; i < nshown(p, 0); i++)
		buf_addf(b, "%s%s", i ? ", " : "", p->changes[i].field);
}

/* "code_source": "s3://BUCKET/KEY", where the code goes. */
static void
add_s3_json(cJSON *o, const struct manifest_fn *fn,
    const struct deploy_plan *p)
{
	char *url = xasprintf("s3://%s/%s", fn->s3_bucket, p->s3_key);

	cJSON_AddStringToObject(o, "code_source", url);
	free(url);
}

/* The version the deploy leaves: published, or the one the alias already
 * served (nothing to publish), else "$LATEST". */
static const char *
result_version(const struct deploy_plan *p, const struct deploy_result *r)
{
	if (strcmp(r->version, "$LATEST") == 0 && p->release.at != NULL)
		return p->release.at;
	return r->version;
}

/* "alias": {"name", "version", "canary_version", "canary_weight"}. */
static void
add_release_json(cJSON *o, const struct deploy_plan *p,
    const struct deploy_result *r)
{
	const struct release_plan *rp = &p->release;
	const char *v = result_version(p, r), *stays;
	cJSON *al, *pr;
	size_t i;

	if (rp->alias != NULL && strcmp(v, "$LATEST") != 0) {
		al = cJSON_AddObjectToObject(o, "alias");
		cJSON_AddStringToObject(al, "name", rp->alias);
		if ((stays = release_stays(rp, v)) != NULL) {
			cJSON_AddStringToObject(al, "version", stays);
			cJSON_AddStringToObject(al, "canary_version", v);
			cJSON_AddNumberToObject(al, "canary_weight",
			    rp->weight);
		} else
			cJSON_AddStringToObject(al, "version", v);
	}
	if (rp->keep < 1)
		return;
	pr = cJSON_AddArrayToObject(o, "pruned");
	for (i = 0; i < r->npruned; i++)
		cJSON_AddItemToArray(pr, cJSON_CreateString(r->pruned[i]));
}

static void
print_json(struct ui *u, const struct deploy_job *j)
{
	const struct deploy_plan *p = &j->plan;
	const struct deploy_result *r = &j->result;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "function", j->fn->name);
	if (!j->failed && p->s3_key != NULL)
		add_s3_json(o, j->fn, p);
	if (j->failed)
		cmd_json_add_error(o, "error", j->err.msg);
	else if (u->dry_run) {
		cJSON_AddBoolToObject(o, "exists", p->exists);
		cJSON_AddItemToObject(o, "changes", changes_json(p, 1));
	} else {
		cJSON_AddStringToObject(o, "status", r->status);
		cJSON_AddStringToObject(o, "arn", r->arn);
		cJSON_AddStringToObject(o, "version", result_version(p, r));
		cJSON_AddStringToObject(o, "code_sha256", r->code_sha256);
		cJSON_AddItemToObject(o, "changes", changes_json(p, 0));
		add_release_json(o, p, r);
	}
	cJSON_AddItemToArray(u->json, o);
}

static void
print_plan(const struct deploy_job *j)
{
	const struct deploy_plan *p = &j->plan;
	size_t i;

	if (p->nchanges == 0) {
		printf("%s: no changes\n", j->fn->name);
		return;
	}
	printf("%s:\n", j->fn->name);
	for (i = 0; i < p->nchanges; i++)
		printf("  %s\n", p->changes[i].text);
	if (p->s3_key != NULL)
		printf("  code via s3://%s/%s\n", j->fn->s3_bucket, p->s3_key);
}

/*
 * "jobs: updated (code), version 3, alias live" (a canary, as rollback and
 * promote show it: "alias live: 2 (+3 at 10%)"), then "jobs: pruned
 * versions 1, 2".
 */
static void
print_result(const struct deploy_job *j)
{
	const struct deploy_plan *p = &j->plan;
	const struct deploy_result *r = &j->result;
	const char *v = result_version(p, r), *stays;
	struct buf b = BUF_INIT;
	size_t i;

	buf_addf(&b, "%s: %s", j->fn->name, r->status);
	if (nshown(p, 0) > 0 && strcmp(r->status, "updated") == 0) {
		buf_adds(&b, " (");
		changed_fields(p, &b);
		buf_addch(&b, ')');
	}
	if (strcmp(v, "$LATEST") != 0) {
		buf_addf(&b, ", version %s", v);
		if (p->release.alias != NULL)
			buf_addf(&b, ", alias %s", p->release.alias);
		if ((stays = release_stays(&p->release, v)) != NULL)
			buf_addf(&b, ": %s (+%s at %d%%)", stays, v,
			    p->release.weight);
	}
	printf("%s\n", b.data);
	buf_release(&b);
	if (r->npruned == 0)
		return;
	printf("%s: pruned version%s ", j->fn->name, r->npruned > 1 ? "s" :
	    "");
	for (i = 0; i < r->npruned; i++)
		printf("%s%s", i > 0 ? ", " : "", r->pruned[i]);
	putchar('\n');
}

/* Prints the outcome of one finished function. */
static void
print_job(struct ui *u, struct deploy_job *j)
{
	if (!j->failed && j->plan.nchanges > 0)
		u->pending++;
	if (u->json != NULL)
		print_json(u, j);
	else if (j->failed)
		log_error(j->err.msg);
	else if (u->dry_run)
		print_plan(j);
	else
		print_result(j);
}

/*
 * The function's line on the board ends: done (its result and version),
 * failed (the error but the function's name; during a stop, and what
 * it had done: "(code updated, configuration not applied)"), or stopped
 * by a signal refusing a step (lc_error_stopped) --
 * what it left half-done then becomes its error too ("jobs: stopped: code
 * updated, configuration not applied", "jobs: stopped: not started").
 */
static void
end_line(struct ui *u, struct deploy_job *j)
{
	const char *name = j->fn->name, *msg = j->err.msg, *v;
	struct buf b = BUF_INIT;
	size_t len = strlen(name);

	if (j->stopped) {
		if (j->began)
			deploy_left_text(&j->plan, &j->result, &b);
		else
			buf_adds(&b, "not started");
		lc_error(&j->err, LC_EFAIL, "%s: stopped: %s", name, b.data);
		progress_end(u->pg, name, PROGRESS_STOPPED, b.data, NULL);
	} else if (j->failed) {
		/* Failed while a signal stopped the others (not stopped by
		 * it): what it had done by then, when anything. */
		if (deploy_stop && j->began && j->result.done != 0) {
			deploy_left_text(&j->plan, &j->result, &b);
			len = strlen(j->err.msg);
			snprintf(j->err.msg + len, sizeof j->err.msg - len,
			    " (%s)", b.data);
			len = strlen(name);
		}
		if (strncmp(msg, name, len) == 0 &&
		    strncmp(msg + len, ": ", 2) == 0)
			msg += len + 2;
		progress_end(u->pg, name, PROGRESS_FAILED, msg, NULL);
	} else if (!u->dry_run) {
		buf_adds(&b, j->result.status);
		if (nshown(&j->plan, 0) > 0 &&
		    strcmp(j->result.status, "updated") == 0) {
			buf_adds(&b, " (");
			changed_fields(&j->plan, &b);
			buf_addch(&b, ')');
		}
		v = result_version(&j->plan, &j->result);
		progress_end(u->pg, name, PROGRESS_DONE, b.data,
		    strcmp(v, "$LATEST") != 0 ? v : NULL);
	}
	buf_release(&b);
}

/*
 * Called, serialised, as each function finishes: its line ends, and the
 * results print in manifest order above the board.
 */
static void
on_done(void *arg, struct deploy_job *j)
{
	struct ui *u = arg;

	end_line(u, j);
	u->finished[j - u->jobs] = 1;
	if (u->next >= u->njobs || !u->finished[u->next])
		return;
	progress_suspend(u->pg);
	while (u->next < u->njobs && u->finished[u->next])
		print_job(u, &u->jobs[u->next++]);
	fflush(stdout);
	progress_resume(u->pg);
}


/*
 * Each function's role as an ARN; one STS call, in the function's region,
 * if any is a bare name.
 */
static int
resolve_roles(struct cmd_ctx *ctx, struct aws_client *c,
    const struct manifest_fn **fns, const char **regions, size_t n,
    char **roles)
{
	struct sts_identity id = { 0 };
	int have_id = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strncmp(fns[i]->role, "arn:", 4) == 0) {
			roles[i] = xstrdup(fns[i]->role);
			continue;
		}
		if (!have_id) {
			c->region = regions[i];
			if (sts_get_caller_identity(c, &id, &ctx->err) == -1)
				return lc_error_prefix(&ctx->err, "cannot "
				    "expand role '%s' to an ARN",
				    fns[i]->role);
			have_id = 1;
		}
		roles[i] = sts_role_arn(&id, fns[i]->role);
	}
	sts_identity_release(&id);
	return 0;
}

/*
 * A function whose own profile differs from the one this run's credentials
 * came from cannot be deployed with them.
 */
static int
check_profile(struct cmd_ctx *ctx, const struct manifest_fn *fn)
{
	if (fn->profile == NULL || ctx->profile != NULL ||
	    getenv("AWS_PROFILE") != NULL ||
	    strcmp(ctx->creds.source, "env") == 0 ||
	    strcmp(fn->profile, ctx->cfg.profile) == 0)
		return 0;
	return lc_error(&ctx->err, LC_ECONFIG, "%s: the function uses profile "
	    "'%s' but this run uses '%s' (deploy it on its own with "
	    "--profile %s)", fn->name, fn->profile, ctx->cfg.profile,
	    fn->profile);
}

/* The options every mode shares; *jobs is -j. */
static int
read_opts(struct cmd_ctx *ctx, const struct cmd_args *a,
    enum deploy_mode mode, int plan_only, struct deploy_opts *o, long *jobs)
{
	long weight;

	o->mode = mode;
	o->code = !cmd_has(a, "config-only");
	o->config = !cmd_has(a, "code-only");
	o->publish = cmd_has(a, "publish");
	o->alias = cmd_get(a, "alias");
	o->dry_run = plan_only || cmd_has(a, "dry-run");
	o->poll_ms = 1000;
	if (!o->code && !o->config)
		return lc_error(&ctx->err, LC_EUSAGE, "--code-only and "
		    "--config-only exclude each other");
	/* A duration (lambdactl(1)) from 1s to 24h. */
	if (cmd_duration(a, "wait-timeout", 300, 1, 86400, &o->wait_timeout,
	    &ctx->err) == -1 ||
	    cmd_number(a, "weight", 0, 1, 99, &weight, &ctx->err) == -1 ||
	    cmd_number(a, "keep-versions", 0, 1, 1000000, &o->keep_versions,
	    &ctx->err) == -1)
		return -1;
	o->weight = (int)weight;
	return cmd_number(a, "jobs", 4, 1, 64, jobs, &ctx->err);
}

/* --weight moves an alias: --alias, or each function's own. */
static int
check_weight(struct cmd_ctx *ctx, const struct deploy_opts *o,
    const struct manifest_fn **fns, size_t n)
{
	size_t i;

	if (o->weight == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (deploy_alias(o, fns[i]) == NULL)
			return lc_error(&ctx->err, LC_EUSAGE, "--weight needs "
			    "an alias: give --alias NAME (function '%s' has "
			    "no alias: in lambda.yml)", fns[i]->name);
	return 0;
}

/* What one run of new, update, deploy or plan holds for each function. */
struct batch {
	const struct manifest_fn	**fns;
	size_t				  n;
	const char			**regions;
	char				**roles;
	struct package_result		 *pkgs;
	struct deploy_job		 *jobs;
	struct build_set		  builds;
	struct progress			 *pg;		/* on stderr */
};

static void
batch_release(struct batch *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		deploy_plan_release(&r->jobs[i].plan);
		deploy_result_release(&r->jobs[i].result);
		package_result_release(&r->pkgs[i]);
		free(r->roles[i]);
	}
	free(r->jobs);
	free(r->pkgs);
	free(r->roles);
	free(r->regions);
	free(r->fns);
	build_set_release(&r->builds);
	progress_free(r->pg);
}

/*
 * Each function's profile and region checked, its build run (unless
 * --no-build) and its zip made (unless --config-only, which needs no
 * artifact at all).
 */
static int
prepare(struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct deploy_opts *o, struct batch *r)
{
	const struct manifest *m = &ctx->manifest;
	char *outdir = xasprintf("%s/.lambdactl", m->dir);
	size_t i;
	int rv = -1, built;

	for (i = 0; i < r->n; i++) {
		if (check_profile(ctx, r->fns[i]) == -1 ||
		    cmd_region(ctx, r->fns[i]->name, &r->regions[i],
		    &ctx->err) == -1)
			goto out;
		if (!o->code)
			continue;
		/* The board makes way for a build's output. */
		built = cmd_has(a, "no-build") ? 0 : build_set_run(&r->builds,
		    r->fns[i], m->dir, cmd_announce_build_progress, r->pg,
		    &ctx->err);
		progress_resume(r->pg);
		if (built == 0)
			progress_set(r->pg, r->fns[i]->name, "packaging");
		if (built == -1 || package_build(r->fns[i], m->dir, outdir,
		    &r->pkgs[i], &ctx->err) == -1) {
			lc_error_prefix(&ctx->err, "%s", r->fns[i]->name);
			goto out;
		}
		progress_set(r->pg, r->fns[i]->name, "queued");
		/* Before any request: too big to send without S3. */
		if (package_check_direct(r->fns[i], &r->pkgs[i],
		    &ctx->err) == -1)
			goto out;
	}
	rv = 0;
out:
	free(outdir);
	return rv;
}

/*
 * Deploys (or plans) the prepared functions on up to jn threads, printing
 * each result in manifest order; returns the exit status.
 */
static int
apply(struct cmd_ctx *ctx, struct aws_client *c, const struct deploy_opts *o,
    struct batch *r, long jn)
{
	struct deploy_hooks h = { 0 };
	struct deploy_opts oo;
	struct http_opts ho;
	struct ui u = { 0 };
	size_t i, failed;

	for (i = 0; i < r->n; i++) {
		r->jobs[i].fn = r->fns[i];
		r->jobs[i].region = r->regions[i];
		r->jobs[i].role_arn = r->roles[i];
		r->jobs[i].pkg = o->code ? &r->pkgs[i] : NULL;
	}
	u.ctx = ctx;
	u.pg = r->pg;
	u.dry_run = o->dry_run;
	u.jobs = r->jobs;
	u.njobs = r->n;
	u.finished = xcalloc(r->n, 1);
	if (ctx->output == OUTPUT_JSON)
		u.json = cJSON_CreateArray();
	h.step = on_step;
	h.stage = on_stage;
	h.progress = on_progress;
	h.arg = &u;
	cmd_http_opts(ctx, &ho);
	oo = *o;
	oo.http = &ho;
	oo.stop = &deploy_stop;
	if (!o->dry_run)
		catch_signals();
	failed = deploy_run(c, &ho, r->jobs, r->n, (int)jn, &oo, &h, on_done,
	    &u);
	progress_finish(u.pg);
	free(u.finished);
	if (u.json != NULL)
		cmd_print_json(u.json);
	if (deploy_stop)
		return 128 + deploy_stop;	/* 130 or 143 */
	if (failed > 0)
		return LC_EFAIL;
	return o->dry_run && u.pending > 0 ? LC_ECHANGES : LC_OK;
}

/*
 * Where plan's Markdown summary goes: --summary, else under GitHub Actions
 * the step's summary file; NULL: nowhere.
 */
static const char *
summary_path(const struct cmd_args *a)
{
	const char *path = cmd_get(a, "summary");

	if (path != NULL)
		return path;
	path = getenv("GITHUB_STEP_SUMMARY");
	return gha_on() && path != NULL && *path != '\0' ? path : NULL;
}

/*
 * Appends the summary b to path: whole, or on a failure not at all (a
 * regular file is cut back to the size it had), after whatever the file
 * holds (GitHub gathers each step's).  0, or -1 with errno.
 */
static int
append_whole(const char *path, const struct buf *b)
{
	struct stat st;
	int fd, e = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (write_all(fd, b->data, b->len) == -1) {
		e = errno;
		/* Should cutting back fail too, the write's error is still
		 * the one said. */
		if (S_ISREG(st.st_mode) && ftruncate(fd, st.st_size) == -1) {
		}
	}
	if (close(fd) == -1 && e == 0)
		e = errno;
	errno = e;
	return e == 0 ? 0 : -1;
}

/*
 * Appends the plan's Markdown summary to path (append_whole): the table
 * of the functions' plans (plan_markdown), or when the run stopped before
 * any (status -1) its error (plan_markdown_error); the secrets we hold
 * redacted (the errors and change lines before they are escaped), since
 * CI publishes it.
 * A failure is said on stderr and makes the status LC_EFAIL; the plan
 * printed stays as it is.
 */
static int
write_summary(const char *path, const struct batch *r, const char *error,
    int status)
{
	struct plan_fn *fns = xcalloc(r->n + 1, sizeof *fns);
	char **errs = xcalloc(r->n + 1, sizeof *errs), *msg;
	struct plan_line **lines = xcalloc(r->n + 1, sizeof *lines);
	struct buf b = BUF_INIT;
	size_t i;
	int rv = status;

	for (i = 0; status != -1 && i < r->n; i++) {
		const struct deploy_job *j = &r->jobs[i];
		size_t k, nl = 0;

		fns[i].name = j->fn->name;
		fns[i].exists = j->plan.exists;
		fns[i].error = errs[i] = log_redacted(j->failed ? j->err.msg :
		    NULL);
		/* Redacted before the Markdown escapes them ("\_"). */
		plan_lines_append(&lines[i], &nl, j->plan.changes,
		    j->plan.nchanges);
		for (k = 0; k < nl; k++) {
			char *t = log_redacted(lines[i][k].text);

			free(lines[i][k].text);
			lines[i][k].text = t;
		}
		fns[i].lines = lines[i];
		fns[i].nlines = nl;
	}
	if (status != -1)
		plan_markdown(&b, fns, r->n);
	else {
		msg = log_redacted(error);
		plan_markdown_error(&b, msg);
		free(msg);
	}
	for (i = 0; i < r->n; i++) {
		free(errs[i]);
		plan_lines_free(lines[i], fns[i].nlines);
	}
	free(lines);
	free(errs);
	free(fns);
	if (append_whole(path, &b) == -1) {
		msg = xasprintf("cannot write the summary to '%s': %s", path,
		    strerror(errno));
		log_error(msg);
		free(msg);
		rv = status == -1 ? -1 : LC_EFAIL;
	}
	buf_release(&b);
	return rv;
}

/* new, update, deploy and plan: options, prepare, roles, apply. */
static int
run(struct cmd_ctx *ctx, struct cmd_args *a, enum deploy_mode mode,
    int plan_only)
{
	struct deploy_opts o = { 0 };
	struct batch r = { 0 };
	struct aws_client c;
	long jn;
	size_t i;
	int status = -1;

	if (read_opts(ctx, a, mode, plan_only, &o, &jn) == -1 ||
	    cmd_select_functions(ctx, a, &r.fns, &r.n, &ctx->err) == -1)
		return -1;
	if (check_weight(ctx, &o, r.fns, r.n) == -1) {
		free(r.fns);
		return -1;
	}
	cmd_aws_init(ctx, &c);
	r.regions = xcalloc(r.n, sizeof *r.regions);
	r.roles = xcalloc(r.n, sizeof *r.roles);
	r.pkgs = xcalloc(r.n, sizeof *r.pkgs);
	r.jobs = xcalloc(r.n, sizeof *r.jobs);
	/* plan prints its plan: no board. */
	r.pg = progress_new(stderr, o.dry_run ? PROGRESS_QUIET :
	    cmd_progress_mode(ctx));
	for (i = 0; i < r.n; i++)
		progress_add(r.pg, r.fns[i]->name);
	if (prepare(ctx, a, &o, &r) == 0 &&
	    resolve_roles(ctx, &c, r.fns, r.regions, r.n, r.roles) == 0)
		status = apply(ctx, &c, &o, &r, jn);
	if (plan_only && summary_path(a) != NULL)
		status = write_summary(summary_path(a), &r, ctx->err.msg,
		    status);
	batch_release(&r);
	cmd_aws_release(&c);
	return status;
}

static int
new_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return run(ctx, a, DEPLOY_CREATE, 0);
}

static int
update_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return run(ctx, a, DEPLOY_UPDATE, 0);
}

static int
deploy_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return run(ctx, a, DEPLOY_ANY, 0);
}

static int
plan_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return run(ctx, a, DEPLOY_ANY, 1);
}

#define DEPLOY_FLAGS (CMD_NEEDS_MANIFEST | CMD_NEEDS_CREDS)

const struct cmd_entry cmd_new_entry = {
	.name = "new",
	.summary = "Create functions that do not exist yet",
	.usage = "[options] [FUNCTION...]",
	.opts = new_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = DEPLOY_FLAGS,
	.exec = new_exec,
};

const struct cmd_entry cmd_update_entry = {
	.name = "update",
	.summary = "Update the code and configuration of existing functions",
	.usage = "[options] [FUNCTION...]",
	.opts = update_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = DEPLOY_FLAGS,
	.exec = update_exec,
};

const struct cmd_entry cmd_deploy_entry = {
	.name = "deploy",
	.summary = "Create or update functions, whichever is needed",
	.usage = "[options] [FUNCTION...]",
	.opts = update_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = DEPLOY_FLAGS,
	.exec = deploy_exec,
};

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.summary = "Show what deploy would change, changing nothing",
	.usage = "[options] [FUNCTION...]",
	.opts = plan_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = DEPLOY_FLAGS,
	.exec = plan_exec,
};
