/*
 * cmd-login.c - lambdactl login: the SSO OIDC device authorization flow
 * for the profile's sso-session (or legacy sso_start_url), writing the
 * token cache the AWS CLI reads and writes.  The user opens the URL
 * printed on stderr; no browser is started and stdin is never read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "clock.h"
#include "cmd.h"
#include "log.h"
#include "sso.h"
#include "term.h"
#include "timeparse.h"
#include "xmalloc.h"

/* RFC 8628: slow_down adds this many seconds to the polling interval. */
#define SLOW_DOWN_SECONDS	5

/* Sleeps s seconds (a signal ends the process, or the sleep early). */
static void
sleep_seconds(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * A registration for sp: 1 with the cached one (unless fresh is set), 0
 * with a new one (then cached), or -1 with err.
 */
static int
get_registration(struct aws_client *c, const struct sso_profile *sp,
    int fresh, struct sso_registration *r, struct lc_err *err)
{
	struct lc_err e;

	if (!fresh && sso_registration_load(r, sp, time(NULL)) == 0)
		return 1;
	if (sso_register_client(c, "lambdactl", sp->scopes, sp->nscopes, r,
	    err) == -1)
		return -1;
	/* Only a help for the next login: a failure is no reason to stop. */
	if (sso_registration_save(r, sp, &e) == -1)
		log_warn("%s", e.msg);
	return 0;
}

/*
 * Registers (or reuses a registration) and starts the device
 * authorization.  A cached registration the service no longer knows
 * (revoked, another endpoint's) is replaced once.
 */
static int
start(struct aws_client *c, const struct sso_profile *sp,
    struct sso_registration *r, struct sso_device *d, struct lc_err *err)
{
	int cached, fresh = 0;

	for (;;) {
		if ((cached = get_registration(c, sp, fresh, r, err)) == -1)
			return -1;
		if (sso_start_device_authorization(c, r, sp->start_url, d,
		    err) == 0)
			return 0;
		if (!cached || !lc_error_is(err, "InvalidClientException"))
			return -1;
		log_debug("the cached client registration was refused: %s",
		    err->msg);
		sso_registration_release(r);
		fresh = 1;
	}
}

/* Tells the user where to go, on stderr (escaped on a terminal). */
static void
prompt(const struct sso_profile *sp, const struct sso_device *d)
{
	int esc = term_escaping(STDERR_FILENO, 0);

	term_printf(stderr, esc, "lambdactl: to sign in to %s, open this URL "
	    "in a browser (on any device):\n\n    %s\n\nand enter the code:\n"
	    "\n    %s\n\n", sp->start_url, d->verification_uri, d->user_code);
	if (d->verification_uri_complete != NULL)
		term_printf(stderr, esc, "or open this URL, which fills the "
		    "code in:\n\n    %s\n\n", d->verification_uri_complete);
	term_printf(stderr, esc, "lambdactl: waiting for the sign-in (the "
	    "code expires in %ld s)...\n", d->expires_in);
	fflush(stderr);
}

/*
 * Whether err is SSO OIDC's NAMEException (the x-amzn-ErrorType header)
 * or, from a service that sends only the body, RFC 8628's oauth code.
 */
static int
oidc_error_is(const struct lc_err *err, const char *name, const char *oauth)
{
	char code[64];

	snprintf(code, sizeof code, "%sException", name);
	return lc_error_is(err, code) || lc_error_is(err, oauth);
}

/*
 * Polls CreateToken every interval seconds until the sign-in is approved,
 * refused, or the device code expires (the service says so, or its
 * expiresIn passes).
 */
static int
poll_token(struct aws_client *c, const struct sso_registration *r,
    const struct sso_device *d, struct sso_grant *g, struct lc_err *err)
{
	double deadline = clock_ms() + (double)d->expires_in * 1000, left;
	long interval = d->interval;

	for (;;) {
		left = (deadline - clock_ms()) / 1000;
		if (left <= 0)
			break;
		sleep_seconds(left < (double)interval ? left : interval);
		if (sso_create_token(c, r, SSO_GRANT_DEVICE, d->device_code,
		    g, err) == 0)
			return 0;
		if (oidc_error_is(err, "SlowDown", "slow_down"))
			interval += SLOW_DOWN_SECONDS;
		else if (oidc_error_is(err, "ExpiredToken", "expired_token"))
			break;
		else if (oidc_error_is(err, "AccessDenied", "access_denied"))
			return lc_error(err, LC_EFAIL, "the sign-in was "
			    "denied");
		else if (!oidc_error_is(err, "AuthorizationPending",
		    "authorization_pending"))
			return -1;
		log_debug("login: %s; polling again in %ld s", err->code,
		    interval);
	}
	return lc_error(err, LC_EFAIL, "the code expired before the sign-in "
	    "was completed; run 'lambdactl login' again");
}

/* The token cache entry the AWS CLI writes, from a granted token. */
static int
save_token(const struct sso_profile *sp, struct sso_registration *r,
    struct sso_grant *g, time_t *expires_at, struct lc_err *err)
{
	struct sso_token t = { 0 };
	int rv;

	t.start_url = xstrdup(sp->start_url);
	t.region = xstrdup(sp->region);
	t.access_token = g->access_token;
	g->access_token = NULL;
	t.expires_at = time(NULL) + g->expires_in;
	t.client_id = xstrdup(r->client_id);
	t.client_secret = xstrdup(r->client_secret);
	t.registration_expires_at = r->expires_at;
	t.refresh_token = g->refresh_token;
	g->refresh_token = NULL;
	rv = sso_token_save(&t, sso_profile_key(sp), NULL, err);
	*expires_at = t.expires_at;
	sso_token_release(&t);
	return rv;
}

/* "logged in: SESSION, token valid until TIME", or its JSON. */
static void
report(const struct cmd_ctx *ctx, const struct sso_profile *sp,
    time_t expires_at)
{
	struct buf when = BUF_INIT;
	cJSON *o;

	timeparse_format(&when, (int64_t)expires_at * 1000, TIMEPARSE_Z);
	if (ctx->output == OUTPUT_JSON) {
		o = cJSON_CreateObject();
		/* schema/lambdactl-login.json */
		cJSON_AddStringToObject(o, "profile", sp->profile);
		if (sp->session != NULL)
			cJSON_AddStringToObject(o, "sso_session",
			    sp->session);
		cJSON_AddStringToObject(o, "start_url", sp->start_url);
		cJSON_AddStringToObject(o, "expires_at", when.data);
		cmd_print_json(o);
	} else
		term_printf(stdout, term_escaping(STDOUT_FILENO, 0),
		    "logged in: %s, token valid until %s\n",
		    sso_profile_key(sp), when.data);
	buf_release(&when);
}

static int
login_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct sso_profile sp = { 0 };
	struct sso_registration r = { 0 };
	struct sso_device d = { 0 };
	struct sso_grant g = { 0 };
	struct http_opts ho;
	struct aws_client c = { 0 };
	time_t expires_at;
	int rv, status = -1;

	(void)a;
	if (aws_config_load(&ctx->cfg, ctx->profile, ctx->manifest.profile,
	    &ctx->err) == -1)
		return -1;
	if ((rv = sso_profile_load(&sp, &ctx->cfg, ctx->cfg.profile, 0,
	    &ctx->err)) == -1)
		return -1;
	if (rv == 0)
		return lc_error(&ctx->err, LC_ECONFIG, "login: profile '%s' "
		    "does not use SSO (it has neither sso_session nor "
		    "sso_start_url)", ctx->cfg.profile);
	cmd_http_opts(ctx, &ho);
	c.http = http_client_new(&ho);
	c.cfg = &ctx->cfg;
	c.region = sp.region;
	if (start(&c, &sp, &r, &d, &ctx->err) == -1)
		goto out;
	prompt(&sp, &d);
	if (poll_token(&c, &r, &d, &g, &ctx->err) == -1 ||
	    save_token(&sp, &r, &g, &expires_at, &ctx->err) == -1)
		goto out;
	report(ctx, &sp, expires_at);
	status = LC_OK;
out:
	if (status != LC_OK)
		lc_error_prefix(&ctx->err, "login (profile '%s')", sp.profile);
	sso_grant_release(&g);
	sso_device_release(&d);
	sso_registration_release(&r);
	sso_profile_release(&sp);
	http_client_free(c.http);
	return status;
}

const struct cmd_entry cmd_login_entry = {
	.name = "login",
	.summary = "Sign in to IAM Identity Center (SSO) for a profile",
	.usage = "[--profile NAME]",
	.opts = NULL,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_DEFER_ENV,
	.exec = login_exec,
};
