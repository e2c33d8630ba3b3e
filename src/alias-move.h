/*
 * alias-move.h - rollback and promote: which alias they move (read with
 * its RevisionId, so that the move fails rather than overwrite a
 * concurrent change), where to, and the move itself (UpdateAlias, any
 * routing removed).  Nothing is ever deleted.  The commands print.
 */
#ifndef LC_ALIAS_MOVE_H
#define LC_ALIAS_MOVE_H

#include <stddef.h>

#include "aws.h"
#include "buf.h"
#include "err.h"
#include "lambda-versions.h"
#include "manifest.h"

enum alias_move_kind {
	ALIAS_ROLLBACK,	/* back to the previous version, or to --to */
	ALIAS_PROMOTE,	/* wholly onto the canary's version */
};

struct alias_move {
	const char		*function;
	struct lambda_alias	 from;	/* as it was read */
	char			*to;	/* the version it goes (went) to */
	int			 dry_run;	/* nothing was changed */
};

/* The alias to move for function fn: flag (--alias), else lambda.yml's
 * alias of fn (m may hold no functions); when neither is set, NULL with
 * a usage error (LC_EUSAGE) naming kind's command and the way to give
 * one. */
const char *alias_move_name(const char *flag, const struct manifest *m,
    const char *fn, enum alias_move_kind kind, struct lc_err *err);

/*
 * Reads alias of fn and moves it as kind says (to: rollback's --to, or
 * NULL), with the RevisionId read; with dry_run only decides.  *mv is
 * filled in either way (alias_move_release).  0, or -1 with err: what
 * alias_move_read, alias_rollback_target, alias_promote_target and
 * UpdateAlias say.
 */
int alias_move(struct aws_client *c, const char *fn, const char *alias,
    enum alias_move_kind kind, const char *to, int dry_run,
    struct alias_move *mv, struct lc_err *err);
void alias_move_release(struct alias_move *mv);

/*
 * What the commands print as text, ending in a newline; the caller frees
 * it: "live: 3 -> 2", "live: 3 (+4 at 10%) -> 3", with " (dry run: not
 * moved)" after it for a dry run.
 */
char *alias_move_render(const struct alias_move *mv);
/*
 * What they print as JSON (cmd_print_json; cJSON_Delete it): {function,
 * alias, from, to, dry_run}, and canary {version, weight} when the alias
 * had one (schema/lambdactl-rollback.json).
 */
struct cJSON *alias_move_json(const struct alias_move *mv);

/*
 * Alias name of fn into *out, read through ListAliases (so that a missing
 * function is Lambda's ResourceNotFoundException, as every command says
 * it).  No such alias: -1 with "no alias 'NAME' (aliases: a, b)" (LC_EFAIL).
 */
int alias_move_read(struct aws_client *c, const char *fn, const char *name,
    struct lambda_alias *out, struct lc_err *err);

/*
 * Where rollback moves alias a, given fn's published versions v (oldest
 * first, as lambda_list_versions gives them) and to (NULL: none given):
 * a canary's primary version (the routing goes); else to, which must be
 * one of v and not where a is; else the newest version older than a's.
 * *target is borrowed from v or a.  -1 (LC_EFAIL) with why not: nothing
 * older, no such version, a at $LATEST without to.
 */
int alias_rollback_target(const struct lambda_alias *a,
    const struct lambda_version *v, size_t n, const char *to,
    const char **target, struct lc_err *err);

/* Where promote moves alias a: its canary's version; -1 (LC_EFAIL) "NAME
 * has no canary: nothing to promote" when it has none. */
int alias_promote_target(const struct lambda_alias *a, const char **target,
    struct lc_err *err);

/* Weight w (0 < w < 1) as a percentage, without trailing zeros: "10",
 * "12.5". */
void alias_percent(double w, char *out, size_t len);

/* Where a points, as rollback and promote print it: "3", or "3 (+4 at
 * 10%)" for a canary. */
void alias_where(const struct lambda_alias *a, struct buf *out);

#endif
