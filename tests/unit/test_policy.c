/* test_policy.c - SPEC 5 defaults and the networks table. */
#include "testutil.h"
#include "policy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T_END	1404086400	/* 2014-06-30T00:00:00Z */

static void
test_defaults(void **state)
{
	struct policy p;

	(void)state;
	policy_defaults(&p);
	assert_int_equal(p.provisioning_days, 30);
	assert_int_equal(p.edge_change_days, 5);
	assert_int_equal(p.cooldown_hours, 24);
	assert_int_equal(p.max_edge_fqdns, 10);
	assert_int_equal(p.max_sip_domains, 100);
	assert_int_equal(p.replies_per_sender_per_day, 5);
	assert_int_equal(p.max_message_bytes, 10485760);
	assert_string_equal(p.default_language, "en");
	assert_int_equal(p.n_networks, 4);
	policy_free(&p);
	assert_null(p.networks);
	assert_int_equal(p.n_networks, 0);
	policy_free(&p);	/* harmless twice */
}

static void
test_networks(void **state)
{
	static const struct {
		const char	*name;
		enum net_rule	 rule;
		time_t		 ends;
	} want[] = {
		{ "skype", NET_OPEN, 0 },
		{ "windows-live", NET_NO_NEW_ACTIVATION, 0 },
		{ "yahoo", NET_LICENCE_REQUIRED, T_END },
		{ "aol", NET_NO_ADDITIONAL, T_END },
	};
	struct policy p;

	(void)state;
	policy_defaults(&p);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const struct network *n = policy_network(&p, want[i].name);

		assert_non_null(n);
		assert_string_equal(n->name, want[i].name);
		assert_int_equal(n->rule, want[i].rule);
		assert_int_equal(n->ends, want[i].ends);
	}
	assert_ptr_equal(policy_network(&p, "Windows-Live"),
	    policy_network(&p, "windows-live"));
	assert_null(policy_network(&p, "icq"));
	assert_null(policy_network(&p, NULL));
	assert_null(policy_network(NULL, "skype"));
	policy_free(&p);
}

/* The end date does not move with the host's time zone. */
static void
test_timezone(void **state)
{
	struct policy p;

	(void)state;
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	policy_defaults(&p);
	assert_int_equal(policy_network(&p, "aol")->ends, T_END);
	policy_free(&p);
	unsetenv("TZ");
	tzset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_timezone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
