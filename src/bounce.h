/* bounce.h - a delivery report about one of our notices (SPEC 7): the
 * notice it names, its state 'bounced', the operator told once; and the
 * VERP envelope sender that names a notice by its id. */
#ifndef PICFLOW_BOUNCE_H
#define PICFLOW_BOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

/* The report raw (recorded as inbound_id) matched to a notice by the
 * Message-ID it returns or, with [smtp] verp, by the address it was sent
 * to. note (what became of it, for the log and the inbound row) is always
 * filled. Nothing is answered. */
int	bounce_handle(struct store *s, const struct config *cfg,
	    const char *raw, size_t len, int64_t inbound_id, char *note,
	    size_t notelen, char *err, size_t errlen);

/* "local+<id>@domain" from envelope "local@domain"; malloc'd, NULL when
 * envelope has no '@'. */
char	*bounce_verp_address(const char *envelope, int64_t id);
/* The notice id of a VERP address built from envelope, or 0. */
int64_t	bounce_verp_id(const char *envelope, const char *addr);

#endif
