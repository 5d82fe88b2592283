/* workflow.c - request states and the one transition table (SPEC 3).
 *
 * This table is the only place that says which state may follow which;
 * store_transition() refuses anything not in it, and `picflow states`
 * prints it. */
#include "workflow.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const struct transition workflow_table[] = {
	{ ST_NONE, ST_RECEIVED, BY_SYSTEM, "mail recorded" },
	{ ST_RECEIVED, ST_CONFIRMING, BY_SYSTEM, "valid: contacts asked to confirm" },
	{ ST_RECEIVED, ST_PENDING, BY_SYSTEM, "accepted" },
	{ ST_RECEIVED, ST_REJECTED, BY_SYSTEM | BY_OPERATOR, "rejected" },
	{ ST_CONFIRMING, ST_PENDING, BY_SYSTEM, "confirmed and accepted" },
	{ ST_CONFIRMING, ST_REJECTED, BY_SYSTEM | BY_OPERATOR, "rejected" },
	{ ST_PENDING, ST_PROVISIONED, BY_SYSTEM | BY_OPERATOR, "provisioned" },
	{ ST_PENDING, ST_REJECTED, BY_SYSTEM | BY_OPERATOR, "rejected" },
	{ ST_PROVISIONED, ST_SUPERSEDED, BY_SYSTEM, "superseded by an update" },
};
const size_t workflow_table_len = sizeof(workflow_table) /
    sizeof(workflow_table[0]);

static const char *const state_names[ST__COUNT] = {
	[ST_NONE] = "none",
	[ST_RECEIVED] = "received",
	[ST_CONFIRMING] = "confirming",
	[ST_PENDING] = "pending",
	[ST_PROVISIONED] = "provisioned",
	[ST_REJECTED] = "rejected",
	[ST_SUPERSEDED] = "superseded",
};

const char *
state_name(enum req_state s)
{
	if ((unsigned)s >= ST__COUNT)
		abort();
	return state_names[s];
}

int
state_parse(const char *name, enum req_state *s)
{
	for (int i = ST_RECEIVED; i < ST__COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*s = (enum req_state)i;
			return PF_OK;
		}
	return PF_ERR;
}

const struct transition *
workflow_find(enum req_state from, enum req_state to, enum actor actor)
{
	for (size_t i = 0; i < workflow_table_len; i++) {
		const struct transition *t = &workflow_table[i];

		if (t->from == from && t->to == to && (t->actors & actor))
			return t;
	}
	return NULL;
}
