/*
 * test-suggest.c - "did you mean": the edit distance (case, transposition,
 * long words) and which candidate suggest picks, or none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static void
test_distance(void **state)
{
	static const struct {
		const char	*a, *b;
		size_t		 d;
	} cases[] = {
		{ "", "", 0 }, { "", "abc", 3 }, { "abc", "", 3 },
		{ "abc", "abc", 0 }, { "ABC", "abc", 0 }, { "abc", "abd", 1 },
		{ "abc", "ab", 1 }, { "ab", "abc", 1 }, { "regoin", "region", 1 },
		{ "ab", "ba", 1 }, { "abcd", "badc", 2 }, { "ca", "abc", 3 },
		{ "kitten", "sitting", 3 }, { "whoamii", "whoami", 1 },
		{ "memroy", "memory", 1 }, { "Memory", "memory", 0 },
		{ "a1b2", "A1B2", 0 }, { "timout", "timeout", 1 },
	};
	char *longa, *longb;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		if (suggest_distance(cases[i].a, cases[i].b) != cases[i].d)
			fail_msg("distance('%s', '%s') is %zu, not %zu",
			    cases[i].a, cases[i].b,
			    suggest_distance(cases[i].a, cases[i].b),
			    cases[i].d);
	}
	/* No length limit: 300 letters, 2 changed. */
	longa = xmalloc(301);
	memset(longa, 'x', 300);
	longa[300] = '\0';
	longb = xstrdup(longa);
	longb[10] = 'y';
	longb[290] = 'z';
	assert_int_equal(suggest_distance(longa, longb), 2);
	longb[299] = '\0';
	assert_int_equal(suggest_distance(longa, longb), 3);
	free(longa);
	free(longb);
}

static const char *const commands[] = {
	"delete", "deploy", "help", "invoke", "list", "logs", "new", "package",
	"plan", "serve", "update", "validate", "whoami",
};

static const char *const keys[] = {
	"runtime", "handler", "role", "memory", "timeout", "architecture",
	"description", "environment", "artifact", "build", "layers", "tags",
	"ephemeral_storage", "region", "profile", "build_timeout",
};

static const char *const runtimes[] = {
	"provided", "provided.al2", "provided.al2023", "java8.al2", "java11",
	"java17", "java21", "python3.9", "python3.10", "nodejs18.x",
	"nodejs20.x", "dotnet8",
};

static void
check(const char *word, const char *const *cands, size_t n,
    const char *want)
{
	const char *got = suggest(word, cands, n);

	if (want == NULL && got != NULL)
		fail_msg("'%s': suggested '%s', wanted none", word, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("'%s': suggested '%s', wanted '%s'", word,
		    got != NULL ? got : "(none)", want);
}

static void
test_suggest(void **state)
{
	(void)state;
	/* One edit, a transposition, case. */
	check("whoamii", commands, nitems(commands), "whoami");
	check("invkoe", commands, nitems(commands), "invoke");
	check("LIST", commands, nitems(commands), "list");
	check("lsit", commands, nitems(commands), "list");
	/* One edit is too many for a word of one letter. */
	check("x", commands, nitems(commands), NULL);
	check("", commands, nitems(commands), NULL);
	/* A unique prefix of 3 letters or more; an ambiguous one is not. */
	check("val", commands, nitems(commands), "validate");
	check("pac", commands, nitems(commands), "package");
	check("de", commands, nitems(commands), NULL);
	check("dep", commands, nitems(commands), "deploy");
	check("env", keys, nitems(keys), "environment");
	check("arch", keys, nitems(keys), "architecture");
	check("ephemeral", keys, nitems(keys), "ephemeral_storage");
	/* A candidate that the word begins with (4 letters or more). */
	check("memory_size", keys, nitems(keys), "memory");
	check("role_arn", keys, nitems(keys), "role");
	check("tagsx", keys, nitems(keys), "tags");
	/* Two edits, for words of 4 letters or more. */
	check("frobnicate", commands, nitems(commands), NULL);
	check("delte", commands, nitems(commands), "delete");
	check("srv", commands, nitems(commands), NULL);
	check("zzzz", keys, nitems(keys), NULL);
	/* Runtimes: versions one edit apart, the first of equals. */
	check("python3.8", runtimes, nitems(runtimes), "python3.9");
	check("java8", runtimes, nitems(runtimes), "java8.al2");
	check("Java21", runtimes, nitems(runtimes), "java21");
	check("java22", runtimes, nitems(runtimes), "java21");
	check("provided.al2022", runtimes, nitems(runtimes),
	    "provided.al2023");
	check("go1.x", runtimes, nitems(runtimes), NULL);
	/* No candidates at all. */
	check("anything", NULL, 0, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
