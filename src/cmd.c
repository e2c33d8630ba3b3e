/* cmd.c - the command table, the option parser and usage text. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alias-move.h"
#include "cmd.h"
#include "endpoint.h"
#include "json.h"
#include "log.h"
#include "num.h"
#include "serve.h"
#include "suggest.h"
#include "term.h"
#include "timeparse.h"
#include "xmalloc.h"

/* Keep sorted by name: help and completion list them in this order. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_delete_entry,
	&cmd_deploy_entry,
	&cmd_doctor_entry,
	&cmd_help_entry,
	&cmd_init_entry,
	&cmd_invoke_entry,
	&cmd_list_entry,
	&cmd_login_entry,
	&cmd_logs_entry,
	&cmd_new_entry,
	&cmd_package_entry,
	&cmd_plan_entry,
	&cmd_promote_entry,
	&cmd_rollback_entry,
	&cmd_serve_entry,
	&cmd_update_entry,
	&cmd_validate_entry,
	&cmd_versions_entry,
	&cmd_whoami_entry,
	NULL,
};

/* Accepted before the command name and after it. */
const struct cmd_opt cmd_global_opts[] = {
	{ "profile", 0, "NAME", "use this profile of ~/.aws/config" },
	{ "region", 0, "REGION", "AWS region (e.g. eu-west-1)" },
	{ "endpoint-url", 0, "URL", "send every AWS request to URL" },
	{ "manifest", 'f', "FILE", "read FILE instead of ./lambda.yml" },
	{ "output", 'o', "FORMAT", "text (default) or json" },
	{ "connect-timeout", 0, "DURATION", "connection timeout (default 10s)" },
	{ "read-timeout", 0, "DURATION", "read timeout (default 60s)" },
	{ "request-timeout", 0, "DURATION",
	    "the most one request may take (default 5m)" },
	{ "debug", 0, NULL, "print each HTTP request and response" },
	{ "help", 'h', NULL, "show help and exit" },
	{ "version", 0, NULL, "show the version and exit" },
	{ NULL, 0, NULL, NULL },
};

const struct cmd_entry *
cmd_lookup(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
cmd_select_functions(const struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct manifest_fn ***out, size_t *n, struct lc_err *err)
{
	const struct manifest *m = &ctx->manifest;
	const char *names[256], *hint;
	char *picked;
	size_t i, j, nn;
	int k;

	*out = xcalloc(m->nfns, sizeof **out);
	*n = 0;
	picked = xcalloc(m->nfns, 1);
	for (k = 0; k < a->argc; k++) {
		for (i = 0; i < m->nfns; i++)
			if (strcmp(m->fns[i].name, a->argv[k]) == 0)
				break;
		if (i == m->nfns) {
			nn = m->nfns < 256 ? m->nfns : 256;
			for (j = 0; j < nn; j++)
				names[j] = m->fns[j].name;
			hint = suggest(a->argv[k], names, nn);
			free(*out);
			free(picked);
			*out = NULL;
			if (hint != NULL)
				return lc_error(err, LC_EUSAGE, "no function '%s' "
				    "in '%s' (did you mean '%s'?)", a->argv[k],
				    m->path, hint);
			return lc_error(err, LC_EUSAGE,
			    "no function '%s' in '%s'", a->argv[k], m->path);
		}
		picked[i] = 1;
	}
	for (i = 0; i < m->nfns; i++)
		if (a->argc == 0 || picked[i])
			(*out)[(*n)++] = &m->fns[i];
	free(picked);
	return 0;
}

int
cmd_unknown(const char *name, struct lc_err *err)
{
	const char *names[64], *hint;
	size_t n = 0;

	while (cmd_table[n] != NULL && n < 64) {
		names[n] = cmd_table[n]->name;
		n++;
	}
	if ((hint = suggest(name, names, n)) != NULL)
		return lc_error(err, LC_EUSAGE,
		    "unknown command '%s' (did you mean '%s'?)", name, hint);
	return lc_error(err, LC_EUSAGE,
	    "unknown command '%s' (see 'lambdactl -h')", name);
}

/* Finds a long option by exact name in opts, then in the globals. */
static const struct cmd_opt *
find_long(const struct cmd_opt *opts, int globals, const char *name,
    size_t len)
{
	const struct cmd_opt *o;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		o = pass == 0 ? opts : (globals ? cmd_global_opts : NULL);
		for (; o != NULL && o->name != NULL; o++)
			if (strlen(o->name) == len &&
			    strncmp(o->name, name, len) == 0)
				return o;
	}
	return NULL;
}

static const struct cmd_opt *
find_short(const struct cmd_opt *opts, int globals, int c)
{
	const struct cmd_opt *o;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		o = pass == 0 ? opts : (globals ? cmd_global_opts : NULL);
		for (; o != NULL && o->name != NULL; o++)
			if (o->short_name == c)
				return o;
	}
	return NULL;
}

/* "unknown option '--x'", with the closest known long option as a hint. */
static int
unknown_option(const struct cmd_opt *opts, int globals, const char *arg,
    struct lc_err *err)
{
	const char *names[128], *hint;
	char want[128];
	const struct cmd_opt *o;
	size_t n = 0, len;
	int pass;

	if (arg[1] != '-')
		return lc_error(err, LC_EUSAGE, "unknown option '%s'", arg);
	len = strcspn(arg + 2, "=");
	snprintf(want, sizeof want, "%.*s", (int)len, arg + 2);
	for (pass = 0; pass < 2; pass++) {
		o = pass == 0 ? opts : (globals ? cmd_global_opts : NULL);
		for (; o != NULL && o->name != NULL && n < 128; o++)
			names[n++] = o->name;
	}
	hint = suggest(want, names, n);
	if (hint != NULL)
		return lc_error(err, LC_EUSAGE,
		    "unknown option '--%s' (did you mean '--%s'?)", want, hint);
	return lc_error(err, LC_EUSAGE, "unknown option '--%s'", want);
}

static void
add_val(struct cmd_args *a, const struct cmd_opt *o, const char *v)
{
	a->vals = xrealloc(a->vals, (a->nvals + 1) * sizeof *a->vals);
	a->vals[a->nvals].opt = o;
	a->vals[a->nvals].value = v;
	a->nvals++;
}

static void
add_arg(struct cmd_args *a, char *arg)
{
	a->argv = xrealloc(a->argv, ((size_t)a->argc + 2) * sizeof *a->argv);
	a->argv[a->argc++] = arg;
	a->argv[a->argc] = NULL;
}

/* Parses one "-xyz" cluster at argv[*i]. */
static int
parse_short(const struct cmd_opt *opts, int globals, int argc, char **argv,
    int *i, struct cmd_args *out, struct lc_err *err)
{
	const char *p = argv[*i] + 1;
	const struct cmd_opt *o;

	for (; *p != '\0'; p++) {
		if ((o = find_short(opts, globals, (unsigned char)*p)) == NULL)
			return lc_error(err, LC_EUSAGE, "unknown option '-%c'",
			    *p);
		if (o->arg == NULL) {
			add_val(out, o, "");
			continue;
		}
		if (p[1] != '\0')
			add_val(out, o, p + 1);
		else if (*i + 1 < argc)
			add_val(out, o, argv[++*i]);
		else
			return lc_error(err, LC_EUSAGE,
			    "option '-%c' needs a value (%s)", *p, o->arg);
		break;
	}
	return 0;
}

int
cmd_parse(const struct cmd_opt *opts, int globals, int stop_at_arg,
    int argc, char **argv, struct cmd_args *out, struct lc_err *err)
{
	const struct cmd_opt *o;
	const char *a, *eq;
	int i;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0) {
			if (stop_at_arg)
				return i + 1;	/* the command follows */
			while (++i < argc)
				add_arg(out, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {	/* "-" is stdin */
			if (stop_at_arg)
				return i;
			add_arg(out, argv[i]);
			continue;
		}
		if (a[1] != '-') {
			if (parse_short(opts, globals, argc, argv, &i, out,
			    err) == -1)
				return -1;
			continue;
		}
		eq = strchr(a + 2, '=');
		o = find_long(opts, globals, a + 2,
		    eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (o == NULL)
			return unknown_option(opts, globals, a, err);
		if (o->arg == NULL) {
			if (eq != NULL)
				return lc_error(err, LC_EUSAGE,
				    "option '--%s' takes no value", o->name);
			add_val(out, o, "");
		} else if (eq != NULL)
			add_val(out, o, eq + 1);
		else if (i + 1 < argc)
			add_val(out, o, argv[++i]);
		else
			return lc_error(err, LC_EUSAGE,
			    "option '--%s' needs a value (%s)", o->name,
			    o->arg);
	}
	return i;
}

void
cmd_args_release(struct cmd_args *a)
{
	free(a->vals);
	free(a->argv);
	memset(a, 0, sizeof *a);
}

const char *
cmd_get(const struct cmd_args *a, const char *name)
{
	size_t i;

	for (i = a->nvals; i > 0; i--)
		if (strcmp(a->vals[i - 1].opt->name, name) == 0)
			return a->vals[i - 1].value;
	return NULL;
}

int
cmd_has(const struct cmd_args *a, const char *name)
{
	return cmd_get(a, name) != NULL;
}

int
cmd_number(const struct cmd_args *a, const char *opt, long def, long min,
    long max, long *out, struct lc_err *err)
{
	const char *v = cmd_get(a, opt);

	*out = def;
	if (v == NULL)
		return 0;
	if (num_parse(v, min, max, out, NULL) == -1)
		return lc_error(err, LC_EUSAGE, "option '--%s' wants a number "
		    "from %ld to %ld, not '%s'", opt, min, max, v);
	return 0;
}

/* secs as the grammar's shortest whole unit: "24h", "10m", "90s". */
static void
format_secs(char *out, size_t len, long secs)
{
	if (secs != 0 && secs % 3600 == 0)
		snprintf(out, len, "%ldh", secs / 3600);
	else if (secs != 0 && secs % 60 == 0)
		snprintf(out, len, "%ldm", secs / 60);
	else
		snprintf(out, len, "%lds", secs);
}

int
cmd_duration(const struct cmd_args *a, const char *opt, long def, long min,
    long max, long *out, struct lc_err *err)
{
	const char *v = cmd_get(a, opt);
	char lo[32], hi[32];
	int64_t secs;

	*out = def;
	if (v == NULL)
		return 0;
	if (timeparse_duration(v, &secs) == 0 && secs >= min && secs <= max) {
		*out = (long)secs;
		return 0;
	}
	format_secs(lo, sizeof lo, min);
	format_secs(hi, sizeof hi, max);
	return lc_error(err, LC_EUSAGE, "option '--%s' wants a duration from "
	    "%s to %s such as 300, 90s, 5m or 1h, not '%s'", opt, lo, hi, v);
}

static void
print_opts(const struct cmd_opt *o, FILE *fp)
{
	char left[64];

	for (; o->name != NULL; o++) {
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s",
			    o->short_name, o->name, o->arg ? " " : "",
			    o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(fp, "  %-31s %s\n", left, o->help);
	}
}

/* Whether an option takes a DURATION or a TIME (timeparse.h's grammar). */
static int
takes_time(const struct cmd_opt *o)
{
	for (; o->name != NULL; o++)
		if (o->arg != NULL && (strcmp(o->arg, "DURATION") == 0 ||
		    strcmp(o->arg, "TIME") == 0))
			return 1;
	return 0;
}

void
cmd_usage(const struct cmd_entry *ce, FILE *fp)
{
	size_t i;

	if (ce == NULL) {
		fputs("usage: lambdactl [options] COMMAND [ARGS...]\n\n"
		    "Deploy and invoke AWS Lambda functions.\n\n"
		    "Commands:\n", fp);
		for (i = 0; cmd_table[i] != NULL; i++)
			fprintf(fp, "  %-12s %s\n", cmd_table[i]->name,
			    cmd_table[i]->summary);
		fputs("\nOptions (before or after the command):\n", fp);
		print_opts(cmd_global_opts, fp);
		fputs("\n'lambdactl help COMMAND' or 'lambdactl COMMAND -h' "
		    "describes a command;\nman lambdactl has the rest "
		    "(durations: DURATIONS AND TIMES).\n", fp);
		return;
	}
	fprintf(fp, "usage: lambdactl %s %s\n\n%s.\n", ce->name, ce->usage,
	    ce->summary);
	if (ce->opts != NULL && ce->opts[0].name != NULL) {
		fputs("\nOptions:\n", fp);
		print_opts(ce->opts, fp);
		if (takes_time(ce->opts))
			fputs("\nDurations and times: see DURATIONS AND TIMES in "
			    "'man lambdactl'.\n", fp);
	}
	fputs("\nGlobal options (--profile, --region, --output, --debug, ...): "
	    "see 'lambdactl -h'.\n", fp);
}

/*
 * The credentials, for the providers that call out: STS, SSO, the
 * container endpoint and IMDS get the command's timeouts and CA bundle,
 * and its region when it has one.
 */
static int
resolve_creds(struct cmd_ctx *ctx, struct lc_err *err)
{
	struct creds_opts co = { 0 };
	struct http_opts ho;

	cmd_http_opts(ctx, &ho);
	co.cfg = &ctx->cfg;
	co.http = &ho;
	co.region = ctx->region;
	return creds_resolve(&ctx->creds, &co, err);
}

int
cmd_prepare_aws(struct cmd_ctx *ctx, int creds)
{
	char src[160];

	if (aws_config_load(&ctx->cfg, ctx->profile, ctx->manifest.profile,
	    &ctx->err) == -1)
		return -1;
	free(ctx->region);
	ctx->region = NULL;
	/* Only the functions say where they are: cmd_region per function. */
	if (region_lookup(ctx->region_flag, &ctx->cfg, ctx->manifest.region,
	    src, sizeof src) != NULL || manifest_fn_with_region(&ctx->manifest) == NULL) {
		if (region_resolve(&ctx->region, ctx->region_flag, &ctx->cfg,
		    ctx->manifest.region, &ctx->err) == -1)
			return -1;
	}
	return creds ? resolve_creds(ctx, &ctx->err) : 0;
}

const char *
cmd_region_of(const struct cmd_ctx *ctx, const struct manifest_fn *fn)
{
	char src[160];

	/* A function's region is its own, else the top level's. */
	return region_lookup(ctx->region_flag, &ctx->cfg,
	    fn != NULL && fn->region != NULL && *fn->region != '\0' ?
	    fn->region : ctx->manifest.region, src, sizeof src);
}

int
cmd_region(const struct cmd_ctx *ctx, const char *name, const char **out,
    struct lc_err *err)
{
	const struct manifest_fn *fn = NULL;
	char *base;

	if (name != NULL && strncmp(name, "arn:", 4) != 0) {
		base = xstrndup(name, strcspn(name, ":"));
		fn = manifest_find(&ctx->manifest, base);
		free(base);
	}
	if ((*out = cmd_region_of(ctx, fn)) != NULL)
		return 0;
	return lc_error(err, LC_ECONFIG, "no region set (use --region, "
	    "AWS_REGION, 'region' in the profile, or 'region' in "
	    "lambda.yml)");
}

void
cmd_http_opts(const struct cmd_ctx *ctx, struct http_opts *ho)
{
	memset(ho, 0, sizeof *ho);
	ho->connect_timeout = ctx->connect_timeout;
	ho->read_timeout = ctx->read_timeout;
	ho->request_timeout = ctx->request_timeout;
	ho->ca_bundle = aws_ca_bundle(&ctx->cfg);
}

void
cmd_aws_init(struct cmd_ctx *ctx, struct aws_client *c)
{
	struct http_opts ho;

	cmd_http_opts(ctx, &ho);
	memset(c, 0, sizeof *c);
	c->http = http_client_new(&ho);
	c->creds = &ctx->creds;
	c->cfg = &ctx->cfg;
	c->region = ctx->region;
	c->endpoint_flag = ctx->endpoint_flag;
}

void
cmd_aws_release(struct aws_client *c)
{
	http_client_free(c->http);
	c->http = NULL;
}

int
cmd_json_pretty(void)
{
	return isatty(STDOUT_FILENO);
}

void
cmd_print_json_raw(cJSON *o, int raw)
{
	struct buf b = BUF_INIT;

	json_dump_buf(&b, o, cmd_json_pretty());
	buf_addch(&b, '\n');
	term_write(stdout, b.data, b.len, term_escaping(STDOUT_FILENO, raw),
	    TERM_JSON);
	fflush(stdout);
	buf_release(&b);
	cJSON_Delete(o);
}

void
cmd_print_json(cJSON *o)
{
	cmd_print_json_raw(o, 0);
}

void
cmd_json_add_error(cJSON *o, const char *key, const char *msg)
{
	char *r = log_redacted(msg);

	cJSON_AddStringToObject(o, key, r);
	free_secret(r);
}

void
cmd_announce_build(void *arg, const struct manifest_fn *fn)
{
	(void)arg;
	fprintf(stderr, "lambdactl: %s: running '%s'\n", fn->name, fn->build);
}

void
cmd_announce_build_progress(void *arg, const struct manifest_fn *fn)
{
	struct progress *pg = arg;

	progress_set(pg, fn->name, "building");
	progress_suspend(pg);
	cmd_announce_build(NULL, fn);
}

int
cmd_local_opts(struct cmd_ctx *ctx, const struct cmd_args *a,
    struct serve_opts *so)
{
	memset(so, 0, sizeof *so);
	so->dir = ctx->manifest.dir;
	so->concurrency = 1;
	so->no_build = cmd_has(a, "no-build");
	so->hooks.on_build = cmd_announce_build;
	return cmd_duration(a, "build-timeout", 0, 1, 86400,
	    &so->build_timeout, &ctx->err);
}

/*
 * The shared config files for a local run, which needs only a region from
 * them: a named profile found in neither file (the error aws_config_load
 * gives when both files parse, as aws_profile_names then shows) leaves cfg
 * empty.  A file that does not parse is the error every command gives.
 */
static int
local_config(struct cmd_ctx *ctx)
{
	struct profile_names v;
	struct lc_err err = { 0 };

	if (aws_config_load(&ctx->cfg, ctx->profile, ctx->manifest.profile,
	    &err) == 0)
		return 0;
	if (aws_profile_names(&v, &ctx->err) == -1)
		return -1;
	profile_names_release(&v);
	/* aws_config_load left ctx->cfg empty. */
	log_debug("%s: no region from it", err.msg);
	return 0;
}

int
cmd_local_prepare(struct cmd_ctx *ctx, const struct cmd_args *a,
    struct serve_opts *so, struct serve_fn *fns, size_t n, char *env[3])
{
	int creds = cmd_has(a, "pass-credentials");
	const char *r;
	size_t i, k = 0;

	aws_config_release(&ctx->cfg);
	if (creds && aws_config_load(&ctx->cfg, ctx->profile,
	    ctx->manifest.profile, &ctx->err) == -1)
		return -1;
	if (!creds && local_config(ctx) == -1)
		return -1;
	/* The one rule; a local run has somewhere to be even without one. */
	for (i = 0; i < n; i++)
		fns[i].region = (r = cmd_region_of(ctx, fns[i].fn)) != NULL ?
		    r : "us-east-1";
	if (!creds)
		return 0;
	if (resolve_creds(ctx, &ctx->err) == -1)
		return -1;
	env[k++] = xasprintf("AWS_ACCESS_KEY_ID=%s", ctx->creds.access_key_id);
	env[k++] = xasprintf("AWS_SECRET_ACCESS_KEY=%s",
	    ctx->creds.secret_access_key);
	if (ctx->creds.session_token != NULL)
		env[k++] = xasprintf("AWS_SESSION_TOKEN=%s",
		    ctx->creds.session_token);
	so->extra_env = (const char *const *)env;
	so->nextra = k;
	return 0;
}

void
cmd_print_log(const char *log, size_t len, int raw)
{
	struct buf b = BUF_INIT;

	buf_add(&b, log, len);
	log_redact(&b);
	term_write(stderr, b.data, b.len, term_escaping(STDERR_FILENO, raw),
	    TERM_TEXT);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		fputc('\n', stderr);
	fflush(stderr);
	buf_wipe(&b);
}

void
cmd_catch_stop(void (*handler)(int), int flags)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

enum progress_mode
cmd_progress_mode(const struct cmd_ctx *ctx)
{
	if (!isatty(STDERR_FILENO))
		return PROGRESS_QUIET;
	/* --debug's lines come from every thread: the board would eat them.
	 * Redrawing in place follows the colour rule (term_colour). */
	if (!term_colour(STDERR_FILENO) || ctx->debug)
		return PROGRESS_LINES;
	return PROGRESS_LIVE;
}

int
cmd_alias_move(struct cmd_ctx *ctx, const struct cmd_args *a, int kind,
    const char *to)
{
	const char *fn = a->argv[0], *alias;
	struct aws_client c;
	struct alias_move mv;
	char *text;
	int dry = cmd_has(a, "dry-run"), status = -1;

	if ((alias = alias_move_name(cmd_get(a, "alias"), &ctx->manifest, fn,
	    (enum alias_move_kind)kind, &ctx->err)) == NULL)
		return -1;
	cmd_aws_init(ctx, &c);
	memset(&mv, 0, sizeof mv);
	if (cmd_region(ctx, fn, &c.region, &ctx->err) == -1)
		;
	else if (alias_move(&c, fn, alias, (enum alias_move_kind)kind, to,
	    dry, &mv, &ctx->err) == -1)
		lc_error_prefix(&ctx->err, "%s", fn);
	else {
		/* JSON as every command prints it (cmd_print_json). */
		if (ctx->output == OUTPUT_JSON)
			cmd_print_json(alias_move_json(&mv));
		else {
			text = alias_move_render(&mv);
			fputs(text, stdout);
			free(text);
		}
		status = dry ? LC_ECHANGES : LC_OK;
	}
	alias_move_release(&mv);
	cmd_aws_release(&c);
	return status;
}
