/*
 * test-timeparse.c - the one grammar for durations and times: durations
 * (bare seconds, units in order, limits), ISO-8601 (every field checked,
 * leap seconds, offsets), relative times, the ISO form printed, and
 * HTTP Date headers (RFC 9110's IMF-fixdate).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "timeparse.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* 2024-05-01T12:00:00Z */
#define T0	1714564800000LL
#define NOW	(T0 + 3600000LL)
#define DAY	86400LL

/* The duration s in seconds, or -1. */
static int64_t
dur(const char *s)
{
	int64_t v = -42;

	if (timeparse_duration(s, &v) == -1) {
		assert_int_equal(v, -42);	/* untouched */
		return -1;
	}
	return v;
}

static void
test_durations(void **state)
{
	static const struct {
		const char	*s;
		int64_t		 secs;
	} good[] = {
		{ "0", 0 }, { "90", 90 }, { "300", 300 }, { "0s", 0 },
		{ "90s", 90 }, { "5m", 300 }, { "2h", 7200 }, { "1d", DAY },
		{ "1w", 7 * DAY }, { "1h30m", 5400 }, { "1h30s", 3630 },
		{ "1w2d3h4m5s", 9 * DAY + 3 * 3600 + 4 * 60 + 5 },
		{ "010m", 600 }, { "90m", 5400 }, { "86400", DAY },
		{ "0h0m0s", 0 }, { "36500d", TIMEPARSE_DURATION_MAX },
		{ "3153600000", TIMEPARSE_DURATION_MAX },
		{ "36499d23h59m59s", TIMEPARSE_DURATION_MAX - 1 },
	};
	static const char *const bad[] = {
		/* Empty, not a number, not a unit. */
		"", "s", "m", "h30m", "10x", "10M", "1H", "1.5h", "one",
		/* Signs and spaces. */
		"-5m", "+5m", "-300", " 10m", "10m ", "10 m", "1h 30m",
		/* A bare number only alone; units in order, each once. */
		"1h30", "30m1h", "1m1m", "5s5s", "1s1m", "1d1w", "1h1h",
		/* Too long. */
		"36500d1s", "3153600001", "5215w", "99999999999999999999s",
		"9223372036854775807", "1000000000000000000000",
		/* Not durations at all. */
		"10m ago", "now", "2024-05-01",
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good); i++)
		if (dur(good[i].s) != good[i].secs)
			fail_msg("'%s' is %lld, not %lld", good[i].s,
			    (long long)dur(good[i].s),
			    (long long)good[i].secs);
	for (i = 0; i < nitems(bad); i++)
		if (dur(bad[i]) != -1)
			fail_msg("'%s' was accepted", bad[i]);
}

/* The time s, against NOW, or -1 (never a valid answer here). */
static int64_t
ptime(const char *s)
{
	int64_t v = -42;

	if (timeparse_time(s, NOW, &v) == -1) {
		assert_int_equal(v, -42);
		return -1;
	}
	return v;
}

static void
test_relative(void **state)
{
	(void)state;
	assert_int_equal(ptime("10m"), NOW - 600000);
	assert_int_equal(ptime("10m ago"), NOW - 600000);
	assert_int_equal(ptime("300"), NOW - 300000);
	assert_int_equal(ptime("300 ago"), NOW - 300000);
	assert_int_equal(ptime("90s"), NOW - 90000);
	assert_int_equal(ptime("2h"), NOW - 7200000);
	assert_int_equal(ptime("1d ago"), NOW - 86400000);
	assert_int_equal(ptime("1w"), NOW - 7 * 86400000LL);
	assert_int_equal(ptime("1h30m"), NOW - 5400000);
	assert_int_equal(ptime("1h30m ago"), NOW - 5400000);
	assert_int_equal(ptime("0s"), NOW);
	assert_int_equal(ptime("010m"), NOW - 600000);
	/* Before the epoch is the caller's to refuse. */
	assert_int_equal(timeparse_time("1h", 0, &(int64_t){ 0 }), 0);
}

static void
test_iso_times(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(ptime("2024-05-01T12:00:00Z"), T0);
	assert_int_equal(ptime("2024-05-01t12:00:00z"), T0);
	assert_int_equal(ptime("2024-05-01 12:00:00Z"), T0);
	assert_int_equal(ptime("2024-05-01T12:00Z"), T0);
	assert_int_equal(ptime("2024-05-01T12:00:00.123Z"), T0 + 123);
	assert_int_equal(ptime("2024-05-01T12:00:00,5Z"), T0 + 500);
	assert_int_equal(ptime("2024-05-01T12:00:00.123456789Z"), T0 + 123);
	assert_int_equal(ptime("2024-05-01T12:00:00.000999Z"), T0);
	assert_int_equal(ptime("2024-05-01T14:00:00+02:00"), T0);
	assert_int_equal(ptime("2024-05-01T14:00:00+0200"), T0);
	assert_int_equal(ptime("2024-05-01T14:00:00+02"), T0);
	assert_int_equal(ptime("2024-05-01T06:30:00-05:30"), T0);
	assert_int_equal(ptime("2024-05-01T12:00:00-00:00"), T0);
	assert_int_equal(ptime("2024-05-01T12:00:00.250+00:00"), T0 + 250);
	assert_int_equal(ptime("2024-05-01"), T0 - 12 * 3600000LL);
	assert_int_equal(ptime("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(ptime("2024-02-29T00:00:00Z"), 1709164800000LL);
	assert_int_equal(ptime("2000-02-29"), 951782400000LL);
	assert_int_equal(ptime("2000-03-01"), 951868800000LL);
	assert_int_equal(ptime("2100-12-31T23:59:59Z"), 4133980799000LL);
	assert_int_equal(ptime("9999-12-31T23:59:59.999Z"),
	    253402300799999LL);
	/* A leap second, 23:59:60 UTC, is the second before it. */
	assert_int_equal(ptime("2016-12-31T23:59:60Z"), 1483228799000LL);
	assert_int_equal(ptime("2016-12-31T23:59:60.5Z"), 1483228799500LL);
	assert_int_equal(ptime("2017-01-01T01:59:60+02:00"), 1483228799000LL);
	assert_int_equal(ptime("2016-12-31T18:29:60-05:30"), 1483228799000LL);
	/* Before the epoch: negative, exactly. */
	assert_int_equal(timeparse_iso("1969-12-31T23:59:59Z", &v), 0);
	assert_int_equal(v, -1000);
	assert_int_equal(timeparse_iso("1970-01-01T00:30+01:00", &v), 0);
	assert_int_equal(v, -1800000);
	assert_int_equal(timeparse_iso("0000-01-01", &v), 0);
	assert_int_equal(v, -62167219200000LL);
}

static void
test_bad_times(void **state)
{
	static const char *const bad[] = {
		"", "m", "10x", "-5m", "1.5h", "10 m", " 10m", "10m ", "10M",
		"now", "yesterday", "ago", " ago", "10m  ago", "10m ago ",
		"10mago", "10m AGO", "1h30 ago", "ago 10m",
		"2024-05-01 ago", "2024-05-01T12:00:00Z ago",
		/* No zone. */
		"2024-05-01T12:00:00", "2024-05-01T12:00", "2024-05-01T12",
		"2024-05-01T", "2024-05-01 ",
		/* Out of range. */
		"2024-05-01T24:00Z", "2024-05-01T12:60Z", "2024-13-01",
		"2024-00-10", "2024-05-00", "2023-02-29", "2100-02-29",
		"2024-04-31", "2024-05-01T12:00:61Z",
		/* Second 60 other than 23:59:60 UTC. */
		"2024-05-01T12:00:60Z", "2024-05-01T23:58:60Z",
		"2024-05-01T23:59:60+01:00",
		/* Shapes. */
		"2024-5-1", "24-05-01", "20240501T120000Z", "2024/05/01",
		"2024-05-01X12:00Z", "2024-05-01T1200Z", "2024-05-01T12:0Z",
		"2024-05-01T12:00:0Z", "2024-05-01T12:00.5Z",
		"2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.5",
		"2024-05-01T12:00:00ZZ", "2024-05-01T12:00:00Zjunk",
		"2024-05-01Z", "+2024-05-01",
		/* Offsets. */
		"2024-05-01T12:00:00+2", "2024-05-01T12:00:00+02:",
		"2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00+02:60",
		"2024-05-01T12:00:00+02:0", "2024-05-01T12:00:00+020",
		"2024-05-01T12:00:00+02:00:00", "2024-05-01T12:00:00 +02:00",
		"2024-05-01T12:00:00Z trailing", "1715000000000x",
		"1715000000000", "100000w",
	};
	size_t i;
	int64_t v;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if (ptime(bad[i]) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		v = -42;
		if (timeparse_iso(bad[i], &v) != -1 || v != -42)
			fail_msg("'%s' was accepted as ISO", bad[i]);
	}
}

static void
check_iso(int64_t ms, int flags, const char *want)
{
	struct buf b = BUF_INIT;

	timeparse_format(&b, ms, flags);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void
test_format(void **state)
{
	const int mz = TIMEPARSE_MS | TIMEPARSE_Z;
	struct buf b = BUF_INIT;
	int64_t t, back;

	(void)state;
	check_iso(T0, mz, "2024-05-01T12:00:00.000Z");
	check_iso(T0 + 1999, mz, "2024-05-01T12:00:01.999Z");
	check_iso(T0 + 1999, 0, "2024-05-01T12:00:01");
	check_iso(T0 + 1999, TIMEPARSE_Z, "2024-05-01T12:00:01Z");
	check_iso(T0 + 1999, TIMEPARSE_MS, "2024-05-01T12:00:01.999");
	check_iso(0, mz, "1970-01-01T00:00:00.000Z");
	check_iso(1709164800000LL + 86399999, mz, "2024-02-29T23:59:59.999Z");
	check_iso(4133980799000LL, 0, "2100-12-31T23:59:59");
	check_iso(-1, mz, "1969-12-31T23:59:59.999Z");
	check_iso(-86400000LL, mz, "1969-12-31T00:00:00.000Z");
	check_iso(253402300799999LL, mz, "9999-12-31T23:59:59.999Z");
	/* The extremes, as java.time prints them: no overflow on the way. */
	check_iso(INT64_MIN, mz, "-292275055-05-16T16:47:04.192Z");
	check_iso(INT64_MIN, 0, "-292275055-05-16T16:47:04");
	check_iso(INT64_MAX, mz, "292278994-08-17T07:12:55.807Z");
	/* Round trips over 40 years, in steps that hit every month. */
	for (t = 0; t < 40LL * 365 * 86400000; t += 86400000LL * 7 + 3723456) {
		buf_reset(&b);
		timeparse_format(&b, t, mz);
		assert_int_equal(timeparse_iso(b.data, &back), 0);
		assert_int_equal(back, t);
	}
	/* And every day of 0000 to 0400 and 1999 to 2001 (leap years). */
	for (t = -62167219200000LL; t < -62167219200000LL + 401 * 366 *
	    86400000LL; t += 86400000LL) {
		buf_reset(&b);
		timeparse_format(&b, t, TIMEPARSE_Z);
		assert_int_equal(timeparse_iso(b.data, &back), 0);
		assert_int_equal(back, t);
	}
	for (t = 915148800000LL; t < 978307200000LL; t += 86400000LL) {
		buf_reset(&b);
		timeparse_format(&b, t, 0);
		buf_truncate(&b, 10);
		assert_int_equal(timeparse_iso(b.data, &back), 0);
		assert_int_equal(back, t);
	}
	buf_release(&b);
}

/* Seconds of a Date header, or -1 when refused. */
static int64_t
date(const char *s)
{
	int64_t v = -42;

	if (timeparse_http(s, &v) == -1) {
		assert_int_equal(v, -42);	/* untouched */
		return -1;
	}
	return v;
}

static void
test_http_date(void **state)
{
	(void)state;
	/* RFC 9110's example. */
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	assert_int_equal(date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(date("Mon, 30 Nov 2026 18:34:28 GMT"), 1796063668);
	assert_int_equal(date("Thu, 29 Feb 2024 23:59:59 GMT"), 1709251199);
	/* Refused: other forms, bad fields, anything around it. */
	assert_int_equal(date("Sunday, 06-Nov-94 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun Nov  6 08:49:37 1994"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 UTC"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 GMT "), -1);
	assert_int_equal(date(" Sun, 06 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun, 6 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Xyz, 06 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nob 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun, 06 nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Fri, 30 Feb 2024 12:00:00 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 24:00:00 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:60:37 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:3x GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 19a4 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun; 06 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_iso_times),
		cmocka_unit_test(test_bad_times),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_http_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
