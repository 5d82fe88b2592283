/* store_backup.c - a consistent copy of the database (SQLite's online
 * backup API).
 *
 * The copy is made in one step (sqlite3_backup_step(-1)): one read
 * transaction on the source, so it is a single snapshot. In WAL mode a
 * reader blocks no writer, so run and watch go on committing while it
 * copies; their commits after the snapshot are simply not in the copy. */
#include "store_backup.h"
#include "store_int.h"

#include <stdio.h>
#include <string.h>

/* The source is only busy while another connection recovers its WAL. */
#define BACKUP_BUSY_TRIES	200
#define BACKUP_BUSY_MS		50

static int
backup_dest_fail(sqlite3 *d, const char *dest, char *err, size_t errlen)
{
	err_set(err, errlen, "backup %s: %s", dest, sqlite3_errmsg(d));
	return store_code_class(sqlite3_errcode(d));
}

static int
backup_copy(struct store *s, sqlite3 *d, const char *dest,
    struct backup_stats *st, char *err, size_t errlen)
{
	sqlite3_backup *b;
	int rc, tries = 0;

	if ((b = sqlite3_backup_init(d, "main", s->db, "main")) == NULL)
		return backup_dest_fail(d, dest, err, errlen);
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		if (++tries == BACKUP_BUSY_TRIES)
			break;
		sqlite3_sleep(BACKUP_BUSY_MS);
	}
	st->pages = sqlite3_backup_pagecount(b);
	(void)sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			err_set(err, errlen, "backup: database %s stayed busy",
			    s->path);
			return STORE_BUSY;
		}
		return backup_dest_fail(d, dest, err, errlen);
	}
	return PF_OK;
}

/* The copy's header still says WAL (it is the source's page 1): a
 * rollback journal makes it one file that can be copied into place as
 * it is. quick_check reads every page back. */
static int
backup_finish_copy(sqlite3 *d, const char *dest, struct backup_stats *st,
    char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	const char *res;
	int rc = PF_ERR;

	if (sqlite3_exec(d, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d, "PRAGMA quick_check", -1, &q, NULL) !=
	    SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
		rc = backup_dest_fail(d, dest, err, errlen);
		goto done;
	}
	res = (const char *)sqlite3_column_text(q, 0);
	if (res == NULL || strcmp(res, "ok") != 0) {
		err_set(err, errlen, "backup %s: the copy fails its check: %s",
		    dest, res ? res : "no answer");
		goto done;
	}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(d, "PRAGMA page_size", -1, &q, NULL) !=
	    SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
		rc = backup_dest_fail(d, dest, err, errlen);
		goto done;
	}
	st->bytes = st->pages * sqlite3_column_int64(q, 0);
	rc = PF_OK;
done:
	sqlite3_finalize(q);
	return rc;
}

int
store_backup(struct store *s, const char *dest, struct backup_stats *st,
    char *err, size_t errlen)
{
	sqlite3 *d = NULL;
	int rc;

	memset(st, 0, sizeof(*st));
	if (sqlite3_open_v2(dest, &d, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = d ? backup_dest_fail(d, dest, err, errlen) : PF_ERR;
		if (d == NULL)
			err_set(err, errlen, "backup %s: cannot open", dest);
		goto done;
	}
	/* The temporary copy needs no journal of its own: a failure
	 * discards the whole file. The caller fsyncs it once at the end. */
	if (sqlite3_exec(d, "PRAGMA journal_mode = OFF; "
	    "PRAGMA synchronous = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		rc = backup_dest_fail(d, dest, err, errlen);
		goto done;
	}
	if ((rc = backup_copy(s, d, dest, st, err, errlen)) == PF_OK)
		rc = backup_finish_copy(d, dest, st, err, errlen);
done:
	if (d != NULL && sqlite3_close(d) != SQLITE_OK && rc == PF_OK) {
		err_set(err, errlen, "backup %s: cannot close", dest);
		rc = STORE_IO;
	}
	return rc;
}
