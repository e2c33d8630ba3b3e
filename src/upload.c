/*
 * upload.c - a request body streamed from a file: a JSON document whose one
 * placeholder string is replaced by the base64 of the file, read (and
 * encoded) as the body goes out, in two passes (SHA-256 for the signature,
 * then the upload), so that memory stays flat whatever the file's size.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "b64.h"
#include "sha256.h"
#include "upload.h"

/* File bytes read (and base64-encoded) at a time. */
#define RAW_CHUNK	(48 * 1024)

enum body_phase {
	BODY_PREFIX,
	BODY_FILE,
	BODY_SUFFIX,
	BODY_DONE,
};

struct upload_body {
	struct http_stream	 stream;
	FILE			*fp;
	char			*path;
	char			*json;	/* prefix, placeholder, suffix */
	size_t			 json_len;
	size_t			 prefix_len;
	const char		*suffix;	/* points into json */
	size_t			 suffix_len;
	uint64_t		 size;
	char			 sha256[SHA256_HEX_LEN + 1];
	/* Where the reader is. */
	enum body_phase		 phase;
	size_t			 off;		/* in prefix, enc or suffix */
	uint64_t		 done;	/* file bytes encoded so far */
	struct b64_stream	 b64;
	size_t			 enc_len;
	int			 failed;
	char			 errmsg[512];
	unsigned char		 raw[RAW_CHUNK];
	char			 enc[B64_LEN(RAW_CHUNK + 2) + 4];
};

/* Refills enc with the base64 of the next chunk of the file. */
static int
body_refill(struct upload_body *b)
{
	uint64_t left = b->size - b->done;
	size_t want = left < RAW_CHUNK ? (size_t)left : RAW_CHUNK, got;

	got = fread(b->raw, 1, want, b->fp);
	if (got != want) {
		if (ferror(b->fp))
			snprintf(b->errmsg, sizeof b->errmsg, "cannot read "
			    "'%s': %s", b->path, strerror(errno != 0 ? errno :
			    EIO));
		else
			snprintf(b->errmsg, sizeof b->errmsg, "'%s' shrank "
			    "while being uploaded", b->path);
		return -1;
	}
	b->done += want;
	if (b->done == b->size && getc(b->fp) != EOF) {
		snprintf(b->errmsg, sizeof b->errmsg, "'%s' grew while being "
		    "uploaded", b->path);
		return -1;
	}
	b->enc_len = b64_stream_update(&b->b64, b->enc, b->raw, want);
	if (b->done == b->size)
		b->enc_len += b64_stream_final(&b->b64, b->enc + b->enc_len);
	b->off = 0;
	return 0;
}

/* Copies what is left of src (from b->off) into dst, at most room bytes. */
static size_t
body_copy(struct upload_body *b, char *dst, size_t room, const void *src,
    size_t len)
{
	size_t n = len - b->off < room ? len - b->off : room;

	memcpy(dst, (const char *)src + b->off, n);
	b->off += n;
	return n;
}

/* http_stream read: prefix, then base64(file), then suffix. */
static size_t
body_read(void *arg, char *dst, size_t len)
{
	struct upload_body *b = arg;
	size_t n = 0;

	if (b->failed)
		return (size_t)-1;
	while (n < len && b->phase != BODY_DONE) {
		switch (b->phase) {
		case BODY_PREFIX:
			n += body_copy(b, dst + n, len - n, b->json,
			    b->prefix_len);
			if (b->off == b->prefix_len) {
				b->phase = BODY_FILE;
				b->off = b->enc_len = 0;
			}
			break;
		case BODY_FILE:
			if (b->off == b->enc_len) {
				if (b->done == b->size) {
					b->phase = BODY_SUFFIX;
					b->off = 0;
					break;
				}
				errno = 0;
				if (body_refill(b) == -1) {
					b->failed = 1;
					return (size_t)-1;
				}
			}
			n += body_copy(b, dst + n, len - n, b->enc,
			    b->enc_len);
			break;
		case BODY_SUFFIX:
			n += body_copy(b, dst + n, len - n, b->suffix,
			    b->suffix_len);
			if (b->off == b->suffix_len)
				b->phase = BODY_DONE;
			break;
		case BODY_DONE:
			break;
		}
	}
	return n;
}

/*
 * http_stream rewind: back to the first byte, for a retry.  Not after a
 * read error: the file changed under us, and sending it again would not
 * help.
 */
static int
body_rewind(void *arg)
{
	struct upload_body *b = arg;

	if (b->failed || fseeko(b->fp, 0, SEEK_SET) == -1)
		return -1;
	clearerr(b->fp);
	b->phase = BODY_PREFIX;
	b->off = b->enc_len = 0;
	b->done = 0;
	b64_stream_init(&b->b64);
	return 0;
}

/* Splits json around "placeholder" and opens the file. */
static int
body_setup(struct upload_body *b, const char *json, const char *placeholder,
    const char *path, struct lc_err *err)
{
	char *quoted = xasprintf("\"%s\"", placeholder);
	const char *at = strstr(json, quoted);
	struct stat st;
	uint64_t enc;
	int ret = -1;

	if (at == NULL || strstr(at + 1, quoted) != NULL) {
		lc_error(err, LC_EFAIL, "the request body must hold the file "
		    "placeholder exactly once");
		goto out;
	}
	b->json_len = strlen(json);
	b->json = xstrdup(json);
	b->prefix_len = (size_t)(at - json) + 1;
	b->suffix = b->json + b->prefix_len + strlen(placeholder);
	b->suffix_len = b->json_len - b->prefix_len - strlen(placeholder);
	b->path = xstrdup(path);
	if ((b->fp = fopen(path, "rb")) == NULL ||
	    fstat(fileno(b->fp), &st) == -1) {
		lc_error(err, LC_ECONFIG, "cannot open '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		lc_error(err, LC_ECONFIG, "'%s' is not a regular file",
		    path);
		goto out;
	}
	b->size = (uint64_t)st.st_size;
	enc = B64_LEN(b->size);
	if (enc > SIZE_MAX - b->prefix_len - b->suffix_len) {
		lc_error(err, LC_ECONFIG, "'%s' is too large", path);
		goto out;
	}
	b->stream.len = b->prefix_len + (size_t)enc + b->suffix_len;
	b->stream.read = body_read;
	b->stream.rewind = body_rewind;
	b->stream.arg = b;
	ret = 0;
out:
	free(quoted);
	return ret;
}

/* The first pass: SHA-256 of the exact bytes the upload will send. */
static int
body_hash(struct upload_body *b, struct lc_err *err)
{
	unsigned char md[SHA256_LEN];
	uint64_t total;
	int r;

	r = sha256_reader(body_read, b, md, &total);
	sha256_to_hex(md, b->sha256);
	if (r == -1)
		return lc_error(err, LC_EFAIL, "%s", b->errmsg);
	if (total != b->stream.len)
		return lc_error(err, LC_EFAIL, "'%s' changed while being read",
		    b->path);
	if (body_rewind(b) == -1)
		return lc_error(err, LC_EFAIL, "cannot rewind '%s': %s",
		    b->path, strerror(errno));
	return 0;
}

int
upload_body_open(struct upload_body **bp, const char *json,
    const char *placeholder, const char *path, struct lc_err *err)
{
	struct upload_body *b = xcalloc(1, sizeof *b);

	*bp = NULL;
	if (body_setup(b, json, placeholder, path, err) == -1 ||
	    body_hash(b, err) == -1) {
		upload_body_free(b);
		return -1;
	}
	*bp = b;
	return 0;
}

const struct http_stream *
upload_body_stream(const struct upload_body *b)
{
	return &b->stream;
}

const char *
upload_body_sha256(const struct upload_body *b)
{
	return b->sha256;
}

const char *
upload_body_error(const struct upload_body *b)
{
	return b->failed ? b->errmsg : NULL;
}

void
upload_body_free(struct upload_body *b)
{
	if (b == NULL)
		return;
	if (b->fp != NULL)
		fclose(b->fp);
	free(b->path);
	if (b->json != NULL) {
		OPENSSL_cleanse(b->json, b->json_len);
		free(b->json);
	}
	OPENSSL_cleanse(b, sizeof *b);
	free(b);
}

