/*
 * schedule.c - EventBridge schedule expressions (schedule.h), checked as
 * EventBridge's user guide documents them, and no looser:
 *
 *   rate(VALUE UNIT)  VALUE a whole number from 1, without leading zeros;
 *                     UNIT minute|hour|day when VALUE is 1, else
 *                     minutes|hours|days; one space between.
 *   cron(F1 ... F6)   minutes 0-59, hours 0-23, day-of-month 1-31,
 *                     month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT,
 *                     year 1970-2199; fields apart by spaces.  Each field
 *                     a list (",") of "*", a value or a range "A-B"
 *                     (A <= B), any of which may take a step "/N" (not
 *                     in day-of-week); "?" alone in
 *                     day-of-month or day-of-week, and exactly one of the
 *                     two is "?".  Alone in day-of-month: "L" (the last
 *                     day), "LW" (the last weekday), "NW" (the weekday
 *                     nearest day N).  Alone in day-of-week: "L", "NL"
 *                     (the last day N of the month), "N#K" (the K-th day
 *                     N, K 1-5).  Names are upper case, as documented.
 *
 * Whatever the guide does not show (wrapping ranges such as "22-2",
 * lower-case names, Quartz's "L-3") is refused: a deploy that EventBridge
 * would refuse half-way is worse than a rule rewritten.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "schedule.h"

#define SCHEDULE_MAX	256	/* EventBridge's ScheduleExpression */

/* What a field allows beyond values, ranges and lists. */
#define F_STEP		0x1	/* "/N" */
#define F_QUESTION	0x2	/* "?" alone */
#define F_DOM		0x4	/* "L", "LW", "NW" alone */
#define F_DOW		0x8	/* "L", "NL", "N#K" alone */

struct field {
	const char		*name;
	int			 lo;
	int			 hi;
	const char		*range;		/* for messages */
	const char *const	*names;		/* names of lo, lo+1, ... */
	unsigned		 flags;
};

static const char *const months[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
	"NOV", "DEC", NULL,
};
static const char *const days[] = {
	"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL,
};

static const struct field fields[] = {
	{ "minutes", 0, 59, "0-59", NULL, F_STEP },
	{ "hours", 0, 23, "0-23", NULL, F_STEP },
	{ "day-of-month", 1, 31, "1-31", NULL, F_STEP | F_QUESTION | F_DOM },
	{ "month", 1, 12, "1-12 or JAN-DEC", months, F_STEP },
	{ "day-of-week", 1, 7, "1-7 or SUN-SAT", days, F_QUESTION | F_DOW },
	{ "year", 1970, 2199, "1970-2199", NULL, F_STEP },
};
#define NFIELDS	(sizeof fields / sizeof fields[0])
#define DOM	2
#define DOW	4

/* Where the reason goes. */
struct out {
	const char	*expr;
	char		*why;
	size_t		 len;
	size_t		*off;
};

static int LC_PRINTF(3, 4)
fail(const struct out *o, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->why, o->len, fmt, ap);
	va_end(ap);
	if (o->off != NULL)
		*o->off = (size_t)(at - o->expr);
	return -1;
}

/*
 * The whole number of 1 to 4 digits at s (n bytes, all of it), or -1:
 * every value here is under 10000.
 */
static int
number(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The value of the n bytes at s in field f (a number or a name), or -1. */
static int
value(const struct field *f, const char *s, size_t n)
{
	int v, i;

	if (f->names != NULL && n == 3)
		for (i = 0; f->names[i] != NULL; i++)
			if (memcmp(s, f->names[i], 3) == 0)
				return f->lo + i;
	v = number(s, n);
	return v >= f->lo && v <= f->hi ? v : -1;
}

static int
bad_value(const struct out *o, const struct field *f, const char *s,
    size_t n)
{
	if (n == 0)
		return fail(o, s, "cron: %s has an empty value where %s is "
		    "expected", f->name, f->range);
	return fail(o, s, "cron: %s '%.*s' is not %s", f->name, (int)n, s,
	    f->range);
}

/*
 * One item of a list, the n bytes at s: "*", "A", "A-B", each but "A"
 * with an optional "/STEP" where the field allows steps.
 */
static int
check_item(const struct out *o, const struct field *f, const char *s,
    size_t n)
{
	const char *slash = memchr(s, '/', n), *dash;
	size_t base = slash != NULL ? (size_t)(slash - s) : n;
	int a, b, step;

	if (slash != NULL) {
		if (!(f->flags & F_STEP))
			return fail(o, slash, "cron: %s takes no step ('/')",
			    f->name);
		step = number(slash + 1, n - base - 1);
		if (step < 1 || step > f->hi - f->lo + 1)
			return fail(o, slash + 1, "cron: %s step '%.*s' is not "
			    "1-%d", f->name, (int)(n - base - 1), slash + 1,
			    f->hi - f->lo + 1);
	}
	if (base == 1 && *s == '*')
		return 0;
	if ((dash = memchr(s, '-', base)) == NULL) {
		if (value(f, s, base) == -1)
			return bad_value(o, f, s, base);
		return 0;
	}
	if ((a = value(f, s, (size_t)(dash - s))) == -1)
		return bad_value(o, f, s, (size_t)(dash - s));
	if ((b = value(f, dash + 1, base - (size_t)(dash - s) - 1)) == -1)
		return bad_value(o, f, dash + 1,
		    base - (size_t)(dash - s) - 1);
	if (a > b)
		return fail(o, s, "cron: %s range '%.*s' runs backwards "
		    "(EventBridge documents no wrapping ranges)", f->name,
		    (int)base, s);
	return 0;
}

/*
 * The forms that stand alone in day-of-month or day-of-week: 1 when the
 * n bytes at s are one of them (0 when checked fine, *rv -1 when
 * refused), 0 when they are not.
 */
static int
check_special(const struct out *o, const struct field *f, const char *s,
    size_t n, int *rv)
{
	const char *hash = memchr(s, '#', n);
	size_t k;

	*rv = 0;
	if ((f->flags & (F_DOM | F_DOW)) && n == 1 && *s == 'L')
		return 1;
	if ((f->flags & F_DOM) && n == 2 && memcmp(s, "LW", 2) == 0)
		return 1;
	if ((f->flags & F_DOM) && n >= 2 && s[n - 1] == 'W') {
		if (value(f, s, n - 1) == -1)
			*rv = bad_value(o, f, s, n - 1);
		return 1;
	}
	if ((f->flags & F_DOW) && n >= 2 && s[n - 1] == 'L') {
		if (value(f, s, n - 1) == -1)
			*rv = bad_value(o, f, s, n - 1);
		return 1;
	}
	if ((f->flags & F_DOW) && hash != NULL) {
		k = (size_t)(hash - s);
		if (value(f, s, k) == -1)
			*rv = bad_value(o, f, s, k);
		else if (n - k != 2 || hash[1] < '1' || hash[1] > '5')
			*rv = fail(o, hash + 1, "cron: day-of-week '#' takes "
			    "1-5 (the week of the month), not '%.*s'",
			    (int)(n - k - 1), hash + 1);
		return 1;
	}
	return 0;
}

/* Field f, the n bytes at s; *question: whether it is "?". */
static int
check_field(const struct out *o, const struct field *f, const char *s,
    size_t n, int *question)
{
	const char *item, *end = s + n, *p;
	size_t m;
	int rv;

	*question = n == 1 && *s == '?';
	if (*question)
		return (f->flags & F_QUESTION) ? 0 : fail(o, s, "cron: '?' is "
		    "only for day-of-month or day-of-week, not %s", f->name);
	if (memchr(s, ',', n) == NULL && check_special(o, f, s, n, &rv))
		return rv;
	for (item = s; item <= end; item = p + 1) {
		p = memchr(item, ',', (size_t)(end - item));
		if (p == NULL)
			p = end;
		m = (size_t)(p - item);
		if (m == 0)
			return fail(o, item, "cron: %s has an empty item in "
			    "its list", f->name);
		if (n != m && (memchr(item, '*', m) != NULL ||
		    memchr(item, '?', m) != NULL || memchr(item, 'L', m) !=
		    NULL || memchr(item, '#', m) != NULL ||
		    (f->flags & F_DOM && memchr(item, 'W', m) != NULL)))
			return fail(o, item, "cron: '%.*s' must stand alone in "
			    "%s, not in a list", (int)m, item, f->name);
		if (check_item(o, f, item, m) == -1)
			return -1;
	}
	return 0;
}

static int
check_cron(const struct out *o, const char *s, const char *end)
{
	const char *start[NFIELDS], *p = s;
	size_t n[NFIELDS], i = 0;
	int q[NFIELDS];

	if (s == end || *s == ' ' || end[-1] == ' ')
		return fail(o, s == end || *s == ' ' ? s : end - 1, "cron: "
		    "needs 6 fields between the parentheses, apart by spaces, "
		    "and no space next to them");
	while (p < end) {
		if (i == NFIELDS)
			return fail(o, p, "cron: has more than 6 fields "
			    "(minutes hours day-of-month month day-of-week "
			    "year)");
		start[i] = p;
		while (p < end && *p != ' ')
			p++;
		n[i] = (size_t)(p - start[i]);
		i++;
		while (p < end && *p == ' ')
			p++;
	}
	if (i < NFIELDS)
		return fail(o, end, "cron: has %zu field%s, not 6 (minutes "
		    "hours day-of-month month day-of-week year)", i,
		    i == 1 ? "" : "s");
	for (i = 0; i < NFIELDS; i++)
		if (check_field(o, &fields[i], start[i], n[i], &q[i]) == -1)
			return -1;
	if (q[DOM] && q[DOW])
		return fail(o, start[DOW], "cron: day-of-month and day-of-week "
		    "cannot both be '?'");
	if (!q[DOM] && !q[DOW])
		return fail(o, start[DOW], "cron: one of day-of-month and "
		    "day-of-week must be '?' (EventBridge takes only one of "
		    "them)");
	return 0;
}

static int
check_rate(const struct out *o, const char *s, const char *end)
{
	static const char *const units[] = { "minute", "hour", "day" };
	const char *p = s, *unit;
	size_t i, n, digits;
	int plural;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	digits = (size_t)(p - s);
	if (digits == 0)
		return fail(o, s, "rate: expected a whole number, as in "
		    "rate(5 minutes)");
	if (*s == '0')
		return fail(o, s, "rate: the value '%.*s' must be a whole "
		    "number from 1, without leading zeros", (int)digits, s);
	if (digits > 9)
		return fail(o, s, "rate: the value '%.*s' is too large",
		    (int)digits, s);
	if (p == end || *p != ' ' || p + 1 == end || p[1] == ' ')
		return fail(o, p, "rate: expected one space and a unit after "
		    "the value, as in rate(5 minutes)");
	unit = p + 1;
	n = (size_t)(end - unit);
	plural = !(digits == 1 && *s == '1');
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (n == strlen(units[i]) + (size_t)plural &&
		    strncmp(unit, units[i], strlen(units[i])) == 0 &&
		    (!plural || unit[n - 1] == 's'))
			return 0;
		if (n == strlen(units[i]) + (size_t)!plural &&
		    strncmp(unit, units[i], strlen(units[i])) == 0 &&
		    (plural || unit[n - 1] == 's'))
			return fail(o, unit, "rate: the unit must be '%s%s' "
			    "for a value of %.*s, not '%.*s'", units[i],
			    plural ? "s" : "", (int)digits, s, (int)n, unit);
	}
	return fail(o, unit, "rate: unknown unit '%.*s' (use minute(s), "
	    "hour(s) or day(s))", (int)n, unit);
}

int
schedule_check(const char *expr, char *why, size_t len, size_t *off)
{
	struct out o = { expr, why, len, off };
	const char *rparen;
	size_t n = strlen(expr);
	int rate;

	if (n > SCHEDULE_MAX)
		return fail(&o, expr + SCHEDULE_MAX, "the expression is %zu "
		    "bytes, over EventBridge's limit of %d", n, SCHEDULE_MAX);
	rate = strncmp(expr, "rate(", 5) == 0;
	if (!rate && strncmp(expr, "cron(", 5) != 0)
		return fail(&o, expr, "expected rate(VALUE UNIT) or "
		    "cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)");
	if ((rparen = memchr(expr + 5, ')', n - 5)) == NULL)
		return fail(&o, expr + n, "%s: missing ')' at the end",
		    rate ? "rate" : "cron");
	if (rparen != expr + n - 1)
		return fail(&o, rparen + 1, "%s: unexpected text after ')'",
		    rate ? "rate" : "cron");
	if (rate)
		return check_rate(&o, expr + 5, expr + n - 1);
	return check_cron(&o, expr + 5, expr + n - 1);
}
