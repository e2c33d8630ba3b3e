/*
 * cmd-serve.c - lambdactl serve: the Lambda Invoke API on loopback, in
 * front of warm local bootstraps, so that both 'lambdactl invoke
 * --endpoint-url' and 'aws lambda invoke --endpoint-url' work against it
 * unchanged.  The server is serve.c's; this is its options and its output.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "httpd.h"
#include "langrt.h"
#include "log.h"
#include "proc.h"
#include "serve.h"

static const struct cmd_opt serve_opts[] = {
	{ "port", 'p', "PORT", "listen on PORT (default 9001; 0: any)" },
	{ "host", 0, "ADDR", "listen on ADDR (default 127.0.0.1)" },
	{ "concurrency", 0, "N", "run up to N bootstraps per function" },
	{ "watch", 0, NULL, "reload a function when its artifact changes" },
	{ "no-build", 0, NULL, "skip the functions' build commands" },
	{ "build-timeout", 0, "DURATION",
	    "stop a build command after DURATION (default 10m)" },
	{ "pass-credentials", 0, NULL, "give the functions our AWS keys" },
	{ "raw", 0, NULL, "print the functions' logs as they are, even on "
	    "a terminal" },
	{ NULL, 0, NULL, NULL },
};

/*
 * The functions' logs, as they run, on stderr: redacted and escaped as
 * invoke --log's (arg: whether --raw was given).
 */
static void
print_log(void *arg, const char *fn_name, const struct rt_result *res)
{
	const int *raw = arg;

	(void)fn_name;
	cmd_print_log(res->log.data, res->log.len, *raw);
}

static void
print_event(void *arg, enum serve_level level, const char *msg)
{
	(void)arg;
	if (level == SERVE_WARNING)
		log_warn("%s", msg);
	else
		fprintf(stderr, "lambdactl: %s\n", msg);
}

/* --host and port into ho. */
static int
listen_opts(const struct cmd_args *a, long port, struct httpd_opts *ho,
    struct lc_err *err)
{
	const char *host = cmd_get(a, "host");

	memset(ho, 0, sizeof *ho);
	ho->addr.sin_family = AF_INET;
	ho->addr.sin_port = htons((unsigned short)port);
	ho->max_body = SERVE_MAX_PAYLOAD;
	ho->idle_timeout = 1000;
	if (inet_pton(AF_INET, host != NULL ? host : "127.0.0.1",
	    &ho->addr.sin_addr) != 1)
		return lc_error(err, LC_EUSAGE, "option '--host' wants an "
		    "IPv4 address, not '%s'", host);
	return 0;
}

/*
 * The functions to serve: those named, each of which must run here, or
 * else those of the manifest that can.  Their regions come later, with the
 * AWS configuration (cmd_local_prepare).
 */
static int
select_fns(struct cmd_ctx *ctx, const struct cmd_args *a,
    struct serve_fn **out, size_t *nout)
{
	const struct manifest_fn **fns = NULL;
	struct serve_fn *sf;
	size_t i, n = 0;

	if (cmd_select_functions(ctx, a, &fns, &n, &ctx->err) == -1)
		return -1;
	sf = xcalloc(n, sizeof *sf);
	for (i = 0, *nout = 0; i < n; i++) {
		if (langrt_kind(fns[i]->runtime) != LANGRT_NONE) {
			sf[(*nout)++].fn = fns[i];
			continue;
		}
		if (a->argc > 0) {
			lc_error(&ctx->err, LC_ECONFIG, "%s: serve runs "
			    "provided.*, java*, python3.* and nodejs* runtimes, "
			    "not '%s'", fns[i]->name, fns[i]->runtime);
			goto fail;
		}
		log_warn("%s: not served: runtime '%s' runs only in Lambda",
		    fns[i]->name, fns[i]->runtime);
	}
	if (*nout == 0) {
		lc_error(&ctx->err, LC_ECONFIG, "no function of '%s' uses a "
		    "runtime that runs locally (provided.*, java*, python3.*, "
		    "nodejs*): nothing to serve", ctx->manifest.path);
		goto fail;
	}
	free(fns);
	*out = sf;
	return 0;
fail:
	free(fns);
	free(sf);
	return -1;
}

/* "lambdactl: serving a, b on URL" on stderr, and the URL on stdout. */
static void
print_serving(const struct cmd_args *a, const struct serve_fn *fns,
    size_t n, unsigned port)
{
	const char *host = cmd_get(a, "host");
	size_t i;

	if (host == NULL)
		host = "127.0.0.1";
	fprintf(stderr, "lambdactl: serving");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", fns[i].fn->name);
	fprintf(stderr, " on http://%s:%u\n", host, port);
	printf("http://%s:%u\n", host, port);
	fflush(stdout);
}

static int
serve_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct serve_opts so;
	struct serve_fn *fns = NULL;
	struct serve *sv = NULL;
	struct httpd_opts ho;
	char *env[3] = { 0 };
	long port, conc;
	size_t i, n = 0;
	int sig, status = -1, raw = cmd_has(a, "raw");

	/* The first SIGINT/SIGTERM stops us, also during the builds. */
	proc_catch_signals(1);
	if (cmd_number(a, "port", 9001, 0, 65535, &port,
	    &ctx->err) == -1 || cmd_number(a, "concurrency", 1, 1, 64,
	    &conc, &ctx->err) == -1 ||
	    listen_opts(a, port, &ho, &ctx->err) == -1 ||
	    cmd_local_opts(ctx, a, &so) == -1)
		goto out;
	if (select_fns(ctx, a, &fns, &n) == -1 ||
	    cmd_local_prepare(ctx, a, &so, fns, n, env) == -1)
		goto out;
	so.concurrency = (size_t)conc;
	so.hooks.arg = &raw;
	so.hooks.on_log = print_log;
	so.hooks.on_event = print_event;
	if (serve_new(&sv, &so, fns, n, &ctx->err) == -1)
		goto out;
	if ((sig = proc_interrupted()) != 0) {
		lc_error(&ctx->err, 128 + sig, "interrupted by %s while "
		    "starting", proc_signame(sig));
		goto out;
	}
	if (serve_start(sv, &ho, &ctx->err) == -1)
		goto out;
	print_serving(a, fns, n, serve_port(sv));
	sig = serve_wait(sv, cmd_has(a, "watch"));
	/*
	 * Stopping: running invocations see the signal within 100 ms and
	 * answer 503; a second signal exits at once (proc.h).
	 */
	fprintf(stderr, "lambdactl: %s: stopping\n", proc_signame(sig));
	status = LC_OK;
out:
	serve_free(sv);
	for (i = 0; i < 3; i++)
		free_secret(env[i]);
	free(fns);
	return status;
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.summary = "Serve the Invoke API on loopback, running bootstraps here",
	.usage = "[--port PORT] [--concurrency N] [--watch] [FUNCTION...]",
	.opts = serve_opts,
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_NEEDS_MANIFEST,
	.exec = serve_exec,
};
