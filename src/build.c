/*
 * build.c - the build step: a function's build command (lambda.yml's
 * "build") run with /bin/sh in the manifest's directory before its
 * artifact is packaged, in a process group of its own that a timeout or
 * an interrupt kills whole (proc.h); each command runs once per process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "clock.h"
#include "err.h"
#include "proc.h"
#include "xmalloc.h"

/* How often, in ms, a running build is checked on. */
#define BUILD_POLL_MS	20

/*
 * Starts the build command with /bin/sh -c in dir, in a process group of
 * its own (registered: see proc.h), stdin from /dev/null, stdout onto our
 * stderr, default SIGPIPE, no blocked signals, none of our descriptors
 * beyond 0-2.  Returns its pid, or -1 with err.
 */
static pid_t
build_spawn(const char *command, const char *dir, struct lc_err *err)
{
	static const char *const steps[] = {
		[PROC_STEP_CHDIR] = "cannot change to directory",
		[PROC_STEP_REDIRECT] = "cannot redirect stdin or stdout",
		[PROC_STEP_EXEC] = "cannot run /bin/sh",
	};
	const char *argv[] = { "sh", "-c", command, NULL };
	struct proc_spawn sp;
	int chdir_failed;

	proc_spawn_init(&sp);
	sp.path = "/bin/sh";
	sp.argv = argv;
	sp.dir = dir;
	sp.fd[0] = PROC_DEVNULL;
	sp.fd[1] = STDERR_FILENO;
	sp.flags = PROC_LIVE;
	fflush(stdout);
	fflush(stderr);
	if (proc_spawn(&sp) == 0)
		return sp.pid;
	if (sp.step == PROC_STEP_PIPE || sp.step == PROC_STEP_FORK)
		return lc_error(err, LC_EFAIL, "build command '%s': %s: %s",
		    command, sp.step == PROC_STEP_PIPE ? "pipe" : "fork",
		    strerror(sp.error));
	chdir_failed = sp.step == PROC_STEP_CHDIR;
	return lc_error(err, LC_EFAIL, "build command '%s': %s%s%s%s: %s",
	    command, steps[sp.step], chdir_failed ? " '" : "",
	    chdir_failed ? dir : "", chdir_failed ? "'" : "",
	    strerror(sp.error));
}

/*
 * Waits for the build pid until it exits, the deadline (monotonic ms, 0:
 * none) passes or a SIGINT/SIGTERM is caught.  Returns 0 with *status, or
 * the reason to stop it: BUILD_TIMEOUT, the signal, or -1 with errno.
 */
#define BUILD_TIMEOUT	(-2)
static int
build_wait(pid_t pid, double deadline, int *status)
{
	struct timespec nap = { 0, BUILD_POLL_MS * 1000000L };
	pid_t r;
	int sig;

	for (;;) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if ((sig = proc_interrupted()) != 0)
			return sig;
		if (deadline > 0 && clock_ms() >= deadline)
			return BUILD_TIMEOUT;
		nanosleep(&nap, NULL);	/* a signal cuts it short */
	}
}

/*
 * Fills err for a build that was stopped (why: BUILD_TIMEOUT, the signal,
 * -1 for a failed waitpid) or that ended with status; 0 when it succeeded.
 */
static int
build_verdict(const char *command, long timeout_s, int why, int status,
    struct lc_err *err)
{
	if (why == -1)
		return lc_error(err, LC_EFAIL, "build command '%s': waitpid: "
		    "%s", command, strerror(errno));
	if (why == BUILD_TIMEOUT)
		return lc_error(err, LC_EFAIL, "build command '%s' timed out "
		    "after %ld s (stopped it and every process it started)",
		    command, timeout_s);
	if (why != 0)
		return lc_error(err, 128 + why, "build command '%s' "
		    "interrupted by %s (stopped it and every process it "
		    "started)", command, proc_signame(why));
	if (WIFSIGNALED(status))
		return lc_error(err, LC_EFAIL, "build command '%s' was killed "
		    "by signal %d", command, WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return lc_error(err, LC_EFAIL, "build command '%s' failed with "
		    "exit status %d", command,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int
build_run(const char *command, const char *dir, long timeout_s,
    struct lc_err *err)
{
	struct proc_catch pc;
	int status = 0, why, rv = -1;
	pid_t pid;

	/* Its setsid'd or orphaned descendants are reparented to us. */
	proc_subreaper();
	proc_catch_begin(&pc);
	if ((why = proc_interrupted()) != 0) {
		lc_error(err, 128 + why, "build command '%s' not run: "
		    "interrupted by %s", command, proc_signame(why));
		goto out;
	}
	if ((pid = build_spawn(command, dir, err)) == -1)
		goto out;
	why = build_wait(pid, timeout_s > 0 ? clock_ms() +
	    (double)timeout_s * 1e3 : 0, &status);
	if (why != 0) {
		/* The group, and whatever left it (setsid, double fork). */
		proc_kill_tree(pid);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
	}
	proc_live_remove(pid);
	if (why != 0)
		proc_kill_strays();
	if ((rv = build_verdict(command, timeout_s, why, status, err)) == 0)
		/* What it left running on purpose (a Gradle daemon) stays. */
		proc_spare_strays();
out:
	proc_catch_end(&pc);
	return rv;
}

int
build_set_run(struct build_set *b, const struct manifest_fn *fn,
    const char *dir, void (*announce)(void *, const struct manifest_fn *),
    void *arg, struct lc_err *err)
{
	size_t i;

	if (fn->build == NULL)
		return 0;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->done[i], fn->build) == 0)
			return 0;
	if (announce != NULL)
		announce(arg, fn);
	/* --build-timeout > the function's build_timeout (default 600). */
	if (build_run(fn->build, dir, b->timeout_s > 0 ?
	    b->timeout_s : fn->build_timeout, err) == -1)
		return -1;
	b->done = xrealloc(b->done, (b->n + 1) * sizeof *b->done);
	b->done[b->n++] = fn->build;
	return 0;
}

void
build_set_release(struct build_set *b)
{
	free(b->done);
	b->done = NULL;
	b->n = 0;
}
