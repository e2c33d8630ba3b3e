/*
 * test-creds.c - credentials, region and endpoint resolution: precedence,
 * the shared files' INI dialect, credential_process and the exact error
 * messages, each case in a temporary directory with a cleared environment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsconfig.h"
#include "buf.h"
#include "clock.h"
#include "creds.h"
#include "endpoint.h"
#include "err.h"
#include "log.h"
#include "xmalloc.h"


#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#define SECRET	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define SECRET2	"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
#define TOKEN	"FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
#define TOKEN2	"IQoJb3JpZ2luX2VjEXAMPLESECURITYTOKEN"
#define JAN1	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define JAN2099	((time_t)4070908800)	/* 2099-01-01T00:00:00Z */
#define Y2K	((time_t)946684800)	/* 2000-01-01T00:00:00Z */

/* credential_process output with every field. */
#define PROC_JSON							\
	"{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\","			\
	"\"SecretAccessKey\":\"" SECRET "\",\"SessionToken\":\""	\
	TOKEN "\",\"Expiration\":\"2099-01-01T00:00:00Z\"}"

/* Default and dev with static keys, default and proc with a process. */
#define CONFIG_ALL							\
	"[default]\n"							\
	"aws_access_key_id = AKIDCONFIGDEFAULT\n"			\
	"aws_secret_access_key = " SECRET "\n"				\
	"credential_process = printf '" PROC_JSON "'\n"			\
	"\n"								\
	"[profile dev]\n"						\
	"aws_access_key_id = AKIDCONFIGDEV\n"				\
	"aws_secret_access_key = " SECRET "\n"				\
	"\n"								\
	"[profile proc]\n"						\
	"credential_process = printf '" PROC_JSON "'\n"

static char dir[64];
static char config[128];
static char credentials[128];


/* A clean environment pointing at the temporary directory's files. */
static void
reset_env(void)
{
	unsetenv_prefix("AWS_");
	setenv("HOME", dir, 1);
	setenv("AWS_CONFIG_FILE", config, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", credentials, 1);
}

/* Writes text to path, or removes path when text is NULL. */
static void
write_file(const char *path, const char *text)
{
	FILE *fp;

	if (text == NULL) {
		unlink(path);
		return;
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Sets or, for NULL, unsets an environment variable. */
static void
set_env(const char *name, const char *value)
{
	if (value == NULL)
		unsetenv(name);
	else
		setenv(name, value, 1);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test-creds.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(config, sizeof config, "%s/config", dir);
	snprintf(credentials, sizeof credentials, "%s/credentials", dir);
	reset_env();
	return 0;
}

static int
teardown(void **state)
{
	char path[160];

	(void)state;
	unlink(config);
	unlink(credentials);
	snprintf(path, sizeof path, "%s/cfg", dir);
	unlink(path);
	rmdir(dir);
	unsetenv_prefix("AWS_");
	log_forget_secrets();
	return 0;
}

/* Loads the configuration, failing the test on error. */
static void
load_ok(struct aws_config *cfg, const char *flag)
{
	struct lc_err err;

	memset(&err, 0, sizeof err);
	if (aws_config_load(cfg, flag, NULL, &err) == -1)
		fail_msg("aws_config_load: %s", err.msg);
}

/* Loads the configuration expecting the error msg. */
static void
load_fails(const char *flag, const char *msg)
{
	struct aws_config cfg;
	struct lc_err err;

	memset(&err, 0, sizeof err);
	assert_int_equal(aws_config_load(&cfg, flag, NULL, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_null(cfg.profile);
	assert_null(cfg.settings);
	aws_config_release(&cfg);
}

/* Resolves credentials expecting the error msg; no secret may show. */
static void
resolve_fails(const char *flag, const char *msg)
{
	struct aws_config cfg;
	struct creds c;
	struct lc_err err;

	memset(&err, 0, sizeof err);
	load_ok(&cfg, flag);
	assert_int_equal(creds_resolve(&c, &cfg, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_null(strstr(err.msg, SECRET));
	assert_null(strstr(err.msg, TOKEN));
	assert_null(c.access_key_id);
	assert_null(c.secret_access_key);
	assert_null(c.source);
	creds_release(&c);
	aws_config_release(&cfg);
}

static const struct creds_case {
	const char	*name;
	const char	*ak, *sk, *tok, *sectok;	/* environment */
	const char	*aws_profile;
	const char	*flag;
	const char	*config, *credentials;
	const char	*want_ak, *want_sk, *want_tok, *want_source;
	time_t		 want_exp;
} creds_cases[] = {
	{ "env wins over static keys and process",
	    "AKIDENV", SECRET2, NULL, NULL, NULL, NULL, CONFIG_ALL, NULL,
	    "AKIDENV", SECRET2, NULL, "env", 0 },
	{ "env session token",
	    "AKIDENV", SECRET2, TOKEN, NULL, NULL, NULL, NULL, NULL,
	    "AKIDENV", SECRET2, TOKEN, "env", 0 },
	{ "AWS_SECURITY_TOKEN as a fallback",
	    "AKIDENV", SECRET2, NULL, TOKEN2, NULL, NULL, NULL, NULL,
	    "AKIDENV", SECRET2, TOKEN2, "env", 0 },
	{ "AWS_SESSION_TOKEN over AWS_SECURITY_TOKEN",
	    "AKIDENV", SECRET2, TOKEN, TOKEN2, NULL, NULL, NULL, NULL,
	    "AKIDENV", SECRET2, TOKEN, "env", 0 },
	{ "empty env keys count as unset",
	    "", "", "", "", NULL, NULL, CONFIG_ALL, NULL,
	    "AKIDCONFIGDEFAULT", SECRET, NULL, "profile default", 0 },
	{ "static keys before credential_process",
	    NULL, NULL, NULL, NULL, NULL, NULL, CONFIG_ALL, NULL,
	    "AKIDCONFIGDEFAULT", SECRET, NULL, "profile default", 0 },
	{ "--profile skips env keys",
	    "AKIDENV", SECRET2, TOKEN, NULL, NULL, "dev", CONFIG_ALL, NULL,
	    "AKIDCONFIGDEV", SECRET, NULL, "profile dev", 0 },
	{ "AWS_PROFILE keeps env keys first",
	    "AKIDENV", SECRET2, NULL, NULL, "dev", NULL, CONFIG_ALL, NULL,
	    "AKIDENV", SECRET2, NULL, "env", 0 },
	{ "AWS_PROFILE selects the profile",
	    NULL, NULL, NULL, NULL, "dev", NULL, CONFIG_ALL, NULL,
	    "AKIDCONFIGDEV", SECRET, NULL, "profile dev", 0 },
	{ "--profile over AWS_PROFILE",
	    NULL, NULL, NULL, NULL, "dev", "proc", CONFIG_ALL, NULL,
	    "AKIDPROC", SECRET, TOKEN, "process (profile proc)", JAN2099 },
	{ "credential_process",
	    NULL, NULL, NULL, NULL, "proc", NULL, CONFIG_ALL, NULL,
	    "AKIDPROC", SECRET, TOKEN, "process (profile proc)", JAN2099 },
	{ "credentials file wins over config",
	    NULL, NULL, NULL, NULL, NULL, "dev", CONFIG_ALL,
	    "[dev]\naws_access_key_id = AKIDCREDSDEV\n"
	    "aws_secret_access_key = " SECRET2 "\n"
	    "aws_session_token = " TOKEN2 "\n",
	    "AKIDCREDSDEV", SECRET2, TOKEN2, "profile dev", 0 },
	{ "static keys from the credentials file only",
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    "[default]\naws_access_key_id = AKIDCREDS\n"
	    "aws_secret_access_key = " SECRET "\n",
	    "AKIDCREDS", SECRET, NULL, "profile default", 0 },
};

/* Each step of the credential provider chain's precedence. */
static void
test_creds_precedence(void **state)
{
	const struct creds_case *t;
	struct aws_config cfg;
	struct creds c;
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(creds_cases); i++) {
		t = &creds_cases[i];
		print_message("# %s\n", t->name);
		reset_env();
		set_env("AWS_ACCESS_KEY_ID", t->ak);
		set_env("AWS_SECRET_ACCESS_KEY", t->sk);
		set_env("AWS_SESSION_TOKEN", t->tok);
		set_env("AWS_SECURITY_TOKEN", t->sectok);
		set_env("AWS_PROFILE", t->aws_profile);
		write_file(config, t->config);
		write_file(credentials, t->credentials);
		load_ok(&cfg, t->flag);
		if (creds_resolve(&c, &cfg, &err) == -1)
			fail_msg("%s: %s", t->name, err.msg);
		assert_string_equal(c.access_key_id, t->want_ak);
		assert_string_equal(c.secret_access_key, t->want_sk);
		if (t->want_tok == NULL)
			assert_null(c.session_token);
		else
			assert_string_equal(c.session_token, t->want_tok);
		assert_string_equal(c.source, t->want_source);
		assert_int_equal(c.expiration, t->want_exp);
		creds_release(&c);
		aws_config_release(&cfg);
		log_forget_secrets();
	}
}

/* Resolved secrets are registered, so all output redacts them. */
static void
test_creds_secrets_redacted(void **state)
{
	struct aws_config cfg;
	struct creds c;
	struct lc_err err;
	struct buf b = BUF_INIT;

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_SESSION_TOKEN", TOKEN, 1);
	load_ok(&cfg, NULL);
	assert_int_equal(creds_resolve(&c, &cfg, &err), 0);
	buf_adds(&b, "id AKIDENV key " SECRET " token " TOKEN);
	log_redact(&b);
	assert_string_equal(b.data,
	    "id AKIDENV key <redacted> token <redacted>");
	buf_release(&b);
	creds_release(&c);
	aws_config_release(&cfg);
}

/* One of the environment's key pair without the other. */
static void
test_creds_env_partial(void **state)
{
	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	write_file(config, CONFIG_ALL);
	resolve_fails(NULL, "AWS_ACCESS_KEY_ID is set but "
	    "AWS_SECRET_ACCESS_KEY is not");
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	resolve_fails(NULL, "AWS_SECRET_ACCESS_KEY is set but "
	    "AWS_ACCESS_KEY_ID is not");
	/* An empty value is unset. */
	setenv("AWS_ACCESS_KEY_ID", "", 1);
	resolve_fails(NULL, "AWS_SECRET_ACCESS_KEY is set but "
	    "AWS_ACCESS_KEY_ID is not");
}

/* A profile with half a key pair names the profile and the file. */
static void
test_creds_profile_partial(void **state)
{
	char *msg;

	(void)state;
	write_file(config, "[profile dev]\nregion = us-east-1\n");
	write_file(credentials, "[dev]\naws_access_key_id = AKID\n");
	msg = xasprintf("profile 'dev' in '%s' has aws_access_key_id but "
	    "no aws_secret_access_key", credentials);
	resolve_fails("dev", msg);
	free(msg);

	write_file(config, "[profile dev]\naws_secret_access_key = "
	    SECRET "\n");
	write_file(credentials, "[default]\naws_access_key_id = AKID\n");
	msg = xasprintf("profile 'dev' in '%s' has aws_secret_access_key "
	    "but no aws_access_key_id", config);
	resolve_fails("dev", msg);
	free(msg);
}

/* Nothing anywhere. */
static void
test_creds_none(void **state)
{
	(void)state;
	write_file(config, "[default]\nregion = us-east-1\n");
	resolve_fails(NULL, "no credentials found (set AWS_ACCESS_KEY_ID/"
	    "AWS_SECRET_ACCESS_KEY or use --profile)");
	unlink(config);
	resolve_fails(NULL, "no credentials found (set AWS_ACCESS_KEY_ID/"
	    "AWS_SECRET_ACCESS_KEY or use --profile)");
}

static const struct process_case {
	const char	*command;
	const char	*msg;	/* after "credential_process for profile ..." */
} process_cases[] = {
	{ "exit 3", "command exited with status 3" },
	{ "printf '" PROC_JSON "'; exit 1", "command exited with status 1" },
	{ "kill -9 $$", "command killed by signal 9" },
	{ "echo 'not json " SECRET "'", "output is not valid JSON" },
	{ "true", "output is not valid JSON" },
	{ "printf '[1, 2]'", "output is not a JSON object" },
	{ "printf '{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" SECRET "\"}'",
	    "output has no 'Version'" },
	{ "printf '{\"Version\":2,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\"}'",
	    "unsupported Version (expected 1)" },
	{ "printf '{\"Version\":\"1\",\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\"}'",
	    "unsupported Version (expected 1)" },
	{ "printf '{\"Version\":1,\"SecretAccessKey\":\"" SECRET "\"}'",
	    "output has no 'AccessKeyId'" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\"}'",
	    "output has no 'SecretAccessKey'" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":42}'",
	    "'SecretAccessKey' is not a non-empty string" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"\","
	    "\"SecretAccessKey\":\"" SECRET "\"}'",
	    "'AccessKeyId' is not a non-empty string" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\",\"SessionToken\":7}'",
	    "'SessionToken' is not a non-empty string" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\",\"SessionToken\":\"" TOKEN
	    "\",\"Expiration\":\"tomorrow\"}'",
	    "invalid Expiration 'tomorrow' (expected RFC 3339, "
	    "e.g. 2026-01-01T00:00:00Z)" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\",\"Expiration\":"
	    "\"2020-01-01T00:00:00Z\"}'",
	    "the credentials expired at 2020-01-01T00:00:00Z (Expiration is "
	    "in the past)" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\\\\n\"}'",
	    "'SecretAccessKey' contains a newline" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\\\\r\","
	    "\"SecretAccessKey\":\"" SECRET "\"}'",
	    "'AccessKeyId' contains a carriage return" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\",\"SessionToken\":\"x"
	    "\\\\u001b\"}'",
	    "'SessionToken' contains control character 0x1b" },
	{ "printf '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"" SECRET "\\\\u0000x\"}'",
	    "output contains a NUL character (\\u0000)" },
	{ "yes", "output is larger than 65536 bytes" },
};

/* credential_process failures: one line, never the secret. */
static void
test_creds_process_errors(void **state)
{
	const struct process_case *t;
	char *text, *msg;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(process_cases); i++) {
		t = &process_cases[i];
		print_message("# %s\n", t->msg);
		text = xasprintf("[profile ci]\ncredential_process = %s\n",
		    t->command);
		write_file(config, text);
		msg = xasprintf("credential_process for profile 'ci': %s",
		    t->msg);
		resolve_fails("ci", msg);
		free(msg);
		free(text);
	}
}

static const struct exp_case {
	const char	*json;		/* the Expiration member, or "" */
	int		 ok;
	time_t		 want;
} exp_cases[] = {
	{ ",\"Expiration\":\"2026-01-01T00:00:00Z\"", 1, JAN1 },
	{ ",\"Expiration\":\"2026-01-01t00:00:00z\"", 1, JAN1 },
	{ ",\"Expiration\":\"2026-01-01 00:00:00Z\"", 1, JAN1 },
	{ ",\"Expiration\":\"2026-01-01T00:00:00.123456Z\"", 1, JAN1 },
	{ ",\"Expiration\":\"2026-01-01T02:30:00+02:30\"", 1, JAN1 },
	{ ",\"Expiration\":\"2025-12-31T19:00:00-0500\"", 1, JAN1 },
	{ ",\"Expiration\":\"2025-12-31T23:59:60Z\"", 1, JAN1 - 1 },
	{ ",\"Expiration\":\"2024-02-29T12:00:00Z\"", 1,
	    (time_t)1709208000 },
	/* The one time grammar (timeparse.h): a comma, a date alone. */
	{ ",\"Expiration\":\"2026-01-01T00:00:00,5Z\"", 1, JAN1 },
	{ ",\"Expiration\":\"2026-01-01\"", 1, JAN1 },
	{ ",\"Expiration\":\"2026-01-01T00:00Z\"", 1, JAN1 },
	{ "", 1, 0 },
	{ ",\"Expiration\":null", 1, 0 },
	/* Expired, or expiring this very second (now is Y2K). */
	{ ",\"Expiration\":\"1970-01-01T00:00:00Z\"", 0, 0 },
	{ ",\"Expiration\":\"1999-12-31T23:59:59Z\"", 0, 0 },
	{ ",\"Expiration\":\"2000-01-01T00:00:00Z\"", 0, 0 },
	{ ",\"Expiration\":\"2000-01-01T01:00:00+01:00\"", 0, 0 },
	{ ",\"Expiration\":\"2026-02-30T00:00:00Z\"", 0, 0 },
	{ ",\"Expiration\":\"2026-13-01T00:00:00Z\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T24:00:00Z\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T00:00:61Z\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T12:00:60Z\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T00:00:00\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T00:00:00.Z\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T00:00:00Zjunk\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T00:00:00+02:\"", 0, 0 },
	{ ",\"Expiration\":\"2026-01-01T00:00:00+24:00\"", 0, 0 },
	{ ",\"Expiration\":\"\"", 0, 0 },
	{ ",\"Expiration\":1767225600", 0, 0 },
};

/*
 * credential_process's Expiration: RFC 3339 (and botocore's leniencies),
 * in the future.  Through the in-memory parser, with a fixed "now".
 */
static void
test_creds_process_expiration(void **state)
{
	const struct exp_case *t;
	struct creds c;
	struct lc_err err;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(exp_cases); i++) {
		t = &exp_cases[i];
		print_message("# %s\n", t->json);
		text = xasprintf("{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\","
		    "\"SecretAccessKey\":\"%s\"%s}", SECRET, t->json);
		memset(&err, 0, sizeof err);
		if (t->ok) {
			if (creds_process_parse(&c, text, strlen(text), "p",
			    Y2K, &err) == -1)
				fail_msg("%s: %s", t->json, err.msg);
			assert_string_equal(c.access_key_id, "AKIDPROC");
			assert_string_equal(c.secret_access_key, SECRET);
			assert_null(c.session_token);
			assert_string_equal(c.source, "process (profile p)");
			assert_int_equal(c.expiration, t->want);
		} else {
			assert_int_equal(creds_process_parse(&c, text,
			    strlen(text), "p", Y2K, &err), -1);
			assert_int_equal(err.status, LC_ECONFIG);
			assert_non_null(strstr(err.msg, "credential_process "
			    "for profile 'p': "));
			assert_non_null(strstr(err.msg, "Expiration"));
			assert_null(strstr(err.msg, SECRET));
			assert_null(c.secret_access_key);
		}
		creds_release(&c);
		free(text);
	}
}

/* Version must be the number 1, as botocore wants it. */
static void
test_creds_process_version(void **state)
{
	static const struct {
		const char	*version;
		int		 ok;
	} cases[] = {
		{ "1", 1 }, { "1.0", 1 }, { "1e0", 1 }, { "2", 0 },
		{ "0", 0 }, { "1.5", 0 }, { "\"1\"", 0 }, { "true", 0 },
		{ "null", 0 }, { "[1]", 0 }, { "-1", 0 },
	};
	struct creds c;
	struct lc_err err;
	char *text;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		text = xasprintf("{\"Version\":%s,\"AccessKeyId\":\"A\","
		    "\"SecretAccessKey\":\"%s\"}", cases[i].version, SECRET);
		r = creds_process_parse(&c, text, strlen(text), "p", Y2K, &err);
		print_message("# Version %s\n", cases[i].version);
		if (cases[i].ok)
			assert_int_equal(r, 0);
		else {
			assert_int_equal(r, -1);
			assert_string_equal(err.msg, "credential_process for "
			    "profile 'p': unsupported Version (expected 1)");
		}
		creds_release(&c);
		free(text);
	}
}

/* Whether the process pid is gone (a zombie waiting for init counts). */
static int
process_gone(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
		if ((fp = fopen(path, "r")) == NULL)
			return 1;
		p = fgets(buf, sizeof buf, fp);
		fclose(fp);
		if (p != NULL && (p = strrchr(buf, ')')) != NULL &&
		    (p[2] == 'Z' || p[2] == 'X'))
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * A credential_process that never finishes is killed, with its whole
 * process group, after LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT seconds.
 */
static void
test_creds_process_timeout(void **state)
{
	/* "sleep 30 & echo $! >DIR/pid" and then: */
	static const char *const tails[] = {
		"wait",
		/* Closes its stdout, then hangs: the exit is waited for too. */
		"exec >&-; wait",
	};
	char *text, *path;
	double t0, secs;
	FILE *fp;
	long pid;
	size_t i;

	(void)state;
	setenv(CREDS_PROCESS_TIMEOUT_ENV, "1", 1);
	path = xasprintf("%s/pid", dir);
	for (i = 0; i < nitems(tails); i++) {
		print_message("# %s\n", tails[i]);
		text = xasprintf("[profile ci]\ncredential_process = "
		    "sleep 30 & echo $! >%s; %s\n", path, tails[i]);
		write_file(config, text);
		free(text);
		t0 = clock_ms();
		resolve_fails("ci", "credential_process for profile 'ci': "
		    "command did not finish within 1 s; killed it "
		    "(LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT sets the limit)");
		secs = (clock_ms() - t0) / 1000;
		assert_true(secs >= 0.9 && secs < 5);
		fp = fopen(path, "r");
		assert_non_null(fp);
		assert_int_equal(fscanf(fp, "%ld", &pid), 1);
		fclose(fp);
		unlink(path);
		assert_true(process_gone((pid_t)pid));
	}
	free(path);

	/* The limit is checked. */
	write_file(config, "[profile ci]\ncredential_process = true\n");
	setenv(CREDS_PROCESS_TIMEOUT_ENV, "soon", 1);
	resolve_fails("ci", "LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT wants a "
	    "number of seconds from 1 to 86400, not 'soon'");
	setenv(CREDS_PROCESS_TIMEOUT_ENV, "0", 1);
	resolve_fails("ci", "LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT wants a "
	    "number of seconds from 1 to 86400, not '0'");
	unsetenv(CREDS_PROCESS_TIMEOUT_ENV);
}

/* Writes len bytes to path. */
static void
write_bytes(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/*
 * A control character in a key, secret or token is refused, naming the
 * variable or file:line and the character, never the value.
 */
static void
test_creds_control_chars(void **state)
{
	static const char nul[] = "[default]\nregion = a\0b\n";
	char *msg;

	(void)state;
	write_file(config, CONFIG_ALL);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET "\n", 1);
	resolve_fails(NULL, "environment variable AWS_SECRET_ACCESS_KEY "
	    "contains a newline");
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKID\tENV", 1);
	resolve_fails(NULL, "environment variable AWS_ACCESS_KEY_ID "
	    "contains a tab");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECURITY_TOKEN", TOKEN "\x7f", 1);
	resolve_fails(NULL, "environment variable AWS_SECURITY_TOKEN "
	    "contains control character 0x7f");
	setenv("AWS_SESSION_TOKEN", "\r" TOKEN, 1);
	resolve_fails(NULL, "environment variable AWS_SESSION_TOKEN "
	    "contains a carriage return");
	reset_env();

	write_file(credentials, "[default]\n# keys\n"
	    "aws_access_key_id = AKID\n"
	    "aws_secret_access_key = wJalrXUtnFEMI\x1b[2JK7MDENG\n");
	msg = xasprintf("%s:4: aws_secret_access_key contains control "
	    "character 0x1b", credentials);
	resolve_fails(NULL, msg);
	free(msg);
	write_file(credentials, "[default]\n"
	    "aws_access_key_id = AKID\n"
	    "aws_secret_access_key = " SECRET "\n"
	    "aws_session_token = FwoG\rZXIv\r\n");
	msg = xasprintf("%s:4: aws_session_token contains a carriage "
	    "return", credentials);
	resolve_fails(NULL, msg);
	free(msg);
	/* The credentials file's key wins, and is the one named. */
	write_file(config, "[default]\naws_access_key_id = AK\x01ID\n");
	write_file(credentials, "[default]\n"
	    "aws_secret_access_key = " SECRET "\n");
	msg = xasprintf("%s:2: aws_access_key_id contains control "
	    "character 0x01", config);
	resolve_fails(NULL, msg);
	free(msg);

	/* A NUL byte would silently cut a value short. */
	write_file(credentials, NULL);
	write_bytes(config, nul, sizeof nul - 1);
	msg = xasprintf("%s:2: unexpected NUL byte", config);
	load_fails(NULL, msg);
	free(msg);
}

/* The in-memory parser: settings remember their file and line. */
static void
test_config_parse_memory(void **state)
{
	static const char text[] = "[default]\nregion = x\n\n[profile ci]\n"
	    "region = eu-west-1\r\nregion = eu-west-2";
	struct aws_config cfg;
	struct lc_err err;
	int found = 0;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.profile = xstrdup("ci");
	assert_int_equal(aws_config_parse(&cfg, "mem", text, sizeof text - 1,
	    1, &found, &err), 0);
	assert_true(found);
	assert_int_equal(cfg.nsettings, 1);
	assert_string_equal(cfg.settings[0].value, "eu-west-2");
	assert_string_equal(cfg.settings[0].file, "mem");
	assert_int_equal(cfg.settings[0].line, 6);
	aws_config_release(&cfg);
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

/* "[profile x]" in config, "[x]" in credentials, never the other way. */
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
	assert_int_equal(cfg.nsettings, 7);
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
	assert_int_equal(cfg.nsettings, 0);
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

/* Releasing zeroed or released structures is harmless. */
static void
test_release_twice(void **state)
{
	struct aws_config cfg;
	struct creds c;
	struct lc_err err;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	memset(&c, 0, sizeof c);
	aws_config_release(&cfg);
	aws_config_release(&cfg);
	creds_release(&c);
	creds_release(&c);

	write_file(config, CONFIG_ALL);
	load_ok(&cfg, "proc");
	assert_int_equal(creds_resolve(&c, &cfg, &err), 0);
	creds_release(&c);
	assert_null(c.secret_access_key);
	assert_null(c.session_token);
	creds_release(&c);
	aws_config_release(&cfg);
	assert_null(cfg.settings);
	aws_config_release(&cfg);
}

static const struct region_case {
	const char	*flag, *env, *env_default, *profile, *manifest;
	const char	*want;
} region_cases[] = {
	{ "eu-north-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	    "eu-north-1" },
	{ NULL, "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	    "us-east-1" },
	{ "", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	    "us-east-1" },
	{ NULL, NULL, "us-east-2", "us-west-1", "us-west-2", "us-east-2" },
	{ NULL, "", "us-east-2", "us-west-1", "us-west-2", "us-east-2" },
	{ NULL, NULL, NULL, "us-west-1", "us-west-2", "us-west-2" },
	{ NULL, "", "", "us-west-1", "us-west-2", "us-west-2" },
	{ NULL, NULL, NULL, "us-west-1", NULL, "us-west-1" },
	{ NULL, "", "", "us-west-1", "", "us-west-1" },
	{ NULL, NULL, NULL, NULL, "us-west-2", "us-west-2" },
	{ NULL, "", "", "", "us-west-2", "us-west-2" },
};

/* Region: flag > AWS_REGION > AWS_DEFAULT_REGION > manifest > profile. */
static void
test_region_precedence(void **state)
{
	const struct region_case *t;
	struct aws_config cfg;
	struct lc_err err;
	char *text, *region;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(region_cases); i++) {
		t = &region_cases[i];
		print_message("# want %s\n", t->want);
		reset_env();
		set_env("AWS_REGION", t->env);
		set_env("AWS_DEFAULT_REGION", t->env_default);
		text = t->profile == NULL ? NULL :
		    xasprintf("[default]\nregion = %s\n", t->profile);
		write_file(config, text);
		free(text);
		load_ok(&cfg, NULL);
		if (region_resolve(&region, t->flag, &cfg, t->manifest,
		    &err) == -1)
			fail_msg("%s", err.msg);
		assert_string_equal(region, t->want);
		free(region);
		aws_config_release(&cfg);
	}
}

/* No region anywhere, empty strings included. */
static void
test_region_none(void **state)
{
	struct aws_config cfg;
	struct lc_err err;
	char *region = (char *)"sentinel";

	(void)state;
	setenv("AWS_REGION", "", 1);
	setenv("AWS_DEFAULT_REGION", "", 1);
	write_file(config, "[default]\nregion =\n");
	load_ok(&cfg, NULL);
	assert_int_equal(region_resolve(&region, "", &cfg, "", &err), -1);
	assert_null(region);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(err.msg, "no region set (use --region, "
	    "AWS_REGION, 'region' in the profile, or 'region' in "
	    "lambda.yml)");
	region = (char *)"sentinel";
	assert_int_equal(region_resolve(&region, NULL, &cfg, NULL, &err), -1);
	assert_null(region);
	aws_config_release(&cfg);
}

static const struct endpoint_case {
	const char	*name;
	const char	*service, *flag;
	const char	*env_name, *env_value;	/* a service's variable */
	const char	*env_generic, *profile, *ignore, *profile_ignore;
	const char	*region, *want;
} endpoint_cases[] = {
	{ "flag first", "lambda", "http://flag:1/",
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", NULL, NULL, "us-east-1", "http://flag:1" },
	{ "lambda variable", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", NULL, NULL, "us-east-1", "http://svc:2" },
	{ "logs variable", "logs", NULL,
	    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://logs:2",
	    "http://all:3", NULL, NULL, NULL, "us-east-1", "http://logs:2" },
	{ "sts variable", "sts", "",
	    "AWS_ENDPOINT_URL_STS", "http://sts:2/", "http://all:3", NULL,
	    NULL, NULL, "us-east-1", "http://sts:2" },
	{ "other service variable", "api-gateway", NULL,
	    "AWS_ENDPOINT_URL_API_GATEWAY", "http://apigw:2",
	    "http://all:3", NULL, NULL, NULL, "us-east-1",
	    "http://apigw:2" },
	{ "another service's variable", "lambda", NULL,
	    "AWS_ENDPOINT_URL_STS", "http://sts:2", "http://all:3", NULL,
	    NULL, NULL, "us-east-1", "http://all:3" },
	{ "empty service variable", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "", "http://all:3", NULL, NULL, NULL,
	    "us-east-1", "http://all:3" },
	{ "generic variable", "lambda", NULL, NULL, NULL, "http://all:3",
	    "http://profile:4", NULL, NULL, "us-east-1", "http://all:3" },
	{ "profile", "lambda", NULL, NULL, NULL, "", "http://profile:4///",
	    NULL, NULL, "us-east-1", "http://profile:4" },
	{ "default lambda", "lambda", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, "us-east-1", "https://lambda.us-east-1.amazonaws.com" },
	{ "default logs", "logs", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    "eu-west-1", "https://logs.eu-west-1.amazonaws.com" },
	{ "default china", "lambda", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, "cn-north-1",
	    "https://lambda.cn-north-1.amazonaws.com.cn" },
	{ "default china sts", "sts", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, "cn-northwest-1",
	    "https://sts.cn-northwest-1.amazonaws.com.cn" },
	{ "ignore configured", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", "TRUE", NULL, "us-east-1",
	    "https://lambda.us-east-1.amazonaws.com" },
	{ "ignore configured keeps the flag", "lambda", "http://flag:1",
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", "true", NULL, "us-east-1", "http://flag:1" },
	{ "ignore configured false", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", "false", "true", "us-east-1",
	    "http://svc:2" },
	{ "ignore configured in the profile", "lambda", NULL,
	    NULL, NULL, "http://all:3", "http://profile:4", NULL, "True",
	    "us-east-1", "https://lambda.us-east-1.amazonaws.com" },
};

/* Endpoint: flag > service variable > AWS_ENDPOINT_URL > profile. */
static void
test_endpoint_precedence(void **state)
{
	const struct endpoint_case *t;
	struct aws_config cfg;
	struct buf text = BUF_INIT;
	char *url;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(endpoint_cases); i++) {
		t = &endpoint_cases[i];
		print_message("# %s\n", t->name);
		reset_env();
		if (t->env_name != NULL)
			setenv(t->env_name, t->env_value, 1);
		set_env("AWS_ENDPOINT_URL", t->env_generic);
		set_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", t->ignore);
		buf_reset(&text);
		buf_adds(&text, "[default]\n");
		if (t->profile != NULL)
			buf_addf(&text, "endpoint_url = %s\n", t->profile);
		if (t->profile_ignore != NULL)
			buf_addf(&text, "ignore_configured_endpoint_urls = "
			    "%s\n", t->profile_ignore);
		write_file(config, text.data);
		load_ok(&cfg, NULL);
		url = endpoint_resolve(t->flag, t->service, &cfg, t->region);
		assert_string_equal(url, t->want);
		free(url);
		aws_config_release(&cfg);
	}
	buf_release(&text);

	/* No configuration at all. */
	reset_env();
	url = endpoint_resolve(NULL, "lambda", NULL, "us-east-1");
	assert_string_equal(url, "https://lambda.us-east-1.amazonaws.com");
	free(url);
}

/* The manifest's profile comes after --profile and AWS_PROFILE, and the
 * environment's keys still win over it (flags > env > lambda.yml). */
static void
test_manifest_profile(void **state)
{
	struct aws_config cfg;
	struct creds c;
	struct lc_err err;

	(void)state;
	write_file(config, "[profile fromfile]\nregion = eu-west-3\n"
	    "[profile ci]\nregion = ap-east-1\n");
	write_file(credentials, "[fromfile]\naws_access_key_id = AKIDFILE\n"
	    "aws_secret_access_key = file-secret-0000\n");
	memset(&err, 0, sizeof err);

	assert_int_equal(aws_config_load(&cfg, NULL, "fromfile", &err), 0);
	assert_string_equal(cfg.profile, "fromfile");
	assert_int_equal(creds_resolve(&c, &cfg, &err), 0);
	assert_string_equal(c.source, "profile fromfile");
	creds_release(&c);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret-0000", 1);
	assert_int_equal(creds_resolve(&c, &cfg, &err), 0);
	assert_string_equal(c.source, "env");
	creds_release(&c);
	aws_config_release(&cfg);

	setenv("AWS_PROFILE", "ci", 1);
	assert_int_equal(aws_config_load(&cfg, NULL, "fromfile", &err), 0);
	assert_string_equal(cfg.profile, "ci");
	aws_config_release(&cfg);
	assert_int_equal(aws_config_load(&cfg, "fromfile", "ci", &err), 0);
	assert_string_equal(cfg.profile, "fromfile");
	aws_config_release(&cfg);

	unsetenv("AWS_PROFILE");
	assert_int_equal(aws_config_load(&cfg, NULL, "nosuch", &err), -1);
	assert_string_equal(err.msg + strlen(err.msg) - strlen("/credentials'"),
	    "/credentials'");
	assert_int_equal(strncmp(err.msg, "profile 'nosuch' not found in ",
	    30), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_creds_precedence),
		T(test_creds_secrets_redacted),
		T(test_creds_env_partial),
		T(test_creds_profile_partial),
		T(test_creds_none),
		T(test_creds_process_errors),
		T(test_creds_process_expiration),
		T(test_creds_process_version),
		T(test_creds_process_timeout),
		T(test_creds_control_chars),
		T(test_config_parse_memory),
		T(test_config_files_merge),
		T(test_config_section_forms),
		T(test_config_ini_details),
		T(test_config_syntax_errors),
		T(test_config_missing_profile),
		T(test_config_tilde),
		T(test_release_twice),
		T(test_region_precedence),
		T(test_region_none),
		T(test_endpoint_precedence),
		T(test_manifest_profile),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
