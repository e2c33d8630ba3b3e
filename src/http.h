/*
 * http.h - a thin libcurl wrapper: a fresh easy handle per request over a
 * connection cache kept per client (keep-alive), TLS verification always
 * on, streamed request and response bodies, bounded waits and response
 * sizes, redacted --debug tracing.  Knows nothing of AWS.
 */
#ifndef LC_HTTP_H
#define LC_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct http_client;

/* The default bounds of one request; see http_opts. */
#define HTTP_REQUEST_TIMEOUT	300			/* seconds */
#define HTTP_BODY_ALLOWANCE	(64 * 1024)	/* request bytes per extra s */
#define HTTP_MAX_BODY		(64L * 1024 * 1024)	/* response bytes */

struct http_opts {
	long		 connect_timeout;	/* seconds; 0: 10 */
	long		 read_timeout;		/* seconds without a byte; 0: 60 */
	/*
	 * Total seconds one request may take, connecting and answer
	 * included; 0: HTTP_REQUEST_TIMEOUT.  Either way a request with a
	 * body gets one more second per HTTP_BODY_ALLOWANCE bytes of it.
	 */
	long		 request_timeout;
	size_t		 max_body;		/* response bytes; 0: default */
	const char	*ca_bundle;		/* NULL: the system's */
	/*
	 * Never through a proxy, whatever http_proxy says: for an endpoint
	 * whose token must go nowhere else (the container's).
	 */
	int		 direct;
};

struct http_header {
	const char	*name;
	const char	*value;
};

/*
 * A streamed request body: read fills up to len bytes of dst and returns
 * the count (0 at the end) or (size_t)-1 on error; rewind (may be NULL)
 * starts over, for a retry.
 */
struct http_stream {
	size_t	(*read)(void *arg, char *dst, size_t len);
	int	(*rewind)(void *arg);
	void	 *arg;
	size_t	  len;
};

struct http_request {
	const char			*method;
	const char			*url;
	const struct http_header	*headers;
	size_t				 nheaders;
	const void			*body;		/* in memory, or */
	size_t				 body_len;
	const struct http_stream	*stream;	/* streamed */
	/* Total seconds (plus the body allowance); 0: the client's. */
	long				 timeout;
	long				 read_timeout;	/* idle seconds; 0: the client's */
	/* The most response body bytes accepted; 0: the client's. */
	size_t				 max_body;
	/*
	 * Never send the request twice once a byte of it may have reached
	 * the server: by default libcurl silently resends a request whose
	 * reused connection died after sending.  A reused connection the
	 * server was closing as the request came (it acknowledged none of
	 * it, or reset the connection within a second, before any answer)
	 * is still replaced by a fresh one (Linux; elsewhere never).
	 */
	int				 no_resend;
	/* Send the URL's path as given: no "." or ".." squashed (S3 keys). */
	int				 path_as_is;
	/* Where the response body goes; NULL: into response.body. */
	int	(*sink)(void *arg, const char *data, size_t len);
	void	 *sink_arg;
	/* Called as the body goes out (for a progress bar); may be NULL. */
	void	(*progress)(void *arg, uint64_t sent, uint64_t total);
	void	 *progress_arg;
	/* Set (by a signal; may be NULL): the request is abandoned. */
	const volatile sig_atomic_t	*stop;
};

enum http_failure {
	HTTP_FAIL_NONE,
	HTTP_FAIL_CONNECT,	/* nothing was sent: safe to retry anything */
	HTTP_FAIL_TIMEOUT,	/* idle (read) timeout or total deadline */
	HTTP_FAIL_IO,		/* the request may have reached the server */
	HTTP_FAIL_TOO_LARGE,	/* the response passed max_body: no retry */
};

struct http_response {
	long			 status;
	struct buf		 body;
	struct http_header	*headers;	/* owned copies */
	size_t			 nheaders;
	double			 seconds;
	enum http_failure	 failure;
};

struct http_client *http_client_new(const struct http_opts *o);
void http_client_free(struct http_client *c);

/*
 * Sends rq and fills rs (release it with http_response_release).  Returns 0
 * when a response arrived, whatever its status, or -1 on a transport
 * failure (rs->failure says which) with err naming the URL's host.
 */
int http_send(struct http_client *c, const struct http_request *rq,
    struct http_response *rs, struct lc_err *err);
/* The first response header named name (any case), or NULL. */
const char *http_header_get(const struct http_response *rs, const char *name);
void http_response_release(struct http_response *rs);

#endif
