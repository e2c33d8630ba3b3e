/*
 * main.c - global options, command-table dispatch, the one error reporter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/opensslv.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "term.h"
#include "xmalloc.h"

/* Hidden options for the completion scripts and the doc checks. */
static int
list_commands(void)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		printf("%s\t%s\n", cmd_table[i]->name, cmd_table[i]->summary);
	return LC_OK;
}

/* "--name<TAB>ARG<TAB>help<TAB>-x" lines; ARG and -x may be empty. */
static void
list_opts(const struct cmd_opt *o)
{
	for (; o != NULL && o->name != NULL; o++) {
		printf("--%s\t%s\t%s\t", o->name, o->arg ? o->arg : "",
		    o->help);
		if (o->short_name)
			printf("-%c", o->short_name);
		putchar('\n');
	}
}

/*
 * Whether a command that can do without a manifest reads one: the path
 * was given (-f, LAMBDACTL_MANIFEST), or lambda.yml is here.
 */
static int
manifest_present(const char *path)
{
	return strcmp(path, MANIFEST_DEFAULT_PATH) != 0 ||
	    access(path, F_OK) == 0;
}

/* --list-functions: the manifest's function names, in file order. */
static int
list_functions(struct cmd_ctx *ctx)
{
	const char *path = manifest_path(ctx->manifest_flag);
	size_t i;

	if (!manifest_present(path))
		return LC_OK;
	if (manifest_load_flags(&ctx->manifest, path, MANIFEST_DEFER_ENV,
	    &ctx->err) == -1)
		return -1;
	for (i = 0; i < ctx->manifest.nfns; i++)
		printf("%s\n", ctx->manifest.fns[i].name);
	return LC_OK;
}

/* --list-profiles: the profiles of the shared config and credentials. */
static int
list_profiles(struct cmd_ctx *ctx)
{
	struct profile_names v;
	size_t i;

	if (aws_profile_names(&v, &ctx->err) == -1)
		return -1;
	for (i = 0; i < v.n; i++)
		printf("%s\n", v.names[i]);
	profile_names_release(&v);
	return LC_OK;
}

/*
 * Whether argv asks for --output json, for errors found before the options
 * could be parsed (an unknown option still gets a JSON error).
 */
static int
sniff_json(int argc, char **argv)
{
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "--output") == 0 ||
		    strcmp(argv[i], "-o") == 0) && i + 1 < argc)
			json = strcmp(argv[++i], "json") == 0;
		else if (strncmp(argv[i], "--output=", 9) == 0)
			json = strcmp(argv[i] + 9, "json") == 0;
		else if (strncmp(argv[i], "-o", 2) == 0 && argv[i][2] != '\0')
			json = strcmp(argv[i] + 2, "json") == 0;
	}
	return json;
}

static int
print_version(void)
{
	curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);

	printf("lambdactl %s (libcurl %s, %s, cJSON %s)\n", LC_VERSION,
	    cv->version, OPENSSL_VERSION_TEXT, cJSON_Version());
	return LC_OK;
}

/* Copies the global options found in a into ctx. */
static int
apply_globals(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	static const char *const named[] = {
		"profile", "region", "endpoint-url", "manifest",
	};
	const char *v;
	size_t i;

	/*
	 * An empty value is a mistake (an unset variable in a script), never
	 * "the default": --endpoint-url '' must not send to AWS itself.
	 */
	for (i = 0; i < sizeof named / sizeof named[0]; i++)
		if ((v = cmd_get(a, named[i])) != NULL && *v == '\0')
			return lc_error(&ctx->err, LC_EUSAGE, "option '--%s' "
			    "wants a value, not ''", named[i]);
	if ((v = cmd_get(a, "profile")) != NULL)
		ctx->profile = v;
	if ((v = cmd_get(a, "region")) != NULL)
		ctx->region_flag = v;
	if ((v = cmd_get(a, "endpoint-url")) != NULL)
		ctx->endpoint_flag = v;
	if ((v = cmd_get(a, "manifest")) != NULL)
		ctx->manifest_flag = v;
	if ((v = cmd_get(a, "output")) != NULL) {
		if (strcmp(v, "json") == 0)
			ctx->output = OUTPUT_JSON;
		else if (strcmp(v, "text") == 0)
			ctx->output = OUTPUT_TEXT;
		else
			return lc_error(&ctx->err, LC_EUSAGE,
			    "option '--output' wants 'text' or 'json', not '%s'",
			    v);
	}
	if (cmd_duration(a, "connect-timeout", ctx->connect_timeout, 1,
	    86400, &ctx->connect_timeout, &ctx->err) == -1 ||
	    cmd_duration(a, "read-timeout", ctx->read_timeout, 1, 86400,
	    &ctx->read_timeout, &ctx->err) == -1 ||
	    cmd_duration(a, "request-timeout", ctx->request_timeout, 1, 86400,
	    &ctx->request_timeout, &ctx->err) == -1)
		return -1;
	if (cmd_has(a, "debug"))
		ctx->debug = 1;
	return 0;
}

/* Resolves what the command's flags ask for, in the documented order. */
static int
prepare(struct cmd_ctx *ctx, const struct cmd_entry *ce)
{
	const char *path = manifest_path(ctx->manifest_flag);

	if ((ce->flags & CMD_NEEDS_MANIFEST) ||
	    ((ce->flags & CMD_OPTIONAL_MANIFEST) && manifest_present(path))) {
		if (manifest_load_flags(&ctx->manifest, path, (ce->flags &
		    CMD_DEFER_ENV) ? MANIFEST_DEFER_ENV : 0, &ctx->err) == -1)
			return -1;
	}
	if (!(ce->flags & (CMD_NEEDS_REGION | CMD_NEEDS_CREDS)))
		return 0;
	return cmd_prepare_aws(ctx, (ce->flags & CMD_NEEDS_CREDS) != 0);
}

/*
 * "lambdactl [GLOBAL-OPTIONS] --list-functions" (or --list-profiles), for
 * the completion scripts: -f FILE chooses the manifest.
 */
static int
list_names(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct cmd_args g = { 0 };
	int n, status = -1;

	n = cmd_parse(cmd_global_opts, 0, 1, argc - 2, argv + 1, &g,
	    &ctx->err);
	if (n != -1 && n != argc - 2)
		lc_error(&ctx->err, LC_EUSAGE, "option '%s' takes global "
		    "options only, not '%s'", argv[argc - 1], argv[1 + n]);
	else if (n != -1 && apply_globals(ctx, &g) == 0)
		status = strcmp(argv[argc - 1], "--list-profiles") == 0 ?
		    list_profiles(ctx) : list_functions(ctx);
	cmd_args_release(&g);
	return status;
}

/*
 * The one error reporter: a line on stderr, or under -o json an object on
 * stdout ({"error": {"message", "code" (when AWS gave one), "status"}},
 * schema/lambdactl-error.json) laid out as every result is (json_dump,
 * indented on a terminal), the secrets we hold redacted.
 */
static void
report(const struct cmd_ctx *ctx, int status)
{
	struct buf b = BUF_INIT;
	cJSON *o, *e;

	if (ctx->err.msg[0] == '\0')
		return;
	/* GitHub Actions: an error in a file also annotates it (stderr). */
	if (ctx->output != OUTPUT_JSON) {
		log_error(ctx->err.msg);
		log_annotate("error", &ctx->err, NULL);
		return;
	}
	log_annotate("error", &ctx->err, NULL);
	o = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(o, "error");
	cmd_json_add_error(e, "message", ctx->err.msg);
	if (ctx->err.code[0] != '\0')
		cJSON_AddStringToObject(e, "code", ctx->err.code);
	cJSON_AddNumberToObject(e, "status", status);
	json_dump_buf(&b, o, cmd_json_pretty());
	buf_addch(&b, '\n');
	/* The message may quote a server: no raw C1 controls. */
	term_write(stdout, b.data, b.len, term_escaping(STDOUT_FILENO, 0),
	    TERM_JSON);
	buf_release(&b);
	cJSON_Delete(o);
}

/*
 * The hidden options the completion scripts and doc tests call, which
 * stand alone after the global options: 1 with *status set when argv is
 * one of them, else 0.
 */
static int
hidden_list(int argc, char **argv, struct cmd_ctx *ctx, int *status)
{
	if (argc >= 2 && (strcmp(argv[argc - 1], "--list-functions") == 0 ||
	    strcmp(argv[argc - 1], "--list-profiles") == 0)) {
		*status = list_names(argc, argv, ctx);
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--list-commands") == 0) {
		*status = list_commands();
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--list-options") == 0) {
		list_opts(cmd_global_opts);
		*status = LC_OK;
		return 1;
	}
	return 0;
}

/* Whether the command got as many arguments as it takes. */
static int
check_arity(const struct cmd_entry *ce, const struct cmd_args *a,
    struct lc_err *err)
{
	if (ce->max_args >= 0 && a->argc > ce->max_args) {
		if (ce->max_args == 0)
			return lc_error(err, LC_EUSAGE, "%s: unexpected "
			    "argument '%s' (usage: lambdactl %s %s)", ce->name,
			    a->argv[0], ce->name, ce->usage);
		return lc_error(err, LC_EUSAGE, "%s: too many arguments "
		    "(usage: lambdactl %s %s)", ce->name, ce->name, ce->usage);
	}
	if (a->argc < ce->min_args)
		return lc_error(err, LC_EUSAGE, "usage: lambdactl %s %s",
		    ce->name, ce->usage);
	return 0;
}

static int
run(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct cmd_args g = { 0 }, a = { 0 };
	const struct cmd_entry *ce;
	int n, status = -1;	/* -1: take it from ctx->err */
	int all_argc = argc;
	char **all_argv = argv;

	if (hidden_list(argc, argv, ctx, &status))
		goto out;
	/* Global options before the command name. */
	n = cmd_parse(cmd_global_opts, 0, 1, argc - 1, argv + 1, &g, &ctx->err);
	if (n == -1) {
		if (sniff_json(all_argc, all_argv))
			ctx->output = OUTPUT_JSON;
		goto out;
	}
	if (apply_globals(ctx, &g) == -1)
		goto out;
	if (cmd_has(&g, "version")) {
		status = print_version();
		goto out;
	}
	if (1 + n == argc) {
		cmd_usage(NULL, cmd_has(&g, "help") ? stdout : stderr);
		status = cmd_has(&g, "help") ? LC_OK : LC_EUSAGE;
		goto out;
	}
	if ((ce = cmd_lookup(argv[1 + n])) == NULL) {
		cmd_unknown(argv[1 + n], &ctx->err);
		goto out;
	}
	argc -= 2 + n;
	argv += 2 + n;
	if (argc == 1 && strcmp(argv[0], "--list-options") == 0) {
		list_opts(ce->opts);
		list_opts(cmd_global_opts);
		status = LC_OK;
		goto out;
	}
	if (cmd_parse(ce->opts, 1, 0, argc, argv, &a, &ctx->err) == -1) {
		lc_error_prefix(&ctx->err, "%s", ce->name);
		if (sniff_json(all_argc, all_argv))
			ctx->output = OUTPUT_JSON;
		goto out;
	}
	if (cmd_has(&a, "help") || cmd_has(&g, "help")) {
		cmd_usage(ce, stdout);
		status = LC_OK;
		goto out;
	}
	if (apply_globals(ctx, &a) == -1)
		goto out;
	if (cmd_has(&a, "version")) {
		status = print_version();
		goto out;
	}
	if (check_arity(ce, &a, &ctx->err) == -1)
		goto out;
	log_set_debug(ctx->debug);
	if (prepare(ctx, ce) == -1)
		goto out;
	status = ce->exec(ctx, &a);
out:
	if (status == -1)
		status = ctx->err.status != LC_OK ? ctx->err.status : LC_EFAIL;
	if (status != LC_OK)
		report(ctx, status);
	cmd_args_release(&g);
	cmd_args_release(&a);
	return status;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	int status;

	memset(&ctx, 0, sizeof ctx);
	ctx.connect_timeout = 10;
	ctx.read_timeout = 60;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die("cannot initialise libcurl");
	status = run(argc, argv, &ctx);
	creds_release(&ctx.creds);
	aws_config_release(&ctx.cfg);
	manifest_release(&ctx.manifest);
	free(ctx.region);
	log_forget_secrets();
	curl_global_cleanup();
	if (fflush(stdout) != 0 && status == LC_OK) {
		log_error("cannot write to standard output");
		status = LC_EFAIL;
	}
	return status;
}
