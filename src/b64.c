/* b64.c - base64 encoding (whole or streamed) and strict decoding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "xmalloc.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encodes one group of n (1 to 3) bytes as four characters. */
static void
group(char *dst, const unsigned char *p, size_t n)
{
	uint32_t v = (uint32_t)p[0] << 16;

	if (n > 1)
		v |= (uint32_t)p[1] << 8;
	if (n > 2)
		v |= p[2];
	dst[0] = alphabet[v >> 18];
	dst[1] = alphabet[(v >> 12) & 63];
	dst[2] = n > 1 ? alphabet[(v >> 6) & 63] : '=';
	dst[3] = n > 2 ? alphabet[v & 63] : '=';
}

size_t
b64_encode(char *dst, const void *src, size_t len)
{
	struct b64_stream s;
	size_t n;

	b64_stream_init(&s);
	n = b64_stream_update(&s, dst, src, len);
	n += b64_stream_final(&s, dst + n);
	dst[n] = '\0';
	return n;
}

char *
b64_encode_str(const void *src, size_t len)
{
	char *dst;

	if (len > SIZE_MAX / 4 * 3 - 3)
		die("base64: %zu bytes is too much", len);
	dst = xmalloc(B64_LEN(len) + 1);
	b64_encode(dst, src, len);
	return dst;
}

void
b64_stream_init(struct b64_stream *s)
{
	memset(s, 0, sizeof *s);
}

size_t
b64_stream_update(struct b64_stream *s, char *dst, const void *src,
    size_t len)
{
	const unsigned char *p = src;
	unsigned char g[3];
	size_t out = 0, take;

	if (s->ncarry > 0 && s->ncarry + len >= 3) {
		memcpy(g, s->carry, s->ncarry);
		take = 3 - s->ncarry;
		memcpy(g + s->ncarry, p, take);
		group(dst, g, 3);
		out = 4;
		p += take;
		len -= take;
		s->ncarry = 0;
	}
	for (; s->ncarry == 0 && len >= 3; p += 3, len -= 3, out += 4)
		group(dst + out, p, 3);
	memcpy(s->carry + s->ncarry, p, len);
	s->ncarry += len;
	return out;
}

size_t
b64_stream_final(struct b64_stream *s, char *dst)
{
	size_t n = s->ncarry;

	if (n == 0)
		return 0;
	group(dst, s->carry, n);
	s->ncarry = 0;
	return 4;
}

/* The value of base64 digit c, or -1. */
static int
digit(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

char *
b64_decode(const char *in, size_t len, size_t *outlen)
{
	unsigned char *out;
	size_t i, n = 0, pad = 0;
	uint32_t v;
	int d, k;

	if (len % 4 != 0)
		return NULL;
	if (len > 0 && in[len - 1] == '=')
		pad = len > 1 && in[len - 2] == '=' ? 2 : 1;
	out = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i += 4) {
		for (v = 0, k = 0; k < 4; k++) {
			if (i + (size_t)k >= len - pad)
				d = 0;
			else if ((d = digit(in[i + (size_t)k])) == -1) {
				free(out);
				return NULL;
			}
			v = v << 6 | (uint32_t)d;
		}
		out[n++] = (unsigned char)(v >> 16);
		out[n++] = (unsigned char)(v >> 8);
		out[n++] = (unsigned char)v;
	}
	n -= pad;
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return (char *)out;
}
