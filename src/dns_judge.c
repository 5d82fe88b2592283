/* dns_judge.c - what DNS says about a request (SPEC 8).
 *
 * Per SIP domain: _sipfederationtls._tcp.D SRV must name one of the
 * request's Access Edge FQDNs on port 5061; _pic.D TXT
 * "pic-agreement=N" proves that D's owner asked for agreement N. Per
 * Access Edge FQDN: A or AAAA. An answer that failed DNSSEC validation is
 * no answer; a lookup that failed (timeout, SERVFAIL, no server) decides
 * nothing and never rejects: it is the warning dns-unavailable. */
#include "dns_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIP_TLS_PORT	5061

enum look { LOOK_YES, LOOK_NO, LOOK_FAIL };

/* A name the checks can ask about: what validation left of the form may
 * still hold a value as written (an address, a URI). */
static int
askable(const char *name)
{
	return name && *name && strchr(name, '.') &&
	    strcspn(name, "@: /<>\"\\") == strlen(name);
}

void
dns_judge_questions(const struct dns_subject *subj, struct dns_batch *b)
{
	char *n;

	for (size_t i = 0; i < subj->n_sip; i++) {
		if (!askable(subj->sip[i].domain))
			continue;
		n = dns_srv_name(subj->sip[i].domain);
		dns_batch_add(b, n, DNS_RR_SRV);
		free(n);
		n = dns_proof_name(subj->sip[i].domain);
		dns_batch_add(b, n, DNS_RR_TXT);
		free(n);
	}
	for (size_t i = 0; i < subj->edges->n; i++) {
		if (!askable(subj->edges->v[i]))
			continue;
		dns_batch_add(b, subj->edges->v[i], DNS_RR_A);
		dns_batch_add(b, subj->edges->v[i], DNS_RR_AAAA);
	}
}

/* Whether the answer has records: bogus answers have none (dns_check.c
 * keeps none), unasked questions count as failures. */
static enum look
look(const struct dns_answer *a)
{
	if (a == NULL || a->status == DNS_ST_FAIL ||
	    a->status == DNS_ST_PENDING)
		return LOOK_FAIL;
	if (a->sec == DNS_SEC_BOGUS || a->status != DNS_ST_ANSWER)
		return LOOK_NO;
	return LOOK_YES;
}

/* SRV data "prio weight port target": the record points at one of the
 * Edge FQDNs on 5061. */
static int
srv_matches(const char *rec, const struct strvec *edges)
{
	unsigned prio, weight, port;
	char target[256];

	if (sscanf(rec, "%u %u %u %255s", &prio, &weight, &port, target) != 4)
		return 0;
	if (port != SIP_TLS_PORT)
		return 0;
	for (size_t i = 0; i < edges->n; i++)
		if (str_ieq(edges->v[i], target))
			return 1;
	return 0;
}

/* The detail of an SRV finding is the record to publish, so that the
 * sentence (and `show`) gives it exactly. */
static char *
srv_record(const char *domain, const struct strvec *edges)
{
	return xasprintf("_sipfederationtls._tcp.%s. IN SRV 100 1 %d %s.",
	    domain, SIP_TLS_PORT, edges->n ? edges->v[0] : "ACCESS-EDGE-FQDN");
}

static void
finding(struct dns_verdict *v, const struct dns_conf *c, const char *code,
    const char *detail)
{
	reasons_add(c->check == DNS_CHECK_REQUIRE ? &v->reasons :
	    &v->warnings, code, detail);
}

static void
unavailable(struct dns_verdict *v, const struct dns_answer *a,
    const char *name)
{
	char *d = xasprintf("%s%s%s", name, a && a->why ? ": " : "",
	    a && a->why ? a->why : "");

	reasons_add(&v->warnings, "dns-unavailable", d);
	free(d);
}

static void
judge_srv(const struct dns_subject *subj, const char *domain,
    const struct dns_batch *b, const struct dns_conf *c,
    struct dns_verdict *v)
{
	char *name = dns_srv_name(domain), *d;
	const struct dns_answer *a = dns_batch_find(b, name, DNS_RR_SRV);

	switch (look(a)) {
	case LOOK_FAIL:
		unavailable(v, a, name);
		break;
	case LOOK_NO:
		d = srv_record(domain, subj->edges);
		finding(v, c, "no-federation-srv", d);
		free(d);
		break;
	case LOOK_YES:
		for (size_t i = 0; i < a->records.n; i++)
			if (srv_matches(a->records.v[i], subj->edges))
				goto done;
		d = srv_record(domain, subj->edges);
		finding(v, c, "federation-srv-mismatch", d);
		free(d);
		break;
	default:
		abort();
	}
done:
	free(name);
}

static void
judge_proof(const struct dns_subject *subj, const char *domain,
    const struct dns_batch *b, const struct dns_conf *c,
    struct dns_verdict *v)
{
	char *name = dns_proof_name(domain);
	char *want = xasprintf("pic-agreement=%s", subj->agreement ?
	    subj->agreement : "");
	const struct dns_answer *a = dns_batch_find(b, name, DNS_RR_TXT);
	enum look l = look(a);
	int proven = 0;

	for (size_t i = 0; l == LOOK_YES && i < a->records.n; i++)
		if (subj->agreement && str_ieq(a->records.v[i], want))
			proven = 1;
	if (proven)
		sv_push(&v->proven, domain);
	else if (c->ownership == DNS_OWN_ALWAYS && l != LOOK_FAIL) {
		char *d = dns_proof_record(domain, subj->agreement);

		reasons_add(&v->reasons, "domain-not-proven", d);
		free(d);
	}
	else if (c->ownership == DNS_OWN_ALWAYS)
		unavailable(v, a, name);
	free(want);
	free(name);
}

static void
judge_edge(const char *edge, const struct dns_batch *b,
    const struct dns_conf *c, struct dns_verdict *v)
{
	const struct dns_answer *a4 = dns_batch_find(b, edge, DNS_RR_A);
	const struct dns_answer *a6 = dns_batch_find(b, edge, DNS_RR_AAAA);
	enum look l4 = look(a4), l6 = look(a6);

	if (l4 == LOOK_YES || l6 == LOOK_YES)
		return;
	if (l4 == LOOK_FAIL || l6 == LOOK_FAIL)
		unavailable(v, l4 == LOOK_FAIL ? a4 : a6, edge);
	else
		finding(v, c, "edge-fqdn-unresolvable", edge);
}

void
dns_judge(const struct dns_subject *subj, const struct dns_batch *b,
    const struct dns_conf *c, struct dns_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (c->check == DNS_CHECK_OFF)
		return;
	for (size_t i = 0; i < subj->n_sip; i++) {
		if (!askable(subj->sip[i].domain))
			continue;
		judge_srv(subj, subj->sip[i].domain, b, c, v);
		judge_proof(subj, subj->sip[i].domain, b, c, v);
	}
	for (size_t i = 0; i < subj->edges->n; i++)
		if (askable(subj->edges->v[i]))
			judge_edge(subj->edges->v[i], b, c, v);
}

void
dns_verdict_free(struct dns_verdict *v)
{
	reasons_free(&v->reasons);
	reasons_free(&v->warnings);
	sv_free(&v->proven);
	memset(v, 0, sizeof(*v));
}

void
dns_judge_settle(struct strvec *claimed, const struct strvec *proven,
    struct strvec *settled)
{
	size_t k = 0;

	for (size_t i = 0; i < claimed->n; i++) {
		if (sv_contains(proven, claimed->v[i])) {
			sv_push_owned(settled, claimed->v[i]);
			continue;
		}
		claimed->v[k++] = claimed->v[i];
	}
	claimed->n = k;
}

char *
dns_proof_record(const char *domain, const char *agreement)
{
	return xasprintf("_pic.%s. IN TXT \"pic-agreement=%s\"", domain,
	    agreement ? agreement : "NUMBER");
}
