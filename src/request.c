/* request.c - the request form and its reasons: memory, names, values. */
#include "request.h"

#include <stdlib.h>
#include <string.h>

static const char *const req_action_names[] = {
	[ACTION_NONE] = "none",
	[ACTION_PROVISION] = "provision",
	[ACTION_UPDATE] = "update",
	[ACTION_STATUS] = "status",
	[ACTION_HELP] = "help",
	[ACTION_BAD] = "bad",
};

#define REQ_N_ACTIONS	(sizeof(req_action_names) / sizeof(*req_action_names))

const char *const request_agreement_types[] = {
	"volume-licensing", "partner-network", "spla", "high-volume", NULL
};

const char *const request_deployments[] = {
	"lync-server-2010", "lync-server-2013", "hybrid", "lync-online", NULL
};

const char *const request_online_ext_values[] = {
	"enabled", "disabled", NULL
};

/* The French names are the accented ones: that is how a French
 * administrator writes them, and the parser accepts both. */
static const struct {
	const char	*en;
	const char	*fr;
} req_field_labels[] = {
	{ "Action",		"Action" },
	{ "Agreement-Type",	"Type-Contrat" },
	{ "Agreement-Number",	"Numéro-Contrat" },
	{ "Deployment",		"Déploiement" },
	{ "Edge-FQDN",		"FQDN-Edge" },
	{ "SIP-Domain",		"Domaine-SIP" },
	{ "Contact",		"Contact" },
	{ "Networks",		"Réseaux" },
	{ "Online-External-Communications",
	    "Communications-Externes-Online" },
	{ "Language",		"Langue" },
};

void
reasons_add(struct reasons *r, const char *code, const char *detail)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n].code = xstrdup(code);
	r->v[r->n].detail = detail ? xstrdup(detail) : NULL;
	r->n++;
}

int
reasons_has(const struct reasons *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].code, code) == 0)
			return 1;
	return 0;
}

void
reasons_free(struct reasons *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].code);
		free(r->v[i].detail);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

void
request_form_free(struct request_form *f)
{
	free(f->action_raw);
	free(f->agreement_type);
	free(f->agreement_number);
	free(f->deployment);
	sv_free(&f->edge_fqdns);
	for (size_t i = 0; i < f->n_sip; i++) {
		free(f->sip[i].domain);
		free(f->sip[i].contact);
	}
	free(f->sip);
	sv_free(&f->networks);
	free(f->online_ext);
	free(f->language);
	reasons_free(&f->reasons);
	reasons_free(&f->warnings);
	memset(f, 0, sizeof(*f));
}

const char *
req_action_name(enum req_action a)
{
	if ((size_t)a >= REQ_N_ACTIONS)
		return "bad";
	return req_action_names[a];
}

enum req_action
req_action_from_name(const char *name)
{
	if (name == NULL)
		return ACTION_NONE;
	for (size_t i = 0; i < REQ_N_ACTIONS; i++)
		if (strcmp(req_action_names[i], name) == 0)
			return (enum req_action)i;
	return ACTION_BAD;
}

enum req_action
request_effective_action(const struct request_form *f)
{
	if (f->action != ACTION_NONE)
		return f->action;
	return f->n_fields > 0 ? ACTION_PROVISION : ACTION_HELP;
}

int
request_value_in(const char *const *set, const char *v)
{
	if (v == NULL)
		return 0;
	for (; *set; set++)
		if (strcmp(*set, v) == 0)
			return 1;
	return 0;
}

const char *
request_field_label(const char *en_name, const char *lang)
{
	int fr = lang && (lang[0] == 'f' || lang[0] == 'F') &&
	    (lang[1] == 'r' || lang[1] == 'R');

	if (en_name == NULL)
		return "";
	for (size_t i = 0; i < sizeof(req_field_labels) /
	    sizeof(*req_field_labels); i++)
		if (str_ieq(req_field_labels[i].en, en_name))
			return fr ? req_field_labels[i].fr :
			    req_field_labels[i].en;
	return en_name;
}
