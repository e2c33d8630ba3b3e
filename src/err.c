/* err.c - filling in struct lc_err. */
#include <stdio.h>
#include <string.h>

#include "err.h"

int
lc_verror(struct lc_err *e, int status, const char *fmt, va_list ap)
{
	e->status = status;
	e->code[0] = '\0';
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return -1;
}

int
lc_error(struct lc_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lc_verror(e, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
lc_error_prefix(struct lc_err *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	size_t n;
	va_list ap;

	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", old);
	return -1;
}

void
lc_error_set_code(struct lc_err *e, const char *code)
{
	snprintf(e->code, sizeof e->code, "%s", code != NULL ? code : "");
}

int
lc_error_is(const struct lc_err *e, const char *code)
{
	return strcmp(e->code, code) == 0;
}

void
lc_error_clear(struct lc_err *e)
{
	e->status = LC_OK;
	e->code[0] = '\0';
	e->msg[0] = '\0';
}
