/* imap_poll.h - the poll stage: new mail of the IMAP mailbox in, each
 * mail exactly once. */
#ifndef PICFLOW_IMAP_POLL_H
#define PICFLOW_IMAP_POLL_H

#include "config.h"
#include "store.h"

/* After this many runs that failed on one mail, it goes to the failed
 * mailbox and the operator is alerted. */
#define POLL_MAX_FAILURES	3

struct poll_result {
	unsigned	 recorded;	/* mails read and recorded */
	unsigned	 requests;	/* of which: provision or update */
	unsigned	 too_big;	/* of which: rejected unread */
	unsigned	 duplicates;	/* already recorded: only moved */
	unsigned	 failed;	/* internal error: left for next run */
	unsigned	 given_up;	/* moved to the failed mailbox */
};

/* One pass over the configured mailbox. Each mail is recorded with its
 * (mailbox, UIDVALIDITY, UID) key in the transaction of its batch and
 * moved to the processed mailbox only after that commit. Returns PF_OK,
 * an IMAP_* class of imap_conn.h, or a STORE_* class; err says why. What
 * was committed before an error stays committed. */
int	imap_poll(struct store *s, const struct config *cfg,
	    struct poll_result *res, char *err, size_t errlen);

/* Asked after each commit; nonzero stops the poll there: the committed
 * mails are still moved, the others wait for the next poll. */
typedef int (*poll_stop_fn)(void *arg);

/* imap_poll, stopping early when stop(stop_arg) says so (NULL: never). */
int	imap_poll_until(struct store *s, const struct config *cfg,
	    poll_stop_fn stop, void *stop_arg, struct poll_result *res,
	    char *err, size_t errlen);
/* The same over a session kept between polls (watch): *keep, unless
 * NULL, is the one an earlier poll left logged in, used when the server
 * has not closed it meanwhile (it only selects the mailbox again: the
 * processed mailbox was made sure of when it was opened); on return it is
 * the session still usable (NULL when none is), for the caller to pass
 * again or close. */
struct imap_conn;
int	imap_poll_kept(struct store *s, const struct config *cfg,
	    poll_stop_fn stop, void *stop_arg, struct imap_conn **keep,
	    struct poll_result *res, char *err, size_t errlen);

#endif
