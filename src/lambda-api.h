/*
 * lambda-api.h - AWS Lambda operations (REST-JSON, API version 2015-03-31)
 * and the waiter.  Thin: each call builds one request, parses one response
 * and returns a status; the decisions live in deploy.c.
 */
#ifndef LC_LAMBDA_API_H
#define LC_LAMBDA_API_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "aws.h"
#include "err.h"
#include "manifest.h"

/* A function's configuration as Lambda reports it. */
struct lambda_config {
	char			*name;
	char			*arn;
	char			*runtime;
	char			*handler;	/* NULL when none */
	char			*role;
	char			*description;	/* "" when none */
	char			*architecture;	/* Architectures[0]; "x86_64" */
	long			 memory;
	long			 timeout;
	long			 ephemeral_storage;	/* MB; 512 when absent */
	struct manifest_kv	*env;		/* sorted by key; values wiped */
	size_t			 nenv;
	char			**layers;	/* Layers[].Arn, in order */
	size_t			 nlayers;
	char			*code_sha256;
	int64_t			 code_size;
	char			*revision_id;
	char			*version;	/* "$LATEST" or a number */
	char			*last_modified;
	char			*state;		/* Pending, Active, Inactive, Failed */
	char			*state_reason;
	char			*last_update_status;	/* InProgress, Successful, Failed */
	char			*last_update_status_reason;
	char			*log_group;	/* LoggingConfig.LogGroup (the
						 * table's logging.group); NULL */
	/* Issue 15's settings, as the table (fnsettings.c) reads them. */
	char			**subnets;	/* VpcConfig.SubnetIds */
	size_t			 nsubnets;
	char			**security_groups;	/* VpcConfig.SecurityGroupIds */
	size_t			 nsecurity_groups;
	char			*tracing;	/* TracingConfig.Mode */
	char			*kms_key;	/* KMSKeyArn */
	char			*dead_letter;	/* DeadLetterConfig.TargetArn */
	char			*log_format;	/* LoggingConfig.LogFormat */
	char			*log_level;	/* LoggingConfig.ApplicationLogLevel */
	char			*system_log_level;	/* LoggingConfig.SystemLogLevel */
	char			*snap_start;	/* SnapStart.ApplyOn */
	/* GetFunction's Concurrency.ReservedConcurrentExecutions;
	 * MANIFEST_NO_CONCURRENCY when absent (and from other calls). */
	long			 reserved_concurrency;
	/* GetFunction's "Tags" (sorted by key); none from other calls. */
	struct manifest_kv	*tags;
	size_t			 ntags;
	/* GetFunction's Code.Location: a presigned URL of the code zip,
	 * valid for minutes (a secret: wiped); NULL from other calls. */
	char			*code_location;
};

void lambda_config_release(struct lambda_config *cfg);

/*
 * Parses a FunctionConfiguration object (the body of CreateFunction,
 * UpdateFunction*, PublishVersion, one item of ListFunctions; or the
 * "Configuration" member of GetFunction's body).  Missing optional members
 * are NULL (strings) or 0 (numbers, but ephemeral_storage 512 and
 * architecture "x86_64").  Returns 0, or -1 with err naming op.
 */
int lambda_config_parse(const char *op, const char *json, size_t len,
    struct lambda_config *cfg, struct lc_err *err);

/* GetFunction.  Returns 1 with cfg filled, 0 when there is no such
 * function (ResourceNotFoundException), -1 with err (err->code holds the
 * AWS error code, if any). */
int lambda_get_function(struct aws_client *c, const char *name,
    struct lambda_config *cfg, struct lc_err *err);

/* Code in S3 (lambda.yml's s3_bucket): where Lambda takes it from. */
struct lambda_s3_code {
	const char	*bucket;
	const char	*key;
};

/*
 * CreateFunction from the zip at zip_path, with fn's configuration and
 * role_arn.  The zip travels base64-encoded inside the JSON body
 * (Code.ZipFile); the body is streamed from the file, never held whole in
 * memory, and its SHA-256 computed in a first streaming pass.  publish sets
 * Publish.  progress (may be NULL) is called as the body goes out.  When
 * the function exists, err->code is ResourceConflictException.  s3 set:
 * the code is Code.S3Bucket/S3Key instead (zip_path and progress unused).
 */
int lambda_create_function(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const char *zip_path,
    const struct lambda_s3_code *s3, int publish,
    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
    struct lambda_config *out, struct lc_err *err);

/* UpdateFunctionCode of fn, streamed the same way (or from s3, as
 * CreateFunction), with the settings that go with the code
 * (Architectures); revision_id (may be NULL) sets RevisionId. */
int lambda_update_code(struct aws_client *c, const struct manifest_fn *fn,
    const char *zip_path, const struct lambda_s3_code *s3,
    const char *revision_id,
    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
    struct lambda_config *out, struct lc_err *err);

/* UpdateFunctionConfiguration with every setting of the table that is not
 * the code's nor create-only (fnsettings.c), unset ones empty so that
 * removals take effect; RevisionId when revision_id is set. */
int lambda_update_config(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const char *revision_id, struct lambda_config *out,
    struct lc_err *err);

/* PublishVersion with the CodeSha256 and RevisionId preconditions; *version
 * is the new version number (an answer whose Version is not one, such as
 * "$LATEST", is an "unexpected response"), the caller's; *state (state may be NULL; NULL
 * when the answer has none) the version's State, the caller's: Pending
 * while Lambda readies it (SnapStart's snapshot), Active once done. */
int lambda_publish_version(struct aws_client *c, const char *name,
    const char *code_sha256, const char *revision_id,
    const char *description, char **version, char **state,
    struct lc_err *err);

/* DeleteFunction.  Returns 0, or -1 (a missing function is an error). */
int lambda_delete_function(struct aws_client *c, const char *name,
    struct lc_err *err);

/* ListFunctions, every page (Marker).  *out is the caller's: free each with
 * lambda_config_release, then the array. */
int lambda_list_functions(struct aws_client *c, struct lambda_config **out,
    size_t *n, struct lc_err *err);

/*
 * The waits' polling interval after one of prev_ms (0: none yet): the
 * first poll comes LAMBDA_POLL_FIRST_MS after the request, each next one
 * later by half again, at most max_ms (0: 1000).  lambda_wait and
 * lambda_wait_version (lambda-versions.h) poll this way.
 */
#define LAMBDA_POLL_FIRST_MS	250
long lambda_poll_next(long prev_ms, long max_ms);

/*
 * Polls GetFunction (lambda_poll) until State is Active (or Inactive) and
 * LastUpdateStatus is not InProgress: first LAMBDA_POLL_FIRST_MS after the
 * call (the request that made the function busy has just been answered),
 * then each time half as long again, at most poll_ms apart
 * (lambda_poll_next).  State or LastUpdateStatus Failed:
 * -1 with the reason ("the update failed: <LastUpdateStatusReason>").
 * timeout_s reached: -1 naming what it was waiting for and the last state.
 * AccessDeniedException: -1 at once, with a hint about the missing
 * lambda:GetFunction permission.  on_change (may be NULL) is called with
 * each new (State, LastUpdateStatus) pair, for a TTY display.  out (may be
 * NULL) receives the last configuration seen.  stop (may be NULL) set
 * (a signal): -1 within 0.1 s, lc_error_interrupted (the wait only reads:
 * safe to cut).
 */
int lambda_wait(struct aws_client *c, const char *name, long timeout_s,
    long poll_ms, const volatile sig_atomic_t *stop,
    void (*on_change)(void *, const char *, const char *),
    void *arg, struct lambda_config *out, struct lc_err *err);

/*
 * The waits' loop: what lambda_poll polls, and how it judges the answer.
 * lambda_wait polls GetFunction, lambda_wait_version (lambda-versions.h)
 * GetFunctionConfiguration of one version.
 */
struct lambda_poll_spec {
	/* One read into cfg (the loop's): 0, or -1 with err. */
	int	(*fetch)(struct aws_client *c, const void *arg,
		    struct lambda_config *cfg, struct lc_err *err);
	/* Whether cfg is what is awaited: 1, 0 not yet, -1 with err. */
	int	(*ready)(const void *arg, const struct lambda_config *cfg,
		    struct lc_err *err);
	const void	*arg;	/* theirs */
	/* The call fetch makes, named in the hint an AccessDeniedException
	 * gets: "the credentials need lambda:OP". */
	const char	*op;
	/* "the function to settle": the timeout's "waiting for WHAT". */
	const char	*what;
	int		 with_update;	/* the timeout names LastUpdateStatus */
	/* Set (a signal): the loop stops, lc_error_interrupted; NULL: none. */
	const volatile sig_atomic_t *stop;
};

/*
 * Polls p until p->ready says 1 (0 returned) or -1 (-1), for at most
 * timeout_s: first LAMBDA_POLL_FIRST_MS after the call, then on
 * lambda_poll_next's schedule up to poll_ms, pausing with c->sleep_ms
 * when set.  on_change (may be NULL) gets each new (State,
 * LastUpdateStatus) pair; out (may be NULL) the last configuration seen.
 * The timeout: -1 with "timed out after N s waiting for WHAT (State S)".
 */
int lambda_poll(struct aws_client *c, const struct lambda_poll_spec *p,
    long timeout_s, long poll_ms,
    void (*on_change)(void *, const char *, const char *), void *arg,
    struct lambda_config *out, struct lc_err *err);

/* ---- lambda-settings.c: what a function has outside its configuration ---- */

/* PutFunctionConcurrency: n (0 or more) reserved concurrent executions. */
int lambda_put_concurrency(struct aws_client *c, const char *name, long n,
    struct lc_err *err);
/* DeleteFunctionConcurrency: none reserved (none there is no error). */
int lambda_delete_concurrency(struct aws_client *c, const char *name,
    struct lc_err *err);

/*
 * A function's asynchronous invocation configuration
 * (FunctionEventInvokeConfig of the unqualified function): every member
 * PutFunctionEventInvokeConfig takes, so that what is read can be sent
 * back whole.
 */
struct lambda_invoke_config {
	char	*on_success;	/* DestinationConfig.OnSuccess.Destination */
	char	*on_failure;	/* DestinationConfig.OnFailure.Destination */
	long	 max_retries;	/* MaximumRetryAttempts; -1: not set */
	long	 max_age;	/* MaximumEventAgeInSeconds; -1: not set */
};

/* An empty configuration (nothing set). */
void lambda_invoke_config_init(struct lambda_invoke_config *ic);
void lambda_invoke_config_release(struct lambda_invoke_config *ic);
/* Whether ic sets nothing at all. */
int lambda_invoke_config_empty(const struct lambda_invoke_config *ic);

/* GetFunctionEventInvokeConfig: 1 with ic filled, 0 when there is none
 * (ResourceNotFoundException; ic empty), -1 with err. */
int lambda_get_invoke_config(struct aws_client *c, const char *name,
    struct lambda_invoke_config *ic, struct lc_err *err);
/* PutFunctionEventInvokeConfig with ic: it replaces the whole
 * configuration (a member ic leaves unset is removed). */
int lambda_put_invoke_config(struct aws_client *c, const char *name,
    const struct lambda_invoke_config *ic, struct lc_err *err);
/* DeleteFunctionEventInvokeConfig; none there is not an error. */
int lambda_delete_invoke_config(struct aws_client *c, const char *name,
    struct lc_err *err);

/* Pure, for unit tests and fuzzing: a FunctionEventInvokeConfig body
 * (0, or -1 with err naming op) and PutFunctionEventInvokeConfig's body
 * (the caller frees it). */
int lambda_invoke_config_parse(const char *op, const char *json, size_t len,
    struct lambda_invoke_config *ic, struct lc_err *err);
char *lambda_invoke_config_json(const struct lambda_invoke_config *ic);

struct lambda_invoke_req {
	const char	*name;
	const char	*qualifier;	/* NULL: $LATEST */
	const char	*type;		/* RequestResponse, Event, DryRun */
	int		 tail;		/* X-Amz-Log-Type: Tail */
	const char	*client_context;	/* JSON text; NULL: none */
	const void	*payload;
	size_t		 len;
	long		 read_timeout;	/* idle seconds; 0: the client's */
};

struct lambda_invoke_res {
	long		 status;		/* 200, 202, 204 */
	char		*function_error;	/* Handled, Unhandled; NULL */
	char		*log_tail;		/* X-Amz-Log-Result, decoded */
	int		 log_invalid;		/* it was there but not base64 */
	char		*executed_version;
	char		*request_id;
	struct buf	 payload;
};

/*
 * Invoke.  A RequestResponse invoke is never retried once its body may
 * have reached Lambda (that could run the function twice), but for
 * throttling.  Returns 0 whenever Lambda answered 2xx, function error or
 * not; -1 with err otherwise (err->code holds AWS's error code, if any).
 */
int lambda_invoke(struct aws_client *c, const struct lambda_invoke_req *rq,
    struct lambda_invoke_res *rs, struct lc_err *err);
void lambda_invoke_res_release(struct lambda_invoke_res *rs);

/* ---- lambda-json.c, exposed for unit tests and fuzzing ---- */

/* A GetFunction body: its "Configuration".  0, or -1 with err. */
int lambda_function_parse(const char *json, size_t len,
    struct lambda_config *cfg, struct lc_err *err);

/*
 * One ListFunctions page: appends its functions to *out (*n of them, the
 * array grown with xrealloc) and sets *next to its NextMarker (the
 * caller's) or NULL.  0, or -1 with err, *out still the caller's.
 */
int lambda_list_parse(const char *json, size_t len,
    struct lambda_config **out, size_t *n, char **next, struct lc_err *err);

/* Fills rs from a 2xx Invoke response's status and headers, taking its
 * body over (http's is left empty). */
void lambda_invoke_res_take(struct lambda_invoke_res *rs,
    struct http_response *http);

/* The largest Code.ZipFile placeholder, NUL included. */
#define LAMBDA_PLACEHOLDER_MAX	64

/*
 * The JSON bodies of CreateFunction, UpdateFunctionCode (zipfile is the
 * Code.ZipFile or ZipFile value: the placeholder; fn NULL: no settings) and
 * UpdateFunctionConfiguration, printed unformatted, their settings from the
 * table (fnsettings.h).  They may hold environment values: the caller frees
 * them with free_secret.
 */
char *lambda_create_json(const struct manifest_fn *fn, const char *role_arn,
    int publish, const char *zipfile);
char *lambda_code_json(const struct manifest_fn *fn, const char *revision_id,
    const char *zipfile);
/* The same with the code in S3 when s3 is set (zipfile then unused). */
char *lambda_create_s3_json(const struct manifest_fn *fn, const char *role_arn,
    int publish, const char *zipfile, const struct lambda_s3_code *s3);
char *lambda_code_s3_json(const struct manifest_fn *fn, const char *revision_id,
    const char *zipfile, const struct lambda_s3_code *s3);
char *lambda_config_json(const struct manifest_fn *fn, const char *role_arn,
    const char *revision_id);
/* PublishVersion's body (each member left out when NULL); the caller
 * frees it.  (The aliases' bodies are lambda-versions.c's.) */
char *lambda_publish_json(const char *code_sha256, const char *revision_id,
    const char *description);

#endif
