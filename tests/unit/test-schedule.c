/*
 * test-schedule.c - EventBridge schedule expressions (schedule.h): the
 * guide's own examples and every documented form accepted; what it does
 * not document refused, with the reason and the offset of the part to
 * blame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "schedule.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static void
assert_good(const char *expr)
{
	char why[256] = "";
	size_t off = 12345;

	if (schedule_check(expr, why, sizeof why, &off) != 0)
		fail_msg("'%s' refused: %s (at %zu)", expr, why, off);
	assert_int_equal(off, 12345);	/* untouched */
}

/* expr is refused; its reason has want in it; *off is returned. */
static size_t
refused(const char *expr, const char *want)
{
	char why[256] = "";
	size_t off = SIZE_MAX;

	if (schedule_check(expr, why, sizeof why, &off) == 0)
		fail_msg("'%s' accepted", expr);
	if (strstr(why, want) == NULL)
		fail_msg("'%s': reason '%s' lacks '%s'", expr, why, want);
	assert_true(off <= strlen(expr));
	/* And with no room to say why, or no offset wanted. */
	assert_int_equal(schedule_check(expr, why, 1, NULL), -1);
	assert_string_equal(why, "");
	return off;
}

static void
test_rate(void **state)
{
	static const char *const good[] = {
		"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)",
		"rate(12 hours)", "rate(1 day)", "rate(7 days)",
		"rate(10 minutes)", "rate(999999999 days)",
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good); i++)
		assert_good(good[i]);
	assert_int_equal(refused("rate(1 minutes)", "must be 'minute' for "
	    "a value of 1, not 'minutes'"), 7);
	assert_int_equal(refused("rate(5 hour)", "must be 'hours' for a "
	    "value of 5, not 'hour'"), 7);
	assert_int_equal(refused("rate(5 weeks)", "unknown unit 'weeks'"),
	    7);
	assert_int_equal(refused("rate(0 minutes)", "from 1"), 5);
	assert_int_equal(refused("rate(05 minutes)", "leading zeros"), 5);
	assert_int_equal(refused("rate(minutes)", "expected a whole number"),
	    5);
	assert_int_equal(refused("rate(-5 minutes)", "whole number"), 5);
	assert_int_equal(refused("rate(1.5 hours)", "one space"), 6);
	assert_int_equal(refused("rate(5  minutes)", "one space"), 6);
	assert_int_equal(refused("rate(5minutes)", "one space"), 6);
	assert_int_equal(refused("rate(5)", "one space"), 6);
	assert_int_equal(refused("rate(5 )", "one space"), 6);
	assert_int_equal(refused("rate(5 Minutes)", "unknown unit"), 7);
	assert_int_equal(refused("rate(1234567890 days)", "too large"), 5);
	assert_int_equal(refused("rate(5 minutes", "missing ')'"), 14);
	assert_int_equal(refused("rate(5 minutes) ", "after ')'"), 15);
	assert_int_equal(refused("rate(5 minutes))", "after ')'"), 15);
	refused("rate(5 minutes", "missing");
	refused("rate(", "missing");
	refused("rate()", "whole number");
	refused("rate(1 minute", "missing");
	refused("rate(1 minute )", "unknown unit");
	refused("rate(1 minutess)", "unknown unit");
}

static void
test_cron_good(void **state)
{
	static const char *const good[] = {
		/* The guide's examples. */
		"cron(0 10 * * ? *)", "cron(15 12 * * ? *)",
		"cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)",
		"cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)",
		"cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)",
		"cron(0 20 * * ? *)", "cron(0 6 * * ? *)",
		/* Every field's bounds, names, lists, ranges and steps. */
		"cron(59 23 31 12 ? 2199)", "cron(0 0 1 1 ? 1970)",
		"cron(0,15,30,45 0-23/2 1-31/3 JAN-DEC/2 ? 1970-2199/5)",
		"cron(* * ? JAN,MAR,DEC SUN,SAT *)", "cron(*/5 * * * ? *)",
		"cron(1/10 * * * ? *)", "cron(0 0 ? * 1-7 *)",
		"cron(0 0 ? * SUN-SAT *)", "cron(0 0 ? 1-12 1,7 2030)",
		"cron(0 0 ? * MON,WED-FRI *)", "cron(0 0 1,15 * ? *)",
		"cron(0 0 * * ? 2024,2026-2030)",
		/* L, W, LW, NL and # where documented. */
		"cron(0 0 L * ? *)", "cron(0 0 LW * ? *)",
		"cron(0 0 3W * ? *)", "cron(0 0 31W * ? *)",
		"cron(0 0 ? * L *)", "cron(0 0 ? * 5L *)",
		"cron(0 0 ? * FRIL *)", "cron(0 0 ? * 3#2 *)",
		"cron(0 0 ? * MON#5 *)", "cron(0 0 ? * 7#1 *)",
		/* Fields apart by more than one space. */
		"cron(0  10 * *   ? *)",
		/* A step reaching the whole range. */
		"cron(0/60 0/24 1/31 1/12 ? 1970/230)",
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good); i++)
		assert_good(good[i]);
}

static void
test_cron_bad(void **state)
{
	(void)state;
	/* The header's own example, and each field's range. */
	assert_int_equal(refused("cron(0 0 ? * MOM *)", "day-of-week 'MOM' "
	    "is not 1-7 or SUN-SAT"), 13);
	assert_int_equal(refused("cron(60 0 * * ? *)", "minutes '60' is not "
	    "0-59"), 5);
	assert_int_equal(refused("cron(0 24 * * ? *)", "hours '24' is not "
	    "0-23"), 7);
	assert_int_equal(refused("cron(0 0 0 * ? *)", "day-of-month '0' is "
	    "not 1-31"), 9);
	assert_int_equal(refused("cron(0 0 32 * ? *)", "day-of-month"), 9);
	assert_int_equal(refused("cron(0 0 1 13 ? *)", "month '13' is not "
	    "1-12 or JAN-DEC"), 11);
	assert_int_equal(refused("cron(0 0 1 jan ? *)", "month 'jan'"), 11);
	assert_int_equal(refused("cron(0 0 ? * 0 *)", "day-of-week '0'"),
	    13);
	assert_int_equal(refused("cron(0 0 ? * 8 *)", "day-of-week '8'"),
	    13);
	assert_int_equal(refused("cron(0 0 * * ? 1969)", "year '1969' is "
	    "not 1970-2199"), 15);
	assert_int_equal(refused("cron(0 0 * * ? 2200)", "year"), 15);
	assert_int_equal(refused("cron(0 0 ? * MON-MOM *)", "'MOM'"), 17);
	/* Field counts and spacing. */
	assert_int_equal(refused("cron(0 0 * * ?)", "has 5 fields, not 6"),
	    14);
	assert_int_equal(refused("cron(0 0 * * * ? *)", "more than 6"), 17);
	assert_int_equal(refused("cron(0 0 * * ? * 2020)", "more than 6"),
	    17);
	assert_int_equal(refused("cron()", "needs 6 fields"), 5);
	assert_int_equal(refused("cron( 0 0 * * ? *)", "no space"), 5);
	assert_int_equal(refused("cron(0 0 * * ? * )", "no space"), 16);
	assert_int_equal(refused("cron(0 0 * * ? *", "missing ')'"), 16);
	refused("cron(0\t0 * * ? *)", "minutes");
	refused("cron(0 0 * * ? *) ", "after ')'");
	/* Exactly one of day-of-month and day-of-week is '?'. */
	assert_int_equal(refused("cron(0 0 * * * *)", "one of day-of-month "
	    "and day-of-week must be '?'"), 13);
	assert_int_equal(refused("cron(0 0 1 * MON *)", "must be '?'"), 13);
	assert_int_equal(refused("cron(0 0 ? * ? *)", "cannot both be "
	    "'?'"), 13);
	assert_int_equal(refused("cron(? 0 * * ? *)", "'?' is only for "
	    "day-of-month or day-of-week, not minutes"), 5);
	refused("cron(0 0 * ? ? *)", "not month");
	/* Lists, ranges and steps. */
	assert_int_equal(refused("cron(0 22-2 * * ? *)", "range '22-2' runs "
	    "backwards"), 7);
	assert_int_equal(refused("cron(0 0 ? * FRI-MON *)", "backwards"),
	    13);
	assert_int_equal(refused("cron(0,,5 0 * * ? *)", "empty item"), 7);
	assert_int_equal(refused("cron(0, 0 * * ? *)", "empty item"), 7);
	assert_int_equal(refused("cron(*,5 0 * * ? *)", "'*' must stand "
	    "alone in minutes"), 5);
	assert_int_equal(refused("cron(0/0 0 * * ? *)", "step '0' is not "
	    "1-60"), 7);
	assert_int_equal(refused("cron(0/61 0 * * ? *)", "step '61'"), 7);
	assert_int_equal(refused("cron(0/ 0 * * ? *)", "step ''"), 7);
	assert_int_equal(refused("cron(0 0 ? * MON/2 *)", "day-of-week "
	    "takes no step"), 16);
	assert_int_equal(refused("cron(-5 0 * * ? *)", "empty value"), 5);
	assert_int_equal(refused("cron(5- 0 * * ? *)", "empty value"), 7);
	refused("cron(1-2-3 0 * * ? *)", "minutes '2-3'");
	refused("cron(0 0 * */0 ? *)", "step '0'");
	/* L, W and # only where and as documented. */
	assert_int_equal(refused("cron(0 0 ? * 3#6 *)", "'#' takes 1-5"),
	    15);
	assert_int_equal(refused("cron(0 0 ? * 3# *)", "'#' takes 1-5"), 15);
	assert_int_equal(refused("cron(0 0 ? * 9#1 *)", "day-of-week '9'"),
	    13);
	assert_int_equal(refused("cron(0 0 ? * 3#1,6#3 *)", "'3#1' must "
	    "stand alone in day-of-week"), 13);
	assert_int_equal(refused("cron(0 0 L,15 * ? *)", "'L' must stand "
	    "alone"), 9);
	assert_int_equal(refused("cron(0 0 32W * ? *)", "day-of-month '32'"),
	    9);
	assert_int_equal(refused("cron(0 0 1W,15 * ? *)", "stand alone"), 9);
	assert_int_equal(refused("cron(L 0 * * ? *)", "minutes 'L'"), 5);
	assert_int_equal(refused("cron(0 0 W * ? *)", "day-of-month 'W'"),
	    9);
	assert_int_equal(refused("cron(0 0 ? * LW *)", "day-of-week 'LW'"),
	    13);
	assert_int_equal(refused("cron(0 0 L-3 * ? *)", "day-of-month"), 9);
	assert_int_equal(refused("cron(0 0 ? * 8L *)", "day-of-week '8'"),
	    13);
	assert_int_equal(refused("cron(0 0 3#1 * ? *)", "day-of-month"), 9);
	refused("cron(0 0 ? * #1 *)", "empty value");
}

static void
test_other(void **state)
{
	char big[300];

	(void)state;
	assert_int_equal(refused("", "expected rate(VALUE UNIT) or cron("),
	    0);
	assert_int_equal(refused("at(2024-01-01T00:00:00)", "expected "
	    "rate"), 0);
	assert_int_equal(refused("Rate(5 minutes)", "expected rate"), 0);
	assert_int_equal(refused(" rate(5 minutes)", "expected rate"), 0);
	assert_int_equal(refused("0 6 * * *", "expected rate"), 0);
	refused("cron", "expected rate");
	refused("rate", "expected rate");
	/* EventBridge's 256 bytes. */
	memset(big, 0, sizeof big);
	snprintf(big, sizeof big, "cron(0 0 * * ? %0240d)", 2020);
	assert_int_equal(strlen(big), 256);
	refused(big, "year");
	snprintf(big, sizeof big, "cron(0 0 * * ? %0241d)", 2020);
	assert_int_equal(refused(big, "257 bytes, over EventBridge's limit "
	    "of 256"), 256);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_cron_good),
		cmocka_unit_test(test_cron_bad),
		cmocka_unit_test(test_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
