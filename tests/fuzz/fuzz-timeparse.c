/*
 * fuzz-timeparse.c - the duration and time grammar (timeparse.h) on any
 * bytes: no crash, durations within their limit, and every ISO-8601 time
 * that parses prints as a time that parses back to the same instant (when
 * the instant, offset applied, stays within the years 0000 to 9999).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timeparse.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	int64_t secs, ms, back, now = INT64_C(1714564800000);
	char *s;

	if (size > 256)
		return 0;
	s = xstrndup((const char *)data, size);
	if (timeparse_duration(s, &secs) == 0 &&
	    (secs < 0 || secs > TIMEPARSE_DURATION_MAX))
		abort();
	if (timeparse_time(s, now, &ms) == 0 && timeparse_iso(s, &back) != 0 &&
	    (ms > now || ms < now - TIMEPARSE_DURATION_MAX * 1000))
		abort();
	if (timeparse_iso(s, &ms) == 0 && ms >= INT64_C(-62167219200000) &&
	    ms <= INT64_C(253402300799999)) {
		timeparse_format(&b, ms, TIMEPARSE_MS | TIMEPARSE_Z);
		if (timeparse_iso(b.data, &back) != 0 || back != ms)
			abort();
	}
	buf_release(&b);
	free(s);
	return 0;
}
