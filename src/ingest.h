/* ingest.h - one raw mail in, recorded with everything it causes. */
#ifndef PICFLOW_INGEST_H
#define PICFLOW_INGEST_H

#include <stdint.h>
#include "addr.h"
#include "config.h"
#include "ingest_result.h"
#include "mime_text.h"
#include "request_parse.h"
#include "robot.h"
#include "store.h"
#include "util.h"

/* Records and processes one mail inside the caller's transaction (under
 * a savepoint, so a failure undoes this mail only). source is "file" or
 * "imap". */
int	ingest_mail(struct store *s, const struct config *cfg,
	    const char *raw, size_t len, const char *source,
	    struct ingest_result *res, char *err, size_t errlen);

/* A mail known only by its first len bytes (neither the IMAP poller nor
 * `ingest` reads a mail above max_message_bytes whole): recorded as
 * ingest_mail() records a too-big mail, the rejection naming its true
 * size. With size == len, it is ingest_mail(). */
int	ingest_mail_partial(struct store *s, const struct config *cfg,
	    const char *prefix, size_t len, size_t size, const char *source,
	    struct ingest_result *res, char *err, size_t errlen);

/* A mail taken apart without the database (its hash, headers and text,
 * its sender, whether it is automatic, the request it writes): the part
 * of ingesting that depends on the mail alone, which the IMAP poller's
 * reader thread does while the recorder records the mail before. raw
 * must outlive it. */
struct ingest_prep {
	const char		*raw;	/* the mail, or its first bytes */
	size_t			 size;	/* of the whole mail */
	size_t			 keep;	/* bytes read and recorded */
	int			 too_big;
	char			 hash[65];
	struct mail_text	 mt;
	int			 rc;	/* of the MIME reader */
	char			 err[PF_ERRLEN];
	/* when rc is PF_OK: */
	struct addr_sender	 as;
	struct robot_verdict	 rv;
	struct request_form	 form;	/* of a mail neither automatic nor
					   too big, while form_ready */
	int			 form_ready;
	struct strvec		 tokens;	/* confirm_tokens(), the same */
	int			 tokens_ready;
};

/* raw: the first len bytes of a mail of size bytes (see
 * ingest_mail_partial). Thread-safe: touches no shared state. */
void	ingest_prepare(const struct config *cfg, const char *raw, size_t len,
	    size_t size, struct ingest_prep *p);
void	ingest_prep_free(struct ingest_prep *p);
/* ingest_mail() of a prepared mail. */
int	ingest_prepared(struct store *s, const struct config *cfg,
	    struct ingest_prep *p, const char *source,
	    struct ingest_result *res, char *err, size_t errlen);

const char *ingest_outcome_name(enum ingest_outcome o);

#endif
