/*
 * test-suggest.c - "did you mean": the edit distance (case, transposition,
 * long words) and which candidate each rule set picks, or none: the
 * command line's (suggest) and lambda.yml's (suggest_key).
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

static const char *const options[] = {
	"region", "profile", "debug", "endpoint-url", "output", "no-color",
	"quiet", "help", "version", "refresh",
};

typedef const char *suggest_fn(const char *, const char *const *, size_t);

static void
check_with(suggest_fn *fn, const char *rules, const char *word,
    const char *const *cands, size_t n, const char *want)
{
	const char *got = fn(word, cands, n);

	if (want == NULL && got != NULL)
		fail_msg("%s '%s': suggested '%s', wanted none", rules, word,
		    got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s '%s': suggested '%s', wanted '%s'", rules, word,
		    got != NULL ? got : "(none)", want);
}

#define CMD(w, want)	check_with(suggest, "suggest", w, commands,	\
			    nitems(commands), want)
#define OPT(w, want)	check_with(suggest, "suggest", w, options,	\
			    nitems(options), want)
#define KEY(w, want)	check_with(suggest_key, "suggest_key", w, keys,	\
			    nitems(keys), want)
#define RT(w, want)	check_with(suggest_key, "suggest_key", w,	\
			    runtimes, nitems(runtimes), want)

/* The command line's rules: commands, options, function names. */
static void
test_command_line(void **state)
{
	(void)state;
	/* One edit for words under 5 letters, two for longer ones. */
	CMD("whoamii", "whoami");
	CMD("delte", "delete");
	CMD("invkoe", "invoke");
	CMD("sxrvx", "serve");
	CMD("plen", "plan");
	CMD("hxxp", NULL);		/* 2 edits from help: 4 letters */
	CMD("srv", NULL);
	CMD("frobnicate", NULL);
	OPT("regoin", "region");
	OPT("no-colour", "no-color");
	OPT("qiet", "quiet");
	/* A transposition is two edits, so one only for longer words. */
	CMD("lsit", NULL);
	CMD("lgos", NULL);
	CMD("pakcage", "package");
	/* Case counts. */
	CMD("LIST", NULL);
	CMD("Logs", "logs");		/* one edit */
	OPT("REGION", NULL);
	/* The one candidate beginning with the word, from 2 letters. */
	CMD("lo", "logs");
	CMD("wh", "whoami");
	CMD("val", "validate");
	CMD("dep", "deploy");
	OPT("reg", "region");
	OPT("endpoint", "endpoint-url");
	CMD("de", NULL);		/* delete and deploy */
	OPT("re", NULL);		/* region and refresh */
	CMD("Lo", NULL);
	CMD("l", NULL);
	CMD("x", NULL);
	CMD("", NULL);
	/* Not the other way round. */
	CMD("logsx", "logs");		/* but 1 edit */
	CMD("helpmeplease", NULL);
	check_with(suggest, "suggest", "anything", NULL, 0, NULL);
}

/* lambda.yml's rules: keys and runtimes. */
static void
test_lambda_yml(void **state)
{
	(void)state;
	/* One edit, a transposition, case. */
	KEY("memroy", "memory");
	KEY("Memory", "memory");
	KEY("TIMEOUT", "timeout");
	KEY("rgeion", "region");
	/* One edit is too many for a word of one letter. */
	KEY("x", NULL);
	KEY("", NULL);
	/* The first candidate beginning with the word, from 3 letters. */
	KEY("env", "environment");
	KEY("arch", "architecture");
	KEY("ephemeral", "ephemeral_storage");
	KEY("bui", "build");		/* build_timeout comes after it */
	KEY("Desc", "description");
	KEY("ro", NULL);		/* 2 letters */
	RT("pro", "provided");
	/* A candidate that the word begins with (4 letters or more). */
	KEY("memory_size", "memory");
	KEY("role_arn", "role");
	KEY("tagsx", "tags");
	KEY("timeout_seconds", "timeout");
	/* Two edits, for words of 4 letters or more. */
	KEY("txgx", "tags");
	KEY("txg", NULL);		/* 3 letters: only 1 edit */
	KEY("zzzz", NULL);
	/* Runtimes: versions one edit apart, the first of equals. */
	RT("python3.8", "python3.9");
	RT("java8", "java8.al2");
	RT("Java21", "java21");
	RT("java22", "java21");
	RT("provided.al2022", "provided.al2023");
	RT("go1.x", NULL);
	check_with(suggest_key, "suggest_key", "anything", NULL, 0, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_lambda_yml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
