/*
 * s3.c - artifacts in S3: content-addressed keys, HeadObject, PutObject
 * streamed from the file, and multipart uploads whose parts are streamed
 * from regions of the file by worker threads, each with its own HTTP
 * client.  No part is ever held in memory: a part's SHA-256 is computed in
 * a first pass over its region (pread), then the region is sent.
 *
 * The artifact's SHA-256 (hex) is kept as the user metadata
 * x-amz-meta-sha256; "already there" means HeadObject answers with the
 * file's size and that value.  Each body's integrity is checked by S3
 * itself twice: against the signed x-amz-content-sha256, and against its
 * S3 checksum (x-amz-checksum-sha256, base64, with the SDKs'
 * x-amz-sdk-checksum-algorithm SHA256; a multipart upload is
 * created with x-amz-checksum-algorithm SHA256, and Complete lists each
 * part's ChecksumSHA256).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "s3.h"
#include "sha256.h"
#include "sigv4.h"

#define S3_DEFAULT_CONCURRENCY	4
#define S3_DEFAULT_PART		(8ULL * 1024 * 1024)
#define S3_DEFAULT_THRESHOLD	(16ULL * 1024 * 1024)
#define S3_MIN_PART		(5ULL * 1024 * 1024)
#define S3_MAX_PARTS		10000
#define S3_MAX_CONCURRENCY	32
/* AbortMultipartUpload, after a failure or a Ctrl-C: never minutes. */
#define S3_ABORT_ATTEMPTS	2
#define S3_ABORT_TIMEOUT	4	/* seconds an attempt */

char *
s3_artifact_key(const char *prefix, const char *name, const char *sha256_hex)
{
	return xasprintf("%s%s/%s.zip", prefix != NULL ? prefix : "", name,
	    sha256_hex);
}

uint64_t
s3_part_size(uint64_t size, uint64_t want)
{
	uint64_t p = want != 0 ? want : S3_DEFAULT_PART;

	if (p < S3_MIN_PART)
		p = S3_MIN_PART;
	while (size / p + (size % p != 0) > S3_MAX_PARTS)
		p *= 2;
	return p;
}

void
s3_complete_xml(struct buf *out, char *const *etags, char *const *sums,
    size_t n)
{
	struct buf e = BUF_INIT;
	const char *p;
	size_t i;

	buf_adds(out, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws"
	    ".com/doc/2006-03-01/\">");
	for (i = 0; i < n; i++) {
		buf_reset(&e);
		for (p = etags[i]; *p != '\0'; p++)
			if (*p == '"')
				buf_adds(&e, "&quot;");
			else if (*p == '&')
				buf_adds(&e, "&amp;");
			else if (*p == '<')
				buf_adds(&e, "&lt;");
			else
				buf_addch(&e, *p);
		buf_addf(out, "<Part><PartNumber>%zu</PartNumber><ETag>%s"
		    "</ETag>", i + 1, e.data);
		if (sums != NULL)
			buf_addf(out, "<ChecksumSHA256>%s</ChecksumSHA256>",
			    sums[i]);
		buf_adds(out, "</Part>");
	}
	buf_adds(out, "</CompleteMultipartUpload>");
	buf_release(&e);
}

char *
s3_key_path(const char *key)
{
	struct buf b = BUF_INIT;

	buf_addch(&b, '/');
	sigv4_uri_encode(&b, key, strlen(key), 1);
	return buf_detach(&b, NULL);
}

/*
 * The bucket's region when S3's answer names one other than c's: the
 * x-amz-bucket-region header (a 301 PermanentRedirect, a 400
 * AuthorizationHeaderMalformed, a HEAD's 403 or 404), else the <Region> of
 * an error body (a 400 AuthorizationHeaderMalformed).  Into r; 0 when none.
 */
static int
other_region(const struct aws_client *c, const struct aws_response *rs,
    struct buf *r)
{
	const char *h = http_header_get(&rs->http, "x-amz-bucket-region");

	buf_reset(r);
	if (h != NULL)
		buf_adds(r, h);
	else if (rs->http.status >= 300 && rs->http.body.len > 0 &&
	    aws_xml_leaf(rs->http.body.data, rs->http.body.len, "Region",
	    r) == -1)
		buf_reset(r);
	return r->len > 0 && c->region != NULL && strcmp(r->data,
	    c->region) != 0;
}

/*
 * An S3 error, made clear: a bucket in another region (other_region) is
 * LC_ECONFIG naming both, since Lambda takes code only from a bucket in
 * the function's region (as S3 sends notifications only to one); a HEAD
 * has no body, so its 403/404 are named here.  (s3-notify.c's too.)
 */
int
s3_error(const struct aws_client *c, const char *bucket,
    const struct aws_response *rs, struct lc_err *err)
{
	struct buf r = BUF_INIT;

	if (other_region(c, rs, &r)) {
		lc_error(err, LC_ECONFIG, "S3 bucket '%s' is in region %s, not "
		    "%s (the function's region): use a bucket in %s", bucket,
		    r.data, c->region, c->region);
		buf_release(&r);
		return -1;
	}
	buf_release(&r);
	if (lc_error_is(err, "HTTP 403"))
		lc_error_set_code(err, "AccessDenied");
	if (lc_error_is(err, "HTTP 404"))
		lc_error_set_code(err, "NotFound");
	if (strncmp(err->code, "HTTP ", 5) != 0 && err->code[0] != '\0' &&
	    strstr(err->msg, err->code) == NULL)
		lc_error_prefix(err, "%s", err->code);
	return lc_error_prefix(err, "s3://%s", bucket);
}

/*
 * Whether a failed HeadObject just means "not known to be there": a 404
 * (S3 also sends x-amz-bucket-region, the bucket's own region, then), or
 * a 403 (without s3:ListBucket, S3 answers 403 for a missing key: the PUT
 * tells) -- unless the answer names another region for the bucket.
 */
static int
head_not_there(const struct aws_client *c, const struct aws_response *rs)
{
	struct buf r = BUF_INIT;
	int other = other_region(c, rs, &r);

	buf_release(&r);
	return !other && (rs->http.status == 404 || rs->http.status == 403);
}

/* HeadObject: 1 there with size and hash, 0 not (or different, or not
 * known), -1. */
static int
head(struct aws_client *c, const char *bucket, const char *path,
    uint64_t size, const char *hex, struct lc_err *err)
{
	struct aws_request rq = { .service = "s3", .op = "HeadObject",
	    .method = "HEAD", .bucket = bucket, .path = path };
	struct aws_response rs;
	const char *len, *sum;
	int ret;

	if (aws_call(c, &rq, &rs, err) == -1) {
		if (head_not_there(c, &rs)) {
			log_debug("s3://%s%s: HeadObject %ld: uploading",
			    bucket, path, rs.http.status);
			lc_error_clear(err);
			ret = 0;
		} else
			ret = s3_error(c, bucket, &rs, err);
		aws_response_release(&rs);
		return ret;
	}
	len = http_header_get(&rs.http, "Content-Length");
	sum = http_header_get(&rs.http, "x-amz-meta-sha256");
	ret = len != NULL && strtoull(len, NULL, 10) == size && sum != NULL &&
	    strcasecmp(sum, hex) == 0;
	aws_response_release(&rs);
	return ret;
}

/* A region of the file, streamed (pread); rewinds for a retry. */
struct region {
	int				 fd;
	uint64_t			 off, len, pos;
	const volatile sig_atomic_t	*stop;
	int				 failed;	/* errno */
	struct http_stream		 st;
};

static size_t
region_read(void *arg, char *dst, size_t len)
{
	struct region *r = arg;
	ssize_t n;

	if (r->stop != NULL && *r->stop)
		return (size_t)-1;	/* curl aborts the request */
	if (len > r->len - r->pos)
		len = (size_t)(r->len - r->pos);
	if (len == 0)
		return 0;
	while ((n = pread(r->fd, dst, len, (off_t)(r->off + r->pos))) == -1 &&
	    errno == EINTR)
		;
	if (n <= 0) {
		r->failed = n == 0 ? EIO : errno;
		return (size_t)-1;
	}
	r->pos += (uint64_t)n;
	return (size_t)n;
}

static int
region_rewind(void *arg)
{
	struct region *r = arg;

	if (r->failed || (r->stop != NULL && *r->stop))
		return -1;
	r->pos = 0;
	return 0;
}

/* Sets up r over [off, off + len) and hashes it (the first pass). */
static int
region_init(struct region *r, int fd, uint64_t off, uint64_t len,
    const volatile sig_atomic_t *stop, char hex[SHA256_HEX_LEN + 1],
    char b64[SHA256_B64_LEN + 1], struct lc_err *err)
{
	unsigned char md[SHA256_LEN];

	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->off = off;
	r->len = len;
	r->stop = stop;
	r->st.read = region_read;
	r->st.rewind = region_rewind;
	r->st.arg = r;
	r->st.len = (size_t)len;
	if (sha256_reader(region_read, r, md, NULL) == -1)
		return r->stop != NULL && *r->stop ?
		    lc_error_interrupted(err, *r->stop) :
		    lc_error(err, LC_EFAIL, "cannot read the artifact: %s",
		    strerror(r->failed));
	sha256_to_hex(md, hex);
	sha256_to_b64(md, b64);
	r->pos = 0;
	return 0;
}

/* A streamed request that failed: why, the file's, a stop or S3's. */
static int
stream_error(const struct aws_client *c, const char *bucket,
    const struct region *r, const struct aws_response *rs,
    struct lc_err *err)
{
	if (r->stop != NULL && *r->stop)
		return lc_error_interrupted(err, *r->stop);
	if (r->failed)
		return lc_error(err, LC_EFAIL, "cannot read the artifact: %s",
		    strerror(r->failed));
	return s3_error(c, bucket, rs, err);
}

static int
put_object(struct aws_client *c, const char *bucket, const char *path,
    int fd, uint64_t size, const char *hex, const struct s3_upload_opts *o,
    struct lc_err *err)
{
	char phex[SHA256_HEX_LEN + 1], b64[SHA256_B64_LEN + 1];
	struct http_header hh[] = { { "x-amz-meta-sha256", hex },
	    { "Content-Type", "application/zip" },
	    { "x-amz-checksum-sha256", b64 },
	    { "x-amz-sdk-checksum-algorithm", "SHA256" } };
	struct aws_request rq = { .service = "s3", .op = "PutObject",
	    .method = "PUT", .bucket = bucket, .path = path, .headers = hh,
	    .nheaders = 4, .progress = o->progress,
	    .progress_arg = o->progress_arg, .stop = o->stop };
	struct aws_response rs;
	struct region r;
	int ret = 0;

	if (region_init(&r, fd, 0, size, o->stop, phex, b64, err) == -1)
		return -1;
	/* Never the wrong bytes under a content-addressed key. */
	if (strcasecmp(phex, hex) != 0)
		return lc_error(err, LC_EFAIL, "s3://%s%s: the zip changed since "
		    "it was packaged (SHA-256 %s, not %s)", bucket, path, phex,
		    hex);
	rq.stream = &r.st;
	rq.payload_hash = phex;
	if (aws_call(c, &rq, &rs, err) == -1)
		ret = stream_error(c, bucket, &r, &rs, err);
	aws_response_release(&rs);
	return ret;
}

/* A multipart upload under way: shared by its part workers. */
struct mpu {
	struct aws_client		*c;
	const char			*bucket, *path, *hex;
	char				*id;		/* UploadId, encoded */
	int				 fd;
	uint64_t			 size, part;
	size_t				 nparts;
	const struct s3_upload_opts	*o;
	/*
	 * Set when a part failed or a signal came (o->stop, seen by the
	 * waiting thread): every part in flight stops within ~0.1 s (the
	 * parts' read callback and HTTP stop).
	 */
	volatile sig_atomic_t		 cancel;
	pthread_mutex_t			 mu;	/* what follows */
	pthread_cond_t			 done;	/* a worker ended */
	int				 running;
	size_t				 next;
	int				 failed;
	struct lc_err			 err;	/* the first failure */
	char				**etags;
	char				**sums;	/* base64 SHA-256s */
	uint64_t			*sent;	/* per part, for progress */
	uint64_t			 total;
};

struct part_progress {
	struct mpu	*m;
	size_t		 i;
};

/* The bytes of every part, added up and reported one call at a time. */
static void
part_progress(void *arg, uint64_t sent, uint64_t total)
{
	struct part_progress *pp = arg;
	struct mpu *m = pp->m;

	(void)total;
	pthread_mutex_lock(&m->mu);
	m->total += sent - m->sent[pp->i];
	m->sent[pp->i] = sent;
	if (m->o->progress != NULL)
		m->o->progress(m->o->progress_arg, m->total, m->size);
	pthread_mutex_unlock(&m->mu);
}

static int
upload_part(struct mpu *m, struct aws_client *c, size_t i, struct lc_err *err)
{
	struct part_progress pp = { m, i };
	char hex[SHA256_HEX_LEN + 1], b64[SHA256_B64_LEN + 1], *q;
	struct http_header hh[] = { { "x-amz-checksum-sha256", b64 },
	    { "x-amz-sdk-checksum-algorithm", "SHA256" } };
	struct aws_request rq = { .service = "s3", .op = "UploadPart",
	    .method = "PUT", .bucket = m->bucket, .path = m->path,
	    .headers = hh, .nheaders = 2,
	    .progress = part_progress, .progress_arg = &pp,
	    .stop = &m->cancel };
	struct aws_response rs;
	struct region r;
	const char *etag;
	uint64_t off = (uint64_t)i * m->part;
	int ret = -1;

	if (region_init(&r, m->fd, off, m->size - off < m->part ?
	    m->size - off : m->part, &m->cancel, hex, b64, err) == -1)
		return -1;
	q = xasprintf("partNumber=%zu&uploadId=%s", i + 1, m->id);
	rq.query = q;
	rq.stream = &r.st;
	rq.payload_hash = hex;
	if (aws_call(c, &rq, &rs, err) == -1)
		stream_error(c, m->bucket, &r, &rs, err);
	else if ((etag = http_header_get(&rs.http, "ETag")) == NULL)
		lc_error(err, LC_EFAIL, "UploadPart: no ETag in the answer");
	else {
		pthread_mutex_lock(&m->mu);
		m->etags[i] = xstrdup(etag);
		m->sums[i] = xstrdup(b64);
		pthread_mutex_unlock(&m->mu);
		ret = 0;
	}
	aws_response_release(&rs);
	free(q);
	return ret;
}

/* A part worker: its own HTTP client; takes parts until none is left. */
static void *
part_worker(void *arg)
{
	struct mpu *m = arg;
	struct aws_client c = *m->c;
	struct lc_err e;
	size_t i;

	c.http = http_client_new(m->o->http);
	for (;;) {
		pthread_mutex_lock(&m->mu);
		if (m->failed || m->next == m->nparts || m->cancel) {
			pthread_mutex_unlock(&m->mu);
			break;
		}
		i = m->next++;
		pthread_mutex_unlock(&m->mu);
		lc_error_clear(&e);
		if (upload_part(m, &c, i, &e) == -1) {
			pthread_mutex_lock(&m->mu);
			if (!m->failed)
				m->err = e;
			m->failed = 1;
			m->cancel = 1;	/* the others stop too */
			pthread_mutex_unlock(&m->mu);
			break;
		}
	}
	http_client_free(c.http);
	pthread_mutex_lock(&m->mu);
	m->running--;
	pthread_cond_signal(&m->done);
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

/* One multipart request without a streamed body: Create, Complete, Abort. */
static int
mpu_call(struct mpu *m, const char *op, const char *method,
    const char *query, const struct buf *body, struct buf *answer,
    struct lc_err *err)
{
	struct http_header hh[] = { { "x-amz-meta-sha256", NULL },
	    { "Content-Type", "application/zip" },
	    { "x-amz-checksum-algorithm", "SHA256" } };
	struct aws_request rq = { .service = "s3", .op = op,
	    .method = method, .bucket = m->bucket, .path = m->path,
	    .query = query };
	struct aws_client c = *m->c;
	struct aws_response rs;
	int ret = 0;

	if (strcmp(op, "AbortMultipartUpload") == 0) {
		c.max_attempts = S3_ABORT_ATTEMPTS;
		rq.timeout = S3_ABORT_TIMEOUT;
	}
	if (strcmp(op, "CreateMultipartUpload") == 0) {
		hh[0].value = m->hex;
		rq.headers = hh;
		rq.nheaders = 3;
	}
	if (body != NULL) {
		hh[1].value = "application/xml";
		rq.headers = &hh[1];
		rq.nheaders = 1;
		rq.body = body->data;
		rq.body_len = body->len;
	}
	/* CompleteMultipartUpload may answer 200 with the error in the body. */
	rq.error_in_200 = strcmp(op, "CompleteMultipartUpload") == 0;
	if (aws_call(&c, &rq, &rs, err) == -1)
		ret = s3_error(m->c, m->bucket, &rs, err);
	else if (answer != NULL)
		buf_add(answer, rs.http.body.data, rs.http.body.len);
	aws_response_release(&rs);
	return ret;
}

/* Runs the part workers; 0 when every part went up. */
static int
mpu_parts(struct mpu *m, struct lc_err *err)
{
	pthread_t th[S3_MAX_CONCURRENCY];
	struct timespec ts;
	int i, n = m->o->concurrency > 0 ? m->o->concurrency :
	    S3_DEFAULT_CONCURRENCY;

	if (n > S3_MAX_CONCURRENCY)
		n = S3_MAX_CONCURRENCY;
	if ((size_t)n > m->nparts)
		n = (int)m->nparts;
	m->running = n;
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, part_worker, m) != 0)
			die("cannot start an upload thread");
	/* Passes a signal on to the parts (their stop is m->cancel). */
	pthread_mutex_lock(&m->mu);
	while (m->running > 0) {
		if (m->o->stop != NULL && *m->o->stop)
			m->cancel = 1;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->done, &m->mu, &ts);
	}
	pthread_mutex_unlock(&m->mu);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	/* A part's own failure, else the signal (a part cut by it says
	 * m->cancel's 1, not the signal's number). */
	if (m->failed && !lc_error_stopped(&m->err)) {
		*err = m->err;
		return -1;
	}
	if (m->o->stop != NULL && *m->o->stop)
		return lc_error_interrupted(err, *m->o->stop);
	if (m->failed) {
		*err = m->err;
		return -1;
	}
	return 0;
}

/*
 * CreateMultipartUpload, the parts, CompleteMultipartUpload; on any
 * failure after the create (or a stop), AbortMultipartUpload.
 */
static int
s3_multipart(struct aws_client *c, const char *bucket, const char *path,
    int fd, uint64_t size, const char *hex, const struct s3_upload_opts *o,
    struct lc_err *err)
{
	struct mpu m = { .c = c, .bucket = bucket, .path = path, .hex = hex,
	    .fd = fd, .size = size, .o = o };
	struct buf id = BUF_INIT, xml = BUF_INIT, enc = BUF_INIT;
	struct lc_err aerr;
	char *q = NULL;
	size_t i;
	int ret = -1;

	m.part = s3_part_size(size, o->part_size);
	m.nparts = (size_t)(size / m.part + (size % m.part != 0));
	if (mpu_call(&m, "CreateMultipartUpload", "POST", "uploads=", NULL,
	    &xml, err) == -1)
		goto out;
	if (aws_xml_leaf(xml.data, xml.len, "UploadId", &id) == -1 ||
	    id.len == 0) {
		lc_error(err, LC_EFAIL, "CreateMultipartUpload: no UploadId in "
		    "the answer");
		goto out;
	}
	sigv4_uri_encode(&enc, id.data, id.len, 0);
	m.id = enc.data;
	q = xasprintf("uploadId=%s", m.id);
	pthread_mutex_init(&m.mu, NULL);
	pthread_cond_init(&m.done, NULL);
	m.etags = xcalloc(m.nparts, sizeof *m.etags);
	m.sums = xcalloc(m.nparts, sizeof *m.sums);
	m.sent = xcalloc(m.nparts, sizeof *m.sent);
	log_debug("s3://%s%s: multipart upload, %zu parts of %llu bytes",
	    bucket, path, m.nparts, (unsigned long long)m.part);
	buf_reset(&xml);
	if (mpu_parts(&m, err) == 0) {
		s3_complete_xml(&xml, m.etags, m.sums, m.nparts);
		ret = mpu_call(&m, "CompleteMultipartUpload", "POST", q, &xml,
		    NULL, err);
	}
	if (ret == -1 && mpu_call(&m, "AbortMultipartUpload", "DELETE", q,
	    NULL, NULL, &aerr) == -1) {
		i = strlen(err->msg);
		snprintf(err->msg + i, sizeof err->msg - i, " (and "
		    "AbortMultipartUpload failed: %s)", aerr.msg);
	}
	for (i = 0; i < m.nparts; i++) {
		free(m.etags[i]);
		free(m.sums[i]);
	}
	free(m.etags);
	free(m.sums);
	free(m.sent);
	pthread_mutex_destroy(&m.mu);
	pthread_cond_destroy(&m.done);
out:
	free(q);
	buf_release(&id);
	buf_release(&xml);
	buf_release(&enc);
	return ret;
}

int
s3_put_file(struct aws_client *c, const char *bucket, const char *key,
    const char *path, const char *sha256_hex,
    const struct s3_upload_opts *o, struct lc_err *err)
{
	static const struct s3_upload_opts dflt = { 0 };
	struct stat sb;
	char *kp = s3_key_path(key);
	uint64_t thr;
	int fd, ret = -1;

	if (o == NULL)
		o = &dflt;
	thr = o->multipart_threshold ? o->multipart_threshold :
	    S3_DEFAULT_THRESHOLD;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		lc_error(err, LC_EFAIL, "cannot read '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if ((ret = head(c, bucket, kp, (uint64_t)sb.st_size, sha256_hex,
	    err)) != 0) {
		ret = ret == 1 ? 0 : -1;
		goto out;
	}
	if ((uint64_t)sb.st_size < thr)
		ret = put_object(c, bucket, kp, fd, (uint64_t)sb.st_size,
		    sha256_hex, o, err);
	else
		ret = s3_multipart(c, bucket, kp, fd, (uint64_t)sb.st_size,
		    sha256_hex, o, err);
	if (ret == 0)
		ret = 1;
out:
	if (fd != -1)
		close(fd);
	free(kp);
	return ret;
}
