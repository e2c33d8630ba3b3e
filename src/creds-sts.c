/*
 * creds-sts.c - the credential providers that ask STS: a profile's
 * role_arn (AssumeRole, signed with the credentials of its source_profile,
 * followed to any depth, or of its credential_source) and web identity
 * (AssumeRoleWithWebIdentity, unsigned, with a token file named by the
 * environment or the profile).  What STS hands out is kept in
 * ~/.aws/cli/cache under the AWS CLI's names and in its format, so that
 * either tool uses what the other got.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws.h"
#include "awsconfig.h"
#include "buf.h"
#include "creds-private.h"
#include "creds.h"
#include "err.h"
#include "log.h"
#include "num.h"
#include "sts.h"
#include "term.h"
#include "xmalloc.h"

#define ROLE_CACHE_DIR		"~/.aws/cli/cache"
/* Without a region, STS's regional endpoint there (botocore: aws-global). */
#define STS_DEFAULT_REGION	"us-east-1"
/* STS's bounds for DurationSeconds. */
#define DURATION_MIN		900
#define DURATION_MAX		43200
/* STS takes tokens of up to 20000 characters; a larger file is not one. */
#define TOKEN_FILE_MAX		(64 * 1024)
/* An MFA code is 6 digits; room for a mistyped one. */
#define MFA_CODE_MAX		64

/* A role_arn profile's settings. */
struct role_cfg {
	const struct aws_setting	*arn;
	const struct aws_setting	*source_profile;
	const struct aws_setting	*credential_source;
	const struct aws_setting	*session_name;
	const struct aws_setting	*external_id;
	const struct aws_setting	*mfa_serial;
	long				 duration;	/* 0: none */
};

/* A credential_source and what loads it. */
static const struct cred_source {
	const char	*name;
	const char	*label;		/* for c->source */
	creds_load_fn	*load;
} cred_sources[] = {
	{ "Environment", "env", creds_load_env },
	{ "EcsContainer", "container", creds_load_container },
	{ "Ec2InstanceMetadata", "imds", creds_load_imds },
};

/* The AssumeRole* response's names, for the cache file's Credentials. */
static const struct creds_json_names cache_names = {
	"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"
};

/*
 * The cached credentials at path when they are good for
 * CREDS_ADVISORY_REFRESH more (the AWS CLI's window); anything else is a
 * miss (0).  source is taken.
 */
static int
cache_lookup(struct creds *c, const char *path, time_t now, char *source)
{
	struct lc_err e = { 0 };
	const cJSON *cr, *exp;
	cJSON *o;
	time_t t;
	int r = 0;

	if ((o = creds_cache_read(path)) == NULL) {
		free(source);
		return 0;
	}
	cr = cJSON_GetObjectItemCaseSensitive(o, "Credentials");
	exp = cJSON_GetObjectItemCaseSensitive(cr, "Expiration");
	if (!cJSON_IsString(exp) ||
	    creds_parse_time(exp->valuestring, &t) == -1 ||
	    t - now < CREDS_ADVISORY_REFRESH) {
		log_debug("cache '%s': expired, or expires within %d s; "
		    "ignored", path, CREDS_ADVISORY_REFRESH);
		free(source);
	} else if (creds_from_json(c, cr, &cache_names, path, now, source,
	    &e) == -1)
		log_debug("%s; ignored", e.msg);
	else {
		log_debug("credentials from the cache '%s'", path);
		r = 1;
	}
	creds_json_free(o);
	return r;
}

/* Writes rc to path as the AWS CLI does; a failure is only noted. */
static void
cache_store(const char *path, const struct sts_role_creds *rc)
{
	struct lc_err e = { 0 };
	cJSON *o, *cr, *u;
	char *account;

	o = cJSON_CreateObject();
	cr = cJSON_AddObjectToObject(o, "Credentials");
	cJSON_AddStringToObject(cr, "AccessKeyId", rc->access_key_id);
	cJSON_AddStringToObject(cr, "SecretAccessKey", rc->secret_access_key);
	cJSON_AddStringToObject(cr, "SessionToken", rc->session_token);
	cJSON_AddStringToObject(cr, "Expiration", rc->expiration);
	if ((account = sts_arn_account(rc->arn)) != NULL)
		cJSON_AddStringToObject(cr, "AccountId", account);
	free(account);
	if (rc->assumed_role_id != NULL || rc->arn != NULL) {
		u = cJSON_AddObjectToObject(o, "AssumedRoleUser");
		if (rc->assumed_role_id != NULL)
			cJSON_AddStringToObject(u, "AssumedRoleId",
			    rc->assumed_role_id);
		if (rc->arn != NULL)
			cJSON_AddStringToObject(u, "Arn", rc->arn);
	}
	if (creds_cache_write(path, o, &e) == -1)
		log_debug("%s; the credentials are not cached", e.msg);
	creds_json_free(o);
}

/*
 * Calls AssumeRole (a->web_identity_token NULL) or
 * AssumeRoleWithWebIdentity through cl and fills c, taking source; what
 * prefixes messages ("profile 'deployer'").  Returns 1, or -1 with err.
 */
static int
role_fetch(struct creds *c, struct aws_client *cl, const struct sts_assume *a,
    const char *cache, const char *what, char *source, struct lc_err *err)
{
	struct sts_role_creds rc;
	time_t exp;
	int r;

	if (a->web_identity_token != NULL)
		r = sts_assume_role_web_identity(cl, a, &rc, err);
	else
		r = sts_assume_role(cl, a, &rc, err);
	if (r == -1) {
		free(source);
		/* AccessDenied, InvalidIdentityToken: as SSO's refusals. */
		if (creds_refused(err))
			err->status = LC_ECONFIG;
		return lc_error_prefix(err, "%s", what);
	}
	log_secret(rc.secret_access_key);
	log_secret(rc.session_token);
	if (creds_parse_time(rc.expiration, &exp) == -1) {
		lc_error(err, LC_EFAIL, "%s: %s: invalid Expiration '%.64s' in "
		    "the response", what, a->web_identity_token != NULL ?
		    "AssumeRoleWithWebIdentity" : "AssumeRole",
		    rc.expiration);
		sts_role_creds_release(&rc);
		free(source);
		return -1;
	}
	cache_store(cache, &rc);
	creds_fill(c, rc.access_key_id, rc.secret_access_key,
	    rc.session_token, source);
	c->expiration = exp;
	sts_role_creds_release(&rc);
	return 1;
}

/* A client for STS in the command's region, signing with src (or not). */
static void
sts_client(struct aws_client *cl, struct creds_ctx *ctx, struct creds *src)
{
	memset(cl, 0, sizeof *cl);
	cl->http = creds_http(ctx);
	cl->creds = src;
	cl->cfg = ctx->cfg;
	cl->region = ctx->region != NULL ? ctx->region : STS_DEFAULT_REGION;
}

/*
 * The cache file for a (its session name as configured: a default one is
 * left out of the name, as botocore does), then a's session name set to
 * lambdactl's default when none is, in *session for the caller to free.
 */
static char *
role_cache_path(struct sts_assume *a, const struct creds_ctx *ctx,
    char **session)
{
	char *key = sts_cache_key(a), *path;

	path = creds_cache_path(ROLE_CACHE_DIR, key);
	free(key);
	*session = NULL;
	if (a->session_name == NULL)
		a->session_name = *session = xasprintf("lambdactl-%lld",
		    (long long)ctx->now);
	return path;
}

/* The profile's setting key, checked for control characters. */
static int
role_setting(const struct creds_ctx *ctx, const char *key,
    const struct aws_setting **out, struct lc_err *err)
{
	*out = aws_profile_setting(ctx->cfg, ctx->profile, key, AWS_FILE_ANY);
	return creds_check_setting(*out, err);
}

/* Reads and checks the settings of the role_arn profile ctx->profile. */
static int
role_cfg_read(struct role_cfg *r, const struct creds_ctx *ctx,
    struct lc_err *err)
{
	const struct aws_setting *d;
	const char *p = ctx->profile, *why;

	memset(r, 0, sizeof *r);
	if (role_setting(ctx, "role_arn", &r->arn, err) == -1 ||
	    role_setting(ctx, "source_profile", &r->source_profile,
	    err) == -1 ||
	    role_setting(ctx, "credential_source", &r->credential_source,
	    err) == -1 ||
	    role_setting(ctx, "role_session_name", &r->session_name,
	    err) == -1 ||
	    role_setting(ctx, "external_id", &r->external_id, err) == -1 ||
	    role_setting(ctx, "mfa_serial", &r->mfa_serial, err) == -1 ||
	    role_setting(ctx, "duration_seconds", &d, err) == -1)
		return -1;
	if (r->source_profile != NULL && r->credential_source != NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' has both "
		    "source_profile (%s:%d) and credential_source (%s:%d); "
		    "use one", p, r->source_profile->file,
		    r->source_profile->line, r->credential_source->file,
		    r->credential_source->line);
	if (r->source_profile == NULL && r->credential_source == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' in %s:%d has "
		    "role_arn but neither source_profile nor "
		    "credential_source", p, r->arn->file, r->arn->line);
	if (d != NULL && num_parse(d->value, DURATION_MIN, DURATION_MAX,
	    &r->duration, &why) == -1)
		return lc_error(err, LC_ECONFIG, "%s:%d: duration_seconds "
		    "'%s' is %s (seconds, %d to %d)", d->file, d->line,
		    d->value, why, DURATION_MIN, DURATION_MAX);
	return 0;
}

/*
 * The credential_source named by s, or NULL with err.  Case matters, as in
 * botocore's check (CanonicalNameCredentialSourcer.is_supported).
 */
static const struct cred_source *
cred_source_find(const struct aws_setting *s, const char *profile,
    struct lc_err *err)
{
	size_t i;

	for (i = 0; i < nitems(cred_sources); i++)
		if (strcmp(s->value, cred_sources[i].name) == 0)
			return &cred_sources[i];
	lc_error(err, LC_ECONFIG, "profile '%s' in %s:%d: credential_source "
	    "'%s' is not Environment, EcsContainer or Ec2InstanceMetadata",
	    profile, s->file, s->line, s->value);
	return NULL;
}

/*
 * The credentials of credential_source cs for ctx->profile.  ctx->nchain
 * is above 0 meanwhile: the environment's keys count even under
 * --profile, as in botocore.
 */
static int
source_creds_of(struct creds *src, struct creds_ctx *ctx,
    const struct cred_source *cs, struct lc_err *err)
{
	size_t saved = ctx->nchain;
	int r;

	if (ctx->nchain == 0)
		ctx->chain[ctx->nchain++] = ctx->profile;
	memset(src, 0, sizeof *src);
	r = cs->load(src, ctx, err);
	ctx->nchain = saved;
	if (r != 1)
		creds_release(src);
	if (r == 0)
		return lc_error(err, LC_ECONFIG, "profile '%s': "
		    "credential_source %s gave no credentials", ctx->profile,
		    cs->name);
	if (r == -1)
		return -1;
	log_secret(src->secret_access_key);
	log_secret(src->session_token);
	return 0;
}

/* "a -> b -> a": the chain so far, then next. */
static int
loop_error(const struct creds_ctx *ctx, const char *next, struct lc_err *err)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < ctx->nchain; i++)
		buf_addf(&b, "%s -> ", ctx->chain[i]);
	buf_adds(&b, next);
	lc_error(err, LC_ECONFIG, "profile '%s': source_profile loop %s",
	    ctx->chain[0], b.data);
	buf_release(&b);
	return -1;
}

/*
 * The credentials of the source profile sp names, for ctx->profile: the
 * profile itself when it names itself and has keys; else the source
 * profile resolved (creds_resolve_profile) with ctx->profile switched to
 * it and added to ctx->chain, both restored after.
 */
static int
source_profile_creds(struct creds *src, struct creds_ctx *ctx,
    const struct aws_setting *sp, struct lc_err *err)
{
	const struct aws_section *sec;
	char *saved_profile = ctx->profile;
	size_t saved = ctx->nchain, i;
	int r;

	sec = aws_config_section(ctx->cfg, AWS_SECTION_PROFILE, sp->value);
	if (sec == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' in %s:%d: "
		    "source_profile '%s' not found", ctx->profile, sp->file,
		    sp->line, sp->value);
	if (ctx->nchain == 0)
		ctx->chain[ctx->nchain++] = ctx->profile;
	/* botocore's one exception: a profile with keys may name itself. */
	if (strcmp(sp->value, ctx->profile) == 0 &&
	    (aws_profile_setting(ctx->cfg, ctx->profile, "aws_access_key_id",
	    AWS_FILE_ANY) != NULL ||
	    aws_profile_setting(ctx->cfg, ctx->profile,
	    "aws_secret_access_key", AWS_FILE_ANY) != NULL)) {
		r = creds_resolve_profile(src, ctx, err);
		goto out;
	}
	for (i = 0; i < ctx->nchain; i++)
		if (strcmp(ctx->chain[i], sp->value) == 0) {
			r = loop_error(ctx, sp->value, err);
			goto out;
		}
	if (ctx->nchain == CREDS_MAX_CHAIN) {
		r = lc_error(err, LC_ECONFIG, "profile '%s': more than %d "
		    "profiles in its source_profile chain", ctx->chain[0],
		    CREDS_MAX_CHAIN);
		goto out;
	}
	ctx->chain[ctx->nchain++] = sec->name;
	ctx->profile = xstrdup(sec->name);
	r = creds_resolve_profile(src, ctx, err);
	free(ctx->profile);
	ctx->profile = saved_profile;
out:
	ctx->nchain = saved;
	return r;
}

/* A signal that came while the MFA prompt had echo off. */
static volatile sig_atomic_t mfa_signal;

static void
mfa_on_signal(int sig)
{
	mfa_signal = sig;
}

/*
 * Reads the MFA code for serial from the terminal, echo off, when we are
 * in its foreground (botocore uses getpass); never without one.  Ctrl-C
 * (or SIGTERM, SIGHUP) at the prompt gives the terminal its echo back
 * before the signal has its way.
 */
static int
mfa_prompt(const char *profile, const char *serial, char *code, size_t size,
    struct lc_err *err)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, saved[3];
	struct termios old, quiet;
	size_t len = 0, i;
	ssize_t n;
	int fd, restore;
	char ch;

	if ((fd = term_open_foreground()) == -1)
		return lc_error(err, LC_ECONFIG, "profile '%s' needs an MFA "
		    "code for %s, and there is no terminal to ask on",
		    profile, serial);
	/* No SA_RESTART: the read below returns to see the signal. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = mfa_on_signal;
	sigemptyset(&sa.sa_mask);
	mfa_signal = 0;
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, &saved[i]);
	/* Echo off before the prompt: an answer typed at once is not shown. */
	restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	dprintf(fd, "Enter MFA code for %s: ", serial);
	while (!mfa_signal && (n = read(fd, &ch, 1)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || ch == '\n')
			break;
		if (ch != '\r' && len + 1 < size)
			code[len++] = ch;
	}
	code[len] = '\0';
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &saved[i], NULL);
	if (mfa_signal) {
		OPENSSL_cleanse(code, size);
		raise(mfa_signal);
		return lc_error(err, LC_ECONFIG, "profile '%s': interrupted "
		    "at the MFA prompt", profile);
	}
	if (len == 0)
		return lc_error(err, LC_ECONFIG, "profile '%s': no MFA code "
		    "entered for %s", profile, serial);
	return 0;
}

/* AssumeRole for r, signed with src; the MFA code asked for first. */
static int
assume_role_call(struct creds *c, struct creds_ctx *ctx,
    const struct role_cfg *r, struct sts_assume *a, struct creds *src,
    const char *cache, char *source, struct lc_err *err)
{
	struct aws_client cl;
	char code[MFA_CODE_MAX], *what;
	int rv;

	/* As botocore: MFA-backed credentials are not refreshed. */
	if (r->mfa_serial != NULL && ctx->refreshing) {
		free(source);
		return lc_error(err, LC_ECONFIG, "profile '%s': the credentials "
		    "got with an MFA code expire; run the command again",
		    ctx->profile);
	}
	if (r->mfa_serial != NULL && mfa_prompt(ctx->profile,
	    r->mfa_serial->value, code, sizeof code, err) == -1) {
		free(source);
		return -1;
	}
	a->token_code = r->mfa_serial != NULL ? code : NULL;
	sts_client(&cl, ctx, src);
	what = xasprintf("profile '%s'", ctx->profile);
	rv = role_fetch(c, &cl, a, cache, what, source, err);
	free(what);
	OPENSSL_cleanse(code, sizeof code);
	a->token_code = NULL;
	return rv;
}

/*
 * Provider: a profile with role_arn (and no web_identity_token_file, which
 * is web identity's): its cached credentials, else AssumeRole signed with
 * the credentials of its source_profile or credential_source.
 */
int
creds_load_assume_role(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	const struct cred_source *cs = NULL;
	struct sts_assume a = { 0 };
	struct role_cfg r;
	struct creds src;
	char *cache, *session, *source;
	int rv = -1;

	if (aws_profile_setting(ctx->cfg, ctx->profile, "role_arn",
	    AWS_FILE_ANY) == NULL ||
	    aws_profile_setting(ctx->cfg, ctx->profile,
	    "web_identity_token_file", AWS_FILE_ANY) != NULL)
		return 0;
	if (role_cfg_read(&r, ctx, err) == -1 ||
	    (r.credential_source != NULL && (cs = cred_source_find(
	    r.credential_source, ctx->profile, err)) == NULL))
		return -1;
	a.role_arn = r.arn->value;
	a.session_name = r.session_name != NULL ? r.session_name->value : NULL;
	a.external_id = r.external_id != NULL ? r.external_id->value : NULL;
	a.serial_number = r.mfa_serial != NULL ? r.mfa_serial->value : NULL;
	a.duration = r.duration;
	cache = role_cache_path(&a, ctx, &session);
	source = xasprintf("assume-role %s via %s", ctx->profile,
	    cs != NULL ? cs->label : r.source_profile->value);
	if (cache_lookup(c, cache, ctx->now, xstrdup(source)) == 1) {
		rv = 1;
		goto out;
	}
	if ((cs != NULL ? source_creds_of(&src, ctx, cs, err) :
	    source_profile_creds(&src, ctx, r.source_profile, err)) == -1)
		goto out;
	rv = assume_role_call(c, ctx, &r, &a, &src, cache, source, err);
	source = NULL;
	creds_release(&src);
out:
	free(source);
	free(session);
	free(cache);
	return rv;
}

/*
 * One web identity setting: the environment's (unless off), else the
 * profile's.
 */
struct wi_value {
	const char			*value;	/* NULL: none */
	const char			*env;	/* the variable it came from */
	const struct aws_setting	*s;	/* or the profile's setting */
};

static int
wi_get(struct wi_value *v, const struct creds_ctx *ctx, int use_env,
    const char *key, const char *var, struct lc_err *err)
{
	memset(v, 0, sizeof *v);
	if (use_env && (v->value = aws_env(var)) != NULL) {
		v->env = var;
		return creds_check_key(v->value, "environment variable ", var,
		    err);
	}
	v->s = aws_profile_setting(ctx->cfg, ctx->profile, key, AWS_FILE_ANY);
	v->value = v->s != NULL ? v->s->value : NULL;
	return creds_check_setting(v->s, err);
}

/* Where v came from, for messages: "AWS_ROLE_ARN", "FILE:LINE". */
static char *
wi_where(const struct wi_value *v)
{
	if (v->env != NULL)
		return xstrdup(v->env);
	return xasprintf("%s:%d", v->s->file, v->s->line);
}

/*
 * The web identity token in the file f names, read afresh (Kubernetes
 * rotates it), as it is (botocore strips nothing); never quoted.
 */
static char *
token_read(const struct wi_value *f, struct lc_err *err)
{
	char *tok = NULL, *where = wi_where(f);
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(f->value, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	tok = xmalloc(TOKEN_FILE_MAX + 1);
	if ((n = read_all(fd, tok, TOKEN_FILE_MAX + 1)) == -1)
		goto fail;
	len = (size_t)n;
	close(fd);
	fd = -1;
	tok[len > TOKEN_FILE_MAX ? TOKEN_FILE_MAX : len] = '\0';
	if (len == 0 || len > TOKEN_FILE_MAX || strlen(tok) != len) {
		lc_error(err, LC_ECONFIG, "web identity token file '%s' (%s) "
		    "%s", f->value, where, len == 0 ? "is empty" :
		    len > TOKEN_FILE_MAX ? "is larger than 64 KiB" :
		    "contains a NUL byte");
		goto out;
	}
	log_secret(tok);
	free(where);
	return tok;
fail:
	lc_error(err, LC_ECONFIG, "cannot read web identity token file '%s' "
	    "(%s): %s", f->value, where, strerror(errno));
	if (fd != -1)
		close(fd);
out:
	if (tok != NULL)
		OPENSSL_cleanse(tok, TOKEN_FILE_MAX + 1);
	free(tok);
	free(where);
	return NULL;
}

/*
 * Provider: web identity, from AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN
 * and AWS_ROLE_SESSION_NAME (each on its own, as botocore: not under
 * --profile, nor for a source profile) or the profile's
 * web_identity_token_file, role_arn and role_session_name.
 */
int
creds_load_web_identity(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	struct wi_value f, arn, sess;
	struct sts_assume a = { 0 };
	struct aws_client cl;
	char *cache, *session, *source, *what, *tok;
	int use_env = !ctx->cfg->profile_from_flag && ctx->nchain == 0;
	int rv = -1;

	if (wi_get(&f, ctx, use_env, "web_identity_token_file",
	    "AWS_WEB_IDENTITY_TOKEN_FILE", err) == -1)
		return -1;
	if (f.value == NULL)
		return 0;
	if (wi_get(&arn, ctx, use_env, "role_arn", "AWS_ROLE_ARN", err) == -1 ||
	    wi_get(&sess, ctx, use_env, "role_session_name",
	    "AWS_ROLE_SESSION_NAME", err) == -1)
		return -1;
	if (arn.value == NULL)
		return f.env != NULL ? lc_error(err, LC_ECONFIG, "%s is set "
		    "but AWS_ROLE_ARN is not (nor role_arn in profile '%s')",
		    f.env, ctx->profile) : lc_error(err, LC_ECONFIG, "profile "
		    "'%s' in %s:%d has web_identity_token_file but no role_arn",
		    ctx->profile, f.s->file, f.s->line);
	a.role_arn = arn.value;
	a.session_name = sess.value;
	cache = role_cache_path(&a, ctx, &session);
	source = f.env != NULL ? xstrdup("web-identity (env)") :
	    xasprintf("web-identity (profile %s)", ctx->profile);
	what = f.env != NULL ? xstrdup("web identity (environment)") :
	    xasprintf("profile '%s'", ctx->profile);
	if (cache_lookup(c, cache, ctx->now, xstrdup(source)) == 1)
		rv = 1;
	else if ((tok = token_read(&f, err)) != NULL) {
		a.web_identity_token = tok;
		sts_client(&cl, ctx, NULL);
		rv = role_fetch(c, &cl, &a, cache, what, source, err);
		source = NULL;
		free_secret(tok);
	}
	free(source);
	free(what);
	free(session);
	free(cache);
	return rv;
}
