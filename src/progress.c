/* progress.c - one line per function, redrawn in place on a terminal. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "progress.h"
#include "term.h"
#include "xmalloc.h"

struct pline {
	char		*name;
	char		*state;		/* "queued", "updating code" */
	int		 ended;		/* enum progress_end + 1; 0: not */
	char		*result;	/* once ended */
	char		*version;
	double		 start;		/* first state change; 0: queued */
	double		 end;
	/* The upload in flight (total 0: none shown). */
	uint64_t	 sent, total;
	uint64_t	 shown;		/* sent, when last drawn */
	double		 up_start;
};

struct progress {
	FILE		*fp;
	enum progress_mode mode;
	pthread_mutex_t	 mu;		/* all that follows */
	struct pline	*v;
	size_t		 n;
	int		 cols, rows;	/* fixed; 0: the terminal's */
	double		(*now)(void);
	double		 started;
	size_t		 drawn;		/* board lines on screen */
	double		 drawn_at;
	int		 held;		/* progress_suspend: how often */
	int		 finished;
};

struct progress *
progress_new(FILE *fp, enum progress_mode mode)
{
	struct progress *p = xcalloc(1, sizeof *p);

	p->fp = fp;
	p->mode = mode;
	p->now = clock_ms;
	p->started = clock_ms();
	pthread_mutex_init(&p->mu, NULL);
	return p;
}

enum progress_mode
progress_mode(const struct progress *p)
{
	return p->mode;
}

void
progress_set_size(struct progress *p, int cols, int rows)
{
	p->cols = cols;
	p->rows = rows;
}

void
progress_set_clock(struct progress *p, double (*now)(void))
{
	p->now = now != NULL ? now : clock_ms;
	p->started = p->now();
}

void
progress_add(struct progress *p, const char *name)
{
	struct pline *l;

	pthread_mutex_lock(&p->mu);
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	l = &p->v[p->n++];
	memset(l, 0, sizeof *l);
	l->name = xstrdup(name);
	l->state = xstrdup("queued");
	pthread_mutex_unlock(&p->mu);
}

/* The line of name (with p->mu held), or NULL. */
static struct pline *
find(struct progress *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

/* The terminal's size, or the one fixed. */
static void
size_of(const struct progress *p, int *cols, int *rows)
{
	struct winsize ws;
	int fd = fileno(p->fp);

	*cols = 80;
	*rows = 24;
	if (fd != -1 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row > 0 ? ws.ws_row : 24;
	}
	if (p->cols > 0)
		*cols = p->cols;
	if (p->rows > 0)
		*rows = p->rows;
}

/*
 * Appends s to b as one line safe for a terminal (newlines and tabs as
 * spaces, control characters escaped: term.h), cut to at most cols
 * characters (a UTF-8 sequence counting as one).
 */
static void
add_cut(struct buf *b, const char *s, size_t cols)
{
	struct buf t = BUF_INIT, e = BUF_INIT;
	size_t i, n, shown;

	for (i = 0; s[i] != '\0'; i++)
		buf_addch(&t, s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ?
		    ' ' : s[i]);
	term_escape(&e, t.data, t.len, TERM_TEXT);
	for (i = 0, shown = 0; i < e.len && shown < cols; i += n, shown++) {
		n = utf8_seq_len((const unsigned char *)e.data + i, e.len - i);
		if (n == 0)
			n = 1;
	}
	buf_add(b, e.data, i);
	buf_release(&t);
	buf_release(&e);
}

/* add_cut, padded with spaces to width characters. */
static void
add_cell(struct buf *b, const char *s, size_t width)
{
	size_t from = b->len, i, shown = 0, n;

	add_cut(b, s, width);
	for (i = from; i < b->len; i += n, shown++)
		if ((n = utf8_seq_len((const unsigned char *)b->data + i,
		    b->len - i)) == 0)
			n = 1;
	for (; shown < width; shown++)
		buf_addch(b, ' ');
}

static const char *const end_word[] = { "done", "failed", "stopped" };

/* What line l says after its name (the board's: with its version). */
static void
state_text(const struct progress *p, const struct pline *l, int board,
    struct buf *b)
{
	double secs, rate;

	if (l->ended) {
		buf_adds(b, end_word[l->ended - 1]);
		if (l->result != NULL && *l->result != '\0')
			buf_addf(b, ": %s", l->result);
		if (board && l->version != NULL)
			buf_addf(b, ", version %s", l->version);
	} else if (l->total > 0) {
		secs = (p->now() - l->up_start) / 1e3;
		rate = secs > 0 ? (double)l->sent / secs : 0;
		buf_addf(b, "uploading %.1f/%.1f MB  %3.0f%%  %.1f MB/s  "
		    "ETA %.0fs", (double)l->sent / 1048576,
		    (double)l->total / 1048576,
		    100.0 * (double)l->sent / (double)l->total,
		    rate / 1048576, rate > 0 && l->total > l->sent ?
		    (double)(l->total - l->sent) / rate : 0.0);
	} else
		buf_adds(b, l->state);
}

/* The width of the name column: the longest name, at most 32. */
static size_t
name_width(const struct progress *p)
{
	size_t i, w = 8;

	for (i = 0; i < p->n; i++)
		if (strlen(p->v[i].name) > w)
			w = strlen(p->v[i].name);
	return w > 32 ? 32 : w;
}

/* One board line, cut to cols - 1 (the last column left: no wrap). */
static void
add_line(const struct progress *p, const struct pline *l, size_t nw,
    size_t cols, struct buf *b)
{
	struct buf t = BUF_INIT;

	add_cell(&t, l->name, nw);
	buf_adds(&t, "  ");
	state_text(p, l, 1, &t);
	buf_adds(b, "\033[2K");
	add_cut(b, t.data, cols > 1 ? cols - 1 : 1);
	buf_addch(b, '\n');
	buf_release(&t);
}

/*
 * Which lines fit in rows - 1 (the board never scrolls what it must
 * redraw off the screen): all of them, or those under way and a last line
 * counting the others.  Returns how many of order[] to show, and
 * *more the line counting the rest (0: none).
 */
static size_t
visible(const struct progress *p, size_t rows, size_t *order, size_t *more)
{
	size_t i, k = 0, max = rows > 2 ? rows - 2 : 1;

	*more = 0;
	if (p->n + 1 <= rows) {
		for (i = 0; i < p->n; i++)
			order[k++] = i;
		return k;
	}
	for (i = 0; i < p->n && k < max; i++)
		if (!p->v[i].ended && p->v[i].start > 0)
			order[k++] = i;
	*more = p->n - k;
	return k;
}

/* "+ 12 more: 3 done, 1 failed, 8 queued". */
static void
add_more(const struct progress *p, size_t cols, struct buf *b)
{
	size_t i, c[4] = { 0 };
	struct buf t = BUF_INIT;

	for (i = 0; i < p->n; i++)
		c[p->v[i].ended]++;
	buf_addf(&t, "... %zu done, %zu failed, %zu stopped, %zu to come", c[1], c[2], c[3], c[0]);
	buf_adds(b, "\033[2K");
	add_cut(b, t.data, cols > 1 ? cols - 1 : 1);
	buf_addch(b, '\n');
	buf_release(&t);
}

/* Moves the cursor to the board's first line (with p->mu held). */
static void
add_home(const struct progress *p, struct buf *b)
{
	buf_addch(b, '\r');
	if (p->drawn > 0)
		buf_addf(b, "\033[%zuA", p->drawn);
}

/* Draws the board (with p->mu held), in live mode when not held. */
static void
draw(struct progress *p)
{
	struct buf b = BUF_INIT;
	size_t *order, k, i, more, nw = name_width(p);
	int cols, rows;

	if (p->mode != PROGRESS_LIVE || p->held || p->finished || p->n == 0)
		return;
	size_of(p, &cols, &rows);
	order = xcalloc(p->n, sizeof *order);
	k = visible(p, (size_t)rows, order, &more);
	add_home(p, &b);
	for (i = 0; i < k; i++)
		add_line(p, &p->v[order[i]], nw, (size_t)cols, &b);
	if (more > 0)
		add_more(p, (size_t)cols, &b);
	buf_adds(&b, "\033[J");		/* what was below: a ^C echoed */
	fwrite(b.data, 1, b.len, p->fp);
	fflush(p->fp);
	p->drawn = k + (more > 0);
	p->drawn_at = p->now();
	free(order);
	buf_release(&b);
}

/* Erases the board (with p->mu held); the cursor where it began. */
static void
erase(struct progress *p)
{
	struct buf b = BUF_INIT;

	if (p->mode != PROGRESS_LIVE || p->drawn == 0)
		return;
	add_home(p, &b);
	buf_adds(&b, "\033[J");
	fwrite(b.data, 1, b.len, p->fp);
	fflush(p->fp);
	p->drawn = 0;
	buf_release(&b);
}

/* Marks l under way from now on (its first state change). */
static void
touch(struct progress *p, struct pline *l)
{
	if (l->start == 0)
		l->start = p->now();
}

void
progress_set(struct progress *p, const char *name, const char *fmt, ...)
{
	struct pline *l;
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->mu);
	if ((l = find(p, name)) != NULL && !l->ended) {
		/* Queued again (packaged, waiting for a thread): its time
		 * counts from its next state. */
		if (strcmp(b.data, "queued") == 0)
			l->start = 0;
		else
			touch(p, l);
		free(l->state);
		l->state = buf_detach(&b, NULL);
		l->total = l->sent = 0;
		draw(p);
	}
	pthread_mutex_unlock(&p->mu);
	buf_release(&b);
}

void
progress_note(struct progress *p, const char *name, const char *text)
{
	struct buf b = BUF_INIT;

	if (p->mode != PROGRESS_LINES)
		return;
	buf_addf(&b, "lambdactl: %s: ", name);
	add_cut(&b, text, (size_t)-1);
	buf_addch(&b, '\n');
	pthread_mutex_lock(&p->mu);
	fwrite(b.data, 1, b.len, p->fp);
	fflush(p->fp);
	pthread_mutex_unlock(&p->mu);
	buf_release(&b);
}

void
progress_upload(struct progress *p, const char *name, uint64_t sent,
    uint64_t total)
{
	struct pline *l;
	double now;
	int added;

	if (p->mode == PROGRESS_QUIET || total < PROGRESS_UPLOAD_MIN)
		return;
	now = p->now();
	pthread_mutex_lock(&p->mu);
	if ((l = find(p, name)) == NULL || l->ended) {
		pthread_mutex_unlock(&p->mu);
		return;
	}
	touch(p, l);
	added = l->total != total;
	if (added)
		l->up_start = now;
	l->sent = sent;
	l->total = total;
	if (added && p->mode == PROGRESS_LINES) {
		fprintf(p->fp, "lambdactl: %s: uploading %.1f MB\n", name,
		    (double)total / 1048576);
		fflush(p->fp);
	} else if (added || sent == total ||
	    now - p->drawn_at >= PROGRESS_EVERY_MS ||
	    (sent > l->shown ? sent - l->shown : l->shown - sent) >=
	    PROGRESS_EVERY_BYTES) {
		l->shown = sent;
		draw(p);
	}
	pthread_mutex_unlock(&p->mu);
}

void
progress_end(struct progress *p, const char *name, enum progress_end how,
    const char *result, const char *version)
{
	struct pline *l;

	pthread_mutex_lock(&p->mu);
	if ((l = find(p, name)) != NULL && !l->ended) {
		l->ended = (int)how + 1;
		l->end = l->start > 0 ? p->now() : 0;	/* 0: never started */
		l->result = xstrdup(result != NULL ? result : "");
		l->version = version != NULL ? xstrdup(version) : NULL;
		l->total = l->sent = 0;
		draw(p);
	}
	pthread_mutex_unlock(&p->mu);
}

void
progress_suspend(struct progress *p)
{
	pthread_mutex_lock(&p->mu);
	erase(p);
	p->held++;
	pthread_mutex_unlock(&p->mu);
}

void
progress_resume(struct progress *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->held > 0)
		p->held--;
	draw(p);
	pthread_mutex_unlock(&p->mu);
}

/* "4.2s", "1m05s". */
static void
add_secs(struct buf *b, double ms)
{
	long s = (long)(ms / 1000);

	if (ms < 60000)
		buf_addf(b, "%.1fs", ms / 1000);
	else
		buf_addf(b, "%ldm%02lds", s / 60, s % 60);
}

/* A line never ended, by then: not started, or stopped under way. */
static void
end_left(struct progress *p, struct pline *l)
{
	l->ended = PROGRESS_STOPPED + 1;
	l->result = xstrdup(l->start > 0 ? l->state : "not started");
	l->end = l->start > 0 ? p->now() : 0;
}

/* One row of the summary, its cells padded, cut to cols - 1. */
static void
add_row(struct buf *b, const char *const cell[4], const size_t w[4],
    size_t cols)
{
	struct buf t = BUF_INIT;
	size_t i;

	for (i = 0; i < 3; i++) {
		add_cell(&t, cell[i], w[i]);
		buf_adds(&t, "  ");
	}
	buf_adds(&t, cell[3]);
	add_cut(b, t.data, cols > 1 ? cols - 1 : 1);
	buf_addch(b, '\n');
	buf_release(&t);
}

/*
 * The summary table: FUNCTION, RESULT ("done: ..." as on the board),
 * VERSION and TIME, the result column as wide as the terminal allows.
 */
static void
summary(struct progress *p, size_t cols, struct buf *b)
{
	static const char *const head[4] = { "FUNCTION", "RESULT", "VERSION",
	    "TIME" };
	const char *cell[4];
	struct buf r = BUF_INIT, t = BUF_INIT;
	size_t w[4] = { name_width(p), 6, 7, 6 }, i, fixed;

	for (i = 0; i < p->n; i++) {
		buf_reset(&r);
		state_text(p, &p->v[i], 0, &r);
		if (r.len > w[1])
			w[1] = r.len;
		if (p->v[i].version != NULL && strlen(p->v[i].version) > w[2])
			w[2] = strlen(p->v[i].version);
	}
	fixed = w[0] + w[2] + w[3] + 6;
	if (w[1] + fixed >= cols)
		w[1] = cols > fixed + 12 ? cols - fixed - 1 : 12;
	add_row(b, head, w, cols);
	for (i = 0; i < p->n; i++) {
		buf_reset(&r);
		buf_reset(&t);
		state_text(p, &p->v[i], 0, &r);
		if (p->v[i].end > 0)
			add_secs(&t, p->v[i].end - p->v[i].start);
		else
			buf_addch(&t, '-');
		cell[0] = p->v[i].name;
		cell[1] = r.data;
		cell[2] = p->v[i].version != NULL ? p->v[i].version : "-";
		cell[3] = t.data;
		add_row(b, cell, w, cols);
	}
	buf_release(&r);
	buf_release(&t);
}

void
progress_finish(struct progress *p)
{
	struct buf b = BUF_INIT;
	size_t i;
	int cols, rows;

	pthread_mutex_lock(&p->mu);
	if (p->mode == PROGRESS_QUIET || p->finished || p->n == 0) {
		p->finished = 1;
		pthread_mutex_unlock(&p->mu);
		return;
	}
	for (i = 0; i < p->n; i++)
		if (!p->v[i].ended)
			end_left(p, &p->v[i]);
	erase(p);
	p->finished = 1;
	size_of(p, &cols, &rows);
	summary(p, (size_t)cols, &b);
	buf_addf(&b, "%zu function%s in ", p->n, p->n == 1 ? "" : "s");
	add_secs(&b, p->now() - p->started);
	buf_addch(&b, '\n');
	fwrite(b.data, 1, b.len, p->fp);
	fflush(p->fp);
	pthread_mutex_unlock(&p->mu);
	buf_release(&b);
}

void
progress_free(struct progress *p)
{
	size_t i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	erase(p);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].state);
		free(p->v[i].result);
		free(p->v[i].version);
	}
	free(p->v);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
