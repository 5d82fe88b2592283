/* smtp_send.h - the `send` stage (SPEC 5): queued notices out over SMTP,
 * with retries, and never lost. */
#ifndef PICFLOW_SMTP_SEND_H
#define PICFLOW_SMTP_SEND_H

#include <time.h>

#include "config.h"
#include "smtp_conn.h"
#include "store.h"
#include "util.h"

/* Beyond PF_OK/PF_ERR, STORE_* and smtp_conn.h's SMTP_CONFIG. */
#define SEND_BUSY	-32	/* another send holds the lock: EX_TEMPFAIL */

#define SEND_REASON_MAX	512

struct send_stats {
	unsigned	 sent;
	unsigned	 deferred;
	unsigned	 failed;
	unsigned	 alerts;	/* operator alerts queued for failures */
	int		 unavailable;	/* a session could not be had */
	char		 reason[SEND_REASON_MAX];	/* why, when unavailable */
};

/* Delivers every queued notice that is due, in pages, over one SMTP
 * session (reconnecting when it breaks), and records each outcome:
 *  - 2xx after DATA: sent, with the time and the server's reply;
 *  - 4xx, lost connection, no session (server down, TLS or AUTH
 *    refused): deferred by send_retry_delay(), failed once older than
 *    [smtp] max_age_days;
 *  - 5xx on RCPT, DATA or the message: failed at once;
 *  - authentication required (SMTP_AUTH_REQUIRED): nothing recorded for
 *    any notice, one operator alert per episode, SMTP_CONFIG.
 * Every failed notice that is not itself an alert queues one operator
 * alert, in the transaction that marks it failed.
 *
 * Outcomes are committed in batches (a page, or SEND_COMMIT_SECS of
 * acceptances, whichever comes first), not one fsync per message. A
 * notice the server accepted is therefore still `queued` on disk for at
 * most that long (plus one server timeout); meanwhile its id is in the
 * send lock file, and the next send records it as sent rather than
 * sending it again (smtp_send.c, the acceptance journal). What a kill of
 * picflow can still send twice is the one notice whose acceptance had
 * not arrived yet (a crash of the machine: the last batch). It is never
 * the other way round: a notice is marked sent only after the server
 * accepted its DATA.
 *
 * Returns PF_OK (outcomes in st), SMTP_CONFIG, SEND_BUSY or a STORE_*
 * error, with err set. */
int	send_run(struct store *s, const struct config *cfg,
	    struct send_stats *st, char *err, size_t errlen);
/* The same over a session kept between runs (watch): *keep, unless NULL,
 * is the one an earlier run left open, used when the server has not
 * closed it meanwhile; on return it is the session still open (NULL when
 * none is), for the caller to pass again or close. A message whose
 * first command finds the kept session gone is sent over a new one. */
int	send_run_kept(struct store *s, const struct config *cfg,
	    struct send_stats *st, struct smtp_conn **keep, char *err,
	    size_t errlen);

/* The wait after the attempts-th failed attempt: 5 min, 30 min, 2 h, then
 * 6 h each time. */
time_t	send_retry_delay(int attempts);
/* 1 when a notice created at `created` is too old to try again at `now`;
 * else 0 and *next, never later than the maximum age (one last try). */
int	send_next_attempt(time_t created, int attempts, time_t now,
	    int max_age_days, time_t *next);

#endif
