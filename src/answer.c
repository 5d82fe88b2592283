/* answer.c - mails that ask something rather than request it: help,
 * status, replies to a notice, and mails too big to read.
 *
 * Privacy: a status answer names the agreement's requests only when the
 * sender is one of its contacts of record; otherwise it gives the reasons
 * and nothing else. A reply is forwarded to the operator only. */
#include "answer.h"
#include "clock.h"
#include "confirm.h"
#include "evaluate.h"
#include "log.h"
#include "notice.h"
#include "request_validate.h"
#include "store_confirm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MASK(st)	(1u << (st))

/* A notice answering the mail itself (no request): fresh tag. */
static int
answer_queue(struct store *s, const struct config *cfg,
    const struct mail_text *mt, const char *sender, const char *lang,
    const char *template, const char *tag, struct notice_vars *nv,
    struct ingest_result *res, char *err, size_t errlen)
{
	struct notice n;
	char id[37], fresh[9], received[32];
	int rc;

	if (tag == NULL) {
		if ((rc = store_request_new_id(s, id, fresh, err, errlen)) != PF_OK)
			return rc;
		tag = fresh;
	}
	clock_human(clock_now(), received);
	nv_set(nv, "created_at", received);
	memset(&n, 0, sizeof(n));
	n.template = template;
	n.tag = tag;
	n.to = sender;
	n.language = lang;
	n.in_reply_to = mt->message_id;
	n.references = mt->references;
	n.inbound_id = res->inbound_id;
	n.auto_reply = 1;
	return notice_queue(s, cfg, &n, nv, err, errlen);
}

static const char *
mail_language(const struct mail_text *mt, const struct config *cfg)
{
	const char *cl = mt->content_language;

	if (cl && strncasecmp(cl, "fr", 2) == 0)
		return "fr";
	if (cl && strncasecmp(cl, "en", 2) == 0)
		return "en";
	return cfg->policy.default_language;
}

int
answer_help(struct store *s, const struct config *cfg,
    const struct mail_text *mt, const char *sender,
    const struct request_form *f, struct ingest_result *res, char *err,
    size_t errlen)
{
	struct notice_vars nv = { 0 };
	const char *lang = f->language ? f->language : mail_language(mt, cfg);
	int rc;

	res->outcome = IN_HELP;
	if (f->n_fields == 0)
		nv_set(&nv, "intro_no_fields", "1");
	nv_take(&nv, "provisioning_days", xasprintf("%d",
	    cfg->policy.provisioning_days));
	if (cfg->policy.confirm_contacts) {
		nv_set(&nv, "confirm", "1");
		nv_take(&nv, "confirm_days", xasprintf("%d",
		    cfg->policy.confirm_days));
	}
	rc = store_inbound_link(s, res->inbound_id, "help", NULL, err, errlen);
	if (rc == PF_OK)
		rc = answer_queue(s, cfg, mt, sender, lang, "help", NULL, &nv,
		    res, err, errlen);
	nv_free(&nv);
	return rc;
}

/* Before an agreement is provisioned, its pending requests may come from
 * parties the provider has not checked yet (anyone may write any agreement
 * number): each contact then hears of his own requests only. */
static size_t
status_visible(struct request_row *v, size_t n, const char *sender)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (request_row_has_contact(&v[i], sender)) {
			struct request_row tmp = v[k];

			v[k++] = v[i];
			v[i] = tmp;
		}
	}
	return k;
}

static char *
status_lines(const struct request_row *v, size_t n)
{
	struct strbuf sb;
	char a[32], b[16];

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		clock_human(v[i].created_at, a);
		sb_addf(&sb, "  - [PIC-%s] %s request of %s: %s", v[i].tag,
		    v[i].action, a, state_name(v[i].state));
		if (v[i].state == ST_PENDING && v[i].due_at) {
			clock_date(v[i].due_at, b);
			sb_addf(&sb, " (expected by %s)", b);
		}
		sb_addc(&sb, '\n');
		for (size_t j = 0; j < v[i].n_sip; j++)
			sb_addf(&sb, "      %s\n", v[i].sip[j].domain);
	}
	return sb_steal(&sb);
}

int
answer_status(struct store *s, const struct config *cfg,
    const struct mail_text *mt, const char *sender, struct request_form *f,
    struct ingest_result *res, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct agreement_facts facts;
	struct request_row *v = NULL;
	const char *tag = NULL;
	size_t n = 0, shown;
	int rc;

	res->outcome = IN_STATUS;
	rc = evaluate_facts(s, f, sender, NULL, &facts, err, errlen);
	/* With confirmation on, a contact of record who never proved his
	 * mailbox is answered as a stranger (SPEC 6). */
	if (rc == PF_OK && cfg->policy.confirm_contacts &&
	    facts.sender_is_contact)
		rc = confirm_trusted(s, f->agreement_number, sender,
		    &facts.sender_is_contact, err, errlen);
	if (rc == PF_OK)
		request_validate(f, &cfg->policy, &facts, clock_now());
	sv_free(&facts.claimed);
	if (rc != PF_OK)
		goto done;
	if (f->reasons.n > 0) {
		nv_set(&nv, "refused", "1");
		nv_take(&nv, "reasons", notice_reason_lines(cfg, &f->reasons,
		    f->language));
	} else {
		rc = store_agreement_requests(s, f->agreement_number,
		    MASK(ST_RECEIVED) | MASK(ST_CONFIRMING) | MASK(ST_PENDING) |
		    MASK(ST_PROVISIONED)
		    | MASK(ST_REJECTED), &v, &n, err, errlen);
		if (rc != PF_OK)
			goto done;
		shown = facts.n_provisioned > 0 ? n :
		    status_visible(v, n, sender);
		nv_set(&nv, "agreement_number", f->agreement_number);
		nv_take(&nv, "status_lines", status_lines(v, shown));
		if (shown > 0)
			tag = v[shown - 1].tag;
	}
	rc = store_inbound_link(s, res->inbound_id, "status", NULL, err,
	    errlen);
	if (rc == PF_OK)
		rc = answer_queue(s, cfg, mt, sender, f->language, "status", tag,
		    &nv, res, err, errlen);
done:
	request_rows_free(v, n);
	nv_free(&nv);
	return rc;
}

/* Whether a reply from sender may reach the operator: a contact of
 * record of the request (its own contacts, or the agreement's). With
 * confirmation on, only one who proved his mailbox: he confirmed this
 * request, or is a confirmed contact of record (SPEC 6). */
static int
reply_from_contact(struct store *s, const struct config *cfg,
    const struct request_row *r, const char *sender, int *yes, char *err,
    size_t errlen)
{
	struct confirm_row *v = NULL;
	size_t n = 0;
	int rc;

	*yes = 0;
	if (!cfg->policy.confirm_contacts) {
		if (request_row_has_contact(r, sender)) {
			*yes = 1;
			return PF_OK;
		}
		return confirm_contact_of_record(s, r->agreement_number,
		    sender, yes, err, errlen);
	}
	if ((rc = store_confirm_list(s, r->rid, &v, &n, err, errlen)) !=
	    PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (v[i].confirmed_at && str_ieq(v[i].address, sender))
			*yes = 1;
	confirm_rows_free(v, n);
	if (*yes)
		return PF_OK;
	return confirm_trusted(s, r->agreement_number, sender, yes, err,
	    errlen);
}

int
answer_reply(struct store *s, const struct config *cfg,
    const struct mail_text *mt, const char *sender, const char *tag,
    struct ingest_result *res, char *err, size_t errlen)
{
	struct request_row r;
	char *cause = NULL, *text = NULL, *raw = NULL;
	size_t len = 0;
	int rc, ok = 0;

	rc = store_request_load(s, tag, &r, err, errlen);
	if (rc != STORE_FOUND)
		return rc;
	res->outcome = IN_REPLY;
	memcpy(res->tag, r.tag, sizeof(res->tag));
	if ((rc = store_inbound_link(s, res->inbound_id, "reply", r.id, err,
	    errlen)) != PF_OK ||
	    (rc = reply_from_contact(s, cfg, &r, sender, &ok, err,
	    errlen)) != PF_OK)
		goto done;
	if (!ok) {
		/* anyone may learn a tag: a stranger's reply is kept, and
		 * reaches no one */
		snprintf(res->note, sizeof(res->note), "not forwarded");
		cause = xasprintf("reply from %s recorded, not forwarded: not "
		    "a%s contact of record", sender,
		    cfg->policy.confirm_contacts ? " confirmed" : "");
		rc = store_note(s, &r, cause, err, errlen);
		goto done;
	}
	cause = xasprintf("reply from %s attached and forwarded to the "
	    "operator", sender);
	/* The mail goes attached, as it came: its text pasted under our
	 * own lines could pose as picflow's. */
	text = xasprintf("A contact of record, %s, replied about request "
	    "PIC-%s (Message-ID <%.100s>).", sender, r.tag, mt->message_id ?
	    mt->message_id : "none");
	if ((rc = store_inbound_raw(s, res->inbound_id, &raw, &len, err,
	    errlen)) == PF_OK &&
	    (rc = store_note(s, &r, cause, err, errlen)) == PF_OK)
		rc = notice_alert_mail(s, cfg, &r, "forwarded reply", text,
		    raw, len, err, errlen);
done:
	free(cause);
	free(text);
	free(raw);
	request_row_free(&r);
	return rc;
}

int
answer_too_big(struct store *s, const struct config *cfg,
    const struct mail_text *mt, const char *sender, size_t size,
    struct ingest_result *res, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct reasons r = { 0 };
	const char *lang = mail_language(mt, cfg);
	char *detail;
	int rc;

	res->outcome = IN_TOO_BIG;
	detail = xasprintf("%zu bytes, limit %ld", size,
	    cfg->policy.max_message_bytes);
	reasons_add(&r, "message-too-big", detail);
	nv_take(&nv, "reasons", notice_reason_lines(cfg, &r, lang));
	rc = answer_queue(s, cfg, mt, sender, lang, "rejection", NULL, &nv,
	    res, err, errlen);
	log_info("mail from %s rejected unread: %s", sender, detail);
	reasons_free(&r);
	free(detail);
	nv_free(&nv);
	return rc;
}
