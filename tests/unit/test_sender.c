/* test_sender.c - SPEC 7, issue 13: every From a mail may carry gets a
 * clean outcome. Some are answered (correctly quoted, or only through a
 * server offering SMTPUTF8); the others are recorded, their requests
 * handled without a word to the sender, the reason on the request. */
#include "testutil.h"
#include "addr.h"
#include "ingest.h"
#include "mime_text.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALID_BODY \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: 61234567\n" \
	"Deployment: lync-server-2013\n" \
	"Edge-FQDN: sip.contoso.com\n" \
	"SIP-Domain: contoso.com\n" \
	"Contact: admin@contoso.com\n"

/* Each From form of issue 13, what a reply goes to (NULL: none) and
 * why not. */
static const struct form {
	const char	*from;		/* the field's value as written */
	const char	*reply_to;
	const char	*problem;
	int		 utf8;
} forms[] = {
	{ "\"john smith\"@example.org", "\"john smith\"@example.org", NULL, 0 },
	{ "\"john\"@example.org", "john@example.org", NULL, 0 },
	{ "Jos\xc3\xa9 <jos\xc3\xa9@exemple.fr>", "jos\xc3\xa9@exemple.fr", NULL,
	    1 },
	{ "admin@[192.0.2.1]", NULL, "sender-address-literal", 0 },
	{ "undisclosed-recipients:;", NULL, "sender-group", 0 },
	{ "<@relay.example:a@example.org>", "a@example.org", NULL, 0 },
	{ "a..b@example.org", NULL, "sender-invalid", 0 },
	{ "a(comment)@example.org", "a@example.org", NULL, 0 },
	{ "foo", NULL, "sender-no-at", 0 },
	{ "a@example.org, b@example.org", NULL, "sender-several", 0 },
	{ "Team: a@example.org;", NULL, "sender-group", 0 },
	{ "", NULL, "sender-missing", 0 },
	{ "\"Smith, John\" <John.Smith@Example.ORG>", "john.smith@example.org",
	    NULL, 0 },
	{ "Smith, John <j@example.org>", "j@example.org", NULL, 0 },
	{ "Marie <marie@tailspin.fr", "marie@tailspin.fr", NULL, 0 },
	{ "\"a\\\"b\"@example.org", "\"a\\\"b\"@example.org", NULL, 0 },
	{ "a@example", NULL, "sender-invalid", 0 },
	{ "<>", NULL, "sender-no-at", 0 },
	{ "\"unclosed@example.org", NULL, "sender-invalid", 0 },
	/* a NUL as Dovecot serves it, an invalid byte as read */
	{ "a@exa\xef\xbf\xbdmple.org", NULL, "sender-invalid", 0 },
	{ "\xef\xbf\xbd@example.org", NULL, "sender-invalid", 0 },
};

static void
test_each_form_parses(void **state)
{
	struct addr_sender as;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct form *f = &forms[i];

		addr_sender_parse(f->from, 1, 0, &as);
		if ((f->problem == NULL) != (as.problem == NULL) ||
		    (f->problem && strcmp(f->problem, as.problem) != 0) ||
		    (f->reply_to && strcmp(f->reply_to, as.addr) != 0) ||
		    as.utf8 != f->utf8)
			fail_msg("From: %s -> %s (%s), want %s (%s)", f->from,
			    as.addr ? as.addr : "-", as.problem ? as.problem :
			    "answerable", f->reply_to ? f->reply_to : "-",
			    f->problem ? f->problem : "answerable");
		if (as.problem == NULL)
			assert_string_equal(as.shown, as.addr);
		addr_sender_free(&as);
	}
	/* no From at all, two From fields, a control byte in one */
	addr_sender_parse(NULL, 0, 0, &as);
	assert_string_equal(as.problem, "sender-missing");
	assert_string_equal(as.shown, "");
	addr_sender_free(&as);
	addr_sender_parse("a@example.org", 2, 0, &as);
	assert_string_equal(as.problem, "sender-several");
	addr_sender_free(&as);
	addr_sender_parse("a@example.org", 1, 1, &as);
	assert_string_equal(as.problem, "sender-control");
	addr_sender_free(&as);
}

/* A mail with exactly this header block before the request body. */
static void
ingest_raw(const char *headers, const char *msgid, struct ingest_result *r)
{
	char *raw = xasprintf("%sTo: provisioning@pic.example.net\r\n"
	    "Subject: PIC request\r\nMessage-ID: <%s>\r\n"
	    "Date: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\n%s", headers, msgid,
	    VALID_BODY);
	char err[PF_ERRLEN];

	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	if (ingest_mail(tu_e.s, &tu_e.cfg, raw, strlen(raw), "file", r, err,
	    sizeof(err)) != PF_OK)
		fail_msg("ingest of a mail with %s failed: %s", headers, err);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
	free(raw);
}

static void
load(const char *tag, struct request_row *row)
{
	char err[PF_ERRLEN];

	assert_int_equal(store_request_load(tu_e.s, tag, row, err,
	    sizeof(err)), STORE_FOUND);
}

/* Each form as the From of a request: recorded, the request pending
 * (its contact hears of it), the sender answered only when he can be. */
static void
test_each_form_as_a_request(void **state)
{
	struct ingest_result r;
	struct request_row row;
	char hdr[512], id[32];
	long notices;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct form *f = &forms[i];

		snprintf(hdr, sizeof(hdr), "From: %s\r\n", f->from);
		snprintf(id, sizeof(id), "form-%zu@x", i);
		ingest_raw(hdr, id, &r);
		assert_int_equal(r.outcome, IN_REQUEST);
		assert_int_equal(r.state, ST_PENDING);
		load(r.tag, &row);
		if (f->problem) {
			assert_string_equal(row.sender_problem, f->problem);
			assert_non_null(strstr(r.note, f->problem));
		} else {
			assert_null(row.sender_problem);
			assert_string_equal(row.sender, f->reply_to);
		}
		request_row_free(&row);
	}
	/* one confirmation per request to the contact, whatever the From */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient "
	    "= 'admin@contoso.com'", NULL), sizeof(forms) / sizeof(forms[0]));
	notices = tu_count("SELECT count(*) FROM outbox WHERE recipient <> "
	    "'admin@contoso.com'", NULL);
	/* a pending request's sender who is not its contact hears nothing
	 * more: the forms are answered by help mails (below) */
	assert_int_equal(notices, 0);
}

/* Each form asking for help: recorded; answered, correctly quoted, when
 * it can be; else nothing is queued, and the mail says why. */
static void
test_each_form_asking_help(void **state)
{
	struct ingest_result r;
	struct mail_text mt;
	char *raw, *h, *want, err[PF_ERRLEN], *mail;
	char id[32];

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct form *f = &forms[i];

		snprintf(id, sizeof(id), "help-%zu@x", i);
		mail = xasprintf("From: %s\r\nSubject: help\r\nMessage-ID: "
		    "<%s>\r\n\r\nhelp\r\n", f->from, id);
		assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
		assert_int_equal(ingest_mail(tu_e.s, &tu_e.cfg, mail,
		    strlen(mail), "file", &r, err, sizeof(err)), PF_OK);
		assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
		free(mail);
		assert_int_equal(r.outcome, IN_HELP);
		if (f->problem) {
			assert_non_null(strstr(r.note, f->problem));
			continue;
		}
		/* the same address twice in the list counts twice */
		tu_notice(&tu_e, f->reply_to, "help",
		    (int)tu_count("SELECT count(*) - 1 FROM outbox WHERE "
		    "recipient = ?", f->reply_to), &mt, &raw);
		h = tu_header(raw, "To");
		want = xasprintf("To: %s", f->reply_to);
		assert_string_equal(h, want);
		free(want);
		free(h);
		free(raw);
		mime_text_free(&mt);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM inbound", NULL),
	    sizeof(forms) / sizeof(forms[0]));
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient "
	    "NOT LIKE '%@%.%' OR recipient LIKE '%[%' OR recipient LIKE '%,%' "
	    "OR recipient LIKE '%..%'", NULL), 0);
}

/* No From, two From fields, a bare CR, a NUL, a CRLF folded badly: never
 * an error, a request still pending, nothing to the sender. */
static void
test_broken_from_fields(void **state)
{
	static const struct {
		const char	*headers;
		const char	*problem;
	} t[] = {
		{ "", "sender-missing" },
		{ "From: a@example.org\r\nFrom: b@example.org\r\n",
		    "sender-several" },
		{ "From: a@example.org\rBcc: victim@example.org\r\n",
		    "sender-control" },
		{ "From: a@exam\0ple.org\r\n", "sender-control" },
		{ "From: a@example.org\x7f\r\n", "sender-control" },
		{ "From:\r\n", "sender-missing" },
		{ "From: =?utf-8?q?a=0D=0Ab?= <>\r\n", "sender-no-at" },
	};
	struct ingest_result r;
	struct request_row row;
	char id[32], err[PF_ERRLEN], *raw;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(id, sizeof(id), "broken-%zu@x", i);
		/* the NUL case: the header is measured by hand (22 bytes) */
		len = i == 3 ? sizeof("From: a@exam\0ple.org\r\n") - 1 :
		    strlen(t[i].headers);
		raw = xmalloc(len + 512);
		memcpy(raw, t[i].headers, len);
		len += (size_t)snprintf(raw + len, 512, "Message-ID: <%s>\r\n"
		    "Subject: PIC request\r\n\r\n%s", id, VALID_BODY);
		assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
		if (ingest_mail(tu_e.s, &tu_e.cfg, raw, len, "file", &r, err,
		    sizeof(err)) != PF_OK)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
		free(raw);
		assert_int_equal(r.outcome, IN_REQUEST);
		assert_int_equal(r.state, ST_PENDING);
		load(r.tag, &row);
		if (row.sender_problem == NULL ||
		    strcmp(row.sender_problem, t[i].problem) != 0)
			fail_msg("case %zu: %s, want %s", i, row.sender_problem ?
			    row.sender_problem : "answerable", t[i].problem);
		request_row_free(&row);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient "
	    "<> 'admin@contoso.com'", NULL), 0);
}

/* A rejected request from an unanswerable sender: rejected all the same,
 * the rejection written to nobody. */
static void
test_rejection_goes_nowhere(void **state)
{
	struct ingest_result r;
	char *raw, err[PF_ERRLEN];

	(void)state;
	raw = xasprintf("From: foo\r\nMessage-ID: <rej@x>\r\nSubject: x\r\n\r\n"
	    "Agreement-Type: volume-licensing\nAgreement-Number: 1\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: bad fqdn\n"
	    "SIP-Domain: contoso.com\nContact: admin@contoso.com\n");
	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(ingest_mail(tu_e.s, &tu_e.cfg, raw, strlen(raw),
	    "file", &r, err, sizeof(err)), PF_OK);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
	free(raw);
	assert_int_equal(r.outcome, IN_REQUEST);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE template "
	    "= 'rejection'", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_form_parses),
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)
		T(test_each_form_as_a_request),
		T(test_each_form_asking_help),
		T(test_broken_from_fields),
		T(test_rejection_goes_nowhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
