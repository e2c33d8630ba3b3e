/*
 * creds.h - the credential provider chain, with the AWS CLI's precedence:
 * --profile (skips the environment's keys) > AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN > the profile's static keys >
 * the profile's credential_process.  New providers (assume-role, web
 * identity, container, IMDSv2) are new rows in the provider table of
 * creds.c; nothing else changes shape.
 */
#ifndef LC_CREDS_H
#define LC_CREDS_H

#include <stddef.h>
#include <time.h>

#include "awsconfig.h"
#include "err.h"

struct creds {
	char	*access_key_id;
	char	*secret_access_key;	/* wiped on release */
	char	*session_token;		/* NULL when none; wiped on release */
	/* Where they came from: "env", "profile NAME", "process (profile NAME)" */
	char	*source;
	time_t	 expiration;		/* 0: does not expire */
};

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
 * command), or a key holds a control character, or nothing
 * was found: "no credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
 * or use --profile)", both with status LC_ECONFIG.
 */
int creds_resolve(struct creds *c, const struct aws_config *cfg,
    struct lc_err *err);
void creds_release(struct creds *c);

#endif
