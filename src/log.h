/* log.h - diagnostics on stderr, with secrets redacted. */
#ifndef LC_LOG_H
#define LC_LOG_H

#include "buf.h"
#include "err.h"

/*
 * Registers a string (a secret key, a session token) that no output may
 * show.  The module keeps its own copy, wiped by log_forget_secrets().
 * Strings shorter than LOG_SECRET_MIN are ignored: replacing every "b" of
 * the output would hide everything and protect nothing (real secret keys
 * are 40 characters); the markers below still apply to them.
 */
#define LOG_SECRET_MIN 8
void log_secret(const char *s);
void log_forget_secrets(void);

/*
 * Replaces, in place, every registered secret (anywhere in the len bytes,
 * NUL bytes too) and every value that follows "Signature=",
 * "X-Amz-Signature=", "X-Amz-Security-Token:", "X-Amz-Security-Token=",
 * "x-amz-sso_bearer_token:", "X-aws-ec2-metadata-token:",
 * "AWS_SECRET_ACCESS_KEY=" or "AWS_SESSION_TOKEN=" (any case: the last two
 * as a function printing its environment shows them) with "<redacted>".
 */
void log_redact(struct buf *b);
/* A copy of s, redacted (log_redact); NULL for NULL.  The caller's to
 * free (free_secret when it may hold what was not registered). */
char *log_redacted(const char *s);
/*
 * Appends s[0..len) to out as one line: LF and CR shown as "\n" and "\r",
 * the other control characters but tab in caret notation ("^["), so that
 * nothing can start a line of its own (a CI runner's workflow command).
 * Redact first: a marker's value would not end at a shown "\n".
 */
void log_one_line(struct buf *out, const char *s, size_t len);

void log_set_debug(int on);
int log_debug_on(void);
/*
 * These three print one line on stderr, redacted: a message's line breaks
 * and other control characters but tab shown as "\n", "\r", "^[" (so what
 * a message quotes cannot start a line, a workflow command for one), and
 * on a terminal the rest escaped too (term.h): messages may quote a server
 * or a function.
 */
/* "lambdactl: debug: ..." on stderr when --debug is on, redacted. */
void log_debug(const char *fmt, ...) LC_PRINTF(1, 2);
/* "lambdactl: warning: ..." on stderr, redacted. */
void log_warn(const char *fmt, ...) LC_PRINTF(1, 2);
/* "lambdactl: ..." on stderr, redacted: the one error line. */
void log_error(const char *msg);
/*
 * When GITHUB_ACTIONS is "true" and e points at a file (lc_error_at):
 * its annotation on stderr, redacted ("::error file=F,line=L,col=C::..."
 * for level "error", gha.h), which the runner reads on stderr as on stdout
 * (stdout may carry -o json).  Else nothing.
 */
void log_annotate(const char *level, const struct lc_err *e,
    const char *note);
/* log_warn of e's message then note (NULL: none), and its annotation. */
void log_warn_err(const struct lc_err *e, const char *note);

#endif
