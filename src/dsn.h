/* dsn.h - a delivery report taken apart (RFC 3464, and the text bounces of
 * qmail, Exchange, Gmail, Exim, Domino, Yahoo): what happened, why, and
 * which message it was about. A pure function of the mail, fuzzed. */
#ifndef PICFLOW_DSN_H
#define PICFLOW_DSN_H

#include <stddef.h>
#include "util.h"

enum dsn_action {
	DSN_UNKNOWN,	/* a report that says nothing we can read */
	DSN_DELIVERED,	/* delivered, relayed, expanded: good news */
	DSN_DELAYED,	/* still being tried: recorded only */
	DSN_FAILED	/* given up: the address is unreachable */
};

#define DSN_MAX_IDS	64	/* Message-IDs kept from one report */

struct dsn_report {
	enum dsn_action	 action;	/* the worst one reported */
	int		 standard;	/* an RFC 3464 Action: field was read */
	char		 status[16];	/* "5.1.1", "" if none */
	char		*diagnostic;	/* Diagnostic-Code or the error text;
					   NULL if none */
	char		*recipient;	/* Final-Recipient or failed address */
	struct strvec	 msgids;	/* of the returned message (and the
					   report's In-Reply-To/References),
					   without brackets */
	struct strvec	 rcpts;		/* the report's own recipients (To,
					   Delivered-To, X-Original-To,
					   Envelope-To): a VERP address */
};

/* Never fails: a mail that is no report gives DSN_UNKNOWN and no ids. */
void	dsn_parse(const char *raw, size_t len, struct dsn_report *r);
void	dsn_report_free(struct dsn_report *r);
const char *dsn_action_name(enum dsn_action a);

#endif
