/* test_template.c - the template mini-language, the shipped templates in
 * both languages, and the fallback to English. */
#include "testutil.h"
#include "template.h"
#include "mail_build.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const names[] = { "verify", "confirmation",
    "completion", "rejection", "held", "delay", "status", "help",
    "alert" };
static const char *const langs[] = { "en", "fr" };

static const char *
tdir(void)
{
	const char *d = getenv("PICFLOW_TEMPLATES");

	assert_non_null(d);
	return d;
}

static void
expect(const char *text, const struct tvars *tv, const char *want)
{
	char *got = template_expand(text, tv);

	assert_string_equal(got, want);
	free(got);
}

static void
test_expand_basics(void **state)
{
	struct tvars tv = { .n = 0 };

	(void)state;
	tvars_set(&tv, "a", "A");
	tvars_set(&tv, "flag", "1");
	tvars_set(&tv, "empty", "");
	tvars_set(&tv, "evil", "{{a}}");
	expect("x{{a}}y{{ a }}z", &tv, "xAyAz");
	expect("[{{missing}}]", &tv, "[]");
	expect("{{#flag}}on{{/flag}}{{^flag}}off{{/flag}}", &tv, "on");
	expect("{{#empty}}on{{/empty}}{{^empty}}off{{/empty}}", &tv, "off");
	expect("{{#nope}}on{{/nope}}{{^nope}}off{{/nope}}", &tv, "off");
	expect("{{#flag}}1{{#empty}}2{{/empty}}{{^empty}}3{{/empty}}4"
	    "{{/flag}}", &tv, "134");
	/* values are never re-scanned for tags */
	expect("{{evil}}", &tv, "{{a}}");
	/* malformed tags stay literal, a stray close disappears */
	expect("a {{ b c }} {{x", &tv, "a {{ b c }} {{x");
	expect("{ {a} }{{/a}}.", &tv, "{ {a} }.");
	expect("{{#flag}}never closed", &tv, "{{#flag}}never closed");
	tvars_set(&tv, "a", "B");	/* replaces, does not add */
	assert_int_equal(tv.n, 4);
	expect("{{a}}", &tv, "B");
}

static void
test_expand_standalone(void **state)
{
	struct tvars tv = { .n = 0 };

	(void)state;
	tvars_set(&tv, "flag", "1");
	tvars_set(&tv, "list", "  - one\n  - two\n");
	tvars_set(&tv, "word", "w");
	expect("a\n{{#flag}}\nb\n{{/flag}}\nc\n", &tv, "a\nb\nc\n");
	expect("a\n  {{^flag}}  \nb\n{{/flag}}\nc\n", &tv, "a\nc\n");
	expect("L:\n{{list}}\nend\n", &tv, "L:\n  - one\n  - two\nend\n");
	expect("L:\n{{word}}\nend\n", &tv, "L:\nw\nend\n");
	expect("x {{#flag}}y{{/flag}}\n", &tv, "x y\n");
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_render_fallback(void **state)
{
	char *dir = tu_tmpdir(), *p, *subj, *body, err[PF_ERRLEN];
	struct tvars tv = { .n = 0 };

	(void)state;
	tvars_set(&tv, "tag", "PIC-1a2b3c4d");
	p = xasprintf("%s/en", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/en/x.txt", dir);
	write_file(p, "\xef\xbb\xbfSubject: [{{tag}}]  hello\r\n\r\nBody\r\n"
	    "\n\n\nEnd\n\n\n");
	free(p);
	assert_int_equal(template_render(dir, "fr", "x", &tv, &subj, &body,
	    err, sizeof(err)), PF_OK);
	assert_string_equal(subj, "[PIC-1a2b3c4d] hello");
	assert_string_equal(body, "Body\n\nEnd\n");
	free(subj);
	free(body);
	/* a language that is not a plain tag cannot walk the tree */
	assert_int_equal(template_render(dir, "../en", "x", &tv, &subj,
	    &body, err, sizeof(err)), PF_OK);
	free(subj);
	free(body);
	assert_int_equal(template_render(dir, "fr", "nothere", &tv, &subj,
	    &body, err, sizeof(err)), PF_ERR);
	assert_null(subj);
	assert_non_null(strstr(err, "fr/nothere.txt"));
	assert_non_null(strstr(err, "en/nothere.txt"));
	assert_int_equal(template_render(dir, "fr", "../x", &tv, &subj,
	    &body, err, sizeof(err)), PF_ERR);
	p = xasprintf("%s/en/bad.txt", dir);
	write_file(p, "Hello\n\nno subject line\n");
	free(p);
	assert_int_equal(template_render(dir, "en", "bad", &tv, &subj, &body,
	    err, sizeof(err)), PF_ERR);
	assert_non_null(strstr(err, "en/bad.txt"));
	assert_non_null(strstr(err, "Subject"));
	tu_rmtree(dir);
	free(dir);
}

/* A template file is laid out once per combination of its {{name}}-only
 * lines and compiled (template.c): one file rendered with values that
 * change that layout, one after the other and back, gives each time the
 * notice those values make. */
static void
test_render_layouts(void **state)
{
	static const struct {
		const char	*list, *other, *flag, *body;
	} c[] = {
		{ "  - one\n", "x\n", "1", "F w\nL:\n  - one\n  x\n end {{\n" },
		{ "w", "", NULL, "L:\nw\n    \nnot end {{\n" },
		{ "", "x\n", NULL, "L:\n\n  x\nnot end {{\n" },
		{ "  - one\n", "x\n", "1", "F w\nL:\n  - one\n  x\n end {{\n" },
	};
	char *dir = tu_tmpdir(), *p, *subj, *body, err[PF_ERRLEN];

	(void)state;
	p = xasprintf("%s/en", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/en/l.txt", dir);
	write_file(p, "Subject: {{word}}\n\n{{#flag}}\nF {{word}}\n{{/flag}}\n"
	    "L:\n{{list}}\n  {{other}}  \n{{^flag}}not{{/flag}} end {{\n");
	free(p);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct tvars tv = { .n = 0 };

		tvars_set(&tv, "list", c[i].list);
		tvars_set(&tv, "other", c[i].other);
		tvars_set(&tv, "flag", c[i].flag);
		tvars_set(&tv, "word", "w");
		assert_int_equal(template_render(dir, "en", "l", &tv, &subj,
		    &body, err, sizeof(err)), PF_OK);
		assert_string_equal(subj, "w");
		assert_string_equal(body, c[i].body);
		free(subj);
		free(body);
	}
	tu_rmtree(dir);
	free(dir);
}

/* Every variable a notice can receive, the flags set or not. */
static void
set_vars(struct tvars *tv, int flags)
{
	const char *f = flags ? "1" : NULL;

	tv->n = 0;
	tvars_set(tv, "tag", "PIC-1a2b3c4d");
	tvars_set(tv, "request_id", "1a2b3c4d-0000-4000-8000-000000000001");
	tvars_set(tv, "agreement_number", "61234567");
	tvars_set(tv, "agreement_type", "volume-licensing");
	tvars_set(tv, "deployment", "hybrid");
	tvars_set(tv, "edge_fqdns", "  - sip.contoso.com\n"
	    "  - sip2.contoso.com\n");
	tvars_set(tv, "sip_domains", "  - contoso.com (contact: "
	    "admin@contoso.com)\n  - exemple.fabrikam.com (contact: "
	    "it@fabrikam.com)\n");
	tvars_set(tv, "recipient", "admin@contoso.com");
	tvars_set(tv, "service_address", "pic-provisioning@provider.example");
	tvars_set(tv, "provisioning_days", "30");
	tvars_set(tv, "due_date", "2026-12-26");
	tvars_set(tv, "created_at", "2026-11-26 14:05 UTC");
	tvars_set(tv, "language", "en");
	tvars_set(tv, "is_update", f);
	tvars_set(tv, "edge_change", f);
	tvars_set(tv, "edge_change_days", "5");
	tvars_set(tv, "yahoo_licence", f);
	tvars_set(tv, "warnings", flags ? "  - Edge-FQDN sip.contoso.com was "
	    "given twice; it is kept once.\n" : NULL);
	tvars_set(tv, "hybrid", f);
	tvars_set(tv, "note", flags ? "Welcome aboard." : NULL);
	tvars_set(tv, "superseded", f);
	tvars_set(tv, "reasons", "  - [bad-edge-fqdn] sip..contoso.com is "
	    "not a valid host name.\n");
	tvars_set(tv, "after_pending", f);
	tvars_set(tv, "operator_reason", flags ? "The agreement has "
	    "expired." : NULL);
	tvars_set(tv, "held_until", "2026-11-27 14:05 UTC");
	tvars_set(tv, "cooldown_hours", "24");
	tvars_set(tv, "status_lines", "  - PIC-1a2b3c4d  provisioned  "
	    "received 2026-10-01, provisioned 2026-10-12\n");
	tvars_set(tv, "refused", f);
	tvars_set(tv, "intro_no_fields", f);
	tvars_set(tv, "alert_kind", "overdue");
	tvars_set(tv, "alert_text", "  Due on 2026-12-26, still pending.\n");
}

/* UTF-8 characters per line, all <= max, and no hole of blank lines. */
static void
check_layout(const char *what, const char *body, size_t max)
{
	size_t col = 0;

	if (strstr(body, "\n\n\n") != NULL)
		fail_msg("%s: two blank lines in a row", what);
	for (const char *p = body; *p != '\0'; p++) {
		if (*p == '\n') {
			col = 0;
			continue;
		}
		if (((unsigned char)*p & 0xc0) != 0x80 && ++col > max)
			fail_msg("%s: line longer than %zu: %.40s", what, max,
			    p - col + 1);
	}
}

/* Each rendered notice also goes through mail_build: no line of the
 * message may pass 78 characters. */
static void
check_mail(const char *what, const char *subj, const char *body)
{
	struct mail_spec m = {
		.from_addr = "pic-provisioning@provider.example",
		.from_name = "Public IM Connectivity", .to_addr =
		"admin@contoso.com", .subject = subj, .message_id =
		"x1@provider.example", .in_reply_to = "r@contoso.com",
		.language = "fr", .auto_submitted = "auto-replied",
		.body = body, .date = 1795701900 };
	char err[PF_ERRLEN], *msg = mail_build(&m, err, sizeof(err));
	const char *p, *e;

	if (msg == NULL)
		fail_msg("%s: %s", what, err);
	for (p = msg; (e = strstr(p, "\r\n")) != NULL; p = e + 2)
		if (e - p > 78)
			fail_msg("%s: message line of %d", what, (int)(e - p));
	free(msg);
}

static void
render_all(int flags)
{
	struct tvars tv;
	char *subj, *body, err[PF_ERRLEN], what[64];

	set_vars(&tv, flags);
	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
			snprintf(what, sizeof(what), "%s/%s flags=%d", langs[l],
			    names[i], flags);
			if (template_render(tdir(), langs[l], names[i], &tv,
			    &subj, &body, err, sizeof(err)) != PF_OK)
				fail_msg("%s: %s", what, err);
			if (strstr(subj, "[PIC-1a2b3c4d]") == NULL)
				fail_msg("%s: subject %s", what, subj);
			if (strstr(subj, "{{") || strstr(body, "{{") ||
			    strstr(subj, "}}") || strstr(body, "}}"))
				fail_msg("%s: unexpanded tag", what);
			check_layout(what, body, 78);
			check_mail(what, subj, body);
			free(subj);
			free(body);
		}
	}
}

static void
test_all_templates_render(void **state)
{
	(void)state;
	render_all(1);
	render_all(0);
}

/* Renders one shipped template and checks it has every phrase given
 * (NULL-terminated) in subject or body. */
static void
has_phrases(const char *lang, const char *name, int flags, ...)
{
	struct tvars tv;
	char *subj, *body, err[PF_ERRLEN], *all;
	const char *ph;
	va_list ap;

	set_vars(&tv, flags);
	assert_int_equal(template_render(tdir(), lang, name, &tv, &subj,
	    &body, err, sizeof(err)), PF_OK);
	all = xasprintf("%s\n%s", subj, body);
	va_start(ap, flags);
	while ((ph = va_arg(ap, const char *)) != NULL)
		if (strstr(all, ph) == NULL)
			fail_msg("%s/%s flags=%d lacks \"%s\"\n%s", lang, name,
			    flags, ph, all);
	va_end(ap);
	free(all);
	free(subj);
	free(body);
}

static void
lacks_phrase(const char *lang, const char *name, int flags, const char *ph)
{
	struct tvars tv;
	char *subj, *body, err[PF_ERRLEN];

	set_vars(&tv, flags);
	assert_int_equal(template_render(tdir(), lang, name, &tv, &subj,
	    &body, err, sizeof(err)), PF_OK);
	if (strstr(subj, ph) || strstr(body, ph))
		fail_msg("%s/%s flags=%d has \"%s\"", lang, name, flags, ph);
	free(subj);
	free(body);
}

static void
test_phrases_en(void **state)
{
	(void)state;
	has_phrases("en", "confirmation", 0,
	    "Provisioning can take up to 30 days", "  - sip.contoso.com\n"
	    "  - sip2.contoso.com\n\nSIP domain", "Action: status\n",
	    "Agreement-Number: 61234567\n", "keep [PIC-1a2b3c4d]", NULL);
	has_phrases("en", "confirmation", 1, "update request",
	    "allow 5 days", "keep the previous", "PIC USL licence",
	    "given twice", NULL);
	lacks_phrase("en", "confirmation", 0, "PIC USL");
	has_phrases("en", "completion", 1, "enable external communications",
	    "replaces the one previously provisioned", "Welcome aboard.",
	    NULL);
	lacks_phrase("en", "completion", 0, "Lync Online");
	has_phrases("en", "rejection", 0, "[bad-edge-fqdn]",
	    "then send the complete request", "\"Action: provision\"",
	    NULL);
	has_phrases("en", "rejection", 1, "rejected by the provider",
	    "The agreement has expired.", "\"Action: update\"", NULL);
	has_phrases("en", "held", 0, "2026-11-27 14:05 UTC",
	    "wait 24 hours", "You do not need", NULL);
	has_phrases("en", "delay", 0, "2026-12-26", "apologies",
	    "operator in charge has been alerted", NULL);
	has_phrases("en", "status", 0, "PIC-1a2b3c4d  provisioned", NULL);
	has_phrases("en", "status", 1, "could not answer",
	    "[bad-edge-fqdn]", NULL);
	lacks_phrase("en", "status", 1, "61234567");
	lacks_phrase("en", "status", 1, "provisioned 2026-10-12");
	has_phrases("en", "help", 1, "could not find any request field",
	    "\nAgreement-Type:\n", "\nSIP-Domain:\n", "Up to 30 days",
	    "Action: update", "Wait 24 hours", "30 June 2014",
	    "never share", "ted(contoso.com)@msn.com", "Windows Live",
	    "SPLA", NULL);
	has_phrases("en", "alert", 0, "overdue",
	    "1a2b3c4d-0000-4000-8000-000000000001", NULL);
}

static void
test_phrases_fr(void **state)
{
	(void)state;
	has_phrases("fr", "confirmation", 0,
	    "Confirmation de votre demande PIC",
	    "peut prendre jusqu’à 30 jours", "Action : statut\n",
	    "Numéro-Contrat : 61234567\n", "conserver [PIC-1a2b3c4d]", NULL);
	has_phrases("fr", "confirmation", 1, "de mise à jour",
	    "comptez 5 jours", "garder l’ancien", "licence PIC USL", NULL);
	has_phrases("fr", "completion", 1,
	    "réactiver les\ncommunications externes", NULL);
	has_phrases("fr", "rejection", 0, "n’a pas pu être acceptée",
	    "« Action : approvisionnement »", NULL);
	has_phrases("fr", "rejection", 1, "approvisionnée",
	    "« Action : mise-a-jour »", NULL);
	has_phrases("fr", "held", 0, "jusqu’au 2026-11-27 14:05 UTC",
	    "Inutile de\nla renvoyer", NULL);
	has_phrases("fr", "delay", 0, "Veuillez nous excuser", NULL);
	has_phrases("fr", "status", 1, "Nous n’avons pas pu répondre", NULL);
	lacks_phrase("fr", "status", 1, "61234567");
	has_phrases("fr", "help", 1, "\nType-Contrat :\n",
	    "\nDomaine-SIP :\n", "30 juin 2014", "ted(contoso.com)@msn.com",
	    "Attendez 24 heures", NULL);
	has_phrases("fr", "alert", 0, "Alerte opérateur", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand_basics),
		cmocka_unit_test(test_expand_standalone),
		cmocka_unit_test(test_render_fallback),
		cmocka_unit_test(test_render_layouts),
		cmocka_unit_test(test_all_templates_render),
		cmocka_unit_test(test_phrases_en),
		cmocka_unit_test(test_phrases_fr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
