/* store_retention.h - what picflow keeps and for how long (SPEC 10): the
 * retention of raw mails and notice bodies, the erasure of an address,
 * the bytes one sender may make it store. */
#ifndef PICFLOW_STORE_RETENTION_H
#define PICFLOW_STORE_RETENTION_H

#include <stdint.h>
#include <time.h>
#include "store.h"
#include "workflow.h"

/* Of a mail cut short, the bytes kept: its header and the start of its
 * body, what reading a request again needs (as of a too-big mail). */
#define RETENTION_KEEP	65536

/* The bytes kept of the mails above RETENTION_KEEP that sender (any
 * case) sent since `since`. */
int	store_sender_bytes(struct store *s, const char *sender, time_t since,
	    int64_t *bytes, char *err, size_t errlen);

/* What is kept of a mail or a notice body. */
struct kept_info {
	int64_t	 size;		/* of the whole mail or notice */
	int64_t	 kept;		/* bytes still stored */
	char	*note;		/* NULL (all of it), "too-big", "sender-limit",
				 * "retention" or "forgotten" */
	time_t	 pruned_at;	/* deleted then; 0: not deleted */
};
void	kept_info_free(struct kept_info *k);
/* STORE_FOUND, or PF_OK when there is no such row. */
int	store_inbound_kept(struct store *s, int64_t inbound_id,
	    struct kept_info *k, char *err, size_t errlen);
int	store_outbox_kept(struct store *s, int64_t outbox_id,
	    struct kept_info *k, char *err, size_t errlen);

struct prune_stats {
	int64_t	requests;	/* requests pruned: one event each */
	int64_t	mails;		/* raw mails deleted */
	int64_t	notices;	/* notice bodies deleted */
};
/* Inside the caller's transaction: deletes the raw mails and the bodies
 * of sent or failed notices older than cutoff that belong to no request
 * or to a request in a final state since before cutoff, writing an event
 * (cause) on each such request. Rows, keys and states stay. */
int	store_prune(struct store *s, time_t cutoff, const char *cause,
	    struct prune_stats *st, char *err, size_t errlen);

/* A request not in a final state that holds the address. */
struct forget_block {
	char		 tag[9];
	enum req_state	 state;
};
/* The requests not in a final state whose sender, a contact, an address
 * asked to confirm, or whose mail holds addr. */
int	store_forget_blockers(struct store *s, const char *addr,
	    struct forget_block **out, size_t *n, char *err, size_t errlen);

enum forget_kind { FK_REQUESTS, FK_MAILS, FK_NOTICES, FK_EVENTS, FK_ALERTS,
    FK_OTHER, FK__N };
const char *forget_kind_name(enum forget_kind k);

struct forget_stats {
	int64_t	requests;	/* finished requests that held it */
	int64_t	rows[FK__N];	/* rows where it was replaced, by kind */
	int64_t	raw_deleted;	/* raw mails deleted */
	int64_t	bodies_deleted;	/* notice bodies deleted */
	int64_t	cancelled;	/* queued notices not sent after all */
};
/* Inside the caller's transaction (after store_forget_blockers found
 * none): deletes the raw mails and notice bodies that hold addr or
 * belong to a request that does, cancels the queued notices among them,
 * and replaces addr by FORGET_MARK in every other text of the database.
 * Matching ignores case and stops at the address's edges (jo@x.com is
 * not forgotten in bojo@x.com). */
#define FORGET_MARK	"[forgotten]"
int	store_forget(struct store *s, const char *addr, const char *cause,
	    struct forget_stats *st, char *err, size_t errlen);

/* Rewrites the database file (VACUUM), so that no free page or free
 * space in a page keeps a deleted byte, and empties the WAL (checkpoint,
 * TRUNCATE). Outside any transaction. STORE_BUSY when another process
 * kept the WAL in use. */
int	store_compact(struct store *s, char *err, size_t errlen);

#endif
