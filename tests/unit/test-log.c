/* test-log.c - redaction of secrets, tokens and signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static int
teardown(void **state)
{
	(void)state;
	log_forget_secrets();
	return 0;
}

/* Redacts s and compares with want. */
static void
redacts_to(const char *s, const char *want)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, s);
	log_redact(&b);
	assert_string_equal(b.data, want);
	/* Idempotent: a second pass changes nothing. */
	log_redact(&b);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void
test_authorization(void **state)
{
	(void)state;
	redacts_to("> Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261122/"
	    "us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, "
	    "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e"
	    "92efbe5d6b",
	    "> Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261122/"
	    "us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, "
	    "Signature=<redacted>");
}

static void
test_token_header_and_query(void **state)
{
	(void)state;
	redacts_to("x-amz-security-token: FwoGZXIvYXdzE/+x==\nnext: line",
	    "x-amz-security-token: <redacted>\nnext: line");
	redacts_to("GET /?X-Amz-Security-Token=Fwo%2Fx&X-Amz-Signature=abc123 "
	    "HTTP/1.1",
	    "GET /?X-Amz-Security-Token=<redacted>&X-Amz-Signature=<redacted> "
	    "HTTP/1.1");
}

static void
test_registered_secret(void **state)
{
	(void)state;
	log_secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	redacts_to("secret=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY and again "
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY.",
	    "secret=<redacted> and again <redacted>.");
	log_forget_secrets();
	redacts_to("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
}

static void
test_short_secret_ignored(void **state)
{
	(void)state;
	log_secret("b");
	redacts_to("a bob by the book", "a bob by the book");
}

/* What a function printing its environment shows, short keys too. */
static void
test_environment(void **state)
{
	(void)state;
	redacts_to("AWS_ACCESS_KEY_ID=AKID\nAWS_SECRET_ACCESS_KEY=short\n"
	    "AWS_SESSION_TOKEN=tok en\nHOME=/\n",
	    "AWS_ACCESS_KEY_ID=AKID\nAWS_SECRET_ACCESS_KEY=<redacted>\n"
	    "AWS_SESSION_TOKEN=<redacted> en\nHOME=/\n");
	/* export -p and JSON quote the value. */
	redacts_to("declare -x AWS_SECRET_ACCESS_KEY=\"abc\"\n"
	    "export AWS_SESSION_TOKEN='xyz'",
	    "declare -x AWS_SECRET_ACCESS_KEY=\"<redacted>\"\n"
	    "export AWS_SESSION_TOKEN='<redacted>'");
}

/* A function's log may hold NUL bytes: the secret after one goes too. */
static void
test_secret_past_nul(void **state)
{
	static const char in[] = "a\0key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY!";
	static const char want[] = "a\0key <redacted>!";
	struct buf b = BUF_INIT;

	(void)state;
	log_secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	buf_add(&b, in, sizeof in - 1);
	log_redact(&b);
	assert_int_equal(b.len, sizeof want - 1);
	assert_memory_equal(b.data, want, sizeof want - 1);
	buf_release(&b);
}

static void
test_nothing_to_redact(void **state)
{
	(void)state;
	redacts_to("", "");
	redacts_to("Signature=", "Signature=");
	redacts_to("plain text", "plain text");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_authorization, teardown),
		cmocka_unit_test_teardown(test_token_header_and_query, teardown),
		cmocka_unit_test_teardown(test_registered_secret, teardown),
		cmocka_unit_test_teardown(test_short_secret_ignored, teardown),
		cmocka_unit_test_teardown(test_environment, teardown),
		cmocka_unit_test_teardown(test_secret_past_nul, teardown),
		cmocka_unit_test_teardown(test_nothing_to_redact, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
