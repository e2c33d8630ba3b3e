/*
 * doctor.h - lambdactl doctor's checks: what a newcomer gets wrong, each
 * a result (never printed here): lambda.yml, the region, the
 * credentials and where they came from, one signed request to the
 * Lambda endpoint (reachable, credentials accepted, how long), the clock
 * against the server's Date header, each function's artifact, and the
 * interpreters local runs need.  Every check runs; one that needs what
 * an earlier one could not give is DOCTOR_SKIP, saying so.
 */
#ifndef LC_DOCTOR_H
#define LC_DOCTOR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "http.h"

enum doctor_status { DOCTOR_OK, DOCTOR_WARN, DOCTOR_FAIL, DOCTOR_SKIP };

struct doctor_check {
	char			*name;		/* "credentials", "clock", ... */
	enum doctor_status	 status;
	char			*detail;	/* one line */
};

struct doctor_report {
	struct doctor_check	*checks;	/* in the order they ran */
	size_t			 n;
	/*
	 * Why the "manifest" check failed (DOCTOR_FAIL) or warned
	 * (DOCTOR_WARN: a variable only deploying needs), as the loader
	 * gave it, its location kept for an annotation; else status LC_OK
	 * and no message.
	 */
	struct lc_err		 manifest_err;
};

/* What the command line says (each may be NULL), and its timeouts. */
struct doctor_opts {
	const char		*profile_flag;	/* --profile */
	const char		*region_flag;	/* --region */
	const char		*endpoint_flag;	/* --endpoint-url */
	const char		*manifest_flag;	/* -f */
	/* Timeouts; the CA bundle is AWS_CA_BUNDLE's, else the profile's. */
	struct http_opts	 http;
};

/*
 * Clock skew bounds, in seconds: SigV4 refuses a request signed more than
 * 5 minutes off the server's time; over a minute is a warning.
 */
#define DOCTOR_SKEW_WARN	60
#define DOCTOR_SKEW_FAIL	300

/* Runs every check into r (release with doctor_report_release). */
void doctor_run(const struct doctor_opts *o, struct doctor_report *r);
/* Whether a check of r failed. */
int doctor_failed(const struct doctor_report *r);
void doctor_report_release(struct doctor_report *r);

/* "ok", "warn", "fail", "skip": JSON's names. */
const char *doctor_status_name(enum doctor_status s);

/*
 * The skew's status: server minus local seconds within
 * DOCTOR_SKEW_WARN is DOCTOR_OK, within DOCTOR_SKEW_FAIL DOCTOR_WARN,
 * else DOCTOR_FAIL.  Appends the detail to b: "local clock within 2 s
 * of the server's", "local clock 3 min behind the server's (...)".  Pure.
 */
enum doctor_status doctor_skew(int64_t skew, struct buf *b);

#define DOCTOR_LINE_COLOUR	0x1	/* the status in colour (ANSI) */
#define DOCTOR_LINE_ESCAPE	0x2	/* name and detail term_escape'd */

/*
 * Appends c's line to b: "ok   NAME  detail", the status 4 wide ("FAIL"
 * in capitals), the name padded to namew, as flags say; no newline.
 * Pure.
 */
void doctor_format_line(struct buf *b, const struct doctor_check *c,
    int namew, int flags);

#endif
