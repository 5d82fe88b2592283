/* decide.h - provision or reject a request: the operator's CLI and the
 * provisioning hook both come here. */
#ifndef PICFLOW_DECIDE_H
#define PICFLOW_DECIDE_H

#include "config.h"
#include "store.h"

/* Inside the caller's transaction. by names the decider in the event
 * ("operator", "hook"). */
int	decide_provision(struct store *s, const struct config *cfg,
	    struct request_row *r, const char *note, const char *by,
	    char *err, size_t errlen);
int	decide_reject(struct store *s, const struct config *cfg,
	    struct request_row *r, const char *reason, const char *by,
	    char *err, size_t errlen);

#endif
