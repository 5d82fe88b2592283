/* decide.c - provision or reject a request: the operator's CLI and the
 * provisioning hook both come here, so both leave the same trace. */
#include "decide.h"
#include "log.h"
#include "notice.h"

#include <stdlib.h>
#include <string.h>

#define MASK(st)	(1u << (st))

/* A provisioned update replaces the agreement's earlier configuration. */
static int
supersede(struct store *s, const struct request_row *r, int *count,
    char *err, size_t errlen)
{
	struct request_row *v = NULL;
	size_t n = 0;
	char *cause;
	int rc;

	*count = 0;
	rc = store_agreement_requests(s, r->agreement_number,
	    MASK(ST_PROVISIONED), &v, &n, err, errlen);
	if (rc != PF_OK)
		return rc;
	cause = xasprintf("superseded by update PIC-%s", r->tag);
	for (size_t i = 0; i < n && rc == PF_OK; i++) {
		if (strcmp(v[i].id, r->id) == 0)
			continue;
		rc = store_transition(s, &v[i], ST_SUPERSEDED, BY_SYSTEM,
		    cause, err, errlen);
		(*count)++;
	}
	free(cause);
	request_rows_free(v, n);
	return rc;
}

int
decide_provision(struct store *s, const struct config *cfg,
    struct request_row *r, const char *note, const char *by, char *err,
    size_t errlen)
{
	struct notice_vars nv = { 0 };
	char *cause;
	int rc, superseded = 0;

	cause = note && *note ? xasprintf("provisioned by %s: %s", by, note) :
	    xasprintf("provisioned by %s", by);
	if ((rc = store_transition(s, r, ST_PROVISIONED, BY_OPERATOR, cause,
	    err, errlen)) != PF_OK ||
	    (rc = store_timer_cancel(s, r->rid, "deadline", err,
	    errlen)) != PF_OK)
		goto done;
	if (strcmp(r->action, "update") == 0 &&
	    (rc = supersede(s, r, &superseded, err, errlen)) != PF_OK)
		goto done;
	if (r->deployment && strcmp(r->deployment, "hybrid") == 0)
		nv_set(&nv, "hybrid", "1");
	if (superseded)
		nv_set(&nv, "superseded", "1");
	nv_set(&nv, "note", note);
	rc = notice_to_contacts(s, cfg, "completion", r, &nv, 0, err, errlen);
	if (rc == PF_OK)
		log_info("request %s provisioned by %s", r->tag, by);
done:
	free(cause);
	nv_free(&nv);
	return rc;
}

int
decide_reject(struct store *s, const struct config *cfg,
    struct request_row *r, const char *reason, const char *by, char *err,
    size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct notice n;
	enum req_state was = r->state;
	char *cause;
	int rc;

	cause = xasprintf("rejected by %s: %s", by, reason);
	reasons_add(&r->reasons, "provider-decision", reason);
	if ((rc = store_transition(s, r, ST_REJECTED, BY_OPERATOR, cause, err,
	    errlen)) != PF_OK ||
	    (rc = store_request_save(s, r, err, errlen)) != PF_OK ||
	    (rc = store_timer_cancel(s, r->rid, "deadline", err,
	    errlen)) != PF_OK ||
	    (rc = store_timer_cancel(s, r->rid, "release", err,
	    errlen)) != PF_OK ||
	    (rc = store_timer_cancel(s, r->rid, "confirm", err,
	    errlen)) != PF_OK)
		goto done;
	nv_take(&nv, "reasons", notice_reason_lines(cfg, &r->reasons,
	    r->language));
	nv_set(&nv, "operator_reason", reason);
	if (strcmp(r->action, "update") == 0)
		nv_set(&nv, "is_update", "1");
	if (was == ST_PENDING) {
		/* Accepted before: every contact was told so, tell them all. */
		nv_set(&nv, "after_pending", "1");
		rc = notice_to_contacts(s, cfg, "rejection", r, &nv, 0, err,
		    errlen);
		if (rc != PF_OK || r->sender == NULL)
			goto done;
		for (size_t i = 0; i < r->n_sip; i++)
			if (r->sip[i].contact &&
			    str_ieq(r->sip[i].contact, r->sender))
				goto done;
	}
	memset(&n, 0, sizeof(n));
	n.template = "rejection";
	n.req = r;
	n.to = r->sender;
	n.inbound_id = r->inbound_id;
	/* Not yet confirmed: the sender may be forged (SPEC 6). */
	n.brief = was == ST_CONFIRMING;
	rc = notice_queue(s, cfg, &n, &nv, err, errlen);
done:
	if (rc == PF_OK)
		log_info("request %s rejected by %s: %s", r->tag, by, reason);
	free(cause);
	nv_free(&nv);
	return rc;
}
