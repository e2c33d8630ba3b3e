/*
 * lambda-triggers.h - the Lambda operations behind triggers (issue 13):
 * the function's resource policy (AddPermission, RemovePermission,
 * GetPolicy), event source mappings, function URLs, and tags.  REST-JSON
 * 2015-03-31 as lambda-api.c (URL configs use API version 2021-10-31).
 * Thin: the decisions live in triggers.c.
 *
 * name is a function name or ARN; qualifier an alias or version, NULL for
 * the unqualified function.
 */
#ifndef LC_LAMBDA_TRIGGERS_H
#define LC_LAMBDA_TRIGGERS_H

#include <stddef.h>

#include "aws.h"
#include "err.h"
#include "manifest.h"

/* One statement of a resource policy, as AddPermission takes it and as
 * GetPolicy reports it (only the members lambdactl writes). */
struct lambda_statement {
	char	*sid;
	char	*principal;	/* "events.amazonaws.com", "s3.amazonaws.com",
				 * "*" */
	char	*action;	/* "lambda:InvokeFunction",
				 * "lambda:InvokeFunctionUrl" */
	char	*source_arn;	/* Condition ArnLike AWS:SourceArn; NULL */
	char	*source_account; /* Condition StringEquals AWS:SourceAccount;
				 * NULL */
	char	*url_auth_type;	/* Condition StringEquals
				 * lambda:FunctionUrlAuthType; NULL */
	/* AddPermission's InvokedViaFunctionUrl (lambda:InvokeFunction for
	 * function URLs only, which Lambda requires of URLs made since
	 * October 2025); read back from a lambda:InvokedViaFunctionUrl
	 * condition. */
	int	 via_url;
};

void lambda_statements_free(struct lambda_statement *s, size_t n);

/* GetPolicy: the statements (*out the caller's); no policy at all
 * (ResourceNotFoundException) is 0 statements, not an error. */
int lambda_get_policy(struct aws_client *c, const char *name,
    const char *qualifier, struct lambda_statement **out, size_t *n,
    struct lc_err *err);

/* AddPermission with s (sid, principal, action, the conditions set). */
int lambda_add_permission(struct aws_client *c, const char *name,
    const char *qualifier, const struct lambda_statement *s,
    struct lc_err *err);

/* RemovePermission; a statement already gone is not an error. */
int lambda_remove_permission(struct aws_client *c, const char *name,
    const char *qualifier, const char *sid, struct lc_err *err);

/* An event source mapping (SQS). */
struct lambda_esm {
	char	*uuid;
	char	*source_arn;	/* EventSourceArn */
	char	*function_arn;	/* FunctionArn (qualified as created) */
	char	*state;		/* Creating, Enabled, Disabled, ... */
	long	 batch_size;
	long	 batch_window;	/* MaximumBatchingWindowInSeconds */
	int	 enabled;	/* State is neither Disabled nor Disabling */
};

void lambda_esm_release(struct lambda_esm *m);
void lambda_esms_free(struct lambda_esm *m, size_t n);

/* ListEventSourceMappings of function (a name or ARN, qualified or not),
 * every page (Marker). */
int lambda_list_esms(struct aws_client *c, const char *function,
    struct lambda_esm **out, size_t *n, struct lc_err *err);

/* CreateEventSourceMapping of source_arn to function; out (may be NULL)
 * the new mapping. */
int lambda_create_esm(struct aws_client *c, const char *function,
    const char *source_arn, long batch_size, long batch_window, int enabled,
    struct lambda_esm *out, struct lc_err *err);

/* UpdateEventSourceMapping uuid: BatchSize, MaximumBatchingWindowInSeconds,
 * Enabled. */
int lambda_update_esm(struct aws_client *c, const char *uuid,
    long batch_size, long batch_window, int enabled, struct lc_err *err);

/* DeleteEventSourceMapping; one already gone is not an error. */
int lambda_delete_esm(struct aws_client *c, const char *uuid,
    struct lc_err *err);

/* A function URL's configuration. */
struct lambda_url {
	char	*url;		/* FunctionUrl */
	char	*auth_type;	/* AuthType */
	char	*function_arn;
};

void lambda_url_release(struct lambda_url *u);

/* GetFunctionUrlConfig: 1 with u filled, 0 when there is none, -1. */
int lambda_get_url(struct aws_client *c, const char *name,
    const char *qualifier, struct lambda_url *u, struct lc_err *err);

/* CreateFunctionUrlConfig (create 1) or UpdateFunctionUrlConfig with
 * AuthType auth; out (may be NULL) what Lambda answered. */
int lambda_put_url(struct aws_client *c, const char *name,
    const char *qualifier, const char *auth, int create,
    struct lambda_url *out, struct lc_err *err);

/* DeleteFunctionUrlConfig; none there is not an error. */
int lambda_delete_url(struct aws_client *c, const char *name,
    const char *qualifier, struct lc_err *err);

/* TagResource / UntagResource on a function ARN (the unqualified one). */
int lambda_tag(struct aws_client *c, const char *arn,
    const struct manifest_kv *tags, size_t n, struct lc_err *err);
int lambda_untag(struct aws_client *c, const char *arn, char *const *keys,
    size_t n, struct lc_err *err);

/* ---- lambda-json.c-style parsers, exposed for unit tests and fuzzing ---- */
/* GetPolicy's body: {"Policy": "<JSON text>", "RevisionId": ...}. */
int lambda_policy_parse(const char *json, size_t len,
    struct lambda_statement **out, size_t *n, struct lc_err *err);
/* One ListEventSourceMappings page: appends, *next its NextMarker. */
int lambda_esms_parse(const char *json, size_t len, struct lambda_esm **out,
    size_t *n, char **next, struct lc_err *err);
/* One EventSourceMappingConfiguration (Create/Update/Delete's answer). */
int lambda_esm_parse(const char *op, const char *json, size_t len,
    struct lambda_esm *m, struct lc_err *err);
/* A FunctionUrlConfig (Get/Create/UpdateFunctionUrlConfig's answer). */
int lambda_url_parse(const char *op, const char *json, size_t len,
    struct lambda_url *u, struct lc_err *err);

#endif
