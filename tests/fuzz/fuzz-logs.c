/*
 * fuzz-logs.c - a FilterLogEvents response page (logs_filter_page) with
 * every event formatted in each output format, as `lambdactl logs` does;
 * the first byte picks the query's stream prefix and substring filters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs-api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_event(void *arg, const struct logs_event *ev, struct lc_err *err)
{
	struct buf *b = arg;

	(void)err;
	buf_reset(b);
	logs_format_event(b, ev, LOGS_SHORT, 1);
	logs_format_event(b, ev, LOGS_DETAILED, 0);
	logs_format_event(b, ev, LOGS_JSON, 0);
	logs_format_event(b, ev, LOGS_RAW, 0);
	if (ev->timestamp < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logs_query q;
	struct logs_stats st;
	struct lc_err err;
	struct buf b;
	char *next = NULL;

	if (size < 1)
		return 0;
	memset(&q, 0, sizeof q);
	memset(&st, 0, sizeof st);
	q.group = "/aws/lambda/f";
	q.start = 0;
	q.end = -1;
	if (data[0] & 1)
		q.stream_prefix = "2024/";
	if (data[0] & 2)
		q.contains = "ERROR";
	buf_init(&b);
	if (logs_filter_page(&q, (const char *)data + 1, size - 1, on_event,
	    &b, &st, &next, &err) == 0 && st.kept > st.events)
		abort();
	free(next);
	buf_release(&b);
	return 0;
}
