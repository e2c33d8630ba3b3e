/*
 * langrt-private.h - what the managed runtimes' files share: langrt.c
 * (finding an interpreter, the cache of runtime loops, the launch),
 * langrt-java.c and langrt-script.c (Python and Node).
 */
#ifndef LC_LANGRT_PRIVATE_H
#define LC_LANGRT_PRIVATE_H

#include "err.h"
#include "langrt.h"

/* Appends s (taken over) to l's argv, or to its environment ("NAME=v"). */
void langrt_arg(struct langrt_launch *l, char *s);
void langrt_env(struct langrt_launch *l, char *s);

/*
 * The interpreter: $env_name when set (an executable's path), else the
 * first executable prog on PATH; *path the caller's.  Missing: LC_ECONFIG,
 * "no 'PROG' on PATH: HINT (or set ENV_NAME)".
 */
int langrt_find(const char *env_name, const char *prog, const char *hint,
    char **path, struct lc_err *err);

/*
 * The embedded file name (langrt_files) as a file of the cache, written
 * once (atomically, 0644) under CACHE/HASH/ where CACHE is
 * $XDG_CACHE_HOME/lambdactl/runtimes or ~/.cache/lambdactl/runtimes (0700)
 * and HASH the first 16 hex digits of its content's SHA-256; a file
 * already there is trusted only when it is ours (a regular file, not a
 * link, the same size).  *path (the caller's) is its absolute path; *dir
 * (may be NULL) the directory holding it.
 */
int langrt_cache_file(const char *name, char **path, char **dir,
    struct lc_err *err);

/* Each kind's launch, for langrt_prepare. */
int langrt_java(const char *runtime, const char *handler,
    const char *task_root, long memory, struct langrt_launch *l,
    struct lc_err *err);
int langrt_python(const char *runtime, const char *handler,
    const char *task_root, long memory, struct langrt_launch *l,
    struct lc_err *err);
int langrt_node(const char *runtime, const char *handler,
    const char *task_root, long memory, struct langrt_launch *l,
    struct lc_err *err);

#endif
