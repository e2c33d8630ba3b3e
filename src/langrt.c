/* langrt.c - the managed runtimes run locally: see langrt.h; finding
 * an interpreter and the cache of runtime loops (langrt-private.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cachedir.h"
#include "langrt-private.h"
#include "sha256.h"
#include "xmalloc.h"

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum langrt_kind
langrt_kind(const char *runtime)
{
	if (runtime == NULL)
		return LANGRT_NONE;
	if (starts(runtime, "provided"))
		return LANGRT_PROVIDED;
	if (starts(runtime, "java"))
		return LANGRT_JAVA;
	if (starts(runtime, "python3"))
		return LANGRT_PYTHON;
	if (starts(runtime, "nodejs"))
		return LANGRT_NODE;
	return LANGRT_NONE;
}

const struct langrt_file *
langrt_file(const char *name)
{
	size_t i;

	for (i = 0; i < langrt_nfiles; i++)
		if (strcmp(langrt_files[i].name, name) == 0)
			return &langrt_files[i];
	return NULL;
}

int
langrt_prepare(const char *runtime, const char *handler,
    const char *task_root, long memory, struct langrt_launch *l,
    struct lc_err *err)
{
	int r;

	memset(l, 0, sizeof *l);
	switch (langrt_kind(runtime)) {
	case LANGRT_JAVA:
		r = langrt_java(runtime, handler, task_root, memory, l, err);
		break;
	case LANGRT_PYTHON:
		r = langrt_python(runtime, handler, task_root, memory, l, err);
		break;
	case LANGRT_NODE:
		r = langrt_node(runtime, handler, task_root, memory, l, err);
		break;
	default:
		return lc_error(err, LC_ECONFIG, "runtime '%s' is not one "
		    "lambdactl runs locally (provided.*, java*, python3.*, "
		    "nodejs*)", runtime != NULL ? runtime : "");
	}
	if (r == -1)
		langrt_launch_release(l);
	return r;
}

void
langrt_arg(struct langrt_launch *l, char *s)
{
	size_t n = 0;

	while (l->argv != NULL && l->argv[n] != NULL)
		n++;
	l->argv = xrealloc(l->argv, (n + 2) * sizeof *l->argv);
	l->argv[n] = s;
	l->argv[n + 1] = NULL;
}

void
langrt_env(struct langrt_launch *l, char *s)
{
	l->env = xrealloc(l->env, (l->nenv + 1) * sizeof *l->env);
	l->env[l->nenv++] = s;
}

static int
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/*
 * path made absolute (the launch runs in the task root): the cwd's
 * prefixed (not realpath's: a venv's python3 is a symlink whose name
 * counts).
 */
static char *
absolute(const char *path)
{
	char *cwd;
	char *p;

	if (path[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return xstrdup(path);
	p = xasprintf("%s/%s", cwd, path);
	free(cwd);
	return p;
}

int
langrt_find(const char *env_name, const char *prog, const char *hint,
    char **path, struct lc_err *err)
{
	const char *v = getenv(env_name), *p, *e;
	char *cand;

	if (v != NULL && *v != '\0') {
		if (!executable(v))
			return lc_error(err, LC_ECONFIG, "%s='%s' is not an "
			    "executable file", env_name, v);
		*path = absolute(v);
		return 0;
	}
	for (p = getenv("PATH"); p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ":");
		cand = e > p ? xasprintf("%.*s/%s", (int)(e - p), p, prog) :
		    xasprintf("./%s", prog);
		if (executable(cand)) {
			*path = absolute(cand);
			free(cand);
			return 0;
		}
		free(cand);
	}
	return lc_error(err, LC_ECONFIG, "no '%s' on PATH: %s (or set %s)",
	    prog, hint, env_name);
}

/* Where each kind's interpreter is looked for, and what to install. */
static const struct interp {
	enum langrt_kind	 kind;
	const char		*env_name;
	const char		*prog;
	const char		*hint;
} interps[] = {
	{ LANGRT_JAVA, "LAMBDACTL_JAVA", "java",
	    "install a JDK or JRE (Debian: openjdk-17-jre-headless)" },
	{ LANGRT_PYTHON, "LAMBDACTL_PYTHON", "python3",
	    "install Python 3 (Debian: python3)" },
	{ LANGRT_NODE, "LAMBDACTL_NODE", "node",
	    "install Node.js 18 or later (Debian: nodejs)" },
};

int
langrt_interpreter(enum langrt_kind kind, char **path, struct lc_err *err)
{
	size_t i;

	for (i = 0; i < sizeof interps / sizeof interps[0]; i++)
		if (interps[i].kind == kind)
			return langrt_find(interps[i].env_name,
			    interps[i].prog, interps[i].hint, path, err);
	return lc_error(err, LC_ECONFIG, "no interpreter for this runtime");
}

/* dir made (0700) when missing; 0, or -1 with err. */
static int
mkdir_one(const char *dir, struct lc_err *err)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0 || (errno == EEXIST && lstat(dir, &st) ==
	    0 && S_ISDIR(st.st_mode)))
		return 0;
	return lc_error(err, LC_ECONFIG, "cannot make '%s': %s", dir,
	    errno == EEXIST ? "not a directory" : strerror(errno));
}

/* Writes f to path through a temporary file, atomically. */
static int
write_atomic(const char *path, const struct langrt_file *f,
    struct lc_err *err)
{
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	int fd, rv = -1;

	/* A killed run of the same pid may have left tmp. */
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
	    0644)) == -1) {
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (write_all(fd, f->data, f->len) == -1 || fsync(fd) == -1) {
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	rv = 0;
out:
	free(tmp);
	return rv;
}

int
langrt_cache_file(const char *name, char **path, char **dir,
    struct lc_err *err)
{
	const struct langrt_file *f = langrt_file(name);
	const char *base;
	char hex[SHA256_HEX_LEN + 1], *top = NULL, *sub = NULL;
	struct stat st;
	int rv = -1;

	*path = NULL;
	if (f == NULL)
		return lc_error(err, LC_EFAIL, "no embedded file '%s'", name);
	sha256_hex(f->data, f->len, hex);
	base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
	if (lc_cache_dir("runtimes", &top, err) == -1)
		return -1;
	sub = xasprintf("%s/%.16s", top, hex);
	if (mkdir_one(sub, err) == -1)
		goto out;
	*path = xasprintf("%s/%s", sub, base);
	if (lstat(*path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == f->len)
		rv = 0;
	else
		rv = write_atomic(*path, f, err);
out:
	if (rv == 0 && dir != NULL) {
		*dir = sub;
		sub = NULL;
	}
	if (rv == -1) {
		free(*path);
		*path = NULL;
	}
	free(sub);
	free(top);
	return rv;
}

void
langrt_launch_release(struct langrt_launch *l)
{
	size_t i;

	if (l->argv != NULL)
		for (i = 0; l->argv[i] != NULL; i++)
			free(l->argv[i]);
	for (i = 0; i < l->nenv; i++)
		free(l->env[i]);
	free(l->argv);
	free(l->env);
	memset(l, 0, sizeof *l);
}
