/* poll_reader.c - the IMAP side of a poll (poll_int.h): windows of the
 * mailbox read ahead with their bodies, and the committed mails moved,
 * in a thread that alone uses the session.
 *
 * Windows are taken by message number from a position that the EXPUNGE
 * responses keep pointing after the last message read (imap_conn_track):
 * messages that stay (failed this run), that are recorded and waiting for
 * their move, or that anyone expunges, all keep their place in the count
 * without bookkeeping of ours. */
#include "poll_int.h"
#include "imap_poll.h"
#include "poll_journal.h"

#include <stdlib.h>
#include <string.h>

int
poll_too_big(const struct config *cfg, const struct imap_msgref *ref)
{
	return (long)ref->size > cfg->policy.max_message_bytes;
}

static int
ref_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct imap_msgref *)a)->seq;
	uint32_t y = ((const struct imap_msgref *)b)->seq;

	return x < y ? -1 : x > y;
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
body_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct imap_body *)a)->uid;
	uint32_t y = ((const struct imap_body *)b)->uid;

	return x < y ? -1 : x > y;
}

struct ingest_prep *
poll_window_mail(const struct poll_window *w, uint32_t uid)
{
	struct imap_body key = { .uid = uid }, *b;

	if (w->nbodies == 0 || (b = bsearch(&key, w->bodies, w->nbodies,
	    sizeof(key), body_cmp)) == NULL)
		return NULL;
	return &w->preps[b - w->bodies];
}

void
poll_window_free(struct poll_window *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->items[i].why);
	free(w->items);
	for (size_t i = 0; w->preps && i < w->nbodies; i++)
		ingest_prep_free(&w->preps[i]);
	free(w->preps);
	imap_fetched_free(w->fetched[0]);
	imap_fetched_free(w->fetched[1]);
	free(w->bodies);
	free(w);
}

/* Hands a window to the recorder, waiting while those ready would pass
 * POLL_AHEAD_BYTES with it. Returns 0 when the recorder takes no more
 * (the window is freed). */
static int
reader_put(struct poll_pipe *pp, struct poll_window *w)
{
	int taken;

	pthread_mutex_lock(&pp->mu);
	while (pp->head != NULL && pp->ready_bytes + w->bytes >
	    POLL_AHEAD_BYTES && !pp->finished)
		pthread_cond_wait(&pp->cv, &pp->mu);
	if ((taken = !pp->finished)) {
		if (pp->tail)
			pp->tail->next = w;
		else
			pp->head = w;
		pp->tail = w;
		pp->ready_bytes += w->bytes;
		pthread_cond_broadcast(&pp->cv);
	}
	pthread_mutex_unlock(&pp->mu);
	if (!taken)
		poll_window_free(w);
	return taken;
}

/* Who moves now: the reader, unless a mover does (poll_mover.c). */
static int
reader_mover(struct poll_pipe *pp)
{
	int m;

	pthread_mutex_lock(&pp->mu);
	m = pp->mover;
	pthread_mutex_unlock(&pp->mu);
	return m;
}

/* The moves due, when they are the reader's; a mover's failed move
 * stops the reading with its error. */
static int
reader_moves(struct poll_reader *r, char *err, size_t errlen)
{
	struct poll_pipe *pp = r->pipe;
	int mover = reader_mover(pp), rc = PF_OK;

	if (mover == MOVER_NONE)
		return poll_move_pending(r->conn, r->cfg, pp, 0,
		    &r->failed_box_ready, err, errlen);
	if (mover == MOVER_FAILED) {
		pthread_mutex_lock(&pp->mu);
		rc = pp->move_rc;
		err_set(err, errlen, "%s", pp->move_err);
		pthread_mutex_unlock(&pp->mu);
	}
	return rc;
}

/* Of the refs just read, the window: those this run has not handled yet
 * and that were there when it started (UIDs grow with arrival, so the
 * run ends even if the mailbox keeps filling), up to POLL_WINDOW_BYTES.
 * Moves r->pos past what it took or skipped. */
static void
reader_pick(struct poll_reader *r, const struct imap_msgref *refs, size_t n,
    uint32_t hi, struct poll_window *w)
{
	size_t bytes = 0, cost;

	w->items = xcalloc(n ? n : 1, sizeof(*w->items));
	for (size_t i = 0; i < n; i++) {
		cost = poll_too_big(r->cfg, &refs[i]) ? POLL_PREFIX :
		    refs[i].size;
		if (w->n > 0 && bytes + cost > POLL_WINDOW_BYTES) {
			r->pos = refs[i].seq - 1;
			return;
		}
		if (refs[i].uid <= r->max_uid ||
		    (r->uidnext != 0 && refs[i].uid >= r->uidnext))
			continue;
		w->items[w->n++].ref = refs[i];
		r->max_uid = refs[i].uid;
		bytes += cost;
	}
	r->pos = hi;
}

/* Takes each fetched mail apart (ingest_prepare), with the size its
 * message has in the mailbox when only a prefix was fetched. Items and
 * bodies are both in UID order. */
static void
reader_prepare(struct poll_reader *r, struct poll_window *w)
{
	const struct imap_msgref *ref;
	const struct imap_body *b;
	size_t j = 0, size;

	w->preps = xcalloc(w->nbodies + 1, sizeof(*w->preps));
	for (size_t i = 0; i < w->nbodies; i++) {
		b = &w->bodies[i];
		while (j < w->n && w->items[j].ref.uid < b->uid)
			j++;
		ref = j < w->n && w->items[j].ref.uid == b->uid ?
		    &w->items[j].ref : NULL;
		size = ref && poll_too_big(r->cfg, ref) ? ref->size : b->len;
		if (r->n_skip > 0 && bsearch(&b->uid, r->skip, r->n_skip,
		    sizeof(*r->skip), uid_cmp) != NULL)
			continue;	/* its prep stays empty, and unused */
		/* The attempt, before the mail is touched (poll_journal.c). */
		pj_begin(PJ_READER, r->uidvalidity, b->uid);
		ingest_prepare(r->cfg, b->data, b->len, size, &w->preps[i]);
		pj_end();
	}
}

/* The bodies of the window's mails: whole, and prefixes of the too big. */
static int
reader_bodies(struct poll_reader *r, struct poll_window *w, char *err,
    size_t errlen)
{
	uint32_t *uids = xcalloc(w->n, sizeof(*uids));
	size_t k, n0, n1;
	int rc = PF_OK;

	for (int partial = 0; partial < 2 && rc == PF_OK; partial++) {
		k = 0;
		for (size_t i = 0; i < w->n; i++)
			if (poll_too_big(r->cfg, &w->items[i].ref) == partial)
				uids[k++] = w->items[i].ref.uid;
		if (k > 0)
			rc = imap_conn_fetch_bodies(r->conn, uids, k,
			    partial ? POLL_PREFIX : 0, &w->fetched[partial],
			    err, errlen);
	}
	free(uids);
	if (rc != PF_OK)
		return rc;
	n0 = w->fetched[0] ? imap_fetched_bodies(w->fetched[0], NULL) : 0;
	n1 = w->fetched[1] ? imap_fetched_bodies(w->fetched[1], NULL) : 0;
	w->bodies = xcalloc(n0 + n1 + 1, sizeof(*w->bodies));
	if (n0)
		imap_fetched_bodies(w->fetched[0], w->bodies);
	if (n1)
		imap_fetched_bodies(w->fetched[1], w->bodies + n0);
	w->nbodies = n0 + n1;
	for (size_t i = 0; i < w->nbodies; i++)
		w->bytes += w->bodies[i].len;
	qsort(w->bodies, w->nbodies, sizeof(*w->bodies), body_cmp);
	reader_prepare(r, w);
	return PF_OK;
}

/* The next window, or *out NULL at the end of the mailbox (or of what
 * this run handles). */
static int
reader_window(struct poll_reader *r, struct poll_window **out, char *err,
    size_t errlen)
{
	uint32_t exists = imap_conn_exists(r->conn), batch, hi;
	struct imap_msgref *refs;
	struct poll_window *w;
	size_t n;
	int rc;

	*out = NULL;
	if (r->pos >= exists)
		return PF_OK;
	batch = (uint32_t)r->cfg->imap_batch;
	hi = exists - r->pos > batch ? r->pos + batch : exists;
	if ((rc = imap_conn_fetch_refs(r->conn, r->pos + 1, hi, &refs, &n,
	    err, errlen)) != PF_OK)
		return rc;
	/* Servers answer in message order; the positions need it. */
	qsort(refs, n, sizeof(*refs), ref_cmp);
	w = xcalloc(1, sizeof(*w));
	reader_pick(r, refs, n, hi, w);
	free(refs);
	if (w->n == 0) {
		/* Nothing this run has not handled yet: a move that did not
		 * take, or only mail that arrived after the start. */
		poll_window_free(w);
		return PF_OK;
	}
	if ((rc = reader_bodies(r, w, err, errlen)) != PF_OK) {
		poll_window_free(w);
		return rc;
	}
	*out = w;
	return PF_OK;
}

/* Reading stopped (rc): tell the recorder, then wait until it has
 * handed over its last moves; returns how recording ended. When reading
 * simply came to the end and the moves are the reader's, what the
 * recorder commits meanwhile is moved while it records the last windows,
 * rather than all after it: that wait was most of a poll's tail. A
 * failed move stops these (*moved_rc, the error in the pipe's
 * move_err). *mine: the last moves are the reader's (a mover still
 * opening its session is waited for, to know). */
static int
reader_stop(struct poll_reader *r, int rc, const char *err, int *moved_rc,
    int *mine)
{
	struct poll_pipe *pp = r->pipe;
	int record_rc;

	*moved_rc = PF_OK;
	pthread_mutex_lock(&pp->mu);
	pp->read_done = 1;
	pp->read_rc = rc;
	if (rc != PF_OK)
		memcpy(pp->read_err, err, sizeof(pp->read_err));
	pthread_cond_broadcast(&pp->cv);
	while (!pp->finished || pp->mover == MOVER_OPENING) {
		if (rc == PF_OK && *moved_rc == PF_OK &&
		    pp->mover == MOVER_NONE &&
		    (pp->n_move > 0 || pp->n_fail > 0)) {
			pthread_mutex_unlock(&pp->mu);
			*moved_rc = poll_move_pending(r->conn, r->cfg, pp, 1,
			    &r->failed_box_ready, pp->move_err,
			    sizeof(pp->move_err));
			pthread_mutex_lock(&pp->mu);
			continue;
		}
		pthread_cond_wait(&pp->cv, &pp->mu);
	}
	record_rc = pp->record_rc;
	*mine = pp->mover == MOVER_NONE;
	pthread_mutex_unlock(&pp->mu);
	return record_rc;
}

void *
poll_reader_run(void *arg)
{
	struct poll_reader *r = arg;
	struct poll_pipe *pp = r->pipe;
	struct poll_window *w;
	char err[PF_ERRLEN] = "";
	int rc, moved_rc, mine;

	imap_conn_track(r->conn, &r->pos);
	for (;;) {
		if ((rc = reader_moves(r, err, sizeof(err))) != PF_OK ||
		    (rc = reader_window(r, &w, err, sizeof(err))) != PF_OK ||
		    w == NULL || !reader_put(pp, w))
			break;
	}
	(void)reader_stop(r, rc, err, &moved_rc, &mine);
	/* What was committed need not wait for the next run, whatever
	 * stopped the recorder; unless the server is the problem, when it
	 * would only wait for it once more. */
	if (!mine)
		;		/* the mover's */
	else if (moved_rc != PF_OK)
		pp->move_rc = moved_rc;
	else if (rc != IMAP_TEMPFAIL && rc != IMAP_UNAVAILABLE)
		pp->move_rc = poll_move_pending(r->conn, r->cfg, pp, 1,
		    &r->failed_box_ready, pp->move_err, sizeof(pp->move_err));
	imap_conn_track(r->conn, NULL);
	return NULL;
}
