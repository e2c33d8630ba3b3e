/* creds-sso.c - credential providers: IAM Identity Center (SSO) profiles.  (To be written.) */
#include "creds-private.h"

int
creds_load_sso(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	(void)c;
	(void)ctx;
	(void)err;
	return 0;
}
