/* store_outbox.c - rendered notices waiting to be sent, and sent. */
#include "store.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define OUT_COLS "id, (SELECT r.id FROM requests r WHERE " \
	"r.rid = outbox.request_rid), inbound_id, template, recipient, subject, " \
	"message_id, auto_reply, state, attempts, created_at, " \
	"next_attempt_at, sent_at, last_reply"

void
outbox_row_free(struct outbox_row *o)
{
	free(o->request_id);
	free(o->template);
	free(o->recipient);
	free(o->subject);
	free(o->message_id);
	free(o->message);
	free(o->state);
	free(o->last_reply);
	memset(o, 0, sizeof(*o));
}

void
outbox_rows_free(struct outbox_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outbox_row_free(&v[i]);
	free(v);
}

static void
outbox_from_stmt(sqlite3_stmt *st, struct outbox_row *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	o->request_id = store_col_str(st, 1);
	o->inbound_id = sqlite3_column_int64(st, 2);
	o->template = store_col_str(st, 3);
	o->recipient = store_col_str(st, 4);
	o->subject = store_col_str(st, 5);
	o->message_id = store_col_str(st, 6);
	o->auto_reply = sqlite3_column_int(st, 7);
	o->state = store_col_str(st, 8);
	o->attempts = sqlite3_column_int(st, 9);
	o->created_at = store_col_time(st, 10);
	o->next_attempt_at = store_col_time(st, 11);
	o->sent_at = store_col_time(st, 12);
	o->last_reply = store_col_str(st, 13);
}

int
store_outbox_add(struct store *s, struct outbox_row *o, char *err,
    size_t errlen)
{
	static const char *const q = "INSERT INTO outbox (request_rid, "
	    "inbound_id, template, recipient, subject, message_id, message, "
	    "auto_reply, state, created_at, next_attempt_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	if (o->request_rid)
		sqlite3_bind_int64(st, 1, o->request_rid);
	if (o->inbound_id)
		sqlite3_bind_int64(st, 2, o->inbound_id);
	store_bind_str(st, 3, o->template);
	store_bind_str(st, 4, o->recipient);
	store_bind_str(st, 5, o->subject);
	store_bind_str(st, 6, o->message_id);
	sqlite3_bind_blob64(st, 7, o->message, (sqlite3_uint64)o->message_len,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 8, o->auto_reply);
	store_bind_str(st, 9, o->state);
	store_bind_time(st, 10, o->created_at);
	store_bind_time(st, 11, o->next_attempt_at);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	o->id = sqlite3_last_insert_rowid(s->db);
	return PF_OK;
}

int
store_outbox_replies_since(struct store *s, const char *recipient,
    time_t since, int *count, char *err, size_t errlen)
{
	static const char *const q = "SELECT count(*) FROM outbox WHERE "
	    "recipient = ? AND auto_reply = 1 AND created_at >= ? AND "
	    "state <> 'suppressed'";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
	store_bind_time(st, 2, since);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_outbox_list(struct store *s, struct outbox_row **out, size_t *n,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT " OUT_COLS " FROM outbox "
	    "ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, q);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		outbox_from_stmt(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		outbox_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, err, errlen);
	}
	return PF_OK;
}

int
store_outbox_get(struct store *s, int64_t id, struct outbox_row *o,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT " OUT_COLS ", message FROM "
	    "outbox WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return PF_OK;
	}
	if (rc != SQLITE_ROW)
		return store_fail(s, err, errlen);
	outbox_from_stmt(st, o);
	o->message_len = (size_t)sqlite3_column_bytes(st, 14);
	o->message = xmalloc(o->message_len + 1);
	if (o->message_len)
		memcpy(o->message, sqlite3_column_blob(st, 14), o->message_len);
	o->message[o->message_len] = '\0';
	sqlite3_reset(st);
	return STORE_FOUND;
}
