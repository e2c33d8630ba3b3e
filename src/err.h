/* err.h - the error a library function fills in for its caller to report. */
#ifndef LC_ERR_H
#define LC_ERR_H

#include <stdarg.h>

#include "xmalloc.h"

/* Exit statuses: documented in lambdactl(1), EXIT STATUS. */
enum lc_status {
	LC_OK = 0,
	LC_EFAIL = 1,	/* AWS, network or runtime error */
	LC_EUSAGE = 2,	/* bad command line */
	LC_ECONFIG = 3,	/* manifest, payload, credentials or configuration */
	LC_EFUNC = 4,	/* the function itself returned an error */
	LC_ECHANGES = 5,	/* plan, --dry-run: changes are pending */
};

struct lc_err {
	int	status;
	/*
	 * The AWS error code when the error is an AWS error response
	 * ("ResourceConflictException"; "HTTP 503" when the response named
	 * none), else "".  Callers test it, never the message text.
	 */
	char	code[128];
	char	msg[1024];
	/*
	 * Where the error points, when it does (lc_error_at): msg holds
	 * "FILE:LINE:COL: " at byte loc_off, loc_len bytes long (0: the
	 * error points nowhere), FILE being its first file_len bytes.
	 * lc_error_prefix moves it along; lc_error_where checks it still
	 * reads so before anyone uses it.
	 */
	size_t	loc_off, loc_len, file_len;
	size_t	line, col;
};

/* Where an error points, as lc_error_where reads it out of the message. */
struct lc_where {
	const char	*file;	/* not NUL-terminated: file_len bytes */
	size_t		 file_len;
	size_t		 line, col;	/* 1-based */
	/* The message without "FILE:LINE:COL: ": before, then after it. */
	const char	*before, *after;
	size_t		 before_len;
};

/* Sets the error's status and message, and clears its code; always returns
 * -1. */
int lc_error(struct lc_err *e, int status, const char *fmt, ...)
    LC_PRINTF(3, 4);
int lc_verror(struct lc_err *e, int status, const char *fmt, va_list ap)
    LC_PRINTF(3, 0);
/*
 * lc_error, the message being "FILE:LINE:COL: message" (line and col
 * 1-based), and the error remembering that it points there.
 */
int lc_error_at(struct lc_err *e, int status, const char *file, size_t line,
    size_t col, const char *fmt, ...) LC_PRINTF(6, 7);
/* Whether e points at a file (lc_error_at), and where: 1 with *w filled
 * in, else 0. */
int lc_error_where(const struct lc_err *e, struct lc_where *w);
/* Prefixes an existing message: "prefix: old message" (the status and code
 * stay); returns -1. */
int lc_error_prefix(struct lc_err *e, const char *fmt, ...) LC_PRINTF(2, 3);
/* Sets the AWS error code of an error just filled in (NULL: none). */
void lc_error_set_code(struct lc_err *e, const char *code);
/* Whether e's AWS error code is code. */
int lc_error_is(const struct lc_err *e, const char *code);
/*
 * A signal (number sig, as a stop flag holds it) stopped the work:
 * "interrupted", status 128 + sig (what the exit status then says), so
 * that callers tell it from a failure (lc_error_stopped); returns -1.
 */
int lc_error_interrupted(struct lc_err *e, int sig);
/* Whether e is such an error (its status above 128). */
int lc_error_stopped(const struct lc_err *e);
/* No error: LC_OK, no code, no message. */
void lc_error_clear(struct lc_err *e);

#endif
