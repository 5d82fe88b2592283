/* ingest_partial.h - a mail known only by its first bytes.
 *
 * The IMAP poller never reads a mail above max_message_bytes whole: it
 * fetches a prefix and hands it here with the size the server reported,
 * and the mail is recorded exactly as ingest_mail() records a too-big
 * mail (outcome too-big, rejection to the sender; ignored when the mail
 * is automatic), the prefix standing for the raw bytes. */
#ifndef PICFLOW_INGEST_PARTIAL_H
#define PICFLOW_INGEST_PARTIAL_H

#include <stddef.h>

#include "config.h"
#include "ingest.h"
#include "store.h"

/* prefix holds the first len bytes of a mail of `size` bytes (size >
 * cfg->policy.max_message_bytes). Inside the caller's transaction, under
 * a savepoint. The content hash is that of the prefix: two copies of one
 * mail still have the same, and the Message-ID is checked first. */
int	ingest_mail_partial(struct store *s, const struct config *cfg,
	    const char *prefix, size_t len, size_t size, const char *source,
	    struct ingest_result *res, char *err, size_t errlen);

#endif
