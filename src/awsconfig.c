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

char *
aws_expand_home(const char *path)
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
	return aws_expand_home(v);
}

/* The section of kind named name read from the given file kind, or NULL. */
static struct aws_section *
section_find(const struct aws_config *cfg, enum aws_section_kind kind,
    const char *name, int in_credentials)
{
	size_t i;

	for (i = 0; i < cfg->nsections; i++)
		if (cfg->sections[i].kind == kind &&
		    cfg->sections[i].in_credentials == in_credentials &&
		    strcmp(cfg->sections[i].name, name) == 0)
			return &cfg->sections[i];
	return NULL;
}

/* The section's setting for key, or NULL. */
static struct aws_setting *
setting_find(const struct aws_section *sec, const char *key)
{
	size_t i;

	for (i = 0; sec != NULL && i < sec->nsettings; i++)
		if (strcmp(sec->settings[i].key, key) == 0)
			return &sec->settings[i];
	return NULL;
}

/*
 * Sets key to value in sec, replacing an earlier value; file (borrowed)
 * and line say where it was read.
 */
static void
setting_set(struct aws_section *sec, const char *key, const char *value,
    const char *file, int line)
{
	struct aws_setting *s;

	if ((s = setting_find(sec, key)) == NULL) {
		sec->settings = xrealloc(sec->settings,
		    (sec->nsettings + 1) * sizeof *sec->settings);
		s = &sec->settings[sec->nsettings++];
		s->key = xstrdup(key);
	} else
		free_secret(s->value);
	s->value = xstrdup(value);
	s->file = file;
	s->line = line;
}

/* The section of kind named name of a file kind, added when new. */
static struct aws_section *
section_add(struct aws_config *cfg, enum aws_section_kind kind,
    const char *name, int in_credentials)
{
	struct aws_section *sec;

	if ((sec = section_find(cfg, kind, name, in_credentials)) != NULL)
		return sec;
	cfg->sections = xrealloc(cfg->sections,
	    (cfg->nsections + 1) * sizeof *cfg->sections);
	sec = &cfg->sections[cfg->nsections++];
	memset(sec, 0, sizeof *sec);
	sec->kind = kind;
	sec->name = xstrdup(name);
	sec->in_credentials = in_credentials;
	return sec;
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
 * What a section header names: "[NAME]" in the credentials file is a
 * profile; in the config file "[profile NAME]" and "[default]" are, and
 * "[sso-session NAME]" an SSO session.  Other sections (services) name
 * nothing: NULL.
 */
static const char *
section_name(const char *name, int is_config, enum aws_section_kind *kind)
{
	static const struct {
		const char		*word;
		size_t			 len;
		enum aws_section_kind	 kind;
	} words[] = {
		{ "profile", 7, AWS_SECTION_PROFILE },
		{ "sso-session", 11, AWS_SECTION_SSO_SESSION },
	};
	size_t i;

	*kind = AWS_SECTION_PROFILE;
	if (!is_config || strcmp(name, "default") == 0)
		return name;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strncmp(name, words[i].word, words[i].len) != 0 ||
		    (name[words[i].len] != ' ' && name[words[i].len] != '\t'))
			continue;
		for (name += words[i].len; *name == ' ' || *name == '\t';
		    name++)
			;
		*kind = words[i].kind;
		return *name != '\0' ? name : NULL;
	}
	return NULL;
}

/* Where parse_line is in a file. */
struct ini_state {
	const char	*path;
	int		 lineno;
	int		 is_config;
	int		 in_section;	/* a section header was seen */
	struct aws_section *sec;	/* the section it names, or NULL */
	int		 empty_key;	/* the last line was "key =" */
	int		*found;
};

/*
 * Parses a section header (p is at its '['): a profile or SSO session it
 * names becomes the section settings go to (the profile is also added to
 * cfg->profiles, and *found set when it is cfg's).
 */
static int
parse_section(struct aws_config *cfg, char *p, struct ini_state *st,
    struct lc_err *err)
{
	struct profile_names *v = &cfg->profiles;
	enum aws_section_kind kind;
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
	st->sec = NULL;
	if ((name = section_name(p, st->is_config, &kind)) == NULL)
		return 0;
	st->sec = section_add(cfg, kind, name, !st->is_config);
	if (kind != AWS_SECTION_PROFILE)
		return 0;
	v->names = xrealloc(v->names, (v->n + 1) * sizeof *v->names);
	v->names[v->n++] = xstrdup(name);
	if (cfg->profile != NULL && strcmp(name, cfg->profile) == 0)
		*st->found = 1;
	return 0;
}

/*
 * Parses one INI line that is neither blank nor a comment; a key of a
 * profile or SSO session is stored in its section of cfg.  A line
 * "key =" opens a sub-section of indented lines (the caller skips them).
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
	if (st->sec != NULL)
		setting_set(st->sec, key, value, st->path, st->lineno);
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

/*
 * The setting for key of the profile (kind AWS_SECTION_PROFILE) or SSO
 * session named name, empty or not: the credentials file's first, unless
 * which says one file.
 */
static const struct aws_setting *
section_setting(const struct aws_config *cfg, enum aws_section_kind kind,
    const char *name, const char *key, enum aws_file which)
{
	const struct aws_setting *s = NULL;

	if (cfg == NULL || name == NULL)
		return NULL;
	if (which != AWS_FILE_CONFIG)
		s = setting_find(section_find(cfg, kind, name, 1), key);
	if (s == NULL && which != AWS_FILE_CREDENTIALS)
		s = setting_find(section_find(cfg, kind, name, 0), key);
	return s;
}

/* s when its value is not empty, else NULL. */
static const struct aws_setting *
nonempty(const struct aws_setting *s)
{
	return s != NULL && *s->value != '\0' ? s : NULL;
}

const char *
aws_config_get(const struct aws_config *cfg, const char *key)
{
	const struct aws_setting *s = section_setting(cfg,
	    AWS_SECTION_PROFILE, cfg->profile, key, AWS_FILE_ANY);

	return s != NULL ? s->value : NULL;
}

const struct aws_setting *
aws_config_setting(const struct aws_config *cfg, const char *key)
{
	return cfg == NULL ? NULL :
	    aws_profile_setting(cfg, cfg->profile, key, AWS_FILE_ANY);
}

const char *
aws_config_value(const struct aws_config *cfg, const char *key)
{
	const struct aws_setting *s = aws_config_setting(cfg, key);

	return s != NULL ? s->value : NULL;
}

const struct aws_setting *
aws_profile_setting(const struct aws_config *cfg, const char *profile,
    const char *key, enum aws_file which)
{
	return nonempty(section_setting(cfg, AWS_SECTION_PROFILE, profile,
	    key, which));
}

const char *
aws_profile_value(const struct aws_config *cfg, const char *profile,
    const char *key)
{
	const struct aws_setting *s = aws_profile_setting(cfg, profile, key,
	    AWS_FILE_ANY);

	return s != NULL ? s->value : NULL;
}

const struct aws_section *
aws_config_section(const struct aws_config *cfg, enum aws_section_kind kind,
    const char *name)
{
	const struct aws_section *s;

	if (cfg == NULL || name == NULL)
		return NULL;
	if ((s = section_find(cfg, kind, name, 0)) == NULL)
		s = section_find(cfg, kind, name, 1);
	return s;
}

const char *
aws_sso_session_value(const struct aws_config *cfg, const char *session,
    const char *key)
{
	const struct aws_setting *s = nonempty(section_setting(cfg,
	    AWS_SECTION_SSO_SESSION, session, key, AWS_FILE_CONFIG));

	return s != NULL ? s->value : NULL;
}

void
aws_config_release(struct aws_config *cfg)
{
	struct aws_section *sec;
	size_t i, j;

	for (i = 0; i < cfg->nsections; i++) {
		sec = &cfg->sections[i];
		for (j = 0; j < sec->nsettings; j++) {
			free(sec->settings[j].key);
			free_secret(sec->settings[j].value);
		}
		free(sec->settings);
		free(sec->name);
	}
	free(cfg->sections);
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

const char *
aws_ca_bundle(const struct aws_config *cfg)
{
	const char *ca = aws_env("AWS_CA_BUNDLE");

	return ca != NULL ? ca : aws_config_get(cfg, "ca_bundle");
}
