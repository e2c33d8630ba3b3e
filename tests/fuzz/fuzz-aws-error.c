/*
 * fuzz-aws-error.c - AWS error bodies (JSON and XML) and the XML leaf
 * reader, as a broken or hostile endpoint may send them.  The first byte
 * picks the HTTP status class and whether an x-amzn-ErrorType header came.
 */
#include <stdint.h>
#include <string.h>

#include "aws.h"
#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[128], msg[512];
	const char *body, *etype = NULL;
	struct buf leaf;
	long status;

	if (size < 1)
		return 0;
	status = 400 + (data[0] & 0x7f);
	body = (const char *)data + 1;
	size--;
	if (data[0] & 0x80)
		etype = "SomeException:http://internal.amazon.com/";
	aws_parse_error(status, etype, body, size, code, sizeof(code), msg,
	    sizeof(msg));
	buf_init(&leaf);
	(void)aws_xml_leaf(body, size, "Message", &leaf);
	buf_release(&leaf);
	return 0;
}
