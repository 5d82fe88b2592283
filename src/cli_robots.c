/* cli_robots.c - what the operator sees of recorded mail and bounces
 * (SPEC 7): list --mail, show --mail, and the unreachable contacts of a
 * request in show. */
#include "cli_int.h"
#include "clock.h"
#include "json_out.h"
#include "reason_text.h"
#include "store_confirm.h"
#include "store_retention.h"
#include "store_robot.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

struct mail_ctx {
	int			 as_json;
	struct json_stream	 js;
};

static json_t *
jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
jtime_or_null(time_t t)
{
	char buf[CLOCK_ISO_LEN];

	if (t == 0)
		return json_null();
	clock_iso(t, buf);
	return json_string(buf);
}

/* The sentence of a robot kind, in the operator's language. */
static char *
kind_text(const struct cli *cli, const char *kind)
{
	char code[64];

	snprintf(code, sizeof(code), "robot-%s", kind);
	return reason_text(cli->cfg.templates_dir, code, NULL,
	    cli->cfg.policy.default_language);
}

static json_t *
mail_json(const struct cli *cli, const struct mail_row *m)
{
	json_t *j = json_object();

	json_object_set_new(j, "id", json_integer(m->id));
	json_object_set_new(j, "received_at", jtime_or_null(m->received_at));
	json_object_set_new(j, "source", jstr_or_null(m->source));
	json_object_set_new(j, "message_id", jstr_or_null(m->message_id));
	json_object_set_new(j, "from", jstr_or_null(m->sender));
	json_object_set_new(j, "subject", jstr_or_null(m->subject));
	json_object_set_new(j, "size", json_integer(m->size));
	json_object_set_new(j, "outcome", jstr_or_null(m->outcome));
	json_object_set_new(j, "note", jstr_or_null(m->note));
	json_object_set_new(j, "robot", jstr_or_null(m->robot));
	if (m->robot) {
		char *t = kind_text(cli, m->robot);

		json_object_set_new(j, "robot_text", json_string(t));
		free(t);
	}
	json_object_set_new(j, "request", m->request_tag ? json_string(
	    m->request_tag) : json_null());
	return j;
}

struct list_arg {
	const struct cli	*cli;
	struct mail_ctx		*ctx;
};

static int
mail_one(const struct mail_row *m, void *arg)
{
	struct list_arg *a = arg;
	char at[32];

	if (a->ctx->as_json) {
		(void)json_stream_add(&a->ctx->js, mail_json(a->cli, m));
		return PF_OK;
	}
	clock_human(m->received_at, at);
	at[16] = '\0';
	printf("%-6" PRId64 "  %-16s  %-8s  %-12s  %-30s  %s\n", m->id, at,
	    m->outcome ? m->outcome : "-", m->robot ? m->robot : "-",
	    m->sender ? m->sender : "-", m->subject ? m->subject : "");
	return PF_OK;
}

int
cli_mail_list(struct cli *cli, int as_json, int robots_only)
{
	struct mail_ctx ctx;
	struct list_arg a = { cli, &ctx };
	char err[PF_ERRLEN];
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.as_json = as_json;
	if (as_json)
		json_stream_begin(&ctx.js, stdout);
	else
		printf("%-6s  %-16s  %-8s  %-12s  %-30s  %s\n", "ID",
		    "RECEIVED (UTC)", "OUTCOME", "KIND", "FROM", "SUBJECT");
	rc = store_mail_each(cli->store, robots_only, mail_one, &a, err,
	    sizeof(err));
	if (rc != PF_OK)
		return cli_fail(rc, err);
	if (as_json && json_stream_end(&ctx.js) != 0)
		return EX_IOERR;
	return EX_OK;
}

static json_t *
bounce_json(const struct bounce_row *b)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "notice",
	    (json_int_t)b->outbox_id, "template", jstr_or_null(b->template),
	    "to", jstr_or_null(b->recipient), "action",
	    jstr_or_null(b->action), "status", jstr_or_null(b->status),
	    "diagnostic", jstr_or_null(b->diagnostic), "at",
	    jtime_or_null(b->at));
}

static void
mail_text_print(const struct cli *cli, const struct mail_row *m,
    const struct bounce_row *b, size_t nb)
{
	char at[32], *t;

	clock_human(m->received_at, at);
	printf("Mail %" PRId64 " (%s)\n", m->id, m->source);
	printf("%-16s%s\n", "Received:", at);
	printf("%-16s%s\n", "From:", m->sender ? m->sender : "-");
	printf("%-16s%s\n", "Subject:", m->subject ? m->subject : "-");
	printf("%-16s%s\n", "Message-ID:", m->message_id ? m->message_id : "-");
	printf("%-16s%s\n", "Outcome:", m->outcome);
	if (m->note)
		printf("%-16s%s\n", "Note:", m->note);
	if (m->robot) {
		t = kind_text(cli, m->robot);
		printf("%-16s%s\n%-16s%s\n", "Automatic:", m->robot, "", t);
		free(t);
	}
	if (m->request_tag)
		printf("%-16sPIC-%s\n", "Request:", m->request_tag);
	for (size_t i = 0; i < nb; i++)
		printf("%-16s%s %s for the %s notice #%" PRId64 " to %s%s%s\n",
		    i ? "" : "Report:", b[i].action, b[i].status ? b[i].status :
		    "-", b[i].template, b[i].outbox_id, b[i].recipient,
		    b[i].diagnostic ? ": " : "", b[i].diagnostic ?
		    b[i].diagnostic : "");
}

int
cli_mail_show(struct cli *cli, const char *arg, int as_json)
{
	struct mail_row m;
	struct bounce_row *b = NULL;
	struct kept_info kept = { 0 };
	char err[PF_ERRLEN], *end;
	long long id = strtoll(arg, &end, 10);
	size_t nb = 0;
	int rc;

	if (*arg == '\0' || *end != '\0') {
		fprintf(stderr, "picflow: show --mail takes a mail id (a number "
		    "from 'picflow list --mail')\n");
		return EX_USAGE;
	}
	rc = store_mail_get(cli->store, id, &m, err, sizeof(err));
	if (rc == PF_OK) {
		fprintf(stderr, "picflow: no mail %s\n", arg);
		return EX_DATAERR;
	}
	if (rc != STORE_FOUND)
		return cli_fail(rc, err);
	rc = store_bounces_of_mail(cli->store, m.id, &b, &nb, err,
	    sizeof(err));
	if (rc == PF_OK && (rc = store_inbound_kept(cli->store, m.id, &kept,
	    err, sizeof(err))) == STORE_FOUND)
		rc = PF_OK;
	if (rc == PF_OK && as_json) {
		json_t *j = mail_json(cli, &m), *a = json_array();

		for (size_t i = 0; i < nb; i++)
			json_array_append_new(a, bounce_json(&b[i]));
		json_object_set_new(j, "reports", a);
		json_object_set_new(j, "raw", cli_json_kept(&kept));
		if (json_print(j) != 0)
			rc = STORE_IO;
	} else if (rc == PF_OK) {
		mail_text_print(cli, &m, b, nb);
		cli_show_kept(&kept);
	}
	kept_info_free(&kept);
	bounce_rows_free(b, nb);
	mail_row_free(&m);
	return rc == PF_OK ? EX_OK : cli_fail(rc, err);
}

/* The address could confirm only by answering a verify notice, and every
 * such notice bounced. */
static int
confirm_blocked(struct cli *cli, const struct request_row *r,
    const struct confirm_row *c, const struct bounce_row *b, size_t nb,
    int *blocked, char *err, size_t errlen)
{
	int rc, bounced = 0;

	*blocked = 0;
	if (r->state != ST_CONFIRMING || c->confirmed_at)
		return PF_OK;
	for (size_t i = 0; i < nb; i++)
		bounced |= strcmp(b[i].template, "verify") == 0 &&
		    str_ieq(b[i].recipient, c->address);
	if (!bounced)
		return PF_OK;
	rc = store_verify_live(cli->store, r->rid, c->address, err, errlen);
	if (rc < 0)
		return rc;
	*blocked = rc != STORE_FOUND;
	return PF_OK;
}

static char *
sentence(const struct cli *cli, const char *code, const char *address)
{
	return reason_text(cli->cfg.templates_dir, code, address,
	    cli->cfg.policy.default_language);
}

int
cli_show_bounces(struct cli *cli, const struct request_row *r,
    const struct confirm_row *cv, size_t cn, json_t *obj, char *err,
    size_t errlen)
{
	struct bounce_row *b = NULL;
	json_t *un = json_array(), *cb = json_array();
	char at[32], *t;
	size_t nb = 0;
	int rc, blocked;

	rc = store_bounces_of_request(cli->store, r->rid, &b, &nb, err,
	    errlen);
	for (size_t i = 0; i < nb && rc == PF_OK; i++) {
		t = sentence(cli, "contact-unreachable", b[i].recipient);
		clock_human(b[i].at, at);
		if (obj) {
			json_t *j = bounce_json(&b[i]);

			json_object_set_new(j, "text", json_string(t));
			json_array_append_new(un, j);
		} else
			printf("%-16s%s  (%s notice #%" PRId64 " bounced %s: "
			    "%s%s%s)\n%-16s%s\n", i ? "" : "Unreachable:",
			    b[i].recipient, b[i].template, b[i].outbox_id, at,
			    b[i].status ? b[i].status : "-", b[i].diagnostic ?
			    " " : "", b[i].diagnostic ? b[i].diagnostic : "", "",
			    t);
		free(t);
	}
	for (size_t i = 0; i < cn && rc == PF_OK; i++) {
		rc = confirm_blocked(cli, r, &cv[i], b, nb, &blocked, err,
		    errlen);
		if (rc != PF_OK || !blocked)
			continue;
		t = sentence(cli, "confirmation-bounced", cv[i].address);
		if (obj)
			json_array_append_new(cb, json_pack("{s:s, s:s}",
			    "address", cv[i].address, "text", t));
		else
			printf("%-16s[confirmation-bounced] %s\n",
			    "Cannot confirm:", t);
		free(t);
	}
	if (obj && rc == PF_OK) {
		json_object_set_new(obj, "unreachable", un);
		json_object_set_new(obj, "confirmation_bounced", cb);
	} else {
		json_decref(un);
		json_decref(cb);
	}
	bounce_rows_free(b, nb);
	return rc;
}
