/* cli_inspect.c - looking without touching: list, show, outbox, states. */
#include "cli_int.h"
#include "clock.h"
#include "json_out.h"
#include "store_dns.h"
#include "store_retention.h"
#include "workflow.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

struct list_ctx {
	int			 as_json;
	struct json_stream	 js;
};

static void
print_time(const char *label, time_t t)
{
	char buf[32];

	if (t == 0)
		return;
	clock_human(t, buf);
	printf("%-16s%s\n", label, buf);
}

static int
list_one(struct request_row *r, void *arg)
{
	struct list_ctx *ctx = arg;
	char created[32], due[16] = "-";

	if (ctx->as_json) {
		/* Streamed: a write error is reported at the end. */
		(void)json_stream_add(&ctx->js, json_request(r));
		return PF_OK;
	}
	clock_human(r->created_at, created);
	created[16] = '\0';	/* minutes are enough in a table */
	if (r->due_at)
		clock_date(r->due_at, due);
	printf("PIC-%s  %-11s  %-9s  %-20s  %-16s  %-10s  ", r->tag,
	    state_name(r->state), r->action,
	    r->agreement_number ? r->agreement_number : "-", created, due);
	for (size_t i = 0; i < r->n_sip; i++)
		printf("%s%s", i ? ", " : "", r->sip[i].domain);
	printf("\n");
	return PF_OK;
}

int
cmd_list(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "mail", no_argument, NULL, 'm' },
		{ "robots", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_ctx ctx;
	enum req_state state = ST_NONE;
	char err[PF_ERRLEN];
	int ch, rc, mail = 0;

	memset(&ctx, 0, sizeof(ctx));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			ctx.as_json = 1;
		else if (ch == 'm' || ch == 'r')
			mail = ch == 'r' ? 2 : mail ? mail : 1;
		else if (ch == 's' && state_parse(optarg, &state) == PF_OK)
			continue;
		else {
			if (ch == 's')
				fprintf(stderr, "picflow: unknown state '%s' "
				    "(received, pending, provisioned, rejected, "
				    "superseded)\n", optarg);
			cli_command_usage(c, stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc || (mail && state != ST_NONE)) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	if (mail)
		return cli_mail_list(cli, ctx.as_json, mail == 2);
	if (ctx.as_json)
		json_stream_begin(&ctx.js, stdout);
	else
		printf("%-12s  %-11s  %-9s  %-20s  %-16s  %-10s  %s\n", "TAG",
		    "STATE", "ACTION", "AGREEMENT", "CREATED (UTC)", "DUE",
		    "SIP DOMAINS");
	rc = store_request_each(cli->store, state, list_one, &ctx, err,
	    sizeof(err));
	if (rc != PF_OK)
		return cli_fail(rc, err);
	if (ctx.as_json && json_stream_end(&ctx.js) != 0)
		return EX_IOERR;
	return EX_OK;
}

/* What DNS said (SPEC 8): the warnings, then each question, its answer,
 * whether DNSSEC validated it, and when. */
static void
show_dns(const struct reasons *w, const struct dns_batch *b)
{
	char at[32];

	for (size_t i = 0; i < w->n; i++)
		printf("%-16s[%s] %s\n", i ? "" : "Warnings:", w->v[i].code,
		    w->v[i].detail ? w->v[i].detail : "");
	if (b->n)
		printf("DNS:\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct dns_answer *a = &b->v[i];

		clock_human(a->at, at);
		printf("  %s  %s %s: %s, %s%s%s\n", at, a->name,
		    dns_type_name(a->type), dns_status_name(a->status),
		    dns_security_name(a->sec), a->why ? " - " : "",
		    a->why ? a->why : "");
		for (size_t k = 0; k < a->records.n; k++)
			printf("      %s\n", a->records.v[k]);
	}
}

/* What an operator reads of a sender no notice can go to. */
static const char *
sender_problem_text(const char *code)
{
	static const struct {
		const char	*code, *text;
	} t[] = {
		{ "sender-missing", "the mail has no From address" },
		{ "sender-group", "the From is a group, not a mailbox" },
		{ "sender-several", "the From names more than one address" },
		{ "sender-no-at", "the From address has no @" },
		{ "sender-address-literal", "the From address is an IP "
		    "address literal" },
		{ "sender-invalid", "the From address is not valid" },
		{ "sender-control", "the From has a control character (CR, "
		    "LF, NUL...)" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(code, t[i].code) == 0)
			return t[i].text;
	return "the From cannot be answered";
}

/* What is kept of the request's mail (SPEC 10), in a few words. */
static const char *
kept_why(const struct kept_info *k)
{
	if (k->note == NULL)
		return "whole";
	if (strcmp(k->note, "too-big") == 0)
		return "only its start: above max_message_bytes";
	if (strcmp(k->note, "sender-limit") == 0)
		return "only its start: its sender was past [retention] "
		    "sender_bytes_per_day";
	if (strcmp(k->note, "retention") == 0)
		return "deleted by retention ([retention] mail_days)";
	if (strcmp(k->note, "forgotten") == 0)
		return "deleted by picflow forget";
	return k->note;
}

void
cli_show_kept(const struct kept_info *k)
{
	char at[32] = "";

	if (k->pruned_at)
		clock_human(k->pruned_at, at);
	printf("%-16s%lld bytes, %lld kept: %s%s%s\n", "Raw mail:",
	    (long long)k->size, (long long)k->kept, kept_why(k),
	    at[0] ? " on " : "", at);
}

json_t *
cli_json_kept(const struct kept_info *k)
{
	char at[CLOCK_ISO_LEN];

	if (k->pruned_at)
		clock_iso(k->pruned_at, at);
	return json_pack("{s:I, s:I, s:s, s:s?, s:s?}", "size",
	    (json_int_t)k->size, "kept", (json_int_t)k->kept, "raw",
	    k->pruned_at ? "deleted" : k->note ? "truncated" : "whole",
	    "why", k->note, "deleted_at", k->pruned_at ? at : NULL);
}

static void
show_text(const struct request_row *r, const struct event_row *ev, size_t n,
    const struct confirm_row *cv, size_t cn)
{
	char at[32];

	printf("Request PIC-%s (%s)\n", r->tag, r->id);
	printf("%-16s%s\n", "State:", state_name(r->state));
	printf("%-16s%s\n", "Action:", r->action);
	printf("%-16s%s %s\n", "Agreement:", r->agreement_type ?
	    r->agreement_type : "-", r->agreement_number ?
	    r->agreement_number : "-");
	printf("%-16s%s\n", "Deployment:", r->deployment ? r->deployment : "-");
	printf("%-16s%s\n", "Networks:", r->networks ? r->networks : "-");
	printf("%-16s%s\n", "Language:", r->language);
	if (r->sender_problem)	/* SPEC 7: nothing is sent to it */
		printf("%-16s%s%s(no reply: [%s] %s)\n", "Sender:", r->sender,
		    *r->sender ? " " : "", r->sender_problem,
		    sender_problem_text(r->sender_problem));
	else
		printf("%-16s%s\n", "Sender:", r->sender);
	for (size_t i = 0; i < r->edges.n; i++)
		printf("%-16s%s\n", i ? "" : "Access Edge:", r->edges.v[i]);
	for (size_t i = 0; i < r->n_sip; i++)
		printf("%-16s%s  <%s>\n", i ? "" : "SIP domains:",
		    r->sip[i].domain, r->sip[i].contact ? r->sip[i].contact :
		    "no contact");
	for (size_t i = 0; i < r->reasons.n; i++)
		printf("%-16s[%s] %s\n", i ? "" : "Reasons:",
		    r->reasons.v[i].code, r->reasons.v[i].detail ?
		    r->reasons.v[i].detail : "");
	print_time("Created:", r->created_at);
	print_time("Due:", r->due_at);
	print_time("Held until:", r->state == ST_RECEIVED ? r->held_until : 0);
	print_time("Overdue since:", r->overdue_at);
	for (size_t i = 0; i < cn; i++) {
		if (cv[i].confirmed_at)
			clock_human(cv[i].confirmed_at, at);
		printf("%-16s%s  %s%s\n", i ? "" : "Confirmations:",
		    cv[i].address, cv[i].confirmed_at ? "confirmed " :
		    "not confirmed", cv[i].confirmed_at ? at : "");
	}
	printf("History:\n");
	for (size_t i = 0; i < n; i++) {
		clock_human(ev[i].at, at);
		printf("  %s  %-11s -> %-11s  %s\n", at, ev[i].from ?
		    ev[i].from : "(new)", ev[i].to, ev[i].cause);
	}
}

int
cmd_show(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "mail", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct request_row r;
	struct event_row *ev = NULL;
	struct confirm_row *cv = NULL;
	struct reasons warnings = { 0 };
	struct dns_batch answers = { 0 };
	struct kept_info kept = { 0 };
	char err[PF_ERRLEN];
	size_t n = 0, cn = 0;
	int ch, rc, as_json = 0, mail = 0, has_mail = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'j' && ch != 'm') {
			cli_command_usage(c, stderr);
			return EX_USAGE;
		}
		if (ch == 'j')
			as_json = 1;
		else
			mail = 1;
	}
	if (optind != argc - 1) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	if (mail)
		return cli_mail_show(cli, argv[optind], as_json);
	rc = store_request_load(cli->store, argv[optind], &r, err,
	    sizeof(err));
	if (rc == PF_OK) {
		fprintf(stderr, "picflow: no request %s\n", argv[optind]);
		return EX_DATAERR;
	}
	if (rc != STORE_FOUND)
		return cli_fail(rc, err);
	rc = store_events(cli->store, r.rid, &ev, &n, err, sizeof(err));
	if (rc == PF_OK)
		rc = store_confirm_list(cli->store, r.rid, &cv, &cn, err,
		    sizeof(err));
	if (rc == PF_OK)
		rc = store_warnings_load(cli->store, r.rid, &warnings, err,
		    sizeof(err));
	if (rc == PF_OK)
		rc = store_dns_answers(cli->store, r.rid, &answers, err,
		    sizeof(err));
	if (rc == PF_OK && r.inbound_id) {
		rc = store_inbound_kept(cli->store, r.inbound_id, &kept, err,
		    sizeof(err));
		has_mail = rc == STORE_FOUND;
		if (rc == STORE_FOUND)
			rc = PF_OK;
	}
	if (rc == PF_OK && as_json) {
		json_t *o = json_request(&r);

		if (has_mail)
			json_object_set_new(o, "mail", cli_json_kept(&kept));
		json_add_events(o, ev, n);
		json_add_confirmations(o, cv, cn);
		json_add_dns(o, &warnings, &answers);
		if ((rc = cli_show_bounces(cli, &r, cv, cn, o, err,
		    sizeof(err))) == PF_OK && json_print(o) != 0)
			rc = STORE_IO;
		else if (rc != PF_OK)
			json_decref(o);
	} else if (rc == PF_OK) {
		show_text(&r, ev, n, cv, cn);
		if (has_mail)
			cli_show_kept(&kept);
		rc = cli_show_bounces(cli, &r, cv, cn, NULL, err, sizeof(err));
		show_dns(&warnings, &answers);
	}
	kept_info_free(&kept);
	confirm_rows_free(cv, cn);
	reasons_free(&warnings);
	dns_batch_free(&answers);
	event_rows_free(ev, n);
	request_row_free(&r);
	return rc == PF_OK ? EX_OK : cli_fail(rc, err);
}

/* The body of a notice that retention or forget deleted. */
static int
outbox_gone(struct cli *cli, struct outbox_row *o)
{
	struct kept_info k;
	char err[PF_ERRLEN], at[32] = "?";
	int rc;

	rc = store_outbox_kept(cli->store, o->id, &k, err, sizeof(err));
	if (rc == STORE_FOUND && k.pruned_at)
		clock_human(k.pruned_at, at);
	if (rc == STORE_FOUND)
		fprintf(stderr, "picflow: the body of notice %lld was %s on "
		    "%s\n", (long long)o->id, k.note && strcmp(k.note,
		    "forgotten") == 0 ? "deleted by picflow forget" :
		    "deleted by retention ([retention] mail_days)", at);
	kept_info_free(&k);
	outbox_row_free(o);
	if (rc != STORE_FOUND && rc != PF_OK)
		return cli_fail(rc, err);
	return EX_DATAERR;
}

static int
outbox_dump(struct cli *cli, const char *arg)
{
	struct outbox_row o;
	char err[PF_ERRLEN], *end;
	long long id = strtoll(arg, &end, 10);
	int rc;

	if (*arg == '\0' || *end != '\0') {
		fprintf(stderr, "picflow: --dump takes a notice id (a number "
		    "from 'picflow outbox')\n");
		return EX_USAGE;
	}
	rc = store_outbox_get(cli->store, id, &o, err, sizeof(err));
	if (rc == PF_OK) {
		fprintf(stderr, "picflow: no notice %s\n", arg);
		return EX_DATAERR;
	}
	if (rc != STORE_FOUND)
		return cli_fail(rc, err);
	if (o.message_len == 0)
		return outbox_gone(cli, &o);
	fwrite(o.message, 1, o.message_len, stdout);
	outbox_row_free(&o);
	return EX_OK;
}

int
cmd_outbox(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dump", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct outbox_row *v = NULL;
	char err[PF_ERRLEN], next[32];
	size_t n = 0;
	int ch, rc, as_json = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			return outbox_dump(cli, optarg);
		if (ch != 'j') {
			cli_command_usage(c, stderr);
			return EX_USAGE;
		}
		as_json = 1;
	}
	if (optind != argc) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	if ((rc = store_outbox_list(cli->store, &v, &n, err,
	    sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	if (as_json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_outbox(&v[i]));
		rc = json_print(a) == 0 ? PF_OK : STORE_IO;
	} else {
		printf("%-6s  %-10s  %-12s  %-30s  %-8s  %-20s  %s\n", "ID",
		    "STATE", "TEMPLATE", "TO", "ATTEMPTS", "NEXT ATTEMPT",
		    "SUBJECT");
		for (size_t i = 0; i < n; i++) {
			strcpy(next, "-");
			if (v[i].next_attempt_at &&
			    strcmp(v[i].state, "queued") == 0)
				clock_human(v[i].next_attempt_at, next);
			printf("%-6lld  %-10s  %-12s  %-30s  %-8d  %-20s  %s\n",
			    (long long)v[i].id, v[i].state, v[i].template,
			    v[i].recipient, v[i].attempts, next, v[i].subject);
		}
	}
	outbox_rows_free(v, n);
	return rc == PF_OK ? EX_OK : cli_fail(rc, "cannot write the output");
}

int
cmd_states(struct cli *cli, const struct command *c, int argc, char **argv)
{
	int dot = argc == 2 && strcmp(argv[1], "--dot") == 0;

	(void)cli;
	if (argc > 2 || (argc == 2 && !dot)) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	if (dot)
		printf("digraph picflow {\n\trankdir=LR;\n\tnode [shape=box, "
		    "style=rounded];\n\tnone [shape=point];\n");
	else
		printf("%-12s  %-12s  %-18s  %s\n", "FROM", "TO", "BY", "WHAT");
	for (size_t i = 0; i < workflow_table_len; i++) {
		const struct transition *t = &workflow_table[i];
		const char *by = t->actors == (BY_SYSTEM | BY_OPERATOR) ?
		    "picflow, operator" : t->actors == BY_OPERATOR ?
		    "operator" : "picflow";

		if (dot)
			printf("\t%s -> %s [label=\"%s\\n(%s)\"];\n",
			    state_name(t->from), state_name(t->to), t->what, by);
		else
			printf("%-12s  %-12s  %-18s  %s\n", state_name(t->from),
			    state_name(t->to), by, t->what);
	}
	if (dot)
		printf("}\n");
	return EX_OK;
}
