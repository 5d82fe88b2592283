/* store_ckpt.c - the WAL checkpointed by a thread of its own while a
 * backlog is written.
 *
 * A checkpoint copies the pages of the WAL back into the database file
 * and fsyncs it. Run by SQLite's auto-checkpoint, it runs inside the
 * COMMIT that crossed the limit, and the committing thread (the poll's
 * recorder, which is what a backlog waits for) copies and waits for the
 * disk: a poll of 10,000 mails writes about 80 MB of WAL, one deferred
 * checkpoint in the middle and the last one at the end. Here a second
 * connection, in a thread that only does this, checkpoints each time the
 * WAL has grown by its limit, and the writer goes on meanwhile (a
 * PASSIVE checkpoint takes no lock a writer waits for); the last one is
 * then small. Durability is unchanged: a commit is durable in the WAL
 * (synchronous = FULL) whoever copies it back later, and a checkpoint
 * cut short by a crash is redone from the WAL by the next connection. */
#include "store.h"
#include "store_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct store_ckpt {
	struct store	*s;		/* the writer's, for its hook */
	sqlite3		*db;		/* the thread's own connection */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 limit;		/* pages of WAL per checkpoint */
	int		 pages;		/* in the WAL at the last commit */
	int		 done;		/* pages at the last checkpoint */
	int		 stop;
	int		 rc;		/* the first failure, PF_OK */
	char		 err[PF_ERRLEN];
};

/* SQLite calls this after each commit of the writer's connection, with
 * the WAL's size in pages: the writer only says how far it got. */
static int
ckpt_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store_ckpt *c = arg;

	(void)db;
	(void)name;
	pthread_mutex_lock(&c->mu);
	c->pages = pages;
	if (pages < c->done)		/* the WAL started over */
		c->done = 0;
	if (pages - c->done >= c->limit)
		pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

static void *
ckpt_run(void *arg)
{
	struct store_ckpt *c = arg;
	int e;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stop && c->pages - c->done < c->limit)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->done = c->pages;
		pthread_mutex_unlock(&c->mu);
		/* BUSY only says another checkpoint ran: the next one
		 * copies what this one did not. */
		e = sqlite3_wal_checkpoint_v2(c->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
		if (e != SQLITE_OK && e != SQLITE_BUSY && c->rc == PF_OK) {
			err_set(c->err, sizeof(c->err), "database "
			    "checkpoint: %s", sqlite3_errmsg(c->db));
			c->rc = store_code_class(e);
		}
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static void
ckpt_free(struct store_ckpt *c)
{
	if (c->db)
		sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

int
store_ckpt_start(struct store *s, int pages, struct store_ckpt **out,
    char *err, size_t errlen)
{
	struct store_ckpt *c = xcalloc(1, sizeof(*c));
	int e;

	*out = NULL;
	c->s = s;
	c->limit = pages > 0 ? pages : STORE_DEFERRED_CKPT_PAGES;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* A connection reads the database, and finds its WAL, only when a
	 * statement needs it: before that a checkpoint does nothing. */
	if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL,
	    NULL) != SQLITE_OK) {
		err_set(err, errlen, "database %s: %s", s->path,
		    c->db ? sqlite3_errmsg(c->db) : "cannot open");
		ckpt_free(c);
		return STORE_IO;
	}
	if ((e = pthread_create(&c->th, NULL, ckpt_run, c)) != 0) {
		err_set(err, errlen, "cannot start the checkpointer: %s",
		    strerror(e));
		ckpt_free(c);
		return PF_ERR;
	}
	/* Replaces SQLite's auto-checkpoint, which is this same hook. */
	sqlite3_wal_hook(s->db, ckpt_hook, c);
	*out = c;
	return PF_OK;
}

int
store_ckpt_stop(struct store_ckpt *c, char *err, size_t errlen)
{
	int rc;

	if (c == NULL)
		return PF_OK;
	store_defer_checkpoints(c->s);	/* SQLite's hook again */
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	if ((rc = c->rc) != PF_OK)
		err_set(err, errlen, "%s", c->err);
	ckpt_free(c);
	return rc;
}
