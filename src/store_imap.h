/* store_imap.h - what the IMAP poller remembers: the (mailbox,
 * UIDVALIDITY, UID) key of every mail recorded, and the failed runs of the
 * mails that could not be. See schema/002_imap.sql. */
#ifndef PICFLOW_STORE_IMAP_H
#define PICFLOW_STORE_IMAP_H

#include <stdint.h>

#include "store.h"

struct imap_key {
	const char	*mailbox;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
};

/* What the database knows of one key. */
struct imap_key_state {
	int		 seen;		/* recorded: only the move is left */
	int		 failures;	/* runs that failed on it */
	int		 alerted;	/* the operator was told */
};

int	store_imap_lookup(struct store *s, const struct imap_key *k,
	    struct imap_key_state *st, char *err, size_t errlen);
/* store_imap_lookup() of n UIDs of mailbox (uidvalidity) at once, into
 * st[0 .. n-1]: two range queries instead of n lookups (a window of a
 * backlog is all new mail). */
int	store_imap_lookup_many(struct store *s, const char *mailbox,
	    uint32_t uidvalidity, const uint32_t *uids, size_t n,
	    struct imap_key_state *st, char *err, size_t errlen);
/* Records the key of a mail just recorded (inbound_id) or found to be a
 * duplicate of one; forgets its failures, if it had any (had_failures:
 * what the lookup said). */
int	store_imap_seen_add(struct store *s, const struct imap_key *k,
	    int64_t inbound_id, int had_failures, char *err, size_t errlen);
/* Counts one more failed run; *count is the new total. */
int	store_imap_failure_add(struct store *s, const struct imap_key *k,
	    const char *why, int *count, char *err, size_t errlen);
int	store_imap_failure_alerted(struct store *s, const struct imap_key *k,
	    char *err, size_t errlen);
/* The UIDs of mailbox (uidvalidity) that failed min_failures runs or
 * more, in order: the poll reads them no more (poison mail, SPEC 7). */
int	store_imap_given_up(struct store *s, const char *mailbox,
	    uint32_t uidvalidity, int min_failures, uint32_t **uids, size_t *n,
	    char *err, size_t errlen);

#endif
