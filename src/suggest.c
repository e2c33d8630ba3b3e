/* suggest.c - "did you mean": edit distance and prefixes, two rule sets. */
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "xmalloc.h"

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static size_t
min2(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Whether characters a and b are the same, ignoring case when loose. */
static int
same(int a, int b, int loose)
{
	return loose ? lower(a) == lower(b) : a == b;
}

/*
 * The edit distance from a to b: with loose, optimal string alignment
 * ignoring case (a transposition of neighbours is one edit); without,
 * Levenshtein's, exact about case.  Three rows: the one before the
 * previous is what a transposition looks back at.
 */
static size_t
distance(const char *a, const char *b, int loose)
{
	size_t la = strlen(a), lb = strlen(b), i, j, v, *rows, *pp, *p, *r;

	rows = xcalloc(3 * (lb + 1), sizeof *rows);
	pp = rows;
	p = rows + lb + 1;
	r = rows + 2 * (lb + 1);
	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		r[0] = i;
		for (j = 1; j <= lb; j++) {
			v = p[j - 1] + !same(a[i - 1], b[j - 1], loose);
			v = min2(v, p[j] + 1);
			v = min2(v, r[j - 1] + 1);
			if (loose && i > 1 && j > 1 &&
			    same(a[i - 1], b[j - 2], 1) &&
			    same(a[i - 2], b[j - 1], 1))
				v = min2(v, pp[j - 2] + 1);
			r[j] = v;
		}
		/* Rotate: pp <- p <- r <- pp. */
		v = (size_t)(pp - rows);
		pp = p;
		p = r;
		r = rows + v;
	}
	v = p[lb];
	free(rows);
	return v;
}

size_t
suggest_distance(const char *a, const char *b)
{
	return distance(a, b, 1);
}

/* The first closest candidate (NULL when none), its distance in *d. */
static const char *
closest(const char *word, const char *const *cands, size_t n, int loose,
    size_t *d)
{
	const char *pick = NULL;
	size_t i, di;

	*d = (size_t)-1;
	for (i = 0; i < n; i++)
		if ((di = distance(word, cands[i], loose)) < *d) {
			*d = di;
			pick = cands[i];
		}
	return pick;
}

/* Whether a begins with b, ignoring case when loose. */
static int
has_prefix(const char *a, const char *b, int loose)
{
	for (; *b != '\0'; a++, b++)
		if (!same(*a, *b, loose))
			return 0;
	return 1;
}

const char *
suggest(const char *word, const char *const *cands, size_t n)
{
	const char *pick, *only = NULL;
	size_t i, d, len = strlen(word);

	pick = closest(word, cands, n, 0, &d);
	if (d <= (len < 5 ? 1u : 2u))
		return pick;
	if (len < 2)
		return NULL;
	for (i = 0; i < n; i++)
		if (has_prefix(cands[i], word, 0)) {
			if (only != NULL)
				return NULL;
			only = cands[i];
		}
	return only;
}

const char *
suggest_key(const char *word, const char *const *cands, size_t n)
{
	const char *pick;
	size_t i, d, len = strlen(word);

	pick = closest(word, cands, n, 1, &d);
	if (d <= 1 && d < len)
		return pick;
	if (len >= 3)
		for (i = 0; i < n; i++)
			if (has_prefix(cands[i], word, 1) ||
			    (strlen(cands[i]) >= 4 &&
			    has_prefix(word, cands[i], 1)))
				return cands[i];
	return d <= 2 && len >= 4 ? pick : NULL;
}
