/*
 * test-s3-notify.c - a bucket's notification configuration: parsed from
 * what S3 and moto answer, lambdactl's entries for a function found and
 * swapped while every other element prints as it was (checked element by
 * element with libxml2 directly), the overlaps S3 refuses, hostile and
 * broken XML, and the GET/PUT requests against the scripted loopback
 * server (testhttp.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "s3-notify.h"
#include "sha256.h"
#include "testhttp.h"

#define NS	"http://s3.amazonaws.com/doc/2006-03-01/"
#define FN	"arn:aws:lambda:us-east-1:123456789012:function:updater"
#define OTHER	"arn:aws:lambda:us-east-1:123456789012:function:thumbs"

/*
 * moto 5.2.1's answer to GET /data-team?notification (recorded with curl)
 * after the AWS CLI put a topic, a queue, another team's function and one
 * entry of lambdactl's for FN:live, and EventBridgeConfiguration (which
 * moto keeps but does not give back).
 */
static const char moto_get[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<NotificationConfiguration xmlns=\"" NS "\"><TopicConfiguration><Id>"
    "team-topic</Id><Topic>arn:aws:sns:us-east-1:123456789012:uploads"
    "</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>"
    "<QueueConfiguration><Id>team-queue</Id><Queue>arn:aws:sqs:us-east-1:"
    "123456789012:jobs</Queue><Event>s3:ObjectCreated:Put</Event><Filter>"
    "<S3Key><FilterRule><Name>prefix</Name><Value>images/</Value>"
    "</FilterRule><FilterRule><Name>suffix</Name><Value>.jpg</Value>"
    "</FilterRule></S3Key></Filter></QueueConfiguration>"
    "<CloudFunctionConfiguration><Id>other-fn</Id><CloudFunction>" OTHER
    "</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key>"
    "<FilterRule><Name>prefix</Name><Value>raw/</Value></FilterRule>"
    "</S3Key></Filter></CloudFunctionConfiguration>"
    "<CloudFunctionConfiguration><Id>lambdactl-updater-0</Id>"
    "<CloudFunction>" FN ":live</CloudFunction><Event>s3:ObjectCreated:*"
    "</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>"
    "datalake/</Value></FilterRule><FilterRule><Name>suffix</Name><Value>"
    ".txt</Value></FilterRule></S3Key></Filter>"
    "</CloudFunctionConfiguration></NotificationConfiguration>";

/* moto's answer for a bucket without a configuration. */
static const char moto_empty[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<GetBucketNotificationResponse xmlns=\"" NS "\"/>";

/*
 * As S3 might keep it after other tools wrote it: indented, a comment,
 * S3's "Prefix"/"Suffix" capitals, Filter before the ARN, an entry of
 * lambdactl's for another function (thumbs), two for FN (one
 * unqualified, one for an alias), one whose Id is not lambdactl's for
 * FN, an element from the future, EventBridgeConfiguration last.
 */
static const char s3_doc[] =
    "<NotificationConfiguration xmlns=\"" NS "\">\n"
    "  <!-- data team -->\n"
    "  <QueueConfiguration>\n"
    "    <Id>team-queue</Id>\n"
    "    <Filter><S3Key><FilterRule><Name>Prefix</Name><Value>images/"
    "</Value></FilterRule></S3Key></Filter>\n"
    "    <Queue>arn:aws:sqs:us-east-1:123456789012:jobs</Queue>\n"
    "    <Event>s3:ObjectCreated:Put</Event>\n"
    "  </QueueConfiguration>\n"
    "  <CloudFunctionConfiguration>\n"
    "    <Id>lambdactl-updater-1</Id>\n"
    "    <CloudFunction>" FN "</CloudFunction>\n"
    "    <Event>s3:ObjectRemoved:*</Event>\n"
    "    <Event>s3:ObjectCreated:Copy</Event>\n"
    "  </CloudFunctionConfiguration>\n"
    "  <TopicConfiguration>\n"
    "    <Topic>arn:aws:sns:us-east-1:123456789012:a&amp;b</Topic>\n"
    "    <Event>s3:ObjectRestore:*</Event>\n"
    "  </TopicConfiguration>\n"
    "  <CloudFunctionConfiguration>\n"
    "    <Id>lambdactl-thumbs-0</Id>\n"
    "    <CloudFunction>" OTHER "</CloudFunction>\n"
    "    <Event>s3:ObjectCreated:*</Event>\n"
    "    <Filter><S3Key><FilterRule><Name>Prefix</Name><Value>raw/</Value>"
    "</FilterRule></S3Key></Filter>\n"
    "  </CloudFunctionConfiguration>\n"
    "  <CloudFunctionConfiguration>\n"
    "    <Id>by-hand</Id>\n"
    "    <CloudFunction>" FN "</CloudFunction>\n"
    "    <Event>s3:ObjectTagging:*</Event>\n"
    "  </CloudFunctionConfiguration>\n"
    "  <CloudFunctionConfiguration>\n"
    "    <Id>lambdactl-updater-0</Id>\n"
    "    <Filter><S3Key><FilterRule><Name>Suffix</Name><Value>.txt</Value>"
    "</FilterRule><FilterRule><Name>Prefix</Name><Value>datalake/</Value>"
    "</FilterRule></S3Key></Filter>\n"
    "    <CloudFunction>" FN ":live</CloudFunction>\n"
    "    <Event>s3:ObjectCreated:*</Event>\n"
    "  </CloudFunctionConfiguration>\n"
    "  <FutureConfiguration><Knob a=\"1\">x</Knob></FutureConfiguration>\n"
    "  <EventBridgeConfiguration/>\n"
    "</NotificationConfiguration>";

static struct s3_notify *
parse_ok(const char *xml)
{
	struct s3_notify *n;
	struct lc_err err;

	memset(&err, 0, sizeof err);
	n = s3_notify_parse(xml, strlen(xml), &err);
	if (n == NULL)
		fail_msg("s3_notify_parse: %s", err.msg);
	return n;
}

static char *
to_xml(const struct s3_notify *n)
{
	struct buf b = BUF_INIT;

	s3_notify_xml(n, &b);
	return buf_detach(&b, NULL);
}

/* Whether a child of the root is lambdactl's entry for FN (told apart
 * here by the test's own reading of the tree). */
static int
owned_by_fn(xmlNodePtr c)
{
	xmlChar *s;
	xmlNodePtr k;
	int id = 0, arn = 0;

	if (c->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)c->name, "CloudFunctionConfiguration") != 0)
		return 0;
	for (k = c->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		s = xmlNodeGetContent(k);
		if (strcmp((const char *)k->name, "Id") == 0)
			id = strncmp((const char *)s, "lambdactl-", 10) == 0;
		if (strcmp((const char *)k->name, "CloudFunction") == 0)
			arn = strcmp((const char *)s, FN) == 0 ||
			    strcmp((const char *)s, FN ":live") == 0;
		xmlFree(s);
	}
	return id && arn;
}

/* Every element under the root but FN's lambdactl entries, each printed
 * by libxml2 and joined by "|". */
static char *
foreign(const char *xml)
{
	struct buf out = BUF_INIT;
	xmlBufferPtr b;
	xmlDocPtr doc;
	xmlNodePtr c;

	doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	for (c = xmlDocGetRootElement(doc)->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE && c->type != XML_COMMENT_NODE)
			continue;
		if (owned_by_fn(c))
			continue;
		b = xmlBufferCreate();
		xmlNodeDump(b, doc, c, 0, 0);
		buf_add(&out, xmlBufferContent(b), (size_t)xmlBufferLength(b));
		buf_addch(&out, '|');
		xmlBufferFree(b);
	}
	xmlFreeDoc(doc);
	return buf_detach(&out, NULL);
}

static void
test_owned(void **state)
{
	struct s3_notify *n = parse_ok(s3_doc);
	struct s3_notify_fn *f;
	size_t count;

	(void)state;
	s3_notify_owned(n, FN, &f, &count);
	if (count != 2)
		fail_msg("%zu owned: %s", count, count ? f[0].id : "");
	assert_string_equal(f[0].id, "lambdactl-updater-1");
	assert_string_equal(f[0].function_arn, FN);
	assert_int_equal(f[0].nevents, 2);
	/* Sorted. */
	assert_string_equal(f[0].events[0], "s3:ObjectCreated:Copy");
	assert_string_equal(f[0].events[1], "s3:ObjectRemoved:*");
	assert_null(f[0].prefix);
	assert_null(f[0].suffix);
	assert_string_equal(f[1].id, "lambdactl-updater-0");
	assert_string_equal(f[1].function_arn, FN ":live");
	assert_int_equal(f[1].nevents, 1);
	assert_string_equal(f[1].events[0], "s3:ObjectCreated:*");
	assert_string_equal(f[1].prefix, "datalake/");
	assert_string_equal(f[1].suffix, ".txt");
	s3_notify_fns_free(f, count);

	s3_notify_owned(n, OTHER, &f, &count);
	assert_int_equal(count, 1);
	assert_string_equal(f[0].id, "lambdactl-thumbs-0");
	assert_string_equal(f[0].prefix, "raw/");
	s3_notify_fns_free(f, count);

	/* A function whose ARN starts another's owns nothing of it. */
	s3_notify_owned(n, "arn:aws:lambda:us-east-1:123456789012:function:"
	    "update", &f, &count);
	assert_int_equal(count, 0);
	assert_null(f);
	s3_notify_free(n);
}

/* Parsed and printed unchanged: the same bytes (but moto's declaration). */
static void
test_round_trip(void **state)
{
	struct s3_notify *n;
	char *x;

	(void)state;
	n = parse_ok(s3_doc);
	x = to_xml(n);
	assert_string_equal(x, s3_doc);
	free(x);
	s3_notify_free(n);

	n = parse_ok(moto_get);
	x = to_xml(n);
	assert_string_equal(x, strchr(moto_get, '\n') + 1);
	free(x);
	s3_notify_free(n);

	/* The empty ones, in S3's namespace (moto's named as S3 names it). */
	n = parse_ok(moto_empty);
	x = to_xml(n);
	assert_string_equal(x, "<NotificationConfiguration xmlns=\"" NS
	    "\"/>");
	free(x);
	s3_notify_free(n);
	n = parse_ok("<NotificationConfiguration/>");
	x = to_xml(n);
	assert_string_equal(x, "<NotificationConfiguration xmlns=\"" NS
	    "\"/>");
	free(x);
	s3_notify_free(n);

	/* UTF-8 whatever the declaration says, and printed as UTF-8. */
	n = parse_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	    "<NotificationConfiguration><QueueConfiguration><Id>caf\xc3\xa9"
	    "</Id></QueueConfiguration></NotificationConfiguration>");
	x = to_xml(n);
	assert_string_equal(x, "<NotificationConfiguration xmlns=\"" NS "\">"
	    "<QueueConfiguration><Id>caf\xc3\xa9</Id></QueueConfiguration>"
	    "</NotificationConfiguration>");
	free(x);
	s3_notify_free(n);
}

static void
test_swap_moto(void **state)
{
	char *ev[] = { (char *)"s3:ObjectTagging:*",
	    (char *)"s3:ObjectCreated:Put" };
	struct s3_notify_fn want = { (char *)"lambdactl-updater-0",
	    (char *)FN ":live", ev, 2, (char *)"incoming/", NULL };
	struct s3_notify *n = parse_ok(moto_get);
	struct s3_notify_fn *f;
	struct lc_err err;
	size_t count;
	char *x;

	(void)state;
	memset(&err, 0, sizeof err);
	assert_int_equal(s3_notify_set_owned(n, FN, &want, 1, &err), 0);
	x = to_xml(n);
	/* The others as moto gave them; the entry last, events sorted. */
	assert_string_equal(x, "<NotificationConfiguration xmlns=\"" NS "\">"
	    "<TopicConfiguration><Id>team-topic</Id><Topic>arn:aws:sns:"
	    "us-east-1:123456789012:uploads</Topic><Event>s3:ObjectRemoved:*"
	    "</Event></TopicConfiguration><QueueConfiguration><Id>team-queue"
	    "</Id><Queue>arn:aws:sqs:us-east-1:123456789012:jobs</Queue>"
	    "<Event>s3:ObjectCreated:Put</Event><Filter><S3Key><FilterRule>"
	    "<Name>prefix</Name><Value>images/</Value></FilterRule><FilterRule>"
	    "<Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key>"
	    "</Filter></QueueConfiguration><CloudFunctionConfiguration><Id>"
	    "other-fn</Id><CloudFunction>" OTHER "</CloudFunction><Event>"
	    "s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix"
	    "</Name><Value>raw/</Value></FilterRule></S3Key></Filter>"
	    "</CloudFunctionConfiguration><CloudFunctionConfiguration><Id>"
	    "lambdactl-updater-0</Id><CloudFunction>" FN ":live"
	    "</CloudFunction><Event>s3:ObjectCreated:Put</Event><Event>"
	    "s3:ObjectTagging:*</Event><Filter><S3Key><FilterRule><Name>"
	    "prefix</Name><Value>incoming/</Value></FilterRule></S3Key>"
	    "</Filter></CloudFunctionConfiguration></NotificationConfiguration>");
	free(x);
	/* And read back as it was wanted. */
	s3_notify_owned(n, FN, &f, &count);
	assert_int_equal(count, 1);
	assert_string_equal(f[0].events[0], "s3:ObjectCreated:Put");
	assert_string_equal(f[0].events[1], "s3:ObjectTagging:*");
	assert_string_equal(f[0].prefix, "incoming/");
	assert_null(f[0].suffix);
	s3_notify_fns_free(f, count);
	s3_notify_free(n);
}

static void
test_swap_keeps_foreign(void **state)
{
	char *ev1[] = { (char *)"s3:ObjectCreated:*" };
	char *ev2[] = { (char *)"s3:ObjectRemoved:Delete" };
	struct s3_notify_fn want[] = {
		{ (char *)"lambdactl-updater-0", (char *)FN, ev1, 1,
		    (char *)"in/", (char *)".csv" },
		{ (char *)"lambdactl-updater-1", (char *)FN ":live", ev2, 1,
		    (char *)"out/<&>", NULL },
	};
	struct s3_notify *n = parse_ok(s3_doc);
	struct s3_notify_fn *f;
	struct lc_err err;
	char *before, *after, *x, *eb, *last;
	size_t count;

	(void)state;
	memset(&err, 0, sizeof err);
	before = foreign(s3_doc);
	/* Six elements and the comment, in order. */
	assert_non_null(strstr(before, "<!-- data team -->|<QueueConfig"));
	assert_non_null(strstr(before, "<FutureConfiguration><Knob a=\"1\">x"
	    "</Knob></FutureConfiguration>|<EventBridgeConfiguration/>|"));
	assert_int_equal(s3_notify_set_owned(n, FN, want, 2, &err), 0);
	x = to_xml(n);
	after = foreign(x);
	assert_string_equal(after, before);
	/* Ours just before EventBridgeConfiguration, in want's order; the
	 * value escaped. */
	eb = strstr(x, "<EventBridgeConfiguration/>");
	last = strstr(x, "<Id>lambdactl-updater-1</Id>");
	assert_non_null(eb);
	assert_non_null(last);
	assert_true(strstr(x, "<Id>lambdactl-updater-0</Id>") < last);
	assert_true(last < eb);
	assert_non_null(strstr(x, "<Value>out/&lt;&amp;&gt;</Value>"));
	/* The old ones gone with the blanks before them. */
	assert_null(strstr(x, "\n    <Id>lambdactl-updater"));
	assert_null(strstr(x, "\n  \n"));
	s3_notify_owned(n, FN, &f, &count);
	assert_int_equal(count, 2);
	assert_string_equal(f[0].prefix, "in/");
	assert_string_equal(f[0].suffix, ".csv");
	assert_string_equal(f[1].prefix, "out/<&>");
	s3_notify_fns_free(f, count);
	free(x);
	free(after);

	/* Nothing wanted: ours go, the rest stays. */
	assert_int_equal(s3_notify_set_owned(n, FN, NULL, 0, &err), 0);
	x = to_xml(n);
	after = foreign(x);
	assert_string_equal(after, before);
	assert_null(strstr(x, "lambdactl-updater"));
	assert_non_null(strstr(x, "lambdactl-thumbs-0"));
	s3_notify_owned(n, FN, &f, &count);
	assert_int_equal(count, 0);
	free(x);
	free(after);
	free(before);
	s3_notify_free(n);
}

/*
 * set_owned of one entry (prefix, suffix; NULL: none) for events ev1 and
 * ev2 (NULL: none) on doc: 0, or -1 with err's message in msg.
 */
static int
try_swap(const char *doc, const char *ev1, const char *ev2,
    const char *prefix, const char *suffix, char *msg, size_t msglen)
{
	char *ev[] = { (char *)ev1, (char *)ev2 };
	struct s3_notify_fn want = { (char *)"lambdactl-updater-0",
	    (char *)FN, ev, ev2 != NULL ? 2 : 1, (char *)prefix,
	    (char *)suffix };
	struct s3_notify *n = parse_ok(doc);
	struct lc_err err;
	char *before, *after;
	int ret;

	memset(&err, 0, sizeof err);
	before = to_xml(n);
	ret = s3_notify_set_owned(n, FN, &want, 1, &err);
	if (ret == -1) {
		/* Refused: the configuration as it was. */
		after = to_xml(n);
		assert_string_equal(after, before);
		free(after);
		assert_int_equal(err.status, LC_ECONFIG);
		snprintf(msg, msglen, "%s", err.msg);
	}
	free(before);
	s3_notify_free(n);
	return ret;
}

/* A queue with this filter and event, then a topic without Id. */
static char *
doc_with(const char *event, const char *prefix, const char *suffix)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "<NotificationConfiguration xmlns=\"" NS "\">"
	    "<QueueConfiguration><Id>team-queue</Id><Queue>arn:aws:sqs:"
	    "us-east-1:123456789012:jobs</Queue>");
	buf_addf(&b, "<Event>%s</Event>", event);
	if (prefix != NULL || suffix != NULL)
		buf_adds(&b, "<Filter><S3Key>");
	if (prefix != NULL)
		buf_addf(&b, "<FilterRule><Name>Prefix</Name><Value>%s</Value>"
		    "</FilterRule>", prefix);
	if (suffix != NULL)
		buf_addf(&b, "<FilterRule><Name>suffix</Name><Value>%s</Value>"
		    "</FilterRule>", suffix);
	if (prefix != NULL || suffix != NULL)
		buf_adds(&b, "</S3Key></Filter>");
	buf_adds(&b, "</QueueConfiguration><TopicConfiguration><Topic>"
	    "arn:aws:sns:us-east-1:123456789012:t</Topic><Event>"
	    "s3:LifecycleExpiration:*</Event></TopicConfiguration>"
	    "</NotificationConfiguration>");
	return buf_detach(&b, NULL);
}

static void
test_overlaps(void **state)
{
	char msg[1024], *d;

	(void)state;
	/* A wildcard covers the queue's event; prefix and suffix meet. */
	d = doc_with("s3:ObjectCreated:Put", "images/", ".jpg");
	assert_int_equal(try_swap(d, "s3:ObjectCreated:*", NULL, "images/",
	    NULL, msg, sizeof msg), -1);
	assert_string_equal(msg, "S3 notification entries 'team-queue' and "
	    "'lambdactl-updater-0' overlap: both take s3:ObjectCreated:Put on "
	    "keys starting 'images/' and ending '.jpg' (S3 refuses two entries "
	    "for one event type whose prefixes and suffixes overlap)");
	/* A longer prefix, same event. */
	assert_int_equal(try_swap(d, "s3:ObjectCreated:Put", NULL,
	    "images/2024/", ".jpg", msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "keys starting 'images/2024/' and ending "
	    "'.jpg'"));
	/* S3's own example: "jpg" and "pg" end one key. */
	assert_int_equal(try_swap(d, "s3:ObjectCreated:Put", NULL, NULL, "pg",
	    msg, sizeof msg), -1);
	/* Disjoint suffixes (S3's example: .jpg and .png), a disjoint
	 * prefix, another event type: all fine. */
	assert_int_equal(try_swap(d, "s3:ObjectCreated:*", NULL, "images/",
	    ".png", msg, sizeof msg), 0);
	assert_int_equal(try_swap(d, "s3:ObjectCreated:Put", NULL, "logs/",
	    NULL, msg, sizeof msg), 0);
	assert_int_equal(try_swap(d, "s3:ObjectRemoved:*", "s3:ObjectRestore:*",
	    "images/", ".jpg", msg, sizeof msg), 0);
	/* The second event of ours is the one that meets. */
	assert_int_equal(try_swap(d, "s3:ObjectRemoved:*", "s3:ObjectCreated:*",
	    NULL, NULL, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "both take s3:ObjectCreated:Put on keys "
	    "starting 'images/' and ending '.jpg'"));
	free(d);

	/* No filter on the queue: every key is its. */
	d = doc_with("s3:ObjectCreated:*", NULL, NULL);
	assert_int_equal(try_swap(d, "s3:ObjectCreated:Copy", NULL,
	    "datalake/", ".txt", msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "both take s3:ObjectCreated:Copy on keys "
	    "starting 'datalake/' and ending '.txt'"));
	/* An empty prefix is no prefix. */
	free(d);
	d = doc_with("s3:ObjectCreated:*", "", NULL);
	assert_int_equal(try_swap(d, "s3:ObjectCreated:*", NULL, NULL, NULL,
	    msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "both take s3:ObjectCreated:* on every "
	    "key"));
	free(d);

	/* The topic has no Id. */
	d = doc_with("s3:ObjectCreated:Put", "a/", NULL);
	assert_int_equal(try_swap(d, "s3:LifecycleExpiration:Delete", NULL,
	    NULL, ".gz", msg, sizeof msg), -1);
	assert_string_equal(msg, "S3 notification entries an entry without Id "
	    "(topic arn:aws:sns:us-east-1:123456789012:t) and "
	    "'lambdactl-updater-0' overlap: both take "
	    "s3:LifecycleExpiration:Delete on keys ending '.gz' (S3 refuses "
	    "two entries for one event type whose prefixes and suffixes "
	    "overlap)");
	free(d);
}

/* Two of ours that meet; other entries that meet each other are S3's to
 * refuse, not a reason to refuse ours. */
static void
test_overlaps_ours_and_theirs(void **state)
{
	char *ev[] = { (char *)"s3:ObjectCreated:*" };
	struct s3_notify_fn want[] = {
		{ (char *)"lambdactl-updater-0", (char *)FN, ev, 1,
		    (char *)"a/", NULL },
		{ (char *)"lambdactl-updater-1", (char *)FN ":live", ev, 1,
		    (char *)"a/b/", NULL },
	};
	struct s3_notify *n = parse_ok(moto_empty);
	struct lc_err err;
	char *d;

	(void)state;
	memset(&err, 0, sizeof err);
	assert_int_equal(s3_notify_set_owned(n, FN, want, 2, &err), -1);
	assert_non_null(strstr(err.msg, "entries 'lambdactl-updater-0' and "
	    "'lambdactl-updater-1' overlap"));
	want[1].prefix = (char *)"b/";
	assert_int_equal(s3_notify_set_owned(n, FN, want, 2, &err), 0);
	s3_notify_free(n);

	d = xasprintf("<NotificationConfiguration>"
	    "<QueueConfiguration><Id>q1</Id><Queue>arn:aws:sqs:r:1:q</Queue>"
	    "<Event>s3:ObjectCreated:*</Event></QueueConfiguration>"
	    "<QueueConfiguration><Id>q2</Id><Queue>arn:aws:sqs:r:1:q</Queue>"
	    "<Event>s3:ObjectCreated:*</Event></QueueConfiguration>"
	    "</NotificationConfiguration>");
	n = parse_ok(d);
	assert_int_equal(s3_notify_set_owned(n, FN, NULL, 0, &err), 0);
	assert_int_equal(s3_notify_set_owned(n, FN, want, 1, &err), -1);
	assert_non_null(strstr(err.msg, "'q1' and 'lambdactl-updater-0'"));
	s3_notify_free(n);
	free(d);
}

/* What set_owned will not write: entries it would not know again. */
static void
test_want_refused(void **state)
{
	char *ev[] = { (char *)"s3:ObjectCreated:*", (char *)"bad\nevent" };
	struct s3_notify_fn w = { (char *)"lambdactl-updater-0", (char *)FN,
	    ev, 1, NULL, NULL };
	struct s3_notify *n = parse_ok(moto_get);
	struct lc_err err;
	char *before = to_xml(n), *after;

	(void)state;
	memset(&err, 0, sizeof err);
	w.id = (char *)"updater-0";
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	assert_non_null(strstr(err.msg, "'updater-0' for " FN " is not "
	    "lambdactl's"));
	w.id = (char *)"lambdactl-updater-0";
	w.function_arn = (char *)OTHER;
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	w.function_arn = (char *)FN ":live:extra";
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	w.function_arn = (char *)FN;
	w.nevents = 0;
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	assert_non_null(strstr(err.msg, "has no event type"));
	w.nevents = 2;
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	assert_non_null(strstr(err.msg, "control character"));
	ev[1] = (char *)"s3:Object\x9d" "Created:*";
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	assert_non_null(strstr(err.msg, "not UTF-8"));
	/* A continuation byte as a lead byte, an overlong 'A'. */
	ev[1] = (char *)"s3:Ob\x96\x9a" "Created:*";
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	ev[1] = (char *)"s3:Object\xc1\x81";
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	ev[1] = (char *)"s3:ObjectCreated:*";
	w.prefix = (char *)"\xef\xbf\xbe";	/* U+FFFE: no XML character */
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), -1);
	/* None of it changed anything. */
	after = to_xml(n);
	assert_string_equal(after, before);
	free(after);
	w.prefix = (char *)"caf\xc3\xa9/";
	assert_int_equal(s3_notify_set_owned(n, FN, &w, 1, &err), 0);
	after = to_xml(n);
	assert_non_null(strstr(after, "<Value>caf\xc3\xa9/</Value>"));
	free(after);
	free(before);
	s3_notify_free(n);
}

/* Parsing len bytes of xml fails with a message containing want. */
static void
parse_fails_len(const char *xml, size_t len, const char *want)
{
	struct lc_err err;

	memset(&err, 0, sizeof err);
	assert_null(s3_notify_parse(xml, len, &err));
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, want);
	assert_int_equal(err.status, LC_EFAIL);
}

static void
parse_fails(const char *xml, const char *want)
{
	parse_fails_len(xml, strlen(xml), want);
}

static void
test_malformed(void **state)
{
	static const char utf16[] = "<\0?\0x\0m\0l\0";
	char *big;

	(void)state;
	parse_fails("", "not XML");
	parse_fails("<NotificationConfiguration>", "not XML: line 1: ");
	parse_fails("<NotificationConfiguration><QueueConfiguration>"
	    "</NotificationConfiguration>", "not XML");
	parse_fails("<Error><Code>AccessDenied</Code></Error>", "is <Error>, not <NotificationConfiguration>");
	parse_fails("<GetBucketNotificationResponse><X/>"
	    "</GetBucketNotificationResponse>", "is <GetBucketNotificationResponse>");
	parse_fails("just text", "not XML");
	parse_fails("<a>\xff</a>", "not XML: line 1: Input is not proper "
	    "UTF-8");
	parse_fails("<a>\n<b>&undefined;</b></a>", "not XML: line 2: ");
	parse_fails_len(utf16, sizeof utf16 - 1, "NUL byte");
	big = xmalloc(1024 * 1024 + 2);
	memset(big, ' ', 1024 * 1024 + 1);
	big[1024 * 1024 + 1] = '\0';
	memcpy(big, "<NotificationConfiguration/>", 28);
	parse_fails(big, "over 1048576 bytes");
	/* 1 MiB is allowed. */
	big[1024 * 1024] = '\0';
	s3_notify_free(parse_ok(big));
	free(big);
}

/* External entities (XXE), entity expansion, a DTD at all: refused. */
static void
test_hostile(void **state)
{
	static const char *const docs[] = {
		"<?xml version=\"1.0\"?>\n<!DOCTYPE NotificationConfiguration "
		"[<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<NotificationConfiguration><QueueConfiguration><Id>&x;</Id>"
		"</QueueConfiguration></NotificationConfiguration>",
		"<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;"
		"&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;"
		"&b;&b;\">]><NotificationConfiguration><x>&c;</x>"
		"</NotificationConfiguration>",
		"<!DOCTYPE NotificationConfiguration SYSTEM "
		"\"http://127.0.0.1:9/x.dtd\"><NotificationConfiguration/>",
	};
	/* A DOCTYPE with an entity in EBCDIC: no "<!DOCTYPE" in its bytes,
	 * and not read as EBCDIC either (xmllint would, through iconv). */
	static const char ebcdic[] =
		"\x4c\x6f\xa7\x94\x93\x40\xa5\x85\x99\xa2\x89\x96\x95\x7e\x7f\xf1"
		"\x4b\xf0\x7f\x40\x85\x95\x83\x96\x84\x89\x95\x87\x7e\x7f\xc9\xc2"
		"\xd4\xf0\xf3\xf7\x7f\x6f\x6e\x4c\x5a\xc4\xd6\xc3\xe3\xe8\xd7\xc5"
		"\x40\x81\x40\xba\x4c\x5a\xc5\xd5\xe3\xc9\xe3\xe8\x40\xa7\x40\x7f"
		"\x82\x96\x96\x94\x7f\x6e\xbb\x6e\x4c\x81\x6e\x50\xa7\x5e\x4c\x61"
		"\x81\x6e";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof docs / sizeof docs[0]; i++)
		parse_fails(docs[i], "DOCTYPE (refused)");
	parse_fails(ebcdic, "not XML: line 1: ");
	/* Character references are plain text, and stay so. */
	{
		struct s3_notify *n = parse_ok("<NotificationConfiguration>"
		    "<QueueConfiguration><Id>lambdactl-&#x41;</Id><Queue>q"
		    "</Queue></QueueConfiguration></NotificationConfiguration>");
		char *x = to_xml(n);

		assert_non_null(strstr(x, "<Id>lambdactl-A</Id>"));
		free(x);
		s3_notify_free(n);
	}
}

static char *
answer(int status, const char *body)
{
	return xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/xml\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", status,
	    strlen(body), body);
}

/* The body of a raw request, after the blank line. */
static const char *
raw_body(const char *raw)
{
	const char *p = strstr(raw, "\r\n\r\n");

	assert_non_null(p);
	return p + 4;
}

static void
test_get_put(void **state)
{
	char *ev[] = { (char *)"s3:ObjectCreated:*" };
	struct s3_notify_fn want = { (char *)"lambdactl-updater-0",
	    (char *)FN, ev, 1, (char *)"datalake/", (char *)".txt" };
	const char *answers[2];
	char hex[SHA256_HEX_LEN + 1], *sent, *hdr;
	struct s3_notify *n;
	struct testhttp h;
	struct lc_err err;

	(void)state;
	memset(&err, 0, sizeof err);
	answers[0] = answer(200, moto_get);
	answers[1] = answer(200, "");
	testhttp_start(&h, answers, 2);
	if (s3_notify_get(&h.client, "data-team", &n, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(s3_notify_set_owned(n, FN, &want, 1, &err), 0);
	if (s3_notify_put(&h.client, "data-team", n, &err) == -1)
		fail_msg("%s", err.msg);
	sent = to_xml(n);
	assert_string_equal(h.reqs[0], "GET /data-team?notification");
	assert_string_equal(h.reqs[1], "PUT /data-team?notification");
	assert_string_equal(raw_body(h.raw[0]), "");
	assert_string_equal(raw_body(h.raw[1]), sent);
	assert_non_null(strstr(h.raw[1], "\r\nContent-Type: application/xml"
	    "\r\n"));
	/* S3 checks the body against its signed hash. */
	sha256_hex(sent, strlen(sent), hex);
	hdr = xasprintf("\r\nx-amz-content-sha256: %s\r\n", hex);
	assert_non_null(strstr(h.raw[1], hdr));
	assert_int_equal(testhttp_stop(&h), 2);
	free(hdr);
	free(sent);
	s3_notify_free(n);
	free((char *)answers[0]);
	free((char *)answers[1]);
}

static void
test_get_put_errors(void **state)
{
	const char *answers[3];
	struct s3_notify *n;
	struct testhttp h;
	struct lc_err err;
	size_t i;

	(void)state;
	memset(&err, 0, sizeof err);
	answers[0] = answer(404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<Error><Code>NoSuchBucket</Code><Message>The specified bucket "
	    "does not exist</Message><BucketName>data-team</BucketName>"
	    "</Error>");
	answers[1] = answer(200, "<html>a proxy page</html>");
	answers[2] = answer(403, "<Error><Code>AccessDenied</Code><Message>"
	    "Access Denied</Message></Error>");
	testhttp_start(&h, answers, 3);
	assert_int_equal(s3_notify_get(&h.client, "data-team", &n, &err), -1);
	assert_null(n);
	assert_string_equal(err.msg, "s3://data-team: "
	    "GetBucketNotificationConfiguration: NoSuchBucket: The specified "
	    "bucket does not exist");
	assert_true(lc_error_is(&err, "NoSuchBucket"));
	assert_int_equal(s3_notify_get(&h.client, "data-team", &n, &err), -1);
	assert_string_equal(err.msg, "s3://data-team: "
	    "GetBucketNotificationConfiguration: the notification "
	    "configuration is <html>, not <NotificationConfiguration>");
	n = parse_ok(moto_empty);
	assert_int_equal(s3_notify_put(&h.client, "data-team", n, &err), -1);
	assert_string_equal(err.msg, "s3://data-team: "
	    "PutBucketNotificationConfiguration: AccessDenied: Access Denied");
	assert_true(lc_error_is(&err, "AccessDenied"));
	assert_string_equal(raw_body(h.raw[2]), "<NotificationConfiguration "
	    "xmlns=\"" NS "\"/>");
	assert_int_equal(testhttp_stop(&h), 3);
	s3_notify_free(n);
	for (i = 0; i < 3; i++)
		free((char *)answers[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owned),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_swap_moto),
		cmocka_unit_test(test_swap_keeps_foreign),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_overlaps_ours_and_theirs),
		cmocka_unit_test(test_want_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_get_put),
		cmocka_unit_test(test_get_put_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
