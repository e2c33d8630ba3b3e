/*
 * awsconfig.h - the AWS configuration as the AWS CLI reads it: the selected
 * profile's settings from the shared config and credentials files (their
 * INI dialect, parsed by one parser), the profiles those files name, and
 * the environment's AWS_* variables.  What the settings mean is for the
 * readers: credentials (creds.h), region and endpoint (endpoint.h).
 */
#ifndef LC_AWSCONFIG_H
#define LC_AWSCONFIG_H

#include <stddef.h>

#include "err.h"

struct aws_setting {
	char		*key;
	char		*value;
	const char	*file;	/* where it was read (borrowed) */
	int		 line;
};

/* A section of the files: a profile or an SSO session. */
enum aws_section_kind { AWS_SECTION_PROFILE, AWS_SECTION_SSO_SESSION };

struct aws_section {
	char			*name;
	enum aws_section_kind	 kind;
	int			 in_credentials; /* of the credentials file */
	struct aws_setting	*settings;	/* later lines win */
	size_t			 nsettings;
};

/* Which file a profile's setting is looked up in. */
enum aws_file {
	AWS_FILE_ANY,		/* the credentials file's, else the config's */
	AWS_FILE_CONFIG,
	AWS_FILE_CREDENTIALS,
};

struct profile_names {
	char	**names;
	size_t	  n;
};

/*
 * The shared config and credentials files: every profile and SSO session
 * they hold, and which profile is selected.
 */
struct aws_config {
	char			*profile;	/* selected profile name */
	int			 profile_from_flag; /* --profile was given */
	int			 profile_explicit;  /* flag or AWS_PROFILE */
	int			 profile_found;	/* in either file */
	char			*config_file;	/* paths, read or not */
	char			*credentials_file;
	struct aws_section	*sections;	/* in file order */
	size_t			 nsections;
	/* Every profile a section of either file names, in file order. */
	struct profile_names	 profiles;
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
 * Parses the text of one shared config file (is_config: "[profile NAME]",
 * "[default]" and "[sso-session NAME]" sections) or credentials file
 * ("[NAME]"), len bytes that path (borrowed: it must outlive cfg) names in
 * messages, storing the settings of every profile and SSO session in
 * cfg->sections and setting *found when cfg->profile (may be NULL) has a
 * section; every profile a section names is added to cfg->profiles.  The whole text is checked:
 * "PATH:LINE: ..." errors, LC_ECONFIG.  No I/O: for aws_config_load, the
 * tests and the fuzzer.
 */
int aws_config_parse(struct aws_config *cfg, const char *path,
    const char *text, size_t len, int is_config, int *found,
    struct lc_err *err);
/*
 * The selected profile's value for key (maybe empty; the credentials
 * file's wins), or NULL.
 */
const char *aws_config_get(const struct aws_config *cfg, const char *key);
/*
 * The selected profile's setting for key when its value is not empty, or
 * NULL (also when cfg is NULL).
 */
const struct aws_setting *aws_config_setting(const struct aws_config *cfg,
    const char *key);
/* aws_config_setting's value, or NULL. */
const char *aws_config_value(const struct aws_config *cfg, const char *key);
/*
 * Any profile's setting for key, non-empty, from the file which says (the
 * credentials file's wins for AWS_FILE_ANY), or NULL: for the providers
 * that follow source_profile and the ones bound to one file.
 */
const struct aws_setting *aws_profile_setting(const struct aws_config *cfg,
    const char *profile, const char *key, enum aws_file which);
/* aws_profile_setting(..., AWS_FILE_ANY)'s value, or NULL. */
const char *aws_profile_value(const struct aws_config *cfg,
    const char *profile, const char *key);
/*
 * The section of kind named name (the config file's first), or NULL: NULL
 * means no such profile or SSO session in either file.
 */
const struct aws_section *aws_config_section(const struct aws_config *cfg,
    enum aws_section_kind kind, const char *name);
/* "[sso-session NAME]"'s non-empty value for key, or NULL. */
const char *aws_sso_session_value(const struct aws_config *cfg,
    const char *session, const char *key);
void aws_config_release(struct aws_config *cfg);

/*
 * The profiles of the shared config file ("[profile NAME]", "[default]")
 * and credentials file ("[NAME]"), found and checked as aws_config_load
 * finds and checks them, sorted, without repeats.  Missing files are
 * empty; a malformed one is an error (LC_ECONFIG).  v is the caller's to
 * profile_names_release.
 */
int aws_profile_names(struct profile_names *v, struct lc_err *err);
void profile_names_release(struct profile_names *v);

/*
 * path with a leading "~/" replaced by the home directory ($HOME, else the
 * password database's); the caller frees it.
 */
char *aws_expand_home(const char *path);

/* The environment's value for name, or NULL when it is unset or empty. */
const char *aws_env(const char *name);

/*
 * The CA bundle requests trust: AWS_CA_BUNDLE when set and not empty,
 * else the selected profile's ca_bundle, else NULL (the system's).
 */
const char *aws_ca_bundle(const struct aws_config *cfg);

#endif
