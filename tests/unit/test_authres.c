/* test_authres.c - Authentication-Results (RFC 8601): the RFC's own
 * examples of Appendix B, then the grammar's corners, then the verdict
 * picflow draws from a mail's fields. */
#include "testutil.h"
#include "authres.h"

#include <string.h>

static void
one(const char *value, const char *id, int version, size_t n,
    const char *method0, const char *result0)
{
	struct authres ar;

	if (authres_parse(value, &ar) != 0)
		fail_msg("not parsed: %s", value);
	assert_string_equal(ar.authserv_id, id);
	assert_int_equal(ar.version, version);
	assert_int_equal(ar.n, n);
	if (n > 0) {
		assert_string_equal(ar.res[0].method, method0);
		assert_string_equal(ar.res[0].result, result0);
	}
}

/* B.2 to B.7 of RFC 8601, as folded there. */
static void
test_rfc8601_appendix_b(void **state)
{
	struct authres ar;

	(void)state;
	/* B.2 Nearly trivial case: service provided, no authentication */
	assert_int_equal(authres_parse(" example.org 1; none", &ar), 0);
	assert_string_equal(ar.authserv_id, "example.org");
	assert_int_equal(ar.none, 1);
	assert_int_equal(ar.n, 0);
	/* B.3 Service provided, authentication done */
	one(" example.com;\r\n          spf=pass smtp.mailfrom=example.net",
	    "example.com", 1, 1, "spf", "pass");
	/* B.4 Service provided, several authentications done, single MTA */
	assert_int_equal(authres_parse(" example.com;\r\n"
	    "          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
	    "          spf=pass smtp.mailfrom=example.net", &ar), 0);
	assert_int_equal(ar.n, 2);
	assert_string_equal(ar.res[0].method, "auth");
	assert_string_equal(ar.res[1].method, "spf");
	one(" example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
	    "example.com", 1, 1, "iprev", "pass");
	/* B.5 Service provided, several authentications done, different
	 * MTAs */
	one(" example.com;\r\n          dkim=pass (good signature) "
	    "header.d=mail-router.example.net", "example.com", 1, 1, "dkim",
	    "pass");
	one(" example.com;\r\n          dkim=fail (bad signature) "
	    "header.d=newyork.example.com", "example.com", 1, 1, "dkim",
	    "fail");
	/* B.6 Service provided, multi-tiered authentication done */
	assert_int_equal(authres_parse(" mail-router.example.net;\r\n"
	    "          dkim=pass (good signature) header.d=newyork.example.com\r\n"
	    "                header.b=oINEO8hg;\r\n"
	    "          dkim=fail (bad signature) header.d=newyork.example.com\r\n"
	    "                header.b=EToRSuvU", &ar), 0);
	assert_string_equal(ar.authserv_id, "mail-router.example.net");
	assert_int_equal(ar.n, 2);
	assert_string_equal(ar.res[1].result, "fail");
	assert_int_equal(authres_parse(" example.com;\r\n"
	    "          dkim=pass reason=\"good signature\"\r\n"
	    "            header.i=@mail-router.example.net;\r\n"
	    "          dkim=fail reason=\"bad signature\"\r\n"
	    "            header.i=@newyork.example.com", &ar), 0);
	assert_int_equal(ar.n, 2);
	assert_string_equal(ar.res[0].result, "pass");
	assert_string_equal(ar.res[1].result, "fail");
	/* B.7 Comment-heavy example */
	one(" foo.example.net (foobar) 1 (baz);\r\n"
	    "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
	    "      policy (A dot can go here) . (like that) expired\r\n"
	    "      (this surprised me) = (as I wasn't expecting it) 1362471462",
	    "foo.example.net", 1, 1, "dkim", "fail");
}

static void
test_grammar(void **state)
{
	struct authres ar;

	(void)state;
	/* a quoted authserv-id, with a quoted-pair */
	one("\"exa\\mple.com\"; dmarc=pass", "example.com", 1, 1, "dmarc",
	    "pass");
	/* a quoted reason holding ';' and '=' ends nothing */
	one("mx.example.net; dmarc=fail reason=\"p=reject; x=1\" "
	    "header.from=contoso.com", "mx.example.net", 1, 1, "dmarc", "fail");
	/* nested comments, keywords in any case */
	one("mx.example.net (a (b) c); DMARC=Pass (p=REJECT sp=REJECT) "
	    "header.from=contoso.com;", "mx.example.net", 1, 1, "dmarc",
	    "pass");
	/* a version other than 1 is read, the verdict ignores it */
	one("mx.example.net 2; dmarc=fail", "mx.example.net", 2, 1, "dmarc",
	    "fail");
	/* refused: no id, an unclosed comment, a result without '=' */
	assert_int_equal(authres_parse(" ; none", &ar), -1);
	assert_int_equal(authres_parse("mx.example.net (open; dmarc=pass",
	    &ar), -1);
	assert_int_equal(authres_parse("mx.example.net; dmarc pass", &ar), -1);
	assert_int_equal(authres_parse("mx.example.net; dmarc=", &ar), -1);
	assert_int_equal(authres_parse("mx.example.net; dmarc=pass header",
	    &ar), -1);
	assert_int_equal(authres_parse("", &ar), -1);
	assert_int_equal(authres_parse(NULL, &ar), -1);
}

static void
test_verdict(void **state)
{
	char *pass[] = { "mx.pic.example.net; dmarc=pass header.from=x.com" };
	char *fail[] = { "mx.pic.example.net; spf=pass smtp.mailfrom=x.com;\r\n"
	    "  dmarc=fail (p=reject) header.from=x.com" };
	/* forged upstream with someone else's id: not ours, ignored */
	char *other[] = { "mx.evil.example; dmarc=pass header.from=x.com",
	    "mx.pic.example.net; spf=none" };
	char *both[] = { "mx.pic.example.net; dmarc=pass",
	    "MX.PIC.example.net (second hop); dmarc=fail" };
	char *v2[] = { "mx.pic.example.net 2; dmarc=fail" };
	char *none[] = { "mx.pic.example.net; dmarc=none header.from=x.com" };
	const char *id = "mx.pic.example.net";

	(void)state;
	assert_int_equal(authres_dmarc(pass, 1, id), AUTHRES_PASS);
	assert_int_equal(authres_dmarc(fail, 1, id), AUTHRES_FAIL);
	assert_int_equal(authres_dmarc(other, 2, id), AUTHRES_NONE);
	assert_int_equal(authres_dmarc(both, 2, id), AUTHRES_FAIL);
	assert_int_equal(authres_dmarc(v2, 1, id), AUTHRES_NONE);
	assert_int_equal(authres_dmarc(none, 1, id), AUTHRES_OTHER);
	assert_int_equal(authres_dmarc(fail, 1, NULL), AUTHRES_NONE);
	assert_int_equal(authres_dmarc(NULL, 0, id), AUTHRES_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8601_appendix_b),
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
