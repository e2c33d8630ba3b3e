/* cmd-delete.c - lambdactl delete FUNCTION...: the triggers lambdactl
 * wired to it removed (triggers.h), then DeleteFunction. */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "lambda-api.h"
#include "log.h"
#include "triggers.h"

/* Removes the triggers lambdactl wired to name; a missing function is left
 * to DeleteFunction to report. */
static int
unwire(struct aws_client *c, const char *name, struct lc_err *err)
{
	struct lambda_config have = { 0 };
	int r;

	if ((r = lambda_get_function(c, name, &have, err)) == 1)
		r = triggers_unwire(c, &have, NULL, NULL, err);
	lambda_config_release(&have);
	return r == -1 ? -1 : 0;
}

static int
delete_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct aws_client c;
	struct lc_err err;
	cJSON *arr = NULL, *o;
	int i, status = LC_OK;

	cmd_aws_init(ctx, &c);
	if (ctx->output == OUTPUT_JSON)
		arr = cJSON_CreateArray();
	for (i = 0; i < a->argc; i++) {
		lc_error_clear(&err);
		/* Each in its region: a manifest function's may be its own. */
		if (cmd_region(ctx, a->argv[i], &c.region, &err) == -1 ||
		    unwire(&c, a->argv[i], &err) == -1 ||
		    lambda_delete_function(&c, a->argv[i], &err) == -1) {
			lc_error_prefix(&err, "%s", a->argv[i]);
			if (status == LC_OK)
				status = err.status;
		}
		if (arr != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "function", a->argv[i]);
			if (err.msg[0] != '\0')
				cmd_json_add_error(o, "error", err.msg);
			else
				cJSON_AddStringToObject(o, "status", "deleted");
			cJSON_AddItemToArray(arr, o);
		} else if (err.msg[0] != '\0')
			log_error(err.msg);
		else
			printf("%s: deleted\n", a->argv[i]);
		fflush(stdout);
	}
	if (arr != NULL)
		cmd_print_json(arr);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.summary = "Delete functions",
	.usage = "FUNCTION...",
	.opts = NULL,
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS | CMD_DEFER_ENV,
	.exec = delete_exec,
};
