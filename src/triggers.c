/*
 * triggers.c - reconciling a function's triggers (triggers.h): the wanted
 * set from lambda.yml, the actual one read from Lambda, EventBridge and
 * S3, plan lines for the differences and the ops that remove them.
 *
 * Ops run in the plan's order, kind by kind (schedules, S3, SQS, the URL,
 * stray statements), each trigger's in a safe order: added, its
 * permission before the resource that needs it; removed, the resource
 * before its permission.  The marker tag comes before all that adds and
 * after all that removes.  Ops of one trigger being created share a
 * group; when one fails, those of its group already done are undone.
 * When the marker says the triggers call another alias than this deploy's,
 * a first pass unwires them there (plan_move).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "events-api.h"
#include "lambda-triggers.h"
#include "s3-notify.h"
#include "sha256.h"
#include "triggers-private.h"
#include "xmalloc.h"

#define RULE_PREFIX	"lambdactl-"
#define RULE_NAME_MAX	64
#define SID_RULE	"lambdactl-rule-"
#define SID_S3		"lambdactl-s3-"
#define SID_URL		"lambdactl-url-public"
#define SID_URL_INVOKE	"lambdactl-url-invoke"
#define EVENTS_PRINCIPAL "events.amazonaws.com"
#define S3_PRINCIPAL	"s3.amazonaws.com"
#define INVOKE		"lambda:InvokeFunction"
#define INVOKE_URL	"lambda:InvokeFunctionUrl"

/* What reconciling one function needs, on triggers_plan's stack. */
struct rc {
	struct aws_client		*c;
	const struct triggers_fn	*t;
	struct triggers_plan		*p;
	struct lc_err			*err;
	char				*part;	 /* "aws" */
	char				*account;
	char				*target; /* ARN[:QUALIFIER] */
	struct lambda_statement		*stmts;
	size_t				 nstmts;
	char				*claimed; /* stmts[i] accounted for */
	int				 group;	 /* of the ops being added */
	int				 ngroups;
	/* Unwiring the former alias (plan_move): the function lambda.yml
	 * wants, whose rules and buckets the second pass takes over, so
	 * that this one only drops their former statements. */
	const struct manifest_fn	*moving_to;
};

/* Names and ARNs. */

static int
str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static int
starts(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Field i (0-based) of an ARN "arn:PART:SERVICE:REGION:ACCOUNT:...". */
static char *
arn_field(const char *arn, int i)
{
	const char *s = arn, *e;

	for (; i > 0 && s != NULL; i--)
		if ((s = strchr(s, ':')) != NULL)
			s++;
	if (s == NULL)
		return xstrdup("");
	e = strchr(s, ':');
	return e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
}

/*
 * Rule N of function fn: "lambdactl-FN-N"; a name that would pass 64
 * characters keeps the start of FN and adds 8 hex digits of its SHA-256.
 */
static char *
rule_name(const char *fn, size_t n)
{
	char num[24], hex[SHA256_HEX_LEN + 1];
	size_t room;

	snprintf(num, sizeof num, "-%zu", n);
	room = RULE_NAME_MAX - strlen(RULE_PREFIX) - strlen(num);
	if (strlen(fn) <= room)
		return xasprintf(RULE_PREFIX "%s%s", fn, num);
	sha256_hex(fn, strlen(fn), hex);
	return xasprintf(RULE_PREFIX "%.*s-%.8s%s", (int)(room - 9), fn, hex,
	    num);
}

/* Whether rule is one of fn's: rule_name(fn, N) for the N it ends with. */
static int
rule_of(const char *fn, const char *rule)
{
	const char *dash = strrchr(rule, '-');
	char *name;
	long n;
	int same;

	if (dash == NULL || dash[1] == '\0' ||
	    strspn(dash + 1, "0123456789") != strlen(dash + 1) ||
	    strlen(dash + 1) > 4 || dash[1] == '0')
		return 0;
	n = strtol(dash + 1, NULL, 10);
	name = rule_name(fn, (size_t)n);
	same = strcmp(name, rule) == 0;
	free(name);
	return same;
}

static char *
rule_arn(const struct rc *r, const char *rule)
{
	return xasprintf("arn:%s:events:%s:%s:rule/%s", r->part, r->t->region,
	    r->account, rule);
}

/* A queue's ARN: as written, or built from a bare name. */
static char *
queue_arn(const struct rc *r, const char *queue)
{
	if (starts(queue, "arn:"))
		return xstrdup(queue);
	return xasprintf("arn:%s:sqs:%s:%s:%s", r->part, r->t->region,
	    r->account, queue);
}

/* The last field of an ARN (a queue's name), for plan lines. */
static const char *
arn_tail(const char *arn)
{
	const char *s = strrchr(arn, ':');

	return s != NULL ? s + 1 : arn;
}

/* The Id of an S3 entry: "lambdactl-" and 16 hex digits of its content. */
static char *
s3_entry_id(const char *target, const struct manifest_event *e)
{
	struct sha256_ctx h;
	char hex[SHA256_HEX_LEN + 1];
	size_t i;

	sha256_init(&h);
	sha256_update(&h, target, strlen(target) + 1);
	for (i = 0; i < e->ns3_events; i++)
		sha256_update(&h, e->s3_events[i], strlen(e->s3_events[i]) + 1);
	sha256_update(&h, "p", 1);
	if (e->prefix != NULL)
		sha256_update(&h, e->prefix, strlen(e->prefix) + 1);
	sha256_update(&h, "s", 1);
	if (e->suffix != NULL)
		sha256_update(&h, e->suffix, strlen(e->suffix) + 1);
	sha256_final_hex(&h, hex);
	return xasprintf(S3_NOTIFY_ID_PREFIX "%.16s", hex);
}

const char *
triggers_tag(const struct triggers_fn *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->ntags; i++)
		if (strcmp(t->tags[i].key, key) == 0)
			return t->tags[i].value;
	return NULL;
}

int
triggers_wanted(const struct triggers_fn *t)
{
	size_t i;

	if (t->fn->nevents > 0 || t->fn->url.auth != NULL)
		return 1;
	/* The triggers' own markers (not deploy's lambdactl:on_failure). */
	for (i = 0; i < t->ntags; i++)
		if (strcmp(t->tags[i].key, TRIGGERS_TAG) == 0 ||
		    strcmp(t->tags[i].key, TRIGGERS_TAG_URL) == 0 ||
		    starts(t->tags[i].key, TRIGGERS_TAG_SQS))
			return 1;
	return 0;
}

/* Building the plan. */

/* A line of the plan (plan.h): its index, which ops point at. */
#define LINEF(r, a, field, from, to, ...) \
	(int)plan_linef(&(r)->p->lines, &(r)->p->nlines, (a), (field), \
	    (from), (to), __VA_ARGS__)

/* The plan line of a schedule to be made: rule for e. */
static int
line_schedule_new(struct rc *r, const char *field,
    const struct manifest_event *e, const char *rule)
{
	return LINEF(r, PLAN_ADD, field, plan_none(), plan_str(e->schedule),
	    "+ schedule %s%s%s (rule %s)", e->schedule,
	    e->input != NULL ? " with input" : "", e->enabled ? "" :
	    ", disabled", rule);
}

/* The plan line of a mapping to be made from queue (a name or an ARN). */
static int
line_sqs_new(struct rc *r, const char *field, const struct manifest_event *e,
    const char *queue)
{
	return LINEF(r, PLAN_ADD, field, plan_none(), plan_str(arn_tail(queue)),
	    "+ sqs %s (batch %ld, window %lds%s)",
	    arn_tail(queue), e->batch_size, e->batch_window,
	    e->enabled ? "" : ", disabled");
}

static struct trigger_op *
add_op(struct rc *r, enum op_kind kind, int line, const char *name,
    const char *value)
{
	struct triggers_plan *p = r->p;
	struct trigger_op *op;

	p->ops = xrealloc(p->ops, (p->nops + 1) * sizeof *p->ops);
	op = &p->ops[p->nops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->line = line;
	op->group = r->group;
	op->name = name != NULL ? xstrdup(name) : NULL;
	op->value = value != NULL ? xstrdup(value) : NULL;
	op->qual = xstrdup(r->t->qualifier != NULL ? r->t->qualifier : "");
	return op;
}

static void
stmt_copy(struct lambda_statement *d, const struct lambda_statement *s)
{
	d->sid = xstrdup(s->sid);
	d->principal = xstrdup(s->principal);
	d->action = xstrdup(s->action);
	d->source_arn = s->source_arn ? xstrdup(s->source_arn) : NULL;
	d->source_account = s->source_account ?
	    xstrdup(s->source_account) : NULL;
	d->url_auth_type = s->url_auth_type ? xstrdup(s->url_auth_type) : NULL;
	d->via_url = s->via_url;
}

/* The function's statement sid, marked as accounted for; NULL. */
static const struct lambda_statement *
stmt_find(struct rc *r, const char *sid)
{
	size_t i;

	for (i = 0; i < r->nstmts; i++)
		if (str_eq(r->stmts[i].sid, sid)) {
			r->claimed[i] = 1;
			return &r->stmts[i];
		}
	return NULL;
}

/* Whether the policy has statement sid (not marking it accounted for). */
static int
stmt_has(const struct rc *r, const char *sid)
{
	size_t i;

	for (i = 0; i < r->nstmts; i++)
		if (str_eq(r->stmts[i].sid, sid))
			return 1;
	return 0;
}

static void
stmt_release(struct lambda_statement *s)
{
	free(s->sid);
	free(s->principal);
	free(s->action);
	free(s->source_arn);
	free(s->source_account);
	free(s->url_auth_type);
	memset(s, 0, sizeof *s);
}

static int
stmt_same(const struct lambda_statement *a, const struct lambda_statement *b)
{
	return str_eq(a->principal, b->principal) &&
	    str_eq(a->action, b->action) &&
	    str_eq(a->source_arn, b->source_arn) &&
	    str_eq(a->source_account, b->source_account) &&
	    str_eq(a->url_auth_type, b->url_auth_type) &&
	    a->via_url == b->via_url;
}

/*
 * Makes sure statement want is in the policy: nothing when it is, added
 * when it is not, replaced when it differs (line -1: a line of its own).
 */
static void
want_stmt(struct rc *r, const struct lambda_statement *want, int line)
{
	const struct lambda_statement *have = stmt_find(r, want->sid);
	struct trigger_op *op;

	if (have != NULL && stmt_same(have, want))
		return;
	if (line < 0)
		line = LINEF(r, PLAN_CHANGE, "permission", plan_absent(),
		    plan_absent(), "~ permission %s", want->sid);
	if (have != NULL)
		add_op(r, OP_REMOVE_PERM, line, want->sid, NULL);
	op = add_op(r, OP_ADD_PERM, line, want->sid, NULL);
	stmt_copy(&op->stmt, want);
}

/* Removes statement sid, when the policy has it (line -1: a line of its
 * own). */
static void
drop_stmt(struct rc *r, const char *sid, int line)
{
	if (stmt_find(r, sid) == NULL)
		return;
	if (line < 0)
		line = LINEF(r, PLAN_REMOVE, "permission", plan_str(sid),
		    plan_none(), "- permission %s", sid);
	add_op(r, OP_REMOVE_PERM, line, sid, NULL);
}

/* Schedules. */

static const char *
state_of(int enabled)
{
	return enabled ? "ENABLED" : "DISABLED";
}

/* Whether input texts a and b (JSON) mean the same. */
static int
input_same(const char *a, const char *b)
{
	cJSON *x, *y;
	int same;

	if (a == NULL || b == NULL)
		return a == b;
	x = cJSON_Parse(a);
	y = cJSON_Parse(b);
	same = x != NULL && y != NULL && cJSON_Compare(x, y, 1);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same || strcmp(a, b) == 0;
}

/* The target that rule has with our Id: 1 found (*out), 0, -1. */
static int
our_target(struct rc *r, const char *rule, struct eb_target *out)
{
	struct eb_target *t = NULL;
	size_t n = 0, i;
	int found = 0;

	if (eb_list_targets(r->c, rule, &t, &n, r->err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (str_eq(t[i].id, TRIGGERS_TARGET_ID) && !found) {
			*out = t[i];
			memset(&t[i], 0, sizeof t[i]);
			found = 1;
		}
	eb_targets_free(t, n);
	return found;
}

static void
put_target_op(struct rc *r, int line, const char *rule,
    const struct manifest_event *e)
{
	struct trigger_op *op = add_op(r, OP_PUT_TARGET, line, rule, r->target);

	op->input = e->input != NULL ? xstrdup(e->input) : NULL;
}

static void
rule_stmt(struct rc *r, const char *rule, struct lambda_statement *s)
{
	s->sid = xasprintf(SID_RULE "%s", rule);
	s->principal = xstrdup(EVENTS_PRINCIPAL);
	s->action = xstrdup(INVOKE);
	s->source_arn = rule_arn(r, rule);
	s->source_account = NULL;
	s->url_auth_type = NULL;
}

/*
 * The line of schedule rule whose expression or state changes from have's
 * to e's; its values the expressions, " (disabled)" after a disabled one,
 * as the text shows them.
 */
static int
line_schedule_change(struct rc *r, const char *field, const char *rule,
    const struct eb_rule *have, const struct manifest_event *e)
{
	char *from = xasprintf("%s%s", have->schedule != NULL ?
	    have->schedule : "(none)", str_eq(have->state, "DISABLED") ?
	    " (disabled)" : "");
	char *to = xasprintf("%s%s", e->schedule, e->enabled ? "" :
	    " (disabled)");
	int line;

	line = LINEF(r, PLAN_CHANGE, field, plan_str(from), plan_str(to),
	    "~ schedule %s %s -> %s", rule, from, to);
	free(from);
	free(to);
	return line;
}

/*
 * The line of rule's target, which becomes this function (arn: the one it
 * has, NULL: none), or whose input alone changes (arn this function's): a
 * field of its own, and no values when the input alone changes.
 */
static int
line_target(struct rc *r, const char *field, const char *rule,
    const char *arn, int input)
{
	char *tfield = xasprintf("%s.target", field);
	const char *with = input ? " with input" : "";
	int line;

	if (str_eq(arn, r->target))
		line = LINEF(r, PLAN_CHANGE, tfield, plan_absent(),
		    plan_absent(), "~ schedule %s target %s%s", rule,
		    r->target, with);
	else
		line = LINEF(r, PLAN_CHANGE, tfield, plan_str(arn),
		    plan_str(r->target), "~ schedule %s target %s%s", rule,
		    r->target, with);
	free(tfield);
	return line;
}

/* One wanted schedule, rule name rule. */
static int
plan_schedule(struct rc *r, const struct manifest_event *e, const char *rule)
{
	struct lambda_statement s = { 0 };
	struct eb_rule have = { 0 };
	struct eb_target tg = { 0 };
	char *field = xasprintf("events.schedule.%s", rule);
	int found, line, rv = -1;

	rule_stmt(r, rule, &s);
	if ((found = eb_describe_rule(r->c, rule, &have, r->err)) == -1)
		goto out;
	if (!found) {
		r->group = ++r->ngroups;
		line = line_schedule_new(r, field, e, rule);
		want_stmt(r, &s, line);
		add_op(r, OP_PUT_RULE, line, rule, e->schedule)->enabled =
		    e->enabled;
		put_target_op(r, line, rule, e);
		r->group = 0;
		rv = 0;
		goto out;
	}
	want_stmt(r, &s, -1);
	if (!str_eq(have.schedule, e->schedule) ||
	    !str_eq(have.state, state_of(e->enabled))) {
		line = line_schedule_change(r, field, rule, &have, e);
		add_op(r, OP_PUT_RULE, line, rule, e->schedule)->enabled =
		    e->enabled;
	}
	if ((found = our_target(r, rule, &tg)) == -1)
		goto out;
	if (!found || !str_eq(tg.arn, r->target) ||
	    !input_same(tg.input, e->input)) {
		line = line_target(r, field, rule, found ? tg.arn : NULL,
		    e->input != NULL);
		put_target_op(r, line, rule, e);
	}
	rv = 0;
out:
	eb_rule_release(&have);
	free(tg.id);
	free(tg.arn);
	free(tg.input);
	stmt_release(&s);
	free(field);
	return rv;
}

/* A rule lambdactl made that lambda.yml no longer lists. */
static int
plan_unwanted_rule(struct rc *r, const char *rule)
{
	struct eb_rule have = { 0 };
	struct eb_target tg = { 0 };
	char *field = xasprintf("events.schedule.%s", rule), *sid;
	int found, line = -1, rv = -1;

	if ((found = eb_describe_rule(r->c, rule, &have, r->err)) == -1)
		goto out;
	if (found) {
		line = LINEF(r, PLAN_REMOVE, field, plan_str(have.schedule),
		    plan_none(), "- schedule %s (rule %s)",
		    have.schedule != NULL ? have.schedule : "(none)", rule);
		if ((found = our_target(r, rule, &tg)) == -1)
			goto out;
		if (found)
			add_op(r, OP_REMOVE_TARGET, line, rule,
			    TRIGGERS_TARGET_ID);
		add_op(r, OP_DELETE_RULE, line, rule, NULL);
	}
	sid = xasprintf(SID_RULE "%s", rule);
	if (line < 0 && stmt_find(r, sid) != NULL)
		line = LINEF(r, PLAN_REMOVE, field, plan_str(sid), plan_none(),
		    "- permission %s (its rule is gone)", sid);
	drop_stmt(r, sid, line);
	free(sid);
	rv = 0;
out:
	eb_rule_release(&have);
	free(tg.id);
	free(tg.arn);
	free(tg.input);
	free(field);
	return rv;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
name_in(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Whether fn (may be NULL) lists an s3 trigger on bucket. */
static int
wants_bucket(const struct manifest_fn *fn, const char *bucket)
{
	size_t i;

	for (i = 0; fn != NULL && i < fn->nevents; i++)
		if (fn->events[i].kind == MANIFEST_EVENT_S3 &&
		    strcmp(fn->events[i].bucket, bucket) == 0)
			return 1;
	return 0;
}

/* Whether fn's (may be NULL) schedules make rule. */
static int
wants_rule(const struct manifest_fn *fn, const char *rule)
{
	size_t i, n = 0;
	char *name;
	int same = 0;

	for (i = 0; fn != NULL && i < fn->nevents && !same; i++) {
		if (fn->events[i].kind != MANIFEST_EVENT_SCHEDULE)
			continue;
		name = rule_name(fn->name, ++n);
		same = strcmp(name, rule) == 0;
		free(name);
	}
	return same;
}

/* A former alias's statement for what the second pass of plan_move
 * takes over: the statement alone goes. */
static int
moving(struct rc *r, const char *sid, int taken)
{
	int line;

	if (r->moving_to == NULL || !taken)
		return 0;
	if (stmt_find(r, sid) != NULL) {
		line = LINEF(r, PLAN_REMOVE, "permission", plan_str(sid),
		    plan_none(), "- permission %s (of alias %s)", sid,
		    r->t->qualifier != NULL ? r->t->qualifier : "(none)");
		add_op(r, OP_REMOVE_PERM, line, sid, NULL)->late = 1;
	}
	return 1;
}

static int
plan_schedules(struct rc *r)
{
	const struct manifest_fn *fn = r->t->fn;
	char **want = NULL;
	size_t nwant = 0, i;
	int rv = -1;

	for (i = 0; i < fn->nevents; i++) {
		if (fn->events[i].kind != MANIFEST_EVENT_SCHEDULE)
			continue;
		want = xrealloc(want, (nwant + 1) * sizeof *want);
		want[nwant] = rule_name(fn->name, nwant + 1);
		if (plan_schedule(r, &fn->events[i], want[nwant++]) == -1)
			goto out;
	}
	/* Rules lambdactl made for fn are named by their statements; a
	 * statement naming any other rule is left alone, with its rule. */
	for (i = 0; i < r->nstmts; i++) {
		const char *sid = r->stmts[i].sid, *rule;

		if (!starts(sid, SID_RULE))
			continue;
		rule = sid + strlen(SID_RULE);
		if (!rule_of(fn->name, rule))
			r->claimed[i] = 1;
		else if (moving(r, sid, wants_rule(r->moving_to, rule)))
			continue;
		else if (!name_in(want, nwant, rule) &&
		    plan_unwanted_rule(r, rule) == -1)
			goto out;
	}
	rv = 0;
out:
	strv_free(want, nwant);
	return rv;
}

/* S3. */

/* "s3 BUCKET prefix P suffix S (EVENT, ...)", for plan lines. */
static char *
s3_text(const char *bucket, const char *prefix, const char *suffix,
    char *const *events, size_t nevents)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_addf(&b, "s3 %s", bucket);
	if (prefix != NULL)
		buf_addf(&b, " prefix %s", prefix);
	if (suffix != NULL)
		buf_addf(&b, " suffix %s", suffix);
	buf_adds(&b, " (");
	for (i = 0; i < nevents; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", events[i]);
	buf_addch(&b, ')');
	return buf_detach(&b, NULL);
}

/* The entries lambda.yml wants in bucket. */
static void
s3_wanted(struct rc *r, const char *bucket, struct s3_notify_fn **out,
    size_t *n)
{
	const struct manifest_fn *fn = r->t->fn;
	const struct manifest_event *e;
	struct s3_notify_fn *f;
	size_t i, j;

	*out = NULL;
	*n = 0;
	for (i = 0; i < fn->nevents; i++) {
		e = &fn->events[i];
		if (e->kind != MANIFEST_EVENT_S3 || strcmp(e->bucket, bucket))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		f = &(*out)[(*n)++];
		memset(f, 0, sizeof *f);
		f->id = s3_entry_id(r->target, e);
		f->function_arn = xstrdup(r->target);
		f->events = xcalloc(e->ns3_events, sizeof *f->events);
		for (j = 0; j < e->ns3_events; j++)
			f->events[j] = xstrdup(e->s3_events[j]);
		f->nevents = e->ns3_events;
		f->prefix = e->prefix != NULL ? xstrdup(e->prefix) : NULL;
		f->suffix = e->suffix != NULL ? xstrdup(e->suffix) : NULL;
	}
}

static int
s3_same(const struct s3_notify_fn *a, const struct s3_notify_fn *b)
{
	size_t i;

	if (!str_eq(a->id, b->id) || !str_eq(a->function_arn,
	    b->function_arn) || !str_eq(a->prefix, b->prefix) ||
	    !str_eq(a->suffix, b->suffix) || a->nevents != b->nevents)
		return 0;
	for (i = 0; i < a->nevents; i++)
		if (strcmp(a->events[i], b->events[i]) != 0)
			return 0;
	return 1;
}

static int
s3_in(const struct s3_notify_fn *f, const struct s3_notify_fn *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s3_same(f, &v[i]))
			return 1;
	return 0;
}

/*
 * A bucket's statement id: "lambdactl-s3-" and its name with each '.' as
 * '_' (a statement id takes neither '.' nor anything S3 names lack, and a
 * bucket name never has '_', so the name is read back from it).
 */
static char *
s3_sid(const char *bucket)
{
	char *sid = xasprintf(SID_S3 "%s", bucket), *d;

	for (d = sid; (d = strchr(d, '.')) != NULL; d++)
		*d = '_';
	return sid;
}

/* The bucket a statement id names, or NULL; caller frees. */
static char *
sid_bucket(const char *sid)
{
	char *b, *d;

	if (!starts(sid, SID_S3))
		return NULL;
	b = xstrdup(sid + strlen(SID_S3));
	for (d = b; (d = strchr(d, '_')) != NULL; d++)
		*d = '.';
	return b;
}

static void
s3_stmt(struct rc *r, const char *bucket, struct lambda_statement *s)
{
	s->sid = s3_sid(bucket);
	s->principal = xstrdup(S3_PRINCIPAL);
	s->action = xstrdup(INVOKE);
	s->source_arn = xasprintf("arn:%s:s3:::%s", r->part, bucket);
	s->source_account = xstrdup(r->account);
	s->url_auth_type = NULL;
}

/* The lines of one bucket's differences; the first line's index or -1. */
static int
s3_lines(struct rc *r, const char *bucket, const struct s3_notify_fn *have,
    size_t nhave, const struct s3_notify_fn *want, size_t nwant)
{
	char *field = xasprintf("events.s3.%s", bucket), *s;
	size_t i;
	int first = -1, line;

	for (i = 0; i < nhave + nwant; i++) {
		const struct s3_notify_fn *f = i < nhave ? &have[i] :
		    &want[i - nhave];
		int gone = i < nhave;

		if (gone ? s3_in(f, want, nwant) : s3_in(f, have, nhave))
			continue;
		s = s3_text(bucket, f->prefix, f->suffix, f->events,
		    f->nevents);
		line = LINEF(r, gone ? PLAN_REMOVE : PLAN_ADD, field,
		    gone ? plan_str(s) : plan_none(), gone ? plan_none() :
		    plan_str(s), "%c %s", gone ? '-' : '+', s);
		free(s);
		if (first < 0)
			first = line;
	}
	free(field);
	return first;
}

/* One bucket: wanted in it, or named by a statement lambdactl made. */
static int
plan_bucket(struct rc *r, const char *bucket)
{
	struct aws_client sc;
	struct s3_notify *doc = NULL;
	struct s3_notify_fn *have = NULL, *want = NULL;
	struct lambda_statement s = { 0 };
	size_t nhave = 0, nwant = 0;
	int line, wanted, rv = -1;

	s3_wanted(r, bucket, &want, &nwant);
	s3_stmt(r, bucket, &s);
	if (s3_notify_get(triggers_s3_client(r->c, &sc), bucket, &doc,
	    r->err) == -1) {
		/* A bucket only our statement names, gone: its statement
		 * goes, or neither deploy nor delete could ever pass. */
		if (nwant > 0 || !lc_error_is(r->err, "NoSuchBucket"))
			goto out;
		lc_error_clear(r->err);
		line = LINEF(r, PLAN_REMOVE, "events.s3", plan_str(bucket),
		    plan_none(), "- s3 %s (the bucket is gone)", bucket);
		drop_stmt(r, s.sid, line);
		rv = 0;
		goto out;
	}
	s3_notify_owned(doc, r->t->arn, &have, &nhave);
	/* What S3 would refuse (overlaps) fails the plan already. */
	if (s3_notify_set_owned(doc, r->t->arn, want, nwant, r->err) == -1)
		goto out;
	line = s3_lines(r, bucket, have, nhave, want, nwant);
	wanted = nwant > 0;
	if (wanted) {
		/* A bucket wired anew: its permission goes if S3 refuses. */
		if (line >= 0 && nhave == 0)
			r->group = ++r->ngroups;
		want_stmt(r, &s, line);
	}
	if (line >= 0) {
		struct trigger_op *op = add_op(r, OP_S3_SET, line, bucket,
		    NULL);

		op->want = want;
		op->nwant = nwant;
		want = NULL;
		nwant = 0;
	}
	r->group = 0;
	if (!wanted)
		drop_stmt(r, s.sid, line);
	rv = 0;
out:
	stmt_release(&s);
	s3_notify_fns_free(have, nhave);
	s3_notify_fns_free(want, nwant);
	s3_notify_free(doc);
	return rv;
}

/* The buckets fn's s3 triggers name, each once, in the order written. */
static void
wanted_buckets(const struct manifest_fn *fn, char ***v, size_t *n)
{
	size_t i;

	*v = NULL;
	*n = 0;
	for (i = 0; i < fn->nevents; i++)
		if (fn->events[i].kind == MANIFEST_EVENT_S3 &&
		    !name_in(*v, *n, fn->events[i].bucket)) {
			*v = xrealloc(*v, (*n + 1) * sizeof **v);
			(*v)[(*n)++] = xstrdup(fn->events[i].bucket);
		}
}

static int
plan_s3(struct rc *r)
{
	char **buckets;
	size_t n, i;
	int rv = -1;

	wanted_buckets(r->t->fn, &buckets, &n);
	/* Buckets lambdactl wired are named by their statements. */
	for (i = 0; i < r->nstmts; i++) {
		char *b = sid_bucket(r->stmts[i].sid);

		if (b != NULL && !name_in(buckets, n, b)) {
			buckets = xrealloc(buckets, (n + 1) * sizeof *buckets);
			buckets[n++] = b;
		} else
			free(b);
	}
	for (i = 0; i < n; i++) {
		char *sid = s3_sid(buckets[i]);
		int moved = moving(r, sid, wants_bucket(r->moving_to,
		    buckets[i]));

		free(sid);
		if (!moved && plan_bucket(r, buckets[i]) == -1)
			goto out;
	}
	rv = 0;
out:
	strv_free(buckets, n);
	return rv;
}

/* SQS. */

/* The mapping of queue arn among m, or NULL. */
static struct lambda_esm *
esm_for(struct lambda_esm *m, size_t n, const char *arn)
{
	size_t i;

	/* One being deleted (listed a while as Deleting) is no longer one. */
	for (i = 0; i < n; i++)
		if (str_eq(m[i].source_arn, arn) &&
		    !str_eq(m[i].state, "Deleting"))
			return &m[i];
	return NULL;
}

/* "batch 10, window 0s, enabled": a mapping's settings, as a value. */
static char *
sqs_settings(long batch, long window, int enabled)
{
	return xasprintf("batch %ld, window %lds, %s", batch, window,
	    enabled ? "enabled" : "disabled");
}

/* The line of a mapping of queue whose settings change from have's to
 * e's; its values each side's settings. */
static int
sqs_change_line(struct rc *r, const char *field, const char *queue,
    const struct lambda_esm *have, const struct manifest_event *e)
{
	char *from = sqs_settings(have->batch_size, have->batch_window,
	    have->enabled);
	char *to = sqs_settings(e->batch_size, e->batch_window, e->enabled);
	int line;

	line = LINEF(r, PLAN_CHANGE, field, plan_str(from), plan_str(to),
	    "~ sqs %s batch %ld -> %ld, window %lds -> %lds, %s -> %s", queue,
	    have->batch_size, e->batch_size, have->batch_window,
	    e->batch_window, have->enabled ? "enabled" : "disabled",
	    e->enabled ? "enabled" : "disabled");
	free(from);
	free(to);
	return line;
}

static void
plan_queue(struct rc *r, const struct manifest_event *e, struct lambda_esm *m,
    size_t n, char *used)
{
	char *arn = queue_arn(r, e->queue), *field, *key;
	struct lambda_esm *have = esm_for(m, n, arn);
	struct trigger_op *op;
	int line;

	field = xasprintf("events.sqs.%s", arn_tail(arn));
	if (have == NULL) {
		line = line_sqs_new(r, field, e, arn);
		op = add_op(r, OP_ESM_CREATE, line, arn, arn_tail(arn));
	} else {
		used[have - m] = 1;
		key = xasprintf(TRIGGERS_TAG_SQS "%s", have->uuid);
		if (triggers_tag(r->t, key) == NULL) {
			line = LINEF(r, PLAN_CHANGE, field, plan_absent(),
			    plan_absent(), "~ sqs %s (made elsewhere; "
			    "lambdactl's from now on)", arn_tail(arn));
			add_op(r, OP_TAG, line, key, arn_tail(arn));
		}
		free(key);
		if (have->batch_size == e->batch_size &&
		    have->batch_window == e->batch_window &&
		    have->enabled == e->enabled)
			goto out;
		line = sqs_change_line(r, field, arn_tail(arn), have, e);
		op = add_op(r, OP_ESM_UPDATE, line, have->uuid, NULL);
	}
	op->batch_size = e->batch_size;
	op->batch_window = e->batch_window;
	op->enabled = e->enabled;
out:
	free(field);
	free(arn);
}

/* Mappings the function's tags say lambdactl made, lambda.yml no longer
 * lists. */
static void
plan_unwanted_esms(struct rc *r, struct lambda_esm *m, size_t n,
    const char *used)
{
	const struct triggers_fn *t = r->t;
	const char *uuid;
	char *field;
	size_t i, j;
	int line;

	for (i = 0; i < t->ntags; i++) {
		if (!starts(t->tags[i].key, TRIGGERS_TAG_SQS))
			continue;
		uuid = t->tags[i].key + strlen(TRIGGERS_TAG_SQS);
		for (j = 0; j < n && !str_eq(m[j].uuid, uuid); j++)
			;
		if (j < n && used[j])
			continue;
		field = xasprintf("events.sqs.%s", t->tags[i].value);
		/* Not listed: gone, or another qualifier's; deleted by its
		 * UUID either way ("already gone" is no error). */
		line = LINEF(r, PLAN_REMOVE, field, plan_str(j < n ?
		    arn_tail(m[j].source_arn) : t->tags[i].value),
		    plan_none(), "- sqs %s", j < n ?
		    arn_tail(m[j].source_arn) : t->tags[i].value);
		add_op(r, OP_ESM_DELETE, line, uuid, NULL);
		add_op(r, OP_UNTAG, line, t->tags[i].key, NULL);
		free(field);
	}
}

static int
plan_sqs(struct rc *r)
{
	const struct manifest_fn *fn = r->t->fn;
	struct lambda_esm *m = NULL;
	size_t n = 0, i;
	char *used;
	int any = 0;

	for (i = 0; i < fn->nevents; i++)
		any |= fn->events[i].kind == MANIFEST_EVENT_SQS;
	for (i = 0; i < r->t->ntags; i++)
		any |= starts(r->t->tags[i].key, TRIGGERS_TAG_SQS);
	if (!any)
		return 0;
	if (lambda_list_esms(r->c, r->target, &m, &n, r->err) == -1)
		return -1;
	used = xcalloc(n + 1, 1);
	for (i = 0; i < fn->nevents; i++)
		if (fn->events[i].kind == MANIFEST_EVENT_SQS)
			plan_queue(r, &fn->events[i], m, n, used);
	plan_unwanted_esms(r, m, n, used);
	free(used);
	lambda_esms_free(m, n);
	return 0;
}

/* The function URL. */

/*
 * The public URL's two statements: anyone may call the URL (auth NONE),
 * and the invoke it makes, which Lambda requires of URLs made since
 * October 2025.
 */
static void
url_stmts(struct lambda_statement s[2])
{
	memset(s, 0, 2 * sizeof *s);
	s[0].sid = xstrdup(SID_URL);
	s[0].principal = xstrdup("*");
	s[0].action = xstrdup(INVOKE_URL);
	s[0].url_auth_type = xstrdup("NONE");
	s[1].sid = xstrdup(SID_URL_INVOKE);
	s[1].principal = xstrdup("*");
	s[1].action = xstrdup(INVOKE);
	s[1].via_url = 1;
}

/* The URL lambda.yml wants: created, changed or taken over. */
static void
plan_url_wanted(struct rc *r, const struct lambda_url *have, int found,
    int tagged, struct lambda_statement s[2])
{
	const struct manifest_url *want = &r->t->fn->url;
	const char *pub = want->public ? " (public)" : "";
	int line = -1, i;

	if (!found)
		line = LINEF(r, PLAN_ADD, "url", plan_none(),
		    plan_str(want->auth), "+ url %s%s", want->auth, pub);
	else if (!str_eq(have->auth_type, want->auth))
		line = LINEF(r, PLAN_CHANGE, "url", plan_str(have->auth_type),
		    plan_str(want->auth), "~ url %s -> %s%s", have->auth_type,
		    want->auth, pub);
	else if (!tagged)
		line = LINEF(r, PLAN_CHANGE, "url", plan_absent(),
		    plan_absent(), "~ url %s (made elsewhere; "
		    "lambdactl's from now on)", have->url);
	if (!found)
		r->group = ++r->ngroups;
	for (i = 0; i < 2; i++)
		if (want->public)
			want_stmt(r, &s[i], line);
		else
			drop_stmt(r, s[i].sid, line);
	if (!found || !str_eq(have->auth_type, want->auth))
		add_op(r, OP_URL_PUT, line, NULL, want->auth)->create = !found;
	r->group = 0;
	if (!tagged)
		add_op(r, OP_TAG, line, TRIGGERS_TAG_URL, "1");
}

static int
plan_url(struct rc *r)
{
	int tagged = triggers_tag(r->t, TRIGGERS_TAG_URL) != NULL;
	struct lambda_statement s[2];
	struct lambda_url have = { 0 };
	int found, line = -1;

	if (r->t->fn->url.auth == NULL && !tagged &&
	    !stmt_has(r, SID_URL) && !stmt_has(r, SID_URL_INVOKE))
		return 0;
	if ((found = lambda_get_url(r->c, r->t->fn->name, r->t->qualifier,
	    &have, r->err)) == -1)
		return -1;
	url_stmts(s);
	if (r->t->fn->url.auth != NULL)
		plan_url_wanted(r, &have, found, tagged, s);
	else {
		if (found && tagged)
			line = LINEF(r, PLAN_REMOVE, "url",
			    plan_str(have.url), plan_none(), "- url %s",
			    have.url);
		else if (tagged)
			line = LINEF(r, PLAN_REMOVE, "url", plan_none(),
			    plan_none(), "- url (gone already)");
		if (found && tagged)
			add_op(r, OP_URL_DELETE, line, NULL, NULL);
		drop_stmt(r, SID_URL, line);
		drop_stmt(r, SID_URL_INVOKE, line);
		if (tagged)
			add_op(r, OP_UNTAG, line, TRIGGERS_TAG_URL, NULL);
	}
	lambda_url_release(&have);
	stmt_release(&s[0]);
	stmt_release(&s[1]);
	return 0;
}

/* Statements named lambdactl-... that nothing above accounted for. */
static void
plan_orphan_stmts(struct rc *r)
{
	size_t i;
	int line;

	for (i = 0; i < r->nstmts; i++) {
		if (r->claimed[i] || !starts(r->stmts[i].sid, "lambdactl-"))
			continue;
		line = LINEF(r, PLAN_REMOVE, "permission",
		    plan_str(r->stmts[i].sid), plan_none(), "- permission %s",
		    r->stmts[i].sid);
		add_op(r, OP_REMOVE_PERM, line, r->stmts[i].sid, NULL);
	}
}

/*
 * Before a function is created, its buckets are read: one that is missing
 * or refused, or entries S3 would refuse as overlapping, fail the plan
 * before anything is written.  r->target is then the ARN it will have.
 */
static int
check_buckets(struct rc *r)
{
	struct aws_client sc;
	struct s3_notify *doc;
	struct s3_notify_fn *want;
	char **buckets;
	size_t i, n, nb;
	int rv = 0;

	wanted_buckets(r->t->fn, &buckets, &nb);
	for (i = 0; i < nb && rv == 0; i++) {
		if ((rv = s3_notify_get(triggers_s3_client(r->c, &sc),
		    buckets[i], &doc, r->err)) == -1)
			break;
		s3_wanted(r, buckets[i], &want, &n);
		rv = s3_notify_set_owned(doc, r->target, want, n, r->err);
		s3_notify_fns_free(want, n);
		s3_notify_free(doc);
	}
	strv_free(buckets, nb);
	return rv;
}

/* A function that does not exist yet: everything lambda.yml lists is new. */
static void
plan_new(struct rc *r)
{
	const struct manifest_fn *fn = r->t->fn;
	const struct manifest_event *e;
	size_t i, nsched = 0;
	char *rule, *text;

	for (i = 0; i < fn->nevents; i++) {
		e = &fn->events[i];
		switch (e->kind) {
		case MANIFEST_EVENT_SCHEDULE:
			rule = rule_name(fn->name, ++nsched);
			line_schedule_new(r, "events.schedule", e, rule);
			free(rule);
			break;
		case MANIFEST_EVENT_S3:
			text = s3_text(e->bucket, e->prefix, e->suffix,
			    e->s3_events, e->ns3_events);
			(void)LINEF(r, PLAN_ADD, "events.s3", plan_none(),
			    plan_str(text), "+ %s", text);
			free(text);
			break;
		case MANIFEST_EVENT_SQS:
			line_sqs_new(r, "events.sqs", e, e->queue);
			break;
		}
	}
	if (fn->url.auth != NULL)
		(void)LINEF(r, PLAN_ADD, "url", plan_none(),
		    plan_str(fn->url.auth), "+ url %s%s", fn->url.auth,
		    fn->url.public ? " (public)" : "");
}

/* The marker's value for t: the alias its triggers call, "" for none. */
static const char *
marker_of(const struct triggers_fn *t)
{
	return t->qualifier != NULL ? t->qualifier : "";
}

/*
 * The marker tag, whose value names the alias the triggers call: set
 * before the ops from first_op on when triggers are wanted, removed last
 * when none are left.  Alone, it gets a plan line of its own.
 */
static void
plan_marker(struct rc *r, size_t first_op)
{
	const struct manifest_fn *fn = r->t->fn;
	const char *have = triggers_tag(r->t, TRIGGERS_TAG);
	struct triggers_plan *p = r->p;
	struct trigger_op op;
	int line = -1;

	if (fn->nevents > 0 || fn->url.auth != NULL) {
		if (str_eq(have, marker_of(r->t)) && have != NULL)
			return;
		if (p->nlines == 0)
			line = LINEF(r, PLAN_CHANGE, "tags." TRIGGERS_TAG,
			    plan_str(have), plan_str(marker_of(r->t)),
			    "~ tag " TRIGGERS_TAG);
		add_op(r, OP_TAG, line, TRIGGERS_TAG, marker_of(r->t));
		op = p->ops[p->nops - 1];
		memmove(&p->ops[first_op + 1], &p->ops[first_op],
		    (p->nops - 1 - first_op) * sizeof *p->ops);
		p->ops[first_op] = op;
	} else if (have != NULL) {
		if (p->nlines == 0)
			line = LINEF(r, PLAN_REMOVE, "tags." TRIGGERS_TAG,
			    plan_str(have), plan_none(), "- tag " TRIGGERS_TAG);
		add_op(r, OP_UNTAG, line, TRIGGERS_TAG, NULL);
	}
}

/* One qualifier's pass: t's triggers read and compared, appended to p;
 * moving_to: see struct rc; marker: whether it keeps the marker tag, set
 * before the ops from first_op on. */
static int
plan_pass(struct aws_client *c, const struct triggers_fn *t,
    const struct manifest_fn *moving_to, struct triggers_plan *p, int marker,
    size_t first_op, struct lc_err *err)
{
	struct rc r = { .c = c, .t = t, .p = p, .err = err,
	    .moving_to = moving_to };
	int rv = -1;

	r.part = arn_field(t->arn, 1);
	r.account = arn_field(t->arn, 4);
	r.target = t->qualifier != NULL ? xasprintf("%s:%s", t->arn,
	    t->qualifier) : xstrdup(t->arn);
	if (lambda_get_policy(c, t->fn->name, t->qualifier, &r.stmts,
	    &r.nstmts, err) == -1)
		goto out;
	r.claimed = xcalloc(r.nstmts + 1, 1);
	if (plan_schedules(&r) == -1 || plan_s3(&r) == -1 ||
	    plan_sqs(&r) == -1 || plan_url(&r) == -1)
		goto out;
	plan_orphan_stmts(&r);
	if (marker)
		plan_marker(&r, first_op);
	rv = 0;
out:
	lambda_statements_free(r.stmts, r.nstmts);
	free(r.claimed);
	free(r.target);
	free(r.account);
	free(r.part);
	return rv;
}

/*
 * A move's ops in their order: the first pass's removals, the second
 * pass's ops (from first on), then the marker, naming the new alias once
 * what calls it is wired, and last the former alias's statements for what
 * the second pass re-pointed (each resource before its permission).
 */
static void
move_order(struct triggers_plan *p, size_t first)
{
	struct trigger_op *v = xcalloc(p->nops + 1, sizeof *v), *marker = NULL;
	size_t i, k = 0;

	for (i = 0; i < first; i++)
		if (!p->ops[i].late)
			v[k++] = p->ops[i];
	for (i = first; i < p->nops; i++) {
		if (p->ops[i].kind == OP_TAG &&
		    strcmp(p->ops[i].name, TRIGGERS_TAG) == 0)
			marker = &p->ops[i];
		else
			v[k++] = p->ops[i];
	}
	if (marker != NULL)
		v[k++] = *marker;
	for (i = 0; i < first; i++)
		if (p->ops[i].late)
			v[k++] = p->ops[i];
	free(p->ops);
	p->ops = v;
}

/*
 * The triggers call another alias than t's (its marker says which): a
 * pass unwiring them there first, then t's own with the tags of what the
 * first removes (mappings, the URL) left out, the marker moved after.
 */
static int
plan_move(struct aws_client *c, const struct triggers_fn *t,
    const char *from, struct triggers_plan *p, struct lc_err *err)
{
	struct manifest_fn none = { .name = t->fn->name };
	struct triggers_fn old = *t, cur = *t;
	struct manifest_kv *kept;
	size_t i, first;
	int rv;

	old.fn = &none;
	old.qualifier = *from != '\0' ? from : NULL;
	if (plan_pass(c, &old, t->fn, p, 0, 0, err) == -1)
		return -1;
	kept = xcalloc(t->ntags + 1, sizeof *kept);
	cur.tags = kept;
	cur.ntags = 0;
	for (i = 0; i < t->ntags; i++)
		if (!starts(t->tags[i].key, TRIGGERS_TAG_SQS) &&
		    strcmp(t->tags[i].key, TRIGGERS_TAG_URL) != 0)
			kept[cur.ntags++] = t->tags[i];
	first = p->nops;
	rv = plan_pass(c, &cur, NULL, p, 1, first, err);
	free(kept);
	if (rv == 0)
		move_order(p, first);
	return rv;
}

int
triggers_plan(struct aws_client *c, const struct triggers_fn *t,
    struct triggers_plan *p, struct lc_err *err)
{
	struct rc r = { .c = c, .t = t, .p = p, .err = err };
	const char *from = triggers_tag(t, TRIGGERS_TAG);
	int rv;

	memset(p, 0, sizeof *p);
	if (!triggers_wanted(t))
		return 0;
	if (t->arn == NULL) {
		/* Its ARN to be, so that entries a former function of that
		 * name left in its buckets are seen as its own. */
		r.part = arn_field(t->role_arn != NULL ? t->role_arn : "", 1);
		r.account = arn_field(t->role_arn != NULL ? t->role_arn : "",
		    4);
		r.target = xasprintf("arn:%s:lambda:%s:%s:function:%s",
		    *r.part != '\0' ? r.part : "aws", t->region,
		    *r.account != '\0' ? r.account : "0", t->fn->name);
		if ((rv = check_buckets(&r)) == 0)
			plan_new(&r);
		free(r.target);
		free(r.account);
		free(r.part);
	} else if (from != NULL && strcmp(from, marker_of(t)) != 0)
		rv = plan_move(c, t, from, p, err);
	else
		rv = plan_pass(c, t, NULL, p, 1, 0, err);
	if (rv == -1) {
		triggers_plan_release(p);
		lc_error_prefix(err, "triggers");
	}
	return rv;
}

void
triggers_plan_release(struct triggers_plan *p)
{
	struct trigger_op *op;
	size_t i;

	plan_lines_free(p->lines, p->nlines);
	for (i = 0; i < p->nops; i++) {
		op = &p->ops[i];
		free(op->name);
		free(op->value);
		free(op->input);
		free(op->qual);
		stmt_release(&op->stmt);
		s3_notify_fns_free(op->want, op->nwant);
	}
	free(p->ops);
	memset(p, 0, sizeof *p);
}
