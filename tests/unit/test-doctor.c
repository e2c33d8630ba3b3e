/*
 * test-doctor.c - lambdactl doctor's pure parts: the clock skew's
 * classification and wording, the line format; and one
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
	assert_true(strncmp(d, "local clock 5 min 1 s behind the server's: "
	    "AWS refuses", 54) == 0);
	/* Under 10 minutes the seconds too: never "5 min ... over 5 min". */
	assert_int_equal(skew(329, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 5 min 29 s behind", 29) == 0);
	assert_int_equal(skew(-312, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 5 min 12 s ahead of", 31) == 0);
	assert_int_equal(skew(599, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 9 min 59 s behind", 29) == 0);
	assert_int_equal(skew(-600, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 10 min ahead of", 27) == 0);
	assert_int_equal(skew(INT64_C(-86400) * 365, &d), DOCTOR_FAIL);
	/* Extreme skews are clamped (to 100 years): no overflow. */
	assert_int_equal(skew(INT64_MIN, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 52560000 min ahead of", 33) == 0);
	assert_int_equal(skew(INT64_MAX, &d), DOCTOR_FAIL);
	assert_true(strncmp(d, "local clock 52560000 min behind", 31) == 0);
	assert_int_equal(skew(INT64_MIN + 1, &d), DOCTOR_FAIL);
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
	/* Off a terminal too: one line, its controls shown, so that a
	 * quoted newline cannot start a line (a CI workflow command). */
	assert_line("FAIL endpoint  x: ^[]0;owned^G", "endpoint",
	    DOCTOR_FAIL, "x: \033]0;owned\a", 8, 0);
	assert_line("FAIL manifest  k\\n::error::forged\\r", "manifest",
	    DOCTOR_FAIL, "k\n::error::forged\r", 8, 0);
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
		cmocka_unit_test(test_line),
		cmocka_unit_test_setup_teardown(test_run_offline, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
