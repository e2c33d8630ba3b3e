/* gha.c - GitHub Actions' workflow commands (gha.h). */
#include <stdlib.h>
#include <string.h>

#include "gha.h"

int
gha_on(void)
{
	const char *v = getenv("GITHUB_ACTIONS");

	return v != NULL && strcmp(v, "true") == 0;
}

void
gha_escape(struct buf *b, const char *s, size_t len, int property)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '%':
			buf_adds(b, "%25");
			break;
		case '\r':
			buf_adds(b, "%0D");
			break;
		case '\n':
			buf_adds(b, "%0A");
			break;
		case ':':
			buf_adds(b, property ? "%3A" : ":");
			break;
		case ',':
			buf_adds(b, property ? "%2C" : ",");
			break;
		default:
			buf_addch(b, s[i]);
		}
	}
}

int
gha_annotation(struct buf *b, const char *level, const struct lc_err *e,
    const char *note)
{
	struct lc_where w;

	if (!lc_error_where(e, &w))
		return 0;
	buf_addf(b, "::%s file=", level);
	gha_escape(b, w.file, w.file_len, 1);
	buf_addf(b, ",line=%zu,col=%zu::", w.line, w.col);
	gha_escape(b, w.before, w.before_len, 0);
	gha_escape(b, w.after, strlen(w.after), 0);
	if (note != NULL)
		gha_escape(b, note, strlen(note), 0);
	buf_addch(b, '\n');
	return 1;
}
