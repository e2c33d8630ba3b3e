/*
 * test-b64.c - base64: RFC 4648's test vectors, OpenSSL's EVP_EncodeBlock
 * as an independent oracle for every length up to 300, the stream fed in
 * pieces of every awkward size (into buffers of exactly the documented
 * size, so that ASan sees any overrun), and what the decoder refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "b64.h"
#include "xmalloc.h"

static const struct {
	const char	*plain, *enc;
} vectors[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" }, { "\xff\xfe\xfd", "//79" },
	{ "\xfb\xff", "+/8=" },
};

/* Pseudo-random bytes, the same for the same n. */
static unsigned char *
bytes(size_t n)
{
	unsigned char *p = xmalloc(n + 1);
	uint32_t x = 2463534242u ^ (uint32_t)n;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static void
test_vectors(void **state)
{
	char out[16], *s, *d;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		n = strlen(vectors[i].plain);
		assert_int_equal(b64_encode(out, vectors[i].plain, n),
		    strlen(vectors[i].enc));
		assert_string_equal(out, vectors[i].enc);
		s = b64_encode_str(vectors[i].plain, n);
		assert_string_equal(s, vectors[i].enc);
		d = b64_decode(s, strlen(s), &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(vectors[i].plain));
		assert_string_equal(d, vectors[i].plain);
		free(d);
		free(s);
	}
}

/* Every length against EVP_EncodeBlock, and back. */
static void
test_against_openssl(void **state)
{
	unsigned char *in, *want;
	char *got, *dec;
	size_t n, len;

	(void)state;
	for (n = 0; n <= 300; n++) {
		in = bytes(n);
		want = xmalloc(B64_LEN(n) + 1);
		assert_int_equal(EVP_EncodeBlock(want, in, (int)n),
		    (int)B64_LEN(n));
		got = b64_encode_str(in, n);
		assert_string_equal(got, (char *)want);
		dec = b64_decode(got, strlen(got), &len);
		assert_non_null(dec);
		assert_int_equal(len, n);
		assert_memory_equal(dec, in, n);
		assert_int_equal(dec[n], '\0');
		free(dec);
		free(got);
		free(want);
		free(in);
	}
}

/* The stream, fed in pieces of 0 to 7 bytes and larger, equals the whole. */
static void
test_stream(void **state)
{
	static const size_t pieces[] = { 1, 0, 2, 5, 3, 7, 4, 1, 1, 64, 6 };
	const size_t n = 1000;
	unsigned char *in = bytes(n);
	char *want = b64_encode_str(in, n), *got = xmalloc(B64_LEN(n) + 1);
	char *dst;
	struct b64_stream s;
	size_t off, out, len, k, start;

	(void)state;
	for (start = 0; start < sizeof pieces / sizeof pieces[0]; start++) {
		b64_stream_init(&s);
		off = out = 0;
		for (k = start; off < n; k++) {
			len = pieces[k % (sizeof pieces / sizeof pieces[0])];
			if (len > n - off)
				len = n - off;
			dst = xmalloc(B64_LEN(len + 2));
			len = b64_stream_update(&s, dst, in + off, len);
			memcpy(got + out, dst, len);
			free(dst);
			out += len;
			off += pieces[k % (sizeof pieces / sizeof pieces[0])];
		}
		dst = xmalloc(4);
		len = b64_stream_final(&s, dst);
		memcpy(got + out, dst, len);
		free(dst);
		out += len;
		got[out] = '\0';
		assert_string_equal(got, want);
		/* A final with nothing carried writes nothing. */
		assert_int_equal(b64_stream_final(&s, got), 0);
	}
	free(got);
	free(want);
	free(in);
}

static void
test_decode_refuses(void **state)
{
	static const char *const bad[] = {
		"Zg=", "Zg", "Z", "Zg=a", "Z===", "====", "Zm9v====",
		"Zg==Zg==",
		"Zm9v\n", "Zm 9", "Zm9-", "Zm9_", "Zm9\x80",
	};
	size_t i, n = 7;
	char *d;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (b64_decode(bad[i], strlen(bad[i]), &n) != NULL)
			fail_msg("'%s' was decoded", bad[i]);
	assert_null(b64_decode("Zg\0=", 4, NULL));	/* a NUL inside */
	assert_int_equal(n, 7);				/* untouched */
	/* The length bounds it: a valid prefix of a longer string. */
	d = b64_decode("Zm9vgarbage", 4, NULL);
	assert_string_equal(d, "foo");
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_against_openssl),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_decode_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
