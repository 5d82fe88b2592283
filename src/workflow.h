/* workflow.h - request states and the one transition table (SPEC 3). */
#ifndef PICFLOW_WORKFLOW_H
#define PICFLOW_WORKFLOW_H

#include <stddef.h>

enum req_state {
	ST_NONE = 0,	/* before the request exists */
	ST_RECEIVED,
	ST_CONFIRMING,	/* waiting for its contacts' replies (SPEC 6) */
	ST_PENDING,
	ST_PROVISIONED,
	ST_REJECTED,
	ST_SUPERSEDED,
	ST__COUNT
};

/* Who may ask for a transition. */
enum actor { BY_SYSTEM = 1, BY_OPERATOR = 2 };

struct transition {
	enum req_state	 from;
	enum req_state	 to;
	int		 actors;	/* BY_* mask */
	const char	*what;		/* "accepted", "rejected", ... */
};

extern const struct transition workflow_table[];
extern const size_t workflow_table_len;

const char	*state_name(enum req_state s);
int		 state_parse(const char *name, enum req_state *s);

/* The table row for from -> to if actor may take it, else NULL. */
const struct transition *workflow_find(enum req_state from, enum req_state to,
		    enum actor actor);

#endif
