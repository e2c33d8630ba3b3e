/*
 * test-sigv4.c - the SigV4 signer against the AWS test suite (every case,
 * header and query signing, each stage checked on its own), against
 * botocore for Lambda's double-encoded paths, and its helpers.
 *
 * The suite is read from $SIGV4_SUITE, by default ../shared/sigv4-suite/v4
 * (the tests run from the repository root); the Lambda fixtures from
 * $SIGV4_LAMBDA_FIXTURES, by default tests/fixtures/sigv4-lambda.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "err.h"
#include "sha256.h"
#include "sigv4.h"
#include "xmalloc.h"

#define EMPTY_HASH \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Every case of the suite: one missing or one more is a failure. */
static const char *const suite_cases[] = {
	"get-header-key-duplicate",
	"get-header-value-multiline",
	"get-header-value-order",
	"get-header-value-trim",
	"get-relative-normalized",
	"get-relative-relative-normalized",
	"get-relative-relative-unnormalized",
	"get-relative-unnormalized",
	"get-slash-dot-slash-normalized",
	"get-slash-dot-slash-unnormalized",
	"get-slash-normalized",
	"get-slash-pointless-dot-normalized",
	"get-slash-pointless-dot-unnormalized",
	"get-slash-unnormalized",
	"get-slashes-normalized",
	"get-slashes-unnormalized",
	"get-space-normalized",
	"get-space-unnormalized",
	"get-unreserved",
	"get-utf8",
	"get-vanilla",
	"get-vanilla-empty-query-key",
	"get-vanilla-query",
	"get-vanilla-query-order-encoded",
	"get-vanilla-query-order-key-case",
	"get-vanilla-query-unreserved",
	"get-vanilla-utf8-query",
	"get-vanilla-with-session-token",
	"post-header-key-case",
	"post-header-key-sort",
	"post-header-value-case",
	"post-sts-header-after",
	"post-sts-header-before",
	"post-vanilla",
	"post-vanilla-empty-query-value",
	"post-vanilla-query",
	"post-x-www-form-urlencoded",
	"post-x-www-form-urlencoded-parameters",
};
#define NSUITE (sizeof suite_cases / sizeof suite_cases[0])

/* The Lambda cases of tests/fixtures/sigv4-lambda (made by gen.py). */
static const char *const lambda_cases[] = {
	"lambda-get-function-latest",
	"lambda-invoke-alias",
	"lambda-invoke-arn",
	"lambda-invoke-qualifier",
	"lambda-invoke-session-json",
};
#define NLAMBDA (sizeof lambda_cases / sizeof lambda_cases[0])

static const char *suite_dir;
static const char *lambda_dir;

/* One (case, signing mode) test. */
struct vtest {
	const char	**dir;
	const char	*name;
	int		 query;
	char		 label[96];
};

/* A parsed request.txt; every pointer is into text. */
struct vreq {
	char			*text;
	char			*method;
	char			*path;
	char			*query;		/* NULL: no '?' */
	char			*version;
	struct sigv4_header	 headers[32];
	size_t			 nheaders;
	const char		*body;
	size_t			 bodylen;
};

/* A parsed context.json. */
struct vctx {
	cJSON		*json;
	struct sigv4_creds creds;
	const char	*region;
	const char	*service;
	time_t		 time;
	unsigned	 flags;
	long		 expires;
};

/* Reads a whole file into a NUL-terminated string, or returns NULL. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (lenp != NULL)
		*lenp = b.len;
	return buf_detach(&b, NULL);
}

/* Reads dir/name/file; NULL (and a message) when it is missing. */
static char *
case_file(const char *dir, const char *name, const char *file, size_t *lenp)
{
	char *path = xasprintf("%s/%s/%s", dir, name, file);
	char *s = slurp(path, lenp);

	if (s == NULL)
		print_error("# %s: cannot read %s\n", name, path);
	free(path);
	return s;
}

/*
 * Splits request.txt: the request line "METHOD TARGET VERSION" (the target
 * may hold spaces), "Name:value" headers whose folded continuation lines
 * (starting with white space) stay in the value joined by "\n", a blank
 * line, then the body.
 */
static int
parse_request(char *text, size_t len, struct vreq *r)
{
	char *p, *e, *end = text + len, *sp, *q, *colon;

	memset(r, 0, sizeof *r);
	r->text = text;
	r->body = "";
	if ((e = strchr(text, '\n')) == NULL)
		e = end;
	*e = '\0';
	r->method = text;
	if ((sp = strchr(text, ' ')) == NULL ||
	    (q = strrchr(text, ' ')) == sp)
		return -1;
	*sp = '\0';
	*q = '\0';
	r->path = sp + 1;
	r->version = q + 1;
	if ((q = strchr(r->path, '?')) != NULL) {
		*q = '\0';
		r->query = q + 1;
	}
	for (p = e < end ? e + 1 : end; p < end; p = e + 1) {
		if (*p == '\n') {
			r->body = p + 1;
			r->bodylen = (size_t)(end - p - 1);
			break;
		}
		/* The header's end: past every continuation line. */
		for (e = p; e < end; e++)
			if (*e == '\n' && (e + 1 == end ||
			    (e[1] != ' ' && e[1] != '\t')))
				break;
		*e = '\0';
		if ((colon = strchr(p, ':')) == NULL ||
		    r->nheaders == sizeof r->headers / sizeof r->headers[0])
			return -1;
		*colon = '\0';
		r->headers[r->nheaders].name = p;
		r->headers[r->nheaders++].value = colon + 1;
		if (e >= end)
			break;
	}
	return 0;
}

/* Returns the boolean member name of o, 0 when absent. */
static int
json_bool(const cJSON *o, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* Returns the string member name of o, or NULL. */
static const char *
json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Parses context.json; -1 when a required field is missing. */
static int
parse_context(const char *text, struct vctx *c)
{
	const cJSON *cr, *exp;
	const char *ts;
	struct tm tm;

	memset(c, 0, sizeof *c);
	if ((c->json = cJSON_Parse(text)) == NULL)
		return -1;
	cr = cJSON_GetObjectItemCaseSensitive(c->json, "credentials");
	c->creds.access_key_id = json_str(cr, "access_key_id");
	c->creds.secret_access_key = json_str(cr, "secret_access_key");
	c->creds.session_token = json_str(cr, "token");
	c->region = json_str(c->json, "region");
	c->service = json_str(c->json, "service");
	if (json_bool(c->json, "normalize"))
		c->flags |= SIGV4_NORMALIZE_PATH;
	if (json_bool(c->json, "sign_body"))
		c->flags |= SIGV4_SIGN_BODY;
	if (json_bool(c->json, "omit_session_token"))
		c->flags |= SIGV4_OMIT_SESSION_TOKEN;
	exp = cJSON_GetObjectItemCaseSensitive(c->json,
	    "expiration_in_seconds");
	c->expires = cJSON_IsNumber(exp) ? (long)exp->valuedouble : 0;
	memset(&tm, 0, sizeof tm);
	if ((ts = json_str(c->json, "timestamp")) == NULL ||
	    sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	c->time = timegm(&tm);
	if (c->creds.access_key_id == NULL ||
	    c->creds.secret_access_key == NULL || c->region == NULL ||
	    c->service == NULL)
		return -1;
	return 0;
}

/*
 * Compares one stage with its expected file, printing both on a
 * difference; returns 1 on a difference (or a missing file), else 0.
 */
static int
check_stage(const struct vtest *t, const char *stage, const char *file,
    const char *got, size_t gotlen)
{
	char *exp;
	size_t explen;
	int bad;

	if ((exp = case_file(*t->dir, t->name, file, &explen)) == NULL)
		return 1;
	bad = explen != gotlen || memcmp(exp, got, gotlen) != 0;
	if (bad)
		print_error("# %s: %s differs (%s)\n"
		    "# --- expected ---\n%s\n# --- got ---\n%s\n# ---\n",
		    t->label, stage, file, exp, got);
	free(exp);
	return bad;
}

/* Rebuilds the request text as signed: headers added or query replaced. */
static char *
signed_request(const struct vreq *r, const struct sigv4_output *out)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_addf(&b, "%s %s", r->method, r->path);
	if (out->query != NULL)
		buf_addf(&b, "?%s", out->query);
	else if (r->query != NULL)
		buf_addf(&b, "?%s", r->query);
	buf_addf(&b, " %s\n", r->version);
	for (i = 0; i < r->nheaders; i++)
		buf_addf(&b, "%s:%s\n", r->headers[i].name,
		    r->headers[i].value);
	for (i = 0; i < out->nadded; i++)
		buf_addf(&b, "%s:%s\n", out->added[i].name,
		    out->added[i].value);
	buf_addch(&b, '\n');
	buf_add(&b, r->body, r->bodylen);
	return buf_detach(&b, NULL);
}

/* Signs one case in one mode and checks every stage separately. */
static void
test_vector(void **state)
{
	const struct vtest *t = *state;
	const char *pfx = t->query ? "query" : "header";
	char *ctxtext = NULL, *reqtext = NULL, *sreq = NULL;
	char hash[SIGV4_HEX_LEN + 1], file[64];
	struct sigv4_output out;
	struct sigv4_input in;
	struct lc_err err;
	struct vctx ctx;
	struct vreq req;
	size_t reqlen;
	int bad = 0, signed_ok = 0;

	memset(&ctx, 0, sizeof ctx);
	memset(&out, 0, sizeof out);
	ctxtext = case_file(*t->dir, t->name, "context.json", NULL);
	reqtext = case_file(*t->dir, t->name, "request.txt", &reqlen);
	if (ctxtext == NULL || reqtext == NULL) {
		bad = 1;
		goto out;
	}
	if (parse_context(ctxtext, &ctx) == -1) {
		print_error("# %s: bad context.json\n", t->label);
		bad = 1;
		goto out;
	}
	if (parse_request(reqtext, reqlen, &req) == -1) {
		print_error("# %s: bad request.txt\n", t->label);
		bad = 1;
		goto out;
	}
	sha256_hex(req.body, req.bodylen, hash);

	memset(&in, 0, sizeof in);
	in.method = req.method;
	in.path = req.path;
	in.query = req.query;
	in.headers = req.headers;
	in.nheaders = req.nheaders;
	in.payload_hash = hash;
	in.creds = &ctx.creds;
	in.region = ctx.region;
	in.service = ctx.service;
	in.time = ctx.time;
	in.flags = ctx.flags | (t->query ? SIGV4_QUERY : 0);
	in.expires = ctx.expires;
	if (sigv4_sign(&in, &out, &err) == -1) {
		print_error("# %s: sigv4_sign: %s\n", t->label, err.msg);
		bad = 1;
		goto out;
	}
	signed_ok = 1;

	snprintf(file, sizeof file, "%s-canonical-request.txt", pfx);
	bad += check_stage(t, "canonical request", file,
	    out.canonical_request, strlen(out.canonical_request));
	snprintf(file, sizeof file, "%s-string-to-sign.txt", pfx);
	bad += check_stage(t, "string to sign", file, out.string_to_sign,
	    strlen(out.string_to_sign));
	snprintf(file, sizeof file, "%s-signature.txt", pfx);
	bad += check_stage(t, "signature", file, out.signature,
	    strlen(out.signature));
	sreq = signed_request(&req, &out);
	snprintf(file, sizeof file, "%s-signed-request.txt", pfx);
	bad += check_stage(t, "signed request", file, sreq, strlen(sreq));
out:
	if (signed_ok)
		sigv4_output_release(&out);
	free(sreq);
	cJSON_Delete(ctx.json);
	free(ctxtext);
	free(reqtext);
	if (bad)
		fail_msg("%s: %d stage(s) wrong or missing", t->label, bad);
}

/* Fails unless dir holds exactly the directories named in list. */
static void
check_case_list(const char *dir, const char *const *list, size_t n)
{
	struct dirent *de;
	struct stat st;
	char *path;
	size_t i;
	int bad = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		fail_msg("cannot open test case directory %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			for (i = 0; i < n; i++)
				if (strcmp(list[i], de->d_name) == 0)
					break;
			if (i == n) {
				print_error("# %s: case not in the test's "
				    "list\n", path);
				bad++;
			}
		}
		free(path);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, list[i]);
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			print_error("# %s: case missing\n", path);
			bad++;
		}
		free(path);
	}
	if (bad)
		fail_msg("%s: %d case(s) missing or unknown", dir, bad);
}

/* The suite directory holds exactly the 38 known cases. */
static void
test_suite_complete(void **state)
{
	(void)state;
	check_case_list(suite_dir, suite_cases, NSUITE);
}

/* The Lambda fixture directory holds exactly the known cases. */
static void
test_lambda_complete(void **state)
{
	(void)state;
	check_case_list(lambda_dir, lambda_cases, NLAMBDA);
}

static const struct sigv4_creds test_creds = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL
};
static const struct sigv4_header test_host[] = {
	{ "Host", "lambda.us-east-1.amazonaws.com" },
};

/* Fills in a plain Lambda request at 2015-08-30T12:36:00Z. */
static void
lambda_input(struct sigv4_input *in, const char *path, const char *query,
    unsigned flags)
{
	memset(in, 0, sizeof *in);
	in->method = "POST";
	in->path = path;
	in->query = query;
	in->headers = test_host;
	in->nheaders = 1;
	in->creds = &test_creds;
	in->region = "us-east-1";
	in->service = "lambda";
	in->time = 1440938160;
	in->flags = flags;
	in->expires = 900;
}

/* Returns line n (from 0) of s, as a new string. */
static char *
line_of(const char *s, int n)
{
	const char *e;

	for (; n > 0 && s != NULL; n--)
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	assert_non_null(s);
	e = strchr(s, '\n');
	return xstrndup(s, e ? (size_t)(e - s) : strlen(s));
}

/* Returns the canonical URI (or with line 2, the query) of a request. */
static char *
canonical_line(const char *path, const char *query, unsigned flags, int line)
{
	struct sigv4_output out;
	struct sigv4_input in;
	struct lc_err err;
	char *s;

	lambda_input(&in, path, query, flags);
	if (sigv4_sign(&in, &out, &err) == -1)
		fail_msg("sigv4_sign(%s): %s", path, err.msg);
	s = line_of(out.canonical_request, line);
	sigv4_output_release(&out);
	return s;
}

/* Asserts the canonical URI of path; frees what it built. */
static void
expect_uri(const char *path, unsigned flags, const char *want)
{
	char *got = canonical_line(path, NULL, flags, 1);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		print_error("# path '%s': want '%s', got '%s'\n", path, want,
		    got);
	free(got);
	assert_true(ok);
}

/* Asserts the canonical query of query; frees what it built. */
static void
expect_query(const char *query, const char *want)
{
	char *got = canonical_line("/", query, SIGV4_NORMALIZE_PATH, 2);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		print_error("# query '%s': want '%s', got '%s'\n", query,
		    want, got);
	free(got);
	assert_true(ok);
}

/* An already-encoded path is encoded again; dot segments are not. */
static void
test_double_encoding(void **state)
{
	(void)state;
	expect_uri("/2015-03-31/functions/my-fn%3Aprod/invocations",
	    SIGV4_NORMALIZE_PATH,
	    "/2015-03-31/functions/my-fn%253Aprod/invocations");
	expect_uri("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A"
	    "123456789012%3Afunction%3Amy-fn/invocations",
	    SIGV4_NORMALIZE_PATH,
	    "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A"
	    "123456789012%253Afunction%253Amy-fn/invocations");
	expect_uri("/a%2Fb/%20c", 0, "/a%252Fb/%2520c");
	expect_uri("/%2E%2E/x", SIGV4_NORMALIZE_PATH, "/%252E%252E/x");
	/* S3: the key encoded once is the canonical URI, dots and all. */
	expect_uri("/art/a%20b%2Bc/%C3%BC%3A%25/./x.zip", SIGV4_URI_AS_SENT,
	    "/art/a%20b%2Bc/%C3%BC%3A%25/./x.zip");
	expect_uri("art//k", SIGV4_URI_AS_SENT, "/art//k");
}

/* Path normalization beyond the suite's cases. */
static void
test_normalize(void **state)
{
	(void)state;
	expect_uri("/a/./b/../c/", SIGV4_NORMALIZE_PATH, "/a/c/");
	expect_uri("/a/b/../../..", SIGV4_NORMALIZE_PATH, "/");
	expect_uri("/..", SIGV4_NORMALIZE_PATH, "/");
	expect_uri("///", SIGV4_NORMALIZE_PATH, "/");
	expect_uri("", SIGV4_NORMALIZE_PATH, "/");
	expect_uri("", 0, "/");
	expect_uri("a/b", SIGV4_NORMALIZE_PATH, "/a/b");
	expect_uri("/a/.", SIGV4_NORMALIZE_PATH, "/a");
	expect_uri("/a/./b/../c/", 0, "/a/./b/../c/");
	expect_uri("/.../x", SIGV4_NORMALIZE_PATH, "/.../x");
}

/* Query parameters are decoded and encoded again, then sorted. */
static void
test_query(void **state)
{
	(void)state;
	expect_query("%E1%88%B4=1", "%E1%88%B4=1");
	expect_query("%e1%88%b4=1", "%E1%88%B4=1");
	expect_query("\xe1\x88\xb4=1", "%E1%88%B4=1");
	expect_query("a+b=c d", "a%2Bb=c%20d");
	expect_query("Qualifier=%24LATEST", "Qualifier=%24LATEST");
	expect_query("k", "k=");
	expect_query("b=2&a=2&a=1&&c=", "a=1&a=2&b=2&c=");
	expect_query("a=%7e%2d", "a=~-");
	expect_query("x=a%3Db", "x=a%3Db");
	expect_query("", "");
}

/* Signs a request with query and returns sigv4_sign's status. */
static int
sign_status(const char *query, const struct sigv4_header *h, size_t nh,
    struct lc_err *err)
{
	struct sigv4_output out;
	struct sigv4_input in;
	int rc;

	lambda_input(&in, "/", query, SIGV4_NORMALIZE_PATH);
	in.headers = h;
	in.nheaders = nh;
	rc = sigv4_sign(&in, &out, err);
	if (rc == 0)
		sigv4_output_release(&out);
	return rc;
}

/* Malformed escapes, a missing Host, a header the signer owns: errors. */
static void
test_errors(void **state)
{
	static const struct sigv4_header nohost[] = {
		{ "Content-Type", "application/json" },
	};
	static const struct sigv4_header owndate[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	static const char *const badq[] = {
		"a=%", "a=%2", "a=%zz", "%G0=1", "ok=1&b=%4", "a=%%41",
	};
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof badq / sizeof badq[0]; i++) {
		memset(&err, 0, sizeof err);
		if (sign_status(badq[i], test_host, 1, &err) != -1)
			fail_msg("query '%s' was accepted", badq[i]);
		assert_non_null(strstr(err.msg, "percent-escape"));
	}
	assert_int_equal(sign_status(NULL, nohost, 1, &err), -1);
	assert_non_null(strstr(err.msg, "Host"));
	assert_int_equal(sign_status(NULL, owndate, 2, &err), -1);
	assert_non_null(strstr(err.msg, "X-Amz-Date"));
	assert_int_equal(sign_status("a=%41", test_host, 1, &err), 0);
}

/* NULL payload hash is the empty body's; hop-by-hop headers not signed. */
static void
test_payload_and_skip(void **state)
{
	static const struct sigv4_header h[] = {
		{ "Host", "lambda.us-east-1.amazonaws.com" },
		{ "User-Agent", "lambdactl/0.1.0" },
		{ "Expect", "100-continue" },
		{ "X-Amz-Invocation-Type", "  Event  " },
	};
	struct sigv4_output a, b;
	struct sigv4_input in;
	struct lc_err err;
	const char *tail;

	(void)state;
	lambda_input(&in, "/", NULL, SIGV4_NORMALIZE_PATH);
	in.headers = h;
	in.nheaders = 4;
	assert_int_equal(sigv4_sign(&in, &a, &err), 0);
	in.payload_hash = EMPTY_HASH;
	assert_int_equal(sigv4_sign(&in, &b, &err), 0);
	assert_string_equal(a.signature, b.signature);
	tail = strrchr(a.canonical_request, '\n');
	assert_string_equal(tail, "\n" EMPTY_HASH);
	assert_string_equal(a.signed_headers, "host;x-amz-date;"
	    "x-amz-invocation-type");
	assert_non_null(strstr(a.canonical_request,
	    "\nx-amz-invocation-type:Event\n"));
	assert_int_equal(a.nadded, 2);
	assert_string_equal(a.added[0].name, "X-Amz-Date");
	assert_string_equal(a.added[0].value, "20150830T123600Z");
	assert_string_equal(a.added[1].name, "Authorization");
	assert_null(a.query);
	sigv4_output_release(&a);
	sigv4_output_release(&b);
}

/* A presigned URL of a Lambda path keeps the path's own encoding. */
static void
test_query_signing(void **state)
{
	static const struct sigv4_creds tok = {
		"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		"tok/en+=",
	};
	struct sigv4_output out;
	struct sigv4_input in;
	struct lc_err err;
	char *q;

	(void)state;
	lambda_input(&in, "/2015-03-31/functions/my-fn%3Aprod/invocations",
	    "Qualifier=prod", SIGV4_NORMALIZE_PATH | SIGV4_QUERY);
	in.creds = &tok;
	assert_int_equal(sigv4_sign(&in, &out, &err), 0);
	assert_int_equal(out.nadded, 0);
	assert_non_null(out.query);
	assert_true(strncmp(out.query, "Qualifier=prod&X-Amz-Algorithm="
	    "AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
	    "us-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&"
	    "X-Amz-SignedHeaders=host&X-Amz-Expires=900&"
	    "X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature=",
	    strlen("Qualifier=prod&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	    "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2F"
	    "aws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders="
	    "host&X-Amz-Expires=900&X-Amz-Security-Token=tok%2Fen%2B%3D&"
	    "X-Amz-Signature=")) == 0);
	assert_string_equal(strrchr(out.query, '=') + 1, out.signature);
	q = line_of(out.canonical_request, 2);
	assert_string_equal(q, "Qualifier=prod&X-Amz-Algorithm="
	    "AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
	    "us-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&"
	    "X-Amz-Expires=900&X-Amz-Security-Token=tok%2Fen%2B%3D&"
	    "X-Amz-SignedHeaders=host");
	free(q);
	q = line_of(out.canonical_request, 1);
	assert_string_equal(q,
	    "/2015-03-31/functions/my-fn%253Aprod/invocations");
	free(q);
	sigv4_output_release(&out);
}

/*
 * A presign replaces the caller's own X-Amz-* authentication parameters
 * (any case, even percent-encoded) rather than sending and signing both;
 * other X-Amz-* parameters stay.
 */
static void
test_query_signing_drops_auth(void **state)
{
	struct sigv4_output out, ref;
	struct sigv4_input in;
	struct lc_err err;
	const char *p;
	char *q, *rq;
	int nsig = 0;

	(void)state;
	lambda_input(&in, "/f", "Qualifier=prod&X-Amz-Signature=deadbeef&"
	    "x-amz-date=19990101T000000Z&X%2DAmz-Credential=evil&"
	    "X-Amz-Foo=keep&X-Amz-Expires=1&X-AMZ-SECURITY-TOKEN=stolen&"
	    "X-Amz-SignedHeaders=x&X-Amz-Algorithm=none",
	    SIGV4_NORMALIZE_PATH | SIGV4_QUERY);
	assert_int_equal(sigv4_sign(&in, &out, &err), 0);
	lambda_input(&in, "/f", "Qualifier=prod&X-Amz-Foo=keep",
	    SIGV4_NORMALIZE_PATH | SIGV4_QUERY);
	assert_int_equal(sigv4_sign(&in, &ref, &err), 0);
	assert_string_equal(out.query, ref.query);
	assert_string_equal(out.signature, ref.signature);
	p = "Qualifier=prod&X-Amz-Foo=keep&X-Amz-Algorithm=AWS4-HMAC-SHA256&";
	assert_true(strncmp(out.query, p, strlen(p)) == 0);
	for (p = out.query; (p = strstr(p, "X-Amz-Signature=")) != NULL; p++)
		nsig++;
	assert_int_equal(nsig, 1);
	assert_null(strstr(out.query, "deadbeef"));
	assert_null(strstr(out.query, "19990101"));
	assert_null(strstr(out.query, "evil"));
	assert_null(strstr(out.query, "stolen"));
	assert_null(strstr(out.query, "X-Amz-Expires=1&"));
	q = line_of(out.canonical_request, 2);
	rq = line_of(ref.canonical_request, 2);
	assert_string_equal(q, rq);
	free(q);
	free(rq);
	sigv4_output_release(&out);
	sigv4_output_release(&ref);
	/* Header signing leaves the query alone. */
	lambda_input(&in, "/f", "X-Amz-Date=1", SIGV4_NORMALIZE_PATH);
	assert_int_equal(sigv4_sign(&in, &out, &err), 0);
	q = line_of(out.canonical_request, 2);
	assert_string_equal(q, "X-Amz-Date=1");
	free(q);
	sigv4_output_release(&out);
}

/* Unreserved bytes pass, every other one is %XX, '/' on request. */
static void
test_uri_encode(void **state)
{
	struct buf b = BUF_INIT;
	char bytes[256], want[4];
	size_t i;

	(void)state;
	sigv4_uri_encode(&b, "a b/c~d%3A:\xc3\xa9+", 14, 0);
	assert_string_equal(b.data, "a%20b%2Fc~d%253A%3A%C3%A9%2B");
	buf_reset(&b);
	sigv4_uri_encode(&b, "/fn%3Aprod/x y/", 15, 1);
	assert_string_equal(b.data, "/fn%253Aprod/x%20y/");
	buf_reset(&b);
	sigv4_uri_encode(&b, "", 0, 1);
	assert_string_equal(b.data, "");

	for (i = 0; i < 256; i++)
		bytes[i] = (char)i;
	buf_reset(&b);
	sigv4_uri_encode(&b, bytes, 256, 0);
	for (i = 0; i < 256; i++) {
		if ((i >= 'A' && i <= 'Z') || (i >= 'a' && i <= 'z') ||
		    (i >= '0' && i <= '9') || i == '-' || i == '.' ||
		    i == '_' || i == '~')
			continue;
		snprintf(want, sizeof want, "%%%02X", (unsigned)i);
		assert_non_null(strstr(b.data, want));
	}
	assert_int_equal(b.len, 66 + 3 * (256 - 66));
	buf_release(&b);
}

/* Registers one test per (case, mode), plus the others. */
int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_suite_complete),
		cmocka_unit_test(test_lambda_complete),
		cmocka_unit_test(test_double_encoding),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_payload_and_skip),
		cmocka_unit_test(test_query_signing),
		cmocka_unit_test(test_query_signing_drops_auth),
		cmocka_unit_test(test_uri_encode),
	};
	static struct vtest vt[2 * NSUITE + NLAMBDA];
	struct CMUnitTest *tests;
	size_t nfixed = sizeof fixed / sizeof fixed[0], n = 0, i;
	int rc;

	if ((suite_dir = getenv("SIGV4_SUITE")) == NULL || *suite_dir == '\0')
		suite_dir = "../shared/sigv4-suite/v4";
	if ((lambda_dir = getenv("SIGV4_LAMBDA_FIXTURES")) == NULL ||
	    *lambda_dir == '\0')
		lambda_dir = "tests/fixtures/sigv4-lambda";

	for (i = 0; i < NSUITE; i++) {
		vt[n].dir = &suite_dir;
		vt[n].name = suite_cases[i];
		vt[n].query = 0;
		snprintf(vt[n].label, sizeof vt[n].label, "%s (header)",
		    suite_cases[i]);
		n++;
		vt[n] = vt[n - 1];
		vt[n].query = 1;
		snprintf(vt[n].label, sizeof vt[n].label, "%s (query)",
		    suite_cases[i]);
		n++;
	}
	/* botocore's SigV4Auth signs with headers only. */
	for (i = 0; i < NLAMBDA; i++) {
		vt[n].dir = &lambda_dir;
		vt[n].name = lambda_cases[i];
		vt[n].query = 0;
		snprintf(vt[n].label, sizeof vt[n].label, "%s (header)",
		    lambda_cases[i]);
		n++;
	}

	tests = xcalloc(nfixed + n, sizeof *tests);
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < n; i++) {
		tests[nfixed + i].name = vt[i].label;
		tests[nfixed + i].test_func = test_vector;
		tests[nfixed + i].initial_state = &vt[i];
	}
	rc = _cmocka_run_group_tests("sigv4", tests, nfixed + n, NULL, NULL);
	free(tests);
	return rc;
}
