/* test_request_validate.c - SPEC 2: every reason code, all at once, in
 * form order, with a sentence in English and French. */
#include "testutil.h"
#include "request_parse.h"
#include "request_validate.h"
#include "reason_text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T_BEFORE	1404086399	/* 2014-06-29T23:59:59Z */
#define T_END		1404086400	/* 2014-06-30T00:00:00Z */
#define T_NOW		1738580000	/* 2025-02-03 */

static struct policy pol;

/* Every code request_validate computes, and the ones others use. */
static const char *const all_codes[] = {
	"missing-field", "bad-action", "bad-agreement-type",
	"bad-agreement-number", "bad-deployment", "no-edge-fqdn",
	"too-many-edge-fqdns", "bad-edge-fqdn", "no-sip-domain",
	"bad-sip-domain", "too-many-sip-domains", "sip-domain-is-address",
	"sip-domain-is-edge-fqdn", "missing-contact", "bad-contact",
	"domain-claimed", "online-only", "online-enabled-first",
	"bad-online-external-communications", "bad-network",
	"network-no-new-activation", "network-ended",
	"update-before-provisioned", "unknown-agreement",
	"not-contact-of-record", "message-too-big", "provider-decision",
	"not-confirmed", "unauthenticated-sender",
};

static int
setup(void **state)
{
	(void)state;
	policy_defaults(&pol);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	policy_free(&pol);
	return 0;
}

/* A valid provisioning request, to which a test appends lines; a field
 * given again later is ignored (the first value counts), so tests that
 * need another value build their own text. */
#define GOOD_HEAD \
	"Agreement-Type: volume-licensing\n" \
	"Agreement-Number: 61234567\n"
#define GOOD_TAIL \
	"Edge-FQDN: sip.contoso.com\n" \
	"SIP-Domain: contoso.com <admin@contoso.com>\n"

static void
validate(const char *text, const struct agreement_facts *facts, time_t now,
    struct request_form *f)
{
	request_parse(text, NULL, &pol, f);
	request_validate(f, &pol, facts, now);
}

/* Asserts the exact list of codes, in order; "code=detail" checks the
 * detail as well. */
static void
expect(const struct request_form *f, const char *const *want, size_t n)
{
	struct strbuf got;

	sb_init(&got);
	for (size_t i = 0; i < f->reasons.n; i++)
		sb_addf(&got, " %s=%s", f->reasons.v[i].code,
		    f->reasons.v[i].detail ? f->reasons.v[i].detail : "");
	if (f->reasons.n != n)
		fail_msg("want %zu reasons, got%s", n, got.s ? got.s : "");
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(want[i], '=');
		size_t cn = eq ? (size_t)(eq - want[i]) : strlen(want[i]);
		const struct reason *r = &f->reasons.v[i];

		if (strlen(r->code) != cn || strncmp(r->code, want[i], cn))
			fail_msg("reason %zu: want %s, got%s", i, want[i],
			    got.s);
		if (eq && strcmp(r->detail ? r->detail : "", eq + 1) != 0)
			fail_msg("reason %zu: want %s, got%s", i, want[i],
			    got.s);
	}
	sb_free(&got);
}

#define EXPECT(f, ...) do { \
	static const char *const w_[] = { __VA_ARGS__ }; \
	expect((f), w_, sizeof(w_) / sizeof(*w_)); \
} while (0)

static void
expect_none(const char *text, const struct agreement_facts *facts,
    time_t now)
{
	struct request_form f;

	validate(text, facts, now, &f);
	expect(&f, NULL, 0);
	request_form_free(&f);
}

/* Checks that text gives exactly the listed reasons. */
#define CHECK(text, facts, now, ...) do { \
	struct request_form f_; \
	validate((text), (facts), (now), &f_); \
	EXPECT(&f_, __VA_ARGS__); \
	request_form_free(&f_); \
} while (0)

static void
test_valid(void **state)
{
	(void)state;
	expect_none(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL,
	    NULL, T_NOW);
	expect_none(GOOD_HEAD "Deployment: hybrid\n" GOOD_TAIL
	    "Online-External-Communications: disabled\nNetworks: skype\n",
	    NULL, T_NOW);
	/* yahoo before its end needs a licence we cannot see: accepted */
	expect_none(GOOD_HEAD "Deployment: hybrid\n" GOOD_TAIL
	    "Networks: skype, yahoo\n", NULL, T_BEFORE);
}

static void
test_missing_fields(void **state)
{
	(void)state;
	CHECK("Language: en\n", NULL, T_NOW,
	    "missing-field=Agreement-Type", "missing-field=Agreement-Number",
	    "missing-field=Deployment", "no-edge-fqdn", "no-sip-domain");
	CHECK("Agreement-Number: 1234\nDeployment: lync-server-2010\n"
	    GOOD_TAIL, NULL, T_NOW, "missing-field=Agreement-Type");
}

static void
test_bad_values(void **state)
{
	(void)state;
	CHECK("Action: delete\n", NULL, T_NOW, "bad-action=delete");
	CHECK("Agreement-Type: gold\nAgreement-Number: 1234\n"
	    "Deployment: ocs-2007\n" GOOD_TAIL, NULL, T_NOW,
	    "bad-agreement-type=gold", "bad-deployment=ocs-2007");
	CHECK(GOOD_HEAD "Deployment: hybrid\n" GOOD_TAIL
	    "Online-External-Communications: maybe\n", NULL, T_NOW,
	    "bad-online-external-communications=maybe");
	CHECK(GOOD_HEAD "Deployment: hybrid\n" GOOD_TAIL
	    "Networks: skype, icq, Google Talk\n", NULL, T_NOW,
	    "bad-network=icq", "bad-network=google-talk");
}

static void
test_agreement_number(void **state)
{
	static const struct {
		const char	*v;
		int		 ok;
	} t[] = {
		{ "1234", 1 }, { "61234567", 1 }, { "AB-1234", 1 },
		{ "ab-1234", 1 }, { "12345678901234567890", 1 },
		{ "x-1-", 1 },
		{ "123", 0 }, { "ABCDEFGH", 0 }, { "----", 0 },
		{ "123456789012345678901", 0 }, { "12 34", 0 },
		{ "12_34", 0 }, { "1234.", 0 }, { "١٢٣٤", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct request_form f;
		char *text = xasprintf("Agreement-Type: spla\n"
		    "Agreement-Number: %s\nDeployment: lync-server-2013\n"
		    GOOD_TAIL, t[i].v);

		validate(text, NULL, T_NOW, &f);
		if (t[i].ok != (f.reasons.n == 0))
			fail_msg("%s: %zu reasons", t[i].v, f.reasons.n);
		if (!t[i].ok)
			assert_string_equal(f.reasons.v[0].code,
			    "bad-agreement-number");
		request_form_free(&f);
		free(text);
	}
}

static void
test_edge_fqdns(void **state)
{
	struct strbuf sb;

	(void)state;
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n"
	    "SIP-Domain: contoso.com <admin@contoso.com>\n", NULL, T_NOW,
	    "no-edge-fqdn");
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com:5061, 10.0.0.1, contoso\n"
	    "Edge-FQDN: sip_1.contoso.com\n"
	    "SIP-Domain: contoso.com <admin@contoso.com>\n", NULL, T_NOW,
	    "bad-edge-fqdn=sip.contoso.com:5061", "bad-edge-fqdn=10.0.0.1",
	    "bad-edge-fqdn=contoso", "bad-edge-fqdn=sip_1.contoso.com");

	/* ten distinct, however often repeated, are fine; eleven are not */
	sb_init(&sb);
	sb_adds(&sb, GOOD_HEAD "Deployment: lync-server-2013\n"
	    "SIP-Domain: contoso.com <admin@contoso.com>\n");
	for (int i = 0; i < 30; i++)
		sb_addf(&sb, "Edge-FQDN: sip%d.contoso.com\n", i % 10);
	expect_none(sb.s, NULL, T_NOW);
	sb_adds(&sb, "Edge-FQDN: SIP10.contoso.com.\n");
	CHECK(sb.s, NULL, T_NOW, "too-many-edge-fqdns=10");
	sb_free(&sb);
}

static void
test_sip_domains(void **state)
{
	struct strbuf sb;

	(void)state;
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com\n", NULL, T_NOW, "no-sip-domain");
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com\n"
	    "SIP-Domain: contoso <a@contoso.com>\n"
	    "SIP-Domain: user1@contoso.com\nContact: a@contoso.com\n"
	    "SIP-Domain: sip:user2@fabrikam.com <a@fabrikam.com>\n"
	    "SIP-Domain: sip.contoso.com <a@contoso.com>\n"
	    "SIP-Domain: tailspin.fr\n"
	    "SIP-Domain: litware.com <litware admin>\n"
	    "SIP-Domain: a.litware.com, b.litware.com\nContact: nobody\n",
	    NULL, T_NOW,
	    "bad-sip-domain=contoso",
	    "sip-domain-is-address=user1@contoso.com",
	    "sip-domain-is-address=sip:user2@fabrikam.com",
	    "sip-domain-is-edge-fqdn=sip.contoso.com",
	    "missing-contact=tailspin.fr",
	    "bad-contact=<litware admin>",
	    "bad-contact=nobody");

	/* the configured maximum, distinct domains only */
	sb_init(&sb);
	sb_adds(&sb, GOOD_HEAD "Deployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com\n");
	for (int i = 0; i < 100; i++)
		sb_addf(&sb, "SIP-Domain: d%d.contoso.com <a@contoso.com>\n"
		    "SIP-Domain: D%d.contoso.com.\n", i, i);
	expect_none(sb.s, NULL, T_NOW);
	sb_adds(&sb, "SIP-Domain: extra.contoso.com <a@contoso.com>\n");
	CHECK(sb.s, NULL, T_NOW, "too-many-sip-domains=100");
	sb_free(&sb);
}

static void
test_configured_limits(void **state)
{
	struct policy p;
	struct request_form f;

	(void)state;
	policy_defaults(&p);
	p.max_sip_domains = 2;
	p.max_edge_fqdns = 1;
	request_parse(GOOD_HEAD "Deployment: lync-server-2013\n"
	    "Edge-FQDN: a.contoso.com, b.contoso.com\n"
	    "SIP-Domain: a.com, b.com, c.com\nContact: x@a.com\n", NULL, &p,
	    &f);
	request_validate(&f, &p, NULL, T_NOW);
	EXPECT(&f, "too-many-edge-fqdns=1", "too-many-sip-domains=2");
	request_form_free(&f);
	policy_free(&p);
}

static void
test_domain_claimed(void **state)
{
	struct agreement_facts facts;

	(void)state;
	memset(&facts, 0, sizeof(facts));
	sv_push(&facts.claimed, "fabrikam.com");
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "SIP-Domain: fabrikam.com <it@fabrikam.com>\n", &facts, T_NOW,
	    "domain-claimed=fabrikam.com");
	/* without facts, nothing is claimed */
	expect_none(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "SIP-Domain: fabrikam.com <it@fabrikam.com>\n", NULL, T_NOW);
	sv_free(&facts.claimed);
}

static void
test_deployments(void **state)
{
	(void)state;
	CHECK(GOOD_HEAD "Deployment: lync-online\n", NULL, T_NOW,
	    "online-only=lync-online");
	CHECK(GOOD_HEAD "Deployment: hybrid\n" GOOD_TAIL
	    "Online-External-Communications: enabled\n", NULL, T_NOW,
	    "online-enabled-first=24");
	expect_none(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "Online-External-Communications: enabled\n", NULL, T_NOW);
	CHECK("Type-Contrat : spla\nNuméro-Contrat : 1234\n"
	    "Déploiement : hybride\n" GOOD_TAIL
	    "Communications-Externes-Online : activées\n", NULL, T_NOW,
	    "online-enabled-first=24");
}

static void
test_networks(void **state)
{
	(void)state;
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "Networks: skype, windows-live\n", NULL, T_BEFORE,
	    "network-no-new-activation=windows-live");
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "Networks: windows-live\n", NULL, T_NOW,
	    "network-no-new-activation=windows-live");
	/* aol: no additional domain before the end date, ended on it */
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "Networks: aol\n", NULL, T_BEFORE,
	    "network-no-new-activation=aol");
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "Networks: aol, yahoo\n", NULL, T_END,
	    "network-ended=aol", "network-ended=yahoo");
	CHECK(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL
	    "Réseaux : Yahoo!\n", NULL, T_NOW, "network-ended=yahoo");
}

/* The networks table is data: a configuration can end skype too. */
static void
test_networks_from_config(void **state)
{
	struct policy p;
	struct request_form f;

	(void)state;
	policy_defaults(&p);
	p.networks[0].ends = T_END;
	request_parse(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL,
	    NULL, &p, &f);
	request_validate(&f, &p, NULL, T_NOW);
	EXPECT(&f, "network-ended=skype");
	request_form_free(&f);
	policy_free(&p);
}

static void
test_facts(void **state)
{
	struct agreement_facts none = { 0, 0, 0, { NULL, 0, 0 } };
	struct agreement_facts stranger = { 3, 0, 0, { NULL, 0, 0 } };
	struct agreement_facts pending = { 1, 0, 1, { NULL, 0, 0 } };
	struct agreement_facts done = { 2, 1, 1, { NULL, 0, 0 } };
	const char *upd = "Action: update\n" GOOD_HEAD
	    "Deployment: lync-server-2013\n" GOOD_TAIL;
	const char *st = "Action: status\nAgreement-Number: 61234567\n";

	(void)state;
	CHECK(upd, &none, T_NOW, "unknown-agreement=61234567");
	CHECK(st, &none, T_NOW, "unknown-agreement=61234567");
	/* a stranger learns nothing of the agreement's state */
	CHECK(upd, &stranger, T_NOW, "not-contact-of-record=61234567");
	CHECK(st, &stranger, T_NOW, "not-contact-of-record=61234567");
	CHECK(upd, &pending, T_NOW, "update-before-provisioned=61234567");
	expect_none(st, &pending, T_NOW);
	expect_none(upd, &done, T_NOW);
	expect_none(st, &done, T_NOW);
	/* a provisioning request is no business of these checks */
	expect_none(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL,
	    &none, T_NOW);
	expect_none(GOOD_HEAD "Deployment: lync-server-2013\n" GOOD_TAIL,
	    &stranger, T_NOW);
	/* no valid number: the facts mean nothing */
	CHECK("Action: status\nAgreement-Number: 12\n", &none, T_NOW,
	    "bad-agreement-number=12");
}

static void
test_status_and_help(void **state)
{
	(void)state;
	/* status needs the agreement number only */
	expect_none("Action: status\nAgreement-Number: 61234567\n"
	    "Edge-FQDN: not a host\nAgreement-Type: gold\n", NULL, T_NOW);
	CHECK("Action: statut\n", NULL, T_NOW,
	    "missing-field=Agreement-Number");
	/* help needs nothing, and neither does a mail without fields */
	expect_none("Action: help\nAgreement-Type: gold\n", NULL, T_NOW);
	expect_none("Hello, what is this?\n", NULL, T_NOW);
}

/* An unknown Action: we do not know what it needs, so no missing-field,
 * but the values it gives are still checked. */
static void
test_bad_action(void **state)
{
	(void)state;
	CHECK("Action: provison\nAgreement-Number: 61234567\n", NULL, T_NOW,
	    "bad-action=provison");
	CHECK("Action: cancel\nAgreement-Number: 12\n"
	    "Edge-FQDN: contoso\n", NULL, T_NOW,
	    "bad-action=cancel", "bad-agreement-number=12",
	    "bad-edge-fqdn=contoso");
}

/* One mail with many mistakes gets them all, in form order, whatever the
 * order of its lines. */
static void
test_all_at_once(void **state)
{
	struct agreement_facts facts;

	(void)state;
	memset(&facts, 0, sizeof(facts));
	facts.n_requests = 1;
	facts.sender_is_contact = 1;
	sv_push(&facts.claimed, "fabrikam.com");
	CHECK("Networks: skype, windows-live, aol\n"
	    "SIP-Domain: user1@contoso.com\n"
	    "Contact: admin@contoso.com\n"
	    "SIP-Domain: fabrikam.com\n"
	    "SIP-Domain: sip.contoso.com <bad address>\n"
	    "Edge-FQDN: sip.contoso.com, bad..fqdn\n"
	    "Online-External-Communications: enabled\n"
	    "Deployment: hybrid\n"
	    "Agreement-Number: 12\n"
	    "Action: update\n", &facts, T_NOW,
	    "missing-field=Agreement-Type",
	    "bad-agreement-number=12",
	    "bad-edge-fqdn=bad..fqdn",
	    "sip-domain-is-address=user1@contoso.com",
	    "domain-claimed=fabrikam.com",
	    "missing-contact=fabrikam.com",
	    "sip-domain-is-edge-fqdn=sip.contoso.com",
	    "bad-contact=<bad address>",
	    "network-no-new-activation=windows-live",
	    "network-ended=aol",
	    "online-enabled-first=24");
	sv_free(&facts.claimed);
}

/* Validation again gives the same list; a reason of another module's
 * code is kept. */
static void
test_idempotent(void **state)
{
	struct request_form f;

	(void)state;
	request_parse("Agreement-Type: gold\n", NULL, &pol, &f);
	assert_int_equal(f.reasons.n, 1);	/* the parser's own */
	reasons_add(&f.reasons, "provider-decision", "no");
	assert_int_equal(request_validate(&f, &pol, NULL, T_NOW), 6);
	assert_int_equal(request_validate(&f, &pol, NULL, T_NOW), 6);
	EXPECT(&f, "bad-agreement-type=gold", "missing-field",
	    "missing-field", "no-edge-fqdn", "no-sip-domain",
	    "provider-decision=no");
	request_form_free(&f);
}

/* A form built by hand, as a store might load it: NULL domain, no
 * language, no policy. */
static void
test_hand_built_form(void **state)
{
	struct request_form f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.action = ACTION_PROVISION;
	f.sip = xcalloc(1, sizeof(*f.sip));
	f.n_sip = 1;
	request_validate(&f, NULL, NULL, T_NOW);
	EXPECT(&f, "missing-field", "missing-field", "missing-field",
	    "no-edge-fqdn", "bad-sip-domain", "missing-contact");
	request_form_free(&f);
}

static void
test_long_detail(void **state)
{
	struct request_form f;
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Agreement-Type: ");
	for (int i = 0; i < 500; i++)
		sb_adds(&sb, "é");
	validate(sb.s, NULL, T_NOW, &f);
	assert_string_equal(f.reasons.v[0].code, "bad-agreement-type");
	assert_true(strlen(f.reasons.v[0].detail) <= 124);
	/* cut on a character: still UTF-8, ends with an ellipsis */
	assert_non_null(strstr(f.reasons.v[0].detail, "é\xe2\x80\xa6"));
	request_form_free(&f);
	sb_free(&sb);
}

/* ---- sentences -------------------------------------------------------- */

static void
test_sentences_every_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_codes) / sizeof(*all_codes); i++) {
		static const char *const details[] = { NULL, "", "x.example" };

		for (size_t k = 0; k < 3; k++) {
			struct reason r = { (char *)all_codes[i],
			    (char *)details[k] };
			char *en = reason_text(tu_templates(), r.code, r.detail, "en");
			char *fr = reason_text(tu_templates(), r.code, r.detail, "fr");

			if (strlen(en) < 40 || strlen(fr) < 40)
				fail_msg("%s: short sentence", r.code);
			if (strcmp(en, fr) == 0)
				fail_msg("%s: same in both languages", r.code);
			if (strchr(en, '{') || strchr(fr, '{'))
				fail_msg("%s: placeholder left: %s", r.code,
				    en);
			/* not the fallback for unknown codes */
			if (strstr(en, all_codes[i]) || strstr(fr, all_codes[i]))
				fail_msg("%s: no sentence of its own", r.code);
			free(en);
			free(fr);
		}
	}
}

static void
test_sentences_details(void **state)
{
	static const struct {
		const char	*code;
		const char	*detail;
		const char	*en;	/* expected within the sentence */
		const char	*fr;
	} t[] = {
		{ "sip-domain-is-address", "user1@contoso.com",
		  "give the domain suffix contoso.com instead",
		  "indiquez plutôt le suffixe de domaine contoso.com" },
		{ "sip-domain-is-address", "sip:user1@contoso.com",
		  "\"sip:user1@contoso.com\" is an address",
		  "suffixe de domaine contoso.com" },
		{ "sip-domain-is-address", "user1@",
		  "such as contoso.com", "par exemple contoso.com" },
		{ "missing-field", "Agreement-Number",
		  "The required field Agreement-Number is missing",
		  "Le champ obligatoire Numéro-Contrat est absent" },
		{ "missing-field", "Deployment", "\"Deployment: ...\"",
		  "« Déploiement : ... »" },
		{ "missing-contact", "contoso.com",
		  "\"SIP-Domain: contoso.com <admin@contoso.com>\"",
		  "« Domaine-SIP : contoso.com <admin@contoso.com> »" },
		{ "too-many-edge-fqdns", "10", "give at most 10",
		  "indiquez-en 10 au plus" },
		{ "online-enabled-first", "24", "wait 24 hours",
		  "attendez 24 heures" },
		{ "network-ended", "yahoo", "the yahoo network has ended",
		  "le réseau yahoo a pris fin" },
		{ "bad-edge-fqdn", "sip.contoso.com:5061",
		  "\"sip.contoso.com:5061\" is not a valid Access Edge FQDN",
		  "« sip.contoso.com:5061 » n'est pas un FQDN Edge valide" },
		{ "domain-claimed", "fabrikam.com",
		  "The SIP domain fabrikam.com is already provisioned",
		  "Le domaine SIP fabrikam.com est déjà approvisionné" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct reason r = { (char *)t[i].code, (char *)t[i].detail };
		char *en = reason_text(tu_templates(), r.code, r.detail, "en");
		char *fr = reason_text(tu_templates(), r.code, r.detail, "fr-FR");

		if (strstr(en, t[i].en) == NULL)
			fail_msg("%s: %s", t[i].code, en);
		if (strstr(fr, t[i].fr) == NULL)
			fail_msg("%s: %s", t[i].code, fr);
		free(en);
		free(fr);
	}
}

static void
test_sentence_unknown_code(void **state)
{
	struct reason r = { "brand-new-code", "xyz" };
	char *en = reason_text(tu_templates(), r.code, r.detail, NULL);
	char *fr = reason_text(tu_templates(), r.code, r.detail, "fr");

	(void)state;
	assert_non_null(strstr(en, "brand-new-code: xyz"));
	assert_non_null(strstr(fr, "brand-new-code : xyz"));
	free(en);
	free(fr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_agreement_number),
		cmocka_unit_test(test_edge_fqdns),
		cmocka_unit_test(test_sip_domains),
		cmocka_unit_test(test_configured_limits),
		cmocka_unit_test(test_domain_claimed),
		cmocka_unit_test(test_deployments),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_networks_from_config),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_status_and_help),
		cmocka_unit_test(test_bad_action),
		cmocka_unit_test(test_all_at_once),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_hand_built_form),
		cmocka_unit_test(test_long_detail),
		cmocka_unit_test(test_sentences_every_code),
		cmocka_unit_test(test_sentences_details),
		cmocka_unit_test(test_sentence_unknown_code),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
