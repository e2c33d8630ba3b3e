/*
 * logs-api.c - CloudWatch Logs FilterLogEvents (JSON 1.1: POST / with an
 * X-Amz-Target header), and the pure parts of `lambdactl logs`: the
 * follow window, the output formats (times are timeparse.c's).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "logs-api.h"
#include "timeparse.h"

/* Event times: from the epoch to 9999-12-31T23:59:59.999Z. */
#define TS_MAX		INT64_C(253402300799999)

static const struct http_header filter_hdr[] = {
	{ "Content-Type", "application/x-amz-json-1.1" },
	{ "X-Amz-Target", "Logs_20140328.FilterLogEvents" },
};

static cJSON *
jcheck(cJSON *j)
{
	if (j == NULL)
		die("out of memory");
	return j;
}

char *
logs_filter_json(const struct logs_query *q, const char *token)
{
	cJSON *o = jcheck(cJSON_CreateObject());
	char *s;

	jcheck(cJSON_AddStringToObject(o, "logGroupName", q->group));
	jcheck(cJSON_AddNumberToObject(o, "startTime", (double)q->start));
	if (q->end >= 0)
		jcheck(cJSON_AddNumberToObject(o, "endTime", (double)q->end));
	if (q->pattern != NULL)
		jcheck(cJSON_AddStringToObject(o, "filterPattern", q->pattern));
	if (q->stream_prefix != NULL)
		jcheck(cJSON_AddStringToObject(o, "logStreamNamePrefix",
		    q->stream_prefix));
	/* Ignored (always true) by the service since 2019; emulators that
	 * still honour it then interleave the streams as the service does. */
	jcheck(cJSON_AddTrueToObject(o, "interleaved"));
	if (token != NULL)
		jcheck(cJSON_AddStringToObject(o, "nextToken", token));
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	cJSON_Delete(o);
	return s;
}

/* An event of a page, with its place in the page for a stable sort. */
struct page_event {
	struct logs_event	ev;
	size_t			idx;
};

static int
page_event_cmp(const void *a, const void *b)
{
	const struct page_event *x = a, *y = b;

	if (x->ev.timestamp != y->ev.timestamp)
		return x->ev.timestamp < y->ev.timestamp ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Reads the event time member key of item into *out (ms, in range). */
static int
event_time(const cJSON *item, const char *key, int64_t *out,
    struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, key);

	if (json_int(v, 0, TS_MAX, out) == 0)
		return 0;
	if (!cJSON_IsNumber(v))
		return lc_error(err, LC_EFAIL, "FilterLogEvents: unexpected "
		    "response: an event's '%s' is not a number", key);
	return lc_error(err, LC_EFAIL, "FilterLogEvents: unexpected "
	    "response: an event's '%s' is %g, not a whole number of ms "
	    "from 0 to %" PRId64, key, v->valuedouble, TS_MAX);
}

/* Reads events[i] of a page into pe; -1 when a member is missing. */
static int
page_event_read(const cJSON *item, struct page_event *pe, size_t idx,
    struct lc_err *err)
{
	const cJSON *id, *ts, *it, *st, *msg;

	id = cJSON_GetObjectItemCaseSensitive(item, "eventId");
	ts = cJSON_GetObjectItemCaseSensitive(item, "timestamp");
	it = cJSON_GetObjectItemCaseSensitive(item, "ingestionTime");
	st = cJSON_GetObjectItemCaseSensitive(item, "logStreamName");
	msg = cJSON_GetObjectItemCaseSensitive(item, "message");
	if (!cJSON_IsString(id) || !cJSON_IsNumber(ts) ||
	    !cJSON_IsString(st) || !cJSON_IsString(msg))
		return lc_error(err, LC_EFAIL, "FilterLogEvents: unexpected "
		    "response: an event lacks eventId, timestamp, "
		    "logStreamName or message");
	pe->ev.event_id = id->valuestring;
	pe->ev.stream = st->valuestring;
	pe->ev.message = msg->valuestring;
	pe->ev.ingestion_time = -1;
	if (event_time(item, "timestamp", &pe->ev.timestamp, err) == -1 ||
	    (it != NULL && !cJSON_IsNull(it) && event_time(item,
	    "ingestionTime", &pe->ev.ingestion_time, err) == -1))
		return -1;
	pe->idx = idx;
	return 0;
}

int
logs_filter_page(const struct logs_query *q, const char *body, size_t len,
    logs_event_fn *fn, void *arg, struct logs_stats *st, char **next,
    struct lc_err *err)
{
	struct logs_stats dummy;
	struct page_event *evs = NULL;
	const cJSON *arr, *item, *tok;
	cJSON *o;
	size_t n = 0, i, plen;
	int ret = -1;

	*next = NULL;
	if (st == NULL) {
		memset(&dummy, 0, sizeof dummy);
		st = &dummy;
	}
	if ((o = cJSON_ParseWithLength(body, len)) == NULL ||
	    !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return lc_error(err, LC_EFAIL, "FilterLogEvents: the response "
		    "is not a JSON object");
	}
	arr = cJSON_GetObjectItemCaseSensitive(o, "events");
	if (arr != NULL && !cJSON_IsNull(arr) && !cJSON_IsArray(arr)) {
		lc_error(err, LC_EFAIL, "FilterLogEvents: unexpected response: "
		    "'events' is not an array");
		goto out;
	}
	if (cJSON_IsArray(arr) && cJSON_GetArraySize(arr) > 0) {
		evs = xcalloc((size_t)cJSON_GetArraySize(arr), sizeof *evs);
		cJSON_ArrayForEach(item, arr) {
			if (page_event_read(item, &evs[n], n, err) == -1)
				goto out;
			n++;
		}
		qsort(evs, n, sizeof *evs, page_event_cmp);
	}
	st->events += n;
	plen = q->stream_prefix != NULL ? strlen(q->stream_prefix) : 0;
	for (i = 0; i < n; i++) {
		/* Checked here too: not every emulator filters on them. */
		if (q->stream_prefix != NULL &&
		    strncmp(evs[i].ev.stream, q->stream_prefix, plen) != 0)
			continue;
		if (q->contains != NULL &&
		    strstr(evs[i].ev.message, q->contains) == NULL)
			continue;
		st->kept++;
		if (fn(arg, &evs[i].ev, err) == -1)
			goto out;
	}
	tok = cJSON_GetObjectItemCaseSensitive(o, "nextToken");
	if (cJSON_IsString(tok) && tok->valuestring[0] != '\0')
		*next = xstrdup(tok->valuestring);
	ret = 0;
out:
	free(evs);
	cJSON_Delete(o);
	return ret;
}

int
logs_filter(struct aws_client *c, const struct logs_query *q,
    logs_event_fn *fn, void *arg, struct logs_stats *st,
    struct lc_err *err)
{
	struct logs_stats dummy;
	struct aws_request rq;
	struct aws_response rs;
	char *token = NULL, *next = NULL, *json;
	int ret = -1;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	for (;;) {
		json = logs_filter_json(q, token);
		memset(&rq, 0, sizeof rq);
		rq.service = "logs";
		rq.op = "FilterLogEvents";
		rq.method = "POST";
		rq.path = "/";
		rq.headers = filter_hdr;
		rq.nheaders = sizeof filter_hdr / sizeof filter_hdr[0];
		rq.body = json;
		rq.body_len = strlen(json);
		if (aws_call(c, &rq, &rs, err) == -1) {
			if (lc_error_is(err, "ResourceNotFoundException"))
				lc_error(err, LC_EFAIL, "log group '%s' does "
				    "not exist", q->group);
			else if (aws_is_throttle(err->code) ||
			    rs.http.status == 429)
				st->throttled = 1;
			aws_response_release(&rs);
			free(json);
			break;
		}
		free(json);
		st->pages++;
		ret = logs_filter_page(q, rs.http.body.data, rs.http.body.len,
		    fn, arg, st, &next, err);
		aws_response_release(&rs);
		if (ret == -1 || (ret = aws_next_page("FilterLogEvents",
		    "nextToken", &token, &next, err)) != 1)
			break;
		ret = -1;
	}
	free(token);
	free(next);
	return ret;
}

/* Patterns. */

int
logs_build_pattern(const char *filter, const char *request_id,
    char **pattern, const char **contains)
{
	const char *p;

	*pattern = NULL;
	*contains = NULL;
	if (request_id != NULL) {
		if (*request_id == '\0')
			return -1;
		for (p = request_id; *p != '\0'; p++)
			if (*p == '"' || *p == '\\' ||
			    (unsigned char)*p <= ' ' || *p == 0x7f)
				return -1;
	}
	if (filter != NULL) {
		*pattern = xstrdup(filter);
		*contains = request_id;
	} else if (request_id != NULL)
		*pattern = xasprintf("\"%s\"", request_id);
	return 0;
}

/* The follow window. */

void
logs_follow_init(struct logs_follow *f, int64_t since, int64_t overlap)
{
	memset(f, 0, sizeof *f);
	f->start = since;
	f->newest = INT64_MIN;
	f->overlap = overlap;
}

void
logs_follow_release(struct logs_follow *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->seen[i].id);
	free(f->seen);
	memset(f, 0, sizeof *f);
}

/* The first index whose (ts, id) is not below (ts, id); *found if equal. */
static size_t
seen_lower_bound(const struct logs_follow *f, int64_t ts, const char *id,
    int *found)
{
	size_t lo = 0, hi = f->n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->seen[mid].ts != ts)
			c = f->seen[mid].ts < ts ? -1 : 1;
		else	/* no id: before every id of its timestamp */
			c = id != NULL ? strcmp(f->seen[mid].id, id) : 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (id != NULL && lo < f->n && f->seen[lo].ts == ts &&
	    strcmp(f->seen[lo].id, id) == 0)
		*found = 1;
	return lo;
}

int
logs_follow_add(struct logs_follow *f, int64_t ts, const char *id)
{
	size_t i;
	int found;

	if (ts < f->start)
		return 0;
	i = seen_lower_bound(f, ts, id, &found);
	if (found)
		return 0;
	if (f->n == f->cap) {
		f->cap = f->cap != 0 ? f->cap * 2 : 64;
		f->seen = xrealloc(f->seen, f->cap * sizeof *f->seen);
	}
	memmove(&f->seen[i + 1], &f->seen[i], (f->n - i) * sizeof *f->seen);
	f->seen[i].ts = ts;
	f->seen[i].id = xstrdup(id);
	f->n++;
	if (ts > f->newest)
		f->newest = ts;
	return 1;
}

void
logs_follow_advance(struct logs_follow *f, int64_t now_ms)
{
	int64_t top, cand;
	size_t i, cut;
	int found;

	if (f->newest == INT64_MIN)
		return;
	/* Not past now: an event stamped in the future must not carry the
	 * window beyond events still to come. */
	top = f->newest < now_ms ? f->newest : now_ms;
	cand = top - f->overlap;
	if (cand > f->start)
		f->start = cand;
	cut = seen_lower_bound(f, f->start, NULL, &found);
	for (i = 0; i < cut; i++)
		free(f->seen[i].id);
	memmove(&f->seen[0], &f->seen[cut], (f->n - cut) * sizeof *f->seen);
	f->n -= cut;
}

long
logs_follow_delay(struct logs_follow *f, size_t nnew, int throttled)
{
	long d = f->delay;

	if (throttled) {
		d = d < LOGS_FOLLOW_IDLE_MS ? LOGS_FOLLOW_IDLE_MS : d * 2;
		if (d > LOGS_FOLLOW_THROTTLE_MS)
			d = LOGS_FOLLOW_THROTTLE_MS;
	} else if (nnew > 0 || d == 0)
		d = LOGS_FOLLOW_FAST_MS;
	else {
		d *= 2;
		if (d > LOGS_FOLLOW_IDLE_MS)
			d = LOGS_FOLLOW_IDLE_MS;
	}
	f->delay = d;
	return d;
}

/* Formats. */

int
logs_parse_format(const char *s, enum logs_format *f)
{
	static const struct {
		const char		*name;
		enum logs_format	 f;
	} fmts[] = {
		{ "short", LOGS_SHORT }, { "detailed", LOGS_DETAILED },
		{ "json", LOGS_JSON }, { "raw", LOGS_RAW },
	};
	size_t i;

	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
		if (strcmp(s, fmts[i].name) == 0) {
			*f = fmts[i].f;
			return 0;
		}
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void
logs_short_stream(struct buf *b, const char *s)
{
	const char *close;
	size_t i;

	/* "YYYY/MM/DD/[VERSION]INSTANCE" */
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '/' : !is_digit(s[i]))
			break;
	if (i < 10 || s[10] != '/' || s[11] != '[' ||
	    (close = strchr(s + 12, ']')) == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_add(b, s + 11, (size_t)(close + 1 - (s + 11)));
	buf_add(b, close + 1, strnlen(close + 1, 8));
}

static int
is_word(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || c == '_';
}

/* Whether word occurs in s with no letter, digit or '_' on either side. */
static int
has_word(const char *s, const char *word)
{
	const char *p = s;
	size_t len = strlen(word);

	while ((p = strstr(p, word)) != NULL) {
		if ((p == s || !is_word(p[-1])) && !is_word(p[len]))
			return 1;
		p += len;
	}
	return 0;
}

enum logs_msg_class
logs_classify(const char *m)
{
	static const char *const platform[] = {
		"START RequestId:", "END RequestId:", "REPORT RequestId:",
		"INIT_START ", "INIT_REPORT ", "RESTORE_START ",
		"RESTORE_REPORT ", "EXTENSION\t", "TELEMETRY\t", NULL,
	};
	size_t i;

	if (has_word(m, "ERROR") || strstr(m, "Task timed out") != NULL)
		return LOGS_MSG_ERROR;
	for (i = 0; platform[i] != NULL; i++)
		if (strncmp(m, platform[i], strlen(platform[i])) == 0)
			return LOGS_MSG_PLATFORM;
	/* The JSON log format's platform events. */
	if (m[0] == '{' && strstr(m, "\"type\":\"platform.") != NULL)
		return LOGS_MSG_PLATFORM;
	return LOGS_MSG_PLAIN;
}

/* Adds n to o as a whole number, every digit kept (not as a double). */
static void
add_int64(cJSON *o, const char *key, int64_t n)
{
	char num[24];

	snprintf(num, sizeof num, "%" PRId64, n);
	jcheck(cJSON_AddRawToObject(o, key, num));
}

/* Appends ev as one compact JSON object (json_dump's) and a newline
 * (schema/lambdactl-logs.json). */
static void
format_json(struct buf *b, const struct logs_event *ev)
{
	cJSON *o = jcheck(cJSON_CreateObject());

	add_int64(o, "timestamp", ev->timestamp);
	if (ev->ingestion_time >= 0)
		add_int64(o, "ingestion_time", ev->ingestion_time);
	else
		jcheck(cJSON_AddNullToObject(o, "ingestion_time"));
	jcheck(cJSON_AddStringToObject(o, "stream", ev->stream));
	jcheck(cJSON_AddStringToObject(o, "event_id", ev->event_id));
	jcheck(cJSON_AddStringToObject(o, "message", ev->message));
	json_dump_buf(b, o, 0);
	buf_addch(b, '\n');
	cJSON_Delete(o);
}

#define DIM	"\033[2m"
#define RED	"\033[31m"
#define RESET	"\033[0m"

void
logs_format_event(struct buf *b, const struct logs_event *ev,
    enum logs_format f, int colour)
{
	size_t len = strlen(ev->message);
	const char *on = NULL;

	if (f == LOGS_JSON) {
		format_json(b, ev);
		return;
	}
	while (len > 0 && (ev->message[len - 1] == '\n' ||
	    ev->message[len - 1] == '\r'))
		len--;
	if (f != LOGS_RAW) {
		if (colour)
			buf_adds(b, DIM);
		timeparse_format(b, ev->timestamp, f == LOGS_DETAILED ?
		    TIMEPARSE_MS | TIMEPARSE_Z : 0);
		if (colour)
			buf_adds(b, RESET);
		buf_addch(b, ' ');
		if (f == LOGS_DETAILED)
			buf_adds(b, ev->stream);
		else
			logs_short_stream(b, ev->stream);
		buf_addch(b, ' ');
		if (colour) {
			switch (logs_classify(ev->message)) {
			case LOGS_MSG_ERROR:
				on = RED;
				break;
			case LOGS_MSG_PLATFORM:
				on = DIM;
				break;
			default:
				break;
			}
		}
	}
	if (on != NULL)
		buf_adds(b, on);
	buf_add(b, ev->message, len);
	if (on != NULL)
		buf_adds(b, RESET);
	buf_addch(b, '\n');
}
