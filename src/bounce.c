/* bounce.c - a delivery report about one of our notices (SPEC 7).
 *
 * The report names the notice by the Message-ID of the returned message
 * (or its headers, or the report's In-Reply-To/References), which is ours
 * and random: no other notice can be named by mistake. With [smtp] verp,
 * the address the report was sent to (local+<notice id>@domain) names it
 * too, for the MTAs that return nothing of the message. A failed report
 * marks a sent notice bounced, once, and tells the operator once; a
 * delayed one is recorded only; one that matches nothing is recorded as
 * automatic mail and nothing else. */
#include "bounce.h"
#include "clock.h"
#include "dsn.h"
#include "log.h"
#include "notice.h"
#include "store_robot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *
bounce_verp_address(const char *envelope, int64_t id)
{
	const char *at = envelope ? strrchr(envelope, '@') : NULL;

	if (at == NULL)
		return NULL;
	return xasprintf("%.*s+%" PRId64 "%s", (int)(at - envelope), envelope,
	    id, at);
}

int64_t
bounce_verp_id(const char *envelope, const char *addr)
{
	const char *eat = envelope ? strrchr(envelope, '@') : NULL;
	const char *aat = addr ? strrchr(addr, '@') : NULL;
	size_t llen;
	int64_t id = 0;
	const char *p;

	if (eat == NULL || aat == NULL || strcasecmp(eat, aat) != 0)
		return 0;
	llen = (size_t)(eat - envelope);
	if ((size_t)(aat - addr) <= llen + 1 ||
	    strncasecmp(addr, envelope, llen) != 0 || addr[llen] != '+')
		return 0;
	for (p = addr + llen + 1; p < aat; p++) {
		if (*p < '0' || *p > '9' || id > INT64_MAX / 10 - 1)
			return 0;
		id = id * 10 + (*p - '0');
	}
	return id;
}

/* The notice the report is about: *by says how it was found. */
static int
find_notice(struct store *s, const struct config *cfg,
    const struct dsn_report *r, struct notice_ref *n, const char **by,
    char *err, size_t errlen)
{
	int64_t id;
	int rc;

	for (size_t i = 0; i < r->msgids.n; i++) {
		rc = store_notice_by_msgid(s, r->msgids.v[i], n, err, errlen);
		if (rc != PF_OK) {
			*by = "message-id";
			return rc;
		}
	}
	if (!cfg->smtp_verp)
		return PF_OK;
	for (size_t i = 0; i < r->rcpts.n; i++) {
		if ((id = bounce_verp_id(cfg->smtp_envelope_from,
		    r->rcpts.v[i])) == 0)
			continue;
		rc = store_notice_by_id(s, id, n, err, errlen);
		if (rc != PF_OK) {
			*by = "verp";
			return rc;
		}
	}
	return PF_OK;
}

/* The contact is unreachable: the request's history says so, and the
 * operator learns it once (not for an alert: that would loop). */
static int
bounced(struct store *s, const struct config *cfg,
    const struct notice_ref *n, const struct dsn_report *r,
    int64_t inbound_id, char *err, size_t errlen)
{
	struct request_row req;
	char *cause = NULL, *text;
	int rc = PF_OK, found = 0;

	memset(&req, 0, sizeof(req));
	if (n->request_rid && (rc = store_request_load_rid(s, n->request_rid,
	    &req, err, errlen)) < 0)
		return rc;
	found = rc == STORE_FOUND;
	/* the report belongs to the request's mails (list --mail, show) */
	if (found && (rc = store_inbound_link(s, inbound_id, "ignored", req.id,
	    err, errlen)) != PF_OK)
		goto done;
	cause = xasprintf("contact %s unreachable: the %s notice #%" PRId64
	    " bounced (%s%s%s)", n->recipient, n->template, n->id,
	    r->status[0] ? r->status : "no status", r->diagnostic ? ": " : "",
	    r->diagnostic ? r->diagnostic : "");
	rc = found ? store_note(s, &req, cause, err, errlen) : PF_OK;
	if (rc == PF_OK && strcmp(n->template, "alert") == 0)
		log_err("operator alert #%" PRId64 " to %s bounced: %s", n->id,
		    n->recipient, r->diagnostic ? r->diagnostic : r->status);
	else if (rc == PF_OK) {
		text = xasprintf("The %s notice #%" PRId64 " to %s was accepted "
		    "by the SMTP server, then returned as undeliverable: %s "
		    "cannot be reached at that address.\n"
		    "  Status:        %s\n"
		    "  Diagnostic:    %s\n"
		    "Its text: picflow outbox --dump %" PRId64, n->template,
		    n->id, n->recipient, n->recipient, r->status[0] ?
		    r->status : "-", r->diagnostic ? r->diagnostic : "-", n->id);
		rc = notice_alert(s, cfg, found ? &req : NULL, "notice bounced",
		    text, err, errlen);
		free(text);
	}
done:
	free(cause);
	request_row_free(&req);
	return rc;
}

int
bounce_handle(struct store *s, const struct config *cfg, const char *raw,
    size_t len, int64_t inbound_id, char *note, size_t notelen, char *err,
    size_t errlen)
{
	struct dsn_report r;
	struct notice_ref n;
	struct bounce_rec b;
	const char *by = NULL;
	int rc, marked = 0;

	dsn_parse(raw, len, &r);
	rc = find_notice(s, cfg, &r, &n, &by, err, errlen);
	if (rc != STORE_FOUND) {
		snprintf(note, notelen, "delivery report (%s) about no notice "
		    "of ours", dsn_action_name(r.action));
		goto done;
	}
	memset(&b, 0, sizeof(b));
	b.outbox_id = n.id;
	b.request_rid = n.request_rid;
	b.inbound_id = inbound_id;
	b.at = clock_now();
	b.action = dsn_action_name(r.action);
	b.status = r.status[0] ? r.status : NULL;
	b.diagnostic = r.diagnostic;
	b.matched_by = by;
	if ((rc = store_bounce_add(s, &b, &marked, err, errlen)) != PF_OK)
		goto done;
	if (marked)
		rc = bounced(s, cfg, &n, &r, inbound_id, err, errlen);
	snprintf(note, notelen, "%s report for notice #%" PRId64 " to %s%s",
	    b.action, n.id, n.recipient, marked ? ": bounced" :
	    r.action == DSN_FAILED ? " (already bounced, or never sent)" :
	    ", recorded only");
	log_info("delivery report for notice #%" PRId64 " to %s (by %s): %s "
	    "%s", n.id, n.recipient, by, b.action, r.status);
done:
	dsn_report_free(&r);
	return rc == STORE_FOUND ? PF_OK : rc;
}
