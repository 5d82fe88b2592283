/* store_robot.h - the SQL of automatic mail and bounces (schema/011_robots.sql):
 * the kind of a recorded mail, the listing of mails, the notice a report
 * is about, and the bounces of a request. */
#ifndef PICFLOW_STORE_ROBOT_H
#define PICFLOW_STORE_ROBOT_H

#include <stdint.h>
#include <time.h>

#include "store.h"

/* Sets the robot kind ("bounce", ...) of a recorded mail. */
int	store_inbound_robot(struct store *s, int64_t id, const char *kind,
	    char *err, size_t errlen);

/* Replaces the note of a recorded mail (what became of a report). */
int	store_inbound_note(struct store *s, int64_t id, const char *note,
	    char *err, size_t errlen);

/* A recorded mail, as list --mail and show --mail print it. */
struct mail_row {
	int64_t		 id;
	time_t		 received_at;
	char		*source;
	char		*message_id;
	char		*sender;
	char		*subject;
	int64_t		 size;
	char		*outcome;
	char		*note;
	char		*robot;		/* NULL: a person's mail */
	char		*request_tag;	/* of its request, if any */
};
void	mail_rows_free(struct mail_row *v, size_t n);
void	mail_row_free(struct mail_row *m);
/* Every recorded mail, oldest first; robots_only: the automatic ones. */
int	store_mail_each(struct store *s, int robots_only,
	    int (*fn)(const struct mail_row *m, void *arg), void *arg,
	    char *err, size_t errlen);
/* One mail by id: STORE_FOUND, PF_OK when absent, or an error. */
int	store_mail_get(struct store *s, int64_t id, struct mail_row *m,
	    char *err, size_t errlen);

/* A notice a delivery report may be about. */
struct notice_ref {
	int64_t		 id;
	int64_t		 request_rid;	/* 0: none */
	char		 template[16];
	char		 state[16];
	char		 recipient[256];
};
/* By its Message-ID (without brackets) or by its id: STORE_FOUND, PF_OK
 * when there is no such notice, or an error. */
int	store_notice_by_msgid(struct store *s, const char *msgid,
	    struct notice_ref *n, char *err, size_t errlen);
int	store_notice_by_id(struct store *s, int64_t id, struct notice_ref *n,
	    char *err, size_t errlen);

/* One matched report. */
struct bounce_rec {
	int64_t		 outbox_id;
	int64_t		 request_rid;	/* 0: none */
	int64_t		 inbound_id;
	time_t		 at;
	const char	*action;	/* failed, delayed, delivered, unknown */
	const char	*status;
	const char	*diagnostic;
	const char	*matched_by;	/* message-id, verp */
};
/* Records the report; a failed one moves a sent notice to 'bounced' with
 * an outbox event (*marked = 1), once: a notice already bounced, or not
 * sent, stays as it is (*marked = 0). */
int	store_bounce_add(struct store *s, const struct bounce_rec *b,
	    int *marked, char *err, size_t errlen);

/* A failed report of a notice, with the notice's template and recipient. */
struct bounce_row {
	int64_t		 outbox_id;
	int64_t		 inbound_id;
	time_t		 at;
	char		*template;
	char		*recipient;
	char		*action;
	char		*status;
	char		*diagnostic;
};
void	bounce_rows_free(struct bounce_row *v, size_t n);
/* The failed reports of a request's notices, oldest first. */
int	store_bounces_of_request(struct store *s, int64_t rid,
	    struct bounce_row **out, size_t *n, char *err, size_t errlen);
/* The reports a mail was matched as, whatever their action. */
int	store_bounces_of_mail(struct store *s, int64_t inbound_id,
	    struct bounce_row **out, size_t *n, char *err, size_t errlen);
/* Whether a verify notice to address for the request is queued or sent
 * and has not bounced: its contact may still confirm (STORE_FOUND). */
int	store_verify_live(struct store *s, int64_t rid, const char *address,
	    char *err, size_t errlen);

#endif
