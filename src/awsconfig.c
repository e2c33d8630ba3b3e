/*
 * awsconfig.c - the AWS configuration: the shared config and credentials
 * files (their INI dialect, checked whole as the AWS CLI does), the
 * selected profile's settings, the profiles the files name, and the
 * environment's AWS_* variables.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "awsconfig.h"
#include "err.h"
#include "xmalloc.h"

/* A shared config or credentials file larger than this is an error. */
#define CONFIG_MAX_SIZE		(4 * 1024 * 1024)

const char *
aws_env(const char *name)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : NULL;
}

/* Returns path with a leading "~/" replaced by the home directory. */
static char *
expand_home(const char *path)
{
	const char *home;
	struct passwd *pw;

	if (strncmp(path, "~/", 2) != 0)
		return xstrdup(path);
	if ((home = aws_env("HOME")) == NULL) {
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

	if ((v = aws_env(var)) == NULL)
		v = dflt;
	return expand_home(v);
}

/* The profile's setting for key, or NULL. */
static struct aws_setting *
setting_find(const struct aws_config *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nsettings; i++)
		if (strcmp(cfg->settings[i].key, key) == 0)
			return &cfg->settings[i];
	return NULL;
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

	if ((s = setting_find(cfg, key)) == NULL) {
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
 * The profile a section header names, or NULL: "[NAME]" in the credentials
 * file; "[profile NAME]" or "[default]" in the config file, whose other
 * sections (sso-session, services) are not profiles.
 */
static const char *
section_profile(const char *name, int is_config)
{
	if (!is_config || strcmp(name, "default") == 0)
		return name;
	if (strncmp(name, "profile", 7) != 0 ||
	    (name[7] != ' ' && name[7] != '\t'))
		return NULL;
	for (name += 7; *name == ' ' || *name == '\t'; name++)
		;
	return *name != '\0' ? name : NULL;
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
 * Parses a section header (p is at its '['): the profile it names, if any,
 * is added to cfg->profiles, and whether it is cfg's noted in st.
 */
static int
parse_section(struct aws_config *cfg, char *p, struct ini_state *st,
    struct lc_err *err)
{
	struct profile_names *v = &cfg->profiles;
	const char *name;
	char *end;

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
	p = trim(p + 1);
	if (*p == '\0')
		return lc_error(err, LC_ECONFIG,
		    "%s:%d: empty section name", st->path, st->lineno);
	st->in_section = 1;
	st->in_target = 0;
	if ((name = section_profile(p, st->is_config)) == NULL)
		return 0;
	v->names = xrealloc(v->names, (v->n + 1) * sizeof *v->names);
	v->names[v->n++] = xstrdup(name);
	if (strcmp(name, cfg->profile) == 0)
		st->in_target = *st->found = 1;
	return 0;
}

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

	if (*p == '[')
		return parse_section(cfg, p, st, err);
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
 * replacing earlier ones.  A missing file is empty.
 */
static int
parse_file(struct aws_config *cfg, const char *path, int is_config,
    struct lc_err *err)
{
	char *text;
	size_t len;
	int r;

	if ((r = read_config(path, &text, &len, err)) != 0)
		return r == 1 ? 0 : -1;
	r = aws_config_parse(cfg, path, text, len, is_config,
	    &cfg->profile_found, err);
	OPENSSL_cleanse(text, len);
	free(text);
	return r;
}

/*
 * Reads both files for cfg->profile: the config file, then the credentials
 * file, whose settings win.
 */
static int
read_files(struct aws_config *cfg, struct lc_err *err)
{
	cfg->config_file = config_path("AWS_CONFIG_FILE", "~/.aws/config");
	cfg->credentials_file = config_path("AWS_SHARED_CREDENTIALS_FILE",
	    "~/.aws/credentials");
	if (parse_file(cfg, cfg->config_file, 1, err) == -1 ||
	    parse_file(cfg, cfg->credentials_file, 0, err) == -1)
		return -1;
	return 0;
}

int
aws_config_load(struct aws_config *cfg, const char *profile_flag,
    const char *manifest_profile, struct lc_err *err)
{
	const char *env_profile;

	memset(cfg, 0, sizeof *cfg);
	env_profile = aws_env("AWS_PROFILE");
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
	if (read_files(cfg, err) == -1)
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
	const struct aws_setting *s = setting_find(cfg, key);

	return s != NULL ? s->value : NULL;
}

const struct aws_setting *
aws_config_setting(const struct aws_config *cfg, const char *key)
{
	const struct aws_setting *s;

	if (cfg == NULL || (s = setting_find(cfg, key)) == NULL)
		return NULL;
	return *s->value != '\0' ? s : NULL;
}

const char *
aws_config_value(const struct aws_config *cfg, const char *key)
{
	const struct aws_setting *s = aws_config_setting(cfg, key);

	return s != NULL ? s->value : NULL;
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
	profile_names_release(&cfg->profiles);
	memset(cfg, 0, sizeof *cfg);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Both files read for a profile no section names: only the names count. */
int
aws_profile_names(struct profile_names *v, struct lc_err *err)
{
	struct aws_config cfg;
	size_t i, j;

	memset(v, 0, sizeof *v);
	memset(&cfg, 0, sizeof cfg);
	cfg.profile = xstrdup("");
	if (read_files(&cfg, err) == -1) {
		aws_config_release(&cfg);
		return -1;
	}
	*v = cfg.profiles;
	memset(&cfg.profiles, 0, sizeof cfg.profiles);
	aws_config_release(&cfg);
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
