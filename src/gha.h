/*
 * gha.h - GitHub Actions' workflow commands: an error or warning that
 * points at a file, as the line the runner turns into an annotation
 * ("::error file=lambda.yml,line=7,col=5::unknown key 'memroy'").  Only
 * builds text; log.c decides when and where it is printed.
 */
#ifndef LC_GHA_H
#define LC_GHA_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Whether we run in GitHub Actions: GITHUB_ACTIONS is "true". */
int gha_on(void);

/*
 * Appends the len bytes at s escaped as the runner reads them back: '%',
 * CR and LF as %25, %0D, %0A; in a property (property != 0) also ':' and
 * ',' as %3A and %2C, which would otherwise end the value.
 */
void gha_escape(struct buf *b, const char *s, size_t len, int property);

/*
 * Appends to out the file name an annotation gives for file (len bytes):
 * relative to workspace (an absolute directory) when file, made absolute
 * against cwd and with its "." and ".." taken out, lies under it, since
 * the runner reads a file name relative to GITHUB_WORKSPACE; else file as
 * given.  workspace NULL or not absolute, or cwd NULL for a relative file:
 * as given.  Pure.
 */
void gha_path(struct buf *out, const char *file, size_t len,
    const char *workspace, const char *cwd);

/*
 * Appends "::LEVEL file=F,line=L,col=C::MESSAGE\n" for e (level "error"
 * or "warning"), F being e's file as gha_path gives it against
 * $GITHUB_WORKSPACE and the working directory, MESSAGE e's message without
 * its "FILE:LINE:COL: " and then note (NULL: none).  clean (NULL: none)
 * rewrites F and MESSAGE as they are, before they are escaped (log.c
 * redacts there: escaping first could break a secret's match).  Returns
 * 1, or 0 with nothing appended when e points at no file.
 */
int gha_annotation(struct buf *b, const char *level, const struct lc_err *e,
    const char *note, void (*clean)(struct buf *));

#endif
