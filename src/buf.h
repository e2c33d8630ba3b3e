/* buf.h - a growable byte buffer, always NUL-terminated, never NULL. */
#ifndef LC_BUF_H
#define LC_BUF_H

#include <stdarg.h>
#include <sys/types.h>

#include <stddef.h>

#include "xmalloc.h"

struct buf {
	char	*data;	/* points at buf_empty until something is added */
	size_t	 len;
	size_t	 cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
/* Frees the storage and leaves b as after buf_init. */
void buf_release(struct buf *b);
/* buf_release, after overwriting the contents with zeroes (secrets). */
void buf_wipe(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...) LC_PRINTF(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) LC_PRINTF(2, 0);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
/* The value of hex digit c ('0'-'9', 'a'-'f', 'A'-'F'), or -1. */
int hex_digit(int c);

/* How pct_decode takes a '%' that does not start a "%XX" escape. */
enum pct_mode {
	/* An error: every '%' starts an escape; "%00" is a NUL byte. */
	PCT_STRICT,
	/* Kept as it is, and "%00" too: the result holds no NUL byte that
	 * was not in s, so it can be a C string. */
	PCT_LENIENT,
};

/*
 * Appends len bytes of s to out with every "%XX" (X a hex digit, either
 * case) decoded to its byte; '+' stays '+'.  Returns 0, or -1 (PCT_STRICT
 * only) with out as it was.  Pure.
 */
int pct_decode(struct buf *out, const char *s, size_t len,
    enum pct_mode mode);
/* Hands the string to the caller (who frees it); b is left empty. */
char *buf_detach(struct buf *b, size_t *len);

/*
 * Appends s as a JSON string the way Python's json.dumps (ensure_ascii)
 * writes it, for the AWS CLI's cache keys: UTF-8 as \uXXXX escapes (a
 * surrogate pair past U+FFFF), a byte that begins no valid sequence as
 * itself (Latin-1).
 */
void buf_add_pyjson(struct buf *b, const char *s);

/*
 * Reads fd until its end or until n bytes are in buf, through EINTR and
 * short reads: the count (n means there may be more), or -1 with errno.
 * With n one past a limit, a count of n says the file is over it.
 */
ssize_t read_all(int fd, void *buf, size_t n);
/* Writes all n bytes of data to fd, through EINTR and short writes: 0, or
 * -1 with errno. */
int write_all(int fd, const void *data, size_t n);

#endif
