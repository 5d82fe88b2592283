/* evaluate_dns.c - the DNS steps of deciding a request (SPEC 8).
 *
 * The lookups themselves run outside any transaction (dns_stage.c, all
 * queued requests at once); here, inside the deciding transaction, only
 * what was recorded is read and judged, so that a decision and the
 * answers it rests on are one commit. */
#include "evaluate_dns.h"
#include "log.h"
#include "reason_text.h"
#include "store_dns.h"

#include <stdlib.h>
#include <string.h>

static void
subject_of(const struct request_row *r, struct dns_subject *subj)
{
	subj->agreement = r->agreement_number;
	subj->edges = &r->edges;
	subj->sip = r->sip;
	subj->n_sip = r->n_sip;
}

int
evaluate_dns_gate(struct store *s, const struct config *cfg,
    const struct request_row *r, int queue, struct dns_verdict *v,
    int *wait, char *err, size_t errlen)
{
	struct dns_subject subj;
	struct dns_batch b = { 0 };
	enum dns_check_state st;
	int rc;

	memset(v, 0, sizeof(*v));
	*wait = 0;
	if (cfg->dns.check == DNS_CHECK_OFF)
		return PF_OK;
	if ((rc = store_dns_check_state(s, r->rid, &st, err, errlen)) != PF_OK)
		return rc;
	if (st != DNS_CHECK_DONE && !queue)
		return PF_OK;	/* judged on what the rest says */
	if (st != DNS_CHECK_DONE) {
		*wait = 1;
		if (st == DNS_CHECK_QUEUED)
			return PF_OK;
		if ((rc = store_dns_enqueue(s, r->rid, err, errlen)) != PF_OK)
			return rc;
		return store_note(s, r, "waiting for its DNS check", err,
		    errlen);
	}
	if ((rc = store_dns_answers(s, r->rid, &b, err, errlen)) == PF_OK) {
		subject_of(r, &subj);
		dns_judge(&subj, &b, &cfg->dns, v);
	}
	dns_batch_free(&b);
	return rc;
}

void
evaluate_dns_vars(struct notice_vars *nv, struct strbuf *warnings,
    const struct config *cfg, const struct request_row *r,
    const struct dns_verdict *v)
{
	struct strbuf sb;
	char *line;

	if (cfg->dns.check == DNS_CHECK_OFF)
		return;		/* no lookups: a proof would prove nothing */
	for (size_t i = 0; i < v->warnings.n; i++) {
		line = reason_text(cfg->templates_dir, v->warnings.v[i].code,
		    v->warnings.v[i].detail, r->language);
		sb_addf(warnings, "  - [%s] %s\n", v->warnings.v[i].code, line);
		free(line);
	}
	sb_init(&sb);
	for (size_t i = 0; i < r->n_sip; i++) {
		if (sv_contains(&v->proven, r->sip[i].domain))
			continue;
		line = dns_proof_record(r->sip[i].domain, r->agreement_number);
		sb_addf(&sb, "  %s\n", line);
		free(line);
	}
	if (sb.len)
		nv_take(nv, "proof_records", sb_steal(&sb));
	sb_free(&sb);
}

/* The contacts of the agreement whose request held domain are told that
 * its owner proved, in DNS, that another agreement is to use it; they
 * learn nothing about that other agreement (SPEC 2, privacy). */
static int
tell_claimant(struct store *s, const struct config *cfg, const char *tag,
    const char *domain, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct request_row prev;
	struct strvec done = { 0 };
	struct notice n;
	int rc;

	rc = store_request_load(s, tag, &prev, err, errlen);
	if (rc != STORE_FOUND)
		return rc == PF_OK ? PF_ERR : rc;
	nv_set(&nv, "claimed_domain", domain);
	memset(&n, 0, sizeof(n));
	n.template = "claim-moved";
	/* A notice about the state of the contacts' own agreement: the
	 * outbox files it with the status notices. */
	n.kind = "status";
	n.req = &prev;
	n.inbound_id = prev.inbound_id;
	rc = PF_OK;
	for (size_t i = 0; i < prev.n_sip && rc == PF_OK; i++) {
		const char *c = prev.sip[i].contact;

		if (c == NULL || sv_contains(&done, c))
			continue;
		sv_push(&done, c);
		n.to = c;
		rc = notice_queue(s, cfg, &n, &nv, err, errlen);
	}
	if (rc == PF_OK)
		rc = store_note(s, &prev, "a DNS proof gave one of its SIP "
		    "domains to another agreement: contacts told", err, errlen);
	sv_free(&done);
	nv_free(&nv);
	request_row_free(&prev);
	return rc;
}

static int
settle_one(struct store *s, const struct config *cfg,
    const struct request_row *r, const char *domain, char *err,
    size_t errlen)
{
	struct claim_row *v = NULL;
	size_t n = 0;
	char *text, *cause;
	int rc;

	rc = store_domain_claimants(s, r->agreement_number, domain, &v, &n,
	    err, errlen);
	if (rc != PF_OK)
		return rc;
	text = xasprintf("SIP domain %s was claimed by %zu request(s) of "
	    "another agreement; its DNS proof (_pic.%s TXT "
	    "\"pic-agreement=%s\") names agreement %s, so request PIC-%s was "
	    "accepted for it. The previous agreement's contacts were told. "
	    "Check the previous agreement's configuration.", domain, n,
	    domain, r->agreement_number, r->agreement_number, r->tag);
	cause = xasprintf("claim on %s settled by its DNS proof", domain);
	if ((rc = notice_alert(s, cfg, r, "domain claim settled by DNS proof",
	    text, err, errlen)) == PF_OK)
		rc = store_note(s, r, cause, err, errlen);
	for (size_t i = 0; i < n && rc == PF_OK; i++)
		rc = tell_claimant(s, cfg, v[i].tag, domain, err, errlen);
	log_info("request %s: %s", r->tag, cause);
	free(cause);
	free(text);
	claim_rows_free(v, n);
	return rc;
}

int
evaluate_dns_accepted(struct store *s, const struct config *cfg,
    const struct request_row *r, const struct dns_verdict *v,
    const struct strvec *settled, char *err, size_t errlen)
{
	int rc;

	if (cfg->dns.check == DNS_CHECK_OFF)
		return PF_OK;
	rc = store_warnings_save(s, r->rid, &v->warnings, err, errlen);
	for (size_t i = 0; i < settled->n && rc == PF_OK; i++)
		rc = settle_one(s, cfg, r, settled->v[i], err, errlen);
	return rc;
}
