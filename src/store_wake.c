/* store_wake.c - when the next thing falls due, so that `watch` sleeps
 * until then instead of looking every few seconds. */
#include "store.h"
#include "store_int.h"

int
store_next_due(struct store *s, time_t *when, char *err, size_t errlen)
{
	/* Both through their partial indexes: one index seek each. */
	static const char *const q = "SELECT min(t) FROM ("
	    "SELECT min(due_at) AS t FROM timers WHERE fired_at IS NULL "
	    "UNION ALL SELECT min(next_attempt_at) FROM outbox "
	    "WHERE state = 'queued')";
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	*when = 0;
	if (st == NULL)
		return store_fail(s, err, errlen);
	if (sqlite3_step(st) == SQLITE_ROW) {	/* an aggregate: one row */
		*when = store_col_time(st, 0);
		sqlite3_reset(st);
		return PF_OK;
	}
	rc = store_fail(s, err, errlen);
	sqlite3_reset(st);
	return rc;
}
