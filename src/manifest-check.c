/*
 * manifest-check.c - what each lambda.yml value may be (manifest-private.h):
 * Lambda's rules for names, ARNs, regions, runtimes and lengths, checked
 * on the interpolated value and reported with the value as written.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "manifest-private.h"
#include "suggest.h"

static const char *const runtimes[] = {
	"provided", "provided.al2", "provided.al2023",
	"java8.al2", "java11", "java17", "java21",
	"python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
	"nodejs18.x", "nodejs20.x", "nodejs22.x",
	"ruby3.2", "ruby3.3",
	"dotnet8",
};

/* Set by Lambda itself: a function may not set them. */
static const char *const reserved_env[] = {
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
	"LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
};

static int check_release_key(struct ctx *c, enum key k, const yaml_node_t *v,
    const char *s);

int
manifest_valid_fn_name(const char *s)
{
	return skip_set(&s, ALNUM "_-", 1, FN_NAME_MAX) && *s == '\0';
}

/* Skips "arn:aws[-a-z]*:" (the partition) at *s; returns whether it was
 * there. */
static int
skip_partition(const char **s)
{
	return skip_lit(s, "arn:aws") && skip_set(s, LOWER "-", 0, SIZE_MAX) &&
	    skip_lit(s, ":");
}

/* Skips "arn:aws[-a-z]*:SERVICE:REGION:ACCOUNT:" at *s; returns whether
 * it was there. */
static int
skip_arn(const char **s, const char *service)
{
	return skip_partition(s) && skip_lit(s, service) && skip_lit(s, ":") &&
	    skip_set(s, LOWER DIGITS "-", 1, SIZE_MAX) && skip_lit(s, ":") &&
	    skip_set(s, DIGITS, 12, 12) && skip_lit(s, ":");
}

/* Whether s is arn:aws[-a-z]*:iam::ACCOUNT:role/NAME or a bare role name. */
static int
valid_role(const char *s)
{
	const char *p = s;

	if (skip_set(&p, ALNUM "+=,.@_-", 1, ROLE_NAME_MAX) && *p == '\0')
		return 1;
	p = s;
	return skip_partition(&p) &&
	    skip_lit(&p, "iam::") && skip_set(&p, DIGITS, 12, 12) &&
	    skip_lit(&p, ":role/") &&
	    skip_set(&p, ALNUM "+=,.@_/-", 1, SIZE_MAX) && *p == '\0';
}

/* Whether s is arn:aws[-a-z]*:lambda:REGION:ACCOUNT:layer:NAME:VERSION. */
static int
valid_layer(const char *s)
{
	return skip_arn(&s, "lambda") &&
	    skip_lit(&s, "layer:") && skip_set(&s, ALNUM "_-", 1, 140) &&
	    skip_lit(&s, ":") && skip_set(&s, DIGITS, 1, SIZE_MAX) &&
	    *s == '\0';
}

/* Whether s looks like an AWS region: "eu-west-1", "us-gov-east-1". */
static int
valid_region(const char *s)
{
	int parts = 0;

	if (!skip_set(&s, LOWER, 2, 2))
		return 0;
	while (skip_lit(&s, "-")) {
		if (skip_set(&s, LOWER, 1, SIZE_MAX))
			parts++;
		else
			return parts > 0 && skip_set(&s, DIGITS, 1, SIZE_MAX) &&
			    *s == '\0';
	}
	return 0;
}

/* Whether s is dotted-quad shaped (S3 refuses such bucket names). */
static int
ip_like(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if ((i > 0 && !skip_lit(&s, ".")) ||
		    !skip_set(&s, DIGITS, 1, 3))
			return 0;
	return *s == '\0';
}

/*
 * Whether s is an S3 bucket name: 3 to 63 lowercase letters, digits, '.'
 * and '-', beginning and ending with a letter or digit, no "..", not an
 * IP address.
 */
static int
valid_bucket(const char *s)
{
	size_t n = strlen(s);

	return n >= S3_BUCKET_MIN && n <= S3_BUCKET_MAX &&
	    strspn(s, LOWER DIGITS ".-") == n &&
	    strchr(LOWER DIGITS, s[0]) != NULL &&
	    strchr(LOWER DIGITS, s[n - 1]) != NULL &&
	    strstr(s, "..") == NULL && !ip_like(s);
}

int
manifest_check_s3_bucket(const char *what, const char *s, char *why,
    size_t len)
{
	if (valid_bucket(s))
		return 0;
	snprintf(why, len, "%s must be an S3 bucket name (%d to %d lowercase "
	    "letters, digits, '.' or '-', starting and ending with a letter "
	    "or digit, no '..', not an IP address), not '%s'", what,
	    S3_BUCKET_MIN, S3_BUCKET_MAX, s);
	return -1;
}

int
manifest_check_s3_prefix(const char *what, const char *s, char *why,
    size_t len)
{
	const char *p;

	if (*s == '/') {
		snprintf(why, len, "%s must not begin with '/' (S3 keys are "
		    "not absolute paths)", what);
		return -1;
	}
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(why, len, "%s must not contain control "
			    "characters", what);
			return -1;
		}
	if (strlen(s) > S3_PREFIX_MAX) {
		snprintf(why, len, "%s is %zu bytes, over the limit of %d",
		    what, strlen(s), S3_PREFIX_MAX);
		return -1;
	}
	/* URLs drop such segments, and the key signed would not be sent. */
	for (p = s; *p != '\0'; p += strcspn(p, "/") + (p[strcspn(p, "/")]
	    != '\0'))
		if ((strncmp(p, "./", 2) == 0 || strncmp(p, "../", 3) == 0)) {
			snprintf(why, len, "%s must not have a '.' or '..' "
			    "segment", what);
			return -1;
		}
	return 0;
}

int
mf_check_fn_name(struct ctx *c, const yaml_node_t *k)
{
	if (manifest_valid_fn_name(text(k)))
		return 0;
	return mf_node_error(c, k, "invalid function name '%s' (use 1 to %d "
	    "letters, digits, '-' or '_')", text(k), FN_NAME_MAX);
}

int
mf_check_layer(struct ctx *c, const yaml_node_t *v, const char *arn)
{
	if (valid_layer(arn))
		return 0;
	return mf_node_error(c, v, "invalid layer '%s' (expected "
	    "arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)", text(v));
}

/* Whether s is an environment variable name: [A-Za-z][A-Za-z0-9_]*. */
static int
valid_env_name(const char *s)
{
	return skip_one(&s, LOWER UPPER) &&
	    skip_set(&s, ALNUM "_", 0, SIZE_MAX) && *s == '\0';
}

int
mf_in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Checks an environment variable's or a tag's name at key node k. */
int
mf_check_kv_name(struct ctx *c, const yaml_node_t *k, int is_env)
{
	const char *name = text(k), *prefix;
	size_t len = utf8_len(name);

	if (is_env) {
		if (mf_in_list(name, reserved_env, nitems(reserved_env)))
			return mf_node_error(c, k, "environment variable '%s' "
			    "is reserved by Lambda", name);
		if (!valid_env_name(name))
			return mf_node_error(c, k, "invalid environment "
			    "variable name '%s' (use letters, digits and '_', "
			    "starting with a letter)", name);
		return 0;
	}
	if (len == 0 || len > TAG_KEY_MAX)
		return mf_node_error(c, k, "tag key '%s' must be 1 to %d "
		    "characters", name, TAG_KEY_MAX);
	if ((prefix = manifest_tag_reserved(name)) != NULL)
		return mf_node_error(c, k, "tag '%s' is reserved (keys "
		    "beginning with '%s' %s)", name, prefix,
		    strcmp(prefix, "aws:") == 0 ? "belong to AWS" :
		    "record the triggers lambdactl wired");
	return 0;
}

const char *
manifest_tag_reserved(const char *key)
{
	if (strncasecmp(key, "aws:", 4) == 0)
		return "aws:";
	if (strncmp(key, "lambdactl:", 10) == 0)
		return "lambdactl:";
	return NULL;
}

/* Checks a string setting's value; -1 with the error set. */
int
mf_check_string(struct ctx *c, enum key k, const yaml_node_t *v,
    const char *s, int expanded)
{
	char why[512];
	const char *hint;
	size_t n;

	switch (k) {
	case K_RUNTIME:
		if (mf_in_list(s, runtimes, nitems(runtimes)))
			return 0;
		if (!expanded && (hint = suggest_key(s, runtimes,
		    nitems(runtimes))) != NULL)
			return mf_node_error(c, v, "unknown runtime '%s' (did "
			    "you mean '%s'?)", text(v), hint);
		return mf_node_error(c, v, "unknown runtime '%s'", text(v));
	case K_HANDLER:
		if (strpbrk(s, " \t\n\r\f\v") != NULL)
			return mf_node_error(c, v, "'handler' must not contain "
			    "white space");
		if ((n = utf8_len(s)) > HANDLER_MAX)
			return mf_node_error(c, v, "'handler' is %zu "
			    "characters, over Lambda's limit of %d", n,
			    HANDLER_MAX);
		return 0;
	case K_ROLE:
		if (valid_role(s))
			return 0;
		return mf_node_error(c, v, "'role' must be a role name or an "
		    "IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), not '%s'",
		    text(v));
	case K_ARCHITECTURE:
		if (strcmp(s, "x86_64") == 0 || strcmp(s, "arm64") == 0)
			return 0;
		return mf_node_error(c, v, "'architecture' must be 'x86_64' or "
		    "'arm64', not '%s'", text(v));
	case K_DESCRIPTION:
		if ((n = utf8_len(s)) > DESCRIPTION_MAX)
			return mf_node_error(c, v, "'description' is %zu "
			    "characters, over Lambda's limit of %d", n,
			    DESCRIPTION_MAX);
		return 0;
	case K_REGION:
		if (valid_region(s))
			return 0;
		return mf_node_error(c, v, "'region' must be an AWS region "
		    "such as 'eu-west-1', not '%s'", text(v));
	case K_S3_BUCKET:
		if (manifest_check_s3_bucket("'s3_bucket'", s, why,
		    sizeof why) == 0)
			return 0;
		return mf_node_error(c, v, "%s", why);
	case K_S3_PREFIX:
		if (manifest_check_s3_prefix("'s3_prefix'", s, why,
		    sizeof why) == 0)
			return 0;
		return mf_node_error(c, v, "%s", why);
	default:
		return check_release_key(c, k, v, s);
	}
}


/* S3's event types, as its NotificationConfiguration takes them. */
const char *const mf_s3_events[] = {
	"s3:IntelligentTiering",
	"s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete",
	"s3:LifecycleExpiration:DeleteMarkerCreated",
	"s3:LifecycleTransition",
	"s3:ObjectAcl:Put",
	"s3:ObjectCreated:*", "s3:ObjectCreated:CompleteMultipartUpload",
	"s3:ObjectCreated:Copy", "s3:ObjectCreated:Post",
	"s3:ObjectCreated:Put",
	"s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
	"s3:ObjectRemoved:DeleteMarkerCreated",
	"s3:ObjectRestore:*", "s3:ObjectRestore:Completed",
	"s3:ObjectRestore:Delete", "s3:ObjectRestore:Post",
	"s3:ObjectTagging:*", "s3:ObjectTagging:Delete",
	"s3:ObjectTagging:Put",
	"s3:ReducedRedundancyLostObject",
	"s3:Replication:*", "s3:Replication:OperationFailedReplication",
	"s3:Replication:OperationMissedThreshold",
	"s3:Replication:OperationNotTracked",
	"s3:Replication:OperationReplicatedAfterThreshold",
};
const size_t mf_s3_nevents = nitems(mf_s3_events);

/*
 * Whether s is an SQS queue's or an SNS topic's name: 1 to max of
 * [A-Za-z0-9_-], ".fifo" at the end (counted) for a FIFO one.
 */
static int
valid_fifo_name(const char *s, size_t max)
{
	size_t n = strlen(s), body = n;

	if (n > 5 && strcmp(s + n - 5, ".fifo") == 0)
		body = n - 5;
	return n >= 1 && n <= max && body > 0 &&
	    strspn(s, ALNUM "_-") == body;
}

static int
valid_queue_name(const char *s)
{
	return valid_fifo_name(s, SQS_NAME_MAX);
}

int
mf_check_queue(struct ctx *c, const yaml_node_t *v, const char *s)
{
	const char *p = s;

	if (strncmp(s, "arn:", 4) != 0 ? valid_queue_name(s) :
	    skip_arn(&p, "sqs") && valid_queue_name(p))
		return 0;
	return mf_node_error(c, v, "'queue' must be an SQS queue ARN "
	    "(arn:aws:sqs:REGION:ACCOUNT:NAME) or a queue name (1 to %d "
	    "letters, digits, '-' or '_', and '.fifo' at the end for a FIFO "
	    "queue), not '%s'", SQS_NAME_MAX, text(v));
}

/* Issue 15's settings. */

/* Whether s is 1 to 128 of [A-Za-z0-9_-]: an alias's name unless it is
 * only digits (a version's). */
static int
valid_alias_chars(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= ALIAS_MAX && strspn(s, ALNUM "_-") == n;
}

/* Whether s is arn:...:sqs:REGION:ACCOUNT:NAME (queue) or the same with
 * sns (topic). */
static int
valid_queue_arn(const char *s)
{
	return skip_arn(&s, "sqs") && valid_fifo_name(s, SQS_NAME_MAX);
}

static int
valid_topic_arn(const char *s)
{
	return skip_arn(&s, "sns") && valid_fifo_name(s, SNS_NAME_MAX);
}

/*
 * Whether s is arn:...:kms:REGION:ACCOUNT:key/ID.  Not an alias's ARN
 * (alias/NAME): Lambda refuses one ("Key Aliases are not supported for
 * this operation": it makes a KMS grant, which takes keys only).
 */
static int
valid_kms_key(const char *s)
{
	return skip_arn(&s, "kms") && skip_lit(&s, "key/") &&
	    skip_set(&s, ALNUM "-", 1, SIZE_MAX) && *s == '\0';
}

/* Whether s is arn:...:kms:REGION:ACCOUNT:alias/..., for the message. */
static int
kms_alias(const char *s)
{
	return skip_arn(&s, "kms") && skip_lit(&s, "alias/");
}

/* Whether s is arn:...:lambda:REGION:ACCOUNT:function:NAME, with an
 * optional :QUALIFIER ($LATEST, a version or an alias). */
static int
valid_function_arn(const char *s)
{
	if (!skip_arn(&s, "lambda") || !skip_lit(&s, "function:") ||
	    !skip_set(&s, ALNUM "_-", 1, FN_NAME_MAX))
		return 0;
	return *s == '\0' || (skip_lit(&s, ":") && (strcmp(s, "$LATEST") == 0 ||
	    (skip_set(&s, ALNUM "_-", 1, ALIAS_MAX) && *s == '\0')));
}

/* An on-failure destination: an SQS queue, SNS topic, Lambda function,
 * EventBridge event bus or S3 bucket ARN. */
static int
valid_destination(const char *s)
{
	const char *p = s;

	if (valid_queue_arn(s) || valid_topic_arn(s) || valid_function_arn(s))
		return 1;
	if (skip_arn(&p, "events"))
		return skip_lit(&p, "event-bus/") &&
		    skip_set(&p, ALNUM "/._-", 1, 256) && *p == '\0';
	p = s;
	return skip_partition(&p) && skip_lit(&p, "s3:::") && valid_bucket(p);
}

/* Whether s is a subnet's ("subnet-0a1b2c3d") or a security group's
 * ("sg-0a1b2c3d") id: the prefix, then 8 to 17 hexadecimal digits. */
static int
valid_vpc_id(const char *s, const char *prefix)
{
	return skip_lit(&s, prefix) && skip_set(&s, DIGITS "abcdef", 8, 17) &&
	    *s == '\0';
}

int
mf_check_subnet(struct ctx *c, const yaml_node_t *v, const char *s)
{
	if (valid_vpc_id(s, "subnet-"))
		return 0;
	return mf_node_error(c, v, "a subnet must be a subnet id such as "
	    "'subnet-0a1b2c3d', not '%s'", text(v));
}

int
mf_check_security_group(struct ctx *c, const yaml_node_t *v, const char *s)
{
	if (valid_vpc_id(s, "sg-"))
		return 0;
	return mf_node_error(c, v, "a security group must be a security group "
	    "id such as 'sg-0a1b2c3d', not '%s'", text(v));
}

/* The string settings of issue 15: alias, tracing and the ARNs. */
static int
check_release_key(struct ctx *c, enum key k, const yaml_node_t *v,
    const char *s)
{
	switch (k) {
	case K_ALIAS:
		if (!valid_alias_chars(s))
			return mf_node_error(c, v, "'alias' must be 1 to %d "
			    "letters, digits, '-' or '_', not '%s'", ALIAS_MAX,
			    text(v));
		if (strspn(s, DIGITS) == strlen(s))
			return mf_node_error(c, v, "'alias' '%s' is a version "
			    "number (an alias needs a letter, '-' or '_')",
			    text(v));
		return 0;
	case K_TRACING:
		if (strcmp(s, "Active") == 0 || strcmp(s, "PassThrough") == 0)
			return 0;
		return mf_node_error(c, v, "'tracing' must be 'Active' or "
		    "'PassThrough', not '%s'", text(v));
	case K_KMS_KEY:
		if (*s == '\0' || valid_kms_key(s))
			return 0;
		return mf_node_error(c, v, "'kms_key' must be a KMS key ARN "
		    "(arn:aws:kms:REGION:ACCOUNT:key/ID), or \"\" for Lambda's "
		    "own key, not '%s'%s", text(v), kms_alias(s) ? " (Lambda "
		    "refuses an alias: give the key it names)" : "");
	case K_DEAD_LETTER:
		if (*s == '\0' || valid_queue_arn(s) || valid_topic_arn(s))
			return 0;
		return mf_node_error(c, v, "'dead_letter' must be an SQS queue "
		    "or SNS topic ARN (arn:aws:sqs:REGION:ACCOUNT:NAME, "
		    "arn:aws:sns:REGION:ACCOUNT:NAME), or \"\" for none, not "
		    "'%s'", text(v));
	case K_ON_FAILURE:
		if (valid_destination(s))
			return 0;
		return mf_node_error(c, v, "'on_failure' must be the ARN of an "
		    "SQS queue, SNS topic, Lambda function, EventBridge event "
		    "bus or S3 bucket, not '%s'", text(v));
	default:
		return 0;
	}
}
