/* store_imap.c - the IMAP poller's keys and failure counts. */
#include "store_imap.h"
#include "store_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void
bind_key(sqlite3_stmt *st, const struct imap_key *k)
{
	sqlite3_bind_text(st, 1, k->mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, k->uidvalidity);
	sqlite3_bind_int64(st, 3, k->uid);
}

int
store_imap_lookup(struct store *s, const struct imap_key *k,
    struct imap_key_state *out, char *err, size_t errlen)
{
	static const char *const q = "SELECT "
	    "EXISTS (SELECT 1 FROM imap_seen WHERE mailbox = ?1 AND "
	    "uidvalidity = ?2 AND uid = ?3), "
	    "(SELECT failures FROM imap_failures WHERE mailbox = ?1 AND "
	    "uidvalidity = ?2 AND uid = ?3), "
	    "(SELECT alerted_at IS NOT NULL FROM imap_failures WHERE "
	    "mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3)";
	sqlite3_stmt *st = store_stmt(s, q);

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return store_fail(s, err, errlen);
	bind_key(st, k);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	out->seen = sqlite3_column_int(st, 0);
	out->failures = sqlite3_column_int(st, 1);
	out->alerted = sqlite3_column_int(st, 2);
	sqlite3_reset(st);
	return PF_OK;
}

/* A UID of the caller's list and its position there. */
struct uid_at {
	uint32_t	 uid;
	size_t		 at;
};

static int
uid_at_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct uid_at *)a)->uid;
	uint32_t y = ((const struct uid_at *)b)->uid;

	return x < y ? -1 : x > y;
}

/* The position of uid in the caller's list, or -1. */
static long
uid_find(const struct uid_at *v, size_t n, uint32_t uid)
{
	struct uid_at key = { uid, 0 }, *hit;

	hit = bsearch(&key, v, n, sizeof(*v), uid_at_cmp);
	return hit ? (long)hit->at : -1;
}

/* Runs q (the key of the lowest UID, then the highest UID) and gives each
 * row whose first column is one of the UIDs to that UID's state. */
static int
lookup_range(struct store *s, const char *q, const char *mailbox,
    uint32_t uidvalidity, const struct uid_at *v, size_t n,
    struct imap_key_state *out, int seen, char *err, size_t errlen)
{
	struct imap_key lowest = { mailbox, uidvalidity, v[0].uid };
	sqlite3_stmt *st = store_stmt(s, q);
	long i;
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	bind_key(st, &lowest);
	sqlite3_bind_int64(st, 4, v[n - 1].uid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((i = uid_find(v, n, (uint32_t)sqlite3_column_int64(st,
		    0))) < 0)
			continue;
		if (seen) {
			out[i].seen = 1;
		} else {
			out[i].failures = sqlite3_column_int(st, 1);
			out[i].alerted = sqlite3_column_int(st, 2);
		}
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_imap_lookup_many(struct store *s, const char *mailbox,
    uint32_t uidvalidity, const uint32_t *uids, size_t n,
    struct imap_key_state *out, char *err, size_t errlen)
{
	static const char *const q_seen = "SELECT uid FROM imap_seen WHERE "
	    "mailbox = ?1 AND uidvalidity = ?2 AND uid BETWEEN ?3 AND ?4";
	static const char *const q_failed = "SELECT uid, failures, "
	    "alerted_at IS NOT NULL FROM imap_failures WHERE mailbox = ?1 "
	    "AND uidvalidity = ?2 AND uid BETWEEN ?3 AND ?4";
	struct uid_at *v;
	int rc;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return PF_OK;
	v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i].uid = uids[i];
		v[i].at = i;
	}
	qsort(v, n, sizeof(*v), uid_at_cmp);
	if ((rc = lookup_range(s, q_seen, mailbox, uidvalidity, v, n, out, 1,
	    err, errlen)) == PF_OK)
		rc = lookup_range(s, q_failed, mailbox, uidvalidity, v, n, out,
		    0, err, errlen);
	free(v);
	return rc;
}

int
store_imap_seen_add(struct store *s, const struct imap_key *k,
    int64_t inbound_id, int had_failures, char *err, size_t errlen)
{
	static const char *const q_add = "INSERT OR IGNORE INTO imap_seen "
	    "(mailbox, uidvalidity, uid, inbound_id, seen_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char *const q_clear = "DELETE FROM imap_failures "
	    "WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3";
	sqlite3_stmt *st = store_stmt(s, q_add);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	bind_key(st, k);
	if (inbound_id > 0)
		sqlite3_bind_int64(st, 4, inbound_id);
	store_bind_time(st, 5, clock_now());
	if ((rc = store_run(s, st, err, errlen)) != PF_OK || !had_failures)
		return rc;
	if ((st = store_stmt(s, q_clear)) == NULL)
		return store_fail(s, err, errlen);
	bind_key(st, k);
	return store_run(s, st, err, errlen);
}

int
store_imap_failure_add(struct store *s, const struct imap_key *k,
    const char *why, int *count, char *err, size_t errlen)
{
	static const char *const q = "INSERT INTO imap_failures (mailbox, "
	    "uidvalidity, uid, failures, last_error, first_at, last_at) "
	    "VALUES (?1, ?2, ?3, 1, ?4, ?5, ?5) "
	    "ON CONFLICT (mailbox, uidvalidity, uid) DO UPDATE SET "
	    "failures = failures + 1, last_error = excluded.last_error, "
	    "last_at = excluded.last_at RETURNING failures";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	bind_key(st, k);
	store_bind_str(st, 4, why);
	store_bind_time(st, 5, clock_now());
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	*count = sqlite3_column_int(st, 0);
	/* RETURNING: the row is written when the statement completes. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		return store_fail(s, err, errlen);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_imap_failure_alerted(struct store *s, const struct imap_key *k,
    char *err, size_t errlen)
{
	static const char *const q = "UPDATE imap_failures SET alerted_at = ?4 "
	    "WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	bind_key(st, k);
	store_bind_time(st, 4, clock_now());
	return store_run(s, st, err, errlen);
}

int
store_imap_given_up(struct store *s, const char *mailbox,
    uint32_t uidvalidity, int min_failures, uint32_t **uids, size_t *n,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT uid FROM imap_failures WHERE "
	    "mailbox = ?1 AND uidvalidity = ?2 AND failures >= ?3 ORDER BY uid";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	*uids = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int(st, 3, min_failures);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*uids = xrealloc(*uids, (*n + 1) * sizeof(**uids));
		(*uids)[(*n)++] = (uint32_t)sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		free(*uids);
		*uids = NULL;
		*n = 0;
		return store_fail(s, err, errlen);
	}
	sqlite3_reset(st);
	return PF_OK;
}
