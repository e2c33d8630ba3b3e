/* fnsettings.c - the table of function settings and its accessors. */
#include <stdlib.h>
#include <string.h>

#include "fnsettings.h"
#include "lambda-api.h"
#include "manifest.h"
#include "xmalloc.h"

/*
 * The numbers Lambda reports: its documented minimums, and ceilings far
 * above today's maximums (10240 MB, 900 s), so that a raised limit does
 * not stop lambdactl reading a function while garbage from a broken
 * endpoint (-1, 1.5, 1e300) is refused.
 */
#define API_MEMORY_MIN		128
#define API_MEMORY_MAX		1048576
#define API_TIMEOUT_MIN		1
#define API_TIMEOUT_MAX		86400
#define API_EPHEMERAL_MIN	512
#define API_EPHEMERAL_MAX	1048576

#define FN(f)		offsetof(struct manifest_fn, f)
#define CFG(f)		offsetof(struct lambda_config, f)

/*
 * The rows, in the order plan shows them (and the request bodies hold
 * them).  A list or map names its count field after its items.  The
 * defaults (def, ldef) are Lambda's own and lambda.yml(5)'s "Default"
 * (test-fnsettings holds the page to them).
 */
const struct fnsetting fnsettings[] = {
	{ "runtime", "Runtime", FNSET_STRING, 0,
	    FN(runtime), 0, CFG(runtime), 0, NULL, 0, 0, 0, NULL, 0 },
	{ "handler", "Handler", FNSET_STRING, 0,
	    FN(handler), 0, CFG(handler), 0, NULL, 0, 0, 0, NULL, 0 },
	{ "role", "Role", FNSET_STRING, FNSET_ROLE,
	    FN(role), 0, CFG(role), 0, NULL, 0, 0, 0, NULL, 0 },
	{ "memory", "MemorySize", FNSET_LONG, FNSET_REPORTED,
	    FN(memory), 0, CFG(memory), 0, NULL, 128,
	    API_MEMORY_MIN, API_MEMORY_MAX, NULL, 0 },
	{ "timeout", "Timeout", FNSET_LONG, FNSET_REPORTED,
	    FN(timeout), 0, CFG(timeout), 0, NULL, 3,
	    API_TIMEOUT_MIN, API_TIMEOUT_MAX, NULL, 0 },
	{ "description", "Description", FNSET_STRING,
	    FNSET_CREATE_OMIT_UNSET | FNSET_VERSION_OWN,
	    FN(description), 0, CFG(description), 0, "", 0, 0, 0, NULL, 0 },
	{ "layers", "Layers", FNSET_LIST, FNSET_CREATE_OMIT_UNSET,
	    FN(layers), FN(nlayers), CFG(layers), CFG(nlayers), NULL, 0, 0, 0,
	    "Arn", 0 },
	{ "ephemeral_storage", "EphemeralStorage.Size", FNSET_LONG, 0,
	    FN(ephemeral_storage), 0, CFG(ephemeral_storage), 0, NULL, 512,
	    API_EPHEMERAL_MIN, API_EPHEMERAL_MAX, NULL, 0 },
	{ "environment", "Environment.Variables", FNSET_MAP, 0,
	    FN(env), FN(nenv), CFG(env), CFG(nenv), NULL, 0, 0, 0, NULL, 0 },
	{ "architecture", "Architectures", FNSET_STRING,
	    FNSET_CODE | FNSET_ONE_ITEM,
	    FN(architecture), 0, CFG(architecture), 0, "x86_64", 0, 0, 0,
	    NULL, 0 },
	/*
	 * Issue 15's, FNSET_UNSET_UNMANAGED: what a lambda.yml without the
	 * key leaves as it is.  Their defs are what Lambda reports for none,
	 * and what removes one: a VPC's lists both empty (vpc_set: both or
	 * neither, lambda.yml's check), "" for the key (Lambda's own) and
	 * the dead-letter target, PassThrough, Text, None.
	 */
	{ "vpc.subnets", "VpcConfig.SubnetIds", FNSET_LIST,
	    FNSET_UNSET_UNMANAGED | FNSET_SORTED,
	    FN(subnets), FN(nsubnets), CFG(subnets), CFG(nsubnets), NULL, 0,
	    0, 0, NULL, FN(vpc_set) },
	{ "vpc.security_groups", "VpcConfig.SecurityGroupIds", FNSET_LIST,
	    FNSET_UNSET_UNMANAGED | FNSET_SORTED,
	    FN(security_groups), FN(nsecurity_groups), CFG(security_groups),
	    CFG(nsecurity_groups), NULL, 0, 0, 0, NULL, FN(vpc_set) },
	{ "tracing", "TracingConfig.Mode", FNSET_STRING, FNSET_UNSET_UNMANAGED,
	    FN(tracing), 0, CFG(tracing), 0, "PassThrough", 0, 0, 0, NULL, 0 },
	{ "kms_key", "KMSKeyArn", FNSET_STRING, FNSET_UNSET_UNMANAGED,
	    FN(kms_key), 0, CFG(kms_key), 0, "", 0, 0, 0, NULL, 0 },
	{ "dead_letter", "DeadLetterConfig.TargetArn", FNSET_STRING,
	    FNSET_UNSET_UNMANAGED,
	    FN(dead_letter), 0, CFG(dead_letter), 0, "", 0, 0, 0, NULL, 0 },
	{ "logging.format", "LoggingConfig.LogFormat", FNSET_STRING,
	    FNSET_UNSET_UNMANAGED,
	    FN(log_format), 0, CFG(log_format), 0, "Text", 0, 0, 0, NULL, 0 },
	/* INFO is what Lambda applies to JSON logs that name no level. */
	{ "logging.level", "LoggingConfig.ApplicationLogLevel", FNSET_STRING,
	    FNSET_JSON_LOGS,
	    FN(log_level), 0, CFG(log_level), 0, "INFO", 0, 0, 0, NULL, 0 },
	{ "logging.system_level", "LoggingConfig.SystemLogLevel", FNSET_STRING,
	    FNSET_JSON_LOGS,
	    FN(system_log_level), 0, CFG(system_log_level), 0, "INFO", 0, 0, 0,
	    NULL, 0 },
	/* Unset: Lambda's /aws/lambda/NAME, neither sent nor compared. */
	{ "logging.group", "LoggingConfig.LogGroup", FNSET_STRING, 0,
	    FN(log_group), 0, CFG(log_group), 0, NULL, 0, 0, 0, NULL, 0 },
	/* lambda.yml's true and false are PublishedVersions and None. */
	{ "snap_start", "SnapStart.ApplyOn", FNSET_STRING,
	    FNSET_UNSET_UNMANAGED,
	    FN(snap_start), 0, CFG(snap_start), 0, "None", 0, 0, 0, NULL, 0 },
	/* Kept in sync by deploy.c, only when lambda.yml has tags
	 * (tags_set). */
	{ "tags", "Tags", FNSET_MAP,
	    FNSET_CREATE_ONLY | FNSET_CREATE_OMIT_UNSET,
	    FN(tags), FN(ntags), FNSET_NONE, 0, NULL, 0, 0, 0, NULL,
	    FN(tags_set) },
};

const size_t fnsettings_count = sizeof fnsettings / sizeof fnsettings[0];

/* The member at off in the struct at base. */
static const void *
at(const void *base, size_t off)
{
	return (const char *)base + off;
}

static void *
at_mut(void *base, size_t off)
{
	return (char *)base + off;
}

const struct fnsetting *
fnset_find(const char *key)
{
	size_t i;

	for (i = 0; i < fnsettings_count; i++)
		if (strcmp(fnsettings[i].key, key) == 0)
			return &fnsettings[i];
	return NULL;
}

long
fnset_default_long(const char *key)
{
	const struct fnsetting *s = fnset_find(key);

	if (s == NULL || s->type != FNSET_LONG)
		die("fnsettings: no number setting '%s'", key);
	return s->ldef;
}

/* Whether fn's logs are JSON, which FNSET_JSON_LOGS settings need. */
static int
json_logs(const struct manifest_fn *fn)
{
	return fn->log_format != NULL && strcmp(fn->log_format, "JSON") == 0;
}

void
fnset_defaults(struct manifest_fn *fn)
{
	const struct fnsetting *s;
	char **str;
	long *num;
	size_t i;

	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if ((s->flags & (FNSET_CREATE_OMIT_UNSET |
		    FNSET_UNSET_UNMANAGED)) ||
		    ((s->flags & FNSET_JSON_LOGS) && !json_logs(fn)))
			continue;
		if (s->type == FNSET_STRING && s->def != NULL &&
		    *(str = at_mut(fn, s->fn_off)) == NULL)
			*str = xstrdup(s->def);
		else if (s->type == FNSET_LONG &&
		    *(num = at_mut(fn, s->fn_off)) == 0)
			*num = s->ldef;
	}
}

const char *
fnset_str(const struct fnsetting *s, const struct manifest_fn *fn,
    const char *role_arn)
{
	const char *v = *(char *const *)at(fn, s->fn_off);

	if ((s->flags & FNSET_ROLE) && role_arn != NULL)
		return role_arn;
	if (v == NULL && fnset_unmanaged(s, fn))
		return NULL;
	return v != NULL ? v : s->def;
}

long
fnset_long(const struct fnsetting *s, const struct manifest_fn *fn)
{
	long v = *(const long *)at(fn, s->fn_off);

	return v != 0 ? v : s->ldef;
}

char *const *
fnset_list(const struct fnsetting *s, const struct manifest_fn *fn,
    size_t *n)
{
	*n = *(const size_t *)at(fn, s->fn_count);
	return *(char **const *)at(fn, s->fn_off);
}

const struct manifest_kv *
fnset_map(const struct fnsetting *s, const struct manifest_fn *fn, size_t *n)
{
	*n = *(const size_t *)at(fn, s->fn_count);
	return *(struct manifest_kv *const *)at(fn, s->fn_off);
}

int
fnset_unset(const struct fnsetting *s, const struct manifest_fn *fn)
{
	if (s->fn_set != 0 && *(const int *)at(fn, s->fn_set))
		return 0;
	switch (s->type) {
	case FNSET_STRING:
		return *(char *const *)at(fn, s->fn_off) == NULL;
	case FNSET_LONG:
		return *(const long *)at(fn, s->fn_off) == 0;
	case FNSET_LIST:
	case FNSET_MAP:
		return *(const size_t *)at(fn, s->fn_count) == 0;
	}
	return 1;
}

int
fnset_unmanaged(const struct fnsetting *s, const struct manifest_fn *fn)
{
	if (s->flags & FNSET_JSON_LOGS)
		return !json_logs(fn);
	return (s->flags & FNSET_UNSET_UNMANAGED) && fnset_unset(s, fn);
}

const char *
fnset_unreported_str(const struct fnsetting *s)
{
	return (s->flags & FNSET_REPORTED) ? NULL : s->def;
}

long
fnset_unreported_long(const struct fnsetting *s)
{
	return (s->flags & FNSET_REPORTED) ? 0 : s->ldef;
}

/* Whether two strings are the same, NULL only like NULL. */
static int
str_same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Whether a and b have the same value of row s (read back). */
static int
row_same(const struct fnsetting *s, const struct lambda_config *a,
    const struct lambda_config *b)
{
	const void *va = at(a, s->cfg_off), *vb = at(b, s->cfg_off);
	size_t i, n = 0;

	if (s->type == FNSET_STRING)
		return str_same(*(char *const *)va, *(char *const *)vb);
	if (s->type == FNSET_LONG)
		return *(const long *)va == *(const long *)vb;
	if ((n = *(const size_t *)at(a, s->cfg_count)) !=
	    *(const size_t *)at(b, s->cfg_count))
		return 0;
	for (i = 0; i < n; i++) {
		if (s->type == FNSET_LIST) {
			if (!str_same((*(char **const *)va)[i],
			    (*(char **const *)vb)[i]))
				return 0;
		} else {
			const struct manifest_kv *x, *y;

			x = &(*(struct manifest_kv *const *)va)[i];
			y = &(*(struct manifest_kv *const *)vb)[i];
			if (!str_same(x->key, y->key) ||
			    !str_same(x->value, y->value))
				return 0;
		}
	}
	return 1;
}

const struct fnsetting *
fnset_config_differs(const struct lambda_config *a,
    const struct lambda_config *b)
{
	const struct fnsetting *s;
	size_t i;

	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (s->cfg_off == FNSET_NONE || (s->flags & FNSET_VERSION_OWN))
			continue;
		if (s->type == FNSET_STRING && s->def == NULL &&
		    (*(char *const *)at(a, s->cfg_off) == NULL ||
		    *(char *const *)at(b, s->cfg_off) == NULL))
			continue;	/* not reported by one: unknown */
		if (!row_same(s, a, b))
			return s;
	}
	return NULL;
}

void
fnset_release(struct lambda_config *cfg)
{
	const struct fnsetting *s;
	size_t i, k, *n;

	for (i = 0; i < fnsettings_count; i++) {
		s = &fnsettings[i];
		if (s->cfg_off == FNSET_NONE || s->type == FNSET_LONG)
			continue;
		if (s->type == FNSET_STRING) {
			char **v = at_mut(cfg, s->cfg_off);

			free(*v);
			*v = NULL;
			continue;
		}
		n = at_mut(cfg, s->cfg_count);
		if (s->type == FNSET_LIST) {
			char ***v = at_mut(cfg, s->cfg_off);

			for (k = 0; k < *n; k++)
				free((*v)[k]);
			free(*v);
			*v = NULL;
		} else {
			struct manifest_kv **v = at_mut(cfg, s->cfg_off);

			for (k = 0; k < *n; k++) {
				free((*v)[k].key);
				free_secret((*v)[k].value);
			}
			free(*v);
			*v = NULL;
		}
		*n = 0;
	}
}
