/* answer.h - mails that ask something rather than request it: help,
 * status, replies to a notice, and mails too big to read. */
#ifndef PICFLOW_ANSWER_H
#define PICFLOW_ANSWER_H

#include "config.h"
#include "ingest_result.h"
#include "mime_text.h"
#include "request.h"
#include "store.h"

int	answer_help(struct store *s, const struct config *cfg,
	    const struct mail_text *mt, const char *sender,
	    const struct request_form *f, struct ingest_result *res,
	    char *err, size_t errlen);
int	answer_status(struct store *s, const struct config *cfg,
	    const struct mail_text *mt, const char *sender,
	    struct request_form *f, struct ingest_result *res, char *err,
	    size_t errlen);
/* Sets res->outcome to IN_REPLY when tag names a request; leaves it
 * alone (PF_OK) when no request has that tag. */
int	answer_reply(struct store *s, const struct config *cfg,
	    const struct mail_text *mt, const char *sender, const char *tag,
	    struct ingest_result *res, char *err, size_t errlen);
int	answer_too_big(struct store *s, const struct config *cfg,
	    const struct mail_text *mt, const char *sender, size_t size,
	    struct ingest_result *res, char *err, size_t errlen);

#endif
