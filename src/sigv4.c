/*
 * sigv4.c - AWS Signature Version 4: canonical request, string to sign,
 * signing key, signature.  Pure: the caller supplies the time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sha256.h"
#include "sigv4.h"

#define SIGV4_ALGORITHM	"AWS4-HMAC-SHA256"
#define SIGV4_EMPTY_HASH \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A query parameter, key and value both in canonical (encoded) form. */
struct sigv4_param {
	char	*key;
	char	*value;
};

/* A header to sign: lowercase name, trimmed value, position as given. */
struct sigv4_chdr {
	char	*name;
	char	*value;
	size_t	 order;
};

/*
 * Headers never signed, as in botocore: hop-by-hop headers and those that
 * proxies and HTTP clients rewrite.  Authorization is the signer's own.
 */
static const char *const sigv4_unsigned[] = {
	"authorization", "connection", "expect", "keep-alive",
	"proxy-authenticate", "proxy-authorization", "te", "trailer",
	"transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
};

/* HMAC-SHA256 of data under key into out (32 bytes). */
static void
sigv4_hmac(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[32])
{
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &n) == NULL ||
	    n != 32)
		die("HMAC-SHA256 failed");
}

/* Tells whether c is in the SigV4 unreserved set. */
static int
sigv4_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

void
sigv4_uri_encode(struct buf *out, const char *s, size_t len, int keep_slash)
{
	static const char upper[] = "0123456789ABCDEF";
	size_t i;
	unsigned char c;

	buf_grow(out, len);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (sigv4_unreserved(c) || (keep_slash && c == '/'))
			buf_addch(out, c);
		else {
			buf_addch(out, '%');
			buf_addch(out, upper[c >> 4]);
			buf_addch(out, upper[c & 0xf]);
		}
	}
}

/*
 * Percent-decodes s[0..len) and appends it to out re-encoded the SigV4 way,
 * so that "%e1%88%b4", "%E1%88%B4" and the raw UTF-8 all come out the same.
 * Returns -1 on a malformed escape.
 */
static int
sigv4_reencode(struct buf *out, const char *s, size_t len)
{
	struct buf raw = BUF_INIT;
	int rv;

	if ((rv = pct_decode(&raw, s, len, PCT_STRICT)) == 0)
		sigv4_uri_encode(out, raw.data, raw.len, 0);
	buf_release(&raw);
	return rv;
}

/*
 * Appends the canonical URI of path to out.  The path is taken as sent,
 * already percent-encoded, and every segment is encoded a second time
 * ("%3A" becomes "%253A"): that is what Lambda and every service but S3
 * verify against; with as_sent (S3), it is used as it is.  With
 * normalize, "." and ".." and empty segments go first, as in RFC 3986
 * 5.2.4 plus the collapsing of "//".
 */
static void
sigv4_canonical_uri(struct buf *out, const char *path, int normalize,
    int as_sent)
{
	const char **seg;
	size_t *seglen, nseg = 0, i, n, len;
	const char *p, *e;

	if (path == NULL || *path == '\0') {
		buf_addch(out, '/');
		return;
	}
	len = strlen(path);
	if (as_sent) {
		if (*path != '/')
			buf_addch(out, '/');
		buf_add(out, path, len);
		return;
	}
	if (!normalize) {
		if (*path != '/')
			buf_addch(out, '/');
		sigv4_uri_encode(out, path, len, 1);
		return;
	}

	/* At most len / 2 + 1 segments; index them, then drop and pop. */
	seg = xcalloc(len / 2 + 1, sizeof *seg);
	seglen = xcalloc(len / 2 + 1, sizeof *seglen);
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 1 && p[0] == '.')
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		seg[nseg] = p;
		seglen[nseg++] = n;
	}
	buf_addch(out, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			buf_addch(out, '/');
		sigv4_uri_encode(out, seg[i], seglen[i], 0);
	}
	if (nseg > 0 && path[len - 1] == '/')
		buf_addch(out, '/');
	free(seg);
	free(seglen);
}

/* Orders parameters by encoded key, then encoded value (byte order). */
static int
sigv4_param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *pa = a, *pb = b;
	int c;

	if ((c = strcmp(pa->key, pb->key)) != 0)
		return c;
	return strcmp(pa->value, pb->value);
}

/* Appends a parameter whose key and value are already canonical. */
static void
sigv4_param_add(struct sigv4_param **v, size_t *n, size_t *cap,
    char *key, char *value)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[*n].key = key;
	(*v)[(*n)++].value = value;
}

/* Appends key=value to the list, encoding value (which is raw). */
static void
sigv4_param_addraw(struct sigv4_param **v, size_t *n, size_t *cap,
    const char *key, const char *value)
{
	struct buf b = BUF_INIT;

	sigv4_uri_encode(&b, value, strlen(value), 0);
	sigv4_param_add(v, n, cap, xstrdup(key), buf_detach(&b, NULL));
}

/* Frees a parameter list, wiping it (it may hold a session token). */
static void
sigv4_params_free(struct sigv4_param *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free_secret(v[i].value);
	}
	free(v);
}

/*
 * Tells whether a canonical query key is one of the parameters a presign
 * writes itself (any case): a caller's own copy must not survive beside
 * ours, or the URL would carry two signatures, dates or credentials.
 */
static int
sigv4_is_auth_param(const char *key)
{
	static const char *const names[] = {
		"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
		"X-Amz-Expires", "X-Amz-SignedHeaders",
		"X-Amz-Security-Token", "X-Amz-Signature",
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(key, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Splits the query as sent into canonical parameters: "k=v" or "k" alone
 * (empty value), each side decoded then encoded again; '+' is not a space.
 * With drop_auth, the presign's own X-Amz-* parameters are left out.
 */
static int
sigv4_parse_query(const char *query, int drop_auth, struct sigv4_param **v,
    size_t *n, size_t *cap, struct lc_err *err)
{
	const char *p, *e, *eq;
	struct buf k = BUF_INIT, val = BUF_INIT;
	size_t klen;

	if (query == NULL)
		return 0;
	for (p = query; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '&');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p)
			continue;
		eq = memchr(p, '=', (size_t)(e - p));
		klen = (size_t)((eq ? eq : e) - p);
		if (sigv4_reencode(&k, p, klen) == -1 || (eq != NULL &&
		    sigv4_reencode(&val, eq + 1, (size_t)(e - eq - 1)) == -1)) {
			buf_release(&k);
			buf_release(&val);
			return lc_error(err, LC_EFAIL, "malformed "
			    "percent-escape in query parameter '%.*s'",
			    (int)(e - p), p);
		}
		if (drop_auth && sigv4_is_auth_param(k.data)) {
			buf_reset(&k);
			buf_wipe(&val);
			continue;
		}
		sigv4_param_add(v, n, cap, buf_detach(&k, NULL),
		    buf_detach(&val, NULL));
	}
	buf_release(&k);
	buf_release(&val);
	return 0;
}

/* Tells whether lname (lowercase) is a header the signer never signs. */
static int
sigv4_skip_header(const char *lname)
{
	size_t i;

	for (i = 0; i < sizeof sigv4_unsigned / sizeof sigv4_unsigned[0]; i++)
		if (strcmp(lname, sigv4_unsigned[i]) == 0)
			return 1;
	return 0;
}

/* Tells whether lname (lowercase) is a header that the signer adds. */
static int
sigv4_reserved(const struct sigv4_input *in, const char *lname)
{
	const char *token = in->creds->session_token;

	if (in->flags & SIGV4_QUERY)
		return 0;
	return strcmp(lname, "x-amz-date") == 0 ||
	    (strcmp(lname, "x-amz-security-token") == 0 && token != NULL &&
	    token[0] != '\0') ||
	    (strcmp(lname, "x-amz-content-sha256") == 0 &&
	    (in->flags & SIGV4_SIGN_BODY));
}

/* Returns value trimmed, with each run of white space made one space. */
static char *
sigv4_trimall(const char *value)
{
	struct buf b = BUF_INIT;
	const char *p;
	int space = 0;

	for (p = value; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\v' || *p == '\f') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, *p);
	}
	return buf_detach(&b, NULL);
}

/* Orders headers by name, then by the position they were given in. */
static int
sigv4_chdr_cmp(const void *a, const void *b)
{
	const struct sigv4_chdr *ha = a, *hb = b;
	int c;

	if ((c = strcmp(ha->name, hb->name)) != 0)
		return c;
	return (ha->order > hb->order) - (ha->order < hb->order);
}

/* Returns a lowercase copy of s. */
static char *
sigv4_lower(const char *s)
{
	char *l = xstrdup(s), *p;

	for (p = l; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

/*
 * Builds the canonical headers block (each "name:value\n") into chdrs and
 * the signed-header list into signed_hdrs, from the request's headers
 * plus the n extra ones the signer adds (lowercase names).
 */
static int
sigv4_canonical_headers(const struct sigv4_input *in,
    const struct sigv4_header *extra, size_t nextra, struct buf *chdrs,
    struct buf *signed_hdrs, struct lc_err *err)
{
	struct sigv4_chdr *h;
	size_t nh = 0, i;
	int have_host = 0, rc = -1;
	char *lname;

	h = xcalloc(in->nheaders + nextra, sizeof *h);
	for (i = 0; i < in->nheaders; i++) {
		if (in->headers[i].name == NULL ||
		    in->headers[i].name[0] == '\0' ||
		    in->headers[i].value == NULL) {
			lc_error(err, LC_EFAIL, "empty header name or value");
			goto out;
		}
		lname = sigv4_lower(in->headers[i].name);
		if (sigv4_skip_header(lname)) {
			free(lname);
			continue;
		}
		if (sigv4_reserved(in, lname)) {
			lc_error(err, LC_EFAIL, "header '%s' is set by the "
			    "signer", in->headers[i].name);
			free(lname);
			goto out;
		}
		if (strcmp(lname, "host") == 0)
			have_host = 1;
		h[nh].name = lname;
		h[nh].value = sigv4_trimall(in->headers[i].value);
		h[nh].order = nh;
		nh++;
	}
	if (!have_host) {
		lc_error(err, LC_EFAIL, "no Host header to sign");
		goto out;
	}
	for (i = 0; i < nextra; i++) {
		h[nh].name = xstrdup(extra[i].name);
		h[nh].value = sigv4_trimall(extra[i].value);
		h[nh].order = nh;
		nh++;
	}
	qsort(h, nh, sizeof *h, sigv4_chdr_cmp);
	for (i = 0; i < nh; i++) {
		if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
			buf_addch(chdrs, ',');
			buf_adds(chdrs, h[i].value);
			continue;
		}
		if (i > 0) {
			buf_addch(chdrs, '\n');
			buf_addch(signed_hdrs, ';');
		}
		buf_adds(signed_hdrs, h[i].name);
		buf_adds(chdrs, h[i].name);
		buf_addch(chdrs, ':');
		buf_adds(chdrs, h[i].value);
	}
	buf_addch(chdrs, '\n');
	rc = 0;
out:
	for (i = 0; i < nh; i++) {
		free(h[i].name);
		free_secret(h[i].value);
	}
	free(h);
	return rc;
}

/*
 * Derives the signing key (HMAC chain over date, region, service and
 * "aws4_request") and writes the hex HMAC of sts under it to sig.  Every
 * intermediate key is wiped.
 */
static void
sigv4_signature(const struct sigv4_input *in, const char *date,
    const char *sts, char sig[SIGV4_HEX_LEN + 1])
{
	struct buf secret = BUF_INIT;
	unsigned char k[32], k2[32], mac[32];

	buf_adds(&secret, "AWS4");
	buf_adds(&secret, in->creds->secret_access_key);
	sigv4_hmac(secret.data, secret.len, date, strlen(date), k);
	buf_wipe(&secret);
	sigv4_hmac(k, sizeof k, in->region, strlen(in->region), k2);
	sigv4_hmac(k2, sizeof k2, in->service, strlen(in->service), k);
	sigv4_hmac(k, sizeof k, "aws4_request", strlen("aws4_request"), k2);
	sigv4_hmac(k2, sizeof k2, sts, strlen(sts), mac);
	sha256_to_hex(mac, sig);
	OPENSSL_cleanse(k, sizeof k);
	OPENSSL_cleanse(k2, sizeof k2);
	OPENSSL_cleanse(mac, sizeof mac);
}

/* Appends a header to out->added. */
static void
sigv4_add_header(struct sigv4_output *out, const char *name, char *value)
{
	if (out->nadded >= SIGV4_MAX_ADDED ||
	    strlen(name) >= sizeof out->added[0].name)
		die("sigv4: too many added headers");
	snprintf(out->added[out->nadded].name, sizeof out->added[0].name,
	    "%s", name);
	out->added[out->nadded++].value = value;
}

/* Checks that the input has what signing needs. */
static int
sigv4_check_input(const struct sigv4_input *in, struct lc_err *err)
{
	const char *p;

	if (in->method == NULL || in->method[0] == '\0')
		return lc_error(err, LC_EFAIL, "no request method to sign");
	if (in->creds == NULL || in->creds->access_key_id == NULL ||
	    in->creds->access_key_id[0] == '\0' ||
	    in->creds->secret_access_key == NULL ||
	    in->creds->secret_access_key[0] == '\0')
		return lc_error(err, LC_ECONFIG, "no credentials to sign with");
	if (in->region == NULL || in->region[0] == '\0')
		return lc_error(err, LC_ECONFIG, "no region to sign for");
	if (in->service == NULL || in->service[0] == '\0')
		return lc_error(err, LC_EFAIL, "no service to sign for");
	if (in->nheaders > 0 && in->headers == NULL)
		return lc_error(err, LC_EFAIL, "no headers to sign");
	if ((in->flags & SIGV4_QUERY) && in->expires <= 0)
		return lc_error(err, LC_EFAIL, "presigned URL needs a positive "
		    "expiry, not %ld", in->expires);
	if (in->payload_hash != NULL)
		for (p = in->payload_hash; *p != '\0'; p++)
			if (*p == '\n')
				return lc_error(err, LC_EFAIL,
				    "newline in payload hash");
	return 0;
}

/*
 * Builds the canonical query: the request's parameters and, for a presigned
 * URL, the X-Amz-* ones (the session token among them unless omitted),
 * sorted, joined with '&'.
 */
static int
sigv4_canonical_query(const struct sigv4_input *in, const char *credential,
    const char *amz_date, const char *shdrs, const char *signed_token,
    struct buf *out, struct lc_err *err)
{
	struct sigv4_param *v = NULL;
	size_t n = 0, cap = 0, i;
	char expires[32];

	if (sigv4_parse_query(in->query, (in->flags & SIGV4_QUERY) != 0,
	    &v, &n, &cap, err) == -1) {
		sigv4_params_free(v, n);
		return -1;
	}
	if (in->flags & SIGV4_QUERY) {
		snprintf(expires, sizeof expires, "%ld", in->expires);
		sigv4_param_addraw(&v, &n, &cap, "X-Amz-Algorithm",
		    SIGV4_ALGORITHM);
		sigv4_param_addraw(&v, &n, &cap, "X-Amz-Credential",
		    credential);
		sigv4_param_addraw(&v, &n, &cap, "X-Amz-Date", amz_date);
		sigv4_param_addraw(&v, &n, &cap, "X-Amz-Expires", expires);
		if (signed_token != NULL)
			sigv4_param_addraw(&v, &n, &cap,
			    "X-Amz-Security-Token", signed_token);
		sigv4_param_addraw(&v, &n, &cap, "X-Amz-SignedHeaders",
		    shdrs);
	}
	if (n > 1)
		qsort(v, n, sizeof *v, sigv4_param_cmp);
	for (i = 0; i < n; i++)
		buf_addf(out, "%s%s=%s", i ? "&" : "", v[i].key, v[i].value);
	sigv4_params_free(v, n);
	return 0;
}

/*
 * Returns the query string of a presigned URL: the request's parameters as
 * given (but for its own X-Amz-* authentication ones, which ours replace),
 * then ours in the order the SDKs write them.  The session token is there
 * even when it was left out of the signature.  The query was checked by
 * sigv4_canonical_query.
 */
static char *
sigv4_presigned_query(const struct sigv4_input *in,
    const struct sigv4_output *out, const char *credential,
    const char *token)
{
	struct buf b = BUF_INIT, k = BUF_INIT;
	const char *p, *e, *eq;

	for (p = in->query; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		if ((e = strchr(p, '&')) == NULL)
			e = p + strlen(p);
		if (e == p)
			continue;
		eq = memchr(p, '=', (size_t)(e - p));
		buf_reset(&k);
		if (sigv4_reencode(&k, p, (size_t)((eq ? eq : e) - p)) == 0 &&
		    sigv4_is_auth_param(k.data))
			continue;
		buf_add(&b, p, (size_t)(e - p));
		buf_addch(&b, '&');
	}
	buf_release(&k);
	buf_adds(&b, "X-Amz-Algorithm=" SIGV4_ALGORITHM "&X-Amz-Credential=");
	sigv4_uri_encode(&b, credential, strlen(credential), 0);
	buf_addf(&b, "&X-Amz-Date=%s&X-Amz-SignedHeaders=", out->amz_date);
	sigv4_uri_encode(&b, out->signed_headers, strlen(out->signed_headers),
	    0);
	buf_addf(&b, "&X-Amz-Expires=%ld", in->expires);
	if (token != NULL) {
		buf_adds(&b, "&X-Amz-Security-Token=");
		sigv4_uri_encode(&b, token, strlen(token), 0);
	}
	buf_addf(&b, "&X-Amz-Signature=%s", out->signature);
	return buf_detach(&b, NULL);
}

/* What one signing works out before the canonical request. */
struct sigv4_state {
	const char	*token;		/* the session token; NULL: none */
	const char	*signed_token;	/* the token as signed; NULL: not */
	const char	*payload;	/* the hex hash of the body */
	char		 date[9];	/* 20150830 */
	char		 scope[256];	/* DATE/REGION/SERVICE/aws4_request */
	char		*credential;	/* ACCESS-KEY-ID/SCOPE */
};

/* The token, the payload hash, the date and the credential scope. */
static int
sigv4_prepare(const struct sigv4_input *in, struct sigv4_output *out,
    struct sigv4_state *st, struct lc_err *err)
{
	struct tm tm;

	st->token = in->creds->session_token;
	if (st->token != NULL && st->token[0] == '\0')
		st->token = NULL;
	st->signed_token = in->flags & SIGV4_OMIT_SESSION_TOKEN ? NULL :
	    st->token;
	st->payload = in->payload_hash ? in->payload_hash : SIGV4_EMPTY_HASH;
	if (gmtime_r(&in->time, &tm) == NULL ||
	    strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ",
	    &tm) != 16)
		return lc_error(err, LC_EFAIL, "cannot sign at time %lld",
		    (long long)in->time);
	memcpy(st->date, out->amz_date, 8);
	st->date[8] = '\0';
	if ((size_t)snprintf(st->scope, sizeof st->scope,
	    "%s/%s/%s/aws4_request", st->date, in->region, in->service) >=
	    sizeof st->scope)
		return lc_error(err, LC_EFAIL, "region or service too long");
	st->credential = xasprintf("%s/%s", in->creds->access_key_id,
	    st->scope);
	return 0;
}

/*
 * The canonical request into cr, the signed header names into shdrs.
 * Header signing signs what it adds; a presign adds no header.
 */
static int
sigv4_canonical_request(const struct sigv4_input *in,
    const struct sigv4_output *out, const struct sigv4_state *st,
    struct buf *cr, struct buf *shdrs, struct lc_err *err)
{
	struct sigv4_header extra[3];
	struct buf chdrs = BUF_INIT;
	size_t nextra = 0;
	int rc = -1;

	if (!(in->flags & SIGV4_QUERY)) {
		extra[nextra].name = "x-amz-date";
		extra[nextra++].value = out->amz_date;
		if (st->signed_token != NULL) {
			extra[nextra].name = "x-amz-security-token";
			extra[nextra++].value = st->signed_token;
		}
		if (in->flags & SIGV4_SIGN_BODY) {
			extra[nextra].name = "x-amz-content-sha256";
			extra[nextra++].value = st->payload;
		}
	}
	if (sigv4_canonical_headers(in, extra, nextra, &chdrs, shdrs,
	    err) == -1)
		goto out;
	buf_adds(cr, in->method);
	buf_addch(cr, '\n');
	sigv4_canonical_uri(cr, in->path,
	    (in->flags & SIGV4_NORMALIZE_PATH) != 0,
	    (in->flags & SIGV4_URI_AS_SENT) != 0);
	buf_addch(cr, '\n');
	if (sigv4_canonical_query(in, st->credential, out->amz_date,
	    shdrs->data, st->signed_token, cr, err) == -1)
		goto out;
	buf_addch(cr, '\n');
	buf_add(cr, chdrs.data, chdrs.len);
	buf_addch(cr, '\n');
	buf_add(cr, shdrs->data, shdrs->len);
	buf_addch(cr, '\n');
	buf_adds(cr, st->payload);
	rc = 0;
out:
	buf_wipe(&chdrs);
	return rc;
}

/* Header signing: the headers the request gets, in out->added's order. */
static void
sigv4_auth_headers(const struct sigv4_input *in, struct sigv4_output *out,
    const struct sigv4_state *st)
{
	if (st->token != NULL)
		sigv4_add_header(out, "X-Amz-Security-Token",
		    xstrdup(st->token));
	sigv4_add_header(out, "X-Amz-Date", xstrdup(out->amz_date));
	if (in->flags & SIGV4_SIGN_BODY)
		sigv4_add_header(out, "x-amz-content-sha256",
		    xstrdup(st->payload));
	sigv4_add_header(out, "Authorization", xasprintf(SIGV4_ALGORITHM
	    " Credential=%s, SignedHeaders=%s, Signature=%s", st->credential,
	    out->signed_headers, out->signature));
}

int
sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out,
    struct lc_err *err)
{
	struct buf cr = BUF_INIT, shdrs = BUF_INIT;
	struct sigv4_state st = { 0 };
	char crhash[SIGV4_HEX_LEN + 1];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (sigv4_check_input(in, err) == -1 ||
	    sigv4_prepare(in, out, &st, err) == -1 ||
	    sigv4_canonical_request(in, out, &st, &cr, &shdrs, err) == -1)
		goto out;
	sha256_hex(cr.data, cr.len, crhash);
	out->canonical_request = buf_detach(&cr, NULL);
	out->string_to_sign = xasprintf(SIGV4_ALGORITHM "\n%s\n%s\n%s",
	    out->amz_date, st.scope, crhash);
	sigv4_signature(in, st.date, out->string_to_sign, out->signature);
	out->signed_headers = buf_detach(&shdrs, NULL);
	if (in->flags & SIGV4_QUERY)
		out->query = sigv4_presigned_query(in, out, st.credential,
		    st.token);
	else
		sigv4_auth_headers(in, out, &st);
	rc = 0;
out:
	if (rc == -1)
		sigv4_output_release(out);
	buf_wipe(&cr);
	buf_release(&shdrs);
	free(st.credential);
	return rc;
}

void
sigv4_output_release(struct sigv4_output *out)
{
	size_t i;

	if (out == NULL)
		return;
	free_secret(out->canonical_request);	/* may hold the token */
	free(out->string_to_sign);
	free(out->signed_headers);
	for (i = 0; i < out->nadded && i < SIGV4_MAX_ADDED; i++)
		free_secret(out->added[i].value);
	free_secret(out->query);
	OPENSSL_cleanse(out, sizeof *out);
}
