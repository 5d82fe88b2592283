/* test_imap_names.c - where a configured mailbox goes, given what a
 * server says in NAMESPACE and LIST "" "" (issue 16). The namespaces are
 * those Dovecot and Cyrus 3.6 answered in tests/integration. */
#include "testutil.h"
#include "imap_names.h"

#include <stdlib.h>
#include <string.h>

static void
expect(const struct imap_names *n, const char *name, const char *want)
{
	char *got = imap_names_place(n, name);

	assert_string_equal(got, want);
	free(got);
}

/* Dovecot's default: (("" ".")) NIL NIL - every name as written. */
static void
test_empty_prefix(void **state)
{
	struct imap_names n;

	(void)state;
	imap_names_init(&n);
	expect(&n, "Processed", "Processed");	/* before the server spoke */
	imap_names_set(&n, "", '.');
	expect(&n, "Processed", "Processed");
	expect(&n, "INBOX", "INBOX");
	expect(&n, "Archive.Processed", "Archive.Processed");
	imap_names_free(&n);
}

/* Cyrus, traditional namespace: (("INBOX." ".")) (("user." "."))
 * (("" ".")). */
static void
test_cyrus_traditional(void **state)
{
	struct imap_names n;

	(void)state;
	imap_names_init(&n);
	imap_names_set(&n, "INBOX.", '.');
	imap_names_add_other(&n, "user.");
	imap_names_add_other(&n, "");		/* shared: ignored */
	assert_int_equal(n.n_others, 1);
	expect(&n, "Processed", "INBOX.Processed");
	expect(&n, "Failed", "INBOX.Failed");
	expect(&n, "INBOX", "INBOX");
	expect(&n, "inbox", "inbox");
	expect(&n, "INBOX.Processed", "INBOX.Processed");
	expect(&n, "Inbox.Processed", "Inbox.Processed");
	expect(&n, "user.other.Processed", "user.other.Processed");
	expect(&n, "Users.x", "INBOX.Users.x");
	expect(&n, "INBOXES", "INBOX.INBOXES");
	imap_names_free(&n);
}

/* unixhierarchysep: "INBOX/" and "/"; a prefix given without its
 * delimiter gets it. */
static void
test_slash_and_bare_prefix(void **state)
{
	struct imap_names n;

	(void)state;
	imap_names_init(&n);
	imap_names_set(&n, "INBOX", '/');
	assert_string_equal(n.personal, "INBOX/");
	expect(&n, "Processed", "INBOX/Processed");
	expect(&n, "INBOX/Failed", "INBOX/Failed");
	expect(&n, "INBOX.Failed", "INBOX/INBOX.Failed");
	imap_names_set(&n, "Mail.", '\0');	/* no LIST delimiter */
	expect(&n, "Processed", "Mail.Processed");
	expect(&n, "Mail.Processed", "Mail.Processed");
	imap_names_free(&n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_prefix),
		cmocka_unit_test(test_cyrus_traditional),
		cmocka_unit_test(test_slash_and_bare_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
