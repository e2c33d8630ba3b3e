/*
 * json.c - the strict RFC 8259 checker: one state machine fed a byte at a
 * time, an explicit stack of open brackets instead of recursion; and
 * json_int, the one place a JSON number becomes an integer; and reading
 * the members of a parsed response, with messages naming what is wrong;
 * and json_dump, the one layout of what -o json prints.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "term.h"
#include "xmalloc.h"

enum {
	ST_VALUE,	/* a value: the top, after ':', after ',' in [] */
	ST_ARR_FIRST,	/* after '[': a value or ']' */
	ST_OBJ_FIRST,	/* after '{': a key or '}' */
	ST_KEY,		/* after ',' in {}: a key */
	ST_COLON,	/* after a key */
	ST_NEXT,	/* after a value in a container: ',' or its closer */
	ST_END,		/* after the top value: white space only */
	ST_STR,		/* in a string */
	ST_ESC,		/* after '\' */
	ST_HEX,		/* in the four digits of \u */
	ST_LOW_BS,	/* after a high surrogate: '\' of its pair */
	ST_LOW_U,	/* then 'u' */
	ST_LIT,		/* in true, false or null */
	ST_NUM_MINUS,	/* after a leading '-' */
	ST_NUM_ZERO,	/* after a leading 0 */
	ST_NUM_INT,	/* in the integer part */
	ST_NUM_DOT,	/* after '.' */
	ST_NUM_FRAC,	/* in the fraction */
	ST_NUM_E,	/* after 'e' or 'E' */
	ST_NUM_ESIGN,	/* after the exponent's sign */
	ST_NUM_EXP,	/* in the exponent */
	ST_FAILED,
};

void
json_checker_init(struct json_checker *c)
{
	memset(c, 0, sizeof *c);
	c->state = ST_VALUE;
	c->line = 1;
	c->col = 0;	/* no character read yet */
}

void
json_checker_release(struct json_checker *c)
{
	free(c->stack);
	c->stack = NULL;
	c->depth = c->cap = 0;
}

/* Refuses the text at line:col; always returns -1. */
static int LC_PRINTF(4, 5)
fail_at(struct json_checker *c, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = 1;
	c->state = ST_FAILED;
	c->err.line = line;
	c->err.col = col;
	va_start(ap, fmt);
	vsnprintf(c->err.reason, sizeof c->err.reason, fmt, ap);
	va_end(ap);
	return -1;
}

/* Describes byte b for "found ...": 'x', a NUL byte, byte 0xNN. */
static void
describe(char *dst, size_t len, unsigned char b)
{
	if (b == 0)
		snprintf(dst, len, "a NUL byte");
	else if (b == '\n')
		snprintf(dst, len, "a line break");
	else if (b > 0x20 && b < 0x7f)
		snprintf(dst, len, "'%c'", b);
	else
		snprintf(dst, len, "byte 0x%02x", b);
}

/* "expected WHAT, found B" at the current character. */
static int
unexpected(struct json_checker *c, unsigned char b, const char *what)
{
	char found[24];

	describe(found, sizeof found, b);
	return fail_at(c, c->line, c->col, "expected %s, found %s", what,
	    found);
}

static int
is_ws(unsigned char b)
{
	return b == ' ' || b == '\t' || b == '\n' || b == '\r';
}

static int
is_digit(unsigned char b)
{
	return b >= '0' && b <= '9';
}

/* A value just ended: what may follow it. */
static void
value_done(struct json_checker *c)
{
	c->state = c->depth == 0 ? ST_END : ST_NEXT;
}

static void
push(struct json_checker *c, unsigned char open)
{
	if (c->depth == c->cap) {
		c->cap = c->cap != 0 ? c->cap * 2 : 64;
		c->stack = xrealloc(c->stack, c->cap);
	}
	c->stack[c->depth++] = open;
}

/* Starts the value whose first byte is b; -1 when b cannot start one. */
static int
value_start(struct json_checker *c, unsigned char b, const char *what)
{
	int comma = c->after_comma;

	c->after_comma = 0;
	c->tok_line = c->line;
	c->tok_col = c->col;
	switch (b) {
	case '{':
		push(c, '{');
		c->state = ST_OBJ_FIRST;
		return 0;
	case '[':
		push(c, '[');
		c->state = ST_ARR_FIRST;
		return 0;
	case '"':
		c->in_key = 0;
		c->state = ST_STR;
		return 0;
	case 't':
		c->lit = "true";
		break;
	case 'f':
		c->lit = "false";
		break;
	case 'n':
		c->lit = "null";
		break;
	case '-':
		c->state = ST_NUM_MINUS;
		return 0;
	case '0':
		c->state = ST_NUM_ZERO;
		return 0;
	default:
		if (b >= '1' && b <= '9') {
			c->state = ST_NUM_INT;
			return 0;
		}
		if (comma && b == ']')
			return fail_at(c, c->line, c->col, "trailing comma "
			    "before ']'");
		if (b == 0xef && c->line == 1 && c->col == 1 &&
		    c->depth == 0)
			return fail_at(c, 1, 1, "a byte order mark (JSON sent "
			    "over a network must not start with one)");
		return unexpected(c, b, what);
	}
	c->lit_i = 1;
	c->state = ST_LIT;
	return 0;
}

/* A byte inside a string (not a continuation byte). */
static int
string_byte(struct json_checker *c, unsigned char b)
{
	if (b == '"') {
		if (c->in_key)
			c->state = ST_COLON;
		else
			value_done(c);
		return 0;
	}
	if (b == '\\') {
		c->esc_line = c->line;
		c->esc_col = c->col;
		c->state = ST_ESC;
		return 0;
	}
	if (b < 0x20)
		return fail_at(c, c->line, c->col, "unescaped control "
		    "character U+%04X in a string", b);
	if (b < 0x80)
		return 0;
	/* The lead byte of a UTF-8 sequence (RFC 3629's table). */
	c->cont_lo = 0x80;
	c->cont_hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf)
		c->need = 1;
	else if (b >= 0xe0 && b <= 0xef) {
		c->need = 2;
		if (b == 0xe0)
			c->cont_lo = 0xa0;	/* not overlong */
		else if (b == 0xed)
			c->cont_hi = 0x9f;	/* not a surrogate */
	} else if (b >= 0xf0 && b <= 0xf4) {
		c->need = 3;
		if (b == 0xf0)
			c->cont_lo = 0x90;	/* not overlong */
		else if (b == 0xf4)
			c->cont_hi = 0x8f;	/* not past U+10FFFF */
	} else
		return fail_at(c, c->line, c->col, "invalid UTF-8 (byte "
		    "0x%02x)", b);
	return 0;
}

/* The escape \uXXXX just read, with hex its value. */
static int
escape_done(struct json_checker *c)
{
	unsigned v = c->hex;

	if (c->high != 0) {
		if (v < 0xdc00 || v > 0xdfff)
			return fail_at(c, c->esc_line, c->esc_col, "\\u%04X "
			    "after the high surrogate \\u%04X is not a low "
			    "surrogate (\\uDC00 to \\uDFFF)", v, c->high);
		c->high = 0;
		c->state = ST_STR;
		return 0;
	}
	if (v >= 0xdc00 && v <= 0xdfff)
		return fail_at(c, c->esc_line, c->esc_col, "lone low "
		    "surrogate \\u%04X", v);
	if (v >= 0xd800 && v <= 0xdbff) {
		c->high = v;
		c->state = ST_LOW_BS;
		return 0;
	}
	c->state = ST_STR;
	return 0;
}

/* After a value in a container: ',' or the container's closer. */
static int
next_byte(struct json_checker *c, unsigned char b)
{
	int arr = c->stack[c->depth - 1] == '[';

	if (b == ',') {
		if (arr) {
			c->after_comma = 1;
			c->state = ST_VALUE;
		} else
			c->state = ST_KEY;
		return 0;
	}
	if (b == (arr ? ']' : '}')) {
		c->depth--;
		value_done(c);
		return 0;
	}
	return unexpected(c, b, arr ? "',' or ']'" : "',' or '}'");
}

/* A byte between tokens: brackets, ',', ':', a key, a value's start. */
static int
structure_byte(struct json_checker *c, unsigned char b)
{
	if (is_ws(b))
		return 0;
	switch (c->state) {
	case ST_VALUE:
		return value_start(c, b, c->depth == 0 ? "a JSON value" :
		    "a value");
	case ST_ARR_FIRST:
		if (b == ']') {
			c->depth--;
			value_done(c);
			return 0;
		}
		return value_start(c, b, "a value or ']'");
	case ST_OBJ_FIRST:
	case ST_KEY:
		if (b == '"') {
			c->in_key = 1;
			c->tok_line = c->line;
			c->tok_col = c->col;
			c->state = ST_STR;
			return 0;
		}
		if (c->state == ST_OBJ_FIRST && b == '}') {
			c->depth--;
			value_done(c);
			return 0;
		}
		if (c->state == ST_KEY && b == '}')
			return fail_at(c, c->line, c->col, "trailing comma "
			    "before '}'");
		return unexpected(c, b, c->state == ST_KEY ? "a string key" :
		    "a string key or '}'");
	case ST_COLON:
		if (b != ':')
			return unexpected(c, b, "':' after the key");
		c->after_comma = 0;
		c->state = ST_VALUE;
		return 0;
	case ST_NEXT:
		return next_byte(c, b);
	case ST_END:
		return fail_at(c, c->line, c->col, "more text after the JSON "
		    "value");
	}
	return -1;
}

/* A byte of an escape: after '\', in \uXXXX, or a low surrogate's. */
static int
escape_byte(struct json_checker *c, unsigned char b)
{
	int h;

	switch (c->state) {
	case ST_ESC:
		if (strchr("\"\\/bfnrt", b) != NULL && b != '\0') {
			c->state = ST_STR;
			return 0;
		}
		if (b == 'u') {
			c->hex = 0;
			c->nhex = 0;
			c->state = ST_HEX;
			return 0;
		}
		if (b > 0x20 && b < 0x7f)
			return fail_at(c, c->esc_line, c->esc_col, "invalid "
			    "escape '\\%c'", b);
		return fail_at(c, c->esc_line, c->esc_col, "invalid escape "
		    "'\\' followed by byte 0x%02x", b);
	case ST_HEX:
		if ((h = hex_digit(b)) == -1)
			return fail_at(c, c->esc_line, c->esc_col, "invalid "
			    "\\u escape (it takes four hex digits)");
		c->hex = c->hex * 16 + (unsigned)h;
		if (++c->nhex < 4)
			return 0;
		return escape_done(c);
	case ST_LOW_BS:
	case ST_LOW_U:
		if (b == (c->state == ST_LOW_BS ? '\\' : 'u')) {
			if (c->state == ST_LOW_BS)
				c->state = ST_LOW_U;
			else {
				c->hex = 0;
				c->nhex = 0;
				c->state = ST_HEX;
			}
			return 0;
		}
		return fail_at(c, c->esc_line, c->esc_col, "lone high "
		    "surrogate \\u%04X (a \\uDC00 to \\uDFFF must follow)",
		    c->high);
	}
	return -1;
}

/*
 * A byte of a number: 0, -1, or 1 when the number ended before b, which
 * then belongs to what follows.
 */
static int
number_byte(struct json_checker *c, unsigned char b)
{
	switch (c->state) {
	case ST_NUM_MINUS:
		if (b == '0')
			c->state = ST_NUM_ZERO;
		else if (is_digit(b))
			c->state = ST_NUM_INT;
		else
			return unexpected(c, b, "a digit after '-'");
		return 0;
	case ST_NUM_ZERO:
		if (is_digit(b))
			return fail_at(c, c->tok_line, c->tok_col, "a number "
			    "with a leading zero");
		/* FALLTHROUGH */
	case ST_NUM_INT:
		if (is_digit(b))
			return 0;
		if (b == '.') {
			c->state = ST_NUM_DOT;
			return 0;
		}
		/* FALLTHROUGH */
	case ST_NUM_FRAC:
		if (is_digit(b))
			return 0;
		if (b == 'e' || b == 'E') {
			c->state = ST_NUM_E;
			return 0;
		}
		/* FALLTHROUGH */
	case ST_NUM_EXP:
		if (is_digit(b))
			return 0;
		value_done(c);
		return 1;
	case ST_NUM_DOT:
		if (!is_digit(b))
			return unexpected(c, b, "a digit after '.'");
		c->state = ST_NUM_FRAC;
		return 0;
	case ST_NUM_E:
		if (b == '+' || b == '-') {
			c->state = ST_NUM_ESIGN;
			return 0;
		}
		/* FALLTHROUGH */
	case ST_NUM_ESIGN:
		if (!is_digit(b))
			return unexpected(c, b, "a digit in the exponent");
		c->state = ST_NUM_EXP;
		return 0;
	}
	return -1;
}

/* One byte, in whatever state the checker is: to the state's family. */
static int
step(struct json_checker *c, unsigned char b)
{
	int r;

	switch (c->state) {
	case ST_FAILED:
		return -1;
	case ST_STR:
		return string_byte(c, b);
	case ST_ESC:
	case ST_HEX:
	case ST_LOW_BS:
	case ST_LOW_U:
		return escape_byte(c, b);
	case ST_LIT:
		if (b != (unsigned char)c->lit[c->lit_i])
			return fail_at(c, c->tok_line, c->tok_col, "invalid "
			    "literal (expected %s)", c->lit);
		if (c->lit[++c->lit_i] == '\0')
			value_done(c);
		return 0;
	case ST_NUM_MINUS:
	case ST_NUM_ZERO:
	case ST_NUM_INT:
	case ST_NUM_DOT:
	case ST_NUM_FRAC:
	case ST_NUM_E:
	case ST_NUM_ESIGN:
	case ST_NUM_EXP:
		/* A number ended: b belongs to what follows. */
		if ((r = number_byte(c, b)) != 1)
			return r;
		return structure_byte(c, b);
	default:
		return structure_byte(c, b);
	}
}

int
json_checker_feed(struct json_checker *c, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;
	unsigned char b;

	if (c->failed)
		return -1;
	for (; p < end; p++) {
		b = *p;
		if (c->need > 0) {
			/* A continuation byte: part of the same character. */
			if (b < c->cont_lo || b > c->cont_hi)
				return fail_at(c, c->line, c->col, "invalid "
				    "UTF-8 (byte 0x%02x after a lead byte)", b);
			c->cont_lo = 0x80;
			c->cont_hi = 0xbf;
			c->need--;
			continue;
		}
		c->col++;
		if (step(c, b) == -1)
			return -1;
		if (b == '\n') {
			c->line++;
			c->col = 0;
		}
	}
	return 0;
}

int
json_checker_end(struct json_checker *c)
{
	size_t line = c->line, col = c->col + 1;
	const char *what;

	if (c->failed)
		return -1;
	switch (c->state) {
	case ST_END:
		return 0;
	case ST_NUM_ZERO:
	case ST_NUM_INT:
	case ST_NUM_FRAC:
	case ST_NUM_EXP:
		if (c->depth == 0)
			return 0;
		what = c->stack[c->depth - 1] == '[' ? "',' or ']'" :
		    "',' or '}'";
		break;
	case ST_VALUE:
		if (c->depth == 0)
			return fail_at(c, line, col, "no JSON value (the text "
			    "is empty or blank)");
		what = "a value";
		break;
	case ST_ARR_FIRST:
		what = "a value or ']'";
		break;
	case ST_OBJ_FIRST:
		what = "a string key or '}'";
		break;
	case ST_KEY:
		what = "a string key";
		break;
	case ST_COLON:
		what = "':' after the key";
		break;
	case ST_NEXT:
		what = c->stack[c->depth - 1] == '[' ? "',' or ']'" :
		    "',' or '}'";
		break;
	case ST_STR:
	case ST_ESC:
	case ST_HEX:
	case ST_LOW_BS:
	case ST_LOW_U:
		return fail_at(c, c->tok_line, c->tok_col, "unterminated "
		    "string");
	case ST_LIT:
		return fail_at(c, c->tok_line, c->tok_col, "invalid literal "
		    "(expected %s)", c->lit);
	case ST_NUM_MINUS:
		what = "a digit after '-'";
		break;
	case ST_NUM_DOT:
		what = "a digit after '.'";
		break;
	default:	/* ST_NUM_E, ST_NUM_ESIGN */
		what = "a digit in the exponent";
		break;
	}
	return fail_at(c, line, col, "unexpected end: expected %s", what);
}

int
json_check(const void *data, size_t len, struct json_error *e)
{
	struct json_checker c;
	int r;

	json_checker_init(&c);
	r = json_checker_feed(&c, data, len);
	if (r == 0)
		r = json_checker_end(&c);
	if (r == -1 && e != NULL)
		*e = c.err;
	json_checker_release(&c);
	return r;
}

int
json_int(const struct cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
	double d;
	int64_t n;

	if (v == NULL || !cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* 2^63 is exact in a double; anything from it up does not fit. */
	if (!isfinite(d) || d < -9223372036854775808.0 ||
	    d >= 9223372036854775808.0)
		return -1;
	n = (int64_t)d;
	if ((double)n != d || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Members of a parsed response. */

struct cJSON *
json_object_parse(const char *op, const char *json, size_t len,
    struct lc_err *err)
{
	cJSON *o = cJSON_ParseWithLength(json, len);

	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		lc_error(err, LC_EFAIL, "%s: the response is not a JSON "
		    "object", op);
		return NULL;
	}
	return o;
}

int
json_bad_member(const char *op, const char *key, const char *what,
    struct lc_err *err)
{
	return lc_error(err, LC_EFAIL, "%s: unexpected response: '%s' is not "
	    "%s", op, key, what);
}

int
json_get_str(const char *op, const struct cJSON *o, const char *key,
    char **dst, struct lc_err *err)
{
	const struct cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return json_bad_member(op, key, "a string", err);
	*dst = xstrdup(v->valuestring);
	return 0;
}

int
json_get_int(const char *op, const struct cJSON *o, const char *key,
    const char *field, int64_t lo, int64_t hi, int64_t *dst,
    struct lc_err *err)
{
	const struct cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return json_bad_member(op, field, "a number", err);
	if (json_int(v, lo, hi, dst) == -1)
		return lc_error(err, LC_EFAIL, "%s: unexpected response: "
		    "'%s' is %g, not a whole number from %" PRId64 " to %"
		    PRId64, op, field, v->valuedouble, lo, hi);
	return 0;
}

int
json_get_obj(const char *op, const struct cJSON *o, const char *key,
    const struct cJSON **dst, int array, struct lc_err *err)
{
	const struct cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*dst = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
		return json_bad_member(op, key, array ? "an array" :
		    "an object", err);
	*dst = v;
	return 0;
}

/* Overwrites the string values of j, its siblings and their children. */
static void
wipe_strings(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
		wipe_strings(j->child);
	}
}

void
json_delete_wiped(cJSON *root)
{
	if (root == NULL)
		return;
	if (root->valuestring != NULL)
		OPENSSL_cleanse(root->valuestring, strlen(root->valuestring));
	wipe_strings(root->child);
	cJSON_Delete(root);
}

/* The printer. */

/* The letter of c's two-character escape (\n ...), or 0 when it has none. */
static int
short_escape(unsigned char c)
{
	switch (c) {
	case '"':	return '"';
	case '\\':	return '\\';
	case '\b':	return 'b';
	case '\f':	return 'f';
	case '\n':	return 'n';
	case '\r':	return 'r';
	case '\t':	return 't';
	default:	return 0;
	}
}

/* s as a JSON string: json_dump's rules (json.h). */
static void
print_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t left = strlen((const char *)p), n = 1;
	int e;

	buf_addch(b, '"');
	for (; left > 0; p += n, left -= n) {
		n = 1;
		if (*p >= 0x80) {
			/* Valid UTF-8 passes whole; a stray byte is U+FFFD. */
			if ((n = utf8_seq_len(p, left)) > 0)
				buf_add(b, p, n);
			else {
				buf_adds(b, "\xef\xbf\xbd");
				n = 1;
			}
		} else if ((e = short_escape(*p)) != 0) {
			buf_addch(b, '\\');
			buf_addch(b, e);
		} else if (*p < 0x20)
			buf_addf(b, "\\u%04x", *p);
		else
			buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

/*
 * d with the fewest digits that read back as d (what Python's repr, jq
 * and JavaScript print: 0.1556269600018859 where cJSON's %.17g fallback
 * gives 0.15562696000188589); a whole number below 10^16 without an
 * exponent or a fraction; -0 as 0; NaN and infinities, which JSON lacks,
 * as null (as cJSON prints them).
 */
static void
print_number(struct buf *b, double d)
{
	char num[32];
	int prec;

	if (!isfinite(d)) {
		buf_adds(b, "null");
		return;
	}
	if (d == 0) {
		buf_addch(b, '0');
		return;
	}
	if (d > -1e16 && d < 1e16 && d == (double)(long long)d) {
		buf_addf(b, "%.0f", d);
		return;
	}
	/*
	 * A normal double's shortest form has at most 17 digits, and when
	 * it has at most DBL_DIG (15), %.15g prints exactly it (that many
	 * digits survive a round trip, and %g drops the trailing zeros), so
	 * the search starts there.  A subnormal has fewer bits, and there
	 * DBL_DIG promises nothing: from 1.
	 */
	for (prec = fabs(d) < DBL_MIN ? 1 : DBL_DIG; prec < 17; prec++) {
		snprintf(num, sizeof num, "%.*g", prec, d);
		if (strtod(num, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(num, sizeof num, "%.17g", d);
	buf_adds(b, num);
}

/* A newline and depth levels of two spaces, when pretty. */
static void
print_break(struct buf *b, int pretty, size_t depth)
{
	if (!pretty)
		return;
	buf_addch(b, '\n');
	while (depth-- > 0)
		buf_adds(b, "  ");
}

/* The end of the string token that starts at s ('"'): past its '"'. */
static const char *
raw_string_end(const char *s)
{
	for (s++; *s != '\0' && *s != '"'; s++)
		if (*s == '\\' && s[1] != '\0')
			s++;
	return *s == '"' ? s + 1 : s;
}

/*
 * A cJSON_Raw item's text, which must be JSON json_check accepted (its
 * makers check it), laid out as the rest: the blanks between tokens
 * dropped and json_dump's own put in, every token (a number's digits, a
 * string's escapes) copied byte for byte, so that 9007199254740993 and
 * 1e400 stay what they are.  Not recursive: depth counts the brackets.
 */
static void
print_raw(struct buf *b, const char *s, int pretty, size_t depth)
{
	const char *t;

	while (*s != '\0') {
		switch (*s) {
		case ' ': case '\t': case '\n': case '\r':
			s++;
			continue;
		case '[': case '{':
			buf_addch(b, *s);
			for (s++; *s == ' ' || *s == '\t' || *s == '\n' ||
			    *s == '\r'; s++)
				;
			if (*s == ']' || *s == '}')
				buf_addch(b, *s++);	/* [] and {} */
			else
				print_break(b, pretty, ++depth);
			continue;
		case ']': case '}':
			if (depth > 0)	/* never for checked JSON */
				depth--;
			print_break(b, pretty, depth);
			buf_addch(b, *s++);
			continue;
		case ',':
			buf_addch(b, ',');
			print_break(b, pretty, depth);
			s++;
			continue;
		case ':':
			buf_adds(b, pretty ? ": " : ":");
			s++;
			continue;
		case '"':
			t = raw_string_end(s);
			break;
		default:	/* a number or a literal */
			t = s + strcspn(s, " \t\n\r,:]}");
			break;
		}
		buf_add(b, s, (size_t)(t - s));
		s = t;
	}
}

/*
 * v at depth (its own lines indented by it).  Recursive: a tree cJSON
 * parsed is at most CJSON_NESTING_LIMIT (1000) deep, and the ones
 * lambdactl builds a few levels.
 */
static void
print_value(struct buf *b, const cJSON *v, int pretty, size_t depth)
{
	const cJSON *c;

	switch (v->type & 0xff) {
	case cJSON_False:
		buf_adds(b, "false");
		return;
	case cJSON_True:
		buf_adds(b, "true");
		return;
	case cJSON_Number:
		print_number(b, v->valuedouble);
		return;
	case cJSON_String:
		print_string(b, v->valuestring);
		return;
	case cJSON_Raw:
		print_raw(b, v->valuestring != NULL ? v->valuestring : "null",
		    pretty, depth);
		return;
	case cJSON_Array:
	case cJSON_Object:
		break;
	default:
		buf_adds(b, "null");
		return;
	}
	buf_addch(b, cJSON_IsArray(v) ? '[' : '{');
	for (c = v->child; c != NULL; c = c->next) {
		print_break(b, pretty, depth + 1);
		if (cJSON_IsObject(v)) {
			print_string(b, c->string);
			buf_adds(b, pretty ? ": " : ":");
		}
		print_value(b, c, pretty, depth + 1);
		if (c->next != NULL)
			buf_addch(b, ',');
	}
	if (v->child != NULL)
		print_break(b, pretty, depth);
	buf_addch(b, cJSON_IsArray(v) ? ']' : '}');
}

void
json_dump_buf(struct buf *out, const struct cJSON *v, int pretty)
{
	print_value(out, v, pretty, 0);
}

char *
json_dump(const struct cJSON *v, int pretty)
{
	struct buf b = BUF_INIT;

	print_value(&b, v, pretty, 0);
	return buf_detach(&b, NULL);
}

void
json_add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}
