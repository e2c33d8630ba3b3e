/*
 * cmd-rollback.c - lambdactl rollback FUNCTION: moves the alias (--alias,
 * else lambda.yml's) back to the previous published version, or to --to;
 * a canary's routing goes.  Never deletes anything (alias-move.h).
 */
#include "alias-move.h"
#include "cmd.h"

static const struct cmd_opt rollback_opts[] = {
	{ "alias", 0, "NAME", "move alias NAME (default: lambda.yml's alias)" },
	{ "to", 0, "VERSION", "move it to published version VERSION" },
	{ "dry-run", 0, NULL, "say where the alias would go; change nothing" },
	{ NULL, 0, NULL, NULL },
};

static int
rollback_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const char *to = cmd_get(a, "to");

	if (to != NULL && lambda_version_number(to, NULL) == -1)
		return lc_error(&ctx->err, LC_EUSAGE, "option '--to' wants a "
		    "published version number (1, 2, ...), not '%s'", to);
	return cmd_alias_move(ctx, a, ALIAS_ROLLBACK, to);
}

const struct cmd_entry cmd_rollback_entry = {
	.name = "rollback",
	.summary = "Move an alias back to the previous published version",
	.usage = "[options] FUNCTION",
	.opts = rollback_opts,
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS | CMD_DEFER_ENV,
	.exec = rollback_exec,
};
