/* test_adversarial.c - hostile mail end to end, as the user sees it: what
 * is recorded and what notices are queued (issue 7). The shapes already
 * in test_ingest.c (a 10 MB line, 50,000 lines, 1,000-deep nesting, NUL
 * bytes, a too-big mail) and test_mime_text.c (malformed encoded-words
 * and charsets, read alone) are not repeated here; 100 MB mails through
 * `ingest` and `poll` are in tests/integration/test_adversarial.sh. */
#include "testutil.h"
#include "ingest.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define OURS	"provisioning@pic.example.net"
#define VALID_BODY \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: 61234567\n" \
	"Deployment: lync-server-2013\n" \
	"Edge-FQDN: sip.contoso.com\n" \
	"SIP-Domain: contoso.com\n" \
	"Contact: admin@contoso.com\n"

/* Ingests raw (len bytes, NULs allowed) in its own transaction. */
static void
ingest_raw(const char *raw, size_t len, struct ingest_result *r)
{
	char err[PF_ERRLEN];

	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	if (ingest_mail(tu_e.s, &tu_e.cfg, raw, len, "file", r, err,
	    sizeof(err)) != PF_OK)
		fail_msg("ingest: %s", err);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
}

static const char *const known_headers[] = { "Date", "From", "To",
    "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    "Content-Language", NULL };

/* The header block of every queued notice: known fields only, each once,
 * folded lines of printable ASCII within 998 bytes, and none of the words
 * an injection would add. Returns how many notices were read. */
static int
check_all_headers(void)
{
	sqlite3_stmt *st;
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(tu_e.s->db, "SELECT message FROM "
	    "outbox ORDER BY id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *msg = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		const char *p = msg, *end = msg + len, *eol, *colon;
		int seen[16] = { 0 };

		for (; p < end; p = eol + 2) {
			size_t k;
			int h;

			for (eol = p; eol + 1 < end && !(eol[0] == '\r' &&
			    eol[1] == '\n'); eol++)
				;
			assert_true(eol + 1 < end);
			if (eol == p)
				break;		/* end of the header block */
			assert_true(eol - p <= 998);
			for (const char *q = p; q < eol; q++)
				if ((unsigned char)*q < 0x20 ||
				    (unsigned char)*q >= 0x7f)
					fail_msg("control or 8-bit byte in a "
					    "header: %.*s", (int)(eol - p), p);
			if (*p == ' ')
				continue;	/* folded */
			colon = memchr(p, ':', (size_t)(eol - p));
			assert_non_null(colon);
			k = (size_t)(colon - p);
			for (h = 0; known_headers[h] != NULL; h++)
				if (strlen(known_headers[h]) == k &&
				    strncmp(known_headers[h], p, k) == 0)
					break;
			if (known_headers[h] == NULL)
				fail_msg("unexpected header line: %.*s",
				    (int)(eol - p), p);
			assert_int_equal(++seen[h], 1);
		}
		for (const char *q = msg; q < p; q++)
			if (strncasecmp(q, "victim", 6) == 0 ||
			    strncasecmp(q, "X-Injected", 10) == 0)
				fail_msg("injected text in the headers:\n%.*s",
				    (int)(p - msg), msg);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* Every field of the form, and every header we read, carrying CR, LF or
 * NUL in every way a mail can write them: raw, quoted-printable, base64,
 * RFC 2047 Q and B. Every mail is answered; no answer grows a header. */
static void
test_crlf_nul_in_every_field_and_header(void **state)
{
	static const char *const fields[] = { "Action", "Agreement-Type",
	    "Agreement-Number", "Deployment", "Edge-FQDN", "SIP-Domain",
	    "Contact", "Networks", "Online-External-Communications",
	    "Language", "Numéro-Contrat", "Domaine-SIP" };
	static const char *const headers[] = { "From: =?utf-8?q?Eve=0D=0ABcc:"
	    "_victim@example.org?= <eve%d@example.org>",
	    "Subject: =?utf-8?b?aGkNCkJjYzogdmljdGltQGV4YW1wbGUub3Jn?=",
	    "Message-ID: <a%d=0D=0ABcc:victim@example.org@example.org>",
	    "In-Reply-To: <x\rBcc: victim@example.org@example.org>",
	    "References: <r1@example.org> <r2\r\nBcc: victim@example.org>",
	    "Reply-To: =?utf-8?q?=0A?= <victim@example.org>",
	    "Content-Language: fr\rX-Injected: 1",
	    "Subject: =?utf-8?q?a=00b=0D=0AX-Injected:_1?=" };
	struct ingest_result r;
	struct strbuf sb;
	int mails = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		for (int how = 0; how < 4; how++) {
			char *body, *raw, *b64 = NULL;
			size_t len;

			body = xasprintf("%s%s: x\r\nBcc: victim@example.org\r\n"
			    "X-Injected: 1\r\n", VALID_BODY, fields[i]);
			sb_init(&sb);
			sb_addf(&sb, "From: eve%zu.%d@example.org\r\n"
			    "Message-ID: <f%zu.%d@example.org>\r\n"
			    "Subject: PIC request\r\n", i, how, i, how);
			if (how == 1) {
				/* quoted-printable line ends and a NUL */
				sb_adds(&sb, "Content-Transfer-Encoding: "
				    "quoted-printable\r\n\r\n");
				sb_addf(&sb, "%s%s: x=0D=0ABcc: victim@example."
				    "org=0A=00X-Injected: 1\r\n", VALID_BODY,
				    fields[i]);
			} else if (how == 2) {
				static const char b64d[] = "ABCDEFGHIJKLMNOP"
				    "QRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789+/";
				struct strbuf e;
				size_t n = strlen(body);

				sb_init(&e);
				for (size_t j = 0; j < n; j += 3) {
					unsigned long v = (unsigned long)
					    (unsigned char)body[j] << 16;

					v |= j + 1 < n ? (unsigned long)
					    (unsigned char)body[j + 1] << 8 : 0;
					v |= j + 2 < n ?
					    (unsigned char)body[j + 2] : 0;
					sb_addc(&e, b64d[(v >> 18) & 63]);
					sb_addc(&e, b64d[(v >> 12) & 63]);
					sb_addc(&e, j + 1 < n ?
					    b64d[(v >> 6) & 63] : '=');
					sb_addc(&e, j + 2 < n ? b64d[v & 63] :
					    '=');
				}
				b64 = sb_steal(&e);
				sb_addf(&sb, "Content-Transfer-Encoding: base64"
				    "\r\n\r\n%s\r\n", b64);
			} else {
				sb_adds(&sb, "\r\n");
				sb_adds(&sb, body);
			}
			len = sb.len;
			if (how == 3)	/* the NUL and what follows it */
				sb_add(&sb, "\0tail\r\n", 7), len = sb.len;
			raw = sb_steal(&sb);
			ingest_raw(raw, len, &r);
			assert_int_equal(r.outcome, IN_REQUEST);
			mails++;
			free(raw);
			free(body);
			free(b64);
		}
	}
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char *h = xasprintf(headers[i], (int)i), *raw;

		sb_init(&sb);
		sb_addf(&sb, "%s\r\n", h);
		if (strncmp(h, "From:", 5) != 0)
			sb_adds(&sb, "From: eve@example.org\r\n");
		if (strncmp(h, "Message-ID:", 11) != 0)
			sb_addf(&sb, "Message-ID: <h%zu@example.org>\r\n", i);
		sb_adds(&sb, "\r\nAction: help\r\n");
		raw = sb_steal(&sb);
		ingest_raw(raw, strlen(raw), &r);
		assert_int_equal(r.outcome, IN_HELP);
		mails++;
		free(raw);
		free(h);
	}
	/* every mail recorded and answered (past the per-sender limit the
	 * answer is recorded, not sent, but it is built all the same) */
	assert_int_equal(tu_count("SELECT count(*) FROM inbound", NULL), mails);
	assert_true(check_all_headers() >= mails);
	/* nothing ever went to the address the injections name */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient "
	    "LIKE '%victim%'", NULL), 0);
}

/* The user sees one rejection with the reason, not a notice the size of
 * his mail, and nobody else hears of it. */
static void
test_1000_edge_fqdns(void **state)
{
	struct ingest_result r;
	struct strbuf sb;
	struct mail_text mt;
	char *raw, *msg;
	clock_t t0 = clock();

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "From: big@contoso.com\r\nMessage-ID: <e1000@x>\r\n\r\n"
	    "Agreement-Type: spla\nAgreement-Number: 61234567\n"
	    "Deployment: lync-server-2013\nSIP-Domain: contoso.com\n"
	    "Contact: big@contoso.com\n");
	for (int i = 0; i < 1000; i++)
		sb_addf(&sb, "Edge-FQDN: sip%d.contoso.com\n", i);
	raw = sb_steal(&sb);
	tu_ingest(&tu_e, raw, &r);
	free(raw);
	assert_int_equal(r.state, ST_REJECTED);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 1);
	tu_notice(&tu_e, "big@contoso.com", "rejection", 0, &mt, &msg);
	assert_non_null(strstr(mt.body, "[too-many-edge-fqdns]"));
	assert_true(strlen(msg) < 64 * 1024);
	assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
	free(msg);
	mime_text_free(&mt);
}

static void
test_10000_sip_domains(void **state)
{
	struct ingest_result r;
	struct strbuf sb;
	struct mail_text mt;
	char *raw, *msg;
	clock_t t0 = clock();

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "From: big@contoso.com\r\nMessage-ID: <d10000@x>\r\n\r\n"
	    "Agreement-Type: spla\nAgreement-Number: 61234567\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: sip.contoso.com\n");
	for (int i = 0; i < 10000; i++)
		sb_addf(&sb, "SIP-Domain: d%d.contoso.com <admin%d@d%d.contoso."
		    "com>\n", i, i, i);
	raw = sb_steal(&sb);
	tu_ingest(&tu_e, raw, &r);
	free(raw);
	assert_int_equal(r.state, ST_REJECTED);
	/* one rejection, to the sender: none of the 10,000 contacts */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 1);
	tu_notice(&tu_e, "big@contoso.com", "rejection", 0, &mt, &msg);
	assert_non_null(strstr(mt.body, "[too-many-sip-domains]"));
	assert_true(strlen(msg) < 256 * 1024);
	/* what is kept is bounded too */
	assert_true(tu_count("SELECT count(*) FROM request_domains", NULL) <= 1000);
	assert_true(clock() - t0 < 10 * CLOCKS_PER_SEC);
	free(msg);
	mime_text_free(&mt);
}

/* A request in an unknown charset, with broken encoded-words around it,
 * is still read and answered. */
static void
test_malformed_encoded_words_unknown_charset(void **state)
{
	static const char m[] = "From: =?utf-8?q?broken <marie@tailspin.fr>\r\n"
	    "Subject: =?x-unknown?q?Demande_=E9?= =?utf-8?b?!!!?= "
	    "=?utf-8?q?=FF=0?=\r\nMessage-ID: <cs@tailspin.fr>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=x-klingon\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "Type-Contrat : licences-en-volume\r\n"
	    "Num=E9ro-Contrat : 61234567\r\n"
	    "D=E9ploiement : lync-server-2013\r\n"
	    "FQDN-Edge : sip.tailspin.fr\r\n"
	    "Domaine-SIP : tailspin.fr\r\n"
	    "Contact : marie@tailspin.fr\r\n";
	struct ingest_result r;
	struct mail_text mt;
	char *msg, *to;

	(void)state;
	ingest_raw(m, sizeof(m) - 1, &r);
	assert_int_equal(r.outcome, IN_REQUEST);
	assert_int_equal(r.state, ST_PENDING);
	tu_notice(&tu_e, "marie@tailspin.fr", "confirmation", 0, &mt, &msg);
	assert_string_equal(mt.content_language, "fr");
	to = tu_header(msg, "To");
	assert_string_equal(to, "To: marie@tailspin.fr");
	free(to);
	free(msg);
	mime_text_free(&mt);
	assert_int_equal(check_all_headers(), 1);
}

/* Mail claiming to come from us, however it is written, is never
 * answered. */
static void
test_mail_from_our_own_address(void **state)
{
	static const char *const froms[] = { OURS,
	    "Provisioning@PIC.Example.Net", "PIC <" OURS ">",
	    "\"someone else\" <PROVISIONING@pic.example.net>" };
	struct ingest_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		char id[32], *raw;

		snprintf(id, sizeof(id), "own%zu@example.org", i);
		raw = tu_mail(froms[i], id, NULL, i % 2 ? VALID_BODY :
		    "Action: help\n");
		tu_ingest(&tu_e, raw, &r);
		assert_int_equal(r.outcome, IN_IGNORED);
		free(raw);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM requests", NULL), 0);
}

/* Another auto-responder answers our confirmation, 20 times over: it
 * never gets a reply from us, whether it says Auto-Submitted, X-Autoreply
 * or only "Automatic reply:" in its subject (SPEC 7: none of them reaches
 * the operator either); one that says nothing automatic at all and
 * writes no field gets help at most the per-sender limit. */
static void
test_loop_with_an_autoresponder(void **state)
{
	struct ingest_result r, first;
	char *raw;

	(void)state;
	raw = tu_mail("admin@contoso.com", "l0@contoso.com", NULL, VALID_BODY);
	tu_ingest(&tu_e, raw, &first);
	free(raw);
	assert_int_equal(first.state, ST_PENDING);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'admin@contoso.com'", NULL), 1);
	for (int i = 0; i < 20; i++) {
		const char *kind = i % 2 ? "Auto-Submitted: auto-replied\r\n" :
		    "X-Autoreply: yes\r\n";

		raw = xasprintf("From: admin@contoso.com\r\nTo: " OURS "\r\n"
		    "Subject: Out of office: Re: [PIC-%s] Your PIC request\r\n"
		    "Message-ID: <ooo%d@contoso.com>\r\n"
		    "In-Reply-To: <n%d@pic.example.net>\r\n%s\r\n"
		    "I am away until Monday.\r\n\r\n> Action: provision\r\n",
		    first.tag, i, i, kind);
		tu_ingest(&tu_e, raw, &r);
		assert_int_equal(r.outcome, IN_IGNORED);
		free(raw);
	}
	/* nothing more to the responder, nothing to the operator */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'admin@contoso.com'", NULL), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'noc@pic.example.net'", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM inbound WHERE robot = "
	    "'vacation'", NULL), 20);
	/* the subject alone tells an out-of-office reply */
	for (int i = 0; i < 5; i++) {
		raw = xasprintf("From: away@fabrikam.com\r\n"
		    "Subject: Automatic reply: Your request\r\n"
		    "Message-ID: <auto%d@fabrikam.com>\r\n\r\n"
		    "I am away.\r\n", i);
		tu_ingest(&tu_e, raw, &r);
		assert_int_equal(r.outcome, IN_IGNORED);
		free(raw);
	}
	/* a responder that strips the tag and says nothing automatic */
	for (int i = 0; i < 20; i++) {
		raw = xasprintf("From: away@fabrikam.com\r\n"
		    "Subject: Re: Your request\r\n"
		    "Message-ID: <away%d@fabrikam.com>\r\n\r\n"
		    "I am away.\r\n", i);
		tu_ingest(&tu_e, raw, &r);
		assert_int_equal(r.outcome, IN_HELP);
		free(raw);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'away@fabrikam.com' AND state = 'queued'", NULL),
	    tu_e.cfg.policy.replies_per_sender_per_day);
}

/* A person writes 20 times in a day, every kind of mail: all 20 are
 * recorded, at most the per-sender limit of notices is queued for him. */
static void
test_person_writing_20_times(void **state)
{
	struct ingest_result r;
	char *raw, id[32];

	(void)state;
	for (int i = 0; i < 20; i++) {
		const char *body;
		char *own = NULL;

		switch (i % 4) {
		case 0:
			body = "Action: help\n";
			break;
		case 1:
			body = "Action: status\nAgreement-Number: 61234567\n";
			break;
		case 2:
			body = own = xasprintf("Agreement-Type: spla\n"
			    "Agreement-Number: 7000%04d\nDeployment: "
			    "lync-server-2013\nEdge-FQDN: sip.p%d.example\n"
			    "SIP-Domain: p%d.example\nContact: "
			    "pat@persistent.example\n", i, i, i);
			break;
		default:
			body = "Agreement-Number: 12\nEdge-FQDN: -bad-\n";
			break;
		}
		snprintf(id, sizeof(id), "p%d@persistent.example", i);
		raw = tu_mail("pat@persistent.example", id, NULL, body);
		tu_ingest(&tu_e, raw, &r);
		free(raw);
		free(own);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM inbound WHERE sender = "
	    "'pat@persistent.example'", NULL), 20);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'pat@persistent.example' AND state = 'queued'", NULL),
	    tu_e.cfg.policy.replies_per_sender_per_day);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'pat@persistent.example' AND state = 'suppressed'", NULL),
	    20 - tu_e.cfg.policy.replies_per_sender_per_day);
	/* his requests are recorded all the same */
	assert_int_equal(tu_count("SELECT count(*) FROM requests", NULL), 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)
		T(test_crlf_nul_in_every_field_and_header),
		T(test_1000_edge_fqdns),
		T(test_10000_sip_domains),
		T(test_malformed_encoded_words_unknown_charset),
		T(test_mail_from_our_own_address),
		T(test_loop_with_an_autoresponder),
		T(test_person_writing_20_times),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
