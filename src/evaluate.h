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

/* What the store knows about f's agreement, as validation needs it;
 * exclude_id is the request being evaluated (not counted). */
int	evaluate_facts(struct store *s, const struct request_form *f,
	    const char *sender, const char *exclude_id,
	    struct agreement_facts *facts, char *err, size_t errlen);

#endif
