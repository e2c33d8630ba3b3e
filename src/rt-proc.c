/*
 * rt-proc.c - the bootstrap process of the local runtime (rt-private.h):
 * its environment, built from scratch; its spawn (proc_spawn) in a
 * process group of its own with stdout and stderr into a pipe; a reaper
 * thread that notices its exit and a reader thread that moves its output
 * into the log; its peak memory; and the kill of its whole tree.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "proc.h"
#include "rt-private.h"
#include "runtime.h"
#include "xmalloc.h"

/* Bytes the reader takes from the pipe at a time. */
#define RT_CHUNK	(64 * 1024)
#define RT_PATH		"/usr/local/bin:/usr/bin/:/bin:/opt/bin"

/* ---- its environment ---- */

/* Sets entry ("NAME=value", taken) in f's environment, replacing NAME. */
static void
env_put(struct rt_function *f, char *entry)
{
	size_t i, n = strcspn(entry, "=");

	for (i = 0; i < f->nenvp; i++)
		if (strncmp(f->envp[i], entry, n) == 0 &&
		    f->envp[i][n] == '=') {
			free_secret(f->envp[i]);
			f->envp[i] = entry;
			return;
		}
	f->envp = xrealloc(f->envp, (f->nenvp + 2) * sizeof *f->envp);
	f->envp[f->nenvp++] = entry;
	f->envp[f->nenvp] = NULL;
}

int
rt_env_build(struct rt_function *f, const struct rt_config *cfg,
    struct lc_err *err)
{
	const char *path;
	char stream[33], day[16];
	struct tm tm;
	time_t now;
	size_t i;

	time(&now);
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y/%m/%d", &tm);
	rt_random_hex(stream, 16);
	path = getenv("PATH");
	env_put(f, xasprintf("AWS_LAMBDA_RUNTIME_API=127.0.0.1:%u", f->port));
	env_put(f, xasprintf("_HANDLER=%s",
	    cfg->handler != NULL ? cfg->handler : ""));
	env_put(f, xasprintf("LAMBDA_TASK_ROOT=%s", f->task_root));
	env_put(f, xstrdup("LAMBDA_RUNTIME_DIR=/var/runtime"));
	env_put(f, xasprintf("AWS_LAMBDA_FUNCTION_NAME=%s", f->name));
	env_put(f, xstrdup("AWS_LAMBDA_FUNCTION_VERSION=$LATEST"));
	env_put(f, xasprintf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%ld",
	    f->memory));
	env_put(f, xasprintf("AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/%s",
	    f->name));
	env_put(f, xasprintf("AWS_LAMBDA_LOG_STREAM_NAME=%s/[$LATEST]%s",
	    day, stream));
	if (cfg->region != NULL) {
		env_put(f, xasprintf("AWS_REGION=%s", cfg->region));
		env_put(f, xasprintf("AWS_DEFAULT_REGION=%s", cfg->region));
	}
	env_put(f, xstrdup("TZ=:UTC"));
	env_put(f, xasprintf("PATH=%s", path != NULL && *path != '\0' ?
	    path : RT_PATH));
	env_put(f, xstrdup("LANG=en_US.UTF-8"));
	env_put(f, xstrdup("AWS_LAMBDA_INITIALIZATION_TYPE=on-demand"));
	/*
	 * Lambda's list is /var/lang/lib:/lib64:/usr/lib64:/var/runtime:
	 * /var/runtime/lib:/var/task:/var/task/lib:/opt/lib.  Here the task
	 * root's two entries, in Lambda's order; the rest name Lambda's own
	 * runtime, layers (/opt, not unpacked here) or this host's system,
	 * which the loader searches anyway, after them.
	 */
	env_put(f, xasprintf("LD_LIBRARY_PATH=%s:%s/lib", f->task_root,
	    f->task_root));
	/* A managed runtime's own (AWS_EXECUTION_ENV, ...), before the
	 * function's. */
	for (i = 0; i < f->launch.nenv; i++)
		env_put(f, xstrdup(f->launch.env[i]));
	for (i = 0; i < cfg->nenv; i++) {
		if (cfg->env[i].key == NULL || cfg->env[i].key[0] == '\0' ||
		    strchr(cfg->env[i].key, '=') != NULL)
			return lc_error(err, LC_ECONFIG, "invalid environment "
			    "variable name '%s'", cfg->env[i].key != NULL ?
			    cfg->env[i].key : "");
		env_put(f, xasprintf("%s=%s", cfg->env[i].key,
		    cfg->env[i].value != NULL ? cfg->env[i].value : ""));
	}
	for (i = 0; i < cfg->nextra; i++) {
		if (cfg->extra_env[i] == NULL ||
		    strchr(cfg->extra_env[i], '=') == NULL ||
		    cfg->extra_env[i][0] == '=')
			return lc_error(err, LC_ECONFIG, "invalid environment "
			    "entry #%zu (want NAME=value)", i + 1);
		env_put(f, xstrdup(cfg->extra_env[i]));
	}
	return 0;
}

/* ---- the process ---- */

static void
close_pipe(int p[2])
{
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* Waits for the bootstrap to exit, without reaping it, and says so. */
static void *
reaper_main(void *arg)
{
	struct rt_function *f = arg;
	siginfo_t si;
	int rv;

	memset(&si, 0, sizeof si);
	while ((rv = waitid(P_PID, (id_t)f->pid, &si, WEXITED | WNOWAIT)) ==
	    -1 && errno == EINTR)
		continue;
	rt_lock(f);
	f->exited = 1;
	f->exit_code = rv == 0 ? si.si_code : 0;
	f->exit_status = rv == 0 ? si.si_status : -1;
	pthread_cond_broadcast(&f->cv);
	rt_unlock(f);
	return NULL;
}

/*
 * Moves the bootstrap's output into f->log until end of file, or until
 * woken through f->wake: then it takes what is left without blocking.
 */
static void *
reader_main(void *arg)
{
	struct rt_function *f = arg;
	struct pollfd pfd[2];
	char *chunk;
	ssize_t n;
	int finishing = 0;

	chunk = xmalloc(RT_CHUNK);
	for (;;) {
		if (!finishing) {
			pfd[0].fd = f->out_fd;
			pfd[0].events = POLLIN;
			pfd[1].fd = f->wake[0];
			pfd[1].events = POLLIN;
			if (poll(pfd, 2, -1) == -1) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (pfd[1].revents != 0) {
				finishing = 1;
				fcntl(f->out_fd, F_SETFL, O_NONBLOCK);
			} else if (pfd[0].revents == 0)
				continue;
		}
		rt_lock(f);
		f->reader_busy = 1;
		rt_unlock(f);
		n = read(f->out_fd, chunk, RT_CHUNK);
		rt_lock(f);
		if (n > 0)
			rt_log_output(f, chunk, (size_t)n);
		f->reader_busy = 0;
		pthread_cond_broadcast(&f->cv);
		rt_unlock(f);
		if (n > 0 || (n == -1 && errno == EINTR))
			continue;
		break;
	}
	free(chunk);
	return NULL;
}

void
rt_kill_all(void)
{
	proc_kill_live();
}

/*
 * Also setsid'd processes (see proc.h); any GET .../next still waiting
 * for it gives up.
 */
void
rt_proc_kill(struct rt_function *f)
{
	pid_t pid = f->pid;

	if (pid == 0)
		return;
	proc_kill_tree(pid);
	proc_live_remove(pid);
	pthread_join(f->reaper, NULL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		continue;
	(void)!write(f->wake[1], "", 1);
	pthread_join(f->reader, NULL);
	rt_lock(f);
	close(f->out_fd);
	f->out_fd = -1;
	close_pipe(f->wake);
	f->pid = 0;
	f->live = 0;
	f->exited = 0;
	f->initialized = 0;
	f->init_error = 0;
	f->gen++;
	pthread_cond_broadcast(&f->cv);
	rt_unlock(f);
}

/*
 * Why exec said ENOENT for a bootstrap that exists: its #! line names an
 * interpreter that does not, most often because the file has CRLF line
 * endings ("#!/bin/sh\r").  Returns -1 with err when it can tell, else 0.
 */
static int
shebang_problem(const char *path, struct lc_err *err)
{
	char line[256];
	size_t len;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	len = strcspn(line, "\n");
	line[len] = '\0';
	if (len > 2 && line[len - 1] == '\r') {
		line[len - 1] = '\0';
		return lc_error(err, LC_ECONFIG, "cannot start the bootstrap: "
		    "'%s' has CRLF line endings (its first line is '%s\\r'): "
		    "convert it with dos2unix", path, line);
	}
	return lc_error(err, LC_ECONFIG, "cannot start the bootstrap: the "
	    "interpreter of '%s' (%s) does not exist", path, line);
}

/* The error for a bootstrap that proc_spawn could not start; -1. */
static int
spawn_error(const struct rt_function *f, const struct proc_spawn *sp,
    struct lc_err *err)
{
	static const char *const steps[] = {
		[PROC_STEP_CHDIR] = "cannot change to directory",
		[PROC_STEP_REDIRECT] = "cannot redirect its input and output",
		[PROC_STEP_EXEC] = "cannot run",
	};

	if (sp->step == PROC_STEP_PIPE || sp->step == PROC_STEP_FORK)
		return lc_error(err, LC_EFAIL, "cannot start '%s': %s: %s",
		    f->bootstrap, sp->step == PROC_STEP_PIPE ? "pipe" : "fork",
		    strerror(sp->error));
	if (sp->step == PROC_STEP_EXEC && sp->error == ENOENT &&
	    shebang_problem(f->bootstrap, err) == -1)
		return -1;
	return lc_error(err, sp->error == ENOMEM ? LC_EFAIL : LC_ECONFIG,
	    "cannot start the bootstrap: %s '%s': %s", steps[sp->step],
	    sp->step == PROC_STEP_CHDIR ? f->task_root :
	    sp->step == PROC_STEP_EXEC ? f->bootstrap : "/dev/null",
	    strerror(sp->error));
}

/*
 * Forks the bootstrap: Lambda's environment, every signal at its default,
 * its own process group (registered: see proc.h), cwd task_root, stdin
 * /dev/null, stdout and stderr into out.
 */
static int
spawn_bootstrap(struct rt_function *f, int out, struct lc_err *err)
{
	struct proc_spawn sp;
	const char *argv[2];

	argv[0] = f->bootstrap;
	argv[1] = NULL;
	proc_spawn_init(&sp);
	sp.path = f->bootstrap;
	sp.argv = f->launch.argv != NULL ? (const char **)f->launch.argv :
	    argv;
	sp.envp = f->envp;
	sp.dir = f->task_root;
	sp.fd[0] = PROC_DEVNULL;
	sp.fd[1] = sp.fd[2] = out;
	sp.flags = PROC_LIVE | PROC_DEFAULT_SIGNALS;
	if (proc_spawn(&sp) == -1)
		return spawn_error(f, &sp, err);
	rt_lock(f);
	f->pid = sp.pid;
	rt_unlock(f);
	return 0;
}

/* Starts the reaper and the reader of the bootstrap f->pid, or kills it. */
static int
start_threads(struct rt_function *f, struct lc_err *err)
{
	pid_t pid = f->pid;
	int e;

	if ((e = pthread_create(&f->reaper, NULL, reaper_main, f)) != 0)
		goto fail;
	if ((e = pthread_create(&f->reader, NULL, reader_main, f)) != 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		pthread_join(f->reaper, NULL);
		goto fail;
	}
	return 0;
fail:
	proc_live_remove(pid);
	proc_kill_tree(pid);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		continue;
	return lc_error(err, LC_EFAIL, "cannot start '%s': thread: %s",
	    f->bootstrap, strerror(e));
}

int
rt_proc_start(struct rt_function *f, struct lc_err *err)
{
	int out[2] = { -1, -1 }, wake[2] = { -1, -1 };

	if (proc_pipe(out) == -1 || proc_pipe(wake) == -1) {
		lc_error(err, LC_EFAIL, "cannot start '%s': pipe: %s",
		    f->bootstrap, strerror(errno));
		goto fail;
	}
	/* Ready before the fork: it may ask for an event at once. */
	rt_lock(f);
	f->live = 1;
	f->exited = 0;
	f->out_fd = out[0];
	f->wake[0] = wake[0];
	f->wake[1] = wake[1];
	f->reader_busy = 0;
	f->spawned = clock_ms();
	f->initialized = 0;
	f->init_ms = 0;
	f->ninvoked = 0;
	f->init_error = 0;
	buf_reset(&f->init_body);
	rt_unlock(f);
	if (spawn_bootstrap(f, out[1], err) == -1)
		goto fail;
	close(out[1]);
	out[1] = -1;
	if (start_threads(f, err) == -1)
		goto fail;
	return 0;
fail:
	rt_lock(f);
	f->live = 0;
	f->pid = 0;
	f->out_fd = f->wake[0] = f->wake[1] = -1;
	f->gen++;
	pthread_cond_broadcast(&f->cv);
	rt_unlock(f);
	close_pipe(out);
	close_pipe(wake);
	return -1;
}

/* ---- its peak memory and its end ---- */

/* Go's wording for a signal, as in Lambda's "signal: killed". */
static const char *
signal_name(int sig, char *s, size_t size)
{
	static const struct {
		int		 sig;
		const char	*name;
	} names[] = {
		{ SIGHUP, "hangup" }, { SIGINT, "interrupt" },
		{ SIGQUIT, "quit" }, { SIGILL, "illegal instruction" },
		{ SIGTRAP, "trace/breakpoint trap" }, { SIGABRT, "aborted" },
		{ SIGBUS, "bus error" }, { SIGFPE, "floating point exception" },
		{ SIGKILL, "killed" }, { SIGUSR1, "user defined signal 1" },
		{ SIGSEGV, "segmentation fault" },
		{ SIGUSR2, "user defined signal 2" },
		{ SIGPIPE, "broken pipe" },
		{ SIGALRM, "alarm clock" }, { SIGTERM, "terminated" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(s, size, "signal %d", sig);
	return s;
}

void
rt_exit_desc(int code, int status, char *s, size_t size)
{
	char tmp[32];

	if (code == CLD_EXITED)
		snprintf(s, size, "exit status %d", status);
	else if (code == CLD_KILLED || code == CLD_DUMPED)
		snprintf(s, size, "signal: %s",
		    signal_name(status, tmp, sizeof tmp));
	else
		snprintf(s, size, "exit status unknown");
}

long
rt_max_memory_mb(pid_t pid)
{
	char path[64], line[256];
	FILE *fp;
	long kb = -1;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(fp);
	return kb > 0 ? (kb + 1023) / 1024 : 0;
}
