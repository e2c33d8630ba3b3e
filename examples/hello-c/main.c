/*
 * main.c - hello-c, a Lambda custom runtime (provided.*) in C with libcurl
 * and cJSON: the "bootstrap" Lambda (or `lambdactl invoke --local`) starts
 * once, and which then serves invocations until it is stopped, through the
 * Runtime API at $AWS_LAMBDA_RUNTIME_API:
 *
 *   GET  /2018-06-01/runtime/invocation/next         the next event
 *   POST /2018-06-01/runtime/invocation/ID/response  its result
 *   POST /2018-06-01/runtime/invocation/ID/error     or its failure
 *   POST /2018-06-01/runtime/init/error              setup failed
 *
 * The handler does what a data-lake partition updater computes for an S3
 * ObjectCreated:Put event: the object and the Hive-style partition it
 * belongs to,
 *
 *   {"bucket": ..., "key": ..., "size": ..., "partition": "dt=YYYY-MM-DD"}
 *
 * with the date from a "dt=YYYY-MM-DD" directory of the key, else from the
 * event's time.  Any other event gets {"message": "hello from C",
 * "received": [its top-level keys]}.  An event that is not JSON, or an S3
 * put that lacks what is needed, fails with errorType InvalidEvent.
 *
 * One curl handle serves every request, so the connection to the Runtime
 * API is reused.  One line per invocation goes to stderr: the log.
 *
 * PARTITION_KEY (default "dt") names the partition column; a bad one is an
 * init error, reported to the Runtime API before any event is taken.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <curl/curl.h>

#define API_VERSION	"2018-06-01"
#define MAX_EVENT	(6 * 1024 * 1024 + 1024)	/* Lambda's 6 MB, + slack */

/* A growing byte buffer, always NUL-terminated. */
struct buf {
	char	*data;
	size_t	 len, cap;
	int	 overflow;	/* more than MAX_EVENT arrived */
};

/* What the /next reply said about the invocation. */
struct invocation {
	char	 request_id[128];
	char	 trace_id[256];
	char	 function_arn[256];
	long	 deadline_ms;
	struct buf body;
};

/* The runtime: the one curl handle and where the API is. */
struct runtime {
	CURL	*curl;
	char	 base[512];	/* http://HOST:PORT/2018-06-01/runtime */
	char	 fn[128];	/* the function's name, for the log */
	char	 curl_err[CURL_ERROR_SIZE];
};

/* A handler's outcome: a response document, or an error. */
struct outcome {
	cJSON	*response;		/* NULL: failed */
	char	 error_type[64];
	char	 error_message[512];
	char	 log[768];		/* the invocation's log line */
};

static char partition_key[64] = "dt";

static int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t cap;
	char *d;

	if (b->len + n + 1 > MAX_EVENT) {
		b->overflow = 1;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((d = realloc(b->data, cap)) == NULL)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* curl's body callback: appends to the buffer. */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	return buf_add(arg, p, size * n) == 0 ? size * n : 0;
}

/* Copies a header's value, without surrounding white space, into dst. */
static void
header_value(const char *v, size_t n, char *dst, size_t dstsz)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Whether the header line h (n bytes) is NAME: ...; then *v is its value. */
static int
header_is(const char *h, size_t n, const char *name, const char **v)
{
	size_t k = strlen(name);

	if (n <= k || h[k] != ':' || strncasecmp(h, name, k) != 0)
		return 0;
	*v = h + k + 1;
	return 1;
}

/* curl's header callback for /next: the invocation's metadata. */
static size_t
on_header(char *h, size_t size, size_t n, void *arg)
{
	struct invocation *inv = arg;
	size_t len = size * n;
	const char *v;
	char num[32];

	if (header_is(h, len, "Lambda-Runtime-Aws-Request-Id", &v))
		header_value(v, len - (size_t)(v - h), inv->request_id,
		    sizeof inv->request_id);
	else if (header_is(h, len, "Lambda-Runtime-Trace-Id", &v))
		header_value(v, len - (size_t)(v - h), inv->trace_id,
		    sizeof inv->trace_id);
	else if (header_is(h, len, "Lambda-Runtime-Invoked-Function-Arn", &v))
		header_value(v, len - (size_t)(v - h), inv->function_arn,
		    sizeof inv->function_arn);
	else if (header_is(h, len, "Lambda-Runtime-Deadline-Ms", &v)) {
		header_value(v, len - (size_t)(v - h), num, sizeof num);
		inv->deadline_ms = strtol(num, NULL, 10);
	}
	return len;
}

#if defined(__GNUC__)
#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTFLIKE(f, a)
#endif

/* Sets the outcome to an error and its log line. */
static void fail(struct outcome *, const char *, const char *, ...)
    PRINTFLIKE(3, 4);

static void
fail(struct outcome *o, const char *type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->error_message, sizeof o->error_message, fmt, ap);
	va_end(ap);
	snprintf(o->error_type, sizeof o->error_type, "%s", type);
	snprintf(o->log, sizeof o->log, "failed with %s: %s", type,
	    o->error_message);
}

/* The string at obj.name, or NULL. */
static const char *
get_string(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Whether s begins with a date, YYYY-MM-DD. */
static int
is_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != pat[i])
			return 0;
	return 1;
}

/*
 * The date of a "KEY=YYYY-MM-DD" directory in an object key (KEY being
 * partition_key) into date[11]; 0 when found, else -1.  The value must be
 * the whole directory name: "dt=2026-11-21/", not "xdt=..." nor
 * "dt=2026-11-21T10/".
 */
static int
date_from_key(const char *key, char *date)
{
	size_t k = strlen(partition_key);
	const char *p = key;

	for (;;) {
		if (strncmp(p, partition_key, k) == 0 && p[k] == '=' &&
		    is_date(p + k + 1) && p[k + 11] == '/') {
			memcpy(date, p + k + 1, 10);
			date[10] = '\0';
			return 0;
		}
		if ((p = strchr(p, '/')) == NULL)
			return -1;
		p++;
	}
}

/* Decodes an S3 event's object key in place: '+' is ' ', %XX a byte. */
static void
url_decode(char *s)
{
	char *w = s, hex[3] = { 0 };

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*w++ = ' ';
		else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hex[0] = s[1];
			hex[1] = s[2];
			*w++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/*
 * The S3 record of an ObjectCreated:Put notification, or NULL when the
 * event is something else.
 */
static const cJSON *
s3_put_record(const cJSON *event)
{
	const cJSON *records, *r;
	const char *source, *name;

	records = cJSON_GetObjectItemCaseSensitive(event, "Records");
	if (!cJSON_IsArray(records) || (r = cJSON_GetArrayItem(records, 0)) ==
	    NULL)
		return NULL;
	source = get_string(r, "eventSource");
	name = get_string(r, "eventName");
	if (source == NULL || name == NULL || strcmp(source, "aws:s3") != 0 ||
	    strcmp(name, "ObjectCreated:Put") != 0)
		return NULL;
	return r;
}

/* The partition of an S3 put: bucket, key, size and partition. */
static void
handle_s3_put(const cJSON *record, struct outcome *o)
{
	const cJSON *s3, *bucket, *object, *size;
	const char *bname, *rawkey, *time, *from = "key";
	char date[11], partition[80], *key;

	s3 = cJSON_GetObjectItemCaseSensitive(record, "s3");
	bucket = cJSON_GetObjectItemCaseSensitive(s3, "bucket");
	object = cJSON_GetObjectItemCaseSensitive(s3, "object");
	size = cJSON_GetObjectItemCaseSensitive(object, "size");
	bname = get_string(bucket, "name");
	rawkey = get_string(object, "key");
	if (bname == NULL || rawkey == NULL || !cJSON_IsNumber(size)) {
		fail(o, "InvalidEvent", "S3 record without s3.bucket.name, "
		    "s3.object.key or s3.object.size");
		return;
	}
	/* S3 sends keys URL-encoded: "dt=" arrives as "dt%3D". */
	if ((key = strdup(rawkey)) == NULL) {
		fail(o, "OutOfMemory", "cannot copy the object key");
		return;
	}
	url_decode(key);
	if (date_from_key(key, date) == -1) {
		from = "eventTime";
		time = get_string(record, "eventTime");
		if (time == NULL || !is_date(time)) {
			fail(o, "InvalidEvent", "no %s=YYYY-MM-DD in key '%s' "
			    "and no eventTime", partition_key, key);
			free(key);
			return;
		}
		memcpy(date, time, 10);
		date[10] = '\0';
	}
	snprintf(partition, sizeof partition, "%s=%s", partition_key, date);
	if ((o->response = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o->response, "bucket", bname) == NULL ||
	    cJSON_AddStringToObject(o->response, "key", key) == NULL ||
	    cJSON_AddNumberToObject(o->response, "size",
	    size->valuedouble) == NULL ||
	    cJSON_AddStringToObject(o->response, "partition", partition) ==
	    NULL) {
		cJSON_Delete(o->response);
		o->response = NULL;
		fail(o, "OutOfMemory", "cannot build the response");
	} else
		snprintf(o->log, sizeof o->log, "s3://%s/%s (%.0f bytes) -> "
		    "%s (from the %s)", bname, key, size->valuedouble,
		    partition, from);
	free(key);
}

/* Any other event: hello, and the event's top-level keys. */
static void
handle_other(const cJSON *event, struct outcome *o)
{
	const cJSON *item;
	cJSON *keys;
	int n = 0;

	if ((o->response = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o->response, "message", "hello from C") ==
	    NULL || (keys = cJSON_AddArrayToObject(o->response, "received")) ==
	    NULL)
		goto oom;
	if (cJSON_IsObject(event))
		cJSON_ArrayForEach(item, event) {
			cJSON *k = cJSON_CreateString(item->string);

			if (k == NULL || !cJSON_AddItemToArray(keys, k)) {
				cJSON_Delete(k);
				goto oom;
			}
			n++;
		}
	snprintf(o->log, sizeof o->log, "said hello (%d top-level keys)", n);
	return;
oom:
	cJSON_Delete(o->response);
	o->response = NULL;
	fail(o, "OutOfMemory", "cannot build the response");
}

/* The handler: the event's JSON text in, an outcome out. */
static void
handle(const char *event_text, size_t len, struct outcome *o)
{
	const cJSON *record;
	cJSON *event;

	event = cJSON_ParseWithLength(event_text, len);
	if (event == NULL) {
		const char *at = cJSON_GetErrorPtr();

		if (at != NULL && at >= event_text && at <= event_text + len)
			fail(o, "InvalidEvent", "the event is not valid JSON "
			    "(at byte %zu)", (size_t)(at - event_text));
		else
			fail(o, "InvalidEvent", "the event is not valid JSON");
		return;
	}
	if ((record = s3_put_record(event)) != NULL)
		handle_s3_put(record, o);
	else
		handle_other(event, o);
	cJSON_Delete(event);
}

/* curl's body callback for POSTs: the reply's body is not needed. */
static size_t
on_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/*
 * POSTs body to PATH (under the runtime's base URL) with the error type
 * header when type is set; returns the HTTP status, or -1.
 */
static long
api_post(struct runtime *rt, const char *path, const char *body,
    const char *type)
{
	struct curl_slist *h = NULL, *t;
	char url[1024], hdr[128];
	const char *lines[3];
	long status = -1;
	size_t i, n = 0;
	CURLcode rc;

	lines[n++] = "Content-Type: application/json";
	/* No "Expect: 100-continue" round trip for bodies over 1 KB. */
	lines[n++] = "Expect:";
	if (type != NULL) {
		snprintf(hdr, sizeof hdr, "Lambda-Runtime-Function-Error-Type: "
		    "%s", type);
		lines[n++] = hdr;
	}
	for (i = 0; i < n; i++) {
		if ((t = curl_slist_append(h, lines[i])) == NULL) {
			fprintf(stderr, "%s: out of memory\n", rt->fn);
			goto out;
		}
		h = t;
	}
	snprintf(url, sizeof url, "%s%s", rt->base, path);
	rt->curl_err[0] = '\0';
	curl_easy_setopt(rt->curl, CURLOPT_URL, url);
	curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(body));
	curl_easy_setopt(rt->curl, CURLOPT_HEADERFUNCTION, NULL);
	curl_easy_setopt(rt->curl, CURLOPT_HEADERDATA, NULL);
	curl_easy_setopt(rt->curl, CURLOPT_WRITEFUNCTION, on_discard);
	curl_easy_setopt(rt->curl, CURLOPT_WRITEDATA, NULL);
	if ((rc = curl_easy_perform(rt->curl)) != CURLE_OK)
		fprintf(stderr, "%s: POST %s: %s\n", rt->fn, path,
		    rt->curl_err[0] ? rt->curl_err : curl_easy_strerror(rc));
	else
		curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, NULL);
out:
	curl_slist_free_all(h);
	return status;
}

/* The Runtime API's error document: {"errorType", "errorMessage", ...}. */
static char *
error_doc(const char *type, const char *message)
{
	cJSON *doc = cJSON_CreateObject();
	char *s = NULL;

	if (doc != NULL && cJSON_AddStringToObject(doc, "errorType", type) &&
	    cJSON_AddStringToObject(doc, "errorMessage", message) &&
	    cJSON_AddArrayToObject(doc, "stackTrace"))
		s = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return s;
}

/* Reports a failed setup to /runtime/init/error; the caller exits. */
static void
init_error(struct runtime *rt, const char *type, const char *message)
{
	char *doc = error_doc(type, message);

	fprintf(stderr, "%s: init failed with %s: %s\n", rt->fn, type,
	    message);
	if (doc != NULL)
		api_post(rt, "/init/error", doc, type);
	free(doc);
}

/*
 * Waits for the next invocation (the GET blocks until there is one);
 * 0 with inv filled, -1 when the Runtime API cannot be reached.
 */
static int
next_invocation(struct runtime *rt, struct invocation *inv)
{
	char url[1024];
	long status = 0;
	CURLcode rc;

	inv->request_id[0] = inv->trace_id[0] = inv->function_arn[0] = '\0';
	inv->deadline_ms = 0;
	buf_reset(&inv->body);
	rt->curl_err[0] = '\0';
	snprintf(url, sizeof url, "%s/invocation/next", rt->base);
	curl_easy_setopt(rt->curl, CURLOPT_URL, url);
	curl_easy_setopt(rt->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(rt->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(rt->curl, CURLOPT_HEADERDATA, inv);
	curl_easy_setopt(rt->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(rt->curl, CURLOPT_WRITEDATA, &inv->body);
	if ((rc = curl_easy_perform(rt->curl)) != CURLE_OK) {
		fprintf(stderr, "%s: GET /invocation/next: %s\n", rt->fn,
		    inv->body.overflow ? "event over 6 MB" : rt->curl_err[0] ?
		    rt->curl_err : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200 || inv->request_id[0] == '\0') {
		fprintf(stderr, "%s: GET /invocation/next: HTTP %ld%s\n",
		    rt->fn, status, inv->request_id[0] == '\0' ?
		    ", no Lambda-Runtime-Aws-Request-Id" : "");
		return -1;
	}
	if (inv->body.data == NULL)
		buf_add(&inv->body, "", 0);
	return 0;
}

/* Runs one invocation and posts its response or error. */
static void
serve(struct runtime *rt, struct invocation *inv)
{
	struct outcome o;
	char path[512], *id, *doc = NULL;
	long status;

	memset(&o, 0, sizeof o);
	/* Lambda's runtimes hand the trace id on to the code and its SDKs. */
	if (inv->trace_id[0] != '\0')
		setenv("_X_AMZN_TRACE_ID", inv->trace_id, 1);
	else
		unsetenv("_X_AMZN_TRACE_ID");
	handle(inv->body.data, inv->body.len, &o);

	if ((id = curl_easy_escape(rt->curl, inv->request_id, 0)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", rt->fn);
		exit(1);
	}
	if (o.response != NULL) {
		snprintf(path, sizeof path, "/invocation/%s/response", id);
		doc = cJSON_PrintUnformatted(o.response);
		if (doc == NULL) {
			fail(&o, "OutOfMemory", "cannot print the response");
			cJSON_Delete(o.response);
			o.response = NULL;
		}
	}
	if (o.response == NULL) {
		snprintf(path, sizeof path, "/invocation/%s/error", id);
		doc = error_doc(o.error_type, o.error_message);
	}
	fprintf(stderr, "%s: %s: %s\n", rt->fn, inv->request_id, o.log);
	status = doc != NULL ? api_post(rt, path, doc,
	    o.response == NULL ? o.error_type : NULL) : -1;
	/* 202 Accepted; 413 (response too large) and others are logged. */
	if (status != 202)
		fprintf(stderr, "%s: %s: the Runtime API answered %ld to %s\n",
		    rt->fn, inv->request_id, status, path);
	curl_free(id);
	free(doc);
	cJSON_Delete(o.response);
}

/* Sets up the runtime; on failure reports an init error where it can. */
static int
setup(struct runtime *rt)
{
	const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
	const char *fn = getenv("AWS_LAMBDA_FUNCTION_NAME");
	const char *pk = getenv("PARTITION_KEY");
	size_t i;

	snprintf(rt->fn, sizeof rt->fn, "%s", fn != NULL && *fn != '\0' ?
	    fn : "hello-c");
	if (api == NULL || *api == '\0') {
		fprintf(stderr, "%s: AWS_LAMBDA_RUNTIME_API is not set: run "
		    "me in Lambda or with lambdactl invoke --local\n", rt->fn);
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (rt->curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "%s: cannot initialise libcurl\n", rt->fn);
		return -1;
	}
	snprintf(rt->base, sizeof rt->base, "http://%s/" API_VERSION
	    "/runtime", api);
	curl_easy_setopt(rt->curl, CURLOPT_ERRORBUFFER, rt->curl_err);
	curl_easy_setopt(rt->curl, CURLOPT_NOSIGNAL, 1L);
	/* The Runtime API is local: never through a proxy. */
	curl_easy_setopt(rt->curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(rt->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	/* /next may wait for hours: no overall timeout. */
	curl_easy_setopt(rt->curl, CURLOPT_TIMEOUT, 0L);
	curl_easy_setopt(rt->curl, CURLOPT_CONNECTTIMEOUT, 5L);

	if (pk != NULL) {
		for (i = 0; pk[i] != '\0'; i++)
			if (!isalnum((unsigned char)pk[i]) && pk[i] != '_')
				break;
		if (pk[i] != '\0' || i == 0 || i >= sizeof partition_key) {
			init_error(rt, "InvalidConfig", "PARTITION_KEY must be "
			    "1 to 63 letters, digits and '_'");
			return -1;
		}
		memcpy(partition_key, pk, i + 1);
	}
	return 0;
}

int
main(void)
{
	struct runtime rt;
	struct invocation inv;

	memset(&rt, 0, sizeof rt);
	memset(&inv, 0, sizeof inv);
	if (setup(&rt) == -1)
		return 1;
	fprintf(stderr, "%s: ready, partition column '%s'\n", rt.fn,
	    partition_key);
	while (next_invocation(&rt, &inv) == 0)
		serve(&rt, &inv);
	/* The Runtime API went away: the environment is shutting down. */
	free(inv.body.data);
	curl_easy_cleanup(rt.curl);
	curl_global_cleanup();
	return 1;
}
