/*
 * cmd-doctor.c - lambdactl doctor: doctor.c's checks, one line each (or
 * one JSON object); LC_ECONFIG when one failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "doctor.h"
#include "log.h"
#include "term.h"
#include "xmalloc.h"

/*
 * Redacts each check's detail (a server's message may quote a secret)
 * once, before either printer, as log.c does: redact, then escape.
 */
static void
redact_report(struct doctor_report *r)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < r->n; i++) {
		buf_adds(&b, r->checks[i].detail);
		log_redact(&b);
		free_secret(r->checks[i].detail);
		r->checks[i].detail = xstrdup(b.data);
		buf_wipe(&b);
	}
}

static void
print_text(const struct doctor_report *r)
{
	struct buf b = BUF_INIT;
	size_t i, failed = 0;
	int namew = 0, flags = 0;

	for (i = 0; i < r->n; i++)
		if ((int)strlen(r->checks[i].name) > namew)
			namew = (int)strlen(r->checks[i].name);
	if (term_colour(STDOUT_FILENO))
		flags |= DOCTOR_LINE_COLOUR;
	if (term_escaping(STDOUT_FILENO, 0))
		flags |= DOCTOR_LINE_ESCAPE;
	for (i = 0; i < r->n; i++) {
		doctor_format_line(&b, &r->checks[i], namew, flags);
		buf_addch(&b, '\n');
		failed += r->checks[i].status == DOCTOR_FAIL;
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_wipe(&b);
	if (failed > 0)
		fprintf(stderr, "lambdactl: doctor: %zu check%s failed\n",
		    failed, failed == 1 ? "" : "s");
}

static void
print_json(const struct doctor_report *r)
{
	cJSON *o = cJSON_CreateObject(), *a, *c;
	size_t i;

	a = cJSON_AddArrayToObject(o, "checks");
	for (i = 0; i < r->n; i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", r->checks[i].name);
		cJSON_AddStringToObject(c, "status",
		    doctor_status_name(r->checks[i].status));
		cJSON_AddStringToObject(c, "detail", r->checks[i].detail);
		cJSON_AddItemToArray(a, c);
	}
	cJSON_AddBoolToObject(o, "ok", !doctor_failed(r));
	cmd_print_json(o);
}

/*
 * Under GitHub Actions, lambda.yml's error (or the warning of a variable
 * only deploying needs) as an annotation on stderr, as every command
 * gives it.
 */
static void
annotate_manifest(const struct doctor_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (strcmp(r->checks[i].name, "manifest") != 0)
			continue;
		if (r->checks[i].status == DOCTOR_FAIL)
			log_annotate("error", &r->manifest_err, NULL);
		else if (r->checks[i].status == DOCTOR_WARN)
			log_annotate("warning", &r->manifest_err,
			    " (deploying needs it)");
	}
}

static int
doctor_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	struct doctor_opts o;
	struct doctor_report r;
	int status;

	(void)a;
	memset(&o, 0, sizeof o);
	o.profile_flag = ctx->profile;
	o.region_flag = ctx->region_flag;
	o.endpoint_flag = ctx->endpoint_flag;
	o.manifest_flag = ctx->manifest_flag;
	o.http.connect_timeout = ctx->connect_timeout;
	o.http.read_timeout = ctx->read_timeout;
	o.http.request_timeout = ctx->request_timeout;
	doctor_run(&o, &r);
	redact_report(&r);
	if (ctx->output == OUTPUT_JSON)
		print_json(&r);
	else
		print_text(&r);
	annotate_manifest(&r);
	/* A failed check is a problem of configuration or of the machine. */
	status = doctor_failed(&r) ? LC_ECONFIG : LC_OK;
	doctor_report_release(&r);
	return status;
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor",
	.summary = "Check credentials, region, endpoint, clock and lambda.yml",
	.usage = "[--profile NAME] [--region REGION] [-f FILE] "
	    "[--output json]",
	.opts = NULL,
	.min_args = 0,
	.max_args = 0,
	.flags = 0,
	.exec = doctor_exec,
};
