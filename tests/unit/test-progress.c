/*
 * test-progress.c - the progress board rendered into a memory stream: the
 * live board's lines, redraws in place, cuts to the width, escaping, the
 * upload line, the summary table; the plain mode without an escape code;
 * the quiet mode printing nothing.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deploy.h"
#include "progress.h"

static double fake_ms;

static double
fake_clock(void)
{
	return fake_ms;
}

/* A display on a memory stream, cols x rows, the clock at 1000 ms. */
struct rig {
	FILE		*fp;
	char		*data;
	size_t		 len;
	size_t		 seen;	/* of data, by since() */
	struct progress	*p;
};

static void
rig_init(struct rig *r, enum progress_mode mode, int cols, int rows)
{
	memset(r, 0, sizeof *r);
	r->fp = open_memstream(&r->data, &r->len);
	assert_non_null(r->fp);
	fake_ms = 1000;
	r->p = progress_new(r->fp, mode);
	progress_set_clock(r->p, fake_clock);
	progress_set_size(r->p, cols, rows);
}

static void
rig_release(struct rig *r)
{
	progress_free(r->p);
	fclose(r->fp);
	free(r->data);
}

/* What was written since the last call (a copy, the caller's). */
static char *
since(struct rig *r)
{
	char *s;

	fflush(r->fp);
	s = strndup(r->data + r->seen, r->len - r->seen);
	r->seen = r->len;
	return s;
}

static void
test_live_lines(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 60, 20);
	progress_add(r.p, "alpha");
	progress_add(r.p, "bravo");
	progress_set(r.p, "alpha", "updating code");
	s = since(&r);
	/* First draw: no cursor move up; each line erased, then written. */
	assert_string_equal(s, "\r\033[2Kalpha     updating code\n"
	    "\033[2Kbravo     queued\n\033[J");
	free(s);
	progress_set(r.p, "bravo", "published v%d", 7);
	s = since(&r);
	/* Redrawn in place: two lines up. */
	assert_string_equal(s, "\r\033[2A\033[2Kalpha     updating code\n"
	    "\033[2Kbravo     published v7\n\033[J");
	free(s);
	progress_end(r.p, "alpha", PROGRESS_DONE, "updated (code)", "7");
	s = since(&r);
	assert_non_null(strstr(s, "\033[2Kalpha     done: updated (code), "
	    "version 7\n"));
	free(s);
	rig_release(&r);
}

/* Lines cut to the width less one; control characters escaped. */
static void
test_live_cut_and_escape(void **state)
{
	struct rig r;
	char *s, *line;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 30, 20);
	progress_add(r.p, "alpha");
	progress_end(r.p, "alpha", PROGRESS_FAILED,
	    "CreateFunction: \033[31mred\nand a second line", NULL);
	s = since(&r);
	line = strstr(s, "\033[2K");
	assert_non_null(line);
	line += 4;
	*strchr(line, '\n') = '\0';
	/* 29 columns: "^[" shows the ESC; the newline became a space. */
	assert_string_equal(line, "alpha     failed: CreateFunct");
	assert_int_equal(strlen(line), 29);
	free(s);
	progress_add(r.p, "bravo");
	progress_set(r.p, "bravo", "x\033[2Jy");
	s = since(&r);
	assert_non_null(strstr(s, "bravo     x^[[2Jy\n"));
	assert_null(strstr(s, "\033[2Jy"));
	free(s);
	rig_release(&r);
}

static void
test_live_upload(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 100, 20);
	progress_add(r.p, "alpha");
	progress_upload(r.p, "alpha", 0, 4 << 20);
	free(since(&r));
	fake_ms += 1000;
	progress_upload(r.p, "alpha", 2 << 20, 4 << 20);
	s = since(&r);
	assert_non_null(strstr(s, "alpha     uploading 2.0/4.0 MB   50%  "
	    "2.0 MB/s  ETA 1s\n"));
	free(s);
	/* Within 100 ms and under 1 MB moved: not redrawn. */
	fake_ms += 10;
	progress_upload(r.p, "alpha", (2 << 20) + 1000, 4 << 20);
	s = since(&r);
	assert_string_equal(s, "");
	free(s);
	/* Under 1 MB in all: never shown. */
	progress_add(r.p, "bravo");
	free(since(&r));
	progress_upload(r.p, "bravo", 10, 1000);
	s = since(&r);
	assert_string_equal(s, "");
	free(s);
	/* A state after it: the upload no longer shown. */
	progress_set(r.p, "alpha", "waiting for update");
	s = since(&r);
	assert_non_null(strstr(s, "alpha     waiting for update\n"));
	free(s);
	rig_release(&r);
}

/* More lines than the terminal has rows: those under way and a count. */
static void
test_live_many(void **state)
{
	static const char *const names[] = { "a1", "a2", "a3", "a4", "a5",
	    "a6", "a7", "a8" };
	struct rig r;
	size_t i;
	char *s, *p;
	int n = 0;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 80, 5);
	for (i = 0; i < 8; i++)
		progress_add(r.p, names[i]);
	progress_end(r.p, "a1", PROGRESS_DONE, "created", NULL);
	progress_set(r.p, "a2", "creating");
	progress_set(r.p, "a5", "creating");
	s = since(&r);
	/* The last draw: 2 under way, and the 6 others counted. */
	p = strrchr(s, '\r');
	assert_non_null(p);
	assert_non_null(strstr(p, "a2        creating\n"));
	assert_non_null(strstr(p, "a5        creating\n"));
	assert_non_null(strstr(p, "\033[2K... 6 more: 1 done, 5 queued\n"));
	for (; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	assert_int_equal(n, 3);
	free(s);
	rig_release(&r);
}

static void
test_live_suspend(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 60, 20);
	progress_add(r.p, "alpha");
	progress_add(r.p, "bravo");
	progress_set(r.p, "alpha", "building");
	free(since(&r));
	progress_suspend(r.p);
	s = since(&r);
	/* Erased: up to its first line, all below cleared. */
	assert_string_equal(s, "\r\033[2A\033[J");
	free(s);
	progress_set(r.p, "alpha", "packaging");
	s = since(&r);
	assert_string_equal(s, "");	/* nothing drawn while held */
	free(s);
	fputs("build output\n", r.fp);
	free(since(&r));
	progress_resume(r.p);
	s = since(&r);
	/* A line of spaces first (a new line after output that ended
	 * mid-line; from the first column it does not wrap). */
	assert_int_equal(strspn(s, " "), 60);
	assert_string_equal(s + 60, "\r\033[2Kalpha     packaging\n"
	    "\033[2Kbravo     queued\n\033[J");
	free(s);
	/* Only once: the next draw goes up over the board. */
	progress_set(r.p, "bravo", "building");
	s = since(&r);
	assert_string_equal(s, "\r\033[2A\033[2Kalpha     packaging\n"
	    "\033[2Kbravo     building\n\033[J");
	free(s);
	rig_release(&r);
}

static void
test_live_summary(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 80, 20);
	progress_add(r.p, "alpha");
	progress_add(r.p, "bravo");
	progress_add(r.p, "charlie");
	progress_set(r.p, "alpha", "updating code");
	fake_ms += 1500;
	progress_end(r.p, "alpha", PROGRESS_DONE, "updated (code)", "7");
	progress_set(r.p, "bravo", "updating configuration");
	fake_ms += 500;
	free(since(&r));
	progress_finish(r.p);
	s = since(&r);
	/* The board erased, the table in its place; charlie never began,
	 * bravo was under way. */
	assert_string_equal(s, "\r\033[3A\033[J"
	    "FUNCTION  RESULT                           VERSION  TIME\n"
	    "alpha     done: updated (code)             7        1.5s\n"
	    "bravo     stopped: updating configuration  -        0.5s\n"
	    "charlie   stopped: not started             -        -\n"
	    "3 functions in 2.0s\n");
	free(s);
	/* Nothing after the end. */
	progress_set(r.p, "alpha", "again");
	progress_free(r.p);
	r.p = NULL;
	s = since(&r);
	assert_string_equal(s, "");
	free(s);
	fclose(r.fp);
	free(r.data);
}

/* The summary's result column narrowed to the width. */
static void
test_live_summary_narrow(void **state)
{
	struct rig r;
	char *s, *line;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 50, 20);
	progress_add(r.p, "alpha");
	progress_set(r.p, "alpha", "creating");
	progress_end(r.p, "alpha", PROGRESS_FAILED, "CreateFunction: "
	    "InvalidParameterValueException: The role defined for the "
	    "function cannot be assumed by Lambda.", NULL);
	free(since(&r));
	progress_finish(r.p);
	s = since(&r);
	line = strstr(s, "alpha ");
	assert_non_null(line);
	*strchr(line, '\n') = '\0';
	assert_true(strlen(line) <= 49);
	/* 50 - 8 - 7 - 6 - 3 * 2 - 1: 22 columns of the result. */
	assert_string_equal(line, "alpha     failed: CreateFunction  -  "
	    "      0.0s");
	free(s);
	rig_release(&r);
}

static void
test_lines_mode(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LINES, 80, 20);
	progress_add(r.p, "alpha");
	progress_set(r.p, "alpha", "updating code");
	progress_note(r.p, "alpha", "updating code");
	progress_upload(r.p, "alpha", 0, 3 << 20);
	progress_upload(r.p, "alpha", 1 << 20, 3 << 20);
	fake_ms += 1000;
	progress_upload(r.p, "alpha", 3 << 20, 3 << 20);
	progress_note(r.p, "alpha", "bad \033]0;title\007");
	progress_end(r.p, "alpha", PROGRESS_DONE, "updated (code)", "3");
	progress_finish(r.p);
	s = since(&r);
	assert_null(strchr(s, '\033'));
	assert_string_equal(s,
	    "lambdactl: alpha: updating code\n"
	    "lambdactl: alpha: uploading 3.0 MB\n"
	    "lambdactl: alpha: bad ^[]0;title^G\n"
	    "FUNCTION  RESULT                VERSION  TIME\n"
	    "alpha     done: updated (code)  3        1.0s\n"
	    "1 function in 1.0s\n");
	free(s);
	rig_release(&r);
}

static void
test_quiet_mode(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_QUIET, 80, 20);
	progress_add(r.p, "alpha");
	progress_set(r.p, "alpha", "updating code");
	progress_note(r.p, "alpha", "updating code");
	progress_upload(r.p, "alpha", 1 << 20, 3 << 20);
	progress_suspend(r.p);
	progress_resume(r.p);
	progress_end(r.p, "alpha", PROGRESS_FAILED, "boom", NULL);
	progress_finish(r.p);
	s = since(&r);
	assert_string_equal(s, "");
	free(s);
	rig_release(&r);
}

/*
 * Widths in columns: a CJK or emoji character takes two, a combining
 * mark none; cut so that none goes past the width, padded so that the
 * summary's columns line up.
 */
static void
test_wide_chars(void **state)
{
	struct rig r;
	char *s, *line, *t;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 17, 20);
	progress_add(r.p, "alpha");
	progress_add(r.p, "\xe6\x97\xa5\xe6\x9c\xac");	/* 2 x 2 columns */
	/* 6 of the 16 columns left after "alpha     ": three wide. */
	progress_set(r.p, "alpha", "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
	    "\xe6\x97\xa5");
	s = since(&r);
	line = strstr(s, "alpha");
	assert_non_null(line);
	*strchr(line, '\n') = '\0';
	assert_string_equal(line, "alpha     \xe6\x97\xa5\xe6\x97\xa5"
	    "\xe6\x97\xa5");
	free(s);
	/* The name padded by columns: 4 + 6 spaces, as "alpha" + 5. */
	progress_set(r.p, "\xe6\x97\xa5\xe6\x9c\xac", "e\xcc\x81t\xc3\xa9");
	s = since(&r);
	assert_non_null(strstr(s, "\xe6\x97\xa5\xe6\x9c\xac      "
	    "e\xcc\x81t\xc3\xa9\n"));
	free(s);
	rig_release(&r);

	/* The summary: its columns measured as they are padded. */
	rig_init(&r, PROGRESS_LINES, 80, 20);
	progress_add(r.p, "alpha");
	progress_add(r.p, "bravo");
	progress_end(r.p, "alpha", PROGRESS_DONE, "\xe2\x9c\x85 \xe6\x97\xa5",
	    NULL);
	progress_end(r.p, "bravo", PROGRESS_DONE, "ok", NULL);
	progress_finish(r.p);
	s = since(&r);
	t = strstr(s, "FUNCTION");
	assert_non_null(t);
	/* "done: ✅ 日": 11 columns (15 bytes). */
	assert_non_null(strstr(t, "FUNCTION  RESULT       VERSION  TIME\n"));
	assert_non_null(strstr(t, "alpha     done: \xe2\x9c\x85 \xe6\x97\xa5  "
	    "-        -\n"));
	assert_non_null(strstr(t, "bravo     done: ok     -        -\n"));
	free(s);
	rig_release(&r);
}

/* A terminal of under 3 rows: no board, plain lines as without one. */
static void
test_live_too_short(void **state)
{
	struct rig r;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 80, 2);
	progress_add(r.p, "alpha");
	progress_set(r.p, "alpha", "updating code");
	progress_note(r.p, "alpha", "updating code");
	progress_end(r.p, "alpha", PROGRESS_DONE, "updated", NULL);
	s = since(&r);
	assert_null(strchr(s, '\033'));
	assert_string_equal(s, "lambdactl: alpha: updating code\n");
	free(s);
	rig_release(&r);
}

/*
 * Callers at once (deploy -j's threads): every line ends as its thread
 * said, and the sanitizers (SANITIZE=1) see no race on the board.
 */
struct hammer {
	struct progress	*p;
	char		 name[8];
};

static void *
hammer_one(void *arg)
{
	struct hammer *h = arg;
	int i;

	for (i = 0; i < 200; i++) {
		progress_set(h->p, h->name, "step %d", i);
		progress_upload(h->p, h->name, (uint64_t)i << 16, 4 << 20);
		progress_note(h->p, h->name, "note");
	}
	progress_end(h->p, h->name, PROGRESS_DONE, "ok", NULL);
	return NULL;
}

static void
test_concurrent(void **state)
{
	struct hammer h[6];
	pthread_t t[6];
	struct rig r;
	size_t i;
	char *s;

	(void)state;
	rig_init(&r, PROGRESS_LIVE, 80, 5);
	for (i = 0; i < 6; i++) {
		h[i].p = r.p;
		snprintf(h[i].name, sizeof h[i].name, "fn%zu", i);
		progress_add(r.p, h[i].name);
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer_one,
		    &h[i]), 0);
	for (i = 0; i < 6; i++) {
		if (i == 3) {
			progress_suspend(r.p);
			progress_resume(r.p);
		}
		pthread_join(t[i], NULL);
	}
	free(since(&r));
	progress_finish(r.p);
	s = since(&r);
	for (i = 0; i < 6; i++) {
		char want[32];

		snprintf(want, sizeof want, "fn%zu       done: ok ", i);
		assert_non_null(strstr(s, want));
	}
	free(s);
	rig_release(&r);
}

/* deploy_left_text: what a stopped deploy did and left undone. */
static void
test_deploy_left_text(void **state)
{
	struct deploy_plan p;
	struct deploy_result r;
	struct buf b = BUF_INIT;

	(void)state;
	memset(&p, 0, sizeof p);
	memset(&r, 0, sizeof r);
	p.exists = 1;
	p.code_changed = p.config_changed = 1;
	deploy_left_text(&p, &r, &b);
	assert_string_equal(b.data, "nothing changed");
	buf_reset(&b);
	r.done = DEPLOY_DID_UPLOAD | DEPLOY_DID_CODE;
	deploy_left_text(&p, &r, &b);
	assert_string_equal(b.data, "code updated, configuration not applied");
	buf_reset(&b);
	p.release.publish = 1;
	p.release.alias = "live";
	r.done |= DEPLOY_DID_CONFIG;
	deploy_left_text(&p, &r, &b);
	assert_string_equal(b.data, "code updated, configuration updated, "
	    "no version published, alias live not moved");
	buf_reset(&b);
	r.done |= DEPLOY_DID_PUBLISH;
	deploy_left_text(&p, &r, &b);
	assert_string_equal(b.data, "code updated, configuration updated, "
	    "version published, alias live not moved");
	buf_reset(&b);
	/* A new function: the code in S3, not created yet. */
	memset(&p, 0, sizeof p);
	r.done = DEPLOY_DID_UPLOAD;
	deploy_left_text(&p, &r, &b);
	assert_string_equal(b.data, "code put in S3, not created");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_lines),
		cmocka_unit_test(test_live_cut_and_escape),
		cmocka_unit_test(test_live_upload),
		cmocka_unit_test(test_live_many),
		cmocka_unit_test(test_live_suspend),
		cmocka_unit_test(test_live_summary),
		cmocka_unit_test(test_live_summary_narrow),
		cmocka_unit_test(test_lines_mode),
		cmocka_unit_test(test_quiet_mode),
		cmocka_unit_test(test_wide_chars),
		cmocka_unit_test(test_live_too_short),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_deploy_left_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
