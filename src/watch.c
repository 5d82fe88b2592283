/* watch.c - `picflow watch` (SPEC 9): the cycle of run.c, run as soon as
 * there is something to do, by a process that stays.
 *
 * What wakes it: the IMAP server, through a session of its own that only
 * watches the mailbox (EXAMINE, then IDLE, RFC 2177, re-issued before the
 * 30 minutes after which a server may drop it); where the server has no
 * IDLE, a cycle every [watch] poll_seconds. The next timer or queued
 * notice falling due (store_next_due): it sleeps until then, never
 * looks in between. A signal: SIGTERM/SIGINT stop it after the current
 * transaction, SIGHUP reloads the configuration, SIGUSR1 runs a cycle now
 * (and, like every wake, re-reads PICFLOW_NOW_FILE: that is how tests
 * move its clock). The systemd watchdog, when one is asked for.
 *
 * Each cycle is run_cycle(): the poll has a session of its own (the
 * watching one stays in IDLE), the notices go out over another; both are
 * kept for the next cycle unless WATCH_KEEP_SECS pass without one.
 * After a cycle that read mail, the watching session asks NOOP every
 * WATCH_NOOP_SECS for [watch] eager_seconds instead of idling: mail comes
 * in runs (a burst, a reply to a notice), and Dovecot holds back what
 * it reports in IDLE by half a second, where a NOOP is answered at once.
 * Signals are blocked and read from a signalfd, so that none interrupts
 * a transaction; the poll asks sigpending() after each commit. */
#include "watch.h"
#include "clock.h"
#include "imap_conn.h"
#include "log.h"
#include "metrics.h"
#include "notice.h"
#include "run.h"
#include "smtp_conn.h"

#include <systemd/sd-daemon.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* Before the 30 minutes of RFC 2177 (a server may log out an idle client
 * then). */
#define WATCH_IDLE_SECS		(28 * 60)
/* Longest sleep with nothing at all to wait for. */
#define WATCH_MAX_SLEEP		3600.0
/* The poll's IMAP session and the send's SMTP session stay open this
 * long after a cycle, for the next mail: a login, two TLS handshakes and
 * the server's delayed ACKs after them were most of a one-mail cycle.
 * Well below the servers' own idle limits (Postfix: 300 s). */
#define WATCH_KEEP_SECS		60.0
/* The NOOP's interval in the eager window: a tenth of a millisecond of
 * the server's CPU each, a quarter of the latency target. */
#define WATCH_NOOP_SECS		0.05

enum watch_state {
	WS_DOWN,	/* no watching session: connect at next_connect */
	WS_IDLE,	/* a watching session; IDLE sent when idling */
	WS_POLLING,	/* no IDLE on the server (or no IMAP): a cycle every
			   poll_seconds */
};

struct watch {
	struct config		*cfg;
	struct store		*s;
	int			 verbosity;
	int			 sigfd;
	enum watch_state	 state;
	struct imap_conn	*ic;		/* WS_IDLE */
	int			 idling, idle_fd;
	double			 idle_until;	/* re-issue IDLE then */
	double			 eager_until;	/* NOOPs, not IDLE, till then */
	double			 next_noop;
	double			 next_poll;	/* WS_POLLING */
	double			 next_connect;	/* WS_DOWN */
	int			 backoff;	/* seconds, doubling */
	double			 down_since;	/* 0: IMAP up */
	int			 alerted;	/* for this outage */
	double			 hook_retry;	/* 0: none; a cycle then */
	time_t			 due_seen;	/* a due time a cycle ran for */
	double			 due_retry;	/* ... and when to try again */
	uint64_t		 wd_usec;	/* systemd watchdog, 0: none */
	double			 wd_last;
	struct run_keep		 keep;		/* sessions between cycles */
	double			 keep_until;	/* ... closed then */
	int			 stop, want_cycle;
	const char		*why;		/* of want_cycle, for the log */
};

static double
watch_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
watch_want(struct watch *w, const char *why)
{
	if (!w->want_cycle)
		w->why = why;
	w->want_cycle = 1;
}

/* The poll's question after each commit: was a stop asked for? The
 * signal is still pending (blocked), so nothing is consumed here. */
static int
watch_stop_asked(void *arg)
{
	struct watch *w = arg;
	sigset_t pending;

	if (w->stop)
		return 1;
	if (sigpending(&pending) == 0 && (sigismember(&pending, SIGTERM) ||
	    sigismember(&pending, SIGINT)))
		w->stop = 1;
	return w->stop;
}

static void
watch_clock(void)
{
	char err[PF_ERRLEN];

	if (clock_init(err, sizeof(err)) != PF_OK)
		log_warn("watch: %s: the clock stays where it was", err);
}

static void
watch_alert(struct watch *w, const char *kind, const char *text)
{
	char err[PF_ERRLEN];

	if (store_begin(w->s, err, sizeof(err)) != PF_OK ||
	    notice_alert(w->s, w->cfg, NULL, kind, text, err,
	    sizeof(err)) != PF_OK || store_commit(w->s, err, sizeof(err)) !=
	    PF_OK) {
		store_rollback(w->s);
		log_err("watch: operator alert not queued: %s", err);
	}
}

/* The IMAP server could not be reached (why): try again after the
 * backoff, doubled up to [watch] backoff_max_seconds; one alert once the
 * outage has lasted [watch] outage_alert_seconds. */
static void
watch_imap_down(struct watch *w, const char *why)
{
	double now = watch_mono();
	char *text;

	if (w->down_since == 0) {
		w->down_since = now;
		w->backoff = 1;
		log_warn("watch: IMAP unavailable, retrying with backoff: %s",
		    why);
	} else {
		log_info("watch: IMAP still unavailable (%.0f s), next try in "
		    "%d s: %s", now - w->down_since, w->backoff, why);
	}
	w->next_connect = now + w->backoff;
	w->backoff = w->backoff * 2 > w->cfg->watch_backoff_max ?
	    w->cfg->watch_backoff_max : w->backoff * 2;
	if (!w->alerted && now - w->down_since >=
	    w->cfg->watch_outage_alert) {
		w->alerted = 1;
		text = xasprintf("picflow watch has not reached the IMAP "
		    "server for %.0f seconds; it keeps trying. Last error: %s",
		    now - w->down_since, why);
		watch_alert(w, "IMAP outage", text);
		log_err("watch: IMAP down for %.0f s: operator alerted",
		    now - w->down_since);
		free(text);
	}
}

static void
watch_imap_up(struct watch *w)
{
	if (w->down_since != 0)
		log_info("watch: IMAP back after %.0f s",
		    watch_mono() - w->down_since);
	w->down_since = 0;
	w->alerted = 0;
	w->backoff = 1;
}

/* Drops the watching session without a word: it is only watching, and
 * a hung server must not hold up a stop or a reload. */
static void
watch_drop(struct watch *w, enum watch_state next)
{
	imap_conn_abandon(w->ic);
	w->ic = NULL;
	w->idling = 0;
	w->state = next;
	w->next_connect = watch_mono();
}

/* Opens the watching session: IDLE when the server has it, else
 * polling. Either way a cycle follows: mail may have come meanwhile. */
static void
watch_connect(struct watch *w)
{
	const struct config *cfg = w->cfg;
	char err[PF_ERRLEN];
	int rc;

	if (cfg->imap.host == NULL) {
		w->state = WS_POLLING;
		w->next_poll = watch_mono() + cfg->watch_poll_seconds;
		watch_want(w, "start");
		return;
	}
	if ((rc = imap_conn_open(&cfg->imap, &w->ic, err, sizeof(err))) !=
	    PF_OK || (rc = imap_conn_examine(w->ic, cfg->imap_mailbox, err,
	    sizeof(err))) != PF_OK) {
		imap_conn_abandon(w->ic);
		w->ic = NULL;
		watch_imap_down(w, err);
		return;
	}
	watch_imap_up(w);
	watch_want(w, "connected");
	if (imap_conn_has_idle(w->ic)) {
		log_info("watch: watching %s with IDLE", cfg->imap_mailbox);
		w->state = WS_IDLE;
		return;
	}
	log_info("watch: the IMAP server has no IDLE: polling every %d s",
	    cfg->watch_poll_seconds);
	imap_conn_close(w->ic);
	w->ic = NULL;
	w->state = WS_POLLING;
	w->next_poll = watch_mono() + cfg->watch_poll_seconds;
}

/* The watching session failed (err): dropped, the outage counted, and a
 * cycle wanted, since what it was about to say may have been new mail. */
static void
watch_lost(struct watch *w, const char *err)
{
	watch_drop(w, WS_DOWN);
	watch_imap_down(w, err);
	watch_want(w, "connection lost");
}

static void
watch_idle_start(struct watch *w)
{
	char err[PF_ERRLEN];

	if (imap_conn_idle_start(w->ic, &w->idle_fd, err, sizeof(err)) !=
	    PF_OK) {
		watch_drop(w, WS_DOWN);
		watch_imap_down(w, err);
		return;
	}
	w->idling = 1;
	w->idle_until = watch_mono() + WATCH_IDLE_SECS;
}

/* The watching session has just told the mailbox's state: for the
 * metrics, a poll that worked. Without it, a watch idle for hours would
 * look like a poll that stopped (picflow_last_success_timestamp_seconds
 * is stamped at least every WATCH_IDLE_SECS). */
static void
watch_alive(struct watch *w)
{
	char err[PF_ERRLEN];

	if (store_stage_success(w->s, 1u << MS_POLL, clock_now(), err,
	    sizeof(err)) != PF_OK)
		log_warn("metrics: %s", err);
	else if (w->cfg->metrics_textfile && metrics_write_textfile(w->s,
	    w->cfg->metrics_textfile, err, sizeof(err)) != PF_OK)
		log_warn("metrics: [metrics] textfile: %s", err);
}

/* DONE: the responses the server sent while idling are read, and the
 * mailbox holding mail means a cycle (mail stays there until a poll
 * moved it; EXPUNGEs of our own moves alone leave it empty). */
static void
watch_idle_done(struct watch *w)
{
	char err[PF_ERRLEN];

	w->idling = 0;
	if (imap_conn_idle_done(w->ic, err, sizeof(err)) != PF_OK) {
		watch_lost(w, err);
		return;
	}
	if (imap_conn_exists(w->ic) > 0)
		watch_want(w, "new mail");
	else
		watch_alive(w);
}

/* In the eager window: NOOP, and a cycle if it reported new mail. */
static int
watch_eager(const struct watch *w)
{
	return w->state == WS_IDLE && !w->idling &&
	    watch_mono() < w->eager_until;
}

static void
watch_noop(struct watch *w)
{
	char err[PF_ERRLEN];
	int arrived;

	w->next_noop = watch_mono() + WATCH_NOOP_SECS;
	if (imap_conn_noop(w->ic, &arrived, err, sizeof(err)) != PF_OK)
		watch_lost(w, err);
	else if (arrived)
		watch_want(w, "new mail");
}

static void
watch_log_cycle(const struct watch *w, const struct run_result *res,
    double ms)
{
	const struct event_counts *e = &res->events;

	for (int i = 0; i < STAGE__N; i++)
		if (res->rc[i] != PF_OK)
			log_warn("watch: %s: %s",
			    run_stage_name((enum run_stage)i), res->err[i]);
	if (res->send.unavailable && res->rc[STAGE_SEND] == PF_OK)
		log_warn("watch: send: %s", res->send.reason);
	if (res->poll.recorded == 0 && e->accepted == 0 && e->rejected == 0 &&
	    e->held == 0 && e->provisioned == 0 && res->send.sent == 0 &&
	    res->send.deferred == 0 && res->send.failed == 0 &&
	    res->tick.overdue == 0 && res->tick.released == 0)
		return;
	log_info("watch (%s): %u mails read; requests: %d accepted, %d "
	    "rejected, %d held, %d provisioned; timers: %d fired; notices: "
	    "%u sent, %u deferred, %u failed (%.0f ms)", w->why,
	    res->poll.recorded, e->accepted, e->rejected, e->held,
	    e->provisioned, res->tick.overdue + res->tick.released,
	    res->send.sent, res->send.deferred, res->send.failed, ms);
}

/* One cycle of run: poll, hook, tick, send. */
static void
watch_cycle(struct watch *w)
{
	struct run_result *res = xcalloc(1, sizeof(*res));
	double t0 = watch_mono(), now;
	int rc;

	w->want_cycle = 0;
	watch_clock();
	run_cycle_kept(w->s, w->cfg, watch_stop_asked, w, &w->keep, res);
	now = watch_mono();
	w->keep_until = now + WATCH_KEEP_SECS;
	if (res->poll.recorded > 0 && w->cfg->watch_eager > 0) {
		w->eager_until = now + w->cfg->watch_eager;
		w->next_noop = now + WATCH_NOOP_SECS;
	}
	watch_log_cycle(w, res, (now - t0) * 1000);
	rc = res->rc[STAGE_POLL];
	/* Polling, the poll is the only sign of the server's health. */
	if (w->state == WS_POLLING && w->cfg->imap.host != NULL) {
		if (rc == IMAP_UNAVAILABLE || rc == IMAP_TEMPFAIL)
			watch_imap_down(w, res->err[STAGE_POLL]);
		else if (rc == PF_OK)
			watch_imap_up(w);
	}
	w->hook_retry = res->hook.later || res->hook.failed ?
	    watch_mono() + w->cfg->watch_poll_seconds : 0;
	free(res);
}

/* The configuration file again; a bad one is refused and the old one
 * kept. The database stays the one that is open and locked. */
static void
watch_reload(struct watch *w)
{
	struct config nc;
	char err[PF_ERRLEN];
	int level;

	if (config_load(&nc, w->cfg->path, err, sizeof(err)) != PF_OK) {
		log_err("watch: configuration reload refused, the old one "
		    "stays: %s", err);
		config_free(&nc);	/* what was read before the error */
		return;
	}
	if (nc.smtp_from == NULL || (nc.smtp.host != NULL &&
	    smtp_conn_check_config(&nc, err, sizeof(err)) != PF_OK)) {
		log_err("watch: configuration reload refused, the old one "
		    "stays: %s", nc.smtp_from == NULL ? "[smtp] from is not "
		    "set" : err);
		config_free(&nc);
		return;
	}
	if (strcmp(nc.db_path, w->cfg->db_path) != 0)
		log_warn("watch: [database] path changed: a restart takes it; "
		    "%s stays in use", w->cfg->db_path);
	free(nc.db_path);
	nc.db_path = xstrdup(w->cfg->db_path);
	/* These point into the old configuration. */
	watch_drop(w, WS_DOWN);
	run_keep_close(&w->keep, 0);
	config_free(w->cfg);
	*w->cfg = nc;
	level = w->cfg->log_level + w->verbosity;
	log_setup(level < LOG_LVL_INFO ? LOG_LVL_INFO : level >
	    LOG_LVL_DEBUG ? LOG_LVL_DEBUG : level, w->cfg->log_syslog);
	log_info("watch: configuration reloaded from %s", w->cfg->path ?
	    w->cfg->path : "(defaults)");
	w->down_since = 0;
	w->backoff = 1;
}

static void
watch_signals(struct watch *w)
{
	struct signalfd_siginfo si;

	while (read(w->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info("watch: signal %u: stopping", si.ssi_signo);
			w->stop = 1;
			break;
		case SIGHUP:
			sd_notify(0, "RELOADING=1");
			watch_reload(w);
			sd_notify(0, "READY=1");
			break;
		case SIGUSR1:
			watch_want(w, "SIGUSR1");
			break;
		default:
			break;
		}
	}
}

/* When the next timer or notice falls due, in seconds from now on the
 * monotonic clock; a due time a cycle already ran for (a notice that
 * cannot be sent, say) waits poll_seconds, never loops. */
static double
watch_due(struct watch *w, double now)
{
	char err[PF_ERRLEN];
	time_t due;

	if (store_next_due(w->s, &due, err, sizeof(err)) != PF_OK) {
		log_warn("watch: %s", err);
		return now + w->cfg->watch_poll_seconds;
	}
	if (due == 0)
		return now + WATCH_MAX_SLEEP;
	if (due > clock_now())
		return now + (double)(due - clock_now());
	if (due != w->due_seen) {
		w->due_seen = due;
		w->due_retry = now + w->cfg->watch_poll_seconds;
		return now;
	}
	return w->due_retry;
}

static double
watch_min(double a, double b)
{
	return a < b ? a : b;
}

/* Sleeps until the first thing to do: the socket, a signal, or the
 * earliest of the times the state asks for. */
static void
watch_wait(struct watch *w)
{
	struct pollfd pfd[2];
	double now = watch_mono(), due = watch_due(w, now), wake = due;
	nfds_t n = 1;
	int ms;

	switch (w->state) {
	case WS_DOWN:	 wake = watch_min(wake, w->next_connect); break;
	case WS_IDLE:	 wake = watch_min(wake, w->idling ? w->idle_until :
			     w->next_noop); break;
	case WS_POLLING: wake = watch_min(wake, w->next_poll); break;
	default:	 abort();
	}
	if (w->hook_retry)
		wake = watch_min(wake, w->hook_retry);
	if (w->keep.imap || w->keep.smtp)
		wake = watch_min(wake, w->keep_until);
	if (w->wd_usec)
		wake = watch_min(wake, w->wd_last + w->wd_usec / 2e6);
	pfd[0].fd = w->sigfd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (w->state == WS_IDLE && w->idling) {
		if (imap_conn_idle_buffered(w->ic))
			wake = now;
		pfd[1].fd = w->idle_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = 2;
	}
	ms = wake <= now ? 0 : (int)((wake - now) * 1000) + 1;
	if (poll(pfd, n, ms) < 0 && errno != EINTR)
		log_warn("watch: poll: %s", strerror(errno));
	watch_clock();
	if (pfd[0].revents & POLLIN)
		watch_signals(w);
	now = watch_mono();
	if (w->state == WS_IDLE && w->idling && ((n == 2 && pfd[1].revents) ||
	    imap_conn_idle_buffered(w->ic) || now >= w->idle_until ||
	    w->stop))
		watch_idle_done(w);
	if (w->state == WS_IDLE && !w->idling && now >= w->next_noop &&
	    !w->stop)
		watch_noop(w);
	if (w->state == WS_POLLING && now >= w->next_poll) {
		w->next_poll = now + w->cfg->watch_poll_seconds;
		watch_want(w, "poll");
	}
	if (w->hook_retry && now >= w->hook_retry)
		watch_want(w, "hook retry");
	if ((w->keep.imap || w->keep.smtp) && now >= w->keep_until)
		run_keep_close(&w->keep, 1);
	if (due <= now)
		watch_want(w, "due");
}

static void
watch_ping(struct watch *w)
{
	if (w->wd_usec == 0)
		return;
	sd_notify(0, "WATCHDOG=1");
	w->wd_last = watch_mono();
}

/* Blocks the signals watch reads (the poll's reader thread inherits the
 * mask) and opens the descriptor they are read from. */
static int
watch_setup_signals(struct watch *w, sigset_t *old, char *err,
    size_t errlen)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, old) != 0 ||
	    (w->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		err_set(err, errlen, "signals: %s", strerror(errno));
		return PF_ERR;
	}
	return PF_OK;
}

int
watch_run(struct config *cfg, struct store *s, int verbosity, char *err,
    size_t errlen)
{
	struct watch w;
	sigset_t old;	/* not restored: see the end */
	int level = cfg->log_level + verbosity;

	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.s = s;
	w.verbosity = verbosity;
	w.backoff = 1;
	w.state = WS_DOWN;
	/* One line per event: the daemon logs at info at least. */
	log_setup(level < LOG_LVL_INFO ? LOG_LVL_INFO : level > LOG_LVL_DEBUG ?
	    LOG_LVL_DEBUG : level, cfg->log_syslog);
	if (watch_setup_signals(&w, &old, err, errlen) != PF_OK)
		return PF_ERR;
	if (sd_watchdog_enabled(0, &w.wd_usec) <= 0)
		w.wd_usec = 0;
	log_info("watch: started (pid %ld)", (long)getpid());
	watch_connect(&w);
	if (w.want_cycle)
		watch_cycle(&w);
	sd_notify(0, "READY=1\nSTATUS=watching");
	watch_ping(&w);
	while (!w.stop && !watch_stop_asked(&w)) {
		if (w.state == WS_DOWN && watch_mono() >= w.next_connect)
			watch_connect(&w);
		if (w.want_cycle && !w.stop)
			watch_cycle(&w);
		if (w.stop)
			break;
		if (w.state == WS_IDLE && !w.idling && !watch_eager(&w))
			watch_idle_start(&w);
		watch_wait(&w);
		watch_ping(&w);
	}
	sd_notify(0, "STOPPING=1");
	imap_conn_abandon(w.ic);
	run_keep_close(&w.keep, 0);
	/* The stop signal may still be pending: the mask stays as it is
	 * (unblocked, it would kill the process on its way out). */
	close(w.sigfd);
	log_info("watch: stopped");
	return PF_OK;
}
