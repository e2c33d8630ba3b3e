/*
 * events-api.h - Amazon EventBridge (JSON 1.1, "AWSEvents.OP"): the rules
 * and targets that schedule a function, on the default event bus.  Thin,
 * as lambda-api.c: one request, one parsed answer, a status.
 */
#ifndef LC_EVENTS_API_H
#define LC_EVENTS_API_H

#include <stddef.h>

#include "aws.h"
#include "err.h"

struct eb_rule {
	char	*name;
	char	*arn;
	char	*schedule;	/* ScheduleExpression; NULL: none */
	char	*state;		/* "ENABLED", "DISABLED" */
	char	*description;	/* NULL: none */
};

struct eb_target {
	char	*id;
	char	*arn;
	char	*input;		/* Input (JSON text); NULL: none */
};

void eb_rule_release(struct eb_rule *r);
void eb_targets_free(struct eb_target *t, size_t n);

/* DescribeRule: 1 with r filled, 0 when there is no such rule, -1. */
int eb_describe_rule(struct aws_client *c, const char *name,
    struct eb_rule *r, struct lc_err *err);

/* PutRule (creates or updates): a schedule rule, ENABLED or DISABLED;
 * *arn (may be NULL) the rule's ARN, the caller's. */
int eb_put_rule(struct aws_client *c, const char *name, const char *schedule,
    int enabled, const char *description, char **arn, struct lc_err *err);

/* DeleteRule (its targets must be gone first).  A missing rule is not an
 * error. */
int eb_delete_rule(struct aws_client *c, const char *name,
    struct lc_err *err);

/* ListTargetsByRule, every page.  *out the caller's (eb_targets_free).
 * A missing rule: 0 targets. */
int eb_list_targets(struct aws_client *c, const char *rule,
    struct eb_target **out, size_t *n, struct lc_err *err);

/* PutTargets with the one target t (creates or replaces by Id); a
 * FailedEntries answer is an error naming its code and message. */
int eb_put_target(struct aws_client *c, const char *rule,
    const struct eb_target *t, struct lc_err *err);

/* RemoveTargets by Id; FailedEntries as PutTargets.  A missing rule is
 * not an error (its targets are gone with it); n 0 sends nothing. */
int eb_remove_targets(struct aws_client *c, const char *rule,
    char *const *ids, size_t n, struct lc_err *err);

/* ---- exposed for unit tests and fuzzing ---- */
int eb_rule_parse(const char *json, size_t len, struct eb_rule *r,
    struct lc_err *err);
/* One ListTargetsByRule page: appends to *out, *next its NextToken. */
int eb_targets_parse(const char *json, size_t len, struct eb_target **out,
    size_t *n, char **next, struct lc_err *err);

#endif
