/*
 * lambda-settings.c - what a function has outside its configuration, that
 * deploy keeps as lambda.yml says: reserved concurrency
 * (Put/DeleteFunctionConcurrency, API 2017-10-31) and the asynchronous
 * invocation configuration (Get/Put/DeleteFunctionEventInvokeConfig, API
 * 2019-09-25), whose on-failure destination is lambda.yml's on_failure.
 * REST-JSON as lambda-api.c, requests built with lambda-private.h; the
 * JSON is read and built here, pure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "lambda-api.h"
#include "lambda-private.h"
#include "sigv4.h"

#define CONCURRENCY_PREFIX	"/2017-10-31/functions/"
#define INVOKE_CONFIG_PREFIX	"/2019-09-25/functions/"

/* Lambda allows 0-2 retries and 60-21600 s; what is read is only held to
 * a whole number an int holds, so that a raised limit still reads. */
#define INVOKE_NUM_MAX		INT32_MAX

/* PREFIX "NAME" more, NAME percent-encoded (the signer encodes it again). */
static void
settings_path(struct buf *b, const char *prefix, const char *name,
    const char *more)
{
	buf_adds(b, prefix);
	sigv4_uri_encode(b, name, strlen(name), 0);
	buf_adds(b, more);
}

int
lambda_put_concurrency(struct aws_client *c, const char *name, long n,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	char *json = xasprintf("{\"ReservedConcurrentExecutions\":%ld}", n);
	int ret;

	settings_path(&path, CONCURRENCY_PREFIX, name, "/concurrency");
	ret = simple_call(c, "PutFunctionConcurrency", "PUT", path.data, json,
	    NULL, err);
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_delete_concurrency(struct aws_client *c, const char *name,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	int ret;

	settings_path(&path, CONCURRENCY_PREFIX, name, "/concurrency");
	ret = simple_call(c, "DeleteFunctionConcurrency", "DELETE", path.data,
	    NULL, NULL, err);
	buf_release(&path);
	return ret;
}

/* The asynchronous invocation configuration. */

void
lambda_invoke_config_init(struct lambda_invoke_config *ic)
{
	memset(ic, 0, sizeof *ic);
	ic->max_retries = ic->max_age = -1;
}

void
lambda_invoke_config_release(struct lambda_invoke_config *ic)
{
	free(ic->on_success);
	free(ic->on_failure);
	lambda_invoke_config_init(ic);
}

int
lambda_invoke_config_empty(const struct lambda_invoke_config *ic)
{
	return ic->on_success == NULL && ic->on_failure == NULL &&
	    ic->max_retries < 0 && ic->max_age < 0;
}

/* DestinationConfig.KEY.Destination of o into *dst. */
static int
get_destination(const char *op, const cJSON *dc, const char *key,
    char **dst, struct lc_err *err)
{
	const cJSON *d;
	char field[64];

	if (json_get_obj(op, dc, key, &d, 0, err) == -1)
		return -1;
	if (d == NULL)
		return 0;
	snprintf(field, sizeof field, "DestinationConfig.%s.Destination", key);
	if (json_get_str(op, d, "Destination", dst, err) == -1)
		return lc_error(err, LC_EFAIL, "%s: unexpected response: '%s' "
		    "is not a string", op, field);
	/* An empty destination is none (how a removal may read back). */
	if (*dst != NULL && **dst == '\0') {
		free(*dst);
		*dst = NULL;
	}
	return 0;
}

int
lambda_invoke_config_parse(const char *op, const char *json, size_t len,
    struct lambda_invoke_config *ic, struct lc_err *err)
{
	const cJSON *dc;
	cJSON *o;
	int64_t retries = -1, age = -1;
	int ret = -1;

	lambda_invoke_config_init(ic);
	if ((o = json_object_parse(op, json, len, err)) == NULL)
		return -1;
	if (json_get_int(op, o, "MaximumRetryAttempts",
	    "MaximumRetryAttempts", 0, INVOKE_NUM_MAX, &retries, err) == -1 ||
	    json_get_int(op, o, "MaximumEventAgeInSeconds",
	    "MaximumEventAgeInSeconds", 0, INVOKE_NUM_MAX, &age, err) == -1 ||
	    json_get_obj(op, o, "DestinationConfig", &dc, 0, err) == -1)
		goto out;
	if (dc != NULL && (get_destination(op, dc, "OnSuccess",
	    &ic->on_success, err) == -1 || get_destination(op, dc, "OnFailure",
	    &ic->on_failure, err) == -1))
		goto out;
	ic->max_retries = (long)retries;
	ic->max_age = (long)age;
	ret = 0;
out:
	if (ret == -1)
		lambda_invoke_config_release(ic);
	cJSON_Delete(o);
	return ret;
}

/* {"Destination": arn} as member key of dc, when arn is set. */
static void
put_destination(cJSON *dc, const char *key, const char *arn)
{
	cJSON *d;

	if (arn == NULL)
		return;
	if ((d = cJSON_AddObjectToObject(dc, key)) == NULL ||
	    cJSON_AddStringToObject(d, "Destination", arn) == NULL)
		die("out of memory");
}

char *
lambda_invoke_config_json(const struct lambda_invoke_config *ic)
{
	cJSON *o, *dc;
	char *s;

	if ((o = cJSON_CreateObject()) == NULL)
		die("out of memory");
	if ((ic->max_retries >= 0 && cJSON_AddNumberToObject(o,
	    "MaximumRetryAttempts", (double)ic->max_retries) == NULL) ||
	    (ic->max_age >= 0 && cJSON_AddNumberToObject(o,
	    "MaximumEventAgeInSeconds", (double)ic->max_age) == NULL))
		die("out of memory");
	if (ic->on_success != NULL || ic->on_failure != NULL) {
		if ((dc = cJSON_AddObjectToObject(o, "DestinationConfig")) ==
		    NULL)
			die("out of memory");
		put_destination(dc, "OnSuccess", ic->on_success);
		put_destination(dc, "OnFailure", ic->on_failure);
	}
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	cJSON_Delete(o);
	return s;
}

int
lambda_get_invoke_config(struct aws_client *c, const char *name,
    struct lambda_invoke_config *ic, struct lc_err *err)
{
	static const char op[] = "GetFunctionEventInvokeConfig";
	struct aws_request rq;
	struct aws_response rs;
	struct buf path = BUF_INIT;
	int ret = -1;

	lambda_invoke_config_init(ic);
	settings_path(&path, INVOKE_CONFIG_PREFIX, name,
	    "/event-invoke-config");
	rq_init(&rq, op, "GET", path.data);
	if (aws_call(c, &rq, &rs, err) == 0) {
		if (lambda_invoke_config_parse(op, rs.http.body.data,
		    rs.http.body.len, ic, err) == 0)
			ret = 1;
	} else if (lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 0;
	}
	aws_response_release(&rs);
	buf_release(&path);
	return ret;
}

int
lambda_put_invoke_config(struct aws_client *c, const char *name,
    const struct lambda_invoke_config *ic, struct lc_err *err)
{
	struct buf path = BUF_INIT;
	char *json = lambda_invoke_config_json(ic);
	int ret;

	settings_path(&path, INVOKE_CONFIG_PREFIX, name,
	    "/event-invoke-config");
	ret = simple_call(c, "PutFunctionEventInvokeConfig", "PUT", path.data,
	    json, NULL, err);
	free(json);
	buf_release(&path);
	return ret;
}

int
lambda_delete_invoke_config(struct aws_client *c, const char *name,
    struct lc_err *err)
{
	struct buf path = BUF_INIT;
	int ret;

	settings_path(&path, INVOKE_CONFIG_PREFIX, name,
	    "/event-invoke-config");
	ret = simple_call(c, "DeleteFunctionEventInvokeConfig", "DELETE",
	    path.data, NULL, NULL, err);
	if (ret == -1 && lc_error_is(err, "ResourceNotFoundException")) {
		lc_error_clear(err);
		ret = 0;
	}
	buf_release(&path);
	return ret;
}
