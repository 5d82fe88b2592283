/* test_ingest.c - the engine end to end, without servers: a raw mail in,
 * states, reason codes, events, timers and the exact notices queued. */
#include "testutil.h"
#include "decide.h"
#include "ingest.h"
#include "store.h"
#include "tick.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VALID_BODY \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: 61234567\n" \
	"Deployment: lync-server-2013\n" \
	"Edge-FQDN: sip.contoso.com\n" \
	"Edge-FQDN: sip2.contoso.com\n" \
	"SIP-Domain: contoso.com\n" \
	"Contact: admin@contoso.com\n" \
	"SIP-Domain: exemple.fabrikam.com <it@fabrikam.com>\n"

static void
load(const char *tag, struct request_row *r)
{
	char err[PF_ERRLEN];

	assert_int_equal(store_request_load(tu_e.s, tag, r, err, sizeof(err)),
	    STORE_FOUND);
}

static void
test_valid_request_confirms_each_contact(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char *raw, *h, *subj;

	(void)state;
	tu_ingest_body("Admin <admin@contoso.com>", "req-1@contoso.com", NULL,
	    VALID_BODY, &r);
	assert_int_equal(r.outcome, IN_REQUEST);
	assert_int_equal(r.state, ST_PENDING);
	assert_int_equal(tu_count("SELECT count(*) FROM events", NULL), 2);
	assert_int_equal(tu_count("SELECT count(*) FROM timers WHERE kind = "
	    "'deadline' AND due_at = '2026-12-26T09:00:00Z'", NULL), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE template = "
	    "'confirmation' AND state = 'queued'", NULL), 2);

	tu_notice(&tu_e, "it@fabrikam.com", "confirmation", 0, &mt, &raw);
	subj = xasprintf("[PIC-%s]", r.tag);
	assert_non_null(strstr(mt.subject, subj));
	assert_string_equal(mt.from_addr, "provisioning@pic.example.net");
	assert_string_equal(mt.in_reply_to, "req-1@contoso.com");
	assert_non_null(strstr(mt.references, "req-1@contoso.com"));
	assert_string_equal(mt.auto_submitted, "auto-replied");
	assert_string_equal(mt.content_language, "en");
	h = tu_header(raw, "Content-Type");
	assert_string_equal(h, "Content-Type: text/plain; charset=UTF-8");
	free(h);
	h = tu_header(raw, "To");
	assert_string_equal(h, "To: it@fabrikam.com");
	free(h);
	h = tu_header(raw, "Message-ID");
	assert_non_null(strstr(h, "@pic.example.net>"));
	free(h);
	h = tu_header(raw, "Content-Transfer-Encoding");
	assert_string_equal(h, "Content-Transfer-Encoding: quoted-printable");
	free(h);
	/* the text says what happens next, and lists the request */
	assert_non_null(strstr(mt.body, "30 days"));
	assert_non_null(strstr(mt.body, "sip2.contoso.com"));
	assert_non_null(strstr(mt.body, "exemple.fabrikam.com"));
	free(subj);
	free(raw);
	mime_text_free(&mt);
}

static void
test_same_mail_twice_is_one_request(void **state)
{
	struct ingest_result r1, r2;
	char *raw = tu_mail("admin@contoso.com", "dup@contoso.com", NULL,
	    VALID_BODY);

	(void)state;
	tu_ingest(&tu_e, raw, &r1);
	tu_ingest(&tu_e, raw, &r2);
	assert_int_equal(r1.outcome, IN_REQUEST);
	assert_int_equal(r2.outcome, IN_DUPLICATE);
	/* delivered twice: other headers, same Message-ID */
	free(raw);
	raw = tu_mail("admin@contoso.com", "dup@contoso.com",
	    "Received: from elsewhere\r\n", VALID_BODY);
	tu_ingest(&tu_e, raw, &r2);
	assert_int_equal(r2.outcome, IN_DUPLICATE);
	assert_int_equal(tu_count("SELECT count(*) FROM requests", NULL), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM inbound", NULL), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM events", NULL), 2);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 2);
	free(raw);
}

static void
test_french_request(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char *raw;

	(void)state;
	tu_ingest_body("Marie Lefèvre <marie@tailspin.fr>", "fr-1@tailspin.fr",
	    NULL, "Type-Contrat : licences-en-volume\n"
	    "Numéro-Contrat : 61234567\nDéploiement : lync-server-2013\n"
	    "FQDN-Edge : sip.tailspin.fr\n"
	    "Domaine-SIP : tailspin.fr <marie@tailspin.fr>\n", &r);
	assert_int_equal(r.state, ST_PENDING);
	tu_notice(&tu_e, "marie@tailspin.fr", "confirmation", 0, &mt, &raw);
	assert_string_equal(mt.content_language, "fr");
	assert_non_null(strstr(mt.body, "30 jours"));
	free(raw);
	mime_text_free(&mt);
}

static void
test_rejection_lists_every_reason(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char *raw;

	(void)state;
	tu_ingest_body("someone@contoso.com", "bad-1@contoso.com", NULL,
	    "Agreement-Type: gold\nAgreement-Number: 12\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: -bad-.contoso\n"
	    "SIP-Domain: user1@contoso.com\nContact: admin@contoso.com\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code IN ('bad-agreement-type', 'bad-agreement-number', "
	    "'bad-edge-fqdn', 'sip-domain-is-address')", NULL), 4);
	/* the sender is told, the would-be contact is not */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 1);
	tu_notice(&tu_e, "someone@contoso.com", "rejection", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "[bad-agreement-type]"));
	assert_non_null(strstr(mt.body, "[bad-agreement-number]"));
	assert_non_null(strstr(mt.body, "[bad-edge-fqdn]"));
	assert_non_null(strstr(mt.body, "[sip-domain-is-address]"));
	assert_non_null(strstr(mt.body, "contoso.com"));
	free(raw);
	mime_text_free(&mt);
}

static void
test_deadline_alerts_once(void **state)
{
	struct ingest_result r;
	struct tick_result t;
	char err[PF_ERRLEN];

	(void)state;
	tu_ingest_body("admin@contoso.com", "dl@contoso.com", NULL, VALID_BODY,
	    &r);
	tu_set_now("2026-12-26T08:59:59Z");
	assert_int_equal(tick_run(tu_e.s, &tu_e.cfg, &t, err, sizeof(err)),
	    PF_OK);
	assert_int_equal(t.overdue, 0);
	tu_set_now("2026-12-26T09:00:00Z");
	assert_int_equal(tick_run(tu_e.s, &tu_e.cfg, &t, err, sizeof(err)),
	    PF_OK);
	assert_int_equal(t.overdue, 1);
	tu_set_now("2026-12-28T09:00:00Z");
	assert_int_equal(tick_run(tu_e.s, &tu_e.cfg, &t, err, sizeof(err)),
	    PF_OK);
	assert_int_equal(t.overdue, 0);
	/* tick defers checkpoints to its end, then gives the connection
	 * back its usual setting (run goes on to send). */
	assert_int_equal(tu_count("PRAGMA wal_autocheckpoint", NULL), 4000);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE template = "
	    "'delay'", NULL), 2);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE template = "
	    "'alert' AND recipient = 'noc@pic.example.net'", NULL), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM requests WHERE state = "
	    "'pending' AND overdue_at IS NOT NULL", NULL), 1);
}

static void
test_cooldown_holds_then_releases(void **state)
{
	struct ingest_result r;
	struct tick_result t;
	struct request_row row;
	struct mail_text mt;
	char err[PF_ERRLEN], *raw;

	(void)state;
	tu_ingest_body("admin@contoso.com", "h1@contoso.com", NULL,
	    "Agreement-Type: volume-licensing\nAgreement-Number: 61234567\n"
	    "Deployment: hybrid\nOnline-External-Communications: enabled\n"
	    "Edge-FQDN: sip.contoso.com\nSIP-Domain: contoso.com "
	    "<admin@contoso.com>\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'online-enabled-first'", NULL), 1);

	tu_set_now("2026-11-26T15:00:00Z");
	tu_ingest_body("admin@contoso.com", "h2@contoso.com", NULL,
	    "Agreement-Type: volume-licensing\nAgreement-Number: 61234567\n"
	    "Deployment: hybrid\nOnline-External-Communications: disabled\n"
	    "Edge-FQDN: sip.contoso.com\nSIP-Domain: contoso.com "
	    "<admin@contoso.com>\n", &r);
	assert_int_equal(r.state, ST_RECEIVED);
	tu_notice(&tu_e, "admin@contoso.com", "held", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "2026-11-27 09:00 UTC"));
	free(raw);
	mime_text_free(&mt);

	tu_set_now("2026-11-27T08:59:00Z");
	assert_int_equal(tick_run(tu_e.s, &tu_e.cfg, &t, err, sizeof(err)),
	    PF_OK);
	assert_int_equal(t.released, 0);
	tu_set_now("2026-11-27T09:00:00Z");
	assert_int_equal(tick_run(tu_e.s, &tu_e.cfg, &t, err, sizeof(err)),
	    PF_OK);
	assert_int_equal(t.released, 1);
	load(r.tag, &row);
	assert_int_equal(row.state, ST_PENDING);
	/* due 30 days after it became pending, not after it arrived */
	assert_int_equal(tu_count("SELECT count(*) FROM requests WHERE id = ? "
	    "AND due_at = '2026-12-27T09:00:00Z'", row.id), 1);
	request_row_free(&row);
}

static void
test_update_supersedes_and_warns_on_edge_change(void **state)
{
	struct ingest_result r1, r2, r3;
	struct mail_text mt;
	struct request_row row;
	char *raw;

	(void)state;
	/* an update before anything is provisioned is refused */
	tu_ingest_body("admin@contoso.com", "u0@contoso.com", NULL, VALID_BODY,
	    &r1);
	tu_ingest_body("admin@contoso.com", "u1@contoso.com", NULL,
	    "Action: update\n" VALID_BODY, &r2);
	assert_int_equal(r2.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'update-before-provisioned'", NULL), 1);
	tu_provision(r1.tag);

	/* a stranger cannot update it, and learns nothing */
	tu_ingest_body("mallory@evil.example", "u2@evil.example", NULL,
	    "Action: update\nAgreement-Type: volume-licensing\n"
	    "Agreement-Number: 61234567\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.evil.example\nSIP-Domain: contoso.com "
	    "<mallory@evil.example>\n", &r3);
	assert_int_equal(r3.state, ST_REJECTED);
	tu_notice(&tu_e, "mallory@evil.example", "rejection", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "[not-contact-of-record]"));
	assert_null(strstr(raw, "admin@contoso.com"));
	assert_null(strstr(raw, "it@fabrikam.com"));
	assert_null(strstr(raw, "sip2.contoso.com"));
	free(raw);
	mime_text_free(&mt);

	/* the contact changes the Access Edge: warned, 5-day deadline */
	tu_ingest_body("admin@contoso.com", "u3@contoso.com", NULL,
	    "Action: update\nAgreement-Type: volume-licensing\n"
	    "Agreement-Number: 61234567\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: edge-new.contoso.com\nSIP-Domain: contoso.com\n"
	    "Contact: admin@contoso.com\n", &r3);
	assert_int_equal(r3.state, ST_PENDING);
	load(r3.tag, &row);
	assert_int_equal(row.edge_change, 1);
	assert_int_equal(tu_count("SELECT count(*) FROM requests WHERE id = ? "
	    "AND due_at = '2026-12-01T09:00:00Z'", row.id), 1);
	request_row_free(&row);
	tu_notice(&tu_e, "admin@contoso.com", "confirmation", 1, &mt, &raw);
	assert_non_null(strstr(mt.body, "several days"));
	free(raw);
	mime_text_free(&mt);

	tu_provision(r3.tag);
	load(r1.tag, &row);
	assert_int_equal(row.state, ST_SUPERSEDED);
	request_row_free(&row);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE template = "
	    "'completion' AND recipient = 'admin@contoso.com'", NULL), 2);
}

static void
test_domain_claimed_by_other_agreement(void **state)
{
	struct ingest_result r;

	(void)state;
	tu_ingest_body("admin@contoso.com", "c1@contoso.com", NULL, VALID_BODY,
	    &r);
	tu_ingest_body("other@contoso.com", "c2@contoso.com", NULL,
	    "Agreement-Type: spla\nAgreement-Number: 99990001\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: sip.contoso.com\n"
	    "SIP-Domain: contoso.com <other@contoso.com>\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'domain-claimed'", NULL), 1);
}

static void
test_status_privacy(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char *raw;

	(void)state;
	tu_ingest_body("admin@contoso.com", "s0@contoso.com", NULL, VALID_BODY,
	    &r);
	tu_ingest_body("it@fabrikam.com", "s1@fabrikam.com", NULL,
	    "Action: status\nAgreement-Number: 61234567\n", &r);
	assert_int_equal(r.outcome, IN_STATUS);
	tu_notice(&tu_e, "it@fabrikam.com", "status", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "pending"));
	assert_non_null(strstr(mt.body, "contoso.com"));
	free(raw);
	mime_text_free(&mt);

	tu_ingest_body("eve@example.org", "s2@example.org", NULL,
	    "Action: status\nAgreement-Number: 61234567\n", &r);
	tu_notice(&tu_e, "eve@example.org", "status", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "[not-contact-of-record]"));
	assert_null(strstr(raw, "contoso.com"));
	assert_null(strstr(raw, "fabrikam"));
	assert_null(strstr(mt.body, "pending"));
	free(raw);
	mime_text_free(&mt);

	tu_ingest_body("eve@example.org", "s3@example.org", NULL,
	    "Action: status\nAgreement-Number: 11112222\n", &r);
	tu_notice(&tu_e, "eve@example.org", "status", 1, &mt, &raw);
	assert_non_null(strstr(mt.body, "[unknown-agreement]"));
	free(raw);
	mime_text_free(&mt);
}

static void
test_help_and_limit_per_sender(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char id[32], *raw;

	(void)state;
	for (int i = 0; i < 7; i++) {
		snprintf(id, sizeof(id), "help-%d@example.org", i);
		tu_ingest_body("curious@example.org", id, NULL,
		    i == 0 ? "Hello, how do I get federated?\n" :
		    "Action: help\n", &r);
		assert_int_equal(r.outcome, IN_HELP);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'curious@example.org' AND state = 'queued'", NULL), 5);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'curious@example.org' AND state = 'suppressed'", NULL), 2);
	tu_notice(&tu_e, "curious@example.org", "help", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "ted(contoso.com)@msn.com"));
	assert_non_null(strstr(mt.body, "Agreement-Number:"));
	free(raw);
	mime_text_free(&mt);
	/* the next day the sender is answered again */
	tu_set_now("2026-11-27T09:00:01Z");
	tu_ingest_body("curious@example.org", "help-8@example.org", NULL,
	    "Action: help\n", &r);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'curious@example.org' AND state = 'queued'", NULL), 6);
}

static void
test_automatic_mail_gets_no_reply(void **state)
{
	static const char *const hdrs[] = {
		"Auto-Submitted: auto-replied\r\n",
		"Precedence: bulk\r\n",
		"List-Id: <pic.lists.example.org>\r\n",
		"Return-Path: <>\r\n",
	};
	struct ingest_result r;
	char id[32];

	(void)state;
	for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		snprintf(id, sizeof(id), "auto-%zu@example.org", i);
		tu_ingest_body("robot@example.org", id, hdrs[i], VALID_BODY, &r);
		assert_int_equal(r.outcome, IN_IGNORED);
	}
	tu_ingest_body("MAILER-DAEMON@example.org", "md@example.org", NULL,
	    "Action: help\n", &r);
	assert_int_equal(r.outcome, IN_IGNORED);
	tu_ingest_body("provisioning@pic.example.net", "self@example.org", NULL,
	    "Action: help\n", &r);
	assert_int_equal(r.outcome, IN_IGNORED);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM requests", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM inbound WHERE outcome = "
	    "'ignored'", NULL), 6);
}

static void
test_reply_is_attached_and_forwarded(void **state)
{
	struct ingest_result r, r2;
	struct mail_text mt;
	char *subject, *raw;

	(void)state;
	tu_ingest_body("admin@contoso.com", "rp0@contoso.com", NULL, VALID_BODY,
	    &r);
	subject = xasprintf("Subject: Re: [PIC-%s] accepted\r\n", r.tag);
	raw = xasprintf("From: admin@contoso.com\r\nMessage-ID: <rp1@x>\r\n"
	    "%s\r\nThanks! When will it be ready?\r\n\r\n> Agreement-Number: "
	    "61234567\r\n", subject);
	tu_ingest(&tu_e, raw, &r2);
	assert_int_equal(r2.outcome, IN_REPLY);
	assert_string_equal(r2.tag, r.tag);
	assert_int_equal(tu_count("SELECT count(*) FROM events WHERE cause LIKE "
	    "'reply from admin@contoso.com%'", NULL), 1);
	free(raw);
	tu_notice(&tu_e, "noc@pic.example.net", "alert", 0, &mt, &raw);
	/* attached whole, never pasted under our own lines */
	assert_null(strstr(mt.body, "When will it be ready?"));
	assert_non_null(strstr(raw, "Content-Type: message/rfc822"));
	assert_non_null(strstr(raw, "\r\nFrom: admin@contoso.com\r\n"
	    "Message-ID: <rp1@x>\r\n"));
	assert_non_null(strstr(raw, "Thanks! When will it be ready?"));
	free(raw);
	free(subject);
	mime_text_free(&mt);
}

static void
test_no_header_injection(void **state)
{
	struct ingest_result r;
	const char *p;
	char *raw;

	(void)state;
	raw = xasprintf("From: =?UTF-8?Q?Eve=0D=0ABcc:_victim@example.org?= "
	    "<eve@example.org>\r\nSubject: =?UTF-8?Q?hi=0D=0AX-Injected:_1?="
	    "\r\nMessage-ID: <inj@example.org>\r\n\r\nAction: help\r\n");
	tu_ingest(&tu_e, raw, &r);
	free(raw);
	tu_ingest_body("eve@example.org", "inj2@example.org", NULL,
	    "Action: status\nAgreement-Number: 1234\r\nBcc: x@example.org\n",
	    &r);
	tu_ingest_body("eve@example.org", "inj3@example.org", NULL,
	    "Agreement-Type: spla\nAgreement-Number: 12345\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: sip.example.org\n"
	    "SIP-Domain: example.org\nContact: eve@example.org\rBcc: "
	    "victim@example.org\n", &r);
	for (int i = 0; i < 3; i++) {
		struct mail_text mt;
		char *msg;
		const char *tmpl[] = { "help", "status", "rejection" };

		if (i == 2 && tu_count("SELECT count(*) FROM outbox WHERE "
		    "template = 'rejection'", NULL) == 0)
			tmpl[2] = "confirmation";
		tu_notice(&tu_e, "eve@example.org", tmpl[i], 0, &mt, &msg);
		/* headers end at the first empty line */
		p = strstr(msg, "\r\n\r\n");
		assert_non_null(p);
		for (const char *q = msg; q < p; q++) {
			assert_false(strncasecmp(q, "\r\nBcc:", 6) == 0);
			assert_false(strncasecmp(q, "\r\nX-Injected", 12) == 0);
		}
		free(msg);
		mime_text_free(&mt);
	}
}

static void
test_hostile_shapes_get_an_answer(void **state)
{
	struct ingest_result r;
	struct strbuf sb;
	char *raw;

	(void)state;
	/* 50,000 lines */
	sb_init(&sb);
	for (int i = 0; i < 50000; i++)
		sb_addf(&sb, "Edge-FQDN: sip%d.contoso.com\n", i);
	tu_ingest_body("big@contoso.com", "big1@contoso.com", NULL, sb.s, &r);
	assert_int_equal(r.outcome, IN_REQUEST);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM request_reasons WHERE "
	    "code = 'too-many-edge-fqdns'", NULL), 1);
	sb_free(&sb);
	/* a 10 MB line */
	sb_init(&sb);
	sb_adds(&sb, "Agreement-Number: ");
	for (int i = 0; i < 10 * 1024 * 1024 - 4096; i++)
		sb_addc(&sb, (char)('0' + i % 10));
	sb_addc(&sb, '\n');
	tu_ingest_body("big@contoso.com", "big2@contoso.com", NULL, sb.s, &r);
	assert_int_equal(r.state, ST_REJECTED);
	sb_free(&sb);
	/* 1,000-deep multipart nesting */
	sb_init(&sb);
	sb_adds(&sb, "From: deep@contoso.com\r\nMessage-ID: <deep@x>\r\n"
	    "MIME-Version: 1.0\r\n");
	for (int i = 0; i < 1000; i++)
		sb_addf(&sb, "Content-Type: multipart/mixed; boundary=b%d\r\n"
		    "\r\n--b%d\r\n", i, i);
	sb_adds(&sb, "Content-Type: text/plain\r\n\r\nAction: help\r\n");
	for (int i = 999; i >= 0; i--)
		sb_addf(&sb, "--b%d--\r\n", i);
	tu_ingest(&tu_e, sb.s, &r);
	assert_true(r.outcome == IN_HELP || r.outcome == IN_REQUEST);
	sb_free(&sb);
	/* NUL bytes and invalid UTF-8 in the body and the headers */
	{
		static const char m[] = "From: nul@contoso.com\r\n"
		    "Subject: \xff\x00\xfe\r\nMessage-ID: <nul@x>\r\n\r\n"
		    "Action: he\x00lp\r\nAgreement-Number: 12\xff" "34\r\n"
		    "\xc3\x28\xed\xa0\x80\r\n";
		char err[PF_ERRLEN];

		assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
		assert_int_equal(ingest_mail(tu_e.s, &tu_e.cfg, m,
		    sizeof(m) - 1, "file", &r, err, sizeof(err)), PF_OK);
		assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
		assert_true(r.outcome == IN_HELP || r.outcome == IN_REQUEST);
	}
	(void)raw;
}

static void
test_too_big_mail_is_rejected_unread(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	struct strbuf sb;
	char err[PF_ERRLEN], *raw;

	(void)state;
	tu_e.cfg.policy.max_message_bytes = 4096;
	sb_init(&sb);
	sb_adds(&sb, VALID_BODY);
	for (int i = 0; i < 200; i++)
		sb_adds(&sb, "padding padding padding padding padding\n");
	raw = tu_mail("admin@contoso.com", "huge@contoso.com", NULL, sb.s);
	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(ingest_mail(tu_e.s, &tu_e.cfg, raw, strlen(raw),
	    "file", &r, err, sizeof(err)), PF_OK);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(r.outcome, IN_TOO_BIG);
	assert_int_equal(tu_count("SELECT count(*) FROM requests", NULL), 0);
	free(raw);
	sb_free(&sb);
	tu_notice(&tu_e, "admin@contoso.com", "rejection", 0, &mt, &raw);
	assert_non_null(strstr(mt.body, "[message-too-big]"));
	free(raw);
	mime_text_free(&mt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)
		T(test_valid_request_confirms_each_contact),
		T(test_same_mail_twice_is_one_request),
		T(test_french_request),
		T(test_rejection_lists_every_reason),
		T(test_deadline_alerts_once),
		T(test_cooldown_holds_then_releases),
		T(test_update_supersedes_and_warns_on_edge_change),
		T(test_domain_claimed_by_other_agreement),
		T(test_status_privacy),
		T(test_help_and_limit_per_sender),
		T(test_automatic_mail_gets_no_reply),
		T(test_reply_is_attached_and_forwarded),
		T(test_no_header_injection),
		T(test_hostile_shapes_get_an_answer),
		T(test_too_big_mail_is_rejected_unread),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
