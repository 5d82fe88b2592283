/* test_confirm.c - confirmation by reply (SPEC 6): the token's life, who
 * must confirm, expiry, the verify limit, what a verify notice shows, the
 * domain claim, the public suffixes, Authentication-Results at ingest,
 * replies by tag and the alert digest. */
#include "testutil.h"
#include "clock.h"
#include "confirm.h"
#include "store_int.h"
#include "suffix.h"
#include "tick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGR	"61234567"
#define BODY(edge, contact) \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: " AGR "\n" \
	"Deployment: lync-server-2013\n" \
	"Edge-FQDN: " edge "\n" \
	"SIP-Domain: contoso.com\n" \
	"Contact: " contact "\n"
#define TWO_CONTACTS \
	BODY("sip.contoso.com", "admin@contoso.com") \
	"SIP-Domain: fabrikam.com <it@fabrikam.com>\n"
#define UPDATE(edge, contact)	"Action: update\n" BODY(edge, contact)

static int
setup_on(void **state)
{
	(void)state;
	tu_set_now("2026-11-26T09:00:00Z");
	tu_env_open(&tu_e, "[policy]\nconfirm_contacts = yes\n"
	    "authserv_id = mx.pic.example.net\n");
	return 0;
}

static int
setup_strict(void **state)
{
	(void)state;
	tu_set_now("2026-11-26T09:00:00Z");
	tu_env_open(&tu_e, "[policy]\nconfirm_contacts = yes\n"
	    "authserv_id = mx.pic.example.net\nrequire_authentication = yes\n");
	return 0;
}

static long
notices(const char *to, const char *tmpl)
{
	char *q = xasprintf("SELECT count(*) FROM outbox WHERE recipient = ? "
	    "AND template = '%s' AND state = 'queued'", tmpl);
	long n = tu_count(q, to);

	free(q);
	return n;
}

/* The token of the n-th verify notice to `to`, from its Subject; the
 * body repeats it. */
static void
token_of(const char *to, int n, char tok[CONFIRM_TOKEN_LEN + 1])
{
	struct mail_text mt;
	char *raw;
	const char *p;

	tu_notice(&tu_e, to, "verify", n, &mt, &raw);
	p = strstr(mt.subject, "confirm ");
	assert_non_null(p);
	memcpy(tok, p + 8, CONFIRM_TOKEN_LEN);
	tok[CONFIRM_TOKEN_LEN] = '\0';
	assert_int_equal(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
	    CONFIRM_TOKEN_LEN);
	assert_non_null(strstr(mt.body, tok));
	free(raw);
	mime_text_free(&mt);
}

static int msg_seq;

static void
reply(const char *from, const char *tag, const char *subject_extra,
    const char *body, const char *hdrs, struct ingest_result *r)
{
	char id[64], *raw;

	snprintf(id, sizeof(id), "reply%d@example.org", ++msg_seq);
	raw = xasprintf("From: %s\r\nTo: provisioning@pic.example.net\r\n"
	    "Subject: Re: [PIC-%s] %s\r\nMessage-ID: <%s>\r\n%s\r\n%s", from,
	    tag, subject_extra, id, hdrs ? hdrs : "", body);
	tu_ingest(&tu_e, raw, r);
	free(raw);
}

/* `from` replies to its n-th verify notice as a mail program does: the
 * subject keeps "confirm TOKEN". */
static void
confirm_reply(const char *from, int n, const char *tag,
    struct ingest_result *r)
{
	char tok[CONFIRM_TOKEN_LEN + 1], *q;

	token_of(from, n, tok);
	q = xasprintf("confirm %s", tok);
	reply(from, tag, q, "ok\n", NULL, r);
	free(q);
}

/* How many addresses request tag asks to confirm; with addr, whether
 * it asks that one. */
static long
asked(const char *tag, const char *addr)
{
	char *q = xasprintf("SELECT count(*) FROM confirmations c JOIN requests "
	    "r ON r.rid = c.request_rid WHERE r.tag = ?%s%s%s", addr ?
	    " AND c.address = '" : "", addr ? addr : "", addr ? "'" : "");
	long n = tu_count(q, tag);

	free(q);
	return n;
}

static void
request(const char *from, const char *body, const char *hdrs,
    struct ingest_result *r)
{
	char id[64];

	snprintf(id, sizeof(id), "req%d@example.org", ++msg_seq);
	tu_ingest_body(from, id, hdrs, body, r);
}

static void
tick(void)
{
	struct tick_result tr;
	char err[PF_ERRLEN];

	assert_int_equal(tick_run(tu_e.s, &tu_e.cfg, &tr, err, sizeof(err)),
	    PF_OK);
}

/* A provisioned agreement whose contact admin@contoso.com confirmed. */
static void
provisioned(char tag[9])
{
	struct ingest_result r, c;

	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), NULL, &r);
	confirm_reply("admin@contoso.com", 0, r.tag, &c);
	assert_string_equal(tu_state_of(r.tag), "pending");
	tu_provision(r.tag);
	memcpy(tag, r.tag, 9);
}

static void
test_token_life_cycle(void **state)
{
	struct ingest_result r, c, again;
	char tok[CONFIRM_TOKEN_LEN + 1], hash[65], *q;

	(void)state;
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), NULL, &r);
	assert_int_equal(r.outcome, IN_REQUEST);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(notices("admin@contoso.com", "verify"), 1);
	assert_int_equal(notices("admin@contoso.com", "confirmation"), 0);
	token_of("admin@contoso.com", 0, tok);
	/* stored hashed: the database holds the hash, never the token,
	 * and the outbox lists the subject without it */
	confirm_token_hash(tok, hash);
	assert_int_equal(tu_count("SELECT count(*) FROM confirmations WHERE "
	    "token_hash = ?", hash), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM confirmations WHERE "
	    "instr(token_hash || address, ?) > 0", tok), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE "
	    "instr(subject, ?) > 0", tok), 0);
	/* a wrong token confirms nothing: a reply, not forwarded */
	reply("admin@contoso.com", r.tag, "confirm ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	    "yes\n", NULL, &c);
	assert_int_equal(c.outcome, IN_REPLY);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	/* the reply carrying it confirms: pending, confirmations go out */
	q = xasprintf("confirm %s", tok);
	reply("admin@contoso.com", r.tag, q, "Confirmed.\n", NULL, &c);
	assert_int_equal(c.outcome, IN_CONFIRM);
	assert_string_equal(tu_state_of(r.tag), "pending");
	assert_int_equal(notices("admin@contoso.com", "confirmation"), 1);
	/* not forwarded to the operator */
	assert_int_equal(notices("noc@pic.example.net", "alert"), 0);
	/* single use: the same token again does nothing */
	reply("admin@contoso.com", r.tag, q, "Again.\n", NULL, &again);
	assert_int_not_equal(again.outcome, IN_CONFIRM);
	assert_int_equal(tu_count("SELECT count(*) FROM events WHERE cause = "
	    "'confirmed by admin@contoso.com'", NULL), 1);
	free(q);
	/* the token is random: two requests, two tokens */
	{
		char tok2[CONFIRM_TOKEN_LEN + 1];

		request("admin@contoso.com", BODY("sip.contoso.com",
		    "other@contoso.com"), NULL, &r);
		token_of("other@contoso.com", 0, tok2);
		assert_string_not_equal(tok, tok2);
	}
}

static void
test_quoted_token_confirms(void **state)
{
	struct ingest_result r, c;
	char tok[CONFIRM_TOKEN_LEN + 1], *body;

	(void)state;
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), NULL, &r);
	token_of("admin@contoso.com", 0, tok);
	for (char *p = tok; *p; p++)	/* case does not matter */
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	body = xasprintf("Yes, that is us.\n\nOn Thu, provisioning wrote:\n"
	    "> To confirm, reply.\n>   %s\n", tok);
	/* a new message without the tag, the token in quoted text only */
	request("admin@contoso.com", body, NULL, &c);
	assert_int_equal(c.outcome, IN_CONFIRM);
	assert_string_equal(tu_state_of(r.tag), "pending");
	free(body);
}

static void
test_automatic_mail_never_confirms(void **state)
{
	struct ingest_result r, c;
	char tok[CONFIRM_TOKEN_LEN + 1], *subject;

	(void)state;
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), NULL, &r);
	token_of("admin@contoso.com", 0, tok);
	subject = xasprintf("confirm %s", tok);
	/* a vacation reply quoting the whole notice */
	reply("admin@contoso.com", r.tag, subject, "I am away until Monday.\n",
	    "Auto-Submitted: auto-replied\r\n", &c);
	assert_int_equal(c.outcome, IN_IGNORED);
	reply("admin@contoso.com", r.tag, subject, "Out of office\n",
	    "Precedence: bulk\r\n", &c);
	assert_int_equal(c.outcome, IN_IGNORED);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(tu_count("SELECT count(*) FROM confirmations WHERE "
	    "confirmed_at IS NOT NULL", NULL), 0);
	free(subject);
}

static void
test_expiry(void **state)
{
	struct ingest_result r, c;
	struct mail_text mt;
	char *raw;

	(void)state;
	/* sent by a consultant: both contacts must confirm */
	request("consultant@example.org", TWO_CONTACTS, NULL, &r);
	assert_int_equal(notices("admin@contoso.com", "verify"), 1);
	assert_int_equal(notices("it@fabrikam.com", "verify"), 1);
	assert_int_equal(notices("consultant@example.org", "verify"), 0);
	confirm_reply("admin@contoso.com", 0, r.tag, &c);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	/* a day before the end: nothing */
	tu_set_now("2026-12-02T09:00:00Z");
	tick();
	assert_string_equal(tu_state_of(r.tag), "confirming");
	tu_set_now("2026-12-03T09:00:01Z");
	tick();
	assert_string_equal(tu_state_of(r.tag), "rejected");
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'not-confirmed' AND detail = 'it@fabrikam.com'", NULL), 1);
	/* the sender is told; he confirmed nothing, so he reads no one's
	 * address; and no confirmation ever went out */
	tu_notice(&tu_e, "consultant@example.org", "rejection", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "[not-confirmed]"));
	assert_null(strstr(mt.body, "fabrikam"));
	assert_null(strstr(mt.body, "admin@contoso.com"));
	free(raw);
	mime_text_free(&mt);
	assert_int_equal(notices("admin@contoso.com", "confirmation"), 0);
	/* a late reply confirms nothing */
	tu_set_now("2026-12-03T10:00:00Z");
	confirm_reply("admin@contoso.com", 0, r.tag, &c);
	assert_int_not_equal(c.outcome, IN_CONFIRM);
	assert_string_equal(tu_state_of(r.tag), "rejected");
}

/* A forged update: the attacker writes From: the contact of record and
 * moves the Edge FQDN to his host. Nothing changes. */
static void
test_forged_update_changes_nothing(void **state)
{
	struct ingest_result u;
	struct mail_text mt;
	char tag[9], *raw;

	(void)state;
	provisioned(tag);
	request("admin@contoso.com", UPDATE("sip.attacker.example",
	    "admin@contoso.com"), NULL, &u);
	assert_string_equal(tu_state_of(u.tag), "confirming");
	/* the sender of an update confirms, confirmed before or not */
	assert_int_equal(notices("admin@contoso.com", "verify"), 2);
	tu_notice(&tu_e, "admin@contoso.com", "verify", 1, &mt, &raw);
	assert_non_null(strstr(mt.body, "sip.attacker.example"));
	free(raw);
	mime_text_free(&mt);
	tu_set_now("2026-12-04T09:00:00Z");
	tick();
	assert_string_equal(tu_state_of(u.tag), "rejected");
	assert_string_equal(tu_state_of(tag), "provisioned");
	assert_int_equal(tu_count("SELECT count(*) FROM request_edges e JOIN "
	    "requests r ON r.rid = e.request_rid WHERE r.state = "
	    "'provisioned' AND e.fqdn = 'sip.attacker.example'", NULL), 0);
	assert_int_equal(notices("admin@contoso.com", "completion"), 1);
	/* the contact of record is told, with who did not confirm */
	tu_notice(&tu_e, "admin@contoso.com", "rejection", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "admin@contoso.com"));
	free(raw);
	mime_text_free(&mt);
}

/* A forged contact change: the attacker's new contact confirms, the
 * contact of record never does. */
static void
test_forged_contact_change(void **state)
{
	struct ingest_result u, c;
	char tag[9];

	(void)state;
	provisioned(tag);
	request("admin@contoso.com", UPDATE("sip.contoso.com",
	    "eve@evil.example"), NULL, &u);
	assert_int_equal(notices("eve@evil.example", "verify"), 1);
	confirm_reply("eve@evil.example", 0, u.tag, &c);
	assert_int_equal(c.outcome, IN_CONFIRM);
	assert_string_equal(tu_state_of(u.tag), "confirming");
	tu_set_now("2026-12-04T09:00:00Z");
	tick();
	assert_string_equal(tu_state_of(u.tag), "rejected");
	assert_string_equal(tu_state_of(tag), "provisioned");
	/* the real contact still reads the agreement's status */
	request("admin@contoso.com", "Action: status\nAgreement-Number: " AGR
	    "\n", NULL, &c);
	assert_int_equal(c.outcome, IN_STATUS);
	assert_int_equal(tu_count("SELECT count(*) FROM request_domains d JOIN "
	    "requests r ON r.rid = d.request_rid WHERE r.state = "
	    "'provisioned' AND d.contact = 'eve@evil.example'", NULL), 0);
}

static void
test_who_must_confirm(void **state)
{
	struct ingest_result r, c;
	char tag[9];

	(void)state;
	provisioned(tag);
	/* update by a confirmed contact, same contacts: the sender only */
	request("admin@contoso.com", UPDATE("sip2.contoso.com",
	    "admin@contoso.com"), NULL, &r);
	assert_int_equal(asked(r.tag, NULL), 1);
	/* update adding a contact: the new contact and the sender */
	request("admin@contoso.com", UPDATE("sip2.contoso.com",
	    "admin@contoso.com") "SIP-Domain: fabrikam.com <it@fabrikam.com>\n",
	    NULL, &r);
	assert_int_equal(asked(r.tag, NULL), 2);
	assert_int_equal(notices("it@fabrikam.com", "verify"), 1);
	/* both confirm: pending */
	confirm_reply("it@fabrikam.com", 0, r.tag, &c);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	confirm_reply("admin@contoso.com", 2, r.tag, &c);
	assert_string_equal(tu_state_of(r.tag), "pending");
	/* a provision whose contacts are all confirmed contacts of record,
	 * From one of them or from a stranger: every contact all the same
	 * (anyone may write either From) */
	request("admin@contoso.com", BODY("sip.evil.example",
	    "admin@contoso.com"), NULL, &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(asked(r.tag, "admin@contoso.com"), 1);
	request("mallory@evil.example", BODY("sip.evil.example",
	    "admin@contoso.com"), NULL, &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(asked(r.tag, NULL), 1);
	/* a provision for a new agreement: every contact, not the sender */
	request("admin@contoso.com", "Agreement-Type: spla\n"
	    "Agreement-Number: 77665544\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.tailspin.example\nSIP-Domain: tailspin.example\n"
	    "Contact: ops@tailspin.example\n", NULL, &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(asked(r.tag, "ops@tailspin.example"), 1);
	assert_int_equal(asked(r.tag, NULL), 1);
}

/* 100 strangers' requests naming one victim: at most 3 verify notices
 * a day reach her, each with no one else's address, no free text. */
static void
test_verify_limit_and_content(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char body[1024], from[64], *raw;

	(void)state;
	for (int i = 0; i < 6; i++) {
		snprintf(from, sizeof(from), "\"Mallory %d\" <m%d@evil.example>",
		    i, i);
		snprintf(body, sizeof(body), "Dear team, URGENT-FREE-TEXT\n"
		    "Agreement-Type: spla\nAgreement-Number: 9988%04d\n"
		    "Deployment: lync-server-2013\nEdge-FQDN: sip.evil.example\n"
		    "SIP-Domain: victim.example\nContact: victim@victim.example\n"
		    "SIP-Domain: other%d.example\nContact: someone@other%d.example\n",
		    i, i, i);
		request(from, body, NULL, &r);
		assert_string_equal(tu_state_of(r.tag), "confirming");
	}
	assert_int_equal(notices("victim@victim.example", "verify"), 3);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "? AND template = 'verify' AND state = 'suppressed'",
	    "victim@victim.example"), 3);
	/* a suppressed verify notice keeps no usable token either */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE state = "
	    "'suppressed' AND template = 'verify' AND instr(message, 'confirm "
	    "xxxxxxxx') = 0", NULL), 0);
	tu_notice(&tu_e, "victim@victim.example", "verify", 0, &mt, &raw);
	assert_null(strstr(raw, "someone@"));
	assert_null(strstr(raw, "URGENT"));
	assert_null(strstr(raw, "Mallory"));
	assert_null(strstr(mt.body, "PIC request"));	/* their Subject */
	assert_non_null(strstr(mt.body, "m0@evil.example"));	/* sender */
	assert_non_null(strstr(mt.body, "victim.example"));
	assert_non_null(strstr(mt.body, "99880000"));
	assert_non_null(strstr(mt.body, "Request:           provision\n"));
	free(raw);
	mime_text_free(&mt);
	/* a day later, three more */
	tu_set_now("2026-11-27T09:00:01Z");
	request("m9@evil.example", "Agreement-Type: spla\n"
	    "Agreement-Number: 99889999\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.evil.example\nSIP-Domain: victim.example\n"
	    "Contact: victim@victim.example\n", NULL, &r);
	assert_int_equal(notices("victim@victim.example", "verify"), 4);
	/* her subaddresses are her mailbox: two more today, whatever the
	 * detail, and another domain's victim+1 is someone else */
	request("m9@evil.example", "Agreement-Type: spla\n"
	    "Agreement-Number: 99889998\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.evil.example\n"
	    "SIP-Domain: a.victim.example <victim+a@victim.example>\n"
	    "SIP-Domain: b.victim.example <victim+b@victim.example>\n"
	    "SIP-Domain: c.victim.example <victim+c@victim.example>\n"
	    "SIP-Domain: d.victim.example <victim+1@other.example>\n", NULL, &r);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE template = "
	    "'verify' AND state = 'queued' AND recipient LIKE ?",
	    "victim+%@victim.example"), 2);
	assert_int_equal(notices("victim+c@victim.example", "verify"), 0);
	assert_int_equal(notices("victim+1@other.example", "verify"), 1);
}

/* A stranger's request for someone else's domain: while confirming it
 * claims nothing, pending with a contact outside the domain it claims
 * nothing, and its claim lapses at its deadline. */
static void
test_domain_squat(void **state)
{
	struct ingest_result sq, r, c;

	(void)state;
	request("eve@evil.example", "Agreement-Type: spla\n"
	    "Agreement-Number: 66666666\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.evil.example\nSIP-Domain: contoso.com\n"
	    "Contact: eve@evil.example\n", NULL, &sq);
	confirm_reply("eve@evil.example", 0, sq.tag, &c);
	assert_string_equal(tu_state_of(sq.tag), "pending");
	/* the owner's request is not domain-claimed */
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), NULL, &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'domain-claimed'", NULL), 0);
	/* a confirming request claims nothing: a third agreement goes on */
	request("ops@contoso.com", "Agreement-Type: spla\n"
	    "Agreement-Number: 55555555\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com\nSIP-Domain: contoso.com\n"
	    "Contact: ops@contoso.com\n", NULL, &c);
	assert_string_equal(tu_state_of(c.tag), "confirming");
	/* the owner confirms: pending, and now it holds contoso.com */
	confirm_reply("admin@contoso.com", 0, r.tag, &sq);
	assert_string_equal(tu_state_of(r.tag), "pending");
	/* the third one, confirmed now, is judged again: domain-claimed */
	confirm_reply("ops@contoso.com", 0, c.tag, &sq);
	assert_string_equal(tu_state_of(c.tag), "rejected");
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'domain-claimed' AND detail = 'contoso.com'", NULL), 1);
	/* after the owner's deadline (30 days) the pending claim lapses */
	tu_set_now("2026-12-27T09:00:00Z");
	request("ops@contoso.com", "Agreement-Type: spla\n"
	    "Agreement-Number: 55555555\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com\nSIP-Domain: contoso.com\n"
	    "Contact: ops@contoso.com\n", NULL, &c);
	assert_string_equal(tu_state_of(c.tag), "confirming");
}

static void
test_public_suffix(void **state)
{
	struct ingest_result r;

	(void)state;
	assert_true(suffix_is_public("co.uk"));
	assert_true(suffix_is_public("com"));
	assert_true(suffix_is_public("github.io"));	/* private section */
	assert_false(suffix_is_public("contoso.co.uk"));
	assert_false(suffix_is_public("contoso.com"));
	assert_true(suffix_same_site("exemple.fabrikam.com", "fabrikam.com"));
	assert_false(suffix_same_site("contoso.com", "evil.example"));
	assert_false(suffix_same_site("a.co.uk", "b.co.uk"));
	request("admin@contoso.com", "Agreement-Type: spla\n"
	    "Agreement-Number: 44444444\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.co.uk\nSIP-Domain: co.uk\n"
	    "Contact: admin@contoso.co.uk\n", NULL, &r);
	assert_string_equal(tu_state_of(r.tag), "rejected");
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'bad-sip-domain' AND detail = 'co.uk'", NULL), 1);
}

static void
test_unauthenticated_sender(void **state)
{
	struct ingest_result r;

	(void)state;
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), "Authentication-Results: mx.pic.example.net;"
	    "\r\n  spf=pass smtp.mailfrom=evil.example;\r\n  dmarc=fail "
	    "(p=reject) header.from=contoso.com\r\n", &r);
	assert_string_equal(tu_state_of(r.tag), "rejected");
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'unauthenticated-sender'", NULL), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 0);
	/* another server's header is not ours to believe, either way */
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), "Authentication-Results: mx.evil.example; "
	    "dmarc=fail\r\n", &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
}

static void
test_require_authentication(void **state)
{
	struct ingest_result r;

	(void)state;
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), "Authentication-Results: mx.evil.example; "
	    "dmarc=pass\r\n", &r);
	assert_string_equal(tu_state_of(r.tag), "rejected");
	request("admin@contoso.com", "Action: help\n", NULL, &r);
	assert_string_equal(tu_state_of(r.tag), "rejected");
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 0);
	request("admin@contoso.com", BODY("sip.contoso.com",
	    "admin@contoso.com"), "Authentication-Results: mx.pic.example.net; "
	    "dkim=pass header.d=contoso.com; dmarc=pass header.from="
	    "contoso.com\r\n", &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
}

static void
test_replies_by_tag(void **state)
{
	struct ingest_result r, c;
	char tag[9];

	(void)state;
	provisioned(tag);
	reply("admin@contoso.com", tag, "thanks", "When is it live?\n", NULL,
	    &c);
	assert_int_equal(c.outcome, IN_REPLY);
	assert_int_equal(notices("noc@pic.example.net", "alert"), 1);
	/* an unconfirmed contact of a confirming request: recorded only */
	request("eve@evil.example", BODY("sip.evil.example",
	    "eve@evil.example"), NULL, &r);
	reply("eve@evil.example", r.tag, "hello", "Please hurry\n", NULL, &c);
	assert_int_equal(c.outcome, IN_REPLY);
	assert_int_equal(notices("noc@pic.example.net", "alert"), 1);
	reply("stranger@example.org", tag, "hi", "What is in there?\n", NULL,
	    &c);
	assert_int_equal(notices("noc@pic.example.net", "alert"), 1);
}

/* A flood of replies From a contact of record (anyone can write it):
 * three forwarded an hour, attached; the others named in one digest that
 * attaches nothing. */
static void
test_forwarded_replies_limited(void **state)
{
	struct ingest_result c;
	struct mail_text mt;
	char tag[9], *raw;

	(void)state;
	provisioned(tag);
	for (int i = 0; i < 10; i++)
		reply("admin@contoso.com", tag, "call me", "Please call.\n",
		    NULL, &c);
	assert_int_equal(notices("noc@pic.example.net", "alert"), 3);
	tu_notice(&tu_e, "noc@pic.example.net", "alert", 2, &mt, &raw);
	assert_non_null(strstr(mt.body, "It is attached, as received."));
	assert_non_null(strstr(raw, "message/rfc822"));
	free(raw);
	mime_text_free(&mt);
	tu_set_now("2026-11-26T10:00:01Z");
	tick();
	assert_int_equal(notices("noc@pic.example.net", "alert"), 4);
	tu_notice(&tu_e, "noc@pic.example.net", "alert", 3, &mt, &raw);
	assert_non_null(strstr(mt.subject, "forwarded reply (digest of 7"));
	assert_non_null(strstr(mt.body, "Not attached"));
	assert_null(strstr(raw, "message/rfc822"));
	free(raw);
	mime_text_free(&mt);
}

static void
test_alert_digest(void **state)
{
	struct ingest_result r[5];
	struct mail_text mt;
	char *raw;

	(void)state;
	tu_e.cfg.policy.confirm_contacts = 0;
	for (int i = 0; i < 5; i++) {
		char id[32];

		snprintf(id, sizeof(id), "dig%d@contoso.com", i);
		tu_ingest_body("admin@contoso.com", id, NULL,
		    BODY("sip.contoso.com", "admin@contoso.com"), &r[i]);
	}
	/* five deadlines pass at once: three alerts now, the other two in
	 * one digest when the hour is over */
	tu_set_now("2026-12-26T09:00:01Z");
	tick();
	assert_int_equal(notices("noc@pic.example.net", "alert"), 3);
	tu_set_now("2026-12-26T09:30:00Z");
	tick();
	assert_int_equal(notices("noc@pic.example.net", "alert"), 3);
	tu_set_now("2026-12-26T10:00:02Z");
	tick();
	assert_int_equal(notices("noc@pic.example.net", "alert"), 4);
	tu_notice(&tu_e, "noc@pic.example.net", "alert", 3, &mt, &raw);
	assert_non_null(strstr(mt.subject, "digest of 2"));
	assert_non_null(strstr(mt.body, r[4].tag));
	free(raw);
	mime_text_free(&mt);
	tick();
	assert_int_equal(notices("noc@pic.example.net", "alert"), 4);
}

static void
test_help_faq(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char *raw;

	(void)state;
	request("new@example.org", "Action: help\n", NULL, &r);
	tu_notice(&tu_e, "new@example.org", "help", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "[PIC-...] confirm CODE"));
	assert_non_null(strstr(mt.body, "for 7 days"));
	free(raw);
	mime_text_free(&mt);
	request("nouveau@example.org", "Action: aide\nLangue: fr\n", NULL, &r);
	tu_notice(&tu_e, "nouveau@example.org", "help", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "pendant 7 jours"));
	free(raw);
	mime_text_free(&mt);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup_on, tu_teardown)
	const struct CMUnitTest tests[] = {
		T(test_token_life_cycle),
		T(test_quoted_token_confirms),
		T(test_automatic_mail_never_confirms),
		T(test_expiry),
		T(test_forged_update_changes_nothing),
		T(test_forged_contact_change),
		T(test_who_must_confirm),
		T(test_verify_limit_and_content),
		T(test_domain_squat),
		T(test_public_suffix),
		T(test_unauthenticated_sender),
		cmocka_unit_test_setup_teardown(test_require_authentication,
		    setup_strict, tu_teardown),
		T(test_replies_by_tag),
		T(test_forwarded_replies_limited),
		T(test_alert_digest),
		T(test_help_faq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
