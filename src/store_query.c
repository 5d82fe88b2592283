/* store_query.c - read-only views: lists, agreements, claims, events. */
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
store_agreement_requests(struct store *s, const char *agreement,
    unsigned state_mask, struct request_row **out, size_t *n, char *err,
    size_t errlen)
{
	return store_agreement_requests_except(s, agreement, state_mask, NULL,
	    out, n, err, errlen);
}

int
store_agreement_requests_except(struct store *s, const char *agreement,
    unsigned state_mask, const char *exclude_id, struct request_row **out,
    size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT id, state, rid FROM requests "
	    "WHERE agreement_number = ? ORDER BY created_at, rowid";
	sqlite3_stmt *st = store_stmt(s, q);
	enum req_state state;
	int64_t *rids = NULL;
	size_t k = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, agreement, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (exclude_id != NULL && strcmp((const char *)
		    sqlite3_column_text(st, 0), exclude_id) == 0)
			continue;
		if (state_parse((const char *)sqlite3_column_text(st, 1),
		    &state) == PF_OK && (state_mask & (1u << state))) {
			if (k == cap) {
				cap = cap ? 2 * cap : 16;
				rids = xrealloc(rids, cap * sizeof(*rids));
			}
			rids[k++] = sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(rids);
		return store_fail(s, err, errlen);
	}
	/* Loaded after the listing statement is done with: loading runs
	 * other statements. By row number, the key of the children. */
	*out = xcalloc(k ? k : 1, sizeof(**out));
	for (size_t i = 0; i < k; i++) {
		rc = store_request_load_rid(s, rids[i], &(*out)[*n], err,
		    errlen);
		if (rc != STORE_FOUND) {
			request_rows_free(*out, *n);
			*out = NULL;
			*n = 0;
			free(rids);
			return rc == PF_OK ? PF_ERR : rc;
		}
		(*n)++;
	}
	free(rids);
	return PF_OK;
}

int
store_domain_claimants(struct store *s, const char *agreement,
    const char *domain, struct claim_row **out, size_t *n, char *err,
    size_t errlen)
{
	static const char *const q = "SELECT r.state, d.contact, r.due_at, "
	    "r.tag FROM request_domains d JOIN requests r ON r.rid = "
	    "d.request_rid WHERE d.domain = ? AND r.state IN ('pending', "
	    "'provisioned') AND r.agreement_number IS NOT ? ORDER BY r.rid";
	sqlite3_stmt *st = store_stmt(s, q);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	store_bind_str(st, 2, agreement);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_row *c;
		const char *state = (const char *)sqlite3_column_text(st, 0);

		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof(*c));
		if (state == NULL || state_parse(state, &c->state) != PF_OK)
			c->state = ST_PENDING;
		c->contact = store_col_str(st, 1);
		c->due_at = store_col_time(st, 2);
		snprintf(c->tag, sizeof(c->tag), "%s", (const char *)
		    sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		claim_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, err, errlen);
	}
	return PF_OK;
}

void
claim_rows_free(struct claim_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].contact);
	free(v);
}

void
event_rows_free(struct event_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].from);
		free(v[i].to);
		free(v[i].cause);
	}
	free(v);
}

int
store_events(struct store *s, int64_t request_rid, struct event_row **out,
    size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT at, from_state, to_state, cause "
	    "FROM events WHERE request_rid = ? ORDER BY id";
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
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].at = store_col_time(st, 0);
		(*out)[*n].from = store_col_str(st, 1);
		(*out)[*n].to = store_col_str(st, 2);
		(*out)[*n].cause = store_col_str(st, 3);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		event_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, err, errlen);
	}
	return PF_OK;
}

int
store_event_mark(struct store *s, int64_t *last, char *err, size_t errlen)
{
	static const char *const q = "SELECT coalesce(max(id), 0) FROM events";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	*last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return PF_OK;
}

int
store_event_counts(struct store *s, int64_t since, struct event_counts *c,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT "
	    "sum((from_state = 'received' OR from_state = 'confirming') AND "
	    "to_state = 'pending'), "
	    "sum(from_state <> 'rejected' AND to_state = 'rejected'), "
	    "sum(from_state = to_state AND cause LIKE 'held %'), "
	    "sum(from_state = 'pending' AND to_state = 'provisioned') "
	    "FROM events WHERE id > ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, since);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	c->accepted = sqlite3_column_int(st, 0);
	c->rejected = sqlite3_column_int(st, 1);
	c->held = sqlite3_column_int(st, 2);
	c->provisioned = sqlite3_column_int(st, 3);
	sqlite3_reset(st);
	return PF_OK;
}
