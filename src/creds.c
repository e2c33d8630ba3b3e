/*
 * creds.c - the credential provider chain, in the AWS CLI's order, and the
 * refreshing of credentials that expire.  The providers of keys held here
 * (the environment's, a profile's static ones) sit beside the checks every
 * source goes through; the others have files of their own
 * (creds-private.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "awsconfig.h"
#include "buf.h"
#include "creds-private.h"
#include "creds.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "timeparse.h"
#include "xmalloc.h"


/*
 * How credentials that expire are got again: their provider and context,
 * and the lock that lets the threads of a deploy share them (creds_get).
 */
struct creds_refresh {
	creds_load_fn		*load;
	struct creds_ctx	 ctx;
	pthread_mutex_t		 mu;
	/* After a failed refresh in the advisory window, the next try. */
	time_t			 retry_after;
};

/* How long a failed advisory refresh waits before the next try. */
#define ADVISORY_RETRY	60

void
creds_fill(struct creds *c, const char *ak, const char *sk, const char *tok,
    char *source)
{
	c->access_key_id = xstrdup(ak);
	c->secret_access_key = xstrdup(sk);
	c->session_token = xstrdup(tok);
	c->source = source;
}

const char *
creds_control_char(const char *s, char tmp[32])
{
	unsigned char ch;

	for (; s != NULL && *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != 0x7f)
			continue;
		if (ch == '\n')
			return "a newline";
		if (ch == '\r')
			return "a carriage return";
		if (ch == '\t')
			return "a tab";
		snprintf(tmp, 32, "control character 0x%02x", ch);
		return tmp;
	}
	return NULL;
}

int
creds_check_key(const char *value, const char *where, const char *what,
    struct lc_err *err)
{
	char tmp[32];
	const char *bad;

	if ((bad = creds_control_char(value, tmp)) == NULL)
		return 0;
	return lc_error(err, LC_ECONFIG, "%s%s contains %s", where, what,
	    bad);
}

int
creds_check_setting(const struct aws_setting *s, struct lc_err *err)
{
	char *where;
	int rv;

	if (s == NULL)
		return 0;
	where = xasprintf("%s:%d: ", s->file != NULL ? s->file : "?",
	    s->line);
	rv = creds_check_key(s->value, where, s->key, err);
	free(where);
	return rv;
}

/*
 * botocore (dateutil) is as lenient: "t", "z", a space for the "T",
 * "+HHMM"; its own cache files end in "UTC" (strftime's %Z).
 */
int
creds_parse_time(const char *s, time_t *out)
{
	char *z = NULL;
	size_t n = strlen(s);
	int64_t ms;
	int rv;

	if (n > 3 && strcmp(s + n - 3, "UTC") == 0) {
		z = xasprintf("%.*sZ", (int)(n - 3), s);
		s = z;
	}
	rv = timeparse_iso(s, &ms);
	free(z);
	if (rv == -1)
		return -1;
	*out = (time_t)(ms / 1000 - (ms % 1000 < 0));
	return 0;
}

/* Sets *out to o's string member name (NULL: optional and absent). */
static int
json_member(const cJSON *o, const char *name, int required, const char **out,
    const char *what, struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	char tmp[32];
	const char *bad;

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		return lc_error(err, LC_ECONFIG, "%s: output has no '%s'",
		    what, name);
	}
	if (!cJSON_IsString(v) || (required && *v->valuestring == '\0'))
		return lc_error(err, LC_ECONFIG, "%s: '%s' is not a non-empty "
		    "string", what, name);
	if ((bad = creds_control_char(v->valuestring, tmp)) != NULL)
		return lc_error(err, LC_ECONFIG, "%s: '%s' contains %s", what,
		    name, bad);
	*out = v->valuestring;
	return 0;
}

/* o's expiration member name into *out (0: none), later than now. */
static int
json_expiration(const cJSON *o, const char *name, const char *what,
    time_t now, time_t *out, struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	struct buf when = BUF_INIT;
	const char *bad;
	char tmp[32];

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble > 0 &&
	    v->valuedouble < 1e15)
		*out = (time_t)(v->valuedouble / 1000);
	else if (!cJSON_IsString(v))
		return lc_error(err, LC_ECONFIG, "%s: %s is not a string (expected "
		    "RFC 3339, e.g. 2026-01-01T00:00:00Z)", what, name);
	else if (creds_parse_time(v->valuestring, out) == -1) {
		/* Quoted only when it cannot break the line. */
		if ((bad = creds_control_char(v->valuestring, tmp)) != NULL)
			return lc_error(err, LC_ECONFIG, "%s: invalid %s (it "
			    "contains %s; expected RFC 3339, e.g. "
			    "2026-01-01T00:00:00Z)", what, name, bad);
		return lc_error(err, LC_ECONFIG, "%s: invalid %s '%.64s' "
		    "(expected RFC 3339, e.g. 2026-01-01T00:00:00Z)", what,
		    name, v->valuestring);
	}
	/* botocore refuses them too: every request would fail. */
	if (*out <= now) {
		timeparse_format(&when, (int64_t)*out * 1000, TIMEPARSE_Z);
		lc_error(err, LC_ECONFIG, "%s: the credentials expired at %s "
		    "(%s is in the past)", what, when.data, name);
		buf_release(&when);
		return -1;
	}
	return 0;
}

int
creds_from_json(struct creds *c, const cJSON *o,
    const struct creds_json_names *n, const char *what, time_t now,
    char *source, struct lc_err *err)
{
	const char *ak, *sk, *tok = NULL;
	time_t expiration = 0;

	memset(c, 0, sizeof *c);
	if (!cJSON_IsObject(o)) {
		free(source);
		return lc_error(err, LC_ECONFIG, "%s: output is not a JSON "
		    "object", what);
	}
	if (json_member(o, n->access_key_id, 1, &ak, what, err) == -1 ||
	    json_member(o, n->secret_access_key, 1, &sk, what, err) == -1 ||
	    (n->session_token != NULL && json_member(o, n->session_token, 0,
	    &tok, what, err) == -1) ||
	    (n->expiration != NULL && json_expiration(o, n->expiration, what,
	    now, &expiration, err) == -1)) {
		free(source);
		return -1;
	}
	creds_fill(c, ak, sk, tok != NULL && *tok != '\0' ? tok : NULL,
	    source);
	c->expiration = expiration;
	return 0;
}

int
creds_refused(const struct lc_err *e)
{
	return e->code[0] != '\0' && strncmp(e->code, "HTTP 5", 6) != 0 &&
	    strcmp(e->code, "InternalServerException") != 0 &&
	    strcmp(e->code, "InternalFailure") != 0 &&
	    strcmp(e->code, "ServiceUnavailableException") != 0 &&
	    strcmp(e->code, "ServiceUnavailable") != 0 &&
	    !aws_is_throttle(e->code);
}

void
creds_json_free(cJSON *o)
{
	json_delete_wiped(o);
}

/*
 * Provider: AWS_ACCESS_KEY_ID and friends, unless --profile was given;
 * as a credential_source (ctx->nchain > 0) even then, as in botocore.
 */
int
creds_load_env(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	const char *ak, *sk, *tok, *tok_name = "AWS_SESSION_TOKEN";

	if (ctx->cfg->profile_from_flag && ctx->nchain == 0)
		return 0;
	ak = aws_env("AWS_ACCESS_KEY_ID");
	sk = aws_env("AWS_SECRET_ACCESS_KEY");
	if (ak == NULL && sk == NULL)
		return 0;
	if (sk == NULL)
		return lc_error(err, LC_ECONFIG, "AWS_ACCESS_KEY_ID is set "
		    "but AWS_SECRET_ACCESS_KEY is not");
	if (ak == NULL)
		return lc_error(err, LC_ECONFIG, "AWS_SECRET_ACCESS_KEY is set "
		    "but AWS_ACCESS_KEY_ID is not");
	if ((tok = aws_env(tok_name)) == NULL)
		tok = aws_env(tok_name = "AWS_SECURITY_TOKEN");
	if (creds_check_key(ak, "environment variable ", "AWS_ACCESS_KEY_ID",
	    err) == -1 ||
	    creds_check_key(sk, "environment variable ",
	    "AWS_SECRET_ACCESS_KEY", err) == -1 ||
	    creds_check_key(tok, "environment variable ", tok_name, err) == -1)
		return -1;
	creds_fill(c, ak, sk, tok, xstrdup("env"));
	return 1;
}

/* A profile's aws_access_key_id / aws_secret_access_key in one file. */
static int
load_keys(struct creds *c, struct creds_ctx *ctx, enum aws_file which,
    struct lc_err *err)
{
	const struct aws_setting *ak, *sk, *tok;
	const char *p = ctx->profile;

	ak = aws_profile_setting(ctx->cfg, p, "aws_access_key_id", which);
	sk = aws_profile_setting(ctx->cfg, p, "aws_secret_access_key", which);
	tok = aws_profile_setting(ctx->cfg, p, "aws_session_token", which);
	if (ak == NULL && sk == NULL)
		return 0;
	if (sk == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' in '%s' has "
		    "aws_access_key_id but no aws_secret_access_key", p,
		    ak->file);
	if (ak == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' in '%s' has "
		    "aws_secret_access_key but no aws_access_key_id", p,
		    sk->file);
	if (creds_check_setting(ak, err) == -1 ||
	    creds_check_setting(sk, err) == -1 ||
	    creds_check_setting(tok, err) == -1)
		return -1;
	creds_fill(c, ak->value, sk->value, tok != NULL ? tok->value : NULL,
	    xasprintf("profile %s", p));
	return 1;
}

/* Provider: the credentials file's keys for the profile. */
int
creds_load_shared_keys(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	return load_keys(c, ctx, AWS_FILE_CREDENTIALS, err);
}

/* Provider: the config file's keys for the profile. */
int
creds_load_config_keys(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	return load_keys(c, ctx, AWS_FILE_CONFIG, err);
}

/*
 * The provider chain, walked in order (botocore's): the first to return 1
 * wins, the first error ends the walk.
 */
static creds_load_fn *const chain[] = {
	creds_load_env,
	creds_load_assume_role,
	creds_load_web_identity,
	creds_load_sso,
	creds_load_shared_keys,
	creds_load_process,
	creds_load_config_keys,
	creds_load_container,
	creds_load_imds,
};

/* What a source profile may use, role_arn aside (creds_resolve_profile). */
static creds_load_fn *const source_chain[] = {
	creds_load_web_identity,
	creds_load_sso,
	creds_load_shared_keys,
	creds_load_process,
	creds_load_config_keys,
};

struct http_client *
creds_http(struct creds_ctx *ctx)
{
	if (ctx->client == NULL)
		ctx->client = http_client_new(&ctx->http);
	return ctx->client;
}

/* Walks n providers for ctx; the one that filled c in *used. */
static int
walk(struct creds *c, struct creds_ctx *ctx, creds_load_fn *const *v,
    size_t n, creds_load_fn **used, struct lc_err *err)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		memset(c, 0, sizeof *c);
		if ((r = v[i](c, ctx, err)) == -1) {
			creds_release(c);
			return -1;
		}
		if (r == 1) {
			*used = v[i];
			log_secret(c->secret_access_key);
			log_secret(c->session_token);
			return 1;
		}
	}
	return 0;
}

int
creds_resolve_profile(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	creds_load_fn *used;
	int r;

	/* role_arn with web_identity_token_file is web identity's. */
	if (aws_profile_setting(ctx->cfg, ctx->profile, "role_arn",
	    AWS_FILE_ANY) != NULL &&
	    aws_profile_setting(ctx->cfg, ctx->profile,
	    "web_identity_token_file", AWS_FILE_ANY) == NULL &&
	    aws_profile_setting(ctx->cfg, ctx->profile, "aws_access_key_id",
	    AWS_FILE_ANY) == NULL &&
	    aws_profile_setting(ctx->cfg, ctx->profile,
	    "aws_secret_access_key", AWS_FILE_ANY) == NULL)
		r = walk(c, ctx, (creds_load_fn *const []){
		    creds_load_assume_role }, 1, &used, err);
	else
		r = walk(c, ctx, source_chain, nitems(source_chain), &used,
		    err);
	if (r == 0)
		return lc_error(err, LC_ECONFIG, "the source profile '%s' has "
		    "no credentials", ctx->profile);
	return r == 1 ? 0 : -1;
}

/* Releases what ctx owns. */
static void
ctx_release(struct creds_ctx *ctx)
{
	free(ctx->profile);
	free(ctx->region);
	http_client_free(ctx->client);
	memset(ctx, 0, sizeof *ctx);
}

int
creds_resolve(struct creds *c, const struct creds_opts *o,
    struct lc_err *err)
{
	struct creds_ctx ctx;
	creds_load_fn *used = NULL;
	int r;

	memset(c, 0, sizeof *c);
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = o->cfg;
	ctx.profile = xstrdup(o->cfg->profile);
	if (o->http != NULL)
		ctx.http = *o->http;
	ctx.region = xstrdup(o->region);
	ctx.now = o->now != 0 ? o->now : time(NULL);
	r = walk(c, &ctx, chain, nitems(chain), &used, err);
	if (r == 1 && c->expiration != 0) {
		/* The context stays, to get them again the same way. */
		c->refresh = xcalloc(1, sizeof *c->refresh);
		c->refresh->load = used;
		c->refresh->ctx = ctx;
		if (pthread_mutex_init(&c->refresh->mu, NULL) != 0)
			die("cannot make a lock");
		return 0;
	}
	ctx_release(&ctx);
	if (r == 1)
		return 0;
	if (r == 0)
		lc_error(err, LC_ECONFIG, "no credentials found (set "
		    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or use --profile)");
	return -1;
}

/*
 * botocore's windows: within CREDS_ADVISORY_REFRESH of the expiration a
 * refresh is tried and its failure only noted; within
 * CREDS_MANDATORY_REFRESH it must succeed.
 */
int
creds_fresh(struct creds *c, time_t now, struct lc_err *err)
{
	struct creds_refresh *rf = c->refresh;
	struct creds fresh;
	struct lc_err e = { 0 };
	time_t left = c->expiration - now;

	if (rf == NULL || c->expiration == 0 || left > CREDS_ADVISORY_REFRESH)
		return 0;
	/* Not every request of a deploy waits on an endpoint that failed. */
	if (left > CREDS_MANDATORY_REFRESH && now < rf->retry_after)
		return 0;
	rf->ctx.now = now;
	rf->ctx.nchain = 0;
	rf->ctx.refreshing = 1;
	memset(&fresh, 0, sizeof fresh);
	if (rf->load(&fresh, &rf->ctx, &e) == 1) {
		log_debug("credentials from %s refreshed, %ld s before they "
		    "expire", c->source, (long)left);
		log_secret(fresh.secret_access_key);
		log_secret(fresh.session_token);
		c->refresh = NULL;
		creds_release(c);
		*c = fresh;
		c->refresh = rf;
		return 0;
	}
	creds_release(&fresh);
	if (e.msg[0] == '\0')
		lc_error(&e, LC_ECONFIG, "%s no longer gives credentials",
		    c->source);
	if (left > CREDS_MANDATORY_REFRESH) {
		log_debug("refreshing credentials failed; using the current "
		    "ones, trying again in %d s: %s", ADVISORY_RETRY, e.msg);
		rf->retry_after = now + ADVISORY_RETRY;
		return 0;
	}
	*err = e;
	return lc_error_prefix(err, "refreshing credentials");
}

int
creds_get(struct creds *c, time_t now, struct creds *out,
    struct lc_err *err)
{
	struct creds_refresh *rf = c->refresh;
	int rv = 0;

	memset(out, 0, sizeof *out);
	/* Keys that do not expire never change: no lock for them. */
	if (rf != NULL)
		pthread_mutex_lock(&rf->mu);
	if (creds_fresh(c, now, err) == -1)
		rv = -1;
	else
		creds_fill(out, c->access_key_id, c->secret_access_key,
		    c->session_token, NULL);
	if (rf != NULL)
		pthread_mutex_unlock(&rf->mu);
	return rv;
}

void
creds_release(struct creds *c)
{
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	free(c->source);
	if (c->refresh != NULL) {
		ctx_release(&c->refresh->ctx);
		pthread_mutex_destroy(&c->refresh->mu);
		free(c->refresh);
	}
	memset(c, 0, sizeof *c);
}
