/* request.h - what a request mail asks for, as parsed and validated. */
#ifndef PICFLOW_REQUEST_H
#define PICFLOW_REQUEST_H

#include <stddef.h>
#include "util.h"

enum req_action {
	ACTION_NONE = 0,	/* no Action field: provision if fields, else help */
	ACTION_PROVISION,
	ACTION_UPDATE,
	ACTION_STATUS,
	ACTION_HELP,
	ACTION_BAD		/* an Action value we do not know */
};

/* A form keeps what was written, normalised where possible, so that
 * request_validate can judge it again from the form alone: a domain given
 * as an address stays "user1@contoso.com" (sip-domain-is-address), and a
 * contact that is not a valid address stays as written (bad-contact). A
 * request with no reasons therefore has only valid values here. */
struct sip_domain {
	char	*domain;	/* normalised: lower case, no trailing dot */
	char	*contact;	/* addr-spec; as written if invalid (then the
				   request has a bad-contact reason); NULL if
				   none given */
};

struct reason {
	char	*code;		/* stable code of SPEC 2, e.g. "bad-edge-fqdn" */
	char	*detail;	/* the field or value concerned, may be NULL */
};

struct reasons {
	struct reason	*v;
	size_t		 n;
	size_t		 cap;
};

void	reasons_add(struct reasons *r, const char *code, const char *detail);
int	reasons_has(const struct reasons *r, const char *code);
void	reasons_free(struct reasons *r);

struct request_form {
	enum req_action	 action;
	char		*action_raw;	/* value as written when ACTION_BAD */
	char		*agreement_type;	/* canonical en value, or raw if bad */
	char		*agreement_number;
	char		*deployment;		/* canonical value, or raw if bad */
	struct strvec	 edge_fqdns;		/* normalised, distinct, in order */
	struct sip_domain *sip;
	size_t		 n_sip;
	struct strvec	 networks;		/* canonical names; empty = skype */
	char		*online_ext;		/* "enabled"/"disabled"/raw/NULL */
	char		*language;		/* "en"/"fr" once resolved */
	int		 lang_from_fields;	/* 1 = en names, 2 = fr names, 0 = none */
	int		 n_fields;		/* recognised field lines */
	struct reasons	 reasons;		/* problems found while parsing */
	struct reasons	 warnings;		/* e.g. duplicate FQDN collapsed:
						   codes warning-*, sentences
						   in reasons.txt */
};

void	request_form_free(struct request_form *f);

const char *req_action_name(enum req_action a); /* "provision", ... */
/* The reverse of req_action_name ("none" or NULL: ACTION_NONE; unknown:
 * ACTION_BAD). */
enum req_action req_action_from_name(const char *name);
/* What the request asks once ACTION_NONE is resolved: provision when it
 * has fields, else help. */
enum req_action request_effective_action(const struct request_form *f);

/* Canonical values of SPEC 1, NULL-terminated, and a membership test. */
extern const char *const request_agreement_types[];
extern const char *const request_deployments[];
extern const char *const request_online_ext_values[];
int	request_value_in(const char *const *set, const char *v);

/* A field's name as shown to an administrator in lang: "Agreement-Number"
 * gives "Numéro-Contrat" in "fr". Unknown names are returned as given. */
const char *request_field_label(const char *en_name, const char *lang);

#endif
