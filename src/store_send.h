/* store_send.h - the SQL of the SMTP sender: due notices in pages, and
 * the outcome of each delivery attempt (schema/003_smtp.sql). */
#ifndef PICFLOW_STORE_SEND_H
#define PICFLOW_STORE_SEND_H

#include <stdint.h>
#include <time.h>

#include "store.h"

/* One queued notice as the sender needs it. */
struct send_row {
	int64_t		 id;
	char		*request_id;	/* NULL for help/status notices */
	char		*template;
	char		*recipient;
	char		*message;	/* RFC 5322, CRLF, NUL-terminated */
	size_t		 message_len;
	int		 attempts;	/* before this one */
	time_t		 created_at;
};
void	send_rows_free(struct send_row *v, size_t n);

/* Up to max queued rows due at `now` with id > after_id, by id. Paging by
 * id keeps memory bounded whatever the size of the outbox. */
int	store_send_due(struct store *s, time_t now, int64_t after_id,
	    size_t max, struct send_row **out, size_t *n, char *err,
	    size_t errlen);

enum send_event { SEND_EV_SENT, SEND_EV_DEFERRED, SEND_EV_FAILED };
const char *send_event_name(enum send_event ev);

/* The outcome of one attempt: updates the outbox row (only while it is
 * still queued) and appends an outbox_events row. attempts counts this
 * attempt; next is used for SEND_EV_DEFERRED only. */
struct send_outcome {
	int64_t		 id;
	enum send_event	 ev;
	time_t		 at;
	int		 attempts;
	time_t		 next;
	const char	*reply;
};
int	store_send_record(struct store *s, const struct send_outcome *o,
	    char *err, size_t errlen);

/* A notice the server accepted in a send that ended before recording it
 * (see smtp_send.c, the acceptance journal): marked sent at `at`, with
 * its attempt and reply, if it is still queued (*done = 1). */
int	store_send_recovered(struct store *s, int64_t id, time_t at,
	    const char *reply, int *done, char *err, size_t errlen);

/* Events of one notice, oldest first (for tests and `outbox`). */
struct send_event_row {
	time_t		 at;
	char		*event;
	int		 attempt;
	char		*reply;
};
int	store_send_events(struct store *s, int64_t outbox_id,
	    struct send_event_row **out, size_t *n, char *err, size_t errlen);
void	send_event_rows_free(struct send_event_row *v, size_t n);

#endif
