/*
 * creds-meta.h - what the container and IMDS providers (creds-meta.c) do
 * without I/O: the container endpoint's host check and the two answers'
 * parsers, for the provider, the unit tests and the fuzzer.
 */
#ifndef LC_CREDS_META_H
#define LC_CREDS_META_H

#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "err.h"

/*
 * Whether the container provider may fetch over plain http from hostport
 * ("HOST[:PORT]", HOST a name or a bracketed IPv6 address, as
 * endpoint_parse gives it): a loopback address (127.0.0.0/8, [::1]),
 * localhost, or the ECS/EKS hosts 169.254.170.2, 169.254.170.23 and
 * [fd00:ec2::23] (botocore's list).  https may go to any host.
 */
int creds_container_host_ok(const char *hostport);

/*
 * The container endpoint's answer (len bytes): a JSON object with
 * AccessKeyId, SecretAccessKey, optional Token and Expiration (RFC 3339,
 * later than now).  what names the endpoint in messages; they never quote
 * a key.  -1: LC_EFAIL (a server's answer, not the user's configuration).
 */
int creds_container_parse(struct creds *c, const char *body, size_t len,
    const char *what, time_t now, struct lc_err *err);

/*
 * IMDS's answer for role (len bytes): a JSON object with Code "Success",
 * AccessKeyId, SecretAccessKey, Token and Expiration (later than now);
 * source "imds (role ROLE)".  -1: LC_EFAIL, naming what and the Code when
 * it is not Success.
 */
int creds_imds_parse(struct creds *c, const char *body, size_t len,
    const char *role, const char *what, time_t now, struct lc_err *err);

/*
 * Whether s is an IAM role name as IMDS lists it: 1 to 64 of letters,
 * digits and "+=,.@_-" (IAM's own rule), so that it is safe in a URL path.
 */
int creds_imds_role_ok(const char *s, size_t len);

#endif
