/* test_robot.c - automatic mail and bounces (SPEC 7): every sample of
 * tests/data/robots/ is recognised with its kind, answered by nobody and
 * confirms nothing, though it quotes a valid token; the delivery reports
 * among them find the notice they return and mark it bounced (once, with
 * one operator alert), a delayed one only recorded; people's mails that
 * look a little automatic stay people's. */
#include "testutil.h"
#include "bounce.h"
#include "confirm.h"
#include "dsn.h"
#include "robot.h"
#include "store_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY(contact) \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: 61234567\n" \
	"Deployment: lync-server-2013\n" \
	"Edge-FQDN: sip.contoso.com\n" \
	"SIP-Domain: contoso.com\n" \
	"Contact: " contact "\n"

static int
setup_confirm(void **state)
{
	(void)state;
	tu_set_now("2026-12-06T01:00:00Z");
	tu_env_open(&tu_e, "[policy]\nconfirm_contacts = yes\n");
	return 0;
}

static int
setup_verp(void **state)
{
	(void)state;
	tu_set_now("2026-12-06T01:00:00Z");
	tu_env_open(&tu_e, "[smtp]\nverp = yes\n");
	return 0;
}

/* The names of the corpus files, sorted. */
static size_t
corpus(char ***out)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/robots", TEST_DATA_DIR);
	assert_non_null(dir = opendir(path));
	*out = NULL;
	while ((d = readdir(dir)) != NULL) {
		size_t l = strlen(d->d_name);

		if (l < 5 || strcmp(d->d_name + l - 4, ".eml") != 0)
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = xstrdup(d->d_name);
	}
	closedir(dir);
	for (size_t i = 1; i < n; i++)		/* a few dozen: insertion */
		for (size_t k = i; k > 0 && strcmp((*out)[k - 1],
		    (*out)[k]) > 0; k--) {
			char *t = (*out)[k];

			(*out)[k] = (*out)[k - 1];
			(*out)[k - 1] = t;
		}
	return n;
}

static void
corpus_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* s with every @@NAME@@ of names[] replaced by its value. */
static char *
fill(const char *s, const char *const *names, const char *const *values)
{
	struct strbuf sb;
	const char *p = s;

	sb_init(&sb);
	while (*p) {
		size_t k;

		for (k = 0; names[k] != NULL; k++)
			if (strncmp(p, names[k], strlen(names[k])) == 0)
				break;
		if (names[k] != NULL) {
			sb_adds(&sb, values[k]);
			p += strlen(names[k]);
		} else
			sb_addc(&sb, *p++);
	}
	return sb_steal(&sb);
}

static char *
sample(const char *file, const char *tag, const char *token,
    const char *msgid)
{
	static const char *const names[] = { "@@TAG@@", "@@TOKEN@@",
	    "@@MSGID@@", NULL };
	const char *values[] = { tag, token, msgid };
	char rel[256], *raw, *out;
	size_t len;

	snprintf(rel, sizeof(rel), "robots/%s", file);
	raw = tu_read_data(rel, &len);
	out = fill(raw, names, values);
	free(raw);
	return out;
}

static char *
robot_of(int64_t inbound_id)
{
	sqlite3_stmt *st;
	char *kind = NULL;

	assert_int_equal(sqlite3_prepare_v2(tu_e.s->db, "SELECT robot FROM "
	    "inbound WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, inbound_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		kind = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return kind ? kind : xstrdup("(none)");
}

static void
token_of(const char *to, char tok[CONFIRM_TOKEN_LEN + 1])
{
	struct mail_text mt;
	char *raw;
	const char *p;

	tu_notice(&tu_e, to, "verify", 0, &mt, &raw);
	assert_non_null(p = strstr(mt.subject, "confirm "));
	memcpy(tok, p + 8, CONFIRM_TOKEN_LEN);
	tok[CONFIRM_TOKEN_LEN] = '\0';
	free(raw);
	mime_text_free(&mt);
}

/* The whole corpus, each quoting a valid token of a confirming request:
 * each recorded with the kind its name says, no reply, no confirmation. */
static void
test_corpus_recognised_never_answered(void **state)
{
	char **files, tok[CONFIRM_TOKEN_LEN + 1], *raw, *kind, want[64];
	struct ingest_result r, c;
	size_t n;
	long before;

	(void)state;
	tu_ingest_body("admin@contoso.com", "req1@contoso.com", NULL,
	    BODY("admin@contoso.com"), &r);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	token_of("admin@contoso.com", tok);
	n = corpus(&files);
	assert_true(n >= 25);
	before = tu_count("SELECT count(*) FROM outbox", NULL);
	for (size_t i = 0; i < n; i++) {
		raw = sample(files[i], r.tag, tok, "no-such-notice@example.org");
		tu_ingest(&tu_e, raw, &c);
		snprintf(want, sizeof(want), "%.*s", (int)(strstr(files[i],
		    "--") - files[i]), files[i]);
		kind = robot_of(c.inbound_id);
		if (c.outcome != IN_IGNORED || strcmp(kind, want) != 0)
			fail_msg("%s: outcome %s, kind %s (want %s); note %s",
			    files[i], ingest_outcome_name(c.outcome), kind, want,
			    c.note);
		free(kind);
		free(raw);
	}
	/* not one reply, not one alert: nothing in the outbox */
	assert_int_equal(tu_count("SELECT count(*) FROM outbox", NULL), before);
	assert_string_equal(tu_state_of(r.tag), "confirming");
	assert_int_equal(tu_count("SELECT count(*) FROM confirmations WHERE "
	    "confirmed_at IS NOT NULL", NULL), 0);
	assert_int_equal(tu_count("SELECT count(*) FROM inbound WHERE robot IS "
	    "NOT NULL", NULL), (long)n);
	corpus_free(files, n);
}

/* A notice to `to`, marked sent: its Message-ID. */
static char *
sent_notice(const char *to, int64_t *id)
{
	struct ingest_result r;
	char msgid[64], *mid;
	sqlite3_stmt *st;

	snprintf(msgid, sizeof(msgid), "help-%s", to);
	tu_ingest_body(to, msgid, NULL, "Action: help\n", &r);
	assert_int_equal(r.outcome, IN_HELP);
	assert_int_equal(sqlite3_prepare_v2(tu_e.s->db, "UPDATE outbox SET "
	    "state = 'sent', attempts = 1 WHERE recipient = ? RETURNING id, "
	    "message_id", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*id = sqlite3_column_int64(st, 0);
	mid = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return mid;
}

static char *
notice_state(int64_t id)
{
	char q[96];
	sqlite3_stmt *st;
	char *v;

	snprintf(q, sizeof(q), "SELECT state FROM outbox WHERE id = %lld",
	    (long long)id);
	assert_int_equal(sqlite3_prepare_v2(tu_e.s->db, q, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* raw as another mail: the report's own Message-ID changed, or one given
 * to a report that has none (qmail's). */
static char *
again(char *raw)
{
	char *end = strstr(raw, "\n\n"), *p = strstr(raw, "\nMessage-I"), *n;

	if (p != NULL && end != NULL && p < end &&
	    (p = strchr(p, '<')) != NULL && p[1] != '\0' && p[1] != '@') {
		p[1] = p[1] == 'Z' ? 'Y' : 'Z';
		return raw;
	}
	n = xstrcat("Message-ID: <again@example.org>\n", raw, NULL);
	free(raw);
	return n;
}

/* Operator alerts about bounces, sent at once or held for the hourly
 * digest (three of a kind an hour go out at once). */
#define ALERTS	"SELECT count(*) FROM alert_digest WHERE kind = 'notice bounced'"

/* Every report of the corpus finds the notice it returns, by its
 * Message-ID: failed ones mark it bounced with one alert, the delayed one
 * is recorded only; a second report of the same bounce alerts no more. */
static void
test_reports_find_their_notice(void **state)
{
	char **files, to[64], *mid, *raw, *st;
	struct ingest_result c;
	int64_t id;
	size_t n;
	long alerts;

	(void)state;
	n = corpus(&files);
	for (size_t i = 0; i < n; i++) {
		int delayed = strstr(files[i], "delayed") != NULL;

		if (strncmp(files[i], "bounce--", 8) != 0)
			continue;
		snprintf(to, sizeof(to), "c%zu@contoso.example", i);
		mid = sent_notice(to, &id);
		alerts = tu_count(ALERTS, NULL);
		raw = sample(files[i], "00000000", "AAAA", mid);
		tu_ingest(&tu_e, raw, &c);
		st = notice_state(id);
		if (strcmp(st, delayed ? "sent" : "bounced") != 0)
			fail_msg("%s: notice %s; note %s", files[i], st, c.note);
		assert_int_equal(tu_count(ALERTS, NULL), alerts + !delayed);
		free(st);
		/* the same report again, as another mail: no second alert */
		free(raw);
		raw = sample(files[i], "00000000", "AAAA", mid);
		raw = again(raw);
		tu_ingest(&tu_e, raw, &c);
		assert_int_equal(c.outcome, IN_IGNORED);
		assert_int_equal(tu_count(ALERTS, NULL), alerts + !delayed);
		free(raw);
		free(mid);
	}
	assert_int_equal(tu_count("SELECT count(*) FROM bounces WHERE action = "
	    "'delayed'", NULL), 2);
	assert_int_equal(tu_count("SELECT count(*) FROM outbox WHERE state = "
	    "'bounced'", NULL), tu_count("SELECT count(*) FROM bounces WHERE "
	    "action = 'failed'", NULL) / 2);
	corpus_free(files, n);
}

/* What each report says: action, status, diagnostic. */
static void
test_dsn_fields(void **state)
{
	static const struct {
		const char	*file;
		enum dsn_action	 action;
		const char	*status;
		const char	*diag;		/* a part of it */
	} cases[] = {
		{ "bounce--exim.eml", DSN_FAILED, "5.1.1", "User doesn't exist" },
		{ "bounce--sendmail.eml", DSN_FAILED, "5.1.1", "User unknown" },
		{ "bounce--qmail.eml", DSN_FAILED, "5.1.1", "no mailbox here" },
		{ "bounce--yahoo.eml", DSN_FAILED, "", NULL },
		{ "bounce--exchange.eml", DSN_FAILED, "5.1.10",
		    "RecipientNotFound" },
		{ "bounce--office365.eml", DSN_FAILED, "5.1.10",
		    "Recipient not found by SMTP address lookup" },
		{ "bounce--gmail.eml", DSN_FAILED, "5.1.1", "does not exist" },
		{ "bounce--gmail-text.eml", DSN_FAILED, "5.1.1",
		    "User unknown in virtual mailbox table" },
		{ "bounce--amazon-ses.eml", DSN_FAILED, "5.1.1", "user unknown" },
		{ "bounce--icloud.eml", DSN_FAILED, "5.1.6", "no longer on" },
		{ "bounce--domino.eml", DSN_FAILED, "", NULL },
		{ "bounce--postfix-delayed.eml", DSN_DELAYED, "4.4.1",
		    "Connection timed out" },
	};
	struct dsn_report r;
	char rel[128], *raw;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(rel, sizeof(rel), "robots/%s", cases[i].file);
		raw = tu_read_data(rel, &len);
		dsn_parse(raw, len, &r);
		if (r.action != cases[i].action || strcmp(r.status,
		    cases[i].status) != 0 || (cases[i].diag && (r.diagnostic ==
		    NULL || strstr(r.diagnostic, cases[i].diag) == NULL)))
			fail_msg("%s: %s %s [%s]", cases[i].file,
			    dsn_action_name(r.action), r.status, r.diagnostic ?
			    r.diagnostic : "(none)");
		assert_true(sv_contains(&r.msgids, "@@MSGID@@"));
		dsn_report_free(&r);
		free(raw);
	}
}

/* With [smtp] verp = yes a report that returns nothing of the message is
 * matched by the address it came back to. */
static void
test_verp(void **state)
{
	char *mid, *raw, *st, *verp;
	struct ingest_result c;
	int64_t id;

	(void)state;
	verp = bounce_verp_address("provisioning@pic.example.net", 42);
	assert_string_equal(verp, "provisioning+42@pic.example.net");
	assert_int_equal(bounce_verp_id("provisioning@pic.example.net",
	    "Provisioning+42@PIC.example.net"), 42);
	assert_int_equal(bounce_verp_id("provisioning@pic.example.net",
	    "other+42@pic.example.net"), 0);
	assert_int_equal(bounce_verp_id("provisioning@pic.example.net",
	    "provisioning+4x2@pic.example.net"), 0);
	assert_int_equal(bounce_verp_id("provisioning@pic.example.net",
	    "provisioning+@pic.example.net"), 0);
	free(verp);
	mid = sent_notice("gone@woodgrove.example", &id);
	verp = bounce_verp_address("provisioning@pic.example.net", id);
	raw = xasprintf("Return-Path: <>\r\nDelivered-To: %s\r\n"
	    "From: MAILER-DAEMON@mail.woodgrove.example\r\nTo: %s\r\n"
	    "Subject: failure notice\r\nMessage-ID: <b1@woodgrove.example>\r\n"
	    "\r\nHi. This is the qmail-send program at mail.woodgrove.example.\r\n"
	    "I'm afraid I wasn't able to deliver your message to the following "
	    "addresses.\r\nThis is a permanent error; I've given up.\r\n\r\n"
	    "<gone@woodgrove.example>:\r\nSorry, no mailbox here by that name. "
	    "(#5.1.1)\r\n", verp, verp);
	tu_ingest(&tu_e, raw, &c);
	assert_string_equal(st = notice_state(id), "bounced");
	assert_int_equal(tu_count("SELECT count(*) FROM bounces WHERE "
	    "matched_by = 'verp' AND status = '5.1.1'", NULL), 1);
	free(st);
	free(raw);
	free(verp);
	free(mid);
}

/* A person's mail with an Exchange header that only asks others not to
 * auto-reply, or answering with "Re:", is still a person's. */
static void
test_people_stay_people(void **state)
{
	struct ingest_result r;

	(void)state;
	tu_ingest_body("admin@contoso.com", "p1@contoso.com",
	    "X-Auto-Response-Suppress: All\r\nX-MS-Has-Attach:\r\n",
	    BODY("admin@contoso.com"), &r);
	assert_int_equal(r.outcome, IN_REQUEST);
	tu_ingest_body("admin@contoso.com", "p2@contoso.com",
	    "X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\r\n",
	    "Action: help\n", &r);
	assert_int_equal(r.outcome, IN_HELP);
	tu_ingest_body("admin@contoso.com", "p3@contoso.com",
	    "Auto-Submitted: no\r\nX-Autoreply: no\r\n", "Action: help\n", &r);
	assert_int_equal(r.outcome, IN_HELP);
	/* noreply-like words elsewhere than the sender's local part */
	tu_ingest_body("reply.desk@noreply-corp.example", "p4@example.org",
	    NULL, "Action: help\n", &r);
	assert_int_equal(r.outcome, IN_HELP);
}

/* Hostile reports: no crash, no match, no exit. */
static void
test_hostile_reports(void **state)
{
	static const char *const raws[] = {
		"",
		"Content-Type: multipart/report\r\n\r\n",
		"From: MAILER-DAEMON@x\r\n\r\nAction: failed\r\nStatus: 5.\r\n"
		    "Diagnostic-Code: smtp;\r\n Message-ID: <\r\nMessage-ID: <>",
		"Return-Path: <>\r\nIn-Reply-To: <<<<@>>>>\r\nReferences: <a@b"
		    "\r\n\r\nStatus: 5.5.5.5.5\r\nAction:\r\n",
		"X-Failed-Recipients:\r\n\r\n\r\n",
	};
	struct ingest_result c;
	struct dsn_report r;
	char big[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		dsn_parse(raws[i], strlen(raws[i]), &r);
		dsn_report_free(&r);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 40; i++)
		big[i * 200] = '\n';
	dsn_parse(big, strlen(big), &r);
	assert_int_equal(r.action, DSN_UNKNOWN);
	dsn_report_free(&r);
	tu_ingest(&tu_e, raws[2], &c);
	assert_int_equal(c.outcome, IN_IGNORED);
	assert_int_equal(tu_count("SELECT count(*) FROM bounces", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_corpus_recognised_never_answered, setup_confirm,
		    tu_teardown),
		cmocka_unit_test_setup_teardown(test_reports_find_their_notice,
		    tu_setup, tu_teardown),
		cmocka_unit_test(test_dsn_fields),
		cmocka_unit_test_setup_teardown(test_verp, setup_verp,
		    tu_teardown),
		cmocka_unit_test_setup_teardown(test_people_stay_people,
		    tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_reports, tu_setup,
		    tu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
