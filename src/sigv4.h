/*
 * sigv4.h - AWS Signature Version 4, pure: no I/O, no clock, no curl.
 *
 * The caller passes the request exactly as it will go on the wire (the path
 * and query already percent-encoded the way they are sent) and the signing
 * time; the signer returns every intermediate product, so that tests can
 * check each stage, and the headers or query string to add.
 */
#ifndef LC_SIGV4_H
#define LC_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "sha256.h"

#define SIGV4_HEX_LEN SHA256_HEX_LEN	/* hex SHA-256 without the NUL */

struct sigv4_header {
	const char	*name;
	const char	*value;	/* may hold folded lines ("a\n  b") */
};

struct sigv4_creds {
	const char	*access_key_id;
	const char	*secret_access_key;
	const char	*session_token;		/* NULL or "" for none */
};

enum sigv4_flags {
	/* Remove "." and ".." and empty segments (every service but S3). */
	SIGV4_NORMALIZE_PATH = 1 << 0,
	/* Add and sign x-amz-content-sha256 (header signing only). */
	SIGV4_SIGN_BODY = 1 << 1,
	/* Add the session token after signing, outside the signature. */
	SIGV4_OMIT_SESSION_TOKEN = 1 << 2,
	/* Presigned URL: the authentication goes in the query string. */
	SIGV4_QUERY = 1 << 3,
	/*
	 * The path is already percent-encoded once, as S3 verifies it: the
	 * canonical URI is the path as sent, not encoded a second time.
	 */
	SIGV4_URI_AS_SENT = 1 << 4,
};

struct sigv4_input {
	const char			*method;
	const char			*path;	/* as sent, e.g. "/a/fn%3Aprod" */
	const char			*query;	/* as sent, no '?'; NULL: none */
	const struct sigv4_header	*headers;	/* as sent; Host required */
	size_t				 nheaders;
	/* Lowercase hex SHA-256 of the body; NULL means the empty body. */
	const char			*payload_hash;
	const struct sigv4_creds	*creds;
	const char			*region;
	const char			*service;
	time_t				 time;		/* signing time (UTC) */
	unsigned			 flags;		/* enum sigv4_flags */
	long				 expires;	/* SIGV4_QUERY: seconds */
};

#define SIGV4_MAX_ADDED 4

struct sigv4_added {
	char	 name[32];
	char	*value;
};

struct sigv4_output {
	char			 amz_date[17];		/* 20150830T123600Z */
	char			*canonical_request;
	char			*string_to_sign;
	char			*signed_headers;	/* "host;x-amz-date" */
	char			 signature[SIGV4_HEX_LEN + 1];
	/*
	 * Header signing: the headers to append to the request, in this
	 * order: X-Amz-Security-Token (when there is a token), X-Amz-Date,
	 * x-amz-content-sha256 (SIGV4_SIGN_BODY), Authorization.
	 * Query signing: X-Amz-Security-Token never appears here.
	 */
	struct sigv4_added	 added[SIGV4_MAX_ADDED];
	size_t			 nadded;
	/*
	 * Query signing: the whole query string to send (no '?'): the
	 * request's own parameters as given, then X-Amz-Algorithm,
	 * X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires,
	 * X-Amz-Security-Token (when there is a token), X-Amz-Signature.
	 * NULL for header signing.
	 */
	char			*query;
};

/*
 * Signs the request described by in.  Returns 0 and fills out (release it
 * with sigv4_output_release), or -1 with err filled (e.g. no Host header,
 * a malformed percent-escape).
 */
int sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out,
    struct lc_err *err);
/* Frees what sigv4_sign allocated, wiping the Authorization value. */
void sigv4_output_release(struct sigv4_output *out);


/*
 * Appends s percent-encoded as SigV4 wants it: unreserved characters
 * (A-Z a-z 0-9 - . _ ~) as they are, every other byte as %XX (uppercase);
 * '/' kept when keep_slash.  Used to build request paths and queries.
 */
void sigv4_uri_encode(struct buf *out, const char *s, size_t len,
    int keep_slash);

#endif
