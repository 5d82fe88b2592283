/* ingest.c - one raw mail in, recorded with everything it causes.
 *
 * The mail, its dedup keys and its consequences (request, events, timers,
 * notices) are written in one transaction: a crash before the commit
 * loses nothing (the mail is still in the mailbox or the file), a crash
 * after it is recognised by the dedup keys and does nothing twice. */
#include "ingest.h"
#include "addr.h"
#include "answer.h"
#include "authres.h"
#include "bounce.h"
#include "clock.h"
#include "confirm.h"
#include "evaluate.h"
#include "log.h"
#include "mime_text.h"
#include "request_parse.h"
#include "robot.h"
#include "store_retention.h"
#include "store_robot.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOO_BIG_KEEP	65536	/* bytes of a too-big mail kept */

const char *
ingest_outcome_name(enum ingest_outcome o)
{
	switch (o) {
	case IN_DUPLICATE:	return "duplicate";
	case IN_IGNORED:	return "ignored";
	case IN_TOO_BIG:	return "too-big";
	case IN_HELP:		return "help";
	case IN_STATUS:		return "status";
	case IN_REPLY:		return "reply";
	case IN_CONFIRM:	return "confirm";
	case IN_REQUEST:	return "request";
	default:		abort();
	}
}

static void
sha256_hex(const char *raw, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, raw, len, d) != 0)
		abort();
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

/* The request tag of a reply's subject ("[PIC-1a2b3c4d]"), if any. */
static int
subject_tag(const char *subject, char tag[9])
{
	const char *p = subject;

	while (p && (p = strstr(p, "[PIC-")) != NULL) {
		p += 5;
		if (strspn(p, "0123456789abcdefABCDEF") >= 8 && p[8] == ']') {
			for (int i = 0; i < 8; i++)
				tag[i] = (char)((p[i] >= 'A' && p[i] <= 'F') ?
				    p[i] - 'A' + 'a' : p[i]);
			tag[8] = '\0';
			return 1;
		}
	}
	return 0;
}

static char *
join_networks(const struct strvec *nets)
{
	struct strbuf sb;

	if (nets->n == 0)
		return xstrdup("skype");
	sb_init(&sb);
	for (size_t i = 0; i < nets->n; i++)
		sb_addf(&sb, "%s%s", i ? "," : "", nets->v[i]);
	return sb_steal(&sb);
}

static void
row_from_form(struct request_row *r, const struct request_form *f,
    const struct mail_text *mt, const char *sender)
{
	r->action = xstrdup(f->action == ACTION_UPDATE ? "update" :
	    "provision");
	r->agreement_type = f->agreement_type ? xstrdup(f->agreement_type) :
	    NULL;
	r->agreement_number = f->agreement_number ?
	    xstrdup(f->agreement_number) : NULL;
	r->deployment = f->deployment ? xstrdup(f->deployment) : NULL;
	r->language = xstrdup(f->language);
	r->networks = join_networks(&f->networks);
	r->online_ext = f->online_ext ? xstrdup(f->online_ext) : NULL;
	r->sender = xstrdup(sender);
	r->message_id = mt->message_id ? xstrdup(mt->message_id) : NULL;
	r->refs = mt->references ? xstrdup(mt->references) : NULL;
	for (size_t i = 0; i < f->edge_fqdns.n; i++)
		sv_push(&r->edges, f->edge_fqdns.v[i]);
	r->sip = xcalloc(f->n_sip, sizeof(*r->sip));
	for (size_t i = 0; i < f->n_sip; i++) {
		r->sip[i].domain = xstrdup(f->sip[i].domain ?
		    f->sip[i].domain : "");
		r->sip[i].contact = f->sip[i].contact ?
		    xstrdup(f->sip[i].contact) : NULL;
	}
	r->n_sip = f->n_sip;
}

static int
new_request(struct store *s, const struct config *cfg,
    const struct mail_text *mt, const struct addr_sender *as,
    struct request_form *f, const char *unauthenticated,
    struct ingest_result *res, char *err, size_t errlen)
{
	const char *sender = as->shown;
	struct request_row r;
	char *cause;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = store_request_new_id(s, r.id, r.tag, err, errlen)) != PF_OK)
		return rc;
	row_from_form(&r, f, mt, sender);
	r.sender_problem = as->problem ? xstrdup(as->problem) : NULL;
	r.inbound_id = res->inbound_id;
	cause = xasprintf("%s request mail from %s", r.action, sender);
	if ((rc = store_request_create(s, &r, cause, err, errlen)) == PF_OK &&
	    (rc = store_inbound_link(s, res->inbound_id, "request", r.id, err,
	    errlen)) == PF_OK)
		rc = unauthenticated ? evaluate_unauthenticated(s, &r,
		    unauthenticated, err, errlen) :
		    evaluate_request(s, cfg, &r, f, err, errlen);
	res->outcome = IN_REQUEST;
	res->state = r.state;
	memcpy(res->tag, r.tag, sizeof(res->tag));
	if (r.held_until && r.state == ST_RECEIVED)
		snprintf(res->note, sizeof(res->note), "held");
	if (as->problem)
		snprintf(res->note + strlen(res->note), sizeof(res->note) -
		    strlen(res->note), "%sno reply to the sender: %s",
		    res->note[0] ? ", " : "", as->problem);
	free(cause);
	request_row_free(&r);
	return rc;
}

/* A mail carrying valid confirmation tokens confirms, and does nothing
 * else (it is not forwarded, nor read as a request). The tokens were
 * found in ingest_prepare, unless this mail was taken before. */
static int
confirmation(struct store *s, const struct config *cfg,
    struct ingest_prep *p, struct ingest_result *res, char *err,
    size_t errlen)
{
	struct strvec tokens = { 0 };
	struct confirm_result cr;
	struct request_row r;
	int rc;

	if (!p->tokens_ready)
		confirm_tokens(p->mt.subject, p->mt.body, &tokens);
	rc = confirm_mail(s, p->tokens_ready ? &p->tokens : &tokens,
	    res->inbound_id, &cr, err, errlen);
	sv_free(&tokens);
	if (rc != PF_OK || cr.n_confirmed == 0)
		return rc;
	res->outcome = IN_CONFIRM;
	memcpy(res->tag, cr.tag, sizeof(res->tag));
	snprintf(res->note, sizeof(res->note), "%d confirmed",
	    cr.n_confirmed);
	if ((rc = store_request_load(s, cr.tag, &r, err, errlen)) !=
	    STORE_FOUND)
		return rc == PF_OK ? PF_ERR : rc;
	rc = store_inbound_link(s, res->inbound_id, "reply", r.id, err,
	    errlen);
	request_row_free(&r);
	for (size_t i = 0; i < cr.n_complete && rc == PF_OK; i++) {
		rc = store_request_load_rid(s, cr.complete[i], &r, err, errlen);
		if (rc != STORE_FOUND)
			return rc == PF_OK ? PF_ERR : rc;
		rc = evaluate_confirmed(s, cfg, &r, err, errlen);
		request_row_free(&r);
	}
	return rc;
}

/* Why the receiving MTA says this mail's From is not its sender's (SPEC
 * 6), or NULL. */
static const char *
unauthenticated_reason(const struct mail_text *mt, const struct config *cfg)
{
	enum authres_verdict v;

	if (cfg->policy.authserv_id == NULL || *cfg->policy.authserv_id == '\0')
		return NULL;
	v = authres_dmarc(mt->authres.v, mt->authres.n,
	    cfg->policy.authserv_id);
	if (v == AUTHRES_FAIL || (cfg->policy.require_authentication &&
	    v != AUTHRES_PASS))
		return authres_verdict_name(v);
	return NULL;
}

/* A help or status mail whose sender cannot be answered: recorded as
 * what it is, and that is all there is to do. */
static int
unanswered(struct store *s, const struct addr_sender *as,
    enum ingest_outcome o, struct ingest_result *res, char *err,
    size_t errlen)
{
	res->outcome = o;
	snprintf(res->note, sizeof(res->note), "not answered: %s",
	    as->problem);
	log_info("%s mail from \"%s\" not answered: %s",
	    ingest_outcome_name(o), as->shown, as->problem);
	return store_inbound_link(s, res->inbound_id, ingest_outcome_name(o),
	    NULL, err, errlen);
}

/* Dispatches a recorded, non-automatic mail by what it asks. The form
 * was read in ingest_prepare, unless this mail was taken before. */
static int
dispatch(struct store *s, const struct config *cfg, struct ingest_prep *p,
    struct ingest_result *res, char *err, size_t errlen)
{
	const struct mail_text *mt = &p->mt;
	const struct addr_sender *as = &p->as;
	const char *sender = as->shown;
	struct request_form f;
	const char *unauth = unauthenticated_reason(mt, cfg);
	char tag[9];
	int rc;

	if (p->form_ready) {
		f = p->form;	/* taken: validation adds to its reasons */
		memset(&p->form, 0, sizeof(p->form));
		p->form_ready = 0;
	} else {
		memset(&f, 0, sizeof(f));
		request_parse(mt->body, mt->content_language, &cfg->policy,
		    &f);
	}
	if (unauth) {
		/* recorded as a rejected request, visible in list; nothing
		 * goes to a forged From (that would be backscatter) */
		rc = new_request(s, cfg, mt, as, &f, unauth, res, err,
		    errlen);
		goto done;
	}
	if ((rc = confirmation(s, cfg, p, res, err, errlen)) != PF_OK ||
	    res->outcome == IN_CONFIRM)
		goto done;
	if (f.action == ACTION_NONE && subject_tag(mt->subject, tag)) {
		rc = answer_reply(s, cfg, mt, sender, tag, res, err, errlen);
		if (rc != PF_OK || res->outcome == IN_REPLY)
			goto done;
	}
	if (f.action == ACTION_HELP || (f.n_fields == 0 &&
	    f.action == ACTION_NONE)) {
		rc = as->problem ? unanswered(s, as, IN_HELP, res, err,
		    errlen) : answer_help(s, cfg, mt, sender, &f, res, err,
		    errlen);
	} else if (f.action == ACTION_STATUS) {
		rc = as->problem ? unanswered(s, as, IN_STATUS, res, err,
		    errlen) : answer_status(s, cfg, mt, sender, &f, res, err,
		    errlen);
	} else {
		rc = new_request(s, cfg, mt, as, &f, NULL, res, err, errlen);
	}
done:
	request_form_free(&f);
	return rc;
}

/* Past [retention] sender_bytes_per_day, a large mail is recorded with
 * its first RETENTION_KEEP bytes only: one sender cannot fill the disk
 * (SPEC 10). It is still processed whole; only what is kept is cut, and
 * what is kept is what reading its request again needs. */
static int
keep_bytes(struct store *s, const struct config *cfg,
    const struct ingest_prep *p, const char *sender, size_t *keep,
    const char **why, char *err, size_t errlen)
{
	int64_t used;
	int rc;

	*keep = p->keep;
	*why = NULL;
	if (cfg->retention_sender_bytes == 0 || p->keep <= RETENTION_KEEP)
		return PF_OK;
	if ((rc = store_sender_bytes(s, sender, clock_now() - 86400, &used,
	    err, errlen)) != PF_OK)
		return rc;
	if (used + (int64_t)p->keep > (int64_t)cfg->retention_sender_bytes) {
		*keep = RETENTION_KEEP;
		*why = "sender-limit";
		log_info("mail <%s>: its sender is past sender_bytes_per_day "
		    "(%lld bytes kept in 24 hours): only its first %d bytes "
		    "kept", p->mt.message_id ? p->mt.message_id : "no "
		    "Message-ID", (long long)used, RETENTION_KEEP);
	}
	return PF_OK;
}

static int
record(struct store *s, const struct config *cfg, const struct ingest_prep *p,
    const char *source, const char *sender, const char *outcome,
    const char *note, struct ingest_result *res, char *err, size_t errlen)
{
	struct inbound_rec in;
	int rc;

	memset(&in, 0, sizeof(in));
	if ((rc = keep_bytes(s, cfg, p, sender, &in.raw_len, &in.raw_note, err,
	    errlen)) != PF_OK)
		return rc;
	in.received_at = clock_now();
	in.message_id = p->mt.message_id;
	in.content_hash = p->hash;
	in.source = source;
	in.sender = sender;
	in.subject = p->mt.subject;
	in.raw = p->raw;
	in.size = p->size;
	in.outcome = outcome;
	in.note = note;
	return store_inbound_add(s, &in, &res->inbound_id, err, errlen);
}

/* Automatic mail (SPEC 7): recorded with its kind, answered by nobody; a
 * delivery report may be about one of our notices (bounce.c). */
static int
robot_mail(struct store *s, const struct config *cfg,
    const struct ingest_prep *p, const char *source, const char *sender,
    const struct robot_verdict *rv, struct ingest_result *res, char *err,
    size_t errlen)
{
	char note[256];
	int rc;

	res->outcome = IN_IGNORED;
	snprintf(note, sizeof(note), "%s: %s", robot_kind_name(rv->kind),
	    rv->signal);
	rc = record(s, cfg, p, source, sender, "ignored", note, res, err,
	    errlen);
	if (rc == PF_OK)
		rc = store_inbound_robot(s, res->inbound_id,
		    robot_kind_name(rv->kind), err, errlen);
	if (rc == PF_OK && rv->kind == ROBOT_BOUNCE &&
	    (rc = bounce_handle(s, cfg, p->raw, p->keep, res->inbound_id,
	    note, sizeof(note), err, errlen)) == PF_OK)
		rc = store_inbound_note(s, res->inbound_id, note, err, errlen);
	snprintf(res->note, sizeof(res->note), "%.*s",
	    (int)sizeof(res->note) - 1, note);
	return rc;
}

/* The tests' fault point (PICFLOW_FAULT): "abort:TEXT" kills picflow
 * with SIGABRT as it takes apart a mail holding TEXT, the way a crashing
 * parser would (the poison mail of SPEC 7); "fail:TEXT" makes ingesting
 * such a mail fail with an error. Unset, it costs a getenv() per mail. */
static int
fault(const char *kind, const char *raw, size_t len)
{
	const char *f = getenv("PICFLOW_FAULT"), *t;
	size_t k = strlen(kind), n;

	if (f == NULL || strncmp(f, kind, k) != 0 || f[k] != ':' ||
	    (n = strlen(t = f + k + 1)) == 0)
		return 0;
	for (size_t i = 0; i + n <= len; i++)
		if (raw[i] == t[0] && memcmp(raw + i, t, n) == 0)
			return 1;
	return 0;
}

void
ingest_prepare(const struct config *cfg, const char *raw, size_t len,
    size_t size, struct ingest_prep *p)
{
	if (fault("abort", raw, len))
		abort();
	memset(p, 0, sizeof(*p));
	p->raw = raw;
	p->size = size;
	p->too_big = size > (size_t)cfg->policy.max_message_bytes;
	p->keep = p->too_big && len > TOO_BIG_KEEP ? TOO_BIG_KEEP : len;
	sha256_hex(raw, len, p->hash);
	p->rc = mime_text_extract(raw, p->keep, &p->mt, p->err,
	    sizeof(p->err));
	if (p->rc != PF_OK)
		return;
	addr_sender_parse(p->mt.from_raw, p->mt.from_fields, p->mt.from_ctl,
	    &p->as);
	robot_classify(p->raw, p->keep, &p->mt, cfg->smtp_from, &p->rv);
	if (p->rv.kind == ROBOT_NONE && !p->too_big) {
		request_parse(p->mt.body, p->mt.content_language,
		    &cfg->policy, &p->form);
		p->form_ready = 1;
		confirm_tokens(p->mt.subject, p->mt.body, &p->tokens);
		p->tokens_ready = 1;
	}
}

void
ingest_prep_free(struct ingest_prep *p)
{
	mime_text_free(&p->mt);
	if (p->rc == PF_OK)
		addr_sender_free(&p->as);
	if (p->form_ready)
		request_form_free(&p->form);
	sv_free(&p->tokens);
}

/* The mail of p: raw holds the first len bytes of a mail of size bytes:
 * all of it, unless the IMAP poller only fetched the start of a mail too
 * big to read (then the hash is the prefix's: copies of one mail still
 * agree, and the Message-ID is checked first). */
static int
ingest_body(struct store *s, const struct config *cfg,
    struct ingest_prep *p, const char *source, struct ingest_result *res,
    char *err, size_t errlen)
{
	struct mail_text *mt = &p->mt;
	const struct robot_verdict *rv = &p->rv;
	const struct addr_sender *as = &p->as;
	char *note = NULL;
	int rc;

	if (p->rc != PF_OK) {
		err_set(err, errlen, "%s", p->err);
		return p->rc;
	}
	if (fault("fail", p->raw, p->keep)) {
		err_set(err, errlen, "injected failure (PICFLOW_FAULT)");
		return PF_ERR;
	}
	rc = store_inbound_seen(s, mt->message_id, p->hash, &res->inbound_id);
	if (rc == STORE_FOUND) {
		res->outcome = IN_DUPLICATE;
		rc = PF_OK;
		goto done;
	}
	if (rc != PF_OK) {
		err_set(err, errlen, "database: cannot look up the mail");
		goto done;
	}
	if (rv->kind != ROBOT_NONE) {
		rc = robot_mail(s, cfg, p, source, as->shown, rv, res, err,
		    errlen);
		goto done;
	}
	/* A sender no reply can go to (SPEC 7) does not stop the mail:
	 * it is read as any other, and whatever would answer it is not
	 * sent (see unanswered(), and notice_queue for a request's). */
	if (as->problem)
		note = xasprintf("no reply to the sender: %s", as->problem);
	rc = record(s, cfg, p, source, as->shown, p->too_big ? "too-big" :
	    "help", note, res, err, errlen);
	if (rc != PF_OK)
		goto done;
	if (p->too_big && as->problem)
		rc = unanswered(s, as, IN_TOO_BIG, res, err, errlen);
	else if (p->too_big)
		rc = answer_too_big(s, cfg, mt, as->shown, p->size, res, err,
		    errlen);
	else
		rc = dispatch(s, cfg, p, res, err, errlen);
done:
	if (rc == PF_OK)
		log_info("mail <%s> from \"%s\": %s%s%s%s%s", mt->message_id ?
		    mt->message_id : "no Message-ID", as->shown,
		    ingest_outcome_name(res->outcome), res->tag[0] ? " PIC-" :
		    "", res->tag, res->note[0] ? ", " : "", res->note);
	free(note);
	return rc;
}

int
ingest_prepared(struct store *s, const struct config *cfg,
    struct ingest_prep *p, const char *source, struct ingest_result *res,
    char *err, size_t errlen)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = store_savepoint(s, err, errlen)) != PF_OK)
		return rc;
	rc = ingest_body(s, cfg, p, source, res, err, errlen);
	if (rc != PF_OK) {
		store_rollback_to(s);
		return rc;
	}
	return store_release(s, err, errlen);
}

static int
ingest_sized(struct store *s, const struct config *cfg, const char *raw,
    size_t len, size_t size, const char *source, struct ingest_result *res,
    char *err, size_t errlen)
{
	struct ingest_prep p;
	int rc;

	ingest_prepare(cfg, raw, len, size, &p);
	rc = ingest_prepared(s, cfg, &p, source, res, err, errlen);
	ingest_prep_free(&p);
	return rc;
}

int
ingest_mail(struct store *s, const struct config *cfg, const char *raw,
    size_t len, const char *source, struct ingest_result *res, char *err,
    size_t errlen)
{
	return ingest_sized(s, cfg, raw, len, len, source, res, err, errlen);
}

int
ingest_mail_partial(struct store *s, const struct config *cfg,
    const char *prefix, size_t len, size_t size, const char *source,
    struct ingest_result *res, char *err, size_t errlen)
{
	return ingest_sized(s, cfg, prefix, len, size, source, res, err,
	    errlen);
}
