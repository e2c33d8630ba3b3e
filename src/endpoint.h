/*
 * endpoint.h - where requests go: the region, with the AWS CLI's precedence
 * (flags > environment > lambda.yml > profile), and each service's
 * endpoint URL, checked and taken apart by libcurl's URL API.
 */
#ifndef LC_ENDPOINT_H
#define LC_ENDPOINT_H

#include <stddef.h>

#include "awsconfig.h"
#include "err.h"

/*
 * Region: flag > AWS_REGION > AWS_DEFAULT_REGION > manifest_region >
 * profile "region" (flags > environment > lambda.yml > profile, as every
 * setting).  *out is the caller's.  None: LC_ECONFIG, saying how to set one.
 */
int region_resolve(char **out, const char *flag, const struct aws_config *cfg,
    const char *manifest_region, struct lc_err *err);
/*
 * The same rule, unchecked and borrowed: the region, or NULL when none is
 * set; src (srclen bytes) names where it came from.
 */
const char *region_lookup(const char *flag, const struct aws_config *cfg,
    const char *manifest_region, char *src, size_t srclen);
/*
 * Whether region looks like one: 1 to 63 letters, digits and hyphens, no
 * hyphen first or last (botocore's rule; it becomes part of a host name).
 * source names where it came from, for the message (LC_ECONFIG).
 */
int region_check(const char *region, const char *source, struct lc_err *err);

/*
 * Endpoint for a service ("lambda", "logs", "sts", "sso", "sso-oidc",
 * "s3"): flag > AWS_ENDPOINT_URL_<ID> (ID: LAMBDA, CLOUDWATCH_LOGS, STS,
 * SSO, SSO_OIDC, S3) > AWS_ENDPOINT_URL > profile "endpoint_url" >
 * https://HOST.REGION.amazonaws.com, HOST the service's name, or
 * portal.sso and oidc for SSO's (amazonaws.com.cn for cn-* regions).  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
 * skips the environment and the profile.  Returns a string the caller frees,
 * without a trailing slash.
 */
char *endpoint_resolve(const char *flag, const char *service,
    const struct aws_config *cfg, const char *region);

/* An endpoint URL as requests use it, taken apart by libcurl's URL API. */
struct endpoint {
	char	*origin;	/* "http(s)://HOST[:PORT]": no user or password */
	char	*host;		/* "HOST[:PORT]": the Host header, signed */
	char	*base;		/* the path, without trailing '/'; or "" */
};

/*
 * endpoint_resolve, taken apart by endpoint_parse, refusing (LC_ECONFIG,
 * naming the flag, variable or profile) a configured endpoint that
 * endpoint_parse refuses, or a region that region_check refuses.  out is
 * the caller's to endpoint_release, also after -1.
 */
int endpoint_resolve_checked(struct endpoint *out, const char *flag,
    const char *service, const struct aws_config *cfg, const char *region,
    struct lc_err *err);
/*
 * The one judge of endpoint URLs: url must be http(s)://HOST[:PORT][/PATH]
 * as libcurl's URL API parses it, HOST a name (letters, digits, '-', '.',
 * '_') or an [IPv6] address, PORT from 1 to 65535; no query, fragment,
 * space, control character or '%' in the host.  No user name or password
 * either: the message then does not quote url (it may hold a secret), and
 * so they are never signed, sent or shown.  source names where url came
 * from in messages (LC_ECONFIG).  ep may be NULL, only to check; otherwise
 * it is the caller's to endpoint_release, also after -1.
 */
int endpoint_parse(const char *url, const char *source, struct endpoint *ep,
    struct lc_err *err);
void endpoint_release(struct endpoint *ep);
/* endpoint_parse(url, source, NULL, err). */
int endpoint_check(const char *url, const char *source, struct lc_err *err);

#endif
