/*
 * test-sha256.c - incremental SHA-256: chunked equals one-shot, known
 * digests (FIPS 180-2 examples), the hex and base64 forms, and streaming a
 * file (several chunks, an empty file, a missing one, no fd leaked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "sha256.h"
#include "xmalloc.h"
#include "testutil.h"

#define EMPTY_HEX \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_HEX \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define ABC_B64 "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
/* FIPS 180-2's two-block example. */
#define TWO_BLOCKS "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define TWO_BLOCKS_HEX \
	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
/* A million 'a's, FIPS 180-2's third example. */
#define MILLION_A_HEX \
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void
test_known(void **state)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256_ctx h;
	char chunk[1000];
	int i;

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex, EMPTY_HEX);
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, ABC_HEX);
	sha256_hex(TWO_BLOCKS, strlen(TWO_BLOCKS), hex);
	assert_string_equal(hex, TWO_BLOCKS_HEX);
	memset(chunk, 'a', sizeof chunk);
	sha256_init(&h);
	for (i = 0; i < 1000; i++)
		sha256_update(&h, chunk, sizeof chunk);
	sha256_final_hex(&h, hex);
	assert_null(h.md);
	assert_string_equal(hex, MILLION_A_HEX);
}

/* Chunked hashing equals one-shot hashing, whatever the cuts. */
static void
test_chunked(void **state)
{
	static const size_t cuts[] = { 0, 1, 7, 63, 64, 65, 128, 1000 };
	unsigned char data[3000], raw[SHA256_LEN];
	char one[SHA256_HEX_LEN + 1], many[SHA256_HEX_LEN + 1];
	char rawhex[SHA256_HEX_LEN + 1];
	struct sha256_ctx h;
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 31 + (i >> 8));
	sha256_hex(data, sizeof data, one);

	sha256_init(&h);
	off = 0;
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		sha256_update(&h, data + off, cuts[i]);
		off += cuts[i];
	}
	sha256_update(&h, data + off, sizeof data - off);
	sha256_final_hex(&h, many);
	assert_null(h.md);
	assert_string_equal(one, many);

	sha256_init(&h);
	for (i = 0; i < sizeof data; i++)
		sha256_update(&h, data + i, 1);
	sha256_final(&h, raw);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(rawhex + 2 * i, 3, "%02x", raw[i]);
	assert_string_equal(one, rawhex);
}

/* The hex and base64 forms of raw bytes. */
static void
test_forms(void **state)
{
	unsigned char md[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1], b64[SHA256_B64_LEN + 1];
	struct sha256_ctx h;
	size_t i;

	(void)state;
	sha256_init(&h);
	sha256_update(&h, "abc", 3);
	sha256_final(&h, md);
	sha256_to_hex(md, hex);
	assert_string_equal(hex, ABC_HEX);
	sha256_to_b64(md, b64);
	assert_string_equal(b64, ABC_B64);

	for (i = 0; i < SHA256_LEN; i++)
		md[i] = (unsigned char)(0xff - i);
	sha256_to_hex(md, hex);
	assert_string_equal(hex, "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0"
	    "efeeedecebeae9e8e7e6e5e4e3e2e1e0");
	memset(md, 0, sizeof md);
	sha256_to_b64(md, b64);
	assert_string_equal(b64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

/* Writes len bytes of a pattern to a new temporary file; caller unlinks. */
static char *
temp_file(size_t len, struct sha256_ctx *h)
{
	char *path = xstrdup("/tmp/test-sha256.XXXXXX");
	unsigned char buf[4096];
	size_t i, n, done = 0;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	while (done < len) {
		n = len - done < sizeof buf ? len - done : sizeof buf;
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)((done + i) * 7 + 3);
		assert_int_equal(write(fd, buf, n), (ssize_t)n);
		sha256_update(h, buf, n);
		done += n;
	}
	assert_int_equal(close(fd), 0);
	return path;
}

/* A file streams to the same digest as its bytes; its size is counted. */
static void
test_file(void **state)
{
	static const size_t sizes[] = { 0, 1, 65536, 3 * 65536 + 17 };
	unsigned char md[SHA256_LEN], want[SHA256_LEN];
	struct sha256_ctx h;
	struct lc_err err = { 0 };
	uint64_t size;
	char *path;
	size_t i;
	int fds = count_fds();

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		sha256_init(&h);
		path = temp_file(sizes[i], &h);
		sha256_final(&h, want);
		size = 42;
		assert_int_equal(sha256_file(path, md, &size, &err), 0);
		assert_memory_equal(md, want, SHA256_LEN);
		assert_int_equal(size, sizes[i]);
		assert_int_equal(sha256_file(path, md, NULL, &err), 0);
		assert_memory_equal(md, want, SHA256_LEN);
		unlink(path);
		free(path);
	}
	assert_int_equal(sha256_file("/nonexistent/zip", md, &size, &err),
	    -1);
	assert_int_equal(err.status, LC_EFAIL);
	assert_string_equal(err.msg, "cannot read '/nonexistent/zip': No such "
	    "file or directory");
	/* A directory opens but cannot be read. */
	assert_int_equal(sha256_file("/", md, &size, &err), -1);
	assert_string_equal(err.msg, "cannot read '/': Is a directory");
	assert_int_equal(count_fds(), fds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
