/*
 * json.h - a strict RFC 8259 checker of our own, and reading integers out
 * of parsed JSON numbers with a range check.
 *
 * The checker says whether bytes are exactly one JSON text as Lambda reads
 * one: UTF-8 only (no byte order mark, no invalid or overlong sequence, no
 * encoded surrogate), no raw control character or NUL in a string, no
 * leading zero or bare '.' in a number, every \u escape's surrogates
 * paired, nothing after the value.  It keeps no tree, never recurses and
 * puts no limit on nesting but memory (a byte per open bracket), and takes
 * its input in pieces of any size, so it can sit on a stream.  A refusal
 * says where (LINE:COL, both from 1, COL counting characters, a tab as
 * one) and why, in a few lowercase words.
 *
 * json_dump is the one layout of what lambdactl prints as JSON.
 */
#ifndef LC_JSON_H
#define LC_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Where and why a text was refused. */
struct json_error {
	size_t	line;
	size_t	col;
	char	reason[112];
};

/* A streaming checker's state: json_checker_init, _feed..., _end. */
struct json_checker {
	unsigned char	*stack;		/* '[' or '{' per open bracket */
	size_t		 depth;
	size_t		 cap;
	int		 state;
	int		 in_key;	/* the string being read is a key */
	int		 after_comma;	/* the value expected follows ',' */
	const char	*lit;		/* the literal being matched */
	size_t		 lit_i;
	unsigned	 hex;		/* the \u escape being read */
	int		 nhex;
	unsigned	 high;		/* a high surrogate awaiting its pair */
	int		 need;		/* UTF-8 continuation bytes due */
	unsigned char	 cont_lo;	/* the next continuation's range */
	unsigned char	 cont_hi;
	size_t		 line;		/* of the character being read */
	size_t		 col;
	size_t		 tok_line;	/* where the token being read began */
	size_t		 tok_col;
	size_t		 esc_line;	/* where the last escape began */
	size_t		 esc_col;
	int		 failed;
	struct json_error err;
};

void json_checker_init(struct json_checker *c);
/* Checks the next len bytes; 0, or -1 once the text is refused (c->err). */
int json_checker_feed(struct json_checker *c, const void *data, size_t len);
/* The input is over: 0 when it was one whole JSON text, else -1. */
int json_checker_end(struct json_checker *c);
void json_checker_release(struct json_checker *c);

/* The whole of data at once: 0, or -1 with *e filled (e may be NULL). */
int json_check(const void *data, size_t len, struct json_error *e);

struct cJSON;
struct buf;

/*
 * Reads a parsed JSON number that must be a whole number from lo to hi
 * into *out.  Returns 0, or -1 (out untouched) when v is not a number, is
 * not whole, not finite, or out of range: 1e300, -1 for a size, 2^63, 1.5.
 */
int json_int(const struct cJSON *v, int64_t lo, int64_t hi, int64_t *out);

struct lc_err;

/*
 * Reading the members of a parsed response: op names the operation in
 * the messages ("OP: unexpected response: 'KEY' is not a string"), which
 * never quote a value.  An absent or null member is no error: *dst is
 * left alone (json_get_obj sets it NULL).
 */
/* json (len bytes) parsed, when it is a JSON object (cJSON_Delete it);
 * else NULL with "OP: the response is not a JSON object". */
struct cJSON *json_object_parse(const char *op, const char *json, size_t len,
    struct lc_err *err);
/* Says that the member key is not what (LC_EFAIL); returns -1. */
int json_bad_member(const char *op, const char *key, const char *what,
    struct lc_err *err);
/* Copies the string member key of o into *dst (xstrdup). */
int json_get_str(const char *op, const struct cJSON *o, const char *key,
    char **dst, struct lc_err *err);
/* Reads the integer member key of o, which must be from lo to hi, into
 * *dst; field names it in errors. */
int json_get_int(const char *op, const struct cJSON *o, const char *key,
    const char *field, int64_t lo, int64_t hi, int64_t *dst,
    struct lc_err *err);
/*
 * Frees a parsed tree after overwriting every string value in it, at any
 * depth (answers holding environment values or credentials).  NULL: no-op.
 */
void json_delete_wiped(struct cJSON *root);
/* The object (array set: the array) member key of o in *dst. */
int json_get_obj(const char *op, const struct cJSON *o, const char *key,
    const struct cJSON **dst, int array, struct lc_err *err);

/*
 * v as JSON text, NUL-terminated (the caller frees it).  pretty: one
 * member or element a line, indented two spaces a level, "key": value,
 * empty containers as {} and [] -- Python's json.dumps(v, indent=2,
 * ensure_ascii=False), jq's and the AWS CLI's layout; else one line
 * without blanks (jq -c).  Strings: '"', '\\' and the control characters
 * escaped (\b \f \n \r \t, the others \u00xx), everything else as its
 * UTF-8, but a byte that is not valid UTF-8 becomes U+FFFD so that the
 * text is always JSON.  Numbers with the fewest digits that read back
 * as the same double (Python's repr; a whole number below 10^16 without
 * exponent or fraction, from 10^16 up as Python prints a float: 1e+16,
 * 1.2345678901234568e+19 -- a double holds no more digits), null for
 * NaN and infinities.  cJSON_Raw members (JSON json_check accepted) token
 * for token as they are, the blanks between tokens laid out as the rest:
 * a number keeps every digit.  Pure.
 */
char *json_dump(const struct cJSON *v, int pretty);
/* The same, appended to out. */
void json_dump_buf(struct buf *out, const struct cJSON *v, int pretty);
/* Adds the member key to o: the string v, or null when v is NULL. */
void json_add_str_or_null(struct cJSON *o, const char *key, const char *v);

#endif
