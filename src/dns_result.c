/* dns_result.c - the questions and answers of a DNS run. */
#include "dns_result.h"

#include <stdlib.h>
#include <string.h>

size_t
dns_batch_add(struct dns_batch *b, const char *name, int type)
{
	struct dns_answer *a;

	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].type == type && str_ieq(b->v[i].name, name))
			return i;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	a = &b->v[b->n];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	str_lower(a->name);
	a->type = type;
	return b->n++;
}

const struct dns_answer *
dns_batch_find(const struct dns_batch *b, const char *name, int type)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].type == type && str_ieq(b->v[i].name, name))
			return &b->v[i];
	return NULL;
}

void
dns_answer_free(struct dns_answer *a)
{
	free(a->name);
	free(a->why);
	sv_free(&a->records);
	memset(a, 0, sizeof(*a));
}

void
dns_batch_free(struct dns_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		dns_answer_free(&b->v[i]);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

static const struct {
	int		 type;
	const char	*name;
} types[] = {
	{ DNS_RR_A, "A" }, { DNS_RR_AAAA, "AAAA" }, { DNS_RR_SRV, "SRV" },
	{ DNS_RR_TXT, "TXT" },
};

const char *
dns_type_name(int type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	abort();	/* we ask only these */
}

int
dns_type_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].name, name) == 0)
			return types[i].type;
	return 0;
}

static const char *const status_names[] = { "pending", "answer", "nodata",
    "nxdomain", "fail", NULL };
static const char *const sec_names[] = { "insecure", "secure", "bogus",
    NULL };

const char *
dns_status_name(enum dns_status st)
{
	switch (st) {
	case DNS_ST_PENDING:
	case DNS_ST_ANSWER:
	case DNS_ST_NODATA:
	case DNS_ST_NXDOMAIN:
	case DNS_ST_FAIL:
		return status_names[st];
	default:
		abort();
	}
}

enum dns_status
dns_status_from_name(const char *name)
{
	for (int i = 0; status_names[i]; i++)
		if (strcmp(status_names[i], name) == 0)
			return (enum dns_status)i;
	return DNS_ST_FAIL;
}

const char *
dns_security_name(enum dns_security sec)
{
	switch (sec) {
	case DNS_SEC_INSECURE:
	case DNS_SEC_SECURE:
	case DNS_SEC_BOGUS:
		return sec_names[sec];
	default:
		abort();
	}
}

enum dns_security
dns_security_from_name(const char *name)
{
	for (int i = 0; sec_names[i]; i++)
		if (strcmp(sec_names[i], name) == 0)
			return (enum dns_security)i;
	return DNS_SEC_INSECURE;
}

char *
dns_srv_name(const char *sip_domain)
{
	return xstrcat("_sipfederationtls._tcp.", sip_domain, (char *)NULL);
}

char *
dns_proof_name(const char *sip_domain)
{
	return xstrcat("_pic.", sip_domain, (char *)NULL);
}
