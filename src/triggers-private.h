/*
 * triggers-private.h - what triggers.c (the plan: wanted against actual,
 * the ops) and triggers-apply.c (running the ops, undo, unwiring) share,
 * for them only.
 */
#ifndef LC_TRIGGERS_PRIVATE_H
#define LC_TRIGGERS_PRIVATE_H

#include <stddef.h>

#include "aws.h"
#include "lambda-triggers.h"
#include "s3-notify.h"
#include "triggers.h"

/* The Id of lambdactl's one target on each of its rules. */
#define TRIGGERS_TARGET_ID	"lambdactl"

enum op_kind {
	OP_TAG, OP_UNTAG, OP_ADD_PERM, OP_REMOVE_PERM, OP_PUT_RULE,
	OP_DELETE_RULE, OP_PUT_TARGET, OP_REMOVE_TARGET, OP_S3_SET,
	OP_ESM_CREATE, OP_ESM_UPDATE, OP_ESM_DELETE, OP_URL_PUT, OP_URL_DELETE,
};

struct trigger_op {
	enum op_kind		 kind;
	int			 group;	/* 0: none; else undone together */
	int			 line;	/* the plan line it serves; -1: none */
	char			*name;	/* rule, bucket, sid, tag key, uuid */
	char			*value;	/* tag value, schedule, auth, queue */
	char			*input;	/* target input */
	char			*qual;	/* the qualifier it acts on; "": none */
	int			 late;	/* plan_move: after the second pass */
	int			 enabled;
	int			 create;	/* URL: create, not update */
	long			 batch_size;
	long			 batch_window;
	struct lambda_statement	 stmt;	/* OP_ADD_PERM */
	struct s3_notify_fn	*want;	/* OP_S3_SET */
	size_t			 nwant;
};

/* The value of the function's tag key, or NULL. */
const char *triggers_tag(const struct triggers_fn *t, const char *key);

/*
 * c for S3, in *sc: --endpoint-url is not S3's (AWS_ENDPOINT_URL_S3 is),
 * as for artifacts (deploy.c's put_s3).
 */
static inline struct aws_client *
triggers_s3_client(struct aws_client *c, struct aws_client *sc)
{
	*sc = *c;
	sc->endpoint_flag = NULL;
	return sc;
}

#endif
