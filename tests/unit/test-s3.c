/*
 * test-s3.c - S3 artifacts without a network: the content-addressed key,
 * the part size rule, the CompleteMultipartUpload body, and s3_put_file
 * against the scripted loopback server (testhttp.h): already there (HEAD
 * only), PutObject, a multipart upload in order, a refused part aborted,
 * CompleteMultipartUpload's 200 with an error retried, a bucket in another
 * region (a header or the error body); the virtual-hosted URL and its
 * signature (botocore's S3SigV4Auth, computed offline, as the judge).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "endpoint.h"
#include "s3.h"
#include "sha256.h"
#include "sigv4.h"
#include "testhttp.h"

#define MIB	(1024ULL * 1024)
#define HEX	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void
test_key(void **state)
{
	char *k;

	(void)state;
	k = s3_artifact_key(NULL, "jobs", HEX);
	assert_string_equal(k, "jobs/" HEX ".zip");
	free(k);
	k = s3_artifact_key("ci/main-", "jobs", HEX);
	assert_string_equal(k, "ci/main-jobs/" HEX ".zip");
	free(k);
}

static void
test_part_size(void **state)
{
	uint64_t p;

	(void)state;
	assert_int_equal(s3_part_size(60 * MIB, 0), 8 * MIB);
	assert_int_equal(s3_part_size(60 * MIB, 1 * MIB), 5 * MIB);
	assert_int_equal(s3_part_size(60 * MIB, 6 * MIB), 6 * MIB);
	/* 200 GiB in 8 MiB parts would be 25,600: doubled to 32 MiB. */
	p = s3_part_size(200 * 1024 * MIB, 0);
	assert_int_equal(p, 32 * MIB);
	assert_true((200 * 1024 * MIB + p - 1) / p <= 10000);
	/* Exactly 10,000 parts is allowed. */
	assert_int_equal(s3_part_size(10000 * 8 * MIB, 0), 8 * MIB);
	assert_int_equal(s3_part_size(10000 * 8 * MIB + 1, 0), 16 * MIB);
}

static void
test_complete_xml(void **state)
{
	char *etags[] = { (char *)"\"a1\"", (char *)"\"b&2\"" };
	char *sums[] = { (char *)"c3Vt", (char *)"c3VtMg==" };
	struct buf b = BUF_INIT;

	(void)state;
	s3_complete_xml(&b, etags, NULL, 2);
	assert_string_equal(b.data, "<CompleteMultipartUpload xmlns=\"http:"
	    "//s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1"
	    "</PartNumber><ETag>&quot;a1&quot;</ETag></Part><Part>"
	    "<PartNumber>2</PartNumber><ETag>&quot;b&amp;2&quot;</ETag>"
	    "</Part></CompleteMultipartUpload>");
	buf_reset(&b);
	s3_complete_xml(&b, etags, sums, 2);
	assert_non_null(strstr(b.data, "<ETag>&quot;a1&quot;</ETag>"
	    "<ChecksumSHA256>c3Vt</ChecksumSHA256></Part>"));
	assert_non_null(strstr(b.data, "<ChecksumSHA256>c3VtMg=="
	    "</ChecksumSHA256></Part></Complete"));
	buf_release(&b);
}

/* A file of size bytes (a repeating pattern) in a temporary directory. */
static char *
temp_file(uint64_t size, char hex[SHA256_HEX_LEN + 1])
{
	char *path = xstrdup("/tmp/test-s3.XXXXXX"), chunk[65536];
	struct sha256_ctx h;
	uint64_t left = size;
	size_t n, i;
	int fd;

	assert_true((fd = mkstemp(path)) >= 0);
	for (i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)(i * 7 + 3);
	sha256_init(&h);
	while (left > 0) {
		n = left < sizeof chunk ? (size_t)left : sizeof chunk;
		assert_int_equal(write(fd, chunk, n), (ssize_t)n);
		sha256_update(&h, chunk, n);
		left -= n;
	}
	sha256_final_hex(&h, hex);
	close(fd);
	return path;
}

#define RAW(status, headers)						\
	"HTTP/1.1 " status "\r\nContent-Length: 0\r\nConnection: close\r\n"	\
	headers "\r\n"

static void
test_already_there(void **state)
{
	struct testhttp h;
	struct lc_err err;
	char hex[SHA256_HEX_LEN + 1], *path = temp_file(1000, hex), *a;
	const char *answers[1];

	(void)state;
	/* HEAD: the size in Content-Length (the body not sent). */
	a = xasprintf("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
	    "x-amz-meta-sha256: %s\r\nConnection: close\r\n\r\n", hex);
	answers[0] = a;
	testhttp_start(&h, answers, 1);
	assert_int_equal(s3_put_file(&h.client, "bkt", "p/k.zip", path, hex,
	    NULL, &err), 0);
	assert_int_equal(testhttp_stop(&h), 1);
	assert_string_equal(h.reqs[0], "HEAD /bkt/p/k.zip");
	free(a);
	unlink(path);
	free(path);
}

/* The answer to CreateMultipartUpload: upload ID "u/1". */
#define CREATED								\
	"HTTP/1.1 200 OK\r\nContent-Length: 87\r\nConnection: close\r\n"	\
	"\r\n<InitiateMultipartUploadResult><UploadId>u/1</UploadId>"	\
	"</InitiateMultipartUploadResult>"

/*
 * s3_put_file of a file of size bytes to bkt/key with o against answers
 * (n of them, every one to be used); returns what it returned, h holding
 * the requests.
 */
static int
put(struct testhttp *h, const char *const *answers, size_t n, uint64_t size,
    const char *key, const struct s3_upload_opts *o, struct lc_err *err)
{
	char hex[SHA256_HEX_LEN + 1], *path = temp_file(size, hex);
	int ret;

	testhttp_start(h, answers, n);
	ret = s3_put_file(&h->client, "bkt", key, path, hex, o, err);
	if (testhttp_stop(h) != n)
		fail_msg("%zu of %zu answers used (%s)", h->served, n,
		    err->msg);
	unlink(path);
	free(path);
	return ret;
}

static const struct s3_upload_opts five = { .concurrency = 1,
    .part_size = 5 * MIB, .multipart_threshold = 5 * MIB };

static void
test_put_object(void **state)
{
	static const char *const answers[] = { RAW("404 Not Found", ""),
	    RAW("200 OK", "ETag: \"x\"\r\n") };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	/* A key with characters to encode, '/' kept. */
	assert_int_equal(put(&h, answers, 2, 100000, "a b/k+1.zip", NULL,
	    &err), 1);
	assert_string_equal(h.reqs[0], "HEAD /bkt/a%20b/k%2B1.zip");
	assert_string_equal(h.reqs[1], "PUT /bkt/a%20b/k%2B1.zip");
	/* Dot segments are the key's: sent as they are, never squashed. */
	assert_int_equal(put(&h, answers, 2, 100, "a/./b/../k.zip", NULL,
	    &err), 1);
	assert_string_equal(h.reqs[0], "HEAD /bkt/a/./b/../k.zip");
	assert_string_equal(h.reqs[1], "PUT /bkt/a/./b/../k.zip");
}

static void
test_multipart(void **state)
{
	static const char *const answers[] = { RAW("404 Not Found", ""),
	    CREATED, RAW("200 OK", "ETag: \"e1\"\r\n"),
	    RAW("200 OK", "ETag: \"e2\"\r\n"), RAW("200 OK", "ETag: \"e3\"\r\n"),
	    "HTTP/1.1 200 OK\r\nContent-Length: 63\r\nConnection: close\r\n"
	    "\r\n<CompleteMultipartUploadResult></CompleteMultipartUploadResult>" };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	if (put(&h, answers, 6, 11 * MIB, "k.zip", &five, &err) != 1)
		fail_msg("%s", err.msg);
	assert_string_equal(h.reqs[1], "POST /bkt/k.zip?uploads=");
	assert_string_equal(h.reqs[2], "PUT /bkt/k.zip?partNumber=1&uploadId=u%2F1");
	assert_string_equal(h.reqs[3], "PUT /bkt/k.zip?partNumber=2&uploadId=u%2F1");
	assert_string_equal(h.reqs[4], "PUT /bkt/k.zip?partNumber=3&uploadId=u%2F1");
	assert_string_equal(h.reqs[5], "POST /bkt/k.zip?uploadId=u%2F1");
}

static void
test_part_refused(void **state)
{
	static const char *const answers[] = { RAW("404 Not Found", ""),
	    CREATED, RAW("200 OK", "ETag: \"e1\"\r\n"),
	    "HTTP/1.1 403 Forbidden\r\nContent-Length: 72\r\nConnection: "
	    "close\r\n\r\n<Error><Code>AccessDenied</Code><Message>Access "
	    "Denied</Message></Error>",
	    RAW("204 No Content", "") };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	assert_int_equal(put(&h, answers, 5, 11 * MIB, "k.zip", &five, &err),
	    -1);
	assert_true(lc_error_is(&err, "AccessDenied"));
	assert_non_null(strstr(err.msg, "s3://bkt"));
	assert_string_equal(h.reqs[4], "DELETE /bkt/k.zip?uploadId=u%2F1");
}

static void
test_other_region(void **state)
{
	static const char *const answers[] = { RAW("301 Moved Permanently",
	    "x-amz-bucket-region: eu-west-3\r\n") };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	assert_int_equal(put(&h, answers, 1, 10, "k.zip", NULL, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(err.msg, "S3 bucket 'bkt' is in region eu-west-3, "
	    "not us-east-1 (the function's region): use a bucket in "
	    "us-east-1");
}

/* A CompleteMultipartUpload answer: 200, the body an error with code. */
#define COMPLETE_ERROR(code)						\
	"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"		\
	"Connection: close\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>"	\
	"\n<Error><Code>" code "</Code><Message>We encountered an internal "	\
	"error. Please try again.</Message></Error>"
#define COMPLETED							\
	"HTTP/1.1 200 OK\r\nContent-Length: 63\r\nConnection: close\r\n"	\
	"\r\n<CompleteMultipartUploadResult></CompleteMultipartUploadResult>"

static void
no_sleep(long ms)
{
	(void)ms;
}

/* put(), with the standard 3 attempts (no sleeping between them). */
static int
put_retried(struct testhttp *h, const char *const *answers, size_t n,
    struct lc_err *err)
{
	char hex[SHA256_HEX_LEN + 1], *path = temp_file(11 * MIB, hex);
	int ret;

	testhttp_start(h, answers, n);
	h->client.max_attempts = 3;
	h->client.sleep_ms = no_sleep;
	ret = s3_put_file(&h->client, "bkt", "k.zip", path, hex, &five, err);
	if (testhttp_stop(h) != n)
		fail_msg("%zu of %zu answers used (%s)", h->served, n, err->msg);
	unlink(path);
	free(path);
	return ret;
}

/*
 * CompleteMultipartUpload answering 200 with an <Error> body (S3 documents
 * it): the error it is, retried the standard way.
 */
static void
test_complete_error_in_200(void **state)
{
	static const char *const answers[] = { RAW("404 Not Found", ""),
	    CREATED, RAW("200 OK", "ETag: \"e1\"\r\n"),
	    RAW("200 OK", "ETag: \"e2\"\r\n"), RAW("200 OK", "ETag: \"e3\"\r\n"),
	    COMPLETE_ERROR("InternalError"), COMPLETE_ERROR("SlowDown"),
	    COMPLETED };
	static const char *const failing[] = { RAW("404 Not Found", ""),
	    CREATED, RAW("200 OK", "ETag: \"e1\"\r\n"),
	    RAW("200 OK", "ETag: \"e2\"\r\n"), RAW("200 OK", "ETag: \"e3\"\r\n"),
	    COMPLETE_ERROR("InternalError"), COMPLETE_ERROR("InternalError"),
	    COMPLETE_ERROR("InternalError"), RAW("204 No Content", "") };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	if (put_retried(&h, answers, 8, &err) != 1)
		fail_msg("%s", err.msg);
	assert_string_equal(h.reqs[5], "POST /bkt/k.zip?uploadId=u%2F1");
	assert_string_equal(h.reqs[6], "POST /bkt/k.zip?uploadId=u%2F1");
	assert_string_equal(h.reqs[7], "POST /bkt/k.zip?uploadId=u%2F1");
	/* Still an error after the last attempt: said, and aborted. */
	assert_int_equal(put_retried(&h, failing, 9, &err), -1);
	assert_true(lc_error_is(&err, "InternalError"));
	assert_non_null(strstr(err.msg, "CompleteMultipartUpload: "
	    "InternalError: We encountered an internal error"));
	assert_string_equal(h.reqs[8], "DELETE /bkt/k.zip?uploadId=u%2F1");
}

/* A 400 AuthorizationHeaderMalformed naming the region only in its body. */
static void
test_region_in_body(void **state)
{
	static const char *const answers[] = { RAW("404 Not Found", ""),
	    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\n"
	    "Connection: close\r\n\r\n<Error><Code>AuthorizationHeaderMalformed"
	    "</Code><Message>The authorization header is malformed; the region "
	    "'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>"
	    "eu-west-1</Region><RequestId>X</RequestId></Error>" };
	static const char *const head400[] = { RAW("400 Bad Request",
	    "x-amz-bucket-region: eu-west-1\r\n") };
	static const char *const same[] = { RAW("404 Not Found", ""),
	    "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n<Error>"
	    "<Code>InvalidRequest</Code><Message>No</Message><Region>"
	    "us-east-1</Region></Error>" };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	assert_int_equal(put(&h, answers, 2, 10, "k.zip", NULL, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(err.msg, "S3 bucket 'bkt' is in region eu-west-1, "
	    "not us-east-1 (the function's region): use a bucket in "
	    "us-east-1");
	/* Said by the HEAD (the header): nothing uploaded. */
	assert_int_equal(put(&h, head400, 1, 10, "k.zip", NULL, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_non_null(strstr(err.msg, "is in region eu-west-1, not "
	    "us-east-1"));
	/* Our own region in the body: the error as it is. */
	assert_int_equal(put(&h, same, 2, 10, "k.zip", NULL, &err), -1);
	assert_int_equal(err.status, LC_EFAIL);
	assert_true(lc_error_is(&err, "InvalidRequest"));
}

/* The endpoint of bucket in region with nothing configured; its URL for
 * key into url. */
static void
s3_url(const char *bucket, const char *region, const char *key,
    struct endpoint *ep, char url[256])
{
	struct aws_config cfg;
	struct lc_err err;
	char *kp = s3_key_path(key);

	memset(&cfg, 0, sizeof cfg);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_S3");
	if (endpoint_resolve_checked(ep, NULL, "s3", &cfg, region, &err) == -1)
		fail_msg("%s", err.msg);
	aws_s3_endpoint(ep, bucket);
	snprintf(url, 256, "%s%s%s", ep->origin, ep->base, kp);
	free(kp);
}

/*
 * Virtual-hosted addressing on AWS, path-style for a dotted bucket name
 * (no request leaves the machine: the URL alone, and its signature as
 * botocore's S3SigV4Auth computes it for the same request).
 */
static void
test_virtual_hosted(void **state)
{
	static const struct sigv4_creds sc = { "AKIDEXAMPLE", "secret", NULL };
	struct sigv4_header hh[1] = { { "Host", NULL } };
	struct sigv4_input in = { .method = "HEAD", .headers = hh,
	    .nheaders = 1, .creds = &sc, .region = "eu-west-1",
	    .service = "s3", .time = 1796040000,	/* 2026-11-30 12:00Z */
	    .flags = SIGV4_SIGN_BODY | SIGV4_URI_AS_SENT };
	struct sigv4_output out;
	struct aws_config cfg;
	struct endpoint ep;
	struct lc_err err;
	char url[256], *path;

	(void)state;
	s3_url("bkt", "eu-west-1", "p q/k+1.zip", &ep, url);
	assert_string_equal(url, "https://bkt.s3.eu-west-1.amazonaws.com/"
	    "p%20q/k%2B1.zip");
	assert_string_equal(ep.host, "bkt.s3.eu-west-1.amazonaws.com");
	hh[0].value = ep.host;
	path = xasprintf("%s%s", ep.base, "/p%20q/k%2B1.zip");
	in.path = path;
	assert_int_equal(sigv4_sign(&in, &out, &err), 0);
	assert_string_equal(out.added[out.nadded - 1].value,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/eu-west-1/s3/"
	    "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
	    "Signature=f595dee55c3a5a18cf4234559662869e8782c2f1b89b1495d3837f5"
	    "b4c05442c");
	sigv4_output_release(&out);
	free(path);
	endpoint_release(&ep);

	/* A dot in the name: path-style, the key's "." segment kept. */
	s3_url("my.bkt", "eu-west-1", "a/./k.zip", &ep, url);
	assert_string_equal(url, "https://s3.eu-west-1.amazonaws.com/my.bkt/"
	    "a/./k.zip");
	hh[0].value = ep.host;
	path = xasprintf("%s%s", ep.base, "/a/./k.zip");
	in.path = path;
	in.method = "PUT";
	in.payload_hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb"
	    "410ff61f20015ad";	/* "abc" */
	assert_int_equal(sigv4_sign(&in, &out, &err), 0);
	assert_non_null(strstr(out.added[out.nadded - 1].value, "Signature="
	    "4076707bc27beec3a2959f5735fcdcb70d14e51d218f9243534cb89f6fed175"
	    "6"));
	sigv4_output_release(&out);
	free(path);
	endpoint_release(&ep);

	/* China's partition: its own domain, still virtual-hosted. */
	s3_url("bkt", "cn-north-1", "k.zip", &ep, url);
	assert_string_equal(url, "https://bkt.s3.cn-north-1.amazonaws.com.cn/"
	    "k.zip");
	endpoint_release(&ep);

	/* A configured endpoint (MinIO, moto): path-style on it. */
	setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000/base", 1);
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(endpoint_resolve_checked(&ep, NULL, "s3", &cfg,
	    "eu-west-1", &err), 0);
	unsetenv("AWS_ENDPOINT_URL_S3");
	aws_s3_endpoint(&ep, "bkt");
	assert_string_equal(ep.origin, "http://127.0.0.1:9000");
	assert_string_equal(ep.base, "/base/bkt");
	endpoint_release(&ep);
}

/* A HEAD 404 in the bucket's own region, or a 403: the PUT tells. */
static void
test_head_not_known(void **state)
{
	static const char *const here[] = { RAW("404 Not Found",
	    "x-amz-bucket-region: us-east-1\r\n"),
	    RAW("200 OK", "ETag: \"x\"\r\n") };
	static const char *const denied_head[] = { RAW("403 Forbidden", ""),
	    RAW("200 OK", "ETag: \"x\"\r\n") };
	static const char *const denied_both[] = { RAW("403 Forbidden", ""),
	    "HTTP/1.1 403 Forbidden\r\nContent-Length: 72\r\nConnection: "
	    "close\r\n\r\n<Error><Code>AccessDenied</Code><Message>Access "
	    "Denied</Message></Error>" };
	static const char *const elsewhere[] = { RAW("404 Not Found",
	    "x-amz-bucket-region: eu-west-3\r\n") };
	struct testhttp h;
	struct lc_err err;

	(void)state;
	assert_int_equal(put(&h, here, 2, 10, "k.zip", NULL, &err), 1);
	assert_string_equal(h.reqs[1], "PUT /bkt/k.zip");
	assert_int_equal(put(&h, denied_head, 2, 10, "k.zip", NULL, &err), 1);
	assert_string_equal(h.reqs[1], "PUT /bkt/k.zip");
	assert_int_equal(put(&h, denied_both, 2, 10, "k.zip", NULL, &err), -1);
	assert_true(lc_error_is(&err, "AccessDenied"));
	assert_non_null(strstr(err.msg, "PutObject"));
	assert_int_equal(put(&h, elsewhere, 1, 10, "k.zip", NULL, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
}

/* A zip that changed since it was packaged is refused, never stored. */
static void
test_changed_file(void **state)
{
	static const char *const answers[] = { RAW("404 Not Found", "") };
	struct testhttp h;
	struct lc_err err;
	char hex[SHA256_HEX_LEN + 1], *path = temp_file(1000, hex);

	(void)state;
	hex[0] = hex[0] == '0' ? '1' : '0';
	testhttp_start(&h, answers, 1);
	assert_int_equal(s3_put_file(&h.client, "bkt", "k.zip", path, hex,
	    NULL, &err), -1);
	assert_int_equal(testhttp_stop(&h), 1);
	assert_string_equal(h.reqs[0], "HEAD /bkt/k.zip");
	assert_non_null(strstr(err.msg, "the zip changed since it was "
	    "packaged"));
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_part_size),
		cmocka_unit_test(test_complete_xml),
		cmocka_unit_test(test_already_there),
		cmocka_unit_test(test_put_object),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_part_refused),
		cmocka_unit_test(test_complete_error_in_200),
		cmocka_unit_test(test_other_region),
		cmocka_unit_test(test_region_in_body),
		cmocka_unit_test(test_virtual_hosted),
		cmocka_unit_test(test_head_not_known),
		cmocka_unit_test(test_changed_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
