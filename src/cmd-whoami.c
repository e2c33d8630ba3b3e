/* cmd-whoami.c - lambdactl whoami: STS GetCallerIdentity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "sts.h"
#include "term.h"

static int
whoami_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct sts_identity id;
	struct aws_client c;
	cJSON *o;
	int status = -1, esc;

	(void)a;
	cmd_aws_init(ctx, &c);
	if (sts_get_caller_identity(&c, &id, &ctx->err) == -1)
		goto out;
	if (ctx->output == OUTPUT_JSON) {
		o = cJSON_CreateObject();
		/* schema/lambdactl-whoami.json: the text's names. */
		cJSON_AddStringToObject(o, "account", id.account);
		cJSON_AddStringToObject(o, "arn", id.arn);
		cJSON_AddStringToObject(o, "user_id", id.user_id);
		cJSON_AddStringToObject(o, "region", ctx->region);
		cJSON_AddStringToObject(o, "credential_source",
		    ctx->creds.source);
		cmd_print_json(o);
	} else {
		/* What STS sent: escaped on a terminal (term.h). */
		esc = term_escaping(STDOUT_FILENO, 0);
		term_printf(stdout, esc, "account      %s\n", id.account);
		term_printf(stdout, esc, "arn          %s\n", id.arn);
		term_printf(stdout, esc, "user_id      %s\n", id.user_id);
		printf("region       %s\n", ctx->region);
		printf("credentials  %s\n", ctx->creds.source);
	}
	sts_identity_release(&id);
	status = LC_OK;
out:
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
