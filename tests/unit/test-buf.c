/*
 * test-buf.c - the byte buffer's percent-decoder, both modes: what each
 * decodes, what the strict one refuses (leaving the buffer as it was) and
 * what the lenient one keeps; every byte value through both; hex_digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

/* Decodes s after "pre" in a buffer: checks rv and what was appended. */
static void
expect(const char *s, enum pct_mode mode, int rv, const char *want,
    size_t want_len)
{
	struct buf out = BUF_INIT;

	buf_adds(&out, "pre");
	assert_int_equal(pct_decode(&out, s, strlen(s), mode), rv);
	assert_int_equal(out.len, 3 + want_len);
	assert_memory_equal(out.data, "pre", 3);
	assert_memory_equal(out.data + 3, want, want_len);
	assert_int_equal(out.data[out.len], '\0');
	buf_release(&out);
}

#define BOTH(s, want) do {						\
	expect(s, PCT_STRICT, 0, want, sizeof want - 1);		\
	expect(s, PCT_LENIENT, 0, want, sizeof want - 1);		\
} while (0)

static void
test_decodes(void **state)
{
	(void)state;
	BOTH("", "");
	BOTH("plain-name_1.~", "plain-name_1.~");
	BOTH("my-fn%3Aprod", "my-fn:prod");
	BOTH("%e1%88%b4", "\xe1\x88\xb4");
	BOTH("%E1%88%B4", "\xe1\x88\xb4");
	BOTH("%41%4a%4A", "AJJ");
	BOTH("a+b", "a+b");
	BOTH("%2541", "%41");		/* decoded once */
	BOTH("%ff%80", "\xff\x80");
	BOTH("x%20", "x ");		/* an escape at the very end */
}

static void
test_strict_refuses(void **state)
{
	static const char *const bad[] = {
		"%", "%4", "a%", "ab%4", "%g1", "%1g", "%%41", "%-1", "% 41",
		"ok%41%zz", "%\xe1\x88",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect(bad[i], PCT_STRICT, -1, "", 0);
	/* A NUL byte is a byte like any other. */
	expect("a%00b", PCT_STRICT, 0, "a\0b", 3);
}

static void
test_lenient_keeps(void **state)
{
	(void)state;
	expect("%", PCT_LENIENT, 0, "%", 1);
	expect("%4", PCT_LENIENT, 0, "%4", 2);
	expect("a%", PCT_LENIENT, 0, "a%", 2);
	expect("%g1%41", PCT_LENIENT, 0, "%g1A", 4);
	expect("%%41", PCT_LENIENT, 0, "%A", 2);
	expect("ok%41%zz", PCT_LENIENT, 0, "okA%zz", 6);
	/* Never a NUL it did not have. */
	expect("a%00b", PCT_LENIENT, 0, "a%00b", 5);
	expect("%0%00", PCT_LENIENT, 0, "%0%00", 5);
}

/* Every byte, as %XX in either case, decodes to itself; len is obeyed. */
static void
test_every_byte(void **state)
{
	struct buf out = BUF_INIT;
	char esc[8];
	int c, upper;

	(void)state;
	for (c = 0; c < 256; c++)
		for (upper = 0; upper < 2; upper++) {
			snprintf(esc, sizeof esc, upper ? "%%%02X!" :
			    "%%%02x!", (unsigned)c);
			buf_reset(&out);
			assert_int_equal(pct_decode(&out, esc, 3,
			    PCT_STRICT), 0);
			assert_int_equal(out.len, 1);
			assert_int_equal((unsigned char)out.data[0], c);
			buf_reset(&out);
			assert_int_equal(pct_decode(&out, esc, 3,
			    PCT_LENIENT), 0);
			if (c == 0)
				assert_string_equal(out.data, "%00");
			else {
				assert_int_equal(out.len, 1);
				assert_int_equal((unsigned char)out.data[0],
				    c);
			}
			/* The escape cut short by len. */
			buf_reset(&out);
			assert_int_equal(pct_decode(&out, esc, 2,
			    PCT_STRICT), -1);
			assert_int_equal(out.len, 0);
		}
	buf_release(&out);
}

static void
test_hex_digit(void **state)
{
	int c, want;

	(void)state;
	for (c = -1; c < 256; c++) {
		want = c >= '0' && c <= '9' ? c - '0' :
		    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		assert_int_equal(hex_digit(c), want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decodes),
		cmocka_unit_test(test_strict_refuses),
		cmocka_unit_test(test_lenient_keeps),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_hex_digit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
