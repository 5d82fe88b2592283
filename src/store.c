/* store.c - opening, migrating and transactions of the SQLite database.
 *
 * The database is the queue and the truth: every stage reads its work
 * from here and writes the result back in one transaction, so a crash
 * anywhere leaves a state the next run simply continues from. WAL with
 * synchronous=FULL makes a commit durable before picflow touches the
 * mailbox or reports a notice as done. */
#include "store.h"
#include "store_int.h"
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_TIMEOUT_MS	10000
/* 4 MB of page cache. With 2 MB a backlog's transaction of 1,000 mails
 * spilled dirty pages into the WAL and read them back (the random keys
 * of eight indexes dirty most of their leaves in every transaction):
 * bench/RESULTS.md, issue 14's seventh round. It became affordable when
 * libxml2 and ldns stopped being loaded into every process (lazylib.h):
 * a 10,000-mail poll peaks at 20.6 MB with it, 18.7 with 2 MB, against
 * a bound of twice mbsync's 12 (bench/run section 4); 6 MB (23.0 MB)
 * was no faster beyond the noise. */
#define CACHE_KB	"4096"
/* Checkpoint the WAL into the database every 4000 pages (16 MB), not
 * every 1000: an index page changed by every batch is then copied back
 * once per several batches, and there are fewer fsyncs. */
#define CHECKPOINT_PAGES "4000"
#define CHECKPOINT_PAGES_N 4000

/* SQLite says "disk I/O error" for a full disk; the system's errno says
 * which, and that is what an operator reading cron mail needs. */
static void
store_describe(struct store *s, char *err, size_t errlen)
{
	int e = sqlite3_system_errno(s->db);

	if (e != 0 && (sqlite3_errcode(s->db) == SQLITE_IOERR ||
	    sqlite3_errcode(s->db) == SQLITE_FULL ||
	    sqlite3_errcode(s->db) == SQLITE_CANTOPEN))
		err_set(err, errlen, "database %s: %s (%s)", s->path,
		    sqlite3_errmsg(s->db), strerror(e));
	else
		err_set(err, errlen, "database %s: %s", s->path,
		    sqlite3_errmsg(s->db));
}

static int
store_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_describe(s, err, errlen);
		return store_errclass(s);
	}
	return PF_OK;
}

int
store_errclass(struct store *s)
{
	return store_code_class(sqlite3_errcode(s->db));
}

int
store_code_class(int code)
{
	switch (code) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		return STORE_IO;
	default:
		return PF_ERR;
	}
}

static int
store_user_version(struct store *s, int *v, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, "PRAGMA user_version");

	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	*v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return PF_OK;
}

/* The migrations still to run and the user_version bump commit together,
 * in one transaction: a crash mid-migration leaves the previous version
 * intact, and a new database costs one commit, not one per migration (a
 * dozen fsyncs before the first mail of a first poll). */
static int
store_migrate(struct store *s, char *err, size_t errlen)
{
	char pragma[64];
	int v = 0, seen = 0, rc;

	if ((rc = store_user_version(s, &v, err, errlen)) != PF_OK)
		return rc;
	if (v > (int)schema_n_migrations) {
		err_set(err, errlen, "database %s has schema version %d, newer "
		    "than this picflow knows (%zu): upgrade picflow", s->path,
		    v, schema_n_migrations);
		return PF_ERR;
	}
	if ((size_t)v == schema_n_migrations)
		return PF_OK;
	/* Read again under the write lock: another process opening the
	 * same new database may have migrated it meanwhile. */
	if ((rc = store_begin(s, err, errlen)) != PF_OK)
		return rc;
	if ((rc = store_user_version(s, &seen, err, errlen)) != PF_OK ||
	    seen != v) {
		store_rollback(s);
		return rc != PF_OK ? rc : store_migrate(s, err, errlen);
	}
	for (size_t i = (size_t)v; i < schema_n_migrations; i++)
		if ((rc = store_exec(s, schema_migrations[i].sql, err,
		    errlen)) != PF_OK) {
			store_rollback(s);
			return rc;
		}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %zu",
	    schema_n_migrations);
	if ((rc = store_exec(s, pragma, err, errlen)) != PF_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err, errlen);
}

int
store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	static int configured;
	struct store *s = xcalloc(1, sizeof(*s));
	int rc;

	/* SQLite keeps statistics of its memory under a mutex for every
	 * allocation, and picflow reads none: seven percent of the CPU time
	 * of taking a mail in; and its small blocks are kept for reuse
	 * (store_mem.c). Settable only before SQLite's first use in the
	 * process; later, this is just slower. */
	if (!configured) {
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		store_mem_install();
		configured = 1;
	}
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(err, errlen, "database %s: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "cannot open");
		rc = STORE_IO;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if ((rc = store_exec(s, "PRAGMA journal_mode = WAL", err,
	    errlen)) != PF_OK ||
	    (rc = store_exec(s, "PRAGMA synchronous = FULL; "
	    "PRAGMA foreign_keys = ON; "
	    /* A deleted raw mail or notice body (retention, forget) is
	     * overwritten, not left in a free page: deleted means gone. No
	     * stage deletes much else, so this costs nothing measurable. */
	    "PRAGMA secure_delete = ON; "
	    /* Sub-journals in memory: each mail of a poll batch runs under
	     * a savepoint, whose sub-journal keeps the original of every
	     * page the mail changes; beyond 64 KB SQLite moves it to a
	     * temporary file, and that was most of the write calls of a
	     * poll. It is a rollback aid only: the durability of a commit
	     * is the WAL's, unchanged. */
	    "PRAGMA temp_store = MEMORY; "
	    "PRAGMA cache_size = -" CACHE_KB "; "
	    "PRAGMA wal_autocheckpoint = " CHECKPOINT_PAGES, err,
	    errlen)) != PF_OK ||
	    (rc = store_migrate(s, err, errlen)) != PF_OK)
		goto fail;
	*out = s;
	return PF_OK;
fail:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_cache; i++)
		sqlite3_finalize(s->cache[i].st);
	if (s->db)
		sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/* A burst of commits (tick) writes mostly pages no commit before it
 * wrote, so checkpointing every CHECKPOINT_PAGES copies about as many
 * pages as one checkpoint at the end, with an fsync of the database file
 * for each. Deferring changes no durability: each commit is durable in
 * the WAL (synchronous = FULL), and a crash leaves the WAL to the next
 * connection, which checkpoints it. */
void
store_defer_checkpoints(struct store *s)
{
	sqlite3_wal_autocheckpoint(s->db, STORE_DEFERRED_CKPT_PAGES);
}

int
store_checkpoint(struct store *s, char *err, size_t errlen)
{
	sqlite3_wal_autocheckpoint(s->db, CHECKPOINT_PAGES_N);
	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK) {
		store_describe(s, err, errlen);
		return store_errclass(s);
	}
	return PF_OK;
}

int
store_begin(struct store *s, char *err, size_t errlen)
{
	/* IMMEDIATE: take the write lock now, so a concurrent writer makes
	 * us wait (busy timeout) here rather than fail mid-transaction. */
	return store_exec(s, "BEGIN IMMEDIATE", err, errlen);
}

int
store_commit(struct store *s, char *err, size_t errlen)
{
	int rc = store_exec(s, "COMMIT", err, errlen);

	if (rc != PF_OK)
		store_rollback(s);
	return rc;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *
store_stmt(struct store *s, const char *sql)
{
	sqlite3_stmt *st;

	for (size_t i = 0; i < s->n_cache; i++)
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (s->n_cache == STORE_CACHE_MAX) {
		/* Every statement is a literal of store*.c: more than the
		 * cache holds is a programming error, not a runtime one. */
		fputs("picflow: statement cache full\n", stderr);
		abort();
	}
	s->cache[s->n_cache].sql = sql;
	s->cache[s->n_cache].st = st;
	s->n_cache++;
	return st;
}

int
store_run(struct store *s, sqlite3_stmt *st, char *err, size_t errlen)
{
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, err, errlen);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return PF_OK;
}

int
store_fail(struct store *s, char *err, size_t errlen)
{
	store_describe(s, err, errlen);
	return store_errclass(s);
}

void
store_bind_time(sqlite3_stmt *st, int idx, time_t t)
{
	char buf[CLOCK_ISO_LEN];

	if (t == 0) {
		sqlite3_bind_null(st, idx);
		return;
	}
	clock_iso(t, buf);
	sqlite3_bind_text(st, idx, buf, -1, SQLITE_TRANSIENT);
}

time_t
store_col_time(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	time_t t;

	if (s == NULL || clock_parse(s, &t) != PF_OK)
		return 0;
	return t;
}

char *
store_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? xstrdup((const char *)s) : NULL;
}

void
store_bind_str(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

/* Prepared once, not parsed again for every mail of a batch. */
int
store_savepoint(struct store *s, char *err, size_t errlen)
{
	return store_run(s, store_stmt(s, "SAVEPOINT mail"), err, errlen);
}

int
store_release(struct store *s, char *err, size_t errlen)
{
	return store_run(s, store_stmt(s, "RELEASE mail"), err, errlen);
}

void
store_rollback_to(struct store *s)
{
	sqlite3_exec(s->db, "ROLLBACK TO mail; RELEASE mail", NULL, NULL,
	    NULL);
}
