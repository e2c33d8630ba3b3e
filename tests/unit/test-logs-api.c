/*
 * test-logs-api.c - the pure parts of `lambdactl logs`: --since/--until
 * parsing, the follow window and its eventId de-duplication (with a
 * simulated service whose events turn up late), the output formats, the
 * FilterLogEvents request body, and LoggingConfig.LogGroup in a
 * GetFunction configuration.  The HTTP side is checked against moto by
 * tests/e2e/t6001-logs.sh and t6002-logs-follow.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "err.h"
#include "lambda-api.h"
#include "logs-api.h"
#include "xmalloc.h"

/* 2024-05-01T12:00:00Z */
#define T0	1714564800000LL
#define NOW	(T0 + 3600000LL)

static void
test_build_pattern(void **state)
{
	const char *contains;
	char *p;

	(void)state;
	assert_int_equal(logs_build_pattern(NULL, NULL, &p, &contains), 0);
	assert_null(p);
	assert_null(contains);

	assert_int_equal(logs_build_pattern("?ERROR ?WARN", NULL, &p,
	    &contains), 0);
	assert_string_equal(p, "?ERROR ?WARN");
	assert_null(contains);
	free(p);

	assert_int_equal(logs_build_pattern(NULL, "8f5c-41e1", &p, &contains),
	    0);
	assert_string_equal(p, "\"8f5c-41e1\"");
	assert_null(contains);
	free(p);

	/* Both: the pattern as it is, the id matched on this side. */
	assert_int_equal(logs_build_pattern("{ $.level = \"ERROR\" }",
	    "8f5c-41e1", &p, &contains), 0);
	assert_string_equal(p, "{ $.level = \"ERROR\" }");
	assert_string_equal(contains, "8f5c-41e1");
	free(p);

	assert_int_equal(logs_build_pattern(NULL, "", &p, &contains), -1);
	assert_int_equal(logs_build_pattern(NULL, "a\"b", &p, &contains), -1);
	assert_int_equal(logs_build_pattern("x", "a b", &p, &contains), -1);
	assert_int_equal(logs_build_pattern(NULL, "a\\b", &p, &contains), -1);
	assert_null(p);
}

/* Equal timestamps: each id once, in any order. */
static void
test_follow_equal_timestamps(void **state)
{
	struct logs_follow f;

	(void)state;
	logs_follow_init(&f, T0, 30000);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "b"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "a"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "c"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "a"), 0);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "b"), 0);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "c"), 0);
	/* The same id at another timestamp is another event to the set
	 * (ids are unique per group, so this does not happen). */
	assert_int_equal(logs_follow_add(&f, T0 + 6, "a"), 1);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.seen[0].id, "a");
	assert_string_equal(f.seen[1].id, "b");
	assert_string_equal(f.seen[2].id, "c");
	assert_int_equal(f.seen[3].ts, T0 + 6);
	logs_follow_advance(&f, NOW);
	/* The window starts at since until overlap has passed. */
	assert_int_equal(f.start, T0);
	assert_int_equal(logs_follow_add(&f, T0 + 5, "b"), 0);
	logs_follow_release(&f);
}

/* The window: start = max(since, min(newest, now) - overlap), pruned. */
static void
test_follow_window(void **state)
{
	struct logs_follow f;

	(void)state;
	logs_follow_init(&f, T0, 1000);
	assert_int_equal(logs_follow_add(&f, T0 - 1, "early"), 0);
	assert_int_equal(logs_follow_add(&f, T0 + 100, "e1"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 2000, "e2"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 3000, "e3"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 3000, "e4"), 1);
	logs_follow_advance(&f, T0 + 3500);
	assert_int_equal(f.start, T0 + 2000);
	/* e1 is pruned; e2, exactly at the start, stays (startTime is
	 * inclusive, so the service returns it again). */
	assert_int_equal(f.n, 3);
	assert_string_equal(f.seen[0].id, "e2");
	assert_int_equal(logs_follow_add(&f, T0 + 2000, "e2"), 0);
	/* A late event inside the overlap is new, once. */
	assert_int_equal(logs_follow_add(&f, T0 + 2500, "late"), 1);
	assert_int_equal(logs_follow_add(&f, T0 + 2500, "late"), 0);
	/* Below the window: never printed (it could have been already). */
	assert_int_equal(logs_follow_add(&f, T0 + 100, "e1"), 0);
	assert_int_equal(logs_follow_add(&f, T0 + 1999, "too-late"), 0);

	/* An event from the future moves the window only as far as now. */
	assert_int_equal(logs_follow_add(&f, T0 + 3600000, "future"), 1);
	logs_follow_advance(&f, T0 + 4000);
	assert_int_equal(f.start, T0 + 3000);
	assert_int_equal(logs_follow_add(&f, T0 + 3500, "next"), 1);
	/* The window never moves back, whatever the clock does. */
	logs_follow_advance(&f, T0);
	assert_int_equal(f.start, T0 + 3000);
	assert_int_equal(logs_follow_add(&f, T0 + 3000, "e3"), 0);
	assert_int_equal(logs_follow_add(&f, T0 + 3000, "e4"), 0);
	logs_follow_advance(&f, T0 + 3600000 + 5000);
	assert_int_equal(f.start, T0 + 3600000 - 1000);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.seen[0].id, "future");
	logs_follow_release(&f);
	logs_follow_release(&f);	/* a released set is empty */

	/* Nothing seen: the window stays at since. */
	logs_follow_init(&f, T0, 1000);
	logs_follow_advance(&f, NOW);
	assert_int_equal(f.start, T0);
	logs_follow_release(&f);
}

static void
test_follow_delay(void **state)
{
	static const struct {
		size_t	nnew;
		int	throttled;
		long	want;
	} steps[] = {
		{ 0, 0, LOGS_FOLLOW_FAST_MS },	/* the first poll */
		{ 0, 0, 2000 }, { 0, 0, 4000 }, { 0, 0, LOGS_FOLLOW_IDLE_MS },
		{ 0, 0, LOGS_FOLLOW_IDLE_MS },
		{ 3, 0, LOGS_FOLLOW_FAST_MS }, { 1, 0, LOGS_FOLLOW_FAST_MS },
		{ 0, 1, LOGS_FOLLOW_IDLE_MS }, { 0, 1, 10000 }, { 0, 1, 20000 },
		{ 0, 1, LOGS_FOLLOW_THROTTLE_MS },
		{ 0, 1, LOGS_FOLLOW_THROTTLE_MS },
		{ 0, 0, LOGS_FOLLOW_IDLE_MS }, { 5, 0, LOGS_FOLLOW_FAST_MS },
	};
	struct logs_follow f;
	size_t i;

	(void)state;
	logs_follow_init(&f, T0, 1000);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
		assert_int_equal(logs_follow_delay(&f, steps[i].nnew,
		    steps[i].throttled), steps[i].want);
	logs_follow_release(&f);
}

/* A small deterministic generator (numbers from Numerical Recipes). */
static uint32_t rng_state = 12345;

static uint32_t
rng(uint32_t n)
{
	rng_state = rng_state * 1664525u + 1013904223u;
	return (rng_state >> 8) % n;
}

/*
 * A simulated service: events in bursts of equal timestamps over several
 * streams, each visible only after an ingestion delay below the overlap
 * (so some turn up after newer ones).  Polling at uneven intervals, with
 * the results in a scrambled order, must emit every event exactly once.
 */
static void
test_follow_simulation(void **state)
{
	enum { N = 3000, OVERLAP = 5000 };
	struct sim {
		int64_t	ts, visible;
		char	id[16];
		int	emitted;
	} *ev = xcalloc(N, sizeof *ev);
	size_t *order = xcalloc(N, sizeof *order);
	struct logs_follow f;
	int64_t t = T0, poll, last_visible = 0;
	size_t i, j, k, n, tmp, polls = 0;

	(void)state;
	for (i = 0; i < N; i++) {
		if (rng(4) == 0)	/* else: a burst, same timestamp */
			t += rng(700);
		ev[i].ts = t;
		ev[i].visible = t + (rng(3) == 0 ? rng(OVERLAP) : rng(50));
		snprintf(ev[i].id, sizeof ev[i].id, "%zu", i);
		if (ev[i].visible > last_visible)
			last_visible = ev[i].visible;
	}
	logs_follow_init(&f, T0 - 600000, OVERLAP);
	for (poll = T0; poll <= last_visible + 3 * OVERLAP;
	    poll += 50 + rng(2500)) {
		polls++;
		/* What FilterLogEvents from f.start returns at poll. */
		for (i = 0, n = 0; i < N; i++)
			if (ev[i].visible <= poll && ev[i].ts >= f.start)
				order[n++] = i;
		for (k = n; k > 1; k--) {
			j = rng((uint32_t)k);
			tmp = order[k - 1];
			order[k - 1] = order[j];
			order[j] = tmp;
		}
		for (k = 0; k < n; k++) {
			i = order[k];
			if (logs_follow_add(&f, ev[i].ts, ev[i].id))
				ev[i].emitted++;
		}
		logs_follow_advance(&f, poll);
		/* The set holds only what the window can still return. */
		for (k = 0; k < f.n; k++)
			assert_true(f.seen[k].ts >= f.start);
	}
	for (i = 0; i < N; i++)
		if (ev[i].emitted != 1)
			fail_msg("event %zu (ts %lld, visible %lld) emitted %d "
			    "times", i, (long long)ev[i].ts,
			    (long long)ev[i].visible, ev[i].emitted);
	assert_true(polls > 100);
	assert_true(f.n < N / 4);
	logs_follow_release(&f);
	free(order);
	free(ev);
}

static void
test_short_stream(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef",
		    "[$LATEST]01234567" },
		{ "2024/05/01/[12]abc", "[12]abc" },
		{ "2024/05/01/[live]", "[live]" },
		{ "2024/05/01/no-bracket", "2024/05/01/no-bracket" },
		{ "2024/05/01/[unclosed", "2024/05/01/[unclosed" },
		{ "2024-05-01/[$LATEST]abc", "2024-05-01/[$LATEST]abc" },
		{ "stream-03", "stream-03" },
		{ "", "" },
		{ "2024", "2024" },
	};
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_reset(&b);
		logs_short_stream(&b, cases[i].in);
		assert_string_equal(b.data, cases[i].want);
	}
	buf_release(&b);
}

static void
test_classify(void **state)
{
	static const struct {
		const char		*msg;
		enum logs_msg_class	 want;
	} cases[] = {
		{ "START RequestId: 8f5c Version: $LATEST\n",
		    LOGS_MSG_PLATFORM },
		{ "END RequestId: 8f5c\n", LOGS_MSG_PLATFORM },
		{ "REPORT RequestId: 8f5c\tDuration: 2.00 ms\n",
		    LOGS_MSG_PLATFORM },
		{ "INIT_START Runtime Version: java:21.v20\n",
		    LOGS_MSG_PLATFORM },
		{ "{\"time\":\"2024-05-01T12:00:00Z\","
		    "\"type\":\"platform.start\"}", LOGS_MSG_PLATFORM },
		{ "2024-05-01T12:00:00.000Z\t8f5c\tERROR\tboom\n",
		    LOGS_MSG_ERROR },
		{ "[ERROR] KeyError: 'x'\n", LOGS_MSG_ERROR },
		{ "{\"level\":\"ERROR\",\"message\":\"x\"}", LOGS_MSG_ERROR },
		{ "2024-05-01T12:00:03.000Z 8f5c Task timed out after 3.00 "
		    "seconds\n", LOGS_MSG_ERROR },
		{ "ERROR", LOGS_MSG_ERROR },
		{ "NO_ERRORS here", LOGS_MSG_PLAIN },
		{ "ERRORS: 0", LOGS_MSG_PLAIN },
		{ "an error, in lower case", LOGS_MSG_PLAIN },
		{ "STARTED RequestId", LOGS_MSG_PLAIN },
		{ "hello", LOGS_MSG_PLAIN },
		{ "", LOGS_MSG_PLAIN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (logs_classify(cases[i].msg) != cases[i].want)
			fail_msg("'%s': class %d, want %d", cases[i].msg,
			    (int)logs_classify(cases[i].msg),
			    (int)cases[i].want);
}

static char *
fmt(const struct logs_event *ev, enum logs_format f, int colour)
{
	struct buf b = BUF_INIT;

	logs_format_event(&b, ev, f, colour);
	return buf_detach(&b, NULL);
}

#define LSTREAM	"2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef"

static void
check_fmt(const struct logs_event *ev, enum logs_format f, int colour,
    const char *want)
{
	char *s = fmt(ev, f, colour);

	assert_string_equal(s, want);
	free(s);
}

static void
test_format(void **state)
{
	struct logs_event ev = { "3744", LSTREAM, "hello world\n", T0 + 42,
	    T0 + 300 };
	enum logs_format f;

	(void)state;
	check_fmt(&ev, LOGS_SHORT, 0,
	    "2024-05-01T12:00:00 [$LATEST]01234567 hello world\n");
	check_fmt(&ev, LOGS_DETAILED, 0,
	    "2024-05-01T12:00:00.042Z " LSTREAM " hello world\n");
	check_fmt(&ev, LOGS_RAW, 0, "hello world\n");
	check_fmt(&ev, LOGS_RAW, 1, "hello world\n");
	check_fmt(&ev, LOGS_JSON, 0,
	    "{\"timestamp\":1714564800042,\"ingestion_time\":1714564800300,"
	    "\"stream\":\"" LSTREAM "\",\"event_id\":\"3744\","
	    "\"message\":\"hello world\\n\"}\n");

	/* Trailing newlines normalised, inner ones kept. */
	ev.message = "line 1\nline 2\r\n\n";
	check_fmt(&ev, LOGS_RAW, 0, "line 1\nline 2\n");
	ev.message = "";
	check_fmt(&ev, LOGS_RAW, 0, "\n");
	ev.message = "\n";
	check_fmt(&ev, LOGS_SHORT, 0,
	    "2024-05-01T12:00:00 [$LATEST]01234567 \n");

	/* JSON: every control character escaped, the text kept. */
	ev.message = "tab\there \"q\" back\\slash \001\037 é\r\n";
	ev.ingestion_time = -1;
	ev.stream = "s";
	check_fmt(&ev, LOGS_JSON, 0,
	    "{\"timestamp\":1714564800042,\"ingestion_time\":null,"
	    "\"stream\":\"s\",\"event_id\":\"3744\",\"message\":"
	    "\"tab\\there \\\"q\\\" back\\\\slash \\u0001\\u001f é"
	    "\\r\\n\"}\n");
	{
		char *s = fmt(&ev, LOGS_JSON, 1);
		cJSON *o = cJSON_Parse(s), *m;

		assert_non_null(o);
		m = cJSON_GetObjectItemCaseSensitive(o, "message");
		assert_string_equal(m->valuestring, ev.message);
		cJSON_Delete(o);
		free(s);
	}
	/* cJSON's short escapes for backspace and form feed; times are
	 * whole numbers to the last digit, never a double's 15. */
	ev.message = "\b\f\177";
	ev.timestamp = INT64_C(253402300799999);
	ev.ingestion_time = INT64_C(9007199254740993);
	check_fmt(&ev, LOGS_JSON, 0,
	    "{\"timestamp\":253402300799999,"
	    "\"ingestion_time\":9007199254740993,\"stream\":\"s\","
	    "\"event_id\":\"3744\",\"message\":\"\\b\\f\177\"}\n");

	assert_int_equal(logs_parse_format("short", &f), 0);
	assert_int_equal(f, LOGS_SHORT);
	assert_int_equal(logs_parse_format("detailed", &f), 0);
	assert_int_equal(f, LOGS_DETAILED);
	assert_int_equal(logs_parse_format("json", &f), 0);
	assert_int_equal(f, LOGS_JSON);
	assert_int_equal(logs_parse_format("raw", &f), 0);
	assert_int_equal(f, LOGS_RAW);
	assert_int_equal(logs_parse_format("JSON", &f), -1);
	assert_int_equal(logs_parse_format("", &f), -1);
}

static void
test_format_colour(void **state)
{
	struct logs_event ev = { "1", "s", "plain\n", T0, T0 };

	(void)state;
	check_fmt(&ev, LOGS_SHORT, 1,
	    "\033[2m2024-05-01T12:00:00\033[0m s plain\n");
	ev.message = "END RequestId: 8f5c\n";
	check_fmt(&ev, LOGS_DETAILED, 1,
	    "\033[2m2024-05-01T12:00:00.000Z\033[0m s "
	    "\033[2mEND RequestId: 8f5c\033[0m\n");
	ev.message = "x\tERROR\tboom\n  at f()\n";
	check_fmt(&ev, LOGS_SHORT, 1,
	    "\033[2m2024-05-01T12:00:00\033[0m s "
	    "\033[31mx\tERROR\tboom\n  at f()\033[0m\n");
	ev.message = "Task timed out after 3.00 seconds";
	check_fmt(&ev, LOGS_SHORT, 1,
	    "\033[2m2024-05-01T12:00:00\033[0m s "
	    "\033[31mTask timed out after 3.00 seconds\033[0m\n");
	/* Never in JSON. */
	check_fmt(&ev, LOGS_JSON, 1,
	    "{\"timestamp\":1714564800000,\"ingestion_time\":1714564800000,"
	    "\"stream\":\"s\",\"event_id\":\"1\",\"message\":"
	    "\"Task timed out after 3.00 seconds\"}\n");
}

static void
test_filter_json(void **state)
{
	struct logs_query q = { "/aws/lambda/f", T0, -1, NULL, NULL, NULL };
	cJSON *o;
	char *s;

	(void)state;
	s = logs_filter_json(&q, NULL);
	assert_string_equal(s, "{\"logGroupName\":\"/aws/lambda/f\","
	    "\"startTime\":1714564800000,\"interleaved\":true}");
	free(s);

	q.end = NOW;
	q.pattern = "\"8f5c\"";
	q.stream_prefix = "2024/05/01/[$LATEST]";
	q.contains = "not sent";
	s = logs_filter_json(&q, "tok/en==");
	o = cJSON_Parse(s);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "logGroupName")->valuestring,
	    "/aws/lambda/f");
	assert_true(cJSON_GetObjectItem(o, "startTime")->valuedouble ==
	    (double)T0);
	assert_true(cJSON_GetObjectItem(o, "endTime")->valuedouble ==
	    (double)NOW);
	assert_string_equal(cJSON_GetObjectItem(o,
	    "filterPattern")->valuestring, "\"8f5c\"");
	assert_string_equal(cJSON_GetObjectItem(o,
	    "logStreamNamePrefix")->valuestring, "2024/05/01/[$LATEST]");
	assert_string_equal(cJSON_GetObjectItem(o, "nextToken")->valuestring,
	    "tok/en==");
	assert_null(cJSON_GetObjectItem(o, "limit"));
	assert_int_equal(cJSON_GetArraySize(o), 7);
	assert_null(strstr(s, "not sent"));
	cJSON_Delete(o);
	free(s);
}

static int
collect(void *arg, const struct logs_event *ev, struct lc_err *err)
{
	struct buf *b = arg;

	(void)err;
	logs_format_event(b, ev, LOGS_JSON, 0);
	return 0;
}

/* A FilterLogEvents page: events sorted, nextToken, hostile times. */
static void
test_filter_page(void **state)
{
	static const char good[] = "{\"events\":["
	    "{\"eventId\":\"2\",\"timestamp\":1714564800500,"
	    "\"ingestionTime\":1714564801000,\"logStreamName\":\"s\","
	    "\"message\":\"b\"},"
	    "{\"eventId\":\"1\",\"timestamp\":1714564800000,"
	    "\"ingestionTime\":null,\"logStreamName\":\"s\","
	    "\"message\":\"a\"}],\"nextToken\":\"t2\"}";
	static const struct {
		const char	*body;
		const char	*msg;
	} bad[] = {
		{ "[]", "FilterLogEvents: the response is not a JSON object" },
		{ "{\"events\":{}}", "FilterLogEvents: unexpected response: "
		    "'events' is not an array" },
		{ "{\"events\":[{\"eventId\":\"1\",\"timestamp\":1e300,"
		    "\"logStreamName\":\"s\",\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event's "
		    "'timestamp' is 1e+300, not a whole number of ms from 0 to "
		    "253402300799999" },
		{ "{\"events\":[{\"eventId\":\"1\",\"timestamp\":-1,"
		    "\"logStreamName\":\"s\",\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event's "
		    "'timestamp' is -1, not a whole number of ms from 0 to "
		    "253402300799999" },
		{ "{\"events\":[{\"eventId\":\"1\","
		    "\"timestamp\":9223372036854775808,"
		    "\"logStreamName\":\"s\",\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event's "
		    "'timestamp' is 9.22337e+18, not a whole number of ms from "
		    "0 to 253402300799999" },
		{ "{\"events\":[{\"eventId\":\"1\",\"timestamp\":1.5,"
		    "\"logStreamName\":\"s\",\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event's "
		    "'timestamp' is 1.5, not a whole number of ms from 0 to "
		    "253402300799999" },
		{ "{\"events\":[{\"eventId\":\"1\",\"timestamp\":1,"
		    "\"ingestionTime\":-1e999,\"logStreamName\":\"s\","
		    "\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event's "
		    "'ingestionTime' is -inf, not a whole number of ms from 0 "
		    "to 253402300799999" },
		{ "{\"events\":[{\"eventId\":\"1\",\"timestamp\":1,"
		    "\"ingestionTime\":\"x\",\"logStreamName\":\"s\","
		    "\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event's "
		    "'ingestionTime' is not a number" },
		{ "{\"events\":[{\"eventId\":\"1\",\"timestamp\":\"1\","
		    "\"logStreamName\":\"s\",\"message\":\"m\"}]}",
		    "FilterLogEvents: unexpected response: an event lacks "
		    "eventId, timestamp, logStreamName or message" },
	};
	struct logs_query q = { 0 };
	struct logs_stats st = { 0 };
	struct buf b = BUF_INIT;
	struct lc_err err;
	char *next;
	size_t i;

	(void)state;
	q.group = "/aws/lambda/f";
	assert_int_equal(logs_filter_page(&q, good, sizeof good - 1, collect,
	    &b, &st, &next, &err), 0);
	assert_string_equal(b.data, "{\"timestamp\":1714564800000,"
	    "\"ingestion_time\":null,\"stream\":\"s\",\"event_id\":\"1\","
	    "\"message\":\"a\"}\n{\"timestamp\":1714564800500,"
	    "\"ingestion_time\":1714564801000,\"stream\":\"s\","
	    "\"event_id\":\"2\",\"message\":\"b\"}\n");
	assert_string_equal(next, "t2");
	assert_int_equal(st.events, 2);
	assert_int_equal(st.kept, 2);
	free(next);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_reset(&b);
		memset(&err, 0, sizeof err);
		assert_int_equal(logs_filter_page(&q, bad[i].body,
		    strlen(bad[i].body), collect, &b, NULL, &next, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(next);
		assert_int_equal(b.len, 0);
	}
	buf_release(&b);
}

/* The group lambdactl logs reads comes from LoggingConfig.LogGroup. */
static void
test_logging_config(void **state)
{
	static const char with[] = "{\"FunctionName\":\"f\","
	    "\"LoggingConfig\":{\"LogFormat\":\"JSON\","
	    "\"LogGroup\":\"/custom/f\"}}";
	static const char without[] = "{\"FunctionName\":\"f\"}";
	static const char bad[] = "{\"FunctionName\":\"f\","
	    "\"LoggingConfig\":{\"LogGroup\":7}}";
	struct lambda_config cfg;
	struct lc_err err;

	(void)state;
	assert_int_equal(lambda_config_parse("GetFunction", with,
	    sizeof with - 1, &cfg, &err), 0);
	assert_string_equal(cfg.log_group, "/custom/f");
	lambda_config_release(&cfg);
	assert_int_equal(lambda_config_parse("GetFunction", without,
	    sizeof without - 1, &cfg, &err), 0);
	assert_null(cfg.log_group);
	lambda_config_release(&cfg);
	assert_int_equal(lambda_config_parse("GetFunction", bad,
	    sizeof bad - 1, &cfg, &err), -1);
	assert_string_equal(err.msg, "GetFunction: unexpected response: "
	    "'LogGroup' is not a string");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_pattern),
		cmocka_unit_test(test_follow_equal_timestamps),
		cmocka_unit_test(test_follow_window),
		cmocka_unit_test(test_follow_delay),
		cmocka_unit_test(test_follow_simulation),
		cmocka_unit_test(test_short_stream),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_colour),
		cmocka_unit_test(test_filter_json),
		cmocka_unit_test(test_logging_config),
		cmocka_unit_test(test_filter_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
