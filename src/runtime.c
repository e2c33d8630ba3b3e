/*
 * runtime.c - a local Lambda execution environment: the bootstrap runs as a
 * child in its own process group with Lambda's environment, and
 * libmicrohttpd serves it the Runtime API on 127.0.0.1.
 *
 * Threads: the caller of rt_invoke; MHD's listener and one thread per
 * connection (the bootstrap's GET .../next blocks in one of them until an
 * event is pending); and per bootstrap a reaper and a reader of its output.
 * The reaper waits with WNOWAIT, so the pid (the process group id) cannot
 * be reused before proc_kill has killed the group and reaped the child.
 * Everything shared is under f->mu and announced on f->cv.
 */
/* nftw(3) and its FTW_* flags are XSI. */
#define _XOPEN_SOURCE 700

#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <zip.h>

#include "clock.h"
#include "buf.h"
#include "err.h"
#include "package.h"
#include "proc.h"
#include "runtime.h"
#include "xmalloc.h"

#define RT_PREFIX	"/2018-06-01/runtime/"
/* Lambda's limit on a synchronous response (and error), in bytes. */
#define RT_MAX_RESPONSE	6291556
/* Seconds Lambda gives init before the invocation's timeout applies. */
#define RT_INIT_LIMIT	10
/* Bytes of output kept per invocation; the rest is dropped. */
#define RT_MAX_LOG	(16 * 1024 * 1024)
/* How long, in ms, a log flush waits for the reader to catch up. */
#define RT_DRAIN_MS	100
/*
 * How long, in ms, an answered invocation waits for the bootstrap's next
 * GET .../next: what it prints until then is the invocation's, as in
 * CloudWatch, where END follows that request.
 */
#define RT_NEXT_WAIT_MS	200
/* How often, in ms, a waiting GET .../next checks its client is there. */
#define RT_POLL_MS	200
/* How often, in ms, a waiting invocation checks for SIGINT and SIGTERM. */
#define RT_SIGNAL_MS	100
#define RT_MAX_FD	65536
#define RT_CHUNK	(64 * 1024)
#define RT_ACCOUNT	"123456789012"
#define RT_PATH		"/usr/local/bin:/usr/bin/:/bin:/opt/bin"
#define RT_ERROR_TYPE	"Lambda-Runtime-Function-Error-Type"
#define RT_MAX_LINK	4096

enum inv_state {
	INV_IDLE,	/* no invocation yet */
	INV_PENDING,	/* waiting for the bootstrap's GET .../next */
	INV_RUNNING,	/* handed out */
	INV_DONE,	/* answered, or given up on */
};

enum inv_answer {
	ANS_NONE,
	ANS_RESPONSE,
	ANS_ERROR,
	ANS_TOO_LARGE,
};

/* How an invocation ended, as rt_invoke sees it. */
enum inv_end {
	END_OK,
	END_HANDLED,
	END_TOO_LARGE,
	END_INIT,
	END_EXIT,
	END_TIMEOUT,
	END_INTERRUPTED,	/* we caught SIGINT or SIGTERM (proc.h) */
};

struct rt_function {
	/* The configuration, copied. */
	char		*name;
	char		*task_root;	/* absolute */
	char		*bootstrap;
	char		*arn;
	long		 memory;
	long		 timeout;
	char		**envp;		/* NULL-terminated; wiped when freed */
	size_t		 nenvp;

	struct MHD_Daemon *daemon;
	unsigned	 port;

	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* on CLOCK_MONOTONIC */
	int		 stopping;
	unsigned long	 gen;		/* bumped when a bootstrap is killed */

	/* The bootstrap; pid 0 when there is none. */
	pid_t		 pid;
	int		 live;		/* started or being started */
	int		 exited;	/* seen by the reaper, not yet reaped */
	int		 exit_code;	/* si_code: CLD_EXITED, CLD_KILLED */
	int		 exit_status;
	int		 out_fd;	/* read end of its stdout and stderr */
	int		 wake[2];	/* tells the reader to finish */
	pthread_t	 reaper;
	pthread_t	 reader;
	int		 reader_busy;
	double		 spawned;	/* monotonic ms */
	int		 initialized;	/* it has asked for an event */
	double		 init_ms;
	long		 ninvoked;	/* invocations started on it */
	int		 init_error;	/* it posted .../init/error */
	char		 init_type[128];
	struct buf	 init_body;

	struct buf	 log;		/* output not yet handed out */
	int		 log_full;

	/* The invocation; payload and client context are rt_invoke's. */
	enum inv_state	 state;
	char		 id[40];
	char		 prev_id[40];	/* the one before: answered or over */
	const void	*payload;
	size_t		 len;
	const char	*client_context;
	double		 claimed;	/* monotonic ms when handed out; 0 */
	unsigned long	 nready;	/* GET .../next requests so far */
	unsigned long	 ready_claim;	/* nready when it was handed out */
	enum inv_answer	 answer;
	char		 answer_type[128];
	struct buf	 answer_body;
};

/* One HTTP request being received. */
struct req {
	struct buf	body;
	int		too_large;
};

static long long
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits on f->cv (f->mu held) until woken or the monotonic time until. */
static int
wait_until(struct rt_function *f, double until)
{
	struct timespec ts;
	double s;

	if (until < 0)
		until = 0;
	s = until / 1e3;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	} else if (ts.tv_nsec < 0)
		ts.tv_nsec = 0;
	return pthread_cond_timedwait(&f->cv, &f->mu, &ts);
}

static void
lock(struct rt_function *f)
{
	pthread_mutex_lock(&f->mu);
}

static void
unlock(struct rt_function *f)
{
	pthread_mutex_unlock(&f->mu);
}

static void
random_bytes(unsigned char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = getrandom(p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			die("getrandom: %s", strerror(errno));
		}
		p += r;
		n -= (size_t)r;
	}
}

/* Writes n random bytes as 2n lowercase hex digits and a NUL into s. */
static void
random_hex(char *s, size_t n)
{
	unsigned char b[32];
	size_t i;

	if (n > sizeof b)
		die("random_hex: %zu bytes", n);
	random_bytes(b, n);
	for (i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
}

/* A random (version 4) UUID, as Lambda's request ids. */
static void
new_uuid(char s[40])
{
	unsigned char b[16];

	random_bytes(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(s, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* Appends s as a JSON string. */
static void
json_str(struct buf *b, const char *s)
{
	unsigned char c;

	buf_addch(b, '"');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, c);
		} else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c < 0x20)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addch(b, c);
	}
	buf_addch(b, '"');
}

/* Replaces b with Lambda's error document {"errorType", "errorMessage"}. */
static void
error_doc(struct buf *b, const char *type, const char *msg)
{
	buf_reset(b);
	buf_adds(b, "{\"errorType\":");
	json_str(b, type);
	buf_adds(b, ",\"errorMessage\":");
	json_str(b, msg);
	buf_addch(b, '}');
}

/* Appends a framing line to the log, on a line of its own. */
static void LC_PRINTF(2, 3)
log_frame(struct rt_function *f, const char *fmt, ...)
{
	va_list ap;

	if (f->log.len > 0 && f->log.data[f->log.len - 1] != '\n')
		buf_addch(&f->log, '\n');
	va_start(ap, fmt);
	buf_vaddf(&f->log, fmt, ap);
	va_end(ap);
}

/* Appends the bootstrap's output to the log, up to RT_MAX_LOG bytes. */
static void
log_output(struct rt_function *f, const char *data, size_t n)
{
	if (f->log.len + n > RT_MAX_LOG) {
		if (!f->log_full)
			log_frame(f, "lambdactl: output over %d MB dropped\n",
			    RT_MAX_LOG / (1024 * 1024));
		f->log_full = 1;
		return;
	}
	buf_add(&f->log, data, n);
}

/*
 * Waits (f->mu held) until the reader has taken everything the bootstrap
 * wrote so far, for at most RT_DRAIN_MS: output before a request to the
 * Runtime API then lands on the right side of START and END.
 */
static void
drain_locked(struct rt_function *f)
{
	double until = clock_ms() + RT_DRAIN_MS;
	int n;

	for (;;) {
		if (f->out_fd == -1)
			return;
		if (!f->reader_busy && (ioctl(f->out_fd, FIONREAD, &n) == -1 ||
		    n == 0))
			return;
		if (wait_until(f, until) == ETIMEDOUT)
			return;
	}
}

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

/* How the bootstrap ended: "exit status 3", "signal: killed". */
static void
exit_desc(int code, int status, char *s, size_t size)
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

/* The peak resident size of process pid in MB, rounded up; 0: unknown. */
static long
max_memory_mb(pid_t pid)
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

/* ---- the bootstrap process ---- */

/* A pipe whose ends are close-on-exec and above the standard descriptors. */
static int
make_pipe(int p[2])
{
	int i, fd;

	if (pipe(p) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if (p[i] > STDERR_FILENO) {
			if (fcntl(p[i], F_SETFD, FD_CLOEXEC) == -1)
				goto fail;
			continue;
		}
		if ((fd = fcntl(p[i], F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) ==
		    -1)
			goto fail;
		close(p[i]);
		p[i] = fd;
	}
	return 0;
fail:
	close(p[0]);
	close(p[1]);
	p[0] = p[1] = -1;
	return -1;
}

static void
close_pipe(int p[2])
{
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	p[0] = p[1] = -1;
}

/*
 * The child between fork and exec, async-signal-safe calls only: default
 * signals, its own process group, cwd task_root, stdin /dev/null, stdout
 * and stderr into out, nothing else inherited.  A failure is written as
 * {step, errno} to the close-on-exec pipe report.
 */
static void
child_exec(const struct rt_function *f, int out, int report, long maxfd)
{
	char *argv[2];
	sigset_t none;
	int rep[2], i, null;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP)
			signal(i, SIG_DFL);
	setpgid(0, 0);
	rep[0] = 0;
	if (chdir(f->task_root) == -1)
		goto fail;
	rep[0] = 1;
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(out, STDERR_FILENO) == -1)
		goto fail;
#ifdef SYS_close_range
	/* CLOSE_RANGE_CLOEXEC (4): not every libc defines it yet. */
	if (syscall(SYS_close_range, 3U, ~0U, 4U) == 0)
		maxfd = 0;
#endif
	for (i = 3; i < maxfd; i++)
		fcntl(i, F_SETFD, FD_CLOEXEC);
	rep[0] = 2;
	argv[0] = f->bootstrap;
	argv[1] = NULL;
	execve(f->bootstrap, argv, f->envp);
fail:
	rep[1] = errno;
	(void)!write(report, rep, sizeof rep);
	_exit(127);
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
	lock(f);
	f->exited = 1;
	f->exit_code = rv == 0 ? si.si_code : 0;
	f->exit_status = rv == 0 ? si.si_status : -1;
	pthread_cond_broadcast(&f->cv);
	unlock(f);
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
		lock(f);
		f->reader_busy = 1;
		unlock(f);
		n = read(f->out_fd, chunk, RT_CHUNK);
		lock(f);
		if (n > 0)
			log_output(f, chunk, (size_t)n);
		f->reader_busy = 0;
		pthread_cond_broadcast(&f->cv);
		unlock(f);
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
 * Kills the bootstrap's process group and every process it started (also
 * setsid'd ones: see proc.h), reaps it, ends its threads and forgets it;
 * any GET .../next still waiting for it gives up.
 */
static void
proc_kill(struct rt_function *f)
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
	lock(f);
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
	unlock(f);
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

/* Starts the bootstrap and its reaper and reader threads. */
static int
proc_start(struct rt_function *f, struct lc_err *err)
{
	static const char *const steps[] = {
		"cannot change to directory",
		"cannot redirect its input and output",
		"cannot run"
	};
	int out[2] = { -1, -1 }, rep[2] = { -1, -1 }, wake[2] = { -1, -1 };
	int report[2], e;
	long maxfd;
	ssize_t n;
	pid_t pid;

	if (make_pipe(out) == -1 || make_pipe(rep) == -1 ||
	    make_pipe(wake) == -1) {
		lc_error(err, LC_EFAIL, "cannot start '%s': pipe: %s",
		    f->bootstrap, strerror(errno));
		goto fail;
	}
	if ((maxfd = sysconf(_SC_OPEN_MAX)) < 0 || maxfd > RT_MAX_FD)
		maxfd = RT_MAX_FD;
	/* Ready before the fork: it may ask for an event at once. */
	lock(f);
	f->live = 1;
	f->exited = 0;
	f->out_fd = out[0];
	f->reader_busy = 0;
	f->spawned = clock_ms();
	f->initialized = 0;
	f->init_ms = 0;
	f->ninvoked = 0;
	f->init_error = 0;
	buf_reset(&f->init_body);
	unlock(f);
	if ((pid = fork()) == -1) {
		lc_error(err, LC_EFAIL, "cannot start '%s': fork: %s",
		    f->bootstrap, strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child_exec(f, out[1], rep[1], maxfd);
	setpgid(pid, pid);	/* as the child does: whoever runs first */
	close(out[1]);
	close(rep[1]);
	out[1] = rep[1] = -1;
	while ((n = read(rep[0], report, sizeof report)) == -1 &&
	    errno == EINTR)
		continue;
	close_pipe(rep);
	if (n == (ssize_t)sizeof report && report[0] >= 0 && report[0] <= 2) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			continue;
		if (report[0] == 2 && report[1] == ENOENT &&
		    shebang_problem(f->bootstrap, err) == -1)
			goto fail;
		lc_error(err, report[1] == ENOMEM ? LC_EFAIL : LC_ECONFIG,
		    "cannot start the bootstrap: %s '%s': %s",
		    steps[report[0]], report[0] == 0 ? f->task_root :
		    report[0] == 2 ? f->bootstrap : "/dev/null",
		    strerror(report[1]));
		goto fail;
	}
	lock(f);
	f->pid = pid;
	f->wake[0] = wake[0];
	f->wake[1] = wake[1];
	unlock(f);
	proc_live_add(pid);
	if ((e = pthread_create(&f->reaper, NULL, reaper_main, f)) != 0)
		goto fail_threads;
	if ((e = pthread_create(&f->reader, NULL, reader_main, f)) != 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		pthread_join(f->reaper, NULL);
		goto fail_threads;
	}
	return 0;
fail_threads:
	proc_live_remove(pid);
	proc_kill_tree(pid);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		continue;
	lc_error(err, LC_EFAIL, "cannot start '%s': thread: %s",
	    f->bootstrap, strerror(e));
fail:
	lock(f);
	f->live = 0;
	f->pid = 0;
	f->out_fd = f->wake[0] = f->wake[1] = -1;
	f->gen++;
	pthread_cond_broadcast(&f->cv);
	unlock(f);
	close_pipe(out);
	close_pipe(rep);
	close_pipe(wake);
	return -1;
}

/* ---- the Runtime API ---- */

/*
 * The Runtime API in two layers: api_* handle a complete request in
 * memory (method, path, the error-type header, body -> status and JSON
 * body, and the state change), with no libmicrohttpd in sight, so that
 * tests and tests/fuzz/fuzz-runtime-api.c drive them directly; on_* are
 * the libmicrohttpd glue, and the blocking wait of GET .../next.
 */

/* What api_route answers; API_NEXT: GET .../next, which waits. */
enum api_kind {
	API_REPLY,
	API_NEXT,
};

struct api_reply {
	unsigned	status;
	struct buf	body;	/* JSON */
};

/* The Runtime API's error document, as Lambda's. */
static void
api_error(struct api_reply *r, unsigned status, const char *type,
    const char *msg)
{
	r->status = status;
	buf_reset(&r->body);
	buf_adds(&r->body, "{\"errorMessage\":");
	json_str(&r->body, msg);
	buf_adds(&r->body, ",\"errorType\":");
	json_str(&r->body, type);
	buf_addch(&r->body, '}');
}

static void
api_accepted(struct api_reply *r)
{
	r->status = MHD_HTTP_ACCEPTED;
	buf_reset(&r->body);
	buf_adds(&r->body, "{\"status\":\"OK\"}");
}

/*
 * GET .../next, before it waits (f->mu held): refused while an invocation
 * runs; otherwise the bootstrap is initialised and ready.  Returns 0 to
 * wait, -1 with r filled, or 1 to drop the connection.
 */
static int
api_next_begin(struct rt_function *f, struct api_reply *r)
{
	if (f->stopping || !f->live || proc_interrupted())
		return 1;
	if (f->state == INV_RUNNING) {
		api_error(r, MHD_HTTP_FORBIDDEN, "InvalidStateTransition",
		    "State transition from Running to Ready failed for "
		    "runtime. Error: the invocation has no response yet");
		return -1;
	}
	if (!f->initialized) {
		f->initialized = 1;
		f->init_ms = clock_ms() - f->spawned;
	}
	f->nready++;
	pthread_cond_broadcast(&f->cv);
	return 0;
}

/* Hands the pending invocation out (f->mu held, state INV_PENDING). */
static void
api_next_claim(struct rt_function *f)
{
	f->state = INV_RUNNING;
	f->claimed = clock_ms();
	f->ready_claim = f->nready;
	log_frame(f, "START RequestId: %s Version: $LATEST\n", f->id);
	pthread_cond_broadcast(&f->cv);
}

/* POST .../invocation/ID/response and .../error: the invocation's answer. */
static void
api_answer(struct rt_function *f, struct req *q, const char *id,
    int is_error, const char *type, struct api_reply *r)
{
	char msg[64];

	lock(f);
	if (*id == '\0' || ((strcmp(id, f->id) != 0 ||
	    f->state == INV_IDLE || f->state == INV_PENDING) &&
	    strcmp(id, f->prev_id) != 0)) {
		unlock(f);
		api_error(r, MHD_HTTP_BAD_REQUEST, "InvalidRequestID",
		    "Invalid request ID");
		return;
	}
	if (f->state == INV_DONE || strcmp(id, f->id) != 0) {
		unlock(f);
		api_error(r, MHD_HTTP_FORBIDDEN, "InvalidStateTransition",
		    is_error ? "State transition from Ready to "
		    "InvocationErrorResponse failed for runtime. Error: the "
		    "invocation is over" : "State transition from Ready to "
		    "InvocationResponse failed for runtime. Error: the "
		    "invocation is over");
		return;
	}
	f->state = INV_DONE;
	if (q->too_large) {
		f->answer = ANS_TOO_LARGE;
		pthread_cond_broadcast(&f->cv);
		unlock(f);
		snprintf(msg, sizeof msg, "Exceeded maximum allowed payload "
		    "size (%d bytes).", RT_MAX_RESPONSE);
		api_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
		    "RequestEntityTooLarge", msg);
		return;
	}
	f->answer = is_error ? ANS_ERROR : ANS_RESPONSE;
	buf_release(&f->answer_body);
	f->answer_body = q->body;
	buf_init(&q->body);
	snprintf(f->answer_type, sizeof f->answer_type, "%s",
	    type != NULL ? type : "");
	pthread_cond_broadcast(&f->cv);
	unlock(f);
	api_accepted(r);
}

/* POST .../init/error: the bootstrap could not initialise. */
static void
api_init_error(struct rt_function *f, struct req *q, const char *type,
    struct api_reply *r)
{
	lock(f);
	if (f->initialized || f->init_error) {
		unlock(f);
		api_error(r, MHD_HTTP_FORBIDDEN, "InvalidStateTransition",
		    "State transition from Ready to InitError failed for "
		    "runtime. Error: init is over");
		return;
	}
	f->init_error = 1;
	buf_release(&f->init_body);
	if (!q->too_large) {
		f->init_body = q->body;
		buf_init(&q->body);
	}
	snprintf(f->init_type, sizeof f->init_type, "%s",
	    type != NULL ? type : "");
	pthread_cond_broadcast(&f->cv);
	unlock(f);
	api_accepted(r);
}

/*
 * Routes a complete request: type is its Lambda-Runtime-Function-Error-
 * Type header (NULL: none), q its body (taken by an answer).  Fills r, or
 * returns API_NEXT for GET .../next.
 */
static enum api_kind
api_route(struct rt_function *f, const char *method, const char *url,
    const char *type, struct req *q, struct api_reply *r)
{
	const char *rest, *slash;
	char id[40];
	size_t n;
	int post;

	post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	n = strlen(RT_PREFIX);
	if (strncmp(url, RT_PREFIX, n) != 0)
		goto not_found;
	rest = url + n;
	if (strcmp(rest, "invocation/next") == 0) {
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
			goto bad_method;
		return API_NEXT;
	}
	if (strcmp(rest, "init/error") == 0) {
		if (!post)
			goto bad_method;
		api_init_error(f, q, type, r);
		return API_REPLY;
	}
	if (strncmp(rest, "invocation/", 11) != 0)
		goto not_found;
	rest += 11;
	if ((slash = strchr(rest, '/')) == NULL ||
	    (strcmp(slash, "/response") != 0 && strcmp(slash, "/error") != 0))
		goto not_found;
	if (!post)
		goto bad_method;
	if ((n = (size_t)(slash - rest)) >= sizeof id) {
		api_error(r, MHD_HTTP_BAD_REQUEST, "InvalidRequestID",
		    "Invalid request ID");
		return API_REPLY;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	api_answer(f, q, id, slash[1] == 'e', type, r);
	return API_REPLY;
not_found:
	api_error(r, MHD_HTTP_NOT_FOUND, "NotFound", "Unknown Runtime API path");
	return API_REPLY;
bad_method:
	api_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed",
	    "Method not allowed");
	return API_REPLY;
}

/* Queues body (JSON) with status on connection c. */
static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result rv;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	rv = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rv;
}

/* Whether the client of c is still connected (has not closed). */
static int
conn_alive(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	ssize_t n;
	char ch;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL)
		return 1;
	n = recv(ci->connect_fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
	return n > 0 || (n == -1 && (errno == EAGAIN ||
	    errno == EWOULDBLOCK || errno == EINTR));
}

/*
 * GET .../invocation/next: blocks until an invocation is pending, then
 * hands it out with Lambda's headers.  A client that went away (a killed
 * bootstrap) or a bootstrap that was replaced meanwhile gets nothing.
 */
static enum MHD_Result
on_next(struct rt_function *f, struct MHD_Connection *c)
{
	struct api_reply ar = { 0, BUF_INIT };
	struct MHD_Response *r;
	enum MHD_Result rv;
	unsigned long gen;
	char s[128], root[32], parent[24];
	int b;

	lock(f);
	gen = f->gen;
	if (!conn_alive(c))
		b = 1;
	else
		b = api_next_begin(f, &ar);
	if (b != 0) {
		unlock(f);
		rv = b == 1 ? MHD_NO : reply(c, ar.status, ar.body.data);
		buf_release(&ar.body);
		return rv;
	}
	for (;;) {
		if (f->stopping || f->gen != gen || proc_interrupted()) {
			unlock(f);
			return MHD_NO;
		}
		if (f->state == INV_PENDING) {
			drain_locked(f);
			if (f->state == INV_PENDING && !f->stopping &&
			    f->gen == gen)
				break;
			continue;
		}
		if (wait_until(f, clock_ms() + RT_POLL_MS) == ETIMEDOUT &&
		    !conn_alive(c)) {
			unlock(f);
			return MHD_NO;
		}
	}
	if (!conn_alive(c)) {
		unlock(f);
		return MHD_NO;
	}
	api_next_claim(f);
	r = MHD_create_response_from_buffer(f->len,
	    (void *)(f->payload != NULL ? f->payload : ""),
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL) {
		unlock(f);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Lambda-Runtime-Aws-Request-Id", f->id);
	snprintf(s, sizeof s, "%lld", wall_ms() + f->timeout * 1000);
	MHD_add_response_header(r, "Lambda-Runtime-Deadline-Ms", s);
	MHD_add_response_header(r, "Lambda-Runtime-Invoked-Function-Arn",
	    f->arn);
	random_hex(root, 12);
	random_hex(parent, 8);
	snprintf(s, sizeof s, "Root=1-%08lx-%s;Parent=%s;Sampled=0",
	    (unsigned long)time(NULL), root, parent);
	MHD_add_response_header(r, "Lambda-Runtime-Trace-Id", s);
	if (f->client_context != NULL)
		MHD_add_response_header(r, "Lambda-Runtime-Client-Context",
		    f->client_context);
	unlock(f);
	rv = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rv;
}

/* MHD's access handler: collects a request's body, then routes it. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct rt_function *f = cls;
	struct req *q = *ctx;
	struct api_reply ar = { 0, BUF_INIT };
	enum MHD_Result rv;

	(void)version;
	if (q == NULL) {
		q = xcalloc(1, sizeof *q);
		buf_init(&q->body);
		*ctx = q;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!q->too_large &&
		    q->body.len + *upload_size <= RT_MAX_RESPONSE)
			buf_add(&q->body, upload, *upload_size);
		else {
			q->too_large = 1;
			buf_release(&q->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (api_route(f, method, url, MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, RT_ERROR_TYPE), q, &ar) == API_NEXT)
		return on_next(f, c);
	rv = reply(c, ar.status, ar.body.data);
	buf_release(&ar.body);
	return rv;
}

/* MHD's completion callback: frees what on_request allocated. */
static void
on_completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct req *q = *ctx;

	(void)cls;
	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	buf_release(&q->body);
	free(q);
	*ctx = NULL;
}

/* ---- the function ---- */

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

/* Builds the bootstrap's environment from scratch (see runtime.h). */
static int
env_build(struct rt_function *f, const struct rt_config *cfg,
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
	random_hex(stream, 16);
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

/* A zeroed function with its lock, condition and buffers set up. */
static struct rt_function *
function_new(void)
{
	struct rt_function *f = xcalloc(1, sizeof *f);
	pthread_condattr_t ca;

	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cv, &ca);
	pthread_condattr_destroy(&ca);
	f->out_fd = f->wake[0] = f->wake[1] = -1;
	buf_init(&f->init_body);
	buf_init(&f->log);
	buf_init(&f->answer_body);
	return f;
}

int
rt_start(struct rt_function **fp, const struct rt_config *cfg,
    struct lc_err *err)
{
	struct rt_function *f;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	struct stat st;
	char *root;

	*fp = NULL;
	/* What a bootstrap leaves behind (setsid) is reparented to us. */
	proc_subreaper();
	if (cfg->name == NULL || *cfg->name == '\0')
		return lc_error(err, LC_ECONFIG, "no function name");
	if ((root = realpath(cfg->task_root, NULL)) == NULL)
		return lc_error(err, LC_ECONFIG, "cannot use task root '%s': "
		    "%s", cfg->task_root, strerror(errno));
	f = function_new();
	f->task_root = root;
	f->name = xstrdup(cfg->name);
	f->memory = cfg->memory > 0 ? cfg->memory : MANIFEST_DEFAULT_MEMORY;
	f->timeout = cfg->timeout > 0 ? cfg->timeout :
	    MANIFEST_DEFAULT_TIMEOUT;
	f->arn = xasprintf("arn:aws:lambda:%s:%s:function:%s",
	    cfg->region != NULL ? cfg->region : "us-east-1", RT_ACCOUNT,
	    f->name);
	f->bootstrap = xasprintf("%s/bootstrap", root);
	if (stat(f->bootstrap, &st) == -1 || !S_ISREG(st.st_mode)) {
		lc_error(err, LC_ECONFIG, "no bootstrap file in '%s' (a "
		    "provided.* runtime runs LAMBDA_TASK_ROOT/bootstrap)",
		    cfg->task_root);
		goto fail;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* poll(2), not select(2): serve may hold over FD_SETSIZE files. */
	f->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL,
	    on_request, f, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, f,
	    MHD_OPTION_CONNECTION_TIMEOUT, 0U, MHD_OPTION_END);
	if (f->daemon == NULL) {
		lc_error(err, LC_EFAIL, "cannot start the Runtime API server "
		    "on 127.0.0.1");
		goto fail;
	}
	info = MHD_get_daemon_info(f->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		lc_error(err, LC_EFAIL, "cannot find the Runtime API server's "
		    "port");
		goto fail;
	}
	f->port = info->port;
	if (env_build(f, cfg, err) == -1 || proc_start(f, err) == -1)
		goto fail;
	*fp = f;
	return 0;
fail:
	rt_stop(f);
	return -1;
}

/*
 * The error type of a posted error: the header's, else the body's
 * errorType, else Runtime.Unknown; and the payload: the body if it is
 * JSON, else an error document around it.
 */
static void
posted_error(struct rt_result *res, const char *header)
{
	cJSON *doc, *t;
	char *msg;

	doc = cJSON_ParseWithLength(res->payload.data, res->payload.len);
	t = cJSON_IsObject(doc) ? cJSON_GetObjectItemCaseSensitive(doc,
	    "errorType") : NULL;
	if (header != NULL && *header != '\0')
		snprintf(res->error_type, sizeof res->error_type, "%s",
		    header);
	else if (cJSON_IsString(t) && *t->valuestring != '\0')
		snprintf(res->error_type, sizeof res->error_type, "%s",
		    t->valuestring);
	else
		snprintf(res->error_type, sizeof res->error_type,
		    "Runtime.Unknown");
	if (doc == NULL) {
		msg = buf_detach(&res->payload, NULL);
		error_doc(&res->payload, res->error_type, msg);
		free(msg);
	}
	cJSON_Delete(doc);
}

int
rt_invoke(struct rt_function *f, const void *payload, size_t len,
    const char *client_context, struct rt_result *res, struct lc_err *err)
{
	enum inv_end end;
	struct buf tmp = BUF_INIT;
	char type[128], how[64], date[32];
	double t0, t1, limit, start;
	long mem;
	int cold, restart, retried = 0, claimed, sig;
	struct timespec ts;
	struct tm tm;
	pid_t pid;

	memset(res, 0, sizeof *res);
	buf_init(&res->payload);
	buf_init(&res->log);
	new_uuid(res->request_id);
	if ((sig = proc_interrupted()) != 0)
		return lc_error(err, 128 + sig, "interrupted by %s",
		    proc_signame(sig));
	lock(f);
	/* Died while idle (after answering): start afresh, cold. */
	restart = f->pid != 0 && f->exited && f->initialized;
	unlock(f);
	if (restart)
		proc_kill(f);
	if (f->pid == 0 && proc_start(f, err) == -1)
		return -1;
	t0 = clock_ms();
	lock(f);
	cold = f->ninvoked++ == 0;
	memcpy(f->prev_id, f->id, sizeof f->prev_id);
	memcpy(f->id, res->request_id, sizeof f->id);
	f->payload = payload;
	f->len = len;
	f->client_context = client_context;
	f->claimed = 0;
	f->answer = ANS_NONE;
	f->answer_type[0] = '\0';
	buf_reset(&f->answer_body);
	f->state = INV_PENDING;
	pthread_cond_broadcast(&f->cv);
	for (;;) {
		if (f->state == INV_DONE) {
			end = f->answer == ANS_RESPONSE ? END_OK :
			    f->answer == ANS_ERROR ? END_HANDLED :
			    END_TOO_LARGE;
			break;
		}
		if (f->init_error) {
			end = END_INIT;
			break;
		}
		if ((sig = proc_interrupted()) != 0) {
			end = END_INTERRUPTED;
			break;
		}
		if (f->exited) {
			if (f->state == INV_PENDING && f->initialized &&
			    !retried) {
				/* It died between invocations, unnoticed. */
				f->state = INV_IDLE;
				unlock(f);
				proc_kill(f);
				if (proc_start(f, err) == -1)
					return -1;
				lock(f);
				retried = cold = 1;
				f->ninvoked = 1;
				f->state = INV_PENDING;
				t0 = clock_ms();
				pthread_cond_broadcast(&f->cv);
				continue;
			}
			end = END_EXIT;
			break;
		}
		if (f->state == INV_RUNNING)
			limit = f->claimed + (double)f->timeout * 1e3;
		else if (!f->initialized)
			limit = f->spawned +
			    (double)(RT_INIT_LIMIT + f->timeout) * 1e3;
		else
			limit = t0 + (double)f->timeout * 1e3;
		if (clock_ms() >= limit) {
			end = END_TIMEOUT;
			break;
		}
		wait_until(f, limit < clock_ms() + RT_SIGNAL_MS ? limit :
		    clock_ms() + RT_SIGNAL_MS);
	}
	f->state = INV_DONE;
	if (end == END_INTERRUPTED) {
		/* Nothing of it is kept: the bootstrap goes, with its log. */
		f->payload = NULL;
		f->client_context = NULL;
		unlock(f);
		proc_kill(f);
		lock(f);
		buf_reset(&f->log);
		f->log_full = 0;
		unlock(f);
		return lc_error(err, 128 + sig, "interrupted by %s while the "
		    "function ran (stopped its bootstrap and every process it "
		    "started)", proc_signame(sig));
	}
	t1 = clock_ms();
	claimed = f->claimed > 0;
	if (end == END_OK || end == END_HANDLED || end == END_TOO_LARGE) {
		limit = t1 + RT_NEXT_WAIT_MS;
		while (f->nready == f->ready_claim && !f->exited &&
		    clock_ms() < limit)
			wait_until(f, limit);
	}
	start = claimed ? f->claimed : t0;
	pid = f->pid;
	if (cold)
		res->init_ms = f->initialized ? f->init_ms : t1 - f->spawned;
	if (res->init_ms <= 0 && cold)
		res->init_ms = 0.01;
	exit_desc(f->exit_code, f->exit_status, how, sizeof how);
	type[0] = '\0';
	if (end == END_OK || end == END_HANDLED) {
		res->payload = f->answer_body;
		buf_init(&f->answer_body);
		snprintf(type, sizeof type, "%s", f->answer_type);
	} else if (end == END_INIT) {
		res->payload = f->init_body;
		buf_init(&f->init_body);
		snprintf(type, sizeof type, "%s", f->init_type);
	}
	f->payload = NULL;
	f->client_context = NULL;
	unlock(f);

	mem = end == END_EXIT ? 0 : max_memory_mb(pid);
	if (end == END_INIT || end == END_EXIT || end == END_TIMEOUT)
		proc_kill(f);
	res->duration_ms = t1 - start;
	res->billed_ms = (long)res->duration_ms;
	if ((double)res->billed_ms < res->duration_ms)
		res->billed_ms++;
	if (res->billed_ms < 1)
		res->billed_ms = 1;
	res->max_memory_mb = mem;
	res->outcome = end == END_OK ? RT_OK : RT_FUNCTION_ERROR;
	res->function_error = end == END_OK ? NULL :
	    end == END_HANDLED ? "Handled" : "Unhandled";
	switch (end) {
	case END_OK:
	case END_INTERRUPTED:
		break;
	case END_HANDLED:
	case END_INIT:
		posted_error(res, type);
		break;
	case END_TOO_LARGE:
		snprintf(res->error_type, sizeof res->error_type,
		    "Function.ResponseSizeTooLarge");
		buf_addf(&tmp, "Response payload size exceeded maximum allowed "
		    "payload size (%d bytes).", RT_MAX_RESPONSE);
		error_doc(&res->payload, res->error_type, tmp.data);
		break;
	case END_EXIT:
		snprintf(res->error_type, sizeof res->error_type,
		    "Runtime.ExitError");
		buf_addf(&tmp, "RequestId: %s Error: Runtime exited with "
		    "error: %s", res->request_id, how);
		error_doc(&res->payload, res->error_type, tmp.data);
		break;
	case END_TIMEOUT:
		snprintf(res->error_type, sizeof res->error_type,
		    "Sandbox.Timedout");
		buf_addf(&tmp, "RequestId: %s Error: Task timed out after "
		    "%ld.00 seconds", res->request_id, f->timeout);
		error_doc(&res->payload, res->error_type, tmp.data);
		break;
	}
	buf_release(&tmp);

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	lock(f);
	drain_locked(f);
	if (!claimed)
		log_frame(f, "START RequestId: %s Version: $LATEST\n",
		    res->request_id);
	if (end == END_TIMEOUT)
		log_frame(f, "%s.%03ldZ %s Task timed out after %ld.00 "
		    "seconds\n", date, ts.tv_nsec / 1000000, res->request_id,
		    f->timeout);
	else if (end == END_EXIT)
		log_frame(f, "RequestId: %s Error: Runtime exited with error: "
		    "%s\nRuntime.ExitError\n", res->request_id, how);
	log_frame(f, "END RequestId: %s\n", res->request_id);
	log_frame(f, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled "
	    "Duration: %ld ms\tMemory Size: %ld MB\tMax Memory Used: %ld MB",
	    res->request_id, res->duration_ms, res->billed_ms, f->memory,
	    mem);
	if (cold)
		buf_addf(&f->log, "\tInit Duration: %.2f ms", res->init_ms);
	buf_addch(&f->log, '\n');
	res->log = f->log;
	buf_init(&f->log);
	f->log_full = 0;
	unlock(f);
	return 0;
}

void
rt_result_release(struct rt_result *res)
{
	if (res == NULL)
		return;
	buf_release(&res->payload);
	buf_release(&res->log);
	memset(res, 0, sizeof *res);
	buf_init(&res->payload);
	buf_init(&res->log);
}

long
rt_pid(const struct rt_function *f)
{
	struct rt_function *g = (struct rt_function *)f;
	long pid;

	if (f == NULL)
		return 0;
	lock(g);
	pid = (long)g->pid;
	unlock(g);
	return pid;
}

void
rt_stop(struct rt_function *f)
{
	size_t i;

	if (f == NULL)
		return;
	lock(f);
	f->stopping = 1;
	pthread_cond_broadcast(&f->cv);
	unlock(f);
	proc_kill(f);
	if (f->daemon != NULL)
		MHD_stop_daemon(f->daemon);
	for (i = 0; i < f->nenvp; i++)
		free_secret(f->envp[i]);
	free(f->envp);
	buf_release(&f->init_body);
	buf_release(&f->log);
	buf_release(&f->answer_body);
	free(f->name);
	free(f->task_root);
	free(f->bootstrap);
	free(f->arn);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/* ---- the Runtime API in memory, for tests ---- */

struct rt_function *
rt_api_fake(void)
{
	struct rt_function *f = function_new();

	f->name = xstrdup("fake");
	f->arn = xstrdup("arn:aws:lambda:us-east-1:" RT_ACCOUNT
	    ":function:fake");
	f->memory = MANIFEST_DEFAULT_MEMORY;
	f->timeout = MANIFEST_DEFAULT_TIMEOUT;
	f->live = 1;
	f->spawned = clock_ms();
	return f;
}

void
rt_api_fake_invoke(struct rt_function *f)
{
	lock(f);
	f->ninvoked++;
	memcpy(f->prev_id, f->id, sizeof f->prev_id);
	/* Deterministic ids: the fuzzer replays them. */
	snprintf(f->id, sizeof f->id, "00000000-0000-4000-8000-%012lu",
	    (unsigned long)f->ninvoked % 1000000000000UL);
	f->payload = "{}";
	f->len = 2;
	f->claimed = 0;
	f->answer = ANS_NONE;
	f->answer_type[0] = '\0';
	buf_reset(&f->answer_body);
	f->state = INV_PENDING;
	unlock(f);
}

unsigned
rt_api_request(struct rt_function *f, const char *method, const char *url,
    const char *error_type, const void *body, size_t len, struct buf *out)
{
	struct api_reply ar = { 0, BUF_INIT };
	struct req q;
	unsigned status = 0;
	int b;

	buf_init(&q.body);
	q.too_large = len > RT_MAX_RESPONSE;
	if (!q.too_large)
		buf_add(&q.body, body, len);
	buf_reset(out);
	if (api_route(f, method, url, error_type, &q, &ar) == API_REPLY) {
		status = ar.status;
		buf_add(out, ar.body.data, ar.body.len);
		goto out;
	}
	lock(f);
	if ((b = api_next_begin(f, &ar)) == -1) {
		status = ar.status;
		buf_add(out, ar.body.data, ar.body.len);
	} else if (b == 0 && f->state == INV_PENDING) {
		api_next_claim(f);
		status = MHD_HTTP_OK;
		buf_add(out, f->payload, f->len);
	}
	unlock(f);
out:
	buf_release(&ar.body);
	buf_release(&q.body);
	return status;
}
