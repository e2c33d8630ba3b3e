/*
 * manifest.h - lambda.yml: top-level defaults plus a "functions:" map, read
 * with libyaml into plain structs, with "FILE:LINE:COL: message" errors.
 *
 *   region: eu-west-1            # top level: defaults for every function
 *   role: lambda-exec            # (and region/profile for the whole file)
 *   memory: 360
 *   environment: { STAGE: prod }
 *   functions:
 *     jobs:                      # the Lambda function name
 *       runtime: java21
 *       handler: jobs.aws-lambda::handleRequest
 *       artifact: target/jobs-standalone.jar
 *       environment: { DB_PASSWORD: "${env:DB_PASSWORD}" }
 *
 * A function inherits every top-level key it does not set; maps
 * (environment, tags) merge key by key, the function winning; lists
 * (layers, events) replace, and so does url.  "${env:NAME}" and "${env:NAME:-default}" in any scalar
 * value are replaced from the environment ("$${" is a literal "${").
 *
 * Adding a function setting (one Lambda sets from lambda.yml) touches:
 *   1. a field in struct manifest_fn below and, unless it is create-only,
 *      in struct lambda_config (lambda-api.h);
 *   2. one row in fnsettings[] (fnsettings.c): manifest key, API member,
 *      type, flags, the two offsets, default.  That row alone makes
 *      CreateFunction, UpdateFunctionConfiguration (or UpdateFunctionCode),
 *      the reading of a FunctionConfiguration and plan's comparison carry
 *      it, in the table's order, and gives its default to every function
 *      that leaves it unset (fnset_defaults): the one place it is written.
 *      A new setting is FNSET_UNSET_UNMANAGED (fnsettings.h) unless every
 *      function already has its default: lambda.yml files written before
 *      it must not change what deploy sends;
 *   3. reading the key: its enum key (manifest-private.h) and name in
 *      mf_key_names (test-fnsettings fails if it is not the row's), its
 *      reader in read_setting (manifest-read.c; a string's field in
 *      mf_string_slot, which also inherits it from the top level), the
 *      checks on its value (manifest-check.c); a number, list or map also
 *      its inheritance from the top level in inherit (manifest.c).  A
 *      setting written in a map of settings (vpc.subnets, logging.format)
 *      has the dotted row key, plan's name for it; the map is read, and
 *      inherited, in manifest-settings.c, with the checks that need the
 *      merged function;
 *   4. its entry in man/lambda.yml.5 (".It Cm KEY Pq TYPE" and its
 *      "Default") and a line in lambda.yml.example (test-manifest fails
 *      without one for a row);
 *   5. a sample value in tests/unit/test-fnsettings.c (which fails without
 *      one, then checks the row round-trips, is what a manifest without
 *      the key gives, and is documented), and a bad fixture in
 *      tests/fixtures/bad/ for a value lambda.yml must refuse.
 * Keys that are not sent to Lambda (artifact, build, build_timeout,
 * region, profile, s3_bucket, s3_prefix) need only steps 1, 3 and 4, and a default of their own
 * in inherit (MANIFEST_DEFAULT_BUILD_TIMEOUT).
 *
 * Hostile input is bounded: at most MANIFEST_MAX_SIZE bytes, nesting at
 * most MANIFEST_MAX_DEPTH deep (checked on the parser's events, before any
 * tree is built), and at most MANIFEST_MAX_VALUES values read, aliases and
 * inheritance counted each time they are used.
 */
#ifndef LC_MANIFEST_H
#define LC_MANIFEST_H

#include <stddef.h>

#include "err.h"

#define MANIFEST_DEFAULT_PATH "lambda.yml"

/*
 * build_timeout's default, for what neither the function nor the top
 * level sets; the function settings' defaults are their rows' in
 * fnsettings[] (fnsettings.c).
 */
#define MANIFEST_DEFAULT_BUILD_TIMEOUT 600	/* seconds */

/*
 * reserved_concurrency: none reserved (lambda.yml's "none", and what
 * GetFunction says of a function without a reservation); and not set
 * (neither the function nor the top level of lambda.yml has the key:
 * lambdactl leaves the function's as it is).
 */
#define MANIFEST_NO_CONCURRENCY (-1L)
#define MANIFEST_CONCURRENCY_UNSET (-2L)

/* Bounds on what is read (lambda.yml needs 4 levels and a few KB). */
#define MANIFEST_MAX_SIZE (1024 * 1024)		/* bytes */
#define MANIFEST_MAX_DEPTH 32			/* nested maps and lists */
#define MANIFEST_MAX_VALUES 200000		/* values read or inherited */

/*
 * manifest_load_flags: an unset ${env:NAME} (without a default) in a value
 * only deploying, packaging or running uses (environment and tag values,
 * description, build, artifact) is not an error yet: it reads as the empty
 * string, the value is listed in the function's "unresolved", and
 * manifest_require_env reports it.  Elsewhere (region, profile, memory,
 * ...) it stays an error.
 */
#define MANIFEST_DEFER_ENV 0x1

struct manifest_kv {
	char	*key;
	char	*value;
};

/*
 * One item of a function's "events:" list (issue 13): a trigger that
 * lambdactl wires and reconciles (triggers.c).  Exactly one kind per item:
 *
 * (read and checked by manifest-events.c; at most 100 per function; no two
 * the same trigger):
 *
 *   events:
 *     - schedule: cron(0 6 * * ? *)      # an EventBridge rule
 *       input: {"warmer": true}          # optional constant event (JSON)
 *       enabled: false                   # optional; default true
 *     - s3: { bucket: B, events: [s3:ObjectCreated:*], prefix: p/, suffix: .txt }
 *     - sqs: { queue: ARN-or-name, batch_size: 10, batch_window: 0, enabled: true }
 */
enum manifest_event_kind {
	MANIFEST_EVENT_SCHEDULE,
	MANIFEST_EVENT_S3,
	MANIFEST_EVENT_SQS,
};

struct manifest_event {
	enum manifest_event_kind kind;
	int			 line;		/* of the list item */
	int			 col;
	int			 enabled;	/* schedule, sqs; default 1 */
	/* schedule: the expression as written, checked by schedule_check */
	char			*schedule;
	/* schedule: the constant event as unformatted JSON (a YAML map or
	 * list converted, or a string holding JSON); NULL: none */
	char			*input;
	/* s3 */
	char			*bucket;
	char			**s3_events;	/* sorted, unique; default
						 * { "s3:ObjectCreated:*" } */
	size_t			 ns3_events;
	char			*prefix;	/* NULL: none */
	char			*suffix;	/* NULL: none */
	/* sqs: an ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), or a bare queue
	 * name (the ARN then built from the function's region and account) */
	char			*queue;
	long			 batch_size;	/* 1-10000; default 10 */
	long			 batch_window;	/* seconds, 0-300; default 0 */
};

/* A function URL ("url:" key). */
struct manifest_url {
	char			*auth;		/* "AWS_IAM" or "NONE" */
	int			 public;	/* auth NONE needs public: true;
						 * adds the public permission */
};

struct manifest_fn {
	char			*name;
	int			 line;		/* of its key under functions: */
	int			 col;
	char			*runtime;
	char			*handler;	/* NULL: none (provided.*) */
	char			*role;		/* ARN or bare role name */
	char			*description;	/* NULL: none */
	char			*artifact;	/* as written (relative or not) */
	char			*build;		/* NULL: no build step */
	char			*architecture;	/* "x86_64" or "arm64" */
	char			*region;	/* NULL: not set */
	char			*profile;	/* NULL: not set */
	/* Code through S3: NULL, or the bucket's name (S3's rules). */
	char			*s3_bucket;
	char			*s3_prefix;	/* NULL: none; key prefix */
	long			 memory;	/* MB */
	long			 timeout;	/* seconds */
	long			 ephemeral_storage;	/* MB */
	long			 build_timeout;	/* seconds, for build */
	struct manifest_kv	*env;		/* sorted by key */
	size_t			 nenv;
	struct manifest_kv	*tags;		/* sorted by key */
	size_t			 ntags;
	/* lambda.yml has tags for the function (its own or the top
	 * level's, even {}): only then are they kept in sync. */
	int			 tags_set;
	char			**layers;	/* in the order written */
	size_t			 nlayers;
	/*
	 * Triggers (a function's list replaces the top level's, as layers
	 * do).  What lambdactl wired and these no longer list is removed.
	 */
	struct manifest_event	*events;	/* in the order written */
	size_t			 nevents;
	struct manifest_url	 url;		/* auth NULL: no function URL */
	/*
	 * Issue 15 (the reading of each is manifest-*.c's; the table rows
	 * of those Lambda's configuration carries are fnsettings.c's):
	 *
	 *   alias: live                       # deploy's --alias by default
	 *   keep_versions: 5                  # prune after publishing
	 *   vpc: { subnets: [subnet-1], security_groups: [sg-1] }
	 *   tracing: Active                   # or PassThrough
	 *   kms_key: arn:aws:kms:...          # environment encryption
	 *   dead_letter: arn:aws:sqs:...      # DeadLetterConfig (SQS, SNS)
	 *   on_failure: arn:aws:sqs:...       # async invoke destination
	 *   logging: { format: JSON, level: INFO, system_level: WARN,
	 *              group: /custom/group }
	 *   snap_start: true                  # ApplyOn PublishedVersions
	 *   reserved_concurrency: 10          # 0 throttles every invoke
	 *
	 * Those lambda.yml does not set are not lambdactl's: neither sent
	 * nor compared (FNSET_UNSET_UNMANAGED), so NULL (or vpc_set 0,
	 * MANIFEST_CONCURRENCY_UNSET) is "leave it as it is".  Removing
	 * one takes a value: vpc's empty lists, tracing: PassThrough,
	 * kms_key: "", dead_letter: "", logging: { format: Text },
	 * snap_start: false, reserved_concurrency: none.
	 */
	char			*alias;		/* NULL: none */
	long			 keep_versions;	/* 0: keep every version */
	char			**subnets;	/* vpc.subnets */
	size_t			 nsubnets;
	char			**security_groups;	/* vpc.security_groups */
	size_t			 nsecurity_groups;
	int			 vpc_set;	/* even to empty lists */
	char			*tracing;	/* "Active", "PassThrough" */
	char			*kms_key;	/* "": Lambda's own key */
	char			*dead_letter;	/* "": none */
	char			*on_failure;	/* NULL: none */
	char			*log_format;	/* logging.format: Text, JSON */
	char			*log_level;	/* logging.level (JSON only) */
	char			*system_log_level;	/* logging.system_level */
	char			*log_group;	/* logging.group; NULL: Lambda's
						 * /aws/lambda/NAME */
	/* snap_start: true is "PublishedVersions", false "None". */
	char			*snap_start;
	/* 0 or more; MANIFEST_NO_CONCURRENCY: none reserved;
	 * MANIFEST_CONCURRENCY_UNSET: not set. */
	long			 reserved_concurrency;
	/*
	 * Under MANIFEST_DEFER_ENV, the settings holding an unset variable,
	 * named as plan lines' fields (plan.h): "environment.KEY", "tags.KEY",
	 * "description", "build", "artifact".
	 */
	char			**unresolved;
	size_t			 nunresolved;
};

struct manifest {
	char			*path;		/* as given */
	char			*dir;		/* its directory: base of relative paths */
	char			*region;	/* top level; NULL: not set */
	char			*profile;	/* top level; NULL: not set */
	struct manifest_fn	*fns;		/* in file order */
	size_t			 nfns;
	/* MANIFEST_DEFER_ENV: the first unset variable's error (where it
	 * is used: lc_error_at), or NULL. */
	struct lc_err		*unresolved_err;
};

/*
 * Reads and validates the manifest at path.  Returns 0, or -1 with err
 * (LC_ECONFIG) saying "PATH:LINE:COL: message" for the first problem:
 * YAML syntax, unknown keys (with a "did you mean" hint), wrong types,
 * duplicate keys, out-of-range values, missing required keys (runtime,
 * role, artifact; handler for runtimes other than provided.*), invalid
 * function names, unknown runtimes, an environment over Lambda's 4 KB,
 * reserved environment variable names, unset ${env:...} variables,
 * nesting deeper than MANIFEST_MAX_DEPTH, more than MANIFEST_MAX_VALUES
 * values.  A file that cannot be read: "cannot read 'PATH': reason"; one
 * over MANIFEST_MAX_SIZE: "manifest 'PATH' is over 1 MiB".
 */
int manifest_load(struct manifest *m, const char *path, struct lc_err *err);
/* manifest_load with flags (MANIFEST_DEFER_ENV). */
int manifest_load_flags(struct manifest *m, const char *path, unsigned flags,
    struct lc_err *err);
/*
 * The same from len bytes at data (not NUL-terminated), named name in
 * messages (and m->path; m->dir is its directory).  Reads no file.
 */
int manifest_load_mem(struct manifest *m, const char *name, const char *data,
    size_t len, unsigned flags, struct lc_err *err);
/*
 * For commands that use every value: fails (LC_ECONFIG) with the first
 * unset variable's "PATH:LINE:COL: environment variable 'NAME' is not set
 * (used as ${env:NAME})" when m was loaded with MANIFEST_DEFER_ENV and had
 * one; 0 otherwise.
 */
int manifest_require_env(const struct manifest *m, struct lc_err *err);
/* Whether field ("environment.KEY", ...) of fn holds an unset variable. */
int manifest_fn_unresolved(const struct manifest_fn *fn, const char *field);
void manifest_release(struct manifest *m);

/* The function named name, or NULL. */
const struct manifest_fn *manifest_find(const struct manifest *m,
    const char *name);

/*
 * The manifest path to use: flag (-f) > LAMBDACTL_MANIFEST > "lambda.yml".
 * Borrowed string.
 */
const char *manifest_path(const char *flag);

/*
 * The reserved prefix tag key begins with, as a lambda.yml(5) message
 * names it ("aws:" or "lambdactl:"), or NULL.  "aws:" in any case is
 * AWS's own (CloudFormation's, SAM's: AWS refuses to let anyone add or
 * remove one); "lambdactl:" is lambdactl's records of what it wired (the
 * markers of triggers.h and deploy.h).  lambda.yml may not set such a
 * tag, init leaves them out, and deploy never compares nor removes one.
 */
const char *manifest_tag_reserved(const char *key);

/* Whether s is a function name lambda.yml takes: 1 to 64 of
 * [A-Za-z0-9_-]. */
int manifest_valid_fn_name(const char *s);

/*
 * The first function of m that sets a region of its own (not empty), or
 * NULL: where only the functions say where they are.
 */
const struct manifest_fn *manifest_fn_with_region(const struct manifest *m);

/* Whether runtime is a custom runtime (provided, provided.al2, ...). */
int manifest_is_provided(const char *runtime);

/*
 * The checks of s3_bucket and s3_prefix, for flags too: 0 when s is
 * fine, else -1 with why = "WHAT must ..." (what: "'s3_bucket'",
 * "--s3-bucket").
 */
int manifest_check_s3_bucket(const char *what, const char *s, char *why,
    size_t len);
int manifest_check_s3_prefix(const char *what, const char *s, char *why,
    size_t len);

#endif
