/*
 * endpoint.c - where requests go: the region (flag > environment >
 * lambda.yml > profile) and each service's endpoint URL (configured, or
 * built from the region), taken apart and judged by libcurl's URL API.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "awsconfig.h"
#include "endpoint.h"
#include "err.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* Where a setting came from, for messages: "--region", "profile 'ci'". */
static void
cfg_source(char *dst, size_t len, const struct aws_config *cfg)
{
	snprintf(dst, len, "profile '%s'", cfg != NULL && cfg->profile !=
	    NULL ? cfg->profile : "default");
}

int
region_check(const char *r, const char *source, struct lc_err *err)
{
	size_t n = strlen(r), i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)r[i]) && r[i] != '-')
			break;
	if (n == 0 || n > 63 || i < n || r[0] == '-' || r[n - 1] == '-')
		return lc_error(err, LC_ECONFIG, "invalid region '%.*s' (from "
		    "%s): a region is 1 to 63 letters, digits and hyphens, "
		    "like 'us-east-1'", n > 63 ? 63 : (int)n, r, source);
	return 0;
}

const char *
region_lookup(const char *flag, const struct aws_config *cfg,
    const char *manifest_region, char *src, size_t srclen)
{
	const char *r;

	if (flag != NULL && *flag != '\0')
		return snprintf(src, srclen, "--region"), flag;
	if ((r = aws_env("AWS_REGION")) != NULL)
		return snprintf(src, srclen, "AWS_REGION"), r;
	if ((r = aws_env("AWS_DEFAULT_REGION")) != NULL)
		return snprintf(src, srclen, "AWS_DEFAULT_REGION"), r;
	if (manifest_region != NULL && *manifest_region != '\0')
		return snprintf(src, srclen, "lambda.yml"), manifest_region;
	if ((r = aws_config_value(cfg, "region")) != NULL) {
		cfg_source(src, srclen, cfg);
		return r;
	}
	return NULL;
}

int
region_resolve(char **out, const char *flag, const struct aws_config *cfg,
    const char *manifest_region, struct lc_err *err)
{
	const char *r;
	char src[160];

	*out = NULL;
	r = region_lookup(flag, cfg, manifest_region, src, sizeof src);
	if (r == NULL)
		return lc_error(err, LC_ECONFIG, "no region set (use --region, "
		    "AWS_REGION, 'region' in the profile, or 'region' in "
		    "lambda.yml)");
	if (region_check(r, src, err) == -1)
		return -1;
	*out = xstrdup(r);
	return 0;
}

/*
 * The services whose AWS_ENDPOINT_URL_<ID> or default host is not derived
 * from the name: botocore's service IDs, and the hosts of SSO's portal
 * and OIDC service.
 */
static const struct service {
	const char	*service;
	const char	*id;
	const char	*host;		/* before ".REGION.amazonaws.com" */
} services[] = {
	{ "lambda", "LAMBDA", "lambda" },
	{ "logs", "CLOUDWATCH_LOGS", "logs" },
	{ "sts", "STS", "sts" },
	{ "sso", "SSO", "portal.sso" },
	{ "sso-oidc", "SSO_OIDC", "oidc" },
	{ "s3", "S3", "s3" },
	{ "events", "EVENTBRIDGE", "events" },
};

/* The service's row, or NULL. */
static const struct service *
service_find(const char *service)
{
	size_t i;

	for (i = 0; i < nitems(services); i++)
		if (strcmp(service, services[i].service) == 0)
			return &services[i];
	return NULL;
}

/* The suffix of AWS_ENDPOINT_URL_<ID> for a service; caller frees. */
static char *
service_env_name(const char *service)
{
	const struct service *sv = service_find(service);
	char *name, *p;

	if (sv != NULL)
		return xasprintf("AWS_ENDPOINT_URL_%s", sv->id);
	name = xasprintf("AWS_ENDPOINT_URL_%s", service);
	for (p = name + strlen("AWS_ENDPOINT_URL_"); *p != '\0'; p++)
		*p = (*p == '-' || *p == ' ') ? '_' :
		    (char)toupper((unsigned char)*p);
	return name;
}

/* Whether configured endpoints are ignored: environment, then profile. */
static int
ignore_configured(const struct aws_config *cfg)
{
	const char *v;

	if ((v = aws_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) == NULL)
		v = aws_config_value(cfg, "ignore_configured_endpoint_urls");
	return v != NULL && strcasecmp(v, "true") == 0;
}

/* The message for what is before an '@': never quoted, it may be a secret. */
static int
userinfo_error(const char *source, struct lc_err *err)
{
	return lc_error(err, LC_ECONFIG, "invalid endpoint URL (from %s): a "
	    "user name or password ('...@') is not allowed", source);
}

/* Why libcurl's URL API refused a URL, in endpoint_parse's words. */
static const char *
curlu_reason(CURLUcode rc)
{
	if (rc == CURLUE_OUT_OF_MEMORY)
		die("out of memory");
	switch (rc) {
	case CURLUE_NO_HOST:
		return "no host";
	case CURLUE_BAD_IPV6:
		return "bad IPv6 address";
	case CURLUE_BAD_PORT_NUMBER:
		return "the port must be a number from 1 to 65535";
	case CURLUE_BAD_HOSTNAME:
		return "the host has a character not allowed in a name";
	default:
		return curl_url_strerror(rc);
	}
}

/* The part of u (curl_free it), or NULL when u has none. */
static char *
curlu_part(CURLU *u, CURLUPart what)
{
	char *s = NULL;
	CURLUcode rc = curl_url_get(u, what, &s, 0);

	if (rc == CURLUE_OUT_OF_MEMORY)
		die("out of memory");
	return rc == CURLUE_OK ? s : NULL;
}

/* Why the host (libcurl's: a name or "[IPv6]") or the port is refused. */
static const char *
host_port_reason(const char *host, const char *port, int pct)
{
	const char *p;
	long n;

	if (host == NULL || *host == '\0')
		return "no host";
	if (*host == '[') {
		for (p = host + 1; isxdigit((unsigned char)*p) || *p == ':' ||
		    *p == '.'; p++)
			;
		if (pct || p == host + 1 || strcmp(p, "]") != 0)
			return "bad IPv6 address";
	} else {
		for (p = host; isalnum((unsigned char)*p) || *p == '-' ||
		    *p == '.' || *p == '_'; p++)
			;
		if (pct || *p != '\0')
			return "the host has a character not allowed in a name";
	}
	if (port != NULL && ((n = strtol(port, NULL, 10)) < 1 || n > 65535))
		return "the port must be a number from 1 to 65535";
	return NULL;
}

/*
 * Fills ep (when not NULL) from the parts of u, or says why they are
 * refused; *userinfo is set when libcurl found a user name or password
 * (wiped before it is freed).
 */
static const char *
endpoint_parts(CURLU *u, int pct, struct endpoint *ep, int *userinfo)
{
	static const CURLUPart secret[] = { CURLUPART_USER,
	    CURLUPART_PASSWORD, CURLUPART_OPTIONS };
	char *scheme, *host, *port, *path, *s;
	const char *why;
	size_t i, n;

	for (i = 0; i < nitems(secret); i++)
		if ((s = curlu_part(u, secret[i])) != NULL) {
			OPENSSL_cleanse(s, strlen(s));
			curl_free(s);
			*userinfo = 1;
			return "a user name or password";
		}
	scheme = curlu_part(u, CURLUPART_SCHEME);
	host = curlu_part(u, CURLUPART_HOST);
	port = curlu_part(u, CURLUPART_PORT);
	path = curlu_part(u, CURLUPART_PATH);
	if ((why = host_port_reason(host, port, pct)) == NULL && ep != NULL) {
		ep->host = port != NULL ? xasprintf("%s:%s", host, port) :
		    xstrdup(host);
		ep->origin = xasprintf("%s://%s", scheme, ep->host);
		n = path != NULL ? strlen(path) : 0;
		while (n > 0 && path[n - 1] == '/')
			n--;
		ep->base = xstrndup(path != NULL ? path : "", n);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	return why;
}

/*
 * What libcurl would accept and lambdactl refuses is checked on the text
 * first: spaces and control characters, a scheme in capitals or without
 * "//", an empty authority, query or fragment; and, before any message
 * quotes url, an '@' in the authority.
 */
int
endpoint_parse(const char *url, const char *source, struct endpoint *ep,
    struct lc_err *err)
{
	const char *auth, *why;
	size_t i, alen;
	int userinfo = 0;
	CURLUcode rc;
	CURLU *u;

	if (ep != NULL)
		memset(ep, 0, sizeof *ep);
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return lc_error(err, LC_ECONFIG, "invalid endpoint URL "
			    "(from %s): it holds a space or control character",
			    source);
	if (strncmp(url, "http://", 7) == 0)
		auth = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		auth = url + 8;
	else
		return lc_error(err, LC_ECONFIG, "invalid endpoint URL (from "
		    "%s): it must start with http:// or https://", source);
	alen = strcspn(auth, "/?#");
	if (memchr(auth, '@', alen) != NULL)
		return userinfo_error(source, err);
	if (strpbrk(url, "?#") != NULL)
		why = "a query or fragment is not allowed";
	else if (alen == 0)
		why = "no host";	/* libcurl takes "http:///h" for "http://h" */
	else {
		if ((u = curl_url()) == NULL)
			die("out of memory");
		if ((rc = curl_url_set(u, CURLUPART_URL, url,
		    CURLU_PATH_AS_IS)) != CURLUE_OK)
			why = curlu_reason(rc);
		else
			why = endpoint_parts(u, memchr(auth, '%', alen) != NULL,
			    ep, &userinfo);
		curl_url_cleanup(u);
	}
	if (why == NULL)
		return 0;
	endpoint_release(ep);
	if (userinfo)
		return userinfo_error(source, err);
	return lc_error(err, LC_ECONFIG, "invalid endpoint '%s' (from %s): %s",
	    url, source, why);
}

void
endpoint_release(struct endpoint *ep)
{
	if (ep == NULL)
		return;
	free(ep->origin);
	free(ep->host);
	free(ep->base);
	memset(ep, 0, sizeof *ep);
}

int
endpoint_check(const char *url, const char *source, struct lc_err *err)
{
	return endpoint_parse(url, source, NULL, err);
}

/* The configured endpoint and where it came from, or NULL. */
static const char *
endpoint_configured(const char *flag, const char *service,
    const struct aws_config *cfg, char *src, size_t srclen)
{
	const char *url = NULL;
	char *name;

	if (flag != NULL && *flag != '\0') {
		snprintf(src, srclen, "--endpoint-url");
		return flag;
	}
	if (ignore_configured(cfg))
		return NULL;
	name = service_env_name(service);
	if ((url = aws_env(name)) != NULL)
		snprintf(src, srclen, "%s", name);
	free(name);
	if (url == NULL && (url = aws_env("AWS_ENDPOINT_URL")) != NULL)
		snprintf(src, srclen, "AWS_ENDPOINT_URL");
	if (url == NULL &&
	    (url = aws_config_value(cfg, "endpoint_url")) != NULL)
		cfg_source(src, srclen, cfg);
	return url;
}

int
endpoint_resolve_checked(struct endpoint *out, const char *flag,
    const char *service, const struct aws_config *cfg, const char *region,
    struct lc_err *err)
{
	const char *url;
	char src[160], *dflt = NULL;
	int r;

	memset(out, 0, sizeof *out);
	if ((url = endpoint_configured(flag, service, cfg, src,
	    sizeof src)) == NULL) {
		if (region != NULL &&
		    region_check(region, "the region", err) == -1)
			return -1;
		url = dflt = endpoint_resolve(flag, service, cfg, region);
		snprintf(src, sizeof src, "the region");
	}
	r = endpoint_parse(url, src, out, err);
	free(dflt);
	return r;
}

/*
 * The default endpoint needs a region: callers resolve one first, so a NULL
 * region there is a bug.
 */
char *
endpoint_resolve(const char *flag, const char *service,
    const struct aws_config *cfg, const char *region)
{
	const struct service *sv = service_find(service);
	const char *url;
	char *ret, src[160];
	size_t n;

	url = endpoint_configured(flag, service, cfg, src, sizeof src);
	if (url != NULL)
		ret = xstrdup(url);
	else if (region == NULL)
		die("endpoint_resolve: no region for '%s'", service);
	else
		ret = xasprintf("https://%s.%s.amazonaws.com%s",
		    sv != NULL ? sv->host : service, region,
		    strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
	n = strlen(ret);
	while (n > 0 && ret[n - 1] == '/')
		ret[--n] = '\0';
	return ret;
}
