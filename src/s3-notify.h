/*
 * s3-notify.h - a bucket's notification configuration (the S3 triggers of
 * issue 13): read it, swap only the entries lambdactl owns for a function,
 * keep everything else (other teams' queues, topics, functions,
 * EventBridge) as S3 gave it, check what S3 would refuse, write it back.
 * The XML is libxml2's to parse and print.
 *
 * An entry is lambdactl's for a function when it is a
 * <CloudFunctionConfiguration> whose <Id> starts "lambdactl-" and whose
 * <CloudFunction> is the function's ARN (any qualifier).
 */
#ifndef LC_S3_NOTIFY_H
#define LC_S3_NOTIFY_H

#include <stddef.h>

#include "aws.h"
#include "buf.h"
#include "err.h"

#define S3_NOTIFY_ID_PREFIX	"lambdactl-"

/* One Lambda entry: <CloudFunctionConfiguration>. */
struct s3_notify_fn {
	char	*id;
	char	*function_arn;
	char	**events;	/* sorted, as written */
	size_t	 nevents;
	char	*prefix;	/* Filter prefix rule; NULL (or ""): none */
	char	*suffix;	/* NULL (or ""): none */
};

void s3_notify_fns_free(struct s3_notify_fn *f, size_t n);

/* A parsed configuration (opaque). */
struct s3_notify;

/* Parses a GetBucketNotificationConfiguration body (an empty
 * <NotificationConfiguration/> too, and moto's empty
 * <GetBucketNotificationResponse/>), read as UTF-8.  NULL with err
 * (LC_EFAIL) for malformed XML, another root, over 1 MiB, a DOCTYPE or a
 * NUL byte. */
struct s3_notify *s3_notify_parse(const char *xml, size_t len,
    struct lc_err *err);
void s3_notify_free(struct s3_notify *n);

/* The entries lambdactl owns for function_arn (unqualified; entries for
 * any of its qualifiers match), in document order.  *out the caller's. */
void s3_notify_owned(const struct s3_notify *n, const char *function_arn,
    struct s3_notify_fn **out, size_t *count);

/*
 * Replaces the entries lambdactl owns for function_arn by want[0..count),
 * keeping every other element where it was (want goes before
 * EventBridgeConfiguration, else last).  Then checks them as S3 would,
 * each against every other entry (anyone's: queue, topic, function): two
 * sharing an event type ("s3:ObjectCreated:*" covers
 * "s3:ObjectCreated:Put") whose prefixes overlap (one starts the other)
 * and whose suffixes overlap (one ends the other) are refused: -1 with err
 * (LC_ECONFIG) naming both Ids and the event type, n unchanged.  Entries
 * that are not the function's are not checked against each other (S3
 * took them).  Each of want must be the function's (Id starting
 * S3_NOTIFY_ID_PREFIX, the ARN the function's or a qualified one), with an
 * event type, in UTF-8 without control characters: else -1.
 */
int s3_notify_set_owned(struct s3_notify *n, const char *function_arn,
    const struct s3_notify_fn *want, size_t count, struct lc_err *err);

/* The configuration as PutBucketNotificationConfiguration's body. */
void s3_notify_xml(const struct s3_notify *n, struct buf *out);

/* GetBucketNotificationConfiguration (c's region must be the bucket's):
 * *out the parsed configuration.  NoSuchBucket, AccessDenied named. */
int s3_notify_get(struct aws_client *c, const char *bucket,
    struct s3_notify **out, struct lc_err *err);

/* PutBucketNotificationConfiguration with n, as s3_notify_xml prints it
 * (x-amz-skip-destination-validation not set: S3 checks that it may
 * invoke each function, so the permission must come first). */
int s3_notify_put(struct aws_client *c, const char *bucket,
    const struct s3_notify *n, struct lc_err *err);

#endif
