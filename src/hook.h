/* hook.h - the optional provisioning hook of SPEC 5. */
#ifndef PICFLOW_HOOK_H
#define PICFLOW_HOOK_H

#include "config.h"
#include "store.h"

struct hook_result {
	int	provisioned;
	int	rejected;
	int	later;		/* exit 75: try again next run */
	int	failed;		/* anything else: operator alerted once */
};

/* Runs [hook] provision_command for each pending request, the request as
 * JSON on stdin, within [hook] timeout: exit 0 provisioned, 65 rejected
 * (first line of its stderr is the reason), 75 try later, else an error.
 * Each outcome and the hook's stderr go into the request's events. */
int	hook_run(struct store *s, const struct config *cfg,
	    struct hook_result *res, char *err, size_t errlen);

#endif
