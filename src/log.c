/* log.c - diagnostics on stderr, with secrets redacted. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gha.h"
#include "log.h"
#include "term.h"

#define REDACTED "<redacted>"

/* The secrets; a deploy's threads register and redact them at once. */
static char **secrets;
static size_t nsecrets;
static pthread_mutex_t secrets_mu = PTHREAD_MUTEX_INITIALIZER;
static int debug_on;

void
log_secret(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) < LOG_SECRET_MIN)
		return;
	pthread_mutex_lock(&secrets_mu);
	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			break;
	if (i == nsecrets) {
		secrets = xrealloc(secrets, (nsecrets + 1) * sizeof *secrets);
		secrets[nsecrets++] = xstrdup(s);
	}
	pthread_mutex_unlock(&secrets_mu);
}

void
log_forget_secrets(void)
{
	pthread_mutex_lock(&secrets_mu);
	while (nsecrets > 0)
		free_secret(secrets[--nsecrets]);
	free(secrets);
	secrets = NULL;
	pthread_mutex_unlock(&secrets_mu);
}

/* Replaces len bytes at off with REDACTED. */
static void
splice(struct buf *b, size_t off, size_t len)
{
	struct buf out = BUF_INIT;

	buf_add(&out, b->data, off);
	buf_adds(&out, REDACTED);
	buf_add(&out, b->data + off + len, b->len - off - len);
	buf_wipe(b);
	*b = out;
}

static const struct marker {
	const char	*name;
	const char	*stop;	/* characters that end the value */
} markers[] = {
	{ "Signature=", ", &\r\n\"" },
	{ "X-Amz-Security-Token:", "\r\n" },
	{ "X-Amz-Security-Token=", " &\r\n\"" },
	/* The bearer tokens of SSO's portal and of IMDSv2. */
	{ "x-amz-sso_bearer_token:", "\r\n" },
	{ "X-aws-ec2-metadata-token:", "\r\n" },
	/* A function printing the environment --pass-credentials gave it. */
	{ "AWS_SECRET_ACCESS_KEY=", " \t\r\n\"'" },
	{ "AWS_SESSION_TOKEN=", " \t\r\n\"'" },
};

/* Every registered secret in b, also past a NUL byte (a function's log). */
static void
redact_secrets(struct buf *b)
{
	size_t i, off, n;

	pthread_mutex_lock(&secrets_mu);
	for (i = 0; i < nsecrets; i++) {
		n = strlen(secrets[i]);
		for (off = 0; off + n <= b->len; off++) {
			if (memcmp(b->data + off, secrets[i], n) != 0)
				continue;
			splice(b, off, n);
			off += strlen(REDACTED) - 1;
		}
	}
	pthread_mutex_unlock(&secrets_mu);
}

void
log_redact(struct buf *b)
{
	size_t i, off, len, n;

	redact_secrets(b);
	for (i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		n = strlen(markers[i].name);
		for (off = 0; off + n <= b->len; off++) {
			if (strncasecmp(b->data + off, markers[i].name, n) != 0)
				continue;
			off += n;
			while (off < b->len && b->data[off] == ' ')
				off++;
			/* A quoted value: "export -p" quotes, for one. */
			if (off < b->len && (b->data[off] == '"' ||
			    b->data[off] == '\''))
				off++;
			len = strcspn(b->data + off, markers[i].stop);
			if (len == 0 || (len == strlen(REDACTED) &&
			    strncmp(b->data + off, REDACTED, len) == 0))
				continue;
			splice(b, off, len);
		}
	}
}

char *
log_redacted(const char *s)
{
	struct buf b = BUF_INIT;

	if (s == NULL)
		return NULL;
	buf_adds(&b, s);
	log_redact(&b);
	return buf_detach(&b, NULL);
}

void
log_set_debug(int on)
{
	debug_on = on;
}

int
log_debug_on(void)
{
	return debug_on;
}

/*
 * Appends the len bytes at s to out on one line: the control characters
 * (C0, but tab) that a message may quote (a YAML key, a file name, a
 * server's text) shown, LF and CR as "\n" and "\r", the others in caret
 * notation ("^[").  Nothing a message holds can then start a line of its
 * own, such as a GitHub Actions workflow command ("::warning ...").
 */
void
log_one_line(struct buf *out, const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\n')
			buf_adds(out, "\\n");
		else if (c == '\r')
			buf_adds(out, "\\r");
		else if (c < 0x20 && c != '\t')
			buf_addf(out, "^%c", c + 0x40);
		else
			buf_addch(out, (char)c);
	}
}

static void LC_PRINTF(2, 0)
emit(const char *prefix, const char *fmt, va_list ap)
{
	struct buf m = BUF_INIT, b = BUF_INIT;

	buf_adds(&m, "lambdactl: ");
	buf_adds(&m, prefix);
	buf_vaddf(&m, fmt, ap);
	/* Redacted as it is: "\n" shown would not end a marker's value. */
	log_redact(&m);
	if (m.len > 0 && m.data[m.len - 1] == '\n')
		m.len--;
	log_one_line(&b, m.data, m.len);
	buf_addch(&b, '\n');
	/* Messages may quote a server or a function: no raw escapes. */
	term_write(stderr, b.data, b.len, term_escaping(STDERR_FILENO, 0),
	    TERM_TEXT);
	buf_wipe(&m);
	buf_wipe(&b);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_on)
		return;
	va_start(ap, fmt);
	emit("debug: ", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

static void LC_PRINTF(1, 2)
emit_plain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void
log_error(const char *msg)
{
	emit_plain("%s", msg);
}

void
log_annotate(const char *level, const struct lc_err *e, const char *note)
{
	struct buf b = BUF_INIT;

	/* Redacted before it is escaped, which could break a match. */
	if (!gha_on() || !gha_annotation(&b, level, e, note, log_redact))
		return;
	term_write(stderr, b.data, b.len, term_escaping(STDERR_FILENO, 0),
	    TERM_TEXT);
	buf_wipe(&b);
}

void
log_warn_err(const struct lc_err *e, const char *note)
{
	log_warn("%s%s", e->msg, note != NULL ? note : "");
	log_annotate("warning", e, note);
}
