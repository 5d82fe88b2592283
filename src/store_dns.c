/* store_dns.c - the DNS checks of requests: queue, answers, warnings. */
#include "store_dns.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

int
store_dns_check_state(struct store *s, int64_t rid,
    enum dns_check_state *state, char *err, size_t errlen)
{
	static const char *const q = "SELECT done_at IS NOT NULL FROM "
	    "dns_checks WHERE request_rid = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	rc = sqlite3_step(st);
	*state = rc != SQLITE_ROW ? DNS_CHECK_NONE :
	    sqlite3_column_int(st, 0) ? DNS_CHECK_DONE : DNS_CHECK_QUEUED;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	return PF_OK;
}

int
store_dns_enqueue(struct store *s, int64_t rid, char *err, size_t errlen)
{
	static const char *const q = "INSERT INTO dns_checks (request_rid, "
	    "queued_at) VALUES (?, ?) ON CONFLICT (request_rid) DO UPDATE "
	    "SET queued_at = excluded.queued_at, done_at = NULL";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	store_bind_time(st, 2, clock_now());
	return store_run(s, st, err, errlen);
}

int
store_dns_queued(struct store *s, int64_t after, size_t max, int64_t **rids,
    size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT request_rid FROM dns_checks "
	    "WHERE done_at IS NULL AND request_rid > ? ORDER BY request_rid "
	    "LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, q);
	size_t cap = 0;
	int rc;

	*rids = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*rids = xrealloc(*rids, cap * sizeof(**rids));
		}
		(*rids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rids);
		*rids = NULL;
		*n = 0;
		return store_fail(s, err, errlen);
	}
	return PF_OK;
}

static char *
join_lines(const struct strvec *v)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			sb_addc(&sb, '\n');
		sb_adds(&sb, v->v[i]);
	}
	return sb_steal(&sb);
}

int
store_dns_record(struct store *s, int64_t rid,
    const struct dns_answer *const *v, size_t n, char *err, size_t errlen)
{
	static const char *const del = "DELETE FROM dns_answers WHERE "
	    "request_rid = ?";
	static const char *const ins = "INSERT INTO dns_answers (request_rid, "
	    "pos, name, type, status, security, records, why, answered_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char *const done = "UPDATE dns_checks SET done_at = ? "
	    "WHERE request_rid = ?";
	sqlite3_stmt *st;
	char *lines;
	int rc;

	if ((st = store_stmt(s, del)) == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((st = store_stmt(s, ins)) == NULL)
			return store_fail(s, err, errlen);
		lines = join_lines(&v[i]->records);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, v[i]->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, dns_type_name(v[i]->type), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 5, dns_status_name(v[i]->status), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 6, dns_security_name(v[i]->sec), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 7, lines, -1, SQLITE_TRANSIENT);
		store_bind_str(st, 8, v[i]->why);
		store_bind_time(st, 9, v[i]->at ? v[i]->at : clock_now());
		free(lines);
		if ((rc = store_run(s, st, err, errlen)) != PF_OK)
			return rc;
	}
	if ((st = store_stmt(s, done)) == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, rid);
	return store_run(s, st, err, errlen);
}

static void
split_lines(struct strvec *v, const char *text)
{
	const char *p = text, *e;

	while (p && *p) {
		e = strchr(p, '\n');
		sv_push_owned(v, e ? xstrndup(p, (size_t)(e - p)) :
		    xstrdup(p));
		p = e ? e + 1 : NULL;
	}
}

int
store_dns_answers(struct store *s, int64_t rid, struct dns_batch *b,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT name, type, status, security, "
	    "records, why, answered_at FROM dns_answers WHERE request_rid = ? "
	    "ORDER BY pos";
	sqlite3_stmt *st = store_stmt(s, q);
	struct dns_answer *a;
	size_t i;
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* the index first: adding may move b->v */
		i = dns_batch_add(b, (const char *)sqlite3_column_text(st, 0),
		    dns_type_from_name((const char *)
		    sqlite3_column_text(st, 1)));
		a = &b->v[i];
		a->status = dns_status_from_name((const char *)
		    sqlite3_column_text(st, 2));
		a->sec = dns_security_from_name((const char *)
		    sqlite3_column_text(st, 3));
		split_lines(&a->records, (const char *)
		    sqlite3_column_text(st, 4));
		a->why = store_col_str(st, 5);
		a->at = store_col_time(st, 6);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
}

int
store_warnings_save(struct store *s, int64_t rid, const struct reasons *w,
    char *err, size_t errlen)
{
	static const char *const del = "DELETE FROM request_warnings WHERE "
	    "request_rid = ?";
	static const char *const ins = "INSERT INTO request_warnings "
	    "(request_rid, pos, code, detail) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, del)) == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	for (size_t i = 0; i < w->n; i++) {
		if ((st = store_stmt(s, ins)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, w->v[i].code, -1, SQLITE_STATIC);
		store_bind_str(st, 4, w->v[i].detail);
		if ((rc = store_run(s, st, err, errlen)) != PF_OK)
			return rc;
	}
	return PF_OK;
}

int
store_warnings_load(struct store *s, int64_t rid, struct reasons *w,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT code, detail FROM "
	    "request_warnings WHERE request_rid = ? ORDER BY pos";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		reasons_add(w, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
}
