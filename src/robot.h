/* robot.h - is this mail automatic (SPEC 7), and of which kind: the mail
 * no one may answer. A pure function of the mail, fuzzed. */
#ifndef PICFLOW_ROBOT_H
#define PICFLOW_ROBOT_H

#include <stddef.h>
#include "mime_text.h"

enum robot_kind {
	ROBOT_NONE,		/* a person's mail */
	ROBOT_BOUNCE,		/* a delivery report (RFC 3464 or not) */
	ROBOT_FEEDBACK,		/* an abuse / feedback-loop report (RFC 5965) */
	ROBOT_RECEIPT,		/* a read receipt (RFC 8098 MDN) */
	ROBOT_VACATION,		/* an out-of-office or vacation reply */
	ROBOT_LIST,		/* mailing-list mail */
	ROBOT_BULK,		/* Precedence: bulk or junk */
	ROBOT_NOTIFICATION,	/* auto-generated: alerts, notices, reports */
	ROBOT_NOREPLY,		/* from a no-reply address */
	ROBOT_SELF		/* from our own address */
};

struct robot_verdict {
	enum robot_kind	 kind;
	char		 signal[160];	/* what told: "Auto-Submitted: ..." */
};

/* The verdict on the mail raw (len bytes, as mt was read from): self is
 * our own address (NULL: none). */
void	robot_classify(const char *raw, size_t len, const struct mail_text *mt,
	    const char *self, struct robot_verdict *v);

/* "bounce", "vacation"...: the name list and show print, and the suffix
 * of the reason code of its sentence ("robot-bounce"). NULL for NONE. */
const char *robot_kind_name(enum robot_kind k);
/* The kind of a name, ROBOT_NONE if unknown. */
enum robot_kind robot_kind_parse(const char *name);

#endif
