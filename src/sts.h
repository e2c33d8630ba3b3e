/* sts.h - AWS STS: who the credentials belong to. */
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

#endif
