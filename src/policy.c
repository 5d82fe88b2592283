/* policy.c - the defaults of SPEC 5 and the public IM networks table.
 *
 * The networks and their end dates are data: the configuration may replace
 * this table, and validation only reads rules and dates from it. */
#include "policy.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char	*name;
	enum net_rule	 rule;
	int		 end_y, end_m, end_d;	/* 0: never ends */
} policy_default_networks[] = {
	{ "skype",		NET_OPEN,		0, 0, 0 },
	{ "windows-live",	NET_NO_NEW_ACTIVATION,	0, 0, 0 },
	{ "yahoo",		NET_LICENCE_REQUIRED,	2014, 6, 30 },
	{ "aol",		NET_NO_ADDITIONAL,	2014, 6, 30 },
};

#define POLICY_N_NETWORKS \
	(sizeof(policy_default_networks) / sizeof(*policy_default_networks))

/* Midnight UTC of a calendar day; timegm rather than mktime so that the
 * end of a network does not move with the host's time zone. */
static time_t
policy_utc_day(int y, int m, int d)
{
	struct tm tm;

	if (y == 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return timegm(&tm);
}

void
policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->provisioning_days = 30;
	p->edge_change_days = 5;
	p->cooldown_hours = 24;
	p->max_edge_fqdns = 10;
	p->max_sip_domains = 100;
	p->replies_per_sender_per_day = 5;
	p->max_message_bytes = 10L * 1024 * 1024;
	p->default_language = xstrdup("en");
	p->confirm_contacts = 1;
	p->confirm_days = 7;
	p->verify_per_address_per_day = 3;
	p->networks = xcalloc(POLICY_N_NETWORKS, sizeof(*p->networks));
	for (size_t i = 0; i < POLICY_N_NETWORKS; i++) {
		p->networks[i].name = xstrdup(policy_default_networks[i].name);
		p->networks[i].rule = policy_default_networks[i].rule;
		p->networks[i].ends = policy_utc_day(
		    policy_default_networks[i].end_y,
		    policy_default_networks[i].end_m,
		    policy_default_networks[i].end_d);
	}
	p->n_networks = POLICY_N_NETWORKS;
}

void
policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->n_networks; i++)
		free(p->networks[i].name);
	free(p->networks);
	for (size_t i = 0; i < p->n_languages; i++)
		free(p->languages[i]);
	free(p->languages);
	free(p->default_language);
	free(p->authserv_id);
	memset(p, 0, sizeof(*p));
}

const struct network *
policy_network(const struct policy *p, const char *name)
{
	if (p == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < p->n_networks; i++)
		if (p->networks[i].name && str_ieq(p->networks[i].name, name))
			return &p->networks[i];
	return NULL;
}

const char *
policy_language(const struct policy *p, const char *lang)
{
	static const char *const ours[] = { "en", "fr" };

	if (lang == NULL)
		return NULL;
	for (size_t i = 0; i < 2; i++)
		if (strcmp(ours[i], lang) == 0)
			return ours[i];
	for (size_t i = 0; p != NULL && i < p->n_languages; i++)
		if (strcmp(p->languages[i], lang) == 0)
			return p->languages[i];
	return NULL;
}
