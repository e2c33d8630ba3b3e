/* sha256.c - incremental SHA-256 over OpenSSL's EVP; hex, base64, files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "b64.h"
#include "sha256.h"
#include "xmalloc.h"

#define SHA256_CHUNK	(64 * 1024)

_Static_assert(B64_LEN(SHA256_LEN) == SHA256_B64_LEN,
    "SHA256_B64_LEN is the base64 length of a digest");

void
sha256_init(struct sha256_ctx *h)
{
	EVP_MD_CTX *ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		die("out of memory (EVP_MD_CTX)");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		die("SHA-256 initialisation failed");
	h->md = ctx;
}

void
sha256_update(struct sha256_ctx *h, const void *data, size_t len)
{
	if (len > 0 && EVP_DigestUpdate(h->md, data, len) != 1)
		die("SHA-256 update failed");
}

void
sha256_final(struct sha256_ctx *h, unsigned char md[SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->md, md, &n) != 1 || n != SHA256_LEN)
		die("SHA-256 finalisation failed");
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

void
sha256_final_hex(struct sha256_ctx *h, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[SHA256_LEN];

	sha256_final(h, md);
	sha256_to_hex(md, hex);
}

void
sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx h;

	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final_hex(&h, hex);
}

void
sha256_to_hex(const unsigned char md[SHA256_LEN],
    char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

void
sha256_to_b64(const unsigned char md[SHA256_LEN],
    char b64[SHA256_B64_LEN + 1])
{
	b64_encode(b64, md, SHA256_LEN);
}

int
sha256_reader(size_t (*rd)(void *, char *, size_t), void *arg,
    unsigned char md[SHA256_LEN], uint64_t *size)
{
	struct sha256_ctx h;
	char *chunk = xmalloc(SHA256_CHUNK);
	uint64_t total = 0;
	size_t n;

	sha256_init(&h);
	while ((n = rd(arg, chunk, SHA256_CHUNK)) != 0 && n != (size_t)-1) {
		sha256_update(&h, chunk, n);
		total += n;
	}
	sha256_final(&h, md);
	OPENSSL_cleanse(chunk, SHA256_CHUNK);
	free(chunk);
	if (size != NULL)
		*size = total;
	return n == (size_t)-1 ? -1 : 0;
}

int
sha256_file(const char *path, unsigned char md[SHA256_LEN], uint64_t *size,
    struct lc_err *err)
{
	struct sha256_ctx h;
	unsigned char *chunk;
	uint64_t total = 0;
	ssize_t n;
	int fd, rv = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return lc_error(err, LC_EFAIL, "cannot read '%s': %s", path,
		    strerror(errno));
	chunk = xmalloc(SHA256_CHUNK);
	sha256_init(&h);
	for (;;) {
		if ((n = read(fd, chunk, SHA256_CHUNK)) == -1) {
			if (errno == EINTR)
				continue;
			lc_error(err, LC_EFAIL, "cannot read '%s': %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		sha256_update(&h, chunk, (size_t)n);
		total += (uint64_t)n;
	}
	if (size != NULL)
		*size = total;
	rv = 0;
out:
	sha256_final(&h, md);	/* frees the context either way */
	if (rv == -1)
		memset(md, 0, SHA256_LEN);
	free(chunk);
	close(fd);
	return rv;
}
