/* run.h - one cron cycle: poll, hook, tick, send (SPEC 5). */
#ifndef PICFLOW_RUN_H
#define PICFLOW_RUN_H

#include "config.h"
#include "dns_stage.h"
#include "hook.h"
#include "imap_poll.h"
#include "smtp_send.h"
#include "store.h"
#include "tick.h"

enum run_stage { STAGE_POLL, STAGE_DNS, STAGE_HOOK, STAGE_TICK, STAGE_SEND,
    STAGE__N };

struct run_result {
	struct poll_result	poll;
	struct dns_stage_result	dns;
	struct hook_result	hook;
	struct tick_result	tick;
	struct send_stats	send;
	struct event_counts	events;
	int			rc[STAGE__N];	/* PF_OK or the stage's class */
	int			skipped[STAGE__N]; /* not configured */
	char			err[STAGE__N][PF_ERRLEN];
};

/* The sessions a long-running caller (watch) keeps from one cycle to the
 * next, so that a mail costs no login and no TLS handshake: NULL when
 * there is none. */
struct run_keep {
	struct imap_conn	*imap;		/* the poll's */
	struct smtp_conn	*smtp;		/* the send's */
};

/* Runs every stage in order; one stage failing (IMAP down, say) does not
 * stop the ones that can still work. The caller holds the run lock. */
void	run_cycle(struct store *s, const struct config *cfg,
	    struct run_result *res);
/* The same, asking stop(arg) after each poll commit and before each
 * stage (watch on SIGTERM); the stages it stops are marked skipped. */
void	run_cycle_until(struct store *s, const struct config *cfg,
	    poll_stop_fn stop, void *arg, struct run_result *res);
/* run_cycle_until over the sessions of keep (imap_poll_kept,
 * send_run_kept). */
void	run_cycle_kept(struct store *s, const struct config *cfg,
	    poll_stop_fn stop, void *arg, struct run_keep *keep,
	    struct run_result *res);
/* Logs out of both (polite), or hangs up on them, and empties keep. */
void	run_keep_close(struct run_keep *keep, int polite);
const char *run_stage_name(enum run_stage st);

/* Takes the exclusive run lock (<database>.lock). PF_OK with *fd set, or
 * STORE_BUSY when another run holds it, or PF_ERR. */
int	run_lock(const char *db_path, int *fd, char *err, size_t errlen);

#endif
