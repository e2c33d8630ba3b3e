/*
 * term.h - text that came from a server or a function, made safe to show
 * on a terminal.
 *
 * A function's response, a log event or an AWS error message may carry
 * escape sequences that a terminal would act on (retitle the window,
 * rewrite what is shown, answer back into the input).  On a terminal
 * lambdactl shows them as less(1) does; piped, or with --raw, the bytes
 * pass as they are.
 */
#ifndef LC_TERM_H
#define LC_TERM_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

enum term_style {
	/*
	 * Text: control characters but newline and tab in caret notation
	 * (ESC "^[", CR "^M", NUL "^@"), DEL as "^?"; C1 control characters
	 * (U+0080 to U+009F) and bytes that are not UTF-8 as "\xNN", one per
	 * byte.  Valid UTF-8 passes.
	 */
	TERM_TEXT,
	/*
	 * JSON text (control characters can only be inside its strings):
	 * the same characters as \u00NN escapes, which mean the same to a
	 * JSON reader; a byte that is not UTF-8 as \ufffd.  Newline and tab,
	 * the layout of printed JSON, pass.
	 */
	TERM_JSON,
};

/*
 * The length of the valid UTF-8 sequence at s (at most n bytes), 0 when
 * it is not one (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF).  Pure.
 */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* Appends len bytes of s to out, escaped in style st.  Pure. */
void term_escape(struct buf *out, const char *s, size_t len,
    enum term_style st);

/*
 * Whether output to fd may be coloured (ANSI SGR): fd is a terminal,
 * NO_COLOR is unset or empty, and TERM is set and not "dumb".  The one
 * rule of every command; lambdactl(1), ENVIRONMENT, documents it.
 */
int term_colour(int fd);

/* Whether text for fd is escaped: fd is a terminal and raw is not set. */
int term_escaping(int fd, int raw);
/*
 * The controlling terminal, opened (O_RDWR, close-on-exec) when this
 * process group is its foreground one: where a prompt may ask; -1 when
 * there is none or we run in the background.  The caller closes it.
 */
int term_open_foreground(void);

/*
 * Writes len bytes of s to fp, escaped in style st when escape is set.
 * Returns 0, or -1 when the write failed.
 */
int term_write(FILE *fp, const char *s, size_t len, int escape,
    enum term_style st);

/* printf to fp, the whole text escaped (TERM_TEXT) when escape is set. */
int term_printf(FILE *fp, int escape, const char *fmt, ...) LC_PRINTF(3, 4);

#endif
