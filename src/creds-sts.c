/* creds-sts.c - credential providers: role_arn profiles (AssumeRole) and web identity (AssumeRoleWithWebIdentity).  (To be written.) */
#include "creds-private.h"

int
creds_load_assume_role(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	(void)c;
	(void)ctx;
	(void)err;
	return 0;
}

int
creds_load_web_identity(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	(void)c;
	(void)ctx;
	(void)err;
	return 0;
}
