/* imap_names.h - where the configured mailboxes are on a given server.
 *
 * A configured name such as "Processed" means "a mailbox of mine": on
 * Dovecot that is "Processed", on Cyrus's traditional namespace
 * "INBOX.Processed" (a top-level CREATE is refused there). The server says
 * which with NAMESPACE (RFC 2342) and LIST "" "" (its hierarchy
 * delimiter); imap_conn.c asks and places every name it sends with
 * imap_names_place, a pure function. */
#ifndef PICFLOW_IMAP_NAMES_H
#define PICFLOW_IMAP_NAMES_H

#include <stddef.h>

struct imap_names {
	char	 *personal;	/* prefix of the personal namespace, "" if
				   none or unknown; ends with delim */
	char	  delim;	/* hierarchy delimiter, '\0' if flat or
				   unknown */
	char	**others;	/* the other non-empty namespace prefixes
				   (other users', shared) */
	size_t	  n_others;
};

/* An empty description: every name is kept as written. */
void	 imap_names_init(struct imap_names *n);
/* What the server said: prefix of its (first) personal namespace and
 * the delimiter; a non-empty prefix gets delim at its end if it lacks it. */
void	 imap_names_set(struct imap_names *n, const char *personal,
	    char delim);
void	 imap_names_add_other(struct imap_names *n, const char *prefix);
void	 imap_names_free(struct imap_names *n);

/* The name to send for the configured name: INBOX and INBOX<delim>...
 * are kept, so is a name that starts with a namespace prefix; any other
 * name goes under the personal prefix. Allocated. */
char	*imap_names_place(const struct imap_names *n, const char *name);

#endif
