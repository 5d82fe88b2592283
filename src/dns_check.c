/* dns_check.c - DNS lookups through libunbound (transport layer).
 *
 * libunbound rather than c-ares or ldns alone: it validates DNSSEC
 * itself (a trust anchor and nothing else), caches within a run, and
 * resolves asynchronously on one descriptor that poll() can wait for.
 * Answers are taken apart by ldns (unbound's sister library): no DNS
 * wire format is read here by hand. It is loaded for the first answer
 * (lazylib.h). */
#include "dns_check.h"
#include "clock.h"
#include "lazylib.h"

#include <ldns/ldns.h>
#include <unbound.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DNS_IN_FLIGHT	500	/* questions outstanding at once */

struct dns_resolver {
	struct ub_ctx	*ctx;
};

/* One outstanding question: its answer slot and libunbound's id. */
struct dns_ask {
	struct dns_batch	*b;
	size_t			 idx;
	int			 id;
	int			 done;
	size_t			*pending;
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The tests must never reach a resolver off this machine. */
static int
loopback_only(const char *resolver, char *err, size_t errlen)
{
	const char *p = resolver;

	if (getenv("PICFLOW_DNS_LOOPBACK_ONLY") == NULL)
		return PF_OK;
	if (p == NULL) {
		err_set(err, errlen, "PICFLOW_DNS_LOOPBACK_ONLY is set: the "
		    "system's resolver is not used");
		return PF_ERR;
	}
	while (*p) {
		p += strspn(p, " ,");
		if (*p && strncmp(p, "127.", 4) != 0 &&
		    strncmp(p, "::1", 3) != 0) {
			err_set(err, errlen, "PICFLOW_DNS_LOOPBACK_ONLY is set: "
			    "resolver %s is not a loopback address", p);
			return PF_ERR;
		}
		p += strcspn(p, ",");
	}
	return PF_OK;
}

static int
set_forwarders(struct ub_ctx *ctx, const char *list, char *err,
    size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL, *item;
	int rc = PF_OK, n = 0, ub;

	for (item = strtok_r(copy, ",", &save); item && rc == PF_OK;
	    item = strtok_r(NULL, ",", &save)) {
		item = str_trim(item);
		if (*item == '\0')
			continue;
		if ((ub = ub_ctx_set_fwd(ctx, item)) != 0) {
			err_set(err, errlen, "[dns] resolver %s: %s (expected "
			    "IP or IP@port)", item, ub_strerror(ub));
			rc = PF_ERR;
		}
		n++;
	}
	if (rc == PF_OK && n == 0) {
		err_set(err, errlen, "[dns] resolver = %s: no address", list);
		rc = PF_ERR;
	}
	free(copy);
	return rc;
}

int
dns_resolver_new(const struct dns_conf *c, struct dns_resolver **out,
    char *err, size_t errlen)
{
	struct ub_ctx *ctx;
	int ub;

	*out = NULL;
	if (loopback_only(c->resolver, err, errlen) != PF_OK)
		return PF_ERR;
	if ((ctx = ub_ctx_create()) == NULL) {
		err_set(err, errlen, "libunbound: cannot create a context");
		return PF_ERR;
	}
	/* A thread, not a forked process: nothing outlives us. */
	if ((ub = ub_ctx_async(ctx, 1)) != 0 ||
	    (ub = ub_ctx_set_option(ctx, "num-queries-per-thread:",
	    "1024")) != 0) {
		err_set(err, errlen, "libunbound: %s", ub_strerror(ub));
		goto fail;
	}
	if (c->resolver) {
		if (set_forwarders(ctx, c->resolver, err, errlen) != PF_OK)
			goto fail;
	} else if ((ub = ub_ctx_resolvconf(ctx, NULL)) != 0) {
		err_set(err, errlen, "libunbound: /etc/resolv.conf: %s",
		    ub_strerror(ub));
		goto fail;
	}
	if (c->trust_anchor &&
	    (ub = ub_ctx_add_ta_file(ctx, c->trust_anchor)) != 0) {
		err_set(err, errlen, "[dns] trust_anchor %s: %s",
		    c->trust_anchor, ub_strerror(ub));
		goto fail;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->ctx = ctx;
	return PF_OK;
fail:
	ub_ctx_delete(ctx);
	return PF_ERR;
}

void
dns_resolver_free(struct dns_resolver *r)
{
	if (r == NULL)
		return;
	ub_ctx_delete(r->ctx);
	free(r);
}

/* ldns, loaded for the first answer (lazylib.h): most runs ask no DNS,
 * and it brings OpenSSL's libcrypto along. Filled once for the whole
 * process, and never changed after its pthread_once. */
#define LDNS_FUNCS(X) \
	X(ldns_rr_get_type) \
	X(ldns_rr_rd_count) \
	X(ldns_rr_rdf) \
	X(ldns_rdf_data) \
	X(ldns_rdf_size) \
	X(ldns_rdf2str) \
	X(ldns_rdf_get_type) \
	X(ldns_wire2pkt) \
	X(ldns_pkt_rr_list_by_type) \
	X(ldns_rr_list_rr_count) \
	X(ldns_rr_list_rr) \
	X(ldns_rr_list_deep_free) \
	X(ldns_pkt_free)
#define LD_SYM(fn)	LAZYLIB_SYM(ld, fn)
static struct {
	LDNS_FUNCS(LAZYLIB_FIELD)
} ld;
static pthread_once_t ld_once = PTHREAD_ONCE_INIT;

static void
ld_load(void)
{
	const struct lazylib_sym syms[] = { LDNS_FUNCS(LD_SYM) };

	lazylib_load(PICFLOW_LDNS_SONAME, syms, sizeof(syms) / sizeof(syms[0]));
}

/* One record's data as the store and `show` keep it. */
static char *
record_text(const ldns_rr *rr)
{
	struct strbuf sb;
	char *s;

	sb_init(&sb);
	if (ld.ldns_rr_get_type(rr) == LDNS_RR_TYPE_TXT) {
		/* The character-strings of one TXT record, joined (RFC 7208
		 * 3.3); a byte that could break a line or a terminal shows
		 * as '?'. */
		for (size_t i = 0; i < ld.ldns_rr_rd_count(rr); i++) {
			const ldns_rdf *f = ld.ldns_rr_rdf(rr, i);
			const uint8_t *d = ld.ldns_rdf_data(f);
			size_t len = ld.ldns_rdf_size(f);

			for (size_t k = 1; k < len && k <= d[0]; k++)
				sb_addc(&sb, d[k] < 0x20 || d[k] >= 0x7f ? '?' :
				    (char)d[k]);
		}
		return sb_steal(&sb);
	}
	for (size_t i = 0; i < ld.ldns_rr_rd_count(rr); i++) {
		if ((s = ld.ldns_rdf2str(ld.ldns_rr_rdf(rr, i))) == NULL)
			continue;
		if (i)
			sb_addc(&sb, ' ');
		/* Names without their trailing dot, as requests write them. */
		if (*s && s[strlen(s) - 1] == '.' && ld.ldns_rdf_get_type(
		    ld.ldns_rr_rdf(rr, i)) == LDNS_RDF_TYPE_DNAME)
			s[strlen(s) - 1] = '\0';
		sb_adds(&sb, s);
		free(s);
	}
	return sb_steal(&sb);
}

static void
take_records(struct dns_answer *a, const struct ub_result *res)
{
	ldns_pkt *pkt = NULL;
	ldns_rr_list *list;

	pthread_once(&ld_once, ld_load);
	if (ld.ldns_wire2pkt(&pkt, res->answer_packet,
	    (size_t)res->answer_len) != LDNS_STATUS_OK) {
		a->status = DNS_ST_FAIL;
		a->why = xstrdup("malformed answer");
		return;
	}
	list = ld.ldns_pkt_rr_list_by_type(pkt, (ldns_rr_type)a->type,
	    LDNS_SECTION_ANSWER);
	for (size_t i = 0; list && i < ld.ldns_rr_list_rr_count(list); i++)
		sv_push_owned(&a->records, record_text(
		    ld.ldns_rr_list_rr(list, i)));
	ld.ldns_rr_list_deep_free(list);
	ld.ldns_pkt_free(pkt);
	a->status = a->records.n ? DNS_ST_ANSWER : DNS_ST_NODATA;
}

static void
on_answer(void *arg, int ub, struct ub_result *res)
{
	struct dns_ask *q = arg;
	struct dns_answer *a = &q->b->v[q->idx];

	q->done = 1;
	(*q->pending)--;
	a->at = clock_now();
	if (ub != 0 || res == NULL) {
		a->status = DNS_ST_FAIL;
		a->why = xstrdup(ub_strerror(ub));
	} else if (res->bogus) {
		/* Failed validation: as if nothing had come back. */
		a->sec = DNS_SEC_BOGUS;
		a->status = DNS_ST_NODATA;
		a->why = xstrdup(res->why_bogus ? res->why_bogus :
		    "DNSSEC validation failed");
	} else if (res->rcode == LDNS_RCODE_NXDOMAIN) {
		a->status = DNS_ST_NXDOMAIN;
		a->sec = res->secure ? DNS_SEC_SECURE : DNS_SEC_INSECURE;
	} else if (res->rcode != LDNS_RCODE_NOERROR) {
		a->status = DNS_ST_FAIL;
		a->why = xasprintf("rcode %d (%s)", res->rcode,
		    res->rcode == LDNS_RCODE_SERVFAIL ? "SERVFAIL" :
		    res->rcode == LDNS_RCODE_REFUSED ? "REFUSED" : "error");
	} else {
		a->sec = res->secure ? DNS_SEC_SECURE : DNS_SEC_INSECURE;
		take_records(a, res);
	}
	if (res)
		ub_resolve_free(res);
}

/* Waits up to ms for answers and hands them to on_answer. */
static void
wait_answers(struct ub_ctx *ctx, long ms)
{
	struct pollfd pfd = { .fd = ub_fd(ctx), .events = POLLIN };

	if (ms < 0)
		ms = 0;
	if (poll(&pfd, 1, (int)(ms > 1000 ? 1000 : ms)) > 0)
		(void)ub_process(ctx);
}

int
dns_resolve(struct dns_resolver *r, struct dns_batch *b, int timeout_s,
    char *err, size_t errlen)
{
	struct dns_ask *q = xcalloc(b->n ? b->n : 1, sizeof(*q));
	size_t next = 0, pending = 0, asked = 0;
	long deadline = now_ms() + (long)timeout_s * 1000;
	int ub;

	for (size_t i = 0; i < b->n; i++) {
		q[i].b = b;
		q[i].idx = i;
		q[i].pending = &pending;
		q[i].done = b->v[i].status != DNS_ST_PENDING;
	}
	while (now_ms() < deadline) {
		for (; next < b->n && pending < DNS_IN_FLIGHT; next++) {
			if (q[next].done)
				continue;
			ub = ub_resolve_async(r->ctx, b->v[next].name,
			    b->v[next].type, LDNS_RR_CLASS_IN, &q[next],
			    on_answer, &q[next].id);
			if (ub != 0) {
				q[next].done = 1;
				b->v[next].status = DNS_ST_FAIL;
				b->v[next].why = xstrdup(ub_strerror(ub));
				b->v[next].at = clock_now();
				continue;
			}
			pending++;
			asked++;
		}
		if (pending == 0 && next == b->n)
			break;
		wait_answers(r->ctx, deadline - now_ms());
	}
	/* What has not come back by the deadline is a timeout. */
	for (size_t i = 0; i < b->n; i++) {
		if (q[i].done)
			continue;
		if (i < next)
			(void)ub_cancel(r->ctx, q[i].id);
		b->v[i].status = DNS_ST_FAIL;
		b->v[i].why = xasprintf("no answer within %d s", timeout_s);
		b->v[i].at = clock_now();
	}
	free(q);
	if (b->n > 0 && asked == 0 && b->v[0].why) {
		err_set(err, errlen, "libunbound: %s", b->v[0].why);
		return PF_ERR;
	}
	return PF_OK;
}

int
dns_resolver_try(const struct dns_conf *c, char *what, size_t whatlen,
    char *err, size_t errlen)
{
	struct dns_resolver *r;
	struct dns_batch b = { 0 };
	int rc;

	if ((rc = dns_resolver_new(c, &r, err, errlen)) != PF_OK)
		return rc;
	dns_batch_add(&b, ".", LDNS_RR_TYPE_NS);
	rc = dns_resolve(r, &b, c->timeout, err, errlen);
	if (rc == PF_OK && b.v[0].status == DNS_ST_FAIL) {
		err_set(err, errlen, "the resolver gave no answer: %s",
		    b.v[0].why ? b.v[0].why : "failure");
		rc = PF_ERR;
	} else if (rc == PF_OK)
		snprintf(what, whatlen, "%s (%s)",
		    b.v[0].status == DNS_ST_ANSWER ? "answered" :
		    dns_status_name(b.v[0].status),
		    dns_security_name(b.v[0].sec));
	dns_batch_free(&b);
	dns_resolver_free(r);
	return rc;
}
