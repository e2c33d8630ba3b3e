/*
 * cmd-promote.c - lambdactl promote FUNCTION: points a canary alias
 * (--alias, else lambda.yml's) wholly at its canary's version, the routing
 * removed (alias-move.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "alias-move.h"
#include "cmd.h"

static const struct cmd_opt promote_opts[] = {
	{ "alias", 0, "NAME", "promote alias NAME (default: lambda.yml's "
	    "alias)" },
	{ "dry-run", 0, NULL, "say where the alias would go; change nothing" },
	{ NULL, 0, NULL, NULL },
};

static int
promote_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const char *fn = a->argv[0], *alias;
	struct aws_client c;
	char *text = NULL;
	int dry = cmd_has(a, "dry-run"), status = -1;

	if ((alias = alias_move_name(cmd_get(a, "alias"), &ctx->manifest, fn,
	    ALIAS_PROMOTE, &ctx->err)) == NULL)
		return -1;
	cmd_aws_init(ctx, &c);
	if (cmd_region(ctx, fn, &c.region, &ctx->err) == 0 &&
	    alias_move_text(&c, fn, alias, ALIAS_PROMOTE, NULL, dry,
	    ctx->output == OUTPUT_JSON, &text, &ctx->err) == 0) {
		fputs(text, stdout);
		status = dry ? LC_ECHANGES : LC_OK;
	}
	free(text);
	cmd_aws_release(&c);
	return status;
}

const struct cmd_entry cmd_promote_entry = {
	.name = "promote",
	.summary = "Point a canary alias wholly at its canary's version",
	.usage = "[options] FUNCTION",
	.opts = promote_opts,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS | CMD_DEFER_ENV,
	.exec = promote_exec,
};
