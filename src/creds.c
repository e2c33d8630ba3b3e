/*
 * creds.c - credentials, region and endpoint resolution, with the AWS CLI's
 * precedence: the shared config and credentials files, the environment and
 * credential_process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>

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
/* A shared config or credentials file larger than this is an error. */
#define CONFIG_MAX_SIZE		(4 * 1024 * 1024)

/* The environment's value for name, or NULL when it is unset or empty. */
static const char *
env_get(const char *name)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : NULL;
}

/* The profile's value for key, or NULL when it is absent or empty. */
static const char *
cfg_value(const struct aws_config *cfg, const char *key)
{
	const char *v;

	if (cfg == NULL || (v = aws_config_get(cfg, key)) == NULL)
		return NULL;
	return *v != '\0' ? v : NULL;
}

/* Returns path with a leading "~/" replaced by the home directory. */
static char *
expand_home(const char *path)
{
	const char *home;
	struct passwd *pw;

	if (strncmp(path, "~/", 2) != 0)
		return xstrdup(path);
	if ((home = env_get("HOME")) == NULL) {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL)
			return xstrdup(path);
		home = pw->pw_dir;
	}
	return xasprintf("%s%s", home, path + 1);
}

/* The file named by the environment variable, or dflt; caller frees. */
static char *
config_path(const char *var, const char *dflt)
{
	const char *v;

	if ((v = env_get(var)) == NULL)
		v = dflt;
	return expand_home(v);
}

/*
 * Sets key to value in cfg's settings, replacing an earlier value; file
 * (borrowed) and line say where it was read.
 */
static void
setting_set(struct aws_config *cfg, const char *key, const char *value,
    const char *file, int line)
{
	struct aws_setting *s;
	size_t i;

	for (i = 0; i < cfg->nsettings; i++) {
		s = &cfg->settings[i];
		if (strcmp(s->key, key) == 0)
			break;
	}
	if (i == cfg->nsettings) {
		cfg->settings = xrealloc(cfg->settings,
		    (cfg->nsettings + 1) * sizeof *cfg->settings);
		s = &cfg->settings[cfg->nsettings++];
		s->key = xstrdup(key);
	} else
		free_secret(s->value);
	s->value = xstrdup(value);
	s->file = file;
	s->line = line;
}

/* Trims leading and trailing white space in place. */
static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Whether a section header names the profile: "[NAME]" in the credentials
 * file; "[profile NAME]" or, for the default profile, "[default]" in the
 * config file, whose other sections (sso-session, services) are not
 * profiles.
 */
static int
section_matches(const char *name, const char *profile, int is_config)
{
	if (!is_config)
		return strcmp(name, profile) == 0;
	if (strcmp(name, "default") == 0)
		return strcmp(profile, "default") == 0;
	if (strncmp(name, "profile", 7) != 0 ||
	    (name[7] != ' ' && name[7] != '\t'))
		return 0;
	name += 7;
	while (*name == ' ' || *name == '\t')
		name++;
	return strcmp(name, profile) == 0;
}

/* Where parse_line is in a file. */
struct ini_state {
	const char	*path;
	int		 lineno;
	int		 is_config;
	int		 in_section;	/* a section header was seen */
	int		 in_target;	/* it names the profile */
	int		 empty_key;	/* the last line was "key =" */
	int		*found;
};

/*
 * Parses one INI line that is neither blank nor a comment; a key of the
 * profile's section is stored in cfg.  A line "key =" opens a sub-section
 * of indented lines (the caller skips them).
 */
static int
parse_line(struct aws_config *cfg, char *p, struct ini_state *st,
    struct lc_err *err)
{
	char *end, *key, *value;

	if (*p == '[') {
		if ((end = strrchr(p, ']')) == NULL)
			return lc_error(err, LC_ECONFIG,
			    "%s:%d: unterminated section header", st->path,
			    st->lineno);
		*end++ = '\0';
		end = trim(end);
		if (*end != '\0' && *end != '#' && *end != ';')
			return lc_error(err, LC_ECONFIG,
			    "%s:%d: unexpected text after section header",
			    st->path, st->lineno);
		key = trim(p + 1);
		if (*key == '\0')
			return lc_error(err, LC_ECONFIG,
			    "%s:%d: empty section name", st->path, st->lineno);
		st->in_section = 1;
		st->in_target = section_matches(key, cfg->profile,
		    st->is_config);
		if (st->in_target)
			*st->found = 1;
		return 0;
	}
	if ((end = strchr(p, '=')) == NULL)
		return lc_error(err, LC_ECONFIG,
		    "%s:%d: expected '[section]' or 'key = value'",
		    st->path, st->lineno);
	*end = '\0';
	key = trim(p);
	value = trim(end + 1);
	if (*key == '\0')
		return lc_error(err, LC_ECONFIG,
		    "%s:%d: expected '[section]' or 'key = value'",
		    st->path, st->lineno);
	if (!st->in_section)
		return lc_error(err, LC_ECONFIG,
		    "%s:%d: '%s' is outside of any section", st->path,
		    st->lineno, key);
	if (st->in_target)
		setting_set(cfg, key, value, st->path, st->lineno);
	st->empty_key = *value == '\0';
	return 0;
}

/*
 * The whole text is checked, as the AWS CLI does; it is copied once (lines
 * are cut in place) and the copy wiped, as it may hold secret keys.
 */
int
aws_config_parse(struct aws_config *cfg, const char *path, const char *text,
    size_t len, int is_config, int *found, struct lc_err *err)
{
	struct ini_state st;
	char *copy, *line, *next, *p;
	size_t n;
	int in_sub = 0, rv = -1;

	memset(&st, 0, sizeof st);
	st.path = path;
	st.is_config = is_config;
	st.found = found;
	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; line < copy + len; line = next) {
		st.lineno++;
		if ((next = memchr(line, '\n', (size_t)(copy + len - line))) ==
		    NULL)
			next = copy + len;
		n = (size_t)(next - line);
		if (next < copy + len)
			*next++ = '\0';
		if (memchr(line, '\0', n) != NULL) {
			lc_error(err, LC_ECONFIG, "%s:%d: unexpected NUL byte",
			    path, st.lineno);
			goto out;
		}
		while (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		/* "s3 =" followed by indented lines: a nested section. */
		if (p != line && (in_sub || st.empty_key)) {
			in_sub = 1;
			continue;
		}
		in_sub = st.empty_key = 0;
		if (parse_line(cfg, p, &st, err) == -1)
			goto out;
	}
	rv = 0;
out:
	OPENSSL_cleanse(copy, len + 1);
	free(copy);
	return rv;
}

/*
 * Reads a whole file into *out (a buffer the caller wipes and frees, with
 * *len bytes): missing is empty (1 returned), over CONFIG_MAX_SIZE an
 * error.  Growing copies the old buffer and wipes it: it may hold secrets.
 */
static int
read_config(const char *path, char **out, size_t *len, struct lc_err *err)
{
	char *buf = NULL, *bigger;
	size_t cap = 0, n = 0, got;
	FILE *fp;
	int rv = -1;

	*out = NULL;
	*len = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return lc_error(err, LC_ECONFIG, "cannot open '%s': %s",
		    path, strerror(errno));
	}
	for (;;) {
		if (n == cap) {
			if (cap >= CONFIG_MAX_SIZE) {
				lc_error(err, LC_ECONFIG, "'%s' is too large "
				    "(%d MiB or more)", path,
				    CONFIG_MAX_SIZE >> 20);
				goto out;
			}
			bigger = xmalloc(cap == 0 ? 4096 : cap * 2);
			if (n > 0)
				memcpy(bigger, buf, n);
			if (buf != NULL) {
				OPENSSL_cleanse(buf, cap);
				free(buf);
			}
			buf = bigger;
			cap = cap == 0 ? 4096 : cap * 2;
		}
		if ((got = fread(buf + n, 1, cap - n, fp)) == 0)
			break;
		n += got;
	}
	if (ferror(fp)) {
		lc_error(err, LC_ECONFIG, "cannot read '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	rv = 0;
out:
	fclose(fp);
	if (rv == 0) {
		*out = buf;
		*len = n;
	} else if (buf != NULL) {
		OPENSSL_cleanse(buf, cap);
		free(buf);
	}
	return rv;
}

/*
 * Reads the profile's section(s) of one INI file into cfg, later keys
 * replacing earlier ones.  A missing file is empty; *found is set when the
 * profile has a section.
 */
static int
parse_file(struct aws_config *cfg, const char *path, int is_config,
    int *found, struct lc_err *err)
{
	char *text;
	size_t len;
	int r;

	if ((r = read_config(path, &text, &len, err)) != 0)
		return r == 1 ? 0 : -1;
	r = aws_config_parse(cfg, path, text, len, is_config, found, err);
	OPENSSL_cleanse(text, len);
	free(text);
	return r;
}

int
aws_config_load(struct aws_config *cfg, const char *profile_flag,
    const char *manifest_profile, struct lc_err *err)
{
	const char *env_profile;

	memset(cfg, 0, sizeof *cfg);
	env_profile = env_get("AWS_PROFILE");
	if (profile_flag != NULL) {
		cfg->profile = xstrdup(profile_flag);
		cfg->profile_from_flag = cfg->profile_explicit = 1;
	} else if (env_profile != NULL) {
		cfg->profile = xstrdup(env_profile);
		cfg->profile_explicit = 1;
	} else if (manifest_profile != NULL && *manifest_profile != '\0') {
		cfg->profile = xstrdup(manifest_profile);
		cfg->profile_explicit = 1;
	} else
		cfg->profile = xstrdup("default");
	cfg->config_file = config_path("AWS_CONFIG_FILE", "~/.aws/config");
	cfg->credentials_file = config_path("AWS_SHARED_CREDENTIALS_FILE",
	    "~/.aws/credentials");

	/* Credentials file second: its settings win. */
	if (parse_file(cfg, cfg->config_file, 1, &cfg->profile_found,
	    err) == -1 ||
	    parse_file(cfg, cfg->credentials_file, 0, &cfg->profile_found,
	    err) == -1)
		goto fail;
	if (cfg->profile_explicit && !cfg->profile_found) {
		lc_error(err, LC_ECONFIG,
		    "profile '%s' not found in '%s' or '%s'", cfg->profile,
		    cfg->config_file, cfg->credentials_file);
		goto fail;
	}
	return 0;
fail:
	aws_config_release(cfg);
	return -1;
}

const char *
aws_config_get(const struct aws_config *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nsettings; i++)
		if (strcmp(cfg->settings[i].key, key) == 0)
			return cfg->settings[i].value;
	return NULL;
}

void
aws_config_release(struct aws_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsettings; i++) {
		free(cfg->settings[i].key);
		free_secret(cfg->settings[i].value);
	}
	free(cfg->settings);
	free(cfg->profile);
	free(cfg->config_file);
	free(cfg->credentials_file);
	memset(cfg, 0, sizeof *cfg);
}

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
	ak = env_get("AWS_ACCESS_KEY_ID");
	sk = env_get("AWS_SECRET_ACCESS_KEY");
	if (ak == NULL && sk == NULL)
		return 0;
	if (sk == NULL)
		return lc_error(err, LC_ECONFIG, "AWS_ACCESS_KEY_ID is set "
		    "but AWS_SECRET_ACCESS_KEY is not");
	if (ak == NULL)
		return lc_error(err, LC_ECONFIG, "AWS_SECRET_ACCESS_KEY is set "
		    "but AWS_ACCESS_KEY_ID is not");
	if ((tok = env_get(tok_name)) == NULL)
		tok = env_get(tok_name = "AWS_SECURITY_TOKEN");
	if (check_key(ak, "environment variable ", "AWS_ACCESS_KEY_ID",
	    err) == -1 ||
	    check_key(sk, "environment variable ", "AWS_SECRET_ACCESS_KEY",
	    err) == -1 ||
	    check_key(tok, "environment variable ", tok_name, err) == -1)
		return -1;
	creds_fill(c, ak, sk, tok, xstrdup("env"));
	return 1;
}

/* The setting for key of the profile, non-empty, or NULL. */
static const struct aws_setting *
cfg_setting(const struct aws_config *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nsettings; i++)
		if (strcmp(cfg->settings[i].key, key) == 0)
			return *cfg->settings[i].value != '\0' ?
			    &cfg->settings[i] : NULL;
	return NULL;
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

	ak = cfg_setting(cfg, "aws_access_key_id");
	sk = cfg_setting(cfg, "aws_secret_access_key");
	tok = cfg_setting(cfg, "aws_session_token");
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
	const char *v = env_get(CREDS_PROCESS_TIMEOUT_ENV);

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

	if ((cmd = cfg_value(cfg, "credential_process")) == NULL)
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

/* Where a setting came from, for messages: "--region", "profile 'ci'". */
static void
cfg_source(char *dst, size_t len, const struct aws_config *cfg)
{
	snprintf(dst, len, "profile '%s'", cfg != NULL && cfg->profile !=
	    NULL ? cfg->profile : "default");
}

int
region_check(const char *r, const char *source, struct lc_err *err)
{
	size_t n = strlen(r), i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)r[i]) && r[i] != '-')
			break;
	if (n == 0 || n > 63 || i < n || r[0] == '-' || r[n - 1] == '-')
		return lc_error(err, LC_ECONFIG, "invalid region '%.*s' (from "
		    "%s): a region is 1 to 63 letters, digits and hyphens, "
		    "like 'us-east-1'", n > 63 ? 63 : (int)n, r, source);
	return 0;
}

const char *
region_lookup(const char *flag, const struct aws_config *cfg,
    const char *manifest_region, char *src, size_t srclen)
{
	const char *r;

	if (flag != NULL && *flag != '\0')
		return snprintf(src, srclen, "--region"), flag;
	if ((r = env_get("AWS_REGION")) != NULL)
		return snprintf(src, srclen, "AWS_REGION"), r;
	if ((r = env_get("AWS_DEFAULT_REGION")) != NULL)
		return snprintf(src, srclen, "AWS_DEFAULT_REGION"), r;
	if (manifest_region != NULL && *manifest_region != '\0')
		return snprintf(src, srclen, "lambda.yml"), manifest_region;
	if ((r = cfg_value(cfg, "region")) != NULL) {
		cfg_source(src, srclen, cfg);
		return r;
	}
	return NULL;
}

int
region_resolve(char **out, const char *flag, const struct aws_config *cfg,
    const char *manifest_region, struct lc_err *err)
{
	const char *r;
	char src[160];

	*out = NULL;
	r = region_lookup(flag, cfg, manifest_region, src, sizeof src);
	if (r == NULL)
		return lc_error(err, LC_ECONFIG, "no region set (use --region, "
		    "AWS_REGION, 'region' in the profile, or 'region' in "
		    "lambda.yml)");
	if (region_check(r, src, err) == -1)
		return -1;
	*out = xstrdup(r);
	return 0;
}

/* The suffix of AWS_ENDPOINT_URL_<ID> for a service; caller frees. */
static char *
service_env_name(const char *service)
{
	static const struct {
		const char	*service;
		const char	*id;
	} ids[] = {
		{ "lambda", "LAMBDA" },
		{ "logs", "CLOUDWATCH_LOGS" },
		{ "sts", "STS" },
	};
	char *name, *p;
	size_t i;

	for (i = 0; i < nitems(ids); i++)
		if (strcmp(service, ids[i].service) == 0)
			return xasprintf("AWS_ENDPOINT_URL_%s", ids[i].id);
	name = xasprintf("AWS_ENDPOINT_URL_%s", service);
	for (p = name + strlen("AWS_ENDPOINT_URL_"); *p != '\0'; p++)
		*p = (*p == '-' || *p == ' ') ? '_' :
		    (char)toupper((unsigned char)*p);
	return name;
}

/* Whether configured endpoints are ignored: environment, then profile. */
static int
ignore_configured(const struct aws_config *cfg)
{
	const char *v;

	if ((v = env_get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) == NULL)
		v = cfg_value(cfg, "ignore_configured_endpoint_urls");
	return v != NULL && strcasecmp(v, "true") == 0;
}

/* The message for what is before an '@': never quoted, it may be a secret. */
static int
userinfo_error(const char *source, struct lc_err *err)
{
	return lc_error(err, LC_ECONFIG, "invalid endpoint URL (from %s): a "
	    "user name or password ('...@') is not allowed", source);
}

/* Why libcurl's URL API refused a URL, in endpoint_parse's words. */
static const char *
curlu_reason(CURLUcode rc)
{
	if (rc == CURLUE_OUT_OF_MEMORY)
		die("out of memory");
	switch (rc) {
	case CURLUE_NO_HOST:
		return "no host";
	case CURLUE_BAD_IPV6:
		return "bad IPv6 address";
	case CURLUE_BAD_PORT_NUMBER:
		return "the port must be a number from 1 to 65535";
	case CURLUE_BAD_HOSTNAME:
		return "the host has a character not allowed in a name";
	default:
		return curl_url_strerror(rc);
	}
}

/* The part of u (curl_free it), or NULL when u has none. */
static char *
curlu_part(CURLU *u, CURLUPart what)
{
	char *s = NULL;
	CURLUcode rc = curl_url_get(u, what, &s, 0);

	if (rc == CURLUE_OUT_OF_MEMORY)
		die("out of memory");
	return rc == CURLUE_OK ? s : NULL;
}

/* Why the host (libcurl's: a name or "[IPv6]") or the port is refused. */
static const char *
host_port_reason(const char *host, const char *port, int pct)
{
	const char *p;
	long n;

	if (host == NULL || *host == '\0')
		return "no host";
	if (*host == '[') {
		for (p = host + 1; isxdigit((unsigned char)*p) || *p == ':' ||
		    *p == '.'; p++)
			;
		if (pct || p == host + 1 || strcmp(p, "]") != 0)
			return "bad IPv6 address";
	} else {
		for (p = host; isalnum((unsigned char)*p) || *p == '-' ||
		    *p == '.' || *p == '_'; p++)
			;
		if (pct || *p != '\0')
			return "the host has a character not allowed in a name";
	}
	if (port != NULL && ((n = strtol(port, NULL, 10)) < 1 || n > 65535))
		return "the port must be a number from 1 to 65535";
	return NULL;
}

/*
 * Fills ep (when not NULL) from the parts of u, or says why they are
 * refused; *userinfo is set when libcurl found a user name or password.
 */
static const char *
endpoint_parts(CURLU *u, int pct, struct endpoint *ep, int *userinfo)
{
	static const CURLUPart secret[] = { CURLUPART_USER,
	    CURLUPART_PASSWORD, CURLUPART_OPTIONS };
	char *scheme, *host, *port, *path, *s;
	const char *why;
	size_t i, n;

	for (i = 0; i < nitems(secret); i++)
		if ((s = curlu_part(u, secret[i])) != NULL) {
			curl_free(s);
			*userinfo = 1;
			return "a user name or password";
		}
	scheme = curlu_part(u, CURLUPART_SCHEME);
	host = curlu_part(u, CURLUPART_HOST);
	port = curlu_part(u, CURLUPART_PORT);
	path = curlu_part(u, CURLUPART_PATH);
	if ((why = host_port_reason(host, port, pct)) == NULL && ep != NULL) {
		ep->host = port != NULL ? xasprintf("%s:%s", host, port) :
		    xstrdup(host);
		ep->origin = xasprintf("%s://%s", scheme, ep->host);
		n = path != NULL ? strlen(path) : 0;
		while (n > 0 && path[n - 1] == '/')
			n--;
		ep->base = xstrndup(path != NULL ? path : "", n);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	return why;
}

/*
 * What libcurl would accept and lambdactl refuses is checked on the text
 * first: spaces and control characters, a scheme in capitals or without
 * "//", an empty authority, query or fragment; and, before any message
 * quotes url, an '@' in the authority.
 */
int
endpoint_parse(const char *url, const char *source, struct endpoint *ep,
    struct lc_err *err)
{
	const char *auth, *why;
	size_t i, alen;
	int userinfo = 0;
	CURLUcode rc;
	CURLU *u;

	if (ep != NULL)
		memset(ep, 0, sizeof *ep);
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return lc_error(err, LC_ECONFIG, "invalid endpoint URL "
			    "(from %s): it holds a space or control character",
			    source);
	if (strncmp(url, "http://", 7) == 0)
		auth = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		auth = url + 8;
	else
		return lc_error(err, LC_ECONFIG, "invalid endpoint URL (from "
		    "%s): it must start with http:// or https://", source);
	alen = strcspn(auth, "/?#");
	if (memchr(auth, '@', alen) != NULL)
		return userinfo_error(source, err);
	if (strpbrk(url, "?#") != NULL)
		why = "a query or fragment is not allowed";
	else if (alen == 0)
		why = "no host";	/* libcurl takes "http:///h" for "http://h" */
	else {
		if ((u = curl_url()) == NULL)
			die("out of memory");
		if ((rc = curl_url_set(u, CURLUPART_URL, url,
		    CURLU_PATH_AS_IS)) != CURLUE_OK)
			why = curlu_reason(rc);
		else
			why = endpoint_parts(u, memchr(auth, '%', alen) != NULL,
			    ep, &userinfo);
		curl_url_cleanup(u);
	}
	if (why == NULL)
		return 0;
	endpoint_release(ep);
	if (userinfo)
		return userinfo_error(source, err);
	return lc_error(err, LC_ECONFIG, "invalid endpoint '%s' (from %s): %s",
	    url, source, why);
}

void
endpoint_release(struct endpoint *ep)
{
	if (ep == NULL)
		return;
	free(ep->origin);
	free(ep->host);
	free(ep->base);
	memset(ep, 0, sizeof *ep);
}

int
endpoint_check(const char *url, const char *source, struct lc_err *err)
{
	return endpoint_parse(url, source, NULL, err);
}

/* The configured endpoint and where it came from, or NULL. */
static const char *
endpoint_configured(const char *flag, const char *service,
    const struct aws_config *cfg, char *src, size_t srclen)
{
	const char *url = NULL;
	char *name;

	if (flag != NULL && *flag != '\0') {
		snprintf(src, srclen, "--endpoint-url");
		return flag;
	}
	if (ignore_configured(cfg))
		return NULL;
	name = service_env_name(service);
	if ((url = env_get(name)) != NULL)
		snprintf(src, srclen, "%s", name);
	free(name);
	if (url == NULL && (url = env_get("AWS_ENDPOINT_URL")) != NULL)
		snprintf(src, srclen, "AWS_ENDPOINT_URL");
	if (url == NULL && (url = cfg_value(cfg, "endpoint_url")) != NULL)
		cfg_source(src, srclen, cfg);
	return url;
}

int
endpoint_resolve_checked(struct endpoint *out, const char *flag,
    const char *service, const struct aws_config *cfg, const char *region,
    struct lc_err *err)
{
	const char *url;
	char src[160], *dflt = NULL;
	int r;

	memset(out, 0, sizeof *out);
	if ((url = endpoint_configured(flag, service, cfg, src,
	    sizeof src)) == NULL) {
		if (region != NULL &&
		    region_check(region, "the region", err) == -1)
			return -1;
		url = dflt = endpoint_resolve(flag, service, cfg, region);
		snprintf(src, sizeof src, "the region");
	}
	r = endpoint_parse(url, src, out, err);
	free(dflt);
	return r;
}

/*
 * The default endpoint needs a region: callers resolve one first, so a NULL
 * region there is a bug.
 */
char *
endpoint_resolve(const char *flag, const char *service,
    const struct aws_config *cfg, const char *region)
{
	const char *url;
	char *ret, src[160];
	size_t n;

	url = endpoint_configured(flag, service, cfg, src, sizeof src);
	if (url != NULL)
		ret = xstrdup(url);
	else if (region == NULL)
		die("endpoint_resolve: no region for '%s'", service);
	else
		ret = xasprintf("https://%s.%s.amazonaws.com%s", service,
		    region, strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
	n = strlen(ret);
	while (n > 0 && ret[n - 1] == '/')
		ret[--n] = '\0';
	return ret;
}

/* Adds to v the profile that a section named name names, if any. */
static void
profile_add(struct profile_names *v, const char *name, int is_config)
{
	const char *p = name;

	if (is_config && strncmp(p, "profile", 7) == 0 &&
	    (p[7] == ' ' || p[7] == '\t'))
		for (p += 7; *p == ' ' || *p == '\t'; p++)
			;
	/* section_matches, aws_config_load's rule, is the judge. */
	if (*p == '\0' || !section_matches(name, p, is_config))
		return;
	v->names = xrealloc(v->names, (v->n + 1) * sizeof *v->names);
	v->names[v->n++] = xstrdup(p);
}

/*
 * The section headers of text (checked whole by aws_config_parse first),
 * skipping the indented lines of a nested "key =" sub-section as it does.
 */
static void
profile_scan(struct profile_names *v, char *text, size_t len, int is_config)
{
	char *line, *next, *p, *end;
	int in_sub = 0, empty_key = 0;

	for (line = text; line < text + len; line = next) {
		if ((next = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			next = text + len;
		else
			*next++ = '\0';
		for (p = line + strlen(line); p > line && p[-1] == '\r'; )
			*--p = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (p != line && (in_sub || empty_key)) {
			in_sub = 1;
			continue;
		}
		in_sub = empty_key = 0;
		if (*p == '[' && (end = strrchr(p, ']')) != NULL) {
			*end = '\0';
			profile_add(v, trim(p + 1), is_config);
		} else if ((end = strchr(p, '=')) != NULL)
			empty_key = *trim(end + 1) == '\0';
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
aws_profile_names(struct profile_names *v, struct lc_err *err)
{
	struct aws_config tmp = { 0 };
	char *path, *text, *copy;
	size_t len, i, j;
	int is_config, found = 0, r = 0;

	memset(v, 0, sizeof *v);
	tmp.profile = xstrdup("");
	for (is_config = 1; is_config >= 0 && r == 0; is_config--) {
		path = is_config ? config_path("AWS_CONFIG_FILE",
		    "~/.aws/config") : config_path("AWS_SHARED_CREDENTIALS_FILE",
		    "~/.aws/credentials");
		if ((r = read_config(path, &text, &len, err)) == 0 &&
		    (r = aws_config_parse(&tmp, path, text, len, is_config,
		    &found, err)) == 0) {
			copy = xmalloc(len + 1);	/* NUL-terminated */
			memcpy(copy, text, len);
			copy[len] = '\0';
			profile_scan(v, copy, len, is_config);
			OPENSSL_cleanse(copy, len);
			free(copy);
		}
		if (text != NULL) {
			OPENSSL_cleanse(text, len);
			free(text);
		}
		free(path);
		r = r == 1 ? 0 : r;
	}
	aws_config_release(&tmp);
	if (r == -1) {
		profile_names_release(v);
		return -1;
	}
	if (v->n > 0)
		qsort(v->names, v->n, sizeof *v->names, name_cmp);
	for (i = j = 0; i < v->n; i++)
		if (j > 0 && strcmp(v->names[j - 1], v->names[i]) == 0)
			free(v->names[i]);
		else
			v->names[j++] = v->names[i];
	v->n = j;
	return 0;
}

void
profile_names_release(struct profile_names *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->names[i]);
	free(v->names);
	memset(v, 0, sizeof *v);
}
