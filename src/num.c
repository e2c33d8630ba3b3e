/* num.c - ranged decimal integers. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "num.h"

int
num_parse(const char *s, long min, long max, long *out, const char **why)
{
	const char *w = NULL;
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0')
		w = "not a number";
	else if ((errno == ERANGE && n == LONG_MIN) || n < min)
		w = "too small";
	else if (errno == ERANGE || n > max)
		w = "too large";
	if (why != NULL)
		*why = w;
	if (w != NULL)
		return -1;
	*out = n;
	return 0;
}
