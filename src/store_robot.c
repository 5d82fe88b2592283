/* store_robot.c - automatic mail and the bounces of our notices. */
#include "store_robot.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
store_inbound_robot(struct store *s, int64_t id, const char *kind,
    char *err, size_t errlen)
{
	static const char *const q = "UPDATE inbound SET robot = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_str(st, 1, kind);
	sqlite3_bind_int64(st, 2, id);
	return store_run(s, st, err, errlen);
}

int
store_inbound_note(struct store *s, int64_t id, const char *note,
    char *err, size_t errlen)
{
	static const char *const q = "UPDATE inbound SET note = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_str(st, 1, note);
	sqlite3_bind_int64(st, 2, id);
	return store_run(s, st, err, errlen);
}

#define MAIL_COLS "i.id, i.received_at, i.source, i.message_id, i.sender, " \
	"i.subject, i.size, i.outcome, i.note, i.robot, r.tag FROM inbound i " \
	"LEFT JOIN requests r ON r.id = i.request_id"

void
mail_row_free(struct mail_row *m)
{
	free(m->source);
	free(m->message_id);
	free(m->sender);
	free(m->subject);
	free(m->outcome);
	free(m->note);
	free(m->robot);
	free(m->request_tag);
	memset(m, 0, sizeof(*m));
}

void
mail_rows_free(struct mail_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mail_row_free(&v[i]);
	free(v);
}

static void
mail_from_stmt(sqlite3_stmt *st, struct mail_row *m)
{
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	m->received_at = store_col_time(st, 1);
	m->source = store_col_str(st, 2);
	m->message_id = store_col_str(st, 3);
	m->sender = store_col_str(st, 4);
	m->subject = store_col_str(st, 5);
	m->size = sqlite3_column_int64(st, 6);
	m->outcome = store_col_str(st, 7);
	m->note = store_col_str(st, 8);
	m->robot = store_col_str(st, 9);
	m->request_tag = store_col_str(st, 10);
}

int
store_mail_each(struct store *s, int robots_only,
    int (*fn)(const struct mail_row *m, void *arg), void *arg, char *err,
    size_t errlen)
{
	static const char *const q_all = "SELECT " MAIL_COLS " ORDER BY i.id";
	static const char *const q_rob = "SELECT " MAIL_COLS
	    " WHERE i.robot IS NOT NULL ORDER BY i.id";
	sqlite3_stmt *st = store_stmt(s, robots_only ? q_rob : q_all);
	struct mail_row m;
	int rc = SQLITE_DONE, frc = PF_OK;

	if (st == NULL)
		return store_fail(s, err, errlen);
	while (frc == PF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		mail_from_stmt(st, &m);
		frc = fn(&m, arg);
		mail_row_free(&m);
	}
	if (frc != PF_OK) {
		sqlite3_reset(st);
		return frc;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_mail_get(struct store *s, int64_t id, struct mail_row *m, char *err,
    size_t errlen)
{
	static const char *const q = "SELECT " MAIL_COLS " WHERE i.id = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		mail_from_stmt(st, m);
		sqlite3_reset(st);
		return STORE_FOUND;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	sqlite3_reset(st);
	return PF_OK;
}

static void
ref_from_stmt(sqlite3_stmt *st, struct notice_ref *n)
{
	memset(n, 0, sizeof(*n));
	n->id = sqlite3_column_int64(st, 0);
	n->request_rid = sqlite3_column_int64(st, 1);
	snprintf(n->template, sizeof(n->template), "%s",
	    (const char *)sqlite3_column_text(st, 2));
	snprintf(n->state, sizeof(n->state), "%s",
	    (const char *)sqlite3_column_text(st, 3));
	snprintf(n->recipient, sizeof(n->recipient), "%s",
	    (const char *)sqlite3_column_text(st, 4));
}

static int
ref_step(struct store *s, sqlite3_stmt *st, struct notice_ref *n, char *err,
    size_t errlen)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		ref_from_stmt(st, n);
		sqlite3_reset(st);
		return STORE_FOUND;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_notice_by_msgid(struct store *s, const char *msgid,
    struct notice_ref *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT id, request_rid, template, state, "
	    "recipient FROM outbox WHERE message_id = ? ORDER BY id LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	return ref_step(s, st, n, err, errlen);
}

int
store_notice_by_id(struct store *s, int64_t id, struct notice_ref *n,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT id, request_rid, template, state, "
	    "recipient FROM outbox WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, id);
	return ref_step(s, st, n, err, errlen);
}

/* The failed notice leaves 'sent' once, with its event. */
static int
bounce_mark(struct store *s, const struct bounce_rec *b, int *marked,
    char *err, size_t errlen)
{
	static const char *const up = "UPDATE outbox SET state = 'bounced', "
	    "last_reply = ? WHERE id = ? AND state = 'sent'";
	static const char *const ev = "INSERT INTO outbox_events (outbox_id, "
	    "at, event, attempt, reply) VALUES (?, ?, 'bounced', (SELECT "
	    "attempts FROM outbox WHERE id = ?), ?)";
	sqlite3_stmt *st = store_stmt(s, up);
	char *reply;
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	reply = xasprintf("bounced: %s%s%s", b->status ? b->status : "",
	    b->status && b->diagnostic ? " " : "", b->diagnostic ?
	    b->diagnostic : "");
	store_bind_str(st, 1, reply);
	sqlite3_bind_int64(st, 2, b->outbox_id);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		goto done;
	if ((*marked = sqlite3_changes(s->db) > 0) == 0)
		goto done;
	if ((st = store_stmt(s, ev)) == NULL) {
		rc = store_fail(s, err, errlen);
		goto done;
	}
	sqlite3_bind_int64(st, 1, b->outbox_id);
	store_bind_time(st, 2, b->at);
	sqlite3_bind_int64(st, 3, b->outbox_id);
	store_bind_str(st, 4, reply);
	rc = store_run(s, st, err, errlen);
done:
	free(reply);
	return rc;
}

int
store_bounce_add(struct store *s, const struct bounce_rec *b, int *marked,
    char *err, size_t errlen)
{
	static const char *const q = "INSERT INTO bounces (outbox_id, "
	    "request_rid, inbound_id, at, action, status, diagnostic, "
	    "matched_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	*marked = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, b->outbox_id);
	if (b->request_rid)
		sqlite3_bind_int64(st, 2, b->request_rid);
	sqlite3_bind_int64(st, 3, b->inbound_id);
	store_bind_time(st, 4, b->at);
	store_bind_str(st, 5, b->action);
	store_bind_str(st, 6, b->status);
	store_bind_str(st, 7, b->diagnostic);
	store_bind_str(st, 8, b->matched_by);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	if (strcmp(b->action, "failed") != 0)
		return PF_OK;
	return bounce_mark(s, b, marked, err, errlen);
}

void
bounce_rows_free(struct bounce_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].template);
		free(v[i].recipient);
		free(v[i].action);
		free(v[i].status);
		free(v[i].diagnostic);
	}
	free(v);
}

static int
bounce_rows(struct store *s, sqlite3_stmt *st, struct bounce_row **out,
    size_t *n, char *err, size_t errlen)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bounce_row *b;

		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		b = &(*out)[(*n)++];
		b->outbox_id = sqlite3_column_int64(st, 0);
		b->inbound_id = sqlite3_column_int64(st, 1);
		b->at = store_col_time(st, 2);
		b->template = store_col_str(st, 3);
		b->recipient = store_col_str(st, 4);
		b->action = store_col_str(st, 5);
		b->status = store_col_str(st, 6);
		b->diagnostic = store_col_str(st, 7);
	}
	if (rc != SQLITE_DONE) {
		bounce_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, err, errlen);
	}
	sqlite3_reset(st);
	return PF_OK;
}

#define BOUNCE_COLS "b.outbox_id, b.inbound_id, b.at, o.template, " \
	"o.recipient, b.action, b.status, b.diagnostic FROM bounces b " \
	"JOIN outbox o ON o.id = b.outbox_id"

int
store_bounces_of_request(struct store *s, int64_t rid,
    struct bounce_row **out, size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT " BOUNCE_COLS " WHERE "
	    "b.request_rid = ? AND b.action = 'failed' ORDER BY b.id";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	return bounce_rows(s, st, out, n, err, errlen);
}

int
store_bounces_of_mail(struct store *s, int64_t inbound_id,
    struct bounce_row **out, size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT " BOUNCE_COLS " WHERE "
	    "b.inbound_id = ? ORDER BY b.id";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, inbound_id);
	return bounce_rows(s, st, out, n, err, errlen);
}

int
store_verify_live(struct store *s, int64_t rid, const char *address,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT 1 FROM outbox WHERE recipient = ? "
	    "AND template = 'verify' AND request_rid = ? AND (state = 'queued' "
	    "OR state = 'sent') LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, rid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_FOUND;
	return rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
}
