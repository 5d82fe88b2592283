/* notice.h - which notice goes to whom, rendered into the outbox (SPEC 4). */
#ifndef PICFLOW_NOTICE_H
#define PICFLOW_NOTICE_H

#include <stdint.h>
#include "config.h"
#include "store.h"
#include "template.h"

/* Variables of a notice: owns the strings it is given. */
struct notice_vars {
	struct tvars	 tv;
	struct strvec	 owned;
};
void	nv_set(struct notice_vars *nv, const char *name, const char *value);
void	nv_take(struct notice_vars *nv, const char *name, char *value);
void	nv_free(struct notice_vars *nv);

/* Everything a notice needs besides its variables. */
struct notice {
	const char		*template;	/* "confirmation", ... */
	const char		*kind;		/* the outbox's template column
						   when not the file's name (a
						   kind the schema knows) */
	const struct request_row *req;		/* NULL for help, status */
	const char		*tag;		/* when req is NULL */
	const char		*to;
	const char		*language;	/* when req is NULL */
	const char		*in_reply_to;	/* when req is NULL */
	const char		*references;	/* when req is NULL */
	int64_t			 inbound_id;
	int			 auto_reply;	/* counts against the limit */
	const char		*suppress;	/* why recorded, not sent */
	const char		*attach;	/* a mail attached whole */
	size_t			 attach_len;
	int			 brief;		/* no value of the request
						   shown: its sender may be
						   forged (SPEC 6) */
};

/* Renders and queues one notice (state queued, or suppressed when the
 * per-sender limit is reached or `to` is our own address). */
int	notice_queue(struct store *s, const struct config *cfg,
	    const struct notice *n, struct notice_vars *nv, char *err,
	    size_t errlen);
/* One notice per distinct contact of req. */
int	notice_to_contacts(struct store *s, const struct config *cfg,
	    const char *template, const struct request_row *req,
	    struct notice_vars *nv, int auto_reply, char *err, size_t errlen);
/* An alert to the operator address (logged only when none is set);
 * req may be NULL for an alert about no request (e.g. a failed mail). */
int	notice_alert(struct store *s, const struct config *cfg,
	    const struct request_row *req, const char *kind, const char *text,
	    char *err, size_t errlen);

/* The same with a mail attached whole (message/rfc822): a forwarded
 * reply. Held by the hourly limit like any alert (a contact's From is
 * easy to forge): a held one is named in the digest, not attached. */
int	notice_alert_mail(struct store *s, const struct config *cfg,
	    const struct request_row *req, const char *kind, const char *text,
	    const char *attach, size_t attach_len, char *err, size_t errlen);

/* The operator alerts held by the hourly limit, sent as one digest per
 * kind once the hour after the last alert of that kind is over (tick). */
int	notice_alert_digests(struct store *s, const struct config *cfg,
	    int *sent, char *err, size_t errlen);

/* The reasons of req (or of r) as the lines templates show. */
char	*notice_reason_lines(const struct config *cfg,
	    const struct reasons *r, const char *lang);

#endif
