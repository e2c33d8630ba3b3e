/* langrt.c - the managed runtimes run locally: see langrt.h. */
#include <stdlib.h>
#include <string.h>

#include "langrt.h"
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
	(void)handler;
	(void)task_root;
	(void)memory;
	memset(l, 0, sizeof *l);
	return lc_error(err, LC_ECONFIG, "runtime '%s' is not run locally "
	    "(yet)", runtime);
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
