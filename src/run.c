/* run.c - one cron cycle: poll, hook, tick, send (SPEC 5).
 *
 * The stages share nothing but the database, so each runs whatever the
 * others did: with the IMAP server down, timers still fire and notices
 * still go out. */
#include "run.h"
#include "clock.h"
#include "imap_conn.h"
#include "log.h"
#include "metrics.h"
#include "smtp_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

const char *
run_stage_name(enum run_stage st)
{
	switch (st) {
	case STAGE_POLL:	return "poll";
	case STAGE_DNS:		return "dns";
	case STAGE_HOOK:	return "hook";
	case STAGE_TICK:	return "tick";
	case STAGE_SEND:	return "send";
	default:		abort();
	}
}

int
run_lock(const char *db_path, int *fd, char *err, size_t errlen)
{
	char *path = xasprintf("%s.lock", db_path);
	int rc = PF_OK;

	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0) {
		err_set(err, errlen, "lock %s: %s", path, strerror(errno));
		rc = errno == ENOSPC || errno == EROFS || errno == EACCES ||
		    errno == ENOENT ? STORE_IO : PF_ERR;
	} else if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			err_set(err, errlen, "another picflow run is active "
			    "(lock %s held): exiting", path);
		else
			err_set(err, errlen, "lock %s: %s", path,
			    strerror(errno));
		rc = errno == EWOULDBLOCK ? STORE_BUSY : PF_ERR;
		close(*fd);
		*fd = -1;
	}
	free(path);
	return rc;
}

void
run_cycle(struct store *s, const struct config *cfg, struct run_result *res)
{
	run_cycle_until(s, cfg, NULL, NULL, res);
}

/* Once stop() said so, it stays said: the stages after are skipped. */
static int
run_stopped(poll_stop_fn stop, void *arg, int *stopped)
{
	if (!*stopped && stop != NULL)
		*stopped = stop(arg) != 0;
	return *stopped;
}

/* When each stage last worked, then [metrics] textfile: what an alert
 * on a stalled picflow reads (SPEC 10). Neither failing fails the run:
 * the work is done, only its report is late. */
static void
run_metrics(struct store *s, const struct config *cfg,
    const struct run_result *res)
{
	static const struct {
		enum run_stage		 stage;
		enum metric_stage	 metric;
	} map[] = { { STAGE_POLL, MS_POLL }, { STAGE_TICK, MS_TICK },
	    { STAGE_SEND, MS_SEND } };
	char err[PF_ERRLEN];
	unsigned ok = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!res->skipped[map[i].stage] &&
		    res->rc[map[i].stage] == PF_OK &&
		    (map[i].stage != STAGE_SEND || !res->send.unavailable))
			ok |= 1u << map[i].metric;
	if (store_stage_success(s, ok, clock_now(), err, sizeof(err)) !=
	    PF_OK)
		log_warn("metrics: %s", err);
	if (cfg->metrics_textfile && metrics_write_textfile(s,
	    cfg->metrics_textfile, err, sizeof(err)) != PF_OK)
		log_warn("metrics: [metrics] textfile: %s", err);
}

void
run_cycle_until(struct store *s, const struct config *cfg,
    poll_stop_fn stop, void *arg, struct run_result *res)
{
	run_cycle_kept(s, cfg, stop, arg, NULL, res);
}

void
run_keep_close(struct run_keep *keep, int polite)
{
	if (polite) {
		imap_conn_close(keep->imap);
		smtp_conn_close(keep->smtp);
	} else {
		imap_conn_abandon(keep->imap);
		smtp_conn_abandon(keep->smtp);
	}
	keep->imap = NULL;
	keep->smtp = NULL;
}

void
run_cycle_kept(struct store *s, const struct config *cfg,
    poll_stop_fn stop, void *arg, struct run_keep *keep,
    struct run_result *res)
{
	int64_t mark = 0;
	char err[PF_ERRLEN];
	int stopped = 0;

	memset(res, 0, sizeof(*res));
	if (store_event_mark(s, &mark, err, sizeof(err)) != PF_OK)
		log_warn("%s", err);
	if (cfg->imap.host)
		res->rc[STAGE_POLL] = imap_poll_kept(s, cfg, stop, arg,
		    keep ? &keep->imap : NULL, &res->poll,
		    res->err[STAGE_POLL], PF_ERRLEN);
	else
		res->skipped[STAGE_POLL] = 1;
	/* New requests' DNS checks, all at once, before the hook sees any
	 * of them accepted. */
	res->rc[STAGE_DNS] = dns_stage_run(s, cfg, &res->dns,
	    res->err[STAGE_DNS], PF_ERRLEN);
	if (cfg->hook_command && !run_stopped(stop, arg, &stopped))
		res->rc[STAGE_HOOK] = hook_run(s, cfg, &res->hook,
		    res->err[STAGE_HOOK], PF_ERRLEN);
	else
		res->skipped[STAGE_HOOK] = 1;
	if (!run_stopped(stop, arg, &stopped))
		res->rc[STAGE_TICK] = tick_run(s, cfg, &res->tick,
		    res->err[STAGE_TICK], PF_ERRLEN);
	else
		res->skipped[STAGE_TICK] = 1;
	/* Requests released from a cooldown wait for their DNS check too:
	 * their notices then go out with this run's send. */
	if (res->rc[STAGE_TICK] == PF_OK && res->rc[STAGE_DNS] == PF_OK &&
	    res->tick.released > 0) {
		struct dns_stage_result more;

		res->rc[STAGE_DNS] = dns_stage_run(s, cfg, &more,
		    res->err[STAGE_DNS], PF_ERRLEN);
		res->dns.checked += more.checked;
		res->dns.decided += more.decided;
	}
	if (cfg->smtp.host && !run_stopped(stop, arg, &stopped))
		res->rc[STAGE_SEND] = send_run_kept(s, cfg, &res->send,
		    keep ? &keep->smtp : NULL, res->err[STAGE_SEND],
		    PF_ERRLEN);
	else
		res->skipped[STAGE_SEND] = 1;
	if (store_event_counts(s, mark, &res->events, err, sizeof(err)) !=
	    PF_OK)
		log_warn("%s", err);
	run_metrics(s, cfg, res);
}
