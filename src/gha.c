/* gha.c - GitHub Actions' workflow commands (gha.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * Appends the len bytes of path p to out, an absolute path being built
 * there ("" standing for "/"): "." and empty components skipped, ".."
 * taking the last one off.
 */
static void
path_join(struct buf *out, const char *p, size_t len)
{
	size_t i = 0, n;
	char *slash;

	while (i < len) {
		for (n = 0; i + n < len && p[i + n] != '/'; n++)
			;
		if (n == 2 && p[i] == '.' && p[i + 1] == '.') {
			buf_addch(out, '\0');
			slash = strrchr(out->data, '/');
			out->len = slash != NULL ? (size_t)(slash - out->data) : 0;
		} else if (n > 0 && !(n == 1 && p[i] == '.')) {
			buf_addch(out, '/');
			buf_add(out, p + i, n);
		}
		i += n + 1;
	}
}

void
gha_path(struct buf *out, const char *file, size_t len,
    const char *workspace, const char *cwd)
{
	struct buf abs = BUF_INIT, ws = BUF_INIT;
	int relative = len == 0 || file[0] != '/';

	if (workspace == NULL || workspace[0] != '/' ||
	    (relative && (cwd == NULL || cwd[0] != '/'))) {
		buf_add(out, file, len);
		return;
	}
	if (relative)
		path_join(&abs, cwd, strlen(cwd));
	path_join(&abs, file, len);
	path_join(&ws, workspace, strlen(workspace));
	if (abs.len > ws.len && memcmp(abs.data, ws.data, ws.len) == 0 &&
	    abs.data[ws.len] == '/')
		buf_add(out, abs.data + ws.len + 1, abs.len - ws.len - 1);
	else
		buf_add(out, file, len);
	buf_release(&abs);
	buf_release(&ws);
}

/*
 * Appends to the empty out gha_path against $GITHUB_WORKSPACE; when that
 * leaves the name as given, against the workspace's real path (the
 * working directory is one: getcwd resolves symbolic links).
 */
static void
annotation_path(struct buf *out, const char *file, size_t len)
{
	const char *ws = getenv("GITHUB_WORKSPACE");
	char cwd[4096], *real;
	const char *dir = getcwd(cwd, sizeof cwd);

	gha_path(out, file, len, ws, dir);
	if (ws == NULL || out->len != len ||
	    memcmp(out->data, file, len) != 0 ||
	    (real = realpath(ws, NULL)) == NULL)
		return;
	out->len = 0;
	gha_path(out, file, len, real, dir);
	free(real);
}

int
gha_annotation(struct buf *b, const char *level, const struct lc_err *e,
    const char *note, void (*clean)(struct buf *))
{
	struct lc_where w;
	struct buf file = BUF_INIT, msg = BUF_INIT;

	if (!lc_error_where(e, &w))
		return 0;
	annotation_path(&file, w.file, w.file_len);
	buf_add(&msg, w.before, w.before_len);
	buf_adds(&msg, w.after);
	if (note != NULL)
		buf_adds(&msg, note);
	if (clean != NULL) {
		clean(&file);
		clean(&msg);
	}
	buf_addf(b, "::%s file=", level);
	gha_escape(b, file.data, file.len, 1);
	buf_addf(b, ",line=%zu,col=%zu::", w.line, w.col);
	gha_escape(b, msg.data, msg.len, 0);
	buf_addch(b, '\n');
	buf_wipe(&file);
	buf_wipe(&msg);
	return 1;
}
