/* suffix.h - the Public Suffix List (libpsl): where a domain's
 * organisation begins. */
#ifndef PICFLOW_SUFFIX_H
#define PICFLOW_SUFFIX_H

/* Whether domain (lower case, no trailing dot) is a public suffix, ICANN
 * or private section ("co.uk", "github.io"): no one organisation's, so
 * never a SIP domain. */
int	suffix_is_public(const char *domain);

/* Whether a and b have one registrable domain ("exemple.fabrikam.com"
 * and "fabrikam.com" do; "contoso.com" and "attacker.net" do not). */
int	suffix_same_site(const char *a, const char *b);

#endif
