/* smtp_send.c - the `send` stage: due outbox rows over one SMTP session,
 * outcomes recorded in batches (see smtp_send.h for the guarantees). */
#include "smtp_send.h"
#include "bounce.h"
#include "clock.h"
#include "log.h"
#include "notice.h"
#include "smtp_conn.h"
#include "store_confirm.h"
#include "store_send.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Notices held in memory at once, and recorded by one commit (so one
 * fsync) unless SEND_COMMIT_SECS come first: at 32, the fsyncs were a
 * fifth of the time of a long queue. */
#define SEND_PAGE		256
#define SEND_JOURNAL_MAX	65536	/* bytes of acceptance journal read */
#define SEND_COMMIT_SECS	2	/* longest wait to record acceptances */
#define SEND_MAX_BROKEN		3	/* lost sessions in a row: give up */

enum link_state {
	LINK_IDLE,	/* no session: open one when needed */
	LINK_UP,	/* a session that was usable after its last use */
	LINK_DOWN	/* no session can be had this run */
};

/* An outcome waiting for the batch commit. row points into the current
 * page, which outlives every flush of its outcomes. */
struct pending {
	const struct send_row	*row;
	struct send_outcome	 o;
	char			 reply[SMTP_REPLY_MAX + 96];
};

struct sender {
	struct store		*s;
	const struct config	*cfg;
	struct send_stats	*st;
	const char		*from;		/* envelope: "" for <> */
	struct smtp_conn	*conn;
	enum link_state		 link;
	int			 kept;		/* conn is an earlier run's,
						   not used yet by this one */
	int			 broken;	/* lost sessions in a row */
	struct pending		 pend[SEND_PAGE];
	size_t			 n_pend;
	struct pending		*inflight;	/* in pend, its reply to come */
	int			 accepted;	/* pend holds a sent outcome */
	struct timespec		 first;		/* ... accepted at */
	int			 jfd;		/* the acceptance journal */
	off_t			 jlen;		/* ... its length */
	int			 auth_required;	/* the server wants AUTH */
};

/* The kind of the one alert of an authentication-required episode. */
#define SEND_AUTH_ALERT	"smtp authentication required"

time_t
send_retry_delay(int attempts)
{
	static const time_t steps[] = { 5 * 60, 30 * 60, 2 * 3600, 6 * 3600 };
	size_t n = sizeof(steps) / sizeof(steps[0]);

	if (attempts < 1)
		attempts = 1;
	return (size_t)attempts > n ? steps[n - 1] : steps[attempts - 1];
}

int
send_next_attempt(time_t created, int attempts, time_t now,
    int max_age_days, time_t *next)
{
	time_t limit = (created ? created : now) + (time_t)max_age_days * 86400;

	if (now >= limit)
		return 1;
	*next = now + send_retry_delay(attempts);
	if (*next > limit)
		*next = limit;
	return 0;
}

/* --- one lock per database -------------------------------------------- */

/* Two sends at once (cron's `run` and an operator's `send`) would both
 * deliver the same due rows; the second one waits for the next run. */
static int
send_lock(const struct config *cfg, int *fdp, char *err, size_t errlen)
{
	char *path = xasprintf("%s-send.lock", cfg->db_path);
	int fd, rc = PF_OK;

	*fdp = -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		rc = STORE_IO;
	} else if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			err_set(err, errlen, "another picflow send is "
			    "delivering from %s; try again later", cfg->db_path);
			rc = SEND_BUSY;
		} else {
			err_set(err, errlen, "%s: %s", path, strerror(errno));
			rc = STORE_IO;
		}
		close(fd);
	} else
		*fdp = fd;
	free(path);
	return rc;
}

/* --- the acceptance journal ------------------------------------------ */

/* Outcomes are committed in batches, so a notice the server accepted may
 * still be `queued` on disk when picflow is killed, or when the database
 * refuses the write (disk full): sent again by the next run, and again
 * by the one after if that one dies too. The send lock file therefore
 * lists, meanwhile, the id of every notice accepted since the last
 * commit, written the moment the server says so (into the system's cache,
 * which outlives the process; no fsync). The next send records those as
 * sent before anything else instead of sending them again: only a notice
 * whose acceptance had not yet arrived is sent once more. */
static void
journal_add(struct sender *sd, int64_t id)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%" PRId64 "\n", id);

	/* If it cannot be written, the notice is only sent again. */
	if (pwrite(sd->jfd, line, (size_t)n, sd->jlen) == n)
		sd->jlen += n;
}

static void
journal_clear(struct sender *sd)
{
	if (sd->jlen > 0 && ftruncate(sd->jfd, 0) == 0)
		sd->jlen = 0;
}

/* Records what the journal says the last send had sent, in one
 * transaction; nothing is sent while that cannot be done. */
static int
journal_replay(struct sender *sd, char *err, size_t errlen)
{
	char buf[SEND_JOURNAL_MAX + 1], *p, *end;
	const char *why = "accepted by the server in a send that ended "
	    "before recording it";
	ssize_t n;
	int rc, done, k = 0;
	long long id;

	if ((n = pread(sd->jfd, buf, SEND_JOURNAL_MAX, 0)) <= 0)
		return PF_OK;
	buf[n] = '\0';
	if ((rc = store_begin(sd->s, err, errlen)) != PF_OK)
		return rc;
	for (p = buf; *p != '\0'; p = end) {
		id = strtoll(p, &end, 10);
		if (end == p || *end != '\n')
			break;		/* a torn last line: not accepted */
		end++;
		rc = store_send_recovered(sd->s, id, clock_now(), why, &done,
		    err, errlen);
		if (rc != PF_OK) {
			store_rollback(sd->s);
			return rc;
		}
		k += done;
	}
	if ((rc = store_commit(sd->s, err, errlen)) != PF_OK)
		return rc;
	if (k > 0)
		log_info("smtp: %d notice(s) accepted by the server before the "
		    "last send ended now recorded as sent", k);
	sd->st->sent += (unsigned)k;
	sd->jlen = n;
	journal_clear(sd);
	return PF_OK;
}

/* --- outcomes --------------------------------------------------------- */

static void
send_mark(struct pending *p, enum send_event ev, const char *reply)
{
	p->o.id = p->row->id;
	p->o.ev = ev;
	p->o.at = clock_now();
	p->o.attempts = p->row->attempts + 1;
	p->o.next = 0;
	snprintf(p->reply, sizeof(p->reply), "%s", reply);
	p->o.reply = p->reply;
}

/* Temporary: again later, unless the notice has grown too old. */
static void
send_defer(struct sender *sd, struct pending *p, const char *reply)
{
	char why[sizeof(p->reply)];

	send_mark(p, SEND_EV_DEFERRED, reply);
	if (send_next_attempt(p->row->created_at, p->o.attempts, p->o.at,
	    sd->cfg->smtp_max_age_days, &p->o.next)) {
		snprintf(why, sizeof(why), "gave up after %d attempts in %d "
		    "days; last: %s", p->o.attempts, sd->cfg->smtp_max_age_days,
		    reply);
		send_mark(p, SEND_EV_FAILED, why);
	}
}

static void
send_log(const struct pending *p, int quiet)
{
	const struct send_row *r = p->row;
	char next[CLOCK_ISO_LEN];

	switch (p->o.ev) {
	case SEND_EV_SENT:
		log_info("smtp: %s #%" PRId64 " to %s sent: %s", r->template,
		    r->id, r->recipient, p->reply);
		break;
	case SEND_EV_DEFERRED:
		clock_iso(p->o.next, next);
		if (quiet)
			log_debug("smtp: %s #%" PRId64 " to %s deferred to %s",
			    r->template, r->id, r->recipient, next);
		else
			log_warn("smtp: %s #%" PRId64 " to %s deferred to %s: "
			    "%s", r->template, r->id, r->recipient, next,
			    p->reply);
		break;
	case SEND_EV_FAILED:
		log_warn("smtp: %s #%" PRId64 " to %s failed: %s", r->template,
		    r->id, r->recipient, p->reply);
		break;
	default:
		abort();
	}
}

/* --- the session ------------------------------------------------------ */

static void
send_link_down(struct sender *sd)
{
	smtp_conn_close(sd->conn);
	sd->conn = NULL;
	sd->link = LINK_DOWN;
	sd->st->unavailable = 1;
	log_info("smtp: no session this run: %s", sd->st->reason);
}

/* A usable session, opening one when there is none. PF_OK, SMTP_CONFIG
 * (err set), or SMTP_UNAVAILABLE (st->reason set). */
static int
send_link(struct sender *sd, char *err, size_t errlen)
{
	int rc;

	if (sd->link == LINK_UP && !smtp_conn_usable(sd->conn)) {
		smtp_conn_close(sd->conn);
		sd->conn = NULL;
		sd->link = LINK_IDLE;
	}
	switch (sd->link) {
	case LINK_UP:
		return PF_OK;
	case LINK_DOWN:
		return SMTP_UNAVAILABLE;
	case LINK_IDLE:
		rc = smtp_conn_open(sd->cfg, &sd->conn, sd->st->reason,
		    sizeof(sd->st->reason));
		if (rc == PF_OK) {
			sd->link = LINK_UP;
			return PF_OK;
		}
		if (rc == SMTP_CONFIG) {
			err_set(err, errlen, "%s", sd->st->reason);
			return rc;
		}
		send_link_down(sd);
		return SMTP_UNAVAILABLE;
	default:
		abort();
	}
}

/* The session died under a notice. A server that keeps doing that (or
 * keeps saying 421) is not retried for every notice of the run. */
static void
send_lost(struct sender *sd, const char *reply)
{
	if (++sd->broken < SEND_MAX_BROKEN)
		return;
	err_set(sd->st->reason, sizeof(sd->st->reason), "SMTP session lost "
	    "%d times in a row; last: %s", sd->broken, reply);
	send_link_down(sd);
}

/* The server wants an authenticated session: every notice would meet
 * the same answer, and failing them would lose them over a setting. The
 * notice is left as it was (queued, no attempt counted), like every one
 * after it, and the run stops with SMTP_CONFIG (exit 78); send_run
 * alerts the operator, once. */
static int
send_auth_required(struct sender *sd, const struct smtp_result *res,
    char *err, size_t errlen)
{
	sd->auth_required = 1;
	if (sd->cfg->smtp.user == NULL)
		err_set(err, errlen, "the SMTP server %s requires "
		    "authentication and [smtp] user is not set (%s); the "
		    "notices stay queued", sd->cfg->smtp.host, res->reply);
	else
		err_set(err, errlen, "the SMTP server %s refuses mail from "
		    "the session of [smtp] user %s as unauthenticated (%s); "
		    "the notices stay queued", sd->cfg->smtp.host,
		    sd->cfg->smtp.user, res->reply);
	log_err("smtp: %s", err);
	return SMTP_CONFIG;
}

/* The outcome of one notice's attempt, into p. */
static int
send_classify(struct sender *sd, struct pending *p,
    const struct smtp_result *res, char *err, size_t errlen)
{
	switch (res->outcome) {
	case SMTP_SENT:
		journal_add(sd, p->row->id);
		sd->broken = 0;
		send_mark(p, SEND_EV_SENT, res->reply);
		if (!sd->accepted) {
			sd->accepted = 1;
			clock_gettime(CLOCK_MONOTONIC, &sd->first);
		}
		break;
	case SMTP_TEMPFAIL:
		send_defer(sd, p, res->reply);
		if (smtp_conn_usable(sd->conn))
			sd->broken = 0;
		else
			send_lost(sd, res->reply);	/* 421: it left */
		break;
	case SMTP_PERMFAIL:
		sd->broken = 0;
		send_mark(p, SEND_EV_FAILED, res->reply);
		break;
	case SMTP_SENDER_REFUSED:
		/* Every notice would meet the same refusal: failing them
		 * one by one would lose them all over a setting. */
		err_set(sd->st->reason, sizeof(sd->st->reason), "the SMTP "
		    "server refuses our envelope sender <%s> ([smtp] "
		    "envelope_from): %s", sd->from, res->reply);
		send_link_down(sd);
		send_defer(sd, p, res->reply);
		break;
	case SMTP_BROKEN:
		send_lost(sd, res->reply);
		send_defer(sd, p, res->reply);
		break;
	case SMTP_AUTH_REQUIRED:
		return send_auth_required(sd, res, err, errlen);
	case SMTP_PENDING:
	default:
		abort();
	}
	send_log(p, 0);
	return PF_OK;
}

/* The notice whose body went out last: its final reply came with the
 * envelope written after it, or is read now. Returns whether the
 * session ended with it. */
static int
send_settle(struct sender *sd)
{
	struct smtp_result res;
	struct pending *p = sd->inflight;
	char err[PF_ERRLEN];

	if (p == NULL)
		return 0;
	sd->inflight = NULL;
	if (!smtp_conn_settle(sd->conn, &res)) {
		memset(&res, 0, sizeof(res));
		res.outcome = SMTP_BROKEN;
		snprintf(res.reply, sizeof(res.reply), "no reply to the end "
		    "of data");
	}
	/* No AUTH refusal after the data: classify cannot fail here. */
	(void)send_classify(sd, p, &res, err, sizeof(err));
	return !smtp_conn_usable(sd->conn);
}

/* One notice: an attempt, classified into p now, or once its reply is
 * in (sd->inflight). */
static int
send_one(struct sender *sd, const struct send_row *row, struct pending *p,
    char *err, size_t errlen)
{
	struct smtp_result res;
	char *verp;
	int rc, lost;

	p->row = row;
	if ((rc = send_link(sd, err, errlen)) == SMTP_CONFIG)
		return rc;
	if (rc != PF_OK) {
		send_defer(sd, p, sd->st->reason);
		send_log(p, 1);
		return PF_OK;
	}
	/* VERP: the bounce comes back to local+<id>@domain, naming the
	 * notice even when it returns nothing of it (bounce.c) */
	verp = sd->cfg->smtp_verp && *sd->from ?
	    bounce_verp_address(sd->from, row->id) : NULL;
	smtp_conn_send(sd->conn, verp ? verp : sd->from, row->recipient,
	    row->message, row->message_len, &res);
	free(verp);
	lost = send_settle(sd);
	/* A kept session the server dropped just now, or one that ended
	 * with the notice before: this one went nowhere, so a new session
	 * takes it, not the retry delay. */
	if ((sd->kept || lost) && res.untouched &&
	    (res.outcome == SMTP_BROKEN || res.outcome == SMTP_TEMPFAIL)) {
		log_info("smtp: the %s session was gone (%s): a new one",
		    sd->kept ? "kept" : "last", res.reply);
		if (sd->link == LINK_UP) {
			smtp_conn_close(sd->conn);
			sd->conn = NULL;
			sd->link = LINK_IDLE;
		}
		sd->kept = 0;
		return send_one(sd, row, p, err, errlen);
	}
	sd->kept = 0;
	if (res.outcome == SMTP_PENDING) {
		sd->inflight = p;
		return PF_OK;
	}
	return send_classify(sd, p, &res, err, errlen);
}

/* --- recording -------------------------------------------------------- */

static int
send_alert(struct sender *sd, const struct pending *p, char *err,
    size_t errlen)
{
	const struct send_row *r = p->row;
	struct request_row req;
	char *text;
	int rc = PF_OK, found;

	memset(&req, 0, sizeof(req));
	if (r->request_id && (rc = store_request_load(sd->s, r->request_id,
	    &req, err, errlen)) < 0)
		return rc;
	found = rc == STORE_FOUND;
	text = xasprintf("The %s notice #%" PRId64 " to %s could not be "
	    "delivered and will not be tried again.\n"
	    "  Attempts:      %d\n"
	    "  Last reply:    %s\n"
	    "Its text: picflow outbox --dump %" PRId64, r->template, r->id,
	    r->recipient, p->o.attempts, p->reply, r->id);
	rc = notice_alert(sd->s, sd->cfg, found ? &req : NULL,
	    "delivery failure", text, err, errlen);
	free(text);
	/* The request's history says so too: `show` is where one looks
	 * (a non-ASCII address and a server without SMTPUTF8, SPEC 7). */
	if (rc == PF_OK && found) {
		text = xasprintf("%s notice #%" PRId64 " to %s not delivered: "
		    "%s", r->template, r->id, r->recipient, p->reply);
		rc = store_note(sd->s, &req, text, err, errlen);
		free(text);
	}
	request_row_free(&req);
	return rc;
}

static int
send_record(struct sender *sd, const struct pending *p, char *err,
    size_t errlen)
{
	int rc;

	if ((rc = store_send_record(sd->s, &p->o, err, errlen)) != PF_OK)
		return rc;
	if (p->o.ev != SEND_EV_FAILED)
		return PF_OK;
	/* An alert about an undeliverable alert would be undeliverable too,
	 * and would loop: the log is the operator's last resort. */
	if (strcmp(p->row->template, "alert") == 0) {
		log_err("smtp: operator alert #%" PRId64 " to %s could not be "
		    "delivered: %s", p->row->id, p->row->recipient, p->reply);
		return PF_OK;
	}
	return send_alert(sd, p, err, errlen);
}

/* One transaction for every pending outcome. */
static int
send_flush(struct sender *sd, char *err, size_t errlen)
{
	int rc;

	(void)send_settle(sd);
	if (sd->n_pend == 0)
		return PF_OK;
	if ((rc = store_begin(sd->s, err, errlen)) != PF_OK)
		return rc;
	for (size_t i = 0; i < sd->n_pend; i++)
		if ((rc = send_record(sd, &sd->pend[i], err, errlen)) !=
		    PF_OK) {
			store_rollback(sd->s);
			return rc;
		}
	if ((rc = store_commit(sd->s, err, errlen)) != PF_OK)
		return rc;
	journal_clear(sd);
	for (size_t i = 0; i < sd->n_pend; i++) {
		const struct pending *p = &sd->pend[i];

		if (p->o.ev == SEND_EV_SENT)
			sd->st->sent++;
		else if (p->o.ev == SEND_EV_DEFERRED)
			sd->st->deferred++;
		else {
			sd->st->failed++;
			sd->st->alerts += strcmp(p->row->template, "alert") != 0;
		}
	}
	sd->n_pend = 0;
	sd->accepted = 0;
	return PF_OK;
}

/* Acceptances wait at most SEND_COMMIT_SECS, and never across a
 * reconnection (which may take a whole timeout). */
static int
send_flush_due(const struct sender *sd)
{
	struct timespec now;

	if (!sd->accepted)
		return 0;
	if (!smtp_conn_usable(sd->conn))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - sd->first.tv_sec >= SEND_COMMIT_SECS;
}

static int
send_page(struct sender *sd, const struct send_row *rows, size_t n,
    char *err, size_t errlen)
{
	char ferr[PF_ERRLEN];
	int rc = PF_OK, frc;

	for (size_t i = 0; i < n && rc == PF_OK; i++) {
		if (send_flush_due(sd) &&
		    (rc = send_flush(sd, err, errlen)) != PF_OK)
			return rc;
		rc = send_one(sd, &rows[i], &sd->pend[sd->n_pend], err,
		    errlen);
		if (rc != PF_OK)
			break;
		sd->n_pend++;
	}
	/* What was done is recorded even when the page stops early. */
	if ((frc = send_flush(sd, ferr, sizeof(ferr))) != PF_OK) {
		err_set(err, errlen, "%s", ferr);
		return frc;
	}
	return rc;
}

/* One alert per episode: none while an alert of the kind is younger
 * than the last notice the server took (store_alert_since_sent), so a
 * server that wants AUTH for a week is one mail, which goes out with the
 * queue once the configuration is fixed. */
static int
send_auth_alert(struct sender *sd, const char *why, char *err,
    size_t errlen)
{
	char *text;
	int rc, open = 0;

	if ((rc = store_begin(sd->s, err, errlen)) != PF_OK)
		return rc;
	if ((rc = store_alert_since_sent(sd->s, SEND_AUTH_ALERT, &open, err,
	    errlen)) == PF_OK && !open) {
		text = xasprintf("No notice can be sent: %s.\n"
		    "Set [smtp] user and password_file (or use a server that "
		    "takes mail from picflow without AUTH), then run picflow "
		    "check-config; the queue goes out at the next send.", why);
		rc = notice_alert(sd->s, sd->cfg, NULL, SEND_AUTH_ALERT, text,
		    err, errlen);
		free(text);
	}
	if (rc != PF_OK) {
		store_rollback(sd->s);
		return rc;
	}
	if (open)
		log_info("smtp: the operator was alerted already (%s)",
		    SEND_AUTH_ALERT);
	return store_commit(sd->s, err, errlen);
}

int
send_run(struct store *s, const struct config *cfg, struct send_stats *st,
    char *err, size_t errlen)
{
	return send_run_kept(s, cfg, st, NULL, err, errlen);
}

int
send_run_kept(struct store *s, const struct config *cfg,
    struct send_stats *st, struct smtp_conn **keep, char *err, size_t errlen)
{
	struct send_row *rows = NULL;
	struct sender sd;
	int64_t after = 0;
	size_t n = 0;
	int lock = -1, rc;

	memset(st, 0, sizeof(*st));
	if ((rc = smtp_conn_check_config(cfg, err, errlen)) != PF_OK ||
	    (rc = send_lock(cfg, &lock, err, errlen)) != PF_OK)
		return rc;
	memset(&sd, 0, sizeof(sd));
	sd.s = s;
	sd.cfg = cfg;
	sd.st = st;
	sd.from = strcmp(cfg->smtp_envelope_from, "<>") == 0 ? "" :
	    cfg->smtp_envelope_from;
	sd.link = LINK_IDLE;
	sd.jfd = lock;
	if (keep != NULL && *keep != NULL) {
		if (smtp_conn_alive(*keep)) {
			sd.conn = *keep;
			sd.link = LINK_UP;
			sd.kept = 1;
		} else
			smtp_conn_close(*keep);
		*keep = NULL;
	}
	if ((rc = journal_replay(&sd, err, errlen)) != PF_OK) {
		smtp_conn_close(sd.conn);
		close(lock);
		return rc;
	}
	/* The clock is read per page: alerts queued by this run are due
	 * at once and go out in a later page of the same run. */
	while ((rc = store_send_due(s, clock_now(), after, SEND_PAGE, &rows,
	    &n, err, errlen)) == PF_OK && n > 0) {
		after = rows[n - 1].id;
		rc = send_page(&sd, rows, n, err, errlen);
		send_rows_free(rows, n);
		if (rc != PF_OK)
			break;
	}
	if (keep != NULL && rc == PF_OK && smtp_conn_usable(sd.conn))
		*keep = sd.conn;
	else
		smtp_conn_close(sd.conn);
	close(lock);
	if (sd.auth_required) {
		char aerr[PF_ERRLEN];

		if (send_auth_alert(&sd, err, aerr, sizeof(aerr)) != PF_OK)
			log_err("smtp: alert not recorded: %s", aerr);
	}
	return rc;
}
