/*
 * creds-meta.c - the credential providers that ask a local endpoint: the
 * container credentials endpoint (ECS, EKS Pod Identity, Greengrass) and
 * IMDSv2 on EC2, as botocore asks them: short timeouts of their own, the
 * container endpoint refused over plain http to anything but loopback and
 * the documented link-local hosts, and never IMDSv1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "awsconfig.h"
#include "buf.h"
#include "creds-meta.h"
#include "creds-private.h"
#include "creds.h"
#include "endpoint.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "num.h"
#include "xmalloc.h"

#define ENV_RELATIVE	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
#define ENV_FULL	"AWS_CONTAINER_CREDENTIALS_FULL_URI"
#define ENV_TOKEN	"AWS_CONTAINER_AUTHORIZATION_TOKEN"
#define ENV_TOKEN_FILE	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"

/* botocore's ContainerMetadataFetcher: 3 attempts of 2 s, 1 s apart. */
#define CONTAINER_ORIGIN	"http://169.254.170.2"
#define CONTAINER_TIMEOUT	2
#define CONTAINER_ATTEMPTS	3
#define CONTAINER_PAUSE_MS	1000
#define TOKEN_FILE_MAX		(16 * 1024)

/* botocore's IMDSFetcher: 1 attempt of 1 s unless configured. */
#define IMDS_V4			"http://169.254.169.254"
#define IMDS_V6			"http://[fd00:ec2::254]"
#define IMDS_TIMEOUT		1
#define IMDS_ATTEMPTS		1
#define IMDS_TOKEN_TTL		"21600"
#define IMDS_CREDS_PATH		"/latest/meta-data/iam/security-credentials/"

/* No credentials document comes near this. */
#define META_MAX_BODY		(64 * 1024)

int
creds_container_host_ok(const char *hostport)
{
	static const char *const v4[] = { "169.254.170.2", "169.254.170.23" };
	struct in6_addr a6, ecs6;
	unsigned char a4[4], b4[4];
	char host[64];
	const char *end;
	size_t n, i;

	if (*hostport == '[') {
		if ((end = strchr(hostport, ']')) == NULL ||
		    (n = (size_t)(end - hostport - 1)) >= sizeof host ||
		    (end[1] != '\0' && end[1] != ':'))
			return 0;
		memcpy(host, hostport + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1 ||
		    inet_pton(AF_INET6, "fd00:ec2::23", &ecs6) != 1)
			return 0;
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    memcmp(&a6, &ecs6, sizeof a6) == 0;
	}
	if ((n = strcspn(hostport, ":")) >= sizeof host)
		return 0;
	memcpy(host, hostport, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, a4) != 1)
		return 0;
	if (a4[0] == 127)
		return 1;
	for (i = 0; i < nitems(v4); i++)
		if (inet_pton(AF_INET, v4[i], b4) == 1 &&
		    memcmp(a4, b4, sizeof a4) == 0)
			return 1;
	return 0;
}

/* The JSON object in body, or NULL. */
static cJSON *
parse_object(const char *body, size_t len)
{
	cJSON *o = cJSON_ParseWithLength(body, len);

	if (o != NULL && !cJSON_IsObject(o)) {
		creds_json_free(o);
		o = NULL;
	}
	return o;
}

/*
 * A server's text quoted in err (creds_from_json quotes a bad Expiration)
 * with its control characters as '?': one line, whatever it sent.
 */
static int
answer_error(struct lc_err *err)
{
	char *p;

	err->status = LC_EFAIL;
	for (p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

int
creds_container_parse(struct creds *c, const char *body, size_t len,
    const char *what, time_t now, struct lc_err *err)
{
	static const struct creds_json_names names = {
		"AccessKeyId", "SecretAccessKey", "Token", "Expiration"
	};
	cJSON *o;
	int rv;

	memset(c, 0, sizeof *c);
	if ((o = parse_object(body, len)) == NULL)
		return lc_error(err, LC_EFAIL, "%s: the answer is not a JSON "
		    "object", what);
	rv = creds_from_json(c, o, &names, what, now, xstrdup("container"),
	    err);
	creds_json_free(o);
	return rv == -1 ? answer_error(err) : 0;
}

/* A string member of o fit to quote in a one-line message, or NULL. */
static const char *
quotable(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	char tmp[32];

	if (!cJSON_IsString(v) || creds_control_char(v->valuestring, tmp))
		return NULL;
	return v->valuestring;
}

int
creds_imds_parse(struct creds *c, const char *body, size_t len,
    const char *role, const char *what, time_t now, struct lc_err *err)
{
	static const struct creds_json_names names = {
		"AccessKeyId", "SecretAccessKey", "Token", "Expiration"
	};
	static const char *const required[] = { "Token", "Expiration" };
	const char *code, *msg;
	const cJSON *v;
	cJSON *o;
	size_t i;
	int rv = -1;

	memset(c, 0, sizeof *c);
	if ((o = parse_object(body, len)) == NULL)
		return lc_error(err, LC_EFAIL, "%s: role '%s': the answer is "
		    "not a JSON object", what, role);
	code = quotable(o, "Code");
	if (code == NULL || strcmp(code, "Success") != 0) {
		msg = quotable(o, "Message");
		lc_error(err, LC_EFAIL, "%s: role '%s': Code '%.64s'%s%.200s",
		    what, role, code != NULL ? code : "(none)",
		    msg != NULL ? ": " : "", msg != NULL ? msg : "");
		goto out;
	}
	/* botocore takes none without these. */
	for (i = 0; i < nitems(required); i++) {
		v = cJSON_GetObjectItemCaseSensitive(o, required[i]);
		if (!cJSON_IsString(v) || *v->valuestring == '\0') {
			lc_error(err, LC_EFAIL, "%s: role '%s': the answer has "
			    "no '%s'", what, role, required[i]);
			goto out;
		}
	}
	rv = creds_from_json(c, o, &names, what, now,
	    xasprintf("imds (role %s)", role), err);
	if (rv == -1)
		answer_error(err);
out:
	creds_json_free(o);
	return rv;
}

int
creds_imds_role_ok(const char *s, size_t len)
{
	size_t i;
	char ch;

	if (len == 0 || len > 64)
		return 0;
	for (i = 0; i < len; i++) {
		ch = s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') ||
		    (ch != '\0' && strchr("+=,.@_-", ch) != NULL))
			continue;
		return 0;
	}
	return 1;
}

/* One request of these providers, tried again as botocore does. */
struct meta_call {
	struct http_client		*client;
	const char			*method;
	const char			*url;
	const struct http_header	*headers;
	size_t				 nheaders;
	long				 timeout;	/* per attempt, seconds */
	int				 attempts;
	long				 pause_ms;	/* between attempts */
	int				 json;	/* a JSON object must answer */
	const char			*what;	/* the endpoint, for messages */
};

/*
 * The client for one provider call: the command's CA bundle, our timeouts;
 * direct: never through a proxy (the container's token goes to the
 * endpoint alone, as in botocore; IMDS may use one).
 */
static struct http_client *
meta_client(const struct creds_ctx *ctx, long timeout, int direct)
{
	struct http_opts o = ctx->http;

	o.direct = direct;
	o.connect_timeout = o.read_timeout = o.request_timeout = timeout;
	o.max_body = META_MAX_BODY;
	return http_client_new(&o);
}

/* Wipes and releases an answer. */
static void
meta_release(struct http_response *rs)
{
	buf_wipe(&rs->body);
	http_response_release(rs);
}

/* Why an attempt got no usable answer (tmp holds the text), or NULL. */
static const char *
meta_failure(const struct meta_call *mc, int answered,
    const struct http_response *rs, char tmp[64])
{
	cJSON *o;

	if (!answered) {
		if (rs->failure == HTTP_FAIL_CONNECT)
			return "cannot connect";
		if (rs->failure == HTTP_FAIL_TOO_LARGE)
			return "the answer is too large";
		if (rs->failure != HTTP_FAIL_TIMEOUT)
			return "the connection failed";
		snprintf(tmp, 64, "no answer within %ld s", mc->timeout);
		return tmp;
	}
	if (rs->status != 200) {
		snprintf(tmp, 64, "HTTP %ld", rs->status);
		return tmp;
	}
	if (rs->body.len == 0)
		return "an empty answer";
	if (mc->json) {
		if ((o = parse_object(rs->body.data, rs->body.len)) == NULL)
			return "the answer is not a JSON object";
		creds_json_free(o);
	}
	return NULL;
}

/*
 * Sends mc until a 200 with a body (a JSON object when mc->json) answers,
 * at most mc->attempts times: 0 with the answer in rs (the caller wipes
 * and releases it), or -1 with err (LC_EFAIL, naming mc->what: the host,
 * never the token) saying what the last attempt got.  *answered says
 * whether any HTTP answer came at all.
 */
static int
meta_send(const struct meta_call *mc, struct http_response *rs,
    int *answered, struct lc_err *err)
{
	struct http_request rq;
	struct timespec ts = { mc->pause_ms / 1000,
	    (mc->pause_ms % 1000) * 1000000L };
	struct lc_err e;
	char tmp[64];
	const char *why = "not asked";
	int i, got;

	memset(&rq, 0, sizeof rq);
	rq.method = mc->method;
	rq.url = mc->url;
	rq.headers = mc->headers;
	rq.nheaders = mc->nheaders;
	*answered = 0;
	for (i = 0; i < mc->attempts; i++) {
		if (i > 0)
			nanosleep(&ts, NULL);	/* a signal cuts it short */
		got = http_send(mc->client, &rq, rs, &e) == 0;
		*answered |= got;
		if ((why = meta_failure(mc, got, rs, tmp)) == NULL)
			return 0;
		log_debug("%s: attempt %d of %d: %s", mc->what, i + 1,
		    mc->attempts, why);
		meta_release(rs);
	}
	if (mc->attempts > 1)
		return lc_error(err, LC_EFAIL, "%s: %s (%d attempts)",
		    mc->what, why, mc->attempts);
	return lc_error(err, LC_EFAIL, "%s: %s", mc->what, why);
}

/*
 * Takes the container endpoint's URL apart into ep, refusing (LC_ECONFIG,
 * naming var; never quoting a user name or password) what botocore
 * refuses, before any request.  A query is allowed, as botocore allows it.
 */
static int
container_url(const char *url, const char *var, struct endpoint *ep,
    struct lc_err *err)
{
	size_t n = strcspn(url, "?");
	char *base = xstrndup(url, n), tmp[32];
	int rv;

	rv = endpoint_parse(base, var, ep, err);
	free(base);
	if (rv == -1)
		return -1;
	if (strpbrk(url + n, " #") != NULL ||
	    creds_control_char(url + n, tmp) != NULL)
		return lc_error(err, LC_ECONFIG, "invalid endpoint URL (from "
		    "%s): a space, control character or fragment in its "
		    "query", var);
	if (strncmp(url, "https://", 8) == 0 ||
	    creds_container_host_ok(ep->host))
		return 0;
	return lc_error(err, LC_ECONFIG, "%s: plain http goes only to a "
	    "loopback address, localhost, 169.254.170.2, 169.254.170.23 or "
	    "[fd00:ec2::23], not to '%s' (use https)", var, ep->host);
}

/* The whole of the token file (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE). */
static int
read_token_file(const char *path, char **out, struct lc_err *err)
{
	char *text = xmalloc(TOKEN_FILE_MAX + 1);
	const char *why = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	*out = NULL;
	/* read(2), not stdio: no copy of the token left in its buffer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		why = strerror(errno);
	else {
		if ((n = read_all(fd, text, TOKEN_FILE_MAX + 1)) == -1)
			why = strerror(errno);
		else
			len = (size_t)n;
		close(fd);
	}
	if (why == NULL && len > TOKEN_FILE_MAX)
		why = "larger than 16 KiB";
	else if (why == NULL && len == 0)
		why = "the file is empty";
	else if (why == NULL && memchr(text, '\0', len) != NULL)
		why = "it contains a NUL byte";
	if (why != NULL) {
		OPENSSL_cleanse(text, TOKEN_FILE_MAX + 1);
		free(text);
		return lc_error(err, LC_ECONFIG, "%s: cannot use '%s': %s",
		    ENV_TOKEN_FILE, path, why);
	}
	text[len] = '\0';
	*out = text;
	return 0;
}

/*
 * The Authorization header's value, NULL when none: the token file's
 * contents, read afresh each time (it rotates) and winning over
 * AWS_CONTAINER_AUTHORIZATION_TOKEN, as in botocore; taken as they are,
 * so a control character (a trailing newline too) is refused.
 */
static int
container_token(char **out, struct lc_err *err)
{
	const char *path = aws_env(ENV_TOKEN_FILE), *v;
	char *where;
	int rv;

	*out = NULL;
	if (path != NULL) {
		if (read_token_file(path, out, err) == -1)
			return -1;
		where = xasprintf("%s ('%s'): the ", ENV_TOKEN_FILE, path);
	} else if ((v = aws_env(ENV_TOKEN)) != NULL) {
		*out = xstrdup(v);
		where = xstrdup("environment variable ");
	} else
		return 0;
	log_secret(*out);
	rv = creds_check_key(*out, where, path != NULL ? "token" : ENV_TOKEN,
	    err);
	free(where);
	if (rv == -1) {
		free_secret(*out);
		*out = NULL;
	}
	return rv;
}

/*
 * Provider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2; it
 * wins) or _FULL_URI, with the Authorization token when one is set.
 */
int
creds_load_container(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	const char *rel = aws_env(ENV_RELATIVE), *full = aws_env(ENV_FULL);
	const char *var = rel != NULL ? ENV_RELATIVE : ENV_FULL;
	struct http_header h[2] = { { "Accept", "application/json" },
	    { "Authorization", NULL } };
	struct endpoint ep = { 0 };
	struct meta_call mc;
	struct http_response rs;
	char *url, *token = NULL, *what = NULL;
	int answered, rv = -1;

	if (rel == NULL && full == NULL)
		return 0;
	url = rel != NULL ? xasprintf("%s%s", CONTAINER_ORIGIN, rel) :
	    xstrdup(full);
	if (container_url(url, var, &ep, err) == -1 ||
	    container_token(&token, err) == -1)
		goto out;
	what = xasprintf("container credentials endpoint %s (%s)", ep.host,
	    var);
	h[1].value = token;
	memset(&mc, 0, sizeof mc);
	mc.client = meta_client(ctx, CONTAINER_TIMEOUT, 1);
	mc.method = "GET";
	mc.url = url;
	mc.headers = h;
	mc.nheaders = token != NULL ? 2 : 1;
	mc.timeout = CONTAINER_TIMEOUT;
	mc.attempts = CONTAINER_ATTEMPTS;
	mc.pause_ms = CONTAINER_PAUSE_MS;
	mc.json = 1;
	mc.what = what;
	if (meta_send(&mc, &rs, &answered, err) == 0) {
		if (creds_container_parse(c, rs.body.data, rs.body.len, what,
		    ctx->now, err) == 0)
			rv = 1;
		meta_release(&rs);
	}
	http_client_free(mc.client);
out:
	free(url);
	free(what);
	free_secret(token);
	endpoint_release(&ep);
	return rv;
}

/* Where IMDS is, and how long to wait for it. */
struct imds_conf {
	struct endpoint	ep;
	long		timeout;
	long		attempts;
	char		*what;		/* "IMDS at HOST" */
};

/*
 * A setting of IMDS: the environment variable env, else key of the
 * profile in the config file (botocore reads them there only); *src (the
 * caller frees it) names where it came from.  NULL when neither is set.
 */
static const char *
imds_setting(const struct creds_ctx *ctx, const char *env, const char *key,
    char **src)
{
	const struct aws_setting *s;
	const char *v;

	if ((v = aws_env(env)) != NULL) {
		*src = xstrdup(env);
		return v;
	}
	s = aws_profile_setting(ctx->cfg, ctx->profile, key, AWS_FILE_CONFIG);
	if (s == NULL)
		return NULL;
	*src = xasprintf("%s:%d: %s", s->file, s->line, key);
	return s->value;
}

/* A number setting of IMDS from 1 to max into *out (left when unset). */
static int
imds_number(const struct creds_ctx *ctx, const char *env, const char *key,
    long max, long *out, struct lc_err *err)
{
	char *src = NULL;
	const char *v, *why;
	int rv = 0;

	if ((v = imds_setting(ctx, env, key, &src)) != NULL &&
	    num_parse(v, 1, max, out, &why) == -1)
		rv = lc_error(err, LC_ECONFIG, "%s wants a whole number from "
		    "1 to %ld, not '%.32s' (%s)", src, max, v, why);
	free(src);
	return rv;
}

/*
 * The default endpoint: IPv6 when ec2_metadata_service_endpoint_mode says
 * so (any case), else when imds_use_ipv6 is true; else IPv4.
 */
static int
imds_default(const struct creds_ctx *ctx, const char **url,
    struct lc_err *err)
{
	char *src = NULL;
	const char *m;
	int rv = 0;

	*url = IMDS_V4;
	if ((m = imds_setting(ctx, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	    "ec2_metadata_service_endpoint_mode", &src)) != NULL) {
		if (strcasecmp(m, "ipv6") == 0)
			*url = IMDS_V6;
		else if (strcasecmp(m, "ipv4") != 0)
			rv = lc_error(err, LC_ECONFIG, "%s must be IPv4 or "
			    "IPv6, not '%.32s'", src, m);
	} else if ((m = imds_setting(ctx, "AWS_IMDS_USE_IPV6",
	    "imds_use_ipv6", &src)) != NULL && strcasecmp(m, "true") == 0)
		*url = IMDS_V6;
	free(src);
	return rv;
}

/* IMDS's settings for ctx->profile: ic is the caller's to release. */
static int
imds_conf(struct imds_conf *ic, const struct creds_ctx *ctx,
    struct lc_err *err)
{
	char *src = NULL;
	const char *url;
	int rv;

	memset(ic, 0, sizeof *ic);
	ic->timeout = IMDS_TIMEOUT;
	ic->attempts = IMDS_ATTEMPTS;
	if (imds_number(ctx, "AWS_METADATA_SERVICE_TIMEOUT",
	    "metadata_service_timeout", 3600, &ic->timeout, err) == -1 ||
	    imds_number(ctx, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
	    "metadata_service_num_attempts", 10, &ic->attempts, err) == -1)
		return -1;
	if ((url = imds_setting(ctx, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	    "ec2_metadata_service_endpoint", &src)) == NULL) {
		if (imds_default(ctx, &url, err) == -1)
			return -1;
		src = xstrdup("the default IMDS endpoint");
	}
	rv = endpoint_parse(url, src, &ic->ep, err);
	free(src);
	if (rv == 0)
		ic->what = xasprintf("IMDS at %s", ic->ep.host);
	return rv;
}

/* A call to IMDS: path under its endpoint, with the session token. */
static int
imds_call(const struct imds_conf *ic, struct http_client *client,
    const char *method, const char *path, const struct http_header *h,
    int json, struct http_response *rs, int *answered, struct lc_err *err)
{
	struct meta_call mc;
	char *url = xasprintf("%s%s%s", ic->ep.origin, ic->ep.base, path);
	int rv;

	memset(&mc, 0, sizeof mc);
	mc.client = client;
	mc.method = method;
	mc.url = url;
	mc.headers = h;
	mc.nheaders = 1;
	mc.timeout = ic->timeout;
	mc.attempts = (int)ic->attempts;
	mc.json = json;
	mc.what = ic->what;
	rv = meta_send(&mc, rs, answered, err);
	free(url);
	return rv;
}

/*
 * IMDSv2's session token: 1 with *token, 0 when none comes: not on EC2
 * (no answer), or no IMDSv2 there.  IMDSv1 is never used, so then IMDS
 * gives nothing, quietly (--debug says why), as botocore gives nothing.
 */
static int
imds_token(char **token, const struct imds_conf *ic,
    struct http_client *client, struct lc_err *err)
{
	static const struct http_header ttl = {
		"X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL
	};
	struct http_response rs;
	struct lc_err e;
	char tmp[32];
	int answered;

	*token = NULL;
	if (imds_call(ic, client, "PUT", "/latest/api/token", &ttl, 0, &rs,
	    &answered, &e) == -1) {
		log_debug("%s; no credentials from IMDS (%s)", e.msg,
		    answered ? "IMDSv1 is never used" : "not on EC2?");
		return 0;
	}
	*token = xstrndup(rs.body.data, rs.body.len);
	log_secret(*token);
	if (strlen(*token) != rs.body.len ||
	    creds_control_char(*token, tmp) != NULL) {
		meta_release(&rs);
		return lc_error(err, LC_EFAIL, "%s: the session token it gave "
		    "is not a valid header value", ic->what);
	}
	meta_release(&rs);
	return 1;
}

/* The role IMDS lists, then its credentials. */
static int
imds_role_creds(struct creds *c, const char *token,
    const struct imds_conf *ic, struct http_client *client, time_t now,
    struct lc_err *err)
{
	struct http_header h = { "X-aws-ec2-metadata-token", token };
	struct http_response rs;
	char *role = NULL, *path = NULL;
	int answered, rv = -1;

	if (imds_call(ic, client, "GET", IMDS_CREDS_PATH, &h, 0, &rs,
	    &answered, err) == -1)
		return -1;
	if (creds_imds_role_ok(rs.body.data, rs.body.len))
		role = xstrndup(rs.body.data, rs.body.len);
	meta_release(&rs);
	if (role == NULL)
		return lc_error(err, LC_EFAIL, "%s: the role it lists is not "
		    "an IAM role name", ic->what);
	path = xasprintf("%s%s", IMDS_CREDS_PATH, role);
	if (imds_call(ic, client, "GET", path, &h, 1, &rs, &answered,
	    err) == 0) {
		rv = creds_imds_parse(c, rs.body.data, rs.body.len, role,
		    ic->what, now, err);
		meta_release(&rs);
	}
	free(path);
	free(role);
	return rv;
}

/*
 * Provider: IMDSv2, unless AWS_EC2_METADATA_DISABLED is true.  Nothing
 * answering the token request is "not on EC2" (0); once IMDS gave a
 * token, its failures are errors (LC_EFAIL).
 */
int
creds_load_imds(struct creds *c, struct creds_ctx *ctx, struct lc_err *err)
{
	const char *off = aws_env("AWS_EC2_METADATA_DISABLED");
	struct imds_conf ic;
	struct http_client *client = NULL;
	char *token = NULL;
	int rv;

	if (off != NULL && strcasecmp(off, "true") == 0) {
		log_debug("IMDS not asked: AWS_EC2_METADATA_DISABLED is true");
		return 0;
	}
	if ((rv = imds_conf(&ic, ctx, err)) == 0) {
		client = meta_client(ctx, ic.timeout, 0);
		if ((rv = imds_token(&token, &ic, client, err)) == 1 &&
		    imds_role_creds(c, token, &ic, client, ctx->now,
		    err) == -1)
			rv = -1;
	}
	free_secret(token);
	http_client_free(client);
	endpoint_release(&ic.ep);
	free(ic.what);
	return rv;
}
