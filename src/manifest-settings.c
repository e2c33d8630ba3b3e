/*
 * manifest-settings.c - issue 15's lambda.yml settings that are more than
 * one checked string (manifest-private.h): the "vpc" and "logging" maps,
 * "snap_start" (true or false), what a function inherits of them from the
 * top level, and the checks that need the merged function (log levels
 * need JSON logs, SnapStart a runtime that has it and no ephemeral
 * storage over 512 MB).  alias, tracing and the ARNs are plain strings
 * (manifest-read.c, manifest-check.c).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "manifest-private.h"
#include "xmalloc.h"

enum { V_SUBNETS, V_GROUPS, V_COUNT };
static const char *const vpc_keys[] = { "subnets", "security_groups" };

enum { L_FORMAT, L_LEVEL, L_SYSTEM, L_GROUP, L_COUNT };
static const char *const logging_keys[] = {
	"format", "level", "system_level", "group",
};

/* LoggingConfig's values. */
static const char *const log_formats[] = { "Text", "JSON" };
static const char *const app_levels[] = {
	"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL",
};
static const char *const system_levels[] = { "DEBUG", "INFO", "WARN" };

/* The runtimes Lambda offers SnapStart on. */
static const char *const snap_runtimes[] = {
	"java11", "java17", "java21", "python3.12", "python3.13", "dotnet8",
};

/* "A, B or C" of the n strings of list (each in quote), the caller's
 * to free. */
static char *
join_or(const char *const *list, size_t n, const char *quote)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s%s%s", i == 0 ? "" : i + 1 == n ? " or " :
		    ", ", quote, list[i], quote);
	return buf_detach(&b, NULL);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
mf_read_vpc(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *map)
{
	static const struct mf_list subnets = { "subnets", SUBNETS_MAX,
	    "a subnet", "a subnet id", 1, mf_check_subnet };
	static const struct mf_list groups = { "security_groups",
	    SECURITY_GROUPS_MAX, "a security group", "a security group id", 1,
	    mf_check_security_group };
	struct manifest_fn *f = &s->fn;
	struct pair kv[V_COUNT];

	if (mf_want_map(c, key, map, "{ subnets: [subnet-0a1b2c3d], "
	    "security_groups: [sg-0a1b2c3d] }") == -1 ||
	    mf_collect(c, map, vpc_keys, V_COUNT, "'vpc'", kv, NULL) == -1)
		return -1;
	if (kv[V_SUBNETS].k == NULL || kv[V_GROUPS].k == NULL)
		return mf_node_error(c, key, "'vpc' needs both 'subnets' and "
		    "'security_groups'");
	if (mf_read_list(c, kv[V_SUBNETS].k, kv[V_SUBNETS].v, &subnets,
	    &f->subnets, &f->nsubnets) == -1 ||
	    mf_read_list(c, kv[V_GROUPS].k, kv[V_GROUPS].v, &groups,
	    &f->security_groups, &f->nsecurity_groups) == -1)
		return -1;
	if ((f->nsubnets == 0) != (f->nsecurity_groups == 0))
		return mf_node_error(c, kv[f->nsubnets == 0 ? V_SUBNETS :
		    V_GROUPS].v, "a VPC needs both subnets and security "
		    "groups ([] for both: no VPC)");
	/* Sets: in one order, Lambda's answer's (fnsettings.c). */
	if (f->nsubnets > 1)
		qsort(f->subnets, f->nsubnets, sizeof *f->subnets, str_cmp);
	if (f->nsecurity_groups > 1)
		qsort(f->security_groups, f->nsecurity_groups,
		    sizeof *f->security_groups, str_cmp);
	f->vpc_set = 1;
	return 0;
}

/* Whether s is a log group name: 1 to 512 of [A-Za-z0-9._/#-]. */
static int
valid_log_group(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= LOG_GROUP_MAX &&
	    strspn(s, ALNUM "._/#-") == n;
}

/*
 * One value of logging, when kv has it, into *dst: one of the n strings
 * of allowed, or (allowed NULL) a log group name.
 */
static int
read_log_value(struct ctx *c, const struct pair *kv,
    const char *const *allowed, size_t n, char **dst)
{
	char *v, *all;
	int expanded, rv;

	if (kv->k == NULL)
		return 0;
	if ((v = mf_string_value(c, kv->k, kv->v, 0, &expanded)) == NULL)
		return -1;
	*dst = v;
	if (allowed == NULL ? valid_log_group(v) : mf_in_list(v, allowed, n))
		return 0;
	if (allowed == NULL)
		return mf_node_error(c, kv->v, "'group' must be a log group "
		    "name, 1 to %d letters, digits, '.', '_', '/', '#' or "
		    "'-', not '%s'", LOG_GROUP_MAX, text(kv->v));
	all = join_or(allowed, n, "'");
	rv = mf_node_error(c, kv->v, "'%s' must be %s, not '%s'",
	    text(kv->k), all, text(kv->v));
	free(all);
	return rv;
}

int
mf_read_logging(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *map)
{
	struct manifest_fn *f = &s->fn;
	struct pair kv[L_COUNT];

	if (mf_want_map(c, key, map, "{ format: JSON, level: INFO }") == -1 ||
	    mf_collect(c, map, logging_keys, L_COUNT, "'logging'", kv,
	    NULL) == -1)
		return -1;
	if (read_log_value(c, &kv[L_FORMAT], log_formats,
	    nitems(log_formats), &f->log_format) == -1 ||
	    read_log_value(c, &kv[L_LEVEL], app_levels, nitems(app_levels),
	    &f->log_level) == -1 ||
	    read_log_value(c, &kv[L_SYSTEM], system_levels,
	    nitems(system_levels), &f->system_log_level) == -1 ||
	    read_log_value(c, &kv[L_GROUP], NULL, 0, &f->log_group) == -1)
		return -1;
	s->log_level = kv[L_LEVEL].v;
	s->system_log_level = kv[L_SYSTEM].v;
	return 0;
}

int
mf_read_snap_start(struct ctx *c, struct settings *s, const yaml_node_t *key,
    const yaml_node_t *v)
{
	const struct pair kv = { key, v };
	int on;

	if (mf_bool_value(c, &kv, &on) == -1)
		return -1;
	s->fn.snap_start = xstrdup(on ? "PublishedVersions" : "None");
	s->snap_start = v;
	return 0;
}

/* A copy of the n strings of list (NULL for none). */
static char **
copy_list(char *const *list, size_t n)
{
	char **out = n > 0 ? xcalloc(n, sizeof *out) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = xstrdup(list[i]);
	return out;
}

/* *dst, when unset, becomes a copy of src. */
static void
inherit_str(char **dst, const char *src)
{
	if (*dst == NULL)
		*dst = xstrdup(src);
}

/*
 * logging's keys are inherited one by one, but the levels go with the
 * format: a function that sets another format than the top level's keeps
 * only its own levels (a top level's JSON levels mean nothing under a
 * function's Text); one that repeats JSON still inherits them.
 */
static void
inherit_logging(struct settings *s, const struct settings *t)
{
	struct manifest_fn *f = &s->fn;

	if (f->log_format == NULL || (t->fn.log_format != NULL &&
	    strcmp(f->log_format, "JSON") == 0 &&
	    strcmp(t->fn.log_format, "JSON") == 0)) {
		inherit_str(&f->log_format, t->fn.log_format);
		inherit_str(&f->log_level, t->fn.log_level);
		inherit_str(&f->system_log_level, t->fn.system_log_level);
		if (s->log_level == NULL)
			s->log_level = t->log_level;
		if (s->system_log_level == NULL)
			s->system_log_level = t->system_log_level;
	}
	inherit_str(&f->log_group, t->fn.log_group);
}

/*
 * The vpc map replaces as a whole (a VPC is its subnets and security
 * groups together); logging: inherit_logging.  What neither sets stays
 * unset: lambda.yml leaves it as it is (FNSET_UNSET_UNMANAGED).
 */
int
mf_inherit_settings(struct ctx *c, struct settings *s)
{
	const struct settings *t = &c->top;
	struct manifest_fn *f = &s->fn;

	if (!f->vpc_set && t->fn.vpc_set) {
		if (mf_charge(c, s->key, t->fn.nsubnets +
		    t->fn.nsecurity_groups) == -1)
			return -1;
		f->subnets = copy_list(t->fn.subnets, t->fn.nsubnets);
		f->nsubnets = t->fn.nsubnets;
		f->security_groups = copy_list(t->fn.security_groups,
		    t->fn.nsecurity_groups);
		f->nsecurity_groups = t->fn.nsecurity_groups;
		f->vpc_set = 1;
	}
	inherit_logging(s, t);
	if (s->snap_start == NULL)
		s->snap_start = t->snap_start;
	if (f->keep_versions == 0)
		f->keep_versions = t->fn.keep_versions;
	/* 0 is a value (every invoke throttled): only unset is unset. */
	if (!s->concurrency_set)
		f->reserved_concurrency = t->concurrency_set ?
		    t->fn.reserved_concurrency : MANIFEST_CONCURRENCY_UNSET;
	return 0;
}

/* Log levels need JSON logs: not Text, nor no format at all. */
static int
check_levels(struct ctx *c, const struct settings *s)
{
	const struct manifest_fn *f = &s->fn;
	const char *fmt = f->log_format;

	if ((fmt != NULL && strcmp(fmt, "JSON") == 0) ||
	    (f->log_level == NULL && f->system_log_level == NULL))
		return 0;
	return mf_node_error(c, f->log_level != NULL ? s->log_level :
	    s->system_log_level, "'%s' needs 'format: JSON' under logging "
	    "(only JSON logs have levels); function '%s' %s%s",
	    f->log_level != NULL ? "level" : "system_level", f->name,
	    fmt != NULL ? "logs " : "sets no format", fmt != NULL ? fmt : "");
}

/* SnapStart needs a runtime that has it, and no ephemeral storage over
 * 512 MB (which SnapStart does not support). */
static int
check_snap_start(struct ctx *c, const struct settings *s)
{
	const struct manifest_fn *f = &s->fn;
	char *all;
	int rv;

	if (f->snap_start == NULL ||
	    strcmp(f->snap_start, "PublishedVersions") != 0)
		return 0;
	if (!mf_in_list(f->runtime, snap_runtimes, nitems(snap_runtimes))) {
		all = join_or(snap_runtimes, nitems(snap_runtimes), "");
		rv = mf_node_error(c, s->snap_start, "'snap_start' needs a "
		    "runtime that has SnapStart (%s); function '%s' runs "
		    "'%s'", all, f->name, f->runtime);
		free(all);
		return rv;
	}
	if (f->ephemeral_storage > EPHEMERAL_MIN)
		return mf_node_error(c, s->snap_start, "'snap_start' cannot "
		    "go with ephemeral storage over %d MB (SnapStart does "
		    "not support it); function '%s' has 'ephemeral_storage: "
		    "%ld'", EPHEMERAL_MIN, f->name, f->ephemeral_storage);
	return 0;
}

int
mf_check_settings(struct ctx *c, const struct settings *s)
{
	return check_levels(c, s) == -1 || check_snap_start(c, s) == -1 ?
	    -1 : 0;
}

void
mf_settings_release(struct manifest_fn *f)
{
	size_t i;

	free_secret(f->alias);
	free_secret(f->tracing);
	free_secret(f->kms_key);
	free_secret(f->dead_letter);
	free_secret(f->on_failure);
	free_secret(f->log_format);
	free_secret(f->log_level);
	free_secret(f->system_log_level);
	free_secret(f->log_group);
	free(f->snap_start);
	for (i = 0; i < f->nsubnets; i++)
		free_secret(f->subnets[i]);
	free(f->subnets);
	for (i = 0; i < f->nsecurity_groups; i++)
		free_secret(f->security_groups[i]);
	free(f->security_groups);
}
