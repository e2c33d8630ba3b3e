/*
 * lambda-api.c - AWS Lambda operations (REST-JSON, 2015-03-31) and the
 * waiter: requests and responses.  Their JSON is lambda-json.c's; a
 * deployment zip travels base64-encoded inside the body, streamed from the
 * file (upload.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "clock.h"
#include "lambda-api.h"
#include "lambda-private.h"
#include "lambda-versions.h"
#include "sigv4.h"
#include "upload.h"

#define LIST_PAGE	"50"

/* A placeholder for Code.ZipFile that no real value will contain. */
static void
zip_placeholder(char out[LAMBDA_PLACEHOLDER_MAX])
{
	snprintf(out, LAMBDA_PLACEHOLDER_MAX, "lambdactl-zipfile-%08x%08x",
	    (unsigned)arc4random(), (unsigned)arc4random());
}

/* Sends json (holding placeholder) with the zip streamed into it. */
static int
upload(struct aws_client *c, const char *op, const char *method,
    const char *path, const char *json, const char *placeholder,
    const char *zip_path, void (*progress)(void *, uint64_t, uint64_t),
    void *progress_arg, struct lambda_config *out, struct lc_err *err)
{
	struct upload_body *b = NULL;
	struct aws_request rq;
	struct aws_response rs;
	int ret = -1;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	memset(&rs, 0, sizeof rs);
	if (upload_body_open(&b, json, placeholder, zip_path, err) == -1) {
		lc_error_prefix(err, "%s", op);
		return -1;
	}
	rq_init(&rq, op, method, path);
	rq.headers = json_hdr;
	rq.nheaders = sizeof json_hdr / sizeof json_hdr[0];
	rq.stream = upload_body_stream(b);
	rq.payload_hash = upload_body_sha256(b);
	rq.progress = progress;
	rq.progress_arg = progress_arg;
	if (aws_call(c, &rq, &rs, err) == -1) {
		/* Say why the upload stopped, not just that curl aborted. */
		if (upload_body_error(b) != NULL)
			lc_error(err, LC_EFAIL, "%s: %s", op,
			    upload_body_error(b));
		goto out;
	}
	ret = response_config(op, &rs, out, err);
out:
	response_wipe(&rs);
	upload_body_free(b);
	return ret;
}

int
lambda_create_function(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const char *zip_path,
    const struct lambda_s3_code *s3, int publish,
    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
    struct lambda_config *out, struct lc_err *err)
{
	char ph[LAMBDA_PLACEHOLDER_MAX], *json;
	int ret;

	zip_placeholder(ph);
	json = lambda_create_s3_json(fn, role_arn, publish, ph, s3);
	if (s3 != NULL)
		ret = simple_call(c, "CreateFunction", "POST", API_PREFIX,
		    json, out, err);
	else
		ret = upload(c, "CreateFunction", "POST", API_PREFIX, json,
		    ph, zip_path, progress, progress_arg, out, err);
	free_secret(json);
	return ret;
}

int
lambda_update_code(struct aws_client *c, const struct manifest_fn *fn,
    const char *zip_path, const struct lambda_s3_code *s3,
    const char *revision_id,
    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
    struct lambda_config *out, struct lc_err *err)
{
	char ph[LAMBDA_PLACEHOLDER_MAX], *json;
	struct buf path = BUF_INIT;
	int ret;

	zip_placeholder(ph);
	json = lambda_code_s3_json(fn, revision_id, ph, s3);
	fn_path(&path, fn->name, "/code");
	if (s3 != NULL)
		ret = simple_call(c, "UpdateFunctionCode", "PUT", path.data,
		    json, out, err);
	else
		ret = upload(c, "UpdateFunctionCode", "PUT", path.data, json,
		    ph, zip_path, progress, progress_arg, out, err);
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_update_config(struct aws_client *c, const struct manifest_fn *fn,
    const char *role_arn, const char *revision_id, struct lambda_config *out,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	char *json = lambda_config_json(fn, role_arn, revision_id);
	int ret;

	fn_path(&path, fn->name, "/configuration");
	ret = simple_call(c, "UpdateFunctionConfiguration", "PUT", path.data,
	    json, out, err);
	free_secret(json);
	buf_release(&path);
	return ret;
}

int
lambda_get_function(struct aws_client *c, const char *name,
    struct lambda_config *cfg, struct lc_err *err)
{
	struct aws_request rq;
	struct aws_response rs;
	struct buf path = BUF_INIT;
	int ret = -1;

	memset(cfg, 0, sizeof *cfg);
	fn_path(&path, name, NULL);
	rq_init(&rq, "GetFunction", "GET", path.data);
	if (aws_call(c, &rq, &rs, err) == -1) {
		if (lc_error_is(err, "ResourceNotFoundException")) {
			lc_error_clear(err);
			ret = 0;
		}
		goto out;
	}
	if (lambda_function_parse(rs.http.body.data, rs.http.body.len, cfg,
	    err) == 0)
		ret = 1;
out:
	response_wipe(&rs);
	buf_release(&path);
	return ret;
}

int
lambda_publish_version(struct aws_client *c, const char *name,
    const char *code_sha256, const char *revision_id,
    const char *description, char **version, char **state,
    struct lc_err *err)
{
	struct lambda_config cfg;
	struct buf path = BUF_INIT;
	char *json = lambda_publish_json(code_sha256, revision_id,
	    description);
	int ret = -1;

	*version = NULL;
	if (state != NULL)
		*state = NULL;
	fn_path(&path, name, "/versions");
	if (simple_call(c, "PublishVersion", "POST", path.data, json, &cfg,
	    err) == -1)
		goto out;
	if (cfg.version == NULL)
		lc_error(err, LC_EFAIL, "PublishVersion: unexpected response: "
		    "no Version");
	else if (lambda_version_number(cfg.version, NULL) == -1)
		lc_error(err, LC_EFAIL, "PublishVersion: unexpected response: "
		    "Version is not a published version number");
	else {
		*version = cfg.version;
		cfg.version = NULL;
		if (state != NULL) {
			*state = cfg.state;
			cfg.state = NULL;
		}
		ret = 0;
	}
	lambda_config_release(&cfg);
out:
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_delete_function(struct aws_client *c, const char *name,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	int ret;

	fn_path(&path, name, NULL);
	ret = simple_call(c, "DeleteFunction", "DELETE", path.data, NULL, NULL,
	    err);
	buf_release(&path);
	return ret;
}

int
lambda_list_functions(struct aws_client *c, struct lambda_config **out,
    size_t *n, struct lc_err *err)
{
	struct aws_request rq;
	struct aws_response rs;
	struct buf query = BUF_INIT;
	char *marker = NULL, *next = NULL;
	size_t i;
	int more, ret = -1;

	*out = NULL;
	*n = 0;
	memset(&rs, 0, sizeof rs);
	for (;;) {
		buf_reset(&query);
		if (marker != NULL) {
			buf_adds(&query, "Marker=");
			sigv4_uri_encode(&query, marker, strlen(marker), 0);
			buf_addch(&query, '&');
		}
		buf_adds(&query, "MaxItems=" LIST_PAGE);
		rq_init(&rq, "ListFunctions", "GET", API_PREFIX "/");
		rq.query = query.data;
		if (aws_call(c, &rq, &rs, err) == -1 ||
		    lambda_list_parse(rs.http.body.data, rs.http.body.len, out,
		    n, &next, err) == -1)
			goto out;
		response_wipe(&rs);
		if ((more = aws_next_page("ListFunctions", "NextMarker",
		    &marker, &next, err)) == -1)
			goto out;
		if (!more)
			break;
	}
	ret = 0;
out:
	if (ret == -1) {
		for (i = 0; i < *n; i++)
			lambda_config_release(&(*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	response_wipe(&rs);
	buf_release(&query);
	free(marker);
	free(next);
	return ret;
}

/* The waiter. */

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static int
str_eq(const char *a, const char *b)
{
	return strcmp(nz(a), nz(b)) == 0;
}

static int
is(const char *s, const char *v)
{
	return s != NULL && strcmp(s, v) == 0;
}

/* Sleeps ms, through c->sleep_ms when set (tests count the pauses). */
static void
pause_ms(struct aws_client *c, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms <= 0)
		return;
	if (c->sleep_ms != NULL) {
		c->sleep_ms(ms);
		return;
	}
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Whether the function is ready: 1 yes, 0 not yet, -1 failed (err set).
 * A missing State or LastUpdateStatus (older APIs, emulators) counts as
 * settled.
 */
static int
wait_check(const void *arg, const struct lambda_config *cfg,
    struct lc_err *err)
{
	(void)arg;
	if (is(cfg->last_update_status, "Failed"))
		return lc_error(err, LC_EFAIL, "the update failed: %s",
		    cfg->last_update_status_reason != NULL ?
		    cfg->last_update_status_reason : "no reason given");
	if (is(cfg->state, "Failed"))
		return lc_error(err, LC_EFAIL, "the function is in state "
		    "Failed: %s", cfg->state_reason != NULL ?
		    cfg->state_reason : "no reason given");
	if (cfg->state != NULL && !is(cfg->state, "Active") &&
	    !is(cfg->state, "Inactive"))
		return 0;
	return !is(cfg->last_update_status, "InProgress");
}

long
lambda_poll_next(long prev_ms, long max_ms)
{
	long next;

	if (max_ms <= 0)
		max_ms = 1000;
	next = prev_ms <= 0 ? LAMBDA_POLL_FIRST_MS : prev_ms + prev_ms / 2;
	return next < max_ms ? next : max_ms;
}

/* The next wait before a poll (lambda_poll_next), cut short so that the
 * last poll comes just after the deadline; 0 once it has passed. */
static long
wait_next(long *prev, long poll_ms, double deadline)
{
	double left = deadline - clock_ms() / 1e3;
	long ms = lambda_poll_next(*prev, poll_ms);

	*prev = ms;
	if (left <= 0)
		return 0;
	return (double)ms > left * 1000 ? (long)(left * 1000) + 1 : ms;
}

/*
 * pause_ms in slices of 0.1 s at most, so that stop (may be NULL) set by
 * a signal is seen soon: then -1, lc_error_interrupted; else 0.
 */
static int
pause_stop(struct aws_client *c, long ms, const volatile sig_atomic_t *stop,
    struct lc_err *err)
{
	long slice;

	do {
		if (stop != NULL && *stop)
			return lc_error_interrupted(err, *stop);
		slice = stop != NULL && ms > 100 ? 100 : ms;
		pause_ms(c, slice);
		ms -= slice;
	} while (ms > 0);
	if (stop != NULL && *stop)
		return lc_error_interrupted(err, *stop);
	return 0;
}

/* The timeout's message: what was awaited and the last state seen. */
static int
poll_timed_out(const struct lambda_poll_spec *p, long timeout_s,
    const struct lambda_config *last, struct lc_err *err)
{
	char update[96] = "";

	if (p->with_update)
		snprintf(update, sizeof update, ", LastUpdateStatus %s",
		    last->last_update_status != NULL ?
		    last->last_update_status : "none");
	return lc_error(err, LC_EFAIL, "timed out after %ld s waiting for %s "
	    "(State %s%s)", timeout_s, p->what, last->state != NULL ?
	    last->state : "none", update);
}

/*
 * The first poll comes LAMBDA_POLL_FIRST_MS after the request that made
 * the function (or version) busy (Lambda takes longer than that to create
 * or update one), the next ones later and later up to poll_ms: a short
 * change is seen soon after it ends, a long one without hammering the API.
 */
int
lambda_poll(struct aws_client *c, const struct lambda_poll_spec *p,
    long timeout_s, long poll_ms,
    void (*on_change)(void *, const char *, const char *), void *arg,
    struct lambda_config *out, struct lc_err *err)
{
	struct lambda_config cfg, last;
	double deadline = clock_ms() / 1e3 + (double)(timeout_s > 0 ?
	    timeout_s : 0);
	int seen = 0, r;
	long prev = 0;
	size_t len;

	memset(&last, 0, sizeof last);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	for (;;) {
		if ((r = pause_stop(c, wait_next(&prev, poll_ms, deadline),
		    p->stop, err)) == -1 ||
		    (r = p->fetch(c, p->arg, &cfg, err)) == -1) {
			if (lc_error_is(err, "AccessDeniedException")) {
				len = strlen(err->msg);
				snprintf(err->msg + len, sizeof err->msg - len,
				    " (lambdactl waits by polling %s: the "
				    "credentials need lambda:%s)", p->op, p->op);
			}
			goto out;
		}
		if (on_change != NULL && (!seen ||
		    !str_eq(cfg.state, last.state) ||
		    !str_eq(cfg.last_update_status, last.last_update_status)))
			on_change(arg, cfg.state, cfg.last_update_status);
		seen = 1;
		lambda_config_release(&last);
		last = cfg;
		if ((r = p->ready(p->arg, &last, err)) != 0)
			goto out;
		if (deadline - clock_ms() / 1e3 <= 0) {
			r = poll_timed_out(p, timeout_s, &last, err);
			goto out;
		}
	}
out:
	if (out != NULL && seen) {
		*out = last;
		memset(&last, 0, sizeof last);
	}
	lambda_config_release(&last);
	return r == 1 ? 0 : -1;
}

/* GetFunction, a function that is gone being an error. */
static int
fetch_function(struct aws_client *c, const void *name,
    struct lambda_config *cfg, struct lc_err *err)
{
	int r;

	if ((r = lambda_get_function(c, name, cfg, err)) == 0)
		return lc_error(err, LC_EFAIL, "the function disappeared "
		    "while lambdactl waited for it");
	return r == 1 ? 0 : -1;
}

int
lambda_wait(struct aws_client *c, const char *name, long timeout_s,
    long poll_ms, const volatile sig_atomic_t *stop,
    void (*on_change)(void *, const char *, const char *),
    void *arg, struct lambda_config *out, struct lc_err *err)
{
	const struct lambda_poll_spec p = { fetch_function, wait_check, name,
	    "GetFunction", "the function to settle", 1, stop };

	return lambda_poll(c, &p, timeout_s, poll_ms, on_change, arg, out,
	    err);
}

void
lambda_invoke_res_take(struct lambda_invoke_res *rs,
    struct http_response *http)
{
	const char *v;

	rs->status = http->status;
	if ((v = http_header_get(http, "X-Amz-Function-Error")) != NULL)
		rs->function_error = xstrdup(v);
	if ((v = http_header_get(http, "X-Amz-Executed-Version")) != NULL)
		rs->executed_version = xstrdup(v);
	if ((v = http_header_get(http, "x-amzn-RequestId")) != NULL)
		rs->request_id = xstrdup(v);
	/* A bad log tail must not cost the response of a function that ran. */
	if ((v = http_header_get(http, "X-Amz-Log-Result")) != NULL &&
	    (rs->log_tail = b64_decode(v, strlen(v), NULL)) == NULL)
		rs->log_invalid = 1;
	/* The payload moves over rather than being copied. */
	buf_release(&rs->payload);
	rs->payload = http->body;
	buf_init(&http->body);
}

int
lambda_invoke(struct aws_client *c, const struct lambda_invoke_req *rq,
    struct lambda_invoke_res *rs, struct lc_err *err)
{
	struct http_header h[4];
	struct aws_request ar;
	struct aws_response resp;
	struct buf path = BUF_INIT, query = BUF_INIT;
	char *ctx64 = NULL;
	size_t nh = 0;
	int ret = -1;

	memset(rs, 0, sizeof *rs);
	buf_init(&rs->payload);
	fn_path(&path, rq->name, "/invocations");
	if (rq->qualifier != NULL) {
		buf_adds(&query, "Qualifier=");
		sigv4_uri_encode(&query, rq->qualifier, strlen(rq->qualifier),
		    0);
	}
	h[nh].name = "X-Amz-Invocation-Type";
	h[nh++].value = rq->type;
	if (rq->tail) {
		h[nh].name = "X-Amz-Log-Type";
		h[nh++].value = "Tail";
	}
	if (rq->client_context != NULL) {
		ctx64 = b64_encode_str(rq->client_context,
		    strlen(rq->client_context));
		h[nh].name = "X-Amz-Client-Context";
		h[nh++].value = ctx64;
	}
	h[nh].name = "Content-Type";
	h[nh++].value = "application/json";
	rq_init(&ar, "Invoke", "POST", path.data);
	ar.query = query.len > 0 ? query.data : NULL;
	ar.headers = h;
	ar.nheaders = nh;
	ar.body = rq->payload;
	ar.body_len = rq->len;
	ar.read_timeout = rq->read_timeout;
	/* The whole call: the function's time and a minute to transfer. */
	if (rq->read_timeout > 0)
		ar.timeout = rq->read_timeout + 60;
	/* Lambda returns at most 6 MiB (a synchronous response). */
	ar.max_body = 6 * 1024 * 1024;
	ar.no_retry_after_send = strcmp(rq->type, "RequestResponse") == 0;
	if (aws_call(c, &ar, &resp, err) == -1)
		goto out;
	lambda_invoke_res_take(rs, &resp.http);
	ret = 0;
out:
	if (ret == -1)
		lambda_invoke_res_release(rs);
	aws_response_release(&resp);
	buf_release(&path);
	buf_release(&query);
	free(ctx64);
	return ret;
}

void
lambda_invoke_res_release(struct lambda_invoke_res *rs)
{
	free(rs->function_error);
	free(rs->log_tail);
	free(rs->executed_version);
	free(rs->request_id);
	buf_release(&rs->payload);
	memset(rs, 0, sizeof *rs);
	buf_init(&rs->payload);
}
