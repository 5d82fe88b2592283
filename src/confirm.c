/* confirm.c - nothing happens in a person's name until that person
 * confirmed it by reply (SPEC 6), the way Mailman confirms a subscription
 * and ACME validates a domain: proof of reading the mailbox.
 *
 * A token is 160 random bits from getrandom(2), written in base32; only
 * its SHA-256 is stored, so a copy of the database confirms nothing. A
 * token is bound to one address and one request and is used once. The
 * automatic-mail check is the caller's (ingest): a vacation reply quoting
 * a verify notice never reaches confirm_mail(). */
#include "confirm.h"
#include "clock.h"
#include "log.h"
#include "notice.h"
#include "store_confirm.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define MASK(st)		(1u << (st))
#define CONFIRM_RAW_BYTES	20	/* 160 bits: 32 base32 characters */
#define CONFIRM_MAX_TOKENS	32	/* candidates looked up per mail */

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
confirm_token_new(char token[CONFIRM_TOKEN_LEN + 1])
{
	unsigned char raw[CONFIRM_RAW_BYTES];
	size_t got = 0;
	ssize_t n;
	unsigned acc = 0;
	int bits = 0, k = 0;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return PF_ERR;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			token[k++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	token[k] = '\0';
	return k == CONFIRM_TOKEN_LEN ? PF_OK : PF_ERR;
}

void
confirm_token_hash(const char *token, char hash[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), d) != 0)
		abort();
	for (int i = 0; i < 32; i++) {
		hash[2 * i] = hex[d[i] >> 4];
		hash[2 * i + 1] = hex[d[i] & 15];
	}
	hash[64] = '\0';
}

int
confirm_contact_of_record(struct store *s, const char *agreement,
    const char *addr, int *yes, char *err, size_t errlen)
{
	struct request_row *v = NULL;
	size_t n = 0, prov = 0, k_prov = 0, k_pend = 0;
	int rc;

	*yes = 0;
	if (agreement == NULL || addr == NULL)
		return PF_OK;
	rc = store_agreement_requests(s, agreement, MASK(ST_PENDING) |
	    MASK(ST_PROVISIONED), &v, &n, err, errlen);
	if (rc != PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		int c = request_row_has_contact(&v[i], addr);

		if (v[i].state == ST_PROVISIONED) {
			prov++;
			k_prov += c;
		} else
			k_pend += c;
	}
	request_rows_free(v, n);
	/* the rule of evaluate_facts() */
	*yes = prov > 0 ? k_prov > 0 : k_pend > 0;
	return PF_OK;
}

int
confirm_trusted(struct store *s, const char *agreement, const char *addr,
    int *yes, char *err, size_t errlen)
{
	int rc;

	if ((rc = confirm_contact_of_record(s, agreement, addr, yes, err,
	    errlen)) != PF_OK || !*yes)
		return rc;
	*yes = 0;
	rc = store_confirm_confirmed(s, agreement, addr, err, errlen);
	if (rc == STORE_FOUND)
		*yes = 1;
	return rc == STORE_FOUND ? PF_OK : rc;
}

static int
confirm_add_if(struct store *s, const struct request_row *r,
    const char *addr, int always, struct strvec *out, char *err,
    size_t errlen)
{
	int trusted = 0, rc;

	for (size_t i = 0; i < out->n; i++)
		if (str_ieq(out->v[i], addr))
			return PF_OK;
	if (!always && (rc = confirm_trusted(s, r->agreement_number, addr,
	    &trusted, err, errlen)) != PF_OK)
		return rc;
	if (always || !trusted) {
		sv_push(out, addr);
		str_lower(out->v[out->n - 1]);
	}
	return PF_OK;
}

int
confirm_who(struct store *s, const struct request_row *r, struct strvec *out,
    char *err, size_t errlen)
{
	int update = strcmp(r->action, "update") == 0, rc = PF_OK;

	/* A contact confirmed before is not asked again only for an
	 * update, which its sender, a contact of record, confirms anyway.
	 * A provision has no such sender: skipping its confirmed contacts
	 * would let anyone file a second provision for an agreement in
	 * service, in their name, with no one asked at all. */
	for (size_t i = 0; i < r->n_sip && rc == PF_OK; i++)
		if (r->sip[i].contact)
			rc = confirm_add_if(s, r, r->sip[i].contact, !update,
			    out, err, errlen);
	/* A change to a provisioned federation is approved by a person
	 * who reads the sender's mailbox, confirmed before or not. */
	if (rc == PF_OK && update && r->sender)
		rc = confirm_add_if(s, r, r->sender, 1, out, err, errlen);
	return rc;
}

/* How many verify notices reached addr's mailbox in the last 24 hours:
 * its subaddresses (victim+1@, victim+2@, ...) are one mailbox, so a
 * request naming many of them gets no more through. */
static int
confirm_verify_count(struct store *s, const char *addr, int *count,
    char *err, size_t errlen)
{
	const char *at = strrchr(addr, '@');
	size_t n;
	char *local;
	int rc;

	if (at == NULL)
		at = addr + strlen(addr);
	n = strcspn(addr, "+");
	local = xstrndup(addr, n < (size_t)(at - addr) ? n :
	    (size_t)(at - addr));
	rc = store_verify_count_since(s, local, at, clock_now() - 86400, count,
	    err, errlen);
	free(local);
	return rc;
}

static int
confirm_verify_one(struct store *s, const struct config *cfg,
    struct request_row *r, const char *addr, time_t expires,
    char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct notice n;
	char token[CONFIRM_TOKEN_LEN + 1], hash[65], until[32];
	int count = 0, rc;

	if (confirm_token_new(token) != PF_OK) {
		err_set(err, errlen, "no random bytes for a token");
		return PF_ERR;
	}
	confirm_token_hash(token, hash);
	if ((rc = store_confirm_add(s, r->rid, addr, hash, clock_now(),
	    expires, err, errlen)) != PF_OK ||
	    (rc = confirm_verify_count(s, addr, &count, err, errlen)) !=
	    PF_OK)
		return rc;
	memset(&n, 0, sizeof(n));
	n.template = "verify";
	n.req = r;
	n.to = addr;
	n.inbound_id = r->inbound_id;
	if (count >= cfg->policy.verify_per_address_per_day)
		n.suppress = "verify notices per address per day reached";
	clock_human(expires, until);
	nv_set(&nv, "token", token);
	nv_set(&nv, "confirm_until", until);
	nv_take(&nv, "confirm_days", xasprintf("%d",
	    cfg->policy.confirm_days));
	nv_set(&nv, "sender", r->sender);
	if (str_ieq(addr, r->sender))
		nv_set(&nv, "you_sent", "1");
	if (strcmp(r->action, "update") == 0)
		nv_set(&nv, "is_update", "1");
	rc = notice_queue(s, cfg, &n, &nv, err, errlen);
	explicit_bzero(token, sizeof(token));
	nv_free(&nv);
	return rc;
}

int
confirm_start(struct store *s, const struct config *cfg,
    struct request_row *r, const struct strvec *who, char *err,
    size_t errlen)
{
	time_t expires = clock_now() + (time_t)cfg->policy.confirm_days *
	    86400;
	struct strbuf cause;
	int rc;

	sb_init(&cause);
	sb_addf(&cause, "valid: confirmation asked of %zu address%s:",
	    who->n, who->n == 1 ? "" : "es");
	for (size_t i = 0; i < who->n; i++)
		sb_addf(&cause, " %s", who->v[i]);
	r->held_until = 0;
	if ((rc = store_request_save_transition(s, r, ST_CONFIRMING,
	    BY_SYSTEM, cause.s, err, errlen)) != PF_OK ||
	    (rc = store_timer_set(s, r->rid, "confirm", expires, err,
	    errlen)) != PF_OK)
		goto done;
	for (size_t i = 0; i < who->n && rc == PF_OK; i++)
		rc = confirm_verify_one(s, cfg, r, who->v[i], expires, err,
		    errlen);
	if (rc == PF_OK)
		log_info("request %s %s", r->tag, cause.s);
done:
	sb_free(&cause);
	return rc;
}

static int
is_b32(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '2' && c <= '7');
}

static int
is_word(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

/* Runs of exactly CONFIRM_TOKEN_LEN base32 characters standing alone. */
static void
confirm_candidates(const char *text, struct strvec *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, start, k;
	char tok[CONFIRM_TOKEN_LEN + 1];

	if (text == NULL)
		return;
	while (p[i] && out->n < CONFIRM_MAX_TOKENS) {
		if (!is_word(p[i])) {
			i++;
			continue;
		}
		start = i;
		while (is_word(p[i]))
			i++;
		if (i - start != CONFIRM_TOKEN_LEN)
			continue;
		for (k = 0; k < CONFIRM_TOKEN_LEN && is_b32(p[start + k]); k++)
			tok[k] = (char)(p[start + k] >= 'a' ?
			    p[start + k] - 'a' + 'A' : p[start + k]);
		tok[k] = '\0';
		if (k == CONFIRM_TOKEN_LEN && !sv_contains(out, tok))
			sv_push(out, tok);
	}
}

/* The request of one confirmed row: every address asked has confirmed. */
static int
confirm_complete(struct store *s, int64_t rid, int *all, char *err,
    size_t errlen)
{
	struct confirm_row *v = NULL;
	size_t n = 0;
	int rc;

	*all = 0;
	if ((rc = store_confirm_list(s, rid, &v, &n, err, errlen)) != PF_OK)
		return rc;
	*all = n > 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].confirmed_at == 0)
			*all = 0;
	confirm_rows_free(v, n);
	return PF_OK;
}

static int
confirm_use(struct store *s, const struct confirm_row *c, int64_t inbound_id,
    struct confirm_result *res, char *err, size_t errlen)
{
	struct request_row r;
	char *cause;
	int rc, all = 0;

	rc = store_request_load_rid(s, c->request_rid, &r, err, errlen);
	if (rc != STORE_FOUND)
		return rc == PF_OK ? PF_ERR : rc;
	/* A token of a request that has moved on confirms nothing. */
	if (r.state != ST_CONFIRMING || c->confirmed_at != 0 ||
	    clock_now() >= c->expires_at) {
		request_row_free(&r);
		return PF_OK;
	}
	cause = xasprintf("confirmed by %s", c->address);
	if ((rc = store_confirm_mark(s, c->id, clock_now(), inbound_id, err,
	    errlen)) == PF_OK &&
	    (rc = store_note(s, &r, cause, err, errlen)) == PF_OK)
		rc = confirm_complete(s, r.rid, &all, err, errlen);
	if (rc == PF_OK) {
		if (res->n_confirmed++ == 0)
			memcpy(res->tag, r.tag, sizeof(res->tag));
		if (all && res->n_complete < sizeof(res->complete) /
		    sizeof(res->complete[0]))
			res->complete[res->n_complete++] = r.rid;
		log_info("request %s %s%s", r.tag, cause, all ?
		    ": every address has confirmed" : "");
	}
	free(cause);
	request_row_free(&r);
	return rc;
}

void
confirm_tokens(const char *subject, const char *text, struct strvec *out)
{
	confirm_candidates(subject, out);
	confirm_candidates(text, out);
}

int
confirm_mail(struct store *s, const struct strvec *tokens,
    int64_t inbound_id, struct confirm_result *res, char *err,
    size_t errlen)
{
	struct confirm_row c;
	char hash[65];
	int rc = PF_OK;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < tokens->n && rc == PF_OK; i++) {
		confirm_token_hash(tokens->v[i], hash);
		rc = store_confirm_find(s, hash, &c, err, errlen);
		if (rc == STORE_FOUND) {
			rc = confirm_use(s, &c, inbound_id, res, err, errlen);
			free(c.address);
		}
	}
	return rc;
}

/* Whether the sender may read who did not confirm: he confirmed this
 * request, or is a confirmed contact of record. A stranger whose address
 * was written into a forged request learns no one else's address. */
static int
confirm_sender_trusted(struct store *s, const struct request_row *r,
    const struct confirm_row *v, size_t n, int *yes, char *err,
    size_t errlen)
{
	*yes = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].confirmed_at && str_ieq(v[i].address, r->sender)) {
			*yes = 1;
			return PF_OK;
		}
	return confirm_trusted(s, r->agreement_number, r->sender, yes, err,
	    errlen);
}

int
confirm_expire(struct store *s, const struct config *cfg,
    struct request_row *r, char *err, size_t errlen)
{
	struct notice_vars nv = { 0 };
	struct reasons bare = { 0 };
	struct confirm_row *v = NULL;
	struct strbuf who;
	struct notice n;
	char *cause = NULL;
	size_t nv_count = 0;
	int rc, trusted = 0;

	if (r->state != ST_CONFIRMING)
		return PF_OK;
	sb_init(&who);
	if ((rc = store_confirm_list(s, r->rid, &v, &nv_count, err,
	    errlen)) != PF_OK)
		goto done;
	for (size_t i = 0; i < nv_count; i++)
		if (v[i].confirmed_at == 0)
			sb_addf(&who, "%s%s", who.len ? ", " : "",
			    v[i].address);
	reasons_add(&r->reasons, "not-confirmed", who.s);
	reasons_add(&bare, "not-confirmed", NULL);
	cause = xasprintf("rejected: not-confirmed (no reply from %s within "
	    "%d days)", who.s, cfg->policy.confirm_days);
	if ((rc = store_request_save_transition(s, r, ST_REJECTED,
	    BY_SYSTEM, cause, err, errlen)) != PF_OK ||
	    (rc = confirm_sender_trusted(s, r, v, nv_count, &trusted, err,
	    errlen)) != PF_OK)
		goto done;
	memset(&n, 0, sizeof(n));
	n.template = "rejection";
	n.req = r;
	n.to = r->sender;
	n.inbound_id = r->inbound_id;
	n.auto_reply = 1;
	n.brief = !trusted;	/* a stranger reads no value of the request */
	nv_take(&nv, "reasons", notice_reason_lines(cfg, trusted ? &r->reasons :
	    &bare, r->language));
	nv_set(&nv, "not_confirmed", "1");
	if (strcmp(r->action, "update") == 0)
		nv_set(&nv, "is_update", "1");
	rc = notice_queue(s, cfg, &n, &nv, err, errlen);
	if (rc == PF_OK)
		log_info("request %s %s", r->tag, cause);
done:
	confirm_rows_free(v, nv_count);
	reasons_free(&bare);
	sb_free(&who);
	free(cause);
	nv_free(&nv);
	return rc;
}
