/* dns_stage.c - the DNS checks of the requests waiting for them.
 *
 * A request that needs its DNS check stays received, queued in
 * dns_checks (evaluate_dns.c). Here the questions of all queued requests
 * go out at once, outside any transaction (a slow DNS never holds the
 * database), through one resolver for the whole run; then each request
 * is decided from its answers in one transaction with them. A crash in
 * between leaves the queue as it was: the next run asks again. */
#include "dns_stage.h"
#include "clock.h"
#include "dns_check.h"
#include "dns_judge.h"
#include "evaluate.h"
#include "log.h"
#include "mime_text.h"
#include "request_parse.h"
#include "store_dns.h"

#include <stdlib.h>
#include <string.h>

#define DNS_STAGE_BATCH	1000

static void
subject_of(const struct request_row *r, struct dns_subject *subj)
{
	subj->agreement = r->agreement_number;
	subj->edges = &r->edges;
	subj->sip = r->sip;
	subj->n_sip = r->n_sip;
}

/* Records r's answers (taken from the run's batch) and decides r. */
static int
decide_one(struct store *s, const struct config *cfg, struct request_row *r,
    const struct dns_batch *all, char *err, size_t errlen)
{
	struct dns_subject subj;
	struct dns_batch mine = { 0 };
	const struct dns_answer **v;
	struct request_form f;
	struct mail_text mt;
	char *raw = NULL;
	size_t len;
	int rc;

	subject_of(r, &subj);
	dns_judge_questions(&subj, &mine);
	v = xcalloc(mine.n ? mine.n : 1, sizeof(*v));
	for (size_t i = 0; i < mine.n; i++)
		v[i] = dns_batch_find(all, mine.v[i].name, mine.v[i].type);
	memset(&f, 0, sizeof(f));
	memset(&mt, 0, sizeof(mt));
	rc = store_dns_record(s, r->rid, v, mine.n, err, errlen);
	if (rc != PF_OK || r->state != ST_RECEIVED)
		goto done;
	/* The form is read again from the request's own mail, as when a
	 * cooldown ends: the decision rests on exactly the same input. */
	if ((rc = store_inbound_raw(s, r->inbound_id, &raw, &len, err,
	    errlen)) != PF_OK ||
	    (rc = mime_text_extract(raw, len, &mt, err, errlen)) != PF_OK)
		goto done;
	request_parse(mt.body, mt.content_language, &cfg->policy, &f);
	rc = evaluate_request(s, cfg, r, &f, err, errlen);
done:
	request_form_free(&f);
	mime_text_free(&mt);
	free(raw);
	free(v);
	dns_batch_free(&mine);
	return rc;
}

static int
load_rows(struct store *s, const int64_t *rids, size_t n,
    struct request_row *rows, char *err, size_t errlen)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		rc = store_request_load_rid(s, rids[i], &rows[i], err, errlen);
		if (rc != STORE_FOUND) {
			for (size_t j = 0; j < i; j++)
				request_row_free(&rows[j]);
			return rc == PF_OK ? PF_ERR : rc;
		}
	}
	return PF_OK;
}

/* Every question of rows, asked at once; a resolver that cannot be set
 * up fails them all (dns-unavailable, never a rejection). */
static void
ask_all(const struct config *cfg, struct dns_resolver **res,
    struct request_row *rows, size_t n, struct dns_batch *b,
    struct dns_stage_result *out)
{
	struct dns_subject subj;
	char err[PF_ERRLEN] = "";

	if (cfg->dns.check == DNS_CHECK_OFF)
		return;		/* switched off since queued: decide as is */
	for (size_t i = 0; i < n; i++) {
		subject_of(&rows[i], &subj);
		dns_judge_questions(&subj, b);
	}
	if (*res == NULL && dns_resolver_new(&cfg->dns, res, err,
	    sizeof(err)) != PF_OK)
		log_warn("dns: %s", err);
	if (*res == NULL || dns_resolve(*res, b, cfg->dns.timeout, err,
	    sizeof(err)) != PF_OK) {
		for (size_t i = 0; i < b->n; i++) {
			if (b->v[i].status != DNS_ST_PENDING)
				continue;
			b->v[i].status = DNS_ST_FAIL;
			b->v[i].why = xstrdup(err[0] ? err : "no resolver");
			b->v[i].at = clock_now();
		}
		if (*res)
			log_warn("dns: %s", err);
	}
	out->questions += (int)b->n;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].status == DNS_ST_FAIL)
			out->failed++;
}

static int
decide_all(struct store *s, const struct config *cfg,
    struct request_row *rows, size_t n, const struct dns_batch *b,
    struct dns_stage_result *out, char *err, size_t errlen)
{
	int rc;

	if ((rc = store_begin(s, err, errlen)) != PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_savepoint(s, err, errlen)) != PF_OK)
			break;
		if ((rc = decide_one(s, cfg, &rows[i], b, err,
		    errlen)) != PF_OK) {
			/* This request only: it stays queued for the next
			 * run, the others go on. */
			store_rollback_to(s);
			log_warn("dns: request PIC-%s: %s", rows[i].tag, err);
			if (rc != PF_ERR)
				break;	/* busy or I/O: the whole batch */
			rc = PF_OK;
			continue;
		}
		if ((rc = store_release(s, err, errlen)) != PF_OK)
			break;
		out->checked++;
		if (rows[i].state != ST_RECEIVED)
			out->decided++;
	}
	if (rc != PF_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err, errlen);
}

int
dns_stage_run(struct store *s, const struct config *cfg,
    struct dns_stage_result *res, char *err, size_t errlen)
{
	struct dns_resolver *resolver = NULL;
	struct request_row *rows;
	struct dns_batch b;
	int64_t *rids, after = 0;
	size_t n;
	int rc;

	memset(res, 0, sizeof(*res));
	do {
		rc = store_dns_queued(s, after, DNS_STAGE_BATCH, &rids, &n,
		    err, errlen);
		if (rc != PF_OK || n == 0)
			break;
		rows = xcalloc(n, sizeof(*rows));
		if ((rc = load_rows(s, rids, n, rows, err, errlen)) != PF_OK) {
			free(rows);
			free(rids);
			break;
		}
		after = rids[n - 1];
		memset(&b, 0, sizeof(b));
		ask_all(cfg, &resolver, rows, n, &b, res);
		rc = decide_all(s, cfg, rows, n, &b, res, err, errlen);
		dns_batch_free(&b);
		request_rows_free(rows, n);
		free(rids);
		/* A request that failed stays queued for the next run: each
		 * is tried once per run (the rows are taken in rid order). */
	} while (rc == PF_OK && n == DNS_STAGE_BATCH);
	dns_resolver_free(resolver);
	return rc;
}
