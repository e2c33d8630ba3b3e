/*
 * test-term.c - escaping server and function text for a terminal: caret
 * notation, C1 controls, UTF-8 validity, the JSON style; the colour
 * rule.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "term.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static const struct esc_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*text;		/* TERM_TEXT */
	const char	*json;		/* TERM_JSON */
} esc_cases[] = {
	{ "plain text", 0, "plain text", "plain text" },
	{ "", 0, "", "" },
	{ "two\nlines\tand a tab", 0, "two\nlines\tand a tab",
	    "two\nlines\tand a tab" },
	{ "\x1b]0;pwned\x07", 0, "^[]0;pwned^G", "\\u001b]0;pwned\\u0007" },
	{ "red \x1b[31mRED\x1b[0m", 0, "red ^[[31mRED^[[0m",
	    "red \\u001b[31mRED\\u001b[0m" },
	{ "over\rwrite", 0, "over^Mwrite", "over\\u000dwrite" },
	{ "nul\0byte", 8, "nul^@byte", "nul\\u0000byte" },
	{ "del\x7f", 0, "del^?", "del\\u007f" },
	{ "\x1f\x01", 0, "^_^A", "\\u001f\\u0001" },
	/* C1: CSI U+009B, and U+0080; U+00A0 is printable. */
	{ "csi \xc2\x9b" "2J", 0, "csi \\xc2\\x9b2J", "csi \\u009b2J" },
	{ "\xc2\x80\xc2\xa0", 0, "\\xc2\\x80\xc2\xa0", "\\u0080\xc2\xa0" },
	/* Valid UTF-8 of every length passes. */
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0,
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "\xef\xbf\xbf\xf4\x8f\xbf\xbf", 0, "\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	    "\xef\xbf\xbf\xf4\x8f\xbf\xbf" },
	/* Not UTF-8: a lone byte, overlong, surrogate, past U+10FFFF. */
	{ "\xff", 0, "\\xff", "\\ufffd" },
	{ "a\x80z", 0, "a\\x80z", "a\\ufffdz" },
	{ "\xc0\xaf", 0, "\\xc0\\xaf", "\\ufffd\\ufffd" },
	{ "\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf", "\\ufffd\\ufffd\\ufffd" },
	{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80", "\\ufffd\\ufffd\\ufffd" },
	{ "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80",
	    "\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ "\xf5\x80\x80\x80", 0, "\\xf5\\x80\\x80\\x80",
	    "\\ufffd\\ufffd\\ufffd\\ufffd" },
	/* Cut short: at the end, and before an ASCII byte. */
	{ "\xe2\x82", 0, "\\xe2\\x82", "\\ufffd\\ufffd" },
	{ "\xf0\x9f\x98" "x", 0, "\\xf0\\x9f\\x98x",
	    "\\ufffd\\ufffd\\ufffdx" },
	{ "\xc3\x1b", 0, "\\xc3^[", "\\ufffd\\u001b" },
};

/* Every case in both styles; only the bytes given are read. */
static void
test_term_escape(void **state)
{
	const struct esc_case *t;
	struct buf b = BUF_INIT;
	char *copy;
	size_t i, len;

	(void)state;
	for (i = 0; i < nitems(esc_cases); i++) {
		t = &esc_cases[i];
		len = t->len != 0 ? t->len : strlen(t->in);
		print_message("# case %zu\n", i);
		/* An exact-size copy, so that ASan sees any over-read. */
		copy = malloc(len + 1);
		assert_non_null(copy);
		memcpy(copy, t->in, len);
		buf_reset(&b);
		term_escape(&b, copy, len, TERM_TEXT);
		assert_string_equal(b.data, t->text);
		buf_reset(&b);
		term_escape(&b, copy, len, TERM_JSON);
		assert_string_equal(b.data, t->json);
		free(copy);
	}
	buf_release(&b);
}

/* Escaping appends; nothing is lost around it. */
static void
test_term_escape_appends(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_adds(&b, "lambdactl: ");
	term_escape(&b, "\x1b[2J", 4, TERM_TEXT);
	assert_string_equal(b.data, "lambdactl: ^[[2J");
	assert_int_equal(b.len, strlen("lambdactl: ^[[2J"));
	buf_release(&b);
}

/* term_write and term_printf: raw or escaped, to a real stream. */
static void
test_term_write(void **state)
{
	char out[256];
	FILE *fp;
	size_t n;

	(void)state;
	fp = tmpfile();
	assert_non_null(fp);
	assert_int_equal(term_write(fp, "a\x1b" "b\n", 4, 0, TERM_TEXT), 0);
	assert_int_equal(term_write(fp, "a\x1b" "b\n", 4, 1, TERM_TEXT), 0);
	assert_int_equal(term_printf(fp, 1, "%s: %d\x07\n", "x\x9b", 7), 0);
	assert_int_equal(term_printf(fp, 0, "%s\n", "\x1b"), 0);
	rewind(fp);
	n = fread(out, 1, sizeof out - 1, fp);
	out[n] = '\0';
	fclose(fp);
	assert_string_equal(out, "a\x1b" "b\na^[b\nx\\x9b: 7^G\n\x1b\n");
	/* Not a terminal: raw. */
	assert_int_equal(term_escaping(-1, 0), 0);
	assert_int_equal(term_escaping(-1, 1), 0);
}

/* term_colour's rule: a terminal, NO_COLOR unset or empty, TERM not dumb. */
static void
test_term_colour(void **state)
{
	int m, s;

	(void)state;
	assert_true((m = posix_openpt(O_RDWR | O_NOCTTY)) != -1);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	assert_true((s = open(ptsname(m), O_RDWR | O_NOCTTY)) != -1);
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	assert_int_equal(term_colour(s), 1);
	assert_int_equal(term_colour(m == 0 ? 1 : -1), 0);	/* no tty */
	setenv("NO_COLOR", "", 1);
	assert_int_equal(term_colour(s), 1);
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(term_colour(s), 0);
	unsetenv("NO_COLOR");
	setenv("TERM", "dumb", 1);
	assert_int_equal(term_colour(s), 0);
	setenv("TERM", "", 1);
	assert_int_equal(term_colour(s), 0);
	unsetenv("TERM");
	assert_int_equal(term_colour(s), 0);
	close(s);
	close(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_escape),
		cmocka_unit_test(test_term_escape_appends),
		cmocka_unit_test(test_term_write),
		cmocka_unit_test(test_term_colour),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
