/*
 * testawsenv.h - the fixture of the unit tests of awsconfig, creds and
 * endpoint: a temporary directory as $HOME holding the shared config and
 * credentials files, and an AWS_* environment cleared and pointed at them
 * (setup and teardown run around each test).  Needs cmocka.h first.
 */
#ifndef LC_TESTAWSENV_H
#define LC_TESTAWSENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconfig.h"
#include "err.h"
#include "log.h"
#include "testutil.h"

/* An example secret access key (the AWS documentation's). */
#define SECRET	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static char dir[64];
static char config[128];
static char credentials[128];

/* A clean environment pointing at the temporary directory's files. */
static inline void
reset_env(void)
{
	unsetenv_prefix("AWS_");
	/* Never the real instance metadata service (169.254.169.254). */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("HOME", dir, 1);
	setenv("AWS_CONFIG_FILE", config, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", credentials, 1);
}

/* Writes text to path, or removes path when text is NULL. */
static inline void
write_file(const char *path, const char *text)
{
	FILE *fp;

	if (text == NULL) {
		unlink(path);
		return;
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Sets or, for NULL, unsets an environment variable. */
static inline void
set_env(const char *name, const char *value)
{
	if (value == NULL)
		unsetenv(name);
	else
		setenv(name, value, 1);
}

/* Each test's own directory and environment. */
static inline int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test-awsenv.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(config, sizeof config, "%s/config", dir);
	snprintf(credentials, sizeof credentials, "%s/credentials", dir);
	reset_env();
	return 0;
}

/* Removes the directory and the files the tests write in it. */
static inline int
teardown(void **state)
{
	char path[160];

	(void)state;
	unlink(config);
	unlink(credentials);
	snprintf(path, sizeof path, "%s/cfg", dir);
	unlink(path);
	rmdir(dir);
	unsetenv_prefix("AWS_");
	log_forget_secrets();
	return 0;
}

/* Loads the configuration, failing the test on error. */
static inline void
load_ok(struct aws_config *cfg, const char *flag)
{
	struct lc_err err;

	memset(&err, 0, sizeof err);
	if (aws_config_load(cfg, flag, NULL, &err) == -1)
		fail_msg("aws_config_load: %s", err.msg);
}

/* Loads the configuration expecting the error msg. */
static inline void
load_fails(const char *flag, const char *msg)
{
	struct aws_config cfg;
	struct lc_err err;

	memset(&err, 0, sizeof err);
	assert_int_equal(aws_config_load(&cfg, flag, NULL, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_null(cfg.profile);
	assert_null(cfg.sections);
	aws_config_release(&cfg);
}

#endif
