/* ingest_partial.c - a too-big mail recorded from its first bytes.
 *
 * This is ingest.c's too-big path for a caller that does not hold the
 * whole mail. It duplicates ingest.c's automatic-mail test because that
 * one is private there; if ingest.c ever takes the true size as a
 * parameter, this file folds into it. */
#include "ingest_partial.h"
#include "answer.h"
#include "clock.h"
#include "mime_text.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PARTIAL_KEEP	65536	/* as ingest.c keeps of a too-big mail */

static void
partial_hash(const char *raw, size_t len, char out[65])
{
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, raw, len, d) != 0)
		abort();
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* SPEC 4: no automatic reply to an automatic mail (as in ingest.c). */
static const char *
partial_automatic(const struct mail_text *mt, const struct config *cfg)
{
	const char *as = mt->auto_submitted, *p = mt->precedence, *at;

	if (as && !(strncasecmp(as, "no", 2) == 0 && (as[2] == '\0' ||
	    as[2] == ';' || as[2] == ' ')))
		return "Auto-Submitted mail";
	if (p && (strncasecmp(p, "bulk", 4) == 0 ||
	    strncasecmp(p, "junk", 4) == 0 || strncasecmp(p, "list", 4) == 0))
		return "Precedence: bulk, junk or list";
	if (mt->has_list_id)
		return "mailing-list mail (List-Id)";
	if (mt->return_path && mt->return_path[0] == '\0')
		return "null sender";
	if (mt->from_addr == NULL)
		return "no sender address";
	at = strchr(mt->from_addr, '@');
	if (at && (size_t)(at - mt->from_addr) == 13 &&
	    strncasecmp(mt->from_addr, "mailer-daemon", 13) == 0)
		return "MAILER-DAEMON";
	if (cfg->smtp_from && str_ieq(mt->from_addr, cfg->smtp_from))
		return "our own address";
	return NULL;
}

static int
partial_body(struct store *s, const struct config *cfg, const char *raw,
    size_t len, size_t size, const char *source, struct ingest_result *res,
    char *err, size_t errlen)
{
	struct inbound_rec in;
	struct mail_text mt;
	char hash[65], *sender = NULL;
	const char *why;
	int rc;

	memset(&mt, 0, sizeof(mt));
	memset(&in, 0, sizeof(in));
	if (len > PARTIAL_KEEP)
		len = PARTIAL_KEEP;
	partial_hash(raw, len, hash);
	if ((rc = mime_text_extract(raw, len, &mt, err, errlen)) != PF_OK)
		return rc;
	rc = store_inbound_seen(s, mt.message_id, hash, &res->inbound_id);
	if (rc == STORE_FOUND) {
		res->outcome = IN_DUPLICATE;
		rc = PF_OK;
		goto done;
	}
	if (rc != PF_OK) {
		err_set(err, errlen, "database: cannot look up the mail");
		goto done;
	}
	why = partial_automatic(&mt, cfg);
	in.received_at = clock_now();
	in.message_id = mt.message_id;
	in.content_hash = hash;
	in.source = source;
	in.sender = mt.from_addr;
	in.subject = mt.subject;
	in.raw = raw;
	in.size = len;
	in.outcome = why ? "ignored" : "too-big";
	in.note = why;
	if ((rc = store_inbound_add(s, &in, &res->inbound_id, err,
	    errlen)) != PF_OK)
		goto done;
	if (why) {
		res->outcome = IN_IGNORED;
		snprintf(res->note, sizeof(res->note), "%s", why);
		goto done;
	}
	sender = xstrdup(mt.from_addr);
	str_lower(sender);
	rc = answer_too_big(s, cfg, &mt, sender, size, res, err, errlen);
done:
	free(sender);
	mime_text_free(&mt);
	return rc;
}

int
ingest_mail_partial(struct store *s, const struct config *cfg,
    const char *prefix, size_t len, size_t size, const char *source,
    struct ingest_result *res, char *err, size_t errlen)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = store_savepoint(s, err, errlen)) != PF_OK)
		return rc;
	rc = partial_body(s, cfg, prefix, len, size, source, res, err, errlen);
	if (rc != PF_OK) {
		store_rollback_to(s);
		return rc;
	}
	return store_release(s, err, errlen);
}
