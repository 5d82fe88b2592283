/* retention.h - what picflow keeps (SPEC 10): tick's retention of raw
 * mails and notice bodies, and picflow forget ADDRESS. */
#ifndef PICFLOW_RETENTION_H
#define PICFLOW_RETENTION_H

#include "config.h"
#include "store.h"
#include "store_retention.h"

/* Returned by forget_address when a request not in a final state holds
 * the address (the blockers say which). */
#define FORGET_REFUSED	2

/* Deletes, in one transaction, the raw mails and notice bodies of
 * finished requests older than [retention] mail_days (nothing when 0). */
int	retention_prune(struct store *s, const struct config *cfg,
	    struct prune_stats *st, char *err, size_t errlen);

/* addr, lower case, is a plausible address (something@domain, no blank,
 * no control): PF_OK, else PF_ERR with why. */
int	forget_check_address(const char *addr, char *err, size_t errlen);
/* Erases addr (lower case) from the database, then rewrites the files:
 * FORGET_REFUSED with *blockers (to free) when an open request holds it,
 * STORE_BUSY when the files could not be rewritten yet (the erasure is
 * committed: running forget again finishes it). */
int	forget_address(struct store *s, const char *addr,
	    struct forget_stats *st, struct forget_block **blockers,
	    size_t *n_blockers, char *err, size_t errlen);

#endif
