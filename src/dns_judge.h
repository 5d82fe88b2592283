/* dns_judge.h - what DNS says about a request (SPEC 8), decided from
 * answers already fetched: a pure function, unit-tested without a
 * resolver. */
#ifndef PICFLOW_DNS_JUDGE_H
#define PICFLOW_DNS_JUDGE_H

#include "config.h"
#include "dns_result.h"
#include "request.h"

/* What a request's names are, as the checks see them. */
struct dns_subject {
	const char		*agreement;	/* Agreement-Number */
	const struct strvec	*edges;		/* Access Edge FQDNs */
	const struct sip_domain	*sip;
	size_t			 n_sip;
};

struct dns_verdict {
	struct reasons	 reasons;	/* rejection reasons (require,
					   domain-not-proven) */
	struct reasons	 warnings;	/* warn's findings, dns-unavailable */
	struct strvec	 proven;	/* SIP domains whose _pic TXT names
					   this agreement */
};

/* Adds to b every question the checks of subj ask. */
void	dns_judge_questions(const struct dns_subject *subj,
	    struct dns_batch *b);

/* Judges subj from the answers in b (a question without an answer counts
 * as a DNS failure) under c (check, ownership). */
void	dns_judge(const struct dns_subject *subj, const struct dns_batch *b,
	    const struct dns_conf *c, struct dns_verdict *v);
void	dns_verdict_free(struct dns_verdict *v);

/* The proof settles a claim: every domain of claimed (SIP domains pending
 * or provisioned under another agreement) that is in proven moves from
 * claimed to settled. A step of its own, after the store has said which
 * domains are claimed and before validation sees them. */
void	dns_judge_settle(struct strvec *claimed, const struct strvec *proven,
	    struct strvec *settled);

/* The record an administrator publishes to prove domain for agreement. */
char	*dns_proof_record(const char *domain, const char *agreement);

#endif
