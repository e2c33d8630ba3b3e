/*
 * sts.c - AWS STS GetCallerIdentity, AssumeRole and
 * AssumeRoleWithWebIdentity (Query protocol: a form-encoded POST, an XML
 * response read with aws_xml_leaf).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sts.h"
#include "xmalloc.h"

static const char gci_body[] = "Action=GetCallerIdentity&Version=2011-06-15";

static const struct http_header form_header[] = {
	{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
};

int
sts_get_caller_identity(struct aws_client *c, struct sts_identity *id,
    struct lc_err *err)
{
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
	rq.headers = form_header;
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

/* Appends "&name=value" to a form body, value percent-encoded. */
static void
form_add(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_addf(b, "&%s=", name);
	sigv4_uri_encode(b, value, strlen(value), 0);
}

/* Element tag of xml into *out, non-empty and without control characters. */
static int
role_leaf(const char *xml, size_t len, const char *op, const char *tag,
    int required, char **out, struct lc_err *err)
{
	struct buf v = BUF_INIT;
	const char *p;
	int rv = 0;

	*out = NULL;
	if (aws_xml_leaf(xml, len, tag, &v) == -1 || v.len == 0) {
		if (required)
			rv = lc_error(err, LC_EFAIL, "%s: no <%s> in the "
			    "response", op, tag);
		goto out;
	}
	for (p = v.data; p < v.data + v.len; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			rv = lc_error(err, LC_EFAIL, "%s: <%s> in the response "
			    "contains a control character", op, tag);
			goto out;
		}
	*out = xstrdup(v.data);
out:
	buf_wipe(&v);
	return rv;
}

int
sts_parse_role_creds(const char *xml, size_t len, const char *op,
    struct sts_role_creds *out, struct lc_err *err)
{
	memset(out, 0, sizeof *out);
	if (role_leaf(xml, len, op, "AccessKeyId", 1, &out->access_key_id,
	    err) == -1 ||
	    role_leaf(xml, len, op, "SecretAccessKey", 1,
	    &out->secret_access_key, err) == -1 ||
	    role_leaf(xml, len, op, "SessionToken", 1, &out->session_token,
	    err) == -1 ||
	    role_leaf(xml, len, op, "Expiration", 1, &out->expiration,
	    err) == -1 ||
	    role_leaf(xml, len, op, "AssumedRoleId", 0, &out->assumed_role_id,
	    err) == -1 ||
	    role_leaf(xml, len, op, "Arn", 0, &out->arn, err) == -1) {
		sts_role_creds_release(out);
		return -1;
	}
	return 0;
}

void
sts_role_creds_release(struct sts_role_creds *out)
{
	free(out->access_key_id);
	free_secret(out->secret_access_key);
	free_secret(out->session_token);
	free(out->expiration);
	free(out->assumed_role_id);
	free(out->arn);
	memset(out, 0, sizeof *out);
}

/* One AssumeRole* call: op, its parameters in a, the answer in out. */
static int
assume(struct aws_client *c, const char *op, const struct sts_assume *a,
    struct sts_role_creds *out, struct lc_err *err)
{
	struct aws_request rq = { 0 };
	struct aws_response rs;
	struct buf body = BUF_INIT;
	char dur[24];
	int ret = -1;

	memset(out, 0, sizeof *out);
	buf_addf(&body, "Action=%s&Version=2011-06-15", op);
	form_add(&body, "RoleArn", a->role_arn);
	form_add(&body, "RoleSessionName", a->session_name);
	form_add(&body, "ExternalId", a->external_id);
	form_add(&body, "SerialNumber", a->serial_number);
	form_add(&body, "TokenCode", a->token_code);
	form_add(&body, "WebIdentityToken", a->web_identity_token);
	if (a->duration > 0) {
		snprintf(dur, sizeof dur, "%ld", a->duration);
		form_add(&body, "DurationSeconds", dur);
	}
	rq.service = "sts";
	rq.op = op;
	rq.method = "POST";
	rq.path = "/";
	rq.headers = form_header;
	rq.nheaders = 1;
	rq.body = body.data;
	rq.body_len = body.len;
	if (aws_call(c, &rq, &rs, err) == 0)
		ret = sts_parse_role_creds(rs.http.body.data,
		    rs.http.body.len, op, out, err);
	buf_wipe(&rs.http.body);	/* the keys */
	aws_response_release(&rs);
	buf_wipe(&body);		/* the web identity token */
	return ret;
}

int
sts_assume_role(struct aws_client *c, const struct sts_assume *a,
    struct sts_role_creds *out, struct lc_err *err)
{
	return assume(c, "AssumeRole", a, out, err);
}

int
sts_assume_role_web_identity(struct aws_client *c, const struct sts_assume *a,
    struct sts_role_creds *out, struct lc_err *err)
{
	return assume(c, "AssumeRoleWithWebIdentity", a, out, err);
}

char *
sts_arn_account(const char *arn)
{
	const char *p;
	size_t len;

	if ((p = arn_field(arn, 4, &len)) == NULL || len == 0)
		return NULL;
	return xasprintf("%.*s", (int)len, p);
}

char *
sts_cache_key(const struct sts_assume *a)
{
	/* In sort_keys order. */
	const char *names[] = { "ExternalId", "RoleArn", "RoleSessionName",
	    "SerialNumber" };
	const char *values[] = { a->external_id, a->role_arn,
	    a->session_name, a->serial_number };
	struct buf b = BUF_INIT;
	const char *sep = "";
	size_t i;

	buf_addch(&b, '{');
	if (a->duration != 0) {
		buf_addf(&b, "\"DurationSeconds\": %ld", a->duration);
		sep = ", ";
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (values[i] == NULL)
			continue;
		buf_addf(&b, "%s\"%s\": ", sep, names[i]);
		buf_add_pyjson(&b, values[i]);
		sep = ", ";
	}
	buf_addch(&b, '}');
	return buf_detach(&b, NULL);
}
