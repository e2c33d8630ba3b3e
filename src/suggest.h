/*
 * suggest.h - "did you mean": the known word closest to a mistyped one,
 * for commands, options, function names, lambda.yml keys and runtimes.
 */
#ifndef LC_SUGGEST_H
#define LC_SUGGEST_H

#include <stddef.h>

/*
 * The candidate most likely meant by word, ignoring case: the closest
 * within 1 edit (a transposition of neighbours is one edit), else the one
 * candidate that begins with word (of 3 letters or more) or that word
 * begins with (a candidate of 4 letters or more: "memory_size" means
 * "memory"), else the closest within 2 edits for words of 4 letters or
 * more.  NULL when none is close.  The first of equals wins.
 */
const char *suggest(const char *word, const char *const *cands, size_t n);

/* The edit distance suggest uses (optimal string alignment, no case). */
size_t suggest_distance(const char *a, const char *b);

#endif
