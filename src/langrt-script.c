/* langrt-script.c - Python and Node functions run locally
 * (langrt-private.h). */
#include "langrt-private.h"

int
langrt_python(const char *runtime, const char *handler, const char *task_root,
    long memory, struct langrt_launch *l, struct lc_err *err)
{
	(void)handler;
	(void)task_root;
	(void)memory;
	(void)l;
	return lc_error(err, LC_ECONFIG, "runtime '%s' is not run locally yet",
	    runtime);
}

int
langrt_node(const char *runtime, const char *handler, const char *task_root,
    long memory, struct langrt_launch *l, struct lc_err *err)
{
	(void)handler;
	(void)task_root;
	(void)memory;
	(void)l;
	return lc_error(err, LC_ECONFIG, "runtime '%s' is not run locally yet",
	    runtime);
}
