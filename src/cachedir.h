/*
 * cachedir.h - where lambdactl keeps what it caches (task roots, the
 * embedded runtime loops): DIR/lambdactl/SUB, DIR the first usable of
 *   $XDG_CACHE_HOME (when absolute),
 *   $HOME/.cache (when HOME is absolute),
 *   ${TMPDIR:-/tmp}/lambdactl-UID, made 0700 and used only when it is a
 *   directory (no symlink) owned by this user with no group or other bits,
 * usable meaning DIR/lambdactl/SUB could be made (0700) and written to.
 * HOME unset, or a read-only HOME, still has a cache.
 */
#ifndef LC_CACHEDIR_H
#define LC_CACHEDIR_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>

#include "err.h"

/*
 * Makes DIR/lambdactl/sub (see above) when missing: *dir, the caller's to
 * free.  -1 with a one-line err (LC_ECONFIG) when no candidate is usable,
 * naming the last one tried.
 */
int lc_cache_dir(const char *sub, char **dir, struct lc_err *err);

/* A directory by identity: walks of an artifact skip the caches. */
struct lc_cache_id {
	dev_t	dev;
	ino_t	ino;
};
#define LC_CACHE_ROOTS	3

/*
 * The DIR/lambdactl directories that exist now, of the three candidates
 * (made by nothing here): fills ids, returns how many.  An artifact that
 * holds the cache (artifact: . with HOME=$PWD) must not package it.
 */
size_t lc_cache_roots(struct lc_cache_id ids[LC_CACHE_ROOTS]);

/* Whether st is one of the n directories in ids. */
int lc_cache_is_root(const struct lc_cache_id *ids, size_t n,
    const struct stat *st);

#endif
