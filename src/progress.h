/*
 * progress.h - the progress display of work on many functions at once
 * (deploy -j, package): one line per function, and the uploads' progress.
 *
 * It renders into the FILE* its caller gives (stderr), in the mode the
 * caller chose (cmd_progress_mode: PROGRESS_LIVE on a terminal, unless
 * NO_COLOR, TERM=dumb or --debug):
 *   PROGRESS_LIVE   a board at the bottom of the output, one line per
 *                   function ("api  uploading 4.1/9.5 MB  43%  12.1 MB/s
 *                   ETA 1s"), redrawn in place (cursor up, erase line) on
 *                   every state change, and for an upload's bytes every
 *                   PROGRESS_EVERY_MS or PROGRESS_EVERY_BYTES; lines cut
 *                   to the terminal's
 *                   width (TIOCGWINSZ, asked at each redraw) so that none
 *                   wraps (widths in columns: a CJK character or an
 *                   emoji takes two); more lines than rows: those under
 *                   way and "... 6 more: 1 done, 5 queued"; under
 *                   PROGRESS_MIN_ROWS rows, PROGRESS_LINES's notes
 *                   instead of a board; at the end (progress_finish) a
 *                   summary table (function, result, version, time) in
 *                   its place.
 *   PROGRESS_LINES  no escape code at all: each progress_note is one line
 *                   "lambdactl: NAME: TEXT", each upload of over 1 MB one
 *                   line "lambdactl: NAME: uploading 19.1 MB" as it starts;
 *                   the summary table at the end.
 *   PROGRESS_QUIET  nothing (stderr not a terminal: scripts see results
 *                   on stdout and errors on stderr, as ever).
 * Thread-safe: deploy -j's jobs and a multipart upload's parts feed it at
 * once.  Functions are named by their name, added up front.
 */
#ifndef LC_PROGRESS_H
#define LC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum progress_mode { PROGRESS_QUIET, PROGRESS_LINES, PROGRESS_LIVE };

/* How a function's line ended (progress_end). */
enum progress_end {
	PROGRESS_DONE,		/* "done: RESULT" */
	PROGRESS_FAILED,	/* "failed: REASON" */
	PROGRESS_STOPPED,	/* "stopped: WHAT WAS LEFT HALF-DONE" */
};

#define PROGRESS_EVERY_MS	100	/* bytes moving: redrawn this often, */
#define PROGRESS_EVERY_BYTES	(1024 * 1024)	/* or as often as these move */
#define PROGRESS_UPLOAD_MIN	(1024 * 1024)	/* smaller: not shown */
/* A terminal of fewer rows gets progress_note's plain lines, no board. */
#define PROGRESS_MIN_ROWS	3

struct progress;

/* A display in mode on fp (borrowed until progress_free). */
struct progress *progress_new(FILE *fp, enum progress_mode mode);
/* Erases a live board left (progress_finish not called) and frees p. */
void progress_free(struct progress *p);
enum progress_mode progress_mode(const struct progress *p);

/*
 * Fixes the width and height (tests: fp is no terminal); 0: asked of the
 * terminal at each redraw (80 by 24 when it cannot say).
 */
void progress_set_size(struct progress *p, int cols, int rows);
/* The clock (milliseconds; tests); NULL: clock_ms. */
void progress_set_clock(struct progress *p, double (*now)(void));

/* Adds a line for function name (copied), "queued". */
void progress_add(struct progress *p, const char *name);

/*
 * The function's state, shown on its line ("updating code", "published
 * v7"); an upload's bytes no longer shown.  Redraws at once.  The line's
 * time (in the summary) runs from its first state but "queued" (which
 * stops it again: packaged, waiting for its turn) to its end.
 */
void progress_set(struct progress *p, const char *name, const char *fmt, ...)
    LC_PRINTF(3, 4);
/* A line of its own in PROGRESS_LINES mode only ("lambdactl: NAME: TEXT"). */
void progress_note(struct progress *p, const char *name, const char *text);
/*
 * Upload of name has sent of total bytes (sent may go back: a part resent;
 * several uploads of one function: the last one reported is shown).  The
 * state line shows "uploading S/T MB  P%  R MB/s  ETA Ns" until the next
 * progress_set or progress_end.
 */
void progress_upload(struct progress *p, const char *name, uint64_t sent,
    uint64_t total);
/*
 * The function is over: how, its result ("updated (code)", the failure's
 * message: one line, cut to the width on the board) and version (NULL:
 * none) for the summary.
 */
void progress_end(struct progress *p, const char *name, enum progress_end how,
    const char *result, const char *version);

/*
 * Erases the board and keeps it off the screen, so that the caller can
 * print lines of its own (to fp or stdout, the same terminal; a build's
 * output) where it was; progress_resume (harmless without a suspend)
 * draws it again below them (on a line of its own even when their last
 * one did not end).  Meanwhile states change but nothing is drawn.
 */
void progress_suspend(struct progress *p);
void progress_resume(struct progress *p);

/*
 * The end of the display: the summary table (in PROGRESS_LIVE mode in
 * the board's place, in PROGRESS_LINES mode after the lines); nothing in
 * PROGRESS_QUIET.  Lines still unended count as "not started" (queued)
 * or "stopped" (under way).
 */
void progress_finish(struct progress *p);

#endif
