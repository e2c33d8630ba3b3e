/* creds-meta.c - credential providers: the container credentials endpoint and IMDSv2.  (To be written.) */
#include "creds-private.h"

int
creds_load_container(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	(void)c;
	(void)ctx;
	(void)err;
	return 0;
}

int
creds_load_imds(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	(void)c;
	(void)ctx;
	(void)err;
	return 0;
}
