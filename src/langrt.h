/*
 * langrt.h - the managed runtimes run locally (issue 14): Java, Python
 * and Node functions started with the host's java, python3 or node and a
 * small runtime loop lambdactl carries inside itself (the files under
 * runtimes/, embedded at build time by scripts/embed.sh), which speaks
 * the Runtime API to runtime.c's emulator as Lambda's own runtime clients
 * do.  Nothing is fetched at run time.
 */
#ifndef LC_LANGRT_H
#define LC_LANGRT_H

#include <stddef.h>

#include "err.h"

enum langrt_kind {
	LANGRT_NONE,		/* not run locally (dotnet, ruby, ...) */
	LANGRT_PROVIDED,	/* provided.*: task_root/bootstrap */
	LANGRT_JAVA,		/* java8.al2, java11, java17, java21, ... */
	LANGRT_PYTHON,		/* python3.x */
	LANGRT_NODE,		/* nodejs18.x and later */
};

/* The kind of a runtime name. */
enum langrt_kind langrt_kind(const char *runtime);

/* How one function's runtime is started: exec argv[0] with argv, its
 * environment Lambda's plus env (entries "NAME=value"). */
struct langrt_launch {
	char	**argv;		/* NULL-terminated */
	char	**env;
	size_t	  nenv;
};

/*
 * How to start runtime's function (its handler, in task_root, memory MB):
 * the host interpreter (found on PATH, or LAMBDACTL_JAVA, LAMBDACTL_PYTHON,
 * LAMBDACTL_NODE), the runtime loop (written once under the cache
 * directory, named by its content), the arguments and environment
 * Lambda's runtime would have (AWS_EXECUTION_ENV, the JVM's flags, ...).
 * LC_ECONFIG when the interpreter is missing, with one line saying what to
 * install or set, or when runtime is not one lambdactl runs.
 */
int langrt_prepare(const char *runtime, const char *handler,
    const char *task_root, long memory, struct langrt_launch *l,
    struct lc_err *err);
void langrt_launch_release(struct langrt_launch *l);

/*
 * The host interpreter functions of kind (LANGRT_JAVA, LANGRT_PYTHON,
 * LANGRT_NODE) run on locally, found as langrt_prepare finds it
 * (LAMBDACTL_JAVA, LAMBDACTL_PYTHON, LAMBDACTL_NODE, else PATH): *path
 * the caller's.  LC_ECONFIG when it is missing, one line saying what to
 * install or set; for any other kind, LC_ECONFIG too.
 */
int langrt_interpreter(enum langrt_kind kind, char **path, struct lc_err *err);
/*
 * The major version of the JVM java (17, 21, 8): its JDK's release file,
 * else what `java -version` says.  -1 with err (LC_ECONFIG) when it
 * cannot be told.
 */
int langrt_java_version(const char *java, struct lc_err *err);

/* The embedded files (build/.../gen/langrt-files.c): name is the path
 * under runtimes/ ("python/bootstrap.py"); data NUL-terminated. */
struct langrt_file {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct langrt_file langrt_files[];
extern const size_t langrt_nfiles;

/* The embedded file named name, or NULL. */
const struct langrt_file *langrt_file(const char *name);

#endif
