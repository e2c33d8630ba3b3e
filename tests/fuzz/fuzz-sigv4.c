/*
 * fuzz-sigv4.c - the SigV4 signer on hostile requests: method, path, query
 * and headers fuzzed, credentials and date fixed.  Input: one flags byte,
 * then NUL-separated fields: method, path, query, then header name, value,
 * name, value...  Checks that signing is deterministic and that a presigned
 * query carries exactly one X-Amz-Signature parameter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sigv4.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 40

/* Counts the occurrences of needle in s. */
static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sigv4_creds creds[2] = {
		{ "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		    NULL },
		{ "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		    "tok/en+=" },
	};
	struct sigv4_header h[MAX_FIELDS / 2];
	const char *field[MAX_FIELDS];
	struct sigv4_output a, b;
	struct sigv4_input in;
	struct lc_err err;
	size_t nf = 0, i;
	char *copy, *p, *end;
	unsigned fl;

	if (size < 1 || size > 1 << 16)
		return 0;
	fl = data[0];
	copy = xmalloc(size);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	end = copy + size - 1;
	for (p = copy; nf < MAX_FIELDS && p <= end; p += strlen(p) + 1)
		field[nf++] = p;
	memset(&in, 0, sizeof in);
	in.method = nf > 0 ? field[0] : "GET";
	in.path = nf > 1 ? field[1] : "/";
	in.query = nf > 2 && !(fl & 0x20) ? field[2] : NULL;
	for (i = 3; i + 1 < nf; i += 2) {
		h[in.nheaders].name = field[i];
		h[in.nheaders++].value = field[i + 1];
	}
	in.headers = h;
	in.payload_hash = fl & 0x40 ?
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" :
	    NULL;
	in.creds = &creds[fl & 1];
	in.region = "us-east-1";
	in.service = fl & 0x80 ? "s3" : "lambda";
	in.time = 1440938160;
	in.flags = (fl >> 1) & 0xf;
	in.expires = 900;
	if (sigv4_sign(&in, &a, &err) == 0) {
		if (sigv4_sign(&in, &b, &err) != 0 ||
		    strcmp(a.signature, b.signature) != 0 ||
		    strcmp(a.canonical_request, b.canonical_request) != 0)
			abort();
		/* Ours: always after X-Amz-Algorithm, so after a '&'. */
		if (a.query != NULL && (count(a.query, "&X-Amz-Signature=") !=
		    1 || strncmp(a.query, "X-Amz-Signature=", 16) == 0))
			abort();
		sigv4_output_release(&b);
		sigv4_output_release(&a);
	}
	free(copy);
	return 0;
}
