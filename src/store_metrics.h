/* store_metrics.h - the counts picflow metrics prints (SPEC 10), and when
 * each stage last succeeded. */
#ifndef PICFLOW_STORE_METRICS_H
#define PICFLOW_STORE_METRICS_H

#include <stdint.h>
#include <time.h>
#include "store.h"
#include "workflow.h"

enum metric_stage { MS_POLL, MS_TICK, MS_SEND, MS__N };
const char *metric_stage_name(enum metric_stage st);

/* One label value and its count. */
struct metric_count {
	char	*label;
	int64_t	 n;
};

struct store_metrics {
	int64_t			 requests[ST__COUNT];
	struct metric_count	*outbox;	/* by state, as stored */
	size_t			 n_outbox;
	struct metric_count	*mails;		/* by outcome, as stored */
	size_t			 n_mails;
	time_t			 oldest_pending;	/* created_at; 0: none */
	time_t			 last_success[MS__N];	/* 0: never */
};

int	store_metrics_read(struct store *s, struct store_metrics *m,
	    char *err, size_t errlen);
void	store_metrics_free(struct store_metrics *m);

/* Records, in one transaction, that the stages of mask (1 << MS_*)
 * succeeded at `at`. */
int	store_stage_success(struct store *s, unsigned mask, time_t at,
	    char *err, size_t errlen);

#endif
