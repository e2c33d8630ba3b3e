/*
 * triggers.h - a function's triggers (lambda.yml's events: and url:),
 * reconciled: what lambda.yml wants against what AWS has, as plan lines
 * and as the writes that close the gap, in an order that never leaves
 * half a trigger behind (a permission is added before what uses it and
 * removed after it).
 *
 * There is no state file: what lambdactl made is recognised by its names.
 *   schedules   EventBridge rules named lambdactl-FUNCTION-N (N counts the
 *               function's schedules from 1), one target with Id
 *               "lambdactl", permission statement lambdactl-rule-RULE
 *   s3          bucket notification entries with Id lambdactl-HASH for the
 *               function's ARN, permission statement lambdactl-s3-BUCKET
 *   sqs         event source mappings, each named by a function tag
 *               lambdactl:sqs:UUID
 *   url         the function URL, tag lambdactl:url; auth NONE with
 *               public: true adds statements lambdactl-url-public and
 *               lambdactl-url-invoke
 * and the function tag lambdactl:triggers (its value the alias the
 * triggers call, empty for none) while any of these exists, so
 * that a function with neither events nor url in lambda.yml and no such
 * tag costs no request at all.  Everything else is never touched.
 */
#ifndef LC_TRIGGERS_H
#define LC_TRIGGERS_H

#include <stddef.h>

#include "aws.h"
#include "err.h"
#include "lambda-api.h"
#include "manifest.h"
#include "plan.h"

#define TRIGGERS_TAG		"lambdactl:triggers"
#define TRIGGERS_TAG_URL	"lambdactl:url"
#define TRIGGERS_TAG_SQS	"lambdactl:sqs:"	/* + mapping UUID */

/* The function whose triggers are reconciled. */
struct triggers_fn {
	const struct manifest_fn	*fn;	 /* what lambda.yml wants */
	const char			*region; /* the function's */
	/* Its role's ARN: until the function exists, the partition and
	 * account of its ARN (may be NULL). */
	const char			*role_arn;
	/* Its unqualified ARN; NULL when it does not exist yet (plan). */
	const char			*arn;
	const char			*qualifier; /* alias the triggers call */
	const struct manifest_kv	*tags;	 /* the function's tags */
	size_t				 ntags;
};

struct trigger_op;

struct triggers_plan {
	/* plan.h's lines: "events.schedule.RULE", "url", ...
	 * ("+ schedule rate(5 minutes) (rule ...)"). */
	struct plan_line	*lines;
	size_t			 nlines;
	struct trigger_op	*ops;	/* the writes, in order */
	size_t			 nops;
};

/*
 * Reads what t's function has (nothing when t->arn is NULL: every trigger
 * lambda.yml lists is then new) and fills p with the differences.  Every
 * read happens here, before any write: a missing bucket, a refused read or
 * notification entries S3 would refuse as overlapping fail the plan.
 */
int triggers_plan(struct aws_client *c, const struct triggers_fn *t,
    struct triggers_plan *p, struct lc_err *err);

/*
 * Makes p's writes.  A trigger being created whose later step fails is
 * undone (its permission removed, its rule deleted), so that no half of
 * it stays; the error says what failed.  step (may be NULL) is told each
 * plan line as its writes begin.  Bucket notification changes re-read
 * the bucket's configuration under a process-wide lock first (several
 * functions may share a bucket under -j).
 */
int triggers_apply(struct aws_client *c, const struct triggers_fn *t,
    const struct triggers_plan *p, void (*step)(void *arg,
    const char *what), void *arg, struct lc_err *err);

void triggers_plan_release(struct triggers_plan *p);

/*
 * Removes every trigger lambdactl wired to the function have describes
 * (as GetFunction reports it, tags included), on the qualifier its
 * lambdactl:triggers tag names: what delete does before DeleteFunction.
 */
int triggers_unwire(struct aws_client *c, const struct lambda_config *have,
    void (*step)(void *arg, const char *what), void *arg,
    struct lc_err *err);

/* Whether t needs any request: lambda.yml lists a trigger or the
 * function carries one of the triggers' marker tags. */
int triggers_wanted(const struct triggers_fn *t);

#endif
