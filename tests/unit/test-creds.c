/*
 * test-creds.c - the credential provider chain: its precedence, partial
 * and malformed keys, credential_process (its output, expiry, time limit,
 * process group) and the exact error messages, each case in a temporary
 * directory with a cleared environment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsconfig.h"
#include "buf.h"
#include "clock.h"
#include "creds-private.h"
#include "creds.h"
#include "err.h"
#include "log.h"
#include "testawsenv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

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

/* creds_resolve with the configuration alone. */
static int
resolve(struct creds *c, const struct aws_config *cfg, struct lc_err *err)
{
	struct creds_opts o = { 0 };

	o.cfg = cfg;
	return creds_resolve(c, &o, err);
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
	assert_int_equal(resolve(&c, &cfg, &err), -1);
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
	    "AKIDPROC", SECRET, TOKEN, "process (profile default)", JAN2099 },
	/* botocore's order: the config file's keys come last. */
	{ "credential_process before the config file's keys",
	    NULL, NULL, NULL, NULL, NULL, NULL, CONFIG_ALL, NULL,
	    "AKIDPROC", SECRET, TOKEN, "process (profile default)", JAN2099 },
	{ "the credentials file's keys before credential_process",
	    NULL, NULL, NULL, NULL, NULL, NULL, CONFIG_ALL,
	    "[default]\naws_access_key_id = AKIDCREDS\n"
	    "aws_secret_access_key = " SECRET "\n",
	    "AKIDCREDS", SECRET, NULL, "profile default", 0 },
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
		if (resolve(&c, &cfg, &err) == -1)
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
	assert_int_equal(resolve(&c, &cfg, &err), 0);
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
	/* A pair is one file's (botocore's providers are per file). */
	write_file(config, "[default]\naws_access_key_id = AK\x01ID\n");
	write_file(credentials, "[default]\n"
	    "aws_secret_access_key = " SECRET "\n");
	msg = xasprintf("profile 'default' in '%s' has aws_secret_access_key "
	    "but no aws_access_key_id", credentials);
	resolve_fails(NULL, msg);
	free(msg);
	write_file(credentials, NULL);
	write_file(config, "[default]\naws_access_key_id = AK\x01ID\n"
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
	assert_int_equal(resolve(&c, &cfg, &err), 0);
	creds_release(&c);
	assert_null(c.secret_access_key);
	assert_null(c.session_token);
	creds_release(&c);
	aws_config_release(&cfg);
	assert_null(cfg.sections);
	aws_config_release(&cfg);
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
	assert_int_equal(resolve(&c, &cfg, &err), 0);
	assert_string_equal(c.source, "profile fromfile");
	creds_release(&c);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret-0000", 1);
	assert_int_equal(resolve(&c, &cfg, &err), 0);
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

/*
 * A credential_process that counts its runs in DIR/n and hands out the
 * key AKIDRUN<n>, expiring in 2099; from run fail_from on it fails.
 */
static void
write_counting_process(int fail_from)
{
	char *text;

	text = xasprintf("[default]\ncredential_process = sh -c '"
	    "n=$(cat %s/n 2>/dev/null || echo 0); n=$((n+1)); "
	    "echo $n >%s/n; [ $n -ge %d ] && exit 1; "
	    "printf \"{\\\"Version\\\":1,\\\"AccessKeyId\\\":\\\"AKIDRUN$n\\\","
	    "\\\"SecretAccessKey\\\":\\\"%s\\\","
	    "\\\"Expiration\\\":\\\"2099-01-01T00:00:00Z\\\"}\"'\n",
	    dir, dir, fail_from, SECRET);
	write_file(config, text);
	free(text);
}

/* The number in the file path (the counting process's runs). */
static int
read_count(const char *path)
{
	FILE *fp = fopen(path, "r");
	int v = -1;

	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%d", &v), 1);
	fclose(fp);
	return v;
}

/*
 * Credentials that expire are got again from their provider within the
 * advisory window; a failure there is only noted until the mandatory
 * window, where it is the error.  Static ones are left alone.
 */
static void
test_creds_refresh_windows(void **state)
{
	struct aws_config cfg;
	struct creds c;
	struct lc_err err;
	char n[160];

	(void)state;
	snprintf(n, sizeof n, "%s/n", dir);
	write_counting_process(3);
	load_ok(&cfg, NULL);
	assert_int_equal(resolve(&c, &cfg, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDRUN1");
	assert_int_equal(c.expiration, JAN2099);
	assert_non_null(c.refresh);
	/* 20 minutes left: nothing to do. */
	assert_int_equal(creds_fresh(&c, JAN2099 - 20 * 60, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDRUN1");
	/* 14 minutes left: got again. */
	assert_int_equal(creds_fresh(&c, JAN2099 - 14 * 60, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDRUN2");
	assert_string_equal(c.source, "process (profile default)");
	/* Failing with 12 minutes left: the current ones still serve. */
	assert_int_equal(creds_fresh(&c, JAN2099 - 12 * 60, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDRUN2");
	assert_int_equal(read_count(n), 3);
	/* ... and the next try waits a minute (the process is not run). */
	assert_int_equal(creds_fresh(&c, JAN2099 - 11 * 60 - 30, &err), 0);
	assert_int_equal(read_count(n), 3);
	/* Failing with 9 minutes left: the error. */
	assert_int_equal(creds_fresh(&c, JAN2099 - 9 * 60, &err), -1);
	assert_string_equal(err.msg, "refreshing credentials: "
	    "credential_process for profile 'default': command exited with "
	    "status 1");
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(c.access_key_id, "AKIDRUN2");
	assert_int_equal(read_count(n), 4);
	creds_release(&c);
	assert_null(c.refresh);
	aws_config_release(&cfg);
	unlink(n);

	/* Keys that do not expire are never got again. */
	write_file(config, "[default]\naws_access_key_id = AKIDSTATIC\n"
	    "aws_secret_access_key = " SECRET "\n");
	load_ok(&cfg, NULL);
	assert_int_equal(resolve(&c, &cfg, &err), 0);
	assert_null(c.refresh);
	assert_int_equal(creds_fresh(&c, JAN2099, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDSTATIC");
	creds_release(&c);
	aws_config_release(&cfg);
}

/*
 * The AWS CLI's cache files: named by the SHA-1 of their key, written
 * whole (0600, in directories made 0700) and read back; a file that is
 * not a JSON object, or a link, is a miss.
 */
static void
test_creds_cache_files(void **state)
{
	struct stat st;
	cJSON *o, *o2, *back;
	struct lc_err err;
	char *path, *want, cache[200], link[220];

	(void)state;
	path = creds_cache_path("~/.aws/cli/cache", "abc");
	want = xasprintf("%s/.aws/cli/cache/"
	    "a9993e364706816aba3e25717850c26c9cd0d89d.json", dir);
	assert_string_equal(path, want);
	assert_null(creds_cache_read(path));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "SecretAccessKey", SECRET);
	assert_int_equal(creds_cache_write(path, o, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(cache, sizeof cache, "%s/.aws/cli/cache", dir);
	assert_int_equal(stat(cache, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_non_null(back = creds_cache_read(path));
	assert_string_equal(cJSON_GetObjectItem(back, "SecretAccessKey")->
	    valuestring, SECRET);
	creds_json_free(back);
	creds_json_free(o);

	write_file(path, "[\"not an object\"]");
	assert_null(creds_cache_read(path));
	write_file(path, "{\"cut\": ");
	assert_null(creds_cache_read(path));
	snprintf(link, sizeof link, "%s/other.json", cache);
	write_file(link, "{}");
	unlink(path);
	assert_int_equal(symlink(link, path), 0);
	assert_null(creds_cache_read(path));
	/* A FIFO left there is a miss at once, not a hang. */
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(creds_cache_read(path));
	/* Without a home directory, nothing lands in the current one. */
	assert_null(creds_cache_read("~/.aws/cli/cache/x.json"));
	assert_int_equal(creds_cache_write("~/.aws/cli/cache/x.json", o2 =
	    cJSON_CreateObject(), &err), -1);
	assert_string_equal(err.msg, "cannot write '~/.aws/cli/cache/x.json': "
	    "no home directory (set HOME)");
	creds_json_free(o2);

	unlink(path);
	unlink(link);
	rmdir(cache);
	snprintf(cache, sizeof cache, "%s/.aws/cli", dir);
	rmdir(cache);
	snprintf(cache, sizeof cache, "%s/.aws", dir);
	rmdir(cache);
	free(path);
	free(want);
}

/* Expirations as the AWS CLI's caches and the services write them. */
static void
test_creds_times(void **state)
{
	static const struct creds_json_names names = {
		"AccessKeyId", "SecretAccessKey", "Token", "Expiration"
	};
	struct creds c;
	struct lc_err err;
	time_t t;
	cJSON *o;

	(void)state;
	assert_int_equal(creds_parse_time("2026-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 1767225600);
	assert_int_equal(creds_parse_time("2026-01-01T00:00:00UTC", &t), 0);
	assert_int_equal(t, 1767225600);
	assert_int_equal(creds_parse_time("2026-01-01T00:00:00.999+00:00",
	    &t), 0);
	assert_int_equal(t, 1767225600);
	assert_int_equal(creds_parse_time("UTC", &t), -1);
	assert_int_equal(creds_parse_time("tomorrow", &t), -1);

	/* Milliseconds since the epoch (SSO), and a token that is "". */
	o = cJSON_Parse("{\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\""
	    SECRET "\",\"Token\":\"\",\"Expiration\":4070908800000}");
	assert_int_equal(creds_from_json(&c, o, &names, "test", JAN2099 - 1,
	    xstrdup("src"), &err), 0);
	assert_int_equal(c.expiration, JAN2099);
	assert_null(c.session_token);
	assert_string_equal(c.source, "src");
	creds_release(&c);
	assert_int_equal(creds_from_json(&c, o, &names, "test", JAN2099,
	    xstrdup("src"), &err), -1);
	assert_string_equal(err.msg, "test: the credentials expired at "
	    "2099-01-01T00:00:00Z (Expiration is in the past)");
	creds_json_free(o);
	o = cJSON_Parse("[]");
	assert_int_equal(creds_from_json(&c, o, &names, "test", 0,
	    xstrdup("src"), &err), -1);
	assert_string_equal(err.msg, "test: output is not a JSON object");
	creds_json_free(o);
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
		T(test_release_twice),
		T(test_manifest_profile),
		T(test_creds_refresh_windows),
		T(test_creds_cache_files),
		T(test_creds_times),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
