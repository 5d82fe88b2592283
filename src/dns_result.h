/* dns_result.h - what a DNS lookup asked and what came back (SPEC 8).
 *
 * Plain data, below the resolver (dns_check.c fills it), the judgement
 * (dns_judge.c reads it) and the store (store_dns.c records it), so that
 * none of them needs another's header. */
#ifndef PICFLOW_DNS_RESULT_H
#define PICFLOW_DNS_RESULT_H

#include <stddef.h>
#include <time.h>
#include "util.h"

/* RR type numbers of RFC 1035/2782/3596, as libunbound wants them. */
enum dns_rr { DNS_RR_A = 1, DNS_RR_TXT = 16, DNS_RR_AAAA = 28,
    DNS_RR_SRV = 33 };

enum dns_status {
	DNS_ST_PENDING = 0,	/* not asked yet, or no answer by the deadline */
	DNS_ST_ANSWER,		/* records came back */
	DNS_ST_NODATA,		/* the name exists, no record of the type */
	DNS_ST_NXDOMAIN,	/* no such name */
	DNS_ST_FAIL		/* timeout, SERVFAIL, REFUSED, no server */
};

enum dns_security {
	DNS_SEC_INSECURE = 0,	/* not signed, or no trust anchor covers it */
	DNS_SEC_SECURE,		/* DNSSEC-validated */
	DNS_SEC_BOGUS		/* failed validation: counts as no answer */
};

struct dns_answer {
	char			*name;		/* lower case, no trailing dot */
	int			 type;		/* enum dns_rr */
	enum dns_status		 status;
	enum dns_security	 sec;
	struct strvec		 records;	/* presentation form: SRV
						   "100 1 5061 sip.x.com", A/AAAA
						   the address, TXT the text */
	char			*why;		/* failure or bogus reason */
	time_t			 at;		/* when it came back */
};

/* The distinct questions of one run, each asked once. */
struct dns_batch {
	struct dns_answer	*v;
	size_t			 n;
	size_t			 cap;
};

/* Adds the question (name, type) unless present; returns its index. */
size_t	dns_batch_add(struct dns_batch *b, const char *name, int type);
/* The answer to (name, type), or NULL if it was never asked. */
const struct dns_answer *dns_batch_find(const struct dns_batch *b,
	    const char *name, int type);
void	dns_batch_free(struct dns_batch *b);
void	dns_answer_free(struct dns_answer *a);

/* "A", "AAAA", "SRV", "TXT" and back (0 for an unknown name). */
const char *dns_type_name(int type);
int	dns_type_from_name(const char *name);
/* "answer", "nodata", "nxdomain", "fail", "pending" and back. */
const char *dns_status_name(enum dns_status st);
enum dns_status dns_status_from_name(const char *name);
/* "secure", "insecure", "bogus" and back. */
const char *dns_security_name(enum dns_security sec);
enum dns_security dns_security_from_name(const char *name);

/* The owner names a request's checks ask about. */
char	*dns_srv_name(const char *sip_domain);	/* _sipfederationtls._tcp.D */
char	*dns_proof_name(const char *sip_domain);	/* _pic.D */

#endif
