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

#endif
