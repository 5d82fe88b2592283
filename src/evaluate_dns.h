/* evaluate_dns.h - the DNS steps of deciding a request (SPEC 8), apart
 * from evaluate.c's own: the gate (is the check done?), the settling of
 * claims by proof, and what an accepted request's DNS findings cause. */
#ifndef PICFLOW_EVALUATE_DNS_H
#define PICFLOW_EVALUATE_DNS_H

#include "config.h"
#include "dns_judge.h"
#include "notice.h"
#include "store.h"

/* With [dns] check on: *wait = 1 when r's lookups are not done yet and
 * queue is set (the request is queued for them, once, and stays
 * received); else v is the verdict on r's recorded answers (empty when
 * there are none). With check off, v is empty. */
int	evaluate_dns_gate(struct store *s, const struct config *cfg,
	    const struct request_row *r, int queue, struct dns_verdict *v,
	    int *wait, char *err, size_t errlen);

/* Confirmation variables: the DNS warnings' sentences (added to the
 * "warnings" lines being built) and "proof_records", the TXT records
 * that would prove r's domains not proven yet. */
void	evaluate_dns_vars(struct notice_vars *nv, struct strbuf *warnings,
	    const struct config *cfg, const struct request_row *r,
	    const struct dns_verdict *v);

/* r was accepted: records its warnings; for each domain in settled (a
 * claim its proof settled), alerts the operator and tells the contacts
 * of the agreement that held it. */
int	evaluate_dns_accepted(struct store *s, const struct config *cfg,
	    const struct request_row *r, const struct dns_verdict *v,
	    const struct strvec *settled, char *err, size_t errlen);

#endif
