/* addr.h - host-name and address syntax, shared by parsing and validation. */
#ifndef PICFLOW_ADDR_H
#define PICFLOW_ADDR_H

#define ADDR_MAX_WRITTEN	1024	/* an address as written, display
					   name too */

/* Normalise an address as written (bare, <a>, Name <a>, a<mailto:a>) to
 * its lower-cased addr-spec; NULL if it is not a valid address. */
char	*addr_parse(const char *s);

/* A host name as SPEC 2 wants it: RFC 1123 labels (letters, digits, '-'
 * not at either end, 1-63 octets), at least two labels, at most 253
 * octets, not ending in an all-digit label (an IP address is no FQDN). */
int	 addr_hostname_valid(const char *s);

/* The sender of a mail, from its From: field(s) (RFC 5322 3.4, with the
 * obsolete syntax it still allows: comments, a route before the address,
 * quoted local parts). A reply goes to addr only when problem is NULL. */
struct addr_sender {
	char		*addr;		/* the address to answer, canonical:
					   lower case, a local part quoted only
					   when a dot-atom cannot write it */
	char		*shown;		/* addr, else the From as written (no
					   control byte; "" when there was
					   none): the request's sender */
	const char	*problem;	/* why no reply can go to it (a reason
					   code: sender-missing, sender-group,
					   sender-several, sender-no-at,
					   sender-address-literal,
					   sender-invalid, sender-control) */
	int		 utf8;		/* addr has non-ASCII characters: only a
					   server offering SMTPUTF8 takes it */
};

/* from: the value of the first From: field, NULL if there was none;
 * fields: how many From: fields the mail has; ctl: a control byte (CR,
 * LF, NUL...) was in one. Never fails: what is not an answerable address
 * gets a problem. */
void	addr_sender_parse(const char *from, int fields, int ctl,
	    struct addr_sender *out);
void	addr_sender_free(struct addr_sender *as);

/* Whether a is an address a reply can be written to (as
 * addr_sender_parse() gives one); *utf8 says it needs SMTPUTF8. */
int	addr_reply_ok(const char *a, int *utf8);

#endif
