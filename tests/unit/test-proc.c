/*
 * test-proc.c - proc_spawn, the one fork/exec helper: exec failures
 * reported with their errno (and the child reaped), the working
 * directory, the environment, the process group and its registration,
 * the standard descriptors (also swapped, also /dev/null), none of ours
 * beyond them, signals at their defaults; proc_capture_run's output,
 * deadline and limit.  Each case leaves no child and no descriptor behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "proc.h"
#include "xmalloc.h"

/* What one test case works in. */
struct fixture {
	char	dir[PATH_MAX];	/* a private directory, its realpath */
	int	nfds;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	if (make_tmpdir(fx->dir, sizeof fx->dir, "lc-test-proc") == -1)
		return -1;
	fx->nfds = count_fds();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		fail_msg("a child process was left behind");
	free(fx);
	return 0;
}

/* Makes sp a spawn of /bin/sh -c script (argv: room for 4). */
static void
sh_init(struct proc_spawn *sp, const char **argv, const char *script)
{
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = NULL;
	proc_spawn_init(sp);
	sp->path = "/bin/sh";
	sp->argv = argv;
}

/*
 * Runs sp with its stdout into a pipe (unless sp->fd[1] is set), reads all
 * of it into out, reaps the child; returns its wait status.
 */
static int
run(struct proc_spawn *sp, struct buf *out)
{
	char chunk[512];
	ssize_t n;
	int p[2], status;

	assert_int_equal(proc_pipe(p), 0);
	if (sp->fd[1] == PROC_INHERIT)
		sp->fd[1] = p[1];
	if (proc_spawn(sp) == -1)
		fail_msg("proc_spawn: step %d: %s", (int)sp->step,
		    strerror(sp->error));
	close(p[1]);
	buf_reset(out);
	while ((n = read(p[0], chunk, sizeof chunk)) > 0)
		buf_add(out, chunk, (size_t)n);
	close(p[0]);
	assert_int_equal(waitpid(sp->pid, &status, 0), sp->pid);
	return status;
}

/* The pid and process group in a /proc/PID/stat line. */
static void
stat_ids(const char *line, long *pid, long *pgrp)
{
	const char *p = strrchr(line, ')');

	assert_non_null(p);
	assert_int_equal(sscanf(line, "%ld", pid), 1);
	assert_int_equal(sscanf(p + 1, " %*c %*d %ld", pgrp), 1);
}

/* exec's errno comes back, not an exit status 127; the child is reaped. */
static void
test_exec_failure(void **state)
{
	struct fixture *fx = *state;
	const char *argv[] = { "x", NULL }, *sh_argv[4];
	struct proc_spawn sp;
	char *path;

	proc_spawn_init(&sp);
	sp.path = "/nonexistent/lambdactl-test";
	sp.argv = argv;
	assert_int_equal(proc_spawn(&sp), -1);
	assert_int_equal(sp.step, PROC_STEP_EXEC);
	assert_int_equal(sp.error, ENOENT);
	assert_int_equal(sp.pid, 0);

	/* A file that is not executable: EACCES. */
	path = xasprintf("%s/plain", fx->dir);
	assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0644)), 0);
	sp.path = path;
	sp.flags = PROC_LIVE;
	assert_int_equal(proc_spawn(&sp), -1);
	assert_int_equal(sp.step, PROC_STEP_EXEC);
	assert_int_equal(sp.error, EACCES);
	free(path);

	/* A working directory that does not exist: its own step. */
	sh_init(&sp, sh_argv, "true");
	sp.dir = "/nonexistent/lambdactl-dir";
	assert_int_equal(proc_spawn(&sp), -1);
	assert_int_equal(sp.step, PROC_STEP_CHDIR);
	assert_int_equal(sp.error, ENOENT);
	/* An unusable descriptor: the redirection step. */
	sp.dir = NULL;
	sp.fd[0] = 999;
	assert_int_equal(proc_spawn(&sp), -1);
	assert_int_equal(sp.step, PROC_STEP_REDIRECT);
	assert_int_equal(sp.error, EBADF);
	assert_int_equal(count_fds(), fx->nfds);
}

/* The working directory, the environment given (or ours), argv. */
static void
test_dir_env(void **state)
{
	struct fixture *fx = *state;
	const char *argv[4];
	char *const envp[] = { (char *)"FOO=bar baz", (char *)"X=1", NULL };
	const char *env_argv[] = { "env", NULL };
	struct proc_spawn sp;
	struct buf out = BUF_INIT, want = BUF_INIT;
	int status;

	sh_init(&sp, argv, "pwd; echo \"$0|$LC_TEST_SPAWN\"");
	sp.dir = fx->dir;
	setenv("LC_TEST_SPAWN", "inherited", 1);
	status = run(&sp, &out);
	unsetenv("LC_TEST_SPAWN");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf_addf(&want, "%s\nsh|inherited\n", fx->dir);
	assert_string_equal(out.data, want.data);

	/* envp replaces ours entirely. */
	proc_spawn_init(&sp);
	sp.path = "/usr/bin/env";
	sp.argv = env_argv;
	sp.envp = envp;
	status = run(&sp, &out);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(out.data, "FOO=bar baz\nX=1\n");
	buf_release(&out);
	buf_release(&want);
	assert_int_equal(count_fds(), fx->nfds);
}

/* A process group of its own with PROC_GROUP, ours without. */
static void
test_group(void **state)
{
	struct fixture *fx = *state;
	const char *argv[4];
	struct proc_spawn sp;
	struct buf out = BUF_INIT;
	long pid, pgrp;

	sh_init(&sp, argv, "cat /proc/$$/stat");
	sp.flags = PROC_GROUP;
	run(&sp, &out);
	stat_ids(out.data, &pid, &pgrp);
	assert_int_equal(pid, sp.pid);
	assert_int_equal(pgrp, sp.pid);

	sh_init(&sp, argv, "cat /proc/$$/stat");
	run(&sp, &out);
	stat_ids(out.data, &pid, &pgrp);
	assert_int_equal(pid, sp.pid);
	assert_int_equal(pgrp, getpgrp());
	buf_release(&out);
	assert_int_equal(count_fds(), fx->nfds);
}

/* PROC_LIVE: registered from the start, so that proc_kill_live kills it. */
static void
test_live(void **state)
{
	struct fixture *fx = *state;
	const char *argv[4];
	struct proc_spawn sp;
	int status;

	sh_init(&sp, argv, "exec sleep 30");
	sp.flags = PROC_LIVE;
	assert_int_equal(proc_spawn(&sp), 0);
	proc_kill_live();
	assert_int_equal(waitpid(sp.pid, &status, 0), sp.pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	proc_live_remove(sp.pid);
	assert_int_equal(count_fds(), fx->nfds);
}

/*
 * Standard descriptors: /dev/null, ours swapped (stdout onto our stderr
 * and stderr onto our stdout, each read before either is replaced), and
 * none of our other descriptors, close-on-exec or not.
 */
static void
test_descriptors(void **state)
{
	struct fixture *fx = *state;
	const char *argv[4];
	struct proc_spawn sp;
	struct buf out = BUF_INIT, errout = BUF_INIT;
	char *script, chunk[256];
	ssize_t n;
	int a[2], b[2], so, se, keep, status;

	keep = open("/dev/null", O_RDONLY);	/* not close-on-exec */
	assert_true(keep > 2);
	script = xasprintf("readlink /proc/self/fd/0; echo out; echo err >&2; "
	    "[ -e /proc/$$/fd/%d ] && echo leaked; exit 0", keep);
	assert_int_equal(proc_pipe(a), 0);
	assert_int_equal(proc_pipe(b), 0);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(a[1], 1);
	dup2(b[1], 2);
	sh_init(&sp, argv, script);
	sp.fd[0] = PROC_DEVNULL;
	sp.fd[1] = STDERR_FILENO;
	sp.fd[2] = STDOUT_FILENO;
	assert_int_equal(proc_spawn(&sp), 0);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(a[1]);
	close(b[1]);
	assert_int_equal(waitpid(sp.pid, &status, 0), sp.pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	while ((n = read(a[0], chunk, sizeof chunk)) > 0)
		buf_add(&errout, chunk, (size_t)n);
	while ((n = read(b[0], chunk, sizeof chunk)) > 0)
		buf_add(&out, chunk, (size_t)n);
	close(a[0]);
	close(b[0]);
	/* Our stdout (pipe a) got its stderr, our stderr (pipe b) the rest. */
	assert_string_equal(errout.data, "err\n");
	assert_string_equal(out.data, "/dev/null\nout\n");
	assert_int_equal(fcntl(keep, F_GETFD) & FD_CLOEXEC, 0);
	close(keep);
	free(script);
	buf_release(&out);
	buf_release(&errout);
	assert_int_equal(count_fds(), fx->nfds);
}

/*
 * Signals: an empty mask and default SIGPIPE always; ignored signals stay
 * ignored unless PROC_DEFAULT_SIGNALS.
 */
static void
test_signals(void **state)
{
	struct fixture *fx = *state;
	const char *argv[4];
	struct proc_spawn sp;
	struct buf out = BUF_INIT;
	sigset_t set, old;
	const char *script = "grep -E '^Sig(Blk|Ign):' /proc/self/status";
	unsigned long long blk, ign, usr2 = 1ULL << (SIGUSR2 - 1);
	unsigned long long spipe = 1ULL << (SIGPIPE - 1);
	void (*old_usr2)(int), (*old_pipe)(int);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	old_usr2 = signal(SIGUSR2, SIG_IGN);
	old_pipe = signal(SIGPIPE, SIG_IGN);

	sh_init(&sp, argv, script);
	run(&sp, &out);
	assert_int_equal(sscanf(out.data, "SigBlk: %llx SigIgn: %llx", &blk,
	    &ign), 2);
	assert_int_equal(blk, 0);
	assert_true(ign & usr2);
	assert_false(ign & spipe);

	sh_init(&sp, argv, script);
	sp.flags = PROC_DEFAULT_SIGNALS;
	run(&sp, &out);
	assert_int_equal(sscanf(out.data, "SigBlk: %llx SigIgn: %llx", &blk,
	    &ign), 2);
	assert_int_equal(blk, 0);
	assert_false(ign & usr2);
	assert_false(ign & spipe);

	signal(SIGPIPE, old_pipe);
	signal(SIGUSR2, old_usr2);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	buf_release(&out);
	assert_int_equal(count_fds(), fx->nfds);
}

/* What proc_capture_run of script gives (stderr captured too). */
static void
capture(const char *script, double timeout_ms, size_t max,
    struct proc_capture *pc, char *out)
{
	struct proc_spawn sp;
	const char *argv[4];

	sh_init(&sp, argv, script);
	sp.flags = PROC_GROUP;
	memset(pc, 0, sizeof *pc);
	pc->out = out;
	pc->max = max;
	pc->timeout_ms = timeout_ms;
	pc->flags = PROC_CAPTURE_STDERR;
	assert_int_equal(proc_capture_run(&sp, pc), 0);
}

/*
 * proc_capture_run: the output (stderr too) and the exit status; past
 * the deadline or past max bytes, the child and what it started are
 * killed and reaped, in time.
 */
static void
test_capture(void **state)
{
	struct fixture *fx = *state;
	struct proc_capture pc;
	char out[65], *script, *pidfile, line[32];
	double t0;
	FILE *fp;
	long pid;

	capture("echo out; echo err >&2; exit 3", 10000, 64, &pc, out);
	assert_int_equal(pc.end, PROC_CAPTURE_DONE);
	assert_true(WIFEXITED(pc.status) && WEXITSTATUS(pc.status) == 3);
	assert_int_equal(pc.len, 8);
	assert_memory_equal(out, "out\nerr\n", 8);

	/* A child that hangs, and its own child: both killed. */
	proc_subreaper();	/* the grandchild comes back to us */
	pidfile = xasprintf("%s/pid", fx->dir);
	script = xasprintf("sleep 60 & echo $! >'%s'; wait", pidfile);
	t0 = (double)time(NULL);
	capture(script, 500, 64, &pc, out);
	assert_int_equal(pc.end, PROC_CAPTURE_TIMEOUT);
	assert_true((double)time(NULL) - t0 < 10);
	assert_non_null(fp = fopen(pidfile, "r"));
	assert_non_null(fgets(line, sizeof line, fp));
	fclose(fp);
	pid = strtol(line, NULL, 10);
	/* Killed and reaped (ours, as the subreaper): gone. */
	assert_int_equal(kill((pid_t)pid, 0), -1);
	free(script);
	free(pidfile);

	/* More than max bytes: killed. */
	capture("yes", 10000, 64, &pc, out);
	assert_int_equal(pc.end, PROC_CAPTURE_FULL);
	assert_int_equal(pc.len, 65);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dir_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_descriptors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
