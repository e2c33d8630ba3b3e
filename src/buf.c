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
	if (b->cap == 0) {
		b->data = xmalloc(want);
		b->data[0] = '\0';
	} else
		b->data = xrealloc(b->data, want);
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
