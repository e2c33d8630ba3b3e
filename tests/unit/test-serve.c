/*
 * test-serve.c - serve.c and pool.c driven without processes: a fake
 * runtime (struct pool_ops) records what each instance was started with
 * and ran.  The rt_config every function gets, warm reuse and the
 * concurrency limit, start failures, code swapped by a reload (and the
 * instances running the old code retired), the reloader's change
 * detection, the Event queue's order, and (last, since stopping a server
 * marks the process as signalled) the Invoke API over loopback.
 */
#define _XOPEN_SOURCE 700	/* nftw */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "manifest.h"
#include "pool.h"
#include "proc.h"
#include "serve.h"
#include "xmalloc.h"

/* The fake runtime's instance. */
struct rt_function {
	int			 id;
	struct rt_config	 rc;		/* strings not copied */
	char			*root;		/* rc.task_root, copied */
	char			 code[64];	/* root/bootstrap at start */
};

/* What the fake runtime saw, across instances. */
static struct {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 started;
	int			 stopped;
	int			 fail_start;	/* the next start fails */
	int			 hold;		/* invocations wait while set */
	int			 busy;		/* invocations running */
	int			 max_busy;
	struct buf		 ran;		/* "payload@id " per invocation */
	struct rt_function	*last;		/* the last one started */
	int			 fail_invoke;	/* invocations fail while set */
	struct buf		 ids;		/* "request id " per invocation */
} fake = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0,
    0, 0, BUF_INIT, NULL, 0, BUF_INIT };

/* The first bytes of task_root/bootstrap, into code. */
static void
read_code(const char *task_root, char code[64])
{
	char *path = xasprintf("%s/bootstrap", task_root);
	FILE *fp = fopen(path, "rb");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(code, 1, 63, fp);
		fclose(fp);
	}
	code[n] = '\0';
	free(path);
}

static int
fake_start(struct rt_function **fp, const struct rt_config *cfg,
    struct lc_err *err)
{
	struct rt_function *f;

	pthread_mutex_lock(&fake.mu);
	if (fake.fail_start) {
		fake.fail_start = 0;
		pthread_mutex_unlock(&fake.mu);
		return lc_error(err, LC_EFAIL, "cannot start the bootstrap");
	}
	f = xcalloc(1, sizeof *f);
	f->id = ++fake.started;
	f->rc = *cfg;
	f->root = xstrdup(cfg->task_root);
	read_code(f->root, f->code);
	fake.last = f;
	pthread_mutex_unlock(&fake.mu);
	*fp = f;
	return 0;
}

static int
fake_invoke(struct rt_function *f, const struct rt_request *rq,
    struct rt_result *res, struct lc_err *err)
{
	const void *payload = rq->payload;
	size_t len = rq->len;

	(void)err;
	pthread_mutex_lock(&fake.mu);
	fake.busy++;
	if (fake.busy > fake.max_busy)
		fake.max_busy = fake.busy;
	buf_add(&fake.ran, payload, len);
	buf_addf(&fake.ran, "@%d ", f->id);
	buf_addf(&fake.ids, "%s ", rq->request_id != NULL ? rq->request_id :
	    "-");
	pthread_cond_broadcast(&fake.cv);
	while (fake.hold)
		pthread_cond_wait(&fake.cv, &fake.mu);
	fake.busy--;
	pthread_mutex_unlock(&fake.mu);
	snprintf(res->request_id, sizeof res->request_id, "req-%d", f->id);
	if (fake.fail_invoke) {
		res->outcome = RT_FUNCTION_ERROR;
		res->function_error = "Unhandled";
		snprintf(res->error_type, sizeof res->error_type, "Boom");
	}
	buf_addf(&res->payload, "{\"instance\": %d}", f->id);
	buf_addf(&res->log, "START %s\nEND\n", f->rc.name);
	return 0;
}

static void
fake_stop(struct rt_function *f)
{
	pthread_mutex_lock(&fake.mu);
	fake.stopped++;
	if (fake.last == f)
		fake.last = NULL;
	pthread_mutex_unlock(&fake.mu);
	free(f->root);
	free(f);
}

static const struct pool_ops fake_ops = { fake_start, fake_invoke, fake_stop };

/* What the hooks heard. */
struct heard {
	pthread_mutex_t	mu;
	struct buf	events;		/* "I: msg\n" or "W: msg\n" */
	struct buf	logs;		/* "fn: log" */
	int		builds;
};

static void
on_log(void *arg, const char *fn_name, const struct rt_result *res)
{
	struct heard *h = arg;

	pthread_mutex_lock(&h->mu);
	buf_addf(&h->logs, "%s: %s", fn_name, res->log.data);
	pthread_mutex_unlock(&h->mu);
}

static void
on_event(void *arg, enum serve_level level, const char *msg)
{
	struct heard *h = arg;

	pthread_mutex_lock(&h->mu);
	buf_addf(&h->events, "%c: %s\n", level == SERVE_INFO ? 'I' : 'W', msg);
	pthread_mutex_unlock(&h->mu);
}

static void
on_build(void *arg, const struct manifest_fn *fn)
{
	struct heard *h = arg;

	(void)fn;
	pthread_mutex_lock(&h->mu);
	h->builds++;
	pthread_mutex_unlock(&h->mu);
}

struct fixture {
	char		 dir[128];
	char		*oldtmp;
	char		*oldcache;
	struct manifest	 m;
	struct heard	 heard;
	struct serve	*sv;
	int		 nfds;
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
}

static void
make_dir(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);

	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/*
 * The number of task roots cached under dir (XDG_CACHE_HOME is dir/cache):
 * trees named by their key (tmp 0), or half-made ones (tmp 1).
 */
static int
count_in_cache(const char *dir, int tmp)
{
	char *tasks = xasprintf("%s/cache/lambdactl/tasks", dir);
	struct dirent *de;
	DIR *d = opendir(tasks);
	int n = 0;

	free(tasks);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += tmp ? strncmp(de->d_name, "lambdactl-task.", 15) == 0 :
		    strlen(de->d_name) == 64;
	closedir(d);
	return n;
}

static int
count_roots(const char *dir)
{
	return count_in_cache(dir, 0);
}

/* Cached task roots are read-only: writable again, to be removed. */
static void
make_writable(const char *dir)
{
	char *cmd = xasprintf("chmod -R u+w '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static const char manifest_text[] =
    "role: lambda-exec\n"
    "runtime: provided.al2023\n"
    "functions:\n"
    "  a: { artifact: task/a }\n"
    "  b:\n"
    "    artifact: task/b\n"
    "    handler: my.handler\n"
    "    memory: 256\n"
    "    timeout: 7\n"
    "    environment: { GREETING: hello, OTHER: x }\n"
    "  one: { artifact: one.sh, build: 'true' }\n";

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	const char *tmp = getenv("TMPDIR");
	struct lc_err err;
	char *path, *real;

	snprintf(fx->dir, sizeof fx->dir, "%s/lc-test-serve.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL || (real = realpath(fx->dir,
	    NULL)) == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "%s", real);
	free(real);
	/* Task roots in the fixture, to be counted. */
	fx->oldtmp = tmp != NULL ? xstrdup(tmp) : NULL;
	setenv("TMPDIR", fx->dir, 1);
	tmp = getenv("XDG_CACHE_HOME");
	fx->oldcache = tmp != NULL ? xstrdup(tmp) : NULL;
	path = xasprintf("%s/cache", fx->dir);
	setenv("XDG_CACHE_HOME", path, 1);
	free(path);
	make_dir(fx->dir, "task");
	make_dir(fx->dir, "task/a");
	make_dir(fx->dir, "task/a/lib");
	make_dir(fx->dir, "task/b");
	write_file(fx->dir, "task/a/bootstrap", "#!/bin/sh\n# a v1\n");
	write_file(fx->dir, "task/a/lib/x", "x\n");
	write_file(fx->dir, "task/b/bootstrap", "#!/bin/sh\n# b\n");
	write_file(fx->dir, "one.sh", "#!/bin/sh\n# one v1\n");
	write_file(fx->dir, "lambda.yml", manifest_text);
	path = xasprintf("%s/lambda.yml", fx->dir);
	if (manifest_load(&fx->m, path, &err) == -1)
		fail_msg("%s", err.msg);
	free(path);
	pthread_mutex_init(&fx->heard.mu, NULL);
	buf_release(&fake.ran);
	fake.started = fake.stopped = fake.busy = fake.max_busy = 0;
	fake.hold = fake.fail_start = fake.fail_invoke = 0;
	buf_release(&fake.ids);
	fx->nfds = count_fds();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	serve_free(fx->sv);
	assert_int_equal(fake.started, fake.stopped);
	/* The task roots stay cached; nothing half-made is left. */
	assert_int_equal(count_in_cache(fx->dir, 1), 0);
	assert_int_equal(count_fds(), fx->nfds);
	make_writable(fx->dir);
	nftw(fx->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	manifest_release(&fx->m);
	buf_release(&fx->heard.events);
	buf_release(&fx->heard.logs);
	pthread_mutex_destroy(&fx->heard.mu);
	if (fx->oldtmp != NULL)
		setenv("TMPDIR", fx->oldtmp, 1);
	else
		unsetenv("TMPDIR");
	if (fx->oldcache != NULL)
		setenv("XDG_CACHE_HOME", fx->oldcache, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	free(fx->oldtmp);
	free(fx->oldcache);
	free(fx);
	buf_release(&fake.ran);
	buf_release(&fake.ids);
	return 0;
}

/* serve_new on the named functions, with conc instances each. */
static void
serve_fns(struct fixture *fx, size_t conc, const char *const *names,
    size_t n, const char *const *extra, size_t nextra)
{
	struct serve_fn fns[4];
	struct serve_opts o;
	struct lc_err err;
	size_t i;

	assert_true(n <= 4);
	for (i = 0; i < n; i++) {
		fns[i].fn = manifest_find(&fx->m, names[i]);
		assert_non_null(fns[i].fn);
		fns[i].region = i == 0 ? "us-west-2" : "eu-west-3";
	}
	memset(&o, 0, sizeof o);
	o.dir = fx->m.dir;
	o.concurrency = conc;
	o.extra_env = extra;
	o.nextra = nextra;
	o.ops = &fake_ops;
	o.hooks.arg = &fx->heard;
	o.hooks.on_log = on_log;
	o.hooks.on_event = on_event;
	o.hooks.on_build = on_build;
	if (serve_new(&fx->sv, &o, fns, n, &err) == -1)
		fail_msg("serve_new: %s", err.msg);
}

/* One invocation of function fn; the instance that ran it. */
static int
invoke(struct fixture *fx, size_t fn, const char *payload)
{
	struct rt_result res;
	struct lc_err err;
	int id = 0;

	struct rt_request rq = { payload, strlen(payload), NULL, NULL, NULL,
	    NULL };

	if (serve_invoke(fx->sv, fn, &rq, &res, &err) == -1)
		fail_msg("serve_invoke: %s", err.msg);
	assert_int_equal(sscanf(res.payload.data, "{\"instance\": %d}", &id),
	    1);
	rt_result_release(&res);
	return id;
}

/* Each function's instances run with its own settings and code. */
static void
test_config(void **state)
{
	static const char *const names[] = { "a", "b" };
	static const char *const extra[] = { "AWS_ACCESS_KEY_ID=AKID" };
	struct fixture *fx = *state;
	struct rt_function *f;

	serve_fns(fx, 1, names, 2, extra, 1);
	invoke(fx, 1, "{}");
	f = fake.last;
	assert_non_null(f);
	assert_string_equal(f->rc.name, "b");
	assert_string_equal(f->rc.handler, "my.handler");
	assert_int_equal(f->rc.memory, 256);
	assert_int_equal(f->rc.timeout, 7);
	assert_string_equal(f->rc.region, "eu-west-3");
	assert_int_equal(f->rc.nenv, 2);
	assert_string_equal(f->rc.env[0].key, "GREETING");
	assert_int_equal(f->rc.nextra, 1);
	assert_string_equal(f->rc.extra_env[0], "AWS_ACCESS_KEY_ID=AKID");
	assert_string_equal(f->code, "#!/bin/sh\n# b\n");
	assert_non_null(strstr(f->root, "/cache/lambdactl/tasks/"));
	invoke(fx, 0, "{}");
	f = fake.last;
	assert_string_equal(f->rc.name, "a");
	assert_null(f->rc.handler);
	assert_int_equal(f->rc.memory, 128);
	assert_string_equal(f->rc.region, "us-west-2");
	assert_string_equal(f->code, "#!/bin/sh\n# a v1\n");
	/* Each function its own task root; no build command ran. */
	assert_int_equal(count_roots(fx->dir), 2);
	assert_int_equal(fx->heard.builds, 0);
}

/* Sequential invocations reuse one warm instance; each log is heard. */
static void
test_warm_reuse(void **state)
{
	static const char *const names[] = { "a" };
	struct fixture *fx = *state;

	serve_fns(fx, 4, names, 1, NULL, 0);
	assert_int_equal(invoke(fx, 0, "1"), 1);
	assert_int_equal(invoke(fx, 0, "2"), 1);
	assert_int_equal(invoke(fx, 0, "3"), 1);
	assert_int_equal(fake.started, 1);
	assert_string_equal(fake.ran.data, "1@1 2@1 3@1 ");
	assert_string_equal(fx->heard.logs.data,
	    "a: START a\nEND\na: START a\nEND\na: START a\nEND\n");
}

struct call {
	struct fixture	*fx;
	const char	*payload;
	int		 id;
};

static void *
call_main(void *arg)
{
	struct call *c = arg;

	c->id = invoke(c->fx, 0, c->payload);
	return NULL;
}

/* Waits (bounded) until n invocations are running in the fake. */
static void
await_busy(int n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&fake.mu);
	while (fake.busy < n)
		if (pthread_cond_timedwait(&fake.cv, &fake.mu, &ts) != 0)
			break;
	assert_int_equal(fake.busy, n);
	pthread_mutex_unlock(&fake.mu);
}

/* Waits (bounded) until an invocation with this payload ran. */
static void
await_ran(const char *payload)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&fake.mu);
	while (strstr(fake.ran.data, payload) == NULL)
		if (pthread_cond_timedwait(&fake.cv, &fake.mu, &ts) != 0)
			break;
	assert_non_null(strstr(fake.ran.data, payload));
	pthread_mutex_unlock(&fake.mu);
}

static void
release_hold(void)
{
	pthread_mutex_lock(&fake.mu);
	fake.hold = 0;
	pthread_cond_broadcast(&fake.cv);
	pthread_mutex_unlock(&fake.mu);
}

/* Up to --concurrency instances at once; a third invocation waits. */
static void
test_concurrency(void **state)
{
	static const char *const names[] = { "a" };
	struct fixture *fx = *state;
	struct timespec nap = { 0, 200 * 1000000L };
	struct call c[3];
	pthread_t t[3];
	int i;

	serve_fns(fx, 2, names, 1, NULL, 0);
	fake.hold = 1;
	for (i = 0; i < 3; i++) {
		c[i].fx = fx;
		c[i].payload = i == 0 ? "x" : i == 1 ? "y" : "z";
		assert_int_equal(pthread_create(&t[i], NULL, call_main, &c[i]),
		    0);
	}
	await_busy(2);
	/* Time for the third to wrongly start a third instance. */
	nanosleep(&nap, NULL);
	pthread_mutex_lock(&fake.mu);
	assert_int_equal(fake.started, 2);
	assert_int_equal(fake.busy, 2);
	pthread_mutex_unlock(&fake.mu);
	release_hold();
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(fake.started, 2);
	assert_int_equal(fake.max_busy, 2);
	assert_true(c[0].id >= 1 && c[0].id <= 2);
}

/* A start that fails is an error, and frees its place in the pool. */
static void
test_start_failure(void **state)
{
	static const char *const names[] = { "a" };
	struct fixture *fx = *state;
	struct rt_result res;
	struct lc_err err;

	serve_fns(fx, 1, names, 1, NULL, 0);
	fake.fail_start = 1;
	struct rt_request rq = { "{}", 2, NULL, NULL, NULL, NULL };

	assert_int_equal(serve_invoke(fx->sv, 0, &rq, &res, &err), -1);
	assert_string_equal(err.msg, "cannot start the bootstrap");
	assert_int_equal(res.payload.len, 0);
	rt_result_release(&res);
	/* Concurrency 1: had the place leaked, this would wait forever. */
	assert_int_equal(invoke(fx, 0, "{}"), 1);
	assert_string_equal(fx->heard.logs.data, "a: START a\nEND\n");
}

/* Sets path's modification time to sec.nsec. */
static void
set_mtime(const char *dir, const char *name, time_t sec, long nsec)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = sec;
	ts[0].tv_nsec = ts[1].tv_nsec = nsec;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW),
	    0);
	free(path);
}

/* --watch: a change anywhere in the artifact is seen, to the nanosecond. */
static void
test_reload_detects(void **state)
{
	static const char *const names[] = { "a", "one" };
	struct fixture *fx = *state;
	time_t now = time(NULL);
	char *path;

	/* Fixed times, so that a change within one second is one. */
	set_mtime(fx->dir, "task/a/lib/x", now - 100, 0);
	set_mtime(fx->dir, "task/a/lib", now - 100, 0);
	set_mtime(fx->dir, "task/a/bootstrap", now - 100, 0);
	set_mtime(fx->dir, "task/a", now - 100, 0);
	serve_fns(fx, 1, names, 2, NULL, 0);
	/* The build command ran once, announced. */
	assert_int_equal(fx->heard.builds, 1);
	serve_reload_changed(fx->sv);
	assert_int_equal(fx->heard.events.len, 0);
	/* A file deep in the tree, one nanosecond later. */
	set_mtime(fx->dir, "task/a/lib/x", now - 100, 1);
	serve_reload_changed(fx->sv);
	assert_string_equal(fx->heard.events.data, "I: a: reloaded\n");
	serve_reload_changed(fx->sv);
	assert_string_equal(fx->heard.events.data, "I: a: reloaded\n");
	/* A single-file artifact; no build command on a reload. */
	write_file(fx->dir, "one.sh", "#!/bin/sh\n# one v2\n");
	set_mtime(fx->dir, "one.sh", now + 100, 0);
	serve_reload_changed(fx->sv);
	assert_string_equal(fx->heard.events.data, "I: a: reloaded\n"
	    "I: one: reloaded\n");
	assert_int_equal(fx->heard.builds, 1);
	invoke(fx, 1, "{}");
	assert_string_equal(fake.last->code, "#!/bin/sh\n# one v2\n");
	/* Broken code: a warning, and the old code goes on serving. */
	buf_reset(&fx->heard.events);
	path = xasprintf("%s/one.sh", fx->dir);
	assert_int_equal(unlink(path), 0);
	free(path);
	serve_reload_changed(fx->sv);
	assert_non_null(strstr(fx->heard.events.data, "W: one: "));
	assert_int_equal(invoke(fx, 1, "{}"), fake.started);
	assert_string_equal(fake.last->code, "#!/bin/sh\n# one v2\n");
}

/* Whether a pool holds the cache entry of the task root at task. */
static int
root_held(const char *task)
{
	char *entry = xstrdup(task), *slash = strrchr(entry, '/');
	int fd, held;

	*slash = '\0';		/* KEY/task: the entry is KEY */
	fd = open(entry, O_RDONLY | O_DIRECTORY);
	assert_true(fd != -1);
	held = flock(fd, LOCK_EX | LOCK_NB) == -1;
	close(fd);
	free(entry);
	return held;
}

/*
 * New code: the idle instance running the old code is stopped, the next
 * invocation starts one on the new task root, and an instance busy during
 * the swap is retired when it comes back; an old root is held while an
 * instance of its code is, as a busy instance may still read it.
 */
static void
test_reload_retires(void **state)
{
	static const char *const names[] = { "a" };
	struct fixture *fx = *state;
	struct call c = { NULL, "busy", 0 };
	char *old_root, *root2;
	pthread_t t;

	serve_fns(fx, 1, names, 1, NULL, 0);
	assert_int_equal(invoke(fx, 0, "1"), 1);
	old_root = xstrdup(fake.last->root);
	write_file(fx->dir, "task/a/bootstrap", "#!/bin/sh\n# a v2\n");
	set_mtime(fx->dir, "task/a/bootstrap", time(NULL) + 100, 0);
	serve_reload_changed(fx->sv);
	assert_int_equal(fake.stopped, 0);
	assert_true(root_held(old_root));	/* its idle instance */
	assert_int_equal(invoke(fx, 0, "2"), 2);
	assert_int_equal(fake.stopped, 1);
	assert_false(root_held(old_root));
	assert_string_not_equal(fake.last->root, old_root);
	assert_string_equal(fake.last->code, "#!/bin/sh\n# a v2\n");
	assert_int_equal(count_roots(fx->dir), 2);
	root2 = xstrdup(fake.last->root);
	/* Busy while the code changes again. */
	c.fx = fx;
	fake.hold = 1;
	assert_int_equal(pthread_create(&t, NULL, call_main, &c), 0);
	await_busy(1);
	write_file(fx->dir, "task/a/bootstrap", "#!/bin/sh\n# a v3\n");
	set_mtime(fx->dir, "task/a/bootstrap", time(NULL) + 200, 0);
	serve_reload_changed(fx->sv);
	assert_true(root_held(root2));		/* busy on it */
	release_hold();
	pthread_join(t, NULL);
	assert_int_equal(c.id, 2);
	assert_int_equal(fake.stopped, 2);
	assert_false(root_held(root2));
	assert_int_equal(invoke(fx, 0, "3"), 3);
	assert_string_equal(fake.last->code, "#!/bin/sh\n# a v3\n");
	assert_int_equal(count_roots(fx->dir), 3);
	free(old_root);
	free(root2);
}

/* Event invocations run one after another, in the order queued. */
static void
test_event_order(void **state)
{
	static const char *const names[] = { "a", "b" };
	struct fixture *fx = *state;
	struct lc_err err;
	char p[8];
	struct rt_request rq = { NULL, 0, NULL, NULL, NULL, NULL };
	int i;

	serve_fns(fx, 2, names, 2, NULL, 0);
	fake.hold = 1;
	assert_int_equal(serve_start(fx->sv, NULL, &err), 0);
	assert_int_equal(serve_port(fx->sv), 0);
	for (i = 1; i <= 8; i++) {
		snprintf(p, sizeof p, "%d", i);
		rq.payload = p;
		rq.len = strlen(p);
		serve_enqueue(fx->sv, (size_t)(i % 2), &rq);
	}
	/* The first is running: the others wait for it, not beside it. */
	await_busy(1);
	release_hold();
	serve_free(fx->sv);	/* runs what is queued, then stops */
	fx->sv = NULL;
	assert_string_equal(fake.ran.data,
	    "1@1 2@2 3@1 4@2 5@1 6@2 7@1 8@2 ");
	assert_int_equal(fake.max_busy, 1);
	assert_non_null(strstr(fx->heard.logs.data, "b: START b\n"));
}

static char *http(unsigned port, const char *request);

/* Starts fx's serve with the Invoke API on a loopback port: the port. */
static unsigned
start_api(struct fixture *fx)
{
	struct httpd_opts ho;
	struct lc_err err;
	unsigned port;

	memset(&ho, 0, sizeof ho);
	ho.addr.sin_family = AF_INET;
	ho.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ho.max_body = SERVE_MAX_PAYLOAD;
	ho.idle_timeout = 10;
	assert_int_equal(serve_start(fx->sv, &ho, &err), 0);
	assert_true((port = serve_port(fx->sv)) > 0);
	return port;
}

/* A full Event queue answers 429, as a throttled Lambda does. */
static void
test_event_queue_full(void **state)
{
	static const char *const names[] = { "a" };
	struct fixture *fx = *state;
	static const char event[] = "POST /2015-03-31/functions/a/invocations "
	    "HTTP/1.1\r\nHost: x\r\nX-Amz-Invocation-Type: Event\r\n"
	    "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
	struct rt_request rq = { "{}", 2, NULL, NULL, NULL, NULL };
	unsigned port;
	char *r;
	int i;

	serve_fns(fx, 1, names, 1, NULL, 0);
	fake.hold = 1;
	port = start_api(fx);
	serve_enqueue(fx->sv, 0, &rq);
	await_busy(1);		/* the first runs: the rest stay queued */
	for (i = 0; i < SERVE_QUEUE_MAX - 1; i++)
		serve_enqueue(fx->sv, 0, &rq);
	r = http(port, event);
	assert_non_null(strstr(r, "HTTP/1.1 202"));	/* the last place */
	free(r);
	r = http(port, event);
	assert_non_null(strstr(r, "HTTP/1.1 429"));
	assert_non_null(strstr(r, "x-amzn-ErrorType: TooManyRequestsException"));
	assert_non_null(strstr(r, "\"message\":\"Rate Exceeded.\""));
	free(r);
	assert_non_null(strstr(fx->heard.events.data, "a: Event queue full"));
	release_hold();
	serve_free(fx->sv);	/* with the server: as if interrupted */
	fx->sv = NULL;
	proc_interrupt(0);	/* for the tests after this one */
}

/* A failed Event runs twice more, with its request id, and is told. */
static void
test_event_retry(void **state)
{
	static const char *const names[] = { "a" };
	struct fixture *fx = *state;
	struct rt_request rq = { "{}", 2, NULL, "evt-1", NULL, NULL };
	struct timespec ts;
	struct lc_err err;

	serve_fns(fx, 1, names, 1, NULL, 0);
	fake.fail_invoke = 1;
	assert_int_equal(serve_start(fx->sv, NULL, &err), 0);
	serve_enqueue(fx->sv, 0, &rq);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	pthread_mutex_lock(&fake.mu);
	while (strstr(fake.ran.data != NULL ? fake.ran.data : "",
	    "{}@1 {}@1 {}@1 ") == NULL)
		if (pthread_cond_timedwait(&fake.cv, &fake.mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&fake.mu);
	serve_free(fx->sv);
	fx->sv = NULL;
	assert_string_equal(fake.ran.data, "{}@1 {}@1 {}@1 ");
	assert_string_equal(fake.ids.data, "evt-1 evt-1 evt-1 ");
	assert_string_equal(fx->heard.events.data,
	    "W: a: Event evt-1 failed (Boom): retrying in 1000 ms (attempt 2 "
	    "of 3)\n"
	    "W: a: Event evt-1 failed (Boom): retrying in 2000 ms (attempt 3 "
	    "of 3)\n"
	    "W: a: Event evt-1 failed (Boom) after 3 attempts: dropped\n");
}

/* References and qualifiers, as serve_resolve takes them. */
static void
test_resolve(void **state)
{
	static const char *const names[] = { "a", "jobs" };
	struct serve_route r;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(serve_resolve("jobs", NULL, names, 2, "eu-west-1",
	    &r), 0);
	assert_int_equal(r.fn, 1);
	assert_string_equal(r.qualifier, "");
	assert_int_equal(serve_resolve("arn:aws:lambda:eu-west-1:"
	    "123456789012:function:jobs:live", NULL, names, 2, "eu-west-1",
	    &r), 0);
	assert_string_equal(r.qualifier, "live");
	assert_int_equal(serve_resolve("123456789012:function:a", "$LATEST",
	    names, 2, "eu-west-1", &r), 0);
	assert_int_equal(r.fn, 0);
	assert_string_equal(r.qualifier, "$LATEST");
	assert_int_equal(serve_resolve("jobs:live", "live", names, 2,
	    "eu-west-1", &r), 0);
	/* A version: none is published here. */
	assert_int_equal(serve_resolve("jobs", "12", names, 2, "eu-west-1",
	    &r), -1);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.error_type, "ResourceNotFoundException");
	assert_string_equal(r.message, "Function not found: "
	    "arn:aws:lambda:eu-west-1:123456789012:function:jobs:12");
	assert_int_equal(serve_resolve("jobs:bad/q", NULL, names, 2,
	    "eu-west-1", &r), -1);
	assert_int_equal(r.status, 404);
	assert_int_equal(serve_resolve("jobs:a", "b", names, 2, "eu-west-1",
	    &r), -1);
	assert_int_equal(r.status, 400);
	assert_string_equal(r.error_type, "InvalidParameterValueException");
	assert_int_equal(serve_resolve("job", NULL, names, 2, "eu-west-1",
	    &r), -1);
	assert_string_equal(r.message, "Function not found: "
	    "arn:aws:lambda:eu-west-1:123456789012:function:job");
}

/* Payload and client context checks, before anything runs. */
static void
test_route_checks(void **state)
{
	static const char *const names[] = { "a" };
	struct serve_request rq;
	struct serve_route *r = xmalloc(sizeof *r);
	char *big = xmalloc(SERVE_MAX_EVENT + 3);

	(void)state;
	memset(&rq, 0, sizeof rq);
	rq.method = "POST";
	rq.url = SERVE_API_PREFIX "a/invocations";
	rq.body = "{}";
	rq.body_len = 2;
	/* {"k":\n1}, its line break kept: a header takes it as a space. */
	rq.client_context = "eyJrIjoKMX0=";
	serve_route(&rq, names, 1, "us-east-1", r);
	assert_int_equal(r->action, SERVE_INVOKE);
	assert_string_equal(r->client_context, "{\"k\":\n1}");
	rq.client_context = "WzFd";	/* [1]: JSON, no object */
	serve_route(&rq, names, 1, "us-east-1", r);
	assert_int_equal(r->status, 400);
	assert_string_equal(r->message, "Client context must be a valid "
	    "Base64-encoded JSON object.");
	rq.client_context = NULL;
	memset(big, ' ', SERVE_MAX_EVENT + 1);
	big[0] = '1';
	big[SERVE_MAX_EVENT + 1] = '\0';
	rq.body = big;
	rq.body_len = SERVE_MAX_EVENT + 1;
	serve_route(&rq, names, 1, "us-east-1", r);
	assert_int_equal(r->action, SERVE_INVOKE);
	rq.invocation_type = "Event";
	serve_route(&rq, names, 1, "us-east-1", r);
	assert_int_equal(r->status, 413);
	assert_string_equal(r->message, "1048577 byte payload is too large "
	    "for the Event invocation type (limit 1048576 bytes)");
	rq.body_len = SERVE_MAX_EVENT;
	serve_route(&rq, names, 1, "us-east-1", r);
	assert_int_equal(r->action, SERVE_EVENT);
	free(big);
	free(r);
}

/* One HTTP/1.1 exchange with 127.0.0.1:port; the whole answer. */
static char *
http(unsigned port, const char *request)
{
	struct sockaddr_in sa;
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(write(fd, request, strlen(request)),
	    (ssize_t)strlen(request));
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	return buf_detach(&b, NULL);
}

/* The Invoke API in front of the fake: answers as Lambda's. */
static void
test_invoke_api(void **state)
{
	static const char *const names[] = { "a", "b" };
	struct fixture *fx = *state;
	unsigned char tail[64];
	char *r, want[128];
	unsigned port;

	serve_fns(fx, 1, names, 2, NULL, 0);
	port = start_api(fx);
	r = http(port, "POST /2015-03-31/functions/%62/invocations HTTP/1.1\r\n"
	    "Host: x\r\nX-Amz-Log-Type: Tail\r\nContent-Length: 2\r\n"
	    "Connection: close\r\n\r\n{}");
	assert_non_null(strstr(r, "HTTP/1.1 200"));
	assert_non_null(strstr(r, "\r\n\r\n{\"instance\": 1}"));
	assert_non_null(strstr(r, "x-amzn-RequestId: req-1\r\n"));
	EVP_EncodeBlock(tail, (const unsigned char *)"START b\nEND\n", 12);
	snprintf(want, sizeof want, "X-Amz-Log-Result: %s\r\n", tail);
	assert_non_null(strstr(r, want));
	free(r);
	r = http(port, "POST /2015-03-31/functions/a/invocations HTTP/1.1\r\n"
	    "Host: x\r\nX-Amz-Invocation-Type: Event\r\nContent-Length: 5\r\n"
	    "Connection: close\r\n\r\n\"evt\"");
	assert_non_null(strstr(r, "HTTP/1.1 202"));
	free(r);
	r = http(port, "POST /2015-03-31/functions/%2561/invocations "
	    "HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n");
	assert_non_null(strstr(r, "HTTP/1.1 404"));
	assert_non_null(strstr(r, "function:%61\"}"));
	free(r);
	/* The worker runs the Event (a stop would drop it). */
	await_ran("\"evt\"@");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warm_reuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrency, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_start_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_detects, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_retires, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_event_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_event_queue_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_event_retry, setup,
		    teardown),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_route_checks),
		/* Last: stopping a server marks the process signalled. */
		cmocka_unit_test_setup_teardown(test_invoke_api, setup,
		    teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
