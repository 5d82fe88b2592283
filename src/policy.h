/* policy.h - limits, durations and the networks table (SPEC 2, 3, 5). */
#ifndef PICFLOW_POLICY_H
#define PICFLOW_POLICY_H

#include <time.h>

enum net_rule {
	NET_OPEN = 0,		/* accepts new domains (skype) */
	NET_NO_NEW_ACTIVATION,	/* windows-live: network-no-new-activation */
	NET_NO_ADDITIONAL,	/* aol before its end date */
	NET_LICENCE_REQUIRED	/* yahoo before its end date: PIC USL licence */
};

struct network {
	char		*name;		/* "skype", "windows-live", ... */
	enum net_rule	 rule;
	time_t		 ends;		/* 0 = never; on/after: network-ended */
};

struct policy {
	int		 provisioning_days;	/* 30 */
	int		 edge_change_days;	/* 5 */
	int		 cooldown_hours;	/* 24 */
	int		 max_edge_fqdns;	/* 10 */
	int		 max_sip_domains;	/* 100 */
	int		 replies_per_sender_per_day; /* 5 */
	long		 max_message_bytes;	/* 10 MB */
	char		*default_language;	/* "en" */
	/* Trust (SPEC 6) */
	int		 confirm_contacts;	/* 1: contacts confirm by reply */
	int		 confirm_days;		/* 7 */
	int		 verify_per_address_per_day; /* 3 */
	char		*authserv_id;		/* NULL: Authentication-Results
						   not read */
	int		 require_authentication; /* 1: dmarc=pass required */
	struct network	*networks;
	size_t		 n_networks;
	char		**languages;	/* beyond en and fr: the language
					   directories of the templates
					   (filled by config) */
	size_t		 n_languages;
};

/* Defaults of SPEC 5, networks included (windows-live closed to new
 * activations; yahoo and aol ended on 2014-06-30). */
void	policy_defaults(struct policy *p);
void	policy_free(struct policy *p);
const struct network *policy_network(const struct policy *p, const char *name);
/* The policy's own copy of lang if notices can be written in it (en, fr,
 * or one of p->languages), else NULL. */
const char *policy_language(const struct policy *p, const char *lang);

#endif
