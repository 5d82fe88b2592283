/* test_request_parse.c - SPEC 1: the request mail's text to a form. */
#include "testutil.h"
#include "request_parse.h"
#include "request_validate.h"
#include "addr.h"
#include "reason_text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct policy pol;

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

static void
parse(const char *text, struct request_form *f)
{
	request_parse(text, NULL, &pol, f);
}

static const char example[] =
	"Action: provision\n"
	"Agreement-Type: volume-licensing\n"
	"Agreement-Number: 61234567\n"
	"Deployment: lync-server-2013\n"
	"Edge-FQDN: sip.contoso.com\n"
	"Edge-FQDN: sip2.contoso.com\n"
	"SIP-Domain: contoso.com\n"
	"Contact: admin@contoso.com\n"
	"SIP-Domain: exemple.fabrikam.com <it@fabrikam.com>\n";

static void
test_spec_example(void **state)
{
	struct request_form f;

	(void)state;
	parse(example, &f);
	assert_int_equal(f.action, ACTION_PROVISION);
	assert_string_equal(f.agreement_type, "volume-licensing");
	assert_string_equal(f.agreement_number, "61234567");
	assert_string_equal(f.deployment, "lync-server-2013");
	assert_int_equal(f.edge_fqdns.n, 2);
	assert_string_equal(f.edge_fqdns.v[0], "sip.contoso.com");
	assert_string_equal(f.edge_fqdns.v[1], "sip2.contoso.com");
	assert_int_equal(f.n_sip, 2);
	assert_string_equal(f.sip[0].domain, "contoso.com");
	assert_string_equal(f.sip[0].contact, "admin@contoso.com");
	assert_string_equal(f.sip[1].domain, "exemple.fabrikam.com");
	assert_string_equal(f.sip[1].contact, "it@fabrikam.com");
	assert_int_equal(f.networks.n, 0);
	assert_null(f.online_ext);
	assert_string_equal(f.language, "en");
	assert_int_equal(f.lang_from_fields, 1);
	assert_int_equal(f.n_fields, 9);
	assert_int_equal(f.reasons.n, 0);
	assert_int_equal(f.warnings.n, 0);
	assert_int_equal(request_validate(&f, &pol, NULL, time(NULL)), 0);
	request_form_free(&f);
}

/* French names, with and without accents, a space (or a no-break space)
 * before the colon, French values. */
static void
test_french_form(void **state)
{
	static const char *const texts[] = {
		"Action : approvisionnement\n"
		"Type-Contrat : licences-en-volume\n"
		"Numéro-Contrat : 61234567\n"
		"Déploiement : hybride\n"
		"FQDN-Edge : sip.tailspin.fr\n"
		"Domaine-SIP : tailspin.fr <marie@tailspin.fr>\n"
		"Réseaux : skype\n"
		"Communications-Externes-Online : désactivées\n",

		"action: approvisionnement\n"
		"TYPE-CONTRAT: licences-en-volume\n"
		"Numero-Contrat\xc2\xa0: 61234567\n"
		"Deploiement: hybrid\n"
		"fqdn-edge :sip.tailspin.fr\n"
		"domaine-sip: tailspin.fr\n"
		"Contact : Marie Lefèvre <marie@tailspin.fr>\n"
		"Reseaux: Skype\n"
		"Communications-Externes-Online: desactivees\n",

		"  ÉTAT-BIDON: x\n"
		"Numéro Contrat : 61234567\n"
		"Type de contrat : Licences en volume\n"
		"DÉPLOIEMENT : hybride\n"
		"FQDN Edge : SIP.Tailspin.FR.\n"
		"Domaine SIP : tailspin.fr marie@tailspin.fr\n"
		"Réseau : skype\n"
		"Communications externes online : désactivées\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct request_form f;

		parse(texts[i], &f);
		assert_string_equal(f.agreement_type, "volume-licensing");
		assert_string_equal(f.agreement_number, "61234567");
		assert_string_equal(f.deployment, "hybrid");
		assert_int_equal(f.edge_fqdns.n, 1);
		assert_string_equal(f.edge_fqdns.v[0], "sip.tailspin.fr");
		assert_int_equal(f.n_sip, 1);
		assert_string_equal(f.sip[0].domain, "tailspin.fr");
		assert_string_equal(f.sip[0].contact, "marie@tailspin.fr");
		assert_int_equal(f.networks.n, 1);
		assert_string_equal(f.networks.v[0], "skype");
		assert_string_equal(f.online_ext, "disabled");
		assert_string_equal(f.language, "fr");
		assert_int_equal(f.lang_from_fields, 2);
		assert_int_equal(f.reasons.n, 0);
		assert_int_equal(request_validate(&f, &pol, NULL, 0), 0);
		request_form_free(&f);
	}
}

/* Every English name, any case, with a space before the colon, and
 * Outlook's bold markers. */
static void
test_english_names(void **state)
{
	struct request_form f;

	(void)state;
	parse("ACTION : UPDATE\n"
	    "*Agreement-Type:* SPLA\n"
	    "**Agreement-Number:** ab-1234\n"
	    "*Deployment: Lync-Server-2010*\n"
	    "edge-fqdn:sip.contoso.com\n"
	    "Sip-Domain : contoso.com\n"
	    "CONTACT: <Admin@Contoso.com>\n"
	    "Networks: Skype, Windows Live\n"
	    "Online-External-Communications: Enabled\n"
	    "Language: en\n", &f);
	assert_int_equal(f.action, ACTION_UPDATE);
	assert_string_equal(f.agreement_type, "spla");
	assert_string_equal(f.agreement_number, "AB-1234");
	assert_string_equal(f.deployment, "lync-server-2010");
	assert_string_equal(f.edge_fqdns.v[0], "sip.contoso.com");
	assert_string_equal(f.sip[0].contact, "admin@contoso.com");
	assert_int_equal(f.networks.n, 2);
	assert_string_equal(f.networks.v[1], "windows-live");
	assert_string_equal(f.online_ext, "enabled");
	assert_int_equal(f.n_fields, 10);
	assert_int_equal(f.lang_from_fields, 1);
	request_form_free(&f);
}

static void
test_action_values(void **state)
{
	static const struct {
		const char	*v;
		enum req_action	 a;
	} t[] = {
		{ "provision", ACTION_PROVISION },
		{ "update", ACTION_UPDATE },
		{ "status", ACTION_STATUS },
		{ "help", ACTION_HELP },
		{ "approvisionnement", ACTION_PROVISION },
		{ "mise-a-jour", ACTION_UPDATE },
		{ "mise-à-jour", ACTION_UPDATE },
		{ "Mise à jour", ACTION_UPDATE },
		{ "statut", ACTION_STATUS },
		{ "aide", ACTION_HELP },
		{ "HELP", ACTION_HELP },
		{ "provison", ACTION_BAD },
		{ "delete", ACTION_BAD },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct request_form f;
		char *text = xasprintf("Action: %s\n", t[i].v);

		parse(text, &f);
		assert_int_equal(f.action, t[i].a);
		if (t[i].a == ACTION_BAD) {
			assert_string_equal(f.action_raw, t[i].v);
			assert_true(reasons_has(&f.reasons, "bad-action"));
		} else {
			assert_null(f.action_raw);
			assert_false(reasons_has(&f.reasons, "bad-action"));
		}
		request_form_free(&f);
		free(text);
	}
}

static void
test_keyword_values(void **state)
{
	static const struct {
		const char	*line;
		size_t		 off;	/* of the field in the form */
		const char	*want;
	} t[] = {
#define OFF(m) offsetof(struct request_form, m)
		{ "Agreement-Type: volume-licensing", OFF(agreement_type),
		    "volume-licensing" },
		{ "Agreement-Type: partner-network", OFF(agreement_type),
		    "partner-network" },
		{ "Agreement-Type: spla", OFF(agreement_type), "spla" },
		{ "Agreement-Type: high-volume", OFF(agreement_type),
		    "high-volume" },
		{ "Type-Contrat: licences-en-volume", OFF(agreement_type),
		    "volume-licensing" },
		{ "Type-Contrat: partenaire", OFF(agreement_type),
		    "partner-network" },
		{ "Type-Contrat: haut-volume", OFF(agreement_type),
		    "high-volume" },
		{ "Agreement-Type: enterprise", OFF(agreement_type),
		    "enterprise" },
		{ "Deployment: lync-online", OFF(deployment), "lync-online" },
		{ "Deployment: Hybrid", OFF(deployment), "hybrid" },
		{ "Deployment: lync 2013", OFF(deployment),
		    "lync-server-2013" },
		{ "Deployment: OCS 2007", OFF(deployment), "OCS 2007" },
		{ "Online-External-Communications: disabled", OFF(online_ext),
		    "disabled" },
		{ "Communications-Externes-Online: activées", OFF(online_ext),
		    "enabled" },
		{ "Communications-Externes-Online: activees", OFF(online_ext),
		    "enabled" },
		{ "Communications-Externes-Online: DÉSACTIVÉES",
		    OFF(online_ext), "disabled" },
		{ "Online-External-Communications: maybe", OFF(online_ext),
		    "maybe" },
#undef OFF
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct request_form f;
		char *text = xasprintf("%s\n", t[i].line);

		parse(text, &f);
		assert_string_equal(*(char **)((char *)&f + t[i].off),
		    t[i].want);
		request_form_free(&f);
		free(text);
	}
}

/* Edge-FQDN lines repeat or hold a comma-separated list; case and the
 * root dot are normalised and duplicates collapse with one warning. */
static void
test_edge_fqdns(void **state)
{
	struct request_form f;

	(void)state;
	parse("Edge-FQDN: sip.contoso.com, SIP2.Contoso.com.\n"
	    "Edge-FQDN: sip.contoso.com.\n"
	    "Edge-FQDN: Sip.Contoso.Com; sip3.contoso.com\n"
	    "Edge-FQDN: sip4.contoso.com<http://sip4.contoso.com>\n"
	    "Edge-FQDN: sip5.contoso.com <http://sip5.contoso.com>\n", &f);
	assert_int_equal(f.edge_fqdns.n, 5);
	assert_string_equal(f.edge_fqdns.v[0], "sip.contoso.com");
	assert_string_equal(f.edge_fqdns.v[1], "sip2.contoso.com");
	assert_string_equal(f.edge_fqdns.v[2], "sip3.contoso.com");
	assert_string_equal(f.edge_fqdns.v[3], "sip4.contoso.com");
	assert_string_equal(f.edge_fqdns.v[4], "sip5.contoso.com");
	assert_int_equal(f.warnings.n, 1);
	assert_non_null(strstr(tu_warning(&f, 0), "sip.contoso.com"));
	assert_non_null(strstr(tu_warning(&f, 0), "more than once"));
	assert_int_equal(f.n_fields, 5);
	request_form_free(&f);

	parse("FQDN-Edge : sip.tailspin.fr\nFQDN-Edge : SIP.tailspin.fr\n",
	    &f);
	assert_int_equal(f.edge_fqdns.n, 1);
	assert_int_equal(f.warnings.n, 1);
	assert_non_null(strstr(tu_warning(&f, 0), "plusieurs fois"));
	request_form_free(&f);
}

static void
test_sip_domains(void **state)
{
	struct request_form f;

	(void)state;
	parse("SIP-Domain: a.example.com\n"
	    "Contact: Ann Admin <ann@example.com>\n"
	    "SIP-Domain: b.example.com <bob@example.com>\n"
	    "SIP-Domain: c.example.com bob@example.com\n"
	    "SIP-Domain: d.example.com\n"
	    "\n"
	    "Contact: dan@example.com<mailto:dan@example.com>\n"
	    "SIP-Domain: e.example.com<http://e.example.com>\n"
	    "Contact: \"Lefèvre, Marie\" <Marie@Example.com>\n"
	    "SIP-Domain: f.example.com, g.example.com\n"
	    "Contact: fg@example.com\n"
	    "SIP-Domain: sip:h.example.com.\n"
	    "SIP-Domain: i.example.com\n", &f);
	assert_int_equal(f.n_sip, 9);
	assert_string_equal(f.sip[0].contact, "ann@example.com");
	assert_string_equal(f.sip[1].contact, "bob@example.com");
	assert_string_equal(f.sip[2].contact, "bob@example.com");
	assert_string_equal(f.sip[3].contact, "dan@example.com");
	assert_string_equal(f.sip[4].domain, "e.example.com");
	assert_string_equal(f.sip[4].contact, "marie@example.com");
	assert_string_equal(f.sip[5].contact, "fg@example.com");
	assert_string_equal(f.sip[6].contact, "fg@example.com");
	assert_string_equal(f.sip[7].domain, "h.example.com");
	assert_null(f.sip[7].contact);
	assert_null(f.sip[8].contact);
	assert_int_equal(f.reasons.n, 0);
	request_form_free(&f);
}

/* A repeated SIP domain collapses (with a warning) and keeps its first
 * contact; a Contact line before any SIP-Domain line is ignored. */
static void
test_sip_duplicates_and_orphans(void **state)
{
	struct request_form f;

	(void)state;
	parse("Contact: early@contoso.com\n"
	    "SIP-Domain: contoso.com\n"
	    "SIP-Domain: Contoso.COM <admin@contoso.com>\n"
	    "Contact: other@contoso.com\n", &f);
	assert_int_equal(f.n_sip, 1);
	assert_string_equal(f.sip[0].contact, "admin@contoso.com");
	assert_int_equal(f.warnings.n, 3);
	assert_non_null(strstr(tu_warning(&f, 0), "early@contoso.com"));
	assert_non_null(strstr(tu_warning(&f, 1), "contoso.com is listed"));
	assert_non_null(strstr(tu_warning(&f, 2), "other@contoso.com"));
	request_form_free(&f);
}

/* A single-valued field given twice: the first value, and a warning. */
static void
test_repeated_field(void **state)
{
	struct request_form f;

	(void)state;
	parse("Agreement-Number: 1111\nAgreement-Number: 2222\n"
	    "Agreement-Number: 3333\nDeployment: hybrid\nDeployment: hybrid\n",
	    &f);
	assert_string_equal(f.agreement_number, "1111");
	assert_int_equal(f.warnings.n, 1);
	assert_non_null(strstr(tu_warning(&f, 0), "Agreement-Number"));
	request_form_free(&f);
	parse("Numéro-Contrat : 1111\nNuméro-Contrat : 2222\n", &f);
	assert_int_equal(f.warnings.n, 1);
	assert_non_null(strstr(tu_warning(&f, 0), "Numéro-Contrat"));
	request_form_free(&f);
}

static void
test_addresses(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: invalid */
	} t[] = {
		{ "marie@tailspin.fr", "marie@tailspin.fr" },
		{ "  Marie@Tailspin.FR  ", "marie@tailspin.fr" },
		{ "<marie@tailspin.fr>", "marie@tailspin.fr" },
		{ "Marie Lefèvre <marie@tailspin.fr>", "marie@tailspin.fr" },
		{ "\"Lefèvre, Marie\" <marie@tailspin.fr>",
		    "marie@tailspin.fr" },
		{ "marie@tailspin.fr<mailto:marie@tailspin.fr>",
		    "marie@tailspin.fr" },
		{ "Marie <marie@tailspin.fr<mailto:marie@tailspin.fr>>",
		    "marie@tailspin.fr" },
		{ "<mailto:marie@tailspin.fr>", "marie@tailspin.fr" },
		{ "mailto:marie@tailspin.fr", "marie@tailspin.fr" },
		{ "first.last+pic@sub.tailspin.fr",
		    "first.last+pic@sub.tailspin.fr" },
		{ "", NULL },
		{ "marie", NULL },
		{ "marie@", NULL },
		{ "@tailspin.fr", NULL },
		{ "marie@@tailspin.fr", NULL },
		{ "marie@a@tailspin.fr", NULL },
		{ "marie@tailspin", NULL },
		{ "marie@tailspin..fr", NULL },
		{ "marie@-tailspin.fr", NULL },
		{ "marie@192.168.1.1", NULL },
		{ "ma rie@tailspin.fr", NULL },
		{ "marie@tailspin.fr\r\nBcc: x@y.com", NULL },
		{ "marie\x01@tailspin.fr", NULL },
		{ ".marie@tailspin.fr", NULL },
		{ "marie.@tailspin.fr", NULL },
		{ "ma..rie@tailspin.fr", NULL },
		{ "mar\xc3\xa9@tailspin.fr", NULL },
		{ "Marie <marie@tailspin.fr> extra", NULL },
		{ "Marie <marie@tailspin.fr", NULL },
		{ "<a@b.com> <c@d.com>", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		char *a = addr_parse(t[i].in);

		if (t[i].want == NULL) {
			if (a != NULL)
				fail_msg("\"%s\" accepted as %s", t[i].in, a);
		} else {
			if (a == NULL)
				fail_msg("\"%s\" refused", t[i].in);
			assert_string_equal(a, t[i].want);
		}
		free(a);
	}
	assert_null(addr_parse(NULL));
}

static char *
repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_hostnames(void **state)
{
	char *a = repeat('a', 63), *b = repeat('b', 64), *d = repeat('d', 61);
	char *long_label = xasprintf("%s.com", b);
	char *max_name = xasprintf("%s.%s.%s.%s", a, a, a, d);
	char *long_name = xasprintf("%s.%s.%s.%sd", a, a, a, d);

	(void)state;
	assert_true(addr_hostname_valid("sip.contoso.com"));
	assert_true(addr_hostname_valid("a-b.c0.example"));
	assert_true(addr_hostname_valid("1sip.contoso.com"));
	assert_false(addr_hostname_valid("contoso"));
	assert_false(addr_hostname_valid(""));
	assert_false(addr_hostname_valid(".contoso.com"));
	assert_false(addr_hostname_valid("contoso.com."));
	assert_false(addr_hostname_valid("sip..contoso.com"));
	assert_false(addr_hostname_valid("-sip.contoso.com"));
	assert_false(addr_hostname_valid("sip-.contoso.com"));
	assert_false(addr_hostname_valid("sip_1.contoso.com"));
	assert_false(addr_hostname_valid("sip.contoso.com:5061"));
	assert_false(addr_hostname_valid("10.0.0.1"));
	assert_false(addr_hostname_valid("caf\xc3\xa9.fr"));
	assert_false(addr_hostname_valid(long_label));
	assert_int_equal(strlen(max_name), 253);
	assert_true(addr_hostname_valid(max_name));
	assert_false(addr_hostname_valid(long_name));	/* 254 */
	free(a);
	free(b);
	free(d);
	free(long_label);
	free(max_name);
	free(long_name);
}

/* Everything after a signature or the start of a quoted reply is not
 * read; quoted lines are skipped. */
static void
test_cuts(void **state)
{
	static const char *const tails[] = {
		"-- \nAgreement-Number: 9999\n",
		"--\nAgreement-Number: 9999\n",
		"On Mon, 3 Feb 2025 at 10:12, PIC <pic@provider.example> "
		    "wrote:\n> Agreement-Number: 9999\nAgreement-Number: 9999\n",
		"On Mon, 3 Feb 2025 at 10:12, Provisioning Service <\n"
		    "pic@provider.example> wrote:\nAgreement-Number: 9999\n",
		"Le lun. 3 févr. 2025 à 10:12, PIC <pic@provider.example> a "
		    "écrit :\nAgreement-Number: 9999\n",
		"Le 03/02/2025 10:12, « PIC » a écrit\xc2\xa0:\n"
		    "Agreement-Number: 9999\n",
		"-----Original Message-----\nAgreement-Number: 9999\n",
		"----- Original Message -----\nAgreement-Number: 9999\n",
		"-----Message d'origine-----\nAgreement-Number: 9999\n",
		"________________________________\n"
		    "From: PIC Provisioning <pic@provider.example>\n"
		    "Sent: Monday, February 3, 2025 10:12 AM\n"
		    "To: Admin <admin@contoso.com>\n"
		    "Subject: [PIC-1a2b3c4d] help\n\nAgreement-Number: 9999\n",
		"*From:* PIC <pic@provider.example>\n*Sent:* Monday\n"
		    "Agreement-Number: 9999\n",
		"De : PIC <pic@provider.example>\nEnvoyé : lundi 3 février\n"
		    "À : admin@contoso.com\nAgreement-Number: 9999\n",
		"From: x\nAgreement-Number: 9999\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++) {
		struct request_form f;
		char *text = xasprintf("Agreement-Number: 1234\n"
		    "> Deployment: hybrid\n"
		    "   >> Agreement-Type: spla\n\n%s", tails[i]);

		parse(text, &f);
		assert_string_equal(f.agreement_number, "1234");
		assert_null(f.deployment);
		assert_null(f.agreement_type);
		if (f.n_fields != 1)
			fail_msg("tail %zu: %d fields", i, f.n_fields);
		assert_int_equal(f.warnings.n, 0);
		request_form_free(&f);
		free(text);
	}
}

/* Lines that look like cuts but are not. */
static void
test_not_cuts(void **state)
{
	struct request_form f;

	(void)state;
	parse("On behalf of Contoso, here is our request.\n"
	    "Le formulaire ci-dessous est rempli.\n"
	    "---\n"
	    "-- signed --\n"
	    "Online-External-Communications: disabled\n"
	    "Agreement-Number: 1234\n", &f);
	assert_string_equal(f.agreement_number, "1234");
	assert_string_equal(f.online_ext, "disabled");
	assert_int_equal(f.n_fields, 2);
	request_form_free(&f);
}

static void
test_no_fields(void **state)
{
	static const char *const texts[] = {
		"",
		"\n\n\n",
		"Hello,\nPlease tell me how to get PIC for our company.\n"
		    "Note: we use Lync 2013.\nThanks\n",
		"Agreement-Number:\nEdge-FQDN:   \n",
		"Subject: hello\nTo: someone\n",
		"> Agreement-Number: 1234\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct request_form f;

		parse(texts[i], &f);
		assert_int_equal(f.n_fields, 0);
		assert_int_equal(f.action, ACTION_NONE);
		assert_int_equal(request_effective_action(&f), ACTION_HELP);
		assert_int_equal(request_validate(&f, &pol, NULL, 0), 0);
		request_form_free(&f);
	}
	{
		struct request_form f;

		request_parse(NULL, NULL, NULL, &f);
		assert_int_equal(f.n_fields, 0);
		assert_string_equal(f.language, "en");
		request_form_free(&f);
	}
}

static void
test_language(void **state)
{
	static const struct {
		const char	*text;
		const char	*content_language;
		const char	*want;
		int		 from_fields;
	} t[] = {
		{ "Agreement-Number: 1234\n", NULL, "en", 1 },
		{ "Numéro-Contrat : 1234\n", NULL, "fr", 2 },
		{ "Numéro-Contrat : 1234\nLanguage: en\n", NULL, "en", 2 },
		{ "Agreement-Number: 1234\nLangue: fr\n", "en", "fr", 0 },
		{ "Agreement-Number: 1234\nLanguage: Français\n", NULL, "fr",
		    0 },
		{ "Agreement-Number: 1234\nLanguage: fr-CA\n", NULL, "fr", 0 },
		{ "Action: aide\n", NULL, "fr", 2 },
		{ "Action: help\n", "fr", "en", 1 },
		{ "Contact: a@b.com\n", "fr-FR", "fr", 0 },
		{ "Contact: a@b.com\n", "de, fr-CH", "fr", 0 },
		{ "Contact: a@b.com\n", "de", "en", 0 },
		{ "Contact: a@b.com\n", NULL, "en", 0 },
		{ "Hello\n", "fr", "fr", 0 },
		/* more French names than English ones */
		{ "Agreement-Number: 1234\nType-Contrat: spla\n"
		    "Déploiement: hybride\n", NULL, "fr", 2 },
		/* a tie: the first one written */
		{ "Type-Contrat: spla\nAgreement-Number: 1234\n", NULL, "fr",
		    2 },
		/* an unknown Language value is ignored, with a warning */
		{ "Agreement-Number: 1234\nLanguage: klingon\n", NULL, "en",
		    1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct request_form f;

		request_parse(t[i].text, t[i].content_language, &pol, &f);
		if (strcmp(f.language, t[i].want) != 0)
			fail_msg("case %zu: %s", i, f.language);
		if (t[i].from_fields)
			assert_int_equal(f.lang_from_fields, t[i].from_fields);
		request_form_free(&f);
	}
}

static void
test_default_language(void **state)
{
	struct policy p;
	struct request_form f;

	(void)state;
	policy_defaults(&p);
	free(p.default_language);
	p.default_language = xstrdup("fr");
	request_parse("Contact: a@b.com\n", NULL, &p, &f);
	assert_string_equal(f.language, "fr");
	request_form_free(&f);
	request_parse("Contact: a@b.com\n", "en-GB", &p, &f);
	assert_string_equal(f.language, "en");
	request_form_free(&f);
	request_parse("Langue: klingon\n", NULL, &p, &f);
	assert_string_equal(f.language, "fr");
	assert_int_equal(f.warnings.n, 1);
	assert_non_null(strstr(tu_warning(&f, 0), "klingon"));
	request_form_free(&f);
	policy_free(&p);
}

static void
test_networks(void **state)
{
	struct request_form f;

	(void)state;
	parse("Networks: Skype, Windows Live; Yahoo!, aol, skype\n"
	    "Réseaux: MSN, icq\n", &f);
	assert_int_equal(f.networks.n, 5);
	assert_string_equal(f.networks.v[0], "skype");
	assert_string_equal(f.networks.v[1], "windows-live");
	assert_string_equal(f.networks.v[2], "yahoo");
	assert_string_equal(f.networks.v[3], "aol");
	assert_string_equal(f.networks.v[4], "icq");
	assert_true(reasons_has(&f.reasons, "bad-network"));
	request_form_free(&f);
}

/* Syntax reasons are found by the parser itself, in form order. */
static void
test_parse_reasons(void **state)
{
	struct request_form f;

	(void)state;
	parse("Edge-FQDN: sip..contoso.com\n"
	    "Agreement-Number: 12\n"
	    "Agreement-Type: gold\n"
	    "SIP-Domain: user1@contoso.com\n"
	    "Contact: not an address\n", &f);
	assert_int_equal(f.reasons.n, 5);
	assert_string_equal(f.reasons.v[0].code, "bad-agreement-type");
	assert_string_equal(f.reasons.v[1].code, "bad-agreement-number");
	assert_string_equal(f.reasons.v[2].code, "bad-edge-fqdn");
	assert_string_equal(f.reasons.v[3].code, "sip-domain-is-address");
	assert_string_equal(f.reasons.v[3].detail, "user1@contoso.com");
	assert_string_equal(f.reasons.v[4].code, "bad-contact");
	assert_string_equal(f.reasons.v[4].detail, "not an address");
	request_form_free(&f);
}

/* Control bytes never reach the form; a value too long to be valid is
 * kept short, and stays invalid. */
static void
test_hostile_values(void **state)
{
	struct request_form f;
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Agreement-Type: spl\x01" "a\nSIP-Domain: contoso.com\n"
	    "Contact: a\x02@contoso.com\nSIP-Domain: fabrikam.com\n"
	    "Contact: a@fabrikam.com");
	for (int i = 0; i < 3000; i++)
		sb_addc(&sb, ' ');
	sb_adds(&sb, "x\n");
	parse(sb.s, &f);
	assert_false(str_has_ctl(f.agreement_type));
	assert_non_null(strstr(f.agreement_type, "\xef\xbf\xbd"));
	assert_false(str_has_ctl(f.sip[0].contact));
	/* cut, and marked so that it cannot turn valid */
	assert_true(strlen(f.sip[1].contact) < 1100);
	assert_non_null(strstr(f.sip[1].contact, "\xe2\x80\xa6"));
	request_validate(&f, &pol, NULL, 0);
	assert_int_equal(f.reasons.n, 6);
	assert_string_equal(f.reasons.v[0].code, "bad-agreement-type");
	assert_string_equal(f.reasons.v[1].code, "missing-field");
	assert_string_equal(f.reasons.v[2].code, "missing-field");
	assert_string_equal(f.reasons.v[3].code, "no-edge-fqdn");
	assert_string_equal(f.reasons.v[4].code, "bad-contact");
	assert_string_equal(f.reasons.v[5].code, "bad-contact");
	request_form_free(&f);
	sb_free(&sb);
}

/* ---- big inputs: linear time, bounded memory, the right reason ---------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Time limits are for a normal build; valgrind and sanitizers are slower. */
static void
assert_fast(double t0, const char *what)
{
	const char *pre = getenv("LD_PRELOAD");
	double limit = 2.0;

	if (getenv("PICFLOW_TEST_SLOW") || (pre && strstr(pre, "valgrind")))
		limit = 120.0;
#if defined(__SANITIZE_ADDRESS__)
	limit = 30.0;
#endif
	if (now_s() - t0 > limit)
		fail_msg("%s took %.2f s", what, now_s() - t0);
}

static void
test_big_many_lines(void **state)
{
	struct request_form f;
	struct strbuf sb;
	double t0;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, example);
	for (int i = 0; i < 50000; i++)
		sb_addf(&sb, "Line %d: some prose, nothing to see here\n", i);
	t0 = now_s();
	parse(sb.s, &f);
	assert_fast(t0, "50,000 lines");
	assert_int_equal(f.n_fields, 9);
	assert_int_equal(f.reasons.n, 0);
	request_form_free(&f);
	sb_free(&sb);
}

static void
test_big_line(void **state)
{
	static const char *const names[] = { "Agreement-Number", "Edge-FQDN",
	    "SIP-Domain", "Contact", "Networks", "Noise" };
	struct request_form f;
	struct strbuf sb;
	double t0;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		sb_init(&sb);
		sb_addf(&sb, "SIP-Domain: contoso.com\n%s: ", names[i]);
		for (int k = 0; k < 10 * 1024 * 1024 / 8; k++)
			sb_adds(&sb, "abcdefg.");
		sb_adds(&sb, "\nDeployment: hybrid\n");
		t0 = now_s();
		parse(sb.s, &f);
		assert_fast(t0, names[i]);
		assert_string_equal(f.deployment, "hybrid");
		request_validate(&f, &pol, NULL, 0);
		if (i == 0)
			assert_true(reasons_has(&f.reasons,
			    "bad-agreement-number"));
		if (i == 1)
			assert_true(reasons_has(&f.reasons, "bad-edge-fqdn"));
		if (i == 3)
			assert_true(reasons_has(&f.reasons, "bad-contact"));
		if (i == 4)
			assert_true(reasons_has(&f.reasons, "bad-network"));
		for (size_t r = 0; r < f.reasons.n; r++)
			assert_true(f.reasons.v[r].detail == NULL ||
			    strlen(f.reasons.v[r].detail) < 200);
		request_form_free(&f);
		sb_free(&sb);
	}
	/* one 10 MB line of comma-separated domains, all but a few the
	 * same: duplicates are found by hashing, not by scanning */
	sb_init(&sb);
	sb_adds(&sb, "SIP-Domain: ");
	for (int k = 0; k < 300; k++)
		sb_addf(&sb, "d%d.contoso.com,", k);
	while (sb.len < 10 * 1024 * 1024)
		sb_adds(&sb, "d299.contoso.com,");
	sb_adds(&sb, "\n");
	t0 = now_s();
	parse(sb.s, &f);
	assert_fast(t0, "10 MB of duplicate SIP domains");
	assert_int_equal(f.n_sip, 300);
	request_form_free(&f);
	sb_free(&sb);
}

static void
test_big_edge_lines(void **state)
{
	struct request_form f;
	struct strbuf sb;
	double t0;

	(void)state;
	sb_init(&sb);
	for (int i = 0; i < 1000; i++)
		sb_addf(&sb, "Edge-FQDN: sip%d.contoso.com\n", i);
	t0 = now_s();
	parse(sb.s, &f);
	assert_fast(t0, "1,000 Edge-FQDN lines");
	/* collected up to a few times the maximum, then only counted */
	assert_true(f.edge_fqdns.n > 10);
	assert_true(f.edge_fqdns.n <= 50);
	request_validate(&f, &pol, NULL, 0);
	assert_true(reasons_has(&f.reasons, "too-many-edge-fqdns"));
	assert_false(reasons_has(&f.reasons, "bad-edge-fqdn"));
	request_form_free(&f);
	sb_free(&sb);

	/* the same FQDN 1,000 times is one FQDN, and one warning */
	sb_init(&sb);
	for (int i = 0; i < 1000; i++)
		sb_adds(&sb, "Edge-FQDN: sip.contoso.com\n");
	parse(sb.s, &f);
	assert_int_equal(f.edge_fqdns.n, 1);
	assert_int_equal(f.warnings.n, 1);
	request_validate(&f, &pol, NULL, 0);
	assert_false(reasons_has(&f.reasons, "too-many-edge-fqdns"));
	request_form_free(&f);
	sb_free(&sb);
}

static void
test_big_sip_domains(void **state)
{
	struct request_form f;
	struct strbuf sb;
	double t0;

	(void)state;
	sb_init(&sb);
	for (int i = 0; i < 10000; i++)
		sb_addf(&sb, "SIP-Domain: d%d.contoso.com <a%d@contoso.com>\n",
		    i, i);
	t0 = now_s();
	parse(sb.s, &f);
	assert_fast(t0, "10,000 SIP domains");
	assert_true(f.n_sip > 100);
	assert_true(f.n_sip <= 500);
	request_validate(&f, &pol, NULL, 0);
	assert_true(reasons_has(&f.reasons, "too-many-sip-domains"));
	assert_false(reasons_has(&f.reasons, "missing-contact"));
	request_form_free(&f);
	sb_free(&sb);

	/* many warnings are capped */
	sb_init(&sb);
	for (int i = 0; i < 10000; i++)
		sb_addf(&sb, "SIP-Domain: d%d.contoso.com\n"
		    "SIP-Domain: d%d.contoso.com\n", i % 300, i % 300);
	t0 = now_s();
	parse(sb.s, &f);
	assert_fast(t0, "20,000 repeated SIP domains");
	assert_int_equal(f.n_sip, 300);
	assert_true(f.warnings.n <= 51);
	assert_non_null(strstr(tu_warning(&f, f.warnings.n - 1), "left out"));
	request_form_free(&f);
	sb_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_french_form),
		cmocka_unit_test(test_english_names),
		cmocka_unit_test(test_action_values),
		cmocka_unit_test(test_keyword_values),
		cmocka_unit_test(test_edge_fqdns),
		cmocka_unit_test(test_sip_domains),
		cmocka_unit_test(test_sip_duplicates_and_orphans),
		cmocka_unit_test(test_repeated_field),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_hostnames),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_not_cuts),
		cmocka_unit_test(test_no_fields),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_default_language),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_parse_reasons),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_big_many_lines),
		cmocka_unit_test(test_big_line),
		cmocka_unit_test(test_big_edge_lines),
		cmocka_unit_test(test_big_sip_domains),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
