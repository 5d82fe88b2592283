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

/* Makes f->reasons the list of every reason of SPEC 2 that applies, the
 * ones request_parse found included. Returns the number of reasons f now
 * has.
 *
 * All reasons are computed again from the form, so they come out in the
 * order of the request form (Action, Agreement-Type, Agreement-Number,
 * Deployment, Edge-FQDN, SIP-Domain with its Contact, Networks,
 * Online-External-Communications), list items in the order written; a
 * reason of a code not computed here (added by a caller) is kept, after
 * them. Calling it again gives the same list. The sentence of each code
 * is in mailtemplates/<lang>/reasons.txt (reason_text.h). facts may be NULL: the
 * checks that need the database are then skipped. Codes beyond SPEC 2:
 * bad-action, bad-deployment, bad-network and
 * bad-online-external-communications, for values we do not know. A status
 * request is checked for Agreement-Number and facts only; help for
 * nothing; an unknown Action for bad-action and its values as written,
 * not for absent fields (we do not know what it asks). */
size_t	request_validate(struct request_form *f, const struct policy *p,
	    const struct agreement_facts *facts, time_t now);

/* Appends to f->reasons the reasons about values as written (bad-*,
 * sip-domain-is-address, bad-contact): what request_parse reports. */
void	 request_check_syntax(struct request_form *f, const struct policy *p);

#endif
