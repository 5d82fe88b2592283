/* store_send.c - the SQL of the SMTP sender (see store_send.h). */
#include "store_send.h"
#include "store_int.h"
#include "store_confirm.h"

#include <stdlib.h>
#include <string.h>

void
send_rows_free(struct send_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].request_id);
		free(v[i].template);
		free(v[i].recipient);
		free(v[i].message);
	}
	free(v);
}

static void
send_row_from_stmt(sqlite3_stmt *st, struct send_row *r)
{
	const void *blob;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->request_id = store_col_str(st, 1);
	r->template = store_col_str(st, 2);
	r->recipient = store_col_str(st, 3);
	r->attempts = sqlite3_column_int(st, 4);
	r->created_at = store_col_time(st, 5);
	blob = sqlite3_column_blob(st, 6);
	r->message_len = (size_t)sqlite3_column_bytes(st, 6);
	r->message = xmalloc(r->message_len + 1);
	if (r->message_len)
		memcpy(r->message, blob, r->message_len);
	r->message[r->message_len] = '\0';
}

int
store_send_due(struct store *s, time_t now, int64_t after_id, size_t max,
    struct send_row **out, size_t *n, char *err, size_t errlen)
{
	/* Times are fixed-width ISO 8601 UTC text: they compare as strings.
	 * The ids come from the index of queued notices (outbox_due), and
	 * only then the rows: left to itself, SQLite walked the whole outbox
	 * in id order for "ORDER BY id", reading every notice ever sent on
	 * every run (3,300 pages for 10,000 notices; a cron run of a big
	 * outbox would read all of it every five minutes). */
	static const char *const q = "SELECT id, (SELECT r.id FROM requests r "
	    "WHERE r.rid = outbox.request_rid), template, "
	    "recipient, attempts, created_at, message FROM outbox WHERE id IN "
	    "(SELECT id FROM outbox INDEXED BY outbox_due WHERE "
	    "state = 'queued' AND next_attempt_at <= ?1 AND id > ?2 "
	    "ORDER BY id LIMIT ?3) ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, now);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	*out = xcalloc(max ? max : 1, sizeof(**out));
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		send_row_from_stmt(st, &(*out)[(*n)++]);
	if (*n < max && rc != SQLITE_DONE) {
		rc = store_fail(s, err, errlen);
		sqlite3_reset(st);
		send_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	sqlite3_reset(st);
	if (*n == 0) {
		free(*out);
		*out = NULL;
	}
	return PF_OK;
}

const char *
send_event_name(enum send_event ev)
{
	switch (ev) {
	case SEND_EV_SENT:
		return "sent";
	case SEND_EV_DEFERRED:
		return "deferred";
	case SEND_EV_FAILED:
		return "failed";
	default:
		abort();
	}
}

/* "AND state = 'queued'": a row another process already finished (an
 * operator running send by hand beside cron) is left as it is. */
static int
send_update_row(struct store *s, const struct send_outcome *o, char *err,
    size_t errlen)
{
	static const char *const q_sent = "UPDATE outbox SET state = 'sent', "
	    "attempts = ?, sent_at = ?, next_attempt_at = NULL, "
	    "last_reply = ? WHERE id = ? AND state = 'queued'";
	static const char *const q_deferred = "UPDATE outbox SET attempts = ?, "
	    "next_attempt_at = ?, last_reply = ? WHERE id = ? AND "
	    "state = 'queued'";
	static const char *const q_failed = "UPDATE outbox SET state = "
	    "'failed', attempts = ?, next_attempt_at = ?, last_reply = ? "
	    "WHERE id = ? AND state = 'queued'";
	sqlite3_stmt *st;

	switch (o->ev) {
	case SEND_EV_SENT:
		st = store_stmt(s, q_sent);
		break;
	case SEND_EV_DEFERRED:
		st = store_stmt(s, q_deferred);
		break;
	case SEND_EV_FAILED:
		st = store_stmt(s, q_failed);
		break;
	default:
		abort();
	}
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int(st, 1, o->attempts);
	/* sent: the acceptance time; deferred: the next attempt; failed:
	 * NULL, nothing is due any more. */
	store_bind_time(st, 2, o->ev == SEND_EV_SENT ? o->at :
	    o->ev == SEND_EV_DEFERRED ? o->next : 0);
	store_bind_str(st, 3, o->reply);
	sqlite3_bind_int64(st, 4, o->id);
	return store_run(s, st, err, errlen);
}

int
store_send_record(struct store *s, const struct send_outcome *o, char *err,
    size_t errlen)
{
	static const char *const q = "INSERT INTO outbox_events (outbox_id, "
	    "at, event, attempt, reply) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	if ((rc = send_update_row(s, o, err, errlen)) != PF_OK)
		return rc;
	if (sqlite3_changes(s->db) == 0)
		return PF_OK;	/* no longer queued: nothing to explain */
	/* a verify notice's token is no one's business once delivered */
	if (o->ev != SEND_EV_DEFERRED &&
	    (rc = store_outbox_redact(s, o->id, err, errlen)) != PF_OK)
		return rc;
	if ((st = store_stmt(s, q)) == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, o->id);
	store_bind_time(st, 2, o->at);
	sqlite3_bind_text(st, 3, send_event_name(o->ev), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, o->attempts);
	store_bind_str(st, 5, o->reply);
	return store_run(s, st, err, errlen);
}

int
store_send_recovered(struct store *s, int64_t id, time_t at,
    const char *reply, int *done, char *err, size_t errlen)
{
	static const char *const q_row = "UPDATE outbox SET state = 'sent', "
	    "attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL, "
	    "last_reply = ? WHERE id = ? AND state = 'queued'";
	static const char *const q_event = "INSERT INTO outbox_events "
	    "(outbox_id, at, event, attempt, reply) SELECT id, ?, 'sent', "
	    "attempts, ? FROM outbox WHERE id = ?";
	sqlite3_stmt *st;
	int rc;

	*done = 0;
	if ((st = store_stmt(s, q_row)) == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, at);
	store_bind_str(st, 2, reply);
	sqlite3_bind_int64(st, 3, id);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	if (sqlite3_changes(s->db) == 0)
		return PF_OK;	/* recorded after all, or gone */
	*done = 1;
	if ((rc = store_outbox_redact(s, id, err, errlen)) != PF_OK)
		return rc;
	if ((st = store_stmt(s, q_event)) == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, at);
	store_bind_str(st, 2, reply);
	sqlite3_bind_int64(st, 3, id);
	return store_run(s, st, err, errlen);
}

void
send_event_rows_free(struct send_event_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].event);
		free(v[i].reply);
	}
	free(v);
}

int
store_send_events(struct store *s, int64_t outbox_id,
    struct send_event_row **out, size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT at, event, attempt, reply FROM "
	    "outbox_events WHERE outbox_id = ? ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, q);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, outbox_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct send_event_row *e;

		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		e = &(*out)[(*n)++];
		e->at = store_col_time(st, 0);
		e->event = store_col_str(st, 1);
		e->attempt = sqlite3_column_int(st, 2);
		e->reply = store_col_str(st, 3);
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, err, errlen);
		sqlite3_reset(st);
		send_event_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	sqlite3_reset(st);
	return PF_OK;
}
