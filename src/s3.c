/* s3.c - artifacts in S3: keys, HeadObject, PutObject, multipart uploads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"

char *
s3_artifact_key(const char *prefix, const char *name, const char *sha256_hex)
{
	return xasprintf("%s%s/%s.zip", prefix != NULL ? prefix : "", name,
	    sha256_hex);
}

int
s3_put_file(struct aws_client *c, const char *bucket, const char *key,
    const char *path, const char *sha256_hex,
    const struct s3_upload_opts *o, struct lc_err *err)
{
	(void)c; (void)bucket; (void)key; (void)path; (void)sha256_hex;
	(void)o;
	return lc_error(err, LC_EFAIL, "s3: not yet");
}
