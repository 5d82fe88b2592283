/* notice.c - which notice goes to whom, rendered into the outbox (SPEC 4).
 *
 * A notice is rendered completely when it is queued, in the transaction
 * of the change that caused it: the sender only moves bytes, so what
 * `outbox --dump` shows is exactly what will be sent. */
#include "notice.h"
#include "addr.h"
#include "clock.h"
#include "log.h"
#include "mail_build.h"
#include "reason_text.h"
#include "store_confirm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTICE_ALERT_WINDOW	3600	/* an hour, */
#define NOTICE_ALERT_BURST	3	/* alerts of one kind sent in it */

void
nv_set(struct notice_vars *nv, const char *name, const char *value)
{
	nv_take(nv, name, xstrdup(value ? value : ""));
}

void
nv_take(struct notice_vars *nv, const char *name, char *value)
{
	sv_push_owned(&nv->owned, value);
	tvars_set(&nv->tv, name, value);
}

void
nv_free(struct notice_vars *nv)
{
	sv_free(&nv->owned);
	memset(nv, 0, sizeof(*nv));
}

char *
notice_reason_lines(const struct config *cfg, const struct reasons *r,
    const char *lang)
{
	return reason_text_list(cfg->templates_dir, r, lang, 1);
}

/* Variables every notice about a request can use. */
static void
request_vars(struct notice_vars *nv, const struct config *cfg,
    const struct request_row *r, int brief)
{
	struct strbuf sb;
	char buf[32];

	nv_take(nv, "tag", xstrcat("PIC-", r->tag, NULL));
	nv_set(nv, "request_id", r->id);
	clock_human(r->created_at, buf);
	nv_set(nv, "created_at", buf);
	nv_take(nv, "provisioning_days", xasprintf("%d",
	    cfg->policy.provisioning_days));
	if (brief)
		return;
	nv_set(nv, "agreement_number", r->agreement_number);
	nv_set(nv, "agreement_type", r->agreement_type);
	nv_set(nv, "deployment", r->deployment);
	sb_init(&sb);
	for (size_t i = 0; i < r->edges.n; i++) {
		sb_adds(&sb, "  - ");
		sb_adds(&sb, r->edges.v[i]);
		sb_addc(&sb, '\n');
	}
	nv_take(nv, "edge_fqdns", sb_steal(&sb));
	for (size_t i = 0; i < r->n_sip; i++) {
		sb_adds(&sb, "  - ");
		/* NOT NULL once stored; as printf showed a NULL before. */
		sb_adds(&sb, r->sip[i].domain ? r->sip[i].domain : "(null)");
		sb_adds(&sb, strcmp(r->language, "fr") == 0 ?
		    " (contact\xc2\xa0: " : " (contact: ");
		sb_adds(&sb, r->sip[i].contact ? r->sip[i].contact : "-");
		sb_adds(&sb, ")\n");
	}
	nv_take(nv, "sip_domains", sb_steal(&sb));
	/* the domains alone: a verify notice names no other contact */
	for (size_t i = 0; i < r->n_sip; i++) {
		sb_adds(&sb, "  - ");
		sb_adds(&sb, r->sip[i].domain ? r->sip[i].domain : "(null)");
		sb_addc(&sb, '\n');
	}
	nv_take(nv, "sip_domain_list", sb_steal(&sb));
	nv_set(nv, "action", r->action);
	if (r->due_at) {
		clock_date(r->due_at, buf);
		nv_set(nv, "due_date", buf);
	}
}

static int
over_limit(struct store *s, const struct config *cfg, const char *to,
    int *over, char *err, size_t errlen)
{
	int count, rc;

	*over = 0;
	rc = store_outbox_replies_since(s, to, clock_now() - 24 * 3600,
	    &count, err, errlen);
	if (rc != PF_OK)
		return rc;
	*over = count >= cfg->policy.replies_per_sender_per_day;
	return PF_OK;
}

/* Why nothing can be written to `to` (SPEC 7): the request's sender, when
 * its From could not be answered, or an address no reply can be written
 * to (the guard of the rule: nothing a mail contains makes a notice fail
 * to build). NULL when a notice can go. */
static const char *
no_reply(const struct request_row *r, const char *to)
{
	int utf8;

	if (r != NULL && r->sender_problem != NULL && to != NULL &&
	    strcmp(to, r->sender) == 0)
		return r->sender_problem;
	if (!addr_reply_ok(to, &utf8))
		return "not an address a reply can be written to";
	return NULL;
}

int
notice_queue(struct store *s, const struct config *cfg,
    const struct notice *n, struct notice_vars *nv, char *err, size_t errlen)
{
	const struct request_row *r = n->req;
	struct mail_spec m;
	struct outbox_row o;
	char *subject = NULL, *body = NULL, *msg = NULL, *mid = NULL;
	const char *lang = r ? r->language : n->language, *why;
	int rc = PF_ERR, over = 0;

	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	if ((why = no_reply(r, n->to)) != NULL) {
		log_info("%s notice to \"%s\" not written: %s", n->template,
		    n->to ? n->to : "", why);
		return PF_OK;
	}
	if (r)
		request_vars(nv, cfg, r, n->brief);
	else
		nv_take(nv, "tag", xstrcat("PIC-", n->tag, NULL));
	nv_set(nv, "recipient", n->to);
	nv_set(nv, "service_address", cfg->smtp_from);
	nv_set(nv, "language", lang);
	if (template_render(cfg->templates_dir, lang, n->template, &nv->tv,
	    &subject, &body, err, errlen) != PF_OK)
		goto done;
	mid = mail_new_message_id(cfg->smtp_from);
	m.from_addr = cfg->smtp_from;
	m.from_name = cfg->smtp_from_name;
	m.to_addr = n->to;
	m.subject = subject;
	m.message_id = mid;
	m.in_reply_to = r ? r->message_id : n->in_reply_to;
	m.references = r ? r->refs : n->references;
	m.language = lang;
	m.auto_submitted = "auto-replied";
	m.body = body;
	m.attach = n->attach;
	m.attach_len = n->attach_len;
	m.date = clock_now();
	if ((msg = mail_build(&m, err, errlen)) == NULL)
		goto done;
	if (n->auto_reply && (rc = over_limit(s, cfg, n->to, &over, err,
	    errlen)) != PF_OK)
		goto done;
	o.request_rid = r ? r->rid : 0;
	o.inbound_id = n->inbound_id;
	o.template = (char *)(n->kind ? n->kind : n->template);
	o.recipient = (char *)n->to;
	o.subject = subject;
	o.message_id = mid;
	o.message = msg;
	o.message_len = strlen(msg);
	o.auto_reply = n->auto_reply;
	o.created_at = clock_now();
	/* The outbox lists subjects: a token is never among them, and a
	 * verify notice that will not be sent keeps none at all. */
	if (strcmp(n->template, "verify") == 0)
		store_redact_tokens(subject, strlen(subject), STORE_TOKEN_LEN);
	if (n->suppress || over || str_ieq(n->to, cfg->smtp_from)) {
		if (strcmp(n->template, "verify") == 0)
			store_redact_tokens(msg, strlen(msg), STORE_TOKEN_LEN);
		o.state = "suppressed";
		log_info("%s notice to %s recorded, not sent: %s", n->template,
		    n->to, n->suppress ? n->suppress : over ?
		    "per-sender daily limit reached" : "our own address");
	} else {
		o.state = "queued";
		o.next_attempt_at = o.created_at;
	}
	rc = store_outbox_add(s, &o, err, errlen);
done:
	free(subject);
	free(body);
	free(msg);
	free(mid);
	return rc;
}

int
notice_to_contacts(struct store *s, const struct config *cfg,
    const char *template, const struct request_row *req,
    struct notice_vars *nv, int auto_reply, char *err, size_t errlen)
{
	struct strvec done = { 0 };
	struct notice n;
	int rc = PF_OK;

	memset(&n, 0, sizeof(n));
	n.template = template;
	n.req = req;
	n.auto_reply = auto_reply;
	n.inbound_id = req->inbound_id;
	for (size_t i = 0; i < req->n_sip && rc == PF_OK; i++) {
		const char *c = req->sip[i].contact;

		if (c == NULL || sv_contains(&done, c))
			continue;
		sv_push(&done, c);
		n.to = c;
		rc = notice_queue(s, cfg, &n, nv, err, errlen);
	}
	sv_free(&done);
	return rc;
}

int
notice_alert(struct store *s, const struct config *cfg,
    const struct request_row *req, const char *kind, const char *text,
    char *err, size_t errlen)
{
	return notice_alert_mail(s, cfg, req, kind, text, NULL, 0, err,
	    errlen);
}

/* At most NOTICE_ALERT_BURST alerts of a kind an hour; the others wait
 * for the digest (notice_alert_digests): a flood is one mail. A mail to
 * attach is held too (anyone can write a contact's From: a flood of
 * forged replies must not become a flood of forwards); the digest names
 * it instead. *held says which. */
static int
notice_alert_limit(struct store *s, const struct request_row *req,
    const char *kind, const char *text, int attach, int *held, char *err,
    size_t errlen)
{
	char *line;
	int rc, count = 0;

	*held = 0;
	rc = store_alert_sent_since(s, kind, clock_now() - NOTICE_ALERT_WINDOW,
	    &count, err, errlen);
	if (rc != PF_OK)
		return rc;
	*held = count >= NOTICE_ALERT_BURST;
	if (*held)
		log_info("alert (%s) held for the hourly digest", kind);
	line = xasprintf("%s%s", text, !attach ? "" : *held ? " Not attached "
	    "(hourly alert limit): the mail is kept in picflow's database and "
	    "in the processed mailbox." : " It is attached, as received.");
	rc = store_alert_add(s, kind, clock_now(), req ? req->rid : 0, line,
	    *held ? 0 : clock_now(), err, errlen);
	free(line);
	return rc;
}

int
notice_alert_mail(struct store *s, const struct config *cfg,
    const struct request_row *req, const char *kind, const char *text,
    const char *attach, size_t attach_len, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct request_row tmp;
	struct notice n;
	char id[37], tag[9];
	int rc, held;

	log_warn("alert (%s)%s%s: %.*s", kind, req ? " for request PIC-" : "",
	    req ? req->tag : "", (int)strcspn(text, "\n"), text);
	if (cfg->operator_address == NULL)
		return PF_OK;
	if ((rc = notice_alert_limit(s, req, kind, text, attach != NULL,
	    &held, err, errlen)) != PF_OK || held)
		return rc;
	memset(&n, 0, sizeof(n));
	n.template = "alert";
	n.to = cfg->operator_address;
	n.attach = attach;
	n.attach_len = attach_len;
	/* The operator reads alerts in the configured language, whatever
	 * the request's. */
	n.language = cfg->policy.default_language;
	if (req) {
		tmp = *req;
		tmp.language = cfg->policy.default_language;
		n.req = &tmp;
		n.inbound_id = req->inbound_id;
	} else {
		if ((rc = store_request_new_id(s, id, tag, err, errlen)) != PF_OK)
			return rc;
		n.tag = tag;
	}
	nv_set(&nv, "alert_kind", kind);
	nv_take(&nv, "alert_text", xasprintf("%s%s", text, attach ?
	    " It is attached, as received." : ""));
	rc = notice_queue(s, cfg, &n, &nv, err, errlen);
	nv_free(&nv);
	return rc;
}

int
notice_alert_digests(struct store *s, const struct config *cfg, int *sent,
    char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct strvec texts = { 0 };
	struct strbuf sb;
	struct notice n;
	char kind[128], id[37], tag[9], *what;
	int rc;

	*sent = 0;
	for (;;) {
		rc = store_alert_due_kind(s, clock_now() - NOTICE_ALERT_WINDOW,
		    kind, sizeof(kind), err, errlen);
		if (rc != STORE_FOUND)
			return rc;
		if ((rc = store_alert_take(s, kind, clock_now(), &texts, err,
		    errlen)) != PF_OK)
			return rc;
		if (cfg->operator_address == NULL || texts.n == 0) {
			sv_free(&texts);
			continue;
		}
		sb_init(&sb);
		for (size_t i = 0; i < texts.n; i++)
			sb_addf(&sb, "%s- %s\n", i ? "\n" : "", texts.v[i]);
		what = xasprintf("%s (digest of %zu held alerts)", kind,
		    texts.n);
		memset(&n, 0, sizeof(n));
		n.template = "alert";
		n.to = cfg->operator_address;
		n.language = cfg->policy.default_language;
		if ((rc = store_request_new_id(s, id, tag, err, errlen)) == PF_OK) {
			n.tag = tag;
			nv_set(&nv, "alert_kind", what);
			nv_take(&nv, "alert_text", sb_steal(&sb));
			rc = notice_queue(s, cfg, &n, &nv, err, errlen);
		}
		sb_free(&sb);
		free(what);
		nv_free(&nv);
		sv_free(&texts);
		if (rc != PF_OK)
			return rc;
		(*sent)++;
	}
}
