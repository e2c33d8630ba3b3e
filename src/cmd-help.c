/* cmd-help.c - lambdactl help [COMMAND] */
#include <stdio.h>

#include "cmd.h"

static int
help_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const struct cmd_entry *ce;

	if (a->argc == 0) {
		cmd_usage(NULL, stdout);
		return LC_OK;
	}
	if ((ce = cmd_lookup(a->argv[0])) == NULL)
		return cmd_unknown(a->argv[0], &ctx->err), LC_EUSAGE;
	cmd_usage(ce, stdout);
	return LC_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.summary = "Show help for lambdactl or one of its commands",
	.usage = "[COMMAND]",
	.opts = NULL,
	.min_args = 0,
	.max_args = 1,
	.flags = 0,
	.exec = help_exec,
};
