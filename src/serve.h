/*
 * serve.h - the Invoke API's request handling for lambdactl serve, apart
 * from libmicrohttpd: what a request asks for, as a pure function of its
 * method, path, headers and body (cmd-serve.c does the I/O; the
 * fuzz target tests/fuzz/fuzz-invoke-api.c drives this directly).
 */
#ifndef LC_SERVE_H
#define LC_SERVE_H

#include <stddef.h>

/* Lambda's limit on a synchronous request body, in bytes. */
#define SERVE_MAX_PAYLOAD	(6 * 1024 * 1024)
#define SERVE_API_PREFIX	"/2015-03-31/functions/"

enum serve_action {
	SERVE_REPLY,	/* answer status/error_type/message, run nothing */
	SERVE_DRY_RUN,	/* 204, empty */
	SERVE_EVENT,	/* queue it, answer 202 */
	SERVE_INVOKE,	/* run it, answer with the function's response */
};

/* A request as it arrived; NULL for a header it does not have. */
struct serve_request {
	const char	*method;
	const char	*url;
	const char	*invocation_type;	/* X-Amz-Invocation-Type */
	const char	*log_type;		/* X-Amz-Log-Type */
	const char	*body;			/* body_len bytes */
	size_t		 body_len;
	int		 too_large;		/* body over SERVE_MAX_PAYLOAD */
};

struct serve_route {
	enum serve_action	 action;
	unsigned		 status;	/* SERVE_REPLY: the HTTP status */
	const char		*error_type;	/* x-amzn-ErrorType, or NULL */
	char			 message[512];	/* SERVE_REPLY: its message */
	size_t			 fn;		/* index into names */
	int			 tail;		/* X-Amz-Log-Type: Tail */
};

/*
 * Routes rq to one of the nfn function names (as "name", "name:qualifier"
 * or a function ARN, percent-encoded) and fills r.  region names the
 * function in the ResourceNotFoundException message.  Never fails.
 */
void serve_route(const struct serve_request *rq, const char *const *names,
    size_t nfn, const char *region, struct serve_route *r);

#endif
