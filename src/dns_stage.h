/* dns_stage.h - the DNS checks of the requests waiting for them (SPEC 8). */
#ifndef PICFLOW_DNS_STAGE_H
#define PICFLOW_DNS_STAGE_H

#include "config.h"
#include "store.h"

struct dns_stage_result {
	int	checked;	/* requests whose answers were recorded */
	int	questions;	/* distinct questions asked */
	int	failed;		/* of them: no answer (timeout, SERVFAIL) */
	int	decided;	/* requests then accepted or rejected */
};

/* Asks the questions of every queued request at once, in batches of up
 * to 1,000 requests, each batch bounded by [dns] timeout; then records
 * each request's answers and decides it, a request per savepoint. Runs
 * after ingest and poll (so the decision is in the same run) and in
 * `run` after tick (requests released from a cooldown). */
int	dns_stage_run(struct store *s, const struct config *cfg,
	    struct dns_stage_result *res, char *err, size_t errlen);

#endif
