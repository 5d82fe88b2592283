/* test_store.c - what store_open() sets up: the connection settings of a
 * new database, and the migration of a database created by an earlier
 * picflow (004 rewrites CHECK constraints in place: same rules, same
 * data, cheaper to evaluate; 005 drops two unused indexes). */
#include "testutil.h"
#include "schema.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A database as picflow 003 left it, with rows in every table 004 edits. */
static void
make_v3(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_true(sql_ok(db, "PRAGMA page_size = 4096; "
	    "PRAGMA journal_mode = WAL"));
	for (size_t i = 0; i < 3; i++)
		assert_true(sql_ok(db, schema_migrations[i].sql));
	assert_true(sql_ok(db, "PRAGMA user_version = 3; "
	    "INSERT INTO inbound (id, received_at, content_hash, source, size, "
	    "raw, outcome) VALUES (1, 't', 'h', 'imap', 3, 'raw', 'request'); "
	    "INSERT INTO requests (id, tag, state, action, language, sender, "
	    "inbound_id, created_at, updated_at) VALUES ('r1', 'r1', "
	    "'pending', 'provision', 'en', 'a@b.example', 1, 't', 't'); "
	    "INSERT INTO outbox (id, request_id, template, recipient, subject, "
	    "message_id, message, state, created_at) VALUES (1, 'r1', "
	    "'confirmation', 'a@b.example', 's', 'm', 'text', 'queued', 't'); "
	    "INSERT INTO outbox_events (outbox_id, at, event, attempt) "
	    "VALUES (1, 't', 'deferred', 1)"));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void
test_migrate_checks(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/v3.db", dir);
	char err[PF_ERRLEN];
	struct store *s;
	sqlite3 *other;

	(void)state;
	make_v3(path);
	/* Another connection, open across the migration, keeps applying
	 * the same rules. */
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sql_int(other, "SELECT count(*) FROM outbox"), 1);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "PRAGMA user_version"),
	    (long)schema_n_migrations);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE sql LIKE '%state IN (%' OR sql LIKE '%outcome IN (%' OR "
	    "sql LIKE '%template IN (%' OR sql LIKE '%event IN (%'"), 0);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE sql LIKE '%state = ''superseded''%'"), 1);
	assert_int_equal(sql_int(s->db, "PRAGMA page_size"), 4096);
	/* 005: indexes no statement uses are gone. */
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name IN ('outbox_request', 'request_domains_contact')"), 0);
	/* The data is untouched and still checks out. */
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM requests r "
	    "JOIN inbound i ON i.id = r.inbound_id JOIN outbox o ON "
	    "o.request_id = r.id JOIN outbox_events e ON e.outbox_id = o.id"),
	    1);
	assert_true(sql_ok(s->db, "PRAGMA integrity_check"));
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM "
	    "pragma_foreign_key_check"), 0);
	/* The same rules, for this connection and for the other one. */
	for (int k = 0; k < 2; k++) {
		sqlite3 *db = k == 0 ? s->db : other;

		assert_false(sql_ok(db, "UPDATE requests SET state = 'lost'"));
		assert_false(sql_ok(db, "UPDATE outbox SET template = 'x'"));
		assert_false(sql_ok(db, "UPDATE outbox SET state = 'gone'"));
		assert_false(sql_ok(db, "UPDATE inbound SET outcome = 'x'"));
		assert_false(sql_ok(db, "UPDATE outbox_events SET event = 'x'"));
		assert_false(sql_ok(db, "UPDATE requests SET action = 'x'"));
		assert_true(sql_ok(db, "UPDATE requests SET state = "
		    "'provisioned'"));
		assert_true(sql_ok(db, "UPDATE outbox SET state = 'sent', "
		    "template = 'alert'"));
		assert_true(sql_ok(db, "UPDATE inbound SET outcome = 'too-big'"));
		assert_true(sql_ok(db, "UPDATE outbox_events SET event = "
		    "'failed'"));
	}
	sqlite3_close(other);
	store_close(s);
	/* And opening it again changes nothing. */
	assert_int_equal(store_open(path, &s, err, sizeof(err)), PF_OK);
	assert_int_equal(sql_int(s->db, "SELECT count(*) FROM outbox"), 1);
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
		cmocka_unit_test(test_migrate_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
