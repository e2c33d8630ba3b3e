/*
 * plan.h - the lines of a plan: what deploy would change, one line per
 * difference, each both structured (an action, a dotted field, the value
 * it has and the value it gets) and a line of text for people.  deploy.c
 * (settings, code, tags...), triggers.c and release.c all build theirs
 * here, so that every line has the same parts; the text is made from the
 * parts wherever today's wording allows (plan_line), so the two never
 * disagree, and given by the caller where it says more (plan_linef).
 *
 * A hidden line (the environment's values are secrets) carries no values
 * at all: its text names the key, never the value.
 *
 * Then the two ways a plan leaves the program besides its text: the JSON
 * object of a line (plan_line_json) and the Markdown summary of a whole
 * plan (plan_markdown), which CI shows ($GITHUB_STEP_SUMMARY).
 */
#ifndef LC_PLAN_H
#define LC_PLAN_H

#include <stddef.h>

#include "buf.h"

enum plan_action {
	PLAN_ADD,	/* "+" */
	PLAN_CHANGE,	/* "~" */
	PLAN_REMOVE,	/* "-" */
};

enum plan_vtype {
	PLAN_ABSENT,	/* no value on that side (not shown in JSON) */
	PLAN_NONE,	/* none: JSON null, "(none)" in text */
	PLAN_NUMBER,
	PLAN_STRING,
	PLAN_LIST,	/* of strings: JSON array, "[a, b]" in text */
};

/* A value as given to the builder: borrowed, copied by it. */
struct plan_value {
	enum plan_vtype		 type;
	long			 num;	/* PLAN_NUMBER */
	const char		*str;	/* PLAN_STRING */
	char *const		*list;	/* PLAN_LIST */
	size_t			 nlist;
};

/* The same value, owned by a line. */
struct plan_owned {
	enum plan_vtype		 type;
	long			 num;
	char			*str;
	char			**list;
	size_t			 nlist;
};

struct plan_line {
	enum plan_action	 action;
	char			*field;	/* "memory", "environment.KEY", "alias" */
	int			 hidden; /* a secret: no values */
	struct plan_owned	 from;	/* what the function has */
	struct plan_owned	 to;	/* what it gets */
	char			*text;	/* "~ memory 128 -> 256" */
};

/* Values for the builder. */
struct plan_value plan_absent(void);
struct plan_value plan_none(void);
struct plan_value plan_num(long n);
/* s NULL: none. */
struct plan_value plan_str(const char *s);
/* s NULL or "": none (a setting Lambda reports empty when unset). */
struct plan_value plan_str_or_none(const char *s);
struct plan_value plan_list(char *const *v, size_t n);

/*
 * Appends a line to the list *v of *n lines, its text made from its parts:
 *   change  "~ FIELD FROM -> TO"
 *   add     "+ FIELD = TO", or "+ FIELD" when TO is absent
 *   remove  "- FIELD"
 * values written as "(none)" for none, [a, b] for a list, "" for an empty
 * string.  Returns the line's index.
 */
size_t plan_line(struct plan_line **v, size_t *n, enum plan_action a,
    const char *field, struct plan_value from, struct plan_value to);

/* The same with the text given (it must begin with the action's sign). */
size_t plan_linef(struct plan_line **v, size_t *n, enum plan_action a,
    const char *field, struct plan_value from, struct plan_value to,
    const char *fmt, ...) LC_PRINTF(7, 8);

/*
 * A line whose values are secrets: "+ FIELD", "- FIELD" or
 * "~ FIELD (value hidden)", and no values.
 */
size_t plan_line_hidden(struct plan_line **v, size_t *n, enum plan_action a,
    const char *field);

/* Appends copies of the ns lines src to *v. */
void plan_lines_append(struct plan_line **v, size_t *n,
    const struct plan_line *src, size_t ns);

/* Frees what line l holds (not l itself); plan_lines_free: n lines and
 * the array. */
void plan_line_release(struct plan_line *l);
void plan_lines_free(struct plan_line *v, size_t n);

/* "add", "change", "remove". */
const char *plan_action_name(enum plan_action a);

struct cJSON;

/*
 * A line as JSON: {"field", "action", "from", "to", "text"}, from and to
 * absent when absent (and when hidden, with "hidden": true instead).
 */
struct cJSON *plan_line_json(const struct plan_line *l);

/* One function of a plan, for the summary. */
struct plan_fn {
	const char		*name;
	int			 exists;
	const char		*error;	/* the plan failed: why; else NULL */
	const struct plan_line	*lines;
	size_t			 nlines;
};

/*
 * The Markdown summary of a plan of n functions, appended to b: a heading,
 * how many functions have changes, then a table "function | action |
 * changes" with one row per function, the action "create", "update", "no
 * changes" or "error", the changes its lines (joined by <br>) or the
 * error.  Text is escaped for Markdown (the table's '|', backticks,
 * emphasis, HTML), each line break a space.
 */
void plan_markdown(struct buf *b, const struct plan_fn *fns, size_t n);

/*
 * The summary of a plan that stopped before comparing any function (a
 * build, a role, a package size failed), appended to b: the heading and
 * "No plan: " the error, escaped.
 */
void plan_markdown_error(struct buf *b, const char *error);

/* Appends s to b escaped for Markdown text in a table cell. */
void plan_md_escape(struct buf *b, const char *s);

#endif
