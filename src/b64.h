/*
 * b64.h - base64 (RFC 4648, standard alphabet, '=' padding): a buffer at
 * once, a stream in pieces of any size (for request bodies streamed from a
 * file), and strict decoding.
 */
#ifndef LC_B64_H
#define LC_B64_H

#include <stddef.h>

/* The encoded length of n bytes, without a NUL. */
#define B64_LEN(n)	(((n) + 2) / 3 * 4)

/* Encodes the len bytes at src into dst, which holds B64_LEN(len) + 1
 * bytes; NUL-terminates it and returns B64_LEN(len). */
size_t b64_encode(char *dst, const void *src, size_t len);
/* The same into a new string, the caller's. */
char *b64_encode_str(const void *src, size_t len);

/*
 * Encoding in pieces: b64_stream_update encodes every whole group of three
 * bytes it has (up to two are carried over to the next call) into dst,
 * which holds B64_LEN(len + 2) bytes; b64_stream_final writes the last,
 * padded group (up to 4 bytes).  Both return the bytes written; neither
 * NUL-terminates.  The pieces together equal b64_encode of the whole.
 */
struct b64_stream {
	unsigned char	carry[2];
	size_t		ncarry;
};

void b64_stream_init(struct b64_stream *s);
size_t b64_stream_update(struct b64_stream *s, char *dst, const void *src,
    size_t len);
size_t b64_stream_final(struct b64_stream *s, char *dst);

/*
 * Decodes len bytes of base64 text: groups of four of A-Z, a-z, 0-9, '+'
 * and '/', with '=' padding only at the very end, nothing else (no white
 * space).  Returns a new NUL-terminated buffer, the caller's, with its
 * length in *outlen (may be NULL); NULL when in is not such text.
 */
char *b64_decode(const char *in, size_t len, size_t *outlen);

#endif
