/*
 * doctor.c - lambdactl doctor's checks (doctor.h).  Each check adds one
 * result (artifacts and interpreters: one per function or interpreter);
 * nothing is printed, nothing ends early.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws.h"
#include "awsconfig.h"
#include "clock.h"
#include "creds.h"
#include "doctor.h"
#include "endpoint.h"
#include "langrt-java.h"
#include "langrt.h"
#include "log.h"
#include "manifest.h"
#include "package.h"
#include "term.h"
#include "timeparse.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* What the checks found so far, for the ones after them. */
struct state {
	const struct doctor_opts	*o;
	struct doctor_report		*r;
	struct manifest			 m;
	int				 manifest;	/* 1 loaded, 0 none,
							 * -1 invalid */
	struct aws_config		 cfg;
	int				 cfg_ok;
	struct lc_err			 cfg_err;
	const char			*region;	/* borrowed; NULL */
	struct creds			 creds;
	int				 have_creds;
	struct http_opts		 http;
	/* The endpoint's answer: its Date, and the local time then. */
	int				 answered;
	const char			*no_date;	/* why there is none */
	int64_t				 server_date, local_date;
};

static void add(struct state *st, const char *name, enum doctor_status s,
    const char *fmt, ...) LC_PRINTF(4, 5);

static void
add(struct state *st, const char *name, enum doctor_status s,
    const char *fmt, ...)
{
	struct doctor_report *r = st->r;
	struct doctor_check *c;
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	r->checks = xrealloc(r->checks, (r->n + 1) * sizeof *r->checks);
	c = &r->checks[r->n++];
	c->name = xstrdup(name);
	c->status = s;
	c->detail = buf_detach(&b, NULL);
}

/*
 * lambda.yml, when there is one (-f or LAMBDACTL_MANIFEST name it, or
 * ./lambda.yml is here), read as commands that may defer ${env:...} read
 * it: a variable only deploying needs is a warning.
 */
static void
check_manifest(struct state *st)
{
	const char *path = manifest_path(st->o->manifest_flag);
	const char *env = getenv("LAMBDACTL_MANIFEST");
	struct lc_err err = { 0 };

	/* Only ./lambda.yml may be absent; a file named must be there. */
	if (st->o->manifest_flag == NULL && (env == NULL || *env == '\0') &&
	    access(path, F_OK) == -1) {
		add(st, "manifest", DOCTOR_SKIP, "no %s here (-f FILE names "
		    "one)", MANIFEST_DEFAULT_PATH);
		return;
	}
	if (manifest_load_flags(&st->m, path, MANIFEST_DEFER_ENV, &err) ==
	    -1) {
		st->manifest = -1;
		add(st, "manifest", DOCTOR_FAIL, "%s", err.msg);
		st->r->manifest_err = err;
		return;
	}
	st->manifest = 1;
	if (st->m.unresolved_err != NULL) {
		st->r->manifest_err = *st->m.unresolved_err;
		add(st, "manifest", DOCTOR_WARN, "%s: %zu function%s; "
		    "deploying needs a variable: %s", path, st->m.nfns,
		    st->m.nfns == 1 ? "" : "s", st->m.unresolved_err->msg);
	} else
		add(st, "manifest", DOCTOR_OK, "%s: %zu function%s", path,
		    st->m.nfns, st->m.nfns == 1 ? "" : "s");
}

/* The region, with cmd_region_of's rule, and where it came from. */
static void
check_region(struct state *st)
{
	const struct manifest_fn *fn = st->manifest == 1 ?
	    manifest_fn_with_region(&st->m) : NULL;
	struct lc_err err = { 0 };
	char src[160];

	st->region = region_lookup(st->o->region_flag, &st->cfg,
	    st->manifest == 1 ? st->m.region : NULL, src, sizeof src);
	if (st->region == NULL && fn != NULL) {
		/* Only the functions say where they are. */
		st->region = fn->region;
		snprintf(src, sizeof src, "lambda.yml, function %s", fn->name);
	}
	if (st->region == NULL) {
		add(st, "region", DOCTOR_FAIL, "none set (use --region, "
		    "AWS_REGION, 'region' in the profile, or 'region' in "
		    "lambda.yml)");
		return;
	}
	if (region_check(st->region, src, &err) == -1) {
		st->region = NULL;
		add(st, "region", DOCTOR_FAIL, "%s", err.msg);
		return;
	}
	add(st, "region", DOCTOR_OK, "%s (from %s)", st->region, src);
}

/* The credentials and their source; the key id shown by its end only. */
static void
check_creds(struct state *st)
{
	struct creds_opts co = { 0 };
	struct lc_err err = { 0 };
	const char *id, *src;
	char until[64] = "";
	time_t now = time(NULL);
	size_t n;

	if (!st->cfg_ok) {
		add(st, "credentials", DOCTOR_FAIL, "%s", st->cfg_err.msg);
		return;
	}
	co.cfg = &st->cfg;
	co.http = &st->http;
	co.region = st->region;
	if (creds_resolve(&st->creds, &co, &err) == -1) {
		add(st, "credentials", DOCTOR_FAIL, "%s", err.msg);
		return;
	}
	st->have_creds = 1;
	id = st->creds.access_key_id;
	n = strlen(id);
	src = st->creds.source != NULL ? st->creds.source : "?";
	if (strcmp(src, "env") == 0)
		src = "environment";
	if (st->creds.expiration != 0)
		snprintf(until, sizeof until, "; expire in %lld min",
		    (long long)(st->creds.expiration - now) / 60);
	add(st, "credentials", DOCTOR_OK, "from %s (****%s%s)", src,
	    n >= 8 ? id + n - 4 : "", until);
}

/* The AWS error codes that mean the credentials themselves were refused. */
static int
refused(const struct lc_err *err)
{
	static const char *const codes[] = {
		"UnrecognizedClientException", "InvalidSignatureException",
		"SignatureDoesNotMatch", "IncompleteSignatureException",
		"InvalidClientTokenId", "ExpiredTokenException",
		"ExpiredToken", "InvalidAccessKeyId", "RequestExpired",
	};
	size_t i;

	for (i = 0; i < nitems(codes); i++)
		if (lc_error_is(err, codes[i]))
			return 1;
	return 0;
}

/*
 * Whether a refusal is the clock's: the server says the signature is too
 * old or new (SigV4's 5 minutes), or its Date is that far from ours.
 */
static int
clock_refused(const struct state *st, const struct lc_err *err)
{
	int64_t skew = st->server_date - st->local_date;

	if (lc_error_is(err, "RequestExpired") ||
	    strstr(err->msg, "Signature expired") != NULL ||
	    strstr(err->msg, "Signature not yet current") != NULL)
		return 1;
	return st->no_date == NULL && (skew > DOCTOR_SKEW_FAIL ||
	    skew < -DOCTOR_SKEW_FAIL);
}

/* What the endpoint answered (a response arrived; ok: a 2xx). */
static void
judge_answer(struct state *st, const char *url, int ok, double ms,
    const struct lc_err *err)
{
	if (ok)
		add(st, "endpoint", DOCTOR_OK, "%s answered in %.0f ms; "
		    "credentials accepted", url, ms);
	else if (lc_error_is(err, "AccessDeniedException"))
		add(st, "endpoint", DOCTOR_OK, "%s answered in %.0f ms; "
		    "credentials accepted (not allowed to list functions)",
		    url, ms);
	else if (refused(err) && clock_refused(st, err))
		add(st, "endpoint", DOCTOR_FAIL, "%s refused the request: the "
		    "local clock is off (see clock): %s", url, err->msg);
	else if (refused(err))
		add(st, "endpoint", DOCTOR_FAIL, "%s refused the credentials: "
		    "%s", url, err->msg);
	else
		add(st, "endpoint", DOCTOR_FAIL, "%s answered: %s", url,
		    err->msg);
}

/* Keeps the answer's Date for check_clock. */
static void
keep_date(struct state *st, const struct http_response *rs)
{
	const char *d = http_header_get(rs, "Date");

	st->answered = 1;
	st->local_date = (int64_t)time(NULL);
	if (d == NULL)
		st->no_date = "the endpoint's answer has no Date header";
	else if (timeparse_http(d, &st->server_date) == -1)
		st->no_date = "the endpoint's Date header is not an HTTP date";
}

/*
 * One signed request to the Lambda endpoint every command uses:
 * ListFunctions of one function, tried once, within the global timeouts.
 */
static void
check_endpoint(struct state *st)
{
	struct aws_client c = { 0 };
	struct aws_request rq = { 0 };
	struct aws_response rs = { 0 };
	struct endpoint ep = { 0 };
	struct lc_err err = { 0 };
	char *url = NULL;
	double t0;
	int rv;

	if (!st->have_creds || st->region == NULL) {
		add(st, "endpoint", DOCTOR_SKIP, "needs %s",
		    st->have_creds ? "a region" : "credentials");
		return;
	}
	if (endpoint_resolve_checked(&ep, st->o->endpoint_flag, "lambda",
	    &st->cfg, st->region, &err) == -1) {
		add(st, "endpoint", DOCTOR_FAIL, "%s", err.msg);
		goto out;
	}
	url = xasprintf("%s%s", ep.origin, ep.base);
	c.http = http_client_new(&st->http);
	c.creds = &st->creds;
	c.cfg = &st->cfg;
	c.region = st->region;
	c.endpoint_flag = st->o->endpoint_flag;
	c.max_attempts = 1;
	rq.service = "lambda";
	rq.op = "ListFunctions";
	rq.method = "GET";
	rq.path = "/2015-03-31/functions/";
	rq.query = "MaxItems=1";
	t0 = clock_ms();
	rv = aws_call(&c, &rq, &rs, &err);
	if (rs.http.status != 0 && rs.http.failure == HTTP_FAIL_NONE) {
		keep_date(st, &rs.http);
		judge_answer(st, url, rv == 0, clock_ms() - t0, &err);
	} else
		add(st, "endpoint", DOCTOR_FAIL, "%s%s: %s", url,
		    rs.http.failure != HTTP_FAIL_NONE ? " unreachable" : "",
		    err.msg);
	buf_wipe(&rs.http.body);	/* environments: secrets */
	aws_response_release(&rs);
	http_client_free(c.http);
out:
	free(url);
	endpoint_release(&ep);
}

static void
check_clock(struct state *st)
{
	struct buf b = BUF_INIT;
	enum doctor_status s;

	if (!st->answered) {
		add(st, "clock", DOCTOR_SKIP, "needs an answer from the "
		    "endpoint");
		return;
	}
	if (st->no_date != NULL) {
		add(st, "clock", DOCTOR_WARN, "%s: cannot compare", st->no_date);
		return;
	}
	s = doctor_skew(st->server_date - st->local_date, &b);
	add(st, "clock", s, "%s", b.data);
	buf_release(&b);
}

/* What kind of artifact path is (st its stat), for the line. */
static const char *
artifact_kind(const char *path, const struct stat *sb)
{
	size_t n = strlen(path);

	if (S_ISDIR(sb->st_mode))
		return "directory";
	if (n > 4 && strcmp(path + n - 4, ".jar") == 0)
		return "jar";
	if (n > 4 && strcmp(path + n - 4, ".zip") == 0)
		return "zip";
	return "file";
}

/*
 * One function's artifact, as package_build would take it (missing,
 * empty, no bootstrap...); when its build step makes it, a warning.
 */
static void
check_artifact(struct state *st, const struct manifest_fn *fn)
{
	char *path = package_artifact_path(fn, st->m.dir);
	struct lc_err err = { 0 };
	struct stat sb;
	int rv;

	if (manifest_fn_unresolved(fn, "artifact")) {
		add(st, "artifact", DOCTOR_WARN, "%s: 'artifact' uses an unset "
		    "variable", fn->name);
		goto out;
	}
	rv = package_artifact_check(fn, st->m.dir, &sb, &err);
	if (rv == 1 && fn->build != NULL)
		add(st, "artifact", DOCTOR_WARN, "%s: %s missing; its build "
		    "('%s') makes it", fn->name, path, fn->build);
	else if (rv == 1)
		add(st, "artifact", DOCTOR_FAIL, "%s: %s missing (and no "
		    "'build' to make it)", fn->name, path);
	else if (rv == -1 && fn->build != NULL)
		add(st, "artifact", DOCTOR_WARN, "%s: %s; its build ('%s') may "
		    "make it right", fn->name, err.msg, fn->build);
	else if (rv == -1)
		add(st, "artifact", DOCTOR_FAIL, "%s: %s", fn->name, err.msg);
	else
		add(st, "artifact", DOCTOR_OK, "%s: %s (%s)", fn->name, path,
		    artifact_kind(path, &sb));
out:
	free(path);
}

static void
check_artifacts(struct state *st)
{
	size_t i;

	if (st->manifest != 1) {
		add(st, "artifact", DOCTOR_SKIP, "%s",
		    st->manifest == 0 ? "no lambda.yml" : "lambda.yml is "
		    "invalid");
		return;
	}
	for (i = 0; i < st->m.nfns; i++)
		check_artifact(st, &st->m.fns[i]);
}

/*
 * The JVM at java: its version, which must be at least the newest
 * java* runtime of lambda.yml's functions (classes built for Java 21 do
 * not load on 17).
 */
static void
check_java(struct state *st, const char *java)
{
	struct lc_err err = { 0 };
	const struct manifest_fn *newest = NULL;
	size_t i;
	int v, t, want = -1;

	if ((v = langrt_java_version(java, &err)) == -1) {
		add(st, "java", DOCTOR_WARN, "%s", err.msg);
		return;
	}
	for (i = 0; i < st->m.nfns; i++)
		if ((t = langrt_java_target(st->m.fns[i].runtime)) > want) {
			want = t;
			newest = &st->m.fns[i];
		}
	if (newest != NULL && v < want)
		add(st, "java", DOCTOR_WARN, "%s (Java %d) is older than %s's "
		    "runtime %s: local runs may fail to load its classes",
		    java, v, newest->name, newest->runtime);
	else
		add(st, "java", DOCTOR_OK, "%s (Java %d)", java, v);
}

/* The interpreters local runs use, for the kinds lambda.yml's use. */
static void
check_runtimes(struct state *st)
{
	static const struct {
		enum langrt_kind	 kind;
		const char		*name;
	} kinds[] = {
		{ LANGRT_JAVA, "java" },
		{ LANGRT_PYTHON, "python3" },
		{ LANGRT_NODE, "node" },
	};
	struct lc_err err = { 0 };
	const char *user;
	char *path;
	size_t i, j;

	for (i = 0; st->manifest == 1 && i < nitems(kinds); i++) {
		for (j = 0, user = NULL; j < st->m.nfns && user == NULL; j++)
			if (langrt_kind(st->m.fns[j].runtime) == kinds[i].kind)
				user = st->m.fns[j].name;
		if (user == NULL)
			continue;
		if (langrt_interpreter(kinds[i].kind, &path, &err) == -1) {
			add(st, kinds[i].name, DOCTOR_FAIL, "%s; local runs of "
			    "%s need it", err.msg, user);
			continue;
		}
		if (kinds[i].kind == LANGRT_JAVA)
			check_java(st, path);
		else
			add(st, kinds[i].name, DOCTOR_OK, "%s", path);
		free(path);
	}
}

void
doctor_run(const struct doctor_opts *o, struct doctor_report *r)
{
	struct state st;

	memset(&st, 0, sizeof st);
	memset(r, 0, sizeof *r);
	st.o = o;
	st.r = r;
	check_manifest(&st);
	st.cfg_ok = aws_config_load(&st.cfg, o->profile_flag,
	    st.manifest == 1 ? st.m.profile : NULL, &st.cfg_err) == 0;
	st.http = o->http;
	st.http.ca_bundle = aws_ca_bundle(&st.cfg);
	check_region(&st);
	check_creds(&st);
	check_endpoint(&st);
	check_clock(&st);
	check_artifacts(&st);
	check_runtimes(&st);
	creds_release(&st.creds);
	aws_config_release(&st.cfg);
	manifest_release(&st.m);
}

int
doctor_failed(const struct doctor_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->checks[i].status == DOCTOR_FAIL)
			return 1;
	return 0;
}

void
doctor_report_release(struct doctor_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->checks[i].name);
		free_secret(r->checks[i].detail);
	}
	free(r->checks);
	memset(r, 0, sizeof *r);
}

const char *
doctor_status_name(enum doctor_status s)
{
	static const char *const names[] = { "ok", "warn", "fail", "skip" };

	return (size_t)s < nitems(names) ? names[s] : "fail";
}

/*
 * secs as "N s" under two minutes, "N min M s" under ten (so that 301 s is
 * not "5 min", over 5 min), else whole minutes ("N min").
 */
static void
span(struct buf *b, int64_t secs)
{
	if (secs < 120)
		buf_addf(b, "%lld s", (long long)secs);
	else if (secs < 600 && secs % 60 != 0)
		buf_addf(b, "%lld min %lld s", (long long)secs / 60,
		    (long long)secs % 60);
	else if (secs < 600)
		buf_addf(b, "%lld min", (long long)secs / 60);
	else
		buf_addf(b, "%lld min", (long long)(secs + 30) / 60);
}

/* Any skew past this (100 years) is shown as this: no overflow. */
#define SKEW_MAX	(INT64_C(36500) * 86400)

enum doctor_status
doctor_skew(int64_t skew, struct buf *b)
{
	int64_t a;
	const char *way = skew > 0 ? "behind" : "ahead of";

	if (skew > SKEW_MAX)
		skew = SKEW_MAX;
	else if (skew < -SKEW_MAX)
		skew = -SKEW_MAX;
	a = skew < 0 ? -skew : skew;
	if (a <= DOCTOR_SKEW_WARN) {
		buf_adds(b, "local clock within ");
		span(b, a);
		buf_adds(b, " of the server's");
		return DOCTOR_OK;
	}
	buf_adds(b, "local clock ");
	span(b, a);
	buf_addf(b, " %s the server's", way);
	if (a <= DOCTOR_SKEW_FAIL) {
		buf_adds(b, " (AWS refuses requests over 5 min off: sync it, "
		    "e.g. timedatectl set-ntp true)");
		return DOCTOR_WARN;
	}
	buf_adds(b, ": AWS refuses requests signed over 5 min off (sync it, "
	    "e.g. timedatectl set-ntp true)");
	return DOCTOR_FAIL;
}

/*
 * A part of a line: kept to one line whatever it quotes (a server's
 * message, a YAML key: log_one_line), then escaped for a terminal.
 */
static void
add_part(struct buf *b, const char *s, int flags)
{
	struct buf t = BUF_INIT;

	log_one_line(&t, s, strlen(s));
	if (flags & DOCTOR_LINE_ESCAPE)
		term_escape(b, t.data != NULL ? t.data : "", t.len, TERM_TEXT);
	else
		buf_add(b, t.data, t.len);
	buf_wipe(&t);
}

void
doctor_format_line(struct buf *b, const struct doctor_check *c, int namew,
    int flags)
{
	static const char *const words[] = { "ok", "warn", "FAIL", "skip" };
	static const char *const colours[] = {
		"\033[32m", "\033[33m", "\033[1;31m", "\033[2m",
	};
	size_t s = (size_t)c->status < nitems(words) ? (size_t)c->status : 2;
	int len = (int)strlen(c->name);

	if (flags & DOCTOR_LINE_COLOUR)
		buf_addf(b, "%s%-4s\033[0m ", colours[s], words[s]);
	else
		buf_addf(b, "%-4s ", words[s]);
	add_part(b, c->name, flags);
	buf_addf(b, "%*s  ", len < namew ? namew - len : 0, "");
	add_part(b, c->detail, flags);
}
