/* imap_poll.c - the poll stage: new mail of the IMAP mailbox in, each
 * mail exactly once.
 *
 * The mailbox is read in windows of batch_size messages by sequence
 * number, so memory does not grow with the mailbox. For each window, one
 * transaction: every message is looked up by its (mailbox, UIDVALIDITY,
 * UID) key, the new ones are fetched (bodies in groups of at most
 * POLL_FETCH_BUDGET bytes; only a prefix of a mail above
 * max_message_bytes) and recorded through the ingest path together with
 * their key. Only after the commit are they moved to the processed
 * mailbox. So a crash before the commit leaves them in the mailbox,
 * unrecorded; a crash after it leaves them recorded, and the next run
 * only moves them. A mailbox recreated with a new UIDVALIDITY has new
 * keys, but ingest recognises each mail by its Message-ID or content
 * hash and reports a duplicate, which is moved without effect.
 *
 * Recorded messages are moved in groups of POLL_MOVE_BATCH, across
 * windows; they are removed from the front as they are moved, so the
 * next window starts right after the ones that stay (failed this run)
 * and the recorded ones still waiting for their move. */
#include "imap_poll.h"
#include "imap_conn.h"
#include "ingest.h"
#include "log.h"
#include "notice.h"
#include "store_imap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_FETCH_BUDGET	(8u << 20)	/* body bytes per FETCH */
#define POLL_PREFIX		65536		/* read of a too-big mail */
#define POLL_MOVE_BATCH		2000		/* recorded mails per MOVE */

enum poll_fate {
	FATE_NEW,	/* to read and record */
	FATE_DONE,	/* recorded, now or before: to the processed mailbox */
	FATE_STAY,	/* failed this run: stays for the next */
	FATE_GIVE_UP,	/* failed POLL_MAX_FAILURES runs: to the failed one */
	FATE_GONE	/* expunged by someone else meanwhile */
};

struct poll_item {
	struct imap_msgref	 ref;
	enum poll_fate		 fate;
	int			 recorded;	/* ingest took it this run */
	int			 failures;	/* runs that failed on it */
	char			*why;		/* FATE_STAY: the error */
};

struct poll_ctx {
	struct store		*s;
	const struct config	*cfg;
	struct imap_conn	*conn;
	uint32_t		 uidvalidity;
	uint32_t		 uidnext;	/* at SELECT: newer ones wait */
	uint32_t		 max_uid;	/* highest UID handled so far */
	int			 failed_box_ready;
	struct poll_result	*res;
	uint32_t		*moving;	/* committed, not moved yet */
	size_t			 n_moving;
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

static int
poll_too_big(const struct poll_ctx *p, const struct poll_item *it)
{
	return (long)it->ref.size > p->cfg->policy.max_message_bytes;
}

/* What the database already knows decides each message's fate. */
static int
poll_classify(struct poll_ctx *p, struct poll_item *items, size_t n,
    char *err, size_t errlen)
{
	struct imap_key_state st;
	struct imap_key k;
	int rc;

	for (size_t i = 0; i < n; i++) {
		k = poll_key(p, items[i].ref.uid);
		if ((rc = store_imap_lookup(p->s, &k, &st, err, errlen)) !=
		    PF_OK)
			return rc;
		if (st.seen) {
			items[i].fate = FATE_DONE;
			p->res->duplicates++;
		} else if (st.failures >= POLL_MAX_FAILURES) {
			items[i].fate = FATE_GIVE_UP;
			p->res->given_up++;
		} else {
			items[i].fate = FATE_NEW;
		}
	}
	return PF_OK;
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

/* A mail that failed POLL_MAX_FAILURES runs goes to the failed mailbox,
 * and the operator is told, once. */
static int
poll_give_up(struct poll_ctx *p, struct poll_item *it, char *err,
    size_t errlen)
{
	struct imap_key k = poll_key(p, it->ref.uid);
	char *text;
	int rc;

	it->fate = FATE_GIVE_UP;
	p->res->given_up++;
	text = xasprintf("The mail with UID %u in IMAP mailbox %s "
	    "(UIDVALIDITY %u) could not be processed in %d runs; it was "
	    "moved to mailbox %s. Last error: %s", k.uid, k.mailbox,
	    k.uidvalidity, it->failures, p->cfg->imap_failed, it->why);
	if ((rc = notice_alert(p->s, p->cfg, NULL, "failed mail", text, err,
	    errlen)) == PF_OK)
		rc = store_imap_failure_alerted(p->s, &k, err, errlen);
	free(text);
	return rc;
}

/* After a batch was read: when some mail of it could be recorded, a
 * failure is the mail's own, and the third one gives up on it. When
 * several failed and none could be, the fault is more likely ours
 * (templates, disk, a bug hit by every mail): nothing is given up, and
 * the run stops with the error rather than emptying the mailbox into
 * the failed one. */
static int
poll_settle(struct poll_ctx *p, struct poll_item *items, size_t n,
    int *systemic, char *err, size_t errlen)
{
	size_t ok = 0, failed = 0;
	const char *why = NULL;
	int rc;

	for (size_t i = 0; i < n; i++) {
		ok += items[i].recorded;
		if (items[i].fate == FATE_STAY) {
			failed++;
			why = items[i].why;
		}
	}
	*systemic = ok == 0 && failed > 1;
	if (*systemic) {
		err_set(err, errlen, "all %zu new mails of the batch failed "
		    "(left in the mailbox): %s", failed, why);
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
    const struct imap_body *b, char *err, size_t errlen)
{
	struct ingest_result ir;
	struct imap_key k = poll_key(p, it->ref.uid);
	char why[PF_ERRLEN];
	int rc;

	if (poll_too_big(p, it))
		rc = ingest_mail_partial(p->s, p->cfg, b->data, b->len,
		    it->ref.size, "imap", &ir, why, sizeof(why));
	else
		rc = ingest_mail(p->s, p->cfg, b->data, b->len, "imap", &ir,
		    why, sizeof(why));
	if (rc == STORE_BUSY || rc == STORE_IO) {
		err_set(err, errlen, "%s", why);
		return rc;
	}
	if (rc != PF_OK) {
		poll_failed(p, it, why);
		return PF_OK;
	}
	if ((rc = store_imap_seen_add(p->s, &k, ir.inbound_id, err,
	    errlen)) != PF_OK)
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

static struct poll_item *
poll_find(struct poll_item *items, size_t n, uint32_t uid)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].ref.uid == uid)
			return &items[i];
	return NULL;
}

/* Fetches the bodies of items[from..to) (all NEW, all of one kind) and
 * records them. */
static int
poll_group(struct poll_ctx *p, struct poll_item *items, size_t from,
    size_t to, int partial, char *err, size_t errlen)
{
	struct imap_body *bodies = NULL;
	struct poll_item *it;
	uint32_t *uids = xcalloc(to - from, sizeof(*uids));
	size_t nb = 0;
	int rc;

	for (size_t i = from; i < to; i++)
		uids[i - from] = items[i].ref.uid;
	rc = imap_conn_fetch_bodies(p->conn, uids, to - from,
	    partial ? POLL_PREFIX : 0, &bodies, &nb, err, errlen);
	for (size_t i = 0; rc == PF_OK && i < nb; i++)
		if ((it = poll_find(items + from, to - from, bodies[i].uid)) &&
		    it->fate == FATE_NEW)
			rc = poll_record(p, it, &bodies[i], err, errlen);
	for (size_t i = from; rc == PF_OK && i < to; i++)
		if (items[i].fate == FATE_NEW)
			items[i].fate = FATE_GONE;
	imap_conn_bodies_free(p->conn);
	free(bodies);
	free(uids);
	return rc;
}

/* Reads the NEW items in groups: consecutive items of one kind (whole or
 * prefix) whose sizes fit the fetch budget, at least one per group. */
static int
poll_read(struct poll_ctx *p, struct poll_item *items, size_t n,
    char *err, size_t errlen)
{
	size_t i = 0, j, budget;
	int rc, partial;

	while (i < n) {
		if (items[i].fate != FATE_NEW) {
			i++;
			continue;
		}
		partial = poll_too_big(p, &items[i]);
		budget = partial ? POLL_PREFIX : items[i].ref.size;
		for (j = i + 1; j < n && items[j].fate == FATE_NEW &&
		    poll_too_big(p, &items[j]) == partial; j++) {
			size_t more = partial ? POLL_PREFIX : items[j].ref.size;

			if (budget + more > POLL_FETCH_BUDGET)
				break;
			budget += more;
		}
		if ((rc = poll_group(p, items, i, j, partial, err, errlen)) !=
		    PF_OK)
			return rc;
		i = j;
	}
	return PF_OK;
}

/* Moves the items of one fate out of the mailbox. */
static int
poll_move(struct poll_ctx *p, struct poll_item *items, size_t n,
    enum poll_fate fate, const char *dest, char *err, size_t errlen)
{
	uint32_t *uids = xcalloc(n, sizeof(*uids));
	size_t k = 0;
	int rc = PF_OK;

	for (size_t i = 0; i < n; i++)
		if (items[i].fate == fate)
			uids[k++] = items[i].ref.uid;
	if (k > 0 && fate == FATE_GIVE_UP && !p->failed_box_ready) {
		rc = imap_conn_ensure_mailbox(p->conn, dest, err, errlen);
		p->failed_box_ready = rc == PF_OK;
	}
	if (k > 0 && rc == PF_OK)
		rc = imap_conn_move(p->conn, uids, k, dest, err, errlen);
	free(uids);
	return rc;
}

/* Moves the recorded mails of the windows committed so far. */
static int
poll_flush_moves(struct poll_ctx *p, char *err, size_t errlen)
{
	int rc;

	if (p->n_moving == 0)
		return PF_OK;
	rc = imap_conn_move(p->conn, p->moving, p->n_moving,
	    p->cfg->imap_processed, err, errlen);
	p->n_moving = 0;
	return rc;
}

/* One window: classify, read and record in one transaction, then move.
 * The recorded mails are moved POLL_MOVE_BATCH at a time, across
 * windows: Dovecot's cost of a MOVE is mostly per command (it rewrites
 * the index of the source mailbox), so moving each window of
 * batch_size mails on its own took longer than recording them. Only
 * committed mails wait, so the rule stays: recorded, then moved (a crash
 * in between leaves recorded mails that the next run only moves). */
static int
poll_batch(struct poll_ctx *p, struct poll_item *items, size_t n,
    char *err, size_t errlen)
{
	int rc, systemic = 0;

	if ((rc = store_begin(p->s, err, errlen)) != PF_OK)
		return rc;
	if ((rc = poll_classify(p, items, n, err, errlen)) != PF_OK ||
	    (rc = poll_read(p, items, n, err, errlen)) != PF_OK ||
	    (rc = poll_settle(p, items, n, &systemic, err, errlen)) !=
	    PF_OK || (rc = store_commit(p->s, err, errlen)) != PF_OK) {
		store_rollback(p->s);
		return rc;
	}
	/* Committed: from here on a failure only delays the moves. */
	p->moving = xrealloc(p->moving, (p->n_moving + n) *
	    sizeof(*p->moving));
	for (size_t i = 0; i < n; i++)
		if (items[i].fate == FATE_DONE)
			p->moving[p->n_moving++] = items[i].ref.uid;
	if (p->n_moving >= POLL_MOVE_BATCH &&
	    (rc = poll_flush_moves(p, err, errlen)) != PF_OK)
		return rc;
	if ((rc = poll_move(p, items, n, FATE_GIVE_UP, p->cfg->imap_failed,
	    err, errlen)) != PF_OK)
		return rc;
	return systemic ? PF_ERR : PF_OK;
}

static void
poll_tally(const struct poll_item *items, size_t n, uint32_t *stay)
{
	for (size_t i = 0; i < n; i++)
		switch (items[i].fate) {
		case FATE_STAY:
			(*stay)++;
			break;
		case FATE_DONE:
		case FATE_GIVE_UP:
		case FATE_GONE:
			break;
		case FATE_NEW:
		default:
			abort();	/* every item was decided */
		}
}

/* The items of a window that this run has not handled yet and that
 * were there when it started. UIDs grow with arrival, so the run ends
 * even if the mailbox keeps filling or a move leaves messages behind. */
static struct poll_item *
poll_items(struct poll_ctx *p, const struct imap_msgref *refs, size_t *n)
{
	struct poll_item *items = xcalloc(*n, sizeof(*items));
	size_t k = 0;

	for (size_t i = 0; i < *n; i++)
		if (refs[i].uid > p->max_uid &&
		    (p->uidnext == 0 || refs[i].uid < p->uidnext))
			items[k++].ref = refs[i];
	for (size_t i = 0; i < k; i++)
		if (items[i].ref.uid > p->max_uid)
			p->max_uid = items[i].ref.uid;
	*n = k;
	return items;
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

/* Windows of batch_size messages from the first one that is neither
 * staying nor recorded and waiting for its move, until none is left;
 * then the last moves, whatever stopped the loop. */
static int
poll_mailbox(struct poll_ctx *p, char *err, size_t errlen)
{
	struct imap_msgref *refs;
	struct poll_item *items;
	uint32_t stay = 0, exists, lo, hi, total = imap_conn_exists(p->conn);
	char merr[PF_ERRLEN];
	size_t n;
	int rc = PF_OK, mrc;

	while (rc == PF_OK && (exists = imap_conn_exists(p->conn)) >
	    (lo = stay + (uint32_t)p->n_moving)) {
		hi = exists - lo > (uint32_t)p->cfg->imap_batch ?
		    lo + (uint32_t)p->cfg->imap_batch : exists;
		if ((rc = imap_conn_fetch_refs(p->conn, lo + 1, hi, &refs,
		    &n, err, errlen)) != PF_OK)
			break;
		items = poll_items(p, refs, &n);
		free(refs);
		if (n == 0) {
			/* Nothing this run has not handled yet: a move that
			 * did not take, or a miscount. The next run sees. */
			free(items);
			break;
		}
		if ((rc = poll_batch(p, items, n, err, errlen)) == PF_OK)
			poll_tally(items, n, &stay);
		for (size_t i = 0; i < n; i++)
			free(items[i].why);
		free(items);
		poll_progress(p, total, 0);
	}
	/* After an error of ours too (the database, a systemic failure):
	 * what was committed need not wait for the next run. Not when the
	 * server is the problem: that would only wait for it once more.
	 * The first error is the one reported. */
	if (rc != IMAP_TEMPFAIL && rc != IMAP_UNAVAILABLE &&
	    (mrc = poll_flush_moves(p, merr, sizeof(merr))) != PF_OK &&
	    rc == PF_OK) {
		err_set(err, errlen, "%s", merr);
		rc = mrc;
	}
	poll_progress(p, total, 1);
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

int
imap_poll(struct store *s, const struct config *cfg,
    struct poll_result *res, char *err, size_t errlen)
{
	struct poll_ctx p;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.cfg = cfg;
	p.res = res;
	if ((rc = poll_check_conf(cfg, err, errlen)) != PF_OK ||
	    (rc = imap_conn_open(&cfg->imap, &p.conn, err, errlen)) != PF_OK)
		return rc;
	if ((rc = imap_conn_ensure_mailbox(p.conn, cfg->imap_processed, err,
	    errlen)) == PF_OK &&
	    (rc = imap_conn_select(p.conn, cfg->imap_mailbox, &p.uidvalidity,
	    err, errlen)) == PF_OK) {
		p.uidnext = imap_conn_uidnext(p.conn);
		rc = poll_mailbox(&p, err, errlen);
	}
	imap_conn_close(p.conn);
	free(p.moving);
	return rc;
}
