/* test_store.c - what store_open() sets up: the connection settings and
 * the schema of a new database, and the rules its CHECK constraints
 * keep. */
#include "testutil.h"
#include "schema.h"
#include "store.h"
#include "store_int.h"
#include "store_confirm.h"
#include "util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long
sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
sql_ok(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void
test_new_database(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/new.db", dir);
	char err[PF_ERRLEN];
	struct store *s;

	(void)state;
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
	assert_int_equal(sql_int(s->db, "PRAGMA wal_autocheckpoint"), 4000);
	assert_int_equal(sql_int(s->db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(sql_int(s->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(sql_int(s->db, "PRAGMA user_version"),
	    (long)schema_n_migrations);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE sql LIKE '%CHECK (state IN%'"), 0);
	store_close(s);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* The CHECK rules, written as comparisons (see schema/001_init.sql),
 * refuse what they refused as IN lists; the indexes nobody reads are not
 * created; opening the database again changes nothing. */
static void
test_checks(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/checks.db", dir);
	char err[PF_ERRLEN];
	struct store *s;

	(void)state;
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_true(sql_ok(s->db,
	    "INSERT INTO inbound (id, received_at, content_hash, source, size, "
	    "raw, outcome) VALUES (1, 't', 'h', 'imap', 3, 'raw', 'request'); "
	    "INSERT INTO requests (rid, id, tag, state, action, language, "
	    "sender, inbound_id, created_at, updated_at) VALUES (1, 'r1', 'r1', "
	    "'pending', 'provision', 'en', 'a@b.example', 1, 't', 't'); "
	    "INSERT INTO outbox (id, request_rid, template, recipient, subject, "
	    "message_id, message, state, created_at) VALUES (1, 1, "
	    "'confirmation', 'a@b.example', 's', 'm', 'text', 'queued', 't'); "
	    "INSERT INTO outbox_events (outbox_id, at, event, attempt) "
	    "VALUES (1, 't', 'deferred', 1)"));
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE sql LIKE '%state IN (%' OR sql LIKE '%outcome IN (%' OR "
	    "sql LIKE '%template IN (%' OR sql LIKE '%event IN (%'"), 0);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name IN ('outbox_request', 'request_domains_contact')"), 0);
	assert_false(sql_ok(s->db, "UPDATE requests SET state = 'lost'"));
	assert_false(sql_ok(s->db, "UPDATE requests SET state = NULL"));
	assert_false(sql_ok(s->db, "UPDATE outbox SET template = 'x'"));
	assert_false(sql_ok(s->db, "UPDATE outbox SET state = 'gone'"));
	assert_false(sql_ok(s->db, "UPDATE inbound SET outcome = 'x'"));
	assert_false(sql_ok(s->db, "UPDATE inbound SET source = 'x'"));
	assert_false(sql_ok(s->db, "UPDATE outbox_events SET event = 'x'"));
	assert_false(sql_ok(s->db, "UPDATE requests SET action = 'x'"));
	/* any language the templates have (009_languages), as a tag */
	assert_false(sql_ok(s->db, "UPDATE requests SET language = 'DE'"));
	assert_false(sql_ok(s->db, "UPDATE requests SET language = 'x'"));
	assert_true(sql_ok(s->db, "UPDATE requests SET state = "
	    "'provisioned'"));
	assert_true(sql_ok(s->db, "UPDATE requests SET state = 'superseded'"));
	assert_true(sql_ok(s->db, "UPDATE outbox SET state = 'sent', "
	    "template = 'alert'"));
	assert_true(sql_ok(s->db, "UPDATE outbox SET state = 'suppressed', "
	    "template = 'delay'"));
	assert_true(sql_ok(s->db, "UPDATE inbound SET outcome = 'too-big'"));
	assert_true(sql_ok(s->db, "UPDATE outbox_events SET event = "
	    "'failed'"));
	assert_int_equal(sql_int(s->db, "SELECT integrity_check = 'ok' FROM "
	    "pragma_integrity_check"), 1);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM "
	    "pragma_foreign_key_check"), 0);
	store_close(s);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "PRAGMA user_version"),
	    (long)schema_n_migrations);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM outbox"), 1);
	store_close(s);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* The count each operator alert makes (notice.c's hourly limit) reads the
 * few sent alerts of its kind, not every held one: a flood of 10,000
 * alerts read 50 million rows (bench/run section 3). The real query, run
 * by store_alert_sent_since over 1,000 held alerts and 2 sent: the right
 * count, in far fewer steps of SQLite's machine than rows it would scan. */
static void
test_alert_count_indexed(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/alerts.db", dir);
	char err[PF_ERRLEN];
	struct store *s;
	sqlite3_stmt *st = NULL;
	int count = -1;

	(void)state;
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_int_equal(store_begin(s, err, sizeof(err)), PF_OK);
	for (int i = 0; i < 1002; i++)
		assert_int_equal(store_alert_add(s, "overdue", 1000 + i, 0, "t",
		    i < 2 ? 1000 + i : 0, err, sizeof(err)), PF_OK);
	assert_int_equal(store_commit(s, err, sizeof(err)), PF_OK);
	assert_int_equal(store_alert_sent_since(s, "overdue", 1, &count, err,
	    sizeof(err)), PF_OK);
	assert_int_equal(count, 2);
	for (size_t i = 0; i < s->n_cache; i++)
		if (strstr(s->cache[i].sql, "FROM alert_digest WHERE kind = ? "
		    "AND sent_at >= ?") != NULL)
			st = s->cache[i].st;
	assert_non_null(st);
	assert_int_equal(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP,
	    0), 0);
	assert_true(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0) <
	    200);
	store_close(s);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* The size of the main database file: what checkpoints copied back into
 * it, the WAL aside. */
static long
db_file_bytes(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	fclose(f);
	return n;
}

/* Commits with the checkpointer running: their pages reach the database
 * file while the writer goes on (its own auto-checkpoint, deferred to
 * 64 MB, would not have run); after the stop, every row is there and the
 * writer checkpoints as before. */
static void
test_checkpointer(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/ckpt.db", dir);
	char err[PF_ERRLEN];
	struct store_ckpt *ck;
	struct store *s;
	long before;
	int i;

	(void)state;
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_true(sql_ok(s->db, "CREATE TABLE t (x BLOB)"));
	assert_int_equal(store_checkpoint(s, err, sizeof(err)), PF_OK);
	before = db_file_bytes(path);
	store_defer_checkpoints(s);
	assert_int_equal(store_ckpt_start(s, 50, &ck, err, sizeof(err)),
	    PF_OK);
	/* 40 commits of 16 pages: past the limit of 50 pages many times. */
	for (i = 0; i < 40; i++) {
		assert_true(sql_ok(s->db, "BEGIN IMMEDIATE"));
		assert_true(sql_ok(s->db, "INSERT INTO t VALUES "
		    "(randomblob(65536))"));
		assert_true(sql_ok(s->db, "COMMIT"));
	}
	/* The thread was woken; it copies at least the first 50 pages. The
	 * wait is its scheduling only: 10 s is a bound, not a figure. */
	for (i = 0; i < 1000 && db_file_bytes(path) < before + 50 * 4096; i++)
		usleep(10000);
	assert_true(db_file_bytes(path) >= before + 50 * 4096);
	assert_int_equal(store_ckpt_stop(ck, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "PRAGMA wal_autocheckpoint"), 16384);
	assert_int_equal(store_checkpoint(s, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "PRAGMA wal_autocheckpoint"), 4000);
	store_close(s);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM t"), 40);
	store_close(s);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_database),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_checkpointer),
		cmocka_unit_test(test_alert_count_indexed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
