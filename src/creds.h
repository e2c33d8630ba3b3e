/*
 * creds.h - credentials, region and endpoint resolution, with the AWS CLI's
 * precedence.
 *
 * Credentials: --profile (skips the environment's keys) > AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN > the profile's static keys >
 * the profile's credential_process.  New providers (assume-role, web
 * identity, container, IMDSv2) are new rows in the provider table of
 * creds.c; nothing else changes shape.
 */
#ifndef LC_CREDS_H
#define LC_CREDS_H

#include <stddef.h>
#include <time.h>

#include "err.h"

struct aws_setting {
	char		*key;
	char		*value;
	const char	*file;	/* where it was read (borrowed) */
	int		 line;
};

/* The selected profile, read from the shared config and credentials files. */
struct aws_config {
	char			*profile;	/* selected profile name */
	int			 profile_from_flag; /* --profile was given */
	int			 profile_explicit;  /* flag or AWS_PROFILE */
	int			 profile_found;	/* in either file */
	char			*config_file;	/* paths, read or not */
	char			*credentials_file;
	struct aws_setting	*settings;	/* credentials file wins */
	size_t			 nsettings;
};

/*
 * Selects the profile (--profile > AWS_PROFILE > the manifest's profile >
 * "default"; manifest_profile may be NULL) and reads its
 * settings from AWS_CONFIG_FILE (default ~/.aws/config, "[profile NAME]"
 * sections, "[default]") and AWS_SHARED_CREDENTIALS_FILE (default
 * ~/.aws/credentials, "[NAME]" sections).  Missing files are not an error;
 * an explicitly named profile found in neither file is:
 * "profile 'ci' not found in '/home/u/.aws/config' or '/home/u/.aws/credentials'".
 * profile_flag is NULL when --profile was not given.
 */
int aws_config_load(struct aws_config *cfg, const char *profile_flag,
    const char *manifest_profile, struct lc_err *err);
/*
 * Parses the text of one shared config file (is_config: "[profile NAME]"
 * sections) or credentials file ("[NAME]"), len bytes that path (borrowed:
 * it must outlive cfg) names in messages, storing the settings of
 * cfg->profile and setting *found when it has a section.  The whole text
 * is checked: "PATH:LINE: ..." errors, LC_ECONFIG.  No I/O: for
 * aws_config_load, the tests and the fuzzer.
 */
int aws_config_parse(struct aws_config *cfg, const char *path,
    const char *text, size_t len, int is_config, int *found,
    struct lc_err *err);
/* The profile's value for key, or NULL. */
const char *aws_config_get(const struct aws_config *cfg, const char *key);
void aws_config_release(struct aws_config *cfg);

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
 * Endpoint for a service ("lambda", "logs", "sts"): flag >
 * AWS_ENDPOINT_URL_<ID> (ID: LAMBDA, CLOUDWATCH_LOGS, STS) > AWS_ENDPOINT_URL
 * > profile "endpoint_url" > https://SERVICE.REGION.amazonaws.com
 * (amazonaws.com.cn for cn-* regions).  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
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

struct profile_names {
	char	**names;
	size_t	  n;
};
/*
 * The profiles of the shared config file ("[profile NAME]", "[default]")
 * and credentials file ("[NAME]"), found and checked as aws_config_load
 * finds and checks them, sorted, without repeats.  Missing files are
 * empty; a malformed one is an error (LC_ECONFIG).  v is the caller's to
 * profile_names_release.
 */
int aws_profile_names(struct profile_names *v, struct lc_err *err);
void profile_names_release(struct profile_names *v);

#endif
