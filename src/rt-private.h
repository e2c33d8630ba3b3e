/*
 * rt-private.h - the local runtime's one shared state, for runtime.c,
 * rt-proc.c and rt-api.c only (as aws-c-auth keeps private/ headers):
 * struct rt_function, its lock, and what each of the three files offers
 * the other two.
 *
 * runtime.c   start, invoke, stop: the invocation from begin to log frame
 * rt-proc.c   the bootstrap process: environment, spawn, process group,
 *             reaper and reader threads, peak memory, kill
 * rt-api.c    the Runtime API: handlers (also driven in memory through
 *             rt_api_request) and their server (httpd.h)
 *
 * Threads: the caller of rt_invoke; httpd's listener and one thread per
 * connection (the bootstrap's GET .../next blocks in one of them until an
 * event is pending); and per bootstrap a reaper and a reader of its
 * output.  The reaper waits with WNOWAIT, so the pid (the process group
 * id) cannot be reused before rt_proc_kill has killed the group and
 * reaped the child.  Everything below is under f->mu and announced on
 * f->cv, but for the configuration, set before any thread starts.
 */
#ifndef LC_RT_PRIVATE_H
#define LC_RT_PRIVATE_H

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "langrt.h"
#include "runtime.h"

/* Lambda's limit on a synchronous response (and error), in bytes. */
#define RT_MAX_RESPONSE	6291556
#define RT_ACCOUNT	"123456789012"

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

struct httpd;

struct rt_function {
	/* The configuration, copied. */
	char		*name;
	char		*task_root;	/* absolute */
	char		*bootstrap;	/* what is exec'd: launch.argv[0] */
	/* A managed runtime's launch (langrt.h); argv NULL: bootstrap. */
	struct langrt_launch launch;
	char		*arn;
	long		 memory;
	long		 timeout;
	char		**envp;		/* NULL-terminated; wiped when freed */
	size_t		 nenvp;

	struct httpd	*httpd;		/* the Runtime API server */
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

	/* The invocation; what rq points to is rt_invoke's. */
	enum inv_state	 state;
	char		 id[40];
	char		 prev_id[40];	/* the one before: answered or over */
	const void	*payload;
	size_t		 len;
	const char	*client_context;
	const char	*trace_id;	/* NULL: a new one */
	const char	*qualifier;	/* NULL: the unqualified ARN */
	double		 claimed;	/* monotonic ms when handed out; 0 */
	unsigned long	 nready;	/* GET .../next requests so far */
	unsigned long	 ready_claim;	/* nready when it was handed out */
	enum inv_answer	 answer;
	char		 answer_type[128];
	struct buf	 answer_body;
};

static inline void
rt_lock(struct rt_function *f)
{
	pthread_mutex_lock(&f->mu);
}

static inline void
rt_unlock(struct rt_function *f)
{
	pthread_mutex_unlock(&f->mu);
}

/* runtime.c */

/* A zeroed function with its lock, condition and buffers set up. */
struct rt_function *rt_function_new(void);
/* Waits on f->cv (f->mu held) until woken or the monotonic ms until. */
int rt_wait_until(struct rt_function *f, double until);
/*
 * Makes an invocation pending (f->mu held): id, and rq's payload, client
 * context, trace id and qualifier (borrowed until it is over), no answer
 * yet.
 */
void rt_pend(struct rt_function *f, const char *id,
    const struct rt_request *rq);
/* Appends a framing line (START, END, ...) to f->log, on its own line. */
void rt_log_frame(struct rt_function *f, const char *fmt, ...)
    LC_PRINTF(2, 3);
/* Appends the bootstrap's output to f->log, up to a limit (f->mu held). */
void rt_log_output(struct rt_function *f, const char *data, size_t n);
/*
 * Waits (f->mu held) a little for the reader to take what the bootstrap
 * wrote so far: output before a request then lands before or after it.
 */
void rt_drain_locked(struct rt_function *f);
/* Writes n random bytes as 2n lowercase hex digits and a NUL into s. */
void rt_random_hex(char *s, size_t n);
/* Replaces b with the JSON object {k1: v1, k2: v2} (strings). */
void rt_json_pair(struct buf *b, const char *k1, const char *v1,
    const char *k2, const char *v2);

/* rt-proc.c */

/* Builds the bootstrap's environment from scratch (see runtime.h). */
int rt_env_build(struct rt_function *f, const struct rt_config *cfg,
    struct lc_err *err);
/* Starts the bootstrap and its reaper and reader threads. */
int rt_proc_start(struct rt_function *f, struct lc_err *err);
/*
 * Kills the bootstrap's process group and every process it started,
 * reaps it, ends its threads and forgets it; a no-op when none runs.
 */
void rt_proc_kill(struct rt_function *f);
/* The peak resident size of process pid in MB, rounded up; 0: unknown. */
long rt_max_memory_mb(pid_t pid);
/* How the bootstrap ended, in Lambda's words: "signal: killed", ... */
void rt_exit_desc(int code, int status, char *s, size_t size);

/* rt-api.c */

/* Starts the Runtime API server on a free 127.0.0.1 port (f->port). */
int rt_api_start(struct rt_function *f, struct lc_err *err);
/* Stops it (NULL server: a no-op). */
void rt_api_stop(struct rt_function *f);

#endif
