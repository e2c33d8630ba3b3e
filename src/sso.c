/*
 * sso.c - IAM Identity Center: an SSO profile's settings, the AWS CLI's
 * token and client registration caches, and the unsigned REST-JSON calls
 * of the SSO portal and SSO OIDC (sso.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws.h"
#include "awsconfig.h"
#include "buf.h"
#include "creds-private.h"
#include "json.h"
#include "log.h"
#include "sigv4.h"
#include "sso.h"
#include "timeparse.h"
#include "xmalloc.h"

/* The longest expiresIn / interval believed: a day. */
#define SSO_MAX_SECONDS	86400

/* Profile keys an sso-session may also set, which must then agree. */
static const char *const session_keys[] = {
	"sso_start_url", "sso_region",
};

/* The value of key for the profile, its sso-session's filling in. */
static int
merged_value(const struct aws_config *cfg, const char *profile,
    const char *session, const char *key, const char **out,
    struct lc_err *err)
{
	const char *pv = aws_profile_value(cfg, profile, key);
	const char *sv = session != NULL ?
	    aws_sso_session_value(cfg, session, key) : NULL;

	if (pv != NULL && sv != NULL && strcmp(pv, sv) != 0)
		return lc_error(err, LC_ECONFIG, "profile '%s': the value of "
		    "%s differs between the profile (%s) and sso-session "
		    "'%s' (%s)", profile, key, pv, session, sv);
	*out = pv != NULL ? pv : sv;
	return 0;
}

/* Fills sp's start URL, region and scopes; the session is checked. */
static int
load_session(struct sso_profile *sp, const struct aws_config *cfg,
    struct lc_err *err)
{
	const char *v[2], *scopes;
	size_t i;

	if (sp->session != NULL && aws_config_section(cfg,
	    AWS_SECTION_SSO_SESSION, sp->session) == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s': sso_session "
		    "'%s' has no [sso-session %s] section", sp->profile,
		    sp->session, sp->session);
	for (i = 0; i < 2; i++) {
		if (merged_value(cfg, sp->profile, sp->session,
		    session_keys[i], &v[i], err) == -1)
			return -1;
		if (v[i] == NULL && sp->session != NULL)
			return lc_error(err, LC_ECONFIG, "profile '%s' is "
			    "configured for SSO but neither it nor its "
			    "sso-session '%s' has %s", sp->profile,
			    sp->session, session_keys[i]);
		if (v[i] == NULL)
			return lc_error(err, LC_ECONFIG, "profile '%s' is "
			    "configured for SSO but has no %s", sp->profile,
			    session_keys[i]);
	}
	sp->start_url = xstrdup(v[0]);
	sp->region = xstrdup(v[1]);
	if (sp->session == NULL)
		return 0;
	scopes = aws_sso_session_value(cfg, sp->session,
	    "sso_registration_scopes");
	sso_parse_scopes(scopes != NULL ? scopes : SSO_DEFAULT_SCOPE,
	    &sp->scopes, &sp->nscopes);
	return 0;
}

int
sso_profile_load(struct sso_profile *sp, const struct aws_config *cfg,
    const char *profile, int need_role, struct lc_err *err)
{
	const char *session, *account, *role;

	memset(sp, 0, sizeof *sp);
	session = aws_profile_value(cfg, profile, "sso_session");
	account = aws_profile_value(cfg, profile, "sso_account_id");
	role = aws_profile_value(cfg, profile, "sso_role_name");
	if (need_role ? account == NULL && role == NULL : session == NULL &&
	    aws_profile_value(cfg, profile, "sso_start_url") == NULL)
		return 0;
	sp->profile = xstrdup(profile);
	sp->session = xstrdup(session);
	if (need_role && (account == NULL || role == NULL)) {
		lc_error(err, LC_ECONFIG, "profile '%s' is configured for SSO "
		    "but has no %s", profile, account == NULL ?
		    "sso_account_id" : "sso_role_name");
		goto fail;
	}
	if (load_session(sp, cfg, err) == -1)
		goto fail;
	sp->account_id = xstrdup(account);
	sp->role_name = xstrdup(role);
	return 1;
fail:
	sso_profile_release(sp);
	return -1;
}

const char *
sso_profile_key(const struct sso_profile *sp)
{
	return sp->session != NULL ? sp->session : sp->start_url;
}

void
sso_profile_release(struct sso_profile *sp)
{
	size_t i;

	free(sp->profile);
	free(sp->session);
	free(sp->start_url);
	free(sp->region);
	for (i = 0; i < sp->nscopes; i++)
		free(sp->scopes[i]);
	free(sp->scopes);
	free(sp->account_id);
	free(sp->role_name);
	memset(sp, 0, sizeof *sp);
}

void
sso_parse_scopes(const char *s, char ***out, size_t *n)
{
	const char *p, *end;
	size_t len;

	*out = NULL;
	*n = 0;
	for (p = s; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = p + strcspn(p, ",");
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = xstrndup(p, len);
	}
}

/* o's member name: a string without control characters, or NULL. */
static const char *
json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	char tmp[32];

	if (!cJSON_IsString(v) || *v->valuestring == '\0' ||
	    creds_control_char(v->valuestring, tmp) != NULL)
		return NULL;
	return v->valuestring;
}

/* o's member name as a time, or 0 when absent or malformed. */
static time_t
json_time(const cJSON *o, const char *name)
{
	const char *s = json_str(o, name);
	time_t t;

	if (s == NULL || creds_parse_time(s, &t) == -1 || t <= 0)
		return 0;
	return t;
}

/* xstrdup of a secret, registered with log_secret. */
static char *
secret_dup(const char *s)
{
	log_secret(s);
	return xstrdup(s);
}

int
sso_token_from_json(struct sso_token *t, const cJSON *o, struct lc_err *err)
{
	const char *tok, *id, *secret;

	memset(t, 0, sizeof *t);
	if (!cJSON_IsObject(o))
		return lc_error(err, LC_ECONFIG, "the token is not a JSON "
		    "object");
	if ((tok = json_str(o, "accessToken")) == NULL)
		return lc_error(err, LC_ECONFIG, "the token has no "
		    "accessToken");
	if ((t->expires_at = json_time(o, "expiresAt")) == 0)
		return lc_error(err, LC_ECONFIG, "the token has no valid "
		    "expiresAt");
	t->access_token = secret_dup(tok);
	t->start_url = xstrdup(json_str(o, "startUrl"));
	t->region = xstrdup(json_str(o, "region"));
	id = json_str(o, "clientId");
	secret = json_str(o, "clientSecret");
	if (id != NULL && secret != NULL) {
		t->client_id = xstrdup(id);
		t->client_secret = secret_dup(secret);
		t->registration_expires_at = json_time(o,
		    "registrationExpiresAt");
	}
	if ((tok = json_str(o, "refreshToken")) != NULL)
		t->refresh_token = secret_dup(tok);
	return 0;
}

int
sso_token_parse(struct sso_token *t, const char *text, size_t len,
    struct lc_err *err)
{
	cJSON *o = cJSON_ParseWithLength(text, len);
	int rv;

	if (o == NULL) {
		memset(t, 0, sizeof *t);
		return lc_error(err, LC_ECONFIG, "the token is not JSON");
	}
	rv = sso_token_from_json(t, o, err);
	creds_json_free(o);
	return rv;
}

/* Sets o's member name to the string s (NULL: removes it). */
static void
json_set(cJSON *o, const char *name, const char *s)
{
	cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(o, name);

	creds_json_free(old);
	if (s != NULL && cJSON_AddStringToObject(o, name, s) == NULL)
		die("out of memory");
}

/* Sets o's member name to the time t, as botocore writes it. */
static void
json_set_time(cJSON *o, const char *name, time_t t)
{
	struct buf b = BUF_INIT;

	timeparse_format(&b, (int64_t)t * 1000, TIMEPARSE_Z);
	json_set(o, name, b.data);
	buf_release(&b);
}

void
sso_token_to_json(const struct sso_token *t, cJSON *o)
{
	json_set(o, "startUrl", t->start_url);
	json_set(o, "region", t->region);
	json_set(o, "accessToken", t->access_token);
	json_set_time(o, "expiresAt", t->expires_at);
	json_set(o, "clientId", t->client_id);
	json_set(o, "clientSecret", t->client_secret);
	if (t->registration_expires_at != 0)
		json_set_time(o, "registrationExpiresAt",
		    t->registration_expires_at);
	else
		json_set(o, "registrationExpiresAt", NULL);
	json_set(o, "refreshToken", t->refresh_token);
}

int
sso_token_refreshable(const struct sso_token *t, time_t now)
{
	return t->client_id != NULL && t->client_secret != NULL &&
	    t->refresh_token != NULL && t->registration_expires_at > now;
}

void
sso_token_release(struct sso_token *t)
{
	free(t->start_url);
	free(t->region);
	free_secret(t->access_token);
	free(t->client_id);
	free_secret(t->client_secret);
	free_secret(t->refresh_token);
	memset(t, 0, sizeof *t);
}

int
sso_token_load(struct sso_token *t, const char *key, cJSON **raw)
{
	char *path = creds_cache_path(SSO_CACHE_DIR, key);
	struct lc_err e;
	cJSON *o = creds_cache_read(path);
	int rv = -1;

	memset(t, 0, sizeof *t);
	if (raw != NULL)
		*raw = NULL;
	if (o == NULL)
		log_debug("SSO token cache '%s': none", path);
	else if (sso_token_from_json(t, o, &e) == -1)
		log_debug("SSO token cache '%s': %s; ignored", path, e.msg);
	else
		rv = 0;
	if (rv == 0 && raw != NULL)
		*raw = o;
	else
		creds_json_free(o);
	free(path);
	return rv;
}

int
sso_token_save(const struct sso_token *t, const char *key, const cJSON *raw,
    struct lc_err *err)
{
	char *path = creds_cache_path(SSO_CACHE_DIR, key);
	cJSON *o = raw != NULL ? cJSON_Duplicate(raw, 1) : cJSON_CreateObject();
	int rv;

	if (o == NULL)
		die("out of memory");
	sso_token_to_json(t, o);
	if ((rv = creds_cache_write(path, o, err)) == 0)
		log_debug("SSO token cache '%s' written", path);
	creds_json_free(o);
	free(path);
	return rv;
}

char *
sso_registration_key(const struct sso_profile *sp)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_adds(&b, "{\"region\": ");
	buf_add_pyjson(&b, sp->region);
	buf_adds(&b, ", \"scopes\": ");
	if (sp->nscopes == 0)
		buf_adds(&b, "null");
	for (i = 0; i < sp->nscopes; i++) {
		buf_adds(&b, i == 0 ? "[" : ", ");
		buf_add_pyjson(&b, sp->scopes[i]);
	}
	if (sp->nscopes > 0)
		buf_addch(&b, ']');
	buf_adds(&b, ", \"session_name\": ");
	if (sp->session != NULL)
		buf_add_pyjson(&b, sp->session);
	else
		buf_adds(&b, "null");
	buf_adds(&b, ", \"startUrl\": ");
	buf_add_pyjson(&b, sp->start_url);
	buf_adds(&b, ", \"tool\": \"botocore\"}");
	return buf_detach(&b, NULL);
}

/* Whether the registration o was made for the authorization code flow. */
static int
for_auth_code(const cJSON *o)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "grantTypes"), *v;

	cJSON_ArrayForEach(v, g)
		if (cJSON_IsString(v) &&
		    strcmp(v->valuestring, "authorization_code") == 0)
			return 1;
	return 0;
}

int
sso_registration_load(struct sso_registration *r,
    const struct sso_profile *sp, time_t now)
{
	char *key = sso_registration_key(sp);
	char *path = creds_cache_path(SSO_CACHE_DIR, key);
	cJSON *o = creds_cache_read(path);
	const char *id, *secret;
	int rv = -1;

	memset(r, 0, sizeof *r);
	if (o == NULL)
		log_debug("client registration cache '%s': none", path);
	else if ((id = json_str(o, "clientId")) == NULL ||
	    (secret = json_str(o, "clientSecret")) == NULL ||
	    json_time(o, "expiresAt") - now < SSO_REGISTRATION_WINDOW ||
	    for_auth_code(o))
		log_debug("client registration cache '%s': not usable", path);
	else {
		r->client_id = xstrdup(id);
		r->client_secret = secret_dup(secret);
		r->expires_at = json_time(o, "expiresAt");
		log_debug("client registration cache '%s': reused", path);
		rv = 0;
	}
	creds_json_free(o);
	free(path);
	free(key);
	return rv;
}

int
sso_registration_save(const struct sso_registration *r,
    const struct sso_profile *sp, struct lc_err *err)
{
	char *key = sso_registration_key(sp);
	char *path = creds_cache_path(SSO_CACHE_DIR, key);
	cJSON *o = cJSON_CreateObject(), *a;
	size_t i;
	int rv;

	json_set(o, "clientId", r->client_id);
	json_set(o, "clientSecret", r->client_secret);
	json_set_time(o, "expiresAt", r->expires_at);
	if (sp->nscopes > 0) {
		a = cJSON_AddArrayToObject(o, "scopes");
		for (i = 0; i < sp->nscopes; i++)
			cJSON_AddItemToArray(a,
			    cJSON_CreateString(sp->scopes[i]));
	}
	rv = creds_cache_write(path, o, err);
	creds_json_free(o);
	free(path);
	free(key);
	return rv;
}

void
sso_registration_release(struct sso_registration *r)
{
	free(r->client_id);
	free_secret(r->client_secret);
	memset(r, 0, sizeof *r);
}

/*
 * Sends one REST-JSON request (body o, may be NULL) unsigned and parses
 * the answer into *out (the caller's to creds_json_free).  Every body,
 * ours and theirs, may hold secrets: wiped.
 */
static int
call_json(struct aws_client *c, struct aws_request *rq, const cJSON *o,
    cJSON **out, struct lc_err *err)
{
	static const struct http_header json_hdr[] = {
		{ "Content-Type", "application/json" },
	};
	struct aws_response rs;
	char *body = NULL;
	int rv = -1;

	*out = NULL;
	if (o != NULL) {
		if ((body = cJSON_PrintUnformatted(o)) == NULL)
			die("out of memory");
		rq->body = body;
		rq->body_len = strlen(body);
		rq->headers = json_hdr;
		rq->nheaders = 1;
	}
	if (aws_call(c, rq, &rs, err) == 0) {
		*out = cJSON_ParseWithLength(rs.http.body.data,
		    rs.http.body.len);
		if (!cJSON_IsObject(*out)) {
			creds_json_free(*out);
			*out = NULL;
			lc_error(err, LC_EFAIL, "%s: the answer is not a JSON "
			    "object", rq->op);
		} else
			rv = 0;
	}
	OPENSSL_cleanse(rs.http.body.data, rs.http.body.len);
	aws_response_release(&rs);
	if (body != NULL) {
		OPENSSL_cleanse(body, strlen(body));
		free(body);
	}
	return rv;
}

int
sso_get_role_credentials(struct aws_client *c, const char *token,
    const char *account_id, const char *role_name, time_t now,
    struct creds *out, char *source, struct lc_err *err)
{
	static const struct creds_json_names names = {
		"accessKeyId", "secretAccessKey", "sessionToken", "expiration",
	};
	struct http_header hdr = { "x-amz-sso_bearer_token", token };
	struct aws_request rq = { 0 };
	struct buf q = BUF_INIT;
	cJSON *o;
	int rv = -1;

	memset(out, 0, sizeof *out);
	buf_adds(&q, "role_name=");
	sigv4_uri_encode(&q, role_name, strlen(role_name), 0);
	buf_adds(&q, "&account_id=");
	sigv4_uri_encode(&q, account_id, strlen(account_id), 0);
	rq.service = "sso";
	rq.op = "GetRoleCredentials";
	rq.method = "GET";
	rq.path = "/federation/credentials";
	rq.query = q.data;
	rq.headers = &hdr;
	rq.nheaders = 1;
	if (call_json(c, &rq, NULL, &o, err) == 0) {
		rv = creds_from_json(out, cJSON_GetObjectItemCaseSensitive(o,
		    "roleCredentials"), &names, "GetRoleCredentials", now,
		    source, err);
		source = NULL;
		/* The portal's answer is wrong, not the configuration. */
		if (rv == -1)
			err->status = LC_EFAIL;
	}
	free(source);
	creds_json_free(o);
	buf_release(&q);
	return rv;
}

int
sso_register_client(struct aws_client *c, const char *name,
    char *const *scopes, size_t nscopes, struct sso_registration *out,
    struct lc_err *err)
{
	struct aws_request rq = { 0 };
	cJSON *in = cJSON_CreateObject(), *o, *a;
	const char *id, *secret;
	int64_t exp;
	size_t i;
	int rv = -1;

	memset(out, 0, sizeof *out);
	cJSON_AddStringToObject(in, "clientName", name);
	cJSON_AddStringToObject(in, "clientType", "public");
	if (nscopes > 0) {
		a = cJSON_AddArrayToObject(in, "scopes");
		for (i = 0; i < nscopes; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(scopes[i]));
	}
	rq.service = "sso-oidc";
	rq.op = "RegisterClient";
	rq.method = "POST";
	rq.path = "/client/register";
	if (call_json(c, &rq, in, &o, err) == -1)
		goto out;
	if ((id = json_str(o, "clientId")) == NULL ||
	    (secret = json_str(o, "clientSecret")) == NULL ||
	    json_int(cJSON_GetObjectItemCaseSensitive(o,
	    "clientSecretExpiresAt"), 1, INT64_C(1) << 40, &exp) == -1) {
		lc_error(err, LC_EFAIL, "RegisterClient: the answer lacks "
		    "clientId, clientSecret or clientSecretExpiresAt");
		goto out;
	}
	out->client_id = xstrdup(id);
	out->client_secret = secret_dup(secret);
	out->expires_at = (time_t)exp;
	rv = 0;
out:
	creds_json_free(o);
	cJSON_Delete(in);
	return rv;
}

/* o's member name as whole seconds from 1 to SSO_MAX_SECONDS, or def. */
static long
json_seconds(const cJSON *o, const char *name, long def)
{
	int64_t v;

	if (json_int(cJSON_GetObjectItemCaseSensitive(o, name), 1,
	    SSO_MAX_SECONDS, &v) == -1)
		return def;
	return (long)v;
}

int
sso_start_device_authorization(struct aws_client *c,
    const struct sso_registration *r, const char *start_url,
    struct sso_device *out, struct lc_err *err)
{
	struct aws_request rq = { 0 };
	cJSON *in = cJSON_CreateObject(), *o;
	const char *dc, *uc, *uri;
	int rv = -1;

	memset(out, 0, sizeof *out);
	cJSON_AddStringToObject(in, "clientId", r->client_id);
	cJSON_AddStringToObject(in, "clientSecret", r->client_secret);
	cJSON_AddStringToObject(in, "startUrl", start_url);
	rq.service = "sso-oidc";
	rq.op = "StartDeviceAuthorization";
	rq.method = "POST";
	rq.path = "/device_authorization";
	if (call_json(c, &rq, in, &o, err) == -1)
		goto out;
	if ((dc = json_str(o, "deviceCode")) == NULL ||
	    (uc = json_str(o, "userCode")) == NULL ||
	    (uri = json_str(o, "verificationUri")) == NULL ||
	    (out->expires_in = json_seconds(o, "expiresIn", 0)) == 0) {
		lc_error(err, LC_EFAIL, "StartDeviceAuthorization: the answer "
		    "lacks deviceCode, userCode, verificationUri or expiresIn");
		goto out;
	}
	out->device_code = secret_dup(dc);
	out->user_code = xstrdup(uc);
	out->verification_uri = xstrdup(uri);
	out->verification_uri_complete = xstrdup(json_str(o,
	    "verificationUriComplete"));
	out->interval = json_seconds(o, "interval", 5);
	rv = 0;
out:
	creds_json_free(o);
	creds_json_free(in);
	return rv;
}

void
sso_device_release(struct sso_device *d)
{
	free_secret(d->device_code);
	free(d->user_code);
	free(d->verification_uri);
	free(d->verification_uri_complete);
	memset(d, 0, sizeof *d);
}

int
sso_create_token(struct aws_client *c, const struct sso_registration *r,
    const char *grant, const char *code, struct sso_grant *out,
    struct lc_err *err)
{
	struct aws_request rq = { 0 };
	cJSON *in = cJSON_CreateObject(), *o;
	const char *tok;
	int device = strcmp(grant, SSO_GRANT_DEVICE) == 0, rv = -1;

	memset(out, 0, sizeof *out);
	cJSON_AddStringToObject(in, "grantType", grant);
	cJSON_AddStringToObject(in, "clientId", r->client_id);
	cJSON_AddStringToObject(in, "clientSecret", r->client_secret);
	cJSON_AddStringToObject(in, device ? "deviceCode" : "refreshToken",
	    code);
	rq.service = "sso-oidc";
	rq.op = "CreateToken";
	rq.method = "POST";
	rq.path = "/token";
	/* A device code is good for one token: never sent twice. */
	rq.no_retry_after_send = device;
	if (call_json(c, &rq, in, &o, err) == -1)
		goto out;
	if ((tok = json_str(o, "accessToken")) == NULL ||
	    (out->expires_in = json_seconds(o, "expiresIn", 0)) == 0) {
		lc_error(err, LC_EFAIL, "CreateToken: the answer lacks "
		    "accessToken or expiresIn");
		goto out;
	}
	out->access_token = secret_dup(tok);
	if ((tok = json_str(o, "refreshToken")) != NULL)
		out->refresh_token = secret_dup(tok);
	rv = 0;
out:
	creds_json_free(o);
	creds_json_free(in);
	return rv;
}

void
sso_grant_release(struct sso_grant *g)
{
	free_secret(g->access_token);
	free_secret(g->refresh_token);
	memset(g, 0, sizeof *g);
}
