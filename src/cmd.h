/*
 * cmd.h - the command table: every subcommand, its options and what main.c
 * prepares before it runs.
 *
 * Adding a command touches:
 *   1. src/cmd-foo.c, defining `const struct cmd_entry cmd_foo_entry`;
 *   2. one line in cmd_table[] (cmd.c) and its extern below;
 *   3. man/lambdactl-foo.1, documenting every option, with EXAMPLES;
 *   4. a test in tests/e2e/ (t0002-doc-check then covers -h, the man page
 *      and completion by itself);
 *   5. the command list in README.md.
 * Only main.c and cmd-*.c print, exit or see argv; no cmd-*.c calls another.
 */
#ifndef LC_CMD_H
#define LC_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aws.h"
#include "awsconfig.h"
#include "creds.h"
#include "err.h"
#include "manifest.h"
#include "progress.h"

struct serve_fn;
struct serve_opts;

struct cmd_opt {
	const char	*name;		/* long name, without "--" */
	int		 short_name;	/* 0: none */
	const char	*arg;		/* placeholder ("FILE"); NULL: a flag */
	const char	*help;
};

/* What main.c prepares before exec runs. */
enum cmd_flags {
	CMD_NEEDS_REGION = 1 << 0,	/* resolve the region */
	CMD_NEEDS_CREDS = 1 << 1,	/* resolve credentials and region */
	CMD_NEEDS_MANIFEST = 1 << 2,	/* load lambda.yml (-f) */
	/* Load lambda.yml when there is one (-f or LAMBDACTL_MANIFEST must
	 * exist; ./lambda.yml may be missing). */
	CMD_OPTIONAL_MANIFEST = 1 << 3,
	/*
	 * The command uses only names, regions, profiles and timeouts of
	 * lambda.yml: an unset ${env:...} in a value only deploying or
	 * running uses is no error (MANIFEST_DEFER_ENV) unless exec asks
	 * for every value with manifest_require_env (invoke --local).
	 */
	CMD_DEFER_ENV = 1 << 4,
};

struct cmd_optval {
	const struct cmd_opt	*opt;
	const char		*value;	/* "" for flags */
};

struct cmd_args {
	struct cmd_optval	*vals;	/* in command-line order */
	size_t			 nvals;
	char			**argv;	/* positional arguments */
	int			 argc;
};

enum output_format { OUTPUT_TEXT, OUTPUT_JSON };

struct cmd_ctx {
	/* Global options. */
	const char		*profile;
	const char		*region_flag;
	const char		*endpoint_flag;
	const char		*manifest_flag;
	enum output_format	 output;
	int			 debug;
	long			 connect_timeout;	/* seconds */
	long			 read_timeout;		/* seconds */
	long			 request_timeout;	/* seconds; 0: default */
	/* Prepared by main.c according to the entry's flags. */
	struct aws_config	 cfg;
	struct creds		 creds;
	char			*region;
	struct manifest		 manifest;
	/* A failing exec fills this; main.c prints it once. */
	struct lc_err		 err;
};

struct cmd_entry {
	const char		*name;
	const char		*summary;	/* one line, for help */
	const char		*usage;		/* after "lambdactl NAME " */
	const struct cmd_opt	*opts;		/* NULL-name terminated */
	int			 min_args;
	int			 max_args;	/* -1: no limit */
	unsigned		 flags;		/* enum cmd_flags */
	/* Returns the exit status; on failure fills ctx->err. */
	int			(*exec)(struct cmd_ctx *, struct cmd_args *);
};

extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_deploy_entry;
extern const struct cmd_entry cmd_doctor_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_invoke_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logs_entry;
extern const struct cmd_entry cmd_new_entry;
extern const struct cmd_entry cmd_package_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_promote_entry;
extern const struct cmd_entry cmd_rollback_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_update_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_versions_entry;
extern const struct cmd_entry cmd_whoami_entry;

extern const struct cmd_entry *const cmd_table[];
extern const struct cmd_opt cmd_global_opts[];

/* The entry named exactly name, or NULL. */
const struct cmd_entry *cmd_lookup(const char *name);
/*
 * Fills err (LC_EUSAGE) with "unknown command 'invok' (did you mean
 * 'invoke'?)"; returns -1.
 */
int cmd_unknown(const char *name, struct lc_err *err);

/*
 * Parses argv[0..argc) against opts (and, when globals is set, the global
 * options too).  With stop_at_arg, stops at the first positional argument
 * (the command name); otherwise options and arguments may mix, and "--"
 * ends the options.  Returns the number of argv elements consumed, or -1
 * with err (LC_EUSAGE) for an unknown option, a missing or unexpected value.
 */
int cmd_parse(const struct cmd_opt *opts, int globals, int stop_at_arg,
    int argc, char **argv, struct cmd_args *out, struct lc_err *err);
void cmd_args_release(struct cmd_args *a);

/* The last value given for option name, or NULL when absent. */
const char *cmd_get(const struct cmd_args *a, const char *name);
int cmd_has(const struct cmd_args *a, const char *name);
/*
 * The whole number option opt (without "--") of a, from min to max, into
 * *out; def when absent.  Otherwise -1 with err (LC_EUSAGE): "option
 * '--OPT' wants a number from MIN to MAX, not 'VALUE'".  The one parser
 * of numeric options; time spans go through cmd_duration.
 */
int cmd_number(const struct cmd_args *a, const char *opt, long def, long min,
    long max, long *out, struct lc_err *err);

/*
 * The duration option opt (timeparse.h's grammar: "300", "90s", "1h30m"),
 * in seconds from min to max, into *out; def when absent.  Otherwise -1
 * with err (LC_EUSAGE): "option '--OPT' wants a duration from 1s to 24h
 * such as 300, 90s, 5m or 1h, not 'VALUE'".  Every option that takes a
 * time span parses it here.
 */
int cmd_duration(const struct cmd_args *a, const char *opt, long def,
    long min, long max, long *out, struct lc_err *err);

/*
 * Loads the AWS configuration and resolves the region, and the credentials
 * when creds is set: what CMD_NEEDS_REGION / CMD_NEEDS_CREDS make main.c do
 * before exec, for a command that decides at run time (a remote invoke;
 * a local run has cmd_local_prepare).  When only lambda.yml's functions
 * set a region, ctx->region stays NULL and cmd_region gives each function
 * its own.
 */
int cmd_prepare_aws(struct cmd_ctx *ctx, int creds);

/*
 * The one region rule, for every command: the region of function fn of
 * lambda.yml (NULL: of anything else) is --region > AWS_REGION >
 * AWS_DEFAULT_REGION > the function's own region > the manifest's
 * top-level region > the profile's (region_resolve's order, the function's
 * region first among lambda.yml's).  Borrowed; NULL when none is set.
 */
const char *cmd_region_of(const struct cmd_ctx *ctx,
    const struct manifest_fn *fn);
/*
 * cmd_region_of for function name ("jobs", "jobs:live"; an ARN or another
 * name: not a manifest function; NULL: none in particular): -1 with err
 * (LC_ECONFIG, "no region set ...") when there is none.
 */
int cmd_region(const struct cmd_ctx *ctx, const char *name,
    const char **out, struct lc_err *err);
/*
 * Sets up c to call AWS with ctx's credentials, region, endpoint and
 * timeouts (CA bundle: AWS_CA_BUNDLE > profile ca_bundle).  Release with
 * cmd_aws_release.
 */
void cmd_aws_init(struct cmd_ctx *ctx, struct aws_client *c);
/* The HTTP options cmd_aws_init uses (for clients of other threads). */
void cmd_http_opts(const struct cmd_ctx *ctx, struct http_opts *ho);
void cmd_aws_release(struct aws_client *c);

/*
 * The manifest functions named by the arguments (every function when there
 * are none), in manifest order without repeats; *out is the caller's to
 * free.  An unknown name: -1 with err (LC_EUSAGE) and a "did you mean".
 */
int cmd_select_functions(const struct cmd_ctx *ctx, const struct cmd_args *a,
    const struct manifest_fn ***out, size_t *n, struct lc_err *err);

/*
 * "lambdactl: NAME: running 'COMMAND'" before a build (build_set_run's
 * announce; arg unused).
 */
void cmd_announce_build(void *arg, const struct manifest_fn *fn);
/*
 * The same with arg the progress display (progress.h): the function shows
 * "building", and the board makes way for the command's output (the
 * caller's progress_resume after build_set_run draws it again).
 */
void cmd_announce_build_progress(void *arg, const struct manifest_fn *fn);

/*
 * The options invoke --local and serve share, into so (cleared first;
 * concurrency 1): the manifest's directory, --no-build, --build-timeout
 * and the build announcement.  Only parses a: run it before anything else
 * can fail, so that a bad value is a usage error first.
 */
int cmd_local_opts(struct cmd_ctx *ctx, const struct cmd_args *a,
    struct serve_opts *so);
/*
 * What a local run of the n functions of fns needs from the AWS
 * configuration, once they are chosen: the shared config files are read
 * (no network; a malformed file is the error every command gives, a named
 * profile that is not there is none unless --pass-credentials), each
 * function is given its region (cmd_region_of, us-east-1 when none is
 * set), and with --pass-credentials the credentials are resolved into
 * env[] as "NAME=value" entries for so (NULL-initialised by the caller,
 * theirs to wipe with free_secret).
 */
int cmd_local_prepare(struct cmd_ctx *ctx, const struct cmd_args *a,
    struct serve_opts *so, struct serve_fn *fns, size_t n, char *env[3]);

/*
 * A function's log (a local run's, or the tail Lambda sent) on stderr: the
 * secrets we hold redacted (log_redact), escaped for a terminal as term.h
 * says unless raw, and ended with a newline.
 */
void cmd_print_log(const char *log, size_t len, int raw);

/*
 * The -o json result o on stdout, and frees it: json_dump's layout,
 * indented when stdout is a terminal, on one line when it is not (a pipe,
 * a file: gh's rule), escaped on a terminal as term.h's TERM_JSON says.
 * Every command's result goes through it; streams (logs) print a line an
 * object instead.  _raw: not escaped when raw is set (--raw).
 */
struct cJSON;
void cmd_print_json(struct cJSON *o);
void cmd_print_json_raw(struct cJSON *o, int raw);
/* Adds the member key to o: the error message msg, the secrets we hold
 * redacted (as log_error redacts the text mode's line). */
void cmd_json_add_error(struct cJSON *o, const char *key, const char *msg);
/* Whether -o json results are indented: stdout is a terminal. */
int cmd_json_pretty(void);
/*
 * Catches SIGINT and SIGTERM with handler (sigaction's flags: SA_RESETHAND
 * for "a second one kills as usual"; never SA_RESTART, so that a wait
 * wakes).  A SIGINT ignored on entry, as for a background job of a
 * script, stays ignored.
 */
void cmd_catch_stop(void (*handler)(int), int flags);

/*
 * How progress.h's display shows on stderr: PROGRESS_LIVE on a terminal,
 * PROGRESS_LINES (no escape code) on one with NO_COLOR set (not empty),
 * TERM unset or "dumb", or --debug; PROGRESS_QUIET when stderr is no
 * terminal.
 */
enum progress_mode cmd_progress_mode(const struct cmd_ctx *ctx);

/*
 * rollback's and promote's whole run (kind: enum alias_move_kind of
 * alias-move.h; to: rollback's --to or NULL): the alias (--alias, else
 * lambda.yml's), the function's region, the move (or with --dry-run the
 * plan of it, exit LC_ECHANGES) printed as text or JSON.
 */
int cmd_alias_move(struct cmd_ctx *ctx, const struct cmd_args *a, int kind,
    const char *to);

/* Prints "usage: ..." and the option list of ce (or of lambdactl). */
void cmd_usage(const struct cmd_entry *ce, FILE *fp);

#endif
