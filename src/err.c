/* err.c - filling in struct lc_err. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
lc_verror(struct lc_err *e, int status, const char *fmt, va_list ap)
{
	e->status = status;
	e->code[0] = '\0';
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	e->loc_off = e->loc_len = e->file_len = e->line = e->col = 0;
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
lc_error_at(struct lc_err *e, int status, const char *file, size_t line,
    size_t col, const char *fmt, ...)
{
	int n;
	va_list ap;

	lc_error(e, status, "%s:%zu:%zu: ", file, line, col);
	n = (int)strlen(e->msg);
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
	va_end(ap);
	/* A file name that filled the message points nowhere useful. */
	if ((size_t)n + 1 < sizeof e->msg) {
		e->loc_len = (size_t)n;
		e->file_len = strlen(file);
		e->line = line;
		e->col = col;
	}
	return -1;
}

int
lc_error_where(const struct lc_err *e, struct lc_where *w)
{
	char tail[64];
	size_t len = strnlen(e->msg, sizeof e->msg), tn;

	if (e->loc_len == 0 || e->loc_off > len || e->loc_len >
	    len - e->loc_off || e->file_len >= e->loc_len)
		return 0;
	/* Still "FILE:LINE:COL: " where it was (msg is public). */
	tn = (size_t)snprintf(tail, sizeof tail, ":%zu:%zu: ", e->line,
	    e->col);
	if (e->file_len + tn != e->loc_len || memcmp(e->msg + e->loc_off +
	    e->file_len, tail, tn) != 0)
		return 0;
	w->file = e->msg + e->loc_off;
	w->file_len = e->file_len;
	w->line = e->line;
	w->col = e->col;
	w->before = e->msg;
	w->before_len = e->loc_off;
	w->after = e->msg + e->loc_off + e->loc_len;
	return 1;
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
	/* The location moves along (lc_error_where checks it fits). */
	if (e->loc_len > 0)
		e->loc_off += n + 2;
	return -1;
}

int
lc_error_interrupted(struct lc_err *e, int sig)
{
	return lc_error(e, 128 + (sig > 0 && sig < 128 ? sig : SIGINT),
	    "interrupted");
}

int
lc_error_stopped(const struct lc_err *e)
{
	return e->status > 128;
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
	e->loc_off = e->loc_len = e->file_len = e->line = e->col = 0;
}
