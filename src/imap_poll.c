/* imap_poll.c - the poll stage: new mail of the IMAP mailbox in, each
 * mail exactly once.
 *
 * The mailbox is read in windows of at most batch_size messages (and
 * POLL_WINDOW_BYTES of bodies; only a prefix of a mail above
 * max_message_bytes) by poll_reader.c, in a thread of its own, ahead of
 * this side. Here, in a transaction of one window or more (poll_mailbox):
 * every message is looked up by its (mailbox, UIDVALIDITY, UID) key and
 * the new ones are recorded through the ingest path together with their
 * key. Only after the commit are they handed back to the reader (or the
 * mover, poll_mover.c) to be moved to the processed mailbox. So a crash
 * before the commit leaves them in the mailbox, unrecorded; a crash after
 * it leaves them recorded, and the next run only moves them. A mailbox
 * recreated with a new UIDVALIDITY has new keys, but ingest recognises
 * each mail by its Message-ID or content hash and reports a duplicate,
 * which is moved without effect. */
#include "imap_poll.h"
#include "imap_conn.h"
#include "ingest.h"
#include "log.h"
#include "notice.h"
#include "poll_int.h"
#include "poll_journal.h"
#include "store_imap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A transaction ends after this many mails or seconds, or sooner. */
#define POLL_TXN_MAILS		1000
#define POLL_TXN_SECS		1

struct poll_ctx {
	struct store		*s;
	const struct config	*cfg;
	uint32_t		 uidvalidity;
	struct poll_result	*res;
	struct poll_pipe	 pipe;
	int			 in_txn;
	size_t			 txn_mails;
	uint32_t		*done, *gave_up;	/* of the open one */
	size_t			 n_done, n_gave_up;
	poll_stop_fn		 stop;		/* asked after each commit */
	void			*stop_arg;
	int			 systemic;	/* a failure a probe met too */
	char			 systemic_why[PF_ERRLEN];
};

static struct imap_key
poll_key(const struct poll_ctx *p, uint32_t uid)
{
	struct imap_key k;

	k.mailbox = p->cfg->imap_mailbox;
	k.uidvalidity = p->uidvalidity;
	k.uid = uid;
	return k;
}

/* What the database already knows decides each message's fate. */
static int
poll_classify(struct poll_ctx *p, struct poll_item *items, size_t n,
    char *err, size_t errlen)
{
	struct imap_key_state *st = xcalloc(n ? n : 1, sizeof(*st));
	uint32_t *uids = xcalloc(n ? n : 1, sizeof(*uids));
	int rc;

	for (size_t i = 0; i < n; i++)
		uids[i] = items[i].ref.uid;
	rc = store_imap_lookup_many(p->s, p->cfg->imap_mailbox,
	    p->uidvalidity, uids, n, st, err, errlen);
	for (size_t i = 0; i < n && rc == PF_OK; i++) {
		items[i].failures = st[i].failures;
		if (st[i].seen) {
			items[i].fate = FATE_DONE;
			p->res->duplicates++;
		} else if (st[i].failures >= POLL_MAX_FAILURES) {
			items[i].fate = FATE_GIVE_UP;
			p->res->given_up++;
		} else {
			items[i].fate = FATE_NEW;
		}
	}
	free(uids);
	free(st);
	return rc;
}

/* This run failed on the mail; poll_settle() decides what that means. */
static void
poll_failed(struct poll_ctx *p, struct poll_item *it, const char *why)
{
	log_warn("IMAP mailbox %s, UID %u: %s", p->cfg->imap_mailbox,
	    it->ref.uid, why);
	it->fate = FATE_STAY;
	it->why = xstrdup(why);
}

/* The operator is told, once, that a mail goes to the failed mailbox. */
static int
poll_alert_failed(struct poll_ctx *p, uint32_t uid, int failures,
    const char *why, char *err, size_t errlen)
{
	struct imap_key k = poll_key(p, uid);
	char *text;
	int rc;

	text = xasprintf("The mail with UID %u in IMAP mailbox %s "
	    "(UIDVALIDITY %u) could not be processed in %d runs; it was "
	    "moved to mailbox %s. Last error: %s", k.uid, k.mailbox,
	    k.uidvalidity, failures, p->cfg->imap_failed, why);
	if ((rc = notice_alert(p->s, p->cfg, NULL, "failed mail", text, err,
	    errlen)) == PF_OK)
		rc = store_imap_failure_alerted(p->s, &k, err, errlen);
	free(text);
	return rc;
}

/* A mail that failed POLL_MAX_FAILURES runs goes to the failed mailbox. */
static int
poll_give_up(struct poll_ctx *p, struct poll_item *it, char *err,
    size_t errlen)
{
	it->fate = FATE_GIVE_UP;
	p->res->given_up++;
	return poll_alert_failed(p, it->ref.uid, it->failures, it->why, err,
	    errlen);
}

/* Whether picflow can still take in a mail at all: a help mail of its
 * own, ingested and undone. A failure the probe meets too is ours (the
 * templates, the disk, a bug every mail hits), not the failed mail's;
 * and no mail can make the probe fail. */
static int
poll_probe(struct poll_ctx *p, char *why, size_t whylen)
{
	struct ingest_result r;
	char uuid[37], *mail;
	int rc;

	uuid_random(uuid);
	mail = xasprintf("From: picflow-probe@probe.invalid\r\n"
	    "Subject: help\r\nMessage-ID: <%s@probe.invalid>\r\n\r\nhelp\r\n",
	    uuid);
	if ((rc = store_savepoint(p->s, why, whylen)) == PF_OK) {
		rc = ingest_mail(p->s, p->cfg, mail, strlen(mail), "imap", &r,
		    why, whylen);
		store_rollback_to(p->s);
	}
	free(mail);
	return rc;
}

/* After a window was read: a failure is the mail's own unless the probe
 * failed too (poll_record), and the third one gives up on it. When the
 * fault is ours, nothing is counted, and the run stops with the error
 * rather than emptying the mailbox into the failed one. No mail can make
 * that so: what decides it is picflow's own probe mail, not how many of
 * a batch failed (a batch of hostile mails all failing once blocked the
 * mailbox for good). */
static int
poll_settle(struct poll_ctx *p, struct poll_item *items, size_t n,
    int *systemic, char *err, size_t errlen)
{
	int rc;

	*systemic = p->systemic;
	if (*systemic) {
		err_set(err, errlen, "%s", p->systemic_why);
		return PF_OK;
	}
	for (size_t i = 0; i < n; i++) {
		struct imap_key k = poll_key(p, items[i].ref.uid);

		if (items[i].fate != FATE_STAY)
			continue;
		if ((rc = store_imap_failure_add(p->s, &k, items[i].why,
		    &items[i].failures, err, errlen)) != PF_OK)
			return rc;
		if (items[i].failures < POLL_MAX_FAILURES)
			p->res->failed++;
		else if ((rc = poll_give_up(p, &items[i], err, errlen)) !=
		    PF_OK)
			return rc;
	}
	return PF_OK;
}

/* Records one fetched mail with its key, or counts its failure. Only a
 * database that cannot be written stops the batch. */
static int
poll_record(struct poll_ctx *p, struct poll_item *it,
    struct ingest_prep *prep, char *err, size_t errlen)
{
	struct ingest_result ir;
	struct imap_key k = poll_key(p, it->ref.uid);
	char why[PF_ERRLEN];
	int rc;

	if (p->systemic) {		/* the rest waits for the next run */
		it->fate = FATE_STAY;
		return PF_OK;
	}
	pj_begin(PJ_RECORDER, k.uidvalidity, k.uid);
	rc = ingest_prepared(p->s, p->cfg, prep, "imap", &ir, why,
	    sizeof(why));
	pj_end();
	if (rc == STORE_BUSY || rc == STORE_IO) {
		err_set(err, errlen, "%s", why);
		return rc;
	}
	if (rc != PF_OK) {
		char perr[PF_ERRLEN];

		poll_failed(p, it, why);
		if ((rc = poll_probe(p, perr, sizeof(perr))) == STORE_BUSY ||
		    rc == STORE_IO) {
			err_set(err, errlen, "%s", perr);
			return rc;
		}
		if (rc != PF_OK) {
			p->systemic = 1;
			err_set(p->systemic_why, sizeof(p->systemic_why),
			    "the mail with UID %u failed, and so did a probe "
			    "mail (left in the mailbox): %s", k.uid, perr);
		}
		return PF_OK;
	}
	if ((rc = store_imap_seen_add(p->s, &k, ir.inbound_id,
	    it->failures > 0, err, errlen)) != PF_OK)
		return rc;
	it->fate = FATE_DONE;
	it->recorded = 1;
	if (ir.outcome == IN_DUPLICATE) {
		p->res->duplicates++;
		return PF_OK;
	}
	p->res->recorded++;
	p->res->requests += ir.outcome == IN_REQUEST;
	p->res->too_big += ir.outcome == IN_TOO_BIG;
	return PF_OK;
}

/* Every item of a committed window has its fate: a mail left FATE_NEW
 * would be neither recorded nor left for the next run on purpose. */
static void
poll_check_decided(const struct poll_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (items[i].fate) {
		case FATE_STAY:
		case FATE_DONE:
		case FATE_GIVE_UP:
		case FATE_GONE:
			break;
		case FATE_NEW:
		default:
			abort();
		}
}

/* An operator watching a long backlog on a terminal sees it move; cron
 * and pipes get nothing but the summary. */
static void
poll_progress(const struct poll_ctx *p, uint32_t total, int last)
{
	const struct poll_result *r = p->res;

	if (total <= (uint32_t)p->cfg->imap_batch || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\rpoll: %u of %u mails", r->recorded +
	    r->duplicates + r->failed + r->given_up, total);
	if (last)
		fputc('\n', stderr);
}

/* Records the new mails of one window in one transaction. */
static int
poll_record_all(struct poll_ctx *p, struct poll_window *w, char *err,
    size_t errlen)
{
	struct ingest_prep *prep;
	int rc;

	for (size_t i = 0; i < w->n; i++) {
		if (w->items[i].fate != FATE_NEW)
			continue;
		if ((prep = poll_window_mail(w, w->items[i].ref.uid)) ==
		    NULL) {
			w->items[i].fate = FATE_GONE;
			continue;
		}
		if ((rc = poll_record(p, &w->items[i], prep, err, errlen)) !=
		    PF_OK)
			return rc;
	}
	return PF_OK;
}

/* Notes the window's mails to be moved once its transaction commits. */
static void
poll_note_moves(struct poll_ctx *p, const struct poll_window *w)
{
	p->done = xrealloc(p->done, (p->n_done + w->n) * sizeof(*p->done));
	p->gave_up = xrealloc(p->gave_up, (p->n_gave_up + w->n) *
	    sizeof(*p->gave_up));
	for (size_t i = 0; i < w->n; i++)
		if (w->items[i].fate == FATE_DONE)
			p->done[p->n_done++] = w->items[i].ref.uid;
		else if (w->items[i].fate == FATE_GIVE_UP)
			p->gave_up[p->n_gave_up++] = w->items[i].ref.uid;
}

static void
poll_append(uint32_t **to, size_t *n, const uint32_t *from, size_t k)
{
	*to = xrealloc(*to, (*n + k) * sizeof(**to));
	memcpy(*to + *n, from, k * sizeof(*from));
	*n += k;
}

/* Ends the transaction. Committed, its mails go to the reader to be
 * moved; rolled back, they stay where they are for the next run. */
static int
poll_end_txn(struct poll_ctx *p, int commit, char *err, size_t errlen)
{
	struct poll_pipe *pp = &p->pipe;
	int rc = PF_OK;

	p->in_txn = 0;
	if (commit && (rc = store_commit(p->s, err, errlen)) == PF_OK) {
		pthread_mutex_lock(&pp->mu);
		poll_append(&pp->to_move, &pp->n_move, p->done, p->n_done);
		poll_append(&pp->to_fail, &pp->n_fail, p->gave_up,
		    p->n_gave_up);
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	} else
		store_rollback(p->s);
	p->n_done = p->n_gave_up = 0;
	return rc;
}

/* One window: classify, record and settle, in the open transaction. */
static int
poll_window(struct poll_ctx *p, struct poll_window *w, int *systemic,
    char *err, size_t errlen)
{
	int rc;

	if ((rc = poll_classify(p, w->items, w->n, err, errlen)) != PF_OK ||
	    (rc = poll_record_all(p, w, err, errlen)) != PF_OK ||
	    (rc = poll_settle(p, w->items, w->n, systemic, err, errlen)) !=
	    PF_OK)
		return rc;
	poll_check_decided(w->items, w->n);
	poll_note_moves(p, w);
	p->txn_mails += w->n;
	return PF_OK;
}

/* Whether the reader has a window ready now. */
static int
poll_ready(struct poll_pipe *pp)
{
	int ready;

	pthread_mutex_lock(&pp->mu);
	ready = pp->head != NULL;
	pthread_mutex_unlock(&pp->mu);
	return ready;
}

/* The next window the reader has ready, waiting for it; NULL when
 * reading stopped, with *rc saying why. */
static struct poll_window *
poll_take(struct poll_pipe *pp, int *rc, char *err, size_t errlen)
{
	struct poll_window *w;

	pthread_mutex_lock(&pp->mu);
	while (pp->head == NULL && !pp->read_done)
		pthread_cond_wait(&pp->cv, &pp->mu);
	if ((w = pp->head) != NULL) {
		if ((pp->head = w->next) == NULL)
			pp->tail = NULL;
		pp->ready_bytes -= w->bytes;
		w->next = NULL;
		pthread_cond_broadcast(&pp->cv);
	} else if ((*rc = pp->read_rc) != PF_OK)
		err_set(err, errlen, "%s", pp->read_err);
	pthread_mutex_unlock(&pp->mu);
	return w;
}

/* Recording is over (rc): the reader may do its last moves and stop. */
static void
poll_finish(struct poll_pipe *pp, int rc)
{
	pthread_mutex_lock(&pp->mu);
	pp->finished = 1;
	pp->record_rc = rc;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/* Takes the reader's windows until there are none, or one fails. A
 * transaction takes windows while the reader has the next one ready, up
 * to POLL_TXN_MAILS mails or POLL_TXN_SECS: a commit (an fsync) per
 * window was a fifth of a poll's time, and an open transaction never
 * waits for the server, which would hold the database from the
 * operator's commands. A crash loses at most that much work, and no
 * mail: the uncommitted ones are still in the mailbox. */
static int
poll_mailbox(struct poll_ctx *p, uint32_t total, char *err, size_t errlen)
{
	struct poll_window *w;
	time_t started = 0;
	int rc = PF_OK, systemic = 0;

	while ((w = poll_take(&p->pipe, &rc, err, errlen)) != NULL) {
		if (!p->in_txn) {
			if ((rc = store_begin(p->s, err, errlen)) != PF_OK) {
				poll_window_free(w);
				break;
			}
			p->in_txn = 1;
			p->txn_mails = 0;
			started = time(NULL);
		}
		rc = poll_window(p, w, &systemic, err, errlen);
		poll_window_free(w);
		if (rc != PF_OK) {
			(void)poll_end_txn(p, 0, NULL, 0);
			break;
		}
		if ((systemic || p->txn_mails >= POLL_TXN_MAILS ||
		    time(NULL) - started >= POLL_TXN_SECS ||
		    !poll_ready(&p->pipe)) &&
		    (rc = poll_end_txn(p, 1, err, errlen)) != PF_OK)
			break;
		poll_progress(p, total, 0);
		if (systemic) {
			rc = PF_ERR;	/* err says why */
			break;
		}
		if (!p->in_txn && p->stop != NULL && p->stop(p->stop_arg)) {
			log_info("poll: stopped after a commit, as asked; the "
			    "rest waits in the mailbox");
			break;
		}
	}
	if (p->in_txn)		/* cannot be, but never left open */
		(void)poll_end_txn(p, 0, NULL, 0);
	poll_finish(&p->pipe, rc);
	poll_progress(p, total, 1);
	return rc;
}

/* Runs the reader beside the recorder on the selected mailbox. The
 * first error is the one reported; then that of the last moves. */
static int
poll_run(struct poll_ctx *p, struct poll_reader *r, char *err,
    size_t errlen)
{
	struct poll_pipe *pp = &p->pipe;
	uint32_t total = imap_conn_exists(r->conn);	/* before the reader */
	struct store_ckpt *ck = NULL;
	struct poll_mover mv = { .cfg = p->cfg, .pipe = pp,
	    .uidvalidity = p->uidvalidity };
	char cerr[PF_ERRLEN];
	pthread_t th;
	int rc, e, moving;

	moving = total >= POLL_MOVER_MAILS && poll_mover_start(&mv);
	if ((e = pthread_create(&th, NULL, poll_reader_run, r)) != 0) {
		err_set(err, errlen, "cannot start the IMAP reader: %s",
		    strerror(e));
		poll_finish(pp, PF_ERR);
		if (moving)
			poll_mover_join(&mv);
		return PF_ERR;
	}
	/* Checkpoints wait for the end, as in tick: most pages a window
	 * writes were written by the window before (the indexes, the last
	 * pages of each table), and one checkpoint copies each of them once.
	 * It overlaps with the reader's last moves. A backlog's WAL grows
	 * past the deferred limit meanwhile: its checkpoints go to a thread
	 * of their own, not into the recorder's commits. */
	store_defer_checkpoints(p->s);
	if (total >= POLL_CKPT_MAILS &&
	    store_ckpt_start(p->s, 0, &ck, cerr, sizeof(cerr)) != PF_OK)
		log_warn("poll: %s; checkpoints stay in the commits", cerr);
	rc = poll_mailbox(p, total, err, errlen);
	if ((e = store_ckpt_stop(ck, cerr, sizeof(cerr))) != PF_OK &&
	    rc == PF_OK) {
		err_set(err, errlen, "%s", cerr);
		rc = e;
	}
	if ((e = store_checkpoint(p->s, cerr, sizeof(cerr))) != PF_OK &&
	    rc == PF_OK) {
		err_set(err, errlen, "%s", cerr);
		rc = e;
	}
	pthread_join(th, NULL);
	if (moving)
		poll_mover_join(&mv);
	while (pp->head != NULL) {	/* read ahead, never taken */
		struct poll_window *w = pp->head;

		pp->head = w->next;
		poll_window_free(w);
	}
	if (rc == PF_OK && pp->move_rc != PF_OK) {
		err_set(err, errlen, "%s", pp->move_err);
		rc = pp->move_rc;
	}
	return rc;
}
/* The mails that crashed the last poll (poll_journal.c) count one failed
 * run each, and the third gives up on the mail (the operator is told
 * now: this run moves it); then the reader learns which mails it must
 * not take apart again. In a transaction of its own, before any mail. */
static int
poll_poison(struct poll_ctx *p, struct poll_reader *r, char *err,
    size_t errlen)
{
	struct pj_crash c[PJ_SLOTS];
	struct imap_key_state st;
	struct imap_key k;
	uint32_t *skip;
	char *why;
	int n, count, rc = PF_OK;

	pj_open(p->cfg->db_path, p->cfg->imap_mailbox, c, &n);
	if (n > 0 && (rc = store_begin(p->s, err, errlen)) != PF_OK)
		return rc;
	for (int i = 0; i < n && rc == PF_OK; i++) {
		if (c[i].uidvalidity != p->uidvalidity)
			continue;
		k = poll_key(p, c[i].uid);
		why = xasprintf("picflow died of signal %d (%s) while taking "
		    "this mail in", c[i].signo, strsignal(c[i].signo));
		log_warn("IMAP mailbox %s, UID %u: %s", k.mailbox, k.uid, why);
		if ((rc = store_imap_failure_add(p->s, &k, why, &count, err,
		    errlen)) == PF_OK &&
		    (rc = store_imap_lookup(p->s, &k, &st, err, errlen)) ==
		    PF_OK && count >= POLL_MAX_FAILURES && !st.alerted)
			rc = poll_alert_failed(p, k.uid, count, why, err,
			    errlen);
		free(why);
	}
	if (n > 0 && rc == PF_OK)
		rc = store_commit(p->s, err, errlen);
	else if (n > 0)
		store_rollback(p->s);
	if (rc != PF_OK)
		return rc;
	rc = store_imap_given_up(p->s, p->cfg->imap_mailbox, p->uidvalidity,
	    POLL_MAX_FAILURES, &skip, &r->n_skip, err, errlen);
	r->skip = skip;
	return rc;
}

/* Moving a mail into the mailbox it is read from would read it again,
 * under a new UID, for ever. */
static int
poll_check_conf(const struct config *cfg, char *err, size_t errlen)
{
	const char *in = cfg->imap_mailbox;

	if (str_ieq(in, cfg->imap_processed) || str_ieq(in, cfg->imap_failed)) {
		err_set(err, errlen, "[imap] mailbox = %s: processed_mailbox "
		    "and failed_mailbox must be other mailboxes", in);
		return IMAP_CONFIG;
	}
	return PF_OK;
}

/* The same, once the server has placed the names: "Processed" and
 * "INBOX.Processed" are one mailbox on Cyrus's traditional namespace. */
static int
poll_check_placed(const struct imap_conn *c, const struct config *cfg,
    char *err, size_t errlen)
{
	char *in = imap_conn_place(c, cfg->imap_mailbox);
	char *done = imap_conn_place(c, cfg->imap_processed);
	char *failed = imap_conn_place(c, cfg->imap_failed);
	int rc = PF_OK;

	if (str_ieq(in, done) || str_ieq(in, failed)) {
		err_set(err, errlen, "[imap] mailbox = %s: on this server it "
		    "is the same mailbox as processed_mailbox or "
		    "failed_mailbox (%s)", cfg->imap_mailbox, in);
		rc = IMAP_CONFIG;
	}
	free(in);
	free(done);
	free(failed);
	return rc;
}

int
imap_poll(struct store *s, const struct config *cfg,
    struct poll_result *res, char *err, size_t errlen)
{
	return imap_poll_until(s, cfg, NULL, NULL, res, err, errlen);
}

int
imap_poll_until(struct store *s, const struct config *cfg,
    poll_stop_fn stop, void *stop_arg, struct poll_result *res, char *err,
    size_t errlen)
{
	return imap_poll_kept(s, cfg, stop, stop_arg, NULL, res, err, errlen);
}

/* The session: the kept one when the server has not closed it, else a
 * new one. Its mailbox is selected (again): a SELECT is how a session
 * learns what came since. A kept session that fails there has done
 * nothing yet, so a new one is tried at once. */
static int
poll_session(struct poll_ctx *p, struct poll_reader *r,
    struct imap_conn **keep, char *err, size_t errlen)
{
	const struct config *cfg = p->cfg;
	int rc;

	r->conn = NULL;
	if (keep != NULL && *keep != NULL) {
		if (imap_conn_alive(*keep))
			r->conn = *keep;
		else
			imap_conn_abandon(*keep);
		*keep = NULL;
	}
	if (r->conn != NULL && (rc = imap_conn_select(r->conn,
	    cfg->imap_mailbox, &p->uidvalidity, err, errlen)) == PF_OK)
		return PF_OK;
	if (r->conn != NULL) {
		log_info("IMAP: the kept session failed (%s): a new one", err);
		imap_conn_abandon(r->conn);
		r->conn = NULL;
	}
	if ((rc = imap_conn_open(&cfg->imap, &r->conn, err, errlen)) != PF_OK)
		return rc;
	if ((rc = poll_check_placed(r->conn, cfg, err, errlen)) != PF_OK ||
	    (rc = imap_conn_ensure_mailbox(r->conn, cfg->imap_processed, NULL,
	    err, errlen)) != PF_OK)
		return rc;
	return imap_conn_select(r->conn, cfg->imap_mailbox, &p->uidvalidity,
	    err, errlen);
}

int
imap_poll_kept(struct store *s, const struct config *cfg,
    poll_stop_fn stop, void *stop_arg, struct imap_conn **keep,
    struct poll_result *res, char *err, size_t errlen)
{
	struct poll_reader r;
	struct poll_ctx p;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	memset(&r, 0, sizeof(r));
	p.stop = stop;
	p.stop_arg = stop_arg;
	p.s = s;
	p.cfg = cfg;
	p.res = res;
	if ((rc = poll_check_conf(cfg, err, errlen)) != PF_OK)
		return rc;
	if ((rc = poll_session(&p, &r, keep, err, errlen)) == PF_OK) {
		r.cfg = cfg;
		r.pipe = &p.pipe;
		r.uidnext = imap_conn_uidnext(r.conn);
		r.uidvalidity = p.uidvalidity;
		if ((rc = poll_poison(&p, &r, err, errlen)) == PF_OK) {
			pthread_mutex_init(&p.pipe.mu, NULL);
			pthread_cond_init(&p.pipe.cv, NULL);
			rc = poll_run(&p, &r, err, errlen);
			pthread_cond_destroy(&p.pipe.cv);
			pthread_mutex_destroy(&p.pipe.mu);
		}
		pj_close();
		free((uint32_t *)r.skip);
		free(p.pipe.to_move);
		free(p.pipe.to_fail);
		free(p.done);
		free(p.gave_up);
	}
	if (keep != NULL && rc == PF_OK && imap_conn_alive(r.conn))
		*keep = r.conn;
	else
		imap_conn_close(r.conn);
	return rc;
}
