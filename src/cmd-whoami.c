/* cmd-whoami.c - lambdactl whoami: STS GetCallerIdentity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"

static const char body[] = "Action=GetCallerIdentity&Version=2011-06-15";

static int
whoami_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	static const struct http_header hdr[] = {
		{ "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8" },
	};
	static const char *const fields[] = { "Account", "Arn", "UserId" };
	struct aws_request rq = { 0 };
	struct aws_response rs;
	struct aws_client c;
	struct buf v[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	cJSON *o;
	size_t i;
	int status = -1;

	(void)a;
	cmd_aws_init(ctx, &c);
	rq.service = "sts";
	rq.op = "GetCallerIdentity";
	rq.method = "POST";
	rq.path = "/";
	rq.headers = hdr;
	rq.nheaders = 1;
	rq.body = body;
	rq.body_len = sizeof body - 1;
	if (aws_call(&c, &rq, &rs, &ctx->err) == -1)
		goto out;
	for (i = 0; i < 3; i++)
		if (aws_xml_leaf(rs.http.body.data, rs.http.body.len, fields[i],
		    &v[i]) == -1) {
			lc_error(&ctx->err, LC_EFAIL, "GetCallerIdentity: "
			    "no <%s> in the response", fields[i]);
			goto out;
		}
	if (ctx->output == OUTPUT_JSON) {
		o = cJSON_CreateObject();
		for (i = 0; i < 3; i++)
			cJSON_AddStringToObject(o, fields[i], v[i].data);
		cJSON_AddStringToObject(o, "Region", ctx->region);
		cJSON_AddStringToObject(o, "CredentialSource",
		    ctx->creds.source);
		cmd_print_json(o);
	} else {
		printf("account      %s\n", v[0].data);
		printf("arn          %s\n", v[1].data);
		printf("user_id      %s\n", v[2].data);
		printf("region       %s\n", ctx->region);
		printf("credentials  %s\n", ctx->creds.source);
	}
	status = LC_OK;
out:
	for (i = 0; i < 3; i++)
		buf_release(&v[i]);
	aws_response_release(&rs);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.summary = "Show the account and identity behind the credentials",
	.usage = "[--profile NAME] [--output json]",
	.opts = NULL,
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_NEEDS_CREDS,
	.exec = whoami_exec,
};
