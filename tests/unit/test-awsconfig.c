/*
 * test-awsconfig.c - the shared config and credentials files: their INI
 * dialect, which sections are the profile's, which file wins, the exact
 * error messages, and the profile's selection, each case in a temporary
 * directory with a cleared environment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconfig.h"
#include "err.h"
#include "testawsenv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/*
 * The in-memory parser: settings remember their file and line; every
 * profile a section names is recorded.
 */
static void
test_config_parse_memory(void **state)
{
	static const char text[] = "[default]\nregion = x\n\n[profile ci]\n"
	    "region = eu-west-1\r\nregion = eu-west-2";
	const struct aws_setting *s;
	struct aws_config cfg;
	struct lc_err err;
	int found = 0;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.profile = xstrdup("ci");
	assert_int_equal(aws_config_parse(&cfg, "mem", text, sizeof text - 1,
	    1, &found, &err), 0);
	assert_true(found);
	assert_non_null(s = aws_config_setting(&cfg, "region"));
	assert_string_equal(s->value, "eu-west-2");
	assert_string_equal(s->file, "mem");
	assert_int_equal(s->line, 6);
	assert_string_equal(aws_profile_value(&cfg, "default", "region"), "x");
	assert_int_equal(cfg.nsections, 2);
	assert_int_equal(cfg.sections[1].nsettings, 1);
	assert_int_equal(cfg.profiles.n, 2);
	assert_string_equal(cfg.profiles.names[0], "default");
	assert_string_equal(cfg.profiles.names[1], "ci");
	aws_config_release(&cfg);
	assert_null(cfg.profiles.names);
}

/* The credentials file's settings win key by key; both are read. */
static void
test_config_files_merge(void **state)
{
	struct aws_config cfg;

	(void)state;
	write_file(config, "[default]\nregion = us-east-1\n"
	    "aws_access_key_id = FROMCONFIG\n");
	write_file(credentials, "[default]\naws_access_key_id = FROMCREDS\n"
	    "aws_secret_access_key = " SECRET "\n");
	load_ok(&cfg, NULL);
	assert_string_equal(cfg.profile, "default");
	assert_int_equal(cfg.profile_from_flag, 0);
	assert_int_equal(cfg.profile_explicit, 0);
	assert_true(cfg.profile_found);
	assert_string_equal(cfg.config_file, config);
	assert_string_equal(cfg.credentials_file, credentials);
	assert_string_equal(aws_config_get(&cfg, "aws_access_key_id"),
	    "FROMCREDS");
	assert_string_equal(aws_config_get(&cfg, "region"), "us-east-1");
	assert_string_equal(aws_config_get(&cfg, "aws_secret_access_key"),
	    SECRET);
	assert_null(aws_config_get(&cfg, "output"));
	aws_config_release(&cfg);
}

/*
 * "[profile x]" in config, "[x]" in credentials, never the other way; the
 * profiles named are recorded (aws_profile_names lists them).
 */
static void
test_config_section_forms(void **state)
{
	struct aws_config cfg;
	char *msg;

	(void)state;
	write_file(config,
	    "[x]\nregion = config-plain\noutput = text\n"
	    "[profile x]\nregion = config-profile\n"
	    "[profile   spaced  ]\nregion = spaced\n"
	    "[sso-session x]\nsso_region = sso\n"
	    "[services x]\nlambda =\n  endpoint_url = http://svc\n"
	    "[onlyplain]\nregion = nope\n");
	write_file(credentials,
	    "[profile x]\naws_access_key_id = WRONG\n"
	    "[x]\nmode = creds-plain\n");
	load_ok(&cfg, "x");
	assert_int_equal(cfg.profile_from_flag, 1);
	assert_int_equal(cfg.profile_explicit, 1);
	assert_string_equal(aws_config_get(&cfg, "region"), "config-profile");
	assert_string_equal(aws_config_get(&cfg, "mode"), "creds-plain");
	assert_null(aws_config_get(&cfg, "output"));
	assert_null(aws_config_get(&cfg, "aws_access_key_id"));
	assert_null(aws_config_get(&cfg, "sso_region"));
	assert_null(aws_config_get(&cfg, "endpoint_url"));
	assert_null(aws_config_get(&cfg, "lambda"));
	/* The profiles the sections name, file by file, as they come. */
	assert_int_equal(cfg.profiles.n, 4);
	assert_string_equal(cfg.profiles.names[0], "x");
	assert_string_equal(cfg.profiles.names[1], "spaced");
	assert_string_equal(cfg.profiles.names[2], "profile x");
	assert_string_equal(cfg.profiles.names[3], "x");
	/* SSO sessions are sections of their own, of the config file. */
	assert_string_equal(aws_sso_session_value(&cfg, "x", "sso_region"),
	    "sso");
	assert_null(aws_sso_session_value(&cfg, "x", "region"));
	assert_null(aws_config_section(&cfg, AWS_SECTION_SSO_SESSION, "y"));
	/* One file's settings alone, for the providers bound to one. */
	assert_null(aws_profile_setting(&cfg, "x", "mode", AWS_FILE_CONFIG));
	assert_string_equal(aws_profile_setting(&cfg, "x", "mode",
	    AWS_FILE_CREDENTIALS)->value, "creds-plain");
	assert_string_equal(aws_profile_setting(&cfg, "x", "region",
	    AWS_FILE_ANY)->value, "config-profile");
	assert_null(aws_profile_setting(&cfg, "x", "region",
	    AWS_FILE_CREDENTIALS));
	aws_config_release(&cfg);

	load_ok(&cfg, "spaced");
	assert_string_equal(aws_config_get(&cfg, "region"), "spaced");
	aws_config_release(&cfg);

	/* A plain "[name]" in the config file is not a profile. */
	msg = xasprintf("profile 'onlyplain' not found in '%s' or '%s'",
	    config, credentials);
	load_fails("onlyplain", msg);
	free(msg);

	write_file(config, "[profile default]\nregion = eu-west-1\n");
	write_file(credentials, NULL);
	load_ok(&cfg, NULL);
	assert_true(cfg.profile_found);
	assert_string_equal(aws_config_get(&cfg, "region"), "eu-west-1");
	aws_config_release(&cfg);
}

/* Comments, white space, blank values, case, nested sections. */
static void
test_config_ini_details(void **state)
{
	struct aws_config cfg;

	(void)state;
	write_file(config,
	    "# leading comment\n"
	    "; another\n"
	    "\n"
	    "[default]\r\n"
	    "  region   =   us-west-2   \n"
	    "output=\n"
	    "s3 =\n"
	    "  max_concurrent_requests = 20\n"
	    "\n"
	    "\tregion = nested-region\n"
	    "Region = CaseSensitive\n"
	    "\t; indented comment\n"
	    "# region = commented\n"
	    "endpoint_url = http://localhost:4566/\n"
	    "credential_process = printf '{\"a\":\"b=c\"}' # not a comment\n"
	    "sts =\n"
	    "   region = nested-again\n"
	    "[profile other]\n"
	    "region = other\n");
	load_ok(&cfg, NULL);
	assert_string_equal(aws_config_get(&cfg, "region"), "us-west-2");
	assert_string_equal(aws_config_get(&cfg, "output"), "");
	assert_string_equal(aws_config_get(&cfg, "s3"), "");
	assert_string_equal(aws_config_get(&cfg, "sts"), "");
	assert_null(aws_config_get(&cfg, "max_concurrent_requests"));
	assert_string_equal(aws_config_get(&cfg, "Region"), "CaseSensitive");
	assert_null(aws_config_get(&cfg, "REGION"));
	assert_string_equal(aws_config_get(&cfg, "endpoint_url"),
	    "http://localhost:4566/");
	assert_string_equal(aws_config_get(&cfg, "credential_process"),
	    "printf '{\"a\":\"b=c\"}' # not a comment");
	/* The other profile's settings stay its own. */
	assert_string_equal(aws_profile_value(&cfg, "other", "region"),
	    "other");
	assert_null(aws_profile_value(&cfg, "other", "endpoint_url"));
	aws_config_release(&cfg);
}

/* Syntax errors anywhere in either file name file:line. */
static void
test_config_syntax_errors(void **state)
{
	static const struct {
		const char	*text;
		int		 in_credentials;
		const char	*msg;	/* after "file:" */
	} cases[] = {
		{ "[default]\nregion = x\nthis is not ini\n", 0,
		    "3: expected '[section]' or 'key = value'" },
		{ "[default]\n\n= value\n", 0,
		    "3: expected '[section]' or 'key = value'" },
		{ "[default\nregion = x\n", 0,
		    "1: unterminated section header" },
		{ "[default] junk\n", 0,
		    "1: unexpected text after section header" },
		{ "[ ]\n", 0, "1: empty section name" },
		{ "region = x\n[default]\n", 0,
		    "1: 'region' is outside of any section" },
		{ "[other]\nregion = x\n[another]\noops\n", 1,
		    "4: expected '[section]' or 'key = value'" },
	};
	struct aws_config cfg;
	char *msg;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		print_message("# syntax case %zu\n", i);
		write_file(cases[i].in_credentials ? credentials : config,
		    cases[i].text);
		write_file(cases[i].in_credentials ? config : credentials,
		    "[default]\nregion = x\n");
		msg = xasprintf("%s:%s", cases[i].in_credentials ?
		    credentials : config, cases[i].msg);
		load_fails(NULL, msg);
		free(msg);
	}

	/* A comment may follow a section header. */
	write_file(credentials, NULL);
	write_file(config, "[default] # the default\nregion = x\n");
	load_ok(&cfg, NULL);
	assert_string_equal(aws_config_get(&cfg, "region"), "x");
	aws_config_release(&cfg);
}

/* An explicitly named profile must exist, even with keys in the env. */
static void
test_config_missing_profile(void **state)
{
	struct aws_config cfg;
	char *msg;

	(void)state;
	write_file(config, "[default]\nregion = us-east-1\n");
	msg = xasprintf("profile 'ci' not found in '%s' or '%s'", config,
	    credentials);
	load_fails("ci", msg);

	setenv("AWS_PROFILE", "ci", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	load_fails(NULL, msg);
	free(msg);

	/* --profile beats AWS_PROFILE. */
	load_ok(&cfg, "default");
	assert_string_equal(cfg.profile, "default");
	aws_config_release(&cfg);

	/* An implicit default profile may be missing, with the files. */
	reset_env();
	unlink(config);
	load_ok(&cfg, NULL);
	assert_string_equal(cfg.profile, "default");
	assert_false(cfg.profile_found);
	assert_int_equal(cfg.nsections, 0);
	aws_config_release(&cfg);

	/* But not an explicit one; the default paths are under $HOME. */
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	msg = xasprintf("profile 'default' not found in '%s/.aws/config' or "
	    "'%s/.aws/credentials'", dir, dir);
	load_fails("default", msg);
	free(msg);
}

/* A leading "~/" in AWS_CONFIG_FILE is the home directory. */
static void
test_config_tilde(void **state)
{
	struct aws_config cfg;
	char *path;

	(void)state;
	path = xasprintf("%s/cfg", dir);
	write_file(path, "[default]\nregion = ap-south-1\n");
	setenv("AWS_CONFIG_FILE", "~/cfg", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "", 1);
	load_ok(&cfg, NULL);
	assert_string_equal(cfg.config_file, path);
	assert_string_equal(aws_config_get(&cfg, "region"), "ap-south-1");
	free(path);
	path = xasprintf("%s/.aws/credentials", dir);
	assert_string_equal(cfg.credentials_file, path);
	free(path);
	aws_config_release(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_config_parse_memory),
		T(test_config_files_merge),
		T(test_config_section_forms),
		T(test_config_ini_details),
		T(test_config_syntax_errors),
		T(test_config_missing_profile),
		T(test_config_tilde),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
