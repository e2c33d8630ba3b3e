/*
 * creds-sso.c - credential provider: IAM Identity Center (SSO) profiles,
 * as botocore's SSOProvider.  The access token comes from the AWS CLI's
 * token cache (`lambdactl login` or `aws sso login` wrote it); an
 * sso_session profile's token is refreshed through SSO OIDC when it is
 * within SSO_REFRESH_WINDOW of its expiry and written back; the portal's
 * GetRoleCredentials then gives the role's keys.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "creds-private.h"
#include "log.h"
#include "sso.h"
#include "xmalloc.h"

/* The one advice for a token that is missing, expired or refused. */
static int
login_advice(const struct sso_profile *sp, struct lc_err *err)
{
	return lc_error(err, LC_ECONFIG, "profile '%s': the SSO session has "
	    "expired or there is none; run 'lambdactl login --profile %s'",
	    sp->profile, sp->profile);
}

/* A client for service calls in the SSO region: unsigned. */
static void
sso_client(struct aws_client *c, struct creds_ctx *ctx,
    const struct sso_profile *sp)
{
	memset(c, 0, sizeof *c);
	c->http = creds_http(ctx);
	c->cfg = ctx->cfg;
	c->region = sp->region;
}

/*
 * CreateToken with t's refresh token, t updated and written back over raw
 * (the file's other members kept; a failure to write is a warning).
 */
static int
refresh(struct sso_token *t, const cJSON *raw, const struct sso_profile *sp,
    struct creds_ctx *ctx, struct lc_err *err)
{
	struct sso_registration r = { t->client_id, t->client_secret, 0 };
	struct sso_grant g;
	struct aws_client c;

	sso_client(&c, ctx, sp);
	if (sso_create_token(&c, &r, SSO_GRANT_REFRESH, t->refresh_token, &g,
	    err) == -1)
		return -1;
	free_secret(t->access_token);
	t->access_token = g.access_token;
	g.access_token = NULL;
	/* botocore keeps only what the answer brought. */
	free_secret(t->refresh_token);
	t->refresh_token = g.refresh_token;
	g.refresh_token = NULL;
	t->expires_at = ctx->now + g.expires_in;
	if (t->start_url == NULL)
		t->start_url = xstrdup(sp->start_url);
	free(t->region);
	t->region = xstrdup(sp->region);
	sso_grant_release(&g);
	log_debug("profile '%s': SSO token refreshed", sp->profile);
	/*
	 * The new token serves this run either way; but the refresh token
	 * may have been rotated, and lost unless said.
	 */
	if (sso_token_save(t, sso_profile_key(sp), raw, err) == -1)
		log_warn("profile '%s': the refreshed SSO token was not saved: "
		    "%s", sp->profile, err->msg);
	return 0;
}

/*
 * A usable access token for sp in t: the cached one, refreshed first when
 * it is about to expire and can be (sso_session profiles only, as
 * botocore).  A refresh that fails leaves the old token if it has not
 * expired yet.
 */
static int
get_token(struct sso_token *t, const struct sso_profile *sp,
    struct creds_ctx *ctx, struct lc_err *err)
{
	struct lc_err e = { 0 };
	cJSON *raw = NULL;
	int rv = -1;

	if (sso_token_load(t, sso_profile_key(sp), &raw) == -1)
		return login_advice(sp, err);
	if (sp->session != NULL &&
	    t->expires_at - ctx->now < SSO_REFRESH_WINDOW &&
	    sso_token_refreshable(t, ctx->now) &&
	    refresh(t, raw, sp, ctx, &e) == -1) {
		log_debug("profile '%s': refreshing the SSO token failed: %s",
		    sp->profile, e.msg);
		if (t->expires_at <= ctx->now && !creds_refused(&e)) {
			*err = e;
			lc_error_prefix(err, "profile '%s': refreshing the SSO "
			    "token", sp->profile);
			goto out;
		}
	}
	if (t->expires_at <= ctx->now) {
		login_advice(sp, err);
		goto out;
	}
	rv = 0;
out:
	creds_json_free(raw);
	return rv;
}

int
creds_load_sso(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	struct sso_profile sp;
	struct sso_token t = { 0 };
	struct aws_client ac;
	int r;

	if ((r = sso_profile_load(&sp, ctx->cfg, ctx->profile, 1, err)) != 1)
		return r;
	r = -1;
	if (get_token(&t, &sp, ctx, err) == -1)
		goto out;
	sso_client(&ac, ctx, &sp);
	if (sso_get_role_credentials(&ac, t.access_token, sp.account_id,
	    sp.role_name, ctx->now, c, xasprintf("sso (profile %s)",
	    sp.profile), err) == 0)
		r = 1;
	else if (lc_error_is(err, "UnauthorizedException"))
		login_advice(&sp, err);
	else {
		if (lc_error_is(err, "ForbiddenException"))
			err->status = LC_ECONFIG;
		lc_error_prefix(err, "profile '%s' (SSO account %s, role %s)",
		    sp.profile, sp.account_id, sp.role_name);
	}
out:
	sso_token_release(&t);
	sso_profile_release(&sp);
	return r;
}
