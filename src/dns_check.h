/* dns_check.h - DNS lookups through libunbound (transport layer).
 *
 * One resolver per run, asked every question of the run at once: the
 * whole run takes at most [dns] timeout seconds, however many requests
 * it checks. It decides nothing about a request (dns_judge.c does). */
#ifndef PICFLOW_DNS_CHECK_H
#define PICFLOW_DNS_CHECK_H

#include "config.h"
#include "dns_result.h"

struct dns_resolver;

/* A resolver as [dns] describes it: resolver (empty: resolv.conf; else
 * IP or IP@port, comma-separated, as forwarders), trust_anchor (DNSSEC
 * validation under it). With PICFLOW_DNS_LOOPBACK_ONLY set (the tests),
 * any resolver that is not on 127.0.0.0/8 or ::1 is refused. */
int	dns_resolver_new(const struct dns_conf *c, struct dns_resolver **out,
	    char *err, size_t errlen);
void	dns_resolver_free(struct dns_resolver *r);

/* Asks every pending question of b in parallel; each one gets an answer,
 * DNS_ST_FAIL included (a timeout after timeout_s seconds for all of
 * them together). Returns PF_ERR only if nothing could be asked. */
int	dns_resolve(struct dns_resolver *r, struct dns_batch *b,
	    int timeout_s, char *err, size_t errlen);

/* check-config: asks the resolver one question (the root's NS) and says
 * what came back within the timeout. */
int	dns_resolver_try(const struct dns_conf *c, char *what, size_t whatlen,
	    char *err, size_t errlen);

#endif
