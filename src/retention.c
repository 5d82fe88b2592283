/* retention.c - what picflow keeps (SPEC 10).
 *
 * Retention runs in tick, in one transaction, and writes one event on
 * each request whose mails or notices it empties (mails and notices of no
 * request are only counted in the log): `show` then says when and why
 * the raw mail is gone. forget erases an address from every finished
 * request and refuses while an open one holds it, because the workflow
 * still needs that request's mail and contacts. */
#include "retention.h"
#include "clock.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
retention_prune(struct store *s, const struct config *cfg,
    struct prune_stats *st, char *err, size_t errlen)
{
	time_t cutoff;
	char *cause;
	int rc;

	memset(st, 0, sizeof(*st));
	if (cfg->retention_mail_days == 0)
		return PF_OK;
	cutoff = clock_now() - (time_t)cfg->retention_mail_days * 86400;
	cause = xasprintf("retention: raw mails and notice bodies older than "
	    "[retention] mail_days = %d deleted", cfg->retention_mail_days);
	if ((rc = store_begin(s, err, errlen)) == PF_OK) {
		if ((rc = store_prune(s, cutoff, cause, st, err, errlen)) ==
		    PF_OK)
			rc = store_commit(s, err, errlen);
		else
			store_rollback(s);
	}
	if (rc == PF_OK && (st->mails || st->notices))
		log_info("retention: %lld raw mails and %lld notice bodies "
		    "deleted (%lld requests), older than %d days",
		    (long long)st->mails, (long long)st->notices,
		    (long long)st->requests, cfg->retention_mail_days);
	free(cause);
	return rc;
}

int
forget_check_address(const char *addr, char *err, size_t errlen)
{
	const char *at = strchr(addr, '@');
	size_t len = strlen(addr);

	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') ||
	    len > 320 || str_has_ctl(addr) || strpbrk(addr, " \t<>\"(),;:")) {
		err_set(err, errlen, "'%s' is not an address (expected "
		    "someone@example.com)", addr);
		return PF_ERR;
	}
	return PF_OK;
}

int
forget_address(struct store *s, const char *addr, struct forget_stats *st,
    struct forget_block **blockers, size_t *n_blockers, char *err,
    size_t errlen)
{
	int rc;

	memset(st, 0, sizeof(*st));
	*blockers = NULL;
	*n_blockers = 0;
	if ((rc = store_begin(s, err, errlen)) != PF_OK)
		return rc;
	rc = store_forget_blockers(s, addr, blockers, n_blockers, err, errlen);
	if (rc == PF_OK && *n_blockers > 0)
		rc = FORGET_REFUSED;
	if (rc == PF_OK)
		rc = store_forget(s, addr, "forget: an address was erased at "
		    "the operator's request", st, err, errlen);
	if (rc != PF_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err, errlen)) != PF_OK)
		return rc;
	log_info("forget: an address erased from %lld finished requests",
	    (long long)st->requests);
	if ((rc = store_compact(s, err, errlen)) != PF_OK) {
		char why[PF_ERRLEN];

		snprintf(why, sizeof(why), "%s", err);
		err_set(err, errlen, "the address is erased from every row, "
		    "but the files could not be rewritten (%s): run forget "
		    "again", why);
	}
	return rc;
}
