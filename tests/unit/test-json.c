/*
 * test-json.c - the strict RFC 8259 checker: every kind of text it refuses,
 * with the exact LINE:COL and reason; the edge cases it must accept; the
 * same verdict whatever pieces the text comes in; 100,000 levels of
 * nesting, quickly; json_int's range check on hostile numbers; and
 * json_dump, against what Python's json.dumps(v, indent=2,
 * ensure_ascii=False) and json.dumps(v, separators=(',', ':'),
 * ensure_ascii=False) print for the same values (the expected texts were
 * made with Python 3.11), what it makes of bytes that are not UTF-8, NaN
 * and raw members, every output checked by json_check.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"
#include "xmalloc.h"

struct refused {
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	size_t		 line;
	size_t		 col;
	const char	*reason;
};

#define R(t, l, c, r)	{ t, 0, l, c, r }
#define RN(t, l, c, r)	{ t, sizeof t - 1, l, c, r }

static const struct refused refused[] = {
	/* Empty and blank texts. */
	R("", 1, 1, "no JSON value (the text is empty or blank)"),
	R(" \n\t", 2, 2, "no JSON value (the text is empty or blank)"),
	/* What cJSON lets through. */
	R("\xef\xbb\xbf{}", 1, 1, "a byte order mark (JSON sent over a "
	    "network must not start with one)"),
	R("\"a\x01\"", 1, 3, "unescaped control character U+0001 in a "
	    "string"),
	R("\"line\nbreak\"", 1, 6, "unescaped control character U+000A in "
	    "a string"),
	R("[\"tab\there\"]", 1, 6, "unescaped control character U+0009 in "
	    "a string"),
	RN("\"a\0b\"", 1, 3, "unescaped control character U+0000 in a "
	    "string"),
	RN("{}\0", 1, 3, "more text after the JSON value"),
	RN("\0", 1, 1, "expected a JSON value, found a NUL byte"),
	R("\"\xff\"", 1, 2, "invalid UTF-8 (byte 0xff)"),
	R("\"\x80\"", 1, 2, "invalid UTF-8 (byte 0x80)"),
	R("\"\xc0\xaf\"", 1, 2, "invalid UTF-8 (byte 0xc0)"),	/* overlong */
	R("\"\xc3\"", 1, 2, "invalid UTF-8 (byte 0x22 after a lead byte)"),
	R("\"\xe0\x80\xaf\"", 1, 2, "invalid UTF-8 (byte 0x80 after a lead "
	    "byte)"),		/* overlong '/' */
	R("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8 (byte 0xa0 after a lead "
	    "byte)"),		/* an encoded surrogate */
	R("\"\xf4\x90\x80\x80\"", 1, 2, "invalid UTF-8 (byte 0x90 after a "
	    "lead byte)"),	/* past U+10FFFF */
	R("\"\xf5\x80\x80\x80\"", 1, 2, "invalid UTF-8 (byte 0xf5)"),
	R("\"\xf0\x9f\x98\"", 1, 2, "invalid UTF-8 (byte 0x22 after a lead "
	    "byte)"),		/* a cut emoji */
	R("\"caf\xc3\xa9 \xff\"", 1, 7, "invalid UTF-8 (byte 0xff)"),
	/* Numbers. */
	R("01", 1, 1, "a number with a leading zero"),
	R("[-012]", 1, 2, "a number with a leading zero"),
	R("1.", 1, 3, "unexpected end: expected a digit after '.'"),
	R("[1.]", 1, 4, "expected a digit after '.', found ']'"),
	R(".5", 1, 1, "expected a JSON value, found '.'"),
	R("+1", 1, 1, "expected a JSON value, found '+'"),
	R("-", 1, 2, "unexpected end: expected a digit after '-'"),
	R("-a", 1, 2, "expected a digit after '-', found 'a'"),
	R("1e", 1, 3, "unexpected end: expected a digit in the exponent"),
	R("1e+", 1, 4, "unexpected end: expected a digit in the exponent"),
	R("[1E-x]", 1, 5, "expected a digit in the exponent, found 'x'"),
	R("0x10", 1, 2, "more text after the JSON value"),
	R("1.2.3", 1, 4, "more text after the JSON value"),
	R("NaN", 1, 1, "expected a JSON value, found 'N'"),
	R("[Infinity]", 1, 2, "expected a value or ']', found 'I'"),
	R("-Infinity", 1, 2, "expected a digit after '-', found 'I'"),
	/* Literals. */
	R("{\"a\": tru}", 1, 7, "invalid literal (expected true)"),
	R("nul", 1, 1, "invalid literal (expected null)"),
	R("True", 1, 1, "expected a JSON value, found 'T'"),
	R("[falsey]", 1, 7, "expected ',' or ']', found 'y'"),
	/* Strings and escapes. */
	R("'a'", 1, 1, "expected a JSON value, found '''"),
	R("{'a': 1}", 1, 2, "expected a string key or '}', found '''"),
	R("\"abc", 1, 1, "unterminated string"),
	R("[\"a\\", 1, 2, "unterminated string"),
	R("\"\\x\"", 1, 2, "invalid escape '\\x'"),
	R("\"\\'\"", 1, 2, "invalid escape '\\''"),
	R("\"\\u12\"", 1, 2, "invalid \\u escape (it takes four hex "
	    "digits)"),
	R("\"\\u12G4\"", 1, 2, "invalid \\u escape (it takes four hex "
	    "digits)"),
	R("\"\\uD800\"", 1, 2, "lone high surrogate \\uD800 (a \\uDC00 to "
	    "\\uDFFF must follow)"),
	R("\"x\\ud83dy\"", 1, 3, "lone high surrogate \\uD83D (a \\uDC00 to "
	    "\\uDFFF must follow)"),
	R("\"\\uD83D\\n\"", 1, 2, "lone high surrogate \\uD83D (a \\uDC00 to "
	    "\\uDFFF must follow)"),
	R("\"\\uD83D\\u0041\"", 1, 2, "\\u0041 after the high surrogate "
	    "\\uD83D is not a low surrogate (\\uDC00 to \\uDFFF)"),
	R("\"\\uD83D\\uD83D\"", 1, 2, "\\uD83D after the high surrogate "
	    "\\uD83D is not a low surrogate (\\uDC00 to \\uDFFF)"),
	R("\"\\uDC00\"", 1, 2, "lone low surrogate \\uDC00"),
	R("\"\\uDE00\\uD83D\"", 1, 2, "lone low surrogate \\uDE00"),
	/* Structure. */
	R("{\"id\": 1,}", 1, 10, "trailing comma before '}'"),
	R("[1, 2,\n\t ]", 2, 3, "trailing comma before ']'"),
	R("[1,,2]", 1, 4, "expected a value, found ','"),
	R("[,1]", 1, 2, "expected a value or ']', found ','"),
	R("{,}", 1, 2, "expected a string key or '}', found ','"),
	R("{\"a\" 1}", 1, 6, "expected ':' after the key, found '1'"),
	R("{\"a\":}", 1, 6, "expected a value, found '}'"),
	R("{\"a\":1,2}", 1, 8, "expected a string key, found '2'"),
	R("{1: 2}", 1, 2, "expected a string key or '}', found '1'"),
	R("[1 2]", 1, 4, "expected ',' or ']', found '2'"),
	R("[1}", 1, 3, "expected ',' or ']', found '}'"),
	R("{\"a\":1]", 1, 7, "expected ',' or '}', found ']'"),
	R("[1,[}", 1, 5, "expected a value or ']', found '}'"),
	R("{\n  \"id\": 1,\n  \"name\": \"x\"\n  \"tags\": []\n}\n", 4, 3,
	    "expected ',' or '}', found '\"'"),
	R("{\"a\": 1}\n{\"b\": 2}\n", 2, 1, "more text after the JSON value"),
	R("[]]", 1, 3, "more text after the JSON value"),
	R("[", 1, 2, "unexpected end: expected a value or ']'"),
	R("{", 1, 2, "unexpected end: expected a string key or '}'"),
	R("[1", 1, 3, "unexpected end: expected ',' or ']'"),
	R("{\"a\":1\n", 2, 1, "unexpected end: expected ',' or '}'"),
	R("{\"a\"", 1, 5, "unexpected end: expected ':' after the key"),
	R("{\"a\":", 1, 6, "unexpected end: expected a value"),
	R("[1,", 1, 4, "unexpected end: expected a value"),
	R("{\"a\":1,", 1, 8, "unexpected end: expected a string key"),
	R("[\f]", 1, 2, "expected a value or ']', found byte 0x0c"),
	R("[1]\v", 1, 4, "more text after the JSON value"),
	R("\xc3\xa9", 1, 1, "expected a JSON value, found byte 0xc3"),
	R("/* c */ {}", 1, 1, "expected a JSON value, found '/'"),
	/* Columns count characters, not bytes. */
	R("[\"\xe2\x98\x95\xf0\x9f\x98\x80\", x]", 1, 8, "expected a value, "
	    "found 'x'"),
	R("\r\n[\r\n1,\r\n}", 4, 1, "expected a value, found '}'"),
};

static const char *const accepted[] = {
	"{}", "[]", "0", "-0", "1", "-1", "0.0", "-0.5e-7", "1E+2", "1e400",
	"-1e-400", "123456789012345678901234567890", "0e0",
	"\"\"", "\"a\"", "true", "false", "null", " \t\r\n{} \t\r\n",
	"{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}",
	"{\"a\":1,\"a\":2}",		/* duplicate keys: RFC 8259 SHOULD */
	"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
	"\"\\u0000\"",			/* an escaped NUL is fine */
	"\"\\u001f\\u007F\\uFFFF\\uFFFE\"",
	"\"\\uD83D\\uDE00\"", "\"\\ud83d\\ude00\"", "\"\\uDBFF\\uDFFF\"",
	"\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"",
	"\"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80\"",
	"\"\x7f\"",			/* DEL is not a control for JSON */
	"\"\xef\xbb\xbf\"",		/* U+FEFF inside a string is text */
	"[[[[[[[[[[]]]]]]]]]]",
	"{\"\":{\"\":{\"\":[]}}}",
};

static void
assert_refused(const struct refused *r, struct json_error *e)
{
	print_message("# %s\n", r->reason);
	assert_string_equal(e->reason, r->reason);
	assert_int_equal(e->line, r->line);
	assert_int_equal(e->col, r->col);
}

static void
test_refused(void **state)
{
	struct json_error e;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		len = refused[i].len ? refused[i].len : strlen(refused[i].text);
		memset(&e, 0, sizeof e);
		assert_int_equal(json_check(refused[i].text, len, &e), -1);
		assert_refused(&refused[i], &e);
	}
}

static void
test_accepted(void **state)
{
	struct json_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		memset(&e, 0, sizeof e);
		if (json_check(accepted[i], strlen(accepted[i]), &e) != 0)
			fail_msg("refused %s: %zu:%zu: %s", accepted[i],
			    e.line, e.col, e.reason);
	}
	assert_int_equal(json_check("{}", 2, NULL), 0);
	assert_int_equal(json_check("{", 1, NULL), -1);
}

/* Fed one byte at a time, or split anywhere, the verdict is the same. */
static void
test_pieces(void **state)
{
	struct json_checker c;
	const char *t;
	size_t i, j, k, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		t = refused[i].text;
		len = refused[i].len ? refused[i].len : strlen(t);
		json_checker_init(&c);
		for (r = 0, j = 0; j < len && r == 0; j++)
			r = json_checker_feed(&c, t + j, 1);
		if (r == 0)
			r = json_checker_end(&c);
		assert_int_equal(r, -1);
		assert_refused(&refused[i], &c.err);
		/* Refused once, refused for good. */
		assert_int_equal(json_checker_feed(&c, "1", 1), -1);
		assert_int_equal(json_checker_end(&c), -1);
		json_checker_release(&c);
	}
	for (i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		t = accepted[i];
		len = strlen(t);
		for (k = 0; k <= len; k++) {
			json_checker_init(&c);
			assert_int_equal(json_checker_feed(&c, t, k), 0);
			assert_int_equal(json_checker_feed(&c, t + k, len - k),
			    0);
			assert_int_equal(json_checker_feed(&c, "", 0), 0);
			assert_int_equal(json_checker_end(&c), 0);
			json_checker_release(&c);
		}
	}
}

/* 100,000 levels: accepted (cJSON stops at 1,000), and fast. */
static void
test_deep(void **state)
{
	size_t n = 100000, i;
	char *t = xmalloc(4 * n + 16), *p = t;
	struct json_error e;
	clock_t t0;
	double secs;

	(void)state;
	for (i = 0; i < n; i++) {
		memcpy(p, i % 2 ? "[" : "{\"k\":", i % 2 ? 1 : 5);
		p += i % 2 ? 1 : 5;
	}
	*p++ = '0';
	for (i = n; i-- > 0;)
		*p++ = i % 2 ? ']' : '}';
	t0 = clock();
	assert_int_equal(json_check(t, (size_t)(p - t), &e), 0);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	print_message("# 100,000 levels checked in %.3f s\n", secs);
	assert_true(secs < 1.0);
	/* One closer short: refused at the very end. */
	assert_int_equal(json_check(t, (size_t)(p - t) - 1, &e), -1);
	assert_string_equal(e.reason, "unexpected end: expected ',' or '}'");
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, (size_t)(p - t));
	/* A million unclosed brackets: refused, no stack overflow. */
	free(t);
	t = xmalloc(1000000);
	memset(t, '[', 1000000);
	assert_int_equal(json_check(t, 1000000, &e), -1);
	assert_string_equal(e.reason, "unexpected end: expected a value or "
	    "']'");
	free(t);
}

/*
 * Where cJSON and the checker must agree: documents both accept, and
 * malformed ones both refuse.  (They differ, by design, on the cases of
 * test_refused that cJSON lets through.)
 */
static void
test_agrees_with_cjson(void **state)
{
	static const char *const refused_both[] = {
		"{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "[1 2]", "{,}",
	};
	cJSON *j;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		/* cJSON takes no escaped NUL and no 1e400 (inf) numbers. */
		if (strstr(accepted[i], "\\u0000") != NULL)
			continue;
		j = cJSON_ParseWithLength(accepted[i], strlen(accepted[i]));
		if (j == NULL)
			fail_msg("cJSON refused %s", accepted[i]);
		cJSON_Delete(j);
	}
	for (i = 0; i < sizeof refused_both / sizeof refused_both[0]; i++) {
		j = cJSON_ParseWithLength(refused_both[i],
		    strlen(refused_both[i]));
		assert_null(j);
		assert_int_equal(json_check(refused_both[i],
		    strlen(refused_both[i]), NULL), -1);
	}
}

struct int_case {
	const char	*text;
	int64_t		 lo;
	int64_t		 hi;
	int		 ok;
	int64_t		 want;
};

static void
test_json_int(void **state)
{
	static const struct int_case cases[] = {
		{ "128", 128, 10240, 1, 128 },
		{ "10240", 128, 10240, 1, 10240 },
		{ "127", 128, 10240, 0, 0 },
		{ "10241", 128, 10240, 0, 0 },
		{ "-1", 0, 100, 0, 0 },
		{ "1e300", 0, INT64_MAX, 0, 0 },
		{ "-1e300", INT64_MIN, INT64_MAX, 0, 0 },
		{ "1e999", 0, INT64_MAX, 0, 0 },	/* inf */
		{ "-1e999", INT64_MIN, 0, 0, 0 },	/* -inf */
		{ "9223372036854775808", 0, INT64_MAX, 0, 0 },	/* 2^63 */
		{ "9223372036854775807", 0, INT64_MAX, 0, 0 },	/* 2^63 too */
		{ "9223372036854774784", 0, INT64_MAX, 1,
		    INT64_C(9223372036854774784) },	/* 2^63 - 1024 */
		{ "-9223372036854775808", INT64_MIN, 0, 1, INT64_MIN },
		{ "-9223372036854777856", INT64_MIN, 0, 0, 0 },
		{ "128.5", 0, 1000, 0, 0 },
		{ "0.1", 0, 1000, 0, 0 },
		{ "1e2", 0, 1000, 1, 100 },
		{ "1.0", 0, 1000, 1, 1 },
		{ "-0", 0, 1000, 1, 0 },
		{ "\"128\"", 0, 1000, 0, 0 },
		{ "null", 0, 1000, 0, 0 },
		{ "true", 0, 1000, 0, 0 },
		{ "[1]", 0, 1000, 0, 0 },
	};
	int64_t out;
	cJSON *j;
	size_t i;

	(void)state;
	assert_int_equal(json_int(NULL, 0, 1, &out), -1);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("# %s\n", cases[i].text);
		j = cJSON_Parse(cases[i].text);
		assert_non_null(j);
		out = 77;
		assert_int_equal(json_int(j, cases[i].lo, cases[i].hi, &out),
		    cases[i].ok ? 0 : -1);
		if (cases[i].ok)
			assert_true(out == cases[i].want);
		else
			assert_true(out == 77);
		cJSON_Delete(j);
	}
}

/* A JSON text, and json.dumps's indent=2 and compact texts of it. */
struct dump_case {
	const char	*in;
	const char	*pretty;
	const char	*compact;
};

static const struct dump_case dump_cases[] = {
	{ "{\"a\": 1, \"b\": [1, 2.5, \"x\", -0.5, 1e300, 123456789012], \""
	    "c\": {}, \"d\": [], \"e\": null, \"f\": true, \"g\": false, \"h"
	    "\": {\"i\": [{}, []], \"j\": {\"k\": \"v\"}}}",
	    "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2.5,\n    \"x\",\n    -0"
	    ".5,\n    1e+300,\n    123456789012\n  ],\n  \"c\": {},\n  \"d\":"
	    " [],\n  \"e\": null,\n  \"f\": true,\n  \"g\": false,\n  \"h\": "
	    "{\n    \"i\": [\n      {},\n      []\n    ],\n    \"j\": {\n    "
	    "  \"k\": \"v\"\n    }\n  }\n}",
	    "{\"a\":1,\"b\":[1,2.5,\"x\",-0.5,1e+300,123456789012],\"c\":{},"
	    "\"d\":[],\"e\":null,\"f\":true,\"g\":false,\"h\":{\"i\":[{},[]],"
	    "\"j\":{\"k\":\"v\"}}}" },
	{ "\"tab\\there\\nnl \\r cr \\\" q \\\\ bs \\u0001 \\u001f \\b \\f "
	    "\\u007f \\u00e9 \\u20ac \\ud83d\\ude00 / end\"",
	    "\"tab\\there\\nnl \\r cr \\\" q \\\\ bs \\u0001 \\u001f \\b \\f "
	    "\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 / end\"",
	    "\"tab\\there\\nnl \\r cr \\\" q \\\\ bs \\u0001 \\u001f \\b \\f "
	    "\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 / end\"" },
	{ "{\"\": \"\", \"k\\u00e9y\\n\": [true]}",
	    "{\n  \"\": \"\",\n  \"k\xc3\xa9y\\n\": [\n    true\n  ]\n}",
	    "{\"\":\"\",\"k\xc3\xa9y\\n\":[true]}" },
	{ "[]",
	    "[]",
	    "[]" },
	{ "{}",
	    "{}",
	    "{}" },
	{ "[[[]]]",
	    "[\n  [\n    []\n  ]\n]",
	    "[[[]]]" },
	{ "0",
	    "0",
	    "0" },
	{ "\"x\"",
	    "\"x\"",
	    "\"x\"" },
	{ "[{\"a\": [1, {\"b\": null}]}]",
	    "[\n  {\n    \"a\": [\n      1,\n      {\n        \"b\": null\n  "
	    "    }\n    ]\n  }\n]",
	    "[{\"a\":[1,{\"b\":null}]}]" },
};

/* json_dump(v, pretty) is want, and JSON. */
static void
assert_dump(const cJSON *v, int pretty, const char *want)
{
	char *s = json_dump(v, pretty);
	struct buf b = BUF_INIT;

	assert_string_equal(s, want);
	assert_int_equal(json_check(s, strlen(s), NULL), 0);
	if (!pretty)
		assert_null(strchr(s, '\n'));
	buf_adds(&b, "[");
	json_dump_buf(&b, v, pretty);
	assert_string_equal(b.data + 1, want);
	buf_release(&b);
	free(s);
}

static void
test_dump_like_python(void **state)
{
	size_t i;
	cJSON *j;

	(void)state;
	for (i = 0; i < sizeof dump_cases / sizeof dump_cases[0]; i++) {
		print_message("# %s\n", dump_cases[i].in);
		j = cJSON_Parse(dump_cases[i].in);
		assert_non_null(j);
		assert_dump(j, 1, dump_cases[i].pretty);
		assert_dump(j, 0, dump_cases[i].compact);
		cJSON_Delete(j);
	}
}

/* d's shortest form the slow way: every precision from 1. */
static void
shortest(char *num, size_t len, double d)
{
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(num, len, "%.*g", prec, d);
		if (strtod(num, NULL) == d)
			return;
	}
	snprintf(num, len, "%.17g", d);
}

/*
 * Every finite double json_dump prints reads back as itself, and is the
 * shortest form (what a search from one digit up finds): random bits,
 * random numbers from 1 to 2, and subnormals.
 */
static void
test_dump_round_trip(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15u, bits;
	char *s, want[32];
	cJSON *n;
	double d;
	int i;

	(void)state;
	for (i = 0; i < 30000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bits = i % 3 == 1 ? x : i % 3 == 2 ? x >> 12 |
		    UINT64_C(0x3ff) << 52 : x >> 12 >> (i % 40);
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			continue;
		n = cJSON_CreateNumber(d);
		s = json_dump(n, 0);
		if (strtod(s, NULL) != d || json_check(s, strlen(s), NULL))
			fail_msg("%.17g printed as %s", d, s);
		shortest(want, sizeof want, d);
		if (d != 0 && !(fabs(d) < 1e16 && d == (double)(long long)d) &&
		    strcmp(s, want) != 0)
			fail_msg("%.17g printed as %s, not %s", d, s, want);
		free(s);
		cJSON_Delete(n);
	}
}

static void
test_dump_edges(void **state)
{
	cJSON *o = cJSON_CreateObject(), *a;

	(void)state;
	/* Not UTF-8: each stray byte U+FFFD, valid sequences kept. */
	cJSON_AddStringToObject(o, "bad", "a\xff" "b\xe2\x82" "c\xc0\xaf"
	    "\xed\xa0\x80\xe2\x82\xac");
	cJSON_AddNumberToObject(o, "nan", NAN);
	cJSON_AddNumberToObject(o, "inf", INFINITY);
	cJSON_AddRawToObject(o, "raw", "9007199254740993");
	a = cJSON_AddArrayToObject(o, "a");
	cJSON_AddItemToArray(a, cJSON_CreateNumber(0.1));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(-1e-7));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(2147483648.0));
	/* cJSON's %.17g: 0.15562696000188589; Python: the shortest. */
	cJSON_AddItemToArray(a, cJSON_CreateNumber(0.1556269600018859));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(1e16));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(-0.0));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(-9007199254740991.0));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(5e-324));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(1.7976931348623157e308));
	assert_dump(o, 0, "{\"bad\":\"a\xef\xbf\xbd" "b\xef\xbf\xbd"
	    "\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac\",\"nan\":null,"
	    "\"inf\":null,\"raw\":9007199254740993,"
	    "\"a\":[0.1,-1e-07,2147483648,0.1556269600018859,1e+16,0,"
	    "-9007199254740991,5e-324,1.7976931348623157e+308]}");
	cJSON_Delete(o);
	o = cJSON_CreateString("");
	assert_dump(o, 1, "\"\"");
	cJSON_Delete(o);
}

/*
 * A cJSON_Raw item (checked JSON, as invoke embeds a response) keeps
 * every token byte for byte, and takes the layout of the rest: its own
 * blanks and line breaks dropped, json_dump's put in.
 */
static void
test_dump_raw(void **state)
{
	cJSON *o = cJSON_CreateObject();

	(void)state;
	cJSON_AddRawToObject(o, "p", "{ \"id\" :\t9007199254740993,\r\n"
	    "  \"big\": 1e400, \"s\": \"a \\\" ], {\\u0000\\/\",\n"
	    "  \"e\": [ ], \"f\": {\n}, \"n\": [-0.0E+1,true,null] }");
	assert_dump(o, 0, "{\"p\":{\"id\":9007199254740993,\"big\":1e400,"
	    "\"s\":\"a \\\" ], {\\u0000\\/\",\"e\":[],\"f\":{},"
	    "\"n\":[-0.0E+1,true,null]}}");
	assert_dump(o, 1, "{\n  \"p\": {\n    \"id\": 9007199254740993,\n"
	    "    \"big\": 1e400,\n    \"s\": \"a \\\" ], {\\u0000\\/\",\n"
	    "    \"e\": [],\n    \"f\": {},\n    \"n\": [\n      -0.0E+1,\n"
	    "      true,\n      null\n    ]\n  }\n}");
	cJSON_Delete(o);
	/* A raw item on its own, and a scalar. */
	o = cJSON_CreateRaw("[ 1 ,\n2 ]");
	assert_dump(o, 0, "[1,2]");
	assert_dump(o, 1, "[\n  1,\n  2\n]");
	cJSON_Delete(o);
	o = cJSON_CreateRaw(" \"x\" \n");
	assert_dump(o, 1, "\"x\"");
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_agrees_with_cjson),
		cmocka_unit_test(test_json_int),
		cmocka_unit_test(test_dump_like_python),
		cmocka_unit_test(test_dump_edges),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_dump_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
