/* store_retention.c - retention, erasure and the per-sender bound: the
 * SQL of SPEC 10's "what is kept".
 *
 * A final state here is provisioned, rejected or superseded: the states
 * in which picflow does nothing more with a request by itself (a
 * provisioned request is only ever superseded, which reads no mail). */
#include "store_retention.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FINAL_R	"(r.state = 'provisioned' OR r.state = 'rejected' OR " \
		"r.state = 'superseded')"
#define OPEN_R	"(r.state = 'received' OR r.state = 'confirming' OR " \
		"r.state = 'pending')"

int
store_sender_bytes(struct store *s, const char *sender, time_t since,
    int64_t *bytes, char *err, size_t errlen)
{
	/* "size > 65536" is the index's own condition (012_ops.sql), so
	 * that it is used: only the sender's large mails are read. */
	static const char *const q = "SELECT total(length(raw)) FROM inbound "
	    "WHERE sender IS ?1 COLLATE NOCASE AND received_at >= ?2 AND "
	    "size > 65536";
	sqlite3_stmt *st = store_stmt(s, q);

	*bytes = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_str(st, 1, sender);
	store_bind_time(st, 2, since);
	if (sqlite3_step(st) != SQLITE_ROW) {
		int rc = store_fail(s, err, errlen);

		sqlite3_reset(st);
		return rc;
	}
	*bytes = (int64_t)sqlite3_column_double(st, 0);
	sqlite3_reset(st);
	return PF_OK;
}

/* --- retention ------------------------------------------------------ */

static int
prune_step(struct store *s, const char *q, time_t cutoff, const char *cause,
    int64_t *changed, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	store_bind_time(st, 1, cutoff);
	store_bind_time(st, 2, clock_now());
	if (sqlite3_bind_parameter_count(st) >= 3)
		store_bind_str(st, 3, cause);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	*changed = sqlite3_changes64(s->db);
	return PF_OK;
}

int
store_prune(struct store *s, time_t cutoff, const char *cause,
    struct prune_stats *stats, char *err, size_t errlen)
{
	/* The candidates come from the two partial indexes (rows older
	 * than cutoff still holding their bytes: few, once retention has
	 * run), never from a walk over every finished request. */
	static const char *const q_events = "INSERT INTO events (request_rid, "
	    "at, from_state, to_state, cause) SELECT r.rid, ?2, r.state, "
	    "r.state, ?3 FROM (SELECT i.request_id AS rq FROM inbound i "
	    "WHERE i.pruned_at IS NULL AND i.received_at < ?1 AND "
	    "i.request_id IS NOT NULL UNION SELECT r2.id FROM outbox o "
	    "CROSS JOIN requests r2 ON r2.rid = o.request_rid WHERE "
	    "o.pruned_at IS NULL AND o.created_at < ?1 AND o.state <> "
	    "'queued') AS c CROSS JOIN requests r ON r.id = c.rq WHERE "
	    FINAL_R " AND r.updated_at < ?1";
	static const char *const q_mails = "UPDATE inbound SET raw = X'', "
	    "pruned_at = ?2, raw_note = 'retention' WHERE pruned_at IS NULL "
	    "AND received_at < ?1 AND (request_id IS NULL OR EXISTS (SELECT 1 "
	    "FROM requests r WHERE r.id = inbound.request_id AND " FINAL_R
	    " AND r.updated_at < ?1))";
	static const char *const q_notices = "UPDATE outbox SET message = "
	    "X'', pruned_at = ?2, prune_note = 'retention' WHERE pruned_at IS "
	    "NULL AND created_at < ?1 AND state <> 'queued' AND (request_rid "
	    "IS NULL OR EXISTS (SELECT 1 FROM requests r WHERE r.rid = "
	    "outbox.request_rid AND " FINAL_R " AND r.updated_at < ?1))";
	int rc;

	memset(stats, 0, sizeof(*stats));
	if ((rc = prune_step(s, q_events, cutoff, cause, &stats->requests, err,
	    errlen)) != PF_OK ||
	    (rc = prune_step(s, q_mails, cutoff, NULL, &stats->mails, err,
	    errlen)) != PF_OK)
		return rc;
	return prune_step(s, q_notices, cutoff, NULL, &stats->notices, err,
	    errlen);
}

/* --- erasure: matching an address ----------------------------------- */

static int
addr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80 || strchr(".!#$%&'*+/=?^_`{|}~-",
	    c) != NULL;
}

static int
host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The offset of the first whole occurrence of a (lower case, al bytes)
 * in h from `from` on, or hl: the bytes before and after it must not
 * continue an address ("bojo@x.com" holds no "jo@x.com", nor does
 * "jo@x.com.evil"; "jo@x.com." ending a sentence does). */
static size_t
forget_find(const unsigned char *h, size_t hl, const unsigned char *a,
    size_t al, size_t from)
{
	for (size_t i = from; al > 0 && i + al <= hl; i++) {
		size_t k = 0, e = i + al;

		if (lower(h[i]) != a[0])
			continue;
		while (k < al && lower(h[i + k]) == a[k])
			k++;
		if (k < al || (i > 0 && addr_char(h[i - 1])))
			continue;
		if (e < hl && (host_char(h[e]) || (h[e] == '.' &&
		    e + 1 < hl && host_char(h[e + 1]))))
			continue;
		return i;
	}
	return hl;
}

static int
forget_args(sqlite3_value **argv, const unsigned char **h, size_t *hl,
    const unsigned char **a, size_t *al)
{
	int t = sqlite3_value_type(argv[0]);

	if ((t != SQLITE_TEXT && t != SQLITE_BLOB) ||
	    sqlite3_value_type(argv[1]) != SQLITE_TEXT)
		return 0;
	*h = t == SQLITE_BLOB ? sqlite3_value_blob(argv[0]) :
	    sqlite3_value_text(argv[0]);
	*hl = (size_t)sqlite3_value_bytes(argv[0]);
	*a = sqlite3_value_text(argv[1]);
	*al = (size_t)sqlite3_value_bytes(argv[1]);
	return *h != NULL && *a != NULL;
}

/* pf_holds(value, addr): 1 when value holds the address (lower case). */
static void
sql_holds(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *h, *a;
	size_t hl, al;

	(void)argc;
	sqlite3_result_int(ctx, forget_args(argv, &h, &hl, &a, &al) &&
	    forget_find(h, hl, a, al, 0) < hl);
}

/* pf_forget(value, addr): value with every occurrence replaced. */
static void
sql_forget(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *h, *a;
	struct strbuf sb;
	size_t hl, al, at, from = 0;

	(void)argc;
	if (!forget_args(argv, &h, &hl, &a, &al)) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	sb_init(&sb);
	sb_adds(&sb, "");
	while ((at = forget_find(h, hl, a, al, from)) < hl) {
		sb_add(&sb, (const char *)h + from, at - from);
		sb_adds(&sb, FORGET_MARK);
		from = at + al;
	}
	sb_add(&sb, (const char *)h + from, hl - from);
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB)
		sqlite3_result_blob64(ctx, sb.s, sb.len, free);
	else
		sqlite3_result_text64(ctx, sb.s, sb.len, free, SQLITE_UTF8);
}

static int
forget_functions(struct store *s, char *err, size_t errlen)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;

	if (s->forget_fns)
		return PF_OK;
	if (sqlite3_create_function_v2(s->db, "pf_holds", 2, flags, NULL,
	    sql_holds, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function_v2(s->db, "pf_forget", 2, flags, NULL,
	    sql_forget, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, errlen);
	s->forget_fns = 1;
	return PF_OK;
}

int
store_forget_blockers(struct store *s, const char *addr,
    struct forget_block **out, size_t *n, char *err, size_t errlen)
{
	static const char *const q = "SELECT r.tag, r.state FROM requests r "
	    "WHERE " OPEN_R " AND (pf_holds(r.sender, ?1) OR EXISTS (SELECT "
	    "1 FROM request_domains d WHERE d.request_rid = r.rid AND "
	    "pf_holds(d.contact, ?1)) OR EXISTS (SELECT 1 FROM confirmations "
	    "c WHERE c.request_rid = r.rid AND pf_holds(c.address, ?1)) OR "
	    "pf_holds((SELECT raw FROM inbound WHERE id = r.inbound_id), ?1)) "
	    "ORDER BY r.rid";
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = forget_functions(s, err, errlen)) != PF_OK)
		return rc;
	if ((st = store_stmt(s, q)) == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct forget_block *b;

		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		b = &(*out)[(*n)++];
		snprintf(b->tag, sizeof(b->tag), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		if (state_parse((const char *)sqlite3_column_text(st, 1),
		    &b->state) != PF_OK)
			b->state = ST_NONE;
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, err, errlen);
		sqlite3_reset(st);
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	sqlite3_reset(st);
	return PF_OK;
}

/* --- erasure -------------------------------------------------------- */

const char *
forget_kind_name(enum forget_kind k)
{
	switch (k) {
	case FK_REQUESTS:	return "requests";
	case FK_MAILS:		return "mails";
	case FK_NOTICES:	return "notices";
	case FK_EVENTS:		return "events";
	case FK_ALERTS:		return "alerts";
	case FK_OTHER:		return "other";
	default:		abort();
	}
}

static enum forget_kind
forget_kind_of(const char *table)
{
	if (strcmp(table, "requests") == 0 || strncmp(table, "request_",
	    8) == 0 || strcmp(table, "confirmations") == 0 ||
	    strncmp(table, "dns_", 4) == 0 || strcmp(table, "cooldowns") == 0)
		return FK_REQUESTS;
	if (strcmp(table, "inbound") == 0 || strncmp(table, "imap_", 5) == 0)
		return FK_MAILS;
	if (strncmp(table, "outbox", 6) == 0 || strcmp(table, "bounces") == 0)
		return FK_NOTICES;
	if (strcmp(table, "events") == 0)
		return FK_EVENTS;
	if (strcmp(table, "alert_digest") == 0)
		return FK_ALERTS;
	return FK_OTHER;
}

/* Runs one statement of the erasure (?1 the address, ?2 now, ?3 the
 * cause where it has one); *changed its rows, when asked. */
static int
forget_step(struct store *s, const char *q, const char *addr,
    const char *cause, int64_t *changed, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		store_bind_time(st, 2, clock_now());
	if (sqlite3_bind_parameter_count(st) >= 3)
		store_bind_str(st, 3, cause);
	if ((rc = store_run(s, st, err, errlen)) != PF_OK)
		return rc;
	if (changed)
		*changed = sqlite3_changes64(s->db);
	return PF_OK;
}

/* The finished requests that hold addr (their sender, a contact, an
 * address asked to confirm), an event on each, and what of theirs is
 * deleted whole: the raw mails and the notice bodies, the queued notices
 * cancelled (sent after this, they would spread the address again). */
static int
forget_wholes(struct store *s, const char *addr, const char *cause,
    struct forget_stats *fs, char *err, size_t errlen)
{
	static const char *const q_mark = "INSERT INTO forget_r (rid, id) "
	    "SELECT r.rid, r.id FROM requests r WHERE pf_holds(r.sender, ?1) "
	    "OR EXISTS (SELECT 1 FROM request_domains d WHERE d.request_rid = "
	    "r.rid AND pf_holds(d.contact, ?1)) OR EXISTS (SELECT 1 FROM "
	    "confirmations c WHERE c.request_rid = r.rid AND "
	    "pf_holds(c.address, ?1))";
	static const char *const q_events = "INSERT INTO events (request_rid, "
	    "at, from_state, to_state, cause) SELECT r.rid, ?2, r.state, "
	    "r.state, ?3 FROM forget_r f JOIN requests r ON r.rid = f.rid";
#define OUTBOX_HOLDS "(request_rid IN (SELECT rid FROM forget_r) OR " \
	"pf_holds(recipient, ?1) OR pf_holds(subject, ?1) OR " \
	"pf_holds(message, ?1))"
	static const char *const q_cancel = "UPDATE outbox SET state = "
	    "'suppressed', next_attempt_at = NULL, last_reply = ?3 WHERE "
	    "state = 'queued' AND " OUTBOX_HOLDS;
	static const char *const q_bodies = "UPDATE outbox SET message = X'', "
	    "pruned_at = ?2, prune_note = 'forgotten' WHERE length(message) > "
	    "0 AND " OUTBOX_HOLDS;
	static const char *const q_raws = "UPDATE inbound SET raw = X'', "
	    "pruned_at = ?2, raw_note = 'forgotten' WHERE length(raw) > 0 AND "
	    "(request_id IN (SELECT id FROM forget_r) OR pf_holds(sender, ?1) "
	    "OR pf_holds(subject, ?1) OR pf_holds(raw, ?1))";
	/* A Message-ID is a unique key: the mark could make two equal. */
	static const char *const q_msgid = "UPDATE inbound SET message_id = "
	    "NULL WHERE pf_holds(message_id, ?1)";
#undef OUTBOX_HOLDS
	int rc;

	if ((rc = store_run(s, store_stmt(s, "CREATE TEMP TABLE IF NOT EXISTS "
	    "forget_r (rid INTEGER PRIMARY KEY, id TEXT NOT NULL)"), err,
	    errlen)) != PF_OK ||
	    (rc = store_run(s, store_stmt(s, "DELETE FROM forget_r"), err,
	    errlen)) != PF_OK ||
	    (rc = forget_step(s, q_mark, addr, NULL, &fs->requests, err,
	    errlen)) != PF_OK ||
	    (rc = forget_step(s, q_events, addr, cause, NULL, err,
	    errlen)) != PF_OK ||
	    (rc = forget_step(s, q_cancel, addr, "not sent: an address it "
	    "holds was forgotten (picflow forget)", &fs->cancelled, err,
	    errlen)) != PF_OK ||
	    (rc = forget_step(s, q_bodies, addr, NULL, &fs->bodies_deleted,
	    err, errlen)) != PF_OK ||
	    (rc = forget_step(s, q_raws, addr, NULL, &fs->raw_deleted, err,
	    errlen)) != PF_OK)
		return rc;
	return forget_step(s, q_msgid, addr, NULL, NULL, err, errlen);
}

struct forget_col {
	char	*table;
	char	*column;
};

/* Every column of every table that can hold text: new tables and
 * columns are covered without being listed here. */
static int
forget_columns(struct store *s, struct forget_col **out, size_t *n,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT m.name, p.name FROM sqlite_schema "
	    "m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND "
	    "m.name NOT LIKE 'sqlite|_%' ESCAPE '|' AND (p.type = '' OR "
	    "upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CHAR%' OR "
	    "upper(p.type) LIKE '%CLOB%' OR upper(p.type) LIKE '%BLOB%') "
	    "ORDER BY m.name, p.cid";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].table = store_col_str(st, 0);
		(*out)[(*n)++].column = store_col_str(st, 1);
	}
	if (rc != SQLITE_DONE)
		rc = store_fail(s, err, errlen);
	else
		rc = PF_OK;
	sqlite3_reset(st);
	return rc;
}

/* An identifier of our own schema, quoted as SQL wants it. */
static void
sb_ident(struct strbuf *sb, const char *id)
{
	sb_addc(sb, '"');
	for (; *id; id++) {
		if (*id == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *id);
	}
	sb_addc(sb, '"');
}

static int
forget_exec(struct store *s, const char *verb, const struct forget_col *c,
    const char *addr, int64_t *changed, char *err, size_t errlen)
{
	struct strbuf sb;
	sqlite3_stmt *st = NULL;
	int rc = PF_OK;

	sb_init(&sb);
	sb_adds(&sb, verb);
	sb_ident(&sb, c->table);
	if (strncmp(verb, "UPDATE", 6) == 0) {
		sb_adds(&sb, " SET ");
		sb_ident(&sb, c->column);
		sb_adds(&sb, " = pf_forget(");
		sb_ident(&sb, c->column);
		sb_adds(&sb, ", ?1)");
	}
	sb_adds(&sb, " WHERE pf_holds(");
	sb_ident(&sb, c->column);
	sb_adds(&sb, ", ?1)");
	if (sqlite3_prepare_v2(s->db, sb.s, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, err, errlen);
		goto done;
	}
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, err, errlen);
		goto done;
	}
	*changed += sqlite3_changes64(s->db);
done:
	sqlite3_finalize(st);
	sb_free(&sb);
	return rc;
}

/* The address replaced by the mark wherever else it is. A row the mark
 * would make collide with another (a unique key: two confirmations of
 * one request, both forgotten) is deleted instead. */
static int
forget_texts(struct store *s, const char *addr, struct forget_stats *fs,
    char *err, size_t errlen)
{
	struct forget_col *cols;
	size_t n;
	int rc;

	if ((rc = forget_columns(s, &cols, &n, err, errlen)) != PF_OK)
		return rc;
	for (size_t i = 0; i < n && rc == PF_OK; i++) {
		int64_t *k = &fs->rows[forget_kind_of(cols[i].table)];

		rc = forget_exec(s, "UPDATE OR IGNORE main.", &cols[i], addr, k,
		    err, errlen);
		if (rc == PF_OK)
			rc = forget_exec(s, "DELETE FROM main.", &cols[i],
			    addr, k, err, errlen);
	}
	for (size_t i = 0; i < n; i++) {
		free(cols[i].table);
		free(cols[i].column);
	}
	free(cols);
	return rc;
}

int
store_forget(struct store *s, const char *addr, const char *cause,
    struct forget_stats *fs, char *err, size_t errlen)
{
	int rc;

	memset(fs, 0, sizeof(*fs));
	if ((rc = forget_functions(s, err, errlen)) != PF_OK ||
	    (rc = forget_wholes(s, addr, cause, fs, err, errlen)) != PF_OK)
		return rc;
	return forget_texts(s, addr, fs, err, errlen);
}

int
store_compact(struct store *s, char *err, size_t errlen)
{
	int rc;

	/* VACUUM builds the new file in a temporary database: on disk,
	 * not in memory (temp_store = MEMORY), whatever the size. */
	if (sqlite3_exec(s->db, "PRAGMA temp_store = FILE; VACUUM", NULL, NULL,
	    NULL) != SQLITE_OK) {
		rc = store_fail(s, err, errlen);
		(void)sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL,
		    NULL, NULL);
		return rc;
	}
	(void)sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL,
	    NULL);
	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, errlen);
	return PF_OK;
}

/* --- what is kept ---------------------------------------------------- */

void
kept_info_free(struct kept_info *k)
{
	free(k->note);
	memset(k, 0, sizeof(*k));
}

static int
kept_row(struct store *s, const char *q, int64_t id, struct kept_info *k,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	memset(k, 0, sizeof(*k));
	if (st == NULL)
		return store_fail(s, err, errlen);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k->size = sqlite3_column_int64(st, 0);
		k->kept = sqlite3_column_int64(st, 1);
		k->note = store_col_str(st, 2);
		k->pruned_at = store_col_time(st, 3);
		rc = STORE_FOUND;
	} else if (rc == SQLITE_DONE)
		rc = PF_OK;
	else
		rc = store_fail(s, err, errlen);
	sqlite3_reset(st);
	return rc;
}

int
store_inbound_kept(struct store *s, int64_t inbound_id, struct kept_info *k,
    char *err, size_t errlen)
{
	static const char *const q = "SELECT size, length(raw), "
	    "coalesce(raw_note, CASE WHEN outcome = 'too-big' THEN 'too-big' "
	    "END), pruned_at FROM inbound WHERE id = ?";

	return kept_row(s, q, inbound_id, k, err, errlen);
}

int
store_outbox_kept(struct store *s, int64_t outbox_id, struct kept_info *k,
    char *err, size_t errlen)
{
	/* A notice's size is not stored apart from it: once deleted, 0. */
	static const char *const q = "SELECT length(message), "
	    "length(message), prune_note, pruned_at FROM outbox WHERE id = ?";

	return kept_row(s, q, outbox_id, k, err, errlen);
}
