/* testutil.h - small helpers shared by the unit tests. */
#ifndef LC_TESTUTIL_H
#define LC_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
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

/*
 * The number of open file descriptors of this process, for tests that
 * nothing leaks one.  Needs cmocka.h first (assert_non_null).
 */
static inline int
count_fds(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir("/proc/self/fd");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own */
}

/*
 * Makes a private directory PREFIX.XXXXXX under TMPDIR (else /tmp) and
 * writes its real path into dir (size bytes); 0, or -1.
 */
static inline int
make_tmpdir(char *dir, size_t size, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	char *real;

	snprintf(dir, size, "%s/%s.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp", prefix);
	if (mkdtemp(dir) == NULL || (real = realpath(dir, NULL)) == NULL)
		return -1;
	snprintf(dir, size, "%s", real);
	free(real);
	return 0;
}

#endif
