/* suggest.c - "did you mean": edit distance and prefixes. */
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

/*
 * Optimal string alignment over three rows (the one before the previous
 * is what a transposition looks back at).
 */
size_t
suggest_distance(const char *a, const char *b)
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
			v = p[j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
			v = min2(v, p[j] + 1);
			v = min2(v, r[j - 1] + 1);
			if (i > 1 && j > 1 &&
			    lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]))
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

/* Whether a begins with b, ignoring case. */
static int
has_prefix(const char *a, const char *b)
{
	for (; *b != '\0'; a++, b++)
		if (lower(*a) != lower(*b))
			return 0;
	return 1;
}

/* The one candidate word is a prefix of, or that is a prefix of word. */
static const char *
by_prefix(const char *word, const char *const *cands, size_t n)
{
	const char *pick = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (has_prefix(cands[i], word) || (strlen(cands[i]) >= 4 &&
		    has_prefix(word, cands[i]))) {
			if (pick != NULL)
				return NULL;
			pick = cands[i];
		}
	return pick;
}

const char *
suggest(const char *word, const char *const *cands, size_t n)
{
	size_t i, d, best = (size_t)-1, len = strlen(word);
	const char *pick = NULL, *p;

	for (i = 0; i < n; i++)
		if ((d = suggest_distance(word, cands[i])) < best) {
			best = d;
			pick = cands[i];
		}
	if (best <= 1 && best < len)
		return pick;
	if (len >= 3 && (p = by_prefix(word, cands, n)) != NULL)
		return p;
	return best <= 2 && len >= 4 ? pick : NULL;
}
