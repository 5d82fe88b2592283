/* smtp_conn.h - one verified, optionally authenticated SMTP session on
 * libetpan, carrying any number of messages, one recipient each.
 *
 * Opening returns PF_OK or one of the classes below with one line in err;
 * sending never fails as a function: it classifies what the server said
 * into an outcome the caller turns into sent, deferred or failed. */
#ifndef PICFLOW_SMTP_CONN_H
#define PICFLOW_SMTP_CONN_H

#include <stddef.h>

#include "config.h"

/* Beyond PF_OK/PF_ERR (PF_ERR: a bug or out of resources). */
#define SMTP_UNAVAILABLE -30	/* unreachable, timed out, greeting refused,
				   TLS failed or not verified, AUTH refused:
				   EX_UNAVAILABLE */
#define SMTP_CONFIG	-31	/* the configuration forbids it or is
				   incomplete: EX_CONFIG */

/* Longest reply text kept ("RCPT TO: 550 5.1.1 ..."); longer is cut. */
#define SMTP_REPLY_MAX	512

enum smtp_outcome {
	SMTP_SENT,		/* 2xx after the message's final dot */
	SMTP_TEMPFAIL,		/* 4xx: this message, later */
	SMTP_PERMFAIL,		/* 5xx on RCPT, DATA or the message */
	SMTP_SENDER_REFUSED,	/* 5xx on MAIL FROM: our configuration, not
				   this message, is at fault */
	SMTP_BROKEN,		/* connection lost, timed out or nonsense:
				   the session is unusable */
	SMTP_AUTH_REQUIRED,	/* 530, 5.7.0, or a 5.7.1 that says relay or
				   authentication to MAIL or RCPT of a session
				   that did not authenticate: our
				   configuration is at fault */
	SMTP_PENDING		/* the message went out after a 354; its
				   final reply comes with the next message's
				   envelope: smtp_conn_settle() */
};

struct smtp_result {
	enum smtp_outcome	 outcome;
	int			 code;	/* last reply code, 0 when none */
	int			 untouched;	/* the session was gone before
				   the first command of this message had a
				   reply (none, or 421): it went nowhere */
	char			 reply[SMTP_REPLY_MAX];
};

struct smtp_conn;

/* What can be checked without a server: host set, plaintext rule of
 * SPEC 5, credentials complete, helo and envelope sender sane. PF_OK or
 * SMTP_CONFIG. */
int	smtp_conn_check_config(const struct config *cfg, char *err,
	    size_t errlen);

/* Connects with cfg->smtp.timeout bounding every step (the TCP connect,
 * each read and write, the TLS handshake), sets up TLS as configured and
 * verifies the server certificate before anything else is sent, says
 * EHLO, and authenticates (AUTH PLAIN, else LOGIN) when user and
 * password_file are set. */
int	smtp_conn_open(const struct config *cfg, struct smtp_conn **out,
	    char *err, size_t errlen);

/* One transaction: RSET (from the second message on), MAIL FROM:<from>
 * ("" for the null sender), RCPT TO:<to>, DATA, the message (CRLF text;
 * dot-stuffed on the way). When the server offers PIPELINING the outcome
 * is SMTP_PENDING once the message went out: its final reply is read
 * after the next message's envelope has been written, or by
 * smtp_conn_settle(). */
void	smtp_conn_send(struct smtp_conn *c, const char *from, const char *to,
	    const char *msg, size_t len, struct smtp_result *res);

/* The outcome of the message left SMTP_PENDING (never SMTP_PENDING):
 * read by the smtp_conn_send() after it, or now. 0 when none is
 * outstanding. Call it after each smtp_conn_send() that follows a
 * pending one, and before the session is kept or closed. */
int	smtp_conn_settle(struct smtp_conn *c, struct smtp_result *res);

/* MAIL FROM and RCPT TO, then nothing (the next transaction's RSET):
 * whether the server would take a message, without sending one.
 * SMTP_SENT means it would. */
void	smtp_conn_try_envelope(struct smtp_conn *c, const char *from,
	    const char *to, struct smtp_result *res);

/* The AUTH mechanisms the server offered ("PLAIN LOGIN"), or NULL. */
const char *smtp_conn_auth_offered(const struct smtp_conn *c);

/* 0 once the session is unusable (after SMTP_BROKEN, or a 421). */
int	smtp_conn_usable(const struct smtp_conn *c);
/* Usable, and the server has said nothing since the last reply (a
 * session kept between runs that the server closed meanwhile is not). */
int	smtp_conn_alive(const struct smtp_conn *c);

/* QUIT (then TLS close_notify) when the session is in step, also after a
 * refused AUTH; else just drops it; frees. NULL is fine. */
void	smtp_conn_close(struct smtp_conn *c);
/* Drops it without QUIT (a hung server cannot hold it up); frees. */
void	smtp_conn_abandon(struct smtp_conn *c);

const char *smtp_outcome_name(enum smtp_outcome o);

#endif
