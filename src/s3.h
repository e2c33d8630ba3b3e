/* s3.h - Amazon S3 for artifacts: where one lives, whether it is there,
 * and a file uploaded to it streamed (PutObject, or a multipart upload
 * with parts in parallel). */
#ifndef LC_S3_H
#define LC_S3_H

#include <signal.h>
#include <stdint.h>

#include "aws.h"
#include "err.h"
#include "http.h"

struct s3_upload_opts {
	int		 concurrency;	/* parts in flight; 0: 4 */
	uint64_t	 part_size;	/* 0: 8 MiB */
	uint64_t	 multipart_threshold; /* 0: 16 MiB; below: PutObject */
	const struct http_opts *http;	/* for the part workers' connections */
	void		(*progress)(void *arg, uint64_t sent, uint64_t total);
	void		 *progress_arg;
	const volatile sig_atomic_t *stop; /* set (by a signal): abort, -1 */
};

/* The key of an artifact: PREFIX NAME "/" SHA256HEX ".zip" (prefix NULL:
 * ""; taken as is).  Caller frees. */
char *s3_artifact_key(const char *prefix, const char *name,
    const char *sha256_hex);

/*
 * The request path of key: "/" and the key percent-encoded once ('/'
 * kept), as sent and signed.  On aws_s3_endpoint's endpoint for the
 * bucket, ORIGIN BASE PATH is the object's URL.  Caller frees.
 */
char *s3_key_path(const char *key);

/*
 * Puts the file at path (its SHA-256 hex given, as package computed it) in
 * bucket/key unless an object with its size and SHA-256 is already there
 * (HeadObject first; the hash is kept as user metadata x-amz-meta-sha256;
 * every body also carries its S3 checksum, x-amz-checksum-sha256).
 * c's region must be the bucket's.  Returns 1 uploaded, 0 already there,
 * -1 with err (a multipart upload begun is aborted; a bucket in another
 * region -- S3's x-amz-bucket-region header or the <Region> of its error
 * body -- is a clear one-line error naming the bucket and both regions,
 * LC_ECONFIG, from the HEAD, before any upload; NoSuchBucket, AccessDenied
 * named).
 */
int s3_put_file(struct aws_client *c, const char *bucket, const char *key,
    const char *path, const char *sha256_hex,
    const struct s3_upload_opts *o, struct lc_err *err);

/*
 * Makes the failed S3 call in err (aws_call's) one clear line naming the
 * bucket, "s3://BUCKET: OP: CODE: message"; a bucket in another region
 * (x-amz-bucket-region) is LC_ECONFIG naming both; a bodiless 403/404 has
 * the code AccessDenied/NotFound.  Returns -1.
 */
int s3_error(const struct aws_client *c, const char *bucket,
    const struct aws_response *rs, struct lc_err *err);

/* The part size of a multipart upload of size bytes: want (0: 8 MiB), at
 * least 5 MiB, doubled until there are at most 10,000 parts. */
uint64_t s3_part_size(uint64_t size, uint64_t want);
/* The CompleteMultipartUpload body for parts 1..n with these ETags and
 * base64 SHA-256 checksums (sums NULL: none). */
void s3_complete_xml(struct buf *out, char *const *etags,
    char *const *sums, size_t n);

#endif
