/* ingest_result.h - what became of one mail: the answer ingest gives its
 * callers, and the rooms below it (answer, evaluate) fill in. A type of
 * its own, below all of them, so that no room includes the one above. */
#ifndef PICFLOW_INGEST_RESULT_H
#define PICFLOW_INGEST_RESULT_H

#include <stdint.h>
#include "workflow.h"

enum ingest_outcome {
	IN_DUPLICATE,	/* already recorded: nothing done */
	IN_IGNORED,	/* automatic mail, our own, no sender: recorded only */
	IN_TOO_BIG,	/* above max_message_bytes: rejected unread */
	IN_HELP,
	IN_STATUS,
	IN_REPLY,	/* attached to its request, forwarded to the operator */
	IN_CONFIRM,	/* a reply carrying a confirmation token (SPEC 6) */
	IN_REQUEST	/* a provision or update request */
};

struct ingest_result {
	enum ingest_outcome	outcome;
	enum req_state		state;	/* IN_REQUEST: received (held),
					   pending or rejected */
	char			tag[9];
	int64_t			inbound_id;
	char			note[128];
};

#endif
