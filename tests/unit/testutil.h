/* testutil.h - small helpers shared by the unit tests. */
#ifndef LC_TESTUTIL_H
#define LC_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

extern char **environ;

/* Unsets every environment variable whose name starts with prefix. */
static inline void
unsetenv_prefix(const char *prefix)
{
	size_t len = strlen(prefix);
	char **e, *name;
	int again = 1;

	while (again) {
		again = 0;
		for (e = environ; *e != NULL; e++) {
			if (strncmp(*e, prefix, len) != 0)
				continue;
			name = xstrndup(*e, strcspn(*e, "="));
			unsetenv(name);
			free(name);
			again = 1;	/* environ changed under us */
			break;
		}
	}
}

#endif
