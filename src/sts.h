/*
 * sts.h - AWS STS: who the credentials belong to, and the roles they may
 * assume (AssumeRole, AssumeRoleWithWebIdentity) for the credential
 * providers (creds-sts.c).
 */
#ifndef LC_STS_H
#define LC_STS_H

#include "aws.h"
#include "err.h"

struct sts_identity {
	char	*account;	/* 123456789012 */
	char	*arn;		/* arn:aws:iam::123456789012:user/alice */
	char	*user_id;
};

/* STS GetCallerIdentity.  Returns 0, or -1 with err. */
int sts_get_caller_identity(struct aws_client *c, struct sts_identity *id,
    struct lc_err *err);
void sts_identity_release(struct sts_identity *id);

/*
 * The IAM role ARN for role, the one place such an ARN is built: an ARN is
 * returned as it is; a bare name becomes arn:PARTITION:iam::ACCOUNT:role/NAME,
 * PARTITION taken from arn (any ARN: the caller's, a function's; "aws" when
 * arn is NULL or not an ARN), ACCOUNT from account or, when that is NULL,
 * from arn (without one, role comes back as it is).  The caller frees it.
 */
char *sts_role_arn_like(const char *role, const char *arn,
    const char *account);
/* sts_role_arn_like in the account and partition of the caller, id. */
char *sts_role_arn(const struct sts_identity *id, const char *role);

/* What AssumeRole and AssumeRoleWithWebIdentity send. */
struct sts_assume {
	const char	*role_arn;
	const char	*session_name;	/* RoleSessionName */
	const char	*external_id;	/* or NULL */
	const char	*serial_number;	/* mfa_serial, or NULL */
	const char	*token_code;	/* the MFA code, with serial_number */
	long		 duration;	/* DurationSeconds; 0: STS's default */
	/* AssumeRoleWithWebIdentity: the token, sent as it was read. */
	const char	*web_identity_token;
};

/* What they answer; every string is the caller's, the secrets wiped. */
struct sts_role_creds {
	char	*access_key_id;
	char	*secret_access_key;
	char	*session_token;
	char	*expiration;		/* as sent: "2026-01-01T00:00:00Z" */
	char	*assumed_role_id;	/* AssumedRoleUser, or NULL */
	char	*arn;			/* AssumedRoleUser, or NULL */
};

/*
 * STS AssumeRole, signed with c->creds (the source credentials).  Returns
 * 0 with out filled, or -1 with err: "AssumeRole: CODE: message" or a
 * transport failure (LC_EFAIL), a response without credentials (LC_EFAIL).
 */
int sts_assume_role(struct aws_client *c, const struct sts_assume *a,
    struct sts_role_creds *out, struct lc_err *err);
/*
 * STS AssumeRoleWithWebIdentity with a->web_identity_token; c->creds must
 * be NULL (the call is unsigned).  As sts_assume_role otherwise.
 */
int sts_assume_role_web_identity(struct aws_client *c,
    const struct sts_assume *a, struct sts_role_creds *out,
    struct lc_err *err);
/*
 * The credentials in an AssumeRole* response body (len bytes of XML), op
 * naming the call in messages: AccessKeyId, SecretAccessKey, SessionToken
 * and Expiration non-empty, no control character in them.  Messages never
 * quote a key.  No I/O: for the calls above, the tests and the fuzzer.
 */
int sts_parse_role_creds(const char *xml, size_t len, const char *op,
    struct sts_role_creds *out, struct lc_err *err);
/* Frees what out holds, the secrets wiped. */
void sts_role_creds_release(struct sts_role_creds *out);

/*
 * The AWS CLI's name for a's credentials in ~/.aws/cli/cache (botocore's
 * _create_cache_key): the JSON text Python's json.dumps(args,
 * sort_keys=True) makes, default separators ", " and ": ", ASCII only, of
 * {DurationSeconds (a number; when not 0), ExternalId, RoleArn,
 * RoleSessionName, SerialNumber} (each when not NULL: leave out a session
 * name that was not configured).  creds_cache_path hashes it.  The caller
 * frees it.
 */
char *sts_cache_key(const struct sts_assume *a);
/* The account field of an ARN, or NULL; the caller frees it. */
char *sts_arn_account(const char *arn);

#endif
