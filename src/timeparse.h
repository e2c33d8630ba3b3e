/*
 * timeparse.h - the one grammar for durations and times on the command
 * line and in what lambdactl reads (credential_process's Expiration), and
 * the ISO-8601 form lambdactl prints.  Documented once, in lambdactl(1),
 * DURATIONS AND TIMES; keep the two in step.
 *
 *   duration = 1*DIGIT                       ; seconds: "300"
 *            / 1*( 1*DIGIT unit )            ; "90s", "1h30m", "1w2d"
 *   unit     = "w" / "d" / "h" / "m" / "s"   ; each once, in this order
 *   time     = duration [ " ago" ]           ; that long before now
 *            / date [ sep clock zone ]       ; ISO-8601 / RFC 3339
 *   date     = 4DIGIT "-" 2DIGIT "-" 2DIGIT  ; alone: midnight UTC
 *   sep      = "T" / "t" / " "
 *   clock    = 2DIGIT ":" 2DIGIT [ ":" 2DIGIT [ ( "." / "," ) 1*DIGIT ] ]
 *   zone     = "Z" / "z" / ( "+" / "-" ) 2DIGIT [ [ ":" ] 2DIGIT ]
 *
 * Every field is range-checked (no February 30th, no hour 24, no offset
 * of 24 hours); second 60 only as a leap second, 23:59:60 UTC, which
 * counts as the second before it.  Digits past the milliseconds are
 * dropped.  A duration is at most TIMEPARSE_DURATION_MAX.
 */
#ifndef LC_TIMEPARSE_H
#define LC_TIMEPARSE_H

#include <stdint.h>

#include "buf.h"

/* The longest duration: 100 years of 365 days, in seconds. */
#define TIMEPARSE_DURATION_MAX	(INT64_C(36500) * 86400)

/* A duration: 0 with *secs, or -1 (*secs untouched). */
int timeparse_duration(const char *s, int64_t *secs);

/*
 * An ISO-8601 date or date and time: 0 with *ms since the epoch (negative
 * before 1970), or -1 (*ms untouched).
 */
int timeparse_iso(const char *s, int64_t *ms);

/*
 * A time: a duration (with or without " ago") before now_ms, or an
 * ISO-8601 time.  0 with *ms since the epoch, or -1 (*ms untouched).
 */
int timeparse_time(const char *s, int64_t now_ms, int64_t *ms);

#define TIMEPARSE_MS	0x1	/* ".123" after the seconds */
#define TIMEPARSE_Z	0x2	/* "Z" at the end */

/*
 * Appends ms since the epoch as "2024-05-01T12:00:00" in UTC, with
 * milliseconds and a "Z" as flags say.  Any int64_t prints (years beyond
 * 9999 and before 0 too, as java.time does).
 */
void timeparse_format(struct buf *b, int64_t ms, int flags);

/*
 * An HTTP Date header (RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37
 * GMT"; every field checked): 0 with *secs since the epoch, or -1.  Pure.
 */
int timeparse_http(const char *s, int64_t *secs);

#endif
