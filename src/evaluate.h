/* evaluate.h - a received request is held, accepted or rejected. */
#ifndef PICFLOW_EVALUATE_H
#define PICFLOW_EVALUATE_H

#include "config.h"
#include "request.h"
#include "request_validate.h"
#include "store.h"

/* Decides r (state received) from its form f, inside the caller's
 * transaction: held by a split-domain cooldown (stays received, held
 * notice, release timer), pending (confirmations, deadline timer) or
 * rejected (rejection notice, cooldown after online-enabled-first).
 * f->reasons gains the validation reasons. */
int	evaluate_request(struct store *s, const struct config *cfg,
	    struct request_row *r, struct request_form *f, char *err,
	    size_t errlen);

/* r (confirming) has been confirmed by every address asked: judged again
 * from its mail, then pending (confirmation notices) or rejected. */
int	evaluate_confirmed(struct store *s, const struct config *cfg,
	    struct request_row *r, char *err, size_t errlen);

/* r (received) rejected with unauthenticated-sender: the receiving MTA
 * says its From is forged, so nothing is sent to it (SPEC 6). */
int	evaluate_unauthenticated(struct store *s, struct request_row *r,
	    const char *verdict, char *err, size_t errlen);

/* What the store knows about f's agreement, as validation needs it;
 * exclude_id is the request being evaluated (not counted). */
int	evaluate_facts(struct store *s, const struct request_form *f,
	    const char *sender, const char *exclude_id,
	    struct agreement_facts *facts, char *err, size_t errlen);

/* The SIP domains among sip that another agreement holds (domain-claimed):
 * provisioned there, or pending there with a contact of the domain's own
 * organisation and its deadline not passed. The one place that says what
 * a claim is. */
int	evaluate_claims(struct store *s, const char *agreement,
	    const struct sip_domain *sip, size_t n_sip, time_t now,
	    struct strvec *claimed, char *err, size_t errlen);

#endif
