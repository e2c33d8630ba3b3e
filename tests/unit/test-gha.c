/* test-gha.c - lc_error_at's location, and GitHub Actions' annotations:
 * their escaping and when there is none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "gha.h"
#include "log.h"

/* The annotation of e at level, note, as a string ("" when none). */
static char *
annotation(const char *level, const struct lc_err *e, const char *note)
{
	struct buf b = BUF_INIT;
	char *s;

	if (!gha_annotation(&b, level, e, note, NULL)) {
		assert_int_equal(b.len, 0);
		buf_release(&b);
		return xstrdup("");
	}
	s = xstrndup(b.data, b.len);
	buf_release(&b);
	return s;
}

static void
assert_annotation(const char *level, const struct lc_err *e,
    const char *note, const char *want)
{
	char *s = annotation(level, e, note);

	assert_string_equal(s, want);
	free(s);
}

static void
test_escape(void **state)
{
	struct buf b = BUF_INIT;
	const char s[] = "100% a:b,c\r\nd%0A";

	(void)state;
	gha_escape(&b, s, strlen(s), 0);
	buf_addch(&b, '\0');
	assert_string_equal(b.data, "100%25 a:b,c%0D%0Ad%250A");
	buf_reset(&b);
	gha_escape(&b, s, strlen(s), 1);
	buf_addch(&b, '\0');
	assert_string_equal(b.data, "100%25 a%3Ab%2Cc%0D%0Ad%250A");
	buf_reset(&b);
	/* len, not NUL: a file name inside a message. */
	gha_escape(&b, "a,b", 1, 1);
	assert_int_equal(b.len, 1);
	buf_release(&b);
}

static void
test_error_at(void **state)
{
	struct lc_err e;
	struct lc_where w;

	(void)state;
	assert_int_equal(lc_error_at(&e, LC_ECONFIG, "dir/lambda.yml", 7, 5,
	    "unknown key '%s'", "memroy"), -1);
	assert_int_equal(e.status, LC_ECONFIG);
	assert_string_equal(e.msg, "dir/lambda.yml:7:5: unknown key 'memroy'");
	assert_int_equal(lc_error_where(&e, &w), 1);
	assert_int_equal(w.file_len, strlen("dir/lambda.yml"));
	assert_memory_equal(w.file, "dir/lambda.yml", w.file_len);
	assert_int_equal(w.line, 7);
	assert_int_equal(w.col, 5);
	assert_int_equal(w.before_len, 0);
	assert_string_equal(w.after, "unknown key 'memroy'");
	assert_annotation("error", &e, NULL, "::error file=dir/lambda.yml,"
	    "line=7,col=5::unknown key 'memroy'\n");

	/* A prefix moves the location along; it stays in the message. */
	lc_error_prefix(&e, "function '%s'", "api");
	assert_string_equal(e.msg, "function 'api': dir/lambda.yml:7:5: "
	    "unknown key 'memroy'");
	assert_annotation("warning", &e, " (edit it)", "::warning "
	    "file=dir/lambda.yml,line=7,col=5::function 'api': unknown key "
	    "'memroy' (edit it)\n");

	/* lc_error and lc_error_clear forget it. */
	lc_error(&e, LC_EFAIL, "dir/lambda.yml:7:5: looks alike");
	assert_int_equal(lc_error_where(&e, &w), 0);
	assert_annotation("error", &e, NULL, "");
	lc_error_at(&e, LC_ECONFIG, "f", 1, 1, "x");
	lc_error_clear(&e);
	assert_int_equal(lc_error_where(&e, &w), 0);
}

/* Every special character escaped where it stands. */
static void
test_annotation_escaped(void **state)
{
	struct lc_err e;

	(void)state;
	lc_error_at(&e, LC_ECONFIG, "a,b:c%d.yml", 12, 34,
	    "bad: 100%%,\r\nnext");
	assert_annotation("error", &e, NULL, "::error file=a%2Cb%3Ac%25d.yml,"
	    "line=12,col=34::bad: 100%25,%0D%0Anext\n");
}

/* A message rewritten behind lc_error_at's back, a file name filling it. */
static void
test_location_checked(void **state)
{
	struct lc_err e;
	struct lc_where w;
	char big[2000];

	(void)state;
	lc_error_at(&e, LC_ECONFIG, "lambda.yml", 3, 4, "x");
	snprintf(e.msg, sizeof e.msg, "%s", "something else");
	assert_int_equal(lc_error_where(&e, &w), 0);
	lc_error_at(&e, LC_ECONFIG, "lambda.yml", 3, 4, "x");
	e.msg[5] = '\0';
	assert_int_equal(lc_error_where(&e, &w), 0);

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	lc_error_at(&e, LC_ECONFIG, big, 1, 1, "x");
	assert_int_equal(lc_error_where(&e, &w), 0);
	/* A prefix pushing the location past the end. */
	lc_error_at(&e, LC_ECONFIG, "lambda.yml", 3, 4, "x");
	lc_error_prefix(&e, "%.1010s", big);
	assert_int_equal(lc_error_where(&e, &w), 0);
}

/* gha_path(file, workspace, cwd) gives want. */
static void
assert_path(const char *file, const char *ws, const char *cwd,
    const char *want)
{
	struct buf b = BUF_INIT;

	gha_path(&b, file, strlen(file), ws, cwd);
	buf_addch(&b, '\0');
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void
test_path(void **state)
{
	const char *ws = "/home/runner/work/api/api";

	(void)state;
	/* Relative to the workspace, from wherever lambdactl runs. */
	assert_path("lambda.yml", ws, ws, "lambda.yml");
	assert_path("lambda.yml", ws, "/home/runner/work/api/api/svc",
	    "svc/lambda.yml");
	assert_path("./svc/../svc/./lambda.yml", ws, ws, "svc/lambda.yml");
	assert_path("../lambda.yml", ws, "/home/runner/work/api/api/svc",
	    "lambda.yml");
	assert_path("/home/runner/work/api/api/x/lambda.yml", ws, "/tmp",
	    "x/lambda.yml");
	assert_path("lambda.yml", "/home/runner/work/api/api/", ws,
	    "lambda.yml");
	assert_path("lambda.yml", "/", "/srv", "srv/lambda.yml");
	/* Outside it (a neighbour sharing its prefix too), or no workspace:
	 * as given. */
	assert_path("lambda.yml", ws, "/tmp", "lambda.yml");
	assert_path("../lambda.yml", ws, ws, "../lambda.yml");
	assert_path("/home/runner/work/api/api2/lambda.yml", ws, "/",
	    "/home/runner/work/api/api2/lambda.yml");
	assert_path("/home/runner/work/api/api", ws, "/",
	    "/home/runner/work/api/api");
	assert_path("lambda.yml", NULL, ws, "lambda.yml");
	assert_path("lambda.yml", "relative/ws", ws, "lambda.yml");
	assert_path("lambda.yml", ws, NULL, "lambda.yml");
}

/* The annotation's file relative to $GITHUB_WORKSPACE, here the parent
 * of the working directory. */
static void
test_annotation_workspace(void **state)
{
	char cwd[4096], *slash, want[4200];
	struct lc_err e;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	slash = strrchr(cwd, '/');
	assert_true(slash != NULL && slash != cwd);
	snprintf(want, sizeof want, "::error file=%s/lambda.yml,line=2,"
	    "col=3::bad\n", slash + 1);
	*slash = '\0';
	setenv("GITHUB_WORKSPACE", cwd, 1);
	lc_error_at(&e, LC_ECONFIG, "lambda.yml", 2, 3, "bad");
	assert_annotation("error", &e, NULL, want);
	/* The message keeps the name as given. */
	assert_string_equal(e.msg, "lambda.yml:2:3: bad");
	lc_error_at(&e, LC_ECONFIG, "/elsewhere/lambda.yml", 2, 3, "bad");
	assert_annotation("error", &e, NULL,
	    "::error file=/elsewhere/lambda.yml,line=2,col=3::bad\n");
	unsetenv("GITHUB_WORKSPACE");
}

/* clean (log.c's redaction) sees the pieces before they are escaped: a
 * secret holding '%' or ',' still matches. */
static void
test_annotation_cleaned(void **state)
{
	struct buf b = BUF_INIT;
	struct lc_err e;

	(void)state;
	log_secret("pa%ss,wo:rd-1234");
	lc_error_at(&e, LC_ECONFIG, "pa%ss,wo:rd-1234.yml", 1, 2,
	    "value 'pa%%ss,wo:rd-1234'");
	assert_int_equal(gha_annotation(&b, "error", &e, " (pa%ss,wo:rd-1234)",
	    log_redact), 1);
	buf_addch(&b, '\0');
	assert_string_equal(b.data, "::error file=<redacted>.yml,line=1,col=2::"
	    "value '<redacted>' (<redacted>)\n");
	buf_release(&b);
	log_forget_secrets();
}

static void
test_gha_on(void **state)
{
	(void)state;
	unsetenv("GITHUB_ACTIONS");
	assert_false(gha_on());
	setenv("GITHUB_ACTIONS", "1", 1);
	assert_false(gha_on());
	setenv("GITHUB_ACTIONS", "TRUE", 1);
	assert_false(gha_on());
	setenv("GITHUB_ACTIONS", "true", 1);
	assert_true(gha_on());
	unsetenv("GITHUB_ACTIONS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_error_at),
		cmocka_unit_test(test_annotation_escaped),
		cmocka_unit_test(test_location_checked),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_annotation_workspace),
		cmocka_unit_test(test_annotation_cleaned),
		cmocka_unit_test(test_gha_on),
	};

	/* Run under GitHub Actions, names would be relative to its
	 * workspace. */
	unsetenv("GITHUB_WORKSPACE");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
