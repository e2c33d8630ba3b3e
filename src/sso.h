/*
 * sso.h - IAM Identity Center (SSO): the profile settings SSO uses, the
 * token cache the AWS CLI shares (~/.aws/sso/cache, botocore's keys and
 * format), the client registration cache of `aws sso login`, and the calls
 * (REST-JSON, unsigned): the portal's GetRoleCredentials (bearer token
 * header) and SSO OIDC's RegisterClient, StartDeviceAuthorization and
 * CreateToken (device code and refresh token grants).
 */
#ifndef LC_SSO_H
#define LC_SSO_H

#include <stddef.h>
#include <time.h>

#include "aws.h"
#include "awsconfig.h"
#include "creds.h"
#include "err.h"

#define SSO_CACHE_DIR		"~/.aws/sso/cache"
/* botocore refreshes a token this close to its expiry (tokens.py). */
#define SSO_REFRESH_WINDOW	(15 * 60)
/* A cached client registration is reused until this close to expiry. */
#define SSO_REGISTRATION_WINDOW	(15 * 60)
/* sso_registration_scopes when an sso-session sets none. */
#define SSO_DEFAULT_SCOPE	"sso:account:access"
#define SSO_GRANT_DEVICE	"urn:ietf:params:oauth:grant-type:device_code"
#define SSO_GRANT_REFRESH	"refresh_token"

/* What a profile says about SSO, its sso-session's settings merged in. */
struct sso_profile {
	char	 *profile;
	char	 *session;	/* sso_session; NULL: a legacy profile */
	char	 *start_url;
	char	 *region;	/* sso_region */
	char	**scopes;	/* sso_registration_scopes (session only) */
	size_t	  nscopes;
	char	 *account_id;	/* NULL when not set (login needs none) */
	char	 *role_name;
};

/*
 * Reads profile's SSO settings from cfg.  Returns 0 when the profile does
 * not use SSO (for credentials, as botocore: neither sso_account_id nor
 * sso_role_name; with need_role unset: neither sso_session nor
 * sso_start_url), 1 with sp filled, or -1 with err (LC_ECONFIG): a key
 * missing ("profile 'dev' is configured for SSO but has no sso_region"),
 * an sso_session naming no [sso-session] section, a key whose value
 * differs between the profile and its sso-session.
 */
int sso_profile_load(struct sso_profile *sp, const struct aws_config *cfg,
    const char *profile, int need_role, struct lc_err *err);
/* The token cache's key: the session name, or the legacy start URL. */
const char *sso_profile_key(const struct sso_profile *sp);
void sso_profile_release(struct sso_profile *sp);

/* "a, b ,c" as a list of non-empty trimmed scopes (botocore's parsing). */
void sso_parse_scopes(const char *s, char ***out, size_t *n);

/* A token cache file (~/.aws/sso/cache/<sha1 of key>.json). */
struct sso_token {
	char	*start_url;		/* NULL when absent */
	char	*region;
	char	*access_token;		/* secret */
	time_t	 expires_at;
	char	*client_id;		/* the registration: all or none */
	char	*client_secret;		/* secret */
	time_t	 registration_expires_at;	/* 0: none */
	char	*refresh_token;		/* secret; NULL: none */
};

/*
 * Fills t from a cache file's JSON object: accessToken (non-empty) and
 * expiresAt (an ISO-8601 time) are required; startUrl, region, clientId,
 * clientSecret, registrationExpiresAt, refreshToken optional (one that is
 * malformed is dropped: the token is then simply not refreshable).  No
 * string with a control character is taken.  Every secret is registered
 * with log_secret.  Returns 0, or -1 with err (LC_ECONFIG).  No I/O.
 */
int sso_token_from_json(struct sso_token *t, const cJSON *o,
    struct lc_err *err);
/* sso_token_from_json on len bytes of text (the fuzzer's entry). */
int sso_token_parse(struct sso_token *t, const char *text, size_t len,
    struct lc_err *err);
/*
 * Sets t's members in o as botocore writes them (times
 * "2026-01-01T00:00:00Z"), replacing those there and keeping any other;
 * refreshToken is removed when t has none.  No I/O.
 */
void sso_token_to_json(const struct sso_token *t, cJSON *o);
/*
 * Whether t can be refreshed at now (botocore's test): clientId,
 * clientSecret, refreshToken and a registrationExpiresAt after now.
 */
int sso_token_refreshable(const struct sso_token *t, time_t now);
void sso_token_release(struct sso_token *t);

/*
 * The cached token for key (sso_profile_key): 0 with t filled and *raw the
 * file's whole object (the caller's to creds_json_free, NULL allowed), or
 * -1 when there is none or it is unusable (a --debug note says why).
 */
int sso_token_load(struct sso_token *t, const char *key, cJSON **raw);
/*
 * Writes t for key into the cache, atomically, 0600, over raw's other
 * members when raw is not NULL.  Returns 0, or -1 with err.
 */
int sso_token_save(const struct sso_token *t, const char *key,
    const cJSON *raw, struct lc_err *err);

/* A client registration with SSO OIDC. */
struct sso_registration {
	char	*client_id;
	char	*client_secret;		/* secret */
	time_t	 expires_at;
};

/*
 * The registration cache's key, as the AWS CLI v2 builds it: Python's
 * json.dumps({"region", "scopes" (a list, or null), "session_name" (or
 * null), "startUrl", "tool": "botocore"}, sort_keys=True).  The caller
 * frees it; its SHA-1 names the file.
 */
char *sso_registration_key(const struct sso_profile *sp);
/*
 * A cached registration for sp still valid SSO_REGISTRATION_WINDOW past
 * now, not one made for the authorization code flow: 0 with r filled, or
 * -1 (a --debug note says why).
 */
int sso_registration_load(struct sso_registration *r,
    const struct sso_profile *sp, time_t now);
/* Caches r for sp ({"clientId", "clientSecret", "expiresAt", "scopes"}). */
int sso_registration_save(const struct sso_registration *r,
    const struct sso_profile *sp, struct lc_err *err);
void sso_registration_release(struct sso_registration *r);

/*
 * The portal's GetRoleCredentials with the access token (c->creds NULL,
 * c->region the sso_region): c filled from roleCredentials (expiration in
 * epoch milliseconds), source taken (also on failure).  -1 with err: the
 * AWS error (err->code "UnauthorizedException" for a token the portal
 * refuses), a transport failure, or a malformed answer (LC_EFAIL).
 */
int sso_get_role_credentials(struct aws_client *c, const char *token,
    const char *account_id, const char *role_name, time_t now,
    struct creds *out, char *source, struct lc_err *err);

/* SSO OIDC RegisterClient (clientType "public"). */
int sso_register_client(struct aws_client *c, const char *name,
    char *const *scopes, size_t nscopes, struct sso_registration *out,
    struct lc_err *err);

/* A started device authorization. */
struct sso_device {
	char	*device_code;		/* secret */
	char	*user_code;
	char	*verification_uri;
	char	*verification_uri_complete;	/* NULL when not given */
	long	 expires_in;		/* seconds */
	long	 interval;		/* seconds (5 when not given) */
};

int sso_start_device_authorization(struct aws_client *c,
    const struct sso_registration *r, const char *start_url,
    struct sso_device *out, struct lc_err *err);
void sso_device_release(struct sso_device *d);

/* What CreateToken grants. */
struct sso_grant {
	char	*access_token;		/* secret */
	char	*refresh_token;		/* secret; NULL: none */
	long	 expires_in;		/* seconds */
};

/*
 * SSO OIDC CreateToken: grant SSO_GRANT_DEVICE with the device code, or
 * SSO_GRANT_REFRESH with the refresh token, as code.  -1 with err: the
 * service's error in err->code ("AuthorizationPendingException",
 * "SlowDownException", "ExpiredTokenException", "AccessDeniedException",
 * "InvalidGrantException"...), or a transport failure.
 */
int sso_create_token(struct aws_client *c, const struct sso_registration *r,
    const char *grant, const char *code, struct sso_grant *out,
    struct lc_err *err);
void sso_grant_release(struct sso_grant *g);

#endif
