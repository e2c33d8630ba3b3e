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
	int		 resumed;	/* others' output since the board */
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
 * The columns a character of n bytes at s takes on a terminal: 2 for the
 * East Asian wide and emoji ranges, 0 for combining marks, else 1
 * (lambdactl never calls setlocale, so wcwidth would not know UTF-8).
 */
static size_t
char_cols(const unsigned char *s, size_t n)
{
	/* Unicode's East Asian Wide and Fullwidth, emoji among them. */
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x23e9, 0x23ec },
		{ 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 }, { 0x25fd, 0x25fe },
		{ 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x267f, 0x267f },
		{ 0x2693, 0x2693 }, { 0x26a1, 0x26a1 }, { 0x26aa, 0x26ab },
		{ 0x26bd, 0x26be }, { 0x26c4, 0x26c5 }, { 0x26ce, 0x26ce },
		{ 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea }, { 0x26f2, 0x26f3 },
		{ 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa }, { 0x26fd, 0x26fd },
		{ 0x2705, 0x2705 }, { 0x270a, 0x270b }, { 0x2728, 0x2728 },
		{ 0x274c, 0x274c }, { 0x274e, 0x274e }, { 0x2753, 0x2755 },
		{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27b0, 0x27b0 },
		{ 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c }, { 0x2b50, 0x2b50 },
		{ 0x2b55, 0x2b55 }, { 0x2e80, 0x303e }, { 0x3041, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f004, 0x1f004 },
		{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
		{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff },
		{ 0x1f7e0, 0x1f7eb }, { 0x1f900, 0x1f9ff }, { 0x1fa70, 0x1faff },
		{ 0x20000, 0x3fffd },
	};
	uint32_t c;
	size_t i;

	if (n <= 1)
		return 1;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++)
		c = c << 6 | (s[i] & 0x3f);
	if ((c >= 0x300 && c <= 0x36f) || c == 0x200d ||
	    (c >= 0xfe00 && c <= 0xfe0f))
		return 0;
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/*
 * Appends s to b as one line safe for a terminal (newlines and tabs as
 * spaces, control characters escaped: term.h), cut to at most cols
 * columns (char_cols); returns the columns it takes.
 */
static size_t
add_cut(struct buf *b, const char *s, size_t cols)
{
	struct buf t = BUF_INIT, e = BUF_INIT;
	const unsigned char *u;
	size_t i, n, w, shown;

	for (i = 0; s[i] != '\0'; i++)
		buf_addch(&t, s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ?
		    ' ' : s[i]);
	term_escape(&e, t.data, t.len, TERM_TEXT);
	u = (const unsigned char *)e.data;
	for (i = 0, shown = 0; i < e.len; i += n, shown += w) {
		if ((n = utf8_seq_len(u + i, e.len - i)) == 0)
			n = 1;
		if (shown + (w = char_cols(u + i, n)) > cols)
			break;
	}
	buf_add(b, e.data, i);
	buf_release(&t);
	buf_release(&e);
	return shown;
}

/* The columns s takes once add_cut made it safe. */
static size_t
text_cols(const char *s)
{
	struct buf b = BUF_INIT;
	size_t w = add_cut(&b, s, (size_t)-1);

	buf_release(&b);
	return w;
}

/* add_cut, padded with spaces to width columns. */
static void
add_cell(struct buf *b, const char *s, size_t width)
{
	size_t shown = add_cut(b, s, width);

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
		if (text_cols(p->v[i].name) > w)
			w = text_cols(p->v[i].name);
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
 * counting the others.  Returns how many of order[] to show; *more:
 * whether the line counting the rest is needed.
 */
static size_t
visible(const struct progress *p, size_t rows, size_t *order, int *more)
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
	*more = 1;
	return k;
}

/*
 * The lines not shown (all but order[0..k)), counted: "... 6 more: 1
 * done, 5 queued" (done, failed, stopped, under way, queued; none: left
 * out).
 */
static void
add_more(const struct progress *p, const size_t *order, size_t k,
    size_t cols, struct buf *b)
{
	static const char *const word[5] = { "done", "failed", "stopped",
	    "under way", "queued" };
	size_t i, j, c[5] = { 0 }, hidden = 0;
	struct buf t = BUF_INIT;

	for (i = 0, j = 0; i < p->n; i++) {
		if (j < k && order[j] == i) {
			j++;
			continue;
		}
		hidden++;
		c[p->v[i].ended ? p->v[i].ended - 1 :
		    p->v[i].start > 0 ? 3 : 4]++;
	}
	buf_addf(&t, "... %zu more", hidden);
	for (i = 0, j = 0; i < 5; i++)
		if (c[i] > 0)
			buf_addf(&t, "%s %zu %s", j++ ? "," : ":", c[i],
			    word[i]);
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
	size_t *order, k, i, nw;
	int cols, rows, more;

	if (p->mode != PROGRESS_LIVE || p->held || p->finished || p->n == 0)
		return;
	size_of(p, &cols, &rows);
	if (rows < PROGRESS_MIN_ROWS)
		return;		/* progress_note's plain lines instead */
	nw = name_width(p);
	order = xcalloc(p->n, sizeof *order);
	k = visible(p, (size_t)rows, order, &more);
	if (p->resumed) {
		/*
		 * After the caller's output (a build's), which may have
		 * ended mid-line: a line of spaces wraps to a new line from
		 * there, but not from the first column (the cursor waits in
		 * the last one), so that the board never draws over it.
		 */
		for (i = 0; i < (size_t)cols; i++)
			buf_addch(&b, ' ');
		p->resumed = 0;
	}
	add_home(p, &b);
	for (i = 0; i < k; i++)
		add_line(p, &p->v[order[i]], nw, (size_t)cols, &b);
	if (more)
		add_more(p, order, k, (size_t)cols, &b);
	buf_adds(&b, "\033[J");		/* what was below: a ^C echoed */
	fwrite(b.data, 1, b.len, p->fp);
	fflush(p->fp);
	p->drawn = k + (more != 0);
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
		int same = strcmp(l->state, b.data) == 0 && l->total == 0;

		if (strcmp(b.data, "queued") == 0)
			l->start = 0;
		else
			touch(p, l);
		free(l->state);
		l->state = buf_detach(&b, NULL);
		l->total = l->sent = 0;
		if (!same)
			draw(p);
	}
	pthread_mutex_unlock(&p->mu);
	buf_release(&b);
}

/* A live board on a terminal too short for one (under PROGRESS_MIN_ROWS
 * rows): progress_note's plain lines instead. */
static int
too_short(const struct progress *p)
{
	int cols, rows;

	if (p->mode != PROGRESS_LIVE)
		return 0;
	size_of(p, &cols, &rows);
	return rows < PROGRESS_MIN_ROWS;
}

void
progress_note(struct progress *p, const char *name, const char *text)
{
	struct buf b = BUF_INIT;

	if (p->mode != PROGRESS_LINES && !too_short(p))
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
	if (p->held > 0 && --p->held == 0)
		p->resumed = 1;
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
		if (text_cols(r.data) > w[1])
			w[1] = text_cols(r.data);
		if (p->v[i].version != NULL &&
		    text_cols(p->v[i].version) > w[2])
			w[2] = text_cols(p->v[i].version);
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
