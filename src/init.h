/*
 * init.h - the lambda.yml of deployed functions (lambdactl init), pure: no
 * I/O.  From the configurations GetFunction reported (struct
 * lambda_config, with its tags and reserved concurrency) comes YAML text
 * that lambda.yml(5) reads back to the same settings, so that plan finds
 * no difference.  The settings come from the table (fnsettings.h), walked
 * generically: a row's key names its place ("vpc.subnets" is "subnets:"
 * in a "vpc:" map); a value equal to the row's default is left out, and
 * so is Lambda's own log group, /aws/lambda/NAME; snap_start's
 * "PublishedVersions" is written "snap_start: true".  With
 * two functions or more, a scalar setting every function has alike is
 * written once at the top level.  Tags whose keys are reserved
 * (manifest_tag_reserved: "lambdactl:", "aws:") are not lambda.yml's and
 * are left out.  The scalars go through
 * libyaml's emitter, quoted where YAML would read them otherwise (null,
 * yes, 012, ': ', '#', newlines), and every "${" becomes "$${" (lambda.yml
 * expands ${env:...}).
 */
#ifndef LC_INIT_H
#define LC_INIT_H

#include <stddef.h>

#include "err.h"

struct lambda_config;

/* One function to write. */
struct init_fn {
	const struct lambda_config	*cfg;	/* GetFunction's */
	/* Its artifact as written, relative to lambda.yml; NULL: the
	 * placeholder init_artifact_name gives, marked as one in a comment. */
	const char			*artifact;
};

struct init_result {
	/* The text; it may hold environment values: init_result_release
	 * wipes it. */
	char	*yaml;
	size_t	 len;
	size_t	 nenv;		/* functions whose environment it holds */
	size_t	 nplaceholders;	/* artifacts that are placeholders */
};

/*
 * The lambda.yml of the n functions of fns (in that order; n >= 1), with
 * region at the top level (NULL: none).  Returns 0 with res filled, or -1
 * with err: a function with no runtime (a container image: LC_ECONFIG),
 * a name that is not a function name or given twice (LC_EUSAGE), a value
 * the emitter refuses (not UTF-8: LC_EFAIL).
 */
int init_yaml(const struct init_fn *fns, size_t n, const char *region,
    struct init_result *res, struct lc_err *err);
void init_result_release(struct init_result *res);

/* "NAME.zip": function name's artifact as init writes it, placeholder or
 * downloaded code.  The caller frees it. */
char *init_artifact_name(const char *name);

#endif
