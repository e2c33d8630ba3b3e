/*
 * test-num.c - num_parse: the whole string, the range at both ends, the
 * reason for a refusal, and *out untouched by one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "num.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static void
test_num(void **state)
{
	static const struct {
		const char	*s;
		long		 min, max;
		long		 want;
		const char	*why;	/* NULL: accepted */
	} cases[] = {
		{ "1", 1, 64, 1, NULL },
		{ "64", 1, 64, 64, NULL },
		{ "0", 0, 65535, 0, NULL },
		{ "007", 1, 64, 7, NULL },
		{ "+5", 1, 64, 5, NULL },
		{ "-3", -5, 5, -3, NULL },
		{ "0", 1, 64, 0, "too small" },
		{ "65", 1, 64, 0, "too large" },
		{ "-1", 0, 10, 0, "too small" },
		{ "", 1, 64, 0, "not a number" },
		{ "four", 1, 64, 0, "not a number" },
		{ "4x", 1, 64, 0, "not a number" },
		{ "4 ", 1, 64, 0, "not a number" },
		{ "1.5", 1, 64, 0, "not a number" },
		{ "0x10", 1, 64, 0, "not a number" },
		{ "-", 1, 64, 0, "not a number" },
		{ "99999999999999999999999", 1, 64, 0, "too large" },
		{ "-99999999999999999999999", 1, 64, 0, "too small" },
		{ "9223372036854775807", 0, LONG_MAX, LONG_MAX, NULL },
		{ "9223372036854775808", 0, LONG_MAX, 0, "too large" },
		{ "-9223372036854775808", LONG_MIN, 0, LONG_MIN, NULL },
	};
	const char *why;
	long out;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		out = 4242;
		why = "unset";
		if (cases[i].why == NULL) {
			if (num_parse(cases[i].s, cases[i].min, cases[i].max,
			    &out, &why) != 0)
				fail_msg("'%s' refused: %s", cases[i].s, why);
			assert_null(why);
			assert_int_equal(out, cases[i].want);
		} else {
			if (num_parse(cases[i].s, cases[i].min, cases[i].max,
			    &out, &why) != -1)
				fail_msg("'%s' accepted", cases[i].s);
			assert_string_equal(why, cases[i].why);
			assert_int_equal(out, 4242);
		}
		/* why may be NULL. */
		assert_int_equal(num_parse(cases[i].s, cases[i].min,
		    cases[i].max, &out, NULL), cases[i].why == NULL ? 0 : -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
