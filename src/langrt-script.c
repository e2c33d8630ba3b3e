/*
 * langrt-script.c - Python and Node functions run locally
 * (langrt-private.h): the host's python3 or node started on the runtime
 * loop lambdactl carries (runtimes/python/bootstrap.py,
 * runtimes/node/bootstrap.mjs) with the arguments and environment
 * Lambda's own runtime bootstrap gives it.
 *
 * Python: "python3 -u -B LOOP" (-u: unbuffered, as Lambda's runtime
 * makes stdout and stderr; -B: no __pycache__ written into the task
 * root, which Lambda's is read-only for), PYTHONPATH the loop's
 * directory (Lambda's /var/runtime); the loop puts the task root first
 * on sys.path.  Node: "node --expose-gc --max-http-header-size 81920
 * --max-semi-space-size=M/20 --max-old-space-size=M-M/10 LOOP", as
 * Lambda's bootstrap sizes the heap from the memory size M, and
 * NODE_PATH its directory and the task root.  Both: AWS_EXECUTION_ENV
 * (AWS_Lambda_python3.12, AWS_Lambda_nodejs20.x) and LAMBDA_RUNTIME_DIR.
 * Layers (/opt) are not searched: nothing is there locally.
 */
#include <stdio.h>
#include <stdlib.h>

#include "langrt-private.h"
#include "xmalloc.h"

/* The interpreter and the loop's file in the cache; -1 with err. */
static int
find_parts(enum langrt_kind kind, const char *loop, char **interp,
    char **file, char **dir, struct lc_err *err)
{
	*interp = *file = *dir = NULL;
	if (langrt_interpreter(kind, interp, err) == -1)
		return -1;
	if (langrt_cache_file(loop, file, dir, err) == -1) {
		free(*interp);
		*interp = NULL;
		return -1;
	}
	return 0;
}

/* Lambda's runtime's own entries. */
static void
common_env(struct langrt_launch *l, const char *runtime, const char *dir)
{
	langrt_env(l, xasprintf("AWS_EXECUTION_ENV=AWS_Lambda_%s", runtime));
	langrt_env(l, xasprintf("LAMBDA_RUNTIME_DIR=%s", dir));
}

int
langrt_python(const char *runtime, const char *handler, const char *task_root,
    long memory, struct langrt_launch *l, struct lc_err *err)
{
	char *interp, *file, *dir;

	(void)handler;
	(void)task_root;
	(void)memory;
	if (find_parts(LANGRT_PYTHON, "python/bootstrap.py", &interp, &file,
	    &dir, err) == -1)
		return -1;
	langrt_arg(l, interp);
	langrt_arg(l, xstrdup("-u"));
	langrt_arg(l, xstrdup("-B"));
	langrt_arg(l, file);
	common_env(l, runtime, dir);
	langrt_env(l, xasprintf("PYTHONPATH=%s", dir));
	free(dir);
	return 0;
}

int
langrt_node(const char *runtime, const char *handler, const char *task_root,
    long memory, struct langrt_launch *l, struct lc_err *err)
{
	char *interp, *file, *dir;
	long young = memory / 10;

	(void)handler;
	if (find_parts(LANGRT_NODE, "node/bootstrap.mjs", &interp, &file,
	    &dir, err) == -1)
		return -1;
	langrt_arg(l, interp);
	langrt_arg(l, xstrdup("--expose-gc"));
	langrt_arg(l, xstrdup("--max-http-header-size"));
	langrt_arg(l, xstrdup("81920"));
	if (memory > 0) {
		langrt_arg(l, xasprintf("--max-semi-space-size=%ld",
		    young / 2));
		langrt_arg(l, xasprintf("--max-old-space-size=%ld",
		    memory - young));
	}
	langrt_arg(l, file);
	common_env(l, runtime, dir);
	langrt_env(l, xasprintf("NODE_PATH=%s:%s", dir, task_root));
	free(dir);
	return 0;
}
