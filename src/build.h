/*
 * build.h - the build step: a function's build command, run before its
 * artifact is packaged (package.h), once per process however many
 * functions share it.
 */
#ifndef LC_BUILD_H
#define LC_BUILD_H

#include <stddef.h>

#include "err.h"
#include "manifest.h"

/*
 * Runs the build command with /bin/sh -c in dir (the manifest's
 * directory), in a process group of its own; its stdout and stderr both
 * go to our stderr, so that stdout stays clean for --output json.  After
 * timeout_s seconds (0: no limit), or on a SIGINT/SIGTERM (caught
 * meanwhile, see proc.h), the group and every process the command started
 * (also setsid'd ones) are killed.  Returns 0, or -1 with err naming the
 * command: LC_EFAIL for its exit status, a signal or the timeout, 128 +
 * the signal when interrupted.
 */
int build_run(const char *command, const char *dir, long timeout_s,
    struct lc_err *err);

/* The build commands already run in this process: each runs once. */
struct build_set {
	const char	**done;
	size_t		  n;
	long		  timeout_s;	/* --build-timeout; 0: build_timeout */
};

/*
 * Runs fn's build command (build_run) unless it has none or the same
 * command already ran through b.  announce (may be NULL) is called with
 * arg just before a command runs.  Returns 0, or -1 with err.
 */
int build_set_run(struct build_set *b, const struct manifest_fn *fn,
    const char *dir, void (*announce)(void *, const struct manifest_fn *),
    void *arg, struct lc_err *err);
void build_set_release(struct build_set *b);

#endif
