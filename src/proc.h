/*
 * proc.h - the processes lambdactl starts (build commands, bootstraps,
 * credential processes), how it starts them (proc_spawn), everything they
 * start in turn, and the signals that stop lambdactl.
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

/*
 * Spawning one child (git's run-command.c is the model): fork, then in the
 * child only async-signal-safe calls (signals to their defaults, an empty
 * signal mask, a process group of its own, cwd, the standard descriptors,
 * every other descriptor closed at exec), then exec.  A failure in the
 * child is written as {step, errno} to a close-on-exec pipe the parent
 * reads until exec closes it, so that "cannot run" is an error of the
 * spawn, not an exit status 127 to guess at.
 */
#define PROC_INHERIT	(-1)	/* a standard descriptor stays ours */
#define PROC_DEVNULL	(-2)	/* ... is /dev/null */

#define PROC_GROUP	 0x1	/* a process group of its own (its pid) */
/*
 * PROC_GROUP and registered (proc_live_add) from the fork on, so that a
 * second signal kills it even before exec; the caller calls
 * proc_live_remove once it has reaped it.
 */
#define PROC_LIVE	 0x2
/* Every signal to its default, not only SIGPIPE (ignored ones too). */
#define PROC_DEFAULT_SIGNALS 0x4

/* Where proc_spawn failed: in the parent, then in the child. */
enum proc_step {
	PROC_STEP_PIPE,
	PROC_STEP_FORK,
	PROC_STEP_CHDIR,
	PROC_STEP_REDIRECT,	/* /dev/null or a dup2 */
	PROC_STEP_EXEC,
};

struct proc_spawn {
	const char		*path;	/* what to exec */
	const char *const	*argv;	/* NULL-terminated */
	char *const		*envp;	/* NULL: our environment */
	const char		*dir;	/* NULL: our working directory */
	/*
	 * stdin, stdout, stderr: a descriptor of ours (read before any is
	 * replaced, so that 1 and 2 may be swapped), PROC_INHERIT or
	 * PROC_DEVNULL.
	 */
	int			 fd[3];
	int			 flags;	/* PROC_GROUP, ... */

	/* Filled by proc_spawn. */
	pid_t			 pid;
	enum proc_step		 step;	/* where it failed */
	int			 error;	/* the errno there */
};

/* Zeroes sp with all three descriptors PROC_INHERIT. */
void proc_spawn_init(struct proc_spawn *sp);

/*
 * Starts sp->path as described above.  Returns 0 once the child has
 * exec'd (sp->pid is the caller's to reap), or -1 with sp->step and
 * sp->error; a child that could not exec is reaped (and unregistered).
 * Call fflush first if our buffered output must come before the child's.
 */
int proc_spawn(struct proc_spawn *sp);

/*
 * Running a child within a time limit, its output captured: what
 * credential_process and `java -version` need.
 */
enum proc_capture_end {
	PROC_CAPTURE_DONE,	/* it exited: status says how */
	PROC_CAPTURE_TIMEOUT,	/* killed: past the deadline */
	PROC_CAPTURE_FULL,	/* killed: more than max bytes of output */
	PROC_CAPTURE_STOPPED,	/* killed: on_stop refused */
	PROC_CAPTURE_ERROR,	/* killed: poll or waitpid failed (error) */
};

#define PROC_CAPTURE_STDERR	0x1	/* stderr into out too */

struct proc_capture {
	char			*out;	/* room for max + 1 bytes */
	size_t			 max;
	double			 timeout_ms;
	int			 flags;	/* PROC_CAPTURE_STDERR */
	/*
	 * When set, called when the child stops (SIGTTIN, SIGTTOU): 0 when
	 * it handled that (continued it), -1 to kill it.  NULL: stops are
	 * not watched (the deadline ends them).
	 */
	int			(*on_stop)(pid_t pid, void *arg);
	void			*arg;

	/* Filled by proc_capture_run. */
	size_t			 len;	/* of out */
	enum proc_capture_end	 end;
	int			 status;	/* waitpid's, when DONE */
	int			 error;	/* errno, when ERROR */
};

/*
 * Starts sp (its stdout, and stderr with PROC_CAPTURE_STDERR, replaced by
 * a pipe) and reads what it writes into pc->out until it closes it and
 * exits, within pc->timeout_ms.  Past the deadline, past pc->max bytes or
 * when on_stop refuses, its whole tree is killed (proc_kill_tree) and
 * reaped.  A PROC_LIVE child is unregistered once reaped.  Returns 0 with
 * pc->end (and status, len), or -1 when it could not start (sp->step,
 * sp->error; PROC_STEP_PIPE for our pipe).
 */
int proc_capture_run(struct proc_spawn *sp, struct proc_capture *pc);

/* A pipe whose two ends are close-on-exec; -1 with errno. */
int proc_pipe(int p[2]);

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
