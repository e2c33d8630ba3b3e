/* sts.c - AWS STS GetCallerIdentity (Query protocol, XML response). */
#include <stdlib.h>
#include <string.h>

#include "sts.h"

static const char gci_body[] = "Action=GetCallerIdentity&Version=2011-06-15";

int
sts_get_caller_identity(struct aws_client *c, struct sts_identity *id,
    struct lc_err *err)
{
	static const struct http_header hdr[] = {
		{ "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8" },
	};
	static const char *const tags[] = { "Account", "Arn", "UserId" };
	struct aws_request rq = { 0 };
	struct aws_response rs;
	struct buf v = BUF_INIT;
	char **fields[3];
	size_t i;
	int ret = -1;

	memset(id, 0, sizeof *id);
	fields[0] = &id->account;
	fields[1] = &id->arn;
	fields[2] = &id->user_id;
	rq.service = "sts";
	rq.op = "GetCallerIdentity";
	rq.method = "POST";
	rq.path = "/";
	rq.headers = hdr;
	rq.nheaders = 1;
	rq.body = gci_body;
	rq.body_len = sizeof gci_body - 1;
	if (aws_call(c, &rq, &rs, err) == -1)
		goto out;
	for (i = 0; i < 3; i++) {
		buf_reset(&v);
		if (aws_xml_leaf(rs.http.body.data, rs.http.body.len, tags[i],
		    &v) == -1) {
			lc_error(err, LC_EFAIL, "GetCallerIdentity: no <%s> in "
			    "the response", tags[i]);
			goto out;
		}
		*fields[i] = xstrdup(v.data);
	}
	ret = 0;
out:
	if (ret == -1)
		sts_identity_release(id);
	buf_release(&v);
	aws_response_release(&rs);
	return ret;
}

void
sts_identity_release(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof *id);
}

/* Field i (0-based) of arn and its length, or NULL when arn is not an ARN
 * or has no such field. */
static const char *
arn_field(const char *arn, int i, size_t *len)
{
	const char *p = arn;

	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return NULL;
	while (i-- > 0) {
		if ((p = strchr(p, ':')) == NULL)
			return NULL;
		p++;
	}
	*len = strcspn(p, ":");
	return p;
}

char *
sts_role_arn_like(const char *role, const char *arn, const char *account)
{
	const char *part, *acct = account;
	size_t plen, alen;

	if (strncmp(role, "arn:", 4) == 0)
		return xstrdup(role);
	if ((part = arn_field(arn, 1, &plen)) == NULL) {
		part = "aws";
		plen = 3;
	}
	if (acct != NULL)
		alen = strlen(acct);
	else if ((acct = arn_field(arn, 4, &alen)) == NULL)
		return xstrdup(role);
	return xasprintf("arn:%.*s:iam::%.*s:role/%s", (int)plen, part,
	    (int)alen, acct, role);
}

char *
sts_role_arn(const struct sts_identity *id, const char *role)
{
	return sts_role_arn_like(role, id->arn, id->account);
}
