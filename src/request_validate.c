/* request_validate.c - every reason of SPEC 2, and its sentence.
 *
 * The form keeps values as written (request.h), so every reason is found
 * here, from the form alone: request_parse runs the same checks in syntax
 * mode, request_validate in full mode with the database's facts and the
 * time. One check per field, run in the order of the request form, so an
 * administrator reads the reasons in the order of the lines to fix. */
#include "request_validate.h"
#include "addr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RV_DETAIL_MAX	120	/* bytes of a value quoted in a reason */

struct rv_ctx {
	const struct request_form	*f;
	const struct policy		*p;
	const struct agreement_facts	*facts;	/* NULL: none known */
	time_t				 now;
	int				 full;	/* 0: values as written only */
	enum req_action			 action; /* ACTION_NONE resolved */
	struct reasons			*out;
};

/* ---- reasons ---------------------------------------------------------- */

/* A detail is quoted in a notice: keep it short, cut on a character. */
static void
rv_add(struct rv_ctx *c, const char *code, const char *detail)
{
	char *d;
	size_t n;

	if (detail == NULL || (n = strlen(detail)) <= RV_DETAIL_MAX) {
		reasons_add(c->out, code, detail);
		return;
	}
	n = RV_DETAIL_MAX;
	while (n > 0 && ((unsigned char)detail[n] & 0xc0) == 0x80)
		n--;
	d = xasprintf("%.*s\xe2\x80\xa6", (int)n, detail);
	reasons_add(c->out, code, d);
	free(d);
}

/* Checks beyond the values as written: presence, limits, facts, time. */
static void
rv_add_full(struct rv_ctx *c, const char *code, const char *detail)
{
	if (c->full)
		rv_add(c, code, detail);
}

/* An absent field; not for an unknown Action, whose needs we ignore. */
static void
rv_require(struct rv_ctx *c, const char *code, const char *detail)
{
	if (c->action != ACTION_BAD)
		rv_add_full(c, code, detail);
}

static int
rv_is(const char *v, const char *want)
{
	return v != NULL && strcmp(v, want) == 0;
}

static size_t
rv_max(int max, int fallback)
{
	return max > 0 ? (size_t)max : (size_t)fallback;
}

/* ---- checks, one per field -------------------------------------------- */

static void
rv_action(struct rv_ctx *c)
{
	if (c->f->action == ACTION_BAD)
		rv_add(c, "bad-action", c->f->action_raw);
}

static void
rv_agreement_type(struct rv_ctx *c)
{
	const char *v = c->f->agreement_type;

	if (v == NULL)
		rv_require(c, "missing-field", "Agreement-Type");
	else if (!request_value_in(request_agreement_types, v))
		rv_add(c, "bad-agreement-type", v);
}

/* 4-20 letters, digits or '-', at least one digit (SPEC 1). */
static int
rv_agreement_number_ok(const char *v)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-";
	size_t n = strlen(v);

	return n >= 4 && n <= 20 && strspn(v, ok) == n &&
	    strpbrk(v, "0123456789") != NULL;
}

/* Privacy (SPEC 2): a sender who is no contact of record learns nothing
 * about the agreement's state, so update-before-provisioned is only said
 * to a contact. */
static void
rv_agreement_facts(struct rv_ctx *c, const char *number)
{
	const struct agreement_facts *fa = c->facts;

	if (fa == NULL || (c->action != ACTION_UPDATE &&
	    c->action != ACTION_STATUS))
		return;
	if (fa->n_requests == 0)
		rv_add_full(c, "unknown-agreement", number);
	else if (!fa->sender_is_contact)
		rv_add_full(c, "not-contact-of-record", number);
	else if (c->action == ACTION_UPDATE && fa->n_provisioned == 0)
		rv_add_full(c, "update-before-provisioned", number);
}

static void
rv_agreement_number(struct rv_ctx *c)
{
	const char *v = c->f->agreement_number;

	if (v == NULL)
		rv_require(c, "missing-field", "Agreement-Number");
	else if (!rv_agreement_number_ok(v))
		rv_add(c, "bad-agreement-number", v);
	else
		rv_agreement_facts(c, v);
}

static void
rv_deployment(struct rv_ctx *c)
{
	const char *v = c->f->deployment;

	if (v == NULL)
		rv_require(c, "missing-field", "Deployment");
	else if (!request_value_in(request_deployments, v))
		rv_add(c, "bad-deployment", v);
	else if (rv_is(v, "lync-online"))
		rv_add_full(c, "online-only", v);
}

/* Lync Online has no Access Edge and is not provisioned here at all: its
 * request gets online-only, not a list of what it lacks. */
static int
rv_online(const struct rv_ctx *c)
{
	return rv_is(c->f->deployment, "lync-online");
}

static void
rv_edge(struct rv_ctx *c)
{
	const struct strvec *sv = &c->f->edge_fqdns;
	size_t max = rv_max(c->p->max_edge_fqdns, 10);
	char buf[32];

	if (sv->n == 0 && !rv_online(c))
		rv_require(c, "no-edge-fqdn", NULL);
	if (sv->n > max) {
		snprintf(buf, sizeof(buf), "%zu", max);
		rv_add_full(c, "too-many-edge-fqdns", buf);
	}
	for (size_t i = 0; i < sv->n; i++)
		if (!addr_hostname_valid(sv->v[i]))
			rv_add(c, "bad-edge-fqdn", sv->v[i]);
}

static void
rv_sip_domain(struct rv_ctx *c, const char *d)
{
	if (strchr(d, '@'))
		rv_add(c, "sip-domain-is-address", d);
	else if (!addr_hostname_valid(d))
		rv_add(c, "bad-sip-domain", d);
	else if (sv_contains(&c->f->edge_fqdns, d))
		rv_add_full(c, "sip-domain-is-edge-fqdn", d);
	if (c->facts && sv_contains(&c->facts->claimed, d))
		rv_add_full(c, "domain-claimed", d);
}

/* A stored contact is valid if it is its own addr-spec. */
static int
rv_contact_ok(const char *contact)
{
	char *a = addr_parse(contact);
	int ok = a != NULL && strcmp(a, contact) == 0;

	free(a);
	return ok;
}

static void
rv_sip(struct rv_ctx *c)
{
	const struct request_form *f = c->f;
	size_t max = rv_max(c->p->max_sip_domains, 100);
	const char *last_bad = NULL, *d;
	char buf[32];

	if (f->n_sip == 0 && !rv_online(c))
		rv_require(c, "no-sip-domain", NULL);
	if (f->n_sip > max) {
		snprintf(buf, sizeof(buf), "%zu", max);
		rv_add_full(c, "too-many-sip-domains", buf);
	}
	for (size_t i = 0; i < f->n_sip; i++) {
		d = f->sip[i].domain ? f->sip[i].domain : "";
		rv_sip_domain(c, d);
		if (f->sip[i].contact == NULL)	/* name the domain, not an
						   address given as one */
			rv_add_full(c, "missing-contact", strrchr(d, '@') ?
			    strrchr(d, '@') + 1 : d);
		else if (rv_contact_ok(f->sip[i].contact))
			continue;
		else if (!rv_is(last_bad, f->sip[i].contact)) {
			/* one Contact line may serve several domains: say
			 * it once */
			last_bad = f->sip[i].contact;
			rv_add(c, "bad-contact", last_bad);
		}
	}
}

/* What each rule of the networks table refuses before the end date. */
static const char *const rv_net_rule_code[] = {
	[NET_OPEN] = NULL,
	[NET_NO_NEW_ACTIVATION] = "network-no-new-activation",
	[NET_NO_ADDITIONAL] = "network-no-new-activation",
	/* a licence we cannot see: accepted, and the confirmation says
	 * that a PIC USL licence is needed */
	[NET_LICENCE_REQUIRED] = NULL,
};

static void
rv_network_rule(struct rv_ctx *c, const struct network *net)
{
	const char *code = NULL;

	if (net->ends != 0 && c->now >= net->ends)
		code = "network-ended";
	else if ((size_t)net->rule < sizeof(rv_net_rule_code) /
	    sizeof(*rv_net_rule_code))
		code = rv_net_rule_code[net->rule];
	if (code)
		rv_add_full(c, code, net->name);
}

static void
rv_networks(struct rv_ctx *c)
{
	const struct strvec *sv = &c->f->networks;
	const struct network *net;

	if (sv->n == 0) {		/* the default: skype */
		if ((net = policy_network(c->p, "skype")) != NULL)
			rv_network_rule(c, net);
		return;
	}
	for (size_t i = 0; i < sv->n; i++) {
		if ((net = policy_network(c->p, sv->v[i])) == NULL)
			rv_add(c, "bad-network", sv->v[i]);
		else
			rv_network_rule(c, net);
	}
}

static void
rv_online_ext(struct rv_ctx *c)
{
	const char *v = c->f->online_ext;
	char buf[32];

	if (v == NULL)
		return;
	if (!request_value_in(request_online_ext_values, v)) {
		rv_add(c, "bad-online-external-communications", v);
		return;
	}
	if (rv_is(c->f->deployment, "hybrid") && rv_is(v, "enabled")) {
		snprintf(buf, sizeof(buf), "%d", c->p->cooldown_hours > 0 ?
		    c->p->cooldown_hours : 24);
		rv_add_full(c, "online-enabled-first", buf);
	}
}

#define A(a)	(1u << (a))
#define A_FORM	(A(ACTION_PROVISION) | A(ACTION_UPDATE) | A(ACTION_BAD))

/* The checks in form order, and the actions each applies to: status needs
 * only the agreement number, help nothing. */
static const struct {
	void		(*check)(struct rv_ctx *);
	unsigned	  actions;
} rv_checks[] = {
	{ rv_action,		A(ACTION_BAD) },
	{ rv_agreement_type,	A_FORM },
	{ rv_agreement_number,	A_FORM | A(ACTION_STATUS) },
	{ rv_deployment,	A_FORM },
	{ rv_edge,		A_FORM },
	{ rv_sip,		A_FORM },
	{ rv_networks,		A_FORM },
	{ rv_online_ext,	A_FORM },
};

static void
rv_run(const struct request_form *f, const struct policy *p,
    const struct agreement_facts *facts, time_t now, int full,
    struct reasons *out)
{
	struct policy defaults;
	struct rv_ctx c;

	memset(&defaults, 0, sizeof(defaults));
	if (p == NULL)
		policy_defaults(&defaults);
	c.f = f;
	c.p = p ? p : &defaults;
	c.facts = facts;
	c.now = now;
	c.full = full;
	c.action = request_effective_action(f);
	c.out = out;
	for (size_t i = 0; i < sizeof(rv_checks) / sizeof(*rv_checks); i++)
		if (rv_checks[i].actions & A(c.action))
			rv_checks[i].check(&c);
	if (p == NULL)
		policy_free(&defaults);
}

/* ---- sentences -------------------------------------------------------- */

/* code -> sentence, in English and French. {d} is the detail, {f} the
 * detail read as a field name (translated), {D} the domain of an address
 * detail. The _bare forms serve when there is no detail (NULL: the first
 * form has no placeholder). ours: computed by rv_checks (request_validate
 * replaces those and keeps the others). */
static const struct rv_sentence {
	const char	*code;
	int		 ours;
	const char	*en, *en_bare;
	const char	*fr, *fr_bare;
} rv_sentences[] = {
	{ "missing-field", 1,
	  "The required field {f} is missing: add a line \"{f}: ...\" with "
	  "its value and send the request again.",
	  "A required field is missing: fill in every field of the request "
	  "form and send it again.",
	  "Le champ obligatoire {f} est absent : ajoutez une ligne "
	  "« {f} : ... » avec sa valeur, puis renvoyez la demande.",
	  "Un champ obligatoire est absent : remplissez tous les champs du "
	  "formulaire, puis renvoyez la demande." },
	{ "bad-action", 1,
	  "The Action \"{d}\" is not one we know: write provision, update, "
	  "status or help (without an Action line, the request asks for "
	  "provisioning).",
	  "The Action is not one we know: write provision, update, status "
	  "or help (without an Action line, the request asks for "
	  "provisioning).",
	  "L'action « {d} » n'est pas reconnue : indiquez approvisionnement, "
	  "mise-a-jour, statut ou aide (sans ligne Action, la demande est "
	  "une demande d'approvisionnement).",
	  "L'action n'est pas reconnue : indiquez approvisionnement, "
	  "mise-a-jour, statut ou aide (sans ligne Action, la demande est "
	  "une demande d'approvisionnement)." },
	{ "bad-agreement-type", 1,
	  "The Agreement-Type \"{d}\" is not valid: write volume-licensing, "
	  "partner-network, spla or high-volume.",
	  "The Agreement-Type is not valid: write volume-licensing, "
	  "partner-network, spla or high-volume.",
	  "Le Type-Contrat « {d} » n'est pas valide : indiquez "
	  "licences-en-volume, partenaire, spla ou haut-volume.",
	  "Le Type-Contrat n'est pas valide : indiquez licences-en-volume, "
	  "partenaire, spla ou haut-volume." },
	{ "bad-agreement-number", 1,
	  "The Agreement-Number \"{d}\" is not valid: give your Volume "
	  "Licensing agreement number, MPN partner HQ ID, SPLA initial "
	  "enrollment number or HVS product enrollment number, written with "
	  "4 to 20 letters, digits or hyphens and at least one digit.",
	  "The Agreement-Number is not valid: give your Volume Licensing "
	  "agreement number, MPN partner HQ ID, SPLA initial enrollment "
	  "number or HVS product enrollment number, written with 4 to 20 "
	  "letters, digits or hyphens and at least one digit.",
	  "Le Numéro-Contrat « {d} » n'est pas valide : indiquez votre "
	  "numéro de contrat de licences en volume, l'identifiant MPN du "
	  "siège de votre société partenaire, votre numéro d'inscription "
	  "initiale SPLA ou d'inscription produit HVS, soit 4 à 20 lettres, "
	  "chiffres ou tirets, dont au moins un chiffre.",
	  "Le Numéro-Contrat n'est pas valide : indiquez votre numéro de "
	  "contrat de licences en volume, l'identifiant MPN du siège de "
	  "votre société partenaire, votre numéro d'inscription initiale "
	  "SPLA ou d'inscription produit HVS, soit 4 à 20 lettres, chiffres "
	  "ou tirets, dont au moins un chiffre." },
	{ "bad-deployment", 1,
	  "The Deployment \"{d}\" is not valid: write lync-server-2010, "
	  "lync-server-2013, hybrid or lync-online.",
	  "The Deployment is not valid: write lync-server-2010, "
	  "lync-server-2013, hybrid or lync-online.",
	  "Le Déploiement « {d} » n'est pas valide : indiquez "
	  "lync-server-2010, lync-server-2013, hybrid ou lync-online.",
	  "Le Déploiement n'est pas valide : indiquez lync-server-2010, "
	  "lync-server-2013, hybrid ou lync-online." },
	{ "no-edge-fqdn", 1,
	  "No Access Edge FQDN was given: add an \"Edge-FQDN:\" line with "
	  "the fully qualified domain name of your Access Edge service, such "
	  "as sip.contoso.com, one line per Access Edge server.", NULL,
	  "Aucun FQDN Edge n'a été indiqué : ajoutez une ligne "
	  "« FQDN-Edge : » avec le nom de domaine complet de votre service "
	  "Access Edge, par exemple sip.contoso.com, une ligne par serveur "
	  "Access Edge.", NULL },
	{ "too-many-edge-fqdns", 1,
	  "The request lists more than {d} distinct Access Edge FQDNs: give "
	  "at most {d}, one per Access Edge server.",
	  "The request lists too many distinct Access Edge FQDNs: give only "
	  "those of your Access Edge servers.",
	  "La demande indique plus de {d} FQDN Edge distincts : indiquez-en "
	  "{d} au plus, un par serveur Access Edge.",
	  "La demande indique trop de FQDN Edge distincts : n'indiquez que "
	  "ceux de vos serveurs Access Edge." },
	{ "bad-edge-fqdn", 1,
	  "\"{d}\" is not a valid Access Edge FQDN: give the server's full "
	  "host name only, such as sip.contoso.com (letters, digits and "
	  "hyphens, at least two labels separated by dots, no port, no "
	  "address).",
	  "An Access Edge FQDN is not valid: give the server's full host "
	  "name only, such as sip.contoso.com (letters, digits and hyphens, "
	  "at least two labels separated by dots, no port, no address).",
	  "« {d} » n'est pas un FQDN Edge valide : indiquez seulement le nom "
	  "d'hôte complet du serveur, par exemple sip.contoso.com (lettres, "
	  "chiffres et tirets, au moins deux parties séparées par des "
	  "points, sans port ni adresse IP).",
	  "Un FQDN Edge n'est pas valide : indiquez seulement le nom d'hôte "
	  "complet du serveur, par exemple sip.contoso.com (lettres, "
	  "chiffres et tirets, au moins deux parties séparées par des "
	  "points, sans port ni adresse IP)." },
	{ "no-sip-domain", 1,
	  "No SIP domain was given: add a \"SIP-Domain:\" line for each SIP "
	  "domain suffix to federate, such as contoso.com, followed by its "
	  "contact, for example \"SIP-Domain: contoso.com "
	  "<admin@contoso.com>\".", NULL,
	  "Aucun domaine SIP n'a été indiqué : ajoutez une ligne "
	  "« Domaine-SIP : » pour chaque suffixe de domaine SIP à fédérer, "
	  "par exemple contoso.com, suivi de son contact, par exemple "
	  "« Domaine-SIP : contoso.com <admin@contoso.com> ».", NULL },
	{ "bad-sip-domain", 1,
	  "\"{d}\" is not a valid SIP domain: give a domain suffix such as "
	  "contoso.com (letters, digits and hyphens, at least two labels "
	  "separated by dots).",
	  "A SIP domain is not valid: give a domain suffix such as "
	  "contoso.com (letters, digits and hyphens, at least two labels "
	  "separated by dots).",
	  "« {d} » n'est pas un domaine SIP valide : indiquez un suffixe de "
	  "domaine, par exemple contoso.com (lettres, chiffres et tirets, au "
	  "moins deux parties séparées par des points).",
	  "Un domaine SIP n'est pas valide : indiquez un suffixe de domaine, "
	  "par exemple contoso.com (lettres, chiffres et tirets, au moins "
	  "deux parties séparées par des points)." },
	{ "too-many-sip-domains", 1,
	  "The request lists more than {d} distinct SIP domains, the most "
	  "one request may hold: shorten the list, or ask the provider if "
	  "your organisation needs more.",
	  "The request lists more distinct SIP domains than one request may "
	  "hold: shorten the list, or ask the provider if your organisation "
	  "needs more.",
	  "La demande indique plus de {d} domaines SIP distincts, le maximum "
	  "pour une demande : réduisez la liste, ou adressez-vous au "
	  "fournisseur si votre organisation a besoin de davantage.",
	  "La demande indique plus de domaines SIP distincts qu'une demande "
	  "ne peut en contenir : réduisez la liste, ou adressez-vous au "
	  "fournisseur si votre organisation a besoin de davantage." },
	{ "sip-domain-is-address", 1,
	  "\"{d}\" is an address, not a SIP domain: give the domain suffix "
	  "{D} instead.",
	  "A SIP domain was given as an address or SIP URI: give only its "
	  "domain suffix, such as contoso.com.",
	  "« {d} » est une adresse, pas un domaine SIP : indiquez plutôt le "
	  "suffixe de domaine {D}.",
	  "Un domaine SIP a été indiqué sous forme d'adresse ou d'URI SIP : "
	  "indiquez seulement son suffixe de domaine, par exemple "
	  "contoso.com." },
	{ "sip-domain-is-edge-fqdn", 1,
	  "{d} is given both as a SIP domain and as an Access Edge FQDN: the "
	  "SIP domain is the suffix of your users' SIP addresses (such as "
	  "contoso.com) and the Access Edge FQDN the name of the server "
	  "(such as sip.contoso.com); please check both lines.",
	  "A SIP domain is also given as an Access Edge FQDN: the SIP domain "
	  "is the suffix of your users' SIP addresses (such as contoso.com) "
	  "and the Access Edge FQDN the name of the server (such as "
	  "sip.contoso.com); please check both lines.",
	  "{d} est indiqué à la fois comme domaine SIP et comme FQDN Edge : "
	  "le domaine SIP est le suffixe des adresses SIP de vos "
	  "utilisateurs (par exemple contoso.com) et le FQDN Edge le nom du "
	  "serveur (par exemple sip.contoso.com) ; merci de vérifier ces "
	  "deux lignes.",
	  "Un domaine SIP est aussi indiqué comme FQDN Edge : le domaine SIP "
	  "est le suffixe des adresses SIP de vos utilisateurs (par exemple "
	  "contoso.com) et le FQDN Edge le nom du serveur (par exemple "
	  "sip.contoso.com) ; merci de vérifier ces deux lignes." },
	{ "missing-contact", 1,
	  "The SIP domain {d} has no contact: add a \"Contact:\" line with "
	  "its administrator's address right below its SIP-Domain line, or "
	  "write \"SIP-Domain: {d} <admin@{d}>\".",
	  "A SIP domain has no contact: add a \"Contact:\" line with its "
	  "administrator's address right below its SIP-Domain line.",
	  "Le domaine SIP {d} n'a pas de contact : ajoutez juste sous sa "
	  "ligne Domaine-SIP une ligne « Contact : » avec l'adresse de son "
	  "administrateur, ou écrivez « Domaine-SIP : {d} <admin@{d}> ».",
	  "Un domaine SIP n'a pas de contact : ajoutez juste sous sa ligne "
	  "Domaine-SIP une ligne « Contact : » avec l'adresse de son "
	  "administrateur." },
	{ "bad-contact", 1,
	  "The contact \"{d}\" is not a valid email address: give the "
	  "administrator's address, such as admin@contoso.com.",
	  "A contact is not a valid email address: give the "
	  "administrator's address, such as admin@contoso.com.",
	  "Le contact « {d} » n'est pas une adresse électronique valide : "
	  "indiquez l'adresse de l'administrateur, par exemple "
	  "admin@contoso.com.",
	  "Un contact n'est pas une adresse électronique valide : indiquez "
	  "l'adresse de l'administrateur, par exemple admin@contoso.com." },
	{ "domain-claimed", 1,
	  "The SIP domain {d} is already provisioned or pending under "
	  "another agreement number: remove it from this request, or, if "
	  "your organisation owns it, ask the provider to look into it.",
	  "A SIP domain is already provisioned or pending under another "
	  "agreement number: remove it from this request, or, if your "
	  "organisation owns it, ask the provider to look into it.",
	  "Le domaine SIP {d} est déjà approvisionné ou en cours "
	  "d'approvisionnement sous un autre numéro de contrat : retirez-le "
	  "de cette demande ou, si votre organisation en est propriétaire, "
	  "demandez au fournisseur d'examiner la situation.",
	  "Un domaine SIP est déjà approvisionné ou en cours "
	  "d'approvisionnement sous un autre numéro de contrat : retirez-le "
	  "de cette demande ou, si votre organisation en est propriétaire, "
	  "demandez au fournisseur d'examiner la situation." },
	{ "online-only", 1,
	  "Public IM Connectivity for Lync Online is set up in the Lync "
	  "Online control panel, not by this service: please turn it on "
	  "there. This address handles Lync Server and hybrid deployments "
	  "only.", NULL,
	  "La connectivité PIC de Lync Online se configure dans le panneau "
	  "de configuration de Lync Online, et non par ce service : merci de "
	  "l'activer à cet endroit. Cette adresse ne traite que les "
	  "déploiements Lync Server et hybrides.", NULL },
	{ "online-enabled-first", 1,
	  "External communications are already enabled in Lync Online for "
	  "this hybrid deployment: disable them in the Lync Online control "
	  "panel, wait {d} hours, then send this request again; enable them "
	  "again only once you have received the completion notice.",
	  "External communications are already enabled in Lync Online for "
	  "this hybrid deployment: disable them in the Lync Online control "
	  "panel, wait a day, then send this request again; enable them "
	  "again only once you have received the completion notice.",
	  "Les communications externes sont déjà activées dans Lync Online "
	  "pour ce déploiement hybride : désactivez-les dans le panneau de "
	  "configuration de Lync Online, attendez {d} heures, puis renvoyez "
	  "cette demande ; ne les réactivez qu'après avoir reçu l'avis de fin "
	  "d'approvisionnement.",
	  "Les communications externes sont déjà activées dans Lync Online "
	  "pour ce déploiement hybride : désactivez-les dans le panneau de "
	  "configuration de Lync Online, attendez un jour, puis renvoyez "
	  "cette demande ; ne les réactivez qu'après avoir reçu l'avis de fin "
	  "d'approvisionnement." },
	{ "bad-online-external-communications", 1,
	  "The Online-External-Communications value \"{d}\" is not valid: "
	  "write enabled if external communications are on in Lync Online, "
	  "or disabled if they are off.",
	  "The Online-External-Communications value is not valid: write "
	  "enabled if external communications are on in Lync Online, or "
	  "disabled if they are off.",
	  "La valeur « {d} » de Communications-Externes-Online n'est pas "
	  "valide : indiquez activées si les communications externes sont "
	  "activées dans Lync Online, ou désactivées sinon.",
	  "La valeur de Communications-Externes-Online n'est pas valide : "
	  "indiquez activées si les communications externes sont activées "
	  "dans Lync Online, ou désactivées sinon." },
	{ "bad-network", 1,
	  "\"{d}\" is not a public IM network of this service: in Networks, "
	  "list skype, windows-live, yahoo or aol, separated by commas.",
	  "A network is not one of this service: in Networks, list skype, "
	  "windows-live, yahoo or aol, separated by commas.",
	  "« {d} » n'est pas un réseau de messagerie publique de ce service "
	  ": dans Réseaux, indiquez skype, windows-live, yahoo ou aol, "
	  "séparés par des virgules.",
	  "Un réseau n'est pas l'un de ceux de ce service : dans Réseaux, "
	  "indiquez skype, windows-live, yahoo ou aol, séparés par des "
	  "virgules." },
	{ "network-no-new-activation", 1,
	  "The {d} network accepts no new domains: remove it from the "
	  "Networks line.",
	  "One of the networks accepts no new domains: remove it from the "
	  "Networks line.",
	  "Le réseau {d} n'accepte plus de nouveaux domaines : retirez-le "
	  "de la ligne Réseaux.",
	  "L'un des réseaux n'accepte plus de nouveaux domaines : "
	  "retirez-le de la ligne Réseaux." },
	{ "network-ended", 1,
	  "Public IM Connectivity with the {d} network has ended: remove it "
	  "from the Networks line.",
	  "Public IM Connectivity with one of the networks has ended: remove "
	  "it from the Networks line.",
	  "La connectivité PIC avec le réseau {d} a pris fin : retirez-le de "
	  "la ligne Réseaux.",
	  "La connectivité PIC avec l'un des réseaux a pris fin : retirez-le "
	  "de la ligne Réseaux." },
	{ "update-before-provisioned", 1,
	  "The provisioning of this agreement is not complete yet, and "
	  "updates are accepted only once it is: please wait for the "
	  "completion notice, then send your update.", NULL,
	  "L'approvisionnement de ce contrat n'est pas encore terminé, et "
	  "les mises à jour ne sont acceptées qu'une fois celui-ci achevé : "
	  "merci d'attendre l'avis de fin d'approvisionnement, puis "
	  "d'envoyer votre mise à jour.", NULL },
	{ "unknown-agreement", 1,
	  "We have no request for the agreement number {d}: please check the "
	  "number, or send a provisioning request first.",
	  "We have no request for this agreement number: please check the "
	  "number, or send a provisioning request first.",
	  "Nous n'avons aucune demande pour le numéro de contrat {d} : merci "
	  "de vérifier le numéro, ou d'envoyer d'abord une demande "
	  "d'approvisionnement.",
	  "Nous n'avons aucune demande pour ce numéro de contrat : merci de "
	  "vérifier le numéro, ou d'envoyer d'abord une demande "
	  "d'approvisionnement." },
	{ "not-contact-of-record", 1,
	  "Your address is not a contact of record of this agreement, so we "
	  "can neither act on it nor say anything about it: please write "
	  "from the address of one of its SIP domain contacts.", NULL,
	  "Votre adresse ne fait pas partie des contacts de ce contrat : "
	  "nous ne pouvons donc ni agir sur ce contrat ni vous en dire quoi "
	  "que ce soit. Merci d'écrire depuis l'adresse de l'un des contacts "
	  "de ses domaines SIP.", NULL },
	/* Codes other modules use. */
	{ "message-too-big", 0,
	  "Your message is too large for us to read ({d}): please send the "
	  "request again as plain text, without attachments.",
	  "Your message is too large for us to read: please send the "
	  "request again as plain text, without attachments.",
	  "Votre message est trop volumineux pour être lu ({d}) : merci de "
	  "renvoyer la demande en texte brut, sans pièce jointe.",
	  "Votre message est trop volumineux pour être lu : merci de "
	  "renvoyer la demande en texte brut, sans pièce jointe." },
	{ "provider-decision", 0,
	  "The provider declined the request: {d}",
	  "The provider declined the request; please reply to this message "
	  "if you need to know more.",
	  "Le fournisseur a refusé la demande : {d}",
	  "Le fournisseur a refusé la demande ; répondez à ce message si "
	  "vous souhaitez en savoir plus." },
};

static const struct rv_sentence *
rv_sentence_find(const char *code)
{
	for (size_t i = 0; i < sizeof(rv_sentences) / sizeof(*rv_sentences);
	    i++)
		if (code && strcmp(rv_sentences[i].code, code) == 0)
			return &rv_sentences[i];
	return NULL;
}

/* The domain of "user1@contoso.com" or "sip:user1@contoso.com". */
static const char *
rv_domain_of(const char *detail)
{
	const char *at = strrchr(detail, '@');

	return at ? at + 1 : "";
}

static char *
rv_expand(const char *tmpl, const char *detail, const char *lang)
{
	struct strbuf sb;
	const char *p;

	sb_init(&sb);
	for (p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] != '\0' && p[2] == '}') {
			if (p[1] == 'd')
				sb_adds(&sb, detail);
			else if (p[1] == 'f')
				sb_adds(&sb, request_field_label(detail, lang));
			else if (p[1] == 'D')
				sb_adds(&sb, rv_domain_of(detail));
			p += 2;
			continue;
		}
		sb_addc(&sb, *p);
	}
	return sb_steal(&sb);
}

char *
reason_sentence(const struct reason *r, const char *lang)
{
	const struct rv_sentence *s = rv_sentence_find(r->code);
	int fr = lang && strncmp(lang, "fr", 2) == 0;
	const char *d = r->detail ? r->detail : "";
	const char *tmpl, *bare;

	if (s == NULL)
		return fr ? xasprintf("La demande ne peut pas être acceptée "
		    "telle quelle (%s%s%s) : merci de la vérifier, puis de la "
		    "renvoyer.", r->code ? r->code : "?", *d ? " : " : "", d) :
		    xasprintf("The request cannot be accepted as it is "
		    "(%s%s%s): please check it and send it again.",
		    r->code ? r->code : "?", *d ? ": " : "", d);
	tmpl = fr ? s->fr : s->en;
	bare = fr ? s->fr_bare : s->en_bare;
	/* a detail that gives no domain cannot fill "{D}" */
	if (bare && (*d == '\0' ||
	    (strstr(tmpl, "{D}") && *rv_domain_of(d) == '\0')))
		tmpl = bare;
	return rv_expand(tmpl, d, fr ? "fr" : "en");
}

/* ---- entry points ----------------------------------------------------- */

void
request_check_syntax(struct request_form *f, const struct policy *p)
{
	rv_run(f, p, NULL, 0, 0, &f->reasons);
}

size_t
request_validate(struct request_form *f, const struct policy *p,
    const struct agreement_facts *facts, time_t now)
{
	struct reasons all = { NULL, 0, 0 };
	const struct rv_sentence *s;

	rv_run(f, p, facts, now, 1, &all);
	/* Ours were all computed again just now; keep the others. */
	for (size_t i = 0; i < f->reasons.n; i++) {
		s = rv_sentence_find(f->reasons.v[i].code);
		if (s == NULL || !s->ours)
			reasons_add(&all, f->reasons.v[i].code,
			    f->reasons.v[i].detail);
	}
	reasons_free(&f->reasons);
	f->reasons = all;
	return all.n;
}
