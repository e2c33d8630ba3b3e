/*
 * creds.h - the credential provider chain, in botocore's order: the
 * environment's keys (skipped under --profile) > the profile's role_arn
 * (assume-role) > web identity > SSO > the credentials file's keys >
 * credential_process > the config file's keys > the container endpoint >
 * IMDSv2.  Credentials that expire are got again before they do
 * (creds_fresh).  The providers are rows of creds.c's chain, each in a
 * file of its own (creds-private.h).
 */
#ifndef LC_CREDS_H
#define LC_CREDS_H

#include <stddef.h>
#include <time.h>

#include "awsconfig.h"
#include "err.h"
#include "http.h"

struct creds_refresh;

struct creds {
	char	*access_key_id;
	char	*secret_access_key;	/* wiped on release */
	char	*session_token;		/* NULL when none; wiped on release */
	/*
	 * Where they came from, for whoami: "env", "profile NAME",
	 * "process (profile NAME)", "assume-role NAME via SOURCE",
	 * "web-identity (...)", "sso (profile NAME)", "container", "imds".
	 */
	char	*source;
	time_t	 expiration;		/* 0: does not expire */
	struct creds_refresh *refresh;	/* how to get them again, or NULL */
};

/* What the providers use besides the files. */
struct creds_opts {
	const struct aws_config	*cfg;	/* borrowed: outlives the creds */
	const struct http_opts	*http;	/* timeouts, CA bundle; or NULL */
	const char		*region; /* the command's, or NULL */
	time_t			 now;	/* 0: time(NULL); tests set it */
};

/* botocore's refresh windows, in seconds before the expiration. */
#define CREDS_ADVISORY_REFRESH	(15 * 60)
#define CREDS_MANDATORY_REFRESH	(10 * 60)

/*
 * credential_process: the command runs with /bin/sh -c in a process group
 * of its own, lent our terminal if it stops to use it (a prompt); past
 * CREDS_PROCESS_TIMEOUT seconds (or the environment variable's value), or
 * past 64 KiB of output, the whole group is killed.
 */
#define CREDS_PROCESS_TIMEOUT		60
#define CREDS_PROCESS_TIMEOUT_ENV	"LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT"

/*
 * Checks credential_process's output (len bytes of JSON, for profile) and
 * fills c: Version 1, AccessKeyId and SecretAccessKey non-empty strings,
 * optional SessionToken, optional RFC 3339 Expiration later than now; no
 * control character in a key.  Messages never quote a key.  No I/O: for
 * the provider, the tests and the fuzzer.
 */
int creds_process_parse(struct creds *c, const char *out, size_t len,
    const char *profile, time_t now, struct lc_err *err);

/*
 * Walks the provider chain.  Returns 0 with c filled, or -1: a provider
 * failed (its message names the source: variable, file:line, profile,
 * command, URL; LC_ECONFIG, or LC_EFAIL for a network failure), or
 * nothing was found: "no credentials found (...)", LC_ECONFIG.  Every
 * secret is registered with log_secret.
 */
int creds_resolve(struct creds *c, const struct creds_opts *o,
    struct lc_err *err);
/*
 * Gets c again from the provider that gave them when they expire within
 * CREDS_ADVISORY_REFRESH of now; a failure then is only noted (--debug),
 * and the next try waits a minute, unless they expire within
 * CREDS_MANDATORY_REFRESH.  A refresh never asks the user anything (an
 * MFA code): it fails instead.  Credentials that do
 * not expire are left alone.  Returns 0, or -1 with err.
 */
int creds_fresh(struct creds *c, time_t now, struct lc_err *err);
/*
 * creds_fresh under c's lock, then a copy of the keys into out (the
 * caller's to creds_release): what signs one request, safe while other
 * threads use c too.  Returns 0, or -1 with err.
 */
int creds_get(struct creds *c, time_t now, struct creds *out,
    struct lc_err *err);
void creds_release(struct creds *c);

#endif
