/* store_inbound.c - inbound mails with their dedup keys. */
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
store_inbound_seen(struct store *s, const char *message_id,
    const char *content_hash, int64_t *id)
{
	static const char *const q = "SELECT id FROM inbound WHERE "
	    "content_hash = ?1 OR (?2 IS NOT NULL AND message_id = ?2) LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_errclass(s);
	sqlite3_bind_text(st, 1, content_hash, -1, SQLITE_STATIC);
	store_bind_str(st, 2, message_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return STORE_FOUND;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PF_OK : store_errclass(s);
}

int
store_inbound_add(struct store *s, const struct inbound_rec *r, int64_t *id,
    char *err, size_t errlen)
{
	static const char *const q = "INSERT INTO inbound (received_at, "
	    "message_id, content_hash, source, sender, subject, size, raw, "
	    "outcome, note, request_id, raw_note) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, r->received_at);
	store_bind_str(st, 2, r->message_id);
	store_bind_str(st, 3, r->content_hash);
	store_bind_str(st, 4, r->source);
	store_bind_str(st, 5, r->sender);
	store_bind_str(st, 6, r->subject);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)r->size);
	sqlite3_bind_blob64(st, 8, r->raw ? r->raw : "",
	    r->raw ? (sqlite3_uint64)r->raw_len : 0, SQLITE_STATIC);
	store_bind_str(st, 9, r->outcome);
	store_bind_str(st, 10, r->note);
	store_bind_str(st, 11, r->request_id);
	store_bind_str(st, 12, r->raw_note);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	return PF_OK;
}

int
store_inbound_link(struct store *s, int64_t id, const char *outcome,
    const char *request_id, char *err, size_t errlen)
{
	static const char *const q = "UPDATE inbound SET outcome = ?, "
	    "request_id = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_str(st, 1, outcome);
	store_bind_str(st, 2, request_id);
	sqlite3_bind_int64(st, 3, id);
	return store_run(s, st, err, errlen);
}

int
store_inbound_raw(struct store *s, int64_t id, char **raw, size_t *len,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT raw FROM inbound WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			err_set(err, errlen, "inbound mail %lld is missing",
			    (long long)id);
			sqlite3_reset(st);
			return PF_ERR;
		}
		return store_fail(s, err, errlen);
	}
	*len = (size_t)sqlite3_column_bytes(st, 0);
	*raw = xmalloc(*len + 1);
	if (*len)
		memcpy(*raw, sqlite3_column_blob(st, 0), *len);
	(*raw)[*len] = '\0';
	sqlite3_reset(st);
	return PF_OK;
}

/* --- timers and cooldowns --- */

/* An INSERT, and only when a timer of that kind is already set (the
 * unique index says so) an UPDATE of it: nearly always the timer is new,
 * and an UPSERT (INSERT ... ON CONFLICT DO UPDATE) or an UPDATE first
 * each cost more than the INSERT (a temporary table each; so did the
 * CHECK of timers.kind until 013_timers_kind.sql). */
int
store_timer_set(struct store *s, int64_t request_rid, const char *kind,
    time_t due, char *err, size_t errlen)
{
	static const char *const q_ins = "INSERT INTO timers (request_rid, "
	    "kind, due_at) VALUES (?1, ?2, ?3)";
	static const char *const q_upd = "UPDATE timers SET due_at = ?3 "
	    "WHERE request_rid = ?1 AND kind = ?2 AND fired_at IS NULL";
	sqlite3_stmt *st;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		if ((st = store_stmt(s, pass == 0 ? q_ins : q_upd)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, request_rid);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		store_bind_time(st, 3, due);
		rc = store_run(s, st, err, errlen);
		if (rc != PF_ERR || pass > 0 ||
		    sqlite3_errcode(s->db) != SQLITE_CONSTRAINT)
			return rc;
	}
	return PF_ERR;
}

int
store_timer_cancel(struct store *s, int64_t request_rid, const char *kind,
    char *err, size_t errlen)
{
	static const char *const q = "DELETE FROM timers WHERE request_rid = ? "
	    "AND kind = ? AND fired_at IS NULL";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, request_rid);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	return store_run(s, st, err, errlen);
}

int
store_timer_next_due(struct store *s, time_t now, int64_t *timer_id,
    int64_t *request_rid, char kind[16], char *err, size_t errlen)
{
	static const char *const q = "SELECT id, request_rid, kind FROM timers "
	    "WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*timer_id = sqlite3_column_int64(st, 0);
		*request_rid = sqlite3_column_int64(st, 1);
		snprintf(kind, 16, "%s", sqlite3_column_text(st, 2));
		sqlite3_reset(st);
		return STORE_FOUND;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_timer_fired(struct store *s, int64_t timer_id, time_t now, char *err,
    size_t errlen)
{
	static const char *const q = "UPDATE timers SET fired_at = ? "
	    "WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, now);
	sqlite3_bind_int64(st, 2, timer_id);
	return store_run(s, st, err, errlen);
}

int
store_cooldown_add(struct store *s, const char *request_id,
    const char *agreement, const char *domain, time_t until, char *err,
    size_t errlen)
{
	static const char *const q = "INSERT INTO cooldowns (request_id, "
	    "agreement_number, domain, until) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	store_bind_str(st, 2, agreement);
	store_bind_str(st, 3, domain);
	store_bind_time(st, 4, until);
	return store_run(s, st, err, errlen);
}

int
store_cooldown_until(struct store *s, const char *agreement,
    const struct sip_domain *sip, size_t n_sip, time_t now, time_t *until,
    char *err, size_t errlen)
{
	static const char *const q_ag = "SELECT max(until) FROM cooldowns "
	    "WHERE agreement_number = ? AND until > ?";
	static const char *const q_dom = "SELECT max(until) FROM cooldowns "
	    "WHERE domain = ? AND until > ?";
	sqlite3_stmt *st;
	time_t t;

	*until = 0;
	for (size_t i = 0; i <= n_sip; i++) {
		const char *key = i == 0 ? agreement : sip[i - 1].domain;

		if (key == NULL)
			continue;
		if ((st = store_stmt(s, i == 0 ? q_ag : q_dom)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		store_bind_time(st, 2, now);
		if (sqlite3_step(st) != SQLITE_ROW)
			return store_fail(s, err, errlen);
		t = store_col_time(st, 0);
		sqlite3_reset(st);
		if (t > *until)
			*until = t;
	}
	return PF_OK;
}
