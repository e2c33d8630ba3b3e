/*
 * upload.h - a request body streamed from a file: a JSON document with one
 * string, "placeholder", replaced by the base64 of the file (Lambda's
 * Code.ZipFile), read from the file as the body goes out.
 */
#ifndef LC_UPLOAD_H
#define LC_UPLOAD_H

#include "err.h"
#include "http.h"

struct upload_body;

/*
 * Opens the body for json, which must hold "placeholder" (quoted) exactly
 * once, and the file at path, and makes the first pass: the SHA-256 of the
 * whole body (lowercase hex), after which it rewinds.  Returns 0, or -1
 * with err.
 */
int upload_body_open(struct upload_body **b, const char *json,
    const char *placeholder, const char *path, struct lc_err *err);
/* The body as an http_stream (rewind starts it over, for a retry). */
const struct http_stream *upload_body_stream(const struct upload_body *b);
const char *upload_body_sha256(const struct upload_body *b);
/* Why the stream failed (the file could not be read, or changed), or NULL
 * when it has not. */
const char *upload_body_error(const struct upload_body *b);
void upload_body_free(struct upload_body *b);

#endif
