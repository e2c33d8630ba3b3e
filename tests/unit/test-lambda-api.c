/*
 * test-lambda-api.c - FunctionConfiguration parsing (documents shaped like
 * the Lambda API reference's), the request bodies (lambda-json.c), and the
 * streamed upload body (upload.c) checked against a one-shot
 * EVP_EncodeBlock of the same file,
 * an independent SHA-256 and a cJSON parse of the whole body.  The HTTP
 * calls themselves are checked against moto outside the unit tests, but
 * for what moto cannot answer (a PublishVersion whose Version is not a
 * number), which the scripted server (testhttp.h) does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "buf.h"
#include "err.h"
#include "http.h"
#include "lambda-api.h"
#include "testhttp.h"
#include "testutil.h"
#include "upload.h"
#include "xmalloc.h"

#define PH	"@@ZIP-PLACEHOLDER@@"

/* A GetFunction "Configuration", as in the API reference's examples. */
static const char full_doc[] =
"{"
"\"FunctionName\":\"my-function\","
"\"FunctionArn\":\"arn:aws:lambda:us-west-2:123456789012:function:"
    "my-function\","
"\"Runtime\":\"nodejs20.x\","
"\"Role\":\"arn:aws:iam::123456789012:role/lambda-role\","
"\"Handler\":\"index.handler\","
"\"CodeSize\":5797206,"
"\"Description\":\"Process image objects from Amazon S3.\","
"\"Timeout\":15,"
"\"MemorySize\":256,"
"\"LastModified\":\"2020-04-10T19:06:32.563+0000\","
"\"CodeSha256\":\"YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=\","
"\"Version\":\"$LATEST\","
"\"VpcConfig\":{\"SubnetIds\":[],\"SecurityGroupIds\":[],\"VpcId\":\"\"},"
"\"Environment\":{\"Variables\":{\"PREFIX\":\"inbound\","
    "\"BUCKET\":\"my-bucket-1xpuxmplzrlbh\","
    "\"DB_PASSWORD\":\"s3cr3t-hunter2\"}},"
"\"KMSKeyArn\":\"arn:aws:kms:us-west-2:123456789012:key/"
    "b0844d6c-xmpl-4463-97a4-d49f50839966\","
"\"TracingConfig\":{\"Mode\":\"Active\"},"
"\"RevisionId\":\"28f0fb31-5c5c-43d3-8955-03e76c5c1075\","
"\"Layers\":[{\"Arn\":\"arn:aws:lambda:us-west-2:123456789012:layer:"
    "my-layer:1\",\"CodeSize\":5},"
    "{\"Arn\":\"arn:aws:lambda:us-west-2:123456789012:layer:other:7\","
    "\"CodeSize\":1234}],"
"\"State\":\"Pending\","
"\"StateReason\":\"The function is being created.\","
"\"StateReasonCode\":\"Creating\","
"\"LastUpdateStatus\":\"InProgress\","
"\"LastUpdateStatusReason\":\"The function is being updated.\","
"\"LastUpdateStatusReasonCode\":\"Creating\","
"\"PackageType\":\"Zip\","
"\"Architectures\":[\"arm64\"],"
"\"EphemeralStorage\":{\"Size\":1024},"
"\"SnapStart\":{\"ApplyOn\":\"None\",\"OptimizationStatus\":\"Off\"},"
"\"LoggingConfig\":{\"LogFormat\":\"Text\","
    "\"LogGroup\":\"/aws/lambda/my-function\"}"
"}";

/* The least a provided.al2023 function can report. */
static const char min_doc[] =
"{\"FunctionName\":\"tiny\",\"Runtime\":\"provided.al2023\","
"\"Handler\":null,\"Version\":\"$LATEST\"}";

static void
test_parse_full(void **state)
{
	struct lambda_config cfg;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lambda_config_parse("GetFunction", full_doc,
	    strlen(full_doc), &cfg, &err), 0);
	assert_string_equal(cfg.name, "my-function");
	assert_string_equal(cfg.arn, "arn:aws:lambda:us-west-2:123456789012:"
	    "function:my-function");
	assert_string_equal(cfg.runtime, "nodejs20.x");
	assert_string_equal(cfg.handler, "index.handler");
	assert_string_equal(cfg.role,
	    "arn:aws:iam::123456789012:role/lambda-role");
	assert_string_equal(cfg.description,
	    "Process image objects from Amazon S3.");
	assert_string_equal(cfg.architecture, "arm64");
	assert_int_equal(cfg.memory, 256);
	assert_int_equal(cfg.timeout, 15);
	assert_int_equal(cfg.ephemeral_storage, 1024);
	assert_int_equal(cfg.code_size, 5797206);
	assert_string_equal(cfg.code_sha256,
	    "YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=");
	assert_string_equal(cfg.revision_id,
	    "28f0fb31-5c5c-43d3-8955-03e76c5c1075");
	assert_string_equal(cfg.version, "$LATEST");
	assert_string_equal(cfg.last_modified, "2020-04-10T19:06:32.563+0000");
	assert_string_equal(cfg.state, "Pending");
	assert_string_equal(cfg.state_reason, "The function is being created.");
	assert_string_equal(cfg.last_update_status, "InProgress");
	assert_string_equal(cfg.last_update_status_reason,
	    "The function is being updated.");
	/* Sorted by key, whatever the order in the document. */
	assert_int_equal(cfg.nenv, 3);
	assert_string_equal(cfg.env[0].key, "BUCKET");
	assert_string_equal(cfg.env[0].value, "my-bucket-1xpuxmplzrlbh");
	assert_string_equal(cfg.env[1].key, "DB_PASSWORD");
	assert_string_equal(cfg.env[1].value, "s3cr3t-hunter2");
	assert_string_equal(cfg.env[2].key, "PREFIX");
	assert_string_equal(cfg.env[2].value, "inbound");
	assert_int_equal(cfg.nlayers, 2);
	assert_string_equal(cfg.layers[0],
	    "arn:aws:lambda:us-west-2:123456789012:layer:my-layer:1");
	assert_string_equal(cfg.layers[1],
	    "arn:aws:lambda:us-west-2:123456789012:layer:other:7");
	lambda_config_release(&cfg);
	assert_null(cfg.name);
	assert_null(cfg.env);
	assert_int_equal(cfg.nenv, 0);
	lambda_config_release(&cfg);	/* twice is harmless */
}

static void
test_parse_defaults(void **state)
{
	struct lambda_config cfg;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lambda_config_parse("ListFunctions", min_doc,
	    strlen(min_doc), &cfg, &err), 0);
	assert_string_equal(cfg.name, "tiny");
	assert_string_equal(cfg.runtime, "provided.al2023");
	assert_null(cfg.handler);		/* null counts as missing */
	assert_null(cfg.arn);
	assert_null(cfg.role);
	assert_string_equal(cfg.description, "");
	assert_string_equal(cfg.architecture, "x86_64");
	assert_int_equal(cfg.ephemeral_storage, 512);
	assert_int_equal(cfg.memory, 0);
	assert_int_equal(cfg.timeout, 0);
	assert_int_equal(cfg.code_size, 0);
	assert_null(cfg.env);
	assert_int_equal(cfg.nenv, 0);
	assert_null(cfg.layers);
	assert_int_equal(cfg.nlayers, 0);
	assert_null(cfg.code_sha256);
	assert_null(cfg.revision_id);
	assert_string_equal(cfg.version, "$LATEST");
	assert_null(cfg.last_modified);
	assert_null(cfg.state);
	assert_null(cfg.state_reason);
	assert_null(cfg.last_update_status);
	assert_null(cfg.last_update_status_reason);
	lambda_config_release(&cfg);
}

static void
test_parse_empty_members(void **state)
{
	static const char doc[] = "{\"FunctionName\":\"f\","
	    "\"Description\":\"\",\"Environment\":{\"Variables\":{}},"
	    "\"Layers\":[],\"Architectures\":[],\"EphemeralStorage\":{}}";
	static const char doc2[] = "{\"FunctionName\":\"f\","
	    "\"Environment\":{\"Error\":{\"ErrorCode\":\"x\","
	    "\"Message\":\"y\"}}}";
	struct lambda_config cfg;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lambda_config_parse("Op", doc, strlen(doc), &cfg,
	    &err), 0);
	assert_string_equal(cfg.description, "");
	assert_int_equal(cfg.nenv, 0);
	assert_int_equal(cfg.nlayers, 0);
	assert_string_equal(cfg.architecture, "x86_64");
	assert_int_equal(cfg.ephemeral_storage, 512);
	lambda_config_release(&cfg);
	assert_int_equal(lambda_config_parse("Op", doc2, strlen(doc2), &cfg,
	    &err), 0);
	assert_int_equal(cfg.nenv, 0);
	lambda_config_release(&cfg);
}

struct bad_case {
	const char	*doc;
	const char	*msg;
};

static void
test_parse_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "", "GetFunction: the response is not valid JSON" },
		{ "{\"FunctionName\":", "GetFunction: the response is not "
		    "valid JSON" },
		{ "<html>Bad Gateway</html>", "GetFunction: the response is "
		    "not valid JSON" },
		{ "[]", "GetFunction: unexpected response: the function "
		    "configuration is not a JSON object" },
		{ "{\"Runtime\":\"java21\"}", "GetFunction: unexpected "
		    "response: no FunctionName" },
		{ "{\"FunctionName\":\"f\",\"MemorySize\":\"128\"}",
		    "GetFunction: unexpected response: 'MemorySize' is not a "
		    "number" },
		{ "{\"FunctionName\":7}", "GetFunction: unexpected response: "
		    "'FunctionName' is not a string" },
		{ "{\"FunctionName\":\"f\",\"Layers\":{}}", "GetFunction: "
		    "unexpected response: 'Layers' is not an array" },
		{ "{\"FunctionName\":\"f\",\"Layers\":[{\"CodeSize\":1}]}",
		    "GetFunction: unexpected response: 'Layers[].Arn' is not "
		    "present" },
		{ "{\"FunctionName\":\"f\",\"Environment\":[]}", "GetFunction: "
		    "unexpected response: 'Environment' is not an object" },
		{ "{\"FunctionName\":\"f\",\"Architectures\":[1]}",
		    "GetFunction: unexpected response: 'Architectures[]' is "
		    "not a string" },
		/* Numbers: whole, finite and in range, or refused. */
		{ "{\"FunctionName\":\"f\",\"MemorySize\":1e300}",
		    "GetFunction: unexpected response: 'MemorySize' is "
		    "1e+300, not a whole number from 128 to 1048576" },
		{ "{\"FunctionName\":\"f\",\"MemorySize\":-1}",
		    "GetFunction: unexpected response: 'MemorySize' is -1, "
		    "not a whole number from 128 to 1048576" },
		{ "{\"FunctionName\":\"f\",\"MemorySize\":128.5}",
		    "GetFunction: unexpected response: 'MemorySize' is "
		    "128.5, not a whole number from 128 to 1048576" },
		{ "{\"FunctionName\":\"f\",\"MemorySize\":"
		    "9223372036854775808}",
		    "GetFunction: unexpected response: 'MemorySize' is "
		    "9.22337e+18, not a whole number from 128 to 1048576" },
		{ "{\"FunctionName\":\"f\",\"Timeout\":1e999}",
		    "GetFunction: unexpected response: 'Timeout' is inf, not "
		    "a whole number from 1 to 86400" },
		{ "{\"FunctionName\":\"f\",\"Timeout\":-1e999}",
		    "GetFunction: unexpected response: 'Timeout' is -inf, "
		    "not a whole number from 1 to 86400" },
		{ "{\"FunctionName\":\"f\",\"Timeout\":0}",
		    "GetFunction: unexpected response: 'Timeout' is 0, not a "
		    "whole number from 1 to 86400" },
		{ "{\"FunctionName\":\"f\",\"Timeout\":"
		    "-9223372036854775809}",
		    "GetFunction: unexpected response: 'Timeout' is "
		    "-9.22337e+18, not a whole number from 1 to 86400" },
		{ "{\"FunctionName\":\"f\",\"CodeSize\":1e20}",
		    "GetFunction: unexpected response: 'CodeSize' is 1e+20, "
		    "not a whole number from 0 to 9007199254740992" },
		{ "{\"FunctionName\":\"f\",\"CodeSize\":-5}",
		    "GetFunction: unexpected response: 'CodeSize' is -5, not "
		    "a whole number from 0 to 9007199254740992" },
		{ "{\"FunctionName\":\"f\",\"CodeSize\":0.5}",
		    "GetFunction: unexpected response: 'CodeSize' is 0.5, not "
		    "a whole number from 0 to 9007199254740992" },
		{ "{\"FunctionName\":\"f\",\"EphemeralStorage\":"
		    "{\"Size\":1e300}}",
		    "GetFunction: unexpected response: 'EphemeralStorage.Size' "
		    "is 1e+300, not a whole number from 512 to 1048576" },
		{ "{\"FunctionName\":\"f\",\"EphemeralStorage\":"
		    "{\"Size\":-512}}",
		    "GetFunction: unexpected response: 'EphemeralStorage.Size' "
		    "is -512, not a whole number from 512 to 1048576" },
		{ "{\"FunctionName\":\"f\",\"EphemeralStorage\":"
		    "{\"Size\":\"512\"}}",
		    "GetFunction: unexpected response: 'EphemeralStorage.Size' "
		    "is not a number" },
		/* The value is never quoted; the key may be. */
		{ "{\"FunctionName\":\"f\",\"Environment\":{\"Variables\":"
		    "{\"A\":\"s3cr3t-value\",\"TOKEN\":{\"v\":\"s3cr3t\"}}}}",
		    "GetFunction: unexpected response: environment variable "
		    "'TOKEN' is not a string" },
	};
	struct lambda_config cfg;
	struct lc_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&err, 0, sizeof err);
		print_message("# case %zu\n", i);
		assert_int_equal(lambda_config_parse("GetFunction",
		    cases[i].doc, strlen(cases[i].doc), &cfg, &err), -1);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(err.status, LC_EFAIL);
		assert_null(cfg.name);	/* released on failure */
		assert_null(strstr(err.msg, "s3cr3t"));
		lambda_config_release(&cfg);
	}
}

/* The bounds themselves are read as they are. */
static void
test_parse_bounds(void **state)
{
	static const char lo[] = "{\"FunctionName\":\"f\",\"MemorySize\":128,"
	    "\"Timeout\":1,\"CodeSize\":0,\"EphemeralStorage\":{\"Size\":512}}";
	static const char hi[] = "{\"FunctionName\":\"f\","
	    "\"MemorySize\":1048576,\"Timeout\":86400,"
	    "\"CodeSize\":9007199254740992,\"EphemeralStorage\":"
	    "{\"Size\":10240.0}}";
	struct lambda_config cfg;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lambda_config_parse("Op", lo, strlen(lo), &cfg,
	    &err), 0);
	assert_int_equal(cfg.memory, 128);
	assert_int_equal(cfg.timeout, 1);
	assert_int_equal(cfg.code_size, 0);
	assert_int_equal(cfg.ephemeral_storage, 512);
	lambda_config_release(&cfg);
	assert_int_equal(lambda_config_parse("Op", hi, strlen(hi), &cfg,
	    &err), 0);
	assert_int_equal(cfg.memory, 1048576);
	assert_int_equal(cfg.timeout, 86400);
	assert_true(cfg.code_size == INT64_C(9007199254740992));
	assert_int_equal(cfg.ephemeral_storage, 10240);
	lambda_config_release(&cfg);
}

/* The parse honours the length, not a NUL. */
static void
test_parse_length(void **state)
{
	struct lambda_config cfg;
	struct lc_err err = { 0 };
	char *doc = xasprintf("%sGARBAGE", min_doc);

	(void)state;
	assert_int_equal(lambda_config_parse("Op", doc, strlen(min_doc), &cfg,
	    &err), 0);
	assert_string_equal(cfg.name, "tiny");
	lambda_config_release(&cfg);
	assert_int_equal(lambda_config_parse("Op", doc, strlen(min_doc) - 1,
	    &cfg, &err), -1);
	assert_string_equal(err.msg, "Op: the response is not valid JSON");
	free(doc);
}

/* GetFunction's Tags: sorted by key; only a map of strings is read. */
static void
test_function_tags(void **state)
{
	static const char doc[] = "{\"Configuration\":{\"FunctionName\":"
	    "\"f\"},\"Code\":{},\"Tags\":{\"team\":\"data\","
	    "\"lambdactl:url\":\"\",\"lambdactl:sqs:u-1\":"
	    "\"arn:aws:sqs:us-east-1:1:q\"}}";
	static const char nulltags[] = "{\"Configuration\":"
	    "{\"FunctionName\":\"f\"},\"Tags\":null}";
	static const struct bad_case bad[] = {
		{ "{\"Configuration\":{\"FunctionName\":\"f\"},\"Tags\":[]}",
		    "GetFunction: unexpected response: 'Tags' is not an "
		    "object" },
		{ "{\"Configuration\":{\"FunctionName\":\"f\"},\"Tags\":"
		    "{\"a\":\"1\",\"team\":7}}", "GetFunction: unexpected "
		    "response: tag 'team' is not a string" },
	};
	struct lambda_config cfg;
	struct lc_err err = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(lambda_function_parse(doc, strlen(doc), &cfg, &err),
	    0);
	assert_int_equal(cfg.ntags, 3);
	assert_string_equal(cfg.tags[0].key, "lambdactl:sqs:u-1");
	assert_string_equal(cfg.tags[0].value, "arn:aws:sqs:us-east-1:1:q");
	assert_string_equal(cfg.tags[1].key, "lambdactl:url");
	assert_string_equal(cfg.tags[1].value, "");
	assert_string_equal(cfg.tags[2].key, "team");
	assert_string_equal(cfg.tags[2].value, "data");
	lambda_config_release(&cfg);
	assert_null(cfg.tags);
	assert_int_equal(cfg.ntags, 0);
	/* None: no tags; nor from a FunctionConfiguration alone. */
	assert_int_equal(lambda_function_parse(nulltags, strlen(nulltags),
	    &cfg, &err), 0);
	assert_null(cfg.tags);
	assert_int_equal(cfg.ntags, 0);
	lambda_config_release(&cfg);
	assert_int_equal(lambda_config_parse("Op", min_doc, strlen(min_doc),
	    &cfg, &err), 0);
	assert_null(cfg.tags);
	lambda_config_release(&cfg);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(lambda_function_parse(bad[i].doc,
		    strlen(bad[i].doc), &cfg, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(cfg.name);
		assert_null(cfg.tags);
	}
}

/* Request bodies. */

static char fn_name[] = "my-function", fn_runtime[] = "java21",
    fn_handler[] = "example.Handler::handleRequest",
    fn_role[] = "lambda-exec", fn_desc[] = "says \"hi\"\n\xc3\xa9",
    fn_arch[] = "arm64", k1[] = "A_KEY", v1[] = "va\"lue\\1",
    k2[] = "DB_PASSWORD", v2[] = "hunter2", t1[] = "team", tv1[] = "core",
    l1[] = "arn:aws:lambda:us-east-1:123456789012:layer:a:1",
    l2[] = "arn:aws:lambda:us-east-1:123456789012:layer:b:2";
static struct manifest_kv fn_env[] = { { k1, v1 }, { k2, v2 } };
static struct manifest_kv fn_tags[] = { { t1, tv1 } };
static char *fn_layers[] = { l1, l2 };

static struct manifest_fn
full_fn(void)
{
	struct manifest_fn fn;

	memset(&fn, 0, sizeof fn);
	fn.name = fn_name;
	fn.runtime = fn_runtime;
	fn.handler = fn_handler;
	fn.role = fn_role;
	fn.description = fn_desc;
	fn.architecture = fn_arch;
	fn.memory = 1024;
	fn.timeout = 30;
	fn.ephemeral_storage = 2048;
	fn.env = fn_env;
	fn.nenv = 2;
	fn.tags = fn_tags;
	fn.ntags = 1;
	fn.layers = fn_layers;
	fn.nlayers = 2;
	return fn;
}

static struct manifest_fn
bare_fn(void)
{
	struct manifest_fn fn;

	memset(&fn, 0, sizeof fn);
	fn.name = fn_name;
	fn.runtime = fn_runtime;
	fn.role = fn_role;
	fn.architecture = fn_arch;
	fn.memory = 128;
	fn.timeout = 3;
	fn.ephemeral_storage = 512;
	return fn;
}

static cJSON *
parse_body(char *s)
{
	cJSON *o = cJSON_Parse(s);

	assert_non_null(o);
	free_secret(s);
	return o;
}

static const char *
jstr_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static double
jnum_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static int
has(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k) != NULL;
}

static void
test_create_json(void **state)
{
	struct manifest_fn fn = full_fn();
	cJSON *o, *a, *vars;

	(void)state;
	o = parse_body(lambda_create_json(&fn,
	    "arn:aws:iam::123456789012:role/lambda-exec", 1, PH));
	assert_string_equal(jstr_at(o, "FunctionName", NULL), "my-function");
	assert_string_equal(jstr_at(o, "Runtime", NULL), "java21");
	assert_string_equal(jstr_at(o, "Role", NULL),
	    "arn:aws:iam::123456789012:role/lambda-exec");
	assert_string_equal(jstr_at(o, "Handler", NULL),
	    "example.Handler::handleRequest");
	assert_string_equal(jstr_at(o, "Description", NULL), fn_desc);
	assert_int_equal(jnum_at(o, "Timeout", NULL), 30);
	assert_int_equal(jnum_at(o, "MemorySize", NULL), 1024);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "Publish")));
	assert_string_equal(jstr_at(o, "PackageType", NULL), "Zip");
	vars = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "Environment"),
	    "Variables");
	assert_int_equal(cJSON_GetArraySize(vars), 2);
	assert_string_equal(jstr_at(vars, "A_KEY", NULL), v1);
	assert_string_equal(jstr_at(vars, "DB_PASSWORD", NULL), v2);
	a = cJSON_GetObjectItem(o, "Architectures");
	assert_int_equal(cJSON_GetArraySize(a), 1);
	assert_string_equal(cJSON_GetArrayItem(a, 0)->valuestring, "arm64");
	a = cJSON_GetObjectItem(o, "Layers");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	assert_string_equal(cJSON_GetArrayItem(a, 0)->valuestring, l1);
	assert_string_equal(cJSON_GetArrayItem(a, 1)->valuestring, l2);
	assert_string_equal(jstr_at(o, "Tags", "team"), "core");
	assert_int_equal(jnum_at(o, "EphemeralStorage", "Size"), 2048);
	assert_string_equal(jstr_at(o, "Code", "ZipFile"), PH);
	cJSON_Delete(o);

	/* Without the optional parts; the bare role name when no ARN. */
	fn = bare_fn();
	o = parse_body(lambda_create_json(&fn, NULL, 0, PH));
	assert_string_equal(jstr_at(o, "Role", NULL), "lambda-exec");
	assert_false(has(o, "Handler"));
	assert_false(has(o, "Description"));
	assert_false(has(o, "Layers"));
	assert_false(has(o, "Tags"));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "Publish")));
	vars = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "Environment"),
	    "Variables");
	assert_true(cJSON_IsObject(vars));
	assert_int_equal(cJSON_GetArraySize(vars), 0);
	assert_int_equal(jnum_at(o, "EphemeralStorage", "Size"), 512);
	cJSON_Delete(o);
}

static void
test_config_json(void **state)
{
	struct manifest_fn fn = full_fn();
	cJSON *o, *a, *vars;

	(void)state;
	o = parse_body(lambda_config_json(&fn, "arn:aws:iam::1:role/r",
	    "rev-1"));
	assert_false(has(o, "FunctionName"));	/* it is in the path */
	assert_false(has(o, "Code"));
	assert_string_equal(jstr_at(o, "Runtime", NULL), "java21");
	assert_string_equal(jstr_at(o, "Handler", NULL),
	    "example.Handler::handleRequest");
	assert_string_equal(jstr_at(o, "Role", NULL), "arn:aws:iam::1:role/r");
	assert_int_equal(jnum_at(o, "MemorySize", NULL), 1024);
	assert_int_equal(jnum_at(o, "Timeout", NULL), 30);
	assert_string_equal(jstr_at(o, "Description", NULL), fn_desc);
	vars = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "Environment"),
	    "Variables");
	assert_int_equal(cJSON_GetArraySize(vars), 2);
	assert_string_equal(jstr_at(vars, "DB_PASSWORD", NULL), "hunter2");
	a = cJSON_GetObjectItem(o, "Layers");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	assert_int_equal(jnum_at(o, "EphemeralStorage", "Size"), 2048);
	assert_string_equal(jstr_at(o, "RevisionId", NULL), "rev-1");
	cJSON_Delete(o);

	/* Removals: empty values rather than missing members. */
	fn = bare_fn();
	o = parse_body(lambda_config_json(&fn, NULL, NULL));
	assert_false(has(o, "Handler"));
	assert_false(has(o, "RevisionId"));
	assert_string_equal(jstr_at(o, "Description", NULL), "");
	vars = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "Environment"),
	    "Variables");
	assert_true(cJSON_IsObject(vars));
	assert_int_equal(cJSON_GetArraySize(vars), 0);
	a = cJSON_GetObjectItem(o, "Layers");
	assert_true(cJSON_IsArray(a));
	assert_int_equal(cJSON_GetArraySize(a), 0);
	cJSON_Delete(o);
}

static void
test_code_json(void **state)
{
	struct manifest_fn fn = full_fn();
	cJSON *o, *a;

	(void)state;
	o = parse_body(lambda_code_json(&fn, "rev-9", PH));
	assert_string_equal(jstr_at(o, "ZipFile", NULL), PH);
	a = cJSON_GetObjectItem(o, "Architectures");
	assert_int_equal(cJSON_GetArraySize(a), 1);
	assert_string_equal(cJSON_GetArrayItem(a, 0)->valuestring, "arm64");
	assert_string_equal(jstr_at(o, "RevisionId", NULL), "rev-9");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "Publish")));
	/* Nothing of the configuration. */
	assert_false(has(o, "MemorySize"));
	assert_false(has(o, "Environment"));
	cJSON_Delete(o);
	o = parse_body(lambda_code_json(NULL, NULL, PH));
	assert_false(has(o, "Architectures"));
	assert_false(has(o, "RevisionId"));
	cJSON_Delete(o);
}

/* Code from S3: S3Bucket and S3Key in place of ZipFile, the rest alike. */
static void
test_s3_code_json(void **state)
{
	static const struct lambda_s3_code s3 = { "artifacts", "p/app/ab.zip" };
	struct manifest_fn fn = full_fn();
	cJSON *o, *code;

	(void)state;
	o = parse_body(lambda_create_s3_json(&fn, NULL, 0, PH, &s3));
	code = cJSON_GetObjectItem(o, "Code");
	assert_non_null(code);
	assert_string_equal(cJSON_GetObjectItem(code, "S3Bucket")->valuestring,
	    "artifacts");
	assert_string_equal(cJSON_GetObjectItem(code, "S3Key")->valuestring,
	    "p/app/ab.zip");
	assert_false(has(code, "ZipFile"));
	assert_int_equal(cJSON_GetArraySize(code), 2);
	assert_true(has(o, "MemorySize"));
	cJSON_Delete(o);
	o = parse_body(lambda_code_s3_json(&fn, "rev-9", PH, &s3));
	assert_string_equal(jstr_at(o, "S3Bucket", NULL), "artifacts");
	assert_string_equal(jstr_at(o, "S3Key", NULL), "p/app/ab.zip");
	assert_false(has(o, "ZipFile"));
	assert_string_equal(jstr_at(o, "RevisionId", NULL), "rev-9");
	assert_true(has(o, "Architectures"));
	assert_false(has(o, "MemorySize"));
	cJSON_Delete(o);
}

/* The streamed body. */

struct tmpfile {
	char		 path[64];
	unsigned char	*data;
	size_t		 size;
};

/* Writes size pseudo-random bytes (a fixed seed per size) to a new file. */
static void
make_zip(struct tmpfile *t, size_t size)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ size;
	size_t i;
	int fd;

	snprintf(t->path, sizeof t->path, "/tmp/test-lambda-api.XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	t->size = size;
	t->data = xmalloc(size + 1);
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t->data[i] = (unsigned char)(x >> 24);
	}
	assert_int_equal(write(fd, t->data, size), (ssize_t)size);
	assert_int_equal(close(fd), 0);
}

static void
drop_zip(struct tmpfile *t)
{
	unlink(t->path);
	free(t->data);
}

/* The whole body read through the stream in awkward chunk sizes. */
static void
stream_drain(const struct http_stream *s, struct buf *out, size_t first)
{
	static const size_t sizes[] = { 1, 3, 7, 4093, 65537, 2, 49153, 13 };
	char *chunk = xmalloc(65537);
	size_t i = first, n, guard = 0;

	for (;;) {
		n = s->read(s->arg, chunk, sizes[i++ % 8]);
		assert_true(n != (size_t)-1);
		if (n == 0)
			break;
		buf_add(out, chunk, n);
		assert_true(++guard < 10 * 1000 * 1000);
	}
	/* Stays at the end. */
	assert_int_equal(s->read(s->arg, chunk, 100), 0);
	free(chunk);
}

static void
sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t i;

	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Checks the body for one zip size against an independent computation. */
static void
check_body(size_t size)
{
	struct manifest_fn fn = full_fn();
	struct tmpfile t;
	struct upload_body *b = NULL;
	const struct http_stream *s;
	struct lc_err err = { 0 };
	struct buf got = BUF_INIT, want = BUF_INIT;
	unsigned char *b64, *dec;
	char *json, *at, hex[65];
	const char *zf;
	cJSON *o;
	size_t b64len, pre, declen;

	print_message("# zip of %zu bytes\n", size);
	make_zip(&t, size);
	json = lambda_create_json(&fn, NULL, 1, PH);
	assert_int_equal(upload_body_open(&b, json, PH, t.path, &err), 0);
	s = upload_body_stream(b);

	/* What it must be: prefix, one-shot base64, suffix. */
	b64 = xmalloc(4 * ((size + 2) / 3) + 1);
	b64len = (size_t)EVP_EncodeBlock(b64, t.data, (int)size);
	assert_int_equal(b64len, 4 * ((size + 2) / 3));
	at = strstr(json, "\"" PH "\"");
	assert_non_null(at);
	pre = (size_t)(at - json) + 1;
	buf_add(&want, json, pre);
	buf_add(&want, b64, b64len);
	buf_adds(&want, json + pre + strlen(PH));
	assert_int_equal(s->len, want.len);

	stream_drain(s, &got, 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	sha256_hex(want.data, want.len, hex);
	assert_string_equal(upload_body_sha256(b), hex);

	/* Rewound halfway through, it starts over. */
	buf_reset(&got);
	assert_non_null(s->rewind);
	assert_true(s->read(s->arg, hex, sizeof hex - 1) != (size_t)-1);
	assert_int_equal(s->rewind(s->arg), 0);
	stream_drain(s, &got, 3);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);

	/* It is JSON, and Code.ZipFile decodes back to the file. */
	o = cJSON_ParseWithLength(got.data, got.len);
	assert_non_null(o);
	zf = jstr_at(o, "Code", "ZipFile");
	assert_int_equal(strlen(zf), b64len);
	dec = xmalloc(b64len / 4 * 3 + 1);
	declen = (size_t)EVP_DecodeBlock(dec, (const unsigned char *)zf,
	    (int)b64len);
	if (b64len > 0 && zf[b64len - 1] == '=')
		declen -= zf[b64len - 2] == '=' ? 2 : 1;
	assert_int_equal(declen, size);
	if (size > 0)
		assert_memory_equal(dec, t.data, size);
	assert_string_equal(jstr_at(cJSON_GetObjectItem(o, "Environment"),
	    "Variables", "A_KEY"), v1);
	cJSON_Delete(o);

	free(dec);
	free(b64);
	free_secret(json);
	buf_release(&got);
	buf_release(&want);
	upload_body_free(b);
	drop_zip(&t);
}

static void
test_body_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 49151, 49152, 49153,
	    1048577 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		check_body(sizes[i]);
}

static void
test_body_open_errors(void **state)
{
	static const char json[] = "{\"ZipFile\":\"" PH "\"}";
	static const char twice[] = "{\"ZipFile\":\"" PH "\",\"x\":\"" PH
	    "\"}";
	static const char bare[] = "{\"ZipFile\":\"x" PH "\"}";
	struct upload_body *b = (struct upload_body *)&b;
	struct lc_err err = { 0 };
	struct tmpfile t;
	int nfds = count_fds();

	(void)state;
	assert_int_equal(upload_body_open(&b, json, PH,
	    "/nonexistent/code.zip", &err), -1);
	assert_null(b);
	assert_string_equal(err.msg, "cannot open '/nonexistent/code.zip': "
	    "No such file or directory");
	assert_int_equal(err.status, LC_ECONFIG);
	assert_int_equal(upload_body_open(&b, json, PH, "/tmp", &err), -1);
	assert_string_equal(err.msg, "'/tmp' is not a regular file");
	make_zip(&t, 10);
	assert_int_equal(upload_body_open(&b, twice, PH, t.path, &err), -1);
	assert_string_equal(err.msg, "the request body must hold the file "
	    "placeholder exactly once");
	assert_int_equal(upload_body_open(&b, bare, PH, t.path, &err), -1);
	assert_string_equal(err.msg, "the request body must hold the file "
	    "placeholder exactly once");
	assert_int_equal(count_fds(), nfds);
	drop_zip(&t);
}

/* The file shrinks or grows between the hash pass and the upload. */
static void
test_body_changed(void **state)
{
	static const char json[] = "{\"ZipFile\":\"" PH "\"}";
	struct upload_body *b;
	const struct http_stream *s;
	struct lc_err err = { 0 };
	struct tmpfile t;
	struct buf got = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	(void)state;
	make_zip(&t, 200000);
	assert_int_equal(upload_body_open(&b, json, PH, t.path, &err), 0);
	s = upload_body_stream(b);
	/* A first chunk goes out, then the file loses its tail. */
	assert_int_equal(s->read(s->arg, chunk, sizeof chunk), sizeof chunk);
	assert_int_equal(truncate(t.path, 100000), 0);
	while ((n = s->read(s->arg, chunk, sizeof chunk)) != 0 &&
	    n != (size_t)-1)
		buf_add(&got, chunk, n);
	assert_true(n == (size_t)-1);
	/* It fails cleanly, keeps failing, and refuses a retry. */
	assert_true(s->read(s->arg, chunk, sizeof chunk) == (size_t)-1);
	assert_true(got.len < s->len);
	assert_int_equal(s->rewind(s->arg), -1);
	assert_true(s->read(s->arg, chunk, sizeof chunk) == (size_t)-1);
	upload_body_free(b);

	/* Grown: the declared length would be a lie. */
	assert_int_equal(upload_body_open(&b, json, PH, t.path, &err), 0);
	s = upload_body_stream(b);
	fp = fopen(t.path, "ab");
	assert_non_null(fp);
	assert_int_equal(fputs("more", fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	while ((n = s->read(s->arg, chunk, sizeof chunk)) != 0 &&
	    n != (size_t)-1)
		;
	assert_true(n == (size_t)-1);
	upload_body_free(b);
	buf_release(&got);
	drop_zip(&t);
}

/* PublishVersion's answer must name a published version: a number, not
 * $LATEST, nothing else. */
static void
test_publish_version(void **state)
{
	static const char *const bad[] = { "\"$LATEST\"", "\"03\"", "\"\"",
	    "\"4a\"", "4" };
	struct testhttp h;
	struct lc_err err = { 0 };
	char *version, *vstate, *body;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		body = xasprintf("{\"FunctionName\":\"api\",\"Version\":%s}",
		    bad[i]);
		testhttp_start_json(&h, 1, 201, body);
		free(body);
		print_message("# Version %s\n", bad[i]);
		assert_int_equal(lambda_publish_version(&h.client, "api",
		    "sha", "rev", NULL, &version, &vstate, &err), -1);
		assert_null(version);
		assert_null(vstate);
		assert_non_null(strstr(err.msg, "PublishVersion: unexpected "
		    "response: "));
		testhttp_stop_json(&h);
	}
	testhttp_start_json(&h, 1, 201, "{\"FunctionName\":\"api\","
	    "\"Version\":\"12\",\"State\":\"Pending\"}");
	assert_int_equal(lambda_publish_version(&h.client, "api", "sha", "rev",
	    NULL, &version, &vstate, &err), 0);
	assert_string_equal(version, "12");
	assert_string_equal(vstate, "Pending");
	assert_string_equal(h.reqs[0], "POST /2015-03-31/functions/api/"
	    "versions");
	free(version);
	free(vstate);
	testhttp_stop_json(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_empty_members),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_parse_length),
		cmocka_unit_test(test_function_tags),
		cmocka_unit_test(test_create_json),
		cmocka_unit_test(test_config_json),
		cmocka_unit_test(test_code_json),
		cmocka_unit_test(test_s3_code_json),
		cmocka_unit_test(test_body_sizes),
		cmocka_unit_test(test_body_open_errors),
		cmocka_unit_test(test_body_changed),
		cmocka_unit_test(test_publish_version),
	};

	unsetenv_prefix("AWS_");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
