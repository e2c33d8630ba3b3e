/*
 * schedule.h - EventBridge schedule expressions, checked before any
 * request (EventBridge's own check comes too late, and moto makes none):
 *
 *   rate(VALUE UNIT)   VALUE a positive integer; UNIT minute|minutes,
 *                      hour|hours, day|days (singular exactly when VALUE
 *                      is 1)
 *   cron(MIN HOUR DOM MONTH DOW YEAR)
 *                      six fields; one of DOM and DOW must be "?";
 *                      ranges, lists, steps, names (JAN-DEC, SUN-SAT),
 *                      L, W, # as EventBridge documents them
 */
#ifndef LC_SCHEDULE_H
#define LC_SCHEDULE_H

#include <stddef.h>

/*
 * 0 when expr is a valid schedule expression; else -1 with why set to a
 * short reason naming the offending part ("cron: day-of-week 'MOM' is not
 * 1-7 or SUN-SAT"), and *off (may be NULL) the byte offset in expr where
 * it starts, for a LINE:COL.
 */
int schedule_check(const char *expr, char *why, size_t len, size_t *off);

#endif
