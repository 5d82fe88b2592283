/* poll_mover.c - a backlog's committed mails moved over a second IMAP
 * session, in a thread of its own (poll_int.h).
 *
 * On the reader's one session the server moved and fetched in turn, so
 * a backlog took the sum of both. Here the reader only fetches, and the
 * mover moves what the recorder committed, on a session of its own
 * selecting the same mailbox. The reader learns of the moved mails from
 * the EXPUNGE responses the server sends its session too (the position
 * it reads from keeps its place, imap_conn_track). The rule is unchanged:
 * a mail is moved only after its transaction committed.
 *
 * A mover that cannot open its session leaves the moves to the reader;
 * one whose move fails stops the poll with that error, as the reader's
 * own failed move did. */
#include "poll_int.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Takes the committed mails waiting for their move: those for the
 * processed mailbox once there are POLL_MOVE_BATCH of them (a MOVE has a
 * cost per command), or all when `all`. */
static void
move_take(struct poll_pipe *pp, int all, uint32_t **move, size_t *n_move,
    uint32_t **fail, size_t *n_fail)
{
	pthread_mutex_lock(&pp->mu);
	*move = NULL;
	*n_move = 0;
	if (all || pp->n_move >= POLL_MOVE_BATCH) {
		*move = pp->to_move;
		*n_move = pp->n_move;
		pp->to_move = NULL;
		pp->n_move = 0;
	}
	*fail = pp->to_fail;
	*n_fail = pp->n_fail;
	pp->to_fail = NULL;
	pp->n_fail = 0;
	pthread_mutex_unlock(&pp->mu);
}

int
poll_move_pending(struct imap_conn *c, const struct config *cfg,
    struct poll_pipe *pp, int all, int *failed_box_ready, char *err,
    size_t errlen)
{
	uint32_t *move, *fail;
	size_t n_move, n_fail;
	int rc = PF_OK;

	move_take(pp, all, &move, &n_move, &fail, &n_fail);
	if (n_fail > 0 && !*failed_box_ready) {
		rc = imap_conn_ensure_mailbox(c, cfg->imap_failed, NULL, err,
		    errlen);
		*failed_box_ready = rc == PF_OK;
	}
	if (rc == PF_OK && n_fail > 0)
		rc = imap_conn_move(c, fail, n_fail, cfg->imap_failed, err,
		    errlen);
	if (rc == PF_OK && n_move > 0)
		rc = imap_conn_move(c, move, n_move, cfg->imap_processed, err,
		    errlen);
	free(move);
	free(fail);
	return rc;
}

/* The mover's session, on the reader's mailbox as the reader saw it: a
 * mailbox recreated in between has other UIDs, which are not ours. */
static int
mover_open(struct poll_mover *m, struct imap_conn **c, char *err,
    size_t errlen)
{
	uint32_t uidvalidity;
	int rc;

	if ((rc = imap_conn_open(&m->cfg->imap, c, err, errlen)) != PF_OK ||
	    (rc = imap_conn_select(*c, m->cfg->imap_mailbox, &uidvalidity,
	    err, errlen)) != PF_OK)
		return rc;
	if (uidvalidity != m->uidvalidity) {
		err_set(err, errlen, "the mailbox's UIDVALIDITY changed "
		    "(%u, then %u)", m->uidvalidity, uidvalidity);
		return PF_ERR;
	}
	return PF_OK;
}

/* Waits until there are moves due or the recorder has finished; returns
 * 0 when nothing is left to do. `last`: the recorder has finished (all
 * is taken). Called and returns with the mutex held. */
static int
mover_wait(struct poll_pipe *pp, int *last)
{
	while (!pp->finished && pp->n_move < POLL_MOVE_BATCH &&
	    pp->n_fail == 0)
		pthread_cond_wait(&pp->cv, &pp->mu);
	*last = pp->finished;
	if (!*last)
		return 1;
	/* As the reader did: the last moves wait for the next run when
	 * the server is what stopped the reading. */
	if (pp->read_rc == IMAP_TEMPFAIL || pp->read_rc == IMAP_UNAVAILABLE)
		return 0;
	return pp->n_move > 0 || pp->n_fail > 0;
}

static void
mover_state(struct poll_pipe *pp, int state)
{
	pthread_mutex_lock(&pp->mu);
	pp->mover = state;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

static void *
mover_run(void *arg)
{
	struct poll_mover *m = arg;
	struct poll_pipe *pp = m->pipe;
	struct imap_conn *c = NULL;
	char err[PF_ERRLEN];
	int rc, last, box_ready = 0, hung;

	if ((rc = mover_open(m, &c, err, sizeof(err))) != PF_OK) {
		log_info("poll: no second IMAP session for the moves (%s); "
		    "the reader moves them", err);
		imap_conn_close(c);
		mover_state(pp, MOVER_NONE);
		return NULL;
	}
	mover_state(pp, MOVER_ON);
	pthread_mutex_lock(&pp->mu);
	while (mover_wait(pp, &last)) {
		pthread_mutex_unlock(&pp->mu);
		rc = poll_move_pending(c, m->cfg, pp, last, &box_ready, err,
		    sizeof(err));
		pthread_mutex_lock(&pp->mu);
		if (rc != PF_OK) {
			pp->move_rc = rc;
			memcpy(pp->move_err, err, sizeof(pp->move_err));
			pp->mover = MOVER_FAILED;
			pthread_cond_broadcast(&pp->cv);
			break;
		}
	}
	hung = pp->read_rc == IMAP_TEMPFAIL || pp->read_rc == IMAP_UNAVAILABLE;
	pthread_mutex_unlock(&pp->mu);
	if (rc == PF_OK && !hung)
		imap_conn_close(c);
	else
		imap_conn_abandon(c);
	return NULL;
}

int
poll_mover_start(struct poll_mover *m)
{
	int e;

	m->pipe->mover = MOVER_OPENING;
	if ((e = pthread_create(&m->th, NULL, mover_run, m)) != 0) {
		log_info("poll: cannot start the mover (%s); the reader moves",
		    strerror(e));
		m->pipe->mover = MOVER_NONE;
		return 0;
	}
	return 1;
}

void
poll_mover_join(struct poll_mover *m)
{
	pthread_join(m->th, NULL);
}
