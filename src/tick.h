/* tick.h - fire the timers that are due. */
#ifndef PICFLOW_TICK_H
#define PICFLOW_TICK_H

#include "config.h"
#include "store.h"
#include "store_retention.h"

struct tick_result {
	int	overdue;	/* deadlines passed: alert + delay notices */
	int	released;	/* held requests decided */
	int	stale;		/* timers of requests that moved on */
	int	unconfirmed;	/* confirming requests expired: rejected */
	int	digests;	/* operator alert digests queued */
	struct prune_stats pruned; /* [retention] mail_days */
};

/* Fires every timer due at clock_now(), in batches of transactions,
 * sends the alert digests due, then applies [retention] mail_days. */
int	tick_run(struct store *s, const struct config *cfg,
	    struct tick_result *res, char *err, size_t errlen);

#endif
