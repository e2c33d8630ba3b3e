/*
 * proc.h - the processes lambdactl starts (build commands, bootstraps) and
 * everything they start in turn, and the signals that stop lambdactl.
 *
 * The tree: lambdactl makes itself a child subreaper (Linux
 * PR_SET_CHILD_SUBREAPER), so that a process that leaves its process group
 * or session (setsid, a daemonising double fork) is reparented to us, not
 * to init, and can still be found through /proc's parent links and
 * killed.  No cgroups: nothing here needs privileges.
 *
 * Signals: proc_catch_signals() makes the first SIGINT or SIGTERM a
 * request to stop (proc_interrupted() says which), which the long waits
 * (a build, an invocation, serve's loop) poll; a second one kills every
 * registered process group at once and exits 128 + the signal.
 */
#ifndef LC_PROC_H
#define LC_PROC_H

#include <sys/types.h>

#include <signal.h>

#include "err.h"

/* Makes us a child subreaper (once; a no-op where unsupported). */
void proc_subreaper(void);

/*
 * Registers (or forgets) the process group pgid of a child we run, so that
 * proc_kill_live can kill it from a signal handler and proc_kill_strays
 * leaves it alone.
 */
void proc_live_add(pid_t pgid);
void proc_live_remove(pid_t pgid);
/* SIGKILLs every registered process group.  Async-signal-safe. */
void proc_kill_live(void);

/*
 * SIGKILLs pid's process group, pid and every descendant of pid, also
 * those in other groups or sessions (stopped first, so that none forks
 * while we look).  pid itself is not reaped: that is the caller's.
 */
void proc_kill_tree(pid_t pid);

/*
 * SIGKILLs every descendant of ours outside the registered process groups
 * (what setsid'd and orphaned processes left behind: reparented to us by
 * the subreaper) and reaps those that are our children.
 */
void proc_kill_strays(void);

/*
 * Exempts the strays there are now from proc_kill_strays: what a build
 * that succeeded left running on purpose (a Gradle daemon, sccache).
 */
void proc_spare_strays(void);

/*
 * Catches SIGINT and SIGTERM as described above, for the rest of the
 * process; SIGINT only when it is not ignored (as in a background job)
 * unless even_ignored (serve, which exists to be stopped by a signal).
 */
void proc_catch_signals(int even_ignored);

/* The same for one wait: undone by proc_catch_end unless already caught. */
struct proc_catch {
	int			active;
	struct sigaction	old_int;
	struct sigaction	old_term;
};
void proc_catch_begin(struct proc_catch *pc);
void proc_catch_end(struct proc_catch *pc);

/* The signal caught (SIGINT, SIGTERM), or 0. */
int proc_interrupted(void);
/* Records sig as if caught (for a caller that waits with sigwait). */
void proc_interrupt(int sig);
/* "SIGINT", "SIGTERM", else "signal N" in a static buffer. */
const char *proc_signame(int sig);

#endif
