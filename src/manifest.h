/*
 * manifest.h - lambda.yml: top-level defaults plus a "functions:" map, read
 * with libyaml into plain structs, with "FILE:LINE:COL: message" errors.
 *
 *   region: eu-west-1            # top level: defaults for every function
 *   role: lambda-exec            # (and region/profile for the whole file)
 *   memory: 360
 *   environment: { STAGE: prod }
 *   functions:
 *     jobs:                      # the Lambda function name
 *       runtime: java21
 *       handler: jobs.aws-lambda::handleRequest
 *       artifact: target/jobs-standalone.jar
 *       environment: { DB_PASSWORD: "${env:DB_PASSWORD}" }
 *
 * A function inherits every top-level key it does not set; maps
 * (environment, tags) merge key by key, the function winning; lists
 * (layers) replace.  "${env:NAME}" and "${env:NAME:-default}" in any scalar
 * value are replaced from the environment ("$${" is a literal "${").
 */
#ifndef LC_MANIFEST_H
#define LC_MANIFEST_H

#include <stddef.h>

#include "err.h"

#define MANIFEST_DEFAULT_PATH "lambda.yml"

/* Defaults for what neither the function nor the top level sets. */
#define MANIFEST_DEFAULT_MEMORY 128		/* MB */
#define MANIFEST_DEFAULT_TIMEOUT 3		/* seconds */
#define MANIFEST_DEFAULT_ARCH "x86_64"
#define MANIFEST_DEFAULT_EPHEMERAL 512		/* MB */

struct manifest_kv {
	char	*key;
	char	*value;
};

struct manifest_fn {
	char			*name;
	int			 line;		/* of its key under functions: */
	int			 col;
	char			*runtime;
	char			*handler;	/* NULL: none (provided.*) */
	char			*role;		/* ARN or bare role name */
	char			*description;	/* NULL: none */
	char			*artifact;	/* as written (relative or not) */
	char			*build;		/* NULL: no build step */
	char			*architecture;	/* "x86_64" or "arm64" */
	char			*region;	/* NULL: not set */
	char			*profile;	/* NULL: not set */
	long			 memory;	/* MB */
	long			 timeout;	/* seconds */
	long			 ephemeral_storage;	/* MB */
	struct manifest_kv	*env;		/* sorted by key */
	size_t			 nenv;
	struct manifest_kv	*tags;		/* sorted by key */
	size_t			 ntags;
	char			**layers;	/* in the order written */
	size_t			 nlayers;
};

struct manifest {
	char			*path;		/* as given */
	char			*dir;		/* its directory: base of relative paths */
	char			*region;	/* top level; NULL: not set */
	char			*profile;	/* top level; NULL: not set */
	struct manifest_fn	*fns;		/* in file order */
	size_t			 nfns;
};

/*
 * Reads and validates the manifest at path.  Returns 0, or -1 with err
 * (LC_ECONFIG) saying "PATH:LINE:COL: message" for the first problem:
 * YAML syntax, unknown keys (with a "did you mean" hint), wrong types,
 * duplicate keys, out-of-range values, missing required keys (runtime,
 * role, artifact; handler for runtimes other than provided.*), invalid
 * function names, unknown runtimes, an environment over Lambda's 4 KB,
 * reserved environment variable names, unset ${env:...} variables.
 * A file that cannot be read: "cannot read 'PATH': reason".
 */
int manifest_load(struct manifest *m, const char *path, struct lc_err *err);
void manifest_release(struct manifest *m);

/* The function named name, or NULL. */
const struct manifest_fn *manifest_find(const struct manifest *m,
    const char *name);

/*
 * The manifest path to use: flag (-f) > LAMBDACTL_MANIFEST > "lambda.yml".
 * Borrowed string.
 */
const char *manifest_path(const char *flag);

/* Whether runtime is a custom runtime (provided, provided.al2, ...). */
int manifest_is_provided(const char *runtime);

#endif
