/*
 * proc.c - whole process trees and the signals that stop us (see proc.h).
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <dirent.h>
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "proc.h"
#include "xmalloc.h"

/* How many rounds proc_kill_tree looks for processes forked meanwhile. */
#define PROC_ROUNDS	8
#define PROC_MAX_LIVE	256
/* How long, in ms, proc_kill_tree waits to reap what it killed. */
#define PROC_REAP_MS	1000
/* Descriptors a child marks close-on-exec one by one, at most. */
#define PROC_MAX_FD	65536

/* One process as /proc/PID/stat shows it. */
struct pinfo {
	pid_t	pid;
	pid_t	ppid;
	pid_t	pgrp;
};

/*
 * The registered process groups, for a signal handler: slots written with
 * compare-and-swap, read without locks.
 */
static volatile sig_atomic_t live[PROC_MAX_LIVE];
static volatile sig_atomic_t caught;
/* Strays that proc_kill_strays leaves alone (proc_spare_strays). */
static pid_t spared[PROC_MAX_LIVE];
static size_t nspared;
static int installed;

int
proc_pipe(int p[2])
{
	int e;

	if (pipe(p) == -1)
		return -1;
	if (fcntl(p[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		p[0] = p[1] = -1;
		errno = e;
		return -1;
	}
	return 0;
}

void
proc_spawn_init(struct proc_spawn *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->fd[0] = sp->fd[1] = sp->fd[2] = PROC_INHERIT;
}

/*
 * In the child: the descriptor that becomes standard descriptor i (not
 * PROC_INHERIT), above 2 and close-on-exec (a copy of ours, or /dev/null),
 * so that no dup2 onto 0-2 clobbers another's source; -1 with errno.
 */
static int
spawn_source(const struct proc_spawn *sp, int i)
{
	int fd, hi;

	if (sp->fd[i] != PROC_DEVNULL)
		return fcntl(sp->fd[i], F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if ((fd = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) |
	    O_CLOEXEC)) == -1 || fd > STDERR_FILENO)
		return fd;
	/* It took a closed standard descriptor's place: give that back. */
	hi = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	close(fd);
	return hi;
}

/*
 * The child between fork and exec (async-signal-safe calls only): see
 * proc.h.  A failure is written as {step, errno} to report.
 */
static void
spawn_child(const struct proc_spawn *sp, int report, long maxfd)
{
	sigset_t none;
	int rep[2], src[3], i;

	if (sp->flags & PROC_DEFAULT_SIGNALS) {
		for (i = 1; i < NSIG; i++)
			if (i != SIGKILL && i != SIGSTOP)
				signal(i, SIG_DFL);
	} else
		signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (sp->flags & (PROC_GROUP | PROC_LIVE))
		setpgid(0, 0);
	rep[0] = PROC_STEP_CHDIR;
	if (sp->dir != NULL && chdir(sp->dir) == -1)
		goto fail;
	rep[0] = PROC_STEP_REDIRECT;
	for (i = 0; i < 3; i++)
		if (sp->fd[i] != PROC_INHERIT &&
		    (src[i] = spawn_source(sp, i)) == -1)
			goto fail;
	for (i = 0; i < 3; i++)
		if (sp->fd[i] != PROC_INHERIT && dup2(src[i], i) == -1)
			goto fail;
#ifdef SYS_close_range
	/* CLOSE_RANGE_CLOEXEC (4): not every libc defines it yet. */
	if (syscall(SYS_close_range, 3U, ~0U, 4U) == 0)
		maxfd = 0;
#endif
	for (i = STDERR_FILENO + 1; i < maxfd; i++)
		fcntl(i, F_SETFD, FD_CLOEXEC);
	rep[0] = PROC_STEP_EXEC;
	if (sp->envp != NULL)
		execve(sp->path, (char *const *)sp->argv, sp->envp);
	else
		execv(sp->path, (char *const *)sp->argv);
fail:
	rep[1] = errno;
	(void)!write(report, rep, sizeof rep);
	_exit(127);
}

/* Records where proc_spawn failed; returns -1. */
static int
spawn_failed(struct proc_spawn *sp, enum proc_step step, int error)
{
	sp->step = step;
	sp->error = error;
	return -1;
}

int
proc_spawn(struct proc_spawn *sp)
{
	int rep[2], report[2], e;
	long maxfd;
	ssize_t n;
	pid_t pid;

	sp->pid = 0;
	if ((maxfd = sysconf(_SC_OPEN_MAX)) < 0 || maxfd > PROC_MAX_FD)
		maxfd = PROC_MAX_FD;
	if (proc_pipe(rep) == -1)
		return spawn_failed(sp, PROC_STEP_PIPE, errno);
	if ((pid = fork()) == -1) {
		e = errno;
		close(rep[0]);
		close(rep[1]);
		return spawn_failed(sp, PROC_STEP_FORK, e);
	}
	if (pid == 0)
		spawn_child(sp, rep[1], maxfd);
	/* As the child does: whoever runs first. */
	if (sp->flags & (PROC_GROUP | PROC_LIVE))
		setpgid(pid, pid);
	if (sp->flags & PROC_LIVE)
		proc_live_add(pid);
	close(rep[1]);
	while ((n = read(rep[0], report, sizeof report)) == -1 &&
	    errno == EINTR)
		continue;
	close(rep[0]);
	if (n == (ssize_t)sizeof report && report[0] >= PROC_STEP_CHDIR &&
	    report[0] <= PROC_STEP_EXEC) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			continue;
		if (sp->flags & PROC_LIVE)
			proc_live_remove(pid);
		return spawn_failed(sp, (enum proc_step)report[0], report[1]);
	}
	sp->pid = pid;
	return 0;
}

void
proc_subreaper(void)
{
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
	static int done;

	if (!done)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
	done = 1;
#endif
}

void
proc_live_add(pid_t pgid)
{
	size_t i;

	for (i = 0; i < PROC_MAX_LIVE; i++)
		if (__sync_bool_compare_and_swap(&live[i], 0,
		    (sig_atomic_t)pgid))
			return;
}

void
proc_live_remove(pid_t pgid)
{
	size_t i;

	for (i = 0; i < PROC_MAX_LIVE; i++)
		if (__sync_bool_compare_and_swap(&live[i], (sig_atomic_t)pgid,
		    0))
			return;
}

void
proc_kill_live(void)
{
	sig_atomic_t pgid;
	size_t i;

	for (i = 0; i < PROC_MAX_LIVE; i++)
		if ((pgid = live[i]) > 0)
			kill(-(pid_t)pgid, SIGKILL);
}

static int
is_live(pid_t pgid)
{
	size_t i;

	/* 0: an empty slot (and the group of pid 1 in a container). */
	if (pgid <= 0)
		return 0;
	for (i = 0; i < PROC_MAX_LIVE; i++)
		if (live[i] == (sig_atomic_t)pgid)
			return 1;
	return 0;
}

/* Reads pid, parent and group of every process; *n of them, caller frees. */
static struct pinfo *
scan(size_t *n)
{
	struct pinfo *v = NULL;
	struct dirent *de;
	DIR *d;
	char path[300], line[512], *p;
	size_t cap = 0;
	long pid, ppid, pgrp;
	ssize_t len;
	int fd;

	*n = 0;
	if ((d = opendir("/proc")) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		len = read(fd, line, sizeof line - 1);
		close(fd);
		if (len <= 0)
			continue;
		line[len] = '\0';
		/* "PID (COMM) STATE PPID PGRP ...": COMM may hold ") ". */
		if ((p = strrchr(line, ')')) == NULL ||
		    sscanf(line, "%ld", &pid) != 1 ||
		    sscanf(p + 1, " %*c %ld %ld", &ppid, &pgrp) != 2)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[*n].pid = (pid_t)pid;
		v[*n].ppid = (pid_t)ppid;
		v[(*n)++].pgrp = (pid_t)pgrp;
	}
	closedir(d);
	return v;
}

/*
 * Marks in mark[] (parallel to v) the processes under root (root itself
 * not included), or in root's group when group is set.
 */
static void
mark_tree(const struct pinfo *v, size_t n, pid_t root, int group,
    unsigned char *mark)
{
	size_t i, j;
	int more = 1;

	for (i = 0; i < n; i++)
		mark[i] = (group && v[i].pgrp == root && v[i].pid != root) ||
		    v[i].ppid == root;
	while (more) {
		more = 0;
		for (i = 0; i < n; i++) {
			if (mark[i])
				continue;
			for (j = 0; j < n; j++)
				if (mark[j] && v[j].pid == v[i].ppid) {
					mark[i] = 1;
					more = 1;
					break;
				}
		}
	}
}

/*
 * Sends sig to everything under root (and in its group), SIGSTOP repeated
 * while new processes turn up.  With killed, the pids signalled last
 * (*nkilled of them, the caller's to free).
 */
static void
signal_tree(pid_t root, int sig, pid_t **killed, size_t *nkilled)
{
	unsigned char *mark;
	struct pinfo *v;
	size_t i, n, hit, last = 0;
	int round;

	for (round = 0; round < PROC_ROUNDS; round++, last = hit) {
		v = scan(&n);
		mark = xcalloc(n + 1, 1);
		mark_tree(v, n, root, 1, mark);
		for (i = 0, hit = 0; i < n; i++)
			if (mark[i] && v[i].pid != getpid() &&
			    v[i].pid != root) {
				kill(v[i].pid, sig);
				if (killed != NULL) {
					*killed = xrealloc(*killed, (*nkilled +
					    1) * sizeof **killed);
					(*killed)[(*nkilled)++] = v[i].pid;
				}
				hit++;
			}
		free(mark);
		free(v);
		if (hit == 0 || hit == last || sig == SIGKILL)
			break;
	}
}

/*
 * Reaps the n killed processes that are (or become, as their parents die)
 * children of ours, the subreaper; waits at most PROC_REAP_MS for them.
 */
static void
reap(pid_t *pids, size_t n)
{
	struct timespec nap = { 0, 5 * 1000000L };
	size_t i, left = n;
	int round;

	for (round = 0; left > 0 && round < PROC_REAP_MS / 5; round++) {
		for (i = 0; i < n; i++) {
			if (pids[i] == 0)
				continue;
			if (waitpid(pids[i], NULL, WNOHANG) == pids[i] ||
			    (kill(pids[i], 0) == -1 && errno == ESRCH)) {
				pids[i] = 0;
				left--;
			}
		}
		if (left > 0)
			nanosleep(&nap, NULL);
	}
}

void
proc_kill_tree(pid_t pid)
{
	pid_t *killed = NULL;
	size_t n = 0;

	if (pid <= 0)
		return;
	/* Freeze it first: a stopped process forks nothing more. */
	kill(-pid, SIGSTOP);
	kill(pid, SIGSTOP);
	signal_tree(pid, SIGSTOP, NULL, NULL);
	signal_tree(pid, SIGKILL, &killed, &n);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	reap(killed, n);
	free(killed);
}

static int
is_spared(pid_t pid)
{
	size_t i;

	for (i = 0; i < nspared; i++)
		if (spared[i] == pid)
			return 1;
	return 0;
}

void
proc_spare_strays(void)
{
	struct pinfo *v;
	pid_t self = getpid();
	size_t i, n;

	v = scan(&n);
	for (i = 0; i < n && nspared < PROC_MAX_LIVE; i++)
		if (v[i].ppid == self && !is_live(v[i].pgrp) &&
		    !is_spared(v[i].pid))
			spared[nspared++] = v[i].pid;
	free(v);
}

void
proc_kill_strays(void)
{
	unsigned char *mark, *spare;
	struct pinfo *v;
	pid_t self = getpid();
	size_t i, j, n, hit;
	int round, more;

	for (round = 0; round < PROC_ROUNDS; round++) {
		v = scan(&n);
		mark = xcalloc(n + 1, 1);
		spare = xcalloc(n + 1, 1);
		mark_tree(v, n, self, 0, mark);
		/*
		 * Spare the registered groups, what a successful build left,
		 * and all that lives under them.
		 */
		for (i = 0; i < n; i++)
			spare[i] = mark[i] && (is_live(v[i].pgrp) ||
			    is_spared(v[i].pid));
		for (more = 1; more; ) {
			more = 0;
			for (i = 0; i < n; i++)
				for (j = 0; !spare[i] && j < n; j++)
					if (spare[j] && v[j].pid == v[i].ppid)
						spare[i] = more = 1;
		}
		for (i = 0, hit = 0; i < n; i++)
			if ((mark[i] = mark[i] && !spare[i])) {
				kill(v[i].pid, SIGSTOP);
				hit++;
			}
		for (i = 0; i < n; i++)
			if (mark[i])
				kill(v[i].pid, SIGKILL);
		for (i = 0; i < n; i++)
			if (mark[i] && v[i].ppid == self)
				while (waitpid(v[i].pid, NULL, 0) == -1 &&
				    errno == EINTR)
					continue;
		free(spare);
		free(mark);
		free(v);
		if (hit == 0)
			break;
	}
}

/* The first SIGINT/SIGTERM is a request; the second ends us at once. */
static void
on_signal(int sig)
{
	static const char msg[] = "lambdactl: second signal: exiting now\n";

	if (caught != 0) {
		proc_kill_live();
		(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
		_exit(128 + sig);
	}
	caught = sig;
}

/* Installs on_signal; the old actions into old_int and old_term. */
static void
install(struct sigaction *old_int, struct sigaction *old_term,
    int even_ignored)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Reads of files and pipes restart; sleeps and polls still wake. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, NULL, old_int);
	if (old_int->sa_handler != SIG_IGN || even_ignored)
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, old_term);
	installed = 1;
}

void
proc_catch_signals(int even_ignored)
{
	struct sigaction oi, ot;

	if (!installed)
		install(&oi, &ot, even_ignored);
}

void
proc_catch_begin(struct proc_catch *pc)
{
	memset(pc, 0, sizeof *pc);
	if (installed)
		return;
	install(&pc->old_int, &pc->old_term, 0);
	pc->active = 1;
}

void
proc_catch_end(struct proc_catch *pc)
{
	if (!pc->active)
		return;
	sigaction(SIGINT, &pc->old_int, NULL);
	sigaction(SIGTERM, &pc->old_term, NULL);
	installed = 0;
	pc->active = 0;
}

int
proc_interrupted(void)
{
	return caught;
}

void
proc_interrupt(int sig)
{
	caught = sig;
}

const char *
proc_signame(int sig)
{
	static char s[32];

	if (sig == SIGINT)
		return "SIGINT";
	if (sig == SIGTERM)
		return "SIGTERM";
	snprintf(s, sizeof s, "signal %d", sig);
	return s;
}

/*
 * Checks on pc's child pid, not yet reaped: *reaped once it exited; a
 * stop goes to on_stop.  Returns 0, or -1 with pc->end: kill it.
 */
static int
capture_check(pid_t pid, struct proc_capture *pc, int *reaped)
{
	int opts = WNOHANG | (pc->on_stop != NULL ? WUNTRACED : 0);
	pid_t r = waitpid(pid, &pc->status, opts);

	if (r == pid && WIFSTOPPED(pc->status)) {
		if (pc->on_stop(pid, pc->arg) == -1) {
			pc->end = PROC_CAPTURE_STOPPED;
			return -1;
		}
	} else if (r == pid)
		*reaped = 1;
	else if (r == -1 && errno != EINTR) {
		pc->end = PROC_CAPTURE_ERROR;
		pc->error = errno;
		return -1;
	}
	return 0;
}

/*
 * Reads what there is on fd into pc->out, waiting up to ms: 0, 1 at its
 * end, or -1 with pc->end (too much, or poll failed).
 */
static int
capture_read(int fd, struct proc_capture *pc, double ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;
	int r = poll(&pfd, 1, ms < 50 ? (int)ms + 1 : 50);

	if (r == -1 && errno != EINTR) {
		pc->end = PROC_CAPTURE_ERROR;
		pc->error = errno;
		return -1;
	}
	if (r <= 0)
		return 0;
	n = read(fd, pc->out + pc->len, pc->max + 1 - pc->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return 1;
	pc->len += (size_t)n;
	if (pc->len > pc->max) {
		pc->end = PROC_CAPTURE_FULL;
		return -1;
	}
	return 0;
}

int
proc_capture_run(struct proc_spawn *sp, struct proc_capture *pc)
{
	double deadline, left;
	int fds[2], eof = 0, reaped = 0, killed = 0, r;

	pc->len = 0;
	pc->end = PROC_CAPTURE_DONE;
	if (proc_pipe(fds) == -1) {
		sp->step = PROC_STEP_PIPE;
		sp->error = errno;
		return -1;
	}
	sp->fd[1] = fds[1];
	if (pc->flags & PROC_CAPTURE_STDERR)
		sp->fd[2] = fds[1];
	r = proc_spawn(sp);
	close(fds[1]);
	if (r == -1) {
		close(fds[0]);
		return -1;
	}
	deadline = clock_ms() + pc->timeout_ms;
	/* Until the output's end and the exit, both within the deadline. */
	while (!killed && (!eof || !reaped)) {
		if ((left = deadline - clock_ms()) <= 0) {
			pc->end = PROC_CAPTURE_TIMEOUT;
			killed = 1;
		} else if (!reaped && capture_check(sp->pid, pc, &reaped) == -1)
			killed = 1;
		else if (eof)
			(void)poll(NULL, 0, left < 20 ? (int)left + 1 : 20);
		else if ((r = capture_read(fds[0], pc, left)) == -1)
			killed = 1;
		else
			eof = r;
	}
	close(fds[0]);
	if (killed && reaped)
		(void)kill(-sp->pid, SIGKILL);	/* what it left in its group */
	else if (killed) {
		proc_kill_tree(sp->pid);
		while (waitpid(sp->pid, &pc->status, 0) == -1 && errno == EINTR)
			continue;
	}
	if (sp->flags & PROC_LIVE)
		proc_live_remove(sp->pid);
	return 0;
}
