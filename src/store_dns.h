/* store_dns.h - the DNS checks of requests: queue, answers, warnings. */
#ifndef PICFLOW_STORE_DNS_H
#define PICFLOW_STORE_DNS_H

#include <stdint.h>
#include "dns_result.h"
#include "request.h"
#include "store.h"

enum dns_check_state { DNS_CHECK_NONE = 0, DNS_CHECK_QUEUED, DNS_CHECK_DONE };

int	store_dns_check_state(struct store *s, int64_t rid,
	    enum dns_check_state *state, char *err, size_t errlen);
/* Queues the request's check (again, if it was done before). */
int	store_dns_enqueue(struct store *s, int64_t rid, char *err,
	    size_t errlen);
/* Up to max queued requests with a row number above after, in order. */
int	store_dns_queued(struct store *s, int64_t after, size_t max,
	    int64_t **rids,
	    size_t *n, char *err, size_t errlen);
/* Replaces the request's recorded answers by v and marks its check done. */
int	store_dns_record(struct store *s, int64_t rid,
	    const struct dns_answer *const *v, size_t n, char *err,
	    size_t errlen);
/* The recorded answers of a request, in the order asked. */
int	store_dns_answers(struct store *s, int64_t rid, struct dns_batch *b,
	    char *err, size_t errlen);

/* Warnings of a request (SPEC 8), replaced as a whole. */
int	store_warnings_save(struct store *s, int64_t rid,
	    const struct reasons *w, char *err, size_t errlen);
int	store_warnings_load(struct store *s, int64_t rid, struct reasons *w,
	    char *err, size_t errlen);

#endif
