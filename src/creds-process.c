/*
 * creds-process.c - the credential_process provider: the profile's
 * command, run here in a process group of its own within a time limit
 * (lending it our terminal when it prompts), its JSON output checked.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "awsconfig.h"
#include "creds-private.h"
#include "creds.h"
#include "err.h"
#include "num.h"
#include "proc.h"
#include "term.h"
#include "xmalloc.h"

/* More than this on credential_process's stdout is an error. */
#define PROCESS_MAX_OUTPUT	(64 * 1024)

/*
 * Whether JSON text holds the escape \u0000, which cJSON would turn into
 * the end of a string, silently cutting a key short.
 */
static int
json_has_nul_escape(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 6 <= len &&
		    memcmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++;	/* the escaped character */
	}
	return 0;
}

int
creds_process_parse(struct creds *c, const char *out, size_t len,
    const char *profile, time_t now, struct lc_err *err)
{
	static const struct creds_json_names names = {
		"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"
	};
	cJSON *root;
	const cJSON *ver;
	char *what;
	int rv = -1;

	memset(c, 0, sizeof *c);
	what = xasprintf("credential_process for profile '%s'", profile);
	if (json_has_nul_escape(out, len)) {
		lc_error(err, LC_ECONFIG, "%s: output contains a NUL character "
		    "(\\u0000)", what);
		goto out;
	}
	if ((root = cJSON_ParseWithLength(out, len)) == NULL) {
		lc_error(err, LC_ECONFIG, "%s: output is not valid JSON", what);
		goto out;
	}
	ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
	if (!cJSON_IsObject(root))
		lc_error(err, LC_ECONFIG, "%s: output is not a JSON object",
		    what);
	else if (ver == NULL)
		lc_error(err, LC_ECONFIG, "%s: output has no 'Version'", what);
	else if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		lc_error(err, LC_ECONFIG, "%s: unsupported Version (expected "
		    "1)", what);
	else
		rv = creds_from_json(c, root, &names, what, now,
		    xasprintf("process (profile %s)", profile), err);
	creds_json_free(root);
out:
	free(what);
	return rv;
}

/* The credential_process timeout: LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT. */
static int
process_timeout(long *secs, struct lc_err *err)
{
	const char *v = aws_env(CREDS_PROCESS_TIMEOUT_ENV);

	*secs = CREDS_PROCESS_TIMEOUT;
	if (v != NULL && num_parse(v, 1, 86400, secs, NULL) == -1)
		return lc_error(err, LC_ECONFIG, "%s wants a number of seconds "
		    "from 1 to 86400, not '%.64s'", CREDS_PROCESS_TIMEOUT_ENV,
		    v);
	return 0;
}

/* The terminal credential_process may prompt on, while it runs. */
struct tty_lend {
	int		fd;	/* -1: none, or we are not in the foreground */
	int		lent;
	struct termios	modes;
	int		have_modes;
};

/* Opens the terminal if we are its foreground process group. */
static void
tty_lend_open(struct tty_lend *t)
{
	memset(t, 0, sizeof *t);
	if ((t->fd = term_open_foreground()) != -1)
		t->have_modes = tcgetattr(t->fd, &t->modes) == 0;
}

/* Gives the terminal to process group pgid, SIGTTOU blocked. */
static void
tty_give(const struct tty_lend *t, pid_t pgid)
{
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGTTOU);
	sigprocmask(SIG_BLOCK, &set, &old);
	(void)tcsetpgrp(t->fd, pgid);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * Takes the terminal back if it was lent; after a kill, restores its
 * modes too (a killed prompt may have left echo off).  Whatever else of our
 * job touched the terminal meanwhile was stopped (the pager of "lambdactl
 * logs f | less"): continue it.
 */
static void
tty_take_back(struct tty_lend *t, int killed)
{
	if (t->fd == -1)
		return;
	if (t->lent) {
		tty_give(t, getpgrp());
		if (killed && t->have_modes)
			(void)tcsetattr(t->fd, TCSANOW, &t->modes);
		(void)kill(0, SIGCONT);
	}
	close(t->fd);
	t->fd = -1;
}

/*
 * proc_capture's on_stop: the command stopped to use the terminal
 * (SIGTTIN, SIGTTOU); it gets the terminal if we have it to lend.
 */
static int
process_stopped(pid_t pid, void *arg)
{
	struct tty_lend *tty = arg;

	if (tty->fd == -1)
		return -1;
	if (!tty->lent)
		tty_give(tty, pid);
	tty->lent = 1;
	(void)kill(-pid, SIGCONT);
	return 0;
}

/*
 * Runs cmd with /bin/sh -c in a process group of its own, its stdout read
 * into out (room for max + 1 bytes), its stderr passing through.  Past
 * timeout seconds, or past max bytes, the whole group is killed.  The
 * group gets the terminal only when the command stops to use it (SIGTTIN,
 * SIGTTOU: a prompt for an MFA code) and we have it to lend: lending it up
 * front would stop the rest of our pipeline.  Returns 0 with *status (a
 * waitpid status) and *len, or -1 with err filled.
 */
static int
process_run(const char *cmd, const char *profile, long timeout, char *out,
    size_t max, size_t *len, int *status, struct lc_err *err)
{
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct proc_spawn sp;
	struct proc_capture pc = { 0 };
	struct tty_lend tty;

	proc_spawn_init(&sp);
	sp.path = "/bin/sh";
	sp.argv = argv;
	sp.flags = PROC_GROUP;
	pc.out = out;
	pc.max = max;
	pc.timeout_ms = (double)timeout * 1000;
	pc.on_stop = process_stopped;
	pc.arg = &tty;
	tty_lend_open(&tty);
	fflush(NULL);
	if (proc_capture_run(&sp, &pc) == -1) {
		tty_take_back(&tty, 0);
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': cannot run command: %s", profile,
		    strerror(sp.error));
	}
	tty_take_back(&tty, pc.end != PROC_CAPTURE_DONE);
	*len = pc.len;
	*status = pc.status;
	switch (pc.end) {
	case PROC_CAPTURE_DONE:
		return 0;
	case PROC_CAPTURE_TIMEOUT:
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': command did not finish within %ld s; "
		    "killed it (%s sets the limit)", profile, timeout,
		    CREDS_PROCESS_TIMEOUT_ENV);
	case PROC_CAPTURE_FULL:
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': output is larger than %zu bytes", profile,
		    max);
	case PROC_CAPTURE_STOPPED:
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': command stopped to use the terminal, "
		    "which lambdactl does not have (in the background?)",
		    profile);
	default:
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': %s", profile, strerror(pc.error));
	}
}

/*
 * Provider: the profile's credential_process, run with /bin/sh -c within
 * a time limit; its stderr passes through, its stdout is the JSON document
 * read here.  Messages never quote the output, which holds the secret.
 */
int
creds_load_process(struct creds *c, struct creds_ctx *ctx,
    struct lc_err *err)
{
	const char *cmd;
	char *out;
	size_t len = 0;
	long timeout;
	int status, rv = -1;

	if ((cmd = aws_profile_value(ctx->cfg, ctx->profile,
	    "credential_process")) == NULL)
		return 0;
	if (process_timeout(&timeout, err) == -1)
		return -1;
	/* One fixed buffer, so that no realloc leaves copies of the secret. */
	out = xmalloc(PROCESS_MAX_OUTPUT + 1);
	if (process_run(cmd, ctx->profile, timeout, out, PROCESS_MAX_OUTPUT,
	    &len, &status, err) == -1)
		;
	else if (WIFSIGNALED(status))
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': command killed by signal %d", ctx->profile,
		    WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': command exited with status %d", ctx->profile,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (creds_process_parse(c, out, len, ctx->profile, ctx->now,
	    err) == 0)
		rv = 1;
	OPENSSL_cleanse(out, PROCESS_MAX_OUTPUT + 1);
	free(out);
	return rv;
}

