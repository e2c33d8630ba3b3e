/*
 * creds.c - the credential provider chain: the environment's keys, the
 * profile's static keys and its credential_process, run here in a process
 * group of its own within a time limit (lending it our terminal when it
 * prompts), its JSON output checked.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "buf.h"
#include "clock.h"
#include "creds.h"
#include "err.h"
#include "log.h"
#include "num.h"
#include "proc.h"
#include "timeparse.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* More than this on credential_process's stdout is an error. */
#define PROCESS_MAX_OUTPUT	(64 * 1024)

/* Copies a key pair (and token, which may be NULL) into c, taking source. */
static void
creds_fill(struct creds *c, const char *ak, const char *sk, const char *tok,
    char *source)
{
	c->access_key_id = xstrdup(ak);
	c->secret_access_key = xstrdup(sk);
	c->session_token = xstrdup(tok);
	c->source = source;
}

/*
 * What the first control character of s is, for a message that must not
 * show s itself: "a newline", "control character 0x1b"; NULL when s has
 * none.  tmp holds the text of the second form.
 */
static const char *
control_char(const char *s, char tmp[32])
{
	unsigned char ch;

	for (; s != NULL && *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != 0x7f)
			continue;
		if (ch == '\n')
			return "a newline";
		if (ch == '\r')
			return "a carriage return";
		if (ch == '\t')
			return "a tab";
		snprintf(tmp, 32, "control character 0x%02x", ch);
		return tmp;
	}
	return NULL;
}

/*
 * Refuses a key, secret or token with a control character in it (a pasted
 * newline would otherwise be signed into a useless key, or split a
 * header): where names the source, what the value.
 */
static int
check_key(const char *value, const char *where, const char *what,
    struct lc_err *err)
{
	char tmp[32];
	const char *bad;

	if ((bad = control_char(value, tmp)) == NULL)
		return 0;
	return lc_error(err, LC_ECONFIG, "%s%s contains %s", where, what,
	    bad);
}

/* Provider: AWS_ACCESS_KEY_ID and friends, unless --profile was given. */
static int
load_env(struct creds *c, const struct aws_config *cfg, struct lc_err *err)
{
	const char *ak, *sk, *tok, *tok_name = "AWS_SESSION_TOKEN";

	if (cfg->profile_from_flag)
		return 0;
	ak = aws_env("AWS_ACCESS_KEY_ID");
	sk = aws_env("AWS_SECRET_ACCESS_KEY");
	if (ak == NULL && sk == NULL)
		return 0;
	if (sk == NULL)
		return lc_error(err, LC_ECONFIG, "AWS_ACCESS_KEY_ID is set "
		    "but AWS_SECRET_ACCESS_KEY is not");
	if (ak == NULL)
		return lc_error(err, LC_ECONFIG, "AWS_SECRET_ACCESS_KEY is set "
		    "but AWS_ACCESS_KEY_ID is not");
	if ((tok = aws_env(tok_name)) == NULL)
		tok = aws_env(tok_name = "AWS_SECURITY_TOKEN");
	if (check_key(ak, "environment variable ", "AWS_ACCESS_KEY_ID",
	    err) == -1 ||
	    check_key(sk, "environment variable ", "AWS_SECRET_ACCESS_KEY",
	    err) == -1 ||
	    check_key(tok, "environment variable ", tok_name, err) == -1)
		return -1;
	creds_fill(c, ak, sk, tok, xstrdup("env"));
	return 1;
}

/* check_key for a profile's setting, naming its file:line. */
static int
check_setting(const struct aws_setting *s, struct lc_err *err)
{
	char *where;
	int rv;

	if (s == NULL)
		return 0;
	where = xasprintf("%s:%d: ", s->file != NULL ? s->file : "?",
	    s->line);
	rv = check_key(s->value, where, s->key, err);
	free(where);
	return rv;
}

/* Provider: the profile's aws_access_key_id / aws_secret_access_key. */
static int
load_profile(struct creds *c, const struct aws_config *cfg,
    struct lc_err *err)
{
	const struct aws_setting *ak, *sk, *tok;

	ak = aws_config_setting(cfg, "aws_access_key_id");
	sk = aws_config_setting(cfg, "aws_secret_access_key");
	tok = aws_config_setting(cfg, "aws_session_token");
	if (ak == NULL && sk == NULL)
		return 0;
	if (sk == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' in '%s' has "
		    "aws_access_key_id but no aws_secret_access_key",
		    cfg->profile, ak->file);
	if (ak == NULL)
		return lc_error(err, LC_ECONFIG, "profile '%s' in '%s' has "
		    "aws_secret_access_key but no aws_access_key_id",
		    cfg->profile, sk->file);
	if (check_setting(ak, err) == -1 || check_setting(sk, err) == -1 ||
	    check_setting(tok, err) == -1)
		return -1;
	creds_fill(c, ak->value, sk->value, tok != NULL ? tok->value : NULL,
	    xasprintf("profile %s", cfg->profile));
	return 1;
}

/*
 * Expiration as seconds since the epoch: an ISO-8601 time (lambdactl(1),
 * DURATIONS AND TIMES), its fraction of a second dropped.  botocore
 * (dateutil) is as lenient: "t", "z", a space for the "T", "+HHMM".
 */
static int
parse_expiration(const char *s, time_t *out)
{
	int64_t ms;

	if (timeparse_iso(s, &ms) == -1)
		return -1;
	*out = (time_t)(ms / 1000 - (ms % 1000 < 0));
	return 0;
}

/* Sets *out to obj's string member name (NULL: optional and absent). */
static int
json_string(const cJSON *obj, const char *name, int required,
    const char **out, const char *profile, struct lc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	char tmp[32];
	const char *bad;

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': output has no '%s'", profile, name);
	}
	if (!cJSON_IsString(v) || (required && *v->valuestring == '\0'))
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': '%s' is not a non-empty string", profile,
		    name);
	if ((bad = control_char(v->valuestring, tmp)) != NULL)
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': '%s' contains %s", profile, name, bad);
	*out = v->valuestring;
	return 0;
}

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
	cJSON *root, *item;
	const cJSON *ver;
	const char *ak, *sk, *tok, *exp;
	time_t expiration = 0;
	struct buf when = BUF_INIT;
	int rv = -1;
	size_t i;
	static const char *const secrets[] = {
		"SecretAccessKey", "SessionToken"
	};

	memset(c, 0, sizeof *c);
	if (json_has_nul_escape(out, len))
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': output contains a NUL character (\\u0000)",
		    profile);
	if ((root = cJSON_ParseWithLength(out, len)) == NULL)
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': output is not valid JSON", profile);
	if (!cJSON_IsObject(root)) {
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': output is not a JSON object", profile);
		goto out;
	}
	ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
	if (ver == NULL) {
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': output has no 'Version'", profile);
		goto out;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': unsupported Version (expected 1)", profile);
		goto out;
	}
	if (json_string(root, "AccessKeyId", 1, &ak, profile, err) == -1 ||
	    json_string(root, "SecretAccessKey", 1, &sk, profile, err) == -1 ||
	    json_string(root, "SessionToken", 0, &tok, profile, err) == -1 ||
	    json_string(root, "Expiration", 0, &exp, profile, err) == -1)
		goto out;
	if (exp != NULL && parse_expiration(exp, &expiration) == -1) {
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': invalid Expiration '%.64s' (expected RFC 3339, "
		    "e.g. 2026-01-01T00:00:00Z)", profile, exp);
		goto out;
	}
	/* botocore refuses them too: every request would fail. */
	if (exp != NULL && expiration <= now) {
		timeparse_format(&when, (int64_t)expiration * 1000,
		    TIMEPARSE_Z);
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': the credentials expired at %s (Expiration is in "
		    "the past)", profile, when.data);
		buf_release(&when);
		goto out;
	}
	creds_fill(c, ak, sk, tok != NULL && *tok != '\0' ? tok : NULL,
	    xasprintf("process (profile %s)", profile));
	/* An Expiration of exactly the epoch cannot be in the future. */
	c->expiration = expiration;
	rv = 0;
out:
	for (i = 0; i < nitems(secrets); i++) {
		item = cJSON_GetObjectItemCaseSensitive(root, secrets[i]);
		if (cJSON_IsString(item))
			OPENSSL_cleanse(item->valuestring,
			    strlen(item->valuestring));
	}
	cJSON_Delete(root);
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
	t->fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->fd == -1)
		return;
	if (tcgetpgrp(t->fd) != getpgrp()) {
		close(t->fd);
		t->fd = -1;
		return;
	}
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
 * Kills the command's whole process group, and the command itself (in case
 * its setpgid lost a race) unless it was reaped: its pid may be reused.
 */
static void
process_kill(pid_t pid, int reaped)
{
	(void)kill(-pid, SIGKILL);
	if (!reaped)
		(void)kill(pid, SIGKILL);
}

/*
 * Starts cmd with /bin/sh -c (proc_spawn) in a process group of its own,
 * its stdout into out_fd, the rest ours; its pid, or -1 with err.
 */
static pid_t
process_start(const char *cmd, const char *profile, int out_fd,
    struct lc_err *err)
{
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct proc_spawn sp;

	proc_spawn_init(&sp);
	sp.path = "/bin/sh";
	sp.argv = argv;
	sp.fd[1] = out_fd;
	sp.flags = PROC_GROUP;
	fflush(NULL);
	if (proc_spawn(&sp) == -1)
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': cannot run command: %s", profile,
		    strerror(sp.error));
	return sp.pid;
}

/*
 * Checks on the command pid, not yet reaped: *reaped once it exited; when
 * it stopped to use the terminal (SIGTTIN, SIGTTOU), the terminal is lent
 * to it if we have it.  Returns 0, or -1 with err: kill it.
 */
static int
process_check(pid_t pid, struct tty_lend *tty, const char *profile,
    int *status, int *reaped, struct lc_err *err)
{
	pid_t r = waitpid(pid, status, WNOHANG | WUNTRACED);

	if (r == pid && WIFSTOPPED(*status)) {
		if (tty->fd == -1)
			return lc_error(err, LC_ECONFIG, "credential_process "
			    "for profile '%s': command stopped to use the "
			    "terminal, which lambdactl does not have (in the "
			    "background?)", profile);
		if (!tty->lent)
			tty_give(tty, pid);
		tty->lent = 1;
		(void)kill(-pid, SIGCONT);
	} else if (r == pid)
		*reaped = 1;
	else if (r == -1 && errno != EINTR)
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': %s", profile, strerror(errno));
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
	struct tty_lend tty;
	struct pollfd pfd;
	double deadline, left;
	pid_t pid;
	ssize_t n;
	int fds[2], killed = 0, eof = 0, reaped = 0, r;

	*len = 0;
	if (proc_pipe(fds) == -1)
		return lc_error(err, LC_ECONFIG, "credential_process for "
		    "profile '%s': cannot run command: %s", profile,
		    strerror(errno));
	pid = process_start(cmd, profile, fds[1], err);
	close(fds[1]);
	if (pid == -1) {
		close(fds[0]);
		return -1;
	}
	tty_lend_open(&tty);
	deadline = clock_ms() + (double)timeout * 1000;
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	/* Until stdout's end and the exit, both within the deadline. */
	while (!eof || !reaped) {
		if ((left = deadline - clock_ms()) <= 0) {
			lc_error(err, LC_ECONFIG, "credential_process for "
			    "profile '%s': command did not finish within "
			    "%ld s; killed it (%s sets the limit)", profile,
			    timeout, CREDS_PROCESS_TIMEOUT_ENV);
			killed = 1;
			break;
		}
		if (!reaped && process_check(pid, &tty, profile, status,
		    &reaped, err) == -1) {
			killed = 1;
			break;
		}
		if (eof) {
			(void)poll(NULL, 0, left < 20 ? (int)left + 1 : 20);
			continue;
		}
		r = poll(&pfd, 1, left < 50 ? (int)left + 1 : 50);
		if (r == -1 && errno != EINTR) {
			lc_error(err, LC_ECONFIG, "credential_process for "
			    "profile '%s': %s", profile, strerror(errno));
			killed = 1;
			break;
		}
		if (r <= 0)
			continue;
		n = read(fds[0], out + *len, max + 1 - *len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			eof = 1;
			continue;
		}
		*len += (size_t)n;
		if (*len > max) {
			lc_error(err, LC_ECONFIG, "credential_process for "
			    "profile '%s': output is larger than %zu bytes",
			    profile, max);
			killed = 1;
			break;
		}
	}
	close(fds[0]);
	if (killed) {
		process_kill(pid, reaped);
		if (!reaped)
			while (waitpid(pid, status, 0) == -1 && errno == EINTR)
				continue;
	}
	tty_take_back(&tty, killed);
	return killed ? -1 : 0;
}

/*
 * Provider: the profile's credential_process, run with /bin/sh -c within
 * a time limit; its stderr passes through, its stdout is the JSON document
 * read here.  Messages never quote the output, which holds the secret.
 */
static int
load_process(struct creds *c, const struct aws_config *cfg,
    struct lc_err *err)
{
	const char *cmd;
	char *out;
	size_t len = 0;
	long timeout;
	int status, rv = -1;

	if ((cmd = aws_config_value(cfg, "credential_process")) == NULL)
		return 0;
	if (process_timeout(&timeout, err) == -1)
		return -1;
	/* One fixed buffer, so that no realloc leaves copies of the secret. */
	out = xmalloc(PROCESS_MAX_OUTPUT + 1);
	if (process_run(cmd, cfg->profile, timeout, out, PROCESS_MAX_OUTPUT,
	    &len, &status, err) == -1)
		;
	else if (WIFSIGNALED(status))
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': command killed by signal %d", cfg->profile,
		    WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		lc_error(err, LC_ECONFIG, "credential_process for profile "
		    "'%s': command exited with status %d", cfg->profile,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (creds_process_parse(c, out, len, cfg->profile, time(NULL),
	    err) == 0)
		rv = 1;
	OPENSSL_cleanse(out, PROCESS_MAX_OUTPUT + 1);
	free(out);
	return rv;
}

/*
 * The provider chain, walked in order.  load returns 1 when it filled the
 * credentials, 0 when it does not apply, -1 on error.
 */
static const struct provider {
	const char	*name;
	int		(*load)(struct creds *, const struct aws_config *,
			    struct lc_err *);
} providers[] = {
	{ "env", load_env },
	/*
	 * Assume-role (the profile's role_arn with source_profile or
	 * credential_source) and web identity (web_identity_token_file,
	 * AWS_WEB_IDENTITY_TOKEN_FILE) slot in here, before the profile's
	 * static keys, as in botocore.
	 */
	{ "profile", load_profile },
	{ "process", load_process },
	/*
	 * The container provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI /
	 * _FULL_URI) and then IMDSv2 slot in here, last.
	 */
};

int
creds_resolve(struct creds *c, const struct aws_config *cfg,
    struct lc_err *err)
{
	size_t i;
	int r;

	memset(c, 0, sizeof *c);
	for (i = 0; i < nitems(providers); i++) {
		if ((r = providers[i].load(c, cfg, err)) == -1) {
			creds_release(c);
			return -1;
		}
		if (r == 1) {
			log_secret(c->secret_access_key);
			log_secret(c->session_token);
			return 0;
		}
	}
	return lc_error(err, LC_ECONFIG, "no credentials found (set "
	    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or use --profile)");
}

void
creds_release(struct creds *c)
{
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	free(c->source);
	memset(c, 0, sizeof *c);
}
