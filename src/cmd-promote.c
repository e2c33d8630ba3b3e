/*
 * cmd-promote.c - lambdactl promote FUNCTION: points a canary alias
 * (--alias, else lambda.yml's) wholly at its canary's version, the routing
 * removed (alias-move.h).
 */
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
	return cmd_alias_move(ctx, a, ALIAS_PROMOTE, NULL);
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
