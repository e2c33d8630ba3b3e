/* plan.c - a plan's lines: built from their parts, as JSON, as Markdown. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "plan.h"
#include "xmalloc.h"

struct plan_value
plan_absent(void)
{
	struct plan_value v = { .type = PLAN_ABSENT };

	return v;
}

struct plan_value
plan_none(void)
{
	struct plan_value v = { .type = PLAN_NONE };

	return v;
}

struct plan_value
plan_num(long n)
{
	struct plan_value v = { .type = PLAN_NUMBER, .num = n };

	return v;
}

struct plan_value
plan_str(const char *s)
{
	struct plan_value v = { .type = PLAN_STRING, .str = s };

	return s != NULL ? v : plan_none();
}

struct plan_value
plan_str_or_none(const char *s)
{
	return s != NULL && *s != '\0' ? plan_str(s) : plan_none();
}

struct plan_value
plan_list(char *const *list, size_t n)
{
	struct plan_value v = { .type = PLAN_LIST, .list = list, .nlist = n };

	return v;
}

static void
own(struct plan_owned *o, const struct plan_value *v)
{
	size_t i;

	memset(o, 0, sizeof *o);
	o->type = v->type;
	o->num = v->num;
	if (v->type == PLAN_STRING)
		o->str = xstrdup(v->str);
	if (v->type != PLAN_LIST)
		return;
	o->list = xcalloc(v->nlist + 1, sizeof *o->list);
	for (i = 0; i < v->nlist; i++)
		o->list[i] = xstrdup(v->list[i]);
	o->nlist = v->nlist;
}

static void
owned_release(struct plan_owned *o)
{
	size_t i;

	free(o->str);
	for (i = 0; i < o->nlist; i++)
		free(o->list[i]);
	free(o->list);
	memset(o, 0, sizeof *o);
}

static struct plan_value
value_of(const struct plan_owned *o)
{
	struct plan_value v = { .type = o->type, .num = o->num, .str = o->str,
	    .list = o->list, .nlist = o->nlist };

	return v;
}

/* A value as the text shows it. */
static void
value_text(struct buf *b, const struct plan_value *v)
{
	size_t i;

	switch (v->type) {
	case PLAN_ABSENT:
		break;
	case PLAN_NONE:
		buf_adds(b, "(none)");
		break;
	case PLAN_NUMBER:
		buf_addf(b, "%ld", v->num);
		break;
	case PLAN_STRING:
		buf_adds(b, *v->str != '\0' ? v->str : "\"\"");
		break;
	case PLAN_LIST:
		buf_addch(b, '[');
		for (i = 0; i < v->nlist; i++)
			buf_addf(b, "%s%s", i ? ", " : "", v->list[i]);
		buf_addch(b, ']');
		break;
	}
}

/* The line's text from its parts (plan_line's rules). */
static char *
make_text(enum plan_action a, const char *field, int hidden,
    const struct plan_value *from, const struct plan_value *to)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s %s", a == PLAN_ADD ? "+" : a == PLAN_CHANGE ? "~" :
	    "-", field);
	if (hidden) {
		if (a == PLAN_CHANGE)
			buf_adds(&b, " (value hidden)");
	} else if (a == PLAN_CHANGE) {
		buf_addch(&b, ' ');
		value_text(&b, from);
		buf_adds(&b, " -> ");
		value_text(&b, to);
	} else if (a == PLAN_ADD && to->type != PLAN_ABSENT) {
		buf_adds(&b, " = ");
		value_text(&b, to);
	}
	return buf_detach(&b, NULL);
}

/* Appends a line taking over text. */
static size_t
push(struct plan_line **v, size_t *n, enum plan_action a, const char *field,
    int hidden, const struct plan_value *from, const struct plan_value *to,
    char *text)
{
	struct plan_line *l;

	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	l = &(*v)[*n];
	memset(l, 0, sizeof *l);
	l->action = a;
	l->field = xstrdup(field);
	l->hidden = hidden;
	if (!hidden) {
		own(&l->from, from);
		own(&l->to, to);
	}
	l->text = text;
	return (*n)++;
}

size_t
plan_line(struct plan_line **v, size_t *n, enum plan_action a,
    const char *field, struct plan_value from, struct plan_value to)
{
	return push(v, n, a, field, 0, &from, &to,
	    make_text(a, field, 0, &from, &to));
}

size_t
plan_linef(struct plan_line **v, size_t *n, enum plan_action a,
    const char *field, struct plan_value from, struct plan_value to,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return push(v, n, a, field, 0, &from, &to, buf_detach(&b, NULL));
}

size_t
plan_line_hidden(struct plan_line **v, size_t *n, enum plan_action a,
    const char *field)
{
	struct plan_value none = plan_absent();

	return push(v, n, a, field, 1, &none, &none,
	    make_text(a, field, 1, &none, &none));
}

void
plan_lines_append(struct plan_line **v, size_t *n,
    const struct plan_line *src, size_t ns)
{
	struct plan_value from, to;
	size_t i;

	for (i = 0; i < ns; i++) {
		from = value_of(&src[i].from);
		to = value_of(&src[i].to);
		push(v, n, src[i].action, src[i].field, src[i].hidden, &from,
		    &to, xstrdup(src[i].text));
	}
}

void
plan_line_release(struct plan_line *l)
{
	free(l->field);
	owned_release(&l->from);
	owned_release(&l->to);
	free(l->text);
	memset(l, 0, sizeof *l);
}

void
plan_lines_free(struct plan_line *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		plan_line_release(&v[i]);
	free(v);
}

const char *
plan_action_name(enum plan_action a)
{
	return a == PLAN_ADD ? "add" : a == PLAN_CHANGE ? "change" : "remove";
}

/* A value as JSON; NULL when absent. */
static cJSON *
value_json(const struct plan_owned *o)
{
	cJSON *a;
	size_t i;

	switch (o->type) {
	case PLAN_ABSENT:
		return NULL;
	case PLAN_NONE:
		return cJSON_CreateNull();
	case PLAN_NUMBER:
		return cJSON_CreateNumber((double)o->num);
	case PLAN_STRING:
		return cJSON_CreateString(o->str);
	case PLAN_LIST:
		a = cJSON_CreateArray();
		for (i = 0; i < o->nlist; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(o->list[i]));
		return a;
	}
	return NULL;
}

cJSON *
plan_line_json(const struct plan_line *l)
{
	cJSON *o = cJSON_CreateObject(), *v;

	cJSON_AddStringToObject(o, "field", l->field);
	cJSON_AddStringToObject(o, "action", plan_action_name(l->action));
	if (l->hidden)
		cJSON_AddTrueToObject(o, "hidden");
	else {
		if ((v = value_json(&l->from)) != NULL)
			cJSON_AddItemToObject(o, "from", v);
		if ((v = value_json(&l->to)) != NULL)
			cJSON_AddItemToObject(o, "to", v);
	}
	cJSON_AddStringToObject(o, "text", l->text);
	return o;
}

/*
 * Markdown.  Every ASCII punctuation character may be escaped with a
 * backslash (CommonMark); these are the ones that mean something inside a
 * table cell: the cell separator, code spans, emphasis and strikethrough,
 * links, HTML and entities, and GitHub's math ('>' quotes only at the
 * start of a line, which a cell never is).
 */
void
plan_md_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			buf_addch(b, ' ');
			continue;
		}
		if (strchr("\\|`*_~[]<&$", *s) != NULL)
			buf_addch(b, '\\');
		buf_addch(b, *s);
	}
}

static const char *
fn_action(const struct plan_fn *f)
{
	if (f->error != NULL)
		return "error";
	if (!f->exists)
		return "create";
	return f->nlines > 0 ? "update" : "no changes";
}

static void
md_row(struct buf *b, const struct plan_fn *f)
{
	size_t i;

	buf_adds(b, "| ");
	plan_md_escape(b, f->name);
	buf_addf(b, " | %s | ", fn_action(f));
	if (f->error != NULL)
		plan_md_escape(b, f->error);
	for (i = 0; f->error == NULL && i < f->nlines; i++) {
		if (i > 0)
			buf_adds(b, "<br>");
		plan_md_escape(b, f->lines[i].text);
	}
	buf_adds(b, " |\n");
}

void
plan_markdown(struct buf *b, const struct plan_fn *fns, size_t n)
{
	size_t i, changed = 0, failed = 0;

	for (i = 0; i < n; i++) {
		failed += fns[i].error != NULL;
		changed += fns[i].error == NULL && fns[i].nlines > 0;
	}
	buf_adds(b, "### lambdactl plan\n\n");
	buf_addf(b, "%zu function%s, %zu with changes", n, n == 1 ? "" : "s",
	    changed);
	if (failed > 0)
		buf_addf(b, ", %zu failed", failed);
	buf_adds(b, ".\n\n| function | action | changes |\n"
	    "| --- | --- | --- |\n");
	for (i = 0; i < n; i++)
		md_row(b, &fns[i]);
	buf_addch(b, '\n');
}

void
plan_markdown_error(struct buf *b, const char *error)
{
	buf_adds(b, "### lambdactl plan\n\nNo plan: ");
	plan_md_escape(b, error);
	buf_adds(b, "\n\n");
}
