/*
 * fuzz-schedule.c - EventBridge schedule expressions (schedule.h) on any
 * bytes: no crash, no read past the string; a refusal always says why and
 * points inside the expression; an acceptance is rate(...) or cron(...)
 * within EventBridge's 256 bytes; the answer does not depend on the room
 * given for the reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256], tiny[1];
	size_t off = SIZE_MAX, n;
	char *s;
	int rv;

	if (size > 512)
		return 0;
	s = xstrndup((const char *)data, size);
	n = strlen(s);
	rv = schedule_check(s, why, sizeof why, &off);
	if (rv == 0) {
		if (n > 256 || n < 7 || (strncmp(s, "rate(", 5) != 0 &&
		    strncmp(s, "cron(", 5) != 0) || s[n - 1] != ')' ||
		    off != SIZE_MAX)
			abort();
	} else if (rv != -1 || why[0] == '\0' || off > n)
		abort();
	if (schedule_check(s, tiny, sizeof tiny, NULL) != rv ||
	    (rv == -1 && tiny[0] != '\0'))
		abort();
	free(s);
	return 0;
}
