/*
 * test-doctor.c - lambdactl doctor's pure parts: the clock skew's
 * classification and wording, HTTP Date parsing, the line format; and one
 * whole run that needs no network (no credentials: the checks needing
 * them are skipped, the others still run).
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "doctor.h"
#include "testawsenv.h"

/* The status of skew, its detail in *detail (static storage). */
static enum doctor_status
skew(int64_t s, const char **detail)
{
	static char text[256];
	struct buf b = BUF_INIT;
	enum doctor_status st = doctor_skew(s, &b);

	snprintf(text, sizeof text, "%s", b.data);
	buf_release(&b);
	*detail = text;
	return st;
}

static void
test_skew(void **state)
{
	const char *d;

	(void)state;
	assert_int_equal(skew(0, &d), DOCTOR_OK);
	assert_string_equal(d, "local clock within 0 s of the server's");
	assert_int_equal(skew(-2, &d), DOCTOR_OK);
	assert_string_equal(d, "local clock within 2 s of the server's");
	assert_int_equal(skew(60, &d), DOCTOR_OK);
	assert_int_equal(skew(-60, &d), DOCTOR_OK);
	/* Over a minute: a warning, either way. */
	assert_int_equal(skew(61, &d), DOCTOR_WARN);
	assert_true(strncmp(d, "local clock 61 s behind the server's (",
	    38) == 0);
	assert_int_equal(skew(-180, &d), DOCTOR_WARN);
	assert_true(strncmp(d, "local clock 3 min ahead of the server's (",
	    41) == 0);
	assert_int_equal(skew(300, &d), DOCTOR_WARN);
	assert_int_equal(skew(-300, &d), DOCTOR_WARN);
	/* Over 5 minutes SigV4 refuses: a failure. */
	assert_int_equal(skew(301, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 5 min behind the server's: AWS "
	    "refuses", 50) == 0);
	assert_int_equal(skew(-600, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 10 min ahead of", 27) == 0);
	assert_int_equal(skew(INT64_C(-86400) * 365, &d), DOCTOR_FAIL);
}

/* Seconds of a Date header, or -1 when refused. */
static int64_t
date(const char *s)
{
	int64_t v = -42;

	if (doctor_parse_date(s, &v) == -1) {
		assert_int_equal(v, -42);	/* untouched */
		return -1;
	}
	return v;
}

static void
test_date(void **state)
{
	(void)state;
	/* RFC 9110's example. */
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	assert_int_equal(date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(date("Mon, 30 Nov 2026 18:34:28 GMT"), 1796063668);
	assert_int_equal(date("Thu, 29 Feb 2024 23:59:59 GMT"), 1709251199);
	/* Refused: other forms, bad fields, anything around it. */
	assert_int_equal(date("Sunday, 06-Nov-94 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun Nov  6 08:49:37 1994"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 UTC"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 GMT "), -1);
	assert_int_equal(date(" Sun, 06 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun, 6 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Xyz, 06 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nob 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun, 06 nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date("Fri, 30 Feb 2024 12:00:00 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 24:00:00 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:60:37 GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 1994 08:49:3x GMT"), -1);
	assert_int_equal(date("Sun, 06 Nov 19a4 08:49:37 GMT"), -1);
	assert_int_equal(date("Sun; 06 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(date(""), -1);
}

/* c's line with namew and flags. */
static char *
line(const char *name, enum doctor_status s, const char *detail, int namew,
    int flags)
{
	struct doctor_check c = { (char *)name, s, (char *)detail };
	struct buf b = BUF_INIT;

	doctor_format_line(&b, &c, namew, flags);
	return buf_detach(&b, NULL);
}

#define assert_line(want, name, s, detail, namew, flags) do {		\
	char *got_ = line(name, s, detail, namew, flags);		\
	assert_string_equal(got_, want);				\
	free(got_);							\
} while (0)

static void
test_line(void **state)
{
	(void)state;
	assert_line("ok   credentials  from environment (****WXYZ)",
	    "credentials", DOCTOR_OK, "from environment (****WXYZ)", 11, 0);
	assert_line("warn clock        local clock 3 min behind",
	    "clock", DOCTOR_WARN, "local clock 3 min behind", 11, 0);
	assert_line("FAIL endpoint     http://x unreachable", "endpoint",
	    DOCTOR_FAIL, "http://x unreachable", 11, 0);
	assert_line("skip endpoint  needs credentials", "endpoint",
	    DOCTOR_SKIP, "needs credentials", 0, 0);
	/* Colour: the status word only. */
	assert_line("\033[1;31mFAIL\033[0m region  none set", "region",
	    DOCTOR_FAIL, "none set", 6, DOCTOR_LINE_COLOUR);
	assert_line("\033[32mok  \033[0m region  r", "region", DOCTOR_OK,
	    "r", 6, DOCTOR_LINE_COLOUR);
	/* A server's escape sequence, on a terminal: shown, not obeyed. */
	assert_line("FAIL endpoint  x: ^[]0;owned^G", "endpoint",
	    DOCTOR_FAIL, "x: \033]0;owned\a", 8, DOCTOR_LINE_ESCAPE);
	assert_line("FAIL endpoint  x: \033]0;owned\a", "endpoint",
	    DOCTOR_FAIL, "x: \033]0;owned\a", 8, 0);
	assert_string_equal(doctor_status_name(DOCTOR_OK), "ok");
	assert_string_equal(doctor_status_name(DOCTOR_WARN), "warn");
	assert_string_equal(doctor_status_name(DOCTOR_FAIL), "fail");
	assert_string_equal(doctor_status_name(DOCTOR_SKIP), "skip");
}

/* The check named name of r whose detail starts with prefix, or NULL. */
static const struct doctor_check *
find(const struct doctor_report *r, const char *name, const char *prefix)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].name, name) == 0 &&
		    strncmp(r->checks[i].detail, prefix, strlen(prefix)) == 0)
			return &r->checks[i];
	return NULL;
}

#define assert_check(r, name, prefix, st) do {				\
	const struct doctor_check *c_ = find(r, name, prefix);		\
	if (c_ == NULL)							\
		fail_msg("no %s check starting '%s'", name, prefix);	\
	assert_int_equal(c_->status, st);				\
} while (0)

/*
 * No credentials, no region, a lambda.yml with a python function whose
 * artifact is missing and no python3 on PATH: every check still runs.
 */
static void
test_run_offline(void **state)
{
	char yml[160], empty[160], *path = xstrdup(getenv("PATH"));
	struct doctor_opts o;
	struct doctor_report r;

	(void)state;
	snprintf(yml, sizeof yml, "%s/lambda.yml", dir);
	snprintf(empty, sizeof empty, "%s/bin", dir);
	write_file(yml, "role: arn:aws:iam::123456789012:role/r\n"
	    "functions:\n  hello:\n    runtime: python3.12\n"
	    "    handler: app.handler\n    artifact: gone\n");
	assert_int_equal(mkdir(empty, 0700), 0);
	setenv("PATH", empty, 1);
	unsetenv("LAMBDACTL_PYTHON");
	memset(&o, 0, sizeof o);
	o.manifest_flag = yml;
	doctor_run(&o, &r);
	setenv("PATH", path, 1);
	free(path);
	unlink(yml);
	rmdir(empty);
	assert_int_equal(r.n, 7);
	assert_check(&r, "manifest", yml, DOCTOR_OK);
	assert_check(&r, "region", "none set", DOCTOR_FAIL);
	assert_check(&r, "credentials", "no credentials found", DOCTOR_FAIL);
	assert_check(&r, "endpoint", "needs credentials", DOCTOR_SKIP);
	assert_check(&r, "clock", "needs an answer", DOCTOR_SKIP);
	assert_check(&r, "artifact", "hello: ", DOCTOR_FAIL);
	assert_check(&r, "python3", "no 'python3' on PATH", DOCTOR_FAIL);
	assert_int_equal(doctor_failed(&r), 1);
	doctor_report_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_line),
		cmocka_unit_test_setup_teardown(test_run_offline, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
