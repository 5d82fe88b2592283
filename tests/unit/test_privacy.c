/* test_privacy.c - nothing about an agreement reaches an address that is
 * not one of its contacts of record (SPEC 2, issue 7).
 *
 * Agreement 61234567 is provisioned for northwind.example
 * (admin@northwind.example) and exemple.wingtip.example
 * (it@wingtip.example), names the templates never use. Strangers then
 * try every way in: status, update, provision of the same domains under
 * another number, provision under the same number (which makes them
 * contacts of a pending request, not of record), replies carrying the
 * agreement's tag, in English and French. Every notice queued for anyone but the contacts
 * and the operator is read back (headers and decoded text) and must
 * carry none of the agreement's number, tags, domains, Access Edge FQDNs
 * or contacts, unless the stranger wrote it himself. */
#include "testutil.h"
#include "decide.h"
#include "ingest.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define A_NUMBER	"61234567"
#define A_BODY \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: " A_NUMBER "\n" \
	"Deployment: lync-server-2013\n" \
	"Edge-FQDN: sip.northwind.example\n" \
	"SIP-Domain: northwind.example\n" \
	"Contact: admin@northwind.example\n" \
	"SIP-Domain: exemple.wingtip.example <it@wingtip.example>\n"

static char a_tag[9];

static int
setup(void **state)
{
	struct ingest_result r;

	tu_setup(state);
	tu_ingest_body("admin@northwind.example", "a1@northwind.example", NULL,
	    A_BODY, &r);
	assert_int_equal(r.state, ST_PENDING);
	memcpy(a_tag, r.tag, sizeof(a_tag));
	tu_provision(a_tag);
	return 0;
}

/* Whether text has s, case-insensitively. */
static int
has(const char *text, const char *s)
{
	size_t n = strlen(s);

	for (; text != NULL && *text != '\0'; text++)
		if (strncasecmp(text, s, n) == 0)
			return 1;
	return 0;
}

/* Every notice to anyone but the agreement's contacts and the operator:
 * none may carry a secret, except those listed in written (what the
 * strangers wrote themselves). Returns how many notices were read. */
static int
check_no_leak(const char *const *written)
{
	const char *secrets[] = { A_NUMBER, a_tag, "northwind.example",
	    "wingtip", "admin@northwind", "it@wingtip", "sip.northwind",
	    NULL };
	sqlite3_stmt *st;
	char err[PF_ERRLEN];
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(tu_e.s->db, "SELECT recipient, "
	    "message FROM outbox WHERE recipient NOT IN ('admin@northwind.example', "
	    "'it@wingtip.example', 'noc@pic.example.net') ORDER BY id", -1, &st,
	    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *to = (const char *)sqlite3_column_text(st, 0);
		char *raw = xstrndup(sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
		struct mail_text mt;

		memset(&mt, 0, sizeof(mt));
		assert_int_equal(mime_text_extract(raw, strlen(raw), &mt, err,
		    sizeof(err)), PF_OK);
		for (int i = 0; secrets[i] != NULL; i++) {
			int ok = 0;

			for (int j = 0; written && written[j]; j++)
				ok |= strcasecmp(written[j], secrets[i]) == 0;
			if (ok)
				continue;
			if (has(raw, secrets[i]) || has(mt.body, secrets[i]) ||
			    has(mt.subject, secrets[i]))
				fail_msg("notice to %s carries \"%s\":\n%s", to,
				    secrets[i], mt.body);
		}
		n++;
		mime_text_free(&mt);
		free(raw);
	}
	sqlite3_finalize(st);
	return n;
}

/* The body of the n-th notice of template tmpl to `to`. */
static char *
notice_body(const char *to, const char *tmpl, int n)
{
	struct mail_text mt;
	char *raw, *body;

	tu_notice(&tu_e, to, tmpl, n, &mt, &raw);
	body = xstrdup(mt.body);
	mime_text_free(&mt);
	free(raw);
	return body;
}

static void
test_stranger_status_and_update(void **state)
{
	struct ingest_result r;
	char *b;

	(void)state;
	tu_ingest_body("eve@evil.example", "e1@evil.example", NULL,
	    "Action: status\nAgreement-Number: " A_NUMBER "\n", &r);
	assert_int_equal(r.outcome, IN_STATUS);
	tu_ingest_body("eve@evil.example", "e2@evil.example",
	    "Content-Language: fr\r\n",
	    "Action : statut\nNuméro-Contrat : " A_NUMBER "\n", &r);
	/* an update with the stranger's own domain, then with the agreement's */
	tu_ingest_body("mallory@evil.example", "e3@evil.example", NULL,
	    "Action: update\nAgreement-Type: volume-licensing\n"
	    "Agreement-Number: " A_NUMBER "\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.evil.example\nSIP-Domain: evil.example\n"
	    "Contact: mallory@evil.example\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	b = notice_body("eve@evil.example", "status", 0);
	assert_true(has(b, "[not-contact-of-record]"));
	assert_false(has(b, "provisioned") || has(b, "pending"));
	free(b);
	b = notice_body("mallory@evil.example", "rejection", 0);
	assert_true(has(b, "[not-contact-of-record]"));
	free(b);
	/* the agreement is untouched and its contacts were told nothing */
	assert_int_equal(tu_count("SELECT count(*) FROM requests WHERE "
	    "agreement_number = ? AND state = 'provisioned'", A_NUMBER), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient IN "
	    "('admin@northwind.example', 'it@wingtip.example') AND template NOT IN "
	    "('confirmation', 'completion')", NULL), 0);
	/* the stranger's own values (his agreement number included) may come
	 * back to him: that tells him nothing */
	{
		const char *w[] = { A_NUMBER, NULL };

		assert_int_equal(check_no_leak(w), 3);
	}
}

static void
test_stranger_update_with_the_agreements_domains(void **state)
{
	struct ingest_result r;
	const char *w[] = { A_NUMBER, "northwind.example", "sip.northwind", NULL };

	(void)state;
	tu_ingest_body("mallory@evil.example", "u1@evil.example", NULL,
	    "Action: update\nAgreement-Type: volume-licensing\n"
	    "Agreement-Number: " A_NUMBER "\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.northwind.example\nSIP-Domain: northwind.example\n"
	    "Contact: mallory@evil.example\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(check_no_leak(w), 1);
}

static void
test_stranger_claims_the_domains(void **state)
{
	struct ingest_result r;
	char *b;
	const char *w[] = { "northwind.example", NULL };

	(void)state;
	tu_ingest_body("mallory@evil.example", "c1@evil.example", NULL,
	    "Agreement-Type: spla\nAgreement-Number: 77770001\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: sip.evil.example\n"
	    "SIP-Domain: northwind.example\nContact: mallory@evil.example\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	b = notice_body("mallory@evil.example", "rejection", 0);
	assert_true(has(b, "[domain-claimed]"));
	free(b);
	/* he learns the domain is taken, not by whom nor since when */
	assert_int_equal(check_no_leak(w), 1);
}

/* A stranger who files a request under the agreement's number is a
 * contact of that pending request, not of record of the agreement: the
 * operator has not provisioned it. */
static void
test_stranger_request_under_the_same_number(void **state)
{
	struct ingest_result r;
	char *b;
	const char *w[] = { A_NUMBER, NULL };

	(void)state;
	tu_ingest_body("eve@evil.example", "n1@evil.example", NULL,
	    "Agreement-Type: volume-licensing\nAgreement-Number: " A_NUMBER "\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: sip.evil.example\n"
	    "SIP-Domain: evil.example\nContact: eve@evil.example\n", &r);
	assert_int_equal(r.state, ST_PENDING);
	tu_ingest_body("eve@evil.example", "n2@evil.example", NULL,
	    "Action: status\nAgreement-Number: " A_NUMBER "\n", &r);
	b = notice_body("eve@evil.example", "status", 0);
	assert_true(has(b, "[not-contact-of-record]"));
	free(b);
	tu_ingest_body("eve@evil.example", "n3@evil.example", NULL,
	    "Action: update\nAgreement-Type: volume-licensing\n"
	    "Agreement-Number: " A_NUMBER "\nDeployment: lync-server-2013\n"
	    "Edge-FQDN: sip.evil.example\nSIP-Domain: evil.example\n"
	    "Contact: eve@evil.example\n", &r);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(check_no_leak(w), 3);
	/* the contacts of record still get the whole agreement */
	tu_ingest_body("it@wingtip.example", "n4@wingtip.example", NULL,
	    "Action: status\nAgreement-Number: " A_NUMBER "\n", &r);
	b = notice_body("it@wingtip.example", "status", 0);
	assert_true(has(b, "provisioned") && has(b, "northwind.example") &&
	    has(b, "pending"));
	free(b);
}

/* Before anything is provisioned, two parties' pending requests under one
 * number: each hears of his own requests only. */
static void
test_pending_only_agreement(void **state)
{
	struct ingest_result r;
	char *b;
	const char *w[] = { "99887766", NULL };

	(void)state;
	tu_ingest_body("admin@tailspin.example", "p1@tailspin.example", NULL,
	    "Agreement-Type: spla\nAgreement-Number: 99887766\n"
	    "Deployment: lync-server-2010\nEdge-FQDN: sip.tailspin.example\n"
	    "SIP-Domain: tailspin.example\nContact: admin@tailspin.example\n",
	    &r);
	assert_int_equal(r.state, ST_PENDING);
	tu_ingest_body("eve@evil.example", "p2@evil.example", NULL,
	    "Agreement-Type: spla\nAgreement-Number: 99887766\n"
	    "Deployment: lync-server-2010\nEdge-FQDN: sip.evil.example\n"
	    "SIP-Domain: evil.example\nContact: eve@evil.example\n", &r);
	assert_int_equal(r.state, ST_PENDING);
	tu_ingest_body("eve@evil.example", "p3@evil.example", NULL,
	    "Action: status\nAgreement-Number: 99887766\n", &r);
	b = notice_body("eve@evil.example", "status", 0);
	assert_true(has(b, "evil.example") && has(b, "pending"));
	assert_false(has(b, "tailspin"));
	free(b);
	tu_ingest_body("admin@tailspin.example", "p4@tailspin.example", NULL,
	    "Action: status\nAgreement-Number: 99887766\n", &r);
	b = notice_body("admin@tailspin.example", "status", 0);
	assert_true(has(b, "tailspin.example"));
	assert_false(has(b, "evil"));
	free(b);
	(void)check_no_leak(w);
}

static void
test_stranger_replies_with_the_tag(void **state)
{
	struct ingest_result r;
	char *hdr, *raw;
	const char *w[] = { A_NUMBER, NULL };

	(void)state;
	/* a reply without Action from a stranger: recorded, forwarded to
	 * no one, nothing back (anyone may learn a tag) */
	hdr = xasprintf("From: eve@evil.example\r\nMessage-ID: <t1@evil>\r\n"
	    "Subject: Re: [PIC-%s] Your request\r\n\r\nWhat domains are in "
	    "there?\r\n", a_tag);
	tu_ingest(&tu_e, hdr, &r);
	assert_int_equal(r.outcome, IN_REPLY);
	free(hdr);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'eve@evil.example'", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'noc@pic.example.net' AND template = 'alert'", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM events WHERE cause LIKE "
	    "'reply from eve@evil.example recorded, not forwarded%'", NULL), 1);
	/* with an Action, it is what the Action asks, like any mail */
	raw = xasprintf("From: eve@evil.example\r\nMessage-ID: <t2@evil>\r\n"
	    "Subject: Re: [PIC-%s] Your request\r\n\r\nAction: status\r\n"
	    "Agreement-Number: %s\r\n", a_tag, A_NUMBER);
	tu_ingest(&tu_e, raw, &r);
	assert_int_equal(r.outcome, IN_STATUS);
	free(raw);
	raw = xasprintf("From: eve@evil.example\r\nMessage-ID: <t3@evil>\r\n"
	    "Subject: Re: [PIC-%s] Your request\r\n\r\nAction: help\r\n",
	    a_tag);
	tu_ingest(&tu_e, raw, &r);
	assert_int_equal(r.outcome, IN_HELP);
	free(raw);
	assert_int_equal(check_no_leak(w), 2);
}

/* Timers and decisions about the agreement go to its contacts only. */
static void
test_agreement_notices_stay_with_its_contacts(void **state)
{
	struct ingest_result r;

	(void)state;
	/* an update by a contact, from a stranger's reply-to */
	tu_ingest_body("admin@northwind.example", "up1@northwind.example",
	    "Reply-To: eve@evil.example\r\n",
	    "Action: update\n" A_BODY "Edge-FQDN: sip2.northwind.example\n", &r);
	assert_int_equal(r.state, ST_PENDING);
	tu_provision(r.tag);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient "
	    "NOT IN ('admin@northwind.example', 'it@wingtip.example')", NULL), 0);
	assert_int_equal(check_no_leak(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, tu_teardown)
		T(test_stranger_status_and_update),
		T(test_stranger_update_with_the_agreements_domains),
		T(test_stranger_claims_the_domains),
		T(test_stranger_request_under_the_same_number),
		T(test_pending_only_agreement),
		T(test_stranger_replies_with_the_tag),
		T(test_agreement_notices_stay_with_its_contacts),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
