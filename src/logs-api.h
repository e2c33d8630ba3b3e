/*
 * logs-api.h - CloudWatch Logs (JSON 1.1, API version 2014-03-28):
 * FilterLogEvents with every page, and the pure parts of `lambdactl logs`:
 * the follow window with its eventId de-duplication, and the output
 * formats.  Nothing here prints.  --since and --until are timeparse.h's.
 */
#ifndef LC_LOGS_API_H
#define LC_LOGS_API_H

#include <stddef.h>
#include <stdint.h>

#include "aws.h"
#include "buf.h"
#include "err.h"

/* One event as FilterLogEvents returns it; the strings are borrowed. */
struct logs_event {
	const char	*event_id;
	const char	*stream;
	const char	*message;
	int64_t		 timestamp;	/* ms since the epoch */
	int64_t		 ingestion_time;	/* ms; -1 when not reported */
};

/* What to ask FilterLogEvents for. */
struct logs_query {
	const char	*group;		/* logGroupName */
	int64_t		 start;		/* startTime, ms, inclusive */
	int64_t		 end;		/* endTime, ms, inclusive; -1: none */
	const char	*pattern;	/* filterPattern; NULL: none */
	/* logStreamNamePrefix, also checked here; NULL: none. */
	const char	*stream_prefix;
	/* Keep only messages containing this (client side); NULL: all. */
	const char	*contains;
};

/* What one logs_filter call saw. */
struct logs_stats {
	size_t	pages;
	size_t	events;		/* returned by the service */
	size_t	kept;		/* passed to the callback */
	int	throttled;	/* it failed on throttling, retries spent */
};

/*
 * Called for each event kept, in timestamp order within a page (the order
 * of the service for equal timestamps).  Returns 0, or -1 with err to stop.
 */
typedef int logs_event_fn(void *arg, const struct logs_event *ev,
    struct lc_err *err);

/*
 * FilterLogEvents on q, following nextToken through every page (aws_call
 * retries throttling and transient errors).  st (may be NULL) is filled
 * either way.  A missing group: -1 with "log group 'NAME' does not exist"
 * (LC_EFAIL); another failure: -1 with aws_call's message, or the
 * callback's.
 */
int logs_filter(struct aws_client *c, const struct logs_query *q,
    logs_event_fn *fn, void *arg, struct logs_stats *st,
    struct lc_err *err);

/* ---- the pure parts, exposed for the command and the unit tests ---- */

/*
 * One FilterLogEvents response body: hands its events to fn, sorted by
 * timestamp (kept when they pass q's stream_prefix and contains), and sets
 * *next to its nextToken (the caller's; NULL on the last page).  st (may
 * be NULL) has this page's events and kept events added to its counts.
 * A body that is not a JSON object, an event lacking a member, or a time
 * that is not a whole number of ms from 0 to 9999-12-31: -1 with err
 * (LC_EFAIL).
 */
int logs_filter_page(const struct logs_query *q, const char *body,
    size_t len, logs_event_fn *fn, void *arg, struct logs_stats *st,
    char **next, struct lc_err *err);

/*
 * The JSON body of one FilterLogEvents request (token may be NULL), the
 * caller's to free.
 */
char *logs_filter_json(const struct logs_query *q, const char *token);

/*
 * The filterPattern and the client-side substring for --filter and
 * --request-id (either may be NULL).  An id alone becomes the quoted term
 * "ID"; with --filter too, the pattern goes to the service as it is and the
 * id is matched here (a CloudWatch pattern of any syntax cannot be joined
 * to a term reliably).  *pattern is the caller's (NULL when none);
 * *contains borrows request_id.  Returns -1 for an id that is empty or has
 * a quote, a backslash or white space.
 */
int logs_build_pattern(const char *filter, const char *request_id,
    char **pattern, const char **contains);

/*
 * Following a group: the window of the next query starts at
 *   max(since, previous start, min(newest timestamp seen, now) - overlap)
 * so that events arriving late, up to overlap older than the newest one,
 * are still found; the eventIds seen at or after the window's start
 * (sorted by timestamp, then id) keep each from printing twice, and those
 * before it are pruned, as the service cannot return them any more.
 */
#define LOGS_FOLLOW_OVERLAP_MS	30000
#define LOGS_FOLLOW_FAST_MS	1000	/* poll delay while events flow */
#define LOGS_FOLLOW_IDLE_MS	5000	/* the back-off's ceiling when idle */
#define LOGS_FOLLOW_THROTTLE_MS	30000	/* the ceiling when throttled */

struct logs_seen {
	int64_t	 ts;
	char	*id;
};

struct logs_follow {
	struct logs_seen	*seen;	/* sorted by (ts, id) */
	size_t			 n;
	size_t			 cap;
	int64_t			 start;		/* the next query's startTime */
	int64_t			 newest;	/* INT64_MIN: nothing seen */
	int64_t			 overlap;
	long			 delay;		/* the last delay, ms */
};

void logs_follow_init(struct logs_follow *f, int64_t since, int64_t overlap);
void logs_follow_release(struct logs_follow *f);
/*
 * Remembers an event: 1 when it is new (print it), 0 when it was seen
 * already or lies before the window (never printed twice).
 */
int logs_follow_add(struct logs_follow *f, int64_t ts, const char *id);
/* After a poll that started at now_ms: moves the window on and prunes. */
void logs_follow_advance(struct logs_follow *f, int64_t now_ms);
/*
 * The delay before the next poll: LOGS_FOLLOW_FAST_MS after a poll that
 * found new events, doubling up to LOGS_FOLLOW_IDLE_MS while idle, and
 * from LOGS_FOLLOW_IDLE_MS doubling up to LOGS_FOLLOW_THROTTLE_MS while
 * throttled.
 */
long logs_follow_delay(struct logs_follow *f, size_t nnew, int throttled);

enum logs_format {
	LOGS_SHORT,	/* 2024-05-01T12:00:00 [$LATEST]0123abcd message */
	LOGS_DETAILED,	/* 2024-05-01T12:00:00.123Z full/stream/name message */
	LOGS_JSON,	/* one object a line */
	LOGS_RAW,	/* the message alone */
};

/* "short", "detailed", "json" or "raw"; -1 for anything else. */
int logs_parse_format(const char *s, enum logs_format *f);

/*
 * Appends the short form of a stream name: a Lambda stream,
 * "2024/05/01/[$LATEST]0123456789abcdef...", becomes "[$LATEST]01234567";
 * any other name stays whole.
 */
void logs_short_stream(struct buf *b, const char *stream);

enum logs_msg_class {
	LOGS_MSG_PLAIN,
	LOGS_MSG_PLATFORM,	/* START, END, REPORT, INIT_*: dimmed */
	LOGS_MSG_ERROR,		/* the word ERROR, "Task timed out": red */
};

enum logs_msg_class logs_classify(const char *message);

/*
 * Appends one event in format f, ending with exactly one newline (a
 * message's own trailing newlines are dropped in the text formats; JSON
 * keeps the message as it is).  colour adds ANSI colours to the text
 * formats: dim timestamps, dim platform lines, red errors.
 */
void logs_format_event(struct buf *b, const struct logs_event *ev,
    enum logs_format f, int colour);

#endif
