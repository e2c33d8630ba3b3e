/*
 * fuzz-s3-notify.c - a bucket's notification configuration as a broken or
 * hostile S3 may answer it: parsed, lambdactl's entries for a function
 * read and put back (they must read back the same), printed (what is
 * printed must parse again and print the same), then an entry of the
 * input's making swapped in.  The input's first NUL ends the XML; after
 * it, lines: the entry's events (comma-separated), prefix, suffix, and a
 * qualifier for its function ARN.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "s3-notify.h"
#include "xmalloc.h"

#define FN	"arn:aws:lambda:us-east-1:123456789012:function:f"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
same_fns(const struct s3_notify_fn *a, size_t na,
    const struct s3_notify_fn *b, size_t nb)
{
	size_t i, j;

	if (na != nb)
		abort();
	for (i = 0; i < na; i++) {
		if (!same_str(a[i].id, b[i].id) ||
		    !same_str(a[i].function_arn, b[i].function_arn) ||
		    !same_str(a[i].prefix, b[i].prefix) ||
		    !same_str(a[i].suffix, b[i].suffix) ||
		    a[i].nevents != b[i].nevents)
			abort();
		for (j = 0; j < a[i].nevents; j++)
			if (strcmp(a[i].events[j], b[i].events[j]) != 0)
				abort();
	}
}

/* Printed, parsed again, printed again: the same bytes. */
static void
reprint(const struct s3_notify *n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct s3_notify *again;
	struct lc_err err;

	s3_notify_xml(n, &a);
	if (a.len <= 1024 * 1024) {
		if ((again = s3_notify_parse(a.data, a.len, &err)) == NULL)
			abort();
		s3_notify_xml(again, &b);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort();
		s3_notify_free(again);
	}
	buf_release(&a);
	buf_release(&b);
}

/* The entry the input's tail describes, swapped in. */
static void
swap_in(struct s3_notify *n, char *spec)
{
	char *line[4] = { NULL, NULL, NULL, NULL }, *ev[8], *p;
	struct s3_notify_fn want = { 0 };
	struct lc_err err;
	size_t i;

	for (i = 0; i < 4 && spec != NULL; i++) {
		line[i] = spec;
		if ((spec = strchr(spec, '\n')) != NULL)
			*spec++ = '\0';
	}
	for (p = line[0]; p != NULL && want.nevents < 8; p = strchr(p, ',')) {
		if (*p == ',')
			*p++ = '\0';
		ev[want.nevents++] = p;
	}
	want.id = (char *)"lambdactl-f-0";
	want.function_arn = line[3] != NULL ? xasprintf(FN ":%s", line[3]) :
	    xstrdup(FN);
	want.events = ev;
	want.prefix = line[1];
	want.suffix = line[2];
	if (s3_notify_set_owned(n, FN, &want, 1, &err) == 0)
		reprint(n);
	free(want.function_arn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct s3_notify_fn *f, *g;
	struct s3_notify *n;
	struct lc_err err;
	size_t len = strnlen((const char *)data, size), nf, ng;
	char *spec = NULL;

	if ((n = s3_notify_parse((const char *)data, len, &err)) == NULL)
		return 0;
	s3_notify_owned(n, FN, &f, &nf);
	if (s3_notify_set_owned(n, FN, f, nf, &err) == 0) {
		s3_notify_owned(n, FN, &g, &ng);
		same_fns(f, nf, g, ng);
		s3_notify_fns_free(g, ng);
	}
	s3_notify_fns_free(f, nf);
	reprint(n);
	if (len < size) {
		spec = xmalloc(size - len);
		memcpy(spec, data + len + 1, size - len - 1);
		spec[size - len - 1] = '\0';
		swap_in(n, spec);
	}
	free(spec);
	s3_notify_free(n);
	return 0;
}
