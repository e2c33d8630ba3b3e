/*
 * timeparse.c - durations ("1h30m"), ISO-8601 times, relative times
 * ("10m ago"), and the ISO-8601 form lambdactl prints.  The calendar is
 * computed here, never through timegm, which normalises February 30th
 * into March rather than refusing it.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timeparse.h"

#define SECS_PER_DAY	INT64_C(86400)

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of a day count since 1970-01-01 (the inverse). */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly n digits at *p into *v and advances *p. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit((*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* The duration in the len bytes at s: 0 with *secs, or -1. */
static int
duration_n(const char *s, size_t len, int64_t *secs)
{
	static const struct {
		char	 unit;
		int64_t	 secs;
	} units[] = {
		{ 'w', 7 * SECS_PER_DAY }, { 'd', SECS_PER_DAY },
		{ 'h', 3600 }, { 'm', 60 }, { 's', 1 },
	};
	const char *p = s, *end = s + len;
	int64_t total = 0, n;
	size_t u, next = 0;	/* units before next are used up */

	if (len == 0)
		return -1;
	while (p < end) {
		if (!is_digit(*p))
			return -1;
		for (n = 0; p < end && is_digit(*p); p++)
			if ((n = n * 10 + (*p - '0')) > TIMEPARSE_DURATION_MAX)
				return -1;
		if (p == end && next == 0 && total == 0) {
			total = n;	/* a bare number: seconds */
			break;
		}
		for (u = next; p < end && u < sizeof units / sizeof units[0];
		    u++)
			if (units[u].unit == *p)
				break;
		if (p == end || u == sizeof units / sizeof units[0])
			return -1;	/* no unit, or one out of order */
		total += n * units[u].secs;	/* < 2^51: no overflow */
		if (total > TIMEPARSE_DURATION_MAX)
			return -1;
		next = u + 1;
		p++;
	}
	*secs = total;
	return 0;
}

int
timeparse_duration(const char *s, int64_t *secs)
{
	return duration_n(s, strlen(s), secs);
}

/* The zone: "Z", "+HH", "+HHMM" or "+HH:MM"; seconds east of UTC. */
static int
parse_zone(const char *p, int64_t *off)
{
	int sign, hh, mm = 0;

	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*off = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &hh) == -1 || hh > 23)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &mm) == -1)
			return -1;
	} else if (*p != '\0' && digits(&p, 2, &mm) == -1)
		return -1;
	if (*p != '\0' || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

/*
 * "HH:MM[:SS[.fff]]" and a zone: the seconds into the day as written,
 * the milliseconds and the zone's offset.  Second 60 passes only at
 * 23:59:60 UTC, as 23:59:59.
 */
static int
parse_clock(const char *p, int64_t *secs, int *ms, int64_t *off)
{
	int h, mi, sec = 0, scale;

	*ms = 0;
	if (digits(&p, 2, &h) == -1 || *p != ':')
		return -1;
	p++;
	if (digits(&p, 2, &mi) == -1 || h > 23 || mi > 59)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec) == -1 || sec > 60)
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (!is_digit(*p))
				return -1;
			for (scale = 100; is_digit(*p); p++, scale /= 10)
				*ms += (*p - '0') * scale;
		}
	}
	if (parse_zone(p, off) == -1)
		return -1;
	*secs = h * 3600 + mi * 60 + sec;
	if (sec == 60) {
		if (((*secs - *off) % SECS_PER_DAY + SECS_PER_DAY) %
		    SECS_PER_DAY != 0)
			return -1;
		(*secs)--;
	}
	return 0;
}

int
timeparse_iso(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, frac = 0;
	int64_t secs = 0, off = 0;

	if (digits(&p, 4, &y) == -1 || *p != '-')
		return -1;
	p++;
	if (digits(&p, 2, &mo) == -1 || *p != '-')
		return -1;
	p++;
	if (digits(&p, 2, &d) == -1)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		if (parse_clock(p + 1, &secs, &frac, &off) == -1)
			return -1;
	}
	*ms = (days_from_civil(y, mo, d) * SECS_PER_DAY + secs - off) * 1000 +
	    frac;
	return 0;
}

int
timeparse_time(const char *s, int64_t now_ms, int64_t *ms)
{
	static const char ago[] = " ago";
	size_t len = strlen(s), alen = sizeof ago - 1;
	int64_t secs;

	if (len > alen && strcmp(s + len - alen, ago) == 0)
		len -= alen;
	else if (timeparse_iso(s, ms) == 0)
		return 0;
	if (duration_n(s, len, &secs) == -1)
		return -1;
	*ms = now_ms - secs * 1000;
	return 0;
}

void
timeparse_format(struct buf *b, int64_t ms, int flags)
{
	int64_t secs, days, rem, y;
	int m, d, frac;

	/* Floor division that negates nothing (INT64_MIN has no negation). */
	secs = ms / 1000;
	frac = (int)(ms % 1000);
	if (frac < 0) {
		secs--;
		frac += 1000;
	}
	days = secs / SECS_PER_DAY;
	rem = secs % SECS_PER_DAY;
	if (rem < 0) {
		days--;
		rem += SECS_PER_DAY;
	}
	civil_from_days(days, &y, &m, &d);
	buf_addf(b, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (flags & TIMEPARSE_MS)
		buf_addf(b, ".%03d", frac);
	if (flags & TIMEPARSE_Z)
		buf_addch(b, 'Z');
}

/* The index of the 3-letter name at s in names (count of them), or -1. */
static int
name_index(const char *s, const char *const *names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (strncmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

int
timeparse_http(const char *s, int64_t *secs)
{
	static const char *const days[] = {
		"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	const char *p = s;
	char iso[32];
	int64_t ms;
	int mon, day, year, v;

	/* "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed places. */
	if (strlen(s) != 29 || name_index(s, days, 7) == -1 ||
	    strncmp(s + 3, ", ", 2) != 0)
		return -1;
	p = s + 5;
	if (digits(&p, 2, &day) == -1 || *p != ' ' ||
	    (mon = name_index(s + 8, months, 12)) == -1 || s[11] != ' ')
		return -1;
	p = s + 12;
	if (digits(&p, 4, &year) == -1 || *p != ' ' ||
	    strcmp(s + 25, " GMT") != 0)
		return -1;
	/* The clock: timeparse_iso checks its fields and the date's. */
	p = s + 17;
	if (digits(&p, 2, &v) == -1 || *p++ != ':' || digits(&p, 2, &v) ==
	    -1 || *p++ != ':' || digits(&p, 2, &v) == -1)
		return -1;
	snprintf(iso, sizeof iso, "%04d-%02d-%02dT%.8sZ", year, mon + 1, day,
	    s + 17);
	if (timeparse_iso(iso, &ms) == -1)
		return -1;
	*secs = ms / 1000;
	return 0;
}
