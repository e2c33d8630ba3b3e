/*
 * sha256.h - SHA-256 (OpenSSL's EVP), incremental so that a large body or
 * zip never has to sit in memory, with the hex form SigV4 signs and the
 * base64 form Lambda's CodeSha256 uses.  The one I/O here is
 * sha256_file, which streams a file.
 */
#ifndef LC_SHA256_H
#define LC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SHA256_LEN	32	/* the raw digest */
#define SHA256_HEX_LEN	64	/* lowercase hex, without the NUL */
#define SHA256_B64_LEN	44	/* base64 with its padding, without the NUL */

struct sha256_ctx {
	void	*md;	/* EVP_MD_CTX; NULL once finished */
};

void sha256_init(struct sha256_ctx *h);
void sha256_update(struct sha256_ctx *h, const void *data, size_t len);
/* The raw digest; frees the context (h->md is NULL after). */
void sha256_final(struct sha256_ctx *h, unsigned char md[SHA256_LEN]);
/* The digest as lowercase hex and a NUL; frees the context. */
void sha256_final_hex(struct sha256_ctx *h, char hex[SHA256_HEX_LEN + 1]);
/* The lowercase hex SHA-256 of data, in one go. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

/* 32 bytes (a digest or an HMAC) as lowercase hex and a NUL. */
void sha256_to_hex(const unsigned char md[SHA256_LEN],
    char hex[SHA256_HEX_LEN + 1]);
/* 32 bytes as base64 ("ungWv48B...=") and a NUL. */
void sha256_to_b64(const unsigned char md[SHA256_LEN],
    char b64[SHA256_B64_LEN + 1]);

/*
 * Streams what rd gives through SHA-256 until it returns 0 (the end) or
 * (size_t)-1 (an error: the reader knows why): an http_stream's read, with
 * arg.  The digest into md and the bytes into *size (may be NULL).  Returns
 * 0, or -1 when rd failed.  The buffer is wiped: a body may hold secrets.
 */
int sha256_reader(size_t (*rd)(void *arg, char *dst, size_t len), void *arg,
    unsigned char md[SHA256_LEN], uint64_t *size);
/*
 * Streams the file at path through SHA-256: the digest into md and the
 * number of bytes read into *size (may be NULL).  Returns 0, or -1 with
 * "cannot read 'PATH': REASON" (LC_EFAIL).
 */
int sha256_file(const char *path, unsigned char md[SHA256_LEN],
    uint64_t *size, struct lc_err *err);

#endif
