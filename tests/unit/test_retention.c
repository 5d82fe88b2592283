/* test_retention.c - store_retention.c: where an address begins and ends
 * for forget, what retention prunes and how often, and the bytes one
 * sender made picflow store. */
#include "testutil.h"
#include "clock.h"
#include "ingest.h"
#include "store.h"
#include "store_int.h"
#include "store_retention.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUEST "Agreement-Type: volume-licensing\n" \
	"Agreement-Number: 61234567\nDeployment: lync-server-2013\n" \
	"Edge-FQDN: sip.contoso.com\nSIP-Domain: contoso.com <admin@contoso.com>\n"

static char *
sql_text(const char *sql)
{
	sqlite3_stmt *st;
	char *v;

	assert_int_equal(sqlite3_prepare_v2(tu_e.s->db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = xstrdup(sqlite3_column_text(st, 0) ?
	    (const char *)sqlite3_column_text(st, 0) : "NULL");
	sqlite3_finalize(st);
	return v;
}

static void
expect_sql(const char *sql, const char *want)
{
	char *got = sql_text(sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got, want);
	free(got);
}

/* A whole address, in any case; never the tail of a longer one, nor the
 * head of a longer domain. */
static void
test_address_edges(void **state)
{
	struct forget_block *b;
	char err[PF_ERRLEN];
	size_t n;

	(void)state;
	/* registers pf_holds and pf_forget on the connection */
	assert_int_equal(store_forget_blockers(tu_e.s, "jo@x.com", &b, &n,
	    err, sizeof(err)), PF_OK);
	assert_int_equal(n, 0);
	free(b);
	expect_sql("SELECT pf_holds('Mail from JO@X.Com today', 'jo@x.com')",
	    "1");
	expect_sql("SELECT pf_holds('<jo@x.com>', 'jo@x.com')", "1");
	expect_sql("SELECT pf_holds('write to jo@x.com.', 'jo@x.com')", "1");
	expect_sql("SELECT pf_holds('jo@x.com', 'jo@x.com')", "1");
	expect_sql("SELECT pf_holds('bojo@x.com', 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds('a.jo@x.com', 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds('a+jo@x.com', 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds('jo@x.com.evil', 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds('jo@x.com-b.net', 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds('jo@x.co', 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds(CAST('raw: jo@x.com' AS BLOB), "
	    "'jo@x.com')", "1");
	expect_sql("SELECT pf_holds(NULL, 'jo@x.com')", "0");
	expect_sql("SELECT pf_holds(42, 'jo@x.com')", "0");
	expect_sql("SELECT pf_forget('to jo@x.com, JO@x.com; bojo@x.com', "
	    "'jo@x.com')", "to [forgotten], [forgotten]; bojo@x.com");
	expect_sql("SELECT typeof(pf_forget(CAST('jo@x.com' AS BLOB), "
	    "'jo@x.com'))", "blob");
	expect_sql("SELECT pf_forget(7, 'jo@x.com')", "7");
}

/* Retention empties the mails of final requests once, with one event
 * each; an open request's mail and a queued notice keep their bytes. */
static void
test_prune(void **state)
{
	struct ingest_result a, b;
	struct prune_stats st;
	char err[PF_ERRLEN];
	time_t cutoff;

	(void)state;
	tu_ingest_body("admin@contoso.com", "a@contoso.com", NULL, REQUEST, &a);
	tu_ingest_body("it@fabrikam.com", "b@fabrikam.com", NULL,
	    "Agreement-Type: volume-licensing\nAgreement-Number: 71234567\n"
	    "Deployment: lync-server-2013\nEdge-FQDN: sip.fabrikam.com\n"
	    "SIP-Domain: fabrikam.com <it@fabrikam.com>\n", &b);
	assert_int_equal(b.state, ST_PENDING);
	tu_provision(a.tag);
	tu_set_now("2027-12-01T00:00:00Z");
	cutoff = clock_now() - 365 * 86400;
	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(store_prune(tu_e.s, cutoff, "retention test", &st,
	    err, sizeof(err)), PF_OK);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.mails, 1);
	assert_int_equal(st.notices, 0);	/* all still queued */
	assert_int_equal(tu_count("SELECT count(*) FROM inbound WHERE "
	    "length(raw) = 0 AND raw_note = 'retention' AND request_id = "
	    "(SELECT id FROM requests WHERE tag = ?)", a.tag), 1);
	assert_int_equal(tu_count("SELECT length(raw) > 0 FROM inbound WHERE "
	    "request_id = (SELECT id FROM requests WHERE tag = ?)", b.tag), 1);
	assert_int_equal(tu_count("SELECT count(*) FROM events WHERE cause = "
	    "'retention test'", NULL), 1);
	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(store_prune(tu_e.s, cutoff, "retention test", &st,
	    err, sizeof(err)), PF_OK);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(st.requests + st.mails + st.notices, 0);
	assert_int_equal(tu_count("SELECT count(*) FROM events WHERE cause = "
	    "'retention test'", NULL), 1);
}

/* The sender's large mails of the last 24 hours, in any case of its
 * address; small mails and older ones do not count. */
static void
test_sender_bytes(void **state)
{
	struct ingest_result r;
	char err[PF_ERRLEN], *pad = xmalloc(70001), *body, id[32];
	int64_t bytes;

	(void)state;
	memset(pad, 'x', 70000);
	pad[70000] = '\0';
	body = xstrcat(REQUEST, "\n", pad, "\n", (char *)NULL);
	for (int i = 0; i < 2; i++) {
		snprintf(id, sizeof(id), "big-%d@contoso.com", i);
		tu_ingest_body(i ? "Big@Contoso.com" : "big@contoso.com", id,
		    NULL, body, &r);
	}
	tu_ingest_body("big@contoso.com", "small@contoso.com", NULL,
	    "help", &r);
	assert_int_equal(store_sender_bytes(tu_e.s, "BIG@contoso.com",
	    clock_now() - 86400, &bytes, err, sizeof(err)), PF_OK);
	assert_int_equal(bytes, tu_count("SELECT sum(length(raw)) FROM "
	    "inbound WHERE size > 65536", NULL));
	assert_true(bytes > 140000);
	assert_int_equal(store_sender_bytes(tu_e.s, "big@contoso.com",
	    clock_now() + 1, &bytes, err, sizeof(err)), PF_OK);
	assert_int_equal(bytes, 0);
	free(body);
	free(pad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_address_edges, tu_setup,
		    tu_teardown),
		cmocka_unit_test_setup_teardown(test_prune, tu_setup,
		    tu_teardown),
		cmocka_unit_test_setup_teardown(test_sender_bytes, tu_setup,
		    tu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
