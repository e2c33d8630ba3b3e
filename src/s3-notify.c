/*
 * s3-notify.c - a bucket's notification configuration, held as libxml2's
 * tree of what S3 sent: lambdactl's entries for one function are taken
 * out and its wanted ones put in; every other node (other teams' queues,
 * topics and functions, EventBridgeConfiguration, elements this code does
 * not know, comments) stays where it was and prints as it was read.
 *
 * The answer is hostile input: at most 1 MiB of UTF-8 (whatever encoding
 * it declares), no DOCTYPE (so no DTD and no entity but the five
 * predefined ones), no network, no NUL byte.
 *
 * S3 refuses two entries (any kind: queue, topic, function) that share an
 * event type (equal, or "s3:ObjectCreated:*" covering
 * "s3:ObjectCreated:Put") when their prefixes overlap (one starts the
 * other; no prefix is "", which starts every key) and their suffixes
 * overlap (one ends the other; likewise): the
 * Amazon S3 User Guide, "Configuring event notifications using object key
 * name filtering".  The wanted entries are checked against every other
 * one before anything is sent.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/chvalid.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "s3-notify.h"
#include "s3.h"
#include "term.h"

#define S3_NS		"http://s3.amazonaws.com/doc/2006-03-01/"
#define S3_NOTIFY_MAX	(1024 * 1024)	/* bytes of XML, either way */
#define ROOT		"NotificationConfiguration"
#define LAMBDA		"CloudFunctionConfiguration"
#define X(s)		((const xmlChar *)(s))

struct s3_notify {
	xmlDocPtr	doc;
};

/* The elements that send events somewhere, and where. */
static const struct {
	const char	*elem;
	const char	*dest;
	const char	*kind;
} kinds[] = {
	{ "QueueConfiguration", "Queue", "queue" },
	{ "TopicConfiguration", "Topic", "topic" },
	{ LAMBDA, "CloudFunction", "function" },
};
#define NKINDS	(sizeof kinds / sizeof kinds[0])

/* One such entry, read for the overlap check and for s3_notify_owned. */
struct entry {
	const char	*kind;
	char		*id;		/* NULL: none */
	char		*dest;		/* NULL: none */
	char		**events;
	size_t		 nevents;
	char		*prefix;	/* NULL: no such rule */
	char		*suffix;
	int		 ours;		/* lambdactl's, for the function */
};

static int
is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* n or its first next sibling that is the element name; NULL: none. */
static const xmlNode *
next_elem(const xmlNode *n, const char *name)
{
	while (n != NULL && !is_elem(n, name))
		n = n->next;
	return n;
}

/* An element's text, for the caller to free. */
static char *
node_text(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s;

	if (t == NULL)
		die("out of memory");
	s = xstrdup((const char *)t);
	xmlFree(t);
	return s;
}

/* Filter/S3Key/FilterRule: the first "prefix" and "suffix" rules (S3 says
 * "Prefix" in its answers, the API "prefix"). */
static void
read_filter(const xmlNode *f, struct entry *e)
{
	const xmlNode *k, *r, *name, *value;
	char *nm;

	for (k = next_elem(f->children, "S3Key"); k != NULL;
	    k = next_elem(k->next, "S3Key"))
		for (r = next_elem(k->children, "FilterRule"); r != NULL;
		    r = next_elem(r->next, "FilterRule")) {
			name = next_elem(r->children, "Name");
			value = next_elem(r->children, "Value");
			if (name == NULL || value == NULL)
				continue;
			nm = node_text(name);
			if (strcasecmp(nm, "prefix") == 0 && e->prefix == NULL)
				e->prefix = node_text(value);
			else if (strcasecmp(nm, "suffix") == 0 &&
			    e->suffix == NULL)
				e->suffix = node_text(value);
			free(nm);
		}
}

static int
arn_is_function(const char *arn, const char *function_arn)
{
	size_t len = strlen(function_arn);
	const char *q = arn + len;

	if (strncmp(arn, function_arn, len) != 0)
		return 0;
	/* The function itself, or one qualifier (version or alias). */
	return *q == '\0' || (*q == ':' && q[1] != '\0' &&
	    strchr(q + 1, ':') == NULL);
}

static int
is_ours(const char *id, const char *dest, const char *function_arn)
{
	return id != NULL && dest != NULL && strncmp(id, S3_NOTIFY_ID_PREFIX,
	    strlen(S3_NOTIFY_ID_PREFIX)) == 0 &&
	    arn_is_function(dest, function_arn);
}

/* Reads n when it is an entry: 1, or 0 (e untouched) when it is not. */
static int
entry_read(const xmlNode *n, const char *function_arn, struct entry *e)
{
	const xmlNode *c;
	size_t k;

	for (k = 0; k < NKINDS && !is_elem(n, kinds[k].elem); k++)
		;
	if (k == NKINDS)
		return 0;
	memset(e, 0, sizeof *e);
	e->kind = kinds[k].kind;
	for (c = n->children; c != NULL; c = c->next)
		if (is_elem(c, "Id") && e->id == NULL)
			e->id = node_text(c);
		else if (is_elem(c, kinds[k].dest) && e->dest == NULL)
			e->dest = node_text(c);
		else if (is_elem(c, "Event")) {
			e->events = xrealloc(e->events, (e->nevents + 1) *
			    sizeof *e->events);
			e->events[e->nevents++] = node_text(c);
		} else if (is_elem(c, "Filter"))
			read_filter(c, e);
	e->ours = k == NKINDS - 1 && is_ours(e->id, e->dest, function_arn);
	return 1;
}

static void
entry_release(struct entry *e)
{
	size_t i;

	free(e->id);
	free(e->dest);
	for (i = 0; i < e->nevents; i++)
		free(e->events[i]);
	free(e->events);
	free(e->prefix);
	free(e->suffix);
}

/* Every entry under root, in document order. */
static struct entry *
entries_read(const xmlNode *root, const char *function_arn, size_t *count)
{
	struct entry *v = NULL, e;
	const xmlNode *c;
	size_t n = 0;

	for (c = root->children; c != NULL; c = c->next)
		if (entry_read(c, function_arn, &e)) {
			v = xrealloc(v, (n + 1) * sizeof *v);
			v[n++] = e;
		}
	*count = n;
	return v;
}

static void
entries_free(struct entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		entry_release(&v[i]);
	free(v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
s3_notify_fns_free(struct s3_notify_fn *f, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(f[i].id);
		free(f[i].function_arn);
		for (j = 0; j < f[i].nevents; j++)
			free(f[i].events[j]);
		free(f[i].events);
		free(f[i].prefix);
		free(f[i].suffix);
	}
	free(f);
}

/* The root element: NotificationConfiguration in S3's namespace (moto 5
 * answers an empty GetBucketNotificationResponse when there is none). */
static int
root_check(xmlDocPtr doc, struct lc_err *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), c;
	xmlNsPtr ns;

	if (root == NULL)
		return lc_error(err, LC_EFAIL, "the notification configuration "
		    "has no element");
	if (is_elem(root, "GetBucketNotificationResponse")) {
		for (c = root->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				break;
		if (c == NULL)
			xmlNodeSetName(root, X(ROOT));
	}
	if (!is_elem(root, ROOT))
		return lc_error(err, LC_EFAIL, "the notification configuration "
		    "is <%.64s>, not <" ROOT ">", (const char *)root->name);
	if (root->ns == NULL) {
		if ((ns = xmlNewNs(root, X(S3_NS), NULL)) == NULL)
			die("out of memory");
		xmlSetNs(root, ns);
	}
	return 0;
}

static int
has_doctype(const char *xml, size_t len)
{
	const char *p = xml, *end = xml + len;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
			return 1;
		p++;
	}
	return 0;
}

struct s3_notify *
s3_notify_parse(const char *xml, size_t len, struct lc_err *err)
{
	xmlParserCtxtPtr ctxt;
	const xmlError *xe;
	struct s3_notify *n = NULL;
	xmlDocPtr doc;

	if (len > S3_NOTIFY_MAX) {
		lc_error(err, LC_EFAIL, "the notification configuration is "
		    "over %d bytes", S3_NOTIFY_MAX);
		return NULL;
	}
	if (memchr(xml, '\0', len) != NULL || has_doctype(xml, len)) {
		lc_error(err, LC_EFAIL, "the notification configuration holds "
		    "a %s (refused)", memchr(xml, '\0', len) != NULL ?
		    "NUL byte" : "DOCTYPE");
		return NULL;
	}
	xmlInitParser();
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		die("out of memory");
	/* UTF-8 whatever the document says (S3 writes nothing else, and the
	 * byte scan above holds only for it); no entity substitution, no DTD
	 * loading, nothing from the network, nothing printed on stderr. */
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, "UTF-8",
	    XML_PARSE_IGNORE_ENC | XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		xe = xmlCtxtGetLastError(ctxt);
		lc_error(err, LC_EFAIL, "the notification configuration is not "
		    "XML: line %d: %.*s", xe != NULL ? xe->line : 0,
		    xe != NULL && xe->message != NULL ?
		    (int)strcspn(xe->message, "\n") : 7,
		    xe != NULL && xe->message != NULL ? xe->message :
		    "unknown");
	} else if (doc->intSubset != NULL || doc->extSubset != NULL)
		lc_error(err, LC_EFAIL, "the notification configuration holds "
		    "a DOCTYPE (refused)");
	else if (root_check(doc, err) == 0) {
		n = xcalloc(1, sizeof *n);
		n->doc = doc;
		doc = NULL;
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return n;
}

void
s3_notify_free(struct s3_notify *n)
{
	if (n == NULL)
		return;
	xmlFreeDoc(n->doc);
	free(n);
}

void
s3_notify_owned(const struct s3_notify *n, const char *function_arn,
    struct s3_notify_fn **out, size_t *count)
{
	struct entry *v;
	struct s3_notify_fn *f = NULL;
	size_t nv, i, k = 0;

	v = entries_read(xmlDocGetRootElement(n->doc), function_arn, &nv);
	for (i = 0; i < nv; i++) {
		if (!v[i].ours)
			continue;
		f = xrealloc(f, (k + 1) * sizeof *f);
		f[k].id = v[i].id;
		f[k].function_arn = v[i].dest;
		f[k].events = v[i].events;
		f[k].nevents = v[i].nevents;
		if (f[k].nevents > 1)
			qsort(f[k].events, f[k].nevents, sizeof *f[k].events,
			    cmp_str);
		/* An empty rule takes every key, as no rule does. */
		f[k].prefix = v[i].prefix;
		f[k].suffix = v[i].suffix;
		if (f[k].prefix != NULL && *f[k].prefix == '\0') {
			free(f[k].prefix);
			f[k].prefix = NULL;
		}
		if (f[k].suffix != NULL && *f[k].suffix == '\0') {
			free(f[k].suffix);
			f[k].suffix = NULL;
		}
		memset(&v[i], 0, sizeof v[i]);
		k++;
	}
	entries_free(v, nv);
	*out = f;
	*count = k;
}

/* w covers e: equal, or w is "STEM*" and e starts with STEM. */
static int
event_covers(const char *w, const char *e)
{
	size_t len = strlen(w);

	return strcmp(w, e) == 0 || (len > 0 && w[len - 1] == '*' &&
	    strncmp(w, e, len - 1) == 0);
}

/* The event type both entries take (the narrower), or NULL. */
static const char *
shared_event(const struct entry *a, const struct entry *b)
{
	size_t i, j;

	for (i = 0; i < a->nevents; i++)
		for (j = 0; j < b->nevents; j++)
			if (event_covers(a->events[i], b->events[j]))
				return b->events[j];
			else if (event_covers(b->events[j], a->events[i]))
				return a->events[i];
	return NULL;
}

/* Whether some key can start with both a and b (NULL: ""), or with
 * end set, end with both. */
static int
affixes_overlap(const char *a, const char *b, int end)
{
	size_t la, lb;

	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	la = strlen(a);
	lb = strlen(b);
	if (end)
		return la < lb ? strcmp(a, b + lb - la) == 0 :
		    strcmp(a + la - lb, b) == 0;
	return strncmp(a, b, la < lb ? la : lb) == 0;
}

/* The longer of two overlapping affixes (the one a key must have). */
static const char *
longer(const char *a, const char *b)
{
	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	return strlen(a) >= strlen(b) ? a : b;
}

/* "'ID'", or an entry without one described by where it sends. */
static char *
entry_name(const struct entry *e)
{
	if (e->id != NULL)
		return xasprintf("'%s'", e->id);
	return xasprintf("an entry without Id (%s %s)", e->kind,
	    e->dest != NULL ? e->dest : "without destination");
}

static int
overlap_error(const struct entry *a, const struct entry *b,
    const char *event, struct lc_err *err)
{
	const char *p = longer(a->prefix, b->prefix);
	const char *s = longer(a->suffix, b->suffix);
	char *na = entry_name(a), *nb = entry_name(b), *keys;

	if (*p == '\0' && *s == '\0')
		keys = xstrdup("every key");
	else if (*s == '\0')
		keys = xasprintf("keys starting '%s'", p);
	else if (*p == '\0')
		keys = xasprintf("keys ending '%s'", s);
	else
		keys = xasprintf("keys starting '%s' and ending '%s'", p, s);
	lc_error(err, LC_ECONFIG, "S3 notification entries %s and %s overlap: "
	    "both take %s on %s (S3 refuses two entries for one event type "
	    "whose prefixes and suffixes overlap)", na, nb, event, keys);
	free(na);
	free(nb);
	free(keys);
	return -1;
}

/* Each of the function's entries against every other: -1 at the first
 * overlap S3 would refuse. */
static int
check_overlaps(const xmlNode *root, const char *function_arn,
    struct lc_err *err)
{
	struct entry *v;
	const char *ev;
	size_t n, i, j;
	int ret = 0;

	v = entries_read(root, function_arn, &n);
	for (i = 0; i < n && ret == 0; i++)
		for (j = i + 1; j < n && ret == 0; j++)
			if ((v[i].ours || v[j].ours) &&
			    (ev = shared_event(&v[i], &v[j])) != NULL &&
			    affixes_overlap(v[i].prefix, v[j].prefix, 0) &&
			    affixes_overlap(v[i].suffix, v[j].suffix, 1))
				ret = overlap_error(&v[i], &v[j], ev, err);
	entries_free(v, n);
	return ret;
}

/* Whether s (NULL: none) is text S3 can take: UTF-8 of XML characters,
 * no control character. */
static int
bad_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	int c, len;

	for (n = s != NULL ? strlen(s) : 0; n > 0; p += len, n -= (size_t)len) {
		/* libxml2's decoder takes any lead byte: RFC 3629 first. */
		if ((len = (int)utf8_seq_len(p, n)) == 0)
			return 1;
		if ((c = xmlGetUTF8Char(p, &len)) < 0x20 || c == 0x7f ||
		    !xmlIsCharQ(c))
			return 1;
	}
	return 0;
}

/* A wanted entry must be one lambdactl will know again as the
 * function's, with something S3 can take. */
static int
want_check(const struct s3_notify_fn *f, const char *function_arn,
    struct lc_err *err)
{
	size_t i;
	int bad;

	if (!is_ours(f->id, f->function_arn, function_arn))
		return lc_error(err, LC_EFAIL, "S3 notification entry '%s' "
		    "for %s is not lambdactl's for %s", f->id != NULL ? f->id :
		    "", f->function_arn != NULL ? f->function_arn : "(none)",
		    function_arn);
	if (f->nevents == 0)
		return lc_error(err, LC_ECONFIG, "S3 notification entry '%s' "
		    "has no event type", f->id);
	bad = bad_text(f->id) || bad_text(f->function_arn) ||
	    bad_text(f->prefix) || bad_text(f->suffix);
	for (i = 0; i < f->nevents; i++)
		bad |= f->events[i] == NULL || *f->events[i] == '\0' ||
		    bad_text(f->events[i]);
	if (bad)
		return lc_error(err, LC_ECONFIG, "S3 notification entry '%s' "
		    "has an empty event type, a control character or bytes "
		    "that are not UTF-8", f->id);
	return 0;
}

static xmlNodePtr
add_text(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr c = xmlNewTextChild(parent, parent->ns, X(name), X(text));

	if (c == NULL)
		die("out of memory");
	return c;
}

/* <FilterRule><Name>name</Name><Value>value</Value></FilterRule>. */
static void
add_rule(xmlNodePtr key, const char *name, const char *value)
{
	xmlNodePtr r;

	if (value == NULL || *value == '\0')
		return;
	r = add_text(key, "FilterRule", NULL);
	add_text(r, "Name", name);
	add_text(r, "Value", value);
}

/* The entry as S3's API writes it, before `before` (NULL: last). */
static void
add_entry(xmlNodePtr root, xmlNodePtr before, const struct s3_notify_fn *f)
{
	xmlNodePtr e, key;
	char **ev;
	size_t i;

	if ((e = xmlNewDocNode(root->doc, root->ns, X(LAMBDA), NULL)) == NULL)
		die("out of memory");
	if (before != NULL)
		xmlAddPrevSibling(before, e);
	else
		xmlAddChild(root, e);
	add_text(e, "Id", f->id);
	add_text(e, "CloudFunction", f->function_arn);
	ev = xcalloc(f->nevents, sizeof *ev);
	memcpy(ev, f->events, f->nevents * sizeof *ev);
	qsort(ev, f->nevents, sizeof *ev, cmp_str);
	for (i = 0; i < f->nevents; i++)
		add_text(e, "Event", ev[i]);
	free(ev);
	if ((f->prefix != NULL && *f->prefix != '\0') ||
	    (f->suffix != NULL && *f->suffix != '\0')) {
		key = add_text(add_text(e, "Filter", NULL), "S3Key", NULL);
		add_rule(key, "prefix", f->prefix);
		add_rule(key, "suffix", f->suffix);
	}
}

/* Takes the function's entries out of root (and the blank text before
 * each, so an indented document stays tidy). */
static void
drop_owned(xmlNodePtr root, const char *function_arn)
{
	xmlNodePtr c, next, prev;
	struct entry e;
	int ours;

	for (c = root->children; c != NULL; c = next) {
		next = c->next;
		if (!is_elem(c, LAMBDA) || !entry_read(c, function_arn, &e))
			continue;
		ours = e.ours;
		entry_release(&e);
		if (!ours)
			continue;
		prev = c->prev;
		if (prev != NULL && prev->type == XML_TEXT_NODE &&
		    xmlIsBlankNode(prev)) {
			xmlUnlinkNode(prev);
			xmlFreeNode(prev);
		}
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
}

int
s3_notify_set_owned(struct s3_notify *n, const char *function_arn,
    const struct s3_notify_fn *want, size_t count, struct lc_err *err)
{
	xmlNodePtr root, eb;
	xmlDocPtr doc;
	size_t i;

	for (i = 0; i < count; i++)
		if (want_check(&want[i], function_arn, err) == -1)
			return -1;
	if ((doc = xmlCopyDoc(n->doc, 1)) == NULL)
		die("out of memory");
	root = xmlDocGetRootElement(doc);
	drop_owned(root, function_arn);
	/* With the other functions' entries: before EventBridgeConfiguration,
	 * the API's order. */
	for (eb = root->children; eb != NULL; eb = eb->next)
		if (is_elem(eb, "EventBridgeConfiguration"))
			break;
	for (i = 0; i < count; i++)
		add_entry(root, eb, &want[i]);
	if (check_overlaps(root, function_arn, err) == -1) {
		xmlFreeDoc(doc);
		return -1;
	}
	xmlFreeDoc(n->doc);
	n->doc = doc;
	return 0;
}

void
s3_notify_xml(const struct s3_notify *n, struct buf *out)
{
	xmlBufferPtr b;
	xmlSaveCtxtPtr s;

	if ((b = xmlBufferCreate()) == NULL ||
	    (s = xmlSaveToBuffer(b, "UTF-8", XML_SAVE_NO_DECL)) == NULL)
		die("out of memory");
	if (xmlSaveTree(s, xmlDocGetRootElement(n->doc)) == -1)
		die("cannot print the notification configuration");
	xmlSaveClose(s);
	buf_add(out, xmlBufferContent(b), (size_t)xmlBufferLength(b));
	xmlBufferFree(b);
}

int
s3_notify_get(struct aws_client *c, const char *bucket,
    struct s3_notify **out, struct lc_err *err)
{
	struct aws_request rq = { .service = "s3",
	    .op = "GetBucketNotificationConfiguration", .method = "GET",
	    .bucket = bucket, .path = "", .query = "notification",
	    .max_body = S3_NOTIFY_MAX };
	struct aws_response rs;
	int ret = -1;

	*out = NULL;
	if (aws_call(c, &rq, &rs, err) == -1)
		s3_error(c, bucket, &rs, err);
	else if ((*out = s3_notify_parse(rs.http.body.data, rs.http.body.len,
	    err)) == NULL)
		lc_error_prefix(err, "s3://%s: %s", bucket, rq.op);
	else
		ret = 0;
	aws_response_release(&rs);
	return ret;
}

int
s3_notify_put(struct aws_client *c, const char *bucket,
    const struct s3_notify *n, struct lc_err *err)
{
	/* Without it libcurl would call the body a form. */
	static const struct http_header hh[] = {
		{ "Content-Type", "application/xml" } };
	struct aws_request rq = { .service = "s3",
	    .op = "PutBucketNotificationConfiguration", .method = "PUT",
	    .bucket = bucket, .path = "", .query = "notification",
	    .headers = hh, .nheaders = 1 };
	struct aws_response rs;
	struct buf body = BUF_INIT;
	int ret = 0;

	s3_notify_xml(n, &body);
	if (body.len > S3_NOTIFY_MAX) {
		buf_release(&body);
		return lc_error(err, LC_ECONFIG, "s3://%s: the notification "
		    "configuration would be over %d bytes", bucket,
		    S3_NOTIFY_MAX);
	}
	rq.body = body.data;
	rq.body_len = body.len;
	if (aws_call(c, &rq, &rs, err) == -1)
		ret = s3_error(c, bucket, &rs, err);
	aws_response_release(&rs);
	buf_release(&body);
	return ret;
}
