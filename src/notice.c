/* notice.c - which notice goes to whom, rendered into the outbox (SPEC 4).
 *
 * A notice is rendered completely when it is queued, in the transaction
 * of the change that caused it: the sender only moves bytes, so what
 * `outbox --dump` shows is exactly what will be sent. */
#include "notice.h"
#include "clock.h"
#include "log.h"
#include "mail_build.h"
#include "reason_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    const struct request_row *r)
{
	struct strbuf sb;
	char buf[32];

	nv_take(nv, "tag", xstrcat("PIC-", r->tag, NULL));
	nv_set(nv, "request_id", r->id);
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
	if (r->due_at) {
		clock_date(r->due_at, buf);
		nv_set(nv, "due_date", buf);
	}
	clock_human(r->created_at, buf);
	nv_set(nv, "created_at", buf);
	nv_take(nv, "provisioning_days", xasprintf("%d",
	    cfg->policy.provisioning_days));
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

int
notice_queue(struct store *s, const struct config *cfg,
    const struct notice *n, struct notice_vars *nv, char *err, size_t errlen)
{
	const struct request_row *r = n->req;
	struct mail_spec m;
	struct outbox_row o;
	char *subject = NULL, *body = NULL, *msg = NULL, *mid = NULL;
	const char *lang = r ? r->language : n->language;
	int rc = PF_ERR, over = 0;

	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	if (r)
		request_vars(nv, cfg, r);
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
	m.date = clock_now();
	if ((msg = mail_build(&m, err, errlen)) == NULL)
		goto done;
	if (n->auto_reply && (rc = over_limit(s, cfg, n->to, &over, err,
	    errlen)) != PF_OK)
		goto done;
	o.request_rid = r ? r->rid : 0;
	o.inbound_id = n->inbound_id;
	o.template = (char *)n->template;
	o.recipient = (char *)n->to;
	o.subject = subject;
	o.message_id = mid;
	o.message = msg;
	o.message_len = strlen(msg);
	o.auto_reply = n->auto_reply;
	o.created_at = clock_now();
	if (over || str_ieq(n->to, cfg->smtp_from)) {
		o.state = "suppressed";
		log_info("%s notice to %s recorded, not sent: %s", n->template,
		    n->to, over ? "per-sender daily limit reached" :
		    "our own address");
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
	struct notice_vars nv = { 0 };
	struct request_row tmp;
	struct notice n;
	char id[37], tag[9];
	int rc;

	log_warn("alert (%s)%s%s: %.*s", kind, req ? " for request PIC-" : "",
	    req ? req->tag : "", (int)strcspn(text, "\n"), text);
	if (cfg->operator_address == NULL)
		return PF_OK;
	memset(&n, 0, sizeof(n));
	n.template = "alert";
	n.to = cfg->operator_address;
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
	nv_set(&nv, "alert_text", text);
	rc = notice_queue(s, cfg, &n, &nv, err, errlen);
	nv_free(&nv);
	return rc;
}
