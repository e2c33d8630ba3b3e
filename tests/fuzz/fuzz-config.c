/*
 * fuzz-config.c - the shared config and credentials files' INI dialect
 * (aws_config_parse), as a user's or a hostile tool's file may hold it.
 * The first byte picks the file kind and the profile looked for.  Checks
 * that every setting stored can be looked up, that a failure says why, and
 * that the profile is found exactly when a section recorded in
 * cfg.profiles names it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "awsconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every setting of a section stored can be looked up where it was read. */
static void
check_section(const struct aws_config *cfg, const struct aws_section *sec)
{
	const struct aws_setting *s;
	size_t j;

	if (sec->name[0] == '\0' ||
	    aws_config_section(cfg, sec->kind, sec->name) == NULL)
		__builtin_trap();
	for (j = 0; j < sec->nsettings; j++) {
		if (sec->settings[j].value[0] == '\0')
			continue;
		if (sec->kind == AWS_SECTION_SSO_SESSION)
			s = aws_sso_session_value(cfg, sec->name,
			    sec->settings[j].key) != NULL ? &sec->settings[j] :
			    NULL;
		else
			s = aws_profile_setting(cfg, sec->name,
			    sec->settings[j].key, sec->in_credentials ?
			    AWS_FILE_CREDENTIALS : AWS_FILE_CONFIG);
		if (s != &sec->settings[j])
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const profiles[] = {
		"default", "dev", "ci", "x y",
	};
	struct aws_config cfg;
	struct lc_err err;
	char profile[8];
	int found = 0, is_config, named = 0;
	size_t i;

	if (size < 1)
		return 0;
	is_config = data[0] & 1;
	memset(&cfg, 0, sizeof cfg);
	snprintf(profile, sizeof profile, "%s", profiles[(data[0] >> 1) & 3]);
	cfg.profile = profile;
	lc_error_clear(&err);
	if (aws_config_parse(&cfg, "fuzz/config", (const char *)data + 1,
	    size - 1, is_config, &found, &err) == 0) {
		for (i = 0; i < cfg.nsections; i++)
			check_section(&cfg, &cfg.sections[i]);
		for (i = 0; i < cfg.profiles.n; i++) {
			if (cfg.profiles.names[i][0] == '\0')
				__builtin_trap();
			named |= strcmp(cfg.profiles.names[i], profile) == 0;
		}
		if (named != found)
			__builtin_trap();
	} else if (err.msg[0] == '\0')
		__builtin_trap();
	cfg.profile = NULL;
	aws_config_release(&cfg);
	return 0;
}
