/* term.c - text from servers and functions, made safe for a terminal. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void
term_escape(struct buf *out, const char *s, size_t len, enum term_style st)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	const unsigned char *run = p;	/* bytes passed as they are */
	size_t n;

	while (p < end) {
		n = utf8_seq_len(p, (size_t)(end - p));
		/* Printable ASCII, newline, tab, and UTF-8 but C1. */
		if ((n == 1 && (*p >= 0x20 || *p == '\n' || *p == '\t') &&
		    *p != 0x7f) || (n == 2 && !(p[0] == 0xc2 && p[1] < 0xa0)) ||
		    n > 2) {
			p += n;
			continue;
		}
		buf_add(out, run, (size_t)(p - run));
		if (n == 0) {
			if (st == TERM_JSON)
				buf_adds(out, "\\ufffd");
			else
				buf_addf(out, "\\x%02x", *p);
			n = 1;
		} else if (st == TERM_JSON)
			buf_addf(out, "\\u%04x", n == 1 ? *p : p[1]);
		else if (n == 1)
			buf_addf(out, "^%c", *p == 0x7f ? '?' : *p + 0x40);
		else
			buf_addf(out, "\\x%02x\\x%02x", p[0], p[1]);
		p += n;
		run = p;
	}
	buf_add(out, run, (size_t)(p - run));
}

int
term_colour(int fd)
{
	const char *nc = getenv("NO_COLOR"), *t = getenv("TERM");

	if (nc != NULL && *nc != '\0')
		return 0;
	if (t == NULL || *t == '\0' || strcmp(t, "dumb") == 0)
		return 0;
	return isatty(fd);
}

int
term_escaping(int fd, int raw)
{
	return !raw && isatty(fd);
}

int
term_write(FILE *fp, const char *s, size_t len, int escape,
    enum term_style st)
{
	struct buf b = BUF_INIT;
	int rv;

	if (!escape)
		return fwrite(s, 1, len, fp) == len ? 0 : -1;
	term_escape(&b, s, len, st);
	rv = fwrite(b.data, 1, b.len, fp) == b.len ? 0 : -1;
	buf_release(&b);
	return rv;
}

int
term_printf(FILE *fp, int escape, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	int rv;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	rv = term_write(fp, b.data, b.len, escape, TERM_TEXT);
	buf_release(&b);
	return rv;
}

int
term_open_foreground(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd != -1 && tcgetpgrp(fd) != getpgrp()) {
		close(fd);
		fd = -1;
	}
	return fd;
}
