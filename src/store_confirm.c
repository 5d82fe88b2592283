/* store_confirm.c - confirmations (SPEC 6) and held operator alerts. */
#include "store_confirm.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
confirm_rows_free(struct confirm_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].address);
	free(v);
}

/* What one step of a lookup found: STORE_FOUND on a row, PF_OK on none. */
static int
store_found(struct store *s, int rc, char *err, size_t errlen)
{
	if (rc == SQLITE_ROW)
		return STORE_FOUND;
	return rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
}

int
store_confirm_add(struct store *s, int64_t request_rid, const char *address,
    const char *token_hash, time_t now, time_t expires, char *err,
    size_t errlen)
{
	static const char *const q = "INSERT INTO confirmations (request_rid, "
	    "address, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, "
	    "?)";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, request_rid);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, token_hash, -1, SQLITE_STATIC);
	store_bind_time(st, 4, now);
	store_bind_time(st, 5, expires);
	return store_run(s, st, err, errlen);
}

static void
confirm_from_stmt(sqlite3_stmt *st, struct confirm_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->request_rid = sqlite3_column_int64(st, 1);
	r->address = store_col_str(st, 2);
	r->expires_at = store_col_time(st, 3);
	r->confirmed_at = store_col_time(st, 4);
}

int
store_confirm_find(struct store *s, const char *token_hash,
    struct confirm_row *r, char *err, size_t errlen)
{
	static const char *const q = "SELECT id, request_rid, address, "
	    "expires_at, confirmed_at FROM confirmations WHERE token_hash = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		confirm_from_stmt(st, r);
	sqlite3_reset(st);
	return store_found(s, rc, err, errlen);
}

int
store_confirm_mark(struct store *s, int64_t id, time_t now,
    int64_t inbound_id, char *err, size_t errlen)
{
	static const char *const q = "UPDATE confirmations SET confirmed_at = "
	    "?, inbound_id = ? WHERE id = ? AND confirmed_at IS NULL";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, now);
	if (inbound_id)
		sqlite3_bind_int64(st, 2, inbound_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, id);
	return store_run(s, st, err, errlen);
}

int
store_confirm_list(struct store *s, int64_t request_rid,
    struct confirm_row **out, size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT id, request_rid, address, "
	    "expires_at, confirmed_at FROM confirmations WHERE request_rid = ? "
	    "ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, q);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, request_rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		confirm_from_stmt(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
}

int
store_confirm_confirmed(struct store *s, const char *agreement,
    const char *address, char *err, size_t errlen)
{
	static const char *const q = "SELECT 1 FROM confirmations c JOIN "
	    "requests r ON r.rid = c.request_rid WHERE c.address = ? AND "
	    "c.confirmed_at IS NOT NULL AND r.agreement_number = ? LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	store_bind_str(st, 2, agreement);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return store_found(s, rc, err, errlen);
}

/* The count(*) of st, bound: its one row. */
static int
store_count_run(struct store *s, sqlite3_stmt *st, int *count, char *err,
    size_t errlen)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PF_OK : store_fail(s, err, errlen);
}

int
store_verify_count_since(struct store *s, const char *local,
    const char *at_domain, time_t since, int *count, char *err,
    size_t errlen)
{
	/* local@domain itself, and local+anything@domain: two searches of
	 * the index on recipient (one OR would scan it) */
	static const char *const q = "SELECT (SELECT count(*) FROM outbox "
	    "WHERE template = 'verify' AND recipient = ?1 || ?2 AND "
	    "created_at >= ?3 AND state <> 'suppressed') + (SELECT count(*) "
	    "FROM outbox WHERE template = 'verify' AND recipient > ?1 || '+' "
	    "AND recipient < ?1 || ',' AND substr(recipient, -length(?2)) = "
	    "?2 AND created_at >= ?3 AND state <> 'suppressed')";
	sqlite3_stmt *st = store_stmt(s, q);

	*count = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, local, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, at_domain, -1, SQLITE_STATIC);
	store_bind_time(st, 3, since);
	return store_count_run(s, st, count, err, errlen);
}

int
store_alert_sent_since(struct store *s, const char *kind, time_t since,
    int *count, char *err, size_t errlen)
{
	static const char *const q = "SELECT count(*) FROM alert_digest WHERE "
	    "kind = ? AND sent_at >= ?";
	sqlite3_stmt *st = store_stmt(s, q);

	*count = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	store_bind_time(st, 2, since);
	return store_count_run(s, st, count, err, errlen);
}

int
store_alert_since_sent(struct store *s, const char *kind, int *open,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT EXISTS (SELECT 1 FROM "
	    "alert_digest WHERE kind = ? AND at >= coalesce((SELECT "
	    "max(sent_at) FROM outbox), ''))";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	*open = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*open = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PF_OK : store_fail(s, err, errlen);
}

int
store_alert_add(struct store *s, const char *kind, time_t at,
    int64_t request_rid, const char *text, time_t sent_at, char *err,
    size_t errlen)
{
	static const char *const q = "INSERT INTO alert_digest (kind, at, "
	    "request_rid, text, sent_at) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	store_bind_time(st, 2, at);
	if (request_rid)
		sqlite3_bind_int64(st, 3, request_rid);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	store_bind_time(st, 5, sent_at);
	return store_run(s, st, err, errlen);
}

int
store_alert_due_kind(struct store *s, time_t before, char *kind,
    size_t kindlen, char *err, size_t errlen)
{
	static const char *const q = "SELECT h.kind FROM alert_digest h WHERE "
	    "h.sent_at IS NULL AND NOT EXISTS (SELECT 1 FROM alert_digest x "
	    "WHERE x.kind = h.kind AND x.sent_at > ?) LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(kind, kindlen, "%s", (const char *)
		    sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return store_found(s, rc, err, errlen);
}

int
store_alert_take(struct store *s, const char *kind, time_t now,
    struct strvec *texts, char *err, size_t errlen)
{
	static const char *const q = "SELECT at, text FROM alert_digest WHERE "
	    "kind = ? AND sent_at IS NULL ORDER BY id";
	static const char *const u = "UPDATE alert_digest SET sent_at = ? "
	    "WHERE kind = ? AND sent_at IS NULL";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sv_push_owned(texts, xasprintf("%s  %s",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	if ((st = store_stmt(s, u)) == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, now);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	return store_run(s, st, err, errlen);
}

static int
redact_b32(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

static int
redact_word(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

void
store_redact_tokens(char *buf, size_t len, size_t toklen)
{
	size_t i = 0, start, k;

	while (i < len) {
		if (!redact_word((unsigned char)buf[i])) {
			i++;
			continue;
		}
		for (start = i; i < len && redact_word((unsigned char)buf[i]);
		    i++)
			;
		if (i - start != toklen)
			continue;
		for (k = start; k < i && redact_b32((unsigned char)buf[k]); k++)
			;
		if (k == i)
			memset(buf + start, 'x', toklen);
	}
}

int
store_outbox_redact(struct store *s, int64_t id, char *err, size_t errlen)
{
	static const char *const q = "SELECT message FROM outbox WHERE id = ? "
	    "AND template = 'verify'";
	static const char *const u = "UPDATE outbox SET message = ? WHERE "
	    "id = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	char *msg = NULL;
	size_t len = 0;
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(st, 0);
		msg = xmalloc(len + 1);
		memcpy(msg, sqlite3_column_blob(st, 0), len);
		msg[len] = '\0';
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return PF_OK;	/* not a verify notice */
	if (rc != SQLITE_ROW)
		return store_fail(s, err, errlen);
	store_redact_tokens(msg, len, STORE_TOKEN_LEN);
	if ((st = store_stmt(s, u)) == NULL) {
		free(msg);
		return store_fail(s, err, errlen);
	}
	sqlite3_bind_blob(st, 1, msg, (int)len, free);
	sqlite3_bind_int64(st, 2, id);
	return store_run(s, st, err, errlen);
}
