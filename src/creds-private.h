/*
 * creds-private.h - what the credential providers share: the context one
 * resolution runs in, the provider signature, and the checks every source
 * of keys goes through.  Each provider lives in a file of its own
 * (creds-process.c, creds-sts.c, creds-sso.c, creds-meta.c); creds.c
 * walks them in the AWS CLI's order and refreshes what expires.
 */
#ifndef LC_CREDS_PRIVATE_H
#define LC_CREDS_PRIVATE_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "awsconfig.h"
#include "creds.h"
#include "err.h"
#include "http.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* The longest role_arn / source_profile chain followed. */
#define CREDS_MAX_CHAIN		16

/*
 * One resolution: the files, the profile being resolved (the selected one,
 * or a source_profile on the way), and what network providers use.  Kept
 * with credentials that expire, to refresh them the same way.
 */
struct creds_ctx {
	const struct aws_config	*cfg;		/* borrowed: outlives creds */
	char			*profile;	/* the profile resolved */
	struct http_opts	 http;		/* ca_bundle borrowed from cfg */
	char			*region;	/* the command's, or NULL */
	struct http_client	*client;	/* creds_http's, made once */
	time_t			 now;		/* when this resolution runs */
	/*
	 * The profiles a role_arn chain went through, for loops; past the
	 * first, a source profile is resolved, which the environment's
	 * variables (AWS_ROLE_ARN, ...) do not apply to.
	 */
	const char		*chain[CREDS_MAX_CHAIN];
	size_t			 nchain;
	/*
	 * Set while creds_fresh gets expiring credentials again, in the
	 * middle of a run: nothing may ask the user then (an MFA code).
	 */
	int			 refreshing;
};

/*
 * A provider: returns 1 with c filled (c->source set; c->expiration when
 * they expire), 0 when it does not apply to ctx->profile, -1 with err (a
 * message naming the source: variable, file:line, profile, URL).
 */
typedef int creds_load_fn(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err);

/* creds.c: the environment's keys and a profile's static keys. */
creds_load_fn creds_load_env;
creds_load_fn creds_load_shared_keys;	/* the credentials file's */
creds_load_fn creds_load_config_keys;	/* the config file's */
/* creds-process.c */
creds_load_fn creds_load_process;
/* creds-sts.c: role_arn profiles, and web identity (env or profile). */
creds_load_fn creds_load_assume_role;
creds_load_fn creds_load_web_identity;
/* creds-sso.c */
creds_load_fn creds_load_sso;
/* creds-meta.c: the container endpoint, then IMDSv2. */
creds_load_fn creds_load_container;
creds_load_fn creds_load_imds;

/*
 * The credentials of a source profile, ctx->profile, as botocore finds
 * them: a profile with static keys, or without role_arn, through web
 * identity (the profile's), SSO, its static keys, credential_process;
 * else through its own role_arn.  -1 with err also when none applies.
 * For creds-sts.c.
 */
int creds_resolve_profile(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err);

/* The context's HTTP client, made on first use with ctx->http. */
struct http_client *creds_http(struct creds_ctx *ctx);

/* Copies a key pair (and token, which may be NULL) into c, taking source. */
void creds_fill(struct creds *c, const char *ak, const char *sk,
    const char *tok, char *source);
/*
 * Refuses a key, secret or token with a control character in it (a pasted
 * newline would otherwise be signed into a useless key, or split a
 * header): where names the source, what the value.  Never quotes value.
 */
int creds_check_key(const char *value, const char *where, const char *what,
    struct lc_err *err);
/* creds_check_key for a profile's setting, naming its file:line. */
int creds_check_setting(const struct aws_setting *s, struct lc_err *err);
/*
 * What the first control character of s is, for a message that must not
 * show s itself: "a newline", "control character 0x1b"; NULL when s has
 * none.  tmp holds the text of the second form.
 */
const char *creds_control_char(const char *s, char tmp[32]);
/*
 * An expiration as seconds since the epoch: an ISO-8601 time (lambdactl(1),
 * DURATIONS AND TIMES; "2026-01-01T00:00:00Z", also botocore's cache form
 * "2026-01-01T00:00:00UTC"), its fraction of a second dropped.
 */
int creds_parse_time(const char *s, time_t *out);

/* The members of a JSON credentials document. */
struct creds_json_names {
	const char	*access_key_id;		/* "AccessKeyId" */
	const char	*secret_access_key;	/* "SecretAccessKey" */
	const char	*session_token;		/* "SessionToken"; NULL: none */
	const char	*expiration;		/* "Expiration"; NULL: none */
};

/*
 * Fills c from the JSON object o: the keys non-empty strings, the token and
 * the expiration optional (an RFC 3339 string, or a number of milliseconds
 * since the epoch) and later than now, no control character.  Messages
 * begin with what ("credential_process for profile 'ci'") and never quote a
 * key.  source is taken, also on failure.  No I/O.
 */
int creds_from_json(struct creds *c, const cJSON *o,
    const struct creds_json_names *names, const char *what, time_t now,
    char *source, struct lc_err *err);
/*
 * Whether a failed call was the service refusing what we hold (a token,
 * a role's trust, an MFA code: a credentials problem, exit 3) rather than
 * a network failure, a server error or throttling (exit 1).
 */
int creds_refused(const struct lc_err *e);
/* Wipes every string of o (secrets) and deletes it; NULL is a no-op. */
void creds_json_free(cJSON *o);

/*
 * creds-cache.c: the AWS CLI's JSON caches, shared with it.
 * The file DIR/<hex SHA-1 of key>.json, DIR under the home directory
 * ("~/.aws/cli/cache", "~/.aws/sso/cache"); the caller frees it.
 */
char *creds_cache_path(const char *dir, const char *key);
/*
 * The JSON object in path, or NULL when there is none (missing, unreadable,
 * a link or not a regular file, not a JSON object, no home directory so
 * path is not absolute: a cache miss, noted under --debug).  The caller
 * creds_json_free()s it.
 */
cJSON *creds_cache_read(const char *path);
/*
 * Writes o to path as the AWS CLI does, atomically: a temporary file in the
 * same directory (made 0700 as needed), mode 0600, flushed, renamed over
 * path.  Returns 0, or -1 with err (nothing half-written is left; no home
 * directory, so path is not absolute, is an error too).
 */
int creds_cache_write(const char *path, const cJSON *o, struct lc_err *err);

#endif
