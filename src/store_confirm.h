/* store_confirm.h - what confirmations (SPEC 6) and the alert digest keep:
 * token hashes, never tokens. */
#ifndef PICFLOW_STORE_CONFIRM_H
#define PICFLOW_STORE_CONFIRM_H

#include "store.h"

#define STORE_TOKEN_LEN	32	/* characters of a confirmation token */

struct confirm_row {
	int64_t		 id;
	int64_t		 request_rid;
	char		*address;
	time_t		 expires_at;
	time_t		 confirmed_at;	/* 0: not yet */
};
void	confirm_rows_free(struct confirm_row *v, size_t n);

int	store_confirm_add(struct store *s, int64_t request_rid,
	    const char *address, const char *token_hash, time_t now,
	    time_t expires, char *err, size_t errlen);
/* The row of a token hash: STORE_FOUND, PF_OK when none, or an error. */
int	store_confirm_find(struct store *s, const char *token_hash,
	    struct confirm_row *r, char *err, size_t errlen);
int	store_confirm_mark(struct store *s, int64_t id, time_t now,
	    int64_t inbound_id, char *err, size_t errlen);
/* Every address asked for a request, in the order asked. */
int	store_confirm_list(struct store *s, int64_t request_rid,
	    struct confirm_row **out, size_t *n, char *err, size_t errlen);
/* STORE_FOUND when address confirmed some request of the agreement. */
int	store_confirm_confirmed(struct store *s, const char *agreement,
	    const char *address, char *err, size_t errlen);
/* Verify notices queued or sent (not suppressed) since `since` to the
 * mailbox local + at_domain ("@example.org"): to that address, or to a
 * subaddress of it, local+detail + at_domain. */
int	store_verify_count_since(struct store *s, const char *local,
	    const char *at_domain, time_t since, int *count, char *err,
	    size_t errlen);

/* Every standalone run of toklen base32 characters in buf becomes
 * "xxx...": a verify notice once sent (or never to be) keeps no token
 * that a copy of the database could use. */
void	store_redact_tokens(char *buf, size_t len, size_t toklen);
/* The same in outbox row id's message, when it is a verify notice. */
int	store_outbox_redact(struct store *s, int64_t id, char *err,
	    size_t errlen);

/* --- operator alerts held for a digest --- */
/* How many alerts of kind went out after `since`. */
int	store_alert_sent_since(struct store *s, const char *kind,
	    time_t since, int *count, char *err, size_t errlen);
/* Whether an alert of kind was recorded since the server last took a
 * notice (the newest sent_at of the outbox): an episode that has not
 * ended, whose operator was told already. */
int	store_alert_since_sent(struct store *s, const char *kind, int *open,
	    char *err, size_t errlen);
/* Records an alert; sent_at 0 holds it for the next digest. */
int	store_alert_add(struct store *s, const char *kind, time_t at,
	    int64_t request_rid, const char *text, time_t sent_at, char *err,
	    size_t errlen);
/* A kind with held alerts whose last sending is before `before`;
 * STORE_FOUND (kind filled) or PF_OK when none. */
int	store_alert_due_kind(struct store *s, time_t before, char *kind,
	    size_t kindlen, char *err, size_t errlen);
/* The held alerts of kind (texts, oldest first), marked sent at now. */
int	store_alert_take(struct store *s, const char *kind, time_t now,
	    struct strvec *texts, char *err, size_t errlen);

#endif
