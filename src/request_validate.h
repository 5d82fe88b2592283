/* request_validate.h - the reason codes of SPEC 2. */
#ifndef PICFLOW_REQUEST_VALIDATE_H
#define PICFLOW_REQUEST_VALIDATE_H

#include <time.h>
#include "request.h"
#include "policy.h"

/* What the database knows about the agreement and domains of a request;
 * filled by the caller (ingest) so that validation stays a pure function. */
struct agreement_facts {
	int		 n_requests;		/* any state, this agreement */
	int		 n_provisioned;		/* provisioned, this agreement */
	int		 sender_is_contact;	/* sender is a contact of record */
	struct strvec	 claimed;		/* request's SIP domains pending or
						   provisioned under another
						   agreement number */
};

/* Adds to f->reasons every reason of SPEC 2 that applies, after the ones
 * request_parse found. Returns the number of reasons f now has. */
size_t	request_validate(struct request_form *f, const struct policy *p,
	    const struct agreement_facts *facts, time_t now);

/* One sentence, in lang ("en"/"fr"), that tells how to fix the reason.
 * Never NULL; malloc'd. */
char	*reason_sentence(const struct reason *r, const char *lang);

#endif
