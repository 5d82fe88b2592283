/* store_request.c - requests, their lists, events and transitions. */
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQ_COLS "id, tag, state, action, agreement_type, agreement_number, " \
	"deployment, language, networks, online_ext, sender, message_id, " \
	"refs, inbound_id, edge_change, created_at, updated_at, due_at, " \
	"held_until, overdue_at, rid, sender_problem"

void
request_row_free(struct request_row *r)
{
	free(r->action);
	free(r->agreement_type);
	free(r->agreement_number);
	free(r->deployment);
	free(r->language);
	free(r->networks);
	free(r->online_ext);
	free(r->sender);
	free(r->sender_problem);
	free(r->message_id);
	free(r->refs);
	sv_free(&r->edges);
	for (size_t i = 0; i < r->n_sip; i++) {
		free(r->sip[i].domain);
		free(r->sip[i].contact);
	}
	free(r->sip);
	reasons_free(&r->reasons);
	memset(r, 0, sizeof(*r));
}

int
request_row_has_contact(const struct request_row *r, const char *addr)
{
	for (size_t j = 0; addr != NULL && j < r->n_sip; j++)
		if (r->sip[j].contact && str_ieq(r->sip[j].contact, addr))
			return 1;
	return 0;
}

void
request_rows_free(struct request_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		request_row_free(&v[i]);
	free(v);
}

static void
row_from_stmt(sqlite3_stmt *st, struct request_row *r)
{
	const char *state = (const char *)sqlite3_column_text(st, 2);

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", sqlite3_column_text(st, 0));
	snprintf(r->tag, sizeof(r->tag), "%s", sqlite3_column_text(st, 1));
	if (state == NULL || state_parse(state, &r->state) != PF_OK)
		abort();	/* the CHECK constraint makes this impossible */
	r->action = store_col_str(st, 3);
	r->agreement_type = store_col_str(st, 4);
	r->agreement_number = store_col_str(st, 5);
	r->deployment = store_col_str(st, 6);
	r->language = store_col_str(st, 7);
	r->networks = store_col_str(st, 8);
	r->online_ext = store_col_str(st, 9);
	r->sender = store_col_str(st, 10);
	r->message_id = store_col_str(st, 11);
	r->refs = store_col_str(st, 12);
	r->inbound_id = sqlite3_column_int64(st, 13);
	r->edge_change = sqlite3_column_int(st, 14);
	r->created_at = store_col_time(st, 15);
	r->updated_at = store_col_time(st, 16);
	r->due_at = store_col_time(st, 17);
	r->held_until = store_col_time(st, 18);
	r->overdue_at = store_col_time(st, 19);
	r->rid = sqlite3_column_int64(st, 20);
	r->sender_problem = store_col_str(st, 21);
}

enum child { CHILD_EDGE, CHILD_DOMAIN, CHILD_REASON };

/* Appends to r the list row of kind k whose columns start at col. */
static void
child_add(struct request_row *r, enum child k, sqlite3_stmt *st, int col)
{
	switch (k) {
	case CHILD_EDGE:
		sv_push(&r->edges, (const char *)sqlite3_column_text(st, col));
		break;
	case CHILD_DOMAIN:
		r->sip = xrealloc(r->sip, (r->n_sip + 1) * sizeof(*r->sip));
		r->sip[r->n_sip].domain = store_col_str(st, col);
		r->sip[r->n_sip].contact = store_col_str(st, col + 1);
		r->n_sip++;
		break;
	case CHILD_REASON:
		reasons_add(&r->reasons, (const char *)sqlite3_column_text(st,
		    col), (const char *)sqlite3_column_text(st, col + 1));
		break;
	default:
		abort();
	}
}

/* Edges, domains and reasons of a loaded request. */
static int
load_children(struct store *s, struct request_row *r, char *err,
    size_t errlen)
{
	static const char *const q[3] = {
		[CHILD_EDGE] = "SELECT fqdn FROM request_edges WHERE "
		    "request_rid = ? ORDER BY pos",
		[CHILD_DOMAIN] = "SELECT domain, contact FROM request_domains "
		    "WHERE request_rid = ? ORDER BY pos",
		[CHILD_REASON] = "SELECT code, detail FROM request_reasons "
		    "WHERE request_rid = ? ORDER BY pos",
	};
	sqlite3_stmt *st;
	int rc;

	for (enum child k = CHILD_EDGE; k <= CHILD_REASON; k++) {
		if ((st = store_stmt(s, q[k])) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, r->rid);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			child_add(r, k, st, 0);
		if (rc != SQLITE_DONE)
			return store_fail(s, err, errlen);
	}
	return PF_OK;
}

static int
insert_event(struct store *s, int64_t rid, enum req_state from,
    enum req_state to, const char *cause, char *err, size_t errlen)
{
	static const char *const q = "INSERT INTO events (request_rid, at, "
	    "from_state, to_state, cause) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	store_bind_time(st, 2, clock_now());
	store_bind_str(st, 3, from == ST_NONE ? NULL : state_name(from));
	sqlite3_bind_text(st, 4, state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, cause, -1, SQLITE_STATIC);
	return store_run(s, st, err, errlen);
}

/* The reasons of r replace those stored (none to delete while
 * r->reasons_none_stored: a DELETE per new request is not free). */
static int
save_children(struct store *s, struct request_row *r, char *err,
    size_t errlen)
{
	static const char *const d_reas = "DELETE FROM request_reasons "
	    "WHERE request_rid = ?";
	static const char *const i_reas = "INSERT INTO request_reasons "
	    "(request_rid, pos, code, detail) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	if (!r->reasons_none_stored) {
		if ((st = store_stmt(s, d_reas)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, r->rid);
		if ((rc = store_run(s, st, err, errlen)) != PF_OK)
			return rc;
	}
	for (size_t i = 0; i < r->reasons.n; i++) {
		if ((st = store_stmt(s, i_reas)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, r->rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		store_bind_str(st, 3, r->reasons.v[i].code);
		store_bind_str(st, 4, r->reasons.v[i].detail);
		if ((rc = store_run(s, st, err, errlen)) != PF_OK)
			return rc;
	}
	r->reasons_none_stored = r->reasons.n == 0;
	return PF_OK;
}

static int
insert_lists(struct store *s, const struct request_row *r, char *err,
    size_t errlen)
{
	static const char *const i_edge = "INSERT INTO request_edges "
	    "(request_rid, pos, fqdn) VALUES (?, ?, ?)";
	static const char *const i_dom = "INSERT INTO request_domains "
	    "(request_rid, pos, domain, contact) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < r->edges.n; i++) {
		if ((st = store_stmt(s, i_edge)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, r->rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, r->edges.v[i], -1, SQLITE_STATIC);
		if ((rc = store_run(s, st, err, errlen)) != PF_OK)
			return rc;
	}
	for (size_t i = 0; i < r->n_sip; i++) {
		if ((st = store_stmt(s, i_dom)) == NULL)
			return store_fail(s, err, errlen);
		sqlite3_bind_int64(st, 1, r->rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		store_bind_str(st, 3, r->sip[i].domain);
		store_bind_str(st, 4, r->sip[i].contact);
		if ((rc = store_run(s, st, err, errlen)) != PF_OK)
			return rc;
	}
	return PF_OK;
}

int
store_request_create(struct store *s, struct request_row *r,
    const char *cause, char *err, size_t errlen)
{
	static const char *const q = "INSERT INTO requests (id, tag, state, "
	    "action, agreement_type, agreement_number, deployment, language, "
	    "networks, online_ext, sender, message_id, refs, inbound_id, "
	    "edge_change, created_at, updated_at, due_at, held_until, "
	    "sender_problem) VALUES "
	    "(?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	r->state = ST_RECEIVED;
	r->created_at = r->updated_at = clock_now();
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->tag, -1, SQLITE_STATIC);
	store_bind_str(st, 3, r->action);
	store_bind_str(st, 4, r->agreement_type);
	store_bind_str(st, 5, r->agreement_number);
	store_bind_str(st, 6, r->deployment);
	store_bind_str(st, 7, r->language);
	store_bind_str(st, 8, r->networks ? r->networks : "skype");
	store_bind_str(st, 9, r->online_ext);
	store_bind_str(st, 10, r->sender);
	store_bind_str(st, 11, r->message_id);
	store_bind_str(st, 12, r->refs);
	if (r->inbound_id)
		sqlite3_bind_int64(st, 13, r->inbound_id);
	sqlite3_bind_int(st, 14, r->edge_change);
	store_bind_time(st, 15, r->created_at);
	store_bind_time(st, 16, r->updated_at);
	store_bind_time(st, 17, r->due_at);
	store_bind_time(st, 18, r->held_until);
	store_bind_str(st, 19, r->sender_problem);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	r->rid = sqlite3_last_insert_rowid(s->db);
	r->reasons_none_stored = 1;
	if ((rc = insert_lists(s, r, err, errlen)) != PF_OK ||
	    (rc = save_children(s, r, err, errlen)) != PF_OK)
		return rc;
	return insert_event(s, r->rid, ST_NONE, ST_RECEIVED, cause, err,
	    errlen);
}

/* The request of a stepped statement (rc: its step) with its children. */
static int
load_found(struct store *s, sqlite3_stmt *st, int rc, struct request_row *r,
    char *err, size_t errlen)
{
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return PF_OK;
	}
	if (rc != SQLITE_ROW)
		return store_fail(s, err, errlen);
	row_from_stmt(st, r);
	sqlite3_reset(st);
	if ((rc = load_children(s, r, err, errlen)) != PF_OK) {
		request_row_free(r);
		return rc;
	}
	return STORE_FOUND;
}

int
store_request_load(struct store *s, const char *id_or_tag,
    struct request_row *r, char *err, size_t errlen)
{
	static const char *const q_id = "SELECT " REQ_COLS " FROM requests "
	    "WHERE id = ?1";
	static const char *const q_tag = "SELECT " REQ_COLS " FROM requests "
	    "WHERE tag = ?1";
	sqlite3_stmt *st;
	int rc;

	/* An id has 36 characters and a tag 8: one index to search, not
	 * both (each a page to read, in a large database). */
	st = store_stmt(s, strlen(id_or_tag) == 36 ? q_id : q_tag);
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, id_or_tag, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	return load_found(s, st, rc, r, err, errlen);
}

int
store_request_load_rid(struct store *s, int64_t rid, struct request_row *r,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT " REQ_COLS " FROM requests "
	    "WHERE rid = ?1";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, rid);
	return load_found(s, st, sqlite3_step(st), r, err, errlen);
}

/* The children of the rows a listing yields, read alongside it: each
 * cursor gives its rows in the listing's order, so the rows of one
 * request are the next ones of each. */
struct each_children {
	sqlite3_stmt	*st[3];		/* by enum child: request_rid, ... */
	int		 rc[3];		/* last step of each */
};

static int
each_take(struct store *s, struct each_children *c, struct request_row *r,
    char *err, size_t errlen)
{
	for (enum child k = CHILD_EDGE; k <= CHILD_REASON; k++) {
		while (c->rc[k] == SQLITE_ROW &&
		    sqlite3_column_int64(c->st[k], 0) == r->rid) {
			child_add(r, k, c->st[k], 1);
			c->rc[k] = sqlite3_step(c->st[k]);
		}
		if (c->rc[k] != SQLITE_ROW && c->rc[k] != SQLITE_DONE)
			return store_fail(s, err, errlen);
	}
	return PF_OK;
}

/* All requests of one state: four statements for the whole list, where
 * loading each request ran four per request (20,000 pending requests
 * were 80,000 queries). Inside a savepoint, so that the four see the
 * same snapshot. */
static int
each_state(struct store *s, enum req_state state,
    int (*fn)(struct request_row *r, void *arg), void *arg, char *err,
    size_t errlen)
{
	static const char *const q_reqs = "SELECT " REQ_COLS " FROM requests "
	    "WHERE state = ?1 ORDER BY created_at, rowid";
	static const char *const q_edges = "SELECT e.request_rid, e.fqdn FROM "
	    "requests r JOIN request_edges e ON e.request_rid = r.rid WHERE "
	    "r.state = ?1 ORDER BY r.created_at, r.rowid, e.pos";
	static const char *const q_doms = "SELECT d.request_rid, d.domain, "
	    "d.contact FROM requests r JOIN request_domains d ON "
	    "d.request_rid = r.rid WHERE r.state = ?1 ORDER BY r.created_at, "
	    "r.rowid, d.pos";
	static const char *const q_reas = "SELECT x.request_rid, x.code, "
	    "x.detail FROM requests r JOIN request_reasons x ON "
	    "x.request_rid = r.rid WHERE r.state = ?1 ORDER BY r.created_at, "
	    "r.rowid, x.pos";
	const char *const qs[4] = { q_reqs, q_edges, q_doms, q_reas };
	struct each_children c;
	struct request_row r;
	sqlite3_stmt *st[4] = { NULL, NULL, NULL, NULL };
	int rc, step;

	if ((rc = store_run(s, store_stmt(s, "SAVEPOINT each"), err,
	    errlen)) != PF_OK)
		return rc;
	for (int k = 0; k < 4; k++) {
		if ((st[k] = store_stmt(s, qs[k])) == NULL) {
			rc = store_fail(s, err, errlen);
			goto done;
		}
		sqlite3_bind_text(st[k], 1, state_name(state), -1,
		    SQLITE_STATIC);
	}
	for (int k = 0; k < 3; k++) {
		c.st[k] = st[k + 1];	/* the queries are in enum child order */
		c.rc[k] = sqlite3_step(c.st[k]);
	}
	while ((step = sqlite3_step(st[0])) == SQLITE_ROW) {
		row_from_stmt(st[0], &r);
		if ((rc = each_take(s, &c, &r, err, errlen)) == PF_OK)
			rc = fn(&r, arg);
		request_row_free(&r);
		if (rc != PF_OK)
			goto done;
	}
	rc = step == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
done:
	for (int k = 0; k < 4; k++)
		if (st[k] != NULL)
			sqlite3_reset(st[k]);
	sqlite3_exec(s->db, "RELEASE each", NULL, NULL, NULL);
	return rc;
}

/* Every request: ids first, each loaded afterwards (the listing sorts
 * them all; the children are not worth sorting too). */
static int
each_all(struct store *s, int (*fn)(struct request_row *r, void *arg),
    void *arg, char *err, size_t errlen)
{
	static const char *const q = "SELECT rid FROM requests "
	    "ORDER BY created_at, rowid";
	struct request_row r;
	sqlite3_stmt *st = store_stmt(s, q);
	int64_t *rids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			rids = xrealloc(rids, cap * sizeof(*rids));
		}
		rids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, err, errlen);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		rc = store_request_load_rid(s, rids[i], &r, err, errlen);
		if (rc != STORE_FOUND)
			goto done;
		rc = fn(&r, arg);
		request_row_free(&r);
		if (rc != PF_OK)
			goto done;
	}
	rc = PF_OK;
done:
	free(rids);
	return rc;
}

int
store_request_each(struct store *s, enum req_state state,
    int (*fn)(struct request_row *r, void *arg), void *arg, char *err,
    size_t errlen)
{
	if (state == ST_NONE)
		return each_all(s, fn, arg, err, errlen);
	return each_state(s, state, fn, arg, err, errlen);
}

int
store_request_tag_used(struct store *s, const char *tag, char *err,
    size_t errlen)
{
	static const char *const q = "SELECT 1 FROM requests WHERE tag = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_FOUND;
	return rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
}

int
store_request_new_id(struct store *s, char id[37], char tag[9], char *err,
    size_t errlen)
{
	int rc;

	/* 8 hex digits collide often at a million requests: draw again. */
	for (int i = 0; i < 100; i++) {
		uuid_random(id);
		memcpy(tag, id, 8);
		tag[8] = '\0';
		rc = store_request_tag_used(s, tag, err, errlen);
		if (rc != STORE_FOUND)
			return rc;
	}
	err_set(err, errlen, "no free request tag found");
	return PF_ERR;
}

/* Whether the transition table lets actor move r to `to`. */
static int
transition_allowed(const struct request_row *r, enum req_state to,
    enum actor actor, char *err, size_t errlen)
{
	if (workflow_find(r->state, to, actor) != NULL)
		return PF_OK;
	err_set(err, errlen, "request %s is %s: it cannot become %s%s",
	    r->tag, state_name(r->state), state_name(to),
	    actor == BY_OPERATOR ? " by an operator decision" : "");
	return PF_ERR;
}

/* After the UPDATE of a transition (st, its parameters bound): the
 * request must have been in its state still; then its event. */
static int
transition_run(struct store *s, sqlite3_stmt *st, struct request_row *r,
    enum req_state to, const char *cause, char *err, size_t errlen)
{
	int rc;

	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	if (sqlite3_changes(s->db) != 1) {
		err_set(err, errlen, "request %s changed under us", r->tag);
		return PF_ERR;
	}
	if ((rc = insert_event(s, r->rid, r->state, to, cause, err,
	    errlen)) != PF_OK)
		return rc;
	r->state = to;
	r->updated_at = clock_now();
	return PF_OK;
}

int
store_transition(struct store *s, struct request_row *r, enum req_state to,
    enum actor actor, const char *cause, char *err, size_t errlen)
{
	/* By rid: the table's own key, where the UUID would cost a
	 * lookup in its index first. */
	static const char *const q = "UPDATE requests SET state = ?, "
	    "updated_at = ? WHERE rid = ? AND state = ?";
	sqlite3_stmt *st;
	int rc;

	if ((rc = transition_allowed(r, to, actor, err, errlen)) != PF_OK)
		return rc;
	if ((st = store_stmt(s, q)) == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, state_name(to), -1, SQLITE_STATIC);
	store_bind_time(st, 2, clock_now());
	sqlite3_bind_int64(st, 3, r->rid);
	sqlite3_bind_text(st, 4, state_name(r->state), -1, SQLITE_STATIC);
	return transition_run(s, st, r, to, cause, err, errlen);
}

int
store_request_save_transition(struct store *s, struct request_row *r,
    enum req_state to, enum actor actor, const char *cause, char *err,
    size_t errlen)
{
	static const char *const q = "UPDATE requests SET state = ?, "
	    "due_at = ?, held_until = ?, overdue_at = ?, edge_change = ?, "
	    "updated_at = ? WHERE rid = ? AND state = ?";
	sqlite3_stmt *st;
	int rc;

	if ((rc = transition_allowed(r, to, actor, err, errlen)) != PF_OK)
		return rc;
	if ((st = store_stmt(s, q)) == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, state_name(to), -1, SQLITE_STATIC);
	store_bind_time(st, 2, r->due_at);
	store_bind_time(st, 3, r->held_until);
	store_bind_time(st, 4, r->overdue_at);
	sqlite3_bind_int(st, 5, r->edge_change);
	store_bind_time(st, 6, clock_now());
	sqlite3_bind_int64(st, 7, r->rid);
	sqlite3_bind_text(st, 8, state_name(r->state), -1, SQLITE_STATIC);
	/* The reasons before the state changes, as store_request_save()
	 * then store_transition() did. */
	if ((rc = save_children(s, r, err, errlen)) != PF_OK)
		return rc;
	return transition_run(s, st, r, to, cause, err, errlen);
}

int
store_note(struct store *s, const struct request_row *r, const char *cause,
    char *err, size_t errlen)
{
	return insert_event(s, r->rid, r->state, r->state, cause, err, errlen);
}

/* Only the two columns an overdue alert changes: store_request_save()
 * would also rewrite the reasons, a DELETE and its statement journal per
 * timer fired (a tenth of the CPU time of a tick). */
int
store_request_overdue(struct store *s, const struct request_row *r,
    char *err, size_t errlen)
{
	static const char *const q = "UPDATE requests SET overdue_at = ?, "
	    "updated_at = ? WHERE rid = ?";
	sqlite3_stmt *st = store_stmt(s, q);

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, r->overdue_at);
	store_bind_time(st, 2, clock_now());
	sqlite3_bind_int64(st, 3, r->rid);
	return store_run(s, st, err, errlen);
}

int
store_request_save(struct store *s, struct request_row *r, char *err,
    size_t errlen)
{
	static const char *const q = "UPDATE requests SET due_at = ?, "
	    "held_until = ?, overdue_at = ?, edge_change = ?, updated_at = ? "
	    "WHERE rid = ?";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, r->due_at);
	store_bind_time(st, 2, r->held_until);
	store_bind_time(st, 3, r->overdue_at);
	sqlite3_bind_int(st, 4, r->edge_change);
	store_bind_time(st, 5, clock_now());
	sqlite3_bind_int64(st, 6, r->rid);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	return save_children(s, r, err, errlen);
}
