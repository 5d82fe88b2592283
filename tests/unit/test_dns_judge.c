/* test_dns_judge.c - what DNS answers mean for a request (SPEC 8), from
 * answers written here: the judgement is a pure function, tested without
 * a resolver (tests/integration/test_dns.sh asks a real one). */
#include "testutil.h"
#include "dns_judge.h"

#include <stdlib.h>
#include <string.h>

static struct strvec edges;
static struct sip_domain sip[1];
static struct dns_subject subj;
static struct dns_conf conf;

static int
setup(void **state)
{
	(void)state;
	memset(&edges, 0, sizeof(edges));
	sv_push(&edges, "sip.contoso.com");
	sip[0].domain = "contoso.com";
	sip[0].contact = "admin@contoso.com";
	subj.agreement = "61234567";
	subj.edges = &edges;
	subj.sip = sip;
	subj.n_sip = 1;
	memset(&conf, 0, sizeof(conf));
	conf.check = DNS_CHECK_WARN;
	conf.timeout = 5;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sv_free(&edges);
	return 0;
}

/* answer NAME TYPE STATUS SEC RECORD (NULL: none) */
static void
answer(struct dns_batch *b, const char *name, int type, enum dns_status st,
    enum dns_security sec, const char *rec)
{
	size_t i = dns_batch_add(b, name, type);	/* may move b->v */
	struct dns_answer *a = &b->v[i];

	a->status = st;
	a->sec = sec;
	if (rec)
		sv_push(&a->records, rec);
}

/* Everything as it should be, the SRV record as given. */
static void
good(struct dns_batch *b, const char *srv)
{
	answer(b, "_sipfederationtls._tcp.contoso.com", DNS_RR_SRV,
	    DNS_ST_ANSWER, DNS_SEC_INSECURE, srv);
	answer(b, "_pic.contoso.com", DNS_RR_TXT, DNS_ST_ANSWER,
	    DNS_SEC_INSECURE, "pic-agreement=61234567");
	answer(b, "sip.contoso.com", DNS_RR_A, DNS_ST_ANSWER, DNS_SEC_INSECURE,
	    "192.0.2.1");
	answer(b, "sip.contoso.com", DNS_RR_AAAA, DNS_ST_NODATA,
	    DNS_SEC_INSECURE, NULL);
}

static void
judged(struct dns_batch *b, struct dns_verdict *v)
{
	dns_judge(&subj, b, &conf, v);
}

static void
test_questions(void **state)
{
	struct dns_batch b = { 0 };

	(void)state;
	dns_judge_questions(&subj, &b);
	assert_int_equal(b.n, 4);
	assert_non_null(dns_batch_find(&b, "_sipfederationtls._tcp.contoso.com",
	    DNS_RR_SRV));
	assert_non_null(dns_batch_find(&b, "_pic.contoso.com", DNS_RR_TXT));
	assert_non_null(dns_batch_find(&b, "SIP.contoso.com", DNS_RR_AAAA));
	dns_judge_questions(&subj, &b);		/* asked once */
	assert_int_equal(b.n, 4);
	dns_batch_free(&b);
}

static void
test_all_good(void **state)
{
	struct dns_batch b = { 0 };
	struct dns_verdict v;

	(void)state;
	good(&b, "100 1 5061 SIP.Contoso.com");	/* case does not matter */
	judged(&b, &v);
	assert_int_equal(v.reasons.n, 0);
	assert_int_equal(v.warnings.n, 0);
	assert_int_equal(v.proven.n, 1);
	assert_string_equal(v.proven.v[0], "contoso.com");
	dns_verdict_free(&v);
	dns_batch_free(&b);
}

static void
test_srv_codes(void **state)
{
	static const struct {
		const char	*srv;		/* NULL: no SRV at all */
		const char	*code;
	} cases[] = {
		{ NULL, "no-federation-srv" },
		{ "100 1 5060 sip.contoso.com", "federation-srv-mismatch" },
		{ "100 1 5061 sip.fabrikam.com", "federation-srv-mismatch" },
		{ "100 1 5061 sip.contoso.com.evil", "federation-srv-mismatch" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_batch b = { 0 };
		struct dns_verdict v;

		good(&b, cases[i].srv);
		if (cases[i].srv == NULL)
			b.v[0].status = DNS_ST_NXDOMAIN;
		conf.check = DNS_CHECK_WARN;
		judged(&b, &v);
		assert_int_equal(v.reasons.n, 0);
		assert_int_equal(v.warnings.n, 1);
		assert_string_equal(v.warnings.v[0].code, cases[i].code);
		/* the detail is the exact record to publish */
		assert_string_equal(v.warnings.v[0].detail,
		    "_sipfederationtls._tcp.contoso.com. IN SRV 100 1 5061 "
		    "sip.contoso.com.");
		dns_verdict_free(&v);
		conf.check = DNS_CHECK_REQUIRE;
		judged(&b, &v);
		assert_int_equal(v.warnings.n, 0);
		assert_int_equal(v.reasons.n, 1);
		assert_string_equal(v.reasons.v[0].code, cases[i].code);
		dns_verdict_free(&v);
		dns_batch_free(&b);
	}
}

static void
test_edge_and_bogus(void **state)
{
	struct dns_batch b = { 0 };
	struct dns_verdict v;

	(void)state;
	good(&b, "100 1 5061 sip.contoso.com");
	b.v[2].status = DNS_ST_NXDOMAIN;	/* A */
	sv_free(&b.v[2].records);
	judged(&b, &v);
	assert_int_equal(v.warnings.n, 1);
	assert_string_equal(v.warnings.v[0].code, "edge-fqdn-unresolvable");
	assert_string_equal(v.warnings.v[0].detail, "sip.contoso.com");
	dns_verdict_free(&v);
	dns_batch_free(&b);
	/* bogus answers are no answers: no SRV, no proof */
	memset(&b, 0, sizeof(b));
	good(&b, "100 1 5061 sip.contoso.com");
	b.v[0].sec = DNS_SEC_BOGUS;
	b.v[1].sec = DNS_SEC_BOGUS;
	judged(&b, &v);
	assert_int_equal(v.warnings.n, 1);
	assert_string_equal(v.warnings.v[0].code, "no-federation-srv");
	assert_int_equal(v.proven.n, 0);
	dns_verdict_free(&v);
	dns_batch_free(&b);
}

static void
test_failure_never_rejects(void **state)
{
	struct dns_batch b = { 0 };
	struct dns_verdict v;

	(void)state;
	good(&b, "100 1 5061 sip.contoso.com");
	for (size_t i = 0; i < b.n; i++)
		b.v[i].status = DNS_ST_FAIL;
	conf.check = DNS_CHECK_REQUIRE;
	conf.ownership = DNS_OWN_ALWAYS;
	judged(&b, &v);
	assert_int_equal(v.reasons.n, 0);
	assert_true(v.warnings.n >= 2);
	for (size_t i = 0; i < v.warnings.n; i++)
		assert_string_equal(v.warnings.v[i].code, "dns-unavailable");
	dns_verdict_free(&v);
	dns_batch_free(&b);
	/* questions never asked count as failures too */
	memset(&b, 0, sizeof(b));
	judged(&b, &v);
	assert_int_equal(v.reasons.n, 0);
	assert_true(v.warnings.n >= 2);
	dns_verdict_free(&v);
}

static void
test_ownership_always(void **state)
{
	struct dns_batch b = { 0 };
	struct dns_verdict v;

	(void)state;
	good(&b, "100 1 5061 sip.contoso.com");
	sv_free(&b.v[1].records);
	sv_push(&b.v[1].records, "pic-agreement=99999999");
	conf.ownership = DNS_OWN_ALWAYS;
	judged(&b, &v);
	assert_int_equal(v.reasons.n, 1);
	assert_string_equal(v.reasons.v[0].code, "domain-not-proven");
	assert_string_equal(v.reasons.v[0].detail,
	    "_pic.contoso.com. IN TXT \"pic-agreement=61234567\"");
	dns_verdict_free(&v);
	conf.ownership = DNS_OWN_CLAIMED;
	judged(&b, &v);
	assert_int_equal(v.reasons.n, 0);
	assert_int_equal(v.proven.n, 0);
	dns_verdict_free(&v);
	dns_batch_free(&b);
}

static void
test_settle(void **state)
{
	struct strvec claimed = { 0 }, proven = { 0 }, settled = { 0 };

	(void)state;
	sv_push(&claimed, "a.com");
	sv_push(&claimed, "b.com");
	sv_push(&claimed, "c.com");
	sv_push(&proven, "b.com");
	sv_push(&proven, "d.com");
	dns_judge_settle(&claimed, &proven, &settled);
	assert_int_equal(claimed.n, 2);
	assert_string_equal(claimed.v[0], "a.com");
	assert_string_equal(claimed.v[1], "c.com");
	assert_int_equal(settled.n, 1);
	assert_string_equal(settled.v[0], "b.com");
	sv_free(&claimed);
	sv_free(&proven);
	sv_free(&settled);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_questions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srv_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_and_bogus, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failure_never_rejects,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ownership_always, setup,
		    teardown),
		cmocka_unit_test(test_settle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
