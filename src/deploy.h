/*
 * deploy.h - what a deploy would change, and making the change: compare a
 * manifest function with what Lambda has, then create or update code and
 * configuration with the right waits, publish a version, move an alias.
 */
#ifndef LC_DEPLOY_H
#define LC_DEPLOY_H

#include <signal.h>
#include <stddef.h>

#include "aws.h"
#include "buf.h"
#include "err.h"
#include "lambda-api.h"
#include "manifest.h"
#include "package.h"
#include "plan.h"
#include "release.h"
#include "triggers.h"

enum deploy_mode {
	DEPLOY_CREATE,	/* new: the function must not exist */
	DEPLOY_UPDATE,	/* update: the function must exist */
	DEPLOY_ANY,	/* deploy, plan: whichever is needed */
};

struct deploy_opts {
	enum deploy_mode	 mode;
	int			 code;		/* consider the code */
	int			 config;	/* consider the configuration */
	int			 publish;	/* publish a version afterwards */
	/* Move this alias (implies publish); NULL: each function's own
	 * (lambda.yml's alias:), see deploy_alias. */
	const char		*alias;
	/* --weight: the percentage of invokes (1-99) the new version gets
	 * through the alias (a canary); 0: all of them. */
	int			 weight;
	/* --keep-versions; 0: each function's keep_versions. */
	long			 keep_versions;
	int			 dry_run;	/* plan only */
	long			 wait_timeout;	/* seconds */
	long			 poll_ms;	/* GetFunction polling interval */
	/* For S3 uploads (s3_bucket): their connections, and a flag that a
	 * signal sets to abort them (NULL: none). */
	const struct http_opts	*http;
	const volatile sig_atomic_t *stop;
	/* Set by deploy_run (leave it NULL): its jobs share S3 uploads,
	 * one per object. */
	struct deploy_runner	*runner;
};

/*
 * The marker tag saying that lambdactl set the function's on-failure
 * destination: while lambda.yml has on_failure it is kept (and put back
 * on a destination lambda.yml names that lacks it); once lambda.yml drops
 * the key, the destination goes with the marker.  It goes on before the
 * destination and comes off after it, so that a failure in between never
 * leaves lambdactl's destination unmarked.  A destination without the
 * marker (set by hand, or by another tool) is never touched unless
 * lambda.yml names one.
 */
#define DEPLOY_TAG_ON_FAILURE	"lambdactl:on_failure"

/*
 * What a deploy keeps in sync beside the configuration, in the order it
 * writes them: reserved concurrency (when lambda.yml sets it), tags
 * (lambda.yml's when it has any, removals first, and the marker going on),
 * the on-failure destination, the marker coming off.  The reserved tags
 * (manifest_tag_reserved: the triggers' and the markers', AWS's own) are
 * never compared.  deploy_plan reads them: GetFunction's Tags and
 * Concurrency, and GetFunctionEventInvokeConfig when lambda.yml has
 * on_failure or the function the marker (one GET, else none).
 */
struct deploy_extras {
	/* Tags and concurrency are known (GetFunction; ListFunctions
	 * reports neither): deploy_compare compares them only then. */
	int				 known;
	/* invoke is what Lambda has (empty: none); deploy_compare
	 * compares on_failure only then. */
	int				 invoke_known;
	struct lambda_invoke_config	 invoke;
	/* The differences, filled by deploy_compare. */
	int				 concurrency_changed;
	int				 invoke_changed;
	struct manifest_kv		*tag;		/* TagResource (with
							 * the marker) */
	size_t				 ntag;
	char				**untag;	/* UntagResource */
	size_t				 nuntag;
	int				 unmark;	/* the marker comes off */
};

struct deploy_plan {
	const struct manifest_fn	*fn;
	const char			*role_arn;	/* resolved, borrowed */
	const struct package_result	*pkg;		/* borrowed */
	int				 exists;
	struct lambda_config		 remote;	/* when exists */
	int				 code_changed;
	int				 config_changed;
	/* The code's S3 key, when fn has s3_bucket and the code is sent:
	 * s3://fn->s3_bucket/s3_key (s3_artifact_key); NULL otherwise. */
	char				*s3_key;
	/* The plan's lines (plan.h): "create", "code", "memory",
	 * "environment.KEY" (hidden)... */
	struct plan_line		*changes;
	size_t				 nchanges;
	/* The triggers' part (when o->config): its lines are in changes
	 * too; for a function not created yet, lines only. */
	struct triggers_plan		 triggers;
	/* Publishing, the alias and pruning (release.h): its lines are in
	 * changes too. */
	struct release_plan		 release;
	/* Concurrency, on_failure, tags (their lines are in changes). */
	struct deploy_extras		 extras;
};

/*
 * Compares fn (with role_arn and the packaged zip pkg) with what GetFunction
 * reports, within what o considers.  An existing function under
 * DEPLOY_CREATE, or a missing one under DEPLOY_UPDATE, is an error that
 * suggests the right command (LC_EFAIL).  pkg NULL (--config-only): the
 * code is not compared, and a missing function cannot be created.  Errors
 * start with the function's name, as deploy_apply's do.
 */
int deploy_plan(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const struct package_result *pkg,
    const struct deploy_opts *o, struct deploy_plan *p, struct lc_err *err);
void deploy_plan_release(struct deploy_plan *p);

/*
 * The comparison alone: fills p's changes from fn against p->remote (which
 * the caller set, e.g. from ListFunctions).  pkg NULL: the code is not
 * compared.  The extras (p->extras) only as far as they are known: tags
 * and concurrency with p->extras.known, on_failure with invoke_known too.
 */
void deploy_compare(const struct manifest_fn *fn, const char *role_arn,
    const struct package_result *pkg, const struct deploy_opts *o,
    struct deploy_plan *p);

/*
 * Whether the function Lambda has (have, as GetFunction reports it) is the
 * one fn would create: same code as pkg and the same configuration, by
 * deploy_compare.  For a CreateFunction answered "already exists" after a
 * retry, when Lambda had applied the first attempt.  0 when it is; -1 with
 * err listing what differs, as plan shows it.
 */
int deploy_check_existing(const struct manifest_fn *fn, const char *role_arn,
    const struct package_result *pkg, const struct lambda_config *have,
    struct lc_err *err);

/* The stages of a function's deploy, in the order they come. */
enum deploy_stage {
	DEPLOY_STAGE_PLAN,	/* reading what Lambda has */
	DEPLOY_STAGE_WAIT,	/* for an update (detail: NULL) or a version
				 * (detail: it) to finish */
	DEPLOY_STAGE_UPLOAD,	/* the code to S3 (progress follows) */
	DEPLOY_STAGE_CREATE,
	DEPLOY_STAGE_CODE,
	DEPLOY_STAGE_CONFIG,
	DEPLOY_STAGE_EXTRAS,	/* concurrency, tags, on-failure destination */
	DEPLOY_STAGE_PUBLISH,
	DEPLOY_STAGE_PUBLISHED,	/* detail: the version */
	DEPLOY_STAGE_ALIAS,	/* detail: the alias */
	DEPLOY_STAGE_TRIGGERS,
	DEPLOY_STAGE_PRUNE,
};

/* What a UI is told while a function deploys; any member may be NULL. */
struct deploy_hooks {
	/* A line of text for people: "updating code", "deleting version 3". */
	void	(*step)(void *arg, const char *fn, const char *what);
	void	(*progress)(void *arg, const char *fn, uint64_t sent,
		    uint64_t total);
	void	 *arg;
	/* A new stage begins (detail: see enum deploy_stage, or NULL). */
	void	(*stage)(void *arg, const char *fn, enum deploy_stage st,
		    const char *detail);
};

/* What deploy_apply has done (struct deploy_result's done). */
enum deploy_did {
	DEPLOY_DID_UPLOAD = 1 << 0,	/* this job put the code in S3 */
	DEPLOY_DID_CREATE = 1 << 1,
	DEPLOY_DID_CODE = 1 << 2,
	DEPLOY_DID_CONFIG = 1 << 3,
	DEPLOY_DID_EXTRAS = 1 << 4,
	DEPLOY_DID_PUBLISH = 1 << 5,
	DEPLOY_DID_ALIAS = 1 << 6,
	DEPLOY_DID_TRIGGERS = 1 << 7,
	DEPLOY_DID_PRUNE = 1 << 8,
};

struct deploy_result {
	char	*arn;
	char	*version;	/* published version, or "$LATEST" */
	char	*code_sha256;
	char	*status;	/* "created", "updated", "unchanged" */
	char	**pruned;	/* versions deleted by pruning */
	size_t	 npruned;
	/* enum deploy_did: what was done, kept when deploy_apply fails
	 * (the rest of r is released then). */
	unsigned done;
};

/*
 * After a deploy stopped by o->stop (or failed) with r->done done of plan
 * p: what was done and what was left undone, for people ("code updated,
 * configuration not applied"; "nothing changed" when nothing was).
 * Appended to b.
 */
void deploy_left_text(const struct deploy_plan *p,
    const struct deploy_result *r, struct buf *b);

/* The alias a deploy of fn moves: --alias, else lambda.yml's; NULL. */
const char *deploy_alias(const struct deploy_opts *o,
    const struct manifest_fn *fn);

/*
 * Carries out plan p: waits first if an update is still in progress,
 * puts the code in S3 when p->s3_key is set (s3_put_file: nothing sent
 * when the object is there already; o->stop aborts it), creates the
 * function (and waits until Active) or updates its code and
 * then its configuration (waiting for each to finish, with RevisionId
 * preconditions), then writes the extras (concurrency, tags, the
 * on-failure destination: struct deploy_extras), publishes a version and moves
 * the alias when o asks (release_apply).  Makes no write request when
 * nothing changed and nothing is to be published nor pruned.  Then wires
 * the triggers (triggers_apply; for a function it just created, planned
 * now that it exists), and prunes (release_prune).  Takes over p->remote.
 * o->stop set (a signal) before a step: that step and the rest are not
 * started, -1 with err "interrupted", lc_error_interrupted (status 128 +
 * the signal: lc_error_stopped tells it from a failure); an upload to S3
 * in flight is aborted, a wait cut; any other request in flight finishes
 * (and fails or not as it would: such a failure is no stop).
 */
int deploy_apply(struct aws_client *c, struct deploy_plan *p,
    const struct deploy_opts *o, const struct deploy_hooks *h,
    struct deploy_result *r, struct lc_err *err);
void deploy_result_release(struct deploy_result *r);

/* One function's whole job, for deploy_run. */
struct deploy_job {
	const struct manifest_fn	*fn;
	const char			*region;	/* NULL: the client's */
	const char			*role_arn;
	const struct package_result	*pkg;
	struct deploy_plan		 plan;
	struct deploy_result		 result;
	struct lc_err			 err;
	int				 failed;
	int				 began;		/* taken by a thread */
	/* by o->stop: err is lc_error_stopped (a signal refused a step) */
	int				 stopped;
};

/*
 * Plans (and unless o->dry_run applies) every job with up to concurrency
 * threads, each with its own HTTP connection (c is the template: its
 * credentials, region and endpoint are shared, its http client is not).
 * One failure does not stop the others.  done (may be NULL) is called,
 * serialised, as each job finishes.  Jobs putting the same S3 object
 * (region, bucket, key) put it once: the others wait for that upload and
 * send nothing to S3; if it fails, each tries once itself in turn.
 * o->stop set: no job is started any more (began stays 0, failed and
 * stopped set); those under way stop as deploy_apply says (stopped set).
 * Returns the number of failed jobs.
 */
size_t deploy_run(const struct aws_client *c, const struct http_opts *ho,
    struct deploy_job *jobs, size_t n, int concurrency,
    const struct deploy_opts *o, const struct deploy_hooks *h,
    void (*done)(void *arg, struct deploy_job *job), void *done_arg);

#endif
