/* request_validate.c - every reason of SPEC 2.
 *
 * The form keeps values as written (request.h), so every reason is found
 * here, from the form alone: request_parse runs the same checks in syntax
 * mode, request_validate in full mode with the database's facts and the
 * time. One check per field, run in the order of the request form, so an
 * administrator reads the reasons in the order of the lines to fix. */
#include "request_validate.h"
#include "addr.h"
#include "suffix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RV_DETAIL_MAX	60	/* bytes of a value quoted in a reason: a
				   rejection may go to a forged From, so it
				   quotes a short excerpt, not the text */

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

/* Bytes of a format character at p that could disguise an excerpt: the
 * bidirectional overrides and isolates (U+202A-202E, U+2066-2069) and
 * the zero-width ones (U+200B-200F); 0 for any other. */
static size_t
rv_format_char(const unsigned char *p)
{
	if (p[0] != 0xe2)
		return 0;
	if (p[1] == 0x80 && ((p[2] >= 0x8b && p[2] <= 0x8f) ||
	    (p[2] >= 0xaa && p[2] <= 0xae)))
		return 3;
	if (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
		return 3;
	return 0;
}

/* A detail is quoted in a notice: sanitised (control and format
 * characters become '?'), kept short, cut on a character. */
static void
rv_add(struct rv_ctx *c, const char *code, const char *detail)
{
	struct strbuf sb;
	const unsigned char *p;
	size_t k;

	if (detail == NULL) {
		reasons_add(c->out, code, NULL);
		return;
	}
	sb_init(&sb);
	for (p = (const unsigned char *)detail; *p; ) {
		if (sb.len >= RV_DETAIL_MAX) {
			sb_adds(&sb, "\xe2\x80\xa6");
			break;
		}
		if ((k = rv_format_char(p)) > 0 || *p < 0x20 || *p == 0x7f) {
			sb_addc(&sb, '?');
			p += k ? k : 1;
			continue;
		}
		k = 1;
		while ((p[k] & 0xc0) == 0x80)
			k++;
		sb_add(&sb, (const char *)p, k);
		p += k;
	}
	reasons_add(c->out, code, sb.len ? sb.s : "");
	sb_free(&sb);
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
	else if (!addr_hostname_valid(d) || suffix_is_public(d))
		rv_add(c, "bad-sip-domain", d);	/* "co.uk" is no one's */
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

/* ---- the codes computed here ------------------------------------------ */

/* request_validate computes these again from the form and replaces them;
 * a reason of any other code was added by a caller and is kept. Their
 * sentences are in mailtemplates/<lang>/reasons.txt. */
static const char *const rv_our_codes[] = {
	"missing-field",
	"bad-action",
	"bad-agreement-type",
	"bad-agreement-number",
	"bad-deployment",
	"no-edge-fqdn",
	"too-many-edge-fqdns",
	"bad-edge-fqdn",
	"no-sip-domain",
	"bad-sip-domain",
	"too-many-sip-domains",
	"sip-domain-is-address",
	"sip-domain-is-edge-fqdn",
	"missing-contact",
	"bad-contact",
	"domain-claimed",
	"online-only",
	"online-enabled-first",
	"bad-online-external-communications",
	"bad-network",
	"network-no-new-activation",
	"network-ended",
	"update-before-provisioned",
	"unknown-agreement",
	"not-contact-of-record",
};

static int
rv_ours(const char *code)
{
	for (size_t i = 0; i < sizeof(rv_our_codes) / sizeof(*rv_our_codes);
	    i++)
		if (code && strcmp(rv_our_codes[i], code) == 0)
			return 1;
	return 0;
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
	rv_run(f, p, facts, now, 1, &all);
	/* Ours were all computed again just now; keep the others. */
	for (size_t i = 0; i < f->reasons.n; i++) {
		if (!rv_ours(f->reasons.v[i].code))
			reasons_add(&all, f->reasons.v[i].code,
			    f->reasons.v[i].detail);
	}
	reasons_free(&f->reasons);
	f->reasons = all;
	return all.n;
}
