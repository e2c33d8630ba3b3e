/* httpd.c - see httpd.h. */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "httpd.h"

struct httpd {
	struct MHD_Daemon	*daemon;
	httpd_handler		*fn;
	void			*arg;
	size_t			 max_body;
	unsigned		 port;
	MHD_socket		 listen_fd;	/* ours once quiesced */
	pthread_mutex_t		 mu;
	size_t			 active;
};

/* One request being received: what MHD keeps for us between calls. */
struct httpd_conn {
	struct MHD_Connection	*con;
	struct buf		 body;
	int			 too_large;
};

/* Leaves the path as it was sent: routing decodes it exactly once. */
static size_t
keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

void
httpd_reply_header(struct httpd_reply *rp, const char *name,
    const char *value)
{
	if (rp->nheaders == HTTPD_MAX_HEADERS)
		die("httpd: too many reply headers");
	rp->names[rp->nheaders] = name;
	rp->values[rp->nheaders++] = xstrdup(value);
}

static void
reply_release(struct httpd_reply *rp)
{
	size_t i;

	for (i = 0; i < rp->nheaders; i++)
		free(rp->values[i]);
	buf_release(&rp->body);
}

static enum MHD_Result
queue(struct MHD_Connection *con, const struct httpd_reply *rp)
{
	struct MHD_Response *r;
	enum MHD_Result rv;
	int typed = 0;
	size_t i;

	r = MHD_create_response_from_buffer(rp->body.len, rp->body.data,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	for (i = 0; i < rp->nheaders; i++) {
		MHD_add_response_header(r, rp->names[i], rp->values[i]);
		typed |= strcasecmp(rp->names[i], "Content-Type") == 0;
	}
	if (!typed)
		MHD_add_response_header(r, "Content-Type", "application/json");
	rv = MHD_queue_response(con, rp->status, r);
	MHD_destroy_response(r);
	return rv;
}

/* MHD's access handler: collects the body, then calls ours once. */
static enum MHD_Result
on_access(void *cls, struct MHD_Connection *con, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct httpd *h = cls;
	struct httpd_conn *q = *ctx;
	struct httpd_request rq;
	struct httpd_reply rp;
	enum MHD_Result rv;

	(void)version;
	if (q == NULL) {
		q = xcalloc(1, sizeof *q);
		q->con = con;
		buf_init(&q->body);
		*ctx = q;
		pthread_mutex_lock(&h->mu);
		h->active++;
		pthread_mutex_unlock(&h->mu);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!q->too_large && q->body.len + *upload_size <= h->max_body)
			buf_add(&q->body, upload, *upload_size);
		else {
			q->too_large = 1;
			buf_release(&q->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.url = url;
	rq.body = q->body.data;
	rq.len = q->body.len;
	rq.too_large = q->too_large;
	rq.conn = q;
	memset(&rp, 0, sizeof rp);
	rp.status = 200;
	buf_init(&rp.body);
	rv = h->fn(h->arg, &rq, &rp) == -1 ? MHD_NO : queue(con, &rp);
	reply_release(&rp);
	return rv;
}

/* MHD's completion callback: frees what on_access allocated. */
static void
on_completed(void *cls, struct MHD_Connection *con, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	struct httpd_conn *q = *ctx;

	(void)con;
	(void)toe;
	if (q == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	h->active--;
	pthread_mutex_unlock(&h->mu);
	buf_release(&q->body);
	free(q);
	*ctx = NULL;
}

int
httpd_start(struct httpd **hp, const struct httpd_opts *o,
    httpd_handler *fn, void *arg, struct lc_err *err)
{
	struct httpd *h = xcalloc(1, sizeof *h);
	const union MHD_DaemonInfo *info;
	char addr[INET_ADDRSTRLEN];

	h->fn = fn;
	h->arg = arg;
	h->max_body = o->max_body;
	h->listen_fd = MHD_INVALID_SOCKET;
	pthread_mutex_init(&h->mu, NULL);
	/* ITC: so that httpd_quiesce can stop the accepting thread. */
	h->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC,
	    0, NULL, NULL, on_access, h,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&o->addr,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
	    MHD_OPTION_END);
	if (h->daemon == NULL) {
		int e = errno;

		inet_ntop(AF_INET, &o->addr.sin_addr, addr, sizeof addr);
		pthread_mutex_destroy(&h->mu);
		free(h);
		*hp = NULL;
		return lc_error(err, LC_EFAIL, "cannot listen on %s:%u: %s",
		    addr, (unsigned)ntohs(o->addr.sin_port), strerror(e));
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : ntohs(o->addr.sin_port);
	*hp = h;
	return 0;
}

unsigned
httpd_port(const struct httpd *h)
{
	return h->port;
}

size_t
httpd_active(struct httpd *h)
{
	size_t n;

	pthread_mutex_lock(&h->mu);
	n = h->active;
	pthread_mutex_unlock(&h->mu);
	return n;
}

void
httpd_quiesce(struct httpd *h)
{
	if (h->listen_fd == MHD_INVALID_SOCKET)
		h->listen_fd = MHD_quiesce_daemon(h->daemon);
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->daemon);
	if (h->listen_fd != MHD_INVALID_SOCKET)
		close(h->listen_fd);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

const char *
httpd_header(const struct httpd_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn->con, MHD_HEADER_KIND,
	    name);
}

const char *
httpd_query(const struct httpd_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn->con,
	    MHD_GET_ARGUMENT_KIND, name);
}

int
httpd_alive(const struct httpd_request *rq)
{
	const union MHD_ConnectionInfo *ci;
	ssize_t n;
	char ch;

	ci = MHD_get_connection_info(rq->conn->con,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL)
		return 1;
	n = recv(ci->connect_fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
	return n > 0 || (n == -1 && (errno == EAGAIN ||
	    errno == EWOULDBLOCK || errno == EINTR));
}
