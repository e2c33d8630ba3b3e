/*
 * suggest.h - "did you mean": the known word closest to a mistyped one.
 * Two rule sets share one edit distance: the command line's (commands,
 * options, function names), exact about case as the command line is, and
 * lambda.yml's (keys, runtimes), looser, as a hand-written file is.
 */
#ifndef LC_SUGGEST_H
#define LC_SUGGEST_H

#include <stddef.h>

/*
 * A command, option or function name most likely meant by word (case
 * counts, a transposition is two edits): the closest within 1 edit for
 * words under 5 letters and 2 edits for longer ones, else the one
 * candidate that begins with word (of 2 letters or more: "lo" means
 * "logs").  NULL when none is close.  The first of equals wins.
 */
const char *suggest(const char *word, const char *const *cands, size_t n);

/*
 * A lambda.yml key or runtime most likely meant by word, ignoring case (a
 * transposition of neighbours is one edit): the closest within 1 edit,
 * else the first candidate that begins with word (of 3 letters or more)
 * or that word begins with (a candidate of 4 letters or more:
 * "memory_size" means "memory"), else the closest within 2 edits for
 * words of 4 letters or more.  NULL when none is close.  The first of
 * equals wins.
 */
const char *suggest_key(const char *word, const char *const *cands,
    size_t n);

/* suggest_key's edit distance (optimal string alignment, no case). */
size_t suggest_distance(const char *a, const char *b);

#endif
