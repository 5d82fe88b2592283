/* test_smtp_send.c - what the SMTP sender decides without a server: the
 * retry schedule and maximum age, the configuration rules (SPEC 5
 * plaintext rule), and the SQL of store_send.c (paging, guarded updates,
 * the delivery log). The conversations are tested against real servers
 * in tests/integration/test_send*.sh. */
#include "testutil.h"
#include "clock.h"
#include "smtp_conn.h"
#include "smtp_send.h"
#include "store_send.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN	60
#define HOUR	3600
#define DAY	86400

static void
test_retry_schedule(void **state)
{
	static const time_t want[] = { 5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR,
	    6 * HOUR, 6 * HOUR };
	time_t t0, next;

	(void)state;
	for (int i = 0; i < 6; i++)
		assert_int_equal(send_retry_delay(i + 1), want[i]);
	assert_int_equal(send_retry_delay(0), 5 * MIN);
	assert_int_equal(clock_parse("2026-11-26T10:00:00Z", &t0), PF_OK);

	assert_int_equal(send_next_attempt(t0, 1, t0, 5, &next), 0);
	assert_int_equal(next, t0 + 5 * MIN);
	assert_int_equal(send_next_attempt(t0, 4, t0 + DAY, 5, &next), 0);
	assert_int_equal(next, t0 + DAY + 6 * HOUR);
	/* The last try is at the maximum age itself, not past it. */
	assert_int_equal(send_next_attempt(t0, 9, t0 + 5 * DAY - HOUR, 5,
	    &next), 0);
	assert_int_equal(next, t0 + 5 * DAY);
	assert_int_equal(send_next_attempt(t0, 10, t0 + 5 * DAY, 5, &next), 1);
	assert_int_equal(send_next_attempt(t0, 1, t0 + DAY, 1, &next), 1);
}

/* smtp_conn_check_config() with [smtp] host/security/... as given. */
static int
check(struct tu_env *e, const char *host, enum conn_security sec,
    int allow_plaintext)
{
	char err[PF_ERRLEN];

	free(e->cfg.smtp.host);
	e->cfg.smtp.host = host ? xstrdup(host) : NULL;
	e->cfg.smtp.security = sec;
	e->cfg.smtp.allow_plaintext = allow_plaintext;
	return smtp_conn_check_config(&e->cfg, err, sizeof(err));
}

static void
test_config_rules(void **state)
{
	static const char *const loopback[] = { "127.0.0.1", "127.9.9.9",
	    "::1", "localhost", "LocalHost", "::ffff:127.0.0.1" };
	static const char *const remote[] = { "10.0.0.1", "192.0.2.1",
	    "mail.example.net", "::ffff:10.0.0.1", "2001:db8::1",
	    "localhost.example.net" };
	struct tu_env e;

	(void)state;
	tu_env_open(&e, NULL);
	assert_int_equal(check(&e, NULL, SEC_STARTTLS, 0), SMTP_CONFIG);
	for (size_t i = 0; i < sizeof(loopback) / sizeof(*loopback); i++)
		assert_int_equal(check(&e, loopback[i], SEC_NONE, 0), PF_OK);
	for (size_t i = 0; i < sizeof(remote) / sizeof(*remote); i++) {
		assert_int_equal(check(&e, remote[i], SEC_NONE, 0), SMTP_CONFIG);
		assert_int_equal(check(&e, remote[i], SEC_NONE, 1), PF_OK);
		assert_int_equal(check(&e, remote[i], SEC_STARTTLS, 0), PF_OK);
		assert_int_equal(check(&e, remote[i], SEC_TLS, 0), PF_OK);
	}
	/* Credentials go together. */
	e.cfg.smtp.user = xstrdup("provision@example.net");
	assert_int_equal(check(&e, "mail.example.net", SEC_TLS, 0),
	    SMTP_CONFIG);
	e.cfg.smtp.password_file = xstrdup("/nonexistent");
	assert_int_equal(check(&e, "mail.example.net", SEC_TLS, 0), PF_OK);
	/* A helo that would smuggle a second word, and envelope senders. */
	e.cfg.smtp_helo = xstrdup("picflow example");
	assert_int_equal(check(&e, "mail.example.net", SEC_TLS, 0),
	    SMTP_CONFIG);
	free(e.cfg.smtp_helo);
	e.cfg.smtp_helo = xstrdup("picflow.example.net");
	assert_int_equal(check(&e, "mail.example.net", SEC_TLS, 0), PF_OK);
	free(e.cfg.smtp_envelope_from);
	e.cfg.smtp_envelope_from = xstrdup("<>");
	assert_int_equal(check(&e, "mail.example.net", SEC_TLS, 0), PF_OK);
	free(e.cfg.smtp_envelope_from);
	e.cfg.smtp_envelope_from = xstrdup("bounces@x> SIZE=1");
	assert_int_equal(check(&e, "mail.example.net", SEC_TLS, 0),
	    SMTP_CONFIG);
	tu_env_close(&e);
}

static int64_t
add_row(struct tu_env *e, int n, time_t next, const char *state_)
{
	char err[PF_ERRLEN], to[64], *msg = xasprintf("Subject: %d\r\n\r\n"
	    "body %d\r\n", n, n);
	struct outbox_row o;

	memset(&o, 0, sizeof(o));
	snprintf(to, sizeof(to), "user%d@example.net", n);
	o.template = "help";
	o.recipient = to;
	o.subject = "s";
	o.message_id = "m@example.net";
	o.message = msg;
	o.message_len = strlen(msg);
	o.state = (char *)state_;
	o.created_at = next ? next : 1;
	o.next_attempt_at = next;
	if (store_outbox_add(e->s, &o, err, sizeof(err)) != PF_OK)
		fail_msg("%s", err);
	free(msg);
	return o.id;
}

static void
test_store_pages(void **state)
{
	struct send_row *rows;
	struct tu_env e;
	char err[PF_ERRLEN];
	int64_t after = 0;
	size_t n, total = 0, pages = 0;
	time_t now;

	(void)state;
	tu_env_open(&e, NULL);
	assert_int_equal(clock_parse("2026-11-26T10:00:00Z", &now), PF_OK);
	for (int i = 0; i < 70; i++)
		add_row(&e, i, now - i, "queued");
	add_row(&e, 100, now + 1, "queued");	/* not due yet */
	add_row(&e, 101, 0, "sent");		/* done */
	for (;;) {
		assert_int_equal(store_send_due(e.s, now, after, 32, &rows, &n,
		    err, sizeof(err)), PF_OK);
		if (n == 0)
			break;
		assert_true(n <= 32);
		for (size_t i = 0; i < n; i++) {
			char body[32];

			assert_true(rows[i].id > after);
			after = rows[i].id;
			snprintf(body, sizeof(body), "body %d\r\n",
			    (int)total);
			assert_non_null(strstr(rows[i].message, body));
			assert_int_equal(rows[i].message_len,
			    strlen(rows[i].message));
			total++;
		}
		pages++;
		send_rows_free(rows, n);
	}
	assert_null(rows);
	assert_int_equal(total, 70);
	assert_int_equal(pages, 3);
	tu_env_close(&e);
}

static void
test_store_record(void **state)
{
	struct send_event_row *ev;
	struct send_outcome o;
	struct tu_env e;
	char err[PF_ERRLEN];
	size_t n;
	int64_t id, done;
	time_t now;

	(void)state;
	tu_env_open(&e, NULL);
	assert_int_equal(clock_parse("2026-11-26T10:00:00Z", &now), PF_OK);
	id = add_row(&e, 1, now, "queued");
	done = add_row(&e, 2, now, "suppressed");
	memset(&o, 0, sizeof(o));
	o.id = id;
	o.ev = SEND_EV_DEFERRED;
	o.at = now;
	o.attempts = 1;
	o.next = now + 300;
	o.reply = "RCPT TO: 451 later";
	assert_int_equal(store_send_record(e.s, &o, err, sizeof(err)), PF_OK);
	assert_int_equal(tu_sql_int(&e, "SELECT count(*) FROM outbox WHERE "
	    "state = 'queued' AND attempts = 1 AND next_attempt_at = "
	    "'2026-11-26T10:05:00Z' AND last_reply = 'RCPT TO: 451 later'",
	    NULL), 1);
	o.ev = SEND_EV_SENT;
	o.attempts = 2;
	o.reply = "250 ok";
	assert_int_equal(store_send_record(e.s, &o, err, sizeof(err)), PF_OK);
	assert_int_equal(tu_sql_int(&e, "SELECT count(*) FROM outbox WHERE "
	    "state = 'sent' AND attempts = 2 AND next_attempt_at IS NULL AND "
	    "sent_at = '2026-11-26T10:00:00Z'", NULL), 1);
	/* A row no longer queued is left alone, and gets no event. */
	o.ev = SEND_EV_FAILED;
	assert_int_equal(store_send_record(e.s, &o, err, sizeof(err)), PF_OK);
	o.id = done;
	assert_int_equal(store_send_record(e.s, &o, err, sizeof(err)), PF_OK);
	assert_int_equal(tu_sql_int(&e, "SELECT count(*) FROM outbox WHERE "
	    "state = 'failed'", NULL), 0);
	assert_int_equal(store_send_events(e.s, id, &ev, &n, err,
	    sizeof(err)), PF_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].event, "deferred");
	assert_string_equal(ev[1].event, "sent");
	assert_int_equal(ev[1].attempt, 2);
	assert_string_equal(ev[1].reply, "250 ok");
	send_event_rows_free(ev, n);
	assert_int_equal(tu_sql_int(&e, "SELECT count(*) FROM outbox_events",
	    NULL), 2);
	tu_env_close(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_schedule),
		cmocka_unit_test(test_config_rules),
		cmocka_unit_test(test_store_pages),
		cmocka_unit_test(test_store_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
