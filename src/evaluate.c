/* evaluate.c - a received request is held, accepted or rejected.
 *
 * Used by ingest for a new request and by tick when a held request's
 * cooldown ends; the form is always re-read from the request's own mail,
 * so both paths decide from exactly the same input. */
#include "evaluate.h"
#include "clock.h"
#include "confirm.h"
#include "evaluate_dns.h"
#include "log.h"
#include "notice.h"
#include "reason_text.h"
#include "mime_text.h"
#include "request_parse.h"
#include "request_validate.h"
#include "suffix.h"

#include <stdlib.h>
#include <string.h>

#define MASK(st)	(1u << (st))

int
evaluate_facts(struct store *s, const struct request_form *f,
    const char *sender, const char *exclude_id,
    struct agreement_facts *facts, char *err, size_t errlen)
{
	struct request_row *v = NULL;
	size_t n = 0, k_prov = 0, k_pend = 0;
	unsigned all = MASK(ST_RECEIVED) | MASK(ST_CONFIRMING) | MASK(ST_PENDING) |
	    MASK(ST_PROVISIONED) | MASK(ST_REJECTED) | MASK(ST_SUPERSEDED);
	int rc;

	memset(facts, 0, sizeof(*facts));
	if (f->agreement_number == NULL)
		return PF_OK;
	rc = store_agreement_requests_except(s, f->agreement_number, all,
	    exclude_id, &v, &n, err, errlen);
	if (rc != PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (exclude_id && strcmp(v[i].id, exclude_id) == 0)
			continue;
		facts->n_requests++;
		if (v[i].state == ST_PROVISIONED)
			facts->n_provisioned++;
		if (v[i].state == ST_PROVISIONED && request_row_has_contact(&v[i], sender))
			k_prov++;
		if (v[i].state == ST_PENDING && request_row_has_contact(&v[i], sender))
			k_pend++;
	}
	/* Contacts of record: those of the agreement's provisioned requests,
	 * which the provider has checked; only while none is provisioned,
	 * those of its pending ones. Never of rejected or replaced requests.
	 * Anyone may file a request under any agreement number: that must
	 * not make a stranger a contact of an agreement in service (he would
	 * then get its status, and could update it). */
	facts->sender_is_contact = facts->n_provisioned > 0 ? k_prov > 0 :
	    k_pend > 0;
	request_rows_free(v, n);
	return evaluate_claims(s, f->agreement_number, f->sip, f->n_sip,
	    clock_now(), &facts->claimed, err, errlen);
}

/* Whether one claimant holds the domain: a provisioned request always
 * (the provider checked it); a pending one only until its provisioning
 * deadline, and only when its contact for the domain belongs to the
 * domain's organisation: a stranger's request for someone else's domain
 * locks nothing (SPEC 6). A confirming request never gets here. */
static int
claim_holds(const struct claim_row *c, const char *domain, time_t now)
{
	const char *at;

	if (c->state == ST_PROVISIONED)
		return 1;
	if (c->due_at != 0 && c->due_at <= now)
		return 0;
	at = c->contact ? strrchr(c->contact, '@') : NULL;
	return at != NULL && suffix_same_site(at + 1, domain);
}

int
evaluate_claims(struct store *s, const char *agreement,
    const struct sip_domain *sip, size_t n_sip, time_t now,
    struct strvec *claimed, char *err, size_t errlen)
{
	struct claim_row *v;
	size_t n;
	int rc = PF_OK;

	for (size_t i = 0; i < n_sip && rc == PF_OK; i++) {
		if (sip[i].domain == NULL || sv_contains(claimed,
		    sip[i].domain))
			continue;
		rc = store_domain_claimants(s, agreement, sip[i].domain, &v, &n,
		    err, errlen);
		for (size_t k = 0; rc == PF_OK && k < n; k++)
			if (claim_holds(&v[k], sip[i].domain, now)) {
				sv_push(claimed, sip[i].domain);
				break;
			}
		if (rc == PF_OK)
			claim_rows_free(v, n);
	}
	return rc;
}

static int
hold(struct store *s, const struct config *cfg, struct request_row *r,
    time_t until, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct notice n;
	char when[32], *cause;
	int rc;

	clock_human(until, when);
	r->held_until = until;
	cause = xasprintf("held by the split-domain cooldown until %s", when);
	memset(&n, 0, sizeof(n));
	n.template = "held";
	n.req = r;
	n.to = r->sender;
	n.inbound_id = r->inbound_id;
	n.auto_reply = 1;
	n.brief = cfg->policy.confirm_contacts;	/* the sender may be forged */
	nv_set(&nv, "held_until", when);
	nv_take(&nv, "cooldown_hours", xasprintf("%d",
	    cfg->policy.cooldown_hours));
	if ((rc = store_request_save(s, r, err, errlen)) == PF_OK &&
	    (rc = store_note(s, r, cause, err, errlen)) == PF_OK &&
	    (rc = store_timer_set(s, r->rid, "release", until, err,
	    errlen)) == PF_OK)
		rc = notice_queue(s, cfg, &n, &nv, err, errlen);
	log_info("request %s %s", r->tag, cause);
	free(cause);
	nv_free(&nv);
	return rc;
}

/* The confirm timer of a request leaving `was`: only a confirming one has
 * it (received requests never had one: a DELETE per new request saved). */
static int
cancel_confirm(struct store *s, const struct request_row *r,
    enum req_state was, char *err, size_t errlen)
{
	if (was != ST_CONFIRMING)
		return PF_OK;
	return store_timer_cancel(s, r->rid, "confirm", err, errlen);
}

static int
reject(struct store *s, const struct config *cfg, struct request_row *r,
    const struct request_form *f, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct notice n;
	struct strbuf cause;
	enum req_state was = r->state;
	time_t until;
	int rc;

	sb_init(&cause);
	sb_adds(&cause, "rejected:");
	for (size_t i = 0; i < f->reasons.n; i++) {
		reasons_add(&r->reasons, f->reasons.v[i].code,
		    f->reasons.v[i].detail);
		sb_addf(&cause, " %s", f->reasons.v[i].code);
	}
	memset(&n, 0, sizeof(n));
	n.template = "rejection";
	n.req = r;
	n.to = r->sender;
	n.inbound_id = r->inbound_id;
	n.auto_reply = 1;
	/* The sender may be forged: he reads the reasons (short excerpts
	 * of the bad values), not the request echoed back (SPEC 6). */
	n.brief = cfg->policy.confirm_contacts;
	nv_take(&nv, "reasons", notice_reason_lines(cfg, &r->reasons,
	    r->language));
	if (f->action == ACTION_UPDATE)
		nv_set(&nv, "is_update", "1");
	if ((rc = store_request_save_transition(s, r, ST_REJECTED,
	    BY_SYSTEM, cause.s, err, errlen)) != PF_OK ||
	    (rc = cancel_confirm(s, r, was, err, errlen)) != PF_OK ||
	    (rc = notice_queue(s, cfg, &n, &nv, err, errlen)) != PF_OK)
		goto done;
	log_info("request %s %s", r->tag, cause.s);
	if (!reasons_has(&r->reasons, "online-enabled-first"))
		goto done;
	until = clock_now() + (time_t)cfg->policy.cooldown_hours * 3600;
	rc = store_cooldown_add(s, r->id, r->agreement_number, NULL, until,
	    err, errlen);
	for (size_t i = 0; i < r->n_sip && rc == PF_OK; i++)
		rc = store_cooldown_add(s, r->id, NULL, r->sip[i].domain,
		    until, err, errlen);
done:
	sb_free(&cause);
	nv_free(&nv);
	return rc;
}

/* An update changes the Access Edge FQDNs when its set differs from the
 * agreement's provisioned one. */
static int
edge_changed(struct store *s, struct request_row *r, char *err,
    size_t errlen)
{
	struct request_row *v = NULL;
	size_t n = 0;
	int rc, changed = 0;

	if (strcmp(r->action, "update") != 0)
		return PF_OK;
	rc = store_agreement_requests(s, r->agreement_number,
	    MASK(ST_PROVISIONED), &v, &n, err, errlen);
	if (rc != PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (v[i].edges.n != r->edges.n)
			changed = 1;
		for (size_t j = 0; j < r->edges.n && !changed; j++)
			if (!sv_contains(&v[i].edges, r->edges.v[j]))
				changed = 1;
	}
	r->edge_change = changed;
	request_rows_free(v, n);
	return PF_OK;
}

static void
confirmation_vars(struct notice_vars *nv, const struct config *cfg,
    const struct request_row *r, const struct request_form *f,
    const struct dns_verdict *dv)
{
	const struct network *yahoo = policy_network(&cfg->policy, "yahoo");
	struct strbuf sb;
	char *text;

	if (strcmp(r->action, "update") == 0)
		nv_set(nv, "is_update", "1");
	if (r->edge_change)
		nv_set(nv, "edge_change", "1");
	nv_take(nv, "edge_change_days", xasprintf("%d",
	    cfg->policy.edge_change_days));
	if (sv_contains(&f->networks, "yahoo") && yahoo &&
	    yahoo->rule == NET_LICENCE_REQUIRED)
		nv_set(nv, "yahoo_licence", "1");
	text = reason_text_list(cfg->templates_dir, &f->warnings, f->language,
	    0);
	sb_init(&sb);
	sb_adds(&sb, text);
	free(text);
	evaluate_dns_vars(nv, &sb, cfg, r, dv);
	nv_take(nv, "warnings", sb_steal(&sb));
}

static int
accept(struct store *s, const struct config *cfg, struct request_row *r,
    const struct request_form *f, const struct dns_verdict *dv,
    const struct strvec *settled, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	enum req_state was = r->state;
	int days, rc;

	if ((rc = edge_changed(s, r, err, errlen)) != PF_OK)
		return rc;
	days = r->edge_change ? cfg->policy.edge_change_days :
	    cfg->policy.provisioning_days;
	r->due_at = clock_now() + (time_t)days * 86400;
	r->held_until = 0;
	confirmation_vars(&nv, cfg, r, f, dv);
	if ((rc = store_request_save_transition(s, r, ST_PENDING, BY_SYSTEM,
	    r->edge_change ? "accepted (Access Edge change)" : "accepted",
	    err, errlen)) == PF_OK &&
	    (rc = cancel_confirm(s, r, was, err, errlen)) == PF_OK &&
	    (rc = store_timer_set(s, r->rid, "deadline", r->due_at, err,
	    errlen)) == PF_OK &&
	    (rc = evaluate_dns_accepted(s, cfg, r, dv, settled, err,
	    errlen)) == PF_OK)
		rc = notice_to_contacts(s, cfg, "confirmation", r, &nv, 1, err,
		    errlen);
	if (rc == PF_OK)
		log_info("request %s accepted (agreement %s)", r->tag,
		    r->agreement_number);
	nv_free(&nv);
	return rc;
}

static int	confirm_or_accept(struct store *s, const struct config *cfg,
		    struct request_row *r, const struct request_form *f,
		    const struct dns_verdict *dv, const struct strvec *settled,
		    char *err, size_t errlen);

/* Validation with what the store knows and what DNS said (SPEC 8): a
 * claim its TXT proof settles is taken out of the claimed domains before
 * validation sees them (into settled); the DNS reasons follow the
 * others. With queue, a request whose lookups are not done is queued for
 * them (*wait = 1); without, it is judged without them. */
static int
judge(struct store *s, const struct config *cfg, struct request_row *r,
    struct request_form *f, int queue, struct dns_verdict *dv,
    struct strvec *settled, int *wait, char *err, size_t errlen)
{
	struct agreement_facts facts;
	int rc;

	if ((rc = evaluate_dns_gate(s, cfg, r, queue, dv, wait, err,
	    errlen)) != PF_OK || *wait)
		return rc;
	if ((rc = evaluate_facts(s, f, r->sender, r->id, &facts, err,
	    errlen)) == PF_OK) {
		dns_judge_settle(&facts.claimed, &dv->proven, settled);
		request_validate(f, &cfg->policy, &facts, clock_now());
		for (size_t i = 0; i < dv->reasons.n; i++)
			reasons_add(&f->reasons, dv->reasons.v[i].code,
			    dv->reasons.v[i].detail);
	}
	sv_free(&facts.claimed);
	return rc;
}

int
evaluate_request(struct store *s, const struct config *cfg,
    struct request_row *r, struct request_form *f, char *err, size_t errlen)
{
	struct dns_verdict dv;
	struct strvec settled = { 0 };
	time_t until;
	int rc, wait;

	if (r->state != ST_RECEIVED) {
		err_set(err, errlen, "request %s is %s, not received", r->tag,
		    state_name(r->state));
		return PF_ERR;
	}
	rc = store_cooldown_until(s, f->agreement_number, f->sip, f->n_sip,
	    clock_now(), &until, err, errlen);
	if (rc != PF_OK)
		return rc;
	if (until > clock_now())
		return hold(s, cfg, r, until, err, errlen);
	/* SPEC 8: decided once its DNS answers are in (dns_stage.c). */
	if ((rc = judge(s, cfg, r, f, 1, &dv, &settled, &wait, err,
	    errlen)) != PF_OK || wait)
		goto done;
	if (f->reasons.n > 0)
		rc = reject(s, cfg, r, f, err, errlen);
	else if (cfg->policy.confirm_contacts)
		rc = confirm_or_accept(s, cfg, r, f, &dv, &settled, err,
		    errlen);
	else
		rc = accept(s, cfg, r, f, &dv, &settled, err, errlen);
done:
	sv_free(&settled);
	dns_verdict_free(&dv);
	return rc;
}

/* Valid: confirming while someone must still confirm (SPEC 6), else
 * accepted at once (every contact already confirmed for the agreement). */
static int
confirm_or_accept(struct store *s, const struct config *cfg,
    struct request_row *r, const struct request_form *f,
    const struct dns_verdict *dv, const struct strvec *settled, char *err,
    size_t errlen)
{
	struct strvec who = { 0 };
	int rc;

	if ((rc = confirm_who(s, r, &who, err, errlen)) == PF_OK)
		rc = who.n > 0 ? confirm_start(s, cfg, r, &who, err, errlen) :
		    accept(s, cfg, r, f, dv, settled, err, errlen);
	sv_free(&who);
	return rc;
}

int
evaluate_confirmed(struct store *s, const struct config *cfg,
    struct request_row *r, char *err, size_t errlen)
{
	struct dns_verdict dv;
	struct strvec settled = { 0 };
	struct request_form f;
	struct mail_text mt;
	char *raw = NULL;
	size_t len;
	int rc, wait;

	if (r->state != ST_CONFIRMING) {
		err_set(err, errlen, "request %s is %s, not confirming", r->tag,
		    state_name(r->state));
		return PF_ERR;
	}
	memset(&f, 0, sizeof(f));
	memset(&mt, 0, sizeof(mt));
	if ((rc = store_inbound_raw(s, r->inbound_id, &raw, &len, err,
	    errlen)) != PF_OK ||
	    (rc = mime_text_extract(raw, len, &mt, err, errlen)) != PF_OK)
		goto done;
	request_parse(mt.body, mt.content_language, &cfg->policy, &f);
	/* Judged again: a domain may have been claimed, or the agreement
	 * changed, while its contacts were reading their mail; DNS from
	 * the answers recorded when it was received. */
	if ((rc = judge(s, cfg, r, &f, 0, &dv, &settled, &wait, err,
	    errlen)) == PF_OK)
		rc = f.reasons.n > 0 ? reject(s, cfg, r, &f, err, errlen) :
		    accept(s, cfg, r, &f, &dv, &settled, err, errlen);
	sv_free(&settled);
	dns_verdict_free(&dv);
done:
	request_form_free(&f);
	mime_text_free(&mt);
	free(raw);
	return rc;
}

int
evaluate_unauthenticated(struct store *s, struct request_row *r,
    const char *verdict, char *err, size_t errlen)
{
	char *cause;
	int rc;

	reasons_add(&r->reasons, "unauthenticated-sender", verdict);
	cause = xasprintf("rejected: unauthenticated-sender (%s); nothing sent "
	    "to %s", verdict, r->sender);
	rc = store_request_save_transition(s, r, ST_REJECTED, BY_SYSTEM, cause,
	    err, errlen);
	if (rc == PF_OK)
		log_info("request %s %s", r->tag, cause);
	free(cause);
	return rc;
}
