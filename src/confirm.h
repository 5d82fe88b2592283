/* confirm.h - nothing happens in a person's name until that person
 * confirmed it by reply (SPEC 6). */
#ifndef PICFLOW_CONFIRM_H
#define PICFLOW_CONFIRM_H

#include "config.h"
#include "store.h"
#include "store_confirm.h"

#define CONFIRM_TOKEN_LEN	STORE_TOKEN_LEN	/* base32, 160 random bits */

/* A fresh token (RFC 4648 base32, upper case) and its stored form, the
 * SHA-256 of it in hex. */
int	confirm_token_new(char token[CONFIRM_TOKEN_LEN + 1]);
void	confirm_token_hash(const char *token, char hash[65]);

/* Whether addr is a contact of record of the agreement: a contact of its
 * provisioned requests or, while none is, of its pending ones. */
int	confirm_contact_of_record(struct store *s, const char *agreement,
	    const char *addr, int *yes, char *err, size_t errlen);

/* Whether addr is a confirmed contact of record of the agreement: a
 * contact of record (of its provisioned requests, or while none is, of its
 * pending ones) that has confirmed one of its requests. */
int	confirm_trusted(struct store *s, const char *agreement,
	    const char *addr, int *yes, char *err, size_t errlen);

/* Who must confirm r (SPEC 6): for a provision, each contact of r; for an
 * update, each contact that is not a confirmed contact of record of its
 * agreement, and its sender. */
int	confirm_who(struct store *s, const struct request_row *r,
	    struct strvec *out, char *err, size_t errlen);

/* r (received, valid) moves to confirming: a token and a verify notice
 * per address of `who`, and the expiry timer. */
int	confirm_start(struct store *s, const struct config *cfg,
	    struct request_row *r, const struct strvec *who, char *err,
	    size_t errlen);

/* What a mail's tokens did. */
struct confirm_result {
	int		 n_confirmed;	/* tokens used by this mail */
	int64_t		 complete[8];	/* requests now confirmed by all */
	size_t		 n_complete;
	char		 tag[9];	/* of the first request confirmed */
};

/* What may be tokens in a mail's subject and text (a reply quoting the
 * verify notice carries one): runs of exactly CONFIRM_TOKEN_LEN base32
 * characters standing alone, upper-cased. Needs no database: the poll's
 * reader thread finds them. */
void	confirm_tokens(const char *subject, const char *text,
	    struct strvec *out);
/* Confirms every valid unused token among those of confirm_tokens().
 * The caller has made sure the mail is not automatic. */
int	confirm_mail(struct store *s, const struct strvec *tokens,
	    int64_t inbound_id, struct confirm_result *res, char *err,
	    size_t errlen);

/* The confirm timer: r, still confirming, is rejected with not-confirmed
 * naming who did not confirm; the sender is told; nothing else changes. */
int	confirm_expire(struct store *s, const struct config *cfg,
	    struct request_row *r, char *err, size_t errlen);

#endif
