/*
 * test-endpoint.c - where requests go: the region's and the endpoint URL's
 * precedence over flags, the environment, lambda.yml and the profile, each
 * case in a temporary directory with a cleared environment.  Endpoint URL
 * parsing itself is tested in test-aws.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "awsconfig.h"
#include "buf.h"
#include "endpoint.h"
#include "err.h"
#include "testawsenv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static const struct region_case {
	const char	*flag, *env, *env_default, *profile, *manifest;
	const char	*want;
} region_cases[] = {
	{ "eu-north-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	    "eu-north-1" },
	{ NULL, "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	    "us-east-1" },
	{ "", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	    "us-east-1" },
	{ NULL, NULL, "us-east-2", "us-west-1", "us-west-2", "us-east-2" },
	{ NULL, "", "us-east-2", "us-west-1", "us-west-2", "us-east-2" },
	{ NULL, NULL, NULL, "us-west-1", "us-west-2", "us-west-2" },
	{ NULL, "", "", "us-west-1", "us-west-2", "us-west-2" },
	{ NULL, NULL, NULL, "us-west-1", NULL, "us-west-1" },
	{ NULL, "", "", "us-west-1", "", "us-west-1" },
	{ NULL, NULL, NULL, NULL, "us-west-2", "us-west-2" },
	{ NULL, "", "", "", "us-west-2", "us-west-2" },
};

/* Region: flag > AWS_REGION > AWS_DEFAULT_REGION > manifest > profile. */
static void
test_region_precedence(void **state)
{
	const struct region_case *t;
	struct aws_config cfg;
	struct lc_err err;
	char *text, *region;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(region_cases); i++) {
		t = &region_cases[i];
		print_message("# want %s\n", t->want);
		reset_env();
		set_env("AWS_REGION", t->env);
		set_env("AWS_DEFAULT_REGION", t->env_default);
		text = t->profile == NULL ? NULL :
		    xasprintf("[default]\nregion = %s\n", t->profile);
		write_file(config, text);
		free(text);
		load_ok(&cfg, NULL);
		if (region_resolve(&region, t->flag, &cfg, t->manifest,
		    &err) == -1)
			fail_msg("%s", err.msg);
		assert_string_equal(region, t->want);
		free(region);
		aws_config_release(&cfg);
	}
}

/* No region anywhere, empty strings included. */
static void
test_region_none(void **state)
{
	struct aws_config cfg;
	struct lc_err err;
	char *region = (char *)"sentinel";

	(void)state;
	setenv("AWS_REGION", "", 1);
	setenv("AWS_DEFAULT_REGION", "", 1);
	write_file(config, "[default]\nregion =\n");
	load_ok(&cfg, NULL);
	assert_int_equal(region_resolve(&region, "", &cfg, "", &err), -1);
	assert_null(region);
	assert_int_equal(err.status, LC_ECONFIG);
	assert_string_equal(err.msg, "no region set (use --region, "
	    "AWS_REGION, 'region' in the profile, or 'region' in "
	    "lambda.yml)");
	region = (char *)"sentinel";
	assert_int_equal(region_resolve(&region, NULL, &cfg, NULL, &err), -1);
	assert_null(region);
	aws_config_release(&cfg);
}

static const struct endpoint_case {
	const char	*name;
	const char	*service, *flag;
	const char	*env_name, *env_value;	/* a service's variable */
	const char	*env_generic, *profile, *ignore, *profile_ignore;
	const char	*region, *want;
} endpoint_cases[] = {
	{ "flag first", "lambda", "http://flag:1/",
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", NULL, NULL, "us-east-1", "http://flag:1" },
	{ "lambda variable", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", NULL, NULL, "us-east-1", "http://svc:2" },
	{ "logs variable", "logs", NULL,
	    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://logs:2",
	    "http://all:3", NULL, NULL, NULL, "us-east-1", "http://logs:2" },
	{ "sts variable", "sts", "",
	    "AWS_ENDPOINT_URL_STS", "http://sts:2/", "http://all:3", NULL,
	    NULL, NULL, "us-east-1", "http://sts:2" },
	{ "other service variable", "api-gateway", NULL,
	    "AWS_ENDPOINT_URL_API_GATEWAY", "http://apigw:2",
	    "http://all:3", NULL, NULL, NULL, "us-east-1",
	    "http://apigw:2" },
	{ "another service's variable", "lambda", NULL,
	    "AWS_ENDPOINT_URL_STS", "http://sts:2", "http://all:3", NULL,
	    NULL, NULL, "us-east-1", "http://all:3" },
	{ "empty service variable", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "", "http://all:3", NULL, NULL, NULL,
	    "us-east-1", "http://all:3" },
	{ "generic variable", "lambda", NULL, NULL, NULL, "http://all:3",
	    "http://profile:4", NULL, NULL, "us-east-1", "http://all:3" },
	{ "profile", "lambda", NULL, NULL, NULL, "", "http://profile:4///",
	    NULL, NULL, "us-east-1", "http://profile:4" },
	{ "default lambda", "lambda", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, "us-east-1", "https://lambda.us-east-1.amazonaws.com" },
	{ "default logs", "logs", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    "eu-west-1", "https://logs.eu-west-1.amazonaws.com" },
	{ "default china", "lambda", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, "cn-north-1",
	    "https://lambda.cn-north-1.amazonaws.com.cn" },
	{ "default china sts", "sts", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, "cn-northwest-1",
	    "https://sts.cn-northwest-1.amazonaws.com.cn" },
	{ "ignore configured", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", "TRUE", NULL, "us-east-1",
	    "https://lambda.us-east-1.amazonaws.com" },
	{ "ignore configured keeps the flag", "lambda", "http://flag:1",
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", "true", NULL, "us-east-1", "http://flag:1" },
	{ "ignore configured false", "lambda", NULL,
	    "AWS_ENDPOINT_URL_LAMBDA", "http://svc:2", "http://all:3",
	    "http://profile:4", "false", "true", "us-east-1",
	    "http://svc:2" },
	{ "ignore configured in the profile", "lambda", NULL,
	    NULL, NULL, "http://all:3", "http://profile:4", NULL, "True",
	    "us-east-1", "https://lambda.us-east-1.amazonaws.com" },
};

/* Endpoint: flag > service variable > AWS_ENDPOINT_URL > profile. */
static void
test_endpoint_precedence(void **state)
{
	const struct endpoint_case *t;
	struct aws_config cfg;
	struct buf text = BUF_INIT;
	char *url;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(endpoint_cases); i++) {
		t = &endpoint_cases[i];
		print_message("# %s\n", t->name);
		reset_env();
		if (t->env_name != NULL)
			setenv(t->env_name, t->env_value, 1);
		set_env("AWS_ENDPOINT_URL", t->env_generic);
		set_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", t->ignore);
		buf_reset(&text);
		buf_adds(&text, "[default]\n");
		if (t->profile != NULL)
			buf_addf(&text, "endpoint_url = %s\n", t->profile);
		if (t->profile_ignore != NULL)
			buf_addf(&text, "ignore_configured_endpoint_urls = "
			    "%s\n", t->profile_ignore);
		write_file(config, text.data);
		load_ok(&cfg, NULL);
		url = endpoint_resolve(t->flag, t->service, &cfg, t->region);
		assert_string_equal(url, t->want);
		free(url);
		aws_config_release(&cfg);
	}
	buf_release(&text);

	/* No configuration at all. */
	reset_env();
	url = endpoint_resolve(NULL, "lambda", NULL, "us-east-1");
	assert_string_equal(url, "https://lambda.us-east-1.amazonaws.com");
	free(url);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_region_precedence),
		T(test_region_none),
		T(test_endpoint_precedence),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
