/* test_workflow.c - every allowed and every refused transition, with the
 * event each change writes (SPEC 3). The expected matrix is written here
 * from the specification, not read from the engine's table. */
#include "testutil.h"
#include "ingest.h"
#include "store.h"
#include "util.h"
#include "workflow.h"
#include "store_int.h"
#include "schema.h"

#include <stdlib.h>
#include <string.h>

/* SPEC 3: received -> confirming -> pending -> provisioned | rejected;
 * received -> pending (confirm_contacts = no); received | confirming ->
 * rejected; provisioned -> superseded. The operator decides pending ->
 * provisioned | rejected and may reject a received (held) or confirming
 * request; only a reply moves confirming to pending (SPEC 6). */
static const struct {
	enum req_state from, to;
	int system, operator;
} allowed[] = {
	{ ST_RECEIVED, ST_CONFIRMING, 1, 0 },
	{ ST_RECEIVED, ST_PENDING, 1, 0 },
	{ ST_RECEIVED, ST_REJECTED, 1, 1 },
	{ ST_CONFIRMING, ST_PENDING, 1, 0 },
	{ ST_CONFIRMING, ST_REJECTED, 1, 1 },
	{ ST_PENDING, ST_PROVISIONED, 1, 1 },
	{ ST_PENDING, ST_REJECTED, 1, 1 },
	{ ST_PROVISIONED, ST_SUPERSEDED, 1, 0 },
};

static int
expected(enum req_state from, enum req_state to, enum actor a)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].from == from && allowed[i].to == to)
			return a == BY_SYSTEM ? allowed[i].system :
			    allowed[i].operator;
	return 0;
}

/* A request driven to `state` along the only path there. */
static void
make_request(struct tu_env *e, enum req_state state, struct request_row *r)
{
	static const enum req_state path[][4] = {
		[ST_RECEIVED] = { ST_NONE },
		[ST_CONFIRMING] = { ST_CONFIRMING, ST_NONE },
		[ST_PENDING] = { ST_PENDING, ST_NONE },
		[ST_PROVISIONED] = { ST_PENDING, ST_PROVISIONED, ST_NONE },
		[ST_REJECTED] = { ST_REJECTED, ST_NONE },
		[ST_SUPERSEDED] = { ST_PENDING, ST_PROVISIONED, ST_SUPERSEDED,
		    ST_NONE },
	};
	char err[PF_ERRLEN];

	memset(r, 0, sizeof(*r));
	assert_int_equal(store_request_new_id(e->s, r->id, r->tag, err, sizeof(err)),
	    PF_OK);
	r->action = xstrdup("provision");
	r->language = xstrdup("en");
	r->sender = xstrdup("admin@contoso.com");
	assert_int_equal(store_request_create(e->s, r, "test", err,
	    sizeof(err)), PF_OK);
	for (int i = 0; path[state][i] != ST_NONE; i++)
		assert_int_equal(store_transition(e->s, r, path[state][i],
		    BY_SYSTEM, "test", err, sizeof(err)), PF_OK);
}

static void
test_matrix(void **state)
{
	struct tu_env e;
	char err[PF_ERRLEN];
	int checked = 0;

	(void)state;
	tu_env_open(&e, NULL);
	for (int from = ST_RECEIVED; from < ST__COUNT; from++)
		for (int to = ST_RECEIVED; to < ST__COUNT; to++)
			for (int a = BY_SYSTEM; a <= BY_OPERATOR; a++) {
				struct request_row r;
				long before, after;
				int rc, want = expected(from, to, a);

				make_request(&e, from, &r);
				before = tu_sql_int(&e, "SELECT count(*) FROM "
				    "events WHERE request_rid = (SELECT rid FROM "
				    "requests WHERE id = ?)", r.id);
				err[0] = '\0';
				rc = store_transition(e.s, &r, to, a, "matrix",
				    err, sizeof(err));
				after = tu_sql_int(&e, "SELECT count(*) FROM "
				    "events WHERE request_rid = (SELECT rid FROM "
				    "requests WHERE id = ?)", r.id);
				if (want) {
					assert_int_equal(rc, PF_OK);
					assert_int_equal(after, before + 1);
					assert_int_equal(r.state, to);
				} else {
					assert_int_equal(rc, PF_ERR);
					assert_int_equal(after, before);
					/* a clear error names both states */
					assert_non_null(strstr(err,
					    state_name(from)));
					assert_non_null(strstr(err,
					    state_name(to)));
					assert_int_equal(r.state, from);
				}
				assert_int_equal(tu_sql_int(&e, "SELECT count(*) "
				    "FROM requests WHERE id = ?1 AND state = "
				    "(SELECT to_state FROM events WHERE "
				    "request_rid = requests.rid ORDER BY id DESC "
				    "LIMIT 1)",
				    r.id), 1);
				request_row_free(&r);
				checked++;
			}
	assert_int_equal(checked, 6 * 6 * 2);
	tu_env_close(&e);
}

static void
test_state_names(void **state)
{
	enum req_state s;

	(void)state;
	assert_int_equal(state_parse("pending", &s), PF_OK);
	assert_int_equal(s, ST_PENDING);
	assert_int_equal(state_parse("bogus", &s), PF_ERR);
	assert_string_equal(state_name(ST_SUPERSEDED), "superseded");
}

static void
test_schema_rejects_bad_state(void **state)
{
	struct tu_env e;
	struct request_row r;

	(void)state;
	tu_env_open(&e, NULL);
	make_request(&e, ST_RECEIVED, &r);
	/* The CHECK constraint guards the state column itself. */
	assert_int_not_equal(sqlite3_exec(e.s->db, "UPDATE requests "
	    "SET state = 'lost'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(tu_sql_int(&e, "PRAGMA user_version", NULL),
	    (long)schema_n_migrations);
	assert_int_equal(tu_sql_int(&e, "PRAGMA foreign_keys", NULL), 1);
	request_row_free(&r);
	tu_env_close(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_schema_rejects_bad_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
