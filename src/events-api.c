/*
 * events-api.c - Amazon EventBridge rules and targets on the default event
 * bus: JSON 1.1 (POST / with X-Amz-Target: AWSEvents.OP), bodies built
 * with cJSON, answers read with json.h's member readers.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "events-api.h"
#include "json.h"

/* JSON building; cJSON returns NULL only when out of memory. */

static cJSON *
made(cJSON *j)
{
	if (j == NULL)
		die("out of memory");
	return j;
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	made(cJSON_AddStringToObject(o, key, v));
}

/* A body holding {"KEY": name}. */
static cJSON *
body_named(const char *key, const char *name)
{
	cJSON *o = made(cJSON_CreateObject());

	add_str(o, key, name);
	return o;
}

/* Sends op with the body o (freed here); the answer in rs, which the
 * caller releases either way. */
static int
eb_call(struct aws_client *c, const char *op, cJSON *o,
    struct aws_response *rs, struct lc_err *err)
{
	struct http_header h[2];
	struct aws_request rq;
	char target[64], *body;
	int ret;

	if ((body = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	cJSON_Delete(o);
	snprintf(target, sizeof target, "AWSEvents.%s", op);
	h[0].name = "Content-Type";
	h[0].value = "application/x-amz-json-1.1";
	h[1].name = "X-Amz-Target";
	h[1].value = target;
	memset(&rq, 0, sizeof rq);
	rq.service = "events";
	rq.op = op;
	rq.method = "POST";
	rq.path = "/";
	rq.headers = h;
	rq.nheaders = 2;
	rq.body = body;
	rq.body_len = strlen(body);
	ret = aws_call(c, &rq, rs, err);
	free(body);
	return ret;
}

void
eb_rule_release(struct eb_rule *r)
{
	free(r->name);
	free(r->arn);
	free(r->schedule);
	free(r->state);
	free(r->description);
	memset(r, 0, sizeof *r);
}

void
eb_targets_free(struct eb_target *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].id);
		free(t[i].arn);
		free(t[i].input);
	}
	free(t);
}

int
eb_rule_parse(const char *json, size_t len, struct eb_rule *r,
    struct lc_err *err)
{
	static const char op[] = "DescribeRule";
	cJSON *o;
	int ret = -1;

	memset(r, 0, sizeof *r);
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_str(op, o, "Name", &r->name, err) == -1 ||
	    json_get_str(op, o, "Arn", &r->arn, err) == -1 ||
	    json_get_str(op, o, "ScheduleExpression", &r->schedule,
	    err) == -1 ||
	    json_get_str(op, o, "State", &r->state, err) == -1 ||
	    json_get_str(op, o, "Description", &r->description, err) == -1)
		goto out;
	if (r->name == NULL) {
		lc_error(err, LC_EFAIL, "%s: unexpected response: no Name", op);
		goto out;
	}
	ret = 0;
out:
	if (ret == -1)
		eb_rule_release(r);
	cJSON_Delete(o);
	return ret;
}

/* One target of a ListTargetsByRule page into t (left empty on
 * failure). */
static int
target_read(const cJSON *item, struct eb_target *t, struct lc_err *err)
{
	static const char op[] = "ListTargetsByRule";

	memset(t, 0, sizeof *t);
	if (!cJSON_IsObject(item))
		return json_bad_member(op, "Targets[]", "an object", err);
	if (json_get_str(op, item, "Id", &t->id, err) == 0 &&
	    json_get_str(op, item, "Arn", &t->arn, err) == 0 &&
	    json_get_str(op, item, "Input", &t->input, err) == 0) {
		if (t->id != NULL && t->arn != NULL)
			return 0;
		lc_error(err, LC_EFAIL, "%s: unexpected response: a target "
		    "without Id or Arn", op);
	}
	free(t->id);
	free(t->arn);
	free(t->input);
	memset(t, 0, sizeof *t);
	return -1;
}

int
eb_targets_parse(const char *json, size_t len, struct eb_target **out,
    size_t *n, char **next, struct lc_err *err)
{
	static const char op[] = "ListTargetsByRule";
	const cJSON *arr, *item;
	cJSON *o;
	size_t cnt;
	int ret = -1;

	*next = NULL;
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_obj(op, o, "Targets", &arr, 1, err) == -1)
		goto out;
	cnt = arr != NULL ? (size_t)cJSON_GetArraySize(arr) : 0;
	if (cnt > 0) {
		*out = xrealloc(*out, (*n + cnt) * sizeof **out);
		cJSON_ArrayForEach(item, arr) {
			if (target_read(item, &(*out)[*n], err) == -1)
				goto out;
			(*n)++;
		}
	}
	if (json_get_str(op, o, "NextToken", next, err) == -1)
		goto out;
	if (*next != NULL && **next == '\0') {
		free(*next);
		*next = NULL;
	}
	ret = 0;
out:
	cJSON_Delete(o);
	return ret;
}

/*
 * The FailedEntryCount and FailedEntries of a PutTargets or RemoveTargets
 * answer: an entry that failed is an error naming it, its ErrorCode (also
 * err->code) and ErrorMessage.
 */
static int
failed_entries(const char *op, const char *json, size_t len,
    struct lc_err *err)
{
	char *id = NULL, *code = NULL, *msg = NULL;
	const cJSON *arr, *first;
	int64_t count = 0;
	cJSON *o;
	int ret = -1;

	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_int(op, o, "FailedEntryCount", "FailedEntryCount", 0,
	    INT_MAX, &count, err) == -1 ||
	    json_get_obj(op, o, "FailedEntries", &arr, 1, err) == -1)
		goto out;
	first = arr != NULL ? cJSON_GetArrayItem(arr, 0) : NULL;
	if (count == 0 && first == NULL) {
		ret = 0;
		goto out;
	}
	if (cJSON_IsObject(first) &&
	    (json_get_str(op, first, "TargetId", &id, err) == -1 ||
	    json_get_str(op, first, "ErrorCode", &code, err) == -1 ||
	    json_get_str(op, first, "ErrorMessage", &msg, err) == -1))
		goto out;
	lc_error(err, LC_EFAIL, "%s: target '%s' failed: %s: %s", op,
	    id != NULL ? id : "?", code != NULL ? code : "no ErrorCode",
	    msg != NULL ? msg : "no ErrorMessage");
	if (code != NULL)
		lc_error_set_code(err, code);
out:
	free(id);
	free(code);
	free(msg);
	cJSON_Delete(o);
	return ret;
}

int
eb_describe_rule(struct aws_client *c, const char *name, struct eb_rule *r,
    struct lc_err *err)
{
	struct aws_response rs;
	int ret = -1;

	memset(r, 0, sizeof *r);
	if (eb_call(c, "DescribeRule", body_named("Name", name), &rs,
	    err) == 0) {
		if (eb_rule_parse(rs.http.body.data, rs.http.body.len, r,
		    err) == 0)
			ret = 1;
	} else if (lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	return ret;
}

int
eb_put_rule(struct aws_client *c, const char *name, const char *schedule,
    int enabled, const char *description, char **arn, struct lc_err *err)
{
	static const char op[] = "PutRule";
	struct aws_response rs;
	cJSON *o = body_named("Name", name), *a = NULL;
	int ret = -1;

	if (arn != NULL)
		*arn = NULL;
	add_str(o, "ScheduleExpression", schedule);
	add_str(o, "State", enabled ? "ENABLED" : "DISABLED");
	if (description != NULL)
		add_str(o, "Description", description);
	if (eb_call(c, op, o, &rs, err) == -1)
		goto out;
	if (arn == NULL) {
		ret = 0;
		goto out;
	}
	if ((a = json_object_parse(op, rs.http.body.data, rs.http.body.len,
	    err)) == NULL || json_get_str(op, a, "RuleArn", arn, err) == -1)
		goto out;
	if (*arn == NULL)
		lc_error(err, LC_EFAIL, "%s: unexpected response: no RuleArn",
		    op);
	else
		ret = 0;
out:
	cJSON_Delete(a);
	aws_response_release(&rs);
	return ret;
}

int
eb_delete_rule(struct aws_client *c, const char *name, struct lc_err *err)
{
	struct aws_response rs;
	int ret;

	ret = eb_call(c, "DeleteRule", body_named("Name", name), &rs, err);
	if (ret == -1 && lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	return ret;
}

/* One ListTargetsByRule page after token (NULL: the first): 0, 1 when the
 * rule does not exist, -1. */
static int
targets_page(struct aws_client *c, const char *rule, const char *token,
    struct eb_target **out, size_t *n, char **next, struct lc_err *err)
{
	struct aws_response rs;
	cJSON *o = body_named("Rule", rule);
	int ret;

	if (token != NULL)
		add_str(o, "NextToken", token);
	if ((ret = eb_call(c, "ListTargetsByRule", o, &rs, err)) == 0)
		ret = eb_targets_parse(rs.http.body.data, rs.http.body.len,
		    out, n, next, err);
	else if (lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 1;
	}
	aws_response_release(&rs);
	return ret;
}

int
eb_list_targets(struct aws_client *c, const char *rule,
    struct eb_target **out, size_t *n, struct lc_err *err)
{
	char *token = NULL, *next = NULL;
	int r;

	*out = NULL;
	*n = 0;
	while ((r = targets_page(c, rule, token, out, n, &next, err)) == 0 &&
	    (r = aws_next_page("ListTargetsByRule", "NextToken", &token, &next,
	    err)) == 1)
		;
	free(token);
	free(next);
	if (r == -1 || r == 1) {
		/* A rule gone between pages has no targets either. */
		eb_targets_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r == -1 ? -1 : 0;
}

int
eb_put_target(struct aws_client *c, const char *rule,
    const struct eb_target *t, struct lc_err *err)
{
	struct aws_response rs;
	cJSON *o = body_named("Rule", rule), *ts, *one;
	int ret = -1;

	ts = made(cJSON_AddArrayToObject(o, "Targets"));
	one = made(cJSON_CreateObject());
	if (!cJSON_AddItemToArray(ts, one))
		die("out of memory");
	add_str(one, "Id", t->id);
	add_str(one, "Arn", t->arn);
	if (t->input != NULL)
		add_str(one, "Input", t->input);
	if (eb_call(c, "PutTargets", o, &rs, err) == 0)
		ret = failed_entries("PutTargets", rs.http.body.data,
		    rs.http.body.len, err);
	aws_response_release(&rs);
	return ret;
}

int
eb_remove_targets(struct aws_client *c, const char *rule, char *const *ids,
    size_t n, struct lc_err *err)
{
	struct aws_response rs;
	cJSON *o, *a;
	size_t i;
	int ret = -1;

	if (n == 0)
		return 0;
	o = body_named("Rule", rule);
	a = made(cJSON_AddArrayToObject(o, "Ids"));
	for (i = 0; i < n; i++)
		if (!cJSON_AddItemToArray(a, made(cJSON_CreateString(ids[i]))))
			die("out of memory");
	if (eb_call(c, "RemoveTargets", o, &rs, err) == 0)
		ret = failed_entries("RemoveTargets", rs.http.body.data,
		    rs.http.body.len, err);
	else if (lc_error_is(err, "ResourceNotFoundException")) {
		/* No rule: its targets are gone with it. */
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	return ret;
}
