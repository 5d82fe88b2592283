/* imap_names.c - placing the configured mailboxes in the server's
 * namespace (RFC 2342). Pure: imap_conn.c fills struct imap_names from
 * the server's answers. */
#include "imap_names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
imap_names_init(struct imap_names *n)
{
	memset(n, 0, sizeof(*n));
	n->personal = xstrdup("");
}

void
imap_names_set(struct imap_names *n, const char *personal, char delim)
{
	size_t len = personal ? strlen(personal) : 0;

	free(n->personal);
	n->delim = delim;
	if (len > 0 && delim != '\0' && personal[len - 1] != delim)
		n->personal = xasprintf("%s%c", personal, delim);
	else
		n->personal = xstrdup(personal ? personal : "");
}

void
imap_names_add_other(struct imap_names *n, const char *prefix)
{
	if (prefix == NULL || *prefix == '\0')
		return;		/* an empty prefix would match every name */
	n->others = xrealloc(n->others, (n->n_others + 1) *
	    sizeof(*n->others));
	n->others[n->n_others++] = xstrdup(prefix);
}

void
imap_names_free(struct imap_names *n)
{
	for (size_t i = 0; i < n->n_others; i++)
		free(n->others[i]);
	free(n->others);
	free(n->personal);
	memset(n, 0, sizeof(*n));
}

/* Whether name starts with prefix; "INBOX" is case-insensitive (RFC
 * 3501 5.1), the rest of a name is not. */
static int
names_starts(const char *name, const char *prefix)
{
	size_t len = strlen(prefix), head = 0;

	if (len == 0 || strlen(name) < len)
		return 0;
	if (len >= 5 && strncasecmp(prefix, "INBOX", 5) == 0) {
		if (strncasecmp(name, "INBOX", 5) != 0)
			return 0;
		head = 5;
	}
	return strncmp(name + head, prefix + head, len - head) == 0;
}

static int
names_is_inbox(const struct imap_names *n, const char *name)
{
	if (strcasecmp(name, "INBOX") == 0)
		return 1;
	return n->delim != '\0' && strncasecmp(name, "INBOX", 5) == 0 &&
	    name[5] == n->delim;
}

char *
imap_names_place(const struct imap_names *n, const char *name)
{
	if (*n->personal == '\0' || names_is_inbox(n, name) ||
	    names_starts(name, n->personal))
		return xstrdup(name);
	for (size_t i = 0; i < n->n_others; i++)
		if (names_starts(name, n->others[i]))
			return xstrdup(name);
	return xstrcat(n->personal, name, (char *)NULL);
}
