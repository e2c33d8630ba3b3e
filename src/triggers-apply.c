/*
 * triggers-apply.c - making a trigger plan's writes (triggers_apply): each
 * op one request, a trigger being created undone when a later step of it
 * fails; bucket rewrites re-read under one lock; and triggers_unwire,
 * delete's plan-and-apply of "no triggers".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events-api.h"
#include "triggers-private.h"
#include "xmalloc.h"

static char target_id[] = TRIGGERS_TARGET_ID;

/* Several functions may wire the same bucket at once under -j: each
 * read-change-write of a bucket's configuration holds this. */
static pthread_mutex_t s3_lock = PTHREAD_MUTEX_INITIALIZER;

static int
s3_set(struct aws_client *c, const struct triggers_fn *t,
    const struct trigger_op *op, struct lc_err *err)
{
	struct aws_client sc;
	struct s3_notify *doc = NULL;
	int rv = -1;

	pthread_mutex_lock(&s3_lock);
	c = triggers_s3_client(c, &sc);
	if (s3_notify_get(c, op->name, &doc, err) == 0 &&
	    s3_notify_set_owned(doc, t->arn, op->want, op->nwant, err) == 0 &&
	    s3_notify_put(c, op->name, doc, err) == 0)
		rv = 0;
	pthread_mutex_unlock(&s3_lock);
	s3_notify_free(doc);
	return rv;
}

static int
esm_create(struct aws_client *c, const struct triggers_fn *t,
    const char *target, const struct trigger_op *op, struct lc_err *err)
{
	struct lambda_esm m = { 0 };
	struct manifest_kv kv;
	struct lc_err undo = { 0 };
	int rv = -1;

	if (lambda_create_esm(c, target, op->name, op->batch_size,
	    op->batch_window, op->enabled, &m, err) == -1)
		return -1;
	kv.key = xasprintf(TRIGGERS_TAG_SQS "%s", m.uuid);
	kv.value = op->value;
	if (lambda_tag(c, t->arn, &kv, 1, err) == 0)
		rv = 0;
	else	/* Untagged, it would never be found again: undone. */
		lambda_delete_esm(c, m.uuid, &undo);
	free(kv.key);
	lambda_esm_release(&m);
	return rv;
}

static int
run_op(struct aws_client *c, const struct triggers_fn *t, const char *target,
    const struct trigger_op *op, struct lc_err *err)
{
	const char *name = t->fn->name;
	const char *q = *op->qual != '\0' ? op->qual : NULL;
	struct eb_target tg = { target_id, op->value, op->input };
	struct manifest_kv kv = { op->name, op->value };
	char *desc, *id = target_id;
	int rv;

	switch (op->kind) {
	case OP_TAG:
		return lambda_tag(c, t->arn, &kv, 1, err);
	case OP_UNTAG:
		return lambda_untag(c, t->arn, &op->name, 1, err);
	case OP_ADD_PERM:
		return lambda_add_permission(c, name, q, &op->stmt, err);
	case OP_REMOVE_PERM:
		return lambda_remove_permission(c, name, q, op->name, err);
	case OP_PUT_RULE:
		desc = xasprintf("lambdactl: a schedule of %s (lambda.yml)",
		    name);
		rv = eb_put_rule(c, op->name, op->value, op->enabled, desc,
		    NULL, err);
		free(desc);
		return rv;
	case OP_DELETE_RULE:
		return eb_delete_rule(c, op->name, err);
	case OP_PUT_TARGET:
		return eb_put_target(c, op->name, &tg, err);
	case OP_REMOVE_TARGET:
		return eb_remove_targets(c, op->name, &id, 1, err);
	case OP_S3_SET:
		return s3_set(c, t, op, err);
	case OP_ESM_CREATE:
		return esm_create(c, t, target, op, err);
	case OP_ESM_UPDATE:
		return lambda_update_esm(c, op->name, op->batch_size,
		    op->batch_window, op->enabled, err);
	case OP_ESM_DELETE:
		return lambda_delete_esm(c, op->name, err);
	case OP_URL_PUT:
		return lambda_put_url(c, name, q, op->value, op->create, NULL,
		    err);
	case OP_URL_DELETE:
		return lambda_delete_url(c, name, q, err);
	}
	return 0;
}

/* Undoes op, done as part of a trigger being created (best effort). */
static void
undo_op(struct aws_client *c, const struct triggers_fn *t,
    const struct trigger_op *op)
{
	const char *q = *op->qual != '\0' ? op->qual : NULL;
	struct lc_err ignored = { 0 };
	char *id = target_id;

	switch (op->kind) {
	case OP_ADD_PERM:
		lambda_remove_permission(c, t->fn->name, q, op->name,
		    &ignored);
		break;
	case OP_PUT_RULE:
		eb_delete_rule(c, op->name, &ignored);
		break;
	case OP_PUT_TARGET:
		eb_remove_targets(c, op->name, &id, 1, &ignored);
		break;
	case OP_URL_PUT:
		if (op->create)
			lambda_delete_url(c, t->fn->name, q, &ignored);
		break;
	default:
		break;
	}
}

int
triggers_apply(struct aws_client *c, const struct triggers_fn *t,
    const struct triggers_plan *p, void (*step)(void *, const char *),
    void *arg, struct lc_err *err)
{
	const struct trigger_op *op;
	char *target;
	size_t i, j;
	int line = -1, rv = 0;

	if (p->nops == 0)
		return 0;
	target = t->qualifier != NULL ? xasprintf("%s:%s", t->arn,
	    t->qualifier) : xstrdup(t->arn);
	for (i = 0; i < p->nops; i++) {
		op = &p->ops[i];
		if (op->line >= 0 && op->line != line && step != NULL)
			step(arg, p->lines[op->line].text);
		line = op->line >= 0 ? op->line : line;
		if (run_op(c, t, target, op, err) == 0)
			continue;
		for (j = i; op->group != 0 && j > 0 &&
		    p->ops[j - 1].group == op->group; j--)
			undo_op(c, t, &p->ops[j - 1]);
		if (op->line >= 0)
			lc_error_prefix(err, "%s%s", p->lines[op->line].text,
			    op->group != 0 && j < i ? " (undone)" : "");
		rv = -1;
		break;
	}
	free(target);
	return rv;
}

int
triggers_unwire(struct aws_client *c, const struct lambda_config *have,
    void (*step)(void *, const char *), void *arg, struct lc_err *err)
{
	struct manifest_fn none = { .name = have->name };
	struct triggers_fn t = { .fn = &none, .region = c->region,
	    .arn = have->arn, .tags = have->tags, .ntags = have->ntags };
	struct triggers_plan p;
	int rv;

	t.qualifier = triggers_tag(&t, TRIGGERS_TAG);
	if (t.qualifier != NULL && *t.qualifier == '\0')
		t.qualifier = NULL;
	if (triggers_plan(c, &t, &p, err) == -1)
		return -1;
	rv = triggers_apply(c, &t, &p, step, arg, err);
	triggers_plan_release(&p);
	return rv;
}
