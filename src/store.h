/* store.h - SQLite: the queue and the truth. All SQL lives in store*.c. */
#ifndef PICFLOW_STORE_H
#define PICFLOW_STORE_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "request.h"
#include "util.h"
#include "workflow.h"

/* Return codes beyond PF_OK/PF_ERR, so callers can pick an exit code. */
#define STORE_BUSY	-2	/* locked by another process: retry later */
#define STORE_IO	-3	/* disk full, I/O error, read-only */
#define STORE_FOUND	1	/* for lookups: a row exists */

struct store;

int	store_open(const char *path, struct store **out, char *err,
	    size_t errlen);
void	store_close(struct store *s);
int	store_begin(struct store *s, char *err, size_t errlen);
/* Checkpoints deferred while a burst of commits runs (store_defer_
 * checkpoints), then one for all of them (store_checkpoint). */
void	store_defer_checkpoints(struct store *s);
int	store_checkpoint(struct store *s, char *err, size_t errlen);
/* A backlog's checkpoints in a thread of their own (store_ckpt.c), one
 * per `pages` of WAL (0: as deferred ones): from start to stop the
 * writer's commits never copy the WAL back; stop says whether one of
 * those checkpoints failed. The last one is still the caller's
 * (store_checkpoint). */
struct store_ckpt;
int	store_ckpt_start(struct store *s, int pages, struct store_ckpt **out,
	    char *err, size_t errlen);
int	store_ckpt_stop(struct store_ckpt *c, char *err, size_t errlen);
int	store_commit(struct store *s, char *err, size_t errlen);
void	store_rollback(struct store *s);
/* Classifies the last SQLite error into PF_ERR, STORE_BUSY or STORE_IO. */
int	store_errclass(struct store *s);

/* Prepared statement for sql, cached per sql pointer and reset. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);
/* Runs a cached statement to completion (no rows expected). */
int	store_run(struct store *s, sqlite3_stmt *st, char *err, size_t errlen);
/* Binds a time as ISO 8601 text, NULL for 0. */
void	store_bind_time(sqlite3_stmt *st, int idx, time_t t);
time_t	store_col_time(sqlite3_stmt *st, int col);
char	*store_col_str(sqlite3_stmt *st, int col);	/* NULL or copy */

/* --- inbound mail --- */
struct inbound_rec {
	time_t		 received_at;
	const char	*message_id;
	const char	*content_hash;
	const char	*source;	/* "file" or "imap" */
	const char	*sender;
	const char	*subject;
	const char	*raw;
	size_t		 raw_len;	/* bytes of raw kept */
	size_t		 size;		/* of the whole mail */
	const char	*raw_note;	/* why raw is cut, or NULL */
	const char	*outcome;
	const char	*note;
	const char	*request_id;
};
/* STORE_FOUND when a mail with this Message-ID or content hash exists. */
int	store_inbound_seen(struct store *s, const char *message_id,
	    const char *content_hash, int64_t *id);
int	store_inbound_add(struct store *s, const struct inbound_rec *r,
	    int64_t *id, char *err, size_t errlen);
int	store_inbound_link(struct store *s, int64_t id, const char *outcome,
	    const char *request_id, char *err, size_t errlen);
int	store_inbound_raw(struct store *s, int64_t id, char **raw,
	    size_t *len, char *err, size_t errlen);

/* --- requests --- */
struct request_row {
	int64_t		 rid;		/* row number: key of events, timers */
	char		 id[37];
	char		 tag[9];
	enum req_state	 state;
	char		*action;
	char		*agreement_type;
	char		*agreement_number;
	char		*deployment;
	char		*language;
	char		*networks;
	char		*online_ext;
	char		*sender;	/* the From as written when it
					   cannot be answered */
	char		*sender_problem; /* why not (a code), else NULL */
	char		*message_id;
	char		*refs;
	int64_t		 inbound_id;
	int		 edge_change;
	time_t		 created_at;
	time_t		 updated_at;
	time_t		 due_at;
	time_t		 held_until;
	time_t		 overdue_at;
	struct strvec	 edges;
	struct sip_domain *sip;
	size_t		 n_sip;
	struct reasons	 reasons;
	/* Set while the store is known to hold no reasons for it (made by
	 * store_request_create without any): saving then needs no DELETE
	 * of the old ones, a statement per new request. */
	int		 reasons_none_stored;
};
void	request_row_free(struct request_row *r);
/* Whether addr (any case) is the contact of one of r's SIP domains. */
int	request_row_has_contact(const struct request_row *r, const char *addr);

/* Creates the request in state received with its first event. */
int	store_request_create(struct store *s, struct request_row *r,
	    const char *cause, char *err, size_t errlen);
/* Loads by UUID or 8-hex tag; STORE_FOUND, PF_OK when absent, or error. */
int	store_request_load(struct store *s, const char *id_or_tag,
	    struct request_row *r, char *err, size_t errlen);
/* The same by row number (timers know their request by it). */
int	store_request_load_rid(struct store *s, int64_t rid,
	    struct request_row *r, char *err, size_t errlen);
/* STORE_FOUND when a request has this 8-hex tag, PF_OK when none. */
int	store_request_tag_used(struct store *s, const char *tag, char *err,
	    size_t errlen);
/* A fresh request UUID whose 8-hex tag no request has yet. */
int	store_request_new_id(struct store *s, char id[37], char tag[9],
	    char *err, size_t errlen);
/* Moves r to state `to` if the transition table allows it for actor,
 * writing one event. Refusal: PF_ERR with a clear message. */
int	store_transition(struct store *s, struct request_row *r,
	    enum req_state to, enum actor actor, const char *cause,
	    char *err, size_t errlen);
/* An event that changes no state (hold, overdue, attached reply...). */
int	store_note(struct store *s, const struct request_row *r,
	    const char *cause, char *err, size_t errlen);
/* Saves the columns that are not the state (due_at, held_until, ...),
 * and the reasons. */
int	store_request_save(struct store *s, struct request_row *r,
	    char *err, size_t errlen);
/* store_request_save() and store_transition() in one UPDATE of the
 * request (still one event). */
int	store_request_save_transition(struct store *s, struct request_row *r,
	    enum req_state to, enum actor actor, const char *cause,
	    char *err, size_t errlen);
/* Saves overdue_at alone (and updated_at). */
int	store_request_overdue(struct store *s, const struct request_row *r,
	    char *err, size_t errlen);
/* Calls fn for each request (filtered by state unless ST_NONE), oldest
 * first. fn returning PF_ERR stops. fn must not change requests: they
 * are read as the listing goes. */
int	store_request_each(struct store *s, enum req_state state,
	    int (*fn)(struct request_row *r, void *arg), void *arg,
	    char *err, size_t errlen);
/* Requests of an agreement in the given states (mask of 1<<state). */
int	store_agreement_requests(struct store *s, const char *agreement,
	    unsigned state_mask, struct request_row **out, size_t *n,
	    char *err, size_t errlen);
/* The same without the request exclude_id, which is not even loaded
 * (the request being evaluated is always one of its agreement's). */
int	store_agreement_requests_except(struct store *s,
	    const char *agreement, unsigned state_mask, const char *exclude_id,
	    struct request_row **out, size_t *n, char *err, size_t errlen);
void	request_rows_free(struct request_row *v, size_t n);
/* The requests of other agreements that are pending or provisioned with
 * this SIP domain: what a claim is made of (evaluate_claims decides). */
struct claim_row {
	enum req_state	 state;
	char		*contact;	/* of that domain in that request */
	time_t		 due_at;
	char		 tag[9];
};
int	store_domain_claimants(struct store *s, const char *agreement,
	    const char *domain, struct claim_row **out, size_t *n, char *err,
	    size_t errlen);
void	claim_rows_free(struct claim_row *v, size_t n);

struct event_row {
	time_t		 at;
	char		*from;	/* NULL for the first */
	char		*to;
	char		*cause;
};
int	store_events(struct store *s, int64_t request_rid,
	    struct event_row **out, size_t *n, char *err, size_t errlen);
void	event_rows_free(struct event_row *v, size_t n);

/* What happened since an event id (for the summary of a run). */
struct event_counts {
	int	accepted;
	int	rejected;
	int	held;
	int	provisioned;
};
int	store_event_mark(struct store *s, int64_t *last, char *err,
	    size_t errlen);
int	store_event_counts(struct store *s, int64_t since,
	    struct event_counts *c, char *err, size_t errlen);

/* --- timers and cooldowns --- */
int	store_timer_set(struct store *s, int64_t request_rid,
	    const char *kind, time_t due, char *err, size_t errlen);
int	store_timer_cancel(struct store *s, int64_t request_rid,
	    const char *kind, char *err, size_t errlen);
/* The earliest unfired due timer, STORE_FOUND or PF_OK when none. */
int	store_timer_next_due(struct store *s, time_t now, int64_t *timer_id,
	    int64_t *request_rid, char kind[16], char *err, size_t errlen);
int	store_timer_fired(struct store *s, int64_t timer_id, time_t now,
	    char *err, size_t errlen);
/* The earliest time an unfired timer or a queued notice is due (0: none),
 * for watch to sleep until then (store_wake.c). */
int	store_next_due(struct store *s, time_t *when, char *err,
	    size_t errlen);
int	store_cooldown_add(struct store *s, const char *request_id,
	    const char *agreement, const char *domain, time_t until,
	    char *err, size_t errlen);
/* Latest cooldown end covering the agreement or one of the domains, or 0. */
int	store_cooldown_until(struct store *s, const char *agreement,
	    const struct sip_domain *sip, size_t n_sip, time_t now,
	    time_t *until, char *err, size_t errlen);

/* --- outbox --- */
struct outbox_row {
	int64_t		 id;
	int64_t		 request_rid;	/* 0: none; what is stored */
	char		*request_id;	/* its UUID, as read back */
	int64_t		 inbound_id;
	char		*template;
	char		*recipient;
	char		*subject;
	char		*message_id;
	char		*message;
	size_t		 message_len;
	int		 auto_reply;
	char		*state;
	int		 attempts;
	time_t		 created_at;
	time_t		 next_attempt_at;
	time_t		 sent_at;
	char		*last_reply;
};
void	outbox_row_free(struct outbox_row *o);
int	store_outbox_add(struct store *s, struct outbox_row *o, char *err,
	    size_t errlen);
/* Auto-replies queued or sent to recipient since `since`. */
int	store_outbox_replies_since(struct store *s, const char *recipient,
	    time_t since, int *count, char *err, size_t errlen);
/* All rows (without message bodies), oldest first. */
int	store_outbox_list(struct store *s, struct outbox_row **out, size_t *n,
	    char *err, size_t errlen);
/* One row with its message; STORE_FOUND or PF_OK when absent. */
int	store_outbox_get(struct store *s, int64_t id, struct outbox_row *o,
	    char *err, size_t errlen);
void	outbox_rows_free(struct outbox_row *v, size_t n);



/* Savepoints: one mail of a batch can fail without undoing the others. */
int	store_savepoint(struct store *s, char *err, size_t errlen);
int	store_release(struct store *s, char *err, size_t errlen);
void	store_rollback_to(struct store *s);

#endif
