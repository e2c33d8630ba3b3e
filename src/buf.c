/* buf.c - a growable byte buffer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "buf.h"

char buf_empty[1];

void
buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void
buf_wipe(struct buf *b)
{
	if (b->cap)
		OPENSSL_cleanse(b->data, b->cap);
	buf_release(b);
}

void
buf_grow(struct buf *b, size_t extra)
{
	char *bigger;
	size_t want;

	if (extra > SIZE_MAX - b->len - 1)
		die("buffer size overflow");
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (want < b->cap + b->cap / 2)
		want = b->cap + b->cap / 2;
	if (want < 64)
		want = 64;
	/*
	 * Never realloc: what a buffer held (a response with keys in it, a
	 * token) is wiped, not left in a freed block.
	 */
	bigger = xmalloc(want);
	if (b->cap == 0)
		bigger[0] = '\0';
	else {
		memcpy(bigger, b->data, b->len + 1);
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = bigger;
	b->cap = want;
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die("vsnprintf failed for '%s'", fmt);
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';	/* cap > 0 here, so data is ours */
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *s;

	if (len)
		*len = b->len;
	s = b->cap ? b->data : xstrdup("");
	buf_init(b);
	return s;
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pct_decode(struct buf *out, const char *s, size_t len, enum pct_mode mode)
{
	size_t i, start = out->len;
	int hi, lo;

	buf_grow(out, len);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && len - i >= 3 &&
		    (hi = hex_digit((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hex_digit((unsigned char)s[i + 2])) >= 0 &&
		    (mode == PCT_STRICT || (hi | lo) != 0)) {
			buf_addch(out, hi << 4 | lo);
			i += 2;
		} else if (s[i] == '%' && mode == PCT_STRICT) {
			buf_truncate(out, start);
			return -1;
		} else
			buf_addch(out, s[i]);
	}
	return 0;
}

ssize_t
read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t len = 0;
	ssize_t r;

	while (len < n && (r = read(fd, p + len, n - len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		len += (size_t)r;
	}
	return (ssize_t)len;
}

int
write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The code point of the UTF-8 sequence at *s, advancing *s; a byte that
 * begins no valid sequence stands for itself (Latin-1).
 */
static unsigned long
utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned long cp;
	int n, i;

	if (p[0] < 0xc2 || p[0] > 0xf4) {
		*s = p + 1;
		return p[0];
	}
	n = p[0] < 0xe0 ? 1 : p[0] < 0xf0 ? 2 : 3;
	cp = p[0] & (0x3f >> n);
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + 1;
			return p[0];
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
		*s = p + 1;
		return p[0];
	}
	*s = p + n + 1;
	return cp;
}

void
buf_add_pyjson(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;

	buf_addch(b, '"');
	while (*p != '\0') {
		cp = utf8_next(&p);
		if (cp == '"' || cp == '\\')
			buf_addf(b, "\\%c", (int)cp);
		else if (cp == '\n')
			buf_adds(b, "\\n");
		else if (cp == '\r')
			buf_adds(b, "\\r");
		else if (cp == '\t')
			buf_adds(b, "\\t");
		else if (cp == '\b')
			buf_adds(b, "\\b");
		else if (cp == '\f')
			buf_adds(b, "\\f");
		else if (cp >= 0x20 && cp < 0x7f)
			buf_addch(b, (int)cp);
		else if (cp < 0x10000)
			buf_addf(b, "\\u%04lx", cp);
		else
			buf_addf(b, "\\u%04lx\\u%04lx",
			    0xd800 + ((cp - 0x10000) >> 10),
			    0xdc00 + ((cp - 0x10000) & 0x3ff));
	}
	buf_addch(b, '"');
}
