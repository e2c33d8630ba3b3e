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
};

/* Sets the error's status and message, and clears its code; always returns
 * -1. */
int lc_error(struct lc_err *e, int status, const char *fmt, ...)
    LC_PRINTF(3, 4);
int lc_verror(struct lc_err *e, int status, const char *fmt, va_list ap)
    LC_PRINTF(3, 0);
/* Prefixes an existing message: "prefix: old message" (the status and code
 * stay); returns -1. */
int lc_error_prefix(struct lc_err *e, const char *fmt, ...) LC_PRINTF(2, 3);
/* Sets the AWS error code of an error just filled in (NULL: none). */
void lc_error_set_code(struct lc_err *e, const char *code);
/* Whether e's AWS error code is code. */
int lc_error_is(const struct lc_err *e, const char *code);
/* No error: LC_OK, no code, no message. */
void lc_error_clear(struct lc_err *e);

#endif
