/*
 * lambda-versions.h - a function's published versions and aliases:
 * ListVersionsByFunction, ListAliases, GetAlias, CreateAlias/UpdateAlias
 * with weighted routing, DeleteFunction of one version, and the wait for a
 * published version to become Active (SnapStart).  REST-JSON, thin: the
 * parsing is pure and fuzzed (lambda_versions_parse, lambda_aliases_parse).
 */
#ifndef LC_LAMBDA_VERSIONS_H
#define LC_LAMBDA_VERSIONS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "aws.h"
#include "err.h"

struct lambda_config;

/* One published version ($LATEST is never one). */
struct lambda_version {
	char	*version;	/* "1", "2", ... */
	long	 number;	/* the same, as a number */
	char	*code_sha256;
	char	*description;	/* "" when none */
	char	*last_modified;	/* as Lambda writes it */
	char	*state;		/* Pending, Active, Inactive, Failed */
	char	*state_reason;
	int64_t	 code_size;
};

/*
 * One alias.  Weighted routing (a canary): version gets 1 - weight of the
 * invokes and extra_version gets weight (RoutingConfig's
 * AdditionalVersionWeights holds at most one version).
 */
struct lambda_alias {
	char	*name;
	char	*version;	/* FunctionVersion */
	char	*extra_version;	/* NULL: no routing */
	double	 extra_weight;	/* 0 < w < 1 when extra_version is set */
	char	*description;	/* "" when none */
	char	*revision_id;
};

void lambda_versions_release(struct lambda_version *v, size_t n);
void lambda_aliases_release(struct lambda_alias *a, size_t n);
void lambda_alias_release(struct lambda_alias *a);

/*
 * ListVersionsByFunction, every page: the published versions, oldest
 * first (by number), $LATEST left out.  *out is the caller's
 * (lambda_versions_release).  A missing function: -1 with err->code
 * ResourceNotFoundException.
 */
int lambda_list_versions(struct aws_client *c, const char *fn,
    struct lambda_version **out, size_t *n, struct lc_err *err);

/* ListAliases, every page, sorted by name. */
int lambda_list_aliases(struct aws_client *c, const char *fn,
    struct lambda_alias **out, size_t *n, struct lc_err *err);

/* GetAlias: 1 with *out filled, 0 when there is no such alias, -1. */
int lambda_get_alias(struct aws_client *c, const char *fn, const char *alias,
    struct lambda_alias *out, struct lc_err *err);

/*
 * Points alias at version, with extra_version getting weight (0 < weight
 * < 1) when extra_version is set, and no routing otherwise (an update
 * sends an empty RoutingConfig, which removes a canary).  UpdateAlias
 * (with RevisionId when revision_id is set) when the alias exists, else
 * CreateAlias; *created (may be NULL) says which.  A revision_id comes
 * from reading the alias, so with one UpdateAlias is sent at once: an
 * alias changed (or deleted) since fails (PreconditionFailedException,
 * ResourceNotFoundException) rather than being overwritten or made anew.
 */
int lambda_put_alias(struct aws_client *c, const char *fn, const char *alias,
    const char *version, const char *extra_version, double weight,
    const char *revision_id, int *created, struct lc_err *err);

/* DeleteFunction with Qualifier=version (never "$LATEST": refused here). */
int lambda_delete_version(struct aws_client *c, const char *fn,
    const char *version, struct lc_err *err);

/*
 * GetFunctionConfiguration with Qualifier=version: the configuration the
 * published version holds, into cfg (the caller's, lambda_config_release;
 * left empty on failure).  A missing version: -1 with err->code
 * ResourceNotFoundException.
 */
int lambda_get_version(struct aws_client *c, const char *fn,
    const char *version, struct lambda_config *cfg, struct lc_err *err);

/*
 * Waits until published version of fn is Active (lambda_get_version,
 * polled by lambda_poll as lambda_wait polls: first LAMBDA_POLL_FIRST_MS
 * after the PublishVersion that said Pending, then backing off to 1 s):
 * SnapStart's snapshot is made then, and an alias must not move to it
 * before.  State Failed: -1 with "version N failed: <StateReason>";
 * timeout_s reached: -1 naming the last state; AccessDeniedException: a
 * hint about lambda:GetFunctionConfiguration.  on_change and stop as
 * lambda_wait's.
 */
int lambda_wait_version(struct aws_client *c, const char *fn,
    const char *version, long timeout_s, const volatile sig_atomic_t *stop,
    void (*on_change)(void *, const char *, const char *), void *arg,
    struct lc_err *err);

/* ---- pure, for unit tests and fuzzing ---- */

/* Whether s is a published version's number ("1", "42": digits, no sign,
 * no leading zero, at most 18 of them; never "$LATEST"): 0 with *out (may
 * be NULL) its value, else -1. */
int lambda_version_number(const char *s, long *out);

/* One ListVersionsByFunction page appended to *out (*n), $LATEST left
 * out; *next its NextMarker or NULL.  0, or -1 with err. */
int lambda_versions_parse(const char *json, size_t len,
    struct lambda_version **out, size_t *n, char **next, struct lc_err *err);
/* One ListAliases page, the same way. */
int lambda_aliases_parse(const char *json, size_t len,
    struct lambda_alias **out, size_t *n, char **next, struct lc_err *err);
/* An AliasConfiguration (GetAlias's, CreateAlias's, UpdateAlias's body). */
int lambda_alias_parse(const char *op, const char *json, size_t len,
    struct lambda_alias *out, struct lc_err *err);
/* CreateAlias's body (alias set) or UpdateAlias's, as lambda_put_alias
 * sends them; the caller frees it. */
char *lambda_put_alias_json(const char *alias, const char *version,
    const char *extra_version, double weight, const char *revision_id);

#endif
