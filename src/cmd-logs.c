/*
 * cmd-logs.c - lambdactl logs FUNCTION: read a function's CloudWatch Logs
 * with FilterLogEvents, once or following new events until interrupted.
 */
#include <sys/select.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "lambda-api.h"
#include "log.h"
#include "logs-api.h"
#include "term.h"
#include "timeparse.h"

#define DEFAULT_SINCE	"10m"

static const struct cmd_opt logs_opts[] = {
	{ "since", 0, "TIME", "from TIME: 300, 10m, 1h30m ago, 1d or "
	    "ISO-8601 (default 10m)" },
	{ "until", 0, "TIME", "up to TIME (same forms; not with --follow)" },
	{ "filter", 0, "PATTERN", "CloudWatch Logs filter pattern" },
	{ "stream", 0, "PREFIX", "only streams whose name starts with "
	    "PREFIX" },
	{ "request-id", 0, "ID", "only the events that mention request ID" },
	{ "group", 0, "NAME", "read log group NAME (no function lookup)" },
	{ "follow", 0, NULL, "poll for new events until interrupted" },
	{ "format", 0, "FORMAT", "short (default), detailed, json or raw" },
	{ "raw", 0, NULL, "print control characters as they are, even on "
	    "a terminal" },
	{ NULL, 0, NULL, NULL },
};

/* Set by SIGINT or SIGTERM while following. */
static volatile sig_atomic_t logs_stop;

static void
logs_on_signal(int sig)
{
	(void)sig;
	logs_stop = 1;
}

/*
 * Sleeps ms unless a signal stops the follow first.  The signals stay
 * blocked from the check to pselect, which unblocks them atomically, so
 * one arriving in between still cuts the sleep short.
 */
static void
logs_sleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (!logs_stop)
		pselect(0, NULL, NULL, NULL, &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How events are printed. */
struct printer {
	enum logs_format	 format;
	int			 colour;
	int			 escape;	/* a terminal, no --raw */
	struct buf		 line;
	struct buf		 message;	/* the escaped fields */
	struct buf		 stream;
};

/*
 * Prints one event on stdout (a logs_event_fn).  The stream and message
 * are escaped before formatting, which keeps our own colours; JSON is
 * escaped whole.
 */
static int
print_event(void *arg, const struct logs_event *ev, struct lc_err *err)
{
	struct printer *p = arg;
	struct logs_event safe;

	buf_reset(&p->line);
	if (p->escape && p->format != LOGS_JSON) {
		safe = *ev;
		buf_reset(&p->message);
		buf_reset(&p->stream);
		term_escape(&p->message, ev->message, strlen(ev->message),
		    TERM_TEXT);
		term_escape(&p->stream, ev->stream, strlen(ev->stream),
		    TERM_TEXT);
		safe.message = p->message.data;
		safe.stream = p->stream.data;
		logs_format_event(&p->line, &safe, p->format, p->colour);
	} else if (p->escape) {
		logs_format_event(&p->message, ev, p->format, p->colour);
		term_escape(&p->line, p->message.data, p->message.len,
		    TERM_JSON);
		buf_reset(&p->message);
	} else
		logs_format_event(&p->line, ev, p->format, p->colour);
	if (fwrite(p->line.data, 1, p->line.len, stdout) != p->line.len)
		return lc_error(err, LC_EFAIL, "cannot write to standard "
		    "output");
	return 0;
}

/* An event of one poll, copied (the page it came from is freed). */
struct held_event {
	struct logs_event	 ev;
	size_t			 seq;
};

/* The new events of one poll. */
struct collector {
	struct logs_follow	*follow;
	struct held_event	*evs;
	size_t			 n;
	size_t			 cap;
};

/* Keeps a copy of an event not printed before (a logs_event_fn). */
static int
collect_event(void *arg, const struct logs_event *ev, struct lc_err *err)
{
	struct collector *col = arg;
	struct held_event *h;

	(void)err;
	if (!logs_follow_add(col->follow, ev->timestamp, ev->event_id))
		return 0;
	if (col->n == col->cap) {
		col->cap = col->cap != 0 ? col->cap * 2 : 64;
		col->evs = xrealloc(col->evs, col->cap * sizeof *col->evs);
	}
	h = &col->evs[col->n];
	h->ev.event_id = xstrdup(ev->event_id);
	h->ev.stream = xstrdup(ev->stream);
	h->ev.message = xstrdup(ev->message);
	h->ev.timestamp = ev->timestamp;
	h->ev.ingestion_time = ev->ingestion_time;
	h->seq = col->n++;
	return 0;
}

static int
held_cmp(const void *a, const void *b)
{
	const struct held_event *x = a, *y = b;

	if (x->ev.timestamp != y->ev.timestamp)
		return x->ev.timestamp < y->ev.timestamp ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Prints the events of a poll in timestamp order (unless p is NULL) and
 * forgets them.
 */
static int
flush_collected(struct collector *col, struct printer *p, struct lc_err *err)
{
	size_t i;
	int ret = p != NULL ? 0 : -1;

	if (col->n > 1)
		qsort(col->evs, col->n, sizeof *col->evs, held_cmp);
	for (i = 0; i < col->n; i++) {
		if (ret == 0 && print_event(p, &col->evs[i].ev, err) == -1)
			ret = -1;
		free((char *)col->evs[i].ev.event_id);
		free((char *)col->evs[i].ev.stream);
		free((char *)col->evs[i].ev.message);
	}
	col->n = 0;
	if (ret == 0 && fflush(stdout) != 0)
		ret = lc_error(err, LC_EFAIL, "cannot write to standard "
		    "output");
	return ret;
}

/*
 * Polls q from since until a signal: each poll asks from the window's
 * start, prints the events not seen yet, then sleeps as logs_follow_delay
 * says.  Throttling that outlasts aws_call's retries only slows it down.
 */
static int
follow(struct aws_client *c, struct logs_query *q, int64_t since,
    struct printer *p, struct lc_err *err)
{
	struct logs_follow f;
	struct collector col;
	struct logs_stats st;
	int64_t t;
	size_t nnew;
	long ms;
	int ret = 0;

	logs_follow_init(&f, since, LOGS_FOLLOW_OVERLAP_MS);
	memset(&col, 0, sizeof col);
	col.follow = &f;
	/* Once (a second one kills); no SA_RESTART: wakes the sleep. */
	cmd_catch_stop(logs_on_signal, SA_RESETHAND);
	c->sleep_ms = logs_sleep;	/* a signal cuts a retry's back-off */
	while (!logs_stop) {
		t = now_ms();
		q->start = f.start;
		if (logs_filter(c, q, collect_event, &col, &st, err) == -1) {
			if (!st.throttled) {
				ret = -1;
				break;
			}
			log_debug("%s; polling more slowly", err->msg);
			lc_error_clear(err);
		}
		nnew = col.n;
		if (flush_collected(&col, p, err) == -1) {
			ret = -1;
			break;
		}
		if (!st.throttled)
			logs_follow_advance(&f, t);
		ms = logs_follow_delay(&f, nnew, st.throttled);
		log_debug("logs: %zu new of %zu; %zu seen from %lld; next poll "
		    "in %ld ms", nnew, st.kept, f.n, (long long)f.start, ms);
		logs_sleep(ms);
	}
	flush_collected(&col, NULL, err);
	free(col.evs);
	logs_follow_release(&f);
	return ret;
}

/*
 * The log group of function name: its LoggingConfig.LogGroup, else
 * /aws/lambda/NAME (also when there is no such function: its logs may
 * outlive it).  The caller frees *group.
 */
static int
function_group(struct aws_client *c, const char *name, char **group,
    struct lc_err *err)
{
	struct lambda_config cfg;
	struct lc_err e;
	int r;

	lc_error_clear(&e);
	r = lambda_get_function(c, name, &cfg, &e);
	if (r == -1)
		return lc_error(err, e.status, "%.900s (--group NAME skips "
		    "this lookup)", e.msg);
	if (r == 1 && cfg.log_group != NULL)
		*group = xstrdup(cfg.log_group);
	else
		*group = xasprintf("/aws/lambda/%s", r == 1 ? cfg.name : name);
	if (r == 1)
		lambda_config_release(&cfg);
	log_debug("logs: reading log group '%s'", *group);
	return 0;
}

/*
 * Reads --since or --until (lambdactl(1), DURATIONS AND TIMES), from the
 * epoch on; *out untouched when absent and no default.
 */
static int
get_time(const struct cmd_args *a, const char *opt, const char *def,
    int64_t now, int64_t *out, struct lc_err *err)
{
	const char *v = cmd_get(a, opt);
	int64_t t;

	if (v == NULL && (v = def) == NULL)
		return 0;
	if (timeparse_time(v, now, &t) == 0 && t >= 0) {
		*out = t;
		return 0;
	}
	return lc_error(err, LC_EUSAGE, "option '--%s' wants a duration (30s, "
	    "10m, 2h, 1d, 1w) or an ISO-8601 time (2024-05-01T12:00:00Z), "
	    "not '%s'", opt, v);
}

/* Whether colours go to stdout: text formats, and term_colour's rule. */
static int
want_colour(enum logs_format f)
{
	if (f == LOGS_JSON || f == LOGS_RAW)
		return 0;
	return term_colour(STDOUT_FILENO);
}

/* Checks the options, finds the log group, then reads or follows it. */
static int
logs_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct printer p = { LOGS_SHORT, 0, 0, BUF_INIT, BUF_INIT, BUF_INIT };
	struct logs_query q;
	struct aws_client c;
	const char *v, *name = a->argc > 0 ? a->argv[0] : NULL;
	char *group = NULL, *pattern = NULL;
	int64_t now = now_ms(), since = 0, until = -1;
	int follow_on = cmd_has(a, "follow"), status = -1;

	memset(&q, 0, sizeof q);
	if ((v = cmd_get(a, "format")) != NULL) {
		if (logs_parse_format(v, &p.format) == -1)
			return lc_error(&ctx->err, LC_EUSAGE, "option "
			    "'--format' wants 'short', 'detailed', 'json' or "
			    "'raw', not '%s'", v);
	} else if (ctx->output == OUTPUT_JSON)
		p.format = LOGS_JSON;
	if (get_time(a, "since", DEFAULT_SINCE, now, &since, &ctx->err) == -1 ||
	    get_time(a, "until", NULL, now, &until, &ctx->err) == -1)
		return -1;
	if (follow_on && until >= 0)
		return lc_error(&ctx->err, LC_EUSAGE, "option '--until' cannot "
		    "be used with '--follow'");
	if (until >= 0 && until < since)
		return lc_error(&ctx->err, LC_EUSAGE, "option '--until' is "
		    "before '--since'");
	if (name == NULL && !cmd_has(a, "group"))
		return lc_error(&ctx->err, LC_EUSAGE, "name a FUNCTION or a "
		    "--group (usage: lambdactl logs %s)", cmd_logs_entry.usage);
	if ((v = cmd_get(a, "group")) != NULL && *v == '\0')
		return lc_error(&ctx->err, LC_EUSAGE, "option '--group' wants "
		    "a log group name");
	if (logs_build_pattern(cmd_get(a, "filter"), cmd_get(a, "request-id"),
	    &pattern, &q.contains) == -1)
		return lc_error(&ctx->err, LC_EUSAGE, "option '--request-id' "
		    "wants a request ID without quotes, backslashes or "
		    "spaces, not '%s'", cmd_get(a, "request-id"));
	p.colour = want_colour(p.format);
	p.escape = term_escaping(STDOUT_FILENO, cmd_has(a, "raw"));

	cmd_aws_init(ctx, &c);
	if (cmd_region(ctx, name, &c.region, &ctx->err) == -1)
		goto out;
	if ((v = cmd_get(a, "group")) != NULL)
		group = xstrdup(v);
	else if (function_group(&c, name, &group, &ctx->err) == -1)
		goto out;
	q.group = group;
	q.start = since;
	q.end = until;
	q.pattern = pattern;
	if ((v = cmd_get(a, "stream")) != NULL && *v != '\0')
		q.stream_prefix = v;
	if (follow_on) {
		if (follow(&c, &q, since, &p, &ctx->err) == -1)
			goto out;
	} else {
		if (logs_filter(&c, &q, print_event, &p, NULL,
		    &ctx->err) == -1)
			goto out;
		if (fflush(stdout) != 0) {
			lc_error(&ctx->err, LC_EFAIL, "cannot write to "
			    "standard output");
			goto out;
		}
	}
	status = LC_OK;
out:
	fflush(stdout);
	cmd_aws_release(&c);
	buf_release(&p.line);
	buf_release(&p.message);
	buf_release(&p.stream);
	free(group);
	free(pattern);
	return status;
}

const struct cmd_entry cmd_logs_entry = {
	.name = "logs",
	.summary = "Read or follow a function's CloudWatch Logs",
	.usage = "[--follow] [--since TIME] [--filter PATTERN] [options] "
	    "FUNCTION | --group NAME",
	.opts = logs_opts,
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_OPTIONAL_MANIFEST | CMD_NEEDS_CREDS | CMD_DEFER_ENV,
	.exec = logs_exec,
};
