/*
 * test-runtime.c - the local execution environment with real processes:
 * /bin/sh bootstraps that speak the Runtime API with curl(1), in a
 * temporary task root.  Warm reuse, Lambda's environment, posted errors,
 * timeouts, crashes, init errors, protocol errors, the log framing, and
 * unzip_extract.  Each case must leave no descriptor open and no child
 * behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"
#include "testzip.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "buf.h"
#include "err.h"
#include "runtime.h"
#include "unzip.h"
#include "xmalloc.h"

/* What every bootstrap starts with: next, and posting a file. */
#define PRELUDE \
	"#!/bin/sh\n" \
	"api=\"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime\"\n" \
	"t=\"$LAMBDA_TASK_ROOT\"\n" \
	"next() {\n" \
	"\tcurl -sS -D \"$t/h\" -o \"$t/ev\" \"$api/invocation/next\" " \
	"|| exit 1\n" \
	"\tid=$(tr -d '\\r' < \"$t/h\" | " \
	"sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')\n" \
	"}\n" \
	"respond() {\n" \
	"\tcurl -sS -o /dev/null -w '%{http_code}' -X POST " \
	"--data-binary \"@$1\" \"$api/invocation/$id/response\"\n" \
	"}\n"

#define ECHO_LOOP \
	"while :; do\n" \
	"\tnext\n" \
	"\techo \"handling $id\"\n" \
	"\trespond \"$t/ev\" >/dev/null\n" \
	"done\n"

/* What one test case works in. */
struct fixture {
	char	dir[PATH_MAX];	/* the task root */
	int	nfds;		/* open descriptors before the test */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
setup(void **state)
{
	struct fixture *fx;

	fx = xcalloc(1, sizeof *fx);
	if (make_tmpdir(fx->dir, sizeof fx->dir, "lc-test-runtime") == -1)
		return -1;
	fx->nfds = count_fds();
	*state = fx;
	return 0;
}

/* What child pid is, for a message: its /proc/PID/stat's "(comm) S". */
static void
describe_child(pid_t pid, char *out, size_t len)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(out, len, "pid %ld", (long)pid);
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, ")") + (strchr(buf, ')') != NULL ? 3 : 0)] =
		    '\0';
		snprintf(out, len, "%s", buf);
	}
}

/* Names a running child of ours (its /proc stat line), for a failure. */
static void
running_child(char *out, size_t len)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	long ppid;
	ssize_t n;
	DIR *d;
	int fd;

	snprintf(out, len, "(not found in /proc)");
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    (fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if ((p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %*c %ld", &ppid) == 1 &&
		    ppid == (long)getpid()) {
			p[1] = '\0';
			snprintf(out, len, "%.200s", buf);
			break;
		}
	}
	closedir(d);
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	siginfo_t si;
	char what[300];

	unzip_remove_tree(fx->dir);
	free(fx);
	/* Looked at, not reaped (WNOWAIT), so that the message says which. */
	memset(&si, 0, sizeof si);
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid != 0) {
		describe_child(si.si_pid, what, sizeof what);
		fail_msg("a child process was left behind: %s", what);
	}
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
		running_child(what, sizeof what);
		fail_msg("a child process was left behind, still running: %s",
		    what);
	}
	return 0;
}

/* Fails unless the test left as many descriptors open as it found. */
static void
check_fds(const struct fixture *fx)
{
	assert_int_equal(count_fds(), fx->nfds);
}

/* Writes dir/name with the given mode. */
static void
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp;

	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

/* Writes the task root's bootstrap: the prelude, then body. */
static void
write_bootstrap(const struct fixture *fx, const char *body)
{
	char *text = xasprintf("%s%s", PRELUDE, body);

	write_file(fx->dir, "bootstrap", text, 0755);
	free(text);
}

static void
base_config(struct rt_config *cfg, const struct fixture *fx,
    const char *name)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->name = name;
	cfg->task_root = fx->dir;
	cfg->memory = 128;
	cfg->timeout = 10;
	cfg->region = "eu-west-1";
}

/* Whether text has exactly this line. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Where in text the line starting with prefix is; fails if none. */
static size_t
line_at(const char *text, const char *prefix)
{
	const char *p;

	for (p = text; (p = strstr(p, prefix)) != NULL; p++)
		if (p == text || p[-1] == '\n')
			return (size_t)(p - text);
	fail_msg("no line '%s' in:\n%s", prefix, text);
	return 0;
}

/*
 * Whether text has a line of an ISO-8601 UTC time to the millisecond
 * ("2024-05-01T12:00:00.042Z") then tail, as Lambda's timeout line.
 */
static int
has_timeout_line(const char *text, const char *tail)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	const char *p;
	size_t i, n = sizeof shape - 1;

	if ((p = strstr(text, tail)) == NULL || (size_t)(p - text) < n)
		return 0;
	p -= n;
	if (p != text && p[-1] != '\n')
		return 0;
	for (i = 0; i < n; i++)
		if (shape[i] == 'd' ? p[i] < '0' || p[i] > '9' :
		    p[i] != shape[i])
			return 0;
	return 1;
}

/* Starts a function on the fixture's task root; fails the test if not. */
static struct rt_function *
start(const struct rt_config *cfg)
{
	struct rt_function *f = NULL;
	struct lc_err err = { 0 };

	if (rt_start(&f, cfg, &err) == -1)
		fail_msg("rt_start: %s", err.msg);
	return f;
}

/* Invokes f with the string payload; fails the test on -1. */
static void
invoke(struct rt_function *f, const char *payload, size_t len,
    const char *cc, struct rt_result *res)
{
	struct lc_err err = { 0 };

	struct rt_request rq = { payload, len, cc, NULL, NULL, NULL };

	if (rt_invoke(f, &rq, res, &err) == -1)
		fail_msg("rt_invoke: %s", err.msg);
}

/* Fails unless the invocation succeeded, showing what happened. */
static void
expect_ok(const struct rt_result *res)
{
	if (res->outcome != RT_OK)
		fail_msg("function error %s: %s\nlog:\n%s",
		    res->error_type, res->payload.data, res->log.data);
}

/* Echo: exact payload back, warm reuse, and the log's framing. */
static void
test_echo_warm(void **state)
{
	struct fixture *fx = *state;
	static const char payload[] =
	    "{\"hello\": \"world\"}\n\t\"x\\y\" \xc3\xa9";
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res, res2;
	struct buf big = BUF_INIT, s = BUF_INIT;
	size_t i, start_at, handling, end, report;
	long pid;

	write_bootstrap(fx, "echo init-line\n" ECHO_LOOP);
	base_config(&cfg, fx, "fn-echo");
	f = start(&cfg);
	pid = rt_pid(f);
	assert_true(pid > 0);

	invoke(f, payload, sizeof payload - 1, NULL, &res);
	expect_ok(&res);
	assert_null(res.function_error);
	assert_int_equal(res.payload.len, sizeof payload - 1);
	assert_memory_equal(res.payload.data, payload, sizeof payload - 1);
	assert_int_equal(strlen(res.request_id), 36);
	assert_int_equal(res.request_id[14], '4');
	assert_true(res.init_ms > 0);
	assert_true(res.duration_ms > 0);
	assert_true(res.billed_ms >= 1 && res.billed_ms >= res.duration_ms);
	assert_true(res.billed_ms < res.duration_ms + 1);
	assert_true(res.max_memory_mb > 0);

	/* init output, START, the function's own lines, END, REPORT */
	buf_addf(&s, "START RequestId: %s Version: $LATEST", res.request_id);
	assert_true(has_line(res.log.data, s.data));
	start_at = line_at(res.log.data, s.data);
	assert_true(line_at(res.log.data, "init-line") < start_at);
	buf_reset(&s);
	buf_addf(&s, "handling %s", res.request_id);
	handling = line_at(res.log.data, s.data);
	buf_reset(&s);
	buf_addf(&s, "END RequestId: %s", res.request_id);
	assert_true(has_line(res.log.data, s.data));
	end = line_at(res.log.data, s.data);
	buf_reset(&s);
	buf_addf(&s, "REPORT RequestId: %s\tDuration: ", res.request_id);
	report = line_at(res.log.data, s.data);
	assert_true(start_at < handling && handling < end && end < report);
	assert_non_null(strstr(res.log.data + report, "\tBilled Duration: "));
	assert_non_null(strstr(res.log.data + report,
	    "\tMemory Size: 128 MB\tMax Memory Used: "));
	assert_non_null(strstr(res.log.data + report, " MB\tInit Duration: "));
	assert_int_equal(res.log.data[res.log.len - 1], '\n');

	/* warm: the same process, no init */
	invoke(f, "{}", 2, NULL, &res2);
	expect_ok(&res2);
	assert_string_equal(res2.payload.data, "{}");
	assert_int_equal(rt_pid(f), pid);
	assert_true(res2.init_ms == 0);
	assert_string_not_equal(res2.request_id, res.request_id);
	assert_null(strstr(res2.log.data, "Init Duration"));
	assert_null(strstr(res2.log.data, "init-line"));
	assert_non_null(strstr(res2.log.data, "START RequestId: "));
	rt_result_release(&res2);

	/* an empty payload and a large one */
	invoke(f, "", 0, NULL, &res2);
	expect_ok(&res2);
	assert_int_equal(res2.payload.len, 0);
	rt_result_release(&res2);
	for (i = 0; i < 3 * 1024 * 1024; i++)
		buf_addch(&big, 'a' + (int)(i % 26));
	invoke(f, big.data, big.len, NULL, &res2);
	expect_ok(&res2);
	assert_int_equal(res2.payload.len, big.len);
	assert_memory_equal(res2.payload.data, big.data, big.len);
	assert_int_equal(rt_pid(f), pid);
	rt_result_release(&res2);

	rt_result_release(&res);
	rt_stop(f);
	buf_release(&big);
	buf_release(&s);
	check_fds(fx);
}

/* Lambda's environment, built from scratch. */
static void
test_environment(void **state)
{
	struct fixture *fx = *state;
	struct manifest_kv env[] = {
		{ (char *)"STAGE", (char *)"test" },
		{ (char *)"GREETING", (char *)"hello world" },
		{ (char *)"TZ", (char *)":UTC" },
	};
	const char *const extra[] = { "AWS_ACCESS_KEY_ID=AKIDEXAMPLE" };
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct buf s = BUF_INIT;

	setenv("AWS_SECRET_ACCESS_KEY", "not-for-the-function", 1);
	setenv("LAMBDACTL_TEST_LEAK", "leaked", 1);
	write_bootstrap(fx, "env\n" ECHO_LOOP);
	base_config(&cfg, fx, "fn-env");
	cfg.handler = "my.handler";
	cfg.memory = 256;
	cfg.env = env;
	cfg.nenv = sizeof env / sizeof env[0];
	cfg.extra_env = extra;
	cfg.nextra = 1;
	f = start(&cfg);
	invoke(f, "{}", 2, NULL, &res);
	expect_ok(&res);
	assert_true(has_line(res.log.data, "AWS_LAMBDA_FUNCTION_NAME=fn-env"));
	assert_true(has_line(res.log.data, "_HANDLER=my.handler"));
	buf_addf(&s, "LAMBDA_TASK_ROOT=%s", fx->dir);
	assert_true(has_line(res.log.data, s.data));
	assert_true(has_line(res.log.data,
	    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256"));
	assert_true(has_line(res.log.data,
	    "AWS_LAMBDA_FUNCTION_VERSION=$LATEST"));
	assert_true(has_line(res.log.data,
	    "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fn-env"));
	assert_non_null(strstr(res.log.data,
	    "\nAWS_LAMBDA_LOG_STREAM_NAME="));
	assert_non_null(strstr(res.log.data, "/[$LATEST]"));
	assert_non_null(strstr(res.log.data,
	    "\nAWS_LAMBDA_RUNTIME_API=127.0.0.1:"));
	assert_true(has_line(res.log.data, "LAMBDA_RUNTIME_DIR=/var/runtime"));
	assert_true(has_line(res.log.data, "AWS_REGION=eu-west-1"));
	assert_true(has_line(res.log.data, "AWS_DEFAULT_REGION=eu-west-1"));
	assert_true(has_line(res.log.data, "TZ=:UTC"));
	assert_true(has_line(res.log.data, "LANG=en_US.UTF-8"));
	assert_non_null(strstr(res.log.data, "\nPATH="));
	assert_true(has_line(res.log.data, "STAGE=test"));
	assert_true(has_line(res.log.data, "GREETING=hello world"));
	assert_true(has_line(res.log.data, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE"));
	assert_null(strstr(res.log.data, "AWS_SECRET_ACCESS_KEY"));
	assert_null(strstr(res.log.data, "not-for-the-function"));
	assert_null(strstr(res.log.data, "LAMBDACTL_TEST_LEAK"));
	assert_null(strstr(res.log.data, "ASAN_OPTIONS"));
	rt_result_release(&res);
	rt_stop(f);
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("LAMBDACTL_TEST_LEAK");
	buf_release(&s);
	check_fds(fx);
}

/* A posted error: Unhandled (as Lambda says now), its type from the
 * header; the process stays. */
static void
test_posted_error(void **state)
{
	struct fixture *fx = *state;
	static const char doc[] =
	    "{\"errorMessage\":\"boom\",\"errorType\":\"MyError\","
	    "\"stackTrace\":[]}";
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	long pid;

	write_bootstrap(fx,
	    "while :; do\n"
	    "\tnext\n"
	    "\tif grep -q plain \"$t/ev\"; then\n"
	    "\t\tprintf 'not json' > \"$t/err\"\n"
	    "\t\tcurl -sS -o /dev/null -X POST --data-binary \"@$t/err\" "
	    "\"$api/invocation/$id/error\"\n"
	    "\t\tcontinue\n"
	    "\tfi\n"
	    "\tprintf '%s' '{\"errorMessage\":\"boom\",\"errorType\":"
	    "\"MyError\",\"stackTrace\":[]}' > \"$t/err\"\n"
	    "\tcurl -sS -o /dev/null -X POST "
	    "-H 'Lambda-Runtime-Function-Error-Type: MyError' "
	    "--data-binary \"@$t/err\" \"$api/invocation/$id/error\"\n"
	    "done\n");
	base_config(&cfg, fx, "fn-error");
	f = start(&cfg);
	pid = rt_pid(f);
	invoke(f, "{}", 2, NULL, &res);
	assert_int_equal(res.outcome, RT_FUNCTION_ERROR);
	assert_string_equal(res.function_error, "Unhandled");
	assert_string_equal(res.error_type, "MyError");
	assert_string_equal(res.payload.data, doc);
	assert_non_null(strstr(res.log.data, "END RequestId: "));
	rt_result_release(&res);

	/* no header, not JSON: Runtime.Unknown, wrapped; still warm */
	invoke(f, "plain", 5, NULL, &res);
	assert_int_equal(res.outcome, RT_FUNCTION_ERROR);
	assert_string_equal(res.function_error, "Unhandled");
	assert_string_equal(res.error_type, "Runtime.Unknown");
	assert_string_equal(res.payload.data, "{\"errorType\":"
	    "\"Runtime.Unknown\",\"errorMessage\":\"not json\"}");
	assert_int_equal(rt_pid(f), pid);
	assert_true(res.init_ms == 0);
	rt_result_release(&res);
	rt_stop(f);
	check_fds(fx);
}

/*
 * Whether process pid is gone (or a zombie: an orphan's reaper may be
 * slow), waiting up to a second for it to go.
 */
static int
gone(pid_t pid)
{
	char path[64], line[256], *p;
	FILE *fp;
	int i, zombie;

	for (i = 0; i < 100; i++) {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return 1;
		snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
		zombie = 0;
		if ((fp = fopen(path, "r")) != NULL) {
			if (fgets(line, sizeof line, fp) != NULL &&
			    (p = strrchr(line, ')')) != NULL)
				zombie = p[1] == ' ' && p[2] == 'Z';
			fclose(fp);
		}
		if (zombie)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* The timeout kills the whole process group; the next start is cold. */
static void
test_timeout(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct buf s = BUF_INIT;
	char *path;
	FILE *fp;
	double t0, secs;
	long pid, sleeper = 0;

	write_bootstrap(fx,
	    "while :; do\n"
	    "\tnext\n"
	    "\tif grep -q sleep \"$t/ev\"; then\n"
	    "\t\techo \"going to sleep\"\n"
	    "\t\tsleep 30 &\n"
	    "\t\techo $! > \"$t/sleeper\"\n"
	    "\t\twait\n"
	    "\tfi\n"
	    "\trespond \"$t/ev\" >/dev/null\n"
	    "done\n");
	base_config(&cfg, fx, "fn-timeout");
	cfg.timeout = 1;
	f = start(&cfg);
	pid = rt_pid(f);
	t0 = now_s();
	invoke(f, "\"sleep\"", 7, NULL, &res);
	secs = now_s() - t0;
	assert_true(secs >= 0.95 && secs < 3.0);
	assert_int_equal(res.outcome, RT_FUNCTION_ERROR);
	assert_string_equal(res.function_error, "Unhandled");
	assert_string_equal(res.error_type, "Sandbox.Timedout");
	buf_addf(&s, "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":"
	    "\"RequestId: %s Error: Task timed out after 1.00 seconds\"}",
	    res.request_id);
	assert_string_equal(res.payload.data, s.data);
	buf_reset(&s);
	buf_addf(&s, " %s Task timed out after 1.00 seconds\n",
	    res.request_id);
	assert_non_null(strstr(res.log.data, s.data));
	assert_true(has_timeout_line(res.log.data, s.data));
	assert_true(line_at(res.log.data, "going to sleep") <
	    line_at(res.log.data, "END RequestId: "));
	assert_true(res.duration_ms >= 990 && res.duration_ms < 2000);
	assert_true(res.log.data[line_at(res.log.data, "20")] == '2');

	/* the bootstrap and its child are gone */
	assert_int_equal(rt_pid(f), 0);
	assert_true(gone((pid_t)pid));
	path = xasprintf("%s/sleeper", fx->dir);
	if ((fp = fopen(path, "r")) != NULL) {
		assert_int_equal(fscanf(fp, "%ld", &sleeper), 1);
		fclose(fp);
	}
	free(path);
	assert_true(sleeper > 0);
	assert_true(gone((pid_t)sleeper));
	rt_result_release(&res);

	/* restarted, cold */
	invoke(f, "{}", 2, NULL, &res);
	expect_ok(&res);
	assert_string_equal(res.payload.data, "{}");
	assert_true(res.init_ms > 0);
	assert_true(rt_pid(f) > 0 && rt_pid(f) != pid);
	assert_non_null(strstr(res.log.data, "\tInit Duration: "));
	rt_result_release(&res);
	rt_stop(f);
	buf_release(&s);
	check_fds(fx);
}

/* A bootstrap that exits during init: Runtime.ExitError. */
static void
test_init_crash(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct buf s = BUF_INIT;

	write_bootstrap(fx, "echo booting\nexit 3\n");
	base_config(&cfg, fx, "fn-crash");
	f = start(&cfg);
	invoke(f, "{}", 2, NULL, &res);
	assert_int_equal(res.outcome, RT_FUNCTION_ERROR);
	assert_string_equal(res.function_error, "Unhandled");
	assert_string_equal(res.error_type, "Runtime.ExitError");
	buf_addf(&s, "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":"
	    "\"RequestId: %s Error: Runtime exited with error: exit status "
	    "3\"}", res.request_id);
	assert_string_equal(res.payload.data, s.data);
	assert_true(has_line(res.log.data, "booting"));
	assert_true(has_line(res.log.data, "Runtime.ExitError"));
	buf_reset(&s);
	buf_addf(&s, "RequestId: %s Error: Runtime exited with error: "
	    "exit status 3", res.request_id);
	assert_true(has_line(res.log.data, s.data));
	assert_true(line_at(res.log.data, "START RequestId: ") <
	    line_at(res.log.data, "END RequestId: "));
	assert_non_null(strstr(res.log.data, "\tInit Duration: "));
	assert_true(res.init_ms > 0);
	assert_int_equal(rt_pid(f), 0);
	rt_result_release(&res);

	/* restarted on the next invocation; killed by a signal this time */
	write_bootstrap(fx, "kill -KILL $$\n");
	invoke(f, "{}", 2, NULL, &res);
	assert_string_equal(res.error_type, "Runtime.ExitError");
	assert_non_null(strstr(res.payload.data,
	    "Runtime exited with error: signal: killed\"}"));
	rt_result_release(&res);

	/* and one that exits after answering is restarted, cold */
	write_bootstrap(fx, "next\nrespond \"$t/ev\" >/dev/null\nexit 0\n");
	invoke(f, "{}", 2, NULL, &res);
	expect_ok(&res);
	rt_result_release(&res);
	invoke(f, "[1]", 3, NULL, &res);
	expect_ok(&res);
	assert_string_equal(res.payload.data, "[1]");
	assert_true(res.init_ms > 0);
	rt_result_release(&res);
	rt_stop(f);
	buf_release(&s);
	check_fds(fx);
}

/* POST .../init/error: its type and document; the process is killed. */
static void
test_init_error(void **state)
{
	struct fixture *fx = *state;
	static const char doc[] =
	    "{\"errorMessage\":\"missing config\",\"errorType\":\"Config\"}";
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	double t0;

	write_bootstrap(fx,
	    "printf '%s' '{\"errorMessage\":\"missing config\","
	    "\"errorType\":\"Config\"}' > \"$t/ie\"\n"
	    "curl -sS -o /dev/null -X POST "
	    "-H 'Lambda-Runtime-Function-Error-Type: Runtime.InitError' "
	    "--data-binary \"@$t/ie\" \"$api/init/error\"\n"
	    "echo posted\n"
	    "sleep 30\n");
	base_config(&cfg, fx, "fn-init-error");
	f = start(&cfg);
	t0 = now_s();
	invoke(f, "{}", 2, NULL, &res);
	assert_true(now_s() - t0 < 5);
	assert_int_equal(res.outcome, RT_FUNCTION_ERROR);
	assert_string_equal(res.function_error, "Unhandled");
	assert_string_equal(res.error_type, "Runtime.InitError");
	assert_string_equal(res.payload.data, doc);
	assert_true(res.init_ms > 0);
	assert_int_equal(rt_pid(f), 0);
	rt_result_release(&res);
	rt_stop(f);
	check_fds(fx);
}

/* Protocol errors: an unknown id, a second answer, an unknown path. */
static void
test_protocol_errors(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct buf both = BUF_INIT;

	write_bootstrap(fx,
	    "while :; do\n"
	    "\tnext\n"
	    "\tcode=$(curl -sS -o \"$t/bad\" -w '%{http_code}' -X POST "
	    "--data-binary '{}' \"$api/invocation/not-a-real-id/response\")\n"
	    "\techo \"bogus status: $code $(cat \"$t/bad\")\"\n"
	    "\tcode=$(curl -sS -o /dev/null -w '%{http_code}' "
	    "\"$api/no/such/path\")\n"
	    "\techo \"path status: $code\"\n"
	    "\tcode=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "
	    "--data-binary '{}' \"$api/invocation/next\")\n"
	    "\techo \"method status: $code\"\n"
	    "\tcode=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "
	    "--data-binary '{}' \"$api/init/error\")\n"
	    "\techo \"late init error: $code\"\n"
	    "\trespond \"$t/ev\" > \"$t/code\"\n"
	    "\techo \"respond status: $(cat \"$t/code\")\"\n"
	    "\techo \"again status: $(respond \"$t/ev\")\"\n"
	    "done\n");
	base_config(&cfg, fx, "fn-protocol");
	f = start(&cfg);
	invoke(f, "{\"n\":1}", 7, NULL, &res);
	expect_ok(&res);
	assert_string_equal(res.payload.data, "{\"n\":1}");
	assert_true(has_line(res.log.data, "bogus status: 400 "
	    "{\"errorMessage\":\"Invalid request ID\","
	    "\"errorType\":\"InvalidRequestID\"}"));
	assert_true(has_line(res.log.data, "path status: 404"));
	assert_true(has_line(res.log.data, "method status: 405"));
	assert_true(has_line(res.log.data, "late init error: 403"));
	/*
	 * What it prints after answering is the invocation's, up to its next
	 * GET .../next (or the next invocation's, on a very busy machine).
	 */
	buf_add(&both, res.log.data, res.log.len);
	rt_result_release(&res);
	invoke(f, "{}", 2, NULL, &res);
	buf_add(&both, res.log.data, res.log.len);
	assert_true(has_line(both.data, "respond status: 202"));
	assert_true(has_line(both.data, "again status: 403"));
	rt_result_release(&res);
	rt_stop(f);
	buf_release(&both);
	check_fds(fx);
}

/* The event's headers: client context, ARN, deadline, trace id. */
static void
test_headers(void **state)
{
	struct fixture *fx = *state;
	static const char cc[] = "{\"custom\":{\"k\":\"v\"},\"env\":{}}";
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct buf s = BUF_INIT;
	const char *p;
	long long deadline, now;

	write_bootstrap(fx,
	    "while :; do\n"
	    "\tnext\n"
	    "\ttr -d '\\r' < \"$t/h\" | grep -i '^lambda-runtime-'\n"
	    "\trespond \"$t/ev\" >/dev/null\n"
	    "done\n");
	base_config(&cfg, fx, "fn-headers");
	cfg.timeout = 7;
	f = start(&cfg);
	invoke(f, "{}", 2, cc, &res);
	expect_ok(&res);
	buf_addf(&s, "Lambda-Runtime-Client-Context: %s", cc);
	assert_true(has_line(res.log.data, s.data));
	buf_reset(&s);
	buf_addf(&s, "Lambda-Runtime-Aws-Request-Id: %s", res.request_id);
	assert_true(has_line(res.log.data, s.data));
	assert_true(has_line(res.log.data, "Lambda-Runtime-Invoked-Function-"
	    "Arn: arn:aws:lambda:eu-west-1:123456789012:function:fn-headers"));
	p = res.log.data + line_at(res.log.data, "Lambda-Runtime-Trace-Id: ");
	assert_int_equal(strncmp(p, "Lambda-Runtime-Trace-Id: Root=1-", 32), 0);
	p = res.log.data + line_at(res.log.data,
	    "Lambda-Runtime-Deadline-Ms: ");
	deadline = strtoll(p + strlen("Lambda-Runtime-Deadline-Ms: "), NULL,
	    10);
	now = (long long)time(NULL) * 1000;
	assert_true(deadline > now + 5000 && deadline < now + 8000);
	rt_result_release(&res);

	invoke(f, "{}", 2, NULL, &res);
	assert_null(strstr(res.log.data, "Lambda-Runtime-Client-Context"));
	rt_result_release(&res);
	rt_stop(f);
	buf_release(&s);
	check_fds(fx);
}

/* A response over 6 MB: 413 to the runtime, a function error to us. */
static void
test_too_large(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct buf both = BUF_INIT;
	long pid;

	write_bootstrap(fx,
	    "head -c 7000000 /dev/zero | tr '\\0' a > \"$t/big\"\n"
	    "while :; do\n"
	    "\tnext\n"
	    "\techo \"status: $(respond \"$t/big\")\"\n"
	    "done\n");
	base_config(&cfg, fx, "fn-big");
	f = start(&cfg);
	pid = rt_pid(f);
	invoke(f, "{}", 2, NULL, &res);
	assert_int_equal(res.outcome, RT_FUNCTION_ERROR);
	assert_string_equal(res.function_error, "Unhandled");
	assert_string_equal(res.error_type, "Function.ResponseSizeTooLarge");
	assert_string_equal(res.payload.data, "{\"errorType\":\"Function."
	    "ResponseSizeTooLarge\",\"errorMessage\":\"Response payload size "
	    "exceeded maximum allowed payload size (6291556 bytes).\"}");
	buf_add(&both, res.log.data, res.log.len);
	rt_result_release(&res);
	invoke(f, "{}", 2, NULL, &res);
	buf_add(&both, res.log.data, res.log.len);
	if (!has_line(both.data, "status: 413"))
		fail_msg("no 'status: 413' in:\n%s", both.data);
	assert_int_equal(rt_pid(f), pid);
	rt_result_release(&res);
	rt_stop(f);
	buf_release(&both);
	check_fds(fx);
}

/* What rt_start refuses: no bootstrap, one that cannot run. */
static void
test_start_errors(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f = NULL;
	struct lc_err err = { 0 };

	base_config(&cfg, fx, "fn-none");
	assert_int_equal(rt_start(&f, &cfg, &err), -1);
	assert_null(f);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_non_null(strstr(err.msg, "no bootstrap"));

	write_file(fx->dir, "bootstrap", "#!/bin/sh\n", 0644);
	assert_int_equal(rt_start(&f, &cfg, &err), -1);
	assert_null(f);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_non_null(strstr(err.msg, "Permission denied"));

	cfg.task_root = "/nonexistent/lambdactl";
	assert_int_equal(rt_start(&f, &cfg, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/lambdactl"));
	check_fds(fx);
}

/* exec's ENOENT for a bootstrap that exists: CRLF, or no interpreter. */
static void
test_start_shebang(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f = NULL;
	struct lc_err err = { 0 };

	base_config(&cfg, fx, "fn-crlf");
	write_file(fx->dir, "bootstrap", "#!/bin/sh\r\necho hi\r\n", 0755);
	assert_int_equal(rt_start(&f, &cfg, &err), -1);
	assert_null(f);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_non_null(strstr(err.msg, "has CRLF line endings (its first "
	    "line is '#!/bin/sh\\r'): convert it with dos2unix"));
	assert_null(strstr(err.msg, "No such file"));

	write_file(fx->dir, "bootstrap", "#!/nonexistent/sh\n", 0755);
	assert_int_equal(rt_start(&f, &cfg, &err), -1);
	assert_non_null(strstr(err.msg, "the interpreter of '"));
	assert_non_null(strstr(err.msg, "(#!/nonexistent/sh) does not exist"));
	check_fds(fx);
}

/* The Runtime API's state machine, in memory (rt_api_request). */
static void
test_api_in_memory(void **state)
{
	struct rt_function *f = rt_api_fake();
	struct buf r = BUF_INIT;
	const char *id1 = "00000000-0000-4000-8000-000000000001";
	char *url;

	(void)state;
	/* Nothing pending: a real server would wait. */
	assert_int_equal(rt_api_request(f, "GET",
	    "/2018-06-01/runtime/invocation/next", NULL, "", 0, &r), 0);
	rt_api_fake_invoke(f);
	url = xasprintf("/2018-06-01/runtime/invocation/%s/response", id1);
	/* Answering before it was handed out: not its id yet. */
	assert_int_equal(rt_api_request(f, "POST", url, NULL, "x", 1, &r),
	    400);
	assert_non_null(strstr(r.data, "InvalidRequestID"));
	assert_int_equal(rt_api_request(f, "GET",
	    "/2018-06-01/runtime/invocation/next", NULL, "", 0, &r), 200);
	assert_string_equal(r.data, "{}");
	assert_int_equal(rt_api_request(f, "GET",
	    "/2018-06-01/runtime/invocation/next", NULL, "", 0, &r), 403);
	assert_int_equal(rt_api_request(f, "POST", url, NULL, "{\"a\":1}", 7,
	    &r), 202);
	assert_int_equal(rt_api_request(f, "POST", url, NULL, "{}", 2, &r),
	    403);
	assert_int_equal(rt_api_request(f, "POST",
	    "/2018-06-01/runtime/init/error", "X", "{}", 2, &r), 403);
	assert_int_equal(rt_api_request(f, "PUT", url, NULL, "", 0, &r), 405);
	assert_int_equal(rt_api_request(f, "GET", "/2018-06-01/runtime/x",
	    NULL, "", 0, &r), 404);
	free(url);
	buf_release(&r);
	rt_stop(f);
}

/* One thread's share of test_parallel. */
struct worker {
	struct rt_function	*f;
	int			 n;
	int			 ok;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct lc_err err;
	struct rt_result res;
	char payload[64];
	int i;

	w->ok = 1;
	for (i = 0; i < 5; i++) {
		snprintf(payload, sizeof payload, "{\"w\":%d,\"i\":%d}", w->n,
		    i);
		struct rt_request rq = { payload, strlen(payload), NULL, NULL,
		    NULL, NULL };

		if (rt_invoke(w->f, &rq, &res, &err) == -1) {
			w->ok = 0;
			return NULL;
		}
		if (res.outcome != RT_OK ||
		    strcmp(res.payload.data, payload) != 0)
			w->ok = 0;
		rt_result_release(&res);
	}
	return NULL;
}

/*
 * rt_stop is prompt whatever the bootstrap left running: a child in its
 * process group, a grandchild in a session of its own holding the output.
 */
static void
test_stop_hygiene(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	double t0;
	long pid;

	write_bootstrap(fx, "sleep 30 &\nsetsid sleep 2 &\n" ECHO_LOOP);
	base_config(&cfg, fx, "fn-stop");
	f = start(&cfg);
	invoke(f, "{}", 2, NULL, &res);
	expect_ok(&res);
	rt_result_release(&res);
	pid = rt_pid(f);
	t0 = now_s();
	rt_stop(f);
	assert_true(now_s() - t0 < 1.0);
	assert_true(gone((pid_t)pid));

	/* stopped during init, before any invocation */
	write_bootstrap(fx, "sleep 30\n");
	f = start(&cfg);
	t0 = now_s();
	rt_stop(f);
	assert_true(now_s() - t0 < 1.0);
	check_fds(fx);
}

/* Several functions, each driven by its own thread, as `serve` does. */
static void
test_parallel(void **state)
{
	struct fixture *fx = *state;
	struct rt_config cfg;
	struct worker w[3];
	pthread_t th[3];
	char *dirs[3];
	int i;

	for (i = 0; i < 3; i++) {
		dirs[i] = xasprintf("%s/fn%d", fx->dir, i);
		assert_int_equal(mkdir(dirs[i], 0755), 0);
		write_file(dirs[i], "bootstrap", PRELUDE ECHO_LOOP, 0755);
		base_config(&cfg, fx, "fn-parallel");
		cfg.task_root = dirs[i];
		w[i].f = start(&cfg);
		w[i].n = i;
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_main,
		    &w[i]), 0);
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_true(w[i].ok);
	}
	for (i = 0; i < 3; i++) {
		rt_stop(w[i].f);
		free(dirs[i]);
	}
	check_fds(fx);
}

/* Entries of the fixture directory whose names start with prefix. */
static int
count_prefix(const char *dir, const char *prefix)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* Unpacks a zip with a bad entry; fails unless unzip_extract refuses it. */
static void
unpack_refused(const struct fixture *fx, const char *name,
    const char *target, const char *want)
{
	struct lc_err err = { 0 };
	char *zpath, *dir = (char *)"x";
	zip_t *za;
	int code;

	zpath = xasprintf("%s/bad.zip", fx->dir);
	za = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	zip_put(za, "bootstrap", "#!/bin/sh\n", S_IFREG | 0755);
	zip_put(za, "s", ".", S_IFLNK | 0777);
	zip_put(za, name, target != NULL ? target : "x",
	    target != NULL ? S_IFLNK | 0777 :
	    S_IFREG | 0644);
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(unzip_extract(zpath, &dir, &err), -1);
	assert_null(dir);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s' -> '%s': %s", name, target ? target : "",
		    err.msg);
	assert_int_equal(count_prefix(fx->dir, "lambdactl-task."), 0);
	free(zpath);
}

/* unzip_extract: modes and symlinks kept, escapes refused; then run it. */
static void
test_unpack(void **state)
{
	struct fixture *fx = *state;
	static const char boot[] = PRELUDE ECHO_LOOP;
	struct rt_config cfg;
	struct rt_function *f;
	struct rt_result res;
	struct lc_err err = { 0 };
	struct stat st;
	char *zpath, *dir, *p, link[64], *tmpdir;
	const char *old;
	ssize_t n;
	zip_t *za;
	int code;

	old = getenv("TMPDIR");
	tmpdir = old != NULL ? xstrdup(old) : NULL;
	setenv("TMPDIR", fx->dir, 1);
	zpath = xasprintf("%s/fn.zip", fx->dir);
	za = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	zip_put(za, "bootstrap", boot, S_IFREG | 0755);
	assert_true(zip_dir_add(za, "lib/", ZIP_FL_ENC_UTF_8) >= 0);
	zip_put(za, "lib/data.txt", "data\n", S_IFREG | 0640);
	zip_put(za, "lib/deep/tool", "#!/bin/sh\n", S_IFREG | 0700);
	zip_put(za, "link", "lib/data.txt", S_IFLNK | 0777);
	zip_put(za, "lib/up", "../bootstrap", S_IFLNK | 0777);
	assert_int_equal(zip_close(za), 0);

	if (unzip_extract(zpath, &dir, &err) == -1)
		fail_msg("unzip_extract: %s", err.msg);
	assert_int_equal(strncmp(dir, fx->dir, strlen(fx->dir)), 0);
	assert_non_null(strstr(dir, "/lambdactl-task."));
	p = xasprintf("%s/bootstrap", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	free(p);
	p = xasprintf("%s/lib/data.txt", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, 5);
	free(p);
	p = xasprintf("%s/lib/deep/tool", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(p);
	p = xasprintf("%s/link", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(p, link, sizeof link - 1);
	assert_int_equal(n, 12);
	link[n] = '\0';
	assert_string_equal(link, "lib/data.txt");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 5);
	free(p);
	p = xasprintf("%s/lib/up", dir);
	n = readlink(p, link, sizeof link - 1);
	assert_int_equal(n, 12);
	free(p);

	/* what invoke --local does with it */
	memset(&cfg, 0, sizeof cfg);
	cfg.name = "fn-zip";
	cfg.task_root = dir;
	cfg.memory = 128;
	cfg.timeout = 5;
	f = start(&cfg);
	invoke(f, "{\"zip\":true}", 12, NULL, &res);
	expect_ok(&res);
	assert_string_equal(res.payload.data, "{\"zip\":true}");
	rt_result_release(&res);
	rt_stop(f);
	unzip_remove_tree(dir);
	assert_int_equal(lstat(dir, &st), -1);
	free(dir);

	unpack_refused(fx, "evil", "../outside", "points outside");
	unpack_refused(fx, "lib/evil", "../../outside", "points outside");
	unpack_refused(fx, "evil", "/etc/passwd", "points outside");
	unpack_refused(fx, "a", "s/..", "points outside");
	unpack_refused(fx, "../escape", NULL, "refusing entry");
	unpack_refused(fx, "/abs", NULL, "refusing entry");
	unpack_refused(fx, "x/../../y", NULL, "refusing entry");

	p = xasprintf("%s/missing.zip", fx->dir);
	assert_int_equal(unzip_extract(p, &dir, &err), -1);
	assert_int_equal(err.status, LC_ECONFIG);
	free(p);

	if (tmpdir != NULL)
		setenv("TMPDIR", tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(tmpdir);
	free(zpath);
	check_fds(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_echo_warm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_environment, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_posted_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_crash, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_init_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_protocol_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_start_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_start_shebang, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_api_in_memory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop_hygiene, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parallel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unpack, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
