/*
 * test-plan.c - a plan's lines: the text made from their parts (every
 * kind of value, each action, hidden ones), given text, copies, the JSON
 * object of a line (numbers as numbers, hidden lines without values), and
 * the Markdown summary with its escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "plan.h"
#include "xmalloc.h"

struct lines {
	struct plan_line	*v;
	size_t			 n;
};

static void
lines_free(struct lines *l)
{
	plan_lines_free(l->v, l->n);
	memset(l, 0, sizeof *l);
}

/* The compact JSON of line i. */
static char *
json_of(const struct lines *l, size_t i)
{
	cJSON *o = plan_line_json(&l->v[i]);
	char *s = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	assert_non_null(s);
	return s;
}

static void
assert_json(const struct lines *l, size_t i, const char *want)
{
	char *s = json_of(l, i);

	assert_string_equal(s, want);
	free(s);
}

static void
test_text_from_parts(void **state)
{
	struct lines l = { 0 };
	char a1[] = "arn:a", a2[] = "arn:b", a3[] = "arn:c";
	char *before[] = { a1, a2 }, *after[] = { a3 };

	(void)state;
	assert_int_equal(plan_line(&l.v, &l.n, PLAN_CHANGE, "memory",
	    plan_num(128), plan_num(256)), 0);
	plan_line(&l.v, &l.n, PLAN_CHANGE, "description", plan_str_or_none(""),
	    plan_str_or_none("hello"));
	plan_line(&l.v, &l.n, PLAN_CHANGE, "on_failure", plan_str("arn:q"),
	    plan_str(NULL));
	plan_line(&l.v, &l.n, PLAN_CHANGE, "layers", plan_list(before, 2),
	    plan_list(after, 1));
	plan_line(&l.v, &l.n, PLAN_ADD, "tags.team", plan_none(),
	    plan_str("web"));
	plan_line(&l.v, &l.n, PLAN_ADD, "tags.empty", plan_none(),
	    plan_str(""));
	assert_int_equal(plan_line(&l.v, &l.n, PLAN_REMOVE, "tags.old",
	    plan_str("x"), plan_none()), 6);
	plan_line(&l.v, &l.n, PLAN_ADD, "thing", plan_absent(), plan_absent());
	assert_int_equal(l.n, 8);
	assert_string_equal(l.v[0].text, "~ memory 128 -> 256");
	assert_string_equal(l.v[1].text, "~ description (none) -> hello");
	assert_string_equal(l.v[2].text, "~ on_failure arn:q -> (none)");
	assert_string_equal(l.v[3].text, "~ layers [arn:a, arn:b] -> [arn:c]");
	assert_string_equal(l.v[4].text, "+ tags.team = web");
	assert_string_equal(l.v[5].text, "+ tags.empty = \"\"");
	assert_string_equal(l.v[6].text, "- tags.old");
	assert_string_equal(l.v[7].text, "+ thing");
	assert_string_equal(l.v[3].field, "layers");
	assert_int_equal(l.v[6].action, PLAN_REMOVE);
	lines_free(&l);
}

static void
test_hidden(void **state)
{
	struct lines l = { 0 };
	size_t i;

	(void)state;
	plan_line_hidden(&l.v, &l.n, PLAN_ADD, "environment.A");
	plan_line_hidden(&l.v, &l.n, PLAN_CHANGE, "environment.B");
	plan_line_hidden(&l.v, &l.n, PLAN_REMOVE, "environment.C");
	assert_string_equal(l.v[0].text, "+ environment.A");
	assert_string_equal(l.v[1].text, "~ environment.B (value hidden)");
	assert_string_equal(l.v[2].text, "- environment.C");
	for (i = 0; i < l.n; i++) {
		assert_true(l.v[i].hidden);
		assert_int_equal(l.v[i].from.type, PLAN_ABSENT);
		assert_int_equal(l.v[i].to.type, PLAN_ABSENT);
	}
	assert_json(&l, 1, "{\"field\":\"environment.B\",\"action\":\"change\","
	    "\"hidden\":true,\"text\":\"~ environment.B (value hidden)\"}");
	lines_free(&l);
}

static void
test_given_text(void **state)
{
	struct lines l = { 0 };

	(void)state;
	plan_linef(&l.v, &l.n, PLAN_CHANGE, "alias", plan_str("2"),
	    plan_str("3"), "~ alias %s -> %s%s", "live", "3", " (10%)");
	assert_string_equal(l.v[0].text, "~ alias live -> 3 (10%)");
	assert_string_equal(l.v[0].from.str, "2");
	assert_string_equal(l.v[0].to.str, "3");
	lines_free(&l);
}

static void
test_append_copies(void **state)
{
	struct lines a = { 0 }, b = { 0 };
	char x[] = "x", y[] = "y";
	char *v[] = { x, y };

	(void)state;
	plan_line(&a.v, &a.n, PLAN_CHANGE, "layers", plan_list(v, 2),
	    plan_list(v, 1));
	plan_line_hidden(&a.v, &a.n, PLAN_ADD, "environment.K");
	plan_line(&b.v, &b.n, PLAN_CHANGE, "timeout", plan_num(3),
	    plan_num(30));
	plan_lines_append(&b.v, &b.n, a.v, a.n);
	lines_free(&a);		/* the copies are b's own */
	assert_int_equal(b.n, 3);
	assert_string_equal(b.v[1].text, "~ layers [x, y] -> [x]");
	assert_int_equal(b.v[1].from.nlist, 2);
	assert_string_equal(b.v[1].from.list[1], "y");
	assert_true(b.v[2].hidden);
	assert_string_equal(b.v[2].field, "environment.K");
	lines_free(&b);
}

static void
test_json(void **state)
{
	struct lines l = { 0 };
	char sg[] = "sg-1";
	char *v[] = { sg };

	(void)state;
	plan_line(&l.v, &l.n, PLAN_CHANGE, "memory", plan_num(128),
	    plan_num(256));
	plan_line(&l.v, &l.n, PLAN_CHANGE, "reserved_concurrency",
	    plan_none(), plan_num(5));
	plan_line(&l.v, &l.n, PLAN_CHANGE, "vpc.security_groups",
	    plan_list(NULL, 0), plan_list(v, 1));
	plan_linef(&l.v, &l.n, PLAN_ADD, "create", plan_absent(),
	    plan_absent(), "+ create (x)");
	assert_json(&l, 0, "{\"field\":\"memory\",\"action\":\"change\","
	    "\"from\":128,\"to\":256,\"text\":\"~ memory 128 -> 256\"}");
	assert_json(&l, 1, "{\"field\":\"reserved_concurrency\",\"action\":"
	    "\"change\",\"from\":null,\"to\":5,\"text\":"
	    "\"~ reserved_concurrency (none) -> 5\"}");
	assert_json(&l, 2, "{\"field\":\"vpc.security_groups\",\"action\":"
	    "\"change\",\"from\":[],\"to\":[\"sg-1\"],\"text\":"
	    "\"~ vpc.security_groups [] -> [sg-1]\"}");
	assert_json(&l, 3, "{\"field\":\"create\",\"action\":\"add\","
	    "\"text\":\"+ create (x)\"}");
	assert_string_equal(plan_action_name(PLAN_REMOVE), "remove");
	lines_free(&l);
}

static void
test_md_escape(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	plan_md_escape(&b, "a|b `c` *d* _e_ ~f~ [g](h) <i> &j; $k\\l\nm");
	assert_string_equal(b.data, "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\~f\\~ "
	    "\\[g\\](h) \\<i> \\&j; \\$k\\\\l m");
	buf_release(&b);
}

static void
test_markdown(void **state)
{
	struct lines a = { 0 }, c = { 0 };
	struct plan_fn fns[4];
	struct buf b = BUF_INIT;

	(void)state;
	plan_line(&a.v, &a.n, PLAN_CHANGE, "memory", plan_num(128),
	    plan_num(256));
	plan_line_hidden(&a.v, &a.n, PLAN_CHANGE, "environment.DB_URL");
	plan_linef(&a.v, &a.n, PLAN_ADD, "events.s3.b", plan_none(),
	    plan_str("s3 b suffix .jpg|x (s3:ObjectCreated:*)"),
	    "+ s3 b suffix .jpg|x (s3:ObjectCreated:*)");
	plan_linef(&c.v, &c.n, PLAN_ADD, "create", plan_absent(),
	    plan_absent(), "+ create (python3.12, 128 MB, 3 s, x86_64, "
	    "code abc)");
	memset(fns, 0, sizeof fns);
	fns[0] = (struct plan_fn){ "api", 1, NULL, a.v, a.n };
	fns[1] = (struct plan_fn){ "new_fn", 0, NULL, c.v, c.n };
	fns[2] = (struct plan_fn){ "same", 1, NULL, NULL, 0 };
	fns[3] = (struct plan_fn){ "bad", 0, "bad: GetFunction: `denied`",
	    NULL, 0 };
	buf_adds(&b, "before\n");
	plan_markdown(&b, fns, 4);
	assert_string_equal(b.data, "before\n"
	    "### lambdactl plan\n\n"
	    "4 functions, 2 with changes, 1 failed.\n\n"
	    "| function | action | changes |\n"
	    "| --- | --- | --- |\n"
	    "| api | update | \\~ memory 128 -> 256<br>"
	    "\\~ environment.DB\\_URL (value hidden)<br>"
	    "+ s3 b suffix .jpg\\|x (s3:ObjectCreated:\\*) |\n"
	    "| new\\_fn | create | + create (python3.12, 128 MB, 3 s, x86\\_64, "
	    "code abc) |\n"
	    "| same | no changes |  |\n"
	    "| bad | error | bad: GetFunction: \\`denied\\` |\n\n");
	buf_release(&b);
	lines_free(&a);
	lines_free(&c);
}

/* A run stopped before any plan: the heading and the error, escaped. */
static void
test_markdown_error(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	plan_markdown_error(&b, "api: artifact 'a_b|c' not found");
	assert_string_equal(b.data, "### lambdactl plan\n\nNo plan: api: "
	    "artifact 'a\\_b\\|c' not found\n\n");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_from_parts),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_given_text),
		cmocka_unit_test(test_append_copies),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_md_escape),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
