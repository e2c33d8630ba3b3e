/*
 * cmd-rollback.c - lambdactl rollback FUNCTION: moves the alias (--alias,
 * else lambda.yml's) back to the previous published version, or to --to;
 * a canary's routing goes.  Never deletes anything (alias-move.h).
 */
#include <stdio.h>
#include <stdlib.h>

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
	const char *fn = a->argv[0], *to = cmd_get(a, "to"), *alias;
	struct aws_client c;
	char *text = NULL;
	int dry = cmd_has(a, "dry-run"), status = -1;

	if (to != NULL && lambda_version_number(to, NULL) == -1)
		return lc_error(&ctx->err, LC_EUSAGE, "option '--to' wants a "
		    "published version number (1, 2, ...), not '%s'", to);
	if ((alias = alias_move_name(cmd_get(a, "alias"), &ctx->manifest, fn,
	    ALIAS_ROLLBACK, &ctx->err)) == NULL)
		return -1;
	cmd_aws_init(ctx, &c);
	if (cmd_region(ctx, fn, &c.region, &ctx->err) == 0 &&
	    alias_move_text(&c, fn, alias, ALIAS_ROLLBACK, to, dry,
	    ctx->output == OUTPUT_JSON, &text, &ctx->err) == 0) {
		fputs(text, stdout);
		status = dry ? LC_ECHANGES : LC_OK;
	}
	free(text);
	cmd_aws_release(&c);
	return status;
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
