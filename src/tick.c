/* tick.c - fire the timers that are due.
 *
 * A timer is marked fired in the transaction that does its work, so a
 * crash either did both or neither. Timers are taken a batch per
 * transaction: durable without an fsync per timer. */
#include "tick.h"
#include "clock.h"
#include "confirm.h"
#include "evaluate.h"
#include "log.h"
#include "mime_text.h"
#include "notice.h"
#include "request_parse.h"
#include "retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_BATCH	1000

static int
fire_deadline(struct store *s, const struct config *cfg,
    struct request_row *r, struct tick_result *res, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	char due[16], *text;
	int rc;

	if (r->state != ST_PENDING || r->overdue_at) {
		res->stale++;
		return PF_OK;
	}
	r->overdue_at = clock_now();
	clock_date(r->due_at, due);
	text = xasprintf("Request PIC-%s (agreement %s) is still pending: its "
	    "provisioning deadline was %s.", r->tag, r->agreement_number ?
	    r->agreement_number : "-", due);
	if ((rc = store_request_overdue(s, r, err, errlen)) == PF_OK &&
	    (rc = store_note(s, r, "provisioning deadline passed: operator "
	    "alerted, contacts told of the delay", err, errlen)) == PF_OK &&
	    (rc = notice_alert(s, cfg, r, "overdue", text, err,
	    errlen)) == PF_OK)
		rc = notice_to_contacts(s, cfg, "delay", r, &nv, 0, err,
		    errlen);
	res->overdue++;
	free(text);
	nv_free(&nv);
	return rc;
}

static int
fire_release(struct store *s, const struct config *cfg,
    struct request_row *r, struct tick_result *res, char *err, size_t errlen)
{
	struct request_form f;
	struct mail_text mt;
	char *raw = NULL;
	size_t len;
	int rc;

	if (r->state != ST_RECEIVED) {
		res->stale++;
		return PF_OK;
	}
	memset(&f, 0, sizeof(f));
	memset(&mt, 0, sizeof(mt));
	if ((rc = store_inbound_raw(s, r->inbound_id, &raw, &len, err,
	    errlen)) != PF_OK ||
	    (rc = mime_text_extract(raw, len, &mt, err, errlen)) != PF_OK)
		goto done;
	request_parse(mt.body, mt.content_language, &cfg->policy, &f);
	if ((rc = store_note(s, r, "split-domain cooldown over", err,
	    errlen)) == PF_OK)
		rc = evaluate_request(s, cfg, r, &f, err, errlen);
	res->released++;
done:
	request_form_free(&f);
	mime_text_free(&mt);
	free(raw);
	return rc;
}

static int
fire_one(struct store *s, const struct config *cfg, int64_t timer_id,
    int64_t request_rid, const char *kind, struct tick_result *res,
    char *err, size_t errlen)
{
	struct request_row r;
	int rc;

	rc = store_request_load_rid(s, request_rid, &r, err, errlen);
	if (rc != STORE_FOUND)
		return rc == PF_OK ? PF_ERR : rc;
	if (strcmp(kind, "deadline") == 0)
		rc = fire_deadline(s, cfg, &r, res, err, errlen);
	else if (strcmp(kind, "release") == 0)
		rc = fire_release(s, cfg, &r, res, err, errlen);
	else if (strcmp(kind, "confirm") == 0) {
		if (r.state == ST_CONFIRMING)
			res->unconfirmed++;
		else
			res->stale++;
		rc = confirm_expire(s, cfg, &r, err, errlen);
	} else
		abort();	/* the CHECK constraint allows no other */
	if (rc == PF_OK)
		rc = store_timer_fired(s, timer_id, clock_now(), err, errlen);
	request_row_free(&r);
	return rc;
}

int
tick_run(struct store *s, const struct config *cfg, struct tick_result *res,
    char *err, size_t errlen)
{
	char kind[16];
	int64_t timer_id, request_rid;
	int rc, n;

	memset(res, 0, sizeof(*res));
	/* One checkpoint after all the batches, not one every few: a
	 * firing writes mostly new pages (its notices), so they would be
	 * copied as often, with an fsync of the database file each time. */
	store_defer_checkpoints(s);
	for (;;) {
		if ((rc = store_begin(s, err, errlen)) != PF_OK)
			break;
		for (n = 0; n < TICK_BATCH; n++) {
			rc = store_timer_next_due(s, clock_now(), &timer_id,
			    &request_rid, kind, err, errlen);
			if (rc != STORE_FOUND)
				break;
			rc = fire_one(s, cfg, timer_id, request_rid, kind, res,
			    err, errlen);
			if (rc != PF_OK)
				break;
		}
		if (rc != PF_OK && rc != STORE_FOUND) {
			store_rollback(s);
			break;
		}
		if ((rc = store_commit(s, err, errlen)) != PF_OK ||
		    n < TICK_BATCH)
			break;
	}
	if (rc == PF_OK && (rc = store_begin(s, err, errlen)) == PF_OK) {
		if ((rc = notice_alert_digests(s, cfg, &res->digests, err,
		    errlen)) == PF_OK)
			rc = store_commit(s, err, errlen);
		else
			store_rollback(s);
	}
	if (rc == PF_OK)
		rc = retention_prune(s, cfg, &res->pruned, err, errlen);
	/* After a failure too: what was committed is checkpointed, and the
	 * connection checkpoints as usual again (run goes on to send). The
	 * first error is the one reported. */
	if (rc == PF_OK)
		return store_checkpoint(s, err, errlen);
	(void)store_checkpoint(s, NULL, 0);
	return rc;
}
