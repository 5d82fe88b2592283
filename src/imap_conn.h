/* imap_conn.h - one verified, authenticated IMAP session on libetpan.
 *
 * Every function returns PF_OK or one of the classes below, with one
 * line in err; the caller turns the class into an exit code. */
#ifndef PICFLOW_IMAP_CONN_H
#define PICFLOW_IMAP_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Beyond PF_OK/PF_ERR (PF_ERR: a bug or out of resources). */
#define IMAP_UNAVAILABLE -20	/* unreachable, TLS refused, login refused,
				   command refused: EX_UNAVAILABLE */
#define IMAP_TEMPFAIL	-21	/* server busy, connection lost or timed
				   out mid-session: EX_TEMPFAIL */
#define IMAP_CONFIG	-22	/* the configuration forbids it: EX_CONFIG */

struct imap_conn;

/* One message of the selected mailbox, as a FETCH (UID RFC822.SIZE)
 * describes it. */
struct imap_msgref {
	uint32_t	 seq;
	uint32_t	 uid;
	uint32_t	 size;	/* RFC822.SIZE */
};

/* A fetched message body: points into its struct imap_fetched. */
struct imap_body {
	uint32_t	 uid;
	const char	*data;
	size_t		 len;
};

/* The result of one UID FETCH of bodies, owned by whoever received it (it
 * may be handed to another thread: the connection keeps no reference). */
struct imap_fetched;

/* Connects (with sc->timeout on every step), sets up TLS as configured
 * and verifies the certificate before anything else is sent, checks that
 * the server allows LOGIN, then logs in with the password of
 * sc->password_file. */
int	imap_conn_open(const struct server_conf *sc, struct imap_conn **out,
	    char *err, size_t errlen);
/* Logs out (best effort) and frees. NULL is fine. */
void	imap_conn_close(struct imap_conn *c);
/* Hangs up without LOGOUT (a hung server cannot hold it up); frees. */
void	imap_conn_abandon(struct imap_conn *c);
/* Logged in, and the server has said nothing since its last response (a
 * session kept between polls that the server closed meanwhile is not). */
int	imap_conn_alive(const struct imap_conn *c);

/* Every function below that takes a mailbox takes it as configured and
 * sends it placed in the server's namespace (imap_names.h): "Processed"
 * is "INBOX.Processed" on Cyrus's traditional namespace. */
char	*imap_conn_place(const struct imap_conn *c, const char *mailbox);
/* What the server said at login: its personal namespace prefix ("" if
 * none) and hierarchy delimiter ('\0' if unknown). */
const char *imap_conn_personal_prefix(const struct imap_conn *c);
char	imap_conn_delimiter(const struct imap_conn *c);

enum imap_box_state {
	IMAP_BOX_EXISTS,
	IMAP_BOX_CREATED
};
/* Creates mailbox unless it exists (state, unless NULL, says which). A
 * refused CREATE, or a mailbox that cannot hold mail, is IMAP_CONFIG. */
int	imap_conn_ensure_mailbox(struct imap_conn *c, const char *mailbox,
	    enum imap_box_state *state, char *err, size_t errlen);
/* SELECT (read-write); its UIDVALIDITY. */
int	imap_conn_select(struct imap_conn *c, const char *mailbox,
	    uint32_t *uidvalidity, char *err, size_t errlen);
/* EXAMINE (read-only): for a session that only watches the mailbox. */
int	imap_conn_examine(struct imap_conn *c, const char *mailbox,
	    char *err, size_t errlen);
/* IDLE (RFC 2177) on the selected mailbox: has_idle says whether the
 * server offers it; idle_start sends IDLE, waits for the continuation
 * and gives the socket to wait on (readable: the server said something,
 * unless idle_buffered says it already did); idle_done sends DONE and
 * reads the responses, which update imap_conn_exists(). */
int	imap_conn_has_idle(const struct imap_conn *c);
int	imap_conn_idle_start(struct imap_conn *c, int *fd, char *err,
	    size_t errlen);
int	imap_conn_idle_buffered(const struct imap_conn *c);
int	imap_conn_idle_done(struct imap_conn *c, char *err, size_t errlen);
/* NOOP on the selected mailbox, outside IDLE: the server reports what
 * changed at once (Dovecot delays IDLE's reports by half a second).
 * *arrived: it reported new mail (an EXISTS), not only EXPUNGEs. */
int	imap_conn_noop(struct imap_conn *c, int *arrived, char *err,
	    size_t errlen);
/* Messages in the selected mailbox now (EXISTS, kept up to date by the
 * server's EXISTS and EXPUNGE responses). */
uint32_t imap_conn_exists(const struct imap_conn *c);
/* UIDNEXT as the SELECT reported it (0 if it did not). */
uint32_t imap_conn_uidnext(const struct imap_conn *c);

/* FETCH seq_lo:seq_hi (UID RFC822.SIZE), in sequence order; *out holds
 * at most seq_hi - seq_lo + 1 entries. */
int	imap_conn_fetch_refs(struct imap_conn *c, uint32_t seq_lo,
	    uint32_t seq_hi, struct imap_msgref **out, size_t *n, char *err,
	    size_t errlen);
/* UID FETCH of the whole messages uids[0..n-1] (BODY.PEEK[]), or only
 * their first `partial` bytes when partial > 0 (BODY.PEEK[]<0.partial>);
 * uids ascending. A message expunged meanwhile is simply absent. */
int	imap_conn_fetch_bodies(struct imap_conn *c, const uint32_t *uids,
	    size_t n, size_t partial, struct imap_fetched **out, char *err,
	    size_t errlen);
/* Fills out (unless NULL) with the bodies of f; returns how many. */
size_t	imap_fetched_bodies(const struct imap_fetched *f,
	    struct imap_body *out);
void	imap_fetched_free(struct imap_fetched *f);
/* Keeps *pos (a message number of the selected mailbox, or NULL to stop)
 * in step with the EXPUNGE responses of every command that follows: it
 * goes down by one for each message expunged at or before it, whoever
 * expunged it, so that it keeps pointing at the same message. */
void	imap_conn_track(struct imap_conn *c, uint32_t *pos);

/* Moves uids from the selected mailbox to dest: UID MOVE, else UID COPY,
 * STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE (plain EXPUNGE without
 * UIDPLUS). */
int	imap_conn_move(struct imap_conn *c, const uint32_t *uids, size_t n,
	    const char *dest, char *err, size_t errlen);

#endif
