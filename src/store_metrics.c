/* store_metrics.c - the counts of picflow metrics. Each is read through
 * an index (012_ops.sql): an inbound row holds a raw mail, and reading
 * the table to count it would read every mail. */
#include "store_metrics.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

const char *
metric_stage_name(enum metric_stage st)
{
	switch (st) {
	case MS_POLL:	return "poll";
	case MS_TICK:	return "tick";
	case MS_SEND:	return "send";
	default:	abort();
	}
}

static int
metrics_counts(struct store *s, const char *q, struct metric_count **out,
    size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, q);
	int rc;

	if (st == NULL)
		return store_fail(s, err, errlen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].label = store_col_str(st, 0);
		if ((*out)[*n].label == NULL)
			(*out)[*n].label = xstrdup("");
		(*out)[(*n)++].n = sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
	sqlite3_reset(st);
	return rc;
}

static int
metrics_requests(struct store *s, struct store_metrics *m, char *err,
    size_t errlen)
{
	static const char *const q = "SELECT state, count(*) FROM requests "
	    "GROUP BY state";
	struct metric_count *v = NULL;
	size_t n = 0;
	enum req_state st;
	int rc;

	rc = metrics_counts(s, q, &v, &n, err, errlen);
	for (size_t i = 0; i < n; i++) {
		if (rc == PF_OK && state_parse(v[i].label, &st) == PF_OK)
			m->requests[st] = v[i].n;
		free(v[i].label);
	}
	free(v);
	return rc;
}

static int
metrics_times(struct store *s, struct store_metrics *m, char *err,
    size_t errlen)
{
	static const char *const q_old = "SELECT min(created_at) FROM requests "
	    "WHERE state = 'pending'";
	static const char *const q_stage = "SELECT stage, at FROM "
	    "stage_success";
	sqlite3_stmt *st = store_stmt(s, q_old);
	int rc;

	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen);
	m->oldest_pending = store_col_time(st, 0);
	sqlite3_reset(st);
	if ((st = store_stmt(s, q_stage)) == NULL)
		return store_fail(s, err, errlen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		for (int i = 0; i < MS__N; i++)
			if (name && strcmp(name, metric_stage_name(
			    (enum metric_stage)i)) == 0)
				m->last_success[i] = store_col_time(st, 1);
	}
	rc = rc == SQLITE_DONE ? PF_OK : store_fail(s, err, errlen);
	sqlite3_reset(st);
	return rc;
}

int
store_metrics_read(struct store *s, struct store_metrics *m, char *err,
    size_t errlen)
{
	static const char *const q_outbox = "SELECT state, count(*) FROM "
	    "outbox GROUP BY state ORDER BY state";
	static const char *const q_mails = "SELECT outcome, count(*) FROM "
	    "inbound GROUP BY outcome ORDER BY outcome";
	int rc;

	memset(m, 0, sizeof(*m));
	/* One read transaction: the counts are of one moment. */
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, errlen);
	if ((rc = metrics_requests(s, m, err, errlen)) == PF_OK &&
	    (rc = metrics_counts(s, q_outbox, &m->outbox, &m->n_outbox, err,
	    errlen)) == PF_OK &&
	    (rc = metrics_counts(s, q_mails, &m->mails, &m->n_mails, err,
	    errlen)) == PF_OK)
		rc = metrics_times(s, m, err, errlen);
	store_rollback(s);
	return rc;
}

void
store_metrics_free(struct store_metrics *m)
{
	for (size_t i = 0; i < m->n_outbox; i++)
		free(m->outbox[i].label);
	for (size_t i = 0; i < m->n_mails; i++)
		free(m->mails[i].label);
	free(m->outbox);
	free(m->mails);
	memset(m, 0, sizeof(*m));
}

int
store_stage_success(struct store *s, unsigned mask, time_t at, char *err,
    size_t errlen)
{
	static const char *const q = "INSERT INTO stage_success (stage, at) "
	    "VALUES (?, ?) ON CONFLICT (stage) DO UPDATE SET at = excluded.at";
	sqlite3_stmt *st;
	int rc;

	if (mask == 0)
		return PF_OK;
	if ((rc = store_begin(s, err, errlen)) != PF_OK)
		return rc;
	for (int i = 0; i < MS__N && rc == PF_OK; i++) {
		if (!(mask & (1u << i)))
			continue;
		if ((st = store_stmt(s, q)) == NULL) {
			rc = store_fail(s, err, errlen);
			break;
		}
		sqlite3_bind_text(st, 1, metric_stage_name((enum metric_stage)i),
		    -1, SQLITE_STATIC);
		store_bind_time(st, 2, at);
		rc = store_run(s, st, err, errlen);
	}
	if (rc != PF_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err, errlen);
}
