/*
 * cmd-invoke.c - lambdactl invoke FUNCTION: Invoke, with the payload from a
 * file, inline or stdin, validated before anything is sent; the response on
 * stdout; exit 4 when the function itself failed.  --repeat turns it into a
 * small load test over reused connections.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "cmd.h"
#include "json.h"
#include "lambda-api.h"
#include "langrt.h"
#include "log.h"
#include "proc.h"
#include "serve.h"
#include "term.h"

#define MAX_SYNC_PAYLOAD	(6 * 1024 * 1024)
#define MAX_EVENT_PAYLOAD	(1024 * 1024)
#define MAX_CLIENT_CONTEXT_B64	3583	/* X-Amz-Client-Context */
#define TIMEOUT_MARGIN		30	/* seconds over the function's own */

static const struct cmd_opt invoke_opts[] = {
	{ "payload", 0, "PAYLOAD", "JSON: a file, inline text, or - for stdin" },
	{ "event", 0, NULL, "invoke asynchronously (InvocationType Event)" },
	{ "dry-run", 0, NULL, "only check access (InvocationType DryRun)" },
	{ "qualifier", 0, "VERSION", "invoke this version or alias" },
	{ "client-context", 0, "JSON", "pass this client context" },
	{ "out", 0, "FILE", "write the response to FILE, not stdout" },
	{ "log", 0, NULL, "print the last 4 KB of the log on stderr" },
	{ "verbose", 'v', NULL, "print status, version and request id" },
	{ "repeat", 0, "N", "invoke N times and report latencies" },
	{ "concurrency", 0, "C", "with --repeat: C invokes at once" },
	{ "local", 0, NULL, "run the function here, not in Lambda" },
	{ "pass-credentials", 0, NULL, "with --local: give it our AWS keys" },
	{ "no-build", 0, NULL, "with --local: skip the build command" },
	{ "build-timeout", 0, "DURATION",
	    "stop a build command after DURATION (default 10m)" },
	{ "raw", 0, NULL, "print control characters as they are, even on "
	    "a terminal" },
	{ NULL, 0, NULL, NULL },
};

/* Reads all of fp into b, failing past max bytes. */
static int
slurp(FILE *fp, struct buf *b, size_t max, const char *what,
    struct lc_err *err)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf_add(b, chunk, n);
		if (b->len > max)
			return lc_error(err, LC_ECONFIG, "payload %s is over "
			    "%zu bytes, Lambda's limit for this invocation",
			    what, max);
	}
	if (ferror(fp))
		return lc_error(err, LC_ECONFIG, "cannot read payload %s: %s",
		    what, strerror(errno));
	return 0;
}

/*
 * The payload: "-" is stdin, "file://PATH" or an existing file is read,
 * anything else is JSON text.  *label names it in errors.
 */
static int
load_payload(const char *arg, size_t max, struct buf *b, char **label,
    struct lc_err *err)
{
	const char *path = NULL;
	FILE *fp;
	int ret;

	if (arg == NULL) {
		buf_adds(b, "{}");
		*label = xstrdup("{}");
		return 0;
	}
	if (strcmp(arg, "-") == 0) {
		*label = xstrdup("(stdin)");
		return slurp(stdin, b, max, *label, err);
	}
	if (strncmp(arg, "file://", 7) == 0)
		path = arg + 7;
	else if (access(arg, F_OK) == 0)
		path = arg;
	if (path == NULL) {
		/* Not a file: JSON text (check_json says if it looks like a path). */
		*label = xstrdup("(inline)");
		if (strlen(arg) > max)
			return lc_error(err, LC_ECONFIG, "payload %s is over "
			    "%zu bytes, Lambda's limit for this invocation",
			    *label, max);
		buf_adds(b, arg);
		return 0;
	}
	*label = xasprintf("'%s'", path);
	if ((fp = fopen(path, "rb")) == NULL)
		return lc_error(err, LC_ECONFIG, "cannot read payload %s: %s",
		    *label, strerror(errno));
	ret = slurp(fp, b, max, *label, err);
	fclose(fp);
	return ret;
}

/*
 * Exactly one RFC 8259 JSON text, as Lambda reads it (json.h); an error
 * says FILE:LINE:COL, FILE being the payload's path, "(stdin)" or
 * "--payload" for inline text.
 */
static int
check_json(const struct buf *b, const char *label, const char *arg,
    struct lc_err *err)
{
	struct json_error e;
	const char *where;

	if (json_check(b->data, b->len, &e) == 0)
		return 0;
	if (strcmp(label, "(stdin)") == 0)
		where = label;
	else if (strcmp(label, "(inline)") == 0)
		where = "--payload";
	else
		where = strncmp(arg, "file://", 7) == 0 ? arg + 7 : arg;
	/* "--payload evnt.json": a typo more likely than broken JSON. */
	if (arg != NULL && strcmp(label, "(inline)") == 0 &&
	    strchr("{[\"", arg[0]) == NULL && strpbrk(arg, "./") != NULL)
		return lc_error(err, LC_ECONFIG, "%s:%zu:%zu: invalid JSON: "
		    "%s (and there is no file '%s')", where, e.line, e.col,
		    e.reason, arg);
	/* A file's error points at it (GitHub Actions annotates it). */
	if (strcmp(label, "(stdin)") != 0 && strcmp(label, "(inline)") != 0)
		return lc_error_at(err, LC_ECONFIG, where, e.line, e.col,
		    "invalid JSON: %s", e.reason);
	return lc_error(err, LC_ECONFIG, "%s:%zu:%zu: invalid JSON: %s",
	    where, e.line, e.col, e.reason);
}

/* JSON, and within what Lambda takes: 3,583 bytes once base64-encoded. */
static int
check_client_context(const char *cc, struct lc_err *err)
{
	size_t len = strlen(cc), enc = (len + 2) / 3 * 4;
	struct json_error e;

	if (json_check(cc, len, &e) == -1)
		return lc_error(err, LC_ECONFIG, "--client-context:%zu:%zu: "
		    "invalid JSON: %s", e.line, e.col, e.reason);
	if (enc > MAX_CLIENT_CONTEXT_B64)
		return lc_error(err, LC_ECONFIG, "--client-context is %zu "
		    "bytes, %zu in base64: over Lambda's limit of %d", len,
		    enc, MAX_CLIENT_CONTEXT_B64);
	return 0;
}

/* The idle timeout: the function's own timeout plus a margin. */
static long
read_timeout(struct cmd_ctx *ctx, struct aws_client *c, const char *name)
{
	const struct manifest_fn *fn = manifest_find(&ctx->manifest, name);
	struct lambda_config cfg;
	struct lc_err err;
	long t = 0;

	if (fn != NULL)
		return fn->timeout + TIMEOUT_MARGIN;
	if (lambda_get_function(c, name, &cfg, &err) == 1) {
		t = cfg.timeout;
		lambda_config_release(&cfg);
	}
	/* Unknown: allow Lambda's maximum of 900 s. */
	return (t > 0 ? t : 900) + TIMEOUT_MARGIN;
}

/* --out: a temporary file beside the target, renamed into place. */
struct out_file {
	char	*path;
	char	*tmp;
	FILE	*fp;
};

/* Opens the temporary file before anything is invoked. */
static int
out_open(struct out_file *o, const char *path, struct lc_err *err)
{
	o->path = xstrdup(path);
	o->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((o->fp = fopen(o->tmp, "wb")) == NULL)
		return lc_error(err, LC_EFAIL, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

static int
out_commit(struct out_file *o, const struct buf *b, struct lc_err *err)
{
	int ok = fwrite(b->data, 1, b->len, o->fp) == b->len;

	ok = (fclose(o->fp) == 0) && ok;
	o->fp = NULL;
	if (!ok || rename(o->tmp, o->path) == -1)
		return lc_error(err, LC_EFAIL, "cannot write '%s': %s",
		    o->path, strerror(errno));
	return 0;
}

/* --out's temporary file while a remote invoke waits, for out_on_signal. */
static char *volatile out_signal_tmp;

/*
 * A remote invoke has no long wait of its own to unwind from: on SIGINT or
 * SIGTERM, remove --out's temporary file, say so and die of the signal.
 * Async-signal-safe.
 */
static void
out_on_signal(int sig)
{
	static const char msg[] = "lambdactl: interrupted: the response was "
	    "not written\n";
	char *tmp = out_signal_tmp;

	if (tmp != NULL)
		unlink(tmp);
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Removes the temporary file on SIGINT (unless ignored) and SIGTERM. */
static void
out_catch_signals(struct out_file *o)
{
	out_signal_tmp = o->tmp;
	cmd_catch_stop(out_on_signal, 0);
}

/* Removes the temporary file unless it was renamed; frees o. */
static void
out_release(struct out_file *o)
{
	out_signal_tmp = NULL;
	if (o->fp != NULL)
		fclose(o->fp);
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
}

/* errorType and errorMessage of a function error body, if it has them. */
static void
describe_error(const struct lambda_invoke_res *rs, struct buf *out)
{
	const cJSON *t, *m;
	cJSON *j;

	j = cJSON_ParseWithLength(rs->payload.data, rs->payload.len);
	t = cJSON_GetObjectItemCaseSensitive(j, "errorType");
	m = cJSON_GetObjectItemCaseSensitive(j, "errorMessage");
	if (cJSON_IsString(t))
		buf_addf(out, ": %s", t->valuestring);
	if (cJSON_IsString(m))
		buf_addf(out, ": %s", m->valuestring);
	cJSON_Delete(j);
}

/*
 * --log: the tail (cmd_print_log), or where the log is when Lambda points
 * elsewhere; escaped (term.h) unless raw.
 */
static void
print_log(const char *name, const char *tail, int raw)
{
	const cJSON *g, *s;
	cJSON *j;

	j = cJSON_Parse(tail);
	g = cJSON_GetObjectItemCaseSensitive(j, "logGroupName");
	s = cJSON_GetObjectItemCaseSensitive(j, "logStreamName");
	if (cJSON_IsString(g) && cJSON_IsString(s))
		term_printf(stderr, term_escaping(STDERR_FILENO, raw),
		    "lambdactl: %s: the log is in group '%s', stream '%s' "
		    "(lambdactl logs %s)\n", name, g->valuestring,
		    s->valuestring, name);
	else
		cmd_print_log(tail, strlen(tail), raw);
	cJSON_Delete(j);
}

/*
 * One invoke, retried once without Tail if the function rejects it.
 * Lambda has no code of its own for that refusal: it answers
 * InvalidParameterValueException, the code it gives any bad parameter of
 * Invoke (an invalid qualifier, a bad client context, ...), and only the
 * message says which parameter it was.  On the code alone, such mistakes
 * would be blamed on the log and sent again; so the code is tested first
 * and the message then tells Tail's refusal from the others, which are
 * not retried (t4002: "another 400 with --log: not retried").
 */
static int
invoke_once(struct aws_client *c, struct lambda_invoke_req *rq,
    struct lambda_invoke_res *rs, struct lc_err *err)
{
	if (lambda_invoke(c, rq, rs, err) == 0)
		return 0;
	if (rq->tail && lc_error_is(err, "InvalidParameterValueException") &&
	    (strstr(err->msg, "LogType") != NULL ||
	    strstr(err->msg, "Tail") != NULL)) {
		log_warn("%s: the function does not return its log (%s); "
		    "invoking without --log", rq->name, err->msg);
		rq->tail = 0;
		lc_error_clear(err);
		return lambda_invoke(c, rq, rs, err);
	}
	return -1;
}

/* The -o json result (schema/lambdactl-invoke.json); the log tail
 * redacted as --log's text is. */
static cJSON *
result_json(const struct lambda_invoke_res *rs)
{
	cJSON *o = cJSON_CreateObject(), *p;
	struct buf log = BUF_INIT;

	cJSON_AddNumberToObject(o, "status_code", (double)rs->status);
	if (rs->executed_version != NULL)
		cJSON_AddStringToObject(o, "executed_version",
		    rs->executed_version);
	if (rs->request_id != NULL)
		cJSON_AddStringToObject(o, "request_id", rs->request_id);
	if (rs->function_error != NULL)
		cJSON_AddStringToObject(o, "function_error",
		    rs->function_error);
	if (rs->log_tail != NULL) {
		buf_adds(&log, rs->log_tail);
		log_redact(&log);
		cJSON_AddStringToObject(o, "log_tail", log.data);
		buf_wipe(&log);
	}
	/*
	 * The response as it came when all of it is one JSON text (json.h's
	 * strict check), embedded untouched (json_dump only re-spaces it):
	 * not parsed, which would round 9007199254740993, make 1e400 null
	 * and stop a string at \u0000.  Else a string; none (--event,
	 * --dry-run): null.
	 */
	if (rs->payload.len == 0)
		p = cJSON_CreateNull();
	else if (json_check(rs->payload.data, rs->payload.len, NULL) == 0)
		p = cJSON_CreateRaw(rs->payload.data);
	else
		p = cJSON_CreateString(rs->payload.data);
	cJSON_AddItemToObject(o, "payload", p);
	return o;
}

/* --repeat: the shared state of the load test's workers. */
struct bench {
	const struct aws_client		*tmpl;
	struct http_opts		 ho;
	struct lambda_invoke_req	 rq;
	long				 n;
	long				 next;
	long				 errors;
	double				*ms;
	pthread_mutex_t			 mu;
	char				 first_error[sizeof(((struct lc_err *)0)->msg)];
};

static void *
bench_worker(void *arg)
{
	struct bench *b = arg;
	struct aws_client c = *b->tmpl;
	struct lambda_invoke_res rs;
	struct lc_err err;
	double t0;
	long i;
	int bad;

	c.http = http_client_new(&b->ho);
	for (;;) {
		pthread_mutex_lock(&b->mu);
		i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= b->n)
			break;
		t0 = clock_ms();
		lc_error_clear(&err);
		bad = lambda_invoke(&c, &b->rq, &rs, &err) == -1;
		b->ms[i] = clock_ms() - t0;
		if (!bad && rs.function_error != NULL) {
			lc_error(&err, LC_EFUNC, "function error (%s)",
			    rs.function_error);
			bad = 1;
		}
		pthread_mutex_lock(&b->mu);
		if (bad && b->errors++ == 0)
			snprintf(b->first_error, sizeof b->first_error, "%s",
			    err.msg);
		pthread_mutex_unlock(&b->mu);
		lambda_invoke_res_release(&rs);
	}
	http_client_free(c.http);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
percentile(const double *v, long n, double p)
{
	long i = (long)(p / 100.0 * (double)n + 0.999999) - 1;

	return v[i < 0 ? 0 : (i >= n ? n - 1 : i)];
}

static int
run_bench(struct cmd_ctx *ctx, const struct aws_client *c,
    const struct lambda_invoke_req *rq, long n, long conc)
{
	struct bench b;
	pthread_t *t;
	double t0, secs;
	long i;
	cJSON *o;

	memset(&b, 0, sizeof b);
	b.tmpl = c;
	cmd_http_opts(ctx, &b.ho);
	b.rq = *rq;
	b.n = n;
	b.ms = xcalloc((size_t)n, sizeof *b.ms);
	pthread_mutex_init(&b.mu, NULL);
	if (conc > n)
		conc = n;
	t = xcalloc((size_t)conc, sizeof *t);
	t0 = clock_ms();
	for (i = 0; i < conc; i++)
		if (pthread_create(&t[i], NULL, bench_worker, &b) != 0)
			die("cannot start a thread");
	for (i = 0; i < conc; i++)
		pthread_join(t[i], NULL);
	secs = (clock_ms() - t0) / 1e3;
	qsort(b.ms, (size_t)n, sizeof *b.ms, cmp_double);
	if (ctx->output == OUTPUT_JSON) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "invocations", (double)n);
		cJSON_AddNumberToObject(o, "errors", (double)b.errors);
		cJSON_AddNumberToObject(o, "concurrency", (double)conc);
		cJSON_AddNumberToObject(o, "seconds", secs);
		/* A run too quick for the clock: no rate (JSON has no
		 * infinity). */
		cJSON_AddNumberToObject(o, "per_second", secs > 0 ?
		    (double)n / secs : 0);
		cJSON_AddNumberToObject(o, "p50_ms", percentile(b.ms, n, 50));
		cJSON_AddNumberToObject(o, "p90_ms", percentile(b.ms, n, 90));
		cJSON_AddNumberToObject(o, "p99_ms", percentile(b.ms, n, 99));
		cJSON_AddNumberToObject(o, "max_ms", b.ms[n - 1]);
		if (b.errors > 0)
			cmd_json_add_error(o, "first_error",
			    b.first_error);
		cmd_print_json(o);
	} else {
		printf("%ld invocations, %ld errors, concurrency %ld, %.2f s "
		    "(%.1f/s)\n", n, b.errors, conc, secs, secs > 0 ?
		    (double)n / secs : 0);
		printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
		    percentile(b.ms, n, 50), percentile(b.ms, n, 90),
		    percentile(b.ms, n, 99), b.ms[n - 1]);
		if (b.errors > 0) {
			char *m = xasprintf("first error: %s", b.first_error);

			log_error(m);	/* redacted, one line, escaped */
			free(m);
		}
	}
	pthread_mutex_destroy(&b.mu);
	free(t);
	free(b.ms);
	return b.errors > 0 ? LC_EFAIL : LC_OK;
}

/* --local's function: in lambda.yml, every ${env:...} set, a runtime
 * that runs here (langrt_kind). */
static const struct manifest_fn *
local_fn(struct cmd_ctx *ctx, const char *name)
{
	const struct manifest *m = &ctx->manifest;
	const struct manifest_fn *fn;

	if ((fn = manifest_find(m, name)) == NULL) {
		lc_error(&ctx->err, LC_ECONFIG, "%s: --local runs functions of "
		    "'%s' (it needs the artifact and settings)", name,
		    m->path != NULL ? m->path : MANIFEST_DEFAULT_PATH);
		return NULL;
	}
	/* A local run uses every value: each ${env:...} must be set. */
	if (manifest_require_env(m, &ctx->err) == -1)
		return NULL;
	if (langrt_kind(fn->runtime) == LANGRT_NONE) {
		lc_error(&ctx->err, LC_ECONFIG, "%s: --local runs provided.*, "
		    "java*, python3.* and nodejs* runtimes; '%s' runs only in "
		    "Lambda or its container image", name, fn->runtime);
		return NULL;
	}
	return fn;
}

/*
 * A local run's result as a remote invoke's: the whole log as the tail,
 * the secrets we passed redacted (log_redact) for --output json too.
 */
static void
local_result(const struct lambda_invoke_req *rq, struct rt_result *res,
    struct lambda_invoke_res *rs)
{
	rs->status = strcmp(rq->type, "Event") == 0 ? 202 : 200;
	/* Lambda names the version on a synchronous answer only. */
	if (rs->status == 200)
		rs->executed_version = xstrdup("$LATEST");
	rs->request_id = xstrdup(res->request_id);
	if (res->outcome == RT_FUNCTION_ERROR)
		rs->function_error = xstrdup(res->function_error);
	log_redact(&res->log);
	rs->log_tail = xstrdup(res->log.data);
	buf_add(&rs->payload, res->payload.data, res->payload.len);
}

/*
 * --local's qualifier, as serve takes it (serve_resolve): "" for none;
 * -1 with the error Lambda would answer (exit 1, as a remote invoke's).
 */
static int
local_qualifier(struct cmd_ctx *ctx, const struct lambda_invoke_req *rq,
    const struct serve_fn *sf, struct serve_route *route)
{
	const char *names[1];

	names[0] = sf->fn->name;
	memset(route, 0, sizeof *route);
	if (serve_resolve(rq->name, rq->qualifier, names, 1, sf->region,
	    route) == 0)
		return 0;
	return lc_error(&ctx->err, LC_EFAIL, "Invoke: %s: %s",
	    route->error_type, route->message);
}

/*
 * --local: serves the function alone, with one instance (serve.h), as
 * 'lambdactl serve' would: its code packaged as 'package' does and
 * unpacked into a cached, read-only task root (pool.h), its bootstrap run
 * through the local Runtime API; fills rs as a remote invoke would.  An
 * Event invocation runs at once, once (no retry), without the client
 * context.
 */
static int
invoke_local(struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct lambda_invoke_req *rq, struct lambda_invoke_res *rs)
{
	struct serve_opts so;
	struct serve_fn sf;
	struct serve_route route;
	struct serve *sv = NULL;
	struct rt_request rr;
	struct rt_result res;
	char *name, *env[3] = { 0 };
	int ret = -1, sig;
	size_t i;

	name = xstrndup(rq->name, strcspn(rq->name, ":"));
	memset(&res, 0, sizeof res);
	buf_init(&res.payload);
	buf_init(&res.log);
	if (cmd_local_opts(ctx, a, &so) == -1 ||
	    (sf.fn = local_fn(ctx, name)) == NULL ||
	    cmd_local_prepare(ctx, a, &so, &sf, 1, env) == -1 ||
	    local_qualifier(ctx, rq, &sf, &route) == -1)
		goto out;
	if (serve_new(&sv, &so, &sf, 1, &ctx->err) == -1)
		goto out;
	/* A signal while packaging: stop before running anything. */
	if ((sig = proc_interrupted()) != 0) {
		lc_error(&ctx->err, 128 + sig, "%s: interrupted by %s before "
		    "the function ran", name, proc_signame(sig));
		goto out;
	}
	memset(&rr, 0, sizeof rr);
	rr.payload = rq->payload;
	rr.len = rq->len;
	if (strcmp(rq->type, "Event") != 0)
		rr.client_context = rq->client_context;
	rr.qualifier = route.qualifier[0] != '\0' ? route.qualifier : NULL;
	if (serve_invoke(sv, 0, &rr, &res, &ctx->err) == -1) {
		lc_error_prefix(&ctx->err, "%s", name);
		goto out;
	}
	local_result(rq, &res, rs);
	ret = 0;
out:
	rt_result_release(&res);
	/* The bootstrap and what it left running (the task root stays). */
	serve_free(sv);
	for (i = 0; i < 3; i++)
		free_secret(env[i]);
	free(name);
	return ret;
}

/* The options that exclude each other; *repeat and *conc. */
static int
check_usage(struct cmd_ctx *ctx, const struct cmd_args *a, long *repeat,
    long *conc)
{
	const char *out = cmd_get(a, "out");
	int event = cmd_has(a, "event");

	if (event && cmd_has(a, "dry-run"))
		return lc_error(&ctx->err, LC_EUSAGE, "--event and --dry-run "
		    "exclude each other");
	if (cmd_number(a, "repeat", 0, 1, 1000000, repeat,
	    &ctx->err) == -1 || cmd_number(a, "concurrency", 1, 1, 256,
	    conc, &ctx->err) == -1)
		return -1;
	if (!cmd_has(a, "local") && (cmd_has(a, "pass-credentials") ||
	    cmd_has(a, "no-build") || cmd_has(a, "build-timeout")))
		return lc_error(&ctx->err, LC_EUSAGE, "--pass-credentials, "
		    "--no-build and --build-timeout go with --local");
	if (cmd_has(a, "local") && *repeat > 0)
		return lc_error(&ctx->err, LC_EUSAGE, "--repeat measures "
		    "Lambda (or lambdactl serve), not --local");
	if (cmd_has(a, "concurrency") && *repeat == 0)
		return lc_error(&ctx->err, LC_EUSAGE, "--concurrency goes "
		    "with --repeat");
	if (out != NULL && (event || cmd_has(a, "dry-run") || *repeat > 0 ||
	    ctx->output == OUTPUT_JSON))
		return lc_error(&ctx->err, LC_EUSAGE, "--out writes a "
		    "response: not with --event, --dry-run, --repeat or "
		    "--output json");
	return 0;
}

/* The request the options ask for, its payload read and checked. */
static int
make_request(struct cmd_ctx *ctx, const struct cmd_args *a,
    struct buf *payload, struct lambda_invoke_req *rq)
{
	const char *cc = cmd_get(a, "client-context");
	int event = cmd_has(a, "event"), r;
	char *label = NULL;

	r = load_payload(cmd_get(a, "payload"), event ? MAX_EVENT_PAYLOAD :
	    MAX_SYNC_PAYLOAD, payload, &label, &ctx->err);
	if (r == 0)
		r = check_json(payload, label, cmd_get(a, "payload"),
		    &ctx->err);
	free(label);
	if (r == -1 || (cc != NULL && check_client_context(cc,
	    &ctx->err) == -1))
		return -1;
	rq->name = a->argv[0];
	rq->qualifier = cmd_get(a, "qualifier");
	rq->type = event ? "Event" : cmd_has(a, "dry-run") ? "DryRun" :
	    "RequestResponse";
	rq->tail = cmd_has(a, "log") && !event;
	rq->client_context = cc;
	rq->payload = payload->data;
	rq->len = payload->len;
	return 0;
}

/* A remote invoke's client, its region and (synchronous) read timeout. */
static int
remote_setup(struct cmd_ctx *ctx, struct aws_client *c,
    struct lambda_invoke_req *rq)
{
	char *fname;

	if (cmd_prepare_aws(ctx, 1) == -1)
		return -1;
	cmd_aws_init(ctx, c);
	if (cmd_region(ctx, rq->name, &c->region, &ctx->err) == -1)
		return -1;
	/* Only a synchronous invoke waits for the function. */
	if (strcmp(rq->type, "RequestResponse") == 0) {
		/* A manifest function "jobs" may be invoked as "jobs:live". */
		fname = xstrndup(rq->name, strcspn(rq->name, ":"));
		rq->read_timeout = read_timeout(ctx, c,
		    strncmp(rq->name, "arn:", 4) ? fname : rq->name);
		free(fname);
	}
	return 0;
}

/*
 * Prints rs as the options ask (the response into --out's file of); the
 * exit status: LC_EFUNC for a function error, -1 with ctx->err.
 */
static int
print_result(struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct lambda_invoke_req *rq, const struct lambda_invoke_res *rs,
    struct out_file *of)
{
	struct buf msg = BUF_INIT;
	/* What the function or Lambda sent: escaped on a terminal. */
	int esc_out = term_escaping(STDOUT_FILENO, cmd_has(a, "raw"));
	int esc_err = term_escaping(STDERR_FILENO, cmd_has(a, "raw"));

	if (cmd_has(a, "verbose"))
		term_printf(stderr, esc_err, "lambdactl: %s: status %ld, "
		    "version %s, request id %s\n", rq->name, rs->status,
		    rs->executed_version ? rs->executed_version : "-",
		    rs->request_id ? rs->request_id : "-");
	if (rs->log_invalid && cmd_has(a, "log"))
		log_warn("%s: the log tail Lambda sent is not base64",
		    rq->name);
	if (rs->log_tail != NULL && cmd_has(a, "log") &&
	    ctx->output != OUTPUT_JSON)
		print_log(rq->name, rs->log_tail, cmd_has(a, "raw"));
	if (ctx->output == OUTPUT_JSON)
		cmd_print_json_raw(result_json(rs), cmd_has(a, "raw"));
	else if (cmd_has(a, "event"))
		term_printf(stdout, esc_out, "%s\n", rs->request_id != NULL ?
		    rs->request_id : "");
	else if (rs->status == 204)
		fprintf(stderr, "lambdactl: %s: dry run: the invoke would be "
		    "allowed\n", rq->name);
	else if (of->path != NULL) {
		if (out_commit(of, &rs->payload, &ctx->err) == -1)
			return -1;
	} else {
		term_write(stdout, rs->payload.data, rs->payload.len, esc_out,
		    TERM_TEXT);
		if (isatty(STDOUT_FILENO) && rs->payload.len > 0 &&
		    rs->payload.data[rs->payload.len - 1] != '\n')
			putchar('\n');
	}
	/* Only a synchronous 200 carries the function's own error. */
	if (rs->function_error == NULL || rs->status != 200)
		return LC_OK;
	/* Under --output json the result object already says so. */
	if (ctx->output == OUTPUT_JSON)
		return LC_EFUNC;
	buf_addf(&msg, "%s: function error (%s)", rq->name,
	    rs->function_error);
	describe_error(rs, &msg);
	lc_error(&ctx->err, LC_EFUNC, "%s", msg.data);
	buf_release(&msg);
	return -1;
}

static int
invoke_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct lambda_invoke_req rq = { 0 };
	struct lambda_invoke_res rs = { 0 };
	struct buf payload = BUF_INIT;
	struct aws_client c;
	struct out_file of = { 0 };
	const char *out = cmd_get(a, "out");
	long repeat, conc;
	int status = -1, local = cmd_has(a, "local");

	buf_init(&rs.payload);
	memset(&c, 0, sizeof c);
	if (check_usage(ctx, a, &repeat, &conc) == -1 ||
	    make_request(ctx, a, &payload, &rq) == -1)
		goto out;
	/*
	 * --local: the bootstrap runs in its own process group, which a
	 * terminal's Ctrl-C does not reach; a SIGINT or SIGTERM stops the
	 * build or the invocation, and we unwind: the bootstrap and what it
	 * started are killed, --out's temporary file removed, and we exit
	 * 128 + the signal (proc.h).
	 */
	if (local)
		proc_catch_signals(0);
	if (out != NULL && out_open(&of, out, &ctx->err) == -1)
		goto out;
	if (out != NULL && !local)
		out_catch_signals(&of);
	if (local) {
		/* A dry run only checks access: nothing to run here. */
		if (strcmp(rq.type, "DryRun") == 0)
			rs.status = 204;
		else if (invoke_local(ctx, a, &rq, &rs) == -1)
			goto out;
	} else {
		if (remote_setup(ctx, &c, &rq) == -1)
			goto out;
		if (repeat > 0) {
			status = run_bench(ctx, &c, &rq, repeat, conc);
			goto out;
		}
		if (invoke_once(&c, &rq, &rs, &ctx->err) == -1)
			goto out;
	}
	status = print_result(ctx, a, &rq, &rs, &of);
out:
	out_release(&of);
	lambda_invoke_res_release(&rs);
	buf_wipe(&payload);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_invoke_entry = {
	.name = "invoke",
	.summary = "Invoke a function and print its response",
	.usage = "[options] FUNCTION",
	.opts = invoke_opts,
	.min_args = 1,
	.max_args = 1,
	/* Credentials only for a remote invoke: see invoke_exec. */
	.flags = CMD_OPTIONAL_MANIFEST | CMD_DEFER_ENV,
	.exec = invoke_exec,
};
